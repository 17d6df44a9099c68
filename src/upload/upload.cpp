#include "cxjf/upload.hpp"
#include "cxjf/file.hpp"

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

namespace cxjf {
namespace {

using namespace detail;

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

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

// What an upload cell said.
enum class CellKind { missing, value, bad };

// A bad cell's reason, in both languages.
struct Reason {
  std::string en;
  std::string zh;
};

// An indicator cell, read. `value` is in the model's unit.
struct NumberCell {
  CellKind kind = CellKind::missing;
  double value = missing_value;
  bool percent_sign = false;
  Reason reason;
};

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

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// YYYYMMDD of a day count from 1970-01-01.
std::int32_t civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  return static_cast<std::int32_t>(y * 10000 + m * 100 + d);
}

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
    date = civil_from_days(days_from_civil(1899, 12, 30) + digits_value(s));
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

// ---- Columns.

// Separators of several values in one cell: the table's, and commas, which
// people type between qualifications.
constexpr std::string_view upload_separators[] = {";", "；", "、", ",", "，"};

// ---- Rows, from a CSV file or a worksheet.

// One row as the upload reader takes it.
struct SourceRow {
  std::int64_t line = 0;                 // spreadsheet row
  std::vector<std::string> fields;       // cell text, column by column
  std::vector<xlsx::CellKind> kinds;     // per field for a worksheet; empty for CSV
  std::size_t bytes = 0;                 // as written (CSV); 0 for a worksheet
  std::size_t found = 0;                 // cells found, kept or not
  std::size_t cut = std::string_view::npos;  // first cell cut at the byte limit
  bool workbook = false;                 // a worksheet's row: cells keep their columns, none can shift
};

class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual bool next(SourceRow& row) = 0;
};

class CsvRows : public RowSource {
 public:
  CsvRows(std::string_view text, const UploadLimits& limits) : reader_(text) {
    reader_.limit(limits.max_columns + 1, limits.max_cell_bytes);
  }
  bool next(SourceRow& row) override {
    if (!reader_.next(row.line, row.fields)) return false;
    row.bytes = reader_.record_bytes();
    row.found = reader_.fields_found();
    row.cut = reader_.cut_field();
    return true;
  }

 private:
  CsvReader reader_;
};

class SheetRows : public RowSource {
 public:
  explicit SheetRows(const xlsx::Sheet& sheet, const UploadLimits& limits) : sheet_(sheet), limits_(limits) {}
  bool next(SourceRow& row) override {
    // A row holding only values copied down merged ranges continues the
    // rows above it (a header cell merged over two rows, say): not data.
    while (i_ < sheet_.rows.size() && std::all_of(sheet_.rows[i_].cells.begin(), sheet_.rows[i_].cells.end(),
                                                  [](const xlsx::Cell& c) { return c.copied; }))
      ++i_;
    if (i_ == sheet_.rows.size()) return false;
    const xlsx::Row& r = sheet_.rows[i_++];
    const std::size_t width = r.cells.empty() ? 0 : static_cast<std::size_t>(r.cells.back().column) + 1;
    row.line = r.number;
    row.workbook = true;
    row.fields.assign(width, std::string());
    row.kinds.assign(width, xlsx::CellKind::text);
    row.bytes = 0;
    row.found = r.wide ? limits_.max_columns + 1 : width;
    row.cut = std::string_view::npos;
    for (const xlsx::Cell& c : r.cells) {
      const auto k = static_cast<std::size_t>(c.column);
      row.fields[k] = c.text;
      row.kinds[k] = c.kind;
      if (c.cut && row.cut == std::string_view::npos) row.cut = k;
    }
    return true;
  }

 private:
  const xlsx::Sheet& sheet_;
  const UploadLimits& limits_;
  std::size_t i_ = 0;
};

bool blank(const std::vector<std::string>& fields) {
  return std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return trim(f).empty(); });
}

// The template column a header key (header_key of the cell) names, or -1;
// `split` gets its name and unit, views of `key`, when it has a unit.
int header_column(const std::string& key, const Model& model, std::optional<NameAndUnit>* split = nullptr) {
  if (key.empty()) return -1;
  int column = match_column(key, model);
  if (column >= 0) return column;
  std::optional<NameAndUnit> parts = split_unit(key);
  if (parts) column = match_column(parts->name, model);
  if (split) *split = std::move(parts);
  return column;
}

// A row names this many distinct template columns at least, the credit code
// among them, to be taken for the header when none is given: a title row
// ("2024年创新积分测算表"), a merged group header, an instructions line or a
// list of choices does not.
constexpr int header_min_columns = 3;
// The header is looked for among the first non-blank rows, this many.
constexpr int header_search_rows = 30;

// Whether a row can be taken for the header without being told: it names
// the credit-code column and at least header_min_columns template columns.
bool looks_like_header(const std::vector<std::string>& fields, const Model& model) {
  std::vector<int> seen;
  for (const auto& f : fields) {
    const int c = header_column(header_key(f), model);
    if (c >= 0 && std::find(seen.begin(), seen.end(), c) == seen.end()) seen.push_back(c);
  }
  return static_cast<int>(seen.size()) >= header_min_columns &&
         std::find(seen.begin(), seen.end(), static_cast<int>(credit_code_column)) != seen.end();
}

// Reads rows of `source` into `ahead` up to the header and returns its index
// there. The header is row `header_row` when given; otherwise the first row
// naming enough template columns among the first non-blank rows, or failing
// that the first non-blank row. Rows above the header are titles, not data.
std::size_t find_header(RowSource& source, const Model& model, std::int64_t header_row, std::vector<SourceRow>& ahead) {
  std::size_t header = std::string_view::npos;
  for (SourceRow row; source.next(row);) {
    if (header_row > 0 ? row.line > header_row : ahead.size() >= static_cast<std::size_t>(header_search_rows)) {
      ahead.push_back(std::move(row));
      break;
    }
    if (blank(row.fields)) continue;
    ahead.push_back(row);
    if (header_row > 0 ? row.line == header_row : looks_like_header(row.fields, model)) {
      header = ahead.size() - 1;
      break;
    }
  }
  if (header_row > 0 && header == std::string_view::npos)
    throw InputError(header_row, "", "row " + std::to_string(header_row) + ", given as the header, is empty (指定的表头行为空)");
  if (ahead.empty() || (header == std::string_view::npos && blank(ahead.front().fields)))
    throw InputError(1, "", "the file is empty: it must have the template's header row (文件为空)");
  return header == std::string_view::npos ? 0 : header;
}

// The reader of one upload: the header's mapping, then row by row.
class UploadReader {
 public:
  UploadReader(const Model& model, Upload& upload, PercentForm form, const UploadLimits& limits,
               std::shared_ptr<const Regions> regions)
      : model_(model), upload_(upload), builder_(model, std::move(regions)), percent_form_(form), limits_(limits) {
    k_ = static_cast<int>(model.indicators.size());
    if (k_ > 64)
      throw Error(ErrorCode::invalid_argument, "model '" + model.id + "' has " + std::to_string(k_) +
                                                   " indicators; an upload reads at most 64");
    source_.assign(static_cast<std::size_t>(attribute_count + k_), -1);
    shift_.assign(static_cast<std::size_t>(k_), 0);
    // The values the model scores, per multi-valued column (tech fields: none).
    for (const BonusItem& item : model.bonus)
      if (!item.qualification.empty()) budget_[1].named.insert(item.qualification);
    for (const NegativeItem& item : model.negatives) budget_[2].named.insert(item.name_zh);
  }

  // Reads the rows of `source` (find_header says which is the header).
  void read(RowSource& source, std::int64_t header_row) {
    std::vector<SourceRow> ahead;
    const std::size_t header = find_header(source, model_, header_row, ahead);
    const SourceRow& head = ahead[header];
    upload_.header_row = head.line;
    if (const auto problem = too_big(head); !problem.first.empty())
      throw InputError(head.line, "", "the header " + problem.first);
    map_header(head.line, head.fields);
    unnamed_with_data_.assign(header_.size(), false);
    for (std::size_t i = header + 1; i < ahead.size(); ++i) data_row(ahead[i]);
    for (SourceRow row; source.next(row);) data_row(row);
    finish();
  }

 private:
  void data_row(const SourceRow& row) {
    if (blank(row.fields) || is_id_row(row.fields)) return;
    if (upload_.rows_read >= limits_.max_rows)
      throw InputError(row.line, "", "the upload has more than " + std::to_string(limits_.max_rows) +
                                         " data rows: split it into several uploads (上传数据行数超过上限" +
                                         std::to_string(limits_.max_rows) + "行，请分批上传)");
    if (auto problem = too_big(row); !problem.first.empty()) {
      ++upload_.rows_read;
      reject(row.line, row.fields, "the row " + problem.first, std::move(problem.second));
      return;
    }
    kinds_ = &row.kinds;
    if (!row.workbook) return read_row(row.line, row.fields);
    // A worksheet row is as long as its last cell: empty cells at its end
    // are not stored, and cells past the header are columns without one.
    for (std::size_t h = header_.size(); h < row.fields.size(); ++h) {
      header_.emplace_back();
      column_of_.push_back(-1);
      unnamed_.push_back(true);
      unnamed_with_data_.push_back(false);
    }
    if (row.fields.size() >= header_.size()) return read_row(row.line, row.fields);
    padded_ = row.fields;
    padded_.resize(header_.size());
    read_row(row.line, padded_);
  }

  // What makes a row exceed a limit (English, with the Chinese after it in
  // brackets, and Chinese alone), or empty.
  std::pair<std::string, std::string> too_big(const SourceRow& row) const {
    if (row.bytes > limits_.max_row_bytes) {
      const std::string n = std::to_string(row.bytes), limit = std::to_string(limits_.max_row_bytes);
      return {"holds " + n + " bytes, more than the limit of " + limit + " (行过长)",
              "本行" + n + "字节，超过上限" + limit + "字节"};
    }
    if (row.found > limits_.max_columns) {
      const std::string limit = std::to_string(limits_.max_columns);
      return {"has more than " + limit + " cells (单元格数超过上限)", "单元格数超过上限" + limit + "个"};
    }
    if (row.cut != std::string_view::npos) {
      const std::size_t c = row.cut;
      const std::string name = c < header_.size() ? " (" + header_[c] + ")" : "";
      const std::string column = std::to_string(c + 1), limit = std::to_string(limits_.max_cell_bytes);
      return {"has a cell in column " + column + name + " of more than " + limit + " bytes (单元格过长)",
              "第" + column + "列" + name + "的单元格超过" + limit + "字节"};
    }
    return {};
  }

  void map_header(std::int64_t line, const std::vector<std::string>& fields) {
    header_ = fields;
    column_of_.assign(header_.size(), -1);
    unnamed_.assign(header_.size(), false);
    bool any = false;
    for (std::size_t h = 0; h < header_.size(); ++h) {
      const std::string key = header_key(header_[h]);
      if (key.empty()) {
        unnamed_[h] = true;
        continue;
      }
      std::optional<NameAndUnit> split;
      const int column = header_column(key, model_, &split);
      if (column < 0) continue;
      any = true;
      auto& slot = source_[static_cast<std::size_t>(column)];
      if (slot >= 0)
        throw InputError(line, header_[h],
                         "the same column appears twice (also column " + std::to_string(slot + 1) + ", '" +
                             header_[static_cast<std::size_t>(slot)] + "'): delete one of them (该列重复，请删除其中一列)");
      slot = static_cast<int>(h);
      column_of_[h] = column;
      if (column >= attribute_count && split && !split->unit.empty())
        set_unit(line, h, column - attribute_count, split->unit);
    }

    std::string missing_en, missing_zh;
    auto require = [&](const std::string& header, const std::string& id, const std::string& header_zh) {
      missing_en += (missing_en.empty() ? "" : ", ") + header + " (" + id + ")";
      missing_zh += (missing_zh.empty() ? "" : "、") + header_zh;
    };
    const auto& attributes = attribute_columns();
    for (int c = 0; c < attribute_count + k_; ++c) {
      if (source_[static_cast<std::size_t>(c)] >= 0 || !column_required(c, model_)) continue;
      if (c < attribute_count) {
        require(std::string(attributes[c].name_zh), std::string(attributes[c].id), std::string(attributes[c].name_zh));
      } else {
        const auto& indicator = model_.indicators[static_cast<std::size_t>(c - attribute_count)];
        require(indicator_header(indicator), indicator.id, indicator_header(indicator));
      }
    }
    // The stage comes from the data or, by age, from the founding date: a
    // file without the column would put every enterprise at the first stage.
    const std::string stage(attributes[stage_column].name_zh), stage_id(attributes[stage_column].id);
    const std::string founded(attributes[founded_column].name_zh), founded_id(attributes[founded_column].id);
    if (model_.stage_rule.basis == StageBasis::data && source_[stage_column] < 0) require(stage, stage_id, stage);
    if (model_.stage_rule.basis == StageBasis::age && source_[stage_column] < 0 && source_[founded_column] < 0)
      require(founded + " or " + stage, founded_id + " or " + stage_id, founded + "或" + stage);
    if (missing_en.empty()) return;
    std::string message = any ? "" : "no cell of this row is a column of the template: the header row must hold the "
                                     "template's column names (cxjf template); if the header is further down, say "
                                     "which row it is (表头行应为模板列名，表头不在此行时请指定表头行号); ";
    throw InputError(line, "",
                     message + "missing columns: " + missing_en + "; add them with the template's headers (缺少必需的列：" +
                         missing_zh + "；请按模板补齐)");
  }

  // An amount in 元 or 亿元 is converted to the model's 万元; any other unit
  // that differs from the model's would scale the scores' input silently.
  void set_unit(std::int64_t line, std::size_t h, int j, std::string_view unit) {
    const auto& indicator = model_.indicators[static_cast<std::size_t>(j)];
    if (indicator.unit.empty() || same_unit(unit, indicator.unit)) return;
    int from = amount_power(unit), to = amount_power(indicator.unit);
    if (from >= 0 && to >= 0) {
      shift_[static_cast<std::size_t>(j)] = from - to;
      return;
    }
    const std::string u(unit);
    throw InputError(line, header_[h],
                     "the unit is " + u + " but the model's " + indicator.name_zh + " is in " + indicator.unit +
                         ": write the column in " + indicator.unit + " and correct the header (元, 万元 and 亿元 are "
                         "converted) (单位“" + u + "”与模型单位“" + indicator.unit + "”不符：请换算为" + indicator.unit +
                         "并修改表头)");
  }

  // The template's second row: every recognised column holds its English id.
  bool is_id_row(const std::vector<std::string>& fields) const {
    const auto& attributes = attribute_columns();
    for (std::size_t h = 0; h < header_.size(); ++h) {
      int c = column_of_[h];
      if (c < 0) continue;
      std::string_view id =
          c < attribute_count ? attributes[c].id : model_.indicators[static_cast<std::size_t>(c - attribute_count)].id;
      if (h >= fields.size() || trim(fields[h]) != id) return false;
    }
    return true;
  }

  std::string_view raw(const std::vector<std::string>& fields, int column) const {
    int h = source_[static_cast<std::size_t>(column)];
    if (h < 0 || static_cast<std::size_t>(h) >= fields.size()) return {};
    return fields[static_cast<std::size_t>(h)];
  }

  // What the workbook cell under `column` held (text for CSV).
  xlsx::CellKind kind(int column) const {
    const int h = source_[static_cast<std::size_t>(column)];
    if (!kinds_ || h < 0 || static_cast<std::size_t>(h) >= kinds_->size()) return xlsx::CellKind::text;
    return (*kinds_)[static_cast<std::size_t>(h)];
  }

  // A formula whose value was never computed (a workbook written by a
  // program rather than saved by Excel) has nothing to read.
  std::optional<Reason> uncomputed(int column, std::string_view cell) const {
    if (kind(column) != xlsx::CellKind::formula) return std::nullopt;
    const std::string text(cell);
    return Reason{"the cell holds the formula '" + text + "' but no computed value: open the workbook in Excel or "
                  "LibreOffice and save it again, or paste the values instead of formulas",
                  "单元格为公式“" + text + "”但没有计算结果：请在Excel或WPS中打开并重新保存，或改为粘贴数值"};
  }

  void cell_error(std::int64_t line, int column, std::string_view raw_text, Reason reason) {
    int h = source_[static_cast<std::size_t>(column)];
    CellError error{line, header_[static_cast<std::size_t>(h)], std::string(raw_text), std::move(reason.en),
                    std::move(reason.zh)};
    error.column_number = h + 1;
    row_errors_.push_back({h, std::move(error)});
  }

  void reject_because(int column, const Reason& reason) {
    const std::string& header = header_[static_cast<std::size_t>(source_[static_cast<std::size_t>(column)])];
    reject_en_ += (reject_en_.empty() ? "" : "; ") + header + ": " + reason.en;
    reject_zh_ += (reject_zh_.empty() ? "" : "；") + header + "：" + reason.zh;
  }

  void reject(std::int64_t line, const std::vector<std::string>& fields, std::string en, std::string zh) {
    upload_.rejected.push_back(RejectedRow{line, std::string(raw(fields, credit_code_column)),
                                           std::string(raw(fields, name_column)), std::move(en), std::move(zh)});
  }

  void read_row(std::int64_t line, const std::vector<std::string>& fields) {
    ++upload_.rows_read;
    for (std::size_t h = 0; h < header_.size() && h < fields.size(); ++h)
      if (unnamed_[h] && !trim(fields[h]).empty()) unnamed_with_data_[h] = true;

    // A row whose cells do not line up with the header (an unquoted comma in
    // a name shifts every later cell) cannot be read cell by cell.
    bool extra = false;
    for (std::size_t h = header_.size(); h < fields.size(); ++h) extra |= !trim(fields[h]).empty();
    if (fields.size() < header_.size() || extra) {
      const std::string found = std::to_string(fields.size()), expected = std::to_string(header_.size());
      reject(line, fields,
             "the row has " + found + " cells but the header has " + expected +
                 ": a value containing a comma must be enclosed in double quotes, or cells were added or deleted",
             "该行有" + found + "个单元格，表头有" + expected + "列：含逗号的内容须用英文双引号括起，或检查是否多加或多删了单元格");
      return;
    }

    row_errors_.clear();
    reject_en_.clear();
    reject_zh_.clear();
    std::optional<Reason> code_problem;
    if (kind(credit_code_column) == xlsx::CellKind::number) {
      const std::string text(raw(fields, credit_code_column));
      code_problem = Reason{
          "the credit code '" + text + "' is stored as a number in the workbook, not as text: Excel keeps 15 "
          "significant digits of a number, so a code stored so may have lost its last digits; format the column as "
          "text (Format Cells > Text) and type the code again",
          "统一社会信用代码“" + text + "”在工作簿中存为数字而非文本，Excel只保留15位有效数字，末尾几位可能已丢失：请将该列"
          "设为文本格式（设置单元格格式→文本）后重新录入"};
    } else if (auto formula = uncomputed(credit_code_column, raw(fields, credit_code_column))) {
      code_problem = std::move(formula);
    } else {
      code_problem = check_credit_code(raw(fields, credit_code_column), row_.credit_code, scratch_);
    }
    if (auto& problem = code_problem) {
      cell_error(line, credit_code_column, raw(fields, credit_code_column), *problem);
      reject_because(credit_code_column, *problem);
    } else if (row_.credit_code == example_credit_code) {
      reject(line, fields, "template example row", "模板示例行");
      return;
    }
    row_.name.assign(trim(raw(fields, name_column)));
    read_region(line, fields);
    read_attributes(line, fields);
    std::uint64_t bad = read_values(line, fields);

    if (reject_en_.empty()) add(line, fields, bad);
    else reject(line, fields, reject_en_, reject_zh_);
    std::stable_sort(row_errors_.begin(), row_errors_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& e : row_errors_) upload_.errors.push_back(std::move(e.second));
  }

  // The region decides the enterprise's peers and ranks: without a valid
  // one the row cannot be scored.
  void read_region(std::int64_t line, const std::vector<std::string>& fields) {
    std::string_view cell = raw(fields, region_column);
    std::string_view s = trim(fold_width(cell, scratch_));
    const std::string text(cell);
    std::optional<Reason> reason;
    if (s.empty())
      reason = Reason{"the region code is empty: every row needs the six-digit GB/T 2260 code of its county, city or "
                      "province (e.g. 440305)",
                      "行政区划代码为空：每行都须填写6位行政区划代码（GB/T 2260，如440305）"};
    else if (s.size() != 6 || !all_digits(s))
      reason = Reason{"'" + text + "' is not a six-digit region code (GB/T 2260, e.g. 440305)",
                      "“" + text + "”不是6位行政区划代码（GB/T 2260，如440305）"};
    else if (!builder_.regions().find(digits_value(s)))
      reason = Reason{"'" + text + "' is not a region code of GB/T 2260: use the code of the county, city or province",
                      "“" + text + "”不是有效的行政区划代码（GB/T 2260），请填写区县、地市或省级代码"};
    if (reason) {
      cell_error(line, region_column, cell, *reason);
      reject_because(region_column, *reason);
      row_.region = 0;
    } else {
      row_.region = digits_value(s);
    }
  }

  // The optional attributes: a bad one is reported and left unknown.
  void read_attributes(std::int64_t line, const std::vector<std::string>& fields) {
    row_.zone.assign(trim(raw(fields, zone_column)));
    row_.incubator.assign(trim(raw(fields, incubator_column)));
    row_.stage.assign(trim(raw(fields, stage_column)));
    split_values(raw(fields, tech_fields_column), row_.tech_fields, upload_separators);
    split_values(raw(fields, qualifications_column), row_.qualifications, upload_separators);
    split_values(raw(fields, negatives_column), row_.negatives, upload_separators);

    std::string_view industry = raw(fields, industry_column);
    if (auto letter = read_industry(industry, scratch_)) {
      row_.industry = *letter;
    } else {
      row_.industry.clear();
      const std::string text(industry);
      cell_error(line, industry_column, industry,
                 {"'" + text + "' is not an industry section of GB/T 4754-2017: write its letter A-T (e.g. C), its "
                               "name (e.g. 制造业) or both (C 制造业); the row is scored with the industry unknown",
                  "“" + text + "”不是国民经济行业门类（GB/T 4754-2017）：请填写门类字母A-T（如C）、门类名称（如制造业）"
                               "或两者（C 制造业）；本行按行业未知计分"});
    }

    std::optional<Reason> reason;
    std::string_view founded = raw(fields, founded_column);
    row_.founded = read_date(founded, reason, scratch_);
    if (reason) {
      reason->en += "; the row is scored with the founding date unknown";
      reason->zh += "；本行按成立日期未知计分";
      cell_error(line, founded_column, founded, *reason);
    }
  }

  // Indicator cells; a bad one is reported and treated as missing (bit j of
  // the result).
  std::uint64_t read_values(std::int64_t line, const std::vector<std::string>& fields) {
    std::uint64_t bad = 0;
    row_.values.assign(static_cast<std::size_t>(k_), missing_value);
    for (int j = 0; j < k_; ++j) {
      const int column = attribute_count + j;
      if (source_[static_cast<std::size_t>(column)] < 0) continue;
      const auto& indicator = model_.indicators[static_cast<std::size_t>(j)];
      std::string_view cell = raw(fields, column);
      NumberCell number;
      if (auto formula = uncomputed(column, cell)) {
        number.kind = CellKind::bad;
        number.reason = std::move(*formula);
      } else {
        number = read_number(cell, indicator.unit, shift_[static_cast<std::size_t>(j)], percent_form_, scratch_);
      }
      if (number.kind == CellKind::bad) {
        bad |= std::uint64_t{1} << j;
        number.reason.en += "; the cell is treated as missing";
        number.reason.zh += "；本格按缺失处理";
        cell_error(line, column, cell, std::move(number.reason));
        continue;
      }
      row_.values[static_cast<std::size_t>(j)] = number.value;
    }
    return bad;
  }

  void add(std::int64_t line, const std::vector<std::string>& fields, std::uint64_t bad) {
    keep_within_budget(line, fields, tech_fields_column, row_.tech_fields);
    keep_within_budget(line, fields, qualifications_column, row_.qualifications);
    keep_within_budget(line, fields, negatives_column, row_.negatives);
    try {
      builder_.add(row_, line);
    } catch (const InputError& e) {
      // Every check of TableBuilder was made above; should one still fail,
      // the row is reported rather than lost.
      reject(line, fields, e.what(), std::string("本行无法读取：") + e.what());
      return;
    }
    upload_.source_row.push_back(line);
    upload_.bad_indicators.push_back(bad);
  }

  // A table holds at most 32 distinct values of a multi-valued column. The
  // values the model scores (bonus qualifications, negative flags) always
  // have room: other values are admitted only while room is left beyond
  // those the model names, so a row's score never depends on the other rows
  // of the upload. A value left out is reported on its cell.
  void keep_within_budget(std::int64_t line, const std::vector<std::string>& fields, int column,
                          std::vector<std::string>& values) {
    MultiBudget& b = budget_[column == tech_fields_column ? 0 : column == qualifications_column ? 1 : 2];
    std::vector<std::string> dropped;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::string& value = values[i];
      const bool named = b.named.count(value) > 0;
      const bool known = b.seen.count(value) > 0;
      const std::size_t named_unseen = b.named.size() - b.named_seen;
      if (!known && !named && b.seen.size() + named_unseen >= static_cast<std::size_t>(max_multi_values)) {
        dropped.push_back(value);
        continue;
      }
      if (!known) {
        b.seen.insert(value);
        b.named_seen += named;
      }
      if (kept != i) values[kept] = std::move(values[i]);
      ++kept;
    }
    values.resize(kept);
    if (dropped.empty()) return;
    std::string list;
    for (const auto& d : dropped) list += (list.empty() ? "" : "; ") + d;
    cell_error(line, column, raw(fields, column),
               {"'" + list + "' left out: an upload holds at most 32 distinct values of this column and the model "
                             "scores none of these, so the score is unchanged",
                "“" + list + "”未读入：一次上传该列最多32种不同取值，且模型不对其计分，分值不受影响"});
  }

  void finish() {
    upload_.table = builder_.build();
    for (std::size_t h = 0; h < header_.size(); ++h) {
      if (column_of_[h] >= 0) continue;
      if (!unnamed_[h]) {
        upload_.unknown_columns.push_back(header_[h]);
      } else if (unnamed_with_data_[h]) {
        const std::string number = std::to_string(h + 1);
        upload_.unknown_columns.push_back("(column " + number + " has no header / 第" + number + "列无表头)");
      }
    }
  }

  const Model& model_;
  Upload& upload_;
  TableBuilder builder_;
  PercentForm percent_form_;
  UploadLimits limits_;
  int k_ = 0;
  std::vector<std::string> header_;
  std::vector<int> source_;     // file column of each of our columns, -1 absent
  std::vector<int> column_of_;  // our column of each file column, -1 unknown
  std::vector<int> shift_;      // per indicator: power of ten from the header's unit to the model's
  std::vector<bool> unnamed_;            // per file column: its header is blank
  std::vector<bool> unnamed_with_data_;  // ...and some row has a value under it
  struct MultiBudget {
    std::unordered_set<std::string> named;  // values the model scores
    std::unordered_set<std::string> seen;   // distinct values admitted so far
    std::size_t named_seen = 0;
  };
  std::array<MultiBudget, 3> budget_;  // tech fields, qualifications, negatives

  // Per row, reused.
  const std::vector<xlsx::CellKind>* kinds_ = nullptr;  // of the row being read; empty for CSV
  std::vector<std::string> padded_;                     // a short worksheet row, to the header's width
  Row row_;
  std::vector<std::pair<int, CellError>> row_errors_;  // with their file column, to sort
  std::string reject_en_, reject_zh_;
  std::string scratch_;
};

}  // namespace

const char* percent_form_name(PercentForm form) { return form == PercentForm::fraction ? "fraction" : "percent"; }

PercentForm percent_form_from_name(std::string_view name) {
  if (name == "percent") return PercentForm::percent;
  if (name == "fraction") return PercentForm::fraction;
  throw Error(ErrorCode::invalid_argument,
              "unknown percent form '" + std::string(name) +
                  "': use percent (12.5 means 12.5 %) or fraction (0.125 means 12.5 %) (百分数列的写法：percent 或 fraction)");
}

namespace {
[[noreturn]] void too_large(std::size_t size, const UploadLimits& limits) {
  throw InputError(0, "", "the file has " + std::to_string(size) + " bytes, more than the limit of " +
                              std::to_string(limits.max_bytes) + ": split it into several uploads (文件过大，请分批上传)");
}
}  // namespace

namespace {

std::string quoted_list(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "'" : ", '") + n + "'";
  return list;
}

// Whether a sheet holds the template's header where read() would look for
// it: row `header_row` when given (naming any template column), else the
// first non-blank rows.
bool has_header(const xlsx::Sheet& sheet, const Model& model, std::int64_t header_row) {
  int seen = 0;
  for (const xlsx::Row& row : sheet.rows) {
    std::vector<std::string> fields;
    for (const auto& c : row.cells) fields.push_back(c.text);
    if (header_row > 0) {
      if (row.number != header_row) continue;
      return std::any_of(fields.begin(), fields.end(),
                         [&](const std::string& f) { return header_column(header_key(f), model) >= 0; });
    }
    if (blank(fields)) continue;
    if (++seen > header_search_rows) break;
    if (looks_like_header(fields, model)) return true;
  }
  return false;
}

// The worksheet to read: the one asked for, or the one whose rows hold the
// template's header. None or two such sheets are refused, naming them.
const xlsx::Sheet& choose_sheet(const xlsx::Workbook& book, const Model& model, const UploadOptions& options) {
  std::vector<std::string> names;
  for (const auto& sheet : book.sheets) names.push_back(sheet.name);
  if (!options.sheet.empty() || options.sheet_index > 0) {
    for (std::size_t i = 0; i < book.sheets.size(); ++i)
      if (book.sheets[i].loaded) return book.sheets[i];
    const std::string asked = options.sheet.empty() ? "number " + std::to_string(options.sheet_index)
                                                    : "'" + options.sheet + "'";
    throw InputError(0, "", "the workbook has no sheet " + asked + "; its sheets are " + quoted_list(names) +
                                " (工作簿中没有指定的工作表，现有工作表：" + quoted_list(names) + ")");
  }
  std::vector<const xlsx::Sheet*> matching;
  for (const auto& sheet : book.sheets)
    if (has_header(sheet, model, options.header_row)) matching.push_back(&sheet);
  if (matching.size() == 1) return *matching.front();
  if (matching.size() > 1) {
    std::vector<std::string> both;
    for (const auto* sheet : matching) both.push_back(sheet->name);
    throw InputError(0, "", "the sheets " + quoted_list(both) + " all have the template's header row: say which one "
                            "to read (--sheet), or delete the others (多个工作表均含模板表头：" + quoted_list(both) +
                            "，请指定要读取的工作表)");
  }
  // No header anywhere: a single sheet with rows gets the usual errors of
  // its first row; several are refused, naming them.
  std::vector<const xlsx::Sheet*> filled;
  for (const auto& sheet : book.sheets)
    if (!sheet.rows.empty()) filled.push_back(&sheet);
  if (filled.size() == 1) return *filled.front();
  throw InputError(0, "", "no sheet of the workbook has the template's header row (统一社会信用代码, 企业名称, 行政区划代码, "
                          "...); its sheets are " + quoted_list(names) + ": fill the template's sheet (cxjf template) "
                          "or say which sheet and header row to read (工作簿中没有含模板表头的工作表，现有工作表：" +
                          quoted_list(names) + ")");
}

// An InputError of a worksheet: the same row and column, the sheet named
// first in the message.
InputError in_sheet(const InputError& e, const std::string& sheet) {
  return InputError(e.row(), e.column(), "sheet '" + sheet + "' (工作表“" + sheet + "”): " + e.reason());
}

// Opens `bytes` as rows, a workbook's sheet (chosen as docs/upload.md says)
// or CSV text, and runs read(rows, sheet name, encoding) on them; an
// InputError of a sheet names it.
template <class Read>
void open_rows(std::string_view bytes, const Model& model, const UploadOptions& options, Read&& read) {
  const UploadLimits& limits = options.limits;
  if (bytes.size() > limits.max_bytes) too_large(bytes.size(), limits);
  if (xlsx::is_zip(bytes)) {
    xlsx::Limits book_limits;
    book_limits.max_unpacked_bytes = limits.max_unpacked_bytes;
    book_limits.max_cells = limits.max_cells;
    book_limits.max_columns = limits.max_columns;
    book_limits.max_cell_bytes = limits.max_cell_bytes;
    const xlsx::Workbook book = xlsx::read(bytes, book_limits, [&](const std::string& name, std::size_t index) {
      if (!options.sheet.empty()) return name == options.sheet;
      if (options.sheet_index > 0) return index + 1 == static_cast<std::size_t>(options.sheet_index);
      return true;
    });
    const xlsx::Sheet& sheet = choose_sheet(book, model, options);
    SheetRows rows(sheet, limits);
    try {
      read(rows, sheet.name, Encoding::utf8);
    } catch (const InputError& e) {
      throw in_sheet(e, sheet.name);
    }
    return;
  }
  if (xlsx::is_encrypted_package(bytes))
    throw InputError(0, "", "the workbook is protected by a password: remove the password (File > Info > Protect "
                            "Workbook) and save it again (工作簿设有密码，请取消密码后重新保存)");
  if (xlsx::is_compound_file(bytes))
    throw InputError(0, "", "this is an Excel 97-2003 workbook (.xls), which cxjf does not read: in Excel choose "
                            "Save As, \"Excel Workbook (*.xlsx)\" or \"CSV UTF-8\", and upload that file "
                            "(这是旧版.xls工作簿：请另存为.xlsx或“CSV UTF-8（逗号分隔）”后上传)");
  Encoding used = Encoding::utf8;
  std::string storage;
  const std::string_view text = decode_text(bytes, options.encoding, used, storage);
  CsvRows rows(text, limits);
  read(rows, std::string(), used);
}

}  // namespace

Upload read_upload(std::string_view bytes, const Model& model, const UploadOptions& options) {
  Upload upload;
  open_rows(bytes, model, options, [&](RowSource& rows, const std::string& sheet, Encoding encoding) {
    upload.sheet = sheet;
    upload.encoding = encoding;
    UploadReader(model, upload, options.percent_form, options.limits, options.regions).read(rows, options.header_row);
  });
  return upload;
}

UploadCells read_upload_cells(std::string_view bytes, const Model& model, const UploadOptions& options) {
  UploadCells cells;
  open_rows(bytes, model, options, [&](RowSource& rows, const std::string& sheet, Encoding) {
    cells.sheet = sheet;
    std::vector<SourceRow> ahead;
    const std::size_t header = find_header(rows, model, options.header_row, ahead);
    cells.header_row = ahead[header].line;
    cells.header = ahead[header].fields;
    auto add = [&](SourceRow& row) {
      if (blank(row.fields)) return;
      if (static_cast<std::int64_t>(cells.rows.size()) >= options.limits.max_rows)
        throw InputError(row.line, "", "the upload has more than " + std::to_string(options.limits.max_rows) +
                                           " data rows (上传数据行数超过上限)");
      cells.rows.push_back(row.line);
      cells.cells.push_back(std::move(row.fields));
    };
    for (std::size_t i = header + 1; i < ahead.size(); ++i) add(ahead[i]);
    for (SourceRow row; rows.next(row);) add(row);
  });
  return cells;
}

Upload read_upload_file(const std::string& path, const Model& model, const UploadOptions& options) {
  // The size first: a file past the limit is refused before it is read.
  const std::string bytes = read_file(path, options.limits.max_bytes,
                                      [&](std::uint64_t size) { too_large(static_cast<std::size_t>(size), options.limits); });
  return read_upload(bytes, model, options);
}

Upload read_upload(std::string_view bytes, const Model& model, Encoding encoding) {
  UploadOptions options;
  options.encoding = encoding;
  return read_upload(bytes, model, options);
}

Upload read_upload_file(const std::string& path, const Model& model, Encoding encoding) {
  UploadOptions options;
  options.encoding = encoding;
  return read_upload_file(path, model, options);
}

}  // namespace cxjf
