//! The committed man pages and shell completions must match what the clap
//! definitions generate: this fails when they drift.

use assert_cmd::Command;

#[test]
fn man_pages_and_completions_match_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("sipmsrp")
        .unwrap()
        .args(["generate-assets", "--out-dir"])
        .arg(dir.path())
        .assert()
        .success();
    let mut compared = 0;
    for sub in ["man", "completions"] {
        let fresh = dir.path().join(sub);
        let mut names: Vec<_> = std::fs::read_dir(&fresh)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        let mut committed: Vec<_> = std::fs::read_dir(sub)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        committed.sort();
        assert_eq!(
            names, committed,
            "{sub}/ differs in files: run `cargo run -- generate-assets`"
        );
        for name in names {
            let want = std::fs::read(fresh.join(&name)).unwrap();
            let have = std::fs::read(std::path::Path::new(sub).join(&name)).unwrap();
            assert!(
                want == have,
                "{sub}/{} is stale: run `cargo run -- generate-assets`",
                name.to_string_lossy()
            );
            compared += 1;
        }
    }
    assert!(compared >= 6);
}
