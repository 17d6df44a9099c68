// The fit's population pass, shared by fit() and the fused Snapshot::build.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "scoring.hpp"

namespace cxjf::detail {

/// Per-row results of fitting: stage, finest group and the group used. A
/// caller that has the stages already may fill `stage` (one per row).
struct FitState {
  std::vector<std::int32_t> stage;
  std::vector<std::int32_t> fine;
  std::vector<std::int32_t> chosen;
};

/// What the fused build does while the fit runs.
struct FitVisitor {
  /// Called for each finest group whose members are compared within it, with
  /// the group's reported values of indicator j (transformed) sorted
  /// ascending, the table row of each, and how many there are.
  std::function<void(int j, const double* values, const std::uint32_t* rows, std::size_t m)> sorted;
  /// Called once per indicator, in model order, once it is fully fitted.
  std::function<void(int j, const Reference& reference)> fitted;
};

/// Fits a Reference on every row of `table`.
Reference fit_rows(const Prepared& p, const Bound& b, const Table& table, FitState& state,
                   const FitVisitor& visit = {});

/// Throws InputError when a credit code appears twice (rows as a
/// spreadsheet numbers them: the header is row 1).
void require_unique_codes(const Table& table);

/// Drops the rows of `table` where keep[i] is false, in place.
void keep_rows(Table& table, const std::vector<bool>& keep);

}  // namespace cxjf::detail
