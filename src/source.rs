//! Preparing text input: the leniency for messages pasted from documents
//! with a uniform leading indentation, and mapping positions back.

use std::borrow::Cow;

use crate::finding::Finding;
use crate::framing;

/// Maps offsets in a prepared (dedented) buffer back to the original.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    /// (offset in prepared, offset in original) at each line start.
    lines: Vec<(usize, usize)>,
}

impl OffsetMap {
    pub fn to_original(&self, offset: usize) -> usize {
        match self.lines.binary_search_by_key(&offset, |&(p, _)| p) {
            Ok(i) => self.lines[i].1,
            Err(0) => offset,
            Err(i) => {
                let (p, o) = self.lines[i - 1];
                o + (offset - p)
            }
        }
    }
}

/// Input ready for framing.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    pub bytes: Cow<'a, [u8]>,
    /// Present when the bytes were rewritten.
    pub map: Option<OffsetMap>,
    /// Leniency findings (offsets in the original).
    pub findings: Vec<Finding>,
}

impl Prepared<'_> {
    /// Offset in the original input of an offset in `bytes`.
    pub fn original_offset(&self, offset: usize) -> usize {
        match &self.map {
            Some(m) => m.to_original(offset),
            None => offset,
        }
    }
}

/// Leading blanks in bytes: SP, HT, and U+00A0 (documents indent with it).
fn indent_of(line: &[u8]) -> usize {
    let mut i = 0;
    loop {
        match line.get(i..) {
            Some([b' ' | b'\t', ..]) => i += 1,
            Some([0xC2, 0xA0, ..]) => i += 2,
            _ => return i,
        }
    }
}

/// An indented start line for dedenting: a start line in its strict form
/// (`  SIP/2.0/UDP host` continues a folded Via, it starts nothing; see
/// `framing::strict_start_line`), followed by a header line indented at
/// least as much. Inside a body or a chunk's data, lines such as
/// ` 1970 00:00:00 GMT` or ` SIP/2.0` must not be taken for an indented
/// message.
fn indented_start_line(input: &[u8], at: usize, ind: usize) -> bool {
    let rest = &input[at..];
    let le = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    let line = rest[..le].strip_suffix(b"\r").unwrap_or(&rest[..le]);
    if !framing::strict_start_line(line) {
        return false;
    }
    let next = &rest[(le + 1).min(rest.len())..];
    let next = &next[..memchr::memchr(b'\n', next).unwrap_or(next.len())];
    let next_ind = indent_of(next);
    let h = &next[next_ind..];
    let n = h.iter().take_while(|&&b| crate::chars::is_token(b)).count();
    next_ind >= ind && n > 0 && h[n..].trim_ascii_start().first() == Some(&b':')
}

/// Remove the indentation of messages pasted from documents: when a start
/// line is indented, that indentation is removed from it and from the lines
/// that follow (up to that many leading blanks each). Lines indented more
/// stay indented by the difference (header folding survives).
/// Returns the input unchanged (borrowed) when no start line is indented.
pub fn prepare(input: &[u8], dedent: bool) -> Prepared<'_> {
    let unchanged = Prepared {
        bytes: Cow::Borrowed(input),
        map: None,
        findings: Vec::new(),
    };
    if !dedent {
        return unchanged;
    }
    // Quick check: any indented start line at all?
    let mut any = false;
    let mut pos = 0;
    while pos < input.len() {
        let le = memchr::memchr(b'\n', &input[pos..]).map_or(input.len(), |i| pos + i);
        let ind = indent_of(&input[pos..le]);
        if ind > 0 && ind < le - pos && indented_start_line(input, pos + ind, ind) {
            any = true;
            break;
        }
        pos = le + 1;
    }
    if !any {
        return unchanged;
    }
    let mut out = Vec::with_capacity(input.len());
    let mut map = OffsetMap::default();
    let mut findings = Vec::new();
    let mut current = 0usize;
    let mut pos = 0;
    while pos < input.len() {
        let le = memchr::memchr(b'\n', &input[pos..]).map_or(input.len(), |i| pos + i + 1);
        let line = &input[pos..le];
        let ind = indent_of(line);
        let content = &line[ind..];
        let blank = content.iter().all(|b| b.is_ascii_whitespace());
        let start = if ind == 0 {
            framing::classify(input, pos).is_some()
        } else {
            indented_start_line(input, pos + ind, ind)
        };
        if !blank && start {
            if ind > 0 {
                findings.push(Finding::warning(
                    "indented-message",
                    pos,
                    format!("message indented by {ind} blanks (pasted from a document); indentation removed"),
                ));
            }
            current = ind;
        }
        let strip = if blank {
            // Whitespace-only lines become empty lines.
            ind
        } else {
            ind.min(current)
        };
        map.lines.push((out.len(), pos + strip));
        out.extend_from_slice(&line[strip..]);
        pos = le;
    }
    Prepared {
        bytes: Cow::Owned(out),
        map: Some(map),
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_lines_that_look_like_start_lines_are_not_dedented() {
        // Chunk data starting with a blank: not an indented message.
        for data in [&b" SIP/2.0"[..], b" 1970 00:00:00 GMT\r\nCSeq: 1 MESSAGE"] {
            let mut input = b"MSRP a1b2c3d4 SEND\r\nTo-Path: msrp://a.example:1/x;tcp\r\nFrom-Path: msrp://b.example:2/y;tcp\r\nMessage-ID: m1234\r\nByte-Range: 5-9/40\r\nContent-Type: text/plain\r\n\r\n".to_vec();
            input.extend_from_slice(data);
            input.extend_from_slice(b"\r\n-------a1b2c3d4+\r\n");
            let p = prepare(&input, true);
            assert!(p.map.is_none(), "{}", String::from_utf8_lossy(data));
        }
        // A pasted message whose headers are indented more than its start line.
        let p = prepare(b" INVITE sip:a@b SIP/2.0\n   To: <sip:a@b>\n\n", true);
        assert_eq!(&*p.bytes, b"INVITE sip:a@b SIP/2.0\n  To: <sip:a@b>\n\n");
    }

    #[test]
    fn dedents_pasted_messages_and_maps_offsets_back() {
        let input = b"   MESSAGE sip:a@b SIP/2.0\n   Call-ID: x\n     folded\n   l: 2\n \n   hi";
        let p = prepare(input, true);
        assert_eq!(
            &*p.bytes,
            b"MESSAGE sip:a@b SIP/2.0\nCall-ID: x\n  folded\nl: 2\n\nhi"
        );
        assert_eq!(p.findings.len(), 1);
        assert_eq!(p.findings[0].code, "indented-message");
        // "Call-ID" starts at 24 in prepared, 30 in the original.
        assert_eq!(p.original_offset(24), 30);
        assert_eq!(p.original_offset(26), 32);
    }

    #[test]
    fn non_breaking_space_indentation_counts() {
        let input = "\u{a0}\u{a0} MESSAGE sip:a@b SIP/2.0\n\u{a0}\u{a0} l: 0\n\n".as_bytes();
        let p = prepare(input, true);
        assert_eq!(&*p.bytes, b"MESSAGE sip:a@b SIP/2.0\nl: 0\n\n");
    }

    #[test]
    fn folded_via_continuation_is_not_a_pasted_start_line() {
        let input = b"INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP a;branch=z9hG4bK1,\r\n  SIP/2.0/UDP b;branch=z9hG4bK2\r\nSubject: x\r\n   and more\r\nl: 0\r\n\r\n";
        let p = prepare(input, true);
        assert!(matches!(p.bytes, Cow::Borrowed(_)));
        assert!(p.findings.is_empty());
    }

    #[test]
    fn unindented_input_is_borrowed() {
        let input = b"MESSAGE sip:a@b SIP/2.0\r\nl: 0\r\n\r\n";
        assert!(matches!(prepare(input, true).bytes, Cow::Borrowed(_)));
    }
}
