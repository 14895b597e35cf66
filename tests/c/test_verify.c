/* C ABI tests: fixtures, every status code, NULL handling, ownership and
 * concurrent use of one verifier from four threads.
 * Run from the repository root (paths are relative to it). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmsverify.h"

static int failures = 0;
#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                 \
            failures++;                                                     \
        }                                                                   \
    } while (0)

#define K "tests/data/keystone/"

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        exit(2);
    }
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

static unsigned char *expected;
static size_t expected_len;

static int verifies_to_expected(const cmsv_verifier *v, const char *path, int token) {
    size_t len;
    unsigned char *msg = read_file(path, &len);
    cmsv_bytes out = {0};
    cmsv_error *err = NULL;
    cmsv_status s = token ? cmsv_verify_token(v, (const char *)msg, len, &out, &err)
                          : cmsv_verify(v, msg, len, &out, &err);
    int ok = s == CMSV_OK && err == NULL && out.len == expected_len &&
             memcmp(out.data, expected, expected_len) == 0;
    if (!ok) {
        fprintf(stderr, "%s: status %d: %s\n", path, (int)s,
                err ? cmsv_error_message(err) : "(no error)");
    }
    cmsv_bytes_free(&out);
    CHECK(out.data == NULL && out.len == 0);
    cmsv_error_free(err);
    free(msg);
    return ok;
}

static cmsv_status status_of(const cmsv_verifier *v, const char *path, char *message, size_t cap) {
    size_t len;
    unsigned char *msg = read_file(path, &len);
    cmsv_bytes out = {(uint8_t *)0x1, 12345};
    cmsv_error *err = NULL;
    cmsv_status s = cmsv_verify(v, msg, len, &out, &err);
    if (s != CMSV_OK) {
        CHECK(out.data == (uint8_t *)0x1 && out.len == 12345); /* untouched on failure */
        CHECK(err != NULL && cmsv_error_status(err) == s);
        snprintf(message, cap, "%s", cmsv_error_message(err));
    }
    cmsv_error_free(err);
    free(msg);
    return s;
}

static void *worker(void *arg) {
    const cmsv_verifier *v = arg;
    for (int i = 0; i < 50; i++) {
        if (!verifies_to_expected(v, K "token.pki", 1)) {
            return (void *)1;
        }
    }
    return NULL;
}

int main(void) {
    expected = read_file(K "token.json", &expected_len);
    CHECK(strlen(cmsv_version()) > 0);

    cmsv_verifier *v = NULL;
    cmsv_error *err = NULL;
    CHECK(cmsv_verifier_from_files(K "signing_cert.pem", K "cacert.pem", &v, &err) == CMSV_OK);
    CHECK(v != NULL && err == NULL);

    /* Fixtures in every form. */
    CHECK(verifies_to_expected(v, K "token.pem", 0));
    CHECK(verifies_to_expected(v, K "token.der", 0));
    CHECK(verifies_to_expected(v, K "token.pki", 1));
    CHECK(verifies_to_expected(v, K "token.pkiz", 1));

    /* Status codes. */
    char message[1024];
    CHECK(status_of(v, K "token.json", message, sizeof message) == CMSV_ERR_PARSE);
    CHECK(status_of(v, K "other/token.pem", message, sizeof message) == CMSV_ERR_VERIFY);
    CHECK(strstr(message, "neither in the certfile") != NULL);
    cmsv_verifier *none = NULL;
    CHECK(cmsv_verifier_from_files("/nonexistent.pem", K "cacert.pem", &none, &err) == CMSV_ERR_CONFIG);
    CHECK(none == NULL && err != NULL);
    CHECK(strstr(cmsv_error_message(err), "/nonexistent.pem") != NULL);
    cmsv_error_free(err);
    err = NULL;
    /* err may be NULL. */
    CHECK(cmsv_verifier_from_files("/nonexistent.pem", K "cacert.pem", &none, NULL) == CMSV_ERR_CONFIG);

    /* NULL handling. */
    cmsv_bytes out = {0};
    CHECK(cmsv_verify(NULL, (const uint8_t *)"x", 1, &out, &err) == CMSV_ERR_USAGE);
    CHECK(cmsv_error_status(err) == CMSV_ERR_USAGE);
    cmsv_error_free(err);
    err = NULL;
    CHECK(cmsv_verify(v, NULL, 10, &out, NULL) == CMSV_ERR_USAGE);
    CHECK(cmsv_verify(v, (const uint8_t *)"x", 1, NULL, NULL) == CMSV_ERR_USAGE);
    CHECK(cmsv_verifier_from_files(NULL, K "cacert.pem", &none, NULL) == CMSV_ERR_USAGE);
    CHECK(cmsv_verifier_from_files(K "signing_cert.pem", K "cacert.pem", NULL, NULL) == CMSV_ERR_USAGE);
    CHECK(cmsv_error_message(NULL) == NULL);
    CHECK(cmsv_error_status(NULL) == CMSV_ERR_USAGE);
    cmsv_error_free(NULL);
    cmsv_bytes_free(NULL);
    cmsv_verifier_free(NULL);

    /* From PEM in memory. */
    size_t cl, al;
    unsigned char *certs = read_file(K "signing_cert.pem", &cl);
    unsigned char *cas = read_file(K "cacert.pem", &al);
    cmsv_verifier *v2 = NULL;
    CHECK(cmsv_verifier_from_pem(certs, cl, cas, al, &v2, NULL) == CMSV_OK);
    CHECK(verifies_to_expected(v2, K "token.pem", 0));
    CHECK(cmsv_verifier_from_pem(certs, cl, (const uint8_t *)"junk", 4, &none, &err) == CMSV_ERR_CONFIG);
    cmsv_error_free(err);
    cmsv_verifier_free(v2);
    free(certs);
    free(cas);

    /* Four threads share one verifier. */
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        CHECK(pthread_create(&threads[i], NULL, worker, v) == 0);
    }
    for (int i = 0; i < 4; i++) {
        void *result;
        pthread_join(threads[i], &result);
        CHECK(result == NULL);
    }

    cmsv_verifier_free(v);
    free(expected);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("C ABI tests passed\n");
    return 0;
}
