//! Preparing text input: the leniency for messages pasted from documents
//! with a uniform leading indentation, and mapping positions back.

use std::borrow::Cow;

use crate::finding::Finding;
use crate::framing;

/// Maps offsets in a prepared (dedented) buffer back to the original.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    /// (offset in prepared, offset in original) at each line start.
    lines: Vec<(usize, usize)>,
}

impl OffsetMap {
    pub fn to_original(&self, offset: usize) -> usize {
        match self.lines.binary_search_by_key(&offset, |&(p, _)| p) {
            Ok(i) => self.lines[i].1,
            Err(0) => offset,
            Err(i) => {
                let (p, o) = self.lines[i - 1];
                o + (offset - p)
            }
        }
    }
}

/// Input ready for framing.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    pub bytes: Cow<'a, [u8]>,
    /// Present when the bytes were rewritten.
    pub map: Option<OffsetMap>,
    /// Leniency findings (offsets in the original).
    pub findings: Vec<Finding>,
}

impl Prepared<'_> {
    /// Offset in the original input of an offset in `bytes`.
    pub fn original_offset(&self, offset: usize) -> usize {
        match &self.map {
            Some(m) => m.to_original(offset),
            None => offset,
        }
    }
}

/// Leading blanks in bytes: SP, HT, and U+00A0 (documents indent with it).
fn indent_of(line: &[u8]) -> usize {
    let mut i = 0;
    loop {
        match line.get(i..) {
            Some([b' ' | b'\t', ..]) => i += 1,
            Some([0xC2, 0xA0, ..]) => i += 2,
            _ => return i,
        }
    }
}

/// An indented start line for dedenting: a start line in its strict form
/// (`  SIP/2.0/UDP host` continues a folded Via, it starts nothing; see
/// `framing::strict_start_line`), followed by a header line indented at
/// least as much. Inside a body or a chunk's data, lines such as
/// ` 1970 00:00:00 GMT` or ` SIP/2.0` must not be taken for an indented
/// message.
fn indented_start_line(input: &[u8], at: usize, ind: usize) -> bool {
    let rest = &input[at..];
    let le = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    let line = rest[..le].strip_suffix(b"\r").unwrap_or(&rest[..le]);
    if !framing::strict_start_line(line) {
        return false;
    }
    let next = &rest[(le + 1).min(rest.len())..];
    let next = &next[..memchr::memchr(b'\n', next).unwrap_or(next.len())];
    let next_ind = indent_of(next);
    let h = &next[next_ind..];
    let n = h.iter().take_while(|&&b| crate::chars::is_token(b)).count();
    next_ind >= ind && n > 0 && h[n..].trim_ascii_start().first() == Some(&b':')
}

/// The dedent leniency, one line at a time: the same decisions for a whole
/// buffer ([`prepare`]) and for a stream read piece by piece ([`TextStream`]).
#[derive(Debug, Default, Clone)]
struct Dedent {
    /// Indentation of the message being dedented (0: none).
    current: usize,
}

/// What [`Dedent::line`] decided for one line.
struct LineCut {
    /// Length of the line with its `\n`.
    len: usize,
    /// Leading bytes to remove.
    strip: usize,
    /// The line is an indented start line (an `indented-message` finding).
    indented_start: bool,
}

impl Dedent {
    /// Decide the line at the start of `rest`. `eof`: nothing will follow
    /// `rest`. None when the line, or the line after it that the decision
    /// needs, is not complete yet.
    fn line(&mut self, rest: &[u8], eof: bool) -> Option<LineCut> {
        let len = match memchr::memchr(b'\n', rest) {
            Some(i) => i + 1,
            None if eof => rest.len(),
            None => return None,
        };
        let line = &rest[..len];
        let ind = indent_of(line);
        if ind == 0 && self.current == 0 {
            // Nothing to strip, and a start line here changes nothing.
            return Some(LineCut {
                len,
                strip: 0,
                indented_start: false,
            });
        }
        let content = &line[ind..];
        if content.iter().all(u8::is_ascii_whitespace) {
            // Whitespace-only lines of a dedented message become empty lines.
            let strip = if self.current > 0 { ind } else { 0 };
            return Some(LineCut {
                len,
                strip,
                indented_start: false,
            });
        }
        // Deciding whether this starts a message may need the next line.
        let needs_next = ind == 0 || framing::strict_start_line(chomp(content));
        if needs_next && !eof && memchr::memchr(b'\n', &rest[len..]).is_none() {
            return None;
        }
        let start = if ind == 0 {
            framing::classify(rest, 0).is_some()
        } else {
            needs_next && indented_start_line(rest, ind, ind)
        };
        if start {
            self.current = ind;
        }
        Some(LineCut {
            len,
            strip: ind.min(self.current),
            indented_start: start && ind > 0,
        })
    }
}

fn chomp(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn indented_finding(offset: usize, ind: usize) -> Finding {
    Finding::note(
        "indented-message",
        offset,
        format!("message indented by {ind} blanks (pasted from a document); indentation removed"),
    )
}

/// Remove the indentation of messages pasted from documents: when a start
/// line is indented, that indentation is removed from it and from the lines
/// that follow (up to that many leading blanks each), until a start line
/// that is not indented. Lines indented more stay indented by the
/// difference (header folding survives).
/// Returns the input unchanged (borrowed) when no start line is indented.
pub fn prepare(input: &[u8], dedent: bool) -> Prepared<'_> {
    let unchanged = Prepared {
        bytes: Cow::Borrowed(input),
        map: None,
        findings: Vec::new(),
    };
    if !dedent {
        return unchanged;
    }
    // Quick check: any indented start line at all?
    let mut any = false;
    let mut pos = 0;
    while pos < input.len() {
        let le = memchr::memchr(b'\n', &input[pos..]).map_or(input.len(), |i| pos + i);
        let ind = indent_of(&input[pos..le]);
        if ind > 0 && ind < le - pos && indented_start_line(input, pos + ind, ind) {
            any = true;
            break;
        }
        pos = le + 1;
    }
    if !any {
        return unchanged;
    }
    let mut out = Vec::with_capacity(input.len());
    let mut map = OffsetMap::default();
    let mut findings = Vec::new();
    let mut d = Dedent::default();
    let mut pos = 0;
    while let Some(cut) = d.line(&input[pos..], true).filter(|c| c.len > 0) {
        if cut.indented_start {
            findings.push(indented_finding(pos, cut.strip));
        }
        map.lines.push((out.len(), pos + cut.strip));
        out.extend_from_slice(&input[pos + cut.strip..pos + cut.len]);
        pos += cut.len;
    }
    Prepared {
        bytes: Cow::Owned(out),
        map: Some(map),
        findings,
    }
}

/// A position in a text input: byte offset in the original bytes, 1-based
/// line and column (in bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextPos {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

/// One item of a [`TextStream`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextItem {
    /// Bytes that are not a message, in the original input: where they
    /// start and how many. A run of junk is one item, however many reads
    /// it spans (the stream does not hold it: it may be larger than memory),
    /// up to the message limit: a longer run is given out in pieces of about
    /// that size, so that an endless one is reported as it goes.
    /// `message_like`: some of it looks like a broken message
    /// ([`framing::message_like`]), which makes it `junk` rather than
    /// `not-sip-or-msrp` ([`framing::junk_finding`]).
    Junk {
        at: TextPos,
        len: usize,
        message_like: bool,
    },
    /// A message; its offsets are in [`TextStream::window`].
    Message(framing::Frame),
}

/// Bytes read at a time; the window grows beyond it only for a message
/// (or a line) that does not fit.
const READ_BLOCK: usize = 256 * 1024;
/// A line longer than this without its `\n` is passed on undecided (not
/// taken for a start line), so that the wait for its end stays bounded.
const LONG_LINE: usize = 64 * 1024;

/// Text input framed as it is read, with the dedent leniency applied line by
/// line: memory holds the message being framed, not the input, and each
/// message is available as soon as its last byte has been read (a pipe
/// such as `tail -f log | sipmsrp parse -` shows messages as they come).
///
/// [`TextStream::next`] gives items whose offsets are in
/// [`TextStream::window`], valid until the next call. Framing is the same as
/// [`framing::Framer`] over the whole input (a [`framing::Scanner`] fed the
/// stream; the two are checked against each other by a fuzz target).
pub struct TextStream<R> {
    reader: R,
    scanner: framing::Scanner,
    /// The message limit: the window grows no further than it needs.
    max_message: usize,
    dedent: Dedent,
    /// `buf[..prep]`: prepared bytes; `buf[raw..filled]`: bytes read but not
    /// prepared yet (`prep <= raw`).
    buf: Vec<u8>,
    pos: usize,
    prep: usize,
    raw: usize,
    filled: usize,
    /// Prepared-stream offset of `buf[0]`.
    base: usize,
    /// Original offset of `buf[raw]`.
    raw_base: usize,
    /// The last bytes prepared ended without a `\n` (an unfinished line
    /// passed on): what follows continues that line, it is no line start.
    mid_line: bool,
    eof: bool,
    /// Lines whose indentation was removed, in prepared-stream offsets:
    /// (line start, its original offset after the removed bytes, how many
    /// were removed). The delta between the two holds until the next entry.
    map: std::collections::VecDeque<(usize, usize, usize)>,
    /// `indented-message` findings (original offsets) with the prepared-
    /// stream offset of their line, in order.
    lenient: std::collections::VecDeque<(Finding, usize)>,
    /// Line cursor over prepared-stream offsets: (offset, line, line start);
    /// `anchor` is where the current item starts, `cursor` moves from it.
    anchor: (usize, usize, usize),
    cursor: std::cell::Cell<(usize, usize, usize)>,
    /// Junk seen and not yet given out (more may follow it): where, how
    /// long, whether it looks like a broken message.
    junk: Option<(TextPos, usize, bool)>,
    /// A message framed right after junk, given out on the next call.
    held: Option<framing::Frame>,
    /// The first line of the junk run being seen or last given out (at
    /// most [`JUNK_LINE`] bytes), for a view of it.
    junk_line: Vec<u8>,
}

/// How much of a junk run's first line [`TextStream::junk_line`] keeps.
const JUNK_LINE: usize = 512;

impl<R: std::io::Read> TextStream<R> {
    pub fn new(reader: R, opts: framing::FrameOptions) -> Self {
        TextStream {
            reader,
            max_message: opts.max_message,
            scanner: framing::Scanner::new(opts),
            dedent: Dedent::default(),
            buf: Vec::new(),
            pos: 0,
            prep: 0,
            raw: 0,
            filled: 0,
            base: 0,
            raw_base: 0,
            mid_line: false,
            eof: false,
            map: std::collections::VecDeque::new(),
            lenient: std::collections::VecDeque::new(),
            anchor: (0, 1, 0),
            cursor: std::cell::Cell::new((0, 1, 0)),
            junk: None,
            held: None,
            junk_line: Vec::new(),
        }
    }

    /// The first line of the last [`TextItem::Junk`] given out, without its
    /// line end, as read (at most 512 bytes).
    pub fn junk_line(&self) -> &[u8] {
        &self.junk_line
    }

    /// The prepared bytes the last item's offsets refer to.
    pub fn window(&self) -> &[u8] {
        &self.buf[..self.prep]
    }

    /// The next item; None at the end of input. `before_read` is called
    /// before a read that may block (to flush output).
    pub fn next(
        &mut self,
        before_read: &mut dyn FnMut() -> std::io::Result<()>,
    ) -> std::io::Result<Option<TextItem>> {
        use framing::Step;
        if let Some(f) = self.held.take() {
            return Ok(Some(TextItem::Message(f)));
        }
        loop {
            let at_eof = self.eof && self.raw == self.filled;
            let step =
                self.scanner
                    .next(&self.buf[self.pos..self.prep], self.base + self.pos, at_eof);
            match step {
                Step::KeepAlive { len } => {
                    self.pos += len;
                    continue;
                }
                Step::Junk { len } => {
                    let start = self.pos;
                    self.pos += len;
                    self.anchor_at(start);
                    let n = self.original_len(start, self.pos);
                    let like = framing::message_like(&self.buf[start..self.pos]);
                    match &mut self.junk {
                        Some((_, total, l)) => {
                            *total += n;
                            *l |= like;
                            // An endless run (`/dev/zero`) is reported as
                            // it goes: a finding every --max-message bytes.
                            if *total >= self.max_message {
                                let (at, len, message_like) = self.junk.take().expect("junk");
                                return Ok(Some(TextItem::Junk {
                                    at,
                                    len,
                                    message_like,
                                }));
                            }
                        }
                        None => {
                            let rest = &self.buf[start..self.pos];
                            let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                            let line = &rest[..end.min(JUNK_LINE)];
                            self.junk_line.clear();
                            self.junk_line
                                .extend_from_slice(line.strip_suffix(b"\r").unwrap_or(line));
                            self.junk = Some((self.position(start), n, like));
                        }
                    }
                }
                Step::Message(mut f) => {
                    let start = self.pos;
                    f.start += start;
                    f.end += start;
                    for x in &mut f.findings {
                        x.offset += start;
                    }
                    self.pos = f.end.max(start + 1).min(self.prep);
                    self.anchor_at(f.start);
                    if let Some((at, len, message_like)) = self.junk.take() {
                        self.held = Some(f);
                        return Ok(Some(TextItem::Junk {
                            at,
                            len,
                            message_like,
                        }));
                    }
                    return Ok(Some(TextItem::Message(f)));
                }
                Step::End | Step::NeedMore if at_eof => {
                    return Ok(self
                        .junk
                        .take()
                        .map(|(at, len, message_like)| TextItem::Junk {
                            at,
                            len,
                            message_like,
                        }));
                }
                Step::End | Step::NeedMore => {
                    if self.raw == self.filled || !self.prepare_lines() {
                        if !self.eof {
                            before_read()?;
                        }
                        self.read_more()?;
                        self.prepare_lines();
                    }
                }
            }
        }
    }

    /// Prepare the complete lines read so far; true when any was.
    fn prepare_lines(&mut self) -> bool {
        let mut any = false;
        loop {
            let rest = &self.buf[self.raw..self.filled];
            if rest.is_empty() {
                break;
            }
            let cut = if self.mid_line {
                // The rest of a line passed on unfinished: it starts
                // nothing, so nothing is removed and nothing waited for.
                let len = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
                Some(LineCut {
                    len,
                    strip: 0,
                    indented_start: false,
                })
            } else {
                self.dedent.line(rest, self.eof)
            };
            let cut = match cut {
                Some(c) => c,
                None if self.dedent.current == 0 && !matches!(rest[0], b' ' | b'\t' | 0xC2) => {
                    // Not indented, outside a dedented message: nothing to
                    // decide, pass the unfinished line on (a body need not
                    // end with a line end, and a pipe must not wait for one).
                    LineCut {
                        len: rest.len(),
                        strip: 0,
                        indented_start: false,
                    }
                }
                None if rest.len() > LONG_LINE => {
                    // Pass a long unfinished line on without deciding it.
                    let ind = indent_of(&rest[..LONG_LINE]).min(self.dedent.current);
                    LineCut {
                        len: rest.len(),
                        strip: ind,
                        indented_start: false,
                    }
                }
                None => break,
            };
            // A piece that does not end a line leaves the stream mid-line.
            self.mid_line = rest[..cut.len].last() != Some(&b'\n');
            if cut.len == 0 {
                break;
            }
            let p = self.base + self.prep;
            if cut.indented_start {
                let f = indented_finding(self.raw_base, cut.strip);
                self.lenient.push_back((f, p));
            }
            if cut.strip > 0 {
                self.map
                    .push_back((p, self.raw_base + cut.strip, cut.strip));
            }
            let from = self.raw + cut.strip;
            let n = cut.len - cut.strip;
            if from != self.prep {
                self.buf.copy_within(from..from + n, self.prep);
            }
            self.prep += n;
            self.raw += cut.len;
            self.raw_base += cut.len;
            any = true;
        }
        any
    }

    /// Make room (dropping what has been framed) and read once.
    fn read_more(&mut self) -> std::io::Result<()> {
        if self.eof {
            return Ok(());
        }
        self.compact();
        if self.buf.len() - self.filled < READ_BLOCK / 2 {
            // Double, but no further than a message at the limit needs.
            let want = (self.buf.len() * 2)
                .max(READ_BLOCK)
                .min(self.max_message.saturating_add(2 * READ_BLOCK))
                .max(self.filled + READ_BLOCK / 2);
            self.buf.resize(want, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.filled..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.filled += n;
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Drop the bytes before `pos`: the prepared bytes not framed yet move to
    /// the front, the raw ones right after them.
    fn compact(&mut self) {
        let drop = self.pos;
        if drop == 0 && self.prep == self.raw {
            return;
        }
        self.advance_cursor(self.base + drop);
        if drop > 0 {
            self.buf.copy_within(drop..self.prep, 0);
        }
        let prep = self.prep - drop;
        if self.raw != prep {
            self.buf.copy_within(self.raw..self.filled, prep);
        }
        self.filled = prep + (self.filled - self.raw);
        self.raw = prep;
        self.prep = prep;
        self.pos = 0;
        self.base += drop;
        // Keep the last map entry at or before the new start.
        while self.map.len() > 1 && self.map[1].0 <= self.base {
            self.map.pop_front();
        }
        while self.lenient.front().is_some_and(|&(_, p)| p < self.base) {
            self.lenient.pop_front();
        }
    }

    /// Move the line cursor forward to prepared-stream offset `to` (at or
    /// after it, inside the window) and make it the anchor.
    fn advance_cursor(&mut self, to: usize) {
        let (at, mut line, mut start) = self.anchor;
        if to > at {
            let span = &self.buf[at - self.base..to - self.base];
            line += memchr::memchr_iter(b'\n', span).count();
            if let Some(last) = memchr::memrchr(b'\n', span) {
                start = at + last + 1;
            }
            self.anchor = (to, line, start);
        }
        self.cursor.set(self.anchor);
    }

    fn anchor_at(&mut self, window_offset: usize) {
        self.advance_cursor(self.base + window_offset);
    }

    /// Original offset of a prepared-stream offset.
    fn original(&self, p: usize) -> usize {
        let i = self.map.partition_point(|e| e.0 <= p);
        match i {
            0 => p,
            _ => {
                let (ep, eo, _) = self.map[i - 1];
                eo + (p - ep)
            }
        }
    }

    /// Indentation removed from the line starting at prepared-stream `p`.
    fn strip_at(&self, p: usize) -> usize {
        let i = self.map.partition_point(|e| e.0 < p);
        match self.map.get(i) {
            Some(&(ep, _, strip)) if ep == p => strip,
            _ => 0,
        }
    }

    /// Where an offset of the window (at or after the last item's start) is
    /// in the original input.
    pub fn position(&self, window_offset: usize) -> TextPos {
        let p = self.base + window_offset.min(self.prep);
        let (mut at, mut line, mut start) = self.cursor.get();
        if p < at {
            (at, line, start) = self.anchor;
        }
        let p = p.max(at);
        let span = &self.buf[at - self.base..p - self.base];
        line += memchr::memchr_iter(b'\n', span).count();
        if let Some(last) = memchr::memrchr(b'\n', span) {
            start = at + last + 1;
        }
        self.cursor.set((p, line, start));
        let offset = self.original(p);
        let line_start = self.original(start) - self.strip_at(start);
        TextPos {
            offset,
            line,
            column: offset - line_start + 1,
        }
    }

    /// Lines starting inside the window's `start..end` (after `start`) whose
    /// indentation was removed: (offset from `start`, bytes removed).
    pub fn removed(&self, start: usize, end: usize) -> Vec<(usize, usize)> {
        let (s, e) = (self.base + start, self.base + end);
        let i = self.map.partition_point(|m| m.0 <= s);
        self.map
            .range(i..)
            .take_while(|m| m.0 < e)
            .map(|&(p, _, strip)| (p - s, strip))
            .collect()
    }

    /// True when no indentation was removed from any line of the window's
    /// `start..end`, nor from a line starting at `end` (a finding at the
    /// end of a message is placed after that line's indentation): positions
    /// inside it then follow from the position of `start` and the bytes
    /// alone (a rendering thread computes them).
    pub fn is_plain(&self, start: usize, end: usize) -> bool {
        let (s, e) = (self.base + start, self.base + end);
        let i = self.map.partition_point(|m| m.0 < s);
        self.map.get(i).is_none_or(|m| m.0 > e)
    }

    /// Length in the original input of the window's `start..end`: from the
    /// first byte to just past the last, indentation removed in between
    /// included.
    pub fn original_len(&self, start: usize, end: usize) -> usize {
        if end <= start {
            return 0;
        }
        self.original(self.base + end - 1) + 1 - self.original(self.base + start)
    }

    /// The `indented-message` findings of lines in the window's
    /// `start..end`, with their positions (the start of the indented line);
    /// those of earlier lines are dropped (they began no message).
    pub fn leniency(&mut self, start: usize, end: usize) -> Vec<(Finding, TextPos)> {
        let (s, e) = (self.base + start, self.base + end);
        let mut out = Vec::new();
        while let Some(&(_, p)) = self.lenient.front() {
            if p >= e {
                break;
            }
            let (f, p) = self.lenient.pop_front().expect("front");
            if p >= s {
                let at = self.position(p - self.base);
                let pos = TextPos {
                    offset: f.offset,
                    line: at.line,
                    column: 1,
                };
                out.push((f, pos));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_lines_that_look_like_start_lines_are_not_dedented() {
        // Chunk data starting with a blank: not an indented message.
        for data in [&b" SIP/2.0"[..], b" 1970 00:00:00 GMT\r\nCSeq: 1 MESSAGE"] {
            let mut input = b"MSRP a1b2c3d4 SEND\r\nTo-Path: msrp://a.example:1/x;tcp\r\nFrom-Path: msrp://b.example:2/y;tcp\r\nMessage-ID: m1234\r\nByte-Range: 5-9/40\r\nContent-Type: text/plain\r\n\r\n".to_vec();
            input.extend_from_slice(data);
            input.extend_from_slice(b"\r\n-------a1b2c3d4+\r\n");
            let p = prepare(&input, true);
            assert!(p.map.is_none(), "{}", String::from_utf8_lossy(data));
        }
        // A pasted message whose headers are indented more than its start line.
        let p = prepare(b" INVITE sip:a@b SIP/2.0\n   To: <sip:a@b>\n\n", true);
        assert_eq!(&*p.bytes, b"INVITE sip:a@b SIP/2.0\n  To: <sip:a@b>\n\n");
    }

    #[test]
    fn dedents_pasted_messages_and_maps_offsets_back() {
        let input = b"   MESSAGE sip:a@b SIP/2.0\n   Call-ID: x\n     folded\n   l: 2\n \n   hi";
        let p = prepare(input, true);
        assert_eq!(
            &*p.bytes,
            b"MESSAGE sip:a@b SIP/2.0\nCall-ID: x\n  folded\nl: 2\n\nhi"
        );
        assert_eq!(p.findings.len(), 1);
        assert_eq!(p.findings[0].code, "indented-message");
        // "Call-ID" starts at 24 in prepared, 30 in the original.
        assert_eq!(p.original_offset(24), 30);
        assert_eq!(p.original_offset(26), 32);
    }

    #[test]
    fn non_breaking_space_indentation_counts() {
        let input = "\u{a0}\u{a0} MESSAGE sip:a@b SIP/2.0\n\u{a0}\u{a0} l: 0\n\n".as_bytes();
        let p = prepare(input, true);
        assert_eq!(&*p.bytes, b"MESSAGE sip:a@b SIP/2.0\nl: 0\n\n");
    }

    #[test]
    fn folded_via_continuation_is_not_a_pasted_start_line() {
        let input = b"INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP a;branch=z9hG4bK1,\r\n  SIP/2.0/UDP b;branch=z9hG4bK2\r\nSubject: x\r\n   and more\r\nl: 0\r\n\r\n";
        let p = prepare(input, true);
        assert!(matches!(p.bytes, Cow::Borrowed(_)));
        assert!(p.findings.is_empty());
    }

    #[test]
    fn stream_tells_plain_messages_and_the_indentation_removed() {
        let opts = framing::FrameOptions {
            max_message: 1 << 20,
            datagram: false,
            text: true,
        };
        let plain = b"MESSAGE sip:a@b SIP/2.0\r\nl: 4\r\n\r\nabcd";
        // Dedented: "MESSAGE ...\r\nl: 7\r\n\r\nx\r\nyz\r\n" (body "x\r\nyz\r\n").
        let pasted = b"  MESSAGE sip:a@b SIP/2.0\r\n  l: 7\r\n\r\n  x\r\n  yz\r\n";
        let input = [&plain[..], b"\r\n\r\n", &pasted[..]].concat();
        let mut s = TextStream::new(&input[..], opts);
        let mut seen = Vec::new();
        while let Some(item) = s.next(&mut || Ok(())).unwrap() {
            if let TextItem::Message(f) = item {
                let w = s.window();
                let body = memchr::memmem::find(&w[f.start..f.end], b"\r\n\r\n").unwrap() + 4;
                let body = f.start + body..f.end;
                seen.push((
                    s.is_plain(f.start, f.end),
                    w[body.clone()].to_vec(),
                    s.removed(body.start, body.end),
                    s.removed(f.start, f.end),
                ));
            }
        }
        assert_eq!(seen.len(), 2);
        // The first message: nothing removed.
        assert_eq!(seen[0], (true, b"abcd".to_vec(), vec![], vec![]));
        // The second: two bytes from every line. Seen from its body, the
        // line "yz" starts 3 bytes in (the body's own first line is the
        // caller's to place); seen from the message, the lines after the
        // start line: the header, the blank line (nothing to remove), "x", "yz".
        let (plain, body, from_body, from_start) = &seen[1];
        assert!(!plain);
        assert_eq!(body, b"x\r\nyz\r\n");
        assert_eq!(from_body, &vec![(3, 2)]);
        assert_eq!(
            from_start.iter().map(|&(_, n)| n).collect::<Vec<_>>(),
            [2, 2, 2]
        );
    }

    #[test]
    fn unindented_input_is_borrowed() {
        let input = b"MESSAGE sip:a@b SIP/2.0\r\nl: 0\r\n\r\n";
        assert!(matches!(prepare(input, true).bytes, Cow::Borrowed(_)));
    }
}
