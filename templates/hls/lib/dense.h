// hlsq support library: fully connected layer.
//
// out[j] = res_t( bias_j + sum_i accum_t(in[i] * w[i][j]) ), with the bias converted to accum_t, every
// product converted to accum_t on its own and every partial sum kept in accum_t. accum_t is AP_WRAP and
// wide enough for the final sum (the generator proves it), so the result does not depend on the order
// in which the tool adds the terms. Weights are stored row-major as w[i * n_out + j].
#ifndef HLSQ_DENSE_H
#define HLSQ_DENSE_H

// HLS pragmas are not g++ pragmas: keep `g++ -Wall` quiet about them (and about loop labels) here.
#pragma GCC system_header

#include "mac.h"

namespace hlsq {

// Every product its own multiplier; the caller's PIPELINE II = reuse_factor shares them.
template <class CONFIG_T, class data_T, class res_T>
void dense_latency(const data_T in[CONFIG_T::n_in], res_T out[CONFIG_T::n_out],
                   const typename CONFIG_T::weight_code_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                   const typename CONFIG_T::bias_code_t biases[CONFIG_T::n_out]) {
    typedef typename CONFIG_T::accum_t accum_t;
    const int multiplier_limit = CONFIG_T::multiplier_limit;
#pragma HLS ALLOCATION operation instances = mul limit = multiplier_limit
#pragma HLS ARRAY_PARTITION variable = weights complete
#pragma HLS ARRAY_PARTITION variable = biases complete

    accum_t acc[CONFIG_T::n_out];
#pragma HLS ARRAY_PARTITION variable = acc complete

    load_biases<CONFIG_T, CONFIG_T::n_out>(acc, biases);
InputLoop:
    for (int i = 0; i < CONFIG_T::n_in; i++) {
#pragma HLS UNROLL
        accumulate_row<CONFIG_T, CONFIG_T::n_out>(acc, in[i], weights, i);
    }
    store_results<CONFIG_T, CONFIG_T::n_out>(acc, out);
}

// reuse_factor passes at II = 1, each doing block_factor multiply-accumulates on one ROM word.
template <class CONFIG_T, class data_T, class res_T>
void dense_resource(const data_T in[CONFIG_T::n_in], res_T out[CONFIG_T::n_out],
                    const typename CONFIG_T::weight_code_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    const typename CONFIG_T::bias_code_t biases[CONFIG_T::n_out]) {
    typedef typename CONFIG_T::accum_t accum_t;
    const int block_factor = CONFIG_T::block_factor;
#pragma HLS ARRAY_RESHAPE variable = weights block factor = block_factor
#pragma HLS ARRAY_PARTITION variable = biases complete

    accum_t acc[CONFIG_T::n_out];
#pragma HLS ARRAY_PARTITION variable = acc complete

    load_biases<CONFIG_T, CONFIG_T::n_out>(acc, biases);
ReuseLoop:
    for (int ir = 0; ir < CONFIG_T::reuse_factor; ir++) {
#pragma HLS PIPELINE II = 1 rewind
    BlockLoop:
        for (int im = 0; im < CONFIG_T::block_factor; im++) {
#pragma HLS UNROLL
            const int k = ir + CONFIG_T::reuse_factor * im;
            const int i = k / CONFIG_T::n_out;
            const int j = k % CONFIG_T::n_out;
            multiply_accumulate<CONFIG_T>(acc[j], j, in[i], weights[k]);
        }
    }
    store_results<CONFIG_T, CONFIG_T::n_out>(acc, out);
}

template <class CONFIG_T, class data_T, class res_T>
void dense(const data_T in[CONFIG_T::n_in], res_T out[CONFIG_T::n_out],
           const typename CONFIG_T::weight_code_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
           const typename CONFIG_T::bias_code_t biases[CONFIG_T::n_out]) {
#pragma HLS INLINE
    if (CONFIG_T::strategy == resource) {
        dense_resource<CONFIG_T, data_T, res_T>(in, out, weights, biases);
    } else {
        dense_latency<CONFIG_T, data_T, res_T>(in, out, weights, biases);
    }
}

} // namespace hlsq

#endif
