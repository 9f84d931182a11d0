//! The body tree: the first line of the input is the Content-Type, the rest
//! the body (multipart, message/sip, message/sipfrag, message/msrpfrag...).
//! Every node's bytes must lie inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipmsrp::body::{self, Body, BodyKind, Ctx};
use sipmsrp::limits::Limits;

fn inside(base: &[u8], s: &[u8]) -> bool {
    let b = base.as_ptr() as usize;
    let p = s.as_ptr() as usize;
    p >= b && p + s.len() <= b + base.len()
}

fn walk(base: &[u8], b: &Body<'_>, depth: usize, limits: &Limits) {
    assert!(inside(base, b.raw), "body outside the input");
    assert!(depth <= limits.max_depth + 1, "nested past max_depth");
    match &b.kind {
        BodyKind::Empty | BodyKind::Leaf => {}
        BodyKind::Multipart(mp) => {
            assert!(
                mp.parts.len() <= limits.max_parts,
                "more parts than max_parts"
            );
            for part in &mp.parts {
                assert!(inside(base, part.raw));
                walk(base, &part.body, depth + 1, limits);
            }
        }
        BodyKind::Sip(n) => {
            assert!(inside(base, n.msg.raw));
            walk(base, &n.body, depth + 1, limits);
        }
        BodyKind::Msrp(n) => {
            assert!(inside(base, n.msg.raw));
            walk(base, &n.body, depth + 1, limits);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_headers: 64,
        max_depth: 12,
        max_parts: 64,
        ..Limits::default()
    };
    let nl = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let ct = &data[..nl];
    let raw = &data[(nl + 1).min(data.len())..];
    let mut findings = Vec::new();
    let mut ctx = Ctx::new(data, &limits, &mut findings);
    let b = body::parse(&mut ctx, raw, Some(ct), 0, "");
    walk(data, &b, 0, &limits);
    for f in &findings {
        assert!(
            f.offset <= data.len(),
            "finding {} at {} past the end",
            f.code,
            f.offset
        );
    }
});
