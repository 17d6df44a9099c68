#include "upload/rows.hpp"


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
#include "base/encoding.hpp"
#include "upload/cells.hpp"

namespace cxjf::upload_detail {

using namespace detail;

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
int header_column(const std::string& key, const Model& model, std::optional<NameAndUnit>* split) {
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

[[noreturn]] void too_large(std::size_t size, const UploadLimits& limits) {
  throw InputError(0, "", "the file has " + std::to_string(size) + " bytes, more than the limit of " +
                              std::to_string(limits.max_bytes) + ": split it into several uploads (文件过大，请分批上传)");
}


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
void open_rows(std::string_view bytes, const Model& model, const UploadOptions& options, const ReadRows& read) {
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

}  // namespace cxjf::upload_detail
