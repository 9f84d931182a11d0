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

/// Is the calendar date and time of an [`is_rfc1123`] value a real one
/// (day of its month, hours to 23, minutes and seconds to 59, a leap second
/// at 60; year 0001 on)? The weekday is not checked: the CR's own example
/// names the wrong one.
fn rfc1123_is_real(s: &str) -> bool {
    let n = |r: std::ops::Range<usize>| s[r].parse::<i16>().unwrap_or(-1);
    let month = MONTHS.iter().position(|m| *m == &s[8..11]).unwrap_or(0) as i8 + 1;
    let (day, year) = (n(5..7), n(12..16));
    let (h, m, sec) = (n(17..19), n(20..22), n(23..25));
    year >= 1
        && jiff::civil::Date::new(year, month, day as i8).is_ok()
        && (0..24).contains(&h)
        && (0..60).contains(&m)
        && (0..=60).contains(&sec)
}

/// A Date value from what a user typed, the one date reader of every
/// option that takes a date: an RFC 1123 date is kept exactly as written
/// (once its calendar date and time are checked to be real); an RFC 2822
/// date (one-digit day, another zone) or an RFC 3339 instant is converted
/// to RFC 1123 GMT.
pub fn normalize(s: &str) -> Result<String, DateError> {
    let t = s.trim();
    if is_rfc1123(t) {
        return if rfc1123_is_real(t) {
            Ok(t.to_string())
        } else {
            Err(DateError(s.to_string()))
        };
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
        // RFC 2822 allows a one-digit day.
        assert_eq!(
            normalize("Thu, 7 Feb 2002 13:02:03 +0000").unwrap(),
            "Thu, 07 Feb 2002 13:02:03 GMT"
        );
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "Thu, 21 Feb 2002 25:61:61 GMT",
            "Thu, 31 Feb 2002 13:02:03 GMT",
            "Thu, 21 Feb 0000 13:02:03 GMT",
            "Thu, 00 Feb 2002 13:02:03 GMT",
            "Thu, 21 Feb 2002 24:00:00 GMT",
            "Thu, 21 Feb 2002 13:60:00 GMT",
            "Thu, 21 Feb 2002 13:00:61 GMT",
        ] {
            assert!(normalize(bad).is_err(), "{bad}");
        }
        // Real ones pass, a leap day and a leap second included.
        for good in [
            "Thu, 29 Feb 2024 23:59:60 GMT",
            "Mon, 01 Jan 0001 00:00:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
        ] {
            assert_eq!(normalize(good).unwrap(), good);
        }
        assert!(normalize("Thu, 29 Feb 2023 13:02:03 GMT").is_err());
        assert_eq!(
            format(from_unix(1, 5).unwrap()),
            "Thu, 01 Jan 1970 00:00:01 GMT"
        );
    }
}
