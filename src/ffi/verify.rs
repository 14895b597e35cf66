//! Verifying from C: `cmsv_verifier` over [`crate::Verifier`], the
//! constructors `openssl cms -verify -certfile F -CAfile F` corresponds to, and
//! the verify calls for CMS messages and Keystone tokens.

use std::ffi::c_char;

use super::{cmsv_bytes, cmsv_error, cmsv_status, path, slice};
use crate::{InputForm, Verifier};

/// A verifier: the certfile and CAfile certificates with the verification
/// policy. Immutable after construction: one handle may be used by many
/// threads at once (`cmsv_verify*` take it `const`). Free it with
/// `cmsv_verifier_free` once no thread uses it any more.
pub struct cmsv_verifier {
    inner: Verifier,
}

/// Stores a new verifier handle in `*out`.
///
/// # Safety
/// `out` is NULL or valid for writes.
unsafe fn store_verifier(
    out: *mut *mut cmsv_verifier,
    built: crate::Result<Verifier>,
) -> Result<(), cmsv_error> {
    let inner = built.map_err(|e| cmsv_error::from_error(&e))?;
    // SAFETY: checked non-NULL by the callers, writable by contract.
    unsafe { *out = Box::into_raw(Box::new(cmsv_verifier { inner })) };
    Ok(())
}

/// Builds a verifier from a certfile (the signer certificates, PEM or DER)
/// and a CAfile (the trust anchors, PEM), as `openssl cms -verify -certfile F
/// -CAfile F` takes them (Keystone: signing_cert.pem and cacert.pem). The
/// files are read once, here. On success stores the handle in `*out`.
///
/// Returns `CMSV_ERR_USAGE` when `certfile`, `cafile` or `out` is NULL,
/// `CMSV_ERR_CONFIG` when a file cannot be read or holds no usable
/// certificate.
///
/// # Safety
/// `certfile` and `cafile` are NULL or NUL-terminated strings; `out` is NULL
/// or valid for writes; `err` is NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cmsv_verifier_from_files(
    certfile: *const c_char,
    cafile: *const c_char,
    out: *mut *mut cmsv_verifier,
    err: *mut *mut cmsv_error,
) -> cmsv_status {
    boundary!(err, {
        // SAFETY: documented preconditions.
        let (certfile, cafile) = unsafe { (path(certfile, "certfile")?, path(cafile, "cafile")?) };
        if out.is_null() {
            return Err(cmsv_error::usage("out is NULL"));
        }
        // SAFETY: `out` is non-NULL and writable.
        unsafe { store_verifier(out, Verifier::from_files(certfile, cafile)) }
    })
}

/// Builds a verifier from certfile and CAfile contents in memory (PEM).
/// `certs_pem` may be NULL with `certs_len` 0 (no untrusted certificates:
/// the message must embed its signer's); `ca_pem` is required. On success
/// stores the handle in `*out`.
///
/// Returns `CMSV_ERR_USAGE` for a NULL `ca_pem` or `out` (or a NULL
/// `certs_pem` with a length), `CMSV_ERR_CONFIG` when the PEM holds no
/// usable certificate.
///
/// # Safety
/// `certs_pem` and `ca_pem` are NULL or valid for reads of `certs_len` and
/// `ca_len` bytes; `out` and `err` are NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cmsv_verifier_from_pem(
    certs_pem: *const u8,
    certs_len: usize,
    ca_pem: *const u8,
    ca_len: usize,
    out: *mut *mut cmsv_verifier,
    err: *mut *mut cmsv_error,
) -> cmsv_status {
    boundary!(err, {
        // SAFETY: documented preconditions.
        let (certs, ca) = unsafe {
            (
                slice(certs_pem, certs_len, "certs_pem", true)?,
                slice(ca_pem, ca_len, "ca_pem", false)?,
            )
        };
        if out.is_null() {
            return Err(cmsv_error::usage("out is NULL"));
        }
        let builder = if certs.is_empty() {
            Ok(Verifier::builder())
        } else {
            Verifier::builder().certfile_pem(certs)
        };
        let built = builder
            .and_then(|b| b.cafile_pem(ca))
            .and_then(|b| b.build());
        // SAFETY: `out` is non-NULL and writable.
        unsafe { store_verifier(out, built) }
    })
}

/// Shared body of the verify functions.
///
/// # Safety
/// As `cmsv_verify`.
unsafe fn verify_into(
    v: *const cmsv_verifier,
    msg: *const u8,
    len: usize,
    form: InputForm,
    content_out: *mut cmsv_bytes,
    err: *mut *mut cmsv_error,
) -> cmsv_status {
    boundary!(err, {
        // SAFETY: `v` is NULL or a live handle from a constructor.
        let v = unsafe { v.as_ref() }.ok_or_else(|| cmsv_error::usage("verifier is NULL"))?;
        // SAFETY: documented preconditions.
        let msg = unsafe { slice(msg, len, "message", false)? };
        if content_out.is_null() {
            return Err(cmsv_error::usage("content_out is NULL"));
        }
        let verified = v
            .inner
            .verify_form(msg, form)
            .map_err(|e| cmsv_error::from_error(&e))?;
        // SAFETY: `content_out` is non-NULL and writable.
        unsafe { *content_out = cmsv_bytes::owning(verified.content) };
        Ok(())
    })
}

/// Verifies a CMS SignedData message given as PEM (`-----BEGIN CMS-----` or
/// `PKCS7`), DER or BER, with embedded content, and stores the signed content
/// in `*content_out`, to be released with `cmsv_bytes_free`. Keystone tokens
/// go to `cmsv_verify_token` (here they are `CMSV_ERR_PARSE`). Many threads
/// may call this at once with one verifier.
///
/// Returns `CMSV_ERR_USAGE` when `v`, `msg` or `content_out` is NULL,
/// `CMSV_ERR_PARSE` when the message cannot be parsed, `CMSV_ERR_VERIFY` when
/// verification fails.
///
/// # Safety
/// `v` is NULL or a live verifier; `msg` is NULL or valid for reads of `len`
/// bytes; `content_out` is NULL or valid for writes; `err` is NULL or valid
/// for writes.
#[no_mangle]
pub unsafe extern "C" fn cmsv_verify(
    v: *const cmsv_verifier,
    msg: *const u8,
    len: usize,
    content_out: *mut cmsv_bytes,
    err: *mut *mut cmsv_error,
) -> cmsv_status {
    // SAFETY: forwarded preconditions.
    unsafe { verify_into(v, msg, len, InputForm::AutoCms, content_out, err) }
}

/// Verifies a Keystone token, a PKI token (`MII...`) or a PKIZ token
/// (`PKIZ_...`), given as `len` bytes of text (no NUL needed; surrounding
/// whitespace is ignored), and stores the signed content (the token's JSON)
/// in `*content_out`, to be released with `cmsv_bytes_free`. Many threads may
/// call this at once with one verifier.
///
/// Returns the statuses of `cmsv_verify`.
///
/// # Safety
/// As `cmsv_verify`, with `token` for `msg`.
#[no_mangle]
pub unsafe extern "C" fn cmsv_verify_token(
    v: *const cmsv_verifier,
    token: *const c_char,
    len: usize,
    content_out: *mut cmsv_bytes,
    err: *mut *mut cmsv_error,
) -> cmsv_status {
    // SAFETY: forwarded preconditions.
    unsafe {
        verify_into(
            v,
            token.cast::<u8>(),
            len,
            InputForm::AutoToken,
            content_out,
            err,
        )
    }
}

/// Frees a verifier; NULL is a no-op. No other thread may be using it.
///
/// # Safety
/// `v` is NULL or a live verifier, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cmsv_verifier_free(v: *mut cmsv_verifier) {
    boundary!(default = (), {
        if !v.is_null() {
            // SAFETY: the verifier came from Box::into_raw and is freed once.
            drop(unsafe { Box::from_raw(v) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::{cmsv_bytes_free, cmsv_error_free, cmsv_error_status};

    const CERTS: &[u8] = include_bytes!("../../tests/data/keystone/signing_cert.pem");
    const CA: &[u8] = include_bytes!("../../tests/data/keystone/cacert.pem");
    const PKI: &[u8] = include_bytes!("../../tests/data/keystone/token.pki");
    const PEM: &[u8] = include_bytes!("../../tests/data/keystone/token.pem");
    const JSON: &[u8] = include_bytes!("../../tests/data/keystone/token.json");

    fn verifier() -> *mut cmsv_verifier {
        let mut v = std::ptr::null_mut();
        let status = unsafe {
            cmsv_verifier_from_pem(
                CERTS.as_ptr(),
                CERTS.len(),
                CA.as_ptr(),
                CA.len(),
                &mut v,
                std::ptr::null_mut(),
            )
        };
        assert_eq!(status, cmsv_status::CMSV_OK);
        v
    }

    #[test]
    fn verifies_both_apis_and_frees() {
        let v = verifier();
        for (msg, token, expected) in [
            (PEM, false, cmsv_status::CMSV_OK),
            (PKI, true, cmsv_status::CMSV_OK),
            (PKI, false, cmsv_status::CMSV_ERR_PARSE),
            (PEM, true, cmsv_status::CMSV_ERR_PARSE),
        ] {
            let mut out = cmsv_bytes {
                data: std::ptr::null_mut(),
                len: 0,
            };
            let mut err = std::ptr::null_mut();
            let status = unsafe {
                if token {
                    cmsv_verify_token(v, msg.as_ptr().cast(), msg.len(), &mut out, &mut err)
                } else {
                    cmsv_verify(v, msg.as_ptr(), msg.len(), &mut out, &mut err)
                }
            };
            assert_eq!(status, expected);
            if status == cmsv_status::CMSV_OK {
                assert!(err.is_null());
                let content = unsafe { std::slice::from_raw_parts(out.data, out.len) };
                assert_eq!(content, JSON);
            } else {
                assert!(out.data.is_null());
                assert_eq!(unsafe { cmsv_error_status(err) }, status);
            }
            unsafe {
                cmsv_bytes_free(&mut out);
                cmsv_error_free(err);
            }
            assert!(out.data.is_null() && out.len == 0);
        }
        unsafe { cmsv_verifier_free(v) };
    }

    #[test]
    fn null_inputs_are_usage_errors() {
        let v = verifier();
        let mut out = cmsv_bytes {
            data: std::ptr::null_mut(),
            len: 0,
        };
        let none = std::ptr::null_mut();
        unsafe {
            assert_eq!(
                cmsv_verify(v, std::ptr::null(), 0, &mut out, none),
                cmsv_status::CMSV_ERR_USAGE
            );
            assert_eq!(
                cmsv_verify_token(
                    std::ptr::null(),
                    PKI.as_ptr().cast(),
                    PKI.len(),
                    &mut out,
                    none
                ),
                cmsv_status::CMSV_ERR_USAGE
            );
            let mut w = std::ptr::null_mut();
            assert_eq!(
                cmsv_verifier_from_pem(
                    CERTS.as_ptr(),
                    CERTS.len(),
                    std::ptr::null(),
                    0,
                    &mut w,
                    none
                ),
                cmsv_status::CMSV_ERR_USAGE
            );
            assert!(w.is_null());
            assert_eq!(
                cmsv_verifier_from_files(std::ptr::null(), std::ptr::null(), &mut w, none),
                cmsv_status::CMSV_ERR_USAGE
            );
            cmsv_verifier_free(v);
        }
    }
}
