//! Signature verification under OpenSSL 3.0's rules: which signature OIDs a
//! key accepts, PSS parameters, and the RSA, ECDSA and Ed25519 operations.

use signature::hazmat::PrehashVerifier;
use signature::Verifier as _;

use super::fast_rsa::FastRsa;
use super::identifier::{cert_signature_kind, is_legacy_rsa_oid, CertSigKind};
use super::key::{EcKey, PortableRsa};
use super::{AlgorithmIdentifier, AlgorithmPolicy, DigestAlgorithm, DigestLookup, PublicKey};
use crate::asn1::{self, tag, Tlv};
use crate::oid;

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureProblem {
    /// An RSA signature whose length is not the modulus length (OpenSSL's
    /// "wrong signature length").
    WrongLength {
        /// The modulus length in bytes.
        expected: usize,
        /// The signature's length.
        found: usize,
    },
    /// A certificate whose outer signatureAlgorithm differs from the one
    /// inside TBSCertificate (OpenSSL's `X509_verify`).
    AlgorithmMismatch,
    /// The signature value does not match the data and key.
    Invalid,
    /// The algorithm OID is not one cmsverify implements.
    UnsupportedAlgorithm(String),
    /// The algorithm does not fit the signer's key type.
    KeyMismatch {
        /// The signature algorithm.
        algorithm: String,
        /// The key's type.
        key: &'static str,
    },
    /// The algorithm parameters are malformed or unsupported.
    BadParameters(&'static str),
    /// The algorithm is refused as insecure by the policy.
    Insecure(&'static str),
}

impl std::fmt::Display for SignatureProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid => f.write_str("the signature does not match"),
            Self::WrongLength { expected, found } => write!(
                f,
                "the RSA signature is {found} bytes long, not the modulus length of {expected}"
            ),
            Self::AlgorithmMismatch => f.write_str(
                "the certificate's signatureAlgorithm differs from the one inside its TBSCertificate",
            ),
            Self::UnsupportedAlgorithm(a) => write!(f, "unsupported signature algorithm {a}"),
            Self::KeyMismatch { algorithm, key } => {
                write!(
                    f,
                    "signature algorithm {algorithm} cannot be used with an {key} key"
                )
            }
            Self::BadParameters(what) => write!(f, "bad signature algorithm parameters: {what}"),
            Self::Insecure(what) => write!(f, "{what} is refused as insecure"),
        }
    }
}

impl PublicKey {
    /// Verifies a CMS SignerInfo signature.
    ///
    /// `parts` concatenated are the signed bytes (the DER signed attributes, or
    /// the content). The rules are OpenSSL 3.0's: an RSA key accepts
    /// rsaEncryption, any RSA signature OID (its hash is ignored) and
    /// RSASSA-PSS whose hash equals `digest`; for EC keys the OID is not
    /// examined; Ed25519 (RFC 8419) is pure EdDSA and requires SHA-512 as
    /// `digest`.
    pub(crate) fn verify_signer(
        &self,
        sig_alg: &AlgorithmIdentifier<'_>,
        digest: DigestAlgorithm,
        parts: &[&[u8]],
        signature: &[u8],
        policy: &AlgorithmPolicy,
    ) -> Result<(), SignatureProblem> {
        digest.check_policy(policy)?;
        self.check_signature_length(signature)?;
        match self {
            Self::Rsa {
                portable,
                fast,
                pss_only,
                ..
            } => {
                if oid::is(sig_alg.oid, &oid::RSASSA_PSS) {
                    // Only the PSS hash must be the SignerInfo's digest; the
                    // MGF1 hash is free (rsa_ameth.c: ossl_rsa_pss_to_ctx).
                    let pss = PssParams::parse(sig_alg.params)?;
                    if pss.hash != digest {
                        return Err(SignatureProblem::BadParameters(
                            "the PSS hash differs from the SignerInfo digest algorithm",
                        ));
                    }
                    return verify_pss(portable, fast.as_ref(), &pss, parts, signature);
                }
                let rsa_family = oid::is(sig_alg.oid, &oid::RSA_ENCRYPTION)
                    || matches!(
                        cert_signature_kind(sig_alg.oid),
                        Some(CertSigKind::RsaPkcs1(_))
                    )
                    || is_legacy_rsa_oid(sig_alg.oid);
                if !rsa_family {
                    return Err(SignatureProblem::KeyMismatch {
                        algorithm: oid::describe(sig_alg.oid),
                        key: self.family_name(),
                    });
                }
                if *pss_only {
                    return Err(SignatureProblem::BadParameters(
                        "an RSA-PSS key can only make RSASSA-PSS signatures",
                    ));
                }
                verify_pkcs1v15(portable, fast.as_ref(), digest, parts, signature)
            }
            Self::P256(key) => verify_ecdsa(key, digest, parts, signature, |s| {
                p256::ecdsa::Signature::from_der(s)
            }),
            Self::P384(key) => verify_ecdsa(key, digest, parts, signature, |s| {
                p384::ecdsa::Signature::from_der(s)
            }),
            Self::P521(key) => verify_ecdsa_portable(
                key,
                digest.digest(parts).as_ref(),
                p521::ecdsa::Signature::from_der(signature),
            ),
            Self::Ed25519(key) => {
                if !oid::is(sig_alg.oid, &oid::ED25519) {
                    return Err(SignatureProblem::KeyMismatch {
                        algorithm: oid::describe(sig_alg.oid),
                        key: "Ed25519",
                    });
                }
                if digest != DigestAlgorithm::Sha512 {
                    return Err(SignatureProblem::BadParameters(
                        "RFC 8419 requires SHA-512 with Ed25519",
                    ));
                }
                verify_ed25519(key, parts, signature)
            }
        }
    }

    /// Verifies a certificate's signature over its TBSCertificate bytes.
    pub(crate) fn verify_certificate(
        &self,
        sig_alg: &AlgorithmIdentifier<'_>,
        tbs: &[u8],
        signature: &[u8],
        policy: &AlgorithmPolicy,
    ) -> Result<(), SignatureProblem> {
        let kind = cert_signature_kind(sig_alg.oid)
            .ok_or_else(|| SignatureProblem::UnsupportedAlgorithm(oid::describe(sig_alg.oid)))?;
        let mismatch = || SignatureProblem::KeyMismatch {
            algorithm: oid::describe(sig_alg.oid),
            key: self.family_name(),
        };
        self.check_signature_length(signature)?;
        match (kind, self) {
            (
                CertSigKind::RsaPkcs1(digest),
                Self::Rsa {
                    portable,
                    fast,
                    pss_only: false,
                    ..
                },
            ) => {
                digest.check_policy(policy)?;
                verify_pkcs1v15(portable, fast.as_ref(), digest, &[tbs], signature)
            }
            (CertSigKind::RsaPss, Self::Rsa { portable, fast, .. }) => {
                let pss = PssParams::parse(sig_alg.params)?;
                pss.hash.check_policy(policy)?;
                verify_pss(portable, fast.as_ref(), &pss, &[tbs], signature)
            }
            (CertSigKind::Ecdsa(digest), Self::P256(key)) => {
                verify_ecdsa(key, digest, &[tbs], signature, |s| {
                    p256::ecdsa::Signature::from_der(s)
                })
            }
            (CertSigKind::Ecdsa(digest), Self::P384(key)) => {
                verify_ecdsa(key, digest, &[tbs], signature, |s| {
                    p384::ecdsa::Signature::from_der(s)
                })
            }
            (CertSigKind::Ecdsa(digest), Self::P521(key)) => verify_ecdsa_portable(
                key,
                digest.digest(&[tbs]).as_ref(),
                p521::ecdsa::Signature::from_der(signature),
            ),
            (CertSigKind::Ed25519, Self::Ed25519(key)) => verify_ed25519(key, &[tbs], signature),
            _ => Err(mismatch()),
        }
    }
}

/// PKCS#1 v1.5 verification of `parts`: graviola when it takes the case,
/// else the Montgomery operation, else the `rsa` crate (the portable ones
/// are set up only when reached).
fn verify_pkcs1v15(
    portable: &PortableRsa,
    fast: Option<&FastRsa>,
    digest: DigestAlgorithm,
    parts: &[&[u8]],
    signature: &[u8],
) -> Result<(), SignatureProblem> {
    if let Some(valid) = fast.and_then(|f| f.verify_pkcs1(digest, parts, signature)) {
        return valid.then_some(()).ok_or(SignatureProblem::Invalid);
    }
    let hashed = digest.digest(parts);
    let hashed = hashed.as_ref();
    let scheme = digest.pkcs1v15();
    let valid = match portable.op() {
        Some(op) => op.verify_pkcs1v15(&scheme.prefix, hashed, signature),
        None => portable
            .rsa_key()
            .is_some_and(|key| key.verify(scheme, hashed, signature).is_ok()),
    };
    if valid {
        Ok(())
    } else {
        Err(SignatureProblem::Invalid)
    }
}

/// RSASSA-PSS verification of `parts`: graviola when it takes the case,
/// else the `rsa` crate, else the portable operation, which alone takes
/// exponents the `rsa` crate refuses and an MGF1 hash other than the PSS
/// hash (both libraries use one hash for both).
fn verify_pss(
    portable: &PortableRsa,
    fast: Option<&FastRsa>,
    pss: &PssParams,
    parts: &[&[u8]],
    signature: &[u8],
) -> Result<(), SignatureProblem> {
    let (digest, salt_len) = (pss.hash, pss.salt_len);
    let one_hash = pss.mgf_hash == digest;
    if let Some(valid) = fast
        .filter(|_| one_hash)
        .and_then(|f| f.verify_pss(digest, salt_len, parts, signature))
    {
        return valid.then_some(()).ok_or(SignatureProblem::Invalid);
    }
    let hashed = digest.digest(parts);
    let rsa_key = portable.rsa_key().filter(|_| one_hash);
    let valid = match (rsa_key, portable.op()) {
        (Some(key), _) => digest
            .verify_pss(key, hashed.as_ref(), signature, salt_len)
            .is_ok(),
        (None, Some(op)) => {
            op.verify_pss(pss.hash, pss.mgf_hash, hashed.as_ref(), signature, salt_len)
        }
        (None, None) => false,
    };
    if valid {
        Ok(())
    } else {
        Err(SignatureProblem::Invalid)
    }
}

/// ECDSA verification of `parts` hashed with `digest`: graviola when it
/// takes the case, else the `p256`/`p384` crate with the signature as
/// `parse` decodes it.
fn verify_ecdsa<K: PrehashVerifier<S>, S, E>(
    key: &EcKey<K>,
    digest: DigestAlgorithm,
    parts: &[&[u8]],
    signature: &[u8],
    parse: impl FnOnce(&[u8]) -> Result<S, E>,
) -> Result<(), SignatureProblem> {
    if let Some(valid) = key
        .fast
        .as_ref()
        .and_then(|f| f.verify(digest, parts, signature))
    {
        return valid.then_some(()).ok_or(SignatureProblem::Invalid);
    }
    verify_ecdsa_portable(&key.key, digest.digest(parts).as_ref(), parse(signature))
}

fn verify_ecdsa_portable<S, E>(
    key: &impl PrehashVerifier<S>,
    prehash: &[u8],
    signature: Result<S, E>,
) -> Result<(), SignatureProblem> {
    let sig = signature.map_err(|_| SignatureProblem::Invalid)?;
    key.verify_prehash(prehash, &sig)
        .map_err(|_| SignatureProblem::Invalid)
}

fn verify_ed25519(
    key: &ed25519_dalek::VerifyingKey,
    parts: &[&[u8]],
    signature: &[u8],
) -> Result<(), SignatureProblem> {
    let sig =
        ed25519_dalek::Signature::from_slice(signature).map_err(|_| SignatureProblem::Invalid)?;
    let message = parts.concat();
    key.verify(&message, &sig)
        .map_err(|_| SignatureProblem::Invalid)
}

/// `RSASSA-PSS-params` (RFC 4055 section 3.1), with its defaults.
struct PssParams {
    hash: DigestAlgorithm,
    mgf_hash: DigestAlgorithm,
    salt_len: usize,
}

impl PssParams {
    fn parse(params: Option<Tlv<'_>>) -> Result<Self, SignatureProblem> {
        let bad = |what| SignatureProblem::BadParameters(what);
        let params = params.ok_or(bad("RSASSA-PSS parameters are missing"))?;
        let mut r = params
            .expect(tag::SEQUENCE)
            .map_err(|_| bad("malformed RSASSA-PSS parameters"))?
            .reader();
        let malformed = |_| bad("malformed RSASSA-PSS parameters");
        let digest_of = |alg: AlgorithmIdentifier<'_>| match DigestAlgorithm::lookup(alg.oid) {
            DigestLookup::Supported(d) => Ok(d),
            _ => Err(bad("unsupported RSASSA-PSS hash")),
        };
        let mut out = Self {
            hash: DigestAlgorithm::Sha1,
            mgf_hash: DigestAlgorithm::Sha1,
            salt_len: 20,
        };
        if let Some(t) = r.optional(tag::ctx_cons(0)).map_err(malformed)? {
            let alg = AlgorithmIdentifier::parse(asn1::parse_one(t.value).map_err(malformed)?)
                .map_err(malformed)?;
            out.hash = digest_of(alg)?;
        }
        if let Some(t) = r.optional(tag::ctx_cons(1)).map_err(malformed)? {
            let mgf = AlgorithmIdentifier::parse(asn1::parse_one(t.value).map_err(malformed)?)
                .map_err(malformed)?;
            if !oid::is(mgf.oid, &oid::MGF1) {
                return Err(bad("mask generation function other than MGF1"));
            }
            let inner = mgf.params.ok_or(bad("MGF1 without a hash"))?;
            out.mgf_hash = digest_of(AlgorithmIdentifier::parse(inner).map_err(malformed)?)?;
        }
        // OpenSSL reads both INTEGERs into an `int`
        // (ossl_rsa_pss_get_param_unverified), truncating what is longer.
        if let Some(t) = r.optional(tag::ctx_cons(2)).map_err(malformed)? {
            let int = asn1::parse_one(t.value)
                .and_then(|i| i.expect(tag::INTEGER))
                .map_err(malformed)?;
            out.salt_len = usize::try_from(asn1::openssl_int(int.value))
                .map_err(|_| bad("invalid PSS salt length"))?;
        }
        if let Some(t) = r.optional(tag::ctx_cons(3)).map_err(malformed)? {
            let int = asn1::parse_one(t.value)
                .and_then(|i| i.expect(tag::INTEGER))
                .map_err(malformed)?;
            if asn1::openssl_int(int.value) != 1 {
                return Err(bad("PSS trailer field other than 1"));
            }
        }
        r.finish().map_err(malformed)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_signature_problem_says_what_failed() {
        let cases = [
            (SignatureProblem::Invalid, "the signature does not match"),
            (
                SignatureProblem::WrongLength {
                    expected: 256,
                    found: 255,
                },
                "the RSA signature is 255 bytes long, not the modulus length of 256",
            ),
            (
                SignatureProblem::AlgorithmMismatch,
                "the certificate's signatureAlgorithm differs from the one inside its TBSCertificate",
            ),
            (
                SignatureProblem::UnsupportedAlgorithm("1.2.3".into()),
                "unsupported signature algorithm 1.2.3",
            ),
            (
                SignatureProblem::KeyMismatch {
                    algorithm: "ecdsa-with-SHA256".into(),
                    key: "RSA",
                },
                "signature algorithm ecdsa-with-SHA256 cannot be used with an RSA key",
            ),
            (
                SignatureProblem::BadParameters("invalid PSS salt length"),
                "bad signature algorithm parameters: invalid PSS salt length",
            ),
            (
                SignatureProblem::Insecure("the MD5 digest"),
                "the MD5 digest is refused as insecure",
            ),
        ];
        for (problem, text) in cases {
            assert_eq!(problem.to_string(), text);
        }
    }

    fn pss(params: &[u8]) -> Result<PssParams, SignatureProblem> {
        PssParams::parse(Some(
            asn1::parse_one(params)
                .map_err(|_| SignatureProblem::BadParameters("test input is not DER"))?,
        ))
    }

    /// RSASSA-PSS-params with `[2]` salt length `salt` (INTEGER content) and,
    /// if given, `[3]` trailerField `trailer`.
    fn with_salt_and_trailer(salt: &[u8], trailer: Option<&[u8]>) -> Vec<u8> {
        let int = |v: &[u8]| {
            let mut out = vec![0x02, u8::try_from(v.len()).unwrap_or(0)];
            out.extend_from_slice(v);
            out
        };
        let ctx = |n: u8, v: Vec<u8>| {
            let mut out = vec![0xA0 | n, u8::try_from(v.len()).unwrap_or(0)];
            out.extend(v);
            out
        };
        let mut body = ctx(2, int(salt));
        if let Some(t) = trailer {
            body.extend(ctx(3, int(t)));
        }
        let mut out = vec![0x30, u8::try_from(body.len()).unwrap_or(0)];
        out.extend(body);
        out
    }

    #[test]
    fn pss_defaults_are_rfc_4055s() {
        let p = pss(&[0x30, 0x00]).map_err(|e| e.to_string());
        let p = p.as_ref().map(|p| (p.hash, p.mgf_hash, p.salt_len));
        assert_eq!(
            p,
            Ok((DigestAlgorithm::Sha1, DigestAlgorithm::Sha1, 20)),
            "empty parameters"
        );
    }

    #[test]
    fn pss_salt_and_trailer_read_as_openssl_ints() {
        let salt =
            |s: &[u8], t: Option<&[u8]>| pss(&with_salt_and_trailer(s, t)).map(|p| p.salt_len);
        assert_eq!(salt(&[0x20], None), Ok(32));
        assert_eq!(salt(&[0x01, 0x00], None), Ok(256));
        // Longer INTEGERs keep their low 32 bits, as OpenSSL's `int`.
        assert_eq!(salt(&[0x01, 0, 0, 0, 0x20], None), Ok(32));
        let invalid = Err(SignatureProblem::BadParameters("invalid PSS salt length"));
        assert_eq!(salt(&[0xFF], None), invalid);
        assert_eq!(salt(&[0x00, 0x80, 0, 0, 0], None), invalid);
        assert_eq!(salt(&[0x20], Some(&[0x01])), Ok(32));
        assert_eq!(salt(&[0x20], Some(&[0x01, 0, 0, 0, 0x01])), Ok(32));
        let trailer = Err(SignatureProblem::BadParameters(
            "PSS trailer field other than 1",
        ));
        assert_eq!(salt(&[0x20], Some(&[0x02])), trailer);
        assert_eq!(salt(&[0x20], Some(&[0x00])), trailer);
    }
}
