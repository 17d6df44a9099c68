// Tests of src/model/model.cpp: the embedded models, JSON round trips, and every
// validation rule of docs/model.md with the path and message it reports.

#include "cxjf/model.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace cxjf {
namespace {

using Json = nlohmann::ordered_json;

// The worked example of docs/model.md: three scored indicators, one
// input-only indicator for the stage rule, two stages.
const char* const kExample = R"({
  "id": "example",
  "name": "Three-indicator example",
  "scale": {"base_max": 100, "bonus_max": 10, "total_max": 100},
  "categories": [
    {"id": "input", "name_zh": "创新投入", "name_en": "Innovation input"},
    {"id": "growth", "name_zh": "成长经营", "name_en": "Growth"}
  ],
  "stages": [
    {"id": "startup", "name_zh": "初创期", "name_en": "Start-up"},
    {"id": "stable", "name_zh": "稳定期", "name_en": "Stable"}
  ],
  "stage_rule": {"basis": "revenue", "indicator": "revenue", "bounds": [2000]},
  "peer_groups": {"chain": [[]], "min_size": 1},
  "indicators": [
    {"id": "rd_expense", "name_zh": "研发费用金额", "unit": "万元", "category": "input",
     "method": "percentile", "zero_earns_zero": true, "weights": {"startup": 40, "stable": 50}},
    {"id": "rd_intensity", "name_zh": "研发费用占营业收入的比例", "unit": "%", "category": "input",
     "method": "capped_ratio", "full_mark": 10, "weights": {"startup": 30, "stable": 30}},
    {"id": "revenue_growth", "name_zh": "营业收入增长率", "unit": "%", "category": "growth",
     "method": "piecewise", "breakpoints": [[0, 0], [20, 0.5], [50, 1]], "missing": "exclude",
     "weights": {"startup": 30, "stable": 20}},
    {"id": "revenue", "name_zh": "营业收入", "unit": "万元"}
  ],
  "bonus": [{"id": "hnte", "name_zh": "高新技术企业", "qualification": "高新技术企业", "points": 5}],
  "negatives": [{"id": "accident", "name_zh": "重大安全生产事故", "action": "deduct", "points": 10}],
  "grades": [{"id": "A", "min": 85}, {"id": "B", "min": 70}, {"id": "C", "min": 60}, {"id": "D", "min": 0}]
})";

Json example() { return Json::parse(kExample); }

std::vector<ModelProblem> problems_of(const std::string& text) {
  try {
    Model::from_json(text);
  } catch (const ModelError& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_model);
    return e.problems();
  }
  return {};
}

std::vector<ModelProblem> problems_of(const Json& doc) { return problems_of(doc.dump()); }

std::string listing(const std::vector<ModelProblem>& problems) {
  std::string text;
  for (const auto& p : problems) text += "\n  " + p.path + ": " + p.message;
  return text.empty() ? " (no problems)" : text;
}

// A problem at exactly `path` whose message contains every fragment.
::testing::AssertionResult HasProblem(const std::vector<ModelProblem>& problems, const std::string& path,
                                      std::initializer_list<std::string> fragments) {
  for (const auto& p : problems) {
    if (p.path != path) continue;
    bool all = true;
    for (const auto& f : fragments) all = all && p.message.find(f) != std::string::npos;
    if (all) return ::testing::AssertionSuccess();
  }
  std::string wanted;
  for (const auto& f : fragments) wanted += " [" + f + "]";
  return ::testing::AssertionFailure() << "no problem at " << path << " containing" << wanted
                                       << "; problems were:" << listing(problems);
}

// Only the problems at these paths, in this order.
::testing::AssertionResult ProblemPaths(const std::vector<ModelProblem>& problems,
                                        std::initializer_list<std::string> paths) {
  std::vector<std::string> actual;
  for (const auto& p : problems) actual.push_back(p.path);
  if (actual == std::vector<std::string>(paths)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "problems were:" << listing(problems);
}

template <class T>
std::vector<std::string> ids(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i.id);
  return out;
}

void expect_same(const Model& a, const Model& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.scale.base_max, b.scale.base_max);
  EXPECT_EQ(a.scale.bonus_max, b.scale.bonus_max);
  EXPECT_EQ(a.scale.total_max, b.scale.total_max);
  EXPECT_EQ(a.scale.decimals, b.scale.decimals);
  EXPECT_EQ(a.scale.rounding, b.scale.rounding);
  EXPECT_EQ(a.list_threshold, b.list_threshold);
  EXPECT_EQ(a.rank_ties, b.rank_ties);
  ASSERT_EQ(a.categories.size(), b.categories.size());
  for (std::size_t i = 0; i < a.categories.size(); ++i) {
    EXPECT_EQ(a.categories[i].id, b.categories[i].id);
    EXPECT_EQ(a.categories[i].name_zh, b.categories[i].name_zh);
    EXPECT_EQ(a.categories[i].name_en, b.categories[i].name_en);
  }
  ASSERT_EQ(a.stages.size(), b.stages.size());
  for (std::size_t i = 0; i < a.stages.size(); ++i) {
    EXPECT_EQ(a.stages[i].id, b.stages[i].id);
    EXPECT_EQ(a.stages[i].name_zh, b.stages[i].name_zh);
    EXPECT_EQ(a.stages[i].name_en, b.stages[i].name_en);
  }
  EXPECT_EQ(a.stage_rule.basis, b.stage_rule.basis);
  EXPECT_EQ(a.stage_rule.indicator, b.stage_rule.indicator);
  EXPECT_EQ(a.stage_rule.bounds, b.stage_rule.bounds);
  EXPECT_EQ(a.stage_rule.as_of, b.stage_rule.as_of);
  EXPECT_EQ(a.peer_groups.chain, b.peer_groups.chain);
  EXPECT_EQ(a.peer_groups.min_size, b.peer_groups.min_size);
  ASSERT_EQ(a.indicators.size(), b.indicators.size());
  for (std::size_t i = 0; i < a.indicators.size(); ++i) {
    const Indicator& x = a.indicators[i];
    const Indicator& y = b.indicators[i];
    SCOPED_TRACE(x.id);
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.name_zh, y.name_zh);
    EXPECT_EQ(x.name_en, y.name_en);
    EXPECT_EQ(x.unit, y.unit);
    EXPECT_EQ(x.category, y.category);
    EXPECT_EQ(x.normalization.method, y.normalization.method);
    EXPECT_EQ(x.normalization.ties, y.normalization.ties);
    EXPECT_EQ(x.normalization.full_mark, y.normalization.full_mark);
    EXPECT_EQ(x.normalization.full_mark_quantile, y.normalization.full_mark_quantile);
    ASSERT_EQ(x.normalization.breakpoints.size(), y.normalization.breakpoints.size());
    for (std::size_t k = 0; k < x.normalization.breakpoints.size(); ++k) {
      EXPECT_EQ(x.normalization.breakpoints[k].x, y.normalization.breakpoints[k].x);
      EXPECT_EQ(x.normalization.breakpoints[k].s, y.normalization.breakpoints[k].s);
    }
    EXPECT_EQ(x.normalization.winsor_lower, y.normalization.winsor_lower);
    EXPECT_EQ(x.normalization.winsor_upper, y.normalization.winsor_upper);
    EXPECT_EQ(x.direction, y.direction);
    EXPECT_EQ(x.transform, y.transform);
    EXPECT_EQ(x.zero_earns_zero, y.zero_earns_zero);
    EXPECT_EQ(x.missing, y.missing);
    EXPECT_EQ(x.weights, y.weights);
  }
  ASSERT_EQ(a.bonus.size(), b.bonus.size());
  for (std::size_t i = 0; i < a.bonus.size(); ++i) {
    EXPECT_EQ(a.bonus[i].id, b.bonus[i].id);
    EXPECT_EQ(a.bonus[i].name_zh, b.bonus[i].name_zh);
    EXPECT_EQ(a.bonus[i].name_en, b.bonus[i].name_en);
    EXPECT_EQ(a.bonus[i].qualification, b.bonus[i].qualification);
    EXPECT_EQ(a.bonus[i].indicator, b.bonus[i].indicator);
    EXPECT_EQ(a.bonus[i].per_unit, b.bonus[i].per_unit);
    EXPECT_EQ(a.bonus[i].points, b.bonus[i].points);
  }
  ASSERT_EQ(a.negatives.size(), b.negatives.size());
  for (std::size_t i = 0; i < a.negatives.size(); ++i) {
    EXPECT_EQ(a.negatives[i].id, b.negatives[i].id);
    EXPECT_EQ(a.negatives[i].name_zh, b.negatives[i].name_zh);
    EXPECT_EQ(a.negatives[i].name_en, b.negatives[i].name_en);
    EXPECT_EQ(a.negatives[i].action, b.negatives[i].action);
    EXPECT_EQ(a.negatives[i].points, b.negatives[i].points);
  }
  ASSERT_EQ(a.grades.size(), b.grades.size());
  for (std::size_t i = 0; i < a.grades.size(); ++i) {
    EXPECT_EQ(a.grades[i].id, b.grades[i].id);
    EXPECT_EQ(a.grades[i].min_score, b.grades[i].min_score);
  }
}

// ---------------------------------------------------------------------------
// The embedded models.

TEST(DefaultModel, HasTheEighteenIndicatorsOfTheGuideline) {
  const Model& m = default_model();
  EXPECT_EQ(m.id, "torch-2022");
  EXPECT_NE(m.description.find("ILLUSTRATIVE"), std::string::npos);
  EXPECT_TRUE(m.problems().empty()) << listing(m.problems());
  EXPECT_EQ(ids(m.categories), (std::vector<std::string>{"tech", "growth", "aux"}));
  EXPECT_EQ(ids(m.stages), (std::vector<std::string>{"startup", "growth", "stable"}));
  EXPECT_EQ(m.stages[0].name_zh, "初创期");
  EXPECT_EQ(m.stages[1].name_zh, "成长期");
  EXPECT_EQ(m.stages[2].name_zh, "稳定期");
  EXPECT_EQ(ids(m.indicators),
            (std::vector<std::string>{"rd_expense", "rd_growth", "rd_intensity", "st_staff_share", "invention_apps",
                                      "pct_apps", "tech_contract", "hitech_revenue", "revenue", "revenue_growth",
                                      "postgrad_share", "rd_tax_relief", "roe", "graduates_hired", "platforms",
                                      "awards", "equity_financing", "standards"}));
  std::vector<int> per_category(3, 0);
  for (const auto& ind : m.indicators) {
    ASSERT_GE(m.category_index(ind.category), 0) << ind.id;
    ++per_category[static_cast<std::size_t>(m.category_index(ind.category))];
  }
  EXPECT_EQ(per_category, (std::vector<int>{7, 6, 5}));
  const Indicator& intensity = m.indicators[static_cast<std::size_t>(m.indicator_index("rd_intensity"))];
  EXPECT_EQ(intensity.name_zh, "研发费用占营业收入的比例");
  EXPECT_EQ(intensity.unit, "%");
  EXPECT_EQ(m.indicators[4].name_zh, "与主营业务相关的发明专利申请量");
  EXPECT_EQ(m.indicators[0].unit, "万元");
}

TEST(DefaultModel, EveryStageWeighsOneHundredPoints) {
  const Model& m = default_model();
  // The weights are whole numbers, so double sums are exact here.
  for (std::size_t s = 0; s < 3; ++s) {
    double sum = 0;
    for (const auto& ind : m.indicators) sum += ind.weights.at(s);
    EXPECT_EQ(sum, 100.0) << m.stages[s].id;
  }
  // Spot checks against models/torch-2022.json.
  EXPECT_EQ(m.indicators[0].weights, (std::vector<double>{9, 9, 10}));
  EXPECT_EQ(m.indicators[16].weights, (std::vector<double>{6, 3, 1}));
}

TEST(DefaultModel, UsesEveryMethodAndPolicy) {
  const Model& m = default_model();
  std::set<Method> methods;
  std::set<MissingPolicy> missing;
  std::set<Transform> transforms;
  for (const auto& ind : m.indicators) {
    methods.insert(ind.normalization.method);
    missing.insert(ind.missing);
    transforms.insert(ind.transform);
  }
  EXPECT_EQ(methods.size(), 6u);
  EXPECT_EQ(missing.size(), 3u);
  EXPECT_EQ(transforms.size(), 3u);

  const Indicator& contract = m.indicators[6];
  EXPECT_EQ(contract.normalization.method, Method::capped_ratio);
  EXPECT_EQ(contract.normalization.full_mark_quantile, 0.75);
  EXPECT_EQ(contract.transform, Transform::log1p);
  const Indicator& roe = m.indicators[12];
  EXPECT_EQ(roe.normalization.method, Method::min_max);
  EXPECT_EQ(roe.normalization.winsor_lower, 0.05);
  EXPECT_EQ(roe.normalization.winsor_upper, 0.95);
  const Indicator& growth = m.indicators[9];
  EXPECT_EQ(growth.normalization.method, Method::piecewise);
  EXPECT_EQ(growth.normalization.breakpoints.front().x, -10.0);  // a fall of 10% or more earns 0
  EXPECT_EQ(growth.normalization.breakpoints.front().s, 0.0);
}

TEST(DefaultModel, RulesBonusNegativesAndGrades) {
  const Model& m = default_model();
  EXPECT_EQ(m.scale.base_max, 100);
  EXPECT_EQ(m.scale.bonus_max, 10);
  EXPECT_EQ(m.scale.total_max, 100);
  EXPECT_EQ(m.scale.decimals, 2);
  EXPECT_EQ(m.scale.rounding, Rounding::half_up);
  EXPECT_EQ(m.list_threshold, 70);
  EXPECT_EQ(m.stage_rule.basis, StageBasis::revenue);
  EXPECT_EQ(m.stage_rule.indicator, "revenue");
  EXPECT_EQ(m.stage_rule.bounds, (std::vector<double>{2000, 20000}));
  EXPECT_EQ(m.peer_groups.chain, (std::vector<std::vector<PeerKey>>{
                                     {PeerKey::stage, PeerKey::industry}, {PeerKey::stage}, {}}));
  EXPECT_EQ(m.peer_groups.min_size, 30);

  ASSERT_EQ(m.bonus.size(), 9u);
  EXPECT_EQ(m.bonus[1].qualification, "专精特新\u201c小巨人\u201d企业");
  double qualification_points = 0;
  for (const auto& b : m.bonus) qualification_points += b.points;
  EXPECT_EQ(qualification_points, 3 + 3 + 2 + 1 + 1 + 3 + 2 + 3 + 1);

  ASSERT_EQ(m.negatives.size(), 5u);
  EXPECT_EQ(m.negatives[0].name_zh, "严重失信主体名单");
  EXPECT_EQ(m.negatives[0].action, NegativeAction::veto);
  EXPECT_EQ(m.negatives[1].action, NegativeAction::veto);
  EXPECT_EQ(m.negatives[4].name_zh, "经营异常名录");
  EXPECT_EQ(m.negatives[4].points, 5);

  EXPECT_EQ(ids(m.grades), (std::vector<std::string>{"A", "B", "C", "D"}));
}

TEST(TrialModel, HasFourCategoriesAndAThirtyPointBonus) {
  Model m = Model::from_json(builtin_model_json("torch-2025-trial"));
  EXPECT_TRUE(m.problems().empty()) << listing(m.problems());
  EXPECT_NE(m.description.find("ILLUSTRATIVE"), std::string::npos);
  EXPECT_EQ(m.categories.size(), 4u);
  int scored = 0;
  for (const auto& ind : m.indicators) scored += ind.category.empty() ? 0 : 1;
  EXPECT_EQ(scored, 9);
  EXPECT_EQ(m.indicators.size(), 12u);
  EXPECT_EQ(m.scale.base_max, 100);
  EXPECT_EQ(m.scale.bonus_max, 30);
  EXPECT_EQ(m.scale.total_max, 130);
  EXPECT_EQ(m.stage_rule.basis, StageBasis::age);
  EXPECT_EQ(m.stage_rule.as_of, 20241231);
  EXPECT_EQ(m.stage_rule.bounds, (std::vector<double>{3, 8}));
  EXPECT_EQ(m.peer_groups.chain,
            (std::vector<std::vector<PeerKey>>{{PeerKey::stage, PeerKey::industry}, {}}));
  ASSERT_EQ(m.bonus.size(), 3u);
  for (const auto& b : m.bonus) {
    int i = m.indicator_index(b.indicator);
    ASSERT_GE(i, 0) << b.id;
    EXPECT_TRUE(m.indicators[static_cast<std::size_t>(i)].category.empty()) << b.id;
    EXPECT_GT(b.per_unit, 0);
  }
  EXPECT_EQ(m.bonus[0].indicator, "pct_apps");
  EXPECT_EQ(m.bonus[0].per_unit, 2);
  EXPECT_EQ(m.bonus[0].points, 10);
}

TEST(BuiltinModels, AreListedById) {
  EXPECT_EQ(builtin_model_ids(), (std::vector<std::string>{"torch-2022", "torch-2025-trial"}));
  for (const auto& id : builtin_model_ids()) EXPECT_EQ(Model::from_json(builtin_model_json(id)).id, id);
  EXPECT_TRUE(builtin_model_json("torch-2099").empty());
}

// ---------------------------------------------------------------------------
// Round trips and files.

TEST(ToJson, RoundTripsEveryBuiltinModel) {
  for (const auto& id : builtin_model_ids()) {
    SCOPED_TRACE(id);
    Model m = Model::from_json(builtin_model_json(id));
    std::string text = m.to_json();
    Model back = Model::from_json(text);
    expect_same(m, back);
    EXPECT_EQ(back.to_json(), text);
  }
}

TEST(ToJson, RoundTripsNonDefaultOptions) {
  Json doc = example();
  doc["scale"]["decimals"] = 3;
  doc["scale"]["rounding"] = "half_even";
  doc["rank_ties"] = "dense";
  doc["list_threshold"] = 62.5;
  doc["description"] = "路径 a/b ~c";
  doc["indicators"][0]["ties"] = "strict";
  doc["indicators"][1]["method"] = "min_max";
  doc["indicators"][1].erase("full_mark");
  doc["indicators"][1]["winsorize"] = {0.01, 0.99};
  doc["indicators"][1]["transform"] = "sqrt";
  doc["indicators"][2]["method"] = "steps";
  doc["indicators"][2]["breakpoints"] = {{-1.5, 0.25}, {0.1, 1}};
  doc["stage_rule"] = {{"basis", "age"}, {"as_of", "2024-02-29"}, {"bounds", {5}}};
  doc["peer_groups"] = Json::parse(R"({"chain": [["province", "industry"], ["province"]], "min_size": 7})");
  doc["bonus"].push_back({{"id", "rd"}, {"name_zh", "研发加分"}, {"indicator", "revenue"}, {"per_unit", 0.001},
                          {"points", 2.5}});
  doc["negatives"].push_back({{"id", "fraud"}, {"name_zh", "科研失信行为"}, {"action", "veto"}});
  Model m = Model::from_json(doc.dump());
  EXPECT_EQ(m.stage_rule.as_of, 20240229);
  EXPECT_EQ(m.indicators[1].transform, Transform::sqrt);
  Model back = Model::from_json(m.to_json());
  expect_same(m, back);
}

TEST(ToJson, IsIndentedByTwoSpaces) {
  std::string text = Model::from_json(kExample).to_json();
  EXPECT_EQ(text.rfind("{\n  \"id\": \"example\",\n  \"name\": ", 0), 0u) << text.substr(0, 80);
  EXPECT_NE(text.find("\n        \"startup\": 40,\n"), std::string::npos);
}

TEST(FromJson, ReportsMalformedJsonWithTheParserMessage) {
  try {
    Model::from_json("{\"id\": \"x\",\n \"name\": }");
    FAIL() << "no error";
  } catch (const ModelError&) {
    FAIL() << "a syntax error is not a ModelError";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_model);
    std::string what = e.what();
    EXPECT_EQ(what.rfind("model JSON: ", 0), 0u) << what;
    EXPECT_NE(what.find("line 2"), std::string::npos) << what;
  }
}

TEST(FromFile, ReadsAFileAndNamesAnUnreadableOne) {
  std::string path = ::testing::TempDir() + "cxjf_model_test.json";
  {
    std::ofstream out(path, std::ios::binary);
    out << kExample;
  }
  EXPECT_EQ(Model::from_file(path).id, "example");
  std::remove(path.c_str());
  try {
    Model::from_file(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::io);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

#ifdef CXJF_SOURCE_DIR
// docs/model.md's first JSON block is this file's example, so the document
// shows a model that loads.
TEST(Docs, WorkedExampleIsTheTestExample) {
  std::ifstream in(std::string(CXJF_SOURCE_DIR) + "/docs/model.md");
  std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto start = doc.find("```json\n");
  ASSERT_NE(start, std::string::npos);
  start += 8;
  auto end = doc.find("```", start);
  Model documented = Model::from_json(doc.substr(start, end - start));
  expect_same(documented, Model::from_json(kExample));
}
#endif

// ---------------------------------------------------------------------------
// Validation: the JSON pass.

TEST(Validation, TheExampleIsValid) { EXPECT_TRUE(problems_of(example()).empty()) << listing(problems_of(example())); }

TEST(Validation, MissingRequiredKey) {
  Json doc = example();
  doc["indicators"][0].erase("id");
  doc["scale"].erase("base_max");
  auto p = problems_of(doc);
  EXPECT_TRUE(HasProblem(p, "/scale/base_max", {"missing required key \"base_max\""}));
  EXPECT_TRUE(HasProblem(p, "/indicators/0/id", {"missing required key \"id\""}));
  // The missing id is not also reported as an empty id, nor base_max's
  // default as a sum mismatch.
  EXPECT_TRUE(ProblemPaths(p, {"/scale/base_max", "/indicators/0/id"}));
}

TEST(Validation, WrongType) {
  Json doc = example();
  doc["scale"]["base_max"] = "100";
  doc["indicators"][1]["zero_earns_zero"] = 1;
  doc["grades"] = {{"id", "A"}};
  auto p = problems_of(doc);
  EXPECT_TRUE(HasProblem(p, "/scale/base_max", {"expected a number", "the string \"100\""}));
  EXPECT_TRUE(HasProblem(p, "/indicators/1/zero_earns_zero", {"expected true or false", "the number 1"}));
  EXPECT_TRUE(HasProblem(p, "/grades", {"expected an array", "an object"}));
}

TEST(Validation, RootMustBeAnObject) {
  auto p = problems_of(std::string("[1, 2]"));
  EXPECT_TRUE(ProblemPaths(p, {""}));
  EXPECT_TRUE(HasProblem(p, "", {"expected an object", "an array"}));
}

TEST(Validation, UnknownKeySuggestsTheKnownOne) {
  Json doc = example();
  Json& rd = doc["indicators"][0];
  Json weights = rd["weights"];
  rd.erase("weights");
  rd["wieghts"] = weights;
  auto p = problems_of(doc);
  EXPECT_TRUE(HasProblem(p, "/indicators/0/wieghts", {"unknown key \"wieghts\"", "did you mean \"weights\"?"}));
  EXPECT_TRUE(HasProblem(p, "/indicators/0/weights", {"needs \"weights\"", "startup, stable"}));
  // No weight-sum noise: the sums are meaningless until the weights exist.
  EXPECT_TRUE(ProblemPaths(p, {"/indicators/0/wieghts", "/indicators/0/weights"}));

  doc = example();
  doc["colour"] = "blue";
  EXPECT_TRUE(HasProblem(problems_of(doc), "/colour", {"unknown key \"colour\"", "allowed keys are id, name,"}));
}

TEST(Validation, UnknownEnumListsTheSpellings) {
  Json doc = example();
  doc["indicators"][0]["method"] = "percentil";
  doc["indicators"][1]["missing"] = "median";
  doc["rank_ties"] = "olympic";
  doc["peer_groups"]["chain"] = Json::parse(R"([["stage", "region"]])");
  auto p = problems_of(doc);
  EXPECT_TRUE(HasProblem(p, "/indicators/0/method", {"unknown method \"percentil\"",
                                                     "percentile, capped_ratio, piecewise, steps, min_max, boolean"}));
  EXPECT_TRUE(HasProblem(p, "/indicators/1/missing", {"\"median\"", "zero, peer_median, exclude"}));
  EXPECT_TRUE(HasProblem(p, "/rank_ties", {"\"olympic\"", "competition, dense"}));
  EXPECT_TRUE(HasProblem(p, "/peer_groups/chain/0/1", {"\"region\"", "stage, industry, province"}));
  EXPECT_EQ(p.size(), 4u) << listing(p);
}

TEST(Validation, DuplicateJsonKey) {
  std::string text = kExample;
  text.replace(text.find("\"id\": \"example\""), 15, "\"id\": \"example\", \"id\": \"again\"");
  auto p = problems_of(text);
  EXPECT_TRUE(ProblemPaths(p, {"/id"}));
  EXPECT_TRUE(HasProblem(p, "/id", {"duplicate key \"id\""}));

  text = kExample;
  text.replace(text.find("\"startup\": 30, \"stable\": 20"), 13, "\"startup\": 30, \"startup\": 30");
  EXPECT_TRUE(HasProblem(problems_of(text), "/indicators/2/weights/startup", {"duplicate key \"startup\""}));
}

TEST(Validation, WeightsKeyedByAnUnknownStage) {
  Json doc = example();
  Json& w = doc["indicators"][0]["weights"];
  w.erase("stable");
  w["stabel"] = 50;
  auto p = problems_of(doc);
  EXPECT_TRUE(HasProblem(p, "/indicators/0/weights/stable", {"missing the weight for stage \"stable\""}));
  EXPECT_TRUE(HasProblem(p, "/indicators/0/weights/stabel",
                         {"\"stabel\" is not a stage id", "did you mean \"stable\"?", "startup, stable"}));
  EXPECT_EQ(p.size(), 2u) << listing(p);
}

TEST(Validation, ProblemsAreCollectedInDocumentOrder) {
  Json doc = example();
  doc["grades"][3]["min"] = 5;
  doc["indicators"][2]["breakpoints"][1] = {0, 0.5};
  doc["scale"]["decimals"] = 9;
  doc["bonus"][0]["points"] = 0;
  auto p = problems_of(doc);
  EXPECT_TRUE(ProblemPaths(p, {"/scale/decimals", "/indicators/2/breakpoints/1", "/bonus/0/points", "/grades/3/min"}));
  try {
    Model::from_json(doc.dump());
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("\n  /scale/decimals: decimals must be between 0 and 6, found 9"),
              std::string::npos)
        << e.what();
  }
}

// ---------------------------------------------------------------------------
// Validation: the semantic rules.

TEST(Validation, DuplicateIds) {
  Json doc = example();
  doc["indicators"][1]["id"] = "rd_expense";
  doc["categories"][1]["id"] = "input";
  doc["indicators"][2]["category"] = "input";
  doc["stages"][1]["id"] = "startup";
  doc["bonus"].push_back({{"id", "hnte"}, {"name_zh", "瞪羚企业"}, {"qualification", "瞪羚企业"}, {"points", 1}});
  doc["negatives"].push_back({{"id", "accident"}, {"name_zh", "经营异常名录"}, {"action", "deduct"}, {"points", 5}});
  doc["grades"][2]["id"] = "A";
  auto p = problems_of(doc);
  EXPECT_TRUE(HasProblem(p, "/indicators/1/id", {"duplicate indicator id \"rd_expense\"", "/indicators/0"}));
  EXPECT_TRUE(HasProblem(p, "/categories/1/id", {"duplicate category id \"input\"", "/categories/0"}));
  EXPECT_TRUE(HasProblem(p, "/stages/1/id", {"duplicate stage id \"startup\"", "/stages/0"}));
  EXPECT_TRUE(HasProblem(p, "/bonus/1/id", {"duplicate bonus item id \"hnte\""}));
  EXPECT_TRUE(HasProblem(p, "/negatives/1/id", {"duplicate negative item id \"accident\""}));
  EXPECT_TRUE(HasProblem(p, "/grades/2/id", {"duplicate grade id \"A\""}));
}

TEST(Validation, StageNamesMustBeUnambiguous) {
  Json doc = example();
  doc["stages"][1]["name_en"] = "startup";
  EXPECT_TRUE(HasProblem(problems_of(doc), "/stages/1/name_en", {"\"startup\" also names /stages/0"}));
}

TEST(Validation, UnknownCategory) {
  Json doc = example();
  doc["indicators"][0]["category"] = "inptu";
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators/0/category",
                         {"unknown category \"inptu\"", "did you mean \"input\"?", "input, growth"}));
}

TEST(Validation, NegativeWeight) {
  Json doc = example();
  doc["indicators"][0]["weights"]["startup"] = -10;  // the stage still sums to 100
  doc["indicators"][1]["weights"]["startup"] = 80;
  auto p = problems_of(doc);
  EXPECT_TRUE(ProblemPaths(p, {"/indicators/0/weights/startup"}));
  EXPECT_TRUE(HasProblem(p, "/indicators/0/weights/startup", {"weight -10", "\"startup\"", ">= 0"}));
}

TEST(Validation, StageWeightsMustSumToBaseMax) {
  Json doc = example();
  doc["indicators"][0]["weights"]["startup"] = 39.5;
  auto p = problems_of(doc);
  EXPECT_TRUE(ProblemPaths(p, {"/indicators"}));
  EXPECT_TRUE(HasProblem(p, "/indicators", {"stage \"startup\" (初创期)", "sum to 99.5", "scale.base_max = 100"}));

  // Input-only indicators do not count; base_max need not be 100.
  doc = example();
  doc["scale"] = {{"base_max", 1000}, {"total_max", 1000}, {"bonus_max", 10}};
  doc["list_threshold"] = 700;
  p = problems_of(doc);
  EXPECT_TRUE(HasProblem(p, "/indicators", {"stage \"startup\"", "sum to 100 ", "= 1000"}));
  EXPECT_TRUE(HasProblem(p, "/indicators", {"stage \"stable\" (稳定期)", "sum to 100 ", "= 1000"}));
}

TEST(Validation, DecimalWeightsSumExactly) {
  Json doc = example();
  doc["indicators"][0]["weights"]["startup"] = 33.3;
  doc["indicators"][1]["weights"]["startup"] = 33.4;
  doc["indicators"][2]["weights"]["startup"] = 33.3;
  doc["indicators"][0]["weights"]["stable"] = 0.1;
  doc["indicators"][1]["weights"]["stable"] = 0.2;
  doc["indicators"][2]["weights"]["stable"] = 99.7;
  // In doubles this order of addition misses 100; as decimals it is exact.
  EXPECT_NE(33.3 + 33.4 + 33.3, 100.0);
  EXPECT_TRUE(problems_of(doc).empty()) << listing(problems_of(doc));

  // ...and a sum that misses by a hair is still reported, exactly.
  doc["indicators"][2]["weights"]["stable"] = 99.71;
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators", {"\"stable\"", "sum to 100.01 "}));
}

// Decimals whose digits after the point start with 0 (0.075, 0.09) are read
// as the decimals they are, not as octal numbers or errors.
TEST(Validation, WeightsWithLeadingZerosAfterThePoint) {
  Json doc = example();
  doc["indicators"][0]["weights"]["stable"] = 0.1;
  doc["indicators"][1]["weights"]["stable"] = 0.9;
  doc["indicators"][2]["weights"]["stable"] = 99;
  doc["indicators"][0]["weights"]["startup"] = 0.25;
  doc["indicators"][1]["weights"]["startup"] = 0.75;
  doc["indicators"][2]["weights"]["startup"] = 99;
  EXPECT_TRUE(problems_of(doc).empty()) << listing(problems_of(doc));
  doc["indicators"][2]["weights"]["startup"] = 99.075;
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators", {"\"startup\"", "sum to 100.075 "}));
}

TEST(Validation, InputOnlyIndicatorHasNoWeights) {
  Json doc = example();
  doc["indicators"][3]["weights"] = {{"startup", 0}, {"stable", 0}};
  auto p = problems_of(doc);
  EXPECT_TRUE(ProblemPaths(p, {"/indicators/3/weights"}));
  EXPECT_TRUE(HasProblem(p, "/indicators/3/weights", {"input-only", "must have no weights"}));
}

TEST(Validation, ScoredIndicatorNeedsMethod) {
  Json doc = example();
  doc["indicators"][0].erase("method");
  EXPECT_TRUE(ProblemPaths(problems_of(doc), {"/indicators/0/method"}));
}

TEST(Validation, Breakpoints) {
  Json doc = example();
  doc["indicators"][2]["breakpoints"] = {{0, 0}};
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators/2/breakpoints", {"piecewise needs at least 2", "found 1"}));

  doc["indicators"][2]["method"] = "steps";
  doc["indicators"][2]["breakpoints"] = Json::array();
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators/2/breakpoints", {"steps needs at least 1", "found 0"}));

  doc = example();
  doc["indicators"][2]["breakpoints"] = {{10, 0}, {10, 0.5}, {50, 1.5}};
  auto p = problems_of(doc);
  EXPECT_TRUE(HasProblem(p, "/indicators/2/breakpoints/1",
                         {"x = 10 is not greater than the previous x = 10", "strictly increasing"}));
  EXPECT_TRUE(HasProblem(p, "/indicators/2/breakpoints/2", {"s = 1.5 is outside [0, 1]"}));
  EXPECT_EQ(p.size(), 2u) << listing(p);

  doc = example();
  doc["indicators"][2]["breakpoints"][1] = {20};
  p = problems_of(doc);
  EXPECT_TRUE(ProblemPaths(p, {"/indicators/2/breakpoints/1"}));
  EXPECT_TRUE(HasProblem(p, "/indicators/2/breakpoints/1", {"expected a pair [x, s]", "[20]"}));

  doc = example();
  doc["indicators"][0]["breakpoints"] = {{0, 0}, {1, 1}};
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators/0/breakpoints",
                         {"applies only to method piecewise or steps, not percentile"}));
}

TEST(Validation, CappedRatioFullMark) {
  Json doc = example();
  Json& ratio = doc["indicators"][1];
  ratio.erase("full_mark");
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators/1/full_mark",
                         {"capped_ratio needs \"full_mark\"", "\"full_mark_quantile\""}));
  ratio["full_mark"] = 10;
  ratio["full_mark_quantile"] = 0.9;
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators/1/full_mark_quantile", {"not both"}));
  ratio.erase("full_mark_quantile");
  ratio["full_mark"] = 0;
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators/1/full_mark", {"> 0", "found 0"}));
  ratio.erase("full_mark");
  ratio["full_mark_quantile"] = 1.5;
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators/1/full_mark_quantile", {"between 0 and 1", "1.5"}));
  ratio["full_mark_quantile"] = 1;
  EXPECT_TRUE(problems_of(doc).empty()) << listing(problems_of(doc));

  doc = example();
  doc["indicators"][0]["full_mark"] = 500;
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators/0/full_mark", {"applies only to method capped_ratio"}));
}

TEST(Validation, Winsorize) {
  Json doc = example();
  doc["indicators"][1]["method"] = "min_max";
  doc["indicators"][1].erase("full_mark");
  doc["indicators"][1]["winsorize"] = {0.95, 0.05};
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators/1/winsorize", {"0 <= lower < upper <= 1", "[0.95, 0.05]"}));
  doc["indicators"][1]["winsorize"] = {-0.1, 1};
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators/1/winsorize", {"[-0.1, 1]"}));
  doc["indicators"][1]["winsorize"] = {0.05, 0.95};
  EXPECT_TRUE(problems_of(doc).empty()) << listing(problems_of(doc));

  doc = example();
  doc["indicators"][0]["winsorize"] = {0.05, 0.95};
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators/0/winsorize", {"applies only to method min_max"}));
}

TEST(Validation, TransformTiesAndDirectionOnlyWhereTheyMeanSomething) {
  Json doc = example();
  doc["indicators"][0]["transform"] = "log1p";
  doc["indicators"][1]["ties"] = "strict";
  doc["indicators"][2]["direction"] = "lower";
  auto p = problems_of(doc);
  EXPECT_TRUE(HasProblem(p, "/indicators/0/transform", {"applies only to method capped_ratio or min_max"}));
  EXPECT_TRUE(HasProblem(p, "/indicators/1/ties", {"applies only to method percentile, not capped_ratio"}));
  EXPECT_TRUE(HasProblem(p, "/indicators/2/direction", {"direction lower does not apply to piecewise"}));
  EXPECT_EQ(p.size(), 3u) << listing(p);

  doc = example();
  doc["indicators"][0]["direction"] = "lower";
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators/0/zero_earns_zero", {"contradicts direction lower"}));
  doc["indicators"][0]["ties"] = "weak";  // the default may be spelled out anywhere
  doc["indicators"][1]["ties"] = "weak";
  doc["indicators"][0]["zero_earns_zero"] = false;
  EXPECT_TRUE(problems_of(doc).empty()) << listing(problems_of(doc));
}

TEST(Validation, StageRule) {
  Json doc = example();
  doc["stage_rule"]["bounds"] = {2000, 5000};
  EXPECT_TRUE(HasProblem(problems_of(doc), "/stage_rule/bounds", {"2 stages need 1 bound (", "found 2"}));

  doc = example();
  doc["stage_rule"]["indicator"] = "revenu";
  EXPECT_TRUE(HasProblem(problems_of(doc), "/stage_rule/indicator",
                         {"unknown indicator \"revenu\"", "did you mean \"revenue\"?"}));
  doc["stage_rule"].erase("indicator");
  EXPECT_TRUE(HasProblem(problems_of(doc), "/stage_rule/indicator", {"revenue basis needs"}));

  doc = example();
  doc["stage_rule"] = {{"basis", "age"}, {"as_of", "2023-02-29"}, {"bounds", {3}}};
  EXPECT_TRUE(HasProblem(problems_of(doc), "/stage_rule/as_of", {"calendar date", "2023-02-29"}));
  doc["stage_rule"]["as_of"] = "2023/12/31";
  EXPECT_TRUE(HasProblem(problems_of(doc), "/stage_rule/as_of", {"YYYY-MM-DD", "\"2023/12/31\""}));
  doc["stage_rule"].erase("as_of");
  EXPECT_TRUE(HasProblem(problems_of(doc), "/stage_rule/as_of", {"needs as_of"}));
  doc["stage_rule"]["as_of"] = "2024-02-29";
  EXPECT_TRUE(problems_of(doc).empty()) << listing(problems_of(doc));

  doc = example();
  doc["stage_rule"] = {{"basis", "data"}, {"bounds", {3}}};
  EXPECT_TRUE(HasProblem(problems_of(doc), "/stage_rule/bounds", {"only to the revenue and age bases"}));

  // Strictly increasing bounds need three stages: check the default model.
  Model m = default_model();
  m.stage_rule.bounds = {20000, 2000};
  auto p = m.problems();
  EXPECT_TRUE(ProblemPaths(p, {"/stage_rule/bounds/1"}));
  EXPECT_TRUE(HasProblem(p, "/stage_rule/bounds/1", {"2000 is not greater than the previous 20000"}));
}

TEST(Validation, PeerChain) {
  Json doc = example();
  doc["peer_groups"]["chain"] = Json::array();
  EXPECT_TRUE(HasProblem(problems_of(doc), "/peer_groups/chain", {"at least one level"}));
  doc["peer_groups"]["chain"] = Json::parse(R"([["stage", "stage"]])");
  EXPECT_TRUE(HasProblem(problems_of(doc), "/peer_groups/chain/0/1", {"duplicate key \"stage\""}));
  doc["peer_groups"]["chain"] = Json::parse(R"([["stage", "industry"], ["province"]])");
  EXPECT_TRUE(HasProblem(problems_of(doc), "/peer_groups/chain/1/0",
                         {"\"province\" is not in the previous level", "subset"}));
  doc["peer_groups"]["chain"] = Json::parse(R"([["stage", "industry"], ["industry"], []])");
  doc["peer_groups"]["min_size"] = 0;
  auto p = problems_of(doc);
  EXPECT_TRUE(ProblemPaths(p, {"/peer_groups/min_size"}));
  EXPECT_TRUE(HasProblem(p, "/peer_groups/min_size", {"at least 1", "found 0"}));
}

TEST(Validation, PeerGroupsDefaultToStageIndustryThenStageThenNational) {
  Json doc = example();
  doc.erase("peer_groups");
  Model m = Model::from_json(doc.dump());
  EXPECT_EQ(m.peer_groups.chain, (std::vector<std::vector<PeerKey>>{
                                     {PeerKey::stage, PeerKey::industry}, {PeerKey::stage}, {}}));
  EXPECT_EQ(m.peer_groups.min_size, 30);
}

TEST(Validation, BonusItems) {
  Json doc = example();
  doc["bonus"][0]["indicator"] = "revenue";
  doc["bonus"][0]["per_unit"] = 1;
  EXPECT_TRUE(HasProblem(problems_of(doc), "/bonus/0/indicator",
                         {"either \"qualification\" or \"indicator\"", "not both"}));

  doc = example();
  doc["bonus"][0].erase("qualification");
  EXPECT_TRUE(HasProblem(problems_of(doc), "/bonus/0", {"needs either \"qualification\"", "or \"indicator\""}));

  doc = example();
  doc["bonus"].push_back({{"id", "pct"}, {"name_zh", "PCT专利加分"}, {"indicator", "pct_apps"}, {"points", 10}});
  auto p = problems_of(doc);
  EXPECT_TRUE(HasProblem(p, "/bonus/1/indicator", {"unknown indicator \"pct_apps\""}));
  EXPECT_TRUE(HasProblem(p, "/bonus/1/per_unit", {"per_unit > 0", "found 0"}));

  doc = example();
  doc["bonus"][0]["points"] = -1;
  doc["bonus"][0]["per_unit"] = 2;
  doc["bonus"].push_back({{"id", "hnte2"}, {"name_zh", "高新"}, {"qualification", "高新技术企业"}, {"points", 1}});
  p = problems_of(doc);
  EXPECT_TRUE(HasProblem(p, "/bonus/0/points", {"points must be a number > 0", "found -1"}));
  EXPECT_TRUE(HasProblem(p, "/bonus/0/per_unit", {"only to indicator items"}));
  EXPECT_TRUE(HasProblem(p, "/bonus/1/qualification", {"already earns points in /bonus/0"}));

  doc = example();
  doc["scale"]["bonus_max"] = 0;
  EXPECT_TRUE(HasProblem(problems_of(doc), "/scale/bonus_max", {"bonus items but bonus_max is 0"}));
}

TEST(Validation, NegativeItems) {
  Json doc = example();
  doc["negatives"][0].erase("points");
  doc["negatives"].push_back({{"id", "dishonest"}, {"name_zh", "严重失信主体名单"}, {"action", "veto"}, {"points", 5}});
  doc["negatives"].push_back({{"id", "again"}, {"name_zh", "严重失信主体名单"}, {"action", "veto"}});
  auto p = problems_of(doc);
  EXPECT_TRUE(HasProblem(p, "/negatives/0/points", {"deduct item needs points > 0", "found 0"}));
  EXPECT_TRUE(HasProblem(p, "/negatives/1/points", {"only to action deduct"}));
  EXPECT_TRUE(HasProblem(p, "/negatives/2/name_zh", {"\"严重失信主体名单\" is already used by /negatives/1"}));
  EXPECT_EQ(p.size(), 3u) << listing(p);

  doc = example();
  doc["negatives"][0].erase("action");
  EXPECT_TRUE(ProblemPaths(problems_of(doc), {"/negatives/0/action"}));
}

TEST(Validation, Grades) {
  Json doc = example();
  doc["grades"][2]["min"] = 70;
  doc["grades"][3]["min"] = 10;
  auto p = problems_of(doc);
  EXPECT_TRUE(HasProblem(p, "/grades/2/min", {"min 70 is not below the previous grade's min 70", "best to worst"}));
  EXPECT_TRUE(HasProblem(p, "/grades/3/min", {"last grade must have min 0", "found 10"}));

  doc = example();
  doc["grades"][0]["min"] = 101;
  EXPECT_TRUE(HasProblem(problems_of(doc), "/grades/0/min", {"above scale.total_max (100)"}));
  doc["grades"] = Json::array();
  EXPECT_TRUE(HasProblem(problems_of(doc), "/grades", {"at least one grade"}));
}

TEST(Validation, Scale) {
  Json doc = example();
  doc["scale"] = {{"base_max", 0}, {"bonus_max", -1}, {"total_max", 100}, {"decimals", 7}};
  doc["list_threshold"] = 120;
  auto p = problems_of(doc);
  EXPECT_TRUE(HasProblem(p, "/scale/base_max", {"base_max must be a number > 0", "found 0"}));
  EXPECT_TRUE(HasProblem(p, "/scale/bonus_max", {">= 0", "found -1"}));
  EXPECT_TRUE(HasProblem(p, "/scale/decimals", {"between 0 and 6", "found 7"}));
  EXPECT_TRUE(HasProblem(p, "/list_threshold", {"between 0 and scale.total_max (100)", "found 120"}));

  doc = example();
  doc["scale"]["total_max"] = 90;
  doc["list_threshold"] = 60;
  EXPECT_TRUE(HasProblem(problems_of(doc), "/scale/total_max", {"total_max (90) must be at least base_max (100)"}));
  doc["scale"]["decimals"] = 2.5;
  EXPECT_TRUE(HasProblem(problems_of(doc), "/scale/decimals", {"expected a whole number", "2.5"}));
}

TEST(Validation, AtLeastOneCategoryStageAndScoredIndicator) {
  Json doc = example();
  doc["categories"] = Json::array();
  EXPECT_TRUE(HasProblem(problems_of(doc), "/categories", {"at least one category"}));

  doc = example();
  doc["stages"] = Json::array();
  doc["stage_rule"] = {{"basis", "data"}};
  auto p = problems_of(doc);
  // Weights cannot be checked without stages; only the cause is reported.
  EXPECT_TRUE(ProblemPaths(p, {"/stages"}));
  EXPECT_TRUE(HasProblem(p, "/stages", {"at least one stage"}));

  doc = example();
  Json revenue = doc["indicators"][3];
  doc["indicators"] = Json::array({revenue});  // {revenue} alone may be read as a copy
  EXPECT_TRUE(HasProblem(problems_of(doc), "/indicators", {"no indicator is scored"}));
}

TEST(Problems, ValidateAStructBuiltInCode) {
  Model m = default_model();
  m.indicators[0].weights[1] = -1;
  m.indicators[1].weights[1] += 1;
  m.indicators[2].category = "research";
  m.grades.back().min_score = 1;
  auto p = m.problems();
  EXPECT_TRUE(HasProblem(p, "/indicators/0/weights/growth", {"weight -1", "\"growth\""}));
  EXPECT_TRUE(HasProblem(p, "/indicators/2/category", {"unknown category \"research\"", "tech, growth, aux"}));
  EXPECT_TRUE(HasProblem(p, "/grades/3/min", {"min 0"}));
  // Growth: rd_expense 9 -> -1 and rd_growth 6 -> 7, so 100 - 10 + 1. An
  // unknown category still counts as scored.
  EXPECT_TRUE(HasProblem(p, "/indicators", {"stage \"growth\" (成长期)", "sum to 91 "}));
  EXPECT_EQ(p.size(), 4u) << listing(p);
}

// ---------------------------------------------------------------------------
// Look-ups.

TEST(GradeOf, UsesTheFirstGradeWhoseMinIsReached) {
  const Model& m = default_model();
  EXPECT_EQ(m.grade_of(100), 0);
  EXPECT_EQ(m.grade_of(85), 0);
  EXPECT_EQ(m.grade_of(84.99), 1);
  EXPECT_EQ(m.grade_of(70), 1);
  EXPECT_EQ(m.grade_of(69.99), 2);
  EXPECT_EQ(m.grade_of(60), 2);
  EXPECT_EQ(m.grade_of(59.99), 3);
  EXPECT_EQ(m.grade_of(0), 3);
}

TEST(Lookups, StageByIdOrName) {
  const Model& m = default_model();
  EXPECT_EQ(m.stage_index("startup"), 0);
  EXPECT_EQ(m.stage_index("成长期"), 1);
  EXPECT_EQ(m.stage_index("稳定期"), 2);
  EXPECT_EQ(m.stage_index("Start-up"), 0);
  EXPECT_EQ(m.stage_index("GROWTH"), 1);
  EXPECT_EQ(m.stage_index("壮大期"), -1);
  EXPECT_EQ(m.stage_index(""), -1);
  EXPECT_EQ(m.indicator_index("roe"), 12);
  EXPECT_EQ(m.indicator_index("ROE"), -1);
  EXPECT_EQ(m.category_index("aux"), 2);
  EXPECT_EQ(m.category_index("辅助"), -1);
}

}  // namespace
}  // namespace cxjf
