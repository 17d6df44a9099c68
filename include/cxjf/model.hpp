// cxjf: Model, an indicator scheme. Every rule of how raw indicator values
// become a score lives here as data: categories, indicators and their
// normalization, per-stage weights, bonus and negative items, stage rules,
// peer groups, grades, scale and rounding. Models are loaded from JSON (the
// schema is documented in docs/model.md) and validated with messages that name
// the JSON path of each problem.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cxjf/error.hpp"

namespace cxjf {

/// How a raw value is mapped to a normalized value s in [0, 1].
enum class Method : std::uint8_t {
  percentile,    ///< share of the peer group at or below x (see Ties)
  capped_ratio,  ///< x / full_mark, clamped to [0, 1]
  piecewise,     ///< linear between breakpoints, clamped outside them
  steps,         ///< the s of the highest threshold at or below x
  min_max,       ///< (x - lo) / (hi - lo) within the peer group, after winsorization
  boolean,       ///< 1 when x is non-zero (higher) or zero (lower)
};

/// Tie convention of the percentile method.
enum class Ties : std::uint8_t {
  weak,    ///< #{peers <= x} / n (the default)
  strict,  ///< #{peers < x} / n
  mean,    ///< the mean of weak and strict
};

/// Whether a higher or a lower raw value is better.
enum class Direction : std::uint8_t { higher, lower };

/// A monotone transform applied before capped_ratio and min_max. Both are
/// sign-preserving (f(-x) = -f(x)) so they are defined for every value.
enum class Transform : std::uint8_t { none, log1p, sqrt };

/// What a missing raw value becomes.
enum class MissingPolicy : std::uint8_t {
  zero,         ///< treated as 0 (and so counted among the peers as 0)
  peer_median,  ///< the median of the peer group's reported values
  exclude,      ///< dropped; the category's other indicators are reweighted
};

/// What a negative item does to an enterprise that carries its flag.
enum class NegativeAction : std::uint8_t { deduct, veto };

/// How ranks treat equal published scores.
enum class RankTies : std::uint8_t {
  competition,  ///< 1, 2, 2, 4
  dense,        ///< 1, 2, 2, 3
};

/// How the exact total is rounded to the published decimals.
enum class Rounding : std::uint8_t { half_up, half_even };

/// An attribute that can key a peer group.
enum class PeerKey : std::uint8_t { stage, industry, province };

/// Where an enterprise's development stage comes from.
enum class StageBasis : std::uint8_t {
  data,     ///< the table's stage column; rows without one are refused
  revenue,  ///< bands of an indicator's value (e.g. revenue in 万元)
  age,      ///< bands of years between the founding date and `as_of`
};

/// A point of a piecewise mapping or a threshold of a steps mapping: raw value
/// x maps to normalized value s.
struct Breakpoint {
  double x = 0;  ///< raw value (after nothing: breakpoints are in raw units)
  double s = 0;  ///< normalized value in [0, 1]
};

/// How one indicator's raw value is normalized.
struct Normalization {
  Method method = Method::percentile;
  Ties ties = Ties::weak;  ///< percentile only
  /// capped_ratio: a constant full mark (满分值参考), in the indicator's unit.
  std::optional<double> full_mark;
  /// capped_ratio: the full mark is this quantile (0..1) of the peer group's
  /// values instead (linear interpolation between order statistics).
  std::optional<double> full_mark_quantile;
  /// piecewise (points) and steps (thresholds), x strictly increasing.
  std::vector<Breakpoint> breakpoints;
  /// min_max: winsorize at these quantiles of the peer group (default 0 and 1).
  double winsor_lower = 0.0;
  double winsor_upper = 1.0;
};

/// One indicator (a column of the table).
struct Indicator {
  std::string id;        ///< stable English id, e.g. "rd_expense"
  std::string name_zh;   ///< Chinese name as on the template, e.g. "研发费用金额"
  std::string name_en;   ///< English name
  std::string unit;      ///< e.g. "万元", "%", "件", "人"
  std::string category;  ///< category id; empty for an input-only indicator
  Normalization normalization;
  Direction direction = Direction::higher;
  Transform transform = Transform::none;
  /// A value <= 0 earns s = 0 (amounts and counts: having none must not earn
  /// percentile points for tying with the others who have none).
  bool zero_earns_zero = false;
  MissingPolicy missing = MissingPolicy::zero;
  /// Points at s = 1, one per stage in Model::stages order; empty when the
  /// indicator is input-only (used by a stage rule or a bonus item).
  std::vector<double> weights;
};

/// A group of indicators whose points are summed (技术创新, 成长经营, ...).
struct Category {
  std::string id;
  std::string name_zh;
  std::string name_en;
};

/// A development stage (初创期, 成长期, 稳定期, ...).
struct Stage {
  std::string id;
  std::string name_zh;
  std::string name_en;
};

/// How a stage is assigned when the data carry none.
struct StageRule {
  StageBasis basis = StageBasis::data;
  /// revenue basis: the id of the indicator whose value is banded.
  std::string indicator;
  /// Upper bounds, one fewer than the stages: stage i holds values in
  /// [bounds[i-1], bounds[i]). Strictly increasing.
  std::vector<double> bounds;
  /// age basis: the date ages are measured to, as YYYYMMDD.
  std::int32_t as_of = 0;
};

/// Which enterprises are compared with which.
struct PeerGroups {
  /// Groupings from finest to coarsest, each a set of keys; each must be a
  /// subset of the one before. The last is usually empty (national).
  std::vector<std::vector<PeerKey>> chain;
  /// A group with fewer registered enterprises falls back to the next grouping.
  std::int32_t min_size = 30;
};

/// Points added on top of the base score, up to Scale::bonus_max.
struct BonusItem {
  std::string id;
  std::string name_zh;
  std::string name_en;
  /// Either a qualification (资质) that earns `points` when held...
  std::string qualification;
  /// ...or an indicator that earns `per_unit` points per unit, at most `points`.
  std::string indicator;
  double per_unit = 0;
  double points = 0;
};

/// A negative item (负面指标): a flag that deducts points or vetoes the score.
struct NegativeItem {
  std::string id;
  std::string name_zh;  ///< the flag as written in the data, e.g. "严重失信主体名单"
  std::string name_en;
  NegativeAction action = NegativeAction::deduct;
  double points = 0;  ///< deduct only
};

/// A grade band: published scores >= min_score (and below the next band).
struct Grade {
  std::string id;  ///< e.g. "A"
  double min_score = 0;
};

/// The score's scale and how it is published.
struct Scale {
  double base_max = 100;   ///< what the per-stage weights sum to
  double bonus_max = 0;    ///< cap of the bonus points
  double total_max = 100;  ///< cap of base + bonus - deductions
  std::int32_t decimals = 2;
  Rounding rounding = Rounding::half_up;
};

/// An indicator scheme. Build one with Model::from_json or default_model();
/// both validate, so a Model in hand is always consistent.
struct Model {
  std::string id;           ///< e.g. "torch-2022"
  std::string name;         ///< display name
  std::string description;  ///< what it is and where its numbers come from
  Scale scale;
  /// Region roles' enterprise lists show only published scores >= this.
  double list_threshold = 70;
  RankTies rank_ties = RankTies::competition;
  std::vector<Category> categories;
  std::vector<Stage> stages;
  StageRule stage_rule;
  std::vector<Indicator> indicators;
  PeerGroups peer_groups;
  std::vector<BonusItem> bonus;
  std::vector<NegativeItem> negatives;
  std::vector<Grade> grades;  ///< descending by min_score; the last has min 0

  /// Parses and validates a model document. Throws ModelError listing every
  /// problem with its JSON path, or Error(invalid_model) for malformed JSON.
  static Model from_json(std::string_view json_text);
  /// Reads and parses a model file (Error(io) when unreadable).
  static Model from_file(const std::string& path);
  /// Serializes to the JSON document from_json reads (round-trips exactly).
  std::string to_json() const;
  /// Every consistency problem of this model (empty when valid).
  std::vector<ModelProblem> problems() const;

  /// Index of the indicator with this id, or -1.
  int indicator_index(std::string_view id) const;
  /// Index of the stage whose id or Chinese or English name is `name`, or -1.
  int stage_index(std::string_view name) const;
  /// Index of the category with this id, or -1.
  int category_index(std::string_view id) const;
  /// Index of the grade a published score falls in.
  int grade_of(double published_score) const;
};

/// The embedded default model, `torch-2022`: the 18 public indicators of the
/// 2022 工作指引 with ILLUSTRATIVE weights and methods (the official ones are
/// not published).
const Model& default_model();

/// The JSON text of an embedded model by id ("torch-2022", "torch-2025-trial"),
/// or an empty view when there is none.
std::string_view builtin_model_json(std::string_view id);

/// Ids of the embedded models.
std::vector<std::string> builtin_model_ids();

}  // namespace cxjf
