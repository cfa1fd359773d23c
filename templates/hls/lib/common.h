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

// Storage of a W-bit code in a constant array: ap_uint<W> under synthesis (ROM words of exactly W bits);
// for C simulation the smallest unsigned C++ integer that holds it, which g++ initialises as constant
// data (10^5-10^6 codes compile in seconds instead of minutes). Wider than 64 bits: ap_uint<W> always.
template <int W, int bytes = (W <= 8 ? 1 : W <= 16 ? 2 : W <= 32 ? 4 : W <= 64 ? 8 : 0)> struct code_storage {
    typedef ap_uint<W> type;
};
#ifndef __SYNTHESIS__
template <int W> struct code_storage<W, 1> {
    typedef unsigned char type;
};
template <int W> struct code_storage<W, 2> {
    typedef unsigned short type;
};
template <int W> struct code_storage<W, 4> {
    typedef unsigned int type;
};
template <int W> struct code_storage<W, 8> {
    typedef unsigned long long type;
};
#endif

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

// The input pixel (iy * in_width + ix) under tap (ky, kx) of the window of output pixel (oy, ox), or -1
// where the tap falls on padding. CONFIG_T holds the 2-D window geometry of a convolution or a pool.
template <class CONFIG_T> inline int window_pixel(int oy, int ox, int ky, int kx) {
#pragma HLS INLINE
    const int iy = oy * CONFIG_T::stride_height + ky - CONFIG_T::pad_top;
    const int ix = ox * CONFIG_T::stride_width + kx - CONFIG_T::pad_left;
    const bool inside = iy >= 0 && iy < CONFIG_T::in_height && ix >= 0 && ix < CONFIG_T::in_width;
    return inside ? iy * CONFIG_T::in_width + ix : -1;
}

} // namespace hlsq

#endif
