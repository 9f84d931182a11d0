//! Resource limits: every resource the input controls has one.

/// Limits applied while framing, parsing and reassembling. Defaults handle
/// every real capture while a hostile input cannot exhaust memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest single message, in bytes.
    pub max_message: usize,
    /// Most header fields in one message or part.
    pub max_headers: usize,
    /// Longest header line (after unfolding), in bytes.
    pub max_header_line: usize,
    /// Deepest nesting of multipart and message/* bodies.
    pub max_depth: usize,
    /// Most parts in one message's body tree, all levels together.
    pub max_parts: usize,
    /// TCP reassembly bytes buffered per flow.
    pub max_flow_bytes: usize,
    /// TCP reassembly bytes buffered over all flows.
    pub max_total_flow_bytes: usize,
    /// IP fragment bytes buffered over all incomplete datagrams.
    pub max_fragment_bytes: usize,
    /// Most chunks in one reassembled MSRP message.
    pub max_chunks: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message: 16 * 1024 * 1024,
            max_headers: 1000,
            max_header_line: 64 * 1024,
            max_depth: 32,
            max_parts: 1000,
            max_flow_bytes: 32 * 1024 * 1024,
            max_total_flow_bytes: 256 * 1024 * 1024,
            max_fragment_bytes: 64 * 1024 * 1024,
            max_chunks: 100_000,
        }
    }
}
