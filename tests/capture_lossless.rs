//! Captures where data used to be lost or altered without a word: the
//! cases of a hostile test of the capture reader. Each test builds its
//! capture with the crate's writer, pipes it to `sipmsrp parse --format
//! jsonl -`, and checks that what is kept is the first copy (or nothing,
//! where the RFC says so) and that a finding says what happened, naming
//! the frames.

use std::io::Write;
use std::net::SocketAddr;

use assert_cmd::Command;
use serde_json::Value;
use sipmsrp::capture::writer::{self as w, PcapWriter, TcpFlow};

/// 2023-11-14T22:13:20Z: the capture time of every frame.
const T0: u32 = 1_700_000_000;
const MIB: usize = 1024 * 1024;

fn sipmsrp() -> Command {
    let mut c = Command::cargo_bin("sipmsrp").unwrap();
    c.env_remove("NO_COLOR").env_remove("SIPMSRP_PROGRESS");
    c
}

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

/// What `parse --format jsonl ARGS -` printed for a capture on stdin.
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

    fn findings(&self, code: &str) -> Vec<&Value> {
        self.values
            .iter()
            .filter(|v| v["type"] == "finding" && v["code"] == code)
            .collect()
    }

    /// The one finding of `code`.
    fn finding(&self, code: &str) -> &Value {
        let f = self.findings(code);
        assert_eq!(f.len(), 1, "one {code} finding in {:#?}", self.values);
        f[0]
    }

    /// Each message by its Call-ID, each capture finding as `finding:CODE`.
    fn labels(&self) -> Vec<String> {
        self.values
            .iter()
            .map(|v| match v["type"].as_str() {
                Some("finding") => format!("finding:{}", v["code"].as_str().unwrap()),
                _ => v["call_id"].as_str().unwrap_or("?").to_string(),
            })
            .collect()
    }
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

/// A pcap of raw IP packets, all at `T0`.
fn raw(packets: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    let mut pw = PcapWriter::new(Vec::new(), w::LINKTYPE_RAW).unwrap();
    for p in packets {
        pw.write_packet(T0, 0, &p).unwrap();
    }
    pw.into_inner()
}

/// A SIP MESSAGE from Alice with Call-ID `call_id` and a body of `body_len` bytes.
fn sip(call_id: &str, body_len: usize) -> Vec<u8> {
    let mut m = format!(
        "MESSAGE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bK{call_id}\r\nMax-Forwards: 70\r\nTo: <sip:bob@example.com>\r\nFrom: <sip:alice@example.com>;tag=1\r\nCall-ID: {call_id}\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: {body_len}\r\n\r\n"
    )
    .into_bytes();
    m.resize(m.len() + body_len, b'x');
    m
}

const ALICE: &[u8] = b"sip:alice@example.com";
const EVIL: &[u8] = b"EVILEVILEVILEVILEVILE";

/// `bytes` with Alice's address replaced by as many bytes of `EVIL`, and
/// the offset of the replacement.
fn evil(bytes: &[u8]) -> (Vec<u8>, usize) {
    let at = bytes
        .windows(ALICE.len())
        .position(|x| x == ALICE)
        .expect("Alice's address");
    let mut v = bytes.to_vec();
    v[at..at + ALICE.len()].copy_from_slice(EVIL);
    (v, at)
}

/// The value of the message's header `name`.
fn header<'a>(m: &'a Value, name: &str) -> &'a str {
    m["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {m:#}"))["value"]
        .as_str()
        .unwrap()
}

fn frames(f: &Value) -> Vec<u64> {
    f["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

fn message(f: &Value) -> &str {
    f["message"].as_str().unwrap()
}

// ---------------------------------------------------------------------------
// 15. Overlapping IP fragments with different bytes.

const V4_SRC: [u8; 4] = [192, 0, 2, 1];
const V4_DST: [u8; 4] = [192, 0, 2, 2];
const V6_SRC: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const V6_DST: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

/// One fragment of the UDP datagram `l4` (bytes `lo..hi`), IPv4 or IPv6.
fn fragment(v6: bool, l4: &[u8], lo: usize, hi: usize) -> Vec<u8> {
    let more = hi < l4.len();
    if !v6 {
        return w::ipv4_fragment(V4_SRC, V4_DST, 17, 0x4242, lo, more, &l4[lo..hi]);
    }
    let mut p = vec![17, 0];
    p.extend_from_slice(&((lo as u16) | u16::from(more)).to_be_bytes());
    p.extend_from_slice(&0x0004_2424u32.to_be_bytes());
    p.extend_from_slice(&l4[lo..hi]);
    w::ipv6(V6_SRC, V6_DST, 44, &p)
}

/// The UDP datagram of a SIP MESSAGE, its copy with Alice's address
/// replaced, and the cuts of three fragments: the middle one holds the
/// address, starting at least 8 bytes before it (offsets multiple of 8).
fn fragmented_sip() -> (Vec<u8>, Vec<u8>, [usize; 4]) {
    let l4 = w::udp(5060, 5060, &sip("frag-1", 40));
    let (bad, at) = evil(&l4);
    let a = (at - 8) / 8 * 8;
    let b = (at + ALICE.len() + 8).div_ceil(8) * 8;
    (l4.clone(), bad, [0, a, b, l4.len()])
}

/// Case 15 (IPv4): a later fragment that overlaps bytes already received
/// with different ones (`From: <EVILEVIL…`) used to win silently, exit 0.
/// Now the first copy is kept and `ip-fragment-overlap` names the frames of
/// both copies, whether the later copy starts where the first did (and is
/// longer) or inside it.
#[test]
fn overlapping_ipv4_fragments_keep_the_first_copy_and_say_so() {
    let (l4, bad, [_, a, b, end]) = fragmented_sip();
    // The later copy is longer (its last 8 bytes are new: frame 3 adds
    // them), or starts inside the first one.
    for (lo, hi, used) in [(a, b + 8, vec![1, 2, 3, 4]), (a + 8, b, vec![1, 2, 4])] {
        let p = parse(
            &raw([
                fragment(false, &l4, 0, a),
                fragment(false, &l4, a, b),
                fragment(false, &bad, lo, hi),
                fragment(false, &l4, b, end),
            ]),
            &[],
        );
        assert_eq!(
            p.labels(),
            vec!["finding:ip-fragment-overlap", "frag-1"],
            "{:#?}",
            p.values
        );
        let m = p.messages()[0];
        assert_eq!(header(m, "From"), "<sip:alice@example.com>;tag=1");
        assert_eq!(m["source"]["capture"]["frames"], serde_json::json!(used));
        let f = p.finding("ip-fragment-overlap");
        assert_eq!(f["severity"], "error");
        assert_eq!(f["frame"], 3);
        assert_eq!(frames(f), vec![2, 3]);
        let text = message(f);
        assert!(text.contains("192.0.2.1 → 192.0.2.2 (id 0x4242)"), "{text}");
        assert!(
            text.contains(&format!("{} bytes that differ", ALICE.len())),
            "{text}"
        );
        assert!(text.contains("in frame 2"), "{text}");
        assert!(text.contains("the first copy is kept"), "{text}");
        assert_eq!(p.code, 1);
    }
    // The same bytes again, overlapping or repeated: harmless and quiet.
    let p = parse(
        &raw([
            fragment(false, &l4, 0, a),
            fragment(false, &l4, a, b),
            fragment(false, &l4, a + 8, b + 8),
            fragment(false, &l4, a, b),
            fragment(false, &l4, b, end),
        ]),
        &[],
    );
    assert_eq!(p.labels(), vec!["frag-1"], "{:#?}", p.values);
    assert_eq!(p.code, 0);
}

/// Case 15 (IPv6): overlapping fragments with different bytes; RFC 8200
/// 4.5 (RFC 5722) says the datagram must be discarded, with every fragment
/// of it, later ones included. It used to be reassembled with the later
/// bytes. Now nothing of it is framed, `ip-fragment-overlap` names its
/// frames, and the fragment that comes after is dropped without a second
/// finding.
#[test]
fn overlapping_ipv6_fragments_discard_the_datagram_and_say_so() {
    let (l4, bad, [_, a, b, end]) = fragmented_sip();
    let p = parse(
        &raw([
            fragment(true, &l4, 0, a),
            fragment(true, &l4, a, b),
            fragment(true, &bad, a, b + 8),
            fragment(true, &l4, b, end),
        ]),
        &[],
    );
    assert_eq!(
        p.labels(),
        vec!["finding:ip-fragment-overlap"],
        "{:#?}",
        p.values
    );
    let f = p.finding("ip-fragment-overlap");
    assert_eq!(f["frame"], 3);
    assert_eq!(frames(f), vec![2, 3]);
    let text = message(f);
    assert!(
        text.contains("2001:db8::1 → 2001:db8::2 (id 0x42424)"),
        "{text}"
    );
    assert!(text.contains("the datagram is discarded"), "{text}");
    assert!(text.contains("RFC 8200 4.5"), "{text}");
    assert!(text.contains("frames 1, 2, 3 dropped"), "{text}");
    assert_eq!(p.code, 1);
    // The same bytes again: reassembled, quietly.
    let p = parse(
        &raw([
            fragment(true, &l4, 0, a),
            fragment(true, &l4, a, b),
            fragment(true, &l4, a + 8, b + 8),
            fragment(true, &l4, b, end),
        ]),
        &[],
    );
    assert_eq!(p.labels(), vec!["frag-1"], "{:#?}", p.values);
    assert_eq!(p.code, 0);
}

// ---------------------------------------------------------------------------
// 16. A TCP retransmission whose bytes differ from the first copy.

/// Checks common to the retransmission cases: `first` (the frame of the
/// first copy) and `again` (the frame of the different one), the stream
/// offset named, the first copy kept.
fn assert_retransmission(p: &Parsed, first: u64, again: u64, offset: &str) {
    let f = p.finding("tcp-retransmission-differs");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["frame"], again);
    assert_eq!(frames(f), vec![first, again]);
    let text = message(f);
    assert!(
        text.starts_with("TCP 192.0.2.1:40000 → 192.0.2.2:5060: "),
        "{text}"
    );
    assert!(text.contains(&format!("in frame {first}:")), "{text}");
    assert!(text.contains(offset), "{text}");
    assert!(text.contains("the first copy is kept"), "{text}");
    for m in p.messages() {
        assert_eq!(header(m, "From"), "<sip:alice@example.com>;tag=1");
    }
    assert_eq!(p.code, 1);
}

/// Case 16: a message framed from one segment, then the same segment again
/// with different bytes (frame 5). It used to be dropped without a word;
/// the copy already framed is compared by digest.
#[test]
fn tcp_retransmission_of_framed_bytes_that_differ_is_reported() {
    let m1 = sip("tcp-1", 10);
    let (bad, _) = evil(&m1);
    let mut t = TcpFlow::new(addr("192.0.2.1:40000"), addr("192.0.2.2:5060"));
    let mut pk = t.handshake();
    pk.push(t.segment(true, 0, &m1));
    pk.push(t.segment(true, 0, &bad));
    t.send(true, &m1, &[m1.len()]);
    pk.extend(t.send(true, &sip("tcp-2", 10), &[1460]));
    pk.push(t.fin(true));
    let p = parse(&raw(pk), &[]);
    assert_eq!(
        p.labels(),
        vec!["tcp-1", "finding:tcp-retransmission-differs", "tcp-2"],
        "{:#?}",
        p.values
    );
    assert_retransmission(
        &p,
        4,
        5,
        &format!(
            "the {} bytes at stream offsets 0..{} (already framed, compared by digest) differ",
            m1.len(),
            m1.len()
        ),
    );
}

/// Case 16: the first half of a message, the same half again with
/// different bytes (still buffered: compared byte by byte, the exact
/// offset named), then the second half. A keep-alive in between (one
/// garbage octet just before the next sequence number) is no
/// retransmission.
#[test]
fn tcp_retransmission_of_buffered_bytes_that_differ_is_reported() {
    let m1 = sip("tcp-1", 10);
    let (bad, at) = evil(&m1);
    let cut = at + 40;
    let mut t = TcpFlow::new(addr("192.0.2.1:40000"), addr("192.0.2.2:5060"));
    let mut pk = t.handshake();
    pk.push(t.segment(true, 0, &m1[..cut]));
    pk.push(t.segment(true, 0, &bad[..cut]));
    pk.push(t.segment(true, cut as u32 - 1, b"\0"));
    pk.push(t.segment(true, cut as u32, &m1[cut..]));
    let p = parse(&raw(pk), &[]);
    assert_eq!(
        p.labels(),
        vec!["finding:tcp-retransmission-differs", "tcp-1"],
        "{:#?}",
        p.values
    );
    assert_retransmission(
        &p,
        4,
        5,
        &format!(
            "{} bytes differ, the first at stream offset {at}",
            EVIL.len()
        ),
    );
}

/// Case 16: the second half of a message arrives first (out of order),
/// then a copy of it with different bytes that also starts 8 bytes
/// earlier, then the first half: the first copy of each byte is kept.
#[test]
fn tcp_out_of_order_copy_that_differs_is_reported() {
    let m1 = sip("tcp-1", 10);
    let (bad, at) = evil(&m1);
    let cut = at - 20;
    let mut t = TcpFlow::new(addr("192.0.2.1:40000"), addr("192.0.2.2:5060"));
    let mut pk = t.handshake();
    pk.push(t.segment(true, cut as u32, &m1[cut..]));
    pk.push(t.segment(true, (cut - 8) as u32, &bad[cut - 8..]));
    pk.push(t.segment(true, 0, &m1[..cut]));
    let p = parse(&raw(pk), &[]);
    assert_eq!(
        p.labels(),
        vec!["finding:tcp-retransmission-differs", "tcp-1"],
        "{:#?}",
        p.values
    );
    assert_eq!(
        p.messages()[0]["source"]["capture"]["frames"],
        serde_json::json!([4, 5, 6])
    );
    assert_retransmission(
        &p,
        4,
        5,
        &format!(
            "{} bytes differ, the first at stream offset {at}",
            EVIL.len()
        ),
    );
}

// ---------------------------------------------------------------------------
// 17. A WebSocket frame that declares more than --max-message, cut by the
// end of the capture.

/// A WebSocket connection (upgrade handshake to port 8080) whose client
/// sends `frames`; the capture ends there (no FIN).
fn websocket(frames: &[u8]) -> Vec<u8> {
    let mut t = TcpFlow::new(addr("192.0.2.1:40000"), addr("192.0.2.2:8080"));
    let mut pk = t.handshake();
    pk.extend(t.send(
        true,
        b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n",
        &[1460],
    ));
    pk.extend(t.send(true, frames, &[1460]));
    raw(pk)
}

/// A masked text frame header declaring `declared` payload bytes (64-bit
/// length), and `payload` masked after it.
fn ws_frame_declaring(declared: u64, payload: &[u8]) -> Vec<u8> {
    let mask = [1, 2, 3, 4];
    let mut f = vec![0x81, 0x80 | 127];
    f.extend_from_slice(&declared.to_be_bytes());
    f.extend_from_slice(&mask);
    f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    f
}

/// Case 17: a frame that declares more than `--max-message` (17 MiB, 2^40,
/// 2^63) and is cut by the end of the capture used to lose its SIP message
/// ("no SIP or MSRP message found", exit 0), where a declared length of
/// 10000 gave `websocket-truncated` and the message. Now every declared
/// length gives both, and nothing of the declared length is allocated.
#[test]
fn websocket_frame_cut_by_the_end_is_kept_whatever_it_declares() {
    let m = sip("ws-cut", 20);
    for declared in [10_000u64, 17 * MIB as u64, 1 << 40, 1 << 63] {
        let p = parse(&websocket(&ws_frame_declaring(declared, &m)), &[]);
        assert_eq!(
            p.labels(),
            vec!["finding:websocket-truncated", "ws-cut"],
            "declared {declared}: {:#?}",
            p.values
        );
        let msg = p.messages()[0];
        assert_eq!(msg["truncated"], true);
        assert_eq!(msg["source"]["capture"]["transport"], "ws");
        assert_eq!(msg["source"]["length"], m.len());
        let text = message(p.finding("websocket-truncated"));
        assert!(
            text.contains(&format!(
                "({} of its {declared} payload bytes captured)",
                m.len()
            )),
            "{text}"
        );
        assert_eq!(p.code, 0, "declared {declared}");
    }
}

/// Case 17, its other half: a SIP frame really larger than `--max-message`
/// on a flow that had not yet carried a message. The flow is dropped as
/// before, but `websocket-frame-too-large` was held back (the flow had not
/// proved to carry SIP) and lost; the frame begins like SIP, so it is said.
#[test]
fn websocket_frame_over_max_message_is_said_on_a_new_flow() {
    let m = sip("ws-big", 2000);
    let p = parse(
        &websocket(&w::websocket_frame(true, 1, Some([1, 2, 3, 4]), &m)),
        &["--max-message", "1000"],
    );
    assert_eq!(
        p.labels(),
        vec!["finding:websocket-frame-too-large"],
        "{:#?}",
        p.values
    );
    assert!(message(&p.values[0]).contains(&format!("declares {} bytes (limit 1000)", m.len())));
    assert_eq!(p.code, 1);
}

// ---------------------------------------------------------------------------
// 18. A TCP flow whose start line was never captured.

/// `n` bytes of 1024-byte text lines that are no start line.
fn junk_lines(n: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(n + 1024);
    while v.len() < n {
        v.resize(v.len() + 1023, b'z');
        v.push(b'\n');
    }
    v.truncate(n);
    v
}

/// Case 18: a connection captured mid-way through a long message (its
/// start line never captured), 8 MB of its body, then a SIP message. It
/// used to give no message and no finding, exit 0. The flow is still given
/// up after 1 MiB without a start line, but `tcp-flow-ignored` says so at
/// the frame where it happens, naming the flow, its frames and the bytes
/// skipped.
#[test]
fn tcp_flow_without_start_line_is_ignored_with_a_note() {
    let mut t = TcpFlow::new(addr("192.0.2.1:40000"), addr("192.0.2.2:5060"));
    let body = junk_lines(8 * 1000 * 1000);
    let mut pk = t.send(true, &body, &[1460]);
    let n = pk.len();
    pk.extend(t.send(true, &sip("after-8-mb", 2), &[1460]));
    let p = parse(&raw(pk), &[]);
    assert_eq!(
        p.labels(),
        vec!["finding:tcp-flow-ignored"],
        "{:#?}",
        p.values
    );
    let f = p.finding("tcp-flow-ignored");
    assert_eq!(f["severity"], "note");
    // Given up at the first segment that takes the skipped bytes past 1 MiB.
    let at = (MIB / 1460 + 1) as u64;
    assert_eq!(f["frame"], at);
    assert_eq!(frames(f), vec![1, at]);
    let text = message(f);
    assert!(
        text.starts_with(&format!(
            "TCP 192.0.2.1:40000 → 192.0.2.2:5060 (captured mid-connection, frames 1 to {at}): no SIP or MSRP start line in its first "
        )),
        "{text}"
    );
    let skipped: usize = text
        .split("in its first ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| panic!("{text}"));
    assert!(skipped > MIB && skipped <= MIB + 1460, "{text}");
    assert!(text.contains("--port 5060"), "{text}");
    assert!(n > 5000);
    assert_eq!(p.code, 0);
}

// ---------------------------------------------------------------------------
// 6. Out-of-order one-byte segments behind a hole.

#[path = "support/measure.rs"]
mod measure;
use measure::run_measured;

/// Case 6: 500 000 one-byte segments waiting behind a hole. Limits counted
/// their bytes only (500 KB) while each took about 195 bytes of memory
/// (about 100 MB; 2 million took 389 MB). Each segment's bookkeeping now
/// counts too: the hole is given up (`tcp-gap`) once the segments behind it
/// hold `--max-message` (16 MiB) of memory, and the peak stays bounded.
#[test]
fn one_byte_segments_behind_a_hole_are_bounded() {
    const N: u32 = 500_000;
    let mut t = TcpFlow::new(addr("192.0.2.1:40000"), addr("192.0.2.2:5060"));
    let mut pk = t.handshake();
    pk.extend(t.send(true, &sip("before-hole", 2), &[1460]));
    let mut pw = PcapWriter::new(Vec::new(), w::LINKTYPE_RAW).unwrap();
    for p in &pk {
        pw.write_packet(T0, 0, p).unwrap();
    }
    // Byte 0 never comes; bytes 1..=N come one at a time.
    for rel in 1..=N {
        pw.write_packet(T0, 0, &t.segment(true, rel, b"x")).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("one-byte-segments.pcap");
    std::fs::File::create(&file)
        .unwrap()
        .write_all(&pw.into_inner())
        .unwrap();
    let (out, peak) = run_measured(&["parse", "--format", "jsonl", "--jobs", "1"], &file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let values: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let p = Parsed {
        code: out.status.code().unwrap(),
        values,
    };
    assert_eq!(p.messages().len(), 1, "{:?}", p.finding_codes());
    // The hole is given up while the segments still come, not at the end.
    let gaps = p.findings("tcp-gap");
    assert_eq!(gaps.len(), 1, "{:?}", p.finding_codes());
    let frame = gaps[0]["frame"].as_u64().unwrap();
    assert!(frame < u64::from(N) / 2, "gap at frame {frame}");
    assert!(
        message(gaps[0]).contains("1 bytes missing"),
        "{}",
        message(gaps[0])
    );
    if let Some(peak) = peak {
        eprintln!(
            "one-byte segments: peak RSS {:.1} MB",
            peak as f64 / MIB as f64
        );
        assert!(peak < 48 * MIB, "peak RSS {} MB", peak / MIB);
    }
}
