#!/usr/bin/env python3
"""Random certificate extensions through `openssl cms -verify` and cmsverify.

Adds to the signer, an intermediate or the root one extension that OpenSSL
decodes when it caches a certificate's extensions (or a neighbour of
those), its value valid or mutated (trailing bytes, truncated, another
tag, BER lengths, empty, duplicated), and compares the verdicts. Needs
`cargo build --features cli` and the generator's packages.
  N=500 SEED=7 python3 tests/data/probe_extensions.py
Disagreeing cases are saved under a temporary directory (printed).
"""
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.argv = ["generate.py"]
import generate as g  # noqa: E402

rng = random.Random(int(os.environ.get("SEED", "1")))
BIN = str(HERE.parent.parent / "target" / "debug" / "cmsverify")
SAVE = Path(tempfile.mkdtemp(prefix="cmsverify-probe-"))
RK, IK, LK = g.Key(), g.Key(), g.Key()
g.OIDS.update({"crldp": "2.5.29.31", "proxy": "1.3.6.1.5.5.7.1.14", "anyPolicy": "2.5.29.32.0"})

def values(holder_key, issuer_key):
    return {
        "bc": [g.seq(g.boolean(True), g.integer(0)), g.seq(g.boolean(True)), g.seq()],
        "ku": [g.ku("digitalSignature", "keyCertSign"), g.ku("digitalSignature"), g.bitstring(b"", 7)],
        "eku": [g.eku("emailProtection"), g.eku("emailProtection", "anyEKU"), g.seq()],
        "nsCertType": [g.ns("smime", "emailCA"), g.bitstring(b"", 3)],
        "skid": [g.octet(holder_key.skid), g.octet(b"")],
        "akid": [g.seq(g.ctx(0, issuer_key.skid, False)), g.seq()],
        "san": [g.seq(g.tlv(0x81, b"a@example.com")), g.seq(g.tlv(0x86, b"http://x")), g.seq()],
        "ian": [g.seq(g.tlv(0x86, b"http://x"))],
        "crldp": [g.seq(g.seq(g.ctx(0, g.ctx(0, g.tlv(0x86, b"http://crl"))))), g.seq(),
                  g.seq(g.seq(g.ctx(1, g.bitstring(b"\x80", 7), constructed=False), g.ctx(2, g.ctx(4, g.name(("CN", "I"))))))],
        "policies": [g.seq(g.seq(g.oid(g.OIDS["anyPolicy"])))],
    }

def mutate(v):
    r = rng.random()
    if r < 0.35 or len(v) < 2:
        return v, "valid"
    if r < 0.45:
        return v + rng.choice([b"\x00", b"\x05\x00", b"\xff\xff"]), "trailing"
    if r < 0.55:
        return v[:-1], "truncated"
    if r < 0.65:
        return bytes([rng.choice([0x02, 0x04, 0x30, 0x31, 0xA0, 0x03])]) + v[1:], "retagged"
    if r < 0.75 and v[1] < 0x80:
        return bytes([v[0], 0x81, v[1]]) + v[2:], "ber-length"
    if r < 0.85 and v[0] & 0x20 and v[1] < 0x80:
        return bytes([v[0], 0x80]) + v[2:] + b"\x00\x00", "indefinite"
    if r < 0.92:
        return b"", "empty"
    i = rng.randrange(len(v))
    return v[:i] + bytes([v[i] ^ (1 << rng.randrange(8))]) + v[i + 1:], f"bitflip@{i}"

def case():
    where = rng.choice(["leaf", "leaf", "inter", "root"])
    holder = {"leaf": LK, "inter": IK, "root": RK}[where]
    issuer = {"leaf": IK, "inter": RK, "root": RK}[where]
    name = rng.choice(list(values(holder, issuer)))
    value, how = mutate(rng.choice(values(holder, issuer)[name]))
    critical = rng.random() < 0.4
    extra = [g.ext(name, value, critical)]
    if rng.random() < 0.15:
        extra.append(g.ext(name, value, critical))
        how += "+dup"
    pick = lambda w: extra if w == where else []
    root = g.Cert(g.name(("CN", "P Root")), RK, exts=g.ca_exts(RK, extra=pick("root")))
    inter = g.Cert(g.name(("CN", "P Inter")), IK, root, exts=g.ca_exts(IK, RK, extra=pick("inter")))
    leaf = g.Cert(g.name(("CN", "P Leaf")), LK, inter, exts=g.leaf_exts(LK, IK, extra=pick("leaf")))
    msg = g.signed_data([g.Signer(leaf, attrs=None)], certs=[leaf, inter])
    return g.pem_wrap(msg), root.pem(), f"{where} {name} {how} critical={critical}"

empty = tempfile.mkdtemp()
n = int(os.environ.get("N", "200"))
bad = 0
counts = {}
with tempfile.TemporaryDirectory() as t:
    t = Path(t)
    (t / "certfile.pem").write_bytes(g.leaf(cn="Unrelated").pem())
    for i in range(n):
        msg, ca, what = case()
        (t / "m.pem").write_bytes(msg)
        (t / "ca.pem").write_bytes(ca)
        o = subprocess.run(["openssl", "cms", "-verify", "-in", t / "m.pem", "-certfile", t / "certfile.pem",
                            "-CAfile", t / "ca.pem", "-inform", "PEM", "-nosmimecap", "-nocerts", "-noattr",
                            "-out", "/dev/null"], capture_output=True, env={**os.environ, "SSL_CERT_DIR": empty})
        c = subprocess.run([BIN, "verify", "--certfile", t / "certfile.pem", "--cafile", t / "ca.pem",
                            "--in", t / "m.pem", "--out", "/dev/null"], capture_output=True)
        counts[(o.returncode, c.returncode)] = counts.get((o.returncode, c.returncode), 0) + 1
        if (o.returncode == 0) != (c.returncode == 0):
            bad += 1
            d = SAVE / f"case-{i}"
            d.mkdir()
            (d / "message.pem").write_bytes(msg)
            (d / "cafile.pem").write_bytes(ca)
            (d / "certfile.pem").write_bytes((t / "certfile.pem").read_bytes())
            (d / "desc.txt").write_text(what + "\n")
            print("DISAGREE", i, o.returncode, c.returncode, what, "//", c.stderr.decode()[:160].strip())
if bad:
    print("saved in", SAVE)
print("cases", n, "disagreements", bad, "outcomes (openssl, cmsverify)", counts)
