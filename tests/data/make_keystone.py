#!/usr/bin/env python3
"""Generate the Keystone sample deployment under tests/data/keystone/.

A CA, a signing certificate as keystone-manage pki_setup made them (RSA-2048,
keyUsage digitalSignature + nonRepudiation, no extendedKeyUsage), tokens signed
exactly as keystoneclient signs them (`openssl cms -sign ... -nosmimecap
-nodetach -nocerts -noattr -md sha256`), their PKI and PKIZ forms, and an
unrelated second deployment in keystone/other/ (stale certificates).

Validity windows are fixed (2025-01-01 .. 2125-01-01). Needs the `openssl`
command and the `cryptography` package. Refuses to overwrite without --force.
"""
import base64
import datetime
import json
import subprocess
import sys
import zlib
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent / "keystone"
NOT_BEFORE = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
NOT_AFTER = datetime.datetime(2125, 1, 1, tzinfo=datetime.timezone.utc)


def name(cn):
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "OpenStack"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def write_key(path, k):
    path.write_bytes(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()))


def cert(subject, issuer, pub, signer, serial, ca, issuer_pub=None):
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(pub)
         .serial_number(serial).not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False))
    if ca:
        b = (b.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
             .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True))
    else:
        b = (b.add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=False)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_pub), critical=False))
    return b.sign(signer, hashes.SHA256())


def pem(c):
    return c.public_bytes(serialization.Encoding.PEM)


def sign(directory, content_file, out_name):
    """Sign exactly as keystoneclient's cms_sign_data does."""
    subprocess.run(["openssl", "cms", "-sign", "-signer", directory / "signing_cert.pem",
                    "-inkey", directory / "signing_key.pem", "-outform", "PEM", "-nosmimecap",
                    "-nodetach", "-nocerts", "-noattr", "-md", "sha256", "-binary",
                    "-in", directory / content_file, "-out", directory / out_name], check=True)


def token_forms(directory, stem):
    text = (directory / f"{stem}.pem").read_text()
    body = "".join(l for l in text.splitlines() if not l.startswith("-----"))
    (directory / f"{stem}.pki").write_text(body.replace("/", "-"))
    z = zlib.compress(text.encode(), 6)
    (directory / f"{stem}.pkiz").write_text("PKIZ_" + base64.urlsafe_b64encode(z).decode())
    subprocess.run(["openssl", "cms", "-cmsout", "-in", directory / f"{stem}.pem", "-inform", "PEM",
                    "-outform", "DER", "-out", directory / f"{stem}.der"], check=True)


def catalog(n):
    services = []
    for i in range(n):
        services.append({
            "type": ["identity", "compute", "image", "network", "volumev3", "object-store"][i % 6],
            "name": f"service-{i}",
            "id": f"{i:032x}",
            "endpoints": [{"interface": iface, "region": "RegionOne", "region_id": "RegionOne",
                           "url": f"https://{iface}.cloud.example.com:{8000 + i}/v{i % 3 + 1}",
                           "id": f"{i * 3 + j:032x}"}
                          for j, iface in enumerate(["public", "internal", "admin"])],
        })
    return services


def token(n_services):
    return {"token": {
        "methods": ["password"], "expires_at": "2125-01-01T00:00:00.000000Z",
        "issued_at": "2025-06-01T12:00:00.000000Z", "audit_ids": ["VcxU2JYqT8OzfUVvrjEITQ"],
        "user": {"domain": {"id": "default", "name": "Default"}, "id": "0ca8f6" * 5 + "ab",
                 "name": "admin", "password_expires_at": None},
        "project": {"domain": {"id": "default", "name": "Default"}, "id": "a6944d" * 5 + "cd",
                    "name": "admin"},
        "roles": [{"id": "51cc68" * 5 + "ef", "name": "admin"}, {"id": "9fe2ff" * 5 + "01", "name": "member"}],
        "is_domain": False,
        "catalog": catalog(n_services),
    }}


def deployment(directory, label, serial_base):
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, signing_key = key(), key()
    ca = cert(name(f"{label} CA"), name(f"{label} CA"), ca_key.public_key(), ca_key, serial_base, True)
    signing = cert(name(f"{label} Signing"), ca.subject, signing_key.public_key(), ca_key,
                   serial_base + 1, False, ca_key.public_key())
    (directory / "cacert.pem").write_bytes(pem(ca))
    (directory / "signing_cert.pem").write_bytes(pem(signing))
    write_key(directory / "signing_key.pem", signing_key)


def main():
    if HERE.exists() and "--force" not in sys.argv:
        sys.exit(f"{HERE} exists; pass --force to regenerate")
    deployment(HERE, "Keystone", 0x1000)
    (HERE / "token.json").write_text(json.dumps(token(3), indent=1, sort_keys=True))
    (HERE / "token_10k.json").write_text(json.dumps(token(11), indent=1, sort_keys=True))
    (HERE / "revoked.json").write_text(json.dumps({"revoked": []}))
    for stem, content in [("token", "token.json"), ("token_10k", "token_10k.json"), ("revoked", "revoked.json")]:
        sign(HERE, content, f"{stem}.pem")
        token_forms(HERE, stem)
    other = HERE / "other"
    deployment(other, "Other Keystone", 0x2000)
    (other / "token.json").write_text(json.dumps(token(2), indent=1, sort_keys=True))
    sign(other, "token.json", "token.pem")
    token_forms(other, "token")
    print(f"wrote {HERE}")


if __name__ == "__main__":
    main()
