"""End to end: keystonemiddleware 4.22.0's auth_token (the last release that
verifies PKI tokens) in front of a WSGI app, with ``cmsverify.keystone.install()``
applied and no openssl on PATH, against a fake Keystone on 127.0.0.1 serving
the signing certificate, the CA certificate and the signed revocation list.

Then ``cmsverify doctor`` checks the signing_dir auth_token filled.
"""

import base64
import http.server
import json
import os
import pathlib
import subprocess
import threading

import pytest

auth_token = pytest.importorskip("keystonemiddleware.auth_token")
webob = pytest.importorskip("webob")

from cmsverify import keystone as cms  # noqa: E402
from conftest import KEYSTONE, ROOT  # noqa: E402

OTHER = KEYSTONE / "other"
#: keystonemiddleware's INVALID_SIGNED_PKIZ_TOKEN fixture (bad base64 padding).
INVALID_SIGNED_PKIZ_TOKEN = "PKIZ_" + "A" * 59 + "B" * 64 + "C" * 64 + "D" * 64


class FakeKeystone:
    """Serves one Keystone's certificates and signed revocation list; counts requests."""

    def __init__(self):
        self.requests = []
        self.deploy(KEYSTONE)
        handler = self._handler()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def deploy(self, directory):
        """(Re)deploy Keystone with the PKI of ``directory``: new certificates, new signer."""
        cert, key = str(directory / "signing_cert.pem"), str(directory / "signing_key.pem")
        self.signing_cert = (directory / "signing_cert.pem").read_text()
        self.ca_cert = (directory / "cacert.pem").read_text()
        self.revoked = cms.cms_sign_text(json.dumps({"revoked": []}), cert, key)

    def count(self, path):
        return sum(1 for p in self.requests if p == path)

    def _handler(self):
        keystone = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_GET(self):  # noqa: N802 - http.server's name
                keystone.requests.append(self.path)
                routes = {
                    "/v3/OS-SIMPLE-CERT/certificates": ("text/plain", keystone.signing_cert),
                    "/v3/OS-SIMPLE-CERT/ca": ("text/plain", keystone.ca_cert),
                    "/v3/auth/tokens/OS-PKI/revoked": ("application/json",
                                                       json.dumps({"signed": keystone.revoked})),
                    "/": ("application/json", json.dumps({"versions": {"values": [{
                        "id": "v3.10", "status": "stable",
                        "links": [{"rel": "self", "href": keystone.url + "/v3/"}]}]}})),
                }
                # Online validation (tokens that are not PKI): no such token.
                content_type, body = routes.get(self.path, ("application/json", None))
                status = 200
                if body is None:
                    status, body = 404, json.dumps({"error": {"code": 404, "message": "not found"}})
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


@pytest.fixture
def keystone():
    fake = FakeKeystone()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """install() applied, openssl unreachable."""
    empty = tmp_path / "no-openssl"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    handle = cms.install()
    yield
    handle.undo()


@pytest.fixture
def middleware(keystone, installed, tmp_path):
    signing_dir = tmp_path / "signing"

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ.get("HTTP_X_USER_NAME", "").encode()]

    conf = {
        "identity_uri": keystone.url,
        "admin_token": "admin-token",
        "auth_version": "v3.0",
        "signing_dir": str(signing_dir),
        "delay_auth_decision": "false",
        "http_request_max_retries": "0",
    }
    protocol = auth_token.AuthProtocol(app, conf)
    protocol.signing_dir = signing_dir
    return protocol


def call(middleware, token):
    request = webob.Request.blank("/")
    request.headers["X-Auth-Token"] = token
    response = request.get_response(middleware)
    return response.status_int, response.body


def _signed(directory, payload, pkiz=False):
    cert, key = str(directory / "signing_cert.pem"), str(directory / "signing_key.pem")
    text = json.dumps(payload)
    return cms.pkiz_sign(text, cert, key) if pkiz else cms.cms_sign_token(text, cert, key)


def _expired_token():
    token = json.loads((KEYSTONE / "token.json").read_text())
    token["token"]["expires_at"] = "2020-01-01T00:00:00.000000Z"
    return _signed(KEYSTONE, token)


def _tampered(token):
    der = bytearray(base64.b64decode(token.replace("-", "/")))
    der[-3] ^= 1
    return cms.cms_to_token("-----BEGIN CMS-----\n" + base64.encodebytes(bytes(der)).decode() + "-----END CMS-----\n")


def test_auth_token_accepts_valid_and_rejects_bad_tokens(middleware, keystone):
    pki = (KEYSTONE / "token.pki").read_text().strip()
    pkiz = (KEYSTONE / "token.pkiz").read_text().strip()
    assert call(middleware, pki) == (200, b"admin")
    assert call(middleware, pkiz) == (200, b"admin")
    assert keystone.count("/v3/OS-SIMPLE-CERT/certificates") == 1  # fetched once, on the first token
    for name, token in [("expired", _expired_token()), ("tampered", _tampered(pki)), ("garbage", "garbage"),
                        ("MII garbage", "MIIgarbage"), ("invalid PKIZ", INVALID_SIGNED_PKIZ_TOKEN)]:
        status, _ = call(middleware, token)
        assert status == 401, name
    # Garbage that looks like a PKI token did not make auth_token refetch certificates.
    assert keystone.count("/v3/OS-SIMPLE-CERT/certificates") == 1


def test_redeployed_keystone_refetches_certificates_once(middleware, keystone):
    assert call(middleware, (KEYSTONE / "token.pki").read_text().strip()) == (200, b"admin")
    assert keystone.count("/v3/OS-SIMPLE-CERT/certificates") == 1
    keystone.deploy(OTHER)  # a new Keystone: new CA, new signing certificate
    payload = json.loads((OTHER / "token.json").read_text())
    assert call(middleware, (OTHER / "token.pki").read_text().strip())[0] == 200
    assert keystone.count("/v3/OS-SIMPLE-CERT/certificates") == 2  # refetched once
    assert call(middleware, _signed(OTHER, payload, pkiz=True))[0] == 200
    assert keystone.count("/v3/OS-SIMPLE-CERT/certificates") == 2  # and not again
    assert call(middleware, (KEYSTONE / "token.pki").read_text().strip())[0] == 200  # auth_token's cache
    # A token of the old Keystone not seen before: its signer is stale now, and
    # within STALE_CERTIFICATE_RETRY_SECONDS it does not trigger another refetch.
    old = _signed(KEYSTONE, json.loads((KEYSTONE / "token.json").read_text()))
    assert call(middleware, old)[0] == 401
    assert keystone.count("/v3/OS-SIMPLE-CERT/certificates") == 2


def _cli():
    path = os.environ.get("CMSVERIFY_CLI") or str(ROOT / "target" / "debug" / "cmsverify")
    if not pathlib.Path(path).exists():
        pytest.fail("the cmsverify CLI is not built (scripts/test-30-python.sh builds it): %s" % path)
    return path


def test_doctor_passes_the_signing_dir_auth_token_wrote(middleware, keystone):
    assert call(middleware, (KEYSTONE / "token.pki").read_text().strip()) == (200, b"admin")
    signing_dir = middleware.signing_dir
    assert json.loads((signing_dir / "revoked.pem").read_text()) == {"revoked": []}
    out = subprocess.run([_cli(), "doctor", "--signing-dir", str(signing_dir), "--json",
                          "--token", str(KEYSTONE / "token.pkiz")], capture_output=True, text=True)
    report = json.loads(out.stdout)
    assert out.returncode == 0, report
    assert report["problems"] == 0
    (revoked,) = [f for f in report["findings"] if f["check"].startswith("revoked.pem")]
    assert (revoked["status"], revoked["found"]) == ("ok", "0 revoked token(s)")
