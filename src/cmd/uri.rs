//! `sipmsrp uri`: escape Message-IDs into retrieval URIs, unescape them back,
//! and build the retrieval INVITE (OMA SIMPLE IM 7.3.3).
//!
//! Items come from the arguments or, with none, one per line from stdin.
//! A bad argument is a usage error (exit 2, nothing printed); a bad stdin
//! line is reported with its line number while the rest go on (exit 1).

use std::hash::{BuildHasher, RandomState};
use std::io::{self, BufRead, BufWriter, Read, Write};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow};
use base64::Engine;
use serde::Serialize;
use sipmsrp::uri::{self, RetrievalRequest, Scheme};

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, emit};
use crate::cli::{UriArgs, UriCommand, UriFormat, UriScheme};

/// Longest stdin line accepted; longer ones are reported and skipped.
const MAX_LINE: usize = 16 * 1024 * 1024;

/// A bad item: where (byte offset in the item) and why.
struct ItemError {
    offset: usize,
    message: String,
}

impl ItemError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
        ItemError {
            offset,
            message: message.into(),
        }
    }
}

impl From<uri::UriError> for ItemError {
    fn from(e: uri::UriError) -> Self {
        ItemError::new(e.offset, e.message())
    }
}

pub fn run(args: UriArgs) -> Result<ExitCode> {
    match args.command {
        UriCommand::Escape { host, scheme, ids } => escape(host.as_deref(), scheme, &ids),
        UriCommand::Unescape {
            host,
            bytes,
            format,
            uris,
        } => unescape(host, bytes, format, &uris),
        UriCommand::Request {
            from,
            host,
            scheme,
            local_host,
            call_id,
            tag,
            branch,
            ids,
        } => request(Request {
            from: &from,
            host: &host,
            scheme,
            local_host: &local_host,
            call_id,
            tag,
            branch,
            ids: &ids,
        }),
    }
}

fn scheme_of(s: UriScheme) -> Scheme {
    match s {
        UriScheme::Sip => Scheme::Sip,
        UriScheme::Sips => Scheme::Sips,
    }
}

fn report(name: &str, line: usize, e: &ItemError) {
    let _ = writeln!(
        io::stderr().lock(),
        "sipmsrp: {name}:{line}:{}: error: {}",
        e.offset + 1,
        e.message
    );
}

/// Run `process` over the arguments, or over stdin lines when there are none.
fn drive(
    args: &[String],
    mut process: impl FnMut(&[u8]) -> Result<Vec<u8>, ItemError>,
) -> Result<ExitCode> {
    if !args.is_empty() {
        let mut out = Vec::new();
        let mut bad = false;
        for (n, arg) in args.iter().enumerate() {
            match process(arg.as_bytes()) {
                Ok(result) => {
                    out.extend_from_slice(&result);
                    out.push(b'\n');
                }
                Err(e) => {
                    report(&format!("<arg {}>", n + 1), 1, &e);
                    bad = true;
                }
            }
        }
        if bad {
            return Ok(ExitCode::from(EXIT_ERROR));
        }
        emit(None, &out)?;
        return Ok(ExitCode::from(EXIT_CLEAN));
    }

    let mut input = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    let mut bad = false;
    loop {
        buf.clear();
        let n = (&mut input)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .context("reading standard input")?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let result = if buf.last() == Some(&b'\n') {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            process(&buf)
        } else if buf.len() > MAX_LINE {
            skip_line(&mut input)?;
            Err(ItemError::new(MAX_LINE, "line longer than 16 MiB"))
        } else {
            process(&buf)
        };
        match result {
            Ok(r) => {
                out.write_all(&r)?;
                out.write_all(b"\n")?;
            }
            Err(e) => {
                // Keep stdout and stderr in order for a reader of both.
                out.flush()?;
                report("<stdin>", line_no, &e);
                bad = true;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::from(if bad { EXIT_FINDINGS } else { EXIT_CLEAN }))
}

/// Discard the rest of an overlong line (up to and including its newline).
fn skip_line(input: &mut impl BufRead) -> Result<()> {
    loop {
        let avail = input.fill_buf().context("reading standard input")?;
        if avail.is_empty() {
            return Ok(());
        }
        if let Some(p) = memchr::memchr(b'\n', avail) {
            input.consume(p + 1);
            return Ok(());
        }
        let len = avail.len();
        input.consume(len);
    }
}

// ---------------------------------------------------------------------------
// escape

fn escape(host: Option<&str>, scheme: UriScheme, ids: &[String]) -> Result<ExitCode> {
    if let Some(h) = host {
        uri::parse_hostport(h.as_bytes()).map_err(|e| {
            anyhow!(
                "--host {h:?}: column {}: {} (an IPv6 address needs [ ])",
                e.offset + 1,
                e.message()
            )
        })?;
    }
    let scheme = scheme_of(scheme);
    drive(ids, |id| {
        if id.is_empty() {
            return Err(ItemError::new(0, "the Message-ID is empty"));
        }
        let user = uri::escape_user(id);
        Ok(match host {
            Some(h) => format!("{scheme}:{user}@{h}"),
            None => user,
        }
        .into_bytes())
    })
}

// ---------------------------------------------------------------------------
// unescape

#[derive(Serialize)]
struct UnescapeJson<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    schema_version: u32,
    /// The item as given.
    input: &'a str,
    /// `sip`/`sips`, or null for a bare user part.
    scheme: Option<&'static str>,
    /// The user part as written (escaped).
    user: &'a str,
    /// `escape(unescape(user))`: equal for two URIs naming the same message.
    canonical_user: String,
    /// The Message-ID, or null when it is not UTF-8 (then see `message_id_base64`).
    message_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_id_base64: Option<String>,
    host: Option<&'a str>,
    port: Option<u16>,
}

/// Text form of a Message-ID: control characters become their Unicode
/// control pictures (NUL is `␀` U+2400, LF `␊`, DEL `␡`), so every result
/// stays on one visible line and nothing is cut at a NUL. Exact bytes:
/// `--bytes` or `--format json`.
fn visible(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\0'..='\u{1f}' => {
                char::from_u32(0x2400 + c as u32).unwrap_or(char::REPLACEMENT_CHARACTER)
            }
            '\u{7f}' => '\u{2421}',
            c => c,
        })
        .collect()
}

fn unescape(want_host: bool, bytes: bool, format: UriFormat, uris: &[String]) -> Result<ExitCode> {
    drive(uris, |line| {
        let text = std::str::from_utf8(line)
            .map_err(|e| ItemError::new(e.valid_up_to(), "the input is not UTF-8"))?;
        let r = uri::parse_retrieval(line)?;
        let id = match std::str::from_utf8(&r.message_id) {
            Ok(s) => Some(s),
            Err(_) if bytes => None,
            Err(e) => {
                let at = r.user_offset + uri::raw_index_of_decoded(r.user, e.valid_up_to());
                return Err(ItemError::new(
                    at,
                    "the Message-ID is not UTF-8 here (--bytes writes the raw bytes)",
                ));
            }
        };
        let host = r.uri.as_ref().map(|u| u.host.raw);
        match format {
            UriFormat::Text => {
                let mut out = match id {
                    Some(s) if !bytes => visible(s).into_bytes(),
                    _ => r.message_id.clone(),
                };
                if want_host {
                    let Some(h) = host else {
                        return Err(ItemError::new(
                            r.user_offset,
                            "--host: a bare user part has no host",
                        ));
                    };
                    out.push(b'\t');
                    out.extend_from_slice(h.as_bytes());
                }
                Ok(out)
            }
            UriFormat::Json => {
                let json = UnescapeJson {
                    kind: "uri",
                    schema_version: 1,
                    input: text,
                    scheme: r.uri.as_ref().map(|u| u.scheme.as_str()),
                    // The user grammar admits ASCII only.
                    user: std::str::from_utf8(r.user).unwrap_or_default(),
                    canonical_user: uri::escape_user(&r.message_id),
                    message_id: id,
                    message_id_base64: id
                        .is_none()
                        .then(|| base64::engine::general_purpose::STANDARD.encode(&r.message_id)),
                    host,
                    port: r.uri.as_ref().and_then(|u| u.port),
                };
                serde_json::to_vec(&json).map_err(|e| ItemError::new(0, e.to_string()))
            }
        }
    })
}

// ---------------------------------------------------------------------------
// request

struct Request<'a> {
    from: &'a str,
    host: &'a str,
    scheme: UriScheme,
    local_host: &'a str,
    call_id: Option<String>,
    tag: Option<String>,
    branch: Option<String>,
    ids: &'a [String],
}

/// 64 fresh bits: time, pid and a per-call counter through a randomly keyed hasher.
fn fresh(n: u64) -> u64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    RandomState::new().hash_one((now, std::process::id(), n))
}

fn request(req: Request<'_>) -> Result<ExitCode> {
    let call_id = req
        .call_id
        .unwrap_or_else(|| format!("{:016x}{:016x}", fresh(1), fresh(2)));
    let tag = req.tag.unwrap_or_else(|| format!("{:016x}", fresh(3)));
    let branch = req
        .branch
        .unwrap_or_else(|| format!("z9hG4bK{:016x}", fresh(4)));
    let ids: Vec<&[u8]> = req.ids.iter().map(|s| s.as_bytes()).collect();
    let msg = uri::retrieval_invite(&RetrievalRequest {
        from: req.from,
        store: req.host,
        scheme: scheme_of(req.scheme),
        local_host: req.local_host,
        call_id: &call_id,
        tag: &tag,
        branch: &branch,
        message_ids: &ids,
    })
    .map_err(|e| match e {
        uri::RequestError::Store(e) => anyhow!("--host: column {}: {}", e.offset + 1, e.message()),
        uri::RequestError::LocalHost(e) => {
            anyhow!("--local-host: column {}: {}", e.offset + 1, e.message())
        }
        uri::RequestError::From(e) => anyhow!("--from: column {}: {}", e.offset + 1, e.message()),
        other => anyhow!("{other}"),
    })?;
    emit(None, msg.as_bytes())?;
    Ok(ExitCode::from(EXIT_CLEAN))
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn visible_shows_controls() {
        assert_eq!(visible("a\0b\n\t\u{7f}é"), "a␀b␊␉␡é");
        assert_eq!(visible("a\\0"), "a\\0");
    }
}
