// Private to the library: reading an Excel workbook (.xlsx, Office Open XML
// SpreadsheetML: a zip archive of XML parts) into rows of cell text, for the
// upload reader. The archive is read with libzip and the XML with expat
// (docs/upload.md, "Workbooks", says why these two).
//
// Cells become the text a user sees, with the exactness the upload needs:
// a number is its decimal to Excel's 15 significant digits (0.07, never
// 0.07000000000000001), a percentage-formatted number is that decimal with
// the point moved two places and '%' (0.0331 -> "3.31%"), a date-formatted
// serial is YYYY-MM-DD in the workbook's 1900 or 1904 system, a boolean is
// TRUE or FALSE. Each cell keeps its kind, so that the upload can tell a
// credit code stored as a number (digits lost) from one stored as text.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cxjf::xlsx {

// What reading one workbook may cost. Every bound is checked while reading,
// against what is actually decompressed or parsed, never against sizes the
// archive claims, so a zip bomb stops at the bound instead of unpacking.
struct Limits {
  std::uint64_t max_unpacked_bytes = std::uint64_t{512} << 20;  // XML decompressed, all parts together
  std::int64_t max_cells = 10000000;                            // non-empty cells of all sheets read (merges too)
  // Text of the cells kept counts against max_unpacked_bytes as well.
  std::size_t max_entries = 10000;                              // files in the archive
  std::size_t max_columns = 256;                                // columns kept per row (wider rows are marked)
  std::size_t max_cell_bytes = 4096;                            // characters kept per cell (longer are marked)
};

// What a cell held.
enum class CellKind : unsigned char {
  text,     // a string (shared or inline) or a formula's string result
  number,   // a number in a general, text or numeric format
  percent,  // a number in a percentage format: the text is the percent with '%'
  date,     // a number in a date format: the text is YYYY-MM-DD (time of day dropped when zero)
  boolean,  // TRUE or FALSE
  error,    // a formula error such as #DIV/0!
  formula,  // a formula without a computed value: the text is "=" and the formula
};

// One non-empty cell.
struct Cell {
  std::int32_t column = 0;  // 0-based (A = 0)
  CellKind kind = CellKind::text;
  bool cut = false;         // longer than Limits::max_cell_bytes: the text is cut there
  bool copied = false;      // the value of a merged range, copied down from its first row
  std::string text;
};

// One row with at least one cell (rows without cells are not kept).
struct Row {
  std::int64_t number = 0;   // 1-based, as Excel shows it
  bool wide = false;         // had cells past Limits::max_columns (not kept)
  std::vector<Cell> cells;   // in column order
};

// One worksheet.
struct Sheet {
  std::string name;
  bool loaded = false;       // its rows were read (it was wanted)
  std::vector<Row> rows;     // in row order
};

// A workbook's worksheets in the order of its tabs (chart sheets and
// macro sheets are left out).
struct Workbook {
  std::vector<Sheet> sheets;
};

// Whether `bytes` begin like a zip archive (what an .xlsx is).
bool is_zip(std::string_view bytes);
// Whether `bytes` begin like an OLE2 compound file: an old .xls workbook,
// or an .xlsx encrypted with a password (which Excel stores that way).
bool is_compound_file(std::string_view bytes);
// Whether a compound file holds an encrypted workbook (its
// "EncryptedPackage" stream) rather than an old .xls.
bool is_encrypted_package(std::string_view bytes);

// Reads the workbook: every worksheet is listed, and the rows are read of
// those `wanted` says (every one when `wanted` is null; it is given each
// sheet's name and 0-based tab index). Throws InputError (row 0) naming the
// part and what is wrong for an archive or a part that cannot be read, and
// for a bound passed.
Workbook read(std::string_view bytes, const Limits& limits,
              const std::function<bool(const std::string& name, std::size_t index)>& wanted = {});

// "A", "B", ..., "Z", "AA", ... for a 0-based column.
std::string column_letters(std::int64_t column);

// The plain decimal of `value` to 15 significant digits, as Excel shows it,
// with its point moved `shift` places to the right (so 0.0331 with shift 2
// is "3.31"): exact, where multiplying by 100 would add float noise.
std::string decimal_text(double value, int shift = 0);

}  // namespace cxjf::xlsx
