//! The CMS checks of one SignerInfo: its candidate certificates, signed
//! attributes (RFC 5652 section 11), signature and content digest.

use crate::algorithm::{DigestAlgorithm, DigestLookup};
use crate::budget::Budget;
use crate::cert::Certificate;
use crate::error::{AttributeProblem, Error, Result};
use crate::oid;
use crate::signed_data::{self, SignedData, SignerInfo};
use crate::time::UnixTime;
use crate::trust::store::CertIndex;

use super::{VerifiedSigner, Verifier};

/// What one verify call works on, besides the budget.
pub(super) struct Call<'c, 'm> {
    pub(super) sd: &'c SignedData<'m>,
    /// The message's certificates, indexed by subject for path building.
    pub(super) message_certs: CertIndex,
    /// The digests digestAlgorithms names, each once.
    pub(super) listed_digests: Vec<ListedDigest>,
    /// The signed content (encapsulated or detached).
    pub(super) content: &'c [u8],
    pub(super) at: UnixTime,
}

/// One digestAlgorithms entry as OpenSSL 3.0 sets up its digest BIO
/// (`ossl_cms_DigestAlgorithm_init_bio`): fetched from the provider by the
/// OID's name, or, for an RSA signature OID naming a digest
/// (`sha256WithRSAEncryption`), the legacy `EVP_MD` its alias resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ListedDigest {
    digest: DigestAlgorithm,
    /// Named by an RSA signature OID: the legacy digest, which carries a
    /// `pkey_type`.
    legacy: bool,
}

impl ListedDigest {
    /// The entry with the content bytes `oid_value`, which names `digest`.
    pub(super) fn new(oid_value: &[u8], digest: DigestAlgorithm) -> Self {
        Self {
            digest,
            legacy: !oid::is(oid_value, digest.oid()),
        }
    }

    /// `ossl_cms_DigestAlgorithm_find_ctx`: the BIO's digest type equals the
    /// SignerInfo's digest OID, or its `pkey_type` does (a legacy digest only:
    /// a fetched one has none), so a SignerInfo naming `sha256WithRSAEncryption`
    /// finds only an entry named the same way.
    fn matches(self, digest: DigestAlgorithm, named_plainly: bool) -> bool {
        self.digest == digest && (named_plainly || self.legacy)
    }
}

impl Verifier {
    /// Certificates matching the SignerInfo's identifier: certfile first, then
    /// the message's, all of them (docs/compatibility.md item 3).
    pub(super) fn signer_candidates<'a>(
        &'a self,
        index: usize,
        si: &SignerInfo<'_>,
        embedded: &'a [Certificate],
    ) -> Result<Vec<&'a Certificate>> {
        let certfile = self.inner.store.untrusted.all();
        let pool = || certfile.iter().chain(embedded);
        let mut found: Vec<&Certificate> = pool().filter(|c| si.sid.matches(c, None)).collect();
        if found.is_empty() {
            if let signed_data::SignerId::IssuerSerial { issuer, .. } = si.sid {
                // Slow path: OpenSSL compares names canonically (case, spaces, string types).
                if let Ok(canonical) = crate::name::canonical(issuer) {
                    found = pool()
                        .filter(|c| si.sid.matches(c, Some(&canonical)))
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

    pub(super) fn verify_signer(
        &self,
        index: usize,
        si: &SignerInfo<'_>,
        candidates: &[&Certificate],
        call: &Call<'_, '_>,
        budget: &mut Budget,
    ) -> Result<VerifiedSigner> {
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
        let named_plainly = oid::is(si.digest_algorithm.oid, digest.oid());
        if !call
            .listed_digests
            .iter()
            .any(|listed| listed.matches(digest, named_plainly))
        {
            return Err(Error::DigestNotListed {
                signer: index,
                digest: if named_plainly {
                    digest.name().into()
                } else {
                    oid::describe(si.digest_algorithm.oid)
                },
            });
        }
        let mut best: Option<Error> = None;
        for &cert in candidates {
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
                // RFC 5652 section 11.1 (docs/compatibility.md item 6).
                if checked.content_type.tag != crate::asn1::tag::OID
                    || checked.content_type.value != sd.encap_content_info.content_type
                {
                    return Err(Error::ContentTypeMismatch {
                        signer: index,
                        attribute: oid::describe(checked.content_type.value),
                        content: oid::describe(sd.encap_content_info.content_type),
                    });
                }
                // The signature covers the attributes as a DER SET OF: the [0]
                // tag replaced by SET, values re-sorted as OpenSSL re-encodes them.
                let set_tag = [crate::asn1::tag::SET];
                let reencoded = signed_data::reencoded_signed_attributes(attrs);
                let parts: [&[u8]; 2] = match &reencoded {
                    Some(bytes) => [bytes, &[]],
                    None => [&set_tag, attrs.raw.get(1..).unwrap_or_default()],
                };
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
}
