//! The checked-in C header equals a fresh cbindgen generation (pinned
//! version in Cargo.toml). Regenerate with:
//! `CMSVERIFY_BLESS=1 cargo test --test ffi_header`.

#[test]
fn header_is_up_to_date() {
    let crate_dir = env!("CARGO_MANIFEST_DIR");
    let config = cbindgen::Config::from_file(format!("{crate_dir}/cbindgen.toml")).unwrap();
    let mut fresh = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut fresh);
    let path = format!("{crate_dir}/include/cmsverify.h");
    if std::env::var_os("CMSVERIFY_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let checked_in = std::fs::read(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "include/cmsverify.h is stale: run CMSVERIFY_BLESS=1 cargo test --test ffi_header"
    );
}
