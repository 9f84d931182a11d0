//! Findings: every deviation the core notices, with a stable code and a position.
//!
//! A finding's `offset` is an absolute byte offset into the buffer the message
//! was parsed from. Line and column are derived on output with [`LineIndex`],
//! so the hot path never counts lines.

use std::fmt;

/// How bad a finding is. Ordered: `Note < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Informational: legal but noteworthy (for example SIP header folding).
    Note,
    /// A leniency was applied or something is suspicious.
    Warning,
    /// The input breaks a grammar or a rule.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "note" | "info" => Some(Severity::Note),
            "warning" | "warn" => Some(Severity::Warning),
            "error" | "deny" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One deviation, at a byte offset of the parsed buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable kebab-case code (scripts match on it).
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Absolute byte offset in the buffer the message was parsed from.
    pub offset: usize,
    /// Length of the offending bytes (0 when it is a point).
    pub len: usize,
    /// Where inside the message tree: e.g. `part 2 > header Via`. Empty at top level.
    pub path: String,
}

impl Finding {
    pub fn new(
        code: &'static str,
        severity: Severity,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            code,
            severity,
            message: message.into(),
            offset,
            len: 0,
            path: String::new(),
        }
    }

    pub fn error(code: &'static str, offset: usize, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, offset, message)
    }

    pub fn warning(code: &'static str, offset: usize, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, offset, message)
    }

    pub fn note(code: &'static str, offset: usize, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Note, offset, message)
    }

    pub fn with_len(mut self, len: usize) -> Self {
        self.len = len;
        self
    }

    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Prefix the path with an outer component (`part 2` then ` > ` then the inner path).
    pub fn nest(mut self, outer: &str) -> Self {
        if outer.is_empty() {
            return self;
        }
        self.path = if self.path.is_empty() {
            outer.to_string()
        } else {
            format!("{outer} > {}", self.path)
        };
        self
    }
}

/// Offset of `inner` within `base`, when `inner` is a subslice of `base`.
///
/// Every parsed view borrows the input, so this gives absolute positions for
/// findings at any depth without threading offsets through the parsers.
#[inline]
pub fn offset_in(base: &[u8], inner: &[u8]) -> usize {
    let b = base.as_ptr() as usize;
    let i = inner.as_ptr() as usize;
    if i >= b && i <= b + base.len() {
        i - b
    } else {
        0
    }
}

/// Line and column (both 1-based; column counts bytes) of byte offsets in one buffer.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(buf: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', buf).map(|i| i + 1));
        LineIndex { starts }
    }

    /// (line, column), 1-based.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        (line + 1, offset - self.starts[line] + 1)
    }

    /// Byte offset of the start of a 1-based line.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0)
    }
}

/// Line and column of offsets in one buffer, found by counting line ends
/// from the last offset asked about. No memory per line, so it suits inputs
/// of any size; cheap when offsets come roughly in order (messages, then
/// their findings), as they do when printing.
#[derive(Debug)]
pub struct LineCursor<'a> {
    buf: &'a [u8],
    /// (offset, its 1-based line, the offset where that line starts).
    at: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> LineCursor<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        LineCursor {
            buf,
            at: std::cell::Cell::new((0, 1, 0)),
        }
    }

    /// (line, column), 1-based, as [`LineIndex::line_col`]. Offsets past the
    /// end count as the end.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.buf.len());
        let (at, mut line, mut start) = self.at.get();
        if offset >= at {
            let span = &self.buf[at..offset];
            line += memchr::memchr_iter(b'\n', span).count();
            if let Some(last) = memchr::memrchr(b'\n', span) {
                start = at + last + 1;
            }
        } else {
            line -= memchr::memchr_iter(b'\n', &self.buf[offset..at]).count();
            start = memchr::memrchr(b'\n', &self.buf[..offset]).map_or(0, |i| i + 1);
        }
        self.at.set((offset, line, start));
        (line, offset - start + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn line_cursor_agrees_with_line_index(
            buf in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'\r'), Just(b'a')], 0..200),
            offsets in proptest::collection::vec(0usize..220, 0..30),
        ) {
            let idx = LineIndex::new(&buf);
            let cur = LineCursor::new(&buf);
            for o in offsets {
                let o = o.min(buf.len());
                prop_assert_eq!(cur.line_col(o), idx.line_col(o), "offset {}", o);
            }
        }
    }

    #[test]
    fn line_index_counts_lines_and_columns() {
        let idx = LineIndex::new(b"ab\r\ncd\nef");
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(3), (1, 4));
        assert_eq!(idx.line_col(4), (2, 1));
        assert_eq!(idx.line_col(8), (3, 2));
        assert_eq!(idx.line_start(3), 7);
    }

    #[test]
    fn offset_in_subslice() {
        let buf = b"hello world";
        assert_eq!(offset_in(buf, &buf[6..]), 6);
        // A slice outside the base (here: past its end) maps to 0.
        let big = [0u8; 64];
        assert_eq!(offset_in(&big[..8], &big[32..]), 0);
        assert_eq!(offset_in(&big[16..], &big[..4]), 0);
    }

    #[test]
    fn nest_builds_paths_outside_in() {
        let f = Finding::error("x", 0, "m")
            .with_path("header Via")
            .nest("part 2");
        assert_eq!(f.path, "part 2 > header Via");
        assert_eq!(f.clone().nest("").path, f.path);
    }
}
