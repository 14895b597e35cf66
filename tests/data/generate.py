#!/usr/bin/env python3
"""Generate the differential scenarios under tests/data/scenarios/.

Each scenario is a directory with certfile.pem, cafile.pem, message.pem (the
exact bytes given to `openssl cms -verify -inform PEM`), content.bin (the
content originally signed) and desc.txt (one line); scenarios/index.tsv lists
them. The verdicts are NOT stored: tests/differential.rs runs openssl.

Certificates are assembled here in DER (so versions, time encodings,
extensions and criticality are fully controlled) and signed with the
`cryptography` package; messages come from `openssl cms -sign` or are
assembled here (signed attributes, algorithm labels, odd shapes). Validity
windows are fixed dates. Needs `openssl` and `cryptography`.

Usage:
  generate.py             write every scenario (refuses if scenarios/ exists)
  generate.py --force     delete scenarios/ and rewrite every scenario, with new
                          random keys (this changes every committed file)
  generate.py --only ID[,ID...]
                          add-only: write just the named scenarios and add them
                          to index.tsv, leaving every other scenario (and pki/)
                          untouched. Refuses an ID whose directory already
                          exists unless --force is also given, in which case
                          only that directory is rewritten (its index line is
                          kept in place).
"""
import base64
import hashlib
import shutil
import subprocess
import sys
import tempfile
import types
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, dsa

OUT = Path(__file__).resolve().parent / "scenarios"
CONTENT = b"hello world\n"

# ---------------------------------------------------------------- DER encoding

def tlv(tag, body):
    n = len(body)
    if n < 0x80:
        length = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + length + body

def seq(*items): return tlv(0x30, b"".join(items))
def set_(*items): return tlv(0x31, b"".join(items))
def set_sorted(*items): return tlv(0x31, b"".join(sorted(items)))
def octet(b): return tlv(0x04, b)
def null(): return b"\x05\x00"
def boolean(v): return tlv(0x01, b"\xff" if v else b"\x00")
def ctx(n, body, constructed=True): return tlv((0xA0 if constructed else 0x80) | n, body)

def integer(v):
    if v == 0:
        return tlv(0x02, b"\x00")
    length = (v.bit_length() + 8) // 8 if v > 0 else (v.bit_length() + 8) // 8
    return tlv(0x02, v.to_bytes(length, "big", signed=True))

def oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    body = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        enc = [p & 0x7F]
        p >>= 7
        while p:
            enc.append(0x80 | (p & 0x7F))
            p >>= 7
        body += bytes(reversed(enc))
    return tlv(0x06, body)

def bitstring(data, unused=0): return tlv(0x03, bytes([unused]) + data)

def bits(*positions):
    """A named BIT STRING with the given bit positions set, DER (trailing zeros dropped)."""
    if not positions:
        return bitstring(b"")
    top = max(positions)
    nbytes = top // 8 + 1
    v = bytearray(nbytes)
    for p in positions:
        v[p // 8] |= 0x80 >> (p % 8)
    unused = 7 - (top % 8)
    return bitstring(bytes(v), unused)

OIDS = {
    "CN": "2.5.4.3", "O": "2.5.4.10", "OU": "2.5.4.11", "C": "2.5.4.6", "email": "1.2.840.113549.1.9.1",
    "data": "1.2.840.113549.1.7.1", "signedData": "1.2.840.113549.1.7.2", "envelopedData": "1.2.840.113549.1.7.3",
    "contentType": "1.2.840.113549.1.9.3", "messageDigest": "1.2.840.113549.1.9.4",
    "signingTime": "1.2.840.113549.1.9.5", "countersignature": "1.2.840.113549.1.9.6",
    "rsaEncryption": "1.2.840.113549.1.1.1", "pss": "1.2.840.113549.1.1.10", "mgf1": "1.2.840.113549.1.1.8",
    "sha1WithRSA": "1.2.840.113549.1.1.5", "sha256WithRSA": "1.2.840.113549.1.1.11",
    "sha384WithRSA": "1.2.840.113549.1.1.12", "sha512WithRSA": "1.2.840.113549.1.1.13",
    "md5WithRSA": "1.2.840.113549.1.1.4",
    "ecPublicKey": "1.2.840.10045.2.1", "prime256v1": "1.2.840.10045.3.1.7", "secp384r1": "1.3.132.0.34",
    "ecdsa-sha256": "1.2.840.10045.4.3.2", "ecdsa-sha384": "1.2.840.10045.4.3.3", "ecdsa-sha1": "1.2.840.10045.4.1",
    "ecdsa-sha512": "1.2.840.10045.4.3.4",
    "ed25519": "1.3.101.112", "dsa-sha256": "2.16.840.1.101.3.4.3.2", "mldsa44": "2.16.840.1.101.3.4.3.17",
    "sha1": "1.3.14.3.2.26", "sha256": "2.16.840.1.101.3.4.2.1", "sha384": "2.16.840.1.101.3.4.2.2",
    "sha512": "2.16.840.1.101.3.4.2.3", "sha224": "2.16.840.1.101.3.4.2.4", "md5": "1.2.840.113549.2.5",
    "md4": "1.2.840.113549.2.4", "sm3": "1.2.156.10197.1.401", "sha3-256": "2.16.840.1.101.3.4.2.8",
    "sha3-384": "2.16.840.1.101.3.4.2.9",
    "ecdsa-sha3-256": "2.16.840.1.101.3.4.3.10", "sha3-256WithRSA": "2.16.840.1.101.3.4.3.14",
    "sha3-384WithRSA": "2.16.840.1.101.3.4.3.15",
    "skid": "2.5.29.14", "ku": "2.5.29.15", "san": "2.5.29.17", "ian": "2.5.29.18", "bc": "2.5.29.19",
    "nc": "2.5.29.30", "policies": "2.5.29.32", "akid": "2.5.29.35", "eku": "2.5.29.37",
    "nsCertType": "2.16.840.1.113730.1.1",
    "serverAuth": "1.3.6.1.5.5.7.3.1", "clientAuth": "1.3.6.1.5.5.7.3.2", "codeSigning": "1.3.6.1.5.5.7.3.3",
    "emailProtection": "1.3.6.1.5.5.7.3.4", "timeStamping": "1.3.6.1.5.5.7.3.8", "anyEKU": "2.5.29.37.0",
}

def name(*rdns, string_tag=0x0C):
    """name(("O", "x"), ("CN", "y")) -> DER Name, one attribute per RDN."""
    return seq(*[set_(seq(oid(OIDS[k]), tlv(0x13 if k == "C" else string_tag, v.encode()))) for k, v in rdns])

def alg(name_, params=None):
    return seq(oid(OIDS[name_]), params) if params is not None else seq(oid(OIDS[name_]))

HASHES = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256, "sha384": hashes.SHA384,
          "sha512": hashes.SHA512, "md5": hashes.MD5, "sha3-256": hashes.SHA3_256, "sha3-384": hashes.SHA3_384}

def pss_params(h="sha256", salt=32, mgf=None):
    return seq(ctx(0, alg(h, null())), ctx(1, seq(oid(OIDS["mgf1"]), alg(mgf or h, null()))), ctx(2, integer(salt)))

# ---------------------------------------------------------------- keys & certificates

class Key:
    def __init__(self, kind="rsa", size=2048):
        self.kind = kind
        if kind == "rsa" and size < 1024:
            # cryptography refuses small keys; openssl still makes them.
            pem = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{size}"],
                                 check=True, capture_output=True).stdout
            self.priv = serialization.load_pem_private_key(pem, None)
        elif kind == "rsa":
            self.priv = rsa.generate_private_key(public_exponent=65537, key_size=size)
        elif kind == "p256":
            self.priv = ec.generate_private_key(ec.SECP256R1())
        elif kind == "p384":
            self.priv = ec.generate_private_key(ec.SECP384R1())
        elif kind == "p521":
            self.priv = ec.generate_private_key(ec.SECP521R1())
        elif kind == "brainpoolP256r1":
            self.priv = ec.generate_private_key(ec.BrainpoolP256R1())
        elif kind == "ed25519":
            self.priv = ed25519.Ed25519PrivateKey.generate()
        elif kind == "dsa":
            self.priv = dsa.generate_private_key(key_size=2048)
        self.spki = self.priv.public_key().public_bytes(serialization.Encoding.DER,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo)
        self.skid = hashlib.sha1(self.spki).digest()

    def pem(self):
        return self.priv.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())

    def default_sig(self):
        return {"rsa": "sha256WithRSA", "p256": "ecdsa-sha256", "p384": "ecdsa-sha384", "p521": "ecdsa-sha512", "brainpoolP256r1": "ecdsa-sha256",
                "ed25519": "ed25519", "dsa": "dsa-sha256"}[self.kind]

    def sign(self, data, how):
        """Sign data as a certificate/CMS signature algorithm `how` names."""
        if how.endswith("WithRSA"):
            h = HASHES[how[: -len("WithRSA")]]()
            return self.priv.sign(data, padding.PKCS1v15(), h)
        if how == "pss":
            return self.priv.sign(data, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
        if how.startswith("pss:"):  # pss:HASH:MGF1-HASH
            _, h, mgf = how.split(":")
            return self.priv.sign(data, padding.PSS(padding.MGF1(HASHES[mgf]()), 32), HASHES[h]())
        if how.startswith("ecdsa-"):
            return self.priv.sign(data, ec.ECDSA(HASHES[how[6:]]()))
        if how == "ed25519":
            return self.priv.sign(data)
        if how.startswith("dsa-"):
            return self.priv.sign(data, HASHES[how[4:]]())
        raise ValueError(how)

def sig_alg_der(how):
    if how == "pss":
        return alg("pss", pss_params())
    if how.startswith("pss:"):
        _, h, mgf = how.split(":")
        return alg("pss", pss_params(h, mgf=mgf))
    if how.endswith("WithRSA"):
        return alg(how, null())
    return alg(how)

def ext(name_, value, critical=False):
    return seq(oid(OIDS.get(name_, name_)), boolean(True) if critical else b"", octet(value))

def bc(ca=True, pathlen=None): return seq(boolean(True) if ca else b"", integer(pathlen) if pathlen is not None else b"")
KU = {"digitalSignature": 0, "nonRepudiation": 1, "keyEncipherment": 2, "dataEncipherment": 3,
      "keyAgreement": 4, "keyCertSign": 5, "cRLSign": 6}
def ku(*names): return bits(*[KU[n] for n in names])
def eku(*names): return seq(*[oid(OIDS[n]) for n in names])
NS = {"client": 0, "server": 1, "smime": 2, "objsign": 3, "sslCA": 5, "emailCA": 6, "objCA": 7}
def ns(*names): return bits(*[NS[n] for n in names])

UTC_2025 = (0x17, b"250101000000Z")
GEN_2125 = (0x18, b"21250101000000Z")

class Cert:
    def __init__(self, subject, key, issuer=None, serial=None, exts=None, version=3,
                 not_before=UTC_2025, not_after=GEN_2125, sig=None, corrupt_sig=False, outer_alg=None,
                 tbs_alg=None, version_der=None, exts_tag=0x30):
        """outer_alg: DER of the outer signatureAlgorithm when it should differ
        from the one inside TBSCertificate (the signature follows the inner one).
        version_der: the version INTEGER's DER when it is neither v1 nor v3."""
        issuer = issuer or self  # self-signed
        self.subject, self.key = subject, key
        self.serial = serial if serial is not None else next(SERIALS)
        self.issuer_name = issuer.subject if issuer is not self else subject
        signer = issuer.key if issuer is not self else key
        how = sig or signer.default_sig()
        body = b""
        if version_der is not None:
            body += ctx(0, version_der)
        elif version == 3:
            body += ctx(0, integer(2))
        inner_alg = tbs_alg if tbs_alg is not None else sig_alg_der(how)
        body += integer(self.serial) + inner_alg + self.issuer_name
        body += seq(tlv(not_before[0], not_before[1]), tlv(not_after[0], not_after[1]))
        body += subject + key.spki
        if exts:
            body += ctx(3, tlv(exts_tag, b"".join(exts)))
        self.tbs = seq(body)
        signature = signer.sign(self.tbs, how)
        if corrupt_sig:
            signature = signature[:-5] + bytes([signature[-5] ^ 1]) + signature[-4:]
        self.signature = signature
        self.der = seq(self.tbs, outer_alg if outer_alg is not None else inner_alg, bitstring(signature))

    def pem(self):
        b64 = base64.encodebytes(self.der).decode().replace("\n", "")
        return ("-----BEGIN CERTIFICATE-----\n" + "\n".join(b64[i:i + 64] for i in range(0, len(b64), 64))
                + "\n-----END CERTIFICATE-----\n").encode()

def _serials():
    n = 0x1000
    while True:
        n += 1
        yield n
SERIALS = _serials()

def ca_exts(key, issuer_key=None, pathlen=None, ku_names=("keyCertSign", "cRLSign"), extra=()):
    exts = [ext("bc", bc(True, pathlen), True), ext("ku", ku(*ku_names), True), ext("skid", octet(key.skid))]
    if issuer_key:
        exts.append(ext("akid", seq(ctx(0, issuer_key.skid, False))))
    return exts + list(extra)

def leaf_exts(key, issuer_key, ku_names=("digitalSignature",), eku_names=("emailProtection",), extra=()):
    exts = []
    if ku_names is not None:
        exts.append(ext("ku", ku(*ku_names), True))
    if eku_names is not None:
        exts.append(ext("eku", eku(*eku_names)))
    exts += [ext("skid", octet(key.skid)), ext("akid", seq(ctx(0, issuer_key.skid, False)))]
    return exts + list(extra)

# ---------------------------------------------------------------- the baseline PKI

ROOT_KEY = Key()
ROOT = Cert(name(("O", "cmsverify tests"), ("CN", "Test Root CA")), ROOT_KEY, exts=ca_exts(ROOT_KEY))
INT_KEY = Key()
INTER = Cert(name(("O", "cmsverify tests"), ("CN", "Test Intermediate CA")), INT_KEY, ROOT,
             exts=ca_exts(INT_KEY, ROOT_KEY))

def leaf(issuer=None, key=None, cn="Test Signer", **kw):
    issuer = issuer or ROOT
    key = key or Key()
    exts = kw.pop("exts", None)
    if exts is None:
        exts = leaf_exts(key, issuer.key, **{k: kw.pop(k) for k in list(kw) if k in ("ku_names", "eku_names", "extra")})
    return Cert(name(("O", "cmsverify tests"), ("CN", cn)), key, issuer, exts=exts, **kw)

# ---------------------------------------------------------------- messages

def pem_wrap(der, label="CMS", width=64, eol="\n"):
    b64 = base64.b64encode(der).decode()
    lines = [b64[i:i + width] for i in range(0, len(b64), width)] if width else [b64]
    return (eol.join([f"-----BEGIN {label}-----"] + lines + [f"-----END {label}-----"]) + eol).encode()

def openssl_sign(signer, content=CONTENT, opts=(), extra_certs=(), signers=()):
    """openssl cms -sign (PEM output) with the given options."""
    with tempfile.TemporaryDirectory() as t:
        t = Path(t)
        (t / "in").write_bytes(content)
        args = ["openssl", "cms", "-sign", "-binary", "-in", str(t / "in"), "-outform", "PEM"]
        for i, (cert, key) in enumerate([(signer, signer.key)] + list(signers)):
            (t / f"s{i}.pem").write_bytes(cert.pem())
            (t / f"k{i}.pem").write_bytes(key.pem())
            args += ["-signer", str(t / f"s{i}.pem"), "-inkey", str(t / f"k{i}.pem")]
        if extra_certs:
            (t / "extra.pem").write_bytes(b"".join(c.pem() for c in extra_certs))
            args += ["-certfile", str(t / "extra.pem")]
        args += list(opts)
        if "-nodetach" not in opts and "-detached" not in opts:
            args.append("-nodetach")
        if "-detached" in args:
            args.remove("-detached")
        return subprocess.run(args, check=True, capture_output=True).stdout

def pem_to_der(pem):
    body = b"".join(l for l in pem.splitlines() if not l.startswith(b"-----"))
    return base64.b64decode(body)

def attribute(name_, *values): return seq(oid(OIDS[name_]), set_(*values))

def digest(h, data):
    return hashlib.new(h.replace("-", "_"), data).digest()

class Signer:
    """One SignerInfo to assemble by hand."""
    def __init__(self, cert, h="sha256", attrs="default", sig_alg=None, sid="ias", unsigned=(),
                 sign_override=None, sig_bytes=None, attrs_encoded=None, digest_alg=None, pss_mgf=None,
                 pss_params_der=None):
        """digest_alg: the DER AlgorithmIdentifier written as digestAlgorithm
        when it should differ from alg(h) (the digest computed stays h).
        pss_mgf: the MGF1 hash of a PSS signature when it differs from h.
        pss_params_der: the PSS parameters written (the signature stays
        salt 32, MGF1 with pss_mgf or h)."""
        self.pss_mgf, self.pss_params_der = pss_mgf, pss_params_der
        self.cert, self.h, self.attrs, self.sig_alg, self.sid = cert, h, attrs, sig_alg, sid
        self.digest_alg = digest_alg
        self.unsigned, self.sign_override, self.sig_bytes, self.attrs_encoded = unsigned, sign_override, sig_bytes, attrs_encoded

    def encode(self, content, econtent_type="data"):
        key = self.cert.key
        sid = (seq(self.cert.issuer_name, integer(self.cert.serial)) if self.sid == "ias"
               else ctx(0, key.skid, False))
        attrs = self.attrs
        if attrs == "default":
            attrs = [attribute("contentType", oid(OIDS[econtent_type])),
                     attribute("messageDigest", octet(digest(self.h, content)))]
        signed_field = b""
        if attrs is not None:
            body = b"".join(attrs) if self.attrs_encoded is None else self.attrs_encoded
            signed_field = ctx(0, body)
            to_sign = tlv(0x31, body) if self.attrs_encoded is None else tlv(0x31, self.attrs_encoded)
        else:
            to_sign = content
        if self.sign_override is not None:
            to_sign = self.sign_override
        if key.kind == "rsa":
            how = self.sig_alg or "rsaEncryption"
            if how == "pss":
                mgf = self.pss_mgf or self.h
                sig = key.priv.sign(to_sign, padding.PSS(padding.MGF1(HASHES[mgf]()), 32), HASHES[self.h]())
                sig_alg = alg("pss", self.pss_params_der or pss_params(self.h, mgf=mgf))
            else:
                sig = key.priv.sign(to_sign, padding.PKCS1v15(), HASHES[self.h]())
                sig_alg = alg(how, null())
        elif key.kind in ("p256", "p384", "p521"):
            sig = key.priv.sign(to_sign, ec.ECDSA(HASHES[self.h]()))
            sig_alg = alg(self.sig_alg or ("ecdsa-" + self.h))
        elif key.kind == "ed25519":
            sig = key.priv.sign(to_sign)
            sig_alg = alg("ed25519")
        if self.sig_bytes is not None:
            sig = self.sig_bytes(sig)
        unsigned = ctx(1, b"".join(self.unsigned)) if self.unsigned else b""
        version = 1 if self.sid == "ias" else 3
        digest_alg = self.digest_alg if self.digest_alg is not None else alg(self.h)
        return seq(integer(version), sid, digest_alg, signed_field, sig_alg, octet(sig), unsigned)

def signed_data(signers, content=CONTENT, certs=(), digest_algs=None, econtent_type="data",
                detached=False, version=1, content_type="signedData"):
    digest_algs = digest_algs if digest_algs is not None else sorted({s.h for s in signers})
    encap = seq(oid(OIDS[econtent_type]), b"" if detached else ctx(0, octet(content)))
    digest_set = set_(*[d if isinstance(d, bytes) else alg(d) for d in digest_algs])
    cert_field = ctx(0, b"".join(c.der for c in certs)) if certs else b""
    sd = seq(integer(version), digest_set, encap, cert_field,
             set_(*[s.encode(content, econtent_type) for s in signers]))
    return seq(oid(OIDS[content_type]), ctx(0, sd))

# ---------------------------------------------------------------- scenario registry

SCENARIOS = []

def scenario(sid, category, desc):
    def register(fn):
        SCENARIOS.append((sid, category, desc, fn))
        return fn
    return register

def bundle(*certs): return b"".join(c.pem() for c in certs)

def S(message, certfile, cafile, content=CONTENT, extra_files=None):
    return {"message": message, "certfile": certfile, "cafile": cafile, "content": content,
            "extra": extra_files or {}}

def basic(signer_cert=None, opts=("-nocerts", "-noattr"), ca=None, certfile=None, content=CONTENT, **kw):
    signer_cert = signer_cert or leaf()
    msg = openssl_sign(signer_cert, content, opts, **kw)
    return S(msg, certfile if certfile is not None else signer_cert.pem(), ca if ca is not None else ROOT.pem(), content)

# ---------------------------------------------------------------- algorithms

for bits_ in (1024, 2048, 3072, 4096):
    scenario(f"alg-rsa{bits_}", "algorithm", f"RSA-{bits_} signer, PKCS#1 v1.5, SHA-256, no attributes")(
        lambda b=bits_: basic(leaf(key=Key("rsa", b))))
for h in ("sha1", "sha224", "sha256", "sha384", "sha512"):
    scenario(f"alg-digest-{h}", "algorithm", f"CMS digest {h} with signed attributes")(
        lambda h=h: basic(opts=("-nocerts", "-md", h)))
scenario("E17-rsa-pss", "algorithm", "RSASSA-PSS SignerInfo with signed attributes")(
    lambda: basic(opts=("-nocerts", "-keyopt", "rsa_padding_mode:pss")))
scenario("E17b-rsa-pss-noattr", "algorithm", "RSASSA-PSS SignerInfo without signed attributes")(
    lambda: basic(opts=("-nocerts", "-noattr", "-keyopt", "rsa_padding_mode:pss")))
scenario("E13-ecdsa-p256", "algorithm", "ECDSA P-256 signer (leaf KU digitalSignature), SHA-256")(
    lambda: basic(leaf(key=Key("p256")), opts=("-nocerts",)))
scenario("alg-ecdsa-p384", "algorithm", "ECDSA P-384 signer, SHA-384, no attributes")(
    lambda: basic(leaf(key=Key("p384")), opts=("-nocerts", "-noattr", "-md", "sha384")))
scenario("alg-ecdsa-p521", "algorithm", "ECDSA P-521 signer, SHA-512, with attributes")(
    lambda: basic(leaf(key=Key("p521")), opts=("-nocerts", "-md", "sha512")))

def ed25519_case(with_attrs):
    cert = leaf(key=Key("ed25519"))
    msg = signed_data([Signer(cert, "sha512", "default" if with_attrs else None)])
    return S(pem_wrap(msg), cert.pem(), ROOT.pem())
scenario("E20-ed25519-attrs", "difference", "Ed25519 signer per RFC 8419 with signed attributes (SHA-512)")(
    lambda: ed25519_case(True))
scenario("E20b-ed25519-noattr", "difference", "Ed25519 signer per RFC 8419 without signed attributes")(
    lambda: ed25519_case(False))

def chain_signed_with(how, root_key=None):
    rk = root_key or Key()
    root = Cert(name(("CN", f"Root {how}")), rk, exts=ca_exts(rk), sig=how if rk.kind == "rsa" or how == "ed25519" or how.startswith("ecdsa") else None)
    lk = Key()
    cert = Cert(name(("CN", f"Signer under {how}")), lk, root, exts=leaf_exts(lk, rk), sig=how)
    return basic(cert, ca=root.pem())
for how in ("sha1WithRSA", "sha384WithRSA", "sha512WithRSA"):
    scenario(f"alg-cert-{how}", "algorithm", f"certificates signed with {how}")(lambda h=how: chain_signed_with(h))
scenario("Q1-cert-pss", "algorithm", "signer certificate signed by the RSA root with RSASSA-PSS")(
    lambda: chain_signed_with("pss"))
scenario("Q2-cert-ecdsa", "algorithm", "RSA signer certificate issued by an ECDSA P-256 root")(
    lambda: chain_signed_with("ecdsa-sha256", Key("p256")))
scenario("Q2b-cert-ecdsa-p384", "algorithm", "RSA signer certificate issued by an ECDSA P-384 root (ecdsa-with-SHA384)")(
    lambda: chain_signed_with("ecdsa-sha384", Key("p384")))
scenario("Q2c-cert-ecdsa-p521", "algorithm", "RSA signer certificate issued by an ECDSA P-521 root (ecdsa-with-SHA512)")(
    lambda: chain_signed_with("ecdsa-sha512", Key("p521")))
scenario("E21-cert-ed25519", "algorithm", "RSA signer certificate issued by an Ed25519 root")(
    lambda: chain_signed_with("ed25519", Key("ed25519")))
scenario("E18-dsa-signer", "difference", "DSA-2048 signer (OpenSSL accepts; cmsverify refuses DSA)")(
    lambda: basic(leaf(key=Key("dsa"))))
class UnusableKey:
    """An ML-DSA-44 (FIPS 204) key: neither OpenSSL 3.0 nor cmsverify verifies
    with it. Random key bytes and random signatures."""
    kind = "mldsa44"

    def __init__(self):
        self.spki = seq(alg("mldsa44"), bitstring(bytes(range(256)) * 5 + bytes(32)))
        self.skid = hashlib.sha1(self.spki).digest()

    def default_sig(self):
        return "mldsa44"

    def sign(self, data, how):
        return hashlib.sha512(data).digest() * 37 + bytes(52)

def root_with_key(rk):
    """A CAfile root with key `rk` issuing an RSA signer: the root's key decides."""
    root = Cert(name(("CN", f"Root {rk.kind}")), rk, exts=ca_exts(rk))
    lk = Key()
    cert = Cert(name(("CN", f"Signer under {rk.kind}")), lk, root, exts=leaf_exts(lk, rk))
    return basic(cert, ca=root.pem())
scenario("E18b-dsa-root", "difference", "RSA signer issued by a DSA-2048 root in the CAfile (OpenSSL accepts; cmsverify refuses DSA and says the root's key is the reason)")(
    lambda: root_with_key(Key("dsa")))
scenario("E18c-mldsa-root", "algorithm", "RSA signer issued by an ML-DSA-44 root in the CAfile: neither verifies with it; the reason names the root's key")(
    lambda: root_with_key(UnusableKey()))
scenario("E18d-ecdsa-brainpool-signer", "difference", "ECDSA signer on brainpoolP256r1 (OpenSSL accepts; cmsverify verifies P-256, P-384 and P-521 only)")(
    lambda: basic(leaf(key=Key("brainpoolP256r1"))))
scenario("E11-rsa512-signer", "difference", "RSA-512 signer (OpenSSL accepts; cmsverify's policy refuses < 1024 bits)")(
    lambda: basic(leaf(key=Key("rsa", 512))))
scenario("E12b-md5-digest", "difference", "MD5 CMS digest (OpenSSL accepts; cmsverify refuses MD5)")(
    lambda: basic(opts=("-nocerts", "-md", "md5")))
scenario("E12-md5-cert", "difference", "signer certificate signed with md5WithRSA")(
    lambda: chain_signed_with("md5WithRSA"))

# ---------------------------------------------------------------- message shapes

scenario("A01-baseline-attrs", "shape", "baseline: signed attributes, signer in certfile")(
    lambda: basic(opts=("-nocerts",)))
scenario("G27-noattr", "shape", "keystoneclient's shape: -noattr -nocerts")(lambda: basic())
scenario("A07-embedded-signer", "shape", "signer certificate embedded, certfile holds an unrelated certificate")(
    lambda: basic(opts=("-noattr",), certfile=leaf(cn="Unrelated").pem()))
scenario("F27-skid-sid", "shape", "subjectKeyIdentifier signer id (-keyid)")(
    lambda: basic(opts=("-nocerts", "-keyid")))
scenario("G19-ber-stream", "shape", "BER indefinite lengths from -stream")(
    lambda: basic(opts=("-nocerts", "-stream")))

def two_signers(second_ok=True, second_known=True, second_root_trusted=True):
    a = leaf(cn="Signer A")
    other_root_key = Key()
    other_root = Cert(name(("CN", "Other Root")), other_root_key, exts=ca_exts(other_root_key))
    b = leaf(cn="Signer B", issuer=ROOT if second_root_trusted else other_root)
    sig_bytes = None if second_ok else (lambda s: bytes(len(s)))
    msg = signed_data([Signer(a, attrs=None), Signer(b, attrs=None, sig_bytes=sig_bytes)])
    return S(pem_wrap(msg), bundle(a, b) if second_known else a.pem(), ROOT.pem())
scenario("A11-two-signers", "shape", "two SignerInfos, both signers in certfile")(lambda: two_signers())
scenario("A11b-second-signer-unknown", "shape", "two SignerInfos, second signer certificate nowhere")(
    lambda: two_signers(second_known=False))
scenario("A11c-second-signer-untrusted", "shape", "two SignerInfos, second chains to a root not in CAfile")(
    lambda: two_signers(second_root_trusted=False))
scenario("A11d-second-signature-garbage", "shape", "two SignerInfos, second signature is zero bytes")(
    lambda: two_signers(second_ok=False))
scenario("G22-empty-content", "shape", "empty content signed by openssl")(lambda: basic(content=b""))
scenario("shape-1mb-content", "shape", "1 MB of content (deterministic pattern)")(
    lambda: basic(content=bytes((i * 7 + i // 256) % 256 for i in range(1 << 20))))
scenario("G21-econtent-tstinfo", "shape", "eContentType id-ct-TSTInfo via -econtent_type")(
    lambda: basic(opts=("-nocerts", "-econtent_type", "1.2.840.113549.1.9.16.1.4")))
scenario("G20-detached", "shape", "detached signature: no eContent")(
    lambda: basic(opts=("-nocerts", "-detached")))

def crafted(signers=None, **kw):
    cert = leaf()
    msg = signed_data(signers(cert) if signers else [Signer(cert)], **kw)
    return S(pem_wrap(msg), cert.pem(), ROOT.pem())
scenario("F28-zero-signers", "shape", "SignedData with zero SignerInfos")(
    lambda: crafted(lambda c: [], digest_algs=["sha256"]))
scenario("F34-version-99", "shape", "SignedData.version 99 (not checked)")(lambda: crafted(version=99))
scenario("F30-empty-econtent", "shape", "present but empty eContent")(
    lambda: S(pem_wrap(signed_data([Signer(c := leaf())], content=b"")), c.pem(), ROOT.pem(), b""))
scenario("F31-econtent-type-other", "shape", "eContentType 1.2.3.4 with matching contentType attribute")(
    lambda: crafted(econtent_type="O1234") if False else crafted_econtent())

# Digest algorithms named by a signature-algorithm OID: OpenSSL's EVP_get_digestbyobj
# resolves sha256WithRSAEncryption to SHA-256 (EVP_add_digest_alias), so both verify.
RSA_SHA256_AS_DIGEST = seq(oid(OIDS["sha256WithRSA"]), null())
scenario("F40-digest-alias-signerinfo", "shape", "SignerInfo.digestAlgorithm and digestAlgorithms are sha256WithRSAEncryption (an alias OpenSSL resolves to SHA-256)")(
    lambda: crafted(lambda c: [Signer(c, digest_alg=RSA_SHA256_AS_DIGEST)], digest_algs=[RSA_SHA256_AS_DIGEST]))
scenario("F40b-digest-alias-set-only", "shape", "digestAlgorithms holds sha256WithRSAEncryption, the SignerInfo says sha256 (as Azure attested data)")(
    lambda: crafted(digest_algs=[RSA_SHA256_AS_DIGEST]))
scenario("F40c-digest-alias-signerinfo-only", "shape", "SignerInfo.digestAlgorithm is sha256WithRSAEncryption, digestAlgorithms says sha256 (OpenSSL matches the digest's pkey_type)")(
    lambda: crafted(lambda c: [Signer(c, digest_alg=RSA_SHA256_AS_DIGEST)], digest_algs=["sha256"]))

# SHA-3 signature OIDs: OpenSSL 3.0's obj_xref.txt lists RSA PKCS#1 v1.5 with
# SHA3-224..512 (certificates and SignerInfos; each is also an alias of its
# digest, like sha256WithRSAEncryption), not ECDSA with SHA-3: a certificate so
# signed has no issuer, while a SignerInfo's EC algorithm OID is not examined.
RSA_SHA3_256_AS_DIGEST = seq(oid(OIDS["sha3-256WithRSA"]), null())
scenario("Y01-signer-rsa-sha3-256", "algorithm", "SignerInfo signed with id-rsassa-pkcs1-v1_5-with-sha3-256, digest SHA3-256, signed attributes")(
    lambda: crafted(lambda c: [Signer(c, h="sha3-256", sig_alg="sha3-256WithRSA")]))
scenario("Y01b-signer-rsa-sha3-oid-sha256-digest", "algorithm", "SignerInfo algorithm RSA-SHA3-384 over a SHA-256 digest (OpenSSL ignores an RSA OID's hash)")(
    lambda: crafted(lambda c: [Signer(c, sig_alg="sha3-384WithRSA")]))
scenario("Y01c-cert-rsa-sha3-256", "algorithm", "signer certificate signed by the RSA root with id-rsassa-pkcs1-v1_5-with-sha3-256")(
    lambda: chain_signed_with("sha3-256WithRSA"))
scenario("Y01d-cert-ecdsa-sha3-256", "algorithm", "RSA signer certificate issued by a P-256 root with id-ecdsa-with-sha3-256, which OpenSSL 3.0's obj_xref.txt lacks: no issuer")(
    lambda: chain_signed_with_claim(Key("p256"), "ecdsa-sha3-256", alg("ecdsa-sha3-256")))
scenario("Y01e-signer-ecdsa-sha3-256", "algorithm", "P-256 SignerInfo with digest SHA3-256 and id-ecdsa-with-sha3-256")(
    lambda: S(pem_wrap(signed_data([Signer(c := leaf(key=Key("p256")), h="sha3-256", sig_alg="ecdsa-sha3-256")])),
              c.pem(), ROOT.pem()))
scenario("Y01f-digest-alias-rsa-sha3-256", "shape", "digestAlgorithms and SignerInfo.digestAlgorithm are id-rsassa-pkcs1-v1_5-with-sha3-256 (an alias of SHA3-256)")(
    lambda: crafted(lambda c: [Signer(c, h="sha3-256", digest_alg=RSA_SHA3_256_AS_DIGEST)],
                    digest_algs=[RSA_SHA3_256_AS_DIGEST]))
scenario("Y01g-cert-rsa-sha3-by-ec-root", "algorithm", "certificate claiming id-rsassa-pkcs1-v1_5-with-sha3-256 under a P-256 root (the OID does not fit the key)")(
    lambda: chain_signed_with_claim(Key("p256"), "ecdsa-sha3-256", alg("sha3-256WithRSA", null())))

def chain_signed_with_claim(rk, how, claimed):
    """A signer certificate signed as `how` by root key `rk` but labelled `claimed`."""
    root = Cert(name(("CN", "Root claim")), rk, exts=ca_exts(rk))
    lk = Key()
    cert = Cert(name(("CN", "Signer with a claimed algorithm")), lk, root, exts=leaf_exts(lk, rk), sig=how, tbs_alg=claimed)
    return basic(cert, ca=root.pem())

# RSASSA-PSS whose MGF1 hash differs from the message hash: OpenSSL 3.0 sets
# them apart (rsa_ameth.c: ossl_rsa_pss_to_ctx sets the MGF1 digest from the
# parameters; only the PSS hash must equal a SignerInfo's digest).
scenario("Q3-signer-pss-mgf1-sha1", "algorithm", "PSS SignerInfo: hash SHA-256 (the digest), MGF1 with SHA-1")(
    lambda: crafted(lambda c: [Signer(c, sig_alg="pss", pss_mgf="sha1")]))
scenario("Q3b-signer-pss-mgf1-sha512-noattr", "algorithm", "PSS SignerInfo without attributes: hash SHA-256, MGF1 with SHA-512")(
    lambda: crafted(lambda c: [Signer(c, sig_alg="pss", pss_mgf="sha512", attrs=None)]))
scenario("Q3c-cert-pss-mgf1-sha384", "algorithm", "signer certificate signed with PSS: hash SHA-256, MGF1 with SHA-384")(
    lambda: chain_signed_with("pss:sha256:sha384"))
scenario("Q3d-signer-pss-hash-not-digest", "algorithm", "PSS SignerInfo whose PSS hash (SHA-384) differs from its digest (SHA-256): OpenSSL refuses")(
    lambda: pss_hash_not_digest())

def pss_with(*fields):
    """A PSS SignerInfo (SHA-256, MGF1-SHA-256, salt 32) whose parameters are `fields`."""
    return crafted(lambda c: [Signer(c, sig_alg="pss", pss_params_der=seq(*fields))])
PSS_HASH = ctx(0, alg("sha256", null()))
PSS_MGF = ctx(1, seq(oid(OIDS["mgf1"]), alg("sha256", null())))
scenario("Q3e-signer-pss-salt-over-32-bits", "algorithm", "PSS salt length 2^32 + 32: OpenSSL keeps it in an int (ossl_rsa_pss_get_param_unverified), so it reads 32")(
    lambda: pss_with(PSS_HASH, PSS_MGF, ctx(2, tlv(0x02, b"\x01\x00\x00\x00\x20"))))
scenario("Q3f-signer-pss-salt-negative", "algorithm", "PSS salt length -1: invalid salt length")(
    lambda: pss_with(PSS_HASH, PSS_MGF, ctx(2, tlv(0x02, b"\xff"))))
scenario("Q3g-signer-pss-trailer-2", "algorithm", "PSS trailerField 2: OpenSSL takes only 1")(
    lambda: pss_with(PSS_HASH, PSS_MGF, ctx(2, integer(32)), ctx(3, integer(2))))
scenario("Q3h-signer-pss-trailer-1", "algorithm", "PSS with an explicit trailerField 1")(
    lambda: pss_with(PSS_HASH, PSS_MGF, ctx(2, integer(32)), ctx(3, integer(1))))
scenario("Q3j-signer-pss-trailer-over-32-bits", "algorithm", "PSS trailerField 2^32 + 1: read into an int, so 1")(
    lambda: pss_with(PSS_HASH, PSS_MGF, ctx(2, integer(32)), ctx(3, tlv(0x02, b"\x01\x00\x00\x00\x01"))))
scenario("Q3k-signer-pss-salt-2-31", "algorithm", "PSS salt length 2^31: a negative int for OpenSSL, invalid")(
    lambda: pss_with(PSS_HASH, PSS_MGF, ctx(2, tlv(0x02, b"\x00\x80\x00\x00\x00"))))
scenario("Q3i-signer-pss-salt-256", "algorithm", "PSS salt length 256 (two octets) where the signature has 32: the salt length is read whole")(
    lambda: pss_with(PSS_HASH, PSS_MGF, ctx(2, integer(256))))

# A SET OF / SEQUENCE OF in primitive form: not BER (X.690 8.10, 8.12: always
# constructed), but OpenSSL's template decoder (tasn_dec.c,
# asn1_template_noexp_d2i) does not check the constructed bit of SET OF and
# SEQUENCE OF, so it reads them. cmsverify refuses them as malformed
# (compatibility item 14).
def primitive_collection(where):
    cert = leaf()
    der = signed_data([Signer(cert)])
    if where == "digestAlgorithms":
        old = set_(alg("sha256"))
        new = b"\x11" + old[1:]
    else:  # signedAttrs: [0] IMPLICIT SET OF as 0x80
        at = der.index(ctx(0, b"".join([attribute("contentType", oid(OIDS["data"])),
                                         attribute("messageDigest", octet(digest("sha256", CONTENT)))]))[:4])
        old = der[at:at + 4]
        new = b"\x80" + old[1:]
    assert der.count(old) == 1
    return S(pem_wrap(der.replace(old, new)), cert.pem(), ROOT.pem())
scenario("W01-digest-algorithms-primitive", "difference", "digestAlgorithms SET OF in primitive form (0x11): OpenSSL reads it, cmsverify refuses it as not BER")(
    lambda: primitive_collection("digestAlgorithms"))
scenario("W01b-signed-attrs-primitive", "difference", "signedAttrs [0] IMPLICIT SET OF in primitive form (0x80)")(
    lambda: primitive_collection("signedAttrs"))
scenario("W01c-cert-extensions-primitive", "difference", "signer certificate whose extensions SEQUENCE OF is primitive (0x10 inside [3])")(
    lambda: basic(Cert(name(("CN", "Primitive Extensions")), (k := Key()), ROOT, exts=leaf_exts(k, ROOT_KEY), exts_tag=0x10)))

def pss_hash_not_digest():
    cert = leaf()
    sg = Signer(cert, sig_alg="pss")
    der = signed_data([sg])
    # Relabel the PSS hash: SHA-384 where the signature used SHA-256.
    old, new = pss_params("sha256"), pss_params("sha384", mgf="sha256")
    assert der.count(old) == 1
    return S(pem_wrap(der.replace(old, new)), cert.pem(), ROOT.pem())

def odd_anchor(**root_kw):
    """A CAfile root whose algorithm identifiers are odd; OpenSSL never checks
    an anchor's own signature, but `check_sig_alg_match` reads its TBS one."""
    rk = Key()
    root = Cert(name(("CN", "Odd Root")), rk, exts=ca_exts(rk), **root_kw)
    lk = Key()
    cert = Cert(name(("CN", "Signer under an odd root")), lk, root, exts=leaf_exts(lk, rk))
    return basic(cert, ca=root.pem())
scenario("P21-anchor-outer-alg-rsaencryption", "chain", "CAfile root whose outer signatureAlgorithm (rsaEncryption) differs from its TBS one: anchors' signatures are not checked, so OpenSSL accepts")(
    lambda: odd_anchor(outer_alg=seq(oid(OIDS["rsaEncryption"]), null())))
scenario("P21b-anchor-tbs-alg-not-its-key", "chain", "RSA CAfile root whose TBS (and outer) signatureAlgorithm is ecdsa-with-SHA256: not self-signed for OpenSSL (check_sig_alg_match), so no anchor")(
    lambda: odd_anchor(tbs_alg=alg("ecdsa-sha256")))

def flip_middle(sig):
    """The signature with one bit of a middle byte flipped: same length, same DER shape."""
    i = len(sig) // 2
    return sig[:i] + bytes([sig[i] ^ 0x01]) + sig[i + 1:]

def bad_signer_signature(kind, h):
    cert = leaf(key=Key(kind))
    msg = signed_data([Signer(cert, h, sig_bytes=flip_middle)])
    return S(pem_wrap(msg), cert.pem(), ROOT.pem())
scenario("S01-ecdsa-p256-signature-altered", "algorithm", "ECDSA P-256 signer whose signature has one bit flipped")(
    lambda: bad_signer_signature("p256", "sha256"))
scenario("S01b-ecdsa-p384-signature-altered", "algorithm", "ECDSA P-384 signer whose signature has one bit flipped")(
    lambda: bad_signer_signature("p384", "sha384"))
scenario("S01c-ecdsa-p521-signature-altered", "algorithm", "ECDSA P-521 signer whose signature has one bit flipped")(
    lambda: bad_signer_signature("p521", "sha512"))
scenario("S01d-ed25519-signature-altered", "algorithm", "Ed25519 signer whose signature has one bit flipped (OpenSSL 3.0 refuses Ed25519 in CMS anyway)")(
    lambda: bad_signer_signature("ed25519", "sha512"))

def bad_cert_signature(kind, how):
    rk = Key(kind)
    root = Cert(name(("CN", f"Root {kind}")), rk, exts=ca_exts(rk), sig=how)
    lk = Key()
    cert = Cert(name(("CN", f"Signer under {kind}")), lk, root, exts=leaf_exts(lk, rk), sig=how,
                corrupt_sig=True)
    return basic(cert, ca=root.pem())
scenario("S02-cert-ecdsa-p256-altered", "algorithm", "signer certificate issued by a P-256 root, its signature altered")(
    lambda: bad_cert_signature("p256", "ecdsa-sha256"))
scenario("S02b-cert-ecdsa-p384-altered", "algorithm", "signer certificate issued by a P-384 root, its signature altered")(
    lambda: bad_cert_signature("p384", "ecdsa-sha384"))
scenario("S02c-cert-ecdsa-p521-altered", "algorithm", "signer certificate issued by a P-521 root, its signature altered")(
    lambda: bad_cert_signature("p521", "ecdsa-sha512"))
scenario("S02d-cert-ed25519-altered", "algorithm", "signer certificate issued by an Ed25519 root, its signature altered")(
    lambda: bad_cert_signature("ed25519", "ed25519"))

def attrs_unsorted(sign_over_der):
    """Signed attributes whose last attribute has two values out of DER order.
    OpenSSL verifies over its own DER re-encoding (values sorted), so a
    signature over the bytes as sent fails and one over the sorted form verifies."""
    cert = leaf()
    first, second = octet(b"bb"), octet(b"a")  # DER order: 04 01 61 before 04 02 62 62
    assert second < first
    odd = seq(oid("1.2.3.4.5"), tlv(0x31, first + second))
    odd_der = seq(oid("1.2.3.4.5"), tlv(0x31, second + first))
    base = [attribute("contentType", oid(OIDS["data"])),
            attribute("messageDigest", octet(digest("sha256", CONTENT)))]
    sent = b"".join(base) + odd
    override = tlv(0x31, b"".join(base) + odd_der) if sign_over_der else None
    msg = signed_data([Signer(cert, attrs_encoded=sent, sign_override=override)])
    return S(pem_wrap(msg), cert.pem(), ROOT.pem())
OIDS["1.2.3.4.5"] = "1.2.3.4.5"
scenario("F41-attr-values-unsorted-signed-as-sent", "shape", "an attribute's SET OF values out of DER order, signature over the bytes as sent (OpenSSL re-encodes: refuses)")(
    lambda: attrs_unsorted(False))
scenario("F41b-attr-values-unsorted-signed-over-der", "shape", "an attribute's SET OF values out of DER order, signature over the DER re-encoding (OpenSSL accepts)")(
    lambda: attrs_unsorted(True))

def attrs_order_swapped():
    """Attributes (the outer SET OF) out of DER order, signed as sent."""
    cert = leaf()
    md = attribute("messageDigest", octet(digest("sha256", CONTENT)))
    ct = attribute("contentType", oid(OIDS["data"]))
    first, second = (md, ct) if md > ct else (ct, md)
    msg = signed_data([Signer(cert, attrs_encoded=first + second)])
    return S(pem_wrap(msg), cert.pem(), ROOT.pem())
scenario("F41c-attrs-out-of-order-signed-as-sent", "shape", "signed attributes out of DER SET OF order, signature over the bytes as sent")(
    attrs_order_swapped)

def crafted_econtent():
    OIDS["O1234"] = "1.2.3.4"
    return crafted(econtent_type="O1234")

def constructed_econtent():
    cert = leaf()
    der = signed_data([Signer(cert, attrs=None)])
    # Replace the primitive eContent OCTET STRING with a constructed, indefinite one (BER).
    prim = ctx(0, octet(CONTENT))
    ber = b"\xa0\x80" + b"\x24\x80" + octet(CONTENT[:5]) + octet(CONTENT[5:]) + b"\x00\x00" + b"\x00\x00"
    assert der.count(prim) == 1
    der = der.replace(prim, ber)
    # Outer lengths change: re-wrap with indefinite lengths.
    inner = der  # ContentInfo SEQUENCE with now-wrong lengths; rebuild properly instead
    sd_items = signed_data([Signer(cert, attrs=None)])
    return S(pem_wrap(rebuild_with_ber_econtent(cert)), cert.pem(), ROOT.pem())

def rebuild_with_ber_econtent(cert):
    signer = Signer(cert, attrs=None)
    encap = b"\x30\x80" + oid(OIDS["data"]) + b"\xa0\x80\x24\x80" + octet(CONTENT[:5]) + octet(CONTENT[5:]) + b"\x00\x00\x00\x00\x00\x00"
    sd = b"\x30\x80" + integer(1) + set_(alg("sha256")) + encap + set_(signer.encode(CONTENT)) + b"\x00\x00"
    return b"\x30\x80" + oid(OIDS["signedData"]) + b"\xa0\x80" + sd + b"\x00\x00\x00\x00"
scenario("F33-constructed-econtent", "shape", "eContent as a constructed indefinite-length OCTET STRING")(
    lambda: S(pem_wrap(rebuild_with_ber_econtent(c := leaf())), c.pem(), ROOT.pem()))
scenario("G23-id-data", "shape", "a ContentInfo of type id-data (not SignedData)")(
    lambda: S(pem_wrap(seq(oid(OIDS["data"]), ctx(0, octet(CONTENT)))), leaf().pem(), ROOT.pem()))
OIDS["digestedData"] = "1.2.840.113549.1.7.5"
scenario("G23b-digested-data-label", "difference", "a SignedData labelled digestedData: OpenSSL cannot parse it as DigestedData (2), cmsverify says it is not SignedData (4)")(
    lambda: S(pem_wrap(signed_data([Signer(c := leaf())], content_type="digestedData")), c.pem(), ROOT.pem()))
scenario("G29-smime-pkcs7", "shape", "PKCS7 label from openssl smime -sign -nodetach")(
    lambda: smime_case())

def smime_case():
    cert = leaf()
    with tempfile.TemporaryDirectory() as t:
        t = Path(t)
        (t / "c").write_bytes(cert.pem()); (t / "k").write_bytes(cert.key.pem()); (t / "in").write_bytes(CONTENT)
        out = subprocess.run(["openssl", "smime", "-sign", "-nodetach", "-binary", "-outform", "PEM", "-signer",
                              t / "c", "-inkey", t / "k", "-in", t / "in"], check=True, capture_output=True).stdout
    return S(out, cert.pem(), ROOT.pem())

# ---------------------------------------------------------------- signer purposes

def purpose(ku_names=("digitalSignature",), eku_names=("emailProtection",), extra=(), exts=None):
    k = Key()
    exts = exts if exts is not None else leaf_exts(k, ROOT_KEY, ku_names, eku_names, extra)
    return basic(Cert(name(("CN", "Purpose Signer")), k, ROOT, exts=exts))
for sid_, ku_, eku_, d in [
    ("B01-eku-serverauth", ("digitalSignature",), ("serverAuth",), "leaf EKU serverAuth only"),
    ("B02-eku-any", ("digitalSignature",), ("anyEKU",), "leaf EKU anyExtendedKeyUsage only"),
    ("B03-eku-server-email", ("digitalSignature",), ("serverAuth", "emailProtection"), "leaf EKU serverAuth + emailProtection"),
    ("B04-eku-any-email", ("digitalSignature",), ("anyEKU", "emailProtection"), "leaf EKU anyEKU + emailProtection"),
    ("B05-no-eku", ("digitalSignature",), None, "leaf without EKU (KU digitalSignature)"),
    ("B06-no-ku-no-eku", None, None, "leaf with neither KU nor EKU"),
    ("B07-ku-keyencipherment", ("keyEncipherment",), ("emailProtection",), "leaf KU keyEncipherment only"),
    ("B08-ku-nonrepudiation", ("nonRepudiation",), ("emailProtection",), "leaf KU nonRepudiation only"),
    ("B09-ku-keycertsign", ("keyCertSign",), ("emailProtection",), "leaf KU keyCertSign only"),
    ("B10-ku-keyagreement", ("keyAgreement",), ("emailProtection",), "leaf KU keyAgreement only"),
    ("B24-eku-codesign-timestamp", ("digitalSignature",), ("codeSigning", "timeStamping"), "leaf EKU codeSigning + timeStamping"),
    ("B25-eku-clientauth", ("digitalSignature",), ("clientAuth",), "leaf EKU clientAuth only"),
]:
    scenario(sid_, "purpose", d)(lambda k=ku_, e=eku_: purpose(k, e))
OIDS["unknownEKU"] = "1.3.6.1.4.1.55555.9"
scenario("B26-eku-unknown", "purpose", "leaf EKU unknown OID only")(lambda: purpose(eku_names=("unknownEKU",)))
for sid_, ns_, d in [("B11-ns-server", ("server",), "nsCertType SSL server only"),
                     ("B12-ns-client", ("client",), "nsCertType SSL client only (workaround)"),
                     ("B13-ns-smime", ("smime",), "nsCertType S/MIME"),
                     ("B14-ns-objsign", ("objsign",), "nsCertType object signing only")]:
    scenario(sid_, "purpose", d)(lambda n=ns_: purpose(eku_names=None, extra=[ext("nsCertType", ns(*n))]))
scenario("B15-ca-leaf", "purpose", "leaf with basicConstraints CA:TRUE and KU digitalSignature,keyCertSign")(
    lambda: purpose(("digitalSignature", "keyCertSign"), extra=[ext("bc", bc(True), True)]))
scenario("B16-leaf-bc-false", "purpose", "leaf basicConstraints CA:FALSE critical")(
    lambda: purpose(extra=[ext("bc", bc(False), True)]))
OIDS["unknownExt"] = "1.3.6.1.4.1.55555.1"
scenario("B17-unknown-critical", "purpose", "leaf with an unknown critical extension")(
    lambda: purpose(extra=[ext("unknownExt", octet(b"x"), True)]))
scenario("B18-unknown-noncritical", "purpose", "leaf with an unknown non-critical extension")(
    lambda: purpose(extra=[ext("unknownExt", octet(b"x"), False)]))
scenario("B20-critical-policies", "purpose", "leaf with critical certificatePolicies anyPolicy")(
    lambda: purpose(extra=[ext("policies", seq(seq(oid("2.5.29.32.0"))), True)]))
scenario("B21-empty-ku", "purpose", "leaf with an empty keyUsage BIT STRING (invalid extension)")(
    lambda: purpose(exts=None, ku_names=(), eku_names=("emailProtection",)))
scenario("B27-v1-leaf", "purpose", "v1 leaf certificate without extensions")(
    lambda: basic(Cert(name(("CN", "V1 Signer")), Key(), ROOT, version=1)))

def critical_leaf(which):
    k = Key()
    exts = [ext("ku", ku("digitalSignature"), True), ext("eku", eku("emailProtection")),
            ext("skid", octet(k.skid), which == "skid"), ext("akid", seq(ctx(0, ROOT_KEY.skid, False)), which == "akid")]
    if which == "ian":
        exts.append(ext("ian", seq(tlv(0x81, b"ca@example.com")), True))
    return basic(Cert(name(("CN", "Critical Signer")), k, ROOT, exts=exts))
scenario("N01-critical-skid", "purpose", "leaf subjectKeyIdentifier marked critical")(lambda: critical_leaf("skid"))
scenario("N02-critical-akid", "purpose", "leaf authorityKeyIdentifier marked critical")(lambda: critical_leaf("akid"))
scenario("N03-critical-ian", "purpose", "leaf issuerAltName marked critical")(lambda: critical_leaf("ian"))

# ---------------------------------------------------------------- chains

def chain(inter=None, root=None, embed=(), certfile_extra=(), cafile=None, leaf_cert=None):
    inter = inter or INTER
    root = root or ROOT
    lc = leaf_cert or leaf(issuer=inter)
    msg = openssl_sign(lc, CONTENT, ("-noattr", "-nocerts") if not embed else ("-noattr",),
                       extra_certs=embed)
    if embed:
        # -certfile adds the extra certificates; the signer certificate is embedded too.
        pass
    ca = cafile if cafile is not None else root.pem()
    return S(msg, bundle(lc, *certfile_extra), ca)

scenario("A02-intermediate-embedded", "chain", "leaf<-intermediate<-root, intermediate embedded")(
    lambda: chain(embed=[INTER]))
scenario("A03-intermediate-in-certfile", "difference", "intermediate only in certfile (OpenSSL 3.0 ignores certfile for chains)")(
    lambda: chain(certfile_extra=[INTER]))
scenario("A04-intermediate-in-cafile", "chain", "intermediate and root both in CAfile")(
    lambda: chain(cafile=bundle(ROOT, INTER)))
scenario("A05-cafile-only-intermediate", "chain", "CAfile holds only the (non-self-signed) intermediate")(
    lambda: chain(cafile=INTER.pem()))
scenario("chain-intermediate-missing", "chain", "intermediate nowhere")(lambda: chain())

def bad_inter(exts_fn, **kw):
    k = Key()
    inter = Cert(name(("CN", "Bad Intermediate")), k, ROOT, exts=exts_fn(k), **kw)
    return chain(inter=inter, embed=[inter])
scenario("D02-inter-no-bc", "chain", "intermediate without basicConstraints (KU keyCertSign)")(
    lambda: bad_inter(lambda k: [ext("ku", ku("keyCertSign"), True), ext("skid", octet(k.skid))]))
scenario("D03-inter-ca-false", "chain", "intermediate basicConstraints CA:FALSE")(
    lambda: bad_inter(lambda k: [ext("bc", bc(False), True), ext("ku", ku("keyCertSign"), True), ext("skid", octet(k.skid))]))
scenario("D04-inter-no-keycertsign", "chain", "intermediate KU digitalSignature only, BC CA:TRUE")(
    lambda: bad_inter(lambda k: ca_exts(k, ROOT_KEY, ku_names=("digitalSignature",))))
scenario("D05-inter-eku-server", "chain", "intermediate EKU serverAuth only")(
    lambda: bad_inter(lambda k: ca_exts(k, ROOT_KEY, extra=[ext("eku", eku("serverAuth"))])))
scenario("D06-inter-eku-email", "chain", "intermediate EKU emailProtection")(
    lambda: bad_inter(lambda k: ca_exts(k, ROOT_KEY, extra=[ext("eku", eku("emailProtection"))])))
scenario("D07-inter-eku-any", "chain", "intermediate EKU anyExtendedKeyUsage only")(
    lambda: bad_inter(lambda k: ca_exts(k, ROOT_KEY, extra=[ext("eku", eku("anyEKU"))])))
scenario("D14-inter-pathlen0", "chain", "intermediate pathLenConstraint 0, leaf directly below")(
    lambda: bad_inter(lambda k: ca_exts(k, ROOT_KEY, pathlen=0)))
scenario("D17-inter-bad-signature", "chain", "intermediate's signature corrupted")(
    lambda: bad_inter(lambda k: ca_exts(k, ROOT_KEY), corrupt_sig=True))
scenario("D19-inter-ns-objca", "chain", "intermediate nsCertType objCA only, no basicConstraints")(
    lambda: bad_inter(lambda k: [ext("nsCertType", ns("objCA")), ext("skid", octet(k.skid))]))
scenario("J01-inter-v1", "chain", "v1 intermediate between v3 root and leaf")(
    lambda: chain(inter=(i := Cert(name(("CN", "V1 Intermediate")), Key(), ROOT, version=1)),
                  embed=[i], leaf_cert=Cert(name(("CN", "Signer under v1")), (lk := Key()), i,
                                            exts=[ext("ku", ku("digitalSignature"), True)])))

def bad_root(exts_fn, version=3, **kw):
    k = Key()
    root = Cert(name(("CN", "Odd Root")), k, exts=exts_fn(k) if exts_fn else None, version=version, **kw)
    lk = Key()
    lc = Cert(name(("CN", "Signer under odd root")), lk, root, exts=leaf_exts(lk, k))
    return basic(lc, ca=root.pem())
scenario("D08-root-eku-server", "chain", "root EKU serverAuth only")(
    lambda: bad_root(lambda k: ca_exts(k, extra=[ext("eku", eku("serverAuth"))])))
scenario("D09-root-v1", "chain", "v1 self-signed root without extensions")(lambda: bad_root(None, version=1))
# X.509 versions: OpenSSL 3.0 reads any INTEGER and only tells v1 (0) from the rest.
def versioned_signer(version_der):
    k = Key()
    return basic(Cert(name(("CN", "Versioned Signer")), k, ROOT, exts=leaf_exts(k, ROOT_KEY), version_der=version_der))
scenario("V01-signer-version-4", "chain", "signer certificate version INTEGER 3 (v4): OpenSSL 3.0 uses it")(
    lambda: versioned_signer(integer(3)))
scenario("V01b-signer-version-negative", "chain", "signer certificate version INTEGER -1")(
    lambda: versioned_signer(tlv(0x02, b"\xff")))
scenario("V01c-signer-version-huge", "chain", "signer certificate version INTEGER of 9 octets")(
    lambda: versioned_signer(tlv(0x02, b"\x01" + bytes(8))))
def padded_version_certfile():
    # OpenSSL cannot load the padded certificate, so sign with a v3 twin
    # (same name and key) and give only the padded one as the certfile.
    k = Key()
    signer = Cert(name(("CN", "Versioned Signer")), k, ROOT, exts=leaf_exts(k, ROOT_KEY))
    padded = Cert(name(("CN", "Versioned Signer")), k, ROOT, exts=leaf_exts(k, ROOT_KEY), serial=signer.serial,
                  version_der=tlv(0x02, b"\x00\x03"))
    return basic(signer, certfile=padded.pem())
scenario("V01d-signer-version-padded", "chain", "signer certificate version INTEGER 00 03 (not minimal: no certificate)")(
    padded_version_certfile)
scenario("V01e-inter-version-4", "chain", "CA intermediate certificate version INTEGER 3")(
    lambda: chain(inter=(i := Cert(name(("CN", "V4 Intermediate")), (ik := Key()), ROOT, exts=ca_exts(ik, ROOT_KEY),
                                   version_der=integer(3))),
                  embed=[i], leaf_cert=Cert(name(("CN", "Signer under v4")), (lk := Key()), i, exts=leaf_exts(lk, ik))))
scenario("V01f-root-version-4-no-exts", "chain", "self-signed root version INTEGER 3 without extensions (not v1: no CA)")(
    lambda: bad_root(None, version_der=integer(3)))
scenario("V01g-root-v1-explicit-0", "chain", "self-signed root with an explicit version INTEGER 0, no extensions (a v1 root)")(
    lambda: bad_root(None, version_der=integer(0)))
scenario("D10-root-ku-only", "chain", "v3 root with KU keyCertSign and no basicConstraints")(
    lambda: bad_root(lambda k: [ext("ku", ku("keyCertSign"), True), ext("skid", octet(k.skid))]))
scenario("D11-root-no-bc-no-ku", "chain", "v3 root with neither basicConstraints nor keyUsage")(
    lambda: bad_root(lambda k: [ext("skid", octet(k.skid))]))
scenario("D12-root-ca-false", "chain", "root basicConstraints CA:FALSE")(
    lambda: bad_root(lambda k: [ext("bc", bc(False), True), ext("skid", octet(k.skid))]))
scenario("D15-root-unknown-critical", "chain", "root with an unknown critical extension")(
    lambda: bad_root(lambda k: ca_exts(k, extra=[ext("unknownExt", octet(b"x"), True)])))
scenario("D16-root-bad-self-signature", "chain", "root self-signature corrupted (not checked for anchors)")(
    lambda: bad_root(lambda k: ca_exts(k), corrupt_sig=True))
scenario("D18-root-no-keycertsign", "chain", "root KU digitalSignature only, BC CA:TRUE")(
    lambda: bad_root(lambda k: ca_exts(k, ku_names=("digitalSignature",))))
scenario("D20-root-ns-emailca", "chain", "root nsCertType emailCA only, no BC, no KU")(
    lambda: bad_root(lambda k: [ext("nsCertType", ns("emailCA")), ext("skid", octet(k.skid))]))
scenario("D21-root-ns-sslca", "chain", "root nsCertType sslCA only, no BC, no KU")(
    lambda: bad_root(lambda k: [ext("nsCertType", ns("sslCA")), ext("skid", octet(k.skid))]))

def pathlen_root():
    k = Key()
    root = Cert(name(("CN", "Pathlen0 Root")), k, exts=ca_exts(k, pathlen=0))
    ik = Key()
    inter = Cert(name(("CN", "Below pathlen0")), ik, root, exts=ca_exts(ik, k))
    return chain(inter=inter, root=root, embed=[inter])
scenario("D13-root-pathlen0", "chain", "root pathLenConstraint 0 with one intermediate below")(pathlen_root)

def pathlen_chain(pathlen, intermediates, self_issued_first=False):
    """A root with pathLenConstraint `pathlen` over `intermediates` CAs (the
    first one self-issued, the root's name with another key, if asked)."""
    rk = Key()
    root_name = name(("CN", f"Pathlen{pathlen} Root"))
    root = Cert(root_name, rk, exts=ca_exts(rk, pathlen=pathlen))
    issuer, ik_prev, inters = root, rk, []
    for n in range(intermediates):
        ik = Key()
        subject = root_name if (n == 0 and self_issued_first) else name(("CN", f"Intermediate {n}"))
        inter = Cert(subject, ik, issuer, exts=ca_exts(ik, ik_prev))
        inters.append(inter)
        issuer, ik_prev = inter, ik
    lk = Key()
    leaf_ = Cert(name(("CN", "Signer under pathlen")), lk, issuer, exts=leaf_exts(lk, ik_prev))
    return chain(inter=issuer, root=root, embed=inters, leaf_cert=leaf_)
scenario("D13b-root-pathlen1-one-intermediate", "chain", "root pathLenConstraint 1 with one intermediate below (exactly at the limit)")(
    lambda: pathlen_chain(1, 1))
scenario("D13c-root-pathlen1-two-intermediates", "chain", "root pathLenConstraint 1 with two intermediates below")(
    lambda: pathlen_chain(1, 2))
scenario("D13d-root-pathlen0-self-issued-intermediate", "chain", "root pathLenConstraint 0 over a self-issued intermediate (the root's name, another key): self-issued CAs do not count")(
    lambda: pathlen_chain(0, 1, self_issued_first=True))
scenario("D20b-root-ns-client-only", "chain", "root nsCertType SSL client only, no BC, no KU: no CA bit")(
    lambda: bad_root(lambda k: [ext("nsCertType", ns("client")), ext("skid", octet(k.skid))]))

def shared_name_dsa_and_orphan():
    """The signer's issuer name is shared by a DSA certificate (its key cannot
    have signed) and an RSA CA whose own issuer is nowhere: the reason is the
    RSA CA's missing issuer, found by trying it, not the DSA key."""
    shared = name(("CN", "Shared CA"))
    missing = Cert(name(("CN", "Missing Root")), (mk := Key()), exts=ca_exts(mk))
    xk, lk = Key(), Key()
    x = Cert(shared, xk, missing, exts=ca_exts(xk))
    y = Cert(shared, Key("dsa"), exts=[ext("bc", bc(True), True)])
    lc = Cert(name(("CN", "Signer under a shared name")), lk, x, exts=[ext("ku", ku("digitalSignature"), True)])
    msg = openssl_sign(lc, CONTENT, ("-noattr",), extra_certs=[y, x])
    return S(msg, lc.pem(), ROOT.pem())
scenario("D25b-issuer-name-shared-with-dsa", "chain", "signer's issuer name shared by a DSA certificate and an RSA CA whose issuer is nowhere: the missing issuer is the reason")(
    shared_name_dsa_and_orphan)

def self_signed_signer(ca_is_self=True, eku_names=("emailProtection",)):
    k = Key()
    exts = [ext("ku", ku("digitalSignature"), True), ext("skid", octet(k.skid))]
    if eku_names:
        exts.append(ext("eku", eku(*eku_names)))
    c = Cert(name(("CN", "Self Signed Signer")), k, exts=exts)
    return basic(c, ca=c.pem() if ca_is_self else ROOT.pem())
scenario("E01-self-signed-in-cafile", "chain", "self-signed signer that is itself the CAfile")(self_signed_signer)
scenario("E01b-self-signed-eku-server", "chain", "self-signed signer in CAfile with EKU serverAuth")(
    lambda: self_signed_signer(eku_names=("serverAuth",)))
scenario("E02-self-signed-untrusted", "chain", "self-signed signer, CAfile an unrelated root")(
    lambda: self_signed_signer(ca_is_self=False))
scenario("E03-signer-in-cafile", "chain", "non-self-signed signer itself in CAfile, root absent")(
    lambda: basic(c := leaf(), ca=c.pem()))

def name_variant(order_swapped):
    k = Key()
    if order_swapped:
        iss = name(("CN", "Test Root CA"), ("O", "cmsverify tests"))
    else:
        iss = seq(set_(seq(oid(OIDS["O"]), tlv(0x13, b"CMSVERIFY   TESTS"))),
                  set_(seq(oid(OIDS["CN"]), tlv(0x13, b"  test root ca "))))
    fake_issuer = type("I", (), {"subject": iss, "key": ROOT_KEY})()
    c = Cert(name(("CN", "Name Variant Signer")), k, fake_issuer, exts=leaf_exts(k, ROOT_KEY))
    return basic(c)
scenario("E04-issuer-name-case-space", "chain", "leaf issuer DN differs from root subject by case, spaces, string type")(
    lambda: name_variant(False))
scenario("E04b-issuer-name-order", "chain", "leaf issuer DN has the root's RDNs in another order")(
    lambda: name_variant(True))
scenario("E05-akid-mismatch", "chain", "leaf AKID keyIdentifier does not match the root SKID")(
    lambda: purpose(exts=[ext("ku", ku("digitalSignature"), True), ext("akid", seq(ctx(0, b"\x01" * 20, False)))]))
scenario("E06-no-akid", "chain", "leaf without AKID")(
    lambda: purpose(exts=[ext("ku", ku("digitalSignature"), True), ext("eku", eku("emailProtection"))]))

def embedded_untrusted_root():
    k = Key()
    root = Cert(name(("CN", "Untrusted Root")), k, exts=ca_exts(k))
    ik = Key()
    inter = Cert(name(("CN", "Untrusted Intermediate")), ik, root, exts=ca_exts(ik, k))
    return chain(inter=inter, root=root, embed=[inter, root], cafile=ROOT.pem())
scenario("H02-embedded-untrusted-root", "chain", "message embeds intermediate and its self-signed root; root not in CAfile")(
    embedded_untrusted_root)

def same_name_roots(akid, order_new_first):
    old_k, new_k = Key(), Key()
    subject = name(("CN", "Rotated Root"))
    old = Cert(subject, old_k, exts=ca_exts(old_k))
    new = Cert(subject, new_k, exts=ca_exts(new_k))
    lk = Key()
    exts = leaf_exts(lk, new_k) if akid else [ext("ku", ku("digitalSignature"), True), ext("eku", eku("emailProtection"))]
    lc = Cert(name(("CN", "Signer under rotated root")), lk, new, exts=exts)
    return basic(lc, ca=bundle(new, old) if order_new_first else bundle(old, new))
scenario("H03-same-name-roots-akid", "chain", "CAfile [old root, new root] same DN, leaf has AKID")(
    lambda: same_name_roots(True, False))
scenario("H03b-same-name-roots-no-akid", "difference", "CAfile [old root, new root] same DN, leaf without AKID")(
    lambda: same_name_roots(False, False))
scenario("H03c-same-name-roots-new-first", "chain", "CAfile [new root, old root], leaf without AKID")(
    lambda: same_name_roots(False, True))

def anchor_and_intermediate_same_name():
    """The root and the intermediate it issued share one name, and the signer
    has no AKID: its issuer name names both (difffuzz seed 20261129 case 579439)."""
    rk, ik, lk = Key(), Key(), Key()
    shared = name(("CN", "Shared CA Name"))
    root = Cert(shared, rk, exts=ca_exts(rk))
    inter = Cert(shared, ik, root, exts=ca_exts(ik, rk))
    lc = Cert(name(("CN", "Signer under a shared name")), lk, inter,
              exts=[ext("ku", ku("digitalSignature"), True), ext("eku", eku("emailProtection"))])
    return chain(inter=inter, root=root, embed=[inter], leaf_cert=lc)
scenario("H03d-anchor-and-intermediate-same-name", "difference",
         "root and intermediate share a name, leaf without AKID, intermediate embedded")(
    anchor_and_intermediate_same_name)

# ---------------------------------------------------------------- time

EXPIRED = (0x17, b"240101000000Z")
FUTURE = (0x18, b"21000101000000Z")
scenario("C01-leaf-expired", "time", "leaf expired 2024-01-01")(lambda: basic(leaf(not_after=EXPIRED)))
scenario("C02-leaf-not-yet-valid", "time", "leaf not valid before 2100-01-01")(lambda: basic(leaf(not_before=FUTURE)))
scenario("C03-leaf-2060", "time", "leaf notAfter 2060 (GeneralizedTime)")(
    lambda: basic(leaf(not_after=(0x18, b"20600101000000Z"))))
scenario("C04-leaf-9999", "time", "leaf notAfter 9999-12-31 23:59:59")(
    lambda: basic(leaf(not_after=(0x18, b"99991231235959Z"))))

def root_time(not_before=UTC_2025, not_after=GEN_2125):
    k = Key()
    root = Cert(name(("CN", "Timed Root")), k, exts=ca_exts(k), not_before=not_before, not_after=not_after)
    lk = Key()
    return basic(Cert(name(("CN", "Signer under timed root")), lk, root, exts=leaf_exts(lk, k)), ca=root.pem())
scenario("C06-root-expired", "time", "trust anchor expired")(lambda: root_time(not_after=EXPIRED))
scenario("C08-root-not-yet-valid", "time", "trust anchor not yet valid")(lambda: root_time(not_before=FUTURE))
scenario("C07-intermediate-expired", "time", "embedded intermediate expired")(
    lambda: bad_inter(lambda k: ca_exts(k, ROOT_KEY), not_after=EXPIRED))

def two_roots_one_expired():
    k = Key()
    subject = name(("CN", "Renewed Root"))
    old = Cert(subject, k, exts=ca_exts(k), not_after=EXPIRED)
    new = Cert(subject, k, exts=ca_exts(k))
    lk = Key()
    return basic(Cert(name(("CN", "Signer under renewed root")), lk, new, exts=leaf_exts(lk, k)), ca=bundle(old, new))
scenario("C09-two-roots-one-expired", "time", "CAfile: same root name+key, expired copy first")(two_roots_one_expired)
for sid_, nb, na, d in [
    ("K01-utctime-no-seconds", (0x17, b"2501010000Z"), GEN_2125, "notBefore UTCTime without seconds"),
    ("K02-gentime-fraction", UTC_2025, (0x18, b"21250101000000.5Z"), "notAfter GeneralizedTime with fractional seconds"),
    ("K03-utctime-offset", UTC_2025, (0x17, b"491231000000+0000"), "notAfter UTCTime with +0000 offset"),
    ("K04-gentime-before-2050", (0x18, b"20250101000000Z"), (0x18, b"20490101000000Z"), "both dates GeneralizedTime before 2050"),
    ("K05-gentime-lowercase-z", (0x18, b"20250101000000z"), GEN_2125, "notBefore GeneralizedTime lower-case z"),
]:
    scenario(sid_, "time", d)(lambda nb=nb, na=na: basic(leaf(not_before=nb, not_after=na)))

# ---------------------------------------------------------------- Keystone situations

def stale_same_serial(real_first):
    real = leaf(cn="Keystone Signing")
    impostor_key = Key()
    impostor = Cert(real.subject, impostor_key, ROOT, serial=real.serial, exts=leaf_exts(impostor_key, ROOT_KEY))
    msg = openssl_sign(real, CONTENT, ("-noattr", "-nocerts"))
    return S(msg, bundle(real, impostor) if real_first else bundle(impostor, real), ROOT.pem())
scenario("A10-stale-same-serial-first", "difference", "certfile [impostor with same issuer+serial, real signer]")(
    lambda: stale_same_serial(False))
scenario("ks-stale-same-serial-only", "keystone", "certfile holds only a certificate with the right issuer+serial but another key")(
    lambda: (lambda s: S(s["message"], s["certfile"].split(b"-----END CERTIFICATE-----\n")[0] + b"-----END CERTIFICATE-----\n", s["cafile"]))(stale_same_serial(False)))

def rotation(order, keyid=False):
    old, new = leaf(cn="Keystone Signing old"), leaf(cn="Keystone Signing new")
    msg = openssl_sign(new, CONTENT, ("-noattr", "-nocerts") + (("-keyid",) if keyid else ()))
    return S(msg, bundle(old, new) if order == "old-new" else bundle(new, old), ROOT.pem())
scenario("A08-rotation-old-new", "keystone", "certfile [old, new] signing certs, signed by new")(lambda: rotation("old-new"))
scenario("A08b-rotation-new-old", "keystone", "certfile [new, old] signing certs, signed by new")(lambda: rotation("new-old"))
scenario("A08c-rotation-keyid", "keystone", "certfile [old, new], SKID signer id")(lambda: rotation("old-new", True))

def renewed_same_key(keyid):
    k = Key()
    old = Cert(name(("CN", "Keystone Signing")), k, ROOT, exts=leaf_exts(k, ROOT_KEY), not_after=EXPIRED)
    new = Cert(name(("CN", "Keystone Signing")), k, ROOT, exts=leaf_exts(k, ROOT_KEY))
    msg = openssl_sign(new, CONTENT, ("-noattr", "-nocerts") + (("-keyid",) if keyid else ()))
    return S(msg, bundle(old, new), ROOT.pem())
scenario("A09-renewed-same-key-skid", "difference", "same key renewed, SKID sid, certfile [expired old, valid new]")(
    lambda: renewed_same_key(True))
scenario("A09c-renewed-same-key-ias", "keystone", "same key renewed, IAS sid, certfile [expired old, valid new]")(
    lambda: renewed_same_key(False))
scenario("ks-certfile-only-ca", "keystone", "certfile holds only the CA certificate")(lambda: basic(certfile=ROOT.pem()))
scenario("A06-unrelated-certfile", "keystone", "no embedded certs, certfile holds an unrelated certificate")(
    lambda: basic(certfile=leaf(cn="Unrelated").pem()))

def other_deployment():
    k = Key()
    other_root = Cert(name(("CN", "Other Keystone CA")), k, exts=ca_exts(k))
    lk = Key()
    signer = Cert(name(("CN", "Other Keystone Signing")), lk, other_root, exts=leaf_exts(lk, k))
    msg = openssl_sign(signer, CONTENT, ("-noattr", "-nocerts"))
    return S(msg, leaf(cn="Keystone Signing").pem(), ROOT.pem())
scenario("ks-token-from-other-keystone", "keystone", "token signed by another deployment")(other_deployment)

def signer_lookup_h01(bad_in_certfile):
    k = Key()
    good = Cert(name(("CN", "Lookup Signer")), k, ROOT, exts=leaf_exts(k, ROOT_KEY))
    bad = Cert(name(("CN", "Lookup Signer")), k, ROOT, serial=good.serial,
               exts=leaf_exts(k, ROOT_KEY, eku_names=("serverAuth",)))
    embedded, certfile = (good, bad) if bad_in_certfile else (bad, good)
    msg = openssl_sign(embedded, CONTENT, ("-noattr",))
    return S(msg, certfile.pem(), ROOT.pem())
scenario("H01-certfile-wins-bad-eku", "difference", "embedded good signer; certfile has same issuer+serial+key with EKU serverAuth")(
    lambda: signer_lookup_h01(True))
scenario("H01b-certfile-wins-good", "keystone", "embedded EKU serverAuth copy; certfile has the good one")(
    lambda: signer_lookup_h01(False))

def sid_variant(kind):
    c = leaf()
    if kind == "case":
        iss = seq(set_(seq(oid(OIDS["O"]), tlv(0x13, b"CMSVERIFY  tests"))), set_(seq(oid(OIDS["CN"]), tlv(0x13, b"test root ca"))))
        s = Signer(c, attrs=None)
        der = signed_data([s])
        der = der.replace(seq(ROOT.subject, integer(c.serial)), seq(iss, integer(c.serial)))
        der = fix_lengths(c, iss)
    elif kind == "serial":
        c2 = type("C", (), {})()
        der = signed_data([SerialShift(c)])
    elif kind == "skid":
        der = signed_data([Signer(c, attrs=None, sid="skid")])
        der = der.replace(ctx(0, c.key.skid, False), ctx(0, b"\x42" * 20, False))
    return S(pem_wrap(der), c.pem(), ROOT.pem())

class SerialShift(Signer):
    def __init__(self, cert):
        super().__init__(cert, attrs=None)
    def encode(self, content, econtent_type="data"):
        real = super().encode(content, econtent_type)
        return real.replace(integer(self.cert.serial), integer(self.cert.serial + 1), 1)

class IssuerVariant(Signer):
    def __init__(self, cert, issuer):
        super().__init__(cert, attrs=None)
        self.variant = issuer
    def encode(self, content, econtent_type="data"):
        real = super().encode(content, econtent_type)
        old = seq(self.cert.issuer_name, integer(self.cert.serial))
        new = seq(self.variant, integer(self.cert.serial))
        body = real[2:] if real[1] < 0x80 else real[2 + (real[1] & 0x7f):]
        return seq(*split_items(real)).replace(old, new) if False else rebuild(real, old, new)

def split_items(der):
    return [der]

def rebuild(signer_info, old, new):
    """Replace the sid inside a SignerInfo and re-encode its outer length."""
    inner = signer_info[2 + (signer_info[1] & 0x7f):] if signer_info[1] & 0x80 else signer_info[2:]
    return seq(inner.replace(old, new, 1))

def fix_lengths(c, iss):
    return signed_data([IssuerVariant(c, iss)])

scenario("H05-sid-issuer-case-space", "keystone", "SignerInfo issuer differs from the cert's issuer by case/whitespace")(
    lambda: sid_variant("case"))
scenario("H05b-sid-serial-off-by-one", "keystone", "SignerInfo serial off by one")(lambda: sid_variant("serial"))
scenario("H05c-sid-skid-unknown", "keystone", "SKID sid that matches no certificate")(lambda: sid_variant("skid"))

def skid_without_extension():
    k = Key()
    c = Cert(name(("CN", "No SKID Signer")), k, ROOT, exts=[ext("ku", ku("digitalSignature"), True)])
    der = signed_data([Signer(c, attrs=None, sid="skid")])
    return S(pem_wrap(der), c.pem(), ROOT.pem())
scenario("H06-skid-sid-no-extension", "keystone", "SKID sid equal to SHA-1 of the key, cert has no SKID extension")(skid_without_extension)

# ---------------------------------------------------------------- signed attributes (crafted)

def attrs_case(make_attrs=None, **signer_kw):
    c = leaf()
    attrs = make_attrs(c) if make_attrs else "default"
    return S(pem_wrap(signed_data([Signer(c, attrs=attrs, **signer_kw)])), c.pem(), ROOT.pem())
CT = lambda: attribute("contentType", oid(OIDS["data"]))
MD = lambda h="sha256": attribute("messageDigest", octet(digest(h, CONTENT)))
scenario("F01-crafted-baseline", "attrs", "crafted: contentType + messageDigest, IAS sid")(lambda: attrs_case())
scenario("F02-crafted-noattr", "attrs", "crafted: no signed attributes")(lambda: attrs_case(lambda c: None))
scenario("F03-wrong-message-digest", "attrs", "messageDigest differs from the content digest")(
    lambda: attrs_case(lambda c: [CT(), attribute("messageDigest", octet(b"\x00" * 32))]))
scenario("F04-noattr-wrong-content", "attrs", "no signed attributes, signature over other content")(
    lambda: attrs_case(lambda c: None, sign_override=b"other content\n"))
scenario("F05-attr-signature-corrupt", "attrs", "signature over the attributes corrupted")(
    lambda: attrs_case(sig_bytes=lambda s: s[:-1] + bytes([s[-1] ^ 1])))
scenario("F06-missing-content-type", "attrs", "signed attributes without contentType")(lambda: attrs_case(lambda c: [MD()]))
scenario("F07-missing-message-digest", "attrs", "signed attributes without messageDigest")(lambda: attrs_case(lambda c: [CT()]))
SIGNING_TIME = lambda t=b"250601120000Z": attribute("signingTime", tlv(0x17, t))
scenario("F08-signing-time", "attrs", "signingTime present once (2025)")(lambda: attrs_case(lambda c: [CT(), MD(), SIGNING_TIME()]))
scenario("F09-signing-time-twice", "attrs", "signingTime present twice")(
    lambda: attrs_case(lambda c: [CT(), MD(), SIGNING_TIME(), SIGNING_TIME(b"250602120000Z")]))
scenario("F10-content-type-mismatch", "difference", "contentType attribute id-signedData while eContentType is id-data")(
    lambda: attrs_case(lambda c: [attribute("contentType", oid(OIDS["signedData"])), MD()]))
scenario("F11-message-digest-31-bytes", "attrs", "messageDigest of 31 bytes")(
    lambda: attrs_case(lambda c: [CT(), attribute("messageDigest", octet(digest("sha256", CONTENT)[:31]))]))
scenario("F12-message-digest-two-values", "attrs", "messageDigest with two values")(
    lambda: attrs_case(lambda c: [CT(), attribute("messageDigest", octet(digest("sha256", CONTENT)), octet(digest("sha256", CONTENT)))]))
scenario("F13-attrs-unsorted", "attrs", "signed attributes in non-DER order, signed in that order")(
    lambda: attrs_case(lambda c: sorted([CT(), MD(), SIGNING_TIME()], reverse=True)))
scenario("F14-signing-time-2049", "attrs", "signingTime 2049 (not used for validation)")(
    lambda: attrs_case(lambda c: [CT(), MD(), SIGNING_TIME(b"491231000000Z")]))
scenario("F15-countersignature-signed", "attrs", "countersignature among signed attributes")(
    lambda: attrs_case(lambda c: [CT(), MD(), attribute("countersignature", seq(integer(1)))]))
scenario("F16-content-type-unsigned", "attrs", "contentType among unsigned attributes")(
    lambda: attrs_case(unsigned=[CT()]))
OIDS["unknownAttr"] = "1.3.6.1.4.1.55555.2"
scenario("F17-unknown-unsigned", "attrs", "unknown unsigned attribute")(
    lambda: attrs_case(unsigned=[attribute("unknownAttr", octet(b"x"))]))
# cms_att.c (ossl_cms_si_check_attributes): an attribute of its table needs at
# least one value; countersignature is in the table (unsigned only), an
# unknown attribute is not checked.
scenario("F17b-countersignature-unsigned", "attrs", "unsigned countersignature with one value (not verified by CMS_verify)")(
    lambda: attrs_case(unsigned=[attribute("countersignature", seq(integer(1)))]))
scenario("F17c-countersignature-unsigned-empty", "attrs", "unsigned countersignature with no value")(
    lambda: attrs_case(unsigned=[attribute("countersignature")]))
scenario("F17d-unknown-unsigned-empty", "attrs", "unknown unsigned attribute with no value (not in cms_att.c's table)")(
    lambda: attrs_case(unsigned=[attribute("unknownAttr")]))
scenario("F18-unknown-signed", "attrs", "unknown extra signed attribute")(
    lambda: attrs_case(lambda c: [CT(), MD(), attribute("unknownAttr", octet(b"x"))]))

def digest_set(algs, signer_h="sha256"):
    c = leaf()
    return S(pem_wrap(signed_data([Signer(c, signer_h, attrs=None)], digest_algs=algs)), c.pem(), ROOT.pem())
OIDS["unknownDigest"] = "1.2.3.4.5"
scenario("F19-digest-not-listed", "attrs", "signer's sha256 absent from digestAlgorithms (only sha384)")(lambda: digest_set(["sha384"]))
scenario("F20-unknown-digest-listed", "attrs", "digestAlgorithms lists sha256 and an unknown OID")(lambda: digest_set(["sha256", "unknownDigest"]))
scenario("F21-empty-digest-set", "attrs", "digestAlgorithms empty")(lambda: digest_set([]))
scenario("M2-md4-listed", "attrs", "digestAlgorithms {sha256, md4}")(lambda: digest_set(["sha256", "md4"]))
scenario("M2-sm3-listed", "attrs", "digestAlgorithms {sha256, sm3}")(lambda: digest_set(["sha256", "sm3"]))
scenario("M2-sha3-listed", "attrs", "digestAlgorithms {sha256, sha3-256}")(lambda: digest_set(["sha256", "sha3-256"]))
scenario("F23-sha256withrsa-label", "attrs", "RSA signatureAlgorithm sha256WithRSAEncryption")(
    lambda: attrs_case(sig_alg="sha256WithRSA"))
scenario("F24-sha1withrsa-label", "attrs", "RSA signatureAlgorithm sha1WithRSAEncryption with a SHA-256 digest")(
    lambda: attrs_case(sig_alg="sha1WithRSA"))
OIDS["unknownSig"] = "1.2.3.4"
scenario("F25-rsa-with-ecdsa-label", "attrs", "RSA key, signatureAlgorithm ecdsa-with-SHA256")(lambda: attrs_case(sig_alg="ecdsa-sha256"))

def ec_label(label):
    c = leaf(key=Key("p256"))
    return S(pem_wrap(signed_data([Signer(c, sig_alg=label)])), c.pem(), ROOT.pem())
scenario("I02-ecdsa-rsa-label", "attrs", "ECDSA key, signatureAlgorithm rsaEncryption (OID ignored for EC)")(
    lambda: ec_label("rsaEncryption"))
scenario("I02-ecdsa-unknown-label", "attrs", "ECDSA key, signatureAlgorithm unknown OID")(lambda: ec_label("unknownSig"))
scenario("I03-attrs-signed-sha1", "attrs", "signature over attributes made with SHA-1, digestAlgorithm sha256")(
    lambda: attrs_case(sign_override=None, sig_bytes=None) if False else sha1_over_attrs())

def sha1_over_attrs():
    c = leaf()
    attrs = [CT(), MD()]
    bad = c.key.priv.sign(tlv(0x31, b"".join(attrs)), padding.PKCS1v15(), hashes.SHA1())
    return S(pem_wrap(signed_data([Signer(c, attrs=attrs, sig_bytes=lambda s: bad)])), c.pem(), ROOT.pem())
scenario("I04-empty-signed-attrs", "attrs", "signedAttrs present but an empty SET")(lambda: attrs_case(lambda c: []))
scenario("I06-content-type-twice", "attrs", "contentType attribute twice")(lambda: attrs_case(lambda c: [CT(), CT(), MD()]))
scenario("I07-message-digest-integer", "attrs", "messageDigest value is an INTEGER")(
    lambda: attrs_case(lambda c: [CT(), attribute("messageDigest", integer(12345))]))
scenario("I08-content-type-octet-string", "difference", "contentType value is an OCTET STRING")(
    lambda: attrs_case(lambda c: [attribute("contentType", octet(b"\x2a")), MD()]))
scenario("P01-noattr-content-type-unsigned", "attrs", "no signed attributes, contentType among unsigned attributes")(
    lambda: attrs_case(lambda c: None, unsigned=[CT()]))

def ber_attr(sign_der):
    c = leaf()
    md_der = MD()
    # messageDigest with a non-minimal length inside its OCTET STRING (BER).
    value = digest("sha256", CONTENT)
    ber_md = seq(oid(OIDS["messageDigest"]), set_(b"\x04\x81\x20" + value))
    attrs = [CT(), ber_md]
    der_attrs = tlv(0x31, CT() + md_der)
    ber_set = tlv(0x31, b"".join(attrs))
    sig = c.key.priv.sign(der_attrs if sign_der else ber_set, padding.PKCS1v15(), hashes.SHA256())
    return S(pem_wrap(signed_data([Signer(c, attrs=attrs, sig_bytes=lambda s: sig)])), c.pem(), ROOT.pem())
scenario("I01-ber-attr-signed-ber", "attrs", "attribute with non-minimal length; signer signed those BER bytes")(lambda: ber_attr(False))
scenario("I01b-ber-attr-signed-der", "attrs", "attribute with non-minimal length; signature over the DER re-encoding")(lambda: ber_attr(True))

# ---------------------------------------------------------------- tampering and input

def tamper(fn, label="CMS"):
    s = basic(opts=("-nocerts",))
    der = pem_to_der(s["message"])
    s["message"] = fn(der, s)
    return s

def flip_at(der, needle, offset=0):
    i = der.index(needle) + offset
    return der[:i] + bytes([der[i] ^ 1]) + der[i + 1:]
scenario("tamper-content", "tamper", "one flipped byte in the content")(
    lambda: tamper(lambda d, s: pem_wrap(flip_at(d, CONTENT, 3))))
scenario("tamper-signature", "tamper", "one flipped byte in the signature")(
    lambda: tamper(lambda d, s: pem_wrap(d[:-20] + bytes([d[-20] ^ 1]) + d[-19:])))
scenario("tamper-message-digest", "tamper", "one flipped byte in the messageDigest attribute")(
    lambda: tamper(lambda d, s: pem_wrap(flip_at(d, digest("sha256", CONTENT), 5))))
scenario("tamper-digest-oid", "tamper", "sha256 OID changed to sha384 in the SignerInfo and digestAlgorithms")(
    lambda: tamper(lambda d, s: pem_wrap(d.replace(oid(OIDS["sha256"]), oid(OIDS["sha384"])))))
scenario("tamper-trailing-garbage", "tamper", "text after the END line")(
    lambda: tamper(lambda d, s: pem_wrap(d) + b"trailing garbage\n"))
scenario("tamper-truncated", "tamper", "DER truncated by 10 bytes inside PEM")(lambda: tamper(lambda d, s: pem_wrap(d[:-10])))
scenario("G06-der-as-pem", "input", "raw DER given where PEM is expected")(lambda: tamper(lambda d, s: d))
scenario("input-random-bytes", "input", "300 pseudo-random bytes")(
    lambda: tamper(lambda d, s: hashlib.sha512(b"seed").digest() * 4 + hashlib.sha512(b"x").digest()[:44]))
scenario("input-empty", "input", "empty input")(lambda: tamper(lambda d, s: b""))
scenario("G02-pkcs7-label", "input", "PEM label PKCS7")(lambda: tamper(lambda d, s: pem_wrap(d, "PKCS7")))
scenario("G03-certificate-label", "input", "PEM label CERTIFICATE (legacy allowance)")(lambda: tamper(lambda d, s: pem_wrap(d, "CERTIFICATE")))
scenario("G04-pkcs7-signed-data-label", "input", "PEM label 'PKCS #7 SIGNED DATA'")(lambda: tamper(lambda d, s: pem_wrap(d, "PKCS #7 SIGNED DATA")))
scenario("G05-lowercase-label", "input", "PEM label lower-case cms")(lambda: tamper(lambda d, s: pem_wrap(d, "cms")))
scenario("G07-text-around", "input", "free text before BEGIN and after END")(
    lambda: tamper(lambda d, s: b"Token follows:\n" + pem_wrap(d) + b"-- end\n"))
scenario("G08-key-block-first", "input", "a PRIVATE KEY block precedes the CMS block")(
    lambda: tamper(lambda d, s: leaf().key.pem() + pem_wrap(d)))
scenario("G09-certificate-block-first", "input", "a CERTIFICATE block precedes the CMS block")(
    lambda: tamper(lambda d, s: ROOT.pem() + pem_wrap(d)))
scenario("G10-second-block-garbage", "input", "two CMS blocks, the second garbage")(
    lambda: tamper(lambda d, s: pem_wrap(d) + b"-----BEGIN CMS-----\nAAAA\n-----END CMS-----\n"))
scenario("G11-trailing-der-in-base64", "input", "extra DER bytes after the ContentInfo inside the base64")(
    lambda: tamper(lambda d, s: pem_wrap(d + b"\x05\x00\x05\x00")))
scenario("G12-single-line", "input", "base64 body on one line")(lambda: tamper(lambda d, s: pem_wrap(d, width=0)))
scenario("G13-76-columns", "input", "base64 lines of 76 characters")(lambda: tamper(lambda d, s: pem_wrap(d, width=76)))
scenario("G14-crlf", "input", "CRLF line endings")(lambda: tamper(lambda d, s: pem_wrap(d, eol="\r\n")))
scenario("G16-pem-headers", "input", "PEM header line Proc-Type after BEGIN")(
    lambda: tamper(lambda d, s: pem_wrap(d).replace(b"-----BEGIN CMS-----\n", b"-----BEGIN CMS-----\nProc-Type: 4,MIC-ONLY\n\n")))
scenario("G17-missing-end", "input", "missing END line")(
    lambda: tamper(lambda d, s: pem_wrap(d).replace(b"-----END CMS-----\n", b"")))

def trust_file_case(cafile=None, certfile=None):
    s = basic(opts=("-nocerts",))
    if cafile is not None:
        s["cafile"] = cafile(s)
    if certfile is not None:
        s["certfile"] = certfile(s)
    return s
scenario("E08-cafile-text-around", "input", "CAfile with free text around the PEM block")(
    lambda: trust_file_case(cafile=lambda s: b"My CA:\n" + s["cafile"] + b"that was it\n"))
scenario("E08e-cafile-key-first", "input", "CAfile: private key block, then the root")(
    lambda: trust_file_case(cafile=lambda s: Key().pem() + s["cafile"]))
scenario("E08b-cafile-empty", "input", "CAfile is empty")(lambda: trust_file_case(cafile=lambda s: b""))
scenario("E08d-cafile-corrupt-block", "input", "CAfile: corrupt CERTIFICATE block, then the root")(
    lambda: trust_file_case(cafile=lambda s: b"-----BEGIN CERTIFICATE-----\nAAAA!!!\n-----END CERTIFICATE-----\n" + s["cafile"]))
scenario("E09-certfile-der", "input", "certfile in DER format")(
    lambda: trust_file_case(certfile=lambda s: pem_to_der(s["certfile"])))

def trusted_certificate(trust_oid):
    s = basic(opts=("-nocerts",))
    with tempfile.TemporaryDirectory() as t:
        p = Path(t) / "r.pem"
        p.write_bytes(ROOT.pem())
        s["cafile"] = subprocess.run(["openssl", "x509", "-in", p, "-addtrust", trust_oid, "-trustout"],
                                     check=True, capture_output=True).stdout
    return s
scenario("D25-trusted-certificate-cafile", "difference", "CAfile holds the root as TRUSTED CERTIFICATE (trust emailProtection)")(
    lambda: trusted_certificate("emailProtection"))

# ---------------------------------------------------------------- name constraints and the system-root forgery

def constrained(permitted=(), excluded=(), leaf_name=None, leaf_sans=()):
    k = Key()
    nc = seq(ctx(0, b"".join(seq(g) for g in permitted)) if permitted else b"",
             ctx(1, b"".join(seq(g) for g in excluded)) if excluded else b"")
    root = Cert(name(("O", "Constrained"), ("CN", "Constrained Root")), k, exts=ca_exts(k, extra=[ext("nc", nc, True)]))
    lk = Key()
    extra = [ext("san", seq(*leaf_sans))] if leaf_sans else []
    lc = Cert(leaf_name or name(("O", "Constrained"), ("CN", "Constrained Signer")), lk, root,
              exts=leaf_exts(lk, k, extra=extra))
    return basic(lc, ca=root.pem())
DIRNAME = lambda n: ctx(4, n)
EMAIL = lambda e: tlv(0x81, e.encode())
scenario("E14-nc-dirname-permitted", "chain", "root permits DirName O=Constrained; leaf inside")(
    lambda: constrained(permitted=[DIRNAME(name(("O", "Constrained")))]))
scenario("E14b-nc-dirname-violated", "chain", "root permits DirName O=Elsewhere; leaf outside")(
    lambda: constrained(permitted=[DIRNAME(name(("O", "Elsewhere")))]))
scenario("nc-email-permitted", "chain", "root permits email example.com; leaf SAN alice@example.com")(
    lambda: constrained(permitted=[EMAIL("example.com")], leaf_sans=[EMAIL("alice@example.com")]))
scenario("nc-email-excluded", "chain", "root excludes email example.com; leaf SAN alice@example.com")(
    lambda: constrained(excluded=[EMAIL("example.com")], leaf_sans=[EMAIL("alice@example.com")]))
scenario("diff-nc-ipaddress", "difference", "root with a permitted iPAddress constraint (cmsverify fails closed)")(
    lambda: constrained(permitted=[tlv(0x87, bytes([10, 0, 0, 0, 255, 0, 0, 0]))]))

def system_root_forgery():
    k = Key()
    public_root = Cert(name(("O", "Public Trust"), ("CN", "Public Root CA")), k, exts=ca_exts(k))
    lk = Key()
    forger = Cert(name(("CN", "Anyone With A Public S/MIME Cert")), lk, public_root, exts=leaf_exts(lk, k))
    msg = openssl_sign(forger, b'{"token": "forged"}\n', ("-noattr",))
    return S(msg, leaf(cn="Keystone Signing").pem(), ROOT.pem(), b'{"token": "forged"}\n',
             extra_files={"ssl_cert_dir/public-root.pem": public_root.pem()})
scenario("diff-system-root-forgery", "difference", "signer embedded, issued by a root only in the system cert dir (OpenSSL trusts it)")(
    system_root_forgery)

# ---------------------------------------------------------------- names and name constraints (NC, NM)
# OpenSSL 3.0 parity on names: name constraints as v3_ncons.c applies them
# (SmtpUTF8Mailbox otherNames, commonNames as host names per cn2dnsid(),
# "unsupported or invalid name syntax", empty RDNs), and names as
# x_name.c decodes and canonicalises them (empty RDNs, string types,
# BMPStrings read as UCS-2, IA5Strings not checked to be ASCII).

def raw_name(*rdns):
    """raw_name([("O", 0x0C, b"x")], [], ...) -> DER Name; [] is an empty RDN (SET {})."""
    return seq(*[set_(*[seq(oid(OIDS.get(k, k)), tlv(t, v)) for k, t, v in rdn]) for rdn in rdns])

DNS = lambda d: tlv(0x82, d if isinstance(d, bytes) else d.encode())
SMTP_UTF8 = "1.3.6.1.5.5.7.8.9"
def smtp_utf8(address, value_tag=0x0C):
    """otherName SmtpUTF8Mailbox (RFC 9598): [0] { type-id, [0] EXPLICIT value }."""
    return tlv(0xA0, oid(SMTP_UTF8) + ctx(0, tlv(value_tag, address.encode())))

CONSTRAINED_O = [("O", 0x0C, b"Constrained")]

def constrained_crafted(permitted=(), excluded=(), leaf_name=None, leaf_sans=()):
    """As constrained(), with a message assembled here (the leaf need not load in OpenSSL)."""
    k = Key()
    nc = seq(ctx(0, b"".join(seq(g) for g in permitted)) if permitted else b"",
             ctx(1, b"".join(seq(g) for g in excluded)) if excluded else b"")
    root = Cert(name(("O", "Constrained"), ("CN", "Constrained Root")), k, exts=ca_exts(k, extra=[ext("nc", nc, True)]))
    lk = Key()
    extra = [ext("san", seq(*leaf_sans))] if leaf_sans else []
    lc = Cert(leaf_name, lk, root, exts=leaf_exts(lk, k, extra=extra))
    return S(pem_wrap(signed_data([Signer(lc)])), lc.pem(), root.pem())

scenario("NC01-smtputf8-excluded", "names", "root excludes email example.com; leaf SAN otherName SmtpUTF8Mailbox 用户@example.com")(
    lambda: constrained(excluded=[EMAIL("example.com")], leaf_sans=[smtp_utf8("用户@example.com")]))
scenario("NC01b-smtputf8-permitted", "names", "root permits email example.com; leaf SAN SmtpUTF8Mailbox 用户@example.com")(
    lambda: constrained(permitted=[EMAIL("example.com")], leaf_sans=[smtp_utf8("用户@example.com")]))
scenario("NC01c-smtputf8-dot-permitted", "names", "root permits email .example.com; SmtpUTF8Mailbox 用户@sub.example.com (3.0 compares with ..example.com)")(
    lambda: constrained(permitted=[EMAIL(".example.com")], leaf_sans=[smtp_utf8("用户@sub.example.com")]))
scenario("NC01d-smtputf8-ia5-value", "names", "root permits email example.com; SmtpUTF8Mailbox whose value is an IA5String")(
    lambda: constrained(permitted=[EMAIL("example.com")], leaf_sans=[smtp_utf8("a@example.com", 0x16)]))
scenario("NC01e-smtputf8-alabel-permitted", "names", "root permits email xn--bcher-kva.example; SmtpUTF8Mailbox a@bücher.example")(
    lambda: constrained(permitted=[EMAIL("xn--bcher-kva.example")], leaf_sans=[smtp_utf8("a@bücher.example")]))
scenario("NC01f-smtputf8-bad-punycode", "names", "root excludes email xn---.example; SmtpUTF8Mailbox a@example.org (the constraint does not convert)")(
    lambda: constrained(excluded=[EMAIL("xn---.example")], leaf_sans=[smtp_utf8("a@example.org")]))

def cn_leaf(cn_tag, cn_value, sans=(), excluded=(DNS("example.com"),)):
    return constrained(excluded=list(excluded), leaf_sans=list(sans),
                       leaf_name=raw_name(CONSTRAINED_O, [("CN", cn_tag, cn_value)]))
scenario("NC02-cn-underscore-excluded", "names", "root excludes DNS example.com; leaf without SANs, CN a_b.example.com")(
    lambda: cn_leaf(0x0C, b"a_b.example.com"))
scenario("NC02b-cn-trailing-nul-excluded", "names", "root excludes DNS example.com; leaf CN host.example.com followed by two NULs")(
    lambda: cn_leaf(0x0C, b"host.example.com\0\0"))
scenario("NC02c-cn-embedded-nul", "names", "root excludes DNS example.com; leaf CN host\\0.example.org (embedded NUL)")(
    lambda: cn_leaf(0x0C, b"host\0.example.org"))
scenario("NC02d-cn-with-dns-san", "names", "root excludes DNS example.com; leaf CN a.example.com but a DNS SAN ok.example.org (CN not checked)")(
    lambda: cn_leaf(0x0C, b"a.example.com", sans=[DNS("ok.example.org")]))
scenario("NC02e-cn-bmp-excluded", "names", "root excludes DNS example.com; leaf CN host.example.com as a BMPString")(
    lambda: cn_leaf(0x1E, "host.example.com".encode("utf-16-be")))
scenario("NC02f-cn-single-label", "names", "root excludes DNS example.com; leaf CN example_com (one label: no host name)")(
    lambda: cn_leaf(0x0C, b"example_com"))
scenario("NC02g-cn-bit-string", "names", "root with a DNS constraint; leaf without SANs whose CN is a BIT STRING")(
    lambda: cn_leaf(0x03, b"\x00a.b"))

scenario("NC03-emailaddress-utf8", "names", "root permits DirName O=Constrained; leaf subject emailAddress as a UTF8String")(
    lambda: constrained(permitted=[DIRNAME(name(("O", "Constrained")))],
                        leaf_name=raw_name(CONSTRAINED_O, [("email", 0x0C, b"a@example.com")])))
scenario("NC03b-rfc822-no-at-sign", "names", "root permits email example.com; leaf SAN rfc822Name without '@'")(
    lambda: constrained(permitted=[EMAIL("example.com")], leaf_sans=[EMAIL("nobody")]))

scenario("NC04-dirname-excluded-empty-rdn", "names", "root excludes DirName O=Constrained; leaf subject starts with an empty RDN")(
    lambda: constrained(excluded=[DIRNAME(name(("O", "Constrained")))],
                        leaf_name=raw_name([], CONSTRAINED_O, [("CN", 0x0C, b"Signer")])))
scenario("NC04b-dirname-permitted-empty-rdns", "names", "root permits DirName O=Constrained; leaf subject O=Constrained, {}, CN=Signer, {}")(
    lambda: constrained(permitted=[DIRNAME(name(("O", "Constrained")))],
                        leaf_name=raw_name(CONSTRAINED_O, [], [("CN", 0x0C, b"Signer")], [])))
scenario("NC04c-dirname-excluded-constructed-string", "names", "root excludes DirName O=Constrained; leaf O is a constructed UTF8String")(
    lambda: constrained_crafted(excluded=[DIRNAME(name(("O", "Constrained")))],
                                leaf_name=raw_name([("O", 0x2C, tlv(0x0C, b"Constr") + tlv(0x0C, b"ained"))],
                                                   [("CN", 0x0C, b"Signer")])))

# Which certificates a CA's name constraints apply to (x509_vfy.c:
# check_name_constraints): every certificate below the CA, except self-issued
# ones other than the signer; never the CA itself.
def nc_excluding(excl):
    return ext("nc", seq(ctx(1, seq(DIRNAME(excl)))), True)

def nc_self_issued_signer():
    """The signer is named like its issuer, the intermediate, whose NC excludes that name."""
    rk, ik, lk = Key(), Key(), Key()
    root = Cert(name(("CN", "NC Root")), rk, exts=ca_exts(rk))
    same = name(("O", "Constrained"), ("CN", "Same Name"))
    inter = Cert(same, ik, root, exts=ca_exts(ik, rk, extra=[nc_excluding(name(("O", "Constrained")))]))
    leaf_ = Cert(same, lk, inter, exts=leaf_exts(lk, ik))
    return chain(inter=inter, root=root, embed=[inter], leaf_cert=leaf_)

def nc_self_issued_intermediate():
    """A self-issued intermediate (rollover: the root's name, its own key) under a root whose NC excludes that name."""
    rk, ik, lk = Key(), Key(), Key()
    root_name = name(("O", "Constrained"), ("CN", "Rollover Root"))
    root = Cert(root_name, rk, exts=ca_exts(rk, extra=[nc_excluding(name(("O", "Constrained")))]))
    inter = Cert(root_name, ik, root, exts=ca_exts(ik, rk))
    leaf_ = Cert(name(("O", "Elsewhere"), ("CN", "Signer")), lk, inter, exts=leaf_exts(lk, ik))
    return chain(inter=inter, root=root, embed=[inter], leaf_cert=leaf_)

def nc_own_name():
    """An intermediate whose NC excludes its own name; the signer is elsewhere."""
    rk, ik, lk = Key(), Key(), Key()
    root = Cert(name(("CN", "NC Root")), rk, exts=ca_exts(rk))
    inter = Cert(name(("O", "Constrained"), ("CN", "Inter")), ik, root,
                 exts=ca_exts(ik, rk, extra=[nc_excluding(name(("O", "Constrained")))]))
    leaf_ = Cert(name(("O", "Elsewhere"), ("CN", "Signer")), lk, inter, exts=leaf_exts(lk, ik))
    return chain(inter=inter, root=root, embed=[inter], leaf_cert=leaf_)

scenario("NC07-self-issued-signer-checked", "names", "signer named like its issuer, whose NC excludes that name: the signer is checked even though self-issued")(
    nc_self_issued_signer)
scenario("NC07b-self-issued-intermediate-skipped", "names", "self-issued intermediate (the root's name, another key) under a root whose NC excludes that name: not checked")(
    nc_self_issued_intermediate)
scenario("NC07c-ca-own-constraints-not-applied", "names", "intermediate whose NC excludes its own name, signer elsewhere: a CA's constraints do not apply to itself")(
    nc_own_name)

# Name-constraint work: (subject entries + SANs) x subtrees comparisons per
# certificate and CA. OpenSSL refuses over NAME_CHECK_MAX = 2^20 pairs
# (X509_V_ERR_UNSPECIFIED); cmsverify's budget (250,000 by default) stops
# before any comparison.
def nc_explosion(subtrees, sans):
    return constrained(excluded=[DNS(f"x{i}.example.net") for i in range(subtrees)],
                       leaf_sans=[DNS(f"h{i}.example.org") for i in range(sans)])
scenario("NC08-constraint-pairs-over-openssl-max", "names", "1,100 excluded subtrees x (2 subject entries + 1,000 SANs): over OpenSSL's 2^20 pairs, and over the budget")(
    lambda: nc_explosion(1100, 1000))
scenario("NC08b-constraint-pairs-over-budget", "difference", "300 excluded subtrees x (2 subject entries + 1,000 SANs): under OpenSSL's 2^20 pairs (it accepts), over cmsverify's budget of 250,000")(
    lambda: nc_explosion(300, 1000))

def issuer_trailing_empty_rdn():
    """NM01: the leaf names its issuer as the root's subject plus an empty RDN."""
    fake = types.SimpleNamespace(subject=seq(*split_rdns(ROOT.subject), set_()), key=ROOT_KEY)
    k = Key()
    return basic(Cert(name(("CN", "Empty RDN Issuer Signer")), k, fake, exts=leaf_exts(k, ROOT_KEY)))

def split_rdns(name_der):
    """The RDN TLVs of a DER Name."""
    body, out = name_der[2:] if name_der[1] < 0x80 else name_der[2 + (name_der[1] & 0x7F):], []
    while body:
        n = body[1]
        assert n < 0x80
        out.append(body[:2 + n])
        body = body[2 + n:]
    return out

def odd_name_signer(subject, embed=False):
    """A signer whose subject OpenSSL cannot decode: the message is assembled here."""
    k = Key()
    c = Cert(subject, k, ROOT, exts=leaf_exts(k, ROOT_KEY))
    msg = signed_data([Signer(c)], certs=[c] if embed else ())
    return S(pem_wrap(msg), ROOT.pem() if embed else c.pem(), ROOT.pem())

SURROGATE_PAIR_CN = [("CN", 0x1E, "Signer \U0001F600".encode("utf-16-be"))]
scenario("NM01-issuer-trailing-empty-rdn", "names", "leaf's issuer is the root's subject followed by an empty RDN")(
    issuer_trailing_empty_rdn)
scenario("NM02-ia5-san-non-ascii", "names", "leaf SAN rfc822Name holding a non-ASCII byte (no name constraints)")(
    lambda: basic(leaf(cn="Non-ASCII SAN Signer", extra=[ext("san", seq(tlv(0x81, b"al\xe9@example.com")))])))
scenario("NM02b-dns-san-non-ascii-excluded", "names", "root excludes DNS example.com; leaf SAN DNS \\xe9.example.com")(
    lambda: constrained(excluded=[DNS("example.com")], leaf_sans=[DNS(b"\xe9.example.com")]))
scenario("NM03-bmp-surrogate-pair-certfile", "names", "certfile signer whose CN is a BMPString with a UTF-16 surrogate pair")(
    lambda: odd_name_signer(raw_name(SURROGATE_PAIR_CN)))
scenario("NM03b-bmp-surrogate-pair-embedded", "names", "embedded signer whose CN is a BMPString with a UTF-16 surrogate pair")(
    lambda: odd_name_signer(raw_name(SURROGATE_PAIR_CN), embed=True))
scenario("NM04-visiblestring-name", "names", "certfile signer whose O is a VisibleString (not an ASN1_PRINTABLE type)")(
    lambda: odd_name_signer(raw_name([("O", 0x1A, b"Visible")], [("CN", 0x0C, b"Signer")])))
scenario("NM05-sid-issuer-visiblestring", "names", "SignerInfo issuerAndSerialNumber names an issuer with a VisibleString (OpenSSL cannot decode the message)")(
    lambda: S(pem_wrap(fix_lengths(c := leaf(cn="VisibleString Sid Signer"), raw_name([("O", 0x1A, b"cmsverify tests")])) ), c.pem(), ROOT.pem()))
scenario("NM05b-sid-issuer-trailing-empty-rdn", "names", "SignerInfo issuerAndSerialNumber names the root with a trailing empty RDN")(
    lambda: S(pem_wrap(fix_lengths(c := leaf(cn="Empty RDN Sid Signer"), seq(*split_rdns(ROOT.subject), set_()))), c.pem(), ROOT.pem()))
scenario("NM06-san-othername-no-value", "names", "leaf SAN otherName with a type-id and no [0] value (the SAN does not decode)")(
    lambda: basic(leaf(cn="Malformed otherName Signer", extra=[ext("san", seq(tlv(0xA0, oid("1.2.3.4"))))])))
scenario("NM06b-san-othername-unknown-type", "names", "root with an email constraint; leaf SAN otherName of type 1.2.3.4 (not compared)")(
    lambda: constrained(permitted=[EMAIL("example.com")], leaf_sans=[tlv(0xA0, oid("1.2.3.4") + ctx(0, tlv(0x0C, b"x")))]))

def constrained_subtree(permitted_subtree, leaf_name=None):
    """A root whose permitted subtree is given whole (base plus minimum/maximum)."""
    k = Key()
    nc = seq(ctx(0, permitted_subtree))
    root = Cert(name(("O", "Constrained"), ("CN", "Constrained Root")), k, exts=ca_exts(k, extra=[ext("nc", nc, True)]))
    lk = Key()
    lc = Cert(leaf_name or name(("O", "Constrained"), ("CN", "Constrained Signer")), lk, root, exts=leaf_exts(lk, k))
    return basic(lc, ca=root.pem())
scenario("NC05-subtree-minimum-zero", "names", "root permits DirName O=Constrained with an explicit minimum 0 (OpenSSL accepts a zero minimum)")(
    lambda: constrained_subtree(seq(DIRNAME(name(("O", "Constrained"))), tlv(0x80, b"\x00"))))
scenario("NC05b-subtree-minimum-one", "names", "root permits DirName O=Constrained with minimum 1 (X509_V_ERR_SUBTREE_MINMAX)")(
    lambda: constrained_subtree(seq(DIRNAME(name(("O", "Constrained"))), tlv(0x80, b"\x01"))))
scenario("NC05c-subtree-maximum", "names", "root permits DirName O=Constrained with a maximum 5 (X509_V_ERR_SUBTREE_MINMAX)")(
    lambda: constrained_subtree(seq(DIRNAME(name(("O", "Constrained"))), tlv(0x81, b"\x05"))))
scenario("diff-nc-subtree-maximum-unused", "difference", "root permits DNS example.com with a maximum; the leaf has no DNS name (OpenSSL never compares it; cmsverify fails closed)")(
    lambda: constrained_subtree(seq(DNS("example.com"), tlv(0x81, b"\x05"))))
scenario("NM07-name-oid-padded", "names", "certfile signer whose subject attribute type is an OID with a 0x80-padded subidentifier (OpenSSL cannot decode it)")(
    lambda: odd_name_signer(seq(set_(seq(tlv(0x06, b"\x55\x80\x04\x03"), tlv(0x0C, b"Padded OID Signer"))))))
def san_leaf(cn, *items):
    return basic(leaf(cn=cn, extra=[ext("san", seq(*items))]))
scenario("NM08-san-registeredid-bad-oid", "names", "leaf SAN registeredID whose OID has a 0x80-padded subidentifier (the SAN does not decode)")(
    lambda: san_leaf("Bad registeredID Signer", tlv(0x88, b"\x55\x80\x04")))
scenario("NM08b-san-edipartyname-empty", "names", "leaf SAN ediPartyName without its partyName (the SAN does not decode)")(
    lambda: san_leaf("Empty ediPartyName Signer", tlv(0xA5, b"")))
scenario("NM08c-san-edipartyname", "names", "leaf SAN ediPartyName with a nameAssigner and a BMPString partyName")(
    lambda: san_leaf("ediPartyName Signer", tlv(0xA5, ctx(0, tlv(0x13, b"a")) + ctx(1, tlv(0x1E, b"\x00p")))))
scenario("NM08d-san-rfc822-constructed", "names", "leaf SAN rfc822Name in constructed form (OpenSSL collects its parts)")(
    lambda: san_leaf("Constructed rfc822Name Signer", tlv(0xA1, tlv(0x04, b"a@") + tlv(0x04, b"example.com"))))
scenario("NC06-dns-constructed-excluded", "names", "root excludes DNS example.com; leaf SAN dNSName host.example.com in constructed form")(
    lambda: constrained(excluded=[DNS("example.com")], leaf_sans=[tlv(0xA2, tlv(0x16, b"host.") + tlv(0x16, b"example.com"))]))
scenario("NC01g-smtputf8-constructed-excluded", "names", "root excludes email example.com; leaf SAN SmtpUTF8Mailbox as a constructed UTF8String (collected)")(
    lambda: constrained(excluded=[EMAIL("example.com")],
                        leaf_sans=[tlv(0xA0, oid(SMTP_UTF8) + ctx(0, tlv(0x2C, tlv(0x0C, "用户@".encode()) + tlv(0x0C, b"example.com"))))]))

# ---------------------------------------------------------------- OpenSSL parity (P)
# Cases OpenSSL 3.0 refuses on details cmsverify once let through: RSA
# signatures shorter than the modulus, serial numbers compared as signed
# INTEGERs, outer and TBS signature algorithms that differ, and (a deliberate
# difference) RSA keys under 1024 bits anywhere on the path. Numbered from P11:
# P01 is the unsigned-contentType scenario of the attribute block.

def strip_leading_zero(signature):
    """An RSA signature one byte shorter than the modulus: its leading 00 dropped."""
    assert signature[0] == 0, "only a signature starting with 00 can be shortened"
    return signature[1:]

def short_signer_signature():
    """P11: the SignerInfo signature lacks its leading 00 byte.

    PKCS#1 v1.5 is deterministic, so the signed attributes vary (signingTime,
    one second apart) until the signature starts with 00 (about 1 in 200).
    """
    c = leaf()
    for second in range(100_000):
        when = f"2506{1 + second // 86400:02d}{second // 3600 % 24:02d}{second // 60 % 60:02d}{second % 60:02d}Z"
        attrs = sorted([attribute("contentType", oid(OIDS["data"])),
                        attribute("signingTime", tlv(0x17, when.encode())),
                        attribute("messageDigest", octet(digest("sha256", CONTENT)))])
        full = c.key.priv.sign(tlv(0x31, b"".join(attrs)), padding.PKCS1v15(), hashes.SHA256())
        if full[0] == 0:
            break
    msg = signed_data([Signer(c, attrs=attrs, sig_bytes=strip_leading_zero)])
    return S(pem_wrap(msg), c.pem(), ROOT.pem())

def short_cert_signature():
    """P11b: the signer certificate's RSA signature (by the root) lacks its leading 00.

    The serial number varies until the root's signature starts with 00.
    """
    k = Key()
    for serial in range(0x5000, 0x5000 + 100_000):
        c = leaf(key=k, cn="Short Signature Signer", serial=serial)
        if c.signature[0] == 0:
            break
    c.der = seq(c.tbs, sig_alg_der("sha256WithRSA"), bitstring(strip_leading_zero(c.signature)))
    return basic(c)

scenario("P11-rsa-short-signature", "parity", "RSA SignerInfo signature one byte shorter than the modulus (leading 00 dropped)")(
    short_signer_signature)
scenario("P11b-rsa-short-cert-signature", "parity", "signer certificate's RSA signature one byte shorter than the root's modulus")(
    short_cert_signature)

NEGATIVE_80AB = tlv(0x02, b"\x80\xab")  # -32597: the same octets as 0x80AB without the 00 sign byte
POSITIVE_80AB = tlv(0x02, b"\x00\x80\xab")  # 0x80AB, as integer(0x80AB) encodes it

class SidSerial(Signer):
    """A SignerInfo (no signed attributes) whose sid serial is the INTEGER `serial_der`."""
    def __init__(self, cert, serial_der):
        super().__init__(cert, attrs=None)
        self.serial_der = serial_der
    def encode(self, content, econtent_type="data"):
        real = super().encode(content, econtent_type)
        return rebuild(real, seq(self.cert.issuer_name, integer(self.cert.serial)),
                       seq(self.cert.issuer_name, self.serial_der))

def sid_serial_case(serial_der):
    """P12: the signer certificate's serial is 00 80 AB; the sid carries serial_der."""
    c = leaf(cn="Serial 80AB Signer", serial=0x80AB)
    assert integer(c.serial) == POSITIVE_80AB
    return S(pem_wrap(signed_data([SidSerial(c, serial_der)])), c.pem(), ROOT.pem())

def akid_serial_case(serial_der):
    """P12b: the root's serial is 00 80 AB; the leaf's AKID names the root by
    keyIdentifier, authorityCertIssuer and authorityCertSerialNumber serial_der."""
    rk = Key()
    root = Cert(name(("CN", "Serial 80AB Root")), rk, serial=0x80AB, exts=ca_exts(rk))
    assert integer(root.serial) == POSITIVE_80AB
    # [2] IMPLICIT CertificateSerialNumber: the INTEGER's contents under tag 82.
    akid = seq(ctx(0, rk.skid, False), ctx(1, ctx(4, root.subject)), tlv(0x82, serial_der[2:]))
    lk = Key()
    exts = [ext("ku", ku("digitalSignature"), True), ext("eku", eku("emailProtection")),
            ext("skid", octet(lk.skid)), ext("akid", akid)]
    return basic(Cert(name(("CN", "Signer under serial 80AB root")), lk, root, exts=exts), ca=root.pem())

scenario("P12-sid-serial-negative", "parity", "sid serial 80 AB (negative) vs the signer certificate's 00 80 AB")(
    lambda: sid_serial_case(NEGATIVE_80AB))
scenario("P12b-akid-serial-negative", "parity", "leaf AKID authorityCertSerialNumber 80 AB (negative) vs the root's 00 80 AB")(
    lambda: akid_serial_case(NEGATIVE_80AB))
scenario("P12c-sid-serial-positive", "parity", "control for P12: sid serial 00 80 AB equals the signer certificate's")(
    lambda: sid_serial_case(POSITIVE_80AB))
scenario("P12d-akid-serial-positive", "parity", "control for P12b: AKID authorityCertSerialNumber 00 80 AB equals the root's")(
    lambda: akid_serial_case(POSITIVE_80AB))

scenario("P13-cert-outer-alg-sha384", "parity", "signer certificate: TBS says sha256WithRSA (and is signed so), outer says sha384WithRSA")(
    lambda: basic(leaf(cn="Algorithm Mismatch Signer", outer_alg=alg("sha384WithRSA", null()))))
scenario("P13b-cert-outer-alg-no-null", "parity", "signer certificate: TBS sha256WithRSA with NULL parameters, outer without parameters")(
    lambda: basic(leaf(cn="Algorithm Mismatch Signer", outer_alg=alg("sha256WithRSA"))))

def small_key_intermediate(bits_):
    """P14: root -> RSA-bits_ intermediate (embedded) -> RSA-2048 leaf."""
    k = Key("rsa", bits_)
    inter = Cert(name(("CN", f"RSA-{bits_} Intermediate")), k, ROOT, exts=ca_exts(k, ROOT_KEY))
    return chain(inter=inter, embed=[inter])
scenario("P14-rsa768-intermediate", "difference", "intermediate with an RSA-768 key signs a valid leaf (OpenSSL accepts; cmsverify's policy refuses < 1024 bits on the path)")(
    lambda: small_key_intermediate(768))

# ---------------------------------------------------------------- OpenSSL parity: cached extensions (P15-P18)
# ossl_x509v3_cache_extensions() decodes basicConstraints, proxyCertInfo,
# keyUsage, extKeyUsage, nsCertType, SKID, AKID, SAN, nameConstraints, CRL
# distribution points (setup_crldp), ipAddrBlocks and ASIdentifiers with
# X509_get_ext_d2i(): a value that does not decode, or a second copy of the
# extension, makes the certificate invalid. X509v3_addr_validate_path and
# X509v3_asid_validate_path check RFC 3779 resources when the signer has them.

OIDS.update({"crldp": "2.5.29.31", "ipAddrBlocks": "1.3.6.1.5.5.7.1.7", "asIds": "1.3.6.1.5.5.7.1.8"})
URI = lambda u: tlv(0x86, u.encode())
CRLDP_URI = seq(seq(ctx(0, ctx(0, URI("http://crl.example/root.crl")))))

def ext_leaf(*extra, issuer=None):
    """A leaf under ROOT (or issuer) with the usual extensions and `extra` appended."""
    return basic(leaf(issuer=issuer, cn="Extension Signer", extra=list(extra)))

def ext_root(root_extra, leaf_extra=()):
    """A root carrying `root_extra`, and a leaf under it carrying `leaf_extra`."""
    k = Key()
    root = Cert(name(("CN", "Extension Root")), k, exts=ca_exts(k, extra=root_extra))
    lk = Key()
    lc = Cert(name(("CN", "Extension Signer")), lk, root, exts=leaf_exts(lk, k, extra=list(leaf_extra)))
    return basic(lc, ca=root.pem())

def ext_inter(inter_extra, bc_value=None):
    """ROOT -> intermediate (BC value replaced when given, `inter_extra` added) -> leaf, embedded."""
    k = Key()
    exts = ca_exts(k, ROOT_KEY, extra=inter_extra)
    if bc_value is not None:
        exts[0] = ext("bc", bc_value, True)
    inter = Cert(name(("CN", "Extension Intermediate")), k, ROOT, exts=exts)
    return chain(inter=inter, embed=[inter])

def ip_family(afi, *prefixes):
    """IPAddressFamily: addressFamily afi, addressesOrRanges of BIT STRING prefixes (bytes, unused)."""
    return seq(octet(afi), seq(*[bitstring(b, u) for b, u in prefixes]))
IPV4 = b"\x00\x01"
TEN_8 = ip_family(IPV4, (b"\x0a", 0))          # 10.0.0.0/8
TEN_ONE_16 = ip_family(IPV4, (b"\x0a\x01", 0))  # 10.1.0.0/16
def as_ids(*ids): return seq(ctx(0, seq(*[integer(i) for i in ids])))
def as_range(lo, hi): return seq(ctx(0, seq(seq(integer(lo), integer(hi)))))

scenario("P15-crldp-twice", "parity", "leaf with two cRLDistributionPoints extensions (X509_get_ext_d2i: duplicate)")(
    lambda: ext_leaf(ext("crldp", CRLDP_URI), ext("crldp", CRLDP_URI)))
scenario("P15b-crldp-malformed", "parity", "leaf cRLDistributionPoints whose DistributionPoint is an INTEGER")(
    lambda: ext_leaf(ext("crldp", seq(integer(1)))))
scenario("P15c-crldp-empty-point", "parity", "leaf cRLDistributionPoints with a DistributionPoint naming neither point nor cRLIssuer (setup_dp)")(
    lambda: ext_leaf(ext("crldp", seq(seq()))))
scenario("P15d-crldp-uri", "parity", "control: leaf cRLDistributionPoints with one URI fullName")(
    lambda: ext_leaf(ext("crldp", CRLDP_URI)))
scenario("P15e-crldp-issuer-only", "parity", "control: leaf cRLDistributionPoints with only a cRLIssuer directoryName")(
    lambda: ext_leaf(ext("crldp", seq(seq(ctx(2, ctx(4, name(("CN", "CRL Issuer")))))))))
scenario("P15f-crldp-relative-name", "parity", "control: leaf cRLDistributionPoints with a nameRelativeToCRLIssuer")(
    lambda: ext_leaf(ext("crldp", seq(seq(ctx(0, ctx(1, seq(oid(OIDS["CN"]), tlv(0x0C, b"CRL")))))))))
scenario("P15g-crldp-empty-issuer", "parity", "leaf cRLDistributionPoints with an empty cRLIssuer and no point (setup_dp)")(
    lambda: ext_leaf(ext("crldp", seq(seq(ctx(2, b""))))))
scenario("P16-ipaddr-twice", "parity", "root with two ipAddrBlocks extensions (duplicate), leaf without")(
    lambda: ext_root([ext("ipAddrBlocks", seq(TEN_8), True), ext("ipAddrBlocks", seq(TEN_8), True)]))
scenario("P16b-ipaddr-malformed", "parity", "root ipAddrBlocks whose addressFamily is an INTEGER, leaf without")(
    lambda: ext_root([ext("ipAddrBlocks", seq(seq(integer(1), seq())), True)]))
scenario("P16c-ipaddr-ca-only", "parity", "control: root with ipAddrBlocks 10.0.0.0/8, leaf without (nothing to validate)")(
    lambda: ext_root([ext("ipAddrBlocks", seq(TEN_8), True)]))
scenario("P16d-ipaddr-ca-noncanonical", "parity", "root with non-canonical ipAddrBlocks (unsorted), leaf without: not checked")(
    lambda: ext_root([ext("ipAddrBlocks", seq(ip_family(IPV4, (b"\x0b", 0), (b"\x0a", 0))), True)]))
scenario("P16e-ipaddr-leaf-unnested", "parity", "leaf with ipAddrBlocks 10.1.0.0/16, root without (X509_V_ERR_UNNESTED_RESOURCE)")(
    lambda: ext_root([], [ext("ipAddrBlocks", seq(TEN_ONE_16), True)]))
scenario("P16f-ipaddr-leaf-nested", "parity", "leaf ipAddrBlocks 10.1.0.0/16 under a root with 10.0.0.0/8")(
    lambda: ext_root([ext("ipAddrBlocks", seq(TEN_8), True)], [ext("ipAddrBlocks", seq(TEN_ONE_16), True)]))
scenario("P16g-ipaddr-inherit-null-content", "parity", "root ipAddrBlocks inherit NULL with content (does not decode), leaf without")(
    lambda: ext_root([ext("ipAddrBlocks", seq(seq(octet(IPV4), tlv(0x05, b"\x00"))), True)]))
scenario("P17-asid-twice", "parity", "root with two ASIdentifiers extensions (duplicate), leaf without")(
    lambda: ext_root([ext("asIds", as_ids(64496), True), ext("asIds", as_ids(64496), True)]))
scenario("P17b-asid-malformed", "parity", "root ASIdentifiers with a non-minimal INTEGER, leaf without")(
    lambda: ext_root([ext("asIds", seq(ctx(0, seq(tlv(0x02, b"\x00\x01")))), True)]))
scenario("P17c-asid-ca-only", "parity", "control: root with ASIdentifiers 64496-64511, leaf without")(
    lambda: ext_root([ext("asIds", as_range(64496, 64511), True)]))
scenario("P17d-asid-leaf-nested", "parity", "leaf ASIdentifiers 64500 under a root with 64496-64511")(
    lambda: ext_root([ext("asIds", as_range(64496, 64511), True)], [ext("asIds", as_ids(64500), True)]))
def ext_chain(root_extra, inter_extra, leaf_extra):
    """root (`root_extra`) -> intermediate (`inter_extra`, embedded) -> leaf (`leaf_extra`)."""
    rk, ik, lk = Key(), Key(), Key()
    root = Cert(name(("CN", "Resource Root")), rk, exts=ca_exts(rk, extra=root_extra))
    inter = Cert(name(("CN", "Resource Intermediate")), ik, root, exts=ca_exts(ik, rk, extra=inter_extra))
    lc = Cert(name(("CN", "Resource Signer")), lk, inter, exts=leaf_exts(lk, ik, extra=list(leaf_extra)))
    return chain(inter=inter, root=root, embed=[inter], leaf_cert=lc)
IP_INHERIT = seq(seq(octet(IPV4), null()))
def ip_ext(*families): return ext("ipAddrBlocks", seq(*families), True)
scenario("P16h-ipaddr-leaf-noncanonical", "parity", "leaf ipAddrBlocks {10.2.0.0/16, 10.1.0.0/16} (unsorted) under a root with 10.0.0.0/8")(
    lambda: ext_root([ip_ext(TEN_8)], [ip_ext(ip_family(IPV4, (b"\x0a\x02", 0), (b"\x0a\x01", 0)))]))
scenario("P16i-ipaddr-leaf-outside", "parity", "leaf ipAddrBlocks 11.0.0.0/16 under a root with 10.0.0.0/8")(
    lambda: ext_root([ip_ext(TEN_8)], [ip_ext(ip_family(IPV4, (b"\x0b\x00", 0)))]))
scenario("P16j-ipaddr-leaf-inherit", "parity", "leaf ipAddrBlocks IPv4 inherit, root without ipAddrBlocks (nothing left to check)")(
    lambda: ext_root([], [ext("ipAddrBlocks", IP_INHERIT, True)]))
scenario("P16k-ipaddr-inherit-intermediate", "parity", "root 10.0.0.0/8 -> intermediate IPv4 inherit -> leaf 10.1.0.0/16")(
    lambda: ext_chain([ip_ext(TEN_8)], [ext("ipAddrBlocks", IP_INHERIT, True)], [ip_ext(TEN_ONE_16)]))
scenario("P16l-ipaddr-anchor-inherits", "parity", "root ipAddrBlocks IPv4 inherit, leaf 10.1.0.0/16 (the anchor cannot inherit)")(
    lambda: ext_root([ext("ipAddrBlocks", IP_INHERIT, True)], [ip_ext(TEN_ONE_16)]))
scenario("P16m-ipaddr-intermediate-outside", "parity", "root 10.0.0.0/8 -> intermediate 11.0.0.0/8 -> leaf without ipAddrBlocks")(
    lambda: ext_chain([ip_ext(TEN_8)], [ip_ext(ip_family(IPV4, (b"\x0b", 0)))], []))
scenario("P17e-asid-leaf-outside", "parity", "leaf ASIdentifiers 65000 under a root with 64496-64511")(
    lambda: ext_root([ext("asIds", as_range(64496, 64511), True)], [ext("asIds", as_ids(65000), True)]))
scenario("P17f-asid-leaf-inherit", "parity", "leaf ASIdentifiers asnum inherit, root without ASIdentifiers")(
    lambda: ext_root([], [ext("asIds", seq(ctx(0, null())), True)]))
scenario("P17g-asid-leaf-noncanonical", "parity", "leaf ASIdentifiers {64500, 64501} (adjacent ids) under a root with 64496-64511")(
    lambda: ext_root([ext("asIds", as_range(64496, 64511), True)], [ext("asIds", as_ids(64500, 64501), True)]))
scenario("P17h-asid-rdi-missing", "parity", "leaf ASIdentifiers rdi 7 under a root listing only asnum 64496-64511")(
    lambda: ext_root([ext("asIds", as_range(64496, 64511), True)], [ext("asIds", seq(ctx(1, seq(integer(7)))), True)]))
scenario("P17i-asid-intermediate-without", "parity", "root asnum 64496-64511 -> intermediate without ASIdentifiers -> leaf asnum 64500 (unnested at the intermediate)")(
    lambda: ext_chain([ext("asIds", as_range(64496, 64511), True)], [], [ext("asIds", as_ids(64500), True)]))
scenario("P17j-asid-anchor-rdi-inherits", "parity", "root ASIdentifiers asnum 64496-64511 and rdi inherit, leaf asnum 64500 (the anchor cannot inherit either choice)")(
    lambda: ext_root([ext("asIds", seq(ctx(0, seq(seq(integer(64496), integer(64511)))), ctx(1, null())), True)],
                     [ext("asIds", as_ids(64500), True)]))
scenario("P18-ku-trailing-data", "parity", "leaf keyUsage value followed by a trailing NULL inside the extension OCTET STRING")(
    lambda: basic(leaf(cn="Trailing Data Signer", ku_names=None, extra=[ext("ku", ku("digitalSignature") + null(), True)])))
scenario("P18b-inter-nscerttype-no-bits", "parity", "intermediate (BC CA:TRUE) with nsCertType 03 01 07: unused bits but no octets")(
    lambda: ext_inter([ext("nsCertType", b"\x03\x01\x07")]))
scenario("P18c-inter-pathlen-padded", "parity", "intermediate pathLenConstraint INTEGER 00 05 (non-minimal encoding)")(
    lambda: ext_inter([], bc_value=seq(boolean(True), tlv(0x02, b"\x00\x05"))))
scenario("P18d-eku-bad-oid", "parity", "leaf extKeyUsage holding an OID whose subidentifier starts with 0x80")(
    lambda: basic(leaf(cn="Bad EKU Signer", eku_names=None, extra=[ext("eku", seq(oid(OIDS["emailProtection"]), tlv(0x06, b"\x2b\x80\x01")))])))
scenario("P18e-bc-boolean-long", "parity", "intermediate basicConstraints cA BOOLEAN of two octets")(
    lambda: ext_inter([], bc_value=seq(tlv(0x01, b"\xff\xff"))))

scenario("P18f-eku-ber-value", "parity", "leaf extKeyUsage value with an indefinite-length SEQUENCE (BER inside the extension)")(
    lambda: basic(leaf(cn="BER EKU Signer", eku_names=None,
                       extra=[ext("eku", b"\x30\x80" + oid(OIDS["emailProtection"]) + b"\x00\x00")])))

# ---------------------------------------------------------------- OpenSSL parity: BER certificates (P19)
# d2i_X509 keeps the received encoding of TBSCertificate (ASN1_SEQUENCE_enc)
# and X509_verify checks the signature over it, not over a DER re-encoding.

def ber_tbs(tbs):
    """The TBSCertificate with its length in a non-minimal long form (one more length octet)."""
    assert tbs[1] == 0x82
    return b"\x30\x83\x00" + tbs[2:]

def ber_cert_case(sign_ber):
    c = leaf(cn="BER TBS Signer")
    tbs = ber_tbs(c.tbs)
    signature = ROOT_KEY.sign(tbs if sign_ber else c.tbs, "sha256WithRSA")
    c.der = seq(tbs, sig_alg_der("sha256WithRSA"), bitstring(signature))
    msg = signed_data([Signer(c, attrs=None)], certs=[c])
    return S(pem_wrap(msg), leaf(cn="Unrelated").pem(), ROOT.pem())
def ber_certfile_case(sign_ber):
    c = leaf(cn="BER TBS Signer")
    tbs = ber_tbs(c.tbs)
    c.der = seq(tbs, sig_alg_der("sha256WithRSA"), bitstring(ROOT_KEY.sign(tbs if sign_ber else c.tbs, "sha256WithRSA")))
    return S(pem_wrap(signed_data([Signer(c, attrs=None)])), c.pem(), ROOT.pem())
scenario("P19c-ber-certfile-signed-ber", "parity", "certfile signer certificate whose TBSCertificate has a non-minimal length, signed over those BER bytes")(
    lambda: ber_certfile_case(True))
scenario("P19d-ber-certfile-signed-der", "parity", "certfile signer certificate whose TBSCertificate has a non-minimal length, signed over the DER form")(
    lambda: ber_certfile_case(False))
scenario("P19-ber-cert-signed-ber", "parity", "embedded signer certificate whose TBSCertificate has a non-minimal length, signed over those BER bytes")(
    lambda: ber_cert_case(True))
scenario("P19b-ber-cert-signed-der", "parity", "embedded signer certificate whose TBSCertificate has a non-minimal length, signed over the DER form")(
    lambda: ber_cert_case(False))

def null_long_length_case():
    """The SignerInfo's signatureAlgorithm NULL written 05 81 00: a long-form
    length that ends its AlgorithmIdentifier, which OpenSSL's
    asn1_get_length() refuses (it wants a byte after the length octets)."""
    c = leaf()
    real_null = globals()["null"]
    globals()["null"] = lambda: b"\x05\x81\x00"
    try:
        msg = signed_data([Signer(c, attrs=None)])
    finally:
        globals()["null"] = real_null
    assert b"\x05\x81\x00" in msg
    return S(pem_wrap(msg), c.pem(), ROOT.pem())
scenario("P19e-ber-null-long-length-last", "parity", "SignerInfo signatureAlgorithm parameters NULL encoded 05 81 00, the last bytes of the AlgorithmIdentifier")(
    null_long_length_case)

# ---------------------------------------------------------------- OpenSSL parity: large RSA exponents (P20)

def rsa_key_with_exponent(bits_, e):
    k = Key.__new__(Key)
    k.kind = "rsa"
    pem = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{bits_}",
                          "-pkeyopt", f"rsa_keygen_pubexp:{e}"], check=True, capture_output=True).stdout
    k.priv = serialization.load_pem_private_key(pem, None)
    assert k.priv.public_key().public_numbers().e == e
    k.spki = k.priv.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    k.skid = hashlib.sha1(k.spki).digest()
    return k
scenario("P20-rsa-exponent-41-bits", "parity", "RSA-2048 signer with public exponent 2^40+1, PKCS#1 v1.5 with signed attributes")(
    lambda: basic(leaf(key=rsa_key_with_exponent(2048, (1 << 40) + 1), cn="Large Exponent Signer"), opts=("-nocerts",)))
scenario("P20b-rsa-exponent-41-bits-intermediate", "parity", "intermediate with an RSA-2048 key of exponent 2^40+1 signs the leaf certificate")(
    lambda: (lambda k: (lambda inter: chain(inter=inter, embed=[inter]))(
        Cert(name(("CN", "Large Exponent Intermediate")), k, ROOT, exts=ca_exts(k, ROOT_KEY))))(
        rsa_key_with_exponent(2048, (1 << 40) + 1)))
scenario("P20c-rsa-exponent-65-bits-pss", "parity", "RSA-2048 signer with public exponent 2^64+13 (65 bits), RSASSA-PSS")(
    lambda: basic(leaf(key=rsa_key_with_exponent(2048, (1 << 64) + 13), cn="Large Exponent PSS Signer"),
                  opts=("-nocerts", "-keyopt", "rsa_padding_mode:pss")))

# ---------------------------------------------------------------- writer

def write(sid, category, desc, built):
    d = OUT / sid
    d.mkdir(parents=True)
    (d / "message.pem").write_bytes(built["message"])
    (d / "certfile.pem").write_bytes(built["certfile"])
    (d / "cafile.pem").write_bytes(built["cafile"])
    (d / "content.bin").write_bytes(built["content"])
    (d / "desc.txt").write_text(desc + "\n")
    for rel, data in built["extra"].items():
        p = d / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        if rel.startswith("ssl_cert_dir/"):
            subprocess.run(["openssl", "rehash", str(p.parent)], check=True, capture_output=True)

def write_all():
    """Rewrite every scenario and the baseline PKI under pki/ (fresh keys)."""
    if OUT.exists():
        if "--force" not in sys.argv:
            sys.exit(f"{OUT} exists; pass --force to regenerate")
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    (OUT.parent / "pki").mkdir(exist_ok=True)
    (OUT.parent / "pki" / "root.pem").write_bytes(ROOT.pem())
    (OUT.parent / "pki" / "root.key").write_bytes(ROOT_KEY.pem())
    (OUT.parent / "pki" / "intermediate.pem").write_bytes(INTER.pem())
    (OUT.parent / "pki" / "intermediate.key").write_bytes(INT_KEY.pem())
    index = []
    for sid, category, desc, fn in SCENARIOS:
        write(sid, category, desc, fn())
        index.append(f"{sid}\t{category}\t{desc}")
    (OUT / "index.tsv").write_text("\n".join(index) + "\n")
    print(f"wrote {len(SCENARIOS)} scenarios to {OUT}")

def write_only(ids):
    """Add-only mode: write the scenarios named in ids, nothing else.

    Each scenario directory is self-contained (its own certfile and cafile), so
    new scenarios do not need the keys of the committed ones. index.tsv gains
    one line per new id; the line of an id already listed stays where it is.
    """
    registered = {sid: (sid, category, desc, fn) for sid, category, desc, fn in SCENARIOS}
    unknown = [i for i in ids if i not in registered]
    if unknown:
        sys.exit(f"unknown scenario ids: {', '.join(unknown)}")
    existing = [i for i in ids if (OUT / i).exists()]
    if existing and "--force" not in sys.argv:
        sys.exit(f"already written: {', '.join(existing)}; pass --force as well to rewrite just those")
    index_path = OUT / "index.tsv"
    index = index_path.read_text().splitlines() if index_path.exists() else []
    listed = {line.split("\t", 1)[0]: n for n, line in enumerate(index)}
    for i in ids:
        sid, category, desc, fn = registered[i]
        if (OUT / sid).exists():
            shutil.rmtree(OUT / sid)
        write(sid, category, desc, fn())
        line = f"{sid}\t{category}\t{desc}"
        if sid in listed:
            index[listed[sid]] = line
        else:
            listed[sid] = len(index)
            index.append(line)
    index_path.write_text("\n".join(index) + "\n")
    print(f"wrote {len(ids)} scenarios to {OUT}; index.tsv lists {len(index)}")

def main():
    if "--only" in sys.argv:
        at = sys.argv.index("--only")
        if at + 1 >= len(sys.argv):
            sys.exit("--only needs ID[,ID...]")
        write_only([i for i in sys.argv[at + 1].split(",") if i])
    else:
        write_all()

if __name__ == "__main__":
    main()
