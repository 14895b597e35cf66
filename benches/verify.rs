//! Verification benchmarks (criterion). Run: `cargo bench --bench verify`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("tests/data/keystone/{name}")).expect("tests/data/keystone fixtures")
}

fn verifier() -> cmsverify::Verifier {
    cmsverify::Verifier::from_files(
        "tests/data/keystone/signing_cert.pem",
        "tests/data/keystone/cacert.pem",
    )
    .expect("sample trust files")
}

fn keystone_tokens(c: &mut Criterion) {
    let v = verifier();
    let mut group = c.benchmark_group("keystone");
    for (label, file) in [
        ("pem_3k", "token.pem"),
        ("pki_3k", "token.pki"),
        ("pkiz_3k", "token.pkiz"),
        ("pem_10k", "token_10k.pem"),
    ] {
        let msg = data(file);
        group.throughput(Throughput::Elements(1));
        group.bench_function(format!("warm/{label}"), |b| {
            b.iter(|| v.verify(black_box(&msg)).unwrap())
        });
    }
    let msg = data("token.pem");
    group.bench_function("cold/pem_3k", |b| {
        b.iter_batched(
            verifier,
            |v| v.verify(black_box(&msg)).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, keystone_tokens);
criterion_main!(benches);
