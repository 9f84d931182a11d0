//! lint over arbitrary input: text streams and single captured messages.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipmsrp::framing::Protocol;
use sipmsrp::limits::Limits;
use sipmsrp::lint::{self, Config};

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, text)) = data.split_first() else {
        return;
    };
    let mut cfg = Config::default();
    cfg.oma_im = ctl & 1 != 0;
    cfg.limits = Limits {
        max_headers: 64,
        max_parts: 64,
        max_depth: 8,
        ..Limits::default()
    };
    let report = lint::lint_text(text, &cfg);
    for d in &report.diagnostics {
        assert!(
            d.offset <= text.len(),
            "{} at {} past the end",
            d.code,
            d.offset
        );
    }
    let protocol = if ctl & 2 != 0 {
        Protocol::Msrp
    } else {
        Protocol::Sip
    };
    let report = lint::lint_one(text, protocol, ctl & 4 != 0, Vec::new(), Some(1), &cfg);
    for d in &report.diagnostics {
        assert!(
            d.offset <= text.len(),
            "{} at {} past the end",
            d.code,
            d.offset
        );
    }
});
