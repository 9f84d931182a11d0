//! Finding every line end of a short region, fast.
//!
//! Framing and header parsing visit every line of a message. The generic
//! `memchr` costs a dispatch and a setup of several dozen instructions per
//! call, which on typical 30 to 40 byte header lines is more than the search
//! itself. On x86_64, [`Newlines`] calls memchr's SSE2 searcher directly
//! (SSE2 is part of every x86_64 CPU, so there is no dispatch, and the call
//! inlines); elsewhere it reads the region eight bytes at a time and keeps a
//! bit mask of the `\n` bytes in the current word (SWAR, in safe portable
//! code), so each line end costs a few instructions. Both are checked
//! against a byte-by-byte scan. `memchr` stays the tool for long searches
//! (bodies, end-lines, junk).

/// Iterator over the offsets of every `\n` in a slice, in order.
#[cfg(target_arch = "x86_64")]
#[derive(Debug, Clone)]
pub struct Newlines<'a> {
    hay: &'a [u8],
    /// Where the next search starts.
    pos: usize,
    one: memchr::arch::x86_64::sse2::memchr::One,
}

#[cfg(target_arch = "x86_64")]
impl<'a> Newlines<'a> {
    pub fn new(hay: &'a [u8]) -> Self {
        Newlines::from(hay, 0)
    }

    /// Continue from `from` (a position at or after the last one returned).
    #[inline]
    pub fn from(hay: &'a [u8], from: usize) -> Self {
        Newlines {
            hay,
            pos: from.min(hay.len()),
            one: memchr::arch::x86_64::sse2::memchr::One::new(b'\n')
                .expect("SSE2 is part of every x86_64 CPU"),
        }
    }
}

#[cfg(target_arch = "x86_64")]
impl Iterator for Newlines<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        let at = self.pos + self.one.find(&self.hay[self.pos..])?;
        self.pos = at + 1;
        Some(at)
    }
}

#[cfg(not(target_arch = "x86_64"))]
pub use SwarNewlines as Newlines;

/// [`Newlines`] in portable code: eight bytes at a time.
#[derive(Debug, Clone)]
pub struct SwarNewlines<'a> {
    hay: &'a [u8],
    /// Offset of the byte after the word the mask was taken from.
    pos: usize,
    /// One high bit per `\n` byte of the current word not yet returned.
    mask: u64,
}

const LO7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const NL: u64 = 0x0a0a_0a0a_0a0a_0a0a;

/// High bit set in exactly the bytes of `w` that are `\n`. Exact: no carry
/// crosses a byte, so there are no false positives.
#[inline(always)]
fn newline_mask(w: u64) -> u64 {
    let x = w ^ NL;
    !(((x & LO7) + LO7) | x | LO7)
}

impl<'a> SwarNewlines<'a> {
    pub fn new(hay: &'a [u8]) -> Self {
        SwarNewlines {
            hay,
            pos: 0,
            mask: 0,
        }
    }

    /// Continue from `from` (a position at or after the last one returned).
    pub fn from(hay: &'a [u8], from: usize) -> Self {
        let mut it = SwarNewlines::new(hay);
        it.pos = from.min(hay.len());
        it
    }
}

impl Iterator for SwarNewlines<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        loop {
            if self.mask != 0 {
                let byte = (self.mask.trailing_zeros() / 8) as usize;
                self.mask &= self.mask - 1;
                return Some(self.pos - 8 + byte);
            }
            let rest = self.hay.get(self.pos..)?;
            if let Some(word) = rest.first_chunk::<8>() {
                self.mask = newline_mask(u64::from_le_bytes(*word));
            } else if rest.is_empty() {
                return None;
            } else {
                // The last bytes, padded with zeros (which are not `\n`).
                let mut word = [0u8; 8];
                word[..rest.len()].copy_from_slice(rest);
                self.mask = newline_mask(u64::from_le_bytes(word));
            }
            self.pos += 8;
        }
    }
}

/// Offset of the first `\n` in `hay[from..]`, relative to `hay`.
#[inline]
pub fn next_newline(hay: &[u8], from: usize) -> Option<usize> {
    Newlines::from(hay, from).next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive(hay: &[u8]) -> Vec<usize> {
        hay.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn finds_every_newline_in_words_and_tail() {
        let hay = b"\nab\n\n0123456789\n\x0a\x8a\x0b\n";
        assert_eq!(Newlines::new(hay).collect::<Vec<_>>(), naive(hay));
        assert_eq!(Newlines::new(b"").next(), None);
        assert_eq!(next_newline(b"abc\ndef\n", 4), Some(7));
        assert_eq!(next_newline(b"abc", 9), None);
    }

    proptest! {
        #[test]
        fn same_as_a_byte_by_byte_scan(hay in proptest::collection::vec(
            prop_oneof![Just(b'\n'), Just(b'\r'), Just(0x8a_u8), Just(0x0b_u8), any::<u8>()], 0..100),
            from in 0usize..110) {
            prop_assert_eq!(Newlines::new(&hay).collect::<Vec<_>>(), naive(&hay));
            prop_assert_eq!(SwarNewlines::new(&hay).collect::<Vec<_>>(), naive(&hay));
            let from_naive: Vec<usize> = naive(&hay).into_iter().filter(|&i| i >= from).collect();
            prop_assert_eq!(Newlines::from(&hay, from).collect::<Vec<_>>(), from_naive.clone());
            prop_assert_eq!(SwarNewlines::from(&hay, from).collect::<Vec<_>>(), from_naive);
        }
    }
}
