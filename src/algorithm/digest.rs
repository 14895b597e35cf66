//! The digest algorithms cmsverify computes, by OID and by OpenSSL name.

use digest::Digest;

use super::identifier::{cert_signature_kind, CertSigKind};
use super::{AlgorithmPolicy, SignatureProblem};
use crate::oid;

/// A digest algorithm cmsverify computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// MD5 (refused unless `AlgorithmPolicy::allow_md5`).
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// SHA-512/224.
    Sha512_224,
    /// SHA-512/256.
    Sha512_256,
    /// SHA3-224.
    Sha3_224,
    /// SHA3-256.
    Sha3_256,
    /// SHA3-384.
    Sha3_384,
    /// SHA3-512.
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

/// The one table of digest OIDs.
const DIGEST_OIDS: [(&const_oid::ObjectIdentifier, DigestAlgorithm); 12] = {
    use DigestAlgorithm::*;
    [
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
    ]
};

impl DigestAlgorithm {
    /// This digest's OID (from the same table as [`DigestAlgorithm::lookup`]).
    pub(crate) fn oid(self) -> &'static const_oid::ObjectIdentifier {
        DIGEST_OIDS
            .iter()
            .find(|(_, alg)| *alg == self)
            .map_or(&oid::SHA256, |(o, _)| o)
    }

    /// Looks up a digest algorithm by the content bytes of its OID.
    pub(crate) fn lookup(oid_value: &[u8]) -> DigestLookup {
        if let Some((_, alg)) = DIGEST_OIDS.iter().find(|(o, _)| oid::is(oid_value, o)) {
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
    pub(super) fn verify_pss(
        self,
        key: &rsa::PublicKey,
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

    pub(super) fn check_policy(self, policy: &AlgorithmPolicy) -> Result<(), SignatureProblem> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_digest_round_trips_through_the_oid_table() {
        for d in DigestAlgorithm::ALL {
            assert_eq!(
                DigestAlgorithm::lookup(d.oid().as_bytes()),
                DigestLookup::Supported(d)
            );
        }
    }

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
}
