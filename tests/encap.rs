//! `sipmsrp encap` end to end, over samples/ and inputs derived from them.

use sipmsrp::header::Hdr;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use sipmsrp::framing::{FrameOptions, Framer, Item};
use sipmsrp::limits::Limits;
use sipmsrp::message::parse_frame;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(sample(name)).unwrap()
}

const PUSH_TO: &str = "msrp://user2.imserver.com:7777/iau39;tcp";
const PUSH_FROM: &str = "msrp://imserver.com:8888/9di4ea;tcp";

/// encap with the ids, boundary, paths and date of the samples.
fn encap(date: &str, tid: &str, mid: &str) -> Command {
    let mut c = Command::cargo_bin("sipmsrp").unwrap();
    c.args([
        "encap",
        "--date",
        date,
        "--transaction-id",
        tid,
        "--message-id",
        mid,
        "--boundary",
        "boundary42",
        "--to-path",
        PUSH_TO,
        "--from-path",
        PUSH_FROM,
    ]);
    c
}

fn pager() -> Command {
    encap("Thu, 21 Feb 2002 13:02:03 GMT", "dkei38sd", "msg452")
}

fn lmm() -> Command {
    encap("Thu, 21 Feb 2005 13:02:03 GMT", "elfj49te", "msg453")
}

fn stdout_of(c: &mut Command) -> Vec<u8> {
    c.assert().success().get_output().stdout.clone()
}

/// Write `bytes` to a temp file and return the dir (kept alive) and the path.
fn temp_input(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("input.txt");
    std::fs::write(&p, bytes).unwrap();
    (dir, p)
}

fn replace(hay: &[u8], from: &str, to: &str) -> Vec<u8> {
    let s = String::from_utf8(hay.to_vec()).unwrap();
    assert!(s.contains(from), "{from}");
    s.replacen(from, to, 1).into_bytes()
}

/// The SEND messages of an output: (Byte-Range, flag, body, Message-ID).
fn sends(out: &[u8]) -> Vec<(String, u8, Vec<u8>, String)> {
    let limits = Limits::default();
    Framer::new(out, FrameOptions::default())
        .map(|item| {
            let Item::Message(f) = item else {
                panic!("junk in output")
            };
            let p = parse_frame(out, &f, &limits);
            // A chunk of a multipart body is not a whole multipart body.
            let chunked = !p.message.headers().iter().any(|h| {
                h.is(Hdr::ByteRange) && h.value.starts_with(b"1-") && {
                    let v = String::from_utf8_lossy(h.value);
                    let (r, t) = v[2..].split_once('/').unwrap();
                    r == t
                }
            });
            if !chunked {
                assert!(p.findings.is_empty(), "{:?}", p.findings);
            }
            let sipmsrp::message::Message::Msrp(n) = p.message else {
                panic!("not MSRP")
            };
            (
                String::from_utf8(n.msg.value(Hdr::ByteRange).unwrap().to_vec()).unwrap(),
                n.msg.flag.unwrap(),
                n.msg.body.unwrap().to_vec(),
                String::from_utf8(n.msg.message_id().unwrap().to_vec()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn pager_example_is_the_crs_pushed_form_byte_for_byte() {
    let out = stdout_of(pager().arg(sample("pager-message.sip")));
    assert_eq!(out, read("pushed-pager.msrp"));
}

#[test]
fn lmm_example_with_two_chunks_is_the_crs_pushed_form_byte_for_byte() {
    let out = stdout_of(lmm().arg(sample("lmm-session.txt")));
    assert_eq!(out, read("pushed-lmm.msrp"));
    // The same message sent in one SEND gives the same pushed form.
    let one = stdout_of(lmm().arg(sample("lmm-session-one-send.txt")));
    assert_eq!(one, out);
}

#[test]
fn lmm_chunks_in_any_order_and_before_the_invite() {
    // Move the INVITE to the end and swap the two SENDs.
    let s = String::from_utf8(read("lmm-session.txt")).unwrap();
    let send1 = s.find("MSRP dkei38sd SEND").unwrap();
    let send2 = s.find("MSRP dkei38se SEND").unwrap();
    let bye = s.find("BYE sip:").unwrap();
    let ok = s.find("SIP/2.0 200 OK").unwrap();
    let reordered = format!(
        "{}{}{}{}",
        &s[send2..bye],
        &s[send1..send2],
        &s[bye..],
        &s[..ok]
    );
    let (_d, p) = temp_input(reordered.as_bytes());
    let out = stdout_of(lmm().arg(&p));
    assert_eq!(out, read("pushed-lmm.msrp"));
}

#[test]
fn anonymous_sender_loses_p_asserted_identity_only() {
    let out = stdout_of(pager().arg(sample("pager-message-anonymous.sip")));
    let s = String::from_utf8(out).unwrap();
    assert!(!s.contains("P-Asserted-Identity"), "{s}");
    assert!(!s.contains("user3@imserver.com"));
    assert!(s.contains("From: \"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=9fxced76sl\r\n"));
    assert!(s.contains("Privacy: id\r\n"));
    assert!(
        s.contains("Call-ID: 7a9f3c21e5@192.0.2.33\r\nDate: Thu, 21 Feb 2002 13:02:03 GMT\r\n")
    );
    assert!(s.contains("Content-Length: 21\r\n\r\nGuess who is writing?\r\n--boundary42--"));
    // Even --keep does not bring it back.
    let out = stdout_of(
        pager()
            .args(["--keep", "P-Asserted-Identity"])
            .arg(sample("pager-message-anonymous.sip")),
    );
    assert!(
        !String::from_utf8(out)
            .unwrap()
            .contains("P-Asserted-Identity")
    );
}

#[test]
fn anonymous_lmm_sender_loses_p_asserted_identity() {
    let input = replace(
        &read("lmm-session.txt"),
        "Call-ID: 3413an89KU\r\nCSeq: 1 INVITE",
        "Call-ID: 3413an89KU\r\nPrivacy: id\r\nCSeq: 1 INVITE",
    );
    let (_d, p) = temp_input(&input);
    let out = String::from_utf8(stdout_of(lmm().arg(&p))).unwrap();
    let expected = String::from_utf8(read("pushed-lmm.msrp")).unwrap();
    let field = "P-Asserted-Identity: <sip:user1@imserver.com>\r\n";
    let expected = expected.replace(field, "");
    // Byte-Range shrinks by the bytes of the removed field.
    let n = 464 - field.len();
    let expected = expected.replace("1-464/464", &format!("1-{n}/{n}"));
    assert_eq!(out, expected);
}

#[test]
fn sipfrag_flag_changes_only_the_part_type() {
    let out = stdout_of(pager().arg("--sipfrag").arg(sample("pager-message.sip")));
    let expected = replace(
        &read("pushed-pager.msrp"),
        "Content-Type: message/sip\r\n",
        "Content-Type: message/sipfrag\r\n",
    );
    let expected = replace(&expected, "1-446/446", "1-450/450");
    assert_eq!(out, expected);
}

#[test]
fn keep_and_strip_adjust_the_removed_headers() {
    let out = stdout_of(
        pager()
            .args([
                "--keep",
                "via",
                "--strip",
                "User-Agent",
                "--strip",
                "Accept-Contact",
            ])
            .arg(sample("pager-message.sip")),
    );
    let s = String::from_utf8(out).unwrap();
    assert!(s.contains(
        "MESSAGE sip:user2@imserver.com SIP/2.0\r\nVia: SIP/2.0/TCP user1pc.imserver.com;branch=z9hG4bK776sgdkse\r\nFrom:"
    ));
    assert!(!s.contains("User-Agent"));
    assert!(!s.contains("Accept-Contact"));
    assert!(!s.contains("Max-Forwards"));
    // In a session, --keep adds to the relevant headers (in the stored
    // INVITE's order, the added Date last) and --strip removes.
    let out = stdout_of(
        lmm()
            .args(["--keep", "User-Agent", "--strip", "Subject"])
            .arg(sample("lmm-session.txt")),
    );
    let s = String::from_utf8(out).unwrap();
    assert!(s.contains(
        "P-Asserted-Identity: <sip:user1@imserver.com>\r\nCall-ID: 3413an89KU\r\nUser-Agent: IM-client/OMA1.0 ExampleVendor-IM/1.2\r\nDate: Thu, 21 Feb 2005 13:02:03 GMT\r\n\r\n--boundary42"
    ));
    assert!(!s.contains("Subject"));
}

#[test]
fn call_id_and_date_cannot_be_stripped() {
    for name in ["Call-ID", "i", "date"] {
        pager()
            .args(["--strip", name])
            .arg(sample("pager-message.sip"))
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("never removed"));
    }
}

#[test]
fn chunk_size_splits_the_body_with_byte_ranges_and_flags() {
    let whole = sends(&stdout_of(lmm().arg(sample("lmm-session.txt"))));
    assert_eq!(whole.len(), 1);
    let out = stdout_of(
        lmm()
            .args(["--chunk-size", "200"])
            .arg(sample("lmm-session.txt")),
    );
    let chunks = sends(&out);
    let ranges: Vec<_> = chunks.iter().map(|c| (c.0.as_str(), c.1)).collect();
    assert_eq!(
        ranges,
        [
            ("1-200/464", b'+'),
            ("201-400/464", b'+'),
            ("401-464/464", b'$')
        ]
    );
    let joined: Vec<u8> = chunks.iter().flat_map(|c| c.2.clone()).collect();
    assert_eq!(joined, whole[0].2);
    assert!(chunks.iter().all(|c| c.3 == "msg453"));
    // Every chunk has its own transaction id and carries Content-Type.
    let s = String::from_utf8(out).unwrap();
    for tid in ["elfj49te SEND", "elfj49te-2 SEND", "elfj49te-3 SEND"] {
        assert!(s.contains(tid), "{tid}");
    }
    assert_eq!(s.matches("Content-Type: multipart/mixed").count(), 3);
}

#[test]
fn output_is_byte_identical_from_run_to_run_with_ids_given() {
    let a = stdout_of(
        lmm()
            .arg("--chunk-size")
            .arg("50")
            .arg(sample("lmm-session.txt")),
    );
    let b = stdout_of(
        lmm()
            .arg("--chunk-size")
            .arg("50")
            .arg(sample("lmm-session.txt")),
    );
    assert_eq!(a, b);
    // Without them, ids and boundary are generated afresh.
    let run = || {
        stdout_of(
            Command::cargo_bin("sipmsrp")
                .unwrap()
                .args(["encap", "--date", "Thu, 21 Feb 2002 13:02:03 GMT"])
                .arg(sample("pager-message.sip")),
        )
    };
    let (x, y) = (run(), run());
    assert_ne!(x, y);
    assert_eq!(sends(&x).len(), 1);
}

#[test]
fn date_defaults_and_existing_dates_are_kept() {
    // No --date: the current time, in RFC 1123 GMT form.
    let out = stdout_of(
        Command::cargo_bin("sipmsrp")
            .unwrap()
            .arg("encap")
            .arg(sample("pager-message.sip")),
    );
    let s = String::from_utf8(out).unwrap();
    let at = s.find("Date: ").unwrap();
    let date = &s[at + 6..at + 6 + 29];
    assert!(sipmsrp::date::is_rfc1123(date), "{date}");
    assert!(s.contains("To-Path: msrp://client.invalid:2855/deferred;tcp\r\n"));
    assert!(s.contains("From-Path: msrp://imserver.invalid:2855/deferred;tcp\r\n"));
    // A Date that is present is never changed, whatever --date says.
    let input = replace(
        &read("pager-message.sip"),
        "CSeq: 1 MESSAGE",
        "Date: Mon, 01 Jan 2001 00:00:00 GMT\r\nCSeq: 1 MESSAGE",
    );
    let (_d, p) = temp_input(&input);
    let s = String::from_utf8(stdout_of(pager().arg(&p))).unwrap();
    assert!(s.contains("Date: Mon, 01 Jan 2001 00:00:00 GMT\r\n"));
    assert_eq!(s.matches("Date:").count(), 1);
    // Other date forms are converted to GMT.
    let s = String::from_utf8(stdout_of(
        encap("2002-02-21T14:02:03+01:00", "dkei38sd", "msg452").arg(sample("pager-message.sip")),
    ))
    .unwrap();
    assert!(s.contains("Date: Thu, 21 Feb 2002 13:02:03 GMT\r\n"));
}

#[test]
fn several_messages_give_one_send_each_in_order_and_call_id_selects() {
    let out = stdout_of(
        pager()
            .arg(sample("pager-message.sip"))
            .arg(sample("lmm-session.txt"))
            .arg(sample("pager-message-anonymous.sip")),
    );
    let s = sends(&out);
    assert_eq!(s.len(), 3);
    let mids: Vec<_> = s.iter().map(|x| x.3.as_str()).collect();
    assert_eq!(mids, ["msg452", "msg452-2", "msg452-3"]);
    let text = String::from_utf8(out).unwrap();
    let a = text.find("asd88asd77a@1.2.3.4").unwrap();
    let b = text.find("3413an89KU").unwrap();
    let c = text.find("7a9f3c21e5@192.0.2.33").unwrap();
    assert!(a < b && b < c);
    // The pager alone, selected by Call-ID out of all three.
    let out = stdout_of(
        pager()
            .args(["--call-id", "asd88asd77a@1.2.3.4"])
            .arg(sample("lmm-session.txt"))
            .arg(sample("pager-message.sip"))
            .arg(sample("pager-message-anonymous.sip")),
    );
    assert_eq!(out, read("pushed-pager.msrp"));
    pager()
        .args(["--call-id", "nope"])
        .arg(sample("pager-message.sip"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no deferred message with Call-ID nope",
        ));
}

#[test]
fn compact_headers_of_a_text_capture() {
    // mixed-capture.txt: MESSAGE, a compact-form INVITE with its SEND, REGISTER...
    let out = stdout_of(pager().arg(sample("mixed-capture.txt")));
    let s = String::from_utf8(out.clone()).unwrap();
    assert_eq!(sends(&out).len(), 2);
    assert!(!s.contains("\r\nv: "), "{s}");
    assert!(!s.contains("REGISTER"));
    assert!(!s.contains("200 OK"));
}

#[test]
fn output_file_is_written_atomically_and_left_alone_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.msrp");
    pager()
        .arg("-o")
        .arg(&target)
        .arg(sample("pager-message.sip"))
        .assert()
        .success()
        .stdout("");
    assert_eq!(std::fs::read(&target).unwrap(), read("pushed-pager.msrp"));
    // Bad input: exit 2, the previous file untouched, no temporary left.
    let (_d, bad) =
        temp_input(b"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n");
    pager()
        .arg("-o")
        .arg(&target)
        .arg(&bad)
        .assert()
        .code(2)
        .stdout("");
    assert_eq!(std::fs::read(&target).unwrap(), read("pushed-pager.msrp"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // And no file at all when there was none.
    let fresh = dir.path().join("fresh.msrp");
    pager().arg("-o").arg(&fresh).arg(&bad).assert().code(2);
    assert!(!fresh.exists());
}

/// Bad input: exit 2, nothing on stdout, stderr names `file:line:col` and says `what`.
fn bad(input: &[u8], line_col: &str, what: &str) {
    let (_d, p) = temp_input(input);
    let loc = format!("{}:{line_col}: ", p.display());
    lmm()
        .arg(&p)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(loc).and(predicate::str::contains(what)));
}

#[test]
fn no_deferred_message_is_an_error() {
    let input = b"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n";
    let (_d, p) = temp_input(input);
    lmm()
        .arg(&p)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no deferred message in the input"));
}

#[test]
fn session_without_send_is_an_error_at_the_invite() {
    let s = read("lmm-session.txt");
    let text = String::from_utf8(s).unwrap();
    let send1 = text.find("MSRP dkei38sd SEND").unwrap();
    let bye = text.find("BYE sip:").unwrap();
    let input = format!("{}{}", &text[..send1], &text[bye..]);
    bad(input.as_bytes(), "1:1", "has no MSRP SEND");
}

#[test]
fn chunk_gap_names_the_missing_byte_range() {
    // Chunk 2 announces 11-20 but a third chunk 21-30 of 30 follows a missing 11-20.
    let input = replace(
        &read("lmm-session.txt"),
        "Byte-Range: 11-20/20",
        "Byte-Range: 21-30/30",
    );
    let input = replace(&input, "Byte-Range: 1-10/20", "Byte-Range: 1-10/30");
    // The chunk after the gap is on line 66.
    bad(&input, "66:1", "bytes 11-20 are missing");
    // The last chunk missing altogether.
    let text = String::from_utf8(read("lmm-session.txt")).unwrap();
    let send2 = text.find("MSRP dkei38se SEND").unwrap();
    let bye = text.find("BYE sip:").unwrap();
    let input = format!("{}{}", &text[..send2], &text[bye..]);
    bad(input.as_bytes(), "57:1", "bytes 11-20 are missing");
}

#[test]
fn aborted_message_is_an_error() {
    let input = replace(
        &read("lmm-session.txt"),
        "-------dkei38se$",
        "-------dkei38se#",
    );
    bad(&input, "66:1", "aborted");
}

#[test]
fn content_length_disagreeing_with_the_body_is_an_error() {
    // Longer than the body.
    let input = replace(
        &read("pager-message.sip"),
        "Content-Length: 18",
        "Content-Length: 25",
    );
    bad(
        &input,
        "14:17",
        "Content-Length is 25 but only 18 body bytes follow",
    );
    // Shorter: the rest of the body is not a message.
    let input = replace(
        &read("pager-message.sip"),
        "Content-Length: 18",
        "Content-Length: 10",
    );
    bad(&input, "16:11", "Content-Length of the MESSAGE");
}

#[test]
fn send_without_invite_is_an_error() {
    let text = String::from_utf8(read("lmm-session-one-send.txt")).unwrap();
    let send = text.find("MSRP dkei38sd SEND").unwrap();
    let bye = text.find("BYE sip:").unwrap();
    bad(
        &text.as_bytes()[send..bye],
        "1:1",
        "needs its session's INVITE",
    );
}

#[test]
fn given_ids_that_would_break_framing_are_refused() {
    // The inner msrpfrag ends with -------dkei38sd$: that id cannot be the outer one.
    encap("Thu, 21 Feb 2005 13:02:03 GMT", "dkei38sd", "msg453")
        .arg(sample("lmm-session.txt"))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("occurs in the body"));
    Command::cargo_bin("sipmsrp")
        .unwrap()
        .args(["encap", "--boundary", "come here"])
        .arg(sample("pager-message.sip"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("occurs in the deferred message"));
    Command::cargo_bin("sipmsrp")
        .unwrap()
        .args(["encap", "--message-id", "452"])
        .arg(sample("pager-message.sip"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("RFC 4975 ident"));
}

#[test]
fn garbage_never_panics() {
    for input in [
        &b""[..],
        b"\r\n\r\n",
        b"\x00\xff\xfe",
        b"MSRP abcd SEND\r\nMessage-ID: m\r\nByte-Range: 5-1/1\r\n\r\nx",
        b"INVITE sip:a@b SIP/2.0\r\nCall-ID: c\r\nl: 0\r\n\r\nMSRP abcd SEND\r\nMessage-ID: mmmm\r\nByte-Range: 18446744073709551615-*/*\r\nContent-Type: text/plain\r\n\r\nx\r\n-------abcd$\r\n",
    ] {
        let (_d, p) = temp_input(input);
        lmm().arg(&p).timeout(std::time::Duration::from_secs(10)).assert().code(2);
    }
}

mod capture {
    use super::*;
    use sipmsrp::capture::writer::{self as w, PcapWriter, TcpFlow};

    fn split_messages(text: &[u8]) -> Vec<Vec<u8>> {
        Framer::new(text, FrameOptions::default())
            .map(|i| match i {
                Item::Message(f) => text[f.start..f.end].to_vec(),
                Item::Junk { .. } => panic!("junk"),
            })
            .collect()
    }

    /// SIP messages as UDP datagrams, MSRP over one TCP connection (two
    /// segments per SEND), all stamped `ts`.
    fn pcap_of_session(text: &[u8], ts: u32) -> Vec<u8> {
        let c = "192.0.2.10:5060".parse().unwrap();
        let s = "192.0.2.20:5060".parse().unwrap();
        let mut flow = TcpFlow::new(
            "192.0.2.10:40000".parse().unwrap(),
            "192.0.2.20:2855".parse().unwrap(),
        );
        let mut packets = flow.handshake();
        for m in split_messages(text) {
            if m.starts_with(b"MSRP ") {
                packets.extend(flow.send(true, &m, &[m.len() / 2]));
            } else {
                packets.push(w::ip_udp(c, s, &m));
            }
        }
        let mut pw = PcapWriter::new(Vec::new(), 1).unwrap();
        for p in packets {
            pw.write_packet(ts, 0, &w::eth(&p)).unwrap();
        }
        pw.into_inner()
    }

    fn no_date() -> Command {
        let mut c = Command::cargo_bin("sipmsrp").unwrap();
        c.args([
            "encap",
            "--boundary",
            "boundary42",
            "--to-path",
            PUSH_TO,
            "--from-path",
            PUSH_FROM,
        ]);
        c
    }

    #[test]
    fn pager_capture_gets_its_date_from_the_capture_timestamp() {
        // Thu, 21 Feb 2002 13:02:03 GMT.
        let (_d, p) = temp_input(&pcap_of_session(&read("pager-message.sip"), 1_014_296_523));
        let out = stdout_of(
            no_date()
                .args(["--transaction-id", "dkei38sd", "--message-id", "msg452"])
                .arg(&p),
        );
        assert_eq!(out, read("pushed-pager.msrp"));
    }

    #[test]
    fn lmm_capture_is_reassembled_across_tcp_segments() {
        // Mon, 21 Feb 2005 13:02:03 GMT (the CR's example says Thursday).
        let (_d, p) = temp_input(&pcap_of_session(&read("lmm-session.txt"), 1_108_990_923));
        let out = stdout_of(
            no_date()
                .args(["--transaction-id", "elfj49te", "--message-id", "msg453"])
                .arg(&p),
        );
        let expected = replace(
            &read("pushed-lmm.msrp"),
            "Date: Thu, 21 Feb 2005",
            "Date: Mon, 21 Feb 2005",
        );
        assert_eq!(out, expected);
        // --date still wins over the capture time.
        let out = stdout_of(lmm().arg(&p));
        assert_eq!(out, read("pushed-lmm.msrp"));
    }

    #[test]
    fn broken_capture_is_an_error() {
        let mut bytes = pcap_of_session(&read("pager-message.sip"), 1);
        bytes.truncate(10);
        let (_d, p) = temp_input(&bytes);
        lmm()
            .arg(&p)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(p.display().to_string()));
    }
}

/// Protects encap's removed-header list (12.2.2.3 item 1a and the CR's
/// reason for change): every routing, transport and charging header of a
/// stored MESSAGE, in any case and in compact form, is gone from the push.
/// The judge is the CR's own pushed form (samples/pushed-pager.msrp), not
/// the crate's lint: the stored message below is the CR's example with
/// Route, Record-Route, Path, Service-Route and a second (compact) Via added,
/// so removing them all must give the CR's push byte for byte.
#[test]
fn every_removed_header_is_gone_from_the_push_as_in_the_crs_form() {
    let stored = String::from_utf8(read("pager-message.sip")).unwrap();
    let with_all = stored
        .replace(
            "Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\nRoute: <sip:pcscf.imserver.com;lr>\r\nRecord-Route: <sip:scscf.imserver.com;lr>\r\n",
        )
        .replace(
            "Accept-Contact:",
            "Path: <sip:term@pcscf.imserver.com;lr>\r\nservice-route: <sip:orig@scscf.imserver.com;lr>\r\nv: SIP/2.0/UDP pcscf.imserver.com;branch=z9hG4bK1\r\nAccept-Contact:",
        )
        .replace(
            "Call-ID:",
            "SERVICE-ROUTE: <sip:orig2@scscf.imserver.com;lr>\r\nP-Charging-Vector: icid-value=2\r\nCall-ID:",
        );
    for name in [
        "Route:",
        "Record-Route:",
        "Path:",
        "service-route:",
        "SERVICE-ROUTE:",
        "\r\nv:",
    ] {
        assert!(with_all.contains(name), "{name} not inserted");
    }
    let (_dir, input) = temp_input(with_all.as_bytes());
    let out = stdout_of(pager().arg(&input));
    assert_eq!(
        String::from_utf8(out).unwrap(),
        String::from_utf8(read("pushed-pager.msrp")).unwrap()
    );
}

/// Protects the one check of MSRP URIs (RFC 4975 9) shared by encap's
/// options and lint: a path with a leading or double space, or a URI that
/// breaks the grammar, is refused (exit 2), and lint reports the same value
/// in a SEND as `msrp-path-invalid`.
#[test]
fn msrp_paths_are_checked_by_the_uri_grammar() {
    for bad in [
        " msrp://user2.imserver.com:7777/iau39;tcp",
        "msrp://a.example.com:1/x;tcp  msrp://b.example.com:2/y;tcp",
        "msrp://@@@:::/;;;",
        "msrp://user2.imserver.com:7777/iau39",
        "msrp://user2.imserver.com:7777/ia!u39;tcp",
    ] {
        Command::cargo_bin("sipmsrp")
            .unwrap()
            .args(["encap", "--to-path", bad])
            .arg(sample("pager-message.sip"))
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("--to-path"));
        let send = String::from_utf8(read("pushed-pager.msrp"))
            .unwrap()
            .replacen(PUSH_TO, bad.trim_start(), 1);
        let (_dir, input) = temp_input(send.as_bytes());
        let out = Command::cargo_bin("sipmsrp")
            .unwrap()
            .args(["lint", "--format", "json"])
            .arg(&input)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        if bad.starts_with(' ') {
            continue; // lint sees the header value trimmed
        }
        assert!(text.contains("msrp-path-invalid"), "{bad}: {text}");
    }
}

/// Protects the one date reader (RFC 1123, 2822 or 3339) of every option
/// that takes a date: impossible dates are refused with exit 2 by encap,
/// lint --fix and summary alike, and an RFC 2822 one-digit day is read.
#[test]
fn impossible_dates_are_refused_everywhere() {
    for bad in [
        "Thu, 21 Feb 2002 25:61:61 GMT",
        "Thu, 31 Feb 2002 13:02:03 GMT",
        "Thu, 21 Feb 0000 13:02:03 GMT",
    ] {
        for args in [
            &["encap", "--date", bad][..],
            &["lint", "--fix", "--date", bad],
            &["summary", "--date", bad],
        ] {
            Command::cargo_bin("sipmsrp")
                .unwrap()
                .args(args)
                .arg(sample("pager-message.sip"))
                .assert()
                .code(2)
                .stdout("")
                .stderr(predicate::str::contains("is not a date"));
        }
    }
    let out = stdout_of(
        Command::cargo_bin("sipmsrp")
            .unwrap()
            .args(["encap", "--date", "Thu, 7 Feb 2002 13:02:03 +0000"])
            .arg(sample("pager-message.sip")),
    );
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("\r\nDate: Thu, 07 Feb 2002 13:02:03 GMT\r\n")
    );
}
