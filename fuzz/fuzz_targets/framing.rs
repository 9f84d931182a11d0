//! Stream framing: the whole-buffer Framer, the incremental Scanner fed the
//! same bytes in pieces as a TCP stream or a text read piece by piece would
//! be, and the plain `next` (searching afresh every call), which both must
//! agree with step by step; and a text input read in pieces by TextStream,
//! which must frame as the whole text does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipmsrp::framing::{self, FrameOptions, Framer, Item, Scanner, Step};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the segment size and the limit.
    let Some((&ctl, data)) = data.split_first() else {
        return;
    };
    let opts = FrameOptions {
        max_message: if ctl & 0x80 != 0 { 64 } else { 4096 },
        datagram: false,
        text: false,
    };
    let seg = usize::from(ctl & 0x3f) + 1;
    // Whole buffer: items cover increasing, in-bounds, non-overlapping
    // ranges, and are those of the plain function.
    let mut last = 0;
    let mut pos = 0;
    for item in Framer::new(data, opts.clone()) {
        let (start, end) = match &item {
            Item::Message(f) => {
                for x in &f.findings {
                    assert!(x.offset <= data.len(), "finding offset out of bounds");
                }
                (f.start, f.end)
            }
            Item::Junk { start, end } => (*start, *end),
        };
        assert!(start >= last && start <= end && end <= data.len());
        last = end;
        // The plain step from where the previous item ended.
        loop {
            match framing::next(&data[pos..], true, &opts) {
                Step::KeepAlive { len } => pos += len,
                Step::Junk { len } => {
                    assert_eq!(
                        item,
                        Item::Junk {
                            start: pos,
                            end: pos + len
                        }
                    );
                    pos += len;
                    break;
                }
                Step::Message(mut f) => {
                    f.start += pos;
                    f.end += pos;
                    for x in &mut f.findings {
                        x.offset += pos;
                    }
                    pos = f.end.max(pos + 1);
                    assert_eq!(item, Item::Message(f));
                    break;
                }
                Step::End | Step::NeedMore => panic!("Framer has an item the plain steps lack"),
            }
        }
    }
    // Datagram mode over the whole buffer.
    let dgram = FrameOptions {
        datagram: true,
        text: false,
        ..opts.clone()
    };
    let _ = framing::next(data, true, &dgram);
    // Incremental: grow the buffer `seg` bytes at a time, consuming what is framed.
    let opts = FrameOptions {
        text: ctl & 0x40 != 0,
        ..opts
    };
    let mut scanner = Scanner::new(opts.clone());
    let mut pos = 0;
    let mut avail = 0;
    let mut guard = 0;
    loop {
        guard += 1;
        assert!(
            guard < 4 * data.len() + 16,
            "incremental framing does not progress"
        );
        let at_eof = avail >= data.len();
        let buf = &data[pos..avail];
        let step = scanner.next(buf, pos, at_eof);
        assert_eq!(
            step,
            framing::next(buf, at_eof, &opts),
            "scanner and next differ"
        );
        match step {
            Step::End | Step::NeedMore => {
                if at_eof {
                    assert_eq!(step, Step::End, "NeedMore at end of input");
                    break;
                }
                avail = (avail + seg).min(data.len());
            }
            Step::KeepAlive { len } | Step::Junk { len } => {
                assert!(len > 0 && pos + len <= avail);
                pos += len;
            }
            Step::Message(f) => {
                assert!(f.end <= avail - pos);
                pos += f.end.max(1);
            }
        }
    }
    text_stream(data, seg);
});

#[path = "../../tests/support/text.rs"]
mod text;

/// TextStream in pieces against the whole text (dedented, then framed),
/// with a limit no item reaches (past it the two may cut differently).
fn text_stream(data: &[u8], seg: usize) {
    let max = 1 << 20;
    assert_eq!(
        text::streamed_text(data, vec![seg], max),
        text::whole_text(data, max),
        "text read in pieces frames differently"
    );
}
