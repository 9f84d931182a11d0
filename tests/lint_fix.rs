//! `sipmsrp lint --fix` end to end over tests/fixtures/lint/fix (made by
//! make.py there): pushed SENDs with the defects of the source documents'
//! examples are rewritten into the CR's form, every change is reported with
//! its rule, the output lints clean and keeps the deferred message's
//! Call-ID, Message-ID and body bytes; what cannot be fixed is said, exits 1
//! and is left as it was.

use sipmsrp::header::Hdr;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use sipmsrp::body::BodyKind;
use sipmsrp::finding::Severity;
use sipmsrp::framing::{FrameOptions, Framer, Item};
use sipmsrp::limits::Limits;
use sipmsrp::lint::{self, Category, Config};
use sipmsrp::message::{Message, parse_frame};

const DATE: &str = "Fri, 01 Mar 2024 10:00:00 GMT";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lint/fix")
        .join(name)
}

fn bin() -> Command {
    Command::cargo_bin("sipmsrp").unwrap()
}

/// Run `lint --fix --date DATE --format json FILE`: (exit code, fixed output, report).
fn fix_json(file: &Path) -> (i32, Vec<u8>, Vec<Value>) {
    let out = bin()
        .args(["lint", "--fix", "--date", DATE, "--format", "json"])
        .arg(file)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
        panic!(
            "{}: report is not JSON ({e}): {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        out.status.code().unwrap(),
        out.stdout,
        report.as_array().unwrap().clone(),
    )
}

/// What the pushed SENDs of a text carry.
#[derive(Debug, Default, PartialEq, Eq)]
struct Pushed {
    /// (outer Message-ID, outer To-Path) of each SEND.
    sends: Vec<(Vec<u8>, Vec<u8>)>,
    /// Each part: its Content-Type, and for SIP its start line, Call-ID,
    /// Date and body; for MSRP its Message-ID and body.
    parts: Vec<PartInfo>,
}

#[derive(Debug, PartialEq, Eq)]
enum PartInfo {
    Sip {
        ct: String,
        start: Vec<u8>,
        call_id: Option<Vec<u8>>,
        date: Option<Vec<u8>>,
        body: Vec<u8>,
    },
    Msrp {
        ct: String,
        message_id: Option<Vec<u8>>,
        body: Vec<u8>,
    },
}

fn pushed(text: &[u8]) -> Pushed {
    let limits = Limits::default();
    let mut p = Pushed::default();
    for item in Framer::new(text, FrameOptions::default()) {
        let Item::Message(f) = item else {
            panic!("junk in {}", String::from_utf8_lossy(text))
        };
        let parsed = parse_frame(text, &f, &limits);
        let Message::Msrp(n) = &parsed.message else {
            continue;
        };
        p.sends.push((
            n.msg.message_id().unwrap_or_default().to_vec(),
            n.msg.value(Hdr::ToPath).unwrap_or_default().to_vec(),
        ));
        let BodyKind::Multipart(mp) = &n.body.kind else {
            panic!("not multipart")
        };
        for part in &mp.parts {
            let ct = part
                .body
                .media
                .as_ref()
                .map(|m| m.essence())
                .unwrap_or_default();
            p.parts.push(match &part.body.kind {
                BodyKind::Sip(s) => PartInfo::Sip {
                    ct,
                    start: s.msg.start_line.unwrap_or_default().to_vec(),
                    call_id: s.msg.call_id().map(<[u8]>::to_vec),
                    date: s.msg.date().map(<[u8]>::to_vec),
                    body: s.msg.body.to_vec(),
                },
                BodyKind::Msrp(m) => PartInfo::Msrp {
                    ct,
                    message_id: m.msg.message_id().map(<[u8]>::to_vec),
                    body: m.msg.body.unwrap_or_default().to_vec(),
                },
                other => panic!("part is {other:?}"),
            });
        }
    }
    p
}

fn fixed_rules(report: &[Value]) -> Vec<String> {
    report
        .iter()
        .filter(|v| v["fixed"] == true)
        .map(|v| v["code"].as_str().unwrap().to_string())
        .collect()
}

/// Error-level rules of the CR and of body structure the library lint finds.
fn cr_errors(text: &[u8]) -> Vec<&'static str> {
    lint::lint_text(text, &Config::default())
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter(|d| {
            lint::code(d.code)
                .is_some_and(|r| matches!(r.category, Category::Cr | Category::Structure))
        })
        .map(|d| d.code)
        .collect()
}

struct Case {
    file: &'static str,
    /// Rules whose defects the fixture was written with.
    rules: &'static [&'static str],
    /// The outer Message-ID is kept (it is an RFC 4975 ident).
    keeps_send_message_id: bool,
    parts: Vec<PartInfo>,
}

const PAGER_CALL_ID: &[u8] = b"asd88asd77a@1.2.3.4";
const WATSON: &[u8] = b"Watson, come here.";

fn pager_part(ct: &str, date: &str) -> PartInfo {
    PartInfo::Sip {
        ct: ct.into(),
        start: b"MESSAGE sip:user2@imserver.com SIP/2.0".to_vec(),
        call_id: Some(PAGER_CALL_ID.to_vec()),
        date: Some(date.as_bytes().to_vec()),
        body: WATSON.to_vec(),
    }
}

fn lmm_parts(date: &str) -> Vec<PartInfo> {
    vec![
        PartInfo::Sip {
            ct: "message/sipfrag".into(),
            start: b"INVITE sip:user2@imserver.com SIP/2.0".to_vec(),
            call_id: Some(b"3413an89KU".to_vec()),
            date: Some(date.as_bytes().to_vec()),
            body: Vec::new(),
        },
        PartInfo::Msrp {
            ct: "message/msrpfrag".into(),
            message_id: Some(b"msg456".to_vec()),
            body: b"Hi, Alice!  I'm Bob!".to_vec(),
        },
    ]
}

const STORED_2002: &str = "Thu, 21 Feb 2002 13:02:03 GMT";
const STORED_2005: &str = "Thu, 21 Feb 2005 13:02:03 GMT";

fn cases() -> Vec<Case> {
    vec![
        Case {
            file: "appendix-k-pager.msrp",
            rules: &[
                "indented-message",
                "bare-lf",
                "not-multipart",
                "via-present",
                "routing-header",
                "date-missing",
                "msrp-message-id-invalid",
            ],
            keeps_send_message_id: false,
            parts: vec![pager_part("message/sip", DATE)],
        },
        Case {
            file: "appendix-k-lmm.msrp",
            rules: &[
                "invite-extra-header",
                "session-setup-body",
                "date-missing",
                "response-part",
                "ack-part",
                "legacy-msrp-type",
                "to-path-present",
                "msrp-extra-header",
                "bye-part",
                "msrp-byte-range-mismatch",
            ],
            keeps_send_message_id: true,
            parts: lmm_parts(DATE),
        },
        Case {
            file: "004-lmm.msrp",
            rules: &[
                "invite-extra-header",
                "charging-header",
                "session-setup-body",
                "response-part",
                "legacy-msrp-type",
                "to-path-present",
                "msrp-extra-header",
                "bye-part",
            ],
            keeps_send_message_id: true,
            parts: lmm_parts(STORED_2005),
        },
        Case {
            file: "cr-pager-typos.msrp",
            rules: &[
                "boundary-smart-quotes",
                "multipart-close-as-separator",
                "via-present",
                "routing-header",
                "pai-with-privacy",
                "content-length-mismatch",
            ],
            keeps_send_message_id: true,
            parts: vec![pager_part("message/sip", STORED_2002)],
        },
        Case {
            file: "cr-lmm-typos.msrp",
            rules: &[
                "header-missing-colon",
                "multipart-close-as-separator",
                "multipart-unclosed",
                "chunked-fragment",
            ],
            keeps_send_message_id: true,
            parts: lmm_parts(STORED_2005),
        },
    ]
}

#[test]
fn spec_example_defects_are_fixed_and_the_output_lints_clean() {
    for case in cases() {
        let file = fixture(case.file);
        let input = std::fs::read(&file).unwrap();
        let before = cr_errors(&input);
        assert!(!before.is_empty(), "{}: nothing to fix", case.file);
        let (code, out, report) = fix_json(&file);
        assert_eq!(code, 0, "{}: {report:#?}", case.file);
        let fixed = fixed_rules(&report);
        // Every change the fixture was written to need, and every CR or
        // structure error lint finds in it, is reported as fixed.
        for r in case.rules.iter().chain(&before) {
            assert!(
                fixed.iter().any(|f| f == r),
                "{}: no change reported for {r}: {fixed:?}",
                case.file
            );
        }
        assert!(
            report.iter().all(|v| v["fixed"] == true),
            "{}: {report:#?}",
            case.file
        );
        // Re-lint the output: no error at all, in particular none of the CR.
        let after = lint::lint_text(&out, &Config::default());
        assert!(
            !after.has_errors(),
            "{}: {:#?}\n{}",
            case.file,
            after.diagnostics,
            String::from_utf8_lossy(&out)
        );
        assert_eq!(cr_errors(&out), Vec::<&str>::new());
        assert!(!out.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'));
        // Call-ID, Message-ID, Date and body bytes survive; nothing else is carried.
        let got = pushed(&out);
        assert_eq!(got.parts, case.parts, "{}", case.file);
        assert_eq!(got.sends.len(), 1);
        let orig = &lint_sends(&input)[0];
        assert_eq!(
            got.sends[0].1,
            b"msrp://user2.imserver.com:7777/iau39;tcp".to_vec()
        );
        if case.keeps_send_message_id {
            assert_eq!(&got.sends[0].0, orig, "{}", case.file);
        } else {
            assert_ne!(&got.sends[0].0, orig);
            let id = String::from_utf8(got.sends[0].0.clone()).unwrap();
            assert!(sipmsrp::encap::is_ident(&id), "{id}");
        }
        // A second pass has nothing left to do.
        let tmp = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(tmp.path(), &out).unwrap();
        let (code, again, report) = fix_json(tmp.path());
        assert_eq!((code, report.len()), (0, 0), "{report:#?}");
        assert_eq!(again, out);
    }
}

/// The outer Message-ID of each SEND in a (possibly indented) text.
fn lint_sends(text: &[u8]) -> Vec<Vec<u8>> {
    let prepared = sipmsrp::source::prepare(text, true);
    let buf: &[u8] = &prepared.bytes;
    Framer::new(buf, FrameOptions::default())
        .filter_map(|i| match i {
            Item::Message(f) => {
                let p = parse_frame(buf, &f, &Limits::default());
                match &p.message {
                    Message::Msrp(n) => Some(n.msg.message_id().unwrap_or_default().to_vec()),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

#[test]
fn changes_are_reported_one_line_each_in_the_compiler_style() {
    let file = fixture("cr-pager-typos.msrp");
    let name = file.display().to_string();
    let out = bin()
        .args(["lint", "--fix", "--date", DATE])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.contains(
            &format!("{name}:12:1: fixed[via-present]: removed Via (part 1 > header Via)").as_str()
        ),
        "{err}"
    );
    assert!(lines.iter().any(|l| l.starts_with(&format!(
        "{name}:17:1: fixed[pai-with-privacy]: removed P-Asserted-Identity"
    ))));
    assert!(lines.iter().any(|l| l.starts_with(&format!(
        "{name}:22:1: fixed[content-length-mismatch]: Content-Length `17` set to 18"
    ))));
    assert_eq!(
        lines.last().copied(),
        Some("7 changes in 1 of 1 pushed SEND; 0 not fixable; the output has 0 errors, 0 warnings")
    );
    // One line per change, each with a rule id.
    assert_eq!(lines.len(), 8);
    assert!(lines[..7].iter().all(|l| l.contains(": fixed[")));
    // The fixed message is the only thing on stdout.
    assert!(out.stdout.starts_with(b"MSRP dkei38sd SEND\r\n"));
    assert!(out.stdout.ends_with(b"-------dkei38sd$\r\n"));
}

#[test]
fn output_file_is_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("fixed.msrp");
    std::fs::write(&target, b"old").unwrap();
    let file = fixture("004-lmm.msrp");
    let out = bin()
        .args(["lint", "--fix", "--date", DATE, "-o"])
        .arg(&target)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let written = std::fs::read(&target).unwrap();
    let (_, to_stdout, _) = fix_json(&file);
    assert_eq!(written, to_stdout);
    // Remaining findings are positioned in the output file.
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("14 changes in 1 of 1 pushed SEND")
    );
    // Nothing but the target in the directory (no temporary file left).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // A target that cannot be written: exit 2, nothing created.
    bin()
        .args(["lint", "--fix", "-o"])
        .arg(dir.path().join("no/such/dir/x.msrp"))
        .arg(&file)
        .assert()
        .code(2);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_chunk_without_the_rest_cannot_be_fixed() {
    let file = fixture("chunk-without-rest.msrp");
    let input = std::fs::read(&file).unwrap();
    let (code, out, report) = fix_json(&file);
    assert_eq!(code, 1);
    assert_eq!(out, input, "left unchanged");
    let cannot = report
        .iter()
        .find(|v| v["fixed"] == false && v["file"] == file.display().to_string())
        .expect("a cannot-fix entry");
    assert_eq!(cannot["code"], "chunked-fragment");
    assert_eq!(cannot["severity"], "error");
    assert!(
        cannot["message"]
            .as_str()
            .unwrap()
            .starts_with("cannot fix: message msg456: bytes 11-20 are missing"),
        "{cannot}"
    );
    // The remaining finding is reported against the output.
    assert!(
        report
            .iter()
            .any(|v| v["file"] == "<stdout>" && v["code"] == "chunked-fragment")
    );
    bin()
        .args(["lint", "--fix"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error[chunked-fragment]: cannot fix: message msg456",
        ))
        .stderr(predicate::str::contains(
            "0 changes in 0 of 1 pushed SEND; 1 not fixable",
        ));
}

#[test]
fn other_messages_and_conformant_sends_are_left_as_they_are() {
    let file = fixture("mixed.txt");
    let input = std::fs::read(&file).unwrap();
    let (code, out, report) = fix_json(&file);
    assert_eq!(code, 0, "{report:#?}");
    let frames = |b: &[u8]| -> Vec<Vec<u8>> {
        Framer::new(b, FrameOptions::default())
            .map(|i| match i {
                Item::Message(f) => b[f.start..f.end].to_vec(),
                Item::Junk { .. } => panic!("junk"),
            })
            .collect()
    };
    let (a, b) = (frames(&input), frames(&out));
    assert_eq!((a.len(), b.len()), (3, 3));
    assert_eq!(a[0], b[0], "the received MESSAGE is not a pushed SEND");
    assert_eq!(
        a[2], b[2],
        "the conformant pushed SEND is kept byte for byte"
    );
    assert_ne!(a[1], b[1]);
    assert_eq!(
        fixed_rules(&report),
        [
            "msrp-byte-range-mismatch",
            "not-multipart",
            "via-present",
            "routing-header"
        ]
    );
    assert!(!lint::lint_text(&out, &Config::default()).has_errors());
    // A conformant file passes through untouched.
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/pushed-lmm.msrp");
    let (code, out, report) = fix_json(&sample);
    assert_eq!((code, report.len()), (0, 0));
    assert_eq!(out, std::fs::read(&sample).unwrap());
}

#[test]
fn fixing_is_deterministic_and_dates_default_to_now() {
    let file = fixture("appendix-k-lmm.msrp");
    let (_, a, _) = fix_json(&file);
    let (_, b, _) = fix_json(&file);
    assert_eq!(a, b);
    let input = std::fs::read(&file).unwrap();
    let out = bin()
        .args(["lint", "--fix", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let parts = pushed(&out.stdout).parts;
    let PartInfo::Sip { date: Some(d), .. } = &parts[0] else {
        panic!("{parts:?}")
    };
    let d = String::from_utf8(d.clone()).unwrap();
    assert!(sipmsrp::date::is_rfc1123(&d), "{d}");
    assert_ne!(d, DATE);
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains(&format!("fixed[date-missing]: added Date: {d} (part 1)"))
    );
}

#[test]
fn fix_usage_errors() {
    let file = fixture("004-lmm.msrp");
    for format in ["sarif", "github"] {
        bin()
            .args(["lint", "--fix", "--format", format])
            .arg(&file)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("human or json"));
    }
    bin()
        .args(["lint", "--fix"])
        .arg(&file)
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("one input"));
    bin()
        .args(["lint", "--date", DATE])
        .arg(&file)
        .assert()
        .code(2);
    bin()
        .args(["lint", "--fix", "--date", "yesterday"])
        .arg(&file)
        .assert()
        .code(2);
    // A bare body is not a pushed SEND: said, left alone, exit 1.
    let bare = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lint/multipart-unclosed.bad.txt");
    let out = bin().args(["lint", "--fix"]).arg(&bare).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stdout, std::fs::read(&bare).unwrap());
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("cannot fix")
    );
}
