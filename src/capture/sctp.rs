//! SCTP: DATA chunks, with fragmented user messages put back together.

use super::hash::AddrMap;
use std::collections::VecDeque;
use std::net::SocketAddr;

/// One DATA chunk.
pub(crate) struct Data<'a> {
    pub tsn: u32,
    pub stream: u16,
    /// B (beginning) and E (end) flags.
    pub begin: bool,
    pub end: bool,
    pub payload: &'a [u8],
}

/// Parse an SCTP packet: (source port, destination port, DATA chunks).
pub(crate) fn parse<'a>(d: &'a [u8], chunks: &mut Vec<Data<'a>>) -> Option<(u16, u16)> {
    let h = d.get(..12)?;
    let sport = u16::from_be_bytes([h[0], h[1]]);
    let dport = u16::from_be_bytes([h[2], h[3]]);
    let mut at = 12;
    while at + 4 <= d.len() {
        let ctype = d[at];
        let flags = d[at + 1];
        let len = usize::from(u16::from_be_bytes([d[at + 2], d[at + 3]]));
        if len < 4 {
            break;
        }
        let end = (at + len).min(d.len());
        if ctype == 0 && end >= at + 16 {
            let c = &d[at..end];
            chunks.push(Data {
                tsn: u32::from_be_bytes([c[4], c[5], c[6], c[7]]),
                stream: u16::from_be_bytes([c[8], c[9]]),
                begin: flags & 2 != 0,
                end: flags & 1 != 0,
                payload: &d[at + 16..end],
            });
        }
        at += len.div_ceil(4) * 4;
    }
    Some((sport, dport))
}

struct Partial {
    data: Vec<u8>,
    frames: Vec<u64>,
    next_tsn: u32,
}

/// Per-association state: recent TSNs (duplicate suppression) and partial messages.
#[derive(Default)]
pub(crate) struct Sctp {
    recent: AddrMap<(SocketAddr, SocketAddr), VecDeque<u32>>,
    partial: AddrMap<(SocketAddr, SocketAddr, u16), Partial>,
    /// Partial messages that began like SIP or MSRP and were given up,
    /// for the caller to report (`sctp-message-incomplete`).
    pub dropped: Vec<Dropped>,
}

/// A partial user message given up.
pub(crate) struct Dropped {
    pub frames: Vec<u64>,
    pub bytes: usize,
    pub why: String,
}

const RECENT: usize = 64;
const MAX_ASSOCIATIONS: usize = 65_536;

/// What to do with a DATA chunk.
pub(crate) enum Outcome {
    /// A whole user message in this one chunk.
    Whole,
    /// A user message completed by this chunk: (bytes, frames).
    Joined(Vec<u8>, Vec<u64>),
    /// Nothing yet (a fragment, or a retransmission).
    Nothing,
}

impl Sctp {
    /// Keep `p` for the caller to report when it began like SIP or MSRP
    /// (SCTP carries other protocols too: Diameter, M3UA...).
    fn give_up(&mut self, p: Partial, why: String) {
        if crate::framing::classify(&p.data, 0).is_some() {
            self.dropped.push(Dropped {
                frames: p.frames,
                bytes: p.data.len(),
                why,
            });
        }
    }

    pub fn data(
        &mut self,
        src: SocketAddr,
        dst: SocketAddr,
        c: &Data<'_>,
        frame: u64,
        max_message: usize,
    ) -> Outcome {
        if self.recent.len() > MAX_ASSOCIATIONS {
            self.recent.clear();
        }
        let recent = self.recent.entry((src, dst)).or_default();
        if recent.contains(&c.tsn) {
            return Outcome::Nothing;
        }
        if recent.len() >= RECENT {
            recent.pop_front();
        }
        recent.push_back(c.tsn);
        if c.begin && c.end {
            return Outcome::Whole;
        }
        let key = (src, dst, c.stream);
        if c.begin {
            if self.partial.len() >= MAX_ASSOCIATIONS && !self.partial.contains_key(&key) {
                let n = self.partial.len();
                let all = std::mem::take(&mut self.partial);
                for (_, p) in all {
                    self.give_up(
                        p,
                        format!("{n} unfinished messages were waiting for their fragments"),
                    );
                }
            }
            if let Some(p) = self.partial.remove(&key) {
                self.give_up(
                    p,
                    "the stream began another message before its last fragment".into(),
                );
            }
            self.partial.insert(
                key,
                Partial {
                    data: c.payload.to_vec(),
                    frames: vec![frame],
                    next_tsn: c.tsn.wrapping_add(1),
                },
            );
            return Outcome::Nothing;
        }
        let Some(p) = self.partial.get_mut(&key) else {
            return Outcome::Nothing;
        };
        if p.next_tsn != c.tsn || p.data.len() + c.payload.len() > max_message {
            let why = if p.next_tsn == c.tsn {
                format!("it is larger than --max-message ({max_message} bytes)")
            } else {
                format!(
                    "a fragment is missing (TSN {} expected, {} came)",
                    p.next_tsn, c.tsn
                )
            };
            if let Some(mut p) = self.partial.remove(&key) {
                p.frames.push(frame);
                self.give_up(p, why);
            }
            return Outcome::Nothing;
        }
        p.data.extend_from_slice(c.payload);
        p.next_tsn = c.tsn.wrapping_add(1);
        if p.frames.last() != Some(&frame) {
            p.frames.push(frame);
        }
        if c.end
            && let Some(p) = self.partial.remove(&key)
        {
            return Outcome::Joined(p.data, p.frames);
        }
        Outcome::Nothing
    }
}
