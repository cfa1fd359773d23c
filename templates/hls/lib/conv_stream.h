// hlsq support library: io_stream convolution, one input word in per frame position (line_buffer.h).
//
// Each output word is computed from the window exactly as conv.h computes an output position: the bias
// converted to accum_t, then for every kernel position (row-major) and input channel one product
// converted to accum_t and added (a padding tap holds a zero code), one conversion to res_t at the end.
// The PixelLoop runs at II = reuse_factor (pixel_interval) with ceil(n_in * n_filt / reuse_factor)
// multipliers.
#ifndef HLSQ_CONV_STREAM_H
#define HLSQ_CONV_STREAM_H

// HLS pragmas are not g++ pragmas: keep `g++ -Wall` quiet about them (and about loop labels) here.
#pragma GCC system_header

#include "line_buffer.h"
#include "mac.h"

namespace hlsq {

// The output word of one window (all filters).
template <class CONFIG_T, class data_T, class res_T>
inline packet<res_T, CONFIG_T::n_filt> conv_window(const data_T window[CONFIG_T::kernel_height][CONFIG_T::kernel_width][CONFIG_T::n_chan],
                                                  const typename CONFIG_T::weight_code_t weights[],
                                                  const typename CONFIG_T::bias_code_t biases[]) {
#pragma HLS INLINE
    typename CONFIG_T::accum_t acc[CONFIG_T::n_filt];
#pragma HLS ARRAY_PARTITION variable = acc complete
    load_biases<CONFIG_T, CONFIG_T::n_filt>(acc, biases);
KernelRowLoop:
    for (int ky = 0; ky < CONFIG_T::kernel_height; ky++) {
#pragma HLS UNROLL
    KernelColumnLoop:
        for (int kx = 0; kx < CONFIG_T::kernel_width; kx++) {
#pragma HLS UNROLL
        ChannelLoop:
            for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
                const int row = (ky * CONFIG_T::kernel_width + kx) * CONFIG_T::n_chan + c;
                accumulate_row<CONFIG_T, CONFIG_T::n_filt>(acc, window[ky][kx][c], weights, row);
            }
        }
    }
    packet<res_T, CONFIG_T::n_filt> word;
    store_results<CONFIG_T, CONFIG_T::n_filt>(acc, word.data);
    return word;
}

template <class CONFIG_T, class data_T, class res_T>
void conv2d_stream(hls::stream<packet<data_T, CONFIG_T::n_chan> > &in, hls::stream<packet<res_T, CONFIG_T::n_filt> > &out,
                   const typename CONFIG_T::weight_code_t
                       weights[CONFIG_T::kernel_height * CONFIG_T::kernel_width * CONFIG_T::n_chan * CONFIG_T::n_filt],
                   const typename CONFIG_T::bias_code_t biases[CONFIG_T::n_filt]) {
    typedef padded_frame<CONFIG_T> frame;
    const int multiplier_limit = CONFIG_T::multiplier_limit;
    const int pixel_interval = CONFIG_T::pixel_interval;
#pragma HLS ALLOCATION operation instances = mul limit = multiplier_limit
#pragma HLS ARRAY_PARTITION variable = weights complete
#pragma HLS ARRAY_PARTITION variable = biases complete

    // The line buffer is an array indexed by frame column, not a shift register: each (row, channel) is
    // one memory of frame-width words with one read and one write per iteration at the same address,
    // which maps to a RAM (or LUTRAM) at II = 1, whereas a shift register of a whole line would move
    // every stored word every cycle. Static: its contents are dead between frames (a slot is always
    // written in a frame before a window that reads it produces an output), so no reset loop is needed.
    static data_T lines[frame::line_rows][frame::width][CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable = lines complete dim = 1
#pragma HLS ARRAY_PARTITION variable = lines complete dim = 3
    // The window is registers: every tap is read in the same iteration.
    data_T window[CONFIG_T::window_height][CONFIG_T::window_width][CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable = window complete dim = 0

    int y = 0;
    int x = 0;
PixelLoop:
    for (int p = 0; p < frame::positions; p++) {
#pragma HLS PIPELINE II = pixel_interval
        slide<CONFIG_T>(lines, window, next_word<CONFIG_T>(in, y, x), x);
        int oy = 0;
        int ox = 0;
        if (window_at_output<CONFIG_T>(y, x, oy, ox)) out.write(conv_window<CONFIG_T, data_T, res_T>(window, weights, biases));
        next_position<CONFIG_T>(y, x);
    }
}

// A 1-D convolution is the 2-D one over a single row, as in conv.h.
template <class CONFIG_T> struct conv1d_stream_as_2d : CONFIG_T {
    static const int in_height = 1;
    static const int kernel_height = 1;
    static const int window_height = 1;
    static const int stride_height = 1;
    static const int pad_top = 0;
    static const int pad_bottom = 0;
    static const int out_height = 1;
};

template <class CONFIG_T, class data_T, class res_T>
void conv1d_stream(hls::stream<packet<data_T, CONFIG_T::n_chan> > &in, hls::stream<packet<res_T, CONFIG_T::n_filt> > &out,
                   const typename CONFIG_T::weight_code_t weights[CONFIG_T::kernel_width * CONFIG_T::n_chan * CONFIG_T::n_filt],
                   const typename CONFIG_T::bias_code_t biases[CONFIG_T::n_filt]) {
#pragma HLS INLINE
    conv2d_stream<conv1d_stream_as_2d<CONFIG_T>, data_T, res_T>(in, out, weights, biases);
}

} // namespace hlsq

#endif
