// Structure checks of a snapshot read from outside (snapshot_check.cpp).
#pragma once

#include <string>

#include "cxjf/snapshot.hpp"

namespace cxjf::detail {

/// Throws Error(corrupt_snapshot), naming `name`, unless every index of the
/// snapshot lies in what it indexes and its grades, list order and ranks
/// are those its scores give.
void check_snapshot(const Snapshot& snapshot, const std::string& name);

}  // namespace cxjf::detail
