//! `lint --fix`: non-conformant pushed SENDs rewritten into the CR's form.
//!
//! A pushed SEND (an MSRP SEND whose body holds message/* content, the
//! pre-CR forms of 000 Appendix K and 004 D.2 included) that has an
//! error-level finding of the CR or of the body structure is taken apart
//! with the parsing core, which reads through the typos it can read through
//! (typographic quotes around the boundary, a close delimiter used as a
//! separator, a missing close delimiter, `Content-Type=` in part headers,
//! a part without Content-Type). Its deferred message is rebuilt as the
//! stored form [`encap`] takes — a pager-mode MESSAGE, or the INVITE of a
//! Large Message Mode session with its MSRP message joined from its chunks —
//! and [`encap::encode`] writes the conformant SEND, keeping the SEND's
//! paths, transaction id, Message-ID, boundary and other headers.
//!
//! What encap does is what changes: Via, routing and charging headers
//! removed; only the relevant INVITE headers kept (as message/sipfrag, its
//! session-setup body dropped); 200 OK, ACK and BYE parts dropped;
//! message/msrp renamed message/msrpfrag with only Message-ID and
//! Content-Type; P-Asserted-Identity removed when Privacy asks for
//! anonymity; Date added when missing; Byte-Range recomputed. Here a
//! Content-Length that disagrees with its part is recomputed too. Call-ID,
//! Message-ID and the message body are never changed.
//!
//! Every change is reported with the rule it answers. What cannot be fixed
//! (a part that holds one chunk without the rest, no Call-ID or Message-ID
//! to keep, a part that is not a message...) is reported and the SEND is
//! copied unchanged; so is every message that is not a pushed SEND, and the
//! bytes between messages.

use crate::header::{self, Hdr};
use jiff::Timestamp;

use super::{Category, Config, check_message, code as catalogued, cr};
use crate::body::{Body, BodyKind, MsrpNode, SipNode};
use crate::encap::{
    self, BLOCKING, Deferred, Options, PagerForm, Position, StoredLarge, StoredPager,
};
use crate::finding::{Finding, Severity, offset_in};
use crate::framing::{FrameOptions, Framer, Item, Protocol};
use crate::mediatype::MediaType;
use crate::message::{self, Message};
use crate::msrp::{ByteRange, MsrpKind};
use crate::reassembly::{Chunk, OwnedHeader, Reassembler};

/// What `--fix` adds where a message has no Date.
#[derive(Debug, Clone)]
pub struct FixOptions {
    /// The Date value (RFC 1123 GMT) added where an encapsulated INVITE or
    /// MESSAGE has none; absent: `now`.
    pub date: Option<String>,
    pub now: Timestamp,
}

/// One change made, answering one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub code: &'static str,
    pub message: String,
    /// Byte offset in the original input of what was changed.
    pub offset: usize,
    /// MIME path, e.g. `part 1 > header Via`.
    pub path: String,
}

/// A pushed SEND that could not be fixed (copied unchanged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfixed {
    /// The rule it concerns, when one does.
    pub code: Option<&'static str>,
    pub message: String,
    /// Byte offset in the original input.
    pub offset: usize,
    pub path: String,
}

/// The result of [`fix_text`].
#[derive(Debug, Clone, Default)]
pub struct FixReport {
    /// The input with every fixable pushed SEND rewritten.
    pub output: Vec<u8>,
    pub changes: Vec<Change>,
    pub unfixed: Vec<Unfixed>,
    /// Pushed SENDs seen.
    pub pushed: usize,
    /// Pushed SENDs rewritten.
    pub rewritten: usize,
}

/// Rewrite every non-conformant pushed SEND of a text input. Offsets in the
/// report are those of `input`.
pub fn fix_text(input: &[u8], cfg: &Config, opts: &FixOptions) -> FixReport {
    let prepared = crate::source::prepare(input, true);
    let buf: &[u8] = &prepared.bytes;
    let mut rep = FixReport::default();
    match super::classify_text(buf) {
        super::TextKind::Messages => {}
        kind => {
            let what = match kind {
                super::TextKind::Summary => "a message-summary body",
                _ => "a bare body",
            };
            rep.unfixed.push(Unfixed {
                code: None,
                message: format!(
                    "--fix rewrites pushed MSRP SENDs; this input is {what}, left unchanged"
                ),
                offset: 0,
                path: String::new(),
            });
            rep.output = input.to_vec();
            return rep;
        }
    }
    if let Some(f) = prepared.findings.first() {
        rep.changes.push(Change {
            code: "indented-message",
            message: "removed the indentation of the pasted message(s)".into(),
            offset: f.offset,
            path: String::new(),
        });
    }
    let fopts = FrameOptions {
        max_message: cfg.limits.max_message,
        datagram: false,
        text: false,
    };
    let mut changes = Vec::new();
    let mut unfixed = Vec::new();
    let mut chunked = Vec::new();
    let mut last = 0;
    for item in Framer::new(buf, fopts) {
        let (start, end) = match &item {
            Item::Junk { start, end } => (*start, *end),
            Item::Message(f) => (f.start, f.end),
        };
        rep.output.extend_from_slice(&buf[last.min(start)..start]);
        last = end;
        let original = &buf[start..end];
        let Item::Message(frame) = item else {
            rep.output.extend_from_slice(original);
            continue;
        };
        let parsed = message::parse_frame(buf, &frame, &cfg.limits);
        let Message::Msrp(node) = &parsed.message else {
            rep.output.extend_from_slice(original);
            continue;
        };
        if super::chunks::is_partial(&node.msg) {
            // One chunk of a SEND split over several: lint checks the joined
            // body; rewriting needs the whole message in one SEND.
            if cr::is_pushed_send(node) || node.msg.content_type().is_some_and(|m| m.is_multipart())
            {
                rep.pushed += 1;
                chunked.push((frame.start, frame.end));
            }
            rep.output.extend_from_slice(original);
            continue;
        }
        if !cr::is_pushed_send(node) {
            rep.output.extend_from_slice(original);
            continue;
        }
        rep.pushed += 1;
        let mut findings = parsed.findings.clone();
        check_message(buf, &parsed, cfg, &mut findings);
        if !findings.iter().any(|f| wants_fix(cfg, f)) {
            rep.output.extend_from_slice(original);
            continue;
        }
        let mut fx = Fixer {
            buf,
            findings: &findings,
            opts,
            cfg,
            changes: Vec::new(),
        };
        match fx.rebuild(node, original) {
            Ok(bytes) => {
                if let Some(f) = findings.iter().find(|f| f.code == "bare-lf") {
                    fx.changes.push(Change {
                        code: "bare-lf",
                        message: "line ends of the rewritten SEND written as CRLF (message bodies kept as they were)".into(),
                        offset: f.offset,
                        path: String::new(),
                    });
                }
                rep.output.extend_from_slice(&bytes);
                changes.append(&mut fx.changes);
                rep.rewritten += 1;
            }
            Err(u) => {
                rep.output.extend_from_slice(original);
                unfixed.push(u);
            }
        }
    }
    rep.output.extend_from_slice(&buf[last.min(buf.len())..]);
    // Chunks of pushed SENDs are left as they are; say so when the joined
    // message breaks a rule --fix would repair.
    if let Some(&(first, _)) = chunked.first() {
        let mut cfg_fix = cfg.clone();
        cfg_fix.oma_im = false;
        let joined = super::lint_text(buf, &cfg_fix);
        if joined.diagnostics.iter().any(|d| {
            d.severity == Severity::Error
                && catalogued(d.code)
                    .is_some_and(|r| matches!(r.category, Category::Cr | Category::Structure))
                && chunked.iter().any(|&(s, e)| (s..e).contains(&d.offset))
        }) {
            unfixed.push(unfixed_at(
                first,
                "a pushed message split over several SENDs (chunks) breaks the CR: --fix rewrites a pushed message sent in one SEND",
            ));
        }
    }
    let orig = |o: usize| prepared.original_offset(o.min(buf.len()));
    changes.sort_by_key(|c: &Change| c.offset);
    rep.changes.extend(changes.into_iter().map(|mut c| {
        c.offset = orig(c.offset);
        c
    }));
    rep.unfixed.extend(unfixed.into_iter().map(|mut u| {
        u.offset = orig(u.offset);
        u
    }));
    rep
}

/// A finding that makes a pushed SEND worth rebuilding: an error (after the
/// configured levels) of the CR or of the body structure.
fn wants_fix(cfg: &Config, f: &Finding) -> bool {
    cfg.severity(f.code, f.severity) == Some(Severity::Error)
        && catalogued(f.code)
            .is_some_and(|r| matches!(r.category, Category::Cr | Category::Structure))
}

/// How a part's type is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Typed {
    /// Its Content-Type header.
    Declared,
    /// A `Content-Type=...` line (offset of the line).
    Recovered(usize),
    /// No type: its content was recognised as a SIP or MSRP message.
    Sniffed,
    /// The SEND's body itself (not multipart).
    Whole,
}

struct PartRef<'p, 'a> {
    /// `part N`, or empty for the SEND's whole body.
    path: String,
    /// Offset of the part (its content) for reports.
    at: usize,
    body: &'p Body<'a>,
    media: Option<MediaType<'a>>,
    typed: Typed,
}

/// Which rule asks for a removed SIP header (as `cr::check_sip` reports it).
fn sip_header_rule(h: Option<Hdr>, invite: bool, anonymous: bool) -> &'static str {
    match h {
        Some(Hdr::Via) => "via-present",
        Some(Hdr::PChargingVector | Hdr::PChargingFunctionAddresses) => "charging-header",
        Some(Hdr::PAssertedIdentity) if anonymous => "pai-with-privacy",
        _ if invite && !h.is_some_and(|h| h.has(header::CR_RELEVANT)) => "invite-extra-header",
        _ => "routing-header",
    }
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn join(path: &str, seg: &str) -> String {
    super::join(path, seg)
}

fn unfixed_at(at: usize, message: &str) -> Unfixed {
    unfixed(Some("chunked-fragment"), at, "", message.to_string())
}

fn unfixed(rule: Option<&'static str>, at: usize, path: &str, message: String) -> Unfixed {
    Unfixed {
        code: rule,
        message,
        offset: at,
        path: path.to_string(),
    }
}

/// FNV-1a: a seed for generated ids that depends only on the input, so the
/// same input gives the same output.
fn seed_of(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &x| {
        (h ^ u64::from(x)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A `Content-Type=value` line among a part's header lines.
fn recover_content_type<'a>(part_raw: &'a [u8], body_raw: &[u8]) -> Option<(&'a [u8], &'a [u8])> {
    let head_len = offset_in(part_raw, body_raw).min(part_raw.len());
    let head = &part_raw[..head_len];
    head.split(|&b| b == b'\n').find_map(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let name = b"Content-Type";
        if line.len() > name.len() && line[..name.len()].eq_ignore_ascii_case(name) {
            let rest = line[name.len()..].trim_ascii_start();
            if let Some(v) = rest.strip_prefix(b"=") {
                return Some((line, v.trim_ascii()));
            }
        }
        None
    })
}

struct Fixer<'f, 'a> {
    buf: &'a [u8],
    findings: &'f [Finding],
    opts: &'f FixOptions,
    cfg: &'f Config,
    changes: Vec<Change>,
}

impl<'a> Fixer<'_, 'a> {
    fn at(&self, s: &[u8]) -> usize {
        offset_in(self.buf, s)
    }

    fn change(&mut self, code: &'static str, at: usize, path: &str, message: impl Into<String>) {
        self.changes.push(Change {
            code,
            message: message.into(),
            offset: at,
            path: path.to_string(),
        });
    }

    /// Changes for the structural findings the rebuilt multipart repairs.
    fn structure_changes(&mut self, boundary: &[u8]) {
        let b = lossy(boundary);
        for f in self.findings {
            let msg = match f.code {
                "boundary-smart-quotes" => {
                    format!("typographic quotes around the boundary replaced (boundary `{b}`)")
                }
                "multipart-boundary-missing" => {
                    format!("boundary parameter `{b}` (inferred from the body) written")
                }
                "multipart-close-as-separator" => {
                    format!("close delimiter `--{b}--` written as the separator `--{b}`")
                }
                "multipart-unclosed" => format!("close delimiter `--{b}--` added"),
                "part-headers-unterminated" => {
                    "empty line added between the part headers and the part body".into()
                }
                _ => continue,
            };
            self.changes.push(Change {
                code: f.code,
                message: msg,
                offset: f.offset,
                path: f.path.clone(),
            });
        }
    }

    /// A blocking finding in the head of an encapsulated message (between
    /// `raw` and its body): its header fields cannot be copied faithfully.
    fn blocking(&self, raw: &[u8], body_at: usize, path: &str) -> Result<(), Unfixed> {
        let start = self.at(raw);
        let end = body_at.max(start);
        if let Some(f) = self.findings.iter().find(|f| {
            f.severity == Severity::Error
                && BLOCKING.contains(&f.code)
                && !f.code.starts_with("content-length")
                && (start..end.max(start + 1)).contains(&f.offset)
        }) {
            return Err(unfixed(
                catalogued(f.code).map(|r| r.id),
                f.offset,
                path,
                format!(
                    "cannot copy the encapsulated message's headers faithfully: {}",
                    f.message
                ),
            ));
        }
        Ok(())
    }

    /// The parts of the SEND's body, each with its type.
    fn parts<'p>(&mut self, body: &'p Body<'a>) -> Result<Vec<PartRef<'p, 'a>>, Unfixed> {
        let mut out = Vec::new();
        match &body.kind {
            BodyKind::Multipart(mp) => {
                self.structure_changes(&mp.boundary);
                if let Some(m) = body.media.as_ref().filter(|m| !m.is("multipart", "mixed")) {
                    self.change(
                        "not-multipart",
                        self.at(m.raw),
                        "header Content-Type",
                        format!("{} rewritten as multipart/mixed", m.essence()),
                    );
                }
                for (i, part) in mp.parts.iter().enumerate() {
                    let path = format!("part {}", i + 1);
                    let at = self.at(part.raw);
                    let (media, typed) = if part.header(Hdr::ContentType).is_some() {
                        (part.body.media.clone(), Typed::Declared)
                    } else if let Some((line, v)) = recover_content_type(part.raw, part.body.raw) {
                        (MediaType::parse(v), Typed::Recovered(self.at(line)))
                    } else {
                        (None, Typed::Sniffed)
                    };
                    out.push(PartRef {
                        path,
                        at,
                        body: &part.body,
                        media,
                        typed,
                    });
                }
            }
            BodyKind::Sip(_) | BodyKind::Msrp(_) => {
                let what = body
                    .media
                    .as_ref()
                    .map_or_else(String::new, |m| m.essence());
                self.change(
                    "not-multipart",
                    body.media
                        .as_ref()
                        .map_or(self.at(body.raw), |m| self.at(m.raw)),
                    "header Content-Type",
                    format!("{what} body wrapped in multipart/mixed"),
                );
                out.push(PartRef {
                    path: String::new(),
                    at: self.at(body.raw),
                    body,
                    media: body.media.clone(),
                    typed: Typed::Whole,
                });
            }
            _ => {
                return Err(unfixed(
                    Some("not-multipart"),
                    self.at(body.raw),
                    "",
                    "the SEND's body is not a multipart body of encapsulated messages".into(),
                ));
            }
        }
        Ok(out)
    }

    /// Report how a part got the type it is rebuilt with.
    fn typing_change(&mut self, p: &PartRef<'_, '_>, ty: &str) {
        match p.typed {
            Typed::Recovered(at) => self.change(
                "header-missing-colon",
                at,
                &p.path,
                format!("part header `Content-Type=` read as `Content-Type: {ty}`"),
            ),
            Typed::Sniffed => self.change(
                "part-content-type-missing",
                p.at,
                &p.path,
                format!("untyped part carried as {ty}"),
            ),
            Typed::Declared | Typed::Whole => {}
        }
    }

    fn date_value(&self) -> String {
        self.opts
            .date
            .clone()
            .unwrap_or_else(|| crate::date::format(self.opts.now))
    }

    /// A pager-mode MESSAGE part into the stored form encap takes.
    fn pager(&mut self, node: &SipNode<'a>, p: &PartRef<'_, 'a>) -> Result<StoredPager, Unfixed> {
        let m = &node.msg;
        let at = self.at(m.raw);
        self.blocking(m.raw, self.at(m.body), &p.path)?;
        let Some(call_id) = m.call_id() else {
            return Err(unfixed(
                Some("call-id-missing"),
                at,
                &p.path,
                "the encapsulated MESSAGE has no Call-ID to keep".into(),
            ));
        };
        let anonymous = m.wants_anonymity();
        let mut body = m.body;
        let mut new_cl = None;
        if let Some(h) = m.header(Hdr::ContentLength) {
            let cl = crate::framing::parse_u64(h.value);
            let path = join(&p.path, "header Content-Length");
            match cl {
                Some(n) if n == body.len() as u64 => {}
                Some(n)
                    if (n as usize) < body.len()
                        && body[n as usize..].iter().all(u8::is_ascii_whitespace) =>
                {
                    self.change(
                        "content-length-mismatch",
                        self.at(h.field),
                        &path,
                        format!(
                            "{} bytes of trailing whitespace after the {n} body bytes of Content-Length dropped",
                            body.len() - n as usize
                        ),
                    );
                    body = &body[..n as usize];
                }
                _ => {
                    new_cl = Some(body.len());
                    self.change(
                        "content-length-mismatch",
                        self.at(h.field),
                        &path,
                        format!(
                            "Content-Length `{}` set to {}, the body's byte count",
                            lossy(h.value),
                            body.len()
                        ),
                    );
                }
            }
        }
        let mut headers = Vec::with_capacity(m.headers.len());
        for h in &m.headers {
            let c: &str = h.canonical;
            let removed = h.has(header::CR_REMOVED) || (anonymous && h.is(Hdr::PAssertedIdentity));
            if removed {
                let why = if h.is(Hdr::PAssertedIdentity) {
                    " (Privacy asks for anonymity)"
                } else {
                    ""
                };
                self.change(
                    sip_header_rule(h.id, false, anonymous),
                    self.at(h.field),
                    &join(&p.path, &format!("header {c}")),
                    format!("removed {}{why}", lossy(h.name)),
                );
            }
            match new_cl {
                Some(n) if h.is(Hdr::ContentLength) => {
                    let field = format!("{}: {n}", lossy(h.name)).into_bytes();
                    headers.push(OwnedHeader {
                        canonical: h.canonical.to_string(),
                        id: h.id,
                        value: n.to_string().into_bytes(),
                        field,
                    });
                }
                _ => headers.push(OwnedHeader::from_header(h)),
            }
        }
        if m.header(Hdr::Date).is_none() {
            self.change(
                "date-missing",
                at,
                &p.path,
                format!("added Date: {}", self.date_value()),
            );
        }
        Ok(StoredPager {
            pos: Position::Text {
                input: 0,
                offset: at,
            },
            call_id: call_id.to_vec(),
            start_line: m.start_line.unwrap_or_default().to_vec(),
            headers,
            body: body.to_vec(),
            anonymous,
            timestamp: None,
        })
    }

    /// The INVITE of a Large Message Mode session: start line and headers.
    fn invite(&mut self, node: &SipNode<'a>, p: &PartRef<'_, 'a>) -> Result<InviteHead, Unfixed> {
        let m = &node.msg;
        let at = self.at(m.raw);
        self.blocking(m.raw, self.at(m.body), &p.path)?;
        let Some(call_id) = m.call_id() else {
            return Err(unfixed(
                Some("call-id-missing"),
                at,
                &p.path,
                "the encapsulated INVITE has no Call-ID to keep".into(),
            ));
        };
        let anonymous = m.wants_anonymity();
        if !node.fragment {
            self.change(
                "invite-extra-header",
                p.media.as_ref().map_or(p.at, |x| self.at(x.raw)),
                &p.path,
                "INVITE carried as message/sipfrag (start line and relevant headers) instead of message/sip",
            );
        }
        for h in &m.headers {
            let c: &str = h.canonical;
            let relevant = h.has(header::CR_RELEVANT);
            if !relevant || (anonymous && h.is(Hdr::PAssertedIdentity)) {
                self.change(
                    sip_header_rule(h.id, true, anonymous),
                    self.at(h.field),
                    &join(&p.path, &format!("header {c}")),
                    format!("removed {}", lossy(h.name)),
                );
            }
        }
        if !m.body.trim_ascii().is_empty() {
            let what = node
                .body
                .media
                .as_ref()
                .map_or_else(|| "body".to_string(), |x| x.essence());
            self.change(
                "session-setup-body",
                self.at(m.body),
                &p.path,
                format!("dropped the INVITE's {what} ({} bytes)", m.body.len()),
            );
        }
        if m.header(Hdr::Date).is_none() {
            self.change(
                "date-missing",
                at,
                &p.path,
                format!("added Date: {}", self.date_value()),
            );
        }
        Ok(InviteHead {
            at,
            call_id: call_id.to_vec(),
            start_line: m.start_line.unwrap_or_default().to_vec(),
            headers: m.headers.iter().map(OwnedHeader::from_header).collect(),
            anonymous,
        })
    }

    /// An MSRP SEND part (msrpfrag or legacy msrp) into a chunk.
    fn chunk(
        &mut self,
        node: &MsrpNode<'a>,
        p: &PartRef<'_, 'a>,
        idx: usize,
    ) -> Result<Chunk, Unfixed> {
        let m = &node.msg;
        let body_at = m.body.map_or(self.at(m.raw) + m.raw.len(), |b| self.at(b));
        self.blocking(m.raw, body_at, &p.path)?;
        if let Some(x) = p.media.as_ref().filter(|x| x.is("message", "msrp")) {
            self.change(
                "legacy-msrp-type",
                self.at(x.raw),
                &join(&p.path, "header Content-Type"),
                "message/msrp renamed message/msrpfrag",
            );
        }
        for h in &m.headers {
            let c: &str = h.canonical;
            let rule = match h.id {
                Some(Hdr::MessageId | Hdr::ContentType) => continue,
                Some(Hdr::ToPath | Hdr::FromPath | Hdr::UsePath) => "to-path-present",
                Some(Hdr::ByteRange) => match ByteRange::parse(h.value) {
                    Some(r)
                        if r.start != 1
                            || matches!((r.end, r.total), (Some(e), Some(t)) if e < t) =>
                    {
                        "chunked-fragment"
                    }
                    _ => "msrp-extra-header",
                },
                _ => "msrp-extra-header",
            };
            let why = if c.len() > 8 && c[..8].eq_ignore_ascii_case("content-") {
                " (the CR stores only Message-ID and Content-Type of the first SEND)"
            } else {
                ""
            };
            self.change(
                rule,
                self.at(h.field),
                &join(&p.path, &format!("header {c}")),
                format!("removed {}{why}", lossy(h.name)),
            );
        }
        Chunk::from_msrp(m, idx).map_err(|f| {
            let r = if f.code == "msrp-chunk-no-message-id" {
                Some("message-id-missing")
            } else {
                catalogued(f.code).map(|r| r.id)
            };
            unfixed(
                r,
                self.at(m.start_line),
                &p.path,
                format!("{}: the original message cannot be rebuilt", f.message),
            )
        })
    }

    /// Take the SEND apart and write it again through encap.
    fn rebuild(&mut self, node: &MsrpNode<'a>, original: &[u8]) -> Result<Vec<u8>, Unfixed> {
        let outer = &node.msg;
        let send_at = self.at(outer.start_line);
        // The SEND's own framing must be whole.
        if let Some(f) = self.findings.iter().find(|f| {
            f.path.is_empty()
                && matches!(
                    f.code,
                    "truncated" | "msrp-end-line-missing" | "message-too-large"
                )
        }) {
            return Err(unfixed(
                catalogued(f.code).map(|r| r.id),
                f.offset,
                "",
                format!("the SEND itself is incomplete: {}", f.message),
            ));
        }
        let partial = outer.flag == Some(b'+')
            || outer.byte_range().is_some_and(|r| {
                r.start != 1 || matches!((r.end, r.total), (Some(e), Some(t)) if e < t)
            });
        if partial {
            return Err(unfixed(
                Some("chunked-fragment"),
                send_at,
                "",
                "this SEND is one chunk of a pushed message: --fix needs the whole message in one SEND".into(),
            ));
        }
        let parts = self.parts(&node.body)?;
        let mut pagers: Vec<(StoredPager, PagerForm)> = Vec::new();
        let mut invites: Vec<InviteHead> = Vec::new();
        let mut reassembler = Reassembler::new(&self.cfg.limits);
        let mut chunk_parts: Vec<(usize, String)> = Vec::new();
        for p in &parts {
            let label = if p.path.is_empty() {
                "the body".to_string()
            } else {
                p.path.clone()
            };
            match &p.body.kind {
                BodyKind::Sip(sn) => {
                    let m = &sn.msg;
                    let at = self.at(m.start_line.unwrap_or(m.raw));
                    if m.is_response() {
                        self.change(
                            "response-part",
                            at,
                            &p.path,
                            format!(
                                "dropped {label}: SIP response `{}`",
                                lossy(m.start_line.unwrap_or_default())
                            ),
                        );
                        continue;
                    }
                    match m.method() {
                        Some(b"MESSAGE") => {
                            let form = match p.media.as_ref() {
                                Some(x) if x.is("message", "sipfrag") => PagerForm::Sipfrag,
                                _ => PagerForm::Sip,
                            };
                            self.typing_change(
                                p,
                                if form == PagerForm::Sipfrag {
                                    "message/sipfrag"
                                } else {
                                    "message/sip"
                                },
                            );
                            pagers.push((self.pager(sn, p)?, form));
                        }
                        Some(b"INVITE") => {
                            self.typing_change(p, "message/sipfrag");
                            invites.push(self.invite(sn, p)?);
                        }
                        Some(b"BYE") => self.change(
                            "bye-part",
                            at,
                            &p.path,
                            format!("dropped {label}: SIP BYE"),
                        ),
                        Some(b"ACK") => self.change(
                            "ack-part",
                            at,
                            &p.path,
                            format!("dropped {label}: SIP ACK"),
                        ),
                        Some(other) => {
                            return Err(unfixed(
                                None,
                                at,
                                &p.path,
                                format!(
                                    "{label} is a SIP {}: neither a deferred MESSAGE nor the INVITE of a Large Message Mode session",
                                    lossy(other)
                                ),
                            ));
                        }
                        None => {
                            return Err(unfixed(
                                Some("start-line-malformed"),
                                at,
                                &p.path,
                                format!("{label} has no SIP request or status line"),
                            ));
                        }
                    }
                }
                BodyKind::Msrp(mn) => {
                    let m = &mn.msg;
                    let at = self.at(m.start_line);
                    match m.kind {
                        Some(MsrpKind::Response { .. }) => {
                            self.change(
                                "response-part",
                                at,
                                &p.path,
                                format!("dropped {label}: MSRP response `{}`", lossy(m.start_line)),
                            );
                        }
                        Some(MsrpKind::Request { method }) if method == b"SEND" => {
                            self.typing_change(p, "message/msrpfrag");
                            let idx = chunk_parts.len();
                            let c = self.chunk(mn, p, idx)?;
                            chunk_parts.push((at, p.path.clone()));
                            reassembler.push_chunk(b"", c);
                        }
                        _ => {
                            return Err(unfixed(
                                None,
                                at,
                                &p.path,
                                format!("{label} is an MSRP message other than a SEND"),
                            ));
                        }
                    }
                }
                BodyKind::Empty => {}
                _ => {
                    let what = p
                        .media
                        .as_ref()
                        .map_or_else(|| "untyped content".to_string(), |m| m.essence());
                    return Err(unfixed(
                        None,
                        p.at,
                        &p.path,
                        format!("{label} ({what}) is not an encapsulated SIP or MSRP message"),
                    ));
                }
            }
        }
        let mut deferred = Vec::new();
        let messages = reassembler.finish();
        match (pagers.len(), invites.len(), messages.len()) {
            (1, 0, 0) => {
                let (p, form) = pagers.pop().expect("one pager");
                deferred.push((Deferred::Pager(p), form));
            }
            (0, 1, 1) => {
                let inv = invites.pop().expect("one invite");
                let r = messages.into_iter().next().expect("one message");
                if let Some(f) = r.findings.iter().find(|f| f.severity == Severity::Error) {
                    let (at, path) = chunk_parts
                        .get(f.offset)
                        .cloned()
                        .unwrap_or((send_at, String::new()));
                    return Err(unfixed(
                        Some("chunked-fragment"),
                        at,
                        &path,
                        format!(
                            "{}: the whole message is not in the SEND, so it cannot be reassembled",
                            f.message
                        ),
                    ));
                }
                if chunk_parts.len() > 1 {
                    let (at, path) = chunk_parts[0].clone();
                    self.change(
                        "chunked-fragment",
                        at,
                        &path,
                        format!(
                            "joined {} chunk parts of message {} into one message/msrpfrag",
                            chunk_parts.len(),
                            lossy(&r.message_id)
                        ),
                    );
                }
                deferred.push((
                    Deferred::Large(Box::new(StoredLarge {
                        pos: Position::Text {
                            input: 0,
                            offset: inv.at,
                        },
                        call_id: inv.call_id,
                        start_line: inv.start_line,
                        headers: inv.headers,
                        anonymous: inv.anonymous,
                        timestamp: None,
                        message: r,
                    })),
                    PagerForm::Sip,
                ));
            }
            (0, 0, 0) => {
                return Err(unfixed(
                    None,
                    send_at,
                    "",
                    "the SEND carries no deferred message (no MESSAGE, no INVITE with its MSRP message)".into(),
                ));
            }
            (0, 1, 0) => {
                return Err(unfixed(
                    None,
                    invites[0].at,
                    "",
                    "the INVITE's MSRP message (a message/msrpfrag part) is missing: nothing to push".into(),
                ));
            }
            (0, 0, _) => {
                return Err(unfixed(
                    Some("call-id-missing"),
                    chunk_parts.first().map_or(send_at, |c| c.0),
                    "",
                    "the MSRP message has no INVITE part: its Call-ID, From, To and Date are unknown".into(),
                ));
            }
            (p, i, m) => {
                return Err(unfixed(
                    None,
                    send_at,
                    "",
                    format!(
                        "the SEND mixes {p} MESSAGE(s), {i} INVITE(s) and {m} MSRP message(s): the CR pushes each deferred message in its own SEND; split it first"
                    ),
                ));
            }
        }
        let (d, form) = deferred.pop().expect("one deferred message");
        self.encode(node, d, form, original)
    }

    fn encode(
        &mut self,
        node: &MsrpNode<'a>,
        d: Deferred,
        form: PagerForm,
        original: &[u8],
    ) -> Result<Vec<u8>, Unfixed> {
        let outer = &node.msg;
        let send_at = self.at(outer.start_line);
        let path_of = |h: Hdr| -> Result<String, Unfixed> {
            let name = h.name();
            let v = outer
                .value(h)
                .map(|v| lossy(v).trim().to_string())
                .unwrap_or_default();
            let ok = crate::uri::parse_msrp_path(v.as_bytes()).is_ok();
            if ok {
                Ok(v)
            } else {
                Err(unfixed(
                    Some(if v.is_empty() {
                        "msrp-path-missing"
                    } else {
                        "msrp-path-invalid"
                    }),
                    send_at,
                    "",
                    format!(
                        "the SEND's {name} is missing or not msrp:// URIs: where to push is unknown"
                    ),
                ))
            }
        };
        let to_path = path_of(Hdr::ToPath)?;
        let from_path = path_of(Hdr::FromPath)?;
        let tid = lossy(outer.transaction_id);
        let mid = outer.message_id().map(lossy);
        let orig_boundary = match &node.body.kind {
            BodyKind::Multipart(mp) => Some(lossy(&mp.boundary)),
            _ => None,
        };
        let boundary = orig_boundary.clone().filter(|b| encap::is_boundary(b));
        let send_headers: Vec<Vec<u8>> = outer
            .headers
            .iter()
            .filter(|h| {
                !matches!(
                    h.id,
                    Some(
                        Hdr::ToPath
                            | Hdr::FromPath
                            | Hdr::MessageId
                            | Hdr::ByteRange
                            | Hdr::ContentType
                    )
                )
            })
            .map(|h| h.field.to_vec())
            .collect();
        let mut o = Options {
            pager_form: form,
            date: self.opts.date.clone(),
            now: self.opts.now,
            to_path,
            from_path,
            transaction_id: Some(tid.clone()).filter(|t| encap::is_ident(t)),
            message_id: mid.clone().filter(|m| encap::is_ident(m)),
            boundary: boundary.clone(),
            seed: seed_of(original),
            send_headers,
            ..Options::default()
        };
        let deferred = [d];
        let out = match encap::encode(&deferred, &o) {
            Err(e) if e.code == "boundary-in-content" => {
                o.boundary = None;
                encap::encode(&deferred, &o)
            }
            r => r,
        }
        .map_err(|e| {
            unfixed(
                None,
                send_at,
                "",
                format!("encap cannot write the conformant SEND: {}", e.message),
            )
        })?;
        // What encap generated in place of the SEND's own values.
        let p = message::parse_one(&out, Protocol::Msrp, false, Vec::new(), &self.cfg.limits);
        let Message::Msrp(n) = &p.message else {
            return Err(unfixed(
                None,
                send_at,
                "",
                "encap's output is not an MSRP SEND".into(),
            ));
        };
        if o.transaction_id.is_none() {
            self.change(
                "msrp-transaction-id-invalid",
                send_at,
                "",
                format!(
                    "transaction id `{tid}` is not an RFC 4975 ident: replaced by `{}`",
                    lossy(n.msg.transaction_id)
                ),
            );
        }
        if o.message_id.is_none() {
            let new = lossy(n.msg.message_id().unwrap_or_default());
            match &mid {
                Some(m) => self.change(
                    "msrp-message-id-invalid",
                    outer
                        .header(Hdr::MessageId)
                        .map_or(send_at, |h| self.at(h.field)),
                    "header Message-ID",
                    format!("Message-ID `{m}` is not an RFC 4975 ident: replaced by `{new}`"),
                ),
                None => self.change(
                    "send-message-id-missing",
                    send_at,
                    "",
                    format!("Message-ID `{new}` added"),
                ),
            }
        }
        let new_boundary = match &n.body.kind {
            BodyKind::Multipart(mp) => lossy(&mp.boundary),
            _ => String::new(),
        };
        if orig_boundary.is_some_and(|b| b != new_boundary) {
            let ct = outer.header(Hdr::ContentType);
            self.change(
                "boundary-invalid",
                ct.map_or(send_at, |h| self.at(h.field)),
                "header Content-Type",
                format!("boundary replaced by `{new_boundary}`"),
            );
        }
        let old_range = outer.value(Hdr::ByteRange).map(lossy);
        let new_range = lossy(n.msg.value(Hdr::ByteRange).unwrap_or_default());
        if old_range.as_deref() != Some(new_range.as_str()) {
            let h = outer.header(Hdr::ByteRange);
            self.change(
                "msrp-byte-range-mismatch",
                h.map_or(send_at, |h| self.at(h.field)),
                "header Byte-Range",
                match old_range {
                    Some(old) => format!("Byte-Range {old} recomputed: {new_range}"),
                    None => format!("Byte-Range {new_range} added"),
                },
            );
        }
        Ok(out)
    }
}

struct InviteHead {
    at: usize,
    call_id: Vec<u8>,
    start_line: Vec<u8>,
    headers: Vec<OwnedHeader>,
    anonymous: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> FixOptions {
        FixOptions {
            date: Some("Thu, 21 Feb 2002 13:02:03 GMT".into()),
            now: Timestamp::UNIX_EPOCH,
        }
    }

    /// A pushed SEND around `body` (Byte-Range right).
    fn send(ct: &str, body: &str) -> Vec<u8> {
        format!(
            "MSRP a1b2c3d4 SEND\r\nTo-Path: msrp://c.example:1/x;tcp\r\nFrom-Path: msrp://s.example:2/y;tcp\r\nMessage-ID: m1234\r\nByte-Range: 1-{n}/{n}\r\nContent-Type: {ct}\r\n\r\n{body}\r\n-------a1b2c3d4$\r\n",
            n = body.len()
        )
        .into_bytes()
    }

    fn pager(cl: usize, body: &str) -> String {
        format!(
            "MESSAGE sip:b@x.example SIP/2.0\r\nVia: SIP/2.0/TCP h.example;branch=z9hG4bK1\r\nFrom: <sip:a@x.example>;tag=1\r\nTo: <sip:b@x.example>\r\nCall-ID: c1@x.example\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: {cl}\r\n\r\n{body}"
        )
    }

    fn fixed(input: &[u8]) -> FixReport {
        fix_text(input, &Config::default(), &opts())
    }

    fn rules(r: &FixReport) -> Vec<&'static str> {
        r.changes.iter().map(|c| c.code).collect()
    }

    #[test]
    fn trailing_blanks_after_the_content_length_are_dropped_other_bytes_are_kept() {
        let multipart =
            |msg: &str| format!("--b1\r\nContent-Type: message/sip\r\n\r\n{msg}\r\n--b1--");
        // Five body bytes, then a blank line pasted before the delimiter.
        let r = fixed(&send(
            "multipart/mixed; boundary=b1",
            &multipart(&pager(5, "Hello\r\n")),
        ));
        assert!(r.unfixed.is_empty(), "{:?}", r.unfixed);
        let out = String::from_utf8(r.output.clone()).unwrap();
        assert!(
            out.contains("Content-Length: 5\r\n\r\nHello\r\n--b1--"),
            "{out}"
        );
        assert!(rules(&r).contains(&"content-length-mismatch"));
        // More bytes than declared and not blanks: all kept, the length follows.
        let r = fixed(&send(
            "multipart/mixed; boundary=b1",
            &multipart(&pager(3, "Hello")),
        ));
        let out = String::from_utf8(r.output).unwrap();
        assert!(
            out.contains("Content-Length: 5\r\n\r\nHello\r\n--b1--"),
            "{out}"
        );
        assert!(!lint_text_has_errors(out.as_bytes()));
    }

    fn lint_text_has_errors(b: &[u8]) -> bool {
        super::super::lint_text(b, &Config::default()).has_errors()
    }

    #[test]
    fn what_cannot_be_fixed_is_left_as_it_was() {
        let two = format!(
            "--b1\r\nContent-Type: message/sip\r\n\r\n{}\r\n--b1\r\nContent-Type: message/sip\r\n\r\n{}\r\n--b1--",
            pager(5, "Hello"),
            pager(5, "World").replace("c1@", "c2@")
        );
        let text = format!(
            "--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b1\r\nContent-Type: message/sip\r\n\r\n{}\r\n--b1--",
            pager(5, "Hello")
        );
        let no_call_id = format!(
            "--b1\r\nContent-Type: message/sip\r\n\r\n{}\r\n--b1--",
            pager(5, "Hello").replace("Call-ID: c1@x.example\r\n", "")
        );
        for (body, rule) in [
            (two, None),
            (text, None),
            (no_call_id, Some("call-id-missing")),
        ] {
            let input = send("multipart/mixed; boundary=b1", &body);
            let r = fixed(&input);
            assert_eq!(r.output, input);
            assert_eq!(r.rewritten, 0);
            assert_eq!(r.unfixed.len(), 1, "{:?}", r.unfixed);
            assert_eq!(r.unfixed[0].code, rule, "{:?}", r.unfixed);
            assert!(r.changes.is_empty());
        }
    }

    #[test]
    fn a_conformant_send_and_other_messages_pass_through() {
        let body = "--b1\r\nContent-Type: message/sip\r\n\r\n".to_string()
            + &pager(5, "Hello")
                .replace("Via: SIP/2.0/TCP h.example;branch=z9hG4bK1\r\n", "")
                .replace("CSeq", "Date: Thu, 21 Feb 2002 13:02:03 GMT\r\nCSeq")
            + "\r\n--b1--";
        let mut input = pager(5, "Hello").into_bytes();
        input.extend(send("multipart/mixed; boundary=b1", &body));
        let r = fixed(&input);
        assert_eq!(r.output, input);
        assert_eq!((r.pushed, r.rewritten), (1, 0));
        assert!(r.changes.is_empty() && r.unfixed.is_empty());
    }
}
