// hlsq support library: the multiply-accumulate rule that Dense and Conv share.
//
// The bias converted to accum_t, then every product converted to accum_t on its own and added, every
// partial sum kept in accum_t; one conversion to res_t at the end. These pieces are always inlined into
// the layer function, so its pragmas (ALLOCATION, ARRAY_PARTITION, PIPELINE) govern them.
//
// CONFIG_T::channels says how output channel j does those three conversions: same_types below when every
// channel has the same accumulator and result type; otherwise the layer's config defines its own struct
// that converts in channel j's own types and keeps the value in accum_t / res_t, containers that hold
// every channel type's values exactly (so storing there never changes a value).
#ifndef HLSQ_MAC_H
#define HLSQ_MAC_H

// HLS pragmas are not g++ pragmas: keep `g++ -Wall` quiet about them (and about loop labels) here.
#pragma GCC system_header

#include "common.h"

namespace hlsq {

// One accumulator type for every channel: start = accum_t(bias), add = acc + accum_t(product), result = res_t(acc).
template <class accum_t> struct same_types {
    template <class B> static accum_t start(int, const B &b) { return accum_t(b); }
    template <class P> static accum_t add(int, const accum_t &acc, const P &p) { return acc + accum_t(p); }
    template <class R> static R result(int, const accum_t &acc) { return R(acc); }
};

// acc[j] = bias_j, converted to accum_t.
template <class CONFIG_T, int N>
inline void load_biases(typename CONFIG_T::accum_t acc[N], const typename CONFIG_T::bias_code_t biases[N]) {
#pragma HLS INLINE
BiasLoop:
    for (int j = 0; j < N; j++) {
#pragma HLS UNROLL
        acc[j] = CONFIG_T::channels::start(j, from_code<typename CONFIG_T::bias_t, CONFIG_T::bias_width>(biases[j]));
    }
}

// acc += accum_t(x * w) for output channel j and the weight whose code is `code`.
template <class CONFIG_T, class data_T>
inline void multiply_accumulate(typename CONFIG_T::accum_t &acc, int j, const data_T &x, const typename CONFIG_T::weight_code_t &code) {
#pragma HLS INLINE
    const typename CONFIG_T::weight_t w = from_code<typename CONFIG_T::weight_t, CONFIG_T::weight_width>(code);
    acc = CONFIG_T::channels::add(j, acc, x * w);
}

// One input against its row of N weights (w[row * N + j]), in order of j.
template <class CONFIG_T, int N, class data_T>
inline void accumulate_row(typename CONFIG_T::accum_t acc[N], const data_T &x, const typename CONFIG_T::weight_code_t weights[],
                           int row) {
#pragma HLS INLINE
MacLoop:
    for (int j = 0; j < N; j++) {
#pragma HLS UNROLL
        multiply_accumulate<CONFIG_T>(acc[j], j, x, weights[row * N + j]);
    }
}

// out[j] = res_t(acc[j]), in channel j's result type.
template <class CONFIG_T, int N, class res_T> inline void store_results(const typename CONFIG_T::accum_t acc[N], res_T out[N]) {
#pragma HLS INLINE
ResultLoop:
    for (int j = 0; j < N; j++) {
#pragma HLS UNROLL
        out[j] = CONFIG_T::channels::template result<res_T>(j, acc[j]);
    }
}

} // namespace hlsq

#endif
