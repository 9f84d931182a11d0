//! The deferred-message CR (001: 12.2.2.3 storage, 12.2.2.5 push) for every
//! pushed SEND and every bare multipart body, including the pre-CR forms of
//! 000 Appendix K and 004 D.2.

use crate::body::{BodyKind, MsrpNode, SipNode};
use crate::finding::Finding;
use crate::header::Hdr;
use crate::mediatype::MediaType;
use crate::msrp::{ByteRange, MsrpKind};

use super::{Cx, join, lossy};

fn is_message_media(m: &MediaType<'_>) -> bool {
    m.is("message", "sip")
        || m.is("message", "sipfrag")
        || m.is("message", "msrp")
        || m.is("message", "msrpfrag")
}

/// Is this top-level MSRP message a pushed SEND: a SEND whose body holds
/// message/* content, directly or as parts?
pub(crate) fn is_pushed_send(node: &MsrpNode<'_>) -> bool {
    if node.msg.method() != Some(&b"SEND"[..]) {
        return false;
    }
    let Some(media) = &node.body.media else {
        return false;
    };
    // A top-level body parsed as SIP or MSRP has a message/* type: the
    // media type alone decides, also when the body was left unparsed.
    match &node.body.kind {
        BodyKind::Multipart(mp) => mp.parts.iter().any(|p| {
            matches!(p.body.kind, BodyKind::Sip(_) | BodyKind::Msrp(_))
                || p.body.media.as_ref().is_some_and(is_message_media)
        }),
        _ => is_message_media(media),
    }
}

/// [`is_pushed_send`], reporting `not-multipart` when it is one whose body
/// is not multipart/mixed.
pub(crate) fn check_pushed_send(cx: &mut Cx<'_>, node: &MsrpNode<'_>) -> bool {
    let pushed = is_pushed_send(node);
    let Some(media) = node.body.media.as_ref().filter(|_| pushed) else {
        return false;
    };
    if !media.is("multipart", "mixed") {
        let (off, len) = match node.msg.headers.iter().find(|h| h.is(Hdr::ContentType)) {
            Some(h) => (cx.at(h.field), h.field.len()),
            None => (cx.at(media.raw), media.raw.len()),
        };
        cx.push(
            Finding::error(
                "not-multipart",
                off,
                format!(
                    "pushed SEND carries the deferred message as {}, not multipart/mixed",
                    media.essence()
                ),
            )
            .with_len(len)
            .with_path("header Content-Type"),
        );
    }
    pushed
}

fn start_offset(cx: &Cx<'_>, start_line: Option<&[u8]>, raw: &[u8]) -> (usize, usize) {
    match start_line {
        Some(l) => (cx.at(l), l.len()),
        None => (cx.at(raw), 0),
    }
}

/// An encapsulated SIP message or sipfrag.
pub(crate) fn check_sip(cx: &mut Cx<'_>, node: &SipNode<'_>, path: &str) {
    let msg = &node.msg;
    let (at, len) = start_offset(cx, msg.start_line, msg.raw);
    if let Some(code) = msg.status_code() {
        cx.push(
            Finding::error(
                "response-part",
                at,
                format!("a SIP {code} response is carried as part of the deferred message"),
            )
            .with_len(len)
            .with_path(path),
        );
    } else if msg.is_response() {
        cx.push(
            Finding::error(
                "response-part",
                at,
                "a SIP response is carried as part of the deferred message",
            )
            .with_len(len)
            .with_path(path),
        );
    }
    let method = msg.method();
    if method == Some(&b"BYE"[..]) {
        cx.push(
            Finding::error(
                "bye-part",
                at,
                "a SIP BYE is carried as part of the deferred message",
            )
            .with_len(len)
            .with_path(path),
        );
    }
    if method == Some(&b"ACK"[..]) {
        cx.push(
            Finding::error(
                "ack-part",
                at,
                "a SIP ACK is carried as part of the deferred message",
            )
            .with_len(len)
            .with_path(path),
        );
    }
    let invite = method == Some(&b"INVITE"[..]);
    let anonymous = super::scan::wants_anonymity(msg);
    for h in &msg.headers {
        let c: &str = h.canonical;
        match h.id {
            Some(Hdr::Via) => cx.header(
                "via-present",
                path,
                h,
                format!(
                    "Via{} kept in the encapsulated message: routing information is removed before pushing",
                    if h.compact { " (compact `v:`)" } else { "" }
                ),
            ),
            Some(Hdr::MaxForwards | Hdr::Route | Hdr::RecordRoute | Hdr::Path | Hdr::ServiceRoute) => cx.header(
                "routing-header",
                path,
                h,
                format!("{c} kept in the encapsulated message: routing information is removed before pushing"),
            ),
            Some(Hdr::PChargingVector | Hdr::PChargingFunctionAddresses) => cx.header(
                "charging-header",
                path,
                h,
                format!("{c} kept: charging headers are not stored (12.2.2.3 item 1a)"),
            ),
            Some(Hdr::PAssertedIdentity) if anonymous => cx.header(
                "pai-with-privacy",
                path,
                h,
                "P-Asserted-Identity kept although Privacy requests anonymity (12.2.2.3 item 2)",
            ),
            _ if invite && !h.has(crate::header::CR_RELEVANT) => cx.header(
                "invite-extra-header",
                path,
                h,
                format!(
                    "{} is not one of the relevant INVITE headers (To, From, Date, Subject, Priority, Call-ID, P-Asserted-Identity)",
                    lossy(h.name)
                ),
            ),
            _ => {}
        }
    }
    if (invite || method == Some(&b"MESSAGE"[..])) && msg.header(Hdr::Date).is_none() {
        cx.push(
            Finding::error(
                "date-missing",
                at,
                format!(
                    "encapsulated {} has no Date: the timestamp received by the IM Server is required",
                    lossy(method.unwrap_or_default())
                ),
            )
            .with_len(len)
            .with_path(path),
        );
    }
    if msg.header(Hdr::CallId).is_none() {
        cx.push(
            Finding::error(
                "call-id-missing",
                at,
                "encapsulated SIP message has no Call-ID",
            )
            .with_len(len)
            .with_path(path),
        );
    }
    if invite && !msg.body.trim_ascii().is_empty() {
        let what = node
            .body
            .media
            .as_ref()
            .map_or_else(|| "a body".to_string(), |m| m.essence());
        cx.push(
            Finding::error(
                "session-setup-body",
                cx.at(msg.body),
                format!("encapsulated INVITE carries its session-setup body ({what})"),
            )
            .with_len(msg.body.len())
            .with_path(path),
        );
    }
}

/// An encapsulated MSRP message (message/msrpfrag or legacy message/msrp).
pub(crate) fn check_msrp(
    cx: &mut Cx<'_>,
    node: &MsrpNode<'_>,
    media: Option<&MediaType<'_>>,
    path: &str,
) {
    let msg = &node.msg;
    if let Some(m) = media.filter(|m| m.is("message", "msrp")) {
        cx.push(
            Finding::error(
                "legacy-msrp-type",
                cx.at(m.raw),
                "message/msrp is the pre-CR form: the CR encapsulates MSRP SEND headers as message/msrpfrag",
            )
            .with_len(m.raw.len())
            .with_path(join(path, "header Content-Type")),
        );
    }
    if let Some(MsrpKind::Response { .. }) = msg.kind {
        cx.push(
            Finding::error(
                "response-part",
                cx.at(msg.start_line),
                "an MSRP response is carried as part of the deferred message",
            )
            .with_len(msg.start_line.len())
            .with_path(path),
        );
    }
    let mut chunk = false;
    for h in &msg.headers {
        let c: &str = h.canonical;
        match h.id {
            Some(Hdr::ToPath | Hdr::FromPath | Hdr::UsePath) => cx.header(
                "to-path-present",
                path,
                h,
                format!("{c} kept in the encapsulated MSRP message: only Message-ID and Content-Type are stored"),
            ),
            Some(Hdr::MessageId) => {}
            Some(Hdr::ByteRange) => {
                let partial = ByteRange::parse(h.value).is_some_and(|r| {
                    r.start != 1 || matches!((r.end, r.total), (Some(e), Some(t)) if e < t)
                });
                if partial {
                    chunk = true;
                    cx.header(
                        "chunked-fragment",
                        path,
                        h,
                        format!(
                            "Byte-Range {} covers only part of the message: chunks are reassembled before storing",
                            lossy(h.value)
                        ),
                    );
                } else {
                    cx.header(
                        "msrp-extra-header",
                        path,
                        h,
                        "Byte-Range kept in the msrpfrag: only Message-ID and Content-Type are stored",
                    );
                }
            }
            // 12.2.2.3 item 3: "the MSRP Message-ID header and
            // Content-Type ... No other MSRP SEND headers shall be stored":
            // Content-ID, Content-Description, Content-Disposition neither.
            Some(Hdr::ContentType) => {}
            _ => cx.header(
                "msrp-extra-header",
                path,
                h,
                format!(
                    "{} kept in the msrpfrag: only Message-ID and Content-Type are stored",
                    lossy(h.name)
                ),
            ),
        }
    }
    if msg.value(Hdr::MessageId).is_none() {
        cx.push(
            Finding::error(
                "message-id-missing",
                cx.at(msg.start_line),
                "msrpfrag has no Message-ID: the original Message-ID is pushed unaltered",
            )
            .with_len(msg.start_line.len())
            .with_path(path),
        );
    }
    if !chunk && matches!(msg.flag, Some(b'+' | b'#')) {
        let end = msg.end_line.unwrap_or(msg.start_line);
        cx.push(
            Finding::error(
                "chunked-fragment",
                cx.at(end),
                format!(
                    "end-line flag `{}`: the part holds one chunk, not the reassembled message",
                    msg.flag.map(char::from).unwrap_or('?')
                ),
            )
            .with_len(end.len())
            .with_path(path),
        );
    }
}
