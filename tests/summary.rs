//! `sipmsrp summary` end to end: the real binary over fixtures in
//! tests/fixtures/summary/ (CRLF files, kept byte for byte by .gitattributes).

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use sipmsrp::summary;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/summary")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

fn cmd() -> Command {
    let mut c = Command::cargo_bin("sipmsrp").unwrap();
    c.arg("summary");
    c
}

/// The body passes every RFC 3842 rule (what `lint` checks on message-summary bodies).
fn assert_clean_body(body: &[u8]) {
    let (view, findings) = summary::parse(body);
    assert!(
        findings.is_empty(),
        "{findings:?} in {:?}",
        String::from_utf8_lossy(body)
    );
    assert!(view.is_complete());
}

/// Split a NOTIFY at its empty line; check Content-Length is the body's byte count.
fn notify_body(out: &[u8]) -> &[u8] {
    let text = std::str::from_utf8(out).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
    let cl: usize = head
        .split("\r\n")
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .expect("Content-Length")
        .parse()
        .unwrap();
    assert_eq!(cl, body.len(), "Content-Length must be the body's bytes");
    &out[head.len() + 4..]
}

const EXAMPLE_ARGS: [&str; 2] = ["--account", "sip:charlie@mailserver.example.com"];

const NOTIFY_ARGS: [&str; 15] = [
    "--notify",
    "--request-uri",
    "sip:charlie@pc.example.com",
    "--to",
    "sip:charlie@example.com",
    "--to-tag",
    "78923",
    "--from",
    "sip:mailserver.example.com",
    "--from-tag",
    "4442",
    "--call-id",
    "adsf0923jsdjw",
    "--branch",
    "z9hG4bKnashds8",
];

#[test]
fn example_of_003_from_two_stored_messages() {
    let out = cmd()
        .arg(fixture("stored-pager.sip"))
        .arg(fixture("stored-lmm.txt"))
        .args(EXAMPLE_ARGS)
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&read("expected-example.txt"))
    );
    assert!(out.windows(23).any(|w| w == b"Text-Message: 2/0 (1/0)"));
    assert_clean_body(&out);
}

#[test]
fn example_notify_has_the_true_content_length() {
    let out = cmd()
        .arg(fixture("stored-pager.sip"))
        .arg(fixture("stored-lmm.txt"))
        .args(EXAMPLE_ARGS)
        .args(NOTIFY_ARGS)
        .args(["--cseq", "31"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&read("expected-example-notify.sip"))
    );
    let body = notify_body(&out);
    // 003 declares 503, which matches no reading of its body.
    assert_ne!(body.len(), 503);
    assert_clean_body(body);
}

#[test]
fn notify_defaults_are_documented_and_generated_fields_vary() {
    let run = || {
        cmd()
            .arg(fixture("stored-pager.sip"))
            .arg("--notify")
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let a = String::from_utf8(run()).unwrap();
    let b = String::from_utf8(run()).unwrap();
    assert!(a.starts_with("NOTIFY sip:subscriber.invalid SIP/2.0\r\n"));
    assert!(a.contains("\r\nTo: <sip:subscriber.invalid>;tag="));
    assert!(a.contains("\r\nFrom: <sip:message-store.invalid>;tag="));
    assert!(a.contains("\r\nVia: SIP/2.0/TCP message-store.invalid;branch=z9hG4bK"));
    assert!(a.contains("\r\nCSeq: 1 NOTIFY\r\n"));
    assert!(a.contains("\r\nSubscription-State: active\r\n"));
    assert!(a.contains("\r\nEvent: message-summary\r\n"));
    let call_id = |s: &str| {
        s.split("\r\n")
            .find(|l| l.starts_with("Call-ID: "))
            .unwrap()
            .to_string()
    };
    assert_ne!(call_id(&a), call_id(&b), "generated Call-IDs must differ");
    notify_body(a.as_bytes());
}

#[test]
fn empty_store_is_not_waiting() {
    cmd()
        .write_stdin("")
        .assert()
        .code(0)
        .stdout("Messages-Waiting: no\r\n");
    let empty = tempfile::NamedTempFile::new().unwrap();
    cmd()
        .arg(empty.path())
        .args(EXAMPLE_ARGS)
        .assert()
        .code(0)
        .stdout("Messages-Waiting: no\r\nMessage-Account: sip:charlie@mailserver.example.com\r\n");
    cmd()
        .arg("--json-input")
        .arg(fixture("empty.json"))
        .assert()
        .code(0)
        .stdout("Messages-Waiting: no\r\n");
    // An empty file is not an empty JSON document: an error, exit 2.
    for input in ["", " \r\n"] {
        cmd()
            .args(["--json-input", "-"])
            .write_stdin(input)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(
                "empty input is not a JSON document",
            ));
    }
    let out = cmd()
        .arg("--notify")
        .write_stdin("")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(notify_body(&out), b"Messages-Waiting: no\r\n");
}

#[test]
fn garbage_is_not_an_empty_store() {
    cmd()
        .write_stdin("this is not a SIP message\r\n")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no SIP or MSRP message"));
}

#[test]
fn old_marks_seen_messages_and_urgency_follows_priority() {
    let out = cmd()
        .arg(fixture("stored-pager.sip"))
        .arg(fixture("stored-lmm.txt"))
        .arg(fixture("stored-undated.sip"))
        .args(["--old", "d0982dkjs@Joemobile.example.net"])
        .args(["--date", "Mon, 10 Jul 2000 04:28:53 GMT"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out.clone()).unwrap();
    // Alice normal new, Bob emergency new, Joe urgent old.
    assert!(
        text.starts_with("Messages-Waiting: yes\r\nText-Message: 2/1 (1/1)\r\n\r\n"),
        "{text}"
    );
    assert!(text.contains(
        "\r\nTo: <sip:charlie@example.com>\r\nFrom: \"Bob\" <sip:bob@example.com>\r\nDate: Mon, 10 Jul 2000 04:28:53 GMT\r\nPriority: Emergency\r\nMessage-ID: b0b-1@bobpc.example.com\r\n"
    ));
    assert_clean_body(&out);
}

#[test]
fn all_old_is_not_waiting() {
    cmd()
        .arg(fixture("stored-pager.sip"))
        .args([
            "--old",
            "32098d@alicepc.example.org",
            "--class",
            "pager-message",
        ])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Messages-Waiting: no\r\nPager-Message: 0/1 (0/0)\r\n\r\nTo:",
        ));
}

#[test]
fn unmatched_old_and_missing_date_warn_but_succeed() {
    cmd()
        .arg(fixture("stored-undated.sip"))
        .args(["--old", "nope@nowhere"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Date:").not())
        .stderr(
            predicate::str::contains("warning[summary-old-unmatched]").and(
                predicate::str::contains("warning[summary-stored-without-date]"),
            ),
        );
}

#[test]
fn bad_date_is_an_error() {
    cmd()
        .arg(fixture("stored-undated.sip"))
        .args(["--date", "yesterday"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("--date"));
}

#[test]
fn unknown_class_is_a_finding_kept_as_an_extension_line() {
    cmd()
        .arg(fixture("stored-pager.sip"))
        .args(["--class", "Video-Message"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "Messages-Waiting: yes\r\nVideo-Message: 1/0 (0/0)\r\n",
        ))
        .stderr(predicate::str::contains("warning[summary-unknown-class]"));
    let out = cmd()
        .arg("--from-body")
        .arg(fixture("unknown-class.txt"))
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "unknown-class.txt:3:1: warning[summary-unknown-class]",
        ))
        .get_output()
        .stdout
        .clone();
    // Canonical order: RFC 3458 classes first, the extension line after.
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "Messages-Waiting: yes\r\nVoice-Message: 1/0\r\nFax-Message: 0/1\r\nVideo-Message: 3/0\r\n"
    );
}

#[test]
fn from_body_normalises_another_servers_body() {
    let out = cmd()
        .arg("--from-body")
        .arg(fixture("other-server-body.txt"))
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("other-server-body.txt:1:22: error[summary-bare-lf]").and(
                predicate::str::contains(
                    "other-server-body.txt:4:1: error[summary-missing-blank-line]",
                ),
            ),
        )
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out.clone()).unwrap();
    assert_eq!(
        text,
        "Messages-Waiting: yes\r\n\
Message-Account: sip:charlie@mailserver.example.com\r\n\
Text-Message: 2/0 (1/0)\r\n\
\r\n\
To: <sip:charlie@example.com>\r\n\
From: <sip:Joe@example.com>\r\n\
Priority: urgent\r\n\
Message-ID: d0982dkjs@Joemobile.example.net\r\n\
\r\n\
To: <sip:charlie@example.com>\r\n\
From: <sip:alice@example.org>\r\n\
Message-ID: 32098d@alicepc.example.org\r\n"
    );
    assert_clean_body(&out);
    // Re-emitting the canonical output changes nothing.
    cmd()
        .args(["--from-body", "-"])
        .write_stdin(out.clone())
        .assert()
        .code(0)
        .stderr("")
        .stdout(text);
}

#[test]
fn from_body_reads_stdin_and_round_trips_the_example() {
    let body = read("expected-example.txt");
    cmd()
        .args(["--from-body", "-"])
        .write_stdin(body.clone())
        .assert()
        .code(0)
        .stderr("")
        .stdout(predicate::eq(body));
}

#[test]
fn from_body_of_a_notify_fixes_its_content_length() {
    let out = cmd()
        .arg("--from-body")
        .arg(fixture("notify-short-length.sip"))
        .args(["--notify", "--branch", "z9hG4bKre1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("notify-short-length.sip:11:17"))
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out.clone()).unwrap();
    // The dialog of the input NOTIFY is kept; the new request has its own branch.
    assert!(text.starts_with(
        "NOTIFY sip:charlie@pc.example.com SIP/2.0\r\nVia: SIP/2.0/TCP mailserver.example.com:5070;branch=z9hG4bKre1\r\n"
    ));
    assert!(text.contains("\r\nTo: <sip:charlie@example.com>;tag=78923\r\n"));
    assert!(text.contains("\r\nCSeq: 32 NOTIFY\r\n"));
    assert!(text.contains("\r\nSubscription-State: active;expires=3600\r\n"));
    assert!(text.contains("\r\nContent-Length: 48\r\n"));
    assert_eq!(
        notify_body(&out),
        b"Messages-Waiting: no\r\nVoice-Message: 0/0 (0/0)\r\n"
    );
    // Options win over the input NOTIFY's fields.
    cmd()
        .arg("--from-body")
        .arg(fixture("notify-short-length.sip"))
        .args([
            "--notify",
            "--cseq",
            "33",
            "--subscription-state",
            "terminated;reason=timeout",
        ])
        .assert()
        .stdout(
            predicate::str::contains("\r\nCSeq: 33 NOTIFY\r\n").and(predicate::str::contains(
                "\r\nSubscription-State: terminated;reason=timeout\r\n",
            )),
        );
}

/// A message block without Message-ID is valid RFC 3842 (the header is
/// optional there): a warning, exit 0, and the block is kept.
#[test]
fn from_body_keeps_blocks_without_message_id_and_repeated_lines() {
    cmd()
        .arg("--from-body")
        .arg(fixture("no-message-id.txt"))
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "no-message-id.txt:4:1: warning[summary-block-without-message-id]",
        ))
        .stdout(
            "Messages-Waiting: yes\r\nFax-Message: 2/1\r\n\r\nTo: <sip:a@example.com>\r\nTo: <sip:b@example.com>\r\nSubject: fine choice\r\n",
        );
}

#[test]
fn from_body_status_only() {
    cmd()
        .arg("--from-body")
        .arg(fixture("voice-status-only.txt"))
        .assert()
        .code(0)
        .stdout("Messages-Waiting: yes\r\n");
}

#[test]
fn bad_counts_give_positions_and_no_output() {
    cmd()
        .arg("--from-body")
        .arg(fixture("bad-count.txt"))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "bad-count.txt:3:16: cannot re-emit the body: Fax-Message: a count is not a decimal number [summary-bad-count]",
        ));
    cmd()
        .arg("--from-body")
        .arg(fixture("overflow-count.txt"))
        .args(["--notify"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("overflow-count.txt:2:16")
                .and(predicate::str::contains("2^32-1")),
        );
}

#[test]
fn inconsistent_status_is_not_normalised() {
    cmd()
        .arg("--from-body")
        .arg(fixture("inconsistent.txt"))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "inconsistent.txt:1:19: cannot re-emit the body: Messages-Waiting is no but a class has new messages [summary-waiting-inconsistent]",
        ));
}

#[test]
fn from_body_rejects_what_is_not_a_summary() {
    cmd()
        .arg("--from-body")
        .arg(fixture("not-a-summary.txt"))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("[summary-missing-status]"));
    cmd()
        .arg("--from-body")
        .arg(fixture("notify-not-summary.sip"))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "carries application/pidf+xml, not application/simple-message-summary",
        ));
}

#[test]
fn json_input_reproduces_the_example() {
    cmd()
        .arg("--json-input")
        .arg(fixture("example.json"))
        .assert()
        .success()
        .stderr("")
        .stdout(predicate::eq(read("expected-example.txt")));
}

#[test]
fn json_counts_are_taken_as_given() {
    cmd()
        .arg("--json-input")
        .arg(fixture("counts.json"))
        .args(["--account", "sip:alice@vmail.example.com"])
        .assert()
        .success()
        .stdout(
            "Messages-Waiting: yes\r\nMessage-Account: sip:alice@vmail.example.com\r\nVoice-Message: 4/8 (1/2)\r\nFax-Message: 0/1\r\n",
        );
}

#[test]
fn json_errors_name_the_field() {
    let cases = [
        (
            "bad-state.json",
            "messages[0].state: unknown variant `unread`",
        ),
        (
            "bad-overflow.json",
            "counts[0].new: invalid value: integer `4294967296`",
        ),
        (
            "bad-account.json",
            "account: `<sip:charlie@example.com>` is not",
        ),
        (
            "bad-waiting.json",
            "messages_waiting: is false but a class has new messages",
        ),
        (
            "bad-field.json",
            "messages[0].colour: unknown field `colour`",
        ),
        (
            "bad-header.json",
            "messages[0].headers[0].value: contains the control character U+000D",
        ),
        (
            "bad-missing-headers.json",
            "messages[0]: missing field `headers`",
        ),
        ("bad-type.json", "type: expected \"message-summary\""),
    ];
    for (file, message) in cases {
        for notify in [false, true] {
            let mut c = cmd();
            c.arg("--json-input").arg(fixture(file));
            if notify {
                c.arg("--notify");
            }
            c.assert()
                .code(2)
                .stdout("")
                .stderr(predicate::str::contains(message));
        }
    }
    cmd()
        .arg("--json-input")
        .write_stdin("{\"type\": \"message-summary\", \"schema_version\": 1} trailing")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("after the document"));
}

#[test]
fn parse_edit_summary_round_trips_through_json() {
    // stored → JSON → (edit) → body: the edit marks Joe's message as seen.
    let json = cmd()
        .arg(fixture("stored-pager.sip"))
        .arg(fixture("stored-lmm.txt"))
        .args(EXAMPLE_ARGS)
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mut v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["type"], "message-summary");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["messages"][1]["urgent"], true);
    cmd()
        .arg("--json-input")
        .write_stdin(json.clone())
        .assert()
        .success()
        .stdout(predicate::eq(read("expected-example.txt")));
    v["messages"][1]["state"] = "old".into();
    cmd()
        .arg("--json-input")
        .write_stdin(serde_json::to_vec(&v).unwrap())
        .assert()
        .success()
        .stdout(predicate::str::contains("Text-Message: 1/1 (0/1)\r\n"));
    // body → JSON → body is the identity for a canonical body.
    let json = cmd()
        .arg("--from-body")
        .arg(fixture("expected-example.txt"))
        .args(["-f", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    cmd()
        .arg("--json-input")
        .write_stdin(json)
        .assert()
        .success()
        .stdout(predicate::eq(read("expected-example.txt")));
}

/// Protects the NOTIFY emitter's validation of every value it writes into
/// a header: a value that breaks the header's grammar is refused (exit 2,
/// nothing written), never written as given.
#[test]
fn bad_notify_fields_emit_nothing() {
    for (opt, value) in [
        ("--to", "<sip:charlie@example.com>"),
        ("--from", "mailserver"),
        ("--call-id", "a b"),
        // RFC 3261 `callid = word [ "@" word ]`: both words are checked.
        ("--call-id", "a b@example.com"),
        ("--call-id", "c1@exa mple.com"),
        ("--call-id", "c1@"),
        ("--call-id", "c1@a@b"),
        ("--to-tag", "a;b"),
        ("--branch", "nomagic"),
        ("--cseq", "2147483648"),
        ("--subscription-state", "active\r\nX: y"),
    ] {
        cmd()
            .arg(fixture("stored-pager.sip"))
            .args(["--notify", opt, value])
            .assert()
            .code(2)
            .stdout("");
    }
}

#[test]
fn usage_errors() {
    cmd()
        .args(["--notify", "--format", "json"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--notify"));
    cmd()
        .args(["--account", "charlie"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--account"));
    cmd()
        .arg("--json-input")
        .arg(fixture("empty.json"))
        .args(["--old", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--old applies to stored messages"));
    cmd()
        .arg("--from-body")
        .arg(fixture("voice-status-only.txt"))
        .arg(fixture("voice-status-only.txt"))
        .assert()
        .code(2);
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("notify.sip");
    cmd()
        .arg(fixture("stored-pager.sip"))
        .arg(fixture("stored-lmm.txt"))
        .args(EXAMPLE_ARGS)
        .args(NOTIFY_ARGS)
        .args(["--cseq", "31", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    assert_eq!(
        std::fs::read(&out).unwrap(),
        read("expected-example-notify.sip")
    );
    // A failure leaves an existing file as it was.
    cmd()
        .arg(fixture("stored-pager.sip"))
        .args(["--notify", "--to", "<bad>", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read(&out).unwrap(),
        read("expected-example-notify.sip")
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn every_output_passes_the_rfc3842_rules() {
    let runs: Vec<Vec<String>> = vec![
        vec!["--from-body".into(), "unknown-class.txt".into()],
        vec!["--json-input".into(), "counts.json".into()],
        vec!["stored-undated.sip".into()],
        vec!["--from-body".into(), "other-server-body.txt".into()],
    ];
    for args in runs {
        let mut c = cmd();
        for a in &args {
            if a.ends_with(".txt") || a.ends_with(".json") || a.ends_with(".sip") {
                c.arg(fixture(a));
            } else {
                c.arg(a);
            }
        }
        let out = c.assert().get_output().stdout.clone();
        let (view, findings) = summary::parse(&out);
        assert!(view.is_complete(), "{args:?}");
        // Unknown classes stay a warning wherever they go; nothing else may remain.
        for f in findings {
            assert_eq!(f.code, summary::codes::UNKNOWN_CLASS, "{args:?}: {f:?}");
        }
    }
}

/// The rule ids in `summary`'s own report on standard error.
fn reported_codes(stderr: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(stderr);
    text.lines()
        .filter_map(|l| {
            let start = l.find("[summary-")? + 1;
            let end = start + l[start..].find(']')?;
            Some(l[start..end].to_string())
        })
        .collect()
}

/// Every output of `summary` (body, NOTIFY, JSON input, normalised bodies)
/// passes `sipmsrp lint` (the binary): no finding at all when summary
/// reported none; otherwise only the RFC 3842 findings summary itself
/// reported about its input (a block without Message-ID is kept, not
/// invented; an unknown class is kept as an extension line).
#[test]
fn every_output_passes_lint_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let f = |n: &str| fixture(n).display().to_string();
    let runs: Vec<Vec<String>> = vec![
        vec![f("stored-pager.sip"), f("stored-lmm.txt")],
        [
            &[f("stored-pager.sip"), f("stored-lmm.txt")][..],
            &EXAMPLE_ARGS.map(String::from)[..],
        ]
        .concat(),
        [
            &[f("stored-pager.sip"), f("stored-lmm.txt")][..],
            &EXAMPLE_ARGS.map(String::from)[..],
            &NOTIFY_ARGS.map(String::from)[..],
        ]
        .concat(),
        vec!["--notify".into(), f("stored-undated.sip")],
        vec![
            f("stored-pager.sip"),
            "--old".into(),
            "asd88asd77a@1.2.3.4".into(),
            "--notify".into(),
        ],
        vec!["--json-input".into(), f("counts.json")],
        vec!["--json-input".into(), f("example.json"), "--notify".into()],
        vec!["--json-input".into(), f("empty.json")],
        vec!["--json-input".into(), f("empty.json"), "--notify".into()],
        vec!["--from-body".into(), f("other-server-body.txt")],
        vec![
            "--from-body".into(),
            f("other-server-body.txt"),
            "--notify".into(),
        ],
        vec!["--from-body".into(), f("voice-status-only.txt")],
        vec![
            "--from-body".into(),
            f("unknown-class.txt"),
            "--notify".into(),
        ],
        vec!["--from-body".into(), f("no-message-id.txt")],
        vec!["--from-body".into(), f("notify-short-length.sip")],
    ];
    let mut checked = 0;
    for (i, args) in runs.iter().enumerate() {
        let out = cmd().args(args).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let reported = reported_codes(&out.stderr);
        let file = dir.path().join(format!("out-{i}.txt"));
        std::fs::write(&file, &out.stdout).unwrap();
        let lint = Command::cargo_bin("sipmsrp")
            .unwrap()
            .args(["lint", "--format", "json"])
            .arg(&file)
            .output()
            .unwrap();
        let findings: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
        let findings = findings.as_array().unwrap();
        for x in findings {
            let rule = x["code"].as_str().unwrap();
            assert!(
                reported.iter().any(|r| r == rule),
                "{args:?}: lint says {rule} of summary's output, summary reported {reported:?}\n{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        let errors = findings.iter().any(|x| x["severity"] == "error");
        assert_eq!(lint.status.code(), Some(i32::from(errors)), "{args:?}");
        if reported.is_empty() {
            assert_eq!(findings.len(), 0, "{args:?}");
            checked += 1;
        }
    }
    assert!(
        checked >= 9,
        "only {checked} outputs without input findings"
    );
}

mod lint_props {
    use proptest::prelude::*;
    use sipmsrp::finding::Severity;
    use sipmsrp::lint::{Config, lint_text};
    use sipmsrp::summary::{
        DocHeader, DocMessage, MessageState, NotifyParams, SummaryDoc, emit_body, emit_notify,
    };

    fn message(i: usize) -> impl Strategy<Value = DocMessage> {
        (
            proptest::sample::select(vec![
                "voice-message",
                "fax-message",
                "pager-message",
                "multimedia-message",
                "text-message",
                "none",
            ]),
            any::<bool>(),
            any::<bool>(),
            proptest::collection::vec(
                (
                    proptest::sample::select(vec!["To", "From", "Subject", "Date", "Priority"]),
                    "[ -~]{0,30}",
                ),
                0..5,
            ),
        )
            .prop_map(move |(class, old, urgent, hs)| {
                let mut headers: Vec<DocHeader> =
                    hs.into_iter().map(|(n, v)| DocHeader::new(n, v)).collect();
                headers.push(DocHeader::new("Message-ID", format!("id{i}@store.example")));
                DocMessage {
                    class: Some(class.to_string()),
                    state: Some(if old {
                        MessageState::Old
                    } else {
                        MessageState::New
                    }),
                    urgent: Some(urgent),
                    headers,
                }
            })
    }

    fn doc() -> impl Strategy<Value = SummaryDoc> {
        (
            proptest::option::of("sip:[a-z]{1,8}@[a-z]{1,8}\\.example"),
            (0usize..6).prop_flat_map(|n| (0..n).map(message).collect::<Vec<_>>()),
        )
            .prop_map(|(account, messages)| {
                let mut d = SummaryDoc::new(account);
                d.messages = messages;
                d
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Emitted bodies and NOTIFYs lint without any finding.
        #[test]
        fn emitted_bodies_and_notifies_lint_clean(d in doc(), cseq in 1u32..1000) {
            prop_assume!(d.validate().is_ok());
            let body = emit_body(&d);
            let r = lint_text(body.as_bytes(), &Config::default());
            prop_assert!(r.diagnostics.is_empty(), "{:?}\n{}", r.diagnostics, body);
            let p = NotifyParams {
                request_uri: "sip:charlie@pc.example.com".into(),
                to: "sip:charlie@example.com".into(),
                to_tag: Some("78923".into()),
                from: "sip:mailserver.example.com".into(),
                from_tag: "4442".into(),
                call_id: "adsf0923jsdjw".into(),
                cseq,
                branch: "z9hG4bKnashds8".into(),
                contact: None,
                subscription_state: "active".into(),
            };
            let notify = emit_notify(&d, &p).unwrap();
            let r = lint_text(notify.as_bytes(), &Config::default());
            prop_assert!(
                !r.diagnostics.iter().any(|x| x.severity >= Severity::Warning),
                "{:?}\n{}", r.diagnostics, notify
            );
        }
    }
}
