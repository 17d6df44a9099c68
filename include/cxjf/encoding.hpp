// cxjf: the character encodings of the CSV files people save (UTF-8 with or
// without a byte-order mark, and GB18030, Excel's "CSV" on Chinese Windows).
// Enterprise CSVs (csv.hpp) and uploads (upload.hpp) are read alike.
#pragma once

#include <string_view>

namespace cxjf {

/// The character encoding of a CSV file.
enum class Encoding : unsigned char {
  automatic,  ///< detect: a UTF-8 byte-order mark or valid UTF-8, else GB18030
  utf8,
  gb18030,    ///< also reads GBK and GB2312, its subsets
};

/// "auto", "utf-8", "gb18030".
const char* encoding_name(Encoding encoding);
/// Parses "auto", "utf-8"/"utf8", "gb18030"/"gbk"/"gb2312" (any case);
/// throws Error(invalid_argument).
Encoding encoding_from_name(std::string_view name);

}  // namespace cxjf
