//! sipmsrp: the protocol core. SIP (RFC 3261) and MSRP (RFC 4975) framing and
//! parsing, the bodies they carry (multipart, message/sip, message/sipfrag,
//! message/msrpfrag, message-summary), captures, and the deferred-message
//! features built on them (encap, lint).
//!
//! Parsed views borrow the input bytes; every deviation is a [`finding::Finding`]
//! with a stable code and a byte offset. This crate does no printing and
//! knows nothing of the command line.

pub mod body;
pub mod capture;
pub mod catalogue;
pub mod chars;
pub mod date;
pub mod encap;
pub mod finding;
pub mod framing;
pub mod header;
pub mod limits;
pub mod lint;
pub mod mediatype;
pub mod message;
pub mod msrp;
pub mod reassembly;
pub mod scan;
pub mod sip;
pub mod source;
pub mod summary;
pub mod uri;
