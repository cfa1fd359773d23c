// hlsq's minimal hls::stream for C simulation with g++ (written by hlsq; not the vendor's header).
//
// Models the behaviour C simulation relies on: an unbounded FIFO whose read() on an empty stream is an
// error. Synthesis uses the vendor's own header; this one only has to make csim of generated code exact.
#ifndef HLSQ_HLS_STREAM_H
#define HLSQ_HLS_STREAM_H

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>

namespace hls {

template <class T> class stream {
  public:
    stream() : name_("hls::stream") {}
    explicit stream(const char *name) : name_(name) {}

    void write(const T &value) { fifo_.push_back(value); }
    void operator<<(const T &value) { write(value); }

    T read() {
        if (fifo_.empty()) {
            // Reading an empty stream would hang the hardware; in csim it is a design error.
            std::fprintf(stderr, "hls::stream '%s': read while empty\n", name_.c_str());
            std::exit(3);
        }
        T value = fifo_.front();
        fifo_.pop_front();
        return value;
    }
    void read(T &value) { value = read(); }
    void operator>>(T &value) { value = read(); }

    bool read_nb(T &value) {
        if (fifo_.empty()) return false;
        value = read();
        return true;
    }
    bool write_nb(const T &value) {
        write(value);
        return true;
    }

    bool empty() const { return fifo_.empty(); }
    bool full() const { return false; }
    std::size_t size() const { return fifo_.size(); }

  private:
    stream(const stream &);
    stream &operator=(const stream &);

    std::string name_;
    std::deque<T> fifo_;
};

} // namespace hls

#endif
