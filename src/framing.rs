//! Stream framing: where each SIP or MSRP message starts and ends in a byte
//! stream holding any mix of both, in any order.
//!
//! SIP messages end where their Content-Length says; MSRP messages end at the
//! end-line `-------<transaction-id>` plus `$`, `+` or `#` whose id matches the
//! start line's. Leading CRLF keep-alives are skipped, junk between messages is
//! skipped and reported, and a message cut off by the end of input is still
//! returned, marked truncated.
//!
//! [`next`] is incremental: given the bytes buffered so far and whether more
//! may come (`at_eof`), it returns one step. Text files call it with
//! `at_eof = true`; TCP reassembly calls it as segments arrive. [`Framer`]
//! iterates over a whole buffer.

use memchr::{memchr, memmem};

use crate::chars;
use crate::finding::Finding;

/// Which protocol a start line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    Sip,
    Msrp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Sip => "sip",
            Protocol::Msrp => "msrp",
        }
    }
}

/// One framed message: `start..end` of the buffer given to [`next`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub protocol: Protocol,
    pub start: usize,
    pub end: usize,
    /// The input ended before the message did.
    pub truncated: bool,
    /// Framing findings, offsets relative to the buffer given to [`next`].
    pub findings: Vec<Finding>,
}

/// One framing step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Nothing left.
    End,
    /// `len` bytes of keep-alive CRLF or whitespace to drop silently.
    KeepAlive { len: usize },
    /// `len` bytes that are not a message: report and drop.
    Junk { len: usize },
    /// A whole message.
    Message(Frame),
    /// More input is needed to decide (only when `at_eof` is false).
    NeedMore,
}

/// Framing options.
#[derive(Debug, Clone)]
pub struct FrameOptions {
    /// Largest message; a longer one is cut and reported.
    pub max_message: usize,
    /// The buffer is one datagram (UDP): a SIP message without Content-Length
    /// takes the rest of it.
    pub datagram: bool,
}

impl Default for FrameOptions {
    fn default() -> Self {
        FrameOptions {
            max_message: crate::limits::Limits::default().max_message,
            datagram: false,
        }
    }
}

/// End of the line starting at `from`: (index of `\n` or buf.len(), index after it).
#[inline]
fn line_end(buf: &[u8], from: usize) -> (usize, usize) {
    match crate::scan::next_newline(buf, from) {
        Some(i) => (i, i + 1),
        None => (buf.len(), buf.len()),
    }
}

/// Strip a trailing `\r`.
#[inline]
fn chomp(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The transaction id of an MSRP start line (`MSRP <tid> ...`), if it is one.
pub fn msrp_transaction_id(line: &[u8]) -> Option<&[u8]> {
    // A start line cut short after the id (`MSRP 1234`) still starts a
    // message; the parser reports the missing method.
    let rest = line.strip_prefix(b"MSRP ")?;
    // Ids are short: a plain loop beats a memchr call here.
    let sp = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
    let tid = &rest[..sp];
    if tid.is_empty() || !tid.iter().all(|&b| is_ident_char(b)) {
        return None;
    }
    Some(tid)
}

/// RFC 4975 `ident-char` (alphanum / "." / "-" / "+" / "%" / "=").
#[inline]
pub fn is_ident_char(b: u8) -> bool {
    chars::is_alphanum(b) || matches!(b, b'.' | b'-' | b'+' | b'%' | b'=')
}

/// Does this line (without its line end) look like a SIP start line?
/// `next_line` is the line after it, used to accept a request line that lacks
/// its SIP-Version (RFC 4475 `test`) when what follows is a header.
fn sip_start_line<'b>(line: &[u8], next_line: impl FnOnce() -> Option<&'b [u8]>) -> bool {
    if line.len() >= 5 && line[..4].eq_ignore_ascii_case(b"SIP/") && line[4].is_ascii_digit() {
        return true;
    }
    // Request-Line: Method SP Request-URI SP SIP-Version (lenient about spacing).
    // Methods are short: a plain loop beats a memchr call here.
    let Some(sp) = line.iter().position(|&b| b == b' ') else {
        return false;
    };
    if sp == 0 || !line[..sp].iter().all(|&b| chars::is_token(b)) {
        return false;
    }
    let rest = &line[sp..];
    let last = rest.rsplit(|&b| b == b' ').next().unwrap_or(b"");
    if last.len() >= 5 && last[..4].eq_ignore_ascii_case(b"SIP/") && last[4].is_ascii_digit() {
        return true;
    }
    // No version: accept a token method followed by something URI-like
    // (a scheme and a colon) when the next line is a header.
    let uri = rest.trim_ascii_start();
    let has_scheme = memchr(b':', uri).is_some_and(|c| {
        c > 0
            && uri[..c]
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    });
    let upper = line[..sp].iter().all(|&b| !b.is_ascii_lowercase());
    has_scheme && upper && next_line().is_some_and(looks_like_header)
}

/// `token *WSP ":"` at the start of a line.
fn looks_like_header(line: &[u8]) -> bool {
    let n = line.iter().take_while(|&&b| chars::is_token(b)).count();
    n > 0 && line[n..].trim_ascii_start().first() == Some(&b':')
}

/// Classify the line at `buf[from..]` as a start line.
pub fn classify(buf: &[u8], from: usize) -> Option<Protocol> {
    let (le, next) = line_end(buf, from);
    classify_line(buf, from, le, next)
}

/// [`classify`] with the line's end already known.
#[inline]
fn classify_line(buf: &[u8], from: usize, le: usize, next: usize) -> Option<Protocol> {
    let line = chomp(&buf[from..le]);
    if msrp_transaction_id(line).is_some() {
        return Some(Protocol::Msrp);
    }
    // The line after is needed only for a request line without a version.
    let next_line = || {
        (next < buf.len()).then(|| {
            let (e2, _) = line_end(buf, next);
            chomp(&buf[next..e2])
        })
    };
    if sip_start_line(line, next_line) {
        return Some(Protocol::Sip);
    }
    None
}

/// Frame one step from the start of `buf`.
pub fn next(buf: &[u8], at_eof: bool, opts: &FrameOptions) -> Step {
    if buf.is_empty() {
        return Step::End;
    }
    // Keep-alives: CRLF (RFC 5626) and stray blank lines.
    let ws = if !matches!(buf[0], b'\r' | b'\n' | b' ' | b'\t') {
        0
    } else {
        buf.iter()
            .take_while(|&&b| matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
            .count()
    };
    if ws > 0 {
        // Only whole lines: do not eat the indentation of a start line.
        let upto = buf[..ws].iter().rposition(|&b| b == b'\n').map(|i| i + 1);
        match upto {
            Some(n) => return Step::KeepAlive { len: n },
            None if ws == buf.len() => {
                return if at_eof {
                    Step::KeepAlive { len: ws }
                } else {
                    Step::NeedMore
                };
            }
            None => {}
        }
    }
    let (le, after_start) = line_end(buf, 0);
    // A start line must be complete to be classified.
    if !at_eof && le == buf.len() {
        return if buf.len() > opts.max_message {
            Step::Junk { len: buf.len() }
        } else {
            Step::NeedMore
        };
    }
    match classify_line(buf, 0, le, after_start) {
        Some(Protocol::Sip) => frame_sip(buf, after_start, at_eof, opts),
        Some(Protocol::Msrp) => frame_msrp(buf, le, at_eof, opts),
        None => junk(buf, at_eof),
    }
}

/// Skip to the next line that is a start line.
fn junk(buf: &[u8], at_eof: bool) -> Step {
    let mut pos = line_end(buf, 0).1;
    while pos < buf.len() {
        // Need the whole line (and the next, for the version-less check).
        if memchr(b'\n', &buf[pos..]).is_none() && !at_eof {
            break;
        }
        let trimmed = buf[pos..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        if trimmed == 0 && classify(buf, pos).is_some() {
            return Step::Junk { len: pos };
        }
        pos = line_end(buf, pos).1;
    }
    Step::Junk { len: pos.max(1) }
}

/// What a header block says about Content-Length.
enum ContentLength {
    Absent,
    Value(u64, usize),
    /// Unparseable (negative, non-numeric, overflow): offset of the value.
    Bad(usize),
}

/// One pass over the lines of a header block starting at `from` (the line
/// after the start line): where the block ends, and its Content-Length (or
/// compact `l`). The empty line may end in CRLF or a bare LF. `None` when
/// the buffer holds no empty line yet.
///
/// A single scan of line ends, rather than a substring search for the empty
/// line followed by a second pass for Content-Length, keeps framing close to
/// the cost of reading the bytes once.
fn scan_head(
    buf: &[u8],
    from: usize,
    findings: &mut Vec<Finding>,
) -> (Option<(usize, usize)>, ContentLength) {
    let mut found = ContentLength::Absent;
    let mut pos = from;
    for le in crate::scan::Newlines::from(buf, from) {
        let line = &buf[pos..le];
        match line.first() {
            // `\n` or `\r\n` alone: the empty line.
            None => return (Some((pos, le + 1)), found),
            Some(b'\r') if line.len() == 1 => return (Some((pos, le + 1)), found),
            Some(b'c' | b'C' | b'l' | b'L') => {
                content_length_line(buf, pos, line, &mut found, findings)
            }
            Some(_) => {}
        }
        pos = le + 1;
    }
    (None, found)
}

/// Record the Content-Length of `line` (at `pos`) when it is one.
#[inline]
fn content_length_line(
    buf: &[u8],
    pos: usize,
    line: &[u8],
    found: &mut ContentLength,
    findings: &mut Vec<Finding>,
) {
    let n = line.iter().take_while(|&&b| chars::is_token(b)).count();
    let name = &line[..n];
    if !(name.eq_ignore_ascii_case(b"content-length") || name.eq_ignore_ascii_case(b"l")) {
        return;
    }
    let after = line[n..].trim_ascii_start();
    if after.first() != Some(&b':') {
        return;
    }
    if !matches!(found, ContentLength::Absent) {
        findings.push(Finding::error(
            "content-length-duplicate",
            pos,
            "more than one Content-Length; the first is used for framing",
        ));
        return;
    }
    let value = chomp(&after[1..]).trim_ascii();
    let voff = crate::finding::offset_in(buf, value);
    *found = match parse_u64(value) {
        Some(v) => ContentLength::Value(v, voff),
        None => ContentLength::Bad(voff),
    };
}

/// Digits only, no sign, no overflow.
pub fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    let mut v: u64 = 0;
    for &b in s {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(v)
}

/// A SIP frame starting at the buffer's start.
fn sip_frame(end: usize, truncated: bool, findings: Vec<Finding>) -> Step {
    Step::Message(Frame {
        protocol: Protocol::Sip,
        start: 0,
        end,
        truncated,
        findings,
    })
}

/// Frame the SIP message whose start line ends at `after_start`.
fn frame_sip(buf: &[u8], after_start: usize, at_eof: bool, opts: &FrameOptions) -> Step {
    let mut findings = Vec::new();
    let (head_end, content_length) = scan_head(buf, after_start, &mut findings);
    let Some((_, body_start)) = head_end else {
        if !at_eof && buf.len() <= opts.max_message {
            return Step::NeedMore;
        }
        // Headers never end: the rest (up to the next start line) is the message.
        let end = next_start_line(buf, after_start, buf.len().min(opts.max_message))
            .unwrap_or(buf.len().min(opts.max_message));
        findings.push(Finding::error(
            "headers-unterminated",
            end,
            "the header section does not end with an empty line",
        ));
        return sip_frame(end, end == buf.len(), findings);
    };
    if body_start > opts.max_message {
        findings.push(Finding::error(
            "message-too-large",
            0,
            format!(
                "header section exceeds the message limit of {} bytes",
                opts.max_message
            ),
        ));
    }
    let available = buf.len() - body_start;
    match content_length {
        ContentLength::Value(cl, voff) => {
            let max_body = opts.max_message.saturating_sub(body_start) as u64;
            if cl > max_body {
                findings.push(Finding::error(
                    "message-too-large",
                    voff,
                    format!(
                        "Content-Length {cl} exceeds the message limit of {} bytes",
                        opts.max_message
                    ),
                ));
            }
            if (cl as u128) <= available as u128 && cl <= max_body {
                let end = body_start + cl as usize;
                return sip_frame(end, false, findings);
            }
            if !at_eof && cl <= max_body {
                return Step::NeedMore;
            }
            // Declared more than there is: cut at the next start line in
            // the body, or at the end, and report it.
            let limit = buf.len().min(body_start.saturating_add(max_body as usize));
            let end = next_start_line(buf, body_start, limit).unwrap_or(limit);
            findings.push(Finding::error(
                "content-length-exceeds-body",
                voff,
                format!(
                    "Content-Length is {cl} but only {} body bytes follow",
                    end - body_start
                ),
            ));
            sip_frame(end, end == buf.len(), findings)
        }
        ContentLength::Bad(voff) => {
            findings.push(Finding::error(
                "content-length-invalid",
                voff,
                "Content-Length is not a non-negative decimal number",
            ));
            if !at_eof {
                // A stream cannot be framed past this message: take no body.
                return sip_frame(body_start, false, findings);
            }
            let limit = buf.len().min(opts.max_message);
            let end = next_start_line(buf, body_start, limit).unwrap_or(limit);
            sip_frame(end, false, findings)
        }
        ContentLength::Absent => {
            if opts.datagram {
                let end = buf.len().min(opts.max_message);
                return sip_frame(end, false, findings);
            }
            if !at_eof {
                findings.push(Finding::warning(
                    "content-length-missing",
                    0,
                    "no Content-Length on a stream: the body is taken as empty",
                ));
                return sip_frame(body_start, false, findings);
            }
            // Text input: the body runs to the next start line.
            let limit = buf.len().min(opts.max_message);
            let end = next_start_line(buf, body_start, limit).unwrap_or(limit);
            if end > body_start {
                findings.push(Finding::warning(
                    "content-length-missing",
                    0,
                    "no Content-Length: the body is taken to run to the next message",
                ));
            }
            sip_frame(end, false, findings)
        }
    }
}

/// The first line start in `from..limit` that is a start line (not indented).
fn next_start_line(buf: &[u8], from: usize, limit: usize) -> Option<usize> {
    let mut pos = from;
    while pos < limit {
        if classify(buf, pos).is_some() {
            return Some(pos);
        }
        pos = line_end(buf, pos).1;
    }
    None
}

/// Frame the MSRP message whose start line ends (before its `\n`) at `le`.
fn frame_msrp(buf: &[u8], le: usize, at_eof: bool, opts: &FrameOptions) -> Step {
    let line = chomp(&buf[..le]);
    let tid = msrp_transaction_id(line).expect("classified as MSRP");
    let limit = buf.len().min(opts.max_message);
    let mut findings = Vec::new();
    if let Some((end, _)) = find_end_line(buf, le, limit, Some(tid)) {
        return Step::Message(Frame {
            protocol: Protocol::Msrp,
            start: 0,
            end,
            truncated: false,
            findings,
        });
    }
    if !at_eof && buf.len() <= opts.max_message {
        return Step::NeedMore;
    }
    // No matching end-line: an end-line with another id ends it, reported.
    if let Some((end, at)) = find_end_line(buf, le, limit, None) {
        findings.push(Finding::error(
            "msrp-end-line-mismatch",
            at,
            format!(
                "end-line transaction id does not match the start line's `{}`",
                String::from_utf8_lossy(tid)
            ),
        ));
        return Step::Message(Frame {
            protocol: Protocol::Msrp,
            start: 0,
            end,
            truncated: false,
            findings,
        });
    }
    let end = if buf.len() > opts.max_message {
        findings.push(Finding::error(
            "message-too-large",
            0,
            format!(
                "MSRP message exceeds the message limit of {} bytes",
                opts.max_message
            ),
        ));
        limit
    } else {
        limit
    };
    findings.push(Finding::error(
        "truncated",
        end,
        "input ends before the MSRP end-line",
    ));
    Step::Message(Frame {
        protocol: Protocol::Msrp,
        start: 0,
        end,
        truncated: true,
        findings,
    })
}

/// Built once: building a substring searcher costs more than searching a
/// typical MSRP message.
static END_LINE_FINDER: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();

/// Find an end-line `-------<tid>[$+#]` at a line start in `from..limit`.
/// With `tid = None`, any transaction id. Returns (end of message including
/// the line end, offset of the end-line).
pub fn find_end_line(
    buf: &[u8],
    from: usize,
    limit: usize,
    tid: Option<&[u8]>,
) -> Option<(usize, usize)> {
    let hay = &buf[..limit];
    let finder = END_LINE_FINDER.get_or_init(|| memmem::Finder::new(b"\n-------"));
    let mut pos = from;
    while let Some(i) = finder.find(&hay[pos..]) {
        let at = pos + i + 1;
        let id_start = at + 7;
        // `+` is both an ident character and a flag: with a known id, match
        // it exactly; otherwise a trailing `+` of the run is the flag.
        let (ok_id, flag_at) = match tid {
            Some(t) => (hay[id_start..].starts_with(t), id_start + t.len()),
            None => {
                let run = hay[id_start..]
                    .iter()
                    .take_while(|&&b| is_ident_char(b))
                    .count();
                let next = hay.get(id_start + run).copied();
                if matches!(next, Some(b'$' | b'#')) {
                    (run > 0, id_start + run)
                } else if run > 1 && hay[id_start + run - 1] == b'+' {
                    (true, id_start + run - 1)
                } else {
                    (false, id_start + run)
                }
            }
        };
        if ok_id && flag_at < hay.len() && matches!(hay[flag_at], b'$' | b'+' | b'#') {
            let after = flag_at + 1;
            let end = if hay[after..].starts_with(b"\r\n") {
                Some(after + 2)
            } else if hay[after..].starts_with(b"\n") || after == hay.len() {
                Some((after + 1).min(hay.len()))
            } else if hay.len() - after < 2 {
                // End of input right after the flag and a lone `\r`.
                Some(hay.len())
            } else {
                None
            };
            if let Some(end) = end {
                return Some((end, at));
            }
        }
        pos = at;
    }
    None
}

/// An item of a whole-buffer framing pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Message(Frame),
    /// Bytes `start..end` that are not a message.
    Junk {
        start: usize,
        end: usize,
    },
}

/// Frames a whole buffer (a text file): every item with absolute offsets.
pub struct Framer<'a> {
    buf: &'a [u8],
    pos: usize,
    opts: FrameOptions,
}

impl<'a> Framer<'a> {
    pub fn new(buf: &'a [u8], opts: FrameOptions) -> Self {
        Framer { buf, pos: 0, opts }
    }
}

impl Iterator for Framer<'_> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            let rest = &self.buf[self.pos..];
            match next(rest, true, &self.opts) {
                Step::End | Step::NeedMore => return None,
                Step::KeepAlive { len } => self.pos += len,
                Step::Junk { len } => {
                    let start = self.pos;
                    self.pos += len;
                    return Some(Item::Junk {
                        start,
                        end: self.pos,
                    });
                }
                Step::Message(mut f) => {
                    let base = self.pos;
                    f.start += base;
                    f.end += base;
                    for x in &mut f.findings {
                        x.offset += base;
                    }
                    // Always make progress.
                    self.pos = f.end.max(base + 1);
                    return Some(Item::Message(f));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Item> {
        Framer::new(input, FrameOptions::default()).collect()
    }

    fn msg(i: &Item) -> &Frame {
        match i {
            Item::Message(f) => f,
            Item::Junk { .. } => panic!("junk: {i:?}"),
        }
    }

    const SIP: &[u8] = b"MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 5\r\n\r\nhello";
    const MSRP: &[u8] =
        b"MSRP abcd SEND\r\nTo-Path: msrp://a:1/x;tcp\r\n\r\nhi\r\n-------abcd$\r\n";

    #[test]
    fn frames_sip_by_content_length_and_msrp_by_end_line() {
        let mut input = b"\r\n\r\n".to_vec();
        input.extend_from_slice(SIP);
        input.extend_from_slice(MSRP);
        input.extend_from_slice(SIP);
        let items = frames(&input);
        assert_eq!(items.len(), 3);
        let f = msg(&items[0]);
        assert_eq!(
            (f.protocol, f.start, f.end),
            (Protocol::Sip, 4, 4 + SIP.len())
        );
        let f = msg(&items[1]);
        assert_eq!(f.protocol, Protocol::Msrp);
        assert_eq!(&input[f.start..f.end], MSRP);
        assert_eq!(&input[msg(&items[2]).start..], SIP);
    }

    #[test]
    fn junk_between_messages_is_reported() {
        let mut input = SIP.to_vec();
        input.extend_from_slice(b"\x00\x01garbage\nmore\n");
        input.extend_from_slice(MSRP);
        let items = frames(&input);
        assert_eq!(items.len(), 3);
        assert_eq!(
            items[1],
            Item::Junk {
                start: SIP.len(),
                end: SIP.len() + 15
            }
        );
    }

    #[test]
    fn truncated_message_is_returned_marked() {
        let input = b"INVITE sip:a@b SIP/2.0\r\nContent-Length: 100\r\n\r\nshort";
        let items = frames(input);
        let f = msg(&items[0]);
        assert!(f.truncated);
        assert_eq!(f.end, input.len());
        assert_eq!(f.findings[0].code, "content-length-exceeds-body");
    }

    #[test]
    fn huge_content_length_does_not_allocate_or_overflow() {
        let input = b"INVITE sip:a@b SIP/2.0\r\nContent-Length: 99999999999999999999\r\n\r\nx";
        let items = frames(input);
        let f = msg(&items[0]);
        assert_eq!(f.findings[0].code, "content-length-invalid");
        let input = b"INVITE sip:a@b SIP/2.0\r\nl: 999999999999\r\n\r\nx";
        let f = msg(&frames(input)[0]).clone();
        assert!(f.findings.iter().any(|x| x.code == "message-too-large"));
        assert_eq!(f.end, input.len());
    }

    #[test]
    fn msrp_end_line_must_match_transaction_id() {
        let input = b"MSRP abcd SEND\r\n\r\n-------zzzz$\r\n";
        let f = msg(&frames(input)[0]).clone();
        assert_eq!(f.end, input.len());
        assert_eq!(f.findings[0].code, "msrp-end-line-mismatch");
    }

    #[test]
    fn msrp_body_containing_other_end_lines_is_kept_whole() {
        let input = b"MSRP outer SEND\r\nContent-Type: message/msrpfrag\r\n\r\nMSRP inner SEND\r\n\r\nx\r\n-------inner$\r\n-------outer$\r\n";
        let items = frames(input);
        assert_eq!(items.len(), 1);
        assert_eq!(msg(&items[0]).end, input.len());
    }

    #[test]
    fn plus_flag_is_not_part_of_the_transaction_id() {
        let input = b"MSRP abcd SEND\r\n\r\nx\r\n-------abcd+\r\nMSRP abce SEND\r\n\r\ny\r\n-------abce$\r\n";
        let items = frames(input);
        assert_eq!(items.len(), 2);
        assert!(msg(&items[0]).findings.is_empty());
        let input = b"MSRP abcd SEND\r\n\r\nx\r\n-------zzzz+\r\n";
        let f = msg(&frames(input)[0]).clone();
        assert_eq!(f.findings[0].code, "msrp-end-line-mismatch");
        assert_eq!(f.end, input.len());
    }

    #[test]
    fn incremental_needs_more_until_complete() {
        let opts = FrameOptions::default();
        assert_eq!(next(&SIP[..10], false, &opts), Step::NeedMore);
        assert_eq!(next(&SIP[..SIP.len() - 1], false, &opts), Step::NeedMore);
        assert!(matches!(next(SIP, false, &opts), Step::Message(_)));
        assert_eq!(next(&MSRP[..MSRP.len() - 3], false, &opts), Step::NeedMore);
    }

    #[test]
    fn bare_lf_messages_frame() {
        let input =
            b"MESSAGE sip:a@b SIP/2.0\nContent-Length: 2\n\nhiOPTIONS sip:x SIP/2.0\nl: 0\n\n";
        let items = frames(input);
        assert_eq!(items.len(), 2);
        assert_eq!(msg(&items[0]).end, 45);
    }

    #[test]
    fn request_line_without_version_followed_by_headers_is_sip() {
        let input = b"INVITE sip:alan@jasomi.com\r\nTO : alan@jasomi.com\r\nl: 0\r\n\r\n";
        let items = frames(input);
        assert_eq!(msg(&items[0]).protocol, Protocol::Sip);
    }

    #[test]
    fn missing_content_length_in_text_runs_to_next_message() {
        let input =
            b"INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\nv=0\r\nSIP/2.0 200 OK\r\nl: 0\r\n\r\n";
        let items = frames(input);
        assert_eq!(items.len(), 2);
        assert_eq!(msg(&items[0]).end, 43);
    }
}
