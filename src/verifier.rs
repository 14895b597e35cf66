//! [`Verifier`]: the one verification core behind every face.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::algorithm::{AlgorithmPolicy, DigestAlgorithm, DigestLookup};
use crate::budget::{Budget, WorkSpent};
use crate::cert::Certificate;
use crate::decode::{self, InputForm};
use crate::error::{AttributeProblem, Error, FileRole, Result};
use crate::limits::Limits;
use crate::oid;
use crate::signed_data::{self, SignedData, SignerInfo};
use crate::time::UnixTime;
use crate::trust::path::{Search, ValidatedPath};
use crate::trust::policy::Purpose;
use crate::trust::store::{self, CertIndex, TrustStore};

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

/// Builds a [`Verifier`].
///
/// ```
/// # fn main() -> Result<(), cmsverify::Error> {
/// # let certfile = include_bytes!("../tests/data/keystone/signing_cert.pem");
/// # let cafile = include_bytes!("../tests/data/keystone/cacert.pem");
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
        let certs = store::load_bundle(pem, FileRole::Cafile, origin, &self.limits)?;
        self.trusted.extend(certs);
        Ok(self)
    }

    pub(crate) fn certfile_pem_named(mut self, pem: &[u8], origin: &str) -> Result<Self> {
        let certs = store::load_bundle(pem, FileRole::Certfile, origin, &self.limits)?;
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

/// Verifies CMS SignedData messages against fixed trust, like
/// `openssl cms -verify -certfile F -CAfile F` (REFERENCE.md section 7 lists
/// the deliberate differences).
///
/// `Send + Sync` and cheap to clone: share one per trust configuration.
/// Validated signer paths are cached (bounded), so verifying the next token
/// of the same signer costs one signature check plus parsing and hashing.
///
/// ```
/// # fn main() -> Result<(), cmsverify::Error> {
/// # let certfile = include_bytes!("../tests/data/keystone/signing_cert.pem");
/// # let cafile = include_bytes!("../tests/data/keystone/cacert.pem");
/// # let token = include_bytes!("../tests/data/keystone/token.pem");
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
        let result = decode::content_info(message, form, &self.inner.limits)
            .and_then(|der| self.verify_der(&der, None, &mut budget));
        (result, budget.spent())
    }

    /// Verifies a detached signature over `content`.
    ///
    /// # Errors
    /// As [`Verifier::verify`].
    pub fn verify_detached(&self, message: &[u8], content: &[u8]) -> Result<Verified> {
        let der = decode::content_info(message, InputForm::Auto, &self.inner.limits)?;
        self.verify_der(&der, Some(content), &mut Budget::new(&self.inner.limits))
    }

    fn verify_der(
        &self,
        der: &[u8],
        detached: Option<&[u8]>,
        budget: &mut Budget,
    ) -> Result<Verified> {
        let sd = SignedData::parse(der, &self.inner.limits)?;
        let content = detached.or(sd.econtent).ok_or(Error::NoContent)?;
        if sd.signer_infos.is_empty() {
            return Err(Error::NoSigners);
        }
        if sd.digest_algorithms.is_empty() {
            return Err(Error::NoDigestAlgorithms);
        }
        if let Some(bad) = sd
            .digest_algorithms
            .iter()
            .find(|d| DigestAlgorithm::lookup(d) == DigestLookup::Unavailable)
        {
            return Err(Error::DigestUnavailable {
                digest: oid::describe(bad),
            });
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

    /// Certificates matching the SignerInfo's identifier: certfile first, then
    /// the message's, all of them (REFERENCE.md section 7 item 3).
    fn signer_candidates(
        &self,
        index: usize,
        si: &SignerInfo<'_>,
        embedded: &[Certificate],
    ) -> Result<Vec<Certificate>> {
        let certfile = self.inner.store.untrusted.all();
        let pool = || certfile.iter().chain(embedded);
        let mut found: Vec<Certificate> = pool()
            .filter(|c| si.sid.matches(c, None))
            .cloned()
            .collect();
        if found.is_empty() {
            if let signed_data::SignerId::IssuerSerial { issuer, .. } = si.sid {
                // Slow path: OpenSSL compares names canonically (case, spaces, string types).
                if let Ok(canonical) = crate::name::canonical(issuer) {
                    found = pool()
                        .filter(|c| si.sid.matches(c, Some(&canonical)))
                        .cloned()
                        .collect();
                }
            }
        }
        if found.is_empty() {
            return Err(Error::SignerNotFound {
                signer: index,
                wanted: si.sid.describe(),
                certfile: certfile.iter().map(Certificate::id).collect(),
            });
        }
        Ok(found)
    }

    fn verify_signer(
        &self,
        index: usize,
        si: &SignerInfo<'_>,
        candidates: &[Certificate],
        call: &Call<'_, '_>,
        budget: &mut Budget,
    ) -> Result<VerifiedSigner> {
        let sd = call.sd;
        let digest = match DigestAlgorithm::lookup(si.digest_algorithm.oid) {
            DigestLookup::Supported(d) => d,
            DigestLookup::NotImplemented(name) => {
                return Err(Error::DigestNotImplemented {
                    signer: index,
                    digest: name.into(),
                })
            }
            DigestLookup::Unavailable => {
                return Err(Error::DigestUnavailable {
                    digest: oid::describe(si.digest_algorithm.oid),
                })
            }
        };
        if !sd.digest_algorithms.contains(&si.digest_algorithm.oid) {
            return Err(Error::DigestNotListed {
                signer: index,
                digest: digest.name().into(),
            });
        }
        let mut best: Option<Error> = None;
        for cert in candidates {
            match self.try_candidate(index, si, digest, cert, call, budget) {
                Ok(path) => {
                    return Ok(VerifiedSigner {
                        certificate: cert.clone(),
                        path,
                        digest_algorithm: digest,
                        signature_algorithm: oid::describe(si.signature_algorithm.oid),
                        signed_attributes: si.signed_attrs.is_some(),
                    })
                }
                Err(e) if e.is_fatal() => return Err(e),
                Err(e) => {
                    if best.as_ref().is_none_or(|b| e.rank() > b.rank()) {
                        best = Some(e);
                    }
                }
            }
        }
        Err(best.unwrap_or(Error::NoSigners))
    }

    /// Checks one candidate signer certificate completely: path, attributes,
    /// signature, content digest.
    fn try_candidate(
        &self,
        index: usize,
        si: &SignerInfo<'_>,
        digest: DigestAlgorithm,
        cert: &Certificate,
        call: &Call<'_, '_>,
        budget: &mut Budget,
    ) -> Result<Vec<Certificate>> {
        let (sd, content) = (call.sd, call.content);
        let path = self.validated_path(cert, &call.message_certs, call.at, budget)?;
        let key_error = |problem| Error::SignerKey {
            signer: index,
            cert: cert.id(),
            problem,
        };
        let (key, cost) = cert.budgeted_key(budget)?.map_err(key_error)?;
        key.check_policy(&self.inner.algorithms)
            .map_err(key_error)?;
        let sig_error = |problem| Error::Signature {
            signer: index,
            cert: cert.id(),
            problem,
        };
        let algorithms = &self.inner.algorithms;
        match si.signed_attrs {
            Some(attrs) => {
                let checked =
                    signed_data::check_attributes(attrs, si.unsigned_attrs).map_err(|problem| {
                        Error::Attribute {
                            signer: index,
                            problem,
                        }
                    })?;
                // RFC 5652 section 11.1 (REFERENCE.md section 7 item 6).
                if checked.content_type.tag != crate::asn1::tag::OID
                    || checked.content_type.value != sd.econtent_type
                {
                    return Err(Error::ContentTypeMismatch {
                        signer: index,
                        attribute: oid::describe(checked.content_type.value),
                        content: oid::describe(sd.econtent_type),
                    });
                }
                // The signature covers the DER SET OF, i.e. the [0] tag replaced by SET.
                let set_tag = [crate::asn1::tag::SET];
                let parts: [&[u8]; 2] = [&set_tag, attrs.raw.get(1..).unwrap_or_default()];
                budget.charge_signature(cost)?;
                key.verify_signer(
                    &si.signature_algorithm,
                    digest,
                    &parts,
                    si.signature,
                    algorithms,
                )
                .map_err(sig_error)?;
                let computed = digest.digest(&[content]);
                let expected = checked.message_digest.value;
                if computed.as_ref().len() != expected.len() {
                    return Err(Error::Attribute {
                        signer: index,
                        problem: AttributeProblem::MessageDigestLength {
                            expected: computed.as_ref().len(),
                            found: expected.len(),
                        },
                    });
                }
                if computed.as_ref() != expected {
                    return Err(Error::MessageDigestMismatch { signer: index });
                }
            }
            None => {
                budget.charge_signature(cost)?;
                key.verify_signer(
                    &si.signature_algorithm,
                    digest,
                    &[content],
                    si.signature,
                    algorithms,
                )
                .map_err(sig_error)?;
            }
        }
        Ok(path)
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

/// What one verify call works on, besides the budget.
struct Call<'c, 'm> {
    sd: &'c SignedData<'m>,
    /// The message's certificates, indexed by subject for path building.
    message_certs: CertIndex,
    /// The signed content (encapsulated or detached).
    content: &'c [u8],
    at: UnixTime,
}

/// Validated paths keyed by the signer certificate's fingerprint; an entry is
/// used only while the verification time is inside the path's validity window.
#[derive(Debug)]
struct PathCache {
    capacity: usize,
    entries: RwLock<HashMap<[u8; 32], ValidatedPath>>,
}

impl PathCache {
    fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: RwLock::new(HashMap::new()),
        }
    }

    fn get(
        &self,
        signer: &Certificate,
        message_certs: &[Certificate],
        at: UnixTime,
    ) -> Option<Vec<Certificate>> {
        let entries = self.entries.read().ok()?;
        let path = entries.get(signer.fingerprint())?;
        let in_message = |fp: &[u8; 32]| message_certs.iter().any(|c| c.fingerprint() == fp);
        (path.valid_from <= at && at < path.valid_until && path.from_message.iter().all(in_message))
            .then(|| path.certs.clone())
    }

    fn insert(&self, signer: &Certificate, path: ValidatedPath) {
        if self.capacity == 0 {
            return;
        }
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= self.capacity {
                // Bounded: start over rather than track recency on the hot path.
                entries.clear();
            }
            entries.insert(*signer.fingerprint(), path);
        }
    }
}
