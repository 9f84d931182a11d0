//! depcmp: sipmsrp's hand-written code against the three crates it declares
//! but does not use, measured on the same in-memory inputs.
//!
//! 1. Capture reading. A ~100 MB classic pcap and the same frames as pcapng,
//!    Ethernet/IPv4/UDP carrying RTP-like binary payloads (never SIP), so
//!    every frame costs record reading + link/IP/UDP decoding + a quick
//!    rejection of the payload and nothing else. Compared:
//!    - sipmsrp `CaptureReader` over a `Cursor` (its whole path, events counted);
//!    - pcap-parser's streaming readers (`LegacyPcapReader`, `PcapNGReader`:
//!      the documented `next`/`consume`/`refill` loop over a `Read`, as
//!      sipmsrp reads stdin and files) and its zero-copy slice iterators
//!      (`LegacyPcapSlice`, `PcapNGSlice`: the whole file in memory), each
//!      with records alone, + etherparse `SlicedPacket` (strict) or
//!      `LaxSlicedPacket` down to the UDP payload, and + a copy of sipmsrp's
//!      datagram pre-check (what an adopted path would still have to do).
//! 2. User-part escaping. 1,000,000 generated user strings: sipmsrp
//!    `uri::escape_user` / `uri::unescape` against percent-encoding
//!    `utf8_percent_encode` with an `AsciiSet` for the RFC 3261 `user` rule
//!    and `percent_decode`. The outputs are compared for every string first;
//!    disagreements are reported, not hidden.
//!
//! Fixed seed, no files, no network. Every timing is the best of 5 runs,
//! taken round robin over the jobs of a section (fairer on a shared
//! machine), and every run's result is checked against what the generator
//! wrote. The slice iterators are slower than the streaming readers here:
//! stepping from record header to record header through 100 MB is one cache
//! miss per frame (perf puts >90% of `LegacyPcapSlice::next` on the load of
//! the record length), while the streaming reader copies sequentially.
//!
//! Run from the repository root:
//!   cargo run --release --manifest-path benches/compare/deps/Cargo.toml

use std::borrow::Cow;
use std::fmt::Debug;
use std::hint::black_box;
use std::io::Cursor;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use etherparse::{LaxSlicedPacket, SlicedPacket, TransportSlice};
use memchr::memmem;
use pcap_parser::traits::{PcapNGPacketBlock, PcapReaderIterator};
use pcap_parser::{
    Block, LegacyPcapReader, LegacyPcapSlice, Linktype, PcapBlockOwned, PcapError, PcapNGReader,
    PcapNGSlice,
};
use percent_encoding::{
    AsciiSet, NON_ALPHANUMERIC, percent_decode, percent_encode, utf8_percent_encode,
};
use sipmsrp::capture::{CaptureOptions, CaptureReader, Event, writer};

const SEED: u64 = 0x5EED_D3B5_0000_0001;
/// Size of the classic pcap (the pcapng holds the same frames, a little larger).
const CAPTURE_BYTES: usize = 100_000_000;
const RUNS: usize = 5;
const STRINGS: usize = 1_000_000;
/// Buffer of pcap-parser's streaming readers: sipmsrp's `BufReader` size.
const STREAM_BUF: usize = 256 * 1024;
/// Ethernet II + IPv4 (no options) + UDP.
const HEADERS: usize = 14 + 20 + 8;

// ---------------------------------------------------------------------------
// Deterministic generator (splitmix64; no crate, so the stream never changes).

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[self.below(v.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------------------
// Timing

/// A timed job: a label and the work, which returns a checkable result.
type Job<'a, T> = (String, Box<dyn Fn() -> T + 'a>);

/// Runs every job `RUNS` times, round robin (so a burst of load on a shared
/// machine hits all jobs alike rather than one), and keeps each job's best
/// wall time. Every run of a job must return the same result.
fn best_of_round_robin<T: PartialEq + Debug>(jobs: &[Job<'_, T>]) -> Vec<(Duration, T)> {
    let mut best: Vec<(Duration, Option<T>)> = jobs.iter().map(|_| (Duration::MAX, None)).collect();
    for _ in 0..RUNS {
        for ((label, f), (b, first)) in jobs.iter().zip(best.iter_mut()) {
            let t = Instant::now();
            let r = black_box(f());
            *b = (*b).min(t.elapsed());
            match first {
                None => *first = Some(r),
                Some(x) => assert_eq!(*x, r, "runs of {label} disagree"),
            }
        }
    }
    best.into_iter()
        .map(|(d, r)| (d, r.expect("RUNS > 0")))
        .collect()
}

// ---------------------------------------------------------------------------
// 1. Capture reading

/// What the generator wrote, to check every reader against.
struct Capture {
    pcap: Vec<u8>,
    pcapng: Vec<u8>,
    frames: u64,
    /// Sum of the frames' lengths (what record reading alone yields).
    frame_bytes: u64,
    /// Sum of the UDP payload lengths (what link/IP/UDP decoding yields).
    udp_bytes: u64,
}

/// Ethernet/IPv4/UDP frames with RTP-like payloads: half 214-byte frames
/// (G.711 at 20 ms: 12-byte RTP header + 160 bytes), half uniform in
/// 60..=1400 bytes; 64 streams interleaved, timestamps 1..400 us apart.
fn gen_capture(rng: &mut Rng) -> Capture {
    let mut pcap = writer::PcapWriter::new(
        Vec::with_capacity(CAPTURE_BYTES + 4096),
        writer::LINKTYPE_ETHERNET,
    )
    .expect("pcap header");
    let mut ng = writer::PcapNgWriter::new(Vec::with_capacity(CAPTURE_BYTES + CAPTURE_BYTES / 8))
        .expect("pcapng header");
    let iface = ng
        .add_interface(writer::LINKTYPE_ETHERNET as u16, None)
        .expect("idb");
    struct Stream {
        src: SocketAddr,
        dst: SocketAddr,
        ssrc: u32,
        seq: u16,
        ts: u32,
        pt: u8,
    }
    let mut streams: Vec<Stream> = (0..64u16)
        .map(|i| Stream {
            src: SocketAddr::V4(SocketAddrV4::new(
                Ipv4Addr::new(10, 0, (i >> 4) as u8, i as u8 + 1),
                20_000 + 2 * i,
            )),
            dst: SocketAddr::V4(SocketAddrV4::new(
                Ipv4Addr::new(10, 1, 0, i as u8 + 1),
                30_000 + 2 * i,
            )),
            ssrc: rng.next() as u32,
            seq: rng.next() as u16,
            ts: rng.next() as u32,
            pt: if i % 4 == 0 { 96 } else { 0 },
        })
        .collect();
    let (mut frames, mut frame_bytes, mut udp_bytes) = (0u64, 0u64, 0u64);
    let mut written = 24usize;
    let mut t_us: u64 = 1_700_000_000_000_000;
    let mut payload = Vec::with_capacity(1400);
    while written < CAPTURE_BYTES {
        let s = &mut streams[rng.below(64) as usize];
        let frame_len = if rng.below(2) == 0 {
            214
        } else {
            60 + rng.below(1400 - 60 + 1) as usize
        };
        let plen = frame_len - HEADERS;
        payload.clear();
        payload.extend_from_slice(&[0x80, s.pt]); // RTP v2, no padding/extension/CSRC
        payload.extend_from_slice(&s.seq.to_be_bytes());
        payload.extend_from_slice(&s.ts.to_be_bytes());
        payload.extend_from_slice(&s.ssrc.to_be_bytes());
        while payload.len() < plen {
            payload.extend_from_slice(&rng.next().to_le_bytes());
        }
        payload.truncate(plen);
        s.seq = s.seq.wrapping_add(1);
        s.ts = s.ts.wrapping_add(160);
        let frame = writer::eth(&writer::ip_udp(s.src, s.dst, &payload));
        assert_eq!(frame.len(), frame_len);
        pcap.write_packet((t_us / 1_000_000) as u32, (t_us % 1_000_000) as u32, &frame)
            .expect("write");
        ng.write_packet(iface, t_us, &frame).expect("write");
        frames += 1;
        frame_bytes += frame_len as u64;
        udp_bytes += plen as u64;
        written += 16 + frame_len;
        t_us += 1 + rng.below(400);
    }
    Capture {
        pcap: pcap.into_inner(),
        pcapng: ng.into_inner(),
        frames,
        frame_bytes,
        udp_bytes,
    }
}

/// A capture row: label, the reader run on one input, the result it must give.
type Row<'a> = (&'a str, Box<dyn Fn() -> Out + 'a>, Out);

/// A reader's result: items seen (frames, or sipmsrp events) and a byte sum.
#[derive(Debug, Default, PartialEq, Clone, Copy)]
struct Out {
    items: u64,
    bytes: u64,
}

/// sipmsrp's whole path: records, link, IP, UDP, payload rejection.
fn sipmsrp_capture(bytes: &[u8]) -> Out {
    let mut out = Out::default();
    for ev in CaptureReader::new(Cursor::new(bytes), CaptureOptions::default()).expect("capture") {
        if let Event::Message(m) = black_box(ev.expect("capture read")) {
            out.bytes += m.bytes.len() as u64;
        }
        out.items += 1;
    }
    out
}

/// pcap-parser's streaming reader over a `Read`, the loop its docs give.
fn pp_stream_pcap(bytes: &[u8], per_frame: impl Fn(&[u8]) -> usize) -> Out {
    let mut r = LegacyPcapReader::new(STREAM_BUF, Cursor::new(bytes)).expect("pcap header");
    let mut linktype = Linktype(-1);
    let mut out = Out::default();
    loop {
        match r.next() {
            Ok((len, block)) => {
                match block {
                    PcapBlockOwned::LegacyHeader(h) => linktype = h.network,
                    PcapBlockOwned::Legacy(b) => {
                        assert_eq!(linktype, Linktype::ETHERNET);
                        out.items += 1;
                        out.bytes += per_frame(b.data) as u64;
                    }
                    PcapBlockOwned::NG(_) => unreachable!("NG block in a legacy pcap"),
                }
                r.consume(len);
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => r.refill().expect("refill"),
            Err(e) => panic!("pcap-parser: {e:?}"),
        }
    }
    out
}

/// pcap-parser's pcapng streaming reader; tracks each section's interfaces
/// for the linktype, as any correct pcapng reader must.
fn pp_stream_pcapng(bytes: &[u8], per_frame: impl Fn(&[u8]) -> usize) -> Out {
    let mut r = PcapNGReader::new(STREAM_BUF, Cursor::new(bytes)).expect("pcapng header");
    let mut ifaces: Vec<Linktype> = Vec::new();
    let mut out = Out::default();
    loop {
        match r.next() {
            Ok((len, block)) => {
                match block {
                    PcapBlockOwned::NG(Block::SectionHeader(_)) => ifaces.clear(),
                    PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                        ifaces.push(idb.linktype)
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                        assert_eq!(ifaces.get(epb.if_id as usize), Some(&Linktype::ETHERNET));
                        out.items += 1;
                        out.bytes += per_frame(epb.packet_data()) as u64;
                    }
                    _ => {}
                }
                r.consume(len);
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => r.refill().expect("refill"),
            Err(e) => panic!("pcap-parser: {e:?}"),
        }
    }
    out
}

/// pcap-parser's zero-copy iterator over the whole file in memory. (It
/// parses records as little-endian only; the generated file is.)
fn pp_slice_pcap(bytes: &[u8], per_frame: impl Fn(&[u8]) -> usize) -> Out {
    let it = LegacyPcapSlice::from_slice(bytes).expect("pcap header");
    assert_eq!(it.header.network, Linktype::ETHERNET);
    let mut out = Out::default();
    for b in it {
        if let PcapBlockOwned::Legacy(b) = b.expect("pcap-parser") {
            out.items += 1;
            out.bytes += per_frame(b.data) as u64;
        }
    }
    out
}

fn pp_slice_pcapng(bytes: &[u8], per_frame: impl Fn(&[u8]) -> usize) -> Out {
    let mut ifaces: Vec<Linktype> = Vec::new();
    let mut out = Out::default();
    for b in PcapNGSlice::from_slice(bytes).expect("pcapng header") {
        match b.expect("pcap-parser") {
            PcapBlockOwned::NG(Block::SectionHeader(_)) => ifaces.clear(),
            PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => ifaces.push(idb.linktype),
            PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                assert_eq!(ifaces.get(epb.if_id as usize), Some(&Linktype::ETHERNET));
                out.items += 1;
                out.bytes += per_frame(epb.packet_data()) as u64;
            }
            _ => {}
        }
    }
    out
}

/// Per-frame work: nothing beyond the record (its length).
fn records_only(frame: &[u8]) -> usize {
    black_box(frame).len()
}

/// etherparse, strict: Ethernet (VLANs), IPv4/IPv6 (+ extensions), UDP.
fn udp_strict(frame: &[u8]) -> Option<&[u8]> {
    match SlicedPacket::from_ethernet(frame).ok()?.transport? {
        TransportSlice::Udp(u) => Some(u.payload()),
        _ => None,
    }
}

/// etherparse, lax: tolerates lengths that disagree (like sipmsrp does).
fn udp_lax(frame: &[u8]) -> Option<&[u8]> {
    match LaxSlicedPacket::from_ethernet(frame).ok()?.transport? {
        TransportSlice::Udp(u) => Some(u.payload()),
        _ => None,
    }
}

fn strict_len(frame: &[u8]) -> usize {
    udp_strict(frame).map_or(0, |p| black_box(p).len())
}

fn lax_len(frame: &[u8]) -> usize {
    udp_lax(frame).map_or(0, |p| black_box(p).len())
}

/// etherparse + the payload pre-check sipmsrp runs on every datagram: an
/// adopted path would keep it, so this is the like-for-like row.
fn strict_precheck_len(frame: &[u8]) -> usize {
    match udp_strict(frame) {
        Some(p) => {
            assert!(!may_hold_message(p), "generated payload looks like SIP");
            p.len()
        }
        None => 0,
    }
}

/// Copy of `may_hold_message` in src/capture/mod.rs (private there): does a
/// datagram possibly hold SIP or MSRP? A token then a space at the start,
/// "SIP/" at the start, or "SIP/2.0" / "MSRP " anywhere.
fn may_hold_message(d: &[u8]) -> bool {
    static SIP: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new(b"SIP/2.0"));
    static MSRP: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new(b"MSRP "));
    let s = d
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
        .unwrap_or(d.len());
    let t = &d[s..];
    let n = t
        .iter()
        .take(64)
        .take_while(|&&b| sipmsrp::chars::is_token(b))
        .count();
    if n > 0 && t.get(n) == Some(&b' ') {
        return true;
    }
    if t.len() >= 4 && t[..4].eq_ignore_ascii_case(b"SIP/") {
        return true;
    }
    SIP.find(d).is_some() || MSRP.find(d).is_some()
}

/// The generated frames are decodable by sipmsrp's path: one SIP OPTIONS
/// built the same way comes out as one message (so the big run's zero
/// events means "rejected", not "never reached").
fn sanity_sipmsrp_reaches_udp() {
    let sip = b"OPTIONS sip:bob@example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP 10.0.0.1:20000;branch=z9hG4bK776asdhds\r\n\
Max-Forwards: 70\r\nTo: <sip:bob@example.com>\r\n\
From: <sip:alice@example.com>;tag=1928301774\r\nCall-ID: a84b4c76e66710\r\n\
CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    let a: SocketAddr = "10.0.0.1:20000".parse().unwrap();
    let b: SocketAddr = "10.1.0.1:30000".parse().unwrap();
    let mut w = writer::PcapWriter::new(Vec::new(), writer::LINKTYPE_ETHERNET).unwrap();
    w.write_packet(1, 0, &writer::eth(&writer::ip_udp(a, b, sip)))
        .unwrap();
    let bytes = w.into_inner();
    let msgs = CaptureReader::new(Cursor::new(&bytes), CaptureOptions::default())
        .unwrap()
        .filter(|e| matches!(e, Ok(Event::Message(_))))
        .count();
    assert_eq!(msgs, 1, "sipmsrp did not frame the sanity SIP datagram");
    assert_eq!(
        udp_strict(&writer::eth(&writer::ip_udp(a, b, sip))),
        Some(&sip[..])
    );
}

fn capture_section() {
    let mut rng = Rng(SEED);
    let t = Instant::now();
    let cap = gen_capture(&mut rng);
    eprintln!(
        "generated {} frames: pcap {} bytes, pcapng {} bytes ({:.1} s)",
        cap.frames,
        cap.pcap.len(),
        cap.pcapng.len(),
        t.elapsed().as_secs_f64()
    );
    sanity_sipmsrp_reaches_udp();

    let recs = Out {
        items: cap.frames,
        bytes: cap.frame_bytes,
    };
    let udp = Out {
        items: cap.frames,
        bytes: cap.udp_bytes,
    };
    let none = Out { items: 0, bytes: 0 };

    println!(
        "## Capture reading: {} Ethernet/IPv4/UDP frames, RTP-like payloads, best of {RUNS}\n",
        cap.frames
    );
    println!("| input | reader | time | MB/s | ns/frame | result |");
    println!("| --- | --- | ---: | ---: | ---: | --- |");
    let mut jobs: Vec<Job<'_, Out>> = Vec::new();
    let mut want: Vec<(&str, usize, Out)> = Vec::new();
    for (name, bytes) in [("pcap", &cap.pcap[..]), ("pcapng", &cap.pcapng[..])] {
        let ng = name == "pcapng";
        let stream = move |b: &[u8], f: fn(&[u8]) -> usize| {
            if ng {
                pp_stream_pcapng(b, f)
            } else {
                pp_stream_pcap(b, f)
            }
        };
        let slice = move |b: &[u8], f: fn(&[u8]) -> usize| {
            if ng {
                pp_slice_pcapng(b, f)
            } else {
                pp_slice_pcap(b, f)
            }
        };
        let rows: Vec<Row<'_>> = vec![
            (
                "sipmsrp CaptureReader (whole path)",
                Box::new(move || sipmsrp_capture(bytes)),
                none,
            ),
            (
                "pcap-parser stream: records only",
                Box::new(move || stream(bytes, records_only)),
                recs,
            ),
            (
                "pcap-parser stream + etherparse SlicedPacket",
                Box::new(move || stream(bytes, strict_len)),
                udp,
            ),
            (
                "pcap-parser stream + etherparse LaxSlicedPacket",
                Box::new(move || stream(bytes, lax_len)),
                udp,
            ),
            (
                "pcap-parser stream + SlicedPacket + sipmsrp pre-check",
                Box::new(move || stream(bytes, strict_precheck_len)),
                udp,
            ),
            (
                "pcap-parser slice: records only",
                Box::new(move || slice(bytes, records_only)),
                recs,
            ),
            (
                "pcap-parser slice + etherparse SlicedPacket",
                Box::new(move || slice(bytes, strict_len)),
                udp,
            ),
        ];
        for (label, f, w) in rows {
            jobs.push((format!("{name}: {label}"), f));
            want.push((name, bytes.len(), w));
        }
    }
    for ((d, got), ((label, _), (name, len, w))) in best_of_round_robin(&jobs)
        .into_iter()
        .zip(jobs.iter().zip(want))
    {
        let label = label.split_once(": ").map_or(&label[..], |x| x.1);
        let ok = if got == w {
            "ok".to_string()
        } else {
            format!("**MISMATCH** {got:?} != {w:?}")
        };
        let s = d.as_secs_f64();
        println!(
            "| {name} {:.1} MB | {label} | {:.1} ms | {:.0} | {:.1} | {} |",
            len as f64 / 1e6,
            s * 1e3,
            len as f64 / 1e6 / s,
            s * 1e9 / cap.frames as f64,
            if label.starts_with("sipmsrp") {
                format!("{} events; {ok}", got.items)
            } else {
                ok
            },
        );
    }
    println!();
}

// ---------------------------------------------------------------------------
// 2. User-part escaping

/// RFC 3261 `user` = 1*( unreserved / escaped / user-unreserved ):
/// everything that is not alphanumeric, `mark` or `user-unreserved` is
/// escaped (non-ASCII always is). The byte table check below proves it
/// equals `sipmsrp::chars::is_user_char`.
const USER: &AsciiSet = &NON_ALPHANUMERIC
    // mark
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    // user-unreserved
    .remove(b'&')
    .remove(b'=')
    .remove(b'+')
    .remove(b'$')
    .remove(b',')
    .remove(b';')
    .remove(b'?')
    .remove(b'/');

/// 40% plain users (telephone numbers, names: nothing to escape), 60% mixes
/// of unreserved, mark, user-unreserved, `@`, space, `%`, other reserved or
/// unsafe ASCII and UTF-8.
fn gen_user(rng: &mut Rng) -> String {
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const MARK: &[u8] = b"-_.!~*'()";
    const USER_UNRESERVED: &[u8] = b"&=+$,;?/";
    const OTHER: &[u8] = b":#<>\"[]{}|\\^`";
    const UTF8: &[&str] = &["é", "ü", "ñ", "ß", "ø", "中", "日", "€", "🙂"];
    let mut s = String::new();
    if rng.below(100) < 40 {
        if rng.below(2) == 0 {
            s.push('+');
            for _ in 0..11 {
                s.push(char::from(b'0' + rng.below(10) as u8));
            }
        } else {
            for _ in 0..3 + rng.below(10) {
                s.push(char::from(ALNUM[rng.below(26) as usize]));
            }
        }
        return s;
    }
    for _ in 0..1 + rng.below(24) {
        match rng.below(100) {
            0..=49 => s.push(char::from(rng.pick(ALNUM))),
            50..=57 => s.push(char::from(rng.pick(MARK))),
            58..=65 => s.push(char::from(rng.pick(USER_UNRESERVED))),
            66..=70 => s.push('@'),
            71..=75 => s.push(' '),
            76..=80 => s.push('%'),
            81..=85 => s.push(char::from(rng.pick(OTHER))),
            _ => s.push_str(rng.pick(UTF8)),
        }
    }
    s
}

/// The decode input made from a raw user: mostly its escaped form, some
/// with lowercase hex (valid), some with a malformed escape put in, some
/// the raw string itself (literal space, UTF-8, lone `%`).
fn gen_escaped(rng: &mut Rng, raw: &str) -> Vec<u8> {
    let mut e = sipmsrp::uri::escape_user(raw.as_bytes()).into_bytes();
    match rng.below(100) {
        0..=84 => {}
        85..=91 => {
            let mut i = 0;
            while i < e.len() {
                if e[i] == b'%' {
                    e[i + 1].make_ascii_lowercase();
                    e[i + 2].make_ascii_lowercase();
                    i += 3;
                } else {
                    i += 1;
                }
            }
        }
        92..=95 => {
            let bad: &[u8] = rng.pick(&[&b"%G1"[..], b"%4", b"%", b"%%41", b"%2"]);
            let at = rng.below(e.len() as u64 + 1) as usize;
            // Never split an existing escape, so the cut stays the only fault.
            let at = (0..=at)
                .rev()
                .find(|&j| (j < 1 || e[j - 1] != b'%') && (j < 2 || e[j - 2] != b'%'))
                .unwrap_or(0);
            e.splice(at..at, bad.iter().copied());
        }
        _ => e = raw.as_bytes().to_vec(),
    }
    e
}

fn escape_section() {
    let mut rng = Rng(SEED ^ 0x00E5_CA9E);
    let raw: Vec<String> = (0..STRINGS).map(|_| gen_user(&mut rng)).collect();
    let esc: Vec<Vec<u8>> = raw.iter().map(|s| gen_escaped(&mut rng, s)).collect();
    let raw_bytes: usize = raw.iter().map(String::len).sum();
    let esc_bytes: usize = esc.iter().map(Vec::len).sum();

    println!("## User-part escaping: {STRINGS} generated strings\n");

    // --- Agreement, before any timing.
    // The character class, byte by byte (all 256 values).
    let class_diff: Vec<u8> = (0..=255u8)
        .filter(|&b| sipmsrp::uri::escape_user(&[b]) != percent_encode(&[b], USER).to_string())
        .collect();
    println!("Agreement (checked for every string before timing):\n");
    println!(
        "- byte class: `escape_user` and the `USER` AsciiSet differ on {} of 256 byte values{}",
        class_diff.len(),
        if class_diff.is_empty() {
            String::new()
        } else {
            format!(" ({class_diff:?})")
        }
    );
    let enc_diff = raw
        .iter()
        .filter(|s| {
            sipmsrp::uri::escape_user(s.as_bytes()) != utf8_percent_encode(s, USER).to_string()
        })
        .count();
    println!("- escape: outputs differ on {enc_diff} of {STRINGS} strings");
    let round_trip_bad = raw
        .iter()
        .filter(|s| {
            let e = sipmsrp::uri::escape_user(s.as_bytes());
            sipmsrp::uri::unescape(e.as_bytes()).ok().as_deref() != Some(s.as_bytes())
                || percent_decode(e.as_bytes()).collect::<Vec<u8>>() != s.as_bytes()
        })
        .count();
    println!("- round trip unescape(escape(s)) == s: fails on {round_trip_bad} (either library)");
    let (mut agree, mut differ, mut rejected) = (0usize, 0usize, 0usize);
    let mut examples: Vec<String> = Vec::new();
    for e in &esc {
        let pe: Vec<u8> = percent_decode(e).collect();
        match sipmsrp::uri::unescape(e) {
            Ok(v) if v == pe => agree += 1,
            Ok(v) => {
                differ += 1;
                eprintln!(
                    "decode differs on {:?}: {:?} vs {:?}",
                    String::from_utf8_lossy(e),
                    v,
                    pe
                );
            }
            Err(err) => {
                rejected += 1;
                // percent-encoding never fails: a bad `%` is kept as a literal byte.
                if examples.len() < 3 {
                    examples.push(format!(
                        "`{}` → sipmsrp: {err}; percent-encoding: `{}`",
                        String::from_utf8_lossy(e),
                        String::from_utf8_lossy(&pe)
                    ));
                }
            }
        }
    }
    println!(
        "- unescape: {agree} same bytes, {differ} different bytes, {rejected} rejected by sipmsrp \
         (malformed `%`) that percent-encoding passes through as literal `%`"
    );
    for x in &examples {
        println!("  - e.g. {x}");
    }
    println!();

    // --- Timing.
    println!("| operation | implementation | time | ns/string | MB/s (input) |");
    println!("| --- | --- | ---: | ---: | ---: |");
    let row = |op: &str, imp: &str, d: Duration, input: usize| {
        let s = d.as_secs_f64();
        println!(
            "| {op} | {imp} | {:.1} ms | {:.1} | {:.0} |",
            s * 1e3,
            s * 1e9 / STRINGS as f64,
            input as f64 / 1e6 / s
        );
    };
    // Each job returns (output bytes, strings rejected) for the checks below.
    let enc: Vec<Job<'_, (usize, usize)>> = vec![
        (
            "sipmsrp `escape_user` → String".into(),
            Box::new(|| {
                (
                    raw.iter()
                        .map(|s| {
                            black_box(sipmsrp::uri::escape_user(black_box(s.as_bytes()))).len()
                        })
                        .sum(),
                    0,
                )
            }),
        ),
        (
            "percent-encoding → Cow<str> (borrowed when nothing to escape)".into(),
            Box::new(|| {
                (
                    raw.iter()
                        .map(|s| {
                            black_box(Cow::from(utf8_percent_encode(black_box(s), USER))).len()
                        })
                        .sum(),
                    0,
                )
            }),
        ),
        (
            "percent-encoding → String (Cow::into_owned)".into(),
            Box::new(|| {
                (
                    raw.iter()
                        .map(|s| {
                            black_box(
                                Cow::from(utf8_percent_encode(black_box(s), USER)).into_owned(),
                            )
                            .len()
                        })
                        .sum(),
                    0,
                )
            }),
        ),
        (
            "percent-encoding → String (to_string, the documented idiom)".into(),
            Box::new(|| {
                (
                    raw.iter()
                        .map(|s| {
                            black_box(utf8_percent_encode(black_box(s), USER).to_string()).len()
                        })
                        .sum(),
                    0,
                )
            }),
        ),
    ];
    let dec: Vec<Job<'_, (usize, usize)>> = vec![
        (
            "sipmsrp `unescape` → Result<Vec<u8>> (validates)".into(),
            Box::new(|| {
                let (mut n, mut errs) = (0usize, 0usize);
                for e in &esc {
                    match black_box(sipmsrp::uri::unescape(black_box(e))) {
                        Ok(v) => n += v.len(),
                        Err(_) => errs += 1,
                    }
                }
                (n, errs)
            }),
        ),
        (
            "percent-encoding `percent_decode` → Cow<[u8]>".into(),
            Box::new(|| {
                (
                    esc.iter()
                        .map(|e| black_box(Cow::<[u8]>::from(percent_decode(black_box(e)))).len())
                        .sum(),
                    0,
                )
            }),
        ),
        (
            "percent-encoding `percent_decode` → Vec<u8> (collect)".into(),
            Box::new(|| {
                (
                    esc.iter()
                        .map(|e| black_box(percent_decode(black_box(e)).collect::<Vec<u8>>()).len())
                        .sum(),
                    0,
                )
            }),
        ),
    ];
    let enc_t = best_of_round_robin(&enc);
    assert!(
        enc_t.iter().all(|(_, r)| *r == enc_t[0].1),
        "escapers wrote different lengths"
    );
    let dec_t = best_of_round_robin(&dec);
    let (n_sip, errs) = dec_t[0].1;
    assert_eq!(errs, rejected);
    for ((d, _), (label, _)) in enc_t.iter().zip(&enc) {
        row("escape", label, *d, raw_bytes);
    }
    for ((d, _), (label, _)) in dec_t.iter().zip(&dec) {
        row("unescape", label, *d, esc_bytes);
    }
    eprintln!(
        "(sipmsrp decoded {n_sip} bytes from the {} accepted strings)",
        STRINGS - errs
    );
    println!();
}

fn main() {
    capture_section();
    escape_section();
}
