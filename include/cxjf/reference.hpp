// cxjf: Reference, what `fit` learns from the registered population: the peer
// groups and, per indicator and finest peer group, the sorted values, plus the
// statistics the methods need (medians, full-mark quantiles, min-max bounds)
// for every group of every level. Frozen once fitted; saved inside a Snapshot
// with the model's id and a content hash, so a score can be recomputed later.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
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

/// Consecutive order statistics of a group's reported values, around one
/// quantile: enough to evaluate that quantile both for the group as it is and
/// for the group with one newcomer added (DESIGN.md §2, estimation).
struct OrderWindow {
  std::int64_t first = 0;      ///< 0-based rank of values[0] among the group's values
  std::vector<double> values;  ///< empty when the group has no reported values
};

/// What one indicator's normalization needs of one peer group.
struct GroupStats {
  std::int64_t count = 0;  ///< reported (non-missing) values
  OrderWindow median;      ///< peer_median policy: the 0.5 quantile
  OrderWindow full_mark;   ///< capped_ratio with full_mark_quantile (transformed values)
  OrderWindow lower;       ///< min_max: the lower winsorization quantile
  OrderWindow upper;       ///< min_max: the upper winsorization quantile
};

/// The frozen reference population. Read-only once fitted.
struct Reference {
  std::string model_id;           ///< Model::id it was fitted with
  std::uint64_t model_hash = 0;   ///< XXH3-64 of that model's JSON (Model::to_json): its content, not only its id
  std::uint64_t content_hash = 0; ///< XXH3-64 of the binary form (see save)
  std::int64_t population = 0;    ///< registered enterprises fitted
  /// Groups of every level; the finest level's come first, ordered so that
  /// each coarser group's finest groups are contiguous.
  std::vector<PeerGroup> groups;
  std::int32_t fine_count = 0;    ///< number of finest-level groups
  /// Per indicator: reported values of each finest group, transformed (see
  /// Indicator::transform) and sorted ascending, groups one after another.
  /// Empty for indicators whose method needs no peers (piecewise, steps,
  /// boolean, constant full mark) unless their missing policy is peer_median.
  std::vector<std::vector<double>> sorted;
  /// Per indicator: fine_count + 1 offsets into `sorted`.
  std::vector<std::vector<std::int64_t>> offsets;
  /// Per indicator: statistics of every group (indexed like `groups`).
  std::vector<std::vector<GroupStats>> stats;

  /// The group of `level` with these keys, or -1 when it has no members.
  std::int32_t find_group(std::int32_t level, std::int32_t stage, std::int32_t industry,
                          std::int32_t province) const;
  /// The group an enterprise with these attributes is compared in: the finest
  /// level whose group has at least min_size members (counting the enterprise
  /// itself when `newcomer`), else the last level's group; -1 when no level
  /// has a group for it.
  std::int32_t peer_group_for(const Model& model, std::int32_t stage, std::int32_t industry,
                              std::int32_t province, bool newcomer = false) const;
  /// Human-readable label of a group, e.g. "成长期 · C 制造业" or "全国";
  /// a province is named by `regions` (pass the table's region_table()).
  std::string group_label(const Model& model, std::int32_t group,
                          const Regions& regions = Regions::builtin()) const;
  /// Reported values of `indicator` in `group` that are <= x (weak count).
  std::int64_t count_at_most(int indicator, std::int32_t group, double x) const;
  /// Reported values of `indicator` in `group` that are < x (strict count).
  std::int64_t count_below(int indicator, std::int32_t group, double x) const;

  /// Writes the compact binary form (little-endian, versioned, ending with
  /// the content hash).
  void save(std::ostream& out) const;
  /// The bytes save() writes.
  std::string to_bytes() const;
  /// Reads what save wrote for `model`; throws Error(corrupt_snapshot) when
  /// the bytes are truncated or damaged, or were fitted with another model.
  static Reference load(std::istream& in, const Model& model);
  /// load() from bytes in memory.
  static Reference load_bytes(std::string_view bytes, const Model& model);
  /// The hash save writes: XXH3-64 of the binary form before the hash.
  std::uint64_t compute_hash() const;
  /// A JSON document with the groups and per-group statistics (the sorted
  /// values themselves are only in the binary form).
  std::string to_json(const Model& model) const;
  /// Throws Error(invalid_argument) unless this reference was fitted with
  /// `model` itself: the same id and the same content. A model file edited
  /// after fitting (another weight, quantile or method) would read outside
  /// the stored order-statistic windows.
  void require_model(const Model& model) const;

  /// Rebuilds the key -> group lookup of each level (fit and load call it).
  void index_groups(const Model& model);

 private:
  std::vector<std::vector<PeerKey>> level_keys;
  std::vector<std::vector<std::pair<std::uint64_t, std::int32_t>>> group_index;
};

/// Fits the reference on the table's registered rows (registered == 1).
/// Throws Error(invalid_argument) when the table lacks a column the model needs.
Reference fit(const Model& model, const Table& table);

/// The reference fit() gives on a whole population, from the references
/// fitted on its parts (disjoint sets of rows: partitions of a Dask or Spark
/// DataFrame, say): equal byte for byte (to_bytes) and by content hash,
/// whatever the parts, their order and their grouping, since merging merged
/// references is merging their parts. A part's reference is its exact
/// summary: each finest peer group's size and sorted values, from which the
/// coarser groups and every statistic are worked out again. Each part must
/// be fitted with `model` (else Error(invalid_argument)); no part is empty
/// of meaning, an empty one adds nothing. docs/distributed.md.
Reference merge_references(const Model& model, const std::vector<const Reference*>& parts);

}  // namespace cxjf
