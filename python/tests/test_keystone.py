"""cmsverify.keystone: the keystoneclient.common.cms contract."""

import hashlib
import shutil
import subprocess

import pytest

import cmsverify
from cmsverify import _cmsverify
from cmsverify import keystone as cms


def test_constants():
    assert cms.PKI_ASN1_PREFIX == "MII"
    assert cms.PKIZ_PREFIX == "PKIZ_"
    assert cms.PKIZ_CMS_FORM == "DER"
    assert cms.PKI_ASN1_FORM == "PEM"
    assert cms.DEFAULT_TOKEN_DIGEST_ALGORITHM == "sha256"


def test_cms_verify_returns_bytes(ks, read):
    token = read("token.pki").decode()
    content = cms.cms_verify(cms.token_to_cms(token), ks("signing_cert.pem"), ks("cacert.pem"))
    assert content == read("token.json")
    assert cms.verify_token(token, ks("signing_cert.pem"), ks("cacert.pem")) == read("token.json")
    pkiz = read("token.pkiz").decode()
    assert cms.pkiz_verify(pkiz, ks("signing_cert.pem"), ks("cacert.pem")) == read("token.json")
    assert cms.cms_verify(cms.pkiz_uncompress(pkiz), ks("signing_cert.pem"), ks("cacert.pem"), inform="DER") == read("token.json")


def test_unknown_inform_is_a_value_error_for_text(ks, read):
    """As keystoneclient: str input is encoded per inform; bytes go to the PEM reader."""
    with pytest.raises(ValueError):
        cms.cms_verify(read("token.pem").decode(), ks("signing_cert.pem"), ks("cacert.pem"), inform="XML")
    with pytest.raises(LookupError):  # keystoneclient encodes str 'DER' input as 'hex'
        cms.cms_verify(read("token.pem").decode(), ks("signing_cert.pem"), ks("cacert.pem"), inform="DER")
    assert cms.cms_verify(read("token.pem"), ks("signing_cert.pem"), ks("cacert.pem"), inform="XML") == read("token.json")


def test_missing_files_raise_certificate_config_error_naming_the_file(ks, read):
    with pytest.raises(cms.CertificateConfigError) as info:
        cms.cms_verify(read("token.pem"), "/nonexistent/signing_cert.pem", ks("cacert.pem"))
    assert "/nonexistent/signing_cert.pem" in info.value.output
    with pytest.raises(cms.CertificateConfigError) as info:
        cms.cms_verify(read("token.pem"), ks("signing_cert.pem"), "/nonexistent/cacert.pem")
    assert "/nonexistent/cacert.pem" in info.value.output


def test_garbage_raises_cms_error(ks):
    with pytest.raises(cms.CMSError) as info:
        cms.cms_verify("garbage", ks("signing_cert.pem"), ks("cacert.pem"))
    assert info.value.output


def _internal_error(*_args, **_kwargs):
    """Raises what the native module raises when Rust panics."""
    error = cmsverify.InternalError("internal error in cmsverify (please report it): boom")
    error.reason = error.args[0]
    raise error


class _PanickingVerifier:
    verify = staticmethod(_internal_error)


def test_internal_errors_raise_cms_error(ks, read, tmp_path, monkeypatch):
    """Every entry point of the module turns cmsverify.InternalError into CMSError."""
    certfile, cafile, keyfile = ks("signing_cert.pem"), ks("cacert.pem"), ks("signing_key.pem")
    monkeypatch.setattr(cms, "_verifier", lambda *_: _PanickingVerifier())
    monkeypatch.setattr(cms, "_verifiers", {})  # no cached verifier to find first
    calls = [
        lambda: cms.cms_verify(read("token.pem"), certfile, cafile),
        lambda: cms.pkiz_verify(read("token.pkiz").decode(), certfile, cafile),
    ]
    for call in calls:
        with pytest.raises(cms.CMSError) as info:
            call()
        assert info.value.output.endswith(": boom")
        assert isinstance(info.value.__cause__, cmsverify.InternalError)
    monkeypatch.undo()
    fresh = tmp_path / "cacert.pem"  # a verifier not cached yet
    shutil.copy(cafile, fresh)
    patches = [
        ("ReloadingVerifier", lambda: cms.cms_verify(read("token.pem"), certfile, str(fresh))),
        ("token_to_cms", lambda: cms.verify_token(read("token.pki").decode(), certfile, cafile)),
        ("Signer", lambda: cms.cms_sign_data("{}", str(fresh), keyfile)),
    ]
    for name, call in patches:
        with monkeypatch.context() as m:
            m.setattr(_cmsverify, name, _internal_error)
            with pytest.raises(cms.CMSError) as info:
                call()
        assert info.value.output.endswith(": boom"), name


def test_failed_verification_is_a_called_process_error(ks, read):
    der = bytearray(read("token.der"))
    der[-3] ^= 1
    pem = cms.token_to_cms(cms.cms_to_token(read("token.pem").decode()))
    assert pem.replace("\n", "") == read("token.pem").decode().replace("\n", "")
    bad = "-----BEGIN CMS-----\n" + __import__("base64").encodebytes(bytes(der)).decode() + "-----END CMS-----\n"
    with pytest.raises(subprocess.CalledProcessError) as info:
        cms.cms_verify(bad, ks("signing_cert.pem"), ks("cacert.pem"))
    assert info.value.returncode == 4
    assert "signature does not verify" in info.value.output
    assert isinstance(info.value, cms.subprocess.CalledProcessError)


def test_stale_certificates_heal_once_per_interval(ks, read, tmp_path, monkeypatch):
    certfile = tmp_path / "signing_cert.pem"
    shutil.copy(ks("signing_cert.pem"), certfile)
    monkeypatch.setattr(cms, "STALE_CERTIFICATE_RETRY_SECONDS", 60.0)
    other = read("other/token.pem")
    with pytest.raises(cms.CertificateConfigError) as first:
        cms.cms_verify(other, str(certfile), ks("cacert.pem"))
    assert "Other Keystone CA" in first.value.output  # names the signer looked for
    with pytest.raises(subprocess.CalledProcessError):  # rate-limited: an ordinary failure
        cms.cms_verify(other, str(certfile), ks("cacert.pem"))
    monkeypatch.setattr(cms, "STALE_CERTIFICATE_RETRY_SECONDS", 0.0)
    with pytest.raises(cms.CertificateConfigError):
        cms.cms_verify(other, str(certfile), ks("cacert.pem"))


def test_verifier_notices_rewritten_files(ks, read, tmp_path):
    certfile, cafile = tmp_path / "signing_cert.pem", tmp_path / "cacert.pem"
    shutil.copy(ks("other/signing_cert.pem"), certfile)
    shutil.copy(ks("other/cacert.pem"), cafile)
    assert cms.cms_verify(read("other/token.pem"), str(certfile), str(cafile)) == read("other/token.json")
    # auth_token refetches: the files are replaced atomically.
    tmp = tmp_path / "new.pem"
    shutil.copy(ks("signing_cert.pem"), tmp)
    tmp.replace(certfile)
    shutil.copy(ks("cacert.pem"), tmp)
    tmp.replace(cafile)
    assert cms.cms_verify(read("token.pem"), str(certfile), str(cafile)) == read("token.json")


def test_token_helpers():
    assert cms.is_pkiz("PKIZ_abc") and not cms.is_pkiz("MIIabc")
    assert cms.is_asn1_token("MIIabc") and not cms.is_asn1_token("PKIZ_abc")
    with pytest.warns(DeprecationWarning):
        assert cms.is_ans1_token("MIIabc")
    assert cms.cms_hash_token(None) is None
    assert cms.cms_hash_token("MIIabc") == hashlib.md5(b"MIIabc").hexdigest()
    assert cms.cms_hash_token("PKIZ_x", mode="sha256") == hashlib.sha256(b"PKIZ_x").hexdigest()
    assert cms.cms_hash_token("uuid-token") == "uuid-token"


def test_reasons_are_in_str(ks, read):
    with pytest.raises(cms.CertificateConfigError) as info:
        cms.cms_verify(read("token.pem"), "/nonexistent/signing_cert.pem", ks("cacert.pem"))
    assert str(info.value).startswith("Unable to load certificate: ")
    assert "/nonexistent/signing_cert.pem" in str(info.value)
    with pytest.raises(cms.CMSError) as info:
        cms.cms_verify(b"garbage", ks("signing_cert.pem"), ks("cacert.pem"))
    assert str(info.value).startswith("Unable to sign or verify data: ")
    assert info.value.output in str(info.value)


def test_signing_errors_name_the_missing_file_and_spawn_nothing(ks):
    cert, key = ks("signing_cert.pem"), ks("signing_key.pem")
    with pytest.raises(subprocess.CalledProcessError) as info:
        cms.cms_sign_text("x", cert, "/nonexistent/key.pem")
    assert info.value.returncode == 2
    assert str(info.value) == (
        "Signing failed: cannot read the signing key /nonexistent/key.pem: No such file or directory (os error 2)"
    )
    assert cert not in str(info.value)
    with pytest.raises(subprocess.CalledProcessError) as info:
        cms.cms_sign_text("x", "/nonexistent/cert.pem", key)
    assert "/nonexistent/cert.pem" in str(info.value) and key not in str(info.value)
    assert "the signer certificate" in str(info.value)
    assert "returned non-zero exit status" not in str(info.value)


def test_signing_follows_a_rotated_certificate_and_key(ks, tmp_path):
    cert, key = tmp_path / "signing_cert.pem", tmp_path / "signing_key.pem"
    shutil.copy(ks("signing_cert.pem"), cert)
    shutil.copy(ks("signing_key.pem"), key)
    verifier = cmsverify.Verifier(ks("signing_cert.pem"), ks("cacert.pem"))
    other = cmsverify.Verifier(ks("other/signing_cert.pem"), ks("other/cacert.pem"))
    first = cms.cms_sign_data("{}", str(cert), str(key))
    content = verifier.verify(first)
    assert content.rstrip(b"\r\n") == b"{}"
    shutil.copy(ks("other/signing_cert.pem"), cert)
    shutil.copy(ks("other/signing_key.pem"), key)
    second = cms.cms_sign_data("{}", str(cert), str(key))
    assert other.verify(second) == content
    with pytest.raises(cmsverify.VerificationError):
        verifier.verify(second)
