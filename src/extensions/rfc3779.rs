//! RFC 3779 ipAddrBlocks and ASIdentifiers, decoded as OpenSSL decodes them
//! when it caches a certificate's extensions (`X509_get_ext_d2i()` with the
//! `IPAddrBlocks` and `ASIdentifiers` templates of `v3_addr.c` and
//! `v3_asid.c`): a value that does not decode, or a second copy of either
//! extension, makes the certificate invalid.
//!
//! Nothing else is checked at that point: the canonical form and the nesting
//! of a certificate's resources in its issuers' are path checks
//! ([`crate::trust::rfc3779`], OpenSSL's `X509v3_addr_validate_path()` and
//! `X509v3_asid_validate_path()`). The value's DER is kept and decoded again
//! by those checks into the borrowed structures below. No crate decodes
//! these extensions with OpenSSL's exact leniency (BIT STRINGs of any length,
//! INTEGERs of any size and sign); decoding is one linear walk.
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

/// The RFC 3779 extensions of a certificate, as the DER of their values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Resources {
    ip: Option<Box<[u8]>>,
    asid: Option<Box<[u8]>>,
}

impl Resources {
    /// Decodes and keeps an ipAddrBlocks value.
    pub(super) fn set_ip(&mut self, value: Tlv<'_>) -> Decoded<()> {
        ip_addr_blocks(value)?;
        self.ip = Some(value.raw.into());
        Ok(())
    }

    /// Decodes and keeps an ASIdentifiers value.
    pub(super) fn set_asid(&mut self, value: Tlv<'_>) -> Decoded<()> {
        as_identifiers(value)?;
        self.asid = Some(value.raw.into());
        Ok(())
    }

    /// Whether the certificate has ipAddrBlocks or ASIdentifiers.
    pub(crate) fn is_present(&self) -> bool {
        self.ip.is_some() || self.asid.is_some()
    }

    /// The DER size of both extension values: what checking them reads.
    pub(crate) fn encoded_len(&self) -> usize {
        [&self.ip, &self.asid]
            .into_iter()
            .flatten()
            .map(|v| v.len())
            .sum()
    }

    /// The address families, when the certificate has ipAddrBlocks.
    pub(crate) fn ip(&self) -> Option<Decoded<Vec<IpFamily<'_>>>> {
        let raw = self.ip.as_deref()?;
        Some(
            asn1::parse_one(raw)
                .map_err(ExtensionProblem::from)
                .and_then(ip_addr_blocks),
        )
    }

    /// The AS identifiers, when the certificate has ASIdentifiers.
    pub(crate) fn asid(&self) -> Option<Decoded<AsIdentifiers<'_>>> {
        let raw = self.asid.as_deref()?;
        Some(
            asn1::parse_one(raw)
                .map_err(ExtensionProblem::from)
                .and_then(as_identifiers),
        )
    }
}

/// A BIT STRING: content octets (unused bits not yet cleared) and the
/// number of unused bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bits<'a> {
    pub bytes: &'a [u8],
    pub unused: u8,
}

/// `IPAddressOrRange`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IpAddressOrRange<'a> {
    Prefix(Bits<'a>),
    Range(Bits<'a>, Bits<'a>),
}

/// `IPAddressFamily`; `ranges` is `None` for inherit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IpFamily<'a> {
    pub address_family: &'a [u8],
    pub ranges: Option<Vec<IpAddressOrRange<'a>>>,
}

/// `ASIdOrRange`: INTEGER content octets (minimal two's complement).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AsIdOrRange<'a> {
    Id(&'a [u8]),
    Range(&'a [u8], &'a [u8]),
}

/// `ASIdentifierChoice`; `None` for inherit.
pub(crate) type AsChoice<'a> = Option<Vec<AsIdOrRange<'a>>>;

/// `ASIdentifiers`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AsIdentifiers<'a> {
    pub asnum: Option<AsChoice<'a>>,
    pub rdi: Option<AsChoice<'a>>,
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
fn bits(tlv: Tlv<'_>) -> Decoded<Bits<'_>> {
    match tlv.value.split_first() {
        Some((&unused, bytes)) if tlv.tag == tag::BIT_STRING && unused <= 7 => {
            Ok(Bits { bytes, unused })
        }
        _ => Err(ExtensionProblem::Malformed),
    }
}

/// Decodes ipAddrBlocks.
fn ip_addr_blocks(blocks: Tlv<'_>) -> Decoded<Vec<IpFamily<'_>>> {
    let mut families = Vec::new();
    let mut r = blocks.reader();
    while !r.is_empty() {
        let mut family = r.expect(tag::SEQUENCE)?.reader();
        let address_family = family.expect(tag::OCTET_STRING)?.value;
        let choice = family.any()?;
        family.finish()?;
        let ranges = if choice.tag == tag::SEQUENCE {
            let mut ranges = Vec::new();
            for item in Reader::new(choice.value) {
                let item = item?;
                ranges.push(if item.tag == tag::SEQUENCE {
                    let mut range = item.reader();
                    let min = bits(range.any()?)?;
                    let max = bits(range.any()?)?;
                    range.finish()?;
                    IpAddressOrRange::Range(min, max)
                } else {
                    IpAddressOrRange::Prefix(bits(item)?)
                });
            }
            Some(ranges)
        } else {
            null(choice)?;
            None
        };
        families.push(IpFamily {
            address_family,
            ranges,
        });
    }
    Ok(families)
}

/// Decodes ASIdentifiers.
fn as_identifiers(ids: Tlv<'_>) -> Decoded<AsIdentifiers<'_>> {
    let mut r = ids.reader();
    let mut out = AsIdentifiers::default();
    if let Some(choice) = r.optional(tag::ctx_cons(0))? {
        out.asnum = Some(as_choice(asn1::parse_one(choice.value)?)?);
    }
    if let Some(choice) = r.optional(tag::ctx_cons(1))? {
        out.rdi = Some(as_choice(asn1::parse_one(choice.value)?)?);
    }
    r.finish()?;
    Ok(out)
}

fn as_choice(choice: Tlv<'_>) -> Decoded<AsChoice<'_>> {
    if choice.tag != tag::SEQUENCE {
        return null(choice).map(|()| None);
    }
    let mut r = choice.reader();
    let mut list = Vec::new();
    while !r.is_empty() {
        list.push(if r.peek_tag() == Some(tag::SEQUENCE) {
            let mut range = r.expect(tag::SEQUENCE)?.reader();
            let min = range.expect(tag::INTEGER)?.value;
            let max = range.expect(tag::INTEGER)?.value;
            range.finish()?;
            AsIdOrRange::Range(min, max)
        } else {
            AsIdOrRange::Id(r.expect(tag::INTEGER)?.value)
        });
    }
    Ok(Some(list))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(der: &[u8]) -> Decoded<usize> {
        ip_addr_blocks(asn1::parse_one(der).unwrap()).map(|f| f.len())
    }

    fn asids(der: &[u8]) -> Decoded<usize> {
        as_identifiers(asn1::parse_one(der).unwrap())
            .map(|a| usize::from(a.asnum.is_some()) + usize::from(a.rdi.is_some()))
    }

    #[test]
    fn address_blocks_decode_without_canonical_checks() {
        // { { 00 01, { 11/8, range { 10/8, 12/8 } } } }: not checked for order.
        let der = [
            0x30, 0x16, 0x30, 0x14, 0x04, 0x02, 0x00, 0x01, 0x30, 0x0E, 0x03, 0x02, 0x00, 0x0B,
            0x30, 0x08, 0x03, 0x02, 0x00, 0x0A, 0x03, 0x02, 0x00, 0x0C,
        ];
        let families = ip_addr_blocks(asn1::parse_one(&der).unwrap()).unwrap();
        let ranges = families[0].ranges.as_ref().unwrap();
        assert_eq!(ranges.len(), 2);
        assert!(matches!(ranges[1], IpAddressOrRange::Range(..)));
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
