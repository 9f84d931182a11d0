//! One module per subcommand, plus what they share: exit codes, input
//! loading, colour choice and atomic output.

use std::borrow::Cow;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use sipmsrp::capture::{self, CaptureOptions, CaptureReader};
use sipmsrp::framing::FrameOptions;
use sipmsrp::source::TextStream;

use crate::cli::{Cli, ColorChoice, Command};

pub mod interrupt;
mod progress;
pub use progress::Progress;

pub mod encap;
pub mod generate;
pub mod json;
pub mod lint;
mod ordered;
pub mod parse;
mod reassemble;
pub mod summary;
pub mod uri;

/// Exit code 0: nothing to report.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code 1: findings (or bad items in a batch).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code 2: usage or input error.
pub const EXIT_ERROR: u8 = 2;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let color = cli.color;
    match cli.command {
        Command::Parse(args) => parse::run(args, color),
        Command::Encap(args) => encap::run(args),
        Command::Lint(args) => lint::run(args, color),
        Command::Uri(args) => uri::run(args),
        Command::Summary(args) => summary::run(args),
        Command::GenerateAssets(args) => generate::run(args),
    }
}

/// True when the error (anywhere in its chain) is a write to a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Whether to colour output written to stdout.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    }
}

/// One text input: its display name and its bytes.
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// One opened input. Text is framed as it is read by `parse`
/// ([`TextInput::stream`]) and read whole by the subcommands that relate
/// messages across the input ([`TextInput::read_all`]); a capture is
/// streamed record by record, so memory stays flat however large it is.
/// Which one is decided by the first four bytes (the pcap and pcapng magic
/// numbers), sniffed without losing them, from files and standard input
/// alike.
pub enum Source {
    Text(TextInput),
    Capture(CaptureInput),
}

impl Source {
    pub fn name(&self) -> &str {
        match self {
            Source::Text(i) => &i.name,
            Source::Capture(c) => &c.name,
        }
    }
}

/// A text input not read yet: its name, its size when known, and a reader
/// positioned at its first byte.
pub struct TextInput {
    pub name: String,
    size: Option<u64>,
    reader: Box<dyn Read>,
}

impl TextInput {
    /// True for a regular file (see [`CaptureInput::is_file`]).
    pub fn is_file(&self) -> bool {
        self.size.is_some()
    }

    /// Read it whole, at most `max` bytes (`--max-input`).
    pub fn read_all(self, max: u64) -> Result<Input> {
        let size = self.size.map_or(0, |s| s.min(max).min(1 << 30) as usize);
        let bytes = read_capped(self.reader, &self.name, max, size)?;
        Ok(Input {
            name: self.name,
            bytes,
        })
    }

    /// Its first block of lines (to its first empty line; at most `n`
    /// bytes, fewer at its end), read without losing it: it is read again
    /// after. A pipe is not waited on beyond that block.
    pub fn prefix(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let mut reader = std::mem::replace(&mut self.reader, Box::new(io::empty()));
        let mut buf = Vec::new();
        let mut piece = vec![0; 64 * 1024];
        let result = loop {
            let want = piece.len().min(n - buf.len());
            match reader.read(&mut piece[..want]) {
                Ok(0) => break Ok(()),
                Ok(got) => {
                    let from = buf.len().saturating_sub(2);
                    buf.extend_from_slice(&piece[..got]);
                    let tail = &buf[from..];
                    let blank = memchr::memmem::find(tail, b"\n\n").is_some()
                        || memchr::memmem::find(tail, b"\n\r\n").is_some();
                    if blank || buf.len() >= n {
                        break Ok(());
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        self.reader = Box::new(io::Cursor::new(buf.clone()).chain(reader));
        result.map(|()| buf)
    }

    /// Its name and reader, to read it as a stream.
    pub fn into_reader(self) -> (String, Box<dyn Read>) {
        (self.name, self.reader)
    }

    /// Frame it as it is read.
    pub fn stream(self, opts: FrameOptions) -> (String, TextStream<Box<dyn Read>>) {
        (self.name, TextStream::new(self.reader, opts))
    }
}

/// A capture to stream: its name and a reader positioned at its magic number.
pub struct CaptureInput {
    pub name: String,
    size: Option<u64>,
    reader: Box<dyn Read>,
}

impl CaptureInput {
    /// True for a regular file (not a pipe or a terminal): nothing waits on
    /// its reads, so output need not keep pace with them.
    pub fn is_file(&self) -> bool {
        self.size.is_some()
    }

    /// The capture's events. An error (not a valid capture, an unknown link
    /// type) names the input.
    pub fn events(
        self,
        opts: CaptureOptions,
    ) -> Result<CaptureReader<Box<dyn Read>>, anyhow::Error> {
        let name = self.name;
        CaptureReader::new(self.reader, opts).map_err(|e| anyhow::anyhow!("{name}: {e}"))
    }

    /// The raw reader (for library functions that take any `Read`).
    pub fn into_reader(self) -> Box<dyn Read> {
        self.reader
    }
}

/// The inputs named (`-` or none: standard input), opened one after the
/// other as the iterator is advanced: at most one is open at a time. Every
/// file is checked first, so that one that cannot be opened is an error
/// before anything is written.
pub fn open_inputs<'a>(
    paths: &'a [PathBuf],
    progress: &'a Progress,
) -> Result<impl Iterator<Item = Result<Source>> + 'a> {
    let list: Vec<&'a Path> = if paths.is_empty() {
        vec![Path::new("-")]
    } else {
        paths.iter().map(PathBuf::as_path).collect()
    };
    for p in &list {
        if *p != Path::new("-") {
            std::fs::File::open(p).with_context(|| format!("{}: cannot read", p.display()))?;
        }
    }
    Ok(list.into_iter().map(move |p| open_input(p, progress)))
}

/// Open one input (`-`: standard input) and sniff what it is.
pub fn open_input(path: &Path, progress: &Progress) -> Result<Source> {
    let (name, size, reader): (String, Option<u64>, Box<dyn Read>) = if path == Path::new("-") {
        ("<stdin>".into(), None, Box::new(io::stdin().lock()))
    } else {
        let f = std::fs::File::open(path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let size = f
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .map(|m| m.len());
        (path.display().to_string(), size, Box::new(f))
    };
    let mut reader = progress.reader(&name, size, reader);
    let mut magic = [0u8; 4];
    let got = read_full(&mut reader, &mut magic).with_context(|| format!("{name}: cannot read"))?;
    let is_capture = capture::is_capture(&magic[..got]);
    // The sniffed bytes go back in front of the rest.
    let reader: Box<dyn Read> = Box::new(io::Cursor::new(magic).take(got as u64).chain(reader));
    if is_capture {
        return Ok(Source::Capture(CaptureInput { name, size, reader }));
    }
    Ok(Source::Text(TextInput { name, size, reader }))
}

/// Read until `buf` is full or the input ends; returns the bytes read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Read every input named whole, as text (`-` or none: standard input),
/// each at most `max` bytes. For options that take a document, not
/// messages (`--json-input`, `--from-body`).
pub fn read_inputs(paths: &[PathBuf], max: u64) -> Result<Vec<Input>> {
    if paths.is_empty() {
        return Ok(vec![read_input(Path::new("-"), max)?]);
    }
    paths.iter().map(|p| read_input(p, max)).collect()
}

/// Read one input whole (`-`: standard input), at most `max` bytes.
/// Errors name the file.
pub fn read_input(path: &Path, max: u64) -> Result<Input> {
    if path == Path::new("-") {
        let name = "<stdin>";
        let bytes = read_capped(Box::new(io::stdin().lock()), name, max, 0)?;
        return Ok(Input {
            name: name.into(),
            bytes,
        });
    }
    let name = path.display().to_string();
    let f = std::fs::File::open(path).with_context(|| format!("{name}: cannot read"))?;
    let size = f
        .metadata()
        .map_or(0, |m| m.len().min(max).min(1 << 30) as usize);
    let bytes = read_capped(Box::new(f), &name, max, size)?;
    Ok(Input { name, bytes })
}

/// All of `reader`, unless it holds more than `max` bytes: then an error
/// naming the input and the limit, with nothing more read (`/dev/zero`
/// given to lint took the machine's memory).
fn read_capped(reader: Box<dyn Read + '_>, name: &str, max: u64, size: usize) -> Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(size);
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(|| format!("{name}: cannot read"))?;
    if bytes.len() as u64 > max {
        anyhow::bail!(
            "{name}: more than {max} bytes; lint, encap and summary read a text input whole (raise --max-input, or give parse, which streams)"
        );
    }
    Ok(bytes)
}

/// Write `bytes` to `path`.
///
/// A regular file (or a new one) is replaced atomically: a new temporary
/// file in the same directory (never an existing one), written, synced,
/// given the mode of the file it replaces, then renamed over the target,
/// and the directory synced. On any failure the temporary file is removed
/// and the target is left as it was; the error names the target.
///
/// What is not a plain file is written through, never replaced: a device
/// (`-o /dev/stdout`, `/dev/null`), a FIFO or a socket is opened and written
/// as it is, a regular file with other hard links is rewritten in place so
/// that every name keeps seeing it, and a symbolic link is opened through
/// (the file it names gets the output, the link stays); none of these is
/// atomic.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let cannot = || format!("{}: cannot write", path.display());
    // A symbolic link is written through by the kernel, which applies its
    // protections (fs.protected_symlinks: a link planted by another user in
    // /tmp is refused); resolving it by hand and renaming into the target's
    // directory would get round them.
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        // A file (or none yet) is truncated; a device or pipe is not.
        let file = std::fs::metadata(path).map_or(true, |m| m.is_file());
        return write_through(path, bytes, file).with_context(cannot);
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory",
        ))
        .with_context(cannot),
        Ok(meta) if !meta.is_file() || hard_linked(&meta) => {
            write_through(path, bytes, meta.is_file()).with_context(cannot)
        }
        // A regular file, or a new one: replaced atomically.
        _ => replace(path, bytes).with_context(cannot),
    }
}

#[cfg(unix)]
fn hard_linked(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() > 1
}

#[cfg(not(unix))]
fn hard_linked(_: &std::fs::Metadata) -> bool {
    false
}

/// Open what is there and write into it (devices, FIFOs, hard-linked files,
/// symbolic links; a link to a file not there yet creates it).
fn write_through(path: &Path, bytes: &[u8], truncate: bool) -> io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(truncate)
        .truncate(truncate)
        .open(path)?;
    f.write_all(bytes)?;
    f.flush()?;
    if truncate {
        f.sync_all()?;
    }
    Ok(())
}

/// The atomic replacement of a regular (or new) file.
fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?;
    let (tmp, mut f) = create_temp(&dir, &file_name.to_string_lossy())?;
    // Test hook: hold the temporary file open this long, so that a test can
    // interrupt the write (tests/output.rs); unset in normal use.
    if let Some(ms) = std::env::var("SIPMSRP_TEST_WRITE_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    let result = (|| -> io::Result<()> {
        f.write_all(bytes)?;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.is_file()
        {
            f.set_permissions(meta.permissions())?;
        }
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        interrupt::temp_ends();
        // Make the rename itself durable (best effort: not every platform
        // can open a directory).
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
        interrupt::temp_ends();
    }
    result
}

/// A temporary file next to the target, created exclusively. Its name is
/// `.NAME.PID.N.tmp`, with NAME cut (at a character boundary) so that the
/// whole stays within the 255 bytes a file name may have.
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, std::fs::File)> {
    let mut attempt = 0u32;
    let pid = std::process::id();
    loop {
        let suffix = format!(".{pid}.{attempt}.tmp");
        let room = 255 - 1 - suffix.len();
        let mut cut = name.len().min(room);
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        let tmp = dir.join(format!(".{}{suffix}", &name[..cut]));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => {
                // Ours: the signal handler removes it (see `interrupt`).
                interrupt::temp_begins(&tmp);
                return Ok((tmp, f));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Write the whole output either to `-o FILE` (atomically) or to stdout.
pub fn emit(output: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match output {
        Some(path) => write_atomic(path, bytes),
        None => {
            let mut out = io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}

/// Text from the input made safe for a terminal: C0 control characters
/// other than TAB, and DEL, become their Unicode control pictures (ESC is
/// `␛` U+241B, BEL `␇`, CR `␍`), so no byte of an input can move the cursor,
/// retitle the window or clear the screen. One character for one, so
/// columns and carets keep their place. JSON escapes them by itself.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.bytes().any(is_control) && !s.chars().any(is_hidden_control) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\t' => c,
                '\0'..='\u{1f}' => {
                    char::from_u32(0x2400 + c as u32).unwrap_or(char::REPLACEMENT_CHARACTER)
                }
                '\u{7f}' => '\u{2421}',
                // C1 controls (U+009B is CSI) and the bidi overrides that
                // reorder what is shown: the replacement character.
                '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                    char::REPLACEMENT_CHARACTER
                }
                c => c,
            })
            .collect(),
    )
}

/// C1 controls and bidi overrides (multi-byte in UTF-8).
fn is_hidden_control(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn is_control(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

/// [`visible`] of bytes read as UTF-8 (invalid sequences replaced).
pub fn visible_bytes(b: &[u8]) -> String {
    visible(&String::from_utf8_lossy(b)).into_owned()
}

#[cfg(test)]
mod visible_tests {
    use super::*;

    #[test]
    fn controls_become_pictures_and_nothing_else_changes() {
        assert_eq!(visible("plain\ttext é"), "plain\ttext é");
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
        assert_eq!(visible("a\x1b[2Jb\x07"), "a\u{241b}[2Jb\u{2407}");
        assert_eq!(visible("\0\r\n\x7f"), "\u{2400}\u{240d}\u{240a}\u{2421}");
        assert_eq!(visible("\x1f").chars().count(), 1);
        assert_eq!(visible_bytes(b"x\x1b\xff"), "x\u{241b}\u{fffd}");
        assert_eq!(visible("a\u{9b}2Jb\u{202e}c"), "a\u{fffd}2Jb\u{fffd}c");
    }
}
