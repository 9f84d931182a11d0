//! The lint: the deferred-message CR's rules, the RFC 3261 and RFC 4975
//! grammars, RFC 3842 message-summary bodies and the opt-in `oma-im`
//! profile, over parsed message trees.
//!
//! The rules never re-parse: each message is parsed once by the core
//! ([`crate::message::parse_frame`]) and the tree is walked once. Every
//! finding of the core is a lint finding too (each core code is a rule of
//! the [`rules`] catalogue); the rules add theirs with the same shape
//! (code, offset, MIME path).
//!
//! Entry points: [`lint_text`] for a text input (SIP and MSRP messages in
//! any mix, a bare multipart body, a bare message-summary body) and
//! [`lint_one`] for one message already cut out of a capture.

use crate::header::Hdr;
use std::collections::HashMap;
use std::fmt::Write as _;

use crate::body::{self, Body, BodyKind};
use crate::finding::{Finding, Severity, offset_in};
use crate::framing::Protocol;
use crate::header::Header;
use crate::limits::Limits;
use crate::message::{self, Message, Parsed};
use crate::source;

mod chunks;
pub mod cr;
pub mod fix;
pub mod msrp_rules;
pub mod oma;
pub mod output;
mod scan;
pub mod sip_grammar;
pub mod summary_hook;
pub mod text;

pub use crate::catalogue::{Category, Code, code, codes};

/// What to do with a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

/// Errors of the lint configuration.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LintError {
    #[error("unknown code `{0}`{hint} (see --list-rules)", hint = crate::catalogue::nearest(.0).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default())]
    UnknownRule(String),
}

/// Lint configuration: profiles, per-rule levels and limits.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The `oma-im` profile.
    pub oma_im: bool,
    pub limits: Limits,
    levels: HashMap<&'static str, Level>,
    deny_warnings: bool,
}

impl Config {
    /// Set a rule's level. `warnings` with [`Level::Deny`] makes every
    /// warning an error. Later calls win.
    pub fn set(&mut self, id: &str, level: Level) -> Result<(), LintError> {
        if id == "warnings" {
            self.deny_warnings = level == Level::Deny;
            return Ok(());
        }
        let r = code(id).ok_or_else(|| LintError::UnknownRule(id.to_string()))?;
        self.levels.insert(r.id, level);
        Ok(())
    }

    /// The effective severity of a finding, `None` when the rule is allowed.
    pub fn severity(&self, code: &str, own: Severity) -> Option<Severity> {
        let r = crate::catalogue::code(code);
        // Profile rules only speak when their profile is on.
        if !self.oma_im && r.is_some_and(|r| r.category == Category::OmaIm) {
            return None;
        }
        let base = r.map_or(own, |r| r.severity);
        let sev = match self.levels.get(code) {
            Some(Level::Allow) => return None,
            Some(Level::Warn) => Severity::Warning,
            Some(Level::Deny) => Severity::Error,
            None => base,
        };
        if self.deny_warnings && sev == Severity::Warning {
            return Some(Severity::Error);
        }
        Some(sev)
    }
}

/// One reported finding, positioned in the original input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Byte offset in the original input (before any dedent).
    pub offset: usize,
    pub len: usize,
    /// MIME path inside the message, e.g. `part 2 > header Via`.
    pub path: String,
    /// Frame number, for captures.
    pub frame: Option<u64>,
}

/// The result of linting one input.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Messages (and bare bodies) checked.
    pub messages: usize,
}

impl Report {
    pub fn count(&self, sev: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == sev)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    fn push(&mut self, cfg: &Config, f: Finding, offset: usize, frame: Option<u64>) {
        if let Some(d) = text::diagnose(cfg, f, offset) {
            self.diagnostics.push(Diagnostic { frame, ..d });
        }
    }
}

/// The rules' view of a walk: the buffer offsets refer to and the sink.
pub(crate) struct Cx<'c> {
    pub base: &'c [u8],
    pub out: &'c mut Vec<Finding>,
    /// The user's limits (the message-summary parser applies them too).
    pub limits: &'c Limits,
}

impl Cx<'_> {
    /// Offset of a subslice of the base buffer.
    pub fn at(&self, s: &[u8]) -> usize {
        offset_in(self.base, s)
    }

    pub fn push(&mut self, f: Finding) {
        self.out.push(f);
    }

    /// A finding on a header field.
    pub fn header(
        &mut self,
        code: &'static str,
        path: &str,
        h: &Header<'_>,
        message: impl Into<String>,
    ) {
        let mut p = String::with_capacity(path.len() + 10 + h.canonical.len());
        if !path.is_empty() {
            p.push_str(path);
            p.push_str(" > ");
        }
        p.push_str("header ");
        p.push_str(h.canonical);
        let f = Finding::error(code, self.at(h.field), message)
            .with_len(h.field.len())
            .with_path(p);
        self.out.push(f);
    }
}

/// `outer > inner` path join.
pub(crate) fn join(path: &str, seg: &str) -> String {
    if path.is_empty() {
        seg.to_string()
    } else {
        format!("{path} > {seg}")
    }
}

pub(crate) fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Run every rule over one parsed message; findings go to `out` with
/// offsets into `base` (the buffer the message was parsed from). `cfg`
/// gives the profiles and the limits.
pub fn check_message(base: &[u8], parsed: &Parsed<'_>, cfg: &Config, out: &mut Vec<Finding>) {
    let oma_im = cfg.oma_im;
    let mut cx = Cx {
        base,
        out,
        limits: &cfg.limits,
    };
    match &parsed.message {
        Message::Sip(n) => {
            sip_grammar::check(&mut cx, &n.msg, "", true);
            if oma_im {
                oma::check(&mut cx, &n.msg);
            }
            check_summary_event(&mut cx, n);
            walk_body(&mut cx, &n.body, &mut String::new(), false);
        }
        Message::Msrp(n) => {
            msrp_rules::check(&mut cx, &n.msg, "", false);
            let pushed = cr::check_pushed_send(&mut cx, n);
            walk_body(&mut cx, &n.body, &mut String::new(), pushed);
        }
    }
}

/// A NOTIFY that carries a message-summary body belongs to the
/// `message-summary` event package (RFC 3842 3.1): any other Event (or none)
/// is `summary-notify-event`.
fn check_summary_event(cx: &mut Cx<'_>, n: &crate::body::SipNode<'_>) {
    let msg = &n.msg;
    let summary_body = n
        .body
        .media
        .as_ref()
        .is_some_and(|m| m.is("application", "simple-message-summary"));
    if msg.method() != Some(&b"NOTIFY"[..]) || !summary_body {
        return;
    }
    let event = msg.header(Hdr::Event);
    let package = event.map(|h| {
        let v = h.value;
        let end = v.iter().position(|&b| b == b';').unwrap_or(v.len());
        v[..end].trim_ascii()
    });
    if package.is_some_and(|p| p.eq_ignore_ascii_case(b"message-summary")) {
        return;
    }
    let what = match package {
        Some(p) => format!("its Event is `{}`", lossy(p)),
        None => "it has no Event header".to_string(),
    };
    let (at, len) = match event {
        Some(h) => (cx.at(h.field), h.field.len()),
        None => (cx.at(msg.start_line.unwrap_or(msg.raw)), 0),
    };
    cx.push(
        Finding::warning(
            "summary-notify-event",
            at,
            format!("NOTIFY carries a message-summary body but {what}, not message-summary"),
        )
        .with_len(len),
    );
}

/// Walk a body tree once. `pushed`: the body is (inside) the payload of a
/// pushed SEND or a bare multipart body, where the CR's rules apply.
/// `path` is the MIME path so far; one buffer serves the whole walk (a
/// part's segment is appended, then cut off again).
pub(crate) fn walk_body(cx: &mut Cx<'_>, body: &Body<'_>, path: &mut String, pushed: bool) {
    match &body.kind {
        BodyKind::Empty => {}
        BodyKind::Leaf => {
            if body
                .media
                .as_ref()
                .is_some_and(|m| m.is("application", "simple-message-summary"))
            {
                summary_hook::check_body(cx, body.raw, path);
            }
        }
        BodyKind::Multipart(mp) => {
            let len = path.len();
            for (i, part) in mp.parts.iter().enumerate() {
                if len > 0 {
                    path.push_str(" > ");
                }
                let _ = write!(path, "part {}", i + 1);
                walk_body(cx, &part.body, path, pushed);
                path.truncate(len);
            }
        }
        BodyKind::Sip(node) => {
            sip_grammar::check(cx, &node.msg, path, false);
            if pushed {
                cr::check_sip(cx, node, path);
            }
            walk_body(cx, &node.body, path, false);
        }
        BodyKind::Msrp(node) => {
            msrp_rules::check(cx, &node.msg, path, node.fragment);
            if pushed {
                cr::check_msrp(cx, node, body.media.as_ref(), path);
            }
            walk_body(cx, &node.body, path, false);
        }
    }
}

/// What a text input is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TextKind {
    /// SIP and/or MSRP messages.
    Messages,
    /// A bare multipart body: its boundary (from the first delimiter line).
    Multipart(Vec<u8>),
    /// A MIME entity: Content-Type header(s), an empty line, the body.
    Entity,
    /// A bare message-summary body.
    Summary,
}

fn first_line(buf: &[u8]) -> (&[u8], usize) {
    let start = buf
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(buf.len());
    let rest = &buf[start..];
    let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    let line = &rest[..end];
    (line.strip_suffix(b"\r").unwrap_or(line), start)
}

/// Is a text (or its first bytes, a MiB say) SIP and MSRP messages, to be
/// linted by [`text::lint_stream`], rather than a bare body for
/// [`lint_text`]?
pub fn is_messages(prefix: &[u8]) -> bool {
    classify_text(prefix) == TextKind::Messages
}

fn classify_text(buf: &[u8]) -> TextKind {
    let (line, start) = first_line(buf);
    if crate::framing::classify(buf, start).is_some() {
        return TextKind::Messages;
    }
    let lower = line.to_ascii_lowercase();
    // A message-summary body: its status line first, or further down its
    // first block of lines (then `summary-status-not-first`, not junk).
    let status_line = |l: &[u8]| l.to_ascii_lowercase().starts_with(b"messages-waiting");
    if status_line(line)
        || buf[start..]
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .take_while(|l| !l.is_empty())
            .take(1000)
            .any(status_line)
    {
        return TextKind::Summary;
    }
    if lower.starts_with(b"content-type") && line[12..].trim_ascii_start().first() == Some(&b':') {
        return TextKind::Entity;
    }
    if let Some(b) = line.strip_prefix(b"--") {
        let b = b.trim_ascii_end();
        let b = b.strip_suffix(b"--").unwrap_or(b);
        if !b.is_empty() && b.len() <= 70 && !b.iter().any(|c| c.is_ascii_whitespace()) {
            return TextKind::Multipart(b.to_vec());
        }
    }
    TextKind::Messages
}

/// Lint one text input (a file or stdin): any mix of SIP and MSRP
/// messages, or a bare multipart body, or a bare message-summary body.
/// Diagnostics are positioned in `input` and sorted by offset.
pub fn lint_text(input: &[u8], cfg: &Config) -> Report {
    let kind = classify_text(input);
    if kind == TextKind::Messages {
        let mut report = Report::default();
        let mut diagnostics = Vec::new();
        // Reading a slice cannot fail, nor can this sink.
        report.messages = text::lint_stream(input, cfg, &mut || {}, &mut |p| {
            diagnostics.push(p.diagnostic);
            Ok(())
        })
        .unwrap_or_default();
        report.diagnostics = diagnostics;
        dedup(&mut report.diagnostics);
        return report;
    }
    let prepared = source::prepare(input, true);
    let buf: &[u8] = &prepared.bytes;
    let mut report = Report::default();
    for f in prepared.findings.iter().cloned() {
        let off = f.offset;
        report.push(cfg, f, off, None);
    }
    let mut findings = Vec::new();
    match kind {
        TextKind::Summary => {
            report.messages += 1;
            let mut cx = Cx {
                base: buf,
                out: &mut findings,
                limits: &cfg.limits,
            };
            summary_hook::check_body(&mut cx, buf, "");
        }
        TextKind::Multipart(boundary) => {
            report.messages += 1;
            let mut ct = b"multipart/mixed; boundary=\"".to_vec();
            ct.extend_from_slice(&boundary);
            ct.push(b'"');
            bare_body(buf, buf, Some(&ct), cfg, &mut findings);
        }
        TextKind::Entity => {
            report.messages += 1;
            let mut hf = Vec::new();
            let (headers, end) = crate::header::parse_block(
                buf,
                buf,
                crate::header::Dialect::Mime,
                &cfg.limits,
                "",
                &mut hf,
            );
            findings.append(&mut hf);
            let ct = crate::header::find(&headers, Hdr::ContentType).map(|h| h.value);
            let raw = &buf[end.body_start.min(buf.len())..];
            bare_body(buf, raw, ct, cfg, &mut findings);
        }
        // Linted as a stream above.
        TextKind::Messages => {}
    }
    for f in findings {
        let off = prepared.original_offset(f.offset.min(buf.len()));
        report.push(cfg, f, off, None);
    }
    dedup(&mut report.diagnostics);
    report.diagnostics.sort_by_key(|d| (d.frame, d.offset));
    report
}

/// A bare body (multipart or MIME entity): parsed with the given
/// Content-Type; the CR's rules apply to its parts.
fn bare_body(
    base: &[u8],
    raw: &[u8],
    ct: Option<&[u8]>,
    cfg: &Config,
    findings: &mut Vec<Finding>,
) {
    let mut ctx = body::Ctx {
        base,
        limits: &cfg.limits,
        findings,
        parts: 0,
    };
    let b = body::parse(&mut ctx, raw, ct, 0, "");
    let mut cx = Cx {
        base,
        out: findings,
        limits: &cfg.limits,
    };
    walk_body(&mut cx, &b, &mut String::new(), true);
}

/// Lint one message that is not part of a text stream (from a capture):
/// `bytes` is the message, `frame` its frame number, `findings` what the
/// capture reader said about it (offsets into `bytes`).
pub fn lint_one(
    bytes: &[u8],
    protocol: Protocol,
    truncated: bool,
    findings: Vec<Finding>,
    frame: Option<u64>,
    cfg: &Config,
) -> Report {
    let mut report = Report {
        messages: 1,
        ..Report::default()
    };
    let parsed = message::parse_one(bytes, protocol, truncated, findings, &cfg.limits);
    let mut all = parsed.findings.clone();
    match (partial_body(bytes, &parsed), &parsed.message) {
        // One chunk of a larger message: its data is not a body; only the
        // header rules apply.
        (Some(body), Message::Msrp(n)) => {
            all.retain(|f| !body.contains(&f.offset));
            let mut cx = Cx {
                base: bytes,
                out: &mut all,
                limits: &cfg.limits,
            };
            msrp_rules::check(&mut cx, &n.msg, "", false);
        }
        _ => check_message(bytes, &parsed, cfg, &mut all),
    }
    for f in all {
        let off = f.offset;
        report.push(cfg, f, off, frame);
    }
    dedup(&mut report.diagnostics);
    report
}

/// The span of a chunk's data (offsets of `base`, end included) when the
/// message is one chunk of a larger MSRP message.
fn partial_body(base: &[u8], parsed: &Parsed<'_>) -> Option<std::ops::RangeInclusive<usize>> {
    let Message::Msrp(n) = &parsed.message else {
        return None;
    };
    if !chunks::is_partial(&n.msg) {
        return None;
    }
    let body = n.msg.body?;
    let at = offset_in(base, body);
    Some(at..=at + body.len())
}

/// Sort by position; the same rule at the same place once.
fn dedup(d: &mut Vec<Diagnostic>) {
    d.sort_by(|a, b| {
        (a.frame, a.offset, a.code, &a.path).cmp(&(b.frame, b.offset, b.code, &b.path))
    });
    d.dedup_by(|a, b| {
        a.code == b.code && a.offset == b.offset && a.frame == b.frame && a.path == b.path
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(input: &[u8]) -> Vec<&'static str> {
        lint_text(input, &Config::default())
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn levels_and_deny_warnings() {
        let mut cfg = Config::default();
        assert_eq!(
            cfg.severity("via-present", Severity::Error),
            Some(Severity::Error)
        );
        cfg.set("via-present", Level::Warn).unwrap();
        assert_eq!(
            cfg.severity("via-present", Severity::Error),
            Some(Severity::Warning)
        );
        cfg.set("warnings", Level::Deny).unwrap();
        assert_eq!(
            cfg.severity("via-present", Severity::Error),
            Some(Severity::Error)
        );
        cfg.set("via-present", Level::Allow).unwrap();
        assert_eq!(cfg.severity("via-present", Severity::Error), None);
        assert_eq!(
            cfg.set("no-such-rule", Level::Deny),
            Err(LintError::UnknownRule("no-such-rule".into()))
        );
        assert_eq!(cfg.severity("oma-timer-missing", Severity::Error), None);
    }

    #[test]
    fn bare_multipart_gets_the_cr_rules() {
        let input = b"--b1\r\nContent-Type: message/sip\r\n\r\nMESSAGE sip:a@b SIP/2.0\r\nv: SIP/2.0/TCP h;branch=z9hG4bK1\r\nCall-ID: x\r\nDate: Thu, 21 Feb 2002 13:02:03 GMT\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n\r\n--b1--\r\n";
        assert_eq!(codes(input), ["via-present"]);
    }

    #[test]
    fn junk_is_an_error() {
        assert_eq!(codes(b"hello world\r\n"), ["not-sip-or-msrp"]);
        assert_eq!(codes(b"INVALID 1234 SEND\r\nTo-Path: x\r\n\r\n"), ["junk"]);
    }

    #[test]
    fn chunked_pushed_sends_are_checked_on_the_joined_body() {
        let stored = b"MESSAGE sip:b@x.example SIP/2.0\r\nVia: SIP/2.0/TCP h.example;branch=z9hG4bK1\r\nFrom: <sip:a@x.example>;tag=1\r\nTo: <sip:b@x.example>\r\nCall-ID: c1@x.example\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nHello";
        let opts = |keep: Vec<String>| crate::encap::Options {
            date: Some("Thu, 21 Feb 2002 13:02:03 GMT".into()),
            chunk_size: Some(37),
            keep,
            ..crate::encap::Options::default()
        };
        let limits = Limits::default();
        let clean = crate::encap::encap_text(&[stored], None, &opts(vec![]), &limits).unwrap();
        let r = lint_text(&clean, &Config::default());
        assert!(r.messages > 5);
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        // Via kept: found once, in the chunk that carries its first byte.
        let bad =
            crate::encap::encap_text(&[stored], None, &opts(vec!["Via".into()]), &limits).unwrap();
        let r = lint_text(&bad, &Config::default());
        let rules: Vec<_> = r.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(rules, ["via-present"]);
        assert!(bad[r.diagnostics[0].offset..].starts_with(b"V"));
        assert_eq!(r.diagnostics[0].path, "part 1 > header Via");
        // A chunk without the others: header rules only, no body noise.
        let first = &bad[..memchr::memmem::find(&bad, b"+\r\n").unwrap() + 3];
        assert_eq!(codes(first), Vec::<&str>::new());
    }

    #[test]
    fn dedented_offsets_map_back() {
        let input = b"   MESSAGE sip:a@b SIP/2.0\n   CSeq: 1 INVITE\n   l: 0\n\n";
        let r = lint_text(input, &Config::default());
        let d = r
            .diagnostics
            .iter()
            .find(|d| d.code == "cseq-method-mismatch")
            .unwrap();
        assert_eq!(&input[d.offset..d.offset + 4], b"CSeq");
    }
}
