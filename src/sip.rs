//! SIP messages (RFC 3261) and SIP fragments (RFC 3420), as views of the input.
//!
//! [`SipMessage`] serves both a whole message (start line required) and a
//! message/sipfrag body (start line, headers and body all optional), so the
//! rules that look at encapsulated SIP see one type.

use crate::header::Hdr;
use memchr::memchr;

use crate::finding::{Finding, offset_in};
use crate::header::{self, Dialect, Header};
use crate::limits::Limits;
use crate::mediatype::MediaType;

/// The first line of a SIP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine<'a> {
    Request {
        method: &'a [u8],
        uri: &'a [u8],
        version: &'a [u8],
    },
    Response {
        version: &'a [u8],
        /// The status code when it is three digits.
        code: Option<u16>,
        code_raw: &'a [u8],
        reason: &'a [u8],
    },
}

/// A SIP message or fragment.
#[derive(Debug, Clone)]
pub struct SipMessage<'a> {
    /// The whole message as framed.
    pub raw: &'a [u8],
    /// The start line as written (without line end); `None` in a fragment without one.
    pub start_line: Option<&'a [u8]>,
    pub start: Option<StartLine<'a>>,
    pub headers: Vec<Header<'a>>,
    /// The header section ended with an empty line.
    pub head_terminated: bool,
    /// The message body (may be empty).
    pub body: &'a [u8],
    /// Findings about this message's own syntax (not its body's).
    pub findings: Vec<Finding>,
}

/// How to parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SipKind {
    /// A whole message: start line required; the body is what Content-Length says
    /// (the framer has already cut the message).
    Message,
    /// RFC 3420 message/sipfrag: everything optional; the body is the rest.
    Fragment,
}

/// Parse a SIP message or fragment. `base` is the buffer that finding offsets
/// refer to; `raw` must be a subslice of it.
pub fn parse<'a>(
    base: &[u8],
    raw: &'a [u8],
    kind: SipKind,
    limits: &Limits,
    path: &str,
) -> SipMessage<'a> {
    let mut findings = Vec::new();
    let (le, next) = match memchr(b'\n', raw) {
        Some(i) => (i, i + 1),
        None => (raw.len(), raw.len()),
    };
    let first = raw[..le].strip_suffix(b"\r").unwrap_or(&raw[..le]);
    let first_is_header = {
        let n = first
            .iter()
            .take_while(|&&b| crate::chars::is_token(b))
            .count();
        n > 0 && first[n..].trim_ascii_start().first() == Some(&b':')
    };
    let (start_line, start, head_from) =
        if kind == SipKind::Fragment && (first.is_empty() || first_is_header) {
            (None, None, 0)
        } else {
            let start = parse_start_line(base, first, path, &mut findings);
            (Some(first), start, next)
        };
    let (headers, end) = header::parse_block(
        base,
        &raw[head_from..],
        Dialect::Sip,
        limits,
        path,
        &mut findings,
    );
    let body_start = head_from + end.body_start;
    if !end.terminated && kind == SipKind::Message {
        findings.push(
            Finding::error(
                "headers-unterminated",
                offset_in(base, raw) + raw.len(),
                "the header section does not end with an empty line",
            )
            .with_path(path),
        );
    }
    SipMessage {
        raw,
        start_line,
        start,
        headers,
        head_terminated: end.terminated,
        body: &raw[body_start.min(raw.len())..],
        findings,
    }
}

fn parse_start_line<'a>(
    base: &[u8],
    line: &'a [u8],
    path: &str,
    findings: &mut Vec<Finding>,
) -> Option<StartLine<'a>> {
    let at = offset_in(base, line);
    if line.len() >= 4 && line[..4].eq_ignore_ascii_case(b"SIP/") {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
        let mut parts = line.splitn(3, |&b| b == b' ');
        let version = parts.next().unwrap_or_default();
        let code_raw = parts.next().unwrap_or_default();
        let reason = parts.next();
        let code = if code_raw.len() == 3 && code_raw.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(code_raw)
                .ok()
                .and_then(|s| s.parse().ok())
        } else {
            None
        };
        if code.is_none() {
            findings.push(
                Finding::error(
                    "status-code-invalid",
                    offset_in(base, code_raw),
                    format!(
                        "status code `{}` is not three digits",
                        String::from_utf8_lossy(code_raw)
                    ),
                )
                .with_path(path),
            );
        }
        if reason.is_none() {
            findings.push(
                Finding::error(
                    "status-line-malformed",
                    at + line.len(),
                    "status line has no SP before the reason phrase",
                )
                .with_path(path),
            );
        }
        check_version(base, version, path, findings);
        return Some(StartLine::Response {
            version,
            code,
            code_raw,
            reason: reason.unwrap_or(&line[line.len()..]),
        });
    }
    // Request-Line = Method SP Request-URI SP SIP-Version
    let Some(sp1) = memchr(b' ', line) else {
        findings.push(
            Finding::error(
                "start-line-malformed",
                at,
                "start line is neither a Request-Line nor a Status-Line",
            )
            .with_len(line.len())
            .with_path(path),
        );
        return None;
    };
    let method = &line[..sp1];
    let rest = &line[sp1 + 1..];
    let (uri, version) = match rest.iter().rposition(|&b| b == b' ') {
        Some(sp2) => (&rest[..sp2], &rest[sp2 + 1..]),
        None => (rest, &rest[rest.len()..]),
    };
    if !crate::chars::is_token_str(method) {
        findings.push(
            Finding::error("method-invalid", at, "method is not a token")
                .with_len(method.len())
                .with_path(path),
        );
    }
    if version.is_empty() || !(version.len() >= 4 && version[..4].eq_ignore_ascii_case(b"SIP/")) {
        findings.push(
            Finding::error(
                "request-line-no-version",
                at + line.len(),
                "Request-Line has no SIP-Version",
            )
            .with_path(path),
        );
        return Some(StartLine::Request {
            method,
            uri: rest,
            version: &rest[rest.len()..],
        });
    }
    check_version(base, version, path, findings);
    Some(StartLine::Request {
        method,
        uri,
        version,
    })
}

fn check_version(base: &[u8], version: &[u8], path: &str, findings: &mut Vec<Finding>) {
    if version != b"SIP/2.0" {
        findings.push(
            Finding::error(
                "sip-version-unsupported",
                offset_in(base, version),
                format!(
                    "SIP-Version `{}` is not SIP/2.0",
                    String::from_utf8_lossy(version)
                ),
            )
            .with_len(version.len())
            .with_path(path),
        );
    }
}

/// CSeq: number and method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CSeq<'a> {
    /// `None` when not a 32-bit decimal.
    pub number: Option<u32>,
    pub number_raw: &'a [u8],
    pub method: &'a [u8],
}

/// A name-addr or addr-spec (From, To, Contact, P-Asserted-Identity, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameAddr<'a> {
    /// Display name as written (quoted string with its quotes, or tokens).
    pub display: Option<&'a [u8]>,
    /// The URI (inside `<>` when present).
    pub uri: &'a [u8],
    /// The URI was written inside `<>`.
    pub angle: bool,
    /// Header parameters after the address, starting at the first `;` (empty if none).
    pub params: &'a [u8],
}

impl<'a> NameAddr<'a> {
    /// A header parameter value (`tag`, `expires`, ...), case-insensitive name.
    pub fn param(&self, name: &str) -> Option<&'a [u8]> {
        find_param(self.params, name)
    }

    pub fn tag(&self) -> Option<&'a [u8]> {
        self.param("tag")
    }
}

/// `;name=value` parameter lookup in a parameter string (quotes respected).
pub fn find_param<'a>(params: &'a [u8], name: &str) -> Option<&'a [u8]> {
    split_params(params).find_map(|(n, v)| {
        if n.eq_ignore_ascii_case(name.as_bytes()) {
            Some(v.unwrap_or(&n[n.len()..]))
        } else {
            None
        }
    })
}

/// Iterate `;name[=value]` items of a parameter string (lazily: looking
/// one parameter up allocates nothing).
pub fn split_params(params: &[u8]) -> Params<'_> {
    Params {
        params,
        start: 0,
        i: 0,
        in_quote: false,
    }
}

/// The items of a parameter string: see [`split_params`].
#[derive(Debug, Clone)]
pub struct Params<'a> {
    params: &'a [u8],
    start: usize,
    i: usize,
    in_quote: bool,
}

impl<'a> Iterator for Params<'a> {
    type Item = (&'a [u8], Option<&'a [u8]>);

    fn next(&mut self) -> Option<Self::Item> {
        let p = self.params;
        while self.i <= p.len() {
            let i = self.i;
            self.i += 1;
            let end = i == p.len();
            let b = if end { b';' } else { p[i] };
            if self.in_quote {
                if b == b'\\' {
                    self.i += 1;
                } else if b == b'"' {
                    self.in_quote = false;
                }
            } else if b == b'"' {
                self.in_quote = true;
            } else if b == b';' || end {
                let item = p[self.start..i.min(p.len())].trim_ascii();
                self.start = i + 1;
                if !item.is_empty() {
                    return Some(match memchr(b'=', item) {
                        Some(eq) => (item[..eq].trim_ascii(), Some(item[eq + 1..].trim_ascii())),
                        None => (item, None),
                    });
                }
            }
        }
        None
    }
}

/// Parse a name-addr or addr-spec value. Lenient: the lint checks the grammar.
pub fn parse_name_addr(value: &[u8]) -> Option<NameAddr<'_>> {
    let value = value.trim_ascii();
    if value.is_empty() {
        return None;
    }
    // Find `<` outside a quoted string.
    let mut in_quote = false;
    let mut i = 0;
    let mut lt = None;
    while i < value.len() {
        match value[i] {
            b'\\' if in_quote => i += 1,
            b'"' => in_quote = !in_quote,
            b'<' if !in_quote => {
                lt = Some(i);
                break;
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(lt) = lt {
        let gt = memchr(b'>', &value[lt..]).map(|g| lt + g)?;
        let display = value[..lt].trim_ascii();
        Some(NameAddr {
            display: if display.is_empty() {
                None
            } else {
                Some(display)
            },
            uri: &value[lt + 1..gt],
            angle: true,
            params: &value[gt + 1..],
        })
    } else {
        // addr-spec: parameters after the first `;` belong to the header.
        let semi = memchr(b';', value).unwrap_or(value.len());
        Some(NameAddr {
            display: None,
            uri: value[..semi].trim_ascii(),
            angle: false,
            params: &value[semi..],
        })
    }
}

/// One Via hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Via<'a> {
    /// `SIP/2.0/UDP`
    pub protocol: &'a [u8],
    /// `UDP`, `TCP`, ...
    pub transport: &'a [u8],
    /// host[:port]
    pub sent_by: &'a [u8],
    /// Parameters from the first `;`.
    pub params: &'a [u8],
}

impl<'a> Via<'a> {
    pub fn branch(&self) -> Option<&'a [u8]> {
        find_param(self.params, "branch")
    }
}

/// Parse one via-parm: `sent-protocol LWS sent-by *( SEMI via-params )`.
pub fn parse_via(value: &[u8]) -> Option<Via<'_>> {
    let value = value.trim_ascii();
    // sent-protocol may contain LWS around the slashes.
    let mut slashes = 0;
    let mut i = 0;
    while i < value.len() {
        match value[i] {
            b'/' => slashes += 1,
            b' ' | b'\t' | b'\r' | b'\n' if slashes >= 2 => {
                // End of the transport token unless a slash follows.
                let rest = value[i..].trim_ascii_start();
                if !rest.starts_with(b"/") && !value[..i].trim_ascii_end().ends_with(b"/") {
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let protocol = value[..i].trim_ascii();
    if slashes < 2 {
        return None;
    }
    let transport = protocol
        .rsplit(|&b| b == b'/')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    let rest = value[i..].trim_ascii_start();
    let semi = memchr(b';', rest).unwrap_or(rest.len());
    Some(Via {
        protocol,
        transport,
        sent_by: rest[..semi].trim_ascii(),
        params: &rest[semi..],
    })
}

impl<'a> SipMessage<'a> {
    pub fn is_request(&self) -> bool {
        matches!(self.start, Some(StartLine::Request { .. }))
    }

    pub fn is_response(&self) -> bool {
        matches!(self.start, Some(StartLine::Response { .. }))
    }

    pub fn method(&self) -> Option<&'a [u8]> {
        match self.start {
            Some(StartLine::Request { method, .. }) => Some(method),
            _ => None,
        }
    }

    pub fn request_uri(&self) -> Option<&'a [u8]> {
        match self.start {
            Some(StartLine::Request { uri, .. }) => Some(uri),
            _ => None,
        }
    }

    pub fn status_code(&self) -> Option<u16> {
        match self.start {
            Some(StartLine::Response { code, .. }) => code,
            _ => None,
        }
    }

    pub fn header(&self, h: header::Hdr) -> Option<&Header<'a>> {
        header::find(&self.headers, h)
    }

    pub fn headers_named<'s>(
        &'s self,
        h: header::Hdr,
    ) -> impl Iterator<Item = &'s Header<'a>> + 's {
        header::find_all(&self.headers, h)
    }

    /// The raw value of the first header `h`.
    pub fn value(&self, h: header::Hdr) -> Option<&'a [u8]> {
        self.header(h).map(|x| x.value)
    }

    pub fn call_id(&self) -> Option<&'a [u8]> {
        self.value(Hdr::CallId)
    }

    pub fn cseq(&self) -> Option<CSeq<'a>> {
        let v = self.value(Hdr::CSeq)?;
        let mut it = v
            .split(|b| b.is_ascii_whitespace())
            .filter(|s| !s.is_empty());
        let number_raw = it.next()?;
        let method = it.next().unwrap_or_default();
        let number = crate::framing::parse_u64(number_raw).and_then(|n| u32::try_from(n).ok());
        Some(CSeq {
            number,
            number_raw,
            method,
        })
    }

    pub fn from(&self) -> Option<NameAddr<'a>> {
        self.value(Hdr::From).and_then(parse_name_addr)
    }

    pub fn to(&self) -> Option<NameAddr<'a>> {
        self.value(Hdr::To).and_then(parse_name_addr)
    }

    /// Every Via hop, over all Via headers, in order.
    pub fn vias(&self) -> Vec<Via<'a>> {
        self.headers_named(Hdr::Via)
            .flat_map(|h| h.values())
            .filter_map(parse_via)
            .collect()
    }

    pub fn content_type(&self) -> Option<MediaType<'a>> {
        self.value(Hdr::ContentType).and_then(MediaType::parse)
    }

    /// Content-Length when present and a valid number.
    pub fn content_length(&self) -> Option<u64> {
        self.value(Hdr::ContentLength)
            .and_then(crate::framing::parse_u64)
    }

    pub fn max_forwards(&self) -> Option<u64> {
        self.value(Hdr::MaxForwards)
            .and_then(crate::framing::parse_u64)
    }

    pub fn date(&self) -> Option<&'a [u8]> {
        self.value(Hdr::Date)
    }

    pub fn subject(&self) -> Option<&'a [u8]> {
        self.value(Hdr::Subject)
    }

    pub fn priority(&self) -> Option<&'a [u8]> {
        self.value(Hdr::Priority)
    }

    /// Privacy values (RFC 3323: `priv-value *(";" priv-value)`), lowercased names kept as written.
    pub fn privacy(&self) -> Vec<&'a [u8]> {
        self.headers_named(Hdr::Privacy)
            .flat_map(|h| h.value.split(|&b| b == b';' || b == b','))
            .map(|s| s.trim_ascii())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// The sender asked for anonymity: Privacy id, header or user (RFC 3323/3325).
    pub fn wants_anonymity(&self) -> bool {
        self.privacy().iter().any(|p| {
            p.eq_ignore_ascii_case(b"id")
                || p.eq_ignore_ascii_case(b"header")
                || p.eq_ignore_ascii_case(b"user")
        })
    }

    /// Every P-Asserted-Identity value.
    pub fn asserted_identities(&self) -> Vec<NameAddr<'a>> {
        self.headers_named(Hdr::PAssertedIdentity)
            .flat_map(|h| h.values())
            .filter_map(parse_name_addr)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(raw: &[u8]) -> SipMessage<'_> {
        parse(raw, raw, SipKind::Message, &Limits::default(), "")
    }

    const INVITE: &[u8] = b"INVITE sip:bob@example.com SIP/2.0\r\n\
v: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds , SIP/2.0/TCP p.example.com:5061;branch=z9hG4bKx\r\n\
Max-Forwards: 70\r\n\
To: Bob <sip:bob@example.com>\r\n\
f: \"Alice, A\" <sip:alice@example.com>;tag=1928301774\r\n\
i: a84b4c76e66710@pc33.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Privacy: header;id\r\n\
P-Asserted-Identity: <sip:alice@example.com>, <tel:+1234>\r\n\
c: multipart/mixed ; boundary = \"b 1\"\r\n\
l: 4\r\n\
\r\n\
body";

    #[test]
    fn typed_accessors() {
        let m = msg(INVITE);
        assert!(m.findings.is_empty(), "{:?}", m.findings);
        assert_eq!(m.method(), Some(&b"INVITE"[..]));
        assert_eq!(m.request_uri(), Some(&b"sip:bob@example.com"[..]));
        assert_eq!(m.call_id(), Some(&b"a84b4c76e66710@pc33.example.com"[..]));
        let cseq = m.cseq().unwrap();
        assert_eq!((cseq.number, cseq.method), (Some(314159), &b"INVITE"[..]));
        let from = m.from().unwrap();
        assert_eq!(from.display, Some(&b"\"Alice, A\""[..]));
        assert_eq!(from.uri, b"sip:alice@example.com");
        assert_eq!(from.tag(), Some(&b"1928301774"[..]));
        assert_eq!(m.to().unwrap().tag(), None);
        let vias = m.vias();
        assert_eq!(vias.len(), 2);
        assert_eq!(vias[0].transport, b"UDP");
        assert_eq!(vias[0].sent_by, b"pc33.example.com");
        assert_eq!(vias[0].branch(), Some(&b"z9hG4bK776asdhds"[..]));
        assert_eq!(vias[1].sent_by, b"p.example.com:5061");
        assert_eq!(m.max_forwards(), Some(70));
        assert_eq!(m.content_length(), Some(4));
        assert!(m.wants_anonymity());
        assert_eq!(m.asserted_identities().len(), 2);
        let ct = m.content_type().unwrap();
        assert!(ct.is("multipart", "mixed"));
        assert_eq!(ct.boundary().as_deref(), Some(&b"b 1"[..]));
        assert_eq!(m.body, b"body");
    }

    #[test]
    fn status_line_and_bad_version() {
        let m = msg(b"SIP/2.0 100 \r\nl: 0\r\n\r\n");
        assert!(m.findings.is_empty());
        assert_eq!(m.status_code(), Some(100));
        let m = msg(b"SIP/2.0 4294967301 Huge\r\n\r\n");
        assert_eq!(m.findings[0].code, "status-code-invalid");
        let m = msg(b"OPTIONS sip:a SIP/7.0\r\n\r\n");
        assert_eq!(m.findings[0].code, "sip-version-unsupported");
        assert_eq!(m.findings[0].offset, 14);
        let m = msg(b"INVITE sip:alan@jasomi.com\r\nTO : x\r\n\r\n");
        assert_eq!(m.findings[0].code, "request-line-no-version");
        assert_eq!(m.headers.len(), 1);
    }

    #[test]
    fn sipfrag_without_start_line() {
        let raw = b"To: <sip:a@b>\r\nCall-ID: x\r\n";
        let m = parse(raw, raw, SipKind::Fragment, &Limits::default(), "");
        assert!(m.start.is_none());
        assert_eq!(m.headers.len(), 2);
        assert!(m.findings.is_empty());
        let raw = b"SIP/2.0 200 OK\r\n";
        let m = parse(raw, raw, SipKind::Fragment, &Limits::default(), "");
        assert_eq!(m.status_code(), Some(200));
    }

    #[test]
    fn addr_spec_params_belong_to_header() {
        let a = parse_name_addr(b"sip:user1@imserver.com;tag=49583").unwrap();
        assert_eq!(a.uri, b"sip:user1@imserver.com");
        assert_eq!(a.tag(), Some(&b"49583"[..]));
        assert!(!a.angle);
        let a = parse_name_addr(b"Bob<sip:b@c>").unwrap();
        assert_eq!(a.display, Some(&b"Bob"[..]));
    }
}
