//! URI unescaping and parsing; escape then unescape gives the bytes back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipmsrp::uri;

fuzz_target!(|data: &[u8]| {
    // Round trip over arbitrary bytes.
    let escaped = uri::escape_user(data);
    assert!(escaped.is_ascii());
    assert_eq!(uri::unescape(escaped.as_bytes()).unwrap(), data);
    if !data.is_empty() {
        assert!(
            uri::parse_user_part(escaped.as_bytes()).is_ok(),
            "escaped user part does not parse"
        );
    }
    // Unescape arbitrary input; when it decodes, the canonical forms agree.
    if let Ok(raw) = uri::unescape(data) {
        let canon = uri::canonical_user(data).unwrap();
        assert_eq!(uri::unescape(canon.as_bytes()).unwrap(), raw);
        assert_eq!(uri::canonical_user(canon.as_bytes()).unwrap(), canon);
        for i in 0..=raw.len().min(64) {
            assert!(uri::raw_index_of_decoded(data, i) <= data.len());
        }
    }
    if let Ok(n) = uri::normalize_user(data) {
        assert_eq!(
            uri::normalize_user(n.as_bytes()).ok().as_deref(),
            Some(n.as_str())
        );
    }
    // Parsers: errors point inside the input.
    let check = |r: Result<(), uri::UriError>| {
        if let Err(e) = r {
            assert!(
                e.offset <= data.len(),
                "error offset {} past the end",
                e.offset
            );
        }
    };
    check(uri::parse_uri(data).map(|_| ()));
    check(uri::parse_sip_uri(data).map(|u| {
        let _ = u.user_unescaped();
    }));
    check(uri::parse_hostport(data).map(|_| ()));
    check(uri::parse_user_part(data).map(|_| ()));
    check(uri::split_name_addr(data).map(|_| ()));
    check(uri::parse_retrieval(data).map(|_| ()));
});
