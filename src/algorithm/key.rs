//! Public keys, parsed once from a SubjectPublicKeyInfo and cached with
//! their certificate.

use super::fast_ecdsa::FastEcdsa;
use super::fast_rsa::FastRsa;
use super::identifier::{AlgorithmIdentifier, KeyFamily, SubjectPublicKeyInfo};
use super::key_limits;
use super::key_problem::{KeyProblem, UnsupportedCurve, UnsupportedKey};
use super::{AlgorithmPolicy, SignatureProblem};
use crate::asn1::{self, tag};
use std::sync::{Arc, OnceLock};

use crate::montgomery::RsaPublicOp;
use crate::oid;

/// A parsed public key, ready to verify.
#[derive(Debug, Clone)]
pub(crate) enum PublicKey {
    Rsa {
        /// The portable backends (set up on first use).
        portable: PortableRsa,
        /// The accelerated backend, when this CPU runs it and it takes the key.
        fast: Option<FastRsa>,
        bits: usize,
        /// id-RSASSA-PSS keys may only make PSS signatures.
        pss_only: bool,
    },
    P256(EcKey<p256::ecdsa::VerifyingKey>),
    P384(EcKey<p384::ecdsa::VerifyingKey>),
    P521(p521::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// An ECDSA key of the `p256`/`p384` crates, with graviola's form of it
/// when that backend is in use and the point is uncompressed.
#[derive(Debug, Clone)]
pub(crate) struct EcKey<K> {
    pub(crate) key: K,
    pub(crate) fast: Option<FastEcdsa>,
}

/// The portable backends of an RSA key, each set up on first use: the
/// Montgomery public operation of [`crate::montgomery`] and, for what it does
/// not cover (moduli under 512 bits, PSS where graviola does not verify), the
/// `rsa` crate's key. Where the accelerated backend verifies, neither
/// precomputation (`R^2 mod n`, the `rsa` crate's Montgomery parameters) is
/// ever needed, which keeps a cold verify cheap. The key was checked when
/// parsed against the rules of a constructor that takes it (the operation's,
/// [`RsaPublicOp::takes`], or else the `rsa` crate's,
/// [`check_rsa_crate_rules`]), so setting them up later does not change which
/// keys are accepted.
#[derive(Debug, Clone)]
pub(crate) struct PortableRsa {
    n: Arc<[u8]>,
    e: Arc<[u8]>,
    op: OnceLock<Option<RsaPublicOp>>,
    key: OnceLock<Option<rsa::PublicKey>>,
}

impl PortableRsa {
    fn new(n: &[u8], e: &[u8]) -> Self {
        Self {
            n: n.into(),
            e: e.into(),
            op: OnceLock::new(),
            key: OnceLock::new(),
        }
    }

    /// The operation, `None` when the key is outside its range (modulus
    /// under 512 bits or even, exponent under 3): the `rsa` crate verifies
    /// those.
    pub(crate) fn op(&self) -> Option<&RsaPublicOp> {
        self.op
            .get_or_init(|| RsaPublicOp::new(&self.n, &self.e))
            .as_ref()
    }

    /// The `rsa` crate's key, `None` for keys it refuses that the operation
    /// takes (exponents over 33 bits).
    pub(crate) fn rsa_key(&self) -> Option<&rsa::PublicKey> {
        self.key
            .get_or_init(|| rsa_crate_key(&self.n, &self.e).ok())
            .as_ref()
    }
}

/// The algorithm and the key bytes of a DER SubjectPublicKeyInfo (no unused
/// bits).
pub(crate) fn split_spki(spki: &[u8]) -> Result<(AlgorithmIdentifier<'_>, &[u8]), KeyProblem> {
    let info = asn1::parse_one(spki)
        .and_then(SubjectPublicKeyInfo::parse)
        .map_err(|_| KeyProblem::Malformed)?;
    let key = info.key_bytes().ok_or(KeyProblem::Malformed)?;
    Ok((info.algorithm, key))
}

impl PublicKey {
    /// Parses a DER SubjectPublicKeyInfo.
    pub(crate) fn from_spki(spki: &[u8]) -> Result<Self, KeyProblem> {
        let (alg, key) = split_spki(spki)?;
        match KeyFamily::of_key(alg.oid) {
            Some(family @ (KeyFamily::Rsa | KeyFamily::RsaPss)) => {
                let der = key;
                let (portable, bits) = parse_rsa(der)?;
                let fast = FastRsa::new(der);
                Ok(Self::Rsa {
                    portable,
                    fast,
                    bits,
                    pss_only: family == KeyFamily::RsaPss,
                })
            }
            Some(KeyFamily::Ec) => {
                let curve = alg.params.filter(|p| p.tag == tag::OID).ok_or(
                    KeyProblem::UnsupportedCurve(UnsupportedCurve::ExplicitParameters),
                )?;
                if oid::is(curve.value, &oid::SECP256R1) {
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(key)
                        .map(|k| {
                            Self::P256(EcKey {
                                key: k,
                                fast: FastEcdsa::p256(key),
                            })
                        })
                        .map_err(|_| KeyProblem::Malformed)
                } else if oid::is(curve.value, &oid::SECP384R1) {
                    p384::ecdsa::VerifyingKey::from_sec1_bytes(key)
                        .map(|k| {
                            Self::P384(EcKey {
                                key: k,
                                fast: FastEcdsa::p384(key),
                            })
                        })
                        .map_err(|_| KeyProblem::Malformed)
                } else if oid::is(curve.value, &oid::SECP521R1) {
                    p521::ecdsa::VerifyingKey::from_sec1_bytes(key)
                        .map(Self::P521)
                        .map_err(|_| KeyProblem::Malformed)
                } else {
                    Err(KeyProblem::UnsupportedCurve(UnsupportedCurve::Named {
                        oid: oid::dotted(curve.value),
                    }))
                }
            }
            Some(KeyFamily::Ed25519) => {
                let bytes: &[u8; 32] = key.try_into().map_err(|_| KeyProblem::Malformed)?;
                ed25519_dalek::VerifyingKey::from_bytes(bytes)
                    .map(Self::Ed25519)
                    .map_err(|_| KeyProblem::Malformed)
            }
            Some(KeyFamily::Dsa) => Err(KeyProblem::Unsupported(UnsupportedKey::Dsa)),
            Some(KeyFamily::Ed448) => Err(KeyProblem::Unsupported(UnsupportedKey::Ed448)),
            None => Err(KeyProblem::Unsupported(UnsupportedKey::Other {
                algorithm: oid::describe(alg.oid),
            })),
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

fn parse_rsa(key: &[u8]) -> Result<(PortableRsa, usize), KeyProblem> {
    let (n, e) = key_limits::rsa_components(key)?;
    // Before any arithmetic: key setup costs the square of the modulus length.
    key_limits::check_rsa(n, e)?;
    // A key the portable operation cannot take must be one the `rsa` crate
    // takes; exponents over 33 bits (OpenSSL takes them) go through the
    // operation, and PSS with them through its own EMSA-PSS-VERIFY.
    if !RsaPublicOp::takes(n, e) {
        check_rsa_crate_rules(n, e)?;
    }
    let bits = key_limits::bit_len(n);
    Ok((PortableRsa::new(n, e), bits))
}

/// The rules of the `rsa` crate's `PublicKey::new_with_size_limits` (odd
/// modulus, odd `e` with `2 <= e <= 2^33 - 1`; `e < n` and the size were checked by
/// [`key_limits::check_rsa`]), read on the magnitudes: a key it would refuse
/// is [`KeyProblem::Malformed`] at parse time, without building it.
fn check_rsa_crate_rules(n: &[u8], e: &[u8]) -> Result<(), KeyProblem> {
    let odd = |x: &[u8]| x.last().is_some_and(|b| b & 1 == 1);
    let e_bits = key_limits::bit_len(e);
    // e < 2 is 0 or 1.
    if !odd(n) || !odd(e) || !(2..=33).contains(&e_bits) {
        return Err(KeyProblem::Malformed);
    }
    Ok(())
}

/// The `rsa` crate's key of magnitudes `n` and `e`.
fn rsa_crate_key(n: &[u8], e: &[u8]) -> Result<rsa::PublicKey, KeyProblem> {
    let to_uint = |bytes: &[u8]| {
        let bits = u32::try_from(bytes.len() * 8).map_err(|_| KeyProblem::Malformed)?;
        rsa::BoxedUint::from_be_slice(bytes, bits.max(64)).map_err(|_| KeyProblem::Malformed)
    };
    rsa::PublicKey::new_with_size_limits(to_uint(n)?, to_uint(e)?, 1..=16384)
        .map_err(|_| KeyProblem::Malformed)
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

    /// The parse-time rules accept exactly the keys the `rsa` crate builds
    /// (among those OpenSSL's limits let through), so building it later
    /// changes nothing.
    #[test]
    fn parse_time_rules_match_the_rsa_crate() {
        let mut n = vec![0xC5; 128];
        let even = {
            let mut even = n.clone();
            *even.last_mut().unwrap() = 0xC4;
            even
        };
        let exponents: [&[u8]; 9] = [
            &[1],
            &[2],
            &[1, 0, 0],
            &[3],
            &[1, 0, 1],
            &[1, 0xFF, 0xFF, 0xFF, 0xFF],
            &[2, 0, 0, 0, 0],
            &[0xFF; 8],
            &[0x7F; 100],
        ];
        for modulus in [&n, &even] {
            for e in exponents {
                key_limits::check_rsa(modulus, e).unwrap();
                assert_eq!(
                    check_rsa_crate_rules(modulus, e).is_ok(),
                    rsa_crate_key(modulus, e).is_ok(),
                    "e = {e:02x?}, modulus even: {}",
                    modulus == &even
                );
            }
        }
        n.truncate(32);
        assert_eq!(check_rsa_crate_rules(&n, &[1, 0, 1]), Ok(()));
        assert!(rsa_crate_key(&n, &[1, 0, 1]).is_ok());
    }

    /// Where graviola verifies, neither portable backend is ever set up.
    #[test]
    fn the_accelerated_backend_leaves_the_portable_ones_unbuilt() {
        let pem = include_str!("../../tests/data/keystone/signing_cert.pem");
        let cert = crate::cert::Certificate::from_der(
            &crate::pem::blocks(pem.as_bytes())
                .next()
                .unwrap()
                .body
                .unwrap(),
        )
        .unwrap();
        let key = PublicKey::from_spki(cert.spki()).unwrap();
        let PublicKey::Rsa { portable, fast, .. } = &key else {
            panic!("an RSA key");
        };
        let alg = AlgorithmIdentifier {
            oid: oid::RSA_ENCRYPTION.as_bytes(),
            params: None,
        };
        let verdict = key.verify_signer(
            &alg,
            super::super::DigestAlgorithm::Sha256,
            &[b"x"],
            &[0x5A; 256],
            &AlgorithmPolicy::default(),
        );
        assert_eq!(verdict, Err(SignatureProblem::Invalid));
        assert_eq!(portable.op.get().is_some(), fast.is_none());
        assert!(portable.key.get().is_none());
    }
}
