#include "cxjf/credit_code.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace cxjf {
namespace {

// GB 32100-2015 leaves out I, O, S, V and Z so that no symbol can be misread
// as another; a symbol's value is its position in this list.
constexpr std::string_view symbols = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> weights = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
constexpr std::size_t code_length = 18;

constexpr std::array<signed char, 256> make_values() {
  std::array<signed char, 256> values{};
  for (auto& v : values) v = -1;
  for (std::size_t i = 0; i < symbols.size(); ++i)
    values[static_cast<unsigned char>(symbols[i])] = static_cast<signed char>(i);
  return values;
}
constexpr std::array<signed char, 256> values = make_values();

int value_of(char c) { return values[static_cast<unsigned char>(c)]; }

// Bytes in the UTF-8 sequence led by `lead`, so that a full-width digit or a
// Chinese character counts as one character in messages, as the user sees it.
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;  // a stray continuation byte: show it on its own
}

}  // namespace

char credit_code_check_char(std::string_view first17) {
  if (first17.size() != weights.size()) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    int v = value_of(first17[i]);
    if (v < 0) return '\0';
    sum += v * weights[i];
  }
  int check = 31 - sum % 31;
  return symbols[static_cast<std::size_t>(check == 31 ? 0 : check)];
}

std::string normalize_credit_code(std::string_view text) {
  std::string code;
  code.reserve(text.size());
  for (char c : text) {
    if (c == ' ') continue;
    code.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return code;
}

std::optional<std::string> credit_code_problem(std::string_view code) {
  if (code.empty()) return std::string("the code is empty (统一社会信用代码为空)");

  // Split into characters first: a message must count what the user typed.
  std::array<std::string_view, code_length> chars;
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < code.size(); ++count) {
    std::size_t len = std::min(sequence_length(static_cast<unsigned char>(code[pos])), code.size() - pos);
    if (count < code_length) chars[count] = code.substr(pos, len);
    pos += len;
  }
  if (count != code_length) {
    std::string message = "the code has " + std::to_string(count) + " characters, expected 18 (应为18位)";
    // Excel shows long digit strings in scientific notation and drops digits.
    if (code.find("E+") != std::string_view::npos)
      message += "; it looks like a number reformatted by Excel: format the column as text (请将该列设为文本格式)";
    return message;
  }
  for (std::size_t i = 0; i < code_length; ++i) {
    if (chars[i].size() != 1 || value_of(chars[i][0]) < 0) {
      auto position = std::to_string(i + 1);
      return "character " + position + " '" + std::string(chars[i]) +
             "' is not allowed: use 0-9 and A-Z except I, O, S, V, Z (第" + position + "位字符无效)";
    }
  }
  char expected = credit_code_check_char(code.substr(0, 17));
  if (code[17] != expected)
    return std::string("check character is ") + code[17] + ", expected " + expected + " (校验位错误)";
  return std::nullopt;
}

}  // namespace cxjf
