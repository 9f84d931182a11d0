//! Integration tests of `sipmsrp parse`, driving the real binary.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn sipmsrp() -> Command {
    let mut c = Command::cargo_bin("sipmsrp").unwrap();
    c.env_remove("NO_COLOR");
    c
}

/// Run `parse --format jsonl` and return (exit code, message objects).
fn jsonl(path: &str) -> (i32, Vec<Value>) {
    let out = sipmsrp()
        .args(["parse", "--format", "jsonl", path])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "panic on {path}"
    );
    let values = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect();
    (out.status.code().unwrap(), values)
}

fn messages(values: &[Value]) -> Vec<&Value> {
    values.iter().filter(|v| v["type"] == "message").collect()
}

fn codes(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_clean_sample_parses_without_findings() {
    for name in [
        "pager-message.sip",
        "pager-message-anonymous.sip",
        "lmm-session.txt",
        "lmm-session-one-send.txt",
        "message-summary-notify.sip",
        "pushed-pager.msrp",
        "pushed-lmm.msrp",
        "mixed-capture.txt",
    ] {
        let path = format!("samples/{name}");
        let (code, values) = jsonl(&path);
        let msgs = messages(&values);
        assert!(!msgs.is_empty(), "{name}: no message");
        for m in &msgs {
            assert_eq!(codes(m), Vec::<String>::new(), "{name}");
            assert_eq!(m["schema_version"], 1);
        }
        assert_eq!(code, 0, "{name}");
    }
}

#[test]
fn lmm_session_frames_into_six_messages_in_order() {
    let (_, values) = jsonl("samples/lmm-session.txt");
    let starts: Vec<_> = messages(&values)
        .iter()
        .map(|m| m["start_line"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        starts,
        [
            "INVITE sip:user2@imserver.com SIP/2.0",
            "SIP/2.0 200 OK",
            "ACK sip:user2@imserver.com SIP/2.0",
            "MSRP dkei38sd SEND",
            "MSRP dkei38se SEND",
            "BYE sip:user2@imserver.com SIP/2.0"
        ]
    );
    let first = &messages(&values)[3];
    assert_eq!(first["continuation"], "+");
    assert_eq!(first["byte_range"]["start"], 1);
    assert_eq!(first["transaction_id"], "dkei38sd");
}

#[test]
fn json_carries_headers_in_wire_order_with_canonical_names() {
    let (code, values) = jsonl("tests/fixtures/parse/compact.sip");
    assert_eq!(code, 0);
    let m = messages(&values)[0];
    let headers = m["headers"].as_array().unwrap();
    let pairs: Vec<(String, String)> = headers
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap().to_string(),
                h["canonical"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(pairs[0], ("v".into(), "Via".into()));
    assert_eq!(pairs[1], ("f".into(), "From".into()));
    assert_eq!(pairs[3], ("i".into(), "Call-ID".into()));
    assert_eq!(pairs[7], ("l".into(), "Content-Length".into()));
    assert_eq!(m["call_id"], "compact-1@example.com");
    assert_eq!(m["method"], "INVITE");
    assert_eq!(m["cseq"]["number"], 7);
    assert_eq!(m["source"]["line"], 1);
}

#[test]
fn pushed_send_shows_nested_parts() {
    let (_, values) = jsonl("samples/pushed-lmm.msrp");
    let m = messages(&values)[0];
    let parts = m["body"]["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0]["body"]["content_type"], "message/sipfrag");
    assert_eq!(parts[0]["body"]["message"]["call_id"], "3413an89KU");
    let frag = &parts[1]["body"]["message"];
    assert_eq!(frag["protocol"], "msrp");
    assert_eq!(frag["message_id"], "msg456");
    assert_eq!(frag["body"]["text"], "Hi, Alice!  I'm Bob!");
}

#[test]
fn binary_body_goes_out_as_base64_never_lossy() {
    let (_, values) = jsonl("tests/fixtures/parse/binary-body.sip");
    let body = &messages(&values)[0]["body"];
    assert_eq!(body["text_base64"], "/wD+AQ==");
    assert!(body.get("text").is_none());
}

#[test]
fn json_format_is_one_array() {
    let out = sipmsrp()
        .args(["parse", "--format", "json", "samples/lmm-session.txt"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 6);
}

#[test]
fn filters_select_by_protocol_method_and_call_id() {
    let count = |args: &[&str]| {
        let out = sipmsrp()
            .args(["parse", "--summary", "samples/lmm-session.txt"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().lines().count()
    };
    assert_eq!(count(&["--protocol", "msrp"]), 2);
    assert_eq!(count(&["--protocol", "sip"]), 4);
    // A response matches the method of its CSeq.
    assert_eq!(count(&["--method", "INVITE"]), 2);
    assert_eq!(count(&["--method", "BYE"]), 1);
    assert_eq!(count(&["--call-id", "msg456"]), 2);
    assert_eq!(count(&["--call-id", "nope"]), 0);
}

#[test]
fn summary_line_names_position_protocol_start_line_and_id() {
    sipmsrp()
        .args(["parse", "--summary", "samples/pager-message.sip"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "samples/pager-message.sip:1:1\tsip\tMESSAGE sip:user2@imserver.com SIP/2.0\tasd88asd77a@1.2.3.4",
        ));
}

#[test]
fn human_view_is_plain_when_not_a_terminal_and_coloured_on_request() {
    sipmsrp()
        .args(["parse", "samples/pager-message.sip"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "MESSAGE sip:user2@imserver.com SIP/2.0",
        ))
        .stdout(predicate::str::contains("\x1b[").not());
    sipmsrp()
        .args(["--color", "always", "parse", "samples/pager-message.sip"])
        .assert()
        .stdout(predicate::str::contains("\x1b["));
}

#[test]
fn stdin_is_read_with_dash_and_by_default() {
    let data = std::fs::read("samples/pager-message.sip").unwrap();
    sipmsrp()
        .args(["parse", "--summary", "-"])
        .write_stdin(data.clone())
        .assert()
        .success()
        .stdout(predicate::str::contains("<stdin>:1:1\tsip"));
    sipmsrp()
        .args(["parse", "--summary"])
        .write_stdin(data)
        .assert()
        .success();
}

#[test]
fn unreadable_file_and_nothing_parseable_exit_2_naming_the_file() {
    sipmsrp()
        .args(["parse", "no/such/file.sip"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/file.sip"));
    sipmsrp()
        .args(["parse", "-"])
        .write_stdin("just some text\nnothing here\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no SIP or MSRP message found"));
}

#[test]
fn closed_pipe_ends_quietly() {
    // Many messages so the writer hits the closed pipe.
    let one = std::fs::read("samples/pager-message.sip").unwrap();
    let data: Vec<u8> = one.iter().copied().cycle().take(one.len() * 5000).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.sip");
    std::fs::write(&path, data).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("sipmsrp");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' parse '{}' | head -n 1",
            bin.display(),
            path.display()
        ))
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("Broken pipe"), "{err}");
}

/// (fixture, expected finding code on the first message)
const BAD: &[(&str, &str)] = &[
    ("truncated.sip", "content-length-exceeds-body"),
    ("cl-larger.sip", "content-length-exceeds-body"),
    ("cl-huge.sip", "content-length-invalid"),
    ("cl-negative.sip", "content-length-invalid"),
    ("cl-nonnumeric.sip", "content-length-invalid"),
    ("wrong-end-line.msrp", "msrp-end-line-mismatch"),
    ("unclosed-boundary.msrp", "multipart-unclosed"),
];

#[test]
fn bad_inputs_get_a_finding_with_a_position() {
    for (name, want) in BAD {
        let path = format!("tests/fixtures/parse/{name}");
        let (code, values) = jsonl(&path);
        assert_eq!(code, 1, "{name}");
        let m = messages(&values)[0];
        let f = m["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == *want)
            .unwrap_or_else(|| panic!("{name}: no {want} in {:?}", codes(m)));
        assert!(f["line"].as_u64().unwrap() >= 1, "{name}");
        assert!(f["column"].as_u64().unwrap() >= 1, "{name}");
        assert_eq!(f["file"], path.as_str());
    }
}

#[test]
fn truncated_message_is_still_returned_marked() {
    let (_, values) = jsonl("tests/fixtures/parse/truncated.sip");
    let m = messages(&values)[0];
    assert_eq!(m["truncated"], true);
    assert_eq!(m["call_id"], "c1@example.com");
}

#[test]
fn garbage_before_between_and_after_is_junk_with_positions() {
    let (code, values) = jsonl("tests/fixtures/parse/garbage-around.bin");
    // Binary garbage is not a broken message: warnings, exit 0.
    assert_eq!(code, 0);
    assert_eq!(messages(&values).len(), 2);
    let junk: Vec<_> = values.iter().filter(|v| v["type"] == "junk").collect();
    assert_eq!(junk.len(), 3);
    for j in &junk {
        assert_eq!(codes(j), ["not-sip-or-msrp"]);
        assert_eq!(j["findings"][0]["severity"], "warning");
    }
    assert_eq!(junk[0]["source"]["offset"], 0);
    assert!(junk[1]["source"]["offset"].as_u64().unwrap() > 0);
}

fn write_temp(dir: &Path, name: &str, data: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn ten_megabyte_header_line_is_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = b"MESSAGE sip:a@b SIP/2.0\r\nX-Big: ".to_vec();
    data.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    data.extend_from_slice(b"\r\nCall-ID: big\r\nContent-Length: 0\r\n\r\n");
    let p = write_temp(dir.path(), "big.sip", &data);
    let (code, values) = jsonl(&p);
    assert_eq!(code, 1);
    let m = messages(&values)[0];
    assert!(codes(m).contains(&"header-line-too-long".to_string()));
    assert_eq!(m["call_id"], "big");
}

#[test]
fn ten_thousand_headers_hit_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = b"MESSAGE sip:a@b SIP/2.0\r\n".to_vec();
    for i in 0..10_000 {
        data.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    data.extend_from_slice(b"Content-Length: 0\r\n\r\n");
    let p = write_temp(dir.path(), "many.sip", &data);
    let (code, values) = jsonl(&p);
    assert_eq!(code, 1);
    let m = messages(&values)[0];
    assert!(codes(m).contains(&"too-many-headers".to_string()));
    assert_eq!(m["headers"].as_array().unwrap().len(), 1000);
}

#[test]
fn multipart_nested_ten_thousand_deep_stops_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = Vec::new();
    for i in 0..10_000 {
        body.extend_from_slice(
            format!(
                "--b{i}\r\nContent-Type: multipart/mixed; boundary=b{}\r\n\r\n",
                i + 1
            )
            .as_bytes(),
        );
    }
    let mut data = format!(
        "MESSAGE sip:a@b SIP/2.0\r\nCall-ID: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    data.extend_from_slice(&body);
    let p = write_temp(dir.path(), "deep.sip", &data);
    let (code, values) = jsonl(&p);
    assert_eq!(code, 1);
    assert!(codes(messages(&values)[0]).contains(&"nesting-too-deep".to_string()));
}

#[test]
fn pasted_document_text_is_accepted_with_leniency_findings() {
    // Indented with U+00A0 and bare LF, as in the source documents.
    let text = "Stored message:\n\n\u{a0}\u{a0} MESSAGE sip:user2@imserver.com SIP/2.0\n\u{a0}\u{a0} Call-ID: asd88asd77a@1.2.3.4\n\u{a0}\u{a0} Content-Length: 18\n\n\u{a0}\u{a0} Watson, come here.\n";
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "pasted.txt", text.as_bytes());
    let (code, values) = jsonl(&p);
    // Leniencies are notes and prose is a warning: exit 0.
    assert_eq!(code, 0);
    let m = messages(&values)[0];
    assert_eq!(m["call_id"], "asd88asd77a@1.2.3.4");
    assert_eq!(m["body"]["text"], "Watson, come here.");
    let c = codes(m);
    assert!(c.contains(&"indented-message".to_string()), "{c:?}");
    assert!(c.contains(&"bare-lf".to_string()), "{c:?}");
    // Positions point into the original file: the start line is line 3.
    assert_eq!(m["source"]["line"], 3);
}

/// A pcap with two SIP messages over UDP and one MSRP SEND split over two
/// TCP segments, built with the crate's capture writer.
fn generated_capture() -> Vec<u8> {
    use sipmsrp::capture::writer::{self as w, PcapWriter, TcpFlow};
    let sip = std::fs::read("samples/pager-message.sip").unwrap();
    let send = b"MSRP a786hjs2 SEND\r\nTo-Path: msrp://b.example.com:8888/9di4ea;tcp\r\nFrom-Path: msrp://a.example.com:7777/iau39;tcp\r\nMessage-ID: 87652491\r\nByte-Range: 1-5/5\r\nContent-Type: text/plain\r\n\r\nhello\r\n-------a786hjs2$\r\n";
    let mut pw = PcapWriter::new(Vec::new(), 1).unwrap();
    let udp = w::ipv4(
        [192, 0, 2, 1],
        [192, 0, 2, 2],
        17,
        &w::udp(5060, 5060, &sip),
    );
    pw.write_packet(1_700_000_000, 0, &w::eth(&udp)).unwrap();
    let flow = TcpFlow::new(
        "192.0.2.1:40000".parse().unwrap(),
        "192.0.2.2:2855".parse().unwrap(),
    );
    pw.write_packet(
        1_700_000_001,
        0,
        &w::eth(&flow.segment(true, 0, &send[..40])),
    )
    .unwrap();
    pw.write_packet(
        1_700_000_002,
        0,
        &w::eth(&flow.segment(true, 40, &send[40..])),
    )
    .unwrap();
    pw.write_packet(1_700_000_003, 0, &w::eth(&udp)).unwrap();
    pw.into_inner()
}

#[test]
fn captures_are_parsed_with_frame_time_and_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "c.pcap", &generated_capture());
    let (code, values) = jsonl(&p);
    assert_eq!(code, 0, "{values:?}");
    let msgs = messages(&values);
    assert_eq!(msgs.len(), 3);
    let frames: Vec<_> = msgs
        .iter()
        .map(|m| m["source"]["capture"]["frame"].as_u64().unwrap())
        .collect();
    assert_eq!(frames, [1, 3, 4]);
    let msrp = msgs[1];
    assert_eq!(msrp["protocol"], "msrp");
    assert_eq!(
        msrp["source"]["capture"]["frames"],
        serde_json::json!([2, 3])
    );
    assert_eq!(msrp["source"]["capture"]["transport"], "tcp");
    assert_eq!(msrp["source"]["capture"]["src"], "192.0.2.1:40000");
    assert_eq!(msrp["body"]["text"], "hello");
    assert_eq!(
        msgs[0]["source"]["capture"]["timestamp"],
        "2023-11-14T22:13:20Z"
    );
    // And from standard input, with the one-line summary.
    sipmsrp()
        .args(["parse", "--summary", "-"])
        .write_stdin(generated_capture())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "3\t2023-11-14T22:13:22Z\t192.0.2.1:40000 → 192.0.2.2:2855\tmsrp\tMSRP a786hjs2 SEND\t87652491",
        ));
}

#[test]
fn capture_without_sip_exits_0_with_a_note() {
    use sipmsrp::capture::writer::{self as w, PcapWriter};
    let mut pw = PcapWriter::new(Vec::new(), 1).unwrap();
    let udp = w::ipv4(
        [192, 0, 2, 1],
        [192, 0, 2, 2],
        17,
        &w::udp(53, 53, b"\x12\x34dns"),
    );
    pw.write_packet(0, 0, &w::eth(&udp)).unwrap();
    sipmsrp()
        .args(["parse", "-"])
        .write_stdin(pw.into_inner())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "no SIP or MSRP message found in the capture",
        ));
}

/// Text on a pipe is framed as it is read: a message is printed as soon as
/// its last byte has arrived, while the writer keeps the pipe open
/// (`tail -f log | sipmsrp parse --summary -`).
#[test]
fn stdin_messages_come_out_before_the_input_ends() {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::mpsc;
    use std::time::Duration;
    let bin = assert_cmd::cargo::cargo_bin("sipmsrp");
    let mut child = std::process::Command::new(bin)
        .args(["parse", "--summary", "-"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let one = std::fs::read("samples/pager-message.sip").unwrap();
    for round in 0..2 {
        stdin.write_all(&one).unwrap();
        stdin.flush().unwrap();
        // The pipe stays open: the line must come anyway.
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("message {round} not printed while the input is open"));
        assert!(line.contains("MESSAGE"), "{line}");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
    assert!(rx.try_recv().is_err(), "nothing more after the input ends");
}

/// A text input larger than the read size frames the same on a pipe as
/// from a file, with messages straddling every read boundary.
#[test]
fn stdin_and_file_give_the_same_output() {
    let mut data = Vec::new();
    for name in [
        "samples/pager-message.sip",
        "samples/lmm-session.txt",
        "samples/mixed-capture.txt",
        "samples/pushed-lmm.msrp",
    ] {
        data.extend(std::fs::read(name).unwrap());
    }
    let data: Vec<u8> = data
        .iter()
        .copied()
        .cycle()
        .take(data.len() * 200)
        .collect();
    assert!(data.len() > 1 << 20, "several reads");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.txt");
    std::fs::write(&path, &data).unwrap();
    let from_file = sipmsrp()
        .args(["parse", "--format", "jsonl"])
        .arg(&path)
        .output()
        .unwrap();
    let from_pipe = sipmsrp()
        .args(["parse", "--format", "jsonl", "-"])
        .write_stdin(data)
        .output()
        .unwrap();
    assert_eq!(from_file.status.code(), from_pipe.status.code());
    let file_name = path.display().to_string();
    let a = String::from_utf8(from_file.stdout).unwrap();
    let b = String::from_utf8(from_pipe.stdout)
        .unwrap()
        .replace("\"<stdin>\"", &serde_json::to_string(&file_name).unwrap());
    assert!(a.lines().count() > 1000);
    assert_eq!(a, b);
}

/// `parse --format jsonl --max-message 65536` of `data`, from a file and from
/// standard input: (from stdin?, exit code, objects) for each.
fn jsonl_file_and_stdin(data: &[u8]) -> Vec<(bool, Option<i32>, Vec<Value>)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.txt");
    std::fs::write(&path, data).unwrap();
    [false, true]
        .into_iter()
        .map(|stdin| {
            let mut cmd = sipmsrp();
            cmd.args(["parse", "--format", "jsonl", "--max-message", "65536"]);
            if stdin {
                cmd.arg("-").write_stdin(data.to_vec());
            } else {
                cmd.arg(&path);
            }
            let out = cmd.output().unwrap();
            let values = String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            (stdin, out.status.code(), values)
        })
        .collect()
}

/// Junk larger than the message limit (and than what the stream holds) is
/// reported as it is read, in pieces of at least the limit that join end to
/// end and cover it whole, from a file and from a pipe alike ("Bounded,
/// linear, lossless", item 7: an endless input gets findings as it goes).
#[test]
fn junk_larger_than_the_stream_holds_comes_in_pieces_that_cover_it() {
    let one = std::fs::read("samples/pager-message.sip").unwrap();
    let mut junk: Vec<u8> = (0..3 * 1024 * 1024u32)
        .map(|i| b'a' + (i % 26) as u8)
        .collect();
    junk.extend(b"\r\n");
    let mut data = one.clone();
    data.extend(&junk);
    data.extend(&one);
    for (stdin, code, values) in jsonl_file_and_stdin(&data) {
        assert_eq!(code, Some(0), "not-sip-or-msrp is a warning");
        let types: Vec<&str> = values.iter().map(|v| v["type"].as_str().unwrap()).collect();
        let n = types.len();
        assert!(n > 3, "stdin: {stdin}: {types:?}");
        assert_eq!(types[0], "message");
        assert!(types[1..n - 1].iter().all(|&t| t == "junk"), "{types:?}");
        assert_eq!(types[n - 1], "message");
        let mut at = one.len();
        for (i, v) in values[1..n - 1].iter().enumerate() {
            assert_eq!(v["source"]["offset"], at, "stdin: {stdin}");
            let len = v["source"]["length"].as_u64().unwrap() as usize;
            assert!(len >= 65536 || i == n - 3, "piece {i}: {len}");
            at += len;
        }
        assert_eq!(at, one.len() + junk.len());
        assert_eq!(values[n - 1]["source"]["offset"], one.len() + junk.len());
    }
}

/// A header line longer than the message limit right after the start line
/// cuts the message at the limit, as when the text is framed whole; it does
/// not turn the message into junk while the stream waits for the line's end.
#[test]
fn second_line_longer_than_the_limit_is_cut_not_junk() {
    let mut data = b"INVITE sip:a@b SIP/2.0\r\nX: ".to_vec();
    data.extend(std::iter::repeat_n(b'y', 300_000));
    for (stdin, _, values) in jsonl_file_and_stdin(&data) {
        let first = &values[0];
        assert_eq!(first["type"], "message", "stdin: {stdin}");
        assert_eq!(first["method"], "INVITE");
        assert!(first["source"]["length"].as_u64().unwrap() <= 65536);
    }
}

/// Run `parse ARGS FILE` on one thread and on three (every message its own
/// batch) and require the same output, errors and exit code.
fn same_on_threads(args: &[&str], file: &str) {
    let run = |jobs: &str| {
        sipmsrp()
            .env("SIPMSRP_BATCH_BYTES", "1")
            .args(["parse", "-j", jobs])
            .args(args)
            .arg(file)
            .output()
            .unwrap()
    };
    let one = run("1");
    let three = run("3");
    assert_eq!(one.status.code(), three.status.code(), "{args:?} {file}");
    assert_eq!(
        String::from_utf8_lossy(&one.stdout),
        String::from_utf8_lossy(&three.stdout),
        "{args:?} {file}"
    );
    assert_eq!(one.stderr, three.stderr, "{args:?} {file}");
}

#[test]
fn threads_change_nothing_in_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for d in ["samples", "tests/fixtures/parse", "tests/fixtures/lint"] {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x != "py" && x != "md") {
                files.push(p.display().to_string());
            }
        }
    }
    // Pasted text (indentation removed: rendered on the reading thread)
    // between plain messages and junk, and a capture.
    let plain = std::fs::read_to_string("samples/pager-message.sip").unwrap();
    let pasted = format!(
        "{plain}junk line\n\n\u{a0}\u{a0} MESSAGE sip:a@b.example SIP/2.0\n\u{a0}\u{a0} Call-ID: x@y\n\u{a0}\u{a0} Content-Length: 2\n\n\u{a0}\u{a0} hi\n{plain}"
    );
    files.push(write_temp(dir.path(), "pasted.txt", pasted.as_bytes()));
    // A finding at the very end of a message whose next line is pasted
    // (indented): it is placed after that line's indentation.
    files.push(write_temp(
        dir.path(),
        "unclosed-then-pasted.txt",
        b"MESSAGE sip:a@b SIP/2.0\r\nContent-Type: multipart/mixed;boundary=xx\r\n\r\n--xx\r\n\r\nhi\r\n  MESSAGE sip:a@b SIP/2.0\r\n  l: 0\r\n\r\n",
    ));
    files.push(write_temp(
        dir.path(),
        "unterminated-then-pasted.txt",
        b"MESSAGE sip:a@b SIP/2.0\r\nCall-ID: x\r\n  MESSAGE sip:a@b SIP/2.0\r\n  l: 0\r\n",
    ));
    files.push(write_temp(dir.path(), "gen.pcap", &generated_capture()));
    assert!(files.len() > 200);
    for f in &files {
        for args in [
            &["-f", "jsonl"][..],
            &["-f", "json"],
            &["--summary"],
            &["--color", "always"],
            &["-f", "jsonl", "--protocol", "msrp"],
        ] {
            same_on_threads(args, f);
        }
    }
}

#[test]
fn reassembled_body_findings_in_pasted_text_point_at_the_original_bytes() {
    // Two chunks of a multipart body; a part header without a colon lies
    // in the second chunk, three lines into its data.
    let send = |tid: &str, range: &str, flag: char, body: &str| {
        format!(
            "MSRP {tid} SEND\r\nTo-Path: msrp://b.example.com:2855/s2;tcp\r\nFrom-Path: msrp://a.example.com:2855/s1;tcp\r\nMessage-ID: m1\r\nByte-Range: {range}\r\nContent-Type: multipart/mixed;boundary=XX\r\n\r\n{body}\r\n-------{tid}{flag}\r\n"
        )
    };
    let body = "--XX\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XX\r\nthis line has no colon\r\n\r\nx\r\n--XX--";
    let n = body.len();
    let plain = send("t1", &format!("1-30/{n}"), '+', &body[..30])
        + &send("t2", &format!("31-{n}/{n}"), '$', &body[30..]);
    // The same pasted into a document, every line indented by four spaces.
    let pasted: String = std::iter::once("Stored:\r\n\r\n".to_string())
        .chain(plain.split_inclusive("\r\n").map(|l| {
            if l == "\r\n" {
                l.to_string()
            } else {
                format!("    {l}")
            }
        }))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("plain.msrp", &plain), ("pasted.txt", &pasted)] {
        let p = write_temp(dir.path(), name, text.as_bytes());
        let out = sipmsrp()
            .args(["parse", "--reassemble", "-f", "jsonl", &p])
            .output()
            .unwrap();
        let v: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let f = v
            .iter()
            .flat_map(|m| m["findings"].as_array().unwrap())
            .find(|f| f["code"] == "header-missing-colon")
            .unwrap_or_else(|| panic!("{name}: no header-missing-colon"))
            .clone();
        // Where the line really is in the file.
        let at = text.find("this line").unwrap();
        let line = text[..at].matches('\n').count() + 1;
        let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
        assert_eq!(f["offset"], at, "{name}");
        assert_eq!(f["line"], line, "{name}");
        assert_eq!(f["column"], column, "{name}");
    }
}

/// Protects framing's choice of the first Content-Length when a message
/// carries two that disagree (both framing paths: whole text and streams,
/// and captures over TCP and UDP). The first says 5, the second 0: framed by
/// the first, "hello" is the body and the next message follows cleanly;
/// framed by the second, "hello" would be junk glued to the next message.
#[test]
fn duplicate_content_length_frames_by_the_first_value() {
    use sipmsrp::capture::writer::{self, TcpFlow};
    let first = b"MESSAGE sip:b@example.com SIP/2.0\r\nCall-ID: dup-cl\r\nCSeq: 1 MESSAGE\r\nContent-Length: 5\r\nl: 0\r\n\r\nhello";
    let second = b"OPTIONS sip:b@example.com SIP/2.0\r\nCall-ID: next\r\nCSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    let text = [&first[..], &second[..]].concat();
    // The same the other way round: a second Content-Length larger than the
    // first would swallow the next message's start line.
    let swapped = String::from_utf8(text.clone())
        .unwrap()
        .replacen("Content-Length: 5\r\nl: 0", "l: 5\r\nContent-Length: 9", 1)
        .into_bytes();

    let client: std::net::SocketAddr = "192.0.2.1:5060".parse().unwrap();
    let server: std::net::SocketAddr = "192.0.2.2:5060".parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (i, bytes) in [text, swapped].into_iter().enumerate() {
        let mut tcp = TcpFlow::new(client, server);
        let mut packets = tcp.handshake();
        // Cut right after the first Content-Length line: the stream framer
        // sees the second one only in a later segment.
        let cut = bytes.windows(3).position(|w| w == b"5\r\n").unwrap() + 3;
        packets.extend(tcp.send(true, &bytes, &[cut, 7]));
        let udp = vec![
            writer::ip_udp(client, server, &bytes[..first.len()]),
            writer::ip_udp(client, server, &bytes[first.len()..]),
        ];
        let inputs = [
            ("text", bytes.clone()),
            ("tcp.pcap", raw_pcap(packets)),
            ("udp.pcap", raw_pcap(udp)),
        ];
        for (name, input) in inputs {
            let path = dir.path().join(format!("{i}-{name}"));
            std::fs::write(&path, &input).unwrap();
            for from_stdin in [false, true] {
                let mut c = sipmsrp();
                c.args(["parse", "--format", "jsonl", "--jobs", "1"]);
                if from_stdin {
                    c.arg("-").write_stdin(input.clone());
                } else {
                    c.arg(&path);
                }
                let out = c.output().unwrap();
                let values: Vec<Value> = String::from_utf8(out.stdout)
                    .unwrap()
                    .lines()
                    .map(|l| serde_json::from_str(l).unwrap())
                    .collect();
                let what = format!("{i} {name} stdin={from_stdin}");
                let msgs = messages(&values);
                assert_eq!(msgs.len(), 2, "{what}: {values:?}");
                assert_eq!(msgs[0]["body"]["text"], "hello", "{what}");
                assert_eq!(msgs[1]["method"], "OPTIONS", "{what}");
                assert_eq!(msgs[1]["call_id"], "next", "{what}");
                assert!(
                    codes(msgs[0]).contains(&"content-length-duplicate".to_string()),
                    "{what}: {:?}",
                    codes(msgs[0])
                );
                assert!(
                    values.iter().all(|v| v["type"] != "junk"),
                    "{what}: {values:?}"
                );
            }
        }
    }
}

/// Protects the one rule for bytes between messages, shared with lint: text
/// that looks like a broken message is `junk`, an error (exit 1); anything
/// else (log lines, prose) is `not-sip-or-msrp`, a warning (exit 0).
#[test]
fn junk_that_looks_like_a_message_is_an_error_other_junk_a_warning() {
    let msg = "OPTIONS sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bKj1\r\nMax-Forwards: 70\r\nTo: <sip:b@example.com>\r\nFrom: <sip:a@example.com>;tag=j1\r\nCall-ID: j1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    let dir = tempfile::tempdir().unwrap();
    for (between, code, severity, exit) in [
        (
            "2026-12-04 12:00:01 INFO sent\r\n",
            "not-sip-or-msrp",
            "warning",
            0,
        ),
        (
            "INVALID 1234 SEND\r\nTo-Path: x\r\n\r\n",
            "junk",
            "error",
            1,
        ),
    ] {
        let p = write_temp(
            dir.path(),
            "between.txt",
            format!("{msg}{between}{msg}").as_bytes(),
        );
        let (got, values) = jsonl(&p);
        let junk: Vec<_> = values.iter().filter(|v| v["type"] == "junk").collect();
        assert_eq!(junk.len(), 1, "{between:?}: {values:?}");
        assert_eq!(codes(junk[0]), [code], "{between:?}");
        assert_eq!(junk[0]["findings"][0]["severity"], severity);
        assert_eq!(got, exit, "{between:?}");
        // lint says the same of the same bytes.
        let out = sipmsrp()
            .args(["lint", "--format", "json"])
            .arg(&p)
            .output()
            .unwrap();
        let lint: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(
            lint.as_array()
                .unwrap()
                .iter()
                .any(|f| f["code"] == code && f["severity"] == severity),
            "{lint}"
        );
        assert_eq!(out.status.code(), Some(exit), "lint on {between:?}");
    }
}

/// Protects `Content-Length = 1*DIGIT` (RFC 3261 20.14): leading zeros,
/// however many, do not make the value invalid (21 digits are 5 here).
#[test]
fn content_length_with_many_leading_zeros_is_its_value() {
    let dir = tempfile::tempdir().unwrap();
    for cl in ["000000000000000000005", "0005", "5"] {
        let text = format!(
            "MESSAGE sip:b@example.com SIP/2.0\r\nCall-ID: z1\r\nCSeq: 1 MESSAGE\r\nContent-Length: {cl}\r\n\r\nhelloOPTIONS sip:b@example.com SIP/2.0\r\nCall-ID: z2\r\nCSeq: 2 OPTIONS\r\nl: 000\r\n\r\n"
        );
        let p = write_temp(dir.path(), "zeros.sip", text.as_bytes());
        let (_, values) = jsonl(&p);
        let m = messages(&values);
        assert_eq!(m.len(), 2, "{cl}: {values:?}");
        assert_eq!(m[0]["body"]["text"], "hello", "{cl}");
        assert!(!codes(m[0]).contains(&"content-length-invalid".to_string()));
        assert_eq!(m[1]["call_id"], "z2", "{cl}");
    }
}

/// Protects the bound on `--jobs`: more than 256 threads is a usage error
/// (exit 2), never an attempt to spawn them.
#[test]
fn jobs_beyond_256_is_a_usage_error() {
    for n in ["0", "257", "10000", "30000"] {
        sipmsrp()
            .args(["parse", "--jobs", n, "samples/pager-message.sip"])
            .assert()
            .code(2)
            .stdout("");
    }
    sipmsrp()
        .args(["parse", "--jobs", "256", "samples/pager-message.sip"])
        .assert()
        .code(0);
}

/// Protects framing by a Content-Length whose value is folded onto the
/// next line (`Content-Length:` then ` 11`, legal LWS, RFC 3261 7.3.1), in
/// text, over TCP and over UDP: the body is kept and the next message
/// starts cleanly (it was glued onto the next message's method).
#[test]
fn folded_content_length_frames_the_body() {
    use sipmsrp::capture::writer::{self, TcpFlow};
    let first = b"MESSAGE sip:b@example.com SIP/2.0\r\nCall-ID: f1\r\nCSeq: 1 MESSAGE\r\nContent-Length:\r\n 11\r\n\r\nhello world";
    let second =
        b"OPTIONS sip:b@example.com SIP/2.0\r\nCall-ID: f2\r\nCSeq: 2 OPTIONS\r\nl:\r\n\t0\r\n\r\n";
    let text = [&first[..], &second[..]].concat();
    let client: std::net::SocketAddr = "192.0.2.1:5060".parse().unwrap();
    let server: std::net::SocketAddr = "192.0.2.2:5060".parse().unwrap();
    let mut tcp = TcpFlow::new(client, server);
    let mut packets = tcp.handshake();
    packets.extend(tcp.send(true, &text, &[70, 9]));
    let udp = vec![
        writer::ip_udp(client, server, first),
        writer::ip_udp(client, server, second),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, input) in [
        ("text", text.clone()),
        ("tcp.pcap", raw_pcap(packets)),
        ("udp.pcap", raw_pcap(udp)),
    ] {
        let p = write_temp(dir.path(), name, &input);
        let (code, values) = jsonl(&p);
        let m = messages(&values);
        assert_eq!(m.len(), 2, "{name}: {values:?}");
        assert_eq!(m[0]["body"]["text"], "hello world", "{name}");
        assert_eq!(m[1]["method"], "OPTIONS", "{name}");
        assert_eq!(m[1]["call_id"], "f2", "{name}");
        assert!(values.iter().all(|v| v["type"] != "junk"), "{name}");
        assert!(
            !codes(m[0]).contains(&"content-length-invalid".to_string()),
            "{name}: {:?}",
            codes(m[0])
        );
        assert_eq!(code, 0, "{name}: {values:?}");
    }
}

/// Protects the header that precedes a broken line: a line without a colon
/// takes its own continuation lines with it, so the header before it keeps
/// its value (`Call-ID` became `c1\r\nFrom\r\n : <sip:a@x>`, raw CRLF
/// included).
#[test]
fn a_broken_line_keeps_its_continuation_lines() {
    let text = b"MESSAGE sip:b@example.com SIP/2.0\r\nCall-ID: c1\r\nFrom\r\n : <sip:a@x>\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n";
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "broken.sip", text);
    let (code, values) = jsonl(&p);
    let m = messages(&values)[0];
    assert_eq!(m["call_id"], "c1");
    let call_id = m["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "Call-ID")
        .unwrap();
    assert_eq!(call_id["value"], "c1");
    assert!(codes(m).contains(&"header-missing-colon".to_string()));
    assert_eq!(m["cseq"]["number"], 1);
    assert_eq!(code, 1);
}

/// A pcap of raw IP packets, all at one instant.
fn raw_pcap(packets: Vec<Vec<u8>>) -> Vec<u8> {
    use sipmsrp::capture::writer::{self, PcapWriter};
    let mut w = PcapWriter::new(Vec::new(), writer::LINKTYPE_RAW).unwrap();
    for p in packets {
        w.write_packet(1_700_000_000, 0, &p).unwrap();
    }
    w.into_inner()
}

/// Continuation lines belong to the line before them even when that line
/// was dropped (too long, or past --max-headers) or is itself a stray
/// continuation at the start: they never fold into an accepted header, and
/// a header section of stray continuation lines is one finding, not one
/// per line.
#[test]
fn continuation_lines_of_dropped_lines_go_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let long = "X-Long: ".to_string() + &"v".repeat(70 * 1024);
    let text = format!(
        "MESSAGE sip:b@example.com SIP/2.0\r\nCall-ID: x\r\n{long}\r\n y\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n"
    );
    let p = write_temp(dir.path(), "long.sip", text.as_bytes());
    let (_, values) = jsonl(&p);
    let m = messages(&values)[0];
    assert_eq!(m["call_id"], "x");
    assert!(codes(m).contains(&"header-line-too-long".to_string()));
    let mut text = b"MESSAGE sip:b@example.com SIP/2.0\r\n".to_vec();
    text.extend(" \r\n".repeat(100_000).bytes());
    text.extend(b"Call-ID: y\r\nContent-Length: 0\r\n\r\n");
    let p = write_temp(dir.path(), "lead.sip", &text);
    let (_, values) = jsonl(&p);
    let m = messages(&values)[0];
    let n = codes(m)
        .iter()
        .filter(|c| *c == "header-leading-whitespace")
        .count();
    assert_eq!(n, 1);
    assert_eq!(m["call_id"], "y");
}

/// `parse --allow/--warn/--deny CODE` (as lint): an allowed code leaves the
/// output and the exit code, a denied one is an error (exit 1), on every
/// road a finding takes: a message's findings (one thread and several),
/// junk between messages, and a capture's own findings.
#[test]
fn allow_warn_and_deny_set_what_parse_reports_and_exits_with() {
    let dir = tempfile::tempdir().unwrap();
    // A message with bare LF line ends (a note), then a line of junk (a
    // warning), many times so that several threads render it.
    let mut text = Vec::new();
    for i in 0..300 {
        text.extend_from_slice(
            format!(
                "MESSAGE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK{i}\nTo: <sip:a@b>\nFrom: <sip:c@d>;tag=1\nCall-ID: c{i}\nCSeq: 1 MESSAGE\nMax-Forwards: 70\nContent-Length: 0\n\n"
            )
            .as_bytes(),
        );
    }
    text.extend_from_slice(b"just a log line\n");
    let p = write_temp(dir.path(), "lf.txt", &text);
    let run = |extra: &[&str]| -> (i32, Vec<(String, String)>) {
        let out = sipmsrp()
            .args(["parse", "-f", "jsonl"])
            .args(extra)
            .arg(&p)
            .output()
            .unwrap();
        let found = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .flat_map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                v["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| {
                        (
                            f["code"].as_str().unwrap().to_string(),
                            f["severity"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        (out.status.code().unwrap(), found)
    };
    let count = |found: &[(String, String)], code: &str, sev: &str| {
        found.iter().filter(|(c, s)| c == code && s == sev).count()
    };
    for jobs in ["1", "2"] {
        let (code, found) = run(&["-j", jobs]);
        assert_eq!(code, 0);
        assert_eq!(count(&found, "bare-lf", "note"), 300);
        assert_eq!(count(&found, "not-sip-or-msrp", "warning"), 1);
        let (code, found) = run(&["-j", jobs, "--deny", "bare-lf"]);
        assert_eq!(code, 1, "-j {jobs}");
        assert_eq!(count(&found, "bare-lf", "error"), 300, "-j {jobs}");
        let (code, found) = run(&[
            "-j",
            jobs,
            "--allow",
            "bare-lf",
            "--allow",
            "not-sip-or-msrp",
        ]);
        assert_eq!((code, found.len()), (0, 0), "-j {jobs}");
        let (code, found) = run(&["-j", jobs, "--deny", "warnings"]);
        assert_eq!(code, 1, "-j {jobs}");
        assert_eq!(count(&found, "not-sip-or-msrp", "error"), 1);
        assert_eq!(count(&found, "bare-lf", "note"), 300);
    }
    // A capture cut inside its last record: the capture's own finding.
    let mut cap = generated_capture();
    cap.truncate(cap.len() - 10);
    let c = write_temp(dir.path(), "cut.pcap", &cap);
    let capture_findings = |extra: &[&str]| -> (i32, Vec<Value>) {
        let out = sipmsrp()
            .args(["parse", "-f", "jsonl", "-j", "1"])
            .args(extra)
            .arg(&c)
            .output()
            .unwrap();
        let v = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["type"] == "finding")
            .collect();
        (out.status.code().unwrap(), v)
    };
    let (_, plain) = capture_findings(&[]);
    assert_eq!(plain.len(), 1, "{plain:?}");
    let cut = plain[0]["code"].as_str().unwrap().to_string();
    let (code, denied) = capture_findings(&["--deny", &cut]);
    assert_eq!((code, denied[0]["severity"].as_str()), (1, Some("error")));
    let (code, allowed) = capture_findings(&["--allow", &cut]);
    assert_eq!((code, allowed.len()), (0, 0));
    // A code that does not exist is a usage error, with the nearest one.
    sipmsrp()
        .args(["parse", "--deny", "bare_lf"])
        .arg(&p)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("did you mean `bare-lf`?"));
}
