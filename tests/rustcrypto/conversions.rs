//! Certificate conversions and the README sample.

use super::*;
use crate::second_parser::pem_blocks;

// ---------------------------------------------------------------------------
// Certificate conversions.

#[test]
fn certificates_convert_both_ways() {
    for path in [
        format!("{PKI}/root.pem"),
        format!("{PKI}/intermediate.pem"),
        format!("{KEYSTONE}/signing_cert.pem"),
        format!("{KEYSTONE}/cacert.pem"),
    ] {
        let x509 = x509_from_pem(&path);
        let cert = cmsverify::Certificate::try_from(&x509).unwrap();
        assert_eq!(cert.der(), x509.to_der().unwrap(), "{path}");
        let serial: String = x509
            .tbs_certificate()
            .serial_number()
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_eq!(cert.serial_hex(), serial, "{path}");
        assert_eq!(cert.to_x509_cert().unwrap(), x509, "{path}");
        assert_eq!(
            x509_cert::Certificate::try_from(&cert).unwrap(),
            x509,
            "{path}"
        );
    }
}

/// A certificate cmsverify (like OpenSSL) parses but `der` refuses: a
/// notBefore UTCTime without seconds (tests/data/rustcrypto/der-differences.tsv).
#[test]
fn to_x509_cert_reports_what_der_refuses() {
    let text = std::fs::read_to_string(format!("{SCENARIOS}/K01-utctime-no-seconds/certfile.pem"))
        .unwrap();
    let der = &pem_blocks(&text)[0].1;
    let cert = cmsverify::Certificate::from_der(der).unwrap();
    let err = cert.to_x509_cert().unwrap_err();
    assert!(matches!(err, InteropError::Decode(_)), "{err}");
    assert!(
        err.to_string()
            .starts_with("x509-cert does not decode the certificate"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// The README's sample ("Using RustCrypto types"): run here, and the README
// shows exactly these lines.

#[test]
fn readme_sample() -> Result<(), Box<dyn std::error::Error>> {
    // README sample start
    use x509_cert::der::DecodePem;

    // Certificates held as x509-cert types.
    let anchors =
        x509_cert::Certificate::load_pem_chain(&std::fs::read("tests/data/keystone/cacert.pem")?)?;
    let signer =
        x509_cert::Certificate::from_pem(std::fs::read("tests/data/keystone/signing_cert.pem")?)?;

    let mut builder = cmsverify::Verifier::builder().untrusted_x509(&signer)?;
    for cert in &anchors {
        builder = builder.trusted_x509(cert)?;
    }
    let verifier = builder.build()?;

    // A message held as a cms ContentInfo (here decoded; typically the
    // result of cms::builder::SignedDataBuilder::build).
    let message: cms::content_info::ContentInfo =
        x509_cert::der::Decode::from_der(&std::fs::read("tests/data/keystone/token.der")?)?;
    let verified = verifier.verify_content_info(&message)?;

    // The signer, back as an x509-cert type.
    assert_eq!(verified.signers[0].certificate.to_x509_cert()?, signer);
    // README sample end
    assert!(verified.content.starts_with(b"{"));
    Ok(())
}

#[test]
fn readme_shows_the_tested_sample() {
    let source = std::fs::read_to_string("tests/rustcrypto/conversions.rs").unwrap();
    let start = source.find("    // README sample start\n").unwrap();
    let end = source.find("    // README sample end\n").unwrap();
    let tested: Vec<&str> = source[start..end]
        .lines()
        .skip(1)
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect();

    let readme = std::fs::read_to_string("README.md").unwrap();
    let section = &readme[readme.find("## Using RustCrypto types").unwrap()..];
    let block = &section[section.find("```rust\n").unwrap() + 8..];
    let shown: Vec<&str> = block[..block.find("```").unwrap()]
        .lines()
        .filter(|l| !l.starts_with("# "))
        .collect();
    assert_eq!(shown, tested);
}
