//! Read-only views for tools: a message's structure without verifying it,
//! and what a certificate says about itself.

use crate::algorithm::{DigestAlgorithm, DigestLookup, PublicKey};
use crate::bundle::load_bundle;
use crate::cert::Certificate;
use crate::decode::{self, InputForm};
use crate::error::{CertProblem, FileRole, Result};
use crate::extensions::{ku, ns};
use crate::limits::Limits;
use crate::signed_data::SignedData;
use crate::time::UnixTime;
use crate::trust::policy;
use crate::{asn1, oid};

/// The structure of a SignedData message.
#[derive(Debug, Clone)]
pub struct MessageInfo {
    /// eContentType, readable.
    pub content_type: String,
    /// eContent size, `None` for a detached signature.
    pub content_len: Option<usize>,
    /// SignedData.digestAlgorithms, readable.
    pub digest_algorithms: Vec<String>,
    /// One entry per SignerInfo.
    pub signers: Vec<UnverifiedSigner>,
    /// The embedded certificates.
    pub certificates: Vec<Certificate>,
}

/// One SignerInfo as the message states it, unverified (after verification
/// the same signer is a [`crate::VerifiedSigner`]).
#[derive(Debug, Clone)]
pub struct UnverifiedSigner {
    /// issuerAndSerialNumber or subjectKeyIdentifier, readable.
    pub identifier: String,
    /// The digest algorithm.
    pub digest_algorithm: String,
    /// The signature algorithm.
    pub signature_algorithm: String,
    /// The types of the signed attributes (empty when there are none).
    pub signed_attributes: Vec<String>,
    /// The types of the unsigned attributes.
    pub unsigned_attributes: Vec<String>,
}

fn attribute_types(set: Option<asn1::Tlv<'_>>) -> Vec<String> {
    set.map(|s| {
        s.reader()
            .flatten()
            .filter_map(|a| {
                a.reader()
                    .expect(asn1::tag::OID)
                    .ok()
                    .map(|o| oid::describe(o.value))
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Parses a message (any form) and describes it without verifying anything.
///
/// ```
/// # fn main() -> Result<(), cmsverify::Error> {
/// let token = include_bytes!("../tests/data/keystone/token.pem");
/// let info = cmsverify::inspect::message(token, cmsverify::InputForm::Auto)?;
/// assert_eq!(info.signers.len(), 1);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The input is not a parsable SignedData message.
pub fn message(input: &[u8], form: InputForm) -> Result<MessageInfo> {
    let limits = Limits::default();
    let der = decode::content_info(input, form, &limits)?;
    let sd = SignedData::parse(&der, None, &limits)?;
    let digest_name = |o: &[u8]| match DigestAlgorithm::lookup(o) {
        DigestLookup::Supported(d) => d.name().to_owned(),
        _ => oid::describe(o),
    };
    Ok(MessageInfo {
        content_type: oid::describe(sd.encap_content_info.content_type),
        content_len: sd.encap_content_info.content.map(<[u8]>::len),
        digest_algorithms: sd
            .digest_algorithms
            .iter()
            .map(|d| digest_name(d))
            .collect(),
        signers: sd
            .signer_infos
            .iter()
            .map(|si| UnverifiedSigner {
                identifier: si.sid.describe(),
                digest_algorithm: digest_name(si.digest_algorithm.oid),
                signature_algorithm: oid::describe(si.signature_algorithm.oid),
                signed_attributes: attribute_types(si.signed_attrs),
                unsigned_attributes: attribute_types(si.unsigned_attrs),
            })
            .collect(),
        certificates: sd.certificates,
    })
}

/// Parses a certificate bundle (PEM, or one DER certificate).
///
/// # Errors
/// No certificate, or a corrupt one (naming its position).
pub fn certificates(bytes: &[u8]) -> Result<Vec<Certificate>> {
    load_bundle(bytes, FileRole::Certfile, "<memory>", &Limits::default())
}

/// What a certificate says about itself.
#[derive(Debug, Clone)]
pub struct CertificateInfo {
    /// Subject name.
    pub subject: String,
    /// Issuer name.
    pub issuer: String,
    /// Serial number, upper-case hex.
    pub serial: String,
    /// X.509 version as printed by `openssl x509 -text` (1 or 3; OpenSSL also
    /// loads other values), `None` when it does not fit an `i64`.
    pub version: Option<i64>,
    /// notBefore (`None` if malformed).
    pub not_before: Option<UnixTime>,
    /// notAfter (`None` if malformed).
    pub not_after: Option<UnixTime>,
    /// The public key, e.g. `RSA 2048 bits`.
    pub public_key: String,
    /// keyUsage bit names, if the extension is present.
    pub key_usage: Option<Vec<&'static str>>,
    /// extendedKeyUsage names, if present.
    pub extended_key_usage: Option<Vec<String>>,
    /// basicConstraints `(cA, pathLenConstraint)`, if present.
    pub basic_constraints: Option<(bool, Option<u64>)>,
    /// Netscape cert type bit names, if present.
    pub netscape_cert_type: Option<Vec<&'static str>>,
    /// Subject equals issuer and the AKID/key type agree (OpenSSL's notion):
    /// `Some(true)` or `Some(false)`; `None` when the certificate is
    /// self-issued but its key is one cmsverify cannot use, so whether it
    /// signed itself cannot be told.
    pub self_signed: Option<bool>,
    /// Why the certificate cannot sign S/MIME (OpenSSL's `smime_sign`
    /// purpose for a signer), `None` when it can.
    pub smime_signing_problem: Option<CertProblem>,
}

fn describe_key(cert: &Certificate) -> String {
    match cert.public_key() {
        Ok(PublicKey::Rsa {
            bits,
            pss_only: false,
            ..
        }) => format!("RSA {bits} bits"),
        Ok(PublicKey::Rsa {
            bits,
            pss_only: true,
            ..
        }) => format!("RSA-PSS {bits} bits"),
        Ok(PublicKey::P256(_)) => "EC P-256".into(),
        Ok(PublicKey::P384(_)) => "EC P-384".into(),
        Ok(PublicKey::P521(_)) => "EC P-521".into(),
        Ok(PublicKey::Ed25519(_)) => "Ed25519".into(),
        Err(p) => format!("unusable: {p}"),
    }
}

impl Certificate {
    /// Describes the certificate (subject, validity, usages, S/MIME suitability).
    pub fn info(&self) -> CertificateInfo {
        let ext = self.extensions();
        CertificateInfo {
            subject: self.subject(),
            issuer: self.issuer(),
            serial: self.serial_hex(),
            version: self.version(),
            not_before: self.not_before(),
            not_after: self.not_after(),
            public_key: describe_key(self),
            key_usage: ext.key_usage.map(|k| {
                ku::NAMES
                    .iter()
                    .filter(|(bit, _)| k & bit != 0)
                    .map(|(_, n)| *n)
                    .collect()
            }),
            extended_key_usage: ext
                .ext_key_usage
                .as_ref()
                .map(|list| list.iter().map(|o| oid::describe(o)).collect()),
            basic_constraints: ext.basic_constraints.map(|bc| (bc.ca, bc.path_len)),
            netscape_cert_type: ext.ns_cert_type.map(|t| {
                ns::NAMES
                    .iter()
                    .filter(|(bit, _)| t & bit != 0)
                    .map(|(_, n)| *n)
                    .collect()
            }),
            self_signed: if self.is_self_issued() && self.unusable_key().is_some() {
                None
            } else {
                Some(self.is_self_signed())
            },
            smime_signing_problem: policy::check_signer(self).err(),
        }
    }
}

pub use crate::trust::policy::PolicyRow;

/// The certificate policy applied to every path, row by row, in the order
/// the checks run (docs/policy.md is generated from it).
pub fn policy() -> Vec<PolicyRow> {
    crate::trust::policy::rows()
}
