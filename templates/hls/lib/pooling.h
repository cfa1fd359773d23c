// hlsq support library: max and average pooling (channels last).
//
// Max: padding positions are skipped, never compared; one conversion of the maximum to res_t.
// Average: the window sum is exact in sum_t (c = ceil(log2 n) more integer bits than the input); a
// power-of-two window reinterprets the sum's code with k fewer integer bits (value s / n, exact), any
// other window multiplies by the reciprocal constant; either way one conversion to res_t. No division.
#ifndef HLSQ_POOLING_H
#define HLSQ_POOLING_H

// HLS pragmas are not g++ pragmas: keep `g++ -Wall` quiet about them (and about loop labels) here.
#pragma GCC system_header

#include "common.h"

namespace hlsq {

// A window's reducers: a fresh copy of the prototype takes the window's inputs in order, then result()
// converts once to res_t.

// Max: padding positions are never offered, so never compared.
template <class data_T, class res_T> struct max_reducer {
    data_T best;
    bool found;
    max_reducer() : best(0), found(false) {}
    void take(const data_T &x) {
#pragma HLS INLINE
        if (!found || x > best) best = x;
        found = true;
    }
    res_T result() const {
#pragma HLS INLINE
        return res_T(best);
    }
};

// Average: the exact sum, then the power-of-two reinterpretation or the product with the reciprocal.
template <class CONFIG_T, class data_T, class res_T> struct mean_reducer {
    typename CONFIG_T::sum_t sum;
    typename CONFIG_T::recip_code_t reciprocal;
    // (an array of reducers, one per channel, is default-constructed and then assigned the prototype)
    mean_reducer() : sum(0), reciprocal(0) {}
    explicit mean_reducer(const typename CONFIG_T::recip_code_t &reciprocal_code) : sum(0), reciprocal(reciprocal_code) {}
    void take(const data_T &x) {
#pragma HLS INLINE
        sum = sum + x;
    }
    res_T result() const {
#pragma HLS INLINE
        if (CONFIG_T::power_of_two) {
            return res_T(from_code<typename CONFIG_T::mean_t, CONFIG_T::sum_width>(to_code<CONFIG_T::sum_width>(sum)));
        } else {
            return res_T(sum * from_code<typename CONFIG_T::recip_t, CONFIG_T::recip_width>(reciprocal));
        }
    }
};

// Every channel of every output pixel reduces its window, taps in row-major order, padding skipped.
template <class CONFIG_T, class reducer_T, class data_T, class res_T>
void pool2d(const data_T in[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
            res_T out[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan], const reducer_T &prototype) {
#pragma HLS INLINE
RowLoop:
    for (int oy = 0; oy < CONFIG_T::out_height; oy++) {
#pragma HLS UNROLL
    ColumnLoop:
        for (int ox = 0; ox < CONFIG_T::out_width; ox++) {
#pragma HLS UNROLL
        ChannelLoop:
            for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
                reducer_T window = prototype;
            PoolRowLoop:
                for (int ky = 0; ky < CONFIG_T::pool_height; ky++) {
#pragma HLS UNROLL
                PoolColumnLoop:
                    for (int kx = 0; kx < CONFIG_T::pool_width; kx++) {
#pragma HLS UNROLL
                        const int pixel = window_pixel<CONFIG_T>(oy, ox, ky, kx);
                        if (pixel < 0) continue;
                        window.take(in[pixel * CONFIG_T::n_chan + c]);
                    }
                }
                out[(oy * CONFIG_T::out_width + ox) * CONFIG_T::n_chan + c] = window.result();
            }
        }
    }
}

// Global pools: all positions of a [positions, n_chan] map reduce to [n_chan].
template <class CONFIG_T, class reducer_T, class data_T, class res_T>
void pool_global(const data_T in[CONFIG_T::positions * CONFIG_T::n_chan], res_T out[CONFIG_T::n_chan], const reducer_T &prototype) {
#pragma HLS INLINE
ChannelLoop:
    for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
        reducer_T all = prototype;
    PositionLoop:
        for (int p = 0; p < CONFIG_T::positions; p++) {
#pragma HLS UNROLL
            all.take(in[p * CONFIG_T::n_chan + c]);
        }
        out[c] = all.result();
    }
}

template <class CONFIG_T, class data_T, class res_T>
void maxpool2d(const data_T in[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
               res_T out[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan]) {
    pool2d<CONFIG_T>(in, out, max_reducer<data_T, res_T>());
}

// Always a valid-padding window: every tap is an input.
template <class CONFIG_T, class data_T, class res_T>
void avgpool2d(const data_T in[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
               res_T out[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan],
               const typename CONFIG_T::recip_code_t reciprocal[1]) {
    pool2d<CONFIG_T>(in, out, mean_reducer<CONFIG_T, data_T, res_T>(reciprocal[0]));
}

template <class CONFIG_T, class data_T, class res_T>
void global_maxpool(const data_T in[CONFIG_T::positions * CONFIG_T::n_chan], res_T out[CONFIG_T::n_chan]) {
    pool_global<CONFIG_T>(in, out, max_reducer<data_T, res_T>());
}

template <class CONFIG_T, class data_T, class res_T>
void global_avgpool(const data_T in[CONFIG_T::positions * CONFIG_T::n_chan], res_T out[CONFIG_T::n_chan],
                    const typename CONFIG_T::recip_code_t reciprocal[1]) {
    pool_global<CONFIG_T>(in, out, mean_reducer<CONFIG_T, data_T, res_T>(reciprocal[0]));
}

} // namespace hlsq

#endif
