// A reference without one of its members: what a registered enterprise is
// compared with when its own values change (what-if, the path to a target).
// Everyone else stays as fitted; the enterprise then joins as a newcomer
// with its new values. With no change this gives exactly its actual score:
// a member's percentile counts include itself, and removing it and adding
// it back restores every count, quantile and bound (DESIGN.md §2, the
// invariant estimation keeps). Nothing is refitted or copied: counts are the
// reference's minus the member's own value, and the order-statistic windows
// of its one peer group are rebuilt for n - 1 values.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "cxjf/reference.hpp"
#include "scoring/merged_peers.hpp"
#include "scoring/scoring.hpp"

namespace cxjf::detail {

/// The k-th smallest (0-based) reported value of indicator values in the
/// finest groups [fine_begin, fine_end) (reference.cpp).
double select_kth(const std::vector<double>& values, const std::vector<std::int64_t>& off, std::int32_t fine_begin,
                  std::int32_t fine_end, std::int64_t k);

class LeaveOneOut {
 public:
  /// `ref` without row `row` of `table`, a registered member fitted in it
  /// and compared in `group` (its Scores::peer_group). Counts come from
  /// `merged` when given (the same counts, one search each). `ref`, `merged`
  /// and the arguments' data must outlive this.
  LeaveOneOut(const Prepared& p, const Bound& b, const Reference& ref, const Table& table, std::int64_t row,
              std::int32_t group, const MergedPeers* merged = nullptr);
  // Its statistics point into its own vectors: not copied.
  LeaveOneOut(const LeaveOneOut&) = delete;
  LeaveOneOut& operator=(const LeaveOneOut&) = delete;

  /// The member's group, whatever the keys: a what-if changes values, not
  /// the stage, industry or province, and the group sizes with the member
  /// back in are the fitted ones.
  std::int32_t peer_group_for(const Model&, std::int32_t, std::int32_t, std::int32_t, bool) const { return group_; }
  std::int64_t count_at_most(int j, std::int32_t g, double x) const {
    Memo& m = memo_[static_cast<std::size_t>(j)];
    if (!(m.at_most_x == x && m.at_most_g == g)) {
      m.at_most = (merged_ ? merged_->count_at_most(j, g, x) : ref_.count_at_most(j, g, x)) -
                  (own_[static_cast<std::size_t>(j)] <= x ? 1 : 0);
      m.at_most_x = x;
      m.at_most_g = g;
    }
    return m.at_most;
  }
  std::int64_t count_below(int j, std::int32_t g, double x) const {
    Memo& m = memo_[static_cast<std::size_t>(j)];
    if (!(m.below_x == x && m.below_g == g)) {
      m.below = (merged_ ? merged_->count_below(j, g, x) : ref_.count_below(j, g, x)) -
                (own_[static_cast<std::size_t>(j)] < x ? 1 : 0);
      m.below_x = x;
      m.below_g = g;
    }
    return m.below;
  }
  /// Indicator j's statistics of the group without the member, or nullptr.
  const GroupStats* stats(int j) const { return of_[static_cast<std::size_t>(j)]; }
  std::int32_t group() const { return group_; }
  const Reference& reference() const { return ref_; }

 private:
  const Reference& ref_;
  const MergedPeers* merged_;
  std::int32_t group_;
  std::vector<double> own_;  // per indicator: the member's value as fitted (transformed), NaN when not among them
  std::vector<GroupStats> stats_;         // per indicator: rebuilt without the member, where it was among them
  std::vector<const GroupStats*> of_;     // per indicator: stats_'s, the fitted ones, or nullptr
  // The last count asked of each indicator. A what-if or a path rescores
  // the member again and again with one value changed, and every other
  // indicator asks the same count again: a binary search saved each. So a
  // LeaveOneOut is not for several threads at once (each search has its own).
  struct Memo {
    double at_most_x = std::numeric_limits<double>::quiet_NaN(), below_x = std::numeric_limits<double>::quiet_NaN();
    std::int32_t at_most_g = -1, below_g = -1;
    std::int64_t at_most = 0, below = 0;
  };
  mutable std::vector<Memo> memo_;
};

inline const GroupStats* group_stats(const LeaveOneOut& ref, int j, std::int32_t g) {
  return g < 0 || g != ref.group() ? nullptr : ref.stats(j);
}

}  // namespace cxjf::detail
