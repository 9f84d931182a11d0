//! Reproducible corpus for the side-by-side benchmark.
//!
//! `gen --size 10M --seed 42 --out DIR --name corpus-10M` writes
//! `DIR/NAME.pcap` (Ethernet, IPv4), `DIR/NAME.txt` (the same messages, one
//! after another, in the order the capture completes them) and
//! `DIR/NAME.json` (what was written: message counts by protocol and
//! transport, and how many MSRP messages start in the middle of a TCP
//! segment) and `DIR/NAME.msrp-flows.tsv` (per MSRP connection: its ports,
//! its messages, and how many of them start mid-segment).
//!
//! The traffic: SIP dialogs (INVITE/100/180/200/ACK/BYE/200) over UDP and
//! TCP, half of them chat sessions whose SDP offers MSRP; the MSRP session
//! follows on its own TCP connection with SENDs (large ones chunked, with
//! Byte-Range and `+`/`$`) written in bursts, so several MSRP messages share
//! one TCP segment, each answered by a 200 OK (also pipelined); pager
//! MESSAGEs; NOTIFYs with application/simple-message-summary bodies. A small
//! share of pager MESSAGEs is written with whitespace before every header's
//! colon (legal HCOLON, RFC 3261 section 25.1).
//!
//! The same seed and size give byte-identical files (own PRNG, fixed clock).
//! `--no-text` skips the text form (the manifest still describes it).
//!
//! `--aligned` writes the traffic tshark dissects whole, for a comparison
//! with equal message counts: every message over TCP starts its own segment
//! (nothing pipelined), MSRP connections use ports 40000 to 43998, which no
//! dissector in tshark's port table claims, and no header is written with
//! whitespace before its colon.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::PathBuf;

use sipmsrp::capture::writer::{self, LINKTYPE_ETHERNET, PcapWriter, TcpFlow};

/// TCP payload per segment (Ethernet MTU minus IPv4 and TCP headers).
const MSS: usize = 1460;
/// MSRP chunk size for large messages.
const CHUNK: usize = 2048;

/// splitmix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below((hi - lo + 1) as u64) as usize
    }
    /// True with probability `p` percent.
    fn pct(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
    fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            let _ = write!(s, "{:016x}", self.next());
        }
        s.truncate(n);
        s
    }
    fn alnum(&mut self, n: usize) -> String {
        const A: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        (0..n)
            .map(|_| A[self.below(A.len() as u64) as usize] as char)
            .collect()
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "hello", "are", "you", "there", "meeting", "at", "ten", "the", "report", "is", "ready",
    "please", "call", "me", "back", "when", "free", "lunch", "today", "thanks", "ok", "see",
    "tomorrow", "file", "attached", "review", "draft", "status", "update", "network", "down",
    "again", "ticket", "closed", "great", "news", "on", "my", "way", "running", "late",
];

const USERS: &[&str] = &[
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "oscar", "peggy", "trent", "victor", "walter",
];

const DOMAINS: &[&str] = &[
    "atlanta.example.com",
    "biloxi.example.com",
    "chicago.example.net",
    "ims.mnc001.mcc001.3gppnetwork.org",
];

fn text(rng: &mut Rng, len: usize) -> String {
    let mut s = String::with_capacity(len + 12);
    while s.len() < len {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(rng.pick(WORDS));
    }
    s.truncate(len);
    s
}

#[derive(Default)]
struct Stats {
    messages: u64,
    sip: u64,
    sip_udp: u64,
    sip_tcp: u64,
    msrp: u64,
    /// MSRP messages whose first byte is not the first byte of a TCP segment.
    msrp_mid_segment: u64,
    /// SIP messages over TCP whose first byte is not the first byte of a segment.
    sip_tcp_mid_segment: u64,
    /// SIP messages written with whitespace before every header colon.
    sip_hcolon_ws: u64,
    sip_hcolon_ws_udp: u64,
    sip_hcolon_ws_tcp: u64,
    sip_requests: u64,
    sip_responses: u64,
    msrp_send: u64,
    msrp_response: u64,
    msrp_chunked_messages: u64,
    dialogs: u64,
    chat_sessions: u64,
    pager: u64,
    notify: u64,
    frames: u64,
    tcp_segments_with_several_msrp_starts: u64,
}

struct Out {
    pcap: PcapWriter<BufWriter<File>>,
    txt: BufWriter<File>,
    pcap_bytes: u64,
    txt_bytes: u64,
    /// Capture clock in microseconds.
    clock: u64,
    rng: Rng,
    stats: Stats,
    /// See `--aligned` in the module documentation.
    aligned: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Proto {
    Sip,
    Msrp,
}

impl Out {
    fn frame(&mut self, ip: &[u8]) {
        let f = writer::eth(ip);
        self.clock += self.rng.below(3000);
        let secs = (self.clock / 1_000_000) as u32;
        let micros = (self.clock % 1_000_000) as u32;
        self.pcap
            .write_packet(secs, micros, &f)
            .expect("write pcap");
        self.pcap_bytes += 16 + f.len() as u64;
        self.stats.frames += 1;
    }

    fn text(&mut self, m: &[u8]) {
        self.txt.write_all(m).expect("write text");
        self.txt_bytes += m.len() as u64;
    }

    fn count(&mut self, proto: Proto, m: &[u8]) {
        self.stats.messages += 1;
        match proto {
            Proto::Sip => {
                self.stats.sip += 1;
                if m.starts_with(b"SIP/2.0 ") {
                    self.stats.sip_responses += 1;
                } else {
                    self.stats.sip_requests += 1;
                }
            }
            Proto::Msrp => {
                self.stats.msrp += 1;
                let first = &m[..memchr::memchr(b'\r', m).unwrap_or(m.len())];
                if first.ends_with(b" SEND") {
                    self.stats.msrp_send += 1;
                } else {
                    self.stats.msrp_response += 1;
                }
            }
        }
    }

    /// One SIP message in one UDP datagram.
    fn udp(&mut self, src: SocketAddr, dst: SocketAddr, m: &[u8]) {
        self.count(Proto::Sip, m);
        self.stats.sip_udp += 1;
        let p = writer::ip_udp(src, dst, m);
        self.frame(&p);
        self.text(m);
    }

    /// Several messages written at once on a TCP connection: concatenated and
    /// cut into MSS-sized segments, then a pure ACK from the peer.
    fn tcp(&mut self, flow: &mut TcpFlow, from_client: bool, proto: Proto, msgs: &[Vec<u8>]) {
        if self.aligned {
            // Each message written on its own: it starts a segment.
            for m in msgs {
                self.count(proto, m);
                if proto == Proto::Sip {
                    self.stats.sip_tcp += 1;
                }
                for seg in flow.send(from_client, m, &[MSS]) {
                    self.frame(&seg);
                }
            }
            let ack = flow.ack(!from_client, 0);
            self.frame(&ack);
            for m in msgs {
                self.text(m);
            }
            return;
        }
        let mut data = Vec::with_capacity(msgs.iter().map(Vec::len).sum());
        let mut starts_per_segment: Vec<u32> = Vec::new();
        for m in msgs {
            let at = data.len();
            let seg = at / MSS;
            if starts_per_segment.len() <= seg {
                starts_per_segment.resize(seg + 1, 0);
            }
            starts_per_segment[seg] += 1;
            if at % MSS != 0 {
                match proto {
                    Proto::Sip => self.stats.sip_tcp_mid_segment += 1,
                    Proto::Msrp => self.stats.msrp_mid_segment += 1,
                }
            }
            data.extend_from_slice(m);
            self.count(proto, m);
            if proto == Proto::Sip {
                self.stats.sip_tcp += 1;
            }
        }
        if proto == Proto::Msrp {
            self.stats.tcp_segments_with_several_msrp_starts +=
                starts_per_segment.iter().filter(|&&n| n > 1).count() as u64;
        }
        for seg in flow.send(from_client, &data, &[MSS]) {
            self.frame(&seg);
        }
        let ack = flow.ack(!from_client, 0);
        self.frame(&ack);
        for m in msgs {
            self.text(m);
        }
    }

    fn open(&mut self, flow: &mut TcpFlow) {
        for p in flow.handshake() {
            self.frame(&p);
        }
    }

    fn close(&mut self, flow: &mut TcpFlow) {
        let a = flow.fin(true);
        self.frame(&a);
        let b = flow.fin(false);
        self.frame(&b);
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Transport {
    Udp,
    Tcp(usize),
}

/// Who talks to whom in one SIP exchange.
struct Party {
    user: &'static str,
    domain: &'static str,
    addr: SocketAddr,
}

fn ip4(a: u8, b: u8, c: u8) -> Ipv4Addr {
    Ipv4Addr::new(10, a, b, c)
}

/// Build a SIP message from a start line, headers and body; the
/// Content-Length is computed. `ws_colon` writes `Name : value`.
fn sip(start: &str, headers: &[(&str, String)], body: &str, ws_colon: bool) -> Vec<u8> {
    let mut s = String::with_capacity(512 + body.len());
    s.push_str(start);
    s.push_str("\r\n");
    let sep = if ws_colon { " : " } else { ": " };
    for (n, v) in headers {
        s.push_str(n);
        s.push_str(sep);
        s.push_str(v);
        s.push_str("\r\n");
    }
    s.push_str("Content-Length");
    s.push_str(sep);
    let _ = write!(s, "{}\r\n\r\n", body.len());
    s.push_str(body);
    s.into_bytes()
}

struct Gen {
    out: Out,
    /// Long-lived SIP-over-TCP connections between proxies (client side sends requests).
    sip_tcp: Vec<TcpFlow>,
    next_port: u16,
    /// One line per MSRP connection: ports, messages, messages starting mid-segment.
    flows: String,
}

impl Gen {
    fn party(&mut self, net: u8) -> Party {
        let r = &mut self.out.rng;
        let user = r.pick(USERS);
        let domain = r.pick(DOMAINS);
        let addr = SocketAddr::V4(SocketAddrV4::new(
            ip4(net, r.below(8) as u8, 1 + r.below(250) as u8),
            5060,
        ));
        Party { user, domain, addr }
    }

    fn port(&mut self) -> u16 {
        if self.out.aligned {
            self.next_port = if (40000..43998).contains(&self.next_port) {
                self.next_port + 2
            } else {
                40000
            };
            return self.next_port;
        }
        self.next_port = if self.next_port >= 60000 {
            20000
        } else {
            self.next_port + 2
        };
        self.next_port
    }

    fn transport(&mut self) -> Transport {
        if self.out.rng.pct(50) {
            Transport::Udp
        } else {
            let n = self.sip_tcp.len() as u64;
            Transport::Tcp(self.out.rng.below(n) as usize)
        }
    }

    /// Send SIP messages one after another: over UDP each in its datagram;
    /// over TCP as written together (several in one write when `together`).
    fn send_sip(&mut self, t: Transport, from_a: bool, a: &Party, b: &Party, msgs: Vec<Vec<u8>>) {
        match t {
            Transport::Udp => {
                let (s, d) = if from_a {
                    (a.addr, b.addr)
                } else {
                    (b.addr, a.addr)
                };
                for m in msgs {
                    self.out.udp(s, d, &m);
                }
            }
            Transport::Tcp(i) => {
                let mut flow = self.sip_tcp[i].clone();
                self.out.tcp(&mut flow, from_a, Proto::Sip, &msgs);
                self.sip_tcp[i] = flow;
            }
        }
    }
}

/// What the messages of one SIP exchange share.
struct Dlg<'a> {
    t: Transport,
    a: &'a Party,
    b: &'a Party,
    call_id: &'a str,
    ftag: &'a str,
}

/// Via, From, To, Call-ID and CSeq of a message from `d.a` to `d.b` (or its response).
fn common(d: &Dlg, branch: &str, ttag: Option<&str>, cseq: &str) -> Vec<(&'static str, String)> {
    let (a, b, call_id, ftag) = (d.a, d.b, d.call_id, d.ftag);
    let tr = if matches!(d.t, Transport::Udp) {
        "UDP"
    } else {
        "TCP"
    };
    let to = match ttag {
        Some(tag) => format!("<sip:{}@{}>;tag={tag}", b.user, b.domain),
        None => format!("<sip:{}@{}>", b.user, b.domain),
    };
    vec![
        (
            "Via",
            format!("SIP/2.0/{tr} {};branch=z9hG4bK{branch};rport", a.addr),
        ),
        (
            "From",
            format!("\"{}\" <sip:{}@{}>;tag={ftag}", a.user, a.user, a.domain),
        ),
        ("To", to),
        ("Call-ID", call_id.to_string()),
        ("CSeq", cseq.to_string()),
    ]
}

impl Gen {
    fn dialog(&mut self) {
        self.out.stats.dialogs += 1;
        let t = self.transport();
        let a = self.party(1);
        let b = self.party(2);
        let chat = self.out.rng.pct(50);
        let r = &mut self.out.rng;
        let call_id = format!("{}@{}", r.hex(24), a.addr.ip());
        let ftag = r.hex(10);
        let ttag = r.hex(10);
        let branch = r.hex(16);
        let d = Dlg {
            t,
            a: &a,
            b: &b,
            call_id: &call_id,
            ftag: &ftag,
        };
        let sess_a = r.alnum(12);
        let sess_b = r.alnum(12);
        let (pa, pb) = (self.port(), self.port());
        let tr = if matches!(t, Transport::Udp) {
            "udp"
        } else {
            "tcp"
        };
        let sdp = |ip: &str, port: u16, sess: &str, id: u64| {
            if chat {
                format!(
                    "v=0\r\no=- {id} {id} IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\n\
                     m=message {port} TCP/MSRP *\r\na=accept-types:text/plain message/cpim\r\n\
                     a=path:msrp://{ip}:{port}/{sess};tcp\r\n"
                )
            } else {
                format!(
                    "v=0\r\no=- {id} {id} IN IP4 {ip}\r\ns=call\r\nc=IN IP4 {ip}\r\nt=0 0\r\n\
                     m=audio {port} RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n\
                     a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n\
                     a=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n"
                )
            }
        };
        let ia = a.addr.ip().to_string();
        let ib = b.addr.ip().to_string();
        let id = self.out.rng.below(1 << 40);
        let offer = sdp(&ia, pa, &sess_a, id);
        let answer = sdp(&ib, pb, &sess_b, id + 1);

        let mut h = common(&d, &branch, None, "1 INVITE");
        h.insert(1, ("Max-Forwards", "70".into()));
        h.push((
            "Contact",
            format!("<sip:{}@{};transport={tr}>", a.user, a.addr),
        ));
        h.push((
            "Allow",
            "INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, NOTIFY, UPDATE".into(),
        ));
        h.push(("Supported", "timer, 100rel, replaces".into()));
        h.push(("User-Agent", "bench-ua/1.0".into()));
        if chat {
            h.push(("Accept-Contact", "*;+g.oma.sip-im".into()));
        }
        h.push(("Content-Type", "application/sdp".into()));
        let invite = sip(
            &format!("INVITE sip:{}@{} SIP/2.0", b.user, b.domain),
            &h,
            &offer,
            false,
        );
        self.send_sip(t, true, &a, &b, vec![invite]);

        let resp = |code: &str, tt: Option<&str>, body: &str| {
            let mut h = common(&d, &branch, tt, "1 INVITE");
            h[0].1.push_str(&format!(";received={}", a.addr.ip()));
            if tt.is_some() {
                h.push((
                    "Contact",
                    format!("<sip:{}@{};transport={tr}>", b.user, b.addr),
                ));
            }
            if !body.is_empty() {
                h.push(("Content-Type", "application/sdp".into()));
            }
            sip(&format!("SIP/2.0 {code}"), &h, body, false)
        };
        let trying = resp("100 Trying", None, "");
        let ringing = resp("180 Ringing", Some(&ttag), "");
        // 100 and 180 leave together (one TCP segment when over TCP).
        self.send_sip(t, false, &a, &b, vec![trying, ringing]);
        let ok = resp("200 OK", Some(&ttag), &answer);
        self.send_sip(t, false, &a, &b, vec![ok]);
        let branch2 = self.out.rng.hex(16);
        let mut h = common(&d, &branch2, Some(&ttag), "1 ACK");
        h.insert(1, ("Max-Forwards", "70".into()));
        let ack = sip(
            &format!("ACK sip:{}@{} SIP/2.0", b.user, b.addr),
            &h,
            "",
            false,
        );
        self.send_sip(t, true, &a, &b, vec![ack]);

        if chat {
            self.out.stats.chat_sessions += 1;
            let ca = SocketAddr::new(a.addr.ip(), pa);
            let cb = SocketAddr::new(b.addr.ip(), pb);
            let path_a = format!("msrp://{ia}:{pa}/{sess_a};tcp");
            let path_b = format!("msrp://{ib}:{pb}/{sess_b};tcp");
            self.msrp_session(ca, cb, &path_a, &path_b);
        }

        let branch3 = self.out.rng.hex(16);
        let mut h = common(&d, &branch3, Some(&ttag), "2 BYE");
        h.insert(1, ("Max-Forwards", "70".into()));
        let bye = sip(
            &format!("BYE sip:{}@{} SIP/2.0", b.user, b.addr),
            &h,
            "",
            false,
        );
        self.send_sip(t, true, &a, &b, vec![bye]);
        let mut h = common(&d, &branch3, Some(&ttag), "2 BYE");
        h[0].1.push_str(&format!(";received={}", a.addr.ip()));
        let ok = sip("SIP/2.0 200 OK", &h, "", false);
        self.send_sip(t, false, &a, &b, vec![ok]);
    }

    fn msrp_session(&mut self, ca: SocketAddr, cb: SocketAddr, path_a: &str, path_b: &str) {
        let (msrp0, mid0) = (self.out.stats.msrp, self.out.stats.msrp_mid_segment);
        let mut flow = TcpFlow::new(ca, cb);
        self.out.open(&mut flow);
        // RFC 4975 section 7.1.1: an empty SEND binds the connection.
        let tid = self.out.rng.alnum(10);
        let mid = self.out.rng.alnum(12);
        let bind = format!(
            "MSRP {tid} SEND\r\nTo-Path: {path_b}\r\nFrom-Path: {path_a}\r\n\
             Message-ID: {mid}\r\nByte-Range: 1-0/0\r\n-------{tid}$\r\n"
        );
        self.out
            .tcp(&mut flow, true, Proto::Msrp, &[bind.into_bytes()]);
        let ok = format!(
            "MSRP {tid} 200 OK\r\nTo-Path: {path_a}\r\nFrom-Path: {path_b}\r\n-------{tid}$\r\n"
        );
        self.out
            .tcp(&mut flow, false, Proto::Msrp, &[ok.into_bytes()]);

        let bursts = self.out.rng.range(1, 6);
        for _ in 0..bursts {
            let from_a = self.out.rng.pct(60);
            let (to, from) = if from_a {
                (path_b, path_a)
            } else {
                (path_a, path_b)
            };
            // Half the bursts are one message, the rest two to four.
            let k = if self.out.rng.pct(50) {
                1
            } else {
                self.out.rng.range(2, 4)
            };
            let mut sends = Vec::new();
            let mut oks = Vec::new();
            for _ in 0..k {
                let r = &mut self.out.rng;
                let size = match r.below(100) {
                    0..70 => r.range(4, 200),
                    70..92 => r.range(200, 1800),
                    _ => r.range(3000, 24000),
                };
                let body = text(r, size);
                let mid = r.alnum(12);
                let chunks = body.len().div_ceil(CHUNK);
                if chunks > 1 {
                    self.out.stats.msrp_chunked_messages += 1;
                }
                for c in 0..chunks {
                    let r = &mut self.out.rng;
                    let tid = r.alnum(10);
                    let start = c * CHUNK;
                    let end = ((c + 1) * CHUNK).min(body.len());
                    let flag = if end == body.len() { '$' } else { '+' };
                    let mut m = format!(
                        "MSRP {tid} SEND\r\nTo-Path: {to}\r\nFrom-Path: {from}\r\n\
                         Message-ID: {mid}\r\nByte-Range: {}-{end}/{}\r\n",
                        start + 1,
                        body.len()
                    );
                    if c == 0 {
                        m.push_str("Success-Report: no\r\n");
                    }
                    m.push_str("Content-Type: text/plain\r\n\r\n");
                    m.push_str(&body[start..end]);
                    let _ = write!(m, "\r\n-------{tid}{flag}\r\n");
                    sends.push(m.into_bytes());
                    oks.push(
                        format!(
                            "MSRP {tid} 200 OK\r\nTo-Path: {from}\r\nFrom-Path: {to}\r\n-------{tid}$\r\n"
                        )
                        .into_bytes(),
                    );
                }
            }
            self.out.tcp(&mut flow, from_a, Proto::Msrp, &sends);
            // The receiver answers each chunk as it is read; sometimes the
            // answers leave together (Nagle), pipelined in one segment.
            if self.out.rng.pct(30) {
                self.out.tcp(&mut flow, !from_a, Proto::Msrp, &oks);
            } else {
                for ok in oks {
                    self.out.tcp(&mut flow, !from_a, Proto::Msrp, &[ok]);
                }
            }
        }
        self.out.close(&mut flow);
        let _ = writeln!(
            self.flows,
            "{}\t{}\t{}\t{}",
            ca.port(),
            cb.port(),
            self.out.stats.msrp - msrp0,
            self.out.stats.msrp_mid_segment - mid0
        );
    }

    fn pager(&mut self) {
        self.out.stats.pager += 1;
        let t = self.transport();
        let a = self.party(1);
        let b = self.party(2);
        let r = &mut self.out.rng;
        let ws = r.pct(3) && !self.out.aligned;
        let call_id = format!("{}@{}", r.hex(20), a.domain);
        let ftag = r.hex(10);
        let branch = r.hex(16);
        let d = Dlg {
            t,
            a: &a,
            b: &b,
            call_id: &call_id,
            ftag: &ftag,
        };
        let len = r.range(10, 600);
        let body = text(r, len);
        let mut h = common(&d, &branch, None, "1 MESSAGE");
        h.insert(1, ("Max-Forwards", "70".into()));
        h.push(("Accept-Contact", "*;+g.oma.sip-im".into()));
        h.push(("Date", "Sat, 13 Nov 2010 23:29:00 GMT".into()));
        h.push(("Content-Type", "text/plain;charset=UTF-8".into()));
        let m = sip(
            &format!("MESSAGE sip:{}@{} SIP/2.0", b.user, b.domain),
            &h,
            &body,
            ws,
        );
        if ws {
            self.out.stats.sip_hcolon_ws += 1;
            match t {
                Transport::Udp => self.out.stats.sip_hcolon_ws_udp += 1,
                Transport::Tcp(_) => self.out.stats.sip_hcolon_ws_tcp += 1,
            }
        }
        self.send_sip(t, true, &a, &b, vec![m]);
        let ttag = self.out.rng.hex(10);
        let mut h = common(&d, &branch, Some(&ttag), "1 MESSAGE");
        h[0].1.push_str(&format!(";received={}", a.addr.ip()));
        let ok = sip("SIP/2.0 200 OK", &h, "", false);
        self.send_sip(t, false, &a, &b, vec![ok]);
    }

    fn notify(&mut self) {
        self.out.stats.notify += 1;
        let t = self.transport();
        let vm = self.party(3);
        let ua = self.party(1);
        let r = &mut self.out.rng;
        let call_id = format!("{}@{}", r.hex(20), vm.domain);
        let ftag = r.hex(10);
        let ttag = r.hex(10);
        let branch = r.hex(16);
        let d = Dlg {
            t,
            a: &vm,
            b: &ua,
            call_id: &call_id,
            ftag: &ftag,
        };
        let new = r.below(10);
        let old = r.below(30);
        let urgent = r.below(new + 1);
        let mut body = format!(
            "Messages-Waiting: {}\r\nMessage-Account: sip:{}@{}\r\n\
             Voice-Message: {new}/{old} ({urgent}/0)\r\n",
            if new > 0 { "yes" } else { "no" },
            ua.user,
            ua.domain
        );
        if r.pct(30) {
            let _ = write!(body, "Fax-Message: {}/{}\r\n", r.below(3), r.below(5));
        }
        let seq = 1 + r.below(50);
        let mut h = common(&d, &branch, Some(&ttag), &format!("{seq} NOTIFY"));
        h.insert(1, ("Max-Forwards", "70".into()));
        h.push(("Contact", format!("<sip:voicemail@{}>", vm.addr)));
        h.push(("Event", "message-summary".into()));
        h.push(("Subscription-State", "active;expires=3600".into()));
        h.push(("Content-Type", "application/simple-message-summary".into()));
        let m = sip(
            &format!("NOTIFY sip:{}@{} SIP/2.0", ua.user, ua.addr),
            &h,
            &body,
            false,
        );
        self.send_sip(t, true, &vm, &ua, vec![m]);
        let mut h = common(&d, &branch, Some(&ttag), &format!("{seq} NOTIFY"));
        h[0].1.push_str(&format!(";received={}", vm.addr.ip()));
        let ok = sip("SIP/2.0 200 OK", &h, "", false);
        self.send_sip(t, false, &vm, &ua, vec![ok]);
    }
}

fn parse_size(s: &str) -> u64 {
    let s = s.trim();
    let (num, mult) = match s.as_bytes().last() {
        Some(b'K' | b'k') => (&s[..s.len() - 1], 1u64 << 10),
        Some(b'M' | b'm') => (&s[..s.len() - 1], 1 << 20),
        Some(b'G' | b'g') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.parse::<u64>().expect("size: a number with K, M or G") * mult
}

fn main() {
    let mut size = 10u64 << 20;
    let mut seed = 42u64;
    let mut dir = PathBuf::from(".");
    let mut name: Option<String> = None;
    let mut with_text = true;
    let mut aligned = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().expect("option needs a value");
        match a.as_str() {
            "--size" => size = parse_size(&val()),
            "--seed" => seed = val().parse().expect("seed"),
            "--out" => dir = PathBuf::from(val()),
            "--name" => name = Some(val()),
            "--no-text" => with_text = false,
            "--aligned" => aligned = true,
            _ => {
                eprintln!(
                    "usage: gen [--size 10M] [--seed 42] [--out DIR] [--name NAME] [--no-text] [--aligned]"
                );
                std::process::exit(2);
            }
        }
    }
    let name = name.unwrap_or_else(|| format!("corpus-{}M", size >> 20));
    std::fs::create_dir_all(&dir).expect("create output dir");
    let pcap_path = dir.join(format!("{name}.pcap"));
    let txt_path = dir.join(format!("{name}.txt"));
    let pcap = PcapWriter::new(
        BufWriter::with_capacity(1 << 20, File::create(&pcap_path).expect("create pcap")),
        LINKTYPE_ETHERNET,
    )
    .expect("pcap header");
    // Without the text form (the 1 GB scaling run reads only the capture)
    // the text goes nowhere; everything else, the manifest included, is the same.
    let txt_file = if with_text {
        File::create(&txt_path).expect("create txt")
    } else {
        File::create("/dev/null").expect("open /dev/null")
    };
    let txt = BufWriter::with_capacity(1 << 20, txt_file);
    let mut g = Gen {
        out: Out {
            pcap,
            txt,
            pcap_bytes: 24,
            txt_bytes: 0,
            clock: 1_700_000_000_000_000,
            rng: Rng(seed),
            stats: Stats::default(),
            aligned,
        },
        sip_tcp: Vec::new(),
        next_port: 20000,
        flows: String::from("client_port\tserver_port\tmsrp_messages\tmsrp_mid_segment\n"),
    };
    // Eight long-lived SIP trunks over TCP between proxies.
    for i in 0..8u8 {
        let mut flow = TcpFlow::new(
            SocketAddr::V4(SocketAddrV4::new(
                ip4(1, 0, 10 + i),
                5060 + u16::from(i) * 100,
            )),
            SocketAddr::V4(SocketAddrV4::new(ip4(2, 0, 10 + i), 5060)),
        );
        // Random client port so trunks do not look alike.
        flow.client.set_port(30000 + g.out.rng.below(20000) as u16);
        g.out.open(&mut flow);
        g.sip_tcp.push(flow);
    }
    while g.out.pcap_bytes < size {
        match g.out.rng.below(100) {
            0..45 => g.dialog(),
            45..80 => g.pager(),
            _ => g.notify(),
        }
    }
    std::fs::write(dir.join(format!("{name}.msrp-flows.tsv")), &g.flows).expect("write flows");
    let trunks = std::mem::take(&mut g.sip_tcp);
    for mut flow in trunks {
        g.out.close(&mut flow);
    }
    let Out {
        pcap,
        mut txt,
        pcap_bytes,
        txt_bytes,
        stats: s,
        ..
    } = g.out;
    pcap.into_inner().flush().expect("flush pcap");
    txt.flush().expect("flush txt");

    let manifest = format!(
        "{{\n  \"seed\": {seed},\n  \"aligned\": {aligned},\n  \"target_bytes\": {size},\n  \"pcap\": {:?},\n  \"pcap_bytes\": {pcap_bytes},\n  \
         \"txt\": {:?},\n  \"txt_bytes\": {txt_bytes},\n  \"frames\": {},\n  \"messages\": {},\n  \
         \"sip\": {},\n  \"sip_udp\": {},\n  \"sip_tcp\": {},\n  \"sip_requests\": {},\n  \"sip_responses\": {},\n  \
         \"sip_tcp_mid_segment\": {},\n  \"sip_hcolon_ws\": {},\n  \"sip_hcolon_ws_udp\": {},\n  \"sip_hcolon_ws_tcp\": {},\n  \
         \"msrp\": {},\n  \"msrp_send\": {},\n  \"msrp_response\": {},\n  \"msrp_mid_segment\": {},\n  \
         \"msrp_chunked_messages\": {},\n  \"tcp_segments_with_several_msrp_starts\": {},\n  \
         \"dialogs\": {},\n  \"chat_sessions\": {},\n  \"pager\": {},\n  \"notify\": {}\n}}\n",
        pcap_path.file_name().unwrap().to_string_lossy(),
        txt_path.file_name().unwrap().to_string_lossy(),
        s.frames,
        s.messages,
        s.sip,
        s.sip_udp,
        s.sip_tcp,
        s.sip_requests,
        s.sip_responses,
        s.sip_tcp_mid_segment,
        s.sip_hcolon_ws,
        s.sip_hcolon_ws_udp,
        s.sip_hcolon_ws_tcp,
        s.msrp,
        s.msrp_send,
        s.msrp_response,
        s.msrp_mid_segment,
        s.msrp_chunked_messages,
        s.tcp_segments_with_several_msrp_starts,
        s.dialogs,
        s.chat_sessions,
        s.pager,
        s.notify,
    );
    std::fs::write(dir.join(format!("{name}.json")), &manifest).expect("write manifest");
    print!("{manifest}");
}
