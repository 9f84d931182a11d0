//! Message bodies as a tree: multipart/* (RFC 2046), message/sip (RFC 3261),
//! message/sipfrag (RFC 3420), message/msrpfrag (and the legacy message/msrp),
//! and leaves. Every node borrows its bytes from the input, so its span is
//! known, and every deviation is a finding with a MIME path.

use crate::header::Hdr;
use memchr::memmem;

use crate::finding::{Finding, offset_in};
use crate::framing::{self, Protocol};
use crate::header::{self, Dialect, Header};
use crate::limits::Limits;
use crate::mediatype::{self, MediaType};
use crate::msrp::{self, MsrpMessage, MsrpParseKind};
use crate::sip::{self, SipKind, SipMessage};

/// Nesting is also bounded here whatever the configured limit, so recursion
/// can never exhaust the stack.
pub const HARD_MAX_DEPTH: usize = 256;

/// A body and what it was parsed as.
#[derive(Debug, Clone)]
pub struct Body<'a> {
    pub raw: &'a [u8],
    /// The Content-Type that governed it (absent: none declared).
    pub media: Option<MediaType<'a>>,
    pub kind: BodyKind<'a>,
}

#[derive(Debug, Clone)]
pub enum BodyKind<'a> {
    /// No bytes.
    Empty,
    /// A leaf: text or binary, not parsed further.
    Leaf,
    Multipart(Multipart<'a>),
    /// message/sip or message/sipfrag (see `SipNode::fragment`).
    Sip(Box<SipNode<'a>>),
    /// message/msrpfrag or message/msrp.
    Msrp(Box<MsrpNode<'a>>),
}

/// A SIP message and its body.
#[derive(Debug, Clone)]
pub struct SipNode<'a> {
    pub msg: SipMessage<'a>,
    /// Parsed as message/sipfrag (RFC 3420) rather than message/sip.
    pub fragment: bool,
    pub body: Body<'a>,
}

/// An MSRP message and its body.
#[derive(Debug, Clone)]
pub struct MsrpNode<'a> {
    pub msg: MsrpMessage<'a>,
    /// Parsed as a fragment (message/msrpfrag, message/msrp) rather than a whole message.
    pub fragment: bool,
    pub body: Body<'a>,
}

/// A multipart body.
#[derive(Debug, Clone)]
pub struct Multipart<'a> {
    pub boundary: Vec<u8>,
    pub preamble: &'a [u8],
    pub parts: Vec<Part<'a>>,
    pub epilogue: &'a [u8],
    /// A close delimiter ended it.
    pub closed: bool,
}

/// One body part.
#[derive(Debug, Clone)]
pub struct Part<'a> {
    /// The part's bytes between its delimiter line and the next delimiter.
    pub raw: &'a [u8],
    pub headers: Vec<Header<'a>>,
    pub body: Body<'a>,
}

impl<'a> Part<'a> {
    pub fn header(&self, h: header::Hdr) -> Option<&Header<'a>> {
        header::find(&self.headers, h)
    }
}

/// Parse state shared down the tree.
pub struct Ctx<'b> {
    pub base: &'b [u8],
    pub limits: &'b Limits,
    pub findings: &'b mut Vec<Finding>,
    /// Parts parsed so far in this message's body tree, at every level:
    /// `--max-parts` bounds them together, so nesting cannot multiply it.
    pub parts: usize,
}

impl<'b> Ctx<'b> {
    pub fn new(base: &'b [u8], limits: &'b Limits, findings: &'b mut Vec<Finding>) -> Self {
        Ctx {
            base,
            limits,
            findings,
            parts: 0,
        }
    }
}

fn join(path: &str, seg: &str) -> String {
    if path.is_empty() {
        seg.to_string()
    } else {
        format!("{path} > {seg}")
    }
}

/// The media type of a Content-Type value; a finding when it is not one.
fn media_type<'a>(
    ctx: &mut Ctx<'_>,
    content_type: Option<&'a [u8]>,
    path: &str,
) -> Option<MediaType<'a>> {
    let media = content_type.and_then(MediaType::parse);
    if let (Some(ct), None) = (content_type, &media) {
        ctx.findings.push(
            Finding::error(
                "content-type-invalid",
                offset_in(ctx.base, ct),
                "Content-Type is not `type/subtype`",
            )
            .with_path(join(path, "header Content-Type")),
        );
    }
    media
}

/// Is this MSRP message one chunk of a body sent in several (RFC 4975
/// 7.1): a `+` or `#` end-line flag, or a Byte-Range that does not cover
/// the whole body?
pub fn is_partial_chunk(msg: &MsrpMessage<'_>) -> bool {
    if matches!(msg.flag, Some(b'+' | b'#')) {
        return true;
    }
    msg.byte_range()
        .is_some_and(|r| r.start != 1 || matches!((r.end, r.total), (Some(e), Some(t)) if e < t))
}

/// Parse `raw` as a body with the given Content-Type header value.
/// `content_type` is the raw header value (None when absent).
pub fn parse<'a>(
    ctx: &mut Ctx<'_>,
    raw: &'a [u8],
    content_type: Option<&'a [u8]>,
    depth: usize,
    path: &str,
) -> Body<'a> {
    let media = media_type(ctx, content_type, path);
    if raw.is_empty() {
        return Body {
            raw,
            media,
            kind: BodyKind::Empty,
        };
    }
    let max_depth = ctx.limits.max_depth.min(HARD_MAX_DEPTH);
    let Some(m) = &media else {
        return Body {
            raw,
            media,
            kind: BodyKind::Leaf,
        };
    };
    let wants_nesting = m.is_multipart() || m.type_.eq_ignore_ascii_case(b"message");
    if wants_nesting && depth >= max_depth {
        ctx.findings.push(
            Finding::error(
                "nesting-too-deep",
                offset_in(ctx.base, raw),
                format!("bodies nested deeper than {max_depth}; not parsed further"),
            )
            .with_path(path),
        );
        return Body {
            raw,
            media,
            kind: BodyKind::Leaf,
        };
    }
    let kind = if m.is_multipart() {
        parse_multipart(ctx, raw, m, depth, path)
    } else if m.is("message", "sip") {
        BodyKind::Sip(Box::new(parse_sip(ctx, raw, SipKind::Message, depth, path)))
    } else if m.is("message", "sipfrag") {
        BodyKind::Sip(Box::new(parse_sip(
            ctx,
            raw,
            SipKind::Fragment,
            depth,
            path,
        )))
    } else if m.is("message", "msrpfrag") || m.is("message", "msrp") {
        BodyKind::Msrp(Box::new(parse_msrp(
            ctx,
            raw,
            MsrpParseKind::Fragment,
            depth,
            path,
        )))
    } else {
        BodyKind::Leaf
    };
    Body { raw, media, kind }
}

/// A SIP message (or fragment) and its body. Reports a Content-Length that
/// disagrees with the bytes.
pub fn parse_sip<'a>(
    ctx: &mut Ctx<'_>,
    raw: &'a [u8],
    kind: SipKind,
    depth: usize,
    path: &str,
) -> SipNode<'a> {
    let mut msg = sip::parse(ctx.base, raw, kind, ctx.limits, path);
    ctx.findings.append(&mut msg.findings);
    check_content_length(ctx, &msg.headers, msg.body, path);
    let body = parse(ctx, msg.body, msg.value(Hdr::ContentType), depth + 1, path);
    SipNode {
        msg,
        fragment: kind == SipKind::Fragment,
        body,
    }
}

/// An MSRP message (or fragment) and its body.
pub fn parse_msrp<'a>(
    ctx: &mut Ctx<'_>,
    raw: &'a [u8],
    kind: MsrpParseKind,
    depth: usize,
    path: &str,
) -> MsrpNode<'a> {
    let mut msg = msrp::parse(ctx.base, raw, kind, ctx.limits, path);
    ctx.findings.append(&mut msg.findings);
    let data = msg.body.unwrap_or(&raw[raw.len()..]);
    let content_type = msg.value(Hdr::ContentType);
    let body = if is_partial_chunk(&msg) {
        // A chunk of a larger body (more chunks follow, it starts past the
        // first byte, or it ends before the total): its Content-Type names
        // the whole body, which only the joined chunks hold (`parse
        // --reassemble`, lint and encap join them). Parsing the piece as a
        // multipart or a message would report the cut as defects.
        let media = media_type(ctx, content_type, path);
        let kind = if data.is_empty() {
            BodyKind::Empty
        } else {
            BodyKind::Leaf
        };
        Body {
            raw: data,
            media,
            kind,
        }
    } else {
        parse(ctx, data, content_type, depth + 1, path)
    };
    MsrpNode {
        msg,
        fragment: kind == MsrpParseKind::Fragment,
        body,
    }
}

fn check_content_length(ctx: &mut Ctx<'_>, headers: &[Header<'_>], body: &[u8], path: &str) {
    let Some(h) = header::find(headers, Hdr::ContentLength) else {
        return;
    };
    match framing::parse_u64(h.value) {
        Some(cl) if cl != body.len() as u64 => ctx.findings.push(
            Finding::error(
                "content-length-mismatch",
                offset_in(ctx.base, h.value),
                format!(
                    "Content-Length is {cl} but the body has {} bytes",
                    body.len()
                ),
            )
            .with_path(join(path, "header Content-Length")),
        ),
        Some(_) => {}
        None => ctx.findings.push(
            Finding::error(
                "content-length-invalid",
                offset_in(ctx.base, h.value),
                "Content-Length is not a non-negative decimal number",
            )
            .with_path(join(path, "header Content-Length")),
        ),
    }
}

/// A delimiter line found at a line start.
struct Delim {
    /// Offset of the `--`.
    at: usize,
    /// Offset after the line end.
    next: usize,
    close: bool,
}

/// Find delimiter lines `--boundary[--][LWSP]` at line starts.
fn delimiters(raw: &[u8], boundary: &[u8]) -> Vec<Delim> {
    let mut needle = Vec::with_capacity(boundary.len() + 2);
    needle.extend_from_slice(b"--");
    needle.extend_from_slice(boundary);
    let mut out = Vec::new();
    for at in memmem::find_iter(raw, &needle) {
        if at != 0 && raw[at - 1] != b'\n' {
            continue;
        }
        let after = &raw[at + needle.len()..];
        let (close, rest) = match after.strip_prefix(b"--") {
            Some(r) => (true, r),
            None => (false, after),
        };
        let line_end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let tail = &rest[..line_end];
        // Transport padding only; anything else means a longer boundary.
        if !tail.iter().all(|&b| matches!(b, b' ' | b'\t' | b'\r')) {
            continue;
        }
        let next = at + needle.len() + (after.len() - rest.len()) + (line_end + 1).min(rest.len());
        out.push(Delim { at, next, close });
    }
    out
}

/// Strip the CRLF (or LF) before a delimiter: it belongs to the delimiter.
fn before_delim(raw: &[u8], from: usize, at: usize) -> &[u8] {
    let s = &raw[from.min(at)..at];
    s.strip_suffix(b"\r\n")
        .or_else(|| s.strip_suffix(b"\n"))
        .unwrap_or(s)
}

fn parse_multipart<'a>(
    ctx: &mut Ctx<'_>,
    raw: &'a [u8],
    media: &MediaType<'a>,
    depth: usize,
    path: &str,
) -> BodyKind<'a> {
    let ct_path = join(path, "header Content-Type");
    let boundary: Vec<u8> = match media.param("boundary") {
        Some(p) => {
            if mediatype::has_smart_quotes(p.raw) {
                ctx.findings.push(
                    Finding::error(
                        "boundary-smart-quotes",
                        offset_in(ctx.base, p.raw),
                        "boundary is wrapped in typographic quotes (\u{201C} \u{201D}) instead of ASCII \"",
                    )
                    .with_len(p.raw.len())
                    .with_path(ct_path.clone()),
                );
            } else if !p.valid {
                ctx.findings.push(
                    Finding::error(
                        "boundary-invalid",
                        offset_in(ctx.base, p.raw),
                        "boundary parameter is neither a token nor a quoted string",
                    )
                    .with_path(ct_path.clone()),
                );
            }
            media.boundary().map(|b| b.into_owned()).unwrap_or_default()
        }
        None => {
            // Infer it from the first line that starts with `--`.
            let inferred = raw
                .split(|&b| b == b'\n')
                .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
                .find(|l| l.starts_with(b"--") && l.len() > 2)
                .map(|l| {
                    let b = &l[2..];
                    let b = b.strip_suffix(b"--").unwrap_or(b);
                    b.trim_ascii_end().to_vec()
                });
            ctx.findings.push(
                Finding::error(
                    "multipart-boundary-missing",
                    offset_in(ctx.base, media.raw),
                    match &inferred {
                        Some(b) => format!(
                            "multipart Content-Type has no boundary parameter (using `{}` from the body)",
                            String::from_utf8_lossy(b)
                        ),
                        None => "multipart Content-Type has no boundary parameter".to_string(),
                    },
                )
                .with_path(ct_path.clone()),
            );
            match inferred {
                Some(b) => b,
                None => {
                    return BodyKind::Leaf;
                }
            }
        }
    };
    if boundary.is_empty() || boundary.len() > 70 {
        ctx.findings.push(
            Finding::error(
                "boundary-invalid",
                offset_in(ctx.base, media.raw),
                "boundary must be 1 to 70 characters (RFC 2046)",
            )
            .with_path(ct_path),
        );
        if boundary.is_empty() {
            return BodyKind::Leaf;
        }
    }
    let delims = delimiters(raw, &boundary);
    if delims.is_empty() {
        ctx.findings.push(
            Finding::error(
                "multipart-no-delimiter",
                offset_in(ctx.base, raw),
                format!(
                    "no delimiter line `--{}` in the multipart body",
                    String::from_utf8_lossy(&boundary)
                ),
            )
            .with_path(path),
        );
        return BodyKind::Multipart(Multipart {
            boundary,
            preamble: raw,
            parts: Vec::new(),
            epilogue: &raw[raw.len()..],
            closed: false,
        });
    }
    let preamble = before_delim(raw, 0, delims[0].at);
    let preamble = if delims[0].at == 0 {
        &raw[..0]
    } else {
        preamble
    };
    // A close delimiter followed by more delimiters was used as a separator.
    let last_close = delims.iter().rposition(|d| d.close);
    for (i, d) in delims.iter().enumerate() {
        if d.close && i + 1 < delims.len() {
            ctx.findings.push(
                Finding::error(
                    "multipart-close-as-separator",
                    offset_in(ctx.base, &raw[d.at..]),
                    format!(
                        "close delimiter `--{}--` used where a part separator was meant",
                        String::from_utf8_lossy(&boundary)
                    ),
                )
                .with_len(boundary.len() + 4)
                .with_path(path),
            );
        }
    }
    // After close delimiters misused as separators, content after the last
    // one that begins with a header line is a part too, and nothing closed.
    // (`Content-Type=` counts: it is the typo of a part header).
    let last = &delims[delims.len() - 1];
    let tail = &raw[last.next.min(raw.len())..];
    let tail_is_part = last.close && {
        let t = tail.trim_ascii_start();
        let n = t.iter().take_while(|&&b| crate::chars::is_token(b)).count();
        n > 0 && matches!(t[n..].trim_ascii_start().first(), Some(b':' | b'='))
    };
    if tail_is_part {
        ctx.findings.push(
            Finding::error(
                "multipart-close-as-separator",
                offset_in(ctx.base, &raw[last.at..]),
                format!(
                    "close delimiter `--{}--` is followed by another part: it was used as a separator",
                    String::from_utf8_lossy(&boundary)
                ),
            )
            .with_len(boundary.len() + 4)
            .with_path(path),
        );
    }
    let closed = last_close == Some(delims.len() - 1) && !tail_is_part;
    if !closed {
        ctx.findings.push(
            Finding::error(
                "multipart-unclosed",
                offset_in(ctx.base, raw) + raw.len(),
                format!(
                    "multipart never closes: no `--{}--`",
                    String::from_utf8_lossy(&boundary)
                ),
            )
            .with_path(path),
        );
    }
    let mut parts = Vec::new();
    let n = delims.len();
    for i in 0..n {
        let d = &delims[i];
        if d.close && i + 1 == n && !tail_is_part {
            break;
        }
        let end = if i + 1 < n {
            delims[i + 1].at
        } else {
            raw.len()
        };
        let content = if i + 1 < n {
            before_delim(raw, d.next, end)
        } else {
            &raw[d.next.min(end)..end]
        };
        // An empty part between a close-as-separator and the next delimiter is not a part.
        if d.close && content.trim_ascii().is_empty() {
            continue;
        }
        if ctx.parts >= ctx.limits.max_parts {
            ctx.findings.push(
                Finding::error(
                    "too-many-parts",
                    offset_in(ctx.base, &raw[d.at..]),
                    format!(
                        "more than {} parts in the message, all levels together; the rest are skipped",
                        ctx.limits.max_parts
                    ),
                )
                .with_path(path),
            );
            break;
        }
        ctx.parts += 1;
        let part_path = join(path, &format!("part {}", parts.len() + 1));
        parts.push(parse_part(ctx, content, depth, &part_path));
    }
    let epilogue = match delims.last() {
        Some(d) if closed => &raw[d.next.min(raw.len())..],
        _ => &raw[raw.len()..],
    };
    BodyKind::Multipart(Multipart {
        boundary,
        preamble,
        parts,
        epilogue,
        closed,
    })
}

fn parse_part<'a>(ctx: &mut Ctx<'_>, content: &'a [u8], depth: usize, path: &str) -> Part<'a> {
    // Where the part headers end: the empty line, or (leniently) a line
    // that is a SIP/MSRP start line, as in pasted examples that forgot it.
    let mut head_end = None;
    let mut pos = 0;
    while pos < content.len() {
        let le = memchr::memchr(b'\n', &content[pos..]).map_or(content.len(), |i| pos + i);
        let line = content[pos..le]
            .strip_suffix(b"\r")
            .unwrap_or(&content[pos..le]);
        if line.is_empty() {
            break;
        }
        if framing::classify(content, pos).is_some() {
            head_end = Some(pos);
            break;
        }
        pos = le + 1;
    }
    let (headers, body_raw) = match head_end {
        Some(at) => {
            let mut hf = Vec::new();
            let (headers, _) = header::parse_block(
                ctx.base,
                &content[..at],
                Dialect::Mime,
                ctx.limits,
                path,
                &mut hf,
            );
            ctx.findings.append(&mut hf);
            ctx.findings.push(
                Finding::error(
                    "part-headers-unterminated",
                    offset_in(ctx.base, &content[at..]),
                    "no empty line between the part headers and the part body",
                )
                .with_path(path),
            );
            (headers, &content[at..])
        }
        None => {
            let mut hf = Vec::new();
            let (headers, end) =
                header::parse_block(ctx.base, content, Dialect::Mime, ctx.limits, path, &mut hf);
            ctx.findings.append(&mut hf);
            (headers, &content[end.body_start.min(content.len())..])
        }
    };
    let ct = header::find(&headers, Hdr::ContentType).map(|h| h.value);
    let body = match ct {
        Some(_) => parse(ctx, body_raw, ct, depth + 1, path),
        None => {
            // Untyped part: sniff an encapsulated message so its content is
            // still checked (RFC 2046 would make it text/plain).
            match framing::classify(body_raw, 0) {
                Some(p) if !body_raw.is_empty() => {
                    ctx.findings.push(
                        Finding::warning(
                            "part-content-type-missing",
                            offset_in(ctx.base, content),
                            format!(
                                "part has no Content-Type; its content looks like {} and is parsed as such",
                                match p {
                                    Protocol::Sip => "a SIP message",
                                    Protocol::Msrp => "an MSRP message",
                                }
                            ),
                        )
                        .with_path(path),
                    );
                    let kind = match p {
                        Protocol::Sip => BodyKind::Sip(Box::new(parse_sip(
                            ctx,
                            body_raw,
                            SipKind::Fragment,
                            depth + 1,
                            path,
                        ))),
                        Protocol::Msrp => BodyKind::Msrp(Box::new(parse_msrp(
                            ctx,
                            body_raw,
                            MsrpParseKind::Fragment,
                            depth + 1,
                            path,
                        ))),
                    };
                    Body {
                        raw: body_raw,
                        media: None,
                        kind,
                    }
                }
                _ => parse(ctx, body_raw, None, depth + 1, path),
            }
        }
    };
    Part {
        raw: content,
        headers,
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(raw: &[u8], ct: &[u8]) -> (Vec<Finding>, Option<usize>) {
        let limits = Limits::default();
        let mut findings = Vec::new();
        let mut ctx = Ctx {
            base: raw,
            limits: &limits,
            findings: &mut findings,
            parts: 0,
        };
        // `ct` is not inside `raw`; offsets of its findings are meaningless here.
        let body = parse(&mut ctx, raw, Some(ct), 0, "");
        let parts = match &body.kind {
            BodyKind::Multipart(m) => Some(m.parts.len()),
            _ => None,
        };
        (findings, parts)
    }

    const PAGER: &[u8] = b"--b42\r\nContent-Type: message/sip\r\n\r\nMESSAGE sip:u2@s SIP/2.0\r\nCall-ID: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello\r\n--b42--\r\n";

    #[test]
    fn content_type_before_the_base_without_boundary_does_not_panic() {
        // Found by fuzzing (encap target): the finding's offset subtracted
        // the base's address from the Content-Type's, which underflowed when
        // the value lay before the body's buffer. Here it lies just before.
        let ct: &[u8] = b"multipart/mixed";
        let buf = [ct, PAGER].concat();
        let (ct, body) = buf.split_at(ct.len());
        let (findings, _) = run(body, ct);
        let f = findings
            .iter()
            .find(|f| f.code == "multipart-boundary-missing")
            .expect("multipart-boundary-missing");
        assert_eq!(f.offset, 0, "outside the base: no offset into it");
    }

    #[test]
    fn well_formed_multipart_with_message_sip() {
        let (f, parts) = run(PAGER, b"multipart/mixed; boundary=b42");
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(parts, Some(1));
    }

    #[test]
    fn content_length_mismatch_inside_part() {
        let raw = b"--b42\r\nContent-Type: message/sip\r\n\r\nMESSAGE sip:u2@s SIP/2.0\r\nContent-Length: 9\r\n\r\nhello\r\n--b42--\r\n";
        let (f, _) = run(raw, b"multipart/mixed; boundary=b42");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "content-length-mismatch");
        assert_eq!(f[0].path, "part 1 > header Content-Length");
    }

    #[test]
    fn close_delimiter_as_separator_and_unclosed() {
        let raw = b"--b42--\r\nContent-Type: text/plain\r\n\r\none\r\n--b42--\r\nContent-Type: text/plain\r\n\r\ntwo\r\n";
        let (f, parts) = run(raw, b"multipart/mixed; boundary=b42");
        let codes: Vec<_> = f.iter().map(|x| x.code).collect();
        assert!(codes.contains(&"multipart-close-as-separator"), "{codes:?}");
        assert!(codes.contains(&"multipart-unclosed"), "{codes:?}");
        assert_eq!(parts, Some(2));
    }

    #[test]
    fn smart_quotes_and_missing_colon() {
        let raw = b"--boundary42\r\nContent-Type=message/sipfrag\r\nINVITE sip:a@b SIP/2.0\r\nCall-ID: 1\r\n\r\n--boundary42--\r\n";
        let ct = "multipart/mixed;boundary=\u{201D}boundary42\u{201D}";
        let (f, parts) = run(raw, ct.as_bytes());
        let codes: Vec<_> = f.iter().map(|x| x.code).collect();
        assert_eq!(
            codes,
            [
                "boundary-smart-quotes",
                "header-missing-colon",
                "part-headers-unterminated",
                "part-content-type-missing"
            ]
        );
        assert_eq!(parts, Some(1));
    }

    #[test]
    fn missing_boundary_is_inferred() {
        let (f, parts) = run(PAGER, b"multipart/mixed");
        assert_eq!(f[0].code, "multipart-boundary-missing");
        assert_eq!(parts, Some(1));
    }

    #[test]
    fn deep_nesting_stops_at_the_limit_without_overflow() {
        let depth = 10_000;
        let mut raw = Vec::new();
        for i in 0..depth {
            raw.extend_from_slice(
                format!(
                    "--b{i}\r\nContent-Type: multipart/mixed; boundary=b{}\r\n\r\n",
                    i + 1
                )
                .as_bytes(),
            );
        }
        let (f, _) = run(&raw, b"multipart/mixed; boundary=b0");
        assert!(f.iter().any(|x| x.code == "nesting-too-deep"));
    }

    #[test]
    fn longer_boundary_lines_are_not_delimiters() {
        let raw = b"--b4\r\nContent-Type: text/plain\r\n\r\n--b42 is not mine\r\n--b4--\r\n";
        let (f, parts) = run(raw, b"multipart/mixed; boundary=b4");
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(parts, Some(1));
    }
}
