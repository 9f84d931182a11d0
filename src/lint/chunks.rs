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

use super::{Config, check_message};
use crate::finding::{Finding, offset_in};
use crate::framing::Protocol;
use crate::message;
use crate::msrp::MsrpMessage;
use crate::reassembly::{Chunk, Reassembler, path_session_key};

/// Is this MSRP message a SEND that carries one chunk of a larger message
/// (a `+` or `#` end-line, or a Byte-Range that does not cover 1 to the total)?
pub(crate) fn is_partial(msg: &MsrpMessage<'_>) -> bool {
    msg.method() == Some(&b"SEND"[..])
        && msg.body.is_some()
        && (matches!(msg.flag, Some(b'+' | b'#'))
            || msg.byte_range().is_some_and(|r| {
                r.start != 1 || matches!((r.end, r.total), (Some(e), Some(t)) if e < t)
            }))
}

/// Where a chunk's data is in the input.
struct Span {
    /// Index of the (session, Message-ID) the chunk belongs to.
    key: usize,
    /// First body byte it carries (0-based).
    start: u64,
    /// Offset of its data in the input.
    at: usize,
    len: usize,
}

/// The chunks of a text input, joined at the end.
pub(crate) struct Chunks {
    reassembler: Reassembler,
    keys: Vec<(Vec<u8>, Vec<u8>)>,
    spans: Vec<Span>,
}

impl Chunks {
    pub fn new(cfg: &Config) -> Self {
        Chunks {
            reassembler: Reassembler::new(&cfg.limits),
            keys: Vec::new(),
            spans: Vec::new(),
        }
    }

    /// Keep a partial SEND of `base` (see [`is_partial`]).
    pub fn push(&mut self, base: &[u8], msg: &MsrpMessage<'_>) {
        let Ok(chunk) = Chunk::from_msrp(msg, offset_in(base, msg.start_line)) else {
            return;
        };
        let session = path_session_key(msg);
        let key = (session, chunk.message_id.clone());
        let k = match self.keys.iter().position(|x| *x == key) {
            Some(k) => k,
            None => {
                self.keys.push(key);
                self.keys.len() - 1
            }
        };
        let data = msg.body.unwrap_or_default();
        self.spans.push(Span {
            key: k,
            start: chunk.range.start.saturating_sub(1),
            at: offset_in(base, data),
            len: data.len(),
        });
        self.reassembler.push_chunk(&self.keys[k].0, chunk);
    }

    /// Run the body rules on every message whose chunks are all here;
    /// findings go to `out` at offsets of the input the chunks came from.
    pub fn finish(self, cfg: &Config, out: &mut Vec<Finding>) {
        if self.spans.is_empty() {
            return;
        }
        let Chunks {
            reassembler,
            keys,
            spans,
        } = self;
        for r in reassembler.finish() {
            if !r.complete || r.aborted || r.has_errors() {
                continue;
            }
            let Some(ct) = &r.content_type else {
                continue;
            };
            let Some(k) = keys
                .iter()
                .position(|(s, m)| *s == r.session && *m == r.message_id)
            else {
                continue;
            };
            // The whole message: the first chunk's head with the whole
            // Byte-Range, Content-Type last, the joined body, an end-line.
            let mut whole = Vec::with_capacity(r.body.len() + 512);
            whole.extend_from_slice(&r.first.start_line);
            whole.extend_from_slice(b"\r\n");
            for h in &r.first.headers {
                if !h.is("Byte-Range") && !h.is("Content-Type") {
                    whole.extend_from_slice(&h.field);
                    whole.extend_from_slice(b"\r\n");
                }
            }
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
            let mine: Vec<&Span> = spans.iter().filter(|s| s.key == k).collect();
            // A body offset back to the input: the chunk that carries it.
            let place = |o: usize| -> usize {
                let o64 = o as u64;
                mine.iter()
                    .find(|s| s.start <= o64 && o64 < s.start + s.len as u64)
                    .or_else(|| mine.iter().find(|s| s.start + s.len as u64 == o64))
                    .map_or(r.first.pos, |s| s.at + (o64 - s.start) as usize)
            };
            for mut f in found {
                if f.offset >= body_at && f.offset <= body_at + n {
                    f.offset = place(f.offset - body_at);
                    out.push(f);
                } else if f.code == "not-multipart" {
                    // About the message as a whole: at its first chunk.
                    f.offset = r.first.pos;
                    f.len = 0;
                    out.push(f);
                }
            }
        }
    }
}
