//! The human views, as a person reads them, driven through the real binary:
//!
//! - `parse` shows nested parts indented one level per depth (multipart →
//!   part → message/sip or message/sipfrag or message/msrpfrag → its body),
//!   compared with golden files in tests/fixtures/view/ (regenerate them
//!   with `SIPMSRP_BLESS=1 cargo test --test view`, then read the diff);
//! - colour: `--color always` colours even into a pipe, and wins over
//!   `NO_COLOR` (`--help`: auto is "only on a terminal, and not with
//!   NO_COLOR"); `--color never`, and `auto` into a pipe or with `NO_COLOR`
//!   set, give plain text; `auto` on a terminal colours.
//!
//! Not covered, because it is not implemented: control bytes from the input
//! (ESC, BEL...) go out raw in the human views of `parse` and `lint`.

use std::path::PathBuf;

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run from the repository root, with no colour or progress
/// setting inherited from the environment.
fn sipmsrp() -> Command {
    let mut c = Command::cargo_bin("sipmsrp").unwrap();
    c.current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("SIPMSRP_PROGRESS");
    c
}

/// Standard output of `sipmsrp ARGS` with `env` set, which must exit with `code`.
fn stdout_of(args: &[&str], env: &[(&str, &str)], code: i32) -> Vec<u8> {
    let mut c = sipmsrp();
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.assert().code(code).get_output().stdout.clone()
}

const ESC: u8 = 0x1b;

/// `b` without its ANSI escape sequences (`ESC [ ... final-byte`).
fn strip_ansi(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == ESC && b.get(i + 1) == Some(&b'[') {
            i += 2;
            while i < b.len() && !(0x40..=0x7e).contains(&b[i]) {
                i += 1;
            }
            i += 1;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// The human views checked for colour: (name, arguments, exit code). The lint
/// input has error findings, so its heads, carets and summary are painted.
const VIEWS: [(&str, &[&str], i32); 2] = [
    ("parse", &["parse", "samples/pushed-lmm.msrp"], 0),
    ("lint", &["lint", "samples/broken-appendix-k-lmm.msrp"], 1),
];

fn with_color<'a>(args: &[&'a str], choice: Option<&'a str>) -> Vec<&'a str> {
    let mut v = args.to_vec();
    if let Some(c) = choice {
        v.splice(1..1, ["--color", c]);
    }
    v
}

// ---------------------------------------------------------------- golden views

/// Where `want` and `got` first differ, as a message.
fn first_difference(want: &str, got: &str) -> String {
    let (mut a, mut b) = (want.lines(), got.lines());
    let mut n = 1;
    loop {
        match (a.next(), b.next()) {
            (x, y) if x == y && x.is_some() => n += 1,
            (x, y) => return format!("line {n}:\n  expected: {x:?}\n  actual:   {y:?}"),
        }
    }
}

/// The human view of `input` (no colour), compared with (or, under
/// `SIPMSRP_BLESS=1`, written to) tests/fixtures/view/`golden`.
fn golden_view(input: &str, golden: &str) -> String {
    let got = stdout_of(&["parse", "--color", "never", input], &[], 0);
    let got = String::from_utf8(got).expect("the human view is UTF-8");
    let path = root().join("tests/fixtures/view").join(golden);
    if std::env::var_os("SIPMSRP_BLESS").is_some_and(|v| !v.is_empty()) {
        std::fs::write(&path, &got).unwrap();
        let msg = format!(
            "BLESSED {}: check the diff before committing\n",
            path.display()
        );
        let _ = std::io::Write::write_all(&mut std::io::stderr(), msg.as_bytes());
        return got;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (SIPMSRP_BLESS=1 writes it)", path.display()));
    assert!(
        want == got,
        "`sipmsrp parse {input}` differs from {} at {}\n\
         (if the new view is right: SIPMSRP_BLESS=1 cargo test --test view)\n\
         actual view:\n{got}",
        path.display(),
        first_difference(&want, &got),
    );
    got
}

/// Leading spaces of the one line of `view` whose text (after them) is `text`.
fn indent_of(view: &str, text: &str) -> usize {
    let hits: Vec<&str> = view.lines().filter(|l| l.trim_start() == text).collect();
    assert_eq!(
        hits.len(),
        1,
        "{text:?} should be on exactly one line of:\n{view}"
    );
    hits[0].len() - hits[0].trim_start().len()
}

/// The pushed LMM SEND: multipart/mixed at depth 1, its two parts at depth
/// 2, the message/sipfrag INVITE (headers only, no body line) and the
/// message/msrpfrag SEND with its end-line at depth 3, and the SEND's
/// text/plain body at depth 4. The indentation checks below hold even if
/// the golden file is blessed carelessly.
#[test]
fn parse_view_nests_sipfrag_and_msrpfrag_parts() {
    let view = golden_view("samples/pushed-lmm.msrp", "pushed-lmm.human");
    for (text, indent) in [
        ("MSRP elfj49te SEND", 2),
        ("body: multipart/mixed, 464 bytes", 2),
        ("── part 1", 4),
        ("Content-Type: message/sipfrag", 4),
        ("body: message/sipfrag, 243 bytes", 4),
        ("INVITE sip:user2@imserver.com SIP/2.0", 6),
        ("P-Asserted-Identity: <sip:user1@imserver.com>", 6),
        ("── part 2", 4),
        ("body: message/msrpfrag, 108 bytes", 4),
        ("MSRP dkei38sd SEND", 6),
        ("body: text/plain, 20 bytes", 6),
        ("Hi, Alice!  I'm Bob!", 8),
        ("-------dkei38sd$", 6),
        ("-------elfj49te$", 2),
    ] {
        assert_eq!(indent_of(&view, text), indent, "{text:?}");
    }
}

/// The pushed pager SEND: multipart/mixed → one message/sip part → the
/// MESSAGE at depth 3 → its text/plain body at depth 4; the outer end-line
/// back at depth 1.
#[test]
fn parse_view_nests_message_sip_and_its_body() {
    let view = golden_view("samples/pushed-pager.msrp", "pushed-pager.human");
    for (text, indent) in [
        ("MSRP dkei38sd SEND", 2),
        ("body: multipart/mixed, 446 bytes", 2),
        ("── part 1", 4),
        ("Content-Type: message/sip", 4),
        ("body: message/sip, 387 bytes", 4),
        ("MESSAGE sip:user2@imserver.com SIP/2.0", 6),
        ("Content-Length: 18", 6),
        ("body: text/plain, 18 bytes", 6),
        ("Watson, come here.", 8),
        ("-------dkei38sd$", 2),
    ] {
        assert_eq!(indent_of(&view, text), indent, "{text:?}");
    }
}

// ---------------------------------------------------------------- colour

/// `--color always` colours the human views of parse and lint even into a
/// pipe, and colour only adds escapes: without them the text is the
/// `--color never` text, byte for byte.
#[test]
fn color_always_colours_and_changes_nothing_else() {
    for (name, args, code) in VIEWS {
        let always = stdout_of(&with_color(args, Some("always")), &[], code);
        let never = stdout_of(&with_color(args, Some("never")), &[], code);
        assert!(
            always.contains(&ESC),
            "{name}: no colour with --color always"
        );
        assert_eq!(
            String::from_utf8_lossy(&strip_ansi(&always)),
            String::from_utf8_lossy(&never),
            "{name}"
        );
    }
}

/// The documented precedence (`--help`: auto means "only on a terminal, and
/// not with NO_COLOR"): NO_COLOR only turns off `auto`, so an explicit
/// `--color always` still colours with NO_COLOR set.
#[test]
fn color_always_wins_over_no_color() {
    for (name, args, code) in VIEWS {
        let always = stdout_of(&with_color(args, Some("always")), &[], code);
        let with_no_color = stdout_of(
            &with_color(args, Some("always")),
            &[("NO_COLOR", "1")],
            code,
        );
        assert!(
            with_no_color.contains(&ESC),
            "{name}: NO_COLOR beat --color always"
        );
        assert_eq!(with_no_color, always, "{name}");
    }
}

/// No escape reaches a pipe unless asked for: `--color never` (with or
/// without NO_COLOR), no `--color` at all, `--color auto`, and `--color auto`
/// with NO_COLOR=1 all give the same plain text.
#[test]
fn never_and_auto_into_a_pipe_are_plain() {
    for (name, args, code) in VIEWS {
        let never = stdout_of(&with_color(args, Some("never")), &[], code);
        assert!(!never.contains(&ESC), "{name}: escapes with --color never");
        for (choice, env) in [
            (None, &[][..]),
            (Some("auto"), &[][..]),
            (Some("auto"), &[("NO_COLOR", "1")][..]),
            (Some("never"), &[("NO_COLOR", "1")][..]),
        ] {
            let out = stdout_of(&with_color(args, choice), env, code);
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&never),
                "{name} --color {choice:?} {env:?}"
            );
        }
    }
}

/// Runs `argv` with its standard streams on a pseudo-terminal (python3's
/// `pty`), prints what it wrote there and exits with its exit code.
#[cfg(unix)]
const PTY_RUN: &str = r#"
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:  # EIO once the child has closed the terminal
        break
    if not data:
        break
    out += data
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128)
"#;

/// What the binary writes to a terminal, or `None` (with a visible SKIPPED
/// line; a panic under CI) when python3 is missing.
#[cfg(unix)]
fn on_a_terminal(args: &[&str], env: &[(&str, &str)], code: i32) -> Option<Vec<u8>> {
    let mut c = std::process::Command::new("python3");
    c.arg("-c")
        .arg(PTY_RUN)
        .arg(env!("CARGO_BIN_EXE_sipmsrp"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("SIPMSRP_PROGRESS", "never");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = match c.output() {
        Ok(out) => out,
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!("python3 cannot be run: {e} (CI is set: the terminal test must run)");
            }
            let msg = format!(
                "SKIPPED auto_on_a_terminal_colours_unless_no_color: python3 cannot be run: {e}\n"
            );
            let _ = std::io::Write::write_all(&mut std::io::stderr(), msg.as_bytes());
            return None;
        }
    };
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?} {env:?} on a terminal:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.stdout.is_empty(), "{args:?}: nothing on the terminal");
    Some(out.stdout)
}

/// `--color auto` (the default) colours on a terminal, and NO_COLOR set to
/// anything but the empty string turns that off (an empty NO_COLOR counts as
/// unset, as no-color.org says). The pipe tests above cannot tell "auto
/// honours NO_COLOR" from "auto saw a pipe"; this one can.
#[cfg(unix)]
#[test]
fn auto_on_a_terminal_colours_unless_no_color() {
    for (name, args, code) in VIEWS {
        let auto = with_color(args, Some("auto"));
        let Some(coloured) = on_a_terminal(&auto, &[], code) else {
            return;
        };
        assert!(
            coloured.contains(&ESC),
            "{name}: auto on a terminal is plain"
        );
        let default = on_a_terminal(args, &[], code).unwrap();
        assert!(
            default.contains(&ESC),
            "{name}: the default on a terminal is plain"
        );
        let plain = on_a_terminal(&auto, &[("NO_COLOR", "1")], code).unwrap();
        assert!(
            !plain.contains(&ESC),
            "{name}: NO_COLOR=1 did not turn colour off"
        );
        let empty = on_a_terminal(&auto, &[("NO_COLOR", "")], code).unwrap();
        assert!(
            empty.contains(&ESC),
            "{name}: an empty NO_COLOR turned colour off"
        );
    }
}
