//! Accelerated ECDSA verification on P-256 and P-384 through graviola (the
//! backend of [`super::fast_rsa`]), for keys given as uncompressed points
//! and SignerInfo or certificate digests SHA-256/384/512 (graviola hashes
//! the message itself).
//!
//! Chosen at run time like the RSA backend ([`super::accelerated`]); the
//! `p256`/`p384` crates verify everything else: compressed points, other
//! digests, other CPUs, and `CMSVERIFY_BACKEND=portable`. The DER
//! `ECDSA-Sig-Value` is converted to the fixed-length `r || s` graviola
//! takes with OpenSSL's rules (strict DER, as OpenSSL re-encodes the
//! signature and compares; positive integers no longer than the group
//! order); graviola then refuses `r` or `s` outside `[1, n - 1]`, as
//! OpenSSL does.

use std::fmt;
use std::sync::Arc;

use graviola::hashing::{Sha256, Sha384, Sha512};
use graviola::signing::ecdsa::{Curve, VerifyingKey, P256, P384};

use super::DigestAlgorithm;
use crate::asn1::{self, tag};

/// A key set up for graviola (shared: keys are cached with certificates).
#[derive(Clone)]
pub(crate) enum FastEcdsa {
    P256(Arc<VerifyingKey<P256>>),
    P384(Arc<VerifyingKey<P384>>),
}

impl fmt::Debug for FastEcdsa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::P256(_) => "FastEcdsa(P-256)",
            Self::P384(_) => "FastEcdsa(P-384)",
        })
    }
}

/// The length of a scalar of the curve, in bytes.
const P256_SCALAR: usize = 32;
const P384_SCALAR: usize = 48;

impl FastEcdsa {
    /// The P-256 key of an X9.62 point, when the backend is in use and the
    /// point is uncompressed and valid.
    pub(crate) fn p256(point: &[u8]) -> Option<Self> {
        if !super::accelerated() {
            return None;
        }
        VerifyingKey::<P256>::from_x962_uncompressed(point)
            .ok()
            .map(|key| Self::P256(Arc::new(key)))
    }

    /// The P-384 key of an X9.62 point, as [`FastEcdsa::p256`].
    pub(crate) fn p384(point: &[u8]) -> Option<Self> {
        if !super::accelerated() {
            return None;
        }
        VerifyingKey::<P384>::from_x962_uncompressed(point)
            .ok()
            .map(|key| Self::P384(Arc::new(key)))
    }

    /// Verifies a DER `ECDSA-Sig-Value` over `parts` hashed with `digest`;
    /// `None` when `digest` is not accelerated.
    pub(crate) fn verify(
        &self,
        digest: DigestAlgorithm,
        parts: &[&[u8]],
        signature: &[u8],
    ) -> Option<bool> {
        if !matches!(
            digest,
            DigestAlgorithm::Sha256 | DigestAlgorithm::Sha384 | DigestAlgorithm::Sha512
        ) {
            return None;
        }
        Some(match self {
            Self::P256(key) => fixed_signature(signature, P256_SCALAR)
                .is_some_and(|fixed| verify_with(key, digest, parts, &fixed)),
            Self::P384(key) => fixed_signature(signature, P384_SCALAR)
                .is_some_and(|fixed| verify_with(key, digest, parts, &fixed)),
        })
    }
}

fn verify_with<C: Curve>(
    key: &VerifyingKey<C>,
    digest: DigestAlgorithm,
    parts: &[&[u8]],
    fixed: &[u8],
) -> bool {
    match digest {
        DigestAlgorithm::Sha256 => key.verify::<Sha256>(parts, fixed).is_ok(),
        DigestAlgorithm::Sha384 => key.verify::<Sha384>(parts, fixed).is_ok(),
        DigestAlgorithm::Sha512 => key.verify::<Sha512>(parts, fixed).is_ok(),
        _ => false,
    }
}

/// `r || s`, each left-padded to `n` bytes, of a DER `ECDSA-Sig-Value ::=
/// SEQUENCE { r INTEGER, s INTEGER }`; `None` for anything OpenSSL refuses
/// before the arithmetic: BER or trailing bytes (OpenSSL compares the
/// signature with its re-encoding), negative integers, integers longer
/// than the group order.
fn fixed_signature(der: &[u8], n: usize) -> Option<Vec<u8>> {
    let seq = asn1::parse_one(der).ok()?.expect(tag::SEQUENCE).ok()?;
    let mut r = seq.reader();
    let first = r.expect(tag::INTEGER).ok()?.value;
    let second = r.expect(tag::INTEGER).ok()?.value;
    r.finish().ok()?;
    let mut out = vec![0u8; 2 * n];
    let (r_out, s_out) = out.split_at_mut(n);
    place(first, r_out)?;
    place(second, s_out)?;
    Some(out)
}

/// Writes the magnitude of a positive INTEGER's content right-aligned into
/// `out`; `None` when it is negative or does not fit.
fn place(content: &[u8], out: &mut [u8]) -> Option<()> {
    if content.first().is_none_or(|b| b & 0x80 != 0) {
        return None;
    }
    let magnitude = asn1::integer_magnitude(content);
    let start = out.len().checked_sub(magnitude.len())?;
    out.get_mut(start..)?.copy_from_slice(magnitude);
    Some(())
}

#[cfg(test)]
mod tests {
    use p256::ecdsa::signature::hazmat::{PrehashSigner as _, PrehashVerifier as _};
    use proptest::prelude::*;

    use super::*;

    /// A minimal DER INTEGER content for a big-endian magnitude.
    fn integer(magnitude: &[u8]) -> Vec<u8> {
        let m = asn1::integer_magnitude(magnitude);
        match m.first() {
            None => vec![0],
            Some(b) if b & 0x80 != 0 => [&[0][..], m].concat(),
            Some(_) => m.to_vec(),
        }
    }

    /// `ECDSA-Sig-Value` from the contents of its two INTEGERs.
    fn sig_value(r: &[u8], s: &[u8]) -> Vec<u8> {
        let mut body = Vec::new();
        asn1::push_tlv(&mut body, tag::INTEGER, r);
        asn1::push_tlv(&mut body, tag::INTEGER, s);
        let mut out = Vec::new();
        asn1::push_tlv(&mut out, tag::SEQUENCE, &body);
        out
    }

    /// The group orders, big-endian.
    const N256: [u8; 32] = [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63,
        0x25, 0x51,
    ];
    const N384: [u8; 48] = [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xC7, 0x63, 0x4D, 0x81, 0xF4, 0x37,
        0x2D, 0xDF, 0x58, 0x1A, 0x0D, 0xB2, 0x48, 0xB0, 0xA7, 0x7A, 0xEC, 0xEC, 0x19, 0x6A, 0xCC,
        0xC5, 0x29, 0x73,
    ];

    /// How a valid signature is damaged.
    #[derive(Debug, Clone, Copy)]
    enum Damage {
        None,
        /// XOR one byte of the DER.
        Flip(usize, u8),
        /// A superfluous leading zero on r (not DER).
        PaddedR,
        /// A byte after the SEQUENCE.
        Trailing,
        /// r as a negative INTEGER.
        NegativeR,
        /// r = the group order (out of range).
        OrderR,
        /// s = 0.
        ZeroS,
        /// r and s swapped.
        Swapped,
        /// A scalar one byte longer than the order.
        LongS,
    }

    fn damage() -> impl Strategy<Value = Damage> {
        prop_oneof![
            Just(Damage::None),
            (any::<usize>(), 1..=255u8).prop_map(|(at, x)| Damage::Flip(at, x)),
            Just(Damage::PaddedR),
            Just(Damage::Trailing),
            Just(Damage::NegativeR),
            Just(Damage::OrderR),
            Just(Damage::ZeroS),
            Just(Damage::Swapped),
            Just(Damage::LongS),
        ]
    }

    fn apply(damage: Damage, r: &[u8], s: &[u8], order: &[u8]) -> Vec<u8> {
        let (ri, si) = (integer(r), integer(s));
        match damage {
            Damage::None => sig_value(&ri, &si),
            Damage::Flip(at, x) => {
                let mut der = sig_value(&ri, &si);
                let len = der.len();
                if let Some(b) = der.get_mut(at % len) {
                    *b ^= x;
                }
                der
            }
            Damage::PaddedR => sig_value(&[&[0][..], &ri].concat(), &si),
            Damage::Trailing => [sig_value(&ri, &si), vec![0]].concat(),
            Damage::NegativeR => {
                let mut neg = asn1::integer_magnitude(r).to_vec();
                if let Some(b) = neg.first_mut() {
                    *b |= 0x80;
                }
                sig_value(&neg, &si)
            }
            Damage::OrderR => sig_value(&integer(order), &si),
            Damage::ZeroS => sig_value(&ri, &[0]),
            Damage::Swapped => sig_value(&si, &ri),
            Damage::LongS => sig_value(&ri, &[&[1][..], s].concat()),
        }
    }

    const DIGESTS: [DigestAlgorithm; 3] = [
        DigestAlgorithm::Sha256,
        DigestAlgorithm::Sha384,
        DigestAlgorithm::Sha512,
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// On valid and damaged signatures, over both curves and every
        /// accelerated digest (truncated or not), graviola and the
        /// `p256`/`p384` crates give one verdict.
        #[test]
        fn both_backends_agree(secret in any::<[u8; 48]>(),
                               message in proptest::collection::vec(any::<u8>(), 0..200),
                               digest in 0..3usize,
                               signed_with in 0..3usize,
                               damage in damage()) {
            prop_assume!(graviola::util::is_cpu_supported());
            let digest = DIGESTS[digest];
            let hashed = DIGESTS[signed_with].digest(&[&message]);
            let honest = DIGESTS[signed_with] == digest;

            // P-256.
            let Ok(sk) = p256::ecdsa::SigningKey::from_slice(&secret[..32]) else {
                return Ok(());
            };
            let vk = sk.verifying_key();
            let sig: p256::ecdsa::Signature = sk.sign_prehash(hashed.as_ref()).unwrap();
            let (r, s) = sig.split_bytes();
            let der = apply(damage, &r, &s, &N256);
            let point = vk.to_sec1_point(false);
            let fast = FastEcdsa::P256(Arc::new(
                VerifyingKey::<P256>::from_x962_uncompressed(point.as_bytes()).unwrap(),
            ));
            let portable = p256::ecdsa::Signature::from_der(&der)
                .is_ok_and(|sig| vk.verify_prehash(digest.digest(&[&message]).as_ref(), &sig).is_ok());
            prop_assert_eq!(fast.verify(digest, &[&message], &der), Some(portable));
            if matches!(damage, Damage::None) {
                prop_assert_eq!(portable, honest);
            }

            // P-384.
            let Ok(sk) = p384::ecdsa::SigningKey::from_slice(&secret) else {
                return Ok(());
            };
            let vk = sk.verifying_key();
            let sig: p384::ecdsa::Signature = sk.sign_prehash(hashed.as_ref()).unwrap();
            let (r, s) = sig.split_bytes();
            let der = apply(damage, &r, &s, &N384);
            let point = vk.to_sec1_point(false);
            let fast = FastEcdsa::P384(Arc::new(
                VerifyingKey::<P384>::from_x962_uncompressed(point.as_bytes()).unwrap(),
            ));
            let portable = p384::ecdsa::Signature::from_der(&der)
                .is_ok_and(|sig| vk.verify_prehash(digest.digest(&[&message]).as_ref(), &sig).is_ok());
            prop_assert_eq!(fast.verify(digest, &[&message], &der), Some(portable));
            if matches!(damage, Damage::None) {
                prop_assert_eq!(portable, honest);
            }
        }
    }

    #[test]
    fn other_digests_are_left_to_the_portable_path() {
        if !graviola::util::is_cpu_supported() {
            return;
        }
        let sk = p256::ecdsa::SigningKey::from_slice(&[7; 32]).unwrap();
        let point = sk.verifying_key().to_sec1_point(false);
        let fast = FastEcdsa::p256(point.as_bytes());
        // Built only when the backend is in use in this process.
        assert_eq!(fast.is_some(), crate::algorithm::accelerated());
        let fast = FastEcdsa::P256(Arc::new(
            VerifyingKey::<P256>::from_x962_uncompressed(point.as_bytes()).unwrap(),
        ));
        assert_eq!(fast.verify(DigestAlgorithm::Sha1, &[b"x"], &[]), None);
        // A compressed point is not graviola's.
        let compressed = sk.verifying_key().to_sec1_point(true);
        assert!(FastEcdsa::p256(compressed.as_bytes()).is_none());
    }
}
