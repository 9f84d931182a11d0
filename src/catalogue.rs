//! The catalogue of finding codes: every code that any part of the crate
//! can report (framing, parsing, captures, reassembly, lint, encap,
//! summary), with its default severity, its category, a one-line summary and
//! an explanation that cites the clause it comes from. A code carries the
//! same severity wherever it is emitted (a test checks every emission in the
//! source against this table); `lint` and `parse` change it only on request
//! (`--allow`, `--warn`, `--deny`).
//!
//! The ids are a contract: scripts match on them. Never rename one; add a
//! new code instead.

use crate::finding::Severity;

/// Where a code comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// The OMA IM deferred-messages CR (12.2.2.3 storage, 12.2.2.5 push).
    Cr,
    /// RFC 2046 / RFC 3420 / RFC 3261 body structure at any depth.
    Structure,
    /// RFC 3261 grammar and semantics.
    Sip,
    /// RFC 4975.
    Msrp,
    /// RFC 3842 message-summary.
    Summary,
    /// The opt-in `oma-im` profile (OMA IM header rules of the 004 CR).
    OmaIm,
    /// Reading the input: framing, leniencies, limits.
    Input,
    /// Reading a capture: pcap and pcapng records, IP fragments, TCP
    /// streams, WebSocket.
    Capture,
    /// Joining the chunks of an MSRP message (RFC 4975 5.1, 7.1).
    Reassembly,
    /// The stored messages a message-summary is built from (`summary`).
    Stored,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Cr => "cr",
            Category::Structure => "structure",
            Category::Sip => "rfc3261",
            Category::Msrp => "rfc4975",
            Category::Summary => "rfc3842",
            Category::OmaIm => "oma-im",
            Category::Input => "input",
            Category::Capture => "capture",
            Category::Reassembly => "reassembly",
            Category::Stored => "stored",
        }
    }
}

/// One code.
#[derive(Debug, Clone, Copy)]
pub struct Code {
    /// Stable kebab-case id.
    pub id: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Why, citing the clause.
    pub explain: &'static str,
}

impl Code {
    /// The clause the code comes from: the explanation up to its first
    /// `: ` (every explanation starts with its source).
    pub fn clause(&self) -> &'static str {
        match self.explain.find(": ") {
            Some(i) if i < 120 => &self.explain[..i],
            _ => self.category.as_str(),
        }
    }
}

/// Every code: the table below, then the RFC 3842 checks that live with the
/// message-summary grammar in `crate::summary` (one list, not a copy).
pub fn codes() -> &'static [Code] {
    static ALL: std::sync::OnceLock<Vec<Code>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = CODES.to_vec();
        all.extend(
            crate::summary::RULES
                .iter()
                .map(|&(id, severity, summary)| Code {
                    id,
                    severity,
                    category: Category::Summary,
                    summary,
                    explain: summary,
                }),
        );
        all
    })
}

/// Look a code up by id.
pub fn code(id: &str) -> Option<&'static Code> {
    static INDEX: std::sync::OnceLock<std::collections::HashMap<&'static str, &'static Code>> =
        std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| codes().iter().map(|r| (r.id, r)).collect())
        .get(id)
        .copied()
}

/// The catalogued code nearest to `id` (a typo, a different case, `_` for
/// `-`), when one is close enough to be meant: at most a third of its
/// letters differ, and at least one.
pub fn nearest(id: &str) -> Option<&'static str> {
    let id = id.to_ascii_lowercase().replace('_', "-");
    codes()
        .iter()
        .map(|c| (edit_distance(&id, c.id), c.id))
        .filter(|&(d, c)| d <= (c.len() / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance over bytes (ids are ASCII), two rows.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &x) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &y) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(x != y);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;
const N: Severity = Severity::Note;

macro_rules! r {
    ($id:literal, $sev:expr, $src:ident, $summary:literal, $explain:literal) => {
        Code {
            id: $id,
            severity: $sev,
            category: Category::$src,
            summary: $summary,
            explain: $explain,
        }
    };
}

/// Every code, grouped by category; [`codes`] adds the RFC 3842 ones of
/// `crate::summary`.
static CODES: &[Code] = &[
    // ---- The CR: pushed SENDs and bare multipart bodies ----
    r!(
        "via-present",
        E,
        Cr,
        "Via header in an encapsulated SIP part",
        "OMA IM CR (001) 1 Reason for Change and 12.2.2.5: a deferred message is pushed without routing and transport information such as Via headers; only the relevant headers (To, From, Date, Subject, Priority, Call-ID, P-Asserted-Identity) of the deferred message are encapsulated. The compact form `v:` counts."
    ),
    r!(
        "routing-header",
        E,
        Cr,
        "Max-Forwards, Route, Record-Route, Path or Service-Route in an encapsulated SIP part",
        "OMA IM CR (001) 1 Reason for Change and 12.2.2.5: routing and transport information is of no use to the IM Client and is removed from a pushed deferred message; 12.2.2.3 item 1a says some header fields are not stored. The CR's own example push (12.2.2.5, example 1) still carries Via and Max-Forwards: the example contradicts its Reason for Change, and this tool follows the Reason for Change. Path and Service-Route (RFC 3327, RFC 3608) are routing information too."
    ),
    r!(
        "to-path-present",
        E,
        Cr,
        "To-Path, From-Path or Use-Path in an encapsulated MSRP part",
        "OMA IM CR (001) 12.2.2.3 item 3: only the Message-ID and Content-Type of the first MSRP SEND are stored (`No other MSRP SEND headers shall be stored`); 1 Reason for Change names the MSRP SEND path headers as information that must not reach the client."
    ),
    r!(
        "response-part",
        E,
        Cr,
        "a SIP response (such as 200 OK) carried as a part",
        "OMA IM CR (001) 1 Reason for Change and 12.2.2.3 item 3: session setup information such as the 200 OK is not part of a deferred message; only the relevant headers of the SIP INVITE are stored (the 000 Appendix K and 004 forms that push the 200 OK are superseded)."
    ),
    r!(
        "bye-part",
        E,
        Cr,
        "a SIP BYE carried as a part",
        "OMA IM CR (001) 1 Reason for Change and 12.2.2.3 item 3: the BYE that ended the session is not part of the deferred message (superseding the 000 Appendix K and 004 forms); the IM Server sends its own BYE after pushing (12.2.2.5)."
    ),
    r!(
        "ack-part",
        E,
        Cr,
        "a SIP ACK carried as a part",
        "OMA IM CR (001) 1 Reason for Change and 12.2.2.5: session setup information (the 200 OK, its ACK, the BYE) is of no use to the IM Client and is not pushed; only the deferred message is. In the flow of 000 Appendix K the ACK (step 6) belongs to setting up the session, not to the deferred message."
    ),
    r!(
        "date-missing",
        E,
        Cr,
        "an encapsulated INVITE or MESSAGE without Date",
        "OMA IM CR (001) 12.2.2.5: `Each Deferred message SHALL include the timestamp received by the IM Server in SIP headers. The timestamp is carried in the SIP INVITE or SIP MESSAGE Date header`; 12.2.2.3 items 1 and 3 add Date when absent."
    ),
    r!(
        "pai-with-privacy",
        E,
        Cr,
        "P-Asserted-Identity kept although Privacy asks for anonymity",
        "OMA IM CR (001) 12.2.2.3 item 2: the IM Server `SHALL not store P-Asserted-Identity if the sending User requested anonymity` (Privacy: id, header or user, RFC 3323/3325); item 3 keeps it `only if the sending User did not request anonymity`."
    ),
    r!(
        "call-id-missing",
        E,
        Cr,
        "an encapsulated SIP part without Call-ID",
        "OMA IM CR (001) 12.2.2.5: the Call-ID is one of the relevant headers to encapsulate and `SHALL not be altered`; it correlates the deferred message with the message summary (003)."
    ),
    r!(
        "message-id-missing",
        E,
        Cr,
        "a message/msrpfrag without Message-ID",
        "OMA IM CR (001) 12.2.2.3 item 3 and 12.2.2.5: the MSRP Message-ID of the first SEND is stored and pushed unaltered in the message/msrpfrag part."
    ),
    r!(
        "msrp-extra-header",
        E,
        Cr,
        "msrpfrag header other than Message-ID and Content-Type",
        "OMA IM CR (001) 12.2.2.3 item 3: `The MSRP Message-ID header and Content-Type from the first MSRP SEND request. No other MSRP SEND headers shall be stored.` Content-ID, Content-Description and Content-Disposition are other headers too; encap leaves them out."
    ),
    r!(
        "charging-header",
        E,
        Cr,
        "P-Charging-Vector or P-Charging-Function-Addresses in an encapsulated part",
        "OMA IM CR (001) 12.2.2.3 item 1a: `header fields related to charging that are expected to be removed by the network` SHALL not be stored (3GPP TS 24.229 5.2.1)."
    ),
    r!(
        "legacy-msrp-type",
        E,
        Cr,
        "message/msrp where the CR says message/msrpfrag",
        "OMA IM CR (001) 12.2.2.5: the IM Server `SHALL encapsulate MSRP SEND messages headers ... with the Content type message/msrpfrag`; message/msrp is the pre-CR form of 000 Appendix K and 004 D.2."
    ),
    r!(
        "not-multipart",
        E,
        Cr,
        "a pushed SEND that is not multipart/mixed",
        "OMA IM CR (001) 12.2.2.5: `Each generated MSRP SEND request SHALL be of Content-Type Multipart/mixed and carry the deferred Message as payload` (000 Appendix K example 1 pushes a bare message/sip)."
    ),
    r!(
        "chunked-fragment",
        E,
        Cr,
        "a part that holds one chunk of a message instead of the whole",
        "OMA IM CR (001) 12.2.2.3 item 3: a message that arrived in chunks (RFC 4975) `shall assemble the message and store it as one message`; a message/msrpfrag with a partial Byte-Range or a `+`/`#` end-line holds only a chunk."
    ),
    r!(
        "invite-extra-header",
        E,
        Cr,
        "an encapsulated INVITE with a header outside the relevant ones",
        "OMA IM CR (001) 12.2.2.3 item 3 and 12.2.2.5: of the SIP INVITE of a Large Message Mode session only the relevant headers are stored and pushed: To, From, Date, Subject, Priority, Call-ID, P-Asserted-Identity (004's Accept-Contact is superseded)."
    ),
    r!(
        "session-setup-body",
        E,
        Cr,
        "an encapsulated INVITE that carries its session-setup body (SDP)",
        "OMA IM CR (001) 1 Reason for Change and 12.2.2.3 item 3: session setup information is not stored; the INVITE is reduced to its relevant headers (message/sipfrag, RFC 3420), not pushed with its SDP offer."
    ),
    // ---- Structure (RFC 2046, RFC 3420, RFC 3261 Content-Length) ----
    r!(
        "multipart-boundary-missing",
        E,
        Structure,
        "multipart Content-Type without a boundary parameter",
        "RFC 2046 5.1.1: the boundary parameter is required for every multipart media type."
    ),
    r!(
        "boundary-smart-quotes",
        E,
        Structure,
        "boundary wrapped in typographic quotes",
        "RFC 2045 5.1 / RFC 2046 5.1.1: a parameter value is a token or a quoted-string in ASCII double quotes; “ ” (U+201C/U+201D, as in the CR's D.2 example) become part of the value and no delimiter matches."
    ),
    r!(
        "boundary-invalid",
        E,
        Structure,
        "boundary parameter not a token or quoted string, or not 1-70 characters",
        "RFC 2046 5.1.1: `boundary := 0*69<bchars> bcharsnospace`."
    ),
    r!(
        "multipart-close-as-separator",
        E,
        Structure,
        "close delimiter `--b--` used as a part separator",
        "RFC 2046 5.1.1: the close delimiter ends the multipart body; anything after it is epilogue, so the parts that follow (as in the CR's D.2 examples) are lost."
    ),
    r!(
        "multipart-unclosed",
        E,
        Structure,
        "multipart body without its close delimiter",
        "RFC 2046 5.1.1: `multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF body-part *encapsulation close-delimiter ...`."
    ),
    r!(
        "multipart-no-delimiter",
        E,
        Structure,
        "multipart body without any delimiter line",
        "RFC 2046 5.1.1: a multipart body has at least one body part, introduced by a dash-boundary line."
    ),
    r!(
        "header-missing-colon",
        E,
        Structure,
        "header line without a colon (e.g. `Content-Type=message/sipfrag`)",
        "RFC 3261 7.3.1 / RFC 2045 / RFC 4975: `header-name HCOLON header-value`; the CR's stored D.2 example writes `Content-Type=message/sipfrag`."
    ),
    r!(
        "header-invalid-name",
        E,
        Structure,
        "header line that does not start with a header name",
        "RFC 3261 7.3.1, RFC 5322 2.2: a header field starts with its name (a token)."
    ),
    r!(
        "part-headers-unterminated",
        E,
        Structure,
        "no empty line between part headers and part body",
        "RFC 2046 5.1.1: `body-part := MIME-part-headers [CRLF *OCTET]`: the part headers end with an empty line."
    ),
    r!(
        "part-content-type-missing",
        W,
        Structure,
        "body part without Content-Type",
        "RFC 2046 5.1: a part without Content-Type is text/plain; a part holding a SIP or MSRP message needs message/sip, message/sipfrag or message/msrpfrag."
    ),
    r!(
        "content-length-mismatch",
        E,
        Structure,
        "Content-Length that disagrees with the bytes",
        "RFC 3261 20.14: Content-Length is the size of the message body in octets; at any depth (message/sip parts included)."
    ),
    r!(
        "content-length-exceeds-body",
        E,
        Structure,
        "Content-Length larger than the bytes that follow",
        "RFC 3261 18.3 and 20.14: a stream message ends where Content-Length says; fewer bytes mean a truncated or mis-declared message (RFC 4475 3.1.2.2 clerr)."
    ),
    r!(
        "content-length-invalid",
        E,
        Structure,
        "Content-Length not a non-negative decimal number",
        "RFC 3261 20.14: `Content-Length = ( \"Content-Length\" / \"l\" ) HCOLON 1*DIGIT` (RFC 4475 3.1.2.5 ncl)."
    ),
    r!(
        "content-length-duplicate",
        E,
        Structure,
        "more than one Content-Length",
        "RFC 3261 7.3.1: Content-Length is a single-value header; RFC 4475 3.1.2.3 mcl01."
    ),
    r!(
        "content-length-missing",
        W,
        Structure,
        "no Content-Length on a message with a body",
        "RFC 3261 18.3 and 20.14: Content-Length MUST be used on stream transports."
    ),
    r!(
        "content-type-invalid",
        E,
        Structure,
        "Content-Type that is not `type/subtype`",
        "RFC 3261 20.15 `media-type = m-type SLASH m-subtype *(SEMI m-parameter)`; RFC 2045 5.1."
    ),
    r!(
        "nesting-too-deep",
        E,
        Structure,
        "bodies nested deeper than the limit",
        "Resource limit (--max-depth): nesting beyond it is not parsed and not checked."
    ),
    r!(
        "too-many-parts",
        E,
        Structure,
        "more parts than the limit",
        "Resource limit (--max-parts): the parts beyond it are not parsed and not checked."
    ),
    // ---- RFC 3261 ----
    r!(
        "sip-version-unsupported",
        E,
        Sip,
        "SIP-Version other than SIP/2.0",
        "RFC 3261 7.1 and 25.1: `SIP-Version = \"SIP\" \"/\" 1*DIGIT \".\" 1*DIGIT`; this implementation of RFC 3261 speaks SIP/2.0 (RFC 4475 3.1.2.16 badvers)."
    ),
    r!(
        "request-line-no-version",
        E,
        Sip,
        "Request-Line without SIP-Version",
        "RFC 3261 7.1 and 25.1: `Request-Line = Method SP Request-URI SP SIP-Version CRLF` (RFC 4475 3.1.2.19 test, 3.1.2.17 trws)."
    ),
    r!(
        "request-line-spacing",
        E,
        Sip,
        "start line with extra or missing whitespace",
        "RFC 3261 7.1: `The elements are separated by single SP characters`; no leading or trailing whitespace (RFC 4475 3.1.2.15 lwsstart, 3.1.2.17 trws)."
    ),
    r!(
        "request-uri-invalid",
        E,
        Sip,
        "Request-URI with `<>`, whitespace, headers or no scheme",
        "RFC 3261 25.1 `Request-URI = SIP-URI / SIPS-URI / absoluteURI`; 7.1: no LWS; 19.1.5 / Table 1: headers are not allowed in a Request-URI (RFC 4475 3.1.2.11 escruri, 3.1.2.12 ltgtruri, 3.1.2.13 lwsruri)."
    ),
    r!(
        "start-line-malformed",
        E,
        Sip,
        "start line neither a Request-Line nor a Status-Line",
        "RFC 3261 7.1 and 7.2."
    ),
    r!(
        "method-invalid",
        E,
        Sip,
        "method that is not a token",
        "RFC 3261 25.1: `Method = INVITEm / ... / extension-method`, `extension-method = token`."
    ),
    r!(
        "status-code-invalid",
        E,
        Sip,
        "status code that is not three digits",
        "RFC 3261 7.2 and 25.1: `Status-Code = ... / extension-code`, `extension-code = 3DIGIT` (RFC 4475 3.1.2.9 bigcode)."
    ),
    r!(
        "status-code-out-of-range",
        E,
        Sip,
        "status code outside 100-699",
        "RFC 3261 7.2: `The first digit of the Status-Code defines the class of response` (1xx to 6xx)."
    ),
    r!(
        "status-line-malformed",
        E,
        Sip,
        "Status-Line without the SP before the reason phrase",
        "RFC 3261 7.2: `Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF`."
    ),
    r!(
        "headers-unterminated",
        E,
        Sip,
        "header section without the empty line",
        "RFC 3261 7: `generic-message = start-line *message-header CRLF [ message-body ]`."
    ),
    r!(
        "header-unbalanced-quotes",
        E,
        Sip,
        "header value with an unterminated quoted string",
        "RFC 3261 25.1: `quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE` (RFC 4475 3.1.2.7 quotbal)."
    ),
    r!(
        "display-name-invalid",
        E,
        Sip,
        "display name that is neither tokens nor a quoted string",
        "RFC 3261 25.1: `display-name = *(token LWS)/ quoted-string`; a comma or other separator needs quotes (RFC 4475 3.1.2.7 baddn)."
    ),
    r!(
        "addr-spec-whitespace",
        E,
        Sip,
        "whitespace inside `<...>` or in an addr-spec",
        "RFC 3261 25.1: `name-addr = [ display-name ] LAQUOT addr-spec RAQUOT`; LAQUOT/RAQUOT allow whitespace only outside the brackets (RFC 4475 3.1.2.6 badaspec)."
    ),
    r!(
        "uri-needs-angle-brackets",
        E,
        Sip,
        "URI with `?`, `,` or `;` parameters outside `<>`",
        "RFC 3261 20.10: `if the URI contains a comma, question mark or semicolon, the URI MUST be enclosed in angle brackets` (RFC 4475 3.1.2.18 regbadct)."
    ),
    r!(
        "name-addr-invalid",
        E,
        Sip,
        "From/To/Contact-like value that is not a name-addr or addr-spec",
        "RFC 3261 20.10, 20.20, 20.39 and 25.1."
    ),
    r!(
        "uri-invalid",
        E,
        Sip,
        "URI without a scheme or with a bad escape",
        "RFC 3261 19.1 and 25.1: a URI starts with its scheme; `escaped = \"%\" HEXDIG HEXDIG`."
    ),
    r!(
        "header-params-invalid",
        E,
        Sip,
        "empty or malformed `;param`",
        "RFC 3261 25.1: `generic-param = token [ EQUAL gen-value ]`; `;;` or a trailing `;` is not a parameter (RFC 4475 3.1.2.4 badinv01)."
    ),
    r!(
        "via-invalid",
        E,
        Sip,
        "Via value that is not `SIP/2.0/transport sent-by`",
        "RFC 3261 20.42 and 25.1: `via-parm = sent-protocol LWS sent-by *( SEMI via-params )`; empty list elements are not via-parms (RFC 4475 3.1.2.4 badinv01)."
    ),
    r!(
        "cseq-invalid",
        E,
        Sip,
        "CSeq that is not a 32-bit number and a method",
        "RFC 3261 8.1.1.5 and 20.16: `CSeq = \"CSeq\" HCOLON 1*DIGIT LWS Method`; the sequence number MUST be expressible as a 32-bit unsigned integer (RFC 4475 3.1.2.8 scalar02, 3.1.2.10 scalarlg)."
    ),
    r!(
        "cseq-method-mismatch",
        E,
        Sip,
        "CSeq method differs from the request method",
        "RFC 3261 8.1.1.5: `The method MUST match that of the request` (RFC 4475 3.1.5.1 mismatch01, 3.1.5.2 mismatch02)."
    ),
    r!(
        "max-forwards-invalid",
        E,
        Sip,
        "Max-Forwards not an integer 0-255",
        "RFC 3261 8.1.1.6 and 20.22: `Max-Forwards = \"Max-Forwards\" HCOLON 1*DIGIT`, range 0-255 (RFC 4475 3.1.2.8 scalar02)."
    ),
    r!(
        "expires-invalid",
        E,
        Sip,
        "Expires or `;expires=` not delta-seconds within 2^32-1",
        "RFC 3261 20.19 and 10.2.1.1: `delta-seconds = 1*DIGIT`, at most 2^32-1 (RFC 4475 3.1.2.8 scalar02)."
    ),
    r!(
        "scalar-invalid",
        E,
        Sip,
        "numeric header (Retry-After, Min-Expires, RSeq, Warning code, ...) out of range",
        "RFC 3261 20.23, 20.33, 20.43 and 25.1: delta-seconds fit in 32 bits; `warn-code = 3DIGIT` (RFC 4475 3.1.2.10 scalarlg)."
    ),
    r!(
        "date-invalid",
        E,
        Sip,
        "Date not in the RFC 1123 GMT form",
        "RFC 3261 20.17: `SIP-date = rfc1123-date`, `rfc1123-date = wkday \",\" SP date1 SP time SP \"GMT\"`; the time zone MUST be GMT (RFC 4475 3.1.2.14 baddate)."
    ),
    r!(
        "duplicate-header",
        E,
        Sip,
        "single-value header appearing more than once",
        "RFC 3261 7.3.1: only headers defined as comma-separated lists may appear more than once (RFC 4475 3.1.2.20 multi01); RFC 4975 7.3 likewise for MSRP headers."
    ),
    r!(
        "mandatory-header-missing",
        E,
        Sip,
        "a top-level request or response without To, From, CSeq, Call-ID, Max-Forwards or Via",
        "RFC 3261 8.1.1 and 8.2.6.2: every request carries To, From, CSeq, Call-ID, Max-Forwards and Via; responses copy To, From, CSeq, Call-ID and Via (RFC 4475 3.1.2.21 insuf). Encapsulated parts are exempt: the CR removes some of them."
    ),
    r!(
        "max-forwards-missing",
        W,
        Sip,
        "a top-level request without Max-Forwards",
        "RFC 3261 8.1.1.6: a UAC MUST insert Max-Forwards in each request; RFC 2543 elements omit it and RFC 4475 3.3.15 (inv2543) asks receivers to accept such requests, so this is a warning."
    ),
    r!(
        "header-leading-whitespace",
        E,
        Sip,
        "header section starting with a continuation line",
        "RFC 3261 7.3.1: a continuation line folds into the header before it; there is none."
    ),
    r!(
        "header-space-before-colon",
        W,
        Sip,
        "whitespace between name and colon in MSRP or MIME headers",
        "RFC 4975 9 `hname \":\" SP hval`; RFC 5322 2.2; accepted leniently."
    ),
    r!(
        "header-line-too-long",
        E,
        Input,
        "header line longer than the limit",
        "Resource limit (--max-header-line)."
    ),
    r!(
        "too-many-headers",
        E,
        Input,
        "more headers than the limit",
        "Resource limit (--max-headers)."
    ),
    // ---- RFC 4975 ----
    r!(
        "msrp-start-line-malformed",
        E,
        Msrp,
        "MSRP start line malformed",
        "RFC 4975 9: `req-start = pMSRP SP transact-id SP method CRLF`, `resp-start = pMSRP SP transact-id SP status-code [SP comment] CRLF`."
    ),
    r!(
        "msrp-transaction-id-invalid",
        E,
        Msrp,
        "transaction id not 4-32 ident characters",
        "RFC 4975 9: `transact-id = ident`, `ident = ALPHANUM 3*31ident-char`."
    ),
    r!(
        "msrp-method-invalid",
        E,
        Msrp,
        "MSRP method not upper-case letters",
        "RFC 4975 9: `method = mSEND / mREPORT / other-method`, `other-method = 1*UPALPHA`."
    ),
    r!(
        "msrp-status-invalid",
        E,
        Msrp,
        "MSRP status code not three digits",
        "RFC 4975 9: `status-code = 3DIGIT`."
    ),
    r!(
        "msrp-end-line-mismatch",
        E,
        Msrp,
        "end-line transaction id differs from the start line's",
        "RFC 4975 7.1 and 9: `end-line = \"-------\" transact-id continuation-flag CRLF` with the transaction id of the start line."
    ),
    r!(
        "msrp-end-line-missing",
        E,
        Msrp,
        "MSRP message without its end-line",
        "RFC 4975 7.1 and 9: every MSRP message ends with an end-line."
    ),
    r!(
        "msrp-trailing-data",
        E,
        Msrp,
        "bytes after the MSRP end-line",
        "RFC 4975 7.1: the end-line ends the message."
    ),
    r!(
        "msrp-folded-header",
        W,
        Msrp,
        "folded MSRP header line",
        "RFC 4975 9: `header = hname \":\" SP hval CRLF`; MSRP has no line folding."
    ),
    r!(
        "msrp-header-no-space",
        E,
        Msrp,
        "MSRP header without the single SP after the colon",
        "RFC 4975 9: `hname \":\" SP hval`."
    ),
    r!(
        "msrp-header-empty",
        E,
        Msrp,
        "MSRP header with an empty value",
        "RFC 4975 9: every header defined by RFC 4975 has a non-empty value; an extension header needs `\":\" SP hval`."
    ),
    r!(
        "msrp-path-missing",
        E,
        Msrp,
        "MSRP request or response without To-Path or From-Path",
        "RFC 4975 7.1: `To-Path and From-Path headers MUST be present` in every request and response."
    ),
    r!(
        "msrp-path-order",
        E,
        Msrp,
        "To-Path and From-Path not the first two headers",
        "RFC 4975 7.1 and 9: `req-start headers` with `headers = To-Path CRLF From-Path CRLF 1*( header CRLF )`: To-Path first, then From-Path."
    ),
    r!(
        "msrp-path-invalid",
        E,
        Msrp,
        "To-Path/From-Path not a list of msrp: or msrps: URIs",
        "RFC 4975 9: `To-Path = \"To-Path:\" SP MSRP-URI *( SP MSRP-URI )`, `MSRP-URI = msrp-scheme \"://\" authority ...`."
    ),
    r!(
        "msrp-content-type-not-last",
        E,
        Msrp,
        "Content-Type not the last header before the body",
        "RFC 4975 9: `content-stuff = *(Other-Mime-header CRLF) Content-Type 2CRLF data CRLF`: Content-Type comes last, right before the body."
    ),
    r!(
        "msrp-body-without-content-type",
        E,
        Msrp,
        "MSRP body without Content-Type",
        "RFC 4975 7.1 and 9: a request with a body MUST carry Content-Type (`content-stuff`)."
    ),
    r!(
        "msrp-byte-range-invalid",
        E,
        Msrp,
        "Byte-Range not `start-end/total`",
        "RFC 4975 9: `Byte-Range = \"Byte-Range:\" SP range-start \"-\" range-end \"/\" total`, `range-start = 1*DIGIT` (from 1), `range-end = 1*DIGIT / \"*\"`, `total = 1*DIGIT / \"*\"`."
    ),
    r!(
        "msrp-byte-range-mismatch",
        E,
        Msrp,
        "Byte-Range that disagrees with the body length",
        "RFC 4975 7.1.1 and 9: range-end - range-start + 1 is the number of body octets of the chunk; with the `$` flag and a known total, the range ends at the total."
    ),
    r!(
        "send-message-id-missing",
        E,
        Msrp,
        "SEND without Message-ID",
        "RFC 4975 7.1.1: `The SEND request MUST contain a Message-ID header field`."
    ),
    r!(
        "msrp-message-id-invalid",
        E,
        Msrp,
        "Message-ID that is not an ident",
        "RFC 4975 9: `Message-ID = \"Message-ID:\" SP ident`, `ident = ALPHANUM 3*31ident-char`."
    ),
    r!(
        "msrp-status-header-invalid",
        E,
        Msrp,
        "REPORT Status header malformed or missing",
        "RFC 4975 7.1.2 and 9: a REPORT MUST contain `Status = \"Status:\" SP namespace SP status-code [SP text-reason]`, `namespace = \"000\"`."
    ),
    r!(
        "msrp-report-header-invalid",
        E,
        Msrp,
        "Success-Report or Failure-Report with a bad value",
        "RFC 4975 9: `Success-Report = \"yes\" / \"no\"`, `Failure-Report = \"yes\" / \"no\" / \"partial\"`."
    ),
    r!(
        "msrp-expires-invalid",
        E,
        Msrp,
        "Expires, Min-Expires or Max-Expires not a number",
        "RFC 4975 9: `Expires = \"Expires:\" SP 1*DIGIT` (Min-Expires, Max-Expires likewise)."
    ),
    r!(
        "content-disposition-invalid",
        E,
        Msrp,
        "Content-Disposition with a malformed parameter",
        "RFC 2183 2 (referenced by RFC 4975 9): `disposition-parm = filename-parm / ... / parameter`, `parameter = attribute \"=\" value`."
    ),
    r!(
        "msrp-auth-invalid",
        E,
        Msrp,
        "WWW-Authenticate or Authorization not Digest",
        "RFC 4975 9: `WWW-Authenticate = \"WWW-Authenticate:\" SP \"Digest\" SP digest-param *(\",\" SP digest-param)`; Authorization likewise."
    ),
    // ---- RFC 3842 (hook: checks come with src/summary.rs) ----
    // ---- oma-im profile ----
    r!(
        "oma-accept-contact",
        E,
        OmaIm,
        "initial INVITE, MESSAGE or PUBLISH without `+g.oma.sip-im` in Accept-Contact",
        "OMA IM (004) 5.2.4 item 4, 7.1.1.1 item 1, 8.1.1 item 1, 9.1.1.1 item 1: the IM Client SHALL include an Accept-Contact header with the IM feature-tag `+g.oma.sip-im` in all initial SIP requests (servers: 6.1.2.2.2 item 5, 7.2.2.1 item 1, 8.3.2.1 item 2)."
    ),
    r!(
        "oma-contact-feature-tag",
        E,
        OmaIm,
        "Contact of an initial INVITE without `+g.oma.sip-im`",
        "OMA IM (004) 9.1.1.1 item 3 and 6.1.2.2.2 item 10b: the IM feature-tag `+g.oma.sip-im` SHALL be included in the Contact header of a session INVITE. The OMA texts have no such rule for a pager-mode MESSAGE (8.1.1) or a PUBLISH (5.2.4), so a Contact there is not checked."
    ),
    r!(
        "oma-user-agent-missing",
        E,
        OmaIm,
        "initial INVITE, MESSAGE or PUBLISH without User-Agent",
        "OMA IM (004) 5.2.4 item 5, 7.1.1.1 item 2, 8.1.1 item 3, 9.1.1.1 item 2: SHALL include a User-Agent header to indicate the IM release version (Appendix F)."
    ),
    r!(
        "oma-timer-missing",
        E,
        OmaIm,
        "initial INVITE without `timer` in Supported",
        "OMA IM (004) 9.1.1.1 item 5, 6.1.2.2.2 item 8, 7.2.2.1 item 8: SHALL include the option tag `timer` in the Supported header (RFC 4028)."
    ),
    r!(
        "oma-pager-too-large",
        W,
        OmaIm,
        "pager-mode MESSAGE over 1300 bytes",
        "OMA IM (004) 8.1: pager mode is for messages below 1300 bytes unless a congestion-controlled transport is known end to end (RFC 3428 5); otherwise Large Message Mode (9) is used."
    ),
    // ---- Input ----
    r!(
        "junk",
        E,
        Input,
        "bytes that look like a SIP or MSRP message but are not one",
        "The input holds header lines, an MSRP start or end line or a SIP-Version that do not form a message: no valid SIP start line (RFC 3261 7.1/7.2) or MSRP start line (RFC 4975 9: `MSRP SP transact-id SP method`) begins them."
    ),
    r!(
        "not-sip-or-msrp",
        W,
        Input,
        "bytes that are not SIP or MSRP at all (skipped)",
        "Text between or instead of messages that has nothing of SIP or MSRP (no header line, no start or end line), such as the bytes after a Content-Length-delimited body, which RFC 3261 18.3 discards for datagrams."
    ),
    r!(
        "truncated",
        E,
        Input,
        "input ends inside a message",
        "RFC 3261 18.3 / RFC 4975 7.1: the message is cut off before its declared end or end-line."
    ),
    r!(
        "message-too-large",
        E,
        Input,
        "message larger than the limit",
        "Resource limit (--max-message)."
    ),
    r!(
        "bare-lf",
        N,
        Input,
        "line ending with a bare LF (accepted)",
        "RFC 3261 7 and RFC 4975 9 end lines with CRLF; bare LF is accepted as a leniency (RFC 3261 7.5 robustness)."
    ),
    r!(
        "indented-message",
        N,
        Input,
        "message indented as pasted from a document (dedented)",
        "Leniency for examples pasted from documents such as the OMA CRs: the common indentation is removed before parsing."
    ),
    // ---- Captures ----
    r!(
        "capture-junk",
        W,
        Capture,
        "bytes of a TCP stream or datagram on a SIP/MSRP port that are not SIP or MSRP (skipped)",
        "Capture reading: on a flow decoded as SIP or MSRP (by content, or forced with --port), bytes between messages that no start line begins are skipped and counted; the finding names the frames and the record's byte offset in the file."
    ),
    r!(
        "capture-midstream",
        N,
        Capture,
        "a TCP connection captured after it began: the bytes before its first start line are skipped",
        "Capture reading: a capture started mid-connection holds the end of a message whose start was never captured; framing starts at the first SIP or MSRP start line."
    ),
    r!(
        "ip-fragments-incomplete",
        E,
        Capture,
        "an IP datagram whose fragments never all arrived (dropped)",
        "RFC 791 3.2 and RFC 8200 4.5: a datagram is whole only when every fragment is there; incomplete ones are given up after 60 s of capture time, at the end of the capture, or when the fragment memory limit (--max-fragment-bytes) is reached."
    ),
    r!(
        "ip-fragment-overlap",
        E,
        Capture,
        "IP fragments that carry different bytes for the same offsets (IPv4: the first copy is kept; IPv6: the datagram is discarded)",
        "RFC 8200 4.5 (RFC 5722): when IPv6 fragments overlap, reassembly of the datagram is abandoned and every fragment of it discarded, later ones included. RFC 791 3.2 leaves overlapping IPv4 fragments to the implementation (RFC 1858 describes the attacks they carry): the copy that arrived first is kept and the later bytes ignored, as TCP does. The finding names the frames of both copies; the same bytes again are a harmless repeat."
    ),
    r!(
        "pcap-truncated-record",
        E,
        Capture,
        "the capture ends inside a record or block (reading stops)",
        "pcap (draft-ietf-opsawg-pcap) and pcapng (draft-ietf-opsawg-pcapng): a record header or block shorter than it declares means the file was cut, for example by a capture that was still being written."
    ),
    r!(
        "pcap-record-too-large",
        E,
        Capture,
        "a record or block declaring more than 16 MiB (reading stops)",
        "Fixed bound (docs/limits.md): a pcap record or pcapng block longer than 16 MiB is taken as a corrupt length, and reading stops there rather than allocating it."
    ),
    r!(
        "pcap-bad-block",
        E,
        Capture,
        "a pcapng block with an invalid length (reading stops)",
        "pcapng (draft-ietf-opsawg-pcapng 3.1): a block's total length is a multiple of 4, at least 12, and repeated at its end."
    ),
    r!(
        "pcap-unknown-link-type",
        E,
        Capture,
        "a pcapng interface with a link type that is not supported (its packets are skipped)",
        "Capture reading: the link types read are Ethernet, raw IP, Linux cooked (SLL, SLL2), BSD loopback and null; packets of another interface are skipped, and the finding names its link type."
    ),
    r!(
        "pcapng-unknown-block",
        N,
        Capture,
        "a pcapng block of an unknown type (skipped; reported once per type)",
        "pcapng (draft-ietf-opsawg-pcapng 3.1): readers skip blocks they do not know, using the block's length."
    ),
    r!(
        "sctp-message-incomplete",
        E,
        Capture,
        "an SCTP user message that began as SIP or MSRP was given up unfinished",
        "RFC 9260 6.9: a user message fragmented over DATA chunks is joined in TSN order. It is given up when a fragment is missing, when it grows past --max-message, when its stream begins another message first, or when 65,536 unfinished messages wait at once; what it held is not framed."
    ),
    r!(
        "tcp-gap",
        E,
        Capture,
        "bytes of a TCP stream missing from the capture",
        "RFC 9293 3.10.7.4: a stream is read in sequence order; a hole is given up when the peer acknowledged past it, after 10 s of capture time, or when too much waits behind it. Framing resumes at the next start line."
    ),
    r!(
        "tcp-retransmission-differs",
        E,
        Capture,
        "a TCP segment that carries bytes already received with different content (the first copy is kept)",
        "RFC 9293 3.10.7.4: of a segment that overlaps data already received only the new part is processed, so the receiver kept the first copy; different bytes mean the stream cannot be rebuilt faithfully (an injection, a faulty middlebox, two paths captured together). Bytes still buffered or waiting out of order are compared byte by byte; bytes already framed, by a digest of each of the last 32 pieces, when the segment covers a piece whole. A keep-alive (one octet just before the next sequence number, RFC 9293 3.8.4) is not compared."
    ),
    r!(
        "tcp-flow-ignored",
        N,
        Capture,
        "a TCP flow with no SIP or MSRP start line in its first 1 MiB (its later bytes are ignored)",
        "Fixed bound (docs/limits.md): a flow is searched for a start line over 1 MiB of skipped bytes, then taken for other traffic and ignored, unless its port is given with --port. A flow whose start was not captured (a long message's body) may carry SIP further on: the finding names the flow, its frames and the bytes skipped."
    ),
    r!(
        "tcp-flow-over-limit",
        E,
        Capture,
        "a TCP flow dropped by a memory limit",
        "Resource limit (--max-flow-bytes, --max-total-flow-bytes): the flow's buffers are freed and its later segments ignored; the finding says which limit."
    ),
    r!(
        "websocket-bad-frame",
        W,
        Capture,
        "an invalid WebSocket frame (framing looks for SIP or MSRP again)",
        "RFC 6455 5.2: a frame header with reserved bits set, an unknown opcode or a bad length is not a WebSocket frame (RFC 7118 carries SIP in WebSocket text or binary frames)."
    ),
    r!(
        "websocket-compressed",
        W,
        Capture,
        "WebSocket messages compressed with permessage-deflate (skipped)",
        "RFC 7692: permessage-deflate compresses message payloads; they are not decompressed, so the SIP or MSRP inside cannot be read."
    ),
    r!(
        "websocket-frame-too-large",
        E,
        Capture,
        "a WebSocket frame larger than the message limit (the flow is dropped)",
        "Resource limit (--max-message): a WebSocket frame that declares more is not buffered."
    ),
    r!(
        "websocket-message-too-large",
        E,
        Capture,
        "a WebSocket message fragmented over frames grew past --max-message (skipped; the flow goes on)",
        "RFC 6455 5.4: a message may be fragmented over any number of frames, each within the limit; the message they make is bounded by --max-message too. Said when it began as SIP or MSRP."
    ),
    r!(
        "websocket-truncated",
        W,
        Capture,
        "a WebSocket message cut by the end of the capture or a gap (kept, marked truncated)",
        "RFC 6455 5.4: a message ends with its FIN frame; what was captured of an unfinished one is kept."
    ),
    // ---- MSRP chunk reassembly ----
    r!(
        "msrp-chunk-not-send",
        E,
        Reassembly,
        "a request other than SEND offered for reassembly",
        "RFC 4975 7.1: only SEND requests carry message content in chunks."
    ),
    r!(
        "msrp-chunk-no-message-id",
        E,
        Reassembly,
        "a SEND without Message-ID: its chunks cannot be joined",
        "RFC 4975 7.1 and 9: Message-ID is mandatory in SEND; it is what ties the chunks of one message together."
    ),
    r!(
        "msrp-too-many-chunks",
        E,
        Reassembly,
        "a message in more chunks than --max-chunks (the rest are dropped)",
        "Resource limit (--max-chunks)."
    ),
    r!(
        "msrp-message-too-large",
        E,
        Reassembly,
        "a reassembled message larger than --max-message (the rest is dropped)",
        "Resource limit (--max-message), applied to the joined body."
    ),
    r!(
        "msrp-chunk-total-mismatch",
        E,
        Reassembly,
        "chunks of one message that declare different totals",
        "RFC 4975 7.1.1 and 9: the total of the Byte-Range is the message's length, the same in every chunk (or `*` while unknown)."
    ),
    r!(
        "msrp-chunk-aborted",
        E,
        Reassembly,
        "a message aborted by its sender (`#` end-line flag)",
        "RFC 4975 7.1: a chunk that ends with `#` aborts the message; the receiver discards what it has."
    ),
    r!(
        "msrp-chunk-gap",
        E,
        Reassembly,
        "bytes of a message that no chunk carried",
        "RFC 4975 7.1.1: the chunks of a message cover its bytes 1 to total; a gap means a chunk was lost (or not captured)."
    ),
    r!(
        "msrp-chunk-overlap",
        W,
        Reassembly,
        "bytes of a message sent twice, the same both times",
        "RFC 4975 7.1.1: chunks may overlap after an interruption; identical bytes are harmless."
    ),
    r!(
        "msrp-chunk-conflict",
        E,
        Reassembly,
        "bytes of a message sent twice with different content (the earlier-starting chunk's bytes are kept)",
        "RFC 4975 7.1.1: overlapping chunks must carry the same bytes; different bytes mean the message cannot be rebuilt faithfully."
    ),
    r!(
        "msrp-chunk-duplicate",
        W,
        Reassembly,
        "a chunk received again (a retransmission or a copy in the capture)",
        "RFC 4975 7.1.1: a chunk covering bytes already received adds nothing; it is ignored."
    ),
    r!(
        "msrp-chunk-no-last-flag",
        W,
        Reassembly,
        "every byte of a message is there but no chunk ends with `$`",
        "RFC 4975 7.1: the last chunk of a message ends with the `$` flag."
    ),
    r!(
        "summary-notify-event",
        W,
        Summary,
        "a NOTIFY with a message-summary body whose Event is not message-summary",
        "RFC 3842 3.1 and 3.5: application/simple-message-summary bodies are the notifications of the `message-summary` event package; a NOTIFY of another package (or without Event) carrying one is probably mislabelled."
    ),
    r!(
        "msrp-reassembly-limit",
        E,
        Reassembly,
        "a message given up incomplete: too many messages were waiting for chunks",
        "Fixed bound (docs/limits.md): `parse --reassemble` holds at most 10 000 incomplete messages; past it the one that waited longest is printed as it is, incomplete, so memory stays bounded whatever the input."
    ),
    r!(
        "msrp-chunk-unfinished",
        E,
        Reassembly,
        "a message with no last chunk and no total (unfinished)",
        "RFC 4975 7.1: without a `$` chunk and without a total, the message's end never arrived."
    ),
    // ---- The stored messages of a summary ----
    r!(
        "summary-stored-without-call-id",
        E,
        Stored,
        "a stored message without a (UTF-8) Call-ID to identify it (left out)",
        "OMA IM CR (001) 12.2.2.3 item 4 and 003: each stored message is identified in the message-summary by its Message-ID; a stored message without one cannot be listed."
    ),
    r!(
        "summary-stored-without-date",
        W,
        Stored,
        "a stored message without Date, and no --date (its Date line is left out)",
        "OMA IM CR (001) 12.2.2.3 item 1: a Date is added to a stored message when it has none; the summary can only show the date that was stored."
    ),
    r!(
        "summary-old-unmatched",
        W,
        Stored,
        "an --old value that matches no stored message",
        "The `summary --old` option marks stored messages as already seen (RFC 3842 5.2 old messages); a value matching none is probably a typo."
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_explained() {
        let mut seen = std::collections::HashSet::new();
        for r in codes() {
            assert!(seen.insert(r.id), "duplicate rule {}", r.id);
            assert!(
                r.id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                r.id
            );
            assert!(!r.summary.is_empty() && r.explain.len() > 20, "{}", r.id);
        }
    }

    #[test]
    fn a_typo_gets_the_nearest_code() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(nearest("via-presnt"), Some("via-present"));
        assert_eq!(nearest("VIA_PRESENT"), Some("via-present"));
        assert_eq!(nearest("tcp-gapp"), Some("tcp-gap"));
        assert_eq!(nearest("routing-headers"), Some("routing-header"));
        assert_eq!(nearest("something-else-entirely"), None);
        assert_eq!(nearest("x"), None);
    }

    /// Every `.rs` file under `src/`, with the unit tests cut off.
    fn sources() -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    let code = text.split("#[cfg(test)]").next().unwrap().to_string();
                    out.push((p.display().to_string(), code));
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut out,
        );
        out
    }

    /// Every code any part of the crate emits through a `Finding`
    /// constructor is in the catalogue, with the severity it is emitted
    /// with: a code means the same everywhere.
    #[test]
    fn every_emitted_code_is_catalogued_with_its_severity() {
        let mut n = 0;
        let mut wrong = Vec::new();
        for (file, src) in sources() {
            if file.ends_with("catalogue.rs") {
                continue;
            }
            for (ctor, sev) in [
                ("Finding::error(", Severity::Error),
                ("Finding::warning(", Severity::Warning),
                ("Finding::note(", Severity::Note),
            ] {
                for (at, _) in src.match_indices(ctor) {
                    let rest = src[at + ctor.len()..].trim_start();
                    let Some(lit) = rest.strip_prefix('"') else {
                        continue;
                    };
                    let id = &lit[..lit.find('"').unwrap()];
                    n += 1;
                    match code(id) {
                        None => wrong.push(format!("{file}: `{id}` is not in the catalogue")),
                        Some(c) if c.severity != sev => wrong.push(format!(
                            "{file}: `{id}` emitted as {sev}, catalogued as {}",
                            c.severity
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
        assert!(n > 100, "the scan found only {n} emissions");
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
