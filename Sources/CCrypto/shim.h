/*
 * CCrypto: the parts of OpenSSL's libcrypto that syspro-bq uses (EVP digests, AES-256-GCM, RSA signing,
 * PEM key loading, random bytes).
 *
 * Why each shim exists:
 *  - OPENSSL_free is a macro (it passes __FILE__ and __LINE__), which Swift does not import.
 *  - ERR_get_error's text needs a caller buffer; the wrapper keeps the buffer handling in one place.
 */
#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>

static inline void CCrypto_free(void *pointer) { OPENSSL_free(pointer); }

/* Writes the text of the oldest queued OpenSSL error into buffer and clears the queue. Returns the code. */
static inline unsigned long CCrypto_last_error(char *buffer, size_t length) {
    unsigned long code = ERR_get_error();
    if (code != 0 && buffer != NULL && length > 0) {
        ERR_error_string_n(code, buffer, length);
    } else if (buffer != NULL && length > 0) {
        buffer[0] = 0;
    }
    ERR_clear_error();
    return code;
}
#endif
