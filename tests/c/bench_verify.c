/* Per-verify time from C: one verifier, the sample PKI token, N iterations. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cmsverify.h"

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    FILE *f = fopen("tests/data/keystone/token.pki", "rb");
    if (!f) return 2;
    static char token[65536];
    size_t len = fread(token, 1, sizeof token, f);
    fclose(f);
    cmsv_verifier *v = NULL;
    if (cmsv_verifier_from_files("tests/data/keystone/signing_cert.pem", "tests/data/keystone/cacert.pem", &v, NULL) != CMSV_OK)
        return 2;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < n; i++) {
        cmsv_bytes out = {0};
        if (cmsv_verify_token(v, token, len, &out, NULL) != CMSV_OK) return 4;
        cmsv_bytes_free(&out);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double us = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / 1e3 / n;
    printf("C: %.1f us per PKI token verify (%d iterations)\n", us, n);
    cmsv_verifier_free(v);
    return 0;
}
