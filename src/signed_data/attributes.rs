//! Attributes of a SignerInfo (RFC 5652 section 11): their structure, the
//! occurrence rules of the signed ones, and the DER re-encoding OpenSSL
//! verifies the signature over.

use crate::asn1::{self, tag, Asn1Error, Tlv};
use crate::error::{AttributeProblem, Result};
use crate::oid;

/// An `Attribute ::= SEQUENCE { attrType OID, attrValues SET OF AttributeValue }`.
struct Attribute<'a> {
    oid: &'a [u8],
    values: Vec<Tlv<'a>>,
}

fn attributes(set: Tlv<'_>) -> impl Iterator<Item = Attribute<'_>> {
    // Structure validated at parse time.
    set.reader().flatten().filter_map(|a| {
        let mut r = a.reader();
        let oid = r.expect(tag::OID).ok()?.value;
        let values = r.expect(tag::SET).ok()?.reader().flatten().collect();
        Some(Attribute { oid, values })
    })
}

/// The signed attributes as OpenSSL re-encodes them before checking the
/// signature (`CMS_Attributes_Verify`): the outer SET OF in received order
/// with a SET tag, and the values inside each attribute's SET OF in DER order
/// (`der_cmp`: bytewise on the common length, then the shorter first). `None`
/// when the received values already are in that order, so the signature
/// covers the received bytes with the `[0]` tag replaced by SET.
pub(crate) fn reencoded_signed_attributes(attrs: Tlv<'_>) -> Option<Vec<u8>> {
    let list: Vec<Attribute<'_>> = attributes(attrs).collect();
    let sorted = |values: &[Tlv<'_>]| {
        values.windows(2).all(|w| match w {
            [a, b] => der_order(a.raw, b.raw) != std::cmp::Ordering::Greater,
            _ => true,
        })
    };
    if list.iter().all(|a| sorted(&a.values)) {
        return None;
    }
    let mut content = Vec::with_capacity(attrs.value.len());
    for attr in &list {
        let mut values: Vec<&[u8]> = attr.values.iter().map(|v| v.raw).collect();
        values.sort_by(|a, b| der_order(a, b));
        let mut body = Vec::new();
        asn1::push_tlv(&mut body, tag::OID, attr.oid);
        asn1::push_tlv(&mut body, tag::SET, &values.concat());
        asn1::push_tlv(&mut content, tag::SEQUENCE, &body);
    }
    let mut out = Vec::with_capacity(content.len() + 6);
    asn1::push_tlv(&mut out, tag::SET, &content);
    Some(out)
}

/// OpenSSL's `der_cmp` order of SET OF elements.
fn der_order(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let common = a.len().min(b.len());
    a.get(..common)
        .cmp(&b.get(..common))
        .then(a.len().cmp(&b.len()))
}

/// The structure of one attribute set: SEQUENCEs of an OID and a SET of
/// values, each an ANY as OpenSSL decodes it ([`asn1::check_any`]).
pub(super) fn validate_attributes(set: Tlv<'_>) -> Result<(), Asn1Error> {
    for attr in set.reader() {
        let mut r = attr?.expect(tag::SEQUENCE)?.reader();
        r.expect(tag::OID)?;
        for value in r.expect(tag::SET)?.reader() {
            asn1::check_any(value?)?;
        }
        r.finish()?;
    }
    Ok(())
}

/// Attribute types with RFC 5652 section 11 / ESS occurrence rules.
const SIGNED_ONLY: [&const_oid::ObjectIdentifier; 6] = [
    &oid::CONTENT_TYPE,
    &oid::MESSAGE_DIGEST,
    &oid::SIGNING_TIME,
    &oid::SIGNING_CERTIFICATE,
    &oid::SIGNING_CERTIFICATE_V2,
    &oid::RECEIPT_REQUEST,
];

/// What the signed attributes say, once their rules are checked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckedAttributes<'a> {
    /// The single contentType value.
    pub content_type: Tlv<'a>,
    /// The single messageDigest value.
    pub message_digest: Tlv<'a>,
}

/// Applies OpenSSL's `ossl_cms_si_check_attributes()` rules, then fetches
/// contentType and messageDigest (each exactly once with exactly one value).
pub(crate) fn check_attributes<'a>(
    signed: Tlv<'a>,
    unsigned: Option<Tlv<'a>>,
) -> Result<CheckedAttributes<'a>, AttributeProblem> {
    let signed_list: Vec<Attribute<'a>> = attributes(signed).collect();
    for kind in SIGNED_ONLY {
        let mut found = signed_list.iter().filter(|a| oid::is(a.oid, kind));
        match (found.next(), found.next()) {
            (Some(_), Some(_)) => {
                return Err(AttributeProblem::Repeated(oid::describe(kind.as_bytes())))
            }
            (Some(a), None) if a.values.len() != 1 => {
                return Err(AttributeProblem::ValueCount(oid::describe(kind.as_bytes())))
            }
            _ => {}
        }
    }
    if signed_list
        .iter()
        .any(|a| oid::is(a.oid, &oid::COUNTERSIGNATURE))
    {
        return Err(AttributeProblem::SignedCountersignature);
    }
    if let Some(unsigned) = unsigned {
        for attr in attributes(unsigned) {
            if let Some(kind) = SIGNED_ONLY.iter().find(|k| oid::is(attr.oid, k)) {
                return Err(AttributeProblem::UnsignedOnlySigned(oid::describe(
                    kind.as_bytes(),
                )));
            }
            if oid::is(attr.oid, &oid::COUNTERSIGNATURE) && attr.values.is_empty() {
                return Err(AttributeProblem::ValueCount(oid::describe(attr.oid)));
            }
        }
    }
    let single = |kind: &const_oid::ObjectIdentifier| {
        signed_list
            .iter()
            .find(|a| oid::is(a.oid, kind))
            .and_then(|a| a.values.first().copied())
    };
    let content_type = single(&oid::CONTENT_TYPE);
    let message_digest = single(&oid::MESSAGE_DIGEST);
    match (content_type, message_digest) {
        (Some(content_type), Some(message_digest)) => {
            if message_digest.tag != tag::OCTET_STRING {
                return Err(AttributeProblem::MessageDigestType);
            }
            Ok(CheckedAttributes {
                content_type,
                message_digest,
            })
        }
        (None, Some(_)) => Err(AttributeProblem::MissingContentType),
        (_, None) => Err(AttributeProblem::MissingMessageDigest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(id: &const_oid::ObjectIdentifier, values: &[&[u8]]) -> Vec<u8> {
        let mut body = Vec::new();
        asn1::push_tlv(&mut body, tag::OID, id.as_bytes());
        asn1::push_tlv(&mut body, tag::SET, &values.concat());
        let mut out = Vec::new();
        asn1::push_tlv(&mut out, tag::SEQUENCE, &body);
        out
    }

    fn set(attrs: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        asn1::push_tlv(&mut out, tag::ctx_cons(0), &attrs.concat());
        out
    }

    const DATA_OID: &[u8] = &[
        0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01,
    ];
    const DIGEST: &[u8] = &[0x04, 0x02, 0xAB, 0xCD];

    #[test]
    fn signed_attributes_are_verified_as_openssl_reencodes_them() {
        let (b, a, longer) = (
            &[0x04, 0x01, 0xBB][..],
            &[0x04, 0x01, 0xAA][..],
            &[0x04, 0x02, 0xAA, 0x00][..],
        );
        // Values already in DER order: the received bytes are signed.
        // (The length octet decides first: 04 01 .. sorts before 04 02 ..)
        let sorted = set(&[attr(&oid::SIGNING_TIME, &[a, b, longer])]);
        assert_eq!(
            reencoded_signed_attributes(asn1::parse_one(&sorted).unwrap()),
            None
        );
        // Out of order: the values are sorted, the attributes keep their order.
        let unsorted = set(&[
            attr(&oid::MESSAGE_DIGEST, &[DIGEST]),
            attr(&oid::SIGNING_TIME, &[b, longer, a]),
        ]);
        let mut expected = vec![tag::SET];
        let body = [
            attr(&oid::MESSAGE_DIGEST, &[DIGEST]),
            attr(&oid::SIGNING_TIME, &[a, b, longer]),
        ]
        .concat();
        asn1::push_length(&mut expected, body.len());
        expected.extend_from_slice(&body);
        assert_eq!(
            reencoded_signed_attributes(asn1::parse_one(&unsorted).unwrap()),
            Some(expected)
        );
    }

    #[test]
    fn accepts_the_minimal_set() {
        let s = set(&[
            attr(&oid::CONTENT_TYPE, &[DATA_OID]),
            attr(&oid::MESSAGE_DIGEST, &[DIGEST]),
        ]);
        let checked = check_attributes(asn1::parse_one(&s).unwrap(), None).unwrap();
        assert_eq!(checked.message_digest.value, &[0xAB, 0xCD]);
        assert!(oid::is(checked.content_type.value, &oid::ID_DATA));
    }

    #[test]
    fn enforces_occurrence_rules() {
        let ct = attr(&oid::CONTENT_TYPE, &[DATA_OID]);
        let md = attr(&oid::MESSAGE_DIGEST, &[DIGEST]);
        let check = |attrs: &[Vec<u8>]| {
            let s = set(attrs);
            check_attributes(asn1::parse_one(&s).unwrap(), None).map(|_| ())
        };
        assert_eq!(
            check(std::slice::from_ref(&md)),
            Err(AttributeProblem::MissingContentType)
        );
        assert_eq!(
            check(std::slice::from_ref(&ct)),
            Err(AttributeProblem::MissingMessageDigest)
        );
        assert_eq!(check(&[]), Err(AttributeProblem::MissingMessageDigest));
        assert!(matches!(
            check(&[ct.clone(), ct.clone(), md.clone()]),
            Err(AttributeProblem::Repeated(_))
        ));
        let two_values = attr(&oid::MESSAGE_DIGEST, &[DIGEST, DIGEST]);
        assert!(matches!(
            check(&[ct.clone(), two_values]),
            Err(AttributeProblem::ValueCount(_))
        ));
        let counter = attr(&oid::COUNTERSIGNATURE, &[DIGEST]);
        assert_eq!(
            check(&[ct, md, counter]),
            Err(AttributeProblem::SignedCountersignature)
        );
    }

    #[test]
    fn signed_only_attributes_may_not_be_unsigned() {
        let s = set(&[
            attr(&oid::CONTENT_TYPE, &[DATA_OID]),
            attr(&oid::MESSAGE_DIGEST, &[DIGEST]),
        ]);
        let mut u = Vec::new();
        asn1::push_tlv(
            &mut u,
            tag::ctx_cons(1),
            &attr(&oid::CONTENT_TYPE, &[DATA_OID]),
        );
        let r = check_attributes(
            asn1::parse_one(&s).unwrap(),
            Some(asn1::parse_one(&u).unwrap()),
        );
        assert!(matches!(r, Err(AttributeProblem::UnsignedOnlySigned(_))));
    }
}
