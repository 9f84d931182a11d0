//! Allocation-free scanning helpers for the rules (the core's equivalents
//! return vectors; the rules run on every header of every message).

use crate::header::Hdr;
use crate::sip::SipMessage;

/// The items of a list value split at commas outside quoted strings and
/// `<...>`, trimmed, empty ones left out: what
/// [`crate::header::split_commas`] returns, as an iterator.
pub(crate) fn comma_items(value: &[u8]) -> CommaItems<'_> {
    CommaItems { value, pos: 0 }
}

pub(crate) struct CommaItems<'a> {
    value: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for CommaItems<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let v = self.value;
        while self.pos <= v.len() {
            let start = self.pos;
            let end = item_end(v, start);
            self.pos = end + 1;
            let item = v[start.min(end)..end].trim_ascii();
            if !item.is_empty() {
                return Some(item);
            }
        }
        None
    }
}

/// Where the item starting at `start` ends: the next comma outside quoted
/// strings and `<...>`, or the end. Jumps between the bytes that matter.
fn item_end(v: &[u8], start: usize) -> usize {
    let mut i = start;
    let mut in_angle = false;
    while i < v.len() {
        let found = if in_angle {
            memchr::memchr2(b'"', b'>', &v[i..])
        } else {
            memchr::memchr3(b',', b'"', b'<', &v[i..])
        };
        let Some(k) = found else {
            return v.len();
        };
        let at = i + k;
        match v[at] {
            b',' => return at,
            b'<' => in_angle = true,
            b'>' => in_angle = false,
            _ => {
                // A quoted string: to its closing quote (`\` escapes a byte).
                let mut j = at + 1;
                while j < v.len() && v[j] != b'"' {
                    j += if v[j] == b'\\' { 2 } else { 1 };
                }
                if j >= v.len() {
                    return v.len();
                }
                i = j + 1;
                continue;
            }
        }
        i = at + 1;
    }
    v.len()
}

/// The sender asked for anonymity: a Privacy value `id`, `header` or `user`
/// (RFC 3323/3325), as [`SipMessage::wants_anonymity`] decides it.
pub(crate) fn wants_anonymity(msg: &SipMessage<'_>) -> bool {
    msg.headers.iter().filter(|h| h.is(Hdr::Privacy)).any(|h| {
        h.value
            .split(|&b| b == b';' || b == b',')
            .map(<[u8]>::trim_ascii)
            .any(|p| {
                p.eq_ignore_ascii_case(b"id")
                    || p.eq_ignore_ascii_case(b"header")
                    || p.eq_ignore_ascii_case(b"user")
            })
    })
}

/// The value of the first `;name[=value]` parameter called `name` (ASCII
/// case-insensitive, quotes respected; empty when it has no value). The
/// core's parameter iterator is lazy, so this allocates nothing.
pub(crate) fn param_value<'a>(params: &'a [u8], name: &str) -> Option<&'a [u8]> {
    crate::sip::find_param(params, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::split_commas;

    #[test]
    fn comma_items_agree_with_split_commas() {
        for v in [
            &b""[..],
            b",",
            b" a , b ",
            b"<sip:a,b@x>;p=1, \"x, y\" <sip:c@d>",
            b"a,,b,",
            b"\"unterminated, quote",
            b"<open, angle",
            b"\"esc\\\"aped, q\", z",
        ] {
            assert_eq!(
                comma_items(v).collect::<Vec<_>>(),
                split_commas(v),
                "{}",
                String::from_utf8_lossy(v)
            );
        }
    }

    #[test]
    fn param_value_agrees_with_the_core() {
        for p in [
            &b""[..],
            b";expires=60",
            b" ; tag=1;Expires = 3600 ",
            b";q=\"a;expires=1\";expires",
            b";expires=\"x\\\";y\";expires=2",
            b";;expires=",
            b";lr",
        ] {
            for name in ["expires", "lr", "tag"] {
                assert_eq!(
                    param_value(p, name),
                    crate::sip::find_param(p, name),
                    "{} {name}",
                    String::from_utf8_lossy(p)
                );
            }
        }
    }

    #[test]
    fn anonymity_agrees_with_the_core() {
        let limits = crate::limits::Limits::default();
        for privacy in [
            "",
            "Privacy: id\r\n",
            "Privacy: none\r\n",
            "Privacy: critical; header\r\n",
            "Privacy: none, user\r\n",
        ] {
            let raw = format!("MESSAGE sip:a@b SIP/2.0\r\n{privacy}Call-ID: x\r\n\r\n");
            let m = crate::sip::parse(
                raw.as_bytes(),
                raw.as_bytes(),
                crate::sip::SipKind::Message,
                &limits,
                "",
            );
            assert_eq!(wants_anonymity(&m), m.wants_anonymity(), "{privacy}");
        }
    }
}
