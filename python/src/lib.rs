//! `cmsverify._cmsverify`: the Python binding of the cmsverify library.
//!
//! No verification logic lives here: every call goes to `cmsverify::Verifier`
//! with the GIL released, and every failure becomes a Python exception in
//! `to_py_err`. Every entry point runs inside [`guarded`], so a Rust panic
//! raises `InternalError` (an `Error`) instead of PyO3's `PanicException`,
//! a `BaseException` that `except Exception` would not catch.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};
use pyo3::IntoPyObjectExt;

use cmsverify::ErrorClass;

create_exception!(
    cmsverify,
    Error,
    PyException,
    "Any cmsverify failure; `.exit_code` is openssl cms's exit code for its class."
);
create_exception!(
    cmsverify,
    ConfigError,
    Error,
    "A certfile or CAfile is missing, unreadable or invalid (exit code 2); `.filename` names it."
);
create_exception!(
    cmsverify,
    ParseError,
    Error,
    "The message is not a parsable CMS message or token (exit code 3)."
);
create_exception!(cmsverify, VerificationError, Error, "Verification failed (exit code 4); `.reason` says why, `.subject`/`.serial` name the certificate if one failed.");
create_exception!(
    cmsverify,
    InternalError,
    Error,
    "A bug in cmsverify (a Rust panic) stopped the call (exit code 3); `.reason` says what happened."
);

/// The exit code `InternalError` carries: the input could not be processed.
const INTERNAL_ERROR_EXIT_CODE: u8 = 3;

/// Runs a binding entry point, turning a Rust panic into `InternalError`.
///
/// Objects stay usable after a panic: the library's shared state (the path
/// cache, the reloaded files) sits behind locks it skips once poisoned.
fn guarded<T>(py: Python<'_>, call: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        Err(internal_error(py, &what))
    })
}

/// `InternalError` with the attributes every `Error` has.
fn internal_error(py: Python<'_>, what: &str) -> PyErr {
    let reason = format!("internal error in cmsverify (please report it): {what}");
    let err = InternalError::new_err(reason.clone());
    set_attributes(
        err.value(py),
        [
            ("exit_code", INTERNAL_ERROR_EXIT_CODE.into_py_any(py)),
            ("reason", reason.into_py_any(py)),
            ("hint", None::<String>.into_py_any(py)),
            ("filename", None::<String>.into_py_any(py)),
            ("subject", None::<String>.into_py_any(py)),
            ("serial", None::<String>.into_py_any(py)),
            ("signer_not_found", false.into_py_any(py)),
        ],
    );
    err
}

/// Sets the attributes of a fresh exception instance.
fn set_attributes<const N: usize>(
    value: &Bound<'_, pyo3::exceptions::PyBaseException>,
    attributes: [(&str, PyResult<Py<PyAny>>); N],
) {
    for (name, v) in attributes {
        // Setting an attribute on a fresh exception instance does not fail.
        if let Ok(v) = v {
            let _ = value.setattr(name, v);
        }
    }
}

/// Converts a library error into the matching Python exception, with its attributes.
fn to_py_err(py: Python<'_>, e: &cmsverify::Error) -> PyErr {
    let reason = e.to_string();
    let err = match e.class() {
        ErrorClass::Config => ConfigError::new_err(reason.clone()),
        // Signing failures keep the class openssl exits with for them (3).
        ErrorClass::Parse | ErrorClass::Signing => ParseError::new_err(reason.clone()),
        // Verification, and any class a later core adds.
        _ => VerificationError::new_err(reason.clone()),
    };
    let cert = e.certificate();
    set_attributes(
        err.value(py),
        [
            ("exit_code", e.exit_code().into_py_any(py)),
            ("reason", reason.into_py_any(py)),
            ("hint", e.hint().into_py_any(py)),
            ("filename", e.file().into_py_any(py)),
            ("subject", cert.map(|c| c.subject.clone()).into_py_any(py)),
            ("serial", cert.map(|c| c.serial.clone()).into_py_any(py)),
            ("signer_not_found", e.is_signer_not_found().into_py_any(py)),
        ],
    );
    err
}

/// `bytes`, `bytearray` or `str` input, copied so the GIL can be released
/// while verifying; anything else is a `TypeError` naming the type.
enum Data {
    Bytes(Vec<u8>),
    Text(String),
}

impl<'a, 'py> FromPyObject<'a, 'py> for Data {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Data::Bytes(b.as_bytes().to_vec()));
        }
        if let Ok(b) = obj.cast::<PyByteArray>() {
            return Ok(Data::Bytes(b.to_vec()));
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(Data::Text(s.to_cow()?.into_owned()));
        }
        let name = obj
            .get_type()
            .name()
            .map_or_else(|_| "?".to_owned(), |n| n.to_string());
        Err(PyTypeError::new_err(format!(
            "expected bytes, bytearray or str, not {name}"
        )))
    }
}

impl Data {
    fn into_bytes(self) -> Vec<u8> {
        match self {
            Data::Bytes(b) => b,
            Data::Text(s) => s.into_bytes(),
        }
    }
}

fn parse_form(inform: &str) -> PyResult<cmsverify::InputForm> {
    Ok(match inform {
        "auto" => cmsverify::InputForm::Auto,
        "pem" | "PEM" => cmsverify::InputForm::Pem,
        "der" | "DER" => cmsverify::InputForm::Der,
        "token" => cmsverify::InputForm::Token,
        "pkiz" => cmsverify::InputForm::Pkiz,
        other => {
            return Err(PyValueError::new_err(format!(
                "inform must be auto, pem, der, token or pkiz, not {other:?}"
            )))
        }
    })
}

/// One signer of a verified message.
#[pyclass(frozen, get_all, module = "cmsverify")]
struct VerifiedSigner {
    subject: String,
    issuer: String,
    serial: String,
    digest_algorithm: String,
    signature_algorithm: String,
    signed_attributes: bool,
    path: Vec<String>,
}

#[pymethods]
impl VerifiedSigner {
    fn __repr__(&self) -> String {
        format!(
            "<cmsverify.VerifiedSigner subject={:?} serial={} digest {} signature {}>",
            self.subject, self.serial, self.digest_algorithm, self.signature_algorithm
        )
    }
}

/// A verified message: its content and its signers.
#[pyclass(frozen, get_all, module = "cmsverify")]
struct Verified {
    content: Py<PyBytes>,
    signers: Vec<Py<VerifiedSigner>>,
}

#[pymethods]
impl Verified {
    fn __repr__(&self, py: Python<'_>) -> String {
        let signers: Vec<String> = self
            .signers
            .iter()
            .map(|s| format!("{:?}", s.get().subject))
            .collect();
        format!(
            "<cmsverify.Verified {} content bytes signed by {}>",
            self.content.bind(py).as_bytes().len(),
            signers.join(", ")
        )
    }
}

fn to_verified(py: Python<'_>, v: cmsverify::Verified) -> PyResult<Verified> {
    let signers = v
        .signers
        .iter()
        .map(|s| {
            Py::new(
                py,
                VerifiedSigner {
                    subject: s.certificate.subject(),
                    issuer: s.certificate.issuer(),
                    serial: s.certificate.serial_hex(),
                    digest_algorithm: s.digest_algorithm.name().to_owned(),
                    signature_algorithm: s.signature_algorithm.clone(),
                    signed_attributes: s.signed_attributes,
                    path: s.path.iter().map(cmsverify::Certificate::subject).collect(),
                },
            )
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok(Verified {
        content: PyBytes::new(py, &v.content).unbind(),
        signers,
    })
}

/// Runs a verification with the GIL released; returns the verified content.
fn content_of(
    py: Python<'_>,
    verify: impl FnOnce() -> cmsverify::Result<cmsverify::Verified> + Send,
) -> PyResult<Py<PyBytes>> {
    let verified = py.detach(verify).map_err(|e| to_py_err(py, &e))?;
    Ok(PyBytes::new(py, &verified.content).unbind())
}

/// Verifies CMS messages and Keystone tokens against a certfile and a CAfile.
/// Thread-safe; verification releases the GIL.
#[pyclass(frozen, module = "cmsverify")]
struct Verifier {
    inner: cmsverify::Verifier,
    /// Where the certificates came from, for the repr.
    origin: String,
}

/// `'certfile' and 'cafile'` for reprs.
fn files_origin(certfile: &std::path::Path, cafile: &std::path::Path) -> String {
    format!(
        "certfile={:?} cafile={:?}",
        certfile.display().to_string(),
        cafile.display().to_string()
    )
}

#[pymethods]
impl Verifier {
    #[new]
    fn new(py: Python<'_>, certfile: PathBuf, cafile: PathBuf) -> PyResult<Self> {
        guarded(py, || {
            py.detach(|| cmsverify::Verifier::from_files(&certfile, &cafile))
                .map(|inner| Self {
                    inner,
                    origin: files_origin(&certfile, &cafile),
                })
                .map_err(|e| to_py_err(py, &e))
        })
    }

    /// A verifier from certfile and CAfile contents (PEM).
    #[staticmethod]
    fn from_pem(py: Python<'_>, certfile_pem: Data, cafile_pem: Data) -> PyResult<Self> {
        let (c, a) = (certfile_pem.into_bytes(), cafile_pem.into_bytes());
        guarded(py, || {
            cmsverify::Verifier::from_pem(&c, &a)
                .map(|inner| Self {
                    inner,
                    origin: "from PEM".to_owned(),
                })
                .map_err(|e| to_py_err(py, &e))
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<cmsverify.Verifier {}: {} signing certificate(s), {} CA certificate(s)>",
            self.origin,
            self.inner.certfile().len(),
            self.inner.cafile().len()
        )
    }

    /// Verifies `data` (PEM, DER/BER, PKI or PKIZ token) and returns the content.
    #[pyo3(signature = (data, inform = "auto"))]
    fn verify(&self, py: Python<'_>, data: Data, inform: &str) -> PyResult<Py<PyBytes>> {
        let form = parse_form(inform)?;
        let data = data.into_bytes();
        guarded(py, || {
            content_of(py, || self.inner.verify_form(&data, form))
        })
    }

    /// Verifies and returns the content with the signers and their paths.
    #[pyo3(signature = (data, inform = "auto"))]
    fn verify_detailed(&self, py: Python<'_>, data: Data, inform: &str) -> PyResult<Verified> {
        let form = parse_form(inform)?;
        let data = data.into_bytes();
        guarded(py, || {
            let verified = py
                .detach(|| self.inner.verify_form(&data, form))
                .map_err(|e| to_py_err(py, &e))?;
            to_verified(py, verified)
        })
    }

    /// Verifies a detached signature over `content`; returns `content`.
    fn verify_detached(&self, py: Python<'_>, data: Data, content: Data) -> PyResult<Py<PyBytes>> {
        let (data, content) = (data.into_bytes(), content.into_bytes());
        guarded(py, || {
            content_of(py, || self.inner.verify_detached(&data, &content))
        })
    }
}

/// A verifier over a certfile and a CAfile that reloads them when they change.
#[pyclass(frozen, module = "cmsverify")]
struct ReloadingVerifier {
    inner: cmsverify::ReloadingVerifier,
    origin: String,
}

#[pymethods]
impl ReloadingVerifier {
    #[new]
    fn new(py: Python<'_>, certfile: PathBuf, cafile: PathBuf) -> PyResult<Self> {
        let origin = files_origin(&certfile, &cafile);
        guarded(py, || {
            py.detach(|| {
                cmsverify::ReloadingVerifier::new(certfile, cafile, cmsverify::Verifier::builder())
            })
            .map(|inner| Self { inner, origin })
            .map_err(|e| to_py_err(py, &e))
        })
    }

    fn __repr__(&self) -> String {
        format!("<cmsverify.ReloadingVerifier {}>", self.origin)
    }

    /// Verifies with the files' current contents; returns the content.
    #[pyo3(signature = (data, inform = "auto"))]
    fn verify(&self, py: Python<'_>, data: Data, inform: &str) -> PyResult<Py<PyBytes>> {
        let form = parse_form(inform)?;
        let data = data.into_bytes();
        guarded(py, || {
            content_of(py, || self.inner.verify_form(&data, form))
        })
    }
}

/// Signs content with a certificate file and its private key file, like
/// keystoneclient's `openssl cms -sign ... -nocerts -noattr -md DIGEST`, which
/// reads the files on every call: the files are watched
/// (`cmsverify::ReloadingSigner`), so a rotated certificate and key are used
/// from the next call on.
#[pyclass(frozen, module = "cmsverify")]
struct Signer {
    inner: cmsverify::ReloadingSigner,
    repr: String,
}

#[pymethods]
impl Signer {
    #[new]
    /// `text=True` signs as `openssl cms -sign` without `-binary` (CRLF line
    /// ends), as keystoneclient does; the digest must be one cmsverify
    /// verifies by default (not MD5).
    #[pyo3(signature = (certfile, keyfile, digest = "sha256", text = false))]
    fn new(
        py: Python<'_>,
        certfile: PathBuf,
        keyfile: PathBuf,
        digest: &str,
        text: bool,
    ) -> PyResult<Self> {
        let name = digest;
        let digest = cmsverify::DigestAlgorithm::from_name(name)
            .ok_or_else(|| PyValueError::new_err(format!("unknown digest {name:?}")))?;
        if !cmsverify::AlgorithmPolicy::default().allows_digest(digest) {
            return Err(PyValueError::new_err(format!(
                "digest {name:?} is refused: cmsverify does not verify {} signatures by default",
                digest.name()
            )));
        }
        let mode = if text {
            cmsverify::ContentMode::Text
        } else {
            cmsverify::ContentMode::Binary
        };
        let repr = format!(
            "<cmsverify.Signer certfile={:?} {} {} mode>",
            certfile.display().to_string(),
            digest.name(),
            if text { "text" } else { "binary" }
        );
        guarded(py, || {
            py.detach(|| cmsverify::ReloadingSigner::new(certfile, keyfile, digest, mode))
                .map(|inner| Self { inner, repr })
                .map_err(|e| to_py_err(py, &e))
        })
    }

    fn __repr__(&self) -> String {
        self.repr.clone()
    }

    /// Signs `data`; returns the PEM text (`-----BEGIN CMS-----`).
    fn sign_pem(&self, py: Python<'_>, data: Data) -> PyResult<String> {
        let data = data.into_bytes();
        guarded(py, || {
            py.detach(|| self.inner.sign_as(&data, cmsverify::OutputForm::Pem))
                .map(|pem| String::from_utf8_lossy(&pem).into_owned())
                .map_err(|e| to_py_err(py, &e))
        })
    }

    /// Signs `data`; returns the DER message.
    fn sign_der(&self, py: Python<'_>, data: Data) -> PyResult<Py<PyBytes>> {
        let data = data.into_bytes();
        guarded(py, || {
            let der = py
                .detach(|| self.inner.sign_as(&data, cmsverify::OutputForm::Der))
                .map_err(|e| to_py_err(py, &e))?;
            Ok(PyBytes::new(py, &der).unbind())
        })
    }
}

/// keystoneclient's `pkiz_uncompress`, with the inflated size capped (16 MiB).
#[pyfunction]
fn pkiz_uncompress(py: Python<'_>, signed_text: Data) -> PyResult<Py<PyBytes>> {
    let text = String::from_utf8_lossy(&signed_text.into_bytes()).into_owned();
    guarded(py, || {
        let payload = cmsverify::keystone::pkiz_uncompress(&text, &cmsverify::Limits::default())
            .map_err(|e| to_py_err(py, &e))?;
        Ok(PyBytes::new(py, &payload).unbind())
    })
}

/// keystoneclient's `token_to_cms`: the PEM text of a PKI token's message.
#[pyfunction]
fn token_to_cms(py: Python<'_>, signed_text: &str) -> PyResult<String> {
    guarded(py, || Ok(cmsverify::keystone::token_to_cms(signed_text)))
}

/// keystoneclient's `cms_to_token`: the PKI token of a message's PEM text.
#[pyfunction]
fn cms_to_token(py: Python<'_>, cms_text: &str) -> PyResult<String> {
    guarded(py, || Ok(cmsverify::keystone::cms_to_token(cms_text)))
}

/// The bytes `openssl cms -sign` (without -binary) signs: lines ended with CRLF.
#[pyfunction]
fn openssl_text_canonical(py: Python<'_>, data: Data) -> PyResult<Py<PyBytes>> {
    let data = data.into_bytes();
    guarded(py, || {
        let canonical = cmsverify::keystone::openssl_text_canonical(&data);
        Ok(PyBytes::new(py, &canonical).unbind())
    })
}

/// The native module.
#[pymodule]
fn _cmsverify(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("Error", py.get_type::<Error>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("ParseError", py.get_type::<ParseError>())?;
    m.add("VerificationError", py.get_type::<VerificationError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    m.add_class::<Verifier>()?;
    m.add_class::<ReloadingVerifier>()?;
    m.add_class::<Verified>()?;
    m.add_class::<Signer>()?;
    m.add_class::<VerifiedSigner>()?;
    m.add_function(wrap_pyfunction!(pkiz_uncompress, m)?)?;
    m.add_function(wrap_pyfunction!(openssl_text_canonical, m)?)?;
    m.add_function(wrap_pyfunction!(token_to_cms, m)?)?;
    m.add_function(wrap_pyfunction!(cms_to_token, m)?)?;
    m.add(
        "MAX_INFLATED_BYTES",
        cmsverify::Limits::default().max_inflated_bytes,
    )?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute<'py, T: FromPyObjectOwned<'py>>(err: &PyErr, py: Python<'py>, name: &str) -> T {
        let value = err.value(py).getattr(name).unwrap();
        value.extract().ok().expect(name)
    }

    #[test]
    fn a_panic_becomes_an_internal_error() {
        Python::initialize();
        Python::attach(|py| {
            let payloads: [Box<dyn Fn() -> PyResult<()>>; 4] = [
                Box::new(|| panic!("static text")),
                Box::new(|| panic!("formatted {}", 42)),
                Box::new(|| std::panic::panic_any(7)),
                // As in the entry points: the panic happens with the GIL released.
                Box::new(move || py.detach(|| panic!("without the GIL"))),
            ];
            let reasons = [
                "static text",
                "formatted 42",
                "a panic without a message",
                "without the GIL",
            ];
            for (call, what) in payloads.iter().zip(reasons) {
                let err = guarded(py, call).unwrap_err();
                assert!(err.is_instance_of::<InternalError>(py));
                // An `Error`, so an `Exception`: not PyO3's PanicException.
                assert!(err.is_instance_of::<Error>(py));
                assert!(err.is_instance_of::<PyException>(py));
                let reason = format!("internal error in cmsverify (please report it): {what}");
                assert_eq!(attribute::<String>(&err, py, "reason"), reason);
                assert_eq!(attribute::<u8>(&err, py, "exit_code"), 3);
                assert!(!attribute::<bool>(&err, py, "signer_not_found"));
                assert_eq!(attribute::<Option<String>>(&err, py, "hint"), None);
            }
        });
    }

    #[test]
    fn results_pass_through() {
        Python::initialize();
        Python::attach(|py| {
            assert_eq!(guarded(py, || Ok(5)).unwrap(), 5);
            let err = guarded(py, || -> PyResult<()> { Err(PyValueError::new_err("bad")) });
            assert!(err.unwrap_err().is_instance_of::<PyValueError>(py));
        });
    }
}
