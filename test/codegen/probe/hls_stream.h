// Test-only stand-in for hls_stream.h (found before compat/ on the include path): a stream can draw
// its words from a source on demand, and a stream can watch another one, recording for every word
// written how many words the watched stream had handed out by then. The io_stream tests use it to see
// when a layer writes each output word relative to the input words it has read.
#ifndef HLSQ_PROBE_HLS_STREAM_H
#define HLSQ_PROBE_HLS_STREAM_H

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

namespace hls {

class stream_counter {
  public:
    stream_counter() : reads(0) {}
    long reads;
};

template <class T> class stream : public stream_counter {
  public:
    stream() : name_("hls::stream"), source_(0), next_(0), watched_(0) {}
    explicit stream(const char *name) : name_(name), source_(0), next_(0), watched_(0) {}

    // the words this stream hands out when empty, one per read
    void draw_from(const std::vector<T> *source) { source_ = source; }
    // record, for each word written here, how many words `other` has been read so far
    void watch(const stream_counter *other) { watched_ = other; }
    const std::vector<long> &reads_at_write() const { return at_write_; }

    void write(const T &value) {
        if (watched_) at_write_.push_back(watched_->reads);
        fifo_.push_back(value);
    }
    T read() {
        if (fifo_.empty() && source_ && next_ < source_->size()) fifo_.push_back((*source_)[next_++]);
        if (fifo_.empty()) {
            std::fprintf(stderr, "hls::stream '%s': read while empty\n", name_.c_str());
            std::exit(3);
        }
        T value = fifo_.front();
        fifo_.pop_front();
        ++reads;
        return value;
    }
    bool empty() const { return fifo_.empty() && !(source_ && next_ < source_->size()); }
    std::size_t size() const { return fifo_.size() + (source_ ? source_->size() - next_ : 0); }

  private:
    std::string name_;
    std::deque<T> fifo_;
    const std::vector<T> *source_;
    std::size_t next_;
    const stream_counter *watched_;
    std::vector<long> at_write_;
};

} // namespace hls

#endif
