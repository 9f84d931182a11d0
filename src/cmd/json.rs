//! A small streaming JSON writer for the output of `parse`.
//!
//! serde_json's `Value` builds a tree of owned strings and maps for every
//! message and then serialises it: on a capture that was four fifths of the
//! time of `parse --format jsonl`. This writer appends straight into a reused
//! buffer, borrowing every string from the parsed message, and escapes as
//! serde_json does (RFC 8259: `"`, `\`, and control characters), so the
//! output is the same JSON. Keys come out in the order written, which lets
//! `type` and `schema_version` lead each line.

use std::io::Write as _;

use base64::Engine;

/// JSON text under construction.
#[derive(Debug, Default)]
pub struct Json {
    buf: Vec<u8>,
    /// Per open container: no element written yet.
    first: Vec<bool>,
    /// A key was just written: the next value needs no separator.
    after_key: bool,
    /// Members written again and again, by the caller's key (see
    /// [`Json::cached_members`]); direct-mapped.
    cache: Vec<Option<(String, Vec<u8>)>>,
}

/// Slots of [`Json::cache`].
const CACHE_SLOTS: usize = 256;

impl Json {
    pub fn new() -> Self {
        Json::default()
    }

    /// The text so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// End a line with `sep` and keep the text: lines accumulate in the
    /// buffer (see [`Json::take`]).
    pub fn end_line(&mut self, sep: &[u8]) {
        self.buf.extend_from_slice(sep);
        self.reset_state();
    }

    /// The text so far, replaced by `spare` (emptied).
    pub fn take(&mut self, mut spare: Vec<u8>) -> Vec<u8> {
        spare.clear();
        self.reset_state();
        std::mem::replace(&mut self.buf, spare)
    }

    /// Start over, keeping the allocation.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.reset_state();
    }

    /// No container open, no key pending.
    fn reset_state(&mut self) {
        self.first.clear();
        self.after_key = false;
    }

    #[inline]
    fn value_start(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if let Some(first) = self.first.last_mut() {
            if !*first {
                self.buf.push(b',');
            }
            *first = false;
        }
    }

    #[inline]
    pub fn begin_object(&mut self) -> &mut Self {
        self.value_start();
        self.buf.push(b'{');
        self.first.push(true);
        self
    }

    #[inline]
    pub fn end_object(&mut self) -> &mut Self {
        self.first.pop();
        self.buf.push(b'}');
        self
    }

    #[inline]
    pub fn begin_array(&mut self) -> &mut Self {
        self.value_start();
        self.buf.push(b'[');
        self.first.push(true);
        self
    }

    #[inline]
    pub fn end_array(&mut self) -> &mut Self {
        self.first.pop();
        self.buf.push(b']');
        self
    }

    /// An object key; the next call writes its value.
    /// Keys are the program's own names, which never need escaping.
    #[inline]
    pub fn key(&mut self, k: &'static str) -> &mut Self {
        debug_assert!(k.bytes().all(|b| ESCAPE[usize::from(b)] == 0));
        self.value_start();
        self.buf.push(b'"');
        self.buf.extend_from_slice(k.as_bytes());
        self.buf.extend_from_slice(b"\":");
        self.after_key = true;
        self
    }

    /// A string the program knows needs no escaping: header names and their
    /// canonical forms, which are made of token characters only.
    pub fn token_str(&mut self, s: &str) -> &mut Self {
        if sipmsrp::scan::plain_json_run(s.as_bytes(), false) < s.len() {
            return self.str(s);
        }
        self.value_start();
        self.buf.push(b'"');
        self.buf.extend_from_slice(s.as_bytes());
        self.buf.push(b'"');
        self
    }

    /// `"key": bytes`, for bytes that are nearly always token characters
    /// (header names): one scan proves them ASCII with nothing to escape,
    /// else [`Json::bytes_field`].
    pub fn token_field(&mut self, key: &'static str, bytes: &[u8]) -> &mut Self {
        if sipmsrp::scan::plain_json_run(bytes, true) < bytes.len() {
            return self.bytes_field(key, bytes);
        }
        self.key(key);
        self.value_start();
        self.buf.push(b'"');
        self.buf.extend_from_slice(bytes);
        self.buf.push(b'"');
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.value_start();
        escape_into(&mut self.buf, s);
        self
    }

    /// A capture timestamp as an RFC 3339 string.
    pub fn rfc3339(&mut self, secs: i64, nanos: u32) -> &mut Self {
        self.value_start();
        self.buf.push(b'"');
        push_rfc3339(&mut self.buf, secs, nanos);
        self.buf.push(b'"');
        self
    }

    /// A socket address as a string (`192.0.2.1:5060`, `[2001:db8::1]:5060`).
    pub fn socket_addr(&mut self, a: std::net::SocketAddr) -> &mut Self {
        self.value_start();
        self.buf.push(b'"');
        push_socket_addr(&mut self.buf, a);
        self.buf.push(b'"');
        self
    }

    #[inline]
    pub fn num(&mut self, n: impl Into<u64>) -> &mut Self {
        self.value_start();
        self.digits(n.into());
        self
    }

    fn digits(&mut self, n: u64) {
        push_digits(&mut self.buf, n);
    }

    #[inline]
    pub fn opt_num(&mut self, n: Option<impl Into<u64>>) -> &mut Self {
        match n {
            Some(n) => self.num(n),
            None => self.null(),
        }
    }

    #[inline]
    pub fn bool(&mut self, b: bool) -> &mut Self {
        self.value_start();
        self.buf
            .extend_from_slice(if b { b"true" } else { b"false" });
        self
    }

    #[inline]
    pub fn null(&mut self) -> &mut Self {
        self.value_start();
        self.buf.extend_from_slice(b"null");
        self
    }

    /// Members (`"a":1,"b":2`, no trailing comma) that `build` writes into
    /// an empty object from `key` alone, kept under it and copied in one
    /// piece when asked for again: header names and their canonical forms
    /// are most of the members of most lines. The slot is picked by the
    /// key's address (static names: the same every time) and the key is
    /// compared by content.
    pub fn cached_members(&mut self, key: &str, build: impl FnOnce(&mut Json)) -> &mut Self {
        if self.cache.is_empty() {
            self.cache.resize(CACHE_SLOTS, None);
        }
        // Fibonacci hashing of the address: static names packed side by
        // side in the binary (the header table's) must not share slots.
        let slot = ((key.as_ptr() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize
            % CACHE_SLOTS;
        self.value_start();
        match &self.cache[slot] {
            Some((k, text)) if k == key => self.buf.extend_from_slice(text),
            _ => {
                let mut t = Json::new();
                t.begin_object();
                build(&mut t);
                let text = t.buf.split_off(1);
                self.buf.extend_from_slice(&text);
                self.cache[slot] = Some((key.to_string(), text));
            }
        }
        self
    }

    /// `"key": text` when the bytes are UTF-8, else `"key_base64": base64`.
    /// Never lossy.
    pub fn bytes_field(&mut self, key: &'static str, bytes: &[u8]) -> &mut Self {
        self.value_start();
        self.buf.push(b'"');
        self.buf.extend_from_slice(key.as_bytes());
        let mark = self.buf.len();
        self.buf.extend_from_slice(b"\":");
        // ASCII (nearly all of SIP and MSRP) is escaped in the same pass that
        // proves it valid; anything else is checked as UTF-8 first.
        if escape_ascii(&mut self.buf, bytes) {
            return self;
        }
        self.buf.truncate(mark);
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                self.buf.extend_from_slice(b"\":");
                escape_into(&mut self.buf, s);
            }
            Err(_) => {
                self.buf.extend_from_slice(b"_base64\":\"");
                let engine = &base64::engine::general_purpose::STANDARD;
                let start = self.buf.len();
                self.buf.resize(
                    start + base64::encoded_len(bytes.len(), true).unwrap_or(0),
                    0,
                );
                let n = engine
                    .encode_slice(bytes, &mut self.buf[start..])
                    .unwrap_or(0);
                self.buf.truncate(start + n);
                self.buf.push(b'"');
            }
        }
        self
    }
}

/// A socket address as text, by hand for IPv4 (the common case: `Display`
/// formats each octet through the formatting machinery), composed on the
/// stack and appended in one copy.
pub fn push_socket_addr(buf: &mut Vec<u8>, a: std::net::SocketAddr) {
    match a {
        std::net::SocketAddr::V4(v4) => {
            let mut t = [0u8; 24];
            let mut n = 0;
            for o in v4.ip().octets() {
                // One to three digits, then the separator (the last one
                // is overwritten by the colon).
                if o >= 100 {
                    t[n] = b'0' + o / 100;
                    n += 1;
                }
                if o >= 10 {
                    t[n] = b'0' + o / 10 % 10;
                    n += 1;
                }
                t[n] = b'0' + o % 10;
                t[n + 1] = b'.';
                n += 2;
            }
            t[n - 1] = b':';
            let port = v4.port();
            n += put_digits(&mut t[n..n + 5], u64::from(port));
            buf.extend_from_slice(&t[..n]);
        }
        v6 => {
            let _ = write!(buf, "{v6}");
        }
    }
}

#[cfg(test)]
#[test]
fn socket_addrs_like_display() {
    for a in [
        "0.0.0.0:0",
        "255.255.255.255:65535",
        "10.1.20.199:5060",
        "[2001:db8::1]:2855",
    ] {
        let a: std::net::SocketAddr = a.parse().unwrap();
        let mut buf = Vec::new();
        push_socket_addr(&mut buf, a);
        assert_eq!(String::from_utf8(buf).unwrap(), a.to_string());
    }
}

/// Decimal digits by hand: `write!` goes through the formatting machinery,
/// which showed up in profiles of `--format jsonl`.
#[inline]
pub fn push_digits(buf: &mut Vec<u8>, n: u64) {
    // Most numbers written are small (lines, columns, offset 0).
    if n < 10 {
        buf.push(b'0' + n as u8);
        return;
    }
    let mut t = [0u8; 20];
    let len = put_digits(&mut t, n);
    buf.extend_from_slice(&t[..len]);
}

/// The decimal pairs 00 to 99.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// Write the decimal digits of `n` at the start of `dst` (which has room
/// for them: 20 bytes hold any u64) and return how many.
#[inline]
fn put_digits(dst: &mut [u8], mut n: u64) -> usize {
    // Two digits per step.
    let len = n.checked_ilog10().map_or(1, |l| l as usize + 1);
    let mut at = len;
    while n >= 100 {
        let d = (n % 100) as usize * 2;
        n /= 100;
        at -= 2;
        dst[at..at + 2].copy_from_slice(&PAIRS[d..d + 2]);
    }
    if n >= 10 {
        let d = n as usize * 2;
        dst[..2].copy_from_slice(&PAIRS[d..d + 2]);
    } else {
        dst[0] = b'0' + n as u8;
    }
    len
}

/// RFC 3339 UTC time of a capture timestamp, as jiff writes it
/// (`2023-11-14T22:13:20.0042Z`: fraction without trailing zeros, none when
/// whole). By hand for years 1970 to 9999, which covers every pcap; jiff
/// otherwise. Formatting through jiff cost more than the rest of a summary line.
pub fn push_rfc3339(buf: &mut Vec<u8>, secs: i64, nanos: u32) {
    const MAX: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    if !(0..=MAX).contains(&secs) || nanos >= 1_000_000_000 {
        let text = match jiff::Timestamp::new(secs, nanos as i32) {
            Ok(t) => t.to_string(),
            Err(_) => format!("{secs}.{nanos:09}"),
        };
        buf.extend_from_slice(text.as_bytes());
        return;
    }
    let days = secs / 86_400;
    let rem = (secs % 86_400) as usize;
    // Composed on the stack, appended in one copy; the date is computed
    // once per day seen (captures span few days).
    let mut t = *b"0000-00-00T00:00:00.000000000Z";
    t[..11].copy_from_slice(&date_prefix(days));
    let two = |t: &mut [u8; 30], at: usize, v: usize| {
        t[at..at + 2].copy_from_slice(&PAIRS[v * 2..v * 2 + 2]);
    };
    two(&mut t, 11, rem / 3_600);
    two(&mut t, 14, rem / 60 % 60);
    two(&mut t, 17, rem % 60);
    if nanos == 0 {
        buf.extend_from_slice(&t[..19]);
    } else {
        let n = nanos as usize;
        t[20] = b'0' + (n / 100_000_000) as u8;
        two(&mut t, 21, n / 1_000_000 % 100);
        two(&mut t, 23, n / 10_000 % 100);
        two(&mut t, 25, n / 100 % 100);
        two(&mut t, 27, n % 100);
        let len = 9 - t[20..29].iter().rev().take_while(|&&d| d == b'0').count();
        buf.extend_from_slice(&t[..20 + len]);
    }
    buf.push(b'Z');
}

/// `YYYY-MM-DDT` of a day (days since 1970-01-01, 0 to 2,932,896).
fn date_prefix(days: i64) -> [u8; 11] {
    thread_local! {
        static LAST: std::cell::Cell<(i64, [u8; 11])> = const { std::cell::Cell::new((-1, [0; 11])) };
    }
    let (last, text) = LAST.get();
    if last == days {
        return text;
    }
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as usize;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as usize;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as usize;
    let mut t = *b"0000-00-00T";
    for (at, v) in [(0, year / 100), (2, year % 100), (5, month), (8, day)] {
        t[at..at + 2].copy_from_slice(&PAIRS[v * 2..v * 2 + 2]);
    }
    LAST.set((days, t));
    t
}

/// Bytes that need an escape in a JSON string: 0 none, else the short form
/// letter, or `u` for `\u00XX`.
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// Append `s` as a quoted JSON string.
fn escape_into(out: &mut Vec<u8>, s: &str) {
    escape_bytes(out, s.as_bytes(), false);
}

/// Append `bytes` as a quoted JSON string if they are all ASCII and return
/// true; otherwise return false, having appended part of them.
fn escape_ascii(out: &mut Vec<u8>, bytes: &[u8]) -> bool {
    escape_bytes(out, bytes, true)
}

/// The escaping loop; with `ascii_only`, stop (false) at the first byte of
/// 0x80 or more.
#[inline(always)]
fn escape_bytes(out: &mut Vec<u8>, bytes: &[u8], ascii_only: bool) -> bool {
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut i = 0;
    loop {
        // Runs that need nothing are copied whole (the common case for
        // message text: one run).
        let run = sipmsrp::scan::plain_json_run(&bytes[i..], ascii_only);
        out.extend_from_slice(&bytes[i..i + run]);
        i += run;
        let Some(&b) = bytes.get(i) else { break };
        if ascii_only && b >= 0x80 {
            return false;
        }
        i += 1;
        match ESCAPE[usize::from(b)] {
            b'u' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
            letter => {
                out.push(b'\\');
                out.push(letter);
            }
        }
    }
    out.push(b'"');
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc3339_edges() {
        for (secs, nanos, want) in [
            (0, 0, "1970-01-01T00:00:00Z"),
            (951_782_400, 500_000_000, "2000-02-29T00:00:00.5Z"),
            (1_700_000_000, 4_200_000, "2023-11-14T22:13:20.0042Z"),
            (253_402_300_799, 1, "9999-12-31T23:59:59.000000001Z"),
        ] {
            let mut buf = Vec::new();
            push_rfc3339(&mut buf, secs, nanos);
            assert_eq!(std::str::from_utf8(&buf).unwrap(), want);
        }
    }

    #[test]
    fn objects_arrays_and_separators() {
        let mut j = Json::new();
        j.begin_object()
            .key("a")
            .num(1u32)
            .key("b")
            .begin_array()
            .str("x")
            .null()
            .bool(true)
            .begin_object()
            .end_object()
            .end_array()
            .key("c")
            .opt_num(None::<u64>)
            .key("n")
            .begin_array()
            .num(0u8)
            .num(u64::MAX)
            .num(1234567u32)
            .end_array()
            .bytes_field("t", b"hi")
            .bytes_field("raw", b"\xff\x00")
            .bytes_field("u", "caf\u{e9} \"q\"\n".as_bytes())
            .key("a4")
            .socket_addr("192.0.2.10:5060".parse().unwrap())
            .key("a6")
            .socket_addr("[2001:db8::1]:5061".parse().unwrap())
            .end_object();
        let text = std::str::from_utf8(j.as_bytes()).unwrap();
        assert_eq!(
            text,
            r#"{"a":1,"b":["x",null,true,{}],"c":null,"n":[0,18446744073709551615,1234567],"t":"hi","raw_base64":"/wA=","u":"café \"q\"\n","a4":"192.0.2.10:5060","a6":"[2001:db8::1]:5061"}"#
        );
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(v["raw_base64"], "/wA=");
    }

    #[test]
    fn cached_members_are_what_build_writes_whatever_the_slot_held() {
        // More keys than slots, each asked for twice, some with the same
        // text at another address: every line must be what writing the
        // members directly gives.
        let names: Vec<String> = (0..200).map(|i| format!("Name-{}", i % 150)).collect();
        let mut cached = Json::new();
        for round in 0..2 {
            for n in &names {
                cached.begin_object();
                cached.cached_members(n, |t| {
                    t.key("name").token_str(n).key("canonical").token_str(n);
                });
                cached.key("value").num(round as u64).end_object();
                let mut direct = Json::new();
                direct
                    .begin_object()
                    .key("name")
                    .token_str(n)
                    .key("canonical")
                    .token_str(n)
                    .key("value")
                    .num(round as u64)
                    .end_object();
                assert_eq!(cached.as_bytes(), direct.as_bytes());
                cached.clear();
            }
        }
    }

    proptest! {
        /// Same text as jiff for any time a capture can hold, and beyond.
        #[test]
        fn rfc3339_like_jiff(secs in -100_000_000_000i64..300_000_000_000, nanos in 0u32..1_000_000_000) {
            let mut buf = Vec::new();
            push_rfc3339(&mut buf, secs, nanos);
            let want = match jiff::Timestamp::new(secs, nanos as i32) {
                Ok(t) => t.to_string(),
                Err(_) => format!("{secs}.{nanos:09}"),
            };
            prop_assert_eq!(String::from_utf8(buf).unwrap(), want);
        }

        /// Numbers as `Display` writes them.
        #[test]
        fn digits_like_display(n in prop_oneof![0u64..1000, any::<u64>()]) {
            let mut buf = Vec::new();
            push_digits(&mut buf, n);
            prop_assert_eq!(String::from_utf8(buf).unwrap(), n.to_string());
        }

        /// Any bytes come back exactly: as text when UTF-8, else base64.
        #[test]
        fn bytes_fields_round_trip(b in proptest::collection::vec(
            prop_oneof![Just(b'"'), Just(b'\\'), Just(b'\n'), Just(0xc3u8), Just(0xa9u8), any::<u8>(), 0x20u8..0x7f], 0..40)) {
            let mut j = Json::new();
            j.begin_object().bytes_field("k", &b).end_object();
            let v: serde_json::Value = serde_json::from_slice(j.as_bytes()).unwrap();
            match std::str::from_utf8(&b) {
                Ok(s) => prop_assert_eq!(v["k"].as_str().unwrap(), s),
                Err(_) => {
                    let d = base64::engine::general_purpose::STANDARD
                        .decode(v["k_base64"].as_str().unwrap()).unwrap();
                    prop_assert_eq!(d, b);
                }
            }
        }

        /// Same text as serde_json for any string.
        #[test]
        fn strings_escape_like_serde_json(
            a in any::<String>(),
            b in "[a-z\"\\\\\\x00-\\x1f\\x7f\u{e9}\u{2028}]{0,40}",
        ) {
            let s = format!("{b}{a}{b}");
            let mut out = Vec::new();
            escape_into(&mut out, &s);
            prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&s).unwrap());
        }
    }
}
