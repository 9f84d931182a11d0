//! Framing and full parsing on a generated mix of SIP and MSRP messages,
//! beside a plain memchr scan of the same bytes for CRLFCRLF (the floor).
//!
//! `cargo bench --bench parse` prints MB/s (bytes counter) and items/s.

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use sipmsrp::framing::{FrameOptions, Framer, Item};
use sipmsrp::limits::Limits;
use sipmsrp::message;

fn main() {
    divan::main();
}

const INVITE: &str = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n\
Max-Forwards: 70\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\n\
CSeq: 1 INVITE\r\n\
Contact: <sip:alice@client.atlanta.example.com;transport=tcp>\r\n\
Accept-Contact: *;+g.oma.sip-im\r\n\
User-Agent: IM-client/OMA1.0\r\n\
Supported: timer\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 158\r\n\r\n\
v=0\r\no=alice 2890844526 2890844526 IN IP4 client.atlanta.example.com\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\nm=message 7654 TCP/MSRP *\r\na=accept-types:text/plain\r\n";

const OK: &str = "SIP/2.0 200 OK\r\n\
Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9;received=192.0.2.101\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\n\
CSeq: 1 INVITE\r\n\
Contact: <sip:bob@client.biloxi.example.com;transport=tcp>\r\n\
Content-Length: 0\r\n\r\n";

const MESSAGE: &str = "MESSAGE sip:user2@imserver.com SIP/2.0\r\n\
Via: SIP/2.0/TCP user1pc.imserver.com;branch=z9hG4bK776sgdkse\r\n\
Max-Forwards: 70\r\n\
From: sip:user1@imserver.com;tag=49583\r\n\
To: sip:user2@imserver.com\r\n\
Call-ID: asd88asd77a@1.2.3.4\r\n\
CSeq: 1 MESSAGE\r\n\
Content-Type: text/plain\r\n\
Content-Length: 18\r\n\r\n\
Watson, come here.";

const SEND: &str = "MSRP a786hjs2 SEND\r\n\
To-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp\r\n\
From-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp\r\n\
Message-ID: 87652491\r\n\
Byte-Range: 1-25/25\r\n\
Content-Type: text/plain\r\n\r\n\
Hey Bob, are you there?\r\n\r\n\
-------a786hjs2$\r\n";

const MSRP_OK: &str = "MSRP a786hjs2 200 OK\r\n\
To-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp\r\n\
From-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp\r\n\
-------a786hjs2$\r\n";

/// About `size` bytes of the five messages in turn, and the message count.
fn corpus(size: usize) -> (Vec<u8>, usize) {
    let all = [INVITE, OK, MESSAGE, SEND, MSRP_OK];
    let mut out = Vec::with_capacity(size + 2048);
    let mut n = 0;
    while out.len() < size {
        out.extend_from_slice(all[n % all.len()].as_bytes());
        n += 1;
    }
    (out, n)
}

const SIZE: usize = 8 * 1024 * 1024;

#[divan::bench]
fn memchr_crlfcrlf_floor(b: Bencher) {
    let (data, _) = corpus(SIZE);
    let finder = memchr::memmem::Finder::new(b"\r\n\r\n");
    b.counter(BytesCount::of_slice(&data))
        .bench(|| black_box(finder.find_iter(black_box(&data)).count()));
}

/// The plain way to find CRLFCRLF with memchr: stop at every CR and look at
/// the next three bytes. Every line of a SIP message has a CR, so this visits
/// each line once, which framing must also do (to find Content-Length).
#[divan::bench]
fn memchr_cr_scan_floor(b: Bencher) {
    let (data, _) = corpus(SIZE);
    b.counter(BytesCount::of_slice(&data)).bench(|| {
        let data = black_box(&data[..]);
        memchr::memchr_iter(b'\r', data)
            .filter(|&i| data[i..].starts_with(b"\r\n\r\n"))
            .count()
    });
}

#[divan::bench]
fn framing(b: Bencher) {
    let (data, n) = corpus(SIZE);
    b.counter(BytesCount::of_slice(&data))
        .counter(ItemsCount::new(n))
        .bench(|| {
            // Every item is a message: the corpus holds no junk.
            let count = Framer::new(black_box(&data), FrameOptions::default())
                .map(|i| assert!(matches!(i, Item::Message(_)), "{i:?}"))
                .count();
            assert_eq!(count, n);
            count
        });
}

#[divan::bench]
fn full_parse(b: Bencher) {
    let (data, n) = corpus(SIZE);
    let limits = Limits::default();
    b.counter(BytesCount::of_slice(&data))
        .counter(ItemsCount::new(n))
        .bench(|| {
            let mut headers = 0usize;
            for item in Framer::new(black_box(&data), FrameOptions::default()) {
                if let Item::Message(f) = item {
                    let p = message::parse_frame(&data, &f, &limits);
                    headers += p.message.headers().len();
                }
            }
            black_box(headers)
        });
}

#[divan::bench]
fn typed_headers_on_demand(b: Bencher) {
    let (data, n) = corpus(SIZE);
    let limits = Limits::default();
    b.counter(BytesCount::of_slice(&data))
        .counter(ItemsCount::new(n))
        .bench(|| {
            let mut acc = 0usize;
            for item in Framer::new(black_box(&data), FrameOptions::default()) {
                if let Item::Message(f) = item {
                    let p = message::parse_frame(&data, &f, &limits);
                    if let message::Message::Sip(s) = &p.message {
                        acc += s.msg.call_id().map_or(0, |c| c.len());
                        acc += s.msg.cseq().map_or(0, |c| c.method.len());
                        acc += s.msg.vias().len();
                        acc += s.msg.from().map_or(0, |f| f.uri.len());
                    }
                }
            }
            black_box(acc)
        });
}
