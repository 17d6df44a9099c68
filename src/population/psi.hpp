// Internal: the population stability index of one indicator (compare.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "cxjf/population.hpp"

namespace cxjf::detail {

/// Fills `shift`'s edges, bins and psi from the values before (the
/// baseline, NaN missing) and after: `bins` equal-count bins of the
/// baseline's reported values, the missing values a bin of their own.
/// `before` is sorted in place.
void stability_index(std::vector<double>& before, const std::vector<double>& after, int bins, IndicatorShift& shift);

}  // namespace cxjf::detail
