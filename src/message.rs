//! A framed message parsed in full: the SIP or MSRP message, its body tree,
//! and every finding from framing down to the deepest part.

use crate::body::{self, Body, Ctx, MsrpNode, SipNode};
use crate::finding::Finding;
use crate::framing::{Frame, Protocol};
use crate::limits::Limits;
use crate::msrp::MsrpParseKind;
use crate::sip::SipKind;

/// A top-level message.
#[derive(Debug, Clone)]
pub enum Message<'a> {
    Sip(SipNode<'a>),
    Msrp(MsrpNode<'a>),
}

impl<'a> Message<'a> {
    pub fn protocol(&self) -> Protocol {
        match self {
            Message::Sip(_) => Protocol::Sip,
            Message::Msrp(_) => Protocol::Msrp,
        }
    }

    pub fn raw(&self) -> &'a [u8] {
        match self {
            Message::Sip(n) => n.msg.raw,
            Message::Msrp(n) => n.msg.raw,
        }
    }

    pub fn body(&self) -> &Body<'a> {
        match self {
            Message::Sip(n) => &n.body,
            Message::Msrp(n) => &n.body,
        }
    }

    pub fn headers(&self) -> &[crate::header::Header<'a>] {
        match self {
            Message::Sip(n) => &n.msg.headers,
            Message::Msrp(n) => &n.msg.headers,
        }
    }

    /// The start line as written.
    pub fn start_line(&self) -> &'a [u8] {
        match self {
            Message::Sip(n) => n.msg.start_line.unwrap_or_default(),
            Message::Msrp(n) => n.msg.start_line,
        }
    }

    /// Call-ID for SIP, Message-ID for MSRP.
    pub fn correlation_id(&self) -> Option<&'a [u8]> {
        match self {
            Message::Sip(n) => n.msg.call_id(),
            Message::Msrp(n) => n.msg.message_id(),
        }
    }
}

/// A parsed message with all its findings (offsets into the buffer parsed).
#[derive(Debug, Clone)]
pub struct Parsed<'a> {
    pub message: Message<'a>,
    pub truncated: bool,
    /// Offset of the message in the buffer.
    pub offset: usize,
    pub findings: Vec<Finding>,
}

/// Parse one frame of `buf` (as returned by the framer, absolute offsets).
pub fn parse_frame<'a>(buf: &'a [u8], frame: &Frame, limits: &Limits) -> Parsed<'a> {
    let raw = &buf[frame.start..frame.end];
    let mut findings = frame.findings.clone();
    let mut ctx = Ctx {
        base: buf,
        limits,
        findings: &mut findings,
        parts: 0,
    };
    let message = match frame.protocol {
        Protocol::Sip => Message::Sip(body::parse_sip(&mut ctx, raw, SipKind::Message, 0, "")),
        Protocol::Msrp => Message::Msrp(body::parse_msrp(
            &mut ctx,
            raw,
            MsrpParseKind::Message,
            0,
            "",
        )),
    };
    // A framing finding and a body finding about the same Content-Length
    // say the same thing once.
    dedup(&mut findings);
    Parsed {
        message,
        truncated: frame.truncated,
        offset: frame.start,
        findings,
    }
}

/// Parse a whole message held in `buf` (one message, e.g. from a capture).
pub fn parse_one<'a>(
    buf: &'a [u8],
    protocol: Protocol,
    truncated: bool,
    findings: Vec<Finding>,
    limits: &Limits,
) -> Parsed<'a> {
    let frame = Frame {
        protocol,
        start: 0,
        end: buf.len(),
        truncated,
        findings,
    };
    parse_frame(buf, &frame, limits)
}

fn dedup(findings: &mut Vec<Finding>) {
    if findings.len() < 2 {
        return;
    }
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| seen.insert((f.code, f.offset, f.path.clone())));
    // The body-level mismatch repeats what framing said about the declared length.
    if findings
        .iter()
        .any(|f| f.code == "content-length-exceeds-body")
    {
        findings.retain(|f| {
            !(f.code == "content-length-mismatch" && f.path == "header Content-Length")
        });
    }
    if findings
        .iter()
        .any(|f| f.code == "content-length-invalid" && f.path.is_empty())
    {
        findings
            .retain(|f| !(f.code == "content-length-invalid" && f.path == "header Content-Length"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framing::{FrameOptions, Framer, Item};

    #[test]
    fn a_chunk_of_a_larger_body_is_not_parsed_as_its_content_type() {
        // The first 20 bytes of a multipart body: parsing them as multipart
        // would report an unclosed boundary that the whole body closes.
        let chunk = |range: &str, flag: char| {
            format!(
                "MSRP a1b2c3d4 SEND\r\nTo-Path: msrp://a:1/x;tcp\r\nFrom-Path: msrp://b:2/y;tcp\r\nMessage-ID: m123\r\nByte-Range: {range}\r\nContent-Type: multipart/mixed; boundary=b42\r\n\r\n--b42\r\nContent-Typ\r\n-------a1b2c3d4{flag}\r\n"
            )
        };
        for (range, flag, partial) in [
            ("1-20/90", '+', true),
            ("1-20/*", '+', true),
            ("21-40/90", '$', true),
            ("1-20/90", '$', true),
            ("1-20/20", '#', true),
            ("1-20/20", '$', false),
            ("1-*/*", '$', false),
        ] {
            let raw = chunk(range, flag);
            let p = parse_one(
                raw.as_bytes(),
                Protocol::Msrp,
                false,
                vec![],
                &Limits::default(),
            );
            let codes: Vec<&str> = p.findings.iter().map(|f| f.code).collect();
            let body = p.message.body();
            assert_eq!(body.raw, b"--b42\r\nContent-Typ", "{range} {flag}");
            assert!(body.media.is_some(), "{range} {flag}: Content-Type kept");
            if partial {
                assert!(
                    matches!(body.kind, crate::body::BodyKind::Leaf),
                    "{range} {flag}"
                );
                assert!(codes.is_empty(), "{range} {flag}: {codes:?}");
            } else {
                assert!(
                    matches!(body.kind, crate::body::BodyKind::Multipart(_)),
                    "{range} {flag}"
                );
                assert!(
                    codes.contains(&"multipart-unclosed"),
                    "{range} {flag}: {codes:?}"
                );
            }
        }
    }

    #[test]
    fn pushed_send_parses_into_a_tree() {
        let raw = b"MSRP elfj49te SEND\r\nTo-Path: msrp://a:1/x;tcp\r\nFrom-Path: msrp://b:2/y;tcp\r\nMessage-ID: 453\r\nByte-Range: 1-*/*\r\nContent-Type: multipart/mixed; boundary=\"b42\"\r\n\r\n--b42\r\nContent-Type: message/sipfrag\r\n\r\nINVITE sip:u2@s SIP/2.0\r\nCall-ID: 3413an89KU\r\n--b42\r\nContent-Type: message/msrpfrag\r\n\r\nMSRP dkei38sd SEND\r\nMessage-ID: 456\r\nContent-Type: text/plain\r\n\r\nHi\r\n-------dkei38sd$\r\n--b42--\r\n\r\n-------elfj49te$\r\n";
        let items: Vec<_> = Framer::new(raw, FrameOptions::default()).collect();
        assert_eq!(items.len(), 1);
        let Item::Message(f) = &items[0] else {
            panic!()
        };
        let p = parse_frame(raw, f, &Limits::default());
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        let crate::body::BodyKind::Multipart(mp) = &p.message.body().kind else {
            panic!("not multipart")
        };
        assert_eq!(mp.parts.len(), 2);
        let crate::body::BodyKind::Sip(s) = &mp.parts[0].body.kind else {
            panic!()
        };
        assert!(s.fragment);
        assert_eq!(s.msg.call_id(), Some(&b"3413an89KU"[..]));
        let crate::body::BodyKind::Msrp(m) = &mp.parts[1].body.kind else {
            panic!()
        };
        assert_eq!(m.msg.message_id(), Some(&b"456"[..]));
        assert_eq!(m.body.raw, b"Hi");
    }
}
