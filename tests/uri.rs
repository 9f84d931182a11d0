//! `sipmsrp uri`: escape, unescape and request, driven through the real binary.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use assert_cmd::Command;
use predicates::prelude::*;

const JOE_ID: &str = "d0982dkjs@Joemobile.example.net";
const JOE_URI: &str = "sip:d0982dkjs%40Joemobile.example.net@mailserver.example.com";
const ALICE_URI: &str = "sip:d0982dkjs%40alicepc.example.org@bob.mailserver.example.com";

fn bin() -> Command {
    assert_cmd::cargo::cargo_bin_cmd!("sipmsrp")
}

fn uri(args: &[&str]) -> Command {
    let mut cmd = bin();
    cmd.arg("uri").args(args);
    cmd
}

fn stdout_of(args: &[&str]) -> String {
    let out = uri(args).assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

// ---------------------------------------------------------------------------
// escape

#[test]
fn escape_003_examples_with_host() {
    uri(&["escape", "--host", "mailserver.example.com", JOE_ID])
        .assert()
        .success()
        .stdout(format!("{JOE_URI}\n"));
    uri(&[
        "escape",
        "--host",
        "bob.mailserver.example.com",
        "d0982dkjs@alicepc.example.org",
    ])
    .assert()
    .success()
    .stdout(format!("{ALICE_URI}\n"));
}

#[test]
fn escape_without_host_gives_user_part_and_sips_scheme() {
    uri(&["escape", JOE_ID, "32098d@alicepc.example.org"])
        .assert()
        .success()
        .stdout("d0982dkjs%40Joemobile.example.net\n32098d%40alicepc.example.org\n");
    uri(&[
        "escape",
        "--scheme",
        "sips",
        "--host",
        "[2001:db8::1]:5061",
        "x@y",
    ])
    .assert()
    .success()
    .stdout("sips:x%40y@[2001:db8::1]:5061\n");
}

#[test]
fn escape_keeps_unreserved_and_user_unreserved() {
    let unreserved = "azAZ09-_.!~*'()";
    let user_unreserved = "&=+$,;?/";
    uri(&["escape", unreserved, user_unreserved])
        .assert()
        .success()
        .stdout(format!("{unreserved}\n{user_unreserved}\n"));
}

#[test]
fn escape_escapes_every_other_class() {
    for (input, want) in [
        ("@", "%40"),
        (":", "%3A"),
        ("%", "%25"),
        (" ", "%20"),
        ("<", "%3C"),
        (">", "%3E"),
        ("\"", "%22"),
        ("#", "%23"),
        ("[]{}|\\^`", "%5B%5D%7B%7D%7C%5C%5E%60"),
        ("\t\u{1}\u{1f}\u{7f}", "%09%01%1F%7F"),
        ("é", "%C3%A9"),
        ("消息€😀", "%E6%B6%88%E6%81%AF%E2%82%AC%F0%9F%98%80"),
    ] {
        uri(&["escape", input])
            .assert()
            .success()
            .stdout(format!("{want}\n"));
    }
}

#[test]
fn escape_arbitrary_bytes_and_nul_from_stdin() {
    uri(&["escape"])
        .write_stdin(&b"a\0b\xff\xfe\x80c\n"[..])
        .assert()
        .success()
        .stdout("a%00b%FF%FE%80c\n");
}

#[test]
fn escape_sip_form_message_id_like_any_string() {
    // 001 12.2.2.3 item 4: Message-ID = "sip:String@hostname".
    uri(&[
        "escape",
        "--host",
        "mailserver.example.com",
        "sip:4a7f1c@imserver.example.com",
    ])
    .assert()
    .success()
    .stdout("sip:sip%3A4a7f1c%40imserver.example.com@mailserver.example.com\n");
}

#[test]
fn escape_percent_sequences() {
    uri(&["escape", "%25", "100%"])
        .assert()
        .success()
        .stdout("%2525\n100%25\n");
}

#[test]
fn escape_empty_argument_is_a_usage_error() {
    uri(&["escape", "ok", ""])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "sipmsrp: <arg 2>:1:1: error: the Message-ID is empty",
        ));
}

#[test]
fn escape_bad_host_is_a_usage_error() {
    for host in ["2001:db8::1", "bad host", "a..b", "host:99999"] {
        uri(&["escape", "--host", host, "x"])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("--host"));
    }
}

#[test]
fn escape_and_unescape_100_kb_message_id() {
    let id: String = (0..100_000)
        .map(|i| match i % 10 {
            0 => '@',
            5 => '%',
            _ => char::from(b'a' + (i % 26) as u8),
        })
        .collect();
    let escaped = stdout_of(&["escape", "--host", "store.example.com", &id]);
    let escaped = escaped.trim_end_matches('\n');
    assert_eq!(escaped.len(), 4 + 80_000 + 20_000 * 3 + 18);
    assert!(!escaped[4..escaped.len() - 18].contains('@'));
    // Through stdin as well, to cover the line reader.
    uri(&["unescape"])
        .write_stdin(format!("{escaped}\n"))
        .assert()
        .success()
        .stdout(format!("{id}\n"));
}

#[test]
fn escape_batch_with_bad_line_in_the_middle() {
    uri(&["escape", "--host", "mailserver.example.com"])
        .write_stdin(format!("{JOE_ID}\n\na b\n"))
        .assert()
        .code(1)
        .stdout(format!("{JOE_URI}\nsip:a%20b@mailserver.example.com\n"))
        .stderr("sipmsrp: <stdin>:2:1: error: the Message-ID is empty\n");
}

// ---------------------------------------------------------------------------
// unescape

#[test]
fn unescape_003_examples_in_every_wrapping() {
    for input in [
        JOE_URI.to_string(),
        format!("<{JOE_URI}>"),
        format!("\"Joe's message\" <{JOE_URI}>"),
        format!("Store <{JOE_URI};transport=tcp?subject=x>"),
        format!("<{JOE_URI}>;tag=78923"),
        format!("  {JOE_URI}:5060;lr  "),
        "SIPS:d0982dkjs%40Joemobile.example.net@mailserver.example.com".to_string(),
        "d0982dkjs%40Joemobile.example.net".to_string(),
        "d0982dkjs%40joemobile%2eexample.net".replace("joemobile", "Joemobile"),
    ] {
        uri(&["unescape", &input])
            .assert()
            .success()
            .stdout(format!("{JOE_ID}\n"));
    }
    uri(&["unescape", ALICE_URI, "--host"])
        .assert()
        .success()
        .stdout("d0982dkjs@alicepc.example.org\tbob.mailserver.example.com\n");
}

#[test]
fn unescape_user_unreserved_and_unreserved_escapes() {
    uri(&["unescape", "sip:a&=+$,;?/b%61%7E@h", "%41%2d%5F"])
        .assert()
        .success()
        .stdout("a&=+$,;?/ba~\nA-_\n");
}

#[test]
fn unescape_percent_25_round_trips() {
    uri(&["unescape", "%25", "%2525", "sip:100%25@h"])
        .assert()
        .success()
        .stdout("%\n%25\n100%\n");
    // And back.
    uri(&["escape", "%", "%25"])
        .assert()
        .success()
        .stdout("%25\n%2525\n");
}

#[test]
fn unescape_stray_percent_names_the_column() {
    for (input, col, found) in [
        ("sip:abc%@h", 8, "found '@'"),
        ("abc%", 4, "found end of input"),
        ("sip:a%4@h", 6, "found '@'"),
        ("%4", 1, "found end of input"),
        ("sip:%G1@h", 5, "found 'G'"),
        ("<sip:x%1G@h>", 7, "found 'G'"),
        // A byte that is not printable is named by its value.
        ("sip:%4\u{1}@h", 5, "found byte 0x01"),
        ("%\u{7f}0", 1, "found byte 0x7F"),
        ("%a b", 1, "found a space"),
    ] {
        uri(&["unescape", input])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!(
                "sipmsrp: <arg 1>:1:{col}: error: expected two hex digits after '%', {found}"
            )));
    }
}

#[test]
fn unescape_rejects_an_unescaped_at_in_the_user_part() {
    uri(&[
        "unescape",
        "sip:d0982dkjs@Joemobile.example.net@mailserver.example.com",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("<arg 1>:1:36:").and(predicate::str::contains("%40")));
}

#[test]
fn unescape_other_errors() {
    for (input, col) in [
        ("", 1),
        ("sip:mailserver.example.com", 5),
        ("tel:+1-201-555-0123", 1),
        ("sip:a b@h", 6),
        ("<sip:a@h", 9),
        ("sip:a@h junk", 8),
        ("a@b", 2),
    ] {
        uri(&["unescape", input])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!("<arg 1>:1:{col}: error:")));
    }
}

#[test]
fn unescape_nul_is_visible_and_never_truncates() {
    uri(&["unescape", "sip:a%00b%00%0Ac@h"])
        .assert()
        .success()
        .stdout("a\u{2400}b\u{2400}\u{240A}c\n");
    uri(&["unescape", "--bytes", "sip:a%00b@h"])
        .assert()
        .success()
        .stdout(&b"a\0b\n"[..]);
    uri(&["unescape", "--format", "json", "a%00b"])
        .assert()
        .success()
        .stdout(predicate::str::contains(r#""message_id":"a\u0000b""#));
}

#[test]
fn unescape_utf8_and_non_utf8() {
    uri(&["unescape", "sip:%C3%A9t%C3%A9%F0%9F%98%80@h"])
        .assert()
        .success()
        .stdout("été😀\n");
    // %C3 alone starts a sequence that %28 does not continue: column of %C3.
    uri(&["unescape", "sip:ab%C3%28@h"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "<arg 1>:1:7: error: the Message-ID is not UTF-8",
        ));
    uri(&["unescape", "--bytes", "sip:ab%C3%28%FF@h"])
        .assert()
        .success()
        .stdout(&b"ab\xc3(\xff\n"[..]);
}

#[test]
fn unescape_json_objects() {
    let out = stdout_of(&[
        "unescape",
        "--format",
        "json",
        "\"J\" <sips:d0982dkjs%40Joemobile%2Eexample.net@[2001:db8::1]:5061;lr>",
        "a%3bb",
    ]);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let v = &lines[0];
    assert_eq!(v["type"], "uri");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(
        v["input"],
        "\"J\" <sips:d0982dkjs%40Joemobile%2Eexample.net@[2001:db8::1]:5061;lr>"
    );
    assert_eq!(v["scheme"], "sips");
    assert_eq!(v["user"], "d0982dkjs%40Joemobile%2Eexample.net");
    assert_eq!(v["canonical_user"], "d0982dkjs%40Joemobile.example.net");
    assert_eq!(v["message_id"], JOE_ID);
    assert_eq!(v["host"], "[2001:db8::1]");
    assert_eq!(v["port"], 5061);
    assert!(v.get("message_id_base64").is_none());
    let v = &lines[1];
    assert_eq!(v["scheme"], serde_json::Value::Null);
    assert_eq!(v["host"], serde_json::Value::Null);
    assert_eq!(v["message_id"], "a;b");
    assert_eq!(v["canonical_user"], "a;b");
}

#[test]
fn unescape_json_bytes_goes_out_as_base64() {
    let out = stdout_of(&["unescape", "--format", "json", "--bytes", "sip:a%FF%00@h"]);
    let v: serde_json::Value = serde_json::from_str(out.trim_end()).unwrap();
    assert_eq!(v["message_id"], serde_json::Value::Null);
    assert_eq!(v["message_id_base64"], "Yf8A");
    // Without --bytes a non-UTF-8 result is an error, in JSON too.
    uri(&["unescape", "--format", "json", "sip:a%FF@h"])
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn unescape_host_of_a_bare_user_part_is_an_error() {
    uri(&["unescape", "--host", "abc"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bare user part has no host"));
}

#[test]
fn unescape_batch_with_bad_line_in_the_middle() {
    uri(&["unescape"])
        .write_stdin(format!("{JOE_URI}\r\nsip:x%4@h\n\n%25%2525\nsip:a%G1@h"))
        .assert()
        .code(1)
        .stdout(format!("{JOE_ID}\n%%25\n"))
        .stderr(
            "sipmsrp: <stdin>:2:6: error: expected two hex digits after '%', found '@'\n\
             sipmsrp: <stdin>:3:1: error: expected an escaped Message-ID (a non-empty user part), found end of input\n\
             sipmsrp: <stdin>:5:6: error: expected two hex digits after '%', found 'G'\n",
        );
}

#[test]
fn unescape_batch_non_utf8_input_line() {
    uri(&["unescape"])
        .write_stdin(&b"\"\xff\" <sip:a@h>\nok\n"[..])
        .assert()
        .code(1)
        .stdout("ok\n")
        .stderr(predicate::str::contains(
            "<stdin>:1:2: error: the input is not UTF-8",
        ));
}

#[test]
fn batch_round_trip_through_both_subcommands() {
    let ids = [JOE_ID, "%", "%25", "a b\t<c>", "é😀", "sip:x@y", "&=+$,;?/"];
    let escaped = uri(&["escape", "--host", "store.example.com"])
        .write_stdin(ids.join("\n"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(escaped.clone()).unwrap();
    assert_eq!(text.lines().count(), ids.len());
    // \t shows as its control picture in text output.
    let want: String = ids
        .iter()
        .map(|s| format!("{}\n", s.replace('\t', "\u{2409}")))
        .collect();
    uri(&["unescape"])
        .write_stdin(escaped.clone())
        .assert()
        .success()
        .stdout(want);
    let raw: String = ids.iter().map(|s| format!("{s}\n")).collect();
    uri(&["unescape", "--bytes"])
        .write_stdin(escaped)
        .assert()
        .success()
        .stdout(raw);
}

#[test]
fn broken_pipe_exits_quietly() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sipmsrp"))
        .args(["uri", "escape"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let line = b"some@message.id\n".repeat(1000);
        for _ in 0..2000 {
            if stdin.write_all(&line).is_err() {
                break;
            }
        }
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert_eq!(first, "some%40message.id\n");
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

// ---------------------------------------------------------------------------
// request

const FIXED: [&str; 6] = [
    "--call-id",
    "c0ffee@client.example.com",
    "--tag",
    "t4g",
    "--branch",
    "z9hG4bKbr4nch",
];

fn request(extra: &[&str]) -> String {
    let mut args = vec![
        "request",
        "--from",
        "sip:charlie@example.com",
        "--host",
        "mailserver.example.com",
    ];
    args.extend_from_slice(extra);
    stdout_of(&args)
}

fn split_message(msg: &str) -> (Vec<&str>, &str) {
    let (head, body) = msg
        .split_once("\r\n\r\n")
        .expect("blank line after the headers");
    (head.split("\r\n").collect(), body)
}

fn header<'a>(lines: &[&'a str], name: &str) -> Option<&'a str> {
    lines.iter().skip(1).find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn assert_crlf_only(msg: &str) {
    let bytes = msg.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            assert!(i > 0 && bytes[i - 1] == b'\r', "bare LF at byte {i}");
        }
        if *b == b'\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at byte {i}");
        }
    }
}

#[test]
fn request_for_one_message() {
    let mut args = FIXED.to_vec();
    args.push(JOE_ID);
    let msg = request(&args);
    assert_crlf_only(&msg);
    let (head, body) = split_message(&msg);
    assert_eq!(head[0], format!("INVITE {JOE_URI} SIP/2.0"));
    assert_eq!(header(&head, "To"), Some(format!("<{JOE_URI}>").as_str()));
    assert_eq!(
        header(&head, "From"),
        Some("<sip:charlie@example.com>;tag=t4g")
    );
    assert_eq!(header(&head, "Call-ID"), Some("c0ffee@client.example.com"));
    assert_eq!(header(&head, "CSeq"), Some("1 INVITE"));
    assert_eq!(header(&head, "Max-Forwards"), Some("70"));
    assert_eq!(
        header(&head, "Via"),
        Some("SIP/2.0/TCP client.invalid;branch=z9hG4bKbr4nch")
    );
    assert_eq!(
        header(&head, "Contact"),
        Some("<sip:charlie@client.invalid;transport=tcp>")
    );
    assert_eq!(header(&head, "Content-Type"), Some("application/sdp"));
    assert_eq!(header(&head, "Require"), None);
    let len: usize = header(&head, "Content-Length").unwrap().parse().unwrap();
    assert_eq!(len, body.len());
    assert!(body.starts_with("v=0\r\n"));
    assert!(body.contains("\r\nm=message 9 TCP/MSRP *\r\n"));
    assert!(body.contains("\r\na=accept-types:message/cpim text/plain multipart/mixed\r\n"));
    assert!(body.contains("\r\na=path:msrp://client.invalid:9/"));
    assert!(body.ends_with(";tcp\r\n"));
    // The Request-URI reads back to the Message-ID.
    let ruri = head[0].split(' ').nth(1).unwrap();
    uri(&["unescape", ruri])
        .assert()
        .success()
        .stdout(format!("{JOE_ID}\n"));
}

#[test]
fn request_is_deterministic_with_given_ids() {
    let mut args = FIXED.to_vec();
    args.extend([JOE_ID, "32098d@alicepc.example.org"]);
    assert_eq!(request(&args), request(&args));
    let mut one = FIXED.to_vec();
    one.push(JOE_ID);
    assert_eq!(request(&one), request(&one));
}

#[test]
fn request_generates_fresh_ids() {
    let a = request(&[JOE_ID]);
    let b = request(&[JOE_ID]);
    let (ha, _) = split_message(&a);
    let (hb, _) = split_message(&b);
    for name in ["Call-ID", "From", "Via"] {
        assert_ne!(header(&ha, name), header(&hb, name), "{name}");
    }
    let via = header(&ha, "Via").unwrap();
    let branch = via.split("branch=").nth(1).unwrap();
    assert!(
        branch.starts_with("z9hG4bK") && branch.len() > 7 + 8,
        "{branch}"
    );
    assert!(header(&ha, "From").unwrap().contains(";tag="));
}

#[test]
fn request_for_several_messages_is_a_uri_list_invite() {
    let ids = [JOE_ID, "32098d@alicepc.example.org", "a&b<c>"];
    let mut args = FIXED.to_vec();
    args.extend(ids);
    let msg = request(&args);
    assert_crlf_only(&msg);
    let (head, body) = split_message(&msg);
    assert_eq!(head[0], "INVITE sip:mailserver.example.com SIP/2.0");
    assert_eq!(header(&head, "To"), Some("<sip:mailserver.example.com>"));
    assert_eq!(header(&head, "Require"), Some("recipient-list-invite"));
    let len: usize = header(&head, "Content-Length").unwrap().parse().unwrap();
    assert_eq!(len, body.len());
    let ctype = header(&head, "Content-Type").unwrap();
    let boundary = ctype.strip_prefix("multipart/mixed;boundary=").unwrap();
    assert!(!boundary.is_empty() && boundary.len() <= 70);

    let delimiter = format!("--{boundary}");
    let close = format!("\r\n--{boundary}--\r\n");
    assert!(body.starts_with(&format!("{delimiter}\r\n")));
    assert!(body.ends_with(&close));
    let inner = &body[delimiter.len() + 2..body.len() - close.len()];
    let parts: Vec<&str> = inner.split(&format!("\r\n{delimiter}\r\n")).collect();
    assert_eq!(parts.len(), 2);
    for part in &parts {
        assert!(!part.contains(boundary), "boundary occurs in a part");
    }
    let (sdp_head, sdp) = parts[0].split_once("\r\n\r\n").unwrap();
    assert_eq!(sdp_head, "Content-Type: application/sdp");
    assert!(sdp.contains("m=message 9 TCP/MSRP *"));
    // Each part keeps its final CRLF; the one before the delimiter is the delimiter's.
    assert!(sdp.ends_with(";tcp\r\n"), "{sdp:?}");
    let (list_head, xml) = parts[1].split_once("\r\n\r\n").unwrap();
    assert_eq!(
        list_head,
        "Content-Type: application/resource-lists+xml\r\nContent-Disposition: recipient-list"
    );
    assert!(xml.contains("<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\">"));
    assert!(xml.contains(&format!("<entry uri=\"{JOE_URI}\"/>")));
    assert!(
        xml.contains("<entry uri=\"sip:32098d%40alicepc.example.org@mailserver.example.com\"/>")
    );
    assert!(xml.contains("<entry uri=\"sip:a&amp;b%3Cc%3E@mailserver.example.com\"/>"));
    assert_eq!(xml.matches("<entry ").count(), 3);
    assert!(xml.ends_with("</resource-lists>\r\n"), "{xml:?}");
}

#[test]
fn request_sips_uses_tls() {
    let mut args = vec!["--scheme", "sips", "--local-host", "198.51.100.7"];
    args.extend(FIXED);
    args.push("x");
    let msg = request(&args);
    let (head, body) = split_message(&msg);
    assert_eq!(head[0], "INVITE sips:x@mailserver.example.com SIP/2.0");
    assert_eq!(
        header(&head, "Via"),
        Some("SIP/2.0/TLS 198.51.100.7;branch=z9hG4bKbr4nch")
    );
    assert_eq!(
        header(&head, "Contact"),
        Some("<sips:charlie@198.51.100.7>")
    );
    assert!(body.contains("c=IN IP4 198.51.100.7\r\n"));
    assert!(body.contains("m=message 9 TCP/TLS/MSRP *\r\n"));
    assert!(body.contains("a=path:msrps://198.51.100.7:9/"));
}

#[test]
fn request_keeps_a_display_name() {
    let msg = stdout_of(&[
        "request",
        "--from",
        "\"Charlie\" <sip:charlie@example.com>",
        "--host",
        "mailserver.example.com",
        "--tag",
        "x",
        JOE_ID,
    ]);
    let (head, _) = split_message(&msg);
    assert_eq!(
        header(&head, "From"),
        Some("\"Charlie\" <sip:charlie@example.com>;tag=x")
    );
}

#[test]
fn request_usage_errors() {
    let base = [
        "request",
        "--from",
        "sip:charlie@example.com",
        "--host",
        "mailserver.example.com",
    ];
    for (extra, needle) in [
        (vec![""], "Message-ID 1 is empty"),
        (vec!["a", "a"], "Message-IDs 1 and 2 name the same message"),
        (vec!["--branch", "abc", "a"], "z9hG4bK"),
        (vec!["--call-id", "a b", "a"], "Call-ID"),
        (vec!["--tag", "a;b", "a"], "tag"),
        (vec!["--local-host", "h:1", "a"], "--local-host"),
    ] {
        let mut args = base.to_vec();
        args.extend(extra);
        uri(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(needle));
    }
    uri(&["request", "--from", "sip:c@h", "--host", "bad host", "a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--host: column 4"));
    uri(&["request", "--from", "sip:c@@h", "--host", "h", "a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--from: column 7"));
    uri(&["request", "--from", "tel:+1", "--host", "h", "a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("sip: or sips:"));
    uri(&["request", "--from", "sip:c@h", "--host", "h"])
        .assert()
        .code(2);
}

/// Every kind of retrieval request passes `sipmsrp lint` (through the
/// binary, as a user's CI would run it): no finding at all, exit 0.
#[test]
fn request_outputs_pass_lint() {
    let dir = tempfile::tempdir().unwrap();
    let several = [
        JOE_ID,
        "32098d@alicepc.example.org",
        "a&b<c> \u{e9}%",
        "sip:x@h",
    ];
    let runs: Vec<Vec<&str>> = vec![
        [&FIXED[..], &[JOE_ID]].concat(),
        vec![JOE_ID],
        [&FIXED[..], &several[..]].concat(),
        several.to_vec(),
        [
            &["--scheme", "sips", "--local-host", "198.51.100.7"][..],
            &several[..2],
        ]
        .concat(),
        vec!["--scheme", "sips", "--local-host", "[2001:db8::7]", JOE_ID],
    ];
    for (i, extra) in runs.iter().enumerate() {
        let msg = request(extra);
        let file = dir.path().join(format!("request-{i}.sip"));
        std::fs::write(&file, &msg).unwrap();
        let out = bin()
            .args(["lint", "--format", "json"])
            .arg(&file)
            .output()
            .unwrap();
        let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            (out.status.code(), findings.as_array().map(Vec::len)),
            (Some(0), Some(0)),
            "{extra:?}: {findings:#}\n{msg}"
        );
    }
    // A display name in --from, through stdin.
    let msg = stdout_of(&[
        "request",
        "--from",
        "\"Charlie C.\" <sip:charlie@example.com>",
        "--host",
        "mailserver.example.com:5070",
        JOE_ID,
        "second@example.org",
    ]);
    bin()
        .args(["lint", "-"])
        .write_stdin(msg)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1 message checked: 0 errors, 0 warnings, 0 notes",
        ));
}
