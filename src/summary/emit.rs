//! Canonical bodies and whole NOTIFY requests.

use std::fmt::Write as _;

use thiserror::Error;

use super::class::MessageClass;
use super::doc::{SummaryDoc, canonical_headers, clean_value};
use super::parse::is_account_uri;
use super::{CONTENT_TYPE, EVENT_PACKAGE};
use crate::chars;

const CRLF: &str = "\r\n";

/// The canonical RFC 3842 body of a document (see the module docs for the
/// form). Call [`SummaryDoc::validate`] first: on a document it rejects, the
/// output still has one line per line (control characters in values become
/// spaces) but may break the grammar elsewhere.
pub fn emit_body(doc: &SummaryDoc) -> String {
    let mut out = String::new();
    let lines = doc.summary_lines();
    let waiting = if lines.is_empty() {
        doc.messages_waiting.unwrap_or(false)
    } else {
        lines.iter().any(|l| l.new > 0)
    };
    out.push_str("Messages-Waiting: ");
    out.push_str(if waiting { "yes" } else { "no" });
    out.push_str(CRLF);
    if let Some(account) = &doc.account {
        let _ = write!(out, "Message-Account: {}{CRLF}", clean_value(account));
    }
    for l in &lines {
        let class = l.class.trim();
        let name = match MessageClass::from_name(class) {
            Some(c) => c.line_name(),
            None => class,
        };
        let _ = write!(out, "{name}: {}/{}", l.new, l.old);
        if let (Some(nu), Some(ou)) = (l.new_urgent, l.old_urgent) {
            let _ = write!(out, " ({nu}/{ou})");
        }
        out.push_str(CRLF);
    }
    for m in doc.messages.iter().filter(|m| !m.headers.is_empty()) {
        out.push_str(CRLF);
        for h in canonical_headers(&m.headers) {
            if h.value.is_empty() {
                let _ = write!(out, "{}:{CRLF}", h.name);
            } else {
                let _ = write!(out, "{}: {}{CRLF}", h.name, h.value);
            }
        }
    }
    out
}

/// The fields of a NOTIFY (RFC 6665 / RFC 3842) that are not the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyParams {
    /// Request-URI (the subscriber's contact).
    pub request_uri: String,
    /// To URI (the subscriber).
    pub to: String,
    /// To tag (the subscriber's tag of the dialog); none: no tag.
    pub to_tag: Option<String>,
    /// From URI (the notifier: the message store).
    pub from: String,
    /// From tag (required: a NOTIFY is sent within a dialog).
    pub from_tag: String,
    pub call_id: String,
    /// CSeq number (less than 2^31).
    pub cseq: u32,
    /// Via branch, starting with the RFC 3261 magic cookie `z9hG4bK`.
    pub branch: String,
    /// Contact URI; none: the From URI.
    pub contact: Option<String>,
    /// Subscription-State value, e.g. `active` or `active;expires=3600`.
    pub subscription_state: String,
}

/// A NOTIFY that cannot be built: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {message}")]
pub struct NotifyError {
    pub field: &'static str,
    pub message: String,
}

fn bad(field: &'static str, message: impl Into<String>) -> NotifyError {
    NotifyError {
        field,
        message: message.into(),
    }
}

fn check_uri(field: &'static str, uri: &str) -> Result<(), NotifyError> {
    if is_account_uri(uri.as_bytes()) {
        Ok(())
    } else {
        Err(bad(
            field,
            format!("`{uri}` is not a URI (give it without angle brackets)"),
        ))
    }
}

fn check_token(field: &'static str, v: &str) -> Result<(), NotifyError> {
    if chars::is_token_str(v.as_bytes()) {
        Ok(())
    } else {
        Err(bad(field, format!("`{v}` is not an RFC 3261 token")))
    }
}

/// RFC 3261 `callid = word [ "@" word ]`.
fn is_call_id(v: &str) -> bool {
    let mut parts = v.split('@');
    let word = |w: &str| !w.is_empty() && w.bytes().all(chars::is_word);
    match (parts.next(), parts.next(), parts.next()) {
        (Some(a), None, None) => word(a),
        (Some(a), Some(b), None) => word(a) && word(b),
        _ => false,
    }
}

/// `host[:port]` of a `sip:`/`sips:` URI, for the Via sent-by.
fn sip_hostport(uri: &str) -> Option<&str> {
    let lower = uri.get(..5).map(str::to_ascii_lowercase);
    let rest = match lower.as_deref() {
        Some("sips:") => &uri[5..],
        _ if uri.get(..4).is_some_and(|s| s.eq_ignore_ascii_case("sip:")) => &uri[4..],
        _ => return None,
    };
    let end = rest.find([';', '?']).unwrap_or(rest.len());
    let rest = &rest[..end];
    let hostport = match rest.rfind('@') {
        Some(at) => &rest[at + 1..],
        None => rest,
    };
    (!hostport.is_empty()).then_some(hostport)
}

/// A whole NOTIFY request carrying the canonical body of `doc`, with
/// `Content-Length` equal to the body's byte count. Every field is checked
/// first: nothing is built from a field that would break the request.
///
/// Headers, in order: Via (`SIP/2.0/TCP`, sent-by from the Contact or From
/// URI's host, else `message-store.invalid`), Max-Forwards 70, To, From,
/// Call-ID, CSeq, Contact, Event, Subscription-State, Content-Type,
/// Content-Length.
pub fn emit_notify(doc: &SummaryDoc, p: &NotifyParams) -> Result<String, NotifyError> {
    check_uri("request_uri", &p.request_uri)?;
    check_uri("to", &p.to)?;
    check_uri("from", &p.from)?;
    if let Some(c) = &p.contact {
        check_uri("contact", c)?;
    }
    if let Some(t) = &p.to_tag {
        check_token("to_tag", t)?;
    }
    check_token("from_tag", &p.from_tag)?;
    if !is_call_id(&p.call_id) {
        return Err(bad(
            "call_id",
            format!(
                "`{}` is not an RFC 3261 Call-ID (word [\"@\" word])",
                p.call_id
            ),
        ));
    }
    if p.cseq >= 1 << 31 {
        return Err(bad("cseq", format!("{} is not less than 2^31", p.cseq)));
    }
    check_token("branch", &p.branch)?;
    if !p.branch.starts_with("z9hG4bK") || p.branch.len() == 7 {
        return Err(bad(
            "branch",
            format!(
                "`{}` does not start with the magic cookie z9hG4bK followed by more",
                p.branch
            ),
        ));
    }
    let ss = &p.subscription_state;
    let ss_ok = !ss.is_empty()
        && ss.split(';').all(|part| {
            let mut kv = part.splitn(2, '=');
            let k = kv.next().unwrap_or("");
            chars::is_token_str(k.as_bytes())
                && kv.next().is_none_or(|v| chars::is_token_str(v.as_bytes()))
        });
    if !ss_ok {
        return Err(bad(
            "subscription_state",
            format!("`{ss}` is not substate-value *(;param)"),
        ));
    }
    let contact = p.contact.as_deref().unwrap_or(&p.from);
    let sent_by = sip_hostport(contact).unwrap_or("message-store.invalid");

    let body = emit_body(doc);
    let mut out = String::with_capacity(body.len() + 512);
    let _ = write!(out, "NOTIFY {} SIP/2.0{CRLF}", p.request_uri);
    let _ = write!(out, "Via: SIP/2.0/TCP {sent_by};branch={}{CRLF}", p.branch);
    let _ = write!(out, "Max-Forwards: 70{CRLF}");
    match &p.to_tag {
        Some(t) => {
            let _ = write!(out, "To: <{}>;tag={t}{CRLF}", p.to);
        }
        None => {
            let _ = write!(out, "To: <{}>{CRLF}", p.to);
        }
    }
    let _ = write!(out, "From: <{}>;tag={}{CRLF}", p.from, p.from_tag);
    let _ = write!(out, "Call-ID: {}{CRLF}", p.call_id);
    let _ = write!(out, "CSeq: {} NOTIFY{CRLF}", p.cseq);
    let _ = write!(out, "Contact: <{contact}>{CRLF}");
    let _ = write!(out, "Event: {EVENT_PACKAGE}{CRLF}");
    let _ = write!(out, "Subscription-State: {ss}{CRLF}");
    let _ = write!(out, "Content-Type: {CONTENT_TYPE}{CRLF}");
    let _ = write!(out, "Content-Length: {}{CRLF}", body.len());
    out.push_str(CRLF);
    out.push_str(&body);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::doc::{ClassCounts, DocHeader, DocMessage, MessageState};
    use super::*;

    fn example() -> SummaryDoc {
        let mut d = SummaryDoc::new(Some("sip:charlie@mailserver.example.com".into()));
        let block = |from: &str, subj: &str, date: &str, prio: &str, id: &str| {
            vec![
                DocHeader::new("To", "<charlie@example.com>"),
                DocHeader::new("From", from),
                DocHeader::new("Subject", subj),
                DocHeader::new("Date", date),
                DocHeader::new("Priority", prio),
                DocHeader::new("Message-ID", id),
            ]
        };
        d.messages = vec![
            DocMessage {
                class: Some("text-message".into()),
                state: Some(MessageState::New),
                urgent: Some(false),
                headers: block(
                    "<alice@example.org>",
                    "carpool tomorrow?",
                    "Sun, 09 Jul 2000 21:23:01 -0700",
                    "normal",
                    "32098d@alicepc.example.org",
                ),
            },
            DocMessage {
                class: Some("text-message".into()),
                state: Some(MessageState::New),
                urgent: Some(true),
                headers: block(
                    "<Joe@example.com>",
                    "HELP! at home ill, present for me please",
                    "Sun, 09 Jul 2000 21:25:12 -0700",
                    "urgent",
                    "d0982dkjs@Joemobile.example.net",
                ),
            },
        ];
        d
    }

    const EXAMPLE_BODY: &str = "Messages-Waiting: yes\r\n\
Message-Account: sip:charlie@mailserver.example.com\r\n\
Text-Message: 2/0 (1/0)\r\n\
\r\n\
To: <charlie@example.com>\r\n\
From: <alice@example.org>\r\n\
Subject: carpool tomorrow?\r\n\
Date: Sun, 09 Jul 2000 21:23:01 -0700\r\n\
Priority: normal\r\n\
Message-ID: 32098d@alicepc.example.org\r\n\
\r\n\
To: <charlie@example.com>\r\n\
From: <Joe@example.com>\r\n\
Subject: HELP! at home ill, present for me please\r\n\
Date: Sun, 09 Jul 2000 21:25:12 -0700\r\n\
Priority: urgent\r\n\
Message-ID: d0982dkjs@Joemobile.example.net\r\n";

    fn params() -> NotifyParams {
        NotifyParams {
            request_uri: "sip:charlie@pc.example.com".into(),
            to: "sip:charlie@example.com".into(),
            to_tag: Some("78923".into()),
            from: "sip:mailserver.example.com".into(),
            from_tag: "4442".into(),
            call_id: "adsf0923jsdjw".into(),
            cseq: 31,
            branch: "z9hG4bKnashds7".into(),
            contact: None,
            subscription_state: "active".into(),
        }
    }

    #[test]
    fn example_of_003_is_reproduced() {
        assert_eq!(emit_body(&example()), EXAMPLE_BODY);
    }

    #[test]
    fn empty_store_is_not_waiting() {
        assert_eq!(
            emit_body(&SummaryDoc::new(None)),
            "Messages-Waiting: no\r\n"
        );
    }

    #[test]
    fn old_and_unknown_classes() {
        let mut d = SummaryDoc::new(None);
        d.counts = Some(vec![
            ClassCounts {
                class: "X-Video".into(),
                new: 0,
                old: 1,
                new_urgent: None,
                old_urgent: None,
            },
            ClassCounts {
                class: "fax-message".into(),
                new: 0,
                old: 3,
                new_urgent: Some(0),
                old_urgent: Some(1),
            },
            ClassCounts {
                class: "VOICE-MESSAGE".into(),
                new: 0,
                old: 0,
                new_urgent: None,
                old_urgent: None,
            },
        ]);
        assert_eq!(
            emit_body(&d),
            "Messages-Waiting: no\r\nVoice-Message: 0/0\r\nFax-Message: 0/3 (0/1)\r\nX-Video: 0/1\r\n"
        );
    }

    #[test]
    fn notify_content_length_is_the_body_bytes() {
        let n = emit_notify(&example(), &params()).unwrap();
        let (head, body) = n.split_once("\r\n\r\n").unwrap();
        assert_eq!(body, EXAMPLE_BODY);
        let cl: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(cl, body.len());
        assert_ne!(cl, 503, "003 declares 503, which is wrong");
        assert!(n.starts_with("NOTIFY sip:charlie@pc.example.com SIP/2.0\r\nVia: SIP/2.0/TCP mailserver.example.com;branch=z9hG4bKnashds7\r\n"));
        assert!(head.contains("\r\nTo: <sip:charlie@example.com>;tag=78923\r\n"));
        assert!(head.contains("\r\nFrom: <sip:mailserver.example.com>;tag=4442\r\n"));
        assert!(head.contains("\r\nCSeq: 31 NOTIFY\r\n"));
        assert!(head.contains("\r\nEvent: message-summary\r\n"));
        assert!(head.contains("\r\nSubscription-State: active\r\n"));
        assert!(head.contains("\r\nContent-Type: application/simple-message-summary\r\n"));
        assert!(head.contains("\r\nContact: <sip:mailserver.example.com>\r\n"));
    }

    #[test]
    fn notify_rejects_bad_fields() {
        let d = example();
        type Mutation = Box<dyn Fn(&mut NotifyParams)>;
        let cases: Vec<(&str, Mutation)> = vec![
            ("to", Box::new(|p| p.to = "<sip:a@b>".into())),
            (
                "request_uri",
                Box::new(|p| p.request_uri = "sip:a b".into()),
            ),
            ("from", Box::new(|p| p.from = "x".into())),
            (
                "contact",
                Box::new(|p| p.contact = Some("sip:a\r\nX: y".into())),
            ),
            ("to_tag", Box::new(|p| p.to_tag = Some("a b".into()))),
            ("from_tag", Box::new(|p| p.from_tag = "".into())),
            ("call_id", Box::new(|p| p.call_id = "a@b@c".into())),
            ("call_id", Box::new(|p| p.call_id = "a\r\n".into())),
            ("cseq", Box::new(|p| p.cseq = 1 << 31)),
            ("branch", Box::new(|p| p.branch = "abc".into())),
            ("branch", Box::new(|p| p.branch = "z9hG4bK".into())),
            (
                "subscription_state",
                Box::new(|p| p.subscription_state = "active\r\n".into()),
            ),
        ];
        for (field, mutate) in cases {
            let mut p = params();
            mutate(&mut p);
            assert_eq!(emit_notify(&d, &p).unwrap_err().field, field);
        }
        let mut p = params();
        p.subscription_state = "active;expires=3600".into();
        p.to_tag = None;
        p.call_id = "a@b".into();
        let n = emit_notify(&d, &p).unwrap();
        assert!(n.contains("\r\nTo: <sip:charlie@example.com>\r\n"));
        assert!(n.contains("\r\nSubscription-State: active;expires=3600\r\n"));
    }

    #[test]
    fn sent_by_comes_from_sip_uris_only() {
        assert_eq!(
            sip_hostport("sip:a@h.example:5060;transport=tcp"),
            Some("h.example:5060")
        );
        assert_eq!(sip_hostport("SIPS:h.example"), Some("h.example"));
        assert_eq!(sip_hostport("tel:+1555"), None);
        assert_eq!(sip_hostport("sip:"), None);
    }
}
