//! RFC 3842 message-summary bodies.
//!
//! HOOK: the RFC 3842 checks (status line first, `yes`/`no` against the new
//! counts, numeric counts, message-context classes, Message-Account a URI,
//! CRLF line endings, the blank line before the per-message blocks) live in
//! `src/summary.rs` (branch `summary`, codes `summary-*`). Until it is merged
//! into main this hook reports nothing. When it lands: call
//! `crate::summary::parse(body)` here, nest each finding under `path`, make
//! its offsets absolute (`cx.at(body) + offset` if they are relative to the
//! body), and add each `summary-*` code to the catalogue in `rules.rs`
//! (`Source::Summary`).

use super::Cx;

/// Check one `application/simple-message-summary` body (or a bare one).
/// `body` is a subslice of `cx.base`.
pub(crate) fn check_body(cx: &mut Cx<'_>, body: &[u8], path: &str) {
    let _ = (cx, body, path);
}
