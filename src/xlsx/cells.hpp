// Private to the library: what a workbook cell's stored value becomes as
// text, the rules the reader applies cell by cell: number formats, date
// serials, cell references (src/xlsx/reader.cpp; decimal_text and
// column_letters are declared in reader.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cxjf::xlsx {

// How a cell's number format shows its number.
enum class Shown : unsigned char { number, percent, date, text };

// A custom format code's kind, from its first section (positive numbers).
Shown classify(std::string_view code);
// A built-in number format's kind (ECMA-376 Part 1, 18.8.30, with the date
// formats of the Chinese, Japanese and Korean locales).
Shown builtin_format(int id);

// "B3" -> column 1, row 3; false when it is not a cell reference.
bool parse_reference(std::string_view ref, std::int64_t& column, std::int64_t& row);

// A date serial as YYYY-MM-DD (and hh:mm:ss when it has a time of day), or
// empty when it is no date, in the 1900 or the 1904 system.
std::string date_text(double serial, bool date1904);

// Cuts `s` at most `cap` bytes, at a character boundary; true when cut.
bool cut_utf8(std::string& s, std::size_t cap);

}  // namespace cxjf::xlsx
