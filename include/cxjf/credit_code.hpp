// cxjf: the unified social credit code (统一社会信用代码, GB 32100-2015).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cxjf {

/// The check character (18th) of a code's first 17 characters, or '\0' when
/// one of them is not a code symbol (0-9, A-H, J-N, P-R, T-U, W-Y).
char credit_code_check_char(std::string_view first17);

/// Upper-cases `text` and removes ASCII spaces, the forms a user types.
std::string normalize_credit_code(std::string_view text);

/// Why `code` (already normalized) is not a valid credit code, in English and
/// Chinese, or nullopt when it is valid.
std::optional<std::string> credit_code_problem(std::string_view code);

/// True when `code` is a valid, normalized credit code.
inline bool is_valid_credit_code(std::string_view code) { return !credit_code_problem(code); }

}  // namespace cxjf
