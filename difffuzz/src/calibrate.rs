//! Calibration, the first thing a run checks: on every committed scenario
//! of tests/data/scenarios the in-process oracle must give the exit class of
//! the `openssl cms -verify` command (keystoneclient's arguments, an empty
//! SSL_CERT_DIR). cmsverify is compared too, against tests/differential/allow.tsv.

use std::path::{Path, PathBuf};
use std::process::Command;

use cmsverify::AlgorithmPolicy;
use foreign_types::ForeignTypeRef;
use openssl::cms::CmsContentInfo;
use openssl::x509::store::{X509Lookup, X509StoreBuilder};
use openssl::x509::X509;

use crate::model::Encoded;
use crate::oracle::{agree, cmsverify_verdict, openssl_verdict, Class, Verdict};

/// The command's verdict class on a scenario directory.
fn command_class(dir: &Path, empty: &Path) -> Result<Class, String> {
    let out = Command::new("openssl")
        .args(["cms", "-verify", "-in"])
        .arg(dir.join("message.pem"))
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
            "-out",
            "/dev/null",
        ])
        .env("SSL_CERT_DIR", empty)
        .output()
        .map_err(|e| format!("cannot run openssl: {e}"))?;
    match out.status.code() {
        Some(0) => Ok(Class::Ok),
        Some(2) => Ok(Class::Parse),
        Some(4) => Ok(Class::Verify),
        other => Err(format!("{}: openssl exit {other:?}", dir.display())),
    }
}

/// The CAfile as `-CAfile` loads it: `X509_LOOKUP_load_file` with
/// `X509_FILETYPE_PEM` (that is `X509_load_cert_crl_file`, which also takes
/// TRUSTED CERTIFICATE blocks), read back as certificates.
fn load_cafile(path: &Path) -> Option<Vec<Vec<u8>>> {
    let mut store = X509StoreBuilder::new().ok()?;
    let lookup = store.add_lookup(X509Lookup::file()).ok()?;
    let c_path = std::ffi::CString::new(path.to_str()?).ok()?;
    // SAFETY: `lookup` is a live X509_LOOKUP owned by the store; the path is
    // a NUL-terminated string that outlives the call.
    let loaded = unsafe {
        openssl_sys::X509_LOOKUP_ctrl(lookup.as_ptr(), 1, c_path.as_ptr(), 1, std::ptr::null_mut())
    };
    let _ = openssl::error::ErrorStack::get();
    if loaded != 1 {
        return None;
    }
    let certs: Vec<Vec<u8>> = store
        .build()
        .all_certificates()
        .iter()
        .filter_map(|c| c.to_der().ok())
        .collect();
    Some(certs).filter(|c| !c.is_empty())
}

/// The certfile as `-certfile` loads it: PEM certificates, or one DER certificate.
fn load_certfile(bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let pem: Vec<Vec<u8>> = X509::stack_from_pem(bytes)
        .ok()
        .map(|v| v.iter().filter_map(|c| c.to_der().ok()).collect())
        .unwrap_or_default();
    let _ = openssl::error::ErrorStack::get();
    if !pem.is_empty() {
        return Some(pem);
    }
    X509::from_der(bytes)
        .ok()
        .and_then(|c| c.to_der().ok())
        .map(|d| vec![d])
}

/// The DER of the PEM block `PEM_read_bio_CMS` reads: the first block
/// that parses as CMS (it skips blocks of other labels and accepts some
/// legacy labels, pem_lib.c `check_pem`).
fn message_block(pem: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(pem).ok()?;
    text.match_indices("-----BEGIN ")
        .filter_map(|(at, _)| crate::der::unpem(&pem[at..]))
        .find(|der| CmsContentInfo::from_der(der).is_ok())
}

/// The scenario's files as the oracle's input, decoded as the command
/// decodes them. A file libcrypto cannot read gives the verdict.
fn load(dir: &Path) -> Result<Encoded, Verdict> {
    let fail = |class: Class, what: &str| Verdict {
        class,
        content: Vec::new(),
        reason: format!("{what} unreadable"),
    };
    let cafile =
        load_cafile(&dir.join("cafile.pem")).ok_or_else(|| fail(Class::Config, "CAfile"))?;
    let certfile = load_certfile(&std::fs::read(dir.join("certfile.pem")).unwrap_or_default())
        .ok_or_else(|| fail(Class::Config, "certfile"))?;
    // The PEM decoded here and the DER given to the oracle byte for byte
    // (libcrypto re-encoding it would normalise BER forms).
    let pem = std::fs::read(dir.join("message.pem")).unwrap_or_default();
    CmsContentInfo::from_pem(&pem).map_err(|_| fail(Class::Parse, "message"))?;
    let message = message_block(&pem).ok_or_else(|| fail(Class::Parse, "message"))?;
    Ok(Encoded {
        message,
        certfile,
        cafile,
    })
}

/// The result of a calibration.
pub struct Calibration {
    pub scenarios: usize,
    /// Where the oracle and the command disagree (must be empty).
    pub oracle_mismatches: Vec<String>,
    /// Where cmsverify and the oracle disagree, with the allow.tsv entry if any.
    pub cmsverify_differences: Vec<(String, bool)>,
}

fn allow_listed(repo: &Path) -> Vec<String> {
    std::fs::read_to_string(repo.join("tests/differential/allow.tsv"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next().map(str::to_owned))
        .collect()
}

/// Calibrates on `repo`/tests/data/scenarios.
pub fn run(repo: &Path) -> Result<Calibration, String> {
    let root = repo.join("tests/data/scenarios");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map_err(|e| format!("{}: {e}", root.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("message.pem").exists())
        .collect();
    dirs.sort();
    let empty = std::env::temp_dir().join(format!("difffuzz-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).map_err(|e| e.to_string())?;
    let allowed = allow_listed(repo);
    let mut cal = Calibration {
        scenarios: dirs.len(),
        oracle_mismatches: Vec::new(),
        cmsverify_differences: Vec::new(),
    };
    for dir in &dirs {
        let id = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let command = command_class(dir, &empty)?;
        let (theirs, input) = match load(dir) {
            Ok(input) => (openssl_verdict(&input), Some(input)),
            Err(v) => (v, None),
        };
        let same = match command {
            Class::Parse => matches!(theirs.class, Class::Parse | Class::Config),
            c => c == theirs.class,
        };
        if !same {
            cal.oracle_mismatches.push(format!(
                "{id}: command {} but oracle {} ({})",
                command.name(),
                theirs.class.name(),
                theirs.reason
            ));
        }
        let ours = match &input {
            Some(input) => cmsverify_verdict(input, AlgorithmPolicy::default()),
            None => theirs.clone(),
        };
        if !agree(&theirs, &ours) {
            cal.cmsverify_differences.push((
                format!(
                    "{id}: oracle {} / cmsverify {} ({})",
                    theirs.class.name(),
                    ours.class.name(),
                    ours.reason
                ),
                allowed.contains(&id),
            ));
        }
    }
    let _ = std::fs::remove_dir(&empty);
    Ok(cal)
}
