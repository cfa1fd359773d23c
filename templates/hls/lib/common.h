// hlsq support library: what every layer kind shares.
//
// Constants (weights, biases, tables) enter the datapath only as raw W-bit codes: from_code() copies the
// code's bits into a value of the target type, with no arithmetic conversion, so what the generator
// computed in TypeScript is exactly what the hardware holds.
#ifndef HLSQ_COMMON_H
#define HLSQ_COMMON_H

// HLS pragmas are not g++ pragmas: keep `g++ -Wall` quiet about them (and about loop labels) here.
#pragma GCC system_header

#include "ap_fixed.h"
#include "ap_int.h"

namespace hlsq {

enum strategy { latency, resource };

// The value of type T whose W-bit pattern is `code` (W must equal T's width).
template <class T, int W> inline T from_code(const ap_uint<W> &code) {
#pragma HLS INLINE
    T x = 0;
    x.range(W - 1, 0) = code;
    return x;
}

// The W-bit pattern of a value of type T (W must equal T's width).
template <int W, class T> inline ap_uint<W> to_code(const T &x) {
#pragma HLS INLINE
    ap_uint<W> code = x.range(W - 1, 0);
    return code;
}

} // namespace hlsq

#endif
