// Internal: what compare.cpp, compare_json.cpp and distribution.cpp share.
#pragma once

#include <cmath>
#include <cstdint>

#include "cxjf/snapshot.hpp"

namespace cxjf::detail {

/// The least published units at or above the snapshot model's list
/// threshold, as the overview counts them: a threshold written with the
/// model's decimals (70, 85.5) is an exact number of units, which the
/// product may miss by an ulp.
inline std::int64_t list_threshold_units(const Snapshot& s) {
  const double t = s.model.list_threshold * std::pow(10.0, s.scores.decimals);
  const double r = std::nearbyint(t);
  return static_cast<std::int64_t>(std::fabs(t - r) <= 1e-7 ? r : std::ceil(t));
}

}  // namespace cxjf::detail
