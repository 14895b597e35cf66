//! Validated signer paths, cached across verify calls.

use std::collections::HashMap;
use std::sync::RwLock;

use crate::cert::Certificate;
use crate::time::UnixTime;

use super::path::ValidatedPath;

/// Validated paths keyed by the signer certificate's fingerprint; an entry is
/// used only while the verification time is inside the path's validity window.
#[derive(Debug)]
pub(crate) struct PathCache {
    capacity: usize,
    entries: RwLock<HashMap<[u8; 32], ValidatedPath>>,
}

impl PathCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: RwLock::new(HashMap::new()),
        }
    }

    pub(crate) fn get(
        &self,
        signer: &Certificate,
        message_certs: &[Certificate],
        at: UnixTime,
    ) -> Option<Vec<Certificate>> {
        let entries = self.entries.read().ok()?;
        let path = entries.get(signer.fingerprint())?;
        let in_message = |fp: &[u8; 32]| message_certs.iter().any(|c| c.fingerprint() == fp);
        (path.valid_from <= at && at < path.valid_until && path.from_message.iter().all(in_message))
            .then(|| path.certs.clone())
    }

    pub(crate) fn insert(&self, signer: &Certificate, path: ValidatedPath) {
        if self.capacity == 0 {
            return;
        }
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= self.capacity {
                // Bounded: start over rather than track recency on the hot path.
                entries.clear();
            }
            entries.insert(*signer.fingerprint(), path);
        }
    }
}
