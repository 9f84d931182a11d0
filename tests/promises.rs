//! The fixed bounds of capture reading (docs/limits.md, "Fixed bounds") and
//! the capture promises of the README, each proved at its boundary through
//! the real binary: at the bound the capture decodes, just past it the
//! documented bound applies. Every test here fails if the constant behind
//! its bound changes. Captures are built with the crate's writer and piped
//! to `sipmsrp parse --format jsonl -`.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use assert_cmd::Command;
use serde_json::Value;
use sipmsrp::capture::writer::{self as w, PcapWriter, TcpFlow};

/// 2023-11-14T22:13:20Z: the capture time of the first frame.
const T0: u32 = 1_700_000_000;

fn sipmsrp() -> Command {
    let mut c = Command::cargo_bin("sipmsrp").unwrap();
    c.env_remove("NO_COLOR").env_remove("SIPMSRP_PROGRESS");
    c
}

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

/// What `parse --format jsonl ARGS -` printed for `capture` on stdin.
struct Parsed {
    code: i32,
    values: Vec<Value>,
}

impl Parsed {
    fn messages(&self) -> Vec<&Value> {
        self.values
            .iter()
            .filter(|v| v["type"] == "message")
            .collect()
    }

    /// Codes of the capture-level findings, in output order.
    fn finding_codes(&self) -> Vec<&str> {
        self.values
            .iter()
            .filter(|v| v["type"] == "finding")
            .map(|v| v["code"].as_str().unwrap())
            .collect()
    }

    fn finding(&self, code: &str) -> &Value {
        self.values
            .iter()
            .find(|v| v["type"] == "finding" && v["code"] == code)
            .unwrap_or_else(|| panic!("no {code} finding in {:#?}", self.values))
    }

    /// Each output line in order: a message by its Call-ID (SIP) or
    /// Message-ID (MSRP), a capture finding as `finding:CODE`.
    fn labels(&self) -> Vec<String> {
        self.values
            .iter()
            .map(|v| match v["type"].as_str() {
                Some("finding") => format!("finding:{}", v["code"].as_str().unwrap()),
                _ => label(v),
            })
            .collect()
    }

    /// The labels of the messages only.
    fn message_labels(&self) -> Vec<String> {
        self.messages().into_iter().map(label).collect()
    }
}

fn label(m: &Value) -> String {
    m["call_id"]
        .as_str()
        .or_else(|| m["message_id"].as_str())
        .unwrap_or("?")
        .to_string()
}

fn parse(capture: &[u8], args: &[&str]) -> Parsed {
    let out = sipmsrp()
        .args(["parse", "--format", "jsonl"])
        .args(args)
        .arg("-")
        .write_stdin(capture.to_vec())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let values = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect();
    Parsed {
        code: out.status.code().expect("exit code"),
        values,
    }
}

/// A pcap of `(capture second, packet)` records of link type `linktype`.
fn pcap_at(linktype: u32, packets: impl IntoIterator<Item = (u32, Vec<u8>)>) -> Vec<u8> {
    let mut pw = PcapWriter::new(Vec::new(), linktype).unwrap();
    for (secs, p) in packets {
        pw.write_packet(secs, 0, &p).unwrap();
    }
    pw.into_inner()
}

/// A pcap of raw IP packets, all at `T0`.
fn raw(packets: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    pcap_at(w::LINKTYPE_RAW, packets.into_iter().map(|p| (T0, p)))
}

/// A SIP MESSAGE with Call-ID `call_id` and a body of `body_len` bytes.
fn sip(call_id: &str, body_len: usize) -> Vec<u8> {
    let mut m = format!(
        "MESSAGE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bK{call_id}\r\nMax-Forwards: 70\r\nTo: <sip:bob@example.com>\r\nFrom: <sip:alice@example.com>;tag=1\r\nCall-ID: {call_id}\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: {body_len}\r\n\r\n"
    )
    .into_bytes();
    m.resize(m.len() + body_len, b'x');
    m
}

/// A SIP MESSAGE of exactly `total` bytes.
fn sip_sized(call_id: &str, total: usize) -> Vec<u8> {
    // The body length changes the header length only through its digits.
    let mut body = total.saturating_sub(sip(call_id, 0).len());
    while sip(call_id, body).len() > total {
        body -= 1;
    }
    let m = sip(call_id, body);
    assert_eq!(m.len(), total, "no SIP message of exactly {total} bytes");
    m
}

/// A UDP datagram carrying a SIP MESSAGE, as raw IPv4.
fn udp_sip(call_id: &str) -> Vec<u8> {
    w::ip_udp(
        addr("192.0.2.7:5060"),
        addr("192.0.2.8:5060"),
        &sip(call_id, 2),
    )
}

/// A UDP datagram that is not SIP (a DNS query header).
fn udp_noise() -> Vec<u8> {
    w::ip_udp(
        addr("192.0.2.9:5353"),
        addr("192.0.2.10:53"),
        &[0x12, 0x34, 1, 0, 0, 1, 0, 0],
    )
}

// ---------------------------------------------------------------------------
// Tunnels.

/// A VXLAN packet (UDP port 4789, I flag, VNI 42) from `src` to `dst`
/// carrying `inner` (an IPv4 packet) in an Ethernet frame.
fn vxlan(src: [u8; 4], dst: [u8; 4], inner: &[u8]) -> Vec<u8> {
    let mut p = vec![0x08, 0, 0, 0, 0, 0, 42, 0];
    p.extend_from_slice(&w::eth(inner));
    w::ipv4(src, dst, 17, &w::udp(49152, 4789, &p))
}

/// "VXLAN": a SIP message inside VXLAN over UDP 4789 is found, with the inner addresses.
#[test]
fn vxlan_carries_sip_with_inner_addresses() {
    let inner = w::ip_udp(
        addr("192.168.1.1:5060"),
        addr("192.168.1.2:5062"),
        &sip("vxlan-1", 2),
    );
    let p = parse(&raw([vxlan([10, 0, 0, 1], [10, 0, 0, 2], &inner)]), &[]);
    assert_eq!(p.code, 0, "{:#?}", p.values);
    let m = p.messages();
    assert_eq!(m.len(), 1, "{:#?}", p.values);
    assert_eq!(m[0]["call_id"], "vxlan-1");
    let c = &m[0]["source"]["capture"];
    assert_eq!(c["src"], "192.168.1.1:5060");
    assert_eq!(c["dst"], "192.168.1.2:5062");
    assert_eq!(c["transport"], "udp");
    assert_eq!(c["frame"], 1);

    // Without the VXLAN I flag the payload is not taken for VXLAN: the SIP
    // message is not found with the inner addresses.
    let mut bad = vxlan([10, 0, 0, 1], [10, 0, 0, 2], &inner);
    bad[28] = 0; // first byte of the VXLAN header (20 IP + 8 UDP)
    let p = parse(&raw([bad]), &[]);
    assert!(
        p.messages()
            .iter()
            .all(|m| m["source"]["capture"]["src"] != "192.168.1.1:5060"),
        "{:#?}",
        p.values
    );
}

/// One tunnel header around an IPv4 packet.
#[derive(Debug, Clone, Copy)]
enum Tunnel {
    /// IPv4 in IPv4 (protocol 4).
    IpIp,
    /// GRE carrying IPv4 (protocol type 0x0800).
    GreIp,
    /// GRE transparent Ethernet bridging (0x6558).
    GreEth,
    /// VXLAN over UDP 4789.
    Vxlan,
}

const TUNNELS: [Tunnel; 4] = [Tunnel::IpIp, Tunnel::GreIp, Tunnel::GreEth, Tunnel::Vxlan];

fn wrap(t: Tunnel, level: usize, inner: &[u8]) -> Vec<u8> {
    let src = [10, 0, level as u8, 1];
    let dst = [10, 0, level as u8, 2];
    match t {
        Tunnel::IpIp => w::ipv4(src, dst, 4, inner),
        Tunnel::GreIp => w::ipv4(src, dst, 47, &w::gre(0x0800, inner)),
        Tunnel::GreEth => w::ipv4(src, dst, 47, &w::gre(0x6558, &w::eth(inner))),
        Tunnel::Vxlan => vxlan(src, dst, inner),
    }
}

/// A SIP datagram inside the given tunnels, outermost first.
fn tunnelled(tunnels: &[Tunnel]) -> Vec<u8> {
    let mut p = w::ip_udp(
        addr("192.168.7.1:5060"),
        addr("192.168.7.2:5060"),
        &sip("deep", 2),
    );
    for (level, t) in tunnels.iter().enumerate().rev() {
        p = wrap(*t, level, &p);
    }
    p
}

/// "encapsulations decoded inside one another (IP in IP, GRE, VXLAN, HEP): 8"
/// — eight tunnels inside one another decode, whatever their kinds.
#[test]
fn eight_nested_tunnels_decode() {
    let mixed: Vec<Tunnel> = (0..8).map(|i| TUNNELS[i % 4]).collect();
    let mut cases: Vec<Vec<Tunnel>> = TUNNELS.iter().map(|t| vec![*t; 8]).collect();
    cases.push(mixed.clone());
    cases.push(mixed.into_iter().rev().collect());
    for tunnels in cases {
        let p = parse(&raw([tunnelled(&tunnels)]), &[]);
        let m = p.messages();
        assert_eq!(m.len(), 1, "{tunnels:?}: {:#?}", p.values);
        assert_eq!(m[0]["call_id"], "deep");
        assert_eq!(m[0]["source"]["capture"]["src"], "192.168.7.1:5060");
        assert_eq!(m[0]["source"]["capture"]["dst"], "192.168.7.2:5060");
        assert_eq!(p.code, 0);
    }
}

/// "encapsulations decoded inside one another: 8" — a ninth tunnel is not
/// decoded: the packet is skipped without a finding (and nothing is found
/// in it with outer addresses either).
#[test]
fn a_ninth_nested_tunnel_is_skipped_silently() {
    let mixed: Vec<Tunnel> = (0..9).map(|i| TUNNELS[i % 4]).collect();
    let mut cases: Vec<Vec<Tunnel>> = TUNNELS.iter().map(|t| vec![*t; 9]).collect();
    cases.push(mixed.clone());
    cases.push(mixed.into_iter().rev().collect());
    for tunnels in cases {
        let p = parse(&raw([tunnelled(&tunnels), udp_sip("after")]), &[]);
        assert_eq!(p.labels(), vec!["after"], "{tunnels:?}: {:#?}", p.values);
        assert_eq!(p.code, 0);
    }
}

/// HEP inside tunnels: "encapsulations decoded inside one another (IP in
/// IP, GRE, VXLAN, HEP): 8" — HEP is one of the eight.
#[test]
fn hep_counts_as_one_of_the_eight_encapsulations() {
    let hep = |tunnels: usize| {
        let inner = sip("hep-deep", 2);
        let h = w::hep3(addr("172.16.0.1:5060"), addr("172.16.0.2:5080"), T0, &inner);
        let mut p = w::ip_udp(addr("10.9.0.1:40000"), addr("10.9.0.2:9060"), &h);
        for level in (0..tunnels).rev() {
            p = wrap(Tunnel::IpIp, level, &p);
        }
        p
    };
    let p = parse(&raw([hep(7)]), &[]);
    let m = p.messages();
    assert_eq!(m.len(), 1, "{:#?}", p.values);
    assert_eq!(m[0]["source"]["capture"]["transport"], "hep");
    assert_eq!(m[0]["source"]["capture"]["src"], "172.16.0.1:5060");
    let p = parse(&raw([hep(8), udp_sip("after")]), &[]);
    assert_eq!(p.labels(), vec!["after"], "{:#?}", p.values);
}

// ---------------------------------------------------------------------------
// IP fragments.

/// A raw IPv4 fragment whose total length field is 0 (as captured with
/// segmentation offload: the captured length counts), so that it may hold
/// more than 64 KiB.
fn big_fragment(id: u16, offset: usize, more: bool, data: &[u8]) -> Vec<u8> {
    let mut f = w::ipv4_fragment([192, 0, 2, 1], [192, 0, 2, 2], 17, id, offset, more, data);
    f[2] = 0;
    f[3] = 0;
    f
}

/// A UDP datagram (length field 0: to the end of the IP payload) of exactly
/// `total` bytes carrying one SIP message, in two fragments: 65 528 bytes,
/// then the rest (from the highest offset IPv4 can express).
fn datagram_in_two(total: usize) -> Vec<Vec<u8>> {
    let mut d = vec![0x13, 0xc4, 0x13, 0xc4, 0, 0, 0, 0];
    d.extend_from_slice(&sip_sized("frag-128k", total - 8));
    let cut = 65_528;
    vec![
        big_fragment(9, 0, true, &d[..cut]),
        big_fragment(9, cut, false, &d[cut..]),
    ]
}

/// "IP datagram reassembled from fragments: 128 KiB; fragments beyond are
/// ignored" — a datagram of exactly 128 KiB reassembles; when its last
/// fragment reaches one byte further, that fragment is ignored and the
/// datagram never completes.
#[test]
fn fragments_reassemble_up_to_128_kib_and_beyond_are_ignored() {
    const LIMIT: usize = 128 * 1024;
    let p = parse(&raw(datagram_in_two(LIMIT)), &[]);
    assert_eq!(p.code, 0, "{:?}", p.finding_codes());
    let m = p.messages();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["call_id"], "frag-128k");
    assert_eq!(m[0]["source"]["length"], LIMIT - 8);
    assert_eq!(
        m[0]["source"]["capture"]["frames"],
        serde_json::json!([1, 2])
    );
    assert_eq!(m[0]["truncated"], false);

    let p = parse(&raw(datagram_in_two(LIMIT + 1)), &[]);
    assert!(p.messages().is_empty(), "{:#?}", p.messages());
    assert_eq!(p.finding_codes(), vec!["ip-fragments-incomplete"]);
    // Only the first fragment was kept: the second was ignored.
    assert_eq!(
        p.finding("ip-fragments-incomplete")["frames"],
        serde_json::json!([1])
    );
    assert_eq!(p.code, 1);
}

// ---------------------------------------------------------------------------
// TCP.

/// `n` (at least 1024) bytes of text lines that are no start line, each
/// ending in LF: 1024 bytes long, the first one longer by `n % 1024` (a
/// bare LF would be a keep-alive, not skipped bytes).
fn junk_lines(n: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(n);
    let mut line = 1024 + n % 1024;
    while v.len() < n {
        v.resize(v.len() + line - 1, b'z');
        v.push(b'\n');
        line = 1024;
    }
    assert_eq!(v.len(), n);
    v
}

/// A TCP connection to port 5060 whose first `junk` bytes are not SIP,
/// followed by a SIP MESSAGE in its own segment.
fn junk_then_sip(junk: usize) -> Vec<u8> {
    let mut t = TcpFlow::new(addr("192.0.2.1:40000"), addr("192.0.2.2:5060"));
    let mut pk = t.handshake();
    pk.extend(t.send(true, &junk_lines(junk), &[32 * 1024]));
    pk.extend(t.send(true, &sip("after-junk", 2), &[1460]));
    pk.push(t.fin(true));
    raw(pk)
}

/// "TCP flow that never showed a SIP/MSRP start line: ignored after 1 MiB of
/// skipped bytes (unless its port is given with `--port`)", and said with
/// a `tcp-flow-ignored` note.
#[test]
fn tcp_flow_without_start_line_is_ignored_after_1_mib_unless_port_forced() {
    const MIB: usize = 1024 * 1024;
    // 1 MiB skipped: still looked at.
    let p = parse(&junk_then_sip(MIB), &[]);
    assert_eq!(
        p.message_labels(),
        vec!["after-junk"],
        "{:?}",
        p.finding_codes()
    );
    assert_eq!(p.messages()[0]["source"]["capture"]["transport"], "tcp");
    assert!(p.finding_codes().is_empty(), "{:?}", p.finding_codes());
    // One byte more: the flow is ignored, and a note says so at the frame
    // that took the skipped bytes past 1 MiB (the last of the junk: frames
    // 1-3 are the handshake, then 32 segments of 32 KiB and one byte).
    let over = junk_then_sip(MIB + 1);
    let p = parse(&over, &[]);
    assert!(p.messages().is_empty(), "{:#?}", p.values);
    assert_eq!(p.finding_codes(), vec!["tcp-flow-ignored"]);
    let f = p.finding("tcp-flow-ignored");
    assert_eq!(f["severity"], "note");
    assert_eq!(f["frame"], 36);
    assert_eq!(f["frames"], serde_json::json!([4, 36]));
    let text = f["message"].as_str().unwrap();
    assert!(
        text.starts_with(&format!(
            "TCP 192.0.2.1:40000 → 192.0.2.2:5060 (frames 4 to 36): no SIP or MSRP start line in its first {} bytes",
            MIB + 1
        )),
        "{text}"
    );
    assert_eq!(p.code, 0);
    // Unless its port is forced: then the junk is reported and the message found.
    let p = parse(&over, &["--port", "5060"]);
    assert_eq!(p.message_labels(), vec!["after-junk"]);
    assert!(p.finding_codes().iter().all(|c| *c == "capture-junk"));
    assert!(!p.finding_codes().is_empty());
    // The other end's port works as well.
    let p = parse(&over, &["--port", "40000"]);
    assert_eq!(p.message_labels(), vec!["after-junk"]);
}

/// Frames 1-4: a connection to port 5060 and a MESSAGE cut 10 bytes short of
/// its body (the rest never comes); then `filler` frames of other traffic at
/// `T0 + idle`, then a SIP datagram `after`.
fn unfinished_then_quiet(idle: u32, syns: usize) -> Vec<u8> {
    let mut t = TcpFlow::new(addr("192.0.2.1:40000"), addr("192.0.2.2:5060"));
    let mut pk: Vec<(u32, Vec<u8>)> = t.handshake().into_iter().map(|p| (T0, p)).collect();
    let m = sip("idle", 100);
    pk.extend(
        t.send(true, &m[..m.len() - 10], &[1460])
            .into_iter()
            .map(|p| (T0, p)),
    );
    // Other connections, opened and silent.
    for i in 0..syns {
        let i = i as u32;
        let c = SocketAddr::V4(SocketAddrV4::new(
            Ipv4Addr::new(10, 64 + (i >> 16) as u8, (i >> 8) as u8, i as u8),
            50000,
        ));
        pk.push((T0, w::ip_tcp(c, addr("192.0.2.2:80"), 1, 0, w::SYN, b"")));
    }
    // Enough frames for any housekeeping period to come round.
    for _ in 0..20_000 {
        pk.push((T0 + idle, udp_noise()));
    }
    pk.push((T0 + idle, udp_sip("after")));
    pcap_at(w::LINKTYPE_RAW, pk)
}

/// "idle TCP flows: flushed after 300 s of capture time" — a flow idle for
/// 301 s is flushed (its unfinished message comes out, truncated, before
/// later traffic); at 300 s it is not yet (it comes out at the end).
#[test]
fn idle_tcp_flow_is_flushed_after_300_s() {
    let p = parse(&unfinished_then_quiet(301, 0), &[]);
    assert_eq!(p.labels(), vec!["idle", "after"]);
    let m = p.messages();
    assert_eq!(m[0]["truncated"], true);
    assert_eq!(m[0]["source"]["capture"]["frame"], 4);

    let p = parse(&unfinished_then_quiet(300, 0), &[]);
    assert_eq!(p.labels(), vec!["after", "idle"]);
    assert_eq!(p.messages()[1]["truncated"], true);
}

/// "idle TCP flows: flushed after 300 s of capture time (30 s when more than
/// 100 000 flows are open)".
#[test]
fn idle_tcp_flow_is_flushed_after_30_s_when_more_than_100_000_flows_are_open() {
    // The unfinished connection (two flows, one each way) and 99 999
    // others: 100 001 flows open.
    let p = parse(&unfinished_then_quiet(31, 99_999), &[]);
    assert_eq!(p.labels(), vec!["idle", "after"]);
    let p = parse(&unfinished_then_quiet(30, 99_999), &[]);
    assert_eq!(p.labels(), vec!["after", "idle"]);
    // 100 000 open (not more): 31 s is not idle enough.
    let p = parse(&unfinished_then_quiet(31, 99_998), &[]);
    assert_eq!(p.labels(), vec!["after", "idle"]);
}

/// A connection to port 5060 carrying MESSAGEs m1..m4 in one segment each;
/// m2's segment is lost; m1 and m3 at `T0`, m4 at `T0 + later`, then a SIP
/// datagram `after`.
fn hole_then_wait(later: u32) -> Vec<u8> {
    let mut t = TcpFlow::new(addr("192.0.2.1:40000"), addr("192.0.2.2:5060"));
    let mut pk: Vec<(u32, Vec<u8>)> = t.handshake().into_iter().map(|p| (T0, p)).collect();
    let segs: Vec<Vec<u8>> = ["m1", "m2", "m3", "m4"]
        .iter()
        .flat_map(|id| t.send(true, &sip(id, 2), &[1460]))
        .collect();
    assert_eq!(segs.len(), 4);
    pk.push((T0, segs[0].clone()));
    pk.push((T0, segs[2].clone()));
    pk.push((T0 + later, segs[3].clone()));
    pk.push((T0 + later, udp_sip("after")));
    pcap_at(w::LINKTYPE_RAW, pk)
}

/// "out-of-order TCP segments: a hole is given up (`tcp-gap`) … after 10 s of
/// capture time" — 11 s after the first segment waiting behind a hole, the
/// hole is a gap; at 10 s it still waits (until the end of the capture).
#[test]
fn tcp_hole_is_a_gap_after_10_s() {
    let p = parse(&hole_then_wait(11), &[]);
    assert_eq!(
        p.labels(),
        vec!["m1", "finding:tcp-gap", "m3", "m4", "after"]
    );
    let gap = p.finding("tcp-gap");
    assert_eq!(gap["frames"], serde_json::json!([4, 5]));
    assert_eq!(gap["frame"], 5);
    assert_eq!(p.code, 1);

    let p = parse(&hole_then_wait(10), &[]);
    assert_eq!(
        p.labels(),
        vec!["m1", "after", "finding:tcp-gap", "m3", "m4"]
    );
}

// ---------------------------------------------------------------------------
// Message size bounds on SCTP and WebSocket.

/// `msg` as one SCTP user message in DATA chunks of at most `piece` bytes,
/// one packet each, TSNs from 1.
fn sctp_fragmented(msg: &[u8], piece: usize) -> Vec<Vec<u8>> {
    let pieces: Vec<&[u8]> = msg.chunks(piece).collect();
    let n = pieces.len();
    pieces
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let flags = if i == 0 { 2 } else { 0 } | if i == n - 1 { 1 } else { 0 };
            let s = w::sctp_data(5060, 5060, &[(i as u32 + 1, 0, flags, d)]);
            w::ipv4([192, 0, 2, 1], [192, 0, 2, 2], 132, &s)
        })
        .collect()
}

/// "SCTP: a fragmented user message is bounded by `--max-message`" — a
/// user message of exactly `--max-message` bytes in three DATA chunks is
/// joined; one byte more and it is given up with `sctp-message-incomplete`,
/// never silently (later messages still come).
#[test]
fn sctp_fragmented_message_is_bounded_by_max_message() {
    const N: usize = 1000;
    let run = |total: usize| {
        let mut pk = sctp_fragmented(&sip_sized("sctp-big", total), 400);
        assert_eq!(pk.len(), 3);
        let next = w::sctp_data(5060, 5060, &[(4, 0, 3, &sip("sctp-next", 2))]);
        pk.push(w::ipv4([192, 0, 2, 1], [192, 0, 2, 2], 132, &next));
        parse(&raw(pk), &["--max-message", &N.to_string()])
    };
    let p = run(N);
    assert_eq!(p.labels(), vec!["sctp-big", "sctp-next"]);
    let m = p.messages();
    assert_eq!(m[0]["source"]["length"], N);
    assert_eq!(
        m[0]["source"]["capture"]["frames"],
        serde_json::json!([1, 2, 3])
    );
    assert_eq!(m[0]["source"]["capture"]["transport"], "sctp");
    assert_eq!(p.code, 0);

    let p = run(N + 1);
    assert_eq!(
        p.labels(),
        vec!["finding:sctp-message-incomplete", "sctp-next"],
        "{:#?}",
        p.values
    );
    let f = &p.values[0];
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("larger than --max-message (1000 bytes)"),
        "{f}"
    );
    assert_eq!(f["frames"], serde_json::json!([1, 2, 3]), "{f}");
    assert_eq!(p.code, 1);
}

/// A SIP message in SCTP fragments is never lost without a word: a
/// fragment missing, or its stream beginning another message before its
/// end, gives `sctp-message-incomplete` naming why; fragments of another
/// protocol given up are not SIP's business and say nothing.
#[test]
fn sctp_message_given_up_is_reported() {
    let msg = sip("sctp-lost", 2);
    let ip = |s: Vec<u8>| w::ipv4([192, 0, 2, 1], [192, 0, 2, 2], 132, &s);
    let data = |tsn: u32, flags: u8, d: &[u8]| ip(w::sctp_data(5060, 5060, &[(tsn, 0, flags, d)]));
    // TSN 2 never comes.
    let p = parse(
        &raw(vec![data(1, 2, &msg[..50]), data(3, 1, &msg[50..])]),
        &[],
    );
    assert_eq!(
        p.labels(),
        vec!["finding:sctp-message-incomplete"],
        "{:#?}",
        p.values
    );
    assert!(
        p.values[0]["message"]
            .as_str()
            .unwrap()
            .contains("TSN 2 expected, 3 came")
    );
    assert_eq!(p.values[0]["frames"], serde_json::json!([1, 2]));
    // Another message begins on the stream first; it completes.
    let next = sip("sctp-next", 2);
    let p = parse(
        &raw(vec![
            data(1, 2, &msg[..50]),
            data(2, 2, &next[..50]),
            data(3, 1, &next[50..]),
        ]),
        &[],
    );
    assert_eq!(
        p.labels(),
        vec!["finding:sctp-message-incomplete", "sctp-next"],
        "{:#?}",
        p.values
    );
    assert!(
        p.values[0]["message"]
            .as_str()
            .unwrap()
            .contains("began another message")
    );
    // Not SIP: nothing to say.
    let p = parse(
        &raw(vec![data(1, 2, b"DIAMETER..."), data(3, 1, b"rest")]),
        &[],
    );
    assert!(p.values.is_empty(), "{:#?}", p.values);
}

/// A WebSocket connection (upgrade handshake to port 8080) carrying
/// `frames` from the client, in 1460-byte segments.
fn websocket(frames: &[u8]) -> Vec<u8> {
    let mut t = TcpFlow::new(addr("192.0.2.1:40000"), addr("192.0.2.2:8080"));
    let mut pk = t.handshake();
    pk.extend(t.send(
        true,
        b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n",
        &[1460],
    ));
    pk.extend(t.send(true, frames, &[1460]));
    pk.push(t.fin(true));
    raw(pk)
}

const MASK: Option<[u8; 4]> = Some([1, 2, 3, 4]);

/// "WebSocket message: `--max-message`" — a frame of exactly
/// `--max-message` payload bytes is framed; a frame declaring one byte more
/// is a `websocket-frame-too-large` finding and the flow is dropped.
#[test]
fn websocket_frame_is_bounded_by_max_message() {
    const N: usize = 1000;
    let run = |total: usize| {
        let mut f = w::websocket_frame(true, 1, MASK, &sip("ws-first", 2));
        f.extend(w::websocket_frame(
            true,
            1,
            MASK,
            &sip_sized("ws-big", total),
        ));
        f.extend(w::websocket_frame(true, 1, MASK, &sip("ws-last", 2)));
        parse(&websocket(&f), &["--max-message", &N.to_string()])
    };
    let p = run(N);
    assert_eq!(p.labels(), vec!["ws-first", "ws-big", "ws-last"]);
    assert!(
        p.messages()
            .iter()
            .all(|m| m["source"]["capture"]["transport"] == "ws")
    );
    assert_eq!(p.code, 0);

    let p = run(N + 1);
    assert_eq!(
        p.labels(),
        vec!["ws-first", "finding:websocket-frame-too-large"],
        "{:#?}",
        p.values
    );
    assert_eq!(p.code, 1);
}

/// "WebSocket message: `--max-message`" — a message fragmented over three
/// frames of exactly `--max-message` bytes in all is framed; one byte more
/// and it is skipped with `websocket-message-too-large` (the flow goes on).
#[test]
fn fragmented_websocket_message_is_bounded_by_max_message() {
    const N: usize = 1000;
    let run = |total: usize| {
        let big = sip_sized("ws-big", total);
        let mut f = w::websocket_frame(true, 1, MASK, &sip("ws-first", 2));
        f.extend(w::websocket_frame(false, 1, MASK, &big[..400]));
        f.extend(w::websocket_frame(false, 0, MASK, &big[400..800]));
        f.extend(w::websocket_frame(true, 0, MASK, &big[800..]));
        f.extend(w::websocket_frame(true, 1, MASK, &sip("ws-last", 2)));
        parse(&websocket(&f), &["--max-message", &N.to_string()])
    };
    let p = run(N);
    assert_eq!(p.labels(), vec!["ws-first", "ws-big", "ws-last"]);
    assert_eq!(p.messages()[1]["source"]["length"], N);
    assert_eq!(p.code, 0);

    let p = run(N + 1);
    assert_eq!(
        p.labels(),
        vec!["ws-first", "finding:websocket-message-too-large", "ws-last"],
        "{:#?}",
        p.values
    );
    assert_eq!(p.code, 1);
}

/// A raw IPv4 SCTP packet with one DATA chunk from association number `n`.
fn sctp_from(n: u32, tsn: u32, flags: u8, data: &[u8]) -> Vec<u8> {
    let s = w::sctp_data(2905, 5060, &[(tsn, 0, flags, data)]);
    let src = Ipv4Addr::from(0x0a00_0000 | (n + 1));
    w::ipv4(src.octets(), [192, 0, 2, 2], 132, &s)
}

/// "SCTP: at most 65 536 associations … are tracked (then forgotten)" — a
/// retransmitted DATA chunk is recognised while 65 536 associations are
/// tracked; when one more comes, what was tracked is forgotten and the
/// retransmission comes out again.
#[test]
fn sctp_tracks_at_most_65_536_associations() {
    let run = |others: u32| {
        let first = sctp_from(0, 1, 3, &sip("sctp-again", 2));
        let mut pk = vec![first.clone()];
        pk.extend((1..=others).map(|n| sctp_from(n, 1, 3, b"not sip")));
        pk.push(first);
        parse(&raw(pk), &[])
    };
    // 65 536 associations in all: the retransmission is a duplicate.
    let p = run(65_535);
    assert_eq!(p.labels(), vec!["sctp-again"]);
    // 65 537: forgotten, so it comes out again.
    let p = run(65_536);
    assert_eq!(p.labels(), vec!["sctp-again", "sctp-again"]);
    let frames: Vec<&Value> = p
        .messages()
        .iter()
        .map(|m| &m["source"]["capture"]["frame"])
        .collect();
    assert_eq!(frames, vec![1, 65_538]);
}

/// "SCTP: at most 65 536 … partial messages are tracked (then forgotten)" —
/// a fragmented user message completes while 65 536 partial messages are
/// held; when a 65 537th begins, it is forgotten, and said to be.
#[test]
fn sctp_tracks_at_most_65_536_partial_messages() {
    let run = |others: u32| {
        let msg = sip("sctp-partial", 2);
        let mut pk = vec![sctp_from(0, 1, 2, &msg[..50])];
        pk.extend((1..=others).map(|n| sctp_from(n, 1, 2, b"begins")));
        pk.push(sctp_from(0, 2, 1, &msg[50..]));
        parse(&raw(pk), &[])
    };
    let p = run(65_535);
    assert_eq!(p.labels(), vec!["sctp-partial"]);
    assert_eq!(
        p.messages()[0]["source"]["capture"]["frames"],
        serde_json::json!([1, 65_537])
    );
    let p = run(65_536);
    assert_eq!(
        p.labels(),
        vec!["finding:sctp-message-incomplete"],
        "{:#?}",
        p.values
    );
    assert!(
        p.values[0]["message"]
            .as_str()
            .unwrap()
            .contains("65536 unfinished messages were waiting")
    );
}

// ---------------------------------------------------------------------------
// MSRP reassembly.

fn send(tid: &str, range: &str, flag: char, body: &[u8]) -> Vec<u8> {
    let mut v = format!(
        "MSRP {tid} SEND\r\nTo-Path: msrp://b.example.com:2855/s2;tcp\r\nFrom-Path: msrp://a.example.com:2855/s1;tcp\r\nMessage-ID: big-msg\r\nByte-Range: {range}\r\nContent-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    v.extend_from_slice(body);
    v.extend_from_slice(format!("\r\n-------{tid}{flag}\r\n").as_bytes());
    v
}

/// An MSRP message of `total` body bytes in chunks of 400, over TCP.
fn msrp_chunks(total: usize) -> Vec<u8> {
    let body: Vec<u8> = (0..total).map(|i| b'a' + (i % 26) as u8).collect();
    let mut stream = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while start < total {
        let end = (start + 400).min(total);
        let flag = if end == total { '$' } else { '+' };
        stream.extend(send(
            &format!("tid{i}"),
            &format!("{}-{end}/{total}", start + 1),
            flag,
            &body[start..end],
        ));
        start = end;
        i += 1;
    }
    let mut t = TcpFlow::new(addr("192.0.2.1:40000"), addr("192.0.2.2:2855"));
    let mut pk = t.handshake();
    pk.extend(t.send(true, &stream, &[1460]));
    pk.push(t.fin(true));
    raw(pk)
}

/// "MSRP reassembled message size: `--max-message` … later chunks of that
/// message are dropped; `msrp-message-too-large`" — through `parse
/// --reassemble --max-message N` on a capture.
#[test]
fn reassembled_msrp_message_is_bounded_by_max_message() {
    const N: usize = 1000;
    let args = ["--reassemble", "--max-message", "1000"];
    let p = parse(&msrp_chunks(N), &args);
    let m = p.messages();
    assert_eq!(m.len(), 1, "{:#?}", p.values);
    assert_eq!(
        m[0]["reassembled"]["chunks"].as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(m[0]["continuation"], "$");
    assert_eq!(m[0]["reassembled"]["complete"], true);
    assert_eq!(m[0]["body"]["text"].as_str().map(str::len), Some(N));
    assert_eq!(m[0]["findings"], serde_json::json!([]));
    assert_eq!(p.code, 0);

    let p = parse(&msrp_chunks(N + 1), &args);
    let m = p.messages();
    assert_eq!(m.len(), 1, "{:#?}", p.values);
    let codes: Vec<&str> = m[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"msrp-message-too-large"), "{codes:?}");
    // The chunk that would pass the limit is dropped: 800 bytes are kept.
    assert_eq!(m[0]["body"]["text"].as_str().map(str::len), Some(800));
    assert_ne!(m[0]["continuation"], "$");
    assert_eq!(m[0]["reassembled"]["complete"], false);
    assert_eq!(p.code, 1);
}
