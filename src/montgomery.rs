//! A variable-time RSA public operation for signature verification.
//!
//! Verification handles only public values (modulus, exponent, signature), so
//! it needs no constant-time arithmetic. This module precomputes the
//! Montgomery parameters of a modulus once (cached with the certificate's
//! parsed key) and raises signatures to the public exponent with 64-bit limb
//! separated operand scanning Montgomery multiplication (a dedicated
//! squaring, then a word-by-word reduction): for e = 65537 that is 17 multiplications.
//! Any exponent below the modulus is taken, as OpenSSL takes it (the `rsa`
//! crate refuses exponents over 33 bits): such keys verify here only, and
//! [`RsaPublicOp::verify_pss`] checks their PSS signatures (and those whose
//! MGF1 hash differs from the message hash, which the `rsa` crate's PSS
//! cannot express). It is
//! cross-checked against the `rsa` crate by property tests.

use crate::algorithm::DigestAlgorithm;

/// A modulus with its Montgomery constants, limbs little-endian.
#[derive(Clone)]
pub(crate) struct RsaPublicOp {
    n: Vec<u64>,
    /// `-n^-1 mod 2^64`.
    n0_inv: u64,
    /// `R^2 mod n` with `R = 2^(64 * limbs)`.
    r2: Vec<u64>,
    /// The public exponent, big-endian without leading zeros.
    e: Vec<u8>,
    /// Modulus length in bytes.
    k: usize,
}

impl std::fmt::Debug for RsaPublicOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RsaPublicOp({} bits)", self.k * 8)
    }
}

/// The big-endian number without its leading zero bytes.
fn strip_leading_zeros(mut bytes: &[u8]) -> &[u8] {
    while let [0, rest @ ..] = bytes {
        bytes = rest;
    }
    bytes
}

/// A big-endian number as `limbs` little-endian limbs; `None` if it needs more.
fn limbs_from_be(bytes: &[u8], limbs: usize) -> Option<Vec<u64>> {
    let bytes = strip_leading_zeros(bytes);
    if bytes.len() > limbs * 8 {
        return None;
    }
    let mut out: Vec<u64> = bytes
        .rchunks(8)
        .map(|chunk| chunk.iter().fold(0, |acc, &b| acc << 8 | u64::from(b)))
        .collect();
    out.resize(limbs, 0);
    Some(out)
}

/// `a >= b` for equal-length limb vectors.
fn ge(a: &[u64], b: &[u64]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x > y;
        }
    }
    true
}

/// `a -= b`, returning the borrow.
fn sub_assign(a: &mut [u64], b: &[u64]) -> bool {
    let mut borrow = false;
    for (x, &y) in a.iter_mut().zip(b) {
        let (d1, b1) = x.overflowing_sub(y);
        let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
        *x = d2;
        borrow = b1 || b2;
    }
    borrow
}

/// `x = 2x mod n` for `x < n`.
fn double_mod(x: &mut [u64], n: &[u64]) {
    let carry = x.iter_mut().fold(0u64, |c, w| {
        let next = *w >> 63;
        *w = (*w << 1) | c;
        next
    });
    if carry == 1 || ge(x, n) {
        sub_assign(x, n);
    }
}

/// `t + a * b + c` as (low, high) limbs. Cannot overflow 128 bits:
/// (2^64 - 1)^2 + 2 (2^64 - 1) = 2^128 - 1, so wrapping arithmetic is exact
/// (and free of the overflow checks release builds keep).
#[expect(
    clippy::as_conversions,
    reason = "splitting a 128-bit value into limbs"
)]
fn mac(t: u64, a: u64, b: u64, c: u64) -> (u64, u64) {
    let v = u128::from(a)
        .wrapping_mul(u128::from(b))
        .wrapping_add(u128::from(t))
        .wrapping_add(u128::from(c));
    (v as u64, (v >> 64) as u64)
}

impl RsaPublicOp {
    /// Precomputes the constants of modulus `n` (big-endian, odd, at least
    /// 512 bits) with public exponent `e` (big-endian, at least 3; its
    /// length is limited by the caller, see `key_limits::check_rsa`).
    pub(crate) fn new(n: &[u8], e: &[u8]) -> Option<Self> {
        if !Self::takes(n, e) {
            return None;
        }
        let n_bytes = strip_leading_zeros(n);
        let k = n_bytes.len();
        let limbs = k.div_ceil(8);
        let n = limbs_from_be(n_bytes, limbs)?;
        let e = strip_leading_zeros(e);
        // Newton iteration for n[0]^-1 mod 2^64 (each step doubles correct bits).
        let n0 = *n.first()?;
        let mut inv: u64 = 1;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(n0.wrapping_mul(inv)));
        }
        let mut op = Self {
            n,
            n0_inv: inv.wrapping_neg(),
            r2: Vec::new(),
            e: e.to_vec(),
            k,
        };
        op.r2 = op.r_squared()?;
        Some(op)
    }

    /// Whether [`RsaPublicOp::new`] takes the key: an odd modulus of at
    /// least 512 bits and an exponent of at least 3 (checked without any
    /// arithmetic).
    pub(crate) fn takes(n: &[u8], e: &[u8]) -> bool {
        let n = strip_leading_zeros(n);
        n.len() >= 64
            && n.last().is_some_and(|b| b & 1 == 1)
            && !matches!(strip_leading_zeros(e), [] | [0..=2])
    }

    /// `R^2 mod n`, the factor that enters the Montgomery domain. `R mod n`
    /// comes from doubling the modulus' top bit up to bit `64 * limbs`; one
    /// more doubling is 2 in Montgomery form, and raising that to the power
    /// `64 * limbs` with Montgomery squarings gives `2^(64 limbs) * R = R^2`:
    /// about a dozen multiplications instead of thousands of doublings.
    fn r_squared(&self) -> Option<Vec<u64>> {
        let l = self.n.len();
        let top_zeros = usize::try_from(self.n.last()?.leading_zeros()).ok()?;
        let top_bit = (64 * l - top_zeros).checked_sub(1)?;
        let bits = top_bit + 1;
        let mut r = vec![0u64; l];
        *r.get_mut(top_bit / 64)? = 1 << (top_bit % 64);
        for _ in 0..64 * l - bits + 1 {
            double_mod(&mut r, &self.n);
        }
        let mut two = r.clone();
        double_mod(&mut two, &self.n);
        let (mut t, mut tmp) = (vec![0u64; 2 * l], vec![0u64; l]);
        let exponent = 64 * l;
        let mut acc = r;
        for bit in (0..usize::BITS - exponent.leading_zeros()).rev() {
            self.square(&acc, &mut t, &mut tmp);
            std::mem::swap(&mut acc, &mut tmp);
            if (exponent >> bit) & 1 == 1 {
                self.mul(&acc, &two, &mut t, &mut tmp);
                std::mem::swap(&mut acc, &mut tmp);
            }
        }
        Some(acc)
    }

    /// Montgomery reduction `out = t * R^-1 mod n` of a double-width value
    /// `t` (`2 * limbs` words, below `n * R`), destroying `t`. Each row adds
    /// the multiple of `n` that clears the row's low word; a row's final
    /// carry lands one word up, where the next row picks it up (`extra`).
    #[expect(
        clippy::indexing_slicing,
        reason = "hot loop; i < limbs and t has 2 * limbs words, so t[i..i + limbs], t[i + limbs] and t[limbs..2 * limbs] are in range"
    )]
    fn reduce(&self, t: &mut [u64], out: &mut [u64]) {
        let n = &self.n[..];
        let l = n.len();
        let mut extra = 0;
        for i in 0..l {
            let m = t[i].wrapping_mul(self.n0_inv);
            let mut carry = 0;
            for (tj, &nj) in t[i..i + l].iter_mut().zip(n) {
                (*tj, carry) = mac(*tj, m, nj, carry);
            }
            (t[i + l], extra) = mac(t[i + l], 1, carry, extra);
        }
        out.copy_from_slice(&t[l..2 * l]);
        if extra != 0 || ge(out, n) {
            sub_assign(out, n);
        }
    }

    /// Montgomery product `out = a * b * R^-1 mod n`; `t` is scratch of
    /// `2 * limbs` words.
    #[expect(
        clippy::indexing_slicing,
        reason = "hot loop; i < limbs (a has limbs words) and t has 2 * limbs words, so t[i..i + limbs] and t[i + limbs] are in range"
    )]
    fn mul(&self, a: &[u64], b: &[u64], t: &mut [u64], out: &mut [u64]) {
        let l = self.n.len();
        t.fill(0);
        for (i, &ai) in a.iter().enumerate() {
            let mut carry = 0;
            for (tj, &bj) in t[i..i + l].iter_mut().zip(b) {
                (*tj, carry) = mac(*tj, ai, bj, carry);
            }
            t[i + l] = carry;
        }
        self.reduce(t, out);
    }

    /// Montgomery square `out = a * a * R^-1 mod n`, computing each cross
    /// product once and doubling (about 25% less work than [`Self::mul`]).
    #[expect(
        clippy::indexing_slicing,
        reason = "hot loop; i < limbs (a has limbs words) and t has 2 * limbs words, so 2i + 1 <= i + limbs < 2 * limbs and a[i + 1..] are in range"
    )]
    fn square(&self, a: &[u64], t: &mut [u64], out: &mut [u64]) {
        let l = self.n.len();
        t.fill(0);
        for (i, &ai) in a.iter().enumerate() {
            let mut carry = 0;
            for (tj, &aj) in t[2 * i + 1..i + l].iter_mut().zip(&a[i + 1..]) {
                (*tj, carry) = mac(*tj, ai, aj, carry);
            }
            t[i + l] = carry;
        }
        // Double the cross products (their sum is below a^2, so no bit is lost).
        let mut top = 0;
        for x in t.iter_mut() {
            (*x, top) = ((*x << 1) | top, *x >> 63);
        }
        // Add the squares a[i]^2 on the diagonal.
        let mut carry = 0;
        for (i, &ai) in a.iter().enumerate() {
            let (lo, hi) = mac(0, ai, ai, 0);
            let (sum, c) = mac(t[2 * i], 1, lo, carry);
            t[2 * i] = sum;
            (t[2 * i + 1], carry) = mac(t[2 * i + 1], 1, hi, c);
        }
        self.reduce(t, out);
    }

    /// `sig^e mod n` as `k` big-endian bytes; `None` when the signature is
    /// longer than the modulus or not below it.
    pub(crate) fn apply(&self, sig: &[u8]) -> Option<Vec<u8>> {
        if sig.len() > self.k {
            return None;
        }
        let l = self.n.len();
        let x = limbs_from_be(sig, l)?;
        if ge(&x, &self.n) {
            return None;
        }
        let mut t = vec![0u64; 2 * l];
        let mut xm = vec![0u64; l];
        self.mul(&x, &self.r2, &mut t, &mut xm);
        let mut acc = xm.clone();
        let mut tmp = vec![0u64; l];
        // Square-and-multiply from the bit below the exponent's top bit.
        let bits = self
            .e
            .iter()
            .flat_map(|&byte| (0..8).rev().map(move |b| byte >> b & 1 == 1))
            .skip_while(|&set| !set)
            .skip(1);
        for set in bits {
            self.square(&acc, &mut t, &mut tmp);
            std::mem::swap(&mut acc, &mut tmp);
            if set {
                self.mul(&acc, &xm, &mut t, &mut tmp);
                std::mem::swap(&mut acc, &mut tmp);
            }
        }
        // Leave the Montgomery domain: reduce acc itself (acc * R^-1).
        t.fill(0);
        for (to, &from) in t.iter_mut().zip(&acc) {
            *to = from;
        }
        self.reduce(&mut t, &mut tmp);
        let mut bytes: Vec<u8> = tmp.iter().rev().flat_map(|x| x.to_be_bytes()).collect();
        Some(bytes.split_off(bytes.len().checked_sub(self.k)?))
    }

    /// RSASSA-PKCS1-v1_5 verification (RFC 8017 section 8.2.2) with the
    /// DigestInfo `prefix` of the hash: the recovered encoding must be
    /// exactly `00 01 FF..FF 00 || prefix || hashed` with at least 8 FF bytes.
    pub(crate) fn verify_pkcs1v15(&self, prefix: &[u8], hashed: &[u8], sig: &[u8]) -> bool {
        let Some(em) = self.apply(sig) else {
            return false;
        };
        let t_len = prefix.len() + hashed.len();
        let Some(ps_len) = self.k.checked_sub(t_len + 3).filter(|&ps| ps >= 8) else {
            return false;
        };
        let mut expected = Vec::with_capacity(self.k);
        expected.extend_from_slice(&[0, 1]);
        expected.resize(2 + ps_len, 0xFF);
        expected.push(0);
        expected.extend_from_slice(prefix);
        expected.extend_from_slice(hashed);
        em == expected
    }
}

impl RsaPublicOp {
    /// The modulus length in bits.
    fn modulus_bits(&self) -> usize {
        let top = self
            .n
            .last()
            .map_or(64, |t| usize::try_from(t.leading_zeros()).unwrap_or(64));
        (self.n.len() * 64).saturating_sub(top)
    }

    /// RSASSA-PSS verification (RFC 8017 section 8.1.2 with EMSA-PSS-VERIFY
    /// of section 9.1.2): `hashed` the message's digest with `digest`, MGF1
    /// with `mgf`, a salt of exactly `salt_len` bytes. Used for keys the
    /// `rsa` crate does not take (exponents over 33 bits) and for an MGF1
    /// hash other than `digest`, which no library here takes.
    pub(crate) fn verify_pss(
        &self,
        digest: DigestAlgorithm,
        mgf: DigestAlgorithm,
        hashed: &[u8],
        sig: &[u8],
        salt_len: usize,
    ) -> bool {
        let Some(m) = self.apply(sig) else {
            return false;
        };
        // emBits = modBits - 1; m has k bytes, one more than emLen (a zero)
        // when emBits is a multiple of 8.
        let em_bits = self.modulus_bits().saturating_sub(1);
        let em_len = em_bits.div_ceil(8);
        let em = match m.len().checked_sub(em_len) {
            Some(0) => m.as_slice(),
            Some(1) => match m.split_first() {
                Some((0, em)) => em,
                _ => return false,
            },
            _ => return false,
        };
        let h_len = hashed.len();
        if em_len < h_len + salt_len + 2 {
            return false;
        }
        let db_len = em_len - h_len - 1;
        let Some((masked_db, rest)) = em.split_at_checked(db_len) else {
            return false;
        };
        let Some((h, trailer)) = rest.split_at_checked(h_len) else {
            return false;
        };
        // The bits above emBits must be zero.
        let top_mask = 0xFFu8 >> (8 * em_len - em_bits);
        if trailer != [0xBC] || masked_db.first().is_some_and(|b| b & !top_mask != 0) {
            return false;
        }
        let mut db = Vec::with_capacity(db_len + 64);
        let mut counter = 0u32;
        while db.len() < db_len {
            db.extend_from_slice(mgf.digest(&[h, &counter.to_be_bytes()]).as_ref());
            counter = counter.wrapping_add(1);
        }
        db.truncate(db_len);
        for (d, m) in db.iter_mut().zip(masked_db) {
            *d ^= m;
        }
        if let Some(first) = db.first_mut() {
            *first &= top_mask;
        }
        // DB = PS (zeros) || 01 || salt.
        let Some((padding, salt)) = db.split_at_checked(db_len - salt_len) else {
            return false;
        };
        let Some((&one, zeros)) = padding.split_last() else {
            return false;
        };
        if one != 1 || zeros.iter().any(|&b| b != 0) {
            return false;
        }
        digest.digest(&[&[0u8; 8], hashed, salt]).as_ref() == h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Schoolbook `x^e mod n` on small numbers as a reference.
    fn reference(x: u128, e: u64, n: u128) -> u128 {
        let mut acc: u128 = 1;
        for _ in 0..e {
            acc = acc * x % n;
        }
        acc
    }

    #[test]
    fn rejects_even_or_small_moduli() {
        assert!(RsaPublicOp::new(&[0x10; 64], &[3]).is_none());
        assert!(RsaPublicOp::new(&[0x11; 32], &[3]).is_none());
        assert!(RsaPublicOp::new(&[0x11; 64], &[1]).is_none());
    }

    #[test]
    fn small_exponent_matches_reference_on_low_limbs() {
        // A 512-bit odd modulus whose value keeps x^3 exact for tiny x.
        let mut n = vec![0xFFu8; 64];
        n[63] = 0xFB;
        let op = RsaPublicOp::new(&n, &[3]).unwrap();
        for x in [0u128, 1, 2, 7, 123_456_789] {
            let out = op.apply(&x.to_be_bytes()).unwrap();
            let value = u128::from_be_bytes(out[48..].try_into().unwrap());
            assert_eq!(value, reference(x, 3, u128::MAX), "x = {x}");
            assert!(out[..48].iter().all(|&b| b == 0));
        }
    }

    /// Cross-check against the `rsa` crate's raw public operation on many
    /// random odd moduli (512 to 4096 bits) and exponents.
    mod against_rsa_crate {
        use super::super::RsaPublicOp;
        use proptest::prelude::*;
        use rsa::BoxedUint;

        /// Odd moduli of the usual key sizes (top bit set) and of any
        /// length from 64 to 520 bytes with any non-zero top byte.
        fn modulus() -> impl Strategy<Value = Vec<u8>> {
            let usual = prop_oneof![
                Just(64usize),
                Just(128),
                Just(192),
                Just(256),
                Just(384),
                Just(512)
            ]
            .prop_flat_map(|len| proptest::collection::vec(any::<u8>(), len))
            .prop_map(|mut n| {
                n[0] |= 0x80;
                n
            });
            let odd_sizes = (64usize..=520)
                .prop_flat_map(|len| proptest::collection::vec(any::<u8>(), len))
                .prop_map(|mut n| {
                    n[0] = n[0].max(1);
                    n
                });
            prop_oneof![usual, odd_sizes].prop_map(|mut n| {
                *n.last_mut().unwrap() |= 1;
                n
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
            #[test]
            fn equals_the_raw_rsa_operation(
                n in modulus(),
                e in prop_oneof![Just(3u64), Just(17), Just(65_537), 3u64..u64::MAX],
                seed in proptest::collection::vec(any::<u8>(), 1..512),
            ) {
                let bits = u32::try_from(n.len() * 8).unwrap();
                let key = rsa::PublicKey::new_unchecked(
                    BoxedUint::from_be_slice(&n, bits).unwrap(),
                    BoxedUint::from(e),
                );
                let op = RsaPublicOp::new(&n, &e.to_be_bytes()).unwrap();
                // x below n: at most n.len() - 1 bytes of the seed.
                let x = &seed[..seed.len().min(n.len() - 1)];
                let expected = rsa::hazmat::rsa_encrypt(&key, &BoxedUint::from_be_slice(x, bits).unwrap()).unwrap();
                let expected = expected.to_be_bytes();
                let ours = op.apply(x).unwrap();
                prop_assert_eq!(&ours[..], &expected[expected.len() - ours.len()..]);
            }
        }
    }

    #[test]
    fn exponents_over_64_bits_compose() {
        // x^(e1 e2) = (x^e1)^e2 with e1 e2 an 81-bit exponent.
        let mut n = vec![0xC5u8; 256];
        n[255] = 0x3B;
        let (e1, e2) = ((1u128 << 40) + 1, (1u128 << 40) + 15);
        let op = |e: u128| RsaPublicOp::new(&n, &e.to_be_bytes()).unwrap();
        let x = [0x42u8; 200];
        let once = op(e1 * e2).apply(&x).unwrap();
        let twice = op(e2).apply(&op(e1).apply(&x).unwrap()).unwrap();
        assert_eq!(once, twice);
        assert!(RsaPublicOp::takes(&n, &[0, 3]) && !RsaPublicOp::takes(&n, &[0, 2]));
    }

    #[test]
    fn pss_refuses_what_is_not_an_encoding() {
        let mut n = vec![0xC5u8; 256];
        n[255] = 0x3B;
        let op = RsaPublicOp::new(&n, &[1, 0, 1]).unwrap();
        let hashed = DigestAlgorithm::Sha256.digest(&[b"m"]);
        for sig in [[0u8; 256], [1u8; 256], [0x42u8; 256]] {
            assert!(!op.verify_pss(
                DigestAlgorithm::Sha256,
                DigestAlgorithm::Sha256,
                hashed.as_ref(),
                &sig,
                32
            ));
        }
    }

    #[test]
    fn signature_not_below_modulus_is_refused() {
        let mut n = vec![0x80u8; 64];
        n[63] = 0x81;
        let op = RsaPublicOp::new(&n, &[1, 0, 1]).unwrap();
        assert!(op.apply(&n).is_none());
        assert!(op.apply(&[0xFF; 64]).is_none());
        assert!(op.apply(&[1; 65]).is_none());
    }
}
