// cxjf: Dictionary, the string <-> code map behind every dictionary-encoded
// column of a Table.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cxjf {

/// Distinct strings numbered 0, 1, 2, ... in order of first insertion.
class Dictionary {
 public:
  Dictionary() = default;
  /// Copies rebuild the lookup, whose keys point into the copy's own text.
  Dictionary(const Dictionary& other) {
    for (const auto& value : other.values_) intern(value);
  }
  Dictionary& operator=(const Dictionary& other) {
    if (this != &other) *this = Dictionary(other);
    return *this;
  }
  Dictionary(Dictionary&&) noexcept = default;
  Dictionary& operator=(Dictionary&&) noexcept = default;

  /// The code of `value`, inserting it when new.
  std::int32_t intern(std::string_view value) {
    auto it = codes_.find(value);
    if (it != codes_.end()) return it->second;
    auto code = static_cast<std::int32_t>(values_.size());
    values_.emplace_back(value);
    codes_.emplace(keys_.emplace_back(value), code);
    return code;
  }
  /// The code of `value`, or -1 when absent.
  std::int32_t find(std::string_view value) const {
    auto it = codes_.find(value);
    return it == codes_.end() ? -1 : it->second;
  }
  /// The string of a code (must be in range).
  const std::string& operator[](std::int32_t code) const { return values_[static_cast<std::size_t>(code)]; }
  /// Number of distinct strings.
  std::int32_t size() const { return static_cast<std::int32_t>(values_.size()); }
  /// All strings, indexed by code.
  const std::vector<std::string>& values() const { return values_; }

 private:
  std::vector<std::string> values_;
  // The lookup is keyed by views, so that finding a value allocates nothing
  // (a national read looks up millions); they point into keys_, whose
  // elements never move.
  std::deque<std::string> keys_;
  std::unordered_map<std::string_view, std::int32_t> codes_;
};

}  // namespace cxjf
