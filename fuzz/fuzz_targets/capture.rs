//! The pcap/pcapng reader over arbitrary bytes: link layers, IP
//! defragmentation, UDP/TCP/SCTP/HEP/WebSocket, framing.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use sipmsrp::capture::{CaptureOptions, CaptureReader, Event};
use sipmsrp::limits::Limits;

fuzz_target!(|data: &[u8]| {
    let opts = CaptureOptions {
        limits: Limits {
            max_message: 64 * 1024,
            max_flow_bytes: 256 * 1024,
            max_total_flow_bytes: 1024 * 1024,
            max_fragment_bytes: 256 * 1024,
            ..Limits::default()
        },
        force_ports: if data.len().is_multiple_of(2) {
            vec![5060]
        } else {
            Vec::new()
        },
    };
    let Ok(reader) = CaptureReader::new(Cursor::new(data), opts) else {
        return;
    };
    for ev in reader {
        match ev {
            Ok(Event::Message(m)) => {
                assert!(m.bytes.len() <= 64 * 1024 + 4, "message over max_message");
                for f in &m.findings {
                    assert!(f.offset <= m.bytes.len());
                }
            }
            Ok(Event::Finding { .. }) => {}
            Err(_) => {}
        }
    }
});
