//! Seed inputs generated from the text samples for the fuzz targets whose
//! input is not a text file: `seeds capture|tcp|body OUT_DIR SAMPLES_DIR`.

use std::net::SocketAddr;
use std::path::Path;

use sipmsrp::capture::writer::{self, PcapNgWriter, PcapWriter, TcpFlow};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, target, out, samples] = &args[..] else {
        panic!("usage: seeds capture|tcp|body OUT_DIR SAMPLES_DIR");
    };
    let out = Path::new(out);
    let mut files: Vec<_> = std::fs::read_dir(samples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "py" && e != "md"))
        .collect();
    files.sort();
    for (i, path) in files.iter().enumerate() {
        let data = std::fs::read(path).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy();
        match target.as_str() {
            "capture" => capture_seeds(out, &name, i, &data),
            "tcp" => std::fs::write(out.join(format!("{name}.tcp")), tcp_records(&data)).unwrap(),
            "body" => body_seeds(out, &name, &data),
            _ => panic!("unknown target {target}"),
        }
    }
}

fn capture_seeds(out: &Path, name: &str, i: usize, data: &[u8]) {
    let c: SocketAddr = "192.0.2.1:40000".parse().unwrap();
    let s: SocketAddr = "192.0.2.2:5060".parse().unwrap();
    let c6: SocketAddr = "[2001:db8::1]:40000".parse().unwrap();
    let s6: SocketAddr = "[2001:db8::2]:2855".parse().unwrap();
    // TCP over Ethernet (pcap), in small segments.
    let mut flow = TcpFlow::new(c, s);
    let mut pkts = flow.handshake();
    pkts.extend(flow.send(true, data, &[97, 31, 200]));
    pkts.push(flow.fin(true));
    let mut w = PcapWriter::new(Vec::new(), writer::LINKTYPE_ETHERNET).unwrap();
    for (n, p) in pkts.iter().enumerate() {
        w.write_packet(1_000_000 + n as u32, 0, &writer::eth(p))
            .unwrap();
    }
    std::fs::write(out.join(format!("{name}.tcp.pcap")), w.into_inner()).unwrap();
    // UDP datagrams of the first 1400 bytes over SLL, pcapng, IPv6.
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    w.section().unwrap();
    let iface = w
        .add_interface(writer::LINKTYPE_LINUX_SLL as u16, Some(9))
        .unwrap();
    let chunk = &data[..data.len().min(1400)];
    let p = writer::ip_udp(c6, s6, chunk);
    w.write_packet(iface, 5_000_000_000, &writer::sll(0x86DD, &p))
        .unwrap();
    std::fs::write(out.join(format!("{name}.udp.pcapng")), w.into_inner()).unwrap();
    // IPv4 fragments of one UDP datagram, raw IP, every other sample.
    if i.is_multiple_of(2) {
        let udp = writer::udp(c.port(), s.port(), chunk);
        let frags = writer::ipv4_fragments([192, 0, 2, 1], [192, 0, 2, 2], 17, 7, &udp, 256);
        let mut w = PcapWriter::new(Vec::new(), writer::LINKTYPE_RAW).unwrap();
        for f in frags.iter().rev() {
            w.write_packet(2, 0, f).unwrap();
        }
        std::fs::write(out.join(format!("{name}.frag.pcap")), w.into_inner()).unwrap();
    }
}

/// The tcp target's record format: [ctl][seq delta: u16 BE][ts step][len][payload].
fn tcp_records(data: &[u8]) -> Vec<u8> {
    let mut v = vec![1 << 2, 0, 0, 0, 0]; // SYN, client -> server
    let mut off = 0usize;
    for (n, piece) in data.chunks(120).enumerate() {
        if off > 0xffff {
            break;
        }
        let ctl = if n % 5 == 4 { 1 | (9 << 2) } else { 9 << 2 };
        let delta = (off + 1) as u16;
        v.push(ctl);
        v.extend_from_slice(&delta.to_be_bytes());
        v.push(1);
        v.push(piece.len() as u8);
        v.extend_from_slice(piece);
        off += piece.len();
    }
    v.extend_from_slice(&[0, 0, 0, 0, 0]); // FIN
    v
}

/// The body target's input: a Content-Type line, then the body. One seed
/// per body found at any depth of the samples' messages.
fn body_seeds(out: &Path, name: &str, data: &[u8]) {
    use sipmsrp::body::{Body, BodyKind};
    use sipmsrp::framing::{FrameOptions, Framer, Item};
    use sipmsrp::limits::Limits;
    use sipmsrp::message::parse_frame;

    fn walk(b: &Body<'_>, out: &mut Vec<Vec<u8>>) {
        if let Some(m) = &b.media {
            let mut seed = m.raw.to_vec();
            seed.push(b'\n');
            seed.extend_from_slice(b.raw);
            out.push(seed);
        }
        match &b.kind {
            BodyKind::Multipart(mp) => mp.parts.iter().for_each(|p| walk(&p.body, out)),
            BodyKind::Sip(n) => walk(&n.body, out),
            BodyKind::Msrp(n) => walk(&n.body, out),
            BodyKind::Empty | BodyKind::Leaf => {}
        }
    }
    let limits = Limits::default();
    let mut seeds = Vec::new();
    for item in Framer::new(data, FrameOptions::default()) {
        if let Item::Message(f) = item {
            walk(parse_frame(data, &f, &limits).message.body(), &mut seeds);
        }
    }
    for (i, seed) in seeds.iter().enumerate() {
        std::fs::write(out.join(format!("{name}.{i}.body")), seed).unwrap();
    }
}
