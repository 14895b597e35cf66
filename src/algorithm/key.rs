//! Public keys, parsed once from a SubjectPublicKeyInfo and cached with
//! their certificate.

use super::fast_rsa::FastRsa;
use super::identifier::{AlgorithmIdentifier, KeyFamily};
use super::key_limits;
use super::{AlgorithmPolicy, SignatureProblem};
use crate::asn1::{self, tag};
use std::sync::{Arc, OnceLock};

use crate::montgomery::RsaPublicOp;
use crate::oid;

/// A parsed public key, ready to verify.
#[derive(Debug, Clone)]
pub(crate) enum PublicKey {
    Rsa {
        /// The `rsa` crate's key; `None` for exponents over 33 bits, which
        /// it refuses and OpenSSL takes: those verify through `op` only.
        key: Option<rsa::PublicKey>,
        /// The portable fast public operation (set up on first use).
        op: PortableOp,
        /// The accelerated backend, when this CPU runs it and it takes the key.
        fast: Option<FastRsa>,
        bits: usize,
        /// id-RSASSA-PSS keys may only make PSS signatures.
        pss_only: bool,
    },
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// The portable Montgomery public operation of a key, set up on first use:
/// where the accelerated backend verifies, its precomputation (`R^2 mod n`)
/// is never needed, which keeps a cold verify cheap.
#[derive(Debug, Clone)]
pub(crate) struct PortableOp {
    n: Arc<[u8]>,
    e: Arc<[u8]>,
    op: OnceLock<Option<RsaPublicOp>>,
}

impl PortableOp {
    fn new(n: &[u8], e: &[u8]) -> Self {
        Self {
            n: n.into(),
            e: e.into(),
            op: OnceLock::new(),
        }
    }

    /// The operation, `None` when the key is outside its range (modulus
    /// under 512 bits or even, exponent under 3): the `rsa` crate verifies
    /// those.
    pub(crate) fn get(&self) -> Option<&RsaPublicOp> {
        self.op
            .get_or_init(|| RsaPublicOp::new(&self.n, &self.e))
            .as_ref()
    }
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
    /// An EC key on a curve other than P-256, P-384 and P-521, or with explicit parameters.
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

/// The algorithm and the key bytes of a DER SubjectPublicKeyInfo:
/// `SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }`
/// (no unused bits).
pub(crate) fn split_spki(spki: &[u8]) -> Result<(AlgorithmIdentifier<'_>, &[u8]), KeyProblem> {
    let bad = |_| KeyProblem::Malformed;
    let seq = asn1::parse_one(spki)
        .and_then(|t| t.expect(tag::SEQUENCE))
        .map_err(bad)?;
    let mut r = seq.reader();
    let alg = r.any().and_then(AlgorithmIdentifier::parse).map_err(bad)?;
    let bits = r.expect(tag::BIT_STRING).map_err(bad)?.value;
    match bits.split_first() {
        Some((0, key)) => Ok((alg, key)),
        _ => Err(KeyProblem::Malformed),
    }
}

impl PublicKey {
    /// Parses a DER SubjectPublicKeyInfo.
    pub(crate) fn from_spki(spki: &[u8]) -> Result<Self, KeyProblem> {
        let (alg, key) = split_spki(spki)?;
        match KeyFamily::of_key(alg.oid) {
            Some(family @ (KeyFamily::Rsa | KeyFamily::RsaPss)) => {
                let der = key;
                let (key, op, bits) = parse_rsa(der)?;
                let fast = FastRsa::new(der);
                Ok(Self::Rsa {
                    key,
                    op,
                    fast,
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
                } else if oid::is(curve.value, &oid::SECP521R1) {
                    p521::ecdsa::VerifyingKey::from_sec1_bytes(key)
                        .map(Self::P521)
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
    pub(super) fn check_signature_length(&self, signature: &[u8]) -> Result<(), SignatureProblem> {
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

    pub(super) fn family_name(&self) -> &'static str {
        match self {
            Self::Rsa {
                pss_only: false, ..
            } => "RSA",
            Self::Rsa { pss_only: true, .. } => "RSA-PSS",
            Self::P256(_) | Self::P384(_) | Self::P521(_) => "EC",
            Self::Ed25519(_) => "Ed25519",
        }
    }
}

fn parse_rsa(key: &[u8]) -> Result<(Option<rsa::PublicKey>, PortableOp, usize), KeyProblem> {
    let (n, e) = key_limits::rsa_components(key)?;
    // Before any arithmetic: key setup costs the square of the modulus length.
    key_limits::check_rsa(n, e)?;
    let op = PortableOp::new(n, e);
    let portable = RsaPublicOp::takes(n, e);
    let to_uint = |bytes: &[u8]| {
        let bits = u32::try_from(bytes.len() * 8).map_err(|_| KeyProblem::Malformed)?;
        rsa::BoxedUint::from_be_slice(bytes, bits.max(64)).map_err(|_| KeyProblem::Malformed)
    };
    let n = to_uint(n)?;
    let bits = usize::try_from(n.bit_width_vartime()).map_err(|_| KeyProblem::Malformed)?;
    // The `rsa` crate refuses exponents over 33 bits; the portable
    // operation takes any exponent OpenSSL takes (key_limits::check_rsa).
    let key = match rsa::PublicKey::new_with_size_limits(n, to_uint(e)?, 1..=16384) {
        Ok(key) => Some(key),
        Err(_) if portable => None,
        Err(_) => return Err(KeyProblem::Malformed),
    };
    Ok((key, op, bits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_spki_is_reported() {
        assert_eq!(
            PublicKey::from_spki(&[0x30, 0x00]).unwrap_err(),
            KeyProblem::Malformed
        );
    }
}
