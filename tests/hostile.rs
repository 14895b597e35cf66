//! Hostile input: every limit of `Limits` ends the work with a clear error,
//! never a crash, a hang or an unbounded allocation.

use cmsverify::{BudgetKind, Error, InputForm, Limits, Verifier};

const H: &str = "tests/data/hostile";

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn thousands_of_same_name_issuers_exhaust_the_budget() {
    // The certfile holds the signer and 1000 self-signed P-256 CAs named like
    // its issuer: each costs a signature check and about 240 units of key work.
    let v = Verifier::from_files(
        format!("{H}/same-subject/certfile.pem"),
        format!("{H}/same-subject/cafile.pem"),
    )
    .unwrap();
    let message = read(&format!("{H}/same-subject/message.pem"));
    let (result, spent) = v.verify_measured(&message, InputForm::Auto);
    let err = result.unwrap_err();
    assert!(
        matches!(
            err,
            Error::BudgetExhausted {
                budget: BudgetKind::PublicKeyWork,
                limit
            } if limit == Limits::default().max_public_key_work
        ),
        "{err}"
    );
    assert_eq!(err.exit_code(), 4);
    assert!(
        spent.public_key_work <= Limits::default().max_public_key_work,
        "{spent:?}"
    );
    // About 240 units a decoy (setup and one P-256 verification).
    let decoys = Limits::default().max_public_key_work / 240;
    assert!(
        (decoys - 2..=decoys).contains(&spent.signature_checks),
        "{spent:?}"
    );
    // With the key-work budget raised, the signature-check budget stops it.
    let mut limits = Limits::default();
    limits.max_public_key_work = 1_000_000;
    limits.max_signature_checks = 400;
    let v = Verifier::builder()
        .limits(limits)
        .files(
            format!("{H}/same-subject/certfile.pem"),
            format!("{H}/same-subject/cafile.pem"),
        )
        .unwrap()
        .build()
        .unwrap();
    let (result, spent) = v.verify_measured(&message, InputForm::Auto);
    assert!(matches!(
        result,
        Err(Error::BudgetExhausted {
            budget: BudgetKind::SignatureChecks,
            limit: 400
        })
    ));
    assert_eq!(spent.signature_checks, 400);
}

#[test]
fn issuer_loops_end() {
    let v = Verifier::from_files(
        format!("{H}/loop/certfile.pem"),
        format!("{H}/loop/cafile.pem"),
    )
    .unwrap();
    let err = v
        .verify(&read(&format!("{H}/loop/message.pem")))
        .unwrap_err();
    assert!(matches!(err, Error::Certificate { .. }), "{err}");
    assert!(err.to_string().contains("Loop"), "{err}");
}

#[test]
fn path_length_limit_is_reported() {
    let v = Verifier::builder()
        .limits({
            let mut limits = Limits::default();
            limits.max_path_len = 2;
            limits
        })
        .files(
            format!("{H}/loop/certfile.pem"),
            format!("{H}/loop/cafile.pem"),
        )
        .unwrap()
        .build()
        .unwrap();
    let err = v
        .verify(&read(&format!("{H}/loop/message.pem")))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("needs a path of more than 2 certificates"),
        "{err}"
    );
}

#[test]
fn too_many_certificates_in_a_bundle() {
    let v = Verifier::builder()
        .limits({
            let mut limits = Limits::default();
            limits.max_certificates = 500;
            limits
        })
        .files(
            format!("{H}/same-subject/certfile.pem"),
            format!("{H}/same-subject/cafile.pem"),
        );
    assert!(matches!(
        v,
        Err(Error::TooManyCertificates { max: 500, .. })
    ));
}

#[test]
fn too_many_signers() {
    let v = Verifier::from_files(
        format!("{H}/many-signers-certfile.pem"),
        format!("{H}/root.pem"),
    )
    .unwrap();
    let err = v
        .verify(&read(&format!("{H}/many-signers.pem")))
        .unwrap_err();
    assert!(
        matches!(err, Error::TooManySigners { count: 20, max: 16 }),
        "{err}"
    );
    assert_eq!(err.exit_code(), 3);
}

fn keystone() -> Verifier {
    Verifier::from_files(
        "tests/data/keystone/signing_cert.pem",
        "tests/data/keystone/cacert.pem",
    )
    .unwrap()
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    for depth in [100usize, 10_000, 1_000_000] {
        let mut ber = Vec::with_capacity(depth * 4);
        for _ in 0..depth {
            ber.extend_from_slice(&[0x30, 0x80]);
        }
        ber.extend(std::iter::repeat_n(0u8, depth * 2));
        let err = keystone().verify_form(&ber, InputForm::Der).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Malformed {
                    problem: cmsverify::Asn1Error::TooDeep,
                    ..
                }
            ),
            "{depth}: {err}"
        );
    }
}

#[test]
fn huge_length_fields_are_refused() {
    for der in [
        &[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00][..],
        &[0x30, 0x88, 1, 0, 0, 0, 0, 0, 0, 0],
        &[0x30, 0x83, 0x7F, 0xFF, 0xFF],
    ] {
        let err = keystone().verify_form(der, InputForm::Der).unwrap_err();
        assert_eq!(err.exit_code(), 3, "{der:?}: {err}");
    }
}

#[test]
fn oversized_input_is_refused_before_decoding() {
    let v = Verifier::builder()
        .limits({
            let mut limits = Limits::default();
            limits.max_message_bytes = 1 << 20;
            limits
        })
        .files(
            "tests/data/keystone/signing_cert.pem",
            "tests/data/keystone/cacert.pem",
        )
        .unwrap()
        .build()
        .unwrap();
    let big = vec![b'A'; (1 << 20) + 1];
    assert!(
        matches!(v.verify(&big), Err(Error::MessageTooLarge { size, max }) if size == (1 << 20) + 1 && max == 1 << 20)
    );
}

#[test]
fn a_zlib_bomb_of_hundreds_of_megabytes_stops_at_the_cap() {
    // 512 MiB of zeros as a PKIZ token of about 680 KiB (tests/data/make_hostile.py).
    let bomb = read(&format!("{H}/bomb.pkiz"));
    assert!(bomb.len() < 1 << 20);
    let err = keystone().verify(&bomb).unwrap_err();
    // The cap is 16 times the compressed size (under the 16 MiB maximum).
    assert!(
        matches!(err, Error::InflatedTooLarge { max } if max > 4 << 20 && max < 16 << 20),
        "{err}"
    );
}
