// cxjf compare, cxjf distribution and cxjf uncertainty
// (src/cli/compare.cpp): their files hold the library's answers, counted
// again here from the snapshots, and misuse is named.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "testing.hpp"

namespace cxjf {
namespace {

using testing::run_cli;

std::string temp(const std::string& name) { return std::string(::testing::TempDir()) + "cxjf_population_" + name; }

// Two years: 1,500 enterprises, then the same less the first 100 and with
// 50 of another seed's.
struct Years {
  Years() {
    const Model model = default_model();
    Table one = generate(model, {1500, 77, 0});
    Table extra = generate(model, {50, 78, 0});
    std::vector<std::int64_t> kept;
    for (std::int64_t i = 100; i < one.size(); ++i) kept.push_back(i);
    std::vector<Table> parts;
    parts.push_back(testing::rows_of(one, kept));
    parts.push_back(std::move(extra));
    before = Snapshot::build(model, std::move(one));
    after = Snapshot::build(model, concatenate(std::move(parts)));
    before.save(temp("1.snap"));
    after.save(temp("2.snap"));
  }
  Snapshot before, after;
};
const Years& years() {
  static const Years y;
  return y;
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(CliPopulation, CompareWritesEveryEnterpriseAndTheSummary) {
  const Years& y = years();
  const auto run = run_cli("compare " + temp("1.snap") + " " + temp("2.snap") + " --csv " + temp("c.csv") + " --json " +
                           temp("c.json") + " 2>&1");
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("匹配 matched 1400，新进 entrants 50，退出 leavers 100"), std::string::npos) << run.out;
  const auto lines = lines_of(temp("c.csv"));
  ASSERT_EQ(lines.size(), 1u + 1400 + 50 + 100);
  std::set<std::string> codes;
  for (std::size_t i = 1; i < lines.size(); ++i) codes.insert(lines[i].substr(0, 18));
  EXPECT_EQ(codes.size(), 1550u);
  const auto doc = nlohmann::json::parse(testing::read_all(temp("c.json")));
  EXPECT_EQ(doc["matched"], 1400);
  CompareOptions ten;
  ten.movers = 10;  // the command's default
  const auto want = nlohmann::json::parse(comparison_json(compare(y.before, y.after, ten), y.before, y.after));
  for (const auto& [key, value] : want.items()) EXPECT_EQ(doc[key], value) << key;
  // The scheme's what-if under the 2.0-shaped model.
  const auto trial = run_cli("compare --snapshot " + temp("1.snap") + " --model torch-2025-trial 2>&1");
  EXPECT_EQ(trial.status, 0) << trial.out;
  EXPECT_NE(trial.out.find("匹配 matched 1500，新进 entrants 0，退出 leavers 0"), std::string::npos) << trial.out;
  const auto same = run_cli("compare --snapshot " + temp("1.snap") + " --model torch-2022 2>&1");
  EXPECT_EQ(same.status, 0) << same.out;
  EXPECT_NE(same.out.find("Spearman 1.0000, Kendall tau-b 1.0000"), std::string::npos) << same.out;
}

TEST(CliPopulation, MisuseIsNamed) {
  const auto one = run_cli("compare " + temp("1.snap") + " 2>&1");
  EXPECT_EQ(one.status, 1) << one.out;
  EXPECT_NE(one.out.find("give two snapshots"), std::string::npos) << one.out;
  const auto bins = run_cli("compare " + temp("1.snap") + " " + temp("2.snap") + " --psi-bins 1 2>&1");
  EXPECT_EQ(bins.status, 2) << bins.out;
  const auto json = run_cli("uncertainty --snapshot " + temp("1.snap") + " --json " + temp("x.json") + " 2>&1");
  EXPECT_EQ(json.status, 1) << json.out;
  EXPECT_NE(json.out.find("--sensitivity"), std::string::npos) << json.out;
  const auto spread = run_cli("uncertainty --snapshot " + temp("1.snap") + " --spread 1.5 2>&1");
  EXPECT_EQ(spread.status, 2) << spread.out;
  const auto ties = run_cli("uncertainty --snapshot " + temp("1.snap") + " --ties weak,median 2>&1");
  EXPECT_EQ(ties.status, 1) << ties.out;
  EXPECT_NE(ties.out.find("'median' is not a tie rule (one of weak, strict, mean)"), std::string::npos) << ties.out;
  const auto by = run_cli("distribution --snapshot " + temp("1.snap") + " --by city 2>&1");
  EXPECT_EQ(by.status, 2) << by.out;
}

TEST(CliPopulation, UncertaintyWritesTheLibrarysBands) {
  const Years& y = years();
  const auto run = run_cli("uncertainty --snapshot " + temp("1.snap") + " --draws 40 --seed 3 --threads 2 --csv " +
                           temp("b.csv") + " --sensitivity 4 --json " + temp("s.json") + " 2>&1");
  ASSERT_EQ(run.status, 0) << run.out;
  UncertaintyOptions o;
  o.draws = 40;
  o.seed = 3;
  const RankBands bands = rank_bands(y.before, o);
  std::ostringstream csv;
  write_rank_bands_csv(csv, bands, y.before);
  EXPECT_EQ(testing::read_all(temp("b.csv")), csv.str());
  const auto doc = nlohmann::json::parse(testing::read_all(temp("s.json")));
  EXPECT_EQ(doc["samples"], 4);
  EXPECT_EQ(doc["inputs"].size(), 18u);
  // The rules as inputs are named too (they have no indicator).
  const auto rules = run_cli("uncertainty --snapshot " + temp("1.snap") + " --draws 4 --ties weak,strict --missing "
                             "zero,exclude --sensitivity 2 --json " + temp("r.json") + " 2>&1");
  ASSERT_EQ(rules.status, 0) << rules.out;
  EXPECT_NE(rules.out.find("平局规则"), std::string::npos) << rules.out;
  const auto r = nlohmann::json::parse(testing::read_all(temp("r.json")));
  ASSERT_EQ(r["inputs"].size(), 20u);
  EXPECT_EQ(r["inputs"][18]["indicator"], "ties");
  EXPECT_EQ(r["inputs"][19]["name"], "缺失值处理");
}

TEST(CliPopulation, DistributionPrintsTheNationFirst) {
  const auto run = run_cli("distribution --snapshot " + temp("1.snap") + " --by stage --csv " + temp("d.csv") + " 2>&1");
  ASSERT_EQ(run.status, 0) << run.out;
  const std::vector<ScoreDistribution> groups = distribution(years().before, GroupBy::stage);
  const ScoreDistribution nation = groups.front();
  std::ostringstream csv;
  write_distribution_csv(csv, groups);
  EXPECT_EQ(testing::read_all(temp("d.csv")), csv.str());
  EXPECT_EQ(lines_of(temp("d.csv")).size(), 1 + groups.size());
  EXPECT_NE(run.out.find("全国"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(std::to_string(nation.enterprises)), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("退到较粗同类组"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace cxjf
