//! Writes every attack class into a directory, each as NAME.der and
//! NAME.pkiz, at the report's attack size and (names ending in `-16m`) at the
//! largest size under the 16 MiB input and inflation caps, plus manifest.tsv
//! (name, class, DER bytes, PKIZ bytes, description). Messages are named
//! `CLASS-what`, the class letter as in the crate documentation.
//!
//! ```text
//! make-attacks OUT_DIR [--signer-cert CERT.pem]
//! ```
//!
//! With `--signer-cert`, every SignerInfo names that certificate (issuer and
//! serial): give the verifier's signing certificate to make it validate a
//! real path before each rejection.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cmsverify_attacks::{self as attacks, encode, BerShape, Sid};

/// The 16 MiB input cap (and PKIZ inflation cap) of cmsverify.
const CAP: usize = 16 << 20;

/// One generated message.
struct Attack {
    name: String,
    class: char,
    description: String,
    der: Vec<u8>,
}

/// The largest `n` with `build(n)` no longer than `CAP`, for a `build` whose
/// size grows linearly with `n` (measured at `probe` and twice `probe`
/// items), and that message.
fn largest_under_cap(probe: usize, build: impl Fn(usize) -> Vec<u8>) -> (usize, Vec<u8>) {
    let (a, b) = (build(probe).len(), build(2 * probe).len());
    let per_item = (b - a).div_ceil(probe).max(1);
    let mut n = probe + CAP.saturating_sub(a) / per_item;
    loop {
        let der = build(n);
        if der.len() <= CAP {
            return (n, der);
        }
        n -= (der.len() - CAP).div_ceil(per_item).max(1);
    }
}

/// Every attack, at attack size and at the 16 MiB class.
fn attacks(sid: &Sid) -> Vec<Attack> {
    let mut out = Vec::new();
    let mut add = |name: &str, class: char, description: String, der: Vec<u8>| {
        eprintln!("built {name}: {} bytes", der.len());
        out.push(Attack {
            name: name.into(),
            class,
            description,
            der,
        });
    };
    let one_mibit = attacks::DEFAULT_HUGE_MODULUS_BYTES;
    add(
        "a-modulus-1mibit",
        'a',
        format!("issuer RSA modulus of {one_mibit} bytes (1 Mibit) of 0xFF"),
        attacks::huge_modulus_issuer(sid, one_mibit),
    );
    add(
        "a-modulus-16384",
        'a',
        "issuer RSA modulus of exactly 16384 bits (OpenSSL's maximum)".into(),
        attacks::huge_modulus_issuer(sid, attacks::RSA_16384_BITS_BYTES),
    );
    add(
        "a-modulus-16392",
        'a',
        "issuer RSA modulus of 16392 bits (just over OpenSSL's maximum)".into(),
        attacks::huge_modulus_issuer(sid, attacks::RSA_16392_BITS_BYTES),
    );
    add(
        "a-exponent-16384bit",
        'a',
        "16384-bit issuer key with a 16384-bit public exponent".into(),
        attacks::huge_exponent_issuer(
            sid,
            attacks::RSA_16384_BITS_BYTES,
            attacks::DEFAULT_HUGE_EXPONENT_BYTES,
        ),
    );
    add(
        "a-exponent-64bit",
        'a',
        "16384-bit issuer key with exponent 2^64-1".into(),
        attacks::huge_exponent_issuer(sid, attacks::RSA_16384_BITS_BYTES, 8),
    );
    let (k, m, s) = (
        attacks::DEFAULT_CANDIDATES,
        attacks::DEFAULT_ISSUERS,
        attacks::DEFAULT_SIGNERS,
    );
    add(
        "b-candidates",
        'b',
        format!("{k} signer candidates, {m} same-name 16384-bit issuers, {s} SignerInfos"),
        attacks::candidate_explosion(sid, k, m, attacks::DEFAULT_ISSUER_MODULUS_BYTES, s),
    );
    add(
        "b-candidates-16m",
        'b',
        format!("{k} signer candidates, {m} same-name 1-Mibit issuers, {s} SignerInfos"),
        attacks::candidate_explosion(sid, k, m, one_mibit, s),
    );
    let (n, der) = largest_under_cap(1, |n| attacks::candidate_explosion(sid, 1, n, one_mibit, 1));
    add(
        "b-huge-issuers-16m",
        'b',
        format!("1 signer candidate, {n} same-name 1-Mibit issuers"),
        der,
    );
    let deep = BerShape::DEFAULT;
    add(
        "c-ber-deep-16m",
        'c',
        format!(
            "eContent: {} levels of indefinite constructed OCTET STRING, {} empty segments",
            deep.depth, deep.segments
        ),
        attacks::ber_amplification(sid, deep),
    );
    let wide = BerShape {
        depth: 2,
        fan_out: 4000,
        segments: 2000,
    };
    add(
        "c-ber-wide-16m",
        'c',
        "eContent: 4000 constructed OCTET STRINGs of 2000 empty segments each".into(),
        attacks::ber_amplification(sid, wide),
    );
    let count = attacks::DEFAULT_MANY_CERTIFICATES;
    add(
        "d-many-certs",
        'd',
        format!("{count} small embedded certificates"),
        attacks::many_certificates(sid, count),
    );
    let (n, der) = largest_under_cap(1000, |n| attacks::many_certificates(sid, n));
    add(
        "d-many-certs-16m",
        'd',
        format!("{n} small embedded certificates"),
        der,
    );
    let count = attacks::DEFAULT_MANY_SIGNER_INFOS;
    add(
        "e-many-signers",
        'e',
        format!("{count} SignerInfos"),
        attacks::many_signer_infos(sid, count),
    );
    add(
        "e-16-signers",
        'e',
        "16 SignerInfos (at cmsverify's limit)".into(),
        attacks::many_signer_infos(sid, 16),
    );
    let (n, der) = largest_under_cap(1000, |n| attacks::many_signer_infos(sid, n));
    add("e-many-signers-16m", 'e', format!("{n} SignerInfos"), der);
    let count = attacks::DEFAULT_MANY_SIGNED_ATTRIBUTES;
    add(
        "e-many-attributes",
        'e',
        format!("{count} signed attributes"),
        attacks::many_signed_attributes(sid, count),
    );
    let (n, der) = largest_under_cap(1000, |n| attacks::many_signed_attributes(sid, n));
    add(
        "e-many-attributes-16m",
        'e',
        format!("{n} signed attributes"),
        der,
    );
    let depth = attacks::DEFAULT_NESTING_DEPTH;
    add(
        "f-deep-nesting",
        'f',
        format!("{depth} nested SEQUENCEs (definite lengths)"),
        attacks::deep_nesting(sid, depth, false),
    );
    add(
        "f-deep-nesting-ber",
        'f',
        format!("{depth} nested SEQUENCEs (indefinite lengths)"),
        attacks::deep_nesting(sid, depth, true),
    );
    let (n, der) = largest_under_cap(1000, |n| attacks::deep_nesting(sid, n, true));
    add(
        "f-deep-nesting-16m",
        'f',
        format!("{n} nested SEQUENCEs (indefinite lengths)"),
        der,
    );
    out
}

/// Parses the arguments: output directory and optional signer certificate.
fn parse_args() -> Result<(PathBuf, Sid), String> {
    let usage = "usage: make-attacks OUT_DIR [--signer-cert CERT.pem]";
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [dir] => Ok((dir.into(), Sid::default())),
        [dir, flag, cert] if flag == "--signer-cert" => {
            let pem = std::fs::read_to_string(cert).map_err(|e| format!("{cert}: {e}"))?;
            let sid = encode::pem_body(&pem, "CERTIFICATE")
                .as_deref()
                .and_then(Sid::from_certificate)
                .ok_or_else(|| format!("{cert}: no PEM certificate"))?;
            Ok((dir.into(), sid))
        }
        _ => Err(usage.into()),
    }
}

/// Writes the messages and the manifest.
fn write_all(dir: &Path, attacks: &[Attack]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut manifest = std::fs::File::create(dir.join("manifest.tsv"))?;
    writeln!(manifest, "name\tclass\tder_bytes\tpkiz_bytes\tdescription")?;
    for a in attacks {
        let pkiz = encode::to_pkiz_token(&a.der);
        std::fs::write(dir.join(format!("{}.der", a.name)), &a.der)?;
        std::fs::write(dir.join(format!("{}.pkiz", a.name)), &pkiz)?;
        writeln!(
            manifest,
            "{}\t{}\t{}\t{}\t{}",
            a.name,
            a.class,
            a.der.len(),
            pkiz.len(),
            a.description
        )?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let (dir, sid) = match parse_args() {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match write_all(&dir, &attacks(&sid)) {
        Ok(()) => {
            eprintln!("wrote {}", dir.join("manifest.tsv").display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}
