//! Byte-span round trip of `parse --format jsonl`: every message's (and
//! junk run's) `source.offset` and `source.length` cut exactly its bytes out
//! of the input. Checked over every sample, every parse fixture and the
//! torture-style inputs of tests/fixtures/span/ (see make.py there):
//!
//! - spans are in bounds, in order and do not overlap;
//! - what lies between them is only keep-alive whitespace (nothing is lost);
//! - a message's span starts with its start line;
//! - the span's bytes, parsed on their own, give exactly one message equal
//!   to the one reported (every field but `source`, and the same findings).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn sipmsrp() -> Command {
    Command::cargo_bin("sipmsrp").unwrap()
}

/// `parse --format jsonl` of a file (or of stdin when `path` is None).
fn jsonl(path: Option<&Path>, stdin: &[u8]) -> Vec<Value> {
    let mut cmd = sipmsrp();
    cmd.args(["parse", "--format", "jsonl"]);
    match path {
        Some(p) => cmd.arg(p),
        None => cmd.arg("-").write_stdin(stdin.to_vec()),
    };
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect()
}

fn inputs() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for dir in ["samples", "tests/fixtures/parse", "tests/fixtures/span"] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with('.') || name.ends_with(".py") || name.ends_with(".md") {
                continue;
            }
            v.push(p);
        }
    }
    v.sort();
    assert!(v.len() >= 25, "inputs missing: {v:?}");
    v
}

/// A field that may be written as text or as `<key>_base64`.
fn bytes_of(v: &Value, key: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    if let Some(s) = v[key].as_str() {
        return Some(s.as_bytes().to_vec());
    }
    v[format!("{key}_base64")]
        .as_str()
        .map(|b| base64::engine::general_purpose::STANDARD.decode(b).unwrap())
}

/// The message without where it was found: what must not depend on it.
fn essence(v: &Value) -> (Value, Vec<(String, String, String)>) {
    let mut o = v.clone();
    let obj = o.as_object_mut().unwrap();
    obj.remove("source");
    let findings = obj
        .remove("findings")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (o, findings)
}

fn span(v: &Value) -> (usize, usize) {
    let s = &v["source"];
    let off = s["offset"].as_u64().expect("source.offset") as usize;
    let len = s["length"].as_u64().expect("source.length") as usize;
    (off, len)
}

fn is_blank(bytes: &[u8]) -> bool {
    // Keep-alive CRLFs and blank lines; U+00A0 indentation of pasted text.
    let mut i = 0;
    while i < bytes.len() {
        match &bytes[i..] {
            [b' ' | b'\t' | b'\r' | b'\n', ..] => i += 1,
            [0xC2, 0xA0, ..] => i += 2,
            _ => return false,
        }
    }
    true
}

#[test]
fn every_span_reproduces_its_message() {
    let mut checked = 0;
    for path in inputs() {
        let input = std::fs::read(&path).unwrap();
        let name = path.display();
        let values = jsonl(Some(&path), b"");
        assert!(!values.is_empty(), "{name}: no output");
        let mut prev_end = 0;
        for v in &values {
            let (off, len) = span(v);
            assert!(len > 0, "{name}: empty span at {off}");
            assert!(
                off + len <= input.len(),
                "{name}: span {off}+{len} past the end"
            );
            assert!(
                off >= prev_end,
                "{name}: span at {off} overlaps the one before"
            );
            let gap = &input[prev_end..off];
            assert!(
                is_blank(gap),
                "{name}: bytes {prev_end}..{off} belong to nothing: {gap:?}"
            );
            prev_end = off + len;
            if v["type"] != "message" {
                continue;
            }
            let bytes = &input[off..off + len];
            if let Some(start) = bytes_of(v, "start_line") {
                assert!(
                    bytes.starts_with(&start),
                    "{name}: span at {off} does not start with its start line"
                );
            }
            // Parse the span alone. A message pasted with indentation spans
            // from its start line; give the parser the indentation too.
            let line_start = input[..off]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let from = if is_blank(&input[line_start..off]) {
                line_start
            } else {
                off
            };
            let alone: Vec<Value> = jsonl(None, &input[from..off + len])
                .into_iter()
                .filter(|x| x["type"] == "message")
                .collect();
            assert_eq!(
                alone.len(),
                1,
                "{name}: span at {off} holds {} messages",
                alone.len()
            );
            assert_eq!(
                essence(&alone[0]),
                essence(v),
                "{name}: the span at {off}+{len} parses into another message"
            );
            assert_eq!(
                span(&alone[0]),
                (off - from, len),
                "{name}: span alone moves"
            );
            checked += 1;
        }
        assert!(
            is_blank(&input[prev_end..]),
            "{name}: bytes after {prev_end} belong to nothing"
        );
    }
    assert!(checked >= 60, "only {checked} messages checked");
}

#[test]
fn torture_inputs_exercise_what_they_claim() {
    // The fixtures stay meaningful: binary bodies, junk, truncation, dedent.
    let v = jsonl(Some(Path::new("tests/fixtures/span/torture-sip.txt")), b"");
    let msgs: Vec<&Value> = v.iter().filter(|x| x["type"] == "message").collect();
    assert_eq!(msgs.len(), 11);
    assert!(msgs.iter().any(|m| m["body"]["text_base64"].is_string()));
    assert!(v.iter().any(|x| x["type"] == "junk"));
    assert_eq!(msgs.last().unwrap()["truncated"], true);
    let v = jsonl(Some(Path::new("tests/fixtures/span/torture-msrp.txt")), b"");
    assert_eq!(v.len(), 10);
    assert_eq!(v.last().unwrap()["truncated"], true);
}

#[test]
fn span_of_an_indented_message_covers_its_indented_lines() {
    let path = Path::new("tests/fixtures/span/torture-indented.txt");
    let input = std::fs::read(path).unwrap();
    let v = jsonl(Some(path), b"");
    let m = v.iter().find(|x| x["type"] == "message").unwrap();
    let (off, len) = span(m);
    let bytes = &input[off..off + len];
    assert!(bytes.starts_with(b"MESSAGE sip:quinn@example.test SIP/2.0\r\n    Call-ID"));
    assert!(
        bytes.ends_with(b"\r\n    \r\n    pasted"),
        "{:?}",
        String::from_utf8_lossy(bytes)
    );
    assert_eq!(m["body"]["text"], "pasted");
}
