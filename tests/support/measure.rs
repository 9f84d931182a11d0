//! The peak-memory helper shared by tests/limits.rs and
//! tests/capture_lossless.rs (included with `#[path]`).

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Run the binary; return its output and its peak RSS in bytes (when measurable).
pub fn run_measured(args: &[&str], file: &Path) -> (Output, Option<usize>) {
    let bin = env!("CARGO_BIN_EXE_sipmsrp");
    let time = Path::new("/usr/bin/time");
    if time.exists() {
        let mut out = Command::new(time)
            .args(["-f", "peak-rss-kb=%M", bin])
            .args(args)
            .arg(file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if let Some(at) = stderr.rfind("peak-rss-kb=") {
            let kb: usize = stderr[at + 12..].trim().parse().unwrap();
            // `time` adds a line for a non-zero exit; drop its lines.
            let own: String = stderr[..at]
                .lines()
                .filter(|l| !l.starts_with("Command exited with non-zero status"))
                .map(|l| format!("{l}\n"))
                .collect();
            out.stderr = own.into_bytes();
            return (out, Some(kb * 1024));
        }
        panic!("/usr/bin/time gave no figure: {stderr}");
    }
    let mut child = Command::new(bin)
        .args(args)
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut v).unwrap();
        v
    });
    let mut peak: Option<usize> = None;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_path)
            && let Some(line) = s.lines().find(|l| l.starts_with("VmHWM:"))
        {
            let kb: usize = line[6..]
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .unwrap();
            peak = Some(peak.unwrap_or(0).max(kb * 1024));
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let stdout = reader.join().unwrap();
    let mut out = child.wait_with_output().unwrap();
    out.stdout = stdout;
    (out, peak)
}
