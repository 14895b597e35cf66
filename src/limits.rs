//! Bounds on everything an input can make cmsverify allocate or compute.

/// Resource limits, all configurable on the
/// [`VerifierBuilder`](crate::VerifierBuilder). Exceeding one is a clear error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input, in bytes (default 16 MiB).
    pub max_message_bytes: usize,
    /// Largest inflated PKIZ payload, in bytes (default 16 MiB).
    pub max_inflated_bytes: usize,
    /// Deepest BER/DER nesting (default 64; a CMS message needs about 12).
    pub max_nesting_depth: usize,
    /// Most SignerInfos in one message (default 16).
    pub max_signers: usize,
    /// Most certificates in one certificate file or message (default 1024).
    pub max_certificates: usize,
    /// Longest certificate path, signer and anchor included (default 16).
    pub max_path_len: usize,
    /// Most certificate signature checks while building one signer's path
    /// (default 100, as rustls-webpki's budget).
    pub max_path_signatures: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_bytes: 16 << 20,
            max_inflated_bytes: 16 << 20,
            max_nesting_depth: 64,
            max_signers: 16,
            max_certificates: 1024,
            max_path_len: 16,
            max_path_signatures: 100,
        }
    }
}
