//! Certificate bundle loading (certfile and CAfile rules) and certificate description.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(certs) = cmsverify::inspect::certificates(data) {
        for cert in &certs {
            let _ = cert.info();
        }
    }
    let _ = cmsverify::Verifier::builder().cafile_pem(data).and_then(|b| b.build());
});
