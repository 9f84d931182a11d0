//! An MSRP message parsed whole, with its body tree and accessors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipmsrp::framing::Protocol;
use sipmsrp::limits::Limits;
use sipmsrp::message::{Message, parse_one};
use sipmsrp::msrp::{self, ByteRange, MsrpParseKind, Status};
use sipmsrp::reassembly::{Chunk, path_session_key};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_headers: 64,
        max_depth: 8,
        max_parts: 64,
        ..Limits::default()
    };
    let p = parse_one(data, Protocol::Msrp, false, Vec::new(), &limits);
    for f in &p.findings {
        assert!(
            f.offset <= data.len(),
            "finding {} at {} past the end",
            f.code,
            f.offset
        );
    }
    let Message::Msrp(n) = &p.message else {
        panic!("MSRP input parsed as SIP")
    };
    let m = &n.msg;
    let _ = (m.method(), m.status_code(), m.to_path(), m.from_path());
    let _ = (m.message_id(), m.byte_range(), m.status(), m.content_type());
    let _ = (m.success_report(), m.failure_report(), m.is_last_chunk());
    let _ = path_session_key(m);
    let _ = Chunk::from_msrp(m, 0);
    for h in &m.headers {
        let _ = ByteRange::parse(h.value);
        let _ = Status::parse(h.value);
    }
    let _ = msrp::parse(data, data, MsrpParseKind::Fragment, &limits, "");
});
