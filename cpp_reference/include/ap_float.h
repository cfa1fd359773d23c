// ap_float.h -- hlsq's clean-room minifloat ap_float<M, E, E0>.
//
// The format of the `quantizers` library (hlsq spec quantizers.md section 4.1): sign-magnitude, M
// fraction bits with a hidden 1, E exponent bits, exponent offset E0 (the IEEE-style bias is
// max(2^(E-1), 1) - E0; E = 0 behaves like E = 1). Exponent field 0 holds the subnormals, the all-ones
// field is an ordinary finite binade, there are no Inf/NaN codes, and conversion saturates to +-max.
//
// Conversion from double is computed on the exact input value with one round-half-even, as the spec's
// section 4.2 defines it. Every step below is exact: the binade comes from frexp, scaling by powers of
// two is exact while the value stays normal (when it does not, it is below 1/2 and rounds to 0 anyway),
// the rounding compares with floor + 1/2 (exact for any non-integer double), and the format's values are
// doubles by the static_asserts. No intermediate fixed-point window is involved.
//
// NaN has no code in this format; an ap_float built from NaN remembers it (is_nan()) and converts back
// to NaN, so that quantize(NaN) is NaN as the spec asks. Everything else is a 1+max(E,1)+M-bit code.
//
// Self-contained: needs only <cstdint> and <cmath>. C++11 or later.
#ifndef HLSQ_AP_FLOAT_H
#define HLSQ_AP_FLOAT_H

#include <cmath>
#include <cstdint>

namespace hlsq_float_detail {

constexpr int max_int(int a, int b) { return a > b ? a : b; }
constexpr int pow2_int(int n) { return n <= 0 ? 1 : 2 * pow2_int(n - 1); }

// Round half to even of a finite double, exactly and without depending on the FP environment.
inline double round_half_even(double v) {
  const double fl = std::floor(v);
  if (fl == v) return v;
  const double mid = fl + 0.5;  // exact: |fl| <= 2^52 for a non-integer double
  if (v < mid) return fl;
  if (v > mid) return fl + 1.0;
  return std::fmod(fl, 2.0) == 0.0 ? fl : fl + 1.0;
}

// v * 2^n, split so that no factor over- or underflows.
inline double scale2(double v, int n) { return std::ldexp(v, n); }

}  // namespace hlsq_float_detail

template <int M, int E, int E0 = 0>
class ap_float {
  static_assert(M >= 0 && M <= 52, "ap_float: M (fraction bits) must be in [0, 52] so that values are doubles");
  static_assert(E >= 0 && E <= 11, "ap_float: E (exponent bits) must be in [0, 11]");

 public:
  // max(2^(E-1), 1): E = 0 behaves exactly like E = 1.
  static constexpr int half = hlsq_float_detail::max_int(hlsq_float_detail::pow2_int(E - 1), 1);
  static constexpr int emin = E0 - half + 1;
  static constexpr int emax = E0 + half - 1;
  static constexpr int bias = half - E0;
  static constexpr int exponent_bits = hlsq_float_detail::max_int(E, 1);
  static constexpr int width = 1 + exponent_bits + M;
  static_assert(emax <= 1023 && emin - M >= -1074, "ap_float: the format's values must be doubles");

  ap_float() : sign_(false), field_(0), frac_(0), nan_(false) {}
  ap_float(double x) { from_double(x); }  // NOLINT: implicit like the vendor types
  ap_float(float x) { from_double(static_cast<double>(x)); }
  ap_float(int x) { from_double(static_cast<double>(x)); }

  ap_float& operator=(double x) {
    from_double(x);
    return *this;
  }

  // The largest finite value, (2 - 2^-M) * 2^emax.
  static double max_value() { return hlsq_float_detail::scale2(static_cast<double>((std::uint64_t(1) << (M + 1)) - 1), emax - M); }

  // The nearest value of the format (ties to even), saturating; +-0 keep their sign; NaN stays NaN.
  static double quantize(double x) { return ap_float(x).to_double(); }

  double to_double() const {
    if (nan_) return std::nan("");
    const std::uint64_t hidden = std::uint64_t(1) << M;
    double v;
    if (field_ == 0) {
      v = hlsq_float_detail::scale2(static_cast<double>(frac_), emin - M);
    } else {
      v = hlsq_float_detail::scale2(static_cast<double>(hidden + frac_), emin + static_cast<int>(field_) - 1 - M);
    }
    return sign_ ? -v : v;
  }
  operator double() const { return to_double(); }  // NOLINT
  float to_float() const { return static_cast<float>(to_double()); }

  bool is_nan() const { return nan_; }
  bool sign() const { return sign_; }
  // Exponent field: 0 = subnormal / zero, otherwise binade emin + field - 1.
  std::uint32_t exponent_field() const { return field_; }
  std::uint64_t mantissa_field() const { return frac_; }
  // The code sign | exponent field | fraction (width bits). Meaningless for a NaN object.
  std::uint64_t bits() const {
    return (static_cast<std::uint64_t>(sign_) << (exponent_bits + M)) | (static_cast<std::uint64_t>(field_) << M) | frac_;
  }
  static ap_float from_bits(std::uint64_t code) {
    ap_float r;
    r.sign_ = ((code >> (exponent_bits + M)) & 1u) != 0;
    r.field_ = static_cast<std::uint32_t>((code >> M) & ((std::uint64_t(1) << exponent_bits) - 1));
    r.frac_ = code & ((std::uint64_t(1) << M) - 1);
    r.nan_ = false;
    return r;
  }

 private:
  void from_double(double x) {
    nan_ = std::isnan(x);
    sign_ = std::signbit(x);
    field_ = 0;
    frac_ = 0;
    if (nan_ || x == 0.0) return;
    const std::uint64_t hidden = std::uint64_t(1) << M;
    if (std::isinf(x)) {
      set_max();
      return;
    }
    const double a = std::fabs(x);
    int fe = 0;
    std::frexp(a, &fe);  // a = r * 2^fe with r in [0.5, 1): binade fe - 1, exact
    int ea = fe - 1 < emin ? emin : fe - 1;
    double q = hlsq_float_detail::round_half_even(hlsq_float_detail::scale2(a, M - ea));
    if (q >= static_cast<double>(hidden << 1)) {  // carry into the next binade
      q = static_cast<double>(hidden);
      ++ea;
    }
    if (ea > emax) {
      set_max();
      return;
    }
    const std::uint64_t qi = static_cast<std::uint64_t>(q);
    if (qi < hidden) {
      field_ = 0;
      frac_ = qi;
    } else {
      field_ = static_cast<std::uint32_t>(ea - emin + 1);
      frac_ = qi - hidden;
    }
  }
  void set_max() {
    field_ = static_cast<std::uint32_t>(emax - emin + 1);
    frac_ = (std::uint64_t(1) << M) - 1;
  }

  bool sign_;
  std::uint32_t field_;
  std::uint64_t frac_;
  bool nan_;
};

#endif  // HLSQ_AP_FLOAT_H
