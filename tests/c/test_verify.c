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

/* Verifies `path` (as a token or a CMS message) and compares the content
 * with `want`; the error stays NULL and the content is freed and zeroed. */
static int verifies_to(const cmsv_verifier *v, const char *path, int token,
                       const unsigned char *want, size_t want_len) {
    size_t len;
    unsigned char *msg = read_file(path, &len);
    cmsv_bytes out = {0};
    cmsv_error *err = NULL;
    cmsv_status s = token ? cmsv_verify_token(v, (const char *)msg, len, &out, &err)
                          : cmsv_verify(v, msg, len, &out, &err);
    int ok = s == CMSV_OK && err == NULL && out.len == want_len && out.data != NULL &&
             memcmp(out.data, want, want_len) == 0;
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

static int verifies_to_expected(const cmsv_verifier *v, const char *path, int token) {
    return verifies_to(v, path, token, expected, expected_len);
}

/* Verifies `path` (as a token or a CMS message) expecting failure; checks
 * that the out-parameter is untouched and the error matches the status, and
 * copies the error message. */
static cmsv_status status_of(const cmsv_verifier *v, const char *path, int token, char *message,
                             size_t cap) {
    size_t len;
    unsigned char *msg = read_file(path, &len);
    cmsv_bytes out = {(uint8_t *)0x1, 12345};
    cmsv_error *err = NULL;
    cmsv_status s = token ? cmsv_verify_token(v, (const char *)msg, len, &out, &err)
                          : cmsv_verify(v, msg, len, &out, &err);
    message[0] = 0;
    if (s != CMSV_OK) {
        CHECK(out.data == (uint8_t *)0x1 && out.len == 12345); /* untouched on failure */
        CHECK(err != NULL && cmsv_error_status(err) == s);
        CHECK(err != NULL && strlen(cmsv_error_message(err)) > 0);
        snprintf(message, cap, "%s", cmsv_error_message(err));
    } else {
        cmsv_bytes_free(&out);
    }
    cmsv_error_free(err);
    free(msg);
    return s;
}

static cmsv_verifier *from_files(const char *certfile, const char *cafile) {
    cmsv_verifier *v = NULL;
    cmsv_error *err = NULL;
    cmsv_status s = cmsv_verifier_from_files(certfile, cafile, &v, &err);
    if (s != CMSV_OK) {
        fprintf(stderr, "%s, %s: status %d: %s\n", certfile, cafile, (int)s,
                cmsv_error_message(err));
        cmsv_error_free(err);
        exit(1);
    }
    CHECK(v != NULL && err == NULL);
    return v;
}

/* Signs `content` in `form` and verifies the result with `v`: the content
 * must come back unchanged. */
static int sign_round_trips(const cmsv_signer *s, const cmsv_verifier *v, uint32_t form,
                            const unsigned char *content, size_t len) {
    cmsv_bytes signed_msg = {0}, back = {0};
    cmsv_error *err = NULL;
    cmsv_status st = cmsv_sign(s, content, len, form, &signed_msg, &err);
    if (st != CMSV_OK) {
        fprintf(stderr, "sign form %u: status %d: %s\n", form, (int)st, cmsv_error_message(err));
        cmsv_error_free(err);
        return 0;
    }
    int token = form == CMSV_SIGN_TOKEN || form == CMSV_SIGN_PKIZ;
    st = token ? cmsv_verify_token(v, (const char *)signed_msg.data, signed_msg.len, &back, &err)
               : cmsv_verify(v, signed_msg.data, signed_msg.len, &back, &err);
    int ok = st == CMSV_OK && back.len == len && (len == 0 || memcmp(back.data, content, len) == 0);
    if (!ok) {
        fprintf(stderr, "verify of signed form %u: status %d: %s\n", form, (int)st,
                err ? cmsv_error_message(err) : "(content differs)");
    }
    if (form == CMSV_SIGN_PEM) {
        CHECK(memcmp(signed_msg.data, "-----BEGIN CMS-----\n", 20) == 0);
    } else if (form == CMSV_SIGN_TOKEN) {
        CHECK(memcmp(signed_msg.data, "MII", 3) == 0);
    } else if (form == CMSV_SIGN_PKIZ) {
        CHECK(memcmp(signed_msg.data, "PKIZ_", 5) == 0);
    } else {
        CHECK(signed_msg.data[0] == 0x30);
    }
    cmsv_error_free(err);
    cmsv_bytes_free(&signed_msg);
    cmsv_bytes_free(&back);
    return ok;
}

static void test_signing(const cmsv_verifier *v) {
    cmsv_signer *s = NULL;
    cmsv_error *err = NULL;
    CHECK(cmsv_signer_from_files(K "signing_cert.pem", K "signing_key.pem", NULL, &s, &err) ==
          CMSV_OK);
    CHECK(s != NULL && err == NULL);
    for (uint32_t form = CMSV_SIGN_PEM; form <= CMSV_SIGN_PKIZ; form++) {
        CHECK(sign_round_trips(s, v, form, expected, expected_len));
    }
    CHECK(sign_round_trips(s, v, CMSV_SIGN_DER, NULL, 0)); /* empty content */

    /* The sample token was made by openssl cms -sign with SHA-256: signing is
     * deterministic (RSA PKCS#1 v1.5), so the PEM is byte-identical. */
    size_t pem_len;
    unsigned char *pem = read_file(K "token.pem", &pem_len);
    cmsv_bytes out = {0};
    CHECK(cmsv_sign(s, expected, expected_len, CMSV_SIGN_PEM, &out, NULL) == CMSV_OK);
    CHECK(out.len == pem_len && memcmp(out.data, pem, pem_len) == 0);
    cmsv_bytes_free(&out);
    free(pem);

    /* Usage errors leave the out-parameter untouched. */
    cmsv_bytes untouched = {(uint8_t *)0x1, 7};
    CHECK(cmsv_sign(s, expected, expected_len, 9, &untouched, &err) == CMSV_ERR_USAGE);
    CHECK(untouched.data == (uint8_t *)0x1 && untouched.len == 7);
    CHECK(err != NULL && strstr(cmsv_error_message(err), "form") != NULL);
    cmsv_error_free(err);
    err = NULL;
    CHECK(cmsv_sign(NULL, expected, expected_len, CMSV_SIGN_PEM, &out, NULL) == CMSV_ERR_USAGE);
    CHECK(cmsv_sign(s, NULL, 5, CMSV_SIGN_PEM, &out, NULL) == CMSV_ERR_USAGE);
    CHECK(cmsv_sign(s, expected, expected_len, CMSV_SIGN_PEM, NULL, NULL) == CMSV_ERR_USAGE);
    cmsv_signer_free(s);

    /* Configuration errors: a missing key, a key of another certificate, an
     * unknown digest. */
    cmsv_signer *none = NULL;
    CHECK(cmsv_signer_from_files(K "signing_cert.pem", K "missing.pem", NULL, &none, &err) ==
          CMSV_ERR_CONFIG);
    CHECK(none == NULL && err != NULL && strstr(cmsv_error_message(err), "missing.pem") != NULL);
    cmsv_error_free(err);
    err = NULL;
    CHECK(cmsv_signer_from_files(K "other/signing_cert.pem", K "signing_key.pem", NULL, &none,
                                 NULL) == CMSV_ERR_CONFIG);
    CHECK(cmsv_signer_from_files(K "signing_cert.pem", K "signing_key.pem", "sha999", &none,
                                 NULL) == CMSV_ERR_USAGE);
    CHECK(cmsv_signer_from_files(K "signing_cert.pem", K "signing_key.pem", "sha512", &none,
                                 NULL) == CMSV_OK);
    CHECK(sign_round_trips(none, v, CMSV_SIGN_TOKEN, expected, expected_len));
    cmsv_signer_free(none);
    cmsv_signer_free(NULL);
}

/* Each thread verifies the three forms over and over with the shared verifier. */
static void *worker(void *arg) {
    const cmsv_verifier *v = arg;
    for (int i = 0; i < 25; i++) {
        if (!verifies_to_expected(v, K "token.pki", 1) ||
            !verifies_to_expected(v, K "token.pkiz", 1) ||
            !verifies_to_expected(v, K "token.pem", 0)) {
            return (void *)1;
        }
    }
    return NULL;
}

int main(void) {
    expected = read_file(K "token.json", &expected_len);
    CHECK(strcmp(cmsv_version(), "") != 0);

    cmsv_verifier *v = from_files(K "signing_cert.pem", K "cacert.pem");
    char message[1024];

    /* Fixtures in every form: CMS as PEM and DER, BER (indefinite lengths,
     * PEM-wrapped), PKI and PKIZ tokens. */
    CHECK(verifies_to_expected(v, K "token.pem", 0));
    CHECK(verifies_to_expected(v, K "token.der", 0));
    CHECK(verifies_to_expected(v, K "token.pki", 1));
    CHECK(verifies_to_expected(v, K "token.pkiz", 1));
    {
        const char *s = "tests/data/scenarios/G19-ber-stream/";
        char certfile[256], cafile[256], msg[256];
        snprintf(certfile, sizeof certfile, "%scertfile.pem", s);
        snprintf(cafile, sizeof cafile, "%scafile.pem", s);
        snprintf(msg, sizeof msg, "%smessage.pem", s);
        cmsv_verifier *ber = from_files(certfile, cafile);
        size_t content_len;
        snprintf(msg, sizeof msg, "%scontent.bin", s);
        unsigned char *content = read_file(msg, &content_len);
        snprintf(msg, sizeof msg, "%smessage.pem", s);
        CHECK(verifies_to(ber, msg, 0, content, content_len));
        free(content);
        cmsv_verifier_free(ber);
    }

    /* CMSV_ERR_PARSE (3): garbage, and each function refuses the other's forms. */
    CHECK(status_of(v, K "token.json", 0, message, sizeof message) == CMSV_ERR_PARSE);
    CHECK(status_of(v, K "token.json", 1, message, sizeof message) == CMSV_ERR_PARSE);
    CHECK(status_of(v, K "token.pki", 0, message, sizeof message) == CMSV_ERR_PARSE);
    CHECK(strstr(message, "cmsv_verify_token") != NULL);
    CHECK(status_of(v, K "token.pkiz", 0, message, sizeof message) == CMSV_ERR_PARSE);
    CHECK(status_of(v, K "token.pem", 1, message, sizeof message) == CMSV_ERR_PARSE);

    /* CMSV_ERR_VERIFY (4): a token of another Keystone (signer not in the
     * certfile), our signer with another Keystone's CA (no path), an expired
     * signer, and no certfile at all. */
    CHECK(status_of(v, K "other/token.pem", 0, message, sizeof message) == CMSV_ERR_VERIFY);
    CHECK(strstr(message, "neither in the certfile") != NULL);
    CHECK(status_of(v, K "other/token.pkiz", 1, message, sizeof message) == CMSV_ERR_VERIFY);
    cmsv_verifier *wrong_ca = from_files(K "signing_cert.pem", K "other/cacert.pem");
    CHECK(status_of(wrong_ca, K "token.pki", 1, message, sizeof message) == CMSV_ERR_VERIFY);
    cmsv_verifier_free(wrong_ca);
    cmsv_verifier *expired = from_files("tests/data/scenarios/C01-leaf-expired/certfile.pem",
                                        "tests/data/scenarios/C01-leaf-expired/cafile.pem");
    CHECK(status_of(expired, "tests/data/scenarios/C01-leaf-expired/message.pem", 0, message,
                    sizeof message) == CMSV_ERR_VERIFY);
    CHECK(strstr(message, "expired") != NULL);
    cmsv_verifier_free(expired);

    /* CMSV_ERR_CONFIG (2): a missing file; *out stays untouched; err may be NULL. */
    cmsv_error *err = NULL;
    cmsv_verifier *none = NULL;
    CHECK(cmsv_verifier_from_files("/nonexistent/signing_cert.pem", K "cacert.pem", &none, &err) ==
          CMSV_ERR_CONFIG);
    CHECK(none == NULL && err != NULL);
    CHECK(cmsv_error_status(err) == CMSV_ERR_CONFIG);
    CHECK(strstr(cmsv_error_message(err), "/nonexistent/signing_cert.pem") != NULL);
    cmsv_error_free(err);
    err = NULL;
    CHECK(cmsv_verifier_from_files(K "signing_cert.pem", "/nonexistent/cacert.pem", &none, NULL) ==
          CMSV_ERR_CONFIG);
    CHECK(cmsv_verifier_from_files(K "token.json", K "cacert.pem", &none, NULL) == CMSV_ERR_CONFIG);
    CHECK(none == NULL);

    /* CMSV_ERR_USAGE (1): NULL where data is required; nothing is written
     * but the error. */
    cmsv_bytes out = {0};
    CHECK(cmsv_verify(NULL, (const uint8_t *)"x", 1, &out, &err) == CMSV_ERR_USAGE);
    CHECK(cmsv_error_status(err) == CMSV_ERR_USAGE);
    CHECK(strstr(cmsv_error_message(err), "NULL") != NULL);
    cmsv_error_free(err);
    err = NULL;
    CHECK(cmsv_verify(v, NULL, 10, &out, NULL) == CMSV_ERR_USAGE);
    CHECK(cmsv_verify(v, NULL, 0, &out, NULL) == CMSV_ERR_USAGE);
    CHECK(cmsv_verify(v, (const uint8_t *)"x", 1, NULL, NULL) == CMSV_ERR_USAGE);
    CHECK(cmsv_verify_token(NULL, "MII", 3, &out, NULL) == CMSV_ERR_USAGE);
    CHECK(cmsv_verify_token(v, NULL, 3, &out, NULL) == CMSV_ERR_USAGE);
    CHECK(cmsv_verify_token(v, "MII", 3, NULL, NULL) == CMSV_ERR_USAGE);
    CHECK(out.data == NULL && out.len == 0);
    CHECK(cmsv_verifier_from_files(NULL, K "cacert.pem", &none, NULL) == CMSV_ERR_USAGE);
    CHECK(cmsv_verifier_from_files(K "signing_cert.pem", NULL, &none, NULL) == CMSV_ERR_USAGE);
    CHECK(cmsv_verifier_from_files(K "signing_cert.pem", K "cacert.pem", NULL, NULL) ==
          CMSV_ERR_USAGE);
    CHECK(cmsv_verifier_from_pem(NULL, 0, NULL, 0, &none, NULL) == CMSV_ERR_USAGE);
    CHECK(cmsv_verifier_from_pem(NULL, 5, (const uint8_t *)"x", 1, &none, NULL) == CMSV_ERR_USAGE);
    CHECK(none == NULL);
    CHECK(cmsv_error_message(NULL) == NULL);
    CHECK(cmsv_error_status(NULL) == CMSV_ERR_USAGE);

    /* Ownership: every _free accepts NULL; cmsv_bytes_free zeroes, so a
     * second call is a no-op. */
    cmsv_error_free(NULL);
    cmsv_bytes_free(NULL);
    cmsv_verifier_free(NULL);
    {
        size_t len;
        unsigned char *msg = read_file(K "token.der", &len);
        cmsv_bytes content = {0};
        CHECK(cmsv_verify(v, msg, len, &content, NULL) == CMSV_OK);
        CHECK(content.data != NULL && content.len == expected_len);
        free(msg); /* the content does not borrow from the input */
        CHECK(memcmp(content.data, expected, expected_len) == 0);
        cmsv_bytes_free(&content);
        CHECK(content.data == NULL && content.len == 0);
        cmsv_bytes_free(&content);
    }

    /* From PEM in memory; without certfile the token's signer is unknown. */
    size_t cl, al;
    unsigned char *certs = read_file(K "signing_cert.pem", &cl);
    unsigned char *cas = read_file(K "cacert.pem", &al);
    cmsv_verifier *v2 = NULL;
    CHECK(cmsv_verifier_from_pem(certs, cl, cas, al, &v2, NULL) == CMSV_OK);
    free(certs); /* the verifier keeps its own copy */
    CHECK(verifies_to_expected(v2, K "token.pem", 0));
    cmsv_verifier_free(v2);
    cmsv_verifier *no_certs = NULL;
    CHECK(cmsv_verifier_from_pem(NULL, 0, cas, al, &no_certs, NULL) == CMSV_OK);
    CHECK(status_of(no_certs, K "token.pem", 0, message, sizeof message) == CMSV_ERR_VERIFY);
    cmsv_verifier_free(no_certs);
    CHECK(cmsv_verifier_from_pem((const uint8_t *)"junk", 4, cas, al, &none, &err) ==
          CMSV_ERR_CONFIG);
    CHECK(none == NULL && cmsv_error_status(err) == CMSV_ERR_CONFIG);
    cmsv_error_free(err);
    err = NULL;
    free(cas);

    test_signing(v);

    /* Four threads share one verifier. */
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        CHECK(pthread_create(&threads[i], NULL, worker, v) == 0);
    }
    for (int i = 0; i < 4; i++) {
        void *result = (void *)1;
        CHECK(pthread_join(threads[i], &result) == 0);
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
