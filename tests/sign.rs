//! Signing: everything cmsverify signs verifies with `openssl cms -verify`
//! and with cmsverify, for every key type and digest; RSA PKCS#1 v1.5
//! without attributes is byte-identical to openssl's output.

use std::path::{Path, PathBuf};
use std::process::Command;

use cmsverify::{keystone, DigestAlgorithm, InputForm, SignOptions, Signer, Verifier};

const K: &str = "tests/data/keystone";

fn openssl(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cmsverify-sign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A self-signed signing certificate for a fresh key of `genpkey` arguments.
fn self_signed(name: &str, genpkey: &[&str]) -> (PathBuf, PathBuf) {
    let key = tmp(&format!("{name}.key"));
    let cert = tmp(&format!("{name}.pem"));
    let mut args = vec!["genpkey", "-out", key.to_str().unwrap()];
    args.extend_from_slice(genpkey);
    openssl(&args);
    openssl(&[
        "req",
        "-x509",
        "-new",
        "-key",
        key.to_str().unwrap(),
        "-subj",
        &format!("/CN={name}"),
        "-days",
        "3650",
        "-addext",
        "keyUsage=digitalSignature",
        "-out",
        cert.to_str().unwrap(),
    ]);
    (cert, key)
}

fn openssl_verifies(message_der: &[u8], cert: &Path, content: &[u8]) {
    let msg = tmp("msg.der");
    std::fs::write(&msg, message_der).unwrap();
    let empty = tmp("empty-certs");
    std::fs::create_dir_all(&empty).unwrap();
    let out = Command::new("openssl")
        .args(["cms", "-verify", "-inform", "DER", "-in"])
        .arg(&msg)
        .arg("-certfile")
        .arg(cert)
        .arg("-CAfile")
        .arg(cert)
        .env("SSL_CERT_DIR", &empty)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl rejects: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, content);
}

fn cmsverify_verifies(message: &[u8], cert: &Path, content: &[u8]) {
    let v = Verifier::from_files(cert, cert).unwrap();
    assert_eq!(v.verify(message).unwrap().content, content);
}

#[test]
fn rsa_without_attributes_is_byte_identical_to_openssl() {
    let content = std::fs::read(format!("{K}/token.json")).unwrap();
    for (digest, md) in [
        (DigestAlgorithm::Sha256, "sha256"),
        (DigestAlgorithm::Sha1, "sha1"),
        (DigestAlgorithm::Sha512, "sha512"),
    ] {
        let ours = Signer::from_files(
            format!("{K}/signing_cert.pem"),
            format!("{K}/signing_key.pem"),
        )
        .unwrap()
        .digest(digest)
        .sign(&content)
        .unwrap();
        let theirs = openssl(&[
            "cms",
            "-sign",
            "-signer",
            &format!("{K}/signing_cert.pem"),
            "-inkey",
            &format!("{K}/signing_key.pem"),
            "-outform",
            "DER",
            "-nosmimecap",
            "-nodetach",
            "-nocerts",
            "-noattr",
            "-md",
            md,
            "-binary",
            "-in",
            &format!("{K}/token.json"),
        ]);
        assert_eq!(ours, theirs, "{md}");
    }
}

#[test]
fn every_key_type_and_digest_verifies_with_openssl_and_cmsverify() {
    let content = b"{\"token\": {\"signed\": \"by cmsverify\"}}\n";
    let keys = [
        (
            "rsa",
            self_signed(
                "rsa",
                &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
            ),
        ),
        (
            "p256",
            self_signed(
                "p256",
                &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
            ),
        ),
        (
            "p384",
            self_signed(
                "p384",
                &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
            ),
        ),
        (
            "ed25519",
            self_signed("ed25519", &["-algorithm", "ED25519"]),
        ),
    ];
    let digests = [
        DigestAlgorithm::Sha1,
        DigestAlgorithm::Sha224,
        DigestAlgorithm::Sha256,
        DigestAlgorithm::Sha384,
        DigestAlgorithm::Sha512,
    ];
    for (name, (cert, key)) in &keys {
        for digest in digests {
            for options in [
                SignOptions::default(),
                SignOptions {
                    signed_attributes: true,
                    embed_certificate: true,
                    ..SignOptions::default()
                },
                SignOptions {
                    subject_key_id: true,
                    signed_attributes: true,
                    ..SignOptions::default()
                },
            ] {
                let signer = Signer::from_files(cert, key)
                    .unwrap()
                    .digest(digest)
                    .options(options);
                let der = signer.sign(content).unwrap();
                cmsverify_verifies(&der, cert, content);
                if *name != "ed25519" {
                    // OpenSSL 3.0 cannot verify Ed25519 CMS signatures (docs/compatibility.md item 4).
                    openssl_verifies(&der, cert, content);
                }
            }
        }
    }
}

#[test]
fn traditional_key_formats_load() {
    let (cert, key) = self_signed(
        "trad-rsa",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    );
    let pkcs1 = openssl(&["rsa", "-in", key.to_str().unwrap(), "-traditional"]);
    let signer = Signer::from_pem(&std::fs::read(&cert).unwrap(), &pkcs1).unwrap();
    cmsverify_verifies(&signer.sign(b"x").unwrap(), &cert, b"x");
    let (cert, key) = self_signed(
        "trad-ec",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    );
    let sec1 = openssl(&["ec", "-in", key.to_str().unwrap()]);
    let signer = Signer::from_pem(&std::fs::read(&cert).unwrap(), &sec1).unwrap();
    cmsverify_verifies(&signer.sign(b"x").unwrap(), &cert, b"x");
}

#[test]
fn a_key_of_another_certificate_is_refused() {
    let err = Signer::from_files(
        format!("{K}/signing_cert.pem"),
        format!("{K}/other/signing_key.pem"),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("does not match the certificate"),
        "{err}"
    );
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn tokens_round_trip_like_keystoneclient() {
    let signer = Signer::from_files(
        format!("{K}/signing_cert.pem"),
        format!("{K}/signing_key.pem"),
    )
    .unwrap();
    let verifier =
        Verifier::from_files(format!("{K}/signing_cert.pem"), format!("{K}/cacert.pem")).unwrap();
    let content = std::fs::read(format!("{K}/token.json")).unwrap();
    let pem = signer.sign_pem(&content).unwrap();
    assert_eq!(
        pem.as_bytes(),
        std::fs::read(format!("{K}/token.pem")).unwrap(),
        "same as openssl's PEM"
    );
    let token = signer.sign_token(&content).unwrap();
    assert_eq!(token, keystone::cms_to_token(&pem));
    assert_eq!(
        keystone::token_to_cms(&token).replace('\n', ""),
        pem.replace('\n', "")
    );
    assert_eq!(
        verifier
            .verify_form(token.as_bytes(), InputForm::Token)
            .unwrap()
            .content,
        content
    );
    let pkiz = signer.sign_pkiz(&content, 6).unwrap();
    assert_eq!(
        keystone::pkiz_uncompress(&pkiz, &Default::default()).unwrap(),
        pem.as_bytes()
    );
    assert_eq!(verifier.verify(pkiz.as_bytes()).unwrap().content, content);
    let detached = Signer::from_files(
        format!("{K}/signing_cert.pem"),
        format!("{K}/signing_key.pem"),
    )
    .unwrap()
    .options(SignOptions {
        detached: true,
        ..SignOptions::default()
    })
    .sign(&content)
    .unwrap();
    assert_eq!(
        verifier
            .verify_detached(&detached, &content)
            .unwrap()
            .content,
        content
    );
    assert!(matches!(
        verifier.verify(&detached),
        Err(cmsverify::Error::NoContent)
    ));
}
