// Structure checks of a snapshot read from outside (snapshot_check.cpp).
#pragma once

#include <string>

#include "cxjf/snapshot.hpp"

namespace cxjf::detail {

/// Throws Error(corrupt_snapshot), naming `name`, unless every index of the
/// snapshot lies in what it indexes; then computes its grades, list order
/// and ranks from its scores (the file does not store them).
void check_snapshot(Snapshot& snapshot, const std::string& name);

}  // namespace cxjf::detail
