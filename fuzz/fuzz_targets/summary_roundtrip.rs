//! Summary canonical form is a fixed point: emit -> parse -> emit gives the
//! same bytes, from a parsed body and from a JSON document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipmsrp::limits::Limits;
use sipmsrp::summary::{self, SummaryDoc};

fn reparse(emitted: &str) -> String {
    let limits = Limits::default();
    let (view, findings) = summary::parse_with(emitted.as_bytes(), emitted.as_bytes(), &limits);
    let doc = view.to_doc().unwrap_or_else(|f| {
        panic!("canonical body does not parse back: {f:?}\n{emitted:?}\n{findings:?}")
    });
    summary::emit_body(&doc)
}

fuzz_target!(|data: &[u8]| {
    // From a body.
    let (view, _) = summary::parse_with(data, data, &Limits::default());
    if let Ok(doc) = view.to_doc() {
        let e1 = summary::emit_body(&doc);
        let e2 = reparse(&e1);
        assert_eq!(e1, e2, "emit -> parse -> emit changed the body");
    }
    // From a JSON document that validates.
    if let Ok(doc) = serde_json::from_slice::<SummaryDoc>(data)
        && doc.validate().is_ok()
    {
        let e1 = summary::emit_body(&doc);
        let e2 = reparse(&e1);
        assert_eq!(
            e1, e2,
            "emit -> parse -> emit changed the body (JSON input)"
        );
    }
});
