//! Messages sent in chunks (RFC 4975 5.1; the CR's NOTE in 12.2.2.5: a
//! deferred message "may be delivered in one MSRP SEND request or in a
//! series of MSRP SEND requests called chunks").
//!
//! A chunk's data is a slice of the message body, not a body: a pushed
//! SEND's multipart split over chunks has no close delimiter in its first
//! chunk and no delimiter at all in the middle ones. So a chunk gets only
//! the header rules; its chunks are joined by Byte-Range (the core's
//! [`Reassembler`]) and the body rules run once on the whole body, with
//! their findings placed back at the input bytes they concern. A message
//! whose chunks are not all in the input is not body-checked.

use crate::header::Hdr;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};

use super::text::{Placed, advance, diagnose, line_around};
use super::{Config, check_message};
use crate::finding::offset_in;
use crate::framing::Protocol;
use crate::message;
use crate::msrp::ByteRange;
use crate::msrp::MsrpMessage;
use crate::reassembly::{Chunk, ChunkHead, OwnedHeader, Reassembler};
use crate::source::TextPos;

/// Is this MSRP message a SEND that carries one chunk of a larger message
/// (a `+` or `#` end-line, or a Byte-Range that does not cover 1 to the total)?
pub(crate) fn is_partial(msg: &MsrpMessage<'_>) -> bool {
    msg.method() == Some(&b"SEND"[..]) && msg.body.is_some() && crate::body::is_partial_chunk(msg)
}

/// Where a chunk is in the input.
struct Span {
    /// Index of the (session, Message-ID) the chunk belongs to.
    key: usize,
    /// First body byte it carries (0-based).
    start: u64,
    /// Where its start line is, and its data.
    head: TextPos,
    at: TextPos,
    len: usize,
}

/// The chunks of a text input, joined at the end.
pub(crate) struct Chunks {
    reassembler: Reassembler,
    keys: Vec<(Vec<u8>, Vec<u8>)>,
    index: HashMap<(Vec<u8>, Vec<u8>), usize>,
    /// (message, first byte, length, digest) of the chunks kept.
    seen: HashSet<(usize, u64, usize, u64)>,
    /// The digest of a chunk's data.
    hasher: RandomState,
    spans: Vec<Span>,
}

impl Chunks {
    pub fn new(cfg: &Config) -> Self {
        Chunks {
            reassembler: Reassembler::new(&cfg.limits),
            keys: Vec::new(),
            index: HashMap::new(),
            seen: HashSet::new(),
            hasher: RandomState::new(),
            spans: Vec::new(),
        }
    }

    /// Keep a partial SEND of `base` (see [`is_partial`]); `pos` tells
    /// where an offset of `base` is in the input.
    pub fn push(&mut self, base: &[u8], msg: &MsrpMessage<'_>, pos: &dyn Fn(usize) -> TextPos) {
        let Some(message_id) = msg.message_id() else {
            return;
        };
        let range = match msg.header(Hdr::ByteRange) {
            None => ByteRange {
                start: 1,
                end: None,
                total: None,
            },
            Some(h) => match ByteRange::parse(h.value) {
                Some(r) => r,
                None => return,
            },
        };
        let data = msg.body.unwrap_or_default();
        // The chunks of one message share To-Path, From-Path and Message-ID.
        let to = msg.value(Hdr::ToPath).unwrap_or_default().trim_ascii();
        let from = msg.value(Hdr::FromPath).unwrap_or_default().trim_ascii();
        let mut session = Vec::with_capacity(to.len() + from.len() + 1);
        session.extend_from_slice(to);
        session.push(b'\n');
        session.extend_from_slice(from);
        let key = (session, message_id.to_vec());
        let k = match self.index.get(&key) {
            Some(&k) => k,
            None => {
                let k = self.keys.len();
                self.index.insert(key.clone(), k);
                self.keys.push(key);
                k
            }
        };
        // A chunk sent again with the same bytes adds nothing to the body
        // (and would only make reassembly compare it with every other).
        let digest = self.hasher.hash_one(data);
        if !self.seen.insert((k, range.start, data.len(), digest)) {
            return;
        }
        // What the body rules need of the head, copied: the start line
        // (a SEND) and Content-Type (the media type of the joined body).
        let headers = msg
            .headers
            .iter()
            .filter(|h| h.is(Hdr::ContentType))
            .map(OwnedHeader::from_header)
            .collect();
        let head = pos(offset_in(base, msg.start_line));
        let at = pos(offset_in(base, data));
        let chunk = Chunk {
            head: ChunkHead {
                pos: head.offset,
                start_line: msg.start_line.to_vec(),
                transaction_id: msg.transaction_id.to_vec(),
                headers,
            },
            message_id: message_id.to_vec(),
            range,
            flag: msg.flag.unwrap_or(b'$'),
            data: data.to_vec(),
        };
        self.spans.push(Span {
            key: k,
            start: range.start.saturating_sub(1),
            head,
            at,
            len: data.len(),
        });
        self.reassembler.push_chunk(&self.keys[k].0, chunk);
    }

    /// Run the body rules on every message whose chunks are all here;
    /// findings go to `out`, placed at the input bytes of the chunk that
    /// carries what each is about.
    pub fn finish(self, cfg: &Config, out: &mut Vec<Placed>) {
        if self.spans.is_empty() {
            return;
        }
        let Chunks {
            reassembler,
            index,
            spans,
            ..
        } = self;
        let mut by_key: Vec<Vec<&Span>> = vec![Vec::new(); index.len()];
        for sp in &spans {
            by_key[sp.key].push(sp);
        }
        for r in reassembler.finish() {
            // Not all there (a gap, an abort, a limit), or its bytes are in
            // doubt (a chunk sent twice with other bytes): no body to judge.
            if !r.complete || r.has_errors() {
                continue;
            }
            let Some(ct) = &r.content_type else {
                continue;
            };
            let Some(&k) = index.get(&(r.session.clone(), r.message_id.clone())) else {
                continue;
            };
            // The whole message as far as the body rules look: the first
            // chunk's start line, the whole Byte-Range, Content-Type, the
            // joined body, an end-line. The header rules ran on each chunk;
            // what they say of this made-up head is dropped below.
            let mut whole = Vec::with_capacity(r.body.len() + 512);
            whole.extend_from_slice(&r.first.start_line);
            whole.extend_from_slice(b"\r\n");
            let n = r.body.len();
            whole.extend_from_slice(format!("Byte-Range: 1-{n}/{n}\r\n").as_bytes());
            whole.extend_from_slice(&ct.field);
            whole.extend_from_slice(b"\r\n\r\n");
            let body_at = whole.len();
            whole.extend_from_slice(&r.body);
            whole.extend_from_slice(b"\r\n-------");
            whole.extend_from_slice(&r.first.transaction_id);
            whole.extend_from_slice(b"$\r\n");
            let parsed = message::parse_one(&whole, Protocol::Msrp, false, Vec::new(), &cfg.limits);
            let mut found = parsed.findings.clone();
            check_message(&whole, &parsed, cfg, &mut found);
            let mine = &by_key[k];
            // The chunk that starts the message.
            let first = mine
                .iter()
                .find(|s| s.head.offset == r.first.pos)
                .map_or_else(TextPos::default, |s| s.head);
            for f in found {
                let placed = if let Some(o) = f.offset.checked_sub(body_at).filter(|&o| o <= n) {
                    // A body offset back to the input: the chunk that carries it.
                    let o64 = o as u64;
                    let carrier = mine
                        .iter()
                        .find(|s| s.start <= o64 && o64 < s.start + s.len as u64)
                        .or_else(|| mine.iter().find(|s| s.start + s.len as u64 == o64));
                    match carrier {
                        Some(s) => {
                            let from = s.start as usize;
                            let data = &r.body[from..from + s.len];
                            let at = advance(s.at, &data[..o - from]);
                            let (source, caret) = line_around(data, o - from);
                            Some((f, at, source, caret))
                        }
                        None => Some((f, first, r.first.start_line.clone(), 0)),
                    }
                } else if f.code == "not-multipart" {
                    // About the message as a whole: at its first chunk.
                    let mut f = f;
                    f.len = 0;
                    Some((f, first, r.first.start_line.clone(), 0))
                } else {
                    None
                };
                if let Some((f, at, source, caret)) = placed
                    && let Some(diagnostic) = diagnose(cfg, f, at.offset)
                {
                    out.push(Placed {
                        diagnostic,
                        line: at.line,
                        column: at.column,
                        source,
                        caret,
                    });
                }
            }
        }
    }
}
