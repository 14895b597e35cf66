//! Digest and signature algorithms, dispatched by OID.
//!
//! Covers what `openssl cms -verify` verifies in practice: RSA PKCS#1 v1.5 and
//! RSASSA-PSS, ECDSA on P-256 and P-384, plus Ed25519 (RFC 8419), which
//! OpenSSL 3.0 cannot verify in CMS. DSA is refused with a clear error.

use crate::asn1::{self, tag, Asn1Error, Tlv};
use crate::key_limits;
use crate::montgomery::RsaPublicOp;
use crate::oid;
use digest::Digest;
use signature::hazmat::PrehashVerifier;
use signature::Verifier as _;

/// Which weak algorithms the policy admits.
///
/// OpenSSL 3.0's command accepts RSA keys of any size and MD5; cmsverify's
/// default refuses RSA keys under 1024 bits and MD5 (REFERENCE.md section 7
/// item 5). SHA-1 stays accepted: older Keystone deployments sign with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// A digest algorithm cmsverify computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum DigestAlgorithm {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha512_224,
    Sha512_256,
    Sha3_224,
    Sha3_256,
    Sha3_384,
    Sha3_512,
}

/// What an OID in a digest-algorithm field means to OpenSSL and to us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DigestLookup {
    /// A digest cmsverify computes.
    Supported(DigestAlgorithm),
    /// OpenSSL's default provider has it, cmsverify does not implement it.
    NotImplemented(&'static str),
    /// Neither OpenSSL's default provider nor cmsverify has it (MD4, unknown).
    Unavailable,
}

impl DigestAlgorithm {
    /// Looks up a digest algorithm by the content bytes of its OID.
    pub(crate) fn lookup(oid_value: &[u8]) -> DigestLookup {
        use DigestAlgorithm::*;
        let table: [(&const_oid::ObjectIdentifier, DigestAlgorithm); 12] = [
            (&oid::MD5, Md5),
            (&oid::SHA1, Sha1),
            (&oid::SHA224, Sha224),
            (&oid::SHA256, Sha256),
            (&oid::SHA384, Sha384),
            (&oid::SHA512, Sha512),
            (&oid::SHA512_224, Sha512_224),
            (&oid::SHA512_256, Sha512_256),
            (&oid::SHA3_224, Sha3_224),
            (&oid::SHA3_256, Sha3_256),
            (&oid::SHA3_384, Sha3_384),
            (&oid::SHA3_512, Sha3_512),
        ];
        if let Some((_, alg)) = table.iter().find(|(o, _)| oid::is(oid_value, o)) {
            return DigestLookup::Supported(*alg);
        }
        // OpenSSL registers each digest's RSA signature OID as an alias of the
        // digest (`EVP_add_digest`: `pkey_type`), so `sha256WithRSAEncryption`
        // names SHA-256 in digestAlgorithms too.
        if let Some(CertSigKind::RsaPkcs1(alg)) = cert_signature_kind(oid_value) {
            return DigestLookup::Supported(alg);
        }
        if oid::is(oid_value, &oid::SM3) {
            DigestLookup::NotImplemented("SM3")
        } else if oid::is(oid_value, &oid::RIPEMD160) {
            DigestLookup::NotImplemented("RIPEMD-160")
        } else {
            DigestLookup::Unavailable
        }
    }

    /// Every digest cmsverify implements, weakest first.
    pub const ALL: [DigestAlgorithm; 12] = {
        use DigestAlgorithm::*;
        [
            Md5, Sha1, Sha224, Sha256, Sha384, Sha512, Sha512_224, Sha512_256, Sha3_224, Sha3_256,
            Sha3_384, Sha3_512,
        ]
    };

    /// Parses an OpenSSL digest name (`sha256`, `SHA-256`, `sha512-256`, `sha3-256`, `md5`...).
    pub fn from_name(name: &str) -> Option<Self> {
        use DigestAlgorithm::*;
        let normal: String = name
            .chars()
            .filter(|c| *c != '-' && *c != '_' && *c != '/')
            .collect::<String>()
            .to_ascii_lowercase();
        Some(match normal.as_str() {
            "md5" => Md5,
            "sha1" => Sha1,
            "sha224" => Sha224,
            "sha256" => Sha256,
            "sha384" => Sha384,
            "sha512" => Sha512,
            "sha512224" => Sha512_224,
            "sha512256" => Sha512_256,
            "sha3224" => Sha3_224,
            "sha3256" => Sha3_256,
            "sha3384" => Sha3_384,
            "sha3512" => Sha3_512,
            _ => return None,
        })
    }

    /// The algorithm's conventional name.
    pub fn name(self) -> &'static str {
        use DigestAlgorithm::*;
        match self {
            Md5 => "MD5",
            Sha1 => "SHA-1",
            Sha224 => "SHA-224",
            Sha256 => "SHA-256",
            Sha384 => "SHA-384",
            Sha512 => "SHA-512",
            Sha512_224 => "SHA-512/224",
            Sha512_256 => "SHA-512/256",
            Sha3_224 => "SHA3-224",
            Sha3_256 => "SHA3-256",
            Sha3_384 => "SHA3-384",
            Sha3_512 => "SHA3-512",
        }
    }

    /// Hashes the concatenation of `parts`.
    pub(crate) fn digest(self, parts: &[&[u8]]) -> DigestValue {
        fn run<D: Digest>(parts: &[&[u8]]) -> DigestValue {
            let mut d = D::new();
            parts.iter().for_each(|p| d.update(p));
            DigestValue::new(&d.finalize())
        }
        use DigestAlgorithm::*;
        match self {
            Md5 => run::<md5::Md5>(parts),
            Sha1 => run::<sha1::Sha1>(parts),
            Sha224 => run::<sha2::Sha224>(parts),
            Sha256 => run::<sha2::Sha256>(parts),
            Sha384 => run::<sha2::Sha384>(parts),
            Sha512 => run::<sha2::Sha512>(parts),
            Sha512_224 => run::<sha2::Sha512_224>(parts),
            Sha512_256 => run::<sha2::Sha512_256>(parts),
            Sha3_224 => run::<sha3::Sha3_224>(parts),
            Sha3_256 => run::<sha3::Sha3_256>(parts),
            Sha3_384 => run::<sha3::Sha3_384>(parts),
            Sha3_512 => run::<sha3::Sha3_512>(parts),
        }
    }

    /// PKCS#1 v1.5 signature scheme with this digest's DigestInfo prefix.
    pub(crate) fn pkcs1v15(self) -> rsa::Pkcs1v15Sign {
        use DigestAlgorithm::*;
        match self {
            Md5 => rsa::Pkcs1v15Sign::new::<md5::Md5>(),
            Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
            Sha224 => rsa::Pkcs1v15Sign::new::<sha2::Sha224>(),
            Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
            Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
            Sha512_224 => rsa::Pkcs1v15Sign::new::<sha2::Sha512_224>(),
            Sha512_256 => rsa::Pkcs1v15Sign::new::<sha2::Sha512_256>(),
            Sha3_224 => rsa::Pkcs1v15Sign::new::<sha3::Sha3_224>(),
            Sha3_256 => rsa::Pkcs1v15Sign::new::<sha3::Sha3_256>(),
            Sha3_384 => rsa::Pkcs1v15Sign::new::<sha3::Sha3_384>(),
            Sha3_512 => rsa::Pkcs1v15Sign::new::<sha3::Sha3_512>(),
        }
    }

    /// Verifies an RSASSA-PSS signature over `hashed` (MGF1 with the same digest).
    fn verify_pss(
        self,
        key: &rsa::RsaPublicKey,
        hashed: &[u8],
        sig: &[u8],
        salt: usize,
    ) -> rsa::errors::Result<()> {
        use rsa::pss::Pss;
        use DigestAlgorithm::*;
        match self {
            Md5 => key.verify(Pss::<md5::Md5>::new_with_salt(salt), hashed, sig),
            Sha1 => key.verify(Pss::<sha1::Sha1>::new_with_salt(salt), hashed, sig),
            Sha224 => key.verify(Pss::<sha2::Sha224>::new_with_salt(salt), hashed, sig),
            Sha256 => key.verify(Pss::<sha2::Sha256>::new_with_salt(salt), hashed, sig),
            Sha384 => key.verify(Pss::<sha2::Sha384>::new_with_salt(salt), hashed, sig),
            Sha512 => key.verify(Pss::<sha2::Sha512>::new_with_salt(salt), hashed, sig),
            Sha512_224 => key.verify(Pss::<sha2::Sha512_224>::new_with_salt(salt), hashed, sig),
            Sha512_256 => key.verify(Pss::<sha2::Sha512_256>::new_with_salt(salt), hashed, sig),
            Sha3_224 => key.verify(Pss::<sha3::Sha3_224>::new_with_salt(salt), hashed, sig),
            Sha3_256 => key.verify(Pss::<sha3::Sha3_256>::new_with_salt(salt), hashed, sig),
            Sha3_384 => key.verify(Pss::<sha3::Sha3_384>::new_with_salt(salt), hashed, sig),
            Sha3_512 => key.verify(Pss::<sha3::Sha3_512>::new_with_salt(salt), hashed, sig),
        }
    }

    fn check_policy(self, policy: &AlgorithmPolicy) -> Result<(), SignatureProblem> {
        if self == DigestAlgorithm::Md5 && !policy.allow_md5 {
            Err(SignatureProblem::Insecure("the MD5 digest"))
        } else {
            Ok(())
        }
    }
}

/// A digest value (at most 64 bytes), kept on the stack.
#[derive(Clone, Copy)]
pub(crate) struct DigestValue {
    bytes: [u8; 64],
    len: usize,
}

impl DigestValue {
    fn new(bytes: &[u8]) -> Self {
        let mut out = [0u8; 64];
        for (o, b) in out.iter_mut().zip(bytes) {
            *o = *b;
        }
        Self {
            bytes: out,
            len: bytes.len().min(64),
        }
    }
}

impl AsRef<[u8]> for DigestValue {
    fn as_ref(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

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
        let params = if r.is_empty() { None } else { Some(r.any()?) };
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
        match cert_signature_kind(sig_oid) {
            Some(CertSigKind::RsaPkcs1(_)) => self == Self::Rsa,
            Some(CertSigKind::RsaPss) => matches!(self, Self::Rsa | Self::RsaPss),
            Some(CertSigKind::Ecdsa(_)) => self == Self::Ec,
            Some(CertSigKind::Ed25519) => self == Self::Ed25519,
            None => false,
        }
    }
}

/// A parsed public key, ready to verify.
#[derive(Debug, Clone)]
pub(crate) enum PublicKey {
    Rsa {
        key: rsa::RsaPublicKey,
        /// The fast public operation, when the exponent fits 64 bits.
        op: Option<RsaPublicOp>,
        bits: usize,
        /// id-RSASSA-PSS keys may only make PSS signatures.
        pss_only: bool,
    },
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// Why a public key cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyProblem {
    /// An RSA modulus longer than OpenSSL accepts (checked on its encoded
    /// length, before any arithmetic).
    ModulusTooLarge {
        /// Modulus size.
        bits: usize,
        /// OpenSSL's `OPENSSL_RSA_MAX_MODULUS_BITS`.
        max: usize,
    },
    /// An RSA public exponent OpenSSL refuses.
    BadExponent(&'static str),
    /// The key type is one cmsverify does not verify with (DSA, Ed448, unknown).
    Unsupported(String),
    /// An EC key on a curve other than P-256 and P-384, or with explicit parameters.
    UnsupportedCurve(String),
    /// The key bytes do not decode.
    Malformed,
    /// An RSA key smaller than the policy allows.
    TooSmall {
        /// Modulus size.
        bits: usize,
        /// Policy minimum.
        min: usize,
    },
}

impl std::fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unsupported(what) => write!(f, "its {what} public key is not supported"),
            Self::UnsupportedCurve(what) => {
                write!(f, "its EC key uses {what}, which is not supported")
            }
            Self::Malformed => f.write_str("its public key is malformed"),
            Self::ModulusTooLarge { bits, max } => write!(
                f,
                "its {bits}-bit RSA modulus is larger than the {max} bits OpenSSL accepts"
            ),
            Self::BadExponent(why) => write!(f, "its RSA public exponent is refused: {why}"),
            Self::TooSmall { bits, min } => write!(
                f,
                "its {bits}-bit RSA key is smaller than the {min} bits the policy requires"
            ),
        }
    }
}

impl PublicKey {
    /// Parses a DER SubjectPublicKeyInfo.
    pub(crate) fn from_spki(spki: &[u8]) -> Result<Self, KeyProblem> {
        let bad = |_| KeyProblem::Malformed;
        let seq = asn1::parse_one(spki)
            .and_then(|t| t.expect(tag::SEQUENCE))
            .map_err(bad)?;
        let mut r = seq.reader();
        let alg = r.any().and_then(AlgorithmIdentifier::parse).map_err(bad)?;
        let bits = r.expect(tag::BIT_STRING).map_err(bad)?.value;
        let key = match bits.split_first() {
            Some((0, key)) => key,
            _ => return Err(KeyProblem::Malformed),
        };
        match KeyFamily::of_key(alg.oid) {
            Some(family @ (KeyFamily::Rsa | KeyFamily::RsaPss)) => {
                let (key, op, bits) = parse_rsa(key)?;
                Ok(Self::Rsa {
                    key,
                    op,
                    bits,
                    pss_only: family == KeyFamily::RsaPss,
                })
            }
            Some(KeyFamily::Ec) => {
                let curve = alg.params.filter(|p| p.tag == tag::OID).ok_or_else(|| {
                    KeyProblem::UnsupportedCurve("explicit curve parameters".into())
                })?;
                if oid::is(curve.value, &oid::SECP256R1) {
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(key)
                        .map(Self::P256)
                        .map_err(|_| KeyProblem::Malformed)
                } else if oid::is(curve.value, &oid::SECP384R1) {
                    p384::ecdsa::VerifyingKey::from_sec1_bytes(key)
                        .map(Self::P384)
                        .map_err(|_| KeyProblem::Malformed)
                } else {
                    Err(KeyProblem::UnsupportedCurve(format!(
                        "curve {}",
                        oid::dotted(curve.value)
                    )))
                }
            }
            Some(KeyFamily::Ed25519) => {
                let bytes: &[u8; 32] = key.try_into().map_err(|_| KeyProblem::Malformed)?;
                ed25519_dalek::VerifyingKey::from_bytes(bytes)
                    .map(Self::Ed25519)
                    .map_err(|_| KeyProblem::Malformed)
            }
            Some(other @ (KeyFamily::Dsa | KeyFamily::Ed448)) => {
                Err(KeyProblem::Unsupported(other.name().into()))
            }
            None => Err(KeyProblem::Unsupported(oid::describe(alg.oid))),
        }
    }

    /// Refuses keys the policy considers too weak.
    pub(crate) fn check_policy(&self, policy: &AlgorithmPolicy) -> Result<(), KeyProblem> {
        match self {
            Self::Rsa { bits, .. } if *bits < policy.min_rsa_bits => Err(KeyProblem::TooSmall {
                bits: *bits,
                min: policy.min_rsa_bits,
            }),
            _ => Ok(()),
        }
    }

    /// RSA signatures must be exactly as long as the modulus (OpenSSL's
    /// `RSA_R_WRONG_SIGNATURE_LENGTH`; a shorter one is not left-padded).
    fn check_signature_length(&self, signature: &[u8]) -> Result<(), SignatureProblem> {
        match self {
            Self::Rsa { bits, .. } if signature.len() != bits.div_ceil(8) => {
                Err(SignatureProblem::WrongLength {
                    expected: bits.div_ceil(8),
                    found: signature.len(),
                })
            }
            _ => Ok(()),
        }
    }

    fn family_name(&self) -> &'static str {
        match self {
            Self::Rsa {
                pss_only: false, ..
            } => "RSA",
            Self::Rsa { pss_only: true, .. } => "RSA-PSS",
            Self::P256(_) | Self::P384(_) => "EC",
            Self::Ed25519(_) => "Ed25519",
        }
    }

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
                key, op, pss_only, ..
            } => {
                let hashed = digest.digest(parts);
                if oid::is(sig_alg.oid, &oid::RSASSA_PSS) {
                    let pss = PssParams::parse(sig_alg.params)?;
                    if pss.hash != digest || pss.mgf_hash != digest {
                        return Err(SignatureProblem::BadParameters(
                            "the PSS hash differs from the SignerInfo digest algorithm",
                        ));
                    }
                    return digest
                        .verify_pss(key, hashed.as_ref(), signature, pss.salt_len)
                        .map_err(|_| SignatureProblem::Invalid);
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
                verify_pkcs1v15(key, op.as_ref(), digest, hashed.as_ref(), signature)
            }
            Self::P256(key) => verify_ecdsa(
                key,
                digest.digest(parts).as_ref(),
                p256::ecdsa::Signature::from_der(signature),
            ),
            Self::P384(key) => verify_ecdsa(
                key,
                digest.digest(parts).as_ref(),
                p384::ecdsa::Signature::from_der(signature),
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
                    key,
                    op,
                    pss_only: false,
                    ..
                },
            ) => {
                digest.check_policy(policy)?;
                let hashed = digest.digest(&[tbs]);
                verify_pkcs1v15(key, op.as_ref(), digest, hashed.as_ref(), signature)
            }
            (CertSigKind::RsaPss, Self::Rsa { key, .. }) => {
                let pss = PssParams::parse(sig_alg.params)?;
                if pss.mgf_hash != pss.hash {
                    return Err(SignatureProblem::BadParameters(
                        "PSS with an MGF1 hash other than the message hash",
                    ));
                }
                pss.hash.check_policy(policy)?;
                let hashed = pss.hash.digest(&[tbs]);
                pss.hash
                    .verify_pss(key, hashed.as_ref(), signature, pss.salt_len)
                    .map_err(|_| SignatureProblem::Invalid)
            }
            (CertSigKind::Ecdsa(digest), Self::P256(key)) => verify_ecdsa(
                key,
                digest.digest(&[tbs]).as_ref(),
                p256::ecdsa::Signature::from_der(signature),
            ),
            (CertSigKind::Ecdsa(digest), Self::P384(key)) => verify_ecdsa(
                key,
                digest.digest(&[tbs]).as_ref(),
                p384::ecdsa::Signature::from_der(signature),
            ),
            (CertSigKind::Ed25519, Self::Ed25519(key)) => verify_ed25519(key, &[tbs], signature),
            _ => Err(mismatch()),
        }
    }
}

/// md2/md4WithRSAEncryption: RSA-family OIDs OpenSSL accepts as a SignerInfo label.
fn is_legacy_rsa_oid(value: &[u8]) -> bool {
    oid::is(value, &oid::MD2_WITH_RSA) || oid::is(value, &oid::MD4_WITH_RSA)
}

fn parse_rsa(key: &[u8]) -> Result<(rsa::RsaPublicKey, Option<RsaPublicOp>, usize), KeyProblem> {
    let (n, e) = key_limits::rsa_components(key)?;
    // Before any arithmetic: key setup costs the square of the modulus length.
    key_limits::check_rsa(n, e)?;
    let op = RsaPublicOp::new(n, e);
    let to_uint = |bytes: &[u8]| {
        let bits = u32::try_from(bytes.len() * 8).map_err(|_| KeyProblem::Malformed)?;
        rsa::BoxedUint::from_be_slice(bytes, bits.max(64)).map_err(|_| KeyProblem::Malformed)
    };
    let n = to_uint(n)?;
    let bits = usize::try_from(n.bits_vartime()).map_err(|_| KeyProblem::Malformed)?;
    let key = rsa::RsaPublicKey::new_with_size_limits(n, to_uint(e)?, 1..=16384)
        .map_err(|_| KeyProblem::Malformed)?;
    Ok((key, op, bits))
}

/// PKCS#1 v1.5 verification, through the precomputed public operation when
/// there is one.
fn verify_pkcs1v15(
    key: &rsa::RsaPublicKey,
    op: Option<&RsaPublicOp>,
    digest: DigestAlgorithm,
    hashed: &[u8],
    signature: &[u8],
) -> Result<(), SignatureProblem> {
    let scheme = digest.pkcs1v15();
    let valid = match op {
        Some(op) => op.verify_pkcs1v15(&scheme.prefix, hashed, signature),
        None => key.verify(scheme, hashed, signature).is_ok(),
    };
    if valid {
        Ok(())
    } else {
        Err(SignatureProblem::Invalid)
    }
}

fn verify_ecdsa<S, E>(
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

/// Signature algorithms of certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CertSigKind {
    RsaPkcs1(DigestAlgorithm),
    RsaPss,
    Ecdsa(DigestAlgorithm),
    Ed25519,
}

fn cert_signature_kind(value: &[u8]) -> Option<CertSigKind> {
    use CertSigKind::*;
    use DigestAlgorithm as D;
    let table: [(&const_oid::ObjectIdentifier, CertSigKind); 15] = [
        (&oid::MD5_WITH_RSA, RsaPkcs1(D::Md5)),
        (&oid::SHA1_WITH_RSA, RsaPkcs1(D::Sha1)),
        (&oid::SHA224_WITH_RSA, RsaPkcs1(D::Sha224)),
        (&oid::SHA256_WITH_RSA, RsaPkcs1(D::Sha256)),
        (&oid::SHA384_WITH_RSA, RsaPkcs1(D::Sha384)),
        (&oid::SHA512_WITH_RSA, RsaPkcs1(D::Sha512)),
        (&oid::SHA512_224_WITH_RSA, RsaPkcs1(D::Sha512_224)),
        (&oid::SHA512_256_WITH_RSA, RsaPkcs1(D::Sha512_256)),
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
        if let Some(t) = r.optional(tag::ctx_cons(2)).map_err(malformed)? {
            let int = asn1::parse_one(t.value)
                .and_then(|i| i.expect(tag::INTEGER))
                .map_err(malformed)?;
            let v = int.value;
            if v.first().is_none_or(|b| b & 0x80 != 0) || v.len() > 4 {
                return Err(bad("invalid PSS salt length"));
            }
            out.salt_len = v.iter().fold(0usize, |a, &b| (a << 8) | usize::from(b));
        }
        if let Some(t) = r.optional(tag::ctx_cons(3)).map_err(malformed)? {
            let int = asn1::parse_one(t.value)
                .and_then(|i| i.expect(tag::INTEGER))
                .map_err(malformed)?;
            if int.value != [1] {
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
    fn digest_lookup_classifies_openssl_availability() {
        assert_eq!(
            DigestAlgorithm::lookup(oid::SHA256.as_bytes()),
            DigestLookup::Supported(DigestAlgorithm::Sha256)
        );
        assert_eq!(
            DigestAlgorithm::lookup(oid::SM3.as_bytes()),
            DigestLookup::NotImplemented("SM3")
        );
        assert_eq!(
            DigestAlgorithm::lookup(oid::MD4.as_bytes()),
            DigestLookup::Unavailable
        );
        assert_eq!(
            DigestAlgorithm::lookup(&[0x2A, 0x03]),
            DigestLookup::Unavailable
        );
    }

    #[test]
    fn rsa_signature_oids_alias_their_digest() {
        let sha256_with_rsa = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B];
        assert_eq!(
            DigestAlgorithm::lookup(&sha256_with_rsa),
            DigestLookup::Supported(DigestAlgorithm::Sha256)
        );
        // ECDSA signature OIDs are not digest aliases.
        let ecdsa_with_sha256 = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02];
        assert_eq!(
            DigestAlgorithm::lookup(&ecdsa_with_sha256),
            DigestLookup::Unavailable
        );
    }

    #[test]
    fn sha256_of_abc() {
        let d = DigestAlgorithm::Sha256.digest(&[b"a", b"bc"]);
        assert_eq!(
            d.as_ref()[..4],
            [0xba, 0x78, 0x16, 0xbf],
            "SHA-256(abc) starts ba7816bf"
        );
    }

    #[test]
    fn md5_is_refused_by_default_policy() {
        assert_eq!(
            DigestAlgorithm::Md5.check_policy(&AlgorithmPolicy::default()),
            Err(SignatureProblem::Insecure("the MD5 digest"))
        );
        assert!(DigestAlgorithm::Md5
            .check_policy(&AlgorithmPolicy::openssl_compatible())
            .is_ok());
    }

    #[test]
    fn rsa_signatures_need_rsa_keys() {
        assert!(KeyFamily::Rsa.can_sign(oid::SHA256_WITH_RSA.as_bytes()));
        assert!(KeyFamily::Rsa.can_sign(oid::RSASSA_PSS.as_bytes()));
        assert!(KeyFamily::RsaPss.can_sign(oid::RSASSA_PSS.as_bytes()));
        assert!(!KeyFamily::RsaPss.can_sign(oid::SHA256_WITH_RSA.as_bytes()));
        assert!(!KeyFamily::Ec.can_sign(oid::SHA256_WITH_RSA.as_bytes()));
        assert!(KeyFamily::Ec.can_sign(oid::ECDSA_WITH_SHA384.as_bytes()));
    }

    #[test]
    fn malformed_spki_is_reported() {
        assert_eq!(
            PublicKey::from_spki(&[0x30, 0x00]).unwrap_err(),
            KeyProblem::Malformed
        );
    }
}
