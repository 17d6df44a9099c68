// Private to the library: writing Excel workbooks (.xlsx) with Debian's
// libxlsxwriter, for the upload template, the estimation results and the
// enterprise list. A thin owner of libxlsxwriter's handles with the few
// styles cxjf's workbooks use, so that every workbook looks alike.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct lxw_workbook;
struct lxw_worksheet;
struct lxw_format;

namespace cxjf::xlsx {

// How a cell looks.
enum class Style : unsigned char {
  plain,
  header,   // bold, wrapped, shaded: a table's header row
  note,     // grey italic: the template's row of English ids
  example,  // shaded yellow: the template's example row
  text,     // kept as text ("@"): credit codes, region codes
  example_text,  // both
};

class Writer;

// The last row a worksheet has (Excel's 1,048,576 rows, 0-based), and the
// bytes of text a cell is given at most (Excel's 32,767 characters are at
// least as many bytes; a longer text is cut with "…").
inline constexpr std::int32_t max_row = 1048575;
inline constexpr std::size_t max_cell_text = 32000;

// One worksheet of a Writer. Rows and columns are 0-based.
class SheetWriter {
 public:
  void text(std::int32_t row, std::int32_t column, std::string_view value, Style style = Style::plain);
  // A number, shown with `decimals` places (-1: as Excel's General format).
  void number(std::int32_t row, std::int32_t column, double value, int decimals = -1);
  // Width in characters (a CJK character counts two) and the format new
  // cells typed into the column get.
  void column(std::int32_t column, double width, Style style = Style::plain);
  // Rows above `row` and columns left of `column` stay in view.
  void freeze(std::int32_t row, std::int32_t column);
  // A drop-down list on rows [first_row, last_row] of `column` offering the
  // cells that `range` refers to (e.g. "=选项!$A$2:$A$21"). Other values can
  // still be typed: cells such as 技术领域 hold several values. (A list
  // written into the rule instead is bounded to 255 characters, which the
  // industries exceed, and libxlsxwriter 1.1 overflows its buffer on such
  // lists in Chinese; the range costs a libxlsxwriter 1.1 leak of the
  // range's text, some twenty bytes a list: tests/lsan.supp.)
  void list(std::int32_t first_row, std::int32_t last_row, std::int32_t column, const std::string& range);
  void hide();

 private:
  friend class Writer;
  SheetWriter(Writer& writer, lxw_worksheet* sheet) : writer_(writer), sheet_(sheet) {}
  Writer& writer_;
  lxw_worksheet* sheet_;
};

// A workbook being written; bytes() finishes it.
class Writer {
 public:
  Writer();
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // A new worksheet after the others (name: at most 31 characters).
  SheetWriter sheet(const std::string& name);
  // The workbook's bytes. Throws Error(io) if it cannot be written.
  std::string bytes();

 private:
  friend class SheetWriter;
  lxw_format* format(Style style);
  lxw_format* number_format(int decimals);

  std::string path_;
  std::string tmpdir_;  // libxlsxwriter keeps a pointer to it
  lxw_workbook* book_ = nullptr;
  std::vector<lxw_format*> styles_;   // per Style, made on first use
  std::vector<lxw_format*> numbers_;  // per decimals + 1, made on first use
};

// The width of `text` in Excel's character units: a CJK character is two.
double display_width(std::string_view text);

}  // namespace cxjf::xlsx
