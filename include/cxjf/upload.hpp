// cxjf: reading an estimation upload (导入测算) as users fill it in Excel:
// an Excel workbook (.xlsx) or CSV in UTF-8 with or without a byte-order
// mark or GB18030, Chinese or English headers with or without units, title
// rows above the header, percentages and amounts in the forms people type
// (units in the cell included), credit codes mangled by Excel. Nothing is lost: every data row ends up
// either in the table or among the rejected rows, and every bad cell is
// reported with its row, column, raw text and reason.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cxjf/encoding.hpp"
#include "cxjf/model.hpp"
#include "cxjf/table.hpp"

namespace cxjf {

/// How a bare number in a percent column (unit "%") is read. The form is a
/// property of each cell and of what the caller says, never inferred from
/// other rows, so that a row's estimate depends on that row only. A cell
/// written with '%' ("12.5%") is a percent whatever the form.
enum class PercentForm : unsigned char {
  percent,   ///< 12.5 means 12.5 %: the template's form, the default
  fraction,  ///< 0.125 means 12.5 %: a column exported from percentage-formatted Excel cells as plain numbers
};

/// "percent", "fraction".
const char* percent_form_name(PercentForm form);
/// Parses "percent" or "fraction"; throws Error(invalid_argument).
PercentForm percent_form_from_name(std::string_view name);

/// What one upload may cost (docs/upload.md, "Limits"). Past a file limit
/// the upload is refused (InputError naming the row); past a row limit the
/// row is rejected with a reason naming the column, and reading goes on.
/// The defaults suit a portal; a service may raise or lower them.
struct UploadLimits {
  std::size_t max_bytes = std::size_t{64} << 20;  ///< the file, as uploaded (64 MiB)
  std::int64_t max_rows = 200000;                 ///< data rows (blank rows and the id row not counted)
  std::size_t max_columns = 256;                  ///< cells of the header, or of a row
  std::size_t max_cell_bytes = 4096;              ///< one cell, after unquoting
  std::size_t max_row_bytes = 65536;              ///< one row (or the header) as written, line breaks in quotes included
  /// A workbook's XML, decompressed, all parts together (512 MiB): counted
  /// as it is unpacked, so a zip bomb stops here instead of filling memory.
  std::uint64_t max_unpacked_bytes = std::uint64_t{512} << 20;
  std::int64_t max_cells = 10000000;              ///< non-empty cells of a workbook's sheets read
};

/// How an upload is read. The kind of file (workbook or CSV) is told by its
/// content, never by its name.
struct UploadOptions {
  Encoding encoding = Encoding::automatic;         ///< a CSV file's encoding, or detect it
  PercentForm percent_form = PercentForm::percent; ///< bare numbers of % columns
  UploadLimits limits;                             ///< what it may cost
  /// The worksheet of a workbook to read, by name; empty: the sheet whose
  /// rows hold the template's header (docs/upload.md, "Workbooks").
  std::string sheet;
  int sheet_index = 0;           ///< or by its tab's position, 1 = the first; 0: as above
  /// The spreadsheet row of the header; 0: the first row naming at least
  /// three template columns among the first 30 non-blank rows (rows above
  /// it are titles), or the first non-blank row when none does.
  std::int64_t header_row = 0;
  /// The region dictionary codes are checked against: the snapshot's
  /// (snap.table.regions) when estimating; null for the embedded one.
  std::shared_ptr<const Regions> regions;
  /// Read as an enterprise table (read_table_as_upload sets it): 是否入统
  /// goes into Table::registered, as the enterprise CSV's reader reads it,
  /// and a row with the template's example credit code is data. An upload
  /// leaves 是否入统 out (the snapshot says who is registered) and skips
  /// the example row.
  bool as_table = false;
};

/// One bad cell.
struct CellError {
  std::int64_t row = 0;    ///< spreadsheet row, as Excel numbers it
  std::string column;      ///< the header as written in the file
  std::string raw;         ///< the cell's text
  std::string reason_en;   ///< what is wrong and how to fix it
  std::string reason_zh;   ///< the same in Chinese
  std::int32_t column_number = 0;  ///< 1-based column in the file (1 = A)
};

/// A data row that could not be used at all (no usable credit code, say).
struct RejectedRow {
  std::int64_t row = 0;      ///< spreadsheet row
  std::string credit_code;   ///< the cell as written
  std::string name;          ///< the enterprise name as written
  std::string reason_en;
  std::string reason_zh;
};

/// An upload, read.
struct Upload {
  Encoding encoding = Encoding::utf8;      ///< the encoding read (detected or forced); UTF-8 for a workbook
  std::string sheet;                       ///< the worksheet read; empty for CSV
  std::int64_t header_row = 0;             ///< the spreadsheet row of the header
  std::int64_t rows_read = 0;              ///< data rows in the file (blank lines excluded)
  Table table;                             ///< usable rows, in file order
  std::vector<std::int64_t> source_row;    ///< spreadsheet row of each table row
  /// Per table row, the model indicators whose cell was bad and is treated
  /// as missing (bit j = model indicator j; models have at most 64 scored
  /// and input indicators together).
  std::vector<std::uint64_t> bad_indicators;
  std::vector<RejectedRow> rejected;       ///< rows left out, in file order
  std::vector<CellError> errors;           ///< every bad cell, in file order
  std::vector<std::string> unknown_columns;///< headers matching no column (ignored)
};

/// Reads an upload from bytes: an Excel workbook (.xlsx) or CSV, told apart
/// by content. Throws InputError only for problems with the file as a
/// whole: undecodable text, a damaged, encrypted or old (.xls) workbook, no
/// sheet or two sheets with the template's header, no header, missing
/// required columns (all listed), a limit passed; a workbook's errors name
/// the sheet. Row and cell problems are collected in the Upload.
Upload read_upload(std::string_view bytes, const Model& model, const UploadOptions& options);
/// read_upload on a file's contents (Error(io) when unreadable).
Upload read_upload_file(const std::string& path, const Model& model, const UploadOptions& options);

/// The cells of an upload as the reader finds them, before any rule: for
/// looking at an upload (a notebook, a preview page) before estimating.
struct UploadCells {
  std::string sheet;                            ///< the worksheet read; empty for CSV
  std::int64_t header_row = 0;                  ///< spreadsheet row of the header
  std::vector<std::string> header;              ///< the header's cells as written
  std::vector<std::int64_t> rows;               ///< spreadsheet row of each non-blank row below the header
  std::vector<std::vector<std::string>> cells;  ///< each row's cells as text (a workbook's as Excel shows them)
};

/// The cells of an upload: the sheet and header chosen as read_upload
/// chooses them, every non-blank row below the header as text. Throws as
/// read_upload does for the file as a whole.
UploadCells read_upload_cells(std::string_view bytes, const Model& model, const UploadOptions& options = {});
/// Enterprises read the way uploads are read (one parser for both): CSV in
/// any encoding or a workbook, title rows, Chinese or English headers with
/// units that convert (`研发费用金额(元)`), `8,008.69`, `7.12%`, amounts in
/// 元/万元/亿元, full-width forms; 是否入统 kept (Table::registered).
/// Unlike an upload, nothing is set aside: any bad cell, rejected row or
/// repeated credit code refuses the file with an InputError that lists
/// every one in file order (the first 50, with the count), the first's row
/// and column being the error's. Columns that match nothing are ignored and
/// their headers put in `unknown_columns` when given. `options` chooses the
/// encoding, sheet, header row and percent form; of its limits only those
/// of one cell, row and the columns apply (a table is no portal upload: a
/// national file of 520,000 rows passes).
Table read_table_as_upload(std::string_view bytes, const Model& model, UploadOptions options = {},
                           std::vector<std::string>* unknown_columns = nullptr);

/// read_upload with the default options but `encoding`.
Upload read_upload(std::string_view bytes, const Model& model, Encoding encoding = Encoding::automatic);
/// read_upload_file with the default options but `encoding`.
Upload read_upload_file(const std::string& path, const Model& model, Encoding encoding = Encoding::automatic);

/// The upload template of `model` as CSV: UTF-8 with a byte-order mark,
/// Chinese headers with units (e.g. "研发费用金额(万元)"), a second header
/// row of English ids marked as such, and one example row.
std::string upload_template_csv(const Model& model);

/// The upload template of `model` as an Excel workbook (.xlsx bytes): a
/// sheet 填写说明 (how to fill it, every column's unit and meaning), the
/// sheet 上传模板 with the rows of the CSV template (Chinese headers with
/// units, English ids, the example row), the credit-code and region columns
/// formatted as text, drop-down lists for industry, stage, technology fields
/// and qualifications, the header frozen, widths that fit the headers.
std::string upload_template_xlsx(const Model& model);

}  // namespace cxjf
