//! `sipmsrp parse`: messages into a readable view or JSON.
//!
//! Output is written as messages are found: nothing is kept but what
//! `--reassemble` holds of MSRP messages still incomplete (`--format json`
//! too: `[`, then each element, then `]`).

use std::collections::BTreeSet;
use std::io::{self, BufWriter, Write};
use std::ops::Range;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use colored::Colorize;

use sipmsrp::body::{Body, BodyKind};
use sipmsrp::capture::{CaptureOptions, CapturedMessage, Event, Meta};
use sipmsrp::finding::{Finding, LineCursor, Severity, offset_in};
use sipmsrp::framing::{Frame, FrameOptions, Protocol};
use sipmsrp::header::Header;
use sipmsrp::limits::Limits;
use sipmsrp::lint;
use sipmsrp::message::{self, Message, Parsed};
use sipmsrp::msrp::MsrpKind;
use sipmsrp::sip::StartLine;
use sipmsrp::source::{TextItem, TextStream};

use super::json::Json;
use super::ordered;
use super::reassemble::{ChunkRec, Joined, Joiner, Offer, Pos};
use super::{CaptureInput, Progress, Source, TextInput, open_inputs, use_color};
use crate::cli::{ColorChoice, ParseArgs, ParseFormat, ProtocolFilter};

/// Version of the JSON output schema (docs/json-schema.md).
pub const SCHEMA_VERSION: u32 = 1;

/// Where a message or a finding is, for output.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'i> {
    pub file: &'i str,
    /// Where and when, for messages read from a capture.
    pub capture: Option<&'i Meta>,
    /// Byte offset in the original input (for captures: in the message).
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

impl<'i> Origin<'i> {
    fn at(file: &'i str, capture: Option<&'i Meta>, p: Pos) -> Self {
        Origin {
            file,
            capture,
            offset: p.offset,
            line: p.line,
            column: p.column,
        }
    }

    fn pos(&self) -> Pos {
        Pos {
            offset: self.offset,
            line: self.line,
            column: self.column,
        }
    }
}

/// A finding and where it is.
type Located<'i> = (Finding, Origin<'i>);

/// Renders messages in the chosen format.
struct Printer<W: Write> {
    out: W,
    format: ParseFormat,
    summary: bool,
    first_json: bool,
    /// The JSON text of the line being written, reused.
    json: Json,
    /// A `--summary` line being written, reused.
    line: Vec<u8>,
    /// A rendering thread's printer: JSON lines stay in `json`, each ended
    /// by its separator (`,\n` between array elements: see
    /// [`Printer::write_rendered`]), and are taken whole with the batch.
    accumulate: bool,
    /// The severities `--allow`, `--warn` and `--deny` ask for; None when
    /// none was given (every finding as the catalogue has it).
    levels: Option<Arc<lint::Config>>,
}

/// What one input gave: messages seen and the worst severity found.
type Tally = (usize, Option<Severity>);

impl Printer<Vec<u8>> {
    /// True when an accumulating printer's output is its JSON buffer (JSON
    /// lines), false when it is `out` (the human view, summary lines).
    fn output_is_json(&self) -> bool {
        self.accumulate && self.format != ParseFormat::Human && !self.summary
    }

    /// Append output rendered elsewhere (whole lines).
    fn append_output(&mut self, b: &[u8]) {
        if self.output_is_json() {
            self.json.end_line(b);
        } else {
            self.out.extend_from_slice(b);
        }
    }

    /// Take the output so far, leaving `spare` (emptied) in its place.
    fn take_output(&mut self, mut spare: Vec<u8>) -> Vec<u8> {
        if self.output_is_json() {
            self.json.take(spare)
        } else {
            spare.clear();
            std::mem::replace(&mut self.out, spare)
        }
    }
}

impl<W: Write> Printer<W> {
    fn new(out: W, args: &ParseArgs) -> Self {
        Printer {
            out,
            format: args.format,
            summary: args.summary,
            first_json: true,
            json: Json::new(),
            line: Vec::new(),
            accumulate: false,
            // Checked by `run` before any printer is made.
            levels: levels_of(args).ok().flatten(),
        }
    }

    /// The finding as the user's levels make it; None when allowed.
    fn leveled(&self, f: &Finding) -> Option<Finding> {
        let Some(levels) = &self.levels else {
            return Some(f.clone());
        };
        let severity = levels.severity(f.code, f.severity)?;
        Some(Finding {
            severity,
            ..f.clone()
        })
    }
}

pub fn run(args: ParseArgs, color: ColorChoice) -> Result<ExitCode> {
    colored::control::set_override(use_color(color));
    // An unknown code is a usage error before anything is read.
    levels_of(&args)?;
    let limits = args.limits.to_limits();
    let progress = Progress::auto(true);
    let sources = open_inputs(&args.inputs, &progress)?;
    let stdout = io::stdout().lock();
    let mut printer = Printer::new(BufWriter::with_capacity(64 * 1024, stdout), &args);
    if printer.format == ParseFormat::Json && !printer.summary {
        printer.out.write_all(b"[")?;
    }
    let mut messages = 0usize;
    let mut worst: Option<Severity> = None;
    let mut captures_without_messages = Vec::new();
    let mut names = Vec::new();
    for source in sources {
        let source = source?;
        names.push(source.name().to_string());
        let (n, w) = match source {
            Source::Text(input) => parse_text(input, &args, &limits, &mut printer, &progress)?,
            Source::Capture(c) => {
                let name = c.name.clone();
                let (n, w) = parse_capture(c, &args, &limits, &mut printer, &progress)?;
                if n == 0 {
                    captures_without_messages.push(name);
                }
                (n, w)
            }
        };
        messages += n;
        worst = worst.max(w);
    }
    if printer.format == ParseFormat::Json && !printer.summary {
        printer.out.write_all(b"]\n")?;
    }
    printer.out.flush()?;
    progress.clear();
    for name in &captures_without_messages {
        eprintln!(
            "sipmsrp: note: {}: no SIP or MSRP message found in the capture",
            super::visible(name)
        );
    }
    if messages == 0 && captures_without_messages.len() < names.len() {
        bail!("{}: no SIP or MSRP message found", names.join(", "));
    }
    // Exit 1 only for error-level findings, as lint: warnings and notes
    // (leniencies, skipped log lines) must not break `set -e` scripts.
    Ok(match worst {
        Some(Severity::Error) => ExitCode::from(super::EXIT_FINDINGS),
        _ => ExitCode::from(super::EXIT_CLEAN),
    })
}

fn worst_of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Option<Severity> {
    findings.into_iter().map(|f| f.severity).max()
}

/// The body of an MSRP message as a range of `buf` (empty when there is none).
fn msrp_body_range(buf: &[u8], p: &Parsed<'_>) -> std::ops::Range<usize> {
    match &p.message {
        Message::Msrp(n) => match n.msg.body {
            Some(b) if !b.is_empty() => {
                let s = offset_in(buf, b);
                s..s + b.len()
            }
            _ => 0..0,
        },
        Message::Sip(_) => 0..0,
    }
}

/// What `--reassemble` keeps of a chunk. `found` are the chunk's findings
/// (positioned); those inside `body` (a range of positions' offsets) are
/// left out.
fn chunk_rec(
    p: &Parsed<'_>,
    at: Pos,
    capture: Option<&Meta>,
    found: &[Located<'_>],
    body: std::ops::Range<usize>,
    body_start: Pos,
    indent: Vec<(usize, usize)>,
) -> ChunkRec {
    let (tid, range, flag) = match &p.message {
        Message::Msrp(n) => (
            n.msg.transaction_id.to_vec(),
            n.msg.byte_range(),
            n.msg.flag.unwrap_or(b'$'),
        ),
        Message::Sip(_) => (Vec::new(), None, b'$'),
    };
    ChunkRec {
        pos: at,
        capture: capture.cloned(),
        length: p.message.raw().len(),
        transaction_id: tid,
        range,
        flag,
        findings: found
            .iter()
            .filter(|(_, o)| body.is_empty() || !body.contains(&o.offset))
            .map(|(f, o)| (f.clone(), o.pos()))
            .collect(),
        body: body_start,
        indent,
    }
}

/// Threads that render messages (`--jobs`; default one per CPU, at most
/// eight: past a few the reading thread is the bound, and each thread holds
/// its batches).
fn workers(args: &ParseArgs) -> usize {
    args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
        usize::from,
    )
}

/// Bytes of messages per batch given to a rendering thread. Tests set
/// `SIPMSRP_BATCH_BYTES` to make small inputs span many batches.
fn batch_bytes() -> usize {
    std::env::var("SIPMSRP_BATCH_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256 * 1024)
        .max(1)
}

/// Whether an input is rendered on other threads: only files (a pipe's
/// messages are written as soon as they arrive, which batches would delay)
/// and not with `--reassemble` (joining chunks needs every message in turn).
fn in_parallel(args: &ParseArgs, is_file: bool) -> bool {
    is_file && !args.reassemble && workers(args) > 1
}

/// A batch for a rendering thread: items in input order, the bytes of
/// their messages in one buffer and the frame lists of captured messages in
/// another. Batches go back to the reading thread to be filled again, so
/// that nothing allocated on one thread is freed on another: such frees
/// contend in the allocator, which cost more than the rendering saved.
#[derive(Default)]
struct Batch {
    items: Vec<Item>,
    data: Vec<u8>,
    frames: Vec<u64>,
}

/// One item of a [`Batch`]; ranges are in its `data` (bytes) or `frames`.
enum Item {
    Captured {
        bytes: Range<usize>,
        /// Without its frame list, which is `frames`.
        meta: Meta,
        frames: Range<usize>,
        protocol: Protocol,
        truncated: bool,
        findings: Vec<Finding>,
    },
    CaptureFinding {
        frame: Option<u64>,
        frames: Vec<u64>,
        finding: Finding,
    },
    /// A text message from which no indentation was removed: positions
    /// inside it follow from `here`, where its first byte is.
    Text {
        bytes: Range<usize>,
        protocol: Protocol,
        truncated: bool,
        /// Framing findings, offsets in the message.
        findings: Vec<Finding>,
        here: Pos,
        /// Bytes it spans in the input.
        length: usize,
    },
    Junk {
        at: Pos,
        finding: Finding,
    },
    /// Output rendered on the reading thread (a message whose indentation
    /// was removed: its positions need the stream) and its worst severity.
    Rendered {
        bytes: Range<usize>,
        worst: Option<Severity>,
    },
}

impl Batch {
    /// What the batch weighs.
    fn weight(&self) -> usize {
        self.data.len() + 256 * self.items.len()
    }
}

/// The reading thread's end of [`render_in_parallel`]: fills a batch and
/// hands it over when it weighs enough.
struct Batcher<'p> {
    batch: Batch,
    budget: usize,
    /// Hands a full batch over and gives an empty one back.
    hand_over: &'p mut dyn FnMut(Batch) -> Result<Batch>,
}

impl Batcher<'_> {
    /// Copy message bytes into the batch; their range there.
    fn bytes(&mut self, b: &[u8]) -> Range<usize> {
        let data = &mut self.batch.data;
        let start = data.len();
        data.extend_from_slice(b);
        start..data.len()
    }

    fn add(&mut self, item: Item) -> Result<()> {
        self.batch.items.push(item);
        if self.batch.weight() >= self.budget {
            let full = std::mem::take(&mut self.batch);
            self.batch = (self.hand_over)(full)?;
        }
        Ok(())
    }

    /// A captured message: its bytes and frame list go into the batch's
    /// buffers (the message itself is freed here, on the thread that made it).
    fn captured(&mut self, m: CapturedMessage) -> Result<()> {
        let frames = &mut self.batch.frames;
        let start = frames.len();
        frames.extend_from_slice(&m.meta.frames);
        let frames = start..frames.len();
        let bytes = self.bytes(&m.bytes);
        let meta = Meta {
            frames: Vec::new(),
            ..m.meta
        };
        self.add(Item::Captured {
            bytes,
            meta,
            frames,
            protocol: m.protocol,
            truncated: m.truncated,
            findings: m.findings,
        })
    }
}

/// Where a text input's first byte is.
const FIRST: Pos = Pos {
    offset: 0,
    line: 1,
    column: 1,
};

/// What a rendering thread gives back: the output, its worst severity, and
/// the batch emptied.
type Rendered = (Vec<u8>, Option<Severity>, Batch);

/// Render one batch; the output is taken from `printer` (replaced by `spare`).
fn render_batch(
    printer: &mut Printer<Vec<u8>>,
    mut batch: Batch,
    file: &str,
    args: &ParseArgs,
    limits: &Limits,
    spare: Vec<u8>,
) -> Result<Rendered> {
    let mut worst = None;
    for item in batch.items.drain(..) {
        let w = match item {
            Item::Captured {
                bytes,
                mut meta,
                frames,
                protocol,
                truncated,
                findings,
            } => {
                meta.frames = batch.frames[frames].to_vec();
                let msg = Alone {
                    bytes: &batch.data[bytes],
                    protocol,
                    truncated,
                    findings,
                    capture: Some(&meta),
                    here: FIRST,
                    length: None,
                };
                print_alone(printer, file, msg, args, limits, None)?
            }
            Item::CaptureFinding {
                frame,
                frames,
                finding,
            } => printer.capture_finding(file, frame, &frames, &finding)?,
            Item::Text {
                bytes,
                protocol,
                truncated,
                findings,
                here,
                length,
            } => {
                let msg = Alone {
                    bytes: &batch.data[bytes],
                    protocol,
                    truncated,
                    findings,
                    capture: None,
                    here,
                    length: Some(length),
                };
                print_alone(printer, file, msg, args, limits, None)?
            }
            Item::Junk { at, finding } => printer.junk(&Origin::at(file, None, at), &finding)?,
            Item::Rendered { bytes, worst } => {
                printer.append_output(&batch.data[bytes]);
                worst
            }
        };
        worst = worst.max(w);
    }
    batch.data.clear();
    batch.frames.clear();
    Ok((printer.take_output(spare), worst, batch))
}

/// Output buffers handed back by the writer for the workers to fill again
/// (see [`Batch`]).
type Spare = std::sync::Mutex<Vec<Vec<u8>>>;

/// Render what `produce` adds on `workers(args)` threads and write it in
/// order; returns the message count `produce` gives and the worst severity.
fn render_in_parallel<W: Write>(
    printer: &mut Printer<W>,
    file: &str,
    args: &ParseArgs,
    limits: &Limits,
    produce: impl FnOnce(&mut Batcher<'_>) -> Result<usize>,
) -> Result<Tally> {
    let n = workers(args);
    let budget = batch_bytes();
    let mut worst = None;
    let spare_out = Spare::default();
    let spare_batches = std::cell::RefCell::new(Vec::<Batch>::new());
    // Batches out at once: enough to keep every worker busy; their weight
    // bounded too, so that batches of large messages (one each) do not
    // hold many of them at once.
    let count = ordered::run(
        n,
        4 * n,
        4 * n * budget,
        || {
            // JSON lines stay in the worker's buffer and go out with the
            // batch (see `Printer::write_rendered` for the separators).
            let mut p = Printer::new(Vec::new(), args);
            p.accumulate = true;
            p
        },
        |p, batch: Batch| {
            let spare = spare_out.lock().ok().and_then(|mut s| s.pop());
            render_batch(p, batch, file, args, limits, spare.unwrap_or_default())
        },
        |rendered: Result<Rendered>| {
            let (mut out, w, batch) = rendered?;
            worst = worst.max(w);
            printer.write_rendered(&out)?;
            // Buffers grown for a large message are not kept.
            if out.capacity() <= 4 * budget {
                out.clear();
                if let Ok(mut s) = spare_out.lock() {
                    s.push(out);
                }
            }
            if batch.data.capacity() <= 4 * budget {
                spare_batches.borrow_mut().push(batch);
            }
            Ok(())
        },
        |o| {
            let mut hand_over = |full: Batch| {
                let weight = full.weight();
                o.push(full, weight)?;
                Ok(spare_batches.borrow_mut().pop().unwrap_or_default())
            };
            let mut b = Batcher {
                batch: Batch::default(),
                budget,
                hand_over: &mut hand_over,
            };
            let count = produce(&mut b);
            // What was read before an input error is written before it.
            if !b.batch.items.is_empty() {
                let pushed = (b.hand_over)(std::mem::take(&mut b.batch));
                if count.is_ok() {
                    pushed?;
                }
            }
            count
        },
    )?;
    Ok((count, worst))
}

/// A message held alone in its own bytes, and where it came from.
struct Alone<'a> {
    bytes: &'a [u8],
    protocol: Protocol,
    truncated: bool,
    /// Framing findings, offsets in `bytes`.
    findings: Vec<Finding>,
    capture: Option<&'a Meta>,
    /// Where its first byte is in the input ([`FIRST`] for a capture:
    /// positions are inside the message there).
    here: Pos,
    /// Bytes it spans in the input, when not its own length.
    length: Option<usize>,
}

/// Parse and print a message held alone; with a joiner, its chunks are
/// held for `--reassemble`. Returns the worst severity printed.
fn print_alone<W: Write>(
    printer: &mut Printer<W>,
    file: &str,
    m: Alone<'_>,
    args: &ParseArgs,
    limits: &Limits,
    joiner: Option<&mut Joiner>,
) -> Result<Option<Severity>> {
    let mut parsed = message::parse_one(m.bytes, m.protocol, m.truncated, m.findings, limits);
    if !selected(&parsed, args) {
        return Ok(None);
    }
    let index = LineCursor::new(m.bytes);
    let here = m.here;
    let origin = |o: usize| {
        let (line, column) = index.line_col(o);
        Origin {
            file,
            capture: m.capture,
            offset: here.offset + o,
            line: here.line + line - 1,
            column: if line == 1 {
                here.column + column - 1
            } else {
                column
            },
        }
    };
    let found: Vec<Located<'_>> = parsed
        .findings
        .drain(..)
        .map(|f| {
            let o = origin(f.offset);
            (f, o)
        })
        .collect();
    let at = origin(0);
    let Some(j) = joiner else {
        return print_found(
            printer,
            Ready {
                at,
                length: m.length,
                parsed: &parsed,
                found,
            },
        );
    };
    let body = msrp_body_range(m.bytes, &parsed);
    let body_pos = origin(body.start).pos();
    let offer = j.offer(&parsed, || {
        chunk_rec(
            &parsed,
            at.pos(),
            m.capture,
            &found,
            body,
            body_pos,
            Vec::new(),
        )
    });
    let ready = Ready {
        at,
        length: m.length,
        parsed: &parsed,
        found,
    };
    offered(printer, file, limits, offer, ready)
}

/// The severities asked for with `--allow`, `--warn` and `--deny`, if any.
fn levels_of(args: &ParseArgs) -> Result<Option<Arc<lint::Config>>> {
    if args.levels.allow.is_empty() && args.levels.warn.is_empty() && args.levels.deny.is_empty() {
        return Ok(None);
    }
    let cfg = super::lint::levels(&args.levels)?;
    Ok(Some(Arc::new(cfg)))
}

/// The finding of a run of text that is not a message.
fn junk_finding(at: Pos, len: usize, message_like: bool) -> Finding {
    sipmsrp::framing::junk_finding(at.offset, len, message_like)
}

/// Parse and print the text message `frame` of `stream`'s window, with
/// positions from the stream (indentation removed or not).
fn print_text_message<W: Write, R: io::Read>(
    printer: &mut Printer<W>,
    stream: &mut TextStream<R>,
    frame: &Frame,
    file: &str,
    args: &ParseArgs,
    limits: &Limits,
    joiner: Option<&mut Joiner>,
) -> Result<Option<Severity>> {
    let at = |p: Pos| Origin::at(file, None, p);
    // Leniency findings of the dedent belong to the message they begin.
    let mine = stream.leniency(frame.start, frame.end);
    let buf = stream.window();
    let mut parsed = message::parse_frame(buf, frame, limits);
    if !selected(&parsed, args) {
        return Ok(None);
    }
    let mut found: Vec<Located<'_>> = mine.into_iter().map(|(f, p)| (f, at(p))).collect();
    found.extend(parsed.findings.drain(..).map(|f| {
        let o = at(stream.position(f.offset));
        (f, o)
    }));
    let here = at(stream.position(frame.start));
    let length = Some(stream.original_len(frame.start, frame.end));
    let Some(j) = joiner else {
        return print_found(
            printer,
            Ready {
                at: here,
                length,
                parsed: &parsed,
                found,
            },
        );
    };
    let body = msrp_body_range(buf, &parsed);
    let (orig_body, body_at, indent) = if body.is_empty() {
        (0..0, here.pos(), Vec::new())
    } else {
        let first = stream.position(body.start);
        let last = stream.position(body.end - 1);
        let indent = stream.removed(body.start, body.end);
        (first.offset..last.offset + 1, first, indent)
    };
    let offer = j.offer(&parsed, || {
        chunk_rec(
            &parsed,
            here.pos(),
            None,
            &found,
            orig_body,
            body_at,
            indent,
        )
    });
    let ready = Ready {
        at: here,
        length,
        parsed: &parsed,
        found,
    };
    offered(printer, file, limits, offer, ready)
}

/// A parsed message ready to print: where it is, the bytes it spans in the
/// input (None: its own length) and its findings, positioned.
struct Ready<'i, 'p> {
    at: Origin<'i>,
    length: Option<usize>,
    parsed: &'p Parsed<'p>,
    found: Vec<Located<'i>>,
}

/// Print a message with its findings; returns their worst severity.
fn print_found<W: Write>(printer: &mut Printer<W>, r: Ready<'_, '_>) -> Result<Option<Severity>> {
    printer.message(&r.at, r.length, r.parsed, &r.found, None)
}

/// Act on what `--reassemble` made of a message offered to it: print it as
/// it is, hold it, or print the message it completed.
fn offered<W: Write>(
    printer: &mut Printer<W>,
    file: &str,
    limits: &Limits,
    offer: Offer,
    mut r: Ready<'_, '_>,
) -> Result<Option<Severity>> {
    match offer {
        Offer::No => {}
        Offer::Alone(f) => r.found.push((f, r.at)),
        Offer::Held => return Ok(None),
        Offer::Done(joined) => return print_joined(printer, &joined, file, limits),
    }
    print_found(printer, r)
}

/// Frame and print one text input as it is read.
fn parse_text<W: Write>(
    input: TextInput,
    args: &ParseArgs,
    limits: &Limits,
    printer: &mut Printer<W>,
    progress: &Progress,
) -> Result<Tally> {
    let opts = FrameOptions {
        max_message: limits.max_message,
        datagram: false,
        text: true,
    };
    let parallel = in_parallel(args, input.is_file());
    let (file, mut stream) = input.stream(opts);
    let file = file.as_str();
    if parallel {
        return render_in_parallel(printer, file, args, limits, |b| {
            let mut scratch = Printer::new(Vec::new(), args);
            scratch.accumulate = true;
            let mut count = 0;
            // A file's reads do not wait: nothing to flush before them.
            while let Some(item) = stream
                .next(&mut || Ok(()))
                .with_context(|| format!("{file}: cannot read"))?
            {
                match item {
                    TextItem::Junk {
                        at,
                        len,
                        message_like,
                    } => b.add(Item::Junk {
                        at,
                        finding: junk_finding(at, len, message_like),
                    })?,
                    TextItem::Message(frame) => {
                        count += 1;
                        progress.message();
                        if stream.is_plain(frame.start, frame.end) {
                            // No line of it was dedented, so no leniency
                            // finding is its own; older ones are dropped.
                            let mine = stream.leniency(frame.start, frame.end);
                            debug_assert!(mine.is_empty());
                            let here = stream.position(frame.start);
                            let length = stream.original_len(frame.start, frame.end);
                            let findings = frame
                                .findings
                                .into_iter()
                                .map(|mut f| {
                                    f.offset = f.offset.saturating_sub(frame.start);
                                    f
                                })
                                .collect();
                            let bytes = b.bytes(&stream.window()[frame.start..frame.end]);
                            b.add(Item::Text {
                                bytes,
                                protocol: frame.protocol,
                                truncated: frame.truncated,
                                findings,
                                here,
                                length,
                            })?;
                        } else {
                            let w = print_text_message(
                                &mut scratch,
                                &mut stream,
                                &frame,
                                file,
                                args,
                                limits,
                                None,
                            )?;
                            let out = scratch.take_output(Vec::new());
                            let bytes = b.bytes(&out);
                            b.add(Item::Rendered { bytes, worst: w })?;
                        }
                    }
                }
            }
            Ok(count)
        });
    }
    let mut count = 0;
    let mut worst = None;
    let mut joiner = args.reassemble.then(|| Joiner::new(limits));
    loop {
        // Output so far goes out before a read that may wait (a pipe). A
        // failed flush is a write error, not the input's: kept apart.
        let mut flush_failed = None;
        let item = stream.next(&mut || {
            printer.out.flush().map_err(|e| {
                let kind = e.kind();
                flush_failed = Some(e);
                io::Error::from(kind)
            })
        });
        if let Some(e) = flush_failed {
            return Err(anyhow::Error::new(e).context("cannot write the output"));
        }
        let item = item.with_context(|| format!("{file}: cannot read"))?;
        let Some(item) = item else { break };
        match item {
            TextItem::Junk {
                at: p,
                len,
                message_like,
            } => {
                let f = junk_finding(p, len, message_like);
                worst = worst.max(printer.junk(&Origin::at(file, None, p), &f)?);
            }
            TextItem::Message(frame) => {
                count += 1;
                progress.message();
                let w = print_text_message(
                    printer,
                    &mut stream,
                    &frame,
                    file,
                    args,
                    limits,
                    joiner.as_mut(),
                )?;
                worst = worst.max(w);
                if let Some(j) = joiner.as_mut() {
                    for joined in j.take_flushed() {
                        worst = worst.max(print_joined(printer, &joined, file, limits)?);
                    }
                }
            }
        }
    }
    if let Some(j) = joiner {
        for joined in j.finish() {
            worst = worst.max(print_joined(printer, &joined, file, limits)?);
        }
    }
    Ok((count, worst))
}

/// Read one pcap/pcapng input, streaming, and print its messages. Positions
/// of findings are inside the message; the frame number says where it is.
fn parse_capture<W: Write>(
    input: CaptureInput,
    args: &ParseArgs,
    limits: &Limits,
    printer: &mut Printer<W>,
    progress: &Progress,
) -> Result<Tally> {
    let opts = CaptureOptions {
        limits: limits.clone(),
        force_ports: args.port.clone(),
    };
    let name = input.name.clone();
    let file = name.as_str();
    let parallel = in_parallel(args, input.is_file());
    let reader = input.events(opts)?;
    if parallel {
        return render_in_parallel(printer, file, args, limits, |b| {
            let mut count = 0;
            for event in reader {
                match event.map_err(|e| anyhow::anyhow!("{file}: {e}"))? {
                    Event::Finding {
                        frame,
                        frames,
                        finding,
                    } => b.add(Item::CaptureFinding {
                        frame,
                        frames,
                        finding,
                    })?,
                    Event::Message(m) => {
                        count += 1;
                        progress.message();
                        b.captured(m)?;
                    }
                }
            }
            Ok(count)
        });
    }
    let mut count = 0;
    let mut worst = None;
    let mut joiner = args.reassemble.then(|| Joiner::new(limits));
    for event in reader {
        match event.map_err(|e| anyhow::anyhow!("{file}: {e}"))? {
            Event::Finding {
                frame,
                frames,
                finding,
            } => {
                worst = worst.max(printer.capture_finding(file, frame, &frames, &finding)?);
            }
            Event::Message(m) => {
                count += 1;
                progress.message();
                let msg = Alone {
                    bytes: &m.bytes,
                    protocol: m.protocol,
                    truncated: m.truncated,
                    findings: m.findings.clone(),
                    capture: Some(&m.meta),
                    here: FIRST,
                    length: None,
                };
                let w = print_alone(printer, file, msg, args, limits, joiner.as_mut())?;
                worst = worst.max(w);
                if let Some(j) = joiner.as_mut() {
                    for joined in j.take_flushed() {
                        worst = worst.max(print_joined(printer, &joined, file, limits)?);
                    }
                }
            }
        }
    }
    if let Some(j) = joiner {
        for joined in j.finish() {
            worst = worst.max(print_joined(printer, &joined, file, limits)?);
        }
    }
    Ok((count, worst))
}

/// The capture facts of a joined message: completed by the latest of its
/// chunks' frames, from all of them.
fn joined_meta(j: &Joined) -> Option<Meta> {
    let last = j
        .chunks
        .iter()
        .filter_map(|c| c.capture.as_ref())
        .max_by_key(|m| m.frame)?;
    let frames: BTreeSet<u64> = j
        .chunks
        .iter()
        .filter_map(|c| c.capture.as_ref())
        .flat_map(|m| m.frames.iter().copied())
        .collect();
    let first = j.chunks.first().and_then(|c| c.capture.as_ref())?;
    Some(Meta {
        frame: last.frame,
        frames: frames.into_iter().collect(),
        ts_secs: last.ts_secs,
        ts_nanos: last.ts_nanos,
        src: first.src,
        dst: first.dst,
        transport: first.transport,
    })
}

/// Print a joined MSRP message; returns the worst severity of its findings.
fn print_joined<W: Write>(
    printer: &mut Printer<W>,
    j: &Joined,
    file: &str,
    limits: &Limits,
) -> Result<Option<Severity>> {
    let parsed = message::parse_one(&j.raw, Protocol::Msrp, false, Vec::new(), limits);
    let meta = joined_meta(j);
    let first = j.chunks.first();
    let at = Origin::at(
        file,
        meta.as_ref(),
        first.map(|c| c.pos).unwrap_or_default(),
    );
    let mut found: Vec<Located<'_>> = Vec::new();
    // Each chunk's own findings (start line, headers, framing).
    for c in &j.chunks {
        for (f, p) in &c.findings {
            found.push((f.clone(), Origin::at(file, c.capture.as_ref(), *p)));
        }
    }
    // Reassembly findings, at the chunk they are about.
    for f in &j.message.findings {
        let o = match j.by_id.get(&f.offset) {
            Some(c) => Origin::at(file, c.capture.as_ref(), c.pos),
            None => at,
        };
        found.push((f.clone(), o));
    }
    // Findings of the joined body, at the chunk that holds the byte.
    let body_len = j.message.body.len();
    for f in &parsed.findings {
        if body_len == 0 || f.offset < j.body_at || f.offset > j.body_at + body_len {
            continue;
        }
        let b = (f.offset - j.body_at).min(body_len - 1);
        let Some((c, delta)) = j.chunk_of(b) else {
            continue;
        };
        let p = j.in_message(c, b - delta, delta);
        found.push((f.clone(), Origin::at(file, c.capture.as_ref(), p)));
    }
    printer.message(&at, None, &parsed, &found, Some(j))
}

/// RFC 3339 UTC timestamp of a capture time.
fn rfc3339(secs: i64, nanos: u32) -> String {
    let mut buf = Vec::with_capacity(32);
    super::json::push_rfc3339(&mut buf, secs, nanos);
    String::from_utf8(buf).unwrap_or_default()
}

fn capture_json(j: &mut Json, m: &Meta) {
    j.begin_object()
        .key("frame")
        .num(m.frame)
        .key("frames")
        .begin_array();
    for &f in &m.frames {
        j.num(f);
    }
    j.end_array()
        .key("timestamp")
        .rfc3339(m.ts_secs, m.ts_nanos)
        .key("src")
        .socket_addr(m.src)
        .key("dst")
        .socket_addr(m.dst)
        .key("transport")
        .str(m.transport.as_str())
        .end_object();
}

fn selected(p: &Parsed<'_>, args: &ParseArgs) -> bool {
    if let Some(proto) = args.protocol {
        let want = match proto {
            ProtocolFilter::Sip => Protocol::Sip,
            ProtocolFilter::Msrp => Protocol::Msrp,
        };
        if p.message.protocol() != want {
            return false;
        }
    }
    if !args.method.is_empty() {
        let method: Option<&[u8]> = match &p.message {
            Message::Sip(n) => n.msg.method().or_else(|| n.msg.cseq().map(|c| c.method)),
            Message::Msrp(n) => n.msg.method(),
        };
        if !method.is_some_and(|m| args.method.iter().any(|w| w.as_bytes() == m)) {
            return false;
        }
    }
    if !args.call_id.is_empty() {
        let id = p.message.correlation_id();
        if !id.is_some_and(|m| args.call_id.iter().any(|w| w.as_bytes() == m)) {
            return false;
        }
    }
    true
}

/// Input bytes as text for the human and summary views: invalid UTF-8
/// replaced, control characters shown as pictures ([`super::visible`]).
fn lossy(b: &[u8]) -> String {
    super::visible_bytes(b)
}

/// `b` as text, as [`lossy`] gives it, appended.
fn push_lossy(out: &mut Vec<u8>, b: &[u8]) {
    if b.is_ascii() && !b.iter().any(|&c| c < 0x20 || c == 0x7f) {
        out.extend_from_slice(b);
    } else {
        out.extend_from_slice(lossy(b).as_bytes());
    }
}

/// `file`, `offset`, `line`, `column` of a position, inside an open object.
fn position_fields(j: &mut Json, o: &Origin<'_>) {
    j.key("file")
        .str(o.file)
        .key("offset")
        .num(o.offset as u64)
        .key("line")
        .num(o.line as u64)
        .key("column")
        .num(o.column as u64);
}

fn source_json(j: &mut Json, o: &Origin<'_>, length: usize) {
    j.begin_object();
    position_fields(j, o);
    j.key("length").num(length as u64);
    if let Some(c) = o.capture {
        j.key("capture");
        capture_json(j, c);
    }
    j.end_object();
}

fn byte_range_json(j: &mut Json, br: &sipmsrp::msrp::ByteRange) {
    j.begin_object()
        .key("start")
        .num(br.start)
        .key("end")
        .opt_num(br.end)
        .key("total")
        .opt_num(br.total)
        .end_object();
}

fn flag_str(f: u8) -> String {
    (f as char).to_string()
}

/// The `reassembled` object of a joined message.
fn reassembled_json(j: &mut Json, joined: &Joined, file: &str) {
    let r = &joined.message;
    j.begin_object().key("chunks").begin_array();
    for (c, p) in joined.chunks.iter().zip(&r.pieces) {
        j.begin_object()
            .bytes_field("transaction_id", &c.transaction_id);
        j.key("byte_range");
        match &c.range {
            Some(br) => byte_range_json(j, br),
            None => {
                j.null();
            }
        }
        j.key("flag")
            .str(&flag_str(c.flag))
            .key("start")
            .num(p.start)
            .key("length")
            .num(p.len)
            .key("source");
        source_json(j, &Origin::at(file, c.capture.as_ref(), c.pos), c.length);
        j.end_object();
    }
    j.end_array()
        .key("received")
        .num(r.chunks as u64)
        .key("total")
        .opt_num(r.total)
        .key("complete")
        .bool(r.complete)
        .key("aborted")
        .bool(r.aborted)
        .end_object();
}

/// The chunk lines of a joined message in the human view.
fn reassembled_human(j: &Joined, file: &str) -> Vec<String> {
    let r = &j.message;
    let mut out = vec![format!(
        "  {}",
        format!(
            "chunks ({} received, {} bytes joined{}):",
            r.chunks,
            r.body.len(),
            r.total
                .map_or_else(|| ", total unknown".to_string(), |t| format!(" of {t}"))
        )
        .bold()
    )];
    for (c, p) in j.chunks.iter().zip(&r.pieces) {
        let range = match c.range {
            Some(br) => format!(
                "{}-{}/{}",
                br.start,
                br.end.map_or("*".into(), |e| e.to_string()),
                br.total.map_or("*".into(), |t| t.to_string())
            ),
            None => "(no Byte-Range)".into(),
        };
        let place = match &c.capture {
            Some(m) => format!("{file} frame {}", m.frame),
            None => format!("{file}:{}:{}", c.pos.line, c.pos.column),
        };
        out.push(format!(
            "    {} {} {} bytes from byte {}  {}  {}",
            range,
            flag_str(c.flag),
            p.len,
            p.start,
            lossy(&c.transaction_id),
            place.dimmed()
        ));
    }
    out
}

impl<W: Write> Printer<W> {
    /// Write output rendered by an accumulating printer. Its JSON array
    /// elements each end with `,\n`: the last one's is left off here and
    /// written before the next element, if one comes.
    fn write_rendered(&mut self, out: &[u8]) -> io::Result<()> {
        if out.is_empty() {
            return Ok(());
        }
        if self.format == ParseFormat::Json && !self.summary {
            if !self.first_json {
                self.out.write_all(b",\n")?;
            }
            self.first_json = false;
            return self.out.write_all(out.strip_suffix(b",\n").unwrap_or(out));
        }
        self.out.write_all(out)
    }

    /// Write the JSON text in `self.json` as one line (or array element).
    fn json_line(&mut self) -> io::Result<()> {
        if self.accumulate {
            let sep: &[u8] = match self.format {
                ParseFormat::Json => b",\n",
                _ => b"\n",
            };
            self.json.end_line(sep);
            return Ok(());
        }
        match self.format {
            ParseFormat::Json => {
                if !self.first_json {
                    self.out.write_all(b",\n")?;
                }
                self.first_json = false;
                self.out.write_all(self.json.as_bytes())?;
            }
            _ => {
                self.out.write_all(self.json.as_bytes())?;
                self.out.write_all(b"\n")?;
            }
        }
        self.json.clear();
        Ok(())
    }

    /// A capture-level finding: its offset is the capture file offset of
    /// the record of `frame`.
    fn capture_finding(
        &mut self,
        file: &str,
        frame: Option<u64>,
        frames: &[u64],
        f: &Finding,
    ) -> Result<Option<Severity>> {
        let Some(f) = self.leveled(f) else {
            return Ok(None);
        };
        let f = &f;
        if self.summary {
            writeln!(
                self.out,
                "{}\tfinding\t{}[{}]: {}",
                frame.map_or("-".to_string(), |n| n.to_string()),
                f.severity,
                f.code,
                super::visible(&f.message)
            )?;
            return Ok(Some(f.severity));
        }
        match self.format {
            ParseFormat::Human => writeln!(
                self.out,
                "{} {}{}: {}[{}]: {}",
                "──".dimmed(),
                super::visible(file),
                frame.map_or(String::new(), |n| format!(" frame {n} (byte {})", f.offset)),
                f.severity,
                f.code,
                super::visible(&f.message)
            )?,
            _ => {
                let j = &mut self.json;
                j.begin_object()
                    .key("type")
                    .str("finding")
                    .key("schema_version")
                    .num(SCHEMA_VERSION)
                    .key("code")
                    .str(f.code)
                    .key("severity")
                    .str(f.severity.as_str())
                    .key("message")
                    .str(&f.message)
                    .key("file")
                    .str(file)
                    .key("offset")
                    .num(f.offset as u64)
                    .key("frame")
                    .opt_num(frame)
                    .key("frames")
                    .begin_array();
                for &n in frames {
                    j.num(n);
                }
                j.end_array().end_object();
                self.json_line()?;
            }
        }
        Ok(Some(f.severity))
    }

    fn junk(&mut self, at: &Origin<'_>, f: &Finding) -> Result<Option<Severity>> {
        let Some(f) = self.leveled(f) else {
            return Ok(None);
        };
        let f = &f;
        if self.summary {
            writeln!(
                self.out,
                "{}:{}:{}\tjunk\t{} bytes skipped",
                super::visible(at.file),
                at.line,
                at.column,
                f.len
            )?;
            return Ok(Some(f.severity));
        }
        match self.format {
            ParseFormat::Human => {
                writeln!(
                    self.out,
                    "{} {}:{}:{} {}",
                    "──".dimmed(),
                    super::visible(at.file),
                    at.line,
                    at.column,
                    format!("junk: {}", super::visible(&f.message)).yellow()
                )?;
            }
            _ => {
                let j = &mut self.json;
                j.begin_object()
                    .key("type")
                    .str("junk")
                    .key("schema_version")
                    .num(SCHEMA_VERSION)
                    .key("source");
                source_json(
                    j,
                    &Origin {
                        capture: None,
                        ..*at
                    },
                    f.len,
                );
                j.key("findings").begin_array();
                finding_json(j, f, at);
                j.end_array().end_object();
                self.json_line()?;
            }
        }
        Ok(Some(f.severity))
    }

    /// One message; `joined` when it was put together from chunks.
    /// `length`: the bytes the message spans in the original input from
    /// `at.offset` (more than the message when pasted indentation was
    /// removed); None: the message's own length.
    fn message(
        &mut self,
        at: &Origin<'_>,
        length: Option<usize>,
        p: &Parsed<'_>,
        findings: &[Located<'_>],
        joined: Option<&Joined>,
    ) -> Result<Option<Severity>> {
        let leveled: Vec<Located<'_>>;
        let findings = if self.levels.is_some() {
            leveled = findings
                .iter()
                .filter_map(|(f, o)| self.leveled(f).map(|f| (f, *o)))
                .collect();
            &leveled[..]
        } else {
            findings
        };
        let worst = worst_of(findings.iter().map(|(f, _)| f));
        if self.summary {
            // Composed by hand in a reused buffer: through `writeln!` the
            // line cost as much as parsing the message.
            let l = &mut self.line;
            l.clear();
            match at.capture {
                Some(c) => {
                    super::json::push_digits(l, c.frame);
                    l.push(b'\t');
                    super::json::push_rfc3339(l, c.ts_secs, c.ts_nanos);
                    l.push(b'\t');
                    super::json::push_socket_addr(l, c.src);
                    l.extend_from_slice(" → ".as_bytes());
                    super::json::push_socket_addr(l, c.dst);
                }
                None => {
                    l.extend_from_slice(super::visible(at.file).as_bytes());
                    for n in [at.line, at.column] {
                        l.push(b':');
                        super::json::push_digits(l, n as u64);
                    }
                }
            }
            l.push(b'\t');
            l.extend_from_slice(p.message.protocol().as_str().as_bytes());
            l.push(b'\t');
            push_lossy(l, p.message.start_line());
            l.push(b'\t');
            match p.message.correlation_id() {
                Some(id) => push_lossy(l, id),
                None => l.push(b'-'),
            }
            l.push(b'\n');
            self.out.write_all(l)?;
            return Ok(worst);
        }
        match self.format {
            ParseFormat::Human => self.human(at, p, findings, joined)?,
            _ => {
                let length = match joined.and_then(|j| j.chunks.first()) {
                    Some(c) => c.length,
                    None => length.unwrap_or(p.message.raw().len()),
                };
                let j = &mut self.json;
                j.begin_object()
                    .key("type")
                    .str("message")
                    .key("schema_version")
                    .num(SCHEMA_VERSION);
                message_fields(j, &p.message);
                j.key("source");
                source_json(j, at, length);
                j.key("truncated").bool(p.truncated);
                if let Some(joined) = joined {
                    j.key("reassembled");
                    reassembled_json(j, joined, at.file);
                }
                j.key("findings").begin_array();
                for (f, o) in findings {
                    finding_json(j, f, o);
                }
                j.end_array().end_object();
                self.json_line()?;
            }
        }
        Ok(worst)
    }

    fn human(
        &mut self,
        at: &Origin<'_>,
        p: &Parsed<'_>,
        findings: &[Located<'_>],
        joined: Option<&Joined>,
    ) -> Result<()> {
        let proto = p.message.protocol().as_str().to_uppercase();
        let mut title = format!(
            "{} {}:{}:{}  {} bytes",
            proto,
            at.file,
            at.line,
            at.column,
            p.message.raw().len()
        );
        if let Some(c) = at.capture {
            title = format!(
                "{} {} frame {}  {}  {} → {} {}  {} bytes",
                proto,
                at.file,
                c.frame,
                rfc3339(c.ts_secs, c.ts_nanos),
                c.src,
                c.dst,
                c.transport,
                p.message.raw().len()
            );
        }
        if let Some(j) = joined {
            let r = &j.message;
            let state = if r.aborted {
                "aborted"
            } else if r.complete {
                "complete"
            } else {
                "incomplete"
            };
            title.push_str(&format!(
                "  reassembled from {} chunk{} ({state})",
                r.chunks,
                if r.chunks == 1 { "" } else { "s" }
            ));
        }
        if p.truncated {
            title.push_str("  (truncated)");
        }
        writeln!(
            self.out,
            "{} {}",
            "──".dimmed(),
            super::visible(&title).bold()
        )?;
        let mut lines = Vec::new();
        render_message(&p.message_view(), 0, &mut lines);
        if let Some(j) = joined {
            lines.extend(reassembled_human(j, at.file));
        }
        for l in lines {
            writeln!(self.out, "{l}")?;
        }
        if !findings.is_empty() {
            writeln!(self.out, "  {}", "findings:".bold())?;
            for (f, o) in findings {
                let sev = match f.severity {
                    Severity::Error => "error".red().bold(),
                    Severity::Warning => "warning".yellow().bold(),
                    Severity::Note => "note".cyan().bold(),
                };
                let path = if f.path.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", f.path)
                };
                let frame = match o.capture {
                    Some(c) if joined.is_some() => format!(" (frame {})", c.frame),
                    _ => String::new(),
                };
                writeln!(
                    self.out,
                    "    {}:{}:{}: {}[{}]: {}{}{}",
                    super::visible(o.file),
                    o.line,
                    o.column,
                    sev,
                    f.code,
                    super::visible(&f.message),
                    super::visible(&path),
                    frame
                )?;
            }
        }
        writeln!(self.out)?;
        Ok(())
    }
}

fn finding_json(j: &mut Json, f: &Finding, o: &Origin<'_>) {
    j.begin_object()
        .key("frame")
        .opt_num(o.capture.map(|c| c.frame))
        .key("code")
        .str(f.code)
        .key("severity")
        .str(f.severity.as_str())
        .key("message")
        .str(&f.message);
    position_fields(j, o);
    j.key("path").str(&f.path).end_object();
}

/// A borrowed view to render (top-level message or nested).
enum View<'p, 'a> {
    Sip(&'p sipmsrp::body::SipNode<'a>),
    Msrp(&'p sipmsrp::body::MsrpNode<'a>),
}

trait MessageView {
    fn message_view(&self) -> View<'_, '_>;
}

impl<'a> MessageView for Parsed<'a> {
    fn message_view(&self) -> View<'_, '_> {
        match &self.message {
            Message::Sip(n) => View::Sip(n),
            Message::Msrp(n) => View::Msrp(n),
        }
    }
}

fn pad(depth: usize) -> String {
    "  ".repeat(depth + 1)
}

fn render_headers(headers: &[Header<'_>], depth: usize, out: &mut Vec<String>) {
    for h in headers {
        let name = lossy(h.name);
        let shown = if h.compact || name != h.canonical {
            format!(
                "{} {}",
                format!("{name}:").cyan(),
                format!("[{}]", h.canonical).dimmed()
            )
        } else {
            format!("{}", format!("{name}:").cyan())
        };
        out.push(format!("{}{} {}", pad(depth), shown, lossy(&h.unfolded())));
    }
}

fn render_message(v: &View<'_, '_>, depth: usize, out: &mut Vec<String>) {
    match v {
        View::Sip(n) => {
            match n.msg.start_line {
                Some(l) => out.push(format!("{}{}", pad(depth), lossy(l).bold())),
                None => out.push(format!(
                    "{}{}",
                    pad(depth),
                    "(sipfrag without start line)".dimmed()
                )),
            }
            render_headers(&n.msg.headers, depth, out);
            render_body(&n.body, depth, out);
        }
        View::Msrp(n) => {
            out.push(format!("{}{}", pad(depth), lossy(n.msg.start_line).bold()));
            render_headers(&n.msg.headers, depth, out);
            render_body(&n.body, depth, out);
            if let Some(e) = n.msg.end_line {
                out.push(format!("{}{}", pad(depth), lossy(e).dimmed()));
            }
        }
    }
}

fn render_body(b: &Body<'_>, depth: usize, out: &mut Vec<String>) {
    if b.raw.is_empty() {
        return;
    }
    let ct = b
        .media
        .as_ref()
        .map(|m| m.essence())
        .unwrap_or_else(|| "no Content-Type".into());
    out.push(format!(
        "{}{}",
        pad(depth),
        format!("body: {ct}, {} bytes", b.raw.len()).dimmed()
    ));
    match &b.kind {
        BodyKind::Empty => {}
        BodyKind::Leaf => match std::str::from_utf8(b.raw) {
            Ok(s) => {
                for l in s.lines().take(200) {
                    out.push(format!("{}{}", pad(depth + 1), super::visible(l)));
                }
            }
            Err(_) => out.push(format!(
                "{}{}",
                pad(depth + 1),
                "(binary; see --format jsonl for base64)".dimmed()
            )),
        },
        BodyKind::Multipart(m) => {
            for (i, part) in m.parts.iter().enumerate() {
                out.push(format!(
                    "{}{}",
                    pad(depth + 1),
                    format!("── part {}", i + 1).magenta()
                ));
                render_headers(&part.headers, depth + 1, out);
                render_body(&part.body, depth + 1, out);
            }
        }
        BodyKind::Sip(n) => render_message(&View::Sip(n), depth + 1, out),
        BodyKind::Msrp(n) => render_message(&View::Msrp(n), depth + 1, out),
    }
}

fn headers_json(j: &mut Json, headers: &[Header<'_>]) {
    j.begin_array();
    for h in headers {
        j.begin_object();
        if h.known() && h.name == h.canonical.as_bytes() {
            // Spelled as its canonical name: members that depend on the
            // name alone.
            j.cached_members(h.canonical, |t| {
                t.token_field("name", h.name)
                    .key("canonical")
                    .token_str(h.canonical);
            });
        } else {
            j.token_field("name", h.name)
                .key("canonical")
                .token_str(h.canonical);
        }
        j.bytes_field("value", &h.unfolded());
        if h.compact {
            j.key("compact").bool(true);
        }
        j.end_object();
    }
    j.end_array();
}

/// The fields of a message object, after `type` and `schema_version`.
fn message_fields(j: &mut Json, m: &Message<'_>) {
    match m {
        Message::Sip(n) => sip_fields(j, n),
        Message::Msrp(n) => msrp_fields(j, n),
    }
}

fn status_json(j: &mut Json, code: Option<u16>, code_raw: &[u8]) {
    match code {
        Some(c) => j.key("status_code").num(c),
        None => j.key("status_code_raw").str(&lossy(code_raw)),
    };
}

fn sip_fields(j: &mut Json, n: &sipmsrp::body::SipNode<'_>) {
    j.key("protocol").str("sip");
    match &n.msg.start {
        Some(StartLine::Request {
            method,
            uri,
            version,
        }) => {
            j.key("kind")
                .str("request")
                .bytes_field("method", method)
                .bytes_field("request_uri", uri)
                .bytes_field("version", version);
        }
        Some(StartLine::Response {
            version,
            code,
            code_raw,
            reason,
        }) => {
            j.key("kind")
                .str("response")
                .bytes_field("version", version);
            status_json(j, *code, code_raw);
            j.bytes_field("reason", reason);
        }
        None => {
            j.key("kind").str("fragment");
        }
    }
    if let Some(l) = n.msg.start_line {
        j.bytes_field("start_line", l);
    }
    if let Some(c) = n.msg.call_id() {
        j.bytes_field("call_id", c);
    }
    if let Some(c) = n.msg.cseq() {
        j.key("cseq")
            .begin_object()
            .key("number")
            .opt_num(c.number)
            .key("method")
            .str(&String::from_utf8_lossy(c.method))
            .end_object();
    }
    j.key("headers");
    headers_json(j, &n.msg.headers);
    j.key("body");
    body_json(j, &n.body);
}

fn msrp_fields(j: &mut Json, n: &sipmsrp::body::MsrpNode<'_>) {
    j.key("protocol").str("msrp");
    match n.msg.kind {
        Some(MsrpKind::Request { method }) => {
            j.key("kind").str("request").bytes_field("method", method);
        }
        Some(MsrpKind::Response {
            code,
            code_raw,
            comment,
        }) => {
            j.key("kind").str("response");
            status_json(j, code, code_raw);
            j.bytes_field("reason", comment);
        }
        None => {
            j.key("kind").str("unknown");
        }
    }
    j.bytes_field("start_line", n.msg.start_line)
        .bytes_field("transaction_id", n.msg.transaction_id);
    if let Some(f) = n.msg.flag {
        let mut b = [0u8; 4];
        j.key("continuation").str((f as char).encode_utf8(&mut b));
    }
    if let Some(m) = n.msg.message_id() {
        j.bytes_field("message_id", m);
    }
    if let Some(br) = n.msg.byte_range() {
        j.key("byte_range");
        byte_range_json(j, &br);
    }
    j.key("headers");
    headers_json(j, &n.msg.headers);
    j.key("body");
    body_json(j, &n.body);
}

fn body_json(j: &mut Json, b: &Body<'_>) {
    j.begin_object().key("length").num(b.raw.len() as u64);
    if let Some(m) = &b.media {
        j.bytes_field("content_type", m.raw);
    }
    match &b.kind {
        BodyKind::Empty => {}
        BodyKind::Leaf => {
            j.bytes_field("text", b.raw);
        }
        BodyKind::Multipart(m) => {
            j.bytes_field("boundary", &m.boundary)
                .key("parts")
                .begin_array();
            for p in &m.parts {
                j.begin_object().key("headers");
                headers_json(j, &p.headers);
                j.key("body");
                body_json(j, &p.body);
                j.end_object();
            }
            j.end_array();
            if !m.preamble.is_empty() {
                j.bytes_field("preamble", m.preamble);
            }
            if !m.epilogue.is_empty() {
                j.bytes_field("epilogue", m.epilogue);
            }
            j.key("closed").bool(m.closed);
        }
        BodyKind::Sip(n) => {
            j.key("message").begin_object();
            sip_fields(j, n);
            j.end_object();
        }
        BodyKind::Msrp(n) => {
            j.key("message").begin_object();
            msrp_fields(j, n);
            j.end_object();
        }
    }
    j.end_object();
}
