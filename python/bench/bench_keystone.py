"""Per-call time of cms_verify and cms_sign_token: cmsverify.keystone vs keystoneclient's original
(which spawns openssl) on the same stream of distinct 3 KB tokens, same run; then 1 vs 2 threads.

    .venv/bin/python python/bench/bench_keystone.py [--seconds 3]

or `bash scripts/bench-python.sh`, which builds the module in release mode first.
"""

import argparse
import os
import pathlib
import statistics
import threading
import time

from keystoneclient.common import cms as original

from cmsverify import keystone

K = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "keystone"
CERT, CA = str(K / "signing_cert.pem"), str(K / "cacert.pem")


DISTINCT = 64
PAIRS = 9


def per_call(fn, seconds):
    """Seconds per call of fn(i), i cycling over the distinct inputs."""
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn(n % DISTINCT)
        n += 1
    return (time.perf_counter() - start) / n


def throughput(fn, threads, seconds):
    counts = [0] * threads
    stop = time.perf_counter() + seconds

    def work(i):
        n = 0
        while time.perf_counter() < stop:
            fn(n % DISTINCT)
            n += 1
        counts[i] = n

    ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(counts) / seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    text = (K / "token.json").read_text()
    key = str(K / "signing_key.pem")
    # Distinct tokens, as a service sees them: the sample token JSON plus a counter.
    contents = [text + f"{i:08}" for i in range(DISTINCT)]
    pems = [original.token_to_cms(keystone.cms_sign_token(c, CERT, key)) for c in contents]
    for pem, content in zip(pems[:2], contents):
        # keystoneclient signs without -binary: line ends come back as CRLF.
        assert keystone.cms_verify(pem, CERT, CA).decode().replace("\r\n", "\n") == content
        assert original.cms_verify(pem, CERT, CA).decode().replace("\r\n", "\n") == content
    ours = per_call(lambda i: keystone.cms_verify(pems[i], CERT, CA), args.seconds)
    theirs = per_call(lambda i: original.cms_verify(pems[i], CERT, CA), args.seconds)
    print(f"cms_verify, distinct 3 KB tokens: cmsverify {ours * 1e6:.1f} us, keystoneclient+openssl {theirs * 1e6:.1f} us, "
          f"{theirs / ours:.0f}x faster")
    verify_ratio = theirs / ours
    assert keystone.cms_sign_token(text, CERT, key) == original.cms_sign_token(text, CERT, key)
    ours = per_call(lambda i: keystone.cms_sign_token(contents[i], CERT, key), args.seconds)
    theirs = per_call(lambda i: original.cms_sign_token(contents[i], CERT, key), args.seconds)
    print(f"cms_sign_token, 3 KB token: cmsverify {ours * 1e6:.1f} us, keystoneclient+openssl {theirs * 1e6:.1f} us, "
          f"{theirs / ours:.0f}x faster")
    # 1 and 2 threads alternate, PAIRS times: on a shared 2-core machine one
    # pair's ratio moves by +-0.2 with the neighbours, the median much less.
    verify = lambda i: keystone.cms_verify(pems[i], CERT, CA)  # noqa: E731
    pairs = [(throughput(verify, 1, args.seconds / 2), throughput(verify, 2, args.seconds / 2))
             for _ in range(PAIRS)]
    ratios = sorted(two / one for one, two in pairs)
    one = statistics.median(p[0] for p in pairs)
    two = statistics.median(p[1] for p in pairs)
    ratio = statistics.median(ratios)
    print(f"throughput: 1 thread {one:.0f}/s, 2 threads {two:.0f}/s (medians of {PAIRS} alternating pairs), "
          f"scaling {ratio:.2f}x (median; pairs {ratios[0]:.2f}..{ratios[-1]:.2f})")
    # Issue 19's targets, reported, never asserted: a busy machine misses them.
    print(f"targets: cms_verify {verify_ratio:.0f}x keystoneclient (target >= 150x: "
          f"{'met' if verify_ratio >= 150 else 'missed'}), 2 threads {ratio:.2f}x one "
          f"(target >= 1.8x: {'met' if ratio >= 1.8 else 'missed'}; {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
