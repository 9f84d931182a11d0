//! RFC 3842 message-summary bodies.
//!
//! The checks themselves (status line first, `yes`/`no` against the new
//! counts, numeric counts, message-context classes, Message-Account a URI,
//! CRLF line endings, the blank line before the per-message blocks) live
//! with the grammar in `crate::summary`; this nests them under the MIME path.

use super::Cx;

/// Check one `application/simple-message-summary` body (or a bare one)
/// under the user's limits. `body` is a subslice of `cx.base`.
pub(crate) fn check_body(cx: &mut Cx<'_>, body: &[u8], path: &str) {
    let (_, findings) = crate::summary::parse_with(cx.base, body, cx.limits);
    for f in findings {
        cx.push(f.nest(path));
    }
}
