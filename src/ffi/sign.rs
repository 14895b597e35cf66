//! Signing from C: `cmsv_signer` over [`crate::Signer`], as keystoneclient's
//! `openssl cms -sign ... -nosmimecap -nodetach -nocerts -noattr` signs.

use std::ffi::{c_char, CStr};

use super::{cmsv_bytes, cmsv_error, path, slice};
use crate::{DigestAlgorithm, OutputForm, Signer};

/// A signer: a certificate and its private key with a digest algorithm.
/// Immutable after construction: one handle may be used by many threads at
/// once (`cmsv_sign` takes it `const`). Free it with `cmsv_signer_free`.
pub struct cmsv_signer {
    inner: Signer,
}

// Output forms of `cmsv_sign`. Plain integers, not a Rust enum: a value C
// passes that is out of range must be an error, not undefined behaviour.
/// `cmsv_sign` form: PEM, `-----BEGIN CMS-----` with 64-column lines.
pub const CMSV_SIGN_PEM: u32 = 0;
/// `cmsv_sign` form: DER.
pub const CMSV_SIGN_DER: u32 = 1;
/// `cmsv_sign` form: a Keystone PKI token (`MII...`).
pub const CMSV_SIGN_TOKEN: u32 = 2;
/// `cmsv_sign` form: a Keystone PKIZ token (`PKIZ_...`, zlib level 6 as
/// keystoneclient compresses).
pub const CMSV_SIGN_PKIZ: u32 = 3;

/// Builds a signer from a PEM certificate file and an unencrypted PEM private
/// key file (PKCS#8 RSA/EC/Ed25519, PKCS#1 RSA or SEC1 EC) that belong
/// together. `digest` names the digest as openssl's `-md` does (`"sha256"`,
/// `"sha1"`, `"sha512"`...); NULL means SHA-256. On success stores the handle
/// in `*out`.
///
/// Returns `CMSV_ERR_USAGE` when `certfile`, `keyfile` or `out` is NULL or
/// `digest` is unknown, `CMSV_ERR_CONFIG` when a file cannot be read or
/// parsed or the key does not belong to the certificate.
///
/// # Safety
/// `certfile`, `keyfile` and `digest` are NULL or NUL-terminated strings;
/// `out` and `err` are NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cmsv_signer_from_files(
    certfile: *const c_char,
    keyfile: *const c_char,
    digest: *const c_char,
    out: *mut *mut cmsv_signer,
    err: *mut *mut cmsv_error,
) -> super::cmsv_status {
    boundary!(err, {
        // SAFETY: documented preconditions.
        let (certfile, keyfile) =
            unsafe { (path(certfile, "certfile")?, path(keyfile, "keyfile")?) };
        let digest = if digest.is_null() {
            DigestAlgorithm::Sha256
        } else {
            // SAFETY: non-NULL, NUL-terminated by contract.
            let name = unsafe { CStr::from_ptr(digest) }.to_string_lossy();
            DigestAlgorithm::from_name(&name)
                .ok_or_else(|| cmsv_error::usage(&format!("unknown digest {name:?}")))?
        };
        if out.is_null() {
            return Err(cmsv_error::usage("out is NULL"));
        }
        let inner = Signer::from_files(certfile, keyfile)
            .map_err(|e| cmsv_error::from_error(&e))?
            .digest(digest);
        // SAFETY: `out` is non-NULL and writable.
        unsafe { *out = Box::into_raw(Box::new(cmsv_signer { inner })) };
        Ok(())
    })
}

/// Signs `len` bytes of `content` (attached, no signed attributes, no
/// certificates, issuerAndSerialNumber signer identifier) and stores the
/// message in `form` (one of the `CMSV_SIGN_` values) in `*out`, to be released with `cmsv_bytes_free`. The
/// text forms (PEM, token, PKIZ) are not NUL-terminated: use `out->len`.
/// Many threads may call this at once with one signer.
///
/// Returns `CMSV_ERR_USAGE` when `s`, `out`, or `content` with a non-zero
/// `len`, is NULL, or `form` is not a `CMSV_SIGN_` value.
///
/// # Safety
/// `s` is NULL or a live signer; `content` is NULL or valid for reads of
/// `len` bytes; `out` and `err` are NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cmsv_sign(
    s: *const cmsv_signer,
    content: *const u8,
    len: usize,
    form: u32,
    out: *mut cmsv_bytes,
    err: *mut *mut cmsv_error,
) -> super::cmsv_status {
    boundary!(err, {
        // SAFETY: `s` is NULL or a live handle from `cmsv_signer_from_files`.
        let signer = &unsafe { s.as_ref() }
            .ok_or_else(|| cmsv_error::usage("signer is NULL"))?
            .inner;
        // SAFETY: documented preconditions.
        let content = unsafe { slice(content, len, "content", true)? };
        if out.is_null() {
            return Err(cmsv_error::usage("out is NULL"));
        }
        let form = match form {
            CMSV_SIGN_PEM => OutputForm::Pem,
            CMSV_SIGN_DER => OutputForm::Der,
            CMSV_SIGN_TOKEN => OutputForm::Token,
            CMSV_SIGN_PKIZ => OutputForm::Pkiz,
            other => return Err(cmsv_error::usage(&format!("unknown output form {other}"))),
        };
        let signed = signer
            .sign_as(content, form)
            .map_err(|e| cmsv_error::from_error(&e))?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { *out = cmsv_bytes::owning(signed) };
        Ok(())
    })
}

/// Frees a signer (and its private key); NULL is a no-op.
///
/// # Safety
/// `s` is NULL or a live signer that no thread uses any more.
#[no_mangle]
pub unsafe extern "C" fn cmsv_signer_free(s: *mut cmsv_signer) {
    boundary!(default = (), {
        if !s.is_null() {
            // SAFETY: `s` came from `Box::into_raw` in the constructor.
            drop(unsafe { Box::from_raw(s) });
        }
    })
}
