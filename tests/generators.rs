//! The generators cannot drift from what they generated: every `make.py` in
//! the repository is run with `python3 make.py --out TEMPDIR`, and what it
//! writes must be, file for file and byte for byte, what is committed in its
//! folder. A generator owns every file of its folder (not of its
//! subfolders) except the hand-written ones listed in [`GENERATORS`].
//!
//! Without `python3` the tests print a `SKIPPED` line and pass, except under
//! CI (env var `CI` set), where they fail.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One generator and the files of its folder it does not write.
struct Generator {
    /// The script, relative to the repository root.
    script: &'static str,
    /// Files in the script's folder that are hand-written (the script itself
    /// included). Every other file of the folder is the generator's.
    hand_written: &'static [&'static str],
}

/// Every `make.py` of the repository ([`every_make_py_is_checked`] keeps this
/// list complete).
const GENERATORS: &[Generator] = &[
    Generator {
        script: "samples/make.py",
        // README.md documents the samples; .gitattributes keeps them -text.
        hand_written: &["make.py", "README.md", ".gitattributes"],
    },
    Generator {
        script: "tests/fixtures/lint/make.py",
        // .gitattributes keeps the fixtures -text. The fix/ subfolder has its
        // own generator (subfolders are never owned by the parent).
        hand_written: &["make.py", ".gitattributes"],
    },
    Generator {
        script: "tests/fixtures/lint/fix/make.py",
        // -text comes from tests/fixtures/lint/.gitattributes.
        hand_written: &["make.py"],
    },
    Generator {
        script: "tests/fixtures/span/make.py",
        hand_written: &["make.py", ".gitattributes"],
    },
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `python3` can be run. When it cannot: under CI a panic, elsewhere
/// a visible `SKIPPED` line on standard error (written past libtest's
/// capture) and `false`.
fn python3_or_skip(test: &str) -> bool {
    match Command::new("python3").arg("--version").output() {
        Ok(out) if out.status.success() => true,
        other => {
            let why = match other {
                Ok(out) => format!("`python3 --version` exited with {}", out.status),
                Err(e) => format!("python3 cannot be run: {e}"),
            };
            if std::env::var_os("CI").is_some() {
                panic!("{why} (CI is set: the generator checks must run)");
            }
            let msg = format!("SKIPPED {test}: {why}\n");
            let _ = std::io::Write::write_all(&mut std::io::stderr(), msg.as_bytes());
            false
        }
    }
}

/// Relative paths (with `/`) of every file under `dir`, recursively.
fn files_under(dir: &Path) -> BTreeSet<String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap();
                let parts: Vec<_> = rel.iter().map(|c| c.to_string_lossy()).collect();
                out.insert(parts.join("/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

/// Names of the files directly in `dir` (subfolders left out).
fn files_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// Where two byte strings first differ: 1-based line number and the two
/// lines (escaped), or `None` when they are equal.
fn first_difference(want: &[u8], got: &[u8]) -> Option<(usize, String, String)> {
    if want == got {
        return None;
    }
    let show = |l: Option<&[u8]>| match l {
        Some(l) => format!("\"{}\"", l.escape_ascii()),
        None => "<end of file>".to_string(),
    };
    let mut a = want.split_inclusive(|&b| b == b'\n');
    let mut b = got.split_inclusive(|&b| b == b'\n');
    let mut line = 1;
    loop {
        let (x, y) = (a.next(), b.next());
        if x != y {
            return Some((line, show(x), show(y)));
        }
        line += 1;
    }
}

/// Run `g` into a temporary directory and compare with its folder.
fn check(g: &Generator) {
    if !python3_or_skip(g.script) {
        return;
    }
    let script = root().join(g.script);
    let folder = script.parent().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new("python3")
        .arg(&script)
        .arg("--out")
        .arg(tmp.path())
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python3 {} --out DIR failed ({}):\n{}",
        g.script,
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );

    let committed = files_in(folder);
    for h in g.hand_written {
        assert!(
            committed.contains(*h),
            "{}: hand-written file {h} is listed in tests/generators.rs but missing: update the list",
            g.script
        );
    }
    let owned: BTreeSet<String> = committed
        .iter()
        .filter(|f| !g.hand_written.contains(&f.as_str()))
        .cloned()
        .collect();
    let written = files_under(tmp.path());

    let missing: Vec<_> = owned.difference(&written).collect();
    let extra: Vec<_> = written.difference(&owned).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{}: the files it writes are not the committed ones.\n  \
         committed but not written (delete them, or list them as hand-written in tests/generators.rs): {missing:?}\n  \
         written but not committed (run `python3 {}` and commit): {extra:?}",
        g.script,
        g.script
    );

    let mut differing = Vec::new();
    for name in &written {
        let want = std::fs::read(folder.join(name)).unwrap();
        let got = std::fs::read(tmp.path().join(name)).unwrap();
        if let Some(d) = first_difference(&want, &got) {
            differing.push((name, d));
        }
    }
    if let Some((name, (line, want, got))) = differing.first() {
        let all: Vec<_> = differing.iter().map(|(n, _)| n.as_str()).collect();
        panic!(
            "{}: {} of {} files differ from what it writes: {all:?}\n\
             first: {}/{name}, line {line}\n  committed: {want}\n  generated: {got}\n\
             Fix the generator, or run `python3 {}` and commit the result.",
            g.script,
            differing.len(),
            written.len(),
            folder.strip_prefix(root()).unwrap().display(),
            g.script
        );
    }
}

fn generator(script: &str) -> &'static Generator {
    GENERATORS
        .iter()
        .find(|g| g.script == script)
        .unwrap_or_else(|| panic!("{script} is not in GENERATORS"))
}

/// samples/*.sip, *.msrp, *.txt are exactly what samples/make.py writes
/// (the README's promise that they are regenerated byte for byte).
#[test]
fn samples_match_their_generator() {
    check(generator("samples/make.py"));
}

/// Every `RULE.good.EXT` / `RULE.bad.EXT` lint fixture is exactly what
/// tests/fixtures/lint/make.py writes, and none is left over from a removed rule.
#[test]
fn lint_fixtures_match_their_generator() {
    check(generator("tests/fixtures/lint/make.py"));
}

/// The `lint --fix` inputs are exactly what tests/fixtures/lint/fix/make.py writes.
#[test]
fn lint_fix_fixtures_match_their_generator() {
    check(generator("tests/fixtures/lint/fix/make.py"));
}

/// The span torture inputs are exactly what tests/fixtures/span/make.py writes.
#[test]
fn span_fixtures_match_their_generator() {
    check(generator("tests/fixtures/span/make.py"));
}

/// No generator escapes these checks: every `make.py` in the repository
/// (outside `target` and hidden folders) is listed in [`GENERATORS`], and
/// every listed one exists.
#[test]
fn every_make_py_is_checked() {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    walk(base, &p, out);
                }
            } else if name == "make.py" {
                let rel = p.strip_prefix(base).unwrap();
                let parts: Vec<_> = rel.iter().map(|c| c.to_string_lossy()).collect();
                out.insert(parts.join("/"));
            }
        }
    }
    let mut found = BTreeSet::new();
    walk(&root(), &root(), &mut found);
    let listed: BTreeSet<String> = GENERATORS.iter().map(|g| g.script.to_string()).collect();
    assert_eq!(
        found, listed,
        "every make.py must be listed in GENERATORS (tests/generators.rs), and only those"
    );
}

/// The mismatch report names the first differing line, CR and LF shown,
/// and a file that ends early.
#[test]
fn first_difference_names_the_line() {
    assert_eq!(first_difference(b"a\nb\n", b"a\nb\n"), None);
    assert_eq!(
        first_difference(b"a\r\nb\r\n", b"a\r\nc\r\n"),
        Some((2, "\"b\\r\\n\"".into(), "\"c\\r\\n\"".into()))
    );
    assert_eq!(
        first_difference(b"a\n", b"a\nmore"),
        Some((2, "<end of file>".into(), "\"more\"".into()))
    );
}
