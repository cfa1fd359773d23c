// hlsq support library: records every layer's output codes when the design is compiled with
// -DHLSQ_TRACE, so the testbench can compare each layer with the emulator's trace (never synthesised).
#ifndef HLSQ_TRACE_H
#define HLSQ_TRACE_H

#include <map>
#include <string>
#include <vector>

#include "testbench.h"

namespace hlsq {
namespace trace {

inline std::map<std::string, std::vector<std::string> > &store() {
    static std::map<std::string, std::vector<std::string> > tensors;
    return tensors;
}

template <int W, class T> void record(const char *layer, const T *tensor, int elements) {
    std::vector<std::string> &codes = store()[layer];
    codes.clear();
    for (int e = 0; e < elements; ++e) codes.push_back(tb::format_hex<W>(to_code<W>(tensor[e])));
}

} // namespace trace
} // namespace hlsq

#endif
