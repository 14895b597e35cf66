//! What a certificate received in BER keeps of its received encoding.
//!
//! OpenSSL decodes a certificate once and keeps what it received where its
//! templates keep raw bytes: the TBSCertificate (`ASN1_SEQUENCE_enc`), whose
//! received encoding the signature is checked over, and ANY values of type
//! SEQUENCE, SET or a non-universal tag (`asn1_d2i_ex_primitive()` stores the
//! whole TLV), such as RSASSA-PSS parameters. `X509_verify()` compares the
//! outer signatureAlgorithm with the one inside TBSCertificate
//! (`X509_ALGOR_cmp()`, `ASN1_TYPE_cmp()`), so parameters of those types must
//! be equal as received, not only once normalised to DER.

use crate::asn1::{tag, Asn1Error};
use crate::ber::Element;

/// The received parts of a certificate whose BER differed from its DER.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Received {
    /// The TBSCertificate as received.
    pub(super) tbs: Box<[u8]>,
    /// The outer signatureAlgorithm's parameters as received.
    outer_params: Option<Box<[u8]>>,
    /// The TBSCertificate's signature algorithm parameters as received.
    inner_params: Option<Box<[u8]>>,
}

impl Received {
    /// Reads the received certificate `ber` (one whole element).
    pub(super) fn parse(ber: &[u8], max_depth: usize) -> Result<Self, Asn1Error> {
        let parts = Element::first(ber, max_depth)?.children(max_depth)?;
        let [tbs, outer, ..] = parts.as_slice() else {
            return Err(Asn1Error::BadValue);
        };
        let fields = tbs.children(max_depth)?;
        // [0] version is optional; then serialNumber, then signature.
        let has_version = fields.first().is_some_and(|f| f.tag == tag::ctx_cons(0));
        let inner = fields
            .get(usize::from(has_version) + 1)
            .ok_or(Asn1Error::BadValue)?;
        let params = |alg: &Element<'_>| -> Result<Option<Box<[u8]>>, Asn1Error> {
            Ok(alg.children(max_depth)?.get(1).map(|p| p.raw.into()))
        };
        Ok(Self {
            tbs: tbs.raw.into(),
            outer_params: params(outer)?,
            inner_params: params(inner)?,
        })
    }

    /// Whether the two signature algorithms' parameters, where OpenSSL keeps
    /// them as received, are equal as received (the DER forms are compared
    /// by the caller).
    pub(super) fn parameters_agree(&self) -> bool {
        let kept_raw = |p: &Option<Box<[u8]>>| {
            p.as_deref()
                .and_then(|p| p.first())
                .is_some_and(|&t| t == tag::SEQUENCE || t == tag::SET || t & 0xC0 != 0)
        };
        if kept_raw(&self.outer_params) || kept_raw(&self.inner_params) {
            self.outer_params == self.inner_params
        } else {
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn received(outer: &[u8], inner: &[u8]) -> Received {
        Received {
            tbs: Box::default(),
            outer_params: Some(outer.into()),
            inner_params: Some(inner.into()),
        }
    }

    #[test]
    fn sequences_sets_and_tagged_values_compare_as_received() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x05];
        let long = [0x30, 0x81, 0x03, 0x02, 0x01, 0x05];
        assert!(received(&der, &der).parameters_agree());
        assert!(!received(&long, &der).parameters_agree());
        assert!(!received(&der, &long).parameters_agree());
        assert!(!received(&[0x31, 0x80, 0, 0], &[0x31, 0x00]).parameters_agree());
        assert!(!received(&[0xA0, 0x81, 0x00], &[0xA0, 0x00]).parameters_agree());
        // Universal primitive types are compared by value (their DER).
        assert!(received(&[0x05, 0x81, 0x00], &[0x05, 0x00]).parameters_agree());
    }
}
