//! WebSocket (RFC 6455) framing, for SIP and MSRP over WebSocket (RFC 7118, RFC 7977).

use memchr::memmem;

/// A WebSocket frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub fin: bool,
    /// RSV1: permessage-deflate compressed.
    pub rsv1: bool,
    pub opcode: u8,
    pub header_len: usize,
    pub payload_len: u64,
    pub mask: Option<[u8; 4]>,
}

pub(crate) enum Parse {
    Header(Header),
    NeedMore,
    Bad,
}

pub(crate) fn parse_header(d: &[u8]) -> Parse {
    if d.len() < 2 {
        return Parse::NeedMore;
    }
    let (b0, b1) = (d[0], d[1]);
    let opcode = b0 & 0x0f;
    if !matches!(opcode, 0 | 1 | 2 | 8 | 9 | 10) || b0 & 0x30 != 0 {
        return Parse::Bad;
    }
    let mut at = 2;
    let mut len = u64::from(b1 & 0x7f);
    if len == 126 {
        let Some(x) = d.get(2..4) else {
            return Parse::NeedMore;
        };
        len = u64::from(u16::from_be_bytes([x[0], x[1]]));
        at = 4;
    } else if len == 127 {
        let Some(x) = d.get(2..10) else {
            return Parse::NeedMore;
        };
        len = u64::from_be_bytes(x.try_into().unwrap_or([0xff; 8]));
        at = 10;
    }
    let mask = if b1 & 0x80 != 0 {
        let Some(m) = d.get(at..at + 4) else {
            return Parse::NeedMore;
        };
        at += 4;
        Some([m[0], m[1], m[2], m[3]])
    } else {
        None
    };
    Parse::Header(Header {
        fin: b0 & 0x80 != 0,
        rsv1: b0 & 0x40 != 0,
        opcode,
        header_len: at,
        payload_len: len,
        mask,
    })
}

/// Append a whole frame's `payload`, unmasked, to `dst`.
pub(crate) fn unmask_into(dst: &mut Vec<u8>, payload: &[u8], mask: Option<[u8; 4]>) {
    match mask {
        None => dst.extend_from_slice(payload),
        Some(m) => dst.extend(payload.iter().enumerate().map(|(i, b)| b ^ m[i & 3])),
    }
}

/// The end of an HTTP head (after the empty line), if complete.
pub(crate) fn http_head_end(d: &[u8]) -> Option<usize> {
    memmem::find(d, b"\r\n\r\n").map(|i| i + 4)
}

fn has_header_value(head: &[u8], name: &[u8], value: &[u8]) -> bool {
    head.split(|&b| b == b'\n').any(|line| {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return false;
        };
        line[..colon].trim_ascii().eq_ignore_ascii_case(name)
            && line[colon + 1..]
                .to_ascii_lowercase()
                .windows(value.len())
                .any(|w| w == value)
    })
}

/// Is this HTTP head a WebSocket upgrade request or its 101 answer?
pub(crate) fn is_upgrade(head: &[u8]) -> bool {
    (head.starts_with(b"GET ")
        || head.starts_with(b"HTTP/1.1 101")
        || head.starts_with(b"HTTP/1.0 101"))
        && has_header_value(head, b"upgrade", b"websocket")
}

/// Does `d` begin with a WebSocket data frame whose payload starts like a
/// SIP or MSRP start line? (For flows captured after the handshake.)
pub(crate) fn looks_like_sip_frame(d: &[u8]) -> bool {
    let Parse::Header(h) = parse_header(d) else {
        return false;
    };
    if !matches!(h.opcode, 1 | 2) || h.rsv1 || h.payload_len < 16 {
        return false;
    }
    let Some(p) = d.get(h.header_len..h.header_len + 16) else {
        return false;
    };
    let mut head = Vec::with_capacity(16);
    unmask_into(&mut head, p, h.mask);
    head.starts_with(b"SIP/2.0 ") || head.starts_with(b"MSRP ") || {
        let n = head.iter().take_while(|b| b.is_ascii_uppercase()).count();
        n >= 3 && head.get(n) == Some(&b' ') && head[n + 1..].starts_with(b"sip")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_frame_round_trip() {
        let payload = b"OPTIONS sip:a@b SIP/2.0\r\n\r\n";
        let mask = [1, 2, 3, 4];
        let mut f = vec![0x81, 0x80 | payload.len() as u8];
        f.extend_from_slice(&mask);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        assert!(looks_like_sip_frame(&f));
        let Parse::Header(h) = parse_header(&f) else {
            panic!()
        };
        let mut out = Vec::new();
        unmask_into(&mut out, &f[h.header_len..], h.mask);
        assert_eq!(out, payload);
    }

    #[test]
    fn upgrade_detection() {
        assert!(is_upgrade(
            b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nSec-WebSocket-Protocol: sip\r\n\r\n"
        ));
        assert!(!is_upgrade(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    }
}
