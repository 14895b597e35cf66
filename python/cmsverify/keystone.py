"""Drop-in replacement for ``keystoneclient.common.cms``, without openssl.

Same names, signatures, defaults, constants, return types and exceptions as
keystoneclient's module (python-keystoneclient 6.0.0), with the verification
done in process by cmsverify:

* missing or unreadable certificate files raise :class:`CertificateConfigError`
  whose ``.output`` names the file;
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
  forged tokens cannot make every request hit Keystone.

When keystoneclient is importable the exception classes are subclasses of its
own. ``install()`` patches ``keystoneclient.common.cms`` in place.
"""

import hashlib
import importlib
import subprocess as _subprocess_module
import threading
import time
import warnings
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


class CertificateConfigError(_CertificateConfigErrorBase):
    """The signing certificate or CA file is missing, unreadable or stale; ``.output`` says which."""


class CMSError(_CMSErrorBase):
    """The input is not a CMS message, or cmsverify failed internally; ``.output`` says why."""


class VerificationFailed(_subprocess_module.CalledProcessError):
    """Verification failed (``returncode`` 4, ``output`` the reason), as openssl's exit status 4."""

    def __init__(self, reason: str) -> None:
        super().__init__(4, "openssl", output=reason)

    def __str__(self) -> str:
        return "Token verification failed: %s" % self.output


def set_subprocess(_subprocess: Any = None) -> None:
    """Set the subprocess module (kept for keystoneclient compatibility; unused)."""
    global subprocess
    subprocess = _subprocess if _subprocess is not None else importlib.import_module("subprocess")


_verifiers: Dict[Tuple[str, str], Any] = {}
_verifiers_lock = threading.Lock()
_last_stale_report: Dict[str, float] = {}


def _verifier(certfile: str, cafile: str) -> Any:
    """A cached verifier per (certfile, cafile), rebuilt when either file changes."""
    key = (str(certfile), str(cafile))
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


def cms_verify(formatted: Union[str, bytes], signing_cert_file_name: str, ca_file_name: str,
               inform: str = PKI_ASN1_FORM) -> bytes:
    """Verify the signed data and return its content (bytes), like keystoneclient's."""
    if inform not in (PKI_ASN1_FORM, PKIZ_CMS_FORM):
        raise ValueError("Unknown inform format: %s" % inform)
    data = formatted.encode("utf-8") if isinstance(formatted, str) else formatted
    verifier = _verifier(signing_cert_file_name, ca_file_name)
    try:
        # 'DER' is what keystoneclient calls PKIZ payloads, which are PEM text
        # in practice: accept both there; 'PEM' means PEM exactly.
        return verifier.verify(data, "pem" if inform == PKI_ASN1_FORM else "auto")
    except _cmsverify.ConfigError as e:
        raise CertificateConfigError(e.reason) from e
    except (_cmsverify.ParseError, _cmsverify.InternalError) as e:
        raise CMSError(e.reason) from e
    except _cmsverify.VerificationError as e:
        if e.signer_not_found and _stale_report_allowed(str(signing_cert_file_name)):
            raise CertificateConfigError(
                "%s (the signing certificates in %s look stale: refetch them)"
                % (e.reason, signing_cert_file_name)) from e
        raise VerificationFailed(e.reason) from e


def token_to_cms(signed_text: str) -> str:
    """Convert a PKI token to the PEM text of its CMS message."""
    copy_of_text = signed_text.replace("-", "/")
    lines = ["-----BEGIN CMS-----"]
    lines += [copy_of_text[n:n + 64] for n in range(0, len(copy_of_text), 64)]
    lines.append("-----END CMS-----\n")
    return "\n".join(lines)


def cms_to_token(cms_text: str) -> str:
    """Convert the PEM text of a CMS message to a PKI token."""
    start_delim = "-----BEGIN CMS-----"
    end_delim = "-----END CMS-----"
    signed_text = cms_text.replace("/", "-")
    signed_text = signed_text.replace(start_delim, "")
    signed_text = signed_text.replace(end_delim, "")
    signed_text = signed_text.replace("\n", "")
    return signed_text


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
    """Strip 'PKIZ_', URL-safe base64 decode and inflate (inflation capped at 16 MiB)."""
    try:
        return _cmsverify.pkiz_uncompress(signed_text)
    except _cmsverify.Error as e:
        raise CMSError(e.reason) from e


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


_signers: Dict[Tuple[str, str, str, Any], Any] = {}


def _signer(certfile: str, keyfile: str, digest: str) -> Any:
    """A cached native signer per (cert, key, digest), rebuilt when a file changes."""
    import os

    try:
        stamp = tuple((s.st_mtime_ns, s.st_size, s.st_ino) for s in (os.stat(certfile), os.stat(keyfile)))
    except OSError:
        raise _subprocess_module.CalledProcessError(2, "openssl", output="cannot read %s or %s" % (certfile, keyfile))
    key = (str(certfile), str(keyfile), digest, stamp)
    signer = _signers.get(key)
    if signer is None:
        try:
            signer = _cmsverify.Signer(key[0], key[1], digest)
        except _cmsverify.InternalError as e:
            raise CMSError(e.reason) from e
        except _cmsverify.Error as e:
            raise _subprocess_module.CalledProcessError(e.exit_code, "openssl", output=e.reason) from e
        except ValueError as e:
            raise _subprocess_module.CalledProcessError(1, "openssl", output=str(e)) from e
        with _verifiers_lock:
            _signers[key] = signer
    return signer


def cms_sign_data(data_to_sign: Union[str, bytes], signing_cert_file_name: str, signing_key_file_name: str,
                  outform: str = PKI_ASN1_FORM,
                  message_digest: str = DEFAULT_TOKEN_DIGEST_ALGORITHM) -> Union[str, bytes]:
    """Sign like keystoneclient (``openssl cms -sign ... -nocerts -noattr -md``).

    Returns the PEM text as str for 'PEM', else the same text as bytes; raises
    ``subprocess.CalledProcessError`` on failure, as keystoneclient does.
    """
    data = data_to_sign.encode("utf-8") if isinstance(data_to_sign, str) else data_to_sign
    signer = _signer(signing_cert_file_name, signing_key_file_name, message_digest)
    try:
        # keystoneclient runs openssl without -binary: the signed content has CRLF line ends.
        output = signer.sign_pem(_cmsverify.openssl_text_canonical(data))
    except _cmsverify.InternalError as e:
        raise CMSError(e.reason) from e
    except _cmsverify.Error as e:
        raise _subprocess_module.CalledProcessError(e.exit_code, "openssl", output=e.reason) from e
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
    """Sign and return a PKIZ token."""
    import base64
    import zlib

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
