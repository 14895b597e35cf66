//! The cold path in phases, for profiling (`perf record`) and a quick look:
//!   cargo run --release --manifest-path benches/compare/Cargo.toml --example cold [N]
//! Per iteration: a new Verifier from the PEM bytes (trust files parsed), its
//! first verify of a token (path built, both keys set up), then a second
//! verify of another token (path cached). Prints the median of each phase.

use std::hint::black_box;
use std::time::Instant;

use cmsverify::{Signer, Verifier};

const K: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/keystone");

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let certfile = std::fs::read(format!("{K}/signing_cert.pem")).unwrap();
    let cafile = std::fs::read(format!("{K}/cacert.pem")).unwrap();
    let signer = Signer::from_files(format!("{K}/signing_cert.pem"), format!("{K}/signing_key.pem")).unwrap();
    let base = std::fs::read(format!("{K}/token.json")).unwrap();
    let tokens: Vec<Vec<u8>> = (0..2)
        .map(|i| {
            let mut c = base.clone();
            c.extend_from_slice(format!("{i:08}").as_bytes());
            signer.sign_token(&c).unwrap().into_bytes()
        })
        .collect();
    let (mut setup, mut first, mut second) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let t0 = Instant::now();
        let v = Verifier::from_pem(&certfile, &cafile).unwrap();
        let t1 = Instant::now();
        black_box(v.verify(black_box(&tokens[0])).unwrap());
        let t2 = Instant::now();
        black_box(v.verify(black_box(&tokens[1])).unwrap());
        let t3 = Instant::now();
        setup.push((t1 - t0).as_secs_f64() * 1e6);
        first.push((t2 - t1).as_secs_f64() * 1e6);
        second.push((t3 - t2).as_secs_f64() * 1e6);
    }
    println!(
        "median us: new Verifier {:.1}, first verify {:.1}, second verify {:.1}",
        median(&mut setup),
        median(&mut first),
        median(&mut second)
    );
}
