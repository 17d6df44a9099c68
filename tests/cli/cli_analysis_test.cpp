// cxjf whatif, cxjf path and cxjf distances (src/cli/analysis.cpp): what
// they print is the library's answer on the snapshot file, and bad options
// are named.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "testing.hpp"

namespace cxjf {
namespace {

using testing::run_cli;

std::string temp(const std::string& name) { return std::string(::testing::TempDir()) + "cxjf_analysis_" + name; }

struct Files {
  Files() {
    const Model model = default_model();
    Snapshot::build(model, generate(model, {1500, 77, 0})).save(temp("s.snap"));
    snap = Snapshot::load(temp("s.snap"));
  }
  Snapshot snap;
};
const Files& files() {
  static const Files f;
  return f;
}

TEST(CliAnalysis, WhatIfAndPathPrintTheLibrarysAnswers) {
  const Snapshot& snap = files().snap;
  const Analyzer analyzer(snap);
  const std::string code = snap.table.credit_code[40];
  Changes changes;
  changes.values.emplace_back("rd_expense", 1234.5);
  changes.values.emplace_back("roe", std::nan(""));
  const WhatIf w = analyzer.what_if(40, changes);
  const auto run = run_cli("whatif --snapshot " + temp("s.snap") + " --code " + code +
                           " --set rd_expense=1234.5 --set roe= --json");
  ASSERT_EQ(run.status, 0) << run.out;
  const auto doc = nlohmann::json::parse(run.out);
  EXPECT_EQ(doc["after"]["score"], units_text(w.after.published_units, 2));
  EXPECT_EQ(doc["after"]["ranks"]["national"], w.after.rank[0]);
  const Path p = analyzer.path(40, Target{});
  const auto path = run_cli("path --snapshot " + temp("s.snap") + " --code " + code + " --json");
  ASSERT_EQ(path.status, 0) << path.out;
  EXPECT_EQ(nlohmann::json::parse(path.out), nlohmann::json::parse(path_json(snap.model, p)));
  const auto text = run_cli("path --snapshot " + temp("s.snap") + " --code " + code);
  EXPECT_NE(text.out.find("目标 target 70.00"), std::string::npos) << text.out;
}

// cxjf distances: the closest below 70 of a province, in order, counted
// from the snapshot's scores by hand.
TEST(CliAnalysis, DistancesListTheClosestOfTheRegionBelowTheTarget) {
  const Snapshot& snap = files().snap;
  const std::int32_t province = snap.table.region[0] / 10000 * 10000;
  std::vector<std::pair<std::int64_t, std::string>> below;  // score, code
  std::size_t inside = 0;
  for (std::size_t i = 0; i < snap.table.region.size(); ++i) {
    if (snap.table.region[i] / 10000 * 10000 != province) continue;
    ++inside;
    if (snap.scores.published_units[i] < 7000) below.emplace_back(snap.scores.published_units[i], snap.table.credit_code[i]);
  }
  std::stable_sort(below.begin(), below.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  ASSERT_GE(below.size(), 3u);
  const auto run = run_cli("distances --snapshot " + temp("s.snap") + " --region " + std::to_string(province) + " --limit 3");
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find(std::to_string(inside) + " 家企业"), std::string::npos) << run.out;
  std::size_t at = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    const std::size_t found = run.out.find(below[k].second, at);
    ASSERT_NE(found, std::string::npos) << below[k].second << "\n" << run.out;
    EXPECT_NE(run.out.find(units_text(7000 - below[k].first, 2), found), std::string::npos);
    at = found;
  }
  EXPECT_EQ(run.out.find(below[3].second), std::string::npos);  // the limit holds
  const auto none = run_cli("distances --snapshot " + temp("s.snap") + " --region 990000 2>&1");
  EXPECT_NE(none.status, 0);
  EXPECT_NE(none.out.find("no registered enterprise of the snapshot lies in region 990000"), std::string::npos) << none.out;
}

TEST(CliAnalysis, BadOptionsAreNamed) {
  const std::string snap = temp("s.snap");
  files();
  const std::string code = files().snap.table.credit_code[3];
  auto bad = run_cli("whatif --snapshot " + snap + " --code " + code + " --set rd_expense=lots 2>&1");
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.out.find("'lots' is not a number"), std::string::npos) << bad.out;
  auto unknown = run_cli("whatif --snapshot " + snap + " --code " + code + " --set nope=1 2>&1");
  EXPECT_NE(unknown.out.find("'nope' is not an indicator"), std::string::npos) << unknown.out;
  auto both = run_cli("path --snapshot " + snap + " --code " + code + " --score 70 --grade A 2>&1");
  EXPECT_EQ(both.status, 2) << both.out;
  auto absent = run_cli("path --snapshot " + snap + " --code 91110000000000000X 2>&1");
  EXPECT_NE(absent.out.find("no registered enterprise"), std::string::npos) << absent.out;
}

}  // namespace
}  // namespace cxjf
