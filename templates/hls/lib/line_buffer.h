// hlsq support library: a sliding window over a stream of pixels (io_stream convolutions and pools).
//
// The input arrives one word per position (all channels of one pixel), rows top to bottom, pixels left
// to right. The window slides over the *padded* frame: pad_top + in_height + pad_bottom rows of
// pad_left + in_width + pad_right pixels. A padded position reads nothing from the stream: it enters the
// window as a zero word, so the padded frame itself is never stored. One frame position per iteration:
//   - the new word (read, or zero on padding) enters the bottom right corner of the window;
//   - the (window_height - 1) rows above it come from the line buffer, which keeps for every frame column
//     the last (window_height - 1) words seen in that column;
//   - when the window's top-left corner sits on an output position (stride and output size), the
//     layer's visitor computes one output word from the window.
// Memory: (window_height - 1) x frame_width words of line buffer plus window_height x window_width words
// of window registers, never the whole frame.
//
// CONFIG_T supplies in_height, in_width, n_chan, window_height, window_width, stride_height,
// stride_width, pad_top, pad_left, pad_bottom, pad_right, out_height, out_width and pixel_interval (the
// initiation interval of the per-position loop). A visitor has `void operator()(const data_T window[H][W][C], int oy, int ox,
// int top, int left)`, (top, left) being the window's top-left corner in padded-frame coordinates.
#ifndef HLSQ_LINE_BUFFER_H
#define HLSQ_LINE_BUFFER_H

// HLS pragmas are not g++ pragmas: keep `g++ -Wall` quiet about them (and about loop labels) here.
#pragma GCC system_header

#include "stream.h"

namespace hlsq {

template <class CONFIG_T> struct padded_frame {
    static const int height = CONFIG_T::pad_top + CONFIG_T::in_height + CONFIG_T::pad_bottom;
    static const int width = CONFIG_T::pad_left + CONFIG_T::in_width + CONFIG_T::pad_right;
    // A 1-row window needs no line buffer; C++ has no zero-length array, so one unused row remains.
    static const int line_rows = CONFIG_T::window_height > 1 ? CONFIG_T::window_height - 1 : 1;
};

// Is frame position (y, x) an input pixel (not padding)?
template <class CONFIG_T> inline bool inside_input(int y, int x) {
#pragma HLS INLINE
    return y >= CONFIG_T::pad_top && y < CONFIG_T::pad_top + CONFIG_T::in_height && x >= CONFIG_T::pad_left &&
           x < CONFIG_T::pad_left + CONFIG_T::in_width;
}

// Does a window whose top-left corner is at frame row (or column) `corner` produce output index `o`?
// Strides are compile-time constants: for power-of-two strides the division and remainder are wiring.
template <int stride, int out_size> inline bool output_index(int corner, int &o) {
#pragma HLS INLINE
    o = corner / stride;
    return corner >= 0 && corner % stride == 0 && o < out_size;
}

template <class CONFIG_T, class data_T, class visitor_T>
void slide_window(hls::stream<packet<data_T, CONFIG_T::n_chan> > &in, visitor_T &visit) {
#pragma HLS INLINE
    typedef padded_frame<CONFIG_T> frame;
    const int H = CONFIG_T::window_height;
    const int W = CONFIG_T::window_width;
    const int C = CONFIG_T::n_chan;
    const int ii = CONFIG_T::pixel_interval;

    // The line buffer is an array indexed by frame column, not a shift register: each (row, channel)
    // is one memory of frame_width words with one read and one write per iteration at the same address,
    // which maps to a RAM (or LUTRAM) at II = 1, whereas a shift register of a whole line would need
    // frame_width registers per word moved every cycle. Static: its contents are dead between frames
    // (every slot is written in a frame before it is read for an output), so no reset loop is needed.
    static data_T lines[frame::line_rows][frame::width][C];
#pragma HLS ARRAY_PARTITION variable = lines complete dim = 1
#pragma HLS ARRAY_PARTITION variable = lines complete dim = 3
    // The window is registers: every tap is read in the same iteration.
    data_T window[H][W][C];
#pragma HLS ARRAY_PARTITION variable = window complete dim = 0

    int y = 0;
    int x = 0;
PixelLoop:
    for (int p = 0; p < frame::height * frame::width; p++) {
#pragma HLS PIPELINE II = ii
        packet<data_T, C> word;
        if (inside_input<CONFIG_T>(y, x)) {
            word = in.read();
        } else {
        PaddingLoop:
            for (int c = 0; c < C; c++) {
#pragma HLS UNROLL
                word.data[c] = 0;
            }
        }
    ShiftLoop:
        for (int r = 0; r < H; r++) {
#pragma HLS UNROLL
        ShiftColumnLoop:
            for (int k = 0; k + 1 < W; k++) {
#pragma HLS UNROLL
                for (int c = 0; c < C; c++) {
#pragma HLS UNROLL
                    window[r][k][c] = window[r][k + 1][c];
                }
            }
        }
    NewColumnLoop:
        for (int c = 0; c < C; c++) {
#pragma HLS UNROLL
            // column x of the rows above, oldest first; the line buffer moves up by one row
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
        const int top = y - (H - 1);
        const int left = x - (W - 1);
        int oy = 0;
        int ox = 0;
        const bool row_ok = output_index<CONFIG_T::stride_height, CONFIG_T::out_height>(top, oy);
        const bool column_ok = output_index<CONFIG_T::stride_width, CONFIG_T::out_width>(left, ox);
        if (row_ok && column_ok) visit(window, oy, ox, top, left);
        if (x == frame::width - 1) {
            x = 0;
            y++;
        } else {
            x++;
        }
    }
}

} // namespace hlsq

#endif
