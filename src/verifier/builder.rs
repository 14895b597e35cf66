//! [`VerifierBuilder`]: the trust configuration of a [`Verifier`].

use std::sync::Arc;

use crate::algorithm::AlgorithmPolicy;
use crate::bundle::load_bundle;
use crate::cert::Certificate;
use crate::error::{Error, FileRole, Result};
use crate::limits::Limits;
use crate::time::UnixTime;
use crate::trust::cache::PathCache;
use crate::trust::policy::Purpose;
use crate::trust::store::{CertIndex, TrustStore};

use super::{Inner, Verifier};

/// Builds a [`Verifier`].
///
/// ```
/// # fn main() -> Result<(), cmsverify::Error> {
/// # let certfile = include_bytes!("../../tests/data/keystone/signing_cert.pem");
/// # let cafile = include_bytes!("../../tests/data/keystone/cacert.pem");
/// let verifier = cmsverify::Verifier::builder()
///     .certfile_pem(certfile)?
///     .cafile_pem(cafile)?
///     .purpose(cmsverify::Purpose::SmimeSign)
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct VerifierBuilder {
    trusted: Vec<Certificate>,
    untrusted: Vec<Certificate>,
    time: Option<UnixTime>,
    purpose: Purpose,
    algorithms: AlgorithmPolicy,
    limits: Limits,
    cache_capacity: Option<usize>,
}

impl VerifierBuilder {
    /// Adds the certificates of a CAfile (PEM): the trust anchors.
    ///
    /// # Errors
    /// The bundle holds no certificate, a corrupt or `TRUSTED CERTIFICATE` block.
    pub fn cafile_pem(self, pem: &[u8]) -> Result<Self> {
        self.cafile_pem_named(pem, "<memory>")
    }

    /// Adds the certificates of a certfile (PEM or one DER certificate):
    /// signer certificates and intermediates, never anchors.
    ///
    /// # Errors
    /// As [`VerifierBuilder::cafile_pem`].
    pub fn certfile_pem(self, pem: &[u8]) -> Result<Self> {
        self.certfile_pem_named(pem, "<memory>")
    }

    pub(crate) fn cafile_pem_named(mut self, pem: &[u8], origin: &str) -> Result<Self> {
        let certs = load_bundle(pem, FileRole::Cafile, origin, &self.limits)?;
        self.trusted.extend(certs);
        Ok(self)
    }

    pub(crate) fn certfile_pem_named(mut self, pem: &[u8], origin: &str) -> Result<Self> {
        let certs = load_bundle(pem, FileRole::Certfile, origin, &self.limits)?;
        self.untrusted.extend(certs);
        Ok(self)
    }

    /// Adds one trusted certificate (an anchor if self-signed).
    pub fn trusted(mut self, cert: Certificate) -> Self {
        self.trusted.push(cert);
        self
    }

    /// Adds one untrusted certificate (signer candidate or intermediate).
    pub fn untrusted(mut self, cert: Certificate) -> Self {
        self.untrusted.push(cert);
        self
    }

    /// Verifies at a fixed time instead of the current time.
    pub fn time(mut self, at: UnixTime) -> Self {
        self.time = Some(at);
        self
    }

    /// Sets the purpose rules (default: OpenSSL's S/MIME signing purpose).
    pub fn purpose(mut self, purpose: Purpose) -> Self {
        self.purpose = purpose;
        self
    }

    /// Sets which weak algorithms are admitted.
    pub fn algorithm_policy(mut self, policy: AlgorithmPolicy) -> Self {
        self.algorithms = policy;
        self
    }

    /// Sets the resource limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets how many validated signer paths are cached (default 256; 0 disables).
    pub fn path_cache_capacity(mut self, capacity: usize) -> Self {
        self.cache_capacity = Some(capacity);
        self
    }

    /// Builds the verifier.
    ///
    /// # Errors
    /// [`Error::NoCertificates`] for the CAfile when no trusted certificate was
    /// given: nothing could ever verify.
    pub fn build(self) -> Result<Verifier> {
        if self.trusted.is_empty() {
            return Err(Error::NoCertificates {
                role: FileRole::Cafile,
                origin: "<none given>".into(),
            });
        }
        Ok(Verifier {
            inner: Arc::new(Inner {
                store: TrustStore {
                    trusted: CertIndex::new(self.trusted),
                    untrusted: CertIndex::new(self.untrusted),
                },
                time: self.time,
                purpose: self.purpose,
                algorithms: self.algorithms,
                limits: self.limits,
                cache: PathCache::new(self.cache_capacity.unwrap_or(256)),
            }),
        })
    }
}
