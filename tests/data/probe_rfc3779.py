#!/usr/bin/env python3
"""Random RFC 3779 chains through `openssl cms -verify` and cmsverify.

Builds root -> (intermediate) -> signer chains whose certificates carry
random ipAddrBlocks and ASIdentifiers (well- and ill-formed, canonical and
not, inherit, SAFI, unknown AFIs, negative AS numbers) and compares the
verdicts. Needs `cargo build --features cli` and the generator's packages.
  N=1000 SEED=7 python3 tests/data/probe_rfc3779.py
Disagreeing cases are saved under a temporary directory (printed).
"""
import random, subprocess, sys, tempfile, os
from pathlib import Path
sys.argv = ["generate.py"]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate as g

rng = random.Random(int(os.environ.get("SEED", "1")))
RK, IK, LK = g.Key(), g.Key(), g.Key()
BIN = str(HERE.parent.parent / "target" / "debug" / "cmsverify")
SAVE = Path(tempfile.mkdtemp(prefix="cmsverify-probe-"))

def rand_bits():
    n = rng.choice([0, 1, 1, 2, 2, 3, 4, 5])
    data = bytes(rng.choice([0, 10, 11, 0x80, 0xFF, rng.randrange(256)]) for _ in range(n))
    unused = rng.choice([0, 0, 0, 1, 4, 7]) if n else rng.choice([0, 0, 3])
    if n and unused:
        data = data[:-1] + bytes([data[-1] & (0xFF << unused) & 0xFF if rng.random() < 0.8 else data[-1]])
    return g.bitstring(data, unused)

def rand_aor():
    if rng.random() < 0.7:
        return rand_bits()
    return g.seq(rand_bits(), rand_bits())

def rand_family():
    af = rng.choice([b"\x00\x01", b"\x00\x01", b"\x00\x02", b"\x00\x01\x01", b"\x00\x03", b"\x00"])
    if rng.random() < 0.25:
        choice = g.null()
    else:
        choice = g.seq(*[rand_aor() for _ in range(rng.choice([0, 1, 1, 2, 3]))])
    return g.seq(g.octet(af), choice)

def rand_ip():
    fams = [rand_family() for _ in range(rng.choice([0, 1, 1, 1, 2]))]
    if rng.random() < 0.5:
        fams.sort()
    return g.ext("ipAddrBlocks", g.seq(*fams), True)

def rand_int():
    return g.integer(rng.choice([0, 1, 2, 3, 5, 6, 7, 100, 127, 128, 255, 256, -1, -128, -129, 64496, 64511]))

def rand_choice():
    if rng.random() < 0.25:
        return g.null()
    items = []
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        items.append(rand_int() if rng.random() < 0.6 else g.seq(rand_int(), rand_int()))
    return g.seq(*items)

def rand_asid():
    parts = b""
    if rng.random() < 0.8:
        parts += g.ctx(0, rand_choice())
    if rng.random() < 0.4:
        parts += g.ctx(1, rand_choice())
    return g.ext("asIds", g.seq(parts), True)

def rand_exts():
    e = []
    r = rng.random()
    if r < 0.55:
        e.append(rand_ip())
    elif r < 0.9:
        e.append(rand_asid())
    else:
        e += [rand_ip(), rand_asid()]
    return e

def maybe(p):
    return rand_exts() if rng.random() < p else []

def case():
    root = g.Cert(g.name(("CN", "F Root")), RK, exts=g.ca_exts(RK, extra=maybe(0.7)))
    use_inter = rng.random() < 0.4
    issuer, ik = root, RK
    embed = []
    if use_inter:
        inter = g.Cert(g.name(("CN", "F Inter")), IK, root, exts=g.ca_exts(IK, RK, extra=maybe(0.6)))
        issuer, ik, embed = inter, IK, [inter]
    lc = g.Cert(g.name(("CN", "F Leaf")), LK, issuer, exts=g.leaf_exts(LK, ik, extra=maybe(0.9)))
    msg = g.signed_data([g.Signer(lc, attrs=None)], certs=[lc] + embed)
    return g.pem_wrap(msg), root.pem()

empty = tempfile.mkdtemp()
n = int(os.environ.get("N", "200"))
bad = 0
counts = {}
with tempfile.TemporaryDirectory() as t:
    t = Path(t)
    (t / "certfile.pem").write_bytes(g.leaf(cn="Unrelated").pem())
    for i in range(n):
        msg, ca = case()
        (t / "m.pem").write_bytes(msg); (t / "ca.pem").write_bytes(ca)
        o = subprocess.run(["openssl", "cms", "-verify", "-in", t / "m.pem", "-certfile", t / "certfile.pem", "-CAfile", t / "ca.pem",
                            "-inform", "PEM", "-nosmimecap", "-nocerts", "-noattr", "-out", "/dev/null"],
                           capture_output=True, env={**os.environ, "SSL_CERT_DIR": empty})
        c = subprocess.run([BIN, "verify", "--certfile", t / "certfile.pem", "--cafile", t / "ca.pem", "--in", t / "m.pem", "--out", "/dev/null"],
                           capture_output=True)
        oc = 0 if o.returncode == 0 else (4 if o.returncode == 4 else o.returncode)
        cc = c.returncode
        key = (oc, cc)
        counts[key] = counts.get(key, 0) + 1
        if (oc == 0) != (cc == 0) or (oc == 2) != (cc in (2, 3)):
            bad += 1
            d = SAVE / f"case-{i}"; d.mkdir()
            (d / "message.pem").write_bytes(msg); (d / "cafile.pem").write_bytes(ca)
            (d / "certfile.pem").write_bytes((t / "certfile.pem").read_bytes())
            print("DISAGREE", i, oc, cc, o.stderr.decode()[-200:].strip().replace("\n", " | "), "//", c.stderr.decode()[:200].strip())
print("saved in", SAVE) if bad else None
print("cases", n, "disagreements", bad, "outcomes", counts)
