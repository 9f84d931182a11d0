//! HEP (Homer Encapsulation Protocol) v1, v2 and v3.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The default HEP port (Homer).
pub const HEP_PORT: u16 = 9060;

/// What a HEP packet carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hep<'a> {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    /// Inner IP protocol (17 UDP, 6 TCP, 132 SCTP), when given.
    pub ip_proto: Option<u8>,
    /// Inner capture time, when given.
    pub ts: Option<(i64, u32)>,
    pub payload: &'a [u8],
}

/// Parse a HEP packet. v3 is recognised by its magic anywhere; v1/v2 only
/// when `on_hep_port` (their header has no magic) and self-consistent.
pub(crate) fn parse(d: &[u8], on_hep_port: bool) -> Option<Hep<'_>> {
    if d.starts_with(b"HEP3") {
        return parse_v3(d);
    }
    if on_hep_port {
        return parse_v2(d);
    }
    None
}

fn parse_v2(d: &[u8]) -> Option<Hep<'_>> {
    let version = *d.first()?;
    if version != 1 && version != 2 {
        return None;
    }
    let hlen = usize::from(*d.get(1)?);
    let family = *d.get(2)?;
    let proto = *d.get(3)?;
    let alen = match family {
        2 => 4,
        10 => 16,
        _ => return None,
    };
    let expect = 8 + 2 * alen + if version == 2 { 12 } else { 0 };
    if hlen != expect || d.len() < hlen {
        return None;
    }
    let sport = u16::from_be_bytes([d[4], d[5]]);
    let dport = u16::from_be_bytes([d[6], d[7]]);
    let (s, t) = (&d[8..8 + alen], &d[8 + alen..8 + 2 * alen]);
    let addr = |b: &[u8]| -> Option<IpAddr> {
        Some(if alen == 4 {
            IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
        } else {
            IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(b).ok()?))
        })
    };
    let ts = if version == 2 {
        let at = 8 + 2 * alen;
        let secs = u32::from_le_bytes(d[at..at + 4].try_into().ok()?);
        let usecs = u32::from_le_bytes(d[at + 4..at + 8].try_into().ok()?);
        Some((i64::from(secs), usecs.min(999_999) * 1000))
    } else {
        None
    };
    Some(Hep {
        src: SocketAddr::new(addr(s)?, sport),
        dst: SocketAddr::new(addr(t)?, dport),
        ip_proto: Some(proto),
        ts,
        payload: &d[hlen..],
    })
}

fn parse_v3(d: &[u8]) -> Option<Hep<'_>> {
    let total = usize::from(u16::from_be_bytes([*d.get(4)?, *d.get(5)?]));
    let end = total.min(d.len());
    if end < 6 {
        return None;
    }
    let mut at = 6;
    let mut src_ip = None;
    let mut dst_ip = None;
    let (mut sport, mut dport) = (0u16, 0u16);
    let mut ip_proto = None;
    let (mut secs, mut usecs) = (None, 0u32);
    let mut payload = None;
    while at + 6 <= end {
        let vendor = u16::from_be_bytes([d[at], d[at + 1]]);
        let ctype = u16::from_be_bytes([d[at + 2], d[at + 3]]);
        let clen = usize::from(u16::from_be_bytes([d[at + 4], d[at + 5]]));
        if clen < 6 || at + clen > end {
            break;
        }
        let v = &d[at + 6..at + clen];
        if vendor == 0 {
            match (ctype, v.len()) {
                (2, 1) => ip_proto = Some(v[0]),
                (3, 4) | (4, 4) => {
                    let a = IpAddr::V4(Ipv4Addr::new(v[0], v[1], v[2], v[3]));
                    if ctype == 3 {
                        src_ip = Some(a);
                    } else {
                        dst_ip = Some(a);
                    }
                }
                (5, 16) | (6, 16) => {
                    let a = IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(v).ok()?));
                    if ctype == 5 {
                        src_ip = Some(a);
                    } else {
                        dst_ip = Some(a);
                    }
                }
                (7, 2) => sport = u16::from_be_bytes([v[0], v[1]]),
                (8, 2) => dport = u16::from_be_bytes([v[0], v[1]]),
                (9, 4) => secs = Some(u32::from_be_bytes([v[0], v[1], v[2], v[3]])),
                (10, 4) => usecs = u32::from_be_bytes([v[0], v[1], v[2], v[3]]),
                (15, _) => payload = Some(v),
                _ => {}
            }
        }
        at += clen;
    }
    let unspecified = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
    Some(Hep {
        src: SocketAddr::new(src_ip.unwrap_or(unspecified), sport),
        dst: SocketAddr::new(dst_ip.unwrap_or(unspecified), dport),
        ip_proto,
        ts: secs.map(|s| (i64::from(s), usecs.min(999_999) * 1000)),
        payload: payload?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hep2_needs_the_port_and_a_consistent_header() {
        let mut d = vec![
            2, 28, 2, 17, 0x13, 0xc4, 0x13, 0xc5, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        d.extend_from_slice(&[0; 12]);
        d.extend_from_slice(b"OPTIONS sip:x SIP/2.0\r\n\r\n");
        assert!(parse(&d, false).is_none());
        let h = parse(&d, true).unwrap();
        assert_eq!(h.src, "10.0.0.1:5060".parse().unwrap());
        assert_eq!(h.dst, "10.0.0.2:5061".parse().unwrap());
        assert!(h.payload.starts_with(b"OPTIONS"));
        d[1] = 27;
        assert!(parse(&d, true).is_none());
    }

    #[test]
    fn hep3_truncated_chunks_do_not_panic() {
        let d = b"HEP3\x00\x40\x00\x00\x00\x0f\x00\xff";
        assert!(parse(d, true).is_none());
    }
}
