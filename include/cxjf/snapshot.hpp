// cxjf: Snapshot, one scoring year's base database frozen in one file: the
// Model, the Reference fitted on the registered enterprises, those
// enterprises (a Table) and their Scores. The portal loads a snapshot and
// answers queries and estimates from it.
#pragma once

#include <cstdint>
#include <string>

#include "cxjf/model.hpp"
#include "cxjf/reference.hpp"
#include "cxjf/scores.hpp"
#include "cxjf/table.hpp"

namespace cxjf {

/// A frozen base database.
struct Snapshot {
  Model model;
  Reference reference;
  Table table;    ///< the registered enterprises only
  Scores scores;  ///< of `table`, ranked among themselves

  /// Fits the model on the table's registered rows and scores them (the
  /// unregistered rows are left out). One pass: percentiles and ranks come
  /// straight from the fit's sorts. Equal to fit() then score() on the
  /// registered rows. Pass the table with std::move to avoid a copy.
  static Snapshot build(const Model& model, Table table);

  /// Writes the snapshot file (format in docs/snapshot.md).
  void save(const std::string& path) const;
  /// Reads a snapshot file. Throws Error(io) when it cannot be read and
  /// Error(corrupt_snapshot) when it is truncated, foreign or damaged.
  static Snapshot load(const std::string& path);
};

}  // namespace cxjf
