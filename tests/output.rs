//! Output files and standard output, for every subcommand that writes:
//!
//! - `-o FILE` goes through one atomic writer: on success the file holds
//!   exactly what stdout would have, and nothing else is left in the
//!   directory; on a write error (missing directory, a file where a
//!   directory should be, a directory as target, a write that fails)
//!   the exit code is 2, stderr names the target, and neither the target
//!   nor a temporary file is left behind (an existing target is unchanged);
//! - a closed standard output (broken pipe) ends the run quietly.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample(name: &str) -> PathBuf {
    root().join("samples").join(name)
}

/// Every subcommand invocation that takes `-o`: (name, arguments before `-o`).
/// `lint --fix` is listed too: it must not leave a file while it cannot fix.
fn writers() -> Vec<(&'static str, Vec<String>)> {
    let s = |n: &str| sample(n).display().to_string();
    vec![
        (
            "encap",
            vec![
                "encap".into(),
                "--message-id".into(),
                "m1234".into(),
                "--transaction-id".into(),
                "t1234".into(),
                "--boundary".into(),
                "b42".into(),
                "--date".into(),
                "Thu, 21 Feb 2002 13:02:03 GMT".into(),
                s("pager-message.sip"),
            ],
        ),
        (
            "summary",
            vec![
                "summary".into(),
                "--from-body".into(),
                s("message-summary.txt"),
            ],
        ),
        (
            "summary --notify",
            vec![
                "summary".into(),
                "--notify".into(),
                "--call-id".into(),
                "c1".into(),
                "--to-tag".into(),
                "t1".into(),
                "--from-tag".into(),
                "f1".into(),
                "--branch".into(),
                "z9hG4bK1".into(),
                s("pager-message.sip"),
                "--date".into(),
                "Thu, 21 Feb 2002 13:02:03 GMT".into(),
            ],
        ),
        (
            "lint --fix",
            vec![
                "lint".into(),
                "--fix".into(),
                "--date".into(),
                "Thu, 21 Feb 2002 13:02:03 GMT".into(),
                s("broken-appendix-k-pager.msrp"),
            ],
        ),
    ]
}

fn run(args: &[String], out: Option<&Path>) -> std::process::Output {
    let mut c = Command::cargo_bin("sipmsrp").unwrap();
    c.args(args);
    if let Some(o) = out {
        c.arg("-o").arg(o);
    }
    c.output().unwrap()
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn dash_o_writes_what_stdout_gets_and_nothing_else() {
    for (name, args) in writers() {
        let stdout = run(&args, None);
        assert_eq!(stdout.status.code(), Some(0), "{name}: {stdout:?}");
        assert!(!stdout.stdout.is_empty());
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let out = run(&args, Some(&target));
        assert_eq!(out.status.code(), Some(0), "{name}");
        assert!(out.stdout.is_empty(), "{name}: wrote to stdout too");
        assert_eq!(std::fs::read(&target).unwrap(), stdout.stdout, "{name}");
        assert_eq!(
            entries(dir.path()),
            ["out"],
            "{name}: left something behind"
        );
        // Replacing keeps the mode of the file replaced.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
            std::fs::write(&target, b"old").unwrap();
            let out = run(&args, Some(&target));
            assert_eq!(out.status.code(), Some(0), "{name}");
            assert_eq!(std::fs::read(&target).unwrap(), stdout.stdout, "{name}");
            let mode = std::fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640, "{name}: mode not kept");
            assert_eq!(entries(dir.path()), ["out"], "{name}");
        }
    }
}

/// Run with `-o target` expecting a write error: exit 2, nothing on
/// stdout, stderr naming the target, `dir` left with exactly `before`.
fn assert_write_error(name: &str, args: &[String], target: &Path, dir: &Path) {
    let before = entries(dir);
    let out = run(args, Some(target));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{name} -o {}: {stderr}",
        target.display()
    );
    assert!(out.stdout.is_empty(), "{name}");
    assert!(
        stderr.contains(&target.display().to_string()) && stderr.contains("cannot write"),
        "{name}: stderr does not name the target: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    assert_eq!(entries(dir), before, "{name}: the directory changed");
}

#[test]
fn write_errors_exit_2_and_leave_nothing() {
    for (name, args) in writers() {
        let dir = tempfile::tempdir().unwrap();
        // A directory that does not exist (and is not created).
        let missing = dir.path().join("no-such-dir").join("out");
        assert_write_error(name, &args, &missing, dir.path());
        assert!(!dir.path().join("no-such-dir").exists());
        // A regular file where a directory should be.
        let file = dir.path().join("plain");
        std::fs::write(&file, b"x").unwrap();
        assert_write_error(name, &args, &file.join("out"), dir.path());
        assert_eq!(std::fs::read(&file).unwrap(), b"x");
        // The target is a directory: it stays one, with nothing in it.
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert_write_error(name, &args, &sub, dir.path());
        assert!(sub.is_dir() && entries(&sub).is_empty(), "{name}");
    }
}

/// Run the binary with `args` and its standard output on `/dev/full`:
/// (exit code, stderr).
#[cfg(target_os = "linux")]
fn run_to_dev_full<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (Option<i32>, String) {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("sipmsrp"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(full)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Write errors while writing the temporary file (not only while opening
/// it), provoked in a way that works as root too: the child's file size
/// limit is 0 (RLIMIT_FSIZE binds root as well), so the first write fails
/// with EFBIG (SIGXFSZ is ignored, so it is an error and not a kill). Exit
/// 2, stderr names the target, an existing target is unchanged and no
/// temporary file is left.
#[cfg(unix)]
#[test]
fn a_failing_write_is_an_error_and_leaves_nothing() {
    let bin = assert_cmd::cargo::cargo_bin("sipmsrp");
    for (name, args) in writers() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        std::fs::write(&target, b"previous").unwrap();
        for t in [&target, &dir.path().join("new")] {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg("trap '' XFSZ; ulimit -f 0; exec \"$0\" \"$@\"")
                .arg(&bin)
                .args(&args)
                .arg("-o")
                .arg(t)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
            assert!(out.stdout.is_empty(), "{name}");
            assert!(
                stderr.contains(&t.display().to_string())
                    && stderr.contains("cannot write")
                    && stderr.contains("too large"),
                "{name}: {stderr}"
            );
            assert_eq!(std::fs::read(&target).unwrap(), b"previous", "{name}");
            assert_eq!(entries(dir.path()), ["out"], "{name}: left something");
        }
    }
}

/// Standard output that cannot be written (`/dev/full`, writable by root
/// too) is an error: exit 2 and a message, never a silent exit 0.
#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_an_error() {
    for (name, args) in writers() {
        let (code, stderr) = run_to_dev_full(&args);
        assert_eq!(code, Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains("No space left on device"),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn lint_fix_output_file_is_complete_and_lints_clean() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("fixed.msrp");
    let args: Vec<String> = vec![
        "lint".into(),
        "--fix".into(),
        "--date".into(),
        "Thu, 21 Feb 2002 13:02:03 GMT".into(),
        sample("broken-appendix-k-pager.msrp").display().to_string(),
    ];
    let out = run(&args, Some(&target));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Only the target: no temporary file left beside it.
    assert_eq!(entries(dir.path()), vec!["fixed.msrp".to_string()]);
    let check = run(&["lint".into(), target.display().to_string()], None);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

/// Run with standard output a pipe whose reading end is already closed.
fn with_closed_stdout(args: &[String]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_sipmsrp"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn closed_stdout_is_quiet_for_every_subcommand() {
    let s = |n: &str| sample(n).display().to_string();
    let mut runs: Vec<(&str, Vec<String>)> = writers();
    runs.extend([
        ("parse", vec!["parse".into(), s("mixed-capture.txt")]),
        (
            "parse jsonl",
            vec![
                "parse".into(),
                "--format".into(),
                "jsonl".into(),
                s("lmm-session.txt"),
            ],
        ),
        ("lint", vec!["lint".into(), s("broken-cr-typos.msrp")]),
        (
            "lint sarif",
            vec![
                "lint".into(),
                "--format".into(),
                "sarif".into(),
                s("broken-cr-typos.msrp"),
            ],
        ),
        (
            "lint --list-rules",
            vec!["lint".into(), "--list-rules".into()],
        ),
        (
            "uri escape",
            vec!["uri".into(), "escape".into(), "a@b.example".into()],
        ),
        (
            "uri unescape",
            vec![
                "uri".into(),
                "unescape".into(),
                "sip:a%40b@c.example".into(),
            ],
        ),
        (
            "uri request",
            vec![
                "uri".into(),
                "request".into(),
                "--from".into(),
                "sip:me@example.com".into(),
                "--host".into(),
                "store.example.com".into(),
                "m1@example.com".into(),
            ],
        ),
    ]);
    for (name, args) in runs {
        let out = with_closed_stdout(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.code() == Some(0),
            "{name}: exit {:?}: {stderr}",
            out.status.code()
        );
        assert!(stderr.is_empty(), "{name}: not quiet: {stderr}");
    }
}

/// `--help` and `--version` check their writes too: to a full device they
/// fail with exit 2 and a message, never exit 0.
#[cfg(target_os = "linux")]
#[test]
fn help_and_version_to_a_full_output_are_errors() {
    for args in [&["--help"][..], &["--version"], &["parse", "--help"]] {
        let (code, stderr) = run_to_dev_full(args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("No space left on device"),
            "{args:?}: {stderr}"
        );
    }
    // Written where it can be, they succeed.
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("sipmsrp"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("sipmsrp "));
}

/// Control bytes from the input never reach the terminal: header values,
/// bodies, summary lines, lint's quoted source line and file names in
/// messages and errors show ESC, BEL, CR and the like as Unicode control
/// pictures (`␛`, `␇`), so an input cannot retitle the window or clear the
/// screen. Colour is off, so any ESC in the output came from the input.
#[test]
fn control_bytes_from_the_input_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let evil = b"MESSAGE sip:b@example.com SIP/2.0\r\nCall-ID: x\x1b[31mRED\r\nCSeq: 1 MESSAGE\r\nContent-Length: 14\r\n\r\n\x1b]0;pwn\x07\x1b[2Jok";
    let path = dir.path().join("in\x1b[2Jput.sip");
    std::fs::write(&path, evil).unwrap();
    let runs: [&[&str]; 4] = [
        &["parse", "--color", "never"],
        &["parse", "--summary"],
        &["lint", "--color", "never"],
        &[
            "encap",
            "--date",
            "Thu, 21 Feb 2002 13:02:03 GMT",
            "--boundary",
            "b42",
        ],
    ];
    for args in runs {
        let out = Command::cargo_bin("sipmsrp")
            .unwrap()
            .args(args)
            .arg(&path)
            .output()
            .unwrap();
        for (what, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            // encap's output is the pushed message itself, bytes unchanged.
            if args[0] == "encap" && what == "stdout" {
                continue;
            }
            assert!(
                !bytes.iter().any(|&b| b == 0x1b || b == 0x07),
                "{args:?} {what}: {}",
                String::from_utf8_lossy(bytes)
            );
        }
        if args[0] != "encap" {
            let all = [out.stdout, out.stderr].concat();
            let text = String::from_utf8_lossy(&all);
            assert!(text.contains('\u{241b}'), "{args:?}: {text}");
        }
    }
    // The parse view shows the value with its ESC as a picture.
    let out = Command::cargo_bin("sipmsrp")
        .unwrap()
        .args(["parse", "--color", "never"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Call-ID: x\u{241b}[31mRED"), "{text}");
    assert!(
        text.contains("\u{241b}]0;pwn\u{2407}\u{241b}[2Jok"),
        "{text}"
    );
}

/// `-o` onto what is not a plain file: a FIFO (as a device would be) and
/// `/dev/stdout` are written through, never replaced by a regular file; a
/// symbolic link is followed and stays a link; a file with another hard
/// link is rewritten in place, so both names see the output; a target name
/// of 250 bytes works (the temporary name is cut to fit in 255).
#[cfg(unix)]
#[test]
fn dash_o_writes_through_links_fifos_and_devices() {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let (name, args) = writers().remove(1); // summary --from-body
    let want = run(&args, None).stdout;
    assert!(!want.is_empty(), "{name}");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // A symbolic link: the file it names gets the output, the link stays.
    std::fs::write(d.join("real.txt"), b"old").unwrap();
    std::os::unix::fs::symlink("real.txt", d.join("link.txt")).unwrap();
    assert!(run(&args, Some(&d.join("link.txt"))).status.success());
    assert!(
        std::fs::symlink_metadata(d.join("link.txt"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(d.join("real.txt")).unwrap(), want);
    // A link to a file not there yet creates it.
    std::os::unix::fs::symlink("later.txt", d.join("dangling")).unwrap();
    assert!(run(&args, Some(&d.join("dangling"))).status.success());
    assert_eq!(std::fs::read(d.join("later.txt")).unwrap(), want);

    // A hard link: both names still name one file, holding the output.
    std::fs::write(d.join("a.txt"), b"old").unwrap();
    std::fs::hard_link(d.join("a.txt"), d.join("b.txt")).unwrap();
    assert!(run(&args, Some(&d.join("b.txt"))).status.success());
    assert_eq!(std::fs::metadata(d.join("a.txt")).unwrap().nlink(), 2);
    assert_eq!(std::fs::read(d.join("a.txt")).unwrap(), want);

    // A FIFO is written into and stays a FIFO.
    let fifo = d.join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    assert!(run(&args, Some(&fifo)).status.success());
    assert_eq!(reader.join().unwrap(), want);
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );

    // /dev/stdout: the output goes to standard output (here a pipe).
    let out = run(&args, Some(Path::new("/dev/stdout")));
    assert!(out.status.success());
    assert_eq!(out.stdout, want);

    // A long name, and nothing left beside it.
    let long = d.join("x".repeat(250));
    assert!(run(&args, Some(&long)).status.success());
    assert_eq!(std::fs::read(&long).unwrap(), want);
    let mut names = entries(d);
    names.retain(|n| n.ends_with(".tmp"));
    assert!(names.is_empty(), "{names:?}");
}

/// A full standard output is reported as a write error, never blamed on
/// the input (`parse --reassemble` said "cannot read: No space left").
#[cfg(target_os = "linux")]
#[test]
fn a_full_output_is_not_blamed_on_the_input() {
    for args in [
        &["parse", "--reassemble"][..],
        &["parse"],
        &["parse", "--summary"],
        &["parse", "--format", "jsonl"],
    ] {
        let mut all: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
        all.push(sample("lmm-session.txt").into());
        let (code, stderr) = run_to_dev_full(&all);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("No space left on device"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("cannot read"), "{args:?}: {stderr}");
    }
}

/// SIGINT or SIGTERM during an `-o` write removes the temporary file (it
/// was left behind in about half the runs) and leaves the target as it
/// was; the run exits with 130.
#[cfg(unix)]
#[test]
fn an_interrupted_write_leaves_nothing_behind() {
    let (name, args) = writers().remove(1); // summary --from-body
    for signal in ["INT", "TERM"] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        std::fs::write(&target, b"previous").unwrap();
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("sipmsrp"))
            .args(&args)
            .arg("-o")
            .arg(&target)
            .env("SIPMSRP_TEST_WRITE_DELAY_MS", "20000")
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        // Wait for the temporary file, then signal.
        let start = std::time::Instant::now();
        while !entries(dir.path()).iter().any(|n| n.ends_with(".tmp")) {
            assert!(start.elapsed().as_secs() < 10, "{name}: no temporary file");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let killed = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "{name} SIG{signal}");
        assert_eq!(entries(dir.path()), ["out"], "{name} SIG{signal}");
        assert_eq!(std::fs::read(&target).unwrap(), b"previous");
    }
}
