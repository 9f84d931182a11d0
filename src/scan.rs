//! Byte-class scans over short regions, fast: line ends, and the bytes a
//! JSON string must escape.
//!
//! Framing and header parsing visit every line of a message. The generic
//! `memchr` costs a dispatch and a setup of several dozen instructions per
//! call, which on typical 30 to 40 byte header lines is more than the search
//! itself. [`Newlines`] instead takes the `\n` positions of a whole block as
//! a bit mask and hands them out one by one: on x86_64, 64 bytes at a time
//! with four SSE2 compares (SSE2 is part of every x86_64 CPU: no dispatch);
//! elsewhere eight bytes at a time in portable SWAR code ([`SwarNewlines`]).
//! [`plain_json_run`] does the same for the bytes a JSON writer can copy as
//! they are, 16 at a time. These are the crate's only two `unsafe` blocks:
//! calling a `target_feature` function needs one even where the feature is
//! always there. Each scan is checked against a byte-by-byte loop, SSE2 and
//! SWAR both. `memchr` stays the tool for long searches (bodies, end-lines,
//! junk).

/// Iterator over the offsets of every `\n` in a slice, in order.
///
/// It takes the positions of the `\n` bytes of 64 bytes at a time as a bit
/// mask (four SSE2 compares) and hands them out one by one: a header line
/// costs a handful of instructions, with no call per line.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[derive(Debug, Clone)]
pub struct Newlines<'a> {
    hay: &'a [u8],
    /// Offset of the block the mask was taken from.
    block: usize,
    /// One bit per `\n` of the block not yet returned.
    mask: u64,
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
impl<'a> Newlines<'a> {
    pub fn new(hay: &'a [u8]) -> Self {
        Newlines::from(hay, 0)
    }

    /// Continue from `from` (a position at or after the last one returned).
    #[inline]
    pub fn from(hay: &'a [u8], from: usize) -> Self {
        let block = from.min(hay.len());
        Newlines {
            hay,
            block,
            mask: block_mask(&hay[block..]),
        }
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
impl Iterator for Newlines<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        loop {
            if self.mask != 0 {
                let at = self.block + self.mask.trailing_zeros() as usize;
                self.mask &= self.mask - 1;
                return Some(at);
            }
            self.block += 64;
            if self.block >= self.hay.len() {
                self.block = self.hay.len();
                return None;
            }
            self.mask = block_mask(&self.hay[self.block..]);
        }
    }
}

/// Bit i set when `rest[i]` is `\n`, for the first 64 bytes of `rest`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn block_mask(rest: &[u8]) -> u64 {
    match rest.first_chunk::<64>() {
        Some(block) => mask64(block),
        None => {
            // The last bytes, padded with zeros (which are not `\n`).
            let mut block = [0u8; 64];
            block[..rest.len()].copy_from_slice(rest);
            mask64(&block)
        }
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn mask64(block: &[u8; 64]) -> u64 {
    // SAFETY: `sse2_mask64` only needs SSE2, which this code is compiled
    // for (the cfg above: it is part of every x86_64 target's baseline).
    #[allow(unsafe_code)]
    unsafe {
        sse2_mask64(block)
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn sse2_mask64(block: &[u8; 64]) -> u64 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_set_epi64x, _mm_set1_epi8};
    let nl = _mm_set1_epi8(b'\n' as i8);
    let mut mask = 0u64;
    for (k, c) in block.chunks_exact(16).enumerate() {
        // Two plain loads; the compiler makes them one unaligned 16-byte load.
        let lo = i64::from_le_bytes(c[..8].try_into().expect("8 bytes"));
        let hi = i64::from_le_bytes(c[8..].try_into().expect("8 bytes"));
        let bits = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_set_epi64x(hi, lo), nl)) as u16;
        mask |= u64::from(bits) << (16 * k);
    }
    mask
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
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

/// Length of the leading run of `bytes` that a JSON string holds as it is:
/// no control character, `"` or `\\`, and with `ascii_only` no byte of 0x80
/// or more. For JSON writers, whose time goes into scanning message text
/// (on x86_64, 16 bytes per step with SSE2, as [`Newlines`]; elsewhere
/// eight in SWAR code).
#[inline]
pub fn plain_json_run(bytes: &[u8], ascii_only: bool) -> usize {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        // SAFETY: as in `mask64`: SSE2 is in every x86_64 target's baseline.
        #[allow(unsafe_code)]
        unsafe {
            sse2_plain_run(bytes, ascii_only)
        }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    swar_plain_json_run(bytes, ascii_only)
}

/// [`plain_json_run`] in portable code, eight bytes at a time.
pub fn swar_plain_json_run(bytes: &[u8], ascii_only: bool) -> usize {
    let mut i = 0;
    while let Some(word) = bytes[i..].first_chunk::<8>() {
        let w = u64::from_le_bytes(*word);
        if json_escape_word(w) || (ascii_only && w & HIGHS != 0) {
            break;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b < 0x20 || b == b'"' || b == b'\\' || (ascii_only && b >= 0x80) {
            break;
        }
        i += 1;
    }
    i
}

/// [`plain_json_run`] 16 bytes at a time, the last bytes padded with a
/// plain one.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn sse2_plain_run(bytes: &[u8], ascii_only: bool) -> usize {
    let mut i = 0;
    while let Some(block) = bytes[i..].first_chunk::<16>() {
        let mask = sse2_json_mask(block, ascii_only);
        if mask != 0 {
            return i + mask.trailing_zeros() as usize;
        }
        i += 16;
    }
    let rest = bytes.len() - i;
    if rest == 0 {
        return i;
    }
    if let Some(last) = bytes.last_chunk::<16>() {
        // The last 16 bytes, overlapping those already seen.
        let mask = sse2_json_mask(last, ascii_only) >> (16 - rest);
        return i + (mask.trailing_zeros() as usize).min(rest);
    }
    // Shorter than a block: padded with a plain byte.
    let mut block = [b'a'; 16];
    block[..rest].copy_from_slice(bytes);
    let mask = sse2_json_mask(&block, ascii_only);
    (mask.trailing_zeros() as usize).min(rest)
}

/// Bit i set when `block[i]` needs an escape (or, with `ascii_only`, is not ASCII).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn sse2_json_mask(block: &[u8; 16], ascii_only: bool) -> u32 {
    use std::arch::x86_64::{
        _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set_epi64x, _mm_set1_epi8, _mm_setzero_si128,
    };
    let lo = i64::from_le_bytes(block[..8].try_into().expect("8 bytes"));
    let hi = i64::from_le_bytes(block[8..].try_into().expect("8 bytes"));
    let x = _mm_set_epi64x(hi, lo);
    // Signed compare: bytes of 0x80 and more are negative, so below 0x20 too.
    let mut low = _mm_cmplt_epi8(x, _mm_set1_epi8(0x20));
    if !ascii_only {
        low = _mm_andnot_si128(_mm_cmplt_epi8(x, _mm_setzero_si128()), low);
    }
    let quote = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'"' as i8));
    let backslash = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8));
    _mm_movemask_epi8(_mm_or_si128(low, _mm_or_si128(quote, backslash))) as u32
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether any byte of `w` is a control character, `"` or `\\` (SWAR: a byte
/// below 0x20, or a zero byte after XOR with the quote or the backslash).
/// May say yes for a word that needs nothing (the caller then goes byte by
/// byte); never says no for one that does.
#[inline(always)]
fn json_escape_word(w: u64) -> bool {
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGHS;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    (below(w, 0x20) | zero(w ^ (ONES * u64::from(b'"'))) | zero(w ^ (ONES * u64::from(b'\\')))) != 0
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

    fn naive_plain(bytes: &[u8], ascii_only: bool) -> usize {
        bytes
            .iter()
            .position(|&b| b < 0x20 || b == b'"' || b == b'\\' || (ascii_only && b >= 0x80))
            .unwrap_or(bytes.len())
    }

    #[test]
    fn plain_json_run_stops_at_what_needs_escaping() {
        let text = b"0123456789abcdefghij\"k";
        assert_eq!(plain_json_run(text, true), 20);
        assert_eq!(
            plain_json_run(b"caf\xc3\xa9 au lait, s'il vous pla\xc3\xaet", true),
            3
        );
        assert_eq!(
            plain_json_run(b"caf\xc3\xa9 au lait, s'il vous pla\xc3\xaet", false),
            31
        );
        assert_eq!(plain_json_run(b"0123456789abcdef0123\x7f\t", false), 21);
        assert_eq!(plain_json_run(b"", false), 0);
        assert_eq!(swar_plain_json_run(text, true), 20);
    }

    proptest! {
        #[test]
        fn plain_json_run_same_as_a_byte_by_byte_scan(bytes in proptest::collection::vec(
            prop_oneof![Just(b'"'), Just(b'\\'), Just(0x1f_u8), Just(0x20_u8), Just(0x7f_u8),
                Just(0x80_u8), Just(0xff_u8), Just(b'a'), any::<u8>()], 0..100),
            ascii_only in any::<bool>()) {
            prop_assert_eq!(plain_json_run(&bytes, ascii_only), naive_plain(&bytes, ascii_only));
            prop_assert_eq!(swar_plain_json_run(&bytes, ascii_only), naive_plain(&bytes, ascii_only));
        }
    }

    proptest! {
        #[test]
        fn same_as_a_byte_by_byte_scan(hay in proptest::collection::vec(
            prop_oneof![Just(b'\n'), Just(b'\r'), Just(0x8a_u8), Just(0x0b_u8), any::<u8>()], 0..300),
            from in 0usize..310) {
            prop_assert_eq!(Newlines::new(&hay).collect::<Vec<_>>(), naive(&hay));
            prop_assert_eq!(SwarNewlines::new(&hay).collect::<Vec<_>>(), naive(&hay));
            let from_naive: Vec<usize> = naive(&hay).into_iter().filter(|&i| i >= from).collect();
            prop_assert_eq!(Newlines::from(&hay, from).collect::<Vec<_>>(), from_naive.clone());
            prop_assert_eq!(SwarNewlines::from(&hay, from).collect::<Vec<_>>(), from_naive);
        }
    }
}
