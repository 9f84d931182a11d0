//! Per-message library comparison on the text corpus.
//!
//! `libcmp --parser NAME FILE` frames FILE (SIP by Content-Length after the
//! CRLFCRLF that ends the head, MSRP skipped by its end-line), then hands
//! every SIP message to one parser and, from what it parsed, takes the
//! Call-ID and the CSeq number and method. One untimed warm-up pass, one
//! timed pass. Prints one JSON line.
//!
//! Parsers:
//! - `sipmsrp`: `sipmsrp::message::parse_one` (start line, headers, body
//!   tree, findings), then `call_id()` and `cseq()`.
//! - `sipmsrp-head`: `sipmsrp::sip::parse` (start line and headers, no body
//!   tree), then `call_id()` and `cseq()`.
//! - `rsip`: `rsip::SipMessage::try_from(&[u8])`, then `call_id_header()`
//!   and `cseq_header()` with `seq()` and `method()`.
//! - `ezk`: ezk-sip-types the way a transport uses it: `PullParser` over the
//!   head, `MessageLine::parse` for the start line, `Line::parse` and
//!   `Headers::insert` per header, the body sliced by Content-Length, then
//!   `Headers::get_named::<CallID>()` and `::<CSeq>()`.
//! - `none`: framing only (the loop's own cost).

use std::hint::black_box;
use std::ops::Range;
use std::time::Instant;

use memchr::memmem;

/// SIP message ranges and the number of MSRP messages skipped.
fn frame(buf: &[u8]) -> (Vec<Range<usize>>, usize) {
    let crlf2 = memmem::Finder::new(b"\r\n\r\n");
    let mut out = Vec::new();
    let mut msrp = 0;
    let mut at = 0;
    while at < buf.len() {
        let rest = &buf[at..];
        if rest.starts_with(b"MSRP ") {
            let tid_end = memchr::memchr(b' ', &rest[5..]).expect("MSRP transaction id") + 5;
            let mut end_line = b"\r\n-------".to_vec();
            end_line.extend_from_slice(&rest[5..tid_end]);
            let pos = memmem::find(rest, &end_line).expect("MSRP end-line");
            // CRLF, the end-line, the flag, CRLF.
            at += pos + end_line.len() + 1 + 2;
            msrp += 1;
            continue;
        }
        let head = crlf2.find(rest).expect("SIP head ends with CRLFCRLF") + 4;
        let mut len = 0usize;
        for line in rest[..head].split(|&b| b == b'\n') {
            let Some(colon) = memchr::memchr(b':', line) else {
                continue;
            };
            let name = line[..colon].trim_ascii();
            if name.eq_ignore_ascii_case(b"content-length") || name.eq_ignore_ascii_case(b"l") {
                len = std::str::from_utf8(line[colon + 1..].trim_ascii())
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .expect("Content-Length");
            }
        }
        out.push(at..at + head + len);
        at += head + len;
    }
    (out, msrp)
}

#[derive(Default)]
struct Tally {
    ok: u64,
    failed: u64,
    /// Sum of the Call-ID lengths and CSeq numbers seen: the parsers must agree.
    call_id_bytes: u64,
    cseq_sum: u64,
}

fn run_sipmsrp(buf: &[u8], msgs: &[Range<usize>], t: &mut Tally) {
    use sipmsrp::finding::Severity;
    use sipmsrp::framing::Protocol;
    use sipmsrp::message::{self, Message};
    let limits = sipmsrp::limits::Limits::default();
    for r in msgs {
        let p = message::parse_one(&buf[r.clone()], Protocol::Sip, false, Vec::new(), &limits);
        let Message::Sip(s) = &p.message else {
            t.failed += 1;
            continue;
        };
        match (s.msg.call_id(), s.msg.cseq()) {
            (Some(id), Some(cs)) if !p.findings.iter().any(|f| f.severity == Severity::Error) => {
                t.ok += 1;
                t.call_id_bytes += id.len() as u64;
                t.cseq_sum += u64::from(cs.number.unwrap_or(0)) + cs.method.len() as u64;
            }
            _ => t.failed += 1,
        }
        black_box(&p);
    }
}

fn run_sipmsrp_head(buf: &[u8], msgs: &[Range<usize>], t: &mut Tally) {
    use sipmsrp::sip::{self, SipKind};
    let limits = sipmsrp::limits::Limits::default();
    for r in msgs {
        let raw = &buf[r.clone()];
        let m = sip::parse(raw, raw, SipKind::Message, &limits, "");
        match (m.call_id(), m.cseq()) {
            (Some(id), Some(cs)) if m.findings.is_empty() => {
                t.ok += 1;
                t.call_id_bytes += id.len() as u64;
                t.cseq_sum += u64::from(cs.number.unwrap_or(0)) + cs.method.len() as u64;
            }
            _ => t.failed += 1,
        }
        black_box(&m);
    }
}

fn run_rsip(buf: &[u8], msgs: &[Range<usize>], t: &mut Tally) {
    use rsip::prelude::*;
    for r in msgs {
        let m = match rsip::SipMessage::try_from(&buf[r.clone()]) {
            Ok(m) => m,
            Err(_) => {
                t.failed += 1;
                continue;
            }
        };
        let id = m.call_id_header().map(|h| h.value().len());
        let cs = m
            .cseq_header()
            .ok()
            .and_then(|h| Some((h.seq().ok()?, h.method().ok()?)));
        match (id, cs) {
            (Ok(id), Some((seq, method))) => {
                t.ok += 1;
                t.call_id_bytes += id as u64;
                t.cseq_sum += u64::from(seq) + method.to_string().len() as u64;
            }
            _ => t.failed += 1,
        }
        black_box(&m);
    }
}

fn run_ezk(buf: &[u8], msgs: &[Range<usize>], t: &mut Tally) {
    use ezk_sip_types::Headers;
    use ezk_sip_types::header::typed::{CSeq, CallID, ContentLength};
    use ezk_sip_types::msg::{Line, MessageLine, PullParser};
    use ezk_sip_types::parse::Parse;
    let all = bytes::Bytes::copy_from_slice(buf);
    'msg: for r in msgs {
        let src = all.slice(r.clone());
        let mut parser = PullParser::new(&src, 0);
        let mut line_no = 0;
        let mut start = None;
        let mut headers = Headers::new();
        for line in parser.by_ref() {
            let Ok(line) = line else {
                t.failed += 1;
                continue 'msg;
            };
            let Ok(line) = std::str::from_utf8(line) else {
                t.failed += 1;
                continue 'msg;
            };
            if line_no == 0 {
                match MessageLine::parse(&src)(line) {
                    Ok((_, l)) => start = Some(l),
                    Err(_) => {
                        t.failed += 1;
                        continue 'msg;
                    }
                }
            } else {
                match Line::parse(&src, line) {
                    Ok((_, l)) => headers.insert(l.name, l.value),
                    Err(_) => {
                        t.failed += 1;
                        continue 'msg;
                    }
                }
            }
            line_no += 1;
        }
        let head_end = parser.head_end();
        let body_len = headers
            .get_named::<ContentLength>()
            .map(|c| c.0)
            .unwrap_or(0);
        let body = src.slice(head_end..(head_end + body_len).min(src.len()));
        match (headers.get_named::<CallID>(), headers.get_named::<CSeq>()) {
            (Ok(id), Ok(cs)) if start.is_some() => {
                t.ok += 1;
                t.call_id_bytes += id.0.len() as u64;
                t.cseq_sum += u64::from(cs.cseq) + cs.method.to_string().len() as u64;
            }
            _ => t.failed += 1,
        }
        black_box((&start, &headers, &body));
    }
}

fn main() {
    let mut parser = String::from("sipmsrp");
    let mut file = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--parser" => parser = args.next().expect("--parser NAME"),
            _ if file.is_none() => file = Some(a),
            _ => {
                eprintln!("usage: libcmp [--parser sipmsrp|sipmsrp-head|rsip|ezk|none] FILE");
                std::process::exit(2);
            }
        }
    }
    let file = file.expect("usage: libcmp [--parser NAME] FILE");
    let buf = std::fs::read(&file).expect("read corpus");
    let (msgs, msrp) = frame(&buf);
    let sip_bytes: usize = msgs.iter().map(|r| r.len()).sum();
    let run: fn(&[u8], &[Range<usize>], &mut Tally) = match parser.as_str() {
        "sipmsrp" => run_sipmsrp,
        "sipmsrp-head" => run_sipmsrp_head,
        "rsip" => run_rsip,
        "ezk" => run_ezk,
        "none" => |_, m, t| t.ok = m.len() as u64,
        other => {
            eprintln!("unknown parser {other}");
            std::process::exit(2);
        }
    };
    run(&buf, &msgs, &mut Tally::default());
    let mut t = Tally::default();
    let start = Instant::now();
    run(&buf, &msgs, &mut t);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{{\"parser\":\"{parser}\",\"sip_messages\":{},\"msrp_skipped\":{msrp},\"sip_bytes\":{sip_bytes},\
         \"ok\":{},\"failed\":{},\"call_id_bytes\":{},\"cseq_sum\":{},\"parse_secs\":{secs:.6},\
         \"ns_per_msg\":{:.1}}}",
        msgs.len(),
        t.ok,
        t.failed,
        t.call_id_bytes,
        t.cseq_sum,
        secs * 1e9 / msgs.len().max(1) as f64
    );
}
