//! TCP reassembly per flow, and SIP/MSRP (or WebSocket) framing of each stream.
//!
//! Each direction of a connection is a flow keyed by (source, destination).
//! Segments are placed by sequence number: retransmissions and overlaps are
//! trimmed (the first copy of each byte is kept, and a copy that differs is
//! a `tcp-retransmission-differs` finding), out-of-order segments wait
//! (capped, bookkeeping included) until the hole is filled. A
//! hole that will never be filled (the peer acknowledged past it, the flow
//! ended, too much waits behind it, or it is old) is a gap: what precedes it
//! is flushed, a `tcp-gap` finding names the frames on both sides, and framing
//! resynchronises at the next start line.

use super::hash::{AddrHash, AddrMap};
use std::collections::{BTreeMap, VecDeque};
use std::hash::BuildHasher;
use std::net::SocketAddr;

use memchr::memchr;

use super::websocket as ws;
use super::{CaptureOptions, CapturedMessage, Ctx, Event, Meta, Transport, frame_datagram};
use crate::finding::Finding;
use crate::framing::{self, FrameOptions, Scanner, Step};

/// A parsed TCP header.
pub(crate) struct Segment<'a> {
    pub sport: u16,
    pub dport: u16,
    pub seq: u32,
    pub ack: Option<u32>,
    pub syn: bool,
    pub fin: bool,
    pub rst: bool,
    pub payload: &'a [u8],
}

pub(crate) fn parse(d: &[u8]) -> Option<Segment<'_>> {
    let h = d.get(..20)?;
    let off = usize::from(h[12] >> 4) * 4;
    if off < 20 || off > d.len() {
        return None;
    }
    let flags = h[13];
    Some(Segment {
        sport: u16::from_be_bytes([h[0], h[1]]),
        dport: u16::from_be_bytes([h[2], h[3]]),
        seq: u32::from_be_bytes([h[4], h[5], h[6], h[7]]),
        ack: (flags & 0x10 != 0).then(|| u32::from_be_bytes([h[8], h[9], h[10], h[11]])),
        syn: flags & 0x02 != 0,
        fin: flags & 0x01 != 0,
        rst: flags & 0x04 != 0,
        payload: &d[off..],
    })
}

/// Bytes of junk after which a flow that never carried SIP/MSRP is given up.
const IGNORE_AFTER: u64 = 1024 * 1024;
/// Seconds (capture time) an out-of-order segment waits for the hole before it.
const GAP_SECS: i64 = 10;
/// Seconds (capture time) after which an idle flow is flushed and forgotten.
const IDLE_SECS: i64 = 300;
/// Flows above which idle ones are forgotten sooner.
const MANY_FLOWS: usize = 100_000;
/// What one open flow costs besides its buffers (its state, its place in
/// the table), counted against the total limit: at most half of
/// `max_total_flow_bytes` goes to flow state.
const FLOW_COST: usize = 1024;
/// How often (in frames) flows are swept.
const SWEEP_EVERY: u64 = 8192;
/// Findings held for a flow until it proves to carry SIP/MSRP.
const MAX_DEFERRED: usize = 8;
/// Longest start line accepted while looking for one.
const MAX_START_LINE: usize = 64 * 1024;
/// What one out-of-order segment costs besides its bytes (its map entry,
/// its allocation), counted against the flow limits: a one-byte segment
/// takes about this much memory.
const OOO_SEG_COST: usize = 192;
/// What one in-order segment costs besides its bytes (its [`Span`]).
const SPAN_COST: usize = 64;
/// Stream pieces already framed whose digest is kept, to compare a late
/// retransmission with (see [`Sent`]).
const HISTORY: usize = 32;
/// What one of them costs.
const SENT_COST: usize = 32;

#[derive(Debug, Clone, Copy)]
struct Span {
    /// Stream offset just past this span's bytes.
    end: u64,
    frame: u64,
    /// Record offset of the frame in the capture file.
    rec: u64,
    ts: (i64, u32),
}

struct OooSeg {
    data: Vec<u8>,
    frame: u64,
    rec: u64,
    ts: (i64, u32),
}

/// Stream bytes already framed and released: where they were, the frame
/// they came in, and a digest of them, so that a retransmission of them
/// can still be compared with its first copy.
#[derive(Debug, Clone, Copy)]
struct Sent {
    start: u64,
    len: u32,
    frame: u64,
    digest: u64,
}

/// How a segment's bytes compare with the copy received first.
#[derive(Debug, Default)]
struct Differ {
    /// Bytes that differ, counted where both copies are at hand.
    bytes: u64,
    /// Stream offset of the first of them.
    first: Option<u64>,
    /// Bytes already framed whose digest differs (somewhere in them).
    digested: u64,
    /// Stream offsets of the first piece whose digest differs.
    piece: Option<(u64, u64)>,
    /// Frames of the first copies.
    frames: Vec<u64>,
}

impl Differ {
    fn any(&self) -> bool {
        self.bytes > 0 || self.digested > 0
    }

    /// Note frames (duplicates are removed once, when reported: a search
    /// per frame here was quadratic in the pieces a segment covers).
    fn frames(&mut self, frames: &[u64]) {
        self.frames.extend_from_slice(frames);
    }

    /// Compare `new` with `old`, both at stream offset `at`.
    fn compare(
        &mut self,
        at: u64,
        old: &[u8],
        new: &[u8],
        frames: impl FnOnce(u64, u64) -> Vec<u64>,
    ) {
        if old == new {
            return;
        }
        let mut n = 0u64;
        let mut first = None;
        let mut last = 0;
        for (i, (x, y)) in old.iter().zip(new).enumerate() {
            if x != y {
                n += 1;
                first.get_or_insert(i);
                last = i;
            }
        }
        let Some(first) = first else { return };
        self.bytes += n;
        let at = at + first as u64;
        self.first = Some(self.first.map_or(at, |f| f.min(at)));
        let fr = frames(at, at + (last - first) as u64 + 1);
        self.frames(&fr);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// SIP/MSRP framing (also while looking for the first start line).
    Stream,
    /// WebSocket frames carrying SIP/MSRP.
    Ws,
    /// Not SIP/MSRP: segments are ignored.
    Ignored,
    /// Over a memory limit: segments are ignored.
    Dropped,
}

struct Flow {
    src: SocketAddr,
    dst: SocketAddr,
    /// Sequence number of the next in-order byte (at `base + buf.len()`).
    next_seq: u32,
    /// Stream offset of `buf[0]`.
    base: u64,
    buf: Vec<u8>,
    spans: VecDeque<Span>,
    ooo: BTreeMap<u64, OooSeg>,
    ooo_bytes: usize,
    ooo_since: i64,
    /// Highest acknowledgment seen from the peer.
    peer_ack: Option<u32>,
    mode: Mode,
    proven: bool,
    forced: bool,
    midstream: bool,
    /// Bytes skipped while looking for the first start line.
    skipped: u64,
    first_skip_frame: Option<(u64, u64)>,
    resync: bool,
    /// A line was partly skipped: skip the rest of it before looking again.
    mid_line: bool,
    deferred: Vec<Event>,
    last_frame: u64,
    last_rec: u64,
    last_ts: i64,
    ws_msg: Vec<u8>,
    ws_start: u64,
    ws_in_msg: bool,
    ws_rsv1: bool,
    ws_reported: bool,
    /// Framing state of the stream (remembered searches), with the stream
    /// offset its offsets count from; reset after a gap or a mode change.
    scanner: Option<Box<(Scanner, u64)>>,
    /// Frame of the last segment seen (for forgetting the least recent).
    seen: u64,
    /// The last pieces of the stream framed and released, oldest first.
    history: VecDeque<Sent>,
}

impl Flow {
    fn new(src: SocketAddr, dst: SocketAddr, next_seq: u32, midstream: bool, forced: bool) -> Self {
        Flow {
            src,
            dst,
            next_seq,
            base: 0,
            buf: Vec::new(),
            spans: VecDeque::new(),
            ooo: BTreeMap::new(),
            ooo_bytes: 0,
            ooo_since: 0,
            peer_ack: None,
            mode: Mode::Stream,
            proven: false,
            forced,
            midstream,
            skipped: 0,
            first_skip_frame: None,
            resync: false,
            mid_line: false,
            deferred: Vec::new(),
            last_frame: 0,
            last_rec: 0,
            last_ts: 0,
            ws_msg: Vec::new(),
            ws_start: 0,
            ws_in_msg: false,
            ws_rsv1: false,
            ws_reported: false,
            scanner: None,
            seen: 0,
            history: VecDeque::new(),
        }
    }

    /// Memory held: bytes, and the bookkeeping of each segment (a flood of
    /// one-byte segments costs far more than its bytes).
    fn mem(&self) -> usize {
        self.buf.len()
            + self.spans.len() * SPAN_COST
            + self.ooo_mem()
            + self.ws_msg.len()
            + self.history.len() * SENT_COST
    }

    /// Memory held by out-of-order segments.
    fn ooo_mem(&self) -> usize {
        self.ooo_bytes + self.ooo.len() * OOO_SEG_COST
    }

    fn stream_end(&self) -> u64 {
        self.base + self.buf.len() as u64
    }

    fn free(&mut self) {
        self.buf = Vec::new();
        self.spans = VecDeque::new();
        self.ooo = BTreeMap::new();
        self.ooo_bytes = 0;
        self.ws_msg = Vec::new();
        self.ws_in_msg = false;
        self.scanner = None;
        self.history = VecDeque::new();
    }

    fn name(&self) -> String {
        format!("TCP {} → {}", self.src, self.dst)
    }

    fn push_finding(&mut self, e: Event, out: &mut VecDeque<Event>) {
        if self.proven || self.forced {
            out.push_back(e);
        } else if self.deferred.len() < MAX_DEFERRED {
            self.deferred.push(e);
        }
    }

    fn append(&mut self, data: &[u8], frame: u64, rec: u64, ts: (i64, u32)) {
        if data.is_empty() {
            return;
        }
        self.buf.extend_from_slice(data);
        self.next_seq = self.next_seq.wrapping_add(data.len() as u32);
        let end = self.stream_end();
        match self.spans.back_mut() {
            Some(s) if s.frame == frame => s.end = end,
            _ => self.spans.push_back(Span {
                end,
                frame,
                rec,
                ts,
            }),
        }
        self.last_frame = frame;
        self.last_rec = rec;
    }

    fn drain_ooo(&mut self) {
        loop {
            let end = self.stream_end();
            let Some(entry) = self.ooo.first_entry() else {
                break;
            };
            let off = *entry.key();
            if off > end {
                break;
            }
            let seg = entry.remove();
            self.ooo_bytes -= seg.data.len();
            let seg_end = off + seg.data.len() as u64;
            if seg_end > end {
                let skip = (end - off) as usize;
                self.append(&seg.data[skip..], seg.frame, seg.rec, seg.ts);
            }
        }
    }

    /// Place a segment's payload in the stream. Bytes received before
    /// (still buffered, waiting out of order, or among the last
    /// [`HISTORY`] pieces framed) are compared with their first copy,
    /// which is kept: only the new parts of a segment are taken (RFC 9293
    /// 3.10.7.4). A difference is a `tcp-retransmission-differs` finding.
    fn add(
        &mut self,
        seq: u32,
        payload: &[u8],
        ctx: &Ctx<'_>,
        cfg: &Cfg,
        out: &mut VecDeque<Event>,
    ) {
        let ts = (ctx.ts_secs, ctx.ts_nanos);
        let rel = i64::from(seq.wrapping_sub(self.next_seq) as i32);
        if rel == -1 && payload.len() == 1 {
            // A keep-alive: one garbage octet just before the next
            // sequence number (RFC 9293 3.8.4), not a retransmission.
            return;
        }
        let end = self.stream_end();
        let mut off = end as i64 + rel;
        let mut payload = payload;
        if off < 0 {
            // Before the first byte captured: nothing to compare with.
            let cut = (-off) as usize;
            if cut >= payload.len() {
                return;
            }
            payload = &payload[cut..];
            off = 0;
        }
        let off = off as u64;
        let seg_end = off + payload.len() as u64;
        let mut differ = Differ::default();
        if off < self.base {
            self.compare_history(off, payload, cfg, &mut differ);
        }
        let (lo, hi) = (off.max(self.base), seg_end.min(end));
        if lo < hi {
            let old = &self.buf[(lo - self.base) as usize..(hi - self.base) as usize];
            let new = &payload[(lo - off) as usize..(hi - off) as usize];
            differ.compare(lo, old, new, |a, b| self.frames_of(a, b).0);
        }
        if seg_end > end {
            let from = off.max(end);
            let rest = &payload[(from - off) as usize..];
            if self.ooo.is_empty() && from == end {
                self.append(rest, ctx.frame, ctx.rec, ts);
            } else {
                self.place(from, rest, ctx, &mut differ);
                self.drain_ooo();
            }
        }
        if differ.any() {
            self.report_differ(off, seg_end, ctx, differ, out);
        }
    }

    /// Put `data` (at stream offset `from`, past the in-order end) among
    /// the out-of-order segments: only what no segment there holds yet is
    /// stored, the rest compared. Linear in `data`: the segments it meets
    /// do not overlap and hold at least one byte each.
    fn place(&mut self, from: u64, data: &[u8], ctx: &Ctx<'_>, differ: &mut Differ) {
        let to = from + data.len() as u64;
        let mut gaps = Vec::new();
        let mut cursor = from;
        let before = self
            .ooo
            .range(..=from)
            .next_back()
            .filter(|(a, s)| **a + s.data.len() as u64 > from);
        for (&a, seg) in before.into_iter().chain(self.ooo.range(from + 1..to)) {
            if a > cursor {
                gaps.push((cursor, a));
            }
            let lo = a.max(from);
            let hi = (a + seg.data.len() as u64).min(to);
            let old = &seg.data[(lo - a) as usize..(hi - a) as usize];
            let new = &data[(lo - from) as usize..(hi - from) as usize];
            differ.compare(lo, old, new, |_, _| vec![seg.frame]);
            cursor = cursor.max(hi);
        }
        if cursor < to {
            gaps.push((cursor, to));
        }
        let ts = (ctx.ts_secs, ctx.ts_nanos);
        for (a, b) in gaps {
            let piece = &data[(a - from) as usize..(b - from) as usize];
            if a == self.stream_end() {
                self.append(piece, ctx.frame, ctx.rec, ts);
                continue;
            }
            if self.ooo.is_empty() {
                self.ooo_since = ctx.ts_secs;
            }
            self.ooo_bytes += piece.len();
            self.ooo.insert(
                a,
                OooSeg {
                    data: piece.to_vec(),
                    frame: ctx.frame,
                    rec: ctx.rec,
                    ts,
                },
            );
        }
    }

    /// Compare the part of a segment (`payload` at stream offset `off`)
    /// that was already framed and released with the digests kept of it:
    /// each piece the segment covers whole is compared.
    fn compare_history(&self, off: u64, payload: &[u8], cfg: &Cfg, differ: &mut Differ) {
        let end = off + payload.len() as u64;
        for h in &self.history {
            let h_end = h.start + u64::from(h.len);
            if h.start < off || h_end > end {
                continue;
            }
            let piece = &payload[(h.start - off) as usize..(h_end - off) as usize];
            if cfg.digest.hash_one(piece) != h.digest {
                differ.digested += u64::from(h.len);
                differ.piece.get_or_insert((h.start, h_end));
                differ.frames(&[h.frame]);
            }
        }
    }

    fn report_differ(
        &mut self,
        off: u64,
        seg_end: u64,
        ctx: &Ctx<'_>,
        differ: Differ,
        out: &mut VecDeque<Event>,
    ) {
        let mut frames = differ.frames;
        frames.sort_unstable();
        frames.dedup();
        let list = frames
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let mut what = Vec::new();
        if let Some((a, b)) = differ.piece {
            let more = differ.digested - (b - a);
            what.push(format!(
                "the {} bytes at stream offsets {a}..{b} (already framed, compared by digest) differ{}",
                b - a,
                if more > 0 {
                    format!(", and {more} bytes after them")
                } else {
                    String::new()
                }
            ));
        }
        if let Some(first) = differ.first {
            what.push(if differ.bytes == 1 {
                format!("1 byte differs, at stream offset {first}")
            } else {
                format!(
                    "{} bytes differ, the first at stream offset {first}",
                    differ.bytes
                )
            });
        }
        let name = self.name();
        self.push_finding(
            Event::finding(
                ctx.frame,
                ctx.rec,
                frames,
                Finding::error(
                    "tcp-retransmission-differs",
                    0,
                    format!(
                        "{name}: frame {} (record at byte {}) carries stream bytes {off}..{seg_end} again with different content than the copy received first, in frame{} {list}: {}; the first copy is kept",
                        ctx.frame,
                        ctx.rec,
                        if list.contains(',') { "s" } else { "" },
                        what.join(", ")
                    ),
                ),
            ),
            out,
        );
    }

    fn consume(&mut self, n: usize, cfg: &Cfg) {
        if n == 0 {
            return;
        }
        let n = n.min(self.buf.len());
        self.remember(n, cfg);
        if n >= self.buf.len() {
            self.buf.clear();
        } else {
            self.buf.drain(..n);
        }
        self.base += n as u64;
        while self.spans.front().is_some_and(|s| s.end <= self.base) {
            self.spans.pop_front();
        }
    }

    /// Keep the digest of the first `n` buffered bytes, about to be
    /// released, piece by piece (one per frame), at most [`HISTORY`]: only
    /// the pieces that stay are digested.
    fn remember(&mut self, n: usize, cfg: &Cfg) {
        let stop = self.base + n as u64;
        let base = self.base;
        // The pieces: each span's part in `base..stop`.
        let pieces = || {
            let mut start = base;
            self.spans.iter().map_while(move |sp| {
                if start >= stop {
                    return None;
                }
                let piece = (start, sp.end.min(stop), sp.frame);
                start = start.max(sp.end);
                Some(piece)
            })
        };
        let count = pieces().filter(|(a, b, _)| b > a).count();
        let kept: Vec<Sent> = pieces()
            .filter(|(a, b, _)| b > a)
            .skip(count.saturating_sub(HISTORY))
            .filter_map(|(a, b, frame)| {
                let piece = &self.buf[(a - base) as usize..(b - base) as usize];
                Some(Sent {
                    start: a,
                    len: u32::try_from(piece.len()).ok()?,
                    frame,
                    digest: cfg.digest.hash_one(piece),
                })
            })
            .collect();
        for sent in kept {
            if self.history.len() == HISTORY {
                self.history.pop_front();
            }
            self.history.push_back(sent);
        }
    }

    /// Frames, the completing frame, its timestamp and its record offset
    /// for stream bytes `s..e`.
    fn frames_of(&self, s: u64, e: u64) -> (Vec<u64>, u64, (i64, u32), u64) {
        let mut frames = Vec::new();
        let mut best = (0u64, (0i64, 0u32), 0u64);
        // Spans are in stream order: skip those that end before `s` in
        // O(log n) (a scan from the front was quadratic over many
        // retransmissions near the end of a long buffer).
        let skip = self
            .spans
            .partition_point(|sp| sp.end <= s)
            .saturating_sub(1);
        let mut start = if skip > 0 {
            self.spans[skip - 1].end
        } else {
            0
        };
        for (i, sp) in self.spans.iter().enumerate().skip(skip) {
            if i > 0 && start >= e {
                break;
            }
            if sp.end > s && (i == 0 || start < e) {
                frames.push(sp.frame);
                if sp.frame >= best.0 {
                    best = (sp.frame, sp.ts, sp.rec);
                }
            }
            start = sp.end;
        }
        frames.sort_unstable();
        frames.dedup();
        if frames.is_empty() {
            frames.push(self.last_frame);
            best = (self.last_frame, (self.last_ts, 0), self.last_rec);
        }
        (frames, best.0, best.1, best.2)
    }

    fn prove(&mut self, out: &mut VecDeque<Event>) {
        if self.proven {
            return;
        }
        self.proven = true;
        out.extend(self.deferred.drain(..));
        if self.midstream && self.skipped > 0 {
            let (first, rec) = self
                .first_skip_frame
                .unwrap_or((self.last_frame, self.last_rec));
            out.push_back(Event::finding(
                first,
                rec,
                Vec::new(),
                Finding::note(
                    "capture-midstream",
                    0,
                    format!(
                        "{} was captured mid-connection: {} bytes before the first start line (from frame {first}) were skipped",
                        self.name(),
                        self.skipped
                    ),
                ),
            ));
        }
    }

    /// No start line in the first [`IGNORE_AFTER`] bytes: the flow is
    /// taken for other traffic and its later segments are ignored. Said
    /// once, as a note: most such flows are not SIP at all, but one whose
    /// start was not captured may carry SIP further on.
    fn ignore(&mut self, out: &mut VecDeque<Event>) {
        let (first, _) = self
            .first_skip_frame
            .unwrap_or((self.last_frame, self.last_rec));
        let (frame, rec) = (self.last_frame, self.last_rec);
        let how = if self.midstream {
            "captured mid-connection, "
        } else {
            ""
        };
        out.push_back(Event::finding(
            frame,
            rec,
            vec![first],
            Finding::note(
                "tcp-flow-ignored",
                0,
                format!(
                    "{} ({how}frames {first} to {frame}): no SIP or MSRP start line in its first {} bytes, which were skipped; from frame {frame} on the flow is taken for other traffic and ignored (give --port {} to decode it anyway)",
                    self.name(),
                    self.skipped,
                    self.dst.port()
                ),
            ),
        ));
        self.mode = Mode::Ignored;
        self.free();
    }

    fn skip(&mut self, n: usize) {
        self.skipped += n as u64;
        if self.first_skip_frame.is_none() {
            self.first_skip_frame = self.spans.front().map(|s| (s.frame, s.rec));
        }
    }

    /// Frame what is buffered.
    fn run(&mut self, at_eof: bool, cfg: &Cfg, out: &mut VecDeque<Event>) {
        for _ in 0..4 {
            match self.mode {
                Mode::Stream => {
                    if !self.run_stream(at_eof, cfg, out) {
                        break;
                    }
                }
                Mode::Ws => {
                    if !self.run_ws(at_eof, cfg, out) {
                        break;
                    }
                }
                Mode::Ignored | Mode::Dropped => {
                    self.free();
                    break;
                }
            }
        }
        if at_eof {
            let n = self.buf.len();
            self.consume(n, cfg);
        }
        if !self.proven && !self.forced && self.skipped > IGNORE_AFTER && self.mode != Mode::Ignored
        {
            self.ignore(out);
        }
    }

    /// SIP/MSRP framing. Returns true when the mode changed and the rest
    /// must be framed in the new mode.
    fn run_stream(&mut self, at_eof: bool, cfg: &Cfg, out: &mut VecDeque<Event>) -> bool {
        let mut pos = 0;
        let mut switched = false;
        while pos < self.buf.len() {
            let rest = &self.buf[pos..];
            if (!self.proven || self.resync) && !self.forced {
                if rest.starts_with(b"GET ") || rest.starts_with(b"HTTP/1.") {
                    match ws::http_head_end(rest) {
                        Some(end) if ws::is_upgrade(&rest[..end]) => {
                            pos += end;
                            self.mode = Mode::Ws;
                            self.resync = false;
                            switched = true;
                            break;
                        }
                        None if !at_eof && rest.len() < MAX_START_LINE => break,
                        _ => {}
                    }
                }
                if ws::looks_like_sip_frame(rest) {
                    self.mode = Mode::Ws;
                    self.resync = false;
                    switched = true;
                    break;
                }
                if self.mid_line {
                    let n = memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
                    self.mid_line = n == rest.len() && rest[n - 1] != b'\n';
                    self.skip(n);
                    pos += n;
                    continue;
                }
                match plausible(rest, at_eof) {
                    Plausible::Yes => {}
                    Plausible::NeedMore => break,
                    Plausible::Skip(n) => {
                        self.mid_line = rest[n - 1] != b'\n';
                        self.skip(n);
                        pos += n;
                        continue;
                    }
                }
            }
            let at = self.base + pos as u64;
            if self
                .scanner
                .as_ref()
                .is_none_or(|b| at - b.1 > (usize::MAX / 2) as u64)
            {
                self.scanner = Some(Box::new((Scanner::new(cfg.stream.clone()), at)));
            }
            let (scanner, origin) = &mut **self.scanner.as_mut().expect("set above");
            match scanner.next(rest, (at - *origin) as usize, at_eof) {
                Step::End | Step::NeedMore => break,
                Step::KeepAlive { len } => pos += len.max(1),
                Step::Junk { len } => {
                    let len = len.max(1);
                    if (self.proven && !self.resync) || self.forced {
                        let (frames, frame, _, rec) =
                            self.frames_of(self.base + pos as u64, self.base + (pos + len) as u64);
                        let name = self.name();
                        self.push_finding(
                            Event::finding(
                                frame,
                                rec,
                                frames,
                                Finding::warning(
                                    "capture-junk",
                                    0,
                                    format!(
                                        "{name}: {len} bytes at stream offset {} (up to frame {frame}, record at byte {rec}) are not SIP or MSRP; skipped",
                                        self.base + pos as u64
                                    ),
                                )
                                .with_len(len),
                            ),
                            out,
                        );
                    } else {
                        self.skip(len);
                    }
                    pos += len;
                }
                Step::Message(f) => {
                    let end = f.end.max(1).min(rest.len());
                    let s = self.base + pos as u64;
                    let (frames, frame, ts, _) = self.frames_of(s, s + end as u64);
                    let bytes = rest[..end].to_vec();
                    self.prove(out);
                    self.resync = false;
                    out.push_back(Event::Message(CapturedMessage {
                        meta: Meta {
                            frame,
                            frames,
                            ts_secs: ts.0,
                            ts_nanos: ts.1,
                            src: self.src,
                            dst: self.dst,
                            transport: Transport::Tcp,
                        },
                        protocol: f.protocol,
                        bytes,
                        truncated: f.truncated,
                        findings: f.findings,
                    }));
                    pos += end;
                }
            }
        }
        self.consume(pos, cfg);
        switched
    }

    /// WebSocket framing. Returns true when the mode changed.
    fn run_ws(&mut self, at_eof: bool, cfg: &Cfg, out: &mut VecDeque<Event>) -> bool {
        let mut pos = 0;
        let mut switched = false;
        while pos < self.buf.len() {
            let rest = &self.buf[pos..];
            let h = match ws::parse_header(rest) {
                ws::Parse::NeedMore => break,
                ws::Parse::Bad => {
                    if self.proven {
                        let (_, frame, _, rec) =
                            self.frames_of(self.base + pos as u64, self.base + pos as u64 + 1);
                        let name = self.name();
                        self.push_finding(
                            Event::finding(
                                frame,
                                rec,
                                Vec::new(),
                                Finding::warning(
                                    "websocket-bad-frame",
                                    0,
                                    format!("{name}: invalid WebSocket frame in frame {frame}; looking for SIP/MSRP again"),
                                ),
                            ),
                            out,
                        );
                    }
                    self.mode = Mode::Stream;
                    self.resync = true;
                    self.scanner = None;
                    self.ws_in_msg = false;
                    self.ws_msg.clear();
                    switched = true;
                    break;
                }
                ws::Parse::Header(h) => h,
            };
            if h.payload_len > cfg.max_message as u64 {
                // Not refused on what it declares: the capture may end
                // before `--max-message` bytes of it (then what was
                // captured is framed, `websocket-truncated`). Only past
                // that many bytes is it too large.
                if rest.len() - h.header_len.min(rest.len()) <= cfg.max_message {
                    break;
                }
                let (_, frame, _, rec) =
                    self.frames_of(self.base + pos as u64, self.base + pos as u64 + 1);
                let name = self.name();
                let e = Event::finding(
                    frame,
                    rec,
                    Vec::new(),
                    Finding::error(
                        "websocket-frame-too-large",
                        0,
                        format!(
                            "{name}: WebSocket frame in frame {frame} declares {} bytes (limit {}); the flow is dropped",
                            h.payload_len, cfg.max_message
                        ),
                    ),
                );
                // A frame that begins like SIP or MSRP is said even before
                // the flow proved to carry them: it is the message lost.
                if ws::looks_like_sip_frame(rest) {
                    self.prove(out);
                }
                self.push_finding(e, out);
                self.mode = Mode::Dropped;
                self.free();
                return false;
            }
            let total = h.header_len + h.payload_len as usize;
            if rest.len() < total {
                break;
            }
            let payload = &rest[h.header_len..total];
            match h.opcode {
                1 | 2 => {
                    self.ws_msg.clear();
                    self.ws_in_msg = true;
                    self.ws_rsv1 = h.rsv1;
                    self.ws_start = self.base + pos as u64;
                    ws::unmask_into(&mut self.ws_msg, payload, h.mask);
                }
                0 if self.ws_in_msg => {
                    if self.ws_msg.len() + payload.len() > cfg.max_message {
                        // Given up, and said when it began as SIP or MSRP;
                        // its later fragments are skipped, the flow goes on.
                        if framing::classify(&self.ws_msg, 0).is_some() {
                            let end = self.base + (pos + total) as u64;
                            let (frames, frame, _, rec) = self.frames_of(self.ws_start, end);
                            let name = self.name();
                            let e = Event::finding(
                                frame,
                                rec,
                                frames,
                                Finding::error(
                                    "websocket-message-too-large",
                                    0,
                                    format!(
                                        "{name}: WebSocket message fragmented over frames grows past {} bytes (--max-message) in frame {frame}; it is skipped",
                                        cfg.max_message
                                    ),
                                ),
                            );
                            self.push_finding(e, out);
                        }
                        self.ws_in_msg = false;
                        self.ws_msg.clear();
                    } else {
                        ws::unmask_into(&mut self.ws_msg, payload, h.mask);
                    }
                }
                _ => {}
            }
            let frame_end = self.base + (pos + total) as u64;
            pos += total;
            if h.fin && self.ws_in_msg && matches!(h.opcode, 0..=2) {
                self.ws_in_msg = false;
                let msg = std::mem::take(&mut self.ws_msg);
                if self.ws_rsv1 {
                    if !self.ws_reported {
                        self.ws_reported = true;
                        let name = self.name();
                        let (frames, frame, _, rec) = self.frames_of(self.ws_start, frame_end);
                        self.push_finding(
                            Event::finding(
                                frame,
                                rec,
                                frames,
                                Finding::warning(
                                    "websocket-compressed",
                                    0,
                                    format!("{name}: WebSocket messages are compressed (permessage-deflate); they are skipped"),
                                ),
                            ),
                            out,
                        );
                    }
                } else {
                    let (frames, frame, ts, rec) = self.frames_of(self.ws_start, frame_end);
                    let ctx = Ctx {
                        frame,
                        rec,
                        ts_secs: ts.0,
                        ts_nanos: ts.1,
                        extra: &frames,
                    };
                    let (src, dst) = (self.src, self.dst);
                    let meta = |frames| Meta {
                        frame,
                        frames,
                        ts_secs: ts.0,
                        ts_nanos: ts.1,
                        src,
                        dst,
                        transport: Transport::Ws,
                    };
                    let mut local = VecDeque::new();
                    let n = frame_datagram(&msg, &cfg.dgram, self.forced, &ctx, &meta, &mut local);
                    if n > 0 {
                        self.prove(out);
                        out.extend(local);
                    } else {
                        self.skip(msg.len());
                    }
                }
                self.ws_msg = msg;
                self.ws_msg.clear();
            }
        }
        if at_eof && !switched && (pos < self.buf.len() || self.ws_in_msg) {
            self.ws_cut(pos, cfg, out);
            pos = self.buf.len();
        }
        self.consume(pos, cfg);
        switched
    }

    /// The stream ends (end of capture, or a gap) inside a WebSocket frame
    /// or a fragmented WebSocket message starting at `pos`: report it, and
    /// frame what was captured of the message, marked truncated.
    fn ws_cut(&mut self, pos: usize, cfg: &Cfg, out: &mut VecDeque<Event>) {
        let rest = &self.buf[pos..];
        let mut declared = None;
        let mut have = 0usize;
        if let ws::Parse::Header(h) = ws::parse_header(rest) {
            let avail = rest.len().saturating_sub(h.header_len);
            declared = Some(h.payload_len);
            have = avail;
            let payload = &rest[h.header_len.min(rest.len())..];
            match h.opcode {
                1 | 2 => {
                    self.ws_msg.clear();
                    self.ws_in_msg = true;
                    self.ws_rsv1 = h.rsv1;
                    self.ws_start = self.base + pos as u64;
                    ws::unmask_into(&mut self.ws_msg, payload, h.mask);
                }
                0 if self.ws_in_msg => ws::unmask_into(&mut self.ws_msg, payload, h.mask),
                _ => {}
            }
        }
        let start = if self.ws_in_msg {
            self.ws_start
        } else {
            self.base + pos as u64
        };
        let end = self.stream_end().max(start + 1);
        let (frames, frame, ts, rec) = self.frames_of(start, end);
        let name = self.name();
        let what = match declared {
            Some(d) => {
                format!("inside a WebSocket frame ({have} of its {d} payload bytes captured)")
            }
            None if pos < self.buf.len() => format!(
                "inside a WebSocket frame header ({} bytes)",
                self.buf.len() - pos
            ),
            None => "inside a fragmented WebSocket message (no final frame)".to_string(),
        };
        self.push_finding(
            Event::finding(
                frame,
                rec,
                frames.clone(),
                Finding::warning(
                    "websocket-truncated",
                    0,
                    format!(
                        "{name}: the stream ends (end of capture or a gap) {what}, begun in frame {}; what was captured of the message is kept, marked truncated",
                        frames.first().copied().unwrap_or(frame)
                    ),
                ),
            ),
            out,
        );
        if self.ws_in_msg && !self.ws_rsv1 && !self.ws_msg.is_empty() {
            let msg = std::mem::take(&mut self.ws_msg);
            let ctx = Ctx {
                frame,
                rec,
                ts_secs: ts.0,
                ts_nanos: ts.1,
                extra: &frames,
            };
            let (src, dst) = (self.src, self.dst);
            let meta = |frames| Meta {
                frame,
                frames,
                ts_secs: ts.0,
                ts_nanos: ts.1,
                src,
                dst,
                transport: Transport::Ws,
            };
            let mut local = VecDeque::new();
            if frame_datagram(&msg, &cfg.dgram, self.forced, &ctx, &meta, &mut local) > 0 {
                self.prove(out);
                for mut e in local {
                    if let Event::Message(m) = &mut e {
                        m.truncated = true;
                    }
                    out.push_back(e);
                }
            }
            self.ws_msg = msg;
        }
        self.ws_in_msg = false;
        self.ws_msg.clear();
    }
}

enum Plausible {
    Yes,
    NeedMore,
    Skip(usize),
}

/// While looking for a start line (the first of a flow, or after a gap):
/// can `rest` begin a message? Only a strict start line is accepted here
/// (`Method SP URI SP SIP/x.y`, `SIP/x.y SP 3DIGIT`, `MSRP tid method`), so
/// that header lines like `Via: SIP/2.0/TCP` or body lines are skipped
/// without framing (binary, TLS and the like go line by line).
fn plausible(rest: &[u8], at_eof: bool) -> Plausible {
    if matches!(rest[0], b'\r' | b'\n') {
        return Plausible::Yes;
    }
    let n = rest
        .iter()
        .take(64)
        .take_while(|&&b| crate::chars::is_token(b))
        .count();
    let prefix_ok = if n == rest.len() {
        if !at_eof && n < 64 {
            return Plausible::NeedMore;
        }
        false
    } else {
        (n > 0 && n < 64 && rest[n] == b' ')
            || (rest.len() >= 4 && rest[..4].eq_ignore_ascii_case(b"SIP/"))
    };
    let next_line = |r: &[u8]| match memchr(b'\n', r) {
        Some(i) => Plausible::Skip(i + 1),
        None => Plausible::Skip(r.len()),
    };
    if !prefix_ok {
        return next_line(rest);
    }
    let window = &rest[..rest.len().min(MAX_START_LINE)];
    let line = match memchr(b'\n', window) {
        Some(i) => &window[..i],
        None if at_eof => window,
        None if rest.len() < MAX_START_LINE => return Plausible::NeedMore,
        None => return Plausible::Skip(window.len()),
    };
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if framing::strict_start_line(line) {
        Plausible::Yes
    } else {
        next_line(rest)
    }
}

pub(crate) struct Cfg {
    stream: FrameOptions,
    dgram: FrameOptions,
    max_message: usize,
    /// Digests of stream pieces already framed (keyed at random, so a
    /// capture cannot be crafted to make a different copy look the same).
    digest: AddrHash,
}

pub(crate) struct Tcp {
    flows: AddrMap<(SocketAddr, SocketAddr), Flow>,
    total: usize,
    max_flow: usize,
    max_total: usize,
    /// Most flows open at once (see [`FLOW_COST`]).
    max_flows: usize,
    cfg: Cfg,
    next_sweep: u64,
}

impl Tcp {
    pub fn new(opts: &CaptureOptions) -> Self {
        let max_message = opts.limits.max_message;
        Tcp {
            flows: AddrMap::default(),
            total: 0,
            max_flow: opts.limits.max_flow_bytes,
            max_total: opts.limits.max_total_flow_bytes,
            max_flows: (opts.limits.max_total_flow_bytes / 2 / FLOW_COST).max(16),
            cfg: Cfg {
                stream: FrameOptions {
                    max_message,
                    datagram: false,
                    text: false,
                },
                dgram: FrameOptions {
                    max_message,
                    datagram: true,
                    text: false,
                },
                max_message,
                digest: AddrHash::default(),
            },
            next_sweep: SWEEP_EVERY,
        }
    }

    pub fn segment(
        &mut self,
        ctx: &Ctx<'_>,
        src: SocketAddr,
        dst: SocketAddr,
        seg: &Segment<'_>,
        forced: bool,
        out: &mut VecDeque<Event>,
    ) {
        // The peer's acknowledgment tells whether a hole in the other direction will ever be filled.
        if let Some(ack) = seg.ack
            && let Some(rev) = self.flows.get_mut(&(dst, src))
        {
            if rev
                .peer_ack
                .is_none_or(|a| (ack.wrapping_sub(a) as i32) > 0)
            {
                rev.peer_ack = Some(ack);
            }
            if !rev.ooo.is_empty() && (ack.wrapping_sub(rev.next_seq) as i32) > 0 {
                let before = rev.mem();
                resolve_gaps(rev, &self.cfg, out);
                self.total = (self.total + rev.mem()).saturating_sub(before);
            }
        }
        let key = (src, dst);
        if self.flows.len() >= self.max_flows
            && !self.flows.contains_key(&key)
            && (seg.syn || !seg.payload.is_empty())
        {
            self.forget_least_recent(key, ctx.frame, ctx.rec, out);
        }
        if seg.syn {
            if let Some(mut old) = self.flows.remove(&key) {
                self.total -= old.mem().min(self.total);
                close(&mut old, &self.cfg, out);
            }
            let mut f = Flow::new(src, dst, seg.seq.wrapping_add(1), false, forced);
            f.last_ts = ctx.ts_secs;
            f.last_frame = ctx.frame;
            f.last_rec = ctx.rec;
            self.flows.insert(key, f);
        } else if seg.payload.is_empty() && !self.flows.contains_key(&key) {
            return;
        }
        let cfg = &self.cfg;
        let flow = self
            .flows
            .entry(key)
            .or_insert_with(|| Flow::new(src, dst, seg.seq, true, forced));
        flow.last_ts = ctx.ts_secs;
        flow.seen = ctx.frame;
        let before = flow.mem();
        let seq = if seg.syn {
            seg.seq.wrapping_add(1)
        } else {
            seg.seq
        };
        if matches!(flow.mode, Mode::Stream | Mode::Ws) && !seg.payload.is_empty() {
            flow.add(seq, seg.payload, ctx, cfg, out);
            if !flow.ooo.is_empty() {
                let acked = flow
                    .peer_ack
                    .is_some_and(|a| (a.wrapping_sub(flow.next_seq) as i32) > 0);
                let old = ctx.ts_secs.saturating_sub(flow.ooo_since) > GAP_SECS;
                let big = flow.ooo_mem() > cfg.max_message.min(self.max_flow / 2);
                if acked || old || big {
                    resolve_gaps(flow, cfg, out);
                }
            }
            flow.run(false, cfg, out);
        }
        let after = flow.mem();
        self.total = (self.total + after).saturating_sub(before);
        if after > self.max_flow || self.total > self.max_total {
            let why = if after > self.max_flow {
                format!(
                    "it buffers {after} bytes, over the per-flow limit of {}",
                    self.max_flow
                )
            } else {
                format!(
                    "all flows together buffer {} bytes, over the limit of {}",
                    self.total, self.max_total
                )
            };
            let name = flow.name();
            // Said even before the flow proved to carry SIP/MSRP: only what
            // looks like a message (or waits behind a hole) is buffered.
            out.push_back(Event::finding(
                ctx.frame,
                ctx.rec,
                Vec::new(),
                Finding::error(
                    "tcp-flow-over-limit",
                    0,
                    format!("{name} is dropped at frame {}: {why}", ctx.frame),
                ),
            ));
            self.total -= after.min(self.total);
            flow.mode = Mode::Dropped;
            flow.free();
        }
        if (seg.fin || seg.rst)
            && let Some(mut f) = self.flows.remove(&key)
        {
            self.total -= f.mem().min(self.total);
            close(&mut f, &self.cfg, out);
        }
    }

    /// Too many flows open: flush and forget the least recently active
    /// quarter (not `keep`), as if they had ended, and say so once.
    fn forget_least_recent(
        &mut self,
        keep: (SocketAddr, SocketAddr),
        frame: u64,
        rec: u64,
        out: &mut VecDeque<Event>,
    ) {
        let mut ages: Vec<(u64, (SocketAddr, SocketAddr))> = self
            .flows
            .iter()
            .filter(|(k, _)| **k != keep)
            .map(|(k, f)| (f.seen, *k))
            .collect();
        let n = (ages.len() / 4).max(1).min(ages.len());
        if n == 0 {
            return;
        }
        ages.select_nth_unstable(n - 1);
        ages.truncate(n);
        ages.sort_unstable();
        for (_, k) in ages {
            if let Some(mut f) = self.flows.remove(&k) {
                self.total -= f.mem().min(self.total);
                close(&mut f, &self.cfg, out);
            }
        }
        out.push_back(Event::finding(
            frame,
            rec,
            Vec::new(),
            Finding::error(
                "tcp-flow-over-limit",
                0,
                format!(
                    "{n} least recently active TCP flows are flushed and forgotten at frame {frame}: more than {} flows open (each counts {FLOW_COST} bytes against half the total limit of {})",
                    self.max_flows, self.max_total
                ),
            ),
        ));
    }

    /// Per-packet housekeeping: every so often, flush idle flows and old holes.
    pub fn tick(&mut self, ctx: &Ctx<'_>, out: &mut VecDeque<Event>) {
        if ctx.frame < self.next_sweep {
            return;
        }
        self.next_sweep = ctx.frame + SWEEP_EVERY;
        let idle = if self.flows.len() > MANY_FLOWS {
            30
        } else {
            IDLE_SECS
        };
        let now = ctx.ts_secs;
        let stale: Vec<(SocketAddr, SocketAddr)> = self
            .flows
            .iter()
            .filter(|(_, f)| now.saturating_sub(f.last_ts) > idle)
            .map(|(k, _)| *k)
            .collect();
        for k in stale {
            if let Some(mut f) = self.flows.remove(&k) {
                self.total -= f.mem().min(self.total);
                close(&mut f, &self.cfg, out);
            }
        }
        for f in self.flows.values_mut() {
            if !f.ooo.is_empty() && now.saturating_sub(f.ooo_since) > GAP_SECS {
                let before = f.mem();
                resolve_gaps(f, &self.cfg, out);
                self.total = (self.total + f.mem()).saturating_sub(before);
            }
        }
    }

    /// End of capture: flush every flow.
    pub fn finish(&mut self, out: &mut VecDeque<Event>) {
        let mut flows: Vec<Flow> = self.flows.drain().map(|(_, f)| f).collect();
        flows.sort_by_key(|f| f.last_frame);
        for mut f in flows {
            close(&mut f, &self.cfg, out);
        }
        self.total = 0;
    }
}

/// Give up on every hole in the flow: flush before it, report it, and resume
/// framing after it.
fn resolve_gaps(f: &mut Flow, cfg: &Cfg, out: &mut VecDeque<Event>) {
    while let Some((&off, seg)) = f.ooo.first_key_value() {
        let (after_frame, after_rec) = (seg.frame, seg.rec);
        let (before_frame, before_rec) = (f.last_frame, f.last_rec);
        f.run(true, cfg, out);
        let lost = off.saturating_sub(f.stream_end());
        let name = f.name();
        f.push_finding(
            Event::finding(
                after_frame,
                after_rec,
                vec![before_frame],
                Finding::error(
                    "tcp-gap",
                    0,
                    format!(
                        "{name}: {lost} bytes missing between frame {before_frame} and frame {after_frame} (records at bytes {before_rec} and {after_rec}); framing resumes at the next start line"
                    ),
                ),
            ),
            out,
        );
        f.buf.clear();
        f.spans.clear();
        f.base = off;
        f.next_seq = f.next_seq.wrapping_add(lost as u32);
        f.ws_in_msg = false;
        f.ws_msg.clear();
        if f.mode == Mode::Ws {
            f.mode = Mode::Stream;
        }
        f.resync = true;
        f.mid_line = false;
        f.scanner = None;
        f.drain_ooo();
        f.run(false, cfg, out);
    }
}

/// The flow ends: resolve holes, flush at end of stream.
fn close(f: &mut Flow, cfg: &Cfg, out: &mut VecDeque<Event>) {
    if matches!(f.mode, Mode::Ignored | Mode::Dropped) {
        return;
    }
    resolve_gaps(f, cfg, out);
    f.run(true, cfg, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_start_lines() {
        assert!(matches!(
            plausible(b"INVITE sip:x SIP/2.0\r\n", false),
            Plausible::Yes
        ));
        assert!(matches!(
            plausible(b"SIP/2.0 200 OK\r\n", false),
            Plausible::Yes
        ));
        assert!(matches!(plausible(b"INVI", false), Plausible::NeedMore));
        assert!(matches!(
            plausible(b"\x16\x03\x01\x02\x00\n", false),
            Plausible::Skip(6)
        ));
        assert!(matches!(
            plausible(b"v=0\r\no=x\r\n", false),
            Plausible::Skip(5)
        ));
    }
}
