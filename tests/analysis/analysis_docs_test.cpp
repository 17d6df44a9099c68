// The worked examples of docs/analysis.md, checked by independent routes on
// the documented snapshot (20,000 generated enterprises, seed 42): the
// what-if is the estimate of the changed row against the snapshot refitted
// without the enterprise, its ranks are counted over the frozen others, and
// each path value reaches 70 when rescored while the step below does not.
#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "cxjf/cxjf.hpp"
#include "testing.hpp"

namespace cxjf {
namespace {

std::string doc() {
  std::ifstream in(std::filesystem::path(CXJF_SOURCE_DIR) / "docs" / "analysis.md", std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool says(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(AnalysisDocs, TheWorkedExamplesHold) {
  const std::string text = doc();
  const Snapshot snap = Snapshot::build(default_model(), generate(default_model(), {20000, 42}));
  const Analyzer analyzer(snap);
  std::int64_t row = -1;
  for (std::int64_t o = 0; o < snap.table.size(); ++o)
    if (snap.table.credit_code[static_cast<std::size_t>(o)] == "91440306YFTAA3LPFE") row = o;
  ASSERT_GE(row, 0);
  const auto i = static_cast<std::size_t>(row);
  ASSERT_EQ(snap.scores.published_text(row), "65.93");
  Changes changes;
  changes.values = {{"rd_intensity", 4.5}, {"invention_apps", 70}};
  changes.add_qualifications = {"专精特新中小企业"};
  const WhatIf w = analyzer.what_if(row, changes);
  // The others refitted alone, the changed row estimated against them.
  const EstimationRecord record = estimate(Snapshot::build(default_model(), testing::without_row(snap.table, row)),
                                           testing::upload_of(Table(w.changed)), Principal{Role::torch_center, "", false});
  const std::string after = units_text(record.rows[0].published_units, 2);
  EXPECT_EQ(units_text(w.after.published_units, 2), after);
  EXPECT_TRUE(says(text, "scores **" + after + "** (grade B)")) << after;
  std::int32_t before_rank = 1, after_rank = 1;
  for (std::size_t o = 0; o < snap.table.region.size(); ++o) {
    if (o == i || snap.table.region[o] / 10000 != 440000 / 10000) continue;
    before_rank += snap.scores.published_units[o] > snap.scores.published_units[i];
    after_rank += snap.scores.published_units[o] > record.rows[0].published_units;
  }
  EXPECT_TRUE(says(text, "goes from " + std::to_string(before_rank) + " to " + std::to_string(after_rank)));

  // The path: each value reaches 70 alone, a step below does not.
  struct Step {
    const char* id;
    double value, below;
    const char* quoted;
  };
  for (const Step& s : {Step{"rd_expense", 25952.04, 25952.03, "25,952.04 万元"}, Step{"rd_intensity", 5.19, 5.18, "5.19 %"},
                        Step{"revenue_growth", 27.65, 27.64, "27.65 %"}, Step{"rd_tax_relief", 254.30, 254.29, "254.30 万元"}}) {
    EXPECT_TRUE(says(text, s.quoted)) << s.quoted;
    Changes at, under;
    at.values = {{s.id, s.value}};
    under.values = {{s.id, s.below}};
    EXPECT_GE(analyzer.what_if(row, at).after.published_units, 7000) << s.id;
    EXPECT_LT(analyzer.what_if(row, under).after.published_units, 7000) << s.id;
  }
  PathOptions fixed;
  fixed.fixed = {"revenue", "hitech_revenue"};
  int reachable = 0;
  for (const IndicatorPath& p : analyzer.path(row, Target{}, fixed).single) reachable += p.reachable;
  EXPECT_EQ(reachable, 4);  // "every other indicator alone is out of reach"

  // The combined plan: the two values together reach 70, and their
  // efforts (over the room up to each cap, both from 0) add up to 1.29 %.
  const Path path = analyzer.path(row, Target{}, fixed);
  Changes both;
  both.values = {{"rd_tax_relief", 233.27}, {"equity_financing", 104.99}};
  EXPECT_GE(analyzer.what_if(row, both).after.published_units, 7000);
  ASSERT_EQ(path.plan.changes.size(), 2u);
  double effort = 0;
  for (const PlanChange& c : path.plan.changes) {
    const auto single = std::find_if(path.single.begin(), path.single.end(),
                                     [&](const IndicatorPath& p) { return p.indicator == c.indicator; });
    effort += c.value / single->cap;
  }
  EXPECT_NEAR(effort, 0.0129, 0.00005);
  EXPECT_TRUE(path.plan.optimal);
  for (const char* quoted : {"233.27 万元", "104.99 万元", "1.29 %", "1.37 %"}) EXPECT_TRUE(says(text, quoted)) << quoted;

  // The reasons quoted are the documented detail answer's (which
  // QueryJson.DocumentedExamplesAnswerAsStored checks against the engine;
  // tests/analysis/what_if_test.cpp checks reasons against brute force).
  std::ifstream in(std::filesystem::path(CXJF_SOURCE_DIR) / "docs" / "examples" / "detail_government.answer.json",
                   std::ios::binary);
  const std::string answer((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* sentence : {"研发费用金额高于同类企业中位数（181056.27 万元，同类中位数 2327.35 万元），多得 5.00 分",
                               "净资产利润率低于同类企业中位数（10.97 %，同类中位数 11.52 %），少得 0.06 分"}) {
    EXPECT_TRUE(says(text, sentence)) << sentence;
    EXPECT_TRUE(says(answer, sentence)) << sentence;
  }
}

}  // namespace
}  // namespace cxjf
