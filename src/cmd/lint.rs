//! `sipmsrp lint`: run the rule engine over inputs and report in the
//! compiler style, JSON, GitHub annotations or SARIF.

use std::fmt::Write as _;
use std::process::ExitCode;

use std::io::{self, Write};

use anyhow::{Context as _, Result, bail};
use colored::Colorize;
use sipmsrp::finding::{LineIndex, Severity};
use sipmsrp::lint::text::Placed;
use sipmsrp::lint::{self, Config, Level, Report, output::Located};

use std::path::PathBuf;

use sipmsrp::capture::{CaptureOptions, Event};
use sipmsrp::lint::Diagnostic;

use super::{
    CaptureInput, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Progress, Source, emit, open_inputs,
    use_color,
};
use crate::cli::{ColorChoice, LevelArgs, LintArgs, LintFormat, LintProfile};

pub fn run(args: LintArgs, color: ColorChoice) -> Result<ExitCode> {
    if args.list_rules {
        let text = match args.format {
            LintFormat::Json => list_rules_json(),
            _ => list_rules(),
        };
        emit(None, text.as_bytes())?;
        return Ok(ExitCode::from(EXIT_CLEAN));
    }
    if let Some(id) = &args.explain {
        let Some(r) = lint::code(id) else {
            eprintln!(
                "sipmsrp: error: {}",
                lint::LintError::UnknownRule(id.clone())
            );
            return Ok(ExitCode::from(EXIT_ERROR));
        };
        let text = format!(
            "{} ({}, default {})\n\n{}\n\n{}\n",
            r.id,
            r.category.as_str(),
            r.severity,
            r.summary,
            r.explain
        );
        emit(None, text.as_bytes())?;
        return Ok(ExitCode::from(EXIT_CLEAN));
    }
    if args.fix {
        return run_fix(&args);
    }
    let cfg = config(&args)?;
    let color = args.format == LintFormat::Human && use_color(color);
    colored::control::set_override(color);
    let mut sink = Sink {
        out: io::BufWriter::new(io::stdout().lock()),
        format: args.format,
        color,
        written: 0,
        held: Vec::new(),
        counts: [0; 3],
        messages: 0,
    };
    let mut names = Vec::new();
    lint_inputs(
        &args.inputs,
        &cfg,
        args.limits.max_input,
        &mut sink,
        &mut names,
    )?;
    let errors = sink.counts[0] > 0;
    let messages = sink.messages;
    sink.finish().context("cannot write the output")?;
    // Nothing to check is an input error, as in parse (exit 2), not a pass;
    // bytes that look like a broken message (`junk`, an error) are errors
    // found (exit 1).
    if !errors && messages == 0 {
        names.dedup();
        bail!("{}: no SIP or MSRP message found", names.join(", "));
    }
    Ok(ExitCode::from(if errors {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }))
}

/// Where the findings go as they are found: written in the format asked
/// for, and counted. SARIF is one document that lists its results inside:
/// its findings are held to the end (the findings, not the input).
struct Sink<W: Write> {
    out: W,
    format: LintFormat,
    color: bool,
    /// Findings written so far (the JSON array's separators).
    written: usize,
    held: Vec<(String, Placed)>,
    /// Errors, warnings, notes.
    counts: [usize; 3],
    messages: usize,
}

impl<W: Write> Sink<W> {
    fn put(&mut self, file: &str, p: Placed) -> io::Result<()> {
        let d = &p.diagnostic;
        self.counts[match d.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Note => 2,
        }] += 1;
        let l = Located {
            file,
            line: p.line,
            column: p.column,
            diagnostic: d,
        };
        match self.format {
            LintFormat::Json => {
                self.out
                    .write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
                self.out.write_all(lint::output::json_item(&l).as_bytes())?;
            }
            LintFormat::Github => self
                .out
                .write_all(lint::output::github_item(&l).as_bytes())?,
            LintFormat::Human => self.out.write_all(human(&l, &p, self.color).as_bytes())?,
            LintFormat::Sarif => self.held.push((file.to_string(), p)),
        }
        self.written += 1;
        Ok(())
    }

    fn finish(mut self) -> io::Result<()> {
        match self.format {
            LintFormat::Json if self.written == 0 => self.out.write_all(b"[]\n")?,
            LintFormat::Json => self.out.write_all(b"\n]\n")?,
            LintFormat::Github => {}
            LintFormat::Human => {
                let summary = summary_line(self.messages, self.counts);
                let line = if self.color && self.counts[0] > 0 {
                    summary.red().bold().to_string()
                } else {
                    summary
                };
                writeln!(self.out, "{line}")?;
            }
            LintFormat::Sarif => {
                let located: Vec<Located<'_>> = self
                    .held
                    .iter()
                    .map(|(file, p)| Located {
                        file,
                        line: p.line,
                        column: p.column,
                        diagnostic: &p.diagnostic,
                    })
                    .collect();
                let text = lint::output::sarif(&located, env!("CARGO_PKG_VERSION"));
                self.out.write_all(text.as_bytes())?;
            }
        }
        self.out.flush()
    }
}

fn config(args: &LintArgs) -> Result<Config> {
    let mut cfg = levels(&args.levels)?;
    cfg.oma_im = args.profile.contains(&LintProfile::OmaIm);
    cfg.limits = args.limits.to_limits();
    Ok(cfg)
}

/// The severities `--allow`, `--warn` and `--deny` ask for (lint's and
/// parse's). Order of precedence: allow < warn < deny, each list in order.
pub(crate) fn levels(args: &LevelArgs) -> Result<Config> {
    let mut cfg = Config::default();
    for (list, level) in [
        (&args.allow, Level::Allow),
        (&args.warn, Level::Warn),
        (&args.deny, Level::Deny),
    ] {
        for id in list {
            if let Err(e) = cfg.set(id, level) {
                bail!("{e}");
            }
        }
    }
    Ok(cfg)
}

/// Bytes of a text input looked at to tell messages from a bare body.
const SNIFF: usize = 1 << 20;

/// Lint every input, text or capture, into `sink`; `names` gets their names.
fn lint_inputs<W: Write>(
    paths: &[PathBuf],
    cfg: &Config,
    max_input: u64,
    sink: &mut Sink<W>,
    names: &mut Vec<String>,
) -> Result<()> {
    let progress = Progress::auto(true);
    for source in open_inputs(paths, &progress)? {
        let source = source?;
        names.push(source.name().to_string());
        match source {
            Source::Text(mut t) => {
                let prefix = t
                    .prefix(SNIFF)
                    .with_context(|| format!("{}: cannot read", t.name))?;
                if lint::is_messages(&prefix) {
                    let (name, reader) = t.into_reader();
                    let mut failed = None;
                    let messages = lint::text::lint_stream(
                        reader,
                        cfg,
                        &mut || progress.message(),
                        &mut |p| {
                            sink.put(&name, p).inspect_err(|e| {
                                failed = Some(io::Error::from(e.kind()));
                            })
                        },
                    );
                    if let Some(e) = failed {
                        return Err(anyhow::Error::new(e).context("cannot write the output"));
                    }
                    sink.messages += messages.with_context(|| format!("{name}: cannot read"))?;
                } else {
                    let input = t.read_all(max_input)?;
                    let report = lint::lint_text(&input.bytes, cfg);
                    sink.messages += report.messages;
                    put_report(sink, &input.name, &input.bytes, report)?;
                }
            }
            Source::Capture(c) => lint_capture(c, cfg, &progress, sink)?,
        }
    }
    progress.clear();
    Ok(())
}

/// The findings of a report on `bytes`, placed by counting its lines.
fn put_report<W: Write>(
    sink: &mut Sink<W>,
    name: &str,
    bytes: &[u8],
    report: Report,
) -> Result<()> {
    let index = LineIndex::new(bytes);
    for d in report.diagnostics {
        let (line, column) = index.line_col(d.offset.min(bytes.len()));
        let (source, caret) = lint::text::line_around(bytes, d.offset);
        sink.put(
            name,
            Placed {
                diagnostic: d,
                line,
                column,
                source,
                caret,
            },
        )
        .context("cannot write the output")?;
    }
    Ok(())
}

/// A capture, streamed: each message is linted on its own (diagnostics carry
/// its frame; line and column are inside the message); capture-level
/// findings (gaps, a cut record...) are diagnostics of the capture, at the
/// byte offset of their record.
fn lint_capture<W: Write>(
    c: CaptureInput,
    cfg: &Config,
    progress: &Progress,
    sink: &mut Sink<W>,
) -> Result<()> {
    let name = c.name.clone();
    let opts = CaptureOptions {
        limits: cfg.limits.clone(),
        force_ports: Vec::new(),
    };
    for event in c.events(opts)? {
        match event.map_err(|e| anyhow::anyhow!("{name}: {e}"))? {
            Event::Finding { frame, finding, .. } => {
                if let Some(severity) = cfg.severity(finding.code, finding.severity) {
                    let d = Diagnostic {
                        code: finding.code,
                        severity,
                        message: finding.message,
                        offset: finding.offset,
                        len: 0,
                        path: finding.path,
                        frame,
                    };
                    // Not in text: no line to show.
                    let p = Placed {
                        line: 1,
                        column: d.offset + 1,
                        diagnostic: d,
                        source: Vec::new(),
                        caret: 0,
                    };
                    sink.put(&name, p).context("cannot write the output")?;
                }
            }
            Event::Message(m) => {
                progress.message();
                let frame = Some(m.meta.frame);
                let report =
                    lint::lint_one(&m.bytes, m.protocol, m.truncated, m.findings, frame, cfg);
                sink.messages += report.messages;
                put_report(sink, &name, &m.bytes, report)?;
            }
        }
    }
    Ok(())
}

fn list_rules() -> String {
    let mut out = String::new();
    let width = lint::codes().iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in lint::codes() {
        let _ = writeln!(
            out,
            "{:<width$}  {:<7}  {:<9}  {}",
            r.id,
            r.severity.as_str(),
            r.category.as_str(),
            r.summary
        );
    }
    out
}

/// `--list-rules --format json`: one array, an object per code.
fn list_rules_json() -> String {
    let all: Vec<serde_json::Value> = lint::codes()
        .iter()
        .map(|r| {
            serde_json::json!({
                "code": r.id,
                "severity": r.severity.as_str(),
                "category": r.category.as_str(),
                "summary": r.summary,
                "clause": r.clause(),
                "explain": r.explain,
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&all).unwrap_or_default();
    s.push('\n');
    s
}

fn paint(s: &str, sev: Severity, color: bool) -> String {
    if !color {
        return s.to_string();
    }
    match sev {
        Severity::Error => s.red().bold().to_string(),
        Severity::Warning => s.yellow().bold().to_string(),
        Severity::Note => s.cyan().bold().to_string(),
    }
}

/// One finding in the compiler style: where, what, the MIME path, the
/// source line and a caret.
fn human(l: &Located<'_>, p: &Placed, color: bool) -> String {
    let d = l.diagnostic;
    let mut out = String::new();
    let head = format!("{}[{}]", d.severity, d.code);
    let _ = write!(
        out,
        "{}:{}:{}: {}: {}",
        super::visible(l.file),
        l.line,
        l.column,
        paint(&head, d.severity, color),
        if color {
            super::visible(&d.message).bold().to_string()
        } else {
            super::visible(&d.message).into_owned()
        }
    );
    if let Some(f) = d.frame {
        let _ = write!(out, " (frame {f})");
    }
    out.push('\n');
    if !d.path.is_empty() {
        let _ = writeln!(out, "  = in: {}", super::visible(&d.path));
    }
    // The source line and a caret.
    let bytes = &p.source;
    let off = p.caret.min(bytes.len());
    let line = String::from_utf8_lossy(bytes);
    let line = super::visible(&line);
    let gutter = l.line.to_string();
    let pad = " ".repeat(gutter.len());
    let caret_at = String::from_utf8_lossy(&bytes[..off]).chars().count();
    let caret_len = d
        .len
        .min(bytes.len() - off)
        .max(1)
        .min(line.chars().count().saturating_sub(caret_at).max(1));
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{gutter} | {line}");
    let carets = "^".repeat(caret_len);
    let _ = writeln!(
        out,
        "{pad} | {}{}",
        " ".repeat(caret_at),
        paint(&carets, d.severity, color)
    );
    out
}

/// The last line of the human view.
fn summary_line(messages: usize, counts: [usize; 3]) -> String {
    let [errors, warnings, notes] = counts;
    format!(
        "{messages} message{} checked: {errors} error{}, {warnings} warning{}, {notes} note{}",
        plural(messages),
        plural(errors),
        plural(warnings),
        plural(notes)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

// ------------------------------------------------------------------ --fix

/// `lint --fix`: rewrite the pushed SENDs of one text input, write the
/// result (stdout or `-o`, atomically), report every change, what could not
/// be fixed and what the output still breaks on stderr. Exit 0 when the
/// output has no error-level finding and everything was fixed, else 1.
fn run_fix(args: &LintArgs) -> Result<ExitCode> {
    use sipmsrp::lint::fix::{self, FixOptions};
    if matches!(args.format, LintFormat::Github | LintFormat::Sarif) {
        bail!("--fix reports in the human or json format");
    }
    if args.inputs.len() > 1 {
        bail!("--fix takes one input (a file or standard input)");
    }
    let cfg = config(args)?;
    let date = match &args.date {
        Some(d) => Some(sipmsrp::date::normalize(d)?),
        None => None,
    };
    let input = super::read_inputs(&args.inputs, args.limits.max_input)?.remove(0);
    if sipmsrp::capture::is_capture(&input.bytes) {
        bail!(
            "{}: --fix rewrites text input; extract the messages of a capture first",
            input.name
        );
    }
    let opts = FixOptions {
        date,
        now: jiff::Timestamp::now(),
    };
    let rep = fix::fix_text(&input.bytes, &cfg, &opts);
    emit(args.output.as_deref(), &rep.output)?;
    let out_name = args
        .output
        .as_ref()
        .map_or_else(|| "<stdout>".to_string(), |p| p.display().to_string());
    let after = lint::lint_text(&rep.output, &cfg);
    let in_index = LineIndex::new(&input.bytes);
    let out_index = LineIndex::new(&rep.output);
    let text = match args.format {
        LintFormat::Json => fix_json(&input.name, &in_index, &out_name, &out_index, &rep, &after),
        _ => fix_human(&input.name, &in_index, &out_name, &out_index, &rep, &after),
    };
    let mut err = std::io::stderr().lock();
    std::io::Write::write_all(&mut err, text.as_bytes())?;
    let clean = rep.unfixed.is_empty() && !after.has_errors();
    Ok(ExitCode::from(if clean {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }))
}

fn in_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" ({path})")
    }
}

fn fix_human(
    name: &str,
    index: &LineIndex,
    out_name: &str,
    out_index: &LineIndex,
    rep: &sipmsrp::lint::fix::FixReport,
    after: &Report,
) -> String {
    let mut out = String::new();
    for c in &rep.changes {
        let (l, col) = index.line_col(c.offset);
        let _ = writeln!(
            out,
            "{name}:{l}:{col}: fixed[{}]: {}{}",
            c.code,
            c.message,
            in_path(&c.path)
        );
    }
    for u in &rep.unfixed {
        let (l, col) = index.line_col(u.offset);
        let head = u
            .code
            .map_or_else(|| "error".to_string(), |r| format!("error[{r}]"));
        let _ = writeln!(
            out,
            "{name}:{l}:{col}: {head}: cannot fix: {}{}",
            u.message,
            in_path(&u.path)
        );
    }
    for d in &after.diagnostics {
        let (l, col) = out_index.line_col(d.offset);
        let _ = writeln!(
            out,
            "{out_name}:{l}:{col}: {}[{}]: {}{}",
            d.severity,
            d.code,
            d.message,
            in_path(&d.path)
        );
    }
    let _ = writeln!(
        out,
        "{} change{} in {} of {} pushed SEND{}; {} not fixable; the output has {} error{}, {} warning{}",
        rep.changes.len(),
        plural(rep.changes.len()),
        rep.rewritten,
        rep.pushed,
        plural(rep.pushed),
        rep.unfixed.len(),
        after.count(Severity::Error),
        plural(after.count(Severity::Error)),
        after.count(Severity::Warning),
        plural(after.count(Severity::Warning)),
    );
    out
}

fn fix_json(
    name: &str,
    index: &LineIndex,
    out_name: &str,
    out_index: &LineIndex,
    rep: &sipmsrp::lint::fix::FixReport,
    after: &Report,
) -> String {
    use serde_json::{Value, json};
    let mut items: Vec<Value> = Vec::new();
    for c in &rep.changes {
        let (line, column) = index.line_col(c.offset);
        items.push(json!({
            "type": "finding", "schema_version": lint::output::SCHEMA_VERSION,
            "code": c.code, "severity": "fixed", "fixed": true, "message": c.message,
            "file": name, "line": line, "column": column, "offset": c.offset,
            "length": 0, "frame": null, "path": c.path,
        }));
    }
    for u in &rep.unfixed {
        let (line, column) = index.line_col(u.offset);
        items.push(json!({
            "type": "finding", "schema_version": lint::output::SCHEMA_VERSION,
            "code": u.code, "severity": "error", "fixed": false,
            "message": format!("cannot fix: {}", u.message),
            "file": name, "line": line, "column": column, "offset": u.offset,
            "length": 0, "frame": null, "path": u.path,
        }));
    }
    for d in &after.diagnostics {
        let (line, column) = out_index.line_col(d.offset);
        items.push(json!({
            "type": "finding", "schema_version": lint::output::SCHEMA_VERSION,
            "code": d.code, "severity": d.severity.as_str(), "fixed": false, "message": d.message,
            "file": out_name, "line": line, "column": column, "offset": d.offset,
            "length": d.len, "frame": d.frame, "path": d.path,
        }));
    }
    let mut s = serde_json::to_string_pretty(&Value::Array(items)).unwrap_or_default();
    s.push('\n');
    s
}
