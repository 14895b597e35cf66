/* Verify a Keystone token (PKI or PKIZ) and print its content (the JSON).
 *
 *   cc verify_token.c $(pkg-config --cflags --libs cmsverify) -o verify_token
 *   ./verify_token signing_cert.pem cacert.pem token-file
 *
 * Exit status: the cmsv_status (0 verified, 1 usage, 2 certfile/CAfile,
 * 3 cannot parse the token, 4 verification failed). */
#include <stdio.h>
#include <stdlib.h>

#include <cmsverify.h>

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s CERTFILE CAFILE TOKEN-FILE\n", argv[0]);
        return 1;
    }

    /* One verifier per trust configuration: build it once, share it between
     * threads, free it at the end. */
    cmsv_verifier *verifier = NULL;
    cmsv_error *err = NULL;
    cmsv_status status = cmsv_verifier_from_files(argv[1], argv[2], &verifier, &err);
    if (status != CMSV_OK) {
        fprintf(stderr, "error: %s\n", cmsv_error_message(err));
        cmsv_error_free(err);
        return (int)status;
    }

    FILE *f = fopen(argv[3], "rb");
    if (!f) {
        perror(argv[3]);
        cmsv_verifier_free(verifier);
        return 2;
    }
    static char token[1 << 20];
    size_t len = fread(token, 1, sizeof token, f);
    fclose(f);

    cmsv_bytes content = {0}; /* written only on success */
    status = cmsv_verify_token(verifier, token, len, &content, &err);
    if (status == CMSV_OK) {
        fwrite(content.data, 1, content.len, stdout);
        cmsv_bytes_free(&content);
    } else {
        fprintf(stderr, "error: %s\n", cmsv_error_message(err));
        cmsv_error_free(err);
    }
    cmsv_verifier_free(verifier);
    return (int)status;
}
