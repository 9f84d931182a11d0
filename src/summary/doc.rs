//! The owned message-summary document: what `summary --format json` prints
//! and `summary --json-input` reads. Schema: `docs/summary-schema.md`.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::class::MessageClass;
use super::codes;
use super::parse::{Summary, is_account_uri};
use crate::chars;
use crate::finding::Finding;

/// The `"type"` of a summary document.
pub const DOC_TYPE: &str = "message-summary";
/// The `"schema_version"` this crate reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// A message-summary document.
///
/// The summary lines are `counts` when present (taken as they are, e.g. from
/// a body written by a server); when absent they are computed from
/// `messages`, whose `class`, `state` and `urgent` then default to
/// `text-message`, `new` and `false`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryDoc {
    /// Always `"message-summary"`.
    #[serde(rename = "type")]
    pub doc_type: String,
    /// Always 1.
    pub schema_version: u32,
    /// `Messages-Waiting`. Computed when absent; when present it must agree
    /// with the new counts (it matters alone only when there are no counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages_waiting: Option<bool>,
    /// `Message-Account` URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Explicit summary lines; absent: computed from `messages`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<Vec<ClassCounts>>,
    /// The messages, each emitted as one header block.
    #[serde(default)]
    pub messages: Vec<DocMessage>,
}

/// One summary line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassCounts {
    /// RFC 3458 class (`voice-message`, ...); another name is an extension line.
    pub class: String,
    pub new: u32,
    pub old: u32,
    /// Urgent counts: both or neither.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_urgent: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_urgent: Option<u32>,
}

/// New or already seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageState {
    New,
    Old,
}

/// One stored message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocMessage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<MessageState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgent: Option<bool>,
    /// The header block, in order, duplicates kept. Empty: counted, not listed.
    pub headers: Vec<DocHeader>,
}

/// One header of a message block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocHeader {
    pub name: String,
    pub value: String,
}

impl DocHeader {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        DocHeader {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// A document that cannot be emitted: the field (a JSON path) and why.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{path}: {message}")]
pub struct DocError {
    pub path: String,
    pub message: String,
}

fn err(path: impl Into<String>, message: impl Into<String>) -> DocError {
    DocError {
        path: path.into(),
        message: message.into(),
    }
}

/// The headers of a block in their canonical order and spelling.
pub(crate) const BLOCK_ORDER: [&str; 6] =
    ["To", "From", "Subject", "Date", "Priority", "Message-ID"];

/// Class key: a known class, or an unknown one by its lower-cased name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Known(MessageClass),
    Other(String),
}

fn key_of(class: &str) -> Key {
    match MessageClass::from_name(class) {
        Some(c) => Key::Known(c),
        None => Key::Other(class.to_ascii_lowercase()),
    }
}

/// Canonical order of summary lines: RFC 3458 classes first, in order, then
/// unknown ones as they came (stable).
fn sort_lines(lines: &mut [ClassCounts]) {
    lines.sort_by_key(|l| match key_of(&l.class) {
        Key::Known(c) => c.rank(),
        Key::Other(_) => MessageClass::ALL.len(),
    });
}

/// The class spelled canonically for JSON: RFC 3458 names lower case, others as given.
fn json_class(class: &str) -> String {
    match MessageClass::from_name(class) {
        Some(c) => c.as_str().to_string(),
        None => class.to_string(),
    }
}

/// A value unfolded (line ends and the whitespace around them become one
/// space), other control characters but HTAB replaced by a space, trimmed.
pub(crate) fn clean_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' || c == '\n' {
            while out.ends_with([' ', '\t']) {
                out.pop();
            }
            while chars
                .peek()
                .is_some_and(|&n| matches!(n, '\r' | '\n' | ' ' | '\t'))
            {
                chars.next();
            }
            out.push(' ');
        } else if (c.is_control() && c != '\t') || c == '\u{7f}' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out.trim_matches([' ', '\t']).to_string()
}

/// Headers in canonical order (To, From, Subject, Date, Priority,
/// Message-ID, each name's occurrences in order, then the others in order),
/// known names spelled canonically, values cleaned.
pub(crate) fn canonical_headers(headers: &[DocHeader]) -> Vec<DocHeader> {
    let mut out = Vec::with_capacity(headers.len());
    for known in BLOCK_ORDER {
        for h in headers
            .iter()
            .filter(|h| h.name.trim().eq_ignore_ascii_case(known))
        {
            out.push(DocHeader::new(known, clean_value(&h.value)));
        }
    }
    for h in headers {
        let name = h.name.trim();
        if !BLOCK_ORDER.iter().any(|k| k.eq_ignore_ascii_case(name)) {
            out.push(DocHeader::new(name, clean_value(&h.value)));
        }
    }
    out
}

impl SummaryDoc {
    /// An empty document (no messages: `Messages-Waiting: no`).
    pub fn new(account: Option<String>) -> Self {
        SummaryDoc {
            doc_type: DOC_TYPE.to_string(),
            schema_version: SCHEMA_VERSION,
            messages_waiting: None,
            account,
            counts: None,
            messages: Vec::new(),
        }
    }

    /// The summary lines to emit, in canonical order: `counts` when present,
    /// else computed from the messages (with urgent counts).
    pub fn summary_lines(&self) -> Vec<ClassCounts> {
        if let Some(counts) = &self.counts {
            let mut lines: Vec<ClassCounts> = counts
                .iter()
                .map(|c| ClassCounts {
                    class: json_class(c.class.trim()),
                    ..c.clone()
                })
                .collect();
            sort_lines(&mut lines);
            return lines;
        }
        let mut lines: Vec<(Key, ClassCounts)> = Vec::new();
        for m in &self.messages {
            let class = m.class.as_deref().map(str::trim).unwrap_or("text-message");
            let key = key_of(class);
            let idx = match lines.iter().position(|(k, _)| *k == key) {
                Some(i) => i,
                None => {
                    lines.push((
                        key,
                        ClassCounts {
                            class: json_class(class),
                            new: 0,
                            old: 0,
                            new_urgent: Some(0),
                            old_urgent: Some(0),
                        },
                    ));
                    lines.len() - 1
                }
            };
            let line = &mut lines[idx].1;
            let urgent = m.urgent.unwrap_or(false);
            let bump = |n: &mut u32| *n = n.saturating_add(1);
            match m.state.unwrap_or(MessageState::New) {
                MessageState::New => {
                    bump(&mut line.new);
                    if urgent {
                        line.new_urgent.as_mut().map(bump);
                    }
                }
                MessageState::Old => {
                    bump(&mut line.old);
                    if urgent {
                        line.old_urgent.as_mut().map(bump);
                    }
                }
            }
        }
        let mut lines: Vec<ClassCounts> = lines.into_iter().map(|(_, l)| l).collect();
        sort_lines(&mut lines);
        lines
    }

    /// `Messages-Waiting`: yes when some summary line has new messages; with
    /// no summary line at all, `messages_waiting` (default no).
    pub fn waiting(&self) -> bool {
        let lines = self.summary_lines();
        if lines.is_empty() {
            self.messages_waiting.unwrap_or(false)
        } else {
            lines.iter().any(|l| l.new > 0)
        }
    }

    /// The same document in canonical form: `messages_waiting` filled in,
    /// summary lines (when explicit) in canonical order, class names in their
    /// RFC 3458 spelling, headers in canonical order with values unfolded.
    pub fn canonical(&self) -> SummaryDoc {
        SummaryDoc {
            doc_type: DOC_TYPE.to_string(),
            schema_version: SCHEMA_VERSION,
            messages_waiting: Some(self.waiting()),
            account: self.account.as_deref().map(|a| a.trim().to_string()),
            counts: self.counts.as_ref().map(|_| self.summary_lines()),
            messages: self
                .messages
                .iter()
                .map(|m| DocMessage {
                    class: m.class.as_deref().map(|c| json_class(c.trim())),
                    state: m.state,
                    urgent: m.urgent,
                    headers: canonical_headers(&m.headers),
                })
                .collect(),
        }
    }

    /// Check the document. `Err` names the first field that makes it
    /// impossible to emit; `Ok` carries findings (path = JSON path, offset 0)
    /// for what can still be emitted: unknown classes, blocks without
    /// Message-ID, duplicates.
    pub fn validate(&self) -> Result<Vec<Finding>, DocError> {
        let mut findings = Vec::new();
        if self.doc_type != DOC_TYPE {
            return Err(err(
                "type",
                format!("expected \"{DOC_TYPE}\", found \"{}\"", self.doc_type),
            ));
        }
        if self.schema_version != SCHEMA_VERSION {
            return Err(err(
                "schema_version",
                format!(
                    "unsupported version {} (this tool reads {SCHEMA_VERSION})",
                    self.schema_version
                ),
            ));
        }
        if let Some(a) = &self.account
            && !is_account_uri(a.trim().as_bytes())
        {
            return Err(err(
                "account",
                format!("`{a}` is not a SIP, SIPS or absolute URI"),
            ));
        }
        let mut seen: Vec<Key> = Vec::new();
        for (i, c) in self.counts.iter().flatten().enumerate() {
            let path = format!("counts[{i}]");
            check_class(&c.class, &format!("{path}.class"), &mut findings)?;
            let key = key_of(c.class.trim());
            if seen.contains(&key) {
                findings.push(
                    Finding::warning(
                        codes::DUPLICATE_CLASS,
                        0,
                        format!("a second summary line for {}", c.class),
                    )
                    .with_path(format!("{path}.class")),
                );
            } else {
                seen.push(key);
            }
            match (c.new_urgent, c.old_urgent) {
                (Some(nu), Some(ou)) => {
                    if nu > c.new {
                        return Err(err(
                            format!("{path}.new_urgent"),
                            format!("{nu} urgent new messages but only {} new", c.new),
                        ));
                    }
                    if ou > c.old {
                        return Err(err(
                            format!("{path}.old_urgent"),
                            format!("{ou} urgent old messages but only {} old", c.old),
                        ));
                    }
                }
                (None, None) => {}
                (Some(_), None) => {
                    return Err(err(
                        format!("{path}.old_urgent"),
                        "missing: new_urgent and old_urgent go together",
                    ));
                }
                (None, Some(_)) => {
                    return Err(err(
                        format!("{path}.new_urgent"),
                        "missing: new_urgent and old_urgent go together",
                    ));
                }
            }
        }
        let mut ids: std::collections::HashSet<String> = std::collections::HashSet::new();
        for (i, m) in self.messages.iter().enumerate() {
            let path = format!("messages[{i}]");
            if let Some(class) = &m.class {
                check_class(class, &format!("{path}.class"), &mut findings)?;
            }
            for (j, h) in m.headers.iter().enumerate() {
                let hp = format!("{path}.headers[{j}]");
                if !chars::is_token_str(h.name.trim().as_bytes()) {
                    return Err(err(
                        format!("{hp}.name"),
                        format!("`{}` is not a header name (an RFC 3261 token)", h.name),
                    ));
                }
                if let Some(c) = h.value.chars().find(|&c| c.is_control() && c != '\t') {
                    return Err(err(
                        format!("{hp}.value"),
                        format!(
                            "contains the control character U+{:04X}; a header value is one line",
                            c as u32
                        ),
                    ));
                }
            }
            if m.headers.is_empty() {
                continue;
            }
            let mut mids = m
                .headers
                .iter()
                .filter(|h| h.name.trim().eq_ignore_ascii_case("Message-ID"));
            match mids.next() {
                None => findings.push(
                    Finding::warning(
                        codes::BLOCK_WITHOUT_MESSAGE_ID,
                        0,
                        format!("message {} has no Message-ID header", i + 1),
                    )
                    .with_path(format!("{path}.headers")),
                ),
                Some(id) => {
                    if mids.next().is_some() {
                        findings.push(
                            Finding::error(
                                codes::DUPLICATE_MESSAGE_ID,
                                0,
                                format!("message {} has two Message-ID headers", i + 1),
                            )
                            .with_path(format!("{path}.headers")),
                        );
                    }
                    let id = clean_value(&id.value);
                    if !ids.insert(id.clone()) {
                        findings.push(
                            Finding::warning(
                                codes::REPEATED_MESSAGE_ID,
                                0,
                                format!("Message-ID {id} is in an earlier message too"),
                            )
                            .with_path(format!("{path}.headers")),
                        );
                    }
                }
            }
        }
        if let Some(counts) = &self.counts {
            check_tally(counts, &self.messages)?;
        }
        if let Some(w) = self.messages_waiting {
            let lines = self.summary_lines();
            if !lines.is_empty() {
                let computed = lines.iter().any(|l| l.new > 0);
                if computed != w {
                    return Err(err(
                        "messages_waiting",
                        if w {
                            "is true but no class has new messages"
                        } else {
                            "is false but a class has new messages"
                        },
                    ));
                }
            }
        }
        Ok(findings)
    }
}

fn check_class(class: &str, path: &str, findings: &mut Vec<Finding>) -> Result<(), DocError> {
    let c = class.trim();
    if !chars::is_token_str(c.as_bytes()) {
        return Err(err(
            path,
            format!("`{class}` is not a message-context class name (an RFC 3261 token)"),
        ));
    }
    if c.eq_ignore_ascii_case("Messages-Waiting") || c.eq_ignore_ascii_case("Message-Account") {
        return Err(err(
            path,
            format!("`{c}` names the status or account line, not a class"),
        ));
    }
    if MessageClass::from_name(c).is_none() {
        findings.push(
            Finding::warning(
                codes::UNKNOWN_CLASS,
                0,
                format!(
                    "`{c}` is not an RFC 3458 message-context class; kept as an extension line"
                ),
            )
            .with_path(path),
        );
    }
    Ok(())
}

/// With explicit counts, the messages that say their class and state must
/// fit in them (a summary may list fewer messages than it counts).
fn check_tally(counts: &[ClassCounts], messages: &[DocMessage]) -> Result<(), DocError> {
    for (i, c) in counts.iter().enumerate() {
        let key = key_of(c.class.trim());
        let (mut new, mut old, mut nu, mut ou) = (0u64, 0u64, 0u64, 0u64);
        for m in messages {
            let (Some(class), Some(state)) = (&m.class, m.state) else {
                continue;
            };
            if key_of(class.trim()) != key {
                continue;
            }
            let urgent = m.urgent.unwrap_or(false);
            match state {
                MessageState::New => {
                    new += 1;
                    nu += u64::from(urgent);
                }
                MessageState::Old => {
                    old += 1;
                    ou += u64::from(urgent);
                }
            }
        }
        let checks = [
            ("new", new, Some(c.new)),
            ("old", old, Some(c.old)),
            ("new_urgent", nu, c.new_urgent),
            ("old_urgent", ou, c.old_urgent),
        ];
        for (field, listed, count) in checks {
            if let Some(count) = count
                && listed > u64::from(count)
            {
                return Err(err(
                    format!("counts[{i}].{field}"),
                    format!(
                        "is {count} but {listed} messages of class {} are listed as {}",
                        c.class,
                        field.replace('_', " ")
                    ),
                ));
            }
        }
    }
    Ok(())
}

impl Summary<'_> {
    /// The owned document of a parsed body: its status, account and summary
    /// lines as written (`counts` is always present), and one message per
    /// block with its headers in body order (class, state and urgency are
    /// unknown from a body and left out).
    ///
    /// Fails with the finding that made the view incomplete (see
    /// [`Summary::is_complete`]); the document may still fail
    /// [`SummaryDoc::validate`] (for example a status that disagrees with
    /// the counts).
    pub fn to_doc(&self) -> Result<SummaryDoc, Finding> {
        if let Some(f) = &self.fatal {
            return Err(f.clone());
        }
        let mut doc = SummaryDoc::new(self.account.as_ref().map(|a| a.text().into_owned()));
        doc.messages_waiting = self.waiting();
        let mut counts = Vec::with_capacity(self.lines.len());
        for line in &self.lines {
            // Complete views have counts on every line.
            let Some(c) = line.counts else { continue };
            counts.push(ClassCounts {
                class: match line.class {
                    Some(k) => k.as_str().to_string(),
                    None => line.field.name.to_string(),
                },
                new: c.new,
                old: c.old,
                new_urgent: c.urgent.map(|u| u.new),
                old_urgent: c.urgent.map(|u| u.old),
            });
        }
        doc.counts = Some(counts);
        doc.messages = self
            .blocks
            .iter()
            .map(|b| DocMessage {
                class: None,
                state: None,
                urgent: None,
                headers: b
                    .headers
                    .iter()
                    .map(|h| DocHeader::new(h.name, h.text()))
                    .collect(),
            })
            .collect();
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(class: &str, state: MessageState, urgent: bool, id: &str) -> DocMessage {
        DocMessage {
            class: Some(class.into()),
            state: Some(state),
            urgent: Some(urgent),
            headers: vec![DocHeader::new("Message-ID", id)],
        }
    }

    #[test]
    fn computed_lines_are_canonical_order_with_urgent() {
        let mut d = SummaryDoc::new(None);
        d.messages = vec![
            msg("text-message", MessageState::New, false, "a"),
            msg("voice-message", MessageState::Old, true, "b"),
            msg("Text-Message", MessageState::New, true, "c"),
            msg("email-message", MessageState::New, false, "d"),
        ];
        let lines = d.summary_lines();
        let names: Vec<_> = lines.iter().map(|l| l.class.as_str()).collect();
        assert_eq!(names, ["voice-message", "text-message", "email-message"]);
        assert_eq!(
            (
                lines[1].new,
                lines[1].old,
                lines[1].new_urgent,
                lines[1].old_urgent
            ),
            (2, 0, Some(1), Some(0))
        );
        assert_eq!((lines[0].old, lines[0].old_urgent), (1, Some(1)));
        assert!(d.waiting());
        let f = d.validate().unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, codes::UNKNOWN_CLASS);
        assert_eq!(f[0].path, "messages[3].class");
    }

    #[test]
    fn defaults_count_as_new_text_messages() {
        let mut d = SummaryDoc::new(None);
        d.messages.push(DocMessage {
            class: None,
            state: None,
            urgent: None,
            headers: vec![],
        });
        let l = d.summary_lines();
        assert_eq!(l[0].class, "text-message");
        assert_eq!((l[0].new, l[0].new_urgent), (1, Some(0)));
    }

    #[test]
    fn empty_doc_is_not_waiting() {
        let d = SummaryDoc::new(None);
        assert!(!d.waiting());
        assert!(d.summary_lines().is_empty());
        assert!(d.validate().unwrap().is_empty());
    }

    #[test]
    fn waiting_alone_is_kept_without_counts() {
        let mut d = SummaryDoc::new(None);
        d.messages_waiting = Some(true);
        d.counts = Some(vec![]);
        assert!(d.waiting());
        assert!(d.validate().is_ok());
    }

    #[test]
    fn validate_names_fields() {
        let mut d = SummaryDoc::new(Some("<sip:a@b>".into()));
        assert_eq!(d.validate().unwrap_err().path, "account");
        d.account = None;
        d.doc_type = "summary".into();
        assert_eq!(d.validate().unwrap_err().path, "type");
        d.doc_type = DOC_TYPE.into();
        d.schema_version = 2;
        assert_eq!(d.validate().unwrap_err().path, "schema_version");
        d.schema_version = 1;
        d.counts = Some(vec![ClassCounts {
            class: "voice-message".into(),
            new: 1,
            old: 0,
            new_urgent: Some(2),
            old_urgent: Some(0),
        }]);
        assert_eq!(d.validate().unwrap_err().path, "counts[0].new_urgent");
        d.counts.as_mut().unwrap()[0].new_urgent = None;
        assert_eq!(d.validate().unwrap_err().path, "counts[0].new_urgent");
        d.counts.as_mut().unwrap()[0].new_urgent = Some(1);
        d.counts.as_mut().unwrap()[0].old_urgent = None;
        assert_eq!(d.validate().unwrap_err().path, "counts[0].old_urgent");
        d.counts.as_mut().unwrap()[0].old_urgent = Some(0);
        d.messages_waiting = Some(false);
        let e = d.validate().unwrap_err();
        assert_eq!(e.path, "messages_waiting");
        assert_eq!(
            e.to_string(),
            "messages_waiting: is false but a class has new messages"
        );
        d.messages_waiting = None;
        d.counts.as_mut().unwrap()[0].class = "bad class".into();
        assert_eq!(d.validate().unwrap_err().path, "counts[0].class");
        d.counts.as_mut().unwrap()[0].class = "message-account".into();
        assert_eq!(d.validate().unwrap_err().path, "counts[0].class");
        d.counts.as_mut().unwrap()[0].class = "voice-message".into();
        d.messages = vec![DocMessage {
            class: None,
            state: None,
            urgent: None,
            headers: vec![DocHeader::new("Sub ject", "x")],
        }];
        assert_eq!(
            d.validate().unwrap_err().path,
            "messages[0].headers[0].name"
        );
        d.messages[0].headers[0] = DocHeader::new("Subject", "a\r\nb");
        assert_eq!(
            d.validate().unwrap_err().path,
            "messages[0].headers[0].value"
        );
        d.messages[0].headers[0] = DocHeader::new("Subject", "a\tb");
        let f = d.validate().unwrap();
        assert_eq!(f[0].code, codes::BLOCK_WITHOUT_MESSAGE_ID);
        assert_eq!(f[0].path, "messages[0].headers");
    }

    #[test]
    fn tally_must_fit_explicit_counts() {
        let mut d = SummaryDoc::new(None);
        d.counts = Some(vec![ClassCounts {
            class: "text-message".into(),
            new: 1,
            old: 0,
            new_urgent: Some(0),
            old_urgent: Some(0),
        }]);
        d.messages = vec![msg("text-message", MessageState::New, false, "a")];
        assert!(d.validate().is_ok());
        d.messages
            .push(msg("text-message", MessageState::Old, false, "b"));
        assert_eq!(d.validate().unwrap_err().path, "counts[0].old");
        d.messages[1] = msg("text-message", MessageState::New, true, "b");
        assert_eq!(d.validate().unwrap_err().path, "counts[0].new");
        // Unattributed messages are not counted against explicit counts.
        d.messages[1].class = None;
        assert!(d.validate().is_ok());
    }

    #[test]
    fn duplicate_ids_are_flagged() {
        let mut d = SummaryDoc::new(None);
        d.messages = vec![
            msg("text-message", MessageState::New, false, "a"),
            msg("text-message", MessageState::New, false, " a "),
        ];
        d.messages[0]
            .headers
            .push(DocHeader::new("message-id", "z"));
        let f = d.validate().unwrap();
        let codes: Vec<_> = f.iter().map(|f| f.code).collect();
        assert_eq!(
            codes,
            [codes::DUPLICATE_MESSAGE_ID, codes::REPEATED_MESSAGE_ID]
        );
    }

    #[test]
    fn canonical_headers_order_and_spelling() {
        let h = vec![
            DocHeader::new("message-id", "m"),
            DocHeader::new("X-Extra", " e "),
            DocHeader::new("to", "<b>"),
            DocHeader::new("FROM", "<c>"),
            DocHeader::new("To", "<a>"),
            DocHeader::new("Subject", "x\r\n  y"),
        ];
        let c = canonical_headers(&h);
        let got: Vec<_> = c
            .iter()
            .map(|h| format!("{}={}", h.name, h.value))
            .collect();
        assert_eq!(
            got,
            [
                "To=<b>",
                "To=<a>",
                "From=<c>",
                "Subject=x y",
                "Message-ID=m",
                "X-Extra=e"
            ]
        );
    }

    #[test]
    fn clean_value_replaces_controls() {
        assert_eq!(clean_value("  a\u{0}b \r\n\t c  "), "a b c");
        assert_eq!(clean_value("a\tb"), "a\tb");
    }

    #[test]
    fn json_shape() {
        let mut d = SummaryDoc::new(Some("sip:a@b".into()));
        d.messages = vec![msg("text-message", MessageState::New, true, "a")];
        let j = serde_json::to_value(d.canonical()).unwrap();
        assert_eq!(j["type"], "message-summary");
        assert_eq!(j["schema_version"], 1);
        assert_eq!(j["messages_waiting"], true);
        assert!(j.get("counts").is_none());
        assert_eq!(j["messages"][0]["state"], "new");
        assert_eq!(j["messages"][0]["headers"][0]["name"], "Message-ID");
        let back: SummaryDoc = serde_json::from_value(j).unwrap();
        assert_eq!(back.messages[0].urgent, Some(true));
        let bad = serde_json::from_str::<SummaryDoc>(
            r#"{"type":"message-summary","schema_version":1,"bogus":1}"#,
        );
        assert!(bad.is_err());
    }
}
