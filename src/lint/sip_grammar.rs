//! RFC 3261 grammar and semantics for every SIP message, at any depth:
//! start lines, header syntax, scalar ranges, CSeq against the method, Date,
//! duplicate single-value headers, and the mandatory headers of a top-level
//! message.

// One arm per header reads better than guards folded into the patterns.
#![allow(clippy::collapsible_match)]

use crate::header::Hdr;
use std::borrow::Cow;

use crate::chars;
use crate::finding::Finding;
use crate::header::{ADDRESS, Header, LIST, QUOTED, SINGLE};
use crate::sip::{SipMessage, StartLine, parse_via};

use super::scan::comma_items;
use super::{Cx, lossy};

/// What the rules need to know about a header, from the header table
/// (`crate::header::TABLE`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Class {
    /// Quoted strings must balance.
    quoted: bool,
    /// One name-addr or addr-spec.
    addr_single: bool,
    /// A list of name-addr / addr-spec.
    addr_list: bool,
    /// Bit in the set of single-value headers seen (0 when it may repeat).
    single: u128,
    /// Index in [`MANDATORY`].
    mandatory: Option<u8>,
}

fn class_of(h: &Header<'_>) -> Class {
    let Some(id) = h.id else {
        return Class::default();
    };
    Class {
        quoted: id.has(QUOTED),
        addr_single: id.has(ADDRESS) && !id.has(LIST),
        addr_list: id.has(ADDRESS | LIST),
        single: if id.has(SINGLE) {
            1u128 << (id as u32)
        } else {
            0
        },
        mandatory: MANDATORY.iter().position(|&m| m == id).map(|i| i as u8),
    }
}

/// The canonical name of a header the table knows, else "".
fn known<'h>(h: &'h Header<'_>) -> &'h str {
    if h.known() { h.canonical } else { "" }
}

/// Check one SIP message or fragment. `top`: a top-level message (not
/// encapsulated), for which the mandatory headers are required.
pub(crate) fn check(cx: &mut Cx<'_>, msg: &SipMessage<'_>, path: &str, top: bool) {
    check_start_line(cx, msg, path);
    let method = msg.method();
    let mut seen = 0u128;
    // To, From, CSeq, Call-ID, Via, Max-Forwards present.
    let mut present = [false; 6];
    for h in &msg.headers {
        let c = known(h);
        let cl = class_of(h);
        if let Some(i) = cl.mandatory {
            present[usize::from(i)] = true;
        }
        if cl.single != 0 {
            let bit = cl.single;
            if seen & bit != 0 {
                cx.header(
                    "duplicate-header",
                    path,
                    h,
                    format!("{c} appears more than once; it is a single-value header"),
                );
            } else {
                seen |= bit;
            }
        }
        check_header(cx, h, cl, method, path);
    }
    if top {
        check_mandatory(cx, msg, path, &present);
    }
}

/// The headers flagged `MANDATORY` in the table, in the order
/// `mandatory-header-missing` names them, Max-Forwards last (a warning).
const MANDATORY: [Hdr; 6] = [
    Hdr::To,
    Hdr::From,
    Hdr::CSeq,
    Hdr::CallId,
    Hdr::Via,
    Hdr::MaxForwards,
];

fn start_at(cx: &Cx<'_>, msg: &SipMessage<'_>) -> (usize, usize) {
    match msg.start_line {
        Some(l) => (cx.at(l), l.len()),
        None => (cx.at(msg.raw), 0),
    }
}

fn check_start_line(cx: &mut Cx<'_>, msg: &SipMessage<'_>, path: &str) {
    let Some(line) = msg.start_line else {
        return;
    };
    match &msg.start {
        Some(StartLine::Request { uri, version, .. }) => {
            if line.last().is_some_and(|&b| b == b' ' || b == b'\t') {
                cx.push(
                    Finding::error(
                        "request-line-spacing",
                        cx.at(line) + line.trim_ascii_end().len(),
                        "whitespace after the SIP-Version at the end of the Request-Line",
                    )
                    .with_path(path),
                );
                return;
            }
            if version.is_empty() {
                // request-line-no-version already said it.
                return;
            }
            let trimmed = uri.trim_ascii();
            if trimmed.len() != uri.len() || line.contains(&b'\t') {
                cx.push(
                    Finding::error(
                        "request-line-spacing",
                        cx.at(uri),
                        "Request-Line elements must be separated by single SP characters",
                    )
                    .with_len(uri.len())
                    .with_path(path),
                );
            }
            check_request_uri(cx, trimmed, path);
        }
        Some(StartLine::Response { code: Some(c), .. }) if !(100..=699).contains(c) => {
            cx.push(
                Finding::error(
                    "status-code-out-of-range",
                    cx.at(line),
                    format!("status code {c} is outside 100-699"),
                )
                .with_len(line.len())
                .with_path(path),
            );
        }
        _ => {}
    }
}

/// The scheme of a URI (`scheme ":"`), if it has a valid one.
fn scheme(uri: &[u8]) -> Option<&[u8]> {
    let colon = memchr::memchr(b':', uri)?;
    let s = &uri[..colon];
    let ok = !s.is_empty()
        && s[0].is_ascii_alphabetic()
        && s.iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    ok.then_some(s)
}

/// `%` followed by two hex digits everywhere.
fn escapes_ok(uri: &[u8]) -> bool {
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'%', &uri[i.min(uri.len())..]) {
        let at = i + p;
        if !uri.get(at + 1).is_some_and(|b| b.is_ascii_hexdigit())
            || !uri.get(at + 2).is_some_and(|b| b.is_ascii_hexdigit())
        {
            return false;
        }
        i = at + 3;
    }
    true
}

/// Bytes of a host name or IPv4 address: alphanumerics, `-`, `.`, `_`.
static HOST_CHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'.' || c == b'_';
        b += 1;
    }
    t
};

/// The host[:port] of a SIP or SIPS URI (after `scheme:`): a bracketed
/// IPv6 reference or a host name / IPv4 address, then an optional port.
fn hostport_problem(uri: &[u8], after_scheme: usize) -> Option<String> {
    let start = memchr::memrchr(b'@', uri).map_or(after_scheme, |i| i + 1);
    let rest = &uri[start.max(after_scheme).min(uri.len())..];
    let end = memchr::memchr2(b';', b'?', rest).unwrap_or(rest.len());
    let hp = &rest[..end];
    let (host, port) = if let Some(r) = hp.strip_prefix(b"[") {
        let Some(close) = memchr::memchr(b']', r) else {
            return Some("IPv6 reference without `]`".into());
        };
        let inner = &r[..close];
        if inner.is_empty()
            || !inner
                .iter()
                .all(|&b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return Some(format!("`[{}]` is not an IPv6 address", lossy(inner)));
        }
        (&hp[..close + 2], &r[close + 1..])
    } else {
        match memchr::memchr(b':', hp) {
            Some(c) => (&hp[..c], &hp[c..]),
            None => (hp, &hp[hp.len()..]),
        }
    };
    if host.is_empty() {
        return Some("no host".into());
    }
    if !host.starts_with(b"[") && !host.iter().all(|&b| HOST_CHAR[usize::from(b)]) {
        if host.contains(&b':') || port.iter().filter(|&&b| b == b':').count() > 1 {
            return Some("IPv6 address without `[]`".into());
        }
        return Some(format!("`{}` is not a host name or address", lossy(host)));
    }
    if !port.is_empty() {
        let digits = &port[1..];
        if !port.starts_with(b":") || digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return Some(if port[1..].contains(&b':') {
                "IPv6 address without `[]`".into()
            } else {
                format!("port `{}` is not a number", lossy(&port[1..]))
            });
        }
    }
    None
}

fn check_request_uri(cx: &mut Cx<'_>, uri: &[u8], path: &str) {
    let at = cx.at(uri);
    let problem = if uri.starts_with(b"<") || uri.ends_with(b">") {
        Some("Request-URI is enclosed in `<>`".to_string())
    } else if uri.iter().any(|b| b.is_ascii_whitespace()) {
        Some("Request-URI contains whitespace".to_string())
    } else if let Some(s) = scheme(uri) {
        let sip = s.eq_ignore_ascii_case(b"sip") || s.eq_ignore_ascii_case(b"sips");
        // The userinfo may hold `?`: URI headers follow the host.
        let after_user = memchr::memrchr(b'@', uri).map_or(s.len() + 1, |i| i + 1);
        if sip && memchr::memchr(b'?', &uri[after_user..]).is_some() {
            Some("Request-URI carries URI headers (`?...`), which a Request-URI must not".into())
        } else if let Some(p) = sip.then(|| hostport_problem(uri, s.len() + 1)).flatten() {
            Some(format!("Request-URI: {p}"))
        } else if !escapes_ok(uri) {
            Some("Request-URI has a `%` not followed by two hex digits".into())
        } else {
            None
        }
    } else {
        Some(format!("Request-URI `{}` has no scheme", lossy(uri)))
    };
    if let Some(m) = problem {
        cx.push(
            Finding::error("request-uri-invalid", at, m)
                .with_len(uri.len())
                .with_path(path),
        );
    }
}

/// The quoted strings of `v` do not close.
pub(crate) fn unbalanced_quotes(v: &[u8]) -> bool {
    let Some(first) = memchr::memchr(b'"', v) else {
        return false;
    };
    let mut in_q = false;
    let mut i = first;
    while i < v.len() {
        match v[i] {
            b'\\' if in_q => i += 1,
            b'"' => in_q = !in_q,
            _ => {}
        }
        i += 1;
    }
    in_q
}

fn digits_u32(v: &[u8]) -> bool {
    crate::framing::parse_u64(v).is_some_and(|n| n <= u64::from(u32::MAX))
}

fn check_header(cx: &mut Cx<'_>, h: &Header<'_>, cl: Class, method: Option<&[u8]>, path: &str) {
    let value: Cow<'_, [u8]> = h.unfolded();
    let value = value.trim_ascii();
    let c = known(h);
    if cl.quoted && unbalanced_quotes(value) {
        cx.header(
            "header-unbalanced-quotes",
            path,
            h,
            format!("{}: a quoted string is not closed", h.canonical),
        );
        return;
    }
    match h.id {
        _ if cl.addr_single => check_addr(cx, h, value, path),
        _ if cl.addr_list => {
            if h.is(Hdr::Contact) && value == b"*" {
                return;
            }
            if has_empty_element(value) {
                cx.header(
                    "header-params-invalid",
                    path,
                    h,
                    format!("{c} has an empty list element"),
                );
            }
            for v in comma_items(value) {
                check_addr(cx, h, v, path);
            }
        }
        Some(Hdr::Via) => check_via(cx, h, value, path),
        Some(Hdr::CSeq) => {
            let mut it = value
                .split(|b| b.is_ascii_whitespace())
                .filter(|s| !s.is_empty());
            let num = it.next().unwrap_or_default();
            let m = it.next();
            let extra = it.next();
            if !digits_u32(num) || !m.is_some_and(chars::is_token_str) || extra.is_some() {
                cx.header(
                    "cseq-invalid",
                    path,
                    h,
                    format!(
                        "CSeq `{}` is not a sequence number below 2^32 and a method",
                        lossy(value)
                    ),
                );
            } else if let (Some(req), Some(m)) = (method, m)
                && req != m
            {
                cx.header(
                    "cseq-method-mismatch",
                    path,
                    h,
                    format!(
                        "CSeq method {} differs from the request method {}",
                        lossy(m),
                        lossy(req)
                    ),
                );
            }
        }
        Some(Hdr::MaxForwards) => {
            if crate::framing::parse_u64(value).is_none_or(|n| n > 255) {
                cx.header(
                    "max-forwards-invalid",
                    path,
                    h,
                    format!("Max-Forwards `{}` is not an integer 0-255", lossy(value)),
                );
            }
        }
        Some(Hdr::Expires) => {
            if !digits_u32(value) {
                cx.header(
                    "expires-invalid",
                    path,
                    h,
                    format!("Expires `{}` is not delta-seconds below 2^32", short(value)),
                );
            }
        }
        Some(Hdr::MinExpires | Hdr::RSeq | Hdr::MinSe) => {
            let v = value
                .split(|&b| b == b';')
                .next()
                .unwrap_or_default()
                .trim_ascii();
            if !digits_u32(v) {
                cx.header(
                    "scalar-invalid",
                    path,
                    h,
                    format!("{c} `{}` is not a number below 2^32", short(value)),
                );
            }
        }
        Some(Hdr::RetryAfter) => {
            let n = value
                .iter()
                .take_while(|b| !matches!(b, b'(' | b';' | b' ' | b'\t'))
                .count();
            if !digits_u32(&value[..n]) {
                cx.header(
                    "scalar-invalid",
                    path,
                    h,
                    format!(
                        "Retry-After `{}` is not delta-seconds below 2^32",
                        short(value)
                    ),
                );
            }
        }
        Some(Hdr::Warning) => {
            for w in comma_items(value) {
                let code = w.split(|&b| b == b' ').next().unwrap_or_default();
                if code.len() != 3 || !code.iter().all(u8::is_ascii_digit) {
                    cx.header(
                        "scalar-invalid",
                        path,
                        h,
                        format!("warn-code `{}` is not three digits", lossy(code)),
                    );
                }
            }
        }
        Some(Hdr::Date) => {
            if !rfc1123_gmt(value) {
                cx.header(
                    "date-invalid",
                    path,
                    h,
                    format!(
                        "Date `{}` is not RFC 1123 GMT (e.g. `Thu, 21 Feb 2002 13:02:03 GMT`)",
                        lossy(value)
                    ),
                );
            }
        }
        _ => {}
    }
}

fn short(v: &[u8]) -> String {
    if v.len() > 40 {
        format!("{}...", lossy(&v[..40]))
    } else {
        lossy(v)
    }
}

/// `,,`, a leading or a trailing comma outside quotes and `<>`.
fn has_empty_element(v: &[u8]) -> bool {
    if memchr::memchr(b',', v).is_none() {
        // No separator: only a value of blanks (and `>`) is an empty element.
        return !v.is_empty()
            && v.iter()
                .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'>'));
    }
    let mut in_q = false;
    let mut in_a = false;
    let mut last_sep = true; // start counts as after a separator
    let mut i = 0;
    while i < v.len() {
        let b = v[i];
        if in_q {
            match b {
                b'\\' => i += 1,
                b'"' => in_q = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => {
                    in_q = true;
                    last_sep = false;
                }
                b'<' => {
                    in_a = true;
                    last_sep = false;
                }
                b'>' => in_a = false,
                b',' if !in_a => {
                    if last_sep {
                        return true;
                    }
                    last_sep = true;
                }
                b' ' | b'\t' | b'\r' | b'\n' => {}
                _ => last_sep = false,
            }
        }
        i += 1;
    }
    last_sep && !v.is_empty()
}

/// One `token [ "=" value ]` item.
fn param_problem(item: &[u8]) -> Option<String> {
    if item.is_empty() {
        return Some("empty parameter (`;;` or a trailing `;`)".into());
    }
    let (name, value) = match memchr::memchr(b'=', item) {
        Some(eq) => (item[..eq].trim_ascii(), Some(item[eq + 1..].trim_ascii())),
        None => (item, None),
    };
    if !chars::is_token_str(name) {
        return Some(format!("parameter name `{}` is not a token", lossy(name)));
    }
    if let Some(v) = value {
        let ok = if v.starts_with(b"\"") {
            v.len() >= 2 && v.ends_with(b"\"")
        } else {
            !v.is_empty()
                && v.iter()
                    .all(|&b| chars::is_token(b) || matches!(b, b'[' | b']' | b':'))
        };
        if !ok {
            return Some(format!(
                "parameter `{}` has an invalid value `{}`",
                lossy(name),
                lossy(v)
            ));
        }
    }
    None
}

/// `;param` list: every item `token [ "=" value ]`, nothing empty.
/// Returns a description of the first problem.
fn params_problem(params: &[u8]) -> Option<String> {
    let p = params.trim_ascii();
    if p.is_empty() {
        return None;
    }
    if !p.starts_with(b";") {
        return Some(format!("`{}` after the address is not `;param`", lossy(p)));
    }
    // Each `;`-separated item outside quotes, without allocating.
    let mut start = 1;
    let mut i = 1;
    loop {
        match memchr::memchr2(b';', b'"', &p[i..]) {
            Some(k) if p[i + k] == b'"' => {
                // Skip the quoted string (a backslash escapes the next byte).
                let mut j = i + k + 1;
                while j < p.len() && p[j] != b'"' {
                    j += if p[j] == b'\\' { 2 } else { 1 };
                }
                if j >= p.len() {
                    return Some("unterminated quoted parameter value".into());
                }
                i = j + 1;
            }
            found => {
                let end = found.map_or(p.len(), |k| i + k);
                if let Some(problem) = param_problem(p[start..end].trim_ascii()) {
                    return Some(problem);
                }
                found?;
                start = end + 1;
                i = end + 1;
            }
        }
    }
}

fn check_uri(cx: &mut Cx<'_>, h: &Header<'_>, uri: &[u8], path: &str) -> bool {
    let Some(s) = scheme(uri) else {
        cx.header(
            "uri-invalid",
            path,
            h,
            format!("{}: `{}` has no URI scheme", h.canonical, lossy(uri)),
        );
        return false;
    };
    if (s.eq_ignore_ascii_case(b"sip") || s.eq_ignore_ascii_case(b"sips"))
        && let Some(p) = hostport_problem(uri, s.len() + 1)
    {
        cx.header(
            "uri-invalid",
            path,
            h,
            format!("{}: `{}`: {p}", h.canonical, lossy(uri)),
        );
        return false;
    }
    if !escapes_ok(uri) {
        cx.header(
            "uri-invalid",
            path,
            h,
            format!("{}: `%` not followed by two hex digits", h.canonical),
        );
        return false;
    }
    true
}

fn quoted_string_whole(v: &[u8]) -> bool {
    if !v.starts_with(b"\"") || v.len() < 2 {
        return false;
    }
    let mut i = 1;
    while i < v.len() {
        match v[i] {
            b'\\' => i += 2,
            b'"' => return i == v.len() - 1,
            _ => i += 1,
        }
    }
    false
}

/// The first `<` outside a quoted string.
fn first_angle(v: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(p) = memchr::memchr2(b'<', b'"', &v[i..]) {
        let at = i + p;
        if v[at] == b'<' {
            return Some(at);
        }
        // Skip the quoted string (a backslash escapes the next byte).
        let mut j = at + 1;
        while j < v.len() && v[j] != b'"' {
            j += if v[j] == b'\\' { 2 } else { 1 };
        }
        if j >= v.len() {
            return None;
        }
        i = j + 1;
    }
    None
}

/// A name-addr or addr-spec with its header parameters.
fn check_addr(cx: &mut Cx<'_>, h: &Header<'_>, v: &[u8], path: &str) {
    let lt = first_angle(v);
    let c = &h.canonical;
    if let Some(lt) = lt {
        let Some(gt) = memchr::memchr(b'>', &v[lt..]).map(|g| lt + g) else {
            cx.header(
                "name-addr-invalid",
                path,
                h,
                format!("{c}: `<` without `>`"),
            );
            return;
        };
        let display = v[..lt].trim_ascii();
        if !display.is_empty() {
            let ok = if display.starts_with(b"\"") {
                quoted_string_whole(display)
            } else {
                display
                    .iter()
                    .all(|&b| chars::is_token(b) || matches!(b, b' ' | b'\t'))
            };
            if !ok {
                cx.header(
                    "display-name-invalid",
                    path,
                    h,
                    format!(
                        "{c}: display name `{}` is neither tokens nor a quoted string",
                        lossy(display)
                    ),
                );
            }
        }
        let inner = &v[lt + 1..gt];
        if inner.iter().any(|b| b.is_ascii_whitespace()) {
            cx.header(
                "addr-spec-whitespace",
                path,
                h,
                format!("{c}: whitespace inside `<{}>`", lossy(inner)),
            );
        } else {
            check_uri(cx, h, inner, path);
        }
        if let Some(p) = params_problem(&v[gt + 1..]) {
            cx.header("header-params-invalid", path, h, format!("{c}: {p}"));
        } else {
            check_expires_param(cx, h, &v[gt + 1..], path);
        }
    } else {
        if v.contains(&b'"') || v.contains(&b'>') {
            cx.header(
                "name-addr-invalid",
                path,
                h,
                format!(
                    "{c}: `{}` is neither a name-addr nor an addr-spec",
                    lossy(v)
                ),
            );
            return;
        }
        let semi = memchr::memchr(b';', v).unwrap_or(v.len());
        let uri = v[..semi].trim_ascii();
        if uri.iter().any(|b| b.is_ascii_whitespace()) {
            cx.header(
                "addr-spec-whitespace",
                path,
                h,
                format!(
                    "{c}: `{}` contains whitespace (a display name needs `<>` around the URI)",
                    lossy(uri)
                ),
            );
            return;
        }
        if uri.contains(&b'?') || uri.contains(&b',') {
            cx.header(
                "uri-needs-angle-brackets",
                path,
                h,
                format!(
                    "{c}: `{}` contains `?` or `,` and must be enclosed in `<>`",
                    lossy(uri)
                ),
            );
            return;
        }
        check_uri(cx, h, uri, path);
        if let Some(p) = params_problem(&v[semi..]) {
            cx.header("header-params-invalid", path, h, format!("{c}: {p}"));
        } else {
            check_expires_param(cx, h, &v[semi..], path);
        }
    }
}

fn check_expires_param(cx: &mut Cx<'_>, h: &Header<'_>, params: &[u8], path: &str) {
    if !h.is(Hdr::Contact) {
        return;
    }
    if let Some(e) = super::scan::param_value(params, "expires")
        && !digits_u32(e)
    {
        cx.header(
            "expires-invalid",
            path,
            h,
            format!(
                "Contact expires `{}` is not delta-seconds below 2^32",
                short(e)
            ),
        );
    }
}

fn check_via(cx: &mut Cx<'_>, h: &Header<'_>, value: &[u8], path: &str) {
    if has_empty_element(value) {
        cx.header("via-invalid", path, h, "Via has an empty list element");
        return;
    }
    for item in comma_items(value) {
        let Some(via) = parse_via(item) else {
            cx.header(
                "via-invalid",
                path,
                h,
                format!("`{}` is not `SIP/2.0/transport sent-by`", lossy(item)),
            );
            return;
        };
        // `SIP / 2.0 / transport`, each a token.
        let mut parts = via.protocol.split(|&b| b == b'/').map(<[u8]>::trim_ascii);
        let proto_ok = parts.next().is_some_and(|p| p.eq_ignore_ascii_case(b"SIP"))
            && parts.next() == Some(&b"2.0"[..])
            && parts.next().is_some_and(chars::is_token_str)
            && parts.next().is_none();
        let sent_by_ok =
            !via.sent_by.is_empty() && !via.sent_by.iter().any(|b| b.is_ascii_whitespace());
        if !proto_ok || !sent_by_ok {
            cx.header(
                "via-invalid",
                path,
                h,
                format!("`{}` is not `SIP/2.0/transport sent-by`", lossy(item)),
            );
            return;
        }
        if let Some(p) = params_problem(via.params) {
            cx.header("header-params-invalid", path, h, format!("Via: {p}"));
            return;
        }
    }
}

/// `wkday "," SP 2DIGIT SP month SP 4DIGIT SP 2DIGIT ":" 2DIGIT ":" 2DIGIT SP "GMT"`.
pub(crate) fn rfc1123_gmt(v: &[u8]) -> bool {
    const WKDAY: [&[u8]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
    const MONTH: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    if v.len() != 29 {
        return false;
    }
    let num = |s: &[u8]| -> Option<u32> {
        s.iter().try_fold(0u32, |a, &b| {
            b.is_ascii_digit().then(|| a * 10 + u32::from(b - b'0'))
        })
    };
    WKDAY.contains(&&v[0..3])
        && &v[3..5] == b", "
        && num(&v[5..7]).is_some_and(|d| (1..=31).contains(&d))
        && v[7] == b' '
        && MONTH.contains(&&v[8..11])
        && v[11] == b' '
        && num(&v[12..16]).is_some()
        && v[16] == b' '
        && num(&v[17..19]).is_some_and(|x| x < 24)
        && v[19] == b':'
        && num(&v[20..22]).is_some_and(|x| x < 60)
        && v[22] == b':'
        && num(&v[23..25]).is_some_and(|x| x < 61)
        && &v[25..] == b" GMT"
}

fn check_mandatory(cx: &mut Cx<'_>, msg: &SipMessage<'_>, path: &str, present: &[bool; 6]) {
    // Requests and responses alike (Max-Forwards, requests only, below).
    if msg.start.is_none() {
        return;
    }
    let missing: Vec<&str> = MANDATORY[..5]
        .iter()
        .zip(present)
        .filter(|(_, p)| !**p)
        .map(|(n, _)| n.name())
        .collect();
    let (at, len) = start_at(cx, msg);
    if !missing.is_empty() {
        cx.push(
            Finding::error(
                "mandatory-header-missing",
                at,
                format!(
                    "{} without {}",
                    if msg.is_request() {
                        "request"
                    } else {
                        "response"
                    },
                    missing.join(", ")
                ),
            )
            .with_len(len)
            .with_path(path),
        );
    }
    if msg.is_request() && !present[5] {
        cx.push(
            Finding::warning(
                "max-forwards-missing",
                at,
                "request without Max-Forwards (RFC 2543 elements omit it)",
            )
            .with_len(len)
            .with_path(path),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The byte-by-byte `;param` scan the memchr one replaced.
    fn params_problem_reference(params: &[u8]) -> Option<String> {
        let p = params.trim_ascii();
        if p.is_empty() {
            return None;
        }
        if !p.starts_with(b";") {
            return Some(format!("`{}` after the address is not `;param`", lossy(p)));
        }
        let mut start = 1;
        let mut in_q = false;
        let mut i = 1;
        while i <= p.len() {
            let end = i == p.len();
            let b = if end { b';' } else { p[i] };
            if in_q {
                if b == b'\\' {
                    i += 1;
                } else if b == b'"' {
                    in_q = false;
                }
            } else if b == b'"' {
                in_q = true;
            } else if b == b';' {
                if let Some(problem) = param_problem(p[start..i.min(p.len())].trim_ascii()) {
                    return Some(problem);
                }
                start = i + 1;
            }
            i += 1;
        }
        if in_q {
            return Some("unterminated quoted parameter value".into());
        }
        None
    }

    /// The byte-by-byte `<`-outside-quotes scan.
    fn first_angle_reference(v: &[u8]) -> Option<usize> {
        let mut in_q = false;
        let mut i = 0;
        while i < v.len() {
            match v[i] {
                b'\\' if in_q => i += 1,
                b'"' => in_q = !in_q,
                b'<' if !in_q => return Some(i),
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// `,,`, a leading or a trailing comma outside quotes and `<>` (no fast path).
    fn has_empty_element_reference(v: &[u8]) -> bool {
        let mut in_q = false;
        let mut in_a = false;
        let mut last_sep = true;
        let mut i = 0;
        while i < v.len() {
            let b = v[i];
            if in_q {
                match b {
                    b'\\' => i += 1,
                    b'"' => in_q = false,
                    _ => {}
                }
            } else {
                match b {
                    b'"' => {
                        in_q = true;
                        last_sep = false;
                    }
                    b'<' => {
                        in_a = true;
                        last_sep = false;
                    }
                    b'>' => in_a = false,
                    b',' if !in_a => {
                        if last_sep {
                            return true;
                        }
                        last_sep = true;
                    }
                    b' ' | b'\t' | b'\r' | b'\n' => {}
                    _ => last_sep = false,
                }
            }
            i += 1;
        }
        last_sep && !v.is_empty()
    }

    fn piece() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                &b";"[..],
                b"\"",
                b"\\",
                b"<",
                b">",
                b",",
                b"=",
                b" ",
                b"\t",
                b"tag",
                b"x",
                b"1",
                b"@",
                b"sip:a@b",
                b"lr",
                b"\r\n ",
            ]),
            0..14,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn scanners_agree_with_their_byte_by_byte_forms(v in piece()) {
            prop_assert_eq!(params_problem(&v), params_problem_reference(&v));
            prop_assert_eq!(has_empty_element(&v), has_empty_element_reference(&v));
            prop_assert_eq!(
                crate::lint::scan::comma_items(&v).collect::<Vec<_>>(),
                crate::header::split_commas(&v)
            );
            prop_assert_eq!(first_angle(&v), first_angle_reference(&v));
        }
    }

    #[test]
    fn mandatory_is_the_tables_mandatory_set() {
        let mut listed = MANDATORY.to_vec();
        listed.sort();
        assert_eq!(
            listed,
            Hdr::all_with(crate::header::MANDATORY).collect::<Vec<_>>()
        );
    }

    #[test]
    fn classes_come_from_the_table() {
        let parse = |name: &str| {
            let text = format!("{name}: x\r\n\r\n");
            let lim = crate::limits::Limits::default();
            let (h, _) = crate::header::parse_block(
                text.as_bytes(),
                text.as_bytes(),
                crate::header::Dialect::Sip,
                &lim,
                "",
                &mut Vec::new(),
            );
            class_of(&h[0])
        };
        assert!(parse("From").addr_single && !parse("From").addr_list);
        assert!(parse("f").addr_single);
        assert!(parse("Route").addr_list && !parse("Route").addr_single);
        assert!(parse("Via").quoted && parse("Via").single == 0);
        assert_ne!(parse("CSeq").single, 0);
        assert_ne!(parse("CSeq").single, parse("Call-ID").single);
        assert_eq!(parse("Max-Forwards").mandatory, Some(5));
        for n in ["Allow", "Supported", "X-Thing", "To-Path", "Tox"] {
            assert_eq!(parse(n), Class::default(), "{n}");
        }
    }
}
