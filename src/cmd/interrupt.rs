//! Ctrl-C and SIGTERM: what a run would leave behind is cleaned up before
//! it ends. The temporary file of an `-o` write in progress is removed and
//! a progress line on the terminal is erased; the run then exits with 130
//! (128 + SIGINT, for SIGTERM too).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The temporary file being written, if any.
static TEMP: Mutex<Option<PathBuf>> = Mutex::new(None);
/// A progress line is on the terminal.
static PROGRESS: AtomicBool = AtomicBool::new(false);

/// Handle SIGINT and SIGTERM for the rest of the run.
pub fn install() {
    // Another handler already installed (tests) is left alone.
    let _ = ctrlc::set_handler(|| {
        let temp = TEMP.lock().map(|mut t| t.take()).unwrap_or(None);
        if let Some(p) = temp {
            let _ = std::fs::remove_file(p);
        }
        if PROGRESS.load(Ordering::SeqCst) {
            use std::io::Write;
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
        std::process::exit(130);
    });
}

/// The temporary file `p` was just created by this run (registered only
/// once it is ours, so that a signal never removes another's file).
pub fn temp_begins(p: &Path) {
    if let Ok(mut t) = TEMP.lock() {
        *t = Some(p.to_path_buf());
    }
}

/// The temporary file is gone: renamed into place, or removed.
pub fn temp_ends() {
    if let Ok(mut t) = TEMP.lock() {
        *t = None;
    }
}

/// Whether a progress line is on the terminal.
pub fn progress_drawn(on: bool) {
    PROGRESS.store(on, Ordering::SeqCst);
}
