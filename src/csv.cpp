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
#include <unordered_map>

#include "binary_io.hpp"
#include "cxjf/error.hpp"
#include "cxjf/regions.hpp"
#include "csv_text.hpp"

namespace cxjf {
namespace {

// The text rules both CSV readers share.
using namespace detail;

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
  auto match = [&](std::string_view name) { return match_column(name, model); };
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
    // Base data must be exact, so unknown columns are refused here; uploads
    // filled in by users are read tolerantly by read_upload (upload.cpp).
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
  // A base database holds each enterprise once: the second row of a credit
  // code ends the read at once, whatever follows (a million rows of one code
  // cost no more than their first two). Codes are kept by hash, with their
  // text in one arena to tell a true repeat from a collision.
  struct Seen {
    std::size_t at, size;  // the code's bytes in `arena`
    std::int64_t line;
  };
  std::unordered_multimap<std::uint64_t, Seen> seen;
  std::string arena;
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
    {
      const std::uint64_t h = hash_bytes(row.credit_code);
      const auto [from, to] = seen.equal_range(h);
      for (auto it = from; it != to; ++it)
        if (std::string_view(arena).substr(it->second.at, it->second.size) == row.credit_code)
          fail(credit_code_column, "credit code " + row.credit_code + " appears again (first at row " +
                                       std::to_string(it->second.line) + ") (统一社会信用代码重复)");
      seen.emplace(h, Seen{arena.size(), row.credit_code.size(), line});
      arena += row.credit_code;
    }
    row.name.assign(cell(name_column));
    std::string_view region = cell(region_column);
    if (region.size() != 6 || !all_digits(region))
      fail(region_column, "'" + std::string(region) + "' is not a six-digit region code (GB/T 2260, e.g. 440305)");
    row.region = digits_value(region);
    row.zone.assign(cell(zone_column));
    row.incubator.assign(cell(incubator_column));
    row.industry.assign(cell(industry_column));
    split_values(cell(tech_fields_column), row.tech_fields, table_separators);
    split_values(cell(qualifications_column), row.qualifications, table_separators);
    split_values(cell(negatives_column), row.negatives, table_separators);
    std::string_view founded = cell(founded_column);
    row.founded = parse_date(founded);
    if (row.founded < 0)
      fail(founded_column,
           "'" + std::string(founded) + "' is not a date: write YYYY-MM-DD or YYYYMMDD, e.g. 2015-06-30");
    // Named by the cell as written: 0000-01-01 is not "101".
    if (!founded.empty() && !is_calendar_date(row.founded))
      fail(founded_column, "'" + std::string(founded) + "' is not a calendar date (years 1 to 9999)");
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
      throw InputError(e.row(), e.column().empty() ? std::string() : header_of(e.column()), e.reason());
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
    line += csv_field(indicator_header(indicator));
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
