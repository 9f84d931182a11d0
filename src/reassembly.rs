//! MSRP chunk reassembly (RFC 4975 section 5.1): the chunks of one message
//! (same Message-ID in the same session) joined into the whole body, ordered
//! by Byte-Range whatever order they arrived in.
//!
//! The [`Reassembler`] keeps owned copies of what it needs, so chunks may come
//! from buffers that do not outlive the call (capture packets). Memory grows
//! only with the data actually seen, never with what a Byte-Range total
//! declares, and is bounded by [`Limits::max_message`] bytes and
//! [`Limits::max_chunks`] chunks per message.
//!
//! Findings (position = the `pos` the caller gave with the chunk):
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `msrp-chunk-gap` | error | bytes missing between chunks or at the end (the message names the range) |
//! | `msrp-chunk-unfinished` | error | no last chunk (`$`) and no total: the message may go on |
//! | `msrp-chunk-no-last-flag` | warning | every byte is there but no chunk carried `$` |
//! | `msrp-chunk-overlap` | warning / error | chunks overlap; an error when the bytes differ (the earlier-starting chunk's bytes are kept) |
//! | `msrp-chunk-duplicate` | warning | a chunk repeats another's range and bytes |
//! | `msrp-chunk-aborted` | error | a chunk ended with `#`: the sender aborted the message |
//! | `msrp-chunk-total-mismatch` | error | chunks declare different totals, or the data disagrees with the total |
//! | `msrp-byte-range-mismatch` | warning | a chunk's Byte-Range end disagrees with its data length (the data wins) |
//! | `msrp-too-many-chunks` | error | more than `max_chunks` chunks; the rest are dropped |
//! | `msrp-message-too-large` | error | more than `max_message` bytes; the rest are dropped |

use crate::header::Hdr;
use std::collections::{HashMap, HashSet, VecDeque};

use crate::finding::{Finding, Severity};
use crate::header::Header;
use crate::limits::Limits;
use crate::msrp::{ByteRange, MsrpMessage};

/// An owned copy of a header field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedHeader {
    /// Canonical name (see [`crate::header::canonical_name`]).
    pub canonical: String,
    /// The header in the table, when it knows it.
    pub id: Option<Hdr>,
    /// The whole field as written, without its line end.
    pub field: Vec<u8>,
    /// The raw value.
    pub value: Vec<u8>,
}

impl OwnedHeader {
    pub fn from_header(h: &Header<'_>) -> Self {
        OwnedHeader {
            canonical: h.canonical.to_string(),
            id: h.id,
            field: h.field.to_vec(),
            value: h.value.to_vec(),
        }
    }

    pub fn is(&self, h: Hdr) -> bool {
        self.id == Some(h)
    }
}

/// The head of a chunk: start line and headers, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkHead {
    /// The caller's position of the chunk.
    pub pos: usize,
    /// The start line as written (`MSRP dkei38sd SEND`).
    pub start_line: Vec<u8>,
    pub transaction_id: Vec<u8>,
    /// Every header in wire order.
    pub headers: Vec<OwnedHeader>,
}

impl ChunkHead {
    /// The first header `h`.
    pub fn header(&self, h: Hdr) -> Option<&OwnedHeader> {
        self.headers.iter().find(|x| x.is(h))
    }
}

/// One MSRP SEND chunk, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub head: ChunkHead,
    pub message_id: Vec<u8>,
    /// The Byte-Range (`1-*/*` when the header is absent, RFC 4975 7.1.1).
    pub range: ByteRange,
    /// `$`, `+` or `#` (`$` when the end-line is missing).
    pub flag: u8,
    /// The chunk's data (the CRLF before the end-line excluded).
    pub data: Vec<u8>,
}

impl Chunk {
    /// Copy what reassembly needs out of a parsed SEND. `pos` is the
    /// caller's position for findings (an offset, a frame number...).
    pub fn from_msrp(msg: &MsrpMessage<'_>, pos: usize) -> Result<Chunk, Finding> {
        if msg.method() != Some(b"SEND") {
            return Err(Finding::error(
                "msrp-chunk-not-send",
                pos,
                "only MSRP SEND requests carry message chunks",
            ));
        }
        let Some(message_id) = msg.message_id() else {
            return Err(Finding::error(
                "msrp-chunk-no-message-id",
                pos,
                "MSRP SEND without Message-ID: its chunks cannot be joined",
            ));
        };
        let range = match msg.header(Hdr::ByteRange) {
            None => ByteRange {
                start: 1,
                end: None,
                total: None,
            },
            Some(h) => ByteRange::parse(h.value).ok_or_else(|| {
                Finding::error(
                    "msrp-byte-range-invalid",
                    pos,
                    format!(
                        "Byte-Range `{}` is not `start-end/total`",
                        String::from_utf8_lossy(h.value)
                    ),
                )
            })?,
        };
        Ok(Chunk {
            head: ChunkHead {
                pos,
                start_line: msg.start_line.to_vec(),
                transaction_id: msg.transaction_id.to_vec(),
                headers: msg.headers.iter().map(OwnedHeader::from_header).collect(),
            },
            message_id: message_id.to_vec(),
            range,
            flag: msg.flag.unwrap_or(b'$'),
            data: msg.body.unwrap_or_default().to_vec(),
        })
    }
}

/// Session key from the To-Path and From-Path of a chunk: the chunks of one
/// message, sent in one direction of one session, share it.
pub fn path_session_key(msg: &MsrpMessage<'_>) -> Vec<u8> {
    let mut key = msg.to_path().join(&b' ');
    key.push(b'\n');
    key.extend(msg.from_path().join(&b' '));
    key
}

/// One reassembled message.
#[derive(Debug, Clone)]
pub struct Reassembled {
    pub session: Vec<u8>,
    pub message_id: Vec<u8>,
    /// The chunk that starts the message (lowest Byte-Range start; the first
    /// received among equals).
    pub first: ChunkHead,
    /// Content-Type of the first chunk (by range) that carries one.
    pub content_type: Option<OwnedHeader>,
    /// The body: every byte from byte 1 up to the first gap (the whole body
    /// when `complete`).
    pub body: Vec<u8>,
    /// The total length when known (declared or given by the `$` chunk).
    pub total: Option<u64>,
    /// Chunks received (duplicates included).
    pub chunks: usize,
    /// Every byte from 1 to the total is there, the end is known, nothing was
    /// aborted or dropped.
    pub complete: bool,
    /// A chunk ended with `#`.
    pub aborted: bool,
    /// Every chunk kept, ordered by Byte-Range start (then arrival).
    pub pieces: Vec<Piece>,
    pub findings: Vec<Finding>,
}

/// Where one chunk's data went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// The caller's position of the chunk.
    pub pos: usize,
    /// First byte (1-based, from its Byte-Range).
    pub start: u64,
    /// Data bytes it carried.
    pub len: u64,
    /// Its end-line flag.
    pub flag: u8,
}

/// What [`Reassembler::push_ready`] did with a chunk.
#[derive(Debug, Clone)]
pub enum Ready {
    /// Kept: its message is not complete yet.
    Held,
    /// Not kept: its message is over `--max-chunks` or `--max-message` (the
    /// message carries the finding); nothing of the chunk is held.
    Refused,
    /// This chunk completed its message, which is returned and forgotten.
    Done(Box<Reassembled>),
    /// Its message was already complete and returned: the chunk is reported
    /// (a duplicate or a retransmission) and otherwise ignored.
    Late(Finding),
}

/// Messages already returned by [`Reassembler::push_ready`] remembered, to
/// report their late chunks.
const REMEMBER_DONE: usize = 8192;

/// Messages [`Reassembler::push_ready`] holds incomplete at once; past it
/// the oldest is given up (`msrp-reassembly-limit`) and returned incomplete
/// by [`Reassembler::take_evicted`].
pub const MAX_PENDING: usize = 10_000;

impl Reassembled {
    /// True when a finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

struct Segment {
    start: u64,
    data: Vec<u8>,
    pos: usize,
    flag: u8,
    arrival: usize,
}

struct Pending {
    /// Arrival number of its first chunk.
    order: usize,
    /// The highest last byte of a `$` or `#` chunk: where the message ends.
    end: Option<u64>,
    session: Vec<u8>,
    message_id: Vec<u8>,
    first: ChunkHead,
    first_start: u64,
    content_type: Option<(u64, OwnedHeader)>,
    segments: Vec<Segment>,
    /// The byte ranges the segments cover, merged: `start -> end`
    /// (exclusive), disjoint and not adjacent. Kept as chunks arrive, so
    /// telling whether the message is whole costs a lookup, not a sort.
    covered: std::collections::BTreeMap<u64, u64>,
    stored: usize,
    chunks: usize,
    total: Option<(u64, usize)>,
    aborted: bool,
    dropped: bool,
    findings: Vec<Finding>,
}

/// Joins chunks into messages. Feed every SEND with [`Reassembler::push`]
/// (or [`Reassembler::push_chunk`]), then [`Reassembler::finish`].
pub struct Reassembler {
    max_message: usize,
    max_chunks: usize,
    pending: HashMap<(Vec<u8>, Vec<u8>), Pending>,
    /// Pending messages by the arrival of their first chunk, oldest first.
    by_age: std::collections::BTreeMap<usize, (Vec<u8>, Vec<u8>)>,
    /// Messages given up to keep [`MAX_PENDING`], not yet taken.
    evicted: Vec<Reassembled>,
    arrivals: usize,
    done: HashSet<(Vec<u8>, Vec<u8>)>,
    done_order: VecDeque<(Vec<u8>, Vec<u8>)>,
}

impl Reassembler {
    pub fn new(limits: &Limits) -> Self {
        Reassembler {
            max_message: limits.max_message,
            max_chunks: limits.max_chunks,
            pending: HashMap::new(),
            by_age: std::collections::BTreeMap::new(),
            evicted: Vec::new(),
            arrivals: 0,
            done: HashSet::new(),
            done_order: VecDeque::new(),
        }
    }

    /// Add a parsed SEND of `session` (see [`path_session_key`]). Errors
    /// when it cannot be a chunk (not a SEND, no Message-ID, bad Byte-Range).
    pub fn push(
        &mut self,
        session: &[u8],
        msg: &MsrpMessage<'_>,
        pos: usize,
    ) -> Result<(), Finding> {
        self.push_chunk(session, Chunk::from_msrp(msg, pos)?);
        Ok(())
    }

    /// Add an owned chunk of `session`.
    pub fn push_chunk(&mut self, session: &[u8], chunk: Chunk) {
        let key = (session.to_vec(), chunk.message_id.clone());
        self.add(key, chunk);
    }

    /// Add an owned chunk of `session`, and return its message as soon as
    /// it is complete: the end is known (a `$` or `#` chunk came) and every
    /// byte before it is there. Memory then holds only messages still
    /// incomplete; [`Reassembler::finish`] returns those.
    pub fn push_ready(&mut self, session: &[u8], chunk: Chunk) -> Ready {
        let key = (session.to_vec(), chunk.message_id.clone());
        if self.done.contains(&key) {
            let len = chunk.data.len() as u64;
            let start = chunk.range.start;
            return Ready::Late(Finding::warning(
                "msrp-chunk-duplicate",
                chunk.head.pos,
                format!(
                    "message {}: chunk {start}-{} arrives after the message was complete (a duplicate or retransmission); ignored",
                    String::from_utf8_lossy(&chunk.message_id),
                    last_byte(start, len)
                ),
            ));
        }
        if !self.pending.contains_key(&key) && self.pending.len() >= MAX_PENDING {
            self.evict_oldest(chunk.head.pos);
        }
        match self.add(key.clone(), chunk) {
            Added::Held => return Ready::Held,
            Added::Refused => return Ready::Refused,
            Added::Complete => {}
        }
        let Some(p) = self.pending.remove(&key) else {
            return Ready::Held;
        };
        self.by_age.remove(&p.order);
        if self.done_order.len() >= REMEMBER_DONE
            && let Some(old) = self.done_order.pop_front()
        {
            self.done.remove(&old);
        }
        self.done.insert(key.clone());
        self.done_order.push_back(key);
        Ready::Done(Box::new(join(p)))
    }

    /// Messages given up to keep at most [`MAX_PENDING`] pending, each
    /// incomplete with an `msrp-reassembly-limit` finding, oldest first.
    pub fn take_evicted(&mut self) -> Vec<Reassembled> {
        std::mem::take(&mut self.evicted)
    }

    /// Give up the message whose first chunk came first.
    fn evict_oldest(&mut self, pos: usize) {
        let Some((_, key)) = self.by_age.pop_first() else {
            return;
        };
        let Some(mut p) = self.pending.remove(&key) else {
            return;
        };
        p.findings.push(Finding::error(
            "msrp-reassembly-limit",
            pos,
            format!(
                "message {} is given up incomplete: {MAX_PENDING} messages were waiting for chunks, and it had waited longest",
                String::from_utf8_lossy(&p.message_id)
            ),
        ));
        p.dropped = true;
        self.evicted.push(join(p));
    }

    /// Add a chunk; whether its message may now be complete.
    fn add(&mut self, key: (Vec<u8>, Vec<u8>), chunk: Chunk) -> Added {
        let arrival = self.arrivals;
        self.arrivals += 1;
        let start = chunk.range.start;
        let p = match self.pending.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let (session, message_id) = e.key().clone();
                self.by_age.insert(arrival, e.key().clone());
                e.insert(Pending {
                    order: arrival,
                    end: None,
                    session,
                    message_id,
                    first: chunk.head.clone(),
                    first_start: start,
                    content_type: None,
                    segments: Vec::new(),
                    covered: std::collections::BTreeMap::new(),
                    stored: 0,
                    chunks: 0,
                    total: None,
                    aborted: false,
                    dropped: false,
                    findings: Vec::new(),
                })
            }
        };
        let pos = chunk.head.pos;
        let mid = String::from_utf8_lossy(&chunk.message_id).into_owned();
        p.chunks += 1;
        if p.chunks > self.max_chunks {
            if !p.findings.iter().any(|f| f.code == "msrp-too-many-chunks") {
                p.findings.push(Finding::error(
                    "msrp-too-many-chunks",
                    pos,
                    format!(
                        "message {mid} has more than {} chunks; the rest are dropped",
                        self.max_chunks
                    ),
                ));
            }
            p.dropped = true;
            return Added::Refused;
        }
        if p.stored.saturating_add(chunk.data.len()) > self.max_message {
            if !p
                .findings
                .iter()
                .any(|f| f.code == "msrp-message-too-large")
            {
                p.findings.push(Finding::error(
                    "msrp-message-too-large",
                    pos,
                    format!(
                        "message {mid} exceeds the message limit of {} bytes; the rest is dropped",
                        self.max_message
                    ),
                ));
            }
            p.dropped = true;
            return Added::Refused;
        }
        let len = chunk.data.len() as u64;
        if let Some(end) = chunk.range.end
            && end != last_byte(start, len)
        {
            p.findings.push(Finding::error(
                    "msrp-byte-range-mismatch",
                    pos,
                    format!(
                        "Byte-Range {start}-{end} of message {mid} disagrees with the {len} data bytes of the chunk (the data is used)"
                    ),
                ));
        }
        if let Some(total) = chunk.range.total {
            match p.total {
                None => p.total = Some((total, pos)),
                Some((t, _)) if t != total => p.findings.push(Finding::error(
                    "msrp-chunk-total-mismatch",
                    pos,
                    format!(
                        "message {mid}: this chunk declares a total of {total} bytes, another {t}"
                    ),
                )),
                Some(_) => {}
            }
        }
        if chunk.flag == b'#' {
            p.aborted = true;
            p.findings.push(Finding::error(
                "msrp-chunk-aborted",
                pos,
                format!("message {mid} was aborted by its sender (`#` end-line flag)"),
            ));
        }
        if start < p.first_start {
            p.first = chunk.head.clone();
            p.first_start = start;
        }
        if let Some(ct) = chunk.head.header(Hdr::ContentType)
            && p.content_type.as_ref().is_none_or(|(s, _)| start < *s)
        {
            p.content_type = Some((start, ct.clone()));
        }
        if matches!(chunk.flag, b'$' | b'#') {
            let e = last_byte(start, len);
            p.end = Some(p.end.map_or(e, |x| x.max(e)));
        }
        p.stored += chunk.data.len();
        if len > 0 {
            p.cover(start, start.saturating_add(len));
        }
        p.segments.push(Segment {
            start,
            data: chunk.data,
            pos,
            flag: chunk.flag,
            arrival,
        });
        if p.covers_to_end() {
            Added::Complete
        } else {
            Added::Held
        }
    }

    /// Number of messages seen so far.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Join every message still held, in the order their first chunk arrived.
    pub fn finish(self) -> Vec<Reassembled> {
        let mut v: Vec<Pending> = self.pending.into_values().collect();
        v.sort_by_key(|p| p.order);
        let mut out = self.evicted;
        out.extend(v.into_iter().map(join));
        out
    }
}

/// What adding a chunk did.
enum Added {
    Held,
    Complete,
    Refused,
}

impl Pending {
    /// Is the end known and every byte from 1 to it there?
    fn covers_to_end(&self) -> bool {
        let Some(end) = self.end else {
            return false;
        };
        // Merged, the ranges from byte 1 on are one entry.
        self.covered
            .first_key_value()
            .is_some_and(|(&s, &e)| s <= 1 && e > end)
    }

    /// Add bytes `start..end` (exclusive) to the covered ranges, merging
    /// those it overlaps or touches: O(log n) plus the ranges it swallows.
    fn cover(&mut self, mut start: u64, mut end: u64) {
        if let Some((&s, &e)) = self.covered.range(..=start).next_back()
            && e >= start
        {
            start = s;
            end = end.max(e);
        }
        while let Some((&s, &e)) = self.covered.range(start..).next() {
            if s > end {
                break;
            }
            end = end.max(e);
            self.covered.remove(&s);
        }
        self.covered.insert(start, end);
    }
}

/// The last byte of `len` bytes from `start` (1-based; `start - 1` when empty).
fn last_byte(start: u64, len: u64) -> u64 {
    start.saturating_add(len) - 1
}

fn join(mut p: Pending) -> Reassembled {
    let mid = String::from_utf8_lossy(&p.message_id).into_owned();
    let mut findings = std::mem::take(&mut p.findings);
    p.segments.sort_by_key(|s| (s.start, s.arrival));
    let mut body: Vec<u8> = Vec::new();
    // Next byte expected (1-based) and whether everything before it is in `body`.
    let mut expected: u64 = 1;
    let mut contiguous = true;
    // Ranges seen, to tell duplicates from overlaps.
    let mut last_end: Option<u64> = None;
    // Ranges seen, by (start, end): a duplicate is found in constant time.
    let mut seen: HashMap<(u64, u64), usize> = HashMap::new();
    let mut gaps = false;
    for s in &p.segments {
        let len = s.data.len() as u64;
        if let Some(e) = (s.flag == b'$').then(|| last_byte(s.start, len)) {
            last_end = Some(last_end.map_or(e, |l: u64| l.max(e)));
        }
        if len == 0 {
            continue;
        }
        let end = s.start.saturating_add(len); // exclusive
        if s.start > expected {
            gaps = true;
            findings.push(
                Finding::error(
                    "msrp-chunk-gap",
                    s.pos,
                    format!(
                        "message {mid}: bytes {}-{} are missing",
                        expected,
                        s.start - 1
                    ),
                )
                .with_len(0),
            );
            contiguous = false;
        } else if s.start < expected {
            let dup = seen.get(&(s.start, end)).copied();
            let overlap_end = end.min(expected);
            let same = contiguous && {
                let a = (s.start - 1) as usize;
                let b = (overlap_end - 1) as usize;
                body[a..b] == s.data[..b - a]
            };
            let range = format!("{}-{}", s.start, overlap_end - 1);
            if let (Some(_), true) = (dup, same) {
                findings.push(Finding::warning(
                    "msrp-chunk-duplicate",
                    s.pos,
                    format!(
                        "message {mid}: chunk {}-{} received again",
                        s.start,
                        end - 1
                    ),
                ));
            } else if same || !contiguous {
                findings.push(Finding::warning(
                    "msrp-chunk-overlap",
                    s.pos,
                    format!("message {mid}: bytes {range} are sent twice"),
                ));
            } else {
                findings.push(Finding::error(
                    "msrp-chunk-conflict",
                    s.pos,
                    format!(
                        "message {mid}: bytes {range} are sent twice with different content (the earlier-starting chunk's bytes are kept)"
                    ),
                ));
            }
        }
        seen.entry((s.start, end)).or_insert(s.pos);
        if end > expected {
            if contiguous {
                let from = (expected.max(s.start) - s.start) as usize;
                body.extend_from_slice(&s.data[from..]);
            }
            expected = end;
        }
    }
    let have = expected - 1;
    let last_pos = p.segments.last().map_or(p.first.pos, |s| s.pos);
    let declared = p.total.map(|(t, _)| t);
    if let (Some(t), Some(l)) = (declared, last_end)
        && t != l
    {
        findings.push(Finding::error(
            "msrp-chunk-total-mismatch",
            last_pos,
            format!("message {mid}: total {t} declared, but its last chunk ends at byte {l}"),
        ));
    }
    let total = declared.or(last_end);
    let mut complete = !p.aborted && !p.dropped && !gaps;
    match total {
        Some(t) if have < t => {
            complete = false;
            findings.push(Finding::error(
                "msrp-chunk-gap",
                last_pos,
                format!("message {mid}: bytes {}-{t} are missing", have + 1),
            ));
        }
        Some(t) if have > t => {
            complete = false;
            findings.push(Finding::error(
                "msrp-chunk-total-mismatch",
                last_pos,
                format!("message {mid}: {have} bytes received, more than the total of {t}"),
            ));
        }
        Some(_) => {
            if last_end.is_none() && !p.aborted {
                findings.push(Finding::warning(
                    "msrp-chunk-no-last-flag",
                    last_pos,
                    format!("message {mid}: every byte is there but no chunk ends with `$`"),
                ));
            }
        }
        None => {
            complete = false;
            if !p.aborted {
                findings.push(Finding::error(
                    "msrp-chunk-unfinished",
                    last_pos,
                    format!(
                        "message {mid}: no last chunk (`$`) after byte {have}, and no total: the message is unfinished"
                    ),
                ));
            }
        }
    }
    if findings
        .iter()
        .any(|f| f.code == "msrp-chunk-total-mismatch")
    {
        complete = false;
    }
    let pieces = p
        .segments
        .iter()
        .map(|s| Piece {
            pos: s.pos,
            start: s.start,
            len: s.data.len() as u64,
            flag: s.flag,
        })
        .collect();
    Reassembled {
        pieces,
        session: p.session,
        message_id: p.message_id,
        first: p.first,
        content_type: p.content_type.map(|(_, h)| h),
        body,
        total,
        chunks: p.chunks,
        complete,
        aborted: p.aborted,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msrp::{self, MsrpParseKind};

    fn send(tid: &str, mid: &str, range: Option<&str>, body: &[u8], flag: char) -> Vec<u8> {
        let mut v = format!("MSRP {tid} SEND\r\nTo-Path: msrp://a:1/x;tcp\r\nFrom-Path: msrp://b:2/y;tcp\r\nMessage-ID: {mid}\r\n").into_bytes();
        if let Some(r) = range {
            v.extend(format!("Byte-Range: {r}\r\n").bytes());
        }
        v.extend(b"Content-Type: text/plain\r\n\r\n");
        v.extend(body);
        v.extend(format!("\r\n-------{tid}{flag}\r\n").bytes());
        v
    }

    fn run(chunks: &[Vec<u8>], limits: &Limits) -> Vec<Reassembled> {
        let mut r = Reassembler::new(limits);
        for (i, c) in chunks.iter().enumerate() {
            let m = msrp::parse(c, c, MsrpParseKind::Message, limits, "");
            r.push(&path_session_key(&m), &m, i).unwrap();
        }
        r.finish()
    }

    fn one(chunks: &[Vec<u8>]) -> Reassembled {
        let mut v = run(chunks, &Limits::default());
        assert_eq!(v.len(), 1);
        v.remove(0)
    }

    fn codes(r: &Reassembled) -> Vec<&'static str> {
        r.findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn out_of_order_chunks_join_byte_exact() {
        let body: Vec<u8> = (0..=255u8)
            .chain(b"\r\n-------x$\r\n".iter().copied())
            .collect();
        let n = body.len();
        let c1 = send("t001", "m1", Some(&format!("1-100/{n}")), &body[..100], '+');
        let c2 = send(
            "t002",
            "m1",
            Some(&format!("101-200/{n}")),
            &body[100..200],
            '+',
        );
        let c3 = send(
            "t003",
            "m1",
            Some(&format!("201-{n}/{n}")),
            &body[200..],
            '$',
        );
        let r = one(&[c3, c1.clone(), c2]);
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        assert!(r.complete);
        assert_eq!(r.body, body);
        assert_eq!(r.chunks, 3);
        assert_eq!(r.total, Some(n as u64));
        // The head is the chunk that starts at byte 1, whatever came first.
        assert_eq!(r.first.transaction_id, b"t001");
        assert_eq!(r.first.pos, 1);
        assert_eq!(r.content_type.unwrap().field, b"Content-Type: text/plain");
    }

    #[test]
    fn star_totals_end_at_the_dollar_chunk() {
        let r = one(&[
            send("t001", "m1", Some("1-5/*"), b"Hello", '+'),
            send("t002", "m1", Some("6-*/*"), b", world", '$'),
        ]);
        assert!(r.complete, "{:?}", r.findings);
        assert_eq!(r.body, b"Hello, world");
        assert_eq!(r.total, Some(12));
        // No Byte-Range at all: 1-*/* in one chunk.
        let r = one(&[send("t001", "m1", None, b"all", '$')]);
        assert!(r.complete && r.findings.is_empty());
        assert_eq!(r.body, b"all");
    }

    #[test]
    fn unfinished_star_message_is_reported() {
        let r = one(&[send("t001", "m1", Some("1-5/*"), b"Hello", '+')]);
        assert!(!r.complete);
        assert_eq!(codes(&r), ["msrp-chunk-unfinished"]);
    }

    #[test]
    fn abort_flag_is_reported() {
        let r = one(&[
            send("t001", "m1", Some("1-5/10"), b"Hello", '+'),
            send("t002", "m1", Some("6-7/10"), b"ab", '#'),
        ]);
        assert!(r.aborted && !r.complete);
        assert!(codes(&r).contains(&"msrp-chunk-aborted"));
        assert_eq!(r.findings[0].offset, 1);
    }

    #[test]
    fn gaps_name_the_missing_range() {
        let r = one(&[
            send("t001", "m1", Some("1-5/20"), b"Hello", '+'),
            send("t003", "m1", Some("11-15/20"), b"ABCDE", '+'),
        ]);
        assert!(!r.complete);
        let msgs: Vec<_> = r.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "message m1: bytes 6-10 are missing",
                "message m1: bytes 16-20 are missing"
            ]
        );
        assert!(r.findings.iter().all(|f| f.code == "msrp-chunk-gap"));
        assert_eq!(r.findings[0].offset, 1);
        // The body stops at the first gap.
        assert_eq!(r.body, b"Hello");
    }

    #[test]
    fn overlap_same_bytes_is_a_warning_different_bytes_an_error() {
        let r = one(&[
            send("t001", "m1", Some("1-6/10"), b"Hello,", '+'),
            send("t002", "m1", Some("5-10/10"), b"o, you", '$'),
        ]);
        assert!(r.complete);
        assert_eq!(r.body, b"Hello, you");
        assert_eq!(codes(&r), ["msrp-chunk-overlap"]);
        assert_eq!(r.findings[0].severity, Severity::Warning);
        assert!(r.findings[0].message.contains("bytes 5-6"));
        let r = one(&[
            send("t001", "m1", Some("1-6/10"), b"Hello,", '+'),
            send("t002", "m1", Some("5-10/10"), b"XX you", '$'),
        ]);
        assert_eq!(r.body, b"Hello, you");
        assert_eq!(codes(&r), ["msrp-chunk-conflict"]);
        assert_eq!(r.findings[0].severity, Severity::Error);
        assert!(r.has_errors());
    }

    #[test]
    fn duplicate_chunk_is_a_warning() {
        let c1 = send("t001", "m1", Some("1-5/10"), b"Hello", '+');
        let c2 = send("t002", "m1", Some("6-10/10"), b"World", '$');
        let r = one(&[c1.clone(), c2, c1]);
        assert!(r.complete);
        assert_eq!(r.body, b"HelloWorld");
        assert_eq!(codes(&r), ["msrp-chunk-duplicate"]);
        assert_eq!(r.chunks, 3);
        assert_eq!(r.findings[0].offset, 2);
    }

    #[test]
    fn total_mismatch_between_chunks() {
        let r = one(&[
            send("t001", "m1", Some("1-5/10"), b"Hello", '+'),
            send("t002", "m1", Some("6-10/11"), b"World", '$'),
        ]);
        assert!(codes(&r).contains(&"msrp-chunk-total-mismatch"));
        assert!(!r.complete);
    }

    #[test]
    fn declared_total_is_never_allocated() {
        let r = one(&[send(
            "t001",
            "m1",
            Some("1-5/18446744073709551615"),
            b"Hello",
            '+',
        )]);
        assert!(!r.complete);
        assert_eq!(r.body, b"Hello");
        assert!(
            r.findings[0]
                .message
                .contains("bytes 6-18446744073709551615")
        );
    }

    #[test]
    fn messages_are_keyed_by_session_and_message_id() {
        let a = send("t001", "m1", Some("1-1/1"), b"a", '$');
        let b = send("t002", "m2", Some("1-1/1"), b"b", '$');
        let v = run(&[a.clone(), b], &Limits::default());
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].message_id, b"m2");
        let mut r = Reassembler::new(&Limits::default());
        for (i, s) in [&b"s1"[..], b"s2"].iter().enumerate() {
            let m = msrp::parse(&a, &a, MsrpParseKind::Message, &Limits::default(), "");
            r.push(s, &m, i).unwrap();
        }
        assert_eq!(r.finish().len(), 2);
    }

    #[test]
    fn limits_bound_chunks_and_bytes() {
        let limits = Limits {
            max_chunks: 2,
            max_message: 8,
            ..Limits::default()
        };
        let v = run(
            &[
                send("t001", "m1", Some("1-5/20"), b"Hello", '+'),
                send("t002", "m1", Some("6-10/20"), b"World", '+'),
            ],
            &limits,
        );
        assert!(
            v[0].findings
                .iter()
                .any(|f| f.code == "msrp-message-too-large")
        );
        assert!(!v[0].complete);
        let v = run(
            &[
                send("t001", "m1", Some("1-1/3"), b"a", '+'),
                send("t002", "m1", Some("2-2/3"), b"b", '+'),
                send("t003", "m1", Some("3-3/3"), b"c", '$'),
            ],
            &limits,
        );
        assert!(
            v[0].findings
                .iter()
                .any(|f| f.code == "msrp-too-many-chunks")
        );
        assert!(!v[0].complete);
    }

    #[test]
    fn push_ready_returns_each_message_when_its_last_byte_is_in() {
        let limits = Limits::default();
        let mut r = Reassembler::new(&limits);
        let chunks = [
            send("t003", "m1", Some("11-15/15"), b"three", '$'),
            send("t001", "m1", Some("1-5/15"), b"one..", '+'),
            send("t009", "m2", Some("1-3/3"), b"abc", '$'),
            send("t002", "m1", Some("6-10/15"), b"two..", '+'),
            send("t001", "m1", Some("1-5/15"), b"one..", '+'),
            send("t004", "m3", Some("1-2/4"), b"ab", '+'),
        ];
        let mut out = Vec::new();
        for (i, c) in chunks.iter().enumerate() {
            let m = msrp::parse(c, c, MsrpParseKind::Message, &limits, "");
            let chunk = Chunk::from_msrp(&m, i).unwrap();
            out.push(r.push_ready(&path_session_key(&m), chunk));
        }
        assert!(matches!(out[0], Ready::Held));
        assert!(matches!(out[1], Ready::Held));
        let Ready::Done(m2) = &out[2] else {
            panic!("m2 is whole in one chunk: {:?}", out[2])
        };
        assert_eq!(m2.body, b"abc");
        let Ready::Done(m1) = &out[3] else {
            panic!("the middle chunk completes m1: {:?}", out[3])
        };
        assert_eq!(m1.body, b"one..two..three");
        assert!(m1.complete && m1.findings.is_empty(), "{:?}", m1.findings);
        let order: Vec<(usize, u64)> = m1.pieces.iter().map(|p| (p.pos, p.start)).collect();
        assert_eq!(order, [(1, 1), (3, 6), (0, 11)]);
        let Ready::Late(f) = &out[4] else {
            panic!("a chunk after completion is late: {:?}", out[4])
        };
        assert_eq!((f.code, f.offset), ("msrp-chunk-duplicate", 4));
        assert!(matches!(out[5], Ready::Held));
        // Only the unfinished message is left for the end.
        let rest = r.finish();
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].message_id, b"m3");
        assert!(codes(&rest[0]).contains(&"msrp-chunk-gap"));
    }

    #[test]
    fn non_chunks_are_refused() {
        let raw = b"MSRP t001 REPORT\r\nMessage-ID: m\r\n-------t001$\r\n";
        let m = msrp::parse(raw, raw, MsrpParseKind::Message, &Limits::default(), "");
        assert_eq!(
            Chunk::from_msrp(&m, 0).unwrap_err().code,
            "msrp-chunk-not-send"
        );
        let raw = b"MSRP t001 SEND\r\nContent-Type: text/plain\r\n\r\nx\r\n-------t001$\r\n";
        let m = msrp::parse(raw, raw, MsrpParseKind::Message, &Limits::default(), "");
        assert_eq!(
            Chunk::from_msrp(&m, 0).unwrap_err().code,
            "msrp-chunk-no-message-id"
        );
    }
}
