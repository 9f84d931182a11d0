//! MSRP messages (RFC 4975) and message/msrpfrag bodies, as views of the input.

use crate::header::Hdr;
use memchr::memchr;

use crate::finding::{Finding, offset_in};
use crate::framing::{self, is_ident_char};
use crate::header::{self, Dialect, Header};
use crate::limits::Limits;
use crate::mediatype::MediaType;

/// Request or response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsrpKind<'a> {
    Request {
        method: &'a [u8],
    },
    Response {
        code: Option<u16>,
        code_raw: &'a [u8],
        /// The optional comment after the code.
        comment: &'a [u8],
    },
}

/// An MSRP message or msrpfrag.
#[derive(Debug, Clone)]
pub struct MsrpMessage<'a> {
    pub raw: &'a [u8],
    pub start_line: &'a [u8],
    pub transaction_id: &'a [u8],
    pub kind: Option<MsrpKind<'a>>,
    pub headers: Vec<Header<'a>>,
    /// The body (data between the empty line and the CRLF before the end-line).
    pub body: Option<&'a [u8]>,
    /// The end-line as written, without its line end.
    pub end_line: Option<&'a [u8]>,
    /// `$`, `+` or `#`.
    pub flag: Option<u8>,
    pub findings: Vec<Finding>,
}

/// Whole message (end-line required) or fragment (end-line optional).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsrpParseKind {
    Message,
    Fragment,
}

/// Byte-Range: `start-end/total`, `*` allowed for end and total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub start: u64,
    pub end: Option<u64>,
    pub total: Option<u64>,
}

impl ByteRange {
    pub fn parse(v: &[u8]) -> Option<ByteRange> {
        let v = v.trim_ascii();
        let dash = memchr(b'-', v)?;
        let slash = memchr(b'/', v)?;
        if slash < dash {
            return None;
        }
        let start = framing::parse_u64(&v[..dash])?;
        let end_raw = &v[dash + 1..slash];
        let total_raw = &v[slash + 1..];
        let end = if end_raw == b"*" {
            None
        } else {
            Some(framing::parse_u64(end_raw)?)
        };
        let total = if total_raw == b"*" {
            None
        } else {
            Some(framing::parse_u64(total_raw)?)
        };
        if start == 0 {
            return None;
        }
        Some(ByteRange { start, end, total })
    }
}

/// Status header (REPORT): `000 SP status-code [SP comment]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status<'a> {
    pub namespace: &'a [u8],
    pub code: Option<u16>,
    pub comment: &'a [u8],
}

impl<'a> Status<'a> {
    pub fn parse(v: &'a [u8]) -> Option<Status<'a>> {
        let mut it = v.trim_ascii().splitn(3, |&b| b == b' ');
        let namespace = it.next()?;
        let code_raw = it.next()?;
        let comment = it.next().unwrap_or_default();
        if namespace.len() != 3 || !namespace.iter().all(u8::is_ascii_digit) {
            return None;
        }
        if code_raw.len() != 3 || !code_raw.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let code = std::str::from_utf8(code_raw).ok()?.parse().ok();
        Some(Status {
            namespace,
            code,
            comment,
        })
    }
}

/// Parse an MSRP message (framed) or an msrpfrag.
pub fn parse<'a>(
    base: &[u8],
    raw: &'a [u8],
    kind: MsrpParseKind,
    limits: &Limits,
    path: &str,
) -> MsrpMessage<'a> {
    let mut findings = Vec::new();
    let (le, next) = match memchr(b'\n', raw) {
        Some(i) => (i, i + 1),
        None => (raw.len(), raw.len()),
    };
    let start_line = raw[..le].strip_suffix(b"\r").unwrap_or(&raw[..le]);
    let (transaction_id, msg_kind) = parse_start_line(base, start_line, path, &mut findings);

    // The end-line, searched from the end so a nested msrpfrag's end-line
    // inside the body is not taken for ours.
    let mut end_line = None;
    let mut flag = None;
    let mut content_end = raw.len();
    if !transaction_id.is_empty() {
        if let Some(at) = last_end_line(raw, next, transaction_id) {
            let line_end = memchr(b'\n', &raw[at..]).map_or(raw.len(), |i| at + i);
            let line = raw[at..line_end]
                .strip_suffix(b"\r")
                .unwrap_or(&raw[at..line_end]);
            flag = line.get(7 + transaction_id.len()).copied();
            end_line = Some(line);
            content_end = at;
            if line_end < raw.len() && raw[line_end + 1..].iter().any(|b| !b.is_ascii_whitespace())
            {
                findings.push(
                    Finding::error(
                        "msrp-trailing-data",
                        offset_in(base, &raw[line_end + 1..]),
                        "data after the end-line",
                    )
                    .with_path(path),
                );
            }
        } else if let Some((_, at)) =
            framing::find_end_line(raw, next.saturating_sub(1), raw.len(), None)
        {
            findings.push(
                Finding::error(
                    "msrp-end-line-mismatch",
                    offset_in(base, &raw[at..]),
                    "end-line transaction id does not match the start line's",
                )
                .with_path(path),
            );
            let line_end = memchr(b'\n', &raw[at..]).map_or(raw.len(), |i| at + i);
            let line = raw[at..line_end]
                .strip_suffix(b"\r")
                .unwrap_or(&raw[at..line_end]);
            flag = line.last().copied();
            end_line = Some(line);
            content_end = at;
        } else if kind == MsrpParseKind::Message {
            findings.push(
                Finding::error(
                    "msrp-end-line-missing",
                    offset_in(base, raw) + raw.len(),
                    "no end-line `-------<transaction-id>` closes the message",
                )
                .with_path(path),
            );
        }
    }
    let region = &raw[next.min(content_end)..content_end];
    let (headers, end) =
        header::parse_block(base, region, Dialect::Msrp, limits, path, &mut findings);
    let body = if end.terminated {
        let data = &region[end.body_start..];
        // The CRLF before the end-line belongs to the end-line.
        let data = if end_line.is_some() {
            data.strip_suffix(b"\r\n")
                .or_else(|| data.strip_suffix(b"\n"))
                .unwrap_or(data)
        } else {
            data
        };
        Some(data)
    } else {
        None
    };
    MsrpMessage {
        raw,
        start_line,
        transaction_id,
        kind: msg_kind,
        headers,
        body,
        end_line,
        flag,
        findings,
    }
}

/// Offset of the last line in `raw[from..]` that is an end-line for `tid`.
fn last_end_line(raw: &[u8], from: usize, tid: &[u8]) -> Option<usize> {
    let mut best = None;
    let mut pos = from.saturating_sub(1);
    while let Some((_, at)) = framing::find_end_line(raw, pos, raw.len(), Some(tid)) {
        best = Some(at);
        pos = at;
    }
    // An end-line right after the start line (no headers, no body).
    if best.is_none() && raw[from.min(raw.len())..].starts_with(b"-------") {
        let l = &raw[from + 7..];
        if l.starts_with(tid)
            && l.get(tid.len())
                .is_some_and(|b| matches!(b, b'$' | b'+' | b'#'))
        {
            best = Some(from);
        }
    }
    best
}

fn parse_start_line<'a>(
    base: &[u8],
    line: &'a [u8],
    path: &str,
    findings: &mut Vec<Finding>,
) -> (&'a [u8], Option<MsrpKind<'a>>) {
    let at = offset_in(base, line);
    let Some(rest) = line.strip_prefix(b"MSRP ") else {
        findings.push(
            Finding::error(
                "msrp-start-line-malformed",
                at,
                "MSRP start line must begin with `MSRP SP transaction-id SP`",
            )
            .with_len(line.len())
            .with_path(path),
        );
        return (&line[..0], None);
    };
    let sp = memchr(b' ', rest).unwrap_or(rest.len());
    let tid = &rest[..sp];
    if tid.len() < 4
        || tid.len() > 32
        || !tid.iter().all(|&b| is_ident_char(b))
        || !tid[0].is_ascii_alphanumeric()
    {
        findings.push(
            Finding::error(
                "msrp-transaction-id-invalid",
                offset_in(base, tid),
                "transaction id must be 4 to 32 ident characters starting with an alphanumeric (RFC 4975 ident)",
            )
            .with_len(tid.len())
            .with_path(path),
        );
    }
    let after = &rest[(sp + 1).min(rest.len())..];
    if after.is_empty() {
        findings.push(
            Finding::error(
                "msrp-start-line-malformed",
                at + line.len(),
                "MSRP start line has no method or status",
            )
            .with_path(path),
        );
        return (tid, None);
    }
    if after[0].is_ascii_digit() {
        let sp2 = memchr(b' ', after).unwrap_or(after.len());
        let code_raw = &after[..sp2];
        let code = if code_raw.len() == 3 && code_raw.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(code_raw)
                .ok()
                .and_then(|s| s.parse().ok())
        } else {
            findings.push(
                Finding::error(
                    "msrp-status-invalid",
                    offset_in(base, code_raw),
                    "MSRP status code must be three digits",
                )
                .with_path(path),
            );
            None
        };
        let comment = &after[(sp2 + 1).min(after.len())..];
        return (
            tid,
            Some(MsrpKind::Response {
                code,
                code_raw,
                comment,
            }),
        );
    }
    if !after.iter().all(|b| b.is_ascii_uppercase()) {
        findings.push(
            Finding::error(
                "msrp-method-invalid",
                offset_in(base, after),
                "MSRP method must be upper-case letters",
            )
            .with_len(after.len())
            .with_path(path),
        );
    }
    (tid, Some(MsrpKind::Request { method: after }))
}

impl<'a> MsrpMessage<'a> {
    pub fn method(&self) -> Option<&'a [u8]> {
        match self.kind {
            Some(MsrpKind::Request { method }) => Some(method),
            _ => None,
        }
    }

    pub fn status_code(&self) -> Option<u16> {
        match self.kind {
            Some(MsrpKind::Response { code, .. }) => code,
            _ => None,
        }
    }

    pub fn header(&self, h: header::Hdr) -> Option<&Header<'a>> {
        header::find(&self.headers, h)
    }

    pub fn value(&self, h: header::Hdr) -> Option<&'a [u8]> {
        self.header(h).map(|x| x.value)
    }

    /// URIs of To-Path (space-separated).
    pub fn to_path(&self) -> Vec<&'a [u8]> {
        self.value(Hdr::ToPath).map(split_ws).unwrap_or_default()
    }

    pub fn from_path(&self) -> Vec<&'a [u8]> {
        self.value(Hdr::FromPath).map(split_ws).unwrap_or_default()
    }

    pub fn message_id(&self) -> Option<&'a [u8]> {
        self.value(Hdr::MessageId)
    }

    pub fn byte_range(&self) -> Option<ByteRange> {
        self.value(Hdr::ByteRange).and_then(ByteRange::parse)
    }

    pub fn status(&self) -> Option<Status<'a>> {
        self.value(Hdr::Status).and_then(Status::parse)
    }

    pub fn success_report(&self) -> Option<&'a [u8]> {
        self.value(Hdr::SuccessReport)
    }

    pub fn failure_report(&self) -> Option<&'a [u8]> {
        self.value(Hdr::FailureReport)
    }

    pub fn content_type(&self) -> Option<MediaType<'a>> {
        self.value(Hdr::ContentType).and_then(MediaType::parse)
    }

    /// The continuation flag: `$` complete, `+` more chunks, `#` aborted.
    pub fn is_last_chunk(&self) -> bool {
        self.flag == Some(b'$')
    }
}

fn split_ws(v: &[u8]) -> Vec<&[u8]> {
    v.split(|b| b.is_ascii_whitespace())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(raw: &[u8]) -> MsrpMessage<'_> {
        parse(raw, raw, MsrpParseKind::Message, &Limits::default(), "")
    }

    #[test]
    fn send_with_body_and_headers() {
        let raw = b"MSRP a786hjs2 SEND\r\nTo-Path: msrp://b.example.com:8888/9di4ea;tcp\r\nFrom-Path: msrp://a.example.com:7777/iau39soe2843z;tcp msrp://x:1/y;tcp\r\nMessage-ID: 87652491\r\nByte-Range: 1-25/25\r\nContent-Type: text/plain\r\n\r\nHey Bob, are you there?\r\n\r\n-------a786hjs2$\r\n";
        let m = msg(raw);
        assert!(m.findings.is_empty(), "{:?}", m.findings);
        assert_eq!(m.transaction_id, b"a786hjs2");
        assert_eq!(m.method(), Some(&b"SEND"[..]));
        assert_eq!(m.from_path().len(), 2);
        assert_eq!(m.message_id(), Some(&b"87652491"[..]));
        assert_eq!(
            m.byte_range(),
            Some(ByteRange {
                start: 1,
                end: Some(25),
                total: Some(25)
            })
        );
        assert_eq!(m.body, Some(&b"Hey Bob, are you there?\r\n"[..]));
        assert_eq!(m.flag, Some(b'$'));
    }

    #[test]
    fn response_and_bodyless() {
        let m = msg(b"MSRP d93kswow 200 OK\r\nTo-Path: msrp://a:1/x;tcp\r\n-------d93kswow$\r\n");
        assert!(m.findings.is_empty(), "{:?}", m.findings);
        assert_eq!(m.status_code(), Some(200));
        assert_eq!(m.body, None);
        assert_eq!(m.headers.len(), 1);
    }

    #[test]
    fn byte_range_forms() {
        assert_eq!(
            ByteRange::parse(b"1-*/*"),
            Some(ByteRange {
                start: 1,
                end: None,
                total: None
            })
        );
        assert!(ByteRange::parse(b"0-1/1").is_none());
        assert!(ByteRange::parse(b"a-1/1").is_none());
    }

    #[test]
    fn nested_end_line_does_not_end_the_outer_message() {
        let raw = b"MSRP outer SEND\r\nContent-Type: message/msrpfrag\r\n\r\nMSRP inner SEND\r\n\r\nx\r\n-------inner$\r\n-------outer$\r\n";
        let m = msg(raw);
        assert_eq!(m.end_line, Some(&b"-------outer$"[..]));
        assert!(m.body.unwrap().ends_with(b"-------inner$"));
    }

    #[test]
    fn fragment_without_end_line_is_fine() {
        let raw =
            b"MSRP dkei38sd SEND\r\nMessage-ID: 456\r\nContent-Type: text/plain\r\n\r\nHi\r\n";
        let m = parse(raw, raw, MsrpParseKind::Fragment, &Limits::default(), "");
        assert!(m.findings.is_empty());
        assert_eq!(m.body, Some(&b"Hi\r\n"[..]));
        assert_eq!(m.end_line, None);
    }

    #[test]
    fn status_header() {
        let s = Status::parse(b"000 200 OK").unwrap();
        assert_eq!((s.code, s.comment), (Some(200), &b"OK"[..]));
        assert!(Status::parse(b"200 OK").is_none());
    }
}
