//! `cmsverify verify`: the replacement for `openssl cms -verify`.

use std::path::PathBuf;

use clap::ValueEnum;
use cmsverify::{ContentMode, Error, InputForm, Verified, Verifier};
use serde_json::{json, Value};

use crate::io;

/// Message forms accepted by `--inform`.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Form {
    /// PEM, DER/BER, Keystone PKI token or PKIZ token, recognised.
    Auto,
    /// PEM (labels CMS, PKCS7).
    Pem,
    /// DER or BER.
    Der,
    /// Keystone PKI token.
    Token,
    /// Keystone PKIZ token.
    Pkiz,
}

impl From<Form> for InputForm {
    fn from(f: Form) -> Self {
        match f {
            Form::Auto => InputForm::Auto,
            Form::Pem => InputForm::Pem,
            Form::Der => InputForm::Der,
            Form::Token => InputForm::Token,
            Form::Pkiz => InputForm::Pkiz,
        }
    }
}

/// Arguments of `verify`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Signer certificates (Keystone: signing_cert.pem); not trusted.
    #[arg(long)]
    certfile: PathBuf,
    /// Trust anchors (Keystone: cacert.pem); the only certificates trusted.
    #[arg(long)]
    cafile: PathBuf,
    /// The message (default: stdin).
    #[arg(long = "in")]
    input: Option<PathBuf>,
    /// Where the verified content goes (default: stdout). Nothing is written on failure.
    #[arg(long)]
    out: Option<PathBuf>,
    /// The message's form.
    #[arg(long, value_enum, default_value = "auto")]
    inform: Form,
    /// Verify at this time (RFC 3339 UTC or UNIX seconds) instead of now.
    #[arg(long, value_parser = io::parse_time)]
    attime: Option<cmsverify::UnixTime>,
    /// Print a JSON verdict on stderr (or into --json-out).
    #[arg(long)]
    json: bool,
    /// The content of a detached signature (`openssl cms -verify -content`),
    /// read as text (CRLF line ends, as `sign` signs it) unless --binary.
    #[arg(long)]
    content: Option<PathBuf>,
    /// Read --content as given (`-binary`), for content signed with `sign --binary`.
    #[arg(long, requires = "content")]
    binary: bool,
    /// File for the JSON verdict (implies --json).
    #[arg(long)]
    json_out: Option<PathBuf>,
}

fn verifier(args: &Args) -> Result<Verifier, Error> {
    let mut builder = Verifier::builder().files(&args.certfile, &args.cafile)?;
    if let Some(at) = args.attime {
        builder = builder.time(at);
    }
    builder.build()
}

fn verdict(result: &Result<Verified, Error>) -> Value {
    match result {
        Ok(v) => json!({
            "ok": true,
            "exit_code": 0,
            "content_length": v.content.len(),
            "signers": v.signers.iter().map(|s| json!({
                "subject": s.certificate.subject(),
                "issuer": s.certificate.issuer(),
                "serial": s.certificate.serial_hex(),
                "digest_algorithm": s.digest_algorithm.name(),
                "signature_algorithm": s.signature_algorithm,
                "signed_attributes": s.signed_attributes,
                "path": s.path.iter().map(|c| json!({"subject": c.subject(), "serial": c.serial_hex()})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }),
        Err(e) => json!({
            "ok": false,
            "exit_code": e.exit_code(),
            "error": e.to_string(),
            "hint": e.hint(),
            "certificate": e.certificate().map(|c| json!({"subject": c.subject, "serial": c.serial})),
        }),
    }
}

/// Runs `verify`; returns the exit code.
pub(crate) fn run(args: &Args) -> i32 {
    let result = verifier(args).and_then(|v| {
        let message = io::read_input(args.input.as_deref(), io::max_message_bytes())?;
        match &args.content {
            None => v.verify_form(&message, args.inform.into()),
            Some(path) => {
                let content = io::read_input(Some(path), io::NO_LIMIT)?;
                let mode = if args.binary {
                    ContentMode::Binary
                } else {
                    ContentMode::Text
                };
                v.verify_detached_as(&message, &content, mode)
            }
        }
    });
    if args.json || args.json_out.is_some() {
        let text = format!("{}\n", verdict(&result));
        match &args.json_out {
            Some(path) => {
                if let Err(e) = std::fs::write(path, text) {
                    eprintln!(
                        "error: cannot write the JSON verdict to {}: {e}",
                        path.display()
                    );
                    return 5;
                }
            }
            None => eprint!("{text}"),
        }
    }
    match result {
        Ok(verified) => match io::write_output(args.out.as_deref(), &verified.content) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: cannot write the content: {e}");
                5
            }
        },
        Err(e) => {
            if !args.json || args.json_out.is_some() {
                io::report(&e);
            }
            e.exit_code()
        }
    }
}
