// The fit's population pass, shared by fit() and the fused Snapshot::build.
#pragma once

#include <cstdint>
#include <vector>

#include "scoring/scoring.hpp"

namespace cxjf::detail {

/// Per-row results of fitting: stage, finest group and the group used. A
/// caller that has the stages already may fill `stage` (one per row).
struct FitState {
  std::vector<std::int32_t> stage;
  std::vector<std::int32_t> fine;
  std::vector<std::int32_t> chosen;
};

/// A finest peer group before it is placed: its keys (-1/0 where the
/// finest level does not use one) and its registered enterprises.
struct FineGroup {
  std::int32_t stage, industry, province;
  std::int64_t size;
};

/// Where lay_out_groups put each finest group, and each level's group of it.
struct GroupLayout {
  std::vector<std::int32_t> rank_of_fine;                // input index -> position among ref.groups
  std::vector<std::vector<std::int32_t>> group_of_fine;  // [level][position] -> group
};

/// Fills ref.groups and ref.fine_count from the finest groups: the finest
/// first, ordered by the coarsest level's key first (so that each coarser
/// group's finest groups are contiguous), then each coarser level's groups.
/// One layout for fit and for merge_references, so that both give the same
/// reference.
GroupLayout lay_out_groups(const Model& model, const std::vector<FineGroup>& fines, Reference& ref);

/// Fills ref.stats[j] of every group from ref.sorted[j] and ref.offsets[j].
void fill_stats(const Prepared& p, std::size_t j, Reference& ref);

/// The fit in steps, so that the fused build can fit indicators on several
/// threads: the constructor settles the peer groups of every row and the
/// reference's groups; fit_indicator then fits one indicator, touching only
/// that indicator's part of the reference, so different indicators may be
/// fitted at the same time; finish adds the content hash.
class FitPlan {
 public:
  FitPlan(const Prepared& p, const Bound& b, const Table& table, FitState& state, Reference& ref);

  /// Scratch of one thread, grown on first use.
  struct Scratch {
    std::vector<std::uint64_t> keys, key_tmp;
    std::vector<std::uint32_t> payload_tmp;
  };

  /// Fits indicator j (one that needs peers): its sorted values, offsets and
  /// group statistics. `rows` (resized to the table's rows) receives the
  /// table row of each sorted value, each finest group's from
  /// bucket_start(f).
  void fit_indicator(std::size_t j, Scratch& scratch, std::vector<std::uint32_t>& rows) const;

  /// Calls fn(stage, values, rows, m) for each finest group whose members
  /// are compared within it, with the group's m reported values of indicator
  /// j (transformed, ascending) and the table row of each; `stage` is the
  /// stage of every member when the finest groups are split by stage, else -1.
  template <class Fn>
  void for_each_own_group(std::size_t j, const std::vector<std::uint32_t>& rows, Fn&& fn) const {
    const auto& values = ref_.sorted[j];
    const auto& off = ref_.offsets[j];
    for (std::size_t f = 0; f + 1 < fine_start_.size(); ++f) {
      if (chosen_of_fine_[f] != static_cast<std::int32_t>(f)) continue;
      auto m = static_cast<std::size_t>(off[f + 1] - off[f]);
      fn(ref_.groups[f].stage, values.data() + off[f], rows.data() + fine_start_[f], m);
    }
  }

  /// Whether every row is compared within its finest group.
  bool all_fine() const { return all_fine_; }

  /// Sets the reference's content hash (once every indicator is fitted).
  void finish() const { ref_.content_hash = ref_.compute_hash(); }

 private:
  const Prepared& p_;
  const Bound& b_;
  const Table& table_;
  const FitState& state_;
  Reference& ref_;
  std::vector<std::int64_t> fine_start_;      // per finest group (+1): its rows' bucket
  std::vector<std::int32_t> chosen_of_fine_;  // per finest group: the group its rows use
  bool all_fine_ = true;
};

/// Fits a Reference on every row of `table`, one indicator after another.
Reference fit_rows(const Prepared& p, const Bound& b, const Table& table, FitState& state);

/// Throws InputError when a credit code appears twice (rows as a
/// spreadsheet numbers them: the header is row 1).
void require_unique_codes(const Table& table);

/// Drops the rows of `table` where keep[i] is false, in place; the credit
/// codes only when `codes` (a caller still reading them compacts them later
/// with keep_codes).
void keep_rows(Table& table, const std::vector<bool>& keep, bool codes = true);
/// The credit-code part of keep_rows.
void keep_codes(Table& table, const std::vector<bool>& keep);

}  // namespace cxjf::detail
