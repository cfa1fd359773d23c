// hlsq_harness.h: the fixed part of the C++ reference harness.
//
// The TypeScript side (src/codegen/refHarness.ts) generates one small source
// file per batch that includes this header, names the ap types it needs and
// lists one entry per distinct (op, types) combination, e.g.
//     hh::fx_bin<hh::Add, T3, T8, T12>
// Each case on stdin is a line "<entry> <inputs...>"; each answer on stdout is
// one line of space-separated tokens. Only the vendor's public API is used
// here (length, [], range, to_string, to_double, operators...), so the same
// harness compiles against hlsq's headers or the vendor's (-I$AP_INCLUDE).
#ifndef HLSQ_HARNESS_H
#define HLSQ_HARNESS_H

#include <ap_fixed.h>
#include <ap_int.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <string>

// Small per-entry helpers are forced inline: at -O0 each out-of-line
// function is compile time spent per (op, types) entry.
#if defined(__GNUC__) || defined(__clang__)
#define HH_AI inline __attribute__((always_inline))
#else
#define HH_AI inline
#endif

namespace hh {

// ------------------------------------------------------------------ I/O

struct Io {
  std::string in;
  size_t pos = 0;
  std::string out;
};
inline Io& io() {
  static Io s;
  return s;
}

inline void read_stdin() {
  char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) io().in.append(buf, n);
}

inline bool at_end() {
  Io& s = io();
  while (s.pos < s.in.size() && (s.in[s.pos] == ' ' || s.in[s.pos] == '\n' || s.in[s.pos] == '\r')) ++s.pos;
  return s.pos >= s.in.size();
}

inline const char* token(size_t* len) {
  Io& s = io();
  at_end();
  size_t b = s.pos;
  while (s.pos < s.in.size() && s.in[s.pos] != ' ' && s.in[s.pos] != '\n') ++s.pos;
  *len = s.pos - b;
  return s.in.data() + b;
}

inline long long next_int() {
  size_t n;
  const char* t = token(&n);
  return strtoll(std::string(t, n).c_str(), 0, 10);
}

inline uint64_t next_hex64() {
  size_t n;
  const char* t = token(&n);
  return strtoull(std::string(t, n).c_str(), 0, 16);
}

inline double next_f64() {
  uint64_t b = next_hex64();
  double d;
  memcpy(&d, &b, sizeof d);
  return d;
}

inline void put(const std::string& s) {
  io().out += s;
  io().out += ' ';
}
inline void put(const char* s) { put(std::string(s)); }
inline void put_bool(bool b) { put(b ? "T" : "F"); }
inline void put_i64(long long v) {
  char b[32];
  snprintf(b, sizeof b, "%lld", v);
  put(b);
}
inline void put_u64(unsigned long long v) {
  char b[32];
  snprintf(b, sizeof b, "%llu", v);
  put(b);
}
inline void put_f64(double d) {
  uint64_t b;
  memcpy(&b, &d, sizeof b);
  char s[32];
  snprintf(s, sizeof s, "%016llx", (unsigned long long)b);
  put(s);
}
inline void put_f32(float f) {
  uint32_t b;
  memcpy(&b, &f, sizeof b);
  char s[16];
  snprintf(s, sizeof s, "%08x", (unsigned)b);
  put(s);
}
inline void skip() { put("-"); }
inline void end_case() {
  std::string& o = io().out;
  if (!o.empty() && o[o.size() - 1] == ' ') o[o.size() - 1] = '\n';
  else o += '\n';
  if (o.size() > (1 << 20)) {
    fwrite(o.data(), 1, o.size(), stdout);
    o.clear();
  }
}

// ------------------------------------------------------------ bits in/out

inline unsigned char* bit_buf(int W) {
  static std::string buf;
  if ((int)buf.size() < W) buf.resize((size_t)W);
  return reinterpret_cast<unsigned char*>(&buf[0]);
}

inline int hex_val(char c) { return c <= '9' ? c - '0' : (c | 32) - 'a' + 10; }

// Raw bits from ceil(W/4) hex digits, MSB first, through bit writes only.
inline const unsigned char* next_bits(int W) {
  size_t n;
  const char* h = token(&n);
  unsigned char* b = bit_buf(W);
  for (int i = 0; i < W; ++i) {
    const size_t d = (size_t)(i / 4) < n ? n - 1 - (size_t)(i / 4) : 0;
    b[i] = (unsigned char)((hex_val(h[d]) >> (i % 4)) & 1);
  }
  return b;
}

template <class T> void load(T& x) {
  const int W = x.length();
  const unsigned char* b = next_bits(W);
  for (int i = 0; i < W; ++i) x[i] = b[i] != 0;
}

// The templates below only move bits between T and a plain byte buffer;
// formatting lives in non-template functions so that each instantiated type
// costs as little compiled code as possible.
inline void put_hex(const unsigned char* b, int W) {
  const int nd = (W + 3) / 4;
  std::string s((size_t)nd, '0');
  for (int j = 0; j < nd; ++j) {
    int d = 0;
    for (int k = 0; k < 4 && 4 * j + k < W; ++k) d |= b[4 * j + k] << k;
    s[(size_t)(nd - 1 - j)] = "0123456789abcdef"[d];
  }
  put(s);
}

template <class T> void put_bits(const T& v) {
  T x(v);
  const int W = x.length();
  unsigned char* b = bit_buf(W);
  for (int i = 0; i < W; ++i) b[i] = x[i] ? 1 : 0;
  put_hex(b, W);
}

inline void put_type_of(int W, bool is_signed, double lsb) {
  int e = 0;
  frexp(lsb, &e);
  char b[64];
  snprintf(b, sizeof b, "%d,%d,%c", W, W - (1 - e), is_signed ? 's' : 'u');
  put(b);
}

// The format of a result type, recovered through the public API only:
// W from length(), the signedness from is_neg() with all bits set, and the
// fraction width from the value of one LSB.
template <class T> void put_type(const T& v) {
  T x(v);
  const int W = x.length();
  for (int i = 0; i < W; ++i) x[i] = 1;
  const bool s = x.is_neg();
  for (int i = 1; i < W; ++i) x[i] = 0;
  put_type_of(W, s, x.to_double());
}
template <class T> void put_typed(const T& v) {
  put_type(v);
  put_bits(v);
}

// ------------------------------------------------------------- operations

struct none {};

// The result type is reported only when asked for: reflecting it costs a
// few instantiations per entry.
template <bool WithType> struct result_out {
  template <class R> static HH_AI void put(const R& r) { put_bits(r); }
};
template <> struct result_out<true> {
  template <class R> static HH_AI void put(const R& r) { put_typed(r); }
};

#define HH_BINOP(NAME, OP)                                                              \
  struct NAME {                                                                         \
    template <bool WithType, class X, class Y> static HH_AI void put_result(const X& x, const Y& y) { \
      result_out<WithType>::put(x OP y);                                                \
    }                                                                                   \
    template <class C, class X, class Y> static HH_AI void put_assign(const X& x, const Y& y) { \
      C c = x OP y;                                                                     \
      put_bits(c);                                                                      \
    }                                                                                   \
    template <class X, class Y> static HH_AI void put_compound(X x, const Y& y) {             \
      x OP##= y;                                                                        \
      put_bits(x);                                                                      \
    }                                                                                   \
  };
HH_BINOP(Add, +)
HH_BINOP(Sub, -)
HH_BINOP(Mul, *)
HH_BINOP(Div, /)
HH_BINOP(Mod, %)
HH_BINOP(And, &)
HH_BINOP(Or, |)
HH_BINOP(Xor, ^)
HH_BINOP(Shl, <<)
HH_BINOP(Shr, >>)
#undef HH_BINOP

template <class Op, class C> struct assign_step {
  template <class A, class B> static HH_AI void run(const A& a, const B& b) { Op::template put_assign<C>(a, b); }
};
template <class Op> struct assign_step<Op, none> {
  template <class A, class B> static void run(const A&, const B&) {}
};

// a OP b (with its result type when WithType), then optionally `C c = a OP b`
// and `a OP= b`. Zero divisors are rejected by the caller: the vendor's
// headers crash on them (spec §11.3).
template <class Op, class A, class B, class C, bool Compound, bool WithType> void bin() {
  A a;
  B b;
  load(a);
  load(b);
  Op::template put_result<WithType>(a, b);
  assign_step<Op, C>::run(a, b);
  if (Compound) Op::put_compound(a, b);
}

template <class A, class B> void cmp() {
  A a;
  B b;
  load(a);
  load(b);
  put_bool(a == b);
  put_bool(a != b);
  put_bool(a < b);
  put_bool(a <= b);
  put_bool(a > b);
  put_bool(a >= b);
}

template <class A> void cmp_double() {
  A a;
  load(a);
  double d = next_f64();
  put_bool(a == d);
  put_bool(a != d);
  put_bool(a < d);
  put_bool(a <= d);
  put_bool(a > d);
  put_bool(a >= d);
}

template <class T> void from_double() {
  double d = next_f64();
  T x = d;
  put_bits(x);
  put_f64(x.to_double());
}

template <class T> void int_from_double() {
  double d = next_f64();
  T x = d;
  put_bits(x);
}

template <class S, class D> void cast() {
  S x;
  load(x);
  D y = x;
  D z;
  z = x;
  put_bits(y);
  put_bits(z);
}

template <class A, bool WithType> void fx_neg() {
  A a;
  load(a);
  result_out<WithType>::put(-a);
}

template <class A> void fx_shift() {
  A a;
  load(a);
  const int sh = (int)next_int();
  put_bits(a << sh);
  put_bits(a >> sh);
  put_bits(a << ap_int<8>(sh));
  put_bits(a >> ap_int<8>(sh));
  put_bits(a << ap_uint<8>(sh));
  put_bits(a >> ap_uint<8>(sh));
  A il = a << sh;
  A ir = a >> sh;
  put_bits(il);
  put_bits(ir);
  A sl = a;
  sl <<= sh;
  A sr = a;
  sr >>= sh;
  put_bits(sl);
  put_bits(sr);
}

template <class A> void to_string_all() {
  A a;
  load(a);
  const int radix = (int)next_int();
  put(a.to_string(radix));
  put(a.to_string(radix, true));
  put(a.to_string(radix, false));
}

template <class A, int W, int F> void fx_range() {
  A a;
  load(a);
  const int hi = (int)next_int();
  const int lo = (int)next_int();
  put_bits(ap_uint<W>(a.range(hi, lo)));
  put_bool(a[hi]);
  put_bool(a[lo]);
  put_bool(a.get_bit(hi - F));
}

template <class A, int W> void int_range() {
  A a;
  load(a);
  const int hi = (int)next_int();
  const int lo = (int)next_int();
  put_bits(ap_uint<W>(a.range(hi, lo)));
  put_bool(a[hi]);
  put_bool(a[lo]);
  put_bool(a.range(hi, lo).and_reduce());
  put_bool(a.range(hi, lo).or_reduce());
  put_bool(a.range(hi, lo).xor_reduce());
  put_bool(a.and_reduce());
  put_bool(a.or_reduce());
  put_bool(a.xor_reduce());
}

template <class A> void incdec() {
  A a;
  load(a);
  A p = a;
  ++p;
  A m = a;
  --m;
  put_bits(p);
  put_bits(m);
}

// Integer conversions are left out for I < 0: they read uninitialised
// memory in the vendor's headers (spec §11.4).
template <class A, bool WithInts> void fx_convert() {
  A a;
  load(a);
  put_f64(a.to_double());
  put_f32(a.to_float());
  put_bool((bool)a);
  if (WithInts) {
    put_i64(a.to_int());
    put_i64(a.to_int64());
    put_u64(a.to_uint64());
    put_typed(a.to_ap_int_base());
  }
}

template <class A> void int_unary() {
  A a;
  load(a);
  put_typed(-a);
  put_typed(~a);
  A p = a;
  ++p;
  A m = a;
  --m;
  put_bits(p);
  put_bits(m);
}

template <class A> void int_convert() {
  A a;
  load(a);
  put_i64(a.to_int64());
  put_u64(a.to_uint64());
  put_f64(a.to_double());
  put_i64(a.to_int());
  put_u64(a.to_uint());
}

template <class A> void int_cint() {
  A a;
  load(a);
  const int k = (int)next_int();
  put_typed(a + k);
  put_typed(a - k);
  put_typed(a * k);
  if (k != 0) {
    put_typed(a / k);
    put_typed(a % k);
  } else {
    skip();
    skip();
  }
  put_typed(k - a);
  put_bool(a == k);
  put_bool(a < k);
  put_bool(a > k);
}

typedef void (*Entry)();

inline int run(const Entry* table, long count) {
  read_stdin();
  while (!at_end()) {
    const long e = next_int();
    if (e < 0 || e >= count) {
      fprintf(stderr, "hlsq harness: entry %ld out of range (0..%ld)\n", e, count - 1);
      return 2;
    }
    table[e]();
    end_case();
  }
  fwrite(io().out.data(), 1, io().out.size(), stdout);
  return 0;
}

}  // namespace hh

#endif
