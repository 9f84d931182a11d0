//! Capture layer: pcap/pcapng in, framed SIP/MSRP out (library API).

use std::io::Cursor;

use sipmsrp::capture::{CaptureOptions, CaptureReader, Event};

use std::io::Read;
use std::net::SocketAddr;

use sipmsrp::capture::writer::{self as w, PcapNgWriter, PcapWriter, TcpFlow};
use sipmsrp::capture::{CaptureError, CapturedMessage, Transport, is_capture};
use sipmsrp::finding::{Finding, Severity};
use sipmsrp::framing::Protocol;
use sipmsrp::limits::Limits;

type Findings = Vec<(Option<u64>, Finding)>;
fn read_all(
    bytes: &[u8],
    opts: CaptureOptions,
) -> (
    Vec<sipmsrp::capture::CapturedMessage>,
    Vec<(Option<u64>, sipmsrp::finding::Finding)>,
) {
    let mut msgs = Vec::new();
    let mut findings = Vec::new();
    for e in CaptureReader::new(Cursor::new(bytes), opts).expect("capture opens") {
        match e.expect("no error") {
            Event::Message(m) => msgs.push(m),
            Event::Finding { frame, finding, .. } => findings.push((frame, finding)),
        }
    }
    (msgs, findings)
}

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

/// A pcap (Ethernet unless told) holding `packets`, one per second.
fn pcap_of(linktype: u32, packets: &[Vec<u8>]) -> Vec<u8> {
    let mut pw = PcapWriter::new(Vec::new(), linktype).unwrap();
    for (i, p) in packets.iter().enumerate() {
        pw.write_packet(1_700_000_000 + i as u32, 250_000, p)
            .unwrap();
    }
    pw.into_inner()
}

fn eth_all(ips: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    ips.iter().map(|p| w::eth(p)).collect()
}

fn run(bytes: &[u8]) -> (Vec<CapturedMessage>, Findings) {
    read_all(bytes, CaptureOptions::default())
}

fn sip(first: &str, call_id: &str, body: &str) -> Vec<u8> {
    format!(
        "{first}\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK{call_id}\r\nCall-ID: {call_id}\r\nCSeq: 1 MESSAGE\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn msrp(tid: &str, msg_id: &str, range: &str, flag: char, body: &str) -> Vec<u8> {
    format!(
        "MSRP {tid} SEND\r\nTo-Path: msrp://b:2855/s;tcp\r\nFrom-Path: msrp://a:2855/s;tcp\r\nMessage-ID: {msg_id}\r\nByte-Range: {range}\r\nContent-Type: text/plain\r\n\r\n{body}\r\n-------{tid}{flag}\r\n"
    )
    .into_bytes()
}

fn codes(f: &Findings) -> Vec<&'static str> {
    f.iter().map(|(_, x)| x.code).collect()
}

const C: &str = "10.0.0.1:40000";
const S: &str = "10.0.0.2:5060";

fn udp_sip(call_id: &str) -> Vec<u8> {
    w::ip_udp(
        addr(C),
        addr(S),
        &sip("MESSAGE sip:b@h SIP/2.0", call_id, "hi"),
    )
}

#[test]
fn magic_is_sniffed() {
    let p = pcap_of(1, &[]);
    assert!(is_capture(&p));
    let ng = PcapNgWriter::new(Vec::new()).unwrap().into_inner();
    assert!(is_capture(&ng));
    assert!(!is_capture(b"MESSAGE sip:x SIP/2.0\r\n"));
}

#[test]
fn pcap_either_byte_order_micro_and_nanoseconds() {
    for (big, nanos) in [(false, false), (true, false), (false, true), (true, true)] {
        let mut pw = PcapWriter::with_format(Vec::new(), 1, big, nanos).unwrap();
        let frac = if nanos { 123_456_789 } else { 123_456 };
        pw.write_packet(1_700_000_000, frac, &w::eth(&udp_sip("a")))
            .unwrap();
        let (m, f) = run(&pw.into_inner());
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].meta.ts_secs, 1_700_000_000);
        assert_eq!(
            m[0].meta.ts_nanos,
            if nanos { 123_456_789 } else { 123_456_000 }
        );
        assert_eq!(m[0].meta.transport, Transport::Udp);
        assert_eq!(m[0].meta.src, addr(C));
        assert_eq!(m[0].meta.dst, addr(S));
        assert_eq!((m[0].meta.frame, m[0].meta.frames.clone()), (1, vec![1]));
    }
}

#[test]
fn pcapng_sections_interfaces_resolutions_and_unknown_blocks() {
    let mut ng = PcapNgWriter::new(Vec::new()).unwrap();
    let eth = ng.add_interface(1, None).unwrap();
    let raw = ng.add_interface(101, Some(9)).unwrap();
    ng.write_packet(eth, 1_700_000_000_500_000, &w::eth(&udp_sip("one")))
        .unwrap();
    ng.write_block(0x0000_0123, b"whatever").unwrap();
    ng.write_packet(raw, 1_700_000_001_000_000_007, &udp_sip("two"))
        .unwrap();
    ng.write_block(0x0000_0123, b"again").unwrap();
    // A second section: interfaces start over, here binary-fraction timestamps.
    ng.section().unwrap();
    let sll = ng.add_interface(113, Some(0x80 | 1)).unwrap();
    ng.write_packet(sll, 3, &w::sll(0x0800, &udp_sip("three")))
        .unwrap();
    let (m, f) = run(&ng.into_inner());
    assert_eq!(codes(&f), vec!["pcapng-unknown-block"]);
    assert_eq!(f[0].1.severity, Severity::Note);
    assert_eq!(m.len(), 3);
    assert_eq!(
        (m[0].meta.ts_secs, m[0].meta.ts_nanos),
        (1_700_000_000, 500_000_000)
    );
    assert_eq!((m[1].meta.ts_secs, m[1].meta.ts_nanos), (1_700_000_001, 7));
    assert_eq!((m[2].meta.ts_secs, m[2].meta.ts_nanos), (1, 500_000_000));
    assert_eq!(
        m.iter().map(|x| x.meta.frame).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
}

#[test]
fn pcapng_unknown_link_type_is_named_and_skipped() {
    let mut ng = PcapNgWriter::new(Vec::new()).unwrap();
    let usb = ng.add_interface(189, None).unwrap();
    let eth = ng.add_interface(1, None).unwrap();
    ng.write_packet(usb, 0, b"usb stuff").unwrap();
    ng.write_packet(usb, 0, b"usb stuff").unwrap();
    ng.write_packet(eth, 0, &w::eth(&udp_sip("a"))).unwrap();
    let (m, f) = run(&ng.into_inner());
    assert_eq!(codes(&f), vec!["pcap-unknown-link-type"]);
    assert!(f[0].1.message.contains("189"), "{}", f[0].1.message);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].meta.frame, 3);
}

#[test]
fn unknown_link_type_is_a_clear_error() {
    let p = pcap_of(147, &[b"x".to_vec()]);
    let err = CaptureReader::new(Cursor::new(p), CaptureOptions::default())
        .err()
        .expect("error");
    assert!(matches!(
        err,
        CaptureError::UnknownLinkType { linktype: 147, .. }
    ));
    assert!(err.to_string().contains("147"), "{err}");
}

#[test]
fn not_a_capture_is_a_format_error() {
    let err = CaptureReader::new(
        Cursor::new(b"hello world".to_vec()),
        CaptureOptions::default(),
    )
    .err()
    .expect("error");
    assert!(matches!(err, CaptureError::Format { .. }));
}

#[test]
fn record_cut_short_keeps_every_complete_record() {
    let p = pcap_of(1, &eth_all(vec![udp_sip("a"), udp_sip("b"), udp_sip("c")]));
    let cut = &p[..p.len() - 20];
    let (m, f) = run(cut);
    assert_eq!(m.len(), 2);
    assert_eq!(codes(&f), vec!["pcap-truncated-record"]);
    assert_eq!(f[0].1.severity, Severity::Error);
    assert_eq!(f[0].0, Some(3));
    // The offset is where record 3 starts.
    let rec = 16 + w::eth(&udp_sip("a")).len();
    assert_eq!(f[0].1.offset, 24 + 2 * rec);
    // Cut inside a record header too.
    let (m, f) = run(&p[..24 + rec + 7]);
    assert_eq!((m.len(), codes(&f)), (1, vec!["pcap-truncated-record"]));
}

#[test]
fn absurd_record_length_is_not_allocated() {
    let mut pw = PcapWriter::new(Vec::new(), 1).unwrap();
    pw.write_packet(0, 0, &w::eth(&udp_sip("a"))).unwrap();
    pw.write_record(0, 0, 0xffff_fff0, b"tiny").unwrap();
    let (m, f) = run(&pw.into_inner());
    assert_eq!(m.len(), 1);
    assert_eq!(codes(&f), vec!["pcap-record-too-large"]);
    assert_eq!(f[0].1.severity, Severity::Error);
    // pcapng: a block claiming 4 GB.
    let mut ng = PcapNgWriter::new(Vec::new()).unwrap();
    ng.add_interface(1, None).unwrap();
    let mut bytes = ng.into_inner();
    bytes.extend_from_slice(&6u32.to_le_bytes());
    bytes.extend_from_slice(&0xffff_fffcu32.to_le_bytes());
    bytes.extend_from_slice(&[0; 32]);
    let (m, f) = run(&bytes);
    assert_eq!((m.len(), codes(&f)), (0, vec!["pcap-record-too-large"]));
}

#[test]
fn nothing_found_in_ordinary_traffic_is_silent() {
    let dns = w::ip_udp(
        addr("10.0.0.1:5353"),
        addr("10.0.0.2:53"),
        &[0x12, 0x34, 1, 0, 0, 1, 0, 0],
    );
    let rtp = w::ip_udp(addr("10.0.0.1:20000"), addr("10.0.0.2:20002"), &[0x80; 172]);
    let mut t = TcpFlow::new(addr("10.0.0.1:50000"), addr("10.0.0.2:80"));
    let mut pk = t.handshake();
    pk.extend(t.send(
        true,
        b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n",
        &[1000],
    ));
    pk.extend(t.send(
        false,
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        &[7],
    ));
    let mut tls = TcpFlow::new(addr("10.0.0.1:50001"), addr("10.0.0.2:5061"));
    pk.extend(tls.send(
        true,
        &[
            0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, b'\n', 0, 7,
        ],
        &[5],
    ));
    let mut all = vec![dns, rtp];
    all.extend(pk);
    let (m, f) = run(&pcap_of(1, &eth_all(all)));
    assert!(m.is_empty());
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn pipelined_msrp_in_one_segment_and_one_message_over_many() {
    let mut t = TcpFlow::new(addr("10.0.0.1:40001"), addr("10.0.0.2:2855"));
    let mut stream = Vec::new();
    let mut expect = Vec::new();
    for i in 0..5 {
        let m = msrp(&format!("t{i}"), &format!("m{i}"), "1-2/2", '$', "hi");
        stream.extend_from_slice(&m);
        expect.push(m);
    }
    // SIP with whitespace before the colon (legal HCOLON) in the same segment.
    let hcolon =
        b"MESSAGE sip:b@h SIP/2.0\r\nCall-ID : x\r\nContent-Length  :  3\r\n\r\nabc".to_vec();
    stream.extend_from_slice(&hcolon);
    expect.push(hcolon);
    let mut pk = t.handshake();
    pk.extend(t.send(true, &stream, &[stream.len()]));
    // One big SIP message in 7-byte segments.
    let big = sip("MESSAGE sip:b@h SIP/2.0", "big", &"x".repeat(300));
    let segs = t.send(true, &big, &[7]);
    let nsegs = segs.len() as u64;
    pk.extend(segs);
    expect.push(big);
    let (m, f) = run(&pcap_of(1, &eth_all(pk)));
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(
        m.iter().map(|x| x.bytes.clone()).collect::<Vec<_>>(),
        expect
    );
    assert!(
        m[..5]
            .iter()
            .all(|x| x.protocol == Protocol::Msrp && x.meta.frame == 4)
    );
    let last = m.last().unwrap();
    assert_eq!(last.meta.frame, 4 + nsegs);
    assert_eq!(last.meta.frames, (5..=4 + nsegs).collect::<Vec<_>>());
    assert_eq!(last.meta.transport, Transport::Tcp);
    assert!(!last.truncated);
}

#[test]
fn out_of_order_retransmitted_and_overlapping_segments() {
    let mut t = TcpFlow::new(addr("[2001:db8::1]:40002"), addr("[2001:db8::2]:5060"));
    let a = sip("MESSAGE sip:b@h SIP/2.0", "one", "first body");
    let b = sip("MESSAGE sip:b@h SIP/2.0", "two", "second body");
    let mut data = a.clone();
    data.extend_from_slice(&b);
    let mut pk = t.handshake();
    let base = t.clone();
    let mut segs = t.send(true, &data, &[40]);
    segs.swap(1, 3); // reorder
    segs.insert(2, segs[0].clone()); // retransmission
    // An overlap: bytes 30..90 again, straddling segments.
    segs.insert(4, base.segment(true, 30, &data[30..90]));
    pk.extend(segs);
    let (m, f) = run(&pcap_of(1, &eth_all(pk)));
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].bytes, a);
    assert_eq!(m[1].bytes, b);
    assert!(m[0].meta.src.is_ipv6());
}

#[test]
fn capture_starting_mid_connection_resyncs_quietly() {
    let mut t = TcpFlow::new(addr("10.0.0.1:40003"), addr("10.0.0.2:5060"));
    let a = sip(
        "MESSAGE sip:b@h SIP/2.0",
        "one",
        "v=0\r\no=- 1 1 IN IP4 x\r\nINVITE body line\r\n",
    );
    let b = sip("SIP/2.0 200 OK", "two", "");
    let mut data = a.clone();
    data.extend_from_slice(&b);
    // No handshake; the capture starts 30 bytes into message a.
    let segs = t.send(true, &data, &[30, 50]);
    let (m, f) = run(&pcap_of(1, &eth_all(segs[1..].to_vec())));
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].bytes, b);
    assert_eq!(codes(&f), vec!["capture-midstream"]);
    assert_eq!(f[0].1.severity, Severity::Note);
}

#[test]
fn lost_segment_is_a_gap_naming_both_frames() {
    let mut t = TcpFlow::new(addr("10.0.0.1:40004"), addr("10.0.0.2:2855"));
    let a = msrp("aa", "m1", "1-5/5", '$', "hello");
    let b = msrp("bb", "m2", "1-300/300", '$', &"y".repeat(300));
    let c = msrp("cc", "m3", "1-5/5", '$', "world");
    let mut data = a.clone();
    data.extend_from_slice(&b);
    data.extend_from_slice(&c);
    let mut pk = t.handshake(); // frames 1-3
    let mut segs = t.send(true, &data, &[a.len(), 100]);
    segs.remove(2); // lose the middle of b (the frame numbers shift)
    let n = segs.len();
    pk.extend(segs); // frames 4..
    pk.push(t.ack(false, data.len() as u32)); // the receiver had it all
    let (m, f) = run(&pcap_of(1, &eth_all(pk)));
    let gaps: Vec<_> = f.iter().filter(|(_, x)| x.code == "tcp-gap").collect();
    assert_eq!(gaps.len(), 1, "{f:?}");
    assert!(
        gaps[0].1.message.contains("between frame 5 and frame 6"),
        "{}",
        gaps[0].1.message
    );
    assert!(gaps[0].1.message.contains("100 bytes missing"));
    assert_eq!(m.first().unwrap().bytes, a);
    assert!(
        m.iter()
            .any(|x| x.truncated && x.bytes.starts_with(b"MSRP bb"))
    );
    assert_eq!(m.last().unwrap().bytes, c);
    assert!(n > 3);
}

#[test]
fn flow_over_the_memory_cap_is_reported_and_dropped() {
    let mut t = TcpFlow::new(addr("10.0.0.1:40005"), addr("10.0.0.2:5060"));
    let first = sip("MESSAGE sip:b@h SIP/2.0", "one", "ok");
    let mut pk = t.handshake();
    pk.extend(t.send(true, &first, &[first.len()]));
    // A message larger than the per-flow cap (but not the message limit).
    let big = sip("MESSAGE sip:b@h SIP/2.0", "two", &"z".repeat(8000));
    pk.extend(t.send(true, &big, &[1000]));
    pk.extend(t.send(true, &first, &[first.len()]));
    let opts = CaptureOptions {
        limits: Limits {
            max_flow_bytes: 4096,
            ..Limits::default()
        },
        force_ports: vec![],
    };
    let (m, f) = read_all(&pcap_of(1, &eth_all(pk)), opts);
    assert_eq!(m.len(), 1);
    assert_eq!(codes(&f), vec!["tcp-flow-over-limit"]);
}

#[test]
fn link_layers_vlan_qinq_sll_sll2_null_raw() {
    let ip = udp_sip("l");
    let cases: Vec<(u32, Vec<u8>)> = vec![
        (1, w::ethernet_vlan(&[(0x8100, 10)], 0x0800, &ip)),
        (
            1,
            w::ethernet_vlan(&[(0x88a8, 100), (0x8100, 10)], 0x0800, &ip),
        ),
        (113, w::sll(0x0800, &ip)),
        (276, w::sll2(0x0800, &ip)),
        (0, w::null(&ip)),
        (101, ip.clone()),
        (228, ip.clone()),
    ];
    for (lt, frame) in cases {
        let (m, f) = run(&pcap_of(lt, &[frame]));
        assert_eq!(m.len(), 1, "link type {lt}");
        assert!(f.is_empty());
    }
}

#[test]
fn ipv6_extension_headers_and_ip_in_ip_and_gre() {
    let udp = w::udp(5060, 5060, &sip("OPTIONS sip:b@h SIP/2.0", "v6", ""));
    // Hop-by-hop then destination options, then UDP.
    let mut ext = vec![60, 0, 1, 4, 0, 0, 0, 0];
    ext.extend_from_slice(&[17, 0, 1, 4, 0, 0, 0, 0]);
    ext.extend_from_slice(&udp);
    let src = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let dst = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
    let v6 = w::ipv6(src, dst, 0, &ext);
    let inner = udp_sip("tunnel");
    let ipip = w::ipv4([192, 168, 0, 1], [192, 168, 0, 2], 4, &inner);
    let gre_ip = w::ipv4(
        [192, 168, 0, 1],
        [192, 168, 0, 2],
        47,
        &w::gre(0x0800, &inner),
    );
    let mut erspan = vec![0x10, 0, 0, 0, 0, 0, 0, 1]; // type II header
    erspan.extend_from_slice(&w::eth(&inner));
    let mut gre_seq = vec![0x10, 0, 0x88, 0xbe, 0, 0, 0, 7];
    gre_seq.extend_from_slice(&erspan);
    let erspan_ip = w::ipv4([192, 168, 0, 1], [192, 168, 0, 2], 47, &gre_seq);
    let (m, f) = run(&pcap_of(1, &eth_all(vec![v6, ipip, gre_ip, erspan_ip])));
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(m.len(), 4);
    assert_eq!(m[0].meta.src, addr("[2001:db8::1]:5060"));
    for x in &m[1..] {
        assert_eq!(x.meta.src, addr(C));
    }
}

#[test]
fn ipv4_fragments_reassemble_and_incomplete_ones_are_reported() {
    let body = "b".repeat(3000);
    let udp = w::udp(5060, 5060, &sip("MESSAGE sip:b@h SIP/2.0", "frag", &body));
    let mut frags = w::ipv4_fragments([10, 0, 0, 1], [10, 0, 0, 2], 17, 42, &udp, 1480);
    assert_eq!(frags.len(), 3);
    frags.swap(0, 2);
    let lonely = w::ipv4_fragments([10, 0, 0, 1], [10, 0, 0, 2], 17, 43, &udp, 1480);
    let mut pk = frags;
    pk.push(lonely[0].clone());
    let (m, f) = run(&pcap_of(1, &eth_all(pk)));
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].meta.frames, vec![1, 2, 3]);
    assert_eq!(m[0].meta.frame, 3);
    assert!(m[0].bytes.ends_with(body.as_bytes()));
    assert_eq!(codes(&f), vec!["ip-fragments-incomplete"]);
    assert_eq!(f[0].0, Some(4));
}

#[test]
fn hep3_is_unwrapped_with_inner_addresses() {
    let inner = sip("INVITE sip:b@h SIP/2.0", "hep", "");
    let hep = w::hep3(
        addr("172.16.0.1:5060"),
        addr("172.16.0.2:5080"),
        1_700_000_000,
        &inner,
    );
    let outer = w::ip_udp(addr("10.0.0.9:40000"), addr("10.0.0.10:9060"), &hep);
    let (m, f) = run(&pcap_of(1, &[w::eth(&outer)]));
    assert!(f.is_empty());
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].meta.transport, Transport::Hep);
    assert_eq!(m[0].meta.src, addr("172.16.0.1:5060"));
    assert_eq!(m[0].meta.dst, addr("172.16.0.2:5080"));
    assert_eq!(m[0].bytes, inner);
}

#[test]
fn sip_over_websocket_with_handshake_and_fragmented_frames() {
    let mut t = TcpFlow::new(addr("10.0.0.1:40006"), addr("10.0.0.2:8080"));
    let mut pk = t.handshake();
    pk.extend(t.send(
        true,
        b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n",
        &[1000],
    ));
    pk.extend(t.send(
        false,
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n",
        &[1000],
    ));
    let reg = sip("REGISTER sip:h SIP/2.0", "ws1", "");
    let msg = sip("MESSAGE sip:b@h SIP/2.0", "ws2", &"q".repeat(200));
    let mut frames = w::websocket_frame(true, 1, Some([9, 8, 7, 6]), &reg);
    frames.extend(w::websocket_frame(
        false,
        1,
        Some([1, 2, 3, 4]),
        &msg[..100],
    ));
    frames.extend(w::websocket_frame(true, 0, Some([5, 6, 7, 8]), &msg[100..]));
    pk.extend(t.send(true, &frames, &[50]));
    let ok = sip("SIP/2.0 200 OK", "ws1", "");
    pk.extend(t.send(false, &w::websocket_frame(true, 1, None, &ok), &[1000]));
    let (m, f) = run(&pcap_of(1, &eth_all(pk)));
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(m.len(), 3);
    assert_eq!(m[0].bytes, reg);
    assert_eq!(m[1].bytes, msg);
    assert_eq!(m[2].bytes, ok);
    assert!(m.iter().all(|x| x.meta.transport == Transport::Ws));
    assert!(m[1].meta.frames.len() > 2);
}

#[test]
fn websocket_frame_cut_at_the_end_of_the_capture_is_reported() {
    let open = |port: u16| {
        let mut t = TcpFlow::new(addr(&format!("10.0.0.1:{port}")), addr("10.0.0.2:8080"));
        let mut pk = t.handshake();
        pk.extend(t.send(
            true,
            b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n",
            &[1000],
        ));
        let reg = sip("REGISTER sip:h SIP/2.0", "ws-ok", "");
        pk.extend(t.send(
            true,
            &w::websocket_frame(true, 1, Some([1, 2, 3, 4]), &reg),
            &[1000],
        ));
        (t, pk, reg)
    };
    // A frame cut short: the capture ends 30 bytes into its payload.
    let (mut t, mut pk, reg) = open(40011);
    let msg = sip("MESSAGE sip:b@h SIP/2.0", "ws-cut", &"q".repeat(100));
    let frame = w::websocket_frame(true, 1, Some([9, 8, 7, 6]), &msg);
    assert!(msg.len() > 125 && msg.len() < 65536);
    let cut = 4 + 4 + 30; // header (16-bit length), mask, 30 payload bytes
    pk.extend(t.send(true, &frame[..cut], &[1000]));
    let last = pk.len() as u64;
    let p = pcap_of(1, &eth_all(pk));
    let (m, f) = run(&p);
    assert_eq!(m.len(), 2, "{f:?}");
    assert_eq!(m[0].bytes, reg);
    assert!(!m[0].truncated);
    assert!(m[1].truncated);
    assert_eq!(m[1].bytes, &msg[..30]);
    assert_eq!(m[1].meta.transport, Transport::Ws);
    assert_eq!(codes(&f), vec!["websocket-truncated"]);
    assert_eq!(f[0].0, Some(last));
    let said = format!("30 of its {} payload bytes", msg.len());
    assert!(f[0].1.message.contains(&said), "{}", f[0].1.message);
    // The finding's offset is the file offset of the record of that frame.
    let mut at = 24;
    let mut offsets = Vec::new();
    let mut rd = std::io::Cursor::new(&p[24..]);
    while (rd.position() as usize) < p.len() - 24 {
        offsets.push(at);
        let mut h = [0u8; 16];
        rd.read_exact(&mut h).unwrap();
        let len = u32::from_le_bytes([h[8], h[9], h[10], h[11]]) as u64;
        rd.set_position(rd.position() + len);
        at += 16 + len as usize;
    }
    assert_eq!(f[0].1.offset, offsets[last as usize - 1]);

    // A fragmented message whose final frame never comes.
    let (mut t, mut pk, _) = open(40012);
    pk.extend(t.send(
        true,
        &w::websocket_frame(false, 1, Some([1, 1, 1, 1]), &msg[..50]),
        &[1000],
    ));
    let (m, f) = run(&pcap_of(1, &eth_all(pk)));
    assert_eq!(codes(&f), vec!["websocket-truncated"]);
    assert!(
        f[0].1.message.contains("fragmented WebSocket message"),
        "{}",
        f[0].1.message
    );
    assert_eq!(m.len(), 2);
    assert!(m[1].truncated);
    assert_eq!(m[1].bytes, &msg[..50]);
}

#[test]
fn sctp_data_chunks_bundled_and_fragmented() {
    let a = sip("MESSAGE sip:b@h SIP/2.0", "s1", "one");
    let b = sip("MESSAGE sip:b@h SIP/2.0", "s2", "two");
    let c = sip("MESSAGE sip:b@h SIP/2.0", "s3", &"3".repeat(100));
    let src = [10, 0, 0, 1];
    let dst = [10, 0, 0, 2];
    let bundled = w::sctp_data(5060, 5060, &[(1, 0, 3, &a), (2, 0, 3, &b)]);
    let f1 = w::sctp_data(5060, 5060, &[(3, 1, 2, &c[..60])]);
    let f2 = w::sctp_data(5060, 5060, &[(4, 1, 1, &c[60..])]);
    let retrans = bundled.clone();
    let pk: Vec<Vec<u8>> = [bundled, f1, f2, retrans]
        .iter()
        .map(|s| w::eth(&w::ipv4(src, dst, 132, s)))
        .collect();
    let (m, f) = run(&pcap_of(1, &pk));
    assert!(f.is_empty());
    assert_eq!(m.len(), 3);
    assert_eq!(
        (m[0].bytes.clone(), m[1].bytes.clone(), m[2].bytes.clone()),
        (a, b, c)
    );
    assert!(m.iter().all(|x| x.meta.transport == Transport::Sctp));
    assert_eq!(m[2].meta.frames, vec![2, 3]);
}

#[test]
fn chunked_msrp_over_tcp_comes_out_byte_exact() {
    let chunks = [
        msrp("c1", "big", "1-1000/2500", '+', &"A".repeat(1000)),
        msrp("c2", "big", "1001-2000/2500", '+', &"B".repeat(1000)),
        msrp("c3", "big", "2001-2500/2500", '$', &"C".repeat(500)),
    ];
    let stream: Vec<u8> = chunks.concat();
    let mut t = TcpFlow::new(addr("10.0.0.1:40007"), addr("10.0.0.2:2855"));
    let mut pk = t.handshake();
    let mut segs = t.send(true, &stream, &[333, 1460, 17, 700]);
    segs.swap(2, 3);
    pk.extend(segs);
    pk.push(t.fin(true));
    let (m, f) = run(&pcap_of(1, &eth_all(pk)));
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(m.len(), 3);
    for (got, want) in m.iter().zip(&chunks) {
        assert_eq!(&got.bytes, want);
        assert_eq!(got.protocol, Protocol::Msrp);
        assert!(!got.truncated);
    }
}

#[test]
fn udp_datagram_with_two_messages_keeps_both() {
    let mut d = sip("REGISTER sip:h SIP/2.0", "r", "");
    d.extend_from_slice(&sip("INVITE sip:b@h SIP/2.0", "i", ""));
    let (m, _) = run(&pcap_of(1, &[w::eth(&w::ip_udp(addr(C), addr(S), &d))]));
    assert_eq!(m.len(), 2);
}

#[test]
fn truncated_message_at_end_of_capture_is_flushed_marked() {
    let mut t = TcpFlow::new(addr("10.0.0.1:40008"), addr("10.0.0.2:5060"));
    let a = sip("MESSAGE sip:b@h SIP/2.0", "t", &"x".repeat(100));
    let mut pk = t.handshake();
    pk.extend(t.send(true, &a[..a.len() - 10], &[1000]));
    let (m, _) = run(&pcap_of(1, &eth_all(pk)));
    assert_eq!(m.len(), 1);
    assert!(m[0].truncated);
    assert_eq!(m[0].bytes, &a[..a.len() - 10]);
}

#[test]
fn messages_come_out_in_order_of_their_completing_frame() {
    let mut t = TcpFlow::new(addr("10.0.0.1:40009"), addr("10.0.0.2:5060"));
    let a = sip("MESSAGE sip:b@h SIP/2.0", "tcp", "zz");
    let mut pk = t.handshake();
    let segs = t.send(true, &a, &[20]);
    let n = segs.len();
    for (i, s) in segs.into_iter().enumerate() {
        pk.push(s);
        if i == 0 {
            pk.push(udp_sip("udp"));
        }
    }
    let (m, _) = run(&pcap_of(1, &eth_all(pk)));
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].meta.frame, 5);
    assert_eq!(m[1].meta.frame, 4 + n as u64);
}

#[test]
fn forced_port_reports_junk() {
    let junk = w::ip_udp(
        addr("10.0.0.1:7000"),
        addr("10.0.0.2:7001"),
        b"not sip at all\r\n",
    );
    let (m, f) = run(&pcap_of(1, &[w::eth(&junk)]));
    assert!(m.is_empty() && f.is_empty());
    let opts = CaptureOptions {
        force_ports: vec![7001],
        ..CaptureOptions::default()
    };
    let (m, f) = read_all(&pcap_of(1, &[w::eth(&junk)]), opts);
    assert!(m.is_empty());
    assert_eq!(codes(&f), vec!["capture-junk"]);
}

/// Reads one byte at a time and cannot seek: like a pipe.
struct Trickle<R>(R);

impl<R: Read> Read for Trickle<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(1);
        self.0.read(&mut buf[..n])
    }
}

#[test]
fn reads_from_a_pipe_after_sniffing() {
    let p = pcap_of(1, &eth_all(vec![udp_sip("a"), udp_sip("b")]));
    let mut src = Trickle(Cursor::new(p));
    let mut magic = [0u8; 4];
    src.read_exact(&mut magic).unwrap();
    assert!(is_capture(&magic));
    let r = CaptureReader::new(Cursor::new(magic).chain(src), CaptureOptions::default()).unwrap();
    let n = r.filter(|e| matches!(e, Ok(Event::Message(_)))).count();
    assert_eq!(n, 2);
}

#[test]
fn any_truncation_or_corruption_never_panics() {
    let mut t = TcpFlow::new(addr("10.0.0.1:40010"), addr("10.0.0.2:2855"));
    let mut pk = t.handshake();
    pk.extend(t.send(true, &msrp("x", "m", "1-2/2", '$', "hi"), &[30]));
    let mut all = eth_all(pk);
    all.push(w::eth(&udp_sip("u")));
    let p = pcap_of(1, &all);
    for cut in 0..p.len() {
        if let Ok(r) = CaptureReader::new(Cursor::new(&p[..cut]), CaptureOptions::default()) {
            for e in r {
                let _ = e;
            }
        }
    }
    let mut seed = 0x1234_5678u32;
    for _ in 0..300 {
        let mut q = p.clone();
        for _ in 0..8 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let i = 24 + (seed as usize) % (q.len() - 24);
            q[i] = (seed >> 8) as u8;
        }
        if let Ok(r) = CaptureReader::new(Cursor::new(q), CaptureOptions::default()) {
            for e in r {
                let _ = e;
            }
        }
    }
}
