#!/usr/bin/env python3
"""Random BER re-encodings through `openssl cms -verify` and cmsverify.

Re-encodes a signer certificate's TBSCertificate (or, with WHOLE=1, the
whole message) with random BER forms (indefinite lengths, non-minimal
lengths, constructed strings), signs the BER or the DER form, embeds the
certificate in the message or gives it as the certfile, and compares the
verdicts. Needs `cargo build --features cli` and the generator's packages.
  N=300 SEED=7 [WHOLE=1] python3 tests/data/probe_ber.py
Disagreeing cases are saved under a temporary directory (printed).
"""
import random, subprocess, sys, tempfile, os
from pathlib import Path
sys.argv = ["generate.py"]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate as g

rng = random.Random(int(os.environ.get("SEED", "1")))
BIN = str(HERE.parent.parent / "target" / "debug" / "cmsverify")
SAVE = Path(tempfile.mkdtemp(prefix="cmsverify-probe-"))
LK = g.Key()

def parse(b, i=0):
    """DER -> list of (tag, content or children) from offset i to end."""
    out = []
    while i < len(b):
        tag = b[i]; l = b[i + 1]; j = i + 2
        if l & 0x80:
            n = l & 0x7F; l = int.from_bytes(b[j:j + n], "big"); j += n
        content = b[j:j + l]
        out.append((tag, parse(content) if tag & 0x20 else content))
        i = j + l
    return out

def length(n, extra):
    if extra == 0 and n < 0x80:
        return bytes([n])
    body = n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")
    body = b"\x00" * extra + body
    return bytes([0x80 | len(body)]) + body

STRINGS = {0x04, 0x0C, 0x13, 0x16}

def enc(node, p):
    tag, v = node
    r = rng.random()
    if tag & 0x20:
        body = b"".join(enc(c, p) for c in v)
        if r < p:
            return bytes([tag, 0x80]) + body + b"\x00\x00"
        if r < 2 * p:
            return bytes([tag]) + length(len(body), 1) + body
        return bytes([tag]) + length(len(body), 0) + body
    if tag in STRINGS and len(v) >= 2 and r < p:
        k = rng.randrange(1, len(v))
        segs = g.tlv(tag, v[:k]) + g.tlv(tag, v[k:])
        if rng.random() < 0.5:
            return bytes([tag | 0x20, 0x80]) + segs + b"\x00\x00"
        return bytes([tag | 0x20]) + length(len(segs), 0) + segs
    if r < 2 * p:
        return bytes([tag]) + length(len(v), rng.choice([0, 1, 2])) + v
    return bytes([tag]) + length(len(v), 0) + v

def case():
    c = g.leaf(key=LK, cn="BER Fuzz Signer", extra=[g.ext("san", g.seq(g.tlv(0x81, b"a@example.com")))])
    tree = parse(c.tbs)[0]
    p = rng.choice([0.0, 0.05, 0.1, 0.3])
    tbs = enc(tree, p)
    how = rng.random()
    signed = tbs if how < 0.6 else c.tbs
    sig = g.ROOT_KEY.sign(signed, "sha256WithRSA")
    c.der = g.seq(tbs, g.sig_alg_der("sha256WithRSA"), g.bitstring(sig))
    where = rng.random()
    if os.environ.get("WHOLE"):
        msg = g.signed_data([g.Signer(c, attrs="default" if rng.random() < 0.5 else None)], certs=[c])
        msg = enc(parse(msg)[0], rng.choice([0.05, 0.1, 0.3]))
        certfile = g.leaf(key=LK, cn="Unrelated").pem()
    elif where < 0.7:
        msg = g.signed_data([g.Signer(c, attrs=None)], certs=[c])
        certfile = g.leaf(key=LK, cn="Unrelated").pem()
    else:
        msg = g.signed_data([g.Signer(c, attrs=None)])
        certfile = c.pem()
    return g.pem_wrap(msg), certfile, tbs != c.tbs, signed is tbs

empty = tempfile.mkdtemp()
n = int(os.environ.get("N", "200"))
bad = 0
counts = {}
with tempfile.TemporaryDirectory() as t:
    t = Path(t)
    (t / "ca.pem").write_bytes(g.ROOT.pem())
    for i in range(n):
        msg, certfile, changed, signed_ber = case()
        (t / "m.pem").write_bytes(msg); (t / "cf.pem").write_bytes(certfile)
        o = subprocess.run(["openssl", "cms", "-verify", "-in", t / "m.pem", "-certfile", t / "cf.pem", "-CAfile", t / "ca.pem",
                            "-inform", "PEM", "-nosmimecap", "-nocerts", "-noattr", "-out", "/dev/null"],
                           capture_output=True, env={**os.environ, "SSL_CERT_DIR": empty})
        c = subprocess.run([BIN, "verify", "--certfile", t / "cf.pem", "--cafile", t / "ca.pem", "--in", t / "m.pem", "--out", "/dev/null"],
                           capture_output=True)
        key = (o.returncode, c.returncode, changed, signed_ber)
        counts[key] = counts.get(key, 0) + 1
        if (o.returncode == 0) != (c.returncode == 0):
            bad += 1
            d = SAVE / f"case-{i}"; d.mkdir()
            (d / "message.pem").write_bytes(msg); (d / "cafile.pem").write_bytes((t / "ca.pem").read_bytes())
            (d / "certfile.pem").write_bytes(certfile)
            print("DISAGREE", i, o.returncode, c.returncode, changed, signed_ber, o.stderr.decode()[-160:].strip().replace("\n", " | "), "//", c.stderr.decode()[:200].strip())
print("saved in", SAVE) if bad else None
print("cases", n, "disagreements", bad, "outcomes (ossl, cms, tbs-changed, signed-ber)", counts)
