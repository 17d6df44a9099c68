// cxjf: one enterprise's analysis on a frozen snapshot: why its score is
// what it is (reasons: its points against its peer group's median
// enterprise), and what if some of its data changed (what-if). Everyone
// else stays frozen: a registered enterprise is compared with the reference
// without itself and joins it with its new values, so that with no change
// it gets exactly its actual score (docs/analysis.md).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cxjf/estimate.hpp"
#include "cxjf/scores.hpp"
#include "cxjf/snapshot.hpp"

namespace cxjf {

/// Changes to one enterprise's data.
struct Changes {
  /// Indicator id -> new value in the indicator's unit (NaN: missing).
  std::vector<std::pair<std::string, double>> values;
  /// Qualifications (企业资质) gained, as the model's bonus items name them.
  std::vector<std::string> add_qualifications;
  /// Qualifications lost.
  std::vector<std::string> remove_qualifications;
  /// Negative-list flags (负面清单) cleared.
  std::vector<std::string> clear_negatives;

  /// True when nothing changes.
  bool empty() const {
    return values.empty() && add_qualifications.empty() && remove_qualifications.empty() && clear_negatives.empty();
  }
};

/// One enterprise's score in a what-if: its ledger, published score, grade
/// and the ranks it would have among the others (who stay as they are).
struct ScoreOutcome {
  Ledger ledger;
  std::int64_t published_units = 0;  ///< published score x 10^decimals
  std::int32_t grade = 0;
  /// At estimate_rank_levels: 1 + the others of the unit scoring strictly
  /// higher (competition ranking); 0 where it has no unit at that level.
  std::array<std::int32_t, 6> rank{};
};

/// A what-if: the enterprise as it is and with the changes.
struct WhatIf {
  ScoreOutcome before;  ///< its ledger's row is the snapshot's (registered) or the given table's
  ScoreOutcome after;   ///< its ledger's row is row 0 of `changed`
  Table changed;   ///< the enterprise with the changes, as a one-row table
  bool registered = false;  ///< scored without itself in the reference (else as a newcomer)
};

/// One indicator against the peer group's median enterprise.
struct Reason {
  int indicator = 0;        ///< model indicator index
  double value = 0;         ///< the enterprise's value (NaN when missing)
  double median = 0;        ///< the peer group's median value
  double points = 0;        ///< points the enterprise earns on it
  double median_points = 0; ///< points an enterprise with the median value earns
  double gap = 0;           ///< points - median_points
  std::string text_zh;      ///< e.g. "研发费用金额低于同类企业中位数（426.69 万元，同类中位数 612.00 万元），少得 2.31 分"
  std::string text_en;
};

/// Strengths (gap > 0, largest first) and weaknesses (gap < 0, largest
/// shortfall first), over the indicators compared with peers (those whose
/// peers' values the reference keeps).
struct Reasons {
  std::vector<Reason> strengths;
  std::vector<Reason> weaknesses;
};

/// What an enterprise aims at: a published score (by default the model's
/// list threshold, 70), a grade, or a place in the top K of its unit at a
/// level (national, province, city, county, zone). Every kind comes down to
/// a published score: a grade's lowest score, or the K-th highest score of
/// the others of the unit (distinct scores when ranks are dense), since a
/// rank is 1 + those scoring strictly higher.
struct Target {
  /// Which kind of target.
  enum class Kind : std::uint8_t { score, grade, rank };
  Kind kind = Kind::score;
  double score = -1;  ///< Kind::score; below 0: the model's list_threshold
  std::string grade;  ///< Kind::grade: a grade id, e.g. "A"
  RankLevel level = RankLevel::province;  ///< Kind::rank
  std::int32_t top = 0;                   ///< Kind::rank: K
};

/// Options of a path search.
struct PathOptions {
  /// Indicators the enterprise cannot act on (ids): left as they are.
  std::vector<std::string> fixed;
  /// Indicator id -> the most it may reach; by default the largest value
  /// in its peer group (or the top of its scale: the last breakpoint, 1 for
  /// a yes/no indicator, the full mark of a constant capped ratio, the
  /// value that earns a bonus item's cap), never below today's value.
  std::vector<std::pair<std::string, double>> caps;
  /// Also search the combined plan of least total effort (Path::plan).
  bool plan = true;
  /// The most steps one plan search may take (a step is a node of the
  /// search or a score, 0.1 to 1 µs): past it the search stops with the
  /// cheapest plan found so far (Plan::optimal false, Plan::lower_bound).
  std::int64_t plan_budget = 200000;
};

/// One indicator changed alone.
struct IndicatorPath {
  int indicator = 0;          ///< model indicator index
  double current = 0;         ///< today's value (NaN when missing)
  double cap = 0;             ///< the most it may reach
  bool reachable = false;     ///< some value up to `cap` reaches the target
  double value = 0;           ///< the least such value (NaN when unreachable)
  double effort = 0;          ///< the relative increase (value - current) / current, or / (cap - current) from 0, missing or below (docs/analysis.md)
  std::int64_t published_units = 0;  ///< the score at `value` (at `cap` when unreachable)
};

/// One change of a plan.
struct PlanChange {
  int indicator = 0;     ///< model indicator index
  double current = 0;    ///< today's value (NaN when missing)
  double value = 0;      ///< the value the plan asks for
  double effort = 0;     ///< its relative increase, as IndicatorPath::effort
};

/// The combined plan of least total effort: changes of several indicators
/// at once whose efforts (relative increases, docs/analysis.md) sum to the
/// least, re-scored to prove it reaches the target. The search is exact
/// over these candidates (docs/analysis.md, "The combined plan"): each
/// indicator whose points change only at some values (percentile, steps,
/// yes/no) at every such value up to its cap, counts at every whole value,
/// indicators rising along a grid of hundredths (piecewise, capped ratio,
/// min-max) at the ends of their pieces the model fixes (breakpoints, a
/// constant full mark) and their caps, and any one of those at any value
/// of its grid. The first plan tried comes from a sample of those values
/// and of the grids, and may be cheaper than any of them; every change of
/// the answer is lowered, one at a time, to the least value that still
/// reaches the target with the others.
struct Plan {
  bool searched = false;   ///< false when PathOptions::plan was off: the rest is empty
  bool reachable = false;  ///< all indicators at their caps together reach the target
  bool optimal = false;    ///< the search finished: no cheaper plan among the candidates
  double effort = 0;       ///< the sum of the changes' efforts
  /// No plan, with any values up to the caps, can cost less: the search's
  /// Lagrangian bound (docs/analysis.md), at most `effort`; 0 when the
  /// budget ran out while scoring candidates.
  double lower_bound = 0;
  std::vector<PlanChange> changes;   ///< in model order; empty when unreachable or reached today
  std::int64_t published_units = 0; ///< the score with all the changes (with all at their caps when unreachable)
  std::int64_t steps = 0;            ///< nodes visited and scores computed: the search's cost
};

/// The path to a target: what each indicator alone must reach, and the
/// plan of least total effort.
struct Path {
  std::int64_t target_units = 0;   ///< the target as a published score x 10^decimals
  std::int64_t current_units = 0;  ///< the score today
  bool reached = false;            ///< today's score already reaches it
  /// Each indicator the enterprise can act on (scored, higher is better,
  /// not fixed), in model order.
  std::vector<IndicatorPath> single;
  /// The combined plan (when PathOptions::plan).
  Plan plan;
};

/// One enterprise's distance to a target (Analyzer::distances): the points
/// it lacks and the cheapest change that makes them up.
struct Distance {
  std::int64_t row = 0;            ///< registered row of the snapshot
  std::int64_t target_units = 0;   ///< the target as published units
  std::int64_t missing_units = 0;  ///< target - score today, 0 when reached
  /// The cheapest single change (least IndicatorPath::effort): its
  /// indicator, -1 when reached or when no indicator alone reaches it.
  int indicator = -1;
  double value = 0;   ///< its least value (NaN when indicator is -1)
  double effort = 0;  ///< its effort (0 when reached, NaN when none alone reaches)
  Plan plan;          ///< the combined plan, when PathOptions::plan
};

/// Analyses enterprises of one snapshot. Building it prepares the model
/// once; the snapshot must outlive it. Calls may run on several threads.
class Analyzer {
 public:
  explicit Analyzer(const Snapshot& snapshot);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  /// The snapshot analysed.
  const Snapshot& snapshot() const;

  /// Registered row `row` of the snapshot with `changes`. Throws
  /// Error(invalid_argument) naming an unknown indicator, qualification or
  /// flag, or a row outside the table.
  WhatIf what_if(std::int64_t row, const Changes& changes) const;
  /// Row `row` of another table (an upload's enterprise not in the
  /// snapshot), scored as a newcomer as estimation scores it.
  WhatIf what_if(const Table& table, std::int64_t row, const Changes& changes) const;

  /// The ledger of registered row `row`, as explain() gives it, with the
  /// model prepared once (the detail answer's).
  Ledger ledger(std::int64_t row) const;

  /// The reasons behind registered row `row`'s score: at most `top` of each side.
  Reasons reasons(std::int64_t row, int top = 3) const;

  /// The target as published units for registered row `row` (a rank target
  /// counts the others of its unit). Throws Error(invalid_argument) for an
  /// unknown grade, a top K below 1, or a level the row has no unit at.
  std::int64_t target_units(std::int64_t row, const Target& target) const;

  /// For registered row `row`, the least value of each indicator alone that
  /// reaches `target`, everyone else frozen (scored as what_if scores). The
  /// score rises with each such indicator, so the least value is found by
  /// bisection among finitely many candidates: the peer values above today's
  /// (a percentile changes only there, and just above zero under the zero
  /// rule), the thresholds of a steps mapping, 1 for a yes/no indicator, and
  /// for continuous mappings (piecewise, capped ratio, min-max, a bonus per
  /// unit) every value on the indicator's grid: whole numbers for counts
  /// (件, 个, 人, 项, 家), hundredths otherwise. Each answer is
  /// rescored: `published_units` is the score at that value.
  Path path(std::int64_t row, const Target& target, const PathOptions& options = {}) const;

  /// For each of `rows` (registered rows), its distance to `target`: the
  /// points missing and the cheapest single change; with options.plan also
  /// the combined plan (about a tenth of a second each on a national
  /// snapshot: turn it on for short lists). The officer's list ("the 200
  /// enterprises of my county closest to 70, and what each lacks") is the
  /// rows sorted by missing_units. On `threads` threads (0: one per core);
  /// the answer does not depend on their number.
  std::vector<Distance> distances(const std::vector<std::int64_t>& rows, const Target& target,
                                  const PathOptions& options = {}, unsigned threads = 0) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Reasons as JSON: {"strengths": [...], "weaknesses": [...]}, each with
/// indicator id and names, value, median, points, median_points, gap and
/// the two sentences.
std::string reasons_json(const Model& model, const Reasons& reasons);

/// A path as JSON: target, current score, and per indicator its current
/// value, cap, least value (null when unreachable), effort and score there.
std::string path_json(const Model& model, const Path& path);

/// A what-if as JSON: "before" and "after", each with score, grade, ranks
/// and the ledger (Ledger::to_json), and "delta" (the score's change).
/// `table` is the table the enterprise's `before` row is in.
std::string what_if_json(const Snapshot& snapshot, const Table& table, const WhatIf& what_if);

}  // namespace cxjf
