//! Captures: pcap and pcapng in, framed SIP and MSRP messages out.
//!
//! [`CaptureReader`] reads records one at a time from any [`Read`] (stdin
//! included: it never seeks), decodes link layers (Ethernet with VLAN/QinQ,
//! Linux cooked v1/v2, NULL/LOOP, raw IP), IPv4/IPv6 with extension headers
//! and fragment reassembly, IP-in-IP, GRE, ERSPAN and VXLAN tunnels, UDP,
//! TCP (reassembled per flow), SCTP DATA chunks, WebSocket and HEP, and finds
//! SIP and MSRP by content on any port through [`crate::framing`].
//!
//! Memory stays flat as the capture grows: only what flows need is buffered,
//! capped by [`Limits`]. Messages come out in capture order of the frame that
//! completes them (in stream order within a flow); what is still buffered at
//! the end of the capture is flushed, marked truncated where it is cut.

use std::collections::VecDeque;
use std::io::{BufReader, Read};
use std::net::{IpAddr, SocketAddr};

use memchr::memmem;

use crate::finding::Finding;
use crate::framing::{self, FrameOptions, Protocol, Step};
use crate::limits::Limits;

mod hash;
mod hep;
mod ip;
mod link;
mod pcap;
mod sctp;
mod tcp;
mod websocket;
/// Writes pcap and pcapng captures: for tests, examples and fuzz seeds
/// (feature `test-util`).
#[cfg(feature = "test-util")]
pub mod writer;

pub use hep::HEP_PORT;
pub use pcap::{MAX_RECORD, is_capture};

/// The transport a message was captured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    Udp,
    Tcp,
    Sctp,
    /// SIP or MSRP over WebSocket (RFC 7118, RFC 7977).
    Ws,
    /// WebSocket over TLS (never visible in a capture without keys; kept for completeness).
    Wss,
    /// Unwrapped from HEP (v1/v2/v3); addresses are the inner ones.
    Hep,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
            Transport::Sctp => "sctp",
            Transport::Ws => "ws",
            Transport::Wss => "wss",
            Transport::Hep => "hep",
        }
    }
}

impl std::fmt::Display for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where and when a message was captured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// 1-based frame number where the message completes (tshark's convention).
    pub frame: u64,
    /// Every frame that contributed bytes, ascending, deduplicated.
    pub frames: Vec<u64>,
    /// Capture timestamp of the completing frame.
    pub ts_secs: i64,
    pub ts_nanos: u32,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub transport: Transport,
}

/// One framed message from a capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedMessage {
    pub meta: Meta,
    pub protocol: Protocol,
    /// Exactly the message bytes as framed.
    pub bytes: Vec<u8>,
    /// The capture (or a gap in it) ended before the message did.
    pub truncated: bool,
    /// Framing findings, offsets relative to `bytes`.
    pub findings: Vec<Finding>,
}

/// What a capture yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Message(CapturedMessage),
    /// A capture-level finding. `frame` is the frame where it happened (for
    /// a gap: the first frame after it), `frames` every frame it names,
    /// ascending (for a gap: the last frame before it and the first after;
    /// for junk: the frames that held it). The finding's offset is the byte
    /// offset in the capture file of the record (pcapng: block) of `frame`,
    /// or of where reading stopped; 0 when there is no frame.
    Finding {
        frame: Option<u64>,
        frames: Vec<u64>,
        finding: Finding,
    },
}

impl Event {
    /// A finding about `frame` (and the other `frames`), positioned at the
    /// record offset `rec`.
    pub(crate) fn finding(frame: u64, rec: u64, frames: Vec<u64>, finding: Finding) -> Event {
        let mut frames = frames;
        if !frames.contains(&frame) {
            frames.push(frame);
        }
        frames.sort_unstable();
        frames.dedup();
        Event::Finding {
            frame: Some(frame),
            frames,
            finding: Finding {
                offset: usize::try_from(rec).unwrap_or(usize::MAX),
                ..finding
            },
        }
    }
}

/// Options for reading a capture.
#[derive(Debug, Clone, Default)]
pub struct CaptureOptions {
    pub limits: Limits,
    /// Ports decoded as SIP/MSRP even when the content does not look like it:
    /// junk on them is reported and their TCP flows are never given up.
    pub force_ports: Vec<u16>,
}

/// Errors that stop a capture from being read at all.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("reading the capture: {0}")]
    Io(#[from] std::io::Error),
    #[error("unsupported link type {linktype} ({name})")]
    UnknownLinkType { linktype: u32, name: &'static str },
    #[error("not a valid capture at byte {offset}: {what}")]
    Format { offset: u64, what: String },
}

/// Reads a pcap or pcapng capture and yields messages and findings.
pub struct CaptureReader<R: Read> {
    records: pcap::RecordReader<BufReader<R>>,
    engine: Engine,
    out: VecDeque<Event>,
    finished: bool,
    error: Option<CaptureError>,
}

impl<R: Read> CaptureReader<R> {
    /// `reader` must begin at the capture's magic number (chain the sniffed
    /// prefix back in front when reading stdin).
    pub fn new(reader: R, opts: CaptureOptions) -> Result<Self, CaptureError> {
        let records = pcap::RecordReader::new(BufReader::with_capacity(256 * 1024, reader))?;
        Ok(CaptureReader {
            records,
            engine: Engine::new(opts),
            out: VecDeque::new(),
            finished: false,
            error: None,
        })
    }
}

impl<R: Read> Iterator for CaptureReader<R> {
    type Item = Result<Event, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(e) = self.out.pop_front() {
                return Some(Ok(e));
            }
            if self.finished {
                return self.error.take().map(Err);
            }
            match self.records.next_record() {
                Ok(pcap::Next::Record(rec)) => self.engine.packet(&rec, &mut self.out),
                Ok(pcap::Next::Finding(frame, finding)) => {
                    self.out.push_back(Event::Finding {
                        frame,
                        frames: frame.into_iter().collect(),
                        finding,
                    });
                }
                Ok(pcap::Next::End) => {
                    self.finished = true;
                    self.engine.finish(&mut self.out);
                }
                Err(e) => {
                    // Flush what the flows hold, then report the error last.
                    self.finished = true;
                    self.error = Some(e);
                    self.engine.finish(&mut self.out);
                }
            }
        }
    }
}

/// The packet being decoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub frame: u64,
    /// Byte offset of the frame's record in the capture file.
    pub rec: u64,
    pub ts_secs: i64,
    pub ts_nanos: u32,
    /// Other frames that contributed (IP fragments, SCTP fragments).
    pub extra: &'a [u64],
}

impl Ctx<'_> {
    pub fn frames(&self) -> Vec<u64> {
        if self.extra.is_empty() {
            return vec![self.frame];
        }
        let mut v = self.extra.to_vec();
        v.push(self.frame);
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// Most tunnel layers decoded inside one another.
const MAX_DEPTH: u32 = 8;

struct Engine {
    opts: CaptureOptions,
    dgram: FrameOptions,
    defrag: ip::Defrag,
    tcp: tcp::Tcp,
    sctp: sctp::Sctp,
    frag_findings: Vec<Event>,
}

impl Engine {
    fn new(opts: CaptureOptions) -> Self {
        let dgram = FrameOptions {
            max_message: opts.limits.max_message,
            datagram: true,
            text: false,
        };
        Engine {
            defrag: ip::Defrag::new(opts.limits.max_fragment_bytes),
            tcp: tcp::Tcp::new(&opts),
            sctp: sctp::Sctp::default(),
            frag_findings: Vec::new(),
            dgram,
            opts,
        }
    }

    fn forced(&self, a: u16, b: u16) -> bool {
        !self.opts.force_ports.is_empty()
            && (self.opts.force_ports.contains(&a) || self.opts.force_ports.contains(&b))
    }

    fn packet(&mut self, rec: &pcap::Record<'_>, out: &mut VecDeque<Event>) {
        let ctx = Ctx {
            frame: rec.frame,
            rec: rec.offset,
            ts_secs: rec.ts_secs,
            ts_nanos: rec.ts_nanos,
            extra: &[],
        };
        if let Some((net, d)) = link::decode(rec.linktype, rec.data) {
            self.net(&ctx, net, d, 0, out);
        }
        self.tcp.tick(&ctx, out);
    }

    fn finish(&mut self, out: &mut VecDeque<Event>) {
        let mut tail = VecDeque::new();
        self.tcp.finish(&mut tail);
        self.defrag.finish(&mut self.frag_findings);
        tail.extend(self.frag_findings.drain(..));
        // Flushed messages in order of their completing frame.
        let mut v: Vec<Event> = tail.into();
        v.sort_by_key(|e| match e {
            Event::Message(m) => m.meta.frame,
            Event::Finding { frame, .. } => frame.unwrap_or(u64::MAX),
        });
        out.extend(v);
    }

    fn net(
        &mut self,
        ctx: &Ctx<'_>,
        net: link::Net,
        d: &[u8],
        depth: u32,
        out: &mut VecDeque<Event>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let parsed = match net {
            link::Net::Ethernet => {
                // The frame belongs to the tunnel that carried it (GRE,
                // ERSPAN, VXLAN): that tunnel already counted one level.
                if let Some((n, rest)) = link::ethernet(d) {
                    self.net(ctx, n, rest, depth, out);
                }
                return;
            }
            link::Net::Ipv4 => ip::parse_v4(d),
            link::Net::Ipv6 => ip::parse_v6(d),
            link::Net::Ip => match d.first().map(|b| b >> 4) {
                Some(4) => ip::parse_v4(d),
                Some(6) => ip::parse_v6(d),
                _ => None,
            },
        };
        match parsed {
            Some(ip::Parsed::Whole {
                src,
                dst,
                proto,
                payload,
            }) => self.transport(ctx, src, dst, proto, payload, depth, out),
            Some(ip::Parsed::Fragment {
                key,
                offset,
                more,
                proto,
                data,
            }) => {
                let r = self.defrag.insert(
                    key,
                    offset,
                    more,
                    proto,
                    data,
                    ctx.frame,
                    ctx.rec,
                    ctx.ts_secs,
                    &mut self.frag_findings,
                );
                out.extend(self.frag_findings.drain(..));
                if let Some(r) = r {
                    let (proto, payload) = if r.v6 {
                        match ip::skip_v6_ext(r.proto, &r.payload) {
                            Some(x) => x,
                            None => return,
                        }
                    } else {
                        (r.proto, &r.payload[..])
                    };
                    let ctx2 = Ctx {
                        extra: &r.frames,
                        ..*ctx
                    };
                    self.transport(&ctx2, r.src, r.dst, proto, payload, depth, out);
                }
            }
            None => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn transport(
        &mut self,
        ctx: &Ctx<'_>,
        src: IpAddr,
        dst: IpAddr,
        proto: u8,
        d: &[u8],
        depth: u32,
        out: &mut VecDeque<Event>,
    ) {
        match proto {
            4 => self.net(ctx, link::Net::Ipv4, d, depth + 1, out),
            41 => self.net(ctx, link::Net::Ipv6, d, depth + 1, out),
            47 => {
                if let Some((n, rest)) = gre(d) {
                    self.net(ctx, n, rest, depth + 1, out);
                }
            }
            17 => self.udp(ctx, src, dst, d, depth, out),
            6 => {
                let Some(seg) = tcp::parse(d) else { return };
                let s = SocketAddr::new(src, seg.sport);
                let t = SocketAddr::new(dst, seg.dport);
                let forced = self.forced(seg.sport, seg.dport);
                self.tcp.segment(ctx, s, t, &seg, forced, out);
            }
            132 => self.sctp(ctx, src, dst, d, out),
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn udp(
        &mut self,
        ctx: &Ctx<'_>,
        src: IpAddr,
        dst: IpAddr,
        d: &[u8],
        depth: u32,
        out: &mut VecDeque<Event>,
    ) {
        let Some(h) = d.get(..8) else { return };
        let sport = u16::from_be_bytes([h[0], h[1]]);
        let dport = u16::from_be_bytes([h[2], h[3]]);
        let len = usize::from(u16::from_be_bytes([h[4], h[5]]));
        let end = if len >= 8 { len.min(d.len()) } else { d.len() };
        let payload = &d[8..end];
        // VXLAN.
        if dport == 4789 && payload.len() >= 8 && payload[0] & 0x08 != 0 {
            self.net(ctx, link::Net::Ethernet, &payload[8..], depth + 1, out);
            return;
        }
        let on_hep = sport == HEP_PORT || dport == HEP_PORT;
        if (on_hep || payload.starts_with(b"HEP3"))
            && let Some(h) = hep::parse(payload, on_hep)
        {
            // HEP is one more encapsulation level.
            if depth >= MAX_DEPTH {
                return;
            }
            let forced = self.forced(h.src.port(), h.dst.port());
            let meta = |frames| Meta {
                frame: ctx.frame,
                frames,
                ts_secs: ctx.ts_secs,
                ts_nanos: ctx.ts_nanos,
                src: h.src,
                dst: h.dst,
                transport: Transport::Hep,
            };
            frame_datagram(h.payload, &self.dgram, forced, ctx, &meta, out);
            return;
        }
        let s = SocketAddr::new(src, sport);
        let t = SocketAddr::new(dst, dport);
        let forced = self.forced(sport, dport);
        let meta = |frames| Meta {
            frame: ctx.frame,
            frames,
            ts_secs: ctx.ts_secs,
            ts_nanos: ctx.ts_nanos,
            src: s,
            dst: t,
            transport: Transport::Udp,
        };
        frame_datagram(payload, &self.dgram, forced, ctx, &meta, out);
    }

    fn sctp(
        &mut self,
        ctx: &Ctx<'_>,
        src: IpAddr,
        dst: IpAddr,
        d: &[u8],
        out: &mut VecDeque<Event>,
    ) {
        let mut chunks = Vec::new();
        let Some((sport, dport)) = sctp::parse(d, &mut chunks) else {
            return;
        };
        let s = SocketAddr::new(src, sport);
        let t = SocketAddr::new(dst, dport);
        let forced = self.forced(sport, dport);
        for c in &chunks {
            let meta = |frames| Meta {
                frame: ctx.frame,
                frames,
                ts_secs: ctx.ts_secs,
                ts_nanos: ctx.ts_nanos,
                src: s,
                dst: t,
                transport: Transport::Sctp,
            };
            match self
                .sctp
                .data(s, t, c, ctx.frame, self.opts.limits.max_message)
            {
                sctp::Outcome::Whole => {
                    frame_datagram(c.payload, &self.dgram, forced, ctx, &meta, out);
                }
                sctp::Outcome::Joined(data, frames) => {
                    let ctx2 = Ctx {
                        extra: &frames,
                        ..*ctx
                    };
                    frame_datagram(&data, &self.dgram, forced, &ctx2, &meta, out);
                }
                sctp::Outcome::Nothing => {}
            }
            for d in self.sctp.dropped.drain(..) {
                let f = Finding::error(
                    "sctp-message-incomplete",
                    0,
                    format!(
                        "SCTP message from {s} to {t} that began as SIP or MSRP given up after {} bytes: {}",
                        d.bytes, d.why
                    ),
                );
                out.push_back(Event::finding(ctx.frame, ctx.rec, d.frames, f));
            }
        }
    }
}

/// GRE (RFC 2784/2890) and ERSPAN types I, II and III.
fn gre(d: &[u8]) -> Option<(link::Net, &[u8])> {
    let h = d.get(..4)?;
    let flags = u16::from_be_bytes([h[0], h[1]]);
    let proto = u16::from_be_bytes([h[2], h[3]]);
    if flags & 0x0007 != 0 {
        // Version 1 (PPTP) and others: not decoded.
        return None;
    }
    if flags & 0x4000 != 0 {
        // Source routing (deprecated).
        return None;
    }
    let mut at = 4;
    if flags & 0x8000 != 0 {
        at += 4;
    }
    if flags & 0x2000 != 0 {
        at += 4;
    }
    let seq = flags & 0x1000 != 0;
    if seq {
        at += 4;
    }
    let rest = d.get(at..)?;
    match proto {
        0x6558 => Some((link::Net::Ethernet, rest)),
        // ERSPAN type II (type I when there is no sequence number: no header).
        0x88BE => {
            if seq {
                Some((link::Net::Ethernet, rest.get(8..)?))
            } else {
                Some((link::Net::Ethernet, rest))
            }
        }
        // ERSPAN type III, with its optional platform sub-header.
        0x22EB => {
            let h = rest.get(..12)?;
            let skip = if h[11] & 1 != 0 { 20 } else { 12 };
            Some((link::Net::Ethernet, rest.get(skip..)?))
        }
        _ => link::ethertype(proto).map(|n| (n, rest)),
    }
}

/// Could `d` hold a SIP or MSRP message? A fast test so that RTP, DNS and the
/// like are never framed.
fn may_hold_message(d: &[u8]) -> bool {
    let s = d
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
        .unwrap_or(d.len());
    let t = &d[s..];
    let n = t
        .iter()
        .take(64)
        .take_while(|&&b| crate::chars::is_token(b))
        .count();
    if n > 0 && t.get(n) == Some(&b' ') {
        return true;
    }
    if t.len() >= 4 && t[..4].eq_ignore_ascii_case(b"SIP/") {
        return true;
    }
    // Searchers built once: building one costs more than most datagrams.
    static SIP: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
    static MSRP: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
    SIP.get_or_init(|| memmem::Finder::new(b"SIP/2.0"))
        .find(d)
        .is_some()
        || MSRP
            .get_or_init(|| memmem::Finder::new(b"MSRP "))
            .find(d)
            .is_some()
}

/// Frame one datagram (UDP, HEP, SCTP user message, WebSocket message) and
/// push what it holds. Junk is reported only when the datagram also held a
/// message or its port is forced. Returns the number of messages.
pub(crate) fn frame_datagram(
    d: &[u8],
    opts: &FrameOptions,
    forced: bool,
    ctx: &Ctx<'_>,
    meta: &dyn Fn(Vec<u64>) -> Meta,
    out: &mut VecDeque<Event>,
) -> usize {
    if d.is_empty() || (!forced && !may_hold_message(d)) {
        return 0;
    }
    enum Item {
        Msg(usize, framing::Frame),
        Junk(usize, usize),
    }
    let mut items = Vec::new();
    let mut pos = 0;
    let mut msgs = 0;
    let mut scanner = framing::Scanner::new(opts.clone());
    while pos < d.len() {
        match scanner.next(&d[pos..], pos, true) {
            Step::End | Step::NeedMore => break,
            Step::KeepAlive { len } => pos += len.max(1),
            Step::Junk { len } => {
                items.push(Item::Junk(pos, len));
                pos += len.max(1);
            }
            Step::Message(f) => {
                let end = f.end.max(1);
                items.push(Item::Msg(pos, f));
                msgs += 1;
                pos += end;
            }
        }
    }
    if msgs == 0 && !forced {
        return 0;
    }
    for it in items {
        match it {
            Item::Msg(at, f) => {
                let end = (at + f.end).min(d.len());
                out.push_back(Event::Message(CapturedMessage {
                    meta: meta(ctx.frames()),
                    protocol: f.protocol,
                    bytes: d[at..end].to_vec(),
                    truncated: f.truncated,
                    findings: f.findings,
                }));
            }
            Item::Junk(at, len) => {
                let m = meta(Vec::new());
                out.push_back(Event::finding(
                    ctx.frame,
                    ctx.rec,
                    ctx.frames(),
                    Finding::warning(
                        "capture-junk",
                        0,
                        format!(
                            "frame {} (record at byte {}): {len} bytes at payload offset {at} ({} → {}, {}) are not SIP or MSRP; skipped",
                            ctx.frame, ctx.rec, m.src, m.dst, m.transport
                        ),
                    )
                    .with_len(len),
                ));
            }
        }
    }
    msgs
}
