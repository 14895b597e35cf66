//! cRLDistributionPoints (RFC 5280 section 4.2.1.13), checked as OpenSSL's
//! `setup_crldp()` checks it when it caches a certificate's extensions.
//!
//! cmsverify fetches no CRLs, so nothing of the extension is kept: it only
//! decides whether the certificate is valid at all. OpenSSL decodes
//! `CRLDistributionPoints ::= SEQUENCE OF DistributionPoint` (an empty list
//! included) and refuses a DistributionPoint that names neither a
//! distributionPoint nor a non-empty cRLIssuer (`setup_dp()`);
//! a nameRelativeToCRLIssuer is appended to the CRL issuer's name, which
//! must then encode.
//!
//! ```text
//! DistributionPoint ::= SEQUENCE {
//!     distributionPoint       [0]     DistributionPointName OPTIONAL,
//!     reasons                 [1]     ReasonFlags OPTIONAL,
//!     cRLIssuer               [2]     GeneralNames OPTIONAL }
//! DistributionPointName ::= CHOICE {
//!     fullName                [0]     GeneralNames,
//!     nameRelativeToCRLIssuer [1]     RelativeDistinguishedName }
//! ```

use super::{bit_string, general_names, Decoded, ExtensionProblem};
use crate::asn1::{self, tag, Tlv};
use crate::name;

/// Checks a `CRLDistributionPoints` SEQUENCE.
pub(super) fn check(points: Tlv<'_>) -> Decoded<()> {
    let mut r = points.reader();
    while !r.is_empty() {
        distribution_point(r.expect(tag::SEQUENCE)?)?;
    }
    Ok(())
}

fn distribution_point(point: Tlv<'_>) -> Decoded<()> {
    let mut r = point.reader();
    let name = r.optional(tag::ctx_cons(0))?;
    if let Some(name) = name {
        distribution_point_name(asn1::parse_one(name.value)?)?;
    }
    if let Some(reasons) = r.optional(tag::ctx_prim(1))? {
        bit_string(reasons)?;
    }
    let issuers = match r.optional(tag::ctx_cons(2))? {
        Some(names) => general_names(names.value)?.len(),
        None => 0,
    };
    r.finish()?;
    if name.is_none() && issuers == 0 {
        return Err(ExtensionProblem::EmptyDistributionPoint);
    }
    Ok(())
}

fn distribution_point_name(choice: Tlv<'_>) -> Decoded<()> {
    match choice.tag {
        t if t == tag::ctx_cons(0) => general_names(choice.value).map(drop),
        t if t == tag::ctx_cons(1) => {
            // SET OF AttributeTypeAndValue: decoded as the RDN of a Name.
            if choice.value.is_empty() {
                return Ok(());
            }
            let mut rdn = Vec::new();
            asn1::push_tlv(&mut rdn, tag::SET, choice.value);
            let mut rdn_name = Vec::new();
            asn1::push_tlv(&mut rdn_name, tag::SEQUENCE, &rdn);
            name::canonical(&rdn_name)?;
            Ok(())
        }
        _ => Err(ExtensionProblem::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_der(der: &[u8]) -> Decoded<()> {
        check(asn1::parse_one(der).unwrap())
    }

    #[test]
    fn full_names_issuers_and_relative_names_decode() {
        // { { [0] { [0] { URI "u" } } } }
        assert_eq!(
            check_der(&[0x30, 0x09, 0x30, 0x07, 0xA0, 0x05, 0xA0, 0x03, 0x86, 0x01, b'u']),
            Ok(())
        );
        // { { [2] { [4] { SEQUENCE {} } } } }: a cRLIssuer alone.
        assert_eq!(
            check_der(&[0x30, 0x08, 0x30, 0x06, 0xA2, 0x04, 0xA4, 0x02, 0x30, 0x00]),
            Ok(())
        );
        // { { [0] { [1] { SEQUENCE { OID 2.5.4.3, UTF8String "c" } } } } }
        let relative = [
            0x30, 0x10, 0x30, 0x0E, 0xA0, 0x0C, 0xA1, 0x0A, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04,
            0x03, 0x0C, 0x01, b'c',
        ];
        assert_eq!(check_der(&relative), Ok(()));
        // The same with an INTEGER where the attribute type belongs.
        let mut bad = relative;
        bad[10] = 0x02;
        assert_eq!(check_der(&bad), Err(ExtensionProblem::Malformed));
        // An empty list is accepted, as OpenSSL accepts it.
        assert_eq!(check_der(&[0x30, 0x00]), Ok(()));
    }

    #[test]
    fn a_point_without_name_or_issuer_is_refused() {
        assert_eq!(
            check_der(&[0x30, 0x02, 0x30, 0x00]),
            Err(ExtensionProblem::EmptyDistributionPoint)
        );
        // An empty cRLIssuer does not count.
        assert_eq!(
            check_der(&[0x30, 0x04, 0x30, 0x02, 0xA2, 0x00]),
            Err(ExtensionProblem::EmptyDistributionPoint)
        );
        // A DistributionPoint that is not a SEQUENCE.
        assert_eq!(
            check_der(&[0x30, 0x03, 0x02, 0x01, 0x01]),
            Err(ExtensionProblem::Malformed)
        );
    }
}
