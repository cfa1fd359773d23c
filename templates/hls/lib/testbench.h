// hlsq support library: the self-checking testbench's file reading and reporting (never synthesised).
//
// Golden files hold one W-bit two's-complement code per line in hex (tb_data/<tensor>.hex). Codes are
// parsed into ap_uint<W> nibble by nibble and copied into the ports' raw bits: no float ever appears
// between the file and the design. Outputs are compared as exact hex patterns.
#ifndef HLSQ_TESTBENCH_H
#define HLSQ_TESTBENCH_H

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common.h"

namespace hlsq {
namespace tb {

// One golden file's lines, checked for shape: ceil(W/4) lowercase hex digits, no bits above W.
class CodeFile {
  public:
    CodeFile(const std::string &dir, const std::string &file, int width, int elements)
        : path_(dir + "/" + file), width_(width), elements_(elements) {}

    // False (with the reason in error()) when the file is missing, empty or malformed.
    bool load() {
        std::ifstream in(path_.c_str());
        if (!in) return fail("cannot open the file");
        const std::size_t digits = static_cast<std::size_t>((width_ + 3) / 4);
        const int top_bits = width_ - 4 * (static_cast<int>(digits) - 1);
        std::string line;
        std::size_t n = 0;
        while (std::getline(in, line)) {
            ++n;
            if (!line.empty() && line[line.size() - 1] == '\r') line.erase(line.size() - 1);
            if (line.size() != digits) return fail_line(n, "expected " + number(static_cast<long>(digits)) + " hex digits");
            for (std::size_t k = 0; k < line.size(); ++k) {
                if (nibble(line[k]) < 0) return fail_line(n, "not a lowercase hex digit");
            }
            if (nibble(line[0]) >= (1 << top_bits)) return fail_line(n, "code wider than " + number(width_) + " bits");
            lines_.push_back(line);
        }
        if (lines_.empty()) return fail("no codes");
        if (lines_.size() % static_cast<std::size_t>(elements_) != 0) {
            return fail(number(static_cast<long>(lines_.size())) + " codes is not a whole number of samples of " +
                        number(elements_) + " elements");
        }
        return true;
    }

    int samples() const { return static_cast<int>(lines_.size() / static_cast<std::size_t>(elements_)); }
    const std::string &hex(int sample, int element) const {
        return lines_[static_cast<std::size_t>(sample) * static_cast<std::size_t>(elements_) + static_cast<std::size_t>(element)];
    }
    const std::string &error() const { return error_; }
    const std::string &path() const { return path_; }

    static int nibble(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    }

  private:
    bool fail(const std::string &why) {
        error_ = path_ + ": " + why;
        return false;
    }
    bool fail_line(std::size_t line, const std::string &why) {
        return fail("line " + number(static_cast<long>(line)) + ": " + why);
    }
    static std::string number(long v) {
        std::ostringstream s;
        s << v;
        return s.str();
    }

    std::string path_;
    int width_;
    int elements_;
    std::vector<std::string> lines_;
    std::string error_;
};

// A hex pattern (as the golden files spell it) as an ap_uint<W>.
template <int W> ap_uint<W> parse_hex(const std::string &hex) {
    ap_uint<W> code = 0;
    for (std::size_t k = 0; k < hex.size(); ++k) {
        code = code << 4;
        code = code | ap_uint<W>(CodeFile::nibble(hex[k]));
    }
    return code;
}

// An ap_uint<W> as the golden files spell it: ceil(W/4) lowercase hex digits.
template <int W> std::string format_hex(const ap_uint<W> &code) {
    static const char digits[] = "0123456789abcdef";
    const int n = (W + 3) / 4;
    std::string out(static_cast<std::size_t>(n), '0');
    for (int k = 0; k < n; ++k) {
        const int lo = 4 * k;
        const int hi = lo + 3 < W ? lo + 3 : W - 1;
        const unsigned v = static_cast<unsigned>(code.range(hi, lo).to_uint());
        out[static_cast<std::size_t>(n - 1 - k)] = digits[v];
    }
    return out;
}

struct Mismatch {
    std::string tensor;
    int sample;
    int element;
    std::string expected;
    std::string actual;
    bool has_values;
    double expected_value;
    double actual_value;
};

// Counts comparisons, keeps the first mismatches, prints them and writes tb_result.json.
class Report {
  public:
    Report(const std::string &top, int max_reported) : top_(top), max_reported_(max_reported), samples_(0), compared_(0), mismatches_(0) {}

    void set_samples(int n) { samples_ = n; }

    // Compares one element's code with its golden code; `value`s are for the message only.
    template <class T, int W> void compare(const std::string &tensor, int sample, int element, const std::string &expected, const T &actual) {
        const std::string got = format_hex<W>(to_code<W>(actual));
        if (!count(expected, got)) return;
        Mismatch m = mismatch(tensor, sample, element, expected, got);
        m.has_values = true;
        m.expected_value = from_code<T, W>(parse_hex<W>(expected)).to_double();
        m.actual_value = actual.to_double();
        first_.push_back(m);
        std::printf("MISMATCH %s sample %d element %d: expected 0x%s (%.17g), got 0x%s (%.17g)\n", tensor.c_str(), sample, element,
                    expected.c_str(), m.expected_value, got.c_str(), m.actual_value);
    }

    // Compares two codes already spelled as hex (traced intermediate tensors).
    void compare_code(const std::string &tensor, int sample, int element, const std::string &expected, const std::string &actual) {
        if (!count(expected, actual)) return;
        first_.push_back(mismatch(tensor, sample, element, expected, actual));
        std::printf("MISMATCH %s sample %d element %d: expected 0x%s, got 0x%s\n", tensor.c_str(), sample, element, expected.c_str(),
                    actual.c_str());
    }

    long mismatches() const { return mismatches_; }

    // Prints the summary line, writes the result file and returns the process exit status.
    int finish(const std::string &result_path) const {
        std::printf("%s: %s, %d samples, %ld elements compared, %ld mismatches\n", top_.c_str(), mismatches_ == 0 ? "PASS" : "FAIL",
                    samples_, compared_, mismatches_);
        write_json(result_path, "");
        return mismatches_ == 0 ? 0 : 1;
    }

    // A data file could not be used: never fall back to zero inputs.
    int fail_data(const std::string &result_path, const std::string &why) const {
        std::fprintf(stderr, "%s: ERROR %s\n", top_.c_str(), why.c_str());
        write_json(result_path, why);
        return 2;
    }

  private:
    // Counts one comparison; true when it is a mismatch still to be reported.
    bool count(const std::string &expected, const std::string &actual) {
        ++compared_;
        if (actual == expected) return false;
        ++mismatches_;
        return static_cast<int>(first_.size()) < max_reported_;
    }
    static Mismatch mismatch(const std::string &tensor, int sample, int element, const std::string &expected, const std::string &actual) {
        Mismatch m;
        m.tensor = tensor;
        m.sample = sample;
        m.element = element;
        m.expected = expected;
        m.actual = actual;
        m.has_values = false;
        m.expected_value = 0;
        m.actual_value = 0;
        return m;
    }
    void write_json(const std::string &path, const std::string &error) const {
        std::FILE *f = std::fopen(path.c_str(), "w");
        if (!f) {
            std::fprintf(stderr, "%s: cannot write %s\n", top_.c_str(), path.c_str());
            return;
        }
        std::fprintf(f, "{\n  \"top\": \"%s\",\n  \"status\": \"%s\",\n", top_.c_str(),
                     !error.empty() ? "error" : (mismatches_ == 0 ? "pass" : "fail"));
        if (!error.empty()) std::fprintf(f, "  \"error\": \"%s\",\n", escape(error).c_str());
        std::fprintf(f, "  \"samples\": %d,\n  \"compared\": %ld,\n  \"mismatches\": %ld,\n  \"first_mismatches\": [", samples_, compared_, mismatches_);
        for (std::size_t k = 0; k < first_.size(); ++k) {
            const Mismatch &m = first_[k];
            std::fprintf(f, "%s\n    {\"tensor\": \"%s\", \"sample\": %d, \"element\": %d, \"expected\": \"%s\", \"actual\": \"%s\"",
                         k ? "," : "", m.tensor.c_str(), m.sample, m.element, m.expected.c_str(), m.actual.c_str());
            if (m.has_values) std::fprintf(f, ", \"expected_value\": %.17g, \"actual_value\": %.17g", m.expected_value, m.actual_value);
            std::fprintf(f, "}");
        }
        std::fprintf(f, "%s]\n}\n", first_.empty() ? "" : "\n  ");
        std::fclose(f);
    }
    static std::string escape(const std::string &s) {
        std::string out;
        for (std::size_t k = 0; k < s.size(); ++k) {
            if (s[k] == '"' || s[k] == '\\') out += '\\';
            out += s[k];
        }
        return out;
    }

    std::string top_;
    int max_reported_;
    int samples_;
    long compared_;
    long mismatches_;
    std::vector<Mismatch> first_;
};

} // namespace tb
} // namespace hlsq

#endif
