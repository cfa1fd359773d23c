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

#include "mac.h"

namespace hlsq {

template <class CONFIG_T, class data_T, class res_T>
void conv2d(const data_T in[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
            res_T out[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt],
            const typename CONFIG_T::weight_code_t
                weights[CONFIG_T::kernel_height * CONFIG_T::kernel_width * CONFIG_T::n_chan * CONFIG_T::n_filt],
            const typename CONFIG_T::bias_code_t biases[CONFIG_T::n_filt]) {
    typedef typename CONFIG_T::accum_t accum_t;
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
            load_biases<CONFIG_T, CONFIG_T::n_filt>(acc, biases);
        KernelRowLoop:
            for (int ky = 0; ky < CONFIG_T::kernel_height; ky++) {
#pragma HLS UNROLL
            KernelColumnLoop:
                for (int kx = 0; kx < CONFIG_T::kernel_width; kx++) {
#pragma HLS UNROLL
                    const int pixel = window_pixel<CONFIG_T>(oy, ox, ky, kx);
                ChannelLoop:
                    for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
                        const data_T zero = 0;
                        const data_T x = pixel >= 0 ? in[pixel * CONFIG_T::n_chan + c] : zero;
                        const int row = (ky * CONFIG_T::kernel_width + kx) * CONFIG_T::n_chan + c;
                        accumulate_row<CONFIG_T, CONFIG_T::n_filt>(acc, x, weights, row);
                    }
                }
            }
            store_results<CONFIG_T, CONFIG_T::n_filt>(acc, out + (oy * CONFIG_T::out_width + ox) * CONFIG_T::n_filt);
        }
    }
}

// A 1-D convolution is the 2-D one over a single row: same weight layout, same order of accumulation.
template <class CONFIG_T> struct conv1d_as_2d : CONFIG_T {
    static const int in_height = 1;
    static const int kernel_height = 1;
    static const int stride_height = 1;
    static const int pad_top = 0;
    static const int out_height = 1;
};

template <class CONFIG_T, class data_T, class res_T>
void conv1d(const data_T in[CONFIG_T::in_width * CONFIG_T::n_chan], res_T out[CONFIG_T::out_width * CONFIG_T::n_filt],
            const typename CONFIG_T::weight_code_t weights[CONFIG_T::kernel_width * CONFIG_T::n_chan * CONFIG_T::n_filt],
            const typename CONFIG_T::bias_code_t biases[CONFIG_T::n_filt]) {
#pragma HLS INLINE
    conv2d<conv1d_as_2d<CONFIG_T>, data_T, res_T>(in, out, weights, biases);
}

} // namespace hlsq

#endif
