//! The Rust face against the Keystone sample: every token form verifies to
//! exactly the signed bytes, and each kind of damage is rejected with the
//! right error and exit code.

use cmsverify::{CertProblem, Error, InputForm, Limits, UnixTime, Verifier};

const DIR: &str = "tests/data/keystone";

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap()
}

fn verifier() -> Verifier {
    Verifier::from_files(
        format!("{DIR}/signing_cert.pem"),
        format!("{DIR}/cacert.pem"),
    )
    .unwrap()
}

#[test]
fn every_token_form_verifies_to_the_signed_bytes() {
    let v = verifier();
    for (stem, json) in [
        ("token", "token.json"),
        ("token_10k", "token_10k.json"),
        ("revoked", "revoked.json"),
    ] {
        let expected = read(json);
        for (ext, form) in [
            ("pem", InputForm::Pem),
            ("der", InputForm::Der),
            ("pki", InputForm::Token),
            ("pkiz", InputForm::Pkiz),
        ] {
            let msg = read(&format!("{stem}.{ext}"));
            let auto = v
                .verify(&msg)
                .unwrap_or_else(|e| panic!("{stem}.{ext}: {e}"));
            assert_eq!(auto.content, expected, "{stem}.{ext} (auto)");
            assert_eq!(
                v.verify_form(&msg, form).unwrap().content,
                expected,
                "{stem}.{ext} ({form:?})"
            );
        }
    }
}

#[test]
fn reports_the_signer_and_its_path() {
    let verified = verifier().verify(&read("token.pki")).unwrap();
    assert_eq!(verified.signers.len(), 1);
    let signer = &verified.signers[0];
    assert_eq!(
        signer.certificate.subject(),
        "C=US, O=OpenStack, CN=Keystone Signing"
    );
    assert_eq!(signer.path.len(), 2);
    assert_eq!(
        signer.path[1].subject(),
        "C=US, O=OpenStack, CN=Keystone CA"
    );
    assert_eq!(signer.digest_algorithm, cmsverify::DigestAlgorithm::Sha256);
    assert!(!signer.signed_attributes);
}

#[test]
fn a_flipped_content_byte_is_a_signature_failure() {
    let mut der = read("token.der");
    let json = read("token.json");
    let at = der
        .windows(json.len())
        .position(|w| w == json.as_slice())
        .unwrap();
    der[at + 100] ^= 0x01;
    let err = verifier().verify_form(&der, InputForm::Der).unwrap_err();
    assert!(matches!(err, Error::Signature { signer: 1, .. }), "{err}");
    assert_eq!(err.exit_code(), 4);
}

#[test]
fn a_flipped_signature_byte_is_a_signature_failure() {
    let mut der = read("token.der");
    let len = der.len();
    der[len - 10] ^= 0x80;
    let err = verifier().verify_form(&der, InputForm::Der).unwrap_err();
    assert!(matches!(err, Error::Signature { .. }), "{err}");
    assert!(err.to_string().contains("Keystone Signing"), "{err}");
}

#[test]
fn tokens_of_another_keystone_name_the_stale_certfile() {
    let err = verifier()
        .verify(&std::fs::read(format!("{DIR}/other/token.pem")).unwrap())
        .unwrap_err();
    assert!(err.is_signer_not_found());
    let text = err.to_string();
    assert!(text.contains("Other Keystone CA"), "{text}");
    assert!(
        text.contains("the certfile holds \"C=US, O=OpenStack, CN=Keystone Signing\""),
        "{text}"
    );
    assert_eq!(err.exit_code(), 4);
    assert!(err.hint().unwrap().contains("delete signing_cert.pem"));
}

#[test]
fn the_right_certfile_with_the_wrong_ca_is_an_unknown_issuer() {
    let v = Verifier::from_files(
        format!("{DIR}/signing_cert.pem"),
        format!("{DIR}/other/cacert.pem"),
    )
    .unwrap();
    let err = v.verify(&read("token.pem")).unwrap_err();
    match &err {
        Error::Certificate {
            problem: CertProblem::UnknownIssuer { issuer },
            ..
        } => {
            assert_eq!(issuer, "C=US, O=OpenStack, CN=Keystone CA")
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn rotation_certfile_with_two_signers_verifies_both() {
    let mut certfile = std::fs::read(format!("{DIR}/other/signing_cert.pem")).unwrap();
    certfile.extend(read("signing_cert.pem"));
    let mut cafile = read("cacert.pem");
    cafile.extend(std::fs::read(format!("{DIR}/other/cacert.pem")).unwrap());
    let v = Verifier::from_pem(&certfile, &cafile).unwrap();
    assert_eq!(
        v.verify(&read("token.pki")).unwrap().content,
        read("token.json")
    );
    assert_eq!(
        v.verify(&std::fs::read(format!("{DIR}/other/token.pkiz")).unwrap())
            .unwrap()
            .content,
        std::fs::read(format!("{DIR}/other/token.json")).unwrap()
    );
}

#[test]
fn verification_time_is_settable_and_checked() {
    let at = UnixTime::from_civil(2130, 1, 1, 0, 0, 0);
    let v = Verifier::builder()
        .files(
            format!("{DIR}/signing_cert.pem"),
            format!("{DIR}/cacert.pem"),
        )
        .unwrap()
        .time(at)
        .build()
        .unwrap();
    let err = v.verify(&read("token.pem")).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Certificate {
                problem: CertProblem::Expired { .. },
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("expired at 2125-01-01 00:00:00 UTC"),
        "{err}"
    );
}

#[test]
fn missing_files_are_config_errors_naming_the_file() {
    let err = Verifier::from_files("/nonexistent/signing_cert.pem", format!("{DIR}/cacert.pem"))
        .unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(
        err.to_string()
            .contains("certfile /nonexistent/signing_cert.pem"),
        "{err}"
    );
    let err = Verifier::from_files(format!("{DIR}/signing_cert.pem"), "/nonexistent/cacert.pem")
        .unwrap_err();
    assert!(
        err.to_string().contains("CAfile /nonexistent/cacert.pem"),
        "{err}"
    );
    let err = Verifier::from_files(
        format!("{DIR}/signing_cert.pem"),
        format!("{DIR}/token.json"),
    )
    .unwrap_err();
    assert!(matches!(err, Error::NoCertificates { .. }), "{err}");
}

#[test]
fn garbage_is_a_parse_error() {
    let v = verifier();
    for input in [
        &b""[..],
        b"hello",
        b"MIIgarbage!",
        b"PKIZ_!!!",
        b"\x30\x82\xff\xff",
    ] {
        let err = v.verify(input).unwrap_err();
        assert_eq!(err.exit_code(), 3, "{input:?}: {err}");
    }
}

#[test]
fn pkiz_bombs_stop_at_the_cap() {
    let bomb = cmsverify::keystone::pkiz_compress(&vec![b'A'; 4 << 20], 9);
    let v = Verifier::builder()
        .files(
            format!("{DIR}/signing_cert.pem"),
            format!("{DIR}/cacert.pem"),
        )
        .unwrap()
        .limits({
            let mut limits = Limits::default();
            limits.max_inflated_bytes = 1 << 20;
            limits.max_inflation_ratio = 10_000;
            limits
        })
        .build()
        .unwrap();
    assert!(
        matches!(v.verify(bomb.as_bytes()), Err(Error::InflatedTooLarge { max }) if max == 1 << 20)
    );
    // By default a 4 KiB token inflates to at most 64 KiB.
    assert!(bomb.len() < 8 << 10);
    assert!(matches!(
        verifier().verify(bomb.as_bytes()),
        Err(Error::InflatedTooLarge { max: 65536 })
    ));
}

#[test]
fn small_tokens_inflate_in_proportion_to_their_size() {
    // 1 MiB of pseudo-random hex compresses about 2:1: far inside the ratio.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let text: Vec<u8> = (0..1 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            b"0123456789abcdef"[usize::try_from(state % 16).unwrap()]
        })
        .collect();
    let token = cmsverify::keystone::pkiz_compress(&text, 6);
    let payload = cmsverify::keystone::pkiz_uncompress(&token, &Limits::default()).unwrap();
    assert_eq!(payload, text);
}

#[test]
fn detached_content_is_verified_against_the_signature() {
    let v = verifier();
    let json = read("token.json");
    assert_eq!(
        v.verify_detached(&read("token.pem"), &json)
            .unwrap()
            .content,
        json
    );
    let mut other = json.clone();
    other[0] ^= 1;
    assert!(matches!(
        v.verify_detached(&read("token.pem"), &other),
        Err(Error::Signature { .. })
    ));
}

#[test]
fn the_verifier_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Verifier>();
    let v = verifier();
    let token = read("token.pki");
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..20 {
                    assert_eq!(v.verify(&token).unwrap().content, read("token.json"));
                }
            });
        }
    });
}

/// RSA keys with exponents over 33 bits (which the `rsa` crate refuses and
/// OpenSSL takes) verify through the portable operation, PKCS#1 v1.5 and
/// PSS, and a changed signature byte still fails.
#[test]
fn large_rsa_exponents_verify_and_still_catch_tampering() {
    for scenario in ["P20-rsa-exponent-41-bits", "P20c-rsa-exponent-65-bits-pss"] {
        let dir = format!("tests/data/scenarios/{scenario}");
        let v = Verifier::from_files(format!("{dir}/certfile.pem"), format!("{dir}/cafile.pem"))
            .unwrap();
        let pem = std::fs::read_to_string(format!("{dir}/message.pem")).unwrap();
        assert!(
            v.verify_form(pem.as_bytes(), InputForm::Pem).is_ok(),
            "{scenario}"
        );
        // The SignerInfo's signature ends the message: change a base64
        // character of the last body line (no padding is touched).
        let mut lines: Vec<String> = pem.lines().map(str::to_owned).collect();
        let last = lines.len() - 2;
        let mut chars: Vec<char> = lines[last].chars().collect();
        let at = chars.iter().rposition(|&c| c != '=').unwrap() - 1;
        chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
        lines[last] = chars.into_iter().collect();
        let tampered = lines.join("\n") + "\n";
        assert!(
            matches!(
                v.verify_form(tampered.as_bytes(), InputForm::Pem),
                Err(Error::Signature { .. })
            ),
            "{scenario}"
        );
    }
}

/// Name-constraint work is charged per name the certificate can present (its
/// subject, each subject attribute, each SAN) times the CA's subtrees, before
/// any comparison (the budget's name_constraint_checks); names this short add
/// nothing for their length.
#[test]
fn name_constraint_work_is_charged_per_name_and_subtree() {
    // (scenario, subject + 2 attributes + SANs, subtrees, converting the
    // rfc822Name constraints for an SmtpUTF8Mailbox SAN)
    for (scenario, names, subtrees, eai) in [
        ("E14-nc-dirname-permitted", 1 + 2, 1, 0),
        ("nc-email-permitted", 1 + 2 + 1, 1, 0),
        ("NC01b-smtputf8-permitted", 1 + 2 + 1, 1, 1),
    ] {
        let dir = format!("tests/data/scenarios/{scenario}");
        let v = Verifier::from_files(format!("{dir}/certfile.pem"), format!("{dir}/cafile.pem"))
            .unwrap();
        let message = std::fs::read(format!("{dir}/message.pem")).unwrap();
        let (result, spent) = v.verify_measured(&message, InputForm::Pem);
        assert!(result.is_ok(), "{scenario}: {result:?}");
        assert_eq!(
            spent.name_constraint_checks,
            names * subtrees + eai,
            "{scenario}"
        );
    }
}

/// A CA's name constraints times a certificate's names: the budget stops the
/// work before any comparison; with the budget raised, OpenSSL's own guard
/// (NAME_CHECK_MAX, 2^20 pairs) refuses what OpenSSL refuses, and what is
/// under it is compared.
#[test]
fn name_constraint_explosions_stop_at_the_budget_then_at_openssls_guard() {
    let run = |scenario: &str, limits: Limits| {
        let dir = format!("tests/data/scenarios/{scenario}");
        let read = |f: &str| std::fs::read(format!("{dir}/{f}")).unwrap();
        let v = Verifier::builder()
            .cafile_pem(&read("cafile.pem"))
            .and_then(|b| b.certfile_pem(&read("certfile.pem")))
            .unwrap()
            .limits(limits)
            .build()
            .unwrap();
        v.verify_measured(&read("message.pem"), InputForm::Pem)
    };
    let mut raised = Limits::default();
    raised.max_name_constraint_checks = 10_000_000;
    // 1,100 subtrees x (1 + 2 subject entries + 1,000 SANs).
    let (result, spent) = run("NC08-constraint-pairs-over-openssl-max", Limits::default());
    assert!(
        matches!(result, Err(Error::BudgetExhausted { .. })),
        "{result:?}"
    );
    assert_eq!(spent.name_constraint_checks, 0);
    let (result, spent) = run("NC08-constraint-pairs-over-openssl-max", raised);
    assert!(
        matches!(
            result,
            Err(Error::Certificate {
                problem: CertProblem::TooManyNameConstraintChecks {
                    names: 1002,
                    constraints: 1100
                },
                ..
            })
        ),
        "{result:?}"
    );
    // Per subtree: 1,003 names, plus 62 for their bytes (about 16 KB, in
    // units of 256: a comparison may read a whole name).
    assert_eq!(spent.name_constraint_checks, (1003 + 62) * 1100);
    // 300 subtrees: under 2^20 pairs, compared (none matches) and verified.
    let (result, spent) = run("NC08b-constraint-pairs-over-budget", raised);
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(spent.name_constraint_checks, (1003 + 62) * 300);
}

/// A certificate whose issuer is nowhere is named for its place: an
/// intermediate from the message is a CA certificate, not a trust anchor.
#[test]
fn an_intermediate_without_issuer_is_named_a_ca_certificate() {
    let dir = "tests/data/scenarios/A02-intermediate-embedded";
    let v =
        Verifier::from_files(format!("{dir}/certfile.pem"), format!("{DIR}/cacert.pem")).unwrap();
    let message = std::fs::read(format!("{dir}/message.pem")).unwrap();
    let err = v.verify_form(&message, InputForm::Pem).unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Certificate {
                role: cmsverify::CertRole::Intermediate,
                problem: CertProblem::UnknownIssuer { .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("CA certificate"), "{err}");
}

/// `inspect` tells whether a certificate could sign S/MIME, and why not.
#[test]
fn inspect_names_the_smime_signing_problem() {
    let info = |scenario: &str| {
        let pem = std::fs::read(format!("tests/data/scenarios/{scenario}/certfile.pem")).unwrap();
        cmsverify::inspect::certificates(&pem).unwrap()[0].info()
    };
    assert!(info("A01-baseline-attrs").smime_signing_problem.is_none());
    assert!(matches!(
        info("B01-eku-serverauth").smime_signing_problem,
        Some(CertProblem::Purpose(_))
    ));
}

/// A path through an intermediate the message carried is cached with that
/// condition: the same message again reuses it (only the content signature is
/// checked).
#[test]
fn a_path_through_a_message_intermediate_is_reused_while_the_message_carries_it() {
    let dir = "tests/data/scenarios/A02-intermediate-embedded";
    let v =
        Verifier::from_files(format!("{dir}/certfile.pem"), format!("{dir}/cafile.pem")).unwrap();
    let message = std::fs::read(format!("{dir}/message.pem")).unwrap();
    let (first, cold) = v.verify_measured(&message, InputForm::Pem);
    let (again, warm) = v.verify_measured(&message, InputForm::Pem);
    assert!(first.is_ok() && again.is_ok());
    // Cold: the signer's and the intermediate's certificates, and the
    // message; warm: the message only.
    assert_eq!((cold.signature_checks, warm.signature_checks), (3, 1));
}
