//! `cmsverify`: verify CMS signed messages and Keystone tokens like
//! `openssl cms -verify`, inspect them, diagnose a Keystone signing_dir, and
//! sign like keystoneclient's `openssl cms -sign`.
//!
//! Exit codes follow `openssl cms`: 0 verified, 1 usage, 2 cannot read a file,
//! 3 cannot parse the message, 4 verification failed (`doctor`: 0 healthy,
//! 1 problems found).
#![cfg_attr(
    not(test),
    warn(
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

mod doctor;
mod inspect;
mod io;
mod sign;
mod verify;

use clap::{Parser, Subcommand};

/// Verify CMS (PKCS#7) SignedData and Keystone PKI/PKIZ tokens without OpenSSL.
#[derive(Parser)]
#[command(name = "cmsverify", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify a message and write its content (like `openssl cms -verify -certfile F -CAfile F`).
    #[command(after_help = "Examples:\n  \
        cmsverify verify --certfile signing_cert.pem --cafile cacert.pem --in token.pki\n  \
        cmsverify verify --certfile signing_cert.pem --cafile cacert.pem --inform pem < token.pem > token.json\n  \
        cmsverify verify --certfile s.pem --cafile ca.pem --in msg.der --attime 2026-01-01T00:00:00Z --json\n  \
        cmsverify verify --certfile s.pem --cafile ca.pem --in signature.pem --content data.txt")]
    Verify(verify::Args),
    /// Show a message's structure, or a certificate bundle's contents, without verifying.
    #[command(after_help = "Examples:\n  \
        cmsverify inspect --in token.pem\n  \
        cmsverify inspect --certs /var/cache/keystone/signing_cert.pem --json")]
    Inspect(inspect::Args),
    /// Check a Keystone auth_token signing_dir: files, certificates, purposes, chains, a token.
    #[command(after_help = "Examples:\n  \
        cmsverify doctor --signing-dir /var/cache/nova/keystone-signing\n  \
        cmsverify doctor --signing-dir /tmp/keystone-signing-abc --token token.txt --json")]
    Doctor(doctor::Args),
    /// Sign content as keystoneclient's cms_sign_data does with openssl: text mode (CRLF line ends) unless --binary.
    #[command(after_help = "Examples:\n  \
        cmsverify sign --signer signing_cert.pem --inkey signing_key.pem --outform token --in token.json\n  \
        cmsverify sign --signer cert.pem --inkey key.pem --md sha512 --signed-attributes --outform der --in data")]
    Sign(sign::Args),
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap exits 2 for usage errors; openssl cms (and cmsverify) use 1.
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let code = match cli.command {
        Command::Verify(args) => verify::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Doctor(args) => doctor::run(&args),
        Command::Sign(args) => sign::run(&args),
    };
    std::process::exit(code);
}
