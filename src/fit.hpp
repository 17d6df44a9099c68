// The fit's population pass, shared by fit() and the fused Snapshot::build.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "scoring.hpp"

namespace cxjf::detail {

/// Per-row results of fitting: stage, finest group and the group used.
struct FitState {
  std::vector<std::int32_t> stage;
  std::vector<std::int32_t> fine;
  std::vector<std::int32_t> chosen;
};

/// Called once per indicator, in model order, right after it is fitted, with
/// the Reference as fitted so far and each row's peer counts (<= and <) where
/// the row's chosen group is a finest group (-1 where it is a coarser one,
/// whose counts need binary searches; stale for indicators without peers).
using IndicatorVisitor = std::function<void(int indicator, const Reference& reference,
                                            const std::vector<std::int32_t>& at_most,
                                            const std::vector<std::int32_t>& below)>;

/// Fits a Reference on every row of `table`.
Reference fit_rows(const Prepared& p, const Bound& b, const Table& table, FitState& state,
                   const IndicatorVisitor& visit);

/// A copy of `table` holding only the rows where keep[i] is true.
Table select_rows(const Table& table, const std::vector<bool>& keep);

}  // namespace cxjf::detail
