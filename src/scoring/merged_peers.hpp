// A peer group's values of one indicator as one sorted array. The Reference
// keeps each finest group's values sorted apart, and a coarser group (a
// level the chain falls back to when a group is too small, e.g. all
// enterprises of a stage) is a run of finest groups, so a count in it is a
// binary search per finest group: 54 for the national group of the
// generated sample. A search that counts in the same group again and again
// (a path, a plan, distances) merges the runs once and searches once; a
// finest group is read where it lies.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "cxjf/reference.hpp"

namespace cxjf::detail {

class MergedPeers {
 public:
  /// `ref` must outlive this.
  explicit MergedPeers(const Reference& ref);

  /// The values of indicator j in group g (g >= 0), ascending: the
  /// reference's own run for a finest group, else its runs merged on the
  /// first call (safe from several threads at once).
  std::pair<const double*, const double*> values(int j, std::int32_t g) const;

  /// As Reference::count_at_most and count_below, from the merged values.
  std::int64_t count_at_most(int j, std::int32_t g, double x) const;
  std::int64_t count_below(int j, std::int32_t g, double x) const;

 private:
  const Reference& ref_;
  std::size_t groups_ = 0;
  std::unique_ptr<std::once_flag[]> once_;              // per (indicator, group)
  mutable std::vector<std::vector<double>> merged_;     // per (indicator, group), when built
};

}  // namespace cxjf::detail
