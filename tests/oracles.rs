//! Outside tools as judges of capture reading.
//!
//! - Captures written by `text2pcap` (Wireshark) from hex dumps of SIP and
//!   MSRP messages composed here: text2pcap builds the Ethernet, IP, UDP,
//!   TCP and SCTP headers itself, so the headers the crate decodes come
//!   from an independent writer. The crate must find exactly the messages,
//!   addresses, ports, transports and times that went in.
//! - Captures written by the crate's writer, read by both `tshark` and
//!   `sipmsrp`: both must find the same SIP (and MSRP) messages in the same
//!   frames.
//!
//! A missing tool skips its tests with a message on standard error, except
//! under CI (`CI` set), where it is a failure.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use assert_cmd::Command;
use serde_json::Value;
use sipmsrp::capture::writer::{self as w, PcapWriter, TcpFlow};

// ---------------------------------------------------------------------------
// Tools.

/// Debian package that provides each tool.
fn package(name: &str) -> &'static str {
    match name {
        "text2pcap" => "wireshark-common",
        _ => "tshark",
    }
}

/// The path of `name` on `PATH`. When it is missing: under CI (`CI` set and
/// not empty) a panic, since CI must run these tests; otherwise `None`,
/// after a message on standard error that libtest does not capture.
fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| is_executable(p))
    });
    if found.is_some() {
        return found;
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("?")
        .rsplit("::")
        .next()
        .unwrap_or("?")
        .to_string();
    let pkg = package(name);
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!(
            "oracles::{test}: {name} not found on PATH, and CI is set: CI must run the oracle tests; install {name} (Debian: apt-get install {pkg})"
        );
    }
    let msg = format!(
        "SKIPPED oracles::{test}: {name} not found; install {name} (Debian: apt-get install {pkg})\n"
    );
    // Straight to the process's standard error: eprintln! is captured by libtest.
    let _ = std::io::stderr().write_all(msg.as_bytes());
    None
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn sipmsrp() -> Command {
    let mut c = Command::cargo_bin("sipmsrp").unwrap();
    c.env_remove("NO_COLOR").env_remove("SIPMSRP_PROGRESS");
    c
}

/// `sipmsrp parse --format jsonl FILE`: (exit code, messages).
fn sipmsrp_messages(file: &Path) -> (i32, Vec<Value>) {
    let out = sipmsrp()
        .args(["parse", "--format", "jsonl", "--jobs", "1"])
        .arg(file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let values: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect();
    let findings: Vec<&Value> = values.iter().filter(|v| v["type"] == "finding").collect();
    assert!(findings.is_empty(), "capture findings: {findings:#?}");
    let messages = values
        .into_iter()
        .filter(|v| v["type"] == "message")
        .collect();
    (out.status.code().expect("exit code"), messages)
}

fn capture(m: &Value) -> &Value {
    &m["source"]["capture"]
}

// ---------------------------------------------------------------------------
// text2pcap writes, sipmsrp reads.

/// One packet for text2pcap: its direction (`'I'` as given by the address
/// and port options, `'O'` the other way), its capture time (RFC 3339, UTC)
/// and its payload (text2pcap adds the headers).
struct Packet<'a> {
    dir: char,
    time: &'a str,
    data: &'a [u8],
}

/// The `od -Ax -tx1` hex dump text2pcap reads, each packet preceded by its
/// direction and time.
fn hex_dump(packets: &[Packet<'_>]) -> String {
    let mut s = String::new();
    for p in packets {
        s.push_str(&format!("{} {}\n", p.dir, p.time));
        for (i, line) in p.data.chunks(16).enumerate() {
            s.push_str(&format!("{:06x}", i * 16));
            for b in line {
                s.push_str(&format!(" {b:02x}"));
            }
            s.push('\n');
        }
    }
    s
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Pcap,
    PcapNg,
}

/// Run text2pcap on `packets` with the header options `headers`; returns
/// the capture file written (in `dir`).
fn text2pcap(
    exe: &Path,
    dir: &Path,
    name: &str,
    packets: &[Packet<'_>],
    headers: &[&str],
    format: Format,
) -> PathBuf {
    let input = dir.join(format!("{name}.txt"));
    std::fs::write(&input, hex_dump(packets)).unwrap();
    let output = dir.join(match format {
        Format::Pcap => format!("{name}.pcap"),
        Format::PcapNg => format!("{name}.pcapng"),
    });
    let run = |fmt: &[&str]| {
        std::process::Command::new(exe)
            .env("TZ", "UTC")
            .args(["-q", "-D", "-t", "ISO"])
            .args(fmt)
            .args(headers)
            .arg(&input)
            .arg(&output)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let (modern, legacy): (&[&str], &[&str]) = match format {
        Format::Pcap => (&["-F", "pcap"], &[]),
        Format::PcapNg => (&["-F", "pcapng"], &["-n"]),
    };
    let mut out = run(modern);
    if !out.status.success() {
        // text2pcap before 3.6 has no -F: pcap by default, -n for pcapng.
        out = run(legacy);
    }
    assert!(
        out.status.success(),
        "text2pcap {headers:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&output).unwrap();
    let magic = &bytes[..4];
    match format {
        Format::Pcap => assert!(
            magic == [0xd4, 0xc3, 0xb2, 0xa1] || magic == [0xa1, 0xb2, 0xc3, 0xd4],
            "text2pcap did not write pcap"
        ),
        Format::PcapNg => assert_eq!(magic, [0x0a, 0x0d, 0x0d, 0x0a], "not pcapng"),
    }
    output
}

fn sip_request(first: &str, call_id: &str, cseq: &str, ctype: &str, body: &str) -> String {
    format!(
        "{first}\r\nVia: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK{call_id}\r\nMax-Forwards: 70\r\nTo: <sip:bob@example.com>\r\nFrom: <sip:alice@example.com>;tag=1928\r\nCall-ID: {call_id}\r\nCSeq: {cseq}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

fn sip_response(first: &str, call_id: &str, cseq: &str) -> String {
    format!(
        "{first}\r\nVia: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK{call_id}\r\nTo: <sip:bob@example.com>;tag=314\r\nFrom: <sip:alice@example.com>;tag=1928\r\nCall-ID: {call_id}\r\nCSeq: {cseq}\r\nContent-Length: 0\r\n\r\n"
    )
}

const SDP: &str = "v=0\r\no=alice 2890844526 2890844526 IN IP4 10.1.2.3\r\ns=-\r\nc=IN IP4 10.1.2.3\r\nt=0 0\r\nm=message 7394 TCP/MSRP *\r\na=accept-types:text/plain\r\na=path:msrp://10.1.2.3:7394/jshA7weztas;tcp\r\n";

/// The start lines, Call-IDs and bodies of SIP messages as sipmsrp read them.
fn sip_view(messages: &[Value]) -> Vec<(String, String, String)> {
    messages
        .iter()
        .map(|m| {
            assert_eq!(m["protocol"], "sip");
            (
                m["start_line"].as_str().unwrap().to_string(),
                m["call_id"].as_str().unwrap().to_string(),
                m["body"]["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// SIP over UDP/IPv4 in Ethernet: both directions, addresses, ports,
/// transport, frame numbers, capture times and bodies as text2pcap wrote them.
#[test]
fn text2pcap_udp_sip_over_ipv4_is_read_exactly() {
    let Some(exe) = tool("text2pcap") else { return };
    let dir = tempfile::tempdir().unwrap();
    let req = sip_request(
        "MESSAGE sip:bob@example.com SIP/2.0",
        "t2p-udp-1",
        "1 MESSAGE",
        "text/plain",
        "Watson, come here.",
    );
    let ok = sip_response("SIP/2.0 200 OK", "t2p-udp-1", "1 MESSAGE");
    let packets = [
        Packet {
            dir: 'I',
            time: "2023-11-14T22:13:20.25Z",
            data: req.as_bytes(),
        },
        Packet {
            dir: 'O',
            time: "2023-11-14T22:13:21Z",
            data: ok.as_bytes(),
        },
    ];
    let file = text2pcap(
        &exe,
        dir.path(),
        "udp",
        &packets,
        &["-u", "5060,5062", "-4", "10.1.2.3,10.4.5.6"],
        Format::Pcap,
    );
    let (code, m) = sipmsrp_messages(&file);
    assert_eq!(code, 0);
    assert_eq!(
        sip_view(&m),
        vec![
            (
                "MESSAGE sip:bob@example.com SIP/2.0".to_string(),
                "t2p-udp-1".to_string(),
                "Watson, come here.".to_string()
            ),
            (
                "SIP/2.0 200 OK".to_string(),
                "t2p-udp-1".to_string(),
                String::new()
            ),
        ]
    );
    assert_eq!(m[0]["source"]["length"], req.len());
    assert_eq!(m[1]["source"]["length"], ok.len());
    let c = [capture(&m[0]), capture(&m[1])];
    assert_eq!(
        (
            &c[0]["src"],
            &c[0]["dst"],
            &c[0]["transport"],
            &c[0]["frame"]
        ),
        (
            &"10.1.2.3:5060".into(),
            &"10.4.5.6:5062".into(),
            &"udp".into(),
            &1.into()
        )
    );
    assert_eq!(
        (
            &c[1]["src"],
            &c[1]["dst"],
            &c[1]["transport"],
            &c[1]["frame"]
        ),
        (
            &"10.4.5.6:5062".into(),
            &"10.1.2.3:5060".into(),
            &"udp".into(),
            &2.into()
        )
    );
    let t0 = c[0]["timestamp"].as_str().unwrap();
    assert!(t0.starts_with("2023-11-14T22:13:20.25"), "{t0}");
    assert_eq!(c[1]["timestamp"], "2023-11-14T22:13:21Z");
}

/// SIP over TCP: an INVITE with SDP cut into three segments by text2pcap's
/// TCP headers (sequence numbers from text2pcap), and two responses in one
/// segment the other way.
#[test]
fn text2pcap_tcp_sip_split_across_segments_is_reassembled() {
    let Some(exe) = tool("text2pcap") else { return };
    let dir = tempfile::tempdir().unwrap();
    let invite = sip_request(
        "INVITE sip:bob@example.com SIP/2.0",
        "t2p-tcp-1",
        "1 INVITE",
        "application/sdp",
        SDP,
    );
    let b = invite.as_bytes();
    let responses = format!(
        "{}{}",
        sip_response("SIP/2.0 100 Trying", "t2p-tcp-1", "1 INVITE"),
        sip_response("SIP/2.0 180 Ringing", "t2p-tcp-1", "1 INVITE")
    );
    let packets = [
        Packet {
            dir: 'I',
            time: "2023-11-14T22:13:20Z",
            data: &b[..50],
        },
        Packet {
            dir: 'I',
            time: "2023-11-14T22:13:20.1Z",
            data: &b[50..b.len() - 30],
        },
        Packet {
            dir: 'I',
            time: "2023-11-14T22:13:20.2Z",
            data: &b[b.len() - 30..],
        },
        Packet {
            dir: 'O',
            time: "2023-11-14T22:13:20.3Z",
            data: responses.as_bytes(),
        },
    ];
    let file = text2pcap(
        &exe,
        dir.path(),
        "tcp",
        &packets,
        &["-T", "40000,5060", "-4", "10.1.2.3,10.4.5.6"],
        Format::Pcap,
    );
    let (code, m) = sipmsrp_messages(&file);
    assert_eq!(code, 0);
    let starts: Vec<&str> = m
        .iter()
        .map(|x| x["start_line"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "INVITE sip:bob@example.com SIP/2.0",
            "SIP/2.0 100 Trying",
            "SIP/2.0 180 Ringing"
        ]
    );
    assert_eq!(m[0]["body"]["text"], SDP);
    assert_eq!(m[0]["source"]["length"], invite.len());
    assert_eq!(capture(&m[0])["frames"], serde_json::json!([1, 2, 3]));
    assert_eq!(capture(&m[0])["frame"], 3);
    assert_eq!(capture(&m[0])["src"], "10.1.2.3:40000");
    assert_eq!(capture(&m[0])["dst"], "10.4.5.6:5060");
    for r in &m[1..] {
        assert_eq!(capture(r)["frame"], 4);
        assert_eq!(capture(r)["src"], "10.4.5.6:5060");
        assert_eq!(capture(r)["dst"], "10.1.2.3:40000");
    }
    assert!(m.iter().all(|x| capture(x)["transport"] == "tcp"));
}

fn msrp_send(tid: &str, mid: &str, range: &str, flag: char, body: &str) -> String {
    format!(
        "MSRP {tid} SEND\r\nTo-Path: msrp://10.4.5.6:2855/iau39soe2843z;tcp\r\nFrom-Path: msrp://10.1.2.3:7394/jshA7weztas;tcp\r\nMessage-ID: {mid}\r\nByte-Range: {range}\r\nContent-Type: text/plain\r\n\r\n{body}\r\n-------{tid}{flag}\r\n"
    )
}

fn msrp_ok(tid: &str) -> String {
    format!(
        "MSRP {tid} 200 OK\r\nTo-Path: msrp://10.1.2.3:7394/jshA7weztas;tcp\r\nFrom-Path: msrp://10.4.5.6:2855/iau39soe2843z;tcp\r\n-------{tid}$\r\n"
    )
}

/// MSRP over TCP: a SEND split across two segments, a second SEND and the
/// first 200 OK pipelined, with the end-line of one and the start of the
/// next in the same segment.
#[test]
fn text2pcap_tcp_msrp_split_and_pipelined_is_framed() {
    let Some(exe) = tool("text2pcap") else { return };
    let dir = tempfile::tempdir().unwrap();
    let s1 = msrp_send(
        "a786hjs2",
        "87652491",
        "1-25/25",
        '$',
        "Hello, this is a message",
    );
    let s2 = msrp_send("b786hjs3", "87652492", "1-5/5", '$', "Bye!!");
    let stream = format!("{s1}{s2}");
    let cut = s1.len() - 7; // inside the first end-line
    let ok = msrp_ok("a786hjs2");
    let packets = [
        Packet {
            dir: 'I',
            time: "2023-11-14T22:13:20Z",
            data: &stream.as_bytes()[..cut],
        },
        Packet {
            dir: 'I',
            time: "2023-11-14T22:13:21Z",
            data: &stream.as_bytes()[cut..],
        },
        Packet {
            dir: 'O',
            time: "2023-11-14T22:13:22Z",
            data: ok.as_bytes(),
        },
    ];
    let file = text2pcap(
        &exe,
        dir.path(),
        "msrp",
        &packets,
        &["-T", "7394,2855", "-4", "10.1.2.3,10.4.5.6"],
        Format::Pcap,
    );
    let (code, m) = sipmsrp_messages(&file);
    assert_eq!(code, 0);
    let seen: Vec<(&str, &str, &Value)> = m
        .iter()
        .map(|x| {
            assert_eq!(x["protocol"], "msrp");
            (
                x["transaction_id"].as_str().unwrap(),
                x["start_line"].as_str().unwrap(),
                &capture(x)["frames"],
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("a786hjs2", "MSRP a786hjs2 SEND", &serde_json::json!([1, 2])),
            ("b786hjs3", "MSRP b786hjs3 SEND", &serde_json::json!([2])),
            ("a786hjs2", "MSRP a786hjs2 200 OK", &serde_json::json!([3])),
        ]
    );
    let frames: Vec<&Value> = m.iter().map(|x| &capture(x)["frame"]).collect();
    assert_eq!(frames, [2, 2, 3]);
    assert_eq!(m[0]["message_id"], "87652491");
    assert_eq!(m[0]["body"]["text"], "Hello, this is a message");
    assert_eq!(m[0]["source"]["length"], s1.len());
    assert_eq!(capture(&m[0])["src"], "10.1.2.3:7394");
    assert_eq!(capture(&m[2])["src"], "10.4.5.6:2855");
}

/// pcapng written by text2pcap (section header, interface description, and
/// enhanced packet blocks with direction flags) reads exactly as the pcap
/// of the same packets does.
#[test]
fn text2pcap_pcapng_reads_the_same_as_pcap() {
    let Some(exe) = tool("text2pcap") else { return };
    let dir = tempfile::tempdir().unwrap();
    let req = sip_request(
        "MESSAGE sip:bob@example.com SIP/2.0",
        "t2p-ng-1",
        "1 MESSAGE",
        "text/plain",
        "über",
    );
    let ok = sip_response("SIP/2.0 202 Accepted", "t2p-ng-1", "1 MESSAGE");
    let b = req.as_bytes();
    // Over TCP the request is cut in two segments; over UDP it is whole.
    for (name, headers, cut) in [
        ("ng-udp", ["-u", "5060,5060"], b.len()),
        ("ng-tcp", ["-T", "40000,5060"], 40),
    ] {
        let mut packets = vec![Packet {
            dir: 'I',
            time: "2023-11-14T22:13:20.000001Z",
            data: &b[..cut],
        }];
        if cut < b.len() {
            packets.push(Packet {
                dir: 'I',
                time: "2023-11-14T22:13:20.5Z",
                data: &b[cut..],
            });
        }
        packets.push(Packet {
            dir: 'O',
            time: "2023-11-14T22:13:21Z",
            data: ok.as_bytes(),
        });
        let mut headers = headers.to_vec();
        headers.extend(["-4", "192.0.2.1,192.0.2.2"]);
        let pcap = text2pcap(&exe, dir.path(), name, &packets, &headers, Format::Pcap);
        let ng = text2pcap(&exe, dir.path(), name, &packets, &headers, Format::PcapNg);
        let (code, from_pcap) = sipmsrp_messages(&pcap);
        let (code_ng, mut from_ng) = sipmsrp_messages(&ng);
        assert_eq!((code, code_ng), (0, 0));
        // Only the file names differ.
        for m in &mut from_ng {
            m["source"]["file"] = from_pcap[0]["source"]["file"].clone();
        }
        assert_eq!(from_ng, from_pcap, "{name}");
        assert_eq!(from_ng.len(), 2, "{name}");
        assert_eq!(from_ng[0]["call_id"], "t2p-ng-1");
        assert_eq!(from_ng[0]["body"]["text"], "über");
        assert_eq!(from_ng[0]["source"]["length"], b.len());
        let frames: Vec<u64> = (1..packets.len() as u64).collect();
        assert_eq!(capture(&from_ng[0])["frames"], serde_json::json!(frames));
        assert!(
            capture(&from_ng[0])["timestamp"]
                .as_str()
                .unwrap()
                .starts_with(if cut < b.len() {
                    "2023-11-14T22:13:20.5"
                } else {
                    "2023-11-14T22:13:20.000001"
                }),
            "{name}: {}",
            capture(&from_ng[0])["timestamp"]
        );
        assert_eq!(from_ng[1]["start_line"], "SIP/2.0 202 Accepted");
        assert_eq!(capture(&from_ng[1])["src"], "192.0.2.2:5060");
        assert_eq!(capture(&from_ng[1])["timestamp"], "2023-11-14T22:13:21Z");
    }
}

/// SIP over SCTP on IPv6: text2pcap's SCTP common header and DATA chunks
/// (TSNs counting up) and IPv6 header.
#[test]
fn text2pcap_sip_over_sctp_on_ipv6_is_read() {
    let Some(exe) = tool("text2pcap") else { return };
    let dir = tempfile::tempdir().unwrap();
    let req = sip_request(
        "OPTIONS sip:bob@example.com SIP/2.0",
        "t2p-sctp-1",
        "7 OPTIONS",
        "text/plain",
        "",
    );
    let ok = sip_response("SIP/2.0 200 OK", "t2p-sctp-1", "7 OPTIONS");
    let packets = [
        Packet {
            dir: 'I',
            time: "2023-11-14T22:13:20Z",
            data: req.as_bytes(),
        },
        Packet {
            dir: 'O',
            time: "2023-11-14T22:13:20Z",
            data: ok.as_bytes(),
        },
        Packet {
            dir: 'I',
            time: "2023-11-14T22:13:21Z",
            data: req.as_bytes(),
        },
    ];
    let file = text2pcap(
        &exe,
        dir.path(),
        "sctp6",
        &packets,
        &["-S", "5060,5061,0", "-6", "2001:db8::1,2001:db8::2"],
        Format::Pcap,
    );
    let (code, m) = sipmsrp_messages(&file);
    assert_eq!(code, 0);
    let seen: Vec<(&str, &str, &str, &str)> = m
        .iter()
        .map(|x| {
            let c = capture(x);
            (
                x["start_line"].as_str().unwrap(),
                c["src"].as_str().unwrap(),
                c["dst"].as_str().unwrap(),
                c["transport"].as_str().unwrap(),
            )
        })
        .collect();
    let (a, b) = ("[2001:db8::1]:5060", "[2001:db8::2]:5061");
    assert_eq!(
        seen,
        vec![
            ("OPTIONS sip:bob@example.com SIP/2.0", a, b, "sctp"),
            ("SIP/2.0 200 OK", b, a, "sctp"),
            // A new TSN: not a retransmission, so it is a message again.
            ("OPTIONS sip:bob@example.com SIP/2.0", a, b, "sctp"),
        ]
    );
}

// ---------------------------------------------------------------------------
// The crate's writer writes, tshark and sipmsrp both read.

/// What one reader saw of the SIP messages in a capture: per frame, the
/// (Call-ID, CSeq) of each message completing there and their start lines.
type Seen = BTreeMap<u64, (Vec<(String, String)>, Vec<String>)>;

/// tshark's view of the SIP messages in `file`, with `decode_as` (`-d`) rules.
fn tshark_sip(exe: &Path, file: &Path, decode_as: &[&str]) -> Seen {
    let rows = tshark_fields(
        exe,
        file,
        "sip",
        decode_as,
        &[
            "frame.number",
            "sip.Call-ID",
            "sip.CSeq",
            "sip.Request-Line",
            "sip.Status-Line",
        ],
    );
    let mut seen = Seen::new();
    for r in rows {
        let frame: u64 = r[0].parse().unwrap();
        let ids = split(&r[1]);
        let cseqs = split(&r[2]);
        assert_eq!(ids.len(), cseqs.len(), "{r:?}");
        let mut starts = split(&r[3]);
        starts.extend(split(&r[4]));
        starts.sort();
        seen.insert(frame, (ids.into_iter().zip(cseqs).collect(), starts));
    }
    seen
}

fn split(field: &str) -> Vec<String> {
    if field.is_empty() {
        Vec::new()
    } else {
        field.split('|').map(str::to_string).collect()
    }
}

/// `tshark -r FILE -Y FILTER -T fields -e …`: one row of fields per frame.
/// Its configuration is a fresh empty one, and names are not resolved.
fn tshark_fields(
    exe: &Path,
    file: &Path,
    filter: &str,
    decode_as: &[&str],
    fields: &[&str],
) -> Vec<Vec<String>> {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(exe);
    cmd.env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env_remove("WIRESHARK_CONFIG_DIR")
        .args(["-n", "-r"])
        .arg(file)
        .args(["-Y", filter, "-T", "fields"])
        .args([
            "-E",
            "separator=/t",
            "-E",
            "occurrence=a",
            "-E",
            "aggregator=|",
        ]);
    for d in decode_as {
        cmd.args(["-d", d]);
    }
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    assert!(
        out.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// sipmsrp's view of the SIP messages in `file`, as [`Seen`].
fn sipmsrp_sip(file: &Path) -> Seen {
    let (_, messages) = sipmsrp_messages(file);
    let mut seen = Seen::new();
    for m in messages.iter().filter(|m| m["protocol"] == "sip") {
        assert_eq!(m["truncated"], false, "{m:#?}");
        let frame = capture(m)["frame"].as_u64().unwrap();
        let e = seen.entry(frame).or_default();
        e.0.push((
            m["call_id"].as_str().unwrap().to_string(),
            format!(
                "{} {}",
                m["cseq"]["number"],
                m["cseq"]["method"].as_str().unwrap()
            ),
        ));
        e.1.push(m["start_line"].as_str().unwrap().to_string());
        e.1.sort();
    }
    seen
}

/// Write `pcap` to a file and check that tshark and sipmsrp see the same
/// SIP messages in the same frames, and that there are `expected` of them.
fn agree(exe: &Path, pcap: &[u8], decode_as: &[&str], expected: usize) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("capture.pcap");
    std::fs::write(&file, pcap).unwrap();
    let theirs = tshark_sip(exe, &file, decode_as);
    let ours = sipmsrp_sip(&file);
    assert_eq!(ours, theirs, "sipmsrp (left) and tshark (right) disagree");
    let n: usize = ours.values().map(|v| v.0.len()).sum();
    assert_eq!(n, expected, "{ours:#?}");
}

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

fn sip(first: &str, call_id: &str, cseq: &str, body_len: usize) -> Vec<u8> {
    let body = "b".repeat(body_len);
    if first.starts_with("SIP/") {
        sip_response(first, call_id, cseq).into_bytes()
    } else {
        sip_request(first, call_id, cseq, "text/plain", &body).into_bytes()
    }
}

/// A pcap of `linktype` with one record a second.
fn pcap_of(linktype: u32, frames: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    let mut pw = PcapWriter::new(Vec::new(), linktype).unwrap();
    for (i, f) in frames.into_iter().enumerate() {
        pw.write_packet(1_700_000_000 + i as u32, 0, &f).unwrap();
    }
    pw.into_inner()
}

fn eth_pcap(ips: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    pcap_of(w::LINKTYPE_ETHERNET, ips.into_iter().map(|ip| w::eth(&ip)))
}

/// SIP over UDP/IPv4 in Ethernet, requests and responses on port 5060.
#[test]
fn tshark_agrees_on_udp_sip() {
    let Some(exe) = tool("tshark") else { return };
    let (a, b) = (addr("192.0.2.1:5060"), addr("192.0.2.2:5060"));
    let pk = vec![
        w::ip_udp(
            a,
            b,
            &sip("INVITE sip:bob@example.com SIP/2.0", "u-1", "1 INVITE", 40),
        ),
        w::ip_udp(b, a, &sip("SIP/2.0 180 Ringing", "u-1", "1 INVITE", 0)),
        w::ip_udp(b, a, &sip("SIP/2.0 200 OK", "u-1", "1 INVITE", 0)),
        w::ip_udp(
            a,
            b,
            &sip("ACK sip:bob@example.com SIP/2.0", "u-1", "1 ACK", 0),
        ),
        w::ip_udp(
            a,
            b,
            &sip("BYE sip:bob@example.com SIP/2.0", "u-1", "2 BYE", 0),
        ),
        w::ip_udp(b, a, &sip("SIP/2.0 200 OK", "u-1", "2 BYE", 0)),
    ];
    agree(&exe, &eth_pcap(pk), &[], 6);
}

/// SIP over TCP: one message cut into small segments, two pipelined in one
/// segment, and one whose start shares a segment with the previous end.
#[test]
fn tshark_agrees_on_tcp_sip_split_and_pipelined() {
    let Some(exe) = tool("tshark") else { return };
    let mut t = TcpFlow::new(addr("192.0.2.1:40000"), addr("192.0.2.2:5060"));
    let mut pk = t.handshake();
    let m1 = sip(
        "MESSAGE sip:bob@example.com SIP/2.0",
        "t-1",
        "1 MESSAGE",
        300,
    );
    pk.extend(t.send(true, &m1, &[100]));
    let mut two = sip(
        "MESSAGE sip:bob@example.com SIP/2.0",
        "t-2",
        "2 MESSAGE",
        10,
    );
    two.extend(sip(
        "MESSAGE sip:bob@example.com SIP/2.0",
        "t-3",
        "3 MESSAGE",
        10,
    ));
    pk.extend(t.send(true, &two, &[10_000]));
    let mut straddle = sip(
        "MESSAGE sip:bob@example.com SIP/2.0",
        "t-4",
        "4 MESSAGE",
        50,
    );
    let n4 = straddle.len();
    straddle.extend(sip(
        "MESSAGE sip:bob@example.com SIP/2.0",
        "t-5",
        "5 MESSAGE",
        50,
    ));
    pk.extend(t.send(true, &straddle, &[n4 + 20, 10_000]));
    let mut replies = Vec::new();
    for (id, cseq) in [
        ("t-1", "1 MESSAGE"),
        ("t-2", "2 MESSAGE"),
        ("t-3", "3 MESSAGE"),
    ] {
        replies.extend(sip("SIP/2.0 200 OK", id, cseq, 0));
    }
    pk.extend(t.send(false, &replies, &[170]));
    pk.push(t.fin(true));
    pk.push(t.fin(false));
    agree(&exe, &eth_pcap(pk), &[], 8);
}

/// IPv6 (UDP and TCP) and IPv4 fragments of a large UDP request.
#[test]
fn tshark_agrees_on_ipv6_and_ipv4_fragments() {
    let Some(exe) = tool("tshark") else { return };
    let (a6, b6) = (addr("[2001:db8::1]:5060"), addr("[2001:db8::2]:5060"));
    let mut pk = vec![
        w::ip_udp(
            a6,
            b6,
            &sip(
                "OPTIONS sip:bob@example.com SIP/2.0",
                "v6-1",
                "1 OPTIONS",
                0,
            ),
        ),
        w::ip_udp(b6, a6, &sip("SIP/2.0 200 OK", "v6-1", "1 OPTIONS", 0)),
    ];
    let mut t = TcpFlow::new(addr("[2001:db8::1]:40000"), b6);
    pk.extend(t.handshake());
    let m = sip(
        "MESSAGE sip:bob@example.com SIP/2.0",
        "v6-2",
        "1 MESSAGE",
        2000,
    );
    pk.extend(t.send(true, &m, &[1400]));
    let big = sip(
        "MESSAGE sip:bob@example.com SIP/2.0",
        "frag-1",
        "1 MESSAGE",
        4000,
    );
    let udp = w::udp(5060, 5060, &big);
    let mut frags = w::ipv4_fragments([192, 0, 2, 1], [192, 0, 2, 2], 17, 0x4242, &udp, 1480);
    assert!(frags.len() >= 3);
    // The last fragment first: reassembly does not depend on order.
    let last = frags.pop().unwrap();
    frags.insert(0, last);
    pk.extend(frags);
    agree(&exe, &eth_pcap(pk), &[], 4);
}

/// Link layers: 802.1Q VLAN, QinQ, Linux cooked v1 and v2.
#[test]
fn tshark_agrees_on_vlan_qinq_and_linux_cooked() {
    let Some(exe) = tool("tshark") else { return };
    let (a, b) = (addr("192.0.2.1:5060"), addr("192.0.2.2:5060"));
    let ip = |id: &str| {
        w::ip_udp(
            a,
            b,
            &sip("MESSAGE sip:bob@example.com SIP/2.0", id, "1 MESSAGE", 5),
        )
    };
    let vlan = pcap_of(
        w::LINKTYPE_ETHERNET,
        [
            w::ethernet_vlan(&[(0x8100, 100)], 0x0800, &ip("vlan-1")),
            w::ethernet_vlan(&[(0x88a8, 10), (0x8100, 20)], 0x0800, &ip("qinq-1")),
        ],
    );
    agree(&exe, &vlan, &[], 2);
    let sll = pcap_of(w::LINKTYPE_LINUX_SLL, [w::sll(0x0800, &ip("sll-1"))]);
    agree(&exe, &sll, &[], 1);
    let sll2 = pcap_of(w::LINKTYPE_LINUX_SLL2, [w::sll2(0x0800, &ip("sll2-1"))]);
    agree(&exe, &sll2, &[], 1);
}

/// SIP on ports tshark does not know: told with `-d`, sipmsrp finds it by
/// content.
#[test]
fn tshark_agrees_on_sip_on_other_ports() {
    let Some(exe) = tool("tshark") else { return };
    let (a, b) = (addr("192.0.2.1:15080"), addr("192.0.2.2:15090"));
    let mut pk = vec![
        w::ip_udp(
            a,
            b,
            &sip("REGISTER sip:example.com SIP/2.0", "p-1", "1 REGISTER", 0),
        ),
        w::ip_udp(
            b,
            a,
            &sip("SIP/2.0 401 Unauthorized", "p-1", "1 REGISTER", 0),
        ),
    ];
    let mut t = TcpFlow::new(addr("192.0.2.1:40001"), addr("192.0.2.2:15070"));
    pk.extend(t.handshake());
    pk.extend(t.send(
        true,
        &sip(
            "MESSAGE sip:bob@example.com SIP/2.0",
            "p-2",
            "1 MESSAGE",
            700,
        ),
        &[256],
    ));
    agree(
        &exe,
        &eth_pcap(pk),
        &["udp.port==15090,sip", "tcp.port==15070,sip"],
        3,
    );
}

/// MSRP over TCP, a SEND split across segments: tshark's MSRP dissector
/// (told the port) and sipmsrp see the same transactions in the same
/// frames. (At most one MSRP message per segment: tshark reads only the
/// first one of a segment.)
#[test]
fn tshark_agrees_on_msrp_over_tcp() {
    let Some(exe) = tool("tshark") else { return };
    let mut t = TcpFlow::new(addr("192.0.2.1:7394"), addr("192.0.2.2:2855"));
    let mut pk = t.handshake();
    let s1 = msrp_send(
        "a786hjs2",
        "m-1",
        "1-25/25",
        '$',
        "Hello, this is a message",
    );
    let s2 = msrp_send("b786hjs3", "m-2", "1-5/5", '$', "Bye!!");
    pk.extend(t.send(true, s1.as_bytes(), &[100]));
    pk.extend(t.send(true, s2.as_bytes(), &[10_000]));
    pk.extend(t.send(false, msrp_ok("a786hjs2").as_bytes(), &[10_000]));
    pk.extend(t.send(false, msrp_ok("b786hjs3").as_bytes(), &[10_000]));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("msrp.pcap");
    std::fs::write(&file, eth_pcap(pk)).unwrap();

    let mut theirs: Vec<(u64, String, String)> = Vec::new();
    for r in tshark_fields(
        &exe,
        &file,
        "msrp",
        &["tcp.port==2855,msrp"],
        &[
            "frame.number",
            "msrp.transaction.id",
            "msrp.request.line",
            "msrp.response.line",
        ],
    ) {
        let frame: u64 = r[0].parse().unwrap();
        let mut lines = split(&r[2]);
        lines.extend(split(&r[3]));
        for (tid, line) in split(&r[1]).into_iter().zip(lines) {
            theirs.push((frame, tid, line));
        }
    }
    theirs.sort();
    let (_, messages) = sipmsrp_messages(&file);
    let mut ours: Vec<(u64, String, String)> = messages
        .iter()
        .map(|m| {
            (
                capture(m)["frame"].as_u64().unwrap(),
                m["transaction_id"].as_str().unwrap().to_string(),
                m["start_line"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    ours.sort();
    assert_eq!(ours, theirs, "sipmsrp (left) and tshark (right) disagree");
    assert_eq!(ours.len(), 4);
}
