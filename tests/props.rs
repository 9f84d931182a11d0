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

// ---------------------------------------------------------------------------
// The Scanner (used by Framer, TCP reassembly and datagrams) takes the same
// steps as the plain `framing::next`, whole or in segments: it only saves
// searching the same bytes again.

/// Pieces that stress the searches the scanner remembers: start lines,
/// end-lines of the same and other ids (complete or cut), empty lines in
/// both line-end styles, Content-Length, blanks, junk.
fn stream_piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(vec![
            &b"MSRP abcd SEND\r\n"[..],
            b"MSRP abce SEND\n",
            b"MSRP a+b SEND\r\n",
            b"MSRP abcd 200 OK\r\n",
            b"INVITE sip:a@b SIP/2.0\r\n",
            b"SIP/2.0 200 OK\n",
            b"MESSAGE sip:x SIP/2.0\r\n",
            b"-------abcd$\r\n",
            b"-------abcd+\n",
            b"-------abce#\r\n",
            b"-------a+b+\r\n",
            b"-------a+b$",
            b"-------abc",
            b"-------",
            b"d$\r\n",
            b"\r\n",
            b"\n",
            b"\r",
            b"\r\n\r\n",
            b"\n\r\n",
            b"Content-Length: 4\r\n",
            b"l: 30\n",
            b"Content-Length: 999\r\n",
            b"X: y\r\n",
            b"  \t ",
            b"body text ",
            b"\x00\xff",
        ])
        .prop_map(<[u8]>::to_vec),
        prop::collection::vec(any::<u8>(), 1..8),
    ]
}

fn stream() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(stream_piece(), 0..40).prop_map(|v| v.concat())
}

/// Whole-buffer framing with the plain function, as Framer did before the scanner.
fn plain_items(data: &[u8], opts: &FrameOptions) -> Vec<Item> {
    use sipmsrp::framing::{Step, next};
    let mut items = Vec::new();
    let mut pos = 0;
    loop {
        match next(&data[pos..], true, opts) {
            Step::End | Step::NeedMore => break,
            Step::KeepAlive { len } => pos += len,
            Step::Junk { len } => {
                items.push(Item::Junk {
                    start: pos,
                    end: pos + len,
                });
                pos += len;
            }
            Step::Message(mut f) => {
                let base = pos;
                f.start += base;
                f.end += base;
                for x in &mut f.findings {
                    x.offset += base;
                }
                pos = f.end.max(base + 1);
                items.push(Item::Message(f));
            }
        }
    }
    items
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn framer_matches_plain_framing(data in stream(), max in prop::sample::select(vec![16usize, 64, 1 << 20])) {
        let opts = FrameOptions { max_message: max, datagram: false, text: false };
        let scanned: Vec<Item> = Framer::new(&data, opts.clone()).collect();
        prop_assert_eq!(scanned, plain_items(&data, &opts));
    }

    #[test]
    fn streaming_scanner_matches_plain_next(
        data in stream(),
        sizes in prop::collection::vec(1usize..24, 1..8),
        max in prop::sample::select(vec![16usize, 64, 1 << 20]),
        text in any::<bool>(),
    ) {
        use sipmsrp::framing::{Scanner, Step, next};
        let opts = FrameOptions { max_message: max, datagram: false, text };
        let mut scanner = Scanner::new(opts.clone());
        let (mut pos, mut avail, mut i) = (0usize, 0usize, 0usize);
        let mut guard = 0;
        loop {
            guard += 1;
            prop_assert!(guard < 10 * data.len() + 100);
            let at_eof = avail == data.len();
            let buf = &data[pos..avail];
            let want = next(buf, at_eof, &opts);
            let got = scanner.next(buf, pos, at_eof);
            prop_assert_eq!(&got, &want, "at {}..{} eof {}", pos, avail, at_eof);
            match got {
                Step::End if at_eof => break,
                Step::End | Step::NeedMore => {
                    if at_eof {
                        break;
                    }
                    avail = (avail + sizes[i % sizes.len()]).min(data.len());
                    i += 1;
                }
                Step::KeepAlive { len } | Step::Junk { len } => pos += len.max(1),
                Step::Message(f) => pos += f.end.max(1),
            }
        }
    }
}

/// Pieces of text input: the stream pieces plus messages pasted with
/// indentation (blanks and U+00A0), and whitespace-only lines.
fn text_piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => stream_piece(),
        1 => prop::sample::select(vec![
            &b"   MESSAGE sip:a@b SIP/2.0\r\n   l: 2\r\n\r\n   hi"[..],
            b"  INVITE sip:a@b SIP/2.0\n    To: <sip:a@b>\n",
            "\u{a0}\u{a0} MSRP abcd SEND\n\u{a0}\u{a0} To-Path: x\n".as_bytes(),
            b"   \r\n",
            b" \n",
            b"  SIP/2.0/UDP host\r\n",
        ])
        .prop_map(<[u8]>::to_vec),
    ]
}

#[path = "support/text.rs"]
mod text;
use text::{streamed_text, whole_text};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// Text read in pieces of any size frames exactly as the whole text:
    /// same messages and junk at the same original offsets, same findings.
    #[test]
    fn text_stream_matches_whole_text(
        pieces in prop::collection::vec(text_piece(), 0..40),
        sizes in prop::collection::vec(1usize..40, 1..6),
    ) {
        let data = pieces.concat();
        let max = 1 << 20;
        prop_assert_eq!(streamed_text(&data, sizes, max), whole_text(&data, max));
    }

    /// Past the message limit the whole text may look further ahead than a
    /// stream holds (a header block's end anywhere after it), so the two
    /// may cut differently there; the stream still covers the input in
    /// order and ends.
    #[test]
    fn text_stream_within_the_limit(
        pieces in prop::collection::vec(text_piece(), 0..40),
        sizes in prop::collection::vec(1usize..40, 1..6),
    ) {
        let data = pieces.concat();
        let max = 64;
        let mut at = 0;
        for (_, start, len, _) in streamed_text(&data, sizes, max) {
            prop_assert!(start >= at, "items in order: {} after {}", start, at);
            prop_assert!(start + len <= data.len());
            at = start + len;
        }
    }
}
