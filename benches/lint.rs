//! Linting a ~100 MB mix of SIP and MSRP (pushed SENDs, sessions, broken
//! forms) against only parsing it: the rules must cost little next to the
//! parse. `cargo bench --bench lint` (set LINT_BENCH_MB for another size).

use std::sync::OnceLock;

use sipmsrp::framing::{FrameOptions, Framer, Item};
use sipmsrp::limits::Limits;
use sipmsrp::lint::{self, Config};
use sipmsrp::{message, source};

fn main() {
    divan::main();
}

const SAMPLES: &[&[u8]] = &[
    include_bytes!("../samples/pushed-pager.msrp"),
    include_bytes!("../samples/pushed-lmm.msrp"),
    include_bytes!("../samples/mixed-capture.txt"),
    include_bytes!("../samples/lmm-session.txt"),
    include_bytes!("../samples/pager-message.sip"),
    include_bytes!("../samples/message-summary-notify.sip"),
    include_bytes!("../samples/broken-004-lmm.msrp"),
    include_bytes!("../samples/broken-cr-typos.msrp"),
];

fn input() -> &'static [u8] {
    static INPUT: OnceLock<Vec<u8>> = OnceLock::new();
    INPUT.get_or_init(|| {
        let mb: usize = std::env::var("LINT_BENCH_MB")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(100);
        let target = mb * 1024 * 1024;
        let mut out = Vec::with_capacity(target + 8192);
        while out.len() < target {
            for s in SAMPLES {
                out.extend_from_slice(s);
            }
        }
        out
    })
}

/// Only the parse: prepare, frame, parse every message (what lint does before its rules).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn parse_only(b: divan::Bencher) {
    let buf = input();
    b.counter(divan::counter::BytesCount::new(buf.len()))
        .bench(|| {
            let prepared = source::prepare(buf, true);
            let limits = Limits::default();
            let mut n = 0usize;
            for item in Framer::new(&prepared.bytes, FrameOptions::default()) {
                if let Item::Message(f) = item {
                    let p = message::parse_frame(&prepared.bytes, &f, &limits);
                    n += p.findings.len() + 1;
                }
            }
            n
        });
}

/// The whole lint: the same parse plus every rule and the report.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn lint_all_rules(b: divan::Bencher) {
    let buf = input();
    let cfg = Config::default();
    b.counter(divan::counter::BytesCount::new(buf.len()))
        .bench(|| lint::lint_text(buf, &cfg).diagnostics.len());
}
