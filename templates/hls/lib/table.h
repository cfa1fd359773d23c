// hlsq support library: table-based activations (sigmoid, tanh, any unary function).
//
// The table has 2^W entries for a W-bit input and is indexed by the input's exact code (its W-bit
// pattern as an unsigned number): no arithmetic on the input, so no binning error and no dependence on
// the host's libm. Entries are res_t codes computed by hlsq in TypeScript.
#ifndef HLSQ_TABLE_H
#define HLSQ_TABLE_H

// HLS pragmas are not g++ pragmas: keep `g++ -Wall` quiet about them (and about loop labels) here.
#pragma GCC system_header

#include "common.h"

namespace hlsq {

template <class CONFIG_T, class data_T, class res_T>
void table_lookup(const data_T in[CONFIG_T::n_elem], res_T out[CONFIG_T::n_elem],
                  const typename CONFIG_T::table_code_t table[CONFIG_T::table_size]) {
ElementLoop:
    for (int i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS UNROLL
        const ap_uint<CONFIG_T::in_width> index = to_code<CONFIG_T::in_width>(in[i]);
        out[i] = from_code<res_T, CONFIG_T::res_width>(table[index.to_uint()]);
    }
}

} // namespace hlsq

#endif
