//! A SIP message parsed whole (framing already done), with its body tree,
//! and every accessor a caller may use on the result.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipmsrp::framing::Protocol;
use sipmsrp::limits::Limits;
use sipmsrp::message::{Message, parse_one};
use sipmsrp::sip::{self, SipKind};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_headers: 64,
        max_depth: 8,
        max_parts: 64,
        ..Limits::default()
    };
    let p = parse_one(data, Protocol::Sip, false, Vec::new(), &limits);
    for f in &p.findings {
        assert!(
            f.offset <= data.len(),
            "finding {} at {} past the end",
            f.code,
            f.offset
        );
    }
    let Message::Sip(n) = &p.message else {
        panic!("SIP input parsed as MSRP")
    };
    let m = &n.msg;
    assert!(m.headers.len() <= limits.max_headers);
    let _ = (m.method(), m.request_uri(), m.status_code(), m.call_id());
    let _ = (m.cseq(), m.from(), m.to(), m.vias(), m.content_type());
    let _ = (m.content_length(), m.max_forwards(), m.date(), m.subject());
    let _ = (
        m.priority(),
        m.privacy(),
        m.wants_anonymity(),
        m.asserted_identities(),
    );
    for h in &m.headers {
        let _ = (h.unfolded(), h.text(), h.values());
        let _ = sip::parse_name_addr(h.value);
        let _ = sip::parse_via(h.value);
    }
    let _ = sip::parse(data, data, SipKind::Fragment, &limits, "");
});
