//! Bounds on everything an input can make cmsverify allocate or compute.
//!
//! Size and count limits are checked before the elements they bound are
//! parsed; the work budgets (the `max_*_checks`, `max_*_work` and
//! `max_path_steps` fields) are shared by everything one verify call does
//! (see [`WorkSpent`](crate::WorkSpent)). Each default states its reason.

/// Resource limits, all configurable on the
/// [`VerifierBuilder`](crate::VerifierBuilder). Exceeding one is a clear error
/// naming it. New limits may be added: start from [`Limits::default`] and
/// assign the fields you change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest accepted input, in bytes (default 16 MiB; a Keystone token
    /// with a large catalog is well under 1 MiB).
    pub max_message_bytes: usize,
    /// Largest inflated PKIZ payload, in bytes (default 16 MiB).
    pub max_inflated_bytes: usize,
    /// Largest inflated PKIZ payload relative to its compressed size
    /// (default 16; Keystone's payloads compress 2 to 5 times). Payloads up
    /// to 64 KiB are always allowed. Keeps the work of a small token small:
    /// a 64 KiB token inflates to at most 1 MiB, not 16 MiB.
    pub max_inflation_ratio: usize,
    /// Deepest BER/DER nesting, constructed strings included (default 64; a
    /// CMS message needs about 12).
    pub max_nesting_depth: usize,
    /// Most SignerInfos in one message (default 16).
    pub max_signers: usize,
    /// Most certificates in one certificate file or message (default 1024).
    pub max_certificates: usize,
    /// Most signed plus unsigned attributes of one SignerInfo (default 256;
    /// real signers use 3 to 10).
    pub max_attributes: usize,
    /// Longest certificate path, signer and anchor included (default 16).
    pub max_path_len: usize,
    /// Most signature checks (certificates and SignerInfos) in one verify
    /// call (default 100, as rustls-webpki's budget; a Keystone token needs 2
    /// or 3).
    pub max_signature_checks: u64,
    /// Most public-key work in one verify call, in units of one 2048-bit
    /// Montgomery multiplication (about 1.7 µs here; an RSA-2048 verify with
    /// e = 65537 costs 21 units, an RSA-16384 one about 1,350 plus about 1,100
    /// to set its key up, a P-256 verify about 220). Default 12,000 (about
    /// 20 ms): a path of three 16384-bit keys fits (about 7,300), and no
    /// message can cost more.
    pub max_public_key_work: u64,
    /// Most issuer candidates considered while building paths in one verify
    /// call (default 10,000; a normal path needs fewer than 10).
    pub max_path_steps: u64,
    /// Most name-constraint comparisons in one verify call (default 250,000,
    /// as rustls-webpki).
    pub max_name_constraint_checks: u64,
    /// Most bytes of RFC 3779 extensions (ipAddrBlocks, ASIdentifiers)
    /// checked in one verify call, counted for the whole path each time a
    /// path is checked (default 4 MiB; a real path holds a few hundred
    /// bytes). Many paths through one large extension cannot multiply its
    /// checking work beyond this.
    pub max_resource_bytes: u64,
}

impl Limits {
    /// The inflated-size cap for `compressed_len` bytes of zlib data.
    pub(crate) fn inflation_cap(&self, compressed_len: usize) -> usize {
        compressed_len
            .saturating_mul(self.max_inflation_ratio)
            .max(64 << 10)
            .min(self.max_inflated_bytes)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_bytes: 16 << 20,
            max_inflated_bytes: 16 << 20,
            max_inflation_ratio: 16,
            max_nesting_depth: 64,
            max_signers: 16,
            max_certificates: 1024,
            max_attributes: 256,
            max_path_len: 16,
            max_signature_checks: 100,
            max_public_key_work: 12_000,
            max_path_steps: 10_000,
            max_name_constraint_checks: 250_000,
            max_resource_bytes: 4 << 20,
        }
    }
}
