#include "xlsx/writer.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdlib>
#include <string>

#include "cxjf/error.hpp"
#include "cxjf/file.hpp"

namespace cxjf::xlsx {
namespace {

// libxlsxwriter 1.1 writes workbooks to a named file only: a private
// temporary file, read back and removed.
std::string temporary_path() {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/tmp") + "/cxjf-XXXXXX.xlsx";
  const int fd = mkstemps(path.data(), 5);
  if (fd < 0) throw Error(ErrorCode::io, "cannot create a temporary file for a workbook in " + path.substr(0, path.rfind('/')));
  close(fd);
  return path;
}

[[noreturn]] void failed(lxw_error error) {
  throw Error(ErrorCode::io, std::string("cannot write the workbook: ") + lxw_strerror(error));
}

}  // namespace

double display_width(std::string_view text) {
  double width = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) width += 1;
    else if (c >= 0xC0) width += c >= 0xE0 ? 2 : 1;  // a lead byte: CJK (3 or 4 bytes) is wide
  }
  return width;
}

Writer::Writer() : path_(temporary_path()), tmpdir_(path_.substr(0, path_.rfind('/'))) {
  lxw_workbook_options options{};
  options.constant_memory = LXW_FALSE;
  // libxlsxwriter's own temporary files go where ours do.
  options.tmpdir = tmpdir_.data();
  book_ = workbook_new_opt(path_.c_str(), &options);
  if (!book_) {
    std::remove(path_.c_str());
    throw Error(ErrorCode::io, "cannot start a workbook");
  }
  styles_.assign(6, nullptr);
}

Writer::~Writer() {
  if (book_) lxw_workbook_free(book_);  // abandoned (an exception): nothing is written
  std::remove(path_.c_str());
}

SheetWriter Writer::sheet(const std::string& name) {
  lxw_worksheet* sheet = workbook_add_worksheet(book_, name.c_str());
  if (!sheet) throw Error(ErrorCode::invalid_argument, "cannot add a worksheet named '" + name + "'");
  return SheetWriter(*this, sheet);
}

lxw_format* Writer::format(Style style) {
  auto& slot = styles_[static_cast<std::size_t>(style)];
  if (slot || style == Style::plain) return slot;
  slot = workbook_add_format(book_);
  switch (style) {
    case Style::header:
      format_set_bold(slot);
      format_set_text_wrap(slot);
      format_set_align(slot, LXW_ALIGN_VERTICAL_TOP);
      format_set_pattern(slot, LXW_PATTERN_SOLID);
      format_set_bg_color(slot, 0xDDEBF7);
      break;
    case Style::note:
      format_set_italic(slot);
      format_set_font_color(slot, 0x808080);
      break;
    case Style::example:
      format_set_pattern(slot, LXW_PATTERN_SOLID);
      format_set_bg_color(slot, 0xFFF2CC);
      break;
    case Style::text: format_set_num_format(slot, "@"); break;
    case Style::example_text:
      format_set_pattern(slot, LXW_PATTERN_SOLID);
      format_set_bg_color(slot, 0xFFF2CC);
      format_set_num_format(slot, "@");
      break;
    case Style::plain: break;
  }
  return slot;
}

lxw_format* Writer::number_format(int decimals) {
  if (decimals < 0) return nullptr;
  if (numbers_.size() <= static_cast<std::size_t>(decimals)) numbers_.resize(static_cast<std::size_t>(decimals) + 1);
  auto& slot = numbers_[static_cast<std::size_t>(decimals)];
  if (!slot) {
    slot = workbook_add_format(book_);
    format_set_num_format(slot, decimals == 0 ? "0" : ("0." + std::string(static_cast<std::size_t>(decimals), '0')).c_str());
  }
  return slot;
}

std::string Writer::bytes() {
  lxw_workbook* book = book_;
  book_ = nullptr;
  if (const lxw_error error = workbook_close(book); error != LXW_NO_ERROR) failed(error);
  return read_file(path_);
}

void SheetWriter::text(std::int32_t row, std::int32_t column, std::string_view value, Style style) {
  // A cell holds at most 32,767 characters: a longer text is cut, at a
  // character boundary, rather than failing the whole workbook.
  std::string s(value.substr(0, max_cell_text));
  if (value.size() > max_cell_text) {
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0xC0) s.pop_back();
    s += "…";
  }
  if (const lxw_error error = worksheet_write_string(sheet_, static_cast<lxw_row_t>(row),
                                                     static_cast<lxw_col_t>(column), s.c_str(), writer_.format(style));
      error != LXW_NO_ERROR)
    failed(error);
}

void SheetWriter::number(std::int32_t row, std::int32_t column, double value, int decimals) {
  if (const lxw_error error = worksheet_write_number(sheet_, static_cast<lxw_row_t>(row),
                                                     static_cast<lxw_col_t>(column), value,
                                                     writer_.number_format(decimals));
      error != LXW_NO_ERROR)
    failed(error);
}

void SheetWriter::column(std::int32_t column, double width, Style style) {
  worksheet_set_column(sheet_, static_cast<lxw_col_t>(column), static_cast<lxw_col_t>(column), width,
                       writer_.format(style));
}

void SheetWriter::freeze(std::int32_t row, std::int32_t column) {
  worksheet_freeze_panes(sheet_, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(column));
}

void SheetWriter::list(std::int32_t first_row, std::int32_t last_row, std::int32_t column, const std::string& range) {
  lxw_data_validation validation{};
  validation.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
  validation.value_formula = const_cast<char*>(range.c_str());  // libxlsxwriter copies it
  validation.error_type = LXW_VALIDATION_ERROR_TYPE_INFORMATION;
  if (const lxw_error error = worksheet_data_validation_range(
          sheet_, static_cast<lxw_row_t>(first_row), static_cast<lxw_col_t>(column),
          static_cast<lxw_row_t>(last_row), static_cast<lxw_col_t>(column), &validation);
      error != LXW_NO_ERROR)
    failed(error);
}

void SheetWriter::hide() { worksheet_hide(sheet_); }

}  // namespace cxjf::xlsx
