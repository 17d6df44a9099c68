// Exact arithmetic for the few totals that doubles cannot decide. A decimal
// written in a model or a data file is taken as the decimal it was written
// as: the double's shortest round-trip text is read back as an exact
// rational, so 0.1 is 1/10, not 3602879701896397/36028797018963968.
#pragma once

// GCC 12 sees a "maybe uninitialized" limb inside boost::rational's
// normalize() depending on how much it inlines; the value is always set
// (a known false positive), so the warning is silenced for Boost's code only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/multiprecision/cpp_int.hpp>
#pragma GCC diagnostic pop
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace cxjf::detail {

using Rational = boost::multiprecision::cpp_rational;

/// The decimal a double was written as, exactly.
inline Rational decimal_rational(double v) {
  if (v == 0 || !std::isfinite(v)) return Rational(0);
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string text(buf, res.ptr);
  auto e = text.find('e');
  std::string mantissa = text.substr(0, e);
  int exponent = std::stoi(text.substr(e + 1));
  bool negative = mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  auto dot = mantissa.find('.');
  int fraction_digits = 0;
  if (dot != std::string::npos) {
    fraction_digits = static_cast<int>(mantissa.size() - dot - 1);
    mantissa.erase(dot, 1);
  }
  boost::multiprecision::cpp_int digits(mantissa);
  int scale = exponent - fraction_digits;
  boost::multiprecision::cpp_int ten_power = boost::multiprecision::pow(boost::multiprecision::cpp_int(10),
                                                                      static_cast<unsigned>(std::abs(scale)));
  Rational r = scale >= 0 ? Rational(digits * ten_power) : Rational(digits, ten_power);
  return negative ? Rational(-r) : r;
}

/// The exact value of a double (for values that are results of a transform,
/// which have no decimal text).
inline Rational binary_rational(double v) { return Rational(v); }

/// A quantile's probability as a fraction num/den (from its decimal text), so
/// that the order statistic it selects is computed with integers and every
/// arithmetic agrees on it.
struct Fraction {
  std::int64_t num = 0;
  std::int64_t den = 1;
};

inline Fraction fraction_of(double q) {
  Rational r = decimal_rational(q);
  return {static_cast<std::int64_t>(boost::multiprecision::numerator(r)),
          static_cast<std::int64_t>(boost::multiprecision::denominator(r))};
}

/// Conversions a template over the number type uses.
template <class T>
T from_decimal(double v);
template <>
inline double from_decimal<double>(double v) { return v; }
template <>
inline Rational from_decimal<Rational>(double v) { return decimal_rational(v); }

template <class T>
T from_binary(double v);
template <>
inline double from_binary<double>(double v) { return v; }
template <>
inline Rational from_binary<Rational>(double v) { return binary_rational(v); }

inline double to_double(double v) { return v; }
inline double to_double(const Rational& v) { return static_cast<double>(v); }

}  // namespace cxjf::detail
