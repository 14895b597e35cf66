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
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::oid;

mod attributes;

use attributes::validate_attributes;
pub(crate) use attributes::{check_attributes, reencoded_signed_attributes};

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

/// Each certificate (SEQUENCE) in the `certificates` field of a BER
/// ContentInfo, as received, in order. The walk goes down
/// one branch (ContentInfo, SignedData, certificates, each certificate), so
/// it costs a few passes over the input at most.
fn received_certificates(
    ber: &[u8],
    max_depth: usize,
) -> std::result::Result<Vec<&[u8]>, Asn1Error> {
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
        .map(|c| Ok(c.raw))
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
                    .map(|ber| received_certificates(ber, limits.max_nesting_depth))
                    .transpose()
                    .map_err(malformed("certificates"))?;
                cert::parse_sequence(set.value, received.as_deref(), limits.max_nesting_depth)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(pem: &[u8]) -> Certificate {
        let block = crate::pem::blocks(pem).next().unwrap();
        Certificate::from_der(&block.body.unwrap()).unwrap()
    }

    #[test]
    fn issuer_and_serial_must_both_match() {
        let signer = cert(include_bytes!("../../tests/data/keystone/signing_cert.pem"));
        let other = cert(include_bytes!("../../tests/data/pki/intermediate.pem"));
        assert_ne!(signer.issuer_der(), other.issuer_der());
        let sid = |issuer, serial| SignerId::IssuerSerial { issuer, serial };
        let own = sid(signer.issuer_der(), signer.serial_bytes());
        assert!(own.matches(&signer, None));
        // The signer's serial under another issuer name: not the signer, by
        // bytes or canonically.
        let wrong_issuer = sid(other.issuer_der(), signer.serial_bytes());
        let canonical = crate::name::canonical(other.issuer_der()).unwrap();
        assert!(!wrong_issuer.matches(&signer, None));
        assert!(!wrong_issuer.matches(&signer, Some(&canonical)));
        // The right issuer with another serial.
        assert!(!sid(signer.issuer_der(), other.serial_bytes()).matches(&signer, None));
        // An issuer encoded differently matches through its canonical form
        // only (OpenSSL's X509_NAME_cmp).
        let own_canonical = crate::name::canonical(signer.issuer_der()).unwrap();
        let reencoded = sid(other.issuer_der(), signer.serial_bytes());
        assert!(reencoded.matches(&signer, Some(&own_canonical)));
    }

    fn limits_with(set: impl FnOnce(&mut Limits)) -> Limits {
        let mut limits = Limits::default();
        set(&mut limits);
        limits
    }

    #[test]
    fn counts_are_refused_above_the_limit_not_at_it() {
        use cmsverify_attacks as attacks;
        let sid = attacks::Sid::default();
        let generous = limits_with(|l| {
            l.max_certificates = 1000;
            l.max_signers = 1000;
            l.max_attributes = 1000;
        });
        // Certificates.
        let der = attacks::many_certificates(&sid, 5);
        let n = SignedData::parse(&der, None, &generous)
            .unwrap()
            .certificates
            .len();
        assert!(SignedData::parse(&der, None, &limits_with(|l| l.max_certificates = n)).is_ok());
        let err = SignedData::parse(&der, None, &limits_with(|l| l.max_certificates = n - 1));
        assert!(
            matches!(err, Err(Error::TooManyEmbeddedCertificates { count, max }) if count == n && max == n - 1)
        );
        // SignerInfos.
        let der = attacks::many_signer_infos(&sid, 4);
        let n = SignedData::parse(&der, None, &generous)
            .unwrap()
            .signer_infos
            .len();
        assert!(SignedData::parse(&der, None, &limits_with(|l| l.max_signers = n)).is_ok());
        let err = SignedData::parse(&der, None, &limits_with(|l| l.max_signers = n - 1));
        assert!(
            matches!(err, Err(Error::TooManySigners { count, max }) if count == n && max == n - 1)
        );
        // Attributes of one SignerInfo, counted signed and unsigned together.
        let der = attacks::many_signed_attributes(&sid, 6);
        let sd = SignedData::parse(&der, None, &generous).unwrap();
        let si = sd.signer_infos.first().unwrap();
        let n: usize = [si.signed_attrs, si.unsigned_attrs]
            .iter()
            .flatten()
            .map(|set| Reader::new(set.value).count())
            .sum();
        assert!(n >= 6);
        assert!(SignedData::parse(&der, None, &limits_with(|l| l.max_attributes = n)).is_ok());
        let err = SignedData::parse(&der, None, &limits_with(|l| l.max_attributes = n - 1));
        assert!(
            matches!(err, Err(Error::TooManyAttributes { signer: 1, count, max }) if count == n && max == n - 1)
        );
    }

    #[test]
    fn a_sid_is_issuer_and_serial_or_a_key_identifier_in_0() {
        let mut ski = Vec::new();
        asn1::push_tlv(&mut ski, tag::ctx_prim(0), &[1, 2, 3]);
        let der = signer_info(&ski, None);
        let parsed = SignerInfo::parse(asn1::parse_one(&der).unwrap());
        assert!(matches!(
            parsed,
            Ok(SignerInfo {
                sid: SignerId::SubjectKeyId([1, 2, 3]),
                ..
            })
        ));
        let mut other = Vec::new();
        asn1::push_tlv(&mut other, tag::ctx_prim(1), &[1, 2, 3]);
        assert!(SignerInfo::parse(asn1::parse_one(&signer_info(&other, None)).unwrap()).is_err());
    }

    #[test]
    fn attributes_must_be_sequences_of_an_oid_and_a_set() {
        let mut ski = Vec::new();
        asn1::push_tlv(&mut ski, tag::ctx_prim(0), &[1]);
        let mut not_a_sequence = Vec::new();
        asn1::push_tlv(&mut not_a_sequence, tag::INTEGER, &[1]);
        let der = signer_info(&ski, Some(&not_a_sequence));
        let si = SignerInfo::parse(asn1::parse_one(&der).unwrap()).unwrap();
        assert!(si.validate_attributes().is_err());
        let der = signer_info(&ski, Some(&[]));
        let si = SignerInfo::parse(asn1::parse_one(&der).unwrap()).unwrap();
        assert!(si.validate_attributes().is_ok());
    }

    /// A minimal SignerInfo with the given sid element and, when given,
    /// signed attributes of the given content.
    fn signer_info(sid: &[u8], signed_attrs: Option<&[u8]>) -> Vec<u8> {
        let mut alg = Vec::new();
        asn1::push_tlv(&mut alg, tag::OID, oid::SHA256.as_bytes());
        let mut digest_alg = Vec::new();
        asn1::push_tlv(&mut digest_alg, tag::SEQUENCE, &alg);
        let mut body = Vec::new();
        asn1::push_tlv(&mut body, tag::INTEGER, &[3]);
        body.extend_from_slice(sid);
        body.extend_from_slice(&digest_alg);
        if let Some(attrs) = signed_attrs {
            asn1::push_tlv(&mut body, tag::ctx_cons(0), attrs);
        }
        body.extend_from_slice(&digest_alg);
        asn1::push_tlv(&mut body, tag::OCTET_STRING, &[0; 4]);
        let mut out = Vec::new();
        asn1::push_tlv(&mut out, tag::SEQUENCE, &body);
        out
    }
}
