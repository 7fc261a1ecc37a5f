/*
 * CCrypto: the parts of OpenSSL's libcrypto that syspro-bq uses (EVP digests, AES-256-GCM, RSA signing,
 * PEM key loading, random bytes).
 *
 * Why each shim exists:
 *  - OPENSSL_free is a macro (it passes __FILE__ and __LINE__), which Swift does not import.
 *  - ERR_get_error's text needs a caller buffer; the wrapper keeps the buffer handling in one place.
 *  - CCrypto_sha256 hashes on a stack context with the low-level SHA256_* functions, which OpenSSL 3 marks
 *    deprecated (still exported, same SHA-NI code). The EVP route allocates a context, or re-initialises the
 *    provider's, per message: 114-155 ns for a 52-byte insertId message here against 65 ns, and EVP_Digest
 *    ~500 ns. Per-row hashing (insertIds, content versions, key digests) goes through this function.
 */
#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

static inline void CCrypto_free(void *pointer) { OPENSSL_free(pointer); }

/* SHA-256 of data[0..<length] into out (32 bytes). Returns 1 on success, 0 on failure. */
static inline int CCrypto_sha256(const void *data, size_t length, unsigned char *out) {
    SHA256_CTX context;
    if (SHA256_Init(&context) != 1 || SHA256_Update(&context, data, length) != 1) return 0;
    return SHA256_Final(out, &context);
}

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
