#include "text.hpp"

#include <clocale>
#include <cstdio>
#include <cwchar>
#include <locale.h>


namespace cxjf::cli {

std::size_t display_width(const std::string& text) {
  // glibc's wcwidth follows the locale's character table; C.UTF-8 ships with
  // every Debian libc, so the width does not depend on the user's LANG.
  static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  const locale_t previous = utf8 ? uselocale(utf8) : static_cast<locale_t>(nullptr);
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::mbstate_t state{};
    wchar_t c = 0;
    const std::size_t length = std::mbrtowc(&c, text.data() + i, text.size() - i, &state);
    if (length == 0 || length > text.size() - i) {  // NUL, or not UTF-8: one column a byte
      ++columns, ++i;
      continue;
    }
    const int width = utf8 ? ::wcwidth(c) : (static_cast<unsigned char>(text[i]) >= 0xE0 ? 2 : 1);
    columns += width < 0 ? 1 : static_cast<std::size_t>(width);
    i += length;
  }
  if (utf8) uselocale(previous);
  return columns;
}

TextTable::TextTable(std::vector<Align> columns, std::string indent)
    : align_(std::move(columns)), indent_(std::move(indent)) {}

void TextTable::set_header(std::vector<std::string> header) { header_ = std::move(header); }

void TextTable::add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

void TextTable::print(std::ostream& out) const {
  std::vector<std::size_t> width(align_.size(), 0);
  auto measure = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], display_width(cells[c]));
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text = indent_;
    for (std::size_t c = 0; c < width.size(); ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      const std::string pad(width[c] - display_width(cell), ' ');
      text += align_[c] == Align::right ? pad + cell : cell + (c + 1 < width.size() ? pad : "");
      if (c + 1 < width.size()) text += "  ";
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  };
  if (!header_.empty()) {
    line(header_);
    std::vector<std::string> rule;
    for (std::size_t w : width) rule.emplace_back(w, '-');
    line(rule);
  }
  for (const auto& row : rows_) line(row);
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

}  // namespace cxjf::cli
