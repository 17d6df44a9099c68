#include "xlsx/cells.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "base/dates.hpp"
#include "base/text.hpp"
#include "xlsx/reader.hpp"

namespace cxjf::xlsx {
namespace {

// Days since 1970-01-01 as YYYY-MM-DD.
std::string civil_text(std::int64_t z) {
  const std::int32_t date = detail::yyyymmdd_from_days(z);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date / 10000, date / 100 % 100, date % 100);
  return buffer;
}

}  // namespace

// A custom format code's kind, from its first section (positive numbers):
// '%' outside quotes makes a percentage, a date or time letter a date, '@'
// alone text. Quoted text, escaped characters and [colour]/[$-locale]
// brackets say nothing about the kind.
Shown classify(std::string_view code) {
  bool percent = false, date = false, at = false, digits = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == ';') break;
    if (c == '"') {
      const std::size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == '[') {
      const std::size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      const std::string_view inside = code.substr(i + 1, close - i - 1);
      // [h], [mm], [ss]: elapsed time, a kind of date.
      if (!inside.empty() && std::strchr("hHmMsS", inside[0]) && inside.find_first_not_of("hHmMsS") == std::string_view::npos)
        date = true;
      i = close;
    } else if (c == '%') {
      percent = true;
    } else if (c == '@') {
      at = true;
    } else if (c == '0' || c == '#' || c == '?') {
      digits = true;
    } else if ((c == 'G' || c == 'g') && code.size() - i >= 7 && detail::ascii_iequal(code.substr(i, 7), "general")) {
      i += 6;  // "General", which LibreOffice writes as a custom code, is no date
    } else if (c == 'E' || c == 'e') {
      ++i;  // the exponent of "0.00E+00"
    } else if (std::strchr("yYdDhHsS", c) || ((c == 'm' || c == 'M') && !digits)) {
      date = true;
    }
  }
  if (percent) return Shown::percent;
  if (date) return Shown::date;
  if (at && !digits) return Shown::text;
  return Shown::number;
}

// Built-in number formats (ECMA-376 Part 1, 18.8.30), with the date formats
// of the Chinese, Japanese and Korean locales (27-36, 50-58).
Shown builtin_format(int id) {
  if (id == 9 || id == 10) return Shown::percent;
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58))
    return Shown::date;
  if (id == 49) return Shown::text;
  return Shown::number;
}

// "B3" -> column 1, row 3; false when it is not a cell reference.
bool parse_reference(std::string_view ref, std::int64_t& column, std::int64_t& row) {
  std::size_t i = 0;
  column = 0;
  while (i < ref.size() && ((ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= 'a' && ref[i] <= 'z'))) {
    column = column * 26 + ((ref[i] | 0x20) - 'a' + 1);
    if (++i > 3) return false;
  }
  if (i == 0 || i == ref.size()) return false;
  --column;
  row = 0;
  for (; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9' || row > 100000000) return false;
    row = row * 10 + (ref[i] - '0');
  }
  return row > 0;
}

// A date serial as YYYY-MM-DD (and hh:mm:ss when it has a time of day), or
// empty when it is no date. 1900 system: day 1 is 1900-01-01 and day 60 the
// 1900-02-29 that Lotus 1-2-3 invented and Excel keeps; 1904 system: day 0
// is 1904-01-01.
std::string date_text(double serial, bool date1904) {
  if (!(serial >= 0) || serial >= 2958466) return {};  // 2958465 is 9999-12-31
  auto day = static_cast<std::int64_t>(std::floor(serial));
  auto seconds = static_cast<std::int64_t>(std::llround((serial - static_cast<double>(day)) * 86400.0));
  if (seconds == 86400) {  // 23:59:59.6 rounds to the next midnight
    ++day;
    seconds = 0;
  }
  std::string text;
  if (date1904) {
    text = civil_text(day - 24107);  // 1904-01-01 is day -24107 from 1970
  } else if (day == 60) {
    text = "1900-02-29";
  } else if (day >= 1) {
    text = civil_text(day - (day < 60 ? 25568 : 25569));
  } else {
    return {};
  }
  if (seconds % 86400 != 0) {
    char buffer[16];
    const std::int64_t s = seconds % 86400;
    std::snprintf(buffer, sizeof buffer, " %02d:%02d:%02d", static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60),
                  static_cast<int>(s % 60));
    text += buffer;
  }
  return text;
}

// Cuts `s` at most `cap` bytes, at a character boundary; true when cut.
bool cut_utf8(std::string& s, std::size_t cap) {
  if (s.size() <= cap) return false;
  std::size_t end = cap;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return true;
}

std::string column_letters(std::int64_t column) {
  std::string s;
  for (std::int64_t c = column + 1; c > 0; c = (c - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (c - 1) % 26));
  return s;
}

std::string decimal_text(double value, int shift) {
  if (value == 0) return "0";
  char buffer[64];
  // Excel keeps and shows 15 significant digits: 0.07690000000000001 (what
  // a program computing 7.69 / 100 stores) is the 7.69 % a clerk sees.
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific, 14);
  std::string_view s(buffer, static_cast<std::size_t>(result.ptr - buffer));  // [-]d.ddddddddddddddde±XX
  std::string out;
  if (s[0] == '-') {
    out = "-";
    s.remove_prefix(1);
  }
  const std::size_t e = s.find('e');
  std::string digits;
  for (char c : s.substr(0, e))
    if (c != '.') digits += c;
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int exponent = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+'), s.data() + s.size(), exponent);
  const long point = 1L + exponent + shift;  // digits before the point
  const auto n = static_cast<long>(digits.size());
  if (point <= 0) out += "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  else if (point >= n) out += digits + std::string(static_cast<std::size_t>(point - n), '0');
  else out += digits.substr(0, static_cast<std::size_t>(point)) + "." + digits.substr(static_cast<std::size_t>(point));
  return out;
}

}  // namespace cxjf::xlsx
