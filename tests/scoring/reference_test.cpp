// Peer groups, stage derivation and the frozen reference (src/scoring/reference.cpp).
#include <gtest/gtest.h>

#include "testing.hpp"

namespace cxjf {
namespace {

using testing::credit_code;
using testing::model_of;

Table table_with_industries(const Model& model, const std::vector<std::pair<std::string, double>>& rows) {
  TableBuilder builder(model);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Row row;
    row.credit_code = credit_code(static_cast<int>(i) + 1);
    row.name = "企业" + std::to_string(i);
    row.region = 440305;
    row.industry = rows[i].first;
    row.values = {rows[i].second};
    builder.add(row);
  }
  return builder.build();
}

TEST(PeerGroups, SmallGroupsFallBackToTheNextLevel) {
  // Industry groups need 3 members: C has 3, I has 1 and falls back to all 4.
  Model model = model_of({{R"("method": "percentile")", 10}}, "", R"({"chain": [["industry"], []], "min_size": 3})");
  Snapshot snap = Snapshot::build(model, table_with_industries(model, {{"C", 1}, {"C", 2}, {"C", 3}, {"I", 2}}));
  // C: 1/3, 2/3, 3/3 among C; the I row: 3 of 4 nationally at or below 2.
  EXPECT_EQ(testing::published(snap.scores), (std::vector<std::string>{"3.33", "6.67", "10.00", "7.50"}));
  EXPECT_EQ(snap.reference.group_label(model, snap.scores.peer_group[0]), "C 制造业");
  EXPECT_EQ(snap.reference.group_label(model, snap.scores.peer_group[3]), "全国");
  const PeerGroup& national = snap.reference.groups[static_cast<std::size_t>(snap.scores.peer_group[3])];
  EXPECT_EQ(national.size, 4);
  EXPECT_EQ(national.level, 1);
}

TEST(PeerGroups, CountsOfACoarseGroupSumItsFinestGroups) {
  Model model = model_of({{R"("method": "percentile")", 10}}, "", R"({"chain": [["industry"], []], "min_size": 3})");
  Snapshot snap = Snapshot::build(model, table_with_industries(model, {{"C", 1}, {"C", 2}, {"C", 3}, {"I", 2}}));
  std::int32_t national = snap.reference.find_group(1, -1, -1, 0);
  ASSERT_GE(national, 0);
  EXPECT_EQ(snap.reference.count_at_most(0, national, 2.0), 3);
  EXPECT_EQ(snap.reference.count_below(0, national, 2.0), 1);
  std::int32_t industry_i = snap.reference.find_group(0, -1, 8, 0);
  ASSERT_GE(industry_i, 0);
  EXPECT_EQ(snap.reference.groups[static_cast<std::size_t>(industry_i)].size, 1);
  EXPECT_EQ(snap.reference.find_group(0, -1, 9, 0), -1);  // nobody in J
  EXPECT_EQ(snap.reference.peer_group_for(model, 0, 2, 440000), snap.scores.peer_group[0]);
  // A newcomer in I would make that group 2 strong: still too small.
  EXPECT_EQ(snap.reference.peer_group_for(model, 0, 8, 440000, true), national);
}

Model three_stage_model(const std::string& rule) {
  return Model::from_json(R"({"id": "s", "name": "stages", "description": "hand-made",
    "scale": {"base_max": 10, "bonus_max": 0, "total_max": 10}, "list_threshold": 7,
    "categories": [{"id": "c", "name_zh": "类", "name_en": "C"}],
    "stages": [{"id": "a", "name_zh": "初创期", "name_en": "A"}, {"id": "b", "name_zh": "成长期", "name_en": "B"},
               {"id": "c", "name_zh": "稳定期", "name_en": "C"}],
    "stage_rule": )" + rule + R"(,
    "peer_groups": {"chain": [[]], "min_size": 1},
    "grades": [{"id": "A", "min": 0}],
    "indicators": [{"id": "revenue", "name_zh": "营业收入", "name_en": "Revenue", "unit": "万元", "category": "c",
                    "method": "boolean", "weights": {"a": 10, "b": 10, "c": 10}}]})");
}

TEST(Stages, RevenueBandsIncludeTheirLowerBound) {
  Model model = three_stage_model(R"({"basis": "revenue", "indicator": "revenue", "bounds": [100, 1000]})");
  Snapshot snap = Snapshot::build(model, testing::table_of(model, {{50}, {100}, {999}, {1000}, {missing_value}}));
  // Missing revenue: the first stage.
  EXPECT_EQ(snap.scores.stage, (std::vector<std::int32_t>{0, 1, 1, 2, 0}));
}

TEST(Stages, AgeInWholeYearsAtTheReferenceDate) {
  Model model = three_stage_model(R"({"basis": "age", "as_of": "2024-12-31", "bounds": [3, 8]})");
  TableBuilder builder(model);
  const std::int32_t founded[] = {20220101, 20211231, 20220102, 20170101, 20161231, 0};
  for (int i = 0; i < 6; ++i) {
    Row row;
    row.credit_code = credit_code(i + 1);
    row.name = "企业";
    row.region = 110101;
    row.founded = founded[i];
    row.values = {1};
    builder.add(row);
  }
  Snapshot snap = Snapshot::build(model, builder.build());
  // 2 years; 3 (to the day); 2 (a day short of 3); 7; 8; unknown -> first.
  EXPECT_EQ(snap.scores.stage, (std::vector<std::int32_t>{0, 1, 0, 1, 2, 0}));
}

TEST(Stages, GivenInTheDataOverridesTheRule) {
  Model model = three_stage_model(R"({"basis": "revenue", "indicator": "revenue", "bounds": [100, 1000]})");
  TableBuilder builder(model);
  Row row;
  row.credit_code = credit_code(1);
  row.name = "企业";
  row.region = 110101;
  row.stage = "稳定期";
  row.values = {5};
  builder.add(row);
  row.credit_code = credit_code(2);
  row.stage = "壮大期";
  builder.add(row);
  Table table = builder.build();
  try {
    Snapshot::build(model, table);
    FAIL() << "an unknown stage must be refused";
  } catch (const InputError& e) {
    EXPECT_EQ(e.row(), 3);
    EXPECT_NE(std::string(e.what()).find("壮大期"), std::string::npos);
  }
  table.stage[1] = table.stage[0];
  EXPECT_EQ(Snapshot::build(model, table).scores.stage, (std::vector<std::int32_t>{2, 2}));
}

TEST(Reference, FitUsesOnlyRegisteredRows) {
  Model model = model_of({{R"("method": "percentile")", 10}});
  Table table = testing::table_of(model, {{1}, {2}, {3}, {4}});
  table.registered[3] = 0;
  Reference ref = fit(model, table);
  EXPECT_EQ(ref.population, 3);
  EXPECT_EQ(ref.sorted[0], (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(ref.content_hash, ref.compute_hash());
}

TEST(Reference, WrongModelIsRefused) {
  Model model = model_of({{R"("method": "percentile")", 10}});
  Reference ref = fit(model, testing::table_of(model, {{1}, {2}}));
  EXPECT_THROW(score(default_model(), ref, testing::table_of(model, {{1}})), Error);
}

TEST(Reference, JsonNamesGroupsAndStatistics) {
  Model model = model_of({{R"("method": "min_max")", 10}});
  Reference ref = fit(model, testing::table_of(model, {{1}, {2}, {3}}));
  std::string json = ref.to_json(model);
  EXPECT_NE(json.find("\"label\": \"全国\""), std::string::npos);
  EXPECT_NE(json.find("\"lower_window\""), std::string::npos);
}

}  // namespace
}  // namespace cxjf
