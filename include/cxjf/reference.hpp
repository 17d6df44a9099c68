// cxjf: Reference, what `fit` learns from the registered population: the peer
// groups and, per indicator and finest peer group, the sorted values, plus the
// statistics the methods need (medians, full-mark quantiles, min-max bounds)
// for every group of every level. Frozen once fitted; saved inside a Snapshot
// with the model's id and a content hash, so a score can be recomputed later.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "cxjf/model.hpp"
#include "cxjf/table.hpp"

namespace cxjf {

/// One peer group of one level of Model::peer_groups.chain. A key that is not
/// part of the level is -1 (stage, industry) or 0 (province).
struct PeerGroup {
  std::int32_t level = 0;     ///< index into the chain
  std::int32_t stage = -1;    ///< model stage index
  std::int32_t industry = -1; ///< 0..19 for 'A'..'T'
  std::int32_t province = 0;  ///< province code, e.g. 440000
  std::int64_t size = 0;      ///< registered enterprises in the group
  /// The finest-level groups inside this one are fine_begin..fine_end-1
  /// (a finest-level group holds just itself).
  std::int32_t fine_begin = 0;
  std::int32_t fine_end = 0;
};

/// What one indicator's normalization needs of one peer group.
struct GroupStats {
  std::int64_t count = 0;   ///< reported (non-missing) values
  double median = 0;        ///< of the reported values (peer_median policy)
  double full_mark = 0;     ///< capped_ratio with a quantile full mark (transformed)
  double lower = 0;         ///< min_max: lower winsorization bound (transformed)
  double upper = 0;         ///< min_max: upper winsorization bound (transformed)
};

/// The frozen reference population. Read-only once fitted.
struct Reference {
  std::string model_id;           ///< Model::id it was fitted with
  std::uint64_t content_hash = 0; ///< CRC-64/XZ of the binary form (see save)
  std::int64_t population = 0;    ///< registered enterprises fitted
  /// Groups of every level; the finest level's come first, ordered so that
  /// each coarser group's finest groups are contiguous.
  std::vector<PeerGroup> groups;
  std::int32_t fine_count = 0;    ///< number of finest-level groups
  /// Per indicator: reported values of each finest group, transformed (see
  /// Indicator::transform) and sorted ascending, groups one after another.
  std::vector<std::vector<double>> sorted;
  /// Per indicator: fine_count + 1 offsets into `sorted`.
  std::vector<std::vector<std::int64_t>> offsets;
  /// Per indicator: statistics of every group (indexed like `groups`).
  std::vector<std::vector<GroupStats>> stats;

  /// The group of `level` with these keys, or -1 when it has no members.
  std::int32_t find_group(std::int32_t level, std::int32_t stage, std::int32_t industry,
                          std::int32_t province) const;
  /// The group an enterprise with these attributes is compared in: the finest
  /// level whose group has at least min_size members, else the last level's
  /// group; -1 when no level has a group for it.
  std::int32_t peer_group_for(const Model& model, std::int32_t stage, std::int32_t industry,
                              std::int32_t province) const;
  /// Human-readable label of a group, e.g. "成长期 · C 制造业" or "全国".
  std::string group_label(const Model& model, std::int32_t group) const;
  /// Reported values of `indicator` in `group` that are <= x (weak count).
  std::int64_t count_at_most(int indicator, std::int32_t group, double x) const;
  /// Reported values of `indicator` in `group` that are < x (strict count).
  std::int64_t count_below(int indicator, std::int32_t group, double x) const;

  /// Writes the compact binary form (little-endian, versioned).
  void save(std::ostream& out) const;
  /// Reads what save wrote; throws Error(corrupt_snapshot) on anything else.
  static Reference load(std::istream& in);
  /// The hash save would give; computed by fit and checked by load.
  std::uint64_t compute_hash() const;
  /// A JSON document with the groups and per-group statistics (not the sorted
  /// values, which only the binary form carries).
  std::string to_json(const Model& model) const;

  // Lookup tables built by fit/load: key -> group, per level.
  std::vector<std::vector<std::pair<std::uint64_t, std::int32_t>>> group_index;
  /// Rebuilds group_index from groups (called by fit and load).
  void index_groups();
};

/// Fits the reference on the table's registered rows (registered == 1).
/// Throws Error(invalid_argument) when the table lacks a column the model needs.
Reference fit(const Model& model, const Table& table);

}  // namespace cxjf
