#!/usr/bin/env python3
"""Inputs for the findings of REVIEW.md, built with tests/data/generate.py's
helpers (fresh keys each run). Each case is a directory like a differential
scenario: message.pem, certfile.pem, cafile.pem, desc.txt.

Usage: python3 tests/data/review/gen_review.py   (from the repository root)
"""
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import generate as g  # noqa: E402
from generate import (S, Signer, leaf, ROOT, CT, MD, OIDS, attribute, seq, set_, tlv, oid, integer,  # noqa: E402
                      pem_wrap, signed_data, padding, hashes, alg, pss_params, basic, Key, Cert, name,
                      ca_exts, leaf_exts, ext, ctx, octet, digest, CONTENT)

CASES = []

def case(cid, desc):
    def reg(fn):
        CASES.append((cid, desc, fn))
        return fn
    return reg

UNKNOWN_ATTR = "1.3.6.1.4.1.55555.2"

# ---- R1: BER inside a SEQUENCE-typed attribute value --------------------------
def attr_ber_sequence(sign_der, ber_value):
    c = leaf()
    der_value = seq(integer(5))
    unk_der = seq(oid(UNKNOWN_ATTR), set_(der_value))
    unk_ber = seq(oid(UNKNOWN_ATTR), set_(ber_value))
    attrs = [CT(), MD(), unk_ber]
    to_sign = tlv(0x31, CT() + MD() + unk_der) if sign_der else tlv(0x31, b"".join(attrs))
    sig = c.key.priv.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
    return S(pem_wrap(signed_data([Signer(c, attrs=attrs, sig_bytes=lambda s: sig)])), c.pem(), ROOT.pem())

LONG_LEN = b"\x30\x81\x03" + integer(5)          # SEQUENCE { INTEGER 5 }, length 81 03
INDEF = b"\x30\x80" + integer(5) + b"\x00\x00"   # the same, indefinite length
case("R1-attr-seq-ber-long-length-signed-der",
     "unknown signed attribute whose value is SEQUENCE{INTEGER 5} with length 81 03; signature over the DER form 30 03")(
    lambda: attr_ber_sequence(True, LONG_LEN))
case("R1b-attr-seq-ber-indefinite-signed-der",
     "unknown signed attribute whose value is SEQUENCE{INTEGER 5} with indefinite length; signature over the DER form")(
    lambda: attr_ber_sequence(True, INDEF))
case("R1c-attr-seq-ber-long-length-signed-ber",
     "unknown signed attribute whose value is SEQUENCE{INTEGER 5} with length 81 03; signature over the bytes as sent")(
    lambda: attr_ber_sequence(False, LONG_LEN))

# ---- R2: ANY values OpenSSL's decoder refuses -----------------------------------
BAD_ANY = {
    "int-padded": b"\x02\x02\x00\x05",
    "null-content": b"\x05\x01\x00",
    "bool-2": b"\x01\x02\x00\x00",
    "oid-padded": b"\x06\x03\x2a\x80\x01",
    "bits-unused-8": b"\x03\x02\x08\x00",
    "seq-primitive": b"\x10\x00",
    "int-constructed": b"\x22\x03\x02\x01\x05",
    "bmp-odd": b"\x1e\x01\x41",
    "eoc": b"\x00\x00",
}
for k, v in BAD_ANY.items():
    case(f"R2-unsigned-attr-{k}", f"valid message plus an unsigned attribute whose value is {v.hex()}")(
        lambda v=v: g.attrs_case(unsigned=[seq(oid(UNKNOWN_ATTR), set_(v))]))
case("R2b-signed-attr-int-padded", "signed attribute whose value is INTEGER 00 05 (signature over the bytes as sent)")(
    lambda: g.attrs_case(lambda c: [CT(), MD(), seq(oid(UNKNOWN_ATTR), set_(b"\x02\x02\x00\x05"))]))
case("R2c-digest-algorithms-param-int-padded", "digestAlgorithms entry sha256 with parameters INTEGER 00 05")(
    lambda: (lambda c: S(pem_wrap(signed_data([Signer(c)], digest_algs=[seq(oid(OIDS["sha256"]), b"\x02\x02\x00\x05")])),
                         c.pem(), ROOT.pem()))(leaf()))
case("R2d-signerinfo-digest-param-null-content", "SignerInfo digestAlgorithm sha256 with parameters 05 01 00 (NULL with content)")(
    lambda: (lambda c: S(pem_wrap(signed_data([Signer(c, digest_alg=seq(oid(OIDS["sha256"]), b"\x05\x01\x00"))])),
                         c.pem(), ROOT.pem()))(leaf()))

# ---- R3: outer signatureAlgorithm of a certificate in BER ------------------------
def pss_cert_outer(ber):
    inner = alg("pss", pss_params())
    params = pss_params()
    body = params[2:]
    assert params[1] == len(body) < 0x80
    outer = seq(oid(OIDS["pss"]), (b"\x30\x81" + bytes([len(body)]) + body) if ber else params)
    k = Key()
    c = Cert(name(("O", "cmsverify tests"), ("CN", "PSS Signed Signer")), k, ROOT, exts=leaf_exts(k, g.ROOT_KEY),
             sig="pss", outer_alg=outer)
    return basic(c)
case("R3-cert-outer-pss-params-ber", "signer certificate signed with RSASSA-PSS; outer signatureAlgorithm parameters with length 81 xx, TBS copy DER")(
    lambda: pss_cert_outer(True))
case("R3b-cert-outer-pss-params-der", "control for R3: the same certificate with both algorithms in DER")(
    lambda: pss_cert_outer(False))

# ---- R4: name constraints, one long e-mail address -------------------------------
def nc_long_email(subtrees, email_len):
    rk = g.ROOT_KEY
    ik = Key()
    excluded = b"".join(seq(tlv(0x81, b"a")) for _ in range(subtrees))
    nc = seq(ctx(1, excluded))
    inter = Cert(name(("O", "cmsverify tests"), ("CN", "Constrained Intermediate")), ik, ROOT,
                 exts=ca_exts(ik, rk, extra=[ext("nc", nc, True)]))
    lk = Key()
    email = b"a@" + b"b" * email_len
    lc = Cert(name(("O", "cmsverify tests"), ("CN", "Long Mail Signer")), lk, inter,
              exts=leaf_exts(lk, ik, extra=[ext("san", seq(tlv(0x81, email)))]))
    msg = signed_data([Signer(lc)], certs=[inter, lc])
    return S(pem_wrap(msg), ROOT.pem(), ROOT.pem())
case("R4-nc-long-email-60000-subtrees", "intermediate and signer (both in the message): intermediate excluding 60,000 rfc822Name subtrees 'a'; signer SAN a@ + 200,000 x 'b'")(
    lambda: nc_long_email(60_000, 200_000))
case("R4b-nc-short-email-60000-subtrees", "control for R4: the same with a 10-byte address")(
    lambda: nc_long_email(60_000, 8))

# ---- R2e/R2f: certificate and CRL choices cmsverify skips unparsed -------------
def with_certs_field(extra_certs_der, crls_der=None):
    c = leaf()
    der = signed_data([Signer(c)])
    # Insert [0] certificates / [1] crls before signerInfos: rebuild by hand.
    sd = seq(integer(1), set_(alg("sha256")), seq(oid(OIDS["data"]), ctx(0, octet(CONTENT))),
             ctx(0, extra_certs_der) if extra_certs_der is not None else b"",
             ctx(1, crls_der) if crls_der is not None else b"",
             set_(Signer(c).encode(CONTENT)))
    return S(pem_wrap(seq(oid(OIDS["signedData"]), ctx(0, sd))), c.pem(), ROOT.pem())
case("R2e-certificates-octet-string", "certificates [0] holding an OCTET STRING (no CertificateChoices alternative)")(
    lambda: with_certs_field(b"\x04\x00"))
case("R2f-crls-garbage", "crls [1] holding SEQUENCE {} (not a CertificateList)")(
    lambda: with_certs_field(None, b"\x30\x00"))

# ---- R5: which failure is reported with two SignerInfos -------------------------
def two_signers_order(kind):
    a = leaf(cn="Signer A")
    ork = Key()
    other_root = Cert(name(("CN", "Other Root")), ork, exts=ca_exts(ork))
    if kind == "sig-then-path":
        b = leaf(cn="Signer B", issuer=other_root)
        signers = [Signer(a, attrs=None, sig_bytes=lambda s: bytes(len(s))), Signer(b, attrs=None)]
    else:  # digest-then-attr-signature
        b = leaf(cn="Signer B")
        signers = [Signer(a, attrs=[CT(), attribute("messageDigest", octet(bytes(32)))]),
                   Signer(b, sig_bytes=lambda s: s[:-1] + bytes([s[-1] ^ 1]))]
    return S(pem_wrap(signed_data(signers)), g.bundle(a, b), ROOT.pem())
case("R5-first-signature-bad-second-path-untrusted",
     "signer 1's signature is zeros; signer 2 chains to a root outside the CAfile (OpenSSL checks every path before any signature)")(
    lambda: two_signers_order("sig-then-path"))
case("R5b-first-digest-bad-second-attr-signature-bad",
     "signer 1's messageDigest is wrong; signer 2's attribute signature is corrupt (OpenSSL checks attribute signatures before digests)")(
    lambda: two_signers_order("digest-then-attr"))

# ---- R6: PEM armour OpenSSL's PEM_read_bio_ex refuses --------------------------
def pem_case(mutate):
    c = leaf()
    for k in range(3):
        content = CONTENT + b"x" * k
        der = signed_data([Signer(c)], content=content)
        if len(der) % 3:
            break
    return S(mutate(der), c.pem(), ROOT.pem(), content)

def blank_line_inside(der):
    lines = pem_wrap(der).split(b"\n")
    lines.insert(3, b"")      # after BEGIN and two body lines
    return b"\n".join(lines)

def bad_block_first(der):
    return b"-----BEGIN FOO-----\n!!!!\n-----END FOO-----\n" + pem_wrap(der)

def no_padding(der):
    return pem_wrap(der).replace(b"=", b"")

case("R6-pem-blank-line-in-body", "PEM body with an empty line after its second line (OpenSSL reads what precedes as RFC 1421 headers)")(
    lambda: pem_case(blank_line_inside))
case("R6b-pem-bad-base64-in-earlier-block", "a FOO block whose body is not base64, then a valid CMS block")(
    lambda: pem_case(bad_block_first))
case("R6c-pem-body-without-padding", "PEM body with its '=' padding removed")(
    lambda: pem_case(no_padding))

# ---- R7: RFC 3779 checks re-run on every complete path, unbudgeted --------------
def ip_blocks(count):
    # IPv4 /32 prefixes 10.0.0.0, 10.0.0.2, 10.0.0.4, ... (sorted, not adjacent: canonical)
    aors = []
    for i in range(count):
        v = 0x0A000000 + 2 * i
        aors.append(tlv(0x03, b"\x00" + v.to_bytes(4, "big")))
    family = seq(octet(b"\x00\x01"), seq(*aors))
    return seq(family)

def rfc3779_dag(layers, ranges):
    keys = [Key() for _ in range(layers)]
    certs = []
    issuers = [ROOT]
    for n, k in enumerate(keys, 1):
        parent_key = g.ROOT_KEY if n == 1 else keys[n - 2]
        layer = []
        for copy in range(2):
            c = Cert(name(("O", "cmsverify tests"), ("CN", f"Layer {n}")), k, issuers[0],
                     exts=ca_exts(k, parent_key))
            layer.append(c)
        certs += layer
        issuers = layer
    lk = Key()
    leaf_cert = Cert(name(("O", "cmsverify tests"), ("CN", "Resource Signer")), lk, issuers[0],
                     exts=leaf_exts(lk, keys[-1], extra=[ext("1.3.6.1.5.5.7.1.7", ip_blocks(ranges), True)]))
    msg = signed_data([Signer(leaf_cert)], certs=[leaf_cert] + certs)
    return S(pem_wrap(msg), ROOT.pem(), ROOT.pem())
case("R7-rfc3779-path-dag", "14 layers of two same-key intermediates (2^14 paths); signer with 60,000 ipAddrBlocks prefixes its issuers do not list")(
    lambda: rfc3779_dag(14, 60_000))
case("R7b-rfc3779-path-dag-small", "control for R7: the same DAG, signer with 1 prefix")(
    lambda: rfc3779_dag(14, 1))

def main():
    only = sys.argv[1].split(",") if len(sys.argv) > 1 else None
    for cid, desc, fn in CASES:
        if only and cid not in only:
            continue
        d = HERE / cid
        if d.exists():
            shutil.rmtree(d)
        d.mkdir()
        built = fn()
        (d / "message.pem").write_bytes(built["message"])
        (d / "certfile.pem").write_bytes(built["certfile"])
        (d / "cafile.pem").write_bytes(built["cafile"])
        (d / "desc.txt").write_text(desc + "\n")
        print("wrote", cid)

if __name__ == "__main__":
    main()
