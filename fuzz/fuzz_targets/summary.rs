//! RFC 3842 message-summary bodies: the zero-copy view, its findings, and
//! the owned document it converts to.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipmsrp::limits::Limits;
use sipmsrp::summary;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_headers: 64,
        max_parts: 64,
        max_header_line: 4096,
        ..Limits::default()
    };
    let (view, findings) = summary::parse_with(data, data, &limits);
    for f in &findings {
        assert!(
            f.offset <= data.len(),
            "finding {} at {} past the end",
            f.code,
            f.offset
        );
    }
    assert!(view.blocks.len() <= limits.max_parts);
    let _ = (view.waiting(), view.computed_waiting(), view.is_complete());
    for b in &view.blocks {
        let _ = b.message_id();
        for h in &b.headers {
            let _ = h.text();
        }
    }
    for l in &view.lines {
        let _ = summary::parse_counts(l.field.value);
    }
    if let Ok(doc) = view.to_doc() {
        let _ = doc.validate();
        let _ = summary::emit_body(&doc);
        let _ = (doc.summary_lines(), doc.waiting(), doc.canonical());
    }
});
