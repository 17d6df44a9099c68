// Text for the terminal: display widths (a CJK character takes two columns)
// and tables whose columns line up whatever the script.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace cxjf::cli {

/// Columns `text` (UTF-8) takes on a terminal, by Unicode's East Asian
/// Width as glibc's wcwidth() reports it in the C.UTF-8 locale: wide and
/// full-width characters 2, combining marks 0, the rest 1.
std::size_t display_width(const std::string& text);

/// A table printed with its columns aligned by display width: text columns
/// to the left, number columns to the right.
class TextTable {
 public:
  enum class Align { left, right };

  /// A column with its alignment (the header line is optional: set_header).
  explicit TextTable(std::vector<Align> columns, std::string indent = "  ");
  /// Header cells, printed first and underlined by the column widths.
  void set_header(std::vector<std::string> header);
  /// One row; as many cells as columns.
  void add_row(std::vector<std::string> cells);
  /// Prints the header and the rows, columns two spaces apart.
  void print(std::ostream& out) const;

 private:
  std::vector<Align> align_;
  std::string indent_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

/// `value` with `decimals` digits after the point ("12.50").
std::string fixed(double value, int decimals);

}  // namespace cxjf::cli
