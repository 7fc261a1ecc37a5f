/*
 * CZlib: the zlib API as Swift sees it.
 *
 * Why each shim exists:
 *  - deflateInit2 / inflateInit2 are function-like macros (they pass ZLIB_VERSION and sizeof(z_stream)),
 *    which Swift does not import. The wrappers below call them with the same arguments.
 */
#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
#include <zlib.h>

static inline int CZlib_deflateInit2(z_streamp strm, int level, int method, int windowBits, int memLevel,
                                     int strategy) {
    return deflateInit2(strm, level, method, windowBits, memLevel, strategy);
}

static inline int CZlib_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
