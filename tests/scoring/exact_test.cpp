// The exact path's reading of decimal text (src/scoring/exact.hpp), against values
// known by construction: a random integer m and exponent k give the number
// m x 10^k, which is then written in every way a file or model may write it
// (leading and trailing zeros, a point anywhere, exponents, signs).
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>

#include "scoring/exact.hpp"

namespace cxjf::detail {
namespace {

using boost::multiprecision::cpp_int;

Rational value_of(const cpp_int& m, int k) {
  cpp_int ten = boost::multiprecision::pow(cpp_int(10), static_cast<unsigned>(std::abs(k)));
  return k >= 0 ? Rational(m * ten) : Rational(m, ten);
}

TEST(DecimalRational, LeadingZerosAfterThePointAreDecimal) {
  // "075" is not octal 61, "09" is not an error.
  EXPECT_EQ(*decimal_rational("0.75"), Rational(3, 4));
  EXPECT_EQ(*decimal_rational("0.25") + *decimal_rational("0.75"), Rational(1));
  EXPECT_EQ(*decimal_rational("0.1") + *decimal_rational("0.9"), Rational(1));
  EXPECT_EQ(*decimal_rational("0.09"), Rational(9, 100));
  EXPECT_EQ(*decimal_rational("007.50"), Rational(15, 2));
  EXPECT_EQ(*decimal_rational("-0.075"), Rational(-3, 40));
  EXPECT_EQ(*decimal_rational("+2.0"), Rational(2));
  EXPECT_EQ(*decimal_rational("1e-3"), Rational(1, 1000));
  EXPECT_EQ(*decimal_rational("2.5E+4"), Rational(25000));
  EXPECT_EQ(*decimal_rational(".5"), Rational(1, 2));
  EXPECT_EQ(*decimal_rational("5."), Rational(5));
  EXPECT_EQ(*decimal_rational("0.123456789012345678901234567890"),
            Rational(cpp_int("123456789012345678901234567890"), boost::multiprecision::pow(cpp_int(10), 30)));
}

TEST(DecimalRational, RefusesWhatIsNotADecimal) {
  for (const char* text : {"", "-", ".", "e5", "1e", "1e+", "1.2.3", "0x10", "1,5", "1e5x", "nan", "inf", "1e999999"})
    EXPECT_FALSE(decimal_rational(text).has_value()) << text;
}

TEST(DecimalRational, DoublesAreReadAsTheDecimalsTheyWereWrittenAs) {
  EXPECT_EQ(decimal_rational(0.75), Rational(3, 4));
  EXPECT_EQ(decimal_rational(0.1), Rational(1, 10));
  EXPECT_EQ(decimal_rational(0.09), Rational(9, 100));
  EXPECT_EQ(decimal_rational(-0.075), Rational(-3, 40));
  EXPECT_EQ(decimal_rational(1e-3), Rational(1, 1000));
  EXPECT_EQ(decimal_rational(2.5e4), Rational(25000));
  EXPECT_EQ(decimal_rational(12.0), Rational(12));
  EXPECT_EQ(decimal_rational(33470.78), Rational(3347078, 100));
}

TEST(DecimalRational, ThousandsOfRandomDecimalTexts) {
  std::mt19937_64 rng(20261202);
  auto pick = [&](int lo, int hi) { return static_cast<int>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  for (int trial = 0; trial < 20000; ++trial) {
    // m: 1 to 40 digits, the first not zero (or m = 0); value m x 10^k.
    std::string digits(1, static_cast<char>('1' + pick(0, 8)));
    const int length = pick(1, trial % 4 == 0 ? 40 : 15);
    while (static_cast<int>(digits.size()) < length) digits += static_cast<char>('0' + pick(0, 9));
    if (trial % 97 == 0) digits = "0";
    const int k = pick(-30, 20);
    const bool negative = pick(0, 1) == 1;
    const Rational expected = negative ? Rational(-value_of(cpp_int(digits), k)) : value_of(cpp_int(digits), k);

    // Written with the point placed so that an exponent e is left over.
    const int e = trial % 3 == 0 ? 0 : pick(-12, 12);
    const int shift = k - e;  // digits x 10^shift x 10^e
    std::string text = digits;
    if (shift >= 0) {
      text += std::string(static_cast<std::size_t>(shift), '0');
      if (pick(0, 2) == 0) text += "." + std::string(static_cast<std::size_t>(pick(0, 3)), '0');
    } else {
      const auto places = static_cast<std::size_t>(-shift);
      if (text.size() <= places) text.insert(0, places + 1 - text.size(), '0');
      text.insert(text.size() - places, ".");
      text += std::string(static_cast<std::size_t>(pick(0, 2)), '0');
    }
    text.insert(0, std::string(static_cast<std::size_t>(pick(0, 2)), '0'));
    if (e != 0 || pick(0, 4) == 0) {
      const char* marks[] = {"e", "E"};
      const int sign = pick(0, 2);
      text += std::string(marks[pick(0, 1)]) + (e < 0 ? "-" : sign == 0 ? "+" : "") + std::to_string(std::abs(e));
    }
    text.insert(0, negative ? "-" : pick(0, 3) == 0 ? "+" : "");
    const auto got = decimal_rational(text);
    ASSERT_TRUE(got.has_value()) << text;
    ASSERT_EQ(*got, expected) << text;

    // A decimal of at most 15 significant digits survives a double: read
    // with strtod, then back exactly.
    if (digits.size() <= 15 && k >= -20 && k <= 15) {
      const double d = std::strtod(text.c_str(), nullptr);
      ASSERT_EQ(decimal_rational(d), expected) << text;
    }
  }
}

}  // namespace
}  // namespace cxjf::detail
