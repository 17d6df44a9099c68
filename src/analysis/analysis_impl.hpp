// Internal: what the Analyzer (include/cxjf/analysis.hpp) prepares once per
// snapshot, and the helpers its parts share.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "cxjf/analysis.hpp"
#include "scoring/merged_peers.hpp"
#include "scoring/scoring.hpp"
#include "scoring/would_be_ranks.hpp"

namespace cxjf {

struct Analyzer::Impl {
  explicit Impl(const Snapshot& s) : snap(s), p(s.model), binding(p, s.table), merged(s.reference) {
    s.reference.require_model(s.model);
  }
  const Snapshot& snap;
  detail::Prepared p;
  detail::Bound binding;       // the model bound to the snapshot's table
  detail::MergedPeers merged;  // the peer groups' values merged, as they are asked for

  /// An outcome of `ledger` (of row `row` of `table`), ranked among the
  /// snapshot's enterprises other than row `self` (-1: all of them).
  ScoreOutcome outcome(Ledger ledger, const Table& table, std::int64_t row, std::int64_t self) const;

  /// At estimate_rank_levels, the rank published score `units` of row `row`
  /// of `table` would have among the snapshot's enterprises other than row
  /// `self` (-1: none left out); 0 where it has no unit at a level.
  std::array<std::int32_t, 6> ranks_among_others(const Table& table, std::int64_t row, std::int64_t units,
                                                 std::int64_t self) const;

 private:
  // Per level, the members' scores of every unit (competition counts) and,
  // for dense ranks, the distinct scores: built on the first what-if.
  struct RankIndex {
    std::vector<detail::WouldBeRanks> members, distinct;
  };
  mutable std::once_flag rank_once_;
  mutable std::unique_ptr<RankIndex> rank_index_;
  const RankIndex& rank_index() const;
};

}  // namespace cxjf
