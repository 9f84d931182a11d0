//! The floor: read a file and count CRLFCRLF with memchr's memmem, nothing
//! else. `floor FILE` prints `{"bytes":N,"crlfcrlf":M}`.
//!
//! Reads in 1 MiB blocks (a match across a block boundary is counted once), so
//! its memory is flat like a streaming reader's.

use std::fs::File;
use std::io::Read;

fn main() {
    let path = std::env::args().nth(1).expect("usage: floor FILE");
    let mut f = File::open(&path).expect("open");
    let finder = memchr::memmem::Finder::new(b"\r\n\r\n");
    let mut buf = vec![0u8; (1 << 20) + 3];
    // `keep` bytes at the front of `buf` are the previous block's last three.
    let mut keep = 0usize;
    let mut bytes = 0u64;
    let mut count = 0u64;
    loop {
        let n = f.read(&mut buf[keep..]).expect("read");
        if n == 0 {
            break;
        }
        bytes += n as u64;
        let end = keep + n;
        count += finder.find_iter(&buf[..end]).count() as u64;
        // A match lies wholly in the last three bytes never: they are kept
        // only so a match straddling the boundary is found next time.
        keep = end.min(3);
        buf.copy_within(end - keep..end, 0);
    }
    println!("{{\"bytes\":{bytes},\"crlfcrlf\":{count}}}");
}
