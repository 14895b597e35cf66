"""Verify CMS (PKCS#7) SignedData and Keystone tokens, like ``openssl cms -verify``.

``Verifier(certfile, cafile).verify(data)`` returns the signed content or
raises an :class:`Error` subclass: :class:`ConfigError` (exit code 2, the
certfile or CAfile), :class:`ParseError` (3, the message) or
:class:`VerificationError` (4), or :class:`InternalError` (3) for a bug in
cmsverify itself (a Rust panic, never PyO3's ``PanicException``).
:mod:`cmsverify.keystone` is a drop-in replacement for
``keystoneclient.common.cms``.
"""

from cmsverify._cmsverify import (
    ConfigError,
    Error,
    InternalError,
    ParseError,
    ReloadingVerifier,
    Signer,
    Verified,
    VerifiedSigner,
    VerificationError,
    Verifier,
    __version__,
)

__all__ = [
    "ConfigError",
    "Error",
    "InternalError",
    "ParseError",
    "ReloadingVerifier",
    "Signer",
    "Verified",
    "VerifiedSigner",
    "VerificationError",
    "Verifier",
    "__version__",
]
