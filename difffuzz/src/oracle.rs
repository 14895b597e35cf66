//! The two verdicts of one case: libcrypto's `CMS_verify` (the oracle) and
//! cmsverify's `Verifier`, as classes plus content.

use std::cell::RefCell;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use cmsverify::{AlgorithmPolicy, ErrorClass, InputForm, Verifier};
use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::X509;

use crate::der;
use crate::model::Encoded;

/// A verdict class shared by both sides (docs/compatibility.md, Exit classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    Ok,
    /// A certfile or CAfile certificate cannot be loaded (exit 2).
    Config,
    /// The message cannot be parsed (exit 2 for OpenSSL, 3 for cmsverify).
    Parse,
    /// Verification failed (exit 4).
    Verify,
    /// cmsverify panicked: always a finding.
    Panic,
}

impl Class {
    /// The name used in reports and allow rules.
    pub fn name(self) -> &'static str {
        match self {
            Class::Ok => "ok",
            Class::Config => "config",
            Class::Parse => "parse",
            Class::Verify => "verify",
            Class::Panic => "panic",
        }
    }
}

/// One side's verdict.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub class: Class,
    /// The verified content (empty unless `Ok`).
    pub content: Vec<u8>,
    /// The error, for the report.
    pub reason: String,
}

impl Verdict {
    fn fail(class: Class, reason: String) -> Verdict {
        Verdict {
            class,
            content: Vec::new(),
            reason,
        }
    }
}

/// True when the two verdicts agree: same class (OpenSSL's exit 2 covers
/// both unusable files and unparsable messages) and, on success, the same
/// content.
pub fn agree(theirs: &Verdict, ours: &Verdict) -> bool {
    let class_ok = match theirs.class {
        Class::Config | Class::Parse => matches!(ours.class, Class::Config | Class::Parse),
        c => c == ours.class,
    };
    class_ok && (theirs.class != Class::Ok || theirs.content == ours.content)
}

thread_local! {
    /// Parsed certfile and CAfile certificates by DER: libcrypto 3.0 spends
    /// most of a parse in its key decoders, and most cases share most
    /// certificates. A parsed X509 is only read by the verification (its
    /// extension cache is a pure function of its bytes), so reuse is safe.
    static PARSED: RefCell<HashMap<Vec<u8>, Option<X509>>> = RefCell::new(HashMap::new());
}

/// `X509::from_der`, cached per thread.
fn parse_cert(der: &[u8]) -> Option<X509> {
    PARSED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(hit) = cache.get(der) {
            return hit.clone();
        }
        if cache.len() > 4096 {
            cache.clear();
        }
        let parsed = X509::from_der(der).ok();
        let _ = openssl::error::ErrorStack::get();
        cache.insert(der.to_vec(), parsed.clone());
        parsed
    })
}

fn first_error(e: &openssl::error::ErrorStack) -> String {
    e.errors()
        .first()
        .map(|e| e.reason().unwrap_or("?").to_string())
        .unwrap_or_else(|| "error".into())
}

/// `openssl cms -verify -certfile F -CAfile F` in-process: a store holding
/// only the CAfile certificates (no default paths), the certfile as the
/// untrusted signer certificates, current time. `CMS_verify` itself sets
/// the S/MIME signing purpose (`X509_STORE_CTX_set_default(ctx,
/// "smime_sign")` in cms_smime.c), exactly as for the command.
pub fn openssl_verdict(input: &Encoded) -> Verdict {
    let verdict = openssl_inner(input);
    // Leave no error behind for the next case on this thread.
    let _ = openssl::error::ErrorStack::get();
    verdict
}

fn openssl_inner(input: &Encoded) -> Verdict {
    let mut store = match X509StoreBuilder::new() {
        Ok(s) => s,
        Err(e) => return Verdict::fail(Class::Config, first_error(&e)),
    };
    if input.cafile.is_empty() {
        return Verdict::fail(Class::Config, "empty CAfile".into());
    }
    for der in &input.cafile {
        let Some(cert) = parse_cert(der) else {
            return Verdict::fail(Class::Config, "CAfile: certificate does not parse".into());
        };
        if let Err(e) = store.add_cert(cert) {
            return Verdict::fail(Class::Config, format!("CAfile: {}", first_error(&e)));
        }
    }
    let store = store.build();
    let mut certs = match Stack::new() {
        Ok(s) => s,
        Err(e) => return Verdict::fail(Class::Config, first_error(&e)),
    };
    if input.certfile.is_empty() {
        return Verdict::fail(Class::Config, "empty certfile".into());
    }
    for der in &input.certfile {
        let Some(cert) = parse_cert(der) else {
            return Verdict::fail(Class::Config, "certfile: certificate does not parse".into());
        };
        if let Err(e) = certs.push(cert) {
            return Verdict::fail(Class::Config, format!("certfile: {}", first_error(&e)));
        }
    }
    let mut cms = match CmsContentInfo::from_der(&input.message) {
        Ok(c) => c,
        Err(e) => return Verdict::fail(Class::Parse, first_error(&e)),
    };
    let mut out = Vec::new();
    match cms.verify(
        Some(&certs),
        Some(&store),
        None,
        Some(&mut out),
        CMSOptions::empty(),
    ) {
        Ok(()) => Verdict {
            class: Class::Ok,
            content: out,
            reason: String::new(),
        },
        Err(e) => Verdict::fail(Class::Verify, first_error(&e)),
    }
}

/// cmsverify's verdict through its public API, as the CLI builds it
/// (PEM certfile and CAfile, DER message), with `policy`.
pub fn cmsverify_verdict(input: &Encoded, policy: AlgorithmPolicy) -> Verdict {
    let pem = |certs: &[Vec<u8>]| -> Vec<u8> {
        certs
            .iter()
            .flat_map(|c| der::pem("CERTIFICATE", c))
            .collect()
    };
    let certfile = pem(&input.certfile);
    let cafile = pem(&input.cafile);
    let run = || {
        Verifier::builder()
            .certfile_pem(&certfile)
            .and_then(|b| b.cafile_pem(&cafile))
            .and_then(|b| b.algorithm_policy(policy).build())
            .and_then(|v| v.verify_form(&input.message, InputForm::Der))
    };
    match catch_unwind(AssertUnwindSafe(run)) {
        Err(panic) => {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Verdict::fail(Class::Panic, format!("panic: {text}"))
        }
        Ok(Ok(v)) => Verdict {
            class: Class::Ok,
            content: v.content,
            reason: String::new(),
        },
        Ok(Err(e)) => Verdict::fail(
            match e.class() {
                ErrorClass::Config => Class::Config,
                ErrorClass::Parse => Class::Parse,
                _ => Class::Verify,
            },
            e.to_string(),
        ),
    }
}
