//! Certificate stores: the trusted CAfile and the untrusted certfile
//! (decoded by [`crate::bundle`]), indexed by canonical subject.

use std::collections::HashMap;

use crate::cert::Certificate;

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
