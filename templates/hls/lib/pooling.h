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

template <class CONFIG_T, class data_T, class res_T>
void maxpool2d(const data_T in[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
               res_T out[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan]) {
RowLoop:
    for (int oy = 0; oy < CONFIG_T::out_height; oy++) {
#pragma HLS UNROLL
    ColumnLoop:
        for (int ox = 0; ox < CONFIG_T::out_width; ox++) {
#pragma HLS UNROLL
        ChannelLoop:
            for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
                data_T best = 0;
                bool found = false;
            PoolRowLoop:
                for (int ky = 0; ky < CONFIG_T::pool_height; ky++) {
#pragma HLS UNROLL
                PoolColumnLoop:
                    for (int kx = 0; kx < CONFIG_T::pool_width; kx++) {
#pragma HLS UNROLL
                        const int iy = oy * CONFIG_T::stride_height + ky - CONFIG_T::pad_top;
                        const int ix = ox * CONFIG_T::stride_width + kx - CONFIG_T::pad_left;
                        if (iy < 0 || iy >= CONFIG_T::in_height || ix < 0 || ix >= CONFIG_T::in_width) continue;
                        const data_T x = in[(iy * CONFIG_T::in_width + ix) * CONFIG_T::n_chan + c];
                        if (!found || x > best) best = x;
                        found = true;
                    }
                }
                out[(oy * CONFIG_T::out_width + ox) * CONFIG_T::n_chan + c] = res_T(best);
            }
        }
    }
}

template <class CONFIG_T, class data_T, class res_T>
void avgpool2d(const data_T in[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
               res_T out[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan],
               const typename CONFIG_T::recip_code_t reciprocal[1]) {
    typedef typename CONFIG_T::sum_t sum_t;
RowLoop:
    for (int oy = 0; oy < CONFIG_T::out_height; oy++) {
#pragma HLS UNROLL
    ColumnLoop:
        for (int ox = 0; ox < CONFIG_T::out_width; ox++) {
#pragma HLS UNROLL
        ChannelLoop:
            for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
                sum_t sum = 0;
            PoolRowLoop:
                for (int ky = 0; ky < CONFIG_T::pool_height; ky++) {
#pragma HLS UNROLL
                PoolColumnLoop:
                    for (int kx = 0; kx < CONFIG_T::pool_width; kx++) {
#pragma HLS UNROLL
                        const int iy = oy * CONFIG_T::stride_height + ky;
                        const int ix = ox * CONFIG_T::stride_width + kx;
                        sum = sum + in[(iy * CONFIG_T::in_width + ix) * CONFIG_T::n_chan + c];
                    }
                }
                const int o = (oy * CONFIG_T::out_width + ox) * CONFIG_T::n_chan + c;
                if (CONFIG_T::power_of_two) {
                    out[o] = res_T(from_code<typename CONFIG_T::mean_t, CONFIG_T::sum_width>(to_code<CONFIG_T::sum_width>(sum)));
                } else {
                    out[o] = res_T(sum * from_code<typename CONFIG_T::recip_t, CONFIG_T::recip_width>(reciprocal[0]));
                }
            }
        }
    }
}

// Global pools: all positions of a [positions, n_chan] map reduce to [n_chan].
template <class CONFIG_T, class data_T, class res_T>
void global_maxpool(const data_T in[CONFIG_T::positions * CONFIG_T::n_chan], res_T out[CONFIG_T::n_chan]) {
ChannelLoop:
    for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
        data_T best = in[c];
    PositionLoop:
        for (int p = 1; p < CONFIG_T::positions; p++) {
#pragma HLS UNROLL
            const data_T x = in[p * CONFIG_T::n_chan + c];
            if (x > best) best = x;
        }
        out[c] = res_T(best);
    }
}

template <class CONFIG_T, class data_T, class res_T>
void global_avgpool(const data_T in[CONFIG_T::positions * CONFIG_T::n_chan], res_T out[CONFIG_T::n_chan],
                    const typename CONFIG_T::recip_code_t reciprocal[1]) {
    typedef typename CONFIG_T::sum_t sum_t;
ChannelLoop:
    for (int c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
        sum_t sum = 0;
    PositionLoop:
        for (int p = 0; p < CONFIG_T::positions; p++) {
#pragma HLS UNROLL
            sum = sum + in[p * CONFIG_T::n_chan + c];
        }
        if (CONFIG_T::power_of_two) {
            out[c] = res_T(from_code<typename CONFIG_T::mean_t, CONFIG_T::sum_width>(to_code<CONFIG_T::sum_width>(sum)));
        } else {
            out[c] = res_T(sum * from_code<typename CONFIG_T::recip_t, CONFIG_T::recip_width>(reciprocal[0]));
        }
    }
}

} // namespace hlsq

#endif
