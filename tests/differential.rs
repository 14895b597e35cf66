//! Differential tests: every scenario of tests/data/scenarios is verified by
//! the `openssl` command (keystoneclient's exact arguments, an empty
//! SSL_CERT_DIR so it trusts only the CAfile) and by cmsverify; the verdicts
//! must agree, except for the deliberate differences of
//! tests/differential/allow.tsv. The verdicts come from running openssl.
//!
//! A mutation pass then checks that single-byte changes to valid messages are
//! never accepted by cmsverify unless openssl accepts them with the same content.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use cmsverify::{ErrorClass, InputForm, Verifier};

const SCENARIOS: &str = "tests/data/scenarios";

/// A verdict class shared by both tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Ok,
    Config,
    Parse,
    Verify,
}

impl Class {
    fn parse(s: &str) -> Class {
        match s {
            "ok" => Class::Ok,
            "config" => Class::Config,
            "parse" => Class::Parse,
            "verify" => Class::Verify,
            other => panic!("unknown class {other:?} in allow.tsv"),
        }
    }
}

struct Outcome {
    class: Class,
    content: Vec<u8>,
    reason: String,
}

fn openssl_verify(dir: &Path, message: &Path, cert_dir: &Path) -> Outcome {
    let out = Command::new("openssl")
        .args(["cms", "-verify", "-in"])
        .arg(message)
        .arg("-certfile")
        .arg(dir.join("certfile.pem"))
        .arg("-CAfile")
        .arg(dir.join("cafile.pem"))
        .args([
            "-inform",
            "PEM",
            "-nosmimecap",
            "-nodetach",
            "-nocerts",
            "-noattr",
        ])
        .env("SSL_CERT_DIR", cert_dir)
        .output()
        .expect("the openssl command must be installed (the test script installs it)");
    let class = match out.status.code() {
        Some(0) => Class::Ok,
        // OpenSSL 3.0 exits 2 for unreadable files and unparsable messages alike.
        Some(2) => Class::Parse,
        Some(4) => Class::Verify,
        other => panic!(
            "{}: unexpected openssl exit {other:?}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        ),
    };
    Outcome {
        class,
        content: out.stdout,
        reason: String::from_utf8_lossy(&out.stderr)
            .lines()
            .nth(1)
            .unwrap_or_default()
            .to_owned(),
    }
}

fn cmsverify_verify(dir: &Path, message: &[u8]) -> Outcome {
    let result = Verifier::from_files(dir.join("certfile.pem"), dir.join("cafile.pem"))
        .and_then(|v| v.verify_form(message, InputForm::Pem));
    match result {
        Ok(v) => Outcome {
            class: Class::Ok,
            content: v.content,
            reason: String::new(),
        },
        Err(e) => Outcome {
            class: match e.class() {
                ErrorClass::Config => Class::Config,
                ErrorClass::Parse => Class::Parse,
                ErrorClass::Verification => Class::Verify,
                other => panic!("unexpected error class {other:?}"),
            },
            content: Vec::new(),
            reason: e.to_string(),
        },
    }
}

/// OpenSSL's class 2 covers both unreadable trust files and unparsable messages.
fn agrees(openssl: Class, ours: Class) -> bool {
    match openssl {
        Class::Parse => matches!(ours, Class::Config | Class::Parse),
        other => other == ours,
    }
}

struct Allowed {
    openssl: Class,
    ours: Class,
}

fn allow_list() -> BTreeMap<String, Allowed> {
    let text = std::fs::read_to_string("tests/differential/allow.tsv").expect("allow.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(
                f.len(),
                5,
                "allow.tsv line needs 5 tab-separated fields: {l}"
            );
            (
                f[0].to_owned(),
                Allowed {
                    openssl: Class::parse(f[1]),
                    ours: Class::parse(f[2]),
                },
            )
        })
        .collect()
}

fn scenario_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(SCENARIOS)
        .expect("tests/data/scenarios")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("message.pem").exists())
        .collect();
    dirs.sort();
    dirs
}

fn empty_cert_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cmsverify-empty-certs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn every_scenario_agrees_with_openssl() {
    let allowed = allow_list();
    let empty = empty_cert_dir();
    let dirs = scenario_dirs();
    assert!(
        dirs.len() >= 60,
        "expected at least 60 scenarios, found {}",
        dirs.len()
    );
    let mut failures = Vec::new();
    let mut agreed = 0;
    let mut seen_allowed = 0;
    for dir in &dirs {
        let id = dir.file_name().unwrap().to_string_lossy().into_owned();
        let cert_dir = if dir.join("ssl_cert_dir").is_dir() {
            dir.join("ssl_cert_dir")
        } else {
            empty.clone()
        };
        let message_path = dir.join("message.pem");
        let theirs = openssl_verify(dir, &message_path, &cert_dir);
        let ours = cmsverify_verify(dir, &std::fs::read(&message_path).unwrap());
        if ours.class != Class::Ok && ours.reason.trim().is_empty() {
            failures.push(format!("{id}: cmsverify rejected without a reason"));
        }
        match allowed.get(&id) {
            Some(a) => {
                seen_allowed += 1;
                if theirs.class != a.openssl || ours.class != a.ours {
                    failures.push(format!(
                        "{id}: allow-listed as openssl {:?} / cmsverify {:?}, observed openssl {:?} ({}) / cmsverify {:?} ({})",
                        a.openssl, a.ours, theirs.class, theirs.reason, ours.class, ours.reason
                    ));
                }
            }
            None if !agrees(theirs.class, ours.class) => failures.push(format!(
                "{id}: openssl {:?} ({}) but cmsverify {:?} ({})",
                theirs.class, theirs.reason, ours.class, ours.reason
            )),
            None if ours.class == Class::Ok && ours.content != theirs.content => {
                failures.push(format!("{id}: both accept but the content differs"))
            }
            None => agreed += 1,
        }
    }
    let missing: Vec<&String> = allowed
        .keys()
        .filter(|k| !dirs.iter().any(|d| d.ends_with(k.as_str())))
        .collect();
    assert!(
        missing.is_empty(),
        "allow.tsv names scenarios that do not exist: {missing:?}"
    );
    println!(
        "{agreed} scenarios agree, {seen_allowed} differ as allow-listed, {} disagree",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "disagreements:\n{}",
        failures.join("\n")
    );
}

/// A small deterministic generator (xorshift) for mutation positions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn pem_of(der: &[u8]) -> Vec<u8> {
    // Standard base64 without padding subtleties: use the openssl command only
    // for accepted mutants, so this stays off the hot loop.
    let out = Command::new("openssl")
        .args(["base64", "-e"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(der)?;
            child.wait_with_output()
        })
        .expect("openssl base64");
    let mut pem = b"-----BEGIN CMS-----\n".to_vec();
    pem.extend_from_slice(&out.stdout);
    pem.extend_from_slice(b"-----END CMS-----\n");
    pem
}

#[test]
fn single_byte_mutants_are_never_accepted_unless_openssl_agrees() {
    let empty = empty_cert_dir();
    let valid: Vec<PathBuf> = scenario_dirs()
        .into_iter()
        .filter(|d| {
            cmsverify_verify(d, &std::fs::read(d.join("message.pem")).unwrap()).class == Class::Ok
        })
        .filter(|d| openssl_verify(d, &d.join("message.pem"), &empty).class == Class::Ok)
        .take(12)
        .collect();
    assert!(valid.len() >= 5, "need valid scenarios to mutate");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut mutants = 0;
    let mut accepted = 0;
    for dir in &valid {
        let verifier =
            Verifier::from_files(dir.join("certfile.pem"), dir.join("cafile.pem")).unwrap();
        let original = verifier
            .verify_form(
                &std::fs::read(dir.join("message.pem")).unwrap(),
                InputForm::Pem,
            )
            .unwrap();
        let der = pem_to_der(&std::fs::read(dir.join("message.pem")).unwrap());
        for _ in 0..200 {
            let pos = usize::try_from(rng.next() % u64::try_from(der.len()).unwrap()).unwrap();
            let mut mutant = der.clone();
            mutant[pos] ^= u8::try_from(rng.next() % 255 + 1).unwrap();
            mutants += 1;
            if let Ok(v) = verifier.verify_form(&mutant, InputForm::Der) {
                accepted += 1;
                let tmp = std::env::temp_dir()
                    .join(format!("cmsverify-mutant-{}-{pos}.pem", std::process::id()));
                std::fs::write(&tmp, pem_of(&mutant)).unwrap();
                let theirs = openssl_verify(dir, &tmp, &empty);
                std::fs::remove_file(&tmp).ok();
                assert!(
                    theirs.class == Class::Ok && theirs.content == v.content,
                    "{}: mutant at byte {pos} ({:#04x} -> {:#04x}) accepted by cmsverify but not by openssl ({})",
                    dir.display(),
                    der[pos],
                    mutant[pos],
                    theirs.reason
                );
                assert_eq!(
                    v.content, original.content,
                    "a mutant changed the verified content"
                );
            }
        }
    }
    println!("{mutants} mutants, {accepted} accepted by both");
    assert!(mutants >= 2000);
}

fn pem_to_der(pem: &[u8]) -> Vec<u8> {
    let out = Command::new("openssl")
        .args(["cms", "-cmsout", "-inform", "PEM", "-outform", "DER"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(pem)?;
            child.wait_with_output()
        })
        .expect("openssl cms -cmsout");
    out.stdout
}
