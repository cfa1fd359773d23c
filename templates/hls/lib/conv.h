// hlsq support library: 1-D and 2-D convolution (channels last, explicit zero padding).
//
// Each output position computes the dense rule over its window: the bias converted to accum_t, then for
// every kernel position (row-major) and input channel one product converted to accum_t and added; padding
// positions contribute the product of a zero code. One conversion to res_t at the end.
// Weights are w[((kh * kernel_w + kw) * n_chan + c) * n_filt + f] (Keras layout, flattened).
#ifndef HLSQ_CONV_H
#define HLSQ_CONV_H

// HLS pragmas are not g++ pragmas: keep `g++ -Wall` quiet about them (and about loop labels) here.
#pragma GCC system_header

#include "common.h"

namespace hlsq {

template <class CONFIG_T, class data_T, class res_T>
void conv1d(const data_T in[CONFIG_T::in_width * CONFIG_T::n_chan], res_T out[CONFIG_T::out_width * CONFIG_T::n_filt],
            const typename CONFIG_T::weight_code_t weights[CONFIG_T::kernel_width * CONFIG_T::n_chan * CONFIG_T::n_filt],
            const typename CONFIG_T::bias_code_t biases[CONFIG_T::n_filt]) {
    typedef typename CONFIG_T::accum_t accum_t;
    typedef typename CONFIG_T::weight_t weight_t;
    typedef typename CONFIG_T::bias_t bias_t;
    const int multiplier_limit = CONFIG_T::multiplier_limit;
#pragma HLS ALLOCATION operation instances = mul limit = multiplier_limit
#pragma HLS ARRAY_PARTITION variable = weights complete
#pragma HLS ARRAY_PARTITION variable = biases complete

OutputLoop:
    for (int ox = 0; ox < CONFIG_T::out_width; ox++) {
#pragma HLS UNROLL
        accum_t acc[CONFIG_T::n_filt];
#pragma HLS ARRAY_PARTITION variable = acc complete
    BiasLoop:
        for (int f = 0; f < CONFIG_T::n_filt; f++) {
#pragma HLS UNROLL
            acc[f] = from_code<bias_t, CONFIG_T::bias_width>(biases[f]);
        }
    KernelLoop:
        for (int k = 0; k < CONFIG_T::kernel_width; k++) {
#pragma HLS UNROLL
            const int ix = ox * CONFIG_T::stride_width + k - CONFIG_T::pad_left;
            const bool inside = ix >= 0 && ix < CONFIG_T::in_width;
        ChannelLoop:
            for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
                const data_T zero = 0;
                const data_T x = inside ? in[ix * CONFIG_T::n_chan + c] : zero;
            FilterLoop:
                for (int f = 0; f < CONFIG_T::n_filt; f++) {
#pragma HLS UNROLL
                    const weight_t w =
                        from_code<weight_t, CONFIG_T::weight_width>(weights[(k * CONFIG_T::n_chan + c) * CONFIG_T::n_filt + f]);
                    acc[f] = acc[f] + accum_t(x * w);
                }
            }
        }
    ResultLoop:
        for (int f = 0; f < CONFIG_T::n_filt; f++) {
#pragma HLS UNROLL
            out[ox * CONFIG_T::n_filt + f] = res_T(acc[f]);
        }
    }
}

template <class CONFIG_T, class data_T, class res_T>
void conv2d(const data_T in[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
            res_T out[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt],
            const typename CONFIG_T::weight_code_t
                weights[CONFIG_T::kernel_height * CONFIG_T::kernel_width * CONFIG_T::n_chan * CONFIG_T::n_filt],
            const typename CONFIG_T::bias_code_t biases[CONFIG_T::n_filt]) {
    typedef typename CONFIG_T::accum_t accum_t;
    typedef typename CONFIG_T::weight_t weight_t;
    typedef typename CONFIG_T::bias_t bias_t;
    const int multiplier_limit = CONFIG_T::multiplier_limit;
#pragma HLS ALLOCATION operation instances = mul limit = multiplier_limit
#pragma HLS ARRAY_PARTITION variable = weights complete
#pragma HLS ARRAY_PARTITION variable = biases complete

RowLoop:
    for (int oy = 0; oy < CONFIG_T::out_height; oy++) {
#pragma HLS UNROLL
    ColumnLoop:
        for (int ox = 0; ox < CONFIG_T::out_width; ox++) {
#pragma HLS UNROLL
            accum_t acc[CONFIG_T::n_filt];
#pragma HLS ARRAY_PARTITION variable = acc complete
        BiasLoop:
            for (int f = 0; f < CONFIG_T::n_filt; f++) {
#pragma HLS UNROLL
                acc[f] = from_code<bias_t, CONFIG_T::bias_width>(biases[f]);
            }
        KernelRowLoop:
            for (int ky = 0; ky < CONFIG_T::kernel_height; ky++) {
#pragma HLS UNROLL
            KernelColumnLoop:
                for (int kx = 0; kx < CONFIG_T::kernel_width; kx++) {
#pragma HLS UNROLL
                    const int iy = oy * CONFIG_T::stride_height + ky - CONFIG_T::pad_top;
                    const int ix = ox * CONFIG_T::stride_width + kx - CONFIG_T::pad_left;
                    const bool inside = iy >= 0 && iy < CONFIG_T::in_height && ix >= 0 && ix < CONFIG_T::in_width;
                ChannelLoop:
                    for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
                        const data_T zero = 0;
                        const data_T x = inside ? in[(iy * CONFIG_T::in_width + ix) * CONFIG_T::n_chan + c] : zero;
                    FilterLoop:
                        for (int f = 0; f < CONFIG_T::n_filt; f++) {
#pragma HLS UNROLL
                            const int k = ((ky * CONFIG_T::kernel_width + kx) * CONFIG_T::n_chan + c) * CONFIG_T::n_filt + f;
                            const weight_t w = from_code<weight_t, CONFIG_T::weight_width>(weights[k]);
                            acc[f] = acc[f] + accum_t(x * w);
                        }
                    }
                }
            }
        ResultLoop:
            for (int f = 0; f < CONFIG_T::n_filt; f++) {
#pragma HLS UNROLL
                out[(oy * CONFIG_T::out_width + ox) * CONFIG_T::n_filt + f] = res_T(acc[f]);
            }
        }
    }
}

} // namespace hlsq

#endif
