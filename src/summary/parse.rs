//! The RFC 3842 grammar: a zero-copy view of a body, and every deviation as a finding.

use std::borrow::Cow;
use std::fmt;

use memchr::memchr;
use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::{char as chr, digit1};
use nom::{IResult, Parser};

use super::class::MessageClass;
use super::codes;
use crate::chars;
use crate::finding::{Finding, offset_in};
use crate::limits::Limits;

type NomErr<'a> = nom::error::Error<&'a [u8]>;

/// One `name: value` line (with its continuation lines, if folded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<'a> {
    /// The name as written (a token, so ASCII).
    pub name: &'a str,
    /// The raw value: from after the colon and its whitespace to the end of
    /// the (last continuation) line. Folds (CRLF + whitespace) are kept.
    pub value: &'a [u8],
    /// Absolute offset of the line's first byte.
    pub offset: usize,
    /// Absolute offset of the value's first byte.
    pub value_offset: usize,
    /// The line was folded onto continuation lines.
    pub folded: bool,
}

impl<'a> Field<'a> {
    /// Does the name equal `name`, ignoring ASCII case?
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The value as text: each fold (line end plus the whitespace around it)
    /// becomes one space, leading and trailing whitespace is dropped, and
    /// bytes that are not UTF-8 are replaced (lossy).
    pub fn text(&self) -> Cow<'a, str> {
        unfold(self.value)
    }
}

/// Unfold and trim a raw value (see [`Field::text`]).
fn unfold(raw: &[u8]) -> Cow<'_, str> {
    let trimmed = trim_wsp(raw);
    if !trimmed.iter().any(|&b| b == b'\r' || b == b'\n') {
        return String::from_utf8_lossy(trimmed);
    }
    let mut out: Vec<u8> = Vec::with_capacity(trimmed.len());
    let mut i = 0;
    while i < trimmed.len() {
        let b = trimmed[i];
        if b == b'\r' || b == b'\n' {
            while out.last().is_some_and(|&c| c == b' ' || c == b'\t') {
                out.pop();
            }
            while i < trimmed.len() && matches!(trimmed[i], b'\r' | b'\n' | b' ' | b'\t') {
                i += 1;
            }
            out.push(b' ');
        } else {
            out.push(b);
            i += 1;
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

fn trim_wsp(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if is_lws(*first) {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if is_lws(*last) {
            s = rest;
        } else {
            break;
        }
    }
    s
}

#[inline]
fn is_lws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The `Messages-Waiting` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine<'a> {
    pub field: Field<'a>,
    /// `yes` → true, `no` → false, anything else → None (a finding).
    pub waiting: Option<bool>,
}

/// Urgent counts of a summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UrgentCounts {
    pub new: u32,
    pub old: u32,
}

/// `newmsgs / oldmsgs [ (new-urgentmsgs / old-urgentmsgs) ]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Counts {
    pub new: u32,
    pub old: u32,
    pub urgent: Option<UrgentCounts>,
}

/// One summary line: a known class, or an unknown one kept as an extension line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryLine<'a> {
    pub field: Field<'a>,
    /// None: a class RFC 3458 does not define (finding `summary-unknown-class`).
    pub class: Option<MessageClass>,
    /// None: the counts did not parse (finding `summary-bad-count`).
    pub counts: Option<Counts>,
}

/// One message header block (the headers after an empty line), in order, duplicates kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block<'a> {
    /// Absolute offset of the block's first header line.
    pub offset: usize,
    pub headers: Vec<Field<'a>>,
}

impl<'a> Block<'a> {
    /// Every header named `name` (case-insensitive), in order.
    pub fn get<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Field<'a>> + 's {
        self.headers.iter().filter(move |h| h.is(name))
    }

    /// The first Message-ID header.
    pub fn message_id(&self) -> Option<&Field<'a>> {
        self.get("Message-ID").next()
    }
}

/// A parsed message-summary body. Fields borrow the input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary<'a> {
    /// The (first) `Messages-Waiting` line.
    pub status: Option<StatusLine<'a>>,
    /// The (first) `Message-Account` line.
    pub account: Option<Field<'a>>,
    /// Summary lines in body order, unknown classes included.
    pub lines: Vec<SummaryLine<'a>>,
    /// Message header blocks in body order.
    pub blocks: Vec<Block<'a>>,
    /// The first finding that makes the body impossible to re-emit faithfully.
    pub(crate) fatal: Option<Finding>,
}

impl<'a> Summary<'a> {
    /// `Messages-Waiting` as written: Some(true) for `yes`.
    pub fn waiting(&self) -> Option<bool> {
        self.status.as_ref().and_then(|s| s.waiting)
    }

    /// True when some parsed summary line has new messages (what
    /// `Messages-Waiting` must say), None when there is no summary line.
    pub fn computed_waiting(&self) -> Option<bool> {
        let mut any = false;
        let mut result = false;
        for line in &self.lines {
            if let Some(c) = line.counts {
                any = true;
                result |= c.new > 0;
            }
        }
        any.then_some(result)
    }

    /// Whether the view holds everything the body says, so that it can be
    /// re-emitted: false after a bad line, a bad count or status, a missing
    /// status, bad characters, or a limit.
    pub fn is_complete(&self) -> bool {
        self.fatal.is_none()
    }

    /// The finding that made the view incomplete, if any.
    pub fn incomplete_reason(&self) -> Option<&Finding> {
        self.fatal.as_ref()
    }
}

/// Why a summary line's counts did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountError {
    /// Index into the value where the problem starts.
    pub at: usize,
    pub kind: CountErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountErrorKind {
    /// Not a decimal number.
    NotNumber,
    /// Larger than 2^32-1.
    Overflow,
    /// Something else than the expected punctuation.
    Expected(&'static str),
    /// Text after the counts.
    Trailing,
}

impl fmt::Display for CountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            CountErrorKind::NotNumber => f.write_str("a count is not a decimal number"),
            CountErrorKind::Overflow => f.write_str("a count exceeds 2^32-1 (4294967295)"),
            CountErrorKind::Expected(what) => write!(f, "expected {what}"),
            CountErrorKind::Trailing => f.write_str("unexpected text after the counts"),
        }
    }
}

fn sws(i: &[u8]) -> &[u8] {
    let r: IResult<&[u8], &[u8], NomErr<'_>> = take_while(is_lws).parse(i);
    r.map(|(rest, _)| rest).unwrap_or(i)
}

/// One `msgcount` (1*DIGIT, at most 2^32-1).
fn msgcount<'v>(value: &'v [u8], i: &'v [u8]) -> Result<(&'v [u8], u32), CountError> {
    let at = value.len() - i.len();
    let r: IResult<&[u8], &[u8], NomErr<'_>> = digit1.parse(i);
    let (rest, digits) = r.map_err(|_| CountError {
        at,
        kind: CountErrorKind::NotNumber,
    })?;
    // "12abc", "1.5", "3-": a word that starts with digits is not a number either.
    if rest
        .first()
        .is_some_and(|&b| !is_lws(b) && !matches!(b, b'/' | b'(' | b')'))
    {
        return Err(CountError {
            at,
            kind: CountErrorKind::NotNumber,
        });
    }
    let n = digits.iter().try_fold(0u32, |acc, &d| {
        acc.checked_mul(10)?.checked_add(u32::from(d - b'0'))
    });
    match n {
        Some(n) => Ok((rest, n)),
        None => Err(CountError {
            at,
            kind: CountErrorKind::Overflow,
        }),
    }
}

/// SWS `c` SWS (SLASH, LPAREN, RPAREN).
fn punct<'v>(
    value: &'v [u8],
    i: &'v [u8],
    c: char,
    what: &'static str,
) -> Result<&'v [u8], CountError> {
    let i = sws(i);
    let r: IResult<&[u8], char, NomErr<'_>> = chr(c).parse(i);
    match r {
        Ok((rest, _)) => Ok(sws(rest)),
        Err(_) => Err(CountError {
            at: value.len() - i.len(),
            kind: CountErrorKind::Expected(what),
        }),
    }
}

/// Parse the value of a summary line:
/// `newmsgs SLASH oldmsgs [ LPAREN new-urgentmsgs SLASH old-urgentmsgs RPAREN ]`.
/// Whitespace (including folds) is allowed around the punctuation.
pub fn parse_counts(value: &[u8]) -> Result<Counts, CountError> {
    let i = sws(value);
    let (i, new) = msgcount(value, i)?;
    let i = punct(value, i, '/', "'/' between the new and old counts")?;
    let (i, old) = msgcount(value, i)?;
    let i = sws(i);
    if i.is_empty() {
        return Ok(Counts {
            new,
            old,
            urgent: None,
        });
    }
    let i = punct(
        value,
        i,
        '(',
        "'(' before the urgent counts, or the end of the line",
    )?;
    let (i, unew) = msgcount(value, i)?;
    let i = punct(value, i, '/', "'/' between the urgent counts")?;
    let (i, uold) = msgcount(value, i)?;
    let i = punct(value, i, ')', "')' after the urgent counts")?;
    if !i.is_empty() {
        return Err(CountError {
            at: value.len() - i.len(),
            kind: CountErrorKind::Trailing,
        });
    }
    Ok(Counts {
        new,
        old,
        urgent: Some(UrgentCounts {
            new: unew,
            old: uold,
        }),
    })
}

/// Is this an RFC 3842 `Account-URI` (SIP-URI / SIPS-URI / absoluteURI)?
///
/// Checks the scheme, that something follows it, that every byte is a URI
/// character (reserved / unreserved / `%` HEX HEX, plus `[` `]` for IPv6
/// references), and for `sip:`/`sips:` that there is a host.
pub fn is_account_uri(s: &[u8]) -> bool {
    let Some(colon) = memchr(b':', s) else {
        return false;
    };
    let (scheme, rest) = (&s[..colon], &s[colon + 1..]);
    let scheme_ok = scheme.first().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok || rest.is_empty() {
        return false;
    }
    let mut i = 0;
    while i < rest.len() {
        let b = rest[i];
        if b == b'%' {
            if chars::escape_at(rest, i).is_none() {
                return false;
            }
            i += 3;
            continue;
        }
        if !(chars::is_unreserved(b) || chars::is_reserved(b) || b == b'[' || b == b']') {
            return false;
        }
        i += 1;
    }
    if scheme.eq_ignore_ascii_case(b"sip") || scheme.eq_ignore_ascii_case(b"sips") {
        let end = rest
            .iter()
            .position(|&b| b == b';' || b == b'?')
            .unwrap_or(rest.len());
        let hostport = match rest[..end].iter().rposition(|&b| b == b'@') {
            Some(at) => &rest[at + 1..end],
            None => &rest[..end],
        };
        let host = match hostport.first() {
            Some(b'[') => hostport,
            _ => hostport.split(|&b| b == b':').next().unwrap_or(&[]),
        };
        if host.is_empty() {
            return false;
        }
    }
    true
}

/// Line end of a physical line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    CrLf,
    Lf,
    None,
}

/// A physical line, positions relative to the body.
#[derive(Debug, Clone, Copy)]
struct Phys {
    start: usize,
    /// End of the text (before CR LF / LF).
    end: usize,
    ending: Ending,
}

fn physical_lines(body: &[u8]) -> impl Iterator<Item = Phys> + '_ {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        if pos >= body.len() {
            return None;
        }
        let start = pos;
        match memchr(b'\n', &body[pos..]) {
            Some(i) => {
                let lf = pos + i;
                pos = lf + 1;
                if lf > start && body[lf - 1] == b'\r' {
                    Some(Phys {
                        start,
                        end: lf - 1,
                        ending: Ending::CrLf,
                    })
                } else {
                    Some(Phys {
                        start,
                        end: lf,
                        ending: Ending::Lf,
                    })
                }
            }
            None => {
                pos = body.len();
                Some(Phys {
                    start,
                    end: body.len(),
                    ending: Ending::None,
                })
            }
        }
    })
}

/// `token *(SP/HTAB) ":" SWS`: the name and the value after it.
fn name_hcolon(i: &[u8]) -> IResult<&[u8], &[u8], NomErr<'_>> {
    let (i, name) = take_while1(chars::is_token).parse(i)?;
    let (i, _) = take_while(|b| b == b' ' || b == b'\t').parse(i)?;
    let (i, _) = chr(':').parse(i)?;
    let (i, _) = take_while(is_lws).parse(i)?;
    Ok((i, name))
}

/// Most findings of one code listed for one body; the rest are summed up in
/// one more finding of that code, so a hostile body cannot make millions.
pub const MAX_FINDINGS_PER_CODE: usize = 100;

struct Ctx<'a, 'f> {
    body: &'a [u8],
    base_off: usize,
    findings: &'f mut Vec<Finding>,
    fatal: Option<Finding>,
    /// (code, findings seen, first suppressed).
    seen: Vec<(&'static str, usize, Option<Finding>)>,
}

impl<'a> Ctx<'a, '_> {
    fn abs(&self, rel: usize) -> usize {
        self.base_off + rel
    }

    fn push(&mut self, f: Finding) {
        let code = f.code;
        self.push_lazy(code, || f);
    }

    /// Count a finding of `code`, building it only when it is listed (hot
    /// loops over millions of lines call this).
    fn push_lazy(&mut self, code: &'static str, make: impl FnOnce() -> Finding) {
        let i = match self.seen.iter().position(|e| e.0 == code) {
            Some(i) => i,
            None => {
                self.seen.push((code, 0, None));
                self.seen.len() - 1
            }
        };
        let entry = &mut self.seen[i];
        entry.1 += 1;
        if entry.1 <= MAX_FINDINGS_PER_CODE {
            self.findings.push(make());
        } else if entry.2.is_none() {
            entry.2 = Some(make());
        }
    }

    fn push_fatal(&mut self, f: Finding) {
        if self.fatal.is_none() {
            self.fatal = Some(f.clone());
        }
        self.push(f);
    }

    /// Add one finding per code that went over the cap.
    fn finish(&mut self) {
        for (_, n, first) in self.seen.drain(..) {
            if let Some(first) = first {
                let more = n - MAX_FINDINGS_PER_CODE;
                let msg = format!("{more} more like this from here on, not listed");
                self.findings.push(Finding {
                    message: msg,
                    ..first
                });
            }
        }
    }
}

/// One logical line.
enum Logical {
    Blank {
        start: usize,
    },
    /// A continuation line with nothing to continue.
    Orphan {
        start: usize,
        end: usize,
    },
    Line {
        start: usize,
        end: usize,
        folded: bool,
    },
}

/// Parse a body with default limits; offsets are relative to `body`.
pub fn parse(body: &[u8]) -> (Summary<'_>, Vec<Finding>) {
    parse_with(body, body, &Limits::default())
}

/// Parse `body`, a subslice of `base` (the buffer the caller parsed, e.g. a
/// whole NOTIFY); finding offsets are absolute within `base`. Limits used:
/// `max_headers` (lines in the summary part, and headers per block),
/// `max_parts` (blocks) and `max_header_line` (bytes per logical line).
pub fn parse_with<'a>(
    base: &'a [u8],
    body: &'a [u8],
    limits: &Limits,
) -> (Summary<'a>, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut p = Ctx {
        body,
        base_off: offset_in(base, body),
        findings: &mut findings,
        fatal: None,
        seen: Vec::new(),
    };
    let mut scanner = Scanner::new(body);
    let mut summary = build(&mut p, &mut scanner, limits);
    scanner.finish(&mut p);
    p.finish();
    summary.fatal = p.fatal.take();
    // Findings in body order (stable: same-offset findings keep their order).
    findings.sort_by_key(|f| f.offset);
    (summary, findings)
}

/// Splits a body into logical lines lazily (nothing is collected), noting
/// line-end and character problems on the way; [`Scanner::finish`] reports them.
struct Scanner<'a> {
    body: &'a [u8],
    pos: usize,
    peeked: Option<Phys>,
    bare_lf: Option<(usize, usize)>, // (first offset, count)
    bad_char: Option<(usize, usize, u8)>,
    last_ending: Ending,
}

impl<'a> Scanner<'a> {
    fn new(body: &'a [u8]) -> Self {
        Scanner {
            body,
            pos: 0,
            peeked: None,
            bare_lf: None,
            bad_char: None,
            last_ending: Ending::CrLf,
        }
    }

    fn fetch(&mut self) -> Option<Phys> {
        let body = self.body;
        let ph = physical_lines(&body[self.pos..]).next()?;
        let ph = Phys {
            start: ph.start + self.pos,
            end: ph.end + self.pos,
            ending: ph.ending,
        };
        self.pos = match ph.ending {
            Ending::CrLf => ph.end + 2,
            Ending::Lf => ph.end + 1,
            Ending::None => ph.end,
        };
        self.last_ending = ph.ending;
        if ph.ending == Ending::Lf {
            let e = self.bare_lf.get_or_insert((ph.end, 0));
            e.1 += 1;
        }
        for (k, &b) in body[ph.start..ph.end].iter().enumerate() {
            if (b < 0x20 && b != b'\t') || b == 0x7f {
                let e = self.bad_char.get_or_insert((ph.start + k, 0, b));
                e.1 += 1;
            }
        }
        Some(ph)
    }

    fn next_logical(&mut self) -> Option<Logical> {
        let ph = match self.peeked.take() {
            Some(ph) => ph,
            None => self.fetch()?,
        };
        let body = self.body;
        let is_wsp = |b: u8| b == b' ' || b == b'\t';
        if ph.start == ph.end {
            return Some(Logical::Blank { start: ph.start });
        }
        let mut end = ph.end;
        let mut folded = false;
        while let Some(next) = self.fetch() {
            if next.end > next.start && is_wsp(body[next.start]) {
                end = next.end;
                folded = true;
            } else {
                self.peeked = Some(next);
                break;
            }
        }
        Some(if is_wsp(body[ph.start]) {
            Logical::Orphan {
                start: ph.start,
                end,
            }
        } else {
            Logical::Line {
                start: ph.start,
                end,
                folded,
            }
        })
    }

    fn finish(self, p: &mut Ctx<'_, '_>) {
        let body = self.body;
        if let Some((off, n)) = self.bare_lf {
            let msg = if n == 1 {
                "line ends in a bare LF instead of CRLF".to_string()
            } else {
                format!("line ends in a bare LF instead of CRLF ({n} lines do)")
            };
            let f = Finding::error(codes::BARE_LF, p.abs(off), msg).with_len(1);
            p.push(f);
        }
        if !body.is_empty() && self.last_ending == Ending::None && self.pos == body.len() {
            let f = Finding::error(
                codes::MISSING_FINAL_CRLF,
                p.abs(body.len()),
                "the last line does not end in CRLF",
            );
            p.push(f);
        }
        if let Some((off, n, b)) = self.bad_char {
            let what = if b == b'\r' {
                "a CR that does not end a line".to_string()
            } else {
                format!("control character 0x{b:02X}")
            };
            let msg = if n == 1 {
                format!("{what} in a line")
            } else {
                format!("{what} in a line ({n} control characters in all)")
            };
            let f = Finding::error(codes::BAD_CHAR, p.abs(off), msg).with_len(1);
            p.push_fatal(f);
        }
    }
}

#[derive(PartialEq, Eq)]
enum Section {
    Summary,
    Blocks,
}

fn build<'a>(p: &mut Ctx<'a, '_>, sc: &mut Scanner<'a>, limits: &Limits) -> Summary<'a> {
    let body = p.body;
    let mut s = Summary::default();
    let mut section = Section::Summary;
    // Offset of the first line (or leading empty line) before the status line.
    let mut before_status: Option<usize> = None;
    let mut summary_lines = 0usize;
    let mut cur: Option<Block<'a>> = None;
    let mut pending_blank: Option<usize> = None;

    while let Some(item) = sc.next_logical() {
        match item {
            Logical::Blank { start } => {
                if section == Section::Summary {
                    if s.status.is_none() && summary_lines == 0 {
                        // A leading empty line: skip it, the status must still come.
                        before_status.get_or_insert(start);
                        continue;
                    }
                    section = Section::Blocks;
                    pending_blank = Some(start);
                } else {
                    if let Some(b) = cur.take() {
                        s.blocks.push(b);
                    } else if let Some(prev) = pending_blank {
                        let at = p.abs(prev);
                        p.push_lazy(codes::EMPTY_BLOCK, || {
                            Finding::warning(
                                codes::EMPTY_BLOCK,
                                at,
                                "empty line not followed by a message header (doubled empty line)",
                            )
                        });
                    }
                    pending_blank = Some(start);
                }
            }
            Logical::Orphan { start, end } => {
                let f = Finding::error(
                    codes::BAD_LINE,
                    p.abs(start),
                    "line starts with whitespace but continues no header",
                )
                .with_len(end - start);
                p.push_fatal(f);
            }
            Logical::Line { start, end, folded } => {
                if end - start > limits.max_header_line {
                    let f = Finding::error(
                        codes::LIMIT_EXCEEDED,
                        p.abs(start),
                        format!(
                            "line of {} bytes exceeds the limit of {} (--max-header-line); the rest is not read",
                            end - start,
                            limits.max_header_line
                        ),
                    );
                    p.push_fatal(f);
                    break;
                }
                let text = &body[start..end];
                let Ok((value, name)) = name_hcolon(text) else {
                    let f =
                        Finding::error(codes::BAD_LINE, p.abs(start), "line is not `name: value`")
                            .with_len(end - start);
                    p.push_fatal(f);
                    continue;
                };
                let value_start = start + (text.len() - value.len());
                if std::str::from_utf8(value).is_err() {
                    let bad = std::str::from_utf8(value)
                        .err()
                        .map(|e| e.valid_up_to())
                        .unwrap_or(0);
                    let f = Finding::error(
                        codes::NOT_UTF8,
                        p.abs(value_start + bad),
                        "value is not UTF-8",
                    );
                    p.push_fatal(f);
                }
                if folded {
                    let at = p.abs(start);
                    p.push_lazy(codes::FOLDED_LINE, || {
                        Finding::note(codes::FOLDED_LINE, at, "line is folded onto the next one")
                    });
                }
                let field = Field {
                    // A token is ASCII, so this never falls back.
                    name: std::str::from_utf8(name).unwrap_or(""),
                    value,
                    offset: p.abs(start),
                    value_offset: p.abs(value_start),
                    folded,
                };
                if section == Section::Summary {
                    summary_lines += 1;
                    if summary_lines > limits.max_headers {
                        let f = Finding::error(
                            codes::LIMIT_EXCEEDED,
                            field.offset,
                            format!(
                                "more than {} summary lines (--max-headers); the rest is not read",
                                limits.max_headers
                            ),
                        );
                        p.push_fatal(f);
                        break;
                    }
                    if let Some(b) = summary_line(p, &mut s, field, &mut before_status) {
                        section = Section::Blocks;
                        cur = Some(b);
                    }
                } else {
                    pending_blank = None;
                    let block = cur.get_or_insert_with(|| Block {
                        offset: field.offset,
                        headers: Vec::new(),
                    });
                    if block.headers.is_empty() && s.blocks.len() >= limits.max_parts {
                        let f = Finding::error(
                            codes::LIMIT_EXCEEDED,
                            field.offset,
                            format!(
                                "more than {} message blocks (--max-parts); the rest is not read",
                                limits.max_parts
                            ),
                        );
                        p.push_fatal(f);
                        cur = None;
                        break;
                    }
                    if block.headers.len() >= limits.max_headers {
                        let f = Finding::error(
                            codes::LIMIT_EXCEEDED,
                            field.offset,
                            format!(
                                "more than {} headers in one message block (--max-headers); the rest is not read",
                                limits.max_headers
                            ),
                        );
                        p.push_fatal(f);
                        break;
                    }
                    block.headers.push(field);
                }
            }
        }
    }
    if let Some(b) = cur.take() {
        s.blocks.push(b);
    } else if let Some(prev) = pending_blank {
        let f = Finding::warning(
            codes::EMPTY_BLOCK,
            p.abs(prev),
            "empty line not followed by a message header",
        );
        p.push(f);
    }
    if s.status.is_none() {
        let f = Finding::error(
            codes::MISSING_STATUS,
            p.abs(0),
            "no Messages-Waiting line: not a message-summary body",
        );
        p.push_fatal(f);
    }
    check_consistency(p, &s);
    check_blocks(p, &s);
    s
}

/// One line of the summary part. Returns a block when the line starts the
/// message headers without the empty line before them.
fn summary_line<'a>(
    p: &mut Ctx<'a, '_>,
    s: &mut Summary<'a>,
    field: Field<'a>,
    before_status: &mut Option<usize>,
) -> Option<Block<'a>> {
    if field.is("Messages-Waiting") {
        if s.status.is_some() {
            let f = Finding::error(
                codes::DUPLICATE_STATUS,
                field.offset,
                "a second Messages-Waiting line",
            );
            p.push(f);
            return None;
        }
        if before_status.is_some() {
            let f = Finding::error(
                codes::STATUS_NOT_FIRST,
                field.offset,
                "Messages-Waiting is not the first line of the body",
            )
            .with_len(field.name.len());
            p.push(f);
        }
        let v = trim_wsp(field.value);
        let waiting = if v.eq_ignore_ascii_case(b"yes") {
            Some(true)
        } else if v.eq_ignore_ascii_case(b"no") {
            Some(false)
        } else {
            let f = Finding::error(
                codes::BAD_STATUS,
                field.value_offset,
                format!(
                    "Messages-Waiting is `{}`, not yes or no",
                    String::from_utf8_lossy(v)
                ),
            )
            .with_len(field.value.len());
            p.push_fatal(f);
            None
        };
        s.status = Some(StatusLine { field, waiting });
        return None;
    }
    if s.status.is_none() {
        before_status.get_or_insert(field.offset);
    }
    if field.is("Message-Account") {
        if s.account.is_some() {
            let f = Finding::error(
                codes::DUPLICATE_ACCOUNT,
                field.offset,
                "a second Message-Account line",
            );
            p.push(f);
            return None;
        }
        if !s.lines.is_empty() {
            let f = Finding::error(
                codes::ACCOUNT_OUT_OF_ORDER,
                field.offset,
                "Message-Account comes after a summary line",
            );
            p.push(f);
        }
        let v = trim_wsp(field.value);
        if !is_account_uri(v) {
            let f = Finding::error(
                codes::ACCOUNT_NOT_URI,
                field.value_offset,
                format!(
                    "Message-Account `{}` is not a URI",
                    String::from_utf8_lossy(v)
                ),
            )
            .with_len(field.value.len());
            p.push(f);
        }
        s.account = Some(field);
        return None;
    }
    let class = MessageClass::from_name(field.name);
    match (class, parse_counts(field.value)) {
        (Some(class), Ok(counts)) => {
            s.lines.push(SummaryLine {
                field,
                class: Some(class),
                counts: Some(counts),
            });
            None
        }
        (Some(class), Err(e)) => {
            let f = Finding::error(
                codes::BAD_COUNT,
                field.value_offset + e.at,
                format!("{}: {e}", class.line_name()),
            );
            p.push_fatal(f);
            s.lines.push(SummaryLine {
                field,
                class: Some(class),
                counts: None,
            });
            None
        }
        (None, Ok(counts)) => {
            let f = Finding::warning(
                codes::UNKNOWN_CLASS,
                field.offset,
                format!(
                    "`{}` is not an RFC 3458 message-context class; kept as an extension line",
                    field.name
                ),
            )
            .with_len(field.name.len());
            p.push(f);
            s.lines.push(SummaryLine {
                field,
                class: None,
                counts: Some(counts),
            });
            None
        }
        (None, Err(_)) if s.status.is_none() => {
            // No status line yet: not a summary part at all; the missing
            // status is the finding, not the missing empty line.
            Some(Block {
                offset: field.offset,
                headers: vec![field],
            })
        }
        (None, Err(_)) => {
            let f = Finding::error(
                codes::MISSING_BLANK_LINE,
                field.offset,
                format!(
                    "`{}` is a message header but no empty line separates it from the summary lines",
                    field.name
                ),
            );
            p.push(f);
            Some(Block {
                offset: field.offset,
                headers: vec![field],
            })
        }
    }
}

fn check_consistency(p: &mut Ctx<'_, '_>, s: &Summary<'_>) {
    let mut seen: Vec<String> = Vec::new();
    for line in &s.lines {
        let key = line.field.name.to_ascii_lowercase();
        if seen.contains(&key) {
            let f = Finding::warning(
                codes::DUPLICATE_CLASS,
                line.field.offset,
                format!("a second summary line for {}", line.field.name),
            );
            p.push(f);
        } else {
            seen.push(key);
        }
        if let Some(Counts {
            new,
            old,
            urgent: Some(u),
        }) = line.counts
            && (u.new > new || u.old > old)
        {
            let f = Finding::error(
                codes::URGENT_EXCEEDS_TOTAL,
                line.field.value_offset,
                format!(
                    "{}: urgent counts ({}/{}) exceed the totals ({new}/{old})",
                    line.field.name, u.new, u.old
                ),
            );
            p.push(f);
        }
    }
    if let (Some(status), Some(computed)) = (&s.status, s.computed_waiting())
        && let Some(w) = status.waiting
        && w != computed
    {
        let old_only = w && s.lines.iter().any(|l| l.counts.is_some_and(|c| c.old > 0));
        let f = if old_only {
            // Old messages are waiting too, in a sense: a warning.
            Finding::warning(
                codes::WAITING_OLD_ONLY,
                status.field.value_offset,
                "Messages-Waiting is yes but every message counted is old",
            )
        } else if w {
            Finding::error(
                codes::WAITING_INCONSISTENT,
                status.field.value_offset,
                "Messages-Waiting is yes but no class has new messages",
            )
        } else {
            Finding::error(
                codes::WAITING_INCONSISTENT,
                status.field.value_offset,
                "Messages-Waiting is no but a class has new messages",
            )
        };
        p.push(f);
    }
}

fn check_blocks(p: &mut Ctx<'_, '_>, s: &Summary<'_>) {
    let mut ids: std::collections::HashSet<Cow<'_, str>> = std::collections::HashSet::new();
    for (n, block) in s.blocks.iter().enumerate() {
        let mut in_block = block.get("Message-ID");
        match in_block.next() {
            None => {
                let f = Finding::warning(
                    codes::BLOCK_WITHOUT_MESSAGE_ID,
                    block.offset,
                    format!("message block {} has no Message-ID", n + 1),
                );
                p.push(f);
            }
            Some(id) => {
                if let Some(second) = in_block.next() {
                    let f = Finding::error(
                        codes::DUPLICATE_MESSAGE_ID,
                        second.offset,
                        format!("message block {} has a second Message-ID", n + 1),
                    );
                    p.push(f);
                }
                let text = id.text();
                if ids.contains(&text) {
                    let f = Finding::warning(
                        codes::REPEATED_MESSAGE_ID,
                        id.offset,
                        format!("Message-ID {text} is in an earlier block too"),
                    );
                    p.push(f);
                } else {
                    ids.insert(text);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_of(f: &[Finding]) -> Vec<&'static str> {
        f.iter().map(|f| f.code).collect()
    }

    const EXAMPLE: &[u8] = b"Messages-Waiting: yes\r\n\
Message-Account: sip:charlie@mailserver.example.com\r\n\
Text-Message: 2/0 (1/0)\r\n\
\r\n\
To: <charlie@example.com>\r\n\
From: <alice@example.org>\r\n\
Subject: carpool tomorrow?\r\n\
Date: Sun, 09 Jul 2000 21:23:01 -0700\r\n\
Priority: normal\r\n\
Message-ID: 32098d@alicepc.example.org\r\n\
\r\n\
To: <charlie@example.com>\r\n\
From: <Joe@example.com>\r\n\
Subject: HELP! at home ill, present for me please\r\n\
Date: Sun, 09 Jul 2000 21:25:12 -0700\r\n\
Priority: urgent\r\n\
Message-ID: d0982dkjs@Joemobile.example.net\r\n";

    #[test]
    fn counts_grammar() {
        let c = parse_counts(b"2/0 (1/0)").unwrap();
        assert_eq!(
            c,
            Counts {
                new: 2,
                old: 0,
                urgent: Some(UrgentCounts { new: 1, old: 0 })
            }
        );
        assert_eq!(parse_counts(b"4/8").unwrap().urgent, None);
        assert_eq!(parse_counts(b" 4 / 8 ( 1 / 2 ) ").unwrap().old, 8);
        assert_eq!(
            parse_counts(b"4/8\r\n (1/2)").unwrap().urgent.unwrap().old,
            2
        );
        assert_eq!(parse_counts(b"0004/8").unwrap().new, 4);
        assert_eq!(parse_counts(b"4294967295/0").unwrap().new, u32::MAX);
    }

    #[test]
    fn counts_errors() {
        let e = parse_counts(b"4294967296/0").unwrap_err();
        assert_eq!((e.at, e.kind), (0, CountErrorKind::Overflow));
        let e = parse_counts(b"1/99999999999999999999999").unwrap_err();
        assert_eq!((e.at, e.kind), (2, CountErrorKind::Overflow));
        let e = parse_counts(b"x/0").unwrap_err();
        assert_eq!((e.at, e.kind), (0, CountErrorKind::NotNumber));
        let e = parse_counts(b"-1/0").unwrap_err();
        assert_eq!(e.kind, CountErrorKind::NotNumber);
        let e = parse_counts(b"1.5/0").unwrap_err();
        assert_eq!(e.kind, CountErrorKind::NotNumber);
        let e = parse_counts(b"1 0").unwrap_err();
        assert!(matches!(e.kind, CountErrorKind::Expected(_)));
        assert_eq!(e.at, 2);
        let e = parse_counts(b"1/0 (1/0").unwrap_err();
        assert!(matches!(e.kind, CountErrorKind::Expected(_)));
        let e = parse_counts(b"1/0 (1/0) x").unwrap_err();
        assert_eq!((e.at, e.kind), (10, CountErrorKind::Trailing));
        let e = parse_counts(b"1/0 x").unwrap_err();
        assert!(matches!(e.kind, CountErrorKind::Expected(_)));
        assert!(parse_counts(b"").is_err());
        assert!(parse_counts(b"/").is_err());
    }

    #[test]
    fn account_uris() {
        for ok in [
            &b"sip:alice@vmail.example.com"[..],
            b"sips:alice@[2001:db8::1]:5061;transport=tls",
            b"sip:vmail.example.com",
            b"tel:+15551234567",
            b"mailto:alice@example.com",
            b"http://example.com/a%20b?x=1",
        ] {
            assert!(is_account_uri(ok), "{}", String::from_utf8_lossy(ok));
        }
        for bad in [
            &b"<sip:alice@example.com>"[..],
            b"alice@example.com",
            b"sip:",
            b"sip:alice@",
            b"sip:alice@;x",
            b"sip:alice example.com",
            b"1sip:a",
            b"sip:a%2",
            b"sip:a%zz",
            b"",
            b":x",
        ] {
            assert!(!is_account_uri(bad), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn example_parses_clean() {
        let (s, f) = parse(EXAMPLE);
        assert!(f.is_empty(), "{f:?}");
        assert!(s.is_complete());
        assert_eq!(s.waiting(), Some(true));
        assert_eq!(
            s.account.as_ref().unwrap().text(),
            "sip:charlie@mailserver.example.com"
        );
        assert_eq!(s.lines.len(), 1);
        assert_eq!(s.lines[0].class, Some(MessageClass::Text));
        assert_eq!(
            s.lines[0].counts.unwrap().urgent,
            Some(UrgentCounts { new: 1, old: 0 })
        );
        assert_eq!(s.blocks.len(), 2);
        assert_eq!(s.blocks[1].headers.len(), 6);
        assert_eq!(
            s.blocks[1].message_id().unwrap().text(),
            "d0982dkjs@Joemobile.example.net"
        );
        let at = s.blocks[1].offset;
        assert_eq!(&EXAMPLE[at..at + 4], b"To: ");
    }

    #[test]
    fn names_are_case_insensitive() {
        let (s, f) =
            parse(b"messages-waiting: YES\r\nmessage-account: sip:a@b\r\nvoice-message: 7/0\r\n");
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(s.waiting(), Some(true));
        assert_eq!(s.lines[0].class, Some(MessageClass::Voice));
    }

    #[test]
    fn status_only_bodies() {
        let (s, f) = parse(b"Messages-Waiting: yes\r\n");
        assert!(f.is_empty());
        assert_eq!(s.waiting(), Some(true));
        assert_eq!(s.computed_waiting(), None);
        let (_, f) = parse(b"Messages-Waiting: no\r\n");
        assert!(f.is_empty());
    }

    #[test]
    fn status_problems() {
        let (_, f) = parse(b"Voice-Message: 1/0\r\nMessages-Waiting: yes\r\n");
        assert_eq!(codes_of(&f), [codes::STATUS_NOT_FIRST]);
        assert_eq!(f[0].offset, 20);
        let (s, f) = parse(b"\r\nMessages-Waiting: no\r\n");
        assert_eq!(codes_of(&f), [codes::STATUS_NOT_FIRST]);
        assert!(s.is_complete());
        let (s, f) = parse(b"Voice-Message: 1/0\r\n");
        assert_eq!(codes_of(&f), [codes::MISSING_STATUS]);
        assert!(!s.is_complete());
        let (s, f) = parse(b"");
        assert_eq!(codes_of(&f), [codes::MISSING_STATUS]);
        assert!(!s.is_complete());
        // Not a summary at all: the missing status says it, not a missing empty line.
        let (s, f) = parse(b"Hello: world\r\nMessage-ID: x\r\n");
        assert_eq!(codes_of(&f), [codes::MISSING_STATUS]);
        assert!(!s.is_complete());
        let (s, f) = parse(b"Messages-Waiting: maybe\r\n");
        assert_eq!(codes_of(&f), [codes::BAD_STATUS]);
        assert_eq!(f[0].offset, 18);
        assert_eq!(s.waiting(), None);
        let (_, f) = parse(b"Messages-Waiting: no\r\nMessages-Waiting: no\r\n");
        assert_eq!(codes_of(&f), [codes::DUPLICATE_STATUS]);
    }

    #[test]
    fn waiting_must_match_new_counts() {
        let (_, f) = parse(b"Messages-Waiting: yes\r\nVoice-Message: 0/3 (0/0)\r\n");
        assert_eq!(codes_of(&f), [codes::WAITING_OLD_ONLY]);
        assert_eq!(f[0].severity, crate::finding::Severity::Warning);
        assert_eq!(f[0].offset, 18);
        let (_, f) = parse(b"Messages-Waiting: yes\r\nVoice-Message: 0/0\r\n");
        assert_eq!(codes_of(&f), [codes::WAITING_INCONSISTENT]);
        assert_eq!(f[0].severity, crate::finding::Severity::Error);
        let (_, f) = parse(b"Messages-Waiting: no\r\nFax-Message: 0/3\r\nVoice-Message: 1/0\r\n");
        assert_eq!(codes_of(&f), [codes::WAITING_INCONSISTENT]);
        let (_, f) = parse(b"Messages-Waiting: no\r\nVoice-Message: 0/0 (0/0)\r\n");
        assert!(f.is_empty());
    }

    #[test]
    fn bad_counts_have_positions() {
        let body = b"Messages-Waiting: yes\r\nVoice-Message: 4/x\r\n";
        let (s, f) = parse(body);
        assert_eq!(codes_of(&f), [codes::BAD_COUNT]);
        assert_eq!(f[0].offset, body.len() - 3);
        assert!(!s.is_complete());
        assert_eq!(s.lines[0].counts, None);
        let (_, f) = parse(b"Messages-Waiting: yes\r\nVoice-Message: 4294967296/0\r\n");
        assert_eq!(codes_of(&f), [codes::BAD_COUNT]);
        assert!(f[0].message.contains("2^32-1"));
    }

    #[test]
    fn urgent_cannot_exceed_total() {
        let (_, f) = parse(b"Messages-Waiting: yes\r\nVoice-Message: 1/0 (2/0)\r\n");
        assert_eq!(codes_of(&f), [codes::URGENT_EXCEEDS_TOTAL]);
    }

    #[test]
    fn unknown_class_is_kept() {
        let (s, f) = parse(b"Messages-Waiting: yes\r\nEmail-Message: 1/2\r\n");
        assert_eq!(codes_of(&f), [codes::UNKNOWN_CLASS]);
        assert_eq!(f[0].offset, 23);
        assert!(s.is_complete());
        assert_eq!(s.lines[0].class, None);
        assert_eq!(s.lines[0].field.name, "Email-Message");
        assert_eq!(s.lines[0].counts.unwrap().old, 2);
    }

    #[test]
    fn duplicate_class_warns() {
        let (s, f) =
            parse(b"Messages-Waiting: yes\r\nVoice-Message: 1/2\r\nvoice-message: 0/1\r\n");
        assert_eq!(codes_of(&f), [codes::DUPLICATE_CLASS]);
        assert_eq!(s.lines.len(), 2);
    }

    #[test]
    fn account_checks() {
        let (_, f) = parse(b"Messages-Waiting: no\r\nMessage-Account: <sip:a@b>\r\n");
        assert_eq!(codes_of(&f), [codes::ACCOUNT_NOT_URI]);
        assert_eq!(f[0].offset, 22 + 17);
        let (_, f) =
            parse(b"Messages-Waiting: no\r\nVoice-Message: 0/1\r\nMessage-Account: sip:a@b\r\n");
        assert_eq!(codes_of(&f), [codes::ACCOUNT_OUT_OF_ORDER]);
        let (s, f) = parse(
            b"Messages-Waiting: no\r\nMessage-Account: sip:a@b\r\nMessage-Account: sip:c@d\r\n",
        );
        assert_eq!(codes_of(&f), [codes::DUPLICATE_ACCOUNT]);
        assert_eq!(s.account.unwrap().text(), "sip:a@b");
    }

    #[test]
    fn bare_lf_and_final_crlf() {
        let (s, f) = parse(b"Messages-Waiting: yes\nVoice-Message: 1/0\n");
        assert_eq!(codes_of(&f), [codes::BARE_LF]);
        assert_eq!(f[0].offset, 21);
        assert!(f[0].message.contains("2 lines"));
        assert!(s.is_complete());
        assert_eq!(s.lines.len(), 1);
        let (_, f) = parse(b"Messages-Waiting: yes\r\nVoice-Message: 1/0");
        assert_eq!(codes_of(&f), [codes::MISSING_FINAL_CRLF]);
        assert_eq!(f[0].offset, 41);
    }

    #[test]
    fn missing_blank_line_before_blocks() {
        let body =
            b"Messages-Waiting: yes\r\nText-Message: 1/0\r\nTo: <a@b>\r\nMessage-ID: x@y\r\n";
        let (s, f) = parse(body);
        assert_eq!(codes_of(&f), [codes::MISSING_BLANK_LINE]);
        assert_eq!(f[0].offset, 42);
        assert!(s.is_complete());
        assert_eq!(s.blocks.len(), 1);
        assert_eq!(s.blocks[0].headers.len(), 2);
    }

    #[test]
    fn blocks_keep_duplicates_in_order() {
        let body = b"Messages-Waiting: yes\r\nText-Message: 1/0\r\n\r\nTo: <a@b>\r\nTo: <c@d>\r\nFrom: <e@f>\r\nMessage-ID: x@y\r\n";
        let (s, f) = parse(body);
        assert!(f.is_empty(), "{f:?}");
        let tos: Vec<_> = s.blocks[0].get("to").map(|h| h.text()).collect();
        assert_eq!(tos, ["<a@b>", "<c@d>"]);
    }

    #[test]
    fn block_checks() {
        let body = b"Messages-Waiting: yes\r\nFax-Message: 2/1\r\n\r\nSomething: fine choice\r\n";
        let (s, f) = parse(body);
        assert_eq!(codes_of(&f), [codes::BLOCK_WITHOUT_MESSAGE_ID]);
        assert_eq!(f[0].offset, 43);
        assert!(s.is_complete());
        let body =
            b"Messages-Waiting: yes\r\n\r\nMessage-ID: a\r\nMessage-ID: b\r\n\r\nMessage-ID: a\r\n";
        let (_, f) = parse(body);
        assert_eq!(
            codes_of(&f),
            [codes::DUPLICATE_MESSAGE_ID, codes::REPEATED_MESSAGE_ID]
        );
    }

    #[test]
    fn empty_blocks_warn() {
        let (s, f) = parse(b"Messages-Waiting: yes\r\n\r\n\r\nMessage-ID: a\r\n");
        assert_eq!(codes_of(&f), [codes::EMPTY_BLOCK]);
        assert_eq!(f[0].offset, 23);
        assert_eq!(s.blocks.len(), 1);
        let (_, f) = parse(b"Messages-Waiting: no\r\n\r\n");
        assert_eq!(codes_of(&f), [codes::EMPTY_BLOCK]);
    }

    #[test]
    fn folding_unfolds() {
        let body = b"Messages-Waiting: yes\r\n\r\nSubject: a long  \r\n   subject  here\r\nMessage-ID: a\r\n";
        let (s, f) = parse(body);
        assert_eq!(codes_of(&f), [codes::FOLDED_LINE]);
        let subj = &s.blocks[0].headers[0];
        assert!(subj.folded);
        assert_eq!(subj.text(), "a long subject  here");
        let (s, _) = parse(b"Messages-Waiting: yes\r\nVoice-Message: 1/0\r\n (1/0)\r\n");
        assert_eq!(s.lines[0].counts.unwrap().urgent.unwrap().new, 1);
    }

    #[test]
    fn bad_lines_and_chars() {
        let (s, f) = parse(b"Messages-Waiting: yes\r\nno colon here\r\n");
        assert_eq!(codes_of(&f), [codes::BAD_LINE]);
        assert!(!s.is_complete());
        let (_, f) = parse(b"  Messages-Waiting: yes\r\n");
        assert!(codes_of(&f).contains(&codes::BAD_LINE));
        let (s, f) = parse(b"Messages-Waiting: yes\r\n\r\nSubject: a\x00b\r\nMessage-ID: a\r\n");
        assert_eq!(codes_of(&f), [codes::BAD_CHAR]);
        assert_eq!(f[0].offset, 35);
        assert!(!s.is_complete());
        let (_, f) = parse(b"Messages-Waiting: yes\r\n\r\nSubject: a\rb\r\nMessage-ID: a\r\n");
        assert_eq!(codes_of(&f), [codes::BAD_CHAR]);
        let (s, f) = parse(b"Messages-Waiting: yes\r\n\r\nSubject: \xff\r\nMessage-ID: a\r\n");
        assert_eq!(codes_of(&f), [codes::NOT_UTF8]);
        assert_eq!(f[0].offset, 34);
        assert!(!s.is_complete());
    }

    #[test]
    fn findings_per_code_are_capped() {
        let mut body = b"Messages-Waiting: yes\r\n".to_vec();
        for _ in 0..10_000 {
            body.extend_from_slice(b"no colon\r\n");
        }
        let (s, f) = parse(&body);
        assert!(!s.is_complete());
        assert_eq!(f.len(), MAX_FINDINGS_PER_CODE + 1);
        let last = f.last().unwrap();
        assert_eq!(last.code, codes::BAD_LINE);
        assert_eq!(last.offset, 23 + 10 * MAX_FINDINGS_PER_CODE);
        assert!(last.message.starts_with("9900 more"));
    }

    #[test]
    fn offsets_are_absolute_in_base() {
        let buf = b"NOTIFY sip:a@b SIP/2.0\r\n\r\nMessages-Waiting: maybe\r\n";
        let body = &buf[26..];
        let (_, f) = parse_with(buf, body, &Limits::default());
        assert_eq!(f[0].code, codes::BAD_STATUS);
        assert_eq!(f[0].offset, 26 + 18);
    }

    #[test]
    fn limits_stop_reading() {
        let limits = Limits {
            max_parts: 1,
            ..Limits::default()
        };
        let body = b"Messages-Waiting: yes\r\n\r\nMessage-ID: a\r\n\r\nMessage-ID: b\r\n";
        let (s, f) = parse_with(body, body, &limits);
        assert_eq!(codes_of(&f), [codes::LIMIT_EXCEEDED]);
        assert_eq!(s.blocks.len(), 1);
        assert!(!s.is_complete());
        let limits = Limits {
            max_header_line: 10,
            ..Limits::default()
        };
        let (_, f) = parse_with(body, body, &limits);
        assert_eq!(codes_of(&f), [codes::LIMIT_EXCEEDED, codes::MISSING_STATUS]);
        let limits = Limits {
            max_headers: 1,
            ..Limits::default()
        };
        let body = b"Messages-Waiting: yes\r\nVoice-Message: 1/0\r\nFax-Message: 0/0\r\n";
        let (_, f) = parse_with(body, body, &limits);
        assert_eq!(codes_of(&f), [codes::LIMIT_EXCEEDED]);
    }
}
