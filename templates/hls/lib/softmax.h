// hlsq support library: table-based softmax over the last axis (docs/model-format.md, "Softmax").
//
//   m   = the largest input code of the row;  k_j = m - code(x_j)  (0 <= k_j < 2^W_X)
//   e_j = exp_table[k_j]                       exp(-k * 2^-F_X) rounded into exp_t by hlsq
//   S   = sum of the e_j, exact in sum_t
//   inv = inv_table[code(S) shifted to inv_bits bits]   1 / (lower edge of the bin) rounded into inv_t
//   y_j = res_t(e_j * inv)
// Both tables are computed exactly in TypeScript; nothing depends on the host's libm.
#ifndef HLSQ_SOFTMAX_H
#define HLSQ_SOFTMAX_H

// HLS pragmas are not g++ pragmas: keep `g++ -Wall` quiet about them (and about loop labels) here.
#pragma GCC system_header

#include "common.h"

namespace hlsq {

template <class CONFIG_T, class data_T, class res_T>
void softmax(const data_T in[CONFIG_T::n_rows * CONFIG_T::n_in], res_T out[CONFIG_T::n_rows * CONFIG_T::n_in],
             const typename CONFIG_T::exp_code_t exp_table[CONFIG_T::exp_table_size],
             const typename CONFIG_T::inv_code_t inv_table[CONFIG_T::inv_table_size]) {
    typedef typename CONFIG_T::code_t code_t; // the input code as an integer of the input's signedness
    typedef typename CONFIG_T::exp_t exp_t;
    typedef typename CONFIG_T::inv_t inv_t;
    typedef typename CONFIG_T::sum_t sum_t;
RowLoop:
    for (int r = 0; r < CONFIG_T::n_rows; r++) {
#pragma HLS UNROLL
        code_t codes[CONFIG_T::n_in];
#pragma HLS ARRAY_PARTITION variable = codes complete
    CodeLoop:
        for (int j = 0; j < CONFIG_T::n_in; j++) {
#pragma HLS UNROLL
            codes[j] = to_code<CONFIG_T::in_width>(in[r * CONFIG_T::n_in + j]);
        }
        code_t m = codes[0];
    MaxLoop:
        for (int j = 1; j < CONFIG_T::n_in; j++) {
#pragma HLS UNROLL
            if (codes[j] > m) m = codes[j];
        }
        exp_t e[CONFIG_T::n_in];
#pragma HLS ARRAY_PARTITION variable = e complete
        sum_t sum = 0;
    ExpLoop:
        for (int j = 0; j < CONFIG_T::n_in; j++) {
#pragma HLS UNROLL
            const ap_uint<CONFIG_T::in_width> k = m - codes[j];
            e[j] = from_code<exp_t, CONFIG_T::exp_width>(exp_table[k.to_uint()]);
            sum = sum + e[j];
        }
        const ap_uint<CONFIG_T::sum_width> sum_code = to_code<CONFIG_T::sum_width>(sum);
        ap_uint<CONFIG_T::inv_bits> index = 0;
        if (CONFIG_T::inv_shift >= 0) {
            index = sum_code >> CONFIG_T::inv_shift;
        } else {
            index = sum_code;
            index = index << -CONFIG_T::inv_shift;
        }
        const inv_t inv = from_code<inv_t, CONFIG_T::inv_width>(inv_table[index.to_uint()]);
    ResultLoop:
        for (int j = 0; j < CONFIG_T::n_in; j++) {
#pragma HLS UNROLL
            out[r * CONFIG_T::n_in + j] = res_T(e[j] * inv);
        }
    }
}

} // namespace hlsq

#endif
