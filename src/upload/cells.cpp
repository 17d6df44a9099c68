#include "upload/cells.hpp"

#include "base/dates.hpp"


#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_set>

#include "table/csv_text.hpp"
#include "base/encoding.hpp"
#include "xlsx/reader.hpp"
#include "cxjf/credit_code.hpp"
#include "cxjf/csv.hpp"
#include "cxjf/error.hpp"
#include "cxjf/regions.hpp"

namespace cxjf::upload_detail {

using namespace detail;

// ---------------------------------------------------------------------------
// Cell text as people type it.

// Full-width ASCII forms (U+FF01..U+FF5E: １２３．５％, ＡＢＣ, －, ／, ，) as
// ASCII and the ideographic space U+3000 as a space: what a Chinese input
// method produces when left in full-width mode. `out` is reused across cells.
std::string_view fold_width(std::string_view s, std::string& out) {
  if (std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) return s;
  out.clear();
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 == 0xEF && i + 2 < s.size()) {
      auto b1 = static_cast<unsigned char>(s[i + 1]), b2 = static_cast<unsigned char>(s[i + 2]);
      if (b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) {  // U+FF01..U+FF3F
        out.push_back(static_cast<char>(b2 - 0x60));
        i += 2;
        continue;
      }
      if (b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E) {  // U+FF40..U+FF5E
        out.push_back(static_cast<char>(b2 - 0x20));
        i += 2;
        continue;
      }
    }
    if (s.substr(i, 3) == ideographic_space) {
      out.push_back(' ');
      i += 2;
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

// A header compared without any spaces (ASCII, U+3000, no-break) or line
// breaks: "研发费用金额 （万元）" and "研发费用金额(万元)" are one header.
std::string header_key(std::string_view header) {
  std::string key;
  key.reserve(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) {
    char c = header[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (header.substr(i, 3) == ideographic_space) {
      i += 2;
      continue;
    }
    if (header.substr(i, 2) == "\xC2\xA0") {
      ++i;
      continue;
    }
    key.push_back(c);
  }
  return key;
}


bool is_percent_unit(std::string_view unit) { return same_unit(unit, "%"); }

// "None" as people write it. "——" is what a Chinese input method types for
// a dash; "―" (U+2015) is a dash that went through Windows code page 936.
bool none_marker(std::string_view s) {
  if (s.empty()) return true;
  // Most cells are numbers: rule them out by their first byte and length
  // (the longest marker, "——", is six bytes).
  if (s.size() > 6 || (s[0] != '-' && s[0] != '/' && s[0] != '\xE2' && s[0] != '\xE6')) return false;
  return s == "-" || s == "—" || s == "——" || s == "―" || s == "――" || s == "/" || s == "无";
}




// `text` (already checked to be a plain decimal) times 10^shift, rounded once
// from the decimal: shifting the exponent instead of multiplying keeps
// 12345 元 exactly 1.2345 万元 and 0.07 exactly 7 %.
NumberStatus parse_shifted(std::string_view text, int shift, double& value) {
  if (shift == 0) return parse_number(text, value);
  std::size_t e = text.find_first_of("eE");
  long exponent = 0;
  if (e != std::string_view::npos) {
    std::string_view digits = text.substr(e + 1);
    bool negative = !digits.empty() && digits[0] == '-';
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
    // Exponents beyond any double's range only need to stay out of range.
    for (char c : digits) exponent = std::min(exponent * 10 + (c - '0'), 100000L);
    if (negative) exponent = -exponent;
  }
  // Built on the stack: this runs for most cells of a % column.
  char buffer[96];
  std::string_view mantissa = text.substr(0, e);
  if (mantissa.size() > 64) return parse_number(std::string(mantissa) + 'e' + std::to_string(exponent + shift), value);
  std::memcpy(buffer, mantissa.data(), mantissa.size());
  char* end = buffer + mantissa.size();
  *end++ = 'e';
  end = std::to_chars(end, buffer + sizeof buffer, exponent + shift).ptr;
  return parse_number(std::string_view(buffer, static_cast<std::size_t>(end - buffer)), value);
}

// "1,234,567.5": commas only between groups of three digits before the point.
bool thousands_grouped(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  std::size_t end = s.find_first_of(".eE");
  std::string_view integer = s.substr(0, end);
  if (end != std::string_view::npos && s.find(',', end) != std::string_view::npos) return false;
  std::size_t first = integer.find(',');
  if (first == 0 || first > 3) return false;
  for (std::size_t i = first; i < integer.size(); i += 4)
    if (integer[i] != ',' || i + 4 > integer.size() || !all_digits(integer.substr(i + 1, 3))) return false;
  return all_digits(integer.substr(0, first));
}

// Reads an indicator cell: the forms of DOMAIN.md §7. `unit` is the model's
// unit, `shift` the power of ten from the header's unit to it. In a %
// column a cell with '%' is a percent; a bare number is a percent too unless
// the caller says the column holds fractions (0.125 for 12.5 %). The cell
// alone decides: no other row changes how it is read.
NumberCell read_number(std::string_view raw, std::string_view unit, int shift, PercentForm form, std::string& scratch) {
  NumberCell cell;
  std::string_view s = trim(fold_width(raw, scratch));
  if (none_marker(s)) return cell;
  cell.kind = CellKind::bad;
  auto text = [raw] { return std::string(raw); };  // for messages only
  // A unit written after the number: %, ‰, or an amount in 元, 万元, 亿元.
  enum class Written { none, percent, permille, amount } written = Written::none;
  int cell_power = 0;  // of an amount unit, relative to 元
  if (!s.empty() && s.back() == '%') {
    written = Written::percent;
    s = trim(s.substr(0, s.size() - 1));
  } else if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0x80) {
    // Most cells end in a digit: only one ending in a non-ASCII byte can
    // carry ‰ or an amount unit.
    static constexpr std::string_view permille = "‰";
    static constexpr std::array<std::pair<std::string_view, int>, 3> amounts = {
        {{"万元", 4}, {"亿元", 8}, {"元", 0}}};
    if (ends_with(s, permille)) {
      written = Written::permille;
      s = trim(s.substr(0, s.size() - permille.size()));
    } else {
      for (const auto& [u, power] : amounts)
        if (ends_with(s, u)) {
          written = Written::amount;
          cell_power = power;
          s = trim(s.substr(0, s.size() - u.size()));
          break;
        }
    }
  }
  cell.percent_sign = written == Written::percent;
  auto numeric = [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == ',' || c == '+' || c == '-' || c == 'e' || c == 'E';
  };
  if (s.empty() || !std::all_of(s.begin(), s.end(), numeric)) {
    cell.reason = {"'" + text() + "' is not a number: write the number in the unit of the header (e.g. 1234.5), or "
                                "with one of the units 元, 万元, 亿元, %, ‰ after it; leave the cell empty or write — "
                                "when there is no value",
                   "“" + text() + "”不是数字：请填写数字，单位以表头为准（如1234.5），或在数字后写明单位元、万元、亿元、%、‰；"
                                "没有数据请留空或填“—”"};
    return cell;
  }
  std::string plain;
  if (s.find(',') != std::string_view::npos) {
    if (!thousands_grouped(s)) {
      cell.reason = {"'" + text() + "' is not a number: a comma may only separate thousands (1,234.5), and the decimal "
                                  "point is '.'",
                     "“" + text() + "”不是数字：逗号只能用作千位分隔符（如1,234.5），小数点请用“.”"};
      return cell;
    }
    plain.assign(s);
    plain.erase(std::remove(plain.begin(), plain.end(), ','), plain.end());
    s = plain;
  }
  const bool percent_column = is_percent_unit(unit);
  // For messages only.
  auto in = [unit] { return unit.empty() ? std::string("plain numbers") : std::string(unit); };
  auto in_zh = [unit] { return unit.empty() ? std::string("数值") : std::string(unit); };
  if ((written == Written::percent || written == Written::permille) && !percent_column) {
    cell.reason = {"'" + text() + "' is a percentage, but this column takes " + in() + ": write the value without '" +
                       (written == Written::percent ? "%" : "‰") + "'",
                   "“" + text() + "”是百分数，但该列单位为" + in_zh() + "：请去掉“" +
                       (written == Written::percent ? "%" : "‰") + "”"};
    return cell;
  }
  const int column_power = written == Written::amount ? amount_power(unit) : 0;
  if (written == Written::amount && column_power < 0) {
    cell.reason = {"'" + text() + "' is an amount of money, but this column takes " + in() + ": write the value in " + in(),
                   "“" + text() + "”是金额，但该列单位为" + in_zh() + "：请按" + in_zh() + "填写"};
    return cell;
  }
  // The cell's own unit replaces the header's: 1.6286亿元 in a 万元 column
  // is 16286 whatever the header says.
  int total_shift = shift;
  if (written == Written::amount) total_shift = cell_power - column_power;
  else if (written == Written::permille) total_shift = -1;
  // A fraction is shifted two places in its decimal text, so 0.07 is exactly 7.
  else if (percent_column && written == Written::none && form == PercentForm::fraction) total_shift = shift + 2;
  double value = 0;
  NumberStatus status = parse_shifted(s, total_shift, value);
  if (status == NumberStatus::not_a_number) {
    cell.reason = {"'" + text() + "' is not a number: write digits with at most one decimal point, e.g. 1234.5",
                   "“" + text() + "”不是数字：请填写数字，如1234.5"};
    return cell;
  }
  if (status == NumberStatus::out_of_range) {
    cell.reason = {"'" + text() + "' is too large or too small to be a number", "“" + text() + "”超出数值范围"};
    return cell;
  }
  cell.kind = CellKind::value;
  cell.value = value;
  return cell;
}

// ---- Credit codes.

bool is_code_symbol(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'S' && c != 'V' && c != 'Z');
}

// What Excel shows for a long digit string in a General cell: one digit,
// maybe a fraction, then "E+" and the exponent (9.13501E+17). A valid code
// has neither '.' nor '+', so no real code looks like this.
bool excel_scientific(std::string_view code) {
  if (code.size() < 4 || code[0] < '1' || code[0] > '9') return false;
  std::size_t e = code.find("E+");
  if (e == std::string_view::npos || e + 2 == code.size() || !all_digits(code.substr(e + 2))) return false;
  std::string_view fraction = code.substr(1, e - 1);
  return fraction.empty() || (fraction.size() > 1 && fraction[0] == '.' && all_digits(fraction.substr(1)));
}

// A credit code cell, or nullopt when it is usable; `code` is the normalized
// code either way.
std::optional<Reason> check_credit_code(std::string_view raw, std::string& code, std::string& scratch) {
  code = normalize_credit_code(fold_width(raw, scratch));
  code.erase(std::remove(code.begin(), code.end(), '\t'), code.end());
  auto problem = credit_code_problem(code);
  if (!problem) return std::nullopt;
  const std::string text(raw);
  if (code.empty())
    return Reason{"the credit code is empty: every row needs the enterprise's 18-character 统一社会信用代码",
                  "统一社会信用代码为空：每行都须填写18位统一社会信用代码"};
  if (excel_scientific(code))
    return Reason{"'" + text + "': Excel turned the credit code into a number and lost its last digits, which cannot "
                               "be recovered from this file: format the column as Text (文本) before pasting the codes, "
                               "or re-export the file as \"CSV UTF-8\" from a column formatted as text",
                  "“" + text + "”：Excel把统一社会信用代码当成数字，后几位已丢失且无法从本文件恢复：请先将该列设置为"
                               "“文本”格式再粘贴代码，或从文本格式的列重新导出为“CSV UTF-8”"};
  // Excel also keeps only 15 significant digits when it shows a code as a
  // plain number: 913501000000000000.
  const bool digits_only = code.size() >= 16 && all_digits(code);
  std::string hint_en = digits_only ? "; if Excel showed the code as a number it kept only 15 digits: format the "
                                      "column as Text (文本) and paste the codes again"
                                    : "";
  std::string hint_zh = digits_only ? "；若Excel曾把代码显示为数字，则只保留了15位：请将该列设为“文本”格式后重新粘贴" : "";
  Reason reason{"'" + text + "' is not a valid credit code: " + *problem + hint_en, ""};
  // The Chinese reason in full, mirroring credit_code_problem's checks.
  std::size_t count = 0;
  for (char c : code) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (count != 18) {
    reason.zh = "统一社会信用代码“" + text + "”应为18位，此处为" + std::to_string(count) + "位" + hint_zh;
    return reason;
  }
  std::size_t position = 0;
  for (std::size_t i = 0; i < code.size(); ++position) {
    std::size_t length = 1;
    while (i + length < code.size() && (static_cast<unsigned char>(code[i + length]) & 0xC0) == 0x80) ++length;
    if (length > 1 || !is_code_symbol(code[i])) {
      reason.zh = "统一社会信用代码“" + text + "”第" + std::to_string(position + 1) + "位“" + code.substr(i, length) +
                  "”无效：只能使用数字0-9和除I、O、S、V、Z以外的大写字母";
      return reason;
    }
    i += length;
  }
  reason.zh = std::string("统一社会信用代码“") + text + "”校验位（第18位）应为" + credit_code_check_char(code.substr(0, 17)) +
              "，此处为" + code[17] + "：请核对代码" + hint_zh;
  return reason;
}

// ---- Dates.

// "2015/6/30", "2015-6-30", "2015.6.30", "2015年6月30日" as YYYYMMDD, or -1.
std::int32_t parse_loose_date(std::string_view s) {
  auto number = [&](std::size_t& i, std::size_t min, std::size_t max) -> int {
    std::size_t start = i;
    while (i < s.size() && i - start < max && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start >= min ? digits_value(s.substr(start, i - start)) : -1;
  };
  auto expect = [&](std::size_t& i, std::string_view what) {
    if (s.compare(i, what.size(), what) != 0) return false;
    i += what.size();
    return true;
  };
  std::size_t i = 0;
  int y = number(i, 4, 4);
  if (y < 0) return -1;
  std::string_view separators[] = {"-", "/", ".", "年"};
  for (auto sep : separators) {
    std::size_t j = i;
    if (!expect(j, sep)) continue;
    int m = number(j, 1, 2);
    std::string_view second = sep == "年" ? "月" : sep;
    if (m < 0 || !expect(j, second)) return -1;
    int d = number(j, 1, 2);
    if (d < 0 || (sep == "年" && !expect(j, "日")) || j != s.size()) return -1;
    return y * 10000 + m * 100 + d;
  }
  return -1;
}

// A founding date cell: YYYYMMDD, 0 when empty, or a reason.
std::int32_t read_date(std::string_view raw, std::optional<Reason>& reason, std::string& scratch) {
  std::string_view s = trim(fold_width(raw, scratch));
  if (none_marker(s)) return 0;
  auto text = [raw] { return std::string(raw); };  // for messages only
  std::int32_t date = parse_date(s);
  if (date < 0) date = parse_loose_date(s);
  // Excel stores dates as days since 1899-12-30 and a CSV exported from a
  // General-formatted cell shows that count. Only five digits are taken:
  // 10000-99999 are 1927-05-18 to 2173-10-14, while a four-digit number is
  // more likely a year typed alone.
  if (date < 0 && s.size() == 5 && all_digits(s))
    date = yyyymmdd_from_days(days_from_civil(1899, 12, 30) + digits_value(s));
  if (date < 0) {
    reason = Reason{"'" + text() + "' is not a date: write YYYY-MM-DD (e.g. 2015-06-30), YYYY/MM/DD or YYYYMMDD",
                    "“" + text() + "”不是日期：请按YYYY-MM-DD填写（如2015-06-30），也可写YYYY/MM/DD或YYYYMMDD"};
    return 0;
  }
  if (!is_calendar_date(date)) {
    reason = Reason{"'" + text() + "' is not a calendar date", "“" + text() + "”不是实际存在的日期"};
    return 0;
  }
  return date;
}

// ---- Industry.

// "C", "c", "制造业", "C 制造业", "C-制造业" as the section's letter; "" when
// empty; nullopt when none of these or when letter and name disagree.
std::optional<std::string> read_industry(std::string_view raw, std::string& scratch) {
  std::string_view s = trim(fold_width(raw, scratch));
  if (s.empty()) return std::string();
  int index = industry_index(s);
  if (index < 0 && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z'))) {
    int letter = industry_index(s.substr(0, 1));
    std::string_view rest = s.substr(1);
    for (;;) {
      rest = trim(rest);
      if (!rest.empty() && (rest[0] == '-' || rest[0] == '.' || rest[0] == ':')) rest.remove_prefix(1);
      else if (rest.substr(0, 3) == "、") rest.remove_prefix(3);
      else break;
    }
    if (letter >= 0 && (rest.empty() || industry_index(rest) == letter)) index = letter;
  }
  if (index < 0) return std::nullopt;
  return std::string(1, static_cast<char>('A' + index));
}

}  // namespace cxjf::upload_detail
