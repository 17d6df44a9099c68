#include "scoring/leave_one_out.hpp"

#include <cmath>
#include <limits>

namespace cxjf::detail {
namespace {

// The window of quantile q for the group's n - 1 values without the
// member's, whose first copy sits at sorted position `own_at` of the n.
// Position k of the n - 1 is position k (below own_at) or k + 1 of the n;
// the positions needed lie within one of the fitted window, read from it
// where they can be and selected from the sorted values otherwise.
OrderWindow without(const OrderWindow& fitted, const Reference& ref, int j, const PeerGroup& g, std::int64_t n,
                    std::int64_t own_at, Fraction q) {
  OrderWindow w;
  auto [first, last] = window_range(n - 1, q);
  w.first = first;
  const auto& values = ref.sorted[static_cast<std::size_t>(j)];
  const auto& off = ref.offsets[static_cast<std::size_t>(j)];
  for (std::int64_t k = first; k <= last; ++k) {
    const std::int64_t at = k < own_at ? k : k + 1;
    const std::int64_t in = at - fitted.first;
    w.values.push_back(in >= 0 && in < static_cast<std::int64_t>(fitted.values.size())
                           ? fitted.values[static_cast<std::size_t>(in)]
                           : select_kth(values, off, g.fine_begin, g.fine_end, at));
  }
  return w;
}

}  // namespace

LeaveOneOut::LeaveOneOut(const Prepared& p, const Bound& b, const Reference& ref, const Table& table,
                         std::int64_t row, std::int32_t group, const MergedPeers* merged)
    : ref_(ref), merged_(merged), group_(group) {
  const Model& m = p.model;
  const std::size_t k = m.indicators.size();
  own_.assign(k, std::numeric_limits<double>::quiet_NaN());
  stats_.resize(k);
  of_.assign(k, nullptr);
  memo_.resize(k);
  if (group < 0) return;
  const PeerGroup& g = ref.groups[static_cast<std::size_t>(group)];
  for (std::size_t j = 0; j < k; ++j) {
    const GroupStats* fitted = detail::group_stats(ref, static_cast<int>(j), group);
    if (!fitted) continue;
    of_[j] = fitted;
    const Indicator& ind = m.indicators[j];
    double x = table.values(static_cast<Eigen::Index>(row), b.column[j]);
    if (std::isnan(x)) {
      if (ind.missing != MissingPolicy::zero) continue;  // not among the fitted values: the fitted statistics hold
      x = 0;
    }
    const double y = apply_transform(ind.transform, x);
    own_[j] = y;
    const std::int64_t n = fitted->count;
    GroupStats& s = stats_[j];
    of_[j] = &s;
    s.count = n - 1;
    const Normalization& nm = ind.normalization;
    const bool windows = !fitted->median.values.empty() || !fitted->full_mark.values.empty() ||
                         (nm.method == Method::min_max && !fitted->lower.values.empty());
    if (!windows) continue;  // a percentile: its counts alone, less the member's
    const std::int64_t own_at = ref.count_below(static_cast<int>(j), group, y);
    if (!fitted->median.values.empty()) s.median = without(fitted->median, ref, static_cast<int>(j), g, n, own_at, p.q_median);
    if (!fitted->full_mark.values.empty())
      s.full_mark = without(fitted->full_mark, ref, static_cast<int>(j), g, n, own_at, p.q_full[j]);
    if (nm.method == Method::min_max && !fitted->lower.values.empty()) {
      s.lower = without(fitted->lower, ref, static_cast<int>(j), g, n, own_at, p.q_lower[j]);
      s.upper = without(fitted->upper, ref, static_cast<int>(j), g, n, own_at, p.q_upper[j]);
    }
  }
}

}  // namespace cxjf::detail
