#include "cxjf/credit_code.hpp"

#include <gtest/gtest.h>

namespace cxjf {
namespace {

// Symbol values: 0-9 -> 0-9, A-H -> 10-17, J-N -> 18-22, P-R -> 23-25,
// T-U -> 26-27, W-Y -> 28-30.

TEST(CreditCode, CheckCharOfThePublishedExample) {
  // 91350100M000100Y4 with weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
  // 9*1 + 1*3 + 3*9 + 5*27 + 1*26 + M(21)*20 + 1*8 + Y(30)*30 + 4*28
  // = 9 + 3 + 27 + 135 + 26 + 420 + 8 + 900 + 112 = 1640; 1640 mod 31 = 28;
  // 31 - 28 = 3 -> '3'.
  EXPECT_EQ(credit_code_check_char("91350100M000100Y4"), '3');
  EXPECT_TRUE(is_valid_credit_code("91350100M000100Y43"));
}

TEST(CreditCode, CheckCharWorkedByHand) {
  // 91110000100000000: 9*1 + 1*3 + 1*9 + 1*27 + 1*20 (ninth character) = 68;
  // 68 mod 31 = 6; 31 - 6 = 25 -> 'R'.
  EXPECT_EQ(credit_code_check_char("91110000100000000"), 'R');
  EXPECT_TRUE(is_valid_credit_code("91110000100000000R"));
}

TEST(CreditCode, ThirtyOneMapsToZero) {
  // 1A000000000000000: 1*1 + A(10)*3 = 31; 31 mod 31 = 0; 31 - 0 = 31 -> '0'.
  EXPECT_EQ(credit_code_check_char("1A000000000000000"), '0');
  EXPECT_TRUE(is_valid_credit_code("1A0000000000000000"));
}

TEST(CreditCode, CheckCharRejectsBadInput) {
  EXPECT_EQ(credit_code_check_char("91350100M000100Y"), '\0');    // 16 characters
  EXPECT_EQ(credit_code_check_char("91350100I000100Y4"), '\0');   // I is not a symbol
  EXPECT_EQ(credit_code_check_char("91350100m000100Y4"), '\0');   // lower case is not normalized here
}

TEST(CreditCode, CheckDigitMismatch) {
  EXPECT_EQ(credit_code_problem("91350100M000100Y44"), "check character is 4, expected 3 (校验位错误)");
  EXPECT_EQ(credit_code_problem("91110000100000000P"), "check character is P, expected R (校验位错误)");
}

TEST(CreditCode, WrongLength) {
  EXPECT_EQ(credit_code_problem("91350100M000100Y4"), "the code has 17 characters, expected 18 (应为18位)");
  EXPECT_EQ(credit_code_problem("91350100M000100Y433"), "the code has 19 characters, expected 18 (应为18位)");
  EXPECT_EQ(credit_code_problem(""), "the code is empty (统一社会信用代码为空)");
  // What Excel makes of a code it took for a number.
  auto excel = credit_code_problem("9.13501E+17");
  ASSERT_TRUE(excel);
  EXPECT_NE(excel->find("has 11 characters"), std::string::npos);
  EXPECT_NE(excel->find("format the column as text"), std::string::npos);
}

TEST(CreditCode, BadCharacterNamesItsPosition) {
  EXPECT_EQ(credit_code_problem("91350100I000100Y43"),
            "character 9 'I' is not allowed: use 0-9 and A-Z except I, O, S, V, Z (第9位字符无效)");
  EXPECT_EQ(credit_code_problem("91350100M000100O43"),
            "character 16 'O' is not allowed: use 0-9 and A-Z except I, O, S, V, Z (第16位字符无效)");
  // A full-width digit is one character of the 18, and the one at fault.
  EXPECT_EQ(credit_code_problem("９1350100M000100Y43"),
            "character 1 '９' is not allowed: use 0-9 and A-Z except I, O, S, V, Z (第1位字符无效)");
}

TEST(CreditCode, Normalize) {
  EXPECT_EQ(normalize_credit_code(" 9135 0100m000100y43 "), "91350100M000100Y43");
  EXPECT_EQ(normalize_credit_code(""), "");
  EXPECT_TRUE(is_valid_credit_code(normalize_credit_code("91350100m000100y43")));
  EXPECT_FALSE(is_valid_credit_code("91350100m000100y43"));
}

}  // namespace
}  // namespace cxjf
