// Reasons, what-if and paths through the query documents (docs/analysis.md):
// detail's scope for every one of them, would-be ranks only where the
// principal sees the unit ranked, and malformed requests named by path.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cxjf/cxjf.hpp"

namespace cxjf {
namespace {

using json = nlohmann::json;

const Snapshot& snap() {
  static const Snapshot s = Snapshot::build(default_model(), generate(default_model(), {3000, 29, 0}));
  return s;
}

json ask(const OverviewIndex& index, const std::string& principal, const std::string& rest) {
  return json::parse(query_json(index, "{\"principal\": " + principal + ", " + rest + "}"));
}

std::string province_of(std::int64_t row) { return std::to_string(snap().table.region[static_cast<std::size_t>(row)] / 10000 * 10000); }

TEST(AnalysisQuery, DetailCarriesReasonsAndThePathForWhoeverSeesIt) {
  const OverviewIndex index(snap());
  const std::string code = snap().table.credit_code[5];
  const std::string ask_detail = "\"kind\": \"detail\", \"credit_code\": \"" + code + "\"";
  const json gov = ask(index, R"({"role": "torch_center"})", ask_detail);
  ASSERT_TRUE(gov.contains("ledger")) << gov.dump();
  ASSERT_TRUE(gov.contains("reasons"));
  ASSERT_TRUE(gov.contains("path"));
  EXPECT_EQ(gov["path"]["target"], "70.00");
  const json self = ask(index, "{\"role\": \"enterprise\", \"code\": \"" + code + "\"}", ask_detail);
  EXPECT_FALSE(self.contains("ledger"));
  EXPECT_EQ(self["reasons"], gov["reasons"]);
  EXPECT_EQ(self["path"], gov["path"]);
  const json pub = ask(index, R"({"role": "public"})", ask_detail);
  EXPECT_EQ(pub["error"]["code"], "forbidden");
  // Another enterprise's code: the same answer as a code nobody has.
  const std::string other = snap().table.credit_code[6];
  const json theirs = ask(index, "{\"role\": \"enterprise\", \"code\": \"" + code + "\"}",
                          "\"kind\": \"whatif\", \"credit_code\": \"" + other + "\", \"changes\": {}");
  EXPECT_EQ(theirs["error"]["code"], "not_found");
}

TEST(AnalysisQuery, WhatIfAnswersAsTheAnalyzerWithRanksOnlyWhereSeen) {
  const OverviewIndex index(snap());
  const Analyzer analyzer(snap());
  const std::int64_t row = 11;
  const std::string code = snap().table.credit_code[static_cast<std::size_t>(row)];
  Changes changes;
  changes.values.emplace_back("rd_expense", 5000);
  changes.values.emplace_back("roe", std::nan(""));
  const WhatIf expected = analyzer.what_if(row, changes);
  const std::string request = "\"kind\": \"whatif\", \"credit_code\": \"" + code +
                              "\", \"changes\": {\"values\": {\"rd_expense\": 5000, \"roe\": null}}";
  const json torch = ask(index, R"({"role": "torch_center"})", request);
  ASSERT_FALSE(torch.contains("error")) << torch.dump();
  EXPECT_EQ(torch["after"]["score"], units_text(expected.after.published_units, 2));
  EXPECT_EQ(torch["after"]["ranks"]["national"], expected.after.rank[0]);
  EXPECT_EQ(torch["before"]["score"], snap().scores.published_text(row));
  const json province = ask(index, "{\"role\": \"province\", \"code\": \"" + province_of(row) + "\"}", request);
  EXPECT_TRUE(province["after"]["ranks"]["national"].is_null());
  EXPECT_EQ(province["after"]["ranks"]["province"], expected.after.rank[1]);
  const json self = ask(index, "{\"role\": \"enterprise\", \"code\": \"" + code + "\"}", request);
  EXPECT_EQ(self["after"]["score"], torch["after"]["score"]);
  for (const auto& [level, rank] : self["after"]["ranks"].items()) EXPECT_TRUE(rank.is_null()) << level;
  // Refusals name where.
  const json bad = ask(index, R"({"role": "torch_center"})",
                       "\"kind\": \"whatif\", \"credit_code\": \"" + code + "\", \"changes\": {\"values\": {\"rd_expense\": \"many\"}}");
  EXPECT_EQ(bad["error"]["code"], "bad_request");
  EXPECT_EQ(bad["error"]["path"], "/changes/values/rd_expense");
  const json unknown = ask(index, R"({"role": "torch_center"})",
                           "\"kind\": \"whatif\", \"credit_code\": \"" + code + "\", \"changes\": {\"values\": {\"nope\": 1}}");
  EXPECT_EQ(unknown["error"]["code"], "bad_request") << unknown.dump();
}

TEST(AnalysisQuery, PathTargetsAndTheirRefusals) {
  const OverviewIndex index(snap());
  const Analyzer analyzer(snap());
  const std::int64_t row = 23;
  const std::string code = snap().table.credit_code[static_cast<std::size_t>(row)];
  const std::string head = "\"kind\": \"path\", \"credit_code\": \"" + code + "\"";
  Target grade;
  grade.kind = Target::Kind::grade;
  grade.grade = "A";
  const json a = ask(index, R"({"role": "torch_center"})", head + R"(, "target": {"grade": "A"}, "fixed": ["revenue"])");
  ASSERT_FALSE(a.contains("error")) << a.dump();
  EXPECT_EQ(a["target"], units_text(analyzer.target_units(row, grade), 2));
  for (const auto& s : a["single"]) EXPECT_NE(s["id"], "revenue");
  const std::string rank = head + R"(, "target": {"rank": {"level": "province", "top": 10}})";
  const json gov = ask(index, "{\"role\": \"province\", \"code\": \"" + province_of(row) + "\"}", rank);
  EXPECT_FALSE(gov.contains("error")) << gov.dump();
  const json self = ask(index, "{\"role\": \"enterprise\", \"code\": \"" + code + "\"}", rank);
  EXPECT_EQ(self["error"]["code"], "forbidden");
  const json two = ask(index, R"({"role": "torch_center"})", head + R"(, "target": {"score": 70, "grade": "A"})");
  EXPECT_EQ(two["error"]["path"], "/target");
  const json top = ask(index, R"({"role": "torch_center"})", head + R"(, "target": {"rank": {"top": 0}})");
  EXPECT_EQ(top["error"]["path"], "/target/rank/top");
  const json grade_z = ask(index, R"({"role": "torch_center"})", head + R"(, "target": {"grade": "Z"})");
  EXPECT_EQ(grade_z["error"]["code"], "bad_request");
}

}  // namespace
}  // namespace cxjf
