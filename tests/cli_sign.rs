//! `cmsverify sign` and `verify --content`: keystoneclient's signing byte for
//! byte (text mode, as `openssl cms -sign` without `-binary`), `--binary`,
//! detached signatures, and only the digests `verify` accepts.
#![cfg(feature = "cli")]

use std::path::PathBuf;
use std::process::{Command, Output};

const K: &str = "tests/data/keystone";

fn k(name: &str) -> String {
    format!("{K}/{name}")
}

fn cmsverify(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cmsverify"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temporary file path, removed on drop.
struct Temp(PathBuf);

impl Temp {
    fn new(name: &str) -> Self {
        Temp(std::env::temp_dir().join(format!("cmsverify-cli-sign-{name}-{}", std::process::id())))
    }
    fn s(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn sign(input: &str, out: &Temp, extra: &[&str]) -> Output {
    let mut args = vec![
        "sign",
        "--signer",
        K_CERT,
        "--inkey",
        K_KEY,
        "--in",
        input,
        "--out",
        out.s(),
    ];
    args.extend_from_slice(extra);
    cmsverify(&args)
}

const K_CERT: &str = "tests/data/keystone/signing_cert.pem";
const K_KEY: &str = "tests/data/keystone/signing_key.pem";
const K_CA: &str = "tests/data/keystone/cacert.pem";

/// keystoneclient's `cms_sign_data` command line, run on `input`.
fn openssl_keystoneclient_sign(input: &str, md: &str) -> Vec<u8> {
    let o = Command::new("openssl")
        .args([
            "cms",
            "-sign",
            "-signer",
            K_CERT,
            "-inkey",
            K_KEY,
            "-outform",
            "PEM",
            "-nosmimecap",
            "-nodetach",
            "-nocerts",
            "-noattr",
            "-md",
            md,
            "-in",
            input,
        ])
        .output()
        .expect("the openssl command (the test command installs it)");
    assert!(o.status.success(), "{}", stderr(&o));
    o.stdout
}

#[test]
fn sign_matches_keystoneclients_openssl_byte_for_byte() {
    // Lines with LF, CRLF, a long line and no final newline: text mode's cases.
    let input = Temp::new("input");
    let mut text = b"{\"token\": 1}\nsecond\r\n".to_vec();
    text.extend(std::iter::repeat_n(b'x', 1500));
    text.extend(b"\nlast");
    std::fs::write(&input.0, &text).unwrap();
    for (inp, md) in [
        (input.s(), "sha256"),
        (&k("token.json")[..], "sha512"),
        (&k("token.json")[..], "sha1"),
    ] {
        let out = Temp::new("text");
        let o = sign(inp, &out, &["--md", md]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            std::fs::read(&out.0).unwrap(),
            openssl_keystoneclient_sign(inp, md),
            "{inp} {md}"
        );
    }
}

#[test]
fn binary_signs_the_bytes_as_given() {
    let out = Temp::new("binary");
    let o = sign(&k("token.json"), &out, &["--binary"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&out.0).unwrap(),
        std::fs::read(k("token.pem")).unwrap()
    );
    let text = Temp::new("text-content");
    assert_eq!(sign(&k("token.json"), &text, &[]).status.code(), Some(0));
    let content = |signed: &Temp| {
        let o = cmsverify(&[
            "verify",
            "--certfile",
            K_CERT,
            "--cafile",
            K_CA,
            "--in",
            signed.s(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        o.stdout
    };
    let json = std::fs::read(k("token.json")).unwrap();
    assert_eq!(content(&out), json);
    assert_eq!(
        content(&text),
        String::from_utf8(json)
            .unwrap()
            .replace('\n', "\r\n")
            .into_bytes()
    );
}

#[test]
fn verify_checks_detached_signatures_made_by_sign() {
    for (mode, extra) in [("text", &[][..]), ("binary", &["--binary"][..])] {
        let sig = Temp::new(&format!("detached-{mode}"));
        let mut args = vec!["--detached"];
        args.extend_from_slice(extra);
        let o = sign(&k("token.json"), &sig, &args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let verify = |content: &str, extra: &[&str]| {
            let mut args = vec![
                "verify",
                "--certfile",
                K_CERT,
                "--cafile",
                K_CA,
                "--in",
                sig.s(),
                "--content",
                content,
            ];
            args.extend_from_slice(extra);
            cmsverify(&args)
        };
        let ok = verify(&k("token.json"), extra);
        assert_eq!(ok.status.code(), Some(0), "{mode}: {}", stderr(&ok));
        // Without --content there is nothing to check the signature over.
        let o = cmsverify(&[
            "verify",
            "--certfile",
            K_CERT,
            "--cafile",
            K_CA,
            "--in",
            sig.s(),
        ]);
        assert_ne!(o.status.code(), Some(0));
        let wrong = verify(&k("revoked.json"), extra);
        assert_eq!(wrong.status.code(), Some(4), "{mode}: {}", stderr(&wrong));
        // The other mode digests other bytes.
        let other: &[&str] = if extra.is_empty() { &["--binary"] } else { &[] };
        assert_eq!(
            verify(&k("token.json"), other).status.code(),
            Some(4),
            "{mode}"
        );
    }
    // openssl's own text-mode detached signature verifies too.
    let sig = Temp::new("openssl-detached");
    let o = Command::new("openssl")
        .args([
            "cms",
            "-sign",
            "-signer",
            K_CERT,
            "-inkey",
            K_KEY,
            "-outform",
            "PEM",
            "-nosmimecap",
            "-nocerts",
            "-noattr",
            "-in",
            &k("token.json"),
            "-out",
            sig.s(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cmsverify(&[
        "verify",
        "--certfile",
        K_CERT,
        "--cafile",
        K_CA,
        "--in",
        sig.s(),
        "--content",
        &k("token.json"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn sign_offers_only_digests_verify_accepts() {
    let out = Temp::new("md5");
    let o = sign(&k("token.json"), &out, &["--md", "md5"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("verify refuses it by default"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("SHA-256"), "{}", stderr(&o));
    let o = sign(&k("token.json"), &out, &["--md", "whirlpool"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown digest"), "{}", stderr(&o));
    for md in ["sha3-256", "SHA-384", "sha512-256"] {
        let o = sign(&k("token.json"), &out, &["--md", md]);
        assert_eq!(o.status.code(), Some(0), "{md}: {}", stderr(&o));
        let v = cmsverify(&[
            "verify",
            "--certfile",
            K_CERT,
            "--cafile",
            K_CA,
            "--in",
            out.s(),
        ]);
        assert_eq!(v.status.code(), Some(0), "{md}: {}", stderr(&v));
    }
}

#[test]
fn sign_help_says_which_mode() {
    let o = cmsverify(&["sign", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(
        help.contains("text mode (CRLF line ends) unless --binary"),
        "{help}"
    );
    assert!(help.contains("--binary"), "{help}");
    let o = cmsverify(&["verify", "--help"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("--content"));
}
