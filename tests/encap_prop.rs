//! Property: whatever stored MESSAGE or Large Message Mode session goes in,
//! encap's output passes lint (no error-level finding, through the library
//! API) and parses back with the core into the same Call-ID, Message-ID,
//! Date and body bytes, whatever the chunking.

use proptest::prelude::*;
use sipmsrp::body::{self, BodyKind, Ctx};
use sipmsrp::encap::{Options, PagerForm, encap_text};
use sipmsrp::framing::{FrameOptions, Framer, Item};
use sipmsrp::header::Hdr;
use sipmsrp::limits::Limits;
use sipmsrp::lint::{self, Config};
use sipmsrp::message::{Message, parse_frame};
use sipmsrp::reassembly::{Reassembler, path_session_key};

const DATE: &str = "Mon, 05 Mar 2001 10:20:30 GMT";

#[derive(Debug, Clone)]
struct Stored {
    call_id: String,
    date: Option<String>,
    /// Extra (name, value) headers, possibly compact.
    extra: Vec<(String, String)>,
    compact_call_id: bool,
    body: Vec<u8>,
}

/// Extra headers of a valid stored message: each at most once, and never
/// both forms of Subject (a single-value header), in any order.
fn extra_headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let all: Vec<(String, String)> = [
        ("Via", "SIP/2.0/TCP a.example;branch=z9hG4bK1"),
        ("v", "SIP/2.0/UDP b.example;branch=z9hG4bK2"),
        ("Max-Forwards", "70"),
        ("Route", "<sip:p.example;lr>"),
        ("P-Asserted-Identity", "<sip:a@example.com>"),
        ("Privacy", "id"),
        ("Subject", "hello there"),
        ("s", "compact subject"),
        ("Priority", "urgent"),
        ("P-Charging-Vector", "icid-value=1"),
        ("X-Thing", "folded\r\n  value"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    (prop::sample::subsequence(all, 0..6), any::<u64>()).prop_map(|(mut v, shuffle)| {
        if v.iter().any(|(n, _)| n == "Subject") {
            v.retain(|(n, _)| n != "s");
        }
        let mut x = shuffle;
        for i in (1..v.len()).rev() {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            v.swap(i, (x >> 33) as usize % (i + 1));
        }
        v
    })
}

fn stored() -> impl Strategy<Value = Stored> {
    (
        "[A-Za-z0-9]{1,12}@[a-z]{1,8}\\.example",
        prop::option::of(Just(DATE.to_string())),
        extra_headers(),
        any::<bool>(),
        prop::collection::vec(any::<u8>(), 0..300),
    )
        .prop_map(|(call_id, date, extra, compact_call_id, body)| Stored {
            call_id,
            date,
            extra,
            compact_call_id,
            body,
        })
}

fn sip_headers(s: &Stored, out: &mut Vec<u8>) {
    out.extend(b"From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\n");
    for (n, v) in &s.extra {
        out.extend(format!("{n}: {v}\r\n").bytes());
    }
    let cid = if s.compact_call_id { "i" } else { "Call-ID" };
    out.extend(format!("{cid}: {}\r\n", s.call_id).bytes());
    if let Some(d) = &s.date {
        out.extend(format!("Date: {d}\r\n").bytes());
    }
}

fn pager_input(s: &Stored) -> Vec<u8> {
    let mut out = b"MESSAGE sip:b@example.com SIP/2.0\r\n".to_vec();
    sip_headers(s, &mut out);
    out.extend(
        format!(
            "CSeq: 1 MESSAGE\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
            s.body.len()
        )
        .bytes(),
    );
    out.extend(&s.body);
    out
}

/// INVITE, then the body in chunks of the given sizes, sent in `order`, then BYE.
fn lmm_input(s: &Stored, mid: &str, sizes: &[usize], order: &[usize], star: bool) -> Vec<u8> {
    let mut out = b"INVITE sip:b@example.com SIP/2.0\r\n".to_vec();
    sip_headers(s, &mut out);
    out.extend(b"CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
    let total = s.body.len();
    let mut chunks = Vec::new();
    let mut at = 0;
    for (i, &n) in sizes.iter().enumerate() {
        let end = if i + 1 == sizes.len() {
            total
        } else {
            (at + n).min(total)
        };
        chunks.push((at, end, end == total));
        at = end;
        if end == total {
            break;
        }
    }
    for &i in order {
        let Some(&(a, e, last)) = chunks.get(i) else {
            continue;
        };
        let tid = format!("tx{i:04}");
        let range = if star {
            format!("{}-*/*", a + 1)
        } else {
            format!("{}-{e}/{total}", a + 1)
        };
        out.extend(
            format!(
                "MSRP {tid} SEND\r\nTo-Path: msrp://s.example:1/x;tcp\r\nFrom-Path: msrp://c.example:2/y;tcp\r\nMessage-ID: {mid}\r\nByte-Range: {range}\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .bytes(),
        );
        out.extend(&s.body[a..e]);
        out.extend(format!("\r\n-------{tid}{}\r\n", if last { '$' } else { '+' }).bytes());
    }
    out.extend(b"BYE sip:b@example.com SIP/2.0\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n");
    out
}

/// The pushed body of the output, reassembled from its SENDs.
fn pushed_body(out: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let limits = Limits::default();
    let mut r = Reassembler::new(&limits);
    let mut ct = None;
    for (i, item) in Framer::new(out, FrameOptions::default()).enumerate() {
        let Item::Message(f) = item else {
            panic!("junk in the output")
        };
        let p = parse_frame(out, &f, &limits);
        let Message::Msrp(n) = &p.message else {
            panic!("not MSRP")
        };
        ct.get_or_insert_with(|| n.msg.value(Hdr::ContentType).unwrap().to_vec());
        r.push(&path_session_key(&n.msg), &n.msg, i).unwrap();
    }
    let mut v = r.finish();
    assert_eq!(v.len(), 1);
    let m = v.remove(0);
    assert!(m.complete && m.findings.is_empty(), "{:?}", m.findings);
    (m.body, ct.unwrap())
}

/// Encap's output has no error-level lint finding (any rule, default levels).
fn assert_lints_clean(out: &[u8]) -> Result<(), TestCaseError> {
    let report = lint::lint_text(out, &Config::default());
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == sipmsrp::finding::Severity::Error)
        .collect();
    prop_assert!(
        errors.is_empty(),
        "{errors:#?}\n{}",
        String::from_utf8_lossy(out)
    );
    prop_assert!(report.messages >= 1);
    Ok(())
}

fn opts(seed: u64, date: bool, chunk: Option<usize>, sipfrag: bool) -> Options {
    Options {
        date: date.then(|| "Tue, 06 Mar 2001 11:22:33 GMT".to_string()),
        seed,
        chunk_size: chunk,
        pager_form: if sipfrag {
            PagerForm::Sipfrag
        } else {
            PagerForm::Sip
        },
        ..Options::default()
    }
}

fn expected_date(s: &Stored, o: &Options) -> String {
    s.date
        .clone()
        .or(o.date.clone())
        .unwrap_or_else(|| "Thu, 01 Jan 1970 00:00:00 GMT".to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn pager_round_trips(
        s in stored(),
        seed in any::<u64>(),
        date in any::<bool>(),
        chunk in prop::option::of(1usize..400),
        sipfrag in any::<bool>(),
    ) {
        let o = opts(seed, date, chunk, sipfrag);
        let input = pager_input(&s);
        let out = encap_text(&[&input], None, &o, &Limits::default()).unwrap();
        assert_lints_clean(&out)?;
        let (raw, ct) = pushed_body(&out);
        let limits = Limits::default();
        let mut findings = Vec::new();
        let mut ctx = Ctx::new(&raw, &limits, &mut findings);
        let b = body::parse(&mut ctx, &raw, Some(&ct), 0, "");
        prop_assert!(findings.is_empty(), "{:?}", findings);
        let BodyKind::Multipart(mp) = &b.kind else { panic!("not multipart") };
        prop_assert_eq!(mp.parts.len(), 1);
        let BodyKind::Sip(n) = &mp.parts[0].body.kind else { panic!("not SIP") };
        prop_assert_eq!(n.fragment, sipfrag);
        prop_assert_eq!(n.msg.call_id(), Some(s.call_id.as_bytes()));
        let want_date = expected_date(&s, &o);
        prop_assert_eq!(n.msg.date(), Some(want_date.as_bytes()));
        prop_assert_eq!(n.msg.body, &s.body[..]);
        prop_assert_eq!(n.msg.content_length(), Some(s.body.len() as u64));
        prop_assert!(n.msg.header(Hdr::Via).is_none());
        prop_assert!(n.msg.header(Hdr::MaxForwards).is_none());
        prop_assert!(n.msg.header(Hdr::Route).is_none());
        let anonymous = s.extra.iter().any(|(n, _)| n == "Privacy");
        let pai = s.extra.iter().any(|(n, _)| n == "P-Asserted-Identity");
        prop_assert_eq!(n.msg.header(Hdr::PAssertedIdentity).is_some(), pai && !anonymous);
    }

    #[test]
    fn lmm_round_trips(
        s in stored(),
        sizes in prop::collection::vec(1usize..120, 1..6),
        perm_seed in any::<u64>(),
        star in any::<bool>(),
        mid in "[a-z0-9]{4,12}",
        seed in any::<u64>(),
        date in any::<bool>(),
        chunk in prop::option::of(1usize..400),
    ) {
        // A non-empty body (an empty one is a single bodyless SEND).
        let mut s = s;
        if s.body.is_empty() {
            s.body.push(b'x');
        }
        let mut order: Vec<usize> = (0..sizes.len()).collect();
        // A cheap deterministic shuffle.
        let mut x = perm_seed;
        for i in (1..order.len()).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (x >> 33) as usize % (i + 1));
        }
        let input = lmm_input(&s, &mid, &sizes, &order, star);
        let o = opts(seed, date, chunk, false);
        let out = encap_text(&[&input], None, &o, &Limits::default()).unwrap();
        assert_lints_clean(&out)?;
        let (raw, ct) = pushed_body(&out);
        let limits = Limits::default();
        let mut findings = Vec::new();
        let mut ctx = Ctx::new(&raw, &limits, &mut findings);
        let b = body::parse(&mut ctx, &raw, Some(&ct), 0, "");
        prop_assert!(findings.is_empty(), "{:?}", findings);
        let BodyKind::Multipart(mp) = &b.kind else { panic!("not multipart") };
        prop_assert_eq!(mp.parts.len(), 2);
        let BodyKind::Sip(sf) = &mp.parts[0].body.kind else { panic!("not sipfrag") };
        prop_assert!(sf.fragment);
        prop_assert_eq!(sf.msg.call_id(), Some(s.call_id.as_bytes()));
        let want_date = expected_date(&s, &o);
        prop_assert_eq!(sf.msg.date(), Some(want_date.as_bytes()));
        prop_assert!(sf.msg.body.is_empty());
        for h in &sf.msg.headers {
            prop_assert!(
                ["To", "From", "Date", "Subject", "Priority", "Call-ID", "P-Asserted-Identity"]
                    .contains(&h.canonical),
                "{} in the sipfrag", h.canonical
            );
        }
        let BodyKind::Msrp(mf) = &mp.parts[1].body.kind else { panic!("not msrpfrag") };
        prop_assert_eq!(mf.msg.message_id(), Some(mid.as_bytes()));
        prop_assert_eq!(mf.msg.body, Some(&s.body[..]));
        prop_assert_eq!(mf.msg.flag, Some(b'$'));
        let names: Vec<_> = mf.msg.headers.iter().map(|h| h.canonical.to_string()).collect();
        prop_assert_eq!(names, ["Message-ID", "Content-Type"]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Damaged sessions and random bytes: an error or an output, never a panic.
    #[test]
    fn damaged_input_never_panics(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        cut in any::<prop::sample::Index>(),
        noise in prop::collection::vec(any::<u8>(), 0..200),
        chunk in prop::option::of(1usize..50),
    ) {
        let mut input = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/lmm-session.txt"),
        )
        .unwrap();
        for (i, b) in &flips {
            let at = i.index(input.len());
            input[at] = *b;
        }
        input.truncate(cut.index(input.len() + 1));
        input.extend(&noise);
        let o = opts(1, true, chunk, false);
        if let Ok(out) = encap_text(&[&input], None, &o, &Limits::default()) {
            prop_assert!(!out.is_empty());
        }
        let _ = encap_text(&[&noise], None, &o, &Limits::default());
    }
}
