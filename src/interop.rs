//! Interoperability with RustCrypto's [`x509_cert`] and [`cms`] types
//! (feature `rustcrypto`).
//!
//! A program that builds messages with `cms::builder::SignedDataBuilder`, or
//! holds certificates as [`x509_cert::Certificate`], hands them to cmsverify
//! here without writing its own glue. Every conversion goes through DER:
//! a RustCrypto value is encoded with `der`, and cmsverify parses those bytes
//! with its own borrowing parser, exactly as if they had been read from a
//! file. Verification therefore stays on the OpenSSL-compatible path
//! (`docs/compatibility.md`); `der`'s stricter decoding is only used in the
//! other direction, [`Certificate::to_x509_cert`].
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use x509_cert::der::DecodePem;
//!
//! let pem = std::fs::read("tests/data/pki/root.pem")?;
//! let root = x509_cert::Certificate::from_pem(&pem)?;
//! let cert = cmsverify::Certificate::try_from(&root)?;
//! assert_eq!(cert.to_x509_cert()?, root);
//! # Ok(()) }
//! ```

use x509_cert::der::{self, Decode, Encode};

use crate::asn1::Asn1Error;
use crate::cert::Certificate;
use crate::error::Error;
use crate::verifier::{Verified, Verifier, VerifierBuilder};

/// Why a value could not be converted between RustCrypto's types and
/// cmsverify's, or a converted message did not verify.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InteropError {
    /// `der` could not encode the RustCrypto value.
    #[error("the RustCrypto {what} does not encode as DER: {source}")]
    Encode {
        /// What was being encoded.
        what: &'static str,
        /// The `der` error.
        #[source]
        source: der::Error,
    },
    /// `der` could not decode cmsverify's certificate: its encoding is one
    /// that cmsverify (like OpenSSL) accepts and `x509-cert` refuses.
    #[error("x509-cert does not decode the certificate: {0}")]
    Decode(#[source] der::Error),
    /// cmsverify's parser refused the encoded certificate.
    #[error("cmsverify does not parse the certificate: {0}")]
    Certificate(Asn1Error),
    /// The message was converted but does not verify.
    #[error(transparent)]
    Verify(#[from] Error),
}

fn encode<T: Encode>(value: &T, what: &'static str) -> Result<Vec<u8>, InteropError> {
    value
        .to_der()
        .map_err(|source| InteropError::Encode { what, source })
}

impl TryFrom<&x509_cert::Certificate> for Certificate {
    type Error = InteropError;

    /// Encodes the certificate to DER and parses it with
    /// [`Certificate::from_der`].
    fn try_from(cert: &x509_cert::Certificate) -> Result<Self, InteropError> {
        let der = encode(cert, "certificate")?;
        Certificate::from_der(&der).map_err(InteropError::Certificate)
    }
}

impl TryFrom<&Certificate> for x509_cert::Certificate {
    type Error = InteropError;

    /// As [`Certificate::to_x509_cert`].
    fn try_from(cert: &Certificate) -> Result<Self, InteropError> {
        cert.to_x509_cert()
    }
}

impl Certificate {
    /// Decodes this certificate's DER ([`Certificate::der`]) with `x509-cert`.
    ///
    /// # Errors
    /// [`InteropError::Decode`] when `der`'s strict rules refuse an encoding
    /// cmsverify accepted (README, "Parsing differences from der/x509-cert").
    pub fn to_x509_cert(&self) -> Result<x509_cert::Certificate, InteropError> {
        x509_cert::Certificate::from_der(self.der()).map_err(InteropError::Decode)
    }
}

impl VerifierBuilder {
    /// Adds one trusted certificate given as an [`x509_cert::Certificate`],
    /// as [`VerifierBuilder::trusted`].
    ///
    /// # Errors
    /// The certificate does not encode, or cmsverify does not parse it.
    pub fn trusted_x509(self, cert: &x509_cert::Certificate) -> Result<Self, InteropError> {
        Ok(self.trusted(Certificate::try_from(cert)?))
    }

    /// Adds one untrusted certificate (signer candidate or intermediate)
    /// given as an [`x509_cert::Certificate`], as [`VerifierBuilder::untrusted`].
    ///
    /// # Errors
    /// As [`VerifierBuilder::trusted_x509`].
    pub fn untrusted_x509(self, cert: &x509_cert::Certificate) -> Result<Self, InteropError> {
        Ok(self.untrusted(Certificate::try_from(cert)?))
    }
}

impl Verifier {
    /// Verifies a [`cms::content_info::ContentInfo`] (for example what
    /// `cms::builder::SignedDataBuilder::build` returns): it is encoded to
    /// DER and verified as [`Verifier::verify`] verifies a DER message.
    ///
    /// # Errors
    /// [`InteropError::Encode`] if `der` cannot encode it, otherwise
    /// [`InteropError::Verify`] with the verification failure.
    pub fn verify_content_info(
        &self,
        content_info: &cms::content_info::ContentInfo,
    ) -> Result<Verified, InteropError> {
        let der = encode(content_info, "ContentInfo")?;
        Ok(self.verify_form(&der, crate::InputForm::Der)?)
    }

    /// Verifies a bare [`cms::signed_data::SignedData`]: it is wrapped in a
    /// ContentInfo of type id-signedData and verified as
    /// [`Verifier::verify_content_info`].
    ///
    /// # Errors
    /// As [`Verifier::verify_content_info`].
    pub fn verify_signed_data(
        &self,
        signed_data: &cms::signed_data::SignedData,
    ) -> Result<Verified, InteropError> {
        let content =
            der::Any::encode_from(signed_data).map_err(|source| InteropError::Encode {
                what: "SignedData",
                source,
            })?;
        self.verify_content_info(&cms::content_info::ContentInfo {
            content_type: const_oid::db::rfc5911::ID_SIGNED_DATA,
            content,
        })
    }
}
