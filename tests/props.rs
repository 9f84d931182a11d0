//! Property tests of the parsing core.

use proptest::prelude::*;
use sipmsrp::framing::{FrameOptions, Framer, Item, Protocol};
use sipmsrp::limits::Limits;
use sipmsrp::message;

/// A generated message: its bytes and its protocol.
fn sip_message() -> impl Strategy<Value = (Vec<u8>, Protocol)> {
    (
        prop::sample::select(vec!["INVITE", "MESSAGE", "BYE", "OPTIONS", "NOTIFY"]),
        "[a-z0-9]{1,12}",
        prop::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,10}", "[ -~]{0,30}"), 0..6),
        prop::collection::vec(any::<u8>(), 0..200),
        any::<bool>(),
    )
        .prop_map(|(method, id, headers, body, compact)| {
            let mut m = format!("{method} sip:{id}@example.com SIP/2.0\r\nCall-ID: {id}\r\n");
            for (n, v) in headers {
                // Keep generated names clear of the framing headers.
                m.push_str(&format!("X-{n}: {}\r\n", v.trim()));
            }
            let cl = if compact { "l" } else { "Content-Length" };
            m.push_str(&format!("{cl}: {}\r\n\r\n", body.len()));
            let mut bytes = m.into_bytes();
            bytes.extend_from_slice(&body);
            (bytes, Protocol::Sip)
        })
}

fn msrp_message() -> impl Strategy<Value = (Vec<u8>, Protocol)> {
    (
        "[a-zA-Z0-9]{4,16}",
        "[ -~]{0,100}",
        prop::sample::select(vec!['$', '+', '#']),
    )
        .prop_map(|(tid, body, flag)| {
            let body = if body.contains("-------") { String::new() } else { body };
            let m = format!(
                "MSRP {tid} SEND\r\nTo-Path: msrp://a.example.com:2855/s;tcp\r\nFrom-Path: msrp://b.example.com:2855/t;tcp\r\nMessage-ID: m{tid}\r\nByte-Range: 1-{n}/{n}\r\nContent-Type: text/plain\r\n\r\n{body}\r\n-------{tid}{flag}\r\n",
                n = body.len()
            );
            (m.into_bytes(), Protocol::Msrp)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..2048)) {
        let limits = Limits::default();
        for item in Framer::new(&data, FrameOptions::default()) {
            if let Item::Message(f) = item {
                prop_assert!(f.start < f.end && f.end <= data.len());
                let _ = message::parse_frame(&data, &f, &limits);
            }
        }
    }

    #[test]
    fn mutated_messages_never_panic(
        (msg, _) in prop_oneof![sip_message(), msrp_message()],
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut data = msg;
        for (i, b) in flips {
            let at = i.index(data.len());
            data[at] = b;
        }
        let limits = Limits::default();
        for item in Framer::new(&data, FrameOptions::default()) {
            if let Item::Message(f) = item {
                let _ = message::parse_frame(&data, &f, &limits);
            }
        }
    }

    #[test]
    fn concatenated_messages_frame_back_exactly(
        msgs in prop::collection::vec(prop_oneof![sip_message(), msrp_message()], 1..12),
        keepalive in prop::collection::vec(any::<bool>(), 12),
    ) {
        let mut data = Vec::new();
        for (i, (m, _)) in msgs.iter().enumerate() {
            if keepalive[i] {
                data.extend_from_slice(b"\r\n\r\n");
            }
            data.extend_from_slice(m);
        }
        let items: Vec<_> = Framer::new(&data, FrameOptions::default()).collect();
        prop_assert_eq!(items.len(), msgs.len());
        for (item, (m, p)) in items.iter().zip(&msgs) {
            match item {
                Item::Message(f) => {
                    prop_assert_eq!(&data[f.start..f.end], &m[..]);
                    prop_assert_eq!(f.protocol, *p);
                    prop_assert!(!f.truncated);
                }
                Item::Junk { .. } => prop_assert!(false, "junk in valid input"),
            }
        }
    }
}
