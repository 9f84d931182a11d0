//! `sipmsrp lint`: run the rule engine over inputs and report in the
//! compiler style, JSON, GitHub annotations or SARIF.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Result, bail};
use colored::Colorize;
use sipmsrp::finding::{LineIndex, Severity};
use sipmsrp::lint::{self, Config, Level, Report, output::Located};

use std::path::PathBuf;

use sipmsrp::capture::{CaptureOptions, Event};
use sipmsrp::lint::Diagnostic;

use super::{
    CaptureInput, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Input, Progress, Source, emit,
    open_inputs, use_color,
};
use crate::cli::{ColorChoice, LintArgs, LintFormat, LintProfile};

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
    let (inputs, results) = lint_inputs(&args.inputs, &cfg, args.limits.max_input)?;
    let located: Vec<(Located<'_>, &Input)> = results
        .iter()
        .zip(&inputs)
        .flat_map(|((report, index), input)| {
            report.diagnostics.iter().map(move |d| {
                let (line, column) = index.line_col(d.offset.min(input.bytes.len()));
                (
                    Located {
                        file: &input.name,
                        line,
                        column,
                        diagnostic: d,
                    },
                    input,
                )
            })
        })
        .collect();
    let only: Vec<Located<'_>> = located.iter().map(|(l, _)| *l).collect();
    let text = match args.format {
        LintFormat::Json => lint::output::json(&only),
        LintFormat::Github => lint::output::github(&only),
        LintFormat::Sarif => lint::output::sarif(&only, env!("CARGO_PKG_VERSION")),
        LintFormat::Human => {
            let color = use_color(color);
            colored::control::set_override(color);
            human(&located, &results, color)
        }
    };
    emit(None, text.as_bytes())?;
    let errors = results.iter().any(|(r, _)| r.has_errors());
    // Nothing to check is an input error, as in parse (exit 2), not a pass;
    // bytes that look like a broken message (`junk`, an error) are errors
    // found (exit 1).
    if !errors && results.iter().all(|(r, _)| r.messages == 0) {
        let mut names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
        names.dedup();
        bail!("{}: no SIP or MSRP message found", names.join(", "));
    }
    Ok(ExitCode::from(if errors {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }))
}

fn config(args: &LintArgs) -> Result<Config> {
    let mut cfg = Config::default();
    cfg.oma_im = args.profile.contains(&LintProfile::OmaIm);
    cfg.limits = args.limits.to_limits();
    // Order of precedence: allow < warn < deny, each list in order.
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

type Linted = (Vec<Input>, Vec<(Report, LineIndex)>);

/// Every input, text or capture, each with its report.
fn lint_inputs(paths: &[PathBuf], cfg: &Config, max_input: u64) -> Result<Linted> {
    let progress = Progress::auto(false);
    let mut inputs = Vec::new();
    let mut results = Vec::new();
    for source in open_inputs(paths, &progress)? {
        match source? {
            Source::Text(t) => {
                let input = t.read_all(max_input)?;
                results.push(lint_input(&input, cfg));
                inputs.push(input);
            }
            Source::Capture(c) => lint_capture(c, cfg, &progress, &mut inputs, &mut results)?,
        }
    }
    Ok((inputs, results))
}

/// One text input.
fn lint_input(input: &Input, cfg: &Config) -> (Report, LineIndex) {
    let report = lint::lint_text(&input.bytes, cfg);
    (report, LineIndex::new(&input.bytes))
}

/// A capture, streamed: each message is linted on its own (diagnostics carry
/// its frame; line and column are inside the message). A message with
/// diagnostics is kept as an input of its own (named as the capture) so the
/// source line can be shown; capture-level findings (gaps, a cut record...)
/// are diagnostics of the capture, at the byte offset of their record.
fn lint_capture(
    c: CaptureInput,
    cfg: &Config,
    progress: &Progress,
    inputs: &mut Vec<Input>,
    results: &mut Vec<(Report, LineIndex)>,
) -> Result<()> {
    let name = c.name.clone();
    let opts = CaptureOptions {
        limits: cfg.limits.clone(),
        force_ports: Vec::new(),
    };
    let mut whole = Report::default();
    for event in c.events(opts)? {
        match event.map_err(|e| anyhow::anyhow!("{name}: {e}"))? {
            Event::Finding { frame, finding, .. } => {
                if let Some(severity) = cfg.severity(finding.code, finding.severity) {
                    whole.diagnostics.push(Diagnostic {
                        code: finding.code,
                        severity,
                        message: finding.message,
                        offset: finding.offset,
                        len: 0,
                        path: finding.path,
                        frame,
                    });
                }
            }
            Event::Message(m) => {
                progress.message();
                let frame = Some(m.meta.frame);
                let report =
                    lint::lint_one(&m.bytes, m.protocol, m.truncated, m.findings, frame, cfg);
                if report.diagnostics.is_empty() {
                    whole.messages += report.messages;
                    continue;
                }
                results.push((report, LineIndex::new(&m.bytes)));
                inputs.push(Input {
                    name: name.clone(),
                    bytes: m.bytes,
                });
            }
        }
    }
    // Capture-level diagnostics point into the capture file, not at text.
    results.push((whole, LineIndex::new(b"")));
    inputs.push(Input {
        name,
        bytes: Vec::new(),
    });
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

fn human(
    located: &[(Located<'_>, &Input)],
    results: &[(Report, LineIndex)],
    color: bool,
) -> String {
    let mut out = String::new();
    for (l, input) in located {
        let d = l.diagnostic;
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
        let bytes = &input.bytes;
        let off = d.offset.min(bytes.len());
        let start = bytes[..off]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &bytes[off..]).map_or(bytes.len(), |i| off + i);
        let line = String::from_utf8_lossy(&bytes[start..end]);
        let line = super::visible(line.trim_end_matches('\r'));
        let gutter = l.line.to_string();
        let pad = " ".repeat(gutter.len());
        let caret_at = String::from_utf8_lossy(&bytes[start..off]).chars().count();
        let caret_len = d
            .len
            .min(end.saturating_sub(off))
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
    }
    let errors: usize = results.iter().map(|(r, _)| r.count(Severity::Error)).sum();
    let warnings: usize = results
        .iter()
        .map(|(r, _)| r.count(Severity::Warning))
        .sum();
    let notes: usize = results.iter().map(|(r, _)| r.count(Severity::Note)).sum();
    let messages: usize = results.iter().map(|(r, _)| r.messages).sum();
    let summary = format!(
        "{messages} message{} checked: {errors} error{}, {warnings} warning{}, {notes} note{}",
        plural(messages),
        plural(errors),
        plural(warnings),
        plural(notes)
    );
    let _ = writeln!(
        out,
        "{}",
        if color && errors > 0 {
            summary.red().bold().to_string()
        } else {
            summary
        }
    );
    out
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
