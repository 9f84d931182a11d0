//! A progress line on standard error while long inputs are read.
//!
//! Shown only when standard error is a terminal (and, for commands that
//! write their results to standard output as they go, only when standard
//! output is not that terminal too: the output itself shows the progress
//! there), and only once an input has taken more than a second. It says the
//! bytes read (of the total, when the size is known) and the messages found,
//! is redrawn at most ten times a second with a carriage return, and is
//! erased when the input is done or the command ends. No dependency: plain
//! `\r` and the ANSI erase-line sequence.
//!
//! For tests: `SIPMSRP_PROGRESS=always` draws it whatever standard error is,
//! `SIPMSRP_PROGRESS=never` turns it off, and `SIPMSRP_PROGRESS_DELAY_MS`
//! replaces the one-second delay.

use std::cell::{Cell, RefCell};
use std::io::{self, IsTerminal, Read, Write};
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Time an input must take before the line appears.
const DELAY: Duration = Duration::from_secs(1);
/// Shortest time between two redraws.
const EVERY: Duration = Duration::from_millis(100);
/// Erase the current terminal line and go back to its start.
const ERASE: &str = "\r\x1b[2K";

/// The progress line (a no-op when disabled).
pub struct Progress {
    state: Option<Rc<State>>,
}

struct State {
    delay: Duration,
    start: Cell<Instant>,
    last: Cell<Option<Instant>>,
    name: RefCell<String>,
    bytes: Cell<u64>,
    total: Cell<Option<u64>>,
    messages: Cell<u64>,
    drawn: Cell<bool>,
}

impl Progress {
    /// Never shown.
    pub fn disabled() -> Self {
        Progress { state: None }
    }

    /// Shown on a terminal. `streams_stdout`: the command writes its results
    /// to standard output while it reads.
    pub fn auto(streams_stdout: bool) -> Self {
        let mode = std::env::var("SIPMSRP_PROGRESS").unwrap_or_default();
        let on = match mode.as_str() {
            "always" => true,
            "never" => false,
            _ => io::stderr().is_terminal() && !(streams_stdout && io::stdout().is_terminal()),
        };
        let delay = std::env::var("SIPMSRP_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(DELAY, Duration::from_millis);
        if !on {
            return Progress::disabled();
        }
        Progress {
            state: Some(Rc::new(State {
                delay,
                start: Cell::new(Instant::now()),
                last: Cell::new(None),
                name: RefCell::new(String::new()),
                bytes: Cell::new(0),
                total: Cell::new(None),
                messages: Cell::new(0),
                drawn: Cell::new(false),
            })),
        }
    }

    /// Start a new input: `reader` is counted as it is read.
    pub fn reader(&self, name: &str, size: Option<u64>, reader: Box<dyn Read>) -> Box<dyn Read> {
        let Some(st) = &self.state else {
            return reader;
        };
        st.clear();
        *st.name.borrow_mut() = name.to_string();
        st.bytes.set(0);
        st.total.set(size);
        st.messages.set(0);
        st.start.set(Instant::now());
        st.last.set(None);
        Box::new(Counted {
            inner: reader,
            state: Rc::clone(st),
        })
    }

    /// One more message found.
    pub fn message(&self) {
        if let Some(st) = &self.state {
            let n = st.messages.get() + 1;
            st.messages.set(n);
            if n.is_multiple_of(64) {
                st.tick();
            }
        }
    }

    /// Erase the line (before other output on standard error).
    pub fn clear(&self) {
        if let Some(st) = &self.state {
            st.clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

impl State {
    fn tick(&self) {
        let now = Instant::now();
        if now.duration_since(self.start.get()) < self.delay {
            return;
        }
        if self
            .last
            .get()
            .is_some_and(|l| now.duration_since(l) < EVERY)
        {
            return;
        }
        self.last.set(Some(now));
        let line = self.line(now);
        let mut err = io::stderr().lock();
        let _ = write!(err, "{ERASE}{line}");
        let _ = err.flush();
        self.drawn.set(true);
        super::interrupt::progress_drawn(true);
    }

    fn line(&self, now: Instant) -> String {
        let name = self.name.borrow();
        let shown: String = if name.chars().count() > 40 {
            let tail: Vec<char> = name.chars().rev().take(39).collect();
            std::iter::once('…').chain(tail.into_iter().rev()).collect()
        } else {
            name.clone()
        };
        let bytes = self.bytes.get();
        let secs = now.duration_since(self.start.get()).as_secs_f64();
        let rate = if secs > 0.0 {
            format!(", {}/s", size(bytes as f64 / secs))
        } else {
            String::new()
        };
        let n = self.messages.get();
        let msgs = format!("{n} message{}", if n == 1 { "" } else { "s" });
        match self.total.get() {
            Some(t) if t > 0 => format!(
                "sipmsrp: {shown}: {} / {} ({:.0}%{rate}), {msgs}",
                size(bytes as f64),
                size(t as f64),
                (bytes as f64 * 100.0 / t as f64).min(100.0)
            ),
            _ => format!("sipmsrp: {shown}: {}{rate}, {msgs}", size(bytes as f64)),
        }
    }

    fn clear(&self) {
        if self.drawn.replace(false) {
            let mut err = io::stderr().lock();
            let _ = write!(err, "{ERASE}");
            let _ = err.flush();
            super::interrupt::progress_drawn(false);
        }
    }
}

/// Bytes in B, kB, MB or GB (powers of 1000).
fn size(b: f64) -> String {
    const UNITS: [&str; 4] = ["B", "kB", "MB", "GB"];
    let mut v = b;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < UNITS.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{v:.0} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Counts the bytes read and redraws the line now and then.
struct Counted {
    inner: Box<dyn Read>,
    state: Rc<State>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.state.bytes.set(self.state.bytes.get() + n as u64);
        self.state.tick();
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_readable() {
        assert_eq!(size(999.0), "999 B");
        assert_eq!(size(1500.0), "1.5 kB");
        assert_eq!(size(2_500_000_000.0), "2.5 GB");
    }
}
