"""Drop-in replacement for ``keystoneclient.common.cms``, without openssl.

Same names, signatures, defaults, constants, return types and exceptions as
keystoneclient's module (python-keystoneclient 6.0.0), with the verification
done in process by cmsverify:

* every function takes and returns the same types, and raises the same
  exception types, as keystoneclient's for the same input (``str`` vs
  ``bytes``, ``None``, wrong types, bad base64, not zlib: a differential test
  runs both); the exceptions below are the documented improvements;
* missing or unreadable certificate files raise :class:`CertificateConfigError`
  whose ``.output`` names the file (and so does ``str()``);
* input that is not a CMS message raises :class:`CMSError` (keystoneclient
  turned garbage into CertificateConfigError with OpenSSL 3), and so does an
  internal error of cmsverify (:class:`cmsverify.InternalError`) in any call;
* a failed verification raises :class:`VerificationFailed`, a
  ``subprocess.CalledProcessError`` with ``returncode`` 4 and ``.output`` the
  reason, so ``except (CMSError, cms.subprocess.CalledProcessError)`` works;
* a token whose signer is not in signing_cert.pem raises
  CertificateConfigError naming the signer, so auth_token refetches stale
  certificates, at most once per certfile every
  :data:`STALE_CERTIFICATE_RETRY_SECONDS` (otherwise VerificationFailed), so
  forged tokens cannot make every request hit Keystone;
* signing refuses MD5 (``subprocess.CalledProcessError``, return code 1, as
  openssl does for an unknown digest): cmsverify would not verify it;
* ``pkiz_uncompress`` caps the inflated size at
  :data:`MAX_PKIZ_INFLATED_BYTES` (``zlib.error`` above it).

When keystoneclient is importable the exception classes are subclasses of its
own. ``install()`` patches ``keystoneclient.common.cms`` in place.
"""

import base64
import hashlib
import importlib
import os
import subprocess as _subprocess_module
import threading
import time
import warnings
import zlib
from typing import Any, Callable, Dict, Optional, Tuple, Union

from cmsverify import _cmsverify

PKI_ASN1_PREFIX = "MII"
PKIZ_PREFIX = "PKIZ_"
PKIZ_CMS_FORM = "DER"
PKI_ASN1_FORM = "PEM"
DEFAULT_TOKEN_DIGEST_ALGORITHM = "sha256"

#: Minimum seconds between two "signer not in certfile" CertificateConfigErrors
#: for one certfile (each makes auth_token refetch the certificates).
STALE_CERTIFICATE_RETRY_SECONDS = 60.0

#: The largest payload :func:`pkiz_uncompress` inflates (the library's default limit).
MAX_PKIZ_INFLATED_BYTES = _cmsverify.MAX_INFLATED_BYTES

# keystoneclient callers read ``cms.subprocess.CalledProcessError``.
subprocess = _subprocess_module

try:  # pragma: no cover - depends on the environment
    from keystoneclient import exceptions as _ks_exceptions

    _CertificateConfigErrorBase: Any = _ks_exceptions.CertificateConfigError
    _CMSErrorBase: Any = _ks_exceptions.CMSError
except ImportError:  # keystoneclient absent: same shape, standalone classes

    class _CertificateConfigErrorBase(Exception):  # type: ignore[no-redef]
        def __init__(self, output: str) -> None:
            self.output = output
            super().__init__("Unable to load certificate.")

    class _CMSErrorBase(Exception):  # type: ignore[no-redef]
        def __init__(self, output: str) -> None:
            self.output = output
            super().__init__("Unable to sign or verify data.")


def _with_reason(error: BaseException, generic: str) -> str:
    """keystoneclient's generic text followed by the reason in ``.output``."""
    output = getattr(error, "output", None)
    return "%s %s" % (generic, output) if output else generic


class CertificateConfigError(_CertificateConfigErrorBase):
    """The signing certificate or CA file is missing, unreadable or stale; ``.output`` says which."""

    def __str__(self) -> str:
        return _with_reason(self, "Unable to load certificate:")


class CMSError(_CMSErrorBase):
    """The input is not a CMS message, or cmsverify failed internally; ``.output`` says why."""

    def __str__(self) -> str:
        return _with_reason(self, "Unable to sign or verify data:")


class VerificationFailed(_subprocess_module.CalledProcessError):
    """Verification failed (``returncode`` 4, ``output`` the reason), as openssl's exit status 4."""

    def __init__(self, reason: str) -> None:
        super().__init__(4, "openssl", output=reason)

    def __str__(self) -> str:
        return "Token verification failed: %s" % self.output


class SigningFailed(_subprocess_module.CalledProcessError):
    """Signing failed (``returncode`` openssl's exit status, ``output`` the reason); nothing was spawned."""

    def __init__(self, returncode: int, reason: str) -> None:
        super().__init__(returncode, "openssl", output=reason)

    def __str__(self) -> str:
        return "Signing failed: %s" % self.output


def set_subprocess(_subprocess: Any = None) -> None:
    """Set the subprocess module (kept for keystoneclient compatibility; unused)."""
    global subprocess
    subprocess = _subprocess if _subprocess is not None else importlib.import_module("subprocess")


_verifiers: Dict[Tuple[str, str], Any] = {}
_verifiers_lock = threading.Lock()
_last_stale_report: Dict[str, float] = {}


def _path(name: Any) -> str:
    """A file name as keystoneclient passed it to openssl: ``TypeError`` for ``None`` and non-paths."""
    return os.fsdecode(os.fspath(name))


def _bytes_like(data: Any) -> bytes:
    """What keystoneclient wrote to openssl's stdin: ``None`` is nothing, non-bytes-like a ``TypeError``."""
    return b"" if data is None else bytes(memoryview(data))


def _verifier(certfile: str, cafile: str) -> Any:
    """A cached verifier per (certfile, cafile), rebuilt when either file changes."""
    key = (certfile, cafile)
    verifier = _verifiers.get(key)
    if verifier is None:
        try:
            verifier = _cmsverify.ReloadingVerifier(key[0], key[1])
        except _cmsverify.InternalError as e:
            raise CMSError(e.reason) from e
        except _cmsverify.Error as e:
            raise CertificateConfigError(e.reason) from e
        with _verifiers_lock:
            verifier = _verifiers.setdefault(key, verifier)
    return verifier


def _stale_report_allowed(certfile: str) -> bool:
    now = time.monotonic()
    with _verifiers_lock:
        last = _last_stale_report.get(certfile)
        if last is not None and now - last < STALE_CERTIFICATE_RETRY_SECONDS:
            return False
        _last_stale_report[certfile] = now
        return True


def _encoding_for_form(inform: str) -> str:
    """keystoneclient's: 'PEM' text is UTF-8; 'DER' text is 'hex' (so ``str`` DER raises ``LookupError``)."""
    if inform == PKI_ASN1_FORM:
        return "UTF-8"
    if inform == PKIZ_CMS_FORM:
        return "hex"
    raise ValueError('"inform" must be one of: %s' % ",".join((PKI_ASN1_FORM, PKIZ_CMS_FORM)))


def cms_verify(formatted: Union[str, bytes], signing_cert_file_name: str, ca_file_name: str,
               inform: str = PKI_ASN1_FORM) -> bytes:
    """Verify the signed data and return its content (bytes), like keystoneclient's.

    ``str`` input is encoded as keystoneclient does (``ValueError`` for an
    unknown ``inform``, ``LookupError`` for 'DER'); the message is read as PEM
    whatever ``inform`` says, as keystoneclient's ``openssl -inform PEM`` did
    (PKIZ payloads are PEM text).
    """
    text = isinstance(formatted, str)
    if text:
        data = bytes(formatted, _encoding_for_form(inform))
    # Everything here runs under the GIL, so it is kept short: the common call
    # (str file names seen before) is one dict lookup, the names being their
    # own _path().
    verifier = None
    if type(signing_cert_file_name) is str and type(ca_file_name) is str:
        certfile, cafile = signing_cert_file_name, ca_file_name
        verifier = _verifiers.get((certfile, cafile))
    else:
        certfile, cafile = _path(signing_cert_file_name), _path(ca_file_name)
    if not text:
        data = _bytes_like(formatted)
    if verifier is None:
        verifier = _verifier(certfile, cafile)
    try:
        return verifier.verify(data, "pem")
    except _cmsverify.ConfigError as e:
        raise CertificateConfigError(e.reason) from e
    except (_cmsverify.ParseError, _cmsverify.InternalError) as e:
        raise CMSError(e.reason) from e
    except _cmsverify.VerificationError as e:
        if e.signer_not_found and _stale_report_allowed(certfile):
            raise CertificateConfigError(
                "%s (the signing certificates in %s look stale: refetch them)"
                % (e.reason, certfile)) from e
        raise VerificationFailed(e.reason) from e


def token_to_cms(signed_text: str) -> str:
    """Convert a PKI token to the PEM text of its CMS message."""
    if not isinstance(signed_text, str):
        signed_text.replace("-", "/")  # keystoneclient's first step: its exception for non-str
        raise TypeError("token_to_cms() takes a str, not %s" % type(signed_text).__name__)
    try:
        return _cmsverify.token_to_cms(signed_text)
    except _cmsverify.InternalError as e:
        raise CMSError(e.reason) from e


def cms_to_token(cms_text: str) -> str:
    """Convert the PEM text of a CMS message to a PKI token."""
    if not isinstance(cms_text, str):
        cms_text.replace("/", "-")  # keystoneclient's first step: its exception for non-str
        raise TypeError("cms_to_token() takes a str, not %s" % type(cms_text).__name__)
    try:
        return _cmsverify.cms_to_token(cms_text)
    except _cmsverify.InternalError as e:
        raise CMSError(e.reason) from e


def verify_token(token: str, signing_cert_file_name: str, ca_file_name: str) -> bytes:
    """Verify a PKI token; return its content."""
    return cms_verify(token_to_cms(token), signing_cert_file_name, ca_file_name)


def is_pkiz(token_text: str) -> bool:
    """True for PKIZ tokens."""
    return token_text.startswith(PKIZ_PREFIX)


def is_asn1_token(token: str) -> bool:
    """True for PKI tokens (the base64 of a DER SEQUENCE starts with 'MII')."""
    return token[:3] == PKI_ASN1_PREFIX


def is_ans1_token(token: str) -> bool:
    """Deprecated misspelling of :func:`is_asn1_token`."""
    warnings.warn("is_ans1_token is deprecated, use is_asn1_token", DeprecationWarning, stacklevel=2)
    return is_asn1_token(token)


def pkiz_uncompress(signed_text: str) -> bytes:
    """Strip 'PKIZ_', URL-safe base64 decode and inflate, as keystoneclient does.

    keystoneclient's own steps with the standard library's ``base64`` and
    ``zlib``, because its callers depend on their exceptions (auth_token
    answers 401 on ``binascii.Error`` and ``TypeError``); the inflated size is
    capped at :data:`MAX_PKIZ_INFLATED_BYTES` (``zlib.error`` above it).
    """
    text = signed_text[len(PKIZ_PREFIX):].encode("utf-8")
    unencoded = base64.urlsafe_b64decode(text)
    inflater = zlib.decompressobj()
    uncompressed = inflater.decompress(unencoded, MAX_PKIZ_INFLATED_BYTES + 1)
    if len(uncompressed) > MAX_PKIZ_INFLATED_BYTES:
        raise zlib.error("PKIZ payload inflates to more than %d bytes" % MAX_PKIZ_INFLATED_BYTES)
    if not inflater.eof:
        raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
    return uncompressed


def pkiz_verify(signed_text: str, signing_cert_file_name: str, ca_file_name: str) -> bytes:
    """Verify a PKIZ token; return its content."""
    uncompressed = pkiz_uncompress(signed_text)
    return cms_verify(uncompressed, signing_cert_file_name, ca_file_name, inform=PKIZ_CMS_FORM)


def cms_hash_token(token_id: Optional[str], mode: str = "md5") -> Optional[str]:
    """Hash PKI and PKIZ tokens with hashlib ``mode``; return other tokens unchanged."""
    if token_id is None:
        return None
    if is_asn1_token(token_id) or is_pkiz(token_id):
        hasher = hashlib.new(mode)
        data = token_id.encode("utf-8") if isinstance(token_id, str) else token_id
        hasher.update(data)
        return hasher.hexdigest()
    return token_id


_signers: Dict[Tuple[str, str, str], Any] = {}


def _signer(certfile: str, keyfile: str, digest: str) -> Any:
    """A native signer per (cert, key, digest); it re-reads the files when they change."""
    key = (certfile, keyfile, digest)
    signer = _signers.get(key)
    if signer is None:
        try:
            signer = _cmsverify.Signer(certfile, keyfile, digest, text=True)
        except _cmsverify.InternalError as e:
            raise CMSError(e.reason) from e
        except _cmsverify.Error as e:
            raise SigningFailed(e.exit_code, e.reason) from e
        except ValueError as e:
            raise SigningFailed(1, str(e)) from e
        with _verifiers_lock:
            signer = _signers.setdefault(key, signer)
    return signer


def cms_sign_data(data_to_sign: Union[str, bytes], signing_cert_file_name: str, signing_key_file_name: str,
                  outform: str = PKI_ASN1_FORM,
                  message_digest: str = DEFAULT_TOKEN_DIGEST_ALGORITHM) -> Union[str, bytes]:
    """Sign like keystoneclient (``openssl cms -sign ... -nocerts -noattr -md``, text mode).

    Returns the PEM text as str for 'PEM', else the same text as bytes; raises
    :class:`SigningFailed`, a ``subprocess.CalledProcessError``, on failure.
    """
    certfile, keyfile = _path(signing_cert_file_name), _path(signing_key_file_name)
    data = data_to_sign.encode("utf-8") if isinstance(data_to_sign, str) else _bytes_like(data_to_sign)
    signer = _signer(certfile, keyfile, message_digest)
    try:
        # The signer signs in text mode, as openssl without -binary: CRLF line ends.
        output = signer.sign_pem(data)
    except _cmsverify.InternalError as e:
        raise CMSError(e.reason) from e
    except _cmsverify.Error as e:
        raise SigningFailed(e.exit_code, e.reason) from e
    return output if outform == PKI_ASN1_FORM else output.encode("utf-8")


def cms_sign_text(data_to_sign: Union[str, bytes], signing_cert_file_name: str, signing_key_file_name: str,
                  message_digest: str = DEFAULT_TOKEN_DIGEST_ALGORITHM) -> Union[str, bytes]:
    """Sign text; returns the PEM text."""
    return cms_sign_data(data_to_sign, signing_cert_file_name, signing_key_file_name,
                         message_digest=message_digest)


def cms_sign_token(text: Union[str, bytes], signing_cert_file_name: str, signing_key_file_name: str,
                   message_digest: str = DEFAULT_TOKEN_DIGEST_ALGORITHM) -> str:
    """Sign and return a PKI token."""
    output = cms_sign_data(text, signing_cert_file_name, signing_key_file_name, message_digest=message_digest)
    return cms_to_token(output)  # type: ignore[arg-type]


def pkiz_sign(text: Union[str, bytes], signing_cert_file_name: str, signing_key_file_name: str,
              compression_level: int = 6, message_digest: str = DEFAULT_TOKEN_DIGEST_ALGORITHM) -> str:
    """Sign and return a PKIZ token (``zlib`` at ``compression_level``, keystoneclient's exceptions)."""
    signed = cms_sign_data(text, signing_cert_file_name, signing_key_file_name, PKIZ_CMS_FORM,
                           message_digest=message_digest)
    compressed = zlib.compress(signed, compression_level)  # type: ignore[arg-type]
    return PKIZ_PREFIX + base64.urlsafe_b64encode(compressed).decode("utf-8")


#: The keystoneclient.common.cms functions install() replaces.
_REPLACED = ("cms_verify", "token_to_cms", "cms_to_token", "verify_token", "is_pkiz", "is_asn1_token",
             "pkiz_uncompress", "pkiz_verify", "cms_hash_token", "cms_sign_data", "cms_sign_text",
             "cms_sign_token", "pkiz_sign")


class Installation:
    """Undo handle returned by :func:`install`."""

    def __init__(self, module: Any, originals: Dict[str, Callable[..., Any]]) -> None:
        self.module = module
        self.originals = originals

    def undo(self) -> None:
        """Restore keystoneclient's original functions."""
        global _installation
        for name, original in self.originals.items():
            setattr(self.module, name, original)
        _installation = None


_installation: Optional[Installation] = None


def install() -> Installation:
    """Patch ``keystoneclient.common.cms`` to verify with cmsverify (idempotent).

    ``cms.subprocess`` stays the real subprocess module, so existing
    ``except cms.subprocess.CalledProcessError`` clauses keep working.
    Returns a handle whose ``undo()`` restores the originals.
    """
    global _installation
    if _installation is not None:
        return _installation
    module = importlib.import_module("keystoneclient.common.cms")
    originals = {name: getattr(module, name) for name in _REPLACED if hasattr(module, name)}
    for name in originals:
        setattr(module, name, globals()[name])
    if getattr(module, "subprocess", None) is None:
        module.subprocess = _subprocess_module
    _installation = Installation(module, originals)
    return _installation
