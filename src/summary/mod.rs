//! RFC 3842 message-summary bodies (`application/simple-message-summary`).
//!
//! ```text
//! message-summary = msg-status-line CRLF
//!                   [msg-account CRLF]
//!                   [*(msg-summary-line CRLF)]
//!                   [ *opt-msg-headers ]
//! msg-status-line  = "Messages-Waiting" HCOLON msg-status      ; "yes" / "no"
//! msg-account      = "Message-Account" HCOLON Account-URI
//! msg-summary-line = message-context-class HCOLON newmsgs SLASH oldmsgs
//!                    [ LPAREN new-urgentmsgs SLASH old-urgentmsgs RPAREN ]
//! opt-msg-headers  = CRLF 1*(extension-header CRLF)
//! msgcount         = 1*DIGIT   ; MUST NOT exceed 2^32-1
//! ```
//!
//! Three layers:
//!
//! - [`parse`] / [`parse_with`]: a zero-copy [`Summary`] view of a body plus
//!   every deviation as a [`Finding`] (codes in [`codes`], listed with their
//!   default severities in [`RULES`]). Lint calls this.
//! - [`SummaryDoc`]: the owned document, serde-able, whose JSON form is
//!   documented in `docs/summary-schema.md`. [`SummaryDoc::validate`] checks
//!   it; [`Summary::to_doc`] converts a parsed body.
//! - [`emit_body`] (the canonical body) and [`emit_notify`] (a whole NOTIFY
//!   whose Content-Length is the body's byte count).
//!
//! Canonical form: CRLF line ends; `Messages-Waiting`, then
//! `Message-Account` if any, then one summary line per class in RFC 3458
//! order (voice, fax, pager, multimedia, text, none) followed by unknown
//! classes in order of appearance; then each message block preceded by one
//! empty line, its headers To, From, Subject, Date, Priority, Message-ID
//! (each name's occurrences in their order), then any other header in its
//! order; one space after each colon; values unfolded and trimmed.

use crate::finding::Severity;

mod class;
mod doc;
mod emit;
mod parse;

pub use class::MessageClass;
pub use doc::{
    ClassCounts, DOC_TYPE, DocError, DocHeader, DocMessage, MessageState, SCHEMA_VERSION,
    SummaryDoc,
};
pub use emit::{NotifyError, NotifyParams, emit_body, emit_notify};
pub use parse::{
    Block, Counts, Field, StatusLine, Summary, SummaryLine, UrgentCounts, is_account_uri, parse,
    parse_counts, parse_with,
};

/// The MIME type of a message-summary body.
pub const CONTENT_TYPE: &str = "application/simple-message-summary";
/// The SIP event package that carries it.
pub const EVENT_PACKAGE: &str = "message-summary";

/// Stable finding codes of this module.
pub mod codes {
    /// The body does not start with the `Messages-Waiting` line.
    pub const STATUS_NOT_FIRST: &str = "summary-status-not-first";
    /// No `Messages-Waiting` line at all.
    pub const MISSING_STATUS: &str = "summary-missing-status";
    /// `Messages-Waiting` is neither `yes` nor `no`.
    pub const BAD_STATUS: &str = "summary-bad-status";
    /// A second `Messages-Waiting` line.
    pub const DUPLICATE_STATUS: &str = "summary-duplicate-status";
    /// `yes`/`no` disagrees with the new-message counts.
    pub const WAITING_INCONSISTENT: &str = "summary-waiting-inconsistent";
    /// `Messages-Waiting: yes` when every class has old messages only.
    pub const WAITING_OLD_ONLY: &str = "summary-waiting-old-only";
    /// `Message-Account` is not a URI.
    pub const ACCOUNT_NOT_URI: &str = "summary-account-not-uri";
    /// A second `Message-Account` line.
    pub const DUPLICATE_ACCOUNT: &str = "summary-duplicate-account";
    /// `Message-Account` after a summary line.
    pub const ACCOUNT_OUT_OF_ORDER: &str = "summary-account-out-of-order";
    /// A count that is not a number, overflows 2^32-1, or a malformed summary line.
    pub const BAD_COUNT: &str = "summary-bad-count";
    /// An urgent count larger than its total.
    pub const URGENT_EXCEEDS_TOTAL: &str = "summary-urgent-exceeds-total";
    /// A message-context class RFC 3458 does not define (kept as an extension line).
    pub const UNKNOWN_CLASS: &str = "summary-unknown-class";
    /// The same class on two summary lines.
    pub const DUPLICATE_CLASS: &str = "summary-duplicate-class";
    /// A line ends in LF without CR.
    pub const BARE_LF: &str = "summary-bare-lf";
    /// The last line has no CRLF.
    pub const MISSING_FINAL_CRLF: &str = "summary-missing-final-crlf";
    /// Message headers follow the summary lines without the empty line.
    pub const MISSING_BLANK_LINE: &str = "summary-missing-blank-line";
    /// An empty line with no header after it (a stray or doubled empty line).
    pub const EMPTY_BLOCK: &str = "summary-empty-block";
    /// A message header block without Message-ID.
    pub const BLOCK_WITHOUT_MESSAGE_ID: &str = "summary-block-without-message-id";
    /// Two Message-ID headers in one block.
    pub const DUPLICATE_MESSAGE_ID: &str = "summary-duplicate-message-id";
    /// The same Message-ID in two blocks.
    pub const REPEATED_MESSAGE_ID: &str = "summary-repeated-message-id";
    /// A line that is not `name: value`.
    pub const BAD_LINE: &str = "summary-bad-line";
    /// A control character (other than HTAB) or a stray CR in a line.
    pub const BAD_CHAR: &str = "summary-bad-char";
    /// Bytes that are not UTF-8.
    pub const NOT_UTF8: &str = "summary-not-utf8";
    /// A folded (continued) line: legal, unfolded on re-emission.
    pub const FOLDED_LINE: &str = "summary-folded-line";
    /// More lines or blocks than the limits allow; the rest was not read.
    pub const LIMIT_EXCEEDED: &str = "summary-limit-exceeded";
}

/// Every rule of this module: code, default severity, one-line description.
pub const RULES: &[(&str, Severity, &str)] = &[
    (
        codes::STATUS_NOT_FIRST,
        Severity::Error,
        "the Messages-Waiting status line must be the first line (RFC 3842 5.2)",
    ),
    (
        codes::MISSING_STATUS,
        Severity::Error,
        "a message-summary body must have a Messages-Waiting line",
    ),
    (
        codes::BAD_STATUS,
        Severity::Error,
        "Messages-Waiting must be yes or no",
    ),
    (
        codes::DUPLICATE_STATUS,
        Severity::Error,
        "only one Messages-Waiting line is allowed",
    ),
    (
        codes::WAITING_INCONSISTENT,
        Severity::Error,
        "Messages-Waiting must be yes exactly when some class has new messages",
    ),
    (
        codes::WAITING_OLD_ONLY,
        Severity::Warning,
        "Messages-Waiting is yes but every message counted is old (RFC 3842 5.2: yes means new messages)",
    ),
    (
        codes::ACCOUNT_NOT_URI,
        Severity::Error,
        "Message-Account must be a SIP, SIPS or absolute URI",
    ),
    (
        codes::DUPLICATE_ACCOUNT,
        Severity::Error,
        "only one Message-Account line is allowed",
    ),
    (
        codes::ACCOUNT_OUT_OF_ORDER,
        Severity::Error,
        "Message-Account must come before the summary lines",
    ),
    (
        codes::BAD_COUNT,
        Severity::Error,
        "summary lines are new/old [(new-urgent/old-urgent)] with counts of at most 2^32-1",
    ),
    (
        codes::URGENT_EXCEEDS_TOTAL,
        Severity::Error,
        "an urgent count cannot exceed the count it is part of",
    ),
    (
        codes::UNKNOWN_CLASS,
        Severity::Warning,
        "message-context classes are those of RFC 3458 (voice-message, fax-message, pager-message, multimedia-message, text-message, none)",
    ),
    (
        codes::DUPLICATE_CLASS,
        Severity::Warning,
        "each class should have one summary line",
    ),
    (
        codes::BARE_LF,
        Severity::Error,
        "lines must end in CRLF, not a bare LF",
    ),
    (
        codes::MISSING_FINAL_CRLF,
        Severity::Error,
        "the last line must end in CRLF",
    ),
    (
        codes::MISSING_BLANK_LINE,
        Severity::Error,
        "an empty line must precede each message header block",
    ),
    (
        codes::EMPTY_BLOCK,
        Severity::Warning,
        "an empty line must be followed by at least one message header",
    ),
    (
        codes::BLOCK_WITHOUT_MESSAGE_ID,
        Severity::Warning,
        "a message header block without the Message-ID used for retrieval (optional in RFC 3842; OMA IM deferred messages are retrieved by it)",
    ),
    (
        codes::DUPLICATE_MESSAGE_ID,
        Severity::Error,
        "a message header block has one Message-ID",
    ),
    (
        codes::REPEATED_MESSAGE_ID,
        Severity::Warning,
        "two message header blocks name the same Message-ID",
    ),
    (
        codes::BAD_LINE,
        Severity::Error,
        "every line is name: value (an extension-header)",
    ),
    (
        codes::BAD_CHAR,
        Severity::Error,
        "lines must not contain control characters other than HTAB",
    ),
    (codes::NOT_UTF8, Severity::Error, "the body must be UTF-8"),
    (
        codes::FOLDED_LINE,
        Severity::Note,
        "a line is folded onto the next one; re-emission unfolds it",
    ),
    (
        codes::LIMIT_EXCEEDED,
        Severity::Error,
        "the body has more lines or blocks than the limits allow",
    ),
];

/// Default severity of a rule of this module.
pub fn rule_severity(code: &str) -> Option<Severity> {
    RULES.iter().find(|r| r.0 == code).map(|r| r.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_unique_kebab_case_and_prefixed() {
        let mut seen = std::collections::HashSet::new();
        for (code, _, desc) in RULES {
            assert!(seen.insert(*code), "duplicate {code}");
            assert!(code.starts_with("summary-"));
            assert!(
                code.bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit())
            );
            assert!(!desc.is_empty());
        }
        assert_eq!(rule_severity(codes::BARE_LF), Some(Severity::Error));
        assert_eq!(rule_severity(codes::UNKNOWN_CLASS), Some(Severity::Warning));
        assert_eq!(rule_severity("nope"), None);
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;

    fn class_name() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => proptest::sample::select(MessageClass::ALL.to_vec()).prop_map(|c| c.as_str().to_string()),
            1 => proptest::sample::select(MessageClass::ALL.to_vec()).prop_map(|c| c.line_name().to_ascii_uppercase()),
            1 => "x-[a-z]{1,6}",
        ]
    }

    fn header() -> impl Strategy<Value = DocHeader> {
        let name = prop_oneof![
            proptest::sample::select(vec![
                "To",
                "From",
                "Subject",
                "Date",
                "Priority",
                "Message-ID",
                "message-id",
                "TO"
            ])
            .prop_map(str::to_string),
            "X-[A-Za-z]{1,6}",
        ];
        let value = "[ \t]{0,2}[ -~\u{e9}\u{4e2d}\t]{0,20}[ \t]{0,2}";
        (name, value).prop_map(|(n, v)| DocHeader::new(n, v))
    }

    fn message(with_class: bool) -> impl Strategy<Value = DocMessage> {
        (
            proptest::option::of(class_name()),
            proptest::option::of(prop_oneof![
                Just(MessageState::New),
                Just(MessageState::Old)
            ]),
            proptest::option::of(any::<bool>()),
            proptest::collection::vec(header(), 0..7),
        )
            .prop_map(move |(class, state, urgent, headers)| DocMessage {
                class: if with_class { class } else { None },
                state: if with_class { state } else { None },
                urgent,
                headers,
            })
    }

    fn counts() -> impl Strategy<Value = ClassCounts> {
        (
            class_name(),
            any::<u32>(),
            any::<u32>(),
            any::<bool>(),
            any::<u32>(),
            any::<u32>(),
        )
            .prop_map(|(class, new, old, urgent, a, b)| ClassCounts {
                class,
                new,
                old,
                new_urgent: urgent.then(|| {
                    if new == 0 {
                        0
                    } else {
                        a % new.saturating_add(1)
                    }
                }),
                old_urgent: urgent.then(|| {
                    if old == 0 {
                        0
                    } else {
                        b % old.saturating_add(1)
                    }
                }),
            })
    }

    fn doc() -> impl Strategy<Value = SummaryDoc> {
        let account = proptest::option::of("(sip|sips|tel):[a-z0-9]{1,8}(@[a-z]{1,8}\\.example)?");
        let computed = proptest::collection::vec(message(true), 0..5).prop_map(|m| (None, m, None));
        let explicit = (
            proptest::collection::vec(counts(), 0..4),
            proptest::collection::vec(message(false), 0..4),
            any::<bool>(),
        )
            .prop_map(|(c, m, w)| {
                let waiting = c.is_empty().then_some(w);
                (Some(c), m, waiting)
            });
        (account, prop_oneof![computed, explicit]).prop_map(
            |(account, (counts, messages, waiting))| {
                let mut d = SummaryDoc::new(account);
                d.counts = counts;
                d.messages = messages;
                d.messages_waiting = waiting;
                d
            },
        )
    }

    /// Findings a canonical body may still carry: what `validate` lets through.
    const ALLOWED: [&str; 5] = [
        codes::UNKNOWN_CLASS,
        codes::DUPLICATE_CLASS,
        codes::BLOCK_WITHOUT_MESSAGE_ID,
        codes::DUPLICATE_MESSAGE_ID,
        codes::REPEATED_MESSAGE_ID,
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn emit_parse_emit_is_identity(d in doc()) {
            d.validate().expect("generated documents are valid");
            let body = emit_body(&d);
            let (view, findings) = parse(body.as_bytes());
            for f in &findings {
                prop_assert!(ALLOWED.contains(&f.code), "{f:?} in {body:?}");
            }
            prop_assert_eq!(view.waiting(), Some(d.waiting()));
            let back = view.to_doc().expect("canonical bodies are complete");
            back.validate().expect("a parsed canonical body is valid");
            prop_assert_eq!(emit_body(&back), body.clone());
            // The JSON form round trips too.
            let json = serde_json::to_string(&back.canonical()).unwrap();
            let again: SummaryDoc = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(emit_body(&again), body);
        }

        #[test]
        fn normalising_is_idempotent_and_never_panics(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "Messages-Waiting: yes", "Messages-Waiting: no", "messages-waiting:NO", "\r\n", "\n", "\r",
                "Message-Account: sip:a@b", "Message-Account: <x>", "Voice-Message: 1/2", "Text-Message: 0/0 (0/0)",
                " (0/1)", "Fax-Message: 4294967296/0", "X-Thing: 3/4", "To: <a@b>", "Message-ID: id1",
                "Message-ID: id2", "Subject: hi", " ", "\t", ":", "/", "\0", "\u{e9}", "\u{ff}",
            ]), 0..24),
            raw in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let mut input: Vec<u8> = pieces.concat().into_bytes();
            input.extend_from_slice(&raw);
            for buf in [&input[..], &raw[..]] {
                let (view, _) = parse(buf);
                if let Ok(d) = view.to_doc() && d.validate().is_ok() {
                    let once = emit_body(&d);
                    let (v2, f2) = parse(once.as_bytes());
                    for f in &f2 {
                        prop_assert!(ALLOWED.contains(&f.code), "{f:?} in {once:?}");
                    }
                    let twice = emit_body(&v2.to_doc().unwrap());
                    prop_assert_eq!(once, twice);
                }
            }
        }
    }
}
