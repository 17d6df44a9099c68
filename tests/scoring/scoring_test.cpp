// The scoring rules of DESIGN.md §2, one at a time, on tables small enough to
// work out on paper. Every model here has one stage, national peers and one
// category worth 10 points, so a score is 10 x s unless a test says otherwise.
#include <gtest/gtest.h>

#include <cmath>

#include "testing.hpp"

namespace cxjf {
namespace {

using testing::model_of;
using testing::published;
using testing::table_of;
using Strings = std::vector<std::string>;
constexpr double NaN = missing_value;

Strings scores_of(const Model& model, const std::vector<std::vector<double>>& values) {
  return published(Snapshot::build(model, table_of(model, values)).scores);
}

// Peers 0, 0, 5, 5, 10.
const std::vector<std::vector<double>> peers = {{0}, {0}, {5}, {5}, {10}};

TEST(Percentile, WeakCountsPeersAtOrBelow) {
  // 0: 2 of 5 at or below; 5: 4 of 5; 10: 5 of 5.
  EXPECT_EQ(scores_of(model_of({{R"("method": "percentile")", 10}}), peers),
            (Strings{"4.00", "4.00", "8.00", "8.00", "10.00"}));
}

TEST(Percentile, StrictCountsPeersBelow) {
  // 0: none below; 5: 2 of 5; 10: 4 of 5.
  EXPECT_EQ(scores_of(model_of({{R"("method": "percentile", "ties": "strict")", 10}}), peers),
            (Strings{"0.00", "0.00", "4.00", "4.00", "8.00"}));
}

TEST(Percentile, MeanAveragesWeakAndStrict) {
  // 0: (2+0)/10; 5: (4+2)/10; 10: (5+4)/10.
  EXPECT_EQ(scores_of(model_of({{R"("method": "percentile", "ties": "mean")", 10}}), peers),
            (Strings{"2.00", "2.00", "6.00", "6.00", "9.00"}));
}

TEST(Percentile, ZeroRuleGivesNothingForNone) {
  // Zeros earn 0 but still count among the peers of the others.
  EXPECT_EQ(scores_of(model_of({{R"("method": "percentile", "zero_earns_zero": true)", 10}}), peers),
            (Strings{"0.00", "0.00", "8.00", "8.00", "10.00"}));
}

TEST(Percentile, LowerIsBetterCountsPeersAtOrAbove) {
  // 0: 5 of 5 at or above; 5: 3 of 5; 10: 1 of 5.
  EXPECT_EQ(scores_of(model_of({{R"("method": "percentile", "direction": "lower")", 10}}), peers),
            (Strings{"10.00", "10.00", "6.00", "6.00", "2.00"}));
}

TEST(CappedRatio, ConstantFullMark) {
  // 4/8, 10/8 capped at 1, -2/8 clamped at 0.
  EXPECT_EQ(scores_of(model_of({{R"("method": "capped_ratio", "full_mark": 8)", 10}}), {{4}, {10}, {-2}}),
            (Strings{"5.00", "10.00", "0.00"}));
}

TEST(CappedRatio, QuantileFullMark) {
  // 0.9 quantile of 0,0,5,5,10: h = 4 x 0.9 = 3.6, 5 + 0.6 x (10 - 5) = 8.
  EXPECT_EQ(scores_of(model_of({{R"("method": "capped_ratio", "full_mark_quantile": 0.9)", 10}}), peers),
            (Strings{"0.00", "0.00", "6.25", "6.25", "10.00"}));
  // The median is 5.
  EXPECT_EQ(scores_of(model_of({{R"("method": "capped_ratio", "full_mark_quantile": 0.5)", 10}}), peers),
            (Strings{"0.00", "0.00", "10.00", "10.00", "10.00"}));
}

TEST(CappedRatio, TransformsApplyToValueAndFullMark) {
  // log1p: ln(1 + 9) / ln(1 + 99) = 1/2.
  EXPECT_EQ(scores_of(model_of({{R"("method": "capped_ratio", "full_mark": 99, "transform": "log1p")", 10}}),
                      {{9}, {99}, {0}}),
            (Strings{"5.00", "10.00", "0.00"}));
  // sqrt: sqrt(25) / sqrt(100) = 1/2.
  EXPECT_EQ(scores_of(model_of({{R"("method": "capped_ratio", "full_mark": 100, "transform": "sqrt")", 10}}), {{25}}),
            (Strings{"5.00"}));
}

TEST(Piecewise, InterpolatesBetweenBreakpointsAndClamps) {
  // 15: 0.3 + 15/30 x 0.7 = 0.65; -10: 0 + 10/20 x 0.3 = 0.15; beyond the ends: 1 and 0.
  EXPECT_EQ(scores_of(model_of({{R"("method": "piecewise", "breakpoints": [[-20, 0], [0, 0.3], [30, 1]])", 10}}),
                      {{15}, {-10}, {50}, {-30}, {0}}),
            (Strings{"6.50", "1.50", "10.00", "0.00", "3.00"}));
}

TEST(Steps, TakesTheHighestThresholdReached) {
  EXPECT_EQ(scores_of(model_of({{R"("method": "steps", "breakpoints": [[1, 0.5], [3, 1]])", 10}}),
                      {{0}, {1}, {2}, {3}, {7}}),
            (Strings{"0.00", "5.00", "5.00", "10.00", "10.00"}));
}

TEST(MinMax, ScalesBetweenPeerMinimumAndMaximum) {
  EXPECT_EQ(scores_of(model_of({{R"("method": "min_max")", 10}}), peers),
            (Strings{"0.00", "0.00", "5.00", "5.00", "10.00"}));
  EXPECT_EQ(scores_of(model_of({{R"("method": "min_max", "direction": "lower")", 10}}), peers),
            (Strings{"10.00", "10.00", "5.00", "5.00", "0.00"}));
}

TEST(MinMax, WinsorizesAtPeerQuantiles) {
  // 0.25 quantile: h = 1 -> 0; 0.75 quantile: h = 3 -> 5; 10 is clamped to 5.
  EXPECT_EQ(scores_of(model_of({{R"("method": "min_max", "winsorize": [0.25, 0.75])", 10}}), peers),
            (Strings{"0.00", "0.00", "10.00", "10.00", "10.00"}));
}

TEST(Boolean, NonZeroEarnsFullPoints) {
  EXPECT_EQ(scores_of(model_of({{R"("method": "boolean")", 10}}), {{0}, {3}}), (Strings{"0.00", "10.00"}));
  EXPECT_EQ(scores_of(model_of({{R"("method": "boolean", "direction": "lower")", 10}}), {{0}, {3}}),
            (Strings{"10.00", "0.00"}));
}

TEST(Missing, ZeroPolicyCountsTheMissingValueAsZero) {
  // Peers 0, 5, 10: 1/3, 2/3, 3/3.
  EXPECT_EQ(scores_of(model_of({{R"("method": "percentile", "missing": "zero")", 10}}), {{NaN}, {5}, {10}}),
            (Strings{"3.33", "6.67", "10.00"}));
}

TEST(Missing, PeerMedianImputesWithoutJoiningThePeers) {
  // Reported 2, 4, 6 (median 4); the missing row is scored as 4 among those 3.
  Model model = model_of({{R"("method": "percentile", "missing": "peer_median")", 10}});
  Snapshot snap = Snapshot::build(model, table_of(model, {{NaN}, {2}, {4}, {6}}));
  EXPECT_EQ(published(snap.scores), (Strings{"6.67", "3.33", "6.67", "10.00"}));
  EXPECT_EQ(snap.scores.imputed[0], 1);
  Ledger ledger = explain(model, snap.reference, snap.table, 0);
  EXPECT_TRUE(ledger.lines[0].imputed);
  EXPECT_EQ(ledger.lines[0].used, 4.0);
  EXPECT_EQ(ledger.lines[0].peers, 3);
}

TEST(Missing, ExcludeReweightsTheCategory) {
  // Weights 6 and 4, identity mapping. Row 1 lacks x1: its 3 points on x0
  // count as 3 x 10/6 = 5. Row 3 lacks both: 0.
  const std::string identity = R"("method": "piecewise", "breakpoints": [[0, 0], [1, 1]], "missing": "exclude")";
  Model model = model_of({{identity, 6}, {identity, 4}});
  Snapshot snap = Snapshot::build(model, table_of(model, {{0.5, NaN}, {0.5, 0.5}, {NaN, NaN}}));
  EXPECT_EQ(published(snap.scores), (Strings{"5.00", "5.00", "0.00"}));
  Ledger ledger = explain(model, snap.reference, snap.table, 0);
  EXPECT_TRUE(ledger.lines[1].excluded);
  EXPECT_DOUBLE_EQ(ledger.lines[0].points, 5.0);
}

const std::string identity = R"("method": "piecewise", "breakpoints": [[0, 0], [1, 1]])";
const std::string wide_scale = R"({"base_max": 10, "bonus_max": 5, "total_max": 20, "decimals": 2})";

TEST(Bonus, QualificationsAddUpToTheCap) {
  Model model = model_of({{identity, 10}},
                         R"("bonus": [{"id": "a", "name_zh": "甲", "name_en": "A", "qualification": "甲", "points": 3},
                                      {"id": "b", "name_zh": "乙", "name_en": "B", "qualification": "乙", "points": 3}])",
                         R"({"chain": [[]], "min_size": 1})", wide_scale);
  Table table = table_of(model, {{0.5}, {0.5}, {0.5}}, {{"甲", "乙"}, {"甲"}, {}});
  // 5 + min(3 + 3, 5); 5 + 3; 5.
  EXPECT_EQ(published(Snapshot::build(model, table).scores), (Strings{"10.00", "8.00", "5.00"}));
}

TEST(Bonus, IndicatorItemsEarnPerUnitUpToTheirPoints) {
  Model model = model_of({{identity, 10}, {R"("method": "boolean")", -1}},
                         R"("bonus": [{"id": "p", "name_zh": "专利", "name_en": "P", "indicator": "x1", "per_unit": 2, "points": 5}])",
                         R"({"chain": [[]], "min_size": 1})", wide_scale);
  // 5 + 2 x 2; 5 + min(2 x 4, 5); 5 + 0.
  EXPECT_EQ(scores_of(model, {{0.5, 2}, {0.5, 4}, {0.5, 0}}), (Strings{"9.00", "10.00", "5.00"}));
}

TEST(Bonus, TotalIsCappedAtTotalMax) {
  Model model = model_of({{identity, 10}},
                         R"("bonus": [{"id": "a", "name_zh": "甲", "name_en": "A", "qualification": "甲", "points": 5}])");
  // 8 + 5 = 13, capped at the scale's total of 10.
  EXPECT_EQ(published(Snapshot::build(model, table_of(model, {{0.8}}, {{"甲"}})).scores), (Strings{"10.00"}));
}

TEST(Negatives, DeductAndVeto) {
  Model model = model_of({{identity, 10}},
                         R"("negatives": [{"id": "d", "name_zh": "重大安全生产事故", "name_en": "D", "action": "deduct", "points": 3},
                                          {"id": "v", "name_zh": "严重失信主体名单", "name_en": "V", "action": "veto"}])");
  Table table = table_of(model, {{0.5}, {0.2}, {0.9}, {0.9}}, {},
                         {{"重大安全生产事故"}, {"重大安全生产事故"}, {"严重失信主体名单"}, {}});
  Snapshot snap = Snapshot::build(model, table);
  // 5 - 3; 2 - 3 floored at 0; vetoed; untouched.
  EXPECT_EQ(published(snap.scores), (Strings{"2.00", "0.00", "0.00", "9.00"}));
  EXPECT_EQ(snap.scores.veto, (std::vector<std::uint8_t>{0, 0, 1, 0}));
  EXPECT_DOUBLE_EQ(snap.scores.deduction[0], 3.0);
}

TEST(Grades, BandsOnThePublishedScore) {
  Model model = model_of({{identity, 10}});
  // 7.995 publishes as 8.00, grade A; 7.994 as 7.99, grade B.
  Snapshot snap = Snapshot::build(model, table_of(model, {{0.7995}, {0.7994}, {0.5}, {0.4999}}));
  EXPECT_EQ(published(snap.scores), (Strings{"8.00", "7.99", "5.00", "5.00"}));
  std::vector<std::string> grades;
  for (auto g : snap.scores.grade) grades.push_back(model.grades[static_cast<std::size_t>(g)].id);
  EXPECT_EQ(grades, (Strings{"A", "B", "B", "B"}));
}

// Totals that lie exactly on a rounding boundary in decimal but not in binary:
// 10 x 0.2675 is 2.675 exactly, while the double nearest 2.675 lies below it.
TEST(Rounding, HalfUpIsExactAtBoundaries) {
  Model model = model_of({{identity, 10}});
  EXPECT_EQ(scores_of(model, {{0.2675}, {0.8345}, {0.1005}, {0.0005}, {0.4445}, {0.83449999}, {0.5}}),
            (Strings{"2.68", "8.35", "1.01", "0.01", "4.45", "8.34", "5.00"}));
}

TEST(Rounding, HalfEvenIsExactAtBoundaries) {
  Model model = model_of({{identity, 10}}, "", R"({"chain": [[]], "min_size": 1})",
                         R"({"base_max": 10, "bonus_max": 0, "total_max": 10, "decimals": 2, "rounding": "half_even"})");
  // 2.675 -> 2.68 (7 is odd); 2.665 -> 2.66; 8.345 -> 8.34; 0.005 -> 0.00.
  EXPECT_EQ(scores_of(model, {{0.2675}, {0.2665}, {0.8345}, {0.0005}}), (Strings{"2.68", "2.66", "8.34", "0.00"}));
}

TEST(Rounding, SumsOfDecimalWeightsAreExact) {
  // Weights 3.3, 3.3 and 3.4: 3.3 x 0.45 + 3.3 x 0.5 = 1.485 + 1.65 = 3.135
  // exactly, a boundary (in doubles the sum falls just below it).
  Model model = model_of({{identity, 3.3}, {identity, 3.3}, {identity, 3.4}});
  EXPECT_EQ(scores_of(model, {{0.45, 0.5, 0}, {0.45, 0.4999, 0}, {0.45, 0.5, 0.0001}}),
            (Strings{"3.14", "3.13", "3.14"}));
}

// Weights 0.25, 0.75 and 0.125 (base 1.125): the model must be accepted
// (the weights' exact sum is 1.125, whatever leading zeros their decimals
// have), and totals of exactly x.xx5 published by the exact rule. Worked by
// hand: 0.25 a + 0.75 b + 0.125 c.
Model fractional_model(const std::string& rounding) {
  std::string json = R"({"id": "t", "name": "test", "description": "fractional weights",
    "list_threshold": 0.7,
    "scale": {"base_max": 1.125, "bonus_max": 0, "total_max": 1.125, "decimals": 2, "rounding": ")" +
                     rounding + R"("},
    "categories": [{"id": "c", "name_zh": "类", "name_en": "C"}],
    "stages": [{"id": "all", "name_zh": "全部", "name_en": "All"}],
    "stage_rule": {"basis": "revenue", "indicator": "x0", "bounds": []},
    "peer_groups": {"chain": [[]], "min_size": 1},
    "grades": [{"id": "A", "min": 0.8}, {"id": "B", "min": 0.5}, {"id": "C", "min": 0}],
    "indicators": [)";
  const char* weights[] = {"0.25", "0.75", "0.125"};
  for (int j = 0; j < 3; ++j)
    json += std::string(j ? "," : "") + R"({"id": "x)" + std::to_string(j) + R"(", "name_zh": "指标)" + std::to_string(j) + R"(", "name_en": "X)" + std::to_string(j) + R"(",
      "unit": "", )" + identity + R"(, "category": "c", "weights": {"all": )" + weights[j] + "}}";
  return Model::from_json(json + "]}");
}

const std::vector<std::vector<double>> fractional_rows = {
    {0.1, 0, 0},         // 0.025
    {0, 0.02, 0},        // 0.015
    {0, 0, 0.28},        // 0.035
    {0.3, 0.1, 0.2},     // 0.075 + 0.075 + 0.025 = 0.175
    {0.5, 0.5, 0.6},     // 0.125 + 0.375 + 0.075 = 0.575
    {1, 1, 1},           // 1.125
    {0.07, 0.03, 0.02},  // 0.0175 + 0.0225 + 0.0025 = 0.0425
    {0, 0.0199999, 0},   // 0.014999925
    {0.01, 0.11, 0.1},   // 0.0025 + 0.0825 + 0.0125 = 0.0975
};

TEST(Rounding, FractionalWeightsHalfUp) {
  EXPECT_EQ(scores_of(fractional_model("half_up"), fractional_rows),
            (Strings{"0.03", "0.02", "0.04", "0.18", "0.58", "1.13", "0.04", "0.01", "0.10"}));
}

TEST(Rounding, FractionalWeightsHalfEven) {
  EXPECT_EQ(scores_of(fractional_model("half_even"), fractional_rows),
            (Strings{"0.02", "0.02", "0.04", "0.18", "0.58", "1.12", "0.04", "0.01", "0.10"}));
}

// docs/scoring.md §1.8: among equal published scores the list goes by exact
// total, then credit code. Every row here totals exactly 9.552 (10 a + 10 b
// with a + b = 0.9552, split differently), so their doubles differ in the
// last bits but the list must follow the codes; two rows a hair above and
// below come first and last.
TEST(ListOrder, EqualExactTotalsFollowTheCreditCode) {
  Model model = model_of({{identity, 10}, {identity, 10}}, "", R"({"chain": [[]], "min_size": 1})",
                         R"({"base_max": 20, "bonus_max": 0, "total_max": 20, "decimals": 2})");
  std::vector<std::vector<double>> rows;
  for (int k = 0; k <= 60; ++k) {
    // a = k x 0.0157 (four decimals), b = 0.9552 - a, both read from text.
    char a[32], b[32];
    std::snprintf(a, sizeof a, "%.4f", k * 157 / 10000.0);
    std::snprintf(b, sizeof b, "%.4f", (9552 - k * 157) / 10000.0);
    rows.push_back({std::strtod(a, nullptr), std::strtod(b, nullptr)});
  }
  rows.push_back({0.95521, 0});  // 9.5521: above the others
  rows.push_back({0.95519, 0});  // 9.5519: below them
  Snapshot snap = Snapshot::build(model, table_of(model, rows));
  const auto n = static_cast<std::int32_t>(rows.size());
  std::vector<std::int32_t> expected;
  expected.push_back(n - 2);
  for (std::int32_t i = 0; i + 2 < n; ++i) expected.push_back(i);  // codes ascend with the row
  expected.push_back(n - 1);
  EXPECT_EQ(snap.scores.order, expected);
  for (std::int32_t i = 0; i < n; ++i) EXPECT_EQ(snap.scores.published_text(i), "9.55");
  // The general path (fit, then score) agrees.
  Scores general = score(model, snap.reference, snap.table);
  EXPECT_EQ(general.order, expected);
}

TEST(Rounding, DoubleHelperRoundsHalfUpAndHalfEven) {
  EXPECT_EQ(round_to_units(2.5, 0, Rounding::half_up), 3);
  EXPECT_EQ(round_to_units(2.5, 0, Rounding::half_even), 2);
  EXPECT_EQ(round_to_units(3.5, 0, Rounding::half_even), 4);
  EXPECT_EQ(round_to_units(1.234, 2, Rounding::half_up), 123);
}

}  // namespace
}  // namespace cxjf
