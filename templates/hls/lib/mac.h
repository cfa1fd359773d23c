// hlsq support library: the multiply-accumulate rule that Dense and Conv share.
//
// The bias converted to accum_t, then every product converted to accum_t on its own and added, every
// partial sum kept in accum_t; one conversion to res_t at the end. These pieces are always inlined into
// the layer function, so its pragmas (ALLOCATION, ARRAY_PARTITION, PIPELINE) govern them.
#ifndef HLSQ_MAC_H
#define HLSQ_MAC_H

// HLS pragmas are not g++ pragmas: keep `g++ -Wall` quiet about them (and about loop labels) here.
#pragma GCC system_header

#include "common.h"

namespace hlsq {

// acc[j] = bias_j, converted to accum_t.
template <class CONFIG_T, int N>
inline void load_biases(typename CONFIG_T::accum_t acc[N], const typename CONFIG_T::bias_code_t biases[N]) {
#pragma HLS INLINE
BiasLoop:
    for (int j = 0; j < N; j++) {
#pragma HLS UNROLL
        acc[j] = from_code<typename CONFIG_T::bias_t, CONFIG_T::bias_width>(biases[j]);
    }
}

// acc += accum_t(x * w) for the weight whose code is `code`.
template <class CONFIG_T, class data_T>
inline void multiply_accumulate(typename CONFIG_T::accum_t &acc, const data_T &x, const typename CONFIG_T::weight_code_t &code) {
#pragma HLS INLINE
    typedef typename CONFIG_T::accum_t accum_t;
    const typename CONFIG_T::weight_t w = from_code<typename CONFIG_T::weight_t, CONFIG_T::weight_width>(code);
    acc = acc + accum_t(x * w);
}

// One input against its row of N weights (w[row * N + j]), in order of j.
template <class CONFIG_T, int N, class data_T>
inline void accumulate_row(typename CONFIG_T::accum_t acc[N], const data_T &x, const typename CONFIG_T::weight_code_t weights[],
                           int row) {
#pragma HLS INLINE
MacLoop:
    for (int j = 0; j < N; j++) {
#pragma HLS UNROLL
        multiply_accumulate<CONFIG_T>(acc[j], x, weights[row * N + j]);
    }
}

// out[j] = res_t(acc[j]).
template <class CONFIG_T, int N, class res_T> inline void store_results(const typename CONFIG_T::accum_t acc[N], res_T out[N]) {
#pragma HLS INLINE
ResultLoop:
    for (int j = 0; j < N; j++) {
#pragma HLS UNROLL
        out[j] = res_T(acc[j]);
    }
}

} // namespace hlsq

#endif
