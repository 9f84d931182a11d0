//! encap over arbitrary input; when it succeeds, its output parses back
//! into the same Call-IDs, Message-IDs and body bytes.
#![no_main]

use sipmsrp::header::Hdr;
use libfuzzer_sys::fuzz_target;
use sipmsrp::body::{self, BodyKind, Ctx};
use sipmsrp::encap::{self, Collector, Deferred, Options, PagerForm};
use sipmsrp::framing::{FrameOptions, Framer, Item};
use sipmsrp::limits::Limits;
use sipmsrp::message::{Message, parse_frame};
use sipmsrp::reassembly::{Reassembler, path_session_key};

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, text)) = data.split_first() else {
        return;
    };
    let limits = Limits {
        max_message: 64 * 1024,
        max_chunks: 64,
        ..Limits::default()
    };
    let opts = Options {
        pager_form: if ctl & 1 != 0 {
            PagerForm::Sipfrag
        } else {
            PagerForm::Sip
        },
        chunk_size: (ctl & 0x70 != 0).then(|| usize::from(ctl >> 4) * 7),
        date: (ctl & 2 != 0).then(|| "Thu, 21 Feb 2002 13:02:03 GMT".to_string()),
        message_id: Some("fuzzmsg1".into()),
        seed: u64::from(ctl),
        ..Options::default()
    };
    let mut c = Collector::new(&limits);
    encap::load_text(&mut c, 0, text);
    let Ok(collected) = c.finish(None) else {
        return;
    };
    let Ok(out) = encap::encode(&collected.deferred, &opts) else {
        return;
    };
    // Reassemble the pushed SENDs (one message per deferred message).
    let big = Limits {
        max_message: 64 * 1024 * 1024,
        ..Limits::default()
    };
    let fopts = FrameOptions {
        max_message: big.max_message,
        datagram: false,
        text: false,
    };
    // What the stored messages themselves are found to carry: encap carries
    // them as they are, so their defects may show inside the parts.
    // (As encap reads them: dedented, and a Large Message Mode body joined
    // from its chunks.)
    let prepared = sipmsrp::source::prepare(text, true);
    let mut input_codes: std::collections::HashSet<&str> =
        Framer::new(&prepared.bytes, fopts.clone())
            .filter_map(|item| match item {
                Item::Message(f) => Some(parse_frame(&prepared.bytes, &f, &limits).findings),
                Item::Junk { .. } => None,
            })
            .flatten()
            .map(|f| f.code)
            .collect();
    for d in &collected.deferred {
        if let Deferred::Large(l) = d {
            let mut findings = Vec::new();
            let mut ctx = Ctx::new(&l.message.body, &limits, &mut findings);
            let ct = l.message.content_type.as_ref().map(|h| &h.value[..]);
            body::parse(&mut ctx, &l.message.body, ct, 0, "");
            input_codes.extend(findings.iter().map(|f| f.code));
        }
    }
    let mut r = Reassembler::new(&big);
    let mut cts = Vec::new();
    for (i, item) in Framer::new(&out, fopts).enumerate() {
        let Item::Message(f) = item else {
            panic!("junk in encap output")
        };
        let p = parse_frame(&out, &f, &big);
        // The SEND and its multipart are clean; a finding inside a carried
        // part is one the stored message had.
        let added: Vec<_> = p
            .findings
            .iter()
            .filter(|f| !(f.path.starts_with("part ") && input_codes.contains(f.code)))
            .collect();
        assert!(added.is_empty(), "pushed SEND has findings: {added:?}");
        let Message::Msrp(n) = &p.message else {
            panic!("encap output is not MSRP")
        };
        // The Content-Type of each pushed message, from its first chunk.
        let before = r.len();
        r.push(&path_session_key(&n.msg), &n.msg, i)
            .expect("a valid chunk");
        if r.len() > before {
            cts.push(n.msg.value(Hdr::ContentType).expect("Content-Type").to_vec());
        }
    }
    let pushed = r.finish();
    assert_eq!(
        pushed.len(),
        collected.deferred.len(),
        "one pushed message per deferred one"
    );
    assert_eq!(pushed[0].message_id, b"fuzzmsg1");
    for ((m, d), ct) in pushed.iter().zip(&collected.deferred).zip(&cts) {
        assert!(m.complete && m.findings.is_empty(), "{:?}", m.findings);
        let mut findings = Vec::new();
        let mut ctx = Ctx::new(&m.body, &big, &mut findings);
        let b = body::parse(&mut ctx, &m.body, Some(ct), 0, "");
        let BodyKind::Multipart(mp) = &b.kind else {
            panic!("pushed body is not multipart")
        };
        match d {
            Deferred::Pager(p) => {
                assert_eq!(mp.parts.len(), 1);
                let BodyKind::Sip(n) = &mp.parts[0].body.kind else {
                    panic!("pager part is not SIP")
                };
                assert_eq!(n.msg.call_id(), Some(&p.call_id[..]), "Call-ID changed");
                assert_eq!(n.msg.body, &p.body[..], "MESSAGE body changed");
            }
            Deferred::Large(l) => {
                assert_eq!(mp.parts.len(), 2);
                let BodyKind::Sip(sf) = &mp.parts[0].body.kind else {
                    panic!("first part is not sipfrag")
                };
                assert_eq!(sf.msg.call_id(), Some(&l.call_id[..]), "Call-ID changed");
                let BodyKind::Msrp(mf) = &mp.parts[1].body.kind else {
                    panic!("second part is not msrpfrag")
                };
                assert_eq!(
                    mf.msg.message_id(),
                    Some(&l.message.message_id[..]),
                    "Message-ID changed"
                );
                assert_eq!(
                    mf.msg.body.unwrap_or_default(),
                    &l.message.body[..],
                    "LMM body changed"
                );
            }
        }
    }
});
