// Internal: what the Analyzer (include/cxjf/analysis.hpp) prepares once per
// snapshot, and the helpers its parts share.
#pragma once

#include <array>
#include <cstdint>

#include "cxjf/analysis.hpp"
#include "scoring/scoring.hpp"

namespace cxjf {

struct Analyzer::Impl {
  explicit Impl(const Snapshot& s) : snap(s), p(s.model), binding(p, s.table) { s.reference.require_model(s.model); }
  const Snapshot& snap;
  detail::Prepared p;
  detail::Bound binding;  // the model bound to the snapshot's table

  /// An outcome of `ledger` (of row `row` of `table`), ranked among the
  /// snapshot's enterprises other than row `self` (-1: all of them).
  ScoreOutcome outcome(Ledger ledger, const Table& table, std::int64_t row, std::int64_t self) const;
};

namespace detail {

/// The unit of row `row` at a region level (as in Scores::rank), -1 none.
std::int64_t unit_of(const Table& table, std::int64_t row, RankLevel level);

/// At estimate_rank_levels, the rank published score `units` of row `row`
/// of `table` would have among the snapshot's enterprises other than row
/// `self` (-1: none left out): 1 + those of its unit scoring strictly
/// higher; 0 where it has no unit at a level.
std::array<std::int32_t, 6> ranks_among_others(const Snapshot& snap, const Table& table, std::int64_t row,
                                                std::int64_t units, std::int64_t self);

}  // namespace detail
}  // namespace cxjf
