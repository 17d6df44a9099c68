// Internal: what the path to a target (path.cpp) and the combined plan
// (plan.cpp) share: the enterprise rescored with some values changed
// (Probe, probe.cpp), each indicator it can act on with its cap and its
// effort (Axis, axes.cpp), and the values worth trying on it (Candidates,
// candidates.cpp).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "analysis/analysis_impl.hpp"
#include "scoring/leave_one_out.hpp"

namespace cxjf::detail {

/// A registered enterprise scored against the reference without itself,
/// with some of its values changed: the what-if of value changes, without
/// rebuilding the row each time. Each indicator's points are kept, and a
/// score recomputes only those whose value changed since the last one,
/// then sums them in model order as evaluate_row does: the same doubles,
/// bit for bit (scoring/scoring.hpp, indicator_points). Not thread-safe
/// (one per search).
class Probe {
 public:
  /// Registered row `row` of the snapshot, `binding` the model bound to
  /// the snapshot's table, counts from `merged` (all must outlive the probe).
  Probe(const Prepared& p, const Bound& binding, const MergedPeers& merged, const Snapshot& snap, std::int64_t row);

  /// Sets a column's value (the changes add up until reset).
  void set(int column, double value) {
    double& cell = table_.values(0, column);
    if (cell == value || (std::isnan(cell) && std::isnan(value))) return;
    cell = value;
    for (std::size_t j = 0; j < fresh_.size(); ++j)
      if (bound_.column[j] == column) fresh_[j] = 0;
  }
  /// The column's value now.
  double get(int column) const { return table_.values(0, column); }
  /// The published score (x 10^decimals) with the values set now, rounded
  /// exactly as explain() rounds it.
  std::int64_t score();
  /// The total before its caps and rounding (base + bonus - deductions),
  /// -inf under a veto: the score rises with it, and its rises from
  /// separate changes bound the rise of the changes together from above
  /// (plan.cpp).
  double raw();
  /// The published score with one more column at `value` (restored after).
  std::int64_t score_with(int column, double value) {
    const double was = get(column);
    set(column, value);
    const std::int64_t s = score();
    set(column, was);
    return s;
  }
  /// raw() with one more column at `value` (restored after).
  double score_raw_with(int column, double value) {
    const double was = get(column);
    set(column, value);
    const double r = raw();
    set(column, was);
    return r;
  }
  /// How many scores were computed: the cost of a search.
  std::int64_t count() const { return count_; }
  /// The peer groups' merged values it counts in.
  const MergedPeers& merged() const { return merged_; }

 private:
  /// The row's total in doubles from the kept points, refreshing the
  /// indicators whose values changed.
  RowTotal<double> total();

  const Prepared& p_;
  const MergedPeers& merged_;
  LeaveOneOut others_;
  Table table_;
  const Bound& bound_;  // the snapshot's: table_ keeps its codes
  std::int32_t stage_ = -1;
  std::vector<double> points_;                    // per indicator: points before reweighting
  std::vector<char> excluded_;                    // per indicator: missing and excluded
  std::vector<char> fresh_;                       // per indicator: points_ holds its value's points
  std::vector<double> category_, excluded_weight_;  // per category: scratch of total()
  std::int64_t count_ = 0;
};

/// An indicator the enterprise can act on: scored (in a category or by a
/// bonus per unit), higher is better, not fixed by the caller.
struct Axis {
  int indicator = 0;   ///< model indicator index
  int column = 0;      ///< table column
  double current = 0;  ///< today's value (NaN when missing)
  double from = 0;     ///< today's value, 0 when missing: where increases start
  double cap = 0;      ///< the most it may reach (>= from)
  double step = 0.01;  ///< the grid of its values: 1 for counts, 0.01 otherwise
  /// Points change only at listed values (percentile, steps, yes/no); else
  /// they rise along the grid (piecewise, capped ratio, min-max, a bonus
  /// per unit) and `listed` holds only the ends of the linear pieces.
  bool discrete = false;
  /// Values above `from` worth trying besides the peers', ascending, up to
  /// and including the cap: thresholds of steps, 1 for yes/no, the least
  /// positive value under the zero rule, breakpoints of piecewise and
  /// capped-ratio mappings, the value that fills a bonus item.
  std::vector<double> listed;
  /// Percentile: the peer group whose values (stored transformed) above
  /// `from` and up to the cap are candidates (Candidates), or nullptr.
  const PeerGroup* peers = nullptr;
  /// Under the mean or strict tie rule the share also rises just above a
  /// peer value: then peer value + step is worth trying too.
  bool above_peers = false;

  /// What effort is relative to: today's value, or when that is 0,
  /// missing or negative, the room up to the cap (cap - today).
  double base() const { return from > 0 ? from : cap - from; }
  /// The relative increase of reaching `value` (docs/analysis.md).
  double effort(double value) const { return base() > 0 ? (value - from) / base() : 0; }
  /// The most it may reach for an effort of `e`.
  double reach(double e) const {
    if (!(e < std::numeric_limits<double>::infinity())) return cap;
    return std::min(cap, from + e * base());
  }
};

/// The least grid value strictly above x (x itself may lie off the grid:
/// a peer value stored transformed comes back with the transform's
/// rounding).
inline double grid_above(double x, double step) {
  const double per = 1 / step;
  return (std::floor(x * per + 1e-9) + 1) / per;
}

/// The axes of registered row `row`: every indicator it can act on, in
/// model order, with caps from `options` or the peers (analysis.hpp).
/// Throws Error(invalid_argument) naming an unknown fixed or capped id.
std::vector<Axis> axes_of(const Snapshot& snap, const Prepared& p, const Bound& binding, std::int64_t row,
                          const PathOptions& options);

/// The least value of `axis` in (from, limit] at which the probe's score
/// reaches `target` with the other values as set, or NaN: a bisection,
/// since the score rises with the value, over its candidates (discrete) or
/// the grid and the limit itself (continuous).
double least_reaching(const Snapshot& snap, const Axis& axis, Probe& probe, std::int64_t target, double limit);

/// The values of an axis worth trying (the plan's candidates) above
/// today's value and up to the cap, found between any two values without
/// listing them all: for a discrete axis its listed values and its peers'
/// (searched in the sorted runs of its peer group's finest groups), with
/// the grid value just above each under mean or strict ties (no further
/// than the next peer value or the cap); for a count every whole value and
/// the cap; else (rising along a grid) its listed values.
class Candidates {
 public:
  /// Peer values from `merged` (one run per group) when given.
  Candidates(const Snapshot& snap, const Axis& axis, const MergedPeers* merged = nullptr);
  /// Those in (lo, hi], ascending and distinct.
  std::vector<double> between(double lo, double hi) const;
  /// The largest <= x, or NaN when none is.
  double at_most(double x) const;
  /// The least > x, or NaN when none is.
  double above(double x) const;
  /// About how many lie in (lo, hi] (peer values counted with repeats).
  std::int64_t about(double lo, double hi) const;
  /// About `m` of those in (lo, hi], spread evenly by rank (for a count,
  /// by value), ascending and distinct.
  std::vector<double> spread(double lo, double hi, int m) const;

 private:
  // Distinct peer values in (lo, hi] in raw units, ascending.
  std::vector<double> peers_between(double lo, double hi) const;
  // The least peer value > x, or the cap when none is (a companion's bound).
  double next_peer(double x) const;
  // The largest peer value <= x, or NaN.
  double peer_at_most(double x) const;
  bool valid(double stored) const { return stored > from_t_ && stored <= cap_t_; }

  const Axis& axis_;
  std::vector<double> listed_;  // the axis's listed values, and the value just above a peer tied below (ties)
  Transform transform_ = Transform::none;
  std::vector<std::pair<const double*, const double*>> runs_;  // sorted runs of stored peer values
  double from_t_ = 0, cap_t_ = 0;                     // today's value and the cap, stored (transformed)
  bool count_ = false;                                // every whole value
  bool peers_ = false;                                // compared with peers
};

/// The combined plan of least total effort (analysis.hpp, Plan) over
/// `axes`, given each one's path alone (`single`, the same order), the
/// probe holding today's values.
Plan least_effort_plan(const Snapshot& snap, const std::vector<Axis>& axes, Probe& probe, std::int64_t target,
                       const std::vector<IndicatorPath>& single, const PathOptions& options);

}  // namespace cxjf::detail
