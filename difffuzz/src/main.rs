mod baseline;
mod der;
mod keys;
mod model;
mod oracle;
mod rng;
mod sign;

fn main() {
    let pool = std::sync::Arc::new(keys::Pool::load().expect("keys"));
    let mut signing = sign::Signing::new(pool);
    let s = baseline::scenario();
    let e = s.encode(&mut signing);
    let t = oracle::openssl_verdict(&e);
    let o = oracle::cmsverify_verdict(&e, Default::default());
    println!("{:?} {}\n{:?} {}", t.class, t.reason, o.class, o.reason);
    std::fs::write("/tmp/df-msg.der", &e.message).unwrap();
    std::fs::write("/tmp/df-certfile.pem", e.certfile.iter().flat_map(|c| der::pem("CERTIFICATE", c)).collect::<Vec<u8>>()).unwrap();
    std::fs::write("/tmp/df-cafile.pem", e.cafile.iter().flat_map(|c| der::pem("CERTIFICATE", c)).collect::<Vec<u8>>()).unwrap();
}
