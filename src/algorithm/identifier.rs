//! `AlgorithmIdentifier`, `SubjectPublicKeyInfo` and what their OIDs name:
//! key families and the signature algorithms of certificates.

use super::{DigestAlgorithm, SignatureProblem};
use crate::asn1::{self, tag, Asn1Error, Tlv};
use crate::oid;

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`
/// ([RFC 5280 section 4.1.1.2](https://www.rfc-editor.org/rfc/rfc5280#section-4.1.1.2)).
#[derive(Debug, Clone, Copy)]
pub(crate) struct AlgorithmIdentifier<'a> {
    /// Content bytes of the OID.
    pub oid: &'a [u8],
    /// The parameters element, if any.
    pub params: Option<Tlv<'a>>,
}

impl<'a> AlgorithmIdentifier<'a> {
    pub(crate) fn parse(tlv: Tlv<'a>) -> Result<Self, Asn1Error> {
        let mut r = tlv.expect(tag::SEQUENCE)?.reader();
        let oid = r.expect(tag::OID)?.value;
        // Parameters are an ANY: OpenSSL's decoder checks the value's type.
        let params = if r.is_empty() {
            None
        } else {
            let params = r.any()?;
            asn1::check_any(params)?;
            Some(params)
        };
        r.finish()?;
        Ok(Self { oid, params })
    }
}

/// The key types a signature algorithm or a certificate key can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyFamily {
    Rsa,
    RsaPss,
    Ec,
    Ed25519,
    Ed448,
    Dsa,
}

impl KeyFamily {
    /// The family of a SubjectPublicKeyInfo algorithm OID.
    pub(crate) fn of_key(oid_value: &[u8]) -> Option<Self> {
        [
            (&oid::RSA_ENCRYPTION, Self::Rsa),
            (&oid::RSASSA_PSS, Self::RsaPss),
            (&oid::EC_PUBLIC_KEY, Self::Ec),
            (&oid::ED25519, Self::Ed25519),
            (&oid::ED448, Self::Ed448),
            (&oid::DSA, Self::Dsa),
        ]
        .iter()
        .find(|(o, _)| oid::is(oid_value, o))
        .map(|(_, f)| *f)
    }

    /// Whether a certificate signed with `sig_oid` can have been issued by a key
    /// of this family (OpenSSL's `ossl_x509_likely_issued()` key-type test).
    pub(crate) fn can_sign(self, sig_oid: &[u8]) -> bool {
        self.fits(sig_oid) == Some(true)
    }

    /// Why a key of this family cannot have made a certificate signature
    /// labelled `sig_oid`: an algorithm OpenSSL 3.0 does not list for
    /// certificates, or one of another key type.
    pub(crate) fn signature_problem(self, sig_oid: &[u8]) -> Option<SignatureProblem> {
        match self.fits(sig_oid) {
            Some(true) => None,
            None => Some(SignatureProblem::UnsupportedAlgorithm(oid::describe(
                sig_oid,
            ))),
            Some(false) => Some(SignatureProblem::KeyMismatch {
                algorithm: oid::describe(sig_oid),
                key: self.name(),
            }),
        }
    }

    /// Whether `sig_oid` is a signature of this family; `None` for an OID
    /// OpenSSL 3.0 does not list for certificates.
    fn fits(self, sig_oid: &[u8]) -> Option<bool> {
        Some(match cert_signature_kind(sig_oid)? {
            CertSigKind::RsaPkcs1(_) => self == Self::Rsa,
            CertSigKind::RsaPss => matches!(self, Self::Rsa | Self::RsaPss),
            CertSigKind::Ecdsa(_) => self == Self::Ec,
            CertSigKind::Ed25519 => self == Self::Ed25519,
        })
    }

    /// The family's name in messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Rsa => "RSA",
            Self::RsaPss => "RSA-PSS",
            Self::Ec => "EC",
            Self::Ed25519 => "Ed25519",
            Self::Ed448 => "Ed448",
            Self::Dsa => "DSA",
        }
    }
}

/// md2/md4WithRSAEncryption: RSA-family OIDs OpenSSL accepts as a SignerInfo label.
pub(super) fn is_legacy_rsa_oid(value: &[u8]) -> bool {
    oid::is(value, &oid::MD2_WITH_RSA) || oid::is(value, &oid::MD4_WITH_RSA)
}

/// Signature algorithms of certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CertSigKind {
    RsaPkcs1(DigestAlgorithm),
    RsaPss,
    Ecdsa(DigestAlgorithm),
    Ed25519,
}

pub(super) fn cert_signature_kind(value: &[u8]) -> Option<CertSigKind> {
    use CertSigKind::*;
    use DigestAlgorithm as D;
    // OpenSSL 3.0's crypto/objects/obj_xref.txt: each signature OID with its
    // digest and key type. It has RSA with SHA-3, not ECDSA with SHA-3 (a
    // certificate signed so has no issuer; docs/compatibility.md).
    let table: [(&const_oid::ObjectIdentifier, CertSigKind); 19] = [
        (&oid::MD5_WITH_RSA, RsaPkcs1(D::Md5)),
        (&oid::SHA1_WITH_RSA, RsaPkcs1(D::Sha1)),
        (&oid::SHA224_WITH_RSA, RsaPkcs1(D::Sha224)),
        (&oid::SHA256_WITH_RSA, RsaPkcs1(D::Sha256)),
        (&oid::SHA384_WITH_RSA, RsaPkcs1(D::Sha384)),
        (&oid::SHA512_WITH_RSA, RsaPkcs1(D::Sha512)),
        (&oid::SHA512_224_WITH_RSA, RsaPkcs1(D::Sha512_224)),
        (&oid::SHA512_256_WITH_RSA, RsaPkcs1(D::Sha512_256)),
        (&oid::RSA_WITH_SHA3_224, RsaPkcs1(D::Sha3_224)),
        (&oid::RSA_WITH_SHA3_256, RsaPkcs1(D::Sha3_256)),
        (&oid::RSA_WITH_SHA3_384, RsaPkcs1(D::Sha3_384)),
        (&oid::RSA_WITH_SHA3_512, RsaPkcs1(D::Sha3_512)),
        (&oid::RSASSA_PSS, RsaPss),
        (&oid::ECDSA_WITH_SHA1, Ecdsa(D::Sha1)),
        (&oid::ECDSA_WITH_SHA224, Ecdsa(D::Sha224)),
        (&oid::ECDSA_WITH_SHA256, Ecdsa(D::Sha256)),
        (&oid::ECDSA_WITH_SHA384, Ecdsa(D::Sha384)),
        (&oid::ECDSA_WITH_SHA512, Ecdsa(D::Sha512)),
        (&oid::ED25519, Ed25519),
    ];
    table
        .iter()
        .find(|(o, _)| oid::is(value, o))
        .map(|(_, k)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_signatures_need_rsa_keys() {
        assert!(KeyFamily::Rsa.can_sign(oid::SHA256_WITH_RSA.as_bytes()));
        assert!(KeyFamily::Rsa.can_sign(oid::RSASSA_PSS.as_bytes()));
        assert!(KeyFamily::RsaPss.can_sign(oid::RSASSA_PSS.as_bytes()));
        assert!(!KeyFamily::RsaPss.can_sign(oid::SHA256_WITH_RSA.as_bytes()));
        assert!(!KeyFamily::Ec.can_sign(oid::SHA256_WITH_RSA.as_bytes()));
        assert!(KeyFamily::Ec.can_sign(oid::ECDSA_WITH_SHA384.as_bytes()));
        assert!(KeyFamily::Rsa.can_sign(oid::RSA_WITH_SHA3_256.as_bytes()));
    }

    #[test]
    fn signature_problems_name_the_algorithm_and_key() {
        assert_eq!(
            KeyFamily::Ec.signature_problem(oid::RSA_WITH_SHA3_256.as_bytes()),
            Some(SignatureProblem::KeyMismatch {
                algorithm: "id-rsassa-pkcs1-v1_5-with-sha3-256 (2.16.840.1.101.3.4.3.14)".into(),
                key: "EC"
            })
        );
        // OpenSSL 3.0 lists no ECDSA-with-SHA-3 for certificates.
        assert_eq!(
            KeyFamily::Ec.signature_problem(oid::ECDSA_WITH_SHA3_256.as_bytes()),
            Some(SignatureProblem::UnsupportedAlgorithm(
                "id-ecdsa-with-sha3-256 (2.16.840.1.101.3.4.3.10)".into()
            ))
        );
        assert_eq!(
            KeyFamily::Ec.signature_problem(oid::ECDSA_WITH_SHA256.as_bytes()),
            None
        );
    }
}

/// ```text
/// SubjectPublicKeyInfo ::= SEQUENCE {
///   algorithm AlgorithmIdentifier,
///   subjectPublicKey BIT STRING }
/// ```
#[derive(Debug, Clone, Copy)]
pub(crate) struct SubjectPublicKeyInfo<'a> {
    pub algorithm: AlgorithmIdentifier<'a>,
    /// The BIT STRING element (its content: the unused-bits count, then
    /// the key).
    pub subject_public_key: Tlv<'a>,
}

impl<'a> SubjectPublicKeyInfo<'a> {
    /// Parses the structure (the key itself is decoded by its family).
    pub(crate) fn parse(tlv: Tlv<'a>) -> Result<Self, Asn1Error> {
        let mut r = tlv.expect(tag::SEQUENCE)?.reader();
        let algorithm = AlgorithmIdentifier::parse(r.any()?)?;
        let subject_public_key = r.expect(tag::BIT_STRING)?;
        r.finish()?;
        Ok(Self {
            algorithm,
            subject_public_key,
        })
    }

    /// The key bytes, `None` when the BIT STRING declares unused bits.
    pub(crate) fn key_bytes(&self) -> Option<&'a [u8]> {
        match self.subject_public_key.value.split_first() {
            Some((0, key)) => Some(key),
            _ => None,
        }
    }
}
