//! Memory and thread scaling over many verifies:
//!   cargo run --release --manifest-path benches/compare/Cargo.toml --example soak [N]
//! Verifies N (default 1,000,000) tokens rotating over 64 distinct ones and prints the
//! resident set size along the way; then compares 1- and 2-thread throughput.

use std::time::Instant;

use cmsverify::{Signer, Verifier};

const K: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/keystone");

fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let signer = Signer::from_files(format!("{K}/signing_cert.pem"), format!("{K}/signing_key.pem")).unwrap();
    let base = std::fs::read(format!("{K}/token.json")).unwrap();
    let tokens: Vec<Vec<u8>> = (0..64)
        .map(|i| {
            let mut c = base.clone();
            c.extend_from_slice(format!("{i:08}").as_bytes());
            signer.sign_token(&c).unwrap().into_bytes()
        })
        .collect();
    let v = Verifier::from_files(format!("{K}/signing_cert.pem"), format!("{K}/cacert.pem")).unwrap();
    let start = Instant::now();
    for i in 0..n {
        v.verify(&tokens[i % 64]).unwrap();
        if i == 1000 || i + 1 == n / 10 || i + 1 == n {
            println!("after {:>9} verifies: RSS {} KiB", i + 1, rss_kib());
        }
    }
    let per = start.elapsed().as_secs_f64() / n as f64;
    println!("single thread: {:.1} us per verify, {:.0} verifies/s", per * 1e6, 1.0 / per);

    let m = 100_000;
    let t1 = {
        let s = Instant::now();
        for i in 0..m {
            v.verify(&tokens[i % 64]).unwrap();
        }
        s.elapsed().as_secs_f64()
    };
    let t2 = {
        let s = Instant::now();
        std::thread::scope(|sc| {
            for t in 0..2 {
                let (v, tokens) = (&v, &tokens);
                sc.spawn(move || {
                    for i in 0..m / 2 {
                        v.verify(&tokens[(i + t) % 64]).unwrap();
                    }
                });
            }
        });
        s.elapsed().as_secs_f64()
    };
    println!("1 thread {:.0}/s, 2 threads {:.0}/s, scaling {:.2}x", m as f64 / t1, m as f64 / t2, t1 / t2);
}
