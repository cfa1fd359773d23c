// hlsq_ap_rt.h: the run-time engine behind ap_int.h / ap_fixed.h.
//
// Written from the hlsq specification (shared/spec/ap-fixed.md, cited as §n);
// no vendor source was consulted. Every function here is a non-template
// `inline` function that takes widths, signedness and modes as run-time
// arguments. The class templates in hlsq_ap_impl.h are thin shells that only
// pass their template arguments down, so instantiating thousands of distinct
// ap types in one translation unit stays cheap.
//
// Representation: a W-bit value lives in nw(W) little-endian 64-bit words.
// The unused bits of the top word always hold the sign extension (signed) or
// zeros (unsigned), so every word array can be read as an infinitely
// extended integer without knowing W.
#ifndef HLSQ_AP_RT_H
#define HLSQ_AP_RT_H

#include <stdint.h>
#include <string.h>
#include <string>

namespace hlsq_ap {
namespace rt {

typedef uint64_t u64;
typedef long long i64;

// Quantisation and overflow mode numbers (same values as ap_q_mode/ap_o_mode).
enum { Q_RND = 0, Q_RND_ZERO, Q_RND_MIN_INF, Q_RND_INF, Q_RND_CONV, Q_TRN, Q_TRN_ZERO };
enum { O_SAT = 0, O_SAT_ZERO, O_SAT_SYM, O_WRAP, O_WRAP_SM };
enum Op { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_AND, OP_OR, OP_XOR };
enum Cmp { CMP_EQ, CMP_LT, CMP_GT };

inline int nw(i64 W) { return (int)((W + 63) >> 6); }

// Scratch words: on the stack for everything up to a few thousand bits, on the
// heap beyond (wide products of 1024-bit operands, far-apart binary points).
class Scratch {
 public:
  explicit Scratch(int n) : p_(n <= kInline ? inl_ : new u64[n]), n_(n) { memset(p_, 0, sizeof(u64) * (size_t)n); }
  ~Scratch() { if (p_ != inl_) delete[] p_; }
  u64* get() { return p_; }
  int size() const { return n_; }
 private:
  Scratch(const Scratch&);
  Scratch& operator=(const Scratch&);
  enum { kInline = 72 };
  u64 inl_[kInline];
  u64* p_;
  int n_;
};

// ---------------------------------------------------------------- word access

inline u64 sign_word(const u64* a, int n, bool s) { return (s && (a[n - 1] >> 63)) ? ~0ULL : 0ULL; }

inline void norm(u64* a, i64 W, bool s) {
  int r = (int)(W & 63);
  if (!r) return;
  int top = nw(W) - 1;
  u64 hi_mask = ~0ULL << r;
  if (s && ((a[top] >> (r - 1)) & 1)) a[top] |= hi_mask;
  else a[top] &= ~hi_mask;
}

// norm() for a buffer of n >= nw(W) words: the words above W hold the
// extension too.
inline void wrapx(u64* a, int n, i64 W, bool s) {
  norm(a, W, s);
  const int top = nw(W) - 1;
  const u64 fill = (s && (a[top] >> 63)) ? ~0ULL : 0ULL;
  for (int i = top + 1; i < n; ++i) a[i] = fill;
}

inline u64 xword(const u64* a, int n, bool s, i64 k) { return k < n ? a[k] : sign_word(a, n, s); }

inline int xbit(const u64* a, int n, bool s, i64 k) {
  if (k < 0) return 0;
  return (int)((xword(a, n, s, k >> 6) >> (k & 63)) & 1);
}

// Bits [pos, pos+64) of the extended value; positions below 0 read as 0.
inline u64 word_at(const u64* a, int n, bool s, i64 pos) {
  if (pos <= -64) return 0;
  if (pos < 0) return xword(a, n, s, 0) << (-pos);
  i64 wi = pos >> 6;
  int sh = (int)(pos & 63);
  u64 lo = xword(a, n, s, wi);
  if (!sh) return lo;
  return (lo >> sh) | (xword(a, n, s, wi + 1) << (64 - sh));
}

// dst (dn words) = floor(src / 2^shift) mod 2^(64*dn); shift < 0 shifts left.
inline void window(u64* dst, int dn, const u64* src, int sn, bool s, i64 shift) {
  for (int i = 0; i < dn; ++i) dst[i] = word_at(src, sn, s, shift + 64 * (i64)i);
}

inline void copy_ext(u64* dst, int dn, const u64* src, int sn, bool s) { window(dst, dn, src, sn, s, 0); }

// Whether any bit in the extended positions [lo, hi] is set.
inline bool any_bits(const u64* a, int n, bool s, i64 lo, i64 hi) {
  if (lo < 0) lo = 0;
  if (hi < lo) return false;
  for (i64 p = lo; p <= hi; p += 64) {
    u64 w = word_at(a, n, s, p);
    i64 len = hi - p + 1;
    if (len < 64) w &= (1ULL << len) - 1;
    if (w) return true;
  }
  return false;
}

inline bool all_bits_eq(const u64* a, int n, i64 lo, i64 hi, bool v) {
  for (i64 p = lo; p <= hi; p += 64) {
    u64 w = word_at(a, n, false, p);
    i64 len = hi - p + 1;
    u64 m = len < 64 ? (1ULL << len) - 1 : ~0ULL;
    if ((w & m) != (v ? m : 0)) return false;
  }
  return true;
}

inline void set_bit(u64* a, i64 k, bool v) {
  if (v) a[k >> 6] |= 1ULL << (k & 63);
  else a[k >> 6] &= ~(1ULL << (k & 63));
}

inline bool is_zero(const u64* a, int n) {
  for (int i = 0; i < n; ++i) if (a[i]) return false;
  return true;
}

inline bool is_neg(const u64* a, int n, bool s) { return s && (a[n - 1] >> 63); }

// ------------------------------------------------------------- n-word arithmetic

inline void add_n(u64* r, const u64* a, const u64* b, int n) {
  unsigned c = 0;
  for (int i = 0; i < n; ++i) {
    u64 s = a[i] + b[i];
    unsigned c1 = s < a[i];
    u64 t = s + c;
    c = c1 | (t < s);
    r[i] = t;
  }
}

inline void sub_n(u64* r, const u64* a, const u64* b, int n) {
  unsigned br = 0;
  for (int i = 0; i < n; ++i) {
    u64 d = a[i] - b[i];
    unsigned b1 = a[i] < b[i];
    u64 t = d - br;
    br = b1 | (d < br);
    r[i] = t;
  }
}

inline void inc_n(u64* a, int n) {
  for (int i = 0; i < n; ++i) if (++a[i]) return;
}

inline void neg_n(u64* a, int n) {
  for (int i = 0; i < n; ++i) a[i] = ~a[i];
  inc_n(a, n);
}

// r = a * b mod 2^(64n); a and b already extended to n words.
inline void mul_n(u64* r, const u64* a, const u64* b, int n) {
  Scratch acc(n);
  u64* t = acc.get();
  for (int i = 0; i < n; ++i) {
    if (!a[i]) continue;
    u64 carry = 0;
    for (int j = 0; i + j < n; ++j) {
      unsigned __int128 p = (unsigned __int128)a[i] * b[j] + t[i + j] + carry;
      t[i + j] = (u64)p;
      carry = (u64)(p >> 64);
    }
  }
  memcpy(r, t, sizeof(u64) * (size_t)n);
}

inline int cmp_u(const u64* a, const u64* b, int n) {
  for (int i = n - 1; i >= 0; --i)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

inline int cmp_s(const u64* a, const u64* b, int n) {
  bool na = a[n - 1] >> 63, nb = b[n - 1] >> 63;
  if (na != nb) return na ? -1 : 1;
  return cmp_u(a, b, n);
}

inline int clz64(u64 x) { return x ? __builtin_clzll(x) : 64; }

// Index of the highest set bit of an n-word unsigned value, -1 for zero.
inline i64 top_bit(const u64* a, int n) {
  for (int i = n - 1; i >= 0; --i)
    if (a[i]) return 64 * (i64)i + 63 - clz64(a[i]);
  return -1;
}

// -------------------------------------------------- multi-word unsigned division
//
// §8.4: above 64 bits the vendor divides with a port of the old LLVM APInt
// "Knuth algorithm D" on 32-bit digits. Its add-back step (D6) replaces the
// whole partial remainder by its b's complement before adding the divisor
// back, so the remainder (and in principle later quotient digits) come out
// wrong in rare cases (spec §12 #11). This is ported digit for digit on
// purpose: do not "fix" it.
inline void knuth_div_quirk(uint32_t* u, uint32_t* v, uint32_t* q, uint32_t* r, int m, int n) {
  const u64 b = 1ULL << 32;
  // D1: normalise so that the top divisor digit has its MSB set.
  int shift = __builtin_clz(v[n - 1]);
  uint32_t u_carry = 0, v_carry = 0;
  if (shift) {
    for (int i = 0; i < m + n; ++i) {
      uint32_t t = u[i] >> (32 - shift);
      u[i] = (u[i] << shift) | u_carry;
      u_carry = t;
    }
    for (int i = 0; i < n; ++i) {
      uint32_t t = v[i] >> (32 - shift);
      v[i] = (v[i] << shift) | v_carry;
      v_carry = t;
    }
  }
  u[m + n] = u_carry;
  for (int j = m; j >= 0; --j) {
    // D3: trial quotient digit with the two classic corrections.
    u64 dividend = ((u64)u[j + n] << 32) + u[j + n - 1];
    u64 qp = dividend / v[n - 1];
    u64 rp = dividend % v[n - 1];
    if (qp == b || qp * v[n - 2] > b * rp + u[j + n - 2]) {
      qp--;
      rp += v[n - 1];
      if (rp < b && (qp == b || qp * v[n - 2] > b * rp + u[j + n - 2])) qp--;
    }
    // D4: multiply and subtract, borrowing through the whole dividend.
    bool is_neg = false;
    for (int i = 0; i < n; ++i) {
      u64 u_tmp = (u64)u[j + i] | ((u64)u[j + i + 1] << 32);
      u64 subtrahend = qp * v[i];
      bool borrow = subtrahend > u_tmp;
      u64 result = u_tmp - subtrahend;
      int k = j + i;
      u[k++] = (uint32_t)result;
      u[k++] = (uint32_t)(result >> 32);
      while (borrow && k <= m + n) {
        borrow = u[k] == 0;
        u[k]--;
        k++;
      }
      is_neg |= borrow;
    }
    // The quirk: the whole array (including not yet processed low digits)
    // is replaced by its b's complement.
    if (is_neg) {
      bool carry = true;
      for (int i = 0; i <= m + n; ++i) {
        u[i] = ~u[i] + (carry ? 1u : 0u);
        carry = carry && u[i] == 0;
      }
    }
    q[j] = (uint32_t)qp;
    if (is_neg) {
      // D6: add back.
      q[j]--;
      bool carry = false;
      for (int i = 0; i < n; ++i) {
        uint32_t limit = u[j + i] < v[i] ? u[j + i] : v[i];
        u[j + i] += v[i] + (carry ? 1u : 0u);
        carry = u[j + i] < limit || (carry && u[j + i] == limit);
      }
      u[j + n] += carry ? 1u : 0u;
    }
  }
  // D8: unnormalise the remainder.
  if (shift) {
    uint32_t carry = 0;
    for (int i = n - 1; i >= 0; --i) {
      r[i] = (u[i] >> shift) | carry;
      carry = u[i] << (32 - shift);
    }
  } else {
    for (int i = n - 1; i >= 0; --i) r[i] = u[i];
  }
}

// Unsigned q = x / y, rem = x % y on n-word values that are Wd bits wide.
// Wd <= 64 uses native division (exact); wider values take the APInt-like
// path with its fast paths and the Knuth routine above (§8.4).
inline void udivrem(u64* q, u64* rem, const u64* x, const u64* y, int n, i64 Wd) {
  if (Wd <= 64) {
    u64 xv = x[0], yv = y[0];
    if (Wd < 64) {
      u64 m = (1ULL << Wd) - 1;
      xv &= m;
      yv &= m;
    }
    memset(q, 0, sizeof(u64) * (size_t)n);
    memset(rem, 0, sizeof(u64) * (size_t)n);
    q[0] = xv / yv;
    rem[0] = xv % yv;
    return;
  }
  Scratch xs(n), ys(n);
  u64* xa = xs.get();
  u64* ya = ys.get();
  memcpy(xa, x, sizeof(u64) * (size_t)n);
  memcpy(ya, y, sizeof(u64) * (size_t)n);
  wrapx(xa, n, Wd, false);
  wrapx(ya, n, Wd, false);
  memset(q, 0, sizeof(u64) * (size_t)n);
  memset(rem, 0, sizeof(u64) * (size_t)n);
  int lhs_words = (int)((top_bit(xa, n) + 64) >> 6);
  int rhs_words = (int)((top_bit(ya, n) + 64) >> 6);
  if (lhs_words == 0) return;
  int c = cmp_u(xa, ya, n);
  if (lhs_words < rhs_words || c < 0) {
    memcpy(rem, xa, sizeof(u64) * (size_t)n);
    return;
  }
  if (c == 0) {
    q[0] = 1;
    return;
  }
  if (lhs_words == 1 && rhs_words == 1) {
    q[0] = xa[0] / ya[0];
    rem[0] = xa[0] % ya[0];
    return;
  }
  int dn = rhs_words * 2;
  int dm = lhs_words * 2 - dn;
  Scratch us((lhs_words * 2 + 2 + 1) / 2 + 1), vs(rhs_words + 1), qs(lhs_words + 1), rs(rhs_words + 1);
  uint32_t* U = reinterpret_cast<uint32_t*>(us.get());
  uint32_t* V = reinterpret_cast<uint32_t*>(vs.get());
  uint32_t* Q = reinterpret_cast<uint32_t*>(qs.get());
  uint32_t* R = reinterpret_cast<uint32_t*>(rs.get());
  for (int i = 0; i < lhs_words; ++i) {
    U[2 * i] = (uint32_t)xa[i];
    U[2 * i + 1] = (uint32_t)(xa[i] >> 32);
  }
  U[dm + dn] = 0;
  for (int i = 0; i < rhs_words; ++i) {
    V[2 * i] = (uint32_t)ya[i];
    V[2 * i + 1] = (uint32_t)(ya[i] >> 32);
  }
  for (int i = dn; i > 0 && V[i - 1] == 0; --i) {
    dn--;
    dm++;
  }
  for (int i = dm + dn; i > 0 && U[i - 1] == 0; --i) dm--;
  if (dn == 1) {
    // Short division by a single digit: exact.
    uint32_t divisor = V[0];
    uint32_t remainder = 0;
    for (int i = dm + dn - 1; i >= 0; --i) {
      u64 pd = ((u64)remainder << 32) | U[i];
      Q[i] = (uint32_t)(pd / divisor);
      remainder = (uint32_t)(pd % divisor);
    }
    R[0] = remainder;
  } else {
    knuth_div_quirk(U, V, Q, R, dm, dn);
  }
  for (int i = 0; i < lhs_words && i < n; ++i) q[i] = (u64)Q[2 * i] | ((u64)Q[2 * i + 1] << 32);
  for (int i = 0; i < rhs_words && i < n; ++i) rem[i] = (u64)R[2 * i] | ((u64)R[2 * i + 1] << 32);
}

// Signed division of two Wd-bit patterns (APInt sdiv/srem: the magnitudes go
// through udivrem, so the §8.4 quirk applies to signed operands too).
inline void sdivrem(u64* q, u64* rem, const u64* x, const u64* y, int n, i64 Wd) {
  Scratch xs(n), ys(n);
  u64* xa = xs.get();
  u64* ya = ys.get();
  memcpy(xa, x, sizeof(u64) * (size_t)n);
  memcpy(ya, y, sizeof(u64) * (size_t)n);
  wrapx(xa, n, Wd, true);
  wrapx(ya, n, Wd, true);
  bool nx = xa[n - 1] >> 63, ny = ya[n - 1] >> 63;
  if (nx) neg_n(xa, n);
  if (ny) neg_n(ya, n);
  udivrem(q, rem, xa, ya, n, Wd);
  if (nx != ny) neg_n(q, n);
  if (nx) neg_n(rem, n);
}

// ------------------------------------------------------------ conversion (§2)

// Converts the exact value src * 2^-(W2-I2) (W2 bits, signedness S2) into
// the fixed-point format (W, I, S, Q, O, N). This is the single conversion
// algorithm of §2; every construction and assignment into an ap_[u]fixed
// ends here.
inline void fx_convert(u64* dst, int W, int I, bool S, int Q, int O, int N,
                       const u64* src, int W2, int I2, bool S2) {
  const int n2 = nw(W2);
  const int n = nw(W);
  const i64 F = (i64)W - I, F2 = (i64)W2 - I2;
  const i64 d = F2 - F;
  const bool neg = is_neg(src, n2, S2);

  // §2.2: quantisation increment, decided on the bits below the new LSB.
  int inc = 0;
  if (d > 0) {
    const bool qb = xbit(src, n2, S2, d - 1);
    const bool rest = any_bits(src, n2, S2, 0, d - 2);
    const bool t_odd = xbit(src, n2, S2, d);
    switch (Q) {
      case Q_TRN: inc = 0; break;
      case Q_TRN_ZERO: inc = neg && (qb || rest); break;
      case Q_RND: inc = qb; break;
      case Q_RND_ZERO: inc = qb && (neg || rest); break;
      case Q_RND_MIN_INF: inc = qb && rest; break;
      case Q_RND_INF: inc = qb && (!neg || rest); break;
      case Q_RND_CONV: inc = qb && (t_odd || rest); break;
      default: inc = 0; break;
    }
  }

  // q = floor(src / 2^d) + inc, held exactly. A left shift by more than W+1
  // leaves the low W+1 bits zero either way, so it is clamped to keep the
  // buffer small without changing V, the sign or the range test.
  const i64 dc = d < -((i64)W + 2) ? -((i64)W + 2) : d;
  const i64 span = (W2 - dc > W ? W2 - dc : W) + 2;
  const int nq = nw(span);
  Scratch qs(nq);
  u64* q = qs.get();
  window(q, nq, src, n2, S2, dc);
  if (inc) inc_n(q, nq);
  const bool qneg = q[nq - 1] >> 63;
  const i64 top = 64 * (i64)nq - 1;

  window(dst, n, q, nq, true, 0);
  norm(dst, W, S);
  if (O == O_WRAP && N == 0) return;  // §2.3: plain wrap, no detection.

  bool in_range = S ? all_bits_eq(q, nq, W - 1, top, qneg) : (!qneg && all_bits_eq(q, nq, W, top, false));
  bool overflow = !in_range && !qneg;
  bool underflow = !in_range && qneg;
  // §2.3 / §12 #2 context: signed AP_SAT_SYM never keeps the minimum code.
  if (O == O_SAT_SYM && S && S2 && in_range && qneg && all_bits_eq(q, nq, 0, W - 2, false)) underflow = true;
  if (!overflow && !underflow) return;

  switch (O) {
    case O_SAT:
      for (int i = 0; i < n; ++i) dst[i] = 0;
      if (overflow) {
        for (i64 k = 0; k < W - (S ? 1 : 0); ++k) set_bit(dst, k, true);
      } else if (S) {
        set_bit(dst, W - 1, true);
      }
      break;
    case O_SAT_ZERO:
      for (int i = 0; i < n; ++i) dst[i] = 0;
      break;
    case O_SAT_SYM:
      for (int i = 0; i < n; ++i) dst[i] = 0;
      if (overflow) {
        for (i64 k = 0; k < W - (S ? 1 : 0); ++k) set_bit(dst, k, true);
      } else if (S) {
        // "minimum with bit 0 forced to 1"; for W = 1 that is -1 LSB (§12 #2).
        set_bit(dst, W - 1, true);
        set_bit(dst, 0, true);
      }
      break;
    case O_WRAP: {
      const int lo = W - N < 0 ? 0 : W - N;
      if (S) {
        for (int k = lo; k <= W - 2; ++k) set_bit(dst, k, overflow);
        set_bit(dst, W - 1, underflow);
      } else {
        // §12 #1: an unsigned destination sets the top N bits to 1 on
        // underflow too.
        for (int k = lo; k <= W - 1; ++k) set_bit(dst, k, true);
      }
      break;
    }
    case O_WRAP_SM: {
      const bool ro = xbit(dst, n, false, W - 1);
      if (N == 0) {
        // lD is bit W of the unrounded t, read as 0 where the source has no
        // bit (no sign extension), §2.4.
        const i64 pos = (i64)W + d;
        const bool lD = (pos >= 0 && pos <= W2 - 1) ? xbit(src, n2, S2, pos) : false;
        if (lD != ro) {
          for (int i = 0; i < n; ++i) dst[i] = ~dst[i];
          set_bit(dst, W - 1, lD);
        }
      } else if (N == 1) {
        if (qneg != ro)
          for (int i = 0; i < n; ++i) dst[i] = ~dst[i];
        set_bit(dst, W - 1, qneg);
      } else {
        const int lo = W - N < 0 ? 0 : W - N;
        if ((bool)xbit(dst, n, false, lo) == qneg)
          for (int i = 0; i < n; ++i) dst[i] = ~dst[i];
        for (int k = lo; k <= W - 2; ++k) set_bit(dst, k, !qneg);
        set_bit(dst, W - 1, qneg);
      }
      break;
    }
    default:
      break;
  }
  norm(dst, W, S);
}

// ---------------------------------------------------------- doubles in (§3)

inline u64 f64_bits(double x) {
  u64 b;
  memcpy(&b, &x, sizeof b);
  return b;
}

// §3.1: the double is read as the 54-bit signed integer +-(2^52 + m) with
// I2 = e + 2. The hidden bit is always set, so subnormals are misread as
// (1.m)*2^-1023 (§12 #4) and NaN/Inf as (1.m)*2^1024 (§12 #3).
inline void fx_from_double(u64* dst, int W, int I, bool S, int Q, int O, int N, double x) {
  const u64 b = f64_bits(x);
  const int n = nw(W);
  if ((b << 1) == 0) {  // +-0.0
    for (int i = 0; i < n; ++i) dst[i] = 0;
    return;
  }
  const int ef = (int)((b >> 52) & 0x7ff);
  const int e = ef == 0 ? -1023 : ef - 1023;
  u64 mag = (1ULL << 52) | (b & ((1ULL << 52) - 1));
  u64 src = (b >> 63) ? (u64)(-(i64)mag) : mag;
  fx_convert(dst, W, I, S, Q, O, N, &src, 54, e + 2, true);
}

// §3.2: ap_int from double takes a different, truncating path. For
// |x| < 0.5 a negative x yields all ones before the final negation, so every
// x in (-0.5, 0) becomes +1 (§12 #5).
inline void int_from_double(u64* dst, int W, bool S, double x) {
  const u64 b = f64_bits(x);
  const int n = nw(W);
  const bool neg = x < 0;
  const int ef = (int)((b >> 52) & 0x7ff);
  const int e = ef == 0 ? -1023 : ef - 1023;
  const u64 M = (1ULL << 52) | (b & ((1ULL << 52) - 1));
  for (int i = 0; i < n; ++i) dst[i] = 0;
  if (e >= 52) {
    const i64 sh = e - 52;
    if (sh < W) {
      u64 m = M;
      window(dst, n, &m, 1, false, -sh);
    }
  } else if (e >= -1) {
    dst[0] = M >> (52 - e);
  } else if (neg) {
    for (int i = 0; i < n; ++i) dst[i] = ~0ULL;
  }
  if (neg) neg_n(dst, n);
  norm(dst, W, S);
}

// ------------------------------------------------------- values out (§4)

// |raw| rounded to `mant` significant bits, ties to even, with the exponent
// field computed modulo 2^ebits (§4.1): exact for normal results, the
// vendor's garbage outside.
inline u64 fx_to_fp_bits(const u64* a, int W, int I, bool S, int mant, int ebits, int bias) {
  const int n = nw(W);
  const int n1 = nw((i64)W + 1);
  Scratch ms(n1);
  u64* m = ms.get();
  copy_ext(m, n1, a, n, S);
  const bool neg = is_neg(a, n, S);
  if (neg) neg_n(m, n1);
  const i64 p = top_bit(m, n1);
  if (p < 0) return 0;
  u64 sig;
  i64 ex = p + I - W;
  if (p < mant) {
    sig = m[0] << (mant - 1 - p);
  } else {
    const i64 cut = p - (mant - 1);  // number of bits dropped
    sig = word_at(m, n1, false, cut) & ((1ULL << mant) - 1);
    const bool half = xbit(m, n1, false, cut - 1);
    const bool sticky = any_bits(m, n1, false, 0, cut - 2);
    if (half && (sticky || (sig & 1))) {
      ++sig;
      if (sig >> mant) {
        sig >>= 1;
        ++ex;
      }
    }
  }
  const u64 emask = (1ULL << ebits) - 1;
  const u64 field = (u64)(ex + bias) & emask;
  const int sign_pos = mant - 1 + ebits;
  return ((u64)neg << sign_pos) | (field << (mant - 1)) | (sig & ((1ULL << (mant - 1)) - 1));
}

inline double fx_to_double(const u64* a, int W, int I, bool S) {
  u64 b = fx_to_fp_bits(a, W, I, S, 53, 11, 1023);
  double d;
  memcpy(&d, &b, sizeof d);
  return d;
}

inline float fx_to_float(const u64* a, int W, int I, bool S) {
  uint32_t b = (uint32_t)fx_to_fp_bits(a, W, I, S, 24, 8, 127);
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}

// §4.4: ap_int -> double converts only the low 64 bits when W > 64 (§12 #13).
// For W <= 64 the low word is the whole (extended) value, so one expression
// covers both the exact narrow case and the truncating wide case.
inline double int_to_double(const u64* a, int W, bool S) {
  (void)W;
  if (S) return (double)(i64)a[0];
  return (double)a[0];
}

inline float int_to_float(const u64* a, int W, bool S) {
  (void)W;
  if (S) return (float)(i64)a[0];
  return (float)a[0];
}

// §4.2: the integer part `ip` of width max(I,1) that every integer
// conversion of an ap_fixed goes through, extended into dn words.
inline void fx_int_part(u64* ip, int dn, const u64* a, int W, int I, bool S) {
  const int n = nw(W);
  const int Wi = I > 1 ? I : 1;
  const int ni = nw(Wi) > dn ? nw(Wi) : dn;
  Scratch ts(ni);
  u64* t = ts.get();
  const bool neg = is_neg(a, n, S);
  if (I >= W) {
    window(t, ni, a, n, S, -((i64)I - W));
  } else if (I >= 1) {
    window(t, ni, a, n, S, (i64)W - I);
    // Truncation toward zero, as a C cast would do.
    if (S && neg && any_bits(a, n, S, 0, (i64)W - I - 1)) inc_n(t, ni);
  } else {
    // I <= 0: a 1-bit part that starts at 0; the same correction wraps in
    // one bit, so a negative value gives -1 (§12 #15). I < 0 is undefined in
    // the vendor's headers (§11.4); it is treated like I = 0 here.
    if (S && neg) t[0] = 1;
  }
  wrapx(t, ni, Wi, S);
  copy_ext(ip, dn, t, ni, S);
}

// ---------------------------------------------------------- arithmetic (§5, §8)

// Fixed-point +, -, *, &, |, ^ and / into a result format (Wr, Ir, Sr) that
// is wide enough by construction (§5.1), so everything but / is exact.
// ap_int operands are passed with I = W.
inline void fx_binop(int op, u64* r, int Wr, int Ir, bool Sr,
                     const u64* a, int W1, int I1, bool S1,
                     const u64* b, int W2, int I2, bool S2) {
  const int nr = nw(Wr);
  const int n1 = nw(W1), n2 = nw(W2);
  const i64 Fr = (i64)Wr - Ir, F1 = (i64)W1 - I1, F2 = (i64)W2 - I2;
  if (op == OP_DIV) {
    // §5.2: x = raw_a * 2^max(F2,0), y = raw_b, truncated quotient computed
    // in Wd bits and then extended into the result (§12 #6 lives here: the
    // Wd-bit wrap of min / -1).
    const i64 sh = F2 > 0 ? F2 : 0;
    const i64 Wd1 = W1 + sh + (S2 && !S1), Wd2 = (i64)W2 + (S1 && !S2);
    const i64 Wd = Wd1 > Wd2 ? Wd1 : Wd2;
    const bool sd = S1 || S2;
    const int nd = nw(Wd + 1);
    Scratch xs(nd), ys(nd), qs(nd), rs(nd);
    window(xs.get(), nd, a, n1, S1, -sh);
    copy_ext(ys.get(), nd, b, n2, S2);
    if (sd) sdivrem(qs.get(), rs.get(), xs.get(), ys.get(), nd, Wd);
    else udivrem(qs.get(), rs.get(), xs.get(), ys.get(), nd, Wd);
    wrapx(qs.get(), nd, Wd, sd);
    copy_ext(r, nr, qs.get(), nd, sd);
    norm(r, Wr, Sr);
    return;
  }
  Scratch as(nr), bs(nr);
  u64* x = as.get();
  u64* y = bs.get();
  if (op == OP_MUL) {
    copy_ext(x, nr, a, n1, S1);
    copy_ext(y, nr, b, n2, S2);
    mul_n(r, x, y, nr);
  } else {
    window(x, nr, a, n1, S1, -(Fr - F1));
    window(y, nr, b, n2, S2, -(Fr - F2));
    switch (op) {
      case OP_ADD: add_n(r, x, y, nr); break;
      case OP_SUB: sub_n(r, x, y, nr); break;
      case OP_AND: for (int i = 0; i < nr; ++i) r[i] = x[i] & y[i]; break;
      case OP_OR: for (int i = 0; i < nr; ++i) r[i] = x[i] | y[i]; break;
      default: for (int i = 0; i < nr; ++i) r[i] = x[i] ^ y[i]; break;
    }
  }
  norm(r, Wr, Sr);
}

// §8.2: ap_int / and % with the vendor's mixed-signedness rules (§12 #10):
// both operands are extended by their own signedness to Wd bits and then
// reinterpreted with the signedness of the wider operand.
inline void int_divmod(bool want_mod, u64* r, int Wr, bool Sr,
                       const u64* a, int W1, bool S1, const u64* b, int W2, bool S2) {
  const i64 Wd = (W1 > W2 ? W1 : W2) + ((S1 || S2) ? 1 : 0);
  const bool Sd = W1 > W2 ? S1 : (W2 > W1 ? S2 : (S1 || S2));
  const int nd = nw(Wd);
  const int nr = nw(Wr);
  Scratch xs(nd), ys(nd), qs(nd), rs(nd);
  u64* x = xs.get();
  u64* y = ys.get();
  copy_ext(x, nd, a, nw(W1), S1);
  copy_ext(y, nd, b, nw(W2), S2);
  norm(x, Wd, Sd);
  norm(y, Wd, Sd);
  u64* out = qs.get();
  if (!want_mod) {
    if (Sd) sdivrem(qs.get(), rs.get(), x, y, nd, Wd);
    else udivrem(qs.get(), rs.get(), x, y, nd, Wd);
    out = qs.get();
  } else if (S1) {
    if (Sd) sdivrem(qs.get(), rs.get(), x, y, nd, Wd);
    else udivrem(qs.get(), rs.get(), x, y, nd, Wd);
    out = rs.get();
  } else if (is_neg(b, nw(W2), S2)) {
    out = x;  // unsigned dividend, negative divisor: the dividend itself
  } else {
    udivrem(qs.get(), rs.get(), x, y, nd, Wd);
    out = rs.get();
  }
  norm(out, Wd, Sd);
  copy_ext(r, nr, out, nd, Sd);
  norm(r, Wr, Sr);
}

// Raw shift of a W-bit pattern; left < 0 means the other way. Amounts of W
// or more give 0 or the sign fill (§7.1, §8.3).
inline void shift_raw(u64* r, const u64* a, int W, bool S, bool left, u64 amount) {
  const int n = nw(W);
  if (amount >= (u64)W) {
    const u64 fill = (!left && is_neg(a, n, S)) ? ~0ULL : 0ULL;
    for (int i = 0; i < n; ++i) r[i] = fill;
    norm(r, W, S);
    return;
  }
  Scratch ts(n);
  window(ts.get(), n, a, n, S, left ? -(i64)amount : (i64)amount);
  memcpy(r, ts.get(), sizeof(u64) * (size_t)n);
  norm(r, W, S);
}

// Shift by a signed C amount: negative reverses the direction.
inline void shift_signed(u64* r, const u64* a, int W, bool S, bool left, i64 amount) {
  if (amount < 0) shift_raw(r, a, W, S, !left, (u64)0 - (u64)amount);
  else shift_raw(r, a, W, S, left, (u64)amount);
}

// §8.3: shift by an ap_int amount. A negative signed amount flips the
// direction and uses (-b) mod 2^W2; either way the amount is then cut to
// 32 bits (§12 #12).
inline void shift_by_apint(u64* r, const u64* a, int W, bool S, bool left, const u64* b, int W2, bool S2) {
  const int n2 = nw(W2);
  if (is_neg(b, n2, S2)) {
    Scratch ts(n2);
    memcpy(ts.get(), b, sizeof(u64) * (size_t)n2);
    neg_n(ts.get(), n2);
    norm(ts.get(), W2, false);
    shift_raw(r, a, W, S, !left, ts.get()[0] & 0xffffffffULL);
  } else {
    shift_raw(r, a, W, S, left, b[0] & 0xffffffffULL);
  }
}

// ------------------------------------------------------------ comparisons (§6)

// §6.2 integer comparison rules, including the C-like unsigned ordering of
// mixed signedness at >= 32 bits and the odd equality widths (§12 #7).
inline bool int_compare(int cmp, const u64* x, int Wx, bool Sx, const u64* y, int Wy, bool Sy) {
  const int nx = nw(Wx), ny = nw(Wy);
  const int Wm = Wx > Wy ? Wx : Wy;
  if (cmp == CMP_EQ) {
    i64 M;
    if (Wx == Wy && Sx == Sy) M = Wx;
    else if (Wx == Wy && Wx <= 64) M = 64;
    else if (Wx <= 64) M = Wm > 32 ? Wm : 32;
    else M = Wm;
    const int nm = nw(M);
    Scratch xs(nm), ys(nm);
    copy_ext(xs.get(), nm, x, nx, Sx);
    copy_ext(ys.get(), nm, y, ny, Sy);
    norm(xs.get(), M, false);
    norm(ys.get(), M, false);
    return cmp_u(xs.get(), ys.get(), nm) == 0;
  }
  const int nm = nw((i64)Wm + 2);
  Scratch xs(nm), ys(nm);
  copy_ext(xs.get(), nm, x, nx, Sx);
  copy_ext(ys.get(), nm, y, ny, Sy);
  int c;
  bool mathematical = Sx == Sy || (Wx < 32 && Wy < 32) || (Sx && Wx > Wy) || (Sy && Wy > Wx);
  if (mathematical) {
    c = cmp_s(xs.get(), ys.get(), nm);
  } else {
    wrapx(xs.get(), nm, (i64)Wm + 1, false);
    wrapx(ys.get(), nm, (i64)Wm + 1, false);
    c = cmp_u(xs.get(), ys.get(), nm);
  }
  return cmp == CMP_LT ? c < 0 : c > 0;
}

// §6.1: the binary points are aligned first. When b has fewer fraction bits
// it is converted with its own modes, which is where a signed AP_SAT_SYM
// minimum turns into min+1 LSB (§12 #8).
inline bool fx_compare(int cmp, const u64* a, int W1, int I1, bool S1,
                       const u64* b, int W2, int I2, bool S2, int Q2, int O2, int N2) {
  const i64 F1 = (i64)W1 - I1, F2 = (i64)W2 - I2;
  if (F1 == F2) return int_compare(cmp, a, W1, S1, b, W2, S2);
  if (F1 > F2) {
    const int Wb = (int)(W2 + F1 - F2);
    Scratch bs(nw(Wb));
    fx_convert(bs.get(), Wb, I2, S2, Q2, O2, N2, b, W2, I2, S2);
    return int_compare(cmp, a, W1, S1, bs.get(), Wb, S2);
  }
  const int Wa = (int)(W1 + F2 - F1 + 1);
  Scratch as(nw(Wa));
  fx_convert(as.get(), Wa, I1 + 1, S1, Q_TRN, O_WRAP, 0, a, W1, I1, S1);
  return int_compare(cmp, as.get(), Wa, S1, b, W2, S2);
}

// ------------------------------------------------------------ reductions (§8.5, §10)

inline int popcount_range(const u64* a, int n, bool s, i64 lo, i64 hi) {
  int c = 0;
  for (i64 p = lo; p <= hi; p += 64) {
    u64 w = word_at(a, n, s, p);
    i64 len = hi - p + 1;
    if (len < 64) w &= (1ULL << len) - 1;
    c += __builtin_popcountll(w);
  }
  return c;
}

inline bool xor_reduce(const u64* a, int W, bool S) {
  // §12 #17: signed W <= 64 counts the sign-extended 64-bit word.
  if (S && W <= 64) return __builtin_popcountll(a[0]) & 1;
  return popcount_range(a, nw(W), S, 0, W - 1) & 1;
}

inline bool and_reduce(const u64* a, int W, bool S) { return popcount_range(a, nw(W), S, 0, W - 1) == W; }
inline bool or_reduce(const u64* a, int W, bool S) { return any_bits(a, nw(W), S, 0, W - 1); }

// Range read: bits lo..hi of the value, reversed when hi < lo (§10), into an
// unsigned dst of dn words.
inline void range_get(u64* dst, int dn, const u64* a, int W, bool S, int hi, int lo) {
  const int n = nw(W);
  for (int i = 0; i < dn; ++i) dst[i] = 0;
  if (hi >= lo) {
    const int len = hi - lo + 1;
    window(dst, dn, a, n, S, lo);
    if ((i64)len < 64 * (i64)dn) wrapx(dst, dn, len, false);
  } else {
    for (int j = 0; j <= lo - hi; ++j)
      if (xbit(a, n, S, lo - j)) set_bit(dst, j, true);
  }
}

inline void range_set(u64* a, int W, bool S, int hi, int lo, const u64* v, int vn, bool vs) {
  if (hi >= lo) {
    for (int k = lo; k <= hi; ++k) set_bit(a, k, xbit(v, vn, vs, k - lo));
  } else {
    for (int j = 0; j <= lo - hi; ++j) set_bit(a, lo - j, xbit(v, vn, vs, j));
  }
  norm(a, W, S);
}

// §12 #16: reductions on a range reference skip the range's top bit: they
// walk the variable's bits from the lower index up to, but not including,
// the higher one, whichever of hi/lo that is. (The public vectors fit this
// and the "skip the top bit of the reversed value" reading alike; this is
// the reading that an off-by-one loop bound produces.)
inline int range_reduce(int kind, const u64* a, int W, bool S, int hi, int lo) {
  const int from = hi < lo ? hi : lo;
  const int to = hi < lo ? lo : hi;
  const int n = nw(W);
  const int cnt = popcount_range(a, n, S, from, to - 1);
  if (kind == 0) return cnt == to - from;
  if (kind == 1) return cnt != 0;
  return cnt & 1;
}

// ------------------------------------------------------------ to_string (§9)

inline char digit_char(unsigned v, bool upper) {
  return (char)(v < 10 ? '0' + v : (upper ? 'A' : 'a') + (v - 10));
}

// Decimal digits of an unsigned n-word value.
inline std::string to_decimal(const u64* a, int n) {
  Scratch ts(n);
  u64* t = ts.get();
  memcpy(t, a, sizeof(u64) * (size_t)n);
  std::string out;
  const u64 chunk = 10000000000000000000ULL;  // 10^19
  while (!is_zero(t, n)) {
    unsigned __int128 rem = 0;
    for (int i = n - 1; i >= 0; --i) {
      unsigned __int128 cur = (rem << 64) | t[i];
      t[i] = (u64)(cur / chunk);
      rem = cur % chunk;
    }
    u64 r = (u64)rem;
    bool last = is_zero(t, n);
    for (int k = 0; k < 19 && (!last || r); ++k) {
      out += (char)('0' + r % 10);
      r /= 10;
    }
  }
  if (out.empty()) out = "0";
  return std::string(out.rbegin(), out.rend());
}

// §9.1 layout of an unsigned magnitude mag (n words) in radix 2/8/16 for a
// type of width W; `negative` selects the "-" form.
inline std::string int_digits(const u64* mag, int n, int W, int radix, bool negative) {
  const int bpd = radix == 2 ? 1 : radix == 8 ? 3 : 4;
  const char* prefix = radix == 2 ? "0b" : radix == 8 ? "0o" : "0x";
  const bool wide = W > 64;
  const i64 tb = top_bit(mag, n);
  if (tb < 0) return wide ? std::string("0") : std::string(prefix) + "0";
  std::string digs;
  unsigned msd = 0;
  for (i64 p = 0; p <= tb; p += bpd) {
    msd = (unsigned)(word_at(mag, n, false, p) & ((1u << bpd) - 1));
    digs += digit_char(msd, wide);
  }
  const i64 covered = (i64)digs.size() * bpd;
  bool lead = false;
  if (!negative && covered < W) lead = wide ? true : (bool)((msd >> (bpd - 1)) & 1);
  if (lead) digs += '0';
  std::string out = negative ? "-" : "";
  out += prefix;
  out.append(digs.rbegin(), digs.rend());
  return out;
}

inline std::string int_to_string(const u64* a, int W, bool S, int radix, bool sign) {
  const int n = nw(W);
  const int n1 = nw((i64)W + 1);
  Scratch ms(n1);
  u64* m = ms.get();
  copy_ext(m, n1, a, n, S);
  if (radix == 10) {
    // Radix 10 ignores `sign` and uses the type's signedness.
    bool neg = is_neg(a, n, S);
    if (neg) neg_n(m, n1);
    return (neg ? "-" : "") + to_decimal(m, n1);
  }
  if (radix != 2 && radix != 8 && radix != 16) radix = 16;
  const bool neg = radix != 2 && sign && S && is_neg(a, n, S);
  if (neg) neg_n(m, n1);
  else wrapx(m, n1, W, false);
  return int_digits(m, n1, W, radix, neg);
}

// §9.2 fixed-point to_string.
inline std::string fx_to_string(const u64* a, int W, int I, bool S, int radix, bool sign) {
  if (radix != 2 && radix != 8 && radix != 10 && radix != 16) radix = 10;
  if (radix == 2) sign = false;
  const int n = nw(W);
  const bool neg = sign && is_neg(a, n, S);
  // t: the value (or its negation) as a (W+1, I+1) signed fixed value.
  const int Wt = W + 1;
  const int F = W - I;
  const int nt = nw(Wt);
  Scratch ts(nt);
  u64* t = ts.get();
  copy_ext(t, nt, a, n, S);
  if (neg) neg_n(t, nt);
  norm(t, Wt, true);
  std::string out = neg ? "-" : "";
  const char* prefix = radix == 2 ? "0b" : radix == 8 ? "0o" : radix == 16 ? "0x" : "";
  if (I > 0) {
    const int Wi = I + 1;
    const int ni = nw(Wi);
    Scratch is(ni);
    window(is.get(), ni, t, nt, true, F);
    norm(is.get(), Wi, false);
    if (radix == 10) out += to_decimal(is.get(), ni);
    else out += int_digits(is.get(), ni, Wi, radix, false);
  } else {
    out += prefix;
    out += "0";
  }
  if (F <= 0) return out;
  // The fraction: t's low F bits, sign-extended when F > W+1.
  const int nf = nw(F);
  Scratch fs(nf);
  u64* f = fs.get();
  copy_ext(f, nf, t, nt, true);
  norm(f, F, false);
  if (is_zero(f, nf)) return out;
  out += '.';
  if (radix == 10) {
    // Exact decimal expansion: multiply the F-bit fraction by 10 repeatedly.
    const int ne = nw((i64)F + 4);
    Scratch es(ne);
    u64* e = es.get();
    memcpy(e, f, sizeof(u64) * (size_t)nf);
    while (!is_zero(e, ne)) {
      u64 carry = 0;
      for (int i = 0; i < ne; ++i) {
        unsigned __int128 p = (unsigned __int128)e[i] * 10 + carry;
        e[i] = (u64)p;
        carry = (u64)(p >> 64);
      }
      const unsigned digit = (unsigned)word_at(e, ne, false, F) & 15u;
      out += (char)('0' + digit);
      wrapx(e, ne, F, false);  // drop the integer digit again
    }
    return out;
  }
  const int bpd = radix == 2 ? 1 : radix == 8 ? 3 : 4;
  for (i64 p = F; p > 0; p -= bpd) {
    // Digit from bits [p-bpd, p-1], padded with zeros below bit 0.
    unsigned dgt = (unsigned)(word_at(f, nf, false, p - bpd) & ((1u << bpd) - 1));
    out += digit_char(dgt, false);
  }
  if (radix == 16) out += "p0";
  return out;
}

// -------------------------------------------------------- strings in

inline int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// Parses "[-+][0x|0b|0o|0d]digits[.digits]" (the prefix overrides `radix`)
// and converts the exact value into (W, I, S, Q, O, N) by §2. Decimal
// fractions are not binary fractions, so the value is carried as a
// round-to-odd magnitude with two guard bits below the destination LSB,
// which preserves every rounding decision of §2.2.
inline void fx_from_string(u64* dst, int W, int I, bool S, int Q, int O, int N, const char* s, int radix) {
  while (*s == ' ' || *s == '\t') ++s;
  bool neg = false;
  if (*s == '-' || *s == '+') neg = *s++ == '-';
  if (s[0] == '0' && s[1]) {
    char c = s[1];
    if (c == 'x' || c == 'X') { radix = 16; s += 2; }
    else if (c == 'b' || c == 'B') { radix = 2; s += 2; }
    else if (c == 'o' || c == 'O') { radix = 8; s += 2; }
    else if (c == 'd' || c == 'D') { radix = 10; s += 2; }
  }
  if (radix < 2 || radix > 36) radix = 10;
  // Digits as an integer N_ with `frac` of them after the point.
  int ndig = 0, frac = 0;
  bool point = false;
  for (const char* p = s; *p; ++p) {
    if (*p == '.' && !point) { point = true; continue; }
    if (digit_value(*p) >= radix) break;
    ++ndig;
    if (point) ++frac;
  }
  const i64 F = (i64)W - I;
  const i64 G = F + 2;  // guard bits
  const i64 numbits = (i64)ndig * 6 + 8 + (G > 0 ? G : 0);
  const int nn = nw(numbits);
  Scratch nums(nn), dens(nn);
  u64* num = nums.get();
  u64* den = dens.get();
  point = false;
  int seen = 0;
  for (const char* p = s; *p && seen < ndig; ++p) {
    if (*p == '.' && !point) { point = true; continue; }
    u64 carry = (u64)digit_value(*p);
    for (int i = 0; i < nn; ++i) {
      unsigned __int128 v = (unsigned __int128)num[i] * (unsigned)radix + carry;
      num[i] = (u64)v;
      carry = (u64)(v >> 64);
    }
    ++seen;
  }
  den[0] = 1;
  for (int k = 0; k < frac; ++k) {
    u64 carry = 0;
    for (int i = 0; i < nn; ++i) {
      unsigned __int128 v = (unsigned __int128)den[i] * (unsigned)radix + carry;
      den[i] = (u64)v;
      carry = (u64)(v >> 64);
    }
  }
  // mag = floor(num * 2^(G-1) / den) * 2 + sticky, scaled by 2^-G.
  Scratch sh(nn);
  window(sh.get(), nn, num, nn, false, -(G - 1));
  Scratch qs(nn), rs(nn);
  u64* q = qs.get();
  u64* r = rs.get();
  // Exact long division (the quirk of udivrem must not leak into parsing).
  for (int i = 0; i < nn; ++i) { q[i] = 0; r[i] = 0; }
  for (i64 k = top_bit(sh.get(), nn); k >= 0; --k) {
    // r = 2r + bit
    u64 c = (u64)xbit(sh.get(), nn, false, k);
    for (int i = 0; i < nn; ++i) {
      u64 nc = r[i] >> 63;
      r[i] = (r[i] << 1) | c;
      c = nc;
    }
    if (cmp_u(r, den, nn) >= 0) {
      sub_n(r, r, den, nn);
      set_bit(q, k, true);
    }
  }
  bool sticky = !is_zero(r, nn);
  if (G - 1 < 0) sticky = sticky || any_bits(num, nn, false, 0, -(G - 1) - 1);
  const int nm = nn + 1;
  Scratch ms(nm);
  u64* m = ms.get();
  window(m, nm, q, nn, false, -1);
  if (sticky) m[0] |= 1;
  if (neg) neg_n(m, nm);
  // Source format: 64*nm bits, signed, with G fraction bits.
  const i64 W2 = 64 * (i64)nm;
  fx_convert(dst, W, I, S, Q, O, N, m, (int)W2, (int)(W2 - G), true);
}

inline void int_from_string(u64* dst, int W, bool S, const char* s, int radix) {
  fx_from_string(dst, W, W, S, Q_TRN, O_WRAP, 0, s, radix);
}

}  // namespace rt
}  // namespace hlsq_ap

#endif
