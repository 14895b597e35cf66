//! Property tests: hostile bytes never panic, token forms round-trip, and
//! random mutations of a valid token never verify with different content.

use cmsverify::{keystone, InputForm, Limits, Verifier};
use proptest::prelude::*;

fn verifier() -> Verifier {
    Verifier::from_files(
        "tests/data/keystone/signing_cert.pem",
        "tests/data/keystone/cacert.pem",
    )
    .unwrap()
}

fn token_pem() -> Vec<u8> {
    std::fs::read("tests/data/keystone/token.pem").unwrap()
}

/// The sample token as DER (made with `openssl cms -cmsout -outform DER`).
fn token_der() -> Vec<u8> {
    std::fs::read("tests/data/keystone/token.der").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_in_any_form(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let v = verifier();
        for form in [InputForm::Auto, InputForm::Pem, InputForm::Der, InputForm::Token, InputForm::Pkiz] {
            prop_assert!(v.verify_form(&bytes, form).is_err());
        }
        let _ = cmsverify::inspect::message(&bytes, InputForm::Auto);
        let _ = cmsverify::inspect::certificates(&bytes);
    }

    #[test]
    fn random_pem_wrapped_bundles_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let mut pem = b"-----BEGIN CERTIFICATE-----\n".to_vec();
        pem.extend_from_slice(keystone::cms_to_token(&format!("{bytes:?}")).as_bytes());
        pem.extend_from_slice(b"\n-----END CERTIFICATE-----\n");
        let _ = cmsverify::inspect::certificates(&pem);
        let _ = Verifier::builder().cafile_pem(&pem);
    }

    #[test]
    fn token_forms_round_trip(body in "MII[A-Za-z0-9+/]{0,300}") {
        let token = body.replace('/', "-");
        prop_assert_eq!(keystone::cms_to_token(&keystone::token_to_cms(&token)), token);
    }

    #[test]
    fn pkiz_round_trips(payload in proptest::collection::vec(any::<u8>(), 0..4096), level in 0u32..10) {
        let token = keystone::pkiz_compress(&payload, level);
        prop_assert!(keystone::is_pkiz(&token));
        prop_assert_eq!(keystone::pkiz_uncompress(&token, &Limits::default()).unwrap(), payload);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Nothing an attacker changes in a valid token makes it verify with
    /// other content.
    #[test]
    fn mutated_tokens_never_verify_with_other_content(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)
    ) {
        let v = verifier();
        let original = v.verify(&token_pem()).unwrap().content;
        let mut der = token_der();
        for (index, byte) in edits {
            let i = index.index(der.len());
            der[i] = byte;
        }
        if let Ok(verified) = v.verify_form(&der, InputForm::Der) {
            prop_assert_eq!(verified.content, original);
        }
    }
}
