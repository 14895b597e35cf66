//! Borrowing views of `ContentInfo`, `SignedData` and `SignerInfo`
//! ([RFC 5652 section 5](https://www.rfc-editor.org/rfc/rfc5652#section-5)),
//! and the signed-attribute rules of section 11.
//!
//! ```text
//! SignedData ::= SEQUENCE {
//!   version CMSVersion,
//!   digestAlgorithms DigestAlgorithmIdentifiers,
//!   encapContentInfo EncapsulatedContentInfo,
//!   certificates [0] IMPLICIT CertificateSet OPTIONAL,
//!   crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
//!   signerInfos SignerInfos }
//!
//! SignerInfo ::= SEQUENCE {
//!   version CMSVersion,
//!   sid SignerIdentifier,
//!   digestAlgorithm DigestAlgorithmIdentifier,
//!   signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
//!   signatureAlgorithm SignatureAlgorithmIdentifier,
//!   signature SignatureValue,
//!   unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
//! ```
//!
//! Versions are not checked, as OpenSSL does not check them.

use crate::algorithm::AlgorithmIdentifier;
use crate::asn1::{self, tag, Asn1Error, Reader, Tlv};
use crate::ber::Element;
use crate::cert::{self, Certificate};
use crate::error::{AttributeProblem, Error, Result};
use crate::limits::Limits;
use crate::oid;

/// `SignerIdentifier ::= CHOICE { issuerAndSerialNumber, subjectKeyIdentifier [0] }`
#[derive(Debug, Clone, Copy)]
pub(crate) enum SignerId<'a> {
    /// The issuer's DER `Name` and the serial's INTEGER content octets.
    IssuerSerial { issuer: &'a [u8], serial: &'a [u8] },
    /// The signer certificate's subjectKeyIdentifier value.
    SubjectKeyId(&'a [u8]),
}

impl SignerId<'_> {
    /// Describes the identifier for messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::IssuerSerial { issuer, serial } => format!(
                "issuer \"{}\", serial {}",
                crate::name::display(issuer),
                cert::integer_hex(serial)
            ),
            Self::SubjectKeyId(kid) => format!("subjectKeyIdentifier {}", cert::hex_upper(kid)),
        }
    }

    /// Whether `cert` is the one identified (OpenSSL's `CMS_SignerInfo_cert_cmp`):
    /// canonical issuer and integer serial, or byte-equal SKID extension (never
    /// for certificates with malformed extensions).
    pub(crate) fn matches(&self, cert: &Certificate, canonical_issuer: Option<&[u8]>) -> bool {
        match self {
            Self::IssuerSerial { issuer, serial } => {
                asn1::integers_equal(serial, cert.serial_bytes())
                    && (cert.issuer_der() == *issuer
                        || canonical_issuer == Some(cert.canonical_issuer()))
            }
            Self::SubjectKeyId(kid) => {
                cert.extensions().invalid.is_none()
                    && cert.extensions().subject_key_id.as_deref() == Some(*kid)
            }
        }
    }
}

/// One SignerInfo.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SignerInfo<'a> {
    pub sid: SignerId<'a>,
    pub digest_algorithm: AlgorithmIdentifier<'a>,
    /// The complete `[0] IMPLICIT` signedAttrs element.
    pub signed_attrs: Option<Tlv<'a>>,
    pub signature_algorithm: AlgorithmIdentifier<'a>,
    pub signature: &'a [u8],
    pub unsigned_attrs: Option<Tlv<'a>>,
}

/// ```text
/// EncapsulatedContentInfo ::= SEQUENCE {
///   eContentType ContentType,
///   eContent [0] EXPLICIT OCTET STRING OPTIONAL }
/// ```
#[derive(Debug, Clone, Copy)]
pub(crate) struct EncapsulatedContentInfo<'a> {
    /// OID content bytes of eContentType.
    pub content_type: &'a [u8],
    /// eContent, absent for detached signatures.
    pub content: Option<&'a [u8]>,
}

impl<'a> EncapsulatedContentInfo<'a> {
    fn parse(encap: Tlv<'a>) -> Result<Self> {
        let mut e = encap.reader();
        let content_type = e
            .expect(tag::OID)
            .map_err(malformed("encapContentInfo"))?
            .value;
        let content = match e
            .optional(tag::ctx_cons(0))
            .map_err(malformed("eContent"))?
        {
            Some(explicit) => Some(
                asn1::parse_one(explicit.value)
                    .and_then(|t| t.expect(tag::OCTET_STRING))
                    .map_err(malformed("eContent"))?
                    .value,
            ),
            None => None,
        };
        e.finish().map_err(malformed("encapContentInfo"))?;
        Ok(Self {
            content_type,
            content,
        })
    }
}

/// A SignedData message.
#[derive(Debug)]
pub(crate) struct SignedData<'a> {
    /// OID content bytes of each digestAlgorithms entry.
    pub digest_algorithms: Vec<&'a [u8]>,
    pub encap_content_info: EncapsulatedContentInfo<'a>,
    /// The embedded certificates (other CertificateChoices are skipped).
    pub certificates: Vec<Certificate>,
    pub signer_infos: Vec<SignerInfo<'a>>,
}

fn malformed(context: &'static str) -> impl Fn(Asn1Error) -> Error {
    move |problem| Error::Malformed { context, problem }
}

/// The TBSCertificate of each certificate (SEQUENCE) in the `certificates`
/// field of a BER ContentInfo, as received, in order. The walk goes down
/// one branch (ContentInfo, SignedData, certificates, each certificate), so
/// it costs a few passes over the input at most.
fn received_tbs(ber: &[u8], max_depth: usize) -> std::result::Result<Vec<&[u8]>, Asn1Error> {
    fn nth<'b>(
        e: Element<'b>,
        i: usize,
        depth: usize,
    ) -> std::result::Result<Element<'b>, Asn1Error> {
        e.children(depth)?
            .get(i)
            .copied()
            .ok_or(Asn1Error::BadValue)
    }
    let child = |e, i| nth(e, i, max_depth);
    let explicit = child(Element::first(ber, max_depth)?, 1)?;
    let signed_data = child(explicit, 0)?;
    let Some(certificates) = signed_data
        .children(max_depth)?
        .get(3)
        .copied()
        .filter(|e| e.tag == tag::ctx_cons(0))
    else {
        return Ok(Vec::new());
    };
    certificates
        .children(max_depth)?
        .into_iter()
        .filter(|c| c.tag == tag::SEQUENCE)
        .map(|c| child(c, 0).map(|tbs| tbs.raw))
        .collect()
}

impl<'a> SignedData<'a> {
    /// Parses a normalised DER `ContentInfo` holding SignedData; `received`
    /// is the message as received when it was BER (embedded certificates'
    /// signatures are checked over their TBSCertificate as received).
    ///
    /// # Errors
    /// Malformed structure (exit code 3); another content type (exit code 4,
    /// as OpenSSL's "content type not signed data"); limits.
    pub(crate) fn parse(
        content_info: &'a [u8],
        received: Option<&[u8]>,
        limits: &Limits,
    ) -> Result<Self> {
        let ci = asn1::parse_one(content_info)
            .and_then(|t| t.expect(tag::SEQUENCE))
            .map_err(malformed("ContentInfo"))?;
        let mut r = ci.reader();
        let content_type = r.expect(tag::OID).map_err(malformed("ContentInfo"))?;
        if !oid::is(content_type.value, &oid::ID_SIGNED_DATA) {
            return Err(Error::NotSignedData {
                content_type: oid::describe(content_type.value),
            });
        }
        let explicit = r
            .expect(tag::ctx_cons(0))
            .map_err(malformed("ContentInfo"))?;
        let sd = asn1::parse_one(explicit.value)
            .and_then(|t| t.expect(tag::SEQUENCE))
            .map_err(malformed("SignedData"))?;
        Self::parse_signed_data(sd, received, limits)
    }

    fn parse_signed_data(sd: Tlv<'a>, received: Option<&[u8]>, limits: &Limits) -> Result<Self> {
        let m = malformed("SignedData");
        let mut r = sd.reader();
        r.expect(tag::INTEGER).map_err(&m)?;
        let digest_algorithms = r
            .expect(tag::SET)
            .map_err(&m)?
            .reader()
            .map(|alg| alg.and_then(AlgorithmIdentifier::parse).map(|a| a.oid))
            .collect::<Result<Vec<_>, _>>()
            .map_err(malformed("digestAlgorithms"))?;

        let encap_content_info = EncapsulatedContentInfo::parse(
            r.expect(tag::SEQUENCE)
                .map_err(malformed("encapContentInfo"))?,
        )?;

        let certificates = match r.optional(tag::ctx_cons(0)).map_err(&m)? {
            Some(set) => {
                // Counted on the headers before any certificate is parsed.
                let count = Reader::new(set.value).count();
                if count > limits.max_certificates {
                    return Err(Error::TooManyEmbeddedCertificates {
                        count,
                        max: limits.max_certificates,
                    });
                }
                let received = received
                    .map(|ber| received_tbs(ber, limits.max_nesting_depth))
                    .transpose()
                    .map_err(malformed("certificates"))?;
                cert::parse_sequence(set.value, received.as_deref())
                    .map_err(malformed("certificates"))?
            }
            None => Vec::new(),
        };
        r.optional(tag::ctx_cons(1)).map_err(&m)?;
        let signer_set = r.expect(tag::SET).map_err(&m)?;
        r.finish().map_err(&m)?;

        let count = Reader::new(signer_set.value).count();
        if count > limits.max_signers {
            return Err(Error::TooManySigners {
                count,
                max: limits.max_signers,
            });
        }
        let signer_infos = signer_set
            .reader()
            .enumerate()
            .map(|(i, si)| {
                let si = si
                    .and_then(SignerInfo::parse)
                    .map_err(malformed("SignerInfo"))?;
                si.check_attributes_count(i + 1, limits.max_attributes)?;
                si.validate_attributes().map_err(malformed("SignerInfo"))?;
                Ok(si)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            digest_algorithms,
            encap_content_info,
            certificates,
            signer_infos,
        })
    }
}

impl<'a> SignerInfo<'a> {
    fn parse(tlv: Tlv<'a>) -> Result<Self, Asn1Error> {
        let mut r = tlv.expect(tag::SEQUENCE)?.reader();
        r.expect(tag::INTEGER)?;
        let sid = r.any()?;
        let sid = match sid.tag {
            tag::SEQUENCE => {
                let mut s = sid.reader();
                let issuer = crate::name::decodable(s.expect(tag::SEQUENCE)?.raw)?;
                let serial = s.expect(tag::INTEGER)?.value;
                s.finish()?;
                SignerId::IssuerSerial { issuer, serial }
            }
            t if t == tag::ctx_prim(0) => SignerId::SubjectKeyId(sid.value),
            found => {
                return Err(Asn1Error::UnexpectedTag {
                    expected: tag::SEQUENCE,
                    found,
                })
            }
        };
        let digest_algorithm = AlgorithmIdentifier::parse(r.any()?)?;
        let signed_attrs = r.optional(tag::ctx_cons(0))?;
        let signature_algorithm = AlgorithmIdentifier::parse(r.any()?)?;
        let signature = r.expect(tag::OCTET_STRING)?.value;
        let unsigned_attrs = r.optional(tag::ctx_cons(1))?;
        r.finish()?;
        Ok(Self {
            sid,
            digest_algorithm,
            signed_attrs,
            signature_algorithm,
            signature,
            unsigned_attrs,
        })
    }
}

impl SignerInfo<'_> {
    /// Refuses more than `max` attributes, counted on the headers alone.
    fn check_attributes_count(&self, signer: usize, max: usize) -> Result<()> {
        let count = [self.signed_attrs, self.unsigned_attrs]
            .iter()
            .flatten()
            .map(|set| Reader::new(set.value).count())
            .sum();
        if count > max {
            return Err(Error::TooManyAttributes { signer, count, max });
        }
        Ok(())
    }

    /// The structure of both attribute sets.
    fn validate_attributes(&self) -> Result<(), Asn1Error> {
        [self.signed_attrs, self.unsigned_attrs]
            .into_iter()
            .flatten()
            .try_for_each(validate_attributes)
    }
}

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

fn validate_attributes(set: Tlv<'_>) -> Result<(), Asn1Error> {
    for attr in set.reader() {
        let mut r = attr?.expect(tag::SEQUENCE)?.reader();
        r.expect(tag::OID)?;
        for value in r.expect(tag::SET)?.reader() {
            value?;
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
