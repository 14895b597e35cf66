//! Validated signer paths, cached across verify calls.
//!
//! Read-mostly: every verify looks a path up, a path is added only when a
//! signer is seen for the first time (or again after its entry expired or
//! the cache was cleared). Readers take an [`ArcSwap`] snapshot of the map,
//! which writes nothing that other threads read (arc-swap's per-thread
//! debt slots), so concurrent verifies do not bounce a lock's cache line
//! between cores; a writer copies the map, adds its entry and swaps the
//! copy in.

use std::collections::HashMap;
use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::cert::Certificate;
use crate::time::UnixTime;

use super::path::ValidatedPath;

type Entries = HashMap<[u8; 32], ValidatedPath>;

/// Validated paths keyed by the signer certificate's fingerprint; an entry is
/// used only while the verification time is inside the path's validity window.
#[derive(Debug)]
pub(crate) struct PathCache {
    capacity: usize,
    entries: ArcSwap<Entries>,
}

impl PathCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: ArcSwap::from_pointee(HashMap::new()),
        }
    }

    pub(crate) fn get(
        &self,
        signer: &Certificate,
        message_certs: &[Certificate],
        at: UnixTime,
    ) -> Option<Vec<Certificate>> {
        let entries = self.entries.load();
        let path = entries.get(signer.fingerprint())?;
        let in_message = |fp: &[u8; 32]| message_certs.iter().any(|c| c.fingerprint() == fp);
        (path.valid_from <= at && at < path.valid_until && path.from_message.iter().all(in_message))
            .then(|| path.certs.clone())
    }

    pub(crate) fn insert(&self, signer: &Certificate, path: ValidatedPath) {
        if self.capacity == 0 {
            return;
        }
        let key = *signer.fingerprint();
        self.entries.rcu(|current| {
            // Bounded: start over rather than track recency on the hot path.
            let mut next = if current.len() >= self.capacity && !current.contains_key(&key) {
                HashMap::new()
            } else {
                Entries::clone(current)
            };
            next.insert(key, path.clone());
            Arc::new(next)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNER: &str = include_str!("../../tests/data/keystone/signing_cert.pem");
    const CA: &str = include_str!("../../tests/data/keystone/cacert.pem");

    fn cert(pem: &str) -> Certificate {
        let der = crate::pem::blocks(pem.as_bytes())
            .next()
            .unwrap()
            .body
            .unwrap();
        Certificate::from_der(&der).unwrap()
    }

    fn path(certs: Vec<Certificate>) -> ValidatedPath {
        ValidatedPath {
            certs,
            valid_from: UnixTime(100),
            valid_until: UnixTime(200),
            from_message: Vec::new(),
        }
    }

    #[test]
    fn paths_are_found_inside_their_window_and_the_cache_stays_bounded() {
        let (signer, ca) = (cert(SIGNER), cert(CA));
        let cache = PathCache::new(1);
        assert!(cache.get(&signer, &[], UnixTime(150)).is_none());
        cache.insert(&signer, path(vec![signer.clone(), ca.clone()]));
        let found = cache.get(&signer, &[], UnixTime(150)).unwrap();
        assert_eq!(found, vec![signer.clone(), ca.clone()]);
        assert!(cache.get(&signer, &[], UnixTime(200)).is_none());
        assert!(cache.get(&signer, &[], UnixTime(99)).is_none());
        // Replacing the entry of a known signer keeps it; a new signer over
        // capacity starts over.
        cache.insert(&signer, path(vec![signer.clone(), ca.clone()]));
        assert!(cache.get(&signer, &[], UnixTime(150)).is_some());
        cache.insert(&ca, path(vec![ca.clone()]));
        assert!(cache.get(&signer, &[], UnixTime(150)).is_none());
        assert!(cache.get(&ca, &[], UnixTime(150)).is_some());
        assert_eq!(cache.entries.load().len(), 1);
    }

    #[test]
    fn new_signers_are_added_below_capacity() {
        let (signer, ca) = (cert(SIGNER), cert(CA));
        let cache = PathCache::new(2);
        cache.insert(&signer, path(vec![signer.clone(), ca.clone()]));
        cache.insert(&ca, path(vec![ca.clone()]));
        assert!(cache.get(&signer, &[], UnixTime(150)).is_some());
        assert!(cache.get(&ca, &[], UnixTime(150)).is_some());
    }

    #[test]
    fn a_path_through_message_certificates_needs_them_again() {
        let (signer, ca) = (cert(SIGNER), cert(CA));
        let cache = PathCache::new(1);
        let mut through = path(vec![signer.clone(), ca.clone()]);
        through.from_message = vec![*ca.fingerprint()];
        cache.insert(&signer, through);
        assert!(cache.get(&signer, &[], UnixTime(150)).is_none());
        assert!(cache
            .get(&signer, std::slice::from_ref(&signer), UnixTime(150))
            .is_none());
        assert!(cache
            .get(&signer, &[signer.clone(), ca], UnixTime(150))
            .is_some());
    }

    #[test]
    fn a_zero_capacity_cache_keeps_nothing() {
        let signer = cert(SIGNER);
        let cache = PathCache::new(0);
        cache.insert(&signer, path(vec![signer.clone()]));
        assert!(cache.get(&signer, &[], UnixTime(150)).is_none());
    }
}
