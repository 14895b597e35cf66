//! Unit tests of the attack builders: each class has the shape and size it
//! claims.

use super::*;
use crate::recipe::SIGNED_DATA;
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
