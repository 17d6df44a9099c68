// LSD radix sort of doubles carrying a 32-bit payload. The fit sorts every
// indicator within every peer group; comparison sorts cost about 35 ms per
// national column, a radix sort on the value bits a fraction of that, and
// passes whose digit is the same for every key (the low mantissa bits of
// integer counts, say) are skipped.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

namespace cxjf::detail {

/// Maps a double to an unsigned key with the same order (-0.0 and 0.0 map to
/// the same key, so they tie as they compare).
inline std::uint64_t order_key(double v) {
  if (v == 0) v = 0;  // fold -0.0 into +0.0
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return (bits & 0x8000000000000000ULL) ? ~bits : bits | 0x8000000000000000ULL;
}

inline double from_order_key(std::uint64_t key) {
  std::uint64_t bits = (key & 0x8000000000000000ULL) ? key & ~0x8000000000000000ULL : ~key;
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

/// Turns a pass's digit counts into the first output slot of each digit.
template <std::size_t N>
inline void exclusive_prefix_sum(std::array<std::uint32_t, N>& count) {
  std::uint32_t sum = 0;
  for (auto& x : count) {
    std::uint32_t t = x;
    x = sum;
    sum += t;
  }
}

/// Sorts keys[0..n) ascending, permuting payload alongside. `key_tmp` and
/// `payload_tmp` are scratch of at least n elements. Keys must be below
/// 2^key_bits: fewer bits, fewer passes (and at most 32 bits, lighter ones).
inline void radix_sort(std::uint64_t* keys, std::uint32_t* payload, std::size_t n, std::uint64_t* key_tmp,
                       std::uint32_t* payload_tmp, int key_bits = 64) {
  constexpr int bits = 11;
  constexpr int max_passes = (64 + bits - 1) / bits;
  const int passes = std::max(1, (key_bits + bits - 1) / bits);
  constexpr std::size_t buckets = std::size_t{1} << bits;
  if (n < 2) return;
  if (n <= 64) {  // insertion sort: cheaper than clearing the histograms
    for (std::size_t i = 1; i < n; ++i) {
      std::uint64_t k = keys[i];
      std::uint32_t p = payload[i];
      std::size_t j = i;
      for (; j > 0 && keys[j - 1] > k; --j) {
        keys[j] = keys[j - 1];
        payload[j] = payload[j - 1];
      }
      keys[j] = k;
      payload[j] = p;
    }
    return;
  }
  std::vector<std::array<std::uint32_t, buckets>> count(max_passes);
  if (key_bits <= 32) {
    // Key and payload packed in one word: each pass moves 8 bytes in one
    // stream instead of 12 in two. Still stable, so the same order results.
    for (int p = 0; p < passes; ++p) count[static_cast<std::size_t>(p)].fill(0);
    for (std::size_t i = 0; i < n; ++i) {
      std::uint64_t k = keys[i];
      key_tmp[i] = k << 32 | payload[i];
      for (int p = 0; p < passes; ++p) ++count[static_cast<std::size_t>(p)][(k >> (p * bits)) & (buckets - 1)];
    }
    std::uint64_t* src = key_tmp;
    std::uint64_t* dst = keys;
    for (int p = 0; p < passes; ++p) {
      auto& c = count[static_cast<std::size_t>(p)];
      int shift = 32 + p * bits;
      if (c[(src[0] >> shift) & (buckets - 1)] == n) continue;  // one digit value: nothing moves
      exclusive_prefix_sum(c);
      for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t w = src[i];
        dst[c[(w >> shift) & (buckets - 1)]++] = w;
      }
      std::swap(src, dst);
    }
    for (std::size_t i = 0; i < n; ++i) {
      std::uint64_t w = src[i];
      keys[i] = w >> 32;
      payload[i] = static_cast<std::uint32_t>(w);
    }
    return;
  }
  for (int p = 0; p < passes; ++p) count[static_cast<std::size_t>(p)].fill(0);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t k = keys[i];
    for (int p = 0; p < passes; ++p) ++count[static_cast<std::size_t>(p)][(k >> (p * bits)) & (buckets - 1)];
  }
  std::uint64_t* src_k = keys;
  std::uint32_t* src_p = payload;
  std::uint64_t* dst_k = key_tmp;
  std::uint32_t* dst_p = payload_tmp;
  for (int p = 0; p < passes; ++p) {
    auto& c = count[static_cast<std::size_t>(p)];
    int shift = p * bits;
    if (c[(src_k[0] >> shift) & (buckets - 1)] == n) continue;  // one digit value: nothing moves
    exclusive_prefix_sum(c);
    for (std::size_t i = 0; i < n; ++i) {
      std::uint32_t pos = c[(src_k[i] >> shift) & (buckets - 1)]++;
      dst_k[pos] = src_k[i];
      dst_p[pos] = src_p[i];
    }
    std::swap(src_k, dst_k);
    std::swap(src_p, dst_p);
  }
  if (src_k != keys) {
    std::memcpy(keys, src_k, n * sizeof *keys);
    std::memcpy(payload, src_p, n * sizeof *payload);
  }
}

}  // namespace cxjf::detail
