// Private to the library: the text rules shared by the two CSV readers,
// parse_table_csv (the strict table format) and read_upload (what users fill
// in by hand), so that both split records, trim cells, read numbers and match
// headers the same way.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "cxjf/csv.hpp"
#include "cxjf/error.hpp"
#include "cxjf/model.hpp"
#include "base/text.hpp"
#include "base/utf8.hpp"

namespace cxjf::detail {

// ---------------------------------------------------------------------------
// The record reader.

// Reads one record at a time into fields the caller keeps between calls, so
// that a 520,000-row upload reuses the same strings instead of holding every
// cell of the file at once (which would be several times the file's size).
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  }
  // A reader of text that starts at a record boundary inside a file (no
  // byte-order mark there), its first record on line `first_line`.
  CsvReader(std::string_view text, std::int64_t first_line) : text_(text), line_(first_line) {}

  // Bytes of the text consumed so far, and the line the next record starts on.
  std::size_t position() const { return pos_; }
  std::int64_t line() const { return line_; }

  // Bounds what one record may hold in memory: fields past `max_fields` are
  // read but not kept, and a field is cut at `max_field_bytes`; after next()
  // the caller sees what was cut (fields_found, cut_field, record_bytes).
  void limit(std::size_t max_fields, std::size_t max_field_bytes) {
    max_fields_ = std::max<std::size_t>(max_fields, 1);
    max_field_bytes_ = max_field_bytes;
  }
  // Of the record just read: how many fields it has (kept or not), the
  // first field cut at the byte limit (npos: none), its bytes as written.
  std::size_t fields_found() const { return found_; }
  std::size_t cut_field() const { return cut_; }
  std::size_t record_bytes() const { return record_bytes_; }

  // Reads the next record into fields[0..m) (resizing `fields` to m) and its
  // first physical line into `line`; false when no record is left.
  bool next(std::int64_t& line, std::vector<std::string>& fields) {
    const std::size_t n = text_.size();
    if (!more()) return false;
    line = line_;
    const std::size_t record_start = pos_;
    std::size_t count = 0;
    found_ = 0;
    cut_ = std::string_view::npos;
    for (;;) {
      const bool kept = count < max_fields_;
      if (kept && count == fields.size()) fields.emplace_back();
      std::string& field = kept ? fields[count++] : spare_;
      if (pos_ < n && text_[pos_] == '"') {
        read_quoted(field);
      } else {
        std::size_t start = pos_;
        skip_unquoted();
        field.assign(text_.data() + start, std::min(pos_ - start, max_field_bytes_ + 1));
      }
      if (field.size() > max_field_bytes_) {
        field.resize(max_field_bytes_);
        if (cut_ == std::string_view::npos) cut_ = found_;
      }
      ++found_;
      if (record_ends()) break;
    }
    fields.resize(count);
    record_bytes_ = pos_ - record_start;
    return true;
  }

  // next() without copies, for a reader that keeps the text: unquoted
  // fields are views into it, quoted ones are unquoted into storage of the
  // reader's own; both stay valid until the next call. No limits apply.
  bool next(std::int64_t& line, std::vector<std::string_view>& fields) {
    const std::size_t n = text_.size();
    if (!more()) return false;
    line = line_;
    const std::size_t record_start = pos_;
    fields.clear();
    for (;;) {
      if (pos_ < n && text_[pos_] == '"') {
        if (quoted_.size() <= fields.size()) quoted_.resize(fields.size() + 1);
        std::string& field = quoted_[fields.size()];
        read_quoted(field);
        fields.emplace_back(field);
      } else {
        std::size_t start = pos_;
        skip_unquoted();
        fields.emplace_back(text_.data() + start, pos_ - start);
      }
      if (record_ends()) break;
    }
    found_ = fields.size();
    cut_ = std::string_view::npos;
    record_bytes_ = pos_ - record_start;
    return true;
  }

 private:
  static bool is_break(char c) { return c == '\n' || c == '\r'; }

  // Whether a record is left. Editors and exporters often leave blank lines
  // at the end; those are not records. A blank line between records is one
  // (a single empty field), as RFC 4180 reads it, and the caller decides
  // what it means.
  bool more() {
    if (pos_ >= text_.size()) return false;
    if (is_break(text_[pos_]) && text_.find_first_not_of("\r\n", pos_) == std::string_view::npos) {
      pos_ = text_.size();
      return false;
    }
    return true;
  }

  // After a field: moves past the comma before the next one (false) or the
  // line break that ends the record (true; also at the end of the text).
  bool record_ends() {
    if (pos_ >= text_.size()) return true;
    if (text_[pos_] == ',') {
      ++pos_;
      return false;
    }
    skip_break();
    return true;
  }

  // Moves past an unquoted field, to the comma or line break that ends it.
  void skip_unquoted() {
    const std::size_t n = text_.size();
    while (pos_ < n) {
      char c = text_[pos_];
      if (c == ',' || c == '\n' || c == '\r') break;
      if (c == '"')
        throw InputError(line_, "",
                         "a '\"' inside an unquoted field: enclose the whole field in quotes and write the quote "
                         "twice (\"\")");
      ++pos_;
    }
  }

  // CRLF, LF and (old Mac Excel) a lone CR each end one line.
  void skip_break() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  void count_lines(std::string_view chunk, char after) {
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      if (chunk[i] == '\n') ++line_;
      else if (chunk[i] == '\r' && (i + 1 < chunk.size() ? chunk[i + 1] : after) != '\n') ++line_;
    }
  }

  void read_quoted(std::string& field) {
    const std::int64_t opened = line_;
    ++pos_;
    field.clear();
    for (;;) {
      std::size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos)
        throw InputError(opened, "", "a quoted field starting on this line is never closed: a closing '\"' is missing");
      std::string_view chunk = text_.substr(pos_, quote - pos_);
      count_lines(chunk, '"');
      // Kept up to one byte past the limit, so that next() sees the cut.
      if (field.size() <= max_field_bytes_) field.append(chunk.substr(0, max_field_bytes_ + 1 - field.size()));
      pos_ = quote + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {  // "" is one quote
        if (field.size() <= max_field_bytes_) field.push_back('"');
        ++pos_;
        continue;
      }
      break;
    }
    if (pos_ < text_.size() && text_[pos_] != ',' && !is_break(text_[pos_]))
      throw InputError(line_, "",
                       "text after the closing quote of a field: a quote inside a quoted field must be written twice "
                       "(\"\")");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::int64_t line_ = 1;
  std::size_t max_fields_ = std::numeric_limits<std::size_t>::max();
  std::size_t max_field_bytes_ = std::numeric_limits<std::size_t>::max() - 1;
  std::size_t found_ = 0, cut_ = std::string_view::npos, record_bytes_ = 0;
  std::string spare_;                // a field past max_fields_
  // Quoted fields of the views next(): a deque, because growing it must not
  // move the fields already viewed (a short string lives inside its object).
  std::deque<std::string> quoted_;
};

// Splits text[begin, end of text) into chunks of about `chunk_bytes` that
// start at record boundaries, for reading on several threads: the returned
// offsets start with `begin` and end with text.size(). A boundary is the
// first line break after the target offset that lies outside quotes, judged
// by the parity of the quotes before it (counted on `threads` threads). In a
// malformed file the parity may lie; a reader must then find that its chunk
// does not end at the next boundary (see parse_table_csv).
std::vector<std::size_t> record_chunks(std::string_view text, std::size_t begin, std::size_t chunk_bytes,
                                       unsigned threads);

// ---------------------------------------------------------------------------
// Cell syntax.

inline constexpr std::string_view ideographic_space = "\xE3\x80\x80";  // U+3000, typed by Chinese IMEs

inline std::string_view trim(std::string_view s) {
  for (;;) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    else if (!s.empty() && s.front() == ideographic_space[0] && s.substr(0, 3) == ideographic_space) s.remove_prefix(3);
    else break;
  }
  for (;;) {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    else if (s.size() >= 3 && s.back() == ideographic_space[2] && s.substr(s.size() - 3) == ideographic_space)
      s.remove_suffix(3);
    else break;
  }
  return s;
}

inline bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "研发费用金额(万元)" or "研发费用金额（万元）" -> name and unit; nullopt when
// the header carries no bracketed suffix.
struct NameAndUnit {
  std::string_view name;
  std::string_view unit;
};
inline std::optional<NameAndUnit> split_unit(std::string_view header) {
  std::string_view body;
  if (ends_with(header, ")")) body = header.substr(0, header.size() - 1);
  else if (ends_with(header, "）")) body = header.substr(0, header.size() - std::string_view("）").size());
  else return std::nullopt;
  std::size_t ascii = body.rfind('(');
  std::size_t wide = body.rfind("（");
  std::size_t open;
  std::size_t open_length;
  if (ascii != std::string_view::npos && (wide == std::string_view::npos || ascii > wide)) {
    open = ascii;
    open_length = 1;
  } else if (wide != std::string_view::npos) {
    open = wide;
    open_length = std::string_view("（").size();
  } else {
    return std::nullopt;
  }
  return NameAndUnit{trim(body.substr(0, open)), trim(body.substr(open + open_length))};
}

// Units compare with the full-width percent sign read as '%', the one
// full-width unit Chinese input methods commonly produce.
inline bool same_unit(std::string_view a, std::string_view b) {
  auto ascii = [](std::string_view u) { return u == "％" ? std::string_view("%") : u; };
  return ascii(a) == ascii(b);
}

enum class NumberStatus { ok, not_a_number, out_of_range };

// Plain decimals only: [+-]digits[.digits][(e|E)[+-]digits]. std::from_chars
// alone would also take "inf", "nan" and hex-like forms, which no template
// holds on purpose.
inline NumberStatus parse_number(std::string_view s, double& value) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  auto digits = [&] {
    std::size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  std::size_t mantissa = digits();
  if (i < n && s[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return NumberStatus::not_a_number;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return NumberStatus::not_a_number;
  }
  if (i != n) return NumberStatus::not_a_number;
  if (s.front() == '+') s.remove_prefix(1);  // from_chars takes '-' only
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec == std::errc::result_out_of_range) return NumberStatus::out_of_range;
  if (ec != std::errc() || end != s.data() + s.size()) return NumberStatus::not_a_number;
  return NumberStatus::ok;
}

inline bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

inline std::int32_t digits_value(std::string_view s) {
  std::int32_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// YYYY-MM-DD or YYYYMMDD as YYYYMMDD, 0 for empty, -1 when neither. Whether
// the date exists is TableBuilder's check, so every way into a Table gets it.

// 是否入统: 是/否 as the template writes it, and what spreadsheets and
// scripts write (1/0, true/false in any case); empty is 是. nullopt else.
inline std::optional<bool> parse_registered(std::string_view s) {
  if (s.empty() || s == "是" || s == "1" || ascii_iequal(s, "true")) return true;
  if (s == "否" || s == "0" || ascii_iequal(s, "false")) return false;
  return std::nullopt;
}

// Whether YYYYMMDD names a day of the proleptic Gregorian calendar, years
// 1 to 9999.
inline bool is_calendar_date(std::int32_t yyyymmdd) {
  const int y = yyyymmdd / 10000, m = yyyymmdd / 100 % 100, d = yyyymmdd % 100;
  if (yyyymmdd <= 0 || y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

inline std::int32_t parse_date(std::string_view s) {
  if (s.empty()) return 0;
  if (s.size() == 8 && all_digits(s)) return digits_value(s);
  if (s.size() == 10 && s[4] == '-' && s[7] == '-' && all_digits(s.substr(0, 4)) && all_digits(s.substr(5, 2)) &&
      all_digits(s.substr(8, 2)))
    return digits_value(s.substr(0, 4)) * 10000 + digits_value(s.substr(5, 2)) * 100 + digits_value(s.substr(8, 2));
  return -1;
}

// The separators of a multi-valued cell in the table CSV; an upload also
// takes commas, which people type between qualifications.
inline constexpr std::string_view table_separators[] = {";", "；", "、"};

// Splits `s` at any of `separators`, trimming each value and dropping empty
// ones.
template <class Value, std::size_t N>
void split_values(std::string_view s, std::vector<Value>& out, const std::string_view (&separators)[N]) {
  out.clear();
  std::size_t start = 0;
  std::size_t i = 0;
  auto flush = [&](std::size_t end) {
    auto value = trim(s.substr(start, end - start));
    if (!value.empty()) out.emplace_back(value);
  };
  while (i < s.size()) {
    std::size_t matched = 0;
    for (auto sep : separators)  // the first byte before the whole: this runs once per byte of the cell
      if (s[i] == sep[0] && s.compare(i, sep.size(), sep) == 0) matched = sep.size();
    if (matched) {
      flush(i);
      i += matched;
      start = i;
    } else {
      ++i;
    }
  }
  flush(s.size());
}

// ---------------------------------------------------------------------------
// Columns.

// Our columns: the attribute columns in attribute_columns() order, then
// model indicator i at attribute_count + i.
enum Attribute : int {
  credit_code_column,
  name_column,
  region_column,
  zone_column,
  incubator_column,
  industry_column,
  tech_fields_column,
  qualifications_column,
  negatives_column,
  founded_column,
  registered_column,
  stage_column,
  attribute_count
};

// An indicator's header as templates and tables write it: "研发费用金额(万元)",
// or the bare name when it has no unit.
inline std::string indicator_header(const Indicator& indicator) {
  return indicator.unit.empty() ? indicator.name_zh : indicator.name_zh + "(" + indicator.unit + ")";
}

// The column `name` (a Chinese name or an English id, exactly) names, or -1.
inline int match_column(std::string_view name, const Model& model) {
  const auto& attributes = attribute_columns();
  for (int a = 0; a < attribute_count; ++a)
    if (name == attributes[a].id || name == attributes[a].name_zh) return a;
  const int k = static_cast<int>(model.indicators.size());
  for (int i = 0; i < k; ++i) {
    const auto& indicator = model.indicators[i];
    if (name == indicator.id || name == indicator.name_zh) return attribute_count + i;
  }
  return -1;
}

// Powers of ten of the amount units a header or a cell may name, relative to 元.
inline int amount_power(std::string_view unit) {
  if (unit == "元") return 0;
  if (unit == "万元") return 4;
  if (unit == "亿元") return 8;
  return -1;
}

// The upload template's example row carries this code; a row with it is the
// example left in place, not an enterprise.
inline constexpr std::string_view example_credit_code = "91350100M000100Y43";

// Whether an upload must have this column: the key, the name and the region
// (peers and ranks), every scored indicator, and the input-only indicators the
// stage rule or a bonus item reads.
inline bool column_required(int column, const Model& model) {
  switch (column) {
    case credit_code_column:
    case name_column:
    case region_column: return true;
    default: break;
  }
  if (column < attribute_count) return false;
  const auto& indicator = model.indicators[static_cast<std::size_t>(column - attribute_count)];
  if (!indicator.weights.empty() || !indicator.category.empty()) return true;
  if (model.stage_rule.basis == StageBasis::revenue && model.stage_rule.indicator == indicator.id) return true;
  return std::any_of(model.bonus.begin(), model.bonus.end(),
                     [&](const BonusItem& b) { return b.indicator == indicator.id; });
}

}  // namespace cxjf::detail
