#include "population/psi.hpp"

#include <algorithm>
#include <cmath>

namespace cxjf::detail {
namespace {

// A bin empty on one side would make ln(a / b) infinite; the usual
// convention counts its share as this floor instead.
constexpr double empty_share = 1e-4;

// Bin of a value: the number of edges at or below it; the missing bin last.
std::size_t bin_of(const std::vector<double>& edges, double x) {
  if (std::isnan(x)) return edges.size() + 1;
  return static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), x) - edges.begin());
}

}  // namespace

void stability_index(std::vector<double>& before, const std::vector<double>& after, int bins, IndicatorShift& shift) {
  // NaN sorts last by partition, then the reported values ascending.
  const auto reported_end = std::partition(before.begin(), before.end(), [](double x) { return !std::isnan(x); });
  std::sort(before.begin(), reported_end);
  const auto n = static_cast<std::size_t>(reported_end - before.begin());
  // Edge k is the value at position floor(k n / bins): bin k - 1 holds the
  // values below it. Edges at or below the least value would leave an
  // empty first bin, and a repeated edge an empty bin between: both merged.
  shift.edges.clear();
  for (int k = 1; k < bins && n > 0; ++k) {
    const double e = before[static_cast<std::size_t>(k) * n / static_cast<std::size_t>(bins)];
    if (e > before.front() && (shift.edges.empty() || e > shift.edges.back())) shift.edges.push_back(e);
  }
  shift.bins_before.assign(shift.edges.size() + 2, 0);
  shift.bins_after.assign(shift.edges.size() + 2, 0);
  for (double x : before) ++shift.bins_before[bin_of(shift.edges, x)];
  for (double x : after) ++shift.bins_after[bin_of(shift.edges, x)];
  shift.count_before = static_cast<std::int64_t>(before.size());
  shift.count_after = static_cast<std::int64_t>(after.size());
  double psi = 0;
  if (shift.count_before > 0 && shift.count_after > 0) {
    for (std::size_t b = 0; b < shift.bins_before.size(); ++b) {
      if (shift.bins_before[b] == 0 && shift.bins_after[b] == 0) continue;
      auto share = [](std::int64_t count, std::int64_t total) {
        return count == 0 ? empty_share : static_cast<double>(count) / static_cast<double>(total);
      };
      const double p = share(shift.bins_before[b], shift.count_before), a = share(shift.bins_after[b], shift.count_after);
      psi += (a - p) * std::log(a / p);
    }
  }
  shift.psi = psi;
}

}  // namespace cxjf::detail
