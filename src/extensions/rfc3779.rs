//! RFC 3779 ipAddrBlocks and ASIdentifiers, decoded as OpenSSL decodes them
//! when it caches a certificate's extensions (`X509_get_ext_d2i()` with the
//! `IPAddrBlocks` and `ASIdentifiers` templates of `v3_addr.c` and
//! `v3_asid.c`): a value that does not decode, or a second copy of either
//! extension, makes the certificate invalid.
//!
//! Nothing else is checked at that point: the canonical form
//! (`X509v3_addr_is_canonical()`, `X509v3_asid_is_canonical()`) and the
//! nesting of a certificate's resources in its issuers' are checked by
//! `X509v3_addr_validate_path()` and `X509v3_asid_validate_path()`, and only
//! when the signer itself carries resources. cmsverify keeps only how many
//! resource sets a certificate claims; a signer that claims any is refused
//! (see [`crate::trust::policy`]): Keystone signers carry none, and a
//! partial reimplementation of RFC 3779 path validation would risk
//! accepting what OpenSSL refuses. No crate decodes these extensions with
//! OpenSSL's exact leniency, and the decoding below is a linear walk that
//! allocates nothing, so thousands of address blocks cost little.
//!
//! ```text
//! IPAddrBlocks ::= SEQUENCE OF IPAddressFamily
//! IPAddressFamily ::= SEQUENCE { addressFamily OCTET STRING, ipAddressChoice IPAddressChoice }
//! IPAddressChoice ::= CHOICE { inherit NULL, addressesOrRanges SEQUENCE OF IPAddressOrRange }
//! IPAddressOrRange ::= CHOICE { addressPrefix BIT STRING, addressRange SEQUENCE { min BIT STRING, max BIT STRING } }
//! ASIdentifiers ::= SEQUENCE { asnum [0] EXPLICIT ASIdentifierChoice OPTIONAL,
//!                              rdi [1] EXPLICIT ASIdentifierChoice OPTIONAL }
//! ASIdentifierChoice ::= CHOICE { inherit NULL, asIdsOrRanges SEQUENCE OF ASIdOrRange }
//! ASIdOrRange ::= CHOICE { id INTEGER, range SEQUENCE { min INTEGER, max INTEGER } }
//! ```

use super::{Decoded, ExtensionProblem};
use crate::asn1::{self, tag, Reader, Tlv};

/// The RFC 3779 resource sets a certificate claims.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Resources {
    /// IPAddressFamily entries of ipAddrBlocks.
    pub ip_families: usize,
    /// ASIdentifierChoices of ASIdentifiers (asnum, rdi).
    pub as_choices: usize,
}

impl Resources {
    /// Whether OpenSSL would validate the resources along the path: an
    /// empty ipAddrBlocks or ASIdentifiers claims nothing and passes.
    pub(crate) fn any(&self) -> bool {
        self.ip_families > 0 || self.as_choices > 0
    }
}

/// `NULL`: OpenSSL refuses content (`ASN1_R_NULL_IS_WRONG_LENGTH`).
fn null(tlv: Tlv<'_>) -> Decoded<()> {
    if tlv.tag == tag::NULL && tlv.value.is_empty() {
        Ok(())
    } else {
        Err(ExtensionProblem::Malformed)
    }
}

/// A BIT STRING as `c2i_ASN1_BIT_STRING()` takes it: an unused-bits octet
/// of at most 7.
fn bit_string(tlv: Tlv<'_>) -> Decoded<()> {
    match tlv.value.first() {
        Some(&unused) if tlv.tag == tag::BIT_STRING && unused <= 7 => Ok(()),
        _ => Err(ExtensionProblem::Malformed),
    }
}

/// Decodes ipAddrBlocks; returns the number of address families.
pub(super) fn ip_addr_blocks(blocks: Tlv<'_>) -> Decoded<usize> {
    let mut families = 0usize;
    let mut r = blocks.reader();
    while !r.is_empty() {
        let mut family = r.expect(tag::SEQUENCE)?.reader();
        family.expect(tag::OCTET_STRING)?;
        let choice = family.any()?;
        family.finish()?;
        if choice.tag == tag::SEQUENCE {
            for item in Reader::new(choice.value) {
                let item = item?;
                if item.tag == tag::SEQUENCE {
                    let mut range = item.reader();
                    bit_string(range.any()?)?;
                    bit_string(range.any()?)?;
                    range.finish()?;
                } else {
                    bit_string(item)?;
                }
            }
        } else {
            null(choice)?;
        }
        families += 1;
    }
    Ok(families)
}

/// Decodes ASIdentifiers; returns how many of asnum and rdi are present.
pub(super) fn as_identifiers(ids: Tlv<'_>) -> Decoded<usize> {
    let mut r = ids.reader();
    let mut choices = 0usize;
    for explicit in [tag::ctx_cons(0), tag::ctx_cons(1)] {
        if let Some(choice) = r.optional(explicit)? {
            as_choice(asn1::parse_one(choice.value)?)?;
            choices += 1;
        }
    }
    r.finish()?;
    Ok(choices)
}

fn as_choice(choice: Tlv<'_>) -> Decoded<()> {
    if choice.tag != tag::SEQUENCE {
        return null(choice);
    }
    let mut r = choice.reader();
    while !r.is_empty() {
        if r.peek_tag() == Some(tag::SEQUENCE) {
            let mut range = r.expect(tag::SEQUENCE)?.reader();
            range.expect(tag::INTEGER)?;
            range.expect(tag::INTEGER)?;
            range.finish()?;
        } else {
            r.expect(tag::INTEGER)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(der: &[u8]) -> Decoded<usize> {
        ip_addr_blocks(asn1::parse_one(der).unwrap())
    }

    fn asids(der: &[u8]) -> Decoded<usize> {
        as_identifiers(asn1::parse_one(der).unwrap())
    }

    #[test]
    fn address_blocks_decode_without_canonical_checks() {
        // { { 00 01, { 10/8, range { 11/8, 12/8 } } } }: not checked for order.
        let der = [
            0x30, 0x16, 0x30, 0x14, 0x04, 0x02, 0x00, 0x01, 0x30, 0x0E, 0x03, 0x02, 0x00, 0x0B,
            0x30, 0x08, 0x03, 0x02, 0x00, 0x0A, 0x03, 0x02, 0x00, 0x0C,
        ];
        assert_eq!(blocks(&der), Ok(1));
        // inherit, and an empty list.
        assert_eq!(
            blocks(&[0x30, 0x08, 0x30, 0x06, 0x04, 0x02, 0x00, 0x02, 0x05, 0x00]),
            Ok(1)
        );
        assert_eq!(blocks(&[0x30, 0x00]), Ok(0));
    }

    #[test]
    fn malformed_address_blocks_are_refused() {
        // NULL with content.
        assert_eq!(
            blocks(&[0x30, 0x09, 0x30, 0x07, 0x04, 0x02, 0x00, 0x01, 0x05, 0x01, 0x00]),
            Err(ExtensionProblem::Malformed)
        );
        // addressFamily as an INTEGER.
        assert_eq!(
            blocks(&[0x30, 0x07, 0x30, 0x05, 0x02, 0x01, 0x01, 0x30, 0x00]),
            Err(ExtensionProblem::Malformed)
        );
        // A BIT STRING with 8 unused bits.
        assert_eq!(
            blocks(&[
                0x30, 0x0C, 0x30, 0x0A, 0x04, 0x02, 0x00, 0x01, 0x30, 0x04, 0x03, 0x02, 0x08, 0x0A
            ]),
            Err(ExtensionProblem::Malformed)
        );
    }

    #[test]
    fn as_identifiers_decode() {
        // { [0] { 64496 }, [1] inherit }
        assert_eq!(
            asids(&[
                0x30, 0x0D, 0xA0, 0x07, 0x30, 0x05, 0x02, 0x03, 0x00, 0xFB, 0xF0, 0xA1, 0x02, 0x05,
                0x00
            ]),
            Ok(2)
        );
        assert_eq!(asids(&[0x30, 0x00]), Ok(0));
        // A non-minimal INTEGER, and a range with one bound.
        assert_eq!(
            asids(&[0x30, 0x08, 0xA0, 0x06, 0x30, 0x04, 0x02, 0x02, 0x00, 0x01]),
            Err(ExtensionProblem::Malformed)
        );
        assert_eq!(
            asids(&[0x30, 0x09, 0xA0, 0x07, 0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x01]),
            Err(ExtensionProblem::Malformed)
        );
    }
}
