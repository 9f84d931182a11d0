//! IPv4 and IPv6 (with extension headers) and fragment reassembly.

use super::hash::AddrMap;
use std::collections::{BTreeMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::Event;
use crate::finding::Finding;

/// A parsed IP packet (or the first step of one: a fragment).
pub(crate) enum Parsed<'a> {
    Whole {
        src: IpAddr,
        dst: IpAddr,
        proto: u8,
        payload: &'a [u8],
    },
    Fragment {
        key: FragKey,
        /// Byte offset of this fragment in the original payload.
        offset: u32,
        more: bool,
        /// Protocol after the fragment header (IPv6: may be another extension header).
        proto: u8,
        data: &'a [u8],
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct FragKey {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub id: u32,
    pub v6: bool,
}

pub(crate) fn parse_v4(d: &[u8]) -> Option<Parsed<'_>> {
    if d.len() < 20 || d[0] >> 4 != 4 {
        return None;
    }
    let ihl = usize::from(d[0] & 0x0f) * 4;
    if ihl < 20 || ihl > d.len() {
        return None;
    }
    let total = usize::from(u16::from_be_bytes([d[2], d[3]]));
    // Zero total length: TCP segmentation offload; use what was captured.
    let end = if total == 0 {
        d.len()
    } else {
        total.min(d.len())
    };
    if end < ihl {
        return None;
    }
    let src = IpAddr::V4(Ipv4Addr::new(d[12], d[13], d[14], d[15]));
    let dst = IpAddr::V4(Ipv4Addr::new(d[16], d[17], d[18], d[19]));
    let proto = d[9];
    let ff = u16::from_be_bytes([d[6], d[7]]);
    let more = ff & 0x2000 != 0;
    let offset = u32::from(ff & 0x1fff) * 8;
    let payload = &d[ihl..end];
    if more || offset > 0 {
        let id = u32::from(u16::from_be_bytes([d[4], d[5]])) | (u32::from(proto) << 16);
        return Some(Parsed::Fragment {
            key: FragKey {
                src,
                dst,
                id,
                v6: false,
            },
            offset,
            more,
            proto,
            data: payload,
        });
    }
    Some(Parsed::Whole {
        src,
        dst,
        proto,
        payload,
    })
}

pub(crate) fn parse_v6(d: &[u8]) -> Option<Parsed<'_>> {
    if d.len() < 40 || d[0] >> 4 != 6 {
        return None;
    }
    let plen = usize::from(u16::from_be_bytes([d[4], d[5]]));
    let end = if plen == 0 {
        d.len()
    } else {
        (40 + plen).min(d.len())
    };
    let src = IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(&d[8..24]).ok()?));
    let dst = IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(&d[24..40]).ok()?));
    let mut next = d[6];
    let mut rest = &d[40..end];
    for _ in 0..16 {
        match next {
            // Hop-by-hop, routing, destination options, mobility, HIP, shim6.
            0 | 43 | 60 | 135 | 139 | 140 => {
                let h = rest.get(..2)?;
                let len = (usize::from(h[1]) + 1) * 8;
                next = h[0];
                rest = rest.get(len..)?;
            }
            // Authentication header.
            51 => {
                let h = rest.get(..2)?;
                let len = (usize::from(h[1]) + 2) * 4;
                next = h[0];
                rest = rest.get(len..)?;
            }
            44 => {
                let h = rest.get(..8)?;
                let fo = u16::from_be_bytes([h[2], h[3]]);
                let id = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
                return Some(Parsed::Fragment {
                    key: FragKey {
                        src,
                        dst,
                        id,
                        v6: true,
                    },
                    offset: u32::from(fo & 0xfff8),
                    more: fo & 1 != 0,
                    proto: h[0],
                    data: &rest[8..],
                });
            }
            _ => {
                return Some(Parsed::Whole {
                    src,
                    dst,
                    proto: next,
                    payload: rest,
                });
            }
        }
    }
    None
}

/// Skip IPv6 extension headers that follow a fragment header in a reassembled payload.
pub(crate) fn skip_v6_ext(mut next: u8, mut rest: &[u8]) -> Option<(u8, &[u8])> {
    for _ in 0..16 {
        match next {
            0 | 43 | 60 | 135 | 139 | 140 => {
                let h = rest.get(..2)?;
                let len = (usize::from(h[1]) + 1) * 8;
                next = h[0];
                rest = rest.get(len..)?;
            }
            51 => {
                let h = rest.get(..2)?;
                let len = (usize::from(h[1]) + 2) * 4;
                next = h[0];
                rest = rest.get(len..)?;
            }
            _ => return Some((next, rest)),
        }
    }
    None
}

/// Bytes charged per fragment beyond its data (bookkeeping), so that floods of
/// tiny fragments are bounded too.
const PIECE_OVERHEAD: usize = 64;
/// Bytes charged per datagram being reassembled (its state and table entries).
const DATAGRAM_OVERHEAD: usize = 512;
/// Fragments older than this (capture time) are given up.
const FRAG_TIMEOUT_SECS: i64 = 60;

struct Pending {
    /// What has been received, by offset. Pieces never overlap: a fragment
    /// that overlaps what is there adds only the bytes not yet received
    /// (the first copy of a byte is kept), so repeats cost nothing and the
    /// map stays small.
    pieces: BTreeMap<u32, Piece>,
    /// Bytes `0..covered` are all present.
    covered: u32,
    /// Every piece starting before this offset has been counted in `covered`.
    scanned: u32,
    total: Option<u32>,
    proto: u8,
    frames: Vec<u64>,
    /// Record offset of the last frame.
    last_rec: u64,
    first_ts: i64,
    cost: usize,
    /// Creation number, to tell this datagram from a later one with the same key.
    serial: u64,
    /// IPv6 fragments overlapped with different bytes: the datagram is
    /// discarded (RFC 8200 4.5), and so are its later fragments, until it
    /// times out or the capture ends.
    discarded: bool,
}

struct Piece {
    data: Vec<u8>,
    /// The frame the bytes came from.
    frame: u64,
}

/// Where a fragment meets what was received before.
struct Overlap {
    /// The parts of the fragment not received before: `(start, end)` offsets.
    gaps: Vec<(u32, u32)>,
    /// Pieces it overlaps.
    pieces: usize,
    /// Bytes it carries that differ from the first copy.
    differ: usize,
    /// Payload offset of the first of them.
    first: u32,
    /// Frames of the first copies of the differing bytes.
    frames: Vec<u64>,
}

impl Pending {
    /// Extend `covered` over the pieces not yet counted. Each piece is
    /// visited once over the datagram's life, so a flood of fragments costs
    /// O(log n) each, not O(n).
    fn advance(&mut self) {
        while self.scanned <= self.covered {
            let Some((&at, piece)) = self.pieces.range(self.scanned..=self.covered).next() else {
                break;
            };
            self.covered = self.covered.max(at + piece.data.len() as u32);
            self.scanned = at + 1;
        }
    }

    fn complete(&self) -> bool {
        self.total.is_some_and(|t| self.covered >= t)
    }

    /// Compare a fragment of `data` at `offset` with the pieces it
    /// overlaps. Work is linear in the fragment: the pieces it overlaps do
    /// not overlap each other and each is at least one byte long.
    fn overlap(&self, offset: u32, data: &[u8]) -> Overlap {
        let end = offset + data.len() as u32;
        let mut o = Overlap {
            gaps: Vec::new(),
            pieces: 0,
            differ: 0,
            first: 0,
            frames: Vec::new(),
        };
        if data.is_empty() {
            return o;
        }
        let before = self
            .pieces
            .range(..=offset)
            .next_back()
            .filter(|(a, p)| **a + p.data.len() as u32 > offset);
        let after = self.pieces.range(offset + 1..end);
        let mut cursor = offset;
        for (&a, p) in before.into_iter().chain(after) {
            o.pieces += 1;
            if a > cursor {
                o.gaps.push((cursor, a));
            }
            let lo = a.max(offset);
            let hi = (a + p.data.len() as u32).min(end);
            let old = &p.data[(lo - a) as usize..(hi - a) as usize];
            let new = &data[(lo - offset) as usize..(hi - offset) as usize];
            if old != new {
                let n = old.iter().zip(new).filter(|(x, y)| x != y).count();
                if o.differ == 0 {
                    let i = old.iter().zip(new).position(|(x, y)| x != y).unwrap_or(0);
                    o.first = lo + i as u32;
                }
                o.differ += n;
                o.frames.push(p.frame);
            }
            cursor = cursor.max(hi);
        }
        if cursor < end {
            o.gaps.push((cursor, end));
        }
        o
    }
}

/// A reassembled datagram.
pub(crate) struct Reassembled {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub v6: bool,
    pub proto: u8,
    pub payload: Vec<u8>,
    pub frames: Vec<u64>,
}

pub(crate) struct Defrag {
    pending: AddrMap<FragKey, Pending>,
    /// Datagrams in the order they were started (key, serial): the oldest is
    /// evicted first. Entries of finished datagrams are skipped lazily.
    order: VecDeque<(FragKey, u64)>,
    serial: u64,
    bytes: usize,
    max_bytes: usize,
    last_sweep_ts: i64,
}

/// Frames listed by name in a finding; more are counted.
const FRAMES_NAMED: usize = 10;

/// "frame 3" or "frames 3, 4 and 5 more".
fn frame_list(frames: &[u64]) -> String {
    let mut v: Vec<String> = frames
        .iter()
        .take(FRAMES_NAMED)
        .map(u64::to_string)
        .collect();
    if frames.len() > FRAMES_NAMED {
        v.push(format!("and {} more", frames.len() - FRAMES_NAMED));
    }
    format!(
        "frame{} {}",
        if frames.len() == 1 { "" } else { "s" },
        v.join(", ")
    )
}

fn shown_id(key: &FragKey) -> u32 {
    if key.v6 { key.id } else { key.id & 0xffff }
}

impl Defrag {
    pub fn new(max_bytes: usize) -> Self {
        Defrag {
            pending: AddrMap::default(),
            order: VecDeque::new(),
            serial: 0,
            bytes: 0,
            max_bytes,
            last_sweep_ts: i64::MIN,
        }
    }

    fn incomplete(key: &FragKey, p: &Pending, why: &str) -> Event {
        Event::finding(
            p.frames.last().copied().unwrap_or(0),
            p.last_rec,
            p.frames.iter().copied().take(FRAMES_NAMED).collect(),
            Finding::error(
                "ip-fragments-incomplete",
                0,
                format!(
                    "IP datagram {} → {} (id {:#x}) never completed {why}: fragments in {} dropped",
                    key.src,
                    key.dst,
                    shown_id(key),
                    frame_list(&p.frames)
                ),
            ),
        )
    }

    /// The oldest datagram still pending (dropping stale entries of `order`).
    fn oldest(&mut self) -> Option<FragKey> {
        while let Some(&(k, serial)) = self.order.front() {
            if self.pending.get(&k).is_some_and(|p| p.serial == serial) {
                return Some(k);
            }
            self.order.pop_front();
        }
        None
    }

    fn remove(&mut self, key: &FragKey) -> Option<Pending> {
        let p = self.pending.remove(key)?;
        self.bytes -= p.cost;
        // Finished datagrams leave entries behind in `order`: keep it in
        // proportion to what is pending.
        if self.order.len() > 2 * self.pending.len() + 1024 {
            let pending = &self.pending;
            self.order
                .retain(|(k, s)| pending.get(k).is_some_and(|p| p.serial == *s));
        }
        Some(p)
    }

    /// Add a fragment; returns the whole datagram when this completes it.
    ///
    /// Bytes received twice with different content: for IPv4 the first
    /// copy is kept (the later fragment adds only the bytes not yet
    /// received) and an `ip-fragment-overlap` finding names both frames;
    /// for IPv6 the whole datagram is discarded, as RFC 8200 4.5 (RFC 5722)
    /// requires, with its later fragments. The same bytes again are a
    /// harmless repeat.
    #[allow(clippy::too_many_arguments)]
    pub fn insert(
        &mut self,
        key: FragKey,
        offset: u32,
        more: bool,
        proto: u8,
        data: &[u8],
        frame: u64,
        rec: u64,
        ts: i64,
        findings: &mut Vec<Event>,
    ) -> Option<Reassembled> {
        if ts.saturating_sub(self.last_sweep_ts) >= 1 {
            self.sweep(ts, findings);
            self.last_sweep_ts = ts;
        }
        // A datagram cannot exceed 64 KiB of payload (plus one fragment):
        // reassembled datagrams are capped at 128 KiB (docs/limits.md).
        if u64::from(offset) + data.len() as u64 > 128 * 1024 {
            return None;
        }
        let end = offset + data.len() as u32;
        let fresh = || Overlap {
            gaps: if data.is_empty() {
                Vec::new()
            } else {
                vec![(offset, end)]
            },
            pieces: 0,
            differ: 0,
            first: 0,
            frames: Vec::new(),
        };
        let ov = match self.pending.get(&key) {
            Some(p) if p.discarded => return None,
            Some(p) => p.overlap(offset, data),
            None => fresh(),
        };
        let mut ov = ov;
        // Listed once each (deduplicated here, not searched per piece).
        ov.frames.sort_unstable();
        ov.frames.dedup();
        if ov.differ > 0 {
            let p = self.pending.get_mut(&key)?;
            let mut named = ov.frames.clone();
            named.push(frame);
            let what = format!(
                "IP datagram {} → {} (id {:#x}): the fragment in frame {frame} (payload bytes {offset}..{end}) carries {} bytes that differ from the copy received first, in {} (first at payload offset {})",
                key.src,
                key.dst,
                shown_id(&key),
                ov.differ,
                frame_list(&ov.frames),
                ov.first
            );
            if key.v6 {
                // RFC 8200 4.5: the datagram is abandoned, every fragment
                // received for it discarded, and so are those to come.
                let mut frames = p.frames.clone();
                frames.push(frame);
                frames.sort_unstable();
                frames.dedup();
                let freed = p.cost - DATAGRAM_OVERHEAD.min(p.cost);
                p.pieces = BTreeMap::new();
                p.cost -= freed;
                p.discarded = true;
                self.bytes -= freed;
                findings.push(Event::finding(
                    frame,
                    rec,
                    named,
                    Finding::error(
                        "ip-fragment-overlap",
                        0,
                        format!(
                            "{what}; the datagram is discarded, as RFC 8200 4.5 requires of overlapping IPv6 fragments: fragments in {} dropped, and any later ones",
                            frame_list(&frames)
                        ),
                    ),
                ));
                return None;
            }
            findings.push(Event::finding(
                frame,
                rec,
                named,
                Finding::error(
                    "ip-fragment-overlap",
                    0,
                    format!("{what}; the first copy is kept, the later bytes are ignored"),
                ),
            ));
        }
        // Nothing new in a fragment that is not the last: a repeat.
        if more && ov.gaps.is_empty() {
            return None;
        }
        let cost_of = |ov: &Overlap, new: bool| {
            ov.gaps
                .iter()
                .map(|&(a, b)| (b - a) as usize + PIECE_OVERHEAD)
                .sum::<usize>()
                + if new { DATAGRAM_OVERHEAD } else { 0 }
        };
        let new_datagram = !self.pending.contains_key(&key);
        // Make room for the most this can cost, evicting the oldest datagrams
        // (perhaps this one: it is then started afresh).
        let most = cost_of(&ov, new_datagram).max(cost_of(&fresh(), true));
        while self.bytes + most > self.max_bytes {
            let Some(k) = self.oldest() else { break };
            if let Some(p) = self.remove(&k)
                && !p.discarded
            {
                findings.push(Self::incomplete(&k, &p, "(fragment memory limit reached)"));
            }
        }
        let (ov, new_datagram) = if !new_datagram && !self.pending.contains_key(&key) {
            (fresh(), true)
        } else {
            (ov, new_datagram)
        };
        let cost = cost_of(&ov, new_datagram);
        if self.bytes + cost > self.max_bytes {
            // Alone over the whole budget: dropped, and said so.
            findings.push(Event::finding(
                frame,
                rec,
                vec![frame],
                Finding::error(
                    "ip-fragments-incomplete",
                    0,
                    format!(
                        "IP datagram {} → {} (id {:#x}) never completed (fragment memory limit reached): its fragment in frame {frame} needs {cost} bytes, over the limit of {}; dropped",
                        key.src,
                        key.dst,
                        shown_id(&key),
                        self.max_bytes
                    ),
                ),
            ));
            return None;
        }
        if new_datagram {
            self.serial += 1;
            self.order.push_back((key, self.serial));
        }
        let serial = self.serial;
        let p = self.pending.entry(key).or_insert_with(|| Pending {
            pieces: BTreeMap::new(),
            covered: 0,
            scanned: 0,
            total: None,
            proto,
            frames: Vec::new(),
            last_rec: rec,
            first_ts: ts,
            cost: 0,
            serial,
            discarded: false,
        });
        if !more {
            p.total = Some(end);
        }
        if offset == 0 {
            p.proto = proto;
        }
        for &(a, b) in &ov.gaps {
            p.pieces.insert(
                a,
                Piece {
                    data: data[(a - offset) as usize..(b - offset) as usize].to_vec(),
                    frame,
                },
            );
            if a < p.scanned {
                // Already past this offset (so `a <= covered`): count it now.
                p.covered = p.covered.max(b);
            }
        }
        p.advance();
        p.cost += cost;
        self.bytes += cost;
        if p.frames.last() != Some(&frame) {
            p.frames.push(frame);
        }
        p.last_rec = rec;
        if !p.complete() {
            return None;
        }
        let p = self.remove(&key)?;
        let total = p.total.unwrap_or(0) as usize;
        let mut payload = vec![0u8; total];
        for (&o, piece) in &p.pieces {
            let o = o as usize;
            let end = (o + piece.data.len()).min(payload.len());
            if o < end {
                payload[o..end].copy_from_slice(&piece.data[..end - o]);
            }
        }
        let mut frames = p.frames;
        frames.sort_unstable();
        frames.dedup();
        Some(Reassembled {
            src: key.src,
            dst: key.dst,
            v6: key.v6,
            proto: p.proto,
            payload,
            frames,
        })
    }

    /// Give up datagrams started more than the timeout ago, oldest first.
    /// Started in capture order, so the first young one ends the sweep.
    fn sweep(&mut self, now: i64, findings: &mut Vec<Event>) {
        while let Some(k) = self.oldest() {
            let old = self
                .pending
                .get(&k)
                .is_some_and(|p| now.saturating_sub(p.first_ts) > FRAG_TIMEOUT_SECS);
            if !old {
                break;
            }
            if let Some(p) = self.remove(&k)
                && !p.discarded
            {
                findings.push(Self::incomplete(
                    &k,
                    &p,
                    &format!("within {FRAG_TIMEOUT_SECS} s"),
                ));
            }
        }
    }

    /// At the end of the capture: every datagram still incomplete.
    pub fn finish(&mut self, findings: &mut Vec<Event>) {
        let mut all: Vec<(FragKey, Pending)> = self.pending.drain().collect();
        all.sort_by_key(|(_, p)| p.serial);
        for (k, p) in all.iter().filter(|(_, p)| !p.discarded) {
            findings.push(Self::incomplete(k, p, "by the end of the capture"));
        }
        self.order.clear();
        self.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(e: &Event) -> &str {
        match e {
            Event::Finding { finding, .. } => &finding.message,
            _ => panic!("not a finding"),
        }
    }

    #[test]
    fn fragments_reassemble_in_any_order() {
        let mut d = Defrag::new(1 << 20);
        let key = FragKey {
            src: "1.1.1.1".parse().unwrap(),
            dst: "2.2.2.2".parse().unwrap(),
            id: 7,
            v6: false,
        };
        let mut f = Vec::new();
        assert!(
            d.insert(key, 8, false, 17, b"world!", 2, 0, 0, &mut f)
                .is_none()
        );
        let r = d
            .insert(key, 0, true, 17, b"hello, w", 3, 0, 0, &mut f)
            .unwrap();
        assert_eq!(r.payload, b"hello, wworld!");
        assert_eq!(r.frames, vec![2, 3]);
        assert!(f.is_empty());
    }

    #[test]
    fn incomplete_fragments_are_reported_at_the_end() {
        let mut d = Defrag::new(1 << 20);
        let key = FragKey {
            src: "1.1.1.1".parse().unwrap(),
            dst: "2.2.2.2".parse().unwrap(),
            id: 7,
            v6: false,
        };
        let mut f = Vec::new();
        d.insert(key, 0, true, 17, b"12345678", 5, 0, 0, &mut f);
        d.finish(&mut f);
        assert_eq!(f.len(), 1);
        let Event::Finding { frame, finding, .. } = &f[0] else {
            panic!("not a finding")
        };
        assert_eq!(finding.code, "ip-fragments-incomplete");
        assert_eq!(*frame, Some(5));
    }

    fn key(id: u32) -> FragKey {
        FragKey {
            src: "1.1.1.1".parse().unwrap(),
            dst: "2.2.2.2".parse().unwrap(),
            id,
            v6: false,
        }
    }

    #[test]
    fn duplicates_overlaps_and_longer_repeats_reassemble() {
        let mut d = Defrag::new(1 << 20);
        let mut f = Vec::new();
        let k = key(1);
        // Last piece first, then duplicates of a middle piece (free), then a
        // shorter and a longer piece at offset 0, then one overlapping it.
        assert!(
            d.insert(k, 24, false, 17, b"TAIL", 1, 0, 0, &mut f)
                .is_none()
        );
        for frame in 2..50 {
            assert!(
                d.insert(k, 16, true, 17, b"ijklmnop", frame, 0, 0, &mut f)
                    .is_none()
            );
        }
        assert_eq!(d.bytes, 4 + 8 + 2 * PIECE_OVERHEAD + DATAGRAM_OVERHEAD);
        assert!(
            d.insert(k, 0, true, 17, b"abcdefgh", 50, 0, 0, &mut f)
                .is_none()
        );
        assert!(
            d.insert(k, 0, true, 17, b"abcdefg", 51, 0, 0, &mut f)
                .is_none()
        );
        let r = d
            .insert(k, 8, true, 17, b"IJKLMNOP", 52, 0, 0, &mut f)
            .expect("complete");
        assert_eq!(r.payload, b"abcdefghIJKLMNOPijklmnopTAIL");
        assert_eq!(r.frames, vec![1, 2, 50, 52]);
        assert_eq!(d.bytes, 0);
        assert!(f.is_empty());
        // A longer repeat at an offset already counted extends the coverage.
        let k = key(2);
        assert!(
            d.insert(k, 0, true, 17, b"01234567", 1, 0, 0, &mut f)
                .is_none()
        );
        assert!(
            d.insert(k, 16, false, 17, b"end", 2, 0, 0, &mut f)
                .is_none()
        );
        let r = d
            .insert(k, 0, true, 17, b"0123456789abcdef", 3, 0, 0, &mut f)
            .expect("complete");
        assert_eq!(r.payload, b"0123456789abcdefend");
    }

    #[test]
    fn eviction_and_timeout_take_the_oldest_first() {
        let one = 8 + PIECE_OVERHEAD + DATAGRAM_OVERHEAD;
        // Room for three datagrams and the last piece of one of them.
        let mut d = Defrag::new(3 * one + 1 + PIECE_OVERHEAD + DATAGRAM_OVERHEAD);
        let mut f = Vec::new();
        for id in 0..3 {
            d.insert(
                key(id),
                0,
                true,
                17,
                &[0; 8],
                u64::from(id) + 1,
                0,
                0,
                &mut f,
            );
        }
        assert!(f.is_empty());
        // Completing datagram 0 leaves a stale entry at the front of the
        // order: skipped, and datagram 1 is the one evicted.
        d.insert(key(0), 8, false, 17, b"x", 4, 0, 0, &mut f)
            .unwrap();
        d.insert(key(3), 0, true, 17, &[0; 8], 5, 0, 0, &mut f);
        assert!(f.is_empty(), "{f:?}");
        d.insert(key(4), 0, true, 17, &[0; 8], 6, 0, 0, &mut f);
        assert_eq!(f.len(), 1);
        assert!(msg(&f[0]).contains("id 0x1)"), "{}", msg(&f[0]));
        assert!(msg(&f[0]).contains("memory limit"));
        // Sixty seconds later every one left is given up, oldest first.
        f.clear();
        d.insert(key(9), 0, true, 17, &[0; 8], 8, 0, 100, &mut f);
        let ids: Vec<&str> = f
            .iter()
            .map(|e| msg(e).split("(id ").nth(1).unwrap())
            .collect();
        assert_eq!(ids.len(), 3, "{ids:?}");
        assert!(
            ids[0].starts_with("0x2)") && ids[2].starts_with("0x4)"),
            "{ids:?}"
        );
        assert_eq!(d.pending.len(), 1);
    }

    #[test]
    fn memory_limit_evicts() {
        let mut d = Defrag::new(200);
        let mut f = Vec::new();
        for id in 0..5 {
            let key = FragKey {
                src: "1.1.1.1".parse().unwrap(),
                dst: "2.2.2.2".parse().unwrap(),
                id,
                v6: false,
            };
            d.insert(key, 0, true, 17, &[0; 64], u64::from(id), 0, 0, &mut f);
        }
        assert!(d.bytes <= 200);
        assert!(!f.is_empty());
    }
}
