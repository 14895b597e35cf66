//! The command-line face: exit codes, stderr sentences, JSON verdicts,
//! inspect output and every doctor finding on seeded signing dirs.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const K: &str = "tests/data/keystone";

fn cmsverify(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cmsverify"))
        .args(args)
        .output()
        .unwrap()
}

fn verify(certfile: &str, cafile: &str, input: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "verify",
        "--certfile",
        certfile,
        "--cafile",
        cafile,
        "--in",
        input,
    ];
    args.extend_from_slice(extra);
    cmsverify(&args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn k(name: &str) -> String {
    format!("{K}/{name}")
}

#[test]
fn verify_writes_exactly_the_content() {
    for token in ["token.pki", "token.pkiz", "token.pem", "token.der"] {
        let o = verify(&k("signing_cert.pem"), &k("cacert.pem"), &k(token), &[]);
        assert_eq!(o.status.code(), Some(0), "{token}: {}", stderr(&o));
        assert_eq!(o.stdout, std::fs::read(k("token.json")).unwrap(), "{token}");
        assert!(o.stderr.is_empty());
    }
}

#[test]
fn exit_codes_follow_openssl_classes() {
    let usage = cmsverify(&["verify", "--certfile"]);
    assert_eq!(usage.status.code(), Some(1));
    let missing = verify("/nonexistent.pem", &k("cacert.pem"), &k("token.pki"), &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).starts_with("error: cannot read the certfile /nonexistent.pem"));
    let garbage = verify(
        &k("signing_cert.pem"),
        &k("cacert.pem"),
        &k("token.json"),
        &[],
    );
    assert_eq!(garbage.status.code(), Some(3));
    let stale = verify(
        &k("signing_cert.pem"),
        &k("cacert.pem"),
        &k("other/token.pem"),
        &[],
    );
    assert_eq!(stale.status.code(), Some(4));
    assert!(stale.stdout.is_empty());
    let text = stderr(&stale);
    assert!(
        text.contains("is neither in the certfile nor in the message"),
        "{text}"
    );
    assert!(text.contains("\nhint: the certfile is stale"), "{text}");
    let expired = verify(
        &k("signing_cert.pem"),
        &k("cacert.pem"),
        &k("token.pki"),
        &["--attime", "2200-01-01T00:00:00Z"],
    );
    assert_eq!(expired.status.code(), Some(4));
    assert!(stderr(&expired).contains("expired at 2125-01-01 00:00:00 UTC"));
    let bad_form = verify(
        &k("signing_cert.pem"),
        &k("cacert.pem"),
        &k("token.pki"),
        &["--inform", "pem"],
    );
    assert_eq!(bad_form.status.code(), Some(3));
}

/// An endless input is cut at the 16 MiB message limit instead of being
/// read whole (it would exhaust memory).
#[test]
fn endless_input_is_refused_at_the_message_limit() {
    let too_large = "error: the message is 16777217 bytes, more than the limit of 16777216";
    let verified = verify(&k("signing_cert.pem"), &k("cacert.pem"), "/dev/zero", &[]);
    let inspected = cmsverify(&["inspect", "--in", "/dev/zero"]);
    let piped = Command::new(env!("CARGO_BIN_EXE_cmsverify"))
        .arg("inspect")
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    for o in [verified, inspected, piped] {
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
        assert_eq!(stderr(&o).lines().next(), Some(too_large));
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn json_verdicts_go_to_stderr_or_a_file() {
    let ok = verify(
        &k("signing_cert.pem"),
        &k("cacert.pem"),
        &k("token.pki"),
        &["--json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&ok.stderr).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(
        v["signers"][0]["subject"],
        "C=US, O=OpenStack, CN=Keystone Signing"
    );
    assert_eq!(v["signers"][0]["path"].as_array().unwrap().len(), 2);
    assert_eq!(ok.stdout, std::fs::read(k("token.json")).unwrap());
    let out = std::env::temp_dir().join(format!("cmsverify-verdict-{}.json", std::process::id()));
    let bad = verify(
        &k("signing_cert.pem"),
        &k("cacert.pem"),
        &k("other/token.pem"),
        &["--json-out", out.to_str().unwrap()],
    );
    assert_eq!(bad.status.code(), Some(4));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["exit_code"], 4);
    assert!(v["error"]
        .as_str()
        .unwrap()
        .contains("neither in the certfile"));
    std::fs::remove_file(out).ok();
}

#[test]
fn inspect_shows_structure_and_certificates() {
    let o = cmsverify(&["inspect", "--in", &k("token.pkiz")]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("content:            3005 bytes"), "{text}");
    assert!(
        text.contains("issuer \"C=US, O=OpenStack, CN=Keystone CA\", serial 1001"),
        "{text}"
    );
    let o = cmsverify(&[
        "inspect",
        "--certs",
        "tests/data/scenarios/B01-eku-serverauth/certfile.pem",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cert = &v["certificates"][0];
    assert_eq!(cert["smime_signing"], false);
    assert!(cert["smime_signing_problem"]
        .as_str()
        .unwrap()
        .contains("serverAuth"));
    assert_eq!(
        cmsverify(&["inspect", "--in", &k("token.json")])
            .status
            .code(),
        Some(3)
    );
}

#[test]
fn a_root_whose_key_cannot_be_used_is_named_as_the_reason() {
    let dir = "tests/data/scenarios/E18c-mldsa-root";
    let o = cmsverify(&["inspect", "--certs", &format!("{dir}/cafile.pem")]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("self-signed:        cannot tell: self-issued, but its key cannot be used"),
        "{text}"
    );
    let o = cmsverify(&[
        "verify",
        "--in",
        &format!("{dir}/message.pem"),
        "--certfile",
        &format!("{dir}/certfile.pem"),
        "--cafile",
        &format!("{dir}/cafile.pem"),
    ]);
    assert_eq!(o.status.code(), Some(4));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("its issuer's key fails: its ML-DSA-44 (2.16.840.1.101.3.4.3.17) public key is not supported"),
        "{err}"
    );
    assert!(!err.contains("not in the CAfile"), "{err}");
}

/// A signing_dir in a fresh temporary directory.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Self {
        let p =
            std::env::temp_dir().join(format!("cmsverify-doctor-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Command::new("chmod").arg("700").arg(&p).status().unwrap();
        Dir(p)
    }
    fn put(&self, name: &str, from: impl AsRef<Path>) -> &Self {
        std::fs::copy(from, self.0.join(name)).unwrap();
        self
    }
    fn write(&self, name: &str, bytes: &[u8]) -> &Self {
        std::fs::write(self.0.join(name), bytes).unwrap();
        self
    }
    fn healthy(name: &str) -> Self {
        let d = Dir::new(name);
        d.put("signing_cert.pem", k("signing_cert.pem"))
            .put("cacert.pem", k("cacert.pem"))
            // As auth_token writes it: the verified list (revoked.json), not the message.
            .put("revoked.pem", k("revoked.json"));
        d
    }
    fn doctor(&self, extra: &[&str]) -> (i32, Vec<serde_json::Value>) {
        let mut args = vec![
            "doctor",
            "--signing-dir",
            self.0.to_str().unwrap(),
            "--json",
        ];
        args.extend_from_slice(extra);
        let o = cmsverify(&args);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (
            o.status.code().unwrap(),
            v["findings"].as_array().unwrap().clone(),
        )
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn finding<'a>(
    findings: &'a [serde_json::Value],
    check: &str,
    status: &str,
) -> &'a serde_json::Value {
    findings
        .iter()
        .find(|f| f["check"].as_str().unwrap().contains(check) && f["status"] == status)
        .unwrap_or_else(|| panic!("no {status} finding for {check:?} in {findings:#?}"))
}

#[test]
fn doctor_passes_a_healthy_dir() {
    let d = Dir::healthy("healthy");
    let (code, findings) = d.doctor(&["--token", &k("token.pki")]);
    assert_eq!(code, 0, "{findings:#?}");
    finding(&findings, "token verifies", "ok");
    finding(&findings, "chains to the CA file", "ok");
    assert_eq!(
        finding(&findings, "revoked.pem holds the revocation list", "ok")["found"],
        "0 revoked token(s)"
    );
}

#[test]
fn doctor_reports_missing_dir_and_files() {
    let d = Dir::new("missing");
    let gone = d.0.join("nope");
    let o = cmsverify(&["doctor", "--signing-dir", gone.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("[problem] signing_dir exists"));
    let (code, findings) = d.doctor(&[]);
    assert_eq!(code, 1);
    finding(&findings, "signing_cert.pem present", "problem");
    finding(&findings, "cacert.pem present", "problem");
    finding(&findings, "revoked.pem present", "warning");
}

#[test]
fn doctor_reports_mode_and_garbage() {
    let d = Dir::healthy("garbage");
    Command::new("chmod").arg("755").arg(&d.0).status().unwrap();
    d.write("cacert.pem", b"not a certificate\n")
        .write("revoked.pem", b"garbage");
    let (code, findings) = d.doctor(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        finding(&findings, "signing_dir mode", "warning")["found"],
        "0755"
    );
    assert!(finding(&findings, "cacert.pem parses", "problem")["found"]
        .as_str()
        .unwrap()
        .contains("holds no certificate"));
}

#[test]
fn doctor_reports_bad_revocation_list() {
    let d = Dir::healthy("revoked");
    d.put("revoked.pem", k("token.json"));
    let (code, findings) = d.doctor(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        finding(
            &findings,
            "revoked.pem holds the revocation list",
            "problem"
        )["found"],
        "not JSON {\"revoked\": [...]}"
    );
    // A signed message is what Keystone serves, not what auth_token stores.
    d.put("revoked.pem", k("revoked.pem"));
    let (code, findings) = d.doctor(&[]);
    assert_eq!(code, 1);
    assert!(finding(
        &findings,
        "revoked.pem holds the revocation list",
        "problem"
    )["found"]
        .as_str()
        .unwrap()
        .starts_with("a signed CMS message"));
    d.write(
        "revoked.pem",
        br#"{"revoked": [{"id": "a", "expires": "2125-01-01T00:00:00Z"}, {"id": "b", "expires": "2125-01-01T00:00:00Z"}]}"#,
    );
    let (code, findings) = d.doctor(&[]);
    assert_eq!(code, 0, "{findings:#?}");
    assert_eq!(
        finding(&findings, "revoked.pem holds the revocation list", "ok")["found"],
        "2 revoked token(s)"
    );
}

#[test]
fn doctor_honours_the_certfile_name() {
    let d = Dir::new("certfile-name");
    d.put("signing.pem", k("signing_cert.pem"))
        .put("cacert.pem", k("cacert.pem"))
        .put("revoked.pem", k("revoked.json"));
    let (code, findings) =
        d.doctor(&["--certfile-name", "signing.pem", "--token", &k("token.pki")]);
    assert_eq!(code, 0, "{findings:#?}");
    finding(&findings, "signing.pem parses", "ok");
    let (code, findings) = d.doctor(&[
        "--certfile-name",
        "signing.pem",
        "--token",
        &k("other/token.pki"),
    ]);
    assert_eq!(code, 1);
    let f = finding(&findings, "token verifies", "problem");
    assert!(f["found"]
        .as_str()
        .unwrap()
        .contains("signer is not in signing.pem"));
    assert!(f["fix"]
        .as_str()
        .unwrap()
        .contains("delete signing.pem and cacert.pem"));
    assert!(!f["fix"].as_str().unwrap().contains("signing_cert.pem"));
}

#[test]
fn doctor_reports_expired_and_wrong_purpose_certs() {
    let d = Dir::healthy("expired");
    d.put(
        "signing_cert.pem",
        "tests/data/scenarios/C01-leaf-expired/certfile.pem",
    )
    .put(
        "cacert.pem",
        "tests/data/scenarios/C01-leaf-expired/cafile.pem",
    );
    let (code, findings) = d.doctor(&[]);
    assert_eq!(code, 1);
    assert!(finding(&findings, "validity", "problem")["found"]
        .as_str()
        .unwrap()
        .starts_with("expired at 2024-01-01"));
    let d = Dir::healthy("purpose");
    d.put(
        "signing_cert.pem",
        "tests/data/scenarios/B01-eku-serverauth/certfile.pem",
    )
    .put(
        "cacert.pem",
        "tests/data/scenarios/B01-eku-serverauth/cafile.pem",
    );
    let (_, findings) = d.doctor(&[]);
    assert!(finding(&findings, "may sign", "problem")["found"]
        .as_str()
        .unwrap()
        .contains("serverAuth"));
}

#[test]
fn doctor_explains_tokens_from_another_keystone() {
    let d = Dir::healthy("stale");
    let (code, findings) = d.doctor(&["--token", &k("other/token.pkiz")]);
    assert_eq!(code, 1);
    let f = finding(&findings, "token verifies", "problem");
    assert!(f["found"]
        .as_str()
        .unwrap()
        .contains("the token's signer is not in signing_cert.pem"));
    assert!(f["fix"]
        .as_str()
        .unwrap()
        .contains("stale certificates from another Keystone"));
    let d = Dir::healthy("foreign-ca");
    d.put("cacert.pem", k("other/cacert.pem"));
    let (_, findings) = d.doctor(&[]);
    finding(&findings, "chains to the CA file", "problem");
}

#[test]
fn doctor_accepts_rotation_with_two_signing_certs() {
    let d = Dir::healthy("rotation");
    let mut both = std::fs::read(k("signing_cert.pem")).unwrap();
    both.extend(std::fs::read(k("other/signing_cert.pem")).unwrap());
    let mut cas = std::fs::read(k("cacert.pem")).unwrap();
    cas.extend(std::fs::read(k("other/cacert.pem")).unwrap());
    d.write("signing_cert.pem", &both).write("cacert.pem", &cas);
    let (code, findings) = d.doctor(&["--token", &k("other/token.pem")]);
    assert_eq!(code, 0, "{findings:#?}");
    assert_eq!(
        findings
            .iter()
            .filter(|f| f["check"]
                .as_str()
                .unwrap()
                .contains("chains to the CA file"))
            .count(),
        2
    );
}

#[test]
fn sign_then_verify_round_trips_in_every_form() {
    for form in ["pem", "der", "token", "pkiz"] {
        let out =
            std::env::temp_dir().join(format!("cmsverify-signed-{}-{form}", std::process::id()));
        let o = cmsverify(&[
            "sign",
            "--signer",
            &k("signing_cert.pem"),
            "--inkey",
            &k("signing_key.pem"),
            "--outform",
            form,
            "--binary",
            "--in",
            &k("token.json"),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{form}: {}", stderr(&o));
        let v = verify(
            &k("signing_cert.pem"),
            &k("cacert.pem"),
            out.to_str().unwrap(),
            &[],
        );
        assert_eq!(v.status.code(), Some(0), "{form}: {}", stderr(&v));
        assert_eq!(v.stdout, std::fs::read(k("token.json")).unwrap());
        if form == "pem" {
            assert_eq!(
                std::fs::read(&out).unwrap(),
                std::fs::read(k("token.pem")).unwrap(),
                "same bytes as openssl"
            );
        }
        std::fs::remove_file(out).ok();
    }
    let wrong_key = cmsverify(&[
        "sign",
        "--signer",
        &k("signing_cert.pem"),
        "--inkey",
        &k("other/signing_key.pem"),
        "--in",
        &k("token.json"),
    ]);
    assert_eq!(wrong_key.status.code(), Some(2));
    assert!(stderr(&wrong_key).contains("does not match the certificate"));
}
