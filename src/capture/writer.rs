//! A small capture writer for tests and benchmarks: pcap and pcapng files,
//! and packet builders (Ethernet, VLAN, SLL, IPv4/IPv6, UDP, TCP, SCTP,
//! GRE, HEP3, WebSocket) with a TCP flow helper that splits a byte stream
//! into segments which tests may then reorder, repeat or drop.

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};

pub const LINKTYPE_NULL: u32 = 0;
pub const LINKTYPE_ETHERNET: u32 = 1;
pub const LINKTYPE_RAW: u32 = 101;
pub const LINKTYPE_LINUX_SLL: u32 = 113;
pub const LINKTYPE_LINUX_SLL2: u32 = 276;

/// TCP flags.
pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;

/// Writes a classic pcap file.
pub struct PcapWriter<W: Write> {
    w: W,
    big: bool,
}

impl<W: Write> PcapWriter<W> {
    /// Little-endian, microsecond timestamps.
    pub fn new(w: W, linktype: u32) -> io::Result<Self> {
        Self::with_format(w, linktype, false, false)
    }

    /// Choose the byte order and nanosecond timestamps.
    pub fn with_format(mut w: W, linktype: u32, big_endian: bool, nanos: bool) -> io::Result<Self> {
        let magic: u32 = if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
        let mut h = Vec::with_capacity(24);
        let put32 = |h: &mut Vec<u8>, v: u32| {
            h.extend_from_slice(&if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            })
        };
        let put16 = |h: &mut Vec<u8>, v: u16| {
            h.extend_from_slice(&if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            })
        };
        put32(&mut h, magic);
        put16(&mut h, 2);
        put16(&mut h, 4);
        put32(&mut h, 0);
        put32(&mut h, 0);
        put32(&mut h, 262_144);
        put32(&mut h, linktype);
        w.write_all(&h)?;
        Ok(PcapWriter { w, big: big_endian })
    }

    /// One record; `frac` is microseconds or nanoseconds as the file says.
    pub fn write_packet(&mut self, ts_secs: u32, frac: u32, data: &[u8]) -> io::Result<()> {
        self.write_record(ts_secs, frac, data.len() as u32, data)
    }

    /// One record whose declared captured length may differ from the data written.
    pub fn write_record(
        &mut self,
        ts_secs: u32,
        frac: u32,
        incl_len: u32,
        data: &[u8],
    ) -> io::Result<()> {
        let mut h = [0u8; 16];
        for (i, v) in [ts_secs, frac, incl_len, data.len() as u32]
            .into_iter()
            .enumerate()
        {
            let b = if self.big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            };
            h[i * 4..i * 4 + 4].copy_from_slice(&b);
        }
        self.w.write_all(&h)?;
        self.w.write_all(data)
    }

    pub fn into_inner(self) -> W {
        self.w
    }
}

/// Writes a little-endian pcapng file.
pub struct PcapNgWriter<W: Write> {
    w: W,
    interfaces: u32,
}

fn pad4(v: &mut Vec<u8>) {
    while !v.len().is_multiple_of(4) {
        v.push(0);
    }
}

impl<W: Write> PcapNgWriter<W> {
    pub fn new(w: W) -> io::Result<Self> {
        let mut s = PcapNgWriter { w, interfaces: 0 };
        s.section()?;
        Ok(s)
    }

    /// Start a new section (interfaces are numbered afresh).
    pub fn section(&mut self) -> io::Result<()> {
        let mut body = Vec::new();
        body.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&(-1i64).to_le_bytes());
        self.interfaces = 0;
        self.write_block(0x0A0D_0D0A, &body)
    }

    /// Describe an interface; `tsresol` is the `if_tsresol` option byte
    /// (6 = microseconds, the default; 9 = nanoseconds; 0x80|n = 2^-n).
    pub fn add_interface(&mut self, linktype: u16, tsresol: Option<u8>) -> io::Result<u32> {
        let mut body = Vec::new();
        body.extend_from_slice(&linktype.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&262_144u32.to_le_bytes());
        if let Some(r) = tsresol {
            body.extend_from_slice(&9u16.to_le_bytes());
            body.extend_from_slice(&1u16.to_le_bytes());
            body.push(r);
            pad4(&mut body);
        }
        body.extend_from_slice(&[0, 0, 0, 0]);
        self.write_block(1, &body)?;
        self.interfaces += 1;
        Ok(self.interfaces - 1)
    }

    /// An Enhanced Packet Block; `ts` is in the interface's resolution units.
    pub fn write_packet(&mut self, iface: u32, ts: u64, data: &[u8]) -> io::Result<()> {
        let mut body = Vec::with_capacity(20 + data.len() + 3);
        body.extend_from_slice(&iface.to_le_bytes());
        body.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
        body.extend_from_slice(&(ts as u32).to_le_bytes());
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(data);
        pad4(&mut body);
        self.write_block(6, &body)
    }

    /// Any block (the body is padded to 4 bytes).
    pub fn write_block(&mut self, btype: u32, body: &[u8]) -> io::Result<()> {
        let mut b = body.to_vec();
        pad4(&mut b);
        let total = (b.len() + 12) as u32;
        self.w.write_all(&btype.to_le_bytes())?;
        self.w.write_all(&total.to_le_bytes())?;
        self.w.write_all(&b)?;
        self.w.write_all(&total.to_le_bytes())
    }

    pub fn into_inner(self) -> W {
        self.w
    }
}

fn checksum(data: &[u8]) -> u16 {
    let mut sum = 0u32;
    for c in data.chunks(2) {
        let w = if c.len() == 2 {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], 0])
        };
        sum += u32::from(w);
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Ethernet II frame.
pub fn ethernet(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    ethernet_vlan(&[], ethertype, payload)
}

/// Ethernet II with VLAN tags: `(tpid, vlan id)` outermost first (0x88a8 then 0x8100 for QinQ).
pub fn ethernet_vlan(tags: &[(u16, u16)], ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1];
    for (tpid, vid) in tags {
        f.extend_from_slice(&tpid.to_be_bytes());
        f.extend_from_slice(&(vid & 0x0fff).to_be_bytes());
    }
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// An IP packet in an Ethernet frame (EtherType by the version nibble).
pub fn eth(ip: &[u8]) -> Vec<u8> {
    let et = if ip.first().is_some_and(|b| b >> 4 == 6) {
        0x86DD
    } else {
        0x0800
    };
    ethernet(et, ip)
}

/// Linux cooked v1.
pub fn sll(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0];
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// Linux cooked v2.
pub fn sll2(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = ethertype.to_be_bytes().to_vec();
    f.extend_from_slice(&[0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]);
    f.extend_from_slice(payload);
    f
}

/// BSD loopback (host byte order: little-endian here).
pub fn null(ip: &[u8]) -> Vec<u8> {
    let af: u32 = if ip.first().is_some_and(|b| b >> 4 == 6) {
        30
    } else {
        2
    };
    let mut f = af.to_le_bytes().to_vec();
    f.extend_from_slice(ip);
    f
}

/// IPv4 header + payload (no fragmentation).
pub fn ipv4(src: [u8; 4], dst: [u8; 4], proto: u8, payload: &[u8]) -> Vec<u8> {
    ipv4_fragment(src, dst, proto, 1, 0, false, payload)
}

/// One IPv4 fragment: `offset` in bytes (a multiple of 8).
pub fn ipv4_fragment(
    src: [u8; 4],
    dst: [u8; 4],
    proto: u8,
    id: u16,
    offset: usize,
    more: bool,
    payload: &[u8],
) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let ff = ((offset / 8) as u16) | if more { 0x2000 } else { 0 };
    let mut h = vec![0x45, 0];
    h.extend_from_slice(&total.to_be_bytes());
    h.extend_from_slice(&id.to_be_bytes());
    h.extend_from_slice(&ff.to_be_bytes());
    h.extend_from_slice(&[64, proto, 0, 0]);
    h.extend_from_slice(&src);
    h.extend_from_slice(&dst);
    let c = checksum(&h);
    h[10..12].copy_from_slice(&c.to_be_bytes());
    h.extend_from_slice(payload);
    h
}

/// Split an IP payload into IPv4 fragments of at most `size` bytes (rounded down to 8).
pub fn ipv4_fragments(
    src: [u8; 4],
    dst: [u8; 4],
    proto: u8,
    id: u16,
    payload: &[u8],
    size: usize,
) -> Vec<Vec<u8>> {
    let size = (size / 8).max(1) * 8;
    let mut v = Vec::new();
    let mut off = 0;
    while off < payload.len() || v.is_empty() {
        let end = (off + size).min(payload.len());
        v.push(ipv4_fragment(
            src,
            dst,
            proto,
            id,
            off,
            end < payload.len(),
            &payload[off..end],
        ));
        off = end;
    }
    v
}

/// IPv6 header + payload; `next` is the first next-header value (the payload
/// may begin with extension headers).
pub fn ipv6(src: [u8; 16], dst: [u8; 16], next: u8, payload: &[u8]) -> Vec<u8> {
    let mut h = vec![0x60, 0, 0, 0];
    h.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    h.push(next);
    h.push(64);
    h.extend_from_slice(&src);
    h.extend_from_slice(&dst);
    h.extend_from_slice(payload);
    h
}

/// UDP header + payload (checksum 0).
pub fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut h = Vec::with_capacity(8 + payload.len());
    h.extend_from_slice(&sport.to_be_bytes());
    h.extend_from_slice(&dport.to_be_bytes());
    h.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    h.extend_from_slice(&[0, 0]);
    h.extend_from_slice(payload);
    h
}

/// TCP header + payload (checksum 0).
pub fn tcp(sport: u16, dport: u16, seq: u32, ack: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut h = Vec::with_capacity(20 + payload.len());
    h.extend_from_slice(&sport.to_be_bytes());
    h.extend_from_slice(&dport.to_be_bytes());
    h.extend_from_slice(&seq.to_be_bytes());
    h.extend_from_slice(&ack.to_be_bytes());
    h.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    h.extend_from_slice(payload);
    h
}

/// An IP packet from `src` to `dst` (both IPv4 or both IPv6) carrying `l4`.
pub fn ip(src: IpAddr, dst: IpAddr, proto: u8, l4: &[u8]) -> Vec<u8> {
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => ipv4(s.octets(), d.octets(), proto, l4),
        (IpAddr::V6(s), IpAddr::V6(d)) => ipv6(s.octets(), d.octets(), proto, l4),
        _ => panic!("mixed address families"),
    }
}

/// IP + UDP.
pub fn ip_udp(src: SocketAddr, dst: SocketAddr, payload: &[u8]) -> Vec<u8> {
    ip(
        src.ip(),
        dst.ip(),
        17,
        &udp(src.port(), dst.port(), payload),
    )
}

/// IP + TCP.
pub fn ip_tcp(
    src: SocketAddr,
    dst: SocketAddr,
    seq: u32,
    ack: u32,
    flags: u8,
    payload: &[u8],
) -> Vec<u8> {
    ip(
        src.ip(),
        dst.ip(),
        6,
        &tcp(src.port(), dst.port(), seq, ack, flags, payload),
    )
}

/// SCTP packet with DATA chunks `(tsn, stream, flags (B=2, E=1), payload)`.
pub fn sctp_data(sport: u16, dport: u16, chunks: &[(u32, u16, u8, &[u8])]) -> Vec<u8> {
    let mut p = Vec::new();
    p.extend_from_slice(&sport.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    p.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0]);
    for (tsn, stream, flags, data) in chunks {
        p.push(0);
        p.push(*flags);
        p.extend_from_slice(&((16 + data.len()) as u16).to_be_bytes());
        p.extend_from_slice(&tsn.to_be_bytes());
        p.extend_from_slice(&stream.to_be_bytes());
        p.extend_from_slice(&0u16.to_be_bytes());
        p.extend_from_slice(&0u32.to_be_bytes());
        p.extend_from_slice(data);
        pad4(&mut p);
    }
    p
}

/// GRE (no options) carrying `proto`.
pub fn gre(proto: u16, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0, 0];
    p.extend_from_slice(&proto.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

/// A HEP3 packet (UDP/IPv4 inner addresses).
pub fn hep3(src: SocketAddr, dst: SocketAddr, ts_secs: u32, payload: &[u8]) -> Vec<u8> {
    let mut chunks = Vec::new();
    let mut chunk = |t: u16, v: &[u8]| {
        chunks.extend_from_slice(&0u16.to_be_bytes());
        chunks.extend_from_slice(&t.to_be_bytes());
        chunks.extend_from_slice(&((6 + v.len()) as u16).to_be_bytes());
        chunks.extend_from_slice(v);
    };
    match (src.ip(), dst.ip()) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            chunk(1, &[2]);
            chunk(3, &s.octets());
            chunk(4, &d.octets());
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            chunk(1, &[10]);
            chunk(5, &s.octets());
            chunk(6, &d.octets());
        }
        _ => panic!("mixed address families"),
    }
    chunk(2, &[17]);
    chunk(7, &src.port().to_be_bytes());
    chunk(8, &dst.port().to_be_bytes());
    chunk(9, &ts_secs.to_be_bytes());
    chunk(10, &0u32.to_be_bytes());
    chunk(11, &[1]);
    chunk(12, &2001u32.to_be_bytes());
    chunk(15, payload);
    let mut p = b"HEP3".to_vec();
    p.extend_from_slice(&((6 + chunks.len()) as u16).to_be_bytes());
    p.extend_from_slice(&chunks);
    p
}

/// One WebSocket frame (`opcode` 1 text, 2 binary, 0 continuation).
pub fn websocket_frame(fin: bool, opcode: u8, mask: Option<[u8; 4]>, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![if fin { 0x80 } else { 0 } | (opcode & 0x0f)];
    let m = if mask.is_some() { 0x80 } else { 0 };
    if payload.len() < 126 {
        f.push(m | payload.len() as u8);
    } else if payload.len() <= 0xffff {
        f.push(m | 126);
        f.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    } else {
        f.push(m | 127);
        f.extend_from_slice(&(payload.len() as u64).to_be_bytes());
    }
    match mask {
        Some(k) => {
            f.extend_from_slice(&k);
            f.extend(payload.iter().enumerate().map(|(i, b)| b ^ k[i % 4]));
        }
        None => f.extend_from_slice(payload),
    }
    f
}

/// One TCP connection: builds IP packets with running sequence numbers.
#[derive(Debug, Clone)]
pub struct TcpFlow {
    pub client: SocketAddr,
    pub server: SocketAddr,
    /// Next sequence number of each side.
    pub client_seq: u32,
    pub server_seq: u32,
}

impl TcpFlow {
    pub fn new(client: SocketAddr, server: SocketAddr) -> Self {
        TcpFlow {
            client,
            server,
            client_seq: 1_000_000,
            server_seq: 0xffff_ff00, // wraps around soon: exercises sequence arithmetic
        }
    }

    fn ends(&self, from_client: bool) -> (SocketAddr, SocketAddr, u32, u32) {
        if from_client {
            (self.client, self.server, self.client_seq, self.server_seq)
        } else {
            (self.server, self.client, self.server_seq, self.client_seq)
        }
    }

    /// SYN, SYN-ACK, ACK.
    pub fn handshake(&mut self) -> Vec<Vec<u8>> {
        let syn = ip_tcp(
            self.client,
            self.server,
            self.client_seq.wrapping_sub(1),
            0,
            SYN,
            b"",
        );
        let synack = ip_tcp(
            self.server,
            self.client,
            self.server_seq.wrapping_sub(1),
            self.client_seq,
            SYN | ACK,
            b"",
        );
        let ack = ip_tcp(
            self.client,
            self.server,
            self.client_seq,
            self.server_seq,
            ACK,
            b"",
        );
        vec![syn, synack, ack]
    }

    /// Split `data` into segments of the given sizes (the last size repeats)
    /// and advance the sender's sequence number.
    pub fn send(&mut self, from_client: bool, data: &[u8], sizes: &[usize]) -> Vec<Vec<u8>> {
        let mut v = Vec::new();
        let mut off = 0;
        let mut i = 0;
        while off < data.len() {
            let size = sizes
                .get(i)
                .or(sizes.last())
                .copied()
                .unwrap_or(data.len())
                .max(1);
            let end = (off + size).min(data.len());
            v.push(self.segment(from_client, off as u32, &data[off..end]));
            off = end;
            i += 1;
        }
        if from_client {
            self.client_seq = self.client_seq.wrapping_add(data.len() as u32);
        } else {
            self.server_seq = self.server_seq.wrapping_add(data.len() as u32);
        }
        v
    }

    /// A segment at `rel` bytes past the sender's current sequence number,
    /// without advancing it (for overlaps and hand-made retransmissions).
    pub fn segment(&self, from_client: bool, rel: u32, data: &[u8]) -> Vec<u8> {
        let (s, d, seq, ack) = self.ends(from_client);
        ip_tcp(s, d, seq.wrapping_add(rel), ack, ACK | PSH, data)
    }

    /// A pure ACK from one side acknowledging `rel` bytes past the other side's sequence number.
    pub fn ack(&self, from_client: bool, rel: u32) -> Vec<u8> {
        let (s, d, seq, ack) = self.ends(from_client);
        ip_tcp(s, d, seq, ack.wrapping_add(rel), ACK, b"")
    }

    /// FIN from one side.
    pub fn fin(&mut self, from_client: bool) -> Vec<u8> {
        let (s, d, seq, ack) = self.ends(from_client);
        let p = ip_tcp(s, d, seq, ack, FIN | ACK, b"");
        if from_client {
            self.client_seq = self.client_seq.wrapping_add(1);
        } else {
            self.server_seq = self.server_seq.wrapping_add(1);
        }
        p
    }
}
