//! RSASSA-PSS: the parameters a signature is made with and the ways its
//! AlgorithmIdentifier (RSASSA-PSS-params, RFC 4055) is written, including
//! encodings whose verdict depends on how OpenSSL 3.0 reads them
//! (`rsa_ameth.c: ossl_rsa_pss_get_param_unverified()`, `rsa_pss_verify_param()`).

use crate::der::{self, tag};
use crate::keys::Hash;

/// The OID of RSASSA-PSS.
const PSS_OID: &str = "1.2.840.113549.1.1.10";
/// The OID of MGF1.
const MGF1_OID: &str = "1.2.840.113549.1.1.8";

/// How a PSS signature is made and how its AlgorithmIdentifier is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pss {
    /// MGF1's digest; `None`: the signature's own digest.
    pub mgf: Option<Hash>,
    /// The salt length in bytes; `None`: the digest's length.
    pub salt: Option<u16>,
    /// How the parameters are written.
    pub form: Form,
}

impl Pss {
    /// MGF1 of the same digest, a salt of the digest's length, every field
    /// explicit (what the fuzzer always made before).
    pub const SAME: Pss = Pss {
        mgf: None,
        salt: None,
        form: Form::Explicit,
    };

    /// MGF1's digest for a signature with `hash`.
    pub fn mgf_hash(self, hash: Hash) -> Hash {
        self.mgf.unwrap_or(hash)
    }

    /// The salt length for a signature with `hash`.
    pub fn salt_len(self, hash: Hash) -> u16 {
        self.salt.unwrap_or(hash.output_len() as u16)
    }
}

/// How RSASSA-PSS-params are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// hashAlgorithm, maskGenAlgorithm and saltLength explicit, trailerField absent.
    Explicit,
    /// Fields equal to their RFC 4055 defaults (SHA-1, MGF1-SHA-1, salt 20) omitted.
    Defaults,
    /// Explicit fields and an explicit trailerField 1.
    Trailer,
    /// The parameters say something other than what was signed, or say it
    /// in a way only OpenSSL's C-int reading makes sense of.
    Lie(Lie),
}

/// The "lying" encodings: each names what OpenSSL 3.0 makes of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lie {
    /// saltLength 2^32 + salt: read into an int, it is the salt (accepted).
    SaltPlus2e32,
    /// saltLength salt - 2^32, a negative INTEGER whose low 32 bits are the
    /// salt: read into an int, it is the salt (accepted).
    SaltMinus2e32,
    /// saltLength -1: a negative salt length (refused).
    SaltNegative,
    /// saltLength 2^64 + salt: more than 64 bits, `ASN1_INTEGER_get()` gives -1 (refused).
    SaltOver64Bits,
    /// trailerField 2^32 + 1: read into an int, it is 1 (accepted).
    TrailerPlus2e32,
    /// trailerField 2 (refused).
    Trailer2,
    /// MGF1 without its hash parameter (refused).
    MgfNoHash,
    /// hashAlgorithm other than the digest the signature was made with (refused).
    HashOther,
}

impl Lie {
    /// Every lie.
    pub const ALL: [Lie; 8] = [
        Lie::SaltPlus2e32,
        Lie::SaltMinus2e32,
        Lie::SaltNegative,
        Lie::SaltOver64Bits,
        Lie::TrailerPlus2e32,
        Lie::Trailer2,
        Lie::MgfNoHash,
        Lie::HashOther,
    ];
}

/// A minimal two's-complement INTEGER TLV.
fn int_signed(value: i128) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let mut start = 0;
    while start + 1 < bytes.len() {
        let (b, next) = (bytes[start], bytes[start + 1]);
        if (b == 0 && next & 0x80 == 0) || (b == 0xFF && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    der::tlv(tag::INTEGER, &bytes[start..])
}

/// A digest AlgorithmIdentifier with NULL parameters.
fn digest_id(hash: Hash) -> Vec<u8> {
    der::seq(&[&der::oid(hash.oid()), &der::null()])
}

/// The RSASSA-PSS AlgorithmIdentifier (DER) of a signature made with
/// `hash` and `pss`, written in `pss.form`.
pub fn algorithm(hash: Hash, pss: Pss) -> Vec<u8> {
    let mgf_hash = pss.mgf_hash(hash);
    let salt = i128::from(pss.salt_len(hash));
    let lie = match pss.form {
        Form::Lie(l) => Some(l),
        _ => None,
    };
    let defaults = pss.form == Form::Defaults;
    let field = |n: u8, v: &[u8]| der::tlv(der::ctx(n, true), v);
    let written_hash = if lie == Some(Lie::HashOther) {
        if hash == Hash::Sha256 {
            Hash::Sha384
        } else {
            Hash::Sha256
        }
    } else {
        hash
    };
    let hash_field = if defaults && written_hash == Hash::Sha1 {
        Vec::new()
    } else {
        field(0, &digest_id(written_hash))
    };
    let mgf_field = if lie == Some(Lie::MgfNoHash) {
        field(1, &der::seq(&[&der::oid(MGF1_OID)]))
    } else if defaults && mgf_hash == Hash::Sha1 {
        Vec::new()
    } else {
        field(1, &der::seq(&[&der::oid(MGF1_OID), &digest_id(mgf_hash)]))
    };
    let salt_value = match lie {
        Some(Lie::SaltPlus2e32) => Some(salt + (1 << 32)),
        Some(Lie::SaltMinus2e32) => Some(salt - (1 << 32)),
        Some(Lie::SaltNegative) => Some(-1),
        Some(Lie::SaltOver64Bits) => Some(salt + (1 << 64)),
        _ if defaults && salt == 20 => None,
        _ => Some(salt),
    };
    let salt_field = salt_value
        .map(|v| field(2, &int_signed(v)))
        .unwrap_or_default();
    let trailer = match (pss.form, lie) {
        (Form::Trailer, _) => Some(1),
        (_, Some(Lie::TrailerPlus2e32)) => Some((1 << 32) + 1),
        (_, Some(Lie::Trailer2)) => Some(2),
        _ => None,
    };
    let trailer_field = trailer
        .map(|v| field(3, &int_signed(v)))
        .unwrap_or_default();
    let params = der::seq(&[&hash_field, &mgf_field, &salt_field, &trailer_field]);
    der::seq(&[&der::oid(PSS_OID), &params])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_integers_are_minimal() {
        assert_eq!(int_signed(0), [2, 1, 0]);
        assert_eq!(int_signed(-1), [2, 1, 0xFF]);
        assert_eq!(int_signed(128), [2, 2, 0, 0x80]);
        assert_eq!(int_signed(-128), [2, 1, 0x80]);
        assert_eq!(int_signed((1 << 32) + 20), [2, 5, 1, 0, 0, 0, 20]);
        assert_eq!(int_signed(20 - (1 << 32)), [2, 5, 0xFF, 0, 0, 0, 20]);
    }

    #[test]
    fn defaults_of_sha1_salt_20_are_an_empty_sequence() {
        let pss = Pss {
            mgf: None,
            salt: Some(20),
            form: Form::Defaults,
        };
        let alg = algorithm(Hash::Sha1, pss);
        assert!(alg.ends_with(&[0x30, 0x00]));
    }
}
