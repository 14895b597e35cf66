//! The fast RSA public operation (src/montgomery.rs) against the `rsa`
//! crate's raw operation, on fuzzer-chosen moduli, exponents and signatures.
//!
//! Input: byte 0 picks the modulus length (64 to 519 bytes with byte 1),
//! byte 2 the exponent (3, 17, 65537 or the next 8 bytes), then the modulus,
//! then the signature.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rsa::BoxedUint;

fuzz_target!(|data: &[u8]| {
    let [a, b, pick, rest @ ..] = data else {
        return;
    };
    let len = 64 + (usize::from(*a) << 8 | usize::from(*b)) % 456;
    let (e, rest): (u64, &[u8]) = match pick % 4 {
        0 => (3, rest),
        1 => (17, rest),
        2 => (65_537, rest),
        _ => match rest.split_first_chunk::<8>() {
            Some((e, rest)) => (u64::from_be_bytes(*e).max(3), rest),
            None => return,
        },
    };
    let Some((n, sig)) = rest.split_at_checked(len) else {
        return;
    };
    let mut n = n.to_vec();
    n[0] = n[0].max(1);
    n[len - 1] |= 1;
    let ours = cmsverify::fuzzing::rsa_public_op(&n, &e.to_be_bytes(), sig);

    let bits = u32::try_from(len * 8).unwrap();
    let modulus = BoxedUint::from_be_slice(&n, bits).unwrap();
    let x = (sig.len() <= len).then(|| BoxedUint::from_be_slice(sig, bits).unwrap());
    match x {
        Some(x) if x < modulus => {
            let key = rsa::PublicKey::new_unchecked(modulus, BoxedUint::from(e));
            let expected = rsa::hazmat::rsa_encrypt(&key, &x).unwrap().to_be_bytes();
            let ours = ours.expect("a signature below the modulus is accepted");
            assert_eq!(ours[..], expected[expected.len() - len..]);
        }
        _ => assert!(ours.is_none(), "a signature not below the modulus is refused"),
    }
});
