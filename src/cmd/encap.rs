//! `sipmsrp encap`: stored deferred messages into the CR's pushed MSRP SENDs.

use std::hash::{BuildHasher, Hasher};
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use sipmsrp::encap::{self, Collector, EncapError, Options, PagerForm, Position};
use sipmsrp::finding::LineIndex;

use crate::cli::EncapArgs;
use crate::cmd::{self, Input, Source};

/// A seed for generated ids: the clock, the process id and the standard
/// library's per-process random hasher keys.
fn seed() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    h.write_u128(now);
    h.write_u32(std::process::id());
    h.finish()
}

/// `file:line:column` (text) or `file: frame N` (capture).
fn locate(inputs: &[Input], pos: Position) -> String {
    match pos {
        Position::Text { input, offset } => {
            let i = &inputs[input];
            let (line, col) = LineIndex::new(&i.bytes).line_col(offset);
            format!("{}:{line}:{col}", i.name)
        }
        Position::Frame { input, frame: 0 } => inputs[input].name.clone(),
        Position::Frame { input, frame } => format!("{}: frame {frame}", inputs[input].name),
    }
}

fn describe(inputs: &[Input], e: &EncapError) -> anyhow::Error {
    match e.pos {
        Some(p) => anyhow!("{}: {}", locate(inputs, p), e.message),
        None => anyhow!("{}", e.message),
    }
}

pub fn run(args: EncapArgs) -> Result<ExitCode> {
    let date = match &args.date {
        Some(d) => Some(sipmsrp::date::normalize(d)?),
        None => None,
    };
    let opts = Options {
        pager_form: if args.sipfrag {
            PagerForm::Sipfrag
        } else {
            PagerForm::Sip
        },
        keep: args.keep.clone(),
        strip: args.strip.clone(),
        date,
        now: jiff::Timestamp::now(),
        to_path: args.to_path.clone(),
        from_path: args.from_path.clone(),
        transaction_id: args.transaction_id.clone(),
        message_id: args.message_id.clone(),
        boundary: args.boundary.clone(),
        chunk_size: args.chunk_size,
        seed: seed(),
        send_headers: Vec::new(),
    };
    opts.validate().map_err(|e| anyhow!("{}", e.message))?;
    let limits = args.limits.to_limits();
    let progress = cmd::Progress::auto(false);
    // Text inputs are kept (positions are reported as line:column); of a
    // capture, streamed, only the name (positions are frame numbers).
    let mut inputs: Vec<Input> = Vec::new();
    let mut collector = Collector::new(&limits);
    for source in cmd::open_inputs(&args.inputs, &progress)? {
        let i = inputs.len();
        match source? {
            Source::Text(t) => {
                let input = t.read_all(args.limits.max_input)?;
                encap::load_text(&mut collector, i, &input.bytes);
                inputs.push(input);
            }
            Source::Capture(c) => {
                inputs.push(Input {
                    name: c.name.clone(),
                    bytes: Vec::new(),
                });
                encap::load_capture(&mut collector, i, c.into_reader())
                    .map_err(|e| describe(&inputs, &e))?;
            }
        }
    }
    progress.clear();
    let collected = collector
        .finish(args.call_id.as_deref().map(str::as_bytes))
        .map_err(|e| describe(&inputs, &e))?;
    for w in &collected.warnings {
        eprintln!(
            "sipmsrp: warning: {}",
            super::visible(&describe(&inputs, w).to_string())
        );
    }
    let out = encap::encode(&collected.deferred, &opts).map_err(|e| describe(&inputs, &e))?;
    cmd::emit(args.output.as_deref(), &out)?;
    Ok(ExitCode::SUCCESS)
}
