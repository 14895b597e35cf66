#![doc = include_str!("../README.md")]
#![deny(missing_docs, unsafe_code, clippy::as_conversions)]
#![warn(unreachable_pub)]
#![cfg_attr(
    not(test),
    warn(
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

mod algorithm;
mod asn1;
mod base64;
mod ber;
mod budget;
mod cert;
mod content;
mod decode;
mod error;
mod extensions;
// The C ABI: the only module allowed `unsafe`.
#[allow(unsafe_code, unreachable_pub, non_camel_case_types)]
mod ffi;
mod files;
pub mod inspect;
mod key_limits;
pub mod keystone;
mod limits;
mod montgomery;
mod name;
mod oid;
mod pem;
mod signed_data;
mod signer;
mod time;
mod trust;
mod verifier;

pub use algorithm::{AlgorithmPolicy, DigestAlgorithm, KeyProblem, SignatureProblem};
pub use asn1::Asn1Error;
pub use budget::{BudgetKind, WorkSpent};
pub use cert::{CertId, Certificate, ValidityField};
pub use content::ContentMode;
pub use decode::InputForm;
pub use error::{
    AttributeProblem, CertProblem, CertRole, Error, FileRole, PemProblem, PurposeProblem, Result,
    TokenProblem,
};
pub use extensions::InvalidExtension;
pub use files::ReloadingVerifier;
pub use limits::Limits;
pub use signer::{OutputForm, SignOptions, Signer};
pub use time::UnixTime;
pub use trust::policy::Purpose;
pub use verifier::{Verified, VerifiedSigner, Verifier, VerifierBuilder};

/// Internals exposed to the fuzz targets only (feature `fuzzing`); not a
/// stable API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    /// The fast RSA public operation `sig^e mod n` (big-endian, `k` bytes),
    /// or `None` when the key or the signature is refused.
    pub fn rsa_public_op(n: &[u8], e: &[u8], sig: &[u8]) -> Option<Vec<u8>> {
        crate::montgomery::RsaPublicOp::new(n, e)?.apply(sig)
    }
}
