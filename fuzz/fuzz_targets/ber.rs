//! The Der input form through the full verifier (fixed trust store).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let verifier = cmsverify_fuzz_trust::verifier();
    if let Ok(verified) = verifier.verify_form(data, cmsverify::InputForm::Der) {
        // A forged message must never verify: only the fixture tokens can.
        assert!(cmsverify_fuzz_trust::is_known_content(&verified.content));
    }
});

#[path = "../trust.rs"]
mod cmsverify_fuzz_trust;
