//! cmsverify vs OpenSSL, side by side, on distinct Keystone-sized tokens.
//!
//! Rows: cmsverify warm (path cached, every message new) for 3 KB and 10 KB
//! PKI tokens, a PKIZ token, a message with signed attributes, an ECDSA P-256
//! message, two threads on one shared verifier, and a cold verify (fresh
//! verifier); OpenSSL in-process
//! (`CmsContentInfo::verify`, store built once); spawning `openssl cms
//! -verify` with keystoneclient's arguments; the floor: one RSA-2048 PKCS#1
//! v1.5 verify with the `rsa` crate and with OpenSSL.

use std::hint::black_box;
use std::io::Write;
use std::process::{Command, Stdio};

use cmsverify::{DigestAlgorithm, SignOptions, Signer, Verifier};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const K: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/keystone");
const DISTINCT: usize = 64;

fn path(name: &str) -> String {
    format!("{K}/{name}")
}

/// How a benchmark message is encoded.
#[derive(Clone, Copy)]
enum Form {
    Pem,
    Token,
    Pkiz,
}

/// `n` distinct messages of about `size` bytes of JSON content.
fn tokens(signer: &Signer, size: usize, n: usize, form: Form) -> Vec<Vec<u8>> {
    let base = std::fs::read(path(if size > 5000 {
        "token_10k.json"
    } else {
        "token.json"
    }))
    .unwrap();
    (0..n)
        .map(|i| {
            let mut content = base.clone();
            content.extend_from_slice(format!("{i:08}").as_bytes());
            match form {
                Form::Pem => signer.sign_pem(&content).unwrap().into_bytes(),
                Form::Token => signer.sign_token(&content).unwrap().into_bytes(),
                Form::Pkiz => signer.sign_pkiz(&content, 6).unwrap().into_bytes(),
            }
        })
        .collect()
}

fn keystone_signer(options: SignOptions) -> Signer {
    Signer::from_files(path("signing_cert.pem"), path("signing_key.pem"))
        .unwrap()
        .options(options)
}

fn verifier() -> Verifier {
    Verifier::from_files(path("signing_cert.pem"), path("cacert.pem")).unwrap()
}

fn bench_cmsverify(c: &mut Criterion) {
    let mut g = c.benchmark_group("cmsverify");
    g.throughput(Throughput::Elements(1));
    let v = verifier();
    let plain = keystone_signer(SignOptions::default());
    for (label, size, form) in [
        ("pki_3k", 3000, Form::Token),
        ("pki_10k", 10_000, Form::Token),
        ("pem_3k", 3000, Form::Pem),
        ("pkiz_3k", 3000, Form::Pkiz),
    ] {
        let msgs = tokens(&plain, size, DISTINCT, form);
        let mut i = 0;
        g.bench_function(format!("warm/{label}"), |b| {
            b.iter(|| {
                i = (i + 1) % DISTINCT;
                v.verify(black_box(&msgs[i])).unwrap()
            })
        });
    }
    // One shared Verifier, two threads: time per verify of the pair (half
    // the single-thread figure when it scales perfectly).
    let msgs = tokens(&plain, 3000, DISTINCT, Form::Token);
    g.bench_function("threads2/pki_3k", |b| {
        b.iter_custom(|iters| {
            let start = std::time::Instant::now();
            std::thread::scope(|s| {
                for t in 0..2u64 {
                    let (v, msgs) = (&v, &msgs);
                    s.spawn(move || {
                        for i in (t..iters).step_by(2) {
                            v.verify(black_box(&msgs[i as usize % DISTINCT])).unwrap();
                        }
                    });
                }
            });
            start.elapsed()
        })
    });
    let attrs = tokens(
        &keystone_signer(SignOptions {
            signed_attributes: true,
            ..SignOptions::default()
        }),
        3000,
        DISTINCT,
        Form::Token,
    );
    let mut i = 0;
    g.bench_function("warm/signed_attrs_3k", |b| {
        b.iter(|| {
            i = (i + 1) % DISTINCT;
            v.verify(black_box(&attrs[i])).unwrap()
        })
    });

    // ECDSA P-256: a self-signed signer made with the openssl command.
    let dir = std::env::temp_dir().join("cmsverify-bench-ec");
    std::fs::create_dir_all(&dir).unwrap();
    let (key, cert) = (dir.join("k.pem"), dir.join("c.pem"));
    let run = |args: &[&str]| {
        assert!(Command::new("openssl")
            .args(args)
            .status()
            .unwrap()
            .success())
    };
    run(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        key.to_str().unwrap(),
    ]);
    run(&[
        "req",
        "-x509",
        "-new",
        "-key",
        key.to_str().unwrap(),
        "-subj",
        "/CN=bench",
        "-days",
        "3650",
        "-addext",
        "keyUsage=digitalSignature",
        "-out",
        cert.to_str().unwrap(),
    ]);
    let ec = Signer::from_files(&cert, &key)
        .unwrap()
        .digest(DigestAlgorithm::Sha256);
    let ec_msgs = tokens(&ec, 3000, DISTINCT, Form::Token);
    let ec_v = Verifier::from_files(&cert, &cert).unwrap();
    let mut i = 0;
    g.bench_function("warm/ecdsa_p256_3k", |b| {
        b.iter(|| {
            i = (i + 1) % DISTINCT;
            ec_v.verify(black_box(&ec_msgs[i])).unwrap()
        })
    });

    let msgs = tokens(&plain, 3000, 1, Form::Token);
    g.bench_function("cold/pki_3k", |b| {
        b.iter_batched(
            verifier,
            |v| v.verify(black_box(&msgs[0])).unwrap(),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn bench_openssl(c: &mut Criterion) {
    use openssl::cms::{CMSOptions, CmsContentInfo};
    use openssl::stack::Stack;
    use openssl::x509::store::X509StoreBuilder;
    use openssl::x509::X509;

    let mut g = c.benchmark_group("openssl");
    g.throughput(Throughput::Elements(1));
    let signer_cert = X509::from_pem(&std::fs::read(path("signing_cert.pem")).unwrap()).unwrap();
    let ca = X509::from_pem(&std::fs::read(path("cacert.pem")).unwrap()).unwrap();
    let mut store = X509StoreBuilder::new().unwrap();
    store.add_cert(ca).unwrap();
    let store = store.build();
    let mut certs = Stack::new().unwrap();
    certs.push(signer_cert).unwrap();
    let pems = tokens(
        &keystone_signer(SignOptions::default()),
        3000,
        DISTINCT,
        Form::Pem,
    );
    let mut i = 0;
    g.bench_function("in_process/pem_3k", |b| {
        b.iter(|| {
            i = (i + 1) % DISTINCT;
            let mut cms = CmsContentInfo::from_pem(&pems[i]).unwrap();
            let mut out = Vec::new();
            cms.verify(
                Some(&certs),
                Some(&store),
                None,
                Some(&mut out),
                CMSOptions::empty(),
            )
            .unwrap();
            out
        })
    });
    g.sample_size(20);
    g.bench_function("spawn_openssl_cms/pem_3k", |b| {
        b.iter(|| {
            let mut child = Command::new("openssl")
                .args([
                    "cms",
                    "-verify",
                    "-certfile",
                    &path("signing_cert.pem"),
                    "-CAfile",
                    &path("cacert.pem"),
                    "-inform",
                    "PEM",
                    "-nosmimecap",
                    "-nodetach",
                    "-nocerts",
                    "-noattr",
                ])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            child.stdin.take().unwrap().write_all(&pems[0]).unwrap();
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success());
            out.stdout
        })
    });
    g.finish();
}

fn bench_floor(c: &mut Criterion) {
    use rsa::pkcs8::DecodePublicKey;
    let mut g = c.benchmark_group("floor_rsa2048_verify");
    g.throughput(Throughput::Elements(1));
    let signer = keystone_signer(SignOptions::default());
    let der = signer.sign(b"floor").unwrap();
    // The signature is the last 256 bytes of this no-attribute message.
    let sig = der[der.len() - 256..].to_vec();
    let hashed =
        sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(b"floor")).to_vec();
    let cert =
        openssl::x509::X509::from_pem(&std::fs::read(path("signing_cert.pem")).unwrap()).unwrap();
    let spki = cert.public_key().unwrap().public_key_to_der().unwrap();
    let rsa_key = rsa::PublicKey::from_public_key_der(&spki).unwrap();
    g.bench_function("rsa_crate", |b| {
        b.iter(|| {
            rsa_key
                .verify(
                    rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                    black_box(&hashed),
                    black_box(&sig),
                )
                .unwrap()
        })
    });
    let ossl = cert.public_key().unwrap().rsa().unwrap();
    let mut buf = vec![0u8; 256];
    g.bench_function("openssl", |b| {
        b.iter(|| {
            ossl.public_decrypt(black_box(&sig), &mut buf, openssl::rsa::Padding::PKCS1)
                .unwrap()
        })
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3))
}

criterion_group!(name = benches; config = config(); targets = bench_cmsverify, bench_openssl, bench_floor);
criterion_main!(benches);
