/*
 * CCurl: the libcurl easy API as Swift sees it.
 *
 * Why each shim exists:
 *  - curl_easy_setopt and curl_easy_getinfo are variadic; Swift cannot call variadic C functions.
 *    Each wrapper fixes the argument type that the option expects (long, string, pointer, curl_off_t,
 *    callback), so a caller cannot pass an int where libcurl reads a long.
 *  - CURLAUTH_BASIC is a macro with a cast, which Swift does not import.
 */
#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
#include <curl/curl.h>

typedef size_t (*CCurl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef size_t (*CCurl_read_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
typedef int (*CCurl_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                                       curl_off_t ulnow);

static const unsigned long CCurl_auth_basic = CURLAUTH_BASIC;

static inline CURLcode CCurl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode CCurl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode CCurl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode CCurl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode CCurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode CCurl_setopt_data_callback(CURL *handle, CURLoption option, CCurl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode CCurl_setopt_read_callback(CURL *handle, CURLoption option, CCurl_read_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode CCurl_setopt_xferinfo_callback(CURL *handle, CURLoption option,
                                                      CCurl_xferinfo_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode CCurl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode CCurl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode CCurl_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}
#endif
