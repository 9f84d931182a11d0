//! Header fields: wire order, original spelling, compact forms, and one table
//! that maps every spelling to its canonical name.
//!
//! A [`Header`] borrows its name and raw value from the input. Folded values
//! (SIP LWS, RFC 3261 7.3.1) keep their line breaks in `value`; [`Header::unfolded`]
//! gives the logical value.

use std::borrow::Cow;

use crate::chars;
use crate::finding::{Finding, offset_in};

/// Which grammar a header block follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// RFC 3261: `HCOLON = *(SP / HTAB) ":" SWS`, folding allowed.
    Sip,
    /// RFC 4975: `hname ":" SP hval`, no folding.
    Msrp,
    /// RFC 2045/5322 MIME part headers: folding allowed.
    Mime,
}

/// One header field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<'a> {
    /// The name as spelled on the wire.
    pub name: &'a [u8],
    /// The canonical name (`Call-ID` for `i`, `call-id`, `CALL-ID`), or the
    /// spelling itself (as text) for headers the table does not know.
    pub canonical: &'a str,
    /// True when the table knows this header.
    pub known: bool,
    /// True when written in compact form (`i`, `v`, ...).
    pub compact: bool,
    /// The raw value, leading and trailing whitespace removed; may contain folds.
    pub value: &'a [u8],
    /// The whole field, first line start to the end of its last line (without the line end).
    pub field: &'a [u8],
    /// The value spans more than one line.
    pub folded: bool,
}

impl<'a> Header<'a> {
    /// Case-insensitive match against a canonical name.
    pub fn is(&self, canonical: &str) -> bool {
        self.canonical.eq_ignore_ascii_case(canonical)
    }

    /// The value with folds replaced by one space.
    pub fn unfolded(&self) -> Cow<'a, [u8]> {
        if !self.folded {
            return Cow::Borrowed(self.value);
        }
        let mut out = Vec::with_capacity(self.value.len());
        let mut i = 0;
        let v = self.value;
        while i < v.len() {
            if v[i] == b'\r' || v[i] == b'\n' {
                while i < v.len() && matches!(v[i], b'\r' | b'\n' | b' ' | b'\t') {
                    i += 1;
                }
                // Fold whitespace collapses into one SP (RFC 3261 7.3.1).
                while out.last().is_some_and(|&b| b == b' ' || b == b'\t') {
                    out.pop();
                }
                out.push(b' ');
            } else {
                out.push(v[i]);
                i += 1;
            }
        }
        Cow::Owned(out)
    }

    /// The unfolded value as text, when it is UTF-8.
    pub fn text(&self) -> Option<Cow<'a, str>> {
        match self.unfolded() {
            Cow::Borrowed(b) => std::str::from_utf8(b).ok().map(Cow::Borrowed),
            Cow::Owned(v) => String::from_utf8(v).ok().map(Cow::Owned),
        }
    }

    /// The comma-separated values, for headers that are lists (RFC 3261 7.3.1).
    /// Other headers (Date, WWW-Authenticate, ...) come back as one value.
    pub fn values(&self) -> Vec<&'a [u8]> {
        if is_list_header(self.canonical) {
            split_commas(self.value)
        } else {
            vec![self.value]
        }
    }
}

/// Canonical name of a header spelling: (name, is_compact). `None` when unknown.
pub fn canonical_name(name: &[u8]) -> Option<(&'static str, bool)> {
    if name.len() == 1 {
        let c = match name[0].to_ascii_lowercase() {
            // RFC 3261
            b'i' => "Call-ID",
            b'm' => "Contact",
            b'e' => "Content-Encoding",
            b'l' => "Content-Length",
            b'c' => "Content-Type",
            b'f' => "From",
            b's' => "Subject",
            b'k' => "Supported",
            b't' => "To",
            b'v' => "Via",
            // RFC 3265 / 6665
            b'o' => "Event",
            b'u' => "Allow-Events",
            // RFC 3515 / 3892
            b'r' => "Refer-To",
            b'b' => "Referred-By",
            // RFC 3841
            b'a' => "Accept-Contact",
            b'j' => "Reject-Contact",
            b'd' => "Request-Disposition",
            // RFC 4028
            b'x' => "Session-Expires",
            // RFC 4474
            b'y' => "Identity",
            b'n' => "Identity-Info",
            _ => return None,
        };
        return Some((c, true));
    }
    let index = NAME_INDEX.get_or_init(build_name_index);
    let bucket = index.get(name_slot(name)?)?;
    // Most traffic spells names canonically: try the exact spelling first.
    let candidates = bucket.iter().map(|&i| KNOWN_NAMES[usize::from(i)]);
    let mut exact = candidates.clone().filter(|known| known.as_bytes() == name);
    exact
        .next()
        .or_else(|| {
            candidates
                .into_iter()
                .find(|known| known.as_bytes().eq_ignore_ascii_case(name))
        })
        .map(|c| (c, false))
}

/// Every long-form header name the table knows, in canonical spelling.
/// Lookup is case-insensitive (RFC 3261 7.3.1).
const KNOWN_NAMES: &[&str] = &[
    "Accept",
    "Accept-Contact",
    "Accept-Encoding",
    "Accept-Language",
    "Alert-Info",
    "Allow",
    "Allow-Events",
    "Authentication-Info",
    "Authorization",
    "Byte-Range",
    "Call-ID",
    "Call-Info",
    "Contact",
    "Content-Description",
    "Content-Disposition",
    "Content-Encoding",
    "Content-ID",
    "Content-Language",
    "Content-Length",
    "Content-Transfer-Encoding",
    "Content-Type",
    "CSeq",
    "Date",
    "Error-Info",
    "Event",
    "Expires",
    "Failure-Report",
    "From",
    "From-Path",
    "Identity",
    "Identity-Info",
    "In-Reply-To",
    "Max-Expires",
    "Max-Forwards",
    "Message-Account",
    "Message-ID",
    "Messages-Waiting",
    "MIME-Version",
    "Min-Expires",
    "Min-SE",
    "Organization",
    "P-Access-Network-Info",
    "P-Asserted-Identity",
    "P-Associated-URI",
    "P-Called-Party-ID",
    "P-Charging-Function-Addresses",
    "P-Charging-Vector",
    "P-Preferred-Identity",
    "P-Visited-Network-ID",
    "Path",
    "Priority",
    "Privacy",
    "Proxy-Authenticate",
    "Proxy-Authorization",
    "Proxy-Require",
    "RAck",
    "Reason",
    "Record-Route",
    "Refer-To",
    "Referred-By",
    "Reject-Contact",
    "Reply-To",
    "Request-Disposition",
    "Require",
    "Retry-After",
    "Route",
    "RSeq",
    "Security-Client",
    "Security-Server",
    "Security-Verify",
    "Server",
    "Service-Route",
    "Session-Expires",
    "SIP-ETag",
    "SIP-If-Match",
    "Status",
    "Subject",
    "Subscription-State",
    "Success-Report",
    "Supported",
    "Timestamp",
    "To",
    "To-Path",
    "Unsupported",
    "Use-Nickname",
    "Use-Path",
    "User-Agent",
    "Via",
    "Warning",
    "WWW-Authenticate",
];

/// Longest name in [`KNOWN_NAMES`] that gets a slot; longer names are unknown.
const MAX_NAME: usize = 40;

/// Slot of a name in the index: its length and its first letter, folded to
/// lower case. Names whose first byte is not a letter are never known.
#[inline]
fn name_slot(name: &[u8]) -> Option<usize> {
    let first = name.first()?.to_ascii_lowercase();
    if name.len() > MAX_NAME || !first.is_ascii_lowercase() {
        return None;
    }
    Some(name.len() * 26 + usize::from(first - b'a'))
}

/// Candidates per (length, first letter) slot: a handful of comparisons per
/// lookup instead of a scan of the whole table.
static NAME_INDEX: std::sync::OnceLock<Vec<Vec<u16>>> = std::sync::OnceLock::new();

fn build_name_index() -> Vec<Vec<u16>> {
    let mut index = vec![Vec::new(); (MAX_NAME + 1) * 26];
    for (i, n) in KNOWN_NAMES.iter().enumerate() {
        let slot = name_slot(n.as_bytes()).expect("known names start with a letter");
        index[slot].push(i as u16);
    }
    index
}

/// Headers whose values are comma-separated lists (RFC 3261 7.3.1).
/// Everything else (Date, the authentication headers, Subject, ...) is one value.
pub fn is_list_header(canonical: &str) -> bool {
    matches!(
        canonical,
        "Accept"
            | "Accept-Contact"
            | "Accept-Encoding"
            | "Accept-Language"
            | "Alert-Info"
            | "Allow"
            | "Allow-Events"
            | "Call-Info"
            | "Contact"
            | "Content-Encoding"
            | "Content-Language"
            | "Error-Info"
            | "In-Reply-To"
            | "P-Asserted-Identity"
            | "P-Associated-URI"
            | "P-Preferred-Identity"
            | "Path"
            | "Proxy-Require"
            | "Reason"
            | "Record-Route"
            | "Reject-Contact"
            | "Request-Disposition"
            | "Require"
            | "Route"
            | "Security-Client"
            | "Security-Server"
            | "Security-Verify"
            | "Service-Route"
            | "Supported"
            | "Unsupported"
            | "Via"
            | "Warning"
    )
}

/// Split a list value at commas outside quoted strings and `<...>`.
/// Items are trimmed; empty items are kept out.
pub fn split_commas(value: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_quote = false;
    let mut in_angle = false;
    let mut i = 0;
    while i < value.len() {
        let b = value[i];
        if in_quote {
            match b {
                b'\\' => i += 1,
                b'"' => in_quote = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_quote = true,
                b'<' => in_angle = true,
                b'>' => in_angle = false,
                b',' if !in_angle => {
                    let item = value[start..i].trim_ascii();
                    if !item.is_empty() {
                        out.push(item);
                    }
                    start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    let item = value[start.min(value.len())..].trim_ascii();
    if !item.is_empty() {
        out.push(item);
    }
    out
}

/// Where a header block ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockEnd {
    /// Offset (in the block slice) of the byte after the empty line, or the
    /// block length when there is no empty line.
    pub body_start: usize,
    /// An empty line was found.
    pub terminated: bool,
}

/// Parse header lines from the start of `block` up to and including the
/// empty line that ends them. `base` is the buffer the positions of findings
/// refer to; `path` prefixes them.
///
/// Lines are split on `\n` with an optional preceding `\r`; a bare LF is
/// accepted and reported once (leniency `bare-lf`).
pub fn parse_block<'a>(
    base: &[u8],
    block: &'a [u8],
    dialect: Dialect,
    limits: &crate::limits::Limits,
    path: &str,
    findings: &mut Vec<Finding>,
) -> (Vec<Header<'a>>, BlockEnd) {
    // Typical messages carry 8 to 16 headers: one allocation, no regrowth.
    let mut headers: Vec<Header<'a>> = Vec::with_capacity(16);
    let mut pos = 0;
    let mut bare_lf_reported = false;
    let mut over_limit = false;
    let mut newlines = crate::scan::Newlines::new(block);
    while pos < block.len() {
        let (le, next) = match newlines.next() {
            Some(i) => (i, i + 1),
            None => (block.len(), block.len()),
        };
        let has_cr = le > pos && block[le - 1] == b'\r';
        let line = &block[pos..if has_cr { le - 1 } else { le }];
        if le < block.len() && !has_cr && !bare_lf_reported {
            bare_lf_reported = true;
            findings.push(
                Finding::note(
                    "bare-lf",
                    offset_in(base, &block[le..]),
                    "line ends with a bare LF instead of CRLF (accepted)",
                )
                .with_path(path),
            );
        }
        if line.is_empty() {
            return (
                headers,
                BlockEnd {
                    body_start: next,
                    terminated: true,
                },
            );
        }
        if line.len() > limits.max_header_line {
            findings.push(
                Finding::error(
                    "header-line-too-long",
                    offset_in(base, line),
                    format!(
                        "header line of {} bytes exceeds the limit of {}",
                        line.len(),
                        limits.max_header_line
                    ),
                )
                .with_path(path),
            );
            pos = next;
            continue;
        }
        // Continuation line: fold into the previous header.
        if matches!(line[0], b' ' | b'\t') {
            if let Some(last) = headers.last_mut() {
                let start = offset_in(block, last.field);
                let end = offset_in(block, line) + line.len();
                last.field = &block[start..end];
                let vstart = offset_in(block, last.value);
                let value = block[vstart.min(end)..end].trim_ascii();
                last.value = if value.is_empty() {
                    &block[end..end]
                } else {
                    value
                };
                last.folded = true;
                if dialect == Dialect::Msrp {
                    findings.push(
                        Finding::warning(
                            "msrp-folded-header",
                            offset_in(base, line),
                            "MSRP does not allow folded header lines (accepted)",
                        )
                        .with_path(path),
                    );
                }
            } else {
                findings.push(
                    Finding::error(
                        "header-leading-whitespace",
                        offset_in(base, line),
                        "header section starts with a continuation line",
                    )
                    .with_path(path),
                );
            }
            pos = next;
            continue;
        }
        if headers.len() >= limits.max_headers {
            if !over_limit {
                over_limit = true;
                findings.push(
                    Finding::error(
                        "too-many-headers",
                        offset_in(base, line),
                        format!(
                            "more than {} headers; the rest are skipped",
                            limits.max_headers
                        ),
                    )
                    .with_path(path),
                );
            }
            pos = next;
            continue;
        }
        let n = line.iter().take_while(|&&b| chars::is_token(b)).count();
        let name = &line[..n];
        let after_name = &line[n..];
        let ws = after_name
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        if n == 0 || after_name.get(ws) != Some(&b':') {
            let (code, msg) = if n > 0 && after_name.get(ws) == Some(&b'=') {
                (
                    "header-missing-colon",
                    format!(
                        "`{}=` where `{}:` was meant: header without a colon",
                        String::from_utf8_lossy(name),
                        String::from_utf8_lossy(name)
                    ),
                )
            } else if n == 0 {
                (
                    "header-invalid-name",
                    "header line does not start with a header name".to_string(),
                )
            } else {
                (
                    "header-missing-colon",
                    "header line without a colon".to_string(),
                )
            };
            findings.push(
                Finding::error(code, offset_in(base, line), msg)
                    .with_len(line.len())
                    .with_path(path),
            );
            pos = next;
            continue;
        }
        if ws > 0 {
            match dialect {
                Dialect::Sip => {}
                Dialect::Msrp | Dialect::Mime => findings.push(
                    Finding::warning(
                        "header-space-before-colon",
                        offset_in(base, &after_name[..ws]),
                        "whitespace between header name and colon (accepted)",
                    )
                    .with_path(path),
                ),
            }
        }
        let raw_value = &after_name[ws + 1..];
        if dialect == Dialect::Msrp && !raw_value.starts_with(b" ") && !raw_value.is_empty() {
            findings.push(
                Finding::error(
                    "msrp-header-no-space",
                    offset_in(base, raw_value),
                    "MSRP requires exactly one SP after the colon",
                )
                .with_path(path),
            );
        }
        let value = raw_value.trim_ascii();
        let value = if value.is_empty() {
            &raw_value[raw_value.len()..]
        } else {
            value
        };
        let (canonical, known, compact) = match canonical_name(name) {
            Some((c, compact)) => (c, true, compact),
            // A name is made of token characters only, which are ASCII.
            None => (std::str::from_utf8(name).unwrap_or("?"), false, false),
        };
        headers.push(Header {
            name,
            canonical,
            known,
            compact,
            value,
            field: line,
            folded: false,
        });
        pos = next;
    }
    (
        headers,
        BlockEnd {
            body_start: block.len(),
            terminated: false,
        },
    )
}

/// First header with this canonical name.
pub fn find<'h, 'a>(headers: &'h [Header<'a>], canonical: &str) -> Option<&'h Header<'a>> {
    headers.iter().find(|h| h.is(canonical))
}

/// Every header with this canonical name, in wire order.
pub fn find_all<'h, 'a>(
    headers: &'h [Header<'a>],
    canonical: &'h str,
) -> impl Iterator<Item = &'h Header<'a>> + 'h {
    headers.iter().filter(move |h| h.is(canonical))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;

    fn block(input: &[u8], dialect: Dialect) -> (Vec<Header<'_>>, BlockEnd, Vec<Finding>) {
        let mut f = Vec::new();
        let (h, e) = parse_block(input, input, dialect, &Limits::default(), "", &mut f);
        (h, e, f)
    }

    #[test]
    fn compact_forms_map_to_canonical_names() {
        let table = [
            ("i", "Call-ID"),
            ("m", "Contact"),
            ("e", "Content-Encoding"),
            ("l", "Content-Length"),
            ("c", "Content-Type"),
            ("f", "From"),
            ("s", "Subject"),
            ("k", "Supported"),
            ("t", "To"),
            ("v", "Via"),
            ("o", "Event"),
            ("u", "Allow-Events"),
            ("r", "Refer-To"),
            ("b", "Referred-By"),
            ("a", "Accept-Contact"),
            ("j", "Reject-Contact"),
            ("d", "Request-Disposition"),
            ("x", "Session-Expires"),
            ("y", "Identity"),
            ("n", "Identity-Info"),
            ("CALL-id", "Call-ID"),
            ("cseq", "CSeq"),
            ("WWW-authenticate", "WWW-Authenticate"),
        ];
        for (spelling, canonical) in table {
            assert_eq!(
                canonical_name(spelling.as_bytes()).map(|c| c.0),
                Some(canonical),
                "{spelling}"
            );
        }
        assert_eq!(canonical_name(b"I").unwrap(), ("Call-ID", true));
        assert_eq!(canonical_name(b"X-Custom"), None);
        assert_eq!(canonical_name(b"g"), None);
    }

    #[test]
    fn parses_block_keeping_order_spelling_and_folds() {
        let input =
            b"v: SIP/2.0/UDP a\r\nSubject: one\r\n two\r\nTO : <sip:x@y>\r\nX-A: 1\r\n\r\nbody";
        let (h, end, f) = block(input, Dialect::Sip);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(h.len(), 4);
        assert_eq!(
            (h[0].name, h[0].canonical, h[0].compact),
            (&b"v"[..], "Via", true)
        );
        assert!(h[1].folded);
        assert_eq!(&*h[1].unfolded(), b"one two");
        assert_eq!(h[2].name, b"TO");
        assert_eq!(h[2].value, b"<sip:x@y>");
        assert_eq!(h[3].canonical, "X-A");
        assert!(!h[3].known);
        assert_eq!(&input[end.body_start..], b"body");
        assert!(end.terminated);
    }

    #[test]
    fn msrp_dialect_reports_space_before_colon_and_folding() {
        let input = b"To-Path : msrp://a\r\nX: 1\r\n 2\r\n\r\n";
        let (_, _, f) = block(input, Dialect::Msrp);
        let codes: Vec<_> = f.iter().map(|x| x.code).collect();
        assert_eq!(codes, ["header-space-before-colon", "msrp-folded-header"]);
    }

    #[test]
    fn missing_colon_and_equals_typo_are_findings() {
        let input = b"Content-Type=message/sipfrag\r\nFoobar roobar\r\n\r\n";
        let (h, _, f) = block(input, Dialect::Mime);
        assert!(h.is_empty());
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|x| x.code == "header-missing-colon"));
        assert!(f[0].message.contains("Content-Type="));
        assert_eq!(f[1].offset, 30);
    }

    #[test]
    fn bare_lf_is_accepted_and_reported_once() {
        let input = b"A: 1\nB: 2\n\nbody";
        let (h, end, f) = block(input, Dialect::Sip);
        assert_eq!(h.len(), 2);
        assert_eq!(end.body_start, 11);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "bare-lf");
    }

    #[test]
    fn header_count_limit_is_enforced() {
        let mut input = Vec::new();
        for i in 0..50 {
            input.extend_from_slice(format!("X-{i}: v\r\n").as_bytes());
        }
        input.extend_from_slice(b"\r\n");
        let limits = Limits {
            max_headers: 10,
            ..Limits::default()
        };
        let mut f = Vec::new();
        let (h, _) = parse_block(&input, &input, Dialect::Sip, &limits, "", &mut f);
        assert_eq!(h.len(), 10);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "too-many-headers");
    }

    #[test]
    fn comma_split_respects_quotes_and_angles() {
        let v = br#""Doe, J" <sip:a@b;x=1,2>;tag=1 , <sip:c@d>,sip:e@f"#;
        let items = split_commas(v);
        assert_eq!(
            items,
            vec![
                &br#""Doe, J" <sip:a@b;x=1,2>;tag=1"#[..],
                &b"<sip:c@d>"[..],
                &b"sip:e@f"[..]
            ]
        );
        assert_eq!(split_commas(br#""a\",b", c"#).len(), 2);
    }

    #[test]
    fn date_and_authenticate_are_not_split() {
        let input = b"Date: Thu, 21 Feb 2002 13:02:03 GMT\r\nWWW-Authenticate: Digest realm=\"a\", nonce=\"b\"\r\nVia: SIP/2.0/UDP a, SIP/2.0/UDP b\r\n\r\n";
        let (h, _, _) = block(input, Dialect::Sip);
        assert_eq!(h[0].values().len(), 1);
        assert_eq!(h[1].values().len(), 1);
        assert_eq!(h[2].values().len(), 2);
    }
}
