//! A warm verify loop of one token form, for profiling (`perf record`):
//!   cargo run --release --manifest-path benches/compare/Cargo.toml --example warm -- [pki|pkiz|pem] [N]
//! Verifies N (default 100,000) distinct 3 KB tokens, path cached, and prints
//! the mean time per verify.

use std::hint::black_box;
use std::time::Instant;

use cmsverify::{Signer, Verifier};

const K: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/keystone");

fn main() {
    let form = std::env::args().nth(1).unwrap_or_else(|| "pki".into());
    let n: usize = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let signer = Signer::from_files(format!("{K}/signing_cert.pem"), format!("{K}/signing_key.pem")).unwrap();
    let base = std::fs::read(format!("{K}/token.json")).unwrap();
    let tokens: Vec<Vec<u8>> = (0..64)
        .map(|i| {
            let mut c = base.clone();
            c.extend_from_slice(format!("{i:08}").as_bytes());
            match form.as_str() {
                "pkiz" => signer.sign_pkiz(&c, 6).unwrap().into_bytes(),
                "pem" => signer.sign_pem(&c).unwrap().into_bytes(),
                _ => signer.sign_token(&c).unwrap().into_bytes(),
            }
        })
        .collect();
    let v = Verifier::from_files(format!("{K}/signing_cert.pem"), format!("{K}/cacert.pem")).unwrap();
    let start = Instant::now();
    for i in 0..n {
        black_box(v.verify(black_box(&tokens[i % 64])).unwrap());
    }
    let per = start.elapsed().as_secs_f64() / n as f64;
    println!("{form}: {:.1} us per verify ({} bytes a token)", per * 1e6, tokens[0].len());
}
