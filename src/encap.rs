//! Stored deferred messages into the pushed MSRP SENDs of the OMA IM CR
//! (12.2.2.3 storage, 12.2.2.5 pushing, D.2 examples).
//!
//! Two steps:
//!
//! 1. A [`Collector`] is fed every parsed message of the input (text through
//!    [`load_text`], captures message by message) and [`Collector::finish`]
//!    finds the deferred messages in it: each pager-mode SIP MESSAGE, and
//!    each Large Message Mode session (INVITE, its SENDs joined by
//!    [`crate::reassembly`]; 200 OK, ACK and BYE are never carried).
//! 2. [`encode`] builds one pushed SEND (or, with `chunk_size`, one series of
//!    chunks) per deferred message: `multipart/mixed` holding `message/sip`
//!    (or `message/sipfrag`) for a MESSAGE, or `message/sipfrag` (INVITE
//!    start line and the relevant headers) plus `message/msrpfrag` (first
//!    SEND's start line, Message-ID, Content-Type, whole body) for a session.
//!
//! Every header that is kept is copied byte for byte (the field as written,
//! folds included; only line ends become CRLF). Removed fields are dropped
//! and a Date field is inserted when there is none. Call-ID, Message-ID,
//! an existing Date and the message body are never changed.

use jiff::Timestamp;
use memchr::memmem;

use crate::body::BodyKind;
use crate::finding::{Finding, Severity, offset_in};
use crate::framing::{FrameOptions, Framer, Item};
use crate::header::{self, Hdr};
use crate::limits::Limits;
use crate::message::{Message, Parsed, parse_frame};
use crate::reassembly::{Chunk, OwnedHeader, Reassembled, Reassembler};

// What the CR does with each header (removed when stored, relevant in
// Large Message Mode, never stripped) is in the header table:
// `header::CR_REMOVED`, `header::CR_RELEVANT`, `header::CR_PROTECTED`.

/// Does the table give the header spelt `name` (any case, compact or not)
/// all of `flags`?
fn named_has(name: &str, flags: u32) -> bool {
    header::lookup(name.as_bytes()).is_some_and(|(h, _)| h.has(flags))
}

/// Where something is in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Byte offset in the original bytes of input number `input`.
    Text { input: usize, offset: usize },
    /// A captured message (its frame number) of input number `input`.
    Frame { input: usize, frame: u64 },
}

/// An error: a stable code, a message, and where (absent for option errors).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EncapError {
    pub code: &'static str,
    pub message: String,
    pub pos: Option<Position>,
}

impl EncapError {
    fn at(code: &'static str, pos: Position, message: impl Into<String>) -> Self {
        EncapError {
            code,
            message: message.into(),
            pos: Some(pos),
        }
    }

    fn usage(code: &'static str, message: impl Into<String>) -> Self {
        EncapError {
            code,
            message: message.into(),
            pos: None,
        }
    }
}

/// How a pager-mode MESSAGE is carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PagerForm {
    /// message/sip (RFC 3261).
    #[default]
    Sip,
    /// message/sipfrag (RFC 3420).
    Sipfrag,
}

/// Encoding options.
#[derive(Debug, Clone)]
pub struct Options {
    pub pager_form: PagerForm,
    /// Header names kept although the CR's list removes them (canonical or compact).
    pub keep: Vec<String>,
    /// Header names removed as well (canonical or compact).
    pub strip: Vec<String>,
    /// The Date value added where a message has none (see [`crate::date::normalize`]).
    /// Absent: the capture timestamp, else `now`.
    pub date: Option<String>,
    pub now: Timestamp,
    /// To-Path of the pushed SENDs (one or more space-separated URIs).
    pub to_path: String,
    pub from_path: String,
    /// Transaction id of the first SEND; the next ones get `-2`, `-3`...
    pub transaction_id: Option<String>,
    /// Message-ID of the first pushed message; the next ones get `-2`, `-3`...
    pub message_id: Option<String>,
    pub boundary: Option<String>,
    /// Body bytes per SEND; absent: the whole body in one SEND.
    pub chunk_size: Option<usize>,
    /// Seed of generated ids and boundaries.
    pub seed: u64,
    /// Extra header fields of every pushed SEND, written as given (without
    /// line end) after Byte-Range and before Content-Type. `lint --fix`
    /// keeps the other headers of the SEND it rewrites this way.
    pub send_headers: Vec<Vec<u8>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pager_form: PagerForm::Sip,
            keep: Vec::new(),
            strip: Vec::new(),
            date: None,
            now: Timestamp::UNIX_EPOCH,
            to_path: "msrp://client.invalid:2855/deferred;tcp".into(),
            from_path: "msrp://imserver.invalid:2855/deferred;tcp".into(),
            transaction_id: None,
            message_id: None,
            boundary: None,
            chunk_size: None,
            seed: 0,
            send_headers: Vec::new(),
        }
    }
}

/// RFC 4975 `ident`: ALPHANUM 3*31ident-char.
pub fn is_ident(s: &str) -> bool {
    let b = s.as_bytes();
    (4..=32).contains(&b.len())
        && b[0].is_ascii_alphanumeric()
        && b.iter().all(|&c| crate::framing::is_ident_char(c))
}

/// RFC 2046 boundary: 1 to 70 bchars, not ending with a space.
pub fn is_boundary(s: &str) -> bool {
    let b = s.as_bytes();
    (1..=70).contains(&b.len())
        && b.last() != Some(&b' ')
        && b.iter().all(|&c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    b'\''
                        | b'('
                        | b')'
                        | b'+'
                        | b'_'
                        | b','
                        | b'-'
                        | b'.'
                        | b'/'
                        | b':'
                        | b'='
                        | b'?'
                        | b' '
                )
        })
}

fn canonical_of(name: &str) -> String {
    match header::canonical_name(name.as_bytes()) {
        Some((c, _)) => c.to_string(),
        None => name.to_string(),
    }
}

impl Options {
    /// Check every option; errors have no position.
    pub fn validate(&self) -> Result<(), EncapError> {
        for (flag, v) in [
            ("--to-path", &self.to_path),
            ("--from-path", &self.from_path),
        ] {
            // The MSRP URI grammar (RFC 4975 9), as lint checks it.
            if let Err(e) = crate::uri::parse_msrp_path(v.as_bytes()) {
                return Err(EncapError::usage(
                    "bad-option",
                    format!(
                        "{flag} `{v}`: {e} (MSRP URIs such as msrp://host:port/session;tcp, one space between)"
                    ),
                ));
            }
        }
        for (flag, v) in [
            ("--transaction-id", &self.transaction_id),
            ("--message-id", &self.message_id),
        ] {
            if let Some(v) = v
                && !is_ident(v)
            {
                return Err(EncapError::usage(
                    "bad-option",
                    format!(
                        "{flag} `{v}`: expected 4 to 32 characters (letters, digits, `.-+%=`) starting with a letter or digit (RFC 4975 ident)"
                    ),
                ));
            }
        }
        if let Some(b) = &self.boundary
            && !is_boundary(b)
        {
            return Err(EncapError::usage(
                "bad-option",
                format!(
                    "--boundary `{b}`: expected 1 to 70 characters from RFC 2046 bchars, not ending with a space"
                ),
            ));
        }
        if self.chunk_size == Some(0) {
            return Err(EncapError::usage(
                "bad-option",
                "--chunk-size must be at least 1",
            ));
        }
        if let Some(d) = &self.date
            && !crate::date::is_rfc1123(d)
        {
            return Err(EncapError::usage(
                "bad-option",
                format!("--date `{d}` is not an RFC 1123 GMT date"),
            ));
        }
        for h in &self.send_headers {
            let name_len = h.iter().take_while(|&&b| crate::chars::is_token(b)).count();
            let ok = name_len > 0
                && h.get(name_len) == Some(&b':')
                && !h.iter().any(|&b| b == b'\r' || b == b'\n');
            let name = &h[..name_len];
            let reserved = [
                "To-Path",
                "From-Path",
                "Message-ID",
                "Byte-Range",
                "Content-Type",
            ]
            .iter()
            .any(|r| r.as_bytes().eq_ignore_ascii_case(name));
            if !ok || reserved {
                return Err(EncapError::usage(
                    "bad-option",
                    format!(
                        "SEND header `{}`: expected one `Name: value` line other than To-Path, From-Path, Message-ID, Byte-Range and Content-Type",
                        lossy(h)
                    ),
                ));
            }
        }
        for n in self.keep.iter().chain(&self.strip) {
            if n.is_empty() || !crate::chars::is_token_str(n.as_bytes()) {
                return Err(EncapError::usage(
                    "bad-option",
                    format!("`{n}` is not a header name"),
                ));
            }
        }
        for n in &self.strip {
            let c = canonical_of(n);
            if named_has(&c, header::CR_PROTECTED) {
                return Err(EncapError::usage(
                    "bad-option",
                    format!("--strip {n}: {c} is never removed"),
                ));
            }
            if self
                .keep
                .iter()
                .any(|k| canonical_of(k).eq_ignore_ascii_case(&c))
            {
                return Err(EncapError::usage(
                    "bad-option",
                    format!("{c} is given to both --keep and --strip"),
                ));
            }
        }
        Ok(())
    }

    fn in_list(list: &[String], canonical: &str) -> bool {
        list.iter()
            .any(|n| canonical_of(n).eq_ignore_ascii_case(canonical))
    }

    /// Is this header removed from a pager-mode MESSAGE?
    fn removes(&self, canonical: &str) -> bool {
        if Self::in_list(&self.keep, canonical) {
            return false;
        }
        named_has(canonical, header::CR_REMOVED) || Self::in_list(&self.strip, canonical)
    }
}

/// A stored pager-mode MESSAGE.
#[derive(Debug, Clone)]
pub struct StoredPager {
    pub pos: Position,
    pub call_id: Vec<u8>,
    pub start_line: Vec<u8>,
    pub headers: Vec<OwnedHeader>,
    pub body: Vec<u8>,
    /// The sender asked for anonymity (Privacy: id, header or user).
    pub anonymous: bool,
    pub timestamp: Option<Timestamp>,
}

/// A stored Large Message Mode message: its session's INVITE and the
/// reassembled MSRP message.
#[derive(Debug, Clone)]
pub struct StoredLarge {
    /// Position of the INVITE.
    pub pos: Position,
    pub call_id: Vec<u8>,
    pub start_line: Vec<u8>,
    pub headers: Vec<OwnedHeader>,
    pub anonymous: bool,
    pub timestamp: Option<Timestamp>,
    pub message: Reassembled,
}

/// One deferred message.
#[derive(Debug, Clone)]
pub enum Deferred {
    Pager(StoredPager),
    Large(Box<StoredLarge>),
}

impl Deferred {
    pub fn call_id(&self) -> &[u8] {
        match self {
            Deferred::Pager(p) => &p.call_id,
            Deferred::Large(l) => &l.call_id,
        }
    }
}

/// What [`Collector::finish`] found.
#[derive(Debug, Clone)]
pub struct Collected {
    /// In input order (the MESSAGE's or the INVITE's position).
    pub deferred: Vec<Deferred>,
    /// Things worth saying that did not stop anything (duplicate chunks...).
    pub warnings: Vec<EncapError>,
}

struct InviteRec {
    seq: usize,
    pos: Position,
    call_id: Vec<u8>,
    start_line: Vec<u8>,
    headers: Vec<OwnedHeader>,
    anonymous: bool,
    timestamp: Option<Timestamp>,
    paths: Vec<Vec<u8>>,
}

struct SendRec {
    seq: usize,
    pos: Position,
    paths: Vec<Vec<u8>>,
    chunk: Result<Chunk, EncapError>,
}

type PagerRec = (usize, Option<Vec<u8>>, Result<StoredPager, EncapError>);

struct LastSip {
    method: String,
    call_id: Option<Vec<u8>>,
    framed_by_cl: bool,
}

/// Collects deferred messages from parsed input messages.
pub struct Collector {
    limits: Limits,
    seq: usize,
    /// (input order, Call-ID when known, the stored MESSAGE or why it cannot be one)
    pagers: Vec<PagerRec>,
    invites: Vec<Result<InviteRec, EncapError>>,
    answers: Vec<(Vec<u8>, Vec<Vec<u8>>)>,
    sends: Vec<SendRec>,
    errors: Vec<EncapError>,
    last_sip: Option<LastSip>,
}

/// Framing and syntax errors that would lose or misplace bytes of a message
/// encap copies: they stop encap when they are outside the message body
/// (and `lint --fix` when they are in the head of a part it rebuilds).
pub const BLOCKING: &[&str] = &[
    "truncated",
    "content-length-exceeds-body",
    "content-length-invalid",
    "content-length-mismatch",
    "headers-unterminated",
    "msrp-end-line-missing",
    "msrp-end-line-mismatch",
    "msrp-trailing-data",
    "start-line-malformed",
    "msrp-start-line-malformed",
    "header-missing-colon",
    "header-invalid-name",
    "header-leading-whitespace",
    "header-line-too-long",
    "too-many-headers",
    "message-too-large",
];

fn blocking<'f>(parsed: &'f Parsed<'_>, body: Option<(usize, usize)>) -> Option<&'f Finding> {
    parsed.findings.iter().find(|f| {
        f.severity == Severity::Error
            && BLOCKING.contains(&f.code)
            && !body.is_some_and(|(s, e)| s < e && f.offset >= s && f.offset < e)
    })
}

/// The `a=path:` URIs of an SDP body.
fn sdp_paths(body: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for line in body.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Some(v) = line.strip_prefix(b"a=path:") {
            out.extend(
                v.split(|b| b.is_ascii_whitespace())
                    .filter(|s| !s.is_empty())
                    .map(<[u8]>::to_vec),
            );
        }
    }
    out
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl Collector {
    pub fn new(limits: &Limits) -> Self {
        Collector {
            limits: limits.clone(),
            seq: 0,
            pagers: Vec::new(),
            invites: Vec::new(),
            answers: Vec::new(),
            sends: Vec::new(),
            errors: Vec::new(),
            last_sip: None,
        }
    }

    /// Bytes between messages that are not a message.
    pub fn junk(&mut self, pos: Position, len: usize) {
        let msg = match self.last_sip.take() {
            Some(l) if l.framed_by_cl => format!(
                "{len} bytes here are not a message: the Content-Length of the {} before them{} is shorter than its body",
                l.method,
                l.call_id
                    .map(|c| format!(" (Call-ID {})", lossy(&c)))
                    .unwrap_or_default()
            ),
            _ => format!("{len} bytes here are neither a SIP nor an MSRP message"),
        };
        self.errors.push(EncapError::at("junk", pos, msg));
    }

    /// Feed one parsed message. `map` turns offsets of the buffer it was
    /// parsed from into positions; `timestamp` is its capture time.
    pub fn feed(
        &mut self,
        parsed: &Parsed<'_>,
        map: &dyn Fn(usize) -> Position,
        timestamp: Option<Timestamp>,
    ) {
        let seq = self.seq;
        self.seq += 1;
        let pos = map(parsed.offset);
        let raw = parsed.message.raw();
        let abs = |sub: &[u8]| parsed.offset + offset_in(raw, sub);
        let block = |body: Option<(usize, usize)>| {
            blocking(parsed, body).map(|f| {
                EncapError::at(
                    "bad-message",
                    map(f.offset),
                    format!("{} ({})", f.message, f.code),
                )
            })
        };
        self.last_sip = None;
        match &parsed.message {
            Message::Sip(node) => {
                let m = &node.msg;
                let body_range = Some((abs(m.body), abs(m.body) + m.body.len()));
                let call_id = m.call_id().map(<[u8]>::to_vec);
                let method = m.method().map(lossy);
                self.last_sip = Some(LastSip {
                    method: method.clone().unwrap_or_else(|| "response".into()),
                    call_id: call_id.clone(),
                    framed_by_cl: m.content_length().is_some(),
                });
                let head = || -> Vec<OwnedHeader> {
                    m.headers.iter().map(OwnedHeader::from_header).collect()
                };
                match m.method() {
                    Some(b"MESSAGE") => {
                        let rec = (|| {
                            if let Some(e) = block(body_range) {
                                return Err(e);
                            }
                            let Some(cid) = &call_id else {
                                return Err(EncapError::at(
                                    "no-call-id",
                                    pos,
                                    "MESSAGE without Call-ID: a deferred message keeps its Call-ID",
                                ));
                            };
                            if m.content_length().is_none() && !m.body.is_empty() {
                                return Err(EncapError::at(
                                    "no-content-length",
                                    pos,
                                    format!(
                                        "MESSAGE (Call-ID {}) has no Content-Length: its body cannot be told from what follows",
                                        lossy(cid)
                                    ),
                                ));
                            }
                            Ok(StoredPager {
                                pos,
                                call_id: cid.clone(),
                                start_line: m.start_line.unwrap_or_default().to_vec(),
                                headers: head(),
                                body: m.body.to_vec(),
                                anonymous: m.wants_anonymity(),
                                timestamp,
                            })
                        })();
                        self.pagers.push((seq, call_id, rec));
                    }
                    Some(b"INVITE") => {
                        // A re-INVITE (To tag) belongs to an established session.
                        if m.to().is_some_and(|t| t.tag().is_some()) {
                            return;
                        }
                        let rec = (|| {
                            if let Some(e) = block(body_range) {
                                return Err(e);
                            }
                            let Some(cid) = &call_id else {
                                return Err(EncapError::at(
                                    "no-call-id",
                                    pos,
                                    "INVITE without Call-ID: a deferred message keeps its Call-ID",
                                ));
                            };
                            Ok(InviteRec {
                                seq,
                                pos,
                                call_id: cid.clone(),
                                start_line: m.start_line.unwrap_or_default().to_vec(),
                                headers: head(),
                                anonymous: m.wants_anonymity(),
                                timestamp,
                                paths: sdp_paths(m.body),
                            })
                        })();
                        self.invites.push(rec);
                    }
                    Some(_) => {}
                    None => {
                        let invite_ok = m.status_code().is_some_and(|c| (200..300).contains(&c))
                            && m.cseq().is_some_and(|c| c.method == b"INVITE");
                        if let (true, Some(cid)) = (invite_ok, call_id) {
                            self.answers.push((cid, sdp_paths(m.body)));
                        }
                    }
                }
            }
            Message::Msrp(node) => {
                let m = &node.msg;
                if m.method() != Some(b"SEND") {
                    return;
                }
                let body_range = m.body.map(|b| (abs(b), abs(b) + b.len()));
                let mut paths: Vec<Vec<u8>> = m.to_path().iter().map(|p| p.to_vec()).collect();
                paths.extend(m.from_path().iter().map(|p| p.to_vec()));
                let idx = self.sends.len();
                let chunk = match block(body_range) {
                    Some(e) => Err(e),
                    None => Chunk::from_msrp(m, idx).map_err(|f| {
                        EncapError::at("bad-chunk", pos, format!("{} ({})", f.message, f.code))
                    }),
                };
                self.sends.push(SendRec {
                    seq,
                    pos,
                    paths,
                    chunk,
                });
            }
        }
    }

    /// The deferred messages found (only the one with `call_id` when given).
    pub fn finish(self, call_id: Option<&[u8]>) -> Result<Collected, EncapError> {
        if let Some(e) = self.errors.into_iter().next() {
            return Err(e);
        }
        let selected = |cid: &[u8]| call_id.is_none_or(|c| c == cid);
        // Sessions: the first INVITE of each Call-ID.
        let mut sessions: Vec<InviteRec> = Vec::new();
        for rec in self.invites {
            match rec {
                Err(e) => return Err(e),
                Ok(r) => {
                    if !sessions.iter().any(|s| s.call_id == r.call_id) {
                        sessions.push(r);
                    }
                }
            }
        }
        for (cid, paths) in self.answers {
            if let Some(s) = sessions.iter_mut().find(|s| s.call_id == cid) {
                s.paths.extend(paths);
            }
        }
        // Which session each SEND belongs to: SDP a=path matching its
        // To-Path/From-Path; else the only session; else the nearest INVITE before it.
        let mut owner: Vec<usize> = Vec::with_capacity(self.sends.len());
        for s in &self.sends {
            let by_path = sessions
                .iter()
                .position(|inv| inv.paths.iter().any(|p| s.paths.contains(p)));
            let found = by_path
                .or_else(|| (sessions.len() == 1).then_some(0))
                .or_else(|| {
                    sessions
                        .iter()
                        .enumerate()
                        .filter(|(_, inv)| inv.seq < s.seq)
                        .max_by_key(|(_, inv)| inv.seq)
                        .map(|(i, _)| i)
                });
            match found {
                Some(i) => owner.push(i),
                None => {
                    return Err(EncapError::at(
                        "send-without-session",
                        s.pos,
                        "this MSRP SEND belongs to no stored session: a Large Message Mode message needs its session's INVITE in the input",
                    ));
                }
            }
        }
        let mut reassembler = Reassembler::new(&self.limits);
        for (i, s) in self.sends.iter().enumerate() {
            let sess = &sessions[owner[i]];
            if !selected(&sess.call_id) {
                continue;
            }
            match &s.chunk {
                Err(e) => return Err(e.clone()),
                Ok(c) => reassembler.push_chunk(&owner[i].to_le_bytes(), c.clone()),
            }
        }
        let mut warnings = Vec::new();
        let mut per_session: Vec<Vec<Reassembled>> = vec![Vec::new(); sessions.len()];
        for r in reassembler.finish() {
            for f in &r.findings {
                let e = EncapError::at(
                    "bad-chunks",
                    self.sends[f.offset].pos,
                    format!("{} ({})", f.message, f.code),
                );
                if f.severity == Severity::Error {
                    return Err(e);
                }
                warnings.push(e);
            }
            let mut k = [0u8; 8];
            k.copy_from_slice(&r.session[..8]);
            per_session[usize::from_le_bytes(k)].push(r);
        }
        let mut out: Vec<(usize, Deferred)> = Vec::new();
        for (seq, cid, rec) in self.pagers {
            if cid.as_deref().is_some_and(|c| !selected(c)) {
                continue;
            }
            out.push((seq, Deferred::Pager(rec?)));
        }
        for (sess, msgs) in sessions.into_iter().zip(per_session) {
            if !selected(&sess.call_id) {
                continue;
            }
            if msgs.is_empty() {
                return Err(EncapError::at(
                    "session-without-send",
                    sess.pos,
                    format!(
                        "the Large Message Mode session of this INVITE (Call-ID {}) has no MSRP SEND: no message to push",
                        lossy(&sess.call_id)
                    ),
                ));
            }
            for m in msgs {
                out.push((
                    sess.seq,
                    Deferred::Large(Box::new(StoredLarge {
                        pos: sess.pos,
                        call_id: sess.call_id.clone(),
                        start_line: sess.start_line.clone(),
                        headers: sess.headers.clone(),
                        anonymous: sess.anonymous,
                        timestamp: sess.timestamp,
                        message: m,
                    })),
                ));
            }
        }
        out.sort_by_key(|(seq, _)| *seq);
        if out.is_empty() {
            return Err(EncapError::usage(
                "no-deferred-message",
                match call_id {
                    Some(c) => format!("no deferred message with Call-ID {} in the input", lossy(c)),
                    None => "no deferred message in the input (a SIP MESSAGE, or an INVITE with its MSRP SENDs)".into(),
                },
            ));
        }
        Ok(Collected {
            deferred: out.into_iter().map(|(_, d)| d).collect(),
            warnings,
        })
    }
}

/// Frame, parse and feed a text input (pasted indentation removed).
pub fn load_text(collector: &mut Collector, input: usize, bytes: &[u8]) {
    let prepared = crate::source::prepare(bytes, true);
    let buf: &[u8] = &prepared.bytes;
    let map = |o: usize| Position::Text {
        input,
        offset: prepared.original_offset(o),
    };
    let opts = FrameOptions {
        max_message: collector.limits.max_message,
        datagram: false,
        text: false,
    };
    let limits = collector.limits.clone();
    for item in Framer::new(buf, opts) {
        match item {
            Item::Junk { start, end } => collector.junk(map(start), end - start),
            Item::Message(frame) => {
                let parsed = parse_frame(buf, &frame, &limits);
                collector.feed(&parsed, &map, None);
            }
        }
    }
}

pub use crate::capture::is_capture;

/// Read a pcap/pcapng capture and feed every SIP/MSRP message in it, with
/// its capture timestamp (the Date added where a message has none).
/// Capture-level findings (lost segments...) do not stop anything: what they
/// break shows up as missing chunks or truncated messages.
pub fn load_capture<R: std::io::Read>(
    collector: &mut Collector,
    input: usize,
    reader: R,
) -> Result<(), EncapError> {
    use crate::capture::{CaptureOptions, CaptureReader, Event};
    let limits = collector.limits.clone();
    let opts = CaptureOptions {
        limits: limits.clone(),
        force_ports: Vec::new(),
    };
    let bad = |e: crate::capture::CaptureError| {
        EncapError::at(
            "bad-capture",
            Position::Frame { input, frame: 0 },
            e.to_string(),
        )
    };
    for event in CaptureReader::new(reader, opts).map_err(bad)? {
        match event.map_err(bad)? {
            Event::Finding { .. } => {}
            Event::Message(m) => {
                let parsed = crate::message::parse_one(
                    &m.bytes,
                    m.protocol,
                    m.truncated,
                    m.findings.clone(),
                    &limits,
                );
                let frame = m.meta.frame;
                let ts = crate::date::from_unix(m.meta.ts_secs, m.meta.ts_nanos);
                collector.feed(&parsed, &|_| Position::Frame { input, frame }, ts);
            }
        }
    }
    Ok(())
}

// ------------------------------------------------------------------ encoding

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn base36(seed: u64, tag: u64, n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = String::with_capacity(n);
    let mut x = splitmix(seed ^ splitmix(tag));
    let mut left = 12;
    let mut round = 0u64;
    while out.len() < n {
        if left == 0 {
            round += 1;
            x = splitmix(seed ^ splitmix(tag ^ (round << 56)));
            left = 12;
        }
        out.push(DIGITS[(x % 36) as usize] as char);
        x /= 36;
        left -= 1;
    }
    out
}

/// `base`, or `base-N` for the N-th (from 2) use, within 32 characters.
fn derived(base: &str, n: usize) -> String {
    if n == 0 {
        return base.to_string();
    }
    let suffix = format!("-{}", n + 1);
    let keep = base.len().min(32 - suffix.len());
    format!("{}{suffix}", &base[..keep])
}

struct Ids<'o> {
    opts: &'o Options,
    sends: usize,
    generated: u64,
}

impl Ids<'_> {
    fn fresh(&mut self, n: usize) -> String {
        self.generated += 1;
        base36(self.opts.seed, self.generated, n)
    }

    /// A transaction id whose end-line does not occur in `data`.
    fn transaction_id(&mut self, data: &[u8]) -> Result<String, EncapError> {
        let k = self.sends;
        self.sends += 1;
        let clash = |t: &str| memmem::find(data, format!("-------{t}").as_bytes()).is_some();
        match &self.opts.transaction_id {
            Some(base) => {
                let t = derived(base, k);
                if clash(&t) {
                    return Err(EncapError::usage(
                        "transaction-id-in-body",
                        format!(
                            "transaction id {t}: its end-line `-------{t}` occurs in the body; give another --transaction-id"
                        ),
                    ));
                }
                Ok(t)
            }
            None => loop {
                let t = self.fresh(10);
                if !clash(&t) {
                    return Ok(t);
                }
            },
        }
    }
}

fn push_line(out: &mut Vec<u8>, line: &[u8]) {
    out.extend_from_slice(line);
    out.extend_from_slice(b"\r\n");
}

fn date_value(opts: &Options, ts: Option<Timestamp>) -> String {
    match (&opts.date, ts) {
        (Some(d), _) => d.clone(),
        (None, Some(t)) => crate::date::format(t),
        (None, None) => crate::date::format(opts.now),
    }
}

/// The message/sip (or sipfrag) content of a pager-mode MESSAGE.
fn pager_part(p: &StoredPager, opts: &Options) -> Vec<u8> {
    let mut out = Vec::with_capacity(p.start_line.len() + p.body.len() + 512);
    push_line(&mut out, &p.start_line);
    let needs_date = !p.headers.iter().any(|h| h.is(Hdr::Date));
    let last_call_id = p.headers.iter().rposition(|h| h.is(Hdr::CallId));
    for (i, h) in p.headers.iter().enumerate() {
        let anonymous_pai = p.anonymous && h.is(Hdr::PAssertedIdentity);
        if !anonymous_pai && !opts.removes(&h.canonical) {
            push_line(&mut out, &h.field);
        }
        if needs_date && Some(i) == last_call_id {
            push_line(
                &mut out,
                format!("Date: {}", date_value(opts, p.timestamp)).as_bytes(),
            );
        }
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&p.body);
    out
}

/// The message/sipfrag content of a Large Message Mode INVITE: start line
/// and the relevant headers (no null line, RFC 3420), in the order they
/// stand in the stored INVITE, as the CR's example keeps them (12.2.2.5:
/// To, From, P-Asserted-Identity, Call-ID, Date), with headers given to
/// `--keep` among them; a Date added by the server comes after them.
fn invite_part(l: &StoredLarge, opts: &Options) -> Vec<u8> {
    let mut out = Vec::new();
    push_line(&mut out, &l.start_line);
    for h in &l.headers {
        let relevant = h.id.is_some_and(|x| x.has(header::CR_RELEVANT));
        let wanted = if relevant {
            !Options::in_list(&opts.strip, &h.canonical)
        } else {
            Options::in_list(&opts.keep, &h.canonical)
        };
        let anonymous_pai = l.anonymous && h.is(Hdr::PAssertedIdentity);
        if wanted && !anonymous_pai {
            push_line(&mut out, &h.field);
        }
    }
    if !l.headers.iter().any(|h| h.is(Hdr::Date)) && !Options::in_list(&opts.strip, "Date") {
        push_line(
            &mut out,
            format!("Date: {}", date_value(opts, l.timestamp)).as_bytes(),
        );
    }
    out
}

/// The message/msrpfrag content: the first SEND's start line, Message-ID
/// and Content-Type, the whole body and the end-line.
fn msrp_part(l: &StoredLarge) -> Result<Vec<u8>, EncapError> {
    let m = &l.message;
    let mut out = Vec::with_capacity(m.body.len() + 256);
    push_line(&mut out, &m.first.start_line);
    match m.first.header(Hdr::MessageId) {
        Some(h) => push_line(&mut out, &h.field),
        None => push_line(
            &mut out,
            format!("Message-ID: {}", lossy(&m.message_id)).as_bytes(),
        ),
    }
    if !m.body.is_empty() {
        let Some(ct) = &m.content_type else {
            return Err(EncapError::at(
                "no-content-type",
                l.pos,
                format!(
                    "no SEND of message {} carries a Content-Type",
                    lossy(&m.message_id)
                ),
            ));
        };
        push_line(&mut out, &ct.field);
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&m.body);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"-------");
    out.extend_from_slice(&m.first.transaction_id);
    out.extend_from_slice(b"$\r\n");
    Ok(out)
}

fn quote_boundary(b: &str) -> String {
    if b.bytes().all(crate::chars::is_token) {
        b.to_string()
    } else {
        format!("\"{b}\"")
    }
}

/// Build the pushed SENDs of every deferred message, in order.
pub fn encode(deferred: &[Deferred], opts: &Options) -> Result<Vec<u8>, EncapError> {
    opts.validate()?;
    let mut ids = Ids {
        opts,
        sends: 0,
        generated: 0,
    };
    let mut out = Vec::new();
    for (i, d) in deferred.iter().enumerate() {
        let parts: Vec<(&str, Vec<u8>)> = match d {
            Deferred::Pager(p) => {
                let ct = match opts.pager_form {
                    PagerForm::Sip => "message/sip",
                    PagerForm::Sipfrag => "message/sipfrag",
                };
                vec![(ct, pager_part(p, opts))]
            }
            Deferred::Large(l) => vec![
                ("message/sipfrag", invite_part(l, opts)),
                ("message/msrpfrag", msrp_part(l)?),
            ],
        };
        let clash = |b: &str| {
            parts
                .iter()
                .any(|(_, c)| memmem::find(c, b.as_bytes()).is_some())
        };
        let boundary = match &opts.boundary {
            Some(b) => {
                if clash(b) {
                    return Err(EncapError::usage(
                        "boundary-in-content",
                        format!(
                            "boundary `{b}` occurs in the deferred message with Call-ID {}; give another --boundary",
                            lossy(d.call_id())
                        ),
                    ));
                }
                b.clone()
            }
            None => loop {
                let b = format!("sipmsrp-{}", ids.fresh(20));
                if !clash(&b) {
                    break b;
                }
            },
        };
        let mut body = Vec::new();
        for (ct, content) in &parts {
            body.extend_from_slice(b"--");
            push_line(&mut body, boundary.as_bytes());
            push_line(&mut body, format!("Content-Type: {ct}").as_bytes());
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--").as_bytes());
        let message_id = match &opts.message_id {
            Some(m) => derived(m, i),
            None => ids.fresh(16),
        };
        let total = body.len();
        let size = opts.chunk_size.unwrap_or(total).max(1);
        let content_type = format!(
            "Content-Type: multipart/mixed; boundary={}",
            quote_boundary(&boundary)
        );
        let mut start = 0;
        while start < total {
            let end = (start + size).min(total);
            let data = &body[start..end];
            let tid = ids.transaction_id(data)?;
            push_line(&mut out, format!("MSRP {tid} SEND").as_bytes());
            push_line(&mut out, format!("To-Path: {}", opts.to_path).as_bytes());
            push_line(
                &mut out,
                format!("From-Path: {}", opts.from_path).as_bytes(),
            );
            push_line(&mut out, format!("Message-ID: {message_id}").as_bytes());
            push_line(
                &mut out,
                format!("Byte-Range: {}-{end}/{total}", start + 1).as_bytes(),
            );
            for h in &opts.send_headers {
                push_line(&mut out, h);
            }
            push_line(&mut out, content_type.as_bytes());
            out.extend_from_slice(b"\r\n");
            push_line(&mut out, data);
            let flag = if end == total { '$' } else { '+' };
            push_line(&mut out, format!("-------{tid}{flag}").as_bytes());
            start = end;
        }
    }
    Ok(out)
}

/// Text inputs to pushed SENDs in one call (library users and tests).
pub fn encap_text(
    inputs: &[&[u8]],
    call_id: Option<&[u8]>,
    opts: &Options,
    limits: &Limits,
) -> Result<Vec<u8>, EncapError> {
    opts.validate()?;
    let mut c = Collector::new(limits);
    for (i, bytes) in inputs.iter().enumerate() {
        load_text(&mut c, i, bytes);
    }
    let collected = c.finish(call_id)?;
    encode(&collected.deferred, opts)
}

/// The body of a pushed SEND: its multipart parts as (Content-Type, content).
/// For tests and `lint --fix` callers that need to look inside.
pub fn parts_of<'a>(parsed: &'a Parsed<'a>) -> Vec<(&'a [u8], &'a [u8])> {
    let BodyKind::Multipart(mp) = &parsed.message.body().kind else {
        return Vec::new();
    };
    mp.parts
        .iter()
        .map(|p| {
            (
                p.header(Hdr::ContentType).map_or(&b""[..], |h| h.value),
                p.body.raw,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Options {
        Options {
            date: Some("Thu, 21 Feb 2002 13:02:03 GMT".into()),
            transaction_id: Some("dkei38sd".into()),
            message_id: Some("msg452".into()),
            boundary: Some("boundary42".into()),
            to_path: "msrp://user2.imserver.com:7777/iau39;tcp".into(),
            from_path: "msrp://imserver.com:8888/9di4ea;tcp".into(),
            ..Options::default()
        }
    }

    const PAGER: &[u8] = b"MESSAGE sip:b@x SIP/2.0\r\nv: SIP/2.0/TCP h;branch=z9hG4bK1\r\nMax-Forwards: 70\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\ni: abc@h\r\nCSeq: 1 MESSAGE\r\nc: text/plain\r\nl: 5\r\n\r\nHello";

    #[test]
    fn compact_via_is_removed_and_date_follows_compact_call_id() {
        let out = encap_text(&[PAGER], None, &opts(), &Limits::default()).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(!s.contains("v: SIP"), "{s}");
        assert!(!s.contains("Max-Forwards"));
        assert!(s.contains("i: abc@h\r\nDate: Thu, 21 Feb 2002 13:02:03 GMT\r\nCSeq"));
        assert!(s.contains("\r\nl: 5\r\n\r\nHello\r\n--boundary42--\r\n-------dkei38sd$\r\n"));
    }

    #[test]
    fn keep_and_strip_use_canonical_names() {
        let o = Options {
            keep: vec!["v".into()],
            strip: vec!["CSEQ".into()],
            ..opts()
        };
        let s =
            String::from_utf8(encap_text(&[PAGER], None, &o, &Limits::default()).unwrap()).unwrap();
        assert!(s.contains("v: SIP/2.0/TCP"));
        assert!(!s.contains("CSeq"));
        let bad = Options {
            strip: vec!["i".into()],
            ..opts()
        };
        assert_eq!(bad.validate().unwrap_err().code, "bad-option");
    }

    #[test]
    fn generated_ids_are_idents_and_boundary_avoids_content() {
        let o = Options {
            transaction_id: None,
            message_id: None,
            boundary: None,
            seed: 7,
            ..opts()
        };
        let a = encap_text(&[PAGER], None, &o, &Limits::default()).unwrap();
        let b = encap_text(&[PAGER], None, &o, &Limits::default()).unwrap();
        assert_eq!(a, b, "same seed, same output");
        let tid = &a[5..15];
        assert!(is_ident(std::str::from_utf8(tid).unwrap()));
        // A generated boundary never occurs in the content.
        for seed in 0..200 {
            let b = base36(seed, 1, 20);
            assert_eq!(b.len(), 20);
        }
    }

    #[test]
    fn derived_ids_stay_within_32() {
        assert_eq!(derived("abcd", 0), "abcd");
        assert_eq!(derived("abcd", 1), "abcd-2");
        assert_eq!(derived(&"x".repeat(32), 9).len(), 32);
        assert!(is_ident(&derived(&"x".repeat(32), 9)));
    }

    #[test]
    fn given_boundary_in_content_is_an_error() {
        let o = Options {
            boundary: Some("Hello".into()),
            ..opts()
        };
        let e = encap_text(&[PAGER], None, &o, &Limits::default()).unwrap_err();
        assert_eq!(e.code, "boundary-in-content");
    }

    /// Generated ids and boundaries come from SplitMix64 (Steele, Lea and
    /// Flood 2014), a bijection of u64: consecutive tags never give the same
    /// id. Its published reference outputs for state 0 (Vigna's
    /// splitmix64.c), state advanced by the golden gamma each time.
    #[test]
    fn generated_ids_come_from_the_reference_splitmix64() {
        const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
        let reference = [
            0xE220_A839_7B1D_CDAF,
            0x6E78_9E6A_A1B9_65F4,
            0x06C4_5D18_8009_454F,
            0xF88B_B8A8_724C_81EC,
        ];
        for (k, want) in reference.into_iter().enumerate() {
            assert_eq!(splitmix(GAMMA.wrapping_mul(k as u64)), want, "output {k}");
        }
    }

    #[test]
    fn sdp_paths_are_found() {
        let p = sdp_paths(b"v=0\r\na=path:msrp://a:1/x;tcp msrp://b:2/y;tcp\r\n");
        assert_eq!(p.len(), 2);
    }
}
