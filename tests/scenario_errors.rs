//! Which error each differential scenario reports, pinned: the differential
//! suite compares verdict classes with openssl; this file keeps the reason
//! from drifting (a regression that reports another error fails here).
//! `UPDATE_EXPECTED=1 cargo test --test scenario_errors` rewrites the table
//! after an intended change; review its diff.

use std::fmt::Write as _;

use cmsverify::{Error, InputForm, Verifier};

const SCENARIOS: &str = "tests/data/scenarios";
const EXPECTED: &str = "tests/data/scenarios/expected-errors.tsv";

/// The variant path of an error: `Certificate/NotCa`, `Signature/Invalid`...
fn variant(e: &Error) -> String {
    let head = |debug: String| -> String {
        debug
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let outer = head(format!("{e:?}"));
    let inner = match e {
        Error::Certificate { problem, .. } => Some(head(format!("{problem:?}"))),
        Error::Signature { problem, .. } => Some(head(format!("{problem:?}"))),
        Error::SignerKey { problem, .. } => Some(head(format!("{problem:?}"))),
        Error::Attribute { problem, .. } => Some(head(format!("{problem:?}"))),
        _ => None,
    };
    match inner {
        Some(inner) => format!("{outer}/{inner}"),
        None => outer,
    }
}

fn outcome(dir: &str) -> String {
    let v = Verifier::from_files(format!("{dir}/certfile.pem"), format!("{dir}/cafile.pem"));
    let message = std::fs::read(format!("{dir}/message.pem")).unwrap();
    match v.and_then(|v| v.verify_form(&message, InputForm::Pem)) {
        Ok(_) => "ok".to_owned(),
        Err(e) => variant(&e),
    }
}

fn table() -> String {
    let index = std::fs::read_to_string(format!("{SCENARIOS}/index.tsv")).unwrap();
    let mut out =
        String::from("# scenario\tcmsverify's outcome (Error variant / problem variant)\n");
    for id in index.lines().filter_map(|l| l.split('\t').next()) {
        writeln!(out, "{id}\t{}", outcome(&format!("{SCENARIOS}/{id}"))).unwrap();
    }
    out
}

#[test]
fn every_scenario_reports_its_recorded_error() {
    let table = table();
    if std::env::var_os("UPDATE_EXPECTED").is_some() {
        std::fs::write(EXPECTED, &table).unwrap();
    }
    let expected = std::fs::read_to_string(EXPECTED).unwrap_or_default();
    let changed: Vec<String> = table
        .lines()
        .zip(expected.lines())
        .filter(|(now, then)| now != then)
        .map(|(now, then)| format!("now {now:?}, recorded {then:?}"))
        .collect();
    assert!(
        changed.is_empty() && table.lines().count() == expected.lines().count(),
        "{} scenarios changed their error:\n{}",
        changed.len(),
        changed.join("\n")
    );
}

/// Error variants no scenario produces, and the test file that produces each
/// (checked to name it).
const PRODUCED_ELSEWHERE: &[(&str, &str)] = &[
    ("FileRead", "tests/errors.rs"),
    ("BadCertificate", "tests/errors.rs"),
    ("UnrecognisedInput", "tests/errors.rs"),
    ("UnexpectedForm", "tests/errors.rs"),
    ("Token", "tests/errors.rs"),
    ("DigestNotImplemented", "tests/errors.rs"),
    ("BadPrivateKey", "tests/errors.rs"),
    ("TooManyCertificates", "tests/hostile.rs"),
    ("MessageTooLarge", "tests/hostile.rs"),
    ("InflatedTooLarge", "tests/hostile.rs"),
    ("TooManySigners", "tests/hostile.rs"),
    ("TooManyEmbeddedCertificates", "tests/hostile_generated.rs"),
    ("TooManyAttributes", "tests/hostile_generated.rs"),
    ("BudgetExhausted", "tests/hostile_generated.rs"),
];

/// Variants no input can produce, with the reason.
const UNREACHABLE: &[(&str, &str)] = &[(
    "SigningFailed",
    "a signing backend failing on a key it accepted (RSA, ECDSA and Ed25519 signing do not fail)",
)];

#[test]
fn every_error_variant_is_produced_by_a_test() {
    let source = std::fs::read_to_string("src/error/mod.rs").unwrap();
    let body = source
        .split("pub enum Error {")
        .nth(1)
        .and_then(|rest| rest.split("\n}\n").next())
        .unwrap();
    let recorded = std::fs::read_to_string(EXPECTED).unwrap();
    for line in body.lines() {
        let Some(name) = line
            .strip_prefix("    ")
            .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
            .and_then(|l| l.split(|c: char| !c.is_alphanumeric()).next())
        else {
            continue;
        };
        let in_scenarios = recorded.lines().any(|l| {
            l.split('\t')
                .nth(1)
                .is_some_and(|v| v.split('/').next() == Some(name))
        });
        if UNREACHABLE.iter().any(|(v, _)| *v == name) {
            continue;
        }
        let elsewhere = PRODUCED_ELSEWHERE.iter().find(|(v, _)| *v == name);
        match elsewhere {
            Some((_, file)) => {
                let text = std::fs::read_to_string(file).unwrap();
                assert!(
                    text.contains(&format!("Error::{name}")),
                    "{file} does not produce Error::{name}"
                );
            }
            None => assert!(in_scenarios, "no test produces Error::{name}"),
        }
    }
}
