//! SIP Date values (RFC 3261 20.17: `rfc1123-date`, always GMT).

use jiff::Timestamp;
use jiff::fmt::rfc2822::{DateTimeParser, DateTimePrinter};

/// A date that is not RFC 1123, RFC 2822 or RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a date: give RFC 1123 (`Thu, 21 Feb 2002 13:02:03 GMT`), RFC 2822 or RFC 3339 (`2002-02-21T13:02:03Z`)"
)]
pub struct DateError(pub String);

const WKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Does `s` follow the `rfc1123-date` grammar of RFC 3261 exactly
/// (`wkday "," SP 2DIGIT SP month SP 4DIGIT SP 2DIGIT ":" 2DIGIT ":" 2DIGIT SP "GMT"`)?
/// The weekday is not checked against the date.
pub fn is_rfc1123(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 29 || !s.is_ascii() {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    WKDAYS.contains(&&s[0..3])
        && &s[3..5] == ", "
        && digits(5..7)
        && b[7] == b' '
        && MONTHS.contains(&&s[8..11])
        && b[11] == b' '
        && digits(12..16)
        && b[16] == b' '
        && digits(17..19)
        && b[19] == b':'
        && digits(20..22)
        && b[22] == b':'
        && digits(23..25)
        && &s[25..] == " GMT"
}

/// Format an instant as a SIP Date value (`Thu, 21 Feb 2002 13:02:03 GMT`).
pub fn format(ts: Timestamp) -> String {
    DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&ts)
        .unwrap_or_else(|_| "Thu, 01 Jan 1970 00:00:00 GMT".to_string())
}

/// A Date value from what a user typed: an RFC 1123 date is kept exactly as
/// written; an RFC 2822 date with another zone, or an RFC 3339 instant, is
/// converted to RFC 1123 GMT.
pub fn normalize(s: &str) -> Result<String, DateError> {
    let t = s.trim();
    if is_rfc1123(t) {
        return Ok(t.to_string());
    }
    if let Ok(ts) = DateTimeParser::new().parse_timestamp(t) {
        return Ok(format(ts));
    }
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(format(ts));
    }
    Err(DateError(s.to_string()))
}

/// An instant from capture seconds and nanoseconds.
pub fn from_unix(secs: i64, nanos: u32) -> Option<Timestamp> {
    Timestamp::new(secs, nanos.min(999_999_999) as i32).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1123_is_kept_verbatim_even_with_a_wrong_weekday() {
        // 21 Feb 2005 was a Monday; the CR's example says Thursday.
        assert_eq!(
            normalize("Thu, 21 Feb 2005 13:02:03 GMT").unwrap(),
            "Thu, 21 Feb 2005 13:02:03 GMT"
        );
        assert!(!is_rfc1123("Thu, 21 Feb 2005 13:02:03 +0000"));
        assert!(!is_rfc1123("Thu, 1 Feb 2005 13:02:03 GMT"));
    }

    #[test]
    fn other_forms_are_converted_to_gmt() {
        assert_eq!(
            normalize("Thu, 21 Feb 2002 14:02:03 +0100").unwrap(),
            "Thu, 21 Feb 2002 13:02:03 GMT"
        );
        assert_eq!(
            normalize("2002-02-21T13:02:03Z").unwrap(),
            "Thu, 21 Feb 2002 13:02:03 GMT"
        );
        assert!(normalize("yesterday").is_err());
        assert_eq!(
            format(from_unix(1, 5).unwrap()),
            "Thu, 01 Jan 1970 00:00:01 GMT"
        );
    }
}
