// cxjf: analyses of a whole population, for those who design and run an
// indicator scheme: a scheme's what-if (the same enterprises under another
// model), year over year (two snapshots matched by credit code) with the
// population stability index of every indicator, and where scores differ
// (distributions by province, zone, stage and industry, and the peer groups
// that fall back to a coarser one). docs/population.md has the definitions
// and a worked example.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "cxjf/snapshot.hpp"

namespace cxjf {

/// What compare() summarises beyond the enterprises themselves.
struct CompareOptions {
  /// Biggest movers listed each way (by published score change).
  std::int64_t movers = 20;
  /// Equal-count bins of the baseline for the population stability index
  /// (2..100); missing values are a bin of their own.
  int psi_bins = 10;
  /// Threads for the stability indices (one indicator per task): 0 means
  /// one per hardware thread. The result is the same on any count.
  unsigned threads = 0;
};

/// The ≥ list_threshold list of one region, before and after.
struct RegionChange {
  std::int32_t region = 0;             ///< GB/T 2260 code of a province, city or county
  std::int64_t enterprises_before = 0; ///< registered enterprises located there
  std::int64_t enterprises_after = 0;
  std::int64_t listed_before = 0;      ///< ... scoring at least the list threshold
  std::int64_t listed_after = 0;
  /// Listed there after but not before (new, or below the line or listed
  /// elsewhere before): listed_after - listed_before = entered - left.
  std::int64_t entered = 0;
  std::int64_t left = 0;               ///< listed there before but not after
};

/// How far two rankings of the same enterprises agree.
struct RankAgreement {
  std::int32_t province = 0;  ///< 0 for the nation, else the province code (after's location)
  std::int64_t enterprises = 0;  ///< matched enterprises counted
  /// Spearman's rho of the published scores (ties at their mean rank) and
  /// Kendall's tau-b; NaN for fewer than two enterprises or a constant side.
  double spearman = 0;
  double kendall = 0;
};

/// The population stability index of one indicator in one group.
struct IndicatorShift {
  std::string indicator;      ///< indicator id (present in both snapshots)
  /// -1 for the nation, else a peer group of the baseline's reference: the
  /// group each enterprise is (before) or would be (after) compared in.
  std::int32_t group = -1;
  std::int64_t count_before = 0;  ///< enterprises counted, missing values included
  std::int64_t count_after = 0;
  /// The bins' lower edges after the first (bin 0 is below edges[0]); the
  /// bins are equal-count quantiles of the baseline's reported values, a
  /// repeated edge merged.
  std::vector<double> edges;
  /// Enterprises per bin, edges.size() + 1 value bins then the missing bin.
  std::vector<std::int64_t> bins_before, bins_after;
  /// Σ (a − b) ln(a / b) over the bins' shares b (before) and a (after),
  /// a share of 0 counted as 0.0001.
  double psi = 0;
};

/// The conventional reading of a PSI: "stable" below 0.1, "moderate" below
/// 0.25, "major" from 0.25.
const char* psi_level(double psi);

/// Two scorings of enterprises matched by credit code: the same snapshot
/// under two models, or two years.
struct Comparison {
  /// Every enterprise of either side: its row before (-1 for an entrant)
  /// and after (-1 for a leaver). After's rows in their order come first,
  /// then the leavers in before's order.
  std::vector<std::int64_t> before, after;
  std::int64_t matched = 0, entrants = 0, leavers = 0;
  /// Grade transitions, row-major: (before's grades + 1) rows by (after's
  /// grades + 1) columns; the last row counts entrants by their grade after,
  /// the last column leavers by their grade before.
  std::vector<std::int64_t> grade_transitions;
  std::int32_t grades_before = 0, grades_after = 0;
  /// Every province, city and county holding an enterprise on either side,
  /// ordered by code.
  std::vector<RegionChange> regions;
  /// The nation first, then each province, over the matched enterprises.
  std::vector<RankAgreement> agreement;
  /// Indexes into before/after of the matched enterprises whose published
  /// score rose (fell) most, largest change first, ties by credit code.
  std::vector<std::int64_t> risers, fallers;
  /// Every shared indicator nationally, then per baseline peer group.
  std::vector<IndicatorShift> shifts;
};

/// Compares `before` with `after`, matching enterprises by credit code.
/// Ranks, grades and lists are each snapshot's own. Throws
/// Error(invalid_argument) for options out of range.
Comparison compare(const Snapshot& before, const Snapshot& after, const CompareOptions& options = {});

/// The scheme what-if: `snap`'s enterprises fitted and scored under `model`
/// (Snapshot::build), ready to compare with `snap`. Throws
/// Error(invalid_argument) naming an indicator the model needs that the
/// snapshot's table lacks.
Snapshot rescore(const Snapshot& snap, const Model& model, const BuildOptions& options = {});

/// The comparison's summary as a JSON document (docs/population.md): counts,
/// grade transitions, regions, rank agreement, movers and shifts.
std::string comparison_json(const Comparison& c, const Snapshot& before, const Snapshot& after);

/// One line per enterprise of the comparison, in its order: credit_code,
/// name, region (after's when present), status (matched, entrant, leaver),
/// score_before, score_after, change (in the finer decimals of the two),
/// rank_before, rank_after (national), grade_before, grade_after,
/// listed_before, listed_after (1 or 0); empty where a side has none. UTF-8,
/// CRLF line ends.
void write_comparison_csv(std::ostream& out, const Comparison& c, const Snapshot& before, const Snapshot& after);

/// Groupings of distribution().
enum class GroupBy : std::uint8_t { province, zone, stage, industry };

/// "province", "zone", "stage" or "industry" as a GroupBy; anything else
/// throws Error(invalid_argument) naming the four.
GroupBy parse_group_by(std::string_view name);

/// The published scores of one group of enterprises.
struct ScoreDistribution {
  std::int32_t key = -1;  ///< province code, zone code, stage index or industry 0..19; -1 for the nation
  std::string label;      ///< "全国", "广东省", the zone, stage or industry name
  std::int64_t enterprises = 0;
  /// Mean, median and quartiles of the published scores (quantiles linear
  /// between order statistics, as numpy's default).
  double mean = 0, q1 = 0, median = 0, q3 = 0;
  double listed_share = 0;  ///< share scoring at least the list threshold
  /// mean - the nation's mean, listed_share - the nation's.
  double mean_gap = 0, listed_gap = 0;
};

/// The nation, then each group with enterprises, ordered by key.
std::vector<ScoreDistribution> distribution(const Snapshot& snap, GroupBy by);

/// One line per group: key (empty for the nation), label, enterprises,
/// mean, q1, median, q3, listed_share, mean_gap, listed_gap (six decimals).
/// UTF-8, CRLF line ends.
void write_distribution_csv(std::ostream& out, const std::vector<ScoreDistribution>& groups);

/// Enterprises compared in a coarser peer group than their own keys' finest
/// one, because that group had fewer than PeerGroups::min_size members.
struct PeerFallback {
  std::int32_t stage = -1, industry = -1, province = 0;  ///< the finest level's keys (-1/0 not part of it)
  std::int32_t group = -1;        ///< the group they were compared in
  std::int64_t enterprises = 0;
};

/// Every set of finest keys whose enterprises fell back, most enterprises
/// first.
std::vector<PeerFallback> peer_fallbacks(const Snapshot& snap);

/// Where scores differ, as one JSON document (docs/population.md):
/// {"groups": [{key, label, enterprises, mean, q1, median, q3, listed_share,
/// mean_gap, listed_gap}, ...], "peer_fallbacks": [{stage, industry,
/// province, group, enterprises}, ...]}, the nation first among the groups
/// (key null, gaps null). `snap` names the stages, regions and groups.
std::string distribution_json(const std::vector<ScoreDistribution>& groups, const std::vector<PeerFallback>& fallbacks,
                              const Snapshot& snap);

}  // namespace cxjf
