// Internal to src/upload/: an upload's rows, from CSV text or from the
// worksheet chosen by its header (docs/upload.md, "Workbooks"), and the
// header row found below any title rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cxjf/upload.hpp"
#include "table/csv_text.hpp"
#include "xlsx/reader.hpp"

namespace cxjf::upload_detail {


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

/// True when every field is blank.
bool blank(const std::vector<std::string>& fields);
/// The template column a header key (header_key of the cell) names, or -1;
/// `split` gets its name and unit, views of `key`, when it has a unit.
int header_column(const std::string& key, const Model& model, std::optional<detail::NameAndUnit>* split = nullptr);
/// Reads rows of `source` into `ahead` up to the header and returns its
/// index there: row `header_row` when given, else the first of the first 30
/// non-blank rows naming the credit code and 3 template columns, else the
/// first non-blank row.
std::size_t find_header(RowSource& source, const Model& model, std::int64_t header_row, std::vector<SourceRow>& ahead);

/// Refuses a file over limits.max_bytes.
[[noreturn]] void too_large(std::size_t size, const UploadLimits& limits);

/// What open_rows runs on the rows: (rows, sheet name or "" for CSV, encoding read).
using ReadRows = std::function<void(RowSource&, const std::string&, Encoding)>;
/// Opens `bytes` as rows, a workbook's sheet (chosen as docs/upload.md
/// says) or CSV text, and runs `read` on them; an InputError of a sheet
/// names it.
void open_rows(std::string_view bytes, const Model& model, const UploadOptions& options, const ReadRows& read);

}  // namespace cxjf::upload_detail
