//! `sipmsrp parse`: messages into a readable view or JSON.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::{Result, bail};
use base64::Engine;
use colored::Colorize;
use serde_json::{Map, Value, json};

use sipmsrp::body::{Body, BodyKind};
use sipmsrp::finding::{Finding, LineIndex, Severity};
use sipmsrp::framing::{FrameOptions, Framer, Item, Protocol};
use sipmsrp::header::Header;
use sipmsrp::limits::Limits;
use sipmsrp::message::{self, Message, Parsed};
use sipmsrp::msrp::MsrpKind;
use sipmsrp::sip::StartLine;
use sipmsrp::source;

use super::{Input, read_inputs, use_color};
use crate::cli::{ColorChoice, ParseArgs, ParseFormat, ProtocolFilter};

/// Version of the JSON output schema (docs/json-schema.md).
pub const SCHEMA_VERSION: u32 = 1;

/// Where a message came from, for output.
pub struct Origin<'i> {
    pub file: &'i str,
    /// Where and when, for messages read from a capture.
    pub capture: Option<&'i sipmsrp::capture::Meta>,
    /// Byte offset in the original input.
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

/// Renders messages in the chosen format.
struct Printer<W: Write> {
    out: W,
    format: ParseFormat,
    summary: bool,
    first_json: bool,
}

pub fn run(args: ParseArgs, color: ColorChoice) -> Result<ExitCode> {
    colored::control::set_override(use_color(color));
    let limits = args.limits.to_limits();
    let inputs = read_inputs(&args.inputs)?;
    let stdout = io::stdout().lock();
    let mut printer = Printer {
        out: BufWriter::new(stdout),
        format: args.format,
        summary: args.summary,
        first_json: true,
    };
    if printer.format == ParseFormat::Json && !printer.summary {
        printer.out.write_all(b"[")?;
    }
    let mut messages = 0usize;
    let mut worst: Option<Severity> = None;
    let mut captures_without_messages = Vec::new();
    for input in &inputs {
        let (n, w) = if sipmsrp::capture::is_capture(&input.bytes) {
            let (n, w) = parse_capture(input, &args, &limits, &mut printer)?;
            if n == 0 {
                captures_without_messages.push(input.name.as_str());
            }
            (n, w)
        } else {
            parse_text(input, &args, &limits, &mut printer)?
        };
        messages += n;
        worst = worst.max(w);
    }
    if printer.format == ParseFormat::Json && !printer.summary {
        printer.out.write_all(b"]\n")?;
    }
    printer.out.flush()?;
    for name in &captures_without_messages {
        eprintln!("sipmsrp: note: {name}: no SIP or MSRP message found in the capture");
    }
    if messages == 0 && captures_without_messages.len() < inputs.len() {
        bail!(
            "{}: no SIP or MSRP message found",
            inputs
                .iter()
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(match worst {
        Some(Severity::Warning | Severity::Error) => ExitCode::from(super::EXIT_FINDINGS),
        _ => ExitCode::from(super::EXIT_CLEAN),
    })
}

/// Frame and print one text input. Returns (messages seen, worst severity).
fn parse_text<W: Write>(
    input: &Input,
    args: &ParseArgs,
    limits: &Limits,
    printer: &mut Printer<W>,
) -> Result<(usize, Option<Severity>)> {
    let prepared = source::prepare(&input.bytes, true);
    let index = LineIndex::new(&input.bytes);
    let buf: &[u8] = &prepared.bytes;
    let opts = FrameOptions {
        max_message: limits.max_message,
        datagram: false,
    };
    let mut count = 0;
    let mut worst = None;
    let origin = |offset: usize| {
        let orig = prepared.original_offset(offset);
        let (line, column) = index.line_col(orig);
        Origin {
            file: &input.name,
            capture: None,
            offset: orig,
            line,
            column,
        }
    };
    let mut leniency = prepared.findings.clone();
    for item in Framer::new(buf, opts) {
        match item {
            Item::Junk { start, end } => {
                let length = original_len(&prepared, start, end);
                let f = Finding::warning(
                    "junk",
                    start,
                    format!("{length} bytes that are not a SIP or MSRP message skipped"),
                )
                .with_len(length);
                worst = worst.max(Some(f.severity));
                printer.junk(&origin(start), &f, &|o| origin(o))?;
            }
            Item::Message(frame) => {
                count += 1;
                let mut parsed = message::parse_frame(buf, &frame, limits);
                // Leniency findings of the dedent belong to the message they precede.
                let orig_start = prepared.original_offset(frame.start);
                let orig_end = prepared.original_offset(frame.end.saturating_sub(1));
                let length = original_len(&prepared, frame.start, frame.end);
                let mut mine = Vec::new();
                leniency.retain(|f| {
                    if f.offset >= orig_start.saturating_sub(64) && f.offset <= orig_end {
                        mine.push(f.clone());
                        false
                    } else {
                        true
                    }
                });
                if !selected(&parsed, args) {
                    continue;
                }
                for f in &parsed.findings {
                    worst = worst.max(Some(f.severity));
                }
                for f in &mine {
                    worst = worst.max(Some(f.severity));
                }
                // Findings in `mine` carry original offsets already; mark them so.
                let extra: Vec<(Finding, bool)> = mine.into_iter().map(|f| (f, true)).collect();
                let own: Vec<(Finding, bool)> =
                    parsed.findings.drain(..).map(|f| (f, false)).collect();
                let all: Vec<(Finding, bool)> = extra.into_iter().chain(own).collect();
                let at = origin(frame.start);
                printer.message(&at, length, &parsed, &all, &|o| origin(o), &|o| {
                    let (line, column) = index.line_col(o);
                    Origin {
                        file: &input.name,
                        capture: None,
                        offset: o,
                        line,
                        column,
                    }
                })?;
            }
        }
    }
    Ok((count, worst))
}

/// Length in the original input of the prepared bytes `start..end`: from
/// the original offset of the first byte to just past that of the last, so
/// indentation removed from the lines in between is counted.
fn original_len(prepared: &source::Prepared<'_>, start: usize, end: usize) -> usize {
    if end <= start {
        return 0;
    }
    prepared.original_offset(end - 1) + 1 - prepared.original_offset(start)
}

/// Read one pcap/pcapng input and print its messages. Positions of
/// findings are inside the message; the frame number says where it is.
fn parse_capture<W: Write>(
    input: &Input,
    args: &ParseArgs,
    limits: &Limits,
    printer: &mut Printer<W>,
) -> Result<(usize, Option<Severity>)> {
    use sipmsrp::capture::{CaptureOptions, CaptureReader, Event};
    let opts = CaptureOptions {
        limits: limits.clone(),
        force_ports: args.port.clone(),
    };
    let reader = CaptureReader::new(std::io::Cursor::new(&input.bytes[..]), opts)
        .map_err(|e| anyhow::anyhow!("{}: {e}", input.name))?;
    let mut count = 0;
    let mut worst = None;
    for event in reader {
        match event.map_err(|e| anyhow::anyhow!("{}: {e}", input.name))? {
            Event::Finding { frame, finding } => {
                worst = worst.max(Some(finding.severity));
                printer.capture_finding(&input.name, frame, &finding)?;
            }
            Event::Message(m) => {
                count += 1;
                let mut parsed = message::parse_one(
                    &m.bytes,
                    m.protocol,
                    m.truncated,
                    m.findings.clone(),
                    limits,
                );
                if !selected(&parsed, args) {
                    continue;
                }
                for f in &parsed.findings {
                    worst = worst.max(Some(f.severity));
                }
                let index = LineIndex::new(&m.bytes);
                let origin = |o: usize| {
                    let (line, column) = index.line_col(o);
                    Origin {
                        file: &input.name,
                        capture: Some(&m.meta),
                        offset: o,
                        line,
                        column,
                    }
                };
                let all: Vec<(Finding, bool)> =
                    parsed.findings.drain(..).map(|f| (f, false)).collect();
                printer.message(&origin(0), m.bytes.len(), &parsed, &all, &origin, &origin)?;
            }
        }
    }
    Ok((count, worst))
}

/// RFC 3339 UTC timestamp of a capture time.
fn rfc3339(secs: i64, nanos: u32) -> String {
    match jiff::Timestamp::new(secs, nanos as i32) {
        Ok(t) => t.to_string(),
        Err(_) => format!("{secs}.{nanos:09}"),
    }
}

fn capture_json(m: &sipmsrp::capture::Meta) -> Value {
    json!({
        "frame": m.frame,
        "frames": m.frames,
        "timestamp": rfc3339(m.ts_secs, m.ts_nanos),
        "src": m.src.to_string(),
        "dst": m.dst.to_string(),
        "transport": m.transport.as_str(),
    })
}

fn selected(p: &Parsed<'_>, args: &ParseArgs) -> bool {
    if let Some(proto) = args.protocol {
        let want = match proto {
            ProtocolFilter::Sip => Protocol::Sip,
            ProtocolFilter::Msrp => Protocol::Msrp,
        };
        if p.message.protocol() != want {
            return false;
        }
    }
    if !args.method.is_empty() {
        let method: Option<&[u8]> = match &p.message {
            Message::Sip(n) => n.msg.method().or_else(|| n.msg.cseq().map(|c| c.method)),
            Message::Msrp(n) => n.msg.method(),
        };
        if !method.is_some_and(|m| args.method.iter().any(|w| w.as_bytes() == m)) {
            return false;
        }
    }
    if !args.call_id.is_empty() {
        let id = p.message.correlation_id();
        if !id.is_some_and(|m| args.call_id.iter().any(|w| w.as_bytes() == m)) {
            return false;
        }
    }
    true
}

/// Text when UTF-8, else base64 under `<key>_base64`. Never lossy.
fn put_bytes(obj: &mut Map<String, Value>, key: &str, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            obj.insert(key.to_string(), Value::String(s.to_string()));
        }
        Err(_) => {
            obj.insert(
                format!("{key}_base64"),
                Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)),
            );
        }
    }
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

type OriginFn<'f, 'i> = dyn Fn(usize) -> Origin<'i> + 'f;

impl<W: Write> Printer<W> {
    fn json_line(&mut self, v: &Value) -> io::Result<()> {
        match self.format {
            ParseFormat::Json => {
                if !self.first_json {
                    self.out.write_all(b",\n")?;
                }
                self.first_json = false;
                serde_json::to_writer(&mut self.out, v)?;
            }
            _ => {
                serde_json::to_writer(&mut self.out, v)?;
                self.out.write_all(b"\n")?;
            }
        }
        Ok(())
    }

    fn capture_finding(&mut self, file: &str, frame: Option<u64>, f: &Finding) -> Result<()> {
        if self.summary {
            writeln!(
                self.out,
                "{}\tfinding\t{}[{}]: {}",
                frame.map_or("-".to_string(), |n| n.to_string()),
                f.severity,
                f.code,
                f.message
            )?;
            return Ok(());
        }
        match self.format {
            ParseFormat::Human => writeln!(
                self.out,
                "{} {}{}: {}[{}]: {}",
                "──".dimmed(),
                file,
                frame.map_or(String::new(), |n| format!(" frame {n}")),
                f.severity,
                f.code,
                f.message
            )?,
            _ => {
                let v = json!({
                    "type": "finding",
                    "schema_version": SCHEMA_VERSION,
                    "code": f.code,
                    "severity": f.severity.as_str(),
                    "message": f.message,
                    "file": file,
                    "offset": f.offset,
                    "frame": frame,
                });
                self.json_line(&v)?;
            }
        }
        Ok(())
    }

    fn junk(&mut self, at: &Origin<'_>, f: &Finding, origin: &OriginFn<'_, '_>) -> Result<()> {
        if self.summary {
            writeln!(
                self.out,
                "{}:{}:{}\tjunk\t{} bytes skipped",
                at.file, at.line, at.column, f.len
            )?;
            return Ok(());
        }
        match self.format {
            ParseFormat::Human => {
                writeln!(
                    self.out,
                    "{} {}:{}:{} {}",
                    "──".dimmed(),
                    at.file,
                    at.line,
                    at.column,
                    format!("junk: {}", f.message).yellow()
                )?;
            }
            _ => {
                let v = json!({
                    "type": "junk",
                    "schema_version": SCHEMA_VERSION,
                    "source": {"file": at.file, "offset": at.offset, "line": at.line, "column": at.column, "length": f.len},
                    "findings": [finding_json(f, origin)],
                });
                self.json_line(&v)?;
            }
        }
        Ok(())
    }

    /// `length`: the bytes the message spans in the original input from
    /// `at.offset` (more than the message when pasted indentation was removed).
    fn message(
        &mut self,
        at: &Origin<'_>,
        length: usize,
        p: &Parsed<'_>,
        findings: &[(Finding, bool)],
        origin: &OriginFn<'_, '_>,
        original: &OriginFn<'_, '_>,
    ) -> Result<()> {
        if self.summary {
            let id = p
                .message
                .correlation_id()
                .map(lossy)
                .unwrap_or_else(|| "-".into());
            match at.capture {
                Some(c) => writeln!(
                    self.out,
                    "{}\t{}\t{} → {}\t{}\t{}\t{}",
                    c.frame,
                    rfc3339(c.ts_secs, c.ts_nanos),
                    c.src,
                    c.dst,
                    p.message.protocol().as_str(),
                    lossy(p.message.start_line()),
                    id
                )?,
                None => writeln!(
                    self.out,
                    "{}:{}:{}\t{}\t{}\t{}",
                    at.file,
                    at.line,
                    at.column,
                    p.message.protocol().as_str(),
                    lossy(p.message.start_line()),
                    id
                )?,
            }
            return Ok(());
        }
        match self.format {
            ParseFormat::Human => self.human(at, p, findings, origin, original)?,
            _ => {
                let mut v = message_json(&p.message);
                let obj = v.as_object_mut().expect("object");
                obj.insert("type".into(), json!("message"));
                obj.insert("schema_version".into(), json!(SCHEMA_VERSION));
                let mut source = json!({"file": at.file, "offset": at.offset, "line": at.line, "column": at.column, "length": length});
                if let Some(c) = at.capture {
                    source["capture"] = capture_json(c);
                }
                obj.insert("source".into(), source);
                obj.insert("truncated".into(), json!(p.truncated));
                obj.insert(
                    "findings".into(),
                    Value::Array(
                        findings
                            .iter()
                            .map(|(f, orig)| {
                                if *orig {
                                    finding_json(f, original)
                                } else {
                                    finding_json(f, origin)
                                }
                            })
                            .collect(),
                    ),
                );
                // Stable key order: type first.
                let mut ordered = Map::new();
                for k in ["type", "schema_version", "protocol", "kind", "source"] {
                    if let Some(x) = obj.remove(k) {
                        ordered.insert(k.into(), x);
                    }
                }
                ordered.append(obj);
                self.json_line(&Value::Object(ordered))?;
            }
        }
        Ok(())
    }

    fn human(
        &mut self,
        at: &Origin<'_>,
        p: &Parsed<'_>,
        findings: &[(Finding, bool)],
        origin: &OriginFn<'_, '_>,
        original: &OriginFn<'_, '_>,
    ) -> Result<()> {
        let proto = p.message.protocol().as_str().to_uppercase();
        let mut title = format!(
            "{} {}:{}:{}  {} bytes",
            proto,
            at.file,
            at.line,
            at.column,
            p.message.raw().len()
        );
        if let Some(c) = at.capture {
            title = format!(
                "{} {} frame {}  {}  {} → {} {}  {} bytes",
                proto,
                at.file,
                c.frame,
                rfc3339(c.ts_secs, c.ts_nanos),
                c.src,
                c.dst,
                c.transport,
                p.message.raw().len()
            );
        }
        if p.truncated {
            title.push_str("  (truncated)");
        }
        writeln!(self.out, "{} {}", "──".dimmed(), title.bold())?;
        let mut lines = Vec::new();
        render_message(&p.message_view(), 0, &mut lines);
        for l in lines {
            writeln!(self.out, "{l}")?;
        }
        if !findings.is_empty() {
            writeln!(self.out, "  {}", "findings:".bold())?;
            for (f, orig) in findings {
                let o = if *orig {
                    original(f.offset)
                } else {
                    origin(f.offset)
                };
                let sev = match f.severity {
                    Severity::Error => "error".red().bold(),
                    Severity::Warning => "warning".yellow().bold(),
                    Severity::Note => "note".cyan().bold(),
                };
                let path = if f.path.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", f.path)
                };
                writeln!(
                    self.out,
                    "    {}:{}:{}: {}[{}]: {}{}",
                    o.file, o.line, o.column, sev, f.code, f.message, path
                )?;
            }
        }
        writeln!(self.out)?;
        Ok(())
    }
}

fn finding_json(f: &Finding, origin: &OriginFn<'_, '_>) -> Value {
    let o = origin(f.offset);
    let frame = o.capture.map(|c| c.frame);
    json!({
        "frame": frame,
        "code": f.code,
        "severity": f.severity.as_str(),
        "message": f.message,
        "file": o.file,
        "offset": o.offset,
        "line": o.line,
        "column": o.column,
        "path": f.path,
    })
}

/// A borrowed view to render (top-level message or nested).
enum View<'p, 'a> {
    Sip(&'p sipmsrp::body::SipNode<'a>),
    Msrp(&'p sipmsrp::body::MsrpNode<'a>),
}

trait MessageView {
    fn message_view(&self) -> View<'_, '_>;
}

impl<'a> MessageView for Parsed<'a> {
    fn message_view(&self) -> View<'_, '_> {
        match &self.message {
            Message::Sip(n) => View::Sip(n),
            Message::Msrp(n) => View::Msrp(n),
        }
    }
}

fn pad(depth: usize) -> String {
    "  ".repeat(depth + 1)
}

fn render_headers(headers: &[Header<'_>], depth: usize, out: &mut Vec<String>) {
    for h in headers {
        let name = lossy(h.name);
        let shown = if h.compact || name != h.canonical {
            format!(
                "{} {}",
                format!("{name}:").cyan(),
                format!("[{}]", h.canonical).dimmed()
            )
        } else {
            format!("{}", format!("{name}:").cyan())
        };
        out.push(format!("{}{} {}", pad(depth), shown, lossy(&h.unfolded())));
    }
}

fn render_message(v: &View<'_, '_>, depth: usize, out: &mut Vec<String>) {
    match v {
        View::Sip(n) => {
            match n.msg.start_line {
                Some(l) => out.push(format!("{}{}", pad(depth), lossy(l).bold())),
                None => out.push(format!(
                    "{}{}",
                    pad(depth),
                    "(sipfrag without start line)".dimmed()
                )),
            }
            render_headers(&n.msg.headers, depth, out);
            render_body(&n.body, depth, out);
        }
        View::Msrp(n) => {
            out.push(format!("{}{}", pad(depth), lossy(n.msg.start_line).bold()));
            render_headers(&n.msg.headers, depth, out);
            render_body(&n.body, depth, out);
            if let Some(e) = n.msg.end_line {
                out.push(format!("{}{}", pad(depth), lossy(e).dimmed()));
            }
        }
    }
}

fn render_body(b: &Body<'_>, depth: usize, out: &mut Vec<String>) {
    if b.raw.is_empty() {
        return;
    }
    let ct = b
        .media
        .as_ref()
        .map(|m| m.essence())
        .unwrap_or_else(|| "no Content-Type".into());
    out.push(format!(
        "{}{}",
        pad(depth),
        format!("body: {ct}, {} bytes", b.raw.len()).dimmed()
    ));
    match &b.kind {
        BodyKind::Empty => {}
        BodyKind::Leaf => match std::str::from_utf8(b.raw) {
            Ok(s) => {
                for l in s.lines().take(200) {
                    out.push(format!("{}{}", pad(depth + 1), l));
                }
            }
            Err(_) => out.push(format!(
                "{}{}",
                pad(depth + 1),
                "(binary; see --format jsonl for base64)".dimmed()
            )),
        },
        BodyKind::Multipart(m) => {
            for (i, part) in m.parts.iter().enumerate() {
                out.push(format!(
                    "{}{}",
                    pad(depth + 1),
                    format!("── part {}", i + 1).magenta()
                ));
                render_headers(&part.headers, depth + 1, out);
                render_body(&part.body, depth + 1, out);
            }
        }
        BodyKind::Sip(n) => render_message(&View::Sip(n), depth + 1, out),
        BodyKind::Msrp(n) => render_message(&View::Msrp(n), depth + 1, out),
    }
}

fn headers_json(headers: &[Header<'_>]) -> Value {
    Value::Array(
        headers
            .iter()
            .map(|h| {
                let mut o = Map::new();
                put_bytes(&mut o, "name", h.name);
                o.insert("canonical".into(), json!(h.canonical));
                put_bytes(&mut o, "value", &h.unfolded());
                if h.compact {
                    o.insert("compact".into(), json!(true));
                }
                Value::Object(o)
            })
            .collect(),
    )
}

fn message_json(m: &Message<'_>) -> Value {
    match m {
        Message::Sip(n) => sip_json(n),
        Message::Msrp(n) => msrp_json(n),
    }
}

fn sip_json(n: &sipmsrp::body::SipNode<'_>) -> Value {
    let mut o = Map::new();
    o.insert("protocol".into(), json!("sip"));
    match &n.msg.start {
        Some(StartLine::Request {
            method,
            uri,
            version,
        }) => {
            o.insert("kind".into(), json!("request"));
            put_bytes(&mut o, "method", method);
            put_bytes(&mut o, "request_uri", uri);
            put_bytes(&mut o, "version", version);
        }
        Some(StartLine::Response {
            version,
            code,
            code_raw,
            reason,
        }) => {
            o.insert("kind".into(), json!("response"));
            put_bytes(&mut o, "version", version);
            match code {
                Some(c) => o.insert("status_code".into(), json!(c)),
                None => o.insert("status_code_raw".into(), json!(lossy(code_raw))),
            };
            put_bytes(&mut o, "reason", reason);
        }
        None => {
            o.insert("kind".into(), json!("fragment"));
        }
    }
    if let Some(l) = n.msg.start_line {
        put_bytes(&mut o, "start_line", l);
    }
    if let Some(c) = n.msg.call_id() {
        put_bytes(&mut o, "call_id", c);
    }
    if let Some(c) = n.msg.cseq() {
        o.insert(
            "cseq".into(),
            json!({"number": c.number, "method": lossy(c.method)}),
        );
    }
    o.insert("headers".into(), headers_json(&n.msg.headers));
    o.insert("body".into(), body_json(&n.body));
    Value::Object(o)
}

fn msrp_json(n: &sipmsrp::body::MsrpNode<'_>) -> Value {
    let mut o = Map::new();
    o.insert("protocol".into(), json!("msrp"));
    match n.msg.kind {
        Some(MsrpKind::Request { method }) => {
            o.insert("kind".into(), json!("request"));
            put_bytes(&mut o, "method", method);
        }
        Some(MsrpKind::Response {
            code,
            code_raw,
            comment,
        }) => {
            o.insert("kind".into(), json!("response"));
            match code {
                Some(c) => o.insert("status_code".into(), json!(c)),
                None => o.insert("status_code_raw".into(), json!(lossy(code_raw))),
            };
            put_bytes(&mut o, "reason", comment);
        }
        None => {
            o.insert("kind".into(), json!("unknown"));
        }
    }
    put_bytes(&mut o, "start_line", n.msg.start_line);
    put_bytes(&mut o, "transaction_id", n.msg.transaction_id);
    if let Some(f) = n.msg.flag {
        o.insert("continuation".into(), json!((f as char).to_string()));
    }
    if let Some(m) = n.msg.message_id() {
        put_bytes(&mut o, "message_id", m);
    }
    if let Some(br) = n.msg.byte_range() {
        o.insert(
            "byte_range".into(),
            json!({"start": br.start, "end": br.end, "total": br.total}),
        );
    }
    o.insert("headers".into(), headers_json(&n.msg.headers));
    o.insert("body".into(), body_json(&n.body));
    Value::Object(o)
}

fn body_json(b: &Body<'_>) -> Value {
    let mut o = Map::new();
    o.insert("length".into(), json!(b.raw.len()));
    if let Some(m) = &b.media {
        put_bytes(&mut o, "content_type", m.raw);
    }
    match &b.kind {
        BodyKind::Empty => {}
        BodyKind::Leaf => put_bytes(&mut o, "text", b.raw),
        BodyKind::Multipart(m) => {
            put_bytes(&mut o, "boundary", &m.boundary);
            o.insert(
                "parts".into(),
                Value::Array(
                    m.parts
                        .iter()
                        .map(|p| {
                            json!({
                                "headers": headers_json(&p.headers),
                                "body": body_json(&p.body),
                            })
                        })
                        .collect(),
                ),
            );
            if !m.preamble.is_empty() {
                put_bytes(&mut o, "preamble", m.preamble);
            }
            if !m.epilogue.is_empty() {
                put_bytes(&mut o, "epilogue", m.epilogue);
            }
            o.insert("closed".into(), json!(m.closed));
        }
        BodyKind::Sip(n) => {
            o.insert("message".into(), sip_json(n));
        }
        BodyKind::Msrp(n) => {
            o.insert("message".into(), msrp_json(n));
        }
    }
    Value::Object(o)
}
