// hlsq support library: the sliding window of the io_stream convolutions and pools.
//
// The input arrives one word per position (all channels of one pixel), rows top to bottom, pixels left
// to right. A kernel scans the *padded* frame, pad_top + in_height + pad_bottom rows of
// pad_left + in_width + pad_right positions, one position per iteration of its PixelLoop:
//   - next_word(): an input position reads one word from the stream; a padding position reads nothing
//     and yields a zero word, so the padded frame itself is never stored;
//   - slide(): the word enters the bottom-right corner of the window; the (window_height - 1) rows above
//     it come from the line buffer, which keeps for every frame column the last (window_height - 1)
//     words seen in that column;
//   - window_at_output(): when the window's top-left corner sits on an output position (stride and
//     output size), the kernel computes one output word from the window and writes it at once.
// Memory: (window_height - 1) x frame width words of line buffer plus window_height x window_width
// words of window registers, never the whole frame.
//
// CONFIG_T supplies in_height, in_width, n_chan, window_height, window_width, stride_height,
// stride_width, pad_top, pad_left, pad_bottom, pad_right, out_height, out_width and pixel_interval (the
// initiation interval of the PixelLoop).
#ifndef HLSQ_LINE_BUFFER_H
#define HLSQ_LINE_BUFFER_H

// HLS pragmas are not g++ pragmas: keep `g++ -Wall` quiet about them (and about loop labels) here.
#pragma GCC system_header

#include "stream.h"

namespace hlsq {

template <class CONFIG_T> struct padded_frame {
    static const int height = CONFIG_T::pad_top + CONFIG_T::in_height + CONFIG_T::pad_bottom;
    static const int width = CONFIG_T::pad_left + CONFIG_T::in_width + CONFIG_T::pad_right;
    static const int positions = height * width;
    // A 1-row window needs no line buffer; C++ has no zero-length array, so one unused row remains.
    static const int line_rows = CONFIG_T::window_height > 1 ? CONFIG_T::window_height - 1 : 1;
};

// Is frame position (y, x) an input pixel (not padding)?
template <class CONFIG_T> inline bool inside_input(int y, int x) {
#pragma HLS INLINE
    return y >= CONFIG_T::pad_top && y < CONFIG_T::pad_top + CONFIG_T::in_height && x >= CONFIG_T::pad_left &&
           x < CONFIG_T::pad_left + CONFIG_T::in_width;
}

// The word at frame position (y, x): the next input word, or zeros on padding.
template <class CONFIG_T, class data_T>
inline packet<data_T, CONFIG_T::n_chan> next_word(hls::stream<packet<data_T, CONFIG_T::n_chan> > &in, int y, int x) {
#pragma HLS INLINE
    packet<data_T, CONFIG_T::n_chan> word;
    if (inside_input<CONFIG_T>(y, x)) {
        word = in.read();
    } else {
    PaddingLoop:
        for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
            word.data[c] = 0;
        }
    }
    return word;
}

// The window moves one column right: `word` (frame column x) enters its bottom-right corner, the rows
// above come from the line buffer, whose column x moves up by one row and takes `word` at the bottom.
template <class CONFIG_T, class data_T>
inline void slide(data_T lines[padded_frame<CONFIG_T>::line_rows][padded_frame<CONFIG_T>::width][CONFIG_T::n_chan],
                  data_T window[CONFIG_T::window_height][CONFIG_T::window_width][CONFIG_T::n_chan],
                  const packet<data_T, CONFIG_T::n_chan> &word, int x) {
#pragma HLS INLINE
    const int H = CONFIG_T::window_height;
    const int W = CONFIG_T::window_width;
ShiftLoop:
    for (int r = 0; r < H; r++) {
#pragma HLS UNROLL
        for (int k = 0; k + 1 < W; k++) {
#pragma HLS UNROLL
            for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
                window[r][k][c] = window[r][k + 1][c];
            }
        }
    }
NewColumnLoop:
    for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
        for (int r = 0; r + 1 < H; r++) {
#pragma HLS UNROLL
            window[r][W - 1][c] = lines[r][x][c];
        }
        for (int r = 0; r + 2 < H; r++) {
#pragma HLS UNROLL
            lines[r][x][c] = lines[r + 1][x][c];
        }
        if (H > 1) lines[H > 1 ? H - 2 : 0][x][c] = word.data[c];
        window[H - 1][W - 1][c] = word.data[c];
    }
}

// Does a window whose top-left corner is at frame row (or column) `corner` produce output index `o`?
// Strides are compile-time constants: for power-of-two strides the division and remainder are wiring.
template <int stride, int out_size> inline bool output_index(int corner, int &o) {
#pragma HLS INLINE
    o = corner / stride;
    return corner >= 0 && corner % stride == 0 && o < out_size;
}

// After slide() at frame position (y, x): is the window an output position, and which (oy, ox)?
template <class CONFIG_T> inline bool window_at_output(int y, int x, int &oy, int &ox) {
#pragma HLS INLINE
    const bool row = output_index<CONFIG_T::stride_height, CONFIG_T::out_height>(y - (CONFIG_T::window_height - 1), oy);
    const bool column = output_index<CONFIG_T::stride_width, CONFIG_T::out_width>(x - (CONFIG_T::window_width - 1), ox);
    return row && column;
}

// Raster order over the padded frame.
template <class CONFIG_T> inline void next_position(int &y, int &x) {
#pragma HLS INLINE
    if (x == padded_frame<CONFIG_T>::width - 1) {
        x = 0;
        y++;
    } else {
        x++;
    }
}

} // namespace hlsq

#endif
