//! The fixed pool of test keys (committed under keys/, so every run signs
//! with the same keys) and signing with them through libcrypto.

use std::collections::HashMap;

use openssl::hash::MessageDigest;
use openssl::pkey::{Id, PKey, Private};
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Signer};

use crate::der;
use crate::pss::{self, Pss};

/// A key of the pool. The names say what each is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyId {
    RsaA,
    RsaB,
    RsaC,
    RsaD,
    Rsa1024,
    Rsa1024B,
    Rsa512,
    Rsa4096,
    RsaE3,
    RsaE41Bit,
    P256A,
    P256B,
    P256C,
    P256D,
    P384,
    P521,
    Secp256k1,
    Brainpool256,
    Ed25519,
    Dsa,
}

impl KeyId {
    /// Every key, in pool order.
    pub const ALL: [KeyId; 20] = [
        KeyId::RsaA,
        KeyId::RsaB,
        KeyId::RsaC,
        KeyId::RsaD,
        KeyId::Rsa1024,
        KeyId::Rsa1024B,
        KeyId::Rsa512,
        KeyId::Rsa4096,
        KeyId::RsaE3,
        KeyId::RsaE41Bit,
        KeyId::P256A,
        KeyId::P256B,
        KeyId::P256C,
        KeyId::P256D,
        KeyId::P384,
        KeyId::P521,
        KeyId::Secp256k1,
        KeyId::Brainpool256,
        KeyId::Ed25519,
        KeyId::Dsa,
    ];

    fn pem(self) -> &'static [u8] {
        match self {
            KeyId::RsaA => include_bytes!("../keys/rsa2048-a.pem"),
            KeyId::RsaB => include_bytes!("../keys/rsa2048-b.pem"),
            KeyId::RsaC => include_bytes!("../keys/rsa2048-c.pem"),
            KeyId::RsaD => include_bytes!("../keys/rsa2048-d.pem"),
            KeyId::Rsa1024 => include_bytes!("../keys/rsa1024.pem"),
            KeyId::Rsa1024B => include_bytes!("../keys/rsa1024-b.pem"),
            KeyId::Rsa512 => include_bytes!("../keys/rsa512.pem"),
            KeyId::Rsa4096 => include_bytes!("../keys/rsa4096.pem"),
            KeyId::RsaE3 => include_bytes!("../keys/rsa2048-e3.pem"),
            KeyId::RsaE41Bit => include_bytes!("../keys/rsa2048-e41bit.pem"),
            KeyId::P256A => include_bytes!("../keys/p256-a.pem"),
            KeyId::P256B => include_bytes!("../keys/p256-b.pem"),
            KeyId::P256C => include_bytes!("../keys/p256-c.pem"),
            KeyId::P256D => include_bytes!("../keys/p256-d.pem"),
            KeyId::P384 => include_bytes!("../keys/p384.pem"),
            KeyId::P521 => include_bytes!("../keys/p521.pem"),
            KeyId::Secp256k1 => include_bytes!("../keys/secp256k1.pem"),
            KeyId::Brainpool256 => include_bytes!("../keys/brainpool256.pem"),
            KeyId::Ed25519 => include_bytes!("../keys/ed25519.pem"),
            KeyId::Dsa => include_bytes!("../keys/dsa2048.pem"),
        }
    }

    /// The key family.
    pub fn family(self) -> Family {
        match self {
            KeyId::RsaA
            | KeyId::RsaB
            | KeyId::RsaC
            | KeyId::RsaD
            | KeyId::Rsa1024
            | KeyId::Rsa1024B
            | KeyId::Rsa512
            | KeyId::Rsa4096
            | KeyId::RsaE3
            | KeyId::RsaE41Bit => Family::Rsa,
            KeyId::Ed25519 => Family::Ed25519,
            KeyId::Dsa => Family::Dsa,
            _ => Family::Ec,
        }
    }

    /// RSA keys under 1024 bits (docs/compatibility.md item 5).
    pub fn is_small_rsa(self) -> bool {
        self == KeyId::Rsa512
    }
}

/// Key families: which signature algorithms a key makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Rsa,
    Ec,
    Ed25519,
    Dsa,
}

/// Digest algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Hash {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha3_256,
}

impl Hash {
    pub const ALL: [Hash; 7] = [
        Hash::Md5,
        Hash::Sha1,
        Hash::Sha224,
        Hash::Sha256,
        Hash::Sha384,
        Hash::Sha512,
        Hash::Sha3_256,
    ];

    fn md(self) -> MessageDigest {
        match self {
            Hash::Md5 => MessageDigest::md5(),
            Hash::Sha1 => MessageDigest::sha1(),
            Hash::Sha224 => MessageDigest::sha224(),
            Hash::Sha256 => MessageDigest::sha256(),
            Hash::Sha384 => MessageDigest::sha384(),
            Hash::Sha512 => MessageDigest::sha512(),
            Hash::Sha3_256 => MessageDigest::sha3_256(),
        }
    }

    /// The digest algorithm OID.
    pub fn oid(self) -> &'static str {
        match self {
            Hash::Md5 => "1.2.840.113549.2.5",
            Hash::Sha1 => "1.3.14.3.2.26",
            Hash::Sha224 => "2.16.840.1.101.3.4.2.4",
            Hash::Sha256 => "2.16.840.1.101.3.4.2.1",
            Hash::Sha384 => "2.16.840.1.101.3.4.2.2",
            Hash::Sha512 => "2.16.840.1.101.3.4.2.3",
            Hash::Sha3_256 => "2.16.840.1.101.3.4.2.8",
        }
    }

    /// The RSA PKCS#1 v1.5 signature OID with this digest.
    pub fn rsa_oid(self) -> &'static str {
        match self {
            Hash::Md5 => "1.2.840.113549.1.1.4",
            Hash::Sha1 => "1.2.840.113549.1.1.5",
            Hash::Sha224 => "1.2.840.113549.1.1.14",
            Hash::Sha256 => "1.2.840.113549.1.1.11",
            Hash::Sha384 => "1.2.840.113549.1.1.12",
            Hash::Sha512 => "1.2.840.113549.1.1.13",
            Hash::Sha3_256 => "2.16.840.1.101.3.4.3.14",
        }
    }

    /// The ECDSA signature OID with this digest (MD5 has none: SHA-256's).
    pub fn ecdsa_oid(self) -> &'static str {
        match self {
            Hash::Md5 | Hash::Sha256 => "1.2.840.10045.4.3.2",
            Hash::Sha1 => "1.2.840.10045.4.1",
            Hash::Sha224 => "1.2.840.10045.4.3.1",
            Hash::Sha384 => "1.2.840.10045.4.3.3",
            Hash::Sha512 => "1.2.840.10045.4.3.4",
            Hash::Sha3_256 => "2.16.840.1.101.3.4.3.10",
        }
    }

    /// The digest's output length in bytes.
    pub fn output_len(self) -> usize {
        self.md().size()
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        openssl::hash::hash(self.md(), data)
            .map(|d| d.to_vec())
            .unwrap_or_default()
    }
}

/// How a signature is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// The key's ordinary scheme: RSA PKCS#1 v1.5, ECDSA, Ed25519, DSA.
    Plain,
    /// RSASSA-PSS (RSA keys; other keys sign as [`Scheme::Plain`]) with
    /// these parameters and this form of its AlgorithmIdentifier.
    Pss(Pss),
}

impl Scheme {
    /// What changes the signature bytes of key `id` with `hash`: `None` for
    /// the key's ordinary scheme, else PSS's MGF1 digest and salt length.
    pub fn signing_params(self, id: KeyId, hash: Hash) -> Option<(Hash, u16)> {
        match self {
            Scheme::Pss(p) if id.family() == Family::Rsa => {
                Some((p.mgf_hash(hash), p.salt_len(hash)))
            }
            _ => None,
        }
    }
}

/// A loaded key.
pub struct Key {
    pkey: PKey<Private>,
    /// The DER SubjectPublicKeyInfo.
    pub spki: Vec<u8>,
    /// A subject key identifier (SHA-1 of the SPKI).
    pub ski: Vec<u8>,
}

/// The key pool.
pub struct Pool {
    keys: HashMap<KeyId, Key>,
}

impl Pool {
    /// Loads every key of keys/.
    pub fn load() -> Result<Pool, openssl::error::ErrorStack> {
        let mut keys = HashMap::new();
        for id in KeyId::ALL {
            let pkey = PKey::private_key_from_pem(id.pem())?;
            let spki = pkey.public_key_to_der()?;
            let ski = openssl::sha::sha1(&spki).to_vec();
            keys.insert(id, Key { pkey, spki, ski });
        }
        Ok(Pool { keys })
    }

    /// A key of the pool.
    pub fn key(&self, id: KeyId) -> &Key {
        &self.keys[&id]
    }

    /// Signs `data` with `id` and `hash`; empty on failure (the case then
    /// carries a signature that does not verify, which both sides see).
    pub fn sign(&self, id: KeyId, hash: Hash, scheme: Scheme, data: &[u8]) -> Vec<u8> {
        let pkey = &self.key(id).pkey;
        let result = if pkey.id() == Id::ED25519 {
            Signer::new_without_digest(pkey).and_then(|mut s| s.sign_oneshot_to_vec(data))
        } else {
            Signer::new(hash.md(), pkey).and_then(|mut s| {
                if let Some((mgf, salt)) = scheme.signing_params(id, hash) {
                    s.set_rsa_padding(Padding::PKCS1_PSS)?;
                    s.set_rsa_pss_saltlen(RsaPssSaltlen::custom(i32::from(salt)))?;
                    s.set_rsa_mgf1_md(mgf.md())?;
                }
                s.update(data)?;
                s.sign_to_vec()
            })
        };
        result.unwrap_or_default()
    }
}

/// The signature AlgorithmIdentifier (DER) for a key family and digest.
pub fn signature_algorithm(id: KeyId, hash: Hash, scheme: Scheme) -> Vec<u8> {
    match id.family() {
        Family::Rsa => match scheme {
            Scheme::Pss(p) => pss::algorithm(hash, p),
            Scheme::Plain => der::seq(&[&der::oid(hash.rsa_oid()), &der::null()]),
        },
        Family::Ec => der::seq(&[&der::oid(hash.ecdsa_oid())]),
        Family::Ed25519 => der::seq(&[&der::oid("1.3.101.112")]),
        Family::Dsa => der::seq(&[&der::oid(match hash {
            Hash::Sha1 => "1.2.840.10040.4.3",
            Hash::Sha224 => "2.16.840.1.101.3.4.3.1",
            _ => "2.16.840.1.101.3.4.3.2",
        })]),
    }
}

/// The digest AlgorithmIdentifier (DER), parameters absent.
pub fn digest_algorithm(hash: Hash) -> Vec<u8> {
    der::seq(&[&der::oid(hash.oid())])
}
