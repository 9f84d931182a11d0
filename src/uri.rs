//! SIP URIs (RFC 3261 section 25.1, IPv6 references per RFC 5118) and the
//! retrieval URIs of deferred messages (OMA SIMPLE IM, 7.3.3).
//!
//! A retrieval URI carries a stored message's Message-ID, escaped by the
//! RFC 3261 `user` rule, as its user part, and the message store as its host:
//! `d0982dkjs@Joemobile.example.net` at `mailserver.example.com` becomes
//! `sip:d0982dkjs%40Joemobile.example.net@mailserver.example.com`.
//!
//! The escaper ([`escape_user`]) and the parser ([`parse_sip_uri`]) both ask
//! [`crate::chars::is_user_char`], so what one writes the other reads.
//! Parsed views borrow the input; errors carry byte offsets into it.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use nom::branch::alt;
use nom::bytes::complete::{take_while, take_while1};
use nom::combinator::recognize;
use nom::error::{ErrorKind, ParseError};
use nom::multi::many0_count;
use nom::{IResult, Parser};

use crate::chars;
use crate::finding::offset_in;

// ---------------------------------------------------------------------------
// Errors

/// A URI that breaks the grammar: where, what was expected there, and what was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at byte {offset}: expected {expected}, found {}", found_text(.found))]
pub struct UriError {
    /// 0-based byte offset into the input given to the parsing function.
    pub offset: usize,
    /// What the grammar wanted at `offset`.
    pub expected: &'static str,
    /// The offending byte (`None`: end of input). For a bad `%` escape the
    /// offset points at the `%` and this is the first byte after it that is not hex.
    pub found: Option<u8>,
}

impl UriError {
    /// The message without the offset (for output that shows line and column).
    pub fn message(&self) -> String {
        format!(
            "expected {}, found {}",
            self.expected,
            found_text(&self.found)
        )
    }

    fn shifted(mut self, by: usize) -> Self {
        self.offset += by;
        self
    }
}

fn found_text(found: &Option<u8>) -> String {
    match *found {
        None => "end of input".to_string(),
        Some(b' ') => "a space".to_string(),
        Some(b) if b.is_ascii_graphic() => format!("'{}'", b as char),
        Some(b) => format!("byte 0x{b:02X}"),
    }
}

/// A `%` not followed by two hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("'%' at byte {index} is not followed by two hex digits")]
pub struct UnescapeError {
    /// 0-based byte index of the bad `%`.
    pub index: usize,
}

const EXPECT_HEX: &str = "two hex digits after '%'";

// ---------------------------------------------------------------------------
// Escaping

/// Escape bytes by the RFC 3261 `user` rule: unreserved and user-unreserved
/// bytes stay, every other byte becomes `%XX` (uppercase hex).
///
/// The empty input gives the empty string, which is not a valid user part.
pub fn escape_user(bytes: &[u8]) -> String {
    // Not `percent-encoding`: its AsciiSet would be a second, hand-kept list
    // of the user class, it is 14-29% slower here, and its decoder cannot
    // report a malformed escape (`benches/compare/deps`). Asking
    // `chars::is_user_char` (the predicate the parser uses) keeps the
    // escaper and the grammar one definition.
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if chars::is_user_char(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0x0F)] as char);
        }
    }
    out
}

/// Decode every `%XX` escape. Other bytes pass through unchanged (this does
/// not check the `user` character class; [`parse_user_part`] does).
/// `%00` decodes to a NUL byte like any other octet.
pub fn unescape(bytes: &[u8]) -> Result<Vec<u8>, UnescapeError> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'%', &bytes[i..]) {
        let at = i + p;
        out.extend_from_slice(&bytes[i..at]);
        out.push(chars::escape_at(bytes, at).ok_or(UnescapeError { index: at })?);
        i = at + 3;
    }
    out.extend_from_slice(&bytes[i..]);
    Ok(out)
}

/// The canonical retrieval form of an escaped user part: `escape_user(unescape(raw))`.
///
/// Two user parts name the same stored message exactly when their canonical
/// forms are equal: `%61`, `a` and `%3B`, `;` coincide, hex case does not matter.
/// Note that RFC 3261 19.1.4 is stricter for URI comparison: an escaped
/// reserved character (`%3B`) is not equivalent to the literal one (`;`);
/// see [`normalize_user`].
pub fn canonical_user(raw: &[u8]) -> Result<String, UnescapeError> {
    Ok(escape_user(&unescape(raw)?))
}

/// The RFC 3261 19.1.4 normal form of a user part: escapes of unreserved
/// characters are decoded, every other escape is kept with uppercase hex,
/// literal characters are kept. Two valid user parts are equivalent for SIP
/// URI comparison exactly when their normal forms are equal.
pub fn normalize_user(raw: &[u8]) -> Result<String, UnescapeError> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b == b'%' {
            let v = chars::escape_at(raw, i).ok_or(UnescapeError { index: i })?;
            if chars::is_unreserved(v) {
                out.push(v as char);
            } else {
                out.push('%');
                out.push(HEX[usize::from(v >> 4)] as char);
                out.push(HEX[usize::from(v & 0x0F)] as char);
            }
            i += 3;
        } else {
            if b.is_ascii() {
                out.push(b as char);
            } else {
                // Not valid in a user part at all; escaped so the result stays text.
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0x0F)] as char);
            }
            i += 1;
        }
    }
    Ok(out)
}

/// Byte index in `raw` (escaped) of the input that produced byte
/// `decoded_index` of `unescape(raw)`; `raw.len()` past the end.
/// Used to point at the escape that starts, say, an invalid UTF-8 sequence.
pub fn raw_index_of_decoded(raw: &[u8], decoded_index: usize) -> usize {
    let mut i = 0;
    let mut d = 0;
    while d < decoded_index && i < raw.len() {
        i += if chars::escape_at(raw, i).is_some() {
            3
        } else {
            1
        };
        d += 1;
    }
    i
}

// ---------------------------------------------------------------------------
// Parsed views

/// `sip` or `sips` (matched case-insensitively).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    Sip,
    Sips,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Sip => "sip",
            Scheme::Sips => "sips",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of host a URI names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKind {
    /// RFC 3261 `hostname` (labels of alphanum and `-`, top label starting with a letter).
    Hostname,
    /// RFC 3261 `IPv4address`, each number at most 255.
    Ipv4(Ipv4Addr),
    /// RFC 3261 `IPv6reference` (RFC 5118): `[` IPv6 address `]`.
    Ipv6(Ipv6Addr),
}

/// A host as written, with its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Host<'a> {
    /// As written; an IPv6 reference includes its brackets.
    pub raw: &'a str,
    pub kind: HostKind,
}

/// One `;name[=value]` URI parameter; name and value are raw (possibly escaped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UriParam<'a> {
    /// `name[=value]` without the `;`.
    pub raw: &'a [u8],
    pub name: &'a [u8],
    pub value: Option<&'a [u8]>,
}

impl UriParam<'_> {
    /// Parameter names compare case-insensitively (RFC 3261 19.1.4).
    pub fn name_is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name.as_bytes())
    }
}

/// One `name=value` URI header; name and value are raw (possibly escaped), value may be empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UriHeader<'a> {
    /// `name=value` without the `?` or `&`.
    pub raw: &'a [u8],
    pub name: &'a [u8],
    pub value: &'a [u8],
}

/// A parsed `SIP-URI` / `SIPS-URI`, borrowing the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipUri<'a> {
    /// The whole URI.
    pub raw: &'a [u8],
    pub scheme: Scheme,
    /// The user part as written (escaped); `None` when there is no userinfo.
    pub user: Option<&'a [u8]>,
    /// The password as written (escaped), when there is one (even empty).
    pub password: Option<&'a [u8]>,
    pub host: Host<'a>,
    pub port: Option<u16>,
    pub params: Vec<UriParam<'a>>,
    pub headers: Vec<UriHeader<'a>>,
}

impl<'a> SipUri<'a> {
    /// The first URI parameter with this name (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&UriParam<'a>> {
        self.params.iter().find(|p| p.name_is(name))
    }

    /// The unescaped user part: for a retrieval URI, the Message-ID.
    pub fn user_unescaped(&self) -> Option<Vec<u8>> {
        // The grammar has checked every escape, so unescaping cannot fail.
        self.user.and_then(|u| unescape(u).ok())
    }
}

/// A URI of another scheme (RFC 3261 `absoluteURI`), e.g. `tel:`, `im:`, `http:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbsoluteUri<'a> {
    pub raw: &'a [u8],
    /// The scheme as written (without `:`).
    pub scheme: &'a str,
    /// Everything after the `:`.
    pub rest: &'a [u8],
}

/// Any URI a Request-URI or name-addr may carry (RFC 3261 `Request-URI`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uri<'a> {
    Sip(SipUri<'a>),
    Absolute(AbsoluteUri<'a>),
}

// ---------------------------------------------------------------------------
// Grammar (nom)

type In<'a> = &'a [u8];

/// Internal nom error: where, what was expected, and optionally the byte to report.
#[derive(Debug)]
struct PErr<'a> {
    at: In<'a>,
    expected: &'static str,
    /// `Some(found)` overrides the byte at `at` (bad escapes point at the `%`).
    found: Option<Option<u8>>,
}

impl<'a> PErr<'a> {
    fn new(at: In<'a>, expected: &'static str) -> Self {
        PErr {
            at,
            expected,
            found: None,
        }
    }

    fn into_uri_error(self, input: In<'a>) -> UriError {
        UriError {
            offset: input.len().saturating_sub(self.at.len()),
            expected: self.expected,
            found: self.found.unwrap_or_else(|| self.at.first().copied()),
        }
    }
}

impl<'a> ParseError<In<'a>> for PErr<'a> {
    fn from_error_kind(input: In<'a>, _kind: ErrorKind) -> Self {
        PErr::new(input, "valid URI syntax")
    }

    fn append(_input: In<'a>, _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

type PResult<'a, O> = IResult<In<'a>, O, PErr<'a>>;

fn fail<'a, O>(at: In<'a>, expected: &'static str) -> PResult<'a, O> {
    Err(nom::Err::Failure(PErr::new(at, expected)))
}

fn to_uri_error<'a>(input: In<'a>, e: nom::Err<PErr<'a>>) -> UriError {
    match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => e.into_uri_error(input),
        // Complete parsers never ask for more input.
        nom::Err::Incomplete(_) => UriError {
            offset: input.len(),
            expected: "more input",
            found: None,
        },
    }
}

/// RFC 3261 `escaped` = "%" HEXDIG HEXDIG. A `%` without two hex digits is a
/// hard failure pointing at the `%`.
fn escaped(i: In<'_>) -> PResult<'_, In<'_>> {
    if chars::escape_at(i, 0).is_some() {
        return Ok((&i[3..], &i[..3]));
    }
    match i {
        [b'%', rest @ ..] => {
            let found = rest.iter().take(2).find(|b| !chars::is_hex(**b)).copied();
            Err(nom::Err::Failure(PErr {
                at: i,
                expected: EXPECT_HEX,
                found: Some(found),
            }))
        }
        _ => Err(nom::Err::Error(PErr::new(i, "'%'"))),
    }
}

/// `*( class / escaped )`, recognised as one slice.
fn escaped_run(i: In<'_>, class: fn(u8) -> bool) -> PResult<'_, In<'_>> {
    recognize(many0_count(alt((take_while1(class), escaped)))).parse(i)
}

/// `scheme ":"`; returns the scheme without the colon.
fn scheme(i: In<'_>) -> PResult<'_, In<'_>> {
    let (rest, name) = recognize((
        take_while1(|b: u8| b.is_ascii_alphabetic()),
        take_while(chars::is_scheme_char),
    ))
    .parse(i)?;
    match rest.first() {
        Some(b':') => Ok((&rest[1..], name)),
        _ => Err(nom::Err::Error(PErr::new(rest, "':' after the scheme"))),
    }
}

fn ascii_str<'a>(at: In<'a>, bytes: In<'a>, expected: &'static str) -> PResult<'a, &'a str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((at, s)),
        Err(_) => fail(at, expected),
    }
}

const EXPECT_HOST: &str = "a host (hostname, IPv4 address or [IPv6 address])";

/// RFC 3261 `host` = hostname / IPv4address / IPv6reference.
fn host(i: In<'_>) -> PResult<'_, Host<'_>> {
    if i.first() == Some(&b'[') {
        let inner = &i[1..];
        let (after, addr) =
            take_while(|b: u8| b.is_ascii_hexdigit() || b == b':' || b == b'.').parse(inner)?;
        if after.first() != Some(&b']') {
            return fail(after, "']' closing the IPv6 reference");
        }
        let raw_len = addr.len() + 2;
        let (_, text) = ascii_str(inner, addr, "an IPv6 address")?;
        let Ok(parsed) = text.parse::<Ipv6Addr>() else {
            return fail(inner, "an IPv6 address");
        };
        let (_, raw) = ascii_str(i, &i[..raw_len], "an IPv6 reference")?;
        return Ok((
            &after[1..],
            Host {
                raw,
                kind: HostKind::Ipv6(parsed),
            },
        ));
    }
    let Ok((rest, tok)) =
        take_while1::<_, _, PErr<'_>>(|b: u8| chars::is_alphanum(b) || b == b'-' || b == b'.')
            .parse(i)
    else {
        return fail(i, EXPECT_HOST);
    };
    let (_, raw) = ascii_str(i, tok, EXPECT_HOST)?;

    // IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT
    let parts: Vec<&[u8]> = tok.split(|b| *b == b'.').collect();
    let ipv4_shape = parts.len() == 4
        && parts
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.iter().all(u8::is_ascii_digit));
    if ipv4_shape {
        let mut octets = [0u8; 4];
        let mut off = 0;
        for (n, p) in parts.iter().enumerate() {
            let v = p.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
            match u8::try_from(v) {
                Ok(o) => octets[n] = o,
                Err(_) => return fail(&i[off..], "an IPv4 number from 0 to 255"),
            }
            off += p.len() + 1;
        }
        return Ok((
            rest,
            Host {
                raw,
                kind: HostKind::Ipv4(Ipv4Addr::from(octets)),
            },
        ));
    }

    // hostname = *( domainlabel "." ) toplabel [ "." ]
    let body = tok.strip_suffix(b".").unwrap_or(tok);
    let mut off = 0;
    let mut last_start = 0;
    for label in body.split(|b| *b == b'.') {
        let at = &i[off..];
        match (label.first(), label.last()) {
            (None, _) | (_, None) => {
                return fail(at, "a hostname label (letters, digits, '-')");
            }
            (Some(f), Some(l)) => {
                if !chars::is_alphanum(*f) {
                    return fail(at, "a hostname label starting with a letter or digit");
                }
                if !chars::is_alphanum(*l) {
                    return fail(
                        &i[off + label.len() - 1..],
                        "a hostname label ending with a letter or digit",
                    );
                }
            }
        }
        last_start = off;
        off += label.len() + 1;
    }
    if !tok[last_start].is_ascii_alphabetic() {
        return fail(
            &i[last_start..],
            "a top-level label starting with a letter (or an IPv4 address of four numbers)",
        );
    }
    Ok((
        rest,
        Host {
            raw,
            kind: HostKind::Hostname,
        },
    ))
}

/// `[ ":" port ]`, port = 1*DIGIT, at most 65535.
fn port(i: In<'_>) -> PResult<'_, Option<u16>> {
    if i.first() != Some(&b':') {
        return Ok((i, None));
    }
    let digits_at = &i[1..];
    let Ok((rest, digits)) =
        take_while1::<_, _, PErr<'_>>(|b: u8| b.is_ascii_digit()).parse(digits_at)
    else {
        return fail(digits_at, "port digits after ':'");
    };
    let value = digits
        .iter()
        .try_fold(0u32, |acc, d| {
            let v = acc * 10 + u32::from(d - b'0');
            (v <= u32::from(u16::MAX)).then_some(v)
        })
        .and_then(|v| u16::try_from(v).ok());
    match value {
        Some(v) => Ok((rest, Some(v))),
        None => fail(digits_at, "a port number up to 65535"),
    }
}

/// `*( ";" pname [ "=" pvalue ] )`.
fn uri_params(mut i: In<'_>) -> PResult<'_, Vec<UriParam<'_>>> {
    let mut params = Vec::new();
    while i.first() == Some(&b';') {
        let start = &i[1..];
        let (r, name) = escaped_run(start, chars::is_param_char)?;
        if name.is_empty() {
            return fail(start, "a URI parameter name after ';'");
        }
        let (r, value) = if r.first() == Some(&b'=') {
            let (r2, v) = escaped_run(&r[1..], chars::is_param_char)?;
            if v.is_empty() {
                return fail(&r[1..], "a URI parameter value after '='");
            }
            (r2, Some(v))
        } else {
            (r, None)
        };
        params.push(UriParam {
            raw: &start[..start.len() - r.len()],
            name,
            value,
        });
        i = r;
    }
    Ok((i, params))
}

/// `[ "?" hname "=" hvalue *( "&" hname "=" hvalue ) ]`.
fn uri_headers(i: In<'_>) -> PResult<'_, Vec<UriHeader<'_>>> {
    let mut headers = Vec::new();
    if i.first() != Some(&b'?') {
        return Ok((i, headers));
    }
    let mut i = i;
    loop {
        let start = &i[1..];
        let (r, name) = escaped_run(start, chars::is_hnv_char)?;
        if name.is_empty() {
            return fail(start, "a URI header name");
        }
        if r.first() != Some(&b'=') {
            return fail(r, "'=' after the URI header name");
        }
        let (r, value) = escaped_run(&r[1..], chars::is_hnv_char)?;
        headers.push(UriHeader {
            raw: &start[..start.len() - r.len()],
            name,
            value,
        });
        i = r;
        if i.first() != Some(&b'&') {
            return Ok((i, headers));
        }
    }
}

const EXPECT_USER_OR_AT: &str = "a user-part character, %XX escape, ':' or '@'";
const EXPECT_END: &str = "the end of the URI (or ';' parameters, '?' headers)";
const EXPECT_END_AT: &str =
    "the end of the URI (an '@' inside the user part must be escaped as %40)";

/// `userinfo` = user [ ":" password ] "@".
fn userinfo(i: In<'_>) -> PResult<'_, (In<'_>, Option<In<'_>>)> {
    let (r, user) = escaped_run(i, chars::is_user_char)?;
    if user.is_empty() {
        return fail(i, "a user part before '@'");
    }
    let (r, password) = if r.first() == Some(&b':') {
        let (r2, p) = escaped_run(&r[1..], chars::is_password_char)?;
        (r2, Some(p))
    } else {
        (r, None)
    };
    match r.first() {
        Some(b'@') => Ok((&r[1..], (user, password))),
        _ if password.is_some() => fail(r, "a password character, %XX escape or '@'"),
        _ => fail(r, EXPECT_USER_OR_AT),
    }
}

fn sip_uri(input: In<'_>) -> PResult<'_, SipUri<'_>> {
    const EXPECT_SCHEME: &str = "'sip:' or 'sips:'";
    let Ok((i, name)) = scheme(input) else {
        return fail(input, EXPECT_SCHEME);
    };
    let scheme = if name.eq_ignore_ascii_case(b"sip") {
        Scheme::Sip
    } else if name.eq_ignore_ascii_case(b"sips") {
        Scheme::Sips
    } else {
        return fail(input, EXPECT_SCHEME);
    };
    // '@' appears in no part after the userinfo, so any '@' means userinfo.
    let (i, (user, password)) = if memchr::memchr(b'@', i).is_some() {
        let (r, (u, p)) = userinfo(i)?;
        (r, (Some(u), p))
    } else {
        (i, (None, None))
    };
    let (i, host) = host(i)?;
    let (i, port) = port(i)?;
    let (i, params) = uri_params(i)?;
    let (i, headers) = uri_headers(i)?;
    match i.first() {
        None => Ok((
            i,
            SipUri {
                raw: input,
                scheme,
                user,
                password,
                host,
                port,
                params,
                headers,
            },
        )),
        Some(b'@') => fail(i, EXPECT_END_AT),
        Some(_) => fail(i, EXPECT_END),
    }
}

/// Parse exactly one `SIP-URI` or `SIPS-URI` (RFC 3261 25.1) spanning the whole input.
///
/// The user part follows the `user` rule (`telephone-subscriber` user parts
/// are accepted as far as they fit it, which real ones do); every `%` must
/// be followed by two hex digits; hosts are hostnames, IPv4 addresses or
/// bracketed IPv6 addresses; ports are at most 65535.
pub fn parse_sip_uri(input: &[u8]) -> Result<SipUri<'_>, UriError> {
    sip_uri(input)
        .map(|(_, uri)| uri)
        .map_err(|e| to_uri_error(input, e))
}

/// Parse any URI: `sip:`/`sips:` strictly as [`parse_sip_uri`], other
/// schemes as RFC 3261 `absoluteURI` (uric characters and escapes, plus the
/// `[` `]` of RFC 2732 IPv6 literals).
pub fn parse_uri(input: &[u8]) -> Result<Uri<'_>, UriError> {
    let Ok((rest, name)) = scheme(input) else {
        return Err(UriError {
            offset: 0,
            expected: "a URI scheme followed by ':'",
            found: input.first().copied(),
        });
    };
    if name.eq_ignore_ascii_case(b"sip") || name.eq_ignore_ascii_case(b"sips") {
        return parse_sip_uri(input).map(Uri::Sip);
    }
    let uric = |b: u8| chars::is_reserved(b) || chars::is_unreserved(b) || b == b'[' || b == b']';
    let result = escaped_run(rest, uric).and_then(|(r, body)| {
        if body.is_empty() {
            fail(rest, "the URI after the scheme")
        } else if !r.is_empty() {
            fail(r, "a URI character or %XX escape")
        } else {
            Ok((r, body))
        }
    });
    match result {
        Ok(_) => Ok(Uri::Absolute(AbsoluteUri {
            raw: input,
            // The scheme grammar admits ASCII only.
            scheme: std::str::from_utf8(name).unwrap_or_default(),
            rest,
        })),
        Err(e) => Err(to_uri_error(input, e)),
    }
}

/// Parse `host [ ":" port ]` spanning the whole input.
pub fn parse_hostport(input: &[u8]) -> Result<(Host<'_>, Option<u16>), UriError> {
    let parsed = host(input).and_then(|(r, h)| {
        let (r, p) = port(r)?;
        if r.is_empty() {
            Ok((r, (h, p)))
        } else {
            fail(r, "the end of the host (or ':' and a port)")
        }
    });
    parsed.map(|(_, hp)| hp).map_err(|e| to_uri_error(input, e))
}

/// An MSRP URI (RFC 4975 9): `msrp-scheme "://" authority ["/" session-id]
/// ";" transport *( ";" URI-parameter )`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MsrpUri<'a> {
    /// `msrps`.
    pub secure: bool,
    /// The userinfo before `@`, when there is one.
    pub userinfo: Option<&'a [u8]>,
    pub host: Host<'a>,
    pub port: Option<u16>,
    /// `1*( unreserved / "+" / "=" / "/" )`, when there is one.
    pub session_id: Option<&'a [u8]>,
    /// `"tcp" / 1*ALPHANUM`.
    pub transport: &'a [u8],
}

/// Parse one MSRP URI spanning the whole input (RFC 4975 9). The host is the
/// RFC 3261 `host` (domain name, IPv4 or a bracketed IPv6 reference), the
/// userinfo RFC 3986's (`unreserved / pct-encoded / sub-delims / ":"`).
pub fn parse_msrp_uri(input: &[u8]) -> Result<MsrpUri<'_>, UriError> {
    let err = |at: usize, expected: &'static str| UriError {
        offset: at,
        expected,
        found: input.get(at).copied(),
    };
    let scheme_end = input
        .iter()
        .position(|&b| b == b':')
        .ok_or_else(|| err(input.len(), "\"msrp://\" or \"msrps://\""))?;
    let scheme = &input[..scheme_end];
    let secure = if scheme.eq_ignore_ascii_case(b"msrps") {
        true
    } else if scheme.eq_ignore_ascii_case(b"msrp") {
        false
    } else {
        return Err(err(0, "\"msrp://\" or \"msrps://\""));
    };
    let mut at = scheme_end + 1;
    if !input[at..].starts_with(b"//") {
        return Err(err(at, "\"//\""));
    }
    at += 2;
    // The authority runs to the session-id's "/" or the transport's ";",
    // after the userinfo (which may hold ";" itself, RFC 3986 sub-delims).
    let slash = input[at..]
        .iter()
        .position(|&b| b == b'/')
        .map_or(input.len(), |i| at + i);
    // From the last '@' before it (the '@' itself ends nothing).
    let host_from = input[at..slash]
        .iter()
        .rposition(|&b| b == b'@')
        .map_or(at, |i| at + i);
    let auth_end = input[host_from..]
        .iter()
        .position(|&b| b == b'/' || b == b';')
        .map_or(input.len(), |i| host_from + i);
    let authority = &input[at..auth_end];
    let (userinfo, hostport, host_at) = match authority.iter().rposition(|&b| b == b'@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..], at + i + 1),
        None => (None, authority, at),
    };
    if let Some(u) = userinfo {
        let mut i = 0;
        while i < u.len() {
            let b = u[i];
            if b == b'%' {
                if chars::escape_at(u, i).is_none() {
                    return Err(err(at + i, "two hex digits after '%'"));
                }
                i += 3;
                continue;
            }
            if !(is_unreserved_3986(b) || b"!$&'()*+,;=:".contains(&b)) {
                return Err(err(at + i, "a userinfo character"));
            }
            i += 1;
        }
    }
    if hostport.is_empty() {
        return Err(err(host_at, "a host"));
    }
    let (host, port) = parse_hostport(hostport).map_err(|e| e.shifted(host_at))?;
    at = auth_end;
    let mut session_id = None;
    if input.get(at) == Some(&b'/') {
        let start = at + 1;
        let end = input[start..]
            .iter()
            .position(|&b| b == b';')
            .map_or(input.len(), |i| start + i);
        let id = &input[start..end];
        if let Some(i) = id
            .iter()
            .position(|&b| !(is_unreserved_3986(b) || matches!(b, b'+' | b'=' | b'/')))
        {
            return Err(err(start + i, "a session-id character"));
        }
        if id.is_empty() {
            return Err(err(start, "a session-id"));
        }
        session_id = Some(id);
        at = end;
    }
    if input.get(at) != Some(&b';') {
        return Err(err(at, "\";\" and the transport"));
    }
    let mut params = input[at + 1..].split(|&b| b == b';');
    let transport = params.next().unwrap_or_default();
    if transport.is_empty() || !transport.iter().all(|&b| chars::is_alphanum(b)) {
        return Err(err(at + 1, "a transport (1*ALPHANUM)"));
    }
    let mut p_at = at + 1 + transport.len();
    for p in params {
        let (name, value) = match p.iter().position(|&b| b == b'=') {
            Some(i) => (&p[..i], Some(&p[i + 1..])),
            None => (p, None),
        };
        if name.is_empty() || !chars::is_token_str(name) {
            return Err(err(p_at + 1, "a URI parameter (token)"));
        }
        if value.is_some_and(|v| v.is_empty() || !chars::is_token_str(v)) {
            return Err(err(p_at + 1 + name.len() + 1, "a parameter value (token)"));
        }
        p_at += 1 + p.len();
    }
    Ok(MsrpUri {
        secure,
        userinfo,
        host,
        port,
        session_id,
        transport,
    })
}

/// RFC 3986 `unreserved` (RFC 4975 takes its URI grammar from RFC 3986):
/// narrower than RFC 3261's, which adds `!*'()`.
fn is_unreserved_3986(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Parse an MSRP path header value (`MSRP-URI *( SP MSRP-URI )`, RFC 4975
/// 9: To-Path, From-Path, Use-Path): URIs separated by single spaces, no
/// space before the first or after the last.
pub fn parse_msrp_path(input: &[u8]) -> Result<Vec<MsrpUri<'_>>, UriError> {
    if input.is_empty() {
        return Err(UriError {
            offset: 0,
            expected: "an MSRP URI",
            found: None,
        });
    }
    let mut out = Vec::new();
    let mut at = 0;
    for u in input.split(|&b| b == b' ') {
        out.push(parse_msrp_uri(u).map_err(|e| e.shifted(at))?);
        at += u.len() + 1;
    }
    Ok(out)
}

/// Check a bare escaped user part (`1*( unreserved / escaped / user-unreserved )`).
pub fn parse_user_part(input: &[u8]) -> Result<&[u8], UriError> {
    let parsed = escaped_run(input, chars::is_user_char).and_then(|(r, user)| {
        if user.is_empty() && r.is_empty() {
            fail(r, "an escaped Message-ID (a non-empty user part)")
        } else if !r.is_empty() {
            let expected = if r.first() == Some(&b'@') {
                "a user-part character or %XX escape ('@' is %40; a whole URI starts with 'sip:')"
            } else {
                "a user-part character or %XX escape"
            };
            fail(r, expected)
        } else {
            Ok((r, user))
        }
    });
    parsed.map(|(_, u)| u).map_err(|e| to_uri_error(input, e))
}

// ---------------------------------------------------------------------------
// name-addr

/// A URI as it appears in a header value: `name-addr` (`"Name" <uri>`,
/// `Name <uri>`, `<uri>`) or a bare `addr-spec`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameAddr<'a> {
    /// The display name as written (quotes included when quoted), when present.
    pub display_name: Option<&'a [u8]>,
    /// The URI (between `<` and `>`, or the whole trimmed input).
    pub uri: &'a [u8],
    /// Byte offset of `uri` in the input.
    pub uri_offset: usize,
    /// Whether the URI was in angle brackets.
    pub angle: bool,
    /// Anything after `>` starting at `;` (header parameters), unchecked; empty when none.
    pub params: &'a [u8],
}

fn is_lws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn trim_lws(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|b| !is_lws(*b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !is_lws(*b)).map_or(start, |p| p + 1);
    &s[start..end]
}

/// Split a header-style URI into display name and URI (RFC 3261 `name-addr` / `addr-spec`).
/// Surrounding spaces and tabs are ignored. The URI itself is not checked here.
pub fn split_name_addr(input: &[u8]) -> Result<NameAddr<'_>, UriError> {
    let err = |at: usize, expected: &'static str| UriError {
        offset: at,
        expected,
        found: input.get(at).copied(),
    };
    let t = trim_lws(input);
    let t_off = offset_in(input, t);
    let (display_name, lt) = if t.first() == Some(&b'"') {
        // quoted-string: qdtext / quoted-pair
        let mut k = 1;
        loop {
            match t.get(k) {
                None | Some(b'\r' | b'\n') => {
                    return Err(err(t_off + k, "'\"' closing the display name"));
                }
                Some(b'"') => break,
                Some(b'\\') => {
                    if matches!(t.get(k + 1), None | Some(b'\r' | b'\n')) {
                        return Err(err(t_off + k + 1, "a character after '\\'"));
                    }
                    k += 2;
                }
                Some(_) => k += 1,
            }
        }
        let after = &t[k + 1..];
        let skip = after.iter().take_while(|b| is_lws(**b)).count();
        if after.get(skip) != Some(&b'<') {
            return Err(err(t_off + k + 1 + skip, "'<' after the display name"));
        }
        (Some(&t[..=k]), k + 1 + skip)
    } else if let Some(p) = memchr::memchr(b'<', t) {
        let name = trim_lws(&t[..p]);
        if let Some(bad) = name
            .iter()
            .position(|b| !(chars::is_token(*b) || is_lws(*b)))
        {
            return Err(err(
                offset_in(input, name) + bad,
                "a display name of tokens (quote other characters) before '<'",
            ));
        }
        ((!name.is_empty()).then_some(name), p)
    } else {
        return Ok(NameAddr {
            display_name: None,
            uri: t,
            uri_offset: t_off,
            angle: false,
            params: &t[t.len()..],
        });
    };
    let body = &t[lt + 1..];
    let Some(gt) = memchr::memchr(b'>', body) else {
        return Err(err(t_off + t.len(), "'>' closing the URI"));
    };
    let uri = &body[..gt];
    let after = &body[gt + 1..];
    let rest = trim_lws(after);
    if !rest.is_empty() && rest[0] != b';' {
        return Err(err(
            offset_in(input, rest),
            "the end of input or ';' parameters after '>'",
        ));
    }
    Ok(NameAddr {
        display_name,
        uri,
        uri_offset: t_off + lt + 1,
        angle: true,
        params: rest,
    })
}

// ---------------------------------------------------------------------------
// Retrieval URIs

/// A parsed retrieval URI (or bare escaped user part) and its Message-ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retrieval<'a> {
    /// The URI, `None` when the input was a bare user part.
    pub uri: Option<SipUri<'a>>,
    /// The escaped user part as written.
    pub user: &'a [u8],
    /// Byte offset of `user` in the input.
    pub user_offset: usize,
    /// The unescaped user part: the Message-ID (may contain NUL, may be non-UTF-8).
    pub message_id: Vec<u8>,
}

/// Read a retrieval URI (`sip:`/`sips:`, optionally in `<>` or a name-addr,
/// with URI parameters or headers allowed) or a bare escaped user part, and
/// unescape its user part. Error offsets are into `input`.
pub fn parse_retrieval(input: &[u8]) -> Result<Retrieval<'_>, UriError> {
    let t = trim_lws(input);
    let t_off = offset_in(input, t);
    let looks_like_uri =
        t.first() == Some(&b'"') || memchr::memchr(b'<', t).is_some() || scheme(t).is_ok();
    if !looks_like_uri {
        let user = parse_user_part(t).map_err(|e| e.shifted(t_off))?;
        let message_id = unescape(user).map_err(|e| UriError {
            offset: t_off + e.index,
            expected: EXPECT_HEX,
            found: None,
        })?;
        return Ok(Retrieval {
            uri: None,
            user,
            user_offset: t_off,
            message_id,
        });
    }
    let na = split_name_addr(input)?;
    let base = na.uri_offset;
    let uri = match parse_uri(na.uri).map_err(|e| e.shifted(base))? {
        Uri::Sip(u) => u,
        Uri::Absolute(a) => {
            return Err(UriError {
                offset: base,
                expected: "a 'sip:' or 'sips:' retrieval URI",
                found: a.raw.first().copied(),
            });
        }
    };
    let Some(user) = uri.user else {
        let host_off = offset_in(na.uri, uri.host.raw.as_bytes());
        return Err(UriError {
            offset: base + host_off,
            expected: "a user part (the escaped Message-ID) and '@' before the host",
            found: uri.host.raw.as_bytes().first().copied(),
        });
    };
    let user_offset = offset_in(input, user);
    let message_id = unescape(user).map_err(|e| UriError {
        offset: user_offset + e.index,
        expected: EXPECT_HEX,
        found: None,
    })?;
    Ok(Retrieval {
        uri: Some(uri),
        user,
        user_offset,
        message_id,
    })
}

/// Why a retrieval URI cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetrievalUriError {
    #[error("the Message-ID is empty")]
    EmptyMessageId,
    #[error("message-store host: {0}")]
    Host(UriError),
}

/// Build the retrieval URI `scheme:escaped-message-id@hostport`.
pub fn retrieval_uri(
    scheme: Scheme,
    message_id: &[u8],
    hostport: &str,
) -> Result<String, RetrievalUriError> {
    if message_id.is_empty() {
        return Err(RetrievalUriError::EmptyMessageId);
    }
    parse_hostport(hostport.as_bytes()).map_err(RetrievalUriError::Host)?;
    Ok(format!("{scheme}:{}@{hostport}", escape_user(message_id)))
}

// ---------------------------------------------------------------------------
// Retrieval requests

/// What the retrieval INVITE is built from. All ids must be given (the
/// caller generates them); the output is then fully deterministic.
#[derive(Debug, Clone)]
pub struct RetrievalRequest<'a> {
    /// The retrieving user: a SIP/SIPS URI, `<uri>` or `"Name" <uri>` (no parameters).
    pub from: &'a str,
    /// The message store: `host[:port]`.
    pub store: &'a str,
    /// Scheme of the retrieval URIs (and of Contact; `sips` means TLS transports).
    pub scheme: Scheme,
    /// The client's own host (Via, Contact, SDP, MSRP path).
    pub local_host: &'a str,
    pub call_id: &'a str,
    pub tag: &'a str,
    /// Via branch; must start with the RFC 3261 magic cookie `z9hG4bK`.
    pub branch: &'a str,
    /// The Message-IDs to retrieve (at least one).
    pub message_ids: &'a [&'a [u8]],
}

/// Why a retrieval request cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("From URI: {0}")]
    From(UriError),
    #[error("From URI: must be a sip: or sips: URI")]
    FromScheme,
    #[error("From URI: must not carry header parameters (the tag is added)")]
    FromParams,
    #[error("message-store host: {0}")]
    Store(UriError),
    #[error("local host: {0}")]
    LocalHost(UriError),
    #[error("no Message-ID given")]
    NoMessageId,
    #[error("Message-ID {0} is empty")]
    EmptyMessageId(usize),
    #[error("Message-IDs {0} and {1} name the same message")]
    Duplicate(usize, usize),
    #[error("Call-ID must be word [\"@\" word] (RFC 3261 25.1)")]
    CallId,
    #[error("tag must be a token (RFC 3261 25.1)")]
    Tag,
    #[error("branch must be a token starting with z9hG4bK (RFC 3261 8.1.1.7)")]
    Branch,
}

/// 64-bit FNV-1a: a fixed, portable hash for ids derived from the given ones.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // Separator so ("ab","c") and ("a","bc") differ.
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn is_callid(s: &[u8]) -> bool {
    let mut parts = s.splitn(2, |b| *b == b'@');
    let word = |w: &[u8]| !w.is_empty() && w.iter().all(|b| chars::is_word(*b));
    parts.next().is_some_and(word) && parts.next().is_none_or(word)
}

fn xml_attr_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Build the retrieval INVITE of OMA IM 7.3.3: for one Message-ID, an INVITE
/// to its retrieval URI with an SDP offer for an MSRP session; for several,
/// one INVITE to the message store (RFC 5366 URI-list service) carrying
/// multipart/mixed with the SDP offer and an RFC 4826 resource list of the
/// retrieval URIs. CRLF line endings, exact Content-Length.
pub fn retrieval_invite(req: &RetrievalRequest<'_>) -> Result<String, RequestError> {
    let from = split_name_addr(req.from.as_bytes()).map_err(RequestError::From)?;
    if !from.params.is_empty() {
        return Err(RequestError::FromParams);
    }
    let from_uri =
        match parse_uri(from.uri).map_err(|e| RequestError::From(e.shifted(from.uri_offset)))? {
            Uri::Sip(u) => u,
            Uri::Absolute(_) => return Err(RequestError::FromScheme),
        };
    parse_hostport(req.store.as_bytes()).map_err(RequestError::Store)?;
    let (local, local_port) =
        parse_hostport(req.local_host.as_bytes()).map_err(RequestError::LocalHost)?;
    if local_port.is_some() {
        return Err(RequestError::LocalHost(UriError {
            offset: local.raw.len(),
            expected: "a host without a port",
            found: Some(b':'),
        }));
    }
    if !is_callid(req.call_id.as_bytes()) {
        return Err(RequestError::CallId);
    }
    if !chars::is_token_str(req.tag.as_bytes()) {
        return Err(RequestError::Tag);
    }
    if !chars::is_token_str(req.branch.as_bytes()) || !req.branch.starts_with("z9hG4bK") {
        return Err(RequestError::Branch);
    }
    if req.message_ids.is_empty() {
        return Err(RequestError::NoMessageId);
    }
    let mut uris: Vec<String> = Vec::with_capacity(req.message_ids.len());
    // Where each URI first came: a duplicate is found in constant time.
    let mut first: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (n, id) in req.message_ids.iter().enumerate() {
        let uri = retrieval_uri(req.scheme, id, req.store).map_err(|e| match e {
            RetrievalUriError::EmptyMessageId => RequestError::EmptyMessageId(n + 1),
            RetrievalUriError::Host(e) => RequestError::Store(e),
        })?;
        if let Some(&prev) = first.get(&uri) {
            return Err(RequestError::Duplicate(prev + 1, n + 1));
        }
        first.insert(uri.clone(), n);
        uris.push(uri);
    }

    let secure = req.scheme == Scheme::Sips;
    let sdp = sdp_offer(&local, secure, req.call_id, req.tag);
    let (request_uri, content_type, body, require) = if let [single] = uris.as_slice() {
        (single.clone(), "application/sdp".to_string(), sdp, None)
    } else {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n\
             <resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\">\r\n\
             \x20 <list>\r\n",
        );
        for u in &uris {
            xml.push_str(&format!("    <entry uri=\"{}\"/>\r\n", xml_attr_escape(u)));
        }
        xml.push_str("  </list>\r\n</resource-lists>\r\n");
        let boundary = (0u64..)
            .map(|n| {
                let h = fnv1a(&[req.call_id.as_bytes(), &n.to_be_bytes(), xml.as_bytes()]);
                format!("sipmsrp-{h:016x}")
            })
            .find(|b| {
                memchr::memmem::find(sdp.as_bytes(), b.as_bytes()).is_none()
                    && memchr::memmem::find(xml.as_bytes(), b.as_bytes()).is_none()
            })
            .unwrap_or_default();
        // The CRLF before each delimiter belongs to the delimiter (RFC 2046
        // 5.1.1), so each part keeps its own final CRLF.
        let body = format!(
            "--{boundary}\r\n\
             Content-Type: application/sdp\r\n\
             \r\n\
             {sdp}\r\n\
             --{boundary}\r\n\
             Content-Type: application/resource-lists+xml\r\n\
             Content-Disposition: recipient-list\r\n\
             \r\n\
             {xml}\r\n\
             --{boundary}--\r\n"
        );
        (
            format!("{}:{}", req.scheme, req.store),
            format!("multipart/mixed;boundary={boundary}"),
            body,
            Some("recipient-list-invite"),
        )
    };

    let transport = if secure { "TLS" } else { "TCP" };
    let from_text = String::from_utf8_lossy(from_uri.raw);
    let from_field = match from.display_name {
        Some(d) => format!("{} <{from_text}>", String::from_utf8_lossy(d)),
        None => format!("<{from_text}>"),
    };
    let contact_user = from_uri
        .user
        .map(|u| format!("{}@", String::from_utf8_lossy(u)))
        .unwrap_or_default();
    let contact_params = if secure { "" } else { ";transport=tcp" };
    let mut msg = String::with_capacity(body.len() + 512);
    msg.push_str(&format!("INVITE {request_uri} SIP/2.0\r\n"));
    msg.push_str(&format!(
        "Via: SIP/2.0/{transport} {};branch={}\r\n",
        local.raw, req.branch
    ));
    msg.push_str("Max-Forwards: 70\r\n");
    msg.push_str(&format!("From: {from_field};tag={}\r\n", req.tag));
    msg.push_str(&format!("To: <{request_uri}>\r\n"));
    msg.push_str(&format!("Call-ID: {}\r\n", req.call_id));
    msg.push_str("CSeq: 1 INVITE\r\n");
    msg.push_str(&format!(
        "Contact: <{}:{contact_user}{}{contact_params}>\r\n",
        req.scheme, local.raw
    ));
    if let Some(r) = require {
        msg.push_str(&format!("Require: {r}\r\n"));
    }
    msg.push_str(&format!("Content-Type: {content_type}\r\n"));
    msg.push_str(&format!("Content-Length: {}\r\n", body.len()));
    msg.push_str("\r\n");
    msg.push_str(&body);
    Ok(msg)
}

/// The SDP offer of an MSRP session (RFC 4975 8.1) that receives the messages.
fn sdp_offer(local: &Host<'_>, secure: bool, call_id: &str, tag: &str) -> String {
    let (addrtype, addr) = match local.kind {
        HostKind::Ipv6(a) => ("IP6", a.to_string()),
        _ => ("IP4", local.raw.to_string()),
    };
    let sess_id = fnv1a(&[call_id.as_bytes()]) >> 1;
    let session = fnv1a(&[call_id.as_bytes(), tag.as_bytes()]);
    let (proto, msrp) = if secure {
        ("TCP/TLS/MSRP", "msrps")
    } else {
        ("TCP/MSRP", "msrp")
    };
    format!(
        "v=0\r\n\
         o=- {sess_id} 1 IN {addrtype} {addr}\r\n\
         s=-\r\n\
         c=IN {addrtype} {addr}\r\n\
         t=0 0\r\n\
         m=message 9 {proto} *\r\n\
         a=accept-types:message/cpim text/plain multipart/mixed\r\n\
         a=path:{msrp}://{}:9/{session:016x};tcp\r\n",
        local.raw
    )
}

// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn err_at(input: &str) -> (usize, &'static str) {
        let e = parse_sip_uri(input.as_bytes()).expect_err(input);
        (e.offset, e.expected)
    }

    #[test]
    fn oma_example_both_ways() {
        let id = b"d0982dkjs@Joemobile.example.net";
        assert_eq!(escape_user(id), "d0982dkjs%40Joemobile.example.net");
        let uri = retrieval_uri(Scheme::Sip, id, "mailserver.example.com").unwrap();
        assert_eq!(
            uri,
            "sip:d0982dkjs%40Joemobile.example.net@mailserver.example.com"
        );
        let u = parse_sip_uri(uri.as_bytes()).unwrap();
        assert_eq!(u.scheme, Scheme::Sip);
        assert_eq!(u.user, Some(&b"d0982dkjs%40Joemobile.example.net"[..]));
        assert_eq!(u.host.raw, "mailserver.example.com");
        assert_eq!(u.host.kind, HostKind::Hostname);
        assert_eq!(u.user_unescaped().unwrap(), id);

        let r =
            parse_retrieval(b"<sip:d0982dkjs%40alicepc.example.org@bob.mailserver.example.com>")
                .unwrap();
        assert_eq!(r.message_id, b"d0982dkjs@alicepc.example.org");
        assert_eq!(r.user_offset, 5);
        assert_eq!(r.uri.unwrap().host.raw, "bob.mailserver.example.com");
    }

    #[test]
    fn unescaped_at_in_user_is_named() {
        let input = "sip:d0982dkjs@Joemobile.example.net@mailserver.example.com";
        let (off, expected) = err_at(input);
        assert_eq!(off, input.rfind('@').unwrap());
        assert_eq!(expected, EXPECT_END_AT);
    }

    #[test]
    fn full_uri_parts() {
        let u = parse_sip_uri(
            b"SIPS:alice:pw%20x@[2001:db8::10]:5061;transport=tcp;lr;maddr=239.255.255.1?subject=hi%20there&priority=",
        )
        .unwrap();
        assert_eq!(u.scheme, Scheme::Sips);
        assert_eq!(u.user, Some(&b"alice"[..]));
        assert_eq!(u.password, Some(&b"pw%20x"[..]));
        assert_eq!(u.host.raw, "[2001:db8::10]");
        assert_eq!(u.host.kind, HostKind::Ipv6("2001:db8::10".parse().unwrap()));
        assert_eq!(u.port, Some(5061));
        assert_eq!(u.params.len(), 3);
        assert_eq!(u.param("TRANSPORT").unwrap().value, Some(&b"tcp"[..]));
        assert_eq!(u.param("lr").unwrap().value, None);
        assert_eq!(u.params[2].raw, b"maddr=239.255.255.1");
        assert_eq!(u.headers.len(), 2);
        assert_eq!(u.headers[0].name, b"subject");
        assert_eq!(u.headers[0].value, b"hi%20there");
        assert_eq!(u.headers[1].value, b"");
    }

    #[test]
    fn hosts() {
        let k = |s: &str| parse_sip_uri(s.as_bytes()).map(|u| u.host.kind);
        assert_eq!(
            k("sip:192.0.2.1:5060").unwrap(),
            HostKind::Ipv4(Ipv4Addr::new(192, 0, 2, 1))
        );
        assert_eq!(k("sip:1.2.3.4.example.com").unwrap(), HostKind::Hostname);
        assert_eq!(k("sip:example.com.").unwrap(), HostKind::Hostname);
        assert_eq!(k("sip:a-b.c").unwrap(), HostKind::Hostname);
        assert!(matches!(
            k("sip:[::ffff:192.0.2.1]").unwrap(),
            HostKind::Ipv6(_)
        ));
        assert_eq!(err_at("sip:1.2.3.256").0, 10);
        assert_eq!(err_at("sip:1.2.3").0, 8);
        assert_eq!(err_at("sip:-a.com").0, 4);
        assert_eq!(err_at("sip:a-.com").0, 5);
        assert_eq!(err_at("sip:a..com").0, 6);
        assert_eq!(err_at("sip:[2001:db8::10").0, 17);
        assert_eq!(err_at("sip:[2001:db8:::1]").0, 5);
        assert_eq!(err_at("sip:2001:db8::10").0, 4);
        assert_eq!(err_at("sip:host:65536").0, 9);
        assert_eq!(err_at("sip:host:").0, 9);
        assert_eq!(err_at("sip:").0, 4);
        assert_eq!(err_at("sip:a_b.com").0, 5);
    }

    #[test]
    fn user_and_escape_errors() {
        assert_eq!(err_at("sip:@host"), (4, "a user part before '@'"));
        assert_eq!(err_at("sip:a b@host").0, 5);
        let e = parse_sip_uri(b"sip:a%4@host").unwrap_err();
        assert_eq!((e.offset, e.expected, e.found), (5, EXPECT_HEX, Some(b'@')));
        let e = parse_sip_uri(b"sip:a%G1@host").unwrap_err();
        assert_eq!((e.offset, e.found), (5, Some(b'G')));
        let e = parse_sip_uri(b"sip:host;p=%").unwrap_err();
        assert_eq!((e.offset, e.found), (11, None));
        assert_eq!(err_at("sip:host;").0, 9);
        assert_eq!(err_at("sip:host;a=").0, 11);
        assert_eq!(err_at("sip:host?a").0, 10);
        assert_eq!(err_at("sip:host>").0, 8);
        assert_eq!(err_at("tel:+1").0, 0);
        assert!(
            e.to_string()
                .starts_with("at byte 11: expected two hex digits")
        );
    }

    #[test]
    fn rfc4475_and_rfc5118_uris() {
        for ok in [
            "sip:vivekg@chair-dnrc.example.com;unknownparam",
            "sip:%61lice@atlanta.com;transport=TCP",
            "sip:sips%3Auser%40example.com@example.net",
            "sip:user;par=u%40example.net@example.com",
            "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
            "sip:null-%00-null@example.com",
            "sip:[2001:db8::10]:5070",
            "sip:[2001:db8::9:255.255.255.255]",
            "sip:user@[2001:db8::10];maddr=[2001:db8::20]",
            "sip:example.com?Route=%3Csip:sip.example.com%3E",
            "sip:+1-212-555-1212:1234@gateway.com;user=phone",
        ] {
            parse_sip_uri(ok.as_bytes()).expect(ok);
        }
        let wacky = parse_sip_uri(
            b"sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
        )
        .unwrap();
        assert_eq!(
            wacky.user,
            Some(&b"1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"[..])
        );
        assert_eq!(
            wacky.password,
            Some(&b"&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"[..])
        );
        let null = parse_sip_uri(b"sip:null-%00-null@example.com").unwrap();
        assert_eq!(null.user_unescaped().unwrap(), b"null-\0-null");
        for bad in [
            "sip:user@example.com:5060:5060",
            "sip:[2001:db8::10:5070",
            "sip:2001:db8::10",
            "sip:user@192.0.2.1 ",
            "sip:<user@example.com>",
            "sip:user@example.com;lr;",
            "sip:user@example.com#frag",
        ] {
            assert!(parse_sip_uri(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn other_schemes() {
        match parse_uri(b"tel:+1-201-555-0123;phone-context=example.com").unwrap() {
            Uri::Absolute(a) => assert_eq!(a.scheme, "tel"),
            Uri::Sip(_) => panic!("tel is not sip"),
        }
        match parse_uri(b"soap.beep://192.0.2.103:3002").unwrap() {
            Uri::Absolute(a) => assert_eq!(a.rest, b"//192.0.2.103:3002"),
            Uri::Sip(_) => panic!(),
        }
        assert!(matches!(parse_uri(b"sip:a@b").unwrap(), Uri::Sip(_)));
        // A sip: URI is never downgraded to absoluteURI.
        assert!(parse_uri(b"sip:a@b c").is_err());
        assert_eq!(parse_uri(b"tel:").unwrap_err().offset, 4);
        assert_eq!(parse_uri(b"tel:1 2").unwrap_err().offset, 5);
        assert_eq!(parse_uri(b"1tel:x").unwrap_err().offset, 0);
    }

    #[test]
    fn escape_every_class() {
        let unreserved = b"azAZ09-_.!~*'()";
        assert_eq!(escape_user(unreserved), "azAZ09-_.!~*'()");
        assert_eq!(escape_user(b"&=+$,;?/"), "&=+$,;?/");
        assert_eq!(
            escape_user(b"@:% <>\"#[]{}|\\^`"),
            "%40%3A%25%20%3C%3E%22%23%5B%5D%7B%7D%7C%5C%5E%60"
        );
        assert_eq!(escape_user(b"\0\x01\x1f\x7f"), "%00%01%1F%7F");
        assert_eq!(escape_user("é€".as_bytes()), "%C3%A9%E2%82%AC");
        assert_eq!(escape_user(&[0xff, 0x80]), "%FF%80");
        for b in 0..=255u8 {
            let e = escape_user(&[b]);
            assert_eq!(e.len() == 1, chars::is_user_char(b), "byte {b:#x}");
            assert_eq!(parse_user_part(e.as_bytes()).unwrap(), e.as_bytes());
        }
    }

    #[test]
    fn unescape_cases() {
        assert_eq!(unescape(b"%25").unwrap(), b"%");
        assert_eq!(unescape(b"%2525").unwrap(), b"%25");
        assert_eq!(unescape(b"a%00b").unwrap(), b"a\0b");
        assert_eq!(unescape(b"%c3%A9").unwrap(), "é".as_bytes());
        assert_eq!(unescape(b"abc%").unwrap_err().index, 3);
        assert_eq!(unescape(b"%4").unwrap_err().index, 0);
        assert_eq!(unescape(b"x%G1").unwrap_err().index, 1);
        assert_eq!(unescape(b"").unwrap(), b"");
    }

    #[test]
    fn canonical_and_normal_forms() {
        assert_eq!(canonical_user(b"%61b%3bc%40").unwrap(), "ab;c%40");
        assert_eq!(normalize_user(b"%61b%3bc%40").unwrap(), "ab%3Bc%40");
        assert_eq!(canonical_user(b"%4").unwrap_err().index, 0);
        assert_eq!(raw_index_of_decoded(b"a%FFb", 1), 1);
        assert_eq!(raw_index_of_decoded(b"a%FFb", 2), 4);
        assert_eq!(raw_index_of_decoded(b"a%FFb", 3), 5);
    }

    #[test]
    fn retrieval_forms() {
        let id = b"d0982dkjs@Joemobile.example.net";
        for input in [
            "sip:d0982dkjs%40Joemobile.example.net@mailserver.example.com",
            "  <sip:d0982dkjs%40Joemobile.example.net@mailserver.example.com>  ",
            "\"Store\" <sip:d0982dkjs%40Joemobile.example.net@mailserver.example.com;transport=tcp?x=y>;tag=1",
            "Joe Store <sips:d0982dkjs%40Joemobile.example.net@mailserver.example.com:5061>",
            "d0982dkjs%40Joemobile.example.net",
        ] {
            let r = parse_retrieval(input.as_bytes()).expect(input);
            assert_eq!(r.message_id, id, "{input}");
            assert_eq!(&input.as_bytes()[r.user_offset..][..r.user.len()], r.user);
        }
        let e = parse_retrieval(b"sip:mailserver.example.com").unwrap_err();
        assert_eq!(e.offset, 4);
        let e = parse_retrieval(b"<sip:a%4@h>").unwrap_err();
        assert_eq!((e.offset, e.expected), (6, EXPECT_HEX));
        let e = parse_retrieval(b"  a%G1").unwrap_err();
        assert_eq!(e.offset, 3);
        let e = parse_retrieval(b"a@b").unwrap_err();
        assert_eq!(e.offset, 1);
        let e = parse_retrieval(b"").unwrap_err();
        assert_eq!((e.offset, e.found), (0, None));
        let e = parse_retrieval(b"<tel:+1>").unwrap_err();
        assert_eq!(e.offset, 1);
        let e = parse_retrieval(b"\"unterminated <sip:a@b>").unwrap_err();
        assert_eq!(e.offset, 23);
        let e = parse_retrieval(b"<sip:a@b> junk").unwrap_err();
        assert_eq!(e.offset, 10);
        let e = parse_retrieval(b"<sip:a@b").unwrap_err();
        assert_eq!(e.offset, 8);
        let e = parse_retrieval(b"Bad@Name <sip:a@b>").unwrap_err();
        assert_eq!(e.offset, 3);
    }

    #[test]
    fn name_addr_quoted_pair() {
        let na = split_name_addr(br#""a \"q\" <b>" <sip:x@y>"#).unwrap();
        assert_eq!(na.display_name, Some(&br#""a \"q\" <b>""#[..]));
        assert_eq!(na.uri, b"sip:x@y");
        assert!(na.angle);
        let na = split_name_addr(b" sip:x@y;transport=tcp ").unwrap();
        assert_eq!(na.uri, b"sip:x@y;transport=tcp");
        assert_eq!(na.uri_offset, 1);
        assert!(!na.angle);
    }

    #[test]
    fn hostport_and_builder_errors() {
        assert!(parse_hostport(b"mailserver.example.com:5060").is_ok());
        assert!(parse_hostport(b"[::1]").is_ok());
        assert_eq!(parse_hostport(b"::1").unwrap_err().offset, 0);
        assert_eq!(parse_hostport(b"a b").unwrap_err().offset, 1);
        assert_eq!(
            retrieval_uri(Scheme::Sips, b"", "h"),
            Err(RetrievalUriError::EmptyMessageId)
        );
        assert!(matches!(
            retrieval_uri(Scheme::Sip, b"x", "bad host"),
            Err(RetrievalUriError::Host(_))
        ));
        assert_eq!(
            retrieval_uri(Scheme::Sips, b"sip:abc@host", "h").unwrap(),
            "sips:sip%3Aabc%40host@h"
        );
    }

    fn request<'a>(ids: &'a [&'a [u8]]) -> RetrievalRequest<'a> {
        RetrievalRequest {
            from: "sip:charlie@example.com",
            store: "mailserver.example.com",
            scheme: Scheme::Sip,
            local_host: "client.invalid",
            call_id: "c1@client.invalid",
            tag: "t1",
            branch: "z9hG4bKb1",
            message_ids: ids,
        }
    }

    fn body_of(msg: &str) -> (&str, &str) {
        msg.split_once("\r\n\r\n").unwrap()
    }

    #[test]
    fn single_invite() {
        let ids: [&[u8]; 1] = [b"d0982dkjs@Joemobile.example.net"];
        let msg = retrieval_invite(&request(&ids)).unwrap();
        let (head, body) = body_of(&msg);
        let ruri = "sip:d0982dkjs%40Joemobile.example.net@mailserver.example.com";
        assert!(head.starts_with(&format!("INVITE {ruri} SIP/2.0\r\n")));
        assert!(head.contains(&format!("\r\nTo: <{ruri}>\r\n")));
        assert!(head.contains("\r\nFrom: <sip:charlie@example.com>;tag=t1\r\n"));
        assert!(head.contains("\r\nVia: SIP/2.0/TCP client.invalid;branch=z9hG4bKb1\r\n"));
        assert!(head.contains("\r\nContact: <sip:charlie@client.invalid;transport=tcp>\r\n"));
        assert!(head.contains(&format!("\r\nContent-Length: {}", body.len())));
        assert!(body.contains("\r\nm=message 9 TCP/MSRP *\r\n"));
        assert!(!msg.replace("\r\n", "").contains('\n'));
        assert_eq!(msg, retrieval_invite(&request(&ids)).unwrap());
    }

    #[test]
    fn multi_invite() {
        let ids: [&[u8]; 2] = [b"32098d@alicepc.example.org", b"a&b"];
        let msg = retrieval_invite(&request(&ids)).unwrap();
        let (head, body) = body_of(&msg);
        assert!(head.starts_with("INVITE sip:mailserver.example.com SIP/2.0\r\n"));
        assert!(head.contains("\r\nRequire: recipient-list-invite\r\n"));
        assert!(head.contains(&format!("\r\nContent-Length: {}", body.len())));
        let boundary = head
            .split("boundary=")
            .nth(1)
            .and_then(|s| s.split("\r\n").next())
            .unwrap();
        assert_eq!(body.matches(boundary).count(), 3);
        assert!(body.ends_with(&format!("--{boundary}--\r\n")));
        assert!(
            body.contains(
                "<entry uri=\"sip:32098d%40alicepc.example.org@mailserver.example.com\"/>"
            )
        );
        assert!(body.contains("<entry uri=\"sip:a&amp;b@mailserver.example.com\"/>"));
        assert!(body.contains("Content-Disposition: recipient-list\r\n"));
    }

    #[test]
    fn request_errors() {
        let ids: [&[u8]; 2] = [b"a", b"%61"];
        // "a" and "%61" are different Message-IDs (the second is escaped to %2561).
        assert!(retrieval_invite(&request(&ids)).is_ok());
        let dup: [&[u8]; 2] = [b"a", b"a"];
        assert_eq!(
            retrieval_invite(&request(&dup)),
            Err(RequestError::Duplicate(1, 2))
        );
        let empty: [&[u8]; 1] = [b""];
        assert_eq!(
            retrieval_invite(&request(&empty)),
            Err(RequestError::EmptyMessageId(1))
        );
        let one: [&[u8]; 1] = [b"x"];
        let mut r = request(&one);
        r.branch = "abc";
        assert_eq!(retrieval_invite(&r), Err(RequestError::Branch));
        let mut r = request(&one);
        r.call_id = "a b";
        assert_eq!(retrieval_invite(&r), Err(RequestError::CallId));
        let mut r = request(&one);
        r.tag = "";
        assert_eq!(retrieval_invite(&r), Err(RequestError::Tag));
        let mut r = request(&one);
        r.from = "tel:+1";
        assert_eq!(retrieval_invite(&r), Err(RequestError::FromScheme));
        let mut r = request(&one);
        r.from = "<sip:a@b>;tag=x";
        assert_eq!(retrieval_invite(&r), Err(RequestError::FromParams));
        let mut r = request(&one);
        r.local_host = "h:5060";
        assert!(matches!(
            retrieval_invite(&r),
            Err(RequestError::LocalHost(_))
        ));
        let none: [&[u8]; 0] = [];
        assert_eq!(
            retrieval_invite(&request(&none)),
            Err(RequestError::NoMessageId)
        );
    }

    #[test]
    fn sips_and_ipv6_local() {
        let one: [&[u8]; 1] = [b"x"];
        let mut r = request(&one);
        r.scheme = Scheme::Sips;
        r.local_host = "[2001:db8::1]";
        let msg = retrieval_invite(&r).unwrap();
        assert!(msg.starts_with("INVITE sips:x@mailserver.example.com SIP/2.0\r\n"));
        assert!(msg.contains("Via: SIP/2.0/TLS [2001:db8::1];branch="));
        assert!(msg.contains("Contact: <sips:charlie@[2001:db8::1]>\r\n"));
        assert!(msg.contains("c=IN IP6 2001:db8::1\r\n"));
        assert!(msg.contains("m=message 9 TCP/TLS/MSRP *\r\n"));
        assert!(msg.contains("a=path:msrps://[2001:db8::1]:9/"));
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        /// Strings over the characters that matter: user chars, '%', hex digits, '@', NUL, non-ASCII.
        fn escaped_user() -> impl Strategy<Value = String> {
            proptest::collection::vec(
                prop_oneof![
                    proptest::sample::select(vec![
                        "a", "Z", "0", "-", "_", ".", "!", "~", "*", "'", "(", ")", "&", "=", "+",
                        "$", ",", ";", "?", "/"
                    ])
                    .prop_map(str::to_string),
                    any::<u8>().prop_map(|b| format!("%{b:02X}")),
                    any::<u8>().prop_map(|b| format!("%{b:02x}")),
                ],
                1..40,
            )
            .prop_map(|v| v.concat())
        }

        proptest! {
            #[test]
            fn unescape_inverts_escape_bytes(x in proptest::collection::vec(any::<u8>(), 0..200)) {
                prop_assert_eq!(unescape(escape_user(&x).as_bytes()).unwrap(), x);
            }

            #[test]
            fn unescape_inverts_escape_unicode(s in any::<String>()) {
                let e = escape_user(s.as_bytes());
                prop_assert!(e.bytes().all(|b| chars::is_user_char(b) || b == b'%' || chars::is_hex(b)));
                prop_assert_eq!(unescape(e.as_bytes()).unwrap(), s.as_bytes());
            }

            #[test]
            fn escaped_ids_make_valid_uris(x in proptest::collection::vec(any::<u8>(), 1..100)) {
                let uri = retrieval_uri(Scheme::Sip, &x, "store.example.com").unwrap();
                let parsed = parse_sip_uri(uri.as_bytes()).unwrap();
                prop_assert_eq!(parsed.host.raw, "store.example.com");
                prop_assert!(parsed.params.is_empty() && parsed.headers.is_empty());
                prop_assert_eq!(parsed.user_unescaped().unwrap(), x.clone());
                let r = parse_retrieval(uri.as_bytes()).unwrap();
                prop_assert_eq!(r.message_id, x);
            }

            #[test]
            fn escape_of_unescape_is_canonical(u in escaped_user()) {
                parse_user_part(u.as_bytes()).unwrap();
                let c = escape_user(&unescape(u.as_bytes()).unwrap());
                // Same Message-ID, and a fixed point.
                prop_assert_eq!(unescape(c.as_bytes()).unwrap(), unescape(u.as_bytes()).unwrap());
                prop_assert_eq!(canonical_user(c.as_bytes()).unwrap(), c.clone());
                prop_assert_eq!(canonical_user(u.as_bytes()).unwrap(), c.clone());
                // RFC 3261 19.1.4: equivalent to the input unless the input
                // escaped a user-unreserved (hence reserved) character.
                let b = u.as_bytes();
                let escapes_user_unreserved = (0..b.len()).any(|i| {
                    b[i] == b'%' && unescape(&b[i..i + 3]).is_ok_and(|d| chars::is_user_unreserved(d[0]))
                });
                if !escapes_user_unreserved {
                    prop_assert_eq!(normalize_user(c.as_bytes()).unwrap(), normalize_user(u.as_bytes()).unwrap());
                }
            }

            #[test]
            fn parsers_never_panic(x in proptest::collection::vec(any::<u8>(), 0..80)) {
                let _ = parse_sip_uri(&x);
                let _ = parse_uri(&x);
                let _ = parse_retrieval(&x);
                let _ = parse_hostport(&x);
                let _ = normalize_user(&x);
                if let Err(e) = unescape(&x) {
                    prop_assert_eq!(x[e.index], b'%');
                }
            }

            #[test]
            fn sip_prefixed_noise_never_panics(s in "(sip|sips|SIP):[a-z0-9%@:;=?&\\[\\].<>\" -]{0,40}") {
                if let Ok(u) = parse_sip_uri(s.as_bytes()) {
                    // What parses re-parses to the same view.
                    prop_assert_eq!(parse_sip_uri(u.raw).unwrap(), u.clone());
                    if let Some(user) = u.user {
                        prop_assert!(unescape(user).is_ok());
                    }
                }
                let _ = parse_retrieval(s.as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod msrp_uri_tests {
    use super::*;

    #[test]
    fn msrp_uris_of_rfc_4975_parse() {
        let u = parse_msrp_uri(b"msrp://atlanta.example.com:7654/jshA7weztas;tcp").unwrap();
        assert!(!u.secure);
        assert_eq!(u.port, Some(7654));
        assert_eq!(u.session_id, Some(&b"jshA7weztas"[..]));
        assert_eq!(u.transport, b"tcp");
        let u = parse_msrp_uri(b"msrp://alice;x@host.example.com:1/s;tcp").unwrap();
        assert_eq!(u.userinfo, Some(&b"alice;x"[..]));
        assert_eq!(u.transport, b"tcp");
        let u = parse_msrp_uri(b"MSRPS://bob@[2001:db8::1]:9/s+=/x;tcp;foo=bar;baz").unwrap();
        assert!(u.secure);
        assert_eq!(u.userinfo, Some(&b"bob"[..]));
        assert!(
            parse_msrp_uri(b"msrp://192.0.2.1:2855;tcp")
                .unwrap()
                .session_id
                .is_none()
        );
        let path =
            parse_msrp_path(b"msrp://a.example.com:1/x;tcp msrps://b.example.com/y;tls").unwrap();
        assert_eq!(path.len(), 2);
    }

    #[test]
    fn broken_msrp_uris_are_refused_where_they_break() {
        for (bad, at) in [
            (&b"msrp://@@@:::/;;;"[..], 7),
            (b"sip:a@b", 0),
            (b"msrp:/a.example.com/x;tcp", 5),
            (b"msrp://a.example.com/x", 22),
            (b"msrp://a.example.com/x;", 23),
            (b"msrp://a.example.com/;tcp", 21),
            (b"msrp://a.example.com/x!y;tcp", 22),
            (b"msrp://a.example.com:99999/x;tcp", 21),
            (b"msrp:///x;tcp", 7),
            (b"msrp://a.example.com/x;tcp;=v", 27),
        ] {
            let e = parse_msrp_uri(bad).unwrap_err();
            assert_eq!(e.offset, at, "{}: {e}", String::from_utf8_lossy(bad));
        }
        for bad in [
            &b""[..],
            b" msrp://a.example.com/x;tcp",
            b"msrp://a.example.com/x;tcp ",
            b"msrp://a.example.com/x;tcp  msrp://b.example.com/y;tcp",
        ] {
            assert!(
                parse_msrp_path(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}

/// Where each grammar's errors point, and what it accepts at the edges:
/// written by hand from RFC 4975 9 (MSRP URIs and paths) and RFC 3261 25.1,
/// so that an offset off by one or a test turned around is caught.
#[cfg(test)]
mod places {
    use super::*;

    /// (offset, expected, found) of a parse error.
    fn at<T: std::fmt::Debug>(r: Result<T, UriError>) -> (usize, &'static str, Option<u8>) {
        let e = r.unwrap_err();
        (e.offset, e.expected, e.found)
    }

    #[test]
    fn msrp_uri_errors_point_at_the_offending_byte() {
        let transport = "\";\" and the transport";
        for (input, offset, expected, found) in [
            ("msrpx", 5, "\"msrp://\" or \"msrps://\"", None),
            (
                "sip://h/s;tcp",
                0,
                "\"msrp://\" or \"msrps://\"",
                Some(b's'),
            ),
            ("msrp:h/s;tcp", 5, "\"//\"", Some(b'h')),
            (
                "msrp://u%4g@h/s;tcp",
                8,
                "two hex digits after '%'",
                Some(b'%'),
            ),
            (
                "msrp://%41%42<@h/s;tcp",
                13,
                "a userinfo character",
                Some(b'<'),
            ),
            ("msrp://a@b@h/s;tcp", 8, "a userinfo character", Some(b'@')),
            ("msrp://u@/s;tcp", 9, "a host", Some(b'/')),
            ("msrp://h/s!d;tcp", 10, "a session-id character", Some(b'!')),
            ("msrp://h/;tcp", 9, "a session-id", Some(b';')),
            ("msrp://h/s", 10, transport, None),
            ("msrp://h/s/tc", 13, transport, None),
            ("msrp://h/s;", 11, "a transport (1*ALPHANUM)", None),
            ("msrp://h/s;t-p", 11, "a transport (1*ALPHANUM)", Some(b't')),
            (
                "msrp://h/s;tcp;=x",
                15,
                "a URI parameter (token)",
                Some(b'='),
            ),
            ("msrp://h/s;tcp;a=", 17, "a parameter value (token)", None),
            (
                "msrp://h/s;tcp;a=b;c d",
                19,
                "a URI parameter (token)",
                Some(b'c'),
            ),
            (
                "msrp://h/s;tcp;ab=c;d=e f",
                22,
                "a parameter value (token)",
                Some(b'e'),
            ),
        ] {
            assert_eq!(
                at(parse_msrp_uri(input.as_bytes())),
                (offset, expected, found),
                "{input}"
            );
        }
        // A host error is placed in the whole URI, after the userinfo.
        let (offset, _, found) = at(parse_msrp_uri(b"msrp://u@h:x/s;tcp"));
        assert_eq!((offset, found), (11, Some(b'x')));
        let (offset, _, found) = at(parse_msrp_uri(b"msrp://h:99999/s;tcp"));
        assert_eq!((offset, found), (9, Some(b'9')));
    }

    #[test]
    fn msrp_uri_parts() {
        // A userinfo may end with ';' (RFC 3986 sub-delims): it ends
        // nothing before the host.
        let u = parse_msrp_uri(b"msrp://a;@h:9/s;tcp").unwrap();
        assert_eq!(
            (u.userinfo, u.host.raw, u.port),
            (Some(&b"a;"[..]), "h", Some(9))
        );
        let u = parse_msrp_uri(b"MSRPS://a;b%41@h.example:9/s+=/x;tcp;k=v;flag").unwrap();
        assert!(u.secure);
        assert_eq!(u.userinfo, Some(&b"a;b%41"[..]));
        assert_eq!(u.host.raw, "h.example");
        assert_eq!(u.port, Some(9));
        assert_eq!(u.session_id, Some(&b"s+=/x"[..]));
        assert_eq!(u.transport, b"tcp");
        let u = parse_msrp_uri(b"msrp://[2001:db8::1]:2855;tcp").unwrap();
        assert!(!u.secure);
        assert_eq!(u.userinfo, None);
        assert_eq!(u.host.kind, HostKind::Ipv6("2001:db8::1".parse().unwrap()));
        assert_eq!(u.session_id, None);
    }

    #[test]
    fn msrp_path_errors_are_placed_in_the_whole_path() {
        let path = b"msrp://a/s;tcp msrp://b/s;t-p";
        assert_eq!(at(parse_msrp_path(path)).0, 26);
        let path = b"msrp://a/s;tcp msrp://bb/s;tcp msrp://c/s;t-p";
        assert_eq!(at(parse_msrp_path(path)).0, 42);
        assert_eq!(
            parse_msrp_path(b"msrp://a/s;tcp msrp://b/t;tcp")
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn raw_index_of_decoded_counts_an_escape_as_one_byte() {
        let raw = b"a%41b%42%43c";
        // Decoded: a A b B C c.
        for (d, want) in [
            (0, 0),
            (1, 1),
            (2, 4),
            (3, 5),
            (4, 8),
            (5, 11),
            (6, 12),
            (9, 12),
        ] {
            assert_eq!(raw_index_of_decoded(raw, d), want, "{d}");
        }
        // A stray '%' is one byte.
        assert_eq!(raw_index_of_decoded(b"%4x", 1), 1);
        assert_eq!(raw_index_of_decoded(b"", 3), 0);
    }

    #[test]
    fn user_and_host_edges() {
        // Four dot-separated numbers are an IPv4 address; a label that is
        // not all digits makes a hostname.
        let u = parse_sip_uri(b"sip:a@1.2.3.abc").unwrap();
        assert_eq!(u.host.kind, HostKind::Hostname);
        let u = parse_sip_uri(b"sip:a@1.2.3.4").unwrap();
        assert_eq!(u.host.kind, HostKind::Ipv4([1, 2, 3, 4].into()));
        // Four numbers, one too long: no address, and no hostname either
        // (a top label starts with a letter).
        assert!(parse_sip_uri(b"sip:a@1.2.3.1234").is_err());
        assert!(parse_sip_uri(b"sip:a@1.2.3.256").is_err());
        // After a password, the error names the password.
        let (_, expected, _) = at(parse_sip_uri(b"sip:a:b<@h"));
        assert_eq!(expected, "a password character, %XX escape or '@'");
        let (_, expected, _) = at(parse_sip_uri(b"sip:a<@h"));
        assert_eq!(expected, EXPECT_USER_OR_AT);
        // Any scheme's URI: reserved, unreserved and brackets.
        for ok in ["mailto:a@b", "http://x/a[b]?c=d", "tel:+1-212-555"] {
            assert!(parse_uri(ok.as_bytes()).is_ok(), "{ok}");
        }
        // A user part with '@' says how to escape it.
        let (offset, expected, _) = at(parse_user_part(b"abc@def"));
        assert_eq!(offset, 3);
        assert!(expected.contains("'@' is %40"), "{expected}");
        let (_, expected, _) = at(parse_user_part(b"abc<def"));
        assert!(!expected.contains("%40"), "{expected}");
    }

    #[test]
    fn name_addr_errors_point_at_the_offending_byte() {
        for (input, offset, expected) in [
            (" \"Bob", 5, "'\"' closing the display name"),
            ("  \"Bo\\", 6, "a character after '\\'"),
            (
                "\"B\\\"o\\\\\" x <sip:a@b>",
                9,
                "'<' after the display name",
            ),
            ("\"Bob\"  sip:a@b", 7, "'<' after the display name"),
            (
                "  Bob @home <sip:a@b>",
                6,
                "a display name of tokens (quote other characters) before '<'",
            ),
            (" <sip:a@b", 9, "'>' closing the URI"),
            (
                " <sip:a@b> x",
                11,
                "the end of input or ';' parameters after '>'",
            ),
        ] {
            let e = split_name_addr(input.as_bytes()).unwrap_err();
            assert_eq!((e.offset, e.expected), (offset, expected), "{input}");
        }
    }

    #[test]
    fn name_addr_parts_and_where_the_uri_is() {
        let input = b"  \"A \\\"B\\\"\" \t<sip:a@b;lr> ;tag=1 ";
        let n = split_name_addr(input).unwrap();
        assert_eq!(n.display_name, Some(&b"\"A \\\"B\\\"\""[..]));
        assert_eq!(n.uri, b"sip:a@b;lr");
        assert_eq!(&input[n.uri_offset..n.uri_offset + n.uri.len()], n.uri);
        assert!(n.angle);
        assert_eq!(n.params, b";tag=1");
        let input = b" Bob  Smith <sips:x@y>";
        let n = split_name_addr(input).unwrap();
        assert_eq!(n.display_name, Some(&b"Bob  Smith"[..]));
        assert_eq!(n.uri_offset, 13);
        let n = split_name_addr(b"<sip:x@y>").unwrap();
        assert_eq!((n.display_name, n.uri_offset), (None, 1));
        let n = split_name_addr(b"\t sip:x@y ").unwrap();
        assert_eq!((n.uri, n.uri_offset, n.angle), (&b"sip:x@y"[..], 2, false));
        assert_eq!(n.params, b"");
    }

    /// The ids derived for a retrieval INVITE are FNV-1a 64 (values
    /// computed outside the crate), each part closed by a separator.
    #[test]
    fn derived_ids_are_fnv1a_with_separators() {
        assert_eq!(fnv1a(&[b"a"]), 0x089b_c907_b544_c769);
        assert_eq!(fnv1a(&[b"call-1", b"tag"]), 0x481d_5451_9fec_afc5);
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
    }

    /// SDP's sess-id is a number that a signed 64-bit reader takes too
    /// (RFC 4566 5.2 advises an NTP timestamp; many stacks parse it as
    /// i64); the session-id of the path is the whole 64-bit id.
    #[test]
    fn sdp_ids_fit_and_follow_the_call() {
        let (host, _) = parse_hostport(b"192.0.2.1").unwrap();
        let mut ids = std::collections::HashSet::new();
        for i in 0..64 {
            let call_id = format!("call-{i}");
            let sdp = sdp_offer(&host, false, &call_id, "tag");
            let o = sdp.lines().find_map(|l| l.strip_prefix("o=- ")).unwrap();
            let id: u64 = o.split(' ').next().unwrap().parse().unwrap();
            assert_eq!(id, fnv1a(&[call_id.as_bytes()]) / 2, "{call_id}");
            assert!(i64::try_from(id).is_ok());
            ids.insert(id);
        }
        assert_eq!(ids.len(), 64);
        let sdp = sdp_offer(&host, true, "call-1", "tag");
        assert!(
            sdp.contains("a=path:msrps://192.0.2.1:9/481d54519fecafc5;tcp\r\n"),
            "{sdp}"
        );
        assert!(sdp.contains("m=message 9 TCP/TLS/MSRP *\r\n"));
    }
}
