//! RFC 3458 message-context classes.

use std::fmt;

/// A message-context class of RFC 3458, in its canonical (RFC 3458) order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MessageClass {
    Voice,
    Fax,
    Pager,
    Multimedia,
    Text,
    None,
}

impl MessageClass {
    /// Every class, in RFC 3458 order (the canonical order of summary lines).
    pub const ALL: [MessageClass; 6] = [
        MessageClass::Voice,
        MessageClass::Fax,
        MessageClass::Pager,
        MessageClass::Multimedia,
        MessageClass::Text,
        MessageClass::None,
    ];

    /// The RFC 3458 token, lower case (`text-message`): the JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageClass::Voice => "voice-message",
            MessageClass::Fax => "fax-message",
            MessageClass::Pager => "pager-message",
            MessageClass::Multimedia => "multimedia-message",
            MessageClass::Text => "text-message",
            MessageClass::None => "none",
        }
    }

    /// The capitalised spelling used on summary lines (`Text-Message`).
    pub fn line_name(self) -> &'static str {
        match self {
            MessageClass::Voice => "Voice-Message",
            MessageClass::Fax => "Fax-Message",
            MessageClass::Pager => "Pager-Message",
            MessageClass::Multimedia => "Multimedia-Message",
            MessageClass::Text => "Text-Message",
            MessageClass::None => "None",
        }
    }

    /// The class named `name`, compared case-insensitively (ABNF strings are).
    pub fn from_name(name: &str) -> Option<MessageClass> {
        MessageClass::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(name))
    }

    /// Position in the canonical order.
    pub fn rank(self) -> usize {
        self as usize
    }
}

impl fmt::Display for MessageClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_case_insensitively() {
        for c in MessageClass::ALL {
            assert_eq!(MessageClass::from_name(c.as_str()), Some(c));
            assert_eq!(MessageClass::from_name(c.line_name()), Some(c));
            assert_eq!(
                MessageClass::from_name(&c.as_str().to_ascii_uppercase()),
                Some(c)
            );
        }
        assert_eq!(MessageClass::from_name("email-message"), None);
        assert_eq!(MessageClass::from_name("voice"), None);
        assert_eq!(MessageClass::from_name(""), None);
    }

    #[test]
    fn order_is_rfc3458() {
        let names: Vec<_> = MessageClass::ALL.iter().map(|c| c.line_name()).collect();
        assert_eq!(
            names,
            [
                "Voice-Message",
                "Fax-Message",
                "Pager-Message",
                "Multimedia-Message",
                "Text-Message",
                "None"
            ]
        );
        assert!(MessageClass::Voice.rank() < MessageClass::None.rank());
    }
}
