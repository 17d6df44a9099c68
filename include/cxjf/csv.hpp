// cxjf: CSV. An RFC 4180 reader and writer of our own (quoted fields,
// embedded quotes, newlines and commas, CRLF or LF), and the mapping between a
// Table and the template's columns. We wrote the reader rather than take a
// library because it must report the spreadsheet row of every record and fail
// on malformed quoting instead of guessing, and Debian packages no C++ CSV
// library that does both.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cxjf/encoding.hpp"
#include "cxjf/model.hpp"
#include "cxjf/table.hpp"

namespace cxjf {

/// One record of a CSV file.
struct CsvRecord {
  std::int64_t line = 0;            ///< 1-based line where the record starts
  std::vector<std::string> fields;  ///< unquoted field values
};

/// Splits CSV text into records. A UTF-8 byte-order mark is skipped. Throws
/// InputError(line, "", ...) on an unterminated quoted field or a quote inside
/// an unquoted field.
std::vector<CsvRecord> parse_csv(std::string_view text);

/// Quotes `field` when it contains a comma, quote, CR or LF.
std::string csv_field(std::string_view field);
/// Appends csv_field(field) to `out` (no copy when no quoting is needed).
void append_csv_field(std::string& out, std::string_view field);

/// The fixed (non-indicator) columns of the template, as
/// {English id, Chinese header}.
struct ColumnName {
  std::string_view id;
  std::string_view name_zh;
};
/// credit_code, name, region_code, zone, incubator, industry, tech_fields,
/// qualifications, negatives, founded, registered, stage.
const std::vector<ColumnName>& attribute_columns();

/// How parse_table_csv reads and splits its work.
struct CsvReadOptions {
  /// Threads, the calling one included; 0 means one per hardware thread.
  unsigned threads = 0;
  /// Bytes of the file one task reads (a file under two chunks is read on
  /// the calling thread alone); small values serve tests.
  std::size_t chunk_bytes = std::size_t{4} << 20;
  /// The file's encoding: detected by default (UTF-8, with or without a
  /// byte-order mark, else GB18030), as uploads are.
  Encoding encoding = Encoding::automatic;
  /// The region dictionary codes are checked against (null: the embedded
  /// one); the table keeps it (Table::regions).
  std::shared_ptr<const Regions> regions;
};

/// Reads a CSV (UTF-8 or GB18030, options.encoding) whose header names each column by its Chinese name
/// (optionally with the unit in brackets, e.g. "研发费用金额(万元)") or its
/// English id. Columns: the attribute columns (credit code, name and region
/// required) and one per indicator of `model` (all required). Multi-valued
/// cells separate values with ';' '；' or '、'. Numbers are plain decimals;
/// an empty cell is missing. Throws InputError naming row and column.
///
/// A file of at least two chunks is read on `options.threads` threads in
/// record-aligned chunks; the table, and any error (its row, column and
/// reason, the first in file order), are the same on every thread count.
Table parse_table_csv(std::string_view text, const Model& model, const CsvReadOptions& options = {});
/// parse_table_csv on a file's contents (Error(io) when unreadable).
Table read_table_csv(const std::string& path, const Model& model, const CsvReadOptions& options = {});
/// Writes `table` as CSV with Chinese headers (with units), one row per
/// enterprise; what parse_table_csv reads back into an equal table.
void write_table_csv(std::ostream& out, const Table& table, const Model& model);

}  // namespace cxjf
