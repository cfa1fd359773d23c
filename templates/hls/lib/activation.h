// hlsq support library: element-wise layers (ReLU, clipped ReLU, LeakyReLU/PReLU, BatchNorm, Quant,
// Rescale). Each computes its expression at full precision in the vendor's result types and converts
// once to res_t. Per-channel constants are indexed by the last axis (channels last).
//
// CONFIG_T::results does that conversion for element i: same_result below when every channel has one
// result type; with per-channel result types the layer's config defines its own struct converting into
// element i's channel type, then into res_t, a container holding every channel type's values exactly.
#ifndef HLSQ_ACTIVATION_H
#define HLSQ_ACTIVATION_H

// HLS pragmas are not g++ pragmas: keep `g++ -Wall` quiet about them (and about loop labels) here.
#pragma GCC system_header

#include "common.h"

namespace hlsq {

// Which of n per-channel constants element i uses (n is 1 or the channel count; channels last).
template <int n> inline int channel_of(int i) {
#pragma HLS INLINE
    return n == 1 ? 0 : i % n;
}

// One result type for every element: res_t(v).
struct same_result {
    template <class R, class V> static R convert(int, const V &v) { return R(v); }
};

// max(x, 0) converted to res_t (a non-positive x gives the zero code, converting nothing).
template <class CONFIG_T, class res_T, class data_T> inline res_T rectified(int i, const data_T &x) {
#pragma HLS INLINE
    if (x <= 0) return 0;
    return CONFIG_T::results::template convert<res_T>(i, x);
}

template <class CONFIG_T, class data_T, class res_T> void relu(const data_T in[CONFIG_T::n_elem], res_T out[CONFIG_T::n_elem]) {
ElementLoop:
    for (int i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
        out[i] = rectified<CONFIG_T, res_T>(i, in[i]);
    }
}

template <class CONFIG_T, class data_T, class res_T>
void relu_max(const data_T in[CONFIG_T::n_elem], res_T out[CONFIG_T::n_elem], const typename CONFIG_T::max_code_t max_code[1]) {
    const typename CONFIG_T::max_t m = from_code<typename CONFIG_T::max_t, CONFIG_T::max_width>(max_code[0]);
ElementLoop:
    for (int i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
        const data_T x = in[i];
        if (x > 0 && x > m) {
            out[i] = res_T(m);
        } else {
            out[i] = rectified<CONFIG_T, res_T>(i, x);
        }
    }
}

// alpha has one code (LeakyReLU) or one per channel (PReLU).
template <class CONFIG_T, class data_T, class res_T>
void leaky_relu(const data_T in[CONFIG_T::n_elem], res_T out[CONFIG_T::n_elem],
                const typename CONFIG_T::alpha_code_t alpha[CONFIG_T::n_alpha]) {
ElementLoop:
    for (int i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
        const data_T x = in[i];
        const typename CONFIG_T::alpha_t a =
            from_code<typename CONFIG_T::alpha_t, CONFIG_T::alpha_width>(alpha[channel_of<CONFIG_T::n_alpha>(i)]);
        if (x > 0) {
            out[i] = CONFIG_T::results::template convert<res_T>(i, x);
        } else {
            out[i] = CONFIG_T::results::template convert<res_T>(i, x * a);
        }
    }
}

template <class CONFIG_T, class data_T, class res_T>
void batchnorm(const data_T in[CONFIG_T::n_elem], res_T out[CONFIG_T::n_elem],
               const typename CONFIG_T::scale_code_t scale[CONFIG_T::n_scale],
               const typename CONFIG_T::shift_code_t shift[CONFIG_T::n_shift]) {
ElementLoop:
    for (int i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
        const typename CONFIG_T::scale_t s =
            from_code<typename CONFIG_T::scale_t, CONFIG_T::scale_width>(scale[channel_of<CONFIG_T::n_scale>(i)]);
        const typename CONFIG_T::shift_t t =
            from_code<typename CONFIG_T::shift_t, CONFIG_T::shift_width>(shift[channel_of<CONFIG_T::n_shift>(i)]);
        out[i] = CONFIG_T::results::template convert<res_T>(i, in[i] * s + t);
    }
}

template <class CONFIG_T, class data_T, class res_T> void quant(const data_T in[CONFIG_T::n_elem], res_T out[CONFIG_T::n_elem]) {
ElementLoop:
    for (int i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
        out[i] = CONFIG_T::results::template convert<res_T>(i, in[i]);
    }
}

// The shift lives in the multiplier's type: the same code read with s fewer integer bits is m * 2^-s.
template <class CONFIG_T, class data_T, class res_T>
void rescale(const data_T in[CONFIG_T::n_elem], res_T out[CONFIG_T::n_elem],
             const typename CONFIG_T::multiplier_code_t multiplier[CONFIG_T::n_multiplier]) {
ElementLoop:
    for (int i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
        const typename CONFIG_T::multiplier_t m = from_code<typename CONFIG_T::multiplier_t, CONFIG_T::multiplier_width>(
            multiplier[channel_of<CONFIG_T::n_multiplier>(i)]);
        out[i] = res_T(in[i] * m);
    }
}

// Flatten / Reshape: the codes in C order, unchanged.
template <class CONFIG_T, class data_T, class res_T> void copy(const data_T in[CONFIG_T::n_elem], res_T out[CONFIG_T::n_elem]) {
ElementLoop:
    for (int i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
        out[i] = in[i];
    }
}

} // namespace hlsq

#endif
