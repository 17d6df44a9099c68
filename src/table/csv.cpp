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

#include "base/binary_io.hpp"
#include "cxjf/error.hpp"
#include "cxjf/file.hpp"
#include "cxjf/regions.hpp"
#include "table/csv_text.hpp"
#include "base/encoding.hpp"
#include "base/text.hpp"
#include "scoring/fit.hpp"
#include "base/task_graph.hpp"

namespace cxjf {
namespace {

// The text rules both CSV readers share.
using namespace detail;

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

void append_csv_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string csv_field(std::string_view field) {
  std::string quoted;
  append_csv_field(quoted, field);
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

namespace {

// The credit codes read so far, as written: an open-addressing table of
// 64-bit hashes whose entries point at the codes' text, kept in one arena to
// tell a true repeat from a collision.
class SeenCodes {
 public:
  // Records `code` read on `line`; returns the line of an earlier row with
  // the same code, or -1.
  std::int64_t insert(std::string_view code, std::int64_t line) {
    if (2 * (entries_.size() + 1) > slots_.size()) grow();
    const std::uint64_t key = hash_bytes(code) | 1;  // 0 marks an empty slot
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t at = key & mask;; at = (at + 1) & mask) {
      Slot& slot = slots_[at];
      if (slot.key == 0) {
        slot = Slot{key, entries_.size()};
        entries_.push_back(Entry{arena_.size(), code.size(), line});
        arena_ += code;
        return -1;
      }
      if (slot.key == key) {
        const Entry& e = entries_[slot.entry];
        if (std::string_view(arena_).substr(e.at, e.size) == code) return e.line;
      }
    }
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::size_t entry = 0;
  };
  struct Entry {
    std::size_t at, size;
    std::int64_t line;
  };
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<std::size_t>(1024, 2 * old.size()), Slot{});
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.key == 0) continue;
      std::size_t at = slot.key & mask;
      while (slots_[at].key != 0) at = (at + 1) & mask;
      slots_[at] = slot;
    }
  }
  std::vector<Slot> slots_;
  std::vector<Entry> entries_;
  std::string arena_;
};

// What the header row says: which file column feeds each of our columns.
struct TableHeader {
  std::vector<std::string> header;  // as written
  std::vector<int> source;          // per our column, the file column or -1
  std::size_t body = 0;             // offset of the first record after the header
  std::int64_t body_line = 0;       // its line
};

TableHeader read_header(std::string_view text, const Model& model) {
  const auto& attributes = attribute_columns();
  const int k = static_cast<int>(model.indicators.size());
  const int column_count = attribute_count + k;  // attributes first, then indicator i at attribute_count + i

  CsvReader reader(text);
  std::int64_t header_line = 0;
  TableHeader h;
  std::vector<std::string>& header = h.header;
  if (!reader.next(header_line, header))
    throw InputError(1, "", "the file is empty: the first row must name the columns");
  h.body = reader.position();
  h.body_line = reader.line();

  std::vector<int>& source = h.source;
  source.assign(static_cast<std::size_t>(column_count), -1);
  auto match = [&](std::string_view name) { return match_column(name, model); };
  for (std::size_t c = 0; c < header.size(); ++c) {
    std::string_view cell = trim(header[c]);
    // The whole header first: a name may itself end in brackets.
    int column = match(cell);
    if (column < 0) {
      if (auto split = split_unit(cell)) {
        column = match(split->name);
        if (column >= attribute_count) {
          const auto& unit = model.indicators[column - attribute_count].unit;
          // Reading 元 as 万元 would silently scale the score's input by 10,000.
          if (!unit.empty() && !same_unit(split->unit, unit))
            throw InputError(header_line, header[c],
                             "the unit is " + std::string(split->unit) + " but the model expects " + unit +
                                 ": convert the column to " + unit + " (单位应为" + unit + ")");
        }
      }
    }
    // Base data must be exact, so unknown columns are refused here; uploads
    // filled in by users are read tolerantly by read_upload (upload.cpp).
    if (column < 0)
      throw InputError(header_line, header[c],
                       cell.empty() ? "a column without a header: remove it or name it"
                                    : "not a column of the template or of " + model_name(model) +
                                          ": remove it or use a template header");
    auto& slot = source[column];
    if (slot >= 0)
      throw InputError(header_line, header[c],
                       "the same column appears twice (also column " + std::to_string(slot + 1) + ", '" +
                           header[slot] + "')");
    slot = static_cast<int>(c);
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
  return h;
}

// Reads the records of `text` (which starts at a record boundary on line
// `first_line`) until `stop` bytes are consumed, into `builder`; returns the
// bytes consumed, which a record crossing `stop` takes past it. Throws
// InputError naming row and column at the first bad record (a credit code
// repeated within `text` is one: the parallel reader checks the joined
// table for repeats across chunks).
std::size_t read_rows(std::string_view text, std::int64_t first_line, std::size_t stop, const TableHeader& h,
                      const Model& model, TableBuilder& builder) {
  const auto& attributes = attribute_columns();
  const int k = static_cast<int>(model.indicators.size());
  const std::vector<std::string>& header = h.header;
  const std::vector<int>& source = h.source;
  // Header as written, by the field name TableBuilder reports.
  auto header_of = [&](const std::string& field) -> std::string {
    for (int a = 0; a < attribute_count; ++a)
      if (field == attributes[a].name_zh && source[a] >= 0) return header[source[a]];
    for (int i = 0; i < k; ++i)
      if (field == model.indicators[i].id) return header[source[attribute_count + i]];
    return field;
  };

  CsvReader reader(text, first_line);
  RowView row;
  std::vector<std::string_view> fields;
  std::int64_t line = 0;
  // A base database holds each enterprise once: the second row of a credit
  // code ends the read at once, whatever follows (a million rows of one code
  // cost no more than their first two, in each chunk of a parallel read).
  SeenCodes seen;
  while (reader.position() < stop && reader.next(line, fields)) {
    // A blank line or a row of empty cells (Excel writes ",,,," for a row
    // someone cleared) holds no enterprise.
    if (std::all_of(fields.begin(), fields.end(), [](std::string_view f) { return trim(f).empty(); })) continue;
    if (fields.size() != header.size())
      throw InputError(line, "",
                       "expected " + std::to_string(header.size()) + " fields, found " + std::to_string(fields.size()));
    auto cell = [&](int column) -> std::string_view {
      int c = source[column];
      return c < 0 ? std::string_view() : trim(fields[c]);
    };
    auto fail = [&](int column, const std::string& message) { throw InputError(line, header[source[column]], message); };

    row.credit_code = cell(credit_code_column);
    if (const std::int64_t first = seen.insert(row.credit_code, line); first >= 0)
      fail(credit_code_column, "credit code " + std::string(row.credit_code) + " appears again (first at row " +
                                   std::to_string(first) + ") (统一社会信用代码重复)");
    row.name = cell(name_column);
    std::string_view region = cell(region_column);
    if (region.size() != 6 || !all_digits(region))
      fail(region_column, "'" + std::string(region) + "' is not a six-digit region code (GB/T 2260, e.g. 440305)");
    row.region = digits_value(region);
    row.zone = cell(zone_column);
    row.incubator = cell(incubator_column);
    row.industry = cell(industry_column);
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
    row.stage = cell(stage_column);
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
  return reader.position();
}

// The whole file on the calling thread: the reference for every error.
Table parse_sequential(std::string_view text, const Model& model, const std::shared_ptr<const Regions>& regions) {
  const TableHeader h = read_header(text, model);
  TableBuilder builder(model, regions);
  // Newlines bound the row count from above; a cheap pass saves regrowing
  // every column of a national file several times.
  const std::string_view body = text.substr(h.body);
  builder.reserve(std::count(body.begin(), body.end(), '\n'));
  read_rows(body, h.body_line, body.size(), h, model, builder);
  return builder.build();
}

// The file in record-aligned chunks on several threads, each into its own
// table, then concatenated. Any doubt (a bad record, a chunk that does not
// end where the next begins, a repeated code, too many multi-values)
// gives nullopt, and the caller reads the file again on one thread: errors
// are the rare path, and so they name the same row and column, in the same
// order, whatever the thread count.
std::optional<Table> parse_parallel(std::string_view text, const Model& model,
                                    const std::shared_ptr<const Regions>& regions, unsigned threads,
                                    std::size_t chunk_bytes) {
  TableHeader h;
  try {
    h = read_header(text, model);
  } catch (const InputError&) {
    return std::nullopt;
  }
  const std::vector<std::size_t> bounds = record_chunks(text, h.body, chunk_bytes, threads);
  const std::size_t chunks = bounds.size() - 1;
  std::vector<std::optional<Table>> parts(chunks);
  parallel_for(threads, chunks, [&](std::size_t c) {
    const std::string_view part = text.substr(bounds[c], bounds[c + 1] - bounds[c]);
    TableBuilder builder(model, regions);
    builder.reserve(std::count(part.begin(), part.end(), '\n'));
    try {
      // The reader sees the rest of the file, so that a record which does not
      // end at the chunk's end is read past it and shows the split was wrong.
      if (read_rows(text.substr(bounds[c]), 1, part.size(), h, model, builder) != part.size()) return;
    } catch (const InputError&) {
      return;
    }
    parts[c] = builder.build();
  });
  std::vector<Table> tables;
  tables.reserve(chunks);
  for (auto& part : parts) {
    if (!part) return std::nullopt;
    tables.push_back(std::move(*part));
  }
  Table table;
  try {
    table = concatenate(std::move(tables));
  } catch (const Error&) {
    return std::nullopt;
  }
  try {
    require_unique_codes(table);  // what Snapshot::build checks: O(n log n) however codes repeat
  } catch (const InputError&) {
    return std::nullopt;
  }
  return table;
}

}  // namespace

std::vector<std::size_t> detail::record_chunks(std::string_view text, std::size_t begin, std::size_t chunk_bytes,
                                               unsigned threads) {
  const std::size_t n = text.size();
  chunk_bytes = std::max<std::size_t>(chunk_bytes, 1);
  const std::size_t targets = begin < n ? (n - begin + chunk_bytes - 1) / chunk_bytes : 1;
  // Quotes per target span, counted in parallel; their running parity says
  // whether a target offset lies inside a quoted field.
  std::vector<std::size_t> quotes(targets);
  parallel_for(threads, targets, [&](std::size_t t) {
    const std::size_t from = std::min(n, begin + t * chunk_bytes), to = std::min(n, from + chunk_bytes);
    quotes[t] = static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(from),
                                                    text.begin() + static_cast<std::ptrdiff_t>(to), '"'));
  });
  std::vector<std::size_t> bounds{begin};
  bool quoted = false;
  for (std::size_t t = 1; t < targets; ++t) {
    quoted ^= (quotes[t - 1] & 1) != 0;
    std::size_t at = begin + t * chunk_bytes;
    if (at <= bounds.back()) continue;  // a record longer than a chunk
    bool in = quoted;
    for (; at < n; ++at) {
      const char c = text[at];
      if (c == '"') in = !in;
      else if (!in && (c == '\n' || c == '\r')) break;
    }
    if (at >= n) break;
    at += (text[at] == '\r' && at + 1 < n && text[at + 1] == '\n') ? 2 : 1;
    if (at < n && at > bounds.back()) bounds.push_back(at);
  }
  bounds.push_back(n);
  return bounds;
}

Table parse_table_csv(std::string_view bytes, const Model& model, const CsvReadOptions& options) {
  // As uploads are (src/base/encoding.hpp): the readers below see valid UTF-8.
  Encoding used = Encoding::utf8;
  std::string storage;
  const unsigned threads = resolve_threads(options.threads);
  const std::string_view text = decode_text(bytes, options.encoding, used, storage, threads);
  const std::size_t chunk_bytes = std::max<std::size_t>(options.chunk_bytes, 1);
  if (threads > 1 && text.size() >= 2 * chunk_bytes)
    if (auto table = parse_parallel(text, model, options.regions, threads, chunk_bytes)) return std::move(*table);
  return parse_sequential(text, model, options.regions);
}

Table read_table_csv(const std::string& path, const Model& model, const CsvReadOptions& options) {
  return parse_table_csv(read_file(path), model, options);
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
