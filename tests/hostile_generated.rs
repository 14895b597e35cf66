//! Every attack class of the `cmsverify-attacks` generator, at attack size,
//! against the sample Keystone deployment: each ends with the error that
//! names what stopped it, and the work each call charged stays inside the
//! budget. Work is asserted through `Verifier::verify_measured`, never wall
//! time (scripts/hostile-bench.sh measures time and memory).

use cmsverify::{
    BudgetKind, CertProblem, Error, InputForm, KeyProblem, Limits, Verifier, WorkSpent,
};
use cmsverify_attacks as attacks;

fn keystone() -> Verifier {
    Verifier::from_files(
        "tests/data/keystone/signing_cert.pem",
        "tests/data/keystone/cacert.pem",
    )
    .unwrap()
}

/// Verifies `der` both as DER and as the PKIZ token an attacker would send.
/// The token ends the same way, unless it inflates more than 16 times its
/// compressed size: then inflation stops first. Returns the DER error and the
/// work charged.
fn verify_both(der: &[u8]) -> (Error, WorkSpent) {
    let v = keystone();
    let (der_result, der_spent) = v.verify_measured(der, InputForm::Auto);
    let token = attacks::encode::to_pkiz_token(der);
    let (token_result, token_spent) = v.verify_measured(token.as_bytes(), InputForm::Auto);
    let (der_err, token_err) = (der_result.unwrap_err(), token_result.unwrap_err());
    let compressed = (token.len() - "PKIZ_".len()) * 3 / 4;
    if der.len() > (compressed + 2) * 16 && der.len() > 64 << 10 {
        assert!(
            matches!(token_err, Error::InflatedTooLarge { .. }),
            "{token_err}"
        );
        assert_eq!(token_spent, WorkSpent::default());
    } else {
        assert_eq!(der_err.to_string(), token_err.to_string());
        assert_eq!(der_spent, token_spent);
    }
    within_budget(der_spent);
    (der_err, der_spent)
}

fn within_budget(spent: WorkSpent) {
    let limits = Limits::default();
    assert!(
        spent.signature_checks <= limits.max_signature_checks,
        "{spent:?}"
    );
    assert!(
        spent.public_key_work <= limits.max_public_key_work,
        "{spent:?}"
    );
    assert!(spent.path_steps <= limits.max_path_steps, "{spent:?}");
    assert!(
        spent.name_constraint_checks <= limits.max_name_constraint_checks,
        "{spent:?}"
    );
}

fn issuer_key_problem(err: &Error) -> Option<&KeyProblem> {
    match err {
        Error::Certificate {
            problem: CertProblem::IssuerKey(problem),
            ..
        } => Some(problem),
        _ => None,
    }
}

#[test]
fn a_megabit_modulus_is_refused_before_any_arithmetic() {
    let der = attacks::huge_modulus_issuer(
        &attacks::Sid::default(),
        attacks::DEFAULT_HUGE_MODULUS_BYTES,
    );
    let (err, spent) = verify_both(&der);
    assert_eq!(
        issuer_key_problem(&err),
        Some(&KeyProblem::ModulusTooLarge {
            bits: 1_048_576,
            max: 16384
        }),
        "{err}"
    );
    assert_eq!(spent.public_key_work, 0);
    assert_eq!(spent.signature_checks, 0);
}

#[test]
fn openssls_modulus_limit_is_exact() {
    let sid = attacks::Sid::default();
    let (err, _) = verify_both(&attacks::huge_modulus_issuer(
        &sid,
        attacks::RSA_16392_BITS_BYTES,
    ));
    assert!(
        matches!(
            issuer_key_problem(&err),
            Some(KeyProblem::ModulusTooLarge { bits: 16392, .. })
        ),
        "{err}"
    );
    // 16384 bits is allowed: the key is set up and the (garbage) signature
    // fails, charged by the key's size.
    let (err, spent) = verify_both(&attacks::huge_modulus_issuer(
        &sid,
        attacks::RSA_16384_BITS_BYTES,
    ));
    assert!(issuer_key_problem(&err).is_none(), "{err}");
    assert_eq!(spent.signature_checks, 1);
    assert!(spent.public_key_work > 1000, "{spent:?}");
}

#[test]
fn a_long_exponent_with_a_large_modulus_is_refused() {
    use cmsverify::ExponentProblem::{NotBelowModulus, TooLongForModulus};
    // 2048 exponent bytes: as long as the modulus; 9 bytes: over 64 bits.
    for (exponent_bytes, problem) in [
        (attacks::DEFAULT_HUGE_EXPONENT_BYTES, NotBelowModulus),
        (9, TooLongForModulus),
    ] {
        let der = attacks::huge_exponent_issuer(
            &attacks::Sid::default(),
            attacks::RSA_16384_BITS_BYTES,
            exponent_bytes,
        );
        let (err, spent) = verify_both(&der);
        assert_eq!(
            issuer_key_problem(&err),
            Some(&KeyProblem::BadExponent(problem)),
            "{err}"
        );
        assert_eq!(spent.public_key_work, 0);
    }
}

#[test]
fn candidate_explosion_ends_at_the_shared_budget() {
    let der = attacks::candidate_explosion(
        &attacks::Sid::default(),
        attacks::DEFAULT_CANDIDATES,
        attacks::DEFAULT_ISSUERS,
        attacks::DEFAULT_ISSUER_MODULUS_BYTES,
        attacks::DEFAULT_SIGNERS,
    );
    let (err, spent) = verify_both(&der);
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
    // Each 16384-bit check costs over a thousand units: a handful fit.
    assert!(spent.signature_checks < 20, "{spent:?}");
}

#[test]
fn candidate_explosion_with_small_keys_ends_at_the_signature_budget() {
    let der = attacks::candidate_explosion(
        &attacks::Sid::default(),
        attacks::DEFAULT_CANDIDATES,
        attacks::DEFAULT_ISSUERS,
        256,
        attacks::DEFAULT_SIGNERS,
    );
    let (err, spent) = verify_both(&der);
    assert!(
        matches!(
            err,
            Error::BudgetExhausted {
                budget: BudgetKind::SignatureChecks,
                limit: 100
            }
        ),
        "{err}"
    );
    assert_eq!(spent.signature_checks, 100);
}

#[test]
fn ber_amplification_is_normalised_and_rejected() {
    let der = attacks::ber_amplification(&attacks::Sid::default(), attacks::BerShape::DEFAULT);
    let (err, spent) = verify_both(&der);
    // The message parses (its BER is valid); no certificate names its signer.
    assert!(matches!(err, Error::SignerNotFound { .. }), "{err}");
    assert_eq!(spent, WorkSpent::default());
}

#[test]
fn certificates_are_counted_before_they_are_parsed() {
    let der =
        attacks::many_certificates(&attacks::Sid::default(), attacks::DEFAULT_MANY_CERTIFICATES);
    let (err, _) = verify_both(&der);
    assert!(
        matches!(
            err,
            Error::TooManyEmbeddedCertificates {
                count: 5000,
                max: 1024
            }
        ),
        "{err}"
    );
    assert_eq!(err.exit_code(), 3);
}

#[test]
fn signer_infos_are_counted_before_they_are_parsed() {
    let der =
        attacks::many_signer_infos(&attacks::Sid::default(), attacks::DEFAULT_MANY_SIGNER_INFOS);
    let (err, _) = verify_both(&der);
    assert!(
        matches!(
            err,
            Error::TooManySigners {
                count: 1000,
                max: 16
            }
        ),
        "{err}"
    );
}

#[test]
fn attributes_are_counted_before_they_are_parsed() {
    let der = attacks::many_signed_attributes(
        &attacks::Sid::default(),
        attacks::DEFAULT_MANY_SIGNED_ATTRIBUTES,
    );
    let (err, _) = verify_both(&der);
    assert!(
        matches!(
            err,
            Error::TooManyAttributes {
                signer: 1,
                max: 256,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn deep_nesting_is_refused_in_both_encodings() {
    for indefinite in [false, true] {
        let der = attacks::deep_nesting(
            &attacks::Sid::default(),
            attacks::DEFAULT_NESTING_DEPTH,
            indefinite,
        );
        let (err, _) = verify_both(&der);
        assert!(
            matches!(
                err,
                Error::Malformed {
                    problem: cmsverify::Asn1Error::TooDeep,
                    ..
                }
            ),
            "{err}"
        );
    }
}

#[test]
fn path_steps_are_charged_per_issuer_candidate() {
    let der = attacks::candidate_explosion(&attacks::Sid::default(), 50, 50, 256, 1);
    let mut limits = Limits::default();
    limits.max_path_steps = 40;
    let v = Verifier::builder()
        .limits(limits)
        .files(
            "tests/data/keystone/signing_cert.pem",
            "tests/data/keystone/cacert.pem",
        )
        .unwrap()
        .build()
        .unwrap();
    let (result, spent) = v.verify_measured(&der, InputForm::Der);
    assert!(
        matches!(
            result,
            Err(Error::BudgetExhausted {
                budget: BudgetKind::PathSteps,
                limit: 40
            })
        ),
        "{result:?}"
    );
    assert_eq!(spent.path_steps, 40);
}
