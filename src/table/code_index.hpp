// Credit code -> row, for a table's codes: 64-bit hashes radix-sorted with
// their rows, looked up by binary search and confirmed on the text. Builds in
// a few milliseconds for a national table, where a hash map of strings takes
// tens.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/binary_io.hpp"
#include "scoring/radix_sort.hpp"

namespace cxjf::detail {

class CodeIndex {
 public:
  explicit CodeIndex(const std::vector<std::string>& codes) : codes_(codes) {
    const std::size_t n = codes.size();
    keys_.resize(n);
    rows_.resize(n);
    std::vector<std::uint64_t> key_tmp(n);
    std::vector<std::uint32_t> row_tmp(n);
    for (std::size_t i = 0; i < n; ++i) {
      keys_[i] = hash_bytes(codes[i]);
      rows_[i] = static_cast<std::uint32_t>(i);
    }
    radix_sort(keys_.data(), rows_.data(), n, key_tmp.data(), row_tmp.data());
    // Hashes are uniform, so their top bits split the sorted keys into
    // buckets of about four: a lookup searches one bucket instead of
    // bisecting the whole array (twenty cache misses for a national table).
    while (shift_ > 1 && (std::uint64_t{1} << (64 - shift_)) < n / 4) --shift_;
    bucket_.assign((std::size_t{1} << (64 - shift_)) + 1, 0);
    std::size_t at = 0;
    for (std::size_t b = 0; b + 1 < bucket_.size(); ++b) {
      while (at < n && (keys_[at] >> shift_) < b) ++at;
      bucket_[b] = static_cast<std::uint32_t>(at);
    }
    bucket_.back() = static_cast<std::uint32_t>(n);
  }

  /// The row holding `code`, or -1 (the first such row when repeated).
  std::int64_t find(std::string_view code) const {
    std::uint64_t key = hash_bytes(code);
    const std::size_t b = static_cast<std::size_t>(key >> shift_);
    auto [first, last] = std::equal_range(keys_.begin() + bucket_[b], keys_.begin() + bucket_[b + 1], key);
    std::int64_t found = -1;
    for (auto it = first; it != last; ++it) {
      std::uint32_t row = rows_[static_cast<std::size_t>(it - keys_.begin())];
      if (codes_[row] == code && (found < 0 || row < found)) found = row;
    }
    return found;
  }

 private:
  const std::vector<std::string>& codes_;
  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> rows_;
  int shift_ = 63;                      // a key's bucket is key >> shift_
  std::vector<std::uint32_t> bucket_;  // per bucket: its first key, then the end
};

}  // namespace cxjf::detail
