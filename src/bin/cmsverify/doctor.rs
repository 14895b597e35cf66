//! `cmsverify doctor`: the checklist operators run by hand on a Keystone
//! auth_token `signing_dir` (docs/keystone.md, signing_dir). Every certificate
//! judgement comes from the library.

use std::path::{Path, PathBuf};

use cmsverify::{CertProblem, Certificate, Error, InputForm, UnixTime, Verifier};
use serde_json::json;

use crate::io;

/// Arguments of `doctor`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The signing_dir of [keystone_authtoken].
    #[arg(long)]
    signing_dir: PathBuf,
    /// A token (PKI, PKIZ or PEM) to verify with the directory's certificates.
    #[arg(long)]
    token: Option<PathBuf>,
    /// Name of the signing certificate file.
    #[arg(long, default_value = "signing_cert.pem")]
    certfile_name: String,
    /// Name of the CA file.
    #[arg(long, default_value = "cacert.pem")]
    cafile_name: String,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// How bad a finding is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    Warning,
    Problem,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Problem => "problem",
        }
    }
}

/// One line of the checklist.
struct Finding {
    status: Status,
    check: String,
    found: String,
    fix: String,
}

#[derive(Default)]
struct Report {
    findings: Vec<Finding>,
}

impl Report {
    fn add(
        &mut self,
        status: Status,
        check: impl Into<String>,
        found: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.findings.push(Finding {
            status,
            check: check.into(),
            found: found.into(),
            fix: fix.into(),
        });
    }
    fn ok(&mut self, check: impl Into<String>, found: impl Into<String>) {
        self.add(Status::Ok, check, found, "");
    }
}

/// The fix for stale or broken trust files, naming them as configured.
fn refetch(args: &Args) -> String {
    format!(
        "delete {} and {} from the signing_dir and restart the service: auth_token fetches them again from Keystone",
        args.certfile_name, args.cafile_name
    )
}
const EXPIRY_WARNING_DAYS: i64 = 30;

/// The current user's uid, from /proc (Linux).
fn current_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| {
        l.strip_prefix("Uid:")?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    })
}

fn check_directory(dir: &Path, report: &mut Report) -> bool {
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) => {
            report.add(Status::Problem, "signing_dir exists", format!("{}: {e}", dir.display()),
                "create it (auth_token creates it with mode 0700 when it can), or fix [keystone_authtoken] signing_dir");
            return false;
        }
    };
    if !meta.is_dir() {
        report.add(
            Status::Problem,
            "signing_dir is a directory",
            format!("{} is not a directory", dir.display()),
            "remove the file or point signing_dir at a directory",
        );
        return false;
    }
    report.ok("signing_dir exists", dir.display().to_string());
    let probe = dir.join(format!(".cmsverify-doctor-{}", std::process::id()));
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            report.ok("signing_dir is writable", "a file could be created");
        }
        Err(e) => report.add(Status::Problem, "signing_dir is writable", format!("cannot create a file: {e}"),
            "give the service user write access (chown SERVICE_USER; check SELinux labels with restorecon -Rv)"),
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mode = meta.mode() & 0o777;
        if mode == 0o700 {
            report.ok("signing_dir mode", "0700");
        } else {
            report.add(
                Status::Warning,
                "signing_dir mode",
                format!("{mode:04o}"),
                format!("chmod 0700 {}", dir.display()),
            );
        }
        match current_uid() {
            Some(uid) if uid == meta.uid() => {
                report.ok("signing_dir owner", format!("uid {uid} (the current user)"))
            }
            Some(uid) => report.add(
                Status::Warning,
                "signing_dir owner",
                format!("owned by uid {}, running as uid {uid}", meta.uid()),
                "run doctor as the service user, or chown the directory to it",
            ),
            None => {}
        }
    }
    true
}

fn load_certs(
    path: &Path,
    label: &str,
    args: &Args,
    report: &mut Report,
) -> Option<Vec<Certificate>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            report.add(Status::Problem, format!("{label} present"), format!("{}: {e}", path.display()),
                "auth_token fetches it from Keystone on the first PKI token; check that the service can reach Keystone");
            return None;
        }
    };
    match cmsverify::inspect::certificates(&bytes) {
        Ok(certs) => {
            report.ok(
                format!("{label} parses"),
                format!("{} certificate(s)", certs.len()),
            );
            Some(certs)
        }
        Err(e) => {
            report.add(
                Status::Problem,
                format!("{label} parses"),
                e.to_string(),
                refetch(args),
            );
            None
        }
    }
}

fn check_validity(certs: &[Certificate], label: &str, now: UnixTime, report: &mut Report) {
    for cert in certs {
        let info = cert.info();
        let check = format!("{label}: \"{}\" validity", info.subject);
        match (cert.validity_problem(now), info.not_before, info.not_after) {
            (Some(CertProblem::NotYetValid { not_before, .. }), _, _) => report.add(
                Status::Problem,
                check,
                format!("not valid before {not_before}"),
                "check the system clock, or wait / reissue the certificate",
            ),
            (Some(CertProblem::Expired { not_after, .. }), _, _) => report.add(
                Status::Problem,
                check,
                format!("expired at {not_after}"),
                "renew the certificate on the Keystone side, then delete the cached copy here",
            ),
            (Some(problem), _, _) => report.add(
                Status::Problem,
                check,
                problem.to_string(),
                "reissue the certificate",
            ),
            (None, _, Some(na)) if na.0.saturating_sub(now.0) < EXPIRY_WARNING_DAYS * 86_400 => {
                report.add(
                    Status::Warning,
                    check,
                    format!("expires at {na}, within {EXPIRY_WARNING_DAYS} days"),
                    "plan the certificate rotation",
                )
            }
            (None, Some(nb), Some(na)) => report.ok(check, format!("{nb} .. {na}")),
            (None, _, _) => report.ok(check, "valid now"),
        }
    }
}

fn check_signing_certs(
    signing: &[Certificate],
    verifier: Option<&Verifier>,
    args: &Args,
    report: &mut Report,
) {
    for cert in signing {
        let info = cert.info();
        let check = format!("\"{}\" may sign (S/MIME signing purpose)", info.subject);
        match &info.smime_signing_problem {
            None => report.ok(
                check,
                format!(
                    "keyUsage {}, extendedKeyUsage {}",
                    info.key_usage.map_or_else(|| "(absent)".into(), |k| k.join(", ")),
                    info.extended_key_usage.map_or_else(|| "(absent)".into(), |e| e.join(", "))
                ),
            ),
            Some(p) => report.add(Status::Problem, check, p.to_string(),
                "reissue the signing certificate with keyUsage digitalSignature and, if it has extendedKeyUsage, emailProtection"),
        }
        if let Some(v) = verifier {
            let check = format!("\"{}\" chains to the CA file", info.subject);
            match v.check_signing_certificate(cert) {
                Ok(path) => report.ok(
                    check,
                    path.iter()
                        .map(Certificate::subject)
                        .collect::<Vec<_>>()
                        .join(" <- "),
                ),
                Err(e) => report.add(
                    Status::Problem,
                    check,
                    e.to_string(),
                    e.hint().map_or_else(|| refetch(args), str::to_owned),
                ),
            }
        }
    }
}

/// The number of entries of a revocation list `{"revoked": [...]}`.
fn revocation_count(content: &[u8]) -> Option<usize> {
    let doc = serde_json::from_slice::<serde_json::Value>(content).ok()?;
    doc.get("revoked")?.as_array().map(Vec::len)
}

/// revoked.pem as auth_token writes it: the revocation list Keystone signed,
/// already verified, as JSON `{"revoked": [...]}` (not a CMS message).
fn check_revoked(path: &Path, report: &mut Report) {
    const REFETCH_LIST: &str = "delete revoked.pem: auth_token fetches and verifies the list again";
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            report.add(Status::Warning, "revoked.pem present", format!("{}: {e}", path.display()),
                "auth_token fetches the revocation list on demand; if it never appears, check access to Keystone");
            return;
        }
    };
    match revocation_count(&bytes) {
        Some(n) => report.ok(
            "revoked.pem holds the revocation list as auth_token writes it",
            format!("{n} revoked token(s)"),
        ),
        None if cmsverify::inspect::message(&bytes, InputForm::Auto).is_ok() => report.add(
            Status::Problem,
            "revoked.pem holds the revocation list as auth_token writes it",
            "a signed CMS message: auth_token writes the verified JSON list there and cannot read this",
            REFETCH_LIST,
        ),
        None => report.add(
            Status::Problem,
            "revoked.pem holds the revocation list as auth_token writes it",
            "not JSON {\"revoked\": [...]}",
            REFETCH_LIST,
        ),
    }
}

fn check_token(path: &Path, verifier: Option<&Verifier>, args: &Args, report: &mut Report) {
    let Some(v) = verifier else {
        report.add(
            Status::Problem,
            "token verifies",
            "the certificates above could not be loaded",
            "fix the problems above first",
        );
        return;
    };
    let token = match io::read_input(Some(path), io::max_message_bytes()) {
        Ok(t) => t,
        Err(e) => {
            report.add(
                Status::Problem,
                "token readable",
                e.to_string(),
                "check the --token path",
            );
            return;
        }
    };
    match v.verify(&token) {
        Ok(verified) => report.ok(
            "token verifies",
            format!(
                "{} bytes signed by \"{}\"",
                verified.content.len(),
                verified
                    .signers
                    .first()
                    .map_or_else(String::new, |s| s.certificate.subject())
            ),
        ),
        Err(e @ Error::SignerNotFound { .. }) => report.add(
            Status::Problem,
            "token verifies",
            format!("the token's signer is not in {}: {e}", args.certfile_name),
            format!(
                "stale certificates from another Keystone: {}",
                refetch(args)
            ),
        ),
        Err(e) => report.add(
            Status::Problem,
            "token verifies",
            e.to_string(),
            e.hint().unwrap_or(""),
        ),
    }
}

fn diagnose(args: &Args) -> Report {
    let mut report = Report::default();
    if !check_directory(&args.signing_dir, &mut report) {
        return report;
    }
    let certfile = args.signing_dir.join(&args.certfile_name);
    let cafile = args.signing_dir.join(&args.cafile_name);
    let signing = load_certs(&certfile, &args.certfile_name, args, &mut report);
    let cas = load_certs(&cafile, &args.cafile_name, args, &mut report);
    let now = UnixTime::now();
    for (certs, label) in [(&signing, &args.certfile_name), (&cas, &args.cafile_name)] {
        if let Some(certs) = certs {
            check_validity(certs, label, now, &mut report);
        }
    }
    let verifier = match (&signing, &cas) {
        (Some(_), Some(_)) => match Verifier::from_files(&certfile, &cafile) {
            Ok(v) => Some(v),
            Err(e) => {
                report.add(
                    Status::Problem,
                    "trust files load",
                    e.to_string(),
                    refetch(args),
                );
                None
            }
        },
        _ => None,
    };
    if let Some(signing) = &signing {
        check_signing_certs(signing, verifier.as_ref(), args, &mut report);
    }
    check_revoked(&args.signing_dir.join("revoked.pem"), &mut report);
    if let Some(token) = &args.token {
        check_token(token, verifier.as_ref(), args, &mut report);
    }
    report
}

/// Runs `doctor`; returns 0 when no problem was found, else 1.
pub(crate) fn run(args: &Args) -> i32 {
    let report = diagnose(args);
    let problems = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Problem)
        .count();
    if args.json {
        let findings: Vec<_> = report
            .findings
            .iter()
            .map(|f| json!({"status": f.status.name(), "check": f.check, "found": f.found, "fix": f.fix}))
            .collect();
        println!(
            "{}",
            json!({"signing_dir": args.signing_dir.display().to_string(), "problems": problems, "findings": findings})
        );
    } else {
        for f in &report.findings {
            println!("[{:<7}] {}: {}", f.status.name(), f.check, f.found);
            if !f.fix.is_empty() && f.status != Status::Ok {
                println!("          fix: {}", f.fix);
            }
        }
        println!("{problems} problem(s) found");
    }
    i32::from(problems > 0)
}
