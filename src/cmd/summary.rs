//! `sipmsrp summary`: RFC 3842 message-summary bodies and NOTIFY requests,
//! from stored deferred messages, a JSON document, or an existing body.
//!
//! Exit status: 0 when the output was written and nothing worse than a
//! warning was found; 1 when it was written but the input had error-level
//! findings (listed on stderr); 2 when nothing could be emitted.

use sipmsrp::header::Hdr;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail};
use sipmsrp::capture::{CaptureOptions, Event};
use sipmsrp::finding::{Finding, Severity};
use sipmsrp::framing::{FrameOptions, Framer, Item, Protocol};
use sipmsrp::limits::Limits;
use sipmsrp::message::{self, Message};
use sipmsrp::sip::{self, SipMessage, StartLine};
use sipmsrp::source;
use sipmsrp::summary::{
    self, CONTENT_TYPE, DocHeader, DocMessage, MessageState, NotifyParams, SummaryDoc,
};

use super::{
    EXIT_CLEAN, EXIT_FINDINGS, Input, Progress, Source, emit, open_inputs, read_input, read_inputs,
};
use crate::cli::{SummaryArgs, SummaryFormat};

/// Default NOTIFY To URI.
pub const DEFAULT_TO: &str = "sip:subscriber.invalid";
/// Default NOTIFY From URI.
pub const DEFAULT_FROM: &str = "sip:message-store.invalid";

/// Findings to print, with where their offsets point.
struct Report {
    worst: Option<Severity>,
}

impl Report {
    fn new() -> Self {
        Report { worst: None }
    }

    /// Print findings whose offsets are into `buf` (None: path-only findings).
    fn print(&mut self, name: &str, buf: Option<&[u8]>, findings: &[Finding]) {
        if findings.is_empty() {
            return;
        }
        let positions = buf.map(|b| line_cols(b, findings.iter().map(|f| f.offset)));
        let mut err = std::io::stderr().lock();
        let name = super::visible(name);
        for f in findings {
            self.worst = self.worst.max(Some(f.severity));
            let path = if f.path.is_empty() {
                String::new()
            } else {
                format!(" ({})", f.path)
            };
            let path = super::visible(&path);
            let message = super::visible(&f.message);
            let _ = match &positions {
                Some(pos) => {
                    let (line, col) = pos.get(&f.offset).copied().unwrap_or((1, 1));
                    writeln!(
                        err,
                        "{name}:{line}:{col}: {}[{}]: {message}{path}",
                        f.severity, f.code
                    )
                }
                None => writeln!(err, "{name}: {}[{}]: {message}{path}", f.severity, f.code),
            };
        }
    }

    fn exit_code(&self) -> ExitCode {
        if self.worst == Some(Severity::Error) {
            ExitCode::from(EXIT_FINDINGS)
        } else {
            ExitCode::from(EXIT_CLEAN)
        }
    }
}

/// 1-based (line, column) of each offset, in one pass over `buf` (no index
/// of every line start: a body can have millions of lines).
fn line_cols(buf: &[u8], offsets: impl Iterator<Item = usize>) -> HashMap<usize, (usize, usize)> {
    let mut wanted: Vec<usize> = offsets.collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut out = HashMap::with_capacity(wanted.len());
    let (mut line, mut line_start, mut from) = (1usize, 0usize, 0usize);
    for off in wanted {
        let upto = off.min(buf.len());
        if upto > from {
            for nl in memchr::memchr_iter(b'\n', &buf[from..upto]) {
                line += 1;
                line_start = from + nl + 1;
            }
            from = upto;
        }
        out.insert(off, (line, off - line_start + 1));
    }
    out
}

fn line_col(buf: &[u8], offset: usize) -> (usize, usize) {
    line_cols(buf, std::iter::once(offset))
        .get(&offset)
        .copied()
        .unwrap_or((1, 1))
}

/// NOTIFY fields read from an input NOTIFY, used when the options leave them out.
#[derive(Default)]
struct NotifyDefaults {
    request_uri: Option<String>,
    to: Option<String>,
    to_tag: Option<String>,
    from: Option<String>,
    from_tag: Option<String>,
    call_id: Option<String>,
    cseq: Option<u32>,
    contact: Option<String>,
    subscription_state: Option<String>,
}

pub fn run(args: SummaryArgs) -> Result<ExitCode> {
    if args.notify && args.format == SummaryFormat::Json {
        bail!("--notify builds a SIP request; it cannot be combined with --format json");
    }
    if let Some(account) = &args.account
        && !summary::is_account_uri(account.as_bytes())
    {
        bail!("--account: `{account}` is not a SIP, SIPS or absolute URI");
    }
    let stored_only = [
        ("--class", args.class.is_some()),
        ("--old", !args.old.is_empty()),
        ("--date", args.date.is_some()),
    ];
    if (args.json_input || args.from_body.is_some())
        && let Some((opt, _)) = stored_only.iter().find(|(_, used)| *used)
    {
        bail!("{opt} applies to stored messages, not to --json-input or --from-body");
    }
    let limits = args.limits.to_limits();
    let mut report = Report::new();
    let mut defaults = NotifyDefaults::default();

    let mut doc = if let Some(path) = &args.from_body {
        if !args.inputs.is_empty() {
            bail!("--from-body reads the file given to it; other inputs are not allowed");
        }
        let input = read_input(path, args.limits.max_input)?;
        from_body(&input, &limits, &mut report, &mut defaults)?
    } else if args.json_input {
        let inputs = read_inputs(&args.inputs, args.limits.max_input)?;
        if inputs.len() != 1 {
            bail!("--json-input reads one document, not {}", inputs.len());
        }
        from_json(&inputs[0], &mut report)?
    } else {
        let progress = Progress::auto(false);
        let doc = from_stored(&args, &limits, &mut report, &progress)?;
        progress.clear();
        doc
    };

    if let Some(account) = &args.account {
        doc.account = Some(account.clone());
        // The account is the only thing changed: the rest was valid already.
        doc.validate().map_err(|e| anyhow!("{e}"))?;
    }

    let out = match (args.format, args.notify) {
        (SummaryFormat::Json, _) => {
            let mut s = serde_json::to_string_pretty(&doc.canonical())?;
            s.push('\n');
            s
        }
        (SummaryFormat::Body, false) => summary::emit_body(&doc),
        (SummaryFormat::Body, true) => {
            let params = notify_params(&args, defaults);
            summary::emit_notify(&doc, &params).map_err(|e| anyhow!("--notify: {e}"))?
        }
    };
    emit(args.output.as_deref(), out.as_bytes())?;
    Ok(report.exit_code())
}

/// Read an existing body, or a SIP message (NOTIFY) that carries one.
fn from_body(
    input: &Input,
    limits: &Limits,
    report: &mut Report,
    defaults: &mut NotifyDefaults,
) -> Result<SummaryDoc> {
    let buf: &[u8] = &input.bytes;
    let opts = FrameOptions {
        max_message: limits.max_message,
        datagram: false,
        text: false,
    };
    let sip_frame = Framer::new(buf, opts).find_map(|item| match item {
        Item::Message(f) if f.protocol == Protocol::Sip => Some(f),
        _ => None,
    });
    let body: &[u8] = match &sip_frame {
        None => buf,
        Some(frame) => {
            let parsed = message::parse_frame(buf, frame, limits);
            let Message::Sip(node) = &parsed.message else {
                bail!("{}: not a SIP message", input.name);
            };
            let essence = node.body.media.as_ref().map(|m| m.essence());
            if essence.as_deref() != Some(CONTENT_TYPE) {
                bail!(
                    "{}: the SIP message carries {}, not {CONTENT_TYPE}",
                    input.name,
                    essence.as_deref().unwrap_or("no Content-Type")
                );
            }
            // The message's own findings (a wrong Content-Length, say) are the input's too.
            report.print(&input.name, Some(buf), &parsed.findings);
            *defaults = notify_defaults(&node.msg);
            node.body.raw
        }
    };
    let (view, findings) = summary::parse_with(buf, body, limits);
    report.print(&input.name, Some(buf), &findings);
    let doc = view.to_doc().map_err(|f| {
        let (line, col) = line_col(buf, f.offset);
        anyhow!(
            "{}:{line}:{col}: cannot re-emit the body: {} [{}]",
            input.name,
            f.message,
            f.code
        )
    })?;
    if let Err(e) = doc.validate() {
        // Say it with the body's position when the parse saw it.
        let seen = findings.iter().find(|f| {
            f.code == summary::codes::WAITING_INCONSISTENT
                || f.code == summary::codes::URGENT_EXCEEDS_TOTAL
        });
        return Err(match seen {
            Some(f) => {
                let (line, col) = line_col(buf, f.offset);
                anyhow!(
                    "{}:{line}:{col}: cannot re-emit the body: {} [{}]",
                    input.name,
                    f.message,
                    f.code
                )
            }
            None => anyhow!("{}: cannot re-emit the body: {e}", input.name),
        });
    }
    Ok(doc)
}

/// Read the JSON document. An empty input is the empty store.
fn from_json(input: &Input, report: &mut Report) -> Result<SummaryDoc> {
    if input.bytes.trim_ascii().is_empty() {
        bail!(
            "{}: empty input is not a JSON document (docs/summary-schema.md)",
            input.name
        );
    }
    let mut de = serde_json::Deserializer::from_slice(&input.bytes);
    let doc: SummaryDoc = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            anyhow!("{}: {}", input.name, e.inner())
        } else {
            anyhow!("{}: {path}: {}", input.name, e.inner())
        }
    })?;
    de.end()
        .map_err(|e| anyhow!("{}: after the document: {e}", input.name))?;
    let findings = doc.validate().map_err(|e| anyhow!("{}: {e}", input.name))?;
    report.print(&input.name, None, &findings);
    Ok(doc)
}

/// The summary document of stored deferred messages: every pager-mode
/// MESSAGE, and every INVITE that opened a Large Message Mode session, once
/// per Call-ID (which becomes the Message-ID, 003 7.3.1 a). Text inputs and
/// captures alike; a stored message from a capture without a Date gets the
/// capture time (unless `--date` is given).
fn from_stored(
    args: &SummaryArgs,
    limits: &Limits,
    report: &mut Report,
    progress: &Progress,
) -> Result<SummaryDoc> {
    // The one date reader of every subcommand: RFC 1123, 2822 or 3339.
    let date = match &args.date {
        Some(d) => Some(sipmsrp::date::normalize(d).with_context(|| "--date".to_string())?),
        None => None,
    };
    let mut store = Store {
        args,
        date,
        class: args.class.as_deref().unwrap_or("text-message"),
        doc: SummaryDoc::new(None),
        seen: HashSet::new(),
        matched_old: HashSet::new(),
    };
    for source in open_inputs(&args.inputs, progress)? {
        match source? {
            Source::Text(t) => store.text(
                &t.read_all(args.limits.max_input)?,
                limits,
                report,
                progress,
            )?,
            Source::Capture(c) => {
                let name = c.name.clone();
                let opts = CaptureOptions {
                    limits: limits.clone(),
                    force_ports: Vec::new(),
                };
                let mut messages = 0usize;
                for event in c.events(opts)? {
                    match event.map_err(|e| anyhow!("{name}: {e}"))? {
                        Event::Finding { frame, finding, .. } => {
                            progress.clear();
                            let at = match frame {
                                Some(n) => format!("{name}: frame {n} (byte {})", finding.offset),
                                None => name.clone(),
                            };
                            report.print(&at, None, &[finding]);
                        }
                        Event::Message(m) => {
                            messages += 1;
                            progress.message();
                            if m.protocol != Protocol::Sip {
                                continue;
                            }
                            let parsed = message::parse_one(
                                &m.bytes,
                                m.protocol,
                                m.truncated,
                                Vec::new(),
                                limits,
                            );
                            let Message::Sip(node) = &parsed.message else {
                                continue;
                            };
                            let date = sipmsrp::date::from_unix(m.meta.ts_secs, m.meta.ts_nanos)
                                .map(sipmsrp::date::format);
                            if let Some(f) = store.add(&node.msg, 0, date.as_deref()) {
                                progress.clear();
                                report.print(
                                    &format!("{name}: frame {}", m.meta.frame),
                                    None,
                                    &[f],
                                );
                            }
                        }
                    }
                }
                if messages == 0 {
                    progress.clear();
                    eprintln!(
                        "sipmsrp: note: {}: no SIP or MSRP message found in the capture",
                        super::visible(&name)
                    );
                }
            }
        }
    }
    let Store {
        doc, matched_old, ..
    } = store;
    let unmatched: Vec<Finding> = args
        .old
        .iter()
        .filter(|o| !matched_old.contains(o.as_str()))
        .map(|o| {
            Finding::warning(
                "summary-old-unmatched",
                0,
                format!("--old {o} matches no stored message"),
            )
        })
        .collect();
    report.print("--old", None, &unmatched);
    let findings = doc.validate().map_err(|e| anyhow!("{e}"))?;
    report.print("--class", None, &findings);
    Ok(doc)
}

/// The stored messages gathered so far.
struct Store<'a> {
    args: &'a SummaryArgs,
    /// `--date`, normalized to RFC 1123.
    date: Option<String>,
    class: &'a str,
    doc: SummaryDoc,
    seen: HashSet<String>,
    matched_old: HashSet<&'a str>,
}

impl<'a> Store<'a> {
    /// Every stored message of a text input.
    fn text(
        &mut self,
        input: &Input,
        limits: &Limits,
        report: &mut Report,
        progress: &Progress,
    ) -> Result<()> {
        let prepared = source::prepare(&input.bytes, true);
        let buf: &[u8] = &prepared.bytes;
        let opts = FrameOptions {
            max_message: limits.max_message,
            datagram: false,
            text: false,
        };
        let mut messages = 0usize;
        let mut notes: Vec<Finding> = Vec::new();
        for item in Framer::new(buf, opts) {
            let Item::Message(frame) = item else { continue };
            messages += 1;
            progress.message();
            if frame.protocol != Protocol::Sip {
                continue; // MSRP SENDs belong to the session their INVITE opened.
            }
            let parsed = message::parse_frame(buf, &frame, limits);
            let Message::Sip(node) = &parsed.message else {
                continue;
            };
            let at = prepared.original_offset(frame.start);
            notes.extend(self.add(&node.msg, at, None));
        }
        if messages == 0 && !buf.trim_ascii().is_empty() {
            bail!("{}: no SIP or MSRP message found", input.name);
        }
        progress.clear();
        report.print(&input.name, Some(&input.bytes), &notes);
        Ok(())
    }

    /// Add one message if it is a stored one (a MESSAGE or an INVITE not
    /// seen before). `at` positions the note returned, if any; `capture_date`
    /// is the Date used when the message has none and `--date` is absent.
    fn add(
        &mut self,
        msg: &SipMessage<'_>,
        at: usize,
        capture_date: Option<&str>,
    ) -> Option<Finding> {
        let method = match &msg.start {
            Some(StartLine::Request { method, .. }) => *method,
            _ => return None,
        };
        if method != b"MESSAGE" && method != b"INVITE" {
            return None;
        }
        let Some(call_id) = msg.header(Hdr::CallId).and_then(|h| h.text()) else {
            return Some(Finding::error(
                "summary-stored-without-call-id",
                at,
                format!(
                    "stored {} has no (UTF-8) Call-ID to become its Message-ID; left out",
                    String::from_utf8_lossy(method)
                ),
            ));
        };
        let call_id = call_id.into_owned();
        if !self.seen.insert(call_id.clone()) {
            return None; // A retransmission or re-INVITE of a message already counted.
        }
        let old = self.args.old.iter().find(|o| **o == call_id);
        if let Some(o) = old {
            self.matched_old.insert(o.as_str());
        }
        let date = self.date.as_deref().or(capture_date);
        let (headers, urgent, dated) = stored_headers(msg, &call_id, date);
        self.doc.messages.push(DocMessage {
            class: Some(self.class.to_string()),
            state: Some(if old.is_some() {
                MessageState::Old
            } else {
                MessageState::New
            }),
            urgent: Some(urgent),
            headers,
        });
        (!dated).then(|| {
            Finding::warning(
                "summary-stored-without-date",
                at,
                format!("stored message {call_id} has no Date and no --date was given; its Date line is left out"),
            )
        })
    }
}

/// A name-addr without its `tag` parameter (dialog state, not the message's).
fn without_tag(value: &str) -> String {
    let Some(na) = sip::parse_name_addr(value.as_bytes()) else {
        return value.to_string();
    };
    let params: Vec<String> = sip::split_params(na.params)
        .filter(|(n, _)| !n.eq_ignore_ascii_case(b"tag"))
        .map(|(n, v)| match v {
            Some(v) => format!(
                ";{}={}",
                String::from_utf8_lossy(n),
                String::from_utf8_lossy(v)
            ),
            None => format!(";{}", String::from_utf8_lossy(n)),
        })
        .collect();
    let display = na
        .display
        .map(|d| format!("{} ", String::from_utf8_lossy(d)))
        .unwrap_or_default();
    format!(
        "{display}<{}>{}",
        String::from_utf8_lossy(na.uri),
        params.concat()
    )
}

/// The summary header block of a stored request: To, From (without tags),
/// Subject, Date (or `date`), Priority, Message-ID = Call-ID. Returns the
/// headers, whether it is urgent, and whether it has a Date.
fn stored_headers(
    msg: &SipMessage<'_>,
    call_id: &str,
    date: Option<&str>,
) -> (Vec<DocHeader>, bool, bool) {
    let mut headers = Vec::new();
    let text = |h: &sipmsrp::header::Header<'_>| {
        h.text()
            .map(|t| t.into_owned())
            .unwrap_or_else(|| String::from_utf8_lossy(&h.unfolded()).into_owned())
    };
    for id in [Hdr::To, Hdr::From] {
        for h in msg.headers_named(id) {
            headers.push(DocHeader::new(id.name(), without_tag(&text(h))));
        }
    }
    for h in msg.headers_named(Hdr::Subject) {
        headers.push(DocHeader::new("Subject", text(h)));
    }
    let mut dated = false;
    for h in msg.headers_named(Hdr::Date) {
        headers.push(DocHeader::new("Date", text(h)));
        dated = true;
    }
    if !dated && let Some(d) = date {
        headers.push(DocHeader::new("Date", d));
        dated = true;
    }
    let mut urgent = false;
    for h in msg.headers_named(Hdr::Priority) {
        let v = text(h);
        urgent |= v.eq_ignore_ascii_case("urgent") || v.eq_ignore_ascii_case("emergency");
        headers.push(DocHeader::new("Priority", v));
    }
    headers.push(DocHeader::new("Message-ID", call_id));
    (headers, urgent, dated)
}

/// NOTIFY fields of an input NOTIFY.
fn notify_defaults(msg: &SipMessage<'_>) -> NotifyDefaults {
    let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut d = NotifyDefaults::default();
    if let Some(StartLine::Request { method, uri, .. }) = &msg.start
        && *method == b"NOTIFY"
    {
        d.request_uri = Some(s(uri));
    } else {
        return d;
    }
    if let Some(to) = msg.to() {
        d.to = Some(s(to.uri));
        d.to_tag = to.tag().map(s);
    }
    if let Some(from) = msg.from() {
        d.from = Some(s(from.uri));
        d.from_tag = from.tag().map(s);
    }
    d.call_id = msg.call_id().map(|c| s(c.trim_ascii()));
    d.cseq = msg.cseq().and_then(|c| c.number);
    d.contact = msg
        .value(Hdr::Contact)
        .and_then(sip::parse_name_addr)
        .map(|c| s(c.uri));
    d.subscription_state = msg
        .header(Hdr::SubscriptionState)
        .and_then(|h| h.text())
        .map(|t| t.split_whitespace().collect::<String>());
    d
}

/// Hex digits from the process's random hasher keys, the time and a counter.
fn random_hex(len: usize) -> String {
    let mut out = String::with_capacity(len + 16);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut counter = 0u64;
    while out.len() < len {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(nanos);
        h.write_u32(std::process::id());
        h.write_u64(counter);
        counter += 1;
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out.truncate(len);
    out
}

/// The NOTIFY fields: each is the option when given, else that of the input
/// NOTIFY (with --from-body), else the default: `.invalid` URIs, generated
/// tags and Call-ID, CSeq 1, `active`. The Via branch is always new (a new
/// transaction) unless --branch is given.
fn notify_params(args: &SummaryArgs, d: NotifyDefaults) -> NotifyParams {
    let to = args
        .to
        .clone()
        .or(d.to)
        .unwrap_or_else(|| DEFAULT_TO.to_string());
    let from = args
        .from
        .clone()
        .or(d.from)
        .unwrap_or_else(|| DEFAULT_FROM.to_string());
    NotifyParams {
        request_uri: args
            .request_uri
            .clone()
            .or(d.request_uri)
            .unwrap_or_else(|| to.clone()),
        to_tag: Some(
            args.to_tag
                .clone()
                .or(d.to_tag)
                .unwrap_or_else(|| random_hex(8)),
        ),
        from_tag: args
            .from_tag
            .clone()
            .or(d.from_tag)
            .unwrap_or_else(|| random_hex(8)),
        call_id: args
            .call_id
            .clone()
            .or(d.call_id)
            .unwrap_or_else(|| random_hex(24)),
        cseq: args.cseq.or(d.cseq).unwrap_or(1),
        branch: args
            .branch
            .clone()
            .unwrap_or_else(|| format!("z9hG4bK{}", random_hex(16))),
        contact: args.contact.clone().or(d.contact),
        subscription_state: args
            .subscription_state
            .clone()
            .or(d.subscription_state)
            .unwrap_or_else(|| "active".to_string()),
        to,
        from,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_cols_match_a_line_index() {
        let buf = b"ab\r\ncd\nef\n\nx";
        let idx = sipmsrp::finding::LineIndex::new(buf);
        let offsets = [9, 0, 3, 4, 8, 10, 11, 12, 4];
        let got = line_cols(buf, offsets.iter().copied());
        for o in offsets {
            assert_eq!(got[&o], idx.line_col(o), "offset {o}");
        }
        assert_eq!(line_col(buf, 7), (3, 1));
    }

    #[test]
    fn without_tag_keeps_display_name_and_other_params() {
        assert_eq!(
            without_tag("\"Bob\" <sip:bob@example.com>;tag=b0b;x=1"),
            "\"Bob\" <sip:bob@example.com>;x=1"
        );
        assert_eq!(
            without_tag("sip:bob@example.com;tag=1"),
            "<sip:bob@example.com>"
        );
    }

    #[test]
    fn random_hex_has_the_length_asked() {
        assert_eq!(random_hex(24).len(), 24);
        assert!(random_hex(40).bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
