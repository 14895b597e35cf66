//! The fixed trust store of the verify targets: the Keystone sample.

use std::sync::OnceLock;

const CERTFILE: &[u8] = include_bytes!("../tests/data/keystone/signing_cert.pem");
const CAFILE: &[u8] = include_bytes!("../tests/data/keystone/cacert.pem");
const TOKEN_JSON: &[u8] = include_bytes!("../tests/data/keystone/token.json");
const TOKEN_10K_JSON: &[u8] = include_bytes!("../tests/data/keystone/token_10k.json");
const REVOKED_JSON: &[u8] = include_bytes!("../tests/data/keystone/revoked.json");

/// One verifier for the whole run (path cache included).
pub fn verifier() -> &'static cmsverify::Verifier {
    static VERIFIER: OnceLock<cmsverify::Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| cmsverify::Verifier::from_pem(CERTFILE, CAFILE).expect("fixture trust"))
}

/// Content the fixture key really signed.
pub fn is_known_content(content: &[u8]) -> bool {
    [TOKEN_JSON, TOKEN_10K_JSON, REVOKED_JSON].contains(&content)
}
