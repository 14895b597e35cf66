//! `cmsverify sign`: the replacement for keystoneclient's
//! `openssl cms -sign -nosmimecap -nodetach -nocerts -noattr -md DIGEST`,
//! byte for byte: text mode (CRLF line ends) unless `--binary`.

use std::path::PathBuf;

use clap::ValueEnum;
use cmsverify::{AlgorithmPolicy, ContentMode, DigestAlgorithm, OutputForm, SignOptions, Signer};

use crate::io;

/// Output forms of `--outform`.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum OutForm {
    /// `-----BEGIN CMS-----` PEM, 64-column lines.
    Pem,
    /// DER.
    Der,
    /// Keystone PKI token.
    Token,
    /// Keystone PKIZ token (zlib level 6).
    Pkiz,
}

impl From<OutForm> for OutputForm {
    fn from(form: OutForm) -> Self {
        match form {
            OutForm::Pem => Self::Pem,
            OutForm::Der => Self::Der,
            OutForm::Token => Self::Token,
            OutForm::Pkiz => Self::Pkiz,
        }
    }
}

/// Arguments of `sign`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The signing certificate (PEM).
    #[arg(long)]
    signer: PathBuf,
    /// Its unencrypted private key (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC).
    #[arg(long)]
    inkey: PathBuf,
    /// The digest: one `verify` accepts by default (SHA-1, the SHA-2 and
    /// SHA-3 families; not MD5).
    #[arg(long, default_value = "sha256", value_parser = parse_digest)]
    md: DigestAlgorithm,
    /// Sign the content as given (`openssl cms -sign -binary`). Without it the
    /// content is signed as text with CRLF line ends, as keystoneclient's
    /// `openssl cms -sign` (no `-binary`) does.
    #[arg(long)]
    binary: bool,
    /// The output form.
    #[arg(long, value_enum, default_value = "pem")]
    outform: OutForm,
    /// The content (default: stdin).
    #[arg(long = "in")]
    input: Option<PathBuf>,
    /// Where the message goes (default: stdout).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Add signed attributes (contentType, messageDigest, signingTime).
    #[arg(long)]
    signed_attributes: bool,
    /// Embed the signing certificate.
    #[arg(long)]
    embed_certificate: bool,
    /// Identify the signer by subjectKeyIdentifier.
    #[arg(long)]
    keyid: bool,
    /// Leave the content out (detached signature).
    #[arg(long)]
    detached: bool,
}

/// Parses `--md`: a digest name the default verification policy accepts.
fn parse_digest(name: &str) -> Result<DigestAlgorithm, String> {
    let policy = AlgorithmPolicy::default();
    match DigestAlgorithm::from_name(name) {
        Some(d) if policy.allows_digest(d) => Ok(d),
        found => {
            let offered: Vec<_> = DigestAlgorithm::ALL
                .iter()
                .filter(|d| policy.allows_digest(**d))
                .map(|d| d.name())
                .collect();
            let why = if found.is_some() {
                "verify refuses it by default"
            } else {
                "unknown digest"
            };
            Err(format!("{why}; use one of {}", offered.join(", ")))
        }
    }
}

/// Runs `sign`; returns the exit code.
pub(crate) fn run(args: &Args) -> i32 {
    let mode = if args.binary {
        ContentMode::Binary
    } else {
        ContentMode::Text
    };
    let options = SignOptions {
        signed_attributes: args.signed_attributes,
        embed_certificate: args.embed_certificate,
        subject_key_id: args.keyid,
        detached: args.detached,
    };
    let result = Signer::from_files(&args.signer, &args.inkey).and_then(|signer| {
        let signer = signer.digest(args.md).options(options).content_mode(mode);
        let content = io::read_input(args.input.as_deref(), io::NO_LIMIT)?;
        signer.sign_as(&content, args.outform.into())
    });
    match result {
        Ok(message) => match io::write_output(args.out.as_deref(), &message) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: cannot write the message: {e}");
                5
            }
        },
        Err(e) => {
            io::report(&e);
            e.exit_code()
        }
    }
}
