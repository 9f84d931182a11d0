//! Command-line definitions (clap) and their validation into configs.
//!
//! Every subcommand's options live here so that the man pages and shell
//! completions, generated from these definitions, cover the whole tool.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Inspect, convert and lint SIP (RFC 3261) and MSRP (RFC 4975) messages.
#[derive(Debug, Parser)]
#[command(name = "sipmsrp", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse SIP and MSRP messages (text dumps, pcap, pcapng) into a readable view or JSON.
    Parse(ParseArgs),
    /// Turn a stored deferred message into the pushed MSRP SEND of the OMA IM CR.
    ///
    /// One pushed MSRP SEND (multipart/mixed) per stored deferred message, per
    /// OMA IM CR 12.2.2.3/12.2.2.5: a pager-mode MESSAGE as message/sip (or
    /// message/sipfrag); a Large Message Mode session (INVITE, SEND chunks, in
    /// any order; 200 OK, ACK and BYE are never carried) as a message/sipfrag of
    /// the INVITE's start line and relevant headers (To, From, Date, Subject,
    /// Priority, Call-ID, P-Asserted-Identity, in that order) plus a
    /// message/msrpfrag of the first SEND's start line, Message-ID,
    /// Content-Type and the whole reassembled body.
    ///
    /// Via, Route, Record-Route, Path, Service-Route, Max-Forwards,
    /// P-Charging-Vector and P-Charging-Function-Addresses are removed;
    /// P-Asserted-Identity too when Privacy asks for id, header or user. Kept
    /// header fields are copied byte for byte (line ends become CRLF). A
    /// missing Date is added (in a MESSAGE after the last Call-ID, in a
    /// sipfrag in its place in the list above); Call-ID, Message-ID, an
    /// existing Date and the message body are never changed.
    Encap(EncapArgs),
    /// Check messages against the deferred-message CR and the RFC grammars.
    Lint(LintArgs),
    /// Escape and unescape retrieval URIs, and build retrieval requests.
    Uri(UriArgs),
    /// Build or normalise RFC 3842 message-summary bodies and NOTIFY requests.
    Summary(SummaryArgs),
    /// Write the man pages and shell completions (for packagers and the drift test).
    #[command(hide = true)]
    GenerateAssets(GenerateArgs),
}

/// Output format of parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ParseFormat {
    Human,
    Jsonl,
    Json,
}

/// Protocol filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtocolFilter {
    Sip,
    Msrp,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Input files; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ParseFormat::Human)]
    pub format: ParseFormat,
    /// Only messages of this protocol.
    #[arg(long, value_enum)]
    pub protocol: Option<ProtocolFilter>,
    /// Only SIP requests of this method, MSRP requests of this method, or
    /// responses whose CSeq names it (case-sensitive, repeatable).
    #[arg(long, value_name = "METHOD")]
    pub method: Vec<String>,
    /// Only messages with this Call-ID (SIP) or Message-ID (MSRP), repeatable.
    #[arg(long, value_name = "ID")]
    pub call_id: Vec<String>,
    /// One line per message instead of the full view.
    #[arg(long)]
    pub summary: bool,
    /// Join the chunks of each MSRP message into one message (captures and text).
    #[arg(long)]
    pub reassemble: bool,
    /// Decode this UDP/TCP port as SIP/MSRP even when the content does not look like it (repeatable).
    #[arg(long, value_name = "PORT")]
    pub port: Vec<u16>,
    /// Threads that render messages from files (default: one per CPU, at most 8; at most 256).
    /// With 1, or with --reassemble, or reading a pipe, all is done on one thread; the
    /// output is the same either way.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    #[command(flatten)]
    pub levels: LevelArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The severity of finding codes, as the user wants them (parse and lint).
#[derive(Debug, Clone, Args)]
pub struct LevelArgs {
    /// Make this finding code an error (`warnings` makes every warning an error; repeatable).
    #[arg(long, value_name = "CODE")]
    pub deny: Vec<String>,
    /// Make this finding code a warning (repeatable).
    #[arg(long, value_name = "CODE")]
    pub warn: Vec<String>,
    /// Leave this finding code out of the output and the exit code (repeatable).
    #[arg(long, value_name = "CODE")]
    pub allow: Vec<String>,
}

/// Resource limits: every one the input controls.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Largest message accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024, help_heading = "Limits")]
    pub max_message: usize,
    /// Most headers in one message.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1000,
        help_heading = "Limits"
    )]
    pub max_headers: usize,
    /// Longest header line, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024, help_heading = "Limits")]
    pub max_header_line: usize,
    /// Deepest nesting of multipart and message/* bodies.
    #[arg(long, value_name = "N", default_value_t = 32, help_heading = "Limits")]
    pub max_depth: usize,
    /// Most parts in one message's body tree, all levels together.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1000,
        help_heading = "Limits"
    )]
    pub max_parts: usize,
    /// TCP reassembly bytes buffered per flow.
    #[arg(long, value_name = "BYTES", default_value_t = 32 * 1024 * 1024, help_heading = "Limits")]
    pub max_flow_bytes: usize,
    /// TCP reassembly bytes buffered over all flows.
    #[arg(long, value_name = "BYTES", default_value_t = 256 * 1024 * 1024, help_heading = "Limits")]
    pub max_total_flow_bytes: usize,
    /// IP fragment bytes buffered over all incomplete datagrams.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024, help_heading = "Limits")]
    pub max_fragment_bytes: usize,
    /// Most chunks in one reassembled MSRP message.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 100_000,
        help_heading = "Limits"
    )]
    pub max_chunks: usize,
    /// Largest text input read whole, in bytes: encap and summary relate
    /// messages across an input and read text whole, as do lint --fix and
    /// lint of a bare body (parse and lint stream messages).
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 30, help_heading = "Limits")]
    pub max_input: u64,
}

impl LimitArgs {
    pub fn to_limits(&self) -> sipmsrp::limits::Limits {
        sipmsrp::limits::Limits {
            max_message: self.max_message,
            max_headers: self.max_headers,
            max_header_line: self.max_header_line,
            max_depth: self.max_depth,
            max_parts: self.max_parts,
            max_flow_bytes: self.max_flow_bytes,
            max_total_flow_bytes: self.max_total_flow_bytes,
            max_fragment_bytes: self.max_fragment_bytes,
            max_chunks: self.max_chunks,
        }
    }
}

/// Options of `encap`.
#[derive(Debug, Args)]
pub struct EncapArgs {
    /// Input files holding stored deferred messages; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Write to this file (atomically: on any error it is left as it was) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only the deferred message with this Call-ID.
    #[arg(long, value_name = "ID")]
    pub call_id: Option<String>,
    /// Carry a pager-mode MESSAGE as message/sipfrag instead of message/sip.
    #[arg(long)]
    pub sipfrag: bool,
    /// Keep this header although the CR's list removes it; in a Large Message Mode sipfrag, carry it after the relevant ones (repeatable; compact forms such as `v` accepted).
    #[arg(long, value_name = "NAME")]
    pub keep: Vec<String>,
    /// Remove this header too (repeatable; Call-ID, Date, Content-Type and Content-Length cannot be removed).
    #[arg(long, value_name = "NAME")]
    pub strip: Vec<String>,
    /// Date to add where a message has none: RFC 1123 ("Thu, 21 Feb 2002 13:02:03 GMT", kept as written), or RFC 2822 / RFC 3339, converted to GMT. Default: the capture time, else now.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// To-Path of the pushed SENDs (the IM Client; `.invalid` placeholder by default).
    #[arg(
        long,
        value_name = "URI",
        default_value = "msrp://client.invalid:2855/deferred;tcp"
    )]
    pub to_path: String,
    /// From-Path of the pushed SENDs (the IM Server; `.invalid` placeholder by default).
    #[arg(
        long,
        value_name = "URI",
        default_value = "msrp://imserver.invalid:2855/deferred;tcp"
    )]
    pub from_path: String,
    /// Transaction id of the first pushed SEND (later SENDs and chunks get ID-2, ID-3...); generated when absent. Refused if its end-line occurs in the body.
    #[arg(long, value_name = "ID")]
    pub transaction_id: Option<String>,
    /// Message-ID of the first pushed message (later ones get ID-2, ID-3...); generated when absent.
    #[arg(long, value_name = "ID")]
    pub message_id: Option<String>,
    /// Multipart boundary; refused if it occurs in the content. Generated (and checked against the content) when absent.
    #[arg(long, value_name = "BOUNDARY")]
    pub boundary: Option<String>,
    /// Split each pushed body over SENDs of at most this many body bytes (Byte-Range and `+`/`$` flags set; every chunk carries Content-Type).
    #[arg(long, value_name = "BYTES")]
    pub chunk_size: Option<usize>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Output format of lint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Human,
    Json,
    Github,
    Sarif,
}

/// Opt-in rule profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintProfile {
    /// The OMA SIMPLE IM header rules (Accept-Contact +g.oma.sip-im, User-Agent, timer, pager size).
    OmaIm,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Input files; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = LintFormat::Human)]
    pub format: LintFormat,
    #[command(flatten)]
    pub levels: LevelArgs,
    /// Enable an opt-in profile.
    #[arg(long, value_enum)]
    pub profile: Vec<LintProfile>,
    /// List every rule with its default severity and exit.
    #[arg(long)]
    pub list_rules: bool,
    /// Explain a rule, citing its clause, and exit.
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,
    /// Rewrite non-conformant pushed SENDs (one text input) into the CR's form through encap: Via, routing and charging headers removed, 200 OK/ACK/BYE parts dropped, message/msrp renamed message/msrpfrag, Date added, boundary and delimiter typos repaired, Content-Length and Byte-Range recomputed. The fixed input goes to standard output (or -o); each change, what could not be fixed and what the output still breaks go to standard error (human or json format). Exit 0 when the output lints clean, 1 otherwise.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: write here (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE", requires = "fix")]
    pub output: Option<PathBuf>,
    /// With --fix: the Date added where an encapsulated INVITE or MESSAGE has none, as for encap --date. Default: now.
    #[arg(long, value_name = "DATE", requires = "fix")]
    pub date: Option<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct UriArgs {
    #[command(subcommand)]
    pub command: UriCommand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UriScheme {
    Sip,
    Sips,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UriFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum UriCommand {
    /// Escape Message-IDs into retrieval-URI user parts (RFC 3261 `user` rule).
    Escape {
        /// Print the whole URI with this message-store host.
        #[arg(long, value_name = "HOST")]
        host: Option<String>,
        /// URI scheme when --host is given.
        #[arg(long, value_enum, default_value_t = UriScheme::Sip)]
        scheme: UriScheme,
        /// Message-IDs; none reads one per line from standard input (a CR before the LF is dropped).
        #[arg(value_name = "MESSAGE-ID")]
        ids: Vec<String>,
    },
    /// Unescape retrieval URIs (or bare user parts) back into Message-IDs.
    Unescape {
        /// Print the host as well (text: after a tab).
        #[arg(long)]
        host: bool,
        /// Write the raw unescaped bytes (also when they are not UTF-8; JSON: base64).
        #[arg(long)]
        bytes: bool,
        /// Output format: text (control characters shown as U+2400 pictures, e.g. %00 as ␀) or json (one object per line).
        #[arg(long, value_enum, default_value_t = UriFormat::Text)]
        format: UriFormat,
        /// URIs or bare user parts; none reads one per line from standard input.
        #[arg(value_name = "URI")]
        uris: Vec<String>,
    },
    /// Build the retrieval INVITE for one or more Message-IDs.
    Request {
        /// The retrieving user's URI (From).
        #[arg(long, value_name = "URI")]
        from: String,
        /// The message-store host (`host[:port]`).
        #[arg(long, value_name = "HOST")]
        host: String,
        /// URI scheme of the retrieval URIs and Contact (`sips` also means TLS transports).
        #[arg(long, value_enum, default_value_t = UriScheme::Sip)]
        scheme: UriScheme,
        /// This client's host, used in Via, Contact, the SDP offer and the MSRP path.
        #[arg(long, value_name = "HOST", default_value = "client.invalid")]
        local_host: String,
        /// Call-ID (generated when absent).
        #[arg(long, value_name = "ID")]
        call_id: Option<String>,
        /// From tag (generated when absent).
        #[arg(long, value_name = "TAG")]
        tag: Option<String>,
        /// Via branch (generated when absent).
        #[arg(long, value_name = "BRANCH")]
        branch: Option<String>,
        /// Message-IDs to retrieve; several give one URI-list INVITE to the store (RFC 5366).
        #[arg(value_name = "MESSAGE-ID", required = true)]
        ids: Vec<String>,
    },
}

/// Output format of summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    /// The RFC 3842 body (or the whole NOTIFY with --notify).
    Body,
    /// The summary document (docs/summary-schema.md), as --json-input reads it.
    Json,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// Stored deferred messages (text or capture), or a JSON document with --json-input; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Read the input as the JSON summary document instead of stored messages.
    #[arg(long)]
    pub json_input: bool,
    /// Read an existing message-summary body or NOTIFY (`-`: standard input) and re-emit it canonically.
    #[arg(long, value_name = "FILE", conflicts_with = "json_input")]
    pub from_body: Option<PathBuf>,
    /// Message-Account URI (replaces the one of a JSON document or body).
    #[arg(long, value_name = "URI")]
    pub account: Option<String>,
    /// Message-context class of the stored messages [default: text-message].
    #[arg(long, value_name = "CLASS")]
    pub class: Option<String>,
    /// Mark the stored message with this Message-ID (its Call-ID) as already seen (old); repeatable.
    #[arg(long, value_name = "MESSAGE-ID")]
    pub old: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = SummaryFormat::Body)]
    pub format: SummaryFormat,
    /// Emit a whole NOTIFY request instead of the bare body.
    #[arg(long)]
    pub notify: bool,
    /// NOTIFY Request-URI [default: the To URI].
    #[arg(long, value_name = "URI", help_heading = "NOTIFY")]
    pub request_uri: Option<String>,
    /// NOTIFY To URI, the subscriber, without angle brackets [default: sip:subscriber.invalid].
    #[arg(long, value_name = "URI", help_heading = "NOTIFY")]
    pub to: Option<String>,
    /// NOTIFY To tag [default: generated].
    #[arg(long, value_name = "TAG", help_heading = "NOTIFY")]
    pub to_tag: Option<String>,
    /// NOTIFY From URI, the message store [default: sip:message-store.invalid].
    #[arg(long, value_name = "URI", help_heading = "NOTIFY")]
    pub from: Option<String>,
    /// NOTIFY From tag [default: generated].
    #[arg(long, value_name = "TAG", help_heading = "NOTIFY")]
    pub from_tag: Option<String>,
    /// NOTIFY Call-ID [default: generated].
    #[arg(long, value_name = "ID", help_heading = "NOTIFY")]
    pub call_id: Option<String>,
    /// NOTIFY CSeq number [default: 1].
    #[arg(long, value_name = "N", help_heading = "NOTIFY")]
    pub cseq: Option<u32>,
    /// NOTIFY Via branch, starting with z9hG4bK [default: generated].
    #[arg(long, value_name = "BRANCH", help_heading = "NOTIFY")]
    pub branch: Option<String>,
    /// NOTIFY Contact URI [default: the From URI].
    #[arg(long, value_name = "URI", help_heading = "NOTIFY")]
    pub contact: Option<String>,
    /// NOTIFY Subscription-State value, e.g. "active;expires=3600" [default: active].
    #[arg(long, value_name = "STATE", help_heading = "NOTIFY")]
    pub subscription_state: Option<String>,
    /// Date to add where a stored message has none (RFC 1123 form, e.g. "Thu, 21 Feb 2002 13:02:03 GMT").
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Directory that receives man/ and completions/.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out_dir: PathBuf,
}
