// hlsq support library: io_stream plumbing. A tensor [..., C] travels as one FIFO word per position, the
// word holding the C channels (channels last), so a stream carries size / C words per inference.
#ifndef HLSQ_STREAM_H
#define HLSQ_STREAM_H

// HLS pragmas are not g++ pragmas: keep `g++ -Wall` quiet about them (and about loop labels) here.
#pragma GCC system_header

#include "hls_stream.h"

#include "common.h"

namespace hlsq {

template <class T, int C> struct packet {
    T data[C];
};

// An element-wise layer's config applied to one word of N channels: its kernels index per-channel
// constants by element mod channel count, and within a word the element index is the channel.
template <class CONFIG_T, int N> struct per_word : CONFIG_T {
    static const int n_elem = N;
};

// A row-wise layer's config (softmax over the last axis) applied to one word: a single row.
template <class CONFIG_T> struct one_row : CONFIG_T {
    static const int n_rows = 1;
};

// Reads `positions` words into a flat array (the layer then computes as in io_parallel).
template <class T, int C, int positions> void read_stream(hls::stream<packet<T, C> > &in, T flat[positions * C]) {
ReadLoop:
    for (int p = 0; p < positions; p++) {
#pragma HLS PIPELINE II = 1
        const packet<T, C> word = in.read();
        for (int c = 0; c < C; c++) {
#pragma HLS UNROLL
            flat[p * C + c] = word.data[c];
        }
    }
}

template <class T, int C, int positions> void write_stream(const T flat[positions * C], hls::stream<packet<T, C> > &out) {
WriteLoop:
    for (int p = 0; p < positions; p++) {
#pragma HLS PIPELINE II = 1
        packet<T, C> word;
        for (int c = 0; c < C; c++) {
#pragma HLS UNROLL
            word.data[c] = flat[p * C + c];
        }
        out.write(word);
    }
}

// A stream read by two consumers is copied word for word.
template <class T, int C, int positions>
void clone_stream(hls::stream<packet<T, C> > &in, hls::stream<packet<T, C> > &out0, hls::stream<packet<T, C> > &out1) {
CloneLoop:
    for (int p = 0; p < positions; p++) {
#pragma HLS PIPELINE II = 1
        const packet<T, C> word = in.read();
        out0.write(word);
        out1.write(word);
    }
}

} // namespace hlsq

#endif
