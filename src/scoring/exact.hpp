// Exact arithmetic for the few totals that doubles cannot decide. A decimal
// written in a model or a data file is taken as the decimal it was written
// as: the double's shortest round-trip text is read back as an exact
// rational, so 0.1 is 1/10, not 3602879701896397/36028797018963968.
#pragma once

// GCC 12 sees a "maybe uninitialized" limb inside boost::rational's
// normalize() depending on how much it inlines; the value is always set
// (a known false positive), so the warning is silenced for Boost's code only.
#pragma GCC diagnostic push
#if !defined(__clang__)  // clang has no such warning
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/multiprecision/cpp_int.hpp>
#pragma GCC diagnostic pop
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cxjf::detail {

using Rational = boost::multiprecision::cpp_rational;

/// The value of a decimal number's text, exactly: an optional sign, digits
/// with an optional point, an optional exponent (`-0.075`, `1e-3`,
/// `2.5E+4`, `007.50`). Leading zeros are decimal digits (Boost's string
/// constructor would read "075" as octal, so the digits are never handed
/// to it). Nothing for any other text, or an exponent beyond +-100000 (a
/// bound on the cost of one number).
inline std::optional<Rational> decimal_rational(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  boost::multiprecision::cpp_int digits = 0;
  long scale = 0;
  bool any = false, point = false;
  // Digits are taken 18 at a time, so a long mantissa costs few big-integer steps.
  std::uint64_t chunk = 0;
  int in_chunk = 0;
  auto flush = [&] {
    static constexpr std::uint64_t tens[] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
                                             10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
                                             100000000000ull, 1000000000000ull, 10000000000000ull,
                                             100000000000000ull, 1000000000000000ull, 10000000000000000ull,
                                             100000000000000000ull, 1000000000000000000ull};
    if (in_chunk == 0) return;
    digits = digits * tens[in_chunk] + chunk;
    chunk = 0;
    in_chunk = 0;
  };
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      any = true;
      chunk = chunk * 10 + static_cast<std::uint64_t>(c - '0');
      if (++in_chunk == 18) flush();
      if (point) --scale;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  flush();
  if (!any) return std::nullopt;
  if (i < text.size()) {
    if (text[i] != 'e' && text[i] != 'E') return std::nullopt;
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    if (i == text.size()) return std::nullopt;
    long exponent = 0;
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      exponent = exponent * 10 + (text[i] - '0');
      if (exponent > 100000) return std::nullopt;
    }
    scale += exp_negative ? -exponent : exponent;
  }
  const boost::multiprecision::cpp_int ten_power =
      boost::multiprecision::pow(boost::multiprecision::cpp_int(10), static_cast<unsigned>(scale < 0 ? -scale : scale));
  Rational r = scale >= 0 ? Rational(digits * ten_power) : Rational(digits, ten_power);
  return negative ? Rational(-r) : r;
}

/// The decimal a double was written as, exactly: its shortest round-trip
/// text (the decimal a user wrote, up to 15 significant digits) read back.
/// Scientific form, because the plain form of a large double spells out its
/// binary value (2.0793531822681e17 as 207935318226809984).
inline Rational decimal_rational(double v) {
  if (v == 0 || !std::isfinite(v)) return Rational(0);
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  return *decimal_rational(std::string_view(buf, static_cast<std::size_t>(res.ptr - buf)));
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
