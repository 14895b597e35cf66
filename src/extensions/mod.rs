//! Certificate extensions, decoded once per certificate the way OpenSSL's
//! `ossl_x509v3_cache_extensions()` does: values that do not decode (or
//! duplicates of the extensions OpenSSL caches) mark the certificate invalid;
//! critical extensions OpenSSL does not know are remembered.
//!
//! Like OpenSSL's `X509V3_EXT_d2i()`, a value is the first element of the
//! extension's OCTET STRING: bytes after it are ignored.

mod crl_dp;
mod rfc3779;
#[cfg(test)]
mod tests;

use crate::asn1::{self, tag, Asn1Error, Reader, Tlv};
use crate::error::ExtensionProblem;
use crate::name;
use crate::oid;
pub(crate) use rfc3779::{
    AsChoice, AsIdOrRange, AsIdentifiers, Bits, IpAddressOrRange, IpFamily, Resources,
};

/// keyUsage bits in OpenSSL's `ex_kusage` layout.
pub(crate) mod ku {
    pub(crate) const DIGITAL_SIGNATURE: u16 = 0x0080;
    pub(crate) const NON_REPUDIATION: u16 = 0x0040;
    pub(crate) const KEY_ENCIPHERMENT: u16 = 0x0020;
    pub(crate) const DATA_ENCIPHERMENT: u16 = 0x0010;
    pub(crate) const KEY_AGREEMENT: u16 = 0x0008;
    pub(crate) const KEY_CERT_SIGN: u16 = 0x0004;
    pub(crate) const CRL_SIGN: u16 = 0x0002;
    pub(crate) const ENCIPHER_ONLY: u16 = 0x0001;
    pub(crate) const DECIPHER_ONLY: u16 = 0x8000;
    /// Every bit with its RFC 5280 name, in bit order.
    pub(crate) const NAMES: [(u16, &str); 9] = [
        (DIGITAL_SIGNATURE, "digitalSignature"),
        (NON_REPUDIATION, "nonRepudiation"),
        (KEY_ENCIPHERMENT, "keyEncipherment"),
        (DATA_ENCIPHERMENT, "dataEncipherment"),
        (KEY_AGREEMENT, "keyAgreement"),
        (KEY_CERT_SIGN, "keyCertSign"),
        (CRL_SIGN, "cRLSign"),
        (ENCIPHER_ONLY, "encipherOnly"),
        (DECIPHER_ONLY, "decipherOnly"),
    ];
}

/// Netscape cert type bits.
pub(crate) mod ns {
    pub(crate) const SSL_CLIENT: u8 = 0x80;
    pub(crate) const SSL_SERVER: u8 = 0x40;
    pub(crate) const SMIME: u8 = 0x20;
    pub(crate) const OBJSIGN: u8 = 0x10;
    pub(crate) const SSL_CA: u8 = 0x04;
    pub(crate) const SMIME_CA: u8 = 0x02;
    pub(crate) const OBJSIGN_CA: u8 = 0x01;
    pub(crate) const ANY_CA: u8 = SSL_CA | SMIME_CA | OBJSIGN_CA;
    /// Every bit with its name, in bit order.
    pub(crate) const NAMES: [(u8, &str); 7] = [
        (SSL_CLIENT, "SSL client"),
        (SSL_SERVER, "SSL server"),
        (SMIME, "S/MIME"),
        (OBJSIGN, "object signing"),
        (SSL_CA, "SSL CA"),
        (SMIME_CA, "S/MIME CA"),
        (OBJSIGN_CA, "object signing CA"),
    ];
}

/// `BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BasicConstraints {
    pub ca: bool,
    pub path_len: Option<u64>,
}

/// `AuthorityKeyIdentifier` (RFC 5280 section 4.2.1.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AuthorityKeyId {
    pub key_id: Option<Vec<u8>>,
    /// Canonical form of the first directoryName of authorityCertIssuer.
    pub issuer: Option<Vec<u8>>,
    /// authorityCertSerialNumber content octets.
    pub serial: Option<Vec<u8>>,
}

/// The `GeneralName` forms name constraints are applied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GeneralName {
    /// An e-mail address, as bytes: OpenSSL does not check that an
    /// IA5String is ASCII, and a subject's emailAddress may hold any.
    Rfc822(Vec<u8>),
    /// A DNS name, as bytes (an IA5String, not checked to be ASCII).
    Dns(Vec<u8>),
    /// An otherName SmtpUTF8Mailbox (RFC 9598): an e-mail address, matched
    /// against rfc822Name constraints (OpenSSL's `nc_email_eai()`).
    SmtpUtf8Mailbox {
        /// Whether the value is a UTF8String, the only type OpenSSL compares.
        utf8: bool,
        /// The value's content octets.
        value: Vec<u8>,
    },
    /// Canonical encoding (see [`name::canonical`]) and display form.
    Directory { canonical: Vec<u8>, display: String },
    /// Any other form, by its ASN.1 name.
    Other(&'static str),
}

impl GeneralName {
    /// The bytes a comparison of this name may read.
    pub(crate) fn byte_len(&self) -> usize {
        match self {
            Self::Rfc822(v) | Self::Dns(v) | Self::SmtpUtf8Mailbox { value: v, .. } => v.len(),
            Self::Directory { canonical, .. } => canonical.len(),
            Self::Other(_) => 0,
        }
    }
}

/// `NameConstraints` (RFC 5280 section 4.2.1.10).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NameConstraints {
    pub permitted: Vec<GeneralName>,
    pub excluded: Vec<GeneralName>,
}

/// An extension that makes the certificate unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidExtension {
    /// The extension's OID, readable.
    pub extension: String,
    /// What is wrong with it.
    pub problem: ExtensionProblem,
}

/// The extensions verification looks at.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extensions {
    pub basic_constraints: Option<BasicConstraints>,
    pub key_usage: Option<u16>,
    /// The EKU OIDs (content bytes), when the extension is present.
    pub ext_key_usage: Option<Vec<Vec<u8>>>,
    pub ns_cert_type: Option<u8>,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<AuthorityKeyId>,
    pub subject_alt_names: Vec<GeneralName>,
    pub name_constraints: Option<NameConstraints>,
    /// The first critical extension OpenSSL does not handle.
    pub unhandled_critical: Option<String>,
    pub invalid: Option<InvalidExtension>,
    pub proxy_cert_info: bool,
    /// RFC 3779 IP address and AS number resources, when present.
    pub resources: Resources,
}

/// Extensions OpenSSL 3.0 handles when critical (`X509_supported_extension()`).
const SUPPORTED: [&const_oid::ObjectIdentifier; 15] = [
    &oid::NETSCAPE_CERT_TYPE,
    &oid::KEY_USAGE,
    &oid::SUBJECT_ALT_NAME,
    &oid::BASIC_CONSTRAINTS,
    &oid::CERTIFICATE_POLICIES,
    &oid::CRL_DISTRIBUTION_POINTS,
    &oid::EXT_KEY_USAGE,
    &oid::IP_ADDR_BLOCKS,
    &oid::AS_IDENTIFIERS,
    &oid::OCSP_NOCHECK,
    &oid::POLICY_CONSTRAINTS,
    &oid::PROXY_CERT_INFO,
    &oid::NAME_CONSTRAINTS,
    &oid::POLICY_MAPPINGS,
    &oid::INHIBIT_ANY_POLICY,
];

/// Extensions OpenSSL decodes and caches (with `X509_get_ext_d2i()`):
/// duplicates or decode failures invalidate.
const CACHED: [&const_oid::ObjectIdentifier; 12] = [
    &oid::BASIC_CONSTRAINTS,
    &oid::KEY_USAGE,
    &oid::EXT_KEY_USAGE,
    &oid::NETSCAPE_CERT_TYPE,
    &oid::SUBJECT_KEY_ID,
    &oid::AUTHORITY_KEY_ID,
    &oid::SUBJECT_ALT_NAME,
    &oid::NAME_CONSTRAINTS,
    &oid::PROXY_CERT_INFO,
    &oid::CRL_DISTRIBUTION_POINTS,
    &oid::IP_ADDR_BLOCKS,
    &oid::AS_IDENTIFIERS,
];

type Decoded<T> = Result<T, ExtensionProblem>;

/// Nesting allowed inside an extension value (OpenSSL's decoder stops at
/// `ASN1_MAX_CONSTRUCTED_NEST`, 30).
const VALUE_NESTING: usize = 30;

/// Any structural error in a value is [`ExtensionProblem::Malformed`].
impl From<Asn1Error> for ExtensionProblem {
    fn from(_: Asn1Error) -> Self {
        Self::Malformed
    }
}

impl Extensions {
    /// Parses `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension`.
    ///
    /// # Errors
    /// Only structural errors (the list itself, an Extension's fields); a value
    /// that does not decode sets [`Extensions::invalid`] instead.
    pub(crate) fn parse(list: Tlv<'_>) -> Result<Self, Asn1Error> {
        let mut out = Self::default();
        let mut seen: Vec<&[u8]> = Vec::new();
        for ext in list.expect(tag::SEQUENCE)?.reader() {
            let mut r = ext?.expect(tag::SEQUENCE)?.reader();
            let id = r.expect(tag::OID)?.value;
            let critical = match r.optional(tag::BOOLEAN)? {
                Some(b) => b.value.first().is_some_and(|&v| v != 0),
                None => false,
            };
            let value = r.expect(tag::OCTET_STRING)?.value;
            r.finish()?;

            if critical
                && !SUPPORTED.iter().any(|o| oid::is(id, o))
                && out.unhandled_critical.is_none()
            {
                out.unhandled_critical = Some(oid::describe(id));
            }
            if CACHED.iter().any(|o| oid::is(id, o)) {
                if seen.contains(&id) {
                    out.mark_invalid(id, ExtensionProblem::Duplicate);
                    continue;
                }
                seen.push(id);
            }
            if let Err(problem) = out.decode(id, value) {
                out.mark_invalid(id, problem);
            }
        }
        Ok(out)
    }

    fn mark_invalid(&mut self, id: &[u8], problem: ExtensionProblem) {
        if self.invalid.is_none() {
            self.invalid = Some(InvalidExtension {
                extension: oid::describe(id),
                problem,
            });
        }
    }

    fn decode(&mut self, id: &[u8], value: &[u8]) -> Decoded<()> {
        if !CACHED.iter().any(|o| oid::is(id, o)) {
            return Ok(());
        }
        // OpenSSL's decoder takes BER inside the value, and only its first
        // element: what follows is ignored (normalize keeps the first).
        let value = crate::ber::normalize(value, VALUE_NESTING)?;
        let one = |tag_: u8| {
            asn1::parse_one(&value)
                .and_then(|t| t.expect(tag_))
                .map_err(ExtensionProblem::from)
        };
        if oid::is(id, &oid::BASIC_CONSTRAINTS) {
            self.basic_constraints = Some(basic_constraints(one(tag::SEQUENCE)?)?);
        } else if oid::is(id, &oid::KEY_USAGE) {
            let bits = bit_string(one(tag::BIT_STRING)?)?;
            let ku = u16::from(bits.first().copied().unwrap_or(0))
                | u16::from(bits.get(1).copied().unwrap_or(0)) << 8;
            self.key_usage = Some(ku);
            if ku == 0 {
                return Err(ExtensionProblem::EmptyKeyUsage);
            }
        } else if oid::is(id, &oid::EXT_KEY_USAGE) {
            let mut r = one(tag::SEQUENCE)?.reader();
            let mut list = Vec::new();
            while !r.is_empty() {
                list.push(r.expect(tag::OID)?.value.to_vec());
            }
            self.ext_key_usage = Some(list);
        } else if oid::is(id, &oid::NETSCAPE_CERT_TYPE) {
            self.ns_cert_type = Some(
                bit_string(one(tag::BIT_STRING)?)?
                    .first()
                    .copied()
                    .unwrap_or(0),
            );
        } else if oid::is(id, &oid::SUBJECT_KEY_ID) {
            self.subject_key_id = Some(one(tag::OCTET_STRING)?.value.to_vec());
        } else if oid::is(id, &oid::AUTHORITY_KEY_ID) {
            self.authority_key_id = Some(authority_key_id(one(tag::SEQUENCE)?)?);
        } else if oid::is(id, &oid::SUBJECT_ALT_NAME) {
            self.subject_alt_names = general_names(one(tag::SEQUENCE)?.value)?;
        } else if oid::is(id, &oid::NAME_CONSTRAINTS) {
            self.name_constraints = Some(name_constraints(one(tag::SEQUENCE)?)?);
        } else if oid::is(id, &oid::PROXY_CERT_INFO) {
            self.proxy_cert_info = true;
        } else if oid::is(id, &oid::CRL_DISTRIBUTION_POINTS) {
            crl_dp::check(one(tag::SEQUENCE)?)?;
        } else if oid::is(id, &oid::IP_ADDR_BLOCKS) {
            self.resources.set_ip(one(tag::SEQUENCE)?)?;
        } else if oid::is(id, &oid::AS_IDENTIFIERS) {
            self.resources.set_asid(one(tag::SEQUENCE)?)?;
        }
        Ok(())
    }
}

/// BIT STRING content without the unused-bits octet, unused bits cleared.
/// As OpenSSL's `c2i_ASN1_BIT_STRING()`: the unused-bits octet must be
/// present and at most 7 (with no content octets it may still be non-zero).
fn bit_string(tlv: Tlv<'_>) -> Decoded<Vec<u8>> {
    let (&unused, bits) = tlv.value.split_first().ok_or(ExtensionProblem::Malformed)?;
    if unused > 7 {
        return Err(ExtensionProblem::Malformed);
    }
    let mut bits = bits.to_vec();
    if let Some(last) = bits.last_mut() {
        *last &= 0xFFu8 << unused;
    }
    Ok(bits)
}

fn basic_constraints(seq: Tlv<'_>) -> Decoded<BasicConstraints> {
    let mut r = seq.reader();
    let ca = match r.optional(tag::BOOLEAN)? {
        Some(b) => b.value.first().is_some_and(|&v| v != 0),
        None => false,
    };
    let path_len = match r.optional(tag::INTEGER)? {
        Some(i) => {
            if i.value.first().is_some_and(|&b| b & 0x80 != 0) {
                return Err(ExtensionProblem::NegativePathLength);
            }
            let magnitude = asn1::integer_magnitude(i.value);
            if magnitude.len() > 8 {
                Some(u64::MAX)
            } else {
                Some(magnitude.iter().fold(0u64, |a, &b| (a << 8) | u64::from(b)))
            }
        }
        None => None,
    };
    r.finish()?;
    Ok(BasicConstraints { ca, path_len })
}

fn authority_key_id(seq: Tlv<'_>) -> Decoded<AuthorityKeyId> {
    let mut r = seq.reader();
    let mut akid = AuthorityKeyId::default();
    if let Some(k) = r.optional(tag::ctx_prim(0))? {
        akid.key_id = Some(k.value.to_vec());
    }
    if let Some(names) = r.optional(tag::ctx_cons(1))? {
        akid.issuer = general_names(names.value)?
            .into_iter()
            .find_map(|n| match n {
                GeneralName::Directory { canonical, .. } => Some(canonical),
                _ => None,
            });
    }
    if let Some(s) = r.optional(tag::ctx_prim(2))? {
        akid.serial = Some(s.value.to_vec());
    }
    r.finish()?;
    Ok(akid)
}

/// `OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY }`, as
/// OpenSSL's `GENERAL_NAME` template decodes it.
fn other_name(tlv: Tlv<'_>) -> Decoded<GeneralName> {
    let mut r = tlv.reader();
    let type_id = r.expect(tag::OID)?;
    if !oid::is_valid_encoding(type_id.value) {
        return Err(ExtensionProblem::Malformed);
    }
    let wrapper = r.expect(tag::ctx_cons(0))?;
    r.finish()?;
    let value = asn1::parse_one(wrapper.value)?;
    Ok(if oid::is(type_id.value, &oid::ON_SMTP_UTF8_MAILBOX) {
        // A UTF8String, primitive or constructed (collected), is compared.
        let utf8 = value.tag & 0xDF == name::UTF8;
        GeneralName::SmtpUtf8Mailbox {
            utf8,
            value: if utf8 {
                name::string_contents(value)?.into_owned()
            } else {
                value.value.to_vec()
            },
        }
    } else {
        GeneralName::Other("otherName")
    })
}

/// `EDIPartyName ::= SEQUENCE { nameAssigner [0] DirectoryString OPTIONAL,
/// partyName [1] DirectoryString }`, explicitly tagged as OpenSSL has it.
fn edi_party_name(tlv: Tlv<'_>) -> Decoded<GeneralName> {
    let mut r = tlv.reader();
    if let Some(assigner) = r.optional(tag::ctx_cons(0))? {
        name::directory_string(asn1::parse_one(assigner.value)?)?;
    }
    name::directory_string(asn1::parse_one(r.expect(tag::ctx_cons(1))?.value)?)?;
    r.finish()?;
    Ok(GeneralName::Other("ediPartyName"))
}

fn general_name(tlv: Tlv<'_>) -> Decoded<GeneralName> {
    // IA5String contents are not checked, OpenSSL's decoder does not; the
    // IMPLICIT strings may be constructed (collected).
    let string = |t: Tlv<'_>| name::string_contents(t).map(std::borrow::Cow::into_owned);
    Ok(match tlv.tag {
        0x81 | 0xA1 => GeneralName::Rfc822(string(tlv)?),
        0x82 | 0xA2 => GeneralName::Dns(string(tlv)?),
        0xA4 => {
            let inner = asn1::parse_one(tlv.value)?;
            let canonical = name::canonical(inner.raw)?;
            GeneralName::Directory {
                canonical,
                display: name::display(inner.raw),
            }
        }
        0xA0 => other_name(tlv)?,
        0xA3 => GeneralName::Other("x400Address"),
        0xA5 => edi_party_name(tlv)?,
        0x86 | 0xA6 => {
            string(tlv)?;
            GeneralName::Other("uniformResourceIdentifier")
        }
        0x87 | 0xA7 => {
            string(tlv)?;
            GeneralName::Other("iPAddress")
        }
        0x88 if oid::is_valid_encoding(tlv.value) => GeneralName::Other("registeredID"),
        _ => return Err(ExtensionProblem::Malformed),
    })
}

fn general_names(value: &[u8]) -> Decoded<Vec<GeneralName>> {
    Reader::new(value).map(|t| general_name(t?)).collect()
}

fn subtrees(value: &[u8]) -> Decoded<Vec<GeneralName>> {
    Reader::new(value)
        .map(|subtree| {
            let subtree = subtree.and_then(|s| s.expect(tag::SEQUENCE))?;
            let mut r = subtree.reader();
            let base = general_name(r.any()?)?;
            let minimum = r.optional(tag::ctx_prim(0))?;
            // nc_minmax_valid(): a minimum of 0 (DER: 80 01 00) is accepted;
            // another minimum or any maximum is refused when compared
            // (X509_V_ERR_SUBTREE_MINMAX), which cmsverify does up front.
            if r.is_empty() && minimum.is_none_or(|m| m.value == [0]) {
                Ok(base)
            } else {
                Ok(GeneralName::Other("subtree with minimum/maximum"))
            }
        })
        .collect()
}

fn name_constraints(seq: Tlv<'_>) -> Decoded<NameConstraints> {
    let mut r = seq.reader();
    let mut nc = NameConstraints::default();
    if let Some(p) = r.optional(tag::ctx_cons(0))? {
        nc.permitted = subtrees(p.value)?;
    }
    if let Some(e) = r.optional(tag::ctx_cons(1))? {
        nc.excluded = subtrees(e.value)?;
    }
    r.finish()?;
    Ok(nc)
}
