/* Per-verify time from C: one verifier, the sample token in each form, N
 * iterations each (default 2000). Prints, asserts nothing.
 *   bench_verify [N]      (run from the repository root) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cmsverify.h"

#define K "tests/data/keystone/"

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        exit(2);
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static void bench(const cmsv_verifier *v, const char *name, const char *path, int token, int n) {
    size_t len;
    char *msg = read_file(path, &len);
    double start = now_us();
    for (int i = 0; i < n; i++) {
        cmsv_bytes out = {0};
        cmsv_error *err = NULL;
        cmsv_status s = token ? cmsv_verify_token(v, msg, len, &out, &err)
                              : cmsv_verify(v, (const uint8_t *)msg, len, &out, &err);
        if (s != CMSV_OK) {
            fprintf(stderr, "%s: %s\n", path, cmsv_error_message(err));
            exit((int)s);
        }
        cmsv_bytes_free(&out);
    }
    double us = (now_us() - start) / n;
    printf("C: %-29s %7.1f us per verify (%zu bytes, %d iterations)\n", name, us, len, n);
    free(msg);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    if (n <= 0) {
        n = 2000;
    }
    cmsv_verifier *v = NULL;
    cmsv_error *err = NULL;
    if (cmsv_verifier_from_files(K "signing_cert.pem", K "cacert.pem", &v, &err) != CMSV_OK) {
        fprintf(stderr, "%s\n", cmsv_error_message(err));
        return 2;
    }
    bench(v, "cmsv_verify_token (PKI)", K "token.pki", 1, n);
    bench(v, "cmsv_verify_token (PKIZ)", K "token.pkiz", 1, n);
    bench(v, "cmsv_verify (PEM)", K "token.pem", 0, n);
    bench(v, "cmsv_verify (DER)", K "token.der", 0, n);
    bench(v, "cmsv_verify_token (PKI, 10k)", K "token_10k.pki", 1, n / 4 > 0 ? n / 4 : 1);
    cmsv_verifier_free(v);
    return 0;
}
