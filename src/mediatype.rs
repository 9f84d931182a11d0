//! Content-Type values (RFC 3261 `media-type`, RFC 2045).
//!
//! The `mime` crate is not used for parsing: it rejects the linear whitespace
//! that RFC 3261 allows around `/`, `;` and `=` (SWS), and it would copy what
//! we keep as borrowed views. Its constants name the top-level types we test.

use std::borrow::Cow;

use nom::IResult;
use nom::Parser;
use nom::bytes::complete::{take_while, take_while1};
use nom::combinator::opt;

use crate::chars;

/// One `;name=value` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param<'a> {
    pub name: &'a [u8],
    /// The value as written (with its quotes when quoted).
    pub raw: &'a [u8],
    /// Written as a quoted-string.
    pub quoted: bool,
    /// The value follows the grammar (token or quoted-string).
    pub valid: bool,
}

impl<'a> Param<'a> {
    /// The value with quotes and quoted-pairs removed.
    pub fn value(&self) -> Cow<'a, [u8]> {
        if !self.quoted {
            return Cow::Borrowed(self.raw);
        }
        let inner = &self.raw[1..self.raw.len() - 1];
        if !inner.contains(&b'\\') {
            return Cow::Borrowed(inner);
        }
        let mut out = Vec::with_capacity(inner.len());
        let mut i = 0;
        while i < inner.len() {
            if inner[i] == b'\\' && i + 1 < inner.len() {
                i += 1;
            }
            out.push(inner[i]);
            i += 1;
        }
        Cow::Owned(out)
    }
}

/// A parsed media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaType<'a> {
    pub raw: &'a [u8],
    pub type_: &'a [u8],
    pub subtype: &'a [u8],
    pub params: Vec<Param<'a>>,
}

fn is_lws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn sws(i: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while(is_lws).parse(i)
}

fn token(i: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while1(chars::is_token).parse(i)
}

fn byte(c: u8) -> impl Fn(&[u8]) -> IResult<&[u8], u8> {
    move |i: &[u8]| match i.first() {
        Some(&b) if b == c => Ok((&i[1..], b)),
        _ => Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Char,
        ))),
    }
}

/// A quoted-string including its quotes.
fn quoted(i: &[u8]) -> IResult<&[u8], &[u8]> {
    let (_, _) = byte(b'"')(i)?;
    let mut j = 1;
    while j < i.len() {
        match i[j] {
            b'\\' => j += 2,
            b'"' => return Ok((&i[j + 1..], &i[..j + 1])),
            _ => j += 1,
        }
    }
    Err(nom::Err::Error(nom::error::Error::new(
        i,
        nom::error::ErrorKind::Char,
    )))
}

fn param(i: &[u8]) -> IResult<&[u8], Param<'_>> {
    let (i, _) = (sws, byte(b';'), sws).parse(i)?;
    let (i, name) = token(i)?;
    let (i, eq) = opt((sws, byte(b'='), sws)).parse(i)?;
    if eq.is_none() {
        return Ok((
            i,
            Param {
                name,
                raw: &name[name.len()..],
                quoted: false,
                valid: true,
            },
        ));
    }
    if let Ok((rest, q)) = quoted(i) {
        return Ok((
            rest,
            Param {
                name,
                raw: q,
                quoted: true,
                valid: true,
            },
        ));
    }
    // A token, or (lenient) whatever runs to the next `;`.
    let end = i.iter().position(|&b| b == b';').unwrap_or(i.len());
    let raw = i[..end].trim_ascii_end();
    let valid = chars::is_token_str(raw);
    Ok((
        &i[raw.len()..],
        Param {
            name,
            raw,
            quoted: false,
            valid,
        },
    ))
}

impl<'a> MediaType<'a> {
    /// Parse `type/subtype *(;param)`, tolerating RFC 3261 SWS. `None` when
    /// there is no `type/subtype` at all.
    pub fn parse(raw: &'a [u8]) -> Option<MediaType<'a>> {
        let raw = raw.trim_ascii();
        let (i, (_, type_, _, _, _, subtype)) =
            (sws, token, sws, byte(b'/'), sws, token).parse(raw).ok()?;
        let mut params = Vec::new();
        let mut rest = i;
        while let Ok((r, p)) = param(rest) {
            params.push(p);
            if r.len() == rest.len() {
                break;
            }
            rest = r;
        }
        Some(MediaType {
            raw,
            type_,
            subtype,
            params,
        })
    }

    /// Case-insensitive type/subtype test.
    pub fn is(&self, type_: &str, subtype: &str) -> bool {
        self.type_.eq_ignore_ascii_case(type_.as_bytes())
            && self.subtype.eq_ignore_ascii_case(subtype.as_bytes())
    }

    pub fn is_multipart(&self) -> bool {
        self.type_
            .eq_ignore_ascii_case(mime::MULTIPART.as_str().as_bytes())
    }

    /// `type/subtype` in lower case.
    pub fn essence(&self) -> String {
        format!(
            "{}/{}",
            String::from_utf8_lossy(self.type_).to_ascii_lowercase(),
            String::from_utf8_lossy(self.subtype).to_ascii_lowercase()
        )
    }

    pub fn param(&self, name: &str) -> Option<&Param<'a>> {
        self.params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name.as_bytes()))
    }

    /// The boundary parameter, unquoted. Typographic quotes (U+201C/U+201D)
    /// around it are removed here; the lint reports them.
    pub fn boundary(&self) -> Option<Cow<'a, [u8]>> {
        let p = self.param("boundary")?;
        if p.quoted {
            return Some(p.value());
        }
        Some(Cow::Borrowed(strip_smart_quotes(p.raw)))
    }

    /// Unparsed bytes after the last parameter (garbage).
    pub fn trailing(&self) -> &'a [u8] {
        let end = self
            .params
            .last()
            .map(|p| crate::finding::offset_in(self.raw, p.raw) + p.raw.len())
            .unwrap_or_else(|| {
                crate::finding::offset_in(self.raw, self.subtype) + self.subtype.len()
            });
        self.raw[end.min(self.raw.len())..].trim_ascii()
    }
}

const LEFT_DQ: &[u8] = "\u{201C}".as_bytes();
const RIGHT_DQ: &[u8] = "\u{201D}".as_bytes();

/// Remove typographic double quotes (either kind, either side).
pub fn strip_smart_quotes(v: &[u8]) -> &[u8] {
    let mut v = v;
    for q in [LEFT_DQ, RIGHT_DQ] {
        v = v.strip_prefix(q).unwrap_or(v);
    }
    for q in [LEFT_DQ, RIGHT_DQ] {
        v = v.strip_suffix(q).unwrap_or(v);
    }
    v
}

/// The value carries typographic quotes.
pub fn has_smart_quotes(v: &[u8]) -> bool {
    // Both quotes start with 0xE2; most values have no such byte at all.
    memchr::memchr(0xE2, v).is_some()
        && (memchr::memmem::find(v, LEFT_DQ).is_some()
            || memchr::memmem::find(v, RIGHT_DQ).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_lws_everywhere() {
        let m = MediaType::parse(b"multipart/mixed ; boundary = \"b\\\"42\" ;x=y").unwrap();
        assert!(m.is("Multipart", "MIXED"));
        assert!(m.is_multipart());
        assert_eq!(m.boundary().as_deref(), Some(&b"b\"42"[..]));
        assert_eq!(m.param("x").unwrap().raw, b"y");
        let m = MediaType::parse(b"text / plain").unwrap();
        assert_eq!(m.essence(), "text/plain");
        assert!(MediaType::parse(b"text").is_none());
    }

    #[test]
    fn smart_quotes_are_kept_visible_but_stripped_for_use() {
        let raw = "multipart/mixed;boundary=\u{201D}boundary42\u{201D}".as_bytes();
        let m = MediaType::parse(raw).unwrap();
        let p = m.param("boundary").unwrap();
        assert!(!p.valid);
        assert!(has_smart_quotes(p.raw));
        assert_eq!(m.boundary().as_deref(), Some(&b"boundary42"[..]));
    }
}
