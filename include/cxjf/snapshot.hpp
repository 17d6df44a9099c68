// cxjf: Snapshot, one scoring year's base database frozen in one file: the
// Model, the Reference fitted on the registered enterprises, those
// enterprises (a Table) and their Scores. The portal loads a snapshot and
// answers queries and estimates from it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cxjf/model.hpp"
#include "cxjf/reference.hpp"
#include "cxjf/scores.hpp"
#include "cxjf/table.hpp"

namespace cxjf {

/// How Snapshot::build runs.
struct BuildOptions {
  /// Threads to use, the calling thread included: 0 (the default) means one
  /// per hardware thread (std::thread::hardware_concurrency()), 1 runs
  /// everything on the calling thread. The result is bit-identical whatever
  /// the count: work is split so that every sum is made in the same order.
  unsigned threads = 0;
};

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
  /// Indicators, row blocks and rank levels run on `options.threads` threads.
  static Snapshot build(const Model& model, Table table, const BuildOptions& options = {});

  /// Writes the snapshot file (format in docs/snapshot.md), signed with
  /// `secret_key` when one is given (include/cxjf/signing.hpp).
  void save(const std::string& path, std::string_view secret_key = {}) const;
  /// Reads a snapshot file. Throws Error(io) when it cannot be read and
  /// Error(corrupt_snapshot) when it is truncated, foreign or damaged, or,
  /// with a `required_public_key`, not signed by that key.
  static Snapshot load(const std::string& path, std::string_view required_public_key = {});
  /// The snapshot file's bytes, as save() writes them unsigned.
  std::string to_bytes() const;
  /// A snapshot from a file's bytes (a blob store, a message), checked as
  /// load() checks a file; `name` is what error messages call it.
  static Snapshot from_bytes(std::string_view bytes, const std::string& name = "snapshot",
                             std::string_view required_public_key = {});
};

}  // namespace cxjf
