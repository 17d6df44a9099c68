// cxjf: uncertainty and sensitivity of ranks under a scheme's uncertain
// choices. Each draw perturbs every stage weight and renormalises each
// stage's weights to the model's base maximum, and may pick one of several
// tie rules and missing-value policies; weights change points, not
// normalised values, so a draw re-sums and re-ranks the snapshot's
// enterprises without fitting again (each alternative rule is fitted once). Deterministic for a seed and identical
// on any thread count; draw d depends on the seed and d alone, so the draws
// split into independent batches. docs/population.md, "Uncertainty of ranks".
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "cxjf/snapshot.hpp"

namespace cxjf {

/// How weights are drawn.
struct UncertaintyOptions {
  /// Draws to make (the batch's size when first_draw > 0).
  std::int64_t draws = 1000;
  /// Index of the batch's first draw: draws first_draw .. first_draw + draws - 1.
  std::int64_t first_draw = 0;
  std::uint64_t seed = 1;
  /// Uniform perturbation: each stage weight w becomes w (1 + spread u),
  /// u uniform in [-1, 1], then the stage's weights are scaled to sum to
  /// Scale::base_max. In [0, 1).
  double spread = 0.25;
  /// When > 0, a Dirichlet draw around the weights instead: a stage's
  /// weights are base_max times Dirichlet(concentration w / base_max), so a
  /// larger concentration stays closer to them.
  double concentration = 0;
  /// Alternative tie rules of the percentile method: each draw applies one
  /// of them, chosen uniformly, to every percentile indicator. Empty: the
  /// model's own.
  std::vector<Ties> ties;
  /// Alternative missing-value policies: each draw applies one of them,
  /// chosen uniformly, to every scored indicator. Empty: the model's own.
  std::vector<MissingPolicy> missing;
  /// Threads, the calling one included; 0 means one per hardware thread.
  unsigned threads = 0;
};

/// Every stage's weights in draw `draw`: stages x indicators, row-major, in
/// model order (0 for an input-only indicator). Throws
/// Error(invalid_argument) for options out of range.
std::vector<double> draw_weights(const Model& model, const UncertaintyOptions& options, std::int64_t draw);

/// The model draw `draw` scores with: the drawn weights, and the drawn tie
/// rule and missing policy where options offer alternatives.
Model drawn_model(const Model& model, const UncertaintyOptions& options, std::int64_t draw);

/// The national ranks of every enterprise over the draws.
struct RankBands {
  std::int64_t draws = 0;
  /// Per enterprise (the snapshot's rows): its rank in the snapshot, then
  /// the order statistics of its ranks over the draws: the smallest rank r
  /// with at least q of the draws at or better than r, for q = 5 %, 50 %
  /// and 95 % (p05 is the optimistic end of the band).
  std::vector<std::int32_t> nominal, p05, median, p95;
  /// Share of the draws in which it scores at least the list threshold.
  std::vector<double> listed;
};

/// Ranks of `snap`'s enterprises under `options.draws` draws, each draw's
/// scores rounded and ranked (ties as the model says) as scoring does, in
/// double arithmetic. Each alternative tie rule or missing policy drawn is
/// fitted once on the snapshot's enterprises. Memory: 8 bytes per
/// enterprise and scored indicator for each alternative drawn, 4 bytes per
/// published value for each draw.
RankBands rank_bands(const Snapshot& snap, const UncertaintyOptions& options = {});

/// rank_bands in two passes that split over machines (docs/distributed.md).
/// Pass 1, draw_counts: for each draw of `options` (first_draw ..
/// first_draw + draws - 1), how many enterprises publish each value; batches
/// of draws count apart, and merge_draw_counts joins them in draw order.
/// Pass 2, rank_bands_of_rows: the bands of a range of rows from the counts
/// of every draw; ranges of rows run apart and their bands concatenate. Both
/// read the whole snapshot. The result is rank_bands', bit for bit.
struct DrawCounts {
  std::int64_t first_draw = 0;
  std::int64_t draws = 0;
  std::int64_t values = 0;            ///< published values 0 .. values - 1
  std::vector<std::int32_t> counts;   ///< draws x values, draw after draw
};

/// Pass 1 for the draws of `options`.
DrawCounts draw_counts(const Snapshot& snap, const UncertaintyOptions& options);

/// Batches of pass 1 joined in draw order; throws Error(invalid_argument)
/// unless they follow one another over the same values.
DrawCounts merge_draw_counts(std::vector<DrawCounts> parts);

/// Pass 2: the bands of rows row_begin .. row_end - 1 (RankBands' vectors
/// hold those rows only) from the counts of exactly the draws of `options`.
RankBands rank_bands_of_rows(const Snapshot& snap, const UncertaintyOptions& options, const DrawCounts& counts,
                             std::int64_t row_begin, std::int64_t row_end);

/// Variance-based sensitivity of the ranks to each indicator's weights.
struct Sensitivity {
  /// Inputs: the scored indicators' ids; each input is that indicator's
  /// weight factors in every stage (a group of the uniform draws' u); then
  /// "ties" and "missing" when options offer alternatives.
  std::vector<std::string> inputs;
  /// The model index of each input's indicator, -1 for "ties" and "missing".
  std::vector<int> indicators;
  /// First-order and total indices per input (Jansen's estimators over
  /// Saltelli's A, B and A_B matrices), for the national rank and for list
  /// membership (1 when listed), each aggregated over the enterprises as
  /// the sum of their variances (Gamboa et al. 2013).
  std::vector<double> rank_first, rank_total, listed_first, listed_total;
  std::int64_t samples = 0;      ///< N, rows of A and B
  std::int64_t evaluations = 0;  ///< N (inputs + 2) scorings of the population
};

/// Sensitivity of `snap`'s ranks with `samples` rows of Saltelli's design:
/// uniform perturbations of options.spread, and the alternatives of
/// options.ties and options.missing (draws, first_draw and concentration
/// are not used).
Sensitivity rank_sensitivity(const Snapshot& snap, std::int64_t samples, const UncertaintyOptions& options = {});

/// Tie rules from their model spellings separated by commas ("weak,strict,mean"),
/// for UncertaintyOptions::ties. Throws Error(invalid_argument) naming an
/// unknown one.
std::vector<Ties> parse_ties(std::string_view list);
/// Missing policies the same way ("zero,peer_median,exclude").
std::vector<MissingPolicy> parse_missing_policies(std::string_view list);

/// One line per enterprise in table order: credit_code, name, score, rank,
/// rank_p05, rank_median, rank_p95, listed_share. UTF-8, CRLF line ends.
void write_rank_bands_csv(std::ostream& out, const RankBands& bands, const Snapshot& snap);

/// The Chinese name of input k: its indicator's, or 平局规则 (ties) and
/// 缺失值处理 (missing).
std::string input_name(const Sensitivity& s, std::size_t k, const Model& model);

/// Rank bands as one JSON document (docs/population.md): {"draws",
/// "enterprises", "rows": [{credit_code, name, score, rank, rank_p05,
/// rank_median, rank_p95, listed_share}, ...]}, the rows in nominal rank
/// order (ties in row order), at most `top` of them (all when top <= 0).
std::string rank_bands_json(const RankBands& bands, const Snapshot& snap, std::int64_t top = 0);

/// The indices as a JSON document: samples, evaluations and per input its
/// indicator id, Chinese name and the four indices (null when undefined).
std::string sensitivity_json(const Sensitivity& s, const Model& model);

}  // namespace cxjf
