// Internal: rank correlations of paired values (compare.cpp).
#pragma once

#include <cstdint>
#include <vector>

namespace cxjf::detail {

/// Spearman's rho: Pearson's correlation of the ranks, equal values at
/// their mean rank. NaN for fewer than two pairs or a constant side.
double spearman(const std::vector<std::int64_t>& x, const std::vector<std::int64_t>& y);

/// Kendall's tau-b in O(n log n) (Knight's merge sort, Knight 1966):
/// (concordant - discordant) / sqrt((n0 - ties in x)(n0 - ties in y)).
/// NaN for fewer than two pairs or a constant side.
double kendall_tau_b(const std::vector<std::int64_t>& x, const std::vector<std::int64_t>& y);

}  // namespace cxjf::detail
