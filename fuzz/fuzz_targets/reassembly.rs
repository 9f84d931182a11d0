//! MSRP chunk reassembly: the input is framed, every MSRP message is
//! pushed as a chunk, and every message is joined.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipmsrp::framing::{FrameOptions, Framer, Item};
use sipmsrp::limits::Limits;
use sipmsrp::message::{Message, parse_frame};
use sipmsrp::reassembly::{Reassembler, path_session_key};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_message: 4096,
        max_chunks: 16,
        ..Limits::default()
    };
    let opts = FrameOptions {
        max_message: limits.max_message,
        datagram: false,
        text: false,
    };
    let mut r = Reassembler::new(&limits);
    let mut pushed = 0usize;
    for (i, item) in Framer::new(data, opts).enumerate() {
        let Item::Message(f) = item else { continue };
        let p = parse_frame(data, &f, &limits);
        if let Message::Msrp(n) = &p.message
            && r.push(&path_session_key(&n.msg), &n.msg, i).is_ok()
        {
            pushed += 1;
        }
    }
    let messages = r.len();
    let out = r.finish();
    assert_eq!(out.len(), messages);
    assert!(out.iter().map(|m| m.chunks).sum::<usize>() <= pushed);
    for m in &out {
        assert!(m.body.len() <= limits.max_message, "body over max_message");
        if m.complete {
            assert_eq!(
                m.total,
                Some(m.body.len() as u64),
                "complete but total disagrees"
            );
            assert!(!m.aborted);
        }
    }
});
