// hlsq_ap_impl.h: the class templates of ap_int.h and ap_fixed.h.
//
// Written from the hlsq specification (shared/spec/ap-fixed.md, cited as §n);
// no vendor source was consulted. The templates only carry the format in
// their parameters and forward everything to the run-time functions in
// hlsq_ap_rt.h: instantiating a type costs a handful of member declarations,
// instantiating an operator costs one small function.
#ifndef HLSQ_AP_IMPL_H
#define HLSQ_AP_IMPL_H

#include "hlsq_ap_rt.h"

#ifndef AP_INT_MAX_W
#define AP_INT_MAX_W 1024
#endif
#if AP_INT_MAX_W > 32768
#error "AP_INT_MAX_W must be <= 32768"
#endif

enum ap_q_mode { AP_RND = 0, AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, AP_RND_CONV, AP_TRN, AP_TRN_ZERO };
enum ap_o_mode { AP_SAT = 0, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP, AP_WRAP_SM };

template <int W, bool S> struct ap_int_base;
template <int W> struct ap_int;
template <int W> struct ap_uint;
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N> struct ap_fixed_base;
template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0> struct ap_fixed;
template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0> struct ap_ufixed;
template <int W, bool S> struct ap_range_ref;

namespace hlsq_ap {

using rt::u64;

template <bool B, class T = void> struct enable_if {};
template <class T> struct enable_if<true, T> { typedef T type; };

// C integer operands behave like the ap_[u]int of their width (§2.1, §8.1).
template <class T> struct cint { static const bool ok = false; static const int W = 1; static const bool S = false; };
#define HLSQ_AP_CINT(T, w, s) \
  template <> struct cint<T> { static const bool ok = true; static const int W = w; static const bool S = s; };
HLSQ_AP_CINT(bool, 1, false)
HLSQ_AP_CINT(char, 8, ((char)-1 < 0))
HLSQ_AP_CINT(signed char, 8, true)
HLSQ_AP_CINT(unsigned char, 8, false)
HLSQ_AP_CINT(short, 16, true)
HLSQ_AP_CINT(unsigned short, 16, false)
HLSQ_AP_CINT(int, 32, true)
HLSQ_AP_CINT(unsigned int, 32, false)
HLSQ_AP_CINT(long, (int)(8 * sizeof(long)), true)
HLSQ_AP_CINT(unsigned long, (int)(8 * sizeof(long)), false)
HLSQ_AP_CINT(long long, 64, true)
HLSQ_AP_CINT(unsigned long long, 64, false)
#undef HLSQ_AP_CINT

template <bool B, class T, class F> struct cond { typedef T type; };
template <class T, class F> struct cond<false, T, F> { typedef F type; };

constexpr int imax(int a, int b) { return a > b ? a : b; }
constexpr int imin(int a, int b) { return a < b ? a : b; }
constexpr int nwords(int W) { return W > 0 ? (W + 63) / 64 : 1; }

template <int W, bool S> struct int_t { typedef ap_int<W> type; };
template <int W> struct int_t<W, false> { typedef ap_uint<W> type; };
template <int W, int I, bool S, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0> struct fx_t {
  typedef ap_fixed<W, I, Q, O, N> type;
};
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N> struct fx_t<W, I, false, Q, O, N> {
  typedef ap_ufixed<W, I, Q, O, N> type;
};

// §8.1 result formats of ap_int operators.
template <int K, int W1, bool S1, int W2, bool S2> struct int_res {
  static const int A = W1 + (S2 && !S1), B = W2 + (S1 && !S2);
  static const int W = (K == rt::OP_ADD || K == rt::OP_SUB) ? imax(A, B) + 1
                       : K == rt::OP_MUL                     ? W1 + W2
                       : K == rt::OP_DIV                     ? W1 + S2
                       : K == rt::OP_MOD                     ? imin(W1, W2 + (!S2 && S1))
                                                             : imax(A, B);
  static const bool S = K == rt::OP_SUB ? true : K == rt::OP_MOD ? S1 : (S1 || S2);
  typedef typename int_t<W, S>::type type;
};

// §5.1 result formats of ap_fixed operators (ap_int operands have I = W).
template <int K, int W1, int I1, bool S1, int W2, int I2, bool S2> struct fx_res {
  static const int F1 = W1 - I1, F2 = W2 - I2;
  static const int Ia = I1 + (S2 && !S1), Ib = I2 + (S1 && !S2);
  static const int I = (K == rt::OP_ADD || K == rt::OP_SUB) ? imax(Ia, Ib) + 1
                       : K == rt::OP_MUL                     ? I1 + I2
                       : K == rt::OP_DIV                     ? S2 + I1 + F2
                                                             : imax(Ia, Ib);
  static const int W = (K == rt::OP_ADD || K == rt::OP_SUB) ? imax(Ia, Ib) + 1 + imax(F1, F2)
                       : K == rt::OP_MUL                     ? W1 + W2
                       : K == rt::OP_DIV                     ? S2 + W1 + imax(F2, 0)
                                                             : imax(Ia, Ib) + imax(F1, F2);
  static const bool S = K == rt::OP_SUB ? true : (S1 || S2);
  typedef typename fx_t<W, I, S>::type type;
};

// Result formats of "ap op C-integer" and "C-integer op ap". The primary
// templates are empty, so a non-integer T drops the overload (SFINAE)
// without instantiating any result format: overload resolution stays cheap.
template <int K, int W1, bool S1, class T, bool = cint<T>::ok> struct int_cres {};
template <int K, int W1, bool S1, class T> struct int_cres<K, W1, S1, T, true> {
  typedef typename int_res<K, W1, S1, cint<T>::W, cint<T>::S>::type type;
};
template <int K, class T, int W2, bool S2, bool = cint<T>::ok> struct int_cres_l {};
template <int K, class T, int W2, bool S2> struct int_cres_l<K, T, W2, S2, true> {
  typedef typename int_res<K, cint<T>::W, cint<T>::S, W2, S2>::type type;
};
template <int K, int W1, int I1, bool S1, class T, bool = cint<T>::ok> struct fx_cres {};
template <int K, int W1, int I1, bool S1, class T> struct fx_cres<K, W1, I1, S1, T, true> {
  typedef typename fx_res<K, W1, I1, S1, cint<T>::W, cint<T>::W, cint<T>::S>::type type;
};
template <int K, class T, int W2, int I2, bool S2, bool = cint<T>::ok> struct fx_cres_l {};
template <int K, class T, int W2, int I2, bool S2> struct fx_cres_l<K, T, W2, I2, S2, true> {
  typedef typename fx_res<K, cint<T>::W, cint<T>::W, cint<T>::S, W2, I2, S2>::type type;
};

// A writable reference to one bit, shared by every ap type (the word array,
// width and signedness travel at run time).
class bit_ref {
 public:
  bit_ref(u64* p, int W, bool S, int i) : p_(p), W_(W), S_(S), i_(i) {}
  // Copying a reference copies where it points; assigning one copies the bit (below). Declared so that
  // clang's -Wdeprecated-copy-with-user-provided-copy stays quiet in C++14, where returning by value copies.
  bit_ref(const bit_ref&) = default;
  operator bool() const { return rt::xbit(p_, rt::nw(W_), S_, i_); }
  bool get() const { return *this; }
  bool operator~() const { return !get(); }
  bit_ref& operator=(bool v) {
    rt::set_bit(p_, i_, v);
    rt::norm(p_, W_, S_);
    return *this;
  }
  bit_ref& operator=(const bit_ref& o) { return *this = o.get(); }
  int length() const { return 1; }
  std::string to_string() const { return get() ? "1" : "0"; }

 private:
  u64* p_;
  int W_;
  bool S_;
  int i_;
};

template <class T> inline void set_cint(u64* w, int W, bool S, T v) {
  const int n = rt::nw(W);
  w[0] = (u64)v;
  const u64 fill = (cint<T>::S && (rt::i64)v < 0) ? ~0ULL : 0ULL;
  for (int i = 1; i < n; ++i) w[i] = fill;
  rt::norm(w, W, S);
}

}  // namespace hlsq_ap

template <int W, bool S> using ap_bit_ref = hlsq_ap::bit_ref;

// ================================================================ ap_int_base

template <int W, bool S> struct ap_int_base {
  static_assert(W >= 1, "ap_[u]int width must be at least 1");
  enum { NW = hlsq_ap::nwords(W) };
  static const int width = W;
  static const bool sign_flag = S;
  hlsq_ap::u64 hlsq_w[NW];

  ap_int_base() { memset(hlsq_w, 0, sizeof hlsq_w); }
  template <class T>
  ap_int_base(T v, typename hlsq_ap::enable_if<hlsq_ap::cint<T>::ok, int>::type = 0) {
    hlsq_ap::set_cint(hlsq_w, W, S, v);
  }
  ap_int_base(double d) { hlsq_ap::rt::int_from_double(hlsq_w, W, S, d); }
  ap_int_base(float f) { hlsq_ap::rt::int_from_double(hlsq_w, W, S, (double)f); }
  ap_int_base(const char* s) { hlsq_ap::rt::int_from_string(hlsq_w, W, S, s, 10); }
  ap_int_base(const char* s, signed char radix) { hlsq_ap::rt::int_from_string(hlsq_w, W, S, s, radix); }
  ap_int_base(const hlsq_ap::bit_ref& b) { hlsq_ap::set_cint(hlsq_w, W, S, (bool)b); }
  template <int W2, bool S2> ap_int_base(const ap_int_base<W2, S2>& o) {
    hlsq_ap::rt::copy_ext(hlsq_w, NW, o.hlsq_w, hlsq_ap::nwords(W2), S2);
    hlsq_ap::rt::norm(hlsq_w, W, S);
  }
  // §4.2: through the integer part of width max(I,1), then wrapped.
  template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
  ap_int_base(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& o) {
    hlsq_ap::rt::fx_int_part(hlsq_w, NW, o.hlsq_w, W2, I2, S2);
    hlsq_ap::rt::norm(hlsq_w, W, S);
  }
  template <int W2, bool S2> ap_int_base(const ap_range_ref<W2, S2>& r) {
    hlsq_ap::rt::u64 t[hlsq_ap::nwords(W2)];
    hlsq_ap::rt::range_get(t, hlsq_ap::nwords(W2), r.p, W2, S2, r.hi, r.lo);
    hlsq_ap::rt::copy_ext(hlsq_w, NW, t, hlsq_ap::nwords(W2), false);
    hlsq_ap::rt::norm(hlsq_w, W, S);
  }

  int length() const { return W; }
  bool is_neg() const { return hlsq_ap::rt::is_neg(hlsq_w, NW, S); }
  bool iszero() const { return hlsq_ap::rt::is_zero(hlsq_w, NW); }
  int to_int() const { return (int)hlsq_w[0]; }
  unsigned to_uint() const { return (unsigned)hlsq_w[0]; }
  long to_long() const { return (long)hlsq_w[0]; }
  unsigned long to_ulong() const { return (unsigned long)hlsq_w[0]; }
  long long to_int64() const { return (long long)hlsq_w[0]; }
  unsigned long long to_uint64() const { return (unsigned long long)hlsq_w[0]; }
  double to_double() const { return hlsq_ap::rt::int_to_double(hlsq_w, W, S); }
  float to_float() const { return hlsq_ap::rt::int_to_float(hlsq_w, W, S); }
  // An ap_[u]int reads as a 64-bit C integer of its signedness (low bits).
  typedef typename hlsq_ap::cond<S, long long, unsigned long long>::type RetType;
  operator RetType() const { return (RetType)hlsq_w[0]; }

  hlsq_ap::bit_ref operator[](int i) { return hlsq_ap::bit_ref(hlsq_w, W, S, i); }
  bool operator[](int i) const { return hlsq_ap::rt::xbit(hlsq_w, NW, S, i); }
  bool get_bit(int i) const { return hlsq_ap::rt::xbit(hlsq_w, NW, S, i); }
  void set_bit(int i, bool v) {
    hlsq_ap::rt::set_bit(hlsq_w, i, v);
    hlsq_ap::rt::norm(hlsq_w, W, S);
  }
  ap_range_ref<W, S> range(int hi, int lo) const { return ap_range_ref<W, S>(const_cast<hlsq_ap::u64*>(hlsq_w), hi, lo); }
  ap_range_ref<W, S> range() const { return range(W - 1, 0); }
  ap_range_ref<W, S> operator()(int hi, int lo) const { return range(hi, lo); }
  bool and_reduce() const { return hlsq_ap::rt::and_reduce(hlsq_w, W, S); }
  bool or_reduce() const { return hlsq_ap::rt::or_reduce(hlsq_w, W, S); }
  bool xor_reduce() const { return hlsq_ap::rt::xor_reduce(hlsq_w, W, S); }
  bool nand_reduce() const { return !and_reduce(); }
  bool nor_reduce() const { return !or_reduce(); }
  bool xnor_reduce() const { return !xor_reduce(); }
  std::string to_string(signed char radix = 2, bool sign = S) const {
    return hlsq_ap::rt::int_to_string(hlsq_w, W, S, radix, sign);
  }

  template <class T> ap_int_base& operator+=(const T& b) { return *this = *this + b; }
  template <class T> ap_int_base& operator-=(const T& b) { return *this = *this - b; }
  template <class T> ap_int_base& operator*=(const T& b) { return *this = *this * b; }
  template <class T> ap_int_base& operator/=(const T& b) { return *this = *this / b; }
  template <class T> ap_int_base& operator%=(const T& b) { return *this = *this % b; }
  template <class T> ap_int_base& operator&=(const T& b) { return *this = *this & b; }
  template <class T> ap_int_base& operator|=(const T& b) { return *this = *this | b; }
  template <class T> ap_int_base& operator^=(const T& b) { return *this = *this ^ b; }
  template <class T> ap_int_base& operator<<=(const T& b) { return *this = *this << b; }
  template <class T> ap_int_base& operator>>=(const T& b) { return *this = *this >> b; }
  ap_int_base& operator++() {
    hlsq_ap::rt::inc_n(hlsq_w, NW);
    hlsq_ap::rt::norm(hlsq_w, W, S);
    return *this;
  }
  ap_int_base& operator--() {
    for (int i = 0; i < NW; ++i)
      if (hlsq_w[i]-- != 0) break;
    hlsq_ap::rt::norm(hlsq_w, W, S);
    return *this;
  }
  const ap_int_base operator++(int) {
    ap_int_base old(*this);
    ++*this;
    return old;
  }
  const ap_int_base operator--(int) {
    ap_int_base old(*this);
    --*this;
    return old;
  }
};

template <int W> struct ap_int : ap_int_base<W, true> {
  typedef ap_int_base<W, true> Base;
  using Base::Base;
  ap_int() {}
  ap_int(const Base& b) : Base(b) {}
};

template <int W> struct ap_uint : ap_int_base<W, false> {
  typedef ap_int_base<W, false> Base;
  using Base::Base;
  ap_uint() {}
  ap_uint(const Base& b) : Base(b) {}
};

// ============================================================== range reference

template <int W, bool S> struct ap_range_ref {
  hlsq_ap::u64* p;
  int hi, lo;
  ap_range_ref(hlsq_ap::u64* p_, int hi_, int lo_) : p(p_), hi(hi_), lo(lo_) {}
  ap_range_ref(const ap_range_ref&) = default;

  int length() const { return (hi >= lo ? hi - lo : lo - hi) + 1; }
  ap_uint<W> get() const { return ap_uint<W>(*this); }
  operator unsigned long long() const { return get().to_uint64(); }
  int to_int() const { return get().to_int(); }
  unsigned to_uint() const { return get().to_uint(); }
  long long to_int64() const { return get().to_int64(); }
  unsigned long long to_uint64() const { return get().to_uint64(); }
  std::string to_string(signed char radix = 2) const { return get().to_string(radix); }
  bool and_reduce() const { return hlsq_ap::rt::range_reduce(0, p, W, S, hi, lo); }
  bool or_reduce() const { return hlsq_ap::rt::range_reduce(1, p, W, S, hi, lo); }
  bool xor_reduce() const { return hlsq_ap::rt::range_reduce(2, p, W, S, hi, lo); }

  template <int W2, bool S2> ap_range_ref& operator=(const ap_int_base<W2, S2>& v) {
    hlsq_ap::rt::range_set(p, W, S, hi, lo, v.hlsq_w, hlsq_ap::nwords(W2), S2);
    return *this;
  }
  template <class T>
  typename hlsq_ap::enable_if<hlsq_ap::cint<T>::ok, ap_range_ref&>::type operator=(T v) {
    return *this = ap_int_base<64, hlsq_ap::cint<T>::S>(v);
  }
  ap_range_ref& operator=(const ap_range_ref& o) { return *this = o.get(); }
  template <int W2, bool S2> ap_range_ref& operator=(const ap_range_ref<W2, S2>& o) { return *this = o.get(); }
};

// ================================================================ ap_fixed_base

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N> struct ap_fixed_base {
  static_assert(W >= 1, "ap_[u]fixed width must be at least 1");
  // §11.1: the vendor exits at run time above AP_INT_MAX_W (rounded up to a
  // multiple of 1024); failing the build is the friendlier equivalent.
  static_assert(W <= ((AP_INT_MAX_W + 1023) / 1024) * 1024, "ap_[u]fixed width exceeds AP_INT_MAX_W");
  enum { NW = hlsq_ap::nwords(W) };
  static const int width = W;
  static const int iwidth = I;
  static const bool sign_flag = S;
  static const ap_q_mode qmode = Q;
  static const ap_o_mode omode = O;
  hlsq_ap::u64 hlsq_w[NW];

  ap_fixed_base() { memset(hlsq_w, 0, sizeof hlsq_w); }
  template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
  ap_fixed_base(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& o) {
    if (W2 == W && I2 == I && S2 == S && (int)Q2 == (int)Q && (int)O2 == (int)O && N2 == N)
      memcpy(hlsq_w, o.hlsq_w, sizeof hlsq_w);  // §7.3: same type copies bits
    else
      hlsq_ap::rt::fx_convert(hlsq_w, W, I, S, Q, O, N, o.hlsq_w, W2, I2, S2);
  }
  template <int W2, bool S2> ap_fixed_base(const ap_int_base<W2, S2>& o) {
    hlsq_ap::rt::fx_convert(hlsq_w, W, I, S, Q, O, N, o.hlsq_w, W2, W2, S2);
  }
  template <class T>
  ap_fixed_base(T v, typename hlsq_ap::enable_if<hlsq_ap::cint<T>::ok, int>::type = 0) {
    const int cw = hlsq_ap::cint<T>::W;
    const bool cs = hlsq_ap::cint<T>::S;
    hlsq_ap::u64 t[1];
    hlsq_ap::set_cint(t, cw, cs, v);
    hlsq_ap::rt::fx_convert(hlsq_w, W, I, S, Q, O, N, t, cw, cw, cs);
  }
  ap_fixed_base(double d) { hlsq_ap::rt::fx_from_double(hlsq_w, W, I, S, Q, O, N, d); }
  ap_fixed_base(float f) { hlsq_ap::rt::fx_from_double(hlsq_w, W, I, S, Q, O, N, (double)f); }
  ap_fixed_base(const char* s) { hlsq_ap::rt::fx_from_string(hlsq_w, W, I, S, Q, O, N, s, 10); }
  ap_fixed_base(const char* s, signed char radix) { hlsq_ap::rt::fx_from_string(hlsq_w, W, I, S, Q, O, N, s, radix); }
  ap_fixed_base(const hlsq_ap::bit_ref& b) { *this = ap_fixed_base(ap_int_base<1, false>(b)); }
  template <int W2, bool S2> ap_fixed_base(const ap_range_ref<W2, S2>& r) { *this = ap_fixed_base(ap_uint<W2>(r)); }

  int length() const { return W; }
  bool is_neg() const { return hlsq_ap::rt::is_neg(hlsq_w, NW, S); }
  double to_double() const { return hlsq_ap::rt::fx_to_double(hlsq_w, W, I, S); }
  float to_float() const { return hlsq_ap::rt::fx_to_float(hlsq_w, W, I, S); }
  long long to_int64() const {
    hlsq_ap::u64 ip[1];
    hlsq_ap::rt::fx_int_part(ip, 1, hlsq_w, W, I, S);
    return (long long)ip[0];
  }
  unsigned long long to_uint64() const { return (unsigned long long)to_int64(); }
  int to_int() const { return (int)to_int64(); }
  unsigned to_uint() const { return (unsigned)to_int64(); }
  long to_long() const { return (long)to_int64(); }
  unsigned long to_ulong() const { return (unsigned long)to_int64(); }
  ap_int_base<hlsq_ap::imax(I, 1), S> to_ap_int_base() const { return ap_int_base<hlsq_ap::imax(I, 1), S>(*this); }

  // §4.3 / §12 #14: operator bool looks at the low 64 bits only.
  operator bool() const { return hlsq_w[0] != 0; }
  operator char() const { return (char)to_int64(); }
  operator signed char() const { return (signed char)to_int64(); }
  operator unsigned char() const { return (unsigned char)to_int64(); }
  operator short() const { return (short)to_int64(); }
  operator unsigned short() const { return (unsigned short)to_int64(); }
  operator int() const { return to_int(); }
  operator unsigned() const { return to_uint(); }
  operator long() const { return to_long(); }
  operator unsigned long() const { return to_ulong(); }
  operator long long() const { return to_int64(); }
  operator unsigned long long() const { return to_uint64(); }
  operator float() const { return to_float(); }
  operator double() const { return to_double(); }
  operator long double() const { return to_double(); }

  hlsq_ap::bit_ref operator[](int i) { return hlsq_ap::bit_ref(hlsq_w, W, S, i); }
  bool operator[](int i) const { return hlsq_ap::rt::xbit(hlsq_w, NW, S, i); }
  // get_bit/set_bit address the fixed-point position: bit k is raw bit k+F (§10).
  bool get_bit(int k) const { return hlsq_ap::rt::xbit(hlsq_w, NW, S, k + (W - I)); }
  void set_bit(int k, bool v) {
    hlsq_ap::rt::set_bit(hlsq_w, k + (W - I), v);
    hlsq_ap::rt::norm(hlsq_w, W, S);
  }
  ap_range_ref<W, S> range(int hi, int lo) const { return ap_range_ref<W, S>(const_cast<hlsq_ap::u64*>(hlsq_w), hi, lo); }
  ap_range_ref<W, S> range() const { return range(W - 1, 0); }
  ap_range_ref<W, S> operator()(int hi, int lo) const { return range(hi, lo); }
  bool and_reduce() const { return hlsq_ap::rt::and_reduce(hlsq_w, W, S); }
  bool or_reduce() const { return hlsq_ap::rt::or_reduce(hlsq_w, W, S); }
  bool xor_reduce() const { return hlsq_ap::rt::xor_reduce(hlsq_w, W, S); }
  std::string to_string(signed char radix = 2, bool sign = S) const {
    return hlsq_ap::rt::fx_to_string(hlsq_w, W, I, S, radix, sign);
  }

  template <class T> ap_fixed_base& operator+=(const T& b) { return *this = ap_fixed_base(*this + b); }
  template <class T> ap_fixed_base& operator-=(const T& b) { return *this = ap_fixed_base(*this - b); }
  template <class T> ap_fixed_base& operator*=(const T& b) { return *this = ap_fixed_base(*this * b); }
  template <class T> ap_fixed_base& operator/=(const T& b) { return *this = ap_fixed_base(*this / b); }
  template <class T> ap_fixed_base& operator&=(const T& b) { return *this = ap_fixed_base(*this & b); }
  template <class T> ap_fixed_base& operator|=(const T& b) { return *this = ap_fixed_base(*this | b); }
  template <class T> ap_fixed_base& operator^=(const T& b) { return *this = ap_fixed_base(*this ^ b); }
  template <class T> ap_fixed_base& operator<<=(const T& b) { return *this = *this << b; }
  template <class T> ap_fixed_base& operator>>=(const T& b) { return *this = *this >> b; }

  // §5.3 / §12 #19: ++ and -- add the value 1.0 held in an unsigned constant
  // of width W-I+1 (so they do not compile for I > W), and convert back with
  // this type's own modes.
  ap_fixed_base& operator++() { return *this += ap_fixed_base<W - I + 1, 1, false, AP_TRN, AP_WRAP, 0>(1); }
  ap_fixed_base& operator--() { return *this -= ap_fixed_base<W - I + 1, 1, false, AP_TRN, AP_WRAP, 0>(1); }
  const ap_fixed_base operator++(int) {
    ap_fixed_base old(*this);
    ++*this;
    return old;
  }
  const ap_fixed_base operator--(int) {
    ap_fixed_base old(*this);
    --*this;
    return old;
  }
};

template <int W, int I, ap_q_mode Q, ap_o_mode O, int N> struct ap_fixed : ap_fixed_base<W, I, true, Q, O, N> {
  typedef ap_fixed_base<W, I, true, Q, O, N> Base;
  using Base::Base;
  ap_fixed() {}
  ap_fixed(const Base& b) : Base(b) {}
};

template <int W, int I, ap_q_mode Q, ap_o_mode O, int N> struct ap_ufixed : ap_fixed_base<W, I, false, Q, O, N> {
  typedef ap_fixed_base<W, I, false, Q, O, N> Base;
  using Base::Base;
  ap_ufixed() {}
  ap_ufixed(const Base& b) : Base(b) {}
};

// ============================================================ ap_int operators

#define HLSQ_AP_INT_BINOP(OPSYM, KIND)                                                                       \
  template <int W1, bool S1, int W2, bool S2>                                                                \
  inline typename hlsq_ap::int_res<KIND, W1, S1, W2, S2>::type operator OPSYM(const ap_int_base<W1, S1>& a, \
                                                                              const ap_int_base<W2, S2>& b) { \
    typedef hlsq_ap::int_res<KIND, W1, S1, W2, S2> R;                                                        \
    typename R::type r;                                                                                      \
    hlsq_ap::rt::fx_binop(KIND, r.hlsq_w, R::W, R::W, R::S, a.hlsq_w, W1, W1, S1, b.hlsq_w, W2, W2, S2);     \
    return r;                                                                                                \
  }                                                                                                          \
  template <int W1, bool S1, class T>                                                                        \
  inline typename hlsq_ap::int_cres<KIND, W1, S1, T>::type operator OPSYM(const ap_int_base<W1, S1>& a, T b) {                                                        \
    return a OPSYM ap_int_base<hlsq_ap::cint<T>::W, hlsq_ap::cint<T>::S>(b);                                 \
  }                                                                                                          \
  template <int W2, bool S2, class T>                                                                        \
  inline typename hlsq_ap::int_cres_l<KIND, T, W2, S2>::type operator OPSYM(T a, const ap_int_base<W2, S2>& b) {                                                        \
    return ap_int_base<hlsq_ap::cint<T>::W, hlsq_ap::cint<T>::S>(a) OPSYM b;                                 \
  }

HLSQ_AP_INT_BINOP(+, hlsq_ap::rt::OP_ADD)
HLSQ_AP_INT_BINOP(-, hlsq_ap::rt::OP_SUB)
HLSQ_AP_INT_BINOP(*, hlsq_ap::rt::OP_MUL)
HLSQ_AP_INT_BINOP(&, hlsq_ap::rt::OP_AND)
HLSQ_AP_INT_BINOP(|, hlsq_ap::rt::OP_OR)
HLSQ_AP_INT_BINOP(^, hlsq_ap::rt::OP_XOR)
#undef HLSQ_AP_INT_BINOP

#define HLSQ_AP_INT_DIVOP(OPSYM, KIND, IS_MOD)                                                               \
  template <int W1, bool S1, int W2, bool S2>                                                                \
  inline typename hlsq_ap::int_res<KIND, W1, S1, W2, S2>::type operator OPSYM(const ap_int_base<W1, S1>& a, \
                                                                              const ap_int_base<W2, S2>& b) { \
    typedef hlsq_ap::int_res<KIND, W1, S1, W2, S2> R;                                                        \
    typename R::type r;                                                                                      \
    hlsq_ap::rt::int_divmod(IS_MOD, r.hlsq_w, R::W, R::S, a.hlsq_w, W1, S1, b.hlsq_w, W2, S2);               \
    return r;                                                                                                \
  }                                                                                                          \
  template <int W1, bool S1, class T>                                                                        \
  inline typename hlsq_ap::int_cres<KIND, W1, S1, T>::type operator OPSYM(const ap_int_base<W1, S1>& a, T b) {                                                        \
    return a OPSYM ap_int_base<hlsq_ap::cint<T>::W, hlsq_ap::cint<T>::S>(b);                                 \
  }                                                                                                          \
  template <int W2, bool S2, class T>                                                                        \
  inline typename hlsq_ap::int_cres_l<KIND, T, W2, S2>::type operator OPSYM(T a, const ap_int_base<W2, S2>& b) {                                                        \
    return ap_int_base<hlsq_ap::cint<T>::W, hlsq_ap::cint<T>::S>(a) OPSYM b;                                 \
  }

HLSQ_AP_INT_DIVOP(/, hlsq_ap::rt::OP_DIV, false)
HLSQ_AP_INT_DIVOP(%, hlsq_ap::rt::OP_MOD, true)
#undef HLSQ_AP_INT_DIVOP

#define HLSQ_AP_INT_CMP(OPSYM, EXPR)                                                                         \
  template <int W1, bool S1, int W2, bool S2>                                                                \
  inline bool operator OPSYM(const ap_int_base<W1, S1>& a, const ap_int_base<W2, S2>& b) {                   \
    using namespace hlsq_ap::rt;                                                                             \
    const u64* x = a.hlsq_w;                                                                                 \
    const u64* y = b.hlsq_w;                                                                                 \
    return EXPR;                                                                                             \
  }                                                                                                          \
  template <int W1, bool S1, class T>                                                                        \
  inline typename hlsq_ap::enable_if<hlsq_ap::cint<T>::ok, bool>::type operator OPSYM(const ap_int_base<W1, S1>& a, T b) { \
    return a OPSYM ap_int_base<hlsq_ap::cint<T>::W, hlsq_ap::cint<T>::S>(b);                                 \
  }                                                                                                          \
  template <int W2, bool S2, class T>                                                                        \
  inline typename hlsq_ap::enable_if<hlsq_ap::cint<T>::ok, bool>::type operator OPSYM(T a, const ap_int_base<W2, S2>& b) { \
    return ap_int_base<hlsq_ap::cint<T>::W, hlsq_ap::cint<T>::S>(a) OPSYM b;                                 \
  }

HLSQ_AP_INT_CMP(==, int_compare(CMP_EQ, x, W1, S1, y, W2, S2))
HLSQ_AP_INT_CMP(!=, !int_compare(CMP_EQ, x, W1, S1, y, W2, S2))
HLSQ_AP_INT_CMP(<, int_compare(CMP_LT, x, W1, S1, y, W2, S2))
HLSQ_AP_INT_CMP(>, int_compare(CMP_GT, x, W1, S1, y, W2, S2))
HLSQ_AP_INT_CMP(<=, !int_compare(CMP_GT, x, W1, S1, y, W2, S2))
HLSQ_AP_INT_CMP(>=, !int_compare(CMP_LT, x, W1, S1, y, W2, S2))
#undef HLSQ_AP_INT_CMP

#define HLSQ_AP_INT_SHIFT(OPSYM, LEFT)                                                                       \
  template <int W1, bool S1, int W2, bool S2>                                                                \
  inline typename hlsq_ap::int_t<W1, S1>::type operator OPSYM(const ap_int_base<W1, S1>& a,                  \
                                                              const ap_int_base<W2, S2>& b) {                \
    typename hlsq_ap::int_t<W1, S1>::type r;                                                                 \
    hlsq_ap::rt::shift_by_apint(r.hlsq_w, a.hlsq_w, W1, S1, LEFT, b.hlsq_w, W2, S2);                         \
    return r;                                                                                                \
  }                                                                                                          \
  template <int W1, bool S1, class T>                                                                        \
  inline typename hlsq_ap::enable_if<hlsq_ap::cint<T>::ok, typename hlsq_ap::int_t<W1, S1>::type>::type     \
  operator OPSYM(const ap_int_base<W1, S1>& a, T b) {                                                        \
    typename hlsq_ap::int_t<W1, S1>::type r;                                                                 \
    if (hlsq_ap::cint<T>::S) hlsq_ap::rt::shift_signed(r.hlsq_w, a.hlsq_w, W1, S1, LEFT, (long long)b);      \
    else hlsq_ap::rt::shift_raw(r.hlsq_w, a.hlsq_w, W1, S1, LEFT, (unsigned long long)b);                    \
    return r;                                                                                                \
  }

HLSQ_AP_INT_SHIFT(<<, true)
HLSQ_AP_INT_SHIFT(>>, false)
#undef HLSQ_AP_INT_SHIFT

template <int W, bool S>
inline typename hlsq_ap::int_t<hlsq_ap::imax(W, 1 + S) + 1, true>::type operator-(const ap_int_base<W, S>& a) {
  typedef typename hlsq_ap::int_t<hlsq_ap::imax(W, 1 + S) + 1, true>::type R;
  return R(0) - a;
}
template <int W, bool S> inline typename hlsq_ap::int_t<W, S>::type operator+(const ap_int_base<W, S>& a) { return a; }
template <int W, bool S> inline typename hlsq_ap::int_t<W, S>::type operator~(const ap_int_base<W, S>& a) {
  typename hlsq_ap::int_t<W, S>::type r(a);
  for (int i = 0; i < ap_int_base<W, S>::NW; ++i) r.hlsq_w[i] = ~r.hlsq_w[i];
  hlsq_ap::rt::norm(r.hlsq_w, W, S);
  return r;
}
template <int W, bool S> inline bool operator!(const ap_int_base<W, S>& a) { return a.iszero(); }

// =========================================================== ap_fixed operators

#define HLSQ_AP_FX_PARAMS(n) int W##n, int I##n, bool S##n, ap_q_mode Q##n, ap_o_mode O##n, int N##n
#define HLSQ_AP_FX(n) ap_fixed_base<W##n, I##n, S##n, Q##n, O##n, N##n>

#define HLSQ_AP_FX_BINOP(OPSYM, KIND)                                                                        \
  template <HLSQ_AP_FX_PARAMS(1), HLSQ_AP_FX_PARAMS(2)>                                                      \
  inline typename hlsq_ap::fx_res<KIND, W1, I1, S1, W2, I2, S2>::type operator OPSYM(const HLSQ_AP_FX(1)& a, \
                                                                                     const HLSQ_AP_FX(2)& b) { \
    typedef hlsq_ap::fx_res<KIND, W1, I1, S1, W2, I2, S2> R;                                                 \
    typename R::type r;                                                                                      \
    hlsq_ap::rt::fx_binop(KIND, r.hlsq_w, R::W, R::I, R::S, a.hlsq_w, W1, I1, S1, b.hlsq_w, W2, I2, S2);     \
    return r;                                                                                                \
  }                                                                                                          \
  template <HLSQ_AP_FX_PARAMS(1), int W2, bool S2>                                                           \
  inline typename hlsq_ap::fx_res<KIND, W1, I1, S1, W2, W2, S2>::type operator OPSYM(const HLSQ_AP_FX(1)& a, \
                                                                                     const ap_int_base<W2, S2>& b) { \
    typedef hlsq_ap::fx_res<KIND, W1, I1, S1, W2, W2, S2> R;                                                 \
    typename R::type r;                                                                                      \
    hlsq_ap::rt::fx_binop(KIND, r.hlsq_w, R::W, R::I, R::S, a.hlsq_w, W1, I1, S1, b.hlsq_w, W2, W2, S2);     \
    return r;                                                                                                \
  }                                                                                                          \
  template <int W1, bool S1, HLSQ_AP_FX_PARAMS(2)>                                                           \
  inline typename hlsq_ap::fx_res<KIND, W1, W1, S1, W2, I2, S2>::type operator OPSYM(const ap_int_base<W1, S1>& a, \
                                                                                     const HLSQ_AP_FX(2)& b) { \
    typedef hlsq_ap::fx_res<KIND, W1, W1, S1, W2, I2, S2> R;                                                 \
    typename R::type r;                                                                                      \
    hlsq_ap::rt::fx_binop(KIND, r.hlsq_w, R::W, R::I, R::S, a.hlsq_w, W1, W1, S1, b.hlsq_w, W2, I2, S2);     \
    return r;                                                                                                \
  }                                                                                                          \
  template <HLSQ_AP_FX_PARAMS(1), class T>                                                                   \
  inline typename hlsq_ap::fx_cres<KIND, W1, I1, S1, T>::type operator OPSYM(const HLSQ_AP_FX(1)& a, T b) {                                                              \
    return a OPSYM ap_int_base<hlsq_ap::cint<T>::W, hlsq_ap::cint<T>::S>(b);                                 \
  }                                                                                                          \
  template <HLSQ_AP_FX_PARAMS(2), class T>                                                                   \
  inline typename hlsq_ap::fx_cres_l<KIND, T, W2, I2, S2>::type operator OPSYM(T a, const HLSQ_AP_FX(2)& b) {                                                              \
    return ap_int_base<hlsq_ap::cint<T>::W, hlsq_ap::cint<T>::S>(a) OPSYM b;                                 \
  }

HLSQ_AP_FX_BINOP(+, hlsq_ap::rt::OP_ADD)
HLSQ_AP_FX_BINOP(-, hlsq_ap::rt::OP_SUB)
HLSQ_AP_FX_BINOP(*, hlsq_ap::rt::OP_MUL)
HLSQ_AP_FX_BINOP(/, hlsq_ap::rt::OP_DIV)
HLSQ_AP_FX_BINOP(&, hlsq_ap::rt::OP_AND)
HLSQ_AP_FX_BINOP(|, hlsq_ap::rt::OP_OR)
HLSQ_AP_FX_BINOP(^, hlsq_ap::rt::OP_XOR)
#undef HLSQ_AP_FX_BINOP

// Comparisons: b's own modes take part when b is the operand being aligned
// (§6.1); ap_[u]int and C integers carry the default modes.
#define HLSQ_AP_FX_CMP(OPSYM, NOT, CMPK)                                                                     \
  template <HLSQ_AP_FX_PARAMS(1), HLSQ_AP_FX_PARAMS(2)>                                                      \
  inline bool operator OPSYM(const HLSQ_AP_FX(1)& a, const HLSQ_AP_FX(2)& b) {                               \
    return NOT hlsq_ap::rt::fx_compare(hlsq_ap::rt::CMPK, a.hlsq_w, W1, I1, S1, b.hlsq_w, W2, I2, S2, Q2, O2, N2); \
  }                                                                                                          \
  template <HLSQ_AP_FX_PARAMS(1), int W2, bool S2>                                                           \
  inline bool operator OPSYM(const HLSQ_AP_FX(1)& a, const ap_int_base<W2, S2>& b) {                         \
    return NOT hlsq_ap::rt::fx_compare(hlsq_ap::rt::CMPK, a.hlsq_w, W1, I1, S1, b.hlsq_w, W2, W2, S2, AP_TRN, AP_WRAP, 0); \
  }                                                                                                          \
  template <int W1, bool S1, HLSQ_AP_FX_PARAMS(2)>                                                           \
  inline bool operator OPSYM(const ap_int_base<W1, S1>& a, const HLSQ_AP_FX(2)& b) {                         \
    return NOT hlsq_ap::rt::fx_compare(hlsq_ap::rt::CMPK, a.hlsq_w, W1, W1, S1, b.hlsq_w, W2, I2, S2, Q2, O2, N2); \
  }                                                                                                          \
  template <HLSQ_AP_FX_PARAMS(1), class T>                                                                   \
  inline typename hlsq_ap::enable_if<hlsq_ap::cint<T>::ok, bool>::type operator OPSYM(const HLSQ_AP_FX(1)& a, T b) { \
    return a OPSYM ap_int_base<hlsq_ap::cint<T>::W, hlsq_ap::cint<T>::S>(b);                                 \
  }                                                                                                          \
  template <HLSQ_AP_FX_PARAMS(2), class T>                                                                   \
  inline typename hlsq_ap::enable_if<hlsq_ap::cint<T>::ok, bool>::type operator OPSYM(T a, const HLSQ_AP_FX(2)& b) { \
    return ap_int_base<hlsq_ap::cint<T>::W, hlsq_ap::cint<T>::S>(a) OPSYM b;                                 \
  }                                                                                                          \
  /* §6.3 / §12 #9: against a double the fixed value goes through to_double(). */                         \
  template <HLSQ_AP_FX_PARAMS(1)> inline bool operator OPSYM(const HLSQ_AP_FX(1)& a, double d) {            \
    return a.to_double() OPSYM d;                                                                            \
  }                                                                                                          \
  template <HLSQ_AP_FX_PARAMS(1)> inline bool operator OPSYM(double d, const HLSQ_AP_FX(1)& a) {            \
    return d OPSYM a.to_double();                                                                            \
  }                                                                                                          \
  template <HLSQ_AP_FX_PARAMS(1)> inline bool operator OPSYM(const HLSQ_AP_FX(1)& a, float d) {             \
    return a.to_double() OPSYM (double)d;                                                                    \
  }                                                                                                          \
  template <HLSQ_AP_FX_PARAMS(1)> inline bool operator OPSYM(float d, const HLSQ_AP_FX(1)& a) {             \
    return (double)d OPSYM a.to_double();                                                                    \
  }

HLSQ_AP_FX_CMP(==, , CMP_EQ)
HLSQ_AP_FX_CMP(!=, !, CMP_EQ)
HLSQ_AP_FX_CMP(<, , CMP_LT)
HLSQ_AP_FX_CMP(>, , CMP_GT)
HLSQ_AP_FX_CMP(<=, !, CMP_GT)
HLSQ_AP_FX_CMP(>=, !, CMP_LT)
#undef HLSQ_AP_FX_CMP

// §7.1 / §12 #18: shifts keep the full type, modes included, and never
// quantise or saturate. ap_int amounts go through to_int()/to_uint().
#define HLSQ_AP_FX_SHIFT(OPSYM, LEFT)                                                                        \
  template <HLSQ_AP_FX_PARAMS(1), class T>                                                                   \
  inline typename hlsq_ap::enable_if<hlsq_ap::cint<T>::ok, typename hlsq_ap::fx_t<W1, I1, S1, Q1, O1, N1>::type>::type \
  operator OPSYM(const HLSQ_AP_FX(1)& a, T n) {                                                              \
    typename hlsq_ap::fx_t<W1, I1, S1, Q1, O1, N1>::type r;                                                  \
    if (hlsq_ap::cint<T>::S) hlsq_ap::rt::shift_signed(r.hlsq_w, a.hlsq_w, W1, S1, LEFT, (long long)n);      \
    else hlsq_ap::rt::shift_raw(r.hlsq_w, a.hlsq_w, W1, S1, LEFT, (unsigned long long)n);                    \
    return r;                                                                                                \
  }                                                                                                          \
  template <HLSQ_AP_FX_PARAMS(1), int W2, bool S2>                                                           \
  inline typename hlsq_ap::fx_t<W1, I1, S1, Q1, O1, N1>::type operator OPSYM(const HLSQ_AP_FX(1)& a,         \
                                                                             const ap_int_base<W2, S2>& n) { \
    if (S2) return a OPSYM n.to_int();                                                                       \
    return a OPSYM n.to_uint();                                                                              \
  }

HLSQ_AP_FX_SHIFT(<<, true)
HLSQ_AP_FX_SHIFT(>>, false)
#undef HLSQ_AP_FX_SHIFT

template <HLSQ_AP_FX_PARAMS(1)>
inline typename hlsq_ap::fx_t<W1 + 1, I1 + 1, true>::type operator-(const HLSQ_AP_FX(1)& a) {
  typename hlsq_ap::fx_t<W1 + 1, I1 + 1, true>::type r;  // starts at 0, so 0 - a
  hlsq_ap::rt::fx_binop(hlsq_ap::rt::OP_SUB, r.hlsq_w, W1 + 1, I1 + 1, true, r.hlsq_w, W1 + 1, I1 + 1, true,
                        a.hlsq_w, W1, I1, S1);
  return r;
}
template <HLSQ_AP_FX_PARAMS(1)>
inline typename hlsq_ap::fx_t<W1, I1, S1, Q1, O1, N1>::type operator+(const HLSQ_AP_FX(1)& a) {
  return a;
}
template <HLSQ_AP_FX_PARAMS(1)> inline typename hlsq_ap::fx_t<W1, I1, S1>::type operator~(const HLSQ_AP_FX(1)& a) {
  typename hlsq_ap::fx_t<W1, I1, S1>::type r;
  for (int i = 0; i < HLSQ_AP_FX(1)::NW; ++i) r.hlsq_w[i] = ~a.hlsq_w[i];
  hlsq_ap::rt::norm(r.hlsq_w, W1, S1);
  return r;
}
template <HLSQ_AP_FX_PARAMS(1)> inline bool operator!(const HLSQ_AP_FX(1)& a) {
  return hlsq_ap::rt::is_zero(a.hlsq_w, HLSQ_AP_FX(1)::NW);
}

#undef HLSQ_AP_FX
#undef HLSQ_AP_FX_PARAMS

#endif
