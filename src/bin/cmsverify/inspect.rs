//! `cmsverify inspect`: a message's structure or a bundle's certificates,
//! without verifying anything.

use std::path::PathBuf;

use cmsverify::inspect::{CertificateInfo, MessageInfo};
use cmsverify::{Certificate, InputForm};
use serde_json::{json, Value};

use crate::io;

/// Arguments of `inspect`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The message to describe (default: stdin, unless --certs is given).
    #[arg(long = "in")]
    input: Option<PathBuf>,
    /// A PEM certificate bundle to describe instead of a message.
    #[arg(long)]
    certs: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

fn time(t: Option<cmsverify::UnixTime>) -> String {
    t.map_or_else(|| "(malformed)".to_owned(), |t| t.to_string())
}

pub(crate) fn cert_json(info: &CertificateInfo) -> Value {
    json!({
        "subject": info.subject,
        "issuer": info.issuer,
        "serial": info.serial,
        "version": info.version,
        "not_before": info.not_before.map(|t| t.to_string()),
        "not_after": info.not_after.map(|t| t.to_string()),
        "public_key": info.public_key,
        "key_usage": info.key_usage,
        "extended_key_usage": info.extended_key_usage,
        "basic_constraints": info.basic_constraints.map(|(ca, len)| json!({"ca": ca, "path_len": len})),
        "netscape_cert_type": info.netscape_cert_type,
        "self_signed": info.self_signed,
        "smime_signing": info.smime_signing_problem.is_none(),
        "smime_signing_problem": info.smime_signing_problem.as_ref().map(ToString::to_string),
    })
}

fn list<T: AsRef<str>>(v: &Option<Vec<T>>) -> String {
    match v {
        None => "(absent)".to_owned(),
        Some(items) => items
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

pub(crate) fn cert_text(info: &CertificateInfo) -> String {
    let bc = match info.basic_constraints {
        None => "(absent)".to_owned(),
        Some((ca, len)) => format!(
            "CA:{}{}",
            if ca { "TRUE" } else { "FALSE" },
            len.map(|l| format!(", pathlen:{l}")).unwrap_or_default()
        ),
    };
    let smime = match &info.smime_signing_problem {
        None => "yes".to_owned(),
        Some(p) => format!("no: {p}"),
    };
    format!(
        "  subject:            {}\n  issuer:             {}\n  serial:             {}\n  version:            {}\n  valid:              {} .. {}\n  public key:         {}\n  keyUsage:           {}\n  extendedKeyUsage:   {}\n  basicConstraints:   {bc}\n  nsCertType:         {}\n  self-signed:        {}\n  S/MIME signing:     {smime}\n",
        info.subject, info.issuer, info.serial, info.version.map_or_else(|| "(out of range)".to_owned(), |v| v.to_string()), time(info.not_before), time(info.not_after),
        info.public_key, list(&info.key_usage), list(&info.extended_key_usage), list(&info.netscape_cert_type),
        match info.self_signed {
            Some(true) => "yes",
            Some(false) => "no",
            None => "cannot tell: self-issued, but its key cannot be used",
        },
    )
}

fn message_json(m: &MessageInfo) -> Value {
    json!({
        "content_type": m.content_type,
        "content_length": m.content_len,
        "digest_algorithms": m.digest_algorithms,
        "signers": m.signers.iter().map(|s| json!({
            "identifier": s.identifier,
            "digest_algorithm": s.digest_algorithm,
            "signature_algorithm": s.signature_algorithm,
            "signed_attributes": s.signed_attributes,
            "unsigned_attributes": s.unsigned_attributes,
        })).collect::<Vec<_>>(),
        "certificates": m.certificates.iter().map(|c| cert_json(&c.info())).collect::<Vec<_>>(),
    })
}

fn message_text(m: &MessageInfo) -> String {
    let mut out = format!(
        "CMS SignedData\n content type:       {}\n content:            {}\n digest algorithms:  {}\n",
        m.content_type,
        m.content_len.map_or_else(|| "absent (detached signature)".to_owned(), |n| format!("{n} bytes")),
        m.digest_algorithms.join(", ")
    );
    for (i, s) in m.signers.iter().enumerate() {
        out += &format!(
            "signer #{}\n  identifier:         {}\n  digest algorithm:   {}\n  signature algorithm:{}\n  signed attributes:  {}\n",
            i + 1,
            s.identifier,
            s.digest_algorithm,
            format_args!(" {}", s.signature_algorithm),
            if s.signed_attributes.is_empty() { "(none)".to_owned() } else { s.signed_attributes.join(", ") }
        );
    }
    out += &format!("embedded certificates: {}\n", m.certificates.len());
    for (i, c) in m.certificates.iter().enumerate() {
        out += &format!("certificate #{}\n{}", i + 1, cert_text(&c.info()));
    }
    out
}

/// Runs `inspect`; returns the exit code.
pub(crate) fn run(args: &Args) -> i32 {
    let result = if let Some(path) = &args.certs {
        io::read_input(Some(path), io::NO_LIMIT).and_then(|b| cmsverify::inspect::certificates(&b)).map(|certs: Vec<Certificate>| {
            if args.json {
                json!({"certificates": certs.iter().map(|c| cert_json(&c.info())).collect::<Vec<_>>()}).to_string() + "\n"
            } else {
                certs.iter().enumerate().map(|(i, c)| format!("certificate #{}\n{}", i + 1, cert_text(&c.info()))).collect()
            }
        })
    } else {
        io::read_input(args.input.as_deref(), io::max_message_bytes())
            .and_then(|b| cmsverify::inspect::message(&b, InputForm::Auto))
            .map(|m| {
                if args.json {
                    message_json(&m).to_string() + "\n"
                } else {
                    message_text(&m)
                }
            })
    };
    match result {
        Ok(text) => {
            print!("{text}");
            0
        }
        Err(e) => {
            io::report(&e);
            e.exit_code()
        }
    }
}
