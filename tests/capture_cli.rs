//! Captures through the command line: streamed input from files and stdin,
//! `parse --reassemble`, positions of capture findings, the progress line,
//! and `summary` and `lint` reading captures. Every capture is built here
//! with the crate's writer.

use std::net::SocketAddr;
use std::path::Path;

use assert_cmd::Command;
use base64::Engine;
use predicates::prelude::*;
use serde_json::Value;
use sipmsrp::capture::writer::{self as w, PcapWriter, TcpFlow};

fn sipmsrp() -> Command {
    let mut c = Command::cargo_bin("sipmsrp").unwrap();
    c.env_remove("NO_COLOR").env_remove("SIPMSRP_PROGRESS");
    c
}

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

/// A pcap of Ethernet frames, one a second from 2023-11-14T22:13:20Z.
/// Returns it and the byte offset of each record.
fn pcap_of(ips: &[Vec<u8>]) -> (Vec<u8>, Vec<u64>) {
    let mut pw = PcapWriter::new(Vec::new(), 1).unwrap();
    let mut offsets = Vec::new();
    let mut at = 24u64;
    for (i, ip) in ips.iter().enumerate() {
        let frame = w::eth(ip);
        offsets.push(at);
        at += 16 + frame.len() as u64;
        pw.write_packet(1_700_000_000 + i as u32, 0, &frame)
            .unwrap();
    }
    (pw.into_inner(), offsets)
}

fn write_temp(dir: &Path, name: &str, data: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p.to_string_lossy().into_owned()
}

fn lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8(out.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect()
}

fn send(tid: &str, mid: &str, range: &str, flag: char, body: &[u8]) -> Vec<u8> {
    let mut v = format!(
        "MSRP {tid} SEND\r\nTo-Path: msrp://b.example.com:2855/s2;tcp\r\nFrom-Path: msrp://a.example.com:2855/s1;tcp\r\nMessage-ID: {mid}\r\nByte-Range: {range}\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    v.extend_from_slice(body);
    v.extend_from_slice(format!("\r\n-------{tid}{flag}\r\n").as_bytes());
    v
}

fn sip(first: &str, call_id: &str, extra: &str) -> Vec<u8> {
    format!(
        "{first}\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK{call_id}\r\nMax-Forwards: 70\r\nTo: <sip:bob@example.com>\r\nFrom: <sip:alice@example.com>;tag=1\r\nCall-ID: {call_id}\r\nCSeq: 1 MESSAGE\r\n{extra}Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"
    )
    .into_bytes()
}

fn body_bytes(m: &Value) -> Vec<u8> {
    let b = &m["body"];
    match b["text"].as_str() {
        Some(t) => t.as_bytes().to_vec(),
        None => base64::engine::general_purpose::STANDARD
            .decode(b["text_base64"].as_str().expect("text or text_base64"))
            .unwrap(),
    }
}

/// A body that is not UTF-8 and holds a foreign end-line and CRLFs.
fn binary_body() -> Vec<u8> {
    let mut body: Vec<u8> = Vec::new();
    for i in 0..10 {
        body.extend(0..=255u8);
        if i == 4 {
            body.extend_from_slice(b"\r\n-------zzzz9$\r\n");
        }
    }
    body
}

#[test]
fn chunked_msrp_over_tcp_reassembles_byte_exact() {
    let body = binary_body();
    let n = body.len();
    let cuts = [0, 700, 1400, 2100, n];
    let flags = ['+', '+', '+', '$'];
    let chunks: Vec<Vec<u8>> = (0..4)
        .map(|i| {
            send(
                &format!("chunk{i}x"),
                "big-1",
                &format!("{}-{}/{n}", cuts[i] + 1, cuts[i + 1]),
                flags[i],
                &body[cuts[i]..cuts[i + 1]],
            )
        })
        .collect();
    // Out of order on the MSRP level: 2, 1, 4, 3.
    let stream: Vec<u8> = [&chunks[1], &chunks[0], &chunks[3], &chunks[2]]
        .iter()
        .flat_map(|c| c.iter().copied())
        .collect();
    let mut t = TcpFlow::new(addr("192.0.2.1:40000"), addr("192.0.2.2:2855"));
    let mut pk = t.handshake();
    // And on the TCP level: segments split anywhere, two swapped.
    let mut segs = t.send(true, &stream, &[333, 1460, 17, 700]);
    segs.swap(2, 3);
    let nsegs = segs.len();
    pk.extend(segs);
    pk.push(w::ip_udp(
        addr("192.0.2.7:5060"),
        addr("192.0.2.8:5060"),
        &sip("MESSAGE sip:bob@example.com SIP/2.0", "udp-1", ""),
    ));
    pk.push(t.fin(true));
    let (pcap, _) = pcap_of(&pk);
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "chunks.pcap", &pcap);

    // Without --reassemble: the four SENDs as they are.
    let out = sipmsrp()
        .args(["parse", "-f", "jsonl", &p])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = lines(&out.stdout);
    let sends: Vec<&Value> = v.iter().filter(|m| m["method"] == "SEND").collect();
    assert_eq!(sends.len(), 4);
    assert!(v.iter().all(|m| m.get("reassembled").is_none()));

    // With it: one message, the whole body byte for byte.
    let out = sipmsrp()
        .args(["parse", "--reassemble", "-f", "jsonl", &p])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = lines(&out.stdout);
    let sends: Vec<&Value> = v.iter().filter(|m| m["method"] == "SEND").collect();
    assert_eq!(sends.len(), 1, "{v:?}");
    let m = sends[0];
    assert_eq!(body_bytes(m), body);
    assert_eq!(m["body"]["length"], n);
    assert_eq!(m["findings"], serde_json::json!([]));
    assert_eq!(m["continuation"], "$");
    assert_eq!(m["transaction_id"], "chunk0x");
    assert_eq!(
        m["byte_range"],
        serde_json::json!({"start": 1, "end": n, "total": n})
    );
    let r = &m["reassembled"];
    assert_eq!(r["complete"], true);
    assert_eq!(r["aborted"], false);
    assert_eq!(r["total"], n);
    assert_eq!(r["received"], 4);
    let starts: Vec<u64> = r["chunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["start"].as_u64().unwrap())
        .collect();
    assert_eq!(starts, [1, 701, 1401, 2101]);
    let tids: Vec<&str> = r["chunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["transaction_id"].as_str().unwrap())
        .collect();
    assert_eq!(tids, ["chunk0x", "chunk1x", "chunk2x", "chunk3x"]);
    // Completed by the last TCP segment's frame (handshake: frames 1-3);
    // built from every segment's frame.
    let cap = &m["source"]["capture"];
    assert_eq!(cap["frame"], 3 + nsegs as u64);
    let frames: Vec<u64> = cap["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_u64().unwrap())
        .collect();
    assert_eq!(frames, (4..4 + nsegs as u64).collect::<Vec<_>>());
    // The SIP message over UDP, in the frame after the last segment, is
    // untouched and comes after the joined message.
    assert_eq!(v.len(), 2);
    assert_eq!(v[1]["call_id"], "udp-1");

    // The human view says it.
    sipmsrp()
        .args(["parse", "--reassemble", &p])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "reassembled from 4 chunks (complete)",
        ))
        .stdout(predicate::str::contains("Byte-Range: 1-2577/2577"));
}

#[test]
fn reassembly_findings_point_at_their_chunks() {
    let mut text = Vec::new();
    let mut line_of = std::collections::HashMap::new();
    let mut add =
        |text: &mut Vec<u8>, tid: &str, mid: &str, range: &str, flag: char, body: &[u8]| {
            let line = text.iter().filter(|&&b| b == b'\n').count() + 1;
            line_of.insert(tid.to_string(), line);
            text.extend(send(tid, mid, range, flag, body));
        };
    // `*` totals, last chunk first.
    add(&mut text, "star2xx", "star", "6-*/*", '$', b", world");
    add(&mut text, "star1xx", "star", "1-5/*", '+', b"Hello");
    // Aborted.
    add(&mut text, "abrt1xx", "abort", "1-5/10", '+', b"Hello");
    add(&mut text, "abrt2xx", "abort", "6-7/10", '#', b"ab");
    // A gap that is never filled.
    add(&mut text, "gap1xxx", "gap", "1-5/20", '+', b"Hello");
    add(&mut text, "gap2xxx", "gap", "11-20/20", '$', b"ABCDEFGHIJ");
    // Overlap with different bytes.
    add(&mut text, "ovl1xxx", "overlap", "1-6/10", '+', b"Hello,");
    add(&mut text, "ovl2xxx", "overlap", "5-10/10", '$', b"XX you");
    // A duplicate before completion, and one after.
    add(&mut text, "dup1xxx", "dup", "1-5/10", '+', b"Hello");
    add(&mut text, "dup2xxx", "dup", "1-5/10", '+', b"Hello");
    add(&mut text, "dup3xxx", "dup", "6-10/10", '$', b"World");
    add(&mut text, "dup4xxx", "dup", "6-10/10", '$', b"World");
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "chunks.msrp", &text);
    let out = sipmsrp()
        .args(["parse", "--reassemble", "-f", "jsonl", &p])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "errors are findings");
    let v = lines(&out.stdout);
    let by_id = |id: &str| -> Vec<&Value> { v.iter().filter(|m| m["message_id"] == id).collect() };
    let finding = |m: &Value, code: &str| -> Value {
        m["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {}", m["findings"]))
            .clone()
    };

    let star = by_id("star");
    assert_eq!(star.len(), 1);
    assert_eq!(body_bytes(star[0]), b"Hello, world");
    assert_eq!(star[0]["reassembled"]["complete"], true);
    assert_eq!(star[0]["reassembled"]["total"], 12);
    assert_eq!(star[0]["findings"], serde_json::json!([]));
    // Shown from the chunk that starts at byte 1, though it came second.
    assert_eq!(star[0]["source"]["line"], line_of["star1xx"]);

    let abort = by_id("abort");
    assert_eq!(abort.len(), 1);
    assert_eq!(abort[0]["continuation"], "#");
    assert_eq!(abort[0]["reassembled"]["aborted"], true);
    let f = finding(abort[0], "msrp-chunk-aborted");
    assert_eq!(f["line"], line_of["abrt2xx"]);
    assert_eq!(f["severity"], "error");

    let gap = by_id("gap");
    assert_eq!(gap.len(), 1);
    assert_eq!(gap[0]["reassembled"]["complete"], false);
    assert_eq!(gap[0]["continuation"], "+");
    assert_eq!(body_bytes(gap[0]), b"Hello");
    let f = finding(gap[0], "msrp-chunk-gap");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("bytes 6-10 are missing")
    );
    assert_eq!(f["line"], line_of["gap2xxx"]);

    let ovl = by_id("overlap");
    assert_eq!(body_bytes(ovl[0]), b"Hello, you");
    let f = finding(ovl[0], "msrp-chunk-conflict");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["line"], line_of["ovl2xxx"]);

    let dup = by_id("dup");
    assert_eq!(dup.len(), 2, "the whole message, then the late chunk alone");
    assert_eq!(body_bytes(dup[0]), b"HelloWorld");
    assert_eq!(dup[0]["reassembled"]["received"], 3);
    let f = finding(dup[0], "msrp-chunk-duplicate");
    assert_eq!(f["line"], line_of["dup2xxx"]);
    assert!(dup[1].get("reassembled").is_none());
    assert_eq!(dup[1]["transaction_id"], "dup4xxx");
    let f = finding(dup[1], "msrp-chunk-duplicate");
    assert_eq!(f["line"], line_of["dup4xxx"]);
    assert_eq!(f["severity"], "warning");
}

#[test]
fn gap_and_junk_findings_carry_frames_and_record_offsets() {
    let mut t = TcpFlow::new(addr("10.0.0.1:40004"), addr("10.0.0.2:2855"));
    let a = send("aaaa1", "m1", "1-5/5", '$', b"hello");
    let b = send("bbbb1", "m2", "1-300/300", '$', &[b'y'; 300]);
    let c = send("cccc1", "m3", "1-5/5", '$', b"world");
    let data = [a.clone(), b, c].concat();
    let mut pk = t.handshake(); // frames 1-3
    let mut segs = t.send(true, &data, &[a.len(), 100]);
    segs.remove(2); // lose a segment: frame 5 is followed by frame 6 after the hole
    pk.extend(segs);
    pk.push(t.ack(false, data.len() as u32));
    // Junk on a forced UDP port, last.
    pk.push(w::ip_udp(
        addr("10.0.0.1:7000"),
        addr("10.0.0.2:7001"),
        b"not sip at all\r\n",
    ));
    let junk_frame = pk.len() as u64;
    let (pcap, offsets) = pcap_of(&pk);
    let out = sipmsrp()
        .args(["parse", "-f", "jsonl", "--port", "7001", "-"])
        .write_stdin(pcap)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = lines(&out.stdout);
    let gap = v
        .iter()
        .find(|x| x["type"] == "finding" && x["code"] == "tcp-gap")
        .expect("a gap finding");
    assert_eq!(gap["frame"], 6);
    assert_eq!(gap["frames"], serde_json::json!([5, 6]));
    assert_eq!(gap["offset"], offsets[5]);
    assert!(
        gap["message"].as_str().unwrap().contains(&format!(
            "records at bytes {} and {}",
            offsets[4], offsets[5]
        )),
        "{}",
        gap["message"]
    );
    let junk = v
        .iter()
        .find(|x| x["type"] == "finding" && x["code"] == "capture-junk")
        .expect("a junk finding");
    assert_eq!(junk["frame"], junk_frame);
    assert_eq!(junk["frames"], serde_json::json!([junk_frame]));
    assert_eq!(junk["offset"], offsets[junk_frame as usize - 1]);
    // Read from a file and rendered on several threads: the same lines.
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(dir.path(), "gap.pcap", &pcap_of(&pk).0);
    let threaded = sipmsrp()
        .env("SIPMSRP_BATCH_BYTES", "1")
        .args(["parse", "-f", "jsonl", "-j", "3", "--port", "7001", &file])
        .output()
        .unwrap();
    assert_eq!(threaded.status.code(), Some(1));
    let threaded = String::from_utf8(threaded.stdout)
        .unwrap()
        .replace(&serde_json::to_string(&file).unwrap(), "\"<stdin>\"");
    assert_eq!(lines(threaded.as_bytes()), v);
    // The human view names frame and byte.
    let out = sipmsrp()
        .args(["parse", "--port", "7001", "-"])
        .write_stdin(pcap_of(&pk).0)
        .output()
        .unwrap();
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(
        human.contains(&format!("frame 6 (byte {}): error[tcp-gap]", offsets[5])),
        "{human}"
    );
}

/// Enough UDP SIP for a few progress redraws.
fn many_messages() -> Vec<u8> {
    let pk: Vec<Vec<u8>> = (0..300)
        .map(|i| {
            w::ip_udp(
                addr("10.0.0.1:5060"),
                addr("10.0.0.2:5060"),
                &sip("MESSAGE sip:bob@example.com SIP/2.0", &format!("p{i}"), ""),
            )
        })
        .collect();
    pcap_of(&pk).0
}

#[test]
fn no_progress_line_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "many.pcap", &many_messages());
    // Without the one-second delay, so that only the terminal test keeps
    // the line away.
    for args in [
        vec!["parse", "--summary", p.as_str()],
        vec!["lint", p.as_str()],
        vec!["summary", p.as_str()],
        vec!["encap", p.as_str()],
    ] {
        let out = sipmsrp()
            .env("SIPMSRP_PROGRESS_DELAY_MS", "0")
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(
            !out.stderr.contains(&b'\r') && !out.stderr.contains(&0x1b),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The line exists, and is erased at the end, when it is forced.
    let out = sipmsrp()
        .env("SIPMSRP_PROGRESS", "always")
        .env("SIPMSRP_PROGRESS_DELAY_MS", "0")
        .args(["parse", "--summary", &p])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.starts_with("\r\x1b[2Ksipmsrp: "), "{err:?}");
    assert!(err.contains("many.pcap: "), "{err:?}");
    assert!(err.contains(" B / "), "{err:?}");
    assert!(err.ends_with("\r\x1b[2K"), "{err:?}");
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 300);
}

#[test]
fn json_array_of_a_streamed_capture_is_one_valid_document() {
    let out = sipmsrp()
        .args(["parse", "-f", "json", "-"])
        .write_stdin(many_messages())
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON array");
    let a = v.as_array().unwrap();
    assert_eq!(a.len(), 300);
    assert_eq!(a[299]["call_id"], "p299");
}

#[test]
fn summary_reads_stored_messages_from_a_capture_with_its_time_as_date() {
    let dated = sip(
        "MESSAGE sip:bob@example.com SIP/2.0",
        "with-date",
        "Date: Thu, 21 Feb 2002 13:02:03 GMT\r\n",
    );
    let undated = sip("MESSAGE sip:bob@example.com SIP/2.0", "without-date", "");
    let pk: Vec<Vec<u8>> = [dated, undated]
        .iter()
        .map(|m| w::ip_udp(addr("10.0.0.1:5060"), addr("10.0.0.2:5060"), m))
        .collect();
    let (pcap, _) = pcap_of(&pk);
    let out = sipmsrp()
        .args(["summary", "-"])
        .write_stdin(pcap.clone())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let body = String::from_utf8(out.stdout).unwrap();
    assert!(body.contains("Text-Message: 2/0"), "{body}");
    assert!(
        body.contains("Date: Thu, 21 Feb 2002 13:02:03 GMT\r\nMessage-ID: with-date"),
        "{body}"
    );
    // Frame 2 was captured at 2023-11-14T22:13:21Z.
    assert!(
        body.contains("Date: Tue, 14 Nov 2023 22:13:21 GMT\r\nMessage-ID: without-date"),
        "{body}"
    );
    assert!(out.stderr.is_empty(), "no missing-Date warning");
    // --date wins over the capture time.
    let out = sipmsrp()
        .args(["summary", "--date", "Mon, 01 Jan 2024 00:00:00 GMT", "-"])
        .write_stdin(pcap)
        .output()
        .unwrap();
    let body = String::from_utf8(out.stdout).unwrap();
    assert!(body.contains("Date: Mon, 01 Jan 2024 00:00:00 GMT\r\nMessage-ID: without-date"));
    assert!(body.contains("Date: Thu, 21 Feb 2002 13:02:03 GMT\r\nMessage-ID: with-date"));
}

#[test]
fn lint_reads_a_capture_and_names_the_frame() {
    let clean = sip("MESSAGE sip:bob@example.com SIP/2.0", "clean", "");
    let bad = String::from_utf8(sip("MESSAGE sip:bob@example.com SIP/2.0", "bad", ""))
        .unwrap()
        .replace("CSeq: 1 MESSAGE", "CSeq: 1 INVITE")
        .into_bytes();
    let pk: Vec<Vec<u8>> = [clean.clone(), bad, clean]
        .iter()
        .map(|m| w::ip_udp(addr("10.0.0.1:5060"), addr("10.0.0.2:5060"), m))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "lint.pcap", &pcap_of(&pk).0);
    let out = sipmsrp()
        .args(["lint", "--format", "json", &p])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = v
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "cseq-method-mismatch")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(f["frame"], 2);
    assert_eq!(f["file"], p.as_str());
    // Line 7 of the message in frame 2 is its CSeq.
    assert_eq!(f["line"], 7);
    let out = sipmsrp().args(["lint", &p]).output().unwrap();
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(human.contains("(frame 2)"), "{human}");
    assert!(human.contains("CSeq: 1 INVITE"), "{human}");
    assert!(human.contains("3 messages checked"), "{human}");
}

#[test]
fn a_missing_later_input_fails_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "many.pcap", &many_messages());
    let missing = dir.path().join("missing.pcap");
    for cmd in ["parse", "lint", "summary", "encap"] {
        let mut c = sipmsrp();
        c.arg(cmd);
        if cmd == "parse" {
            c.args(["-f", "json"]);
        }
        c.arg(&p).arg(&missing);
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        assert!(
            out.stdout.is_empty(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("missing.pcap: cannot read"),
            "{cmd}"
        );
    }
}
