//! Accelerated RSA verification through graviola (Rust with formally
//! verified assembly from s2n-bignum, a rustls crypto provider), for the
//! common case: PKCS#1 v1.5 and PSS (salt as long as the hash) with
//! SHA-256/384/512, moduli graviola accepts, exponents up to 32 bits.
//!
//! Chosen at run time ([`super::accelerated`]): graviola needs aes, avx,
//! avx2, bmi1, bmi2, adx and pclmulqdq on x86_64 and panics without them, so
//! it is used only when `graviola::util::is_cpu_supported()` says so (under
//! valgrind the CPU reports no adx: the C tests exercise the portable path).
//! Everything else (SHA-1, other salts, other keys, other CPUs) takes the
//! portable Montgomery path of [`crate::montgomery`]. `CMSVERIFY_BACKEND=portable`
//! forces the portable path, so the test command runs both.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use graviola::signing::rsa::VerifyingKey;

use super::DigestAlgorithm;

/// A key set up for graviola (shared: keys are cached with certificates).
#[derive(Clone)]
pub(crate) struct FastRsa(Arc<VerifyingKey>);

impl fmt::Debug for FastRsa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FastRsa")
    }
}

/// The parts of a signed message as one slice (borrowed when there is one).
fn joined<'a>(parts: &[&'a [u8]]) -> Cow<'a, [u8]> {
    match parts {
        [one] => Cow::Borrowed(one),
        _ => Cow::Owned(parts.concat()),
    }
}

impl FastRsa {
    /// The key of a DER RSAPublicKey, when the backend is in use and
    /// graviola takes the key.
    pub(crate) fn new(rsa_public_key: &[u8]) -> Option<Self> {
        if !super::accelerated() {
            return None;
        }
        VerifyingKey::from_pkcs1_der(rsa_public_key)
            .ok()
            .map(|key| Self(Arc::new(key)))
    }

    /// Verifies a PKCS#1 v1.5 signature over `parts`; `None` when `digest`
    /// is not accelerated.
    pub(crate) fn verify_pkcs1(
        &self,
        digest: DigestAlgorithm,
        parts: &[&[u8]],
        signature: &[u8],
    ) -> Option<bool> {
        let message = joined(parts);
        let result = match digest {
            DigestAlgorithm::Sha256 => self.0.verify_pkcs1_sha256(signature, &message),
            DigestAlgorithm::Sha384 => self.0.verify_pkcs1_sha384(signature, &message),
            DigestAlgorithm::Sha512 => self.0.verify_pkcs1_sha512(signature, &message),
            _ => return None,
        };
        Some(result.is_ok())
    }

    /// Verifies an RSASSA-PSS signature over `parts` (MGF1 with the same
    /// hash); `None` when `digest` or `salt_len` is not accelerated
    /// (graviola fixes the salt at the hash length).
    pub(crate) fn verify_pss(
        &self,
        digest: DigestAlgorithm,
        salt_len: usize,
        parts: &[&[u8]],
        signature: &[u8],
    ) -> Option<bool> {
        let message = joined(parts);
        let result = match (digest, salt_len) {
            (DigestAlgorithm::Sha256, 32) => self.0.verify_pss_sha256(signature, &message),
            (DigestAlgorithm::Sha384, 48) => self.0.verify_pss_sha384(signature, &message),
            (DigestAlgorithm::Sha512, 64) => self.0.verify_pss_sha512(signature, &message),
            _ => return None,
        };
        Some(result.is_ok())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rsa::pkcs1::EncodeRsaPublicKey as _;
    use rsa::pkcs8::DecodePrivateKey as _;
    use rsa::signature::{SignatureEncoding as _, Signer as _};

    use super::*;
    use crate::algorithm::key_limits;
    use crate::montgomery::RsaPublicOp;

    /// The Keystone sample signing key (RSA-2048).
    fn key() -> rsa::PrivateKey {
        let pem = include_str!("../../tests/data/keystone/signing_key.pem");
        rsa::PrivateKey::from_pkcs8_pem(pem).unwrap()
    }

    /// Both backends for the key, built directly (whatever the environment).
    fn backends(key: &rsa::PrivateKey) -> (FastRsa, RsaPublicOp, Vec<u8>) {
        let der = key.to_public_key().to_pkcs1_der().unwrap().into_vec();
        let fast = FastRsa(Arc::new(VerifyingKey::from_pkcs1_der(&der).unwrap()));
        let (n, e) = key_limits::rsa_components(&der).unwrap();
        (fast, RsaPublicOp::new(n, e).unwrap(), der)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// On valid and corrupted signatures both backends give one verdict.
        #[test]
        fn both_backends_agree(message in proptest::collection::vec(any::<u8>(), 0..300),
                               flip in any::<Option<(usize, u8)>>()) {
            prop_assume!(graviola::util::is_cpu_supported());
            let key = key();
            let (fast, portable, _) = backends(&key);
            let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key.clone());
            let mut signature = signer.sign(&message).to_vec();
            if let Some((at, bits)) = flip {
                let len = signature.len();
                if let Some(byte) = signature.get_mut(at % len) {
                    *byte ^= bits.max(1);
                }
            }
            let hashed = DigestAlgorithm::Sha256.digest(&[&message]);
            let prefix = DigestAlgorithm::Sha256.pkcs1v15().prefix;
            let expected = portable.verify_pkcs1v15(&prefix, hashed.as_ref(), &signature);
            prop_assert_eq!(expected, flip.is_none());
            prop_assert_eq!(
                fast.verify_pkcs1(DigestAlgorithm::Sha256, &[&message], &signature),
                Some(expected)
            );
            // PSS (salt = hash length) against the rsa crate.
            let pss = rsa::pss::SigningKey::<sha2::Sha256>::new(key);
            let pss_signature = pss.sign(&message).to_vec();
            prop_assert_eq!(
                fast.verify_pss(DigestAlgorithm::Sha256, 32, &[&message], &pss_signature),
                Some(true)
            );
            prop_assert_eq!(
                fast.verify_pss(DigestAlgorithm::Sha256, 20, &[&message], &pss_signature),
                None
            );
        }
    }

    #[test]
    fn sha1_is_left_to_the_portable_path() {
        if !graviola::util::is_cpu_supported() {
            return;
        }
        let (fast, ..) = backends(&key());
        assert_eq!(
            fast.verify_pkcs1(DigestAlgorithm::Sha1, &[b"x"], &[0; 256]),
            None
        );
    }
}
