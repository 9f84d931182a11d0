//! message/sipfrag (RFC 3420): any subset of a SIP message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipmsrp::body::{self, BodyKind, Ctx};
use sipmsrp::limits::Limits;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_headers: 64,
        max_depth: 8,
        max_parts: 64,
        ..Limits::default()
    };
    let mut findings = Vec::new();
    let mut ctx = Ctx::new(data, &limits, &mut findings);
    let b = body::parse(&mut ctx, data, Some(b"message/sipfrag"), 0, "");
    if !data.is_empty() {
        let BodyKind::Sip(n) = &b.kind else {
            panic!("message/sipfrag not parsed as SIP")
        };
        assert!(n.fragment);
        // Start line, headers and body partition the fragment in order.
        let m = &n.msg;
        assert_eq!(m.raw, data);
        let body_at = m.body.as_ptr() as usize - data.as_ptr() as usize;
        assert_eq!(
            body_at + m.body.len(),
            data.len(),
            "the body is not the tail"
        );
        let _ = (m.call_id(), m.cseq(), m.from(), m.to(), m.status_code());
    }
    for f in &findings {
        assert!(f.offset <= data.len());
    }
});
