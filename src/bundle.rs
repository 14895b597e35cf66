//! Certificate bundles as `openssl cms` reads `-certfile` and `-CAfile`: PEM
//! blocks labelled `CERTIFICATE` or `X509 CERTIFICATE` (other labels skipped),
//! or, for the certfile, one DER certificate. The decode layer for trust
//! files, as [`crate::decode`] is for messages; the trust store indexes what
//! this returns.

use crate::cert::Certificate;
use crate::error::{Error, FileRole, Result};
use crate::limits::Limits;
use crate::pem;

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
        // One BER or DER certificate, as d2i_X509 reads it; bytes after it
        // are ignored.
        let first = crate::ber::Element::first(bytes, limits.max_nesting_depth)
            .map(|e| e.raw)
            .unwrap_or(bytes);
        let cert = Certificate::from_ber_with_depth(first, limits.max_nesting_depth).map_err(
            |problem| Error::BadCertificate {
                role,
                origin: origin_owned(),
                index: 1,
                problem,
            },
        )?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// P19c's certificate: its TBSCertificate is BER, signed as received.
    const BER_CERT_PEM: &[u8] =
        include_bytes!("../tests/data/scenarios/P19c-ber-certfile-signed-ber/certfile.pem");

    #[test]
    fn a_binary_certfile_may_be_ber_and_is_read_as_received() {
        let pem_cert = load_bundle(BER_CERT_PEM, FileRole::Certfile, "pem", &Limits::default())
            .unwrap()
            .remove(0);
        let block = pem::blocks(BER_CERT_PEM).next().unwrap();
        let mut binary = block.body.unwrap();
        binary.extend_from_slice(b"\0trailing");
        let certs = load_bundle(&binary, FileRole::Certfile, "binary", &Limits::default()).unwrap();
        assert_eq!(certs, [pem_cert]);
        // The CAfile is PEM only.
        assert!(matches!(
            load_bundle(&binary, FileRole::Cafile, "binary", &Limits::default()),
            Err(Error::NoCertificates { .. })
        ));
    }
}
