#!/usr/bin/env python3
"""Generate hostile-input fixtures under tests/data/hostile/ (see tests/hostile.rs).

* same-subject/: 1000 self-signed EC "Hostile CA" certificates with distinct
  keys (certfile.pem), a leaf issued by another key of that name, an unrelated
  CAfile: path building must give up within its signature budget.
* loop/: CA A issued by B and B issued by A (valid signatures both ways), a
  leaf under A: path building must end, not loop.
* many-signers.pem: SignedData with 20 SignerInfos (limit: 16).
* bomb.pkiz: a PKIZ token inflating to 512 MiB of zeros.

Reuses generate.py's DER helpers; needs `cryptography`. Refuses to overwrite
without --force.
"""
import sys
from pathlib import Path

sys.argv, _argv = sys.argv[:1], sys.argv  # generate.py parses no arguments on import
import generate as g  # noqa: E402

sys.argv = _argv
OUT = Path(__file__).resolve().parent / "hostile"


def ec_ca(cn, issuer=None, issuer_key=None, key=None):
    key = key or g.Key("p256")
    exts = g.ca_exts(key, issuer_key)
    return g.Cert(g.name(("CN", cn)), key, issuer, exts=exts)


def same_subject():
    d = OUT / "same-subject"
    d.mkdir(parents=True)
    decoys = [ec_ca("Hostile CA") for _ in range(1000)]
    real_key = g.Key("p256")
    real = g.Cert(g.name(("CN", "Hostile CA")), real_key, exts=g.ca_exts(real_key))
    lk = g.Key("p256")
    leaf = g.Cert(g.name(("CN", "Hostile Signer")), lk, real,
                  exts=[g.ext("ku", g.ku("digitalSignature"), True)])  # no AKID: every decoy is a candidate
    (d / "certfile.pem").write_bytes(leaf.pem() + b"".join(c.pem() for c in decoys))
    (d / "cafile.pem").write_bytes(g.ROOT.pem())
    (d / "message.pem").write_bytes(g.openssl_sign(leaf, g.CONTENT, ("-nocerts", "-noattr")))


def issuer_loop():
    d = OUT / "loop"
    d.mkdir(parents=True)
    ka, kb = g.Key("p256"), g.Key("p256")
    stub_b = type("I", (), {"subject": g.name(("CN", "Loop B")), "key": kb})()
    stub_a = type("I", (), {"subject": g.name(("CN", "Loop A")), "key": ka})()
    a = g.Cert(g.name(("CN", "Loop A")), ka, stub_b, exts=g.ca_exts(ka, kb))
    b = g.Cert(g.name(("CN", "Loop B")), kb, stub_a, exts=g.ca_exts(kb, ka))
    lk = g.Key("p256")
    leaf = g.Cert(g.name(("CN", "Loop Signer")), lk, a, exts=g.leaf_exts(lk, ka))
    (d / "certfile.pem").write_bytes(leaf.pem() + a.pem() + b.pem())
    (d / "cafile.pem").write_bytes(g.ROOT.pem())
    (d / "message.pem").write_bytes(g.openssl_sign(leaf, g.CONTENT, ("-nocerts", "-noattr")))


def many_signers():
    cert = g.leaf()
    der = g.signed_data([g.Signer(cert, attrs=None) for _ in range(20)])
    (OUT / "many-signers.pem").write_bytes(g.pem_wrap(der))
    (OUT / "many-signers-certfile.pem").write_bytes(cert.pem())


def zlib_bomb():
    """512 MiB of zeros, zlib level 9, as a PKIZ token."""
    import base64
    import zlib
    z = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    data = b"".join(z.compress(chunk) for _ in range(512)) + z.flush()
    (OUT / "bomb.pkiz").write_bytes(b"PKIZ_" + base64.urlsafe_b64encode(data))


def main():
    if OUT.exists() and any(OUT.iterdir()) and "--force" not in sys.argv:
        sys.exit(f"{OUT} exists; pass --force to regenerate")
    import shutil
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    (OUT / "root.pem").write_bytes(g.ROOT.pem())
    same_subject()
    issuer_loop()
    many_signers()
    zlib_bomb()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
