//! Lint of a text of SIP and MSRP messages as it is read: the road parse
//! takes (a [`TextStream`]: framing, the dedent leniency, positions in the
//! original input), so memory holds the message being linted and the
//! chunks waiting for the rest of their message, not the input.
//!
//! Each message's findings are given out when it has been linted, sorted
//! by offset; the findings of a message sent in chunks (its body rules run
//! on the joined body) come when the input ends.

use std::io::Read;

use super::{Config, Cx, Diagnostic, check_message, chunks, msrp_rules, partial_body};
use crate::finding::Finding;
use crate::framing::FrameOptions;
use crate::message::{self, Message};
use crate::source::{TextItem, TextPos, TextStream};

/// A diagnostic placed in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub diagnostic: Diagnostic,
    /// 1-based line and column (bytes) in the original input.
    pub line: usize,
    pub column: usize,
    /// The line it is on, as framed (a pasted message's indentation
    /// removed), without its line end; at most [`SOURCE_MAX`] bytes of it
    /// around the place.
    pub source: Vec<u8>,
    /// The byte of `source` it points at.
    pub caret: usize,
}

/// Most bytes of a source line a [`Placed`] keeps, before and after the
/// place each.
pub const SOURCE_MAX: usize = 512;

/// The line of `buf` around `at`, cut to [`SOURCE_MAX`] bytes either side:
/// (the bytes, where `at` is in them).
pub fn line_around(buf: &[u8], at: usize) -> (Vec<u8>, usize) {
    let at = at.min(buf.len());
    let start = memchr::memrchr(b'\n', &buf[..at]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &buf[at..]).map_or(buf.len(), |i| at + i);
    let line = &buf[start..end];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let from = (at - start).saturating_sub(SOURCE_MAX);
    let to = line.len().min(at - start + SOURCE_MAX);
    (line[from.min(to)..to].to_vec(), at - start - from.min(to))
}

/// Severity after the configuration, or None when the code is allowed.
pub(crate) fn diagnose(cfg: &Config, f: Finding, offset: usize) -> Option<Diagnostic> {
    let severity = cfg.severity(f.code, f.severity)?;
    Some(Diagnostic {
        code: f.code,
        severity,
        message: f.message,
        offset,
        len: f.len,
        path: f.path,
        frame: None,
    })
}

/// Same code, place and path once; in order of offset.
fn settle(placed: &mut Vec<Placed>) {
    placed.sort_by(|a, b| {
        let (a, b) = (&a.diagnostic, &b.diagnostic);
        (a.offset, a.code, &a.path).cmp(&(b.offset, b.code, &b.path))
    });
    placed.dedup_by(|a, b| {
        let (a, b) = (&a.diagnostic, &b.diagnostic);
        a.code == b.code && a.offset == b.offset && a.path == b.path
    });
}

/// Lint the messages of a text as they are read from `reader`. Each
/// message read calls `on_message`; each finding goes to `out` as soon as
/// its message is linted (an error of `out` stops the lint). Returns how
/// many messages there were.
pub fn lint_stream<R: Read>(
    reader: R,
    cfg: &Config,
    on_message: &mut dyn FnMut(),
    out: &mut dyn FnMut(Placed) -> std::io::Result<()>,
) -> std::io::Result<usize> {
    let opts = FrameOptions {
        max_message: cfg.limits.max_message,
        datagram: false,
        text: true,
    };
    let mut stream = TextStream::new(reader, opts);
    let mut chunks = chunks::Chunks::new(cfg);
    let mut messages = 0;
    let mut placed = Vec::new();
    while let Some(item) = stream.next(&mut || Ok(()))? {
        match item {
            TextItem::Junk {
                at,
                len,
                message_like,
            } => {
                let f = crate::framing::junk_finding(at.offset, len, message_like);
                if let Some(d) = diagnose(cfg, f, at.offset) {
                    out(Placed {
                        diagnostic: d,
                        line: at.line,
                        column: at.column,
                        source: stream.junk_line().to_vec(),
                        caret: 0,
                    })?;
                }
            }
            TextItem::Message(frame) => {
                messages += 1;
                on_message();
                let lenient = stream.leniency(frame.start, frame.end);
                let buf = stream.window();
                let mut parsed = message::parse_frame(buf, &frame, &cfg.limits);
                let mut findings = Vec::new();
                let partial = partial_body(buf, &parsed);
                if let (Some(body), Message::Msrp(n)) = (&partial, &parsed.message) {
                    // One chunk: header rules now, body rules on the joined body.
                    parsed.findings.retain(|f| !body.contains(&f.offset));
                    findings.append(&mut parsed.findings);
                    let mut cx = Cx {
                        base: buf,
                        out: &mut findings,
                        limits: &cfg.limits,
                    };
                    msrp_rules::check(&mut cx, &n.msg, "", false);
                    chunks.push(buf, &n.msg, &|o| stream.position(o));
                } else {
                    findings.append(&mut parsed.findings);
                    check_message(buf, &parsed, cfg, &mut findings);
                }
                findings.sort_by_key(|f| f.offset);
                // The start line, for a dedent finding (rare): made only then.
                let start_line = if lenient.is_empty() {
                    Vec::new()
                } else {
                    line_around(buf, frame.start).0
                };
                for (f, at) in lenient {
                    if let Some(d) = diagnose(cfg, f, at.offset) {
                        placed.push(Placed {
                            diagnostic: d,
                            line: at.line,
                            column: at.column,
                            source: start_line.clone(),
                            caret: 0,
                        });
                    }
                }
                for f in findings {
                    let o = f.offset.min(buf.len());
                    let at = stream.position(o);
                    if let Some(d) = diagnose(cfg, f, at.offset) {
                        let (source, caret) = line_around(buf, o);
                        placed.push(Placed {
                            diagnostic: d,
                            line: at.line,
                            column: at.column,
                            source,
                            caret,
                        });
                    }
                }
                settle(&mut placed);
                for p in placed.drain(..) {
                    out(p)?;
                }
            }
        }
    }
    chunks.finish(cfg, &mut placed);
    settle(&mut placed);
    for p in placed {
        out(p)?;
    }
    Ok(messages)
}

/// Where a byte of a chunk's data is, from where its data starts
/// (`at`) and the data before it (`before`, from the data's first byte).
pub(crate) fn advance(at: TextPos, before: &[u8]) -> TextPos {
    let offset = at.offset + before.len();
    match memchr::memrchr(b'\n', before) {
        Some(i) => TextPos {
            offset,
            line: at.line + memchr::memchr_iter(b'\n', before).count(),
            column: before.len() - i,
        },
        None => TextPos {
            offset,
            line: at.line,
            column: at.column + before.len(),
        },
    }
}
