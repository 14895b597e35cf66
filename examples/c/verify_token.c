/* Verify a Keystone token (PKI or PKIZ) and print its content.
 *   verify_token signing_cert.pem cacert.pem token-file
 * Exit status: the cmsv_status (0 verified, 2 config, 3 parse, 4 verify). */
#include <stdio.h>
#include <stdlib.h>

#include <cmsverify.h>

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s CERTFILE CAFILE TOKEN\n", argv[0]);
        return 1;
    }
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
    char token[65536];
    size_t len = fread(token, 1, sizeof token, f);
    fclose(f);

    cmsv_bytes content = {0};
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
