//! Build script: gives the C shared library its ELF SONAME.
//!
//! `libcmsverify.so` (the cdylib) is linked with `-soname libcmsverify.so.<MAJOR>`,
//! MAJOR being Cargo.toml's major version, so a program linked against it
//! records `NEEDED libcmsverify.so.0` and the loader refuses a library of
//! another ABI generation. `scripts/install-c.sh` installs the file as
//! `libcmsverify.so.<MAJOR>.<MINOR>.<PATCH>` with the `.so.<MAJOR>` and `.so`
//! symlinks. This is the SONAME cargo-c gives it too
//! (`version_suffix_components = 1` in Cargo.toml), so `cargo cinstall` and the
//! script install the same library.
//!
//! No version script: for a cdylib rustc already writes one that exports only
//! the `#[no_mangle] extern "C"` functions (here the `cmsv_*` of src/ffi.rs and
//! src/ffi/sign.rs) and hides everything else; a second script cannot narrow
//! that list. scripts/test-20-c.sh checks the exported set with `nm -D`.
//!
//! The Rust library (rlib) and the static library are not affected.

use std::env;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    // ELF platforms whose linkers take -soname (the ones cargo-c versions).
    let elf = matches!(
        os.as_str(),
        "linux" | "freebsd" | "dragonfly" | "netbsd" | "openbsd" | "illumos" | "hurd" | "haiku"
    );
    if elf {
        let major =
            env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libcmsverify.so.{major}");
    }
}
