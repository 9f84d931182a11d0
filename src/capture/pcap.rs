//! pcap and pcapng record reading from any `Read` (no seeking).
//!
//! Records are read one at a time into one reusable buffer; a record's
//! declared length is never allocated up front (the buffer only grows with
//! bytes actually read) and is capped at [`MAX_RECORD`].
//!
//! Not pcap-parser: with etherparse on top, it is no faster on pcap and
//! about 11% slower on pcapng than this reader and the decoding after it
//! (`benches/compare/deps`), and its records would still need this
//! module's findings and limits.

use std::io::{self, BufRead, Read};

use super::CaptureError;
use super::link;
use crate::finding::Finding;

/// Largest pcap record or pcapng block accepted (libpcap uses 16 MiB for pcapng blocks).
pub const MAX_RECORD: u64 = 16 * 1024 * 1024;

const PCAPNG_SHB: u32 = 0x0A0D_0D0A;
const PCAPNG_BOM: u32 = 0x1A2B_3C4D;

/// Is this the start of a pcap or pcapng file (by its first four bytes)?
pub fn is_capture(prefix: &[u8]) -> bool {
    matches!(
        prefix.get(..4),
        Some(
            [0xd4, 0xc3, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0xc3, 0xd4]
                | [0x4d, 0x3c, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0x3c, 0x4d]
                | [0x0a, 0x0d, 0x0d, 0x0a]
        )
    )
}

/// Timestamp resolution of an interface.
#[derive(Debug, Clone, Copy)]
enum TsResol {
    /// 10^-n seconds.
    Pow10(u32),
    /// 2^-n seconds.
    Pow2(u32),
}

impl TsResol {
    fn split(self, ts: u64) -> (i64, u32) {
        match self {
            TsResol::Pow10(n) => {
                let n = n.min(19);
                let div = 10u64.pow(n);
                let secs = ts / div;
                let frac = ts % div;
                let nanos = if n <= 9 {
                    frac * 10u64.pow(9 - n)
                } else {
                    frac / 10u64.pow(n - 9)
                };
                (secs as i64, nanos as u32)
            }
            TsResol::Pow2(n) => {
                let n = n.min(63);
                let secs = ts >> n;
                let frac = ts & ((1u64 << n) - 1);
                let nanos = ((frac as u128 * 1_000_000_000u128) >> n) as u32;
                (secs as i64, nanos)
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Interface {
    linktype: u32,
    resol: TsResol,
    offset_secs: i64,
}

enum Format {
    Pcap {
        big: bool,
        nanos: bool,
        linktype: u32,
    },
    PcapNg {
        big: bool,
        interfaces: Vec<Interface>,
    },
}

/// One packet record.
pub(crate) struct Record<'a> {
    pub frame: u64,
    /// Byte offset of the record (pcapng: the block) in the capture file.
    pub offset: u64,
    pub linktype: u32,
    pub ts_secs: i64,
    pub ts_nanos: u32,
    pub data: &'a [u8],
}

/// What reading produced.
pub(crate) enum Next<'a> {
    Record(Record<'a>),
    Finding(Option<u64>, Finding),
    End,
}

pub(crate) struct RecordReader<R: BufRead> {
    r: R,
    /// Bytes of `r`'s buffer lent out as the last record's data, consumed
    /// at the next call.
    lent: usize,
    /// Bytes consumed so far (offset of the next byte).
    offset: u64,
    format: Format,
    buf: Vec<u8>,
    frame: u64,
    done: bool,
    /// pcapng block types already reported as unknown.
    unknown_blocks: std::collections::HashSet<u32>,
    /// pcapng interfaces already reported as having an unknown link type: (section, id).
    bad_ifaces: std::collections::HashSet<(u64, u32)>,
    section: u64,
}

fn u16_at(b: &[u8], at: usize, big: bool) -> u16 {
    let x = [b[at], b[at + 1]];
    if big {
        u16::from_be_bytes(x)
    } else {
        u16::from_le_bytes(x)
    }
}

fn u32_at(b: &[u8], at: usize, big: bool) -> u32 {
    let x = [b[at], b[at + 1], b[at + 2], b[at + 3]];
    if big {
        u32::from_be_bytes(x)
    } else {
        u32::from_le_bytes(x)
    }
}

impl<R: BufRead> RecordReader<R> {
    pub fn new(mut r: R) -> Result<Self, CaptureError> {
        let mut hdr = [0u8; 24];
        let mut got = read_full(&mut r, &mut hdr[..4])?;
        if got < 4 || !is_capture(&hdr[..4]) {
            return Err(CaptureError::Format {
                offset: 0,
                what: "not a pcap or pcapng file (unknown magic)".into(),
            });
        }
        if hdr[..4] == [0x0a, 0x0d, 0x0d, 0x0a] {
            let mut rr = RecordReader {
                r,
                lent: 0,
                offset: 4,
                format: Format::PcapNg {
                    big: false,
                    interfaces: Vec::new(),
                },
                buf: Vec::new(),
                frame: 0,
                done: false,
                unknown_blocks: std::collections::HashSet::new(),
                bad_ifaces: std::collections::HashSet::new(),
                section: 0,
            };
            rr.read_shb(0)?;
            return Ok(rr);
        }
        got += read_full(&mut r, &mut hdr[4..])?;
        if got < 24 {
            return Err(CaptureError::Format {
                offset: got as u64,
                what: "pcap file header is cut short".into(),
            });
        }
        let (big, nanos) = match hdr[..4] {
            [0xd4, 0xc3, 0xb2, 0xa1] => (false, false),
            [0xa1, 0xb2, 0xc3, 0xd4] => (true, false),
            [0x4d, 0x3c, 0xb2, 0xa1] => (false, true),
            _ => (true, true),
        };
        let linktype = u32_at(&hdr, 20, big) & 0xFFFF;
        if !link::supported(linktype) {
            return Err(CaptureError::UnknownLinkType {
                linktype,
                name: link::name(linktype),
            });
        }
        Ok(RecordReader {
            r,
            lent: 0,
            offset: 24,
            format: Format::Pcap {
                big,
                nanos,
                linktype,
            },
            buf: Vec::new(),
            frame: 0,
            done: false,
            unknown_blocks: std::collections::HashSet::new(),
            bad_ifaces: std::collections::HashSet::new(),
            section: 0,
        })
    }

    /// Read a pcapng Section Header Block whose type (4 bytes) was consumed
    /// at `start`.
    fn read_shb(&mut self, start: u64) -> Result<(), CaptureError> {
        let mut h = [0u8; 8];
        let got = read_full(&mut self.r, &mut h)?;
        self.offset += got as u64;
        if got < 8 {
            return Err(CaptureError::Format {
                offset: start,
                what: "pcapng section header block is cut short".into(),
            });
        }
        let big = match u32::from_le_bytes([h[4], h[5], h[6], h[7]]) {
            PCAPNG_BOM => false,
            x if x.swap_bytes() == PCAPNG_BOM => true,
            _ => {
                return Err(CaptureError::Format {
                    offset: start + 8,
                    what: "pcapng section header has no valid byte-order magic".into(),
                });
            }
        };
        let total = u64::from(u32_at(&h, 0, big));
        if total < 28 || total % 4 != 0 || total > MAX_RECORD {
            return Err(CaptureError::Format {
                offset: start + 4,
                what: format!("pcapng section header block length {total} is invalid"),
            });
        }
        // Skip the rest of the block (version, section length, options, trailer).
        let rest = total - 12;
        let skipped = io::copy(&mut (&mut self.r).take(rest), &mut io::sink())?;
        self.offset += skipped;
        if skipped < rest {
            return Err(CaptureError::Format {
                offset: start,
                what: "pcapng section header block is cut short".into(),
            });
        }
        self.format = Format::PcapNg {
            big,
            interfaces: Vec::new(),
        };
        self.section += 1;
        Ok(())
    }

    /// Read exactly `len` bytes into `self.buf`, growing it only as bytes arrive.
    /// Returns how many were read.
    fn read_body(&mut self, len: u64) -> io::Result<usize> {
        self.buf.clear();
        let n = (&mut self.r).take(len).read_to_end(&mut self.buf)?;
        self.offset += n as u64;
        Ok(n)
    }

    fn stop(&mut self, frame: Option<u64>, f: Finding) -> Result<Next<'_>, CaptureError> {
        self.done = true;
        Ok(Next::Finding(frame, f))
    }

    pub fn next_record(&mut self) -> Result<Next<'_>, CaptureError> {
        self.r.consume(std::mem::take(&mut self.lent));
        if self.done {
            return Ok(Next::End);
        }
        match self.format {
            Format::Pcap { .. } => self.next_pcap(),
            Format::PcapNg { .. } => self.next_pcapng(),
        }
    }

    fn next_pcap(&mut self) -> Result<Next<'_>, CaptureError> {
        let Format::Pcap {
            big,
            nanos,
            linktype,
        } = self.format
        else {
            unreachable!()
        };
        let start = self.offset;
        let mut h = [0u8; 16];
        let got = read_full(&mut self.r, &mut h)?;
        self.offset += got as u64;
        if got == 0 {
            self.done = true;
            return Ok(Next::End);
        }
        let frame = self.frame + 1;
        if got < 16 {
            return self.stop(
                Some(frame),
                Finding::error(
                    "pcap-truncated-record",
                    start as usize,
                    format!(
                        "the capture ends inside the header of record {frame} at byte {start}; reading stopped there"
                    ),
                ),
            );
        }
        let secs = u32_at(&h, 0, big);
        let frac = u32_at(&h, 4, big);
        let incl = u64::from(u32_at(&h, 8, big));
        if incl > MAX_RECORD {
            return self.stop(
                Some(frame),
                Finding::error(
                    "pcap-record-too-large",
                    start as usize,
                    format!(
                        "record {frame} at byte {start} declares {incl} bytes (limit {MAX_RECORD}); reading stopped there"
                    ),
                ),
            );
        }
        let ts_nanos = if nanos {
            frac.min(999_999_999)
        } else {
            frac.min(999_999).saturating_mul(1000)
        };
        // The record is lent from the reader's buffer when it is all there
        // (nearly always: records are small): no copy.
        let len = incl as usize;
        if self.r.fill_buf()?.len() >= len {
            self.frame = frame;
            self.offset += incl;
            self.lent = len;
            return Ok(Next::Record(Record {
                frame,
                offset: start,
                linktype,
                ts_secs: i64::from(secs),
                ts_nanos,
                data: &self.r.fill_buf()?[..len],
            }));
        }
        let n = self.read_body(incl)?;
        if (n as u64) < incl {
            return self.stop(
                Some(frame),
                Finding::error(
                    "pcap-truncated-record",
                    start as usize,
                    format!(
                        "the capture ends inside record {frame} (byte {start}: {n} of {incl} bytes); reading stopped there"
                    ),
                ),
            );
        }
        self.frame = frame;
        Ok(Next::Record(Record {
            frame,
            offset: start,
            linktype,
            ts_secs: i64::from(secs),
            ts_nanos,
            data: &self.buf,
        }))
    }

    fn next_pcapng(&mut self) -> Result<Next<'_>, CaptureError> {
        loop {
            let Format::PcapNg { big, .. } = self.format else {
                unreachable!()
            };
            let start = self.offset;
            let mut h = [0u8; 8];
            let got = read_full(&mut self.r, &mut h[..4])?;
            self.offset += got as u64;
            if got == 0 {
                self.done = true;
                return Ok(Next::End);
            }
            let frame = Some(self.frame + 1);
            if got < 4 {
                return self.stop(
                    frame,
                    Finding::error(
                        "pcap-truncated-record",
                        start as usize,
                        format!(
                            "the capture ends inside a block header at byte {start}; reading stopped there"
                        ),
                    ),
                );
            }
            if u32::from_le_bytes([h[0], h[1], h[2], h[3]]) == PCAPNG_SHB {
                match self.read_shb(start) {
                    Ok(()) => continue,
                    Err(CaptureError::Format { offset, what }) => {
                        return self.stop(
                            frame,
                            Finding::error("pcap-truncated-record", offset as usize, what),
                        );
                    }
                    Err(e) => return Err(e),
                }
            }
            let got = read_full(&mut self.r, &mut h[4..])?;
            self.offset += got as u64;
            if got < 4 {
                return self.stop(
                    frame,
                    Finding::error(
                        "pcap-truncated-record",
                        start as usize,
                        format!(
                            "the capture ends inside a block header at byte {start}; reading stopped there"
                        ),
                    ),
                );
            }
            let btype = u32_at(&h, 0, big);
            let total = u64::from(u32_at(&h, 4, big));
            if total < 12 || total % 4 != 0 {
                return self.stop(
                    frame,
                    Finding::error(
                        "pcap-bad-block",
                        start as usize,
                        format!(
                            "block at byte {start} has invalid length {total}; reading stopped there"
                        ),
                    ),
                );
            }
            if total > MAX_RECORD {
                return self.stop(
                    frame,
                    Finding::error(
                        "pcap-record-too-large",
                        start as usize,
                        format!(
                            "block at byte {start} declares {total} bytes (limit {MAX_RECORD}); reading stopped there"
                        ),
                    ),
                );
            }
            let body_len = total - 8;
            let n = self.read_body(body_len)?;
            if (n as u64) < body_len {
                return self.stop(
                    frame,
                    Finding::error(
                        "pcap-truncated-record",
                        start as usize,
                        format!(
                            "the capture ends inside the block at byte {start} ({} of {total} bytes); reading stopped there",
                            n + 8
                        ),
                    ),
                );
            }
            // The body without the trailing length.
            let body_end = self.buf.len() - 4;
            match btype {
                1 => {
                    // Interface Description Block.
                    if body_end < 8 {
                        continue;
                    }
                    let linktype = u32::from(u16_at(&self.buf, 0, big));
                    let mut resol = TsResol::Pow10(6);
                    let mut offset_secs = 0i64;
                    let mut at = 8;
                    while at + 4 <= body_end {
                        let code = u16_at(&self.buf, at, big);
                        let len = usize::from(u16_at(&self.buf, at + 2, big));
                        let v = at + 4;
                        if code == 0 || v + len > body_end {
                            break;
                        }
                        if code == 9 && len >= 1 {
                            let b = self.buf[v];
                            resol = if b & 0x80 == 0 {
                                TsResol::Pow10(u32::from(b))
                            } else {
                                TsResol::Pow2(u32::from(b & 0x7f))
                            };
                        } else if code == 14 && len >= 8 {
                            let x: [u8; 8] = self.buf[v..v + 8].try_into().unwrap_or([0; 8]);
                            offset_secs = if big {
                                i64::from_be_bytes(x)
                            } else {
                                i64::from_le_bytes(x)
                            };
                        }
                        at = v + len.div_ceil(4) * 4;
                    }
                    if let Format::PcapNg { interfaces, .. } = &mut self.format {
                        interfaces.push(Interface {
                            linktype,
                            resol,
                            offset_secs,
                        });
                    }
                }
                6 | 3 | 2 => {
                    // Enhanced, Simple and (obsolete) Packet Blocks.
                    let frame = self.frame + 1;
                    let (iface, ts, caplen, data_at) = match btype {
                        6 if body_end >= 20 => {
                            let ts = (u64::from(u32_at(&self.buf, 4, big)) << 32)
                                | u64::from(u32_at(&self.buf, 8, big));
                            (
                                u32_at(&self.buf, 0, big),
                                Some(ts),
                                u32_at(&self.buf, 12, big),
                                20,
                            )
                        }
                        3 if body_end >= 4 => {
                            let orig = u32_at(&self.buf, 0, big) as usize;
                            (0, None, orig.min(body_end - 4) as u32, 4)
                        }
                        2 if body_end >= 20 => {
                            let ts = (u64::from(u32_at(&self.buf, 4, big)) << 32)
                                | u64::from(u32_at(&self.buf, 8, big));
                            (
                                u32::from(u16_at(&self.buf, 0, big)),
                                Some(ts),
                                u32_at(&self.buf, 12, big),
                                20,
                            )
                        }
                        _ => {
                            self.frame = frame;
                            return Ok(Next::Finding(
                                Some(frame),
                                Finding::error(
                                    "pcap-bad-block",
                                    start as usize,
                                    format!("packet block at byte {start} is too short; skipped"),
                                ),
                            ));
                        }
                    };
                    self.frame = frame;
                    let Format::PcapNg { interfaces, .. } = &self.format else {
                        unreachable!()
                    };
                    let Some(ifc) = interfaces.get(iface as usize) else {
                        return Ok(Next::Finding(
                            Some(frame),
                            Finding::error(
                                "pcap-bad-block",
                                start as usize,
                                format!(
                                    "packet block at byte {start} names interface {iface}, which was not described; skipped"
                                ),
                            ),
                        ));
                    };
                    let linktype = ifc.linktype;
                    let (ts_secs, ts_nanos) = match ts {
                        Some(ts) => {
                            let (s, n) = ifc.resol.split(ts);
                            (s.saturating_add(ifc.offset_secs), n)
                        }
                        None => (0, 0),
                    };
                    let caplen = (caplen as usize).min(body_end.saturating_sub(data_at));
                    if !link::supported(linktype) {
                        let key = (self.section, iface);
                        if !self.bad_ifaces.insert(key) {
                            continue;
                        }
                        return Ok(Next::Finding(
                            Some(frame),
                            Finding::error(
                                "pcap-unknown-link-type",
                                start as usize,
                                format!(
                                    "interface {iface} has link type {linktype} ({}), which is not supported; its packets are skipped",
                                    link::name(linktype)
                                ),
                            ),
                        ));
                    }
                    return Ok(Next::Record(Record {
                        frame,
                        offset: start,
                        linktype,
                        ts_secs,
                        ts_nanos,
                        data: &self.buf[data_at..data_at + caplen],
                    }));
                }
                // Name resolution, interface statistics, decryption secrets,
                // custom blocks, systemd journal export: known, not needed.
                4 | 5 | 0xA | 0xBAD | 0x4000_0BAD => {}
                _ => {
                    if self.unknown_blocks.insert(btype) {
                        return Ok(Next::Finding(
                            None,
                            Finding::note(
                                "pcapng-unknown-block",
                                start as usize,
                                format!(
                                    "pcapng block type {btype:#010x} at byte {start} is unknown; skipped (reported once per type)"
                                ),
                            ),
                        ));
                    }
                }
            }
        }
    }
}

/// Read until `buf` is full or the input ends; returns bytes read.
fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_detection() {
        assert!(is_capture(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0]));
        assert!(is_capture(&[0xa1, 0xb2, 0x3c, 0x4d]));
        assert!(is_capture(&[0x0a, 0x0d, 0x0d, 0x0a]));
        assert!(!is_capture(b"INVITE sip:x SIP/2.0"));
        assert!(!is_capture(&[0xd4, 0xc3]));
    }

    #[test]
    fn timestamp_resolutions() {
        assert_eq!(TsResol::Pow10(6).split(1_500_000), (1, 500_000_000));
        assert_eq!(TsResol::Pow10(9).split(2_000_000_001), (2, 1));
        assert_eq!(TsResol::Pow10(3).split(1_250), (1, 250_000_000));
        assert_eq!(TsResol::Pow2(1).split(3), (1, 500_000_000));
        assert_eq!(TsResol::Pow10(12).split(1_000_000_000_001), (1, 0));
    }
}
