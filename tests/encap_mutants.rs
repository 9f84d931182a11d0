//! Tests written to catch what cargo-mutants found uncaught in src/encap.rs
//! (`cargo mutants --file src/encap.rs`, see docs/testing.md). Each test is
//! named for the behaviour of `sipmsrp encap` (or of the `encap` library
//! API, where the binary cannot reach it) that it protects, not for the
//! mutant. Expectations are written by hand from the OMA IM CR (12.2.2.3,
//! 12.2.2.5), RFC 4975 (MSRP idents, URIs, To-Path, Byte-Range) and RFC 2046
//! (boundaries), or are the CR's own pushed forms in samples/.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use sipmsrp::encap::{self, Options};

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

fn bin() -> Command {
    Command::cargo_bin("sipmsrp").unwrap()
}

/// encap with the ids, boundary, paths and date of the samples, each
/// replaced by the value of its flag in `over`, if any (clap refuses an
/// option given twice).
fn encap(date: &str, tid: &str, mid: &str, over: &[(&str, &str)]) -> Command {
    let mut c = bin();
    c.arg("encap");
    for (flag, value) in [
        ("--date", date),
        ("--transaction-id", tid),
        ("--message-id", mid),
        ("--boundary", "boundary42"),
        ("--to-path", PUSH_TO),
        ("--from-path", PUSH_FROM),
    ] {
        let value = over
            .iter()
            .find(|(f, _)| *f == flag)
            .map_or(value, |(_, v)| v);
        c.args([flag, value]);
    }
    c
}

/// encap as for samples/pushed-pager.msrp, with `over` replacing options.
fn pager(over: &[(&str, &str)]) -> Command {
    encap("Thu, 21 Feb 2002 13:02:03 GMT", "dkei38sd", "msg452", over)
}

/// encap as for samples/pushed-lmm.msrp, with `over` replacing options.
fn lmm(over: &[(&str, &str)]) -> Command {
    encap("Thu, 21 Feb 2005 13:02:03 GMT", "elfj49te", "msg453", over)
}

fn stdout_of(c: &mut Command) -> String {
    String::from_utf8(c.assert().success().get_output().stdout.clone()).unwrap()
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

fn text(name: &str) -> String {
    String::from_utf8(read(name)).unwrap()
}

/// An option refused: exit 2, nothing written, stderr says `what`.
fn refused(c: &mut Command, what: &str) {
    c.assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(what));
}

// ------------------------------------------------------------- --boundary

/// RFC 2046 5.1.1: a boundary is 1 to 70 bchars (DIGIT / ALPHA / `'()+_,-./:=?`
/// and space), and does not end with a space. Anything else is refused
/// before any input is read, naming the option.
#[test]
fn a_boundary_outside_rfc_2046_is_refused() {
    for b in [
        "",
        "a\"b",
        "semi;colon",
        "star*",
        "ends-with-space ",
        &"x".repeat(71),
    ] {
        refused(
            pager(&[("--boundary", b)]).arg(sample("pager-message.sip")),
            &format!("--boundary `{b}`: expected 1 to 70 characters from RFC 2046 bchars"),
        );
    }
}

// ----------------------------------------------------- --to-path, --from-path

/// RFC 4975 9: To-Path and From-Path hold MSRP URIs (`msrp:` or `msrps:`);
/// any other URI, in first or later place, is refused.
#[test]
fn a_path_that_is_not_msrp_uris_is_refused() {
    for (flag, v) in [
        ("--to-path", "http://user2.imserver.com:7777/iau39"),
        ("--from-path", "sip:user1@imserver.com"),
        (
            "--to-path",
            "msrp://a.example.com:1/x;tcp http://b.example.com/y",
        ),
    ] {
        refused(
            pager(&[(flag, v)]).arg(sample("pager-message.sip")),
            &format!("{flag} `{v}`: at byte"),
        );
    }
}

/// RFC 4975 9: `To-Path: MSRP-URI *(SP MSRP-URI)`. Several URIs separated
/// by single spaces are accepted and written as given; a tab between them
/// is not the SP of the grammar and is refused.
#[test]
fn a_path_of_several_uris_is_written_as_given_and_a_tab_is_refused() {
    let relay = "msrps://relay.example.com:2855/r1;tcp msrp://user2.imserver.com:7777/iau39;tcp";
    let out = stdout_of(pager(&[("--to-path", relay)]).arg(sample("pager-message.sip")));
    let expected = String::from_utf8(replace(
        &read("pushed-pager.msrp"),
        &format!("To-Path: {PUSH_TO}\r\n"),
        &format!("To-Path: {relay}\r\n"),
    ))
    .unwrap();
    assert_eq!(out, expected);
    let tab = "msrp://relay.example.com:2855/r1;tcp\tmsrp://user2.imserver.com:7777/iau39;tcp";
    refused(
        pager(&[("--to-path", tab)]).arg(sample("pager-message.sip")),
        "--to-path `",
    );
}

// ------------------------------------------------------- --keep, --strip

/// `--keep` and `--strip` take header names (RFC 3261 token); a name with
/// a space or a colon is refused before any input is read.
#[test]
fn keep_and_strip_refuse_what_is_not_a_header_name() {
    for (flag, n) in [
        ("--keep", "User Agent"),
        ("--strip", "User-Agent:"),
        ("--keep", "Via,Route"),
    ] {
        refused(
            pager(&[]).args([flag, n]).arg(sample("pager-message.sip")),
            &format!("`{n}` is not a header name"),
        );
    }
}

// --------------------------------------------------- boundary in content

/// A given boundary that occurs in the content is refused, and the error
/// names the Call-ID of the deferred message it occurs in (pager mode and
/// Large Message Mode), so the user knows which one of several.
#[test]
fn a_boundary_found_in_the_content_names_the_deferred_messages_call_id() {
    refused(
        pager(&[("--boundary", "come here")]).arg(sample("pager-message.sip")),
        "boundary `come here` occurs in the deferred message with Call-ID asd88asd77a@1.2.3.4; give another --boundary",
    );
    // The second of two deferred messages: the Call-ID is the session's.
    refused(
        lmm(&[("--boundary", "Alice")])
            .arg(sample("pager-message-anonymous.sip"))
            .arg(sample("lmm-session.txt")),
        "boundary `Alice` occurs in the deferred message with Call-ID 3413an89KU; give another --boundary",
    );
}

// ------------------------------------------------- what blocks a message

/// The stored MESSAGE of `call_id` whose body is a forwarded message/sip
/// (RFC 3261 27.5) with a Content-Length that disagrees with its body: a
/// fault of the sender's content, not of the stored MESSAGE.
fn forwarding_message(call_id: &str) -> (String, String) {
    let inner = "MESSAGE sip:user3@imserver.com SIP/2.0\r\n\
                 Call-ID: inner7@1.2.3.4\r\n\
                 Content-Type: text/plain\r\n\
                 Content-Length: 99\r\n\
                 \r\n\
                 Hi";
    assert_eq!(inner.len(), 115);
    let stored = format!(
        "MESSAGE sip:user2@imserver.com SIP/2.0\r\n\
         Via: SIP/2.0/TCP user1pc.imserver.com;branch=z9hG4bK776sgdksf\r\n\
         Max-Forwards: 70\r\n\
         From: sip:user1@imserver.com;tag=49584\r\n\
         To: sip:user2@imserver.com\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: 2 MESSAGE\r\n\
         Content-Type: message/sip\r\n\
         Content-Length: 115\r\n\
         \r\n\
         {inner}"
    );
    // What 12.2.2.5 pushes of it: Via and Max-Forwards removed, Date added
    // after Call-ID, the body as it was.
    let pushed = format!(
        "--boundary42\r\n\
         Content-Type: message/sip\r\n\
         \r\n\
         MESSAGE sip:user2@imserver.com SIP/2.0\r\n\
         From: sip:user1@imserver.com;tag=49584\r\n\
         To: sip:user2@imserver.com\r\n\
         Call-ID: {call_id}\r\n\
         Date: Thu, 21 Feb 2002 13:02:03 GMT\r\n\
         CSeq: 2 MESSAGE\r\n\
         Content-Type: message/sip\r\n\
         Content-Length: 115\r\n\
         \r\n\
         {inner}\r\n\
         --boundary42--"
    );
    (stored, pushed)
}

/// 12.2.2.3 item 1 stores a MESSAGE with all its bodies. Only faults that
/// lose or misplace bytes of the stored message stop encap; a fault inside
/// its body (here a forwarded message/sip whose
/// Content-Length is wrong) is the sender's content, carried byte for byte.
/// The faulty MESSAGE comes second in the input, after the CR's example.
#[test]
fn a_fault_inside_the_stored_body_does_not_stop_the_push() {
    let (stored, body) = forwarding_message("fwd1@1.2.3.4");
    let mut input = read("pager-message.sip");
    input.extend_from_slice(stored.as_bytes());
    let (_d, p) = temp_input(&input);
    let n = body.len();
    let expected = format!(
        "{}MSRP dkei38sd-2 SEND\r\n\
         To-Path: {PUSH_TO}\r\n\
         From-Path: {PUSH_FROM}\r\n\
         Message-ID: msg452-2\r\n\
         Byte-Range: 1-{n}/{n}\r\n\
         Content-Type: multipart/mixed; boundary=boundary42\r\n\
         \r\n\
         {body}\r\n\
         -------dkei38sd-2$\r\n",
        text("pushed-pager.msrp")
    );
    assert_eq!(stdout_of(pager(&[]).arg(&p)), expected);
    // Alone in its input, too.
    let (_d, p) = temp_input(stored.as_bytes());
    let out = stdout_of(pager(&[]).arg(&p));
    assert!(
        out.contains(&format!("\r\n\r\n{body}\r\n-------dkei38sd$\r\n")),
        "{out}"
    );
    // A one-byte message/sipfrag body that is no start line: the fault is
    // at the body's only byte, the push the CR's with that body.
    let input = replace(
        &read("pager-message.sip"),
        "Content-Type: text/plain\r\nContent-Length: 18\r\n\r\nWatson, come here.",
        "Content-Type: message/sipfrag\r\nContent-Length: 1\r\n\r\nW",
    );
    let (_d, p) = temp_input(&input);
    // 446 bytes, 5 more for the type, 1 less for the length, 17 less of body.
    let n = 446 + 5 - 1 - 17;
    let expected = replace(
        &read("pushed-pager.msrp"),
        "Content-Type: text/plain\r\nContent-Length: 18\r\n\r\nWatson, come here.",
        "Content-Type: message/sipfrag\r\nContent-Length: 1\r\n\r\nW",
    );
    let expected = replace(&expected, "1-446/446", &format!("1-{n}/{n}"));
    assert_eq!(
        stdout_of(pager(&[]).arg(&p)),
        String::from_utf8(expected).unwrap()
    );
}

/// The same in Large Message Mode: the message sent in one SEND is a
/// forwarded message/sip with a wrong Content-Length. It is the user's
/// content, pushed in the message/msrpfrag part byte for byte.
#[test]
fn a_fault_inside_a_large_messages_body_does_not_stop_the_push() {
    let inner = "MESSAGE sip:user3@imserver.com SIP/2.0\r\n\
                 Call-ID: inner7@1.2.3.4\r\n\
                 Content-Type: text/plain\r\n\
                 Content-Length: 99\r\n\
                 \r\n\
                 Hi";
    assert_eq!(inner.len(), 115);
    let input = replace(
        &read("lmm-session-one-send.txt"),
        "Byte-Range: 1-20/20\r\nContent-Type: text/plain\r\n\r\nHi, Alice!  I'm Bob!",
        &format!("Byte-Range: 1-115/115\r\nContent-Type: message/sip\r\n\r\n{inner}"),
    );
    let (_d, p) = temp_input(&input);
    // 464 bytes, 1 more for the type, 95 more of body.
    let n = 464 + 1 + 95;
    let expected = replace(
        &read("pushed-lmm.msrp"),
        "Content-Type: text/plain\r\n\r\nHi, Alice!  I'm Bob!",
        &format!("Content-Type: message/sip\r\n\r\n{inner}"),
    );
    let expected = replace(&expected, "1-464/464", &format!("1-{n}/{n}"));
    assert_eq!(
        stdout_of(lmm(&[]).arg(&p)),
        String::from_utf8(expected).unwrap()
    );
}

/// 12.2.2.3: a deferred MESSAGE is stored with its body. Without
/// Content-Length the body of a stored MESSAGE cannot be told from what
/// follows, so one with a body is refused at its start line; one with no
/// body at all needs none and is pushed.
#[test]
fn a_message_without_content_length_is_refused_only_when_it_has_a_body() {
    let input = replace(&read("pager-message.sip"), "Content-Length: 18\r\n", "");
    let (_d, p) = temp_input(&input);
    refused(
        pager(&[]).arg(&p),
        &format!(
            "{}:1:1: MESSAGE (Call-ID asd88asd77a@1.2.3.4) has no Content-Length: its body cannot be told from what follows",
            p.display()
        ),
    );
    let empty = "MESSAGE sip:user2@imserver.com SIP/2.0\r\n\
                 Via: SIP/2.0/TCP user1pc.imserver.com;branch=z9hG4bK1\r\n\
                 From: sip:user1@imserver.com;tag=1\r\n\
                 To: sip:user2@imserver.com\r\n\
                 Call-ID: empty1@1.2.3.4\r\n\
                 CSeq: 1 MESSAGE\r\n\
                 \r\n";
    let (_d, p) = temp_input(empty.as_bytes());
    let body = "--boundary42\r\n\
                Content-Type: message/sip\r\n\
                \r\n\
                MESSAGE sip:user2@imserver.com SIP/2.0\r\n\
                From: sip:user1@imserver.com;tag=1\r\n\
                To: sip:user2@imserver.com\r\n\
                Call-ID: empty1@1.2.3.4\r\n\
                Date: Thu, 21 Feb 2002 13:02:03 GMT\r\n\
                CSeq: 1 MESSAGE\r\n\
                \r\n\
                \r\n\
                --boundary42--";
    let n = body.len();
    let expected = format!(
        "MSRP dkei38sd SEND\r\n\
         To-Path: {PUSH_TO}\r\n\
         From-Path: {PUSH_FROM}\r\n\
         Message-ID: msg452\r\n\
         Byte-Range: 1-{n}/{n}\r\n\
         Content-Type: multipart/mixed; boundary=boundary42\r\n\
         \r\n\
         {body}\r\n\
         -------dkei38sd$\r\n"
    );
    assert_eq!(stdout_of(pager(&[]).arg(&p)), expected);
}

/// A session whose last SEND is cut off by the end of the input cannot be
/// pushed (bytes of the message are lost): the error is at the end of the
/// input, line 73 column 6, just after the `  I'm` the capture ends with.
#[test]
fn a_send_cut_off_by_the_end_of_the_input_is_an_error_where_it_ends() {
    let whole = text("lmm-session.txt");
    let cut = &whole[..whole.find("  I'm Bob!").unwrap() + "  I'm".len()];
    assert_eq!(cut.lines().count(), 73);
    let (_d, p) = temp_input(cut.as_bytes());
    refused(
        lmm(&[]).arg(&p),
        &format!(
            "{}:73:6: input ends before the MSRP end-line (truncated)",
            p.display()
        ),
    );
}

/// Bytes that are not a message are an error. The message blames a short
/// Content-Length only when the SIP message before them was framed by one:
/// an OPTIONS without Content-Length whose body runs past --max-message
/// leaves the rest (from offset 1000: line 4, column 1000 - 39 + 1) as
/// bytes that are neither SIP nor MSRP.
#[test]
fn junk_after_a_message_without_content_length_does_not_blame_one() {
    let mut input = b"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n".to_vec();
    assert_eq!(input.len(), 39);
    input.extend_from_slice(&[b'x'; 2000]);
    input.extend_from_slice(b"\r\n");
    input.extend_from_slice(&read("pager-message.sip"));
    let (_d, p) = temp_input(&input);
    pager(&[])
        .args(["--max-message", "1000"])
        .arg(&p)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "{}:4:962: 1041 bytes here are neither a SIP nor an MSRP message",
            p.display()
        )))
        .stderr(predicate::str::contains("Content-Length").not());
}

/// A stored MESSAGE written with bare LF line ends (as pasted from a
/// document) is pushed with CRLF line ends: the CR's form byte for byte.
#[test]
fn bare_lf_line_ends_are_pushed_as_crlf() {
    let input = text("pager-message.sip").replace("\r\n", "\n");
    let (_d, p) = temp_input(input.as_bytes());
    assert_eq!(stdout_of(pager(&[]).arg(&p)), text("pushed-pager.msrp"));
}

// ------------------------------------------- extra headers of pushed SENDs

/// `lint --fix` rebuilds a pushed SEND through encap and keeps its other
/// MSRP headers (here Failure-Report, RFC 4975 7.1.2) between Byte-Range
/// and Content-Type, which RFC 4975 wants last.
#[test]
fn lint_fix_keeps_the_other_headers_of_the_send_it_rebuilds() {
    let broken = replace(
        &read("pushed-pager.msrp"),
        "MESSAGE sip:user2@imserver.com SIP/2.0\r\n",
        "MESSAGE sip:user2@imserver.com SIP/2.0\r\nVia: SIP/2.0/TCP user1pc.imserver.com;branch=z9hG4bK1\r\n",
    );
    let broken = replace(
        &broken,
        "Byte-Range: 1-446/446\r\n",
        "Byte-Range: 1-446/446\r\nFailure-Report: no\r\n",
    );
    let (_d, p) = temp_input(&broken);
    let out = stdout_of(bin().args(["lint", "--fix"]).arg(&p));
    let expected = String::from_utf8(replace(
        &read("pushed-pager.msrp"),
        "Byte-Range: 1-446/446\r\n",
        "Byte-Range: 1-446/446\r\nFailure-Report: no\r\n",
    ))
    .unwrap();
    assert_eq!(out, expected);
}

fn with_send_headers(h: &[&[u8]]) -> Options {
    Options {
        date: Some("Thu, 21 Feb 2002 13:02:03 GMT".into()),
        transaction_id: Some("dkei38sd".into()),
        message_id: Some("msg452".into()),
        boundary: Some("boundary42".into()),
        to_path: PUSH_TO.into(),
        from_path: PUSH_FROM.into(),
        send_headers: h.iter().map(|x| x.to_vec()).collect(),
        ..Options::default()
    }
}

/// Library API (`Options::send_headers`, set only by `lint --fix` from
/// headers it parsed): each extra SEND header must be one `Name: value`
/// line, and may not be a header encap writes itself. Anything else would
/// inject lines into the pushed SEND or break its framing.
#[test]
fn extra_send_headers_must_be_one_name_value_line_other_than_encaps_own() {
    let ok: &[&[u8]] = &[b"Failure-Report: no", b"Success-Report: yes"];
    with_send_headers(ok).validate().unwrap();
    let out = encap::encap_text(
        &[&read("pager-message.sip")],
        None,
        &with_send_headers(ok),
        &Default::default(),
    )
    .unwrap();
    let expected = replace(
        &read("pushed-pager.msrp"),
        "Byte-Range: 1-446/446\r\n",
        "Byte-Range: 1-446/446\r\nFailure-Report: no\r\nSuccess-Report: yes\r\n",
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        String::from_utf8(expected).unwrap()
    );
    for bad in [
        &b": no"[..],
        b"Failure-Report no",
        b"Failure-Report : no",
        b"Failure-Report: no\r\nTo-Path: msrp://evil.example.com:1/x;tcp",
        b"Failure-Report: no\nX: y",
        b"Failure-Report: no\rX: y",
        b"Byte-Range: 1-1/1",
        b"to-path: msrp://evil.example.com:1/x;tcp",
        b"Content-Type: text/plain",
    ] {
        let e = with_send_headers(&[b"Failure-Report: no", bad])
            .validate()
            .unwrap_err();
        assert_eq!(e.code, "bad-option", "{}", String::from_utf8_lossy(bad));
        assert!(e.message.starts_with("SEND header `"), "{}", e.message);
        assert!(e.pos.is_none());
    }
}

/// A SEND whose end-line names another transaction (RFC 4975 7.1: the
/// end-line repeats the start line's transaction-id) cannot be trusted to
/// end where it does: an error at that end-line, line 74 of the session.
#[test]
fn a_send_whose_end_line_names_another_transaction_is_an_error_there() {
    let input = replace(
        &read("lmm-session.txt"),
        "-------dkei38se$",
        "-------dkei38sX$",
    );
    let (_d, p) = temp_input(&input);
    refused(
        lmm(&[]).arg(&p),
        &format!(
            "{}:74:1: end-line transaction id does not match the start line's `dkei38se` (msrp-end-line-mismatch)",
            p.display()
        ),
    );
}

// ------------------------------------------- which session a SEND is of

/// A SIP message: `head` (start line and header lines, each ending in
/// CRLF), Content-Length and `body`.
fn sip(head: &str, body: &str) -> String {
    format!("{head}Content-Length: {}\r\n\r\n{body}", body.len())
}

/// An SDP offer or answer whose MSRP media has the path `path`.
fn sdp(path: &str) -> String {
    format!(
        "v=0\r\n\
         o=- 1 1 IN IP4 imserver.com\r\n\
         s=-\r\n\
         c=IN IP4 imserver.com\r\n\
         t=0 0\r\n\
         m=message 7654 TCP/MSRP *\r\n\
         a=accept-types:text/plain\r\n\
         a=path:{path}\r\n"
    )
}

/// An initial INVITE of `call_id` from user1 to user2 with `body` (SDP or empty).
fn invite(call_id: &str, body: &str) -> String {
    let ct = if body.is_empty() {
        ""
    } else {
        "Content-Type: application/sdp\r\n"
    };
    sip(
        &format!(
            "INVITE sip:user2@imserver.com SIP/2.0\r\n\
             Via: SIP/2.0/TCP user1pc.imserver.com;branch=z9hG4bK{call_id}\r\n\
             Max-Forwards: 70\r\n\
             To: <sip:user2@imserver.com>\r\n\
             From: <sip:user1@imserver.com>;tag=786\r\n\
             Call-ID: {call_id}\r\n\
             CSeq: 1 INVITE\r\n\
             {ct}"
        ),
        body,
    )
}

/// A response `status` to the INVITE of `call_id`, with an SDP body naming `path`.
fn answer(status: &str, call_id: &str, path: &str) -> String {
    sip(
        &format!(
            "SIP/2.0 {status}\r\n\
             Via: SIP/2.0/TCP user1pc.imserver.com;branch=z9hG4bK{call_id}\r\n\
             To: <sip:user2@imserver.com>;tag=087js\r\n\
             From: <sip:user1@imserver.com>;tag=786\r\n\
             Call-ID: {call_id}\r\n\
             CSeq: 1 INVITE\r\n\
             Content-Type: application/sdp\r\n"
        ),
        &sdp(path),
    )
}

/// The SENDs of a session are those whose To-Path or From-Path is a path of
/// the session's SDP, offer or answer (RFC 4975 8.1). With a late offer
/// (RFC 3261 13.2.1: an INVITE without SDP, the offer in the 200 OK) the
/// 200 OK's path is what ties the SENDs to their session, even when
/// another session's INVITE came in between.
#[test]
fn the_200_ok_of_a_late_offer_ties_the_sends_to_their_session() {
    let whole = text("lmm-session.txt");
    let ok = whole.find("SIP/2.0 200 OK").unwrap();
    let ack = whole.find("ACK sip:").unwrap();
    let send = whole.find("MSRP dkei38sd SEND").unwrap();
    // The session's INVITE without its SDP; its ACK with the answer.
    let sdp_at = whole
        .find("Content-Type: application/sdp\r\nContent-Length: 208\r\n")
        .unwrap();
    let invite_a = format!("{}Content-Length: 0\r\n\r\n", &whole[..sdp_at]);
    let answer_sdp = sdp("msrp://user1.imserver.com:7654/jshA7we;tcp");
    let ack_a = whole[ack..send].replace(
        "Content-Length: 0\r\n\r\n",
        &format!(
            "Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{answer_sdp}",
            answer_sdp.len()
        ),
    );
    let other = invite(
        "b1b2b3b4",
        &sdp("msrp://user1.imserver.com:7654/b0b0b0b0;tcp"),
    );
    let input = format!(
        "{invite_a}{other}{}{ack_a}{}",
        &whole[ok..ack],
        &whole[send..]
    );
    let (_d, p) = temp_input(input.as_bytes());
    let out = stdout_of(lmm(&[]).args(["--call-id", "3413an89KU"]).arg(&p));
    assert_eq!(out, text("pushed-lmm.msrp"));
}

/// Only the 2xx answer to the INVITE says which paths a session has: the
/// IM server's 183 Session Progress in an earlier session offered a path
/// its 200 OK then replaced, and a later session (the CR's example) got
/// that path. The later session's SENDs are still its own.
#[test]
fn a_provisional_answers_path_does_not_claim_another_sessions_sends() {
    let earlier = format!(
        "{}{}{}",
        invite(
            "a7b8c9d0",
            &sdp("msrp://user1.imserver.com:7654/a1a1a1a1;tcp")
        ),
        answer(
            "183 Session Progress",
            "a7b8c9d0",
            "msrp://imserver.com:12763/kjhd37s2s2;tcp"
        ),
        answer(
            "200 OK",
            "a7b8c9d0",
            "msrp://imserver.com:12763/a2a2a2a2;tcp"
        ),
    );
    let input = format!("{earlier}{}", text("lmm-session.txt"));
    let (_d, p) = temp_input(input.as_bytes());
    let out = stdout_of(lmm(&[]).args(["--call-id", "3413an89KU"]).arg(&p));
    assert_eq!(out, text("pushed-lmm.msrp"));
}

/// An INVITE seen twice (a retransmission, RFC 3261 17.1.1.2, as a UDP
/// capture holds it) starts one session, not two: the push is the CR's.
#[test]
fn a_retransmitted_invite_is_one_session() {
    let whole = text("lmm-session.txt");
    let ok = whole.find("SIP/2.0 200 OK").unwrap();
    let input = format!("{}{}", &whole[..ok], whole);
    let (_d, p) = temp_input(input.as_bytes());
    assert_eq!(stdout_of(lmm(&[]).arg(&p)), text("pushed-lmm.msrp"));
}

/// Stored as 12.2.2.3 says (the INVITE's relevant headers, no SDP, then
/// the message's SENDs), sessions have no paths to match: each SEND is of
/// the nearest INVITE before it. Two such stored sessions, one after the
/// other, give the CR's push and the same for the second session.
#[test]
fn without_paths_each_send_is_of_the_nearest_invite_before_it() {
    let stored = |call_id: &str, tid: &str, mid: &str, text: &str| {
        format!(
            "{}MSRP {tid} SEND\r\n\
             To-Path: msrp://imserver.com:12763/kjhd37s2s2;tcp\r\n\
             From-Path: msrp://user1.imserver.com:7654/jshA7we;tcp\r\n\
             Message-ID: {mid}\r\n\
             Byte-Range: 1-20/20\r\n\
             Content-Type: text/plain\r\n\
             \r\n\
             {text}\r\n\
             -------{tid}$\r\n",
            sip(
                &format!(
                    "INVITE sip:user2@imserver.com SIP/2.0\r\n\
                     To: <sip:user2@imserver.com>\r\n\
                     From: <sip:user1@imserver.com>;tag=786\r\n\
                     P-Asserted-Identity: <sip:user1@imserver.com>\r\n\
                     Call-ID: {call_id}\r\n\
                     CSeq: 1 INVITE\r\n\
                     Subject: Large message test\r\n"
                ),
                ""
            )
        )
    };
    let input = format!(
        "{}{}",
        stored("3413an89KU", "dkei38sd", "msg456", "Hi, Alice!  I'm Bob!"),
        stored("3413an89KV", "dkei38sf", "msg457", "Hi, Alice!  I'm Ann!"),
    );
    let (_d, p) = temp_input(input.as_bytes());
    let first = text("pushed-lmm.msrp");
    let mut second = first.clone();
    for (from, to) in [
        ("MSRP elfj49te SEND", "MSRP elfj49te-2 SEND"),
        ("Message-ID: msg453", "Message-ID: msg453-2"),
        ("Call-ID: 3413an89KU", "Call-ID: 3413an89KV"),
        ("MSRP dkei38sd SEND", "MSRP dkei38sf SEND"),
        ("Message-ID: msg456", "Message-ID: msg457"),
        ("I'm Bob!", "I'm Ann!"),
        ("-------dkei38sd$", "-------dkei38sf$"),
        ("-------elfj49te$", "-------elfj49te-2$"),
    ] {
        second = String::from_utf8(replace(second.as_bytes(), from, to)).unwrap();
    }
    assert_eq!(stdout_of(lmm(&[]).arg(&p)), format!("{first}{second}"));
}

// ------------------------------------------------------------ generated ids

/// Without --transaction-id and --message-id every pushed SEND gets a
/// generated transaction id and every pushed message a generated
/// Message-ID, each an RFC 4975 ident and none used twice (a transaction
/// id names one transaction, a Message-ID one message). Two messages cut
/// into 10-byte chunks make about 90 SENDs.
#[test]
fn generated_ids_are_never_used_twice() {
    let out = stdout_of(
        bin()
            .args(["encap", "--chunk-size", "10"])
            .arg(sample("pager-message.sip"))
            .arg(sample("pager-message-anonymous.sip")),
    );
    let tids: Vec<&str> = out
        .split("\r\n")
        .filter_map(|l| l.strip_prefix("MSRP ")?.strip_suffix(" SEND"))
        .collect();
    assert!(tids.len() > 80, "{}", tids.len());
    let mut mids: Vec<&str> = out
        .split("\r\n")
        .filter_map(|l| l.strip_prefix("Message-ID: "))
        .collect();
    assert_eq!(mids.len(), tids.len());
    for id in tids.iter().chain(&mids) {
        assert!(encap::is_ident(id), "{id}");
    }
    let mut unique = tids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), tids.len(), "a transaction id used twice");
    // One Message-ID per message, the same in all its chunks.
    mids.dedup();
    assert_eq!(mids.len(), 2, "{mids:?}");
    assert_ne!(mids[0], mids[1]);
}

/// Library API (`Options::seed`): whatever the seed, even 0 or all ones,
/// the generated transaction ids, Message-IDs and boundaries of 40 pushed
/// messages are all different, every character position of them takes
/// many values (no part is fixed), and the last characters of a long id
/// are not a copy of its first ones.
#[test]
fn generated_ids_use_every_character_whatever_the_seed() {
    let stored: String = (0..40)
        .map(|i| {
            format!(
                "MESSAGE sip:user2@imserver.com SIP/2.0\r\n\
                 From: sip:user1@imserver.com;tag=1\r\n\
                 To: sip:user2@imserver.com\r\n\
                 Call-ID: c{i}@1.2.3.4\r\n\
                 CSeq: 1 MESSAGE\r\n\
                 Content-Type: text/plain\r\n\
                 Content-Length: 2\r\n\
                 \r\n\
                 Hi"
            )
        })
        .collect();
    for seed in [0, 1, 0x0123_4567_89ab_cdef, u64::MAX] {
        let opts = Options {
            date: Some("Thu, 21 Feb 2002 13:02:03 GMT".into()),
            seed,
            ..Options::default()
        };
        let out =
            encap::encap_text(&[stored.as_bytes()], None, &opts, &Default::default()).unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines = || out.split("\r\n");
        let tids: Vec<&str> = lines()
            .filter_map(|l| l.strip_prefix("MSRP ")?.strip_suffix(" SEND"))
            .collect();
        let mids: Vec<&str> = lines()
            .filter_map(|l| l.strip_prefix("Message-ID: "))
            .collect();
        let boundaries: Vec<&str> = lines()
            .filter_map(|l| l.strip_prefix("Content-Type: multipart/mixed; boundary=sipmsrp-"))
            .collect();
        for (what, ids, len) in [
            ("tid", &tids, 10),
            ("mid", &mids, 16),
            ("boundary", &boundaries, 20),
        ] {
            assert_eq!(ids.len(), 40, "seed {seed:#x} {what}");
            let mut unique = ids.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), 40, "seed {seed:#x}: a {what} used twice");
            for id in ids.iter() {
                assert_eq!(id.len(), len, "{id}");
                assert!(
                    id.bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()),
                    "{id}"
                );
                if len > 12 {
                    let tail = &id[12..];
                    assert_ne!(tail, &id[..tail.len()], "seed {seed:#x} {what} {id}");
                }
            }
            for pos in 0..len {
                let mut seen: Vec<u8> = ids.iter().map(|id| id.as_bytes()[pos]).collect();
                seen.sort_unstable();
                seen.dedup();
                assert!(
                    seen.len() >= 8,
                    "seed {seed:#x}: {what} position {pos} takes {} values",
                    seen.len()
                );
            }
        }
    }
}

// ------------------------------------------------ what the sipfrag carries

/// An anonymous sender (Privacy: id, RFC 3323) loses P-Asserted-Identity
/// (RFC 3325) from the INVITE's message/sipfrag, and only that: a header
/// given to --keep is still carried, where it stands in the stored INVITE
/// (12.2.2.5; after Call-ID, before Subject there).
#[test]
fn an_anonymous_session_keeps_what_keep_asks_for() {
    let input = replace(
        &read("lmm-session.txt"),
        "Call-ID: 3413an89KU\r\nCSeq: 1 INVITE",
        "Call-ID: 3413an89KU\r\nPrivacy: id\r\nCSeq: 1 INVITE",
    );
    let (_d, p) = temp_input(&input);
    let out = stdout_of(lmm(&[]).args(["--keep", "User-Agent"]).arg(&p));
    let pai = "P-Asserted-Identity: <sip:user1@imserver.com>\r\n";
    let ua = "User-Agent: IM-client/OMA1.0 ExampleVendor-IM/1.2\r\n";
    let n = 464 - pai.len() + ua.len();
    let cid = "Call-ID: 3413an89KU\r\n";
    let expected = replace(
        &read("pushed-lmm.msrp"),
        &format!("{pai}{cid}"),
        &format!("{cid}{ua}"),
    );
    let expected = replace(&expected, "1-464/464", &format!("1-{n}/{n}"));
    assert_eq!(out, String::from_utf8(expected).unwrap());
}

// ------------------------------------------------------------- parts_of

/// The parts of the first message of `text`, as [`encap::parts_of`] gives them.
fn parts(text: &[u8]) -> Vec<(String, String)> {
    use sipmsrp::framing::{FrameOptions, Framer, Item};
    let Some(Item::Message(frame)) = Framer::new(text, FrameOptions::default()).next() else {
        panic!("no message")
    };
    let parsed = sipmsrp::message::parse_frame(text, &frame, &Default::default());
    encap::parts_of(&parsed)
        .into_iter()
        .map(|(ct, content)| {
            (
                String::from_utf8(ct.to_vec()).unwrap(),
                String::from_utf8(content.to_vec()).unwrap(),
            )
        })
        .collect()
}

/// Library API: `parts_of` gives a pushed SEND's multipart parts as
/// (Content-Type, content), the content without the CRLF that belongs to
/// the next delimiter (RFC 2046 5.1.1); a message that is not multipart has
/// none. Written by hand from the CR's Large Message Mode push.
#[test]
fn parts_of_a_pushed_send_are_its_types_and_contents() {
    assert_eq!(
        parts(&read("pushed-lmm.msrp")),
        [
            (
                "message/sipfrag".to_string(),
                "INVITE sip:user2@imserver.com SIP/2.0\r\n\
                 To: <sip:user2@imserver.com>\r\n\
                 From: <sip:user1@imserver.com>;tag=786\r\n\
                 P-Asserted-Identity: <sip:user1@imserver.com>\r\n\
                 Call-ID: 3413an89KU\r\n\
                 Subject: Large message test\r\n\
                 Date: Thu, 21 Feb 2005 13:02:03 GMT\r\n"
                    .to_string()
            ),
            (
                "message/msrpfrag".to_string(),
                "MSRP dkei38sd SEND\r\n\
                 Message-ID: msg456\r\n\
                 Content-Type: text/plain\r\n\
                 \r\n\
                 Hi, Alice!  I'm Bob!\r\n\
                 -------dkei38sd$\r\n"
                    .to_string()
            ),
        ]
    );
    let pager = parts(&read("pushed-pager.msrp"));
    assert_eq!(pager.len(), 1);
    assert_eq!(pager[0].0, "message/sip");
    assert!(
        pager[0]
            .1
            .starts_with("MESSAGE sip:user2@imserver.com SIP/2.0\r\nFrom:")
    );
    assert!(
        pager[0]
            .1
            .ends_with("Content-Length: 18\r\n\r\nWatson, come here.")
    );
    // The stored MESSAGE itself is text/plain: no parts.
    assert_eq!(parts(&read("pager-message.sip")), []);
}
