"""Against the real python-keystoneclient: same helpers, install() patching,
and nothing spawns openssl once installed."""

import os

import pytest

ks_cms = pytest.importorskip("keystoneclient.common.cms")
from keystoneclient import exceptions as ks_exceptions  # noqa: E402

from cmsverify import keystone as cms  # noqa: E402


def test_exceptions_are_keystoneclient_subclasses():
    assert issubclass(cms.CertificateConfigError, ks_exceptions.CertificateConfigError)
    assert issubclass(cms.CMSError, ks_exceptions.CMSError)


@pytest.mark.parametrize("name", ["token.pki", "token_10k.pki", "token.pkiz", "revoked.pki"])
def test_helpers_equal_keystoneclient(read, name):
    token = read(name).decode()
    for mode in ("md5", "sha256"):
        assert cms.cms_hash_token(token, mode) == ks_cms.cms_hash_token(token, mode)
    assert cms.is_pkiz(token) == ks_cms.is_pkiz(token)
    assert cms.is_asn1_token(token) == ks_cms.is_asn1_token(token)
    if cms.is_pkiz(token):
        assert cms.pkiz_uncompress(token) == ks_cms.pkiz_uncompress(token)
    else:
        assert cms.token_to_cms(token) == ks_cms.token_to_cms(token)
        pem = ks_cms.token_to_cms(token)
        assert cms.cms_to_token(pem) == ks_cms.cms_to_token(pem) == token


def test_install_patches_and_nothing_spawns_openssl(ks, read, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no openssl reachable
    handle = cms.install()
    try:
        assert cms.install() is handle  # idempotent
        assert ks_cms.cms_verify is cms.cms_verify
        token = read("token.pki").decode()
        assert ks_cms.verify_token(token, ks("signing_cert.pem"), ks("cacert.pem")) == read("token.json")
        pkiz = read("token.pkiz").decode()
        assert ks_cms.pkiz_verify(pkiz, ks("signing_cert.pem"), ks("cacert.pem")) == read("token.json")
        # auth_token's except clause still catches failures.
        with pytest.raises((ks_exceptions.CMSError, ks_cms.subprocess.CalledProcessError)):
            ks_cms.verify_token(read("other/token.pki").decode(), ks("other/signing_cert.pem"), ks("cacert.pem"))
        with pytest.raises(ks_exceptions.CertificateConfigError):
            ks_cms.verify_token(token, "/nonexistent.pem", ks("cacert.pem"))
    finally:
        handle.undo()
    assert ks_cms.cms_verify is not cms.cms_verify
    assert os.environ["PATH"] == str(tmp_path)


def test_signing_matches_keystoneclient_and_round_trips(ks, read, tmp_path, monkeypatch):
    text = read("token.json").decode()
    signed = read("token.json").replace(b"\n", b"\r\n")  # openssl without -binary signs CRLF lines
    cert, key = ks("signing_cert.pem"), ks("signing_key.pem")
    ours = cms.cms_sign_text(text, cert, key)
    assert ours == ks_cms.cms_sign_text(text, cert, key)  # RSA PKCS#1 v1.5 is deterministic
    assert isinstance(cms.cms_sign_data(text, cert, key, outform="DER"), bytes)
    token = cms.cms_sign_token(text, cert, key)
    assert token == ks_cms.cms_sign_token(text, cert, key)
    assert ks_cms.verify_token(token, cert, ks("cacert.pem")) == signed
    pkiz = cms.pkiz_sign(text, cert, key)
    assert ks_cms.pkiz_uncompress(pkiz) == ks_cms.pkiz_uncompress(ks_cms.pkiz_sign(text, cert, key))
    assert ks_cms.pkiz_verify(pkiz, cert, ks("cacert.pem")) == signed
    with pytest.raises(ks_cms.subprocess.CalledProcessError):
        cms.cms_sign_text(text, "/nonexistent.pem", key)
    monkeypatch.setenv("PATH", str(tmp_path))  # installed signing spawns nothing either
    handle = cms.install()
    try:
        assert ks_cms.cms_sign_token(text, cert, key) == token
    finally:
        handle.undo()
