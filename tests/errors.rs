//! Error variants that no differential scenario produces, each produced here
//! by the smallest input that reaches it (the others are pinned per scenario
//! in tests/scenario_errors.rs).

use cmsverify::{Error, InputForm, TokenProblem, Verifier};
use cmsverify_attacks::{der, encode, Sid};

const DIR: &str = "tests/data/keystone";

fn keystone() -> Verifier {
    Verifier::from_files(
        format!("{DIR}/signing_cert.pem"),
        format!("{DIR}/cacert.pem"),
    )
    .unwrap()
}

#[test]
fn a_missing_file_is_a_file_read_error_naming_it() {
    let err = Verifier::from_files("/nonexistent/signing_cert.pem", format!("{DIR}/cacert.pem"))
        .unwrap_err();
    assert!(matches!(err, Error::FileRead { .. }), "{err}");
    assert_eq!(err.file().as_deref(), Some("/nonexistent/signing_cert.pem"));
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn a_corrupt_certificate_block_is_a_bad_certificate() {
    let pem = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";
    let err = Verifier::builder().cafile_pem(pem.as_bytes()).unwrap_err();
    assert!(matches!(err, Error::BadCertificate { .. }), "{err}");
}

#[test]
fn input_of_no_known_form_is_unrecognised() {
    let err = keystone().verify(b"hello, world").unwrap_err();
    assert!(matches!(err, Error::UnrecognisedInput), "{err}");
    assert_eq!(err.exit_code(), 3);
}

#[test]
fn a_token_where_cms_is_expected_is_an_unexpected_form() {
    let token = std::fs::read(format!("{DIR}/token.pki")).unwrap();
    let err = keystone()
        .verify_form(&token, InputForm::AutoCms)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::UnexpectedForm {
                found: InputForm::Token,
                ..
            }
        ),
        "{err}"
    );
    // The same token verifies as a token.
    assert!(keystone().verify_form(&token, InputForm::AutoToken).is_ok());
}

#[test]
fn a_pkiz_token_with_bad_base64_is_a_token_error() {
    let err = keystone()
        .verify_form(b"PKIZ_not*base64", InputForm::Pkiz)
        .unwrap_err();
    assert!(
        matches!(err, Error::Token(TokenProblem::PkizBase64)),
        "{err}"
    );
}

#[test]
fn a_digest_openssl_knows_but_cmsverify_does_not_implement_is_named() {
    // SignedData whose only digest is SM3 (1.2.156.10197.1.401), naming the
    // real signing certificate so that the signer is found first.
    let pem = std::fs::read_to_string(format!("{DIR}/signing_cert.pem")).unwrap();
    let signer = encode::pem_body(&pem, "CERTIFICATE")
        .as_deref()
        .and_then(Sid::from_certificate)
        .unwrap();
    let sm3 = der::seq(&[&der::oid(&[1, 2, 156, 10197, 1, 401])]);
    let signer_info = der::seq(&[
        &der::uint(&[1]),
        &der::seq(&[&signer.issuer, &der::uint(&signer.serial)]),
        &sm3,
        &der::seq(&[&der::oid(&[1, 2, 840, 113549, 1, 1, 1])]),
        &der::octets(&[0; 256]),
    ]);
    let signed_data = der::seq(&[
        &der::uint(&[1]),
        &der::set(&[&sm3]),
        &der::seq(&[
            &der::oid(&[1, 2, 840, 113549, 1, 7, 1]),
            &der::tlv(0xA0, &der::octets(b"{}")),
        ]),
        &der::set(&[&signer_info]),
    ]);
    let message = der::seq(&[
        &der::oid(&[1, 2, 840, 113549, 1, 7, 2]),
        &der::tlv(0xA0, &signed_data),
    ]);
    let err = keystone().verify(&message).unwrap_err();
    assert!(
        matches!(err, Error::DigestNotImplemented { signer: 1, ref digest } if digest == "SM3"),
        "{err}"
    );
}

#[test]
fn a_key_file_that_is_not_a_key_is_a_bad_private_key() {
    let dir = std::env::temp_dir().join(format!("cmsverify-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("key.pem");
    std::fs::write(
        &key,
        "-----BEGIN PRIVATE KEY-----\nMAMCAQE=\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let err = cmsverify::Signer::from_files(format!("{DIR}/signing_cert.pem"), &key).unwrap_err();
    std::fs::remove_dir_all(&dir).ok();
    assert!(matches!(err, Error::BadPrivateKey { .. }), "{err}");
}
