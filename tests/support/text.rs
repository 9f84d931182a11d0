//! Text input framed whole and framed as it is read, flattened for
//! comparison: shared by `tests/props.rs` and the `framing` fuzz target
//! (`#[path]` module there), which both check that the two agree.

use sipmsrp::framing::{FrameOptions, Framer, Item};
use sipmsrp::source::{TextItem, TextStream, prepare};

/// One item of a text input in original offsets: (junk?, start, length,
/// finding codes and offsets).
pub type Flat = (bool, usize, usize, Vec<(&'static str, usize)>);

/// A reader that hands out the input in the given read sizes, in turn.
pub struct Pieces<'a> {
    pub data: &'a [u8],
    pub sizes: Vec<usize>,
    pub i: usize,
}

impl std::io::Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.sizes[self.i % self.sizes.len()]
            .min(buf.len())
            .min(self.data.len());
        self.i += 1;
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// A text input framed whole: dedented, then framed with the whole buffer.
pub fn whole_text(data: &[u8], max: usize) -> Vec<Flat> {
    let p = prepare(data, true);
    let opts = FrameOptions {
        max_message: max,
        datagram: false,
        text: false,
    };
    let len = |s: usize, e: usize| {
        if e <= s {
            0
        } else {
            p.original_offset(e - 1) + 1 - p.original_offset(s)
        }
    };
    Framer::new(&p.bytes, opts)
        .map(|item| match item {
            Item::Junk { start, end } => (true, p.original_offset(start), len(start, end), vec![]),
            Item::Message(f) => (
                false,
                p.original_offset(f.start),
                len(f.start, f.end),
                f.findings
                    .iter()
                    .map(|x| (x.code, p.original_offset(x.offset)))
                    .collect(),
            ),
        })
        .collect()
}

/// The same input read in pieces of `sizes` bytes by TextStream.
pub fn streamed_text(data: &[u8], sizes: Vec<usize>, max: usize) -> Vec<Flat> {
    let opts = FrameOptions {
        max_message: max,
        datagram: false,
        text: true,
    };
    let mut s = TextStream::new(Pieces { data, sizes, i: 0 }, opts);
    let mut out = Vec::new();
    while let Some(item) = s.next(&mut || Ok(())).expect("in-memory reads") {
        out.push(match item {
            TextItem::Junk { at, len, .. } => (true, at.offset, len, vec![]),
            TextItem::Message(f) => {
                let fs = f
                    .findings
                    .iter()
                    .map(|x| (x.code, s.position(x.offset).offset))
                    .collect();
                (
                    false,
                    s.position(f.start).offset,
                    s.original_len(f.start, f.end),
                    fs,
                )
            }
        });
    }
    out
}
