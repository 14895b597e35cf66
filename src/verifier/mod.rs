//! [`Verifier`]: the one verification core behind every face.
//!
//! - [`builder`]: [`VerifierBuilder`], the trust configuration;
//! - [`signer_info`]: the CMS checks of one SignerInfo (candidates,
//!   attributes, signature, content digest);
//! - path building and its cache live in [`crate::trust`].

mod builder;
mod signer_info;

use std::sync::Arc;

pub use builder::VerifierBuilder;

use crate::algorithm::{AlgorithmPolicy, DigestAlgorithm, DigestLookup};
use crate::budget::{Budget, WorkSpent};
use crate::cert::Certificate;
use crate::decode::{self, InputForm};
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::oid;
use crate::signed_data::SignedData;
use crate::time::UnixTime;
use crate::trust::cache::PathCache;
use crate::trust::path::Search;
use crate::trust::policy::Purpose;
use crate::trust::store::{CertIndex, TrustStore};
use signer_info::{Call, ListedDigest};

/// A verified message: the content and, per SignerInfo, what verified it.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The signed content, byte for byte.
    pub content: Vec<u8>,
    /// One entry per SignerInfo, in message order.
    pub signers: Vec<VerifiedSigner>,
}

/// How one SignerInfo verified.
#[derive(Debug, Clone)]
pub struct VerifiedSigner {
    /// The certificate whose key verified the signature.
    pub certificate: Certificate,
    /// The validated path: the signer first, the CAfile anchor last.
    pub path: Vec<Certificate>,
    /// The SignerInfo's digest algorithm.
    pub digest_algorithm: DigestAlgorithm,
    /// The SignerInfo's signature algorithm, readable.
    pub signature_algorithm: String,
    /// Whether the SignerInfo had signed attributes.
    pub signed_attributes: bool,
}

/// Verifies CMS SignedData messages against fixed trust, like
/// `openssl cms -verify -certfile F -CAfile F` (docs/compatibility.md lists
/// the deliberate differences).
///
/// `Send + Sync` and cheap to clone: share one per trust configuration.
/// Validated signer paths are cached (bounded), so verifying the next token
/// of the same signer costs one signature check plus parsing and hashing.
///
/// ```
/// # fn main() -> Result<(), cmsverify::Error> {
/// # let certfile = include_bytes!("../../tests/data/keystone/signing_cert.pem");
/// # let cafile = include_bytes!("../../tests/data/keystone/cacert.pem");
/// # let token = include_bytes!("../../tests/data/keystone/token.pem");
/// let verifier = cmsverify::Verifier::from_pem(certfile, cafile)?;
/// let verified = verifier.verify(token)?;
/// assert!(verified.content.starts_with(b"{"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: TrustStore,
    time: Option<UnixTime>,
    purpose: Purpose,
    algorithms: AlgorithmPolicy,
    limits: Limits,
    cache: PathCache,
}

impl Verifier {
    /// Starts a [`VerifierBuilder`].
    pub fn builder() -> VerifierBuilder {
        VerifierBuilder::default()
    }

    /// A verifier from certfile and CAfile contents (PEM), with defaults.
    ///
    /// # Errors
    /// As [`VerifierBuilder::cafile_pem`].
    pub fn from_pem(certfile: &[u8], cafile: &[u8]) -> Result<Self> {
        Self::builder()
            .certfile_pem(certfile)?
            .cafile_pem(cafile)?
            .build()
    }

    /// The certfile certificates, in file order.
    pub fn certfile(&self) -> &[Certificate] {
        self.inner.store.untrusted.all()
    }

    /// The CAfile certificates, in file order.
    pub fn cafile(&self) -> &[Certificate] {
        self.inner.store.trusted.all()
    }

    /// Verifies a message of any form (PEM, DER/BER, Keystone PKI or PKIZ token).
    ///
    /// # Errors
    /// Every failure, with [`Error::exit_code`] giving its class.
    pub fn verify(&self, message: &[u8]) -> Result<Verified> {
        self.verify_form(message, InputForm::Auto)
    }

    /// Verifies a message of the given form.
    ///
    /// # Errors
    /// As [`Verifier::verify`].
    pub fn verify_form(&self, message: &[u8], form: InputForm) -> Result<Verified> {
        self.verify_measured(message, form).0
    }

    /// Verifies a message of the given form and reports the work the call
    /// charged to its budget (signature checks, public-key work, path steps,
    /// name-constraint comparisons) whether it verified or not.
    pub fn verify_measured(
        &self,
        message: &[u8],
        form: InputForm,
    ) -> (Result<Verified>, WorkSpent) {
        let mut budget = Budget::new(&self.inner.limits);
        let result = decode::message(message, form, &self.inner.limits)
            .and_then(|m| self.verify_der(&m, None, &mut budget));
        (result, budget.spent())
    }

    /// Verifies a detached signature over `content`.
    ///
    /// # Errors
    /// As [`Verifier::verify`].
    pub fn verify_detached(&self, message: &[u8], content: &[u8]) -> Result<Verified> {
        let m = decode::message(message, InputForm::Auto, &self.inner.limits)?;
        self.verify_der(&m, Some(content), &mut Budget::new(&self.inner.limits))
    }

    fn verify_der(
        &self,
        message: &decode::Message<'_>,
        detached: Option<&[u8]>,
        budget: &mut Budget,
    ) -> Result<Verified> {
        let sd = SignedData::parse(
            &message.der,
            message.received.as_deref(),
            &self.inner.limits,
        )?;
        let content = detached
            .or(sd.encap_content_info.content)
            .ok_or(Error::NoContent)?;
        if sd.signer_infos.is_empty() {
            return Err(Error::NoSigners);
        }
        if sd.digest_algorithms.is_empty() {
            return Err(Error::NoDigestAlgorithms);
        }
        // One pass over digestAlgorithms: an unavailable digest fails the
        // message; the others are the digests the signers may use.
        let mut listed_digests = Vec::new();
        for entry in &sd.digest_algorithms {
            match DigestAlgorithm::lookup(entry) {
                DigestLookup::Unavailable => {
                    return Err(Error::DigestUnavailable {
                        digest: oid::describe(entry),
                    })
                }
                DigestLookup::Supported(digest) => {
                    let listed = ListedDigest::new(entry, digest);
                    if !listed_digests.contains(&listed) {
                        listed_digests.push(listed);
                    }
                }
                DigestLookup::NotImplemented(_) => {}
            }
        }
        // As OpenSSL: every signer's certificate is found before any is checked.
        let candidates = sd
            .signer_infos
            .iter()
            .enumerate()
            .map(|(i, si)| self.signer_candidates(i + 1, si, &sd.certificates))
            .collect::<Result<Vec<_>>>()?;
        let call = Call {
            sd: &sd,
            message_certs: CertIndex::new(sd.certificates.clone()),
            listed_digests,
            content,
            at: self.inner.time.unwrap_or_else(UnixTime::now),
        };
        let signers = sd
            .signer_infos
            .iter()
            .zip(candidates)
            .enumerate()
            .map(|(i, (si, certs))| self.verify_signer(i + 1, si, &certs, &call, budget))
            .collect::<Result<Vec<_>>>()?;
        Ok(Verified {
            content: content.to_vec(),
            signers,
        })
    }

    /// Validates `cert` as a signing certificate without a message: its path
    /// to a CAfile anchor and every rule a signer's path must pass. Returns
    /// the path (the certificate first, the anchor last).
    ///
    /// # Errors
    /// The most specific path failure ([`Error::Certificate`] and friends).
    pub fn check_signing_certificate(&self, cert: &Certificate) -> Result<Vec<Certificate>> {
        let at = self.inner.time.unwrap_or_else(UnixTime::now);
        let mut budget = Budget::new(&self.inner.limits);
        self.validated_path(cert, &CertIndex::default(), at, &mut budget)
    }

    /// The signer's validated path, from the cache when still valid at `at`.
    fn validated_path(
        &self,
        signer: &Certificate,
        message_certs: &CertIndex,
        at: UnixTime,
        budget: &mut Budget,
    ) -> Result<Vec<Certificate>> {
        if let Some(path) = self.inner.cache.get(signer, message_certs.all(), at) {
            return Ok(path);
        }
        let search = Search {
            store: &self.inner.store,
            message_certs,
            at,
            purpose: self.inner.purpose,
            algorithms: &self.inner.algorithms,
            limits: &self.inner.limits,
        };
        let path = search.run(signer, budget)?;
        let certs = path.certs.clone();
        self.inner.cache.insert(signer, path);
        Ok(certs)
    }
}
