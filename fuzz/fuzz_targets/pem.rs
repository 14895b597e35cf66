//! PEM armour and everything behind it (`-inform PEM`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let verifier = cmsverify_fuzz_trust::verifier();
    let _ = verifier.verify_form(data, cmsverify::InputForm::Pem);
});

#[path = "../trust.rs"]
mod cmsverify_fuzz_trust;
