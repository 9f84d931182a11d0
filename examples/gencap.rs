//! Write a generated capture of ordinary traffic, for measuring capture
//! streaming (BENCHMARKS.md, "capture streaming"):
//!
//! ```text
//! cargo run --release --example gencap -- OUT.pcap [MEGABYTES] [SEED]
//! ```
//!
//! The mix, in capture order: SIP over UDP (MESSAGE, INVITE and their
//! 200 OK), RTP-like packets, and MSRP over TCP on
//! a few long connections with pipelined SENDs (several in one segment, one
//! message over several segments, chunked messages) and their 200 OKs. Every
//! message is counted and the counts printed on stderr, so a reader can be
//! checked against them. Deterministic for a seed.

use std::io::{BufWriter, Write};
use std::net::SocketAddr;

use sipmsrp::capture::writer::{self as w, PcapWriter, TcpFlow};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("address")
}

fn sip_message(n: u64, body: &str) -> Vec<u8> {
    format!(
        "MESSAGE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.1.0.1:5060;branch=z9hG4bK{n:x}\r\nMax-Forwards: 70\r\nTo: <sip:bob@example.com>\r\nFrom: <sip:alice@example.com>;tag={n:x}a\r\nCall-ID: msg-{n}@10.1.0.1\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn sip_invite(n: u64) -> Vec<u8> {
    let sdp = format!(
        "v=0\r\no=alice 2890844526 2890844526 IN IP4 10.1.0.1\r\ns=-\r\nc=IN IP4 10.1.0.1\r\nt=0 0\r\nm=message 2855 TCP/MSRP *\r\na=accept-types:text/plain message/cpim\r\na=path:msrp://10.1.0.1:2855/s{n:x};tcp\r\n"
    );
    format!(
        "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.1.0.1:5060;branch=z9hG4bKi{n:x}\r\nMax-Forwards: 70\r\nTo: <sip:bob@example.com>\r\nFrom: <sip:alice@example.com>;tag={n:x}i\r\nCall-ID: inv-{n}@10.1.0.1\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@10.1.0.1:5060>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    )
    .into_bytes()
}

fn sip_ok(call_id: &str, method: &str) -> Vec<u8> {
    format!(
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.1.0.1:5060;branch=z9hG4bKx\r\nTo: <sip:bob@example.com>;tag=b0b\r\nFrom: <sip:alice@example.com>;tag=a1\r\nCall-ID: {call_id}\r\nCSeq: 1 {method}\r\nContent-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

fn msrp_send(tid: &str, mid: &str, range: &str, flag: char, body: &[u8]) -> Vec<u8> {
    let mut v = format!(
        "MSRP {tid} SEND\r\nTo-Path: msrp://10.2.0.2:2855/bob;tcp\r\nFrom-Path: msrp://10.2.0.1:2855/alice;tcp\r\nMessage-ID: {mid}\r\nByte-Range: {range}\r\nContent-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    v.extend_from_slice(body);
    v.extend_from_slice(format!("\r\n-------{tid}{flag}\r\n").as_bytes());
    v
}

fn msrp_ok(tid: &str) -> Vec<u8> {
    format!(
        "MSRP {tid} 200 OK\r\nTo-Path: msrp://10.2.0.1:2855/alice;tcp\r\nFrom-Path: msrp://10.2.0.2:2855/bob;tcp\r\n-------{tid}$\r\n"
    )
    .into_bytes()
}

fn text(rng: &mut Rng, min: usize, spread: u64) -> Vec<u8> {
    let len = min + rng.below(spread) as usize;
    const WORDS: [&str; 8] = [
        "hello ",
        "world ",
        "deferred ",
        "message ",
        "store ",
        "chunk ",
        "over ",
        "tcp ",
    ];
    let mut v = Vec::with_capacity(len + 10);
    while v.len() < len {
        v.extend_from_slice(WORDS[rng.below(8) as usize].as_bytes());
    }
    v.truncate(len);
    v
}

#[derive(Default)]
struct Counts {
    sip: u64,
    msrp: u64,
    rtp: u64,
    frames: u64,
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "generated.pcap".to_string());
    let megabytes: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(42);
    let target = megabytes * 1_000_000;
    let file = std::fs::File::create(&out)?;
    let mut pw = PcapWriter::new(BufWriter::with_capacity(1 << 20, file), 1)?;
    let mut rng = Rng(seed | 1);
    let mut c = Counts::default();
    let mut written = 24u64;
    let mut ts = 1_700_000_000u32;
    let mut usec = 0u32;
    let mut put = |pw: &mut PcapWriter<BufWriter<std::fs::File>>,
                   c: &mut Counts,
                   ip: &[u8]|
     -> std::io::Result<u64> {
        let frame = w::eth(ip);
        usec += 200;
        if usec >= 1_000_000 {
            usec -= 1_000_000;
            ts += 1;
        }
        pw.write_packet(ts, usec, &frame)?;
        c.frames += 1;
        Ok(16 + frame.len() as u64)
    };
    let ua = addr("10.1.0.1:5060");
    let proxy = addr("10.1.0.2:5060");
    let mut flows: Vec<TcpFlow> = (0..4)
        .map(|i| {
            TcpFlow::new(
                addr(&format!("10.2.0.1:{}", 40000 + i)),
                addr("10.2.0.2:2855"),
            )
        })
        .collect();
    for f in flows.iter_mut() {
        for p in f.handshake() {
            written += put(&mut pw, &mut c, &p)?;
        }
    }
    let mut n = 0u64;
    let rtp_src = addr("10.3.0.1:16384");
    let rtp_dst = addr("10.3.0.2:16386");
    let mut rtp_seq = 0u16;
    while written < target {
        n += 1;
        // RTP-like: a 12-byte header and 160 bytes of payload, a few per round.
        for _ in 0..6 {
            let mut p = vec![0x80, 0x00];
            p.extend_from_slice(&rtp_seq.to_be_bytes());
            rtp_seq = rtp_seq.wrapping_add(1);
            p.extend_from_slice(&(u32::from(rtp_seq) * 160).to_be_bytes());
            p.extend_from_slice(&0x1234_5678u32.to_be_bytes());
            for _ in 0..20 {
                p.extend_from_slice(&rng.next().to_le_bytes());
            }
            written += put(&mut pw, &mut c, &w::ip_udp(rtp_src, rtp_dst, &p))?;
            c.rtp += 1;
        }
        // SIP over UDP.
        let (req, cid, method) = if n.is_multiple_of(5) {
            (sip_invite(n), format!("inv-{n}@10.1.0.1"), "INVITE")
        } else {
            let body = text(&mut rng, 20, 200);
            (
                sip_message(n, std::str::from_utf8(&body).unwrap_or("x")),
                format!("msg-{n}@10.1.0.1"),
                "MESSAGE",
            )
        };
        written += put(&mut pw, &mut c, &w::ip_udp(ua, proxy, &req))?;
        written += put(
            &mut pw,
            &mut c,
            &w::ip_udp(proxy, ua, &sip_ok(&cid, method)),
        )?;
        c.sip += 2;
        // MSRP over TCP: pipelined SENDs, sometimes one message in chunks.
        let f = &mut flows[(n % 4) as usize];
        let mut stream = Vec::new();
        let mut oks = Vec::new();
        let sends = 1 + rng.below(4);
        for k in 0..sends {
            let tid = format!("t{n:x}k{k}");
            let mid = format!("m{n:x}k{k}");
            if rng.below(4) == 0 {
                let body = text(&mut rng, 3000, 3000);
                let cut = body.len() / 2;
                let total = body.len();
                let a = msrp_send(
                    &format!("{tid}a"),
                    &mid,
                    &format!("1-{cut}/{total}"),
                    '+',
                    &body[..cut],
                );
                let b = msrp_send(
                    &format!("{tid}b"),
                    &mid,
                    &format!("{}-{total}/{total}", cut + 1),
                    '$',
                    &body[cut..],
                );
                stream.extend(a);
                stream.extend(b);
                oks.push(msrp_ok(&format!("{tid}a")));
                oks.push(msrp_ok(&format!("{tid}b")));
                c.msrp += 4;
            } else {
                let body = text(&mut rng, 10, 300);
                let len = body.len();
                stream.extend(msrp_send(&tid, &mid, &format!("1-{len}/{len}"), '$', &body));
                oks.push(msrp_ok(&tid));
                c.msrp += 2;
            }
        }
        for p in f.send(true, &stream, &[1448]) {
            written += put(&mut pw, &mut c, &p)?;
        }
        let oks: Vec<u8> = oks.concat();
        for p in f.send(false, &oks, &[1448]) {
            written += put(&mut pw, &mut c, &p)?;
        }
    }
    for f in flows.iter_mut() {
        let fin = f.fin(true);
        written += put(&mut pw, &mut c, &fin)?;
    }
    pw.into_inner().flush()?;
    eprintln!(
        "{out}: {written} bytes, {} frames: {} SIP messages, {} MSRP messages, {} RTP packets",
        c.frames, c.sip, c.msrp, c.rtp
    );
    Ok(())
}
