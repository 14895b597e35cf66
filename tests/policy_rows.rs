//! The certificate policy as data: every row of `cmsverify::inspect::policy()`
//! has a differential scenario (tests/data/scenarios, whose verdicts the
//! differential suite checks against openssl) in which exactly that row
//! refuses the path, and docs/policy.md is the table generated from the rows.

use cmsverify::{CertProblem, Error, NotCaReason, PurposeProblem, Verifier};

const SCENARIOS: &str = "tests/data/scenarios";

/// The problem a scenario's verification reports.
fn problem(scenario: &str) -> CertProblem {
    let dir = format!("{SCENARIOS}/{scenario}");
    let v = Verifier::from_files(format!("{dir}/certfile.pem"), format!("{dir}/cafile.pem"))
        .unwrap_or_else(|e| panic!("{scenario}: {e}"));
    let message = std::fs::read(format!("{dir}/message.pem")).unwrap();
    match v.verify(&message) {
        Err(Error::Certificate { problem, .. }) => problem,
        other => panic!("{scenario}: expected a certificate problem, got {other:?}"),
    }
}

/// Row name, a scenario where it alone fails, and the problem it reports.
type Case = (&'static str, &'static str, fn(&CertProblem) -> bool);

fn cases() -> Vec<Case> {
    vec![
        (
            "unhandled-critical-extension",
            "B17-unknown-critical",
            |p| matches!(p, CertProblem::UnhandledCriticalExtension(_)),
        ),
        ("ca-status", "D03-inter-ca-false", |p| {
            matches!(p, CertProblem::NotCa(NotCaReason::BasicConstraintsFalse))
        }),
        ("signer-extended-key-usage", "B01-eku-serverauth", |p| {
            matches!(
                p,
                CertProblem::Purpose(PurposeProblem::ExtendedKeyUsage { .. })
            )
        }),
        ("signer-netscape-type", "B11-ns-server", |p| {
            matches!(p, CertProblem::Purpose(PurposeProblem::NetscapeCertType))
        }),
        ("signer-key-usage", "B07-ku-keyencipherment", |p| {
            matches!(p, CertProblem::Purpose(PurposeProblem::KeyUsage))
        }),
        ("ca-extended-key-usage", "D05-inter-eku-server", |p| {
            matches!(
                p,
                CertProblem::Purpose(PurposeProblem::ExtendedKeyUsage { .. })
            )
        }),
        ("ca-netscape-type", "D21-root-ns-sslca", |p| {
            matches!(p, CertProblem::Purpose(PurposeProblem::NetscapeCa))
        }),
        ("path-length", "D13-root-pathlen0", |p| {
            matches!(p, CertProblem::PathLength { .. })
        }),
        ("validity", "K01-utctime-no-seconds", |p| {
            matches!(p, CertProblem::BadTimeFormat(_))
        }),
        ("name-constraints", "E14b-nc-dirname-violated", |p| {
            matches!(p, CertProblem::NameConstraint { .. })
        }),
        ("rfc3779-resources", "P16e-ipaddr-leaf-unnested", |p| {
            matches!(p, CertProblem::UnnestedResources { .. })
        }),
    ]
}

/// Rows no scenario can isolate, with the reason.
const UNTESTED: &[(&str, &str)] = &[
    (
        "proxy-certificate",
        "the scenario generator cannot make proxy certificates",
    ),
    (
        "invalid-extension",
        "a certificate with an invalid extension is nobody's issuer and issued by nobody \
         (ossl_x509_likely_issued), so paths fail before this row (B21 reports the missing \
         issuer); the row fires only for a self-signed signer that is its own anchor",
    ),
];

#[test]
fn every_row_refuses_its_scenario_with_its_problem() {
    for (row, scenario, expected) in cases() {
        let got = problem(scenario);
        assert!(expected(&got), "{row}: {scenario} reported {got:?}");
    }
}

#[test]
fn every_row_is_covered() {
    let cases = cases();
    for row in cmsverify::inspect::policy() {
        assert!(
            cases.iter().any(|(name, ..)| *name == row.name)
                || UNTESTED.iter().any(|(name, _)| *name == row.name),
            "policy row {} has no scenario",
            row.name
        );
    }
}

fn table() -> String {
    let mut out = String::from(
        "# Certificate policy\n\n\
         Generated from `cmsverify::inspect::policy()` by tests/policy_rows.rs\n\
         (`UPDATE_DOCS=1 cargo test --test policy_rows` rewrites it). Each row is\n\
         one check of OpenSSL 3.0 that cmsverify reproduces, in the order the\n\
         checks run on a complete path.\n\n\
         | applies to | row | OpenSSL 3.0 |\n|---|---|---|\n",
    );
    for row in cmsverify::inspect::policy() {
        out.push_str(&format!(
            "| {} | `{}` | `{}` |\n",
            row.applies_to,
            row.name,
            row.openssl.replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn docs_policy_table_is_generated_from_the_rows() {
    let path = "docs/policy.md";
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, table()).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(path).unwrap_or_default(),
        table(),
        "docs/policy.md is stale: run UPDATE_DOCS=1 cargo test --test policy_rows"
    );
}
