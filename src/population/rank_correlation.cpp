#include "population/rank_correlation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace cxjf::detail {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Mean ranks (1-based) of v, equal values sharing the mean of their ranks.
std::vector<double> mean_ranks(const std::vector<std::int64_t>& v) {
  std::vector<std::int64_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    return v[static_cast<std::size_t>(a)] < v[static_cast<std::size_t>(b)];
  });
  std::vector<double> rank(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && v[static_cast<std::size_t>(order[j])] == v[static_cast<std::size_t>(order[i])]) ++j;
    const double mean = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k) rank[static_cast<std::size_t>(order[k])] = mean;
    i = j;
  }
  return rank;
}

// Pairs that tie within each run of equal values of a sorted sequence.
template <class Equal>
std::int64_t tied_pairs(std::size_t n, Equal equal) {
  std::int64_t ties = 0, run = 1;
  for (std::size_t i = 1; i <= n; ++i) {
    if (i < n && equal(i - 1, i)) {
      ++run;
    } else {
      ties += run * (run - 1) / 2;
      run = 1;
    }
  }
  return ties;
}

}  // namespace

double spearman(const std::vector<std::int64_t>& x, const std::vector<std::int64_t>& y) {
  const std::size_t n = x.size();
  if (n < 2) return nan;
  const std::vector<double> rx = mean_ranks(x), ry = mean_ranks(y);
  // Both ranks average (n + 1) / 2; sums in long double keep 520,000 terms exact enough.
  const long double mean = (static_cast<long double>(n) + 1) / 2;
  long double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const long double a = rx[i] - mean, b = ry[i] - mean;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  if (sxx == 0 || syy == 0) return nan;
  return static_cast<double>(sxy / std::sqrt(sxx * syy));
}

double kendall_tau_b(const std::vector<std::int64_t>& x, const std::vector<std::int64_t>& y) {
  const std::size_t n = x.size();
  if (n < 2) return nan;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return x[a] != x[b] ? x[a] < x[b] : y[a] < y[b];
  });
  const std::int64_t n0 = static_cast<std::int64_t>(n) * static_cast<std::int64_t>(n - 1) / 2;
  const std::int64_t tx = tied_pairs(n, [&](std::size_t a, std::size_t b) { return x[order[a]] == x[order[b]]; });
  const std::int64_t txy = tied_pairs(n, [&](std::size_t a, std::size_t b) {
    return x[order[a]] == x[order[b]] && y[order[a]] == y[order[b]];
  });
  // Sorting the y sequence by merges counts its inversions: the pairs that
  // are discordant (x ordered one way, y strictly the other).
  std::vector<std::int64_t> ys(n), buffer(n);
  for (std::size_t i = 0; i < n; ++i) ys[i] = y[order[i]];
  std::int64_t swaps = 0;
  for (std::size_t width = 1; width < n; width *= 2) {
    for (std::size_t lo = 0; lo < n; lo += 2 * width) {
      const std::size_t mid = std::min(lo + width, n), hi = std::min(lo + 2 * width, n);
      std::size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        if (ys[j] < ys[i]) {
          swaps += static_cast<std::int64_t>(mid - i);
          buffer[k++] = ys[j++];
        } else {
          buffer[k++] = ys[i++];
        }
      }
      while (i < mid) buffer[k++] = ys[i++];
      while (j < hi) buffer[k++] = ys[j++];
    }
    ys.swap(buffer);
  }
  const std::int64_t ty = tied_pairs(n, [&](std::size_t a, std::size_t b) { return ys[a] == ys[b]; });
  // Concordant - discordant = n0 - tx - ty + txy - 2 * discordant.
  const long double numerator = static_cast<long double>(n0 - tx - ty + txy - 2 * swaps);
  const long double denominator =
      std::sqrt(static_cast<long double>(n0 - tx) * static_cast<long double>(n0 - ty));
  if (denominator == 0) return nan;
  return static_cast<double>(numerator / denominator);
}

}  // namespace cxjf::detail
