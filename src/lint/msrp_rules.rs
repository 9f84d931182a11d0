//! RFC 4975 for every MSRP message (and the headers of every msrpfrag):
//! To-Path then From-Path first, Content-Type last before the body, a body
//! without Content-Type, Byte-Range against the body, Message-ID on SEND,
//! the Status of REPORT, duplicate headers, header syntax.

// One arm per header reads better than guards folded into the patterns.
#![allow(clippy::collapsible_match)]

use crate::finding::Finding;
use crate::framing::is_ident_char;
use crate::header::Hdr;
use crate::msrp::{ByteRange, MsrpKind, MsrpMessage, Status};

use super::sip_grammar::unbalanced_quotes;
use super::{Cx, lossy};

/// `ident = ALPHANUM 3*31ident-char`.
fn is_ident(v: &[u8]) -> bool {
    (4..=32).contains(&v.len())
        && v[0].is_ascii_alphanumeric()
        && v.iter().all(|&b| is_ident_char(b))
}

pub(crate) fn check(cx: &mut Cx<'_>, msg: &MsrpMessage<'_>, path: &str, fragment: bool) {
    // RFC 4975 headers that appear at most once: `MSRP_SINGLE` in the
    // header table, one bit each.
    let mut seen = 0u128;
    for h in &msg.headers {
        let c: &str = if h.known() { h.canonical } else { "" };
        if let Some(id) = h.id.filter(|id| id.has(crate::header::MSRP_SINGLE)) {
            let bit = 1u128 << (id as u32);
            if seen & bit != 0 {
                cx.header(
                    "duplicate-header",
                    path,
                    h,
                    format!("{c} appears more than once (RFC 4975 allows one)"),
                );
            } else {
                seen |= bit;
            }
        }
        let v = h.value;
        if v.is_empty() {
            cx.header(
                "msrp-header-empty",
                path,
                h,
                format!("{} has an empty value", lossy(h.name)),
            );
            continue;
        }
        match h.id {
            Some(Hdr::ToPath | Hdr::FromPath | Hdr::UsePath) => {
                // The MSRP URI grammar (RFC 4975 9), as encap checks it.
                if let Err(e) = crate::uri::parse_msrp_path(v) {
                    cx.header(
                        "msrp-path-invalid",
                        path,
                        h,
                        format!("{c}: `{}` is not a list of MSRP URIs: {e}", lossy(v)),
                    );
                }
            }
            Some(Hdr::MessageId) => {
                if !is_ident(v) {
                    cx.header(
                        "msrp-message-id-invalid",
                        path,
                        h,
                        format!(
                            "Message-ID `{}` is not an ident (4 to 32 characters, alphanumeric first)",
                            lossy(v)
                        ),
                    );
                }
            }
            Some(Hdr::ByteRange) => check_byte_range(cx, msg, h, path, fragment),
            Some(Hdr::FailureReport | Hdr::SuccessReport) => {
                let ok = v.eq_ignore_ascii_case(b"yes")
                    || v.eq_ignore_ascii_case(b"no")
                    || (h.is(Hdr::FailureReport) && v.eq_ignore_ascii_case(b"partial"));
                if !ok {
                    cx.header(
                        "msrp-report-header-invalid",
                        path,
                        h,
                        format!(
                            "{c} `{}` is not {}",
                            lossy(v),
                            if h.is(Hdr::FailureReport) {
                                "yes, no or partial"
                            } else {
                                "yes or no"
                            }
                        ),
                    );
                }
            }
            Some(Hdr::Status) => {
                if Status::parse(v).is_none_or(|s| s.namespace != b"000") {
                    cx.header(
                        "msrp-status-header-invalid",
                        path,
                        h,
                        format!("Status `{}` is not `000 status-code [comment]`", lossy(v)),
                    );
                }
            }
            Some(Hdr::Expires | Hdr::MinExpires | Hdr::MaxExpires) => {
                if crate::framing::parse_u64(v).is_none() {
                    cx.header(
                        "msrp-expires-invalid",
                        path,
                        h,
                        format!("{c} `{}` is not a number", lossy(v)),
                    );
                }
            }
            Some(Hdr::ContentDisposition) => {
                let bad = v
                    .split(|&b| b == b';')
                    .skip(1)
                    .map(|p| p.trim_ascii())
                    .find(|p| {
                        let Some(eq) = memchr::memchr(b'=', p) else {
                            return true;
                        };
                        p[..eq].trim_ascii().is_empty() || p[eq + 1..].trim_ascii().is_empty()
                    });
                if let Some(p) = bad {
                    cx.header(
                        "content-disposition-invalid",
                        path,
                        h,
                        format!(
                            "Content-Disposition parameter `{}` is not `name=value`",
                            lossy(p)
                        ),
                    );
                }
            }
            Some(Hdr::WwwAuthenticate | Hdr::Authorization) => {
                if unbalanced_quotes(v) {
                    cx.header(
                        "header-unbalanced-quotes",
                        path,
                        h,
                        format!("{c}: a quoted string is not closed"),
                    );
                } else if !(v.len() > 7 && v[..7].eq_ignore_ascii_case(b"Digest ")) {
                    cx.header(
                        "msrp-auth-invalid",
                        path,
                        h,
                        format!("{c} must use the Digest scheme"),
                    );
                }
            }
            _ => {}
        }
    }
    let has_body = msg.body.is_some_and(|b| !b.is_empty());
    if has_body {
        match msg.headers.iter().rposition(|h| h.is(Hdr::ContentType)) {
            None => cx.push(
                Finding::error(
                    "msrp-body-without-content-type",
                    cx.at(msg.body.unwrap_or_default()),
                    "MSRP body without Content-Type",
                )
                .with_path(path),
            ),
            Some(i) if i + 1 != msg.headers.len() => {
                let h = &msg.headers[i];
                cx.header(
                    "msrp-content-type-not-last",
                    path,
                    h,
                    format!(
                        "Content-Type must be the last header before the body ({} follows it)",
                        lossy(msg.headers[i + 1].name)
                    ),
                );
            }
            Some(_) => {}
        }
    }
    if fragment || msg.kind.is_none() {
        return;
    }
    let at = cx.at(msg.start_line);
    let len = msg.start_line.len();
    let to = msg.headers.iter().position(|h| h.is(Hdr::ToPath));
    let from = msg.headers.iter().position(|h| h.is(Hdr::FromPath));
    match (to, from) {
        (Some(0), Some(1)) => {}
        (Some(t), Some(f)) => {
            cx.push(
                Finding::error(
                    "msrp-path-order",
                    at,
                    format!(
                        "To-Path and From-Path must be the first two headers, in that order (found at {} and {})",
                        t + 1,
                        f + 1
                    ),
                )
                .with_len(len)
                .with_path(path),
            );
        }
        _ => {
            let missing: Vec<&str> = [("To-Path", to), ("From-Path", from)]
                .iter()
                .filter(|(_, p)| p.is_none())
                .map(|(n, _)| *n)
                .collect();
            cx.push(
                Finding::error(
                    "msrp-path-missing",
                    at,
                    format!("MSRP message without {}", missing.join(" and ")),
                )
                .with_len(len)
                .with_path(path),
            );
        }
    }
    if let Some(MsrpKind::Request { method }) = msg.kind {
        if method == b"SEND" && msg.value(Hdr::MessageId).is_none() {
            cx.push(
                Finding::error("send-message-id-missing", at, "SEND without Message-ID")
                    .with_len(len)
                    .with_path(path),
            );
        }
        if method == b"REPORT" && msg.value(Hdr::Status).is_none() {
            cx.push(
                Finding::error("msrp-status-header-invalid", at, "REPORT without Status")
                    .with_len(len)
                    .with_path(path),
            );
        }
    }
}

fn check_byte_range(
    cx: &mut Cx<'_>,
    msg: &MsrpMessage<'_>,
    h: &crate::header::Header<'_>,
    path: &str,
    fragment: bool,
) {
    let Some(r) = ByteRange::parse(h.value).filter(|r| {
        r.end.is_none_or(|e| e + 1 >= r.start)
            && r.total.is_none_or(|t| r.end.is_none_or(|e| e <= t))
    }) else {
        cx.header(
            "msrp-byte-range-invalid",
            path,
            h,
            format!(
                "Byte-Range `{}` is not `start-end/total` with 1 <= start, start-1 <= end <= total",
                lossy(h.value)
            ),
        );
        return;
    };
    // A REPORT's Byte-Range describes the SEND it reports on; a fragment's
    // body is the CR's concern (chunked-fragment).
    if fragment || msg.method() != Some(&b"SEND"[..]) {
        return;
    }
    let body_len = msg.body.map_or(0, <[u8]>::len) as u64;
    if let Some(end) = r.end {
        let want = end + 1 - r.start;
        if want != body_len {
            cx.header(
                "msrp-byte-range-mismatch",
                path,
                h,
                format!(
                    "Byte-Range {} covers {want} bytes but the body has {body_len}",
                    lossy(h.value)
                ),
            );
            return;
        }
        if msg.flag == Some(b'$')
            && let Some(total) = r.total
            && end != total
        {
            cx.header(
                "msrp-byte-range-mismatch",
                path,
                h,
                format!("last chunk (`$`) ends at byte {end} but the total is {total}"),
            );
        }
    }
}
