// Internal to the generator (src/table/generate.cpp): its own random numbers
// and its own exp and log, so that a seed gives the same table, bit for bit,
// on every platform and compiler (docs/generator.md, "Determinism").
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

// Every floating-point operation rounded once: no fused multiply-add (see
// generate.cpp, which says the same before including this header).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#elif defined(_MSC_VER)
#pragma fp_contract(off)
#endif

namespace cxjf::generate_detail {

// ---------------------------------------------------------------------------
// Random numbers: splitmix64 to derive seeds, xoshiro256** per row.

inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

inline std::uint64_t splitmix64(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  return mix64(state);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

class Rng {
 public:
  explicit Rng(std::uint64_t key) {
    for (auto& word : s_) word = splitmix64(key);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in the open interval (0, 1): never 0, so log(u) is finite.
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool bernoulli(double p) { return uniform() < p; }
  /// Uniform integer in [0, n), by the multiply-shift method (bias < 2^-32
  /// for the small n used here, and the same on every platform).
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next() >> 32) * static_cast<std::uint64_t>(n)) >> 32);
  }
  double normal();

 private:
  std::array<std::uint64_t, 4> s_{};
};

// ---------------------------------------------------------------------------
// exp and log from basic operations only (see the pragma above). Accurate to a
// few ulps, which is plenty for synthetic data; what matters is that they give
// the same bits everywhere.

inline constexpr double ln2_hi = 6.93147180369123816490e-01;  // the top 32 bits of ln 2
inline constexpr double ln2_lo = 1.90821492927058770002e-10;  // ln 2 - ln2_hi

inline double det_exp(double x) {
  if (x > 709.0) return std::numeric_limits<double>::infinity();
  if (x < -745.0) return 0.0;
  const double k = std::floor(x * 1.4426950408889634 + 0.5);
  const double r = (x - k * ln2_hi) - k * ln2_lo;  // |r| <= 0.35
  // Taylor series to r^14 / 14!: truncation error below 1e-17.
  double p = 1.0 / 87178291200.0;
  constexpr double inv_factorial[] = {1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0,
                                      1.0 / 3628800.0,    1.0 / 362880.0,    1.0 / 40320.0,
                                      1.0 / 5040.0,       1.0 / 720.0,       1.0 / 120.0,
                                      1.0 / 24.0,         1.0 / 6.0,         0.5,
                                      1.0,                1.0};
  for (double c : inv_factorial) p = p * r + c;
  const int e = static_cast<int>(k);
  if (e < -1022) return std::ldexp(p, e);  // subnormal result
  // 2^e built from its bits: exact, and cheaper than ldexp's library call.
  const std::uint64_t bits = static_cast<std::uint64_t>(e + 1023) << 52;
  double scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

inline double det_log(double x) {
  if (!(x > 0.0)) return x == 0.0 ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  int e = 0;
  double m = std::frexp(x, &e);  // x = m 2^e, m in [0.5, 1)
  if (m < 0.70710678118654752) {
    m *= 2.0;
    --e;
  }
  // log(m) = 2 atanh(s) with s = (m - 1) / (m + 1), |s| <= 0.172.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double p = 1.0 / 27.0;
  for (int k = 25; k >= 1; k -= 2) p = p * s2 + 1.0 / k;
  return 2.0 * s * p + e * ln2_lo + e * ln2_hi;
}

double logistic(double x) { return 1.0 / (1.0 + det_exp(-x)); }

/// The standard normal quantile, by Acklam's rational approximation (relative
/// error below 1.2e-9): one uniform per normal, so a row's draws stay in step.
inline double normal_quantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01,  -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  if (p < p_low || p > 1.0 - p_low) {
    const double q = std::sqrt(-2.0 * det_log(p < p_low ? p : 1.0 - p));
    const double z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                     ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    return p < p_low ? z : -z;
  }
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

double Rng::normal() { return normal_quantile(uniform()); }

/// A normal with fat tails: with probability `wide_p` the spread is `wide_sd`.
inline double fat_normal(Rng& rng, double mean, double sd, double wide_p, double wide_sd) {
  const bool wide = rng.bernoulli(wide_p);
  return mean + (wide ? wide_sd : sd) * rng.normal();
}

/// Index drawn from cumulative weights (the last entry is the total).
inline std::size_t pick(Rng& rng, const std::vector<double>& cumulative) {
  const double u = rng.uniform() * cumulative.back();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
  return std::min(static_cast<std::size_t>(it - cumulative.begin()), cumulative.size() - 1);
}

template <std::size_t N>
inline std::size_t pick(Rng& rng, const std::array<double, N>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  double u = rng.uniform() * total;
  for (std::size_t i = 0; i < N; ++i) {
    if (u < weights[i]) return i;
    u -= weights[i];
  }
  return N - 1;
}

inline double round2(double x) { return std::round(x * 100.0) / 100.0; }


}  // namespace cxjf::generate_detail
