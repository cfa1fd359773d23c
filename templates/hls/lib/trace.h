// hlsq support library: records every layer's output codes when the design is compiled with
// -DHLSQ_TRACE, so the testbench can compare each layer with the emulator's trace (never synthesised).
#ifndef HLSQ_TRACE_H
#define HLSQ_TRACE_H

#include <map>
#include <string>
#include <type_traits>
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

// io_stream: the words a layer has just written (C simulation runs DATAFLOW processes one after the
// other, so the stream holds the layer's whole output), recorded and put back in order.
template <int W, class S> void record_stream(const char *layer, S &stream, int channels) {
    std::vector<std::string> &codes = store()[layer];
    codes.clear();
    std::vector<typename std::decay<decltype(stream.read())>::type> words;
    while (!stream.empty()) words.push_back(stream.read());
    for (std::size_t p = 0; p < words.size(); ++p) {
        for (int c = 0; c < channels; ++c) codes.push_back(tb::format_hex<W>(to_code<W>(words[p].data[c])));
    }
    for (std::size_t p = 0; p < words.size(); ++p) stream.write(words[p]);
}

} // namespace trace
} // namespace hlsq

#endif
