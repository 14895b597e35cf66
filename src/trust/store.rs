//! Certificate stores: the trusted CAfile and the untrusted certfile, loaded
//! from PEM bundles and indexed by canonical subject.

use std::collections::HashMap;

use crate::cert::Certificate;
use crate::error::{Error, FileRole, Result};
use crate::limits::Limits;
use crate::pem;

/// Certificates indexed by canonical subject name, in file order.
#[derive(Debug, Default, Clone)]
pub(crate) struct CertIndex {
    certs: Vec<Certificate>,
    by_subject: HashMap<Vec<u8>, Vec<usize>>,
}

impl CertIndex {
    pub(crate) fn new(certs: Vec<Certificate>) -> Self {
        let mut by_subject: HashMap<Vec<u8>, Vec<usize>> = HashMap::new();
        for (i, c) in certs.iter().enumerate() {
            by_subject
                .entry(c.canonical_subject().to_vec())
                .or_default()
                .push(i);
        }
        Self { certs, by_subject }
    }

    /// All certificates, in file order.
    pub(crate) fn all(&self) -> &[Certificate] {
        &self.certs
    }

    /// Certificates whose subject is `canonical_subject`, in file order.
    pub(crate) fn by_subject<'s>(
        &'s self,
        canonical_subject: &[u8],
    ) -> impl Iterator<Item = &'s Certificate> + 's {
        self.by_subject
            .get(canonical_subject)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.certs.get(i))
    }
}

/// The trust configuration of a verifier.
#[derive(Debug, Default, Clone)]
pub(crate) struct TrustStore {
    /// The CAfile: self-signed entries are anchors; the others can only be
    /// intermediates (OpenSSL does not use partial chains).
    pub trusted: CertIndex,
    /// The certfile: signer candidates and (docs/compatibility.md item 2)
    /// intermediates.
    pub untrusted: CertIndex,
}

/// Labels OpenSSL reads as certificates.
fn is_certificate_label(label: &str) -> bool {
    matches!(label, "CERTIFICATE" | "X509 CERTIFICATE")
}

/// Loads a certificate bundle.
///
/// The CAfile is PEM only (as `-CAfile` is); the certfile may also be one DER
/// certificate. Blocks with other labels (keys, CRLs) are skipped; a corrupt
/// certificate block, a `TRUSTED CERTIFICATE` block, or a file without
/// certificates is an error naming the file and position.
///
/// # Errors
/// Configuration errors (exit code 2).
pub(crate) fn load_bundle(
    bytes: &[u8],
    role: FileRole,
    origin: &str,
    limits: &Limits,
) -> Result<Vec<Certificate>> {
    let origin_owned = || origin.to_owned();
    let mut certs = Vec::new();
    let mut saw_pem = false;
    for (i, block) in pem::blocks(bytes).enumerate() {
        saw_pem = true;
        let index = i + 1;
        if block.label == "TRUSTED CERTIFICATE" {
            return Err(Error::TrustedCertificate {
                role,
                origin: origin_owned(),
                index,
            });
        }
        if !is_certificate_label(block.label) {
            continue;
        }
        let der = block.body.map_err(|problem| Error::BadPemBlock {
            role,
            origin: origin_owned(),
            index,
            problem,
        })?;
        let cert = Certificate::from_ber_with_depth(&der, limits.max_nesting_depth).map_err(
            |problem| Error::BadCertificate {
                role,
                origin: origin_owned(),
                index,
                problem,
            },
        )?;
        if certs.len() == limits.max_certificates {
            return Err(Error::TooManyCertificates {
                role,
                origin: origin_owned(),
                max: limits.max_certificates,
            });
        }
        certs.push(cert);
    }
    if !saw_pem && role == FileRole::Certfile && bytes.first() == Some(&0x30) {
        let der = crate::asn1::split_tlv(bytes)
            .map(|(t, _)| t.raw)
            .unwrap_or(bytes);
        let cert = Certificate::from_der(der).map_err(|problem| Error::BadCertificate {
            role,
            origin: origin_owned(),
            index: 1,
            problem,
        })?;
        certs.push(cert);
    }
    if certs.is_empty() {
        return Err(Error::NoCertificates {
            role,
            origin: origin_owned(),
        });
    }
    Ok(certs)
}
