"""Verify CMS (PKCS#7) SignedData and Keystone tokens, like ``openssl cms -verify``.

``Verifier(certfile, cafile).verify(data)`` returns the signed content or
raises an :class:`Error` subclass: :class:`ConfigError` (exit code 2, the
certfile or CAfile), :class:`ParseError` (3, the message) or
:class:`VerificationError` (4). :mod:`cmsverify.keystone` is a drop-in
replacement for ``keystoneclient.common.cms``.
"""

from cmsverify._cmsverify import (
    ConfigError,
    Error,
    ParseError,
    ReloadingVerifier,
    Signer,
    SignerInfo,
    Verified,
    VerificationError,
    Verifier,
    __version__,
)

__all__ = [
    "ConfigError",
    "Error",
    "ParseError",
    "ReloadingVerifier",
    "Signer",
    "SignerInfo",
    "Verified",
    "VerificationError",
    "Verifier",
    "__version__",
]
