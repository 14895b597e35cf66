//! Hard limits and work estimates of public keys, read from the encoded
//! SubjectPublicKeyInfo before any big-number arithmetic.
//!
//! A message may carry any certificate, so a key is attacker-chosen until its
//! certificate is proven to chain to a trust anchor. OpenSSL refuses RSA
//! moduli over 16384 bits and, above 3072 bits, exponents over 64 bits
//! (`rsa_ossl_public_decrypt`: `OPENSSL_RSA_MAX_MODULUS_BITS`,
//! `OPENSSL_RSA_SMALL_MODULUS_BITS`, `OPENSSL_RSA_MAX_PUBEXP_BITS`); the same
//! limits are checked here on the encoded lengths, so no oversized key ever
//! reaches key setup. The estimates are what [`crate::budget`] charges: one
//! unit is one 2048-bit Montgomery multiplication, and a multiplication of
//! `l` 64-bit limbs costs `l² / 32²` units (schoolbook multiplication).

use crate::algorithm::key_problem::ExponentProblem;
use crate::algorithm::{KeyFamily, KeyProblem};
use crate::asn1::{self, tag};
use crate::oid;

/// OpenSSL's `OPENSSL_RSA_MAX_MODULUS_BITS`.
pub(crate) const RSA_MAX_MODULUS_BITS: usize = 16384;
/// OpenSSL's `OPENSSL_RSA_SMALL_MODULUS_BITS`: above it, exponents are limited.
const RSA_SMALL_MODULUS_BITS: usize = 3072;
/// OpenSSL's `OPENSSL_RSA_MAX_PUBEXP_BITS`.
const RSA_MAX_PUBEXP_BITS: usize = 64;

/// Budget units of one key: setting it up (parsing, precomputation) and one
/// signature verification with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyCost {
    /// Key setup.
    pub setup: u64,
    /// One verification.
    pub verify: u64,
}

/// Measured on this project's reference machine relative to an RSA-2048
/// verify (about 20 units): P-256 verifies cost about 11 of those. EC keys
/// (like RSA keys) are priced by the portable backend, the slower one (the
/// `p256`/`p384` crates; graviola verifies P-256 several times faster), so
/// that a budget runs out at the same point on every CPU and with either
/// backend: the verdict on a message never depends on the machine.
const P256: KeyCost = KeyCost {
    setup: 20,
    verify: 220,
};
const P384: KeyCost = KeyCost {
    setup: 50,
    verify: 550,
};
/// P-521 arithmetic in `p521` is several times slower than P-384's: priced
/// high rather than low.
const P521: KeyCost = KeyCost {
    setup: 200,
    verify: 2500,
};
const ED25519: KeyCost = KeyCost {
    setup: 5,
    verify: 30,
};

/// Significant bits of a big-endian magnitude.
pub(crate) fn bit_len(magnitude: &[u8]) -> usize {
    match magnitude.first() {
        Some(&top) => magnitude.len() * 8 - usize::try_from(top.leading_zeros()).unwrap_or(0),
        None => 0,
    }
}

/// OpenSSL's limits on an RSA public key (big-endian magnitudes, leading
/// zeros stripped).
pub(crate) fn check_rsa(n: &[u8], e: &[u8]) -> Result<(), KeyProblem> {
    let (n_bits, e_bits) = (bit_len(n), bit_len(e));
    if n_bits > RSA_MAX_MODULUS_BITS {
        return Err(KeyProblem::ModulusTooLarge {
            bits: n_bits,
            max: RSA_MAX_MODULUS_BITS,
        });
    }
    // BN_ucmp(n, e) <= 0: equal lengths compare as big-endian bytes.
    if e_bits > n_bits || (e_bits == n_bits && e >= n) {
        return Err(KeyProblem::BadExponent(ExponentProblem::NotBelowModulus));
    }
    if n_bits > RSA_SMALL_MODULUS_BITS && e_bits > RSA_MAX_PUBEXP_BITS {
        return Err(KeyProblem::BadExponent(ExponentProblem::TooLongForModulus));
    }
    Ok(())
}

/// Units of one Montgomery multiplication modulo an `n_bits` modulus.
fn multiplication_units(n_bits: usize) -> u64 {
    let limbs = u64::try_from(n_bits.div_ceil(64)).unwrap_or(u64::MAX);
    limbs.saturating_mul(limbs).div_ceil(32 * 32).max(1)
}

/// The cost of an RSA key with modulus `n` and exponent `e` (magnitudes).
fn rsa_cost(n: &[u8], e: &[u8]) -> KeyCost {
    let unit = multiplication_units(bit_len(n));
    let ones = e.iter().map(|b| u64::from(b.count_ones())).sum::<u64>();
    let e_bits = u64::try_from(bit_len(e)).unwrap_or(u64::MAX);
    // Square-and-multiply plus entering and leaving the Montgomery domain.
    let verify_mults = e_bits.saturating_add(ones).saturating_add(2);
    // R^2 mod n: up to 64 doublings (about one multiplication), then one
    // squaring per bit of 64 l = 8 * n.len() and a multiplication per set bit.
    let width = n.len().saturating_mul(8);
    let setup_mults = u64::from(usize::BITS - width.leading_zeros() + width.count_ones()) + 1;
    KeyCost {
        setup: unit.saturating_mul(setup_mults),
        verify: unit.saturating_mul(verify_mults),
    }
}

/// Reads the key family and size from a DER SubjectPublicKeyInfo, applies
/// the hard limits, and estimates the key's cost. Keys that cannot be used
/// at all (unknown type, unsupported curve) cost nothing: their problem is
/// reported by [`crate::algorithm::PublicKey::from_spki`].
pub(crate) fn estimate(spki: &[u8]) -> Result<KeyCost, KeyProblem> {
    let (alg, key) = super::key::split_spki(spki)?;
    let free = KeyCost {
        setup: 0,
        verify: 0,
    };
    Ok(match KeyFamily::of_key(alg.oid) {
        Some(KeyFamily::Rsa | KeyFamily::RsaPss) => {
            let (n, e) = rsa_components(key)?;
            check_rsa(n, e)?;
            rsa_cost(n, e)
        }
        Some(KeyFamily::Ec) => match alg.params.filter(|p| p.tag == tag::OID) {
            Some(c) if oid::is(c.value, &oid::SECP256R1) => P256,
            Some(c) if oid::is(c.value, &oid::SECP384R1) => P384,
            Some(c) if oid::is(c.value, &oid::SECP521R1) => P521,
            _ => free,
        },
        Some(KeyFamily::Ed25519) => ED25519,
        _ => free,
    })
}

/// The modulus and exponent magnitudes of a DER RSAPublicKey.
pub(crate) fn rsa_components(key: &[u8]) -> Result<(&[u8], &[u8]), KeyProblem> {
    let bad = |_| KeyProblem::Malformed;
    let seq = asn1::parse_one(key)
        .and_then(|t| t.expect(tag::SEQUENCE))
        .map_err(bad)?;
    let mut r = seq.reader();
    let n = r.expect(tag::INTEGER).map_err(bad)?.value;
    let e = r.expect(tag::INTEGER).map_err(bad)?.value;
    r.finish().map_err(bad)?;
    Ok((asn1::integer_magnitude(n), asn1::integer_magnitude(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ones(len: usize) -> Vec<u8> {
        vec![0xFF; len]
    }

    #[test]
    fn moduli_over_16384_bits_are_refused_before_arithmetic() {
        assert!(check_rsa(&ones(2048), &[1, 0, 1]).is_ok());
        assert_eq!(
            check_rsa(&ones(2049), &[1, 0, 1]),
            Err(KeyProblem::ModulusTooLarge {
                bits: 16392,
                max: 16384
            })
        );
        // A megabit modulus is refused the same way, by its length alone.
        assert!(matches!(
            check_rsa(&ones(131_072), &[1, 0, 1]),
            Err(KeyProblem::ModulusTooLarge {
                bits: 1_048_576,
                ..
            })
        ));
    }

    #[test]
    fn exponents_follow_openssl() {
        // Up to 3072 bits any exponent below the modulus is allowed.
        assert!(check_rsa(&ones(384), &ones(100)).is_ok());
        assert!(matches!(
            check_rsa(&ones(384), &ones(384)),
            Err(KeyProblem::BadExponent(ExponentProblem::NotBelowModulus))
        ));
        assert!(matches!(
            check_rsa(&[0x80, 0], &[0x80, 1]),
            Err(KeyProblem::BadExponent(ExponentProblem::NotBelowModulus))
        ));
        // Above 3072 bits, at most 64 exponent bits.
        assert!(check_rsa(&ones(385), &ones(8)).is_ok());
        assert!(matches!(
            check_rsa(&ones(385), &ones(9)),
            Err(KeyProblem::BadExponent(ExponentProblem::TooLongForModulus))
        ));
    }

    #[test]
    fn cost_grows_with_the_square_of_the_modulus() {
        let small = rsa_cost(&ones(256), &[1, 0, 1]);
        let large = rsa_cost(&ones(2048), &[1, 0, 1]);
        assert_eq!(small.verify, 21);
        assert_eq!(large.verify, 64 * 21);
        // Setting a key up costs about one verification.
        assert_eq!(small.setup, 14);
        assert_eq!(large.setup, 64 * 17);
        // A long exponent costs in proportion to its length.
        assert!(rsa_cost(&ones(256), &ones(8)).verify > 6 * small.verify);
    }
}
