"""Type stubs of the native module (mirrors python/src/lib.rs).

Checked against the built module by ``python -m mypy.stubtest
cmsverify._cmsverify`` (scripts/test-30-python.sh). The pyclasses cannot be
subclassed (``@final``) and are constructed by ``__new__`` (PyO3's
``#[new]``), so the constructors are stubbed as ``__new__``.
"""

import os
from typing import List, Optional, Union, final

__all__ = [
    "Error",
    "ConfigError",
    "ParseError",
    "VerificationError",
    "InternalError",
    "Verifier",
    "ReloadingVerifier",
    "Verified",
    "VerifiedSigner",
    "Signer",
    "pkiz_uncompress",
    "openssl_text_canonical",
    "token_to_cms",
    "cms_to_token",
    "MAX_INFLATED_BYTES",
    "__version__",
]

_Data = Union[bytes, bytearray, str]
_Path = Union[str, os.PathLike]

__version__: str

class Error(Exception):
    """Any cmsverify failure."""

    exit_code: int
    reason: str
    hint: Optional[str]
    filename: Optional[str]
    subject: Optional[str]
    serial: Optional[str]
    signer_not_found: bool

class ConfigError(Error):
    """A certfile or CAfile is missing, unreadable or invalid (exit code 2)."""

class ParseError(Error):
    """The message is not a parsable CMS message or token (exit code 3)."""

class VerificationError(Error):
    """Verification failed (exit code 4)."""

class InternalError(Error):
    """A bug in cmsverify (a Rust panic) stopped the call (exit code 3).

    Raised instead of PyO3's ``PanicException`` (a ``BaseException``), so
    ``except Exception`` and ``except cmsverify.Error`` catch it.
    """

@final
class VerifiedSigner:
    """One signer of a verified message."""

    @property
    def subject(self) -> str: ...
    @property
    def issuer(self) -> str: ...
    @property
    def serial(self) -> str: ...
    @property
    def digest_algorithm(self) -> str: ...
    @property
    def signature_algorithm(self) -> str: ...
    @property
    def signed_attributes(self) -> bool: ...
    @property
    def path(self) -> List[str]: ...

@final
class Verified:
    """A verified message."""

    @property
    def content(self) -> bytes: ...
    @property
    def signers(self) -> List[VerifiedSigner]: ...

@final
class Verifier:
    """Verifies messages against a certfile and a CAfile; thread-safe."""

    def __new__(cls, certfile: _Path, cafile: _Path) -> "Verifier": ...
    @staticmethod
    def from_pem(certfile_pem: _Data, cafile_pem: _Data) -> "Verifier": ...
    def verify(self, data: _Data, inform: str = "auto") -> bytes: ...
    def verify_detailed(self, data: _Data, inform: str = "auto") -> Verified: ...
    def verify_detached(self, data: _Data, content: _Data) -> bytes: ...

@final
class ReloadingVerifier:
    """A verifier that reloads its files when they change."""

    def __new__(cls, certfile: _Path, cafile: _Path) -> "ReloadingVerifier": ...
    def verify(self, data: _Data, inform: str = "auto") -> bytes: ...

@final
class Signer:
    """Signs content like keystoneclient's openssl cms -sign.

    The certificate and key files are watched: rotated files are used from the
    next call on, as openssl reads them on every call.
    """

    def __new__(
        cls, certfile: _Path, keyfile: _Path, digest: str = "sha256", text: bool = False
    ) -> "Signer": ...
    def sign_pem(self, data: _Data) -> str: ...
    def sign_der(self, data: _Data) -> bytes: ...

def pkiz_uncompress(signed_text: _Data) -> bytes: ...
def openssl_text_canonical(data: _Data) -> bytes: ...
def token_to_cms(signed_text: str) -> str: ...
def cms_to_token(cms_text: str) -> str: ...

MAX_INFLATED_BYTES: int
