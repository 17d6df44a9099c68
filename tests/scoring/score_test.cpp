// Scores and ranks (src/scoring/score.cpp): ranks and list order, the fused build
// against fit() then score(), determinism and monotonicity on generated data.
#include <gtest/gtest.h>

#include <random>

#include "testing.hpp"

namespace cxjf {
namespace {

using testing::credit_code;
using testing::model_of;

const std::string identity = R"("method": "piecewise", "breakpoints": [[0, 0], [1, 1]])";

Table ranked_table(const Model& model, const std::vector<std::pair<double, std::int32_t>>& rows) {
  TableBuilder builder(model);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Row row;
    row.credit_code = credit_code(static_cast<int>(i) + 1);
    row.name = "企业" + std::to_string(i);
    row.region = rows[i].second;
    row.zone = i < 2 ? "中关村科技园区" : "";
    row.values = {rows[i].first};
    builder.add(row);
  }
  return builder.build();
}

// A model file edited after fitting keeps its id; scoring with it would
// read the stored order-statistic windows at other quantiles. The reference
// knows its model by content (docs/hardening.md).
TEST(ReferenceModel, AnotherVersionOfTheSameModelIsRefused) {
  const Model model = default_model();
  const Table table = generate(model, {200, 5, 0});
  const Snapshot snap = Snapshot::build(model, table);
  EXPECT_NO_THROW(score(model, snap.reference, snap.table));
  Model edited = model;
  for (Indicator& ind : edited.indicators)
    if (ind.normalization.method == Method::min_max) ind.normalization.winsor_upper = 0.9;  // same id, other quantiles
  edited.indicators[0].name_en += " (edited)";
  try {
    score(edited, snap.reference, snap.table);
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("another version of model 'torch-2022'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(explain(edited, snap.reference, snap.table, 0), Error);
  // A snapshot file whose model was swapped for the edited one (its checksum
  // made right again) is refused on load.
  std::string bytes = snap.to_bytes();
  Snapshot crafted = snap;
  crafted.model = edited;
  try {
    Snapshot::from_bytes(crafted.to_bytes(), "crafted.snap");
    ADD_FAILURE() << "loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::corrupt_snapshot);
    EXPECT_NE(std::string(e.what()).find("another version"), std::string::npos) << e.what();
  }
  EXPECT_EQ(Snapshot::from_bytes(bytes).scores.published_units, snap.scores.published_units);
}

TEST(Ranks, CompetitionTiesShareARankAndSkip) {
  Model model = model_of({{identity, 10}});
  // 9.00, 8.50, 8.50, 7.00; rows 0, 1, 3 in 东城区, row 2 in 西城区.
  Snapshot snap = Snapshot::build(model, ranked_table(model, {{0.9, 110101}, {0.85, 110101}, {0.85, 110102}, {0.7, 110101}}));
  const auto& rank = snap.scores.rank;
  EXPECT_EQ(rank[static_cast<int>(RankLevel::national)], (std::vector<std::int32_t>{1, 2, 2, 4}));
  EXPECT_EQ(rank[static_cast<int>(RankLevel::province)], (std::vector<std::int32_t>{1, 2, 2, 4}));
  EXPECT_EQ(rank[static_cast<int>(RankLevel::city)], (std::vector<std::int32_t>{1, 2, 2, 4}));
  EXPECT_EQ(rank[static_cast<int>(RankLevel::county)], (std::vector<std::int32_t>{1, 2, 1, 3}));
  EXPECT_EQ(rank[static_cast<int>(RankLevel::zone)], (std::vector<std::int32_t>{1, 2, 0, 0}));
  EXPECT_EQ(rank[static_cast<int>(RankLevel::incubator)], (std::vector<std::int32_t>{0, 0, 0, 0}));
  // Equal published and exact scores: credit code decides the list order.
  EXPECT_EQ(snap.scores.order, (std::vector<std::int32_t>{0, 1, 2, 3}));
}

TEST(Ranks, DenseTiesDoNotSkip) {
  Model model = model_of({{identity, 10}}, R"("rank_ties": "dense")");
  Snapshot snap = Snapshot::build(model, ranked_table(model, {{0.9, 110101}, {0.85, 110101}, {0.85, 110102}, {0.7, 110101}}));
  EXPECT_EQ(snap.scores.rank[0], (std::vector<std::int32_t>{1, 2, 2, 3}));
}

TEST(Ranks, ExactTotalOrdersEqualPublishedScores) {
  Model model = model_of({{identity, 10}});
  // 8.496 and 8.504 both publish as 8.50 and share rank 1; 8.504 lists first.
  Snapshot snap = Snapshot::build(model, ranked_table(model, {{0.8496, 110101}, {0.8504, 110101}}));
  EXPECT_EQ(snap.scores.rank[0], (std::vector<std::int32_t>{1, 1}));
  EXPECT_EQ(snap.scores.order, (std::vector<std::int32_t>{1, 0}));
}

TEST(Ranks, CityWithoutCountiesHasNoCountyRank) {
  Model model = model_of({{identity, 10}});
  Snapshot snap = Snapshot::build(model, ranked_table(model, {{0.5, 441900}, {0.6, 441900}}));  // 东莞市
  EXPECT_EQ(snap.scores.rank[static_cast<int>(RankLevel::city)], (std::vector<std::int32_t>{2, 1}));
  EXPECT_EQ(snap.scores.rank[static_cast<int>(RankLevel::county)], (std::vector<std::int32_t>{0, 0}));
}

Table sample(const Model& model, std::int64_t n, std::uint64_t seed) {
  GenerateOptions options;
  options.n = n;
  options.seed = seed;
  return generate(model, options);
}

void expect_same_scores(const Scores& a, const Scores& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::int64_t i = 0; i < a.size(); ++i) {
    auto r = static_cast<std::size_t>(i);
    ASSERT_EQ(a.total[r], b.total[r]) << "row " << i;  // bit for bit
    ASSERT_EQ(a.published_units[r], b.published_units[r]) << "row " << i;
    ASSERT_EQ(a.stage[r], b.stage[r]) << "row " << i;
    ASSERT_EQ(a.peer_group[r], b.peer_group[r]) << "row " << i;
  }
  EXPECT_EQ(a.rank, b.rank);
  EXPECT_EQ(a.order, b.order);
  EXPECT_EQ(a.grade, b.grade);
}

class BuiltinModels : public ::testing::TestWithParam<std::string> {};

TEST_P(BuiltinModels, FusedBuildEqualsFitThenScore) {
  Model model = Model::from_json(builtin_model_json(GetParam()));
  Table table = sample(model, 20000, 7);
  Snapshot snap = Snapshot::build(model, table);
  Reference ref = fit(model, table);
  EXPECT_EQ(ref.content_hash, snap.reference.content_hash);
  expect_same_scores(snap.scores, score(model, ref, snap.table));
}

TEST_P(BuiltinModels, SameInputSameOutput) {
  Model model = Model::from_json(builtin_model_json(GetParam()));
  Table table = sample(model, 5000, 11);
  Snapshot a = Snapshot::build(model, table);
  Snapshot b = Snapshot::build(model, table);
  EXPECT_EQ(a.reference.content_hash, b.reference.content_hash);
  expect_same_scores(a.scores, b.scores);
}

TEST_P(BuiltinModels, RaisingAnIndicatorNeverLowersTheScore) {
  // Against a fixed reference (the enterprise scored as a newcomer), for
  // every indicator that does not decide the stage.
  Model model = Model::from_json(builtin_model_json(GetParam()));
  Snapshot snap = Snapshot::build(model, sample(model, 3000, 5));
  Table probe = snap.table;
  std::mt19937 rng(3);
  for (int trial = 0; trial < 300; ++trial) {
    auto row = static_cast<std::int64_t>(rng() % static_cast<unsigned>(probe.size()));
    auto j = static_cast<int>(rng() % model.indicators.size());
    const Indicator& ind = model.indicators[static_cast<std::size_t>(j)];
    if (ind.id == model.stage_rule.indicator || ind.direction == Direction::lower) continue;
    int column = probe.indicator_column(ind.id);
    double before_value = probe.values(row, column);
    if (std::isnan(before_value)) continue;
    double before = explain(model, snap.reference, probe, row, Membership::newcomer).total;
    probe.values(row, column) = before_value + std::fabs(before_value) * 0.5 + 1;
    double after = explain(model, snap.reference, probe, row, Membership::newcomer).total;
    probe.values(row, column) = before_value;
    EXPECT_GE(after, before) << ind.id << " row " << row;
  }
}

INSTANTIATE_TEST_SUITE_P(Scores, BuiltinModels, ::testing::Values("torch-2022", "torch-2025-trial"));

TEST(Scores, PublishedTextHasTheModelsDecimals) {
  Scores s;
  s.decimals = 2;
  s.published_units = {0, 5, 12345, 100};
  EXPECT_EQ(s.published_text(0), "0.00");
  EXPECT_EQ(s.published_text(1), "0.05");
  EXPECT_EQ(s.published_text(2), "123.45");
  EXPECT_EQ(s.published_text(3), "1.00");
  s.decimals = 0;
  EXPECT_EQ(s.published_text(2), "12345");
}

TEST(Scores, UnregisteredRowsAreLeftOutOfTheSnapshot) {
  Model model = model_of({{identity, 10}});
  Table table = testing::table_of(model, {{0.1}, {0.2}, {0.3}});
  table.registered[1] = 0;
  Snapshot snap = Snapshot::build(model, table);
  EXPECT_EQ(snap.table.size(), 2);
  EXPECT_EQ(snap.table.credit_code[1], credit_code(3));
}

}  // namespace
}  // namespace cxjf
