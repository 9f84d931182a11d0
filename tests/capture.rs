//! Capture layer: pcap/pcapng in, framed SIP/MSRP out (library API).

use std::io::Cursor;

use sipmsrp::capture::{CaptureOptions, CaptureReader, Event};

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
            Event::Finding { frame, finding } => findings.push((frame, finding)),
        }
    }
    (msgs, findings)
}

/// Counts over the shared corpus (skipped when it is absent); run with
/// `cargo test --test capture corpus -- --ignored --nocapture`.
#[test]
#[ignore]
fn corpus_counts() {
    let root = std::path::Path::new("/work/shared/conformance/corpora/pcap");
    if !root.exists() {
        return;
    }
    let mut files = Vec::new();
    for d in std::fs::read_dir(root).unwrap() {
        let d = d.unwrap().path();
        let mut stack = vec![d];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p).unwrap() {
                    stack.push(e.unwrap().path());
                }
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let (msgs, findings) = read_all(&bytes, CaptureOptions::default());
        let mut by = std::collections::BTreeMap::new();
        let mut frames = std::collections::BTreeSet::new();
        for m in &msgs {
            *by.entry(format!("{:?}/{}", m.protocol, m.meta.transport))
                .or_insert(0) += 1;
            frames.insert(m.meta.frame);
        }
        let codes: Vec<_> = findings.iter().map(|(_, f)| f.code).collect();
        println!(
            "{}\t{}\t{}\t{:?}\t{:?}",
            f.strip_prefix(root).unwrap().display(),
            msgs.len(),
            frames.len(),
            by,
            codes
        );
        if std::env::var("DUMP").is_ok_and(|d| f.to_string_lossy().contains(&d)) {
            for m in &msgs {
                let first = m.bytes.split(|&b| b == b'\n').next().unwrap_or(b"");
                println!(
                    "  #{} {:?} {} -> {} {} {}",
                    m.meta.frame,
                    m.meta.frames,
                    m.meta.src,
                    m.meta.dst,
                    String::from_utf8_lossy(first).trim_end(),
                    if m.truncated { "TRUNC" } else { "" }
                );
            }
            for (fr, f) in &findings {
                println!("  F {:?} {} {}", fr, f.code, f.message);
            }
        }
    }
}
