// Internal: small text rules shared across parts: ASCII case folding (for
// names people type in any case) and suggestions for typos.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cxjf::detail {

/// `s` with A-Z lowered; other bytes (UTF-8 included) as they are.
std::string ascii_lower(std::string_view s);
/// Equal ignoring the case of A-Z.
bool ascii_iequal(std::string_view a, std::string_view b);
/// Levenshtein distance (insertions, deletions, substitutions).
std::size_t edit_distance(std::string_view a, std::string_view b);
/// The candidate closest to `word` at most `max_distance` edits away (the
/// first of equals), or nullptr: most unknown names are typos of a real one.
const std::string* closest(std::string_view word, const std::vector<std::string>& candidates,
                           std::size_t max_distance);

}  // namespace cxjf::detail
