//! SignedData parsing (BER normalisation, views, embedded certificates).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cmsverify::inspect::message(data, cmsverify::InputForm::Der);
});
