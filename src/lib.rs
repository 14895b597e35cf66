//! Verifies CMS (RFC 5652 / PKCS#7) SignedData messages and their signer
//! certificate paths the way `openssl cms -verify` does, in pure Rust, with
//! bounded work per message and a precise reason for every rejection. Built
//! for OpenStack Keystone PKI and PKIZ tokens ([`keystone`]), usable for any
//! CMS signature; also a C library and a Python wheel.
//!
//! ```
//! # fn main() -> Result<(), cmsverify::Error> {
//! let verifier = cmsverify::Verifier::from_files(
//!     "tests/data/keystone/signing_cert.pem", // signer certificates (untrusted)
//!     "tests/data/keystone/cacert.pem",       // trust anchors
//! )?;
//! let token = std::fs::read("tests/data/keystone/token.pkiz").unwrap();
//! match verifier.verify(&token) {
//!     Ok(verified) => assert!(verified.content.starts_with(b"{")),
//!     Err(e) => eprintln!("refused: {e} (exit class {:?})", e.class()),
//! }
//! # Ok(()) }
//! ```
//!
//! - [`Verifier`] verifies messages of any form (PEM, DER/BER, PKI and PKIZ
//!   tokens) against fixed trust; build one with [`VerifierBuilder`] to set
//!   the verification time, the [`Purpose`], the [`AlgorithmPolicy`] and the
//!   [`Limits`]; [`ReloadingVerifier`] follows trust files that change.
//! - [`Error`] names what failed (file, signer, certificate, check), with
//!   [`Error::hint`] and [`Error::class`] (OpenSSL's exit classes).
//! - [`Signer`] signs as keystoneclient's `cms_sign_*` do.
//! - Every input is treated as hostile: sizes and counts are checked before
//!   parsing and one work budget bounds each call ([`Verifier::verify_measured`]
//!   reports it, [`WorkSpent`]).
//!
//! - [`interop`] (feature `rustcrypto`) takes and gives RustCrypto's
//!   `x509-cert` and `cms` types, converting through DER.
//!
//! Where cmsverify deliberately differs from OpenSSL 3.0 is listed in
//! `docs/compatibility.md`.
#![cfg_attr(docsrs, feature(doc_cfg))]
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
mod bundle;
mod cert;
mod content;
mod decode;
mod error;
mod extensions;
// The C ABI: the only module allowed `unsafe`.
#[expect(
    unsafe_code,
    unreachable_pub,
    non_camel_case_types,
    reason = "C ABI: raw pointers, exported items in a private module, C naming"
)]
mod ffi;
mod files;
pub mod inspect;
#[cfg(feature = "rustcrypto")]
#[cfg_attr(docsrs, doc(cfg(feature = "rustcrypto")))]
pub mod interop;
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

pub use algorithm::{
    AlgorithmPolicy, DigestAlgorithm, ExponentProblem, KeyProblem, SignatureProblem,
    UnsupportedCurve, UnsupportedKey,
};
pub use asn1::Asn1Error;
pub use budget::{BudgetKind, WorkSpent};
pub use cert::{CertId, Certificate, ValidityField};
pub use content::ContentMode;
pub use decode::InputForm;
pub use error::{
    AttributeProblem, CertProblem, CertRole, Error, ErrorClass, ExtensionProblem, FileRole,
    NameSyntax, NotCaReason, PemProblem, PurposeProblem, Result, TokenProblem,
};
pub use extensions::InvalidExtension;
pub use files::{ReloadingSigner, ReloadingVerifier};
#[cfg(feature = "rustcrypto")]
#[cfg_attr(docsrs, doc(cfg(feature = "rustcrypto")))]
pub use interop::InteropError;
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
