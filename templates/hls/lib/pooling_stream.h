// hlsq support library: io_stream max and average pooling, one input word in per frame position.
//
// Window pools slide a window over the stream (line_buffer.h) and reduce each channel of each output
// window with the reducers of pooling.h: taps in row-major order, padding taps never offered (a max
// never compares padding). Global pools keep one reducer per channel and take every word as it
// arrives. Same results, code for code, as the io_parallel kernels of pooling.h.
#ifndef HLSQ_POOLING_STREAM_H
#define HLSQ_POOLING_STREAM_H

// HLS pragmas are not g++ pragmas: keep `g++ -Wall` quiet about them (and about loop labels) here.
#pragma GCC system_header

#include "line_buffer.h"
#include "pooling.h"

namespace hlsq {

// The output word of one window whose top-left corner is at frame position (top, left): each channel
// reduced over the taps that are inputs.
template <class CONFIG_T, class reducer_T, class data_T, class res_T>
inline packet<res_T, CONFIG_T::n_chan> pool_window(const data_T window[CONFIG_T::pool_height][CONFIG_T::pool_width][CONFIG_T::n_chan],
                                                  const reducer_T &prototype, int top, int left) {
#pragma HLS INLINE
    packet<res_T, CONFIG_T::n_chan> word;
ChannelLoop:
    for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
        reducer_T reduce = prototype;
    PoolRowLoop:
        for (int ky = 0; ky < CONFIG_T::pool_height; ky++) {
#pragma HLS UNROLL
        PoolColumnLoop:
            for (int kx = 0; kx < CONFIG_T::pool_width; kx++) {
#pragma HLS UNROLL
                if (inside_input<CONFIG_T>(top + ky, left + kx)) reduce.take(window[ky][kx][c]);
            }
        }
        word.data[c] = reduce.result();
    }
    return word;
}

template <class CONFIG_T, class reducer_T, class data_T, class res_T>
void pool2d_stream(hls::stream<packet<data_T, CONFIG_T::n_chan> > &in, hls::stream<packet<res_T, CONFIG_T::n_chan> > &out,
                   const reducer_T &prototype) {
#pragma HLS INLINE
    typedef padded_frame<CONFIG_T> frame;
    const int pixel_interval = CONFIG_T::pixel_interval;
    // Line buffer indexed by frame column and window registers: see conv2d_stream (conv_stream.h).
    static data_T lines[frame::line_rows][frame::width][CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable = lines complete dim = 1
#pragma HLS ARRAY_PARTITION variable = lines complete dim = 3
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
        if (window_at_output<CONFIG_T>(y, x, oy, ox)) {
            const int top = y - (CONFIG_T::window_height - 1);
            const int left = x - (CONFIG_T::window_width - 1);
            out.write(pool_window<CONFIG_T, reducer_T, data_T, res_T>(window, prototype, top, left));
        }
        next_position<CONFIG_T>(y, x);
    }
}

template <class CONFIG_T, class data_T, class res_T>
void maxpool2d_stream(hls::stream<packet<data_T, CONFIG_T::n_chan> > &in, hls::stream<packet<res_T, CONFIG_T::n_chan> > &out) {
    pool2d_stream<CONFIG_T>(in, out, max_reducer<data_T, res_T>());
}

template <class CONFIG_T, class data_T, class res_T>
void avgpool2d_stream(hls::stream<packet<data_T, CONFIG_T::n_chan> > &in, hls::stream<packet<res_T, CONFIG_T::n_chan> > &out,
                      const typename CONFIG_T::recip_code_t reciprocal[1]) {
    pool2d_stream<CONFIG_T>(in, out, mean_reducer<CONFIG_T, data_T, res_T>(reciprocal[0]));
}

// Global pools: one running reducer per channel; nothing but the reducers is stored.
template <class CONFIG_T, class reducer_T, class data_T, class res_T>
void pool_global_stream(hls::stream<packet<data_T, CONFIG_T::n_chan> > &in, hls::stream<packet<res_T, CONFIG_T::n_chan> > &out,
                        const reducer_T &prototype) {
#pragma HLS INLINE
    reducer_T all[CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable = all complete
StartLoop:
    for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
        all[c] = prototype;
    }
PositionLoop:
    for (int p = 0; p < CONFIG_T::positions; p++) {
#pragma HLS PIPELINE II = 1
        const packet<data_T, CONFIG_T::n_chan> word = in.read();
        for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
            all[c].take(word.data[c]);
        }
    }
    packet<res_T, CONFIG_T::n_chan> word;
ResultLoop:
    for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
        word.data[c] = all[c].result();
    }
    out.write(word);
}

template <class CONFIG_T, class data_T, class res_T>
void global_maxpool_stream(hls::stream<packet<data_T, CONFIG_T::n_chan> > &in, hls::stream<packet<res_T, CONFIG_T::n_chan> > &out) {
    pool_global_stream<CONFIG_T>(in, out, max_reducer<data_T, res_T>());
}

template <class CONFIG_T, class data_T, class res_T>
void global_avgpool_stream(hls::stream<packet<data_T, CONFIG_T::n_chan> > &in, hls::stream<packet<res_T, CONFIG_T::n_chan> > &out,
                           const typename CONFIG_T::recip_code_t reciprocal[1]) {
    pool_global_stream<CONFIG_T>(in, out, mean_reducer<CONFIG_T, data_T, res_T>(reciprocal[0]));
}

} // namespace hlsq

#endif
