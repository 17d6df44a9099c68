// Private to the library: base64 (RFC 4648, with padding), for binary files
// that travel inside JSON answers (a list exported as a workbook). Done by
// libsodium, which the library already uses for signatures.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cxjf::detail {

std::string base64_encode(std::string_view bytes);
// The bytes of `text`, or nullopt when it is not base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace cxjf::detail
