// cxjf whatif and cxjf path (src/cli/analysis.cpp): the JSON they print is
// the library's answer on the snapshot file, and bad options are named.
#include <gtest/gtest.h>

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
