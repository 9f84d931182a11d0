//! Every input-controlled resource has a limit (docs/limits.md): inputs built
//! to exceed each one go through the real binary, and the limit's finding
//! must appear while the process's peak memory stays bounded.
//!
//! Peak memory is the child's maximum resident set size, read with
//! `/usr/bin/time -f %M` when it exists, else by polling `VmHWM` in
//! `/proc/<pid>/status` while the child runs (Linux); elsewhere it is not
//! checked. Inputs stay small (a few MB) except the two hostile 50 MB ones,
//! so the suite stays fast.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sipmsrp::capture::writer::{self, PcapWriter, TcpFlow};

const MB: usize = 1024 * 1024;

#[path = "support/measure.rs"]
mod measure;
use measure::run_measured;

/// Exit code, JSON lines of stdout, stderr, peak RSS; no panic allowed.
fn run_jsonl(args: &[&str], file: &Path) -> (i32, Vec<Value>, String, Option<usize>) {
    let (out, peak) = run_measured(args, file);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let values = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    (out.status.code().unwrap(), values, stderr, peak)
}

/// Every finding code in the output, top-level and in messages.
fn codes(values: &[Value]) -> Vec<String> {
    let mut v = Vec::new();
    for x in values {
        if x["type"] == "finding" {
            v.push(x["code"].as_str().unwrap().to_string());
        }
        if let Some(fs) = x["findings"].as_array() {
            v.extend(fs.iter().map(|f| f["code"].as_str().unwrap().to_string()));
        }
    }
    v
}

fn finding<'a>(values: &'a [Value], code: &str) -> Option<&'a Value> {
    values.iter().find_map(|x| {
        if x["type"] == "finding" && x["code"] == code {
            return Some(x);
        }
        x["findings"]
            .as_array()
            .and_then(|fs| fs.iter().find(|f| f["code"] == code))
    })
}

fn assert_bounded(peak: Option<usize>, bound: usize, what: &str) {
    if let Some(p) = peak {
        eprintln!("{what}: peak RSS {:.1} MB", p as f64 / MB as f64);
        assert!(
            p < bound,
            "{what}: peak RSS {} MB, bound {} MB",
            p / MB,
            bound / MB
        );
    }
}

fn temp_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
    p
}

fn sip_message(headers: &str, body: &[u8]) -> Vec<u8> {
    let mut m = format!(
        "MESSAGE sip:b@example.com SIP/2.0\r\nCall-ID: limit@example.com\r\nCSeq: 1 MESSAGE\r\n{headers}Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    m.extend_from_slice(body);
    m
}

fn parse_args(extra: &[&'static str]) -> Vec<&'static str> {
    let mut v = vec!["parse", "--format", "jsonl"];
    v.extend_from_slice(extra);
    v
}

// ---------------------------------------------------------------------------
// Message size

#[test]
fn hostile_50_mb_message_is_cut_at_max_message() {
    let dir = tempfile::tempdir().unwrap();
    let body = vec![b'x'; 50 * MB];
    let file = temp_file(&dir, "big.sip", &sip_message("", &body));
    let (code, values, _, peak) = run_jsonl(&parse_args(&["--max-message", "1048576"]), &file);
    assert_eq!(code, 1);
    let f = finding(&values, "message-too-large").expect("message-too-large");
    assert!(f["message"].as_str().unwrap().contains("1048576"));
    let first = &values[0];
    assert!(first["source"]["length"].as_u64().unwrap() <= MB as u64);
    // Text is framed as it is read: the 50 MB are never held.
    assert_bounded(peak, 40 * MB, "50 MB message");
}

#[test]
fn worker_threads_hold_a_few_large_messages_not_all() {
    // Twenty 4 MiB messages (80 MB, 160 MB with their JSON) rendered on
    // four threads: the batches out at once are bounded in number and
    // weight (a large message goes alone). Measured: 55 to 66 MB, most of
    // it the allocator keeping freed buffers per thread; one thread, 17 MB.
    let dir = tempfile::tempdir().unwrap();
    let one = sip_message("", &vec![b'x'; 4 * MB]);
    let file = temp_file(&dir, "many-large.sip", &one.repeat(20));
    let (code, values, _, peak) = run_jsonl(&parse_args(&["--jobs", "4"]), &file);
    assert_eq!(code, 0);
    assert_eq!(values.len(), 20);
    assert!(values.iter().all(|v| v["body"]["length"] == 4 * MB));
    assert_bounded(peak, 120 * MB, "twenty 4 MiB messages on four threads");
}

#[test]
fn msrp_message_without_end_line_is_cut_at_max_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = b"MSRP abcd SEND\r\nMessage-ID: m1\r\nContent-Type: text/plain\r\n\r\n".to_vec();
    m.extend(std::iter::repeat_n(b'y', 3 * MB));
    let file = temp_file(&dir, "big.msrp", &m);
    let (_, values, _, peak) = run_jsonl(&parse_args(&["--max-message", "65536"]), &file);
    assert!(codes(&values).contains(&"message-too-large".to_string()));
    assert!(values[0]["source"]["length"].as_u64().unwrap() <= 65536);
    assert_bounded(peak, 100 * MB, "MSRP without end-line");
}

// ---------------------------------------------------------------------------
// Header count and header line length

#[test]
fn header_count_is_capped() {
    let dir = tempfile::tempdir().unwrap();
    let headers = "X-Filler: v\r\n".repeat(200_000);
    let file = temp_file(&dir, "headers.sip", &sip_message(&headers, b""));
    for (args, limit) in [
        (parse_args(&[]), 1000),
        (parse_args(&["--max-headers", "10"]), 10),
    ] {
        let (code, values, _, peak) = run_jsonl(&args, &file);
        assert_eq!(code, 1);
        assert!(codes(&values).contains(&"too-many-headers".to_string()));
        let kept = values[0]["headers"].as_array().unwrap().len();
        assert_eq!(kept, limit, "headers kept");
        assert_bounded(peak, 100 * MB, "200 000 headers");
    }
}

/// Hostile test ("Bounded, linear, lossless", item 4): 16 MB of lines
/// without a colon in one message gave a finding each, uncapped (3 GB).
/// They count against --max-headers: the findings stop at the limit, with
/// `too-many-headers`, and memory stays flat. So does an MSRP header folded
/// over many lines (one `msrp-folded-header` per block, not per line).
#[test]
fn findings_of_broken_header_lines_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let lines = "x\r\n".repeat(5_000_000);
    let file = temp_file(&dir, "colonless.sip", &sip_message(&lines, b""));
    for (args, limit) in [
        (parse_args(&[]), 1000),
        (parse_args(&["--max-headers", "10"]), 10),
    ] {
        let (code, values, _, peak) = run_jsonl(&args, &file);
        assert_eq!(code, 1);
        let all = codes(&values);
        let broken = all.iter().filter(|c| *c == "header-missing-colon").count();
        // The message's own headers (Call-ID, CSeq) count too.
        assert_eq!(broken, limit - 2, "findings kept");
        assert_eq!(all.iter().filter(|c| *c == "too-many-headers").count(), 1);
        assert_bounded(peak, 100 * MB, "5 000 000 lines without a colon");
    }
    let mut folded = b"MSRP abcd SEND\r\nMessage-ID: m1\r\nX-Long: a\r\n".to_vec();
    folded.extend(" b\r\n".repeat(1_000_000).bytes());
    folded.extend(b"\r\n-------abcd$\r\n");
    let file = temp_file(&dir, "folded.msrp", &folded);
    let (_, values, _, peak) = run_jsonl(&parse_args(&[]), &file);
    let all = codes(&values);
    assert_eq!(
        all.iter().filter(|c| *c == "msrp-folded-header").count(),
        1,
        "{:?}",
        &all[..all.len().min(5)]
    );
    assert_bounded(peak, 100 * MB, "MSRP header folded over 1 000 000 lines");
}

#[test]
fn header_line_length_is_capped() {
    let dir = tempfile::tempdir().unwrap();
    let long = format!("X-Long: {}\r\n", "z".repeat(2 * MB));
    let file = temp_file(&dir, "line.sip", &sip_message(&long, b"hi"));
    for args in [parse_args(&[]), parse_args(&["--max-header-line", "100"])] {
        let (_, values, _, peak) = run_jsonl(&args, &file);
        assert!(codes(&values).contains(&"header-line-too-long".to_string()));
        let names: Vec<&str> = values[0]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["name"].as_str().unwrap())
            .collect();
        assert!(!names.contains(&"X-Long"), "{names:?}");
        assert_bounded(peak, 100 * MB, "2 MB header line");
    }
    // Under a raised limit the line is a header again.
    let (_, values, _, _) = run_jsonl(&parse_args(&["--max-header-line", "4194304"]), &file);
    assert!(!codes(&values).contains(&"header-line-too-long".to_string()));
}

// ---------------------------------------------------------------------------
// Nesting depth and parts per multipart

/// `levels` message/sipfrag bodies nested in one another inside a MESSAGE.
fn nested_sipfrags(levels: usize) -> Vec<u8> {
    let mut inner = b"Call-ID: innermost\r\n".to_vec();
    for _ in 0..levels {
        let mut outer = b"Content-Type: message/sipfrag\r\n\r\n".to_vec();
        outer.extend_from_slice(&inner);
        inner = outer;
    }
    sip_message("Content-Type: message/sipfrag\r\n", &inner)
}

#[test]
fn nesting_depth_is_capped() {
    let dir = tempfile::tempdir().unwrap();
    let file = temp_file(&dir, "deep.sip", &nested_sipfrags(5000));
    // The top-level message is depth 0 and its body depth 1: a body at
    // depth N is not parsed, so N - 1 messages nest inside the top one.
    for (args, nested) in [
        (parse_args(&[]), 31),
        (parse_args(&["--max-depth", "5"]), 4),
        // Above the built-in ceiling (256) the ceiling holds: the stack is safe.
        (parse_args(&["--max-depth", "1000000"]), 255),
    ] {
        // Deeper than most JSON readers nest (serde_json: 128): count by hand.
        let (out, peak) = run_measured(&args, &file);
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("\"nesting-too-deep\""));
        assert_eq!(text.matches("\"message\":{").count(), nested, "{args:?}");
        assert_bounded(peak, 100 * MB, "5000 nested bodies");
    }
}

#[test]
fn parts_per_multipart_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = Vec::new();
    for _ in 0..100_000 {
        body.extend_from_slice(b"--b\r\n\r\nx\r\n");
    }
    body.extend_from_slice(b"--b--\r\n");
    let file = temp_file(
        &dir,
        "parts.sip",
        &sip_message("Content-Type: multipart/mixed; boundary=b\r\n", &body),
    );
    for (args, limit) in [
        (parse_args(&[]), 1000),
        (parse_args(&["--max-parts", "7"]), 7),
    ] {
        let (code, values, _, peak) = run_jsonl(&args, &file);
        assert_eq!(code, 1);
        assert!(codes(&values).contains(&"too-many-parts".to_string()));
        assert_eq!(values[0]["body"]["parts"].as_array().unwrap().len(), limit);
        assert_bounded(peak, 100 * MB, "100 000 parts");
    }
}

/// Hostile test ("Bounded, linear, lossless", item 1): multiparts nested
/// so that every level stays within --max-parts (2 x 200 x 900 empty
/// parts) took 1.4 KB a part and reported nothing. --max-parts now bounds
/// the parts of the whole tree, all levels together.
#[test]
fn parts_of_nested_multiparts_are_capped_together() {
    let dir = tempfile::tempdir().unwrap();
    let leaf_level: Vec<u8> = {
        let mut b = Vec::new();
        for _ in 0..900 {
            b.extend_from_slice(b"--c\r\n\r\n\r\n");
        }
        b.extend_from_slice(b"--c--");
        b
    };
    let mid_level: Vec<u8> = {
        let mut b = Vec::new();
        for _ in 0..200 {
            b.extend_from_slice(b"--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n");
            b.extend_from_slice(&leaf_level);
            b.extend_from_slice(b"\r\n");
        }
        b.extend_from_slice(b"--b--");
        b
    };
    let mut body = Vec::new();
    for _ in 0..2 {
        body.extend_from_slice(b"--a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n");
        body.extend_from_slice(&mid_level);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--a--\r\n");
    let file = temp_file(
        &dir,
        "nested-parts.sip",
        &sip_message("Content-Type: multipart/mixed; boundary=a\r\n", &body),
    );
    fn count(body: &Value) -> usize {
        body["parts"]
            .as_array()
            .map_or(0, |ps| ps.iter().map(|p| 1 + count(&p["body"])).sum())
    }
    for (args, limit) in [
        (parse_args(&[]), 1000),
        (parse_args(&["--max-parts", "50"]), 50),
    ] {
        let (code, values, _, peak) = run_jsonl(&args, &file);
        assert_eq!(code, 1);
        assert!(codes(&values).contains(&"too-many-parts".to_string()));
        assert_eq!(count(&values[0]["body"]), limit);
        assert_bounded(peak, 100 * MB, "360 000 nested parts");
    }
}

// ---------------------------------------------------------------------------
// Captures: TCP reassembly per flow and in total, IP fragments

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

fn pcap(packets: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    let mut w = PcapWriter::new(Vec::new(), writer::LINKTYPE_RAW).unwrap();
    for (i, p) in packets.into_iter().enumerate() {
        w.write_packet(1_000 + (i / 100_000) as u32, 0, &p).unwrap();
    }
    w.into_inner()
}

/// The head of a SIP message declaring `declared` body bytes, then `sent` of them.
fn unfinished_sip(declared: usize, sent: usize) -> Vec<u8> {
    let mut m = format!(
        "MESSAGE sip:b@example.com SIP/2.0\r\nCall-ID: flow@example.com\r\nCSeq: 1 MESSAGE\r\nContent-Length: {declared}\r\n\r\n"
    )
    .into_bytes();
    m.extend(std::iter::repeat_n(b'q', sent));
    m
}

#[test]
fn hostile_50_mb_tcp_flow_hits_the_per_flow_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut flow = TcpFlow::new(addr("192.0.2.1:40000"), addr("192.0.2.2:5060"));
    let mut packets = flow.handshake();
    packets.extend(flow.send(true, &unfinished_sip(60 * MB, 50 * MB), &[65_000]));
    let file = temp_file(&dir, "flow.pcap", &pcap(packets));
    // Messages may be that large: only the flow limit (default 32 MB) stops it.
    let (code, values, _, peak) = run_jsonl(&parse_args(&["--max-message", "104857600"]), &file);
    assert_eq!(code, 1);
    let f = finding(&values, "tcp-flow-over-limit").expect("tcp-flow-over-limit");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("per-flow limit of 33554432")
    );
    assert_bounded(peak, 200 * MB, "50 MB TCP flow");
    // Configurable.
    let (_, values, _, _) = run_jsonl(
        &parse_args(&["--max-message", "104857600", "--max-flow-bytes", "1048576"]),
        &file,
    );
    let f = finding(&values, "tcp-flow-over-limit").unwrap();
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("per-flow limit of 1048576")
    );
}

#[test]
fn tcp_flows_together_hit_the_total_limit() {
    let dir = tempfile::tempdir().unwrap();
    // Four flows, each below the per-flow limit, together above the total.
    let mut flows: Vec<TcpFlow> = (0..4)
        .map(|i| {
            TcpFlow::new(
                addr(&format!("192.0.2.{}:4000{i}", 10 + i)),
                addr("192.0.2.2:5060"),
            )
        })
        .collect();
    let mut packets = Vec::new();
    let mut pieces = Vec::new();
    for f in &mut flows {
        packets.extend(f.handshake());
        pieces.push(f.send(true, &unfinished_sip(8 * MB, 900 * 1024), &[9_000]));
    }
    // Interleave so that all grow together.
    let longest = pieces.iter().map(Vec::len).max().unwrap();
    for i in 0..longest {
        for p in &pieces {
            if let Some(s) = p.get(i) {
                packets.push(s.clone());
            }
        }
    }
    let file = temp_file(&dir, "flows.pcap", &pcap(packets));
    let (code, values, _, peak) = run_jsonl(
        &parse_args(&[
            "--max-flow-bytes",
            "1048576",
            "--max-total-flow-bytes",
            "2097152",
        ]),
        &file,
    );
    assert_eq!(code, 1);
    let f = finding(&values, "tcp-flow-over-limit").expect("tcp-flow-over-limit");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("all flows together"),
        "{f}"
    );
    assert_bounded(peak, 100 * MB, "four flows");
    // Under the defaults nothing is over a limit.
    let (_, values, _, _) = run_jsonl(&parse_args(&[]), &file);
    assert!(!codes(&values).contains(&"tcp-flow-over-limit".to_string()));
}

#[test]
fn ip_fragment_buffers_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    // 3000 datagrams whose last fragment never comes: 4 MB waiting.
    let payload = vec![b'f'; 1400];
    let packets = (0..3000u16)
        .map(|id| writer::ipv4_fragment([192, 0, 2, 1], [192, 0, 2, 2], 17, id, 0, true, &payload));
    let file = temp_file(&dir, "frags.pcap", &pcap(packets));
    let (code, values, _, peak) =
        run_jsonl(&parse_args(&["--max-fragment-bytes", "1048576"]), &file);
    assert_eq!(code, 1);
    let evicted = values
        .iter()
        .filter(|x| {
            x["code"] == "ip-fragments-incomplete"
                && x["message"]
                    .as_str()
                    .unwrap()
                    .contains("fragment memory limit")
        })
        .count();
    // Over 1 MB of the 4 MB had to go before the end of the capture.
    assert!(evicted > 2000, "{evicted} evicted");
    assert_bounded(peak, 100 * MB, "3000 incomplete datagrams");
    // A fragment larger than the whole budget is reported too.
    let big = vec![b'g'; 1400];
    let one = writer::ipv4_fragment([192, 0, 2, 1], [192, 0, 2, 2], 17, 9, 0, true, &big);
    let file = temp_file(&dir, "one.pcap", &pcap([one]));
    let (_, values, _, _) = run_jsonl(&parse_args(&["--max-fragment-bytes", "1000"]), &file);
    let f = finding(&values, "ip-fragments-incomplete").expect("ip-fragments-incomplete");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("fragment memory limit"),
        "{f}"
    );
}

#[test]
fn open_tcp_flows_are_capped_by_the_total_limit() {
    let dir = tempfile::tempdir().unwrap();
    // 5000 connections that never send anything: each open flow counts
    // 1 KiB against half the total limit, so 2 MiB holds 1024 of them.
    let packets = (0..5000u32).map(|i| {
        let client = addr(&format!(
            "198.51.100.{}:{}",
            1 + i / 60_000,
            1024 + i % 60_000
        ));
        writer::ip_tcp(client, addr("192.0.2.2:5060"), 1, 0, writer::SYN, b"")
    });
    let file = temp_file(&dir, "syns.pcap", &pcap(packets));
    let (code, values, _, peak) =
        run_jsonl(&parse_args(&["--max-total-flow-bytes", "2097152"]), &file);
    assert_eq!(code, 1);
    let forgotten: Vec<&Value> = values
        .iter()
        .filter(|v| {
            v["code"] == "tcp-flow-over-limit"
                && v["message"]
                    .as_str()
                    .unwrap()
                    .contains("least recently active")
        })
        .collect();
    assert!(forgotten.len() >= 10, "{}", forgotten.len());
    assert!(
        forgotten[0]["message"]
            .as_str()
            .unwrap()
            .contains("more than 1024 flows")
    );
    assert_bounded(peak, 100 * MB, "5000 open flows");
}

// ---------------------------------------------------------------------------
// MSRP chunks per message

#[test]
fn chunks_per_message_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = b"INVITE sip:b@example.com SIP/2.0\r\nTo: <sip:b@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\nCall-ID: chunks@example.com\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n".to_vec();
    let n = 5000;
    for i in 1..=n {
        let flag = if i == n { '$' } else { '+' };
        input.extend(
            format!(
                "MSRP t{i:05} SEND\r\nTo-Path: msrp://b.example.com:1/s;tcp\r\nFrom-Path: msrp://a.example.com:1/s;tcp\r\nMessage-ID: many\r\nByte-Range: {i}-{i}/{n}\r\nContent-Type: text/plain\r\n\r\nc\r\n-------t{i:05}{flag}\r\n"
            )
            .bytes(),
        );
    }
    let file = temp_file(&dir, "chunks.txt", &input);
    let args = [
        "encap",
        "--date",
        "Thu, 21 Feb 2002 13:02:03 GMT",
        "--max-chunks",
        "100",
    ];
    let (out, peak) = run_measured(&args, &file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("msrp-too-many-chunks"), "{stderr}");
    assert!(stderr.contains("more than 100 chunks"), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_bounded(peak, 100 * MB, "5000 chunks");
    // Under the default (100 000) the same input goes through.
    let (out, _) = run_measured(&["encap", "--date", "Thu, 21 Feb 2002 13:02:03 GMT"], &file);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One MSRP SEND chunk of message `mid` on a fixed session.
fn msrp_chunk(tid: &str, mid: &str, range: &str, flag: char, body: &str) -> String {
    format!(
        "MSRP {tid} SEND\r\nTo-Path: msrp://b.example.com:1/s;tcp\r\nFrom-Path: msrp://a.example.com:1/s;tcp\r\nMessage-ID: {mid}\r\nByte-Range: {range}\r\nContent-Type: text/plain\r\n\r\n{body}\r\n-------{tid}{flag}\r\n"
    )
}

/// Hostile test ("Bounded, linear, lossless", item 3): chunks refused past
/// --max-chunks were dropped but their records kept (500k chunks with
/// --max-chunks 1000: 475 MB). Nothing of a refused chunk is held now.
#[test]
fn chunks_refused_past_max_chunks_are_not_kept() {
    let dir = tempfile::tempdir().unwrap();
    let n = 300_000;
    let mut text = String::with_capacity(n * 190);
    for i in 1..=n {
        text.push_str(&msrp_chunk(
            &format!("t{i:07}"),
            "many",
            &format!("{i}-{i}/*"),
            '+',
            "c",
        ));
    }
    let file = temp_file(&dir, "refused.msrp", text.as_bytes());
    let (code, values, _, peak) = run_jsonl(
        &parse_args(&["--reassemble", "--max-chunks", "1000"]),
        &file,
    );
    assert_eq!(code, 1);
    assert_eq!(values.len(), 1, "one incomplete message");
    assert!(codes(&values).contains(&"msrp-too-many-chunks".to_string()));
    assert_eq!(values[0]["reassembled"]["received"], n);
    assert_eq!(
        values[0]["body"]["length"], 1000,
        "the bytes of the chunks kept"
    );
    assert_bounded(peak, 100 * MB, "300 000 chunks past --max-chunks 1000");
}

/// Hostile test ("Bounded, linear, lossless", item 2): nothing capped the
/// messages `--reassemble` waits for (200k Message-IDs each with one chunk
/// that never completes: 992 MB). It holds at most 10 000; past that the
/// oldest is printed incomplete with `msrp-reassembly-limit`.
#[test]
fn messages_waiting_for_chunks_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let n = 60_000;
    let mut text = String::with_capacity(n * 190);
    for i in 0..n {
        text.push_str(&msrp_chunk(
            &format!("t{i:07}"),
            &format!("m{i}"),
            "1-1/2",
            '+',
            "c",
        ));
    }
    let file = temp_file(&dir, "pending.msrp", text.as_bytes());
    let (code, values, _, peak) = run_jsonl(&parse_args(&["--reassemble"]), &file);
    assert_eq!(code, 1);
    assert_eq!(values.len(), n, "every message printed, none lost");
    let evicted = values
        .iter()
        .filter(|v| {
            v["findings"]
                .as_array()
                .is_some_and(|f| f.iter().any(|x| x["code"] == "msrp-reassembly-limit"))
        })
        .count();
    assert_eq!(evicted, n - 10_000);
    // The oldest go first, in order, as the cap is reached.
    assert_eq!(values[0]["message_id"], "m0");
    assert_eq!(values[1]["message_id"], "m1");
    assert_bounded(peak, 100 * MB, "60 000 incomplete messages");
}

/// Hostile test ("Bounded, linear, lossless", item 7): `parse /dev/zero`
/// ran forever at 21 MB with no output. parse and lint stream text: an
/// input without a message is reported as it is read, a finding for about
/// every --max-message bytes, in flat memory. The endless input is stopped
/// by the test once the findings of 200 MB are out.
#[cfg(target_os = "linux")]
#[test]
fn endless_text_without_a_message_is_reported_as_it_goes() {
    use std::io::{BufRead, BufReader};
    for args in [
        &["parse", "--format", "jsonl"][..],
        &["lint", "--format", "json"],
        &["lint", "--format", "github"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sipmsrp"))
            .args(args)
            .args(["--max-message", "1000000", "/dev/zero"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut skipped = 0u64;
        let mut findings = 0;
        while skipped < 200_000_000 {
            let line = lines.next().expect("more output").unwrap();
            if let Some(at) = line.find(" bytes that are not SIP or MSRP skipped") {
                let digits = line[..at].rsplit(|c: char| !c.is_ascii_digit()).next();
                let n: u64 = digits.unwrap().parse().unwrap();
                assert!((1_000_000..=3_100_000).contains(&n), "{args:?}: {line}");
                skipped += n;
                findings += 1;
            }
        }
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        let kb: usize = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap();
        assert!(findings >= 60, "{args:?}: {findings}");
        assert_bounded(Some(kb * 1024), 50 * MB, "/dev/zero streamed");
    }
}

/// Hostile test ("Bounded, linear, lossless", item 7): lint, encap and
/// summary read a text input whole, and `/dev/zero` took 14 to 24 GB before
/// the kernel killed them. Whatever is read whole stops at --max-input
/// (default 1 GiB) with an error naming the input and the flag, exit 2.
/// (lint streams messages now: see the next test.)
#[cfg(unix)]
#[test]
fn inputs_read_whole_stop_at_max_input() {
    let runs: [&[&str]; 5] = [
        &["lint", "--fix"],
        &["encap"],
        &["summary"],
        &["summary", "--json-input"],
        &["summary", "--from-body"],
    ];
    for args in runs {
        let all = [&args[..1], &["--max-input", "100000"], &args[1..]].concat();
        let (out, peak) = run_measured(&all, Path::new("/dev/zero"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("/dev/zero: more than 100000 bytes") && stderr.contains("--max-input"),
            "{args:?}: {stderr}"
        );
        assert_bounded(peak, 50 * MB, "/dev/zero read whole");
    }
    // Under the limit, the same input size is read.
    let dir = tempfile::tempdir().unwrap();
    let file = temp_file(&dir, "small.sip", &sip_message("", b"hi"));
    let (out, _) = run_measured(&["lint", "--max-input", "1000", "--fix"], &file);
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
