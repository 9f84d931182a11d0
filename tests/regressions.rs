//! Regression tests for defects found by fuzzing (fuzz/, docs/fuzzing.md)
//! and by the hardening review. Each input is inlined (or built here) and
//! goes through the real binary or the library entry point that failed.

use std::net::SocketAddr;

use assert_cmd::Command;
use serde_json::Value;
use sipmsrp::capture::writer::{self, PcapWriter};

fn sipmsrp() -> Command {
    Command::cargo_bin("sipmsrp").unwrap()
}

/// `parse --format jsonl` of `bytes` (on stdin) with `args`: (exit code, objects).
fn parse_jsonl(bytes: &[u8], args: &[&str]) -> (i32, Vec<Value>) {
    let out = sipmsrp()
        .args(["parse", "--format", "jsonl"])
        .args(args)
        .arg("-")
        .write_stdin(bytes.to_vec())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let values = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out.status.code().unwrap(), values)
}

fn raw_pcap(packets: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    let mut w = PcapWriter::new(Vec::new(), writer::LINKTYPE_RAW).unwrap();
    for p in packets {
        w.write_packet(1_700_000_000, 0, &p).unwrap();
    }
    w.into_inner()
}

// ---------------------------------------------------------------------------
// Review: IP fragment reassembly was quadratic. Every fragment re-sorted and
// re-scanned all the pieces of its datagram, and every eviction scanned all
// pending datagrams: a 9 MB capture of repeated fragments, or a flood of
// one-fragment datagrams over the fragment budget, ran for many minutes.
// Now duplicates are free, coverage grows incrementally and the oldest
// datagram is found in order.

const SIP: &[u8] = b"MESSAGE sip:b@example.com SIP/2.0\r\nCall-ID: frag-flood@example.com\r\nCSeq: 1 MESSAGE\r\nContent-Length: 2\r\n\r\nhi";

#[test]
fn repeated_fragments_do_not_slow_reassembly_down() {
    let src: SocketAddr = "192.0.2.1:5060".parse().unwrap();
    let dst: SocketAddr = "192.0.2.2:5060".parse().unwrap();
    let udp = writer::udp(src.port(), dst.port(), SIP);
    let (a, b) = ([192, 0, 2, 1], [192, 0, 2, 2]);
    let frag =
        |off: usize, more: bool, data: &[u8]| writer::ipv4_fragment(a, b, 17, 77, off, more, data);
    let mut packets = vec![frag(16, false, &udp[16..])];
    // 200 000 copies of bytes 8..16, then the first fragment completes it.
    packets.extend(std::iter::repeat_n(frag(8, true, &udp[8..16]), 200_000));
    packets.push(frag(0, true, &udp[..16]));
    let (code, values) = parse_jsonl(&raw_pcap(packets), &[]);
    assert_eq!(code, 0, "{values:?}");
    assert_eq!(values.len(), 1);
    let m = &values[0];
    assert_eq!(m["call_id"], "frag-flood@example.com");
    assert_eq!(m["body"]["text"], "hi");
    // The frames that contributed: the last piece, the first copy, the first piece.
    assert_eq!(
        m["source"]["capture"]["frames"],
        serde_json::json!([1, 2, 200_002])
    );
}

#[test]
fn fragment_budget_evictions_do_not_slow_down() {
    // 100 000 datagrams of one 8-byte fragment each through a budget of 20 000:
    // every fragment evicts the oldest.
    let packets = (0..100_000u32).map(|i| {
        let src = [10, 1, (i >> 16) as u8, (i >> 8) as u8];
        writer::ipv4_fragment(src, [10, 0, 0, 2], 17, i as u16, 0, true, &[0; 8])
    });
    let (code, values) = parse_jsonl(
        &raw_pcap(packets),
        &["--max-fragment-bytes", &(20_000 * 72).to_string()],
    );
    assert_eq!(code, 1);
    let evicted = values
        .iter()
        .filter(|v| {
            v["code"] == "ip-fragments-incomplete"
                && v["message"].as_str().unwrap().contains("memory limit")
        })
        .count();
    assert_eq!(evicted, 80_000);
    assert_eq!(values.len(), 100_000);
}
