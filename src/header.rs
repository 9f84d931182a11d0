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
    /// The header in the table ([`TABLE`]), when it knows it.
    pub id: Option<Hdr>,
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
    /// Is this the header `h` (in any spelling, compact or not)?
    #[inline]
    pub fn is(&self, h: Hdr) -> bool {
        self.id == Some(h)
    }

    /// Does the table know this header?
    #[inline]
    pub fn known(&self) -> bool {
        self.id.is_some()
    }

    /// What the table says of this header; nothing for unknown headers.
    #[inline]
    pub fn has(&self, flags: u32) -> bool {
        self.id.is_some_and(|h| h.has(flags))
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
        if self.has(LIST) {
            split_commas(self.value)
        } else {
            vec![self.value]
        }
    }
}

/// What a header is: the header table's flags ([`HeaderDef::flags`]).
/// A comma-separated list (RFC 3261 7.3.1); any other header is one value.
pub const LIST: u32 = 1 << 0;
/// At most once in a SIP message (RFC 3261 7.3.1 and the extensions that
/// define it); Content-Length is left to the framer (`content-length-duplicate`).
pub const SINGLE: u32 = 1 << 1;
/// Its values are name-addr or addr-spec (one, or a list with [`LIST`]).
pub const ADDRESS: u32 = 1 << 2;
/// A structured value whose quoted strings must balance.
pub const QUOTED: u32 = 1 << 3;
/// Every top-level SIP request carries it (RFC 3261 8.1.1).
pub const MANDATORY: u32 = 1 << 4;
/// At most once in an MSRP message (RFC 4975 9).
pub const MSRP_SINGLE: u32 = 1 << 5;
/// The CR on deferred messages: not stored and not pushed (routing,
/// transport and charging information; 12.2.2.3 item 1a and the Reason for
/// Change).
pub const CR_REMOVED: u32 = 1 << 6;
/// The CR: a relevant header of a Large Message Mode INVITE, stored and
/// pushed in the message/sipfrag part (12.2.2.3 item 3, 12.2.2.5).
pub const CR_RELEVANT: u32 = 1 << 7;
/// The CR keeps it unaltered or the encapsulated message depends on it:
/// `encap --strip` may not remove it.
pub const CR_PROTECTED: u32 = 1 << 8;

/// One header of the table.
#[derive(Debug, Clone, Copy)]
pub struct HeaderDef {
    pub id: Hdr,
    /// The canonical spelling.
    pub name: &'static str,
    /// The compact form (RFC 3261 7.3.3 and the extensions), lower case.
    pub compact: Option<u8>,
    /// [`LIST`], [`SINGLE`], [`ADDRESS`], ... or-ed together.
    pub flags: u32,
}

macro_rules! header_table {
    ($($id:ident = $name:literal $(/ $compact:literal)? : $flags:expr;)*) => {
        /// Every header the table knows, by name: `Hdr::CallId`, `Hdr::Via`.
        /// A misspelt header at a call site does not compile.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u16)]
        pub enum Hdr {
            $($id,)*
        }

        /// The one header table: every header the crate knows, in the
        /// order of [`Hdr`] (sorted by name). Lookup of a spelling is
        /// case-insensitive (RFC 3261 7.3.1).
        pub static TABLE: &[HeaderDef] = &[
            $(HeaderDef {
                id: Hdr::$id,
                name: $name,
                compact: header_table!(@compact $($compact)?),
                flags: $flags,
            },)*
        ];
    };
    (@compact) => { None };
    (@compact $c:literal) => { Some($c) };
}

header_table! {
    Accept = "Accept": LIST;
    AcceptContact = "Accept-Contact" / b'a': LIST | QUOTED;
    AcceptEncoding = "Accept-Encoding": LIST;
    AcceptLanguage = "Accept-Language": LIST;
    AlertInfo = "Alert-Info": LIST | QUOTED;
    Allow = "Allow": LIST;
    AllowEvents = "Allow-Events" / b'u': LIST;
    AuthenticationInfo = "Authentication-Info": QUOTED | MSRP_SINGLE;
    Authorization = "Authorization": QUOTED | MSRP_SINGLE;
    ByteRange = "Byte-Range": MSRP_SINGLE;
    CallId = "Call-ID" / b'i': SINGLE | MANDATORY | CR_RELEVANT | CR_PROTECTED;
    CallInfo = "Call-Info": LIST | QUOTED;
    Contact = "Contact" / b'm': LIST | ADDRESS | QUOTED;
    ContentDescription = "Content-Description": MSRP_SINGLE;
    ContentDisposition = "Content-Disposition": SINGLE | QUOTED | MSRP_SINGLE;
    ContentEncoding = "Content-Encoding" / b'e': LIST;
    ContentId = "Content-ID": MSRP_SINGLE;
    ContentLanguage = "Content-Language": LIST;
    ContentLength = "Content-Length" / b'l': CR_PROTECTED;
    ContentTransferEncoding = "Content-Transfer-Encoding": 0;
    ContentType = "Content-Type" / b'c': SINGLE | QUOTED | MSRP_SINGLE | CR_PROTECTED;
    CSeq = "CSeq": SINGLE | MANDATORY;
    Date = "Date": SINGLE | CR_RELEVANT | CR_PROTECTED;
    ErrorInfo = "Error-Info": LIST | QUOTED;
    Event = "Event" / b'o': SINGLE | QUOTED;
    Expires = "Expires": SINGLE | MSRP_SINGLE;
    FailureReport = "Failure-Report": MSRP_SINGLE;
    From = "From" / b'f': SINGLE | ADDRESS | QUOTED | MANDATORY | CR_RELEVANT;
    FromPath = "From-Path": MSRP_SINGLE;
    Identity = "Identity" / b'y': 0;
    IdentityInfo = "Identity-Info" / b'n': QUOTED;
    InReplyTo = "In-Reply-To": LIST;
    MaxExpires = "Max-Expires": MSRP_SINGLE;
    MaxForwards = "Max-Forwards": SINGLE | MANDATORY | CR_REMOVED;
    MessageAccount = "Message-Account": 0;
    MessageId = "Message-ID": MSRP_SINGLE;
    MessagesWaiting = "Messages-Waiting": 0;
    MimeVersion = "MIME-Version": SINGLE;
    MinExpires = "Min-Expires": SINGLE | MSRP_SINGLE;
    MinSe = "Min-SE": SINGLE;
    Organization = "Organization": SINGLE;
    PAccessNetworkInfo = "P-Access-Network-Info": 0;
    PAssertedIdentity = "P-Asserted-Identity": LIST | ADDRESS | QUOTED | CR_RELEVANT;
    PAssociatedUri = "P-Associated-URI": LIST | ADDRESS | QUOTED;
    PCalledPartyId = "P-Called-Party-ID": ADDRESS | QUOTED;
    PChargingFunctionAddresses = "P-Charging-Function-Addresses": CR_REMOVED;
    PChargingVector = "P-Charging-Vector": CR_REMOVED;
    PPreferredIdentity = "P-Preferred-Identity": LIST | ADDRESS | QUOTED;
    PVisitedNetworkId = "P-Visited-Network-ID": 0;
    Path = "Path": LIST | ADDRESS | QUOTED | CR_REMOVED;
    Priority = "Priority": SINGLE | CR_RELEVANT;
    Privacy = "Privacy": 0;
    ProxyAuthenticate = "Proxy-Authenticate": QUOTED;
    ProxyAuthorization = "Proxy-Authorization": QUOTED;
    ProxyRequire = "Proxy-Require": LIST;
    RAck = "RAck": SINGLE;
    Reason = "Reason": LIST;
    RecordRoute = "Record-Route": LIST | ADDRESS | QUOTED | CR_REMOVED;
    ReferTo = "Refer-To" / b'r': SINGLE | ADDRESS | QUOTED;
    ReferredBy = "Referred-By" / b'b': SINGLE | ADDRESS | QUOTED;
    RejectContact = "Reject-Contact" / b'j': LIST | QUOTED;
    ReplyTo = "Reply-To": SINGLE | ADDRESS | QUOTED;
    RequestDisposition = "Request-Disposition" / b'd': LIST;
    Require = "Require": LIST;
    RetryAfter = "Retry-After": SINGLE;
    Route = "Route": LIST | ADDRESS | QUOTED | CR_REMOVED;
    RSeq = "RSeq": SINGLE;
    SecurityClient = "Security-Client": LIST;
    SecurityServer = "Security-Server": LIST;
    SecurityVerify = "Security-Verify": LIST;
    Server = "Server": SINGLE;
    ServiceRoute = "Service-Route": LIST | ADDRESS | QUOTED | CR_REMOVED;
    SessionExpires = "Session-Expires" / b'x': SINGLE | QUOTED;
    SipETag = "SIP-ETag": SINGLE;
    SipIfMatch = "SIP-If-Match": SINGLE;
    Status = "Status": MSRP_SINGLE;
    Subject = "Subject" / b's': SINGLE | CR_RELEVANT;
    SubscriptionState = "Subscription-State": SINGLE | QUOTED;
    SuccessReport = "Success-Report": MSRP_SINGLE;
    Supported = "Supported" / b'k': LIST;
    Timestamp = "Timestamp": SINGLE;
    To = "To" / b't': SINGLE | ADDRESS | QUOTED | MANDATORY | CR_RELEVANT;
    ToPath = "To-Path": MSRP_SINGLE;
    Unsupported = "Unsupported": LIST;
    UseNickname = "Use-Nickname": MSRP_SINGLE;
    UsePath = "Use-Path": MSRP_SINGLE;
    UserAgent = "User-Agent": SINGLE;
    Via = "Via" / b'v': LIST | QUOTED | MANDATORY | CR_REMOVED;
    Warning = "Warning": LIST | QUOTED;
    WwwAuthenticate = "WWW-Authenticate": QUOTED | MSRP_SINGLE;
}

impl Hdr {
    /// The header's entry in [`TABLE`].
    #[inline]
    pub fn def(self) -> &'static HeaderDef {
        &TABLE[self as usize]
    }

    /// The canonical spelling.
    #[inline]
    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// Does the table give it all of `flags`?
    #[inline]
    pub fn has(self, flags: u32) -> bool {
        self.def().flags & flags == flags
    }

    /// The headers with all of `flags`, in table order.
    pub fn all_with(flags: u32) -> impl Iterator<Item = Hdr> {
        TABLE
            .iter()
            .filter(move |d| d.flags & flags == flags)
            .map(|d| d.id)
    }
}

/// The header a spelling names, and whether it is the compact form. `None`
/// when the table does not know it.
pub fn lookup(name: &[u8]) -> Option<(Hdr, bool)> {
    if name.len() == 1 {
        let c = name[0].to_ascii_lowercase();
        return COMPACT
            .get_or_init(|| {
                let mut t = [None; 26];
                for d in TABLE {
                    if let Some(c) = d.compact {
                        t[usize::from(c - b'a')] = Some(d.id);
                    }
                }
                t
            })
            .get(usize::from(c.wrapping_sub(b'a')))
            .copied()
            .flatten()
            .map(|h| (h, true));
    }
    let index = NAME_INDEX.get_or_init(build_name_index);
    let bucket = index.get(name_slot(name)?)?;
    // Most traffic spells names canonically: try the exact spelling first.
    let candidates = bucket.iter().map(|&i| &TABLE[usize::from(i)]);
    let mut exact = candidates.clone().filter(|d| d.name.as_bytes() == name);
    exact
        .next()
        .or_else(|| {
            candidates
                .into_iter()
                .find(|d| d.name.as_bytes().eq_ignore_ascii_case(name))
        })
        .map(|d| (d.id, false))
}

/// Canonical name of a header spelling: (name, is_compact). `None` when unknown.
pub fn canonical_name(name: &[u8]) -> Option<(&'static str, bool)> {
    lookup(name).map(|(h, compact)| (h.name(), compact))
}

/// The header each compact letter names.
static COMPACT: std::sync::OnceLock<[Option<Hdr>; 26]> = std::sync::OnceLock::new();

/// Longest name in [`TABLE`] that gets a slot; longer names are unknown.
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
    for (i, d) in TABLE.iter().enumerate() {
        let slot = name_slot(d.name.as_bytes()).expect("known names start with a letter");
        index[slot].push(i as u16);
    }
    index
}

/// Headers whose values are comma-separated lists (RFC 3261 7.3.1), by
/// canonical name. Everything else (Date, the authentication headers,
/// Subject, ...) is one value.
pub fn is_list_header(canonical: &str) -> bool {
    lookup(canonical.as_bytes()).is_some_and(|(h, _)| h.has(LIST))
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
    let mut fold_reported = false;
    let mut over_limit = false;
    // Lines that are not a header (no colon, no name) count against the
    // header limit too: each is a finding, and findings must stay bounded.
    let mut broken = 0usize;
    // The last line was not a header: its continuation lines belong to it,
    // not to the header before it.
    let mut after_broken = false;
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
            // Its continuation lines go with it, not into the header before.
            after_broken = true;
            pos = next;
            continue;
        }
        // Continuation line: fold into the previous header.
        if matches!(line[0], b' ' | b'\t') {
            if after_broken {
                // Part of the broken line before it (already reported).
                pos = next;
                continue;
            }
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
                if dialect == Dialect::Msrp && !fold_reported {
                    fold_reported = true;
                    findings.push(
                        Finding::warning(
                            "msrp-folded-header",
                            offset_in(base, line),
                            "MSRP does not allow folded header lines (accepted; reported once per header block)",
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
                // Once: the continuation lines after it belong to it.
                after_broken = true;
            }
            pos = next;
            continue;
        }
        if headers.len() + broken >= limits.max_headers {
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
            after_broken = true;
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
            broken += 1;
            after_broken = true;
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
        let (canonical, id, compact) = match lookup(name) {
            Some((h, compact)) => (h.name(), Some(h), compact),
            // A name is made of token characters only, which are ASCII.
            None => (std::str::from_utf8(name).unwrap_or("?"), None, false),
        };
        after_broken = false;
        headers.push(Header {
            name,
            canonical,
            id,
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

/// The first header `h`.
pub fn find<'h, 'a>(headers: &'h [Header<'a>], h: Hdr) -> Option<&'h Header<'a>> {
    headers.iter().find(|x| x.is(h))
}

/// Every header `h`, in wire order.
pub fn find_all<'h, 'a>(
    headers: &'h [Header<'a>],
    h: Hdr,
) -> impl Iterator<Item = &'h Header<'a>> + 'h {
    headers.iter().filter(move |x| x.is(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header table is one consistent source: every name and compact
    /// form finds its own entry, the flags never contradict each other, and
    /// the CR's lists are the ones of the CR.
    #[test]
    fn the_header_table_is_consistent() {
        let mut compacts = std::collections::HashSet::new();
        for (i, d) in TABLE.iter().enumerate() {
            assert_eq!(d.id as usize, i, "{}", d.name);
            assert_eq!(lookup(d.name.as_bytes()), Some((d.id, false)));
            assert_eq!(
                lookup(d.name.to_ascii_lowercase().as_bytes()),
                Some((d.id, false))
            );
            if let Some(c) = d.compact {
                assert!(c.is_ascii_lowercase() && compacts.insert(c), "{}", d.name);
                assert_eq!(lookup(&[c]), Some((d.id, true)));
                assert_eq!(lookup(&[c.to_ascii_uppercase()]), Some((d.id, true)));
            }
            assert!(!(d.id.has(LIST) && d.id.has(SINGLE)), "{}", d.name);
        }
        assert!(lookup(b"X-Unknown").is_none() && lookup(b"z").is_none());
        let names = |f| Hdr::all_with(f).map(Hdr::name).collect::<Vec<_>>();
        assert_eq!(
            names(CR_REMOVED),
            [
                "Max-Forwards",
                "P-Charging-Function-Addresses",
                "P-Charging-Vector",
                "Path",
                "Record-Route",
                "Route",
                "Service-Route",
                "Via"
            ]
        );
        assert_eq!(
            names(CR_RELEVANT),
            [
                "Call-ID",
                "Date",
                "From",
                "P-Asserted-Identity",
                "Priority",
                "Subject",
                "To"
            ]
        );
        assert_eq!(
            names(CR_PROTECTED),
            ["Call-ID", "Content-Length", "Content-Type", "Date"]
        );
        assert_eq!(
            names(MANDATORY),
            ["Call-ID", "CSeq", "From", "Max-Forwards", "To", "Via"]
        );
        assert!(is_list_header("Via") && is_list_header("via") && !is_list_header("Date"));
    }
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
        assert!(!h[3].known());
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
