//! `sipmsrp lint` end to end: every rule against its minimal failing
//! fixture and passing twin (tests/fixtures/lint, made by make.py there),
//! the samples, the output formats, severities and exit codes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use sipmsrp::catalogue::codes as rules;
use sipmsrp::finding::Severity;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/lint")
}

fn bin() -> Command {
    Command::cargo_bin("sipmsrp").unwrap()
}

/// Run `lint --format json` and return (exit code, findings).
fn lint_json(file: &Path, extra: &[&str]) -> (i32, Vec<Value>) {
    let out = bin()
        .arg("lint")
        .args(extra)
        .args(["--format", "json"])
        .arg(file)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: not JSON ({e}): {}",
            file.display(),
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let findings = v.as_array().unwrap().clone();
    for f in &findings {
        assert_eq!(
            (&f["type"], &f["schema_version"]),
            (&Value::from("finding"), &Value::from(1)),
            "{f}"
        );
    }
    (out.status.code().unwrap(), findings)
}

fn rules_of(findings: &[Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn fixture(rule: &str, kind: &str) -> Option<PathBuf> {
    ["msrp", "sip", "txt"]
        .iter()
        .map(|ext| fixtures().join(format!("{rule}.{kind}.{ext}")))
        .find(|p| p.exists())
}

/// Rules about resource limits: checked with small limits below.
const LIMIT_RULES: &[(&str, &[&str])] = &[
    ("nesting-too-deep", &["--max-depth", "1"]),
    ("too-many-parts", &["--max-parts", "1"]),
    ("too-many-headers", &["--max-headers", "3"]),
    ("header-line-too-long", &["--max-header-line", "40"]),
    ("message-too-large", &["--max-message", "100"]),
];

/// Rules whose fixture pair is checked with these arguments (both files):
/// the message-summary limit is the user's `--max-parts` (message blocks).
const RULE_ARGS: &[(&str, &[&str])] = &[("summary-limit-exceeded", &["--max-parts", "1"])];

/// Codes that text given to lint cannot produce: they come from reading
/// captures, joining MSRP chunks (`parse --reassemble`, `encap`) and the
/// stored messages of `summary`; their tests are with those
/// (tests/promises.rs, tests/capture*.rs, tests/summary.rs).
fn outside_lint(c: &sipmsrp::catalogue::Code) -> bool {
    use sipmsrp::catalogue::Category;
    matches!(
        c.category,
        Category::Capture | Category::Reassembly | Category::Stored
    )
}

#[test]
fn every_rule_has_a_failing_fixture_and_a_clean_twin() {
    let mut checked = 0;
    let mut outside = 0;
    for rule in rules() {
        if outside_lint(rule) {
            outside += 1;
            continue;
        }
        if LIMIT_RULES.iter().any(|(r, _)| *r == rule.id) {
            continue;
        }
        let profile: &[&str] = if rule.id.starts_with("oma-") {
            &["--profile", "oma-im"]
        } else {
            RULE_ARGS
                .iter()
                .find(|(r, _)| *r == rule.id)
                .map_or(&[], |(_, a)| *a)
        };
        let bad =
            fixture(rule.id, "bad").unwrap_or_else(|| panic!("no failing fixture for {}", rule.id));
        let good =
            fixture(rule.id, "good").unwrap_or_else(|| panic!("no passing twin for {}", rule.id));
        let (code, findings) = lint_json(&bad, profile);
        let rules = rules_of(&findings);
        assert!(
            rules.iter().any(|r| r == rule.id),
            "{}: {rules:?}",
            bad.display()
        );
        let want = if rule.severity == Severity::Error {
            1
        } else {
            0
        };
        assert_eq!(code, want, "{}: exit {code}, {rules:?}", bad.display());
        let (code, findings) = lint_json(&good, profile);
        assert_eq!(
            (code, rules_of(&findings)),
            (0, vec![]),
            "{}",
            good.display()
        );
        checked += 1;
    }
    assert_eq!(checked, rules().len() - LIMIT_RULES.len() - outside);
}

#[test]
fn limit_rules_fire_under_small_limits() {
    let input = fixtures().join("bye-part.good.msrp");
    for (rule, args) in LIMIT_RULES {
        let (code, findings) = lint_json(&input, args);
        assert!(
            rules_of(&findings).iter().any(|r| r == rule),
            "{rule}: {findings:?}"
        );
        assert_eq!(code, 1, "{rule}");
        assert_eq!(lint_json(&input, &[]).0, 0);
    }
}

#[test]
fn samples_lint_clean_unless_broken() {
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("samples")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !(name.ends_with(".sip") || name.ends_with(".msrp") || name.ends_with(".txt")) {
            continue;
        }
        let (code, findings) = lint_json(&path, &[]);
        if name.starts_with("broken-") {
            assert_eq!(code, 1, "{name} must fail");
        } else {
            assert_eq!((code, rules_of(&findings)), (0, vec![]), "{name}");
            n += 1;
        }
    }
    assert!(n >= 9);
    // The received pager MESSAGE also meets the oma-im profile.
    let (code, f) = lint_json(
        &root().join("samples/pager-message.sip"),
        &["--profile", "oma-im"],
    );
    assert_eq!((code, rules_of(&f)), (0, vec![]));
}

fn assert_rules(sample: &str, want: &[&str]) -> Vec<Value> {
    let (code, findings) = lint_json(&root().join("samples").join(sample), &[]);
    assert_eq!(code, 1);
    let got = rules_of(&findings);
    for w in want {
        assert!(
            got.iter().any(|g| g == w),
            "{sample}: {w} missing from {got:?}"
        );
    }
    findings
}

#[test]
fn broken_samples_yield_their_defects() {
    assert_rules(
        "broken-appendix-k-pager.msrp",
        &["not-multipart", "via-present", "routing-header"],
    );
    let lmm = [
        "session-setup-body",
        "invite-extra-header",
        "response-part",
        "legacy-msrp-type",
        "to-path-present",
        "msrp-extra-header",
        "bye-part",
    ];
    assert_rules("broken-appendix-k-lmm.msrp", &lmm);
    let f = assert_rules("broken-004-lmm.msrp", &lmm);
    assert!(f.iter().any(
        |x| x["code"] == "invite-extra-header" && x["path"] == "part 1 > header Accept-Contact"
    ));
    let f = assert_rules(
        "broken-cr-typos.msrp",
        &[
            "boundary-smart-quotes",
            "multipart-close-as-separator",
            "via-present",
            "routing-header",
        ],
    );
    let via = f.iter().find(|x| x["code"] == "via-present").unwrap();
    assert_eq!(via["path"], "part 1 > header Via");
    assert_eq!(
        (via["line"].as_u64(), via["column"].as_u64()),
        (Some(12), Some(1))
    );
    assert_eq!(via["severity"], "error");
    assert!(via["frame"].is_null());
    let bytes = std::fs::read(root().join("samples/broken-cr-typos.msrp")).unwrap();
    let off = via["offset"].as_u64().unwrap() as usize;
    assert!(bytes[off..].starts_with(b"Via: SIP/2.0/TCP"));
    assert_rules(
        "broken-cr-lmm-typos.msrp",
        &[
            "header-missing-colon",
            "multipart-close-as-separator",
            "multipart-unclosed",
        ],
    );
}

#[test]
fn human_output_is_compiler_style() {
    let file = root().join("samples/broken-cr-typos.msrp");
    bin()
        .args(["lint", "--color", "never"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "{}:12:1: error[via-present]: Via kept",
            file.display()
        )))
        .stdout(predicate::str::contains("  = in: part 1 > header Via"))
        .stdout(predicate::str::contains(
            "12 | Via: SIP/2.0/TCP user1pc.imserver.com;branch=z9hG4bK776sgdkse\n   | ^^^^",
        ))
        .stdout(predicate::str::contains(
            "1 message checked: 4 errors, 0 warnings, 0 notes",
        ))
        .stdout(predicate::str::contains("\x1b[").not());
    bin()
        .args(["lint", "--color", "always"])
        .arg(&file)
        .assert()
        .stdout(predicate::str::contains("\x1b["));
}

#[test]
fn github_and_sarif_formats() {
    let file = root().join("samples/broken-appendix-k-pager.msrp");
    bin()
        .args(["lint", "--format", "github"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("::error file="))
        .stdout(predicate::str::contains(
            ",line=9,col=1,title=via-present::Via kept",
        ));
    let out = bin()
        .args(["lint", "--format", "sarif"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "not-multipart")
        .unwrap();
    assert_eq!(r["level"], "error");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        6
    );
}

#[test]
fn severities_can_be_changed() {
    let file = root().join("samples/broken-appendix-k-pager.msrp");
    let all = [
        "--allow",
        "not-multipart",
        "--allow",
        "via-present",
        "--allow",
        "routing-header",
    ];
    let (code, f) = lint_json(&file, &all);
    assert_eq!((code, f.len()), (0, 0));
    let (code, f) = lint_json(
        &file,
        &[
            "--warn",
            "not-multipart",
            "--warn",
            "via-present",
            "--allow",
            "routing-header",
        ],
    );
    assert_eq!(code, 0);
    assert!(f.iter().all(|x| x["severity"] == "warning") && f.len() == 2);
    // --deny warnings turns them back into errors; --deny RULE too.
    let (code, _) = lint_json(
        &file,
        &[
            "--warn",
            "not-multipart",
            "--warn",
            "via-present",
            "--allow",
            "routing-header",
            "--deny",
            "warnings",
        ],
    );
    assert_eq!(code, 1);
    let warn_only = fixtures().join("part-content-type-missing.bad.txt");
    assert_eq!(lint_json(&warn_only, &[]).0, 0);
    assert_eq!(
        lint_json(&warn_only, &["--deny", "part-content-type-missing"]).0,
        1
    );
    bin()
        .args(["lint", "--deny", "no-such-rule"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown code `no-such-rule`"));
    // A typo gets the nearest code, in every flag that takes one.
    for flag in ["--deny", "--warn", "--allow", "--explain"] {
        bin()
            .args(["lint", flag, "via_presnt"])
            .arg(&file)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "unknown code `via_presnt`; did you mean `via-present`?",
            ));
    }
    // Every catalogued code is accepted, those lint itself never emits too.
    for code in [
        "tcp-gap",
        "msrp-chunk-conflict",
        "summary-stored-without-date",
    ] {
        bin()
            .args(["lint", "--allow", code])
            .arg(&file)
            .assert()
            .code(1);
        bin()
            .args(["lint", "--explain", code])
            .assert()
            .success()
            .stdout(predicate::str::starts_with(code));
    }
}

#[test]
fn list_rules_and_explain() {
    let contract = [
        "via-present",
        "to-path-present",
        "response-part",
        "bye-part",
        "date-missing",
        "pai-with-privacy",
        "call-id-missing",
        "message-id-missing",
        "msrp-extra-header",
        "charging-header",
        "legacy-msrp-type",
        "not-multipart",
        "chunked-fragment",
    ];
    let out = bin().args(["lint", "--list-rules"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for id in contract {
        assert!(
            text.lines()
                .any(|l| l.starts_with(id) && l.contains("error")),
            "{id}"
        );
    }
    assert_eq!(text.lines().count(), rules().len());
    bin()
        .args(["lint", "--explain", "via-present"])
        .assert()
        .success()
        .stdout(predicate::str::contains("12.2.2.5"));
    bin()
        .args(["lint", "--explain", "cseq-method-mismatch"])
        .assert()
        .success()
        .stdout(predicate::str::contains("RFC 3261 8.1.1.5"));
    bin().args(["lint", "--explain", "nope"]).assert().code(2);
    // As JSON: one array, an object per code, in the catalogue's order.
    let out = bin()
        .args(["lint", "--list-rules", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let all: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(all.len(), rules().len());
    for (v, r) in all.iter().zip(rules()) {
        assert_eq!(v["code"], r.id);
        assert_eq!(v["severity"], r.severity.as_str());
        assert_eq!(v["category"], r.category.as_str());
        assert_eq!(v["summary"], r.summary);
        assert!(!v["clause"].as_str().unwrap().is_empty(), "{}", r.id);
    }
    let via = all.iter().find(|v| v["code"] == "via-present").unwrap();
    assert_eq!(
        via["clause"],
        "OMA IM CR (001) 1 Reason for Change and 12.2.2.5"
    );
    assert_eq!(via["severity"], "error");
    assert_eq!(via["category"], "cr");
    let gap = all.iter().find(|v| v["code"] == "tcp-gap").unwrap();
    assert_eq!(gap["category"], "capture");
}

#[test]
fn stdin_and_several_files() {
    let bad = std::fs::read(fixtures().join("via-present.bad.msrp")).unwrap();
    bin()
        .args(["lint", "--format", "json", "-"])
        .write_stdin(bad)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"file\": \"<stdin>\""));
    let out = bin()
        .args(["lint", "--format", "json"])
        .arg(fixtures().join("via-present.good.msrp"))
        .arg(fixtures().join("bye-part.bad.msrp"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|f| f["file"].as_str().unwrap().ends_with("bye-part.bad.msrp"))
    );
    bin()
        .args(["lint", "/no/such/file"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
}

/// The RFC 3842 checks of `summary` run inside lint, on bare bodies and on
/// NOTIFY bodies, at the body's position.
#[test]
fn message_summary_rules_run_inside_lint() {
    let bad = "NOTIFY sip:c@pc.example.com SIP/2.0\r\nVia: SIP/2.0/TCP m.example.com;branch=z9hG4bK1\r\nMax-Forwards: 70\r\nTo: <sip:c@example.com>;tag=1\r\nFrom: <sip:m.example.com>;tag=2\r\nCall-ID: s1\r\nCSeq: 1 NOTIFY\r\nContact: <sip:m.example.com>\r\nEvent: message-summary\r\nSubscription-State: active\r\nContent-Type: application/simple-message-summary\r\nContent-Length: 67\r\n\r\nMessages-Waiting: no\r\nMessage-Account: sip:c@m\r\nText-Message: 2/0\r\n";
    assert_eq!(bad.split("\r\n\r\n").nth(1).unwrap().len(), 67);
    let out = assert_cmd::Command::cargo_bin("sipmsrp")
        .unwrap()
        .args(["lint", "--format", "json", "-"])
        .write_stdin(bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = v
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "summary-waiting-inconsistent")
        .expect("summary rule reported");
    assert_eq!(f["line"], 14);
    // The consistent twin lints clean.
    let good = bad
        .replace("Waiting: no", "Waiting: yes")
        .replace("Length: 67", "Length: 68");
    assert_cmd::Command::cargo_bin("sipmsrp")
        .unwrap()
        .args(["lint", "-"])
        .write_stdin(good)
        .assert()
        .code(0);
    assert!(
        rules()
            .iter()
            .any(|r| r.id == "summary-waiting-inconsistent")
    );
}

/// Lint the bytes given, as a file: (exit code, findings).
fn lint_bytes(bytes: &[u8]) -> (i32, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("input.msrp");
    std::fs::write(&p, bytes).unwrap();
    lint_json(&p, &[])
}

fn sample_text(name: &str) -> String {
    String::from_utf8(std::fs::read(root().join("samples").join(name)).unwrap()).unwrap()
}

/// Protects `date-missing` for both kinds of deferred message (12.2.2.3
/// item 1: a Date is added to a stored MESSAGE; item 3: Date is one of the
/// INVITE's relevant headers in Large Message Mode). The expectations are
/// written by hand from the CR: the CR's own pushed forms lint without
/// `date-missing`, and the same forms with their Date line removed give
/// exactly one `date-missing`, on the part that lost it.
#[test]
fn date_missing_is_caught_in_the_message_and_in_the_invite() {
    for (name, date, path) in [
        (
            "pushed-pager.msrp",
            "Date: Thu, 21 Feb 2002 13:02:03 GMT\r\n",
            "part 1",
        ),
        (
            "pushed-lmm.msrp",
            "Date: Thu, 21 Feb 2005 13:02:03 GMT\r\n",
            "part 1",
        ),
    ] {
        let text = sample_text(name);
        let (code, f) = lint_bytes(text.as_bytes());
        assert_eq!((code, rules_of(&f)), (0, vec![]), "{name} as the CR has it");
        assert!(text.contains(date), "{name}: {date:?}");
        let (code, f) = lint_bytes(text.replacen(date, "", 1).as_bytes());
        let missing: Vec<&Value> = f.iter().filter(|x| x["code"] == "date-missing").collect();
        assert_eq!(missing.len(), 1, "{name}: {f:?}");
        assert_eq!(missing[0]["severity"], "error");
        assert_eq!(missing[0]["path"], path, "{name}");
        assert_eq!(code, 1, "{name}");
    }
}

/// Protects lint's `routing-header` rule for every routing header that
/// encap removes (Path and Service-Route included): a pushed MESSAGE that
/// kept one of them is an error naming it, whatever its case.
#[test]
fn every_routing_header_in_a_carried_message_is_an_error() {
    let text = sample_text("pushed-pager.msrp");
    for line in [
        "Max-Forwards: 70",
        "Route: <sip:pcscf.imserver.com;lr>",
        "Record-Route: <sip:scscf.imserver.com;lr>",
        "Path: <sip:term@pcscf.imserver.com;lr>",
        "Service-Route: <sip:orig@scscf.imserver.com;lr>",
        "service-route: <sip:orig@scscf.imserver.com;lr>",
    ] {
        // Inserted before Call-ID in the message/sip part; the outer
        // Byte-Range then disagrees, so only routing-header is asked for.
        let broken = text.replacen("Call-ID:", &format!("{line}\r\nCall-ID:"), 1);
        let (code, f) = lint_bytes(broken.as_bytes());
        // The path names the header by its canonical name.
        let name = match line.split(':').next().unwrap() {
            "service-route" => "Service-Route",
            n => n,
        };
        let hit = f
            .iter()
            .find(|x| x["code"] == "routing-header")
            .unwrap_or_else(|| panic!("{line}: {:?}", rules_of(&f)));
        assert_eq!(code, 1);
        assert_eq!(hit["severity"], "error");
        assert_eq!(hit["path"], format!("part 1 > header {name}"), "{line}");
    }
}

/// A SEND whose body has Content-Type `ty`, with a two-byte body.
fn send_typed(ty: &str) -> String {
    format!(
        "MSRP a1b2c3d4 SEND\r\nTo-Path: msrp://a.example.com:7777/x1;tcp\r\nFrom-Path: msrp://b.example.com:8888/y1;tcp\r\nMessage-ID: m1b2c3d4\r\nByte-Range: 1-2/2\r\nContent-Type: {ty}\r\n\r\nhi\r\n-------a1b2c3d4$\r\n"
    )
}

/// Protects what makes a SEND a pushed deferred message (12.2.2.5): a body
/// of any of the four message/* types, even left unparsed (here by
/// `--max-depth`), is a push, and a push not in multipart/mixed is
/// `not-multipart`; a text/plain SEND is not a push.
#[test]
fn a_send_of_any_message_type_is_a_push_that_must_be_multipart() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("send.msrp");
    for ty in [
        "message/sip",
        "message/sipfrag",
        "message/msrp",
        "message/msrpfrag",
    ] {
        std::fs::write(&p, send_typed(ty)).unwrap();
        let (_, f) = lint_json(&p, &["--max-depth", "1"]);
        let got = rules_of(&f);
        assert!(got.iter().any(|r| r == "not-multipart"), "{ty}: {got:?}");
        let nm = f.iter().find(|x| x["code"] == "not-multipart").unwrap();
        assert_eq!(nm["path"], "header Content-Type", "{ty}");
        assert_eq!(nm["line"], 6, "{ty}");
    }
    std::fs::write(&p, send_typed("text/plain")).unwrap();
    let (_, f) = lint_json(&p, &["--max-depth", "1"]);
    assert!(!rules_of(&f).iter().any(|r| r == "not-multipart"));
    // A part of message/* type makes the SEND a push too, parsed or not.
    for ty in ["message/sip", "message/msrpfrag"] {
        let body = format!("--b1\r\nContent-Type: {ty}\r\n\r\nhi\r\n--b1--\r\n");
        let send = send_typed("multipart/related; boundary=b1")
            .replace("1-2/2", &format!("1-{0}/{0}", body.len()))
            .replace("\r\n\r\nhi\r\n", &format!("\r\n\r\n{body}"));
        std::fs::write(&p, &send).unwrap();
        let (_, f) = lint_json(&p, &["--max-depth", "2"]);
        let got = rules_of(&f);
        assert!(got.iter().any(|r| r == "not-multipart"), "{ty}: {got:?}");
    }
}

/// Protects where lint places the findings on a carried part's start line
/// (`response-part`, `bye-part`): the offset, line, column and length of
/// the start line itself, checked against the bytes of the file.
#[test]
fn part_findings_point_at_the_start_line() {
    let path = root().join("samples/broken-appendix-k-lmm.msrp");
    let bytes = std::fs::read(&path).unwrap();
    let (_, f) = lint_json(&path, &[]);
    for (rule, start) in [
        ("response-part", "SIP/2.0 200 OK"),
        ("bye-part", "BYE sip:user2@imserver.com SIP/2.0"),
    ] {
        let x = f.iter().find(|x| x["code"] == rule).unwrap();
        let off = x["offset"].as_u64().unwrap() as usize;
        let len = x["length"].as_u64().unwrap() as usize;
        assert_eq!(&bytes[off..off + len], start.as_bytes(), "{rule}");
        let line = 1 + bytes[..off].iter().filter(|&&b| b == b'\n').count();
        assert_eq!(x["line"], line, "{rule}");
        assert_eq!(x["column"], 1, "{rule}");
    }
}

/// Protects the msrpfrag header rule (12.2.2.3 item 3: only Message-ID and
/// Content-Type are stored): a header named just `Content-` is not one of
/// the Content-* headers and is `msrp-extra-header`.
#[test]
fn a_header_named_content_dash_is_extra_in_an_msrpfrag() {
    let text = sample_text("pushed-lmm.msrp");
    let broken = text.replacen(
        "Content-Type: text/plain\r\n",
        "Content-Type: text/plain\r\nContent-: x\r\n",
        1,
    );
    assert_ne!(broken, text);
    let (code, f) = lint_bytes(broken.as_bytes());
    let x = f
        .iter()
        .find(|x| x["code"] == "msrp-extra-header")
        .unwrap_or_else(|| panic!("{:?}", rules_of(&f)));
    assert_eq!(x["path"], "part 2 > header Content-");
    assert_eq!(code, 1);
}

/// Issue "CR fidelity" item 10 (12.2.2.3 item 3: "No other MSRP SEND
/// headers shall be stored"): the Content-* headers of MSRP other than
/// Content-Type are extra in an msrpfrag too, each reported at its line.
#[test]
fn content_headers_other_than_content_type_are_extra_in_an_msrpfrag() {
    let text = sample_text("pushed-lmm.msrp");
    for extra in [
        "Content-ID: <part1@example.com>",
        "Content-Description: a note",
        "Content-Disposition: inline",
    ] {
        let broken = text.replacen(
            "Content-Type: text/plain\r\n",
            &format!("{extra}\r\nContent-Type: text/plain\r\n"),
            1,
        );
        assert_ne!(broken, text);
        let (code, f) = lint_bytes(broken.as_bytes());
        // The outer Byte-Range no longer matches the longer body: beside the point.
        let f: Vec<Value> = f
            .into_iter()
            .filter(|x| x["code"] != "msrp-byte-range-mismatch")
            .collect();
        assert_eq!(rules_of(&f), ["msrp-extra-header"], "{extra}");
        let name = extra.split(':').next().unwrap();
        assert_eq!(f[0]["path"], format!("part 2 > header {name}"));
        let line = broken[..f[0]["offset"].as_u64().unwrap() as usize]
            .lines()
            .count()
            + 1;
        assert_eq!(f[0]["line"], line);
        assert!(broken[f[0]["offset"].as_u64().unwrap() as usize..].starts_with(extra));
        assert_eq!(code, 1);
    }
}

/// Protects the one rule for "nothing found": input with no SIP or MSRP
/// message (empty, or not SIP at all) is an input error, exit 2, as in
/// parse; it is never "0 messages checked" and a pass.
#[test]
fn input_without_a_message_is_an_input_error() {
    for input in ["", "hello world\n"] {
        bin()
            .args(["lint", "-"])
            .write_stdin(input)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "<stdin>: no SIP or MSRP message found",
            ));
    }
}

/// Bytes that look like a broken message are errors found (exit 1), not
/// "nothing found": an MSRP start line without its transaction id.
#[test]
fn input_that_is_only_a_broken_message_is_errors_found() {
    bin()
        .args(["lint", "-"])
        .write_stdin("MSRP  SEND\r\nTo-Path: msrp://example.com:2855/s;tcp\r\n\r\n-------$\r\n")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[junk]"));
}

/// Protects the scope of `oma-contact-feature-tag` (004 9.1.1.1 item 3): a
/// session INVITE's Contact must carry `+g.oma.sip-im`; a pager MESSAGE's
/// or a PUBLISH's need not (8.1.1, 5.2.4 have no Contact rule).
#[test]
fn the_oma_contact_rule_is_for_session_invites() {
    let bad = std::fs::read_to_string(fixtures().join("oma-contact-feature-tag.bad.sip")).unwrap();
    let (_, f) = lint_json(
        &fixtures().join("oma-contact-feature-tag.bad.sip"),
        &["--profile", "oma-im"],
    );
    assert!(rules_of(&f).contains(&"oma-contact-feature-tag".to_string()));
    for method in ["MESSAGE", "PUBLISH"] {
        let text = bad
            .replacen("INVITE sip:", &format!("{method} sip:"), 1)
            .replace(" INVITE\r\n", &format!(" {method}\r\n"));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.sip");
        std::fs::write(&p, &text).unwrap();
        let (_, f) = lint_json(&p, &["--profile", "oma-im"]);
        assert!(
            !rules_of(&f).contains(&"oma-contact-feature-tag".to_string()),
            "{method}: {:?}",
            rules_of(&f)
        );
    }
}

/// A bare message-summary body whose first line is not Messages-Waiting is
/// read as a summary and gets `summary-status-not-first` (it was `junk`).
#[test]
fn a_summary_body_not_led_by_its_status_is_still_a_summary() {
    bin()
        .args(["lint", "--format", "json", "-"])
        .write_stdin(
            "Message-Account: sip:a@example.com\r\nMessages-Waiting: yes\r\nVoice-Message: 1/0\r\n",
        )
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("summary-status-not-first")
                .and(predicate::str::contains("\"junk\"").not()),
        );
}

/// A chunk of a pushed SEND, as its sender would write it.
fn chunk_send(
    tid: &str,
    range: (usize, usize, usize),
    ct: &str,
    data: &[u8],
    flag: char,
) -> Vec<u8> {
    let (a, b, total) = range;
    let mut out = format!(
        "MSRP {tid} SEND\r\nTo-Path: msrp://bob.example.com:8888/9di4ea;tcp\r\nFrom-Path: msrp://alice.example.com:7777/iau39soe2843z;tcp\r\nMessage-ID: msg453\r\nByte-Range: {a}-{b}/{total}\r\nContent-Type: {ct}\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(format!("\r\n-------{tid}{flag}\r\n").as_bytes());
    out
}

/// The body and Content-Type of a one-SEND fixture.
fn send_body(fixture_name: &str) -> (Vec<u8>, String) {
    let text = std::fs::read(fixtures().join(fixture_name)).unwrap();
    let head_end = text.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(text[..head_end].to_vec()).unwrap();
    let ct = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Type: "))
        .unwrap()
        .to_string();
    let body_end = text.windows(9).rposition(|w| w == b"\r\n-------").unwrap();
    (text[head_end + 4..body_end].to_vec(), ct)
}

/// `body` in chunks cut at `cuts`, in input order `order` (indexes of the
/// pieces); the last piece ends with `last_flag`.
fn chunked(body: &[u8], ct: &str, cuts: &[usize], order: &[usize], last_flag: char) -> Vec<u8> {
    let mut points = vec![0];
    points.extend_from_slice(cuts);
    points.push(body.len());
    let pieces = points.len() - 1;
    let mut out = Vec::new();
    for &i in order {
        let (a, b) = (points[i], points[i + 1]);
        let flag = if i + 1 == pieces { last_flag } else { '+' };
        let range = (a + 1, b, body.len());
        out.extend(chunk_send(
            &format!("tid{i:05}"),
            range,
            ct,
            &body[a..b],
            flag,
        ));
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).unwrap()
}

/// Protects src/lint/chunks.rs: the body rules run once on the joined
/// body of a chunked pushed SEND, and each finding is placed at the input
/// byte that carries what it is about, whichever chunk that is, at a
/// chunk's first byte and at the body's very end too. Offsets are found in
/// the input by hand, not computed by the crate.
#[test]
fn findings_of_a_chunked_push_point_into_the_chunk_that_carries_them() {
    let (body, ct) = send_body("response-part.bad.msrp");
    let cut = find(&body, b"SIP/2.0 200 OK");
    // The second chunk starts with the response's start line: the first
    // chunk ends where it starts, and comes first.
    let text = chunked(&body, &ct, &[cut], &[0, 1], '$');
    let (code, findings) = lint_bytes(&text);
    assert_eq!(code, 1);
    assert_eq!(rules_of(&findings), ["response-part"], "{findings:?}");
    let at = find(&text, b"SIP/2.0 200 OK");
    assert_eq!(findings[0]["offset"], at);
    assert_eq!(findings[0]["line"], 28, "{}", findings[0]);
    assert_eq!(findings[0]["length"], "SIP/2.0 200 OK".len());

    // Without its close delimiter: multipart-unclosed sits at the end of
    // the body, the end of the last chunk's data.
    let open = &body[..find(&body, b"--b42--")];
    let text = chunked(open, &ct, &[cut, open.len() - 3], &[0, 1, 2], '$');
    let (_, findings) = lint_bytes(&text);
    assert_eq!(
        rules_of(&findings),
        ["response-part", "multipart-unclosed"],
        "{findings:?}"
    );
    let last_data = find(&text, b"MSRP tid00002 SEND");
    let last_data = last_data + find(&text[last_data..], b"\r\n\r\n") + 4;
    assert_eq!(findings[1]["offset"], last_data + 3, "{}", findings[1]);
}

/// Protects src/lint/chunks.rs: a pushed SEND whose joined body is not
/// multipart is reported once, at the start line of the chunk that starts
/// the message (here the second in the input), and a clean pushed SEND in
/// chunks has no finding at all: nothing said of the head the body rules
/// are given leaks out.
#[test]
fn a_chunked_push_is_judged_once_as_a_whole() {
    let (body, ct) = send_body("response-part.good.msrp");
    let text = chunked(&body, &ct, &[100, 200, 300], &[2, 0, 3, 1], '$');
    assert_eq!(lint_bytes(&text), (0, vec![]));

    let (body, _) = send_body("response-part.good.msrp");
    let text = chunked(&body, "message/sip", &[150], &[1, 0], '$');
    let (code, findings) = lint_bytes(&text);
    assert_eq!(code, 1);
    let not_mp: Vec<&Value> = findings
        .iter()
        .filter(|f| f["code"] == "not-multipart")
        .collect();
    assert_eq!(not_mp.len(), 1, "{findings:?}");
    assert_eq!(not_mp[0]["offset"], find(&text, b"MSRP tid00000 SEND"));
    assert_eq!(not_mp[0]["length"], 0);
}

/// Protects src/lint/chunks.rs: a body that is not all there, or whose
/// bytes are in doubt, is not judged (its chunks' own findings are the
/// reassembly's); the same chunk sent twice with the same bytes is.
#[test]
fn a_chunked_push_with_missing_or_doubtful_bytes_is_not_body_checked() {
    let (body, ct) = send_body("response-part.bad.msrp");
    let cut = find(&body, b"SIP/2.0 200 OK");
    let cuts = [cut, cut + 40];
    let judged = |text: &[u8]| -> bool {
        let (_, findings) = lint_bytes(text);
        rules_of(&findings).contains(&"response-part".to_string())
    };
    assert!(judged(&chunked(&body, &ct, &cuts, &[0, 1, 2], '$')));
    // A chunk missing.
    assert!(!judged(&chunked(&body, &ct, &cuts, &[0, 2], '$')));
    // Aborted on its last byte.
    assert!(!judged(&chunked(&body, &ct, &cuts, &[0, 1, 2], '#')));
    // The first chunk sent again, same length, other bytes.
    let mut other = chunked(&body, &ct, &cuts, &[0, 1, 2], '$');
    let mut changed = body[..cut].to_vec();
    changed[2] = b'X';
    other.extend(chunk_send(
        "tidagain",
        (1, cut, body.len()),
        &ct,
        &changed,
        '+',
    ));
    assert!(!judged(&other));
    // And again with the same bytes: judged, once.
    let mut same = chunked(&body, &ct, &cuts, &[0, 1, 2], '$');
    same.extend(chunk_send(
        "tidagain",
        (1, cut, body.len()),
        &ct,
        &body[..cut],
        '+',
    ));
    let (_, findings) = lint_bytes(&same);
    assert_eq!(rules_of(&findings), ["response-part"], "{findings:?}");
}
