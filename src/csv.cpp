#include "cxjf/csv.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <system_error>

#include "cxjf/error.hpp"
#include "cxjf/regions.hpp"

namespace cxjf {
namespace {

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

  // Reads the next record into fields[0..m) (resizing `fields` to m) and its
  // first physical line into `line`; false when no record is left.
  bool next(std::int64_t& line, std::vector<std::string>& fields) {
    const std::size_t n = text_.size();
    if (pos_ >= n) return false;
    // Editors and exporters often leave blank lines at the end; those are not
    // records. A blank line between records is one (a single empty field),
    // as RFC 4180 reads it, and the caller decides what it means.
    if (is_break(text_[pos_]) && text_.find_first_not_of("\r\n", pos_) == std::string_view::npos) {
      pos_ = n;
      return false;
    }
    line = line_;
    std::size_t count = 0;
    for (;;) {
      if (count == fields.size()) fields.emplace_back();
      std::string& field = fields[count++];
      if (pos_ < n && text_[pos_] == '"') {
        read_quoted(field);
      } else {
        std::size_t start = pos_;
        while (pos_ < n) {
          char c = text_[pos_];
          if (c == ',' || c == '\n' || c == '\r') break;
          if (c == '"')
            throw InputError(line_, "",
                             "a '\"' inside an unquoted field: enclose the whole field in quotes and write the quote "
                             "twice (\"\")");
          ++pos_;
        }
        field.assign(text_.data() + start, pos_ - start);
      }
      if (pos_ >= n) break;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      skip_break();
      break;
    }
    fields.resize(count);
    return true;
  }

 private:
  static bool is_break(char c) { return c == '\n' || c == '\r'; }

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
      field.append(chunk);
      pos_ = quote + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {  // "" is one quote
        field.push_back('"');
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
};

// ---------------------------------------------------------------------------
// Cell syntax.

constexpr std::string_view ideographic_space = "\xE3\x80\x80";  // U+3000, typed by Chinese IMEs

std::string_view trim(std::string_view s) {
  for (;;) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    else if (s.substr(0, 3) == ideographic_space) s.remove_prefix(3);
    else break;
  }
  for (;;) {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    else if (s.size() >= 3 && s.substr(s.size() - 3) == ideographic_space) s.remove_suffix(3);
    else break;
  }
  return s;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "研发费用金额(万元)" or "研发费用金额（万元）" -> name and unit; nullopt when
// the header carries no bracketed suffix.
struct NameAndUnit {
  std::string_view name;
  std::string_view unit;
};
std::optional<NameAndUnit> split_unit(std::string_view header) {
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
bool same_unit(std::string_view a, std::string_view b) {
  auto ascii = [](std::string_view u) { return u == "％" ? std::string_view("%") : u; };
  return ascii(a) == ascii(b);
}

enum class NumberStatus { ok, not_a_number, out_of_range };

// Plain decimals only: [+-]digits[.digits][(e|E)[+-]digits]. std::from_chars
// alone would also take "inf", "nan" and hex-like forms, which no template
// holds on purpose.
NumberStatus parse_number(std::string_view s, double& value) {
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

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::int32_t digits_value(std::string_view s) {
  std::int32_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// YYYY-MM-DD or YYYYMMDD as YYYYMMDD, 0 for empty, -1 when neither. Whether
// the date exists is TableBuilder's check, so every way into a Table gets it.
std::int32_t parse_date(std::string_view s) {
  if (s.empty()) return 0;
  if (s.size() == 8 && all_digits(s)) return digits_value(s);
  if (s.size() == 10 && s[4] == '-' && s[7] == '-' && all_digits(s.substr(0, 4)) && all_digits(s.substr(5, 2)) &&
      all_digits(s.substr(8, 2)))
    return digits_value(s.substr(0, 4)) * 10000 + digits_value(s.substr(5, 2)) * 100 + digits_value(s.substr(8, 2));
  return -1;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

// 是/否 as the template writes it, and what spreadsheets and scripts write.
std::optional<bool> parse_registered(std::string_view s) {
  if (s.empty() || s == "是" || s == "1" || iequals_ascii(s, "true")) return true;
  if (s == "否" || s == "0" || iequals_ascii(s, "false")) return false;
  return std::nullopt;
}

void split_values(std::string_view s, std::vector<std::string>& out) {
  out.clear();
  static constexpr std::array<std::string_view, 3> separators = {";", "；", "、"};
  std::size_t start = 0;
  std::size_t i = 0;
  auto flush = [&](std::size_t end) {
    auto value = trim(s.substr(start, end - start));
    if (!value.empty()) out.emplace_back(value);
  };
  while (i < s.size()) {
    std::size_t matched = 0;
    for (auto sep : separators)
      if (s.compare(i, sep.size(), sep) == 0) matched = sep.size();
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

// The offset of the first byte that is not well-formed UTF-8, or npos.
std::size_t invalid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    // Most of a template is ASCII digits: skip eight of them at a time.
    if (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, p + i, sizeof word);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    i += len;
  }
  return std::string_view::npos;
}

// ---------------------------------------------------------------------------
// Columns.

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

// TableBuilder reports a field by its Chinese header (attributes) or its id
// (indicators); the user must see the header as written in their file.
std::string bare_message(const InputError& e) {
  std::string where;
  if (e.row() > 0) where = "row " + std::to_string(e.row());
  if (!e.column().empty()) where += (where.empty() ? "column " : ", column ") + e.column();
  std::string_view what = e.what();
  if (!where.empty() && what.substr(0, where.size() + 2) == where + ": ") what.remove_prefix(where.size() + 2);
  return std::string(what);
}

std::string model_name(const Model& model) {
  return model.id.empty() ? std::string("the model") : "model '" + model.id + "'";
}

std::string format_number(double v) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return ec == std::errc() ? std::string(buffer, end) : std::string();
}

}  // namespace

std::vector<CsvRecord> parse_csv(std::string_view text) {
  std::vector<CsvRecord> records;
  records.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  CsvReader reader(text);
  CsvRecord record;
  while (reader.next(record.line, record.fields)) {
    records.push_back(std::move(record));
    record = CsvRecord();
  }
  return records;
}

std::string csv_field(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string quoted;
  quoted.reserve(field.size() + 2);
  quoted.push_back('"');
  for (char c : field) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

const std::vector<ColumnName>& attribute_columns() {
  // Order matches enum Attribute above.
  static const std::vector<ColumnName> columns = {
      {"credit_code", "统一社会信用代码"}, {"name", "企业名称"},       {"region_code", "行政区划代码"},
      {"zone", "国家高新区"},              {"incubator", "孵化器"},    {"industry", "一级行业"},
      {"tech_fields", "技术领域"},         {"qualifications", "企业资质"}, {"negatives", "负面清单"},
      {"founded", "成立日期"},             {"registered", "是否入统"},  {"stage", "发展阶段"},
  };
  return columns;
}

Table parse_table_csv(std::string_view text, const Model& model) {
  if (auto bad = invalid_utf8(text); bad != std::string_view::npos) {
    auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
    throw InputError(line, "",
                     "the file is not UTF-8 (Excel's plain \"CSV\" on Chinese Windows is GBK): save it as "
                     "\"CSV UTF-8\" (另存为 CSV UTF-8)");
  }
  const auto& attributes = attribute_columns();
  const int k = static_cast<int>(model.indicators.size());
  const int column_count = attribute_count + k;  // attributes first, then indicator i at attribute_count + i

  CsvReader reader(text);
  std::int64_t header_line = 0;
  std::vector<std::string> header;
  if (!reader.next(header_line, header))
    throw InputError(1, "", "the file is empty: the first row must name the columns");

  // Which file column feeds each of our columns (-1 when absent).
  std::vector<int> source(static_cast<std::size_t>(column_count), -1);
  auto match = [&](std::string_view name) {
    for (int a = 0; a < attribute_count; ++a)
      if (name == attributes[a].id || name == attributes[a].name_zh) return a;
    for (int i = 0; i < k; ++i) {
      const auto& indicator = model.indicators[i];
      if (name == indicator.id || name == indicator.name_zh) return attribute_count + i;
    }
    return -1;
  };
  for (std::size_t h = 0; h < header.size(); ++h) {
    std::string_view cell = trim(header[h]);
    // The whole header first: a name may itself end in brackets.
    int column = match(cell);
    if (column < 0) {
      if (auto split = split_unit(cell)) {
        column = match(split->name);
        if (column >= attribute_count) {
          const auto& unit = model.indicators[column - attribute_count].unit;
          // Reading 元 as 万元 would silently scale the score's input by 10,000.
          if (!unit.empty() && !same_unit(split->unit, unit))
            throw InputError(header_line, header[h],
                             "the unit is " + std::string(split->unit) + " but the model expects " + unit +
                                 ": convert the column to " + unit + " (单位应为" + unit + ")");
        }
      }
    }
    // Unknown columns are refused for now: reading a template with extra or
    // local columns tolerantly (and units to convert) is a later issue.
    if (column < 0)
      throw InputError(header_line, header[h],
                       cell.empty() ? "a column without a header: remove it or name it"
                                    : "not a column of the template or of " + model_name(model) +
                                          ": remove it or use a template header");
    auto& slot = source[column];
    if (slot >= 0)
      throw InputError(header_line, header[h],
                       "the same column appears twice (also column " + std::to_string(slot + 1) + ", '" +
                           header[slot] + "')");
    slot = static_cast<int>(h);
  }

  std::string missing;
  auto require = [&](int column, std::string_view name_zh, std::string_view id) {
    if (source[column] >= 0) return;
    if (!missing.empty()) missing += ", ";
    missing += std::string(name_zh) + " (" + std::string(id) + ")";
  };
  for (int a : {credit_code_column, name_column, region_column}) require(a, attributes[a].name_zh, attributes[a].id);
  for (int i = 0; i < k; ++i) require(attribute_count + i, model.indicators[i].name_zh, model.indicators[i].id);
  if (!missing.empty()) throw InputError(header_line, "", "missing columns: " + missing);

  // Header as written, by the field name TableBuilder reports.
  auto header_of = [&](const std::string& field) -> std::string {
    for (int a = 0; a < attribute_count; ++a)
      if (field == attributes[a].name_zh && source[a] >= 0) return header[source[a]];
    for (int i = 0; i < k; ++i)
      if (field == model.indicators[i].id) return header[source[attribute_count + i]];
    return field;
  };

  TableBuilder builder(model);
  // Newlines bound the row count from above; a cheap pass saves regrowing
  // every column of a national file several times.
  builder.reserve(std::count(text.begin(), text.end(), '\n'));
  Row row;
  std::vector<std::string> fields;
  std::int64_t line = 0;
  while (reader.next(line, fields)) {
    // A blank line or a row of empty cells (Excel writes ",,,," for a row
    // someone cleared) holds no enterprise.
    if (std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return trim(f).empty(); })) continue;
    if (fields.size() != header.size())
      throw InputError(line, "",
                       "expected " + std::to_string(header.size()) + " fields, found " + std::to_string(fields.size()));
    auto cell = [&](int column) -> std::string_view {
      int h = source[column];
      return h < 0 ? std::string_view() : trim(fields[h]);
    };
    auto fail = [&](int column, const std::string& message) { throw InputError(line, header[source[column]], message); };

    row.credit_code.assign(cell(credit_code_column));
    row.name.assign(cell(name_column));
    std::string_view region = cell(region_column);
    if (region.size() != 6 || !all_digits(region))
      fail(region_column, "'" + std::string(region) + "' is not a six-digit region code (GB/T 2260, e.g. 440305)");
    row.region = digits_value(region);
    row.zone.assign(cell(zone_column));
    row.incubator.assign(cell(incubator_column));
    row.industry.assign(cell(industry_column));
    split_values(cell(tech_fields_column), row.tech_fields);
    split_values(cell(qualifications_column), row.qualifications);
    split_values(cell(negatives_column), row.negatives);
    std::string_view founded = cell(founded_column);
    row.founded = parse_date(founded);
    if (row.founded < 0)
      fail(founded_column,
           "'" + std::string(founded) + "' is not a date: write YYYY-MM-DD or YYYYMMDD, e.g. 2015-06-30");
    std::string_view registered = cell(registered_column);
    auto flag = parse_registered(registered);
    if (!flag)
      fail(registered_column, "'" + std::string(registered) + "' is not 是 or 否 (1/0 or true/false also work)");
    row.registered = *flag;
    row.stage.assign(cell(stage_column));
    row.values.assign(static_cast<std::size_t>(k), missing_value);
    for (int i = 0; i < k; ++i) {
      std::string_view text_value = cell(attribute_count + i);
      if (text_value.empty()) continue;
      switch (parse_number(text_value, row.values[i])) {
        case NumberStatus::ok: break;
        case NumberStatus::not_a_number:
          fail(attribute_count + i, "'" + std::string(text_value) + "' is not a number");
          break;
        case NumberStatus::out_of_range:
          fail(attribute_count + i, "'" + std::string(text_value) + "' is out of the range of a double");
          break;
      }
    }
    try {
      builder.add(row, line);
    } catch (const InputError& e) {
      throw InputError(e.row(), e.column().empty() ? std::string() : header_of(e.column()), bare_message(e));
    }
  }
  return builder.build();
}

Table read_table_csv(const std::string& path, const Model& model) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::io, "cannot read " + path);
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) throw Error(ErrorCode::io, "cannot read " + path);
  return parse_table_csv(contents.str(), model);
}

void write_table_csv(std::ostream& out, const Table& table, const Model& model) {
  std::vector<int> columns;
  columns.reserve(model.indicators.size());
  for (const auto& indicator : model.indicators) {
    int column = table.indicator_column(indicator.id);
    if (column < 0)
      throw Error(ErrorCode::invalid_argument, "the table has no column for indicator '" + indicator.id + "' of " +
                                                   model_name(model));
    columns.push_back(column);
  }

  // RFC 4180 ends records with CRLF; our reader and Excel take either.
  std::string line;
  for (const auto& column : attribute_columns()) {
    if (!line.empty()) line += ',';
    line += csv_field(column.name_zh);
  }
  for (const auto& indicator : model.indicators) {
    line += ',';
    line += csv_field(indicator.unit.empty() ? indicator.name_zh : indicator.name_zh + "(" + indicator.unit + ")");
  }
  line += "\r\n";
  out << line;

  auto join = [](const Dictionary& names, std::uint32_t bits) {
    std::string joined;
    for (int b = 0; b < max_multi_values; ++b) {
      if (!(bits >> b & 1u)) continue;
      if (!joined.empty()) joined += ';';
      joined += names[b];
    }
    return joined;
  };
  auto code_name = [](const Dictionary& names, std::int32_t code) {
    return code < 0 ? std::string_view() : std::string_view(names[code]);
  };
  char buffer[16];
  for (std::int64_t r = 0; r < table.size(); ++r) {
    auto i = static_cast<std::size_t>(r);
    line.clear();
    line += csv_field(table.credit_code[i]);
    line += ',';
    line += csv_field(table.name[i]);
    std::snprintf(buffer, sizeof buffer, ",%06d,", static_cast<int>(table.region[i]));
    line += buffer;
    line += csv_field(code_name(table.zones, table.zone[i]));
    line += ',';
    line += csv_field(code_name(table.incubators, table.incubator[i]));
    line += ',';
    if (table.industry[i] >= 0) line += industry_name(table.industry[i]);
    line += ',';
    line += csv_field(join(table.tech_field_names, table.tech_fields[i]));
    line += ',';
    line += csv_field(join(table.qualification_names, table.qualifications[i]));
    line += ',';
    line += csv_field(join(table.negative_names, table.negatives[i]));
    line += ',';
    if (auto d = table.founded[i]; d != 0) {
      std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", static_cast<int>(d / 10000),
                    static_cast<int>(d / 100 % 100), static_cast<int>(d % 100));
      line += buffer;
    }
    line += ',';
    line += table.registered[i] ? "是" : "否";
    line += ',';
    line += csv_field(code_name(table.stage_names, table.stage[i]));
    for (int column : columns) {
      line += ',';
      double v = table.values(r, column);
      if (!std::isnan(v)) line += format_number(v);
    }
    line += "\r\n";
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
}

}  // namespace cxjf
