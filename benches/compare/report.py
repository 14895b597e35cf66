#!/usr/bin/env python3
"""Turn one run of the comparison benchmarks into the README's table and chart.

Run after `cargo bench --manifest-path benches/compare/Cargo.toml`:

    python3 benches/compare/report.py            # Markdown table on stdout
    python3 benches/compare/report.py --svg docs/performance.svg

Reads criterion's `new/benchmark.json` + `new/estimates.json` of every row
(medians), so the figures printed are exactly the ones criterion measured.
"""

import argparse
import json
import os
import pathlib

CRITERION = pathlib.Path(__file__).resolve().parent / "target" / "criterion"

# (criterion full id, label in the table), in table order.
ROWS = [
    ("cmsverify/warm/pki_3k", "cmsverify, PKI token 3 KB, distinct tokens, path cached"),
    ("cmsverify/warm/pki_10k", "cmsverify, PKI token 10 KB"),
    ("cmsverify/warm/pem_3k", "cmsverify, PEM 3 KB"),
    ("cmsverify/warm/pkiz_3k", "cmsverify, PKIZ token, 3 KB JSON"),
    ("cmsverify/warm/signed_attrs_3k", "cmsverify, PKI 3 KB with signed attributes"),
    ("cmsverify/warm/ecdsa_p256_3k", "cmsverify, ECDSA P-256, PKI 3 KB"),
    ("cmsverify/threads2/pki_3k", "cmsverify, PKI 3 KB, 2 threads on one Verifier (time per verify)"),
    ("cmsverify/cold/pki_3k", "cmsverify cold: new Verifier, first use of the signer"),
    ("openssl/in_process/pem_3k", "OpenSSL in-process CmsContentInfo::verify, PEM 3 KB"),
    ("openssl/spawn_openssl_cms/pem_3k", "spawn `openssl cms -verify` (keystoneclient's way)"),
    ("floor_rsa2048_verify/rsa_crate", "floor: one RSA-2048 verify, `rsa` crate"),
    ("floor_rsa2048_verify/openssl", "floor: one RSA-2048 verify, OpenSSL"),
]


def medians():
    """Median nanoseconds per criterion full id."""
    found = {}
    for bench in CRITERION.rglob("new/benchmark.json"):
        full_id = json.loads(bench.read_text())["full_id"]
        estimates = json.loads((bench.parent / "estimates.json").read_text())
        found[full_id] = estimates["median"]["point_estimate"]
    return found


def machine():
    model = "unknown CPU"
    for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{model}, {os.cpu_count()} vCPU"


def table(found):
    lines = ["| Row | median µs / token | tokens / s |", "|---|---:|---:|"]
    for full_id, label in ROWS:
        if full_id in found:
            us = found[full_id] / 1000
            lines.append(f"| {label} | {us:,.1f} | {1e6 / us:,.0f} |")
    ratios = [
        ("cmsverify PKI 3 KB / OpenSSL RSA-2048 floor (target <= 2.0)",
         "cmsverify/warm/pki_3k", "floor_rsa2048_verify/openssl"),
        ("cmsverify PKIZ 3 KB / PKI 3 KB (target <= 1.3)",
         "cmsverify/warm/pkiz_3k", "cmsverify/warm/pki_3k"),
        ("cmsverify cold / OpenSSL RSA-2048 floor (target <= 5.0)",
         "cmsverify/cold/pki_3k", "floor_rsa2048_verify/openssl"),
        ("cmsverify ECDSA P-256 / OpenSSL RSA-2048 floor",
         "cmsverify/warm/ecdsa_p256_3k", "floor_rsa2048_verify/openssl"),
        ("throughput, 2 threads / 1 thread, one shared Verifier (ideal 2.0)",
         "cmsverify/warm/pki_3k", "cmsverify/threads2/pki_3k"),
        ("OpenSSL in-process / cmsverify, PEM 3 KB (target >= 2.0)",
         "openssl/in_process/pem_3k", "cmsverify/warm/pem_3k"),
        ("spawning openssl / cmsverify, PEM 3 KB",
         "openssl/spawn_openssl_cms/pem_3k", "cmsverify/warm/pem_3k"),
        ("`rsa` crate floor / OpenSSL floor",
         "floor_rsa2048_verify/rsa_crate", "floor_rsa2048_verify/openssl"),
    ]
    lines += ["", "| Ratio | value |", "|---|---:|"]
    for label, a, b in ratios:
        if a in found and b in found:
            lines.append(f"| {label} | {found[a] / found[b]:.2f} |")
    lines += ["", f"Machine: {machine()}."]
    return "\n".join(lines)


def svg(found):
    """A horizontal bar chart (log scale is not needed: spawn is drawn cut)."""
    rows = [(label, found[i] / 1000) for i, label in ROWS if i in found]
    width, bar_left, row_h = 900, 430, 26
    cap = max(us for label, us in rows if "spawn" not in label) * 1.15
    scale = (width - bar_left - 160) / cap
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{row_h * len(rows) + 40}" font-family="sans-serif" font-size="12">',
        f'<text x="10" y="18" font-weight="bold">Median µs per verify '
        f"(criterion, {machine()}); shorter is faster</text>",
    ]
    for n, (label, us) in enumerate(rows):
        y = 30 + n * row_h
        cut = us > cap
        w = (cap if cut else us) * scale
        colour = "#2b7bb9" if label.startswith("cmsverify") else "#999999"
        text = f"{us:,.1f} µs" + (" (bar cut)" if cut else "")
        out += [
            f'<text x="{bar_left - 8}" y="{y + 15}" text-anchor="end">{label.replace("`", "")}</text>',
            f'<rect x="{bar_left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{colour}"/>',
            f'<text x="{bar_left + w + 6:.1f}" y="{y + 15}">{text}</text>',
        ]
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=pathlib.Path, help="also write the chart here")
    args = parser.parse_args()
    found = medians()
    if not found:
        raise SystemExit(f"no criterion results under {CRITERION}: run the benchmarks first")
    print(table(found))
    if args.svg:
        args.svg.parent.mkdir(parents=True, exist_ok=True)
        args.svg.write_text(svg(found))


if __name__ == "__main__":
    main()
