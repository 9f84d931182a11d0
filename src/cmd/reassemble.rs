//! `parse --reassemble`: the chunks of each MSRP message (same Message-ID in
//! the same session, i.e. the same To-Path and From-Path, in the same input)
//! joined through [`sipmsrp::reassembly`] into one message to print.
//!
//! A joined message is shown as the MSRP SEND it would have been unchunked:
//! the start line and headers of the chunk that starts at byte 1 (a
//! Content-Type of a later chunk added when that one has none), its
//! Byte-Range rewritten to `1-N/TOTAL` for the N bytes joined, the whole body
//! byte for byte, and the end-line flag `$` (complete), `#` (aborted) or `+`
//! (bytes missing). A message is printed as soon as its last byte is in
//! (where its completing chunk was); what never completes is printed at the
//! end of its input.

use sipmsrp::header::Hdr;
use std::collections::HashMap;

use sipmsrp::capture::Meta;
use sipmsrp::finding::Finding;
use sipmsrp::limits::Limits;
use sipmsrp::message::{Message, Parsed};
use sipmsrp::msrp::ByteRange;
use sipmsrp::reassembly::{Chunk, Ready, Reassembled, Reassembler, path_session_key};

/// A position in an input (a text file, or a message of a capture): the
/// library's text position, offset, line and column.
pub use sipmsrp::source::TextPos as Pos;

/// What is kept of a chunk until its message is printed.
#[derive(Debug, Clone)]
pub struct ChunkRec {
    /// Where the chunk (the SEND) starts.
    pub pos: Pos,
    /// Its capture frame, for captures.
    pub capture: Option<Meta>,
    /// The SEND's length in bytes.
    pub length: usize,
    pub transaction_id: Vec<u8>,
    /// Its Byte-Range as declared (`None`: absent).
    pub range: Option<ByteRange>,
    /// Its end-line flag.
    pub flag: u8,
    /// The chunk's own findings outside its body (start line, headers,
    /// framing), positioned. Findings about a chunk's partial body are left
    /// out: the joined body is checked instead.
    pub findings: Vec<(Finding, Pos)>,
    /// Position of the chunk's first data byte in the input (a text input)
    /// or in the captured message; positions further in are counted from it
    /// over the data's bytes.
    pub body: Pos,
    /// Lines of the data after its first whose indentation was removed
    /// (pasted text): (offset in the data of the line start, bytes removed).
    pub indent: Vec<(usize, usize)>,
}

/// One joined message, ready to print.
pub struct Joined {
    pub message: Reassembled,
    /// The message as it would have been sent unchunked (see the module doc).
    pub raw: Vec<u8>,
    /// Offset of the body in `raw`.
    pub body_at: usize,
    /// The chunks, in Byte-Range order (as `message.pieces`).
    pub chunks: Vec<ChunkRec>,
    /// Every chunk a finding names, by its id (the findings' offsets).
    pub by_id: HashMap<usize, ChunkRec>,
}

/// What became of a message offered to the joiner.
pub enum Offer {
    /// Not an MSRP SEND: print it as it is.
    No,
    /// A SEND that cannot be joined (no Message-ID, a bad Byte-Range) or a
    /// chunk of a message already printed: print it alone, with this finding
    /// (its offset is 0: the start of the SEND).
    Alone(Finding),
    /// Kept until its message is complete.
    Held,
    /// This chunk completed its message.
    Done(Box<Joined>),
}

pub struct Joiner {
    re: Reassembler,
    chunks: HashMap<usize, ChunkRec>,
    next: usize,
}

impl Joiner {
    pub fn new(limits: &Limits) -> Self {
        Joiner {
            re: Reassembler::new(limits),
            chunks: HashMap::new(),
            next: 0,
        }
    }

    /// Offer a parsed message; `rec` describes it when it is a chunk.
    pub fn offer(&mut self, p: &Parsed<'_>, rec: impl FnOnce() -> ChunkRec) -> Offer {
        let Message::Msrp(n) = &p.message else {
            return Offer::No;
        };
        if n.msg.method() != Some(b"SEND") {
            return Offer::No;
        }
        let id = self.next;
        let chunk = match Chunk::from_msrp(&n.msg, id) {
            Ok(c) => c,
            Err(f) => return Offer::Alone(Finding { offset: 0, ..f }),
        };
        self.next += 1;
        let session = path_session_key(&n.msg);
        match self.re.push_ready(&session, chunk) {
            Ready::Held => {
                self.chunks.insert(id, rec());
                Offer::Held
            }
            // Over --max-chunks or --max-message: nothing of it is kept (its
            // message carries the finding).
            Ready::Refused => Offer::Held,
            Ready::Late(f) => Offer::Alone(Finding { offset: 0, ..f }),
            Ready::Done(r) => {
                self.chunks.insert(id, rec());
                Offer::Done(Box::new(self.joined(*r)))
            }
        }
    }

    /// Messages given up incomplete to bound what is held
    /// (`reassembly::MAX_PENDING`), to print now.
    pub fn take_flushed(&mut self) -> Vec<Joined> {
        let evicted = self.re.take_evicted();
        evicted
            .into_iter()
            .map(|r| joined(&mut self.chunks, r))
            .collect()
    }

    /// Every message still incomplete at the end of the input.
    pub fn finish(self) -> Vec<Joined> {
        let Joiner { re, mut chunks, .. } = self;
        let mut out = Vec::new();
        for r in re.finish() {
            out.push(joined(&mut chunks, r));
        }
        out
    }

    fn joined(&mut self, r: Reassembled) -> Joined {
        joined(&mut self.chunks, r)
    }
}

fn joined(table: &mut HashMap<usize, ChunkRec>, r: Reassembled) -> Joined {
    let mut by_id = HashMap::new();
    let mut chunks = Vec::with_capacity(r.pieces.len());
    for p in &r.pieces {
        if let Some(c) = table.remove(&p.pos) {
            by_id.insert(p.pos, c.clone());
            chunks.push(c);
        }
    }
    for f in &r.findings {
        if !by_id.contains_key(&f.offset)
            && let Some(c) = table.remove(&f.offset)
        {
            by_id.insert(f.offset, c);
        }
    }
    let (raw, body_at) = synthesize(&r);
    Joined {
        message: r,
        raw,
        body_at,
        chunks,
        by_id,
    }
}

/// The message as it would have been sent in one piece.
fn synthesize(r: &Reassembled) -> (Vec<u8>, usize) {
    let mut v = Vec::with_capacity(r.body.len() + 512);
    v.extend_from_slice(&r.first.start_line);
    v.extend_from_slice(b"\r\n");
    let range = format!(
        "Byte-Range: 1-{}/{}",
        r.body.len(),
        r.total.map_or("*".to_string(), |t| t.to_string())
    );
    let mut has_range = false;
    let mut has_type = false;
    for h in &r.first.headers {
        if h.is(Hdr::ByteRange) {
            if !has_range {
                v.extend_from_slice(range.as_bytes());
                v.extend_from_slice(b"\r\n");
            }
            has_range = true;
            continue;
        }
        has_type |= h.is(Hdr::ContentType);
        v.extend_from_slice(&h.field);
        v.extend_from_slice(b"\r\n");
    }
    if !has_range && r.pieces.len() > 1 {
        v.extend_from_slice(range.as_bytes());
        v.extend_from_slice(b"\r\n");
    }
    if !has_type && let Some(ct) = &r.content_type {
        v.extend_from_slice(&ct.field);
        v.extend_from_slice(b"\r\n");
    }
    let body_at;
    if r.body.is_empty() {
        body_at = v.len();
    } else {
        v.extend_from_slice(b"\r\n");
        body_at = v.len();
        v.extend_from_slice(&r.body);
        v.extend_from_slice(b"\r\n");
    }
    let flag = if r.aborted {
        b'#'
    } else if r.complete {
        b'$'
    } else {
        b'+'
    };
    v.extend_from_slice(b"-------");
    v.extend_from_slice(&r.first.transaction_id);
    v.push(flag);
    v.extend_from_slice(b"\r\n");
    (v, body_at)
}

impl Joined {
    /// The chunk holding body byte `b` (0-based) and the offset of the byte
    /// in that chunk's data.
    pub fn chunk_of(&self, b: usize) -> Option<(&ChunkRec, usize)> {
        let b1 = b as u64 + 1;
        let mut best = None;
        for (p, c) in self.message.pieces.iter().zip(&self.chunks) {
            if p.start <= b1 && (b1 < p.start + p.len.max(1)) {
                best = Some((c, (b1 - p.start) as usize));
                break;
            }
            if p.start <= b1 {
                best = Some((c, (b1 - p.start) as usize));
            }
        }
        best
    }

    /// Position in the input (or the captured message) of byte `delta` of chunk `c`'s data,
    /// which starts at body byte `from` (0-based) of the joined body.
    pub fn in_message(&self, c: &ChunkRec, from: usize, delta: usize) -> Pos {
        let at = c.body;
        let body = &self.message.body;
        let from = from.min(body.len());
        let to = (from + delta).min(body.len());
        let seg = &body[from..to];
        // Indentation removed from the lines up to here lies in between.
        let removed: usize = c
            .indent
            .iter()
            .take_while(|&&(o, _)| o <= delta)
            .map(|&(_, n)| n)
            .sum();
        match memchr::memrchr(b'\n', seg) {
            None => Pos {
                offset: at.offset + delta,
                line: at.line,
                column: at.column + delta,
            },
            Some(last) => {
                let strip = c
                    .indent
                    .iter()
                    .find(|&&(o, _)| o == last + 1)
                    .map_or(0, |&(_, n)| n);
                Pos {
                    offset: at.offset + delta + removed,
                    line: at.line + memchr::memchr_iter(b'\n', seg).count(),
                    column: seg.len() - last + strip,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sipmsrp::framing::Protocol;
    use sipmsrp::message;

    fn send(tid: &str, range: &str, body: &str, flag: char) -> Vec<u8> {
        format!("MSRP {tid} SEND\r\nTo-Path: msrp://a:1/x;tcp\r\nFrom-Path: msrp://b:2/y;tcp\r\nMessage-ID: m\r\nByte-Range: {range}\r\nContent-Type: text/plain\r\n\r\n{body}\r\n-------{tid}{flag}\r\n").into_bytes()
    }

    fn rec() -> ChunkRec {
        ChunkRec {
            pos: Pos::default(),
            capture: None,
            length: 0,
            transaction_id: Vec::new(),
            range: None,
            flag: b'+',
            findings: Vec::new(),
            body: Pos::default(),
            indent: Vec::new(),
        }
    }

    #[test]
    fn joined_message_is_the_unchunked_send() {
        let limits = Limits::default();
        let mut j = Joiner::new(&limits);
        let a = send("tid2", "6-10/10", "world", '$');
        let b = send("tid1", "1-5/10", "hello", '+');
        let pa = message::parse_one(&a, Protocol::Msrp, false, vec![], &limits);
        assert!(matches!(j.offer(&pa, rec), Offer::Held));
        let pb = message::parse_one(&b, Protocol::Msrp, false, vec![], &limits);
        let Offer::Done(done) = j.offer(&pb, rec) else {
            panic!("not done")
        };
        assert_eq!(
            String::from_utf8(done.raw.clone()).unwrap(),
            "MSRP tid1 SEND\r\nTo-Path: msrp://a:1/x;tcp\r\nFrom-Path: msrp://b:2/y;tcp\r\nMessage-ID: m\r\nByte-Range: 1-10/10\r\nContent-Type: text/plain\r\n\r\nhelloworld\r\n-------tid1$\r\n"
        );
        assert_eq!(&done.raw[done.body_at..done.body_at + 10], b"helloworld");
        // Body byte 7 ("r") is byte 1 of the second piece, the chunk offered first.
        let (_, delta) = done.chunk_of(7).unwrap();
        assert_eq!(delta, 2);
        // Parsing the joined message gives back the body byte for byte.
        let p = message::parse_one(&done.raw, Protocol::Msrp, false, vec![], &limits);
        assert_eq!(p.message.body().raw, b"helloworld");
        assert!(p.findings.is_empty(), "{:?}", p.findings);
    }

    #[test]
    fn position_in_message_counts_lines_of_the_joined_body() {
        let limits = Limits::default();
        let mut j = Joiner::new(&limits);
        let a = send("t1", "1-8/8", "ab\ncd\nef", '$');
        let pa = message::parse_one(&a, Protocol::Msrp, false, vec![], &limits);
        let mut r = rec();
        r.body = Pos {
            offset: 100,
            line: 8,
            column: 1,
        };
        let Offer::Done(done) = j.offer(&pa, || r) else {
            panic!()
        };
        let c = done.chunks[0].clone();
        assert_eq!(
            done.in_message(&c, 0, 1),
            Pos {
                offset: 101,
                line: 8,
                column: 2
            }
        );
        assert_eq!(
            done.in_message(&c, 0, 4),
            Pos {
                offset: 104,
                line: 9,
                column: 2
            }
        );
    }
}
