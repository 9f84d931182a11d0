//! The opt-in `oma-im` profile: the OMA SIMPLE IM header rules of 004 for
//! initial INVITE, MESSAGE and PUBLISH requests (top level only: the CR
//! removes headers from encapsulated parts).

use crate::finding::Finding;
use crate::header::Hdr;
use crate::header::split_commas;
use crate::sip::{SipMessage, parse_name_addr};

use super::Cx;

const TAG: &[u8] = b"+g.oma.sip-im";

/// Pager-mode size limit (004 8.1).
pub const PAGER_MAX: usize = 1300;

fn has_tag(v: &[u8]) -> bool {
    v.split(|&b| b == b';').map(|p| p.trim_ascii()).any(|p| {
        let name = p
            .split(|&b| b == b'=')
            .next()
            .unwrap_or_default()
            .trim_ascii();
        name.eq_ignore_ascii_case(TAG)
    })
}

pub(crate) fn check(cx: &mut Cx<'_>, msg: &SipMessage<'_>) {
    let Some(method) = msg.method() else {
        return;
    };
    let kind = match method {
        b"INVITE" => "INVITE",
        b"MESSAGE" => "MESSAGE",
        b"PUBLISH" => "PUBLISH",
        _ => return,
    };
    // Initial requests only: no To tag.
    if msg.to().is_some_and(|t| t.tag().is_some()) {
        return;
    }
    let (at, len) = match msg.start_line {
        Some(l) => (cx.at(l), l.len()),
        None => (cx.at(msg.raw), 0),
    };
    let accept = msg
        .headers_named(Hdr::AcceptContact)
        .flat_map(|h| h.values())
        .any(has_tag);
    if !accept {
        cx.push(
            Finding::error(
                "oma-accept-contact",
                at,
                format!("initial {kind} without the `+g.oma.sip-im` feature tag in Accept-Contact"),
            )
            .with_len(len),
        );
    }
    // The Contact rule is for session INVITEs (004 9.1.1.1 item 3): the OMA
    // texts have none for a pager MESSAGE (8.1.1) or a PUBLISH (5.2.4).
    let contacts: Vec<_> = msg.headers_named(Hdr::Contact).collect();
    if kind == "INVITE" {
        let tagged = contacts
            .iter()
            .flat_map(|h| split_commas(h.value))
            .filter_map(parse_name_addr)
            .any(|a| has_tag(a.params));
        if !tagged {
            let (o, l) = contacts
                .first()
                .map_or((at, len), |h| (cx.at(h.field), h.field.len()));
            cx.push(
                Finding::error(
                    "oma-contact-feature-tag",
                    o,
                    format!("Contact of the initial {kind} lacks the `+g.oma.sip-im` feature tag"),
                )
                .with_len(l)
                .with_path(if contacts.is_empty() {
                    ""
                } else {
                    "header Contact"
                }),
            );
        }
    }
    if msg.header(Hdr::UserAgent).is_none() {
        cx.push(
            Finding::error(
                "oma-user-agent-missing",
                at,
                format!("initial {kind} without User-Agent (IM release version, Appendix F)"),
            )
            .with_len(len),
        );
    }
    if kind == "INVITE"
        && !msg
            .headers_named(Hdr::Supported)
            .flat_map(|h| h.values())
            .any(|v| v.eq_ignore_ascii_case(b"timer"))
    {
        cx.push(
            Finding::error(
                "oma-timer-missing",
                at,
                "initial INVITE without the option tag `timer` in Supported",
            )
            .with_len(len),
        );
    }
    if kind == "MESSAGE" && msg.raw.len() > PAGER_MAX {
        cx.push(
            Finding::warning(
                "oma-pager-too-large",
                at,
                format!(
                    "pager-mode MESSAGE of {} bytes exceeds {PAGER_MAX}: Large Message Mode is expected",
                    msg.raw.len()
                ),
            )
            .with_len(len),
        );
    }
}
