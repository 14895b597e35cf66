//! Digest and signature algorithms, dispatched by OID.
//!
//! Covers what `openssl cms -verify` verifies in practice: RSA PKCS#1 v1.5 and
//! RSASSA-PSS, ECDSA on P-256, P-384 and P-521, plus Ed25519 (RFC 8419), which
//! OpenSSL 3.0 cannot verify in CMS. DSA is refused with a clear error.
//!
//! - [`digest`]: the digests and their OIDs (one table);
//! - [`identifier`]: `AlgorithmIdentifier` and what each OID names;
//! - [`key`]: public keys parsed from a SubjectPublicKeyInfo;
//! - [`key_limits`]: OpenSSL's hard key limits and work estimates;
//! - [`fast_rsa`], [`fast_ecdsa`]: the accelerated RSA and ECDSA P-256/P-384
//!   backend (graviola) where the CPU runs it ([`accelerated`]);
//! - [`verify`]: signature verification under OpenSSL 3.0's rules.

pub(crate) mod digest;
pub(crate) mod fast_ecdsa;
pub(crate) mod fast_rsa;
pub(crate) mod identifier;
pub(crate) mod key;
pub(crate) mod key_limits;
pub(crate) mod key_problem;
pub(crate) mod verify;

pub use digest::DigestAlgorithm;
pub(crate) use digest::DigestLookup;
pub(crate) use identifier::{AlgorithmIdentifier, KeyFamily};
pub(crate) use key::PublicKey;
pub use key_problem::{ExponentProblem, KeyProblem, UnsupportedCurve, UnsupportedKey};
pub use verify::SignatureProblem;

/// Whether the accelerated backend (graviola) is used in this process: where
/// the CPU has what it needs (graviola requires aes, avx, avx2, bmi1, bmi2,
/// adx and pclmulqdq on x86_64 and panics without them) and unless
/// `CMSVERIFY_BACKEND=portable` (or the older `CMSVERIFY_RSA_BACKEND=portable`)
/// forces the portable arithmetic for RSA and ECDSA alike. Read once.
pub(crate) fn accelerated() -> bool {
    static IN_USE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *IN_USE.get_or_init(|| {
        let portable = |name| std::env::var_os(name).is_some_and(|v| v == "portable");
        !portable("CMSVERIFY_BACKEND")
            && !portable("CMSVERIFY_RSA_BACKEND")
            && graviola::util::is_cpu_supported()
    })
}

/// Which weak algorithms the policy admits.
///
/// OpenSSL 3.0's command accepts RSA keys of any size and MD5; cmsverify's
/// default refuses RSA keys under 1024 bits and MD5 (docs/compatibility.md
/// item 5). SHA-1 stays accepted: older Keystone deployments sign with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AlgorithmPolicy {
    /// Smallest accepted RSA modulus, in bits.
    pub min_rsa_bits: usize,
    /// Accept MD5 in SignerInfos and certificate signatures.
    pub allow_md5: bool,
}

impl Default for AlgorithmPolicy {
    fn default() -> Self {
        Self {
            min_rsa_bits: 1024,
            allow_md5: false,
        }
    }
}

impl AlgorithmPolicy {
    /// True if signatures with `digest` verify under this policy: what a
    /// signer should offer (the default refuses MD5).
    pub fn allows_digest(&self, digest: DigestAlgorithm) -> bool {
        digest.check_policy(self).is_ok()
    }

    /// OpenSSL 3.0's command-line behaviour: any RSA size, MD5 allowed.
    pub fn openssl_compatible() -> Self {
        Self {
            min_rsa_bits: 1,
            allow_md5: true,
        }
    }
}
