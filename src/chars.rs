//! RFC 3261 (section 25.1) character classes, as one table.
//!
//! Every grammar in the crate (framing, headers, URIs, escaping) asks this
//! table, so the URI escaper and the URI parser cannot drift apart.

const ALPHA: u16 = 1 << 0;
const DIGIT: u16 = 1 << 1;
/// RFC 3261 `mark`: - _ . ! ~ * ' ( )
const MARK: u16 = 1 << 2;
/// RFC 3261 `token` characters (alphanum and - . ! % * _ + ` ' ~).
const TOKEN: u16 = 1 << 3;
/// RFC 3261 `user-unreserved`: & = + $ , ; ? /
const USER_UNRESERVED: u16 = 1 << 4;
/// RFC 3261 `param-unreserved`: [ ] / : & + $
const PARAM_UNRESERVED: u16 = 1 << 5;
/// RFC 3261 `hnv-unreserved`: [ ] / ? : + $
const HNV_UNRESERVED: u16 = 1 << 6;
/// RFC 3261 `password` extra characters: & = + $ ,
const PASSWORD_EXTRA: u16 = 1 << 7;
/// RFC 3261 `word` extra characters beyond token: ( ) < > : \ " / [ ] ? { }
const WORD_EXTRA: u16 = 1 << 8;
const HEX: u16 = 1 << 9;
/// RFC 3261 `reserved`: ; / ? : @ & = + $ ,
const RESERVED: u16 = 1 << 10;

const fn build() -> [u16; 256] {
    let mut t = [0u16; 256];
    let mut c = 0usize;
    while c < 256 {
        let b = c as u8;
        let mut f = 0u16;
        if b.is_ascii_alphabetic() {
            f |= ALPHA | TOKEN;
        }
        if b.is_ascii_digit() {
            f |= DIGIT | TOKEN;
        }
        if b.is_ascii_hexdigit() {
            f |= HEX;
        }
        match b {
            b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')' => f |= MARK,
            _ => {}
        }
        match b {
            b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~' => f |= TOKEN,
            _ => {}
        }
        match b {
            b'&' | b'=' | b'+' | b'$' | b',' | b';' | b'?' | b'/' => f |= USER_UNRESERVED,
            _ => {}
        }
        match b {
            b'[' | b']' | b'/' | b':' | b'&' | b'+' | b'$' => f |= PARAM_UNRESERVED,
            _ => {}
        }
        match b {
            b'[' | b']' | b'/' | b'?' | b':' | b'+' | b'$' => f |= HNV_UNRESERVED,
            _ => {}
        }
        match b {
            b'&' | b'=' | b'+' | b'$' | b',' => f |= PASSWORD_EXTRA,
            _ => {}
        }
        match b {
            b'(' | b')' | b'<' | b'>' | b':' | b'\\' | b'"' | b'/' | b'[' | b']' | b'?' | b'{'
            | b'}' => f |= WORD_EXTRA,
            _ => {}
        }
        match b {
            b';' | b'/' | b'?' | b':' | b'@' | b'&' | b'=' | b'+' | b'$' | b',' => f |= RESERVED,
            _ => {}
        }
        t[c] = f;
        c += 1;
    }
    t
}

static TABLE: [u16; 256] = build();

#[inline]
fn has(b: u8, class: u16) -> bool {
    TABLE[b as usize] & class != 0
}

/// RFC 3261 `alphanum`.
#[inline]
pub fn is_alphanum(b: u8) -> bool {
    has(b, ALPHA | DIGIT)
}

/// RFC 3261 `token` character.
#[inline]
pub fn is_token(b: u8) -> bool {
    has(b, TOKEN)
}

/// RFC 3261 `unreserved` = alphanum / mark.
#[inline]
pub fn is_unreserved(b: u8) -> bool {
    has(b, ALPHA | DIGIT | MARK)
}

/// RFC 3261 `reserved`.
#[inline]
pub fn is_reserved(b: u8) -> bool {
    has(b, RESERVED)
}

/// RFC 3261 `user-unreserved`.
#[inline]
pub fn is_user_unreserved(b: u8) -> bool {
    has(b, USER_UNRESERVED)
}

/// A byte allowed unescaped in the RFC 3261 `user` rule (unreserved / user-unreserved).
#[inline]
pub fn is_user_char(b: u8) -> bool {
    has(b, ALPHA | DIGIT | MARK | USER_UNRESERVED)
}

/// A byte allowed unescaped in the RFC 3261 `password` rule.
#[inline]
pub fn is_password_char(b: u8) -> bool {
    has(b, ALPHA | DIGIT | MARK | PASSWORD_EXTRA)
}

/// A byte allowed unescaped in URI `paramchar` (param-unreserved / unreserved).
#[inline]
pub fn is_param_char(b: u8) -> bool {
    has(b, ALPHA | DIGIT | MARK | PARAM_UNRESERVED)
}

/// A byte allowed unescaped in URI header names and values (hnv-unreserved / unreserved).
#[inline]
pub fn is_hnv_char(b: u8) -> bool {
    has(b, ALPHA | DIGIT | MARK | HNV_UNRESERVED)
}

/// RFC 3261 `word` character (Call-ID).
#[inline]
pub fn is_word(b: u8) -> bool {
    has(b, TOKEN | WORD_EXTRA)
}

#[inline]
pub fn is_hex(b: u8) -> bool {
    has(b, HEX)
}

/// The octet a `%XX` escape at `at` of `bytes` stands for (RFC 3986 2.1,
/// RFC 3261 25.1 `escaped`: `%` and two hex digits of either case); None
/// when no escape starts there. Every grammar decodes escapes with it.
pub fn escape_at(bytes: &[u8], at: usize) -> Option<u8> {
    let digit = |b: u8| char::from(b).to_digit(16);
    match bytes.get(at..at.checked_add(3)?)? {
        [b'%', h, l] => u8::try_from(digit(*h)? * 16 + digit(*l)?).ok(),
        _ => None,
    }
}

/// RFC 3261 (RFC 2396) `scheme` character after the first: ALPHA / DIGIT / "+" / "-" / ".".
#[inline]
pub fn is_scheme_char(b: u8) -> bool {
    has(b, ALPHA | DIGIT) || matches!(b, b'+' | b'-' | b'.')
}

/// True when every byte is a token character and there is at least one.
pub fn is_token_str(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_token(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_match_rfc3261() {
        for b in b"abcXYZ019-.!%*_+`'~" {
            assert!(is_token(*b), "{}", *b as char);
        }
        for b in b" \t:@<>\"/()[]{}?=,;" {
            assert!(!is_token(*b), "{}", *b as char);
        }
        for b in b"&=+$,;?/" {
            assert!(is_user_char(*b));
        }
        for b in b"@:% <>\"#" {
            assert!(!is_user_char(*b), "{}", *b as char);
        }
        assert!(is_word(b'<') && is_word(b'"') && !is_word(b'@') && !is_word(b' '));
        assert!(is_param_char(b':') && !is_param_char(b'='));
        assert!(is_hnv_char(b'?') && !is_hnv_char(b'&'));
    }

    #[test]
    fn escapes_decode_to_their_octet() {
        // Every octet, in both hex cases, decodes to itself.
        for v in 0..=255u8 {
            for text in [format!("%{v:02x}"), format!("%{v:02X}")] {
                assert_eq!(escape_at(text.as_bytes(), 0), Some(v), "{text}");
            }
        }
        assert_eq!(escape_at(b"ab%3Bc", 2), Some(b';'));
        for bad in [&b"%"[..], b"%4", b"%4g", b"%g4", b"%-1", b"x41", b"%+1"] {
            assert_eq!(escape_at(bad, 0), None, "{}", String::from_utf8_lossy(bad));
        }
        // Past the end, or too near it.
        assert_eq!(escape_at(b"%41", 1), None);
        assert_eq!(escape_at(b"%41", usize::MAX), None);
    }
}
