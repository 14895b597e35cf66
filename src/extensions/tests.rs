//! Unit tests of the extension decoding.

use super::*;

fn ext(id: &const_oid::ObjectIdentifier, critical: bool, value: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    asn1::push_tlv(&mut body, tag::OID, id.as_bytes());
    if critical {
        asn1::push_tlv(&mut body, tag::BOOLEAN, &[0xFF]);
    }
    asn1::push_tlv(&mut body, tag::OCTET_STRING, value);
    let mut out = Vec::new();
    asn1::push_tlv(&mut out, tag::SEQUENCE, &body);
    out
}

fn parse(exts: &[Vec<u8>]) -> Extensions {
    let mut list = Vec::new();
    asn1::push_tlv(&mut list, tag::SEQUENCE, &exts.concat());
    Extensions::parse(asn1::parse_one(&list).unwrap()).unwrap()
}

#[test]
fn decodes_basic_constraints_and_key_usage() {
    let e = parse(&[
        ext(
            &oid::BASIC_CONSTRAINTS,
            true,
            &[0x30, 0x06, 0x01, 0x01, 0xFF, 0x02, 0x01, 0x00],
        ),
        ext(&oid::KEY_USAGE, true, &[0x03, 0x02, 0x01, 0x06]),
    ]);
    assert_eq!(
        e.basic_constraints,
        Some(BasicConstraints {
            ca: true,
            path_len: Some(0)
        })
    );
    assert_eq!(e.key_usage, Some(ku::KEY_CERT_SIGN | 0x0002));
    assert!(e.invalid.is_none() && e.unhandled_critical.is_none());
}

#[test]
fn empty_key_usage_and_negative_pathlen_invalidate() {
    let e = parse(&[ext(&oid::KEY_USAGE, false, &[0x03, 0x01, 0x00])]);
    assert_eq!(e.invalid.unwrap().problem, ExtensionProblem::EmptyKeyUsage);
    let e = parse(&[ext(
        &oid::BASIC_CONSTRAINTS,
        false,
        &[0x30, 0x06, 0x01, 0x01, 0xFF, 0x02, 0x01, 0xFF],
    )]);
    assert_eq!(
        e.invalid.unwrap().problem,
        ExtensionProblem::NegativePathLength
    );
}

#[test]
fn unknown_critical_and_critical_skid_are_unhandled() {
    let e = parse(&[ext(&oid::SUBJECT_KEY_ID, true, &[0x04, 0x01, 0x07])]);
    assert!(e
        .unhandled_critical
        .unwrap()
        .contains("subjectKeyIdentifier"));
    let e = parse(&[ext(&oid::EXT_KEY_USAGE, true, &[0x30, 0x00])]);
    assert!(e.unhandled_critical.is_none());
}

#[test]
fn duplicates_invalidate() {
    let ku = ext(&oid::KEY_USAGE, false, &[0x03, 0x02, 0x07, 0x80]);
    let e = parse(&[ku.clone(), ku]);
    assert_eq!(e.invalid.unwrap().problem, ExtensionProblem::Duplicate);
}

#[test]
fn values_are_read_as_openssl_reads_them() {
    // Bytes after the value are ignored (X509V3_EXT_d2i).
    let e = parse(&[ext(
        &oid::KEY_USAGE,
        true,
        &[0x03, 0x02, 0x07, 0x80, 0x05, 0x00],
    )]);
    assert_eq!(e.key_usage, Some(ku::DIGITAL_SIGNATURE));
    assert!(e.invalid.is_none());
    // BER inside the value is decoded (indefinite and non-minimal lengths).
    let e = parse(&[ext(
        &oid::EXT_KEY_USAGE,
        false,
        &[0x30, 0x80, 0x06, 0x81, 0x01, 0x2B, 0x00, 0x00],
    )]);
    assert_eq!(e.ext_key_usage, Some(vec![vec![0x2B]]));
    assert!(e.invalid.is_none());
    // A BIT STRING of no octets may still declare unused bits.
    let e = parse(&[ext(&oid::NETSCAPE_CERT_TYPE, false, &[0x03, 0x01, 0x07])]);
    assert_eq!((e.ns_cert_type, e.invalid), (Some(0), None));
    // Non-minimal INTEGERs, long BOOLEANs and bad OIDs do not decode.
    for (id, value) in [
        (
            &oid::BASIC_CONSTRAINTS,
            &[0x30, 0x07, 0x01, 0x01, 0xFF, 0x02, 0x02, 0x00, 0x05][..],
        ),
        (
            &oid::BASIC_CONSTRAINTS,
            &[0x30, 0x04, 0x01, 0x02, 0xFF, 0xFF][..],
        ),
        (
            &oid::EXT_KEY_USAGE,
            &[0x30, 0x05, 0x06, 0x03, 0x2B, 0x80, 0x01][..],
        ),
    ] {
        let e = parse(&[ext(id, false, value)]);
        assert_eq!(e.invalid.unwrap().problem, ExtensionProblem::Malformed);
    }
}

#[test]
fn crl_points_and_resources_are_cached_extensions() {
    let crldp = ext(
        &oid::CRL_DISTRIBUTION_POINTS,
        false,
        &[0x30, 0x02, 0x30, 0x00],
    );
    let e = parse(&[crldp]);
    assert_eq!(
        e.invalid.unwrap().problem,
        ExtensionProblem::EmptyDistributionPoint
    );
    let asid = ext(
        &oid::AS_IDENTIFIERS,
        true,
        &[0x30, 0x07, 0xA0, 0x05, 0x30, 0x03, 0x02, 0x01, 0x01],
    );
    let e = parse(std::slice::from_ref(&asid));
    let ids = e.resources.asid().unwrap().unwrap();
    assert_eq!(ids.asnum.unwrap().unwrap().len(), 1);
    assert!(ids.rdi.is_none() && e.invalid.is_none());
    let e = parse(&[asid.clone(), asid]);
    assert_eq!(e.invalid.unwrap().problem, ExtensionProblem::Duplicate);
    let blocks = ext(&oid::IP_ADDR_BLOCKS, true, &[0x30, 0x00]);
    let e = parse(&[blocks]);
    assert_eq!(e.resources.ip(), Some(Ok(Vec::new())));
    assert!(e.invalid.is_none());
}
