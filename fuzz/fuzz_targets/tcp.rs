//! TCP reassembly fed arbitrary segments: each record of the input becomes
//! one TCP segment (direction, flags, sequence offset, payload) of two
//! connections, written as a pcap and read back with the capture reader.
#![no_main]

use std::io::Cursor;
use std::net::SocketAddr;

use libfuzzer_sys::fuzz_target;
use sipmsrp::capture::writer::{self, LINKTYPE_RAW, PcapWriter};
use sipmsrp::capture::{CaptureOptions, CaptureReader, Event};
use sipmsrp::limits::Limits;

fuzz_target!(|data: &[u8]| {
    let a: SocketAddr = "10.0.0.1:40000".parse().unwrap();
    let b: SocketAddr = "10.0.0.2:5060".parse().unwrap();
    let c: SocketAddr = "10.0.0.3:2855".parse().unwrap();
    let mut pcap = PcapWriter::new(Vec::new(), LINKTYPE_RAW).unwrap();
    // Record: [dir+flags][seq delta hi][seq delta lo][ts step][len][payload...]
    let base: [u32; 4] = [1_000, 0xffff_ff00, 77, 0x8000_0000];
    let mut ts = 0u32;
    let mut rest = data;
    while rest.len() >= 5 {
        let ctl = rest[0];
        let delta = u32::from(u16::from_be_bytes([rest[1], rest[2]]));
        ts = ts.saturating_add(u32::from(rest[3] & 0x0f));
        let len = usize::from(rest[4]).min(rest.len() - 5);
        let payload = &rest[5..5 + len];
        rest = &rest[5 + len..];
        let dir = usize::from(ctl & 0x03);
        let (src, dst) = match dir {
            0 => (a, b),
            1 => (b, a),
            2 => (a, c),
            _ => (c, a),
        };
        // Low flag bits: FIN, SYN, RST, ACK as given; the rest is PSH|ACK.
        let flags = match ctl >> 2 {
            0 => writer::FIN | writer::ACK,
            1 => writer::SYN,
            2 => writer::RST,
            3 => writer::SYN | writer::ACK,
            4..=7 => writer::ACK,
            _ => writer::ACK | writer::PSH,
        };
        let seq = base[dir].wrapping_add(delta.wrapping_mul(if ctl & 0x80 != 0 { 97 } else { 1 }));
        let ack = base[dir ^ 1].wrapping_add(delta);
        let pkt = writer::ip_tcp(src, dst, seq, ack, flags, payload);
        pcap.write_packet(ts, 0, &pkt).unwrap();
    }
    let file = pcap.into_inner();
    let opts = CaptureOptions {
        limits: Limits {
            max_message: 2048,
            max_flow_bytes: 8192,
            max_total_flow_bytes: 12_288,
            ..Limits::default()
        },
        force_ports: Vec::new(),
    };
    let reader = CaptureReader::new(Cursor::new(file), opts).expect("a valid pcap header");
    let mut input_bytes = 0usize;
    for ev in reader {
        match ev.expect("a well-formed pcap") {
            Event::Message(m) => {
                input_bytes += m.bytes.len();
                assert!(m.bytes.len() <= 2048 + 4, "message over max_message");
            }
            Event::Finding { .. } => {}
        }
    }
    // Reassembly never invents more bytes than the segments carried.
    assert!(input_bytes <= data.len());
});
