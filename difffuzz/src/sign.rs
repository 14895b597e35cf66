//! Signing with a per-thread cache: a case re-signs only what its mutations
//! changed (RSA signing dominates the cost otherwise).

use std::collections::HashMap;
use std::sync::Arc;

use crate::keys::{Hash, KeyId, Pool, Scheme};

/// Entries kept before the cache is emptied.
const CAPACITY: usize = 8192;

/// What a signature is cached by: key, digest, the scheme's parameters that
/// change the signature bytes ([`Scheme::signing_params`]; not how its
/// AlgorithmIdentifier is written), data.
type CacheKey = (KeyId, Hash, Option<(Hash, u16)>, Vec<u8>);

/// The key pool and a cache of signatures by (key, digest, scheme, data).
pub struct Signing {
    pub pool: Arc<Pool>,
    cache: HashMap<CacheKey, Vec<u8>>,
    /// Signatures made (cache misses).
    pub made: u64,
}

impl Signing {
    pub fn new(pool: Arc<Pool>) -> Signing {
        Signing {
            pool,
            cache: HashMap::new(),
            made: 0,
        }
    }

    /// The signature of `data`, cached. Randomised signatures (ECDSA, PSS)
    /// are cached too: within a thread, the first one made is reused, and
    /// any one of them verifies.
    pub fn sign(&mut self, key: KeyId, hash: Hash, scheme: Scheme, data: &[u8]) -> Vec<u8> {
        let k = (key, hash, scheme.signing_params(key, hash), data.to_vec());
        if let Some(sig) = self.cache.get(&k) {
            return sig.clone();
        }
        if self.cache.len() >= CAPACITY {
            self.cache.clear();
        }
        self.made += 1;
        let sig = self.pool.sign(key, hash, scheme, data);
        self.cache.insert(k, sig.clone());
        sig
    }
}
