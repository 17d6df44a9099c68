// Internal: CSV bytes as UTF-8 text, for the enterprise CSV reader
// (csv.cpp) and the upload reader (upload.cpp) alike.
#pragma once

#include <string>
#include <string_view>

#include "cxjf/encoding.hpp"

namespace cxjf::detail {

/// The text of `bytes` as UTF-8: a view of `bytes` itself (UTF-8, with its
/// byte-order mark if any) or of `storage` (converted from GB18030). `used`
/// is the encoding read: `requested`, or the one detected for automatic.
/// Throws InputError naming the row for UTF-16 or binary files, invalid
/// UTF-8 when UTF-8 was asked for, and text that is neither. The UTF-8 check
/// runs on `threads` workers; the answer is the same on any count.
std::string_view decode_text(std::string_view bytes, Encoding requested, Encoding& used, std::string& storage,
                             unsigned threads = 1);

}  // namespace cxjf::detail
