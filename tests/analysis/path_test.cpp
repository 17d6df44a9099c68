// The path to a target (Analyzer::path), against brute force on small
// references: every answer rescored by what_if reaches the target, no
// smaller value among all the values the table holds (or on the 0.01 grid
// just below) reaches it, and an unreachable target is missed at the cap.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <string>

#include "cxjf/cxjf.hpp"

namespace cxjf {
namespace {

std::int64_t score_with(const Analyzer& a, std::int64_t row, const std::string& id, double v) {
  Changes c;
  c.values.emplace_back(id, v);
  return a.what_if(row, c).after.published_units;
}

class PathEveryModel : public ::testing::TestWithParam<std::string> {};

TEST_P(PathEveryModel, EachAnswerIsTheLeastValueThatReachesTheTarget) {
  const Model model = Model::from_json(builtin_model_json(GetParam()));
  const Snapshot snap = Snapshot::build(model, generate(model, {400, 23, 0}));
  const Analyzer analyzer(snap);
  std::mt19937_64 random(5);
  int reachable = 0, unreachable = 0;
  for (int k = 0; k < 30; ++k) {
    const auto row = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(snap.table.size()));
    Target target;  // the list threshold, or 8 points above today's score when that is already reached
    const double today = snap.scores.published(row);
    if (today >= model.list_threshold) target.score = std::min(model.scale.total_max, today + 8);
    const Path path = analyzer.path(row, target);
    EXPECT_EQ(path.target_units, static_cast<std::int64_t>(std::llround((target.score < 0 ? model.list_threshold : target.score) * 100)));
    for (const IndicatorPath& s : path.single) {
      const Indicator& ind = model.indicators[static_cast<std::size_t>(s.indicator)];
      const int column = snap.table.indicator_column(ind.id);
      const double from = std::isnan(s.current) ? 0.0 : s.current;
      if (!s.reachable) {
        EXPECT_LT(score_with(analyzer, row, ind.id, s.cap), path.target_units) << ind.id;
        ++unreachable;
        continue;
      }
      ++reachable;
      const std::int64_t at = score_with(analyzer, row, ind.id, s.value);
      EXPECT_EQ(at, s.published_units) << ind.id;
      EXPECT_GE(at, path.target_units) << ind.id << " " << s.value;
      EXPECT_LE(s.value, s.cap);
      // No smaller value the table holds for it, nor a threshold, nor the
      // grid value just below, reaches the target.
      std::set<double> smaller;
      for (std::int64_t o = 0; o < snap.table.size(); ++o) {
        const double v = snap.table.values(static_cast<Eigen::Index>(o), column);
        if (!std::isnan(v) && v > from && v < s.value) smaller.insert(v);
      }
      for (const auto& b : ind.normalization.breakpoints)
        if (b.x > from && b.x < s.value) smaller.insert(b.x);
      // Counts step by whole numbers, other values by hundredths; a yes/no
      // indicator is 0 or 1.
      const bool count = ind.unit == "件" || ind.unit == "个" || ind.unit == "人" || ind.unit == "项";
      const double below = count ? s.value - 1 : std::round(s.value * 100 - 1) / 100;
      if (below > from && ind.normalization.method != Method::boolean) smaller.insert(below);
      if (ind.normalization.method == Method::boolean) smaller.clear();
      for (double v : smaller) ASSERT_LT(score_with(analyzer, row, ind.id, v), path.target_units) << ind.id << " " << v;
    }
  }
  EXPECT_GT(reachable, 20);
  EXPECT_GT(unreachable, 5);
}

INSTANTIATE_TEST_SUITE_P(Path, PathEveryModel, ::testing::Values("torch-2022", "torch-2025-trial"));

// Under the mean tie rule (st_staff_share in torch-2022) an enterprise tied
// with a peer passes it at the next hundredth: that value is a candidate,
// and reaches a target the next peer value would overshoot.
TEST(Path, AValueTiedWithAPeerRisesAtTheNextHundredth) {
  const Model model = default_model();
  const Table table = generate(model, {300, 13, 0});
  const int column = table.indicator_column("st_staff_share");
  const Snapshot plain = Snapshot::build(model, table);
  auto row_of = [](const Table& t, const std::string& code) {
    for (std::int64_t i = 0; i < t.size(); ++i)
      if (t.credit_code[static_cast<std::size_t>(i)] == code) return i;
    return std::int64_t{-1};
  };
  PathOptions alone;
  for (const Indicator& ind : model.indicators)
    if (ind.id != "st_staff_share") alone.fixed.push_back(ind.id);
  int tested = 0;
  for (std::int64_t a = 0; a < plain.table.size() && tested < 4; ++a) {
    // A peer of a's group with a value a does not have.
    const double va = plain.table.values(static_cast<Eigen::Index>(a), column);
    std::int64_t b = -1;
    for (std::int64_t o = 0; o < plain.table.size() && b < 0; ++o) {
      const double vo = plain.table.values(static_cast<Eigen::Index>(o), column);
      if (o != a && plain.scores.peer_group[static_cast<std::size_t>(o)] == plain.scores.peer_group[static_cast<std::size_t>(a)] &&
          vo > va + 1 && vo < 60)
        b = o;
    }
    if (std::isnan(va) || b < 0) continue;
    const double tie = plain.table.values(static_cast<Eigen::Index>(b), column);
    Table tied = table;
    tied.values(static_cast<Eigen::Index>(row_of(table, plain.table.credit_code[static_cast<std::size_t>(a)])), column) = tie;
    const Snapshot snap = Snapshot::build(model, tied);
    const Analyzer analyzer(snap);
    const std::int64_t row = row_of(snap.table, plain.table.credit_code[static_cast<std::size_t>(a)]);
    const double next = std::round(tie * 100 + 1) / 100;
    Changes up;
    up.values = {{"st_staff_share", next}};
    const std::int64_t reached = analyzer.what_if(row, up).after.published_units;
    if (reached <= snap.scores.published_units[static_cast<std::size_t>(row)]) continue;
    Target target;
    target.score = static_cast<double>(reached) / 100;
    const Path path = analyzer.path(row, target, alone);
    ASSERT_EQ(path.single.size(), 1u);
    EXPECT_EQ(path.single[0].value, next) << "tied at " << tie;
    ASSERT_EQ(path.plan.changes.size(), 1u);
    EXPECT_EQ(path.plan.changes[0].value, next);
    ++tested;
  }
  EXPECT_GE(tested, 3);
}

TEST(Path, GradeAndRankTargetsAreTheScoresCountedByHand) {
  const Model model = default_model();
  const Snapshot snap = Snapshot::build(model, generate(model, {600, 8, 0}));
  const Analyzer analyzer(snap);
  const std::int64_t row = 17;
  const auto i = static_cast<std::size_t>(row);
  Target grade;
  grade.kind = Target::Kind::grade;
  grade.grade = model.grades.front().id;
  EXPECT_EQ(analyzer.target_units(row, grade), std::llround(model.grades.front().min_score * 100));
  // Top 3 of its province: the third highest score of the others there.
  std::vector<std::int64_t> others;
  for (std::size_t o = 0; o < snap.table.region.size(); ++o)
    if (o != i && snap.table.region[o] / 10000 == snap.table.region[i] / 10000) others.push_back(snap.scores.published_units[o]);
  std::sort(others.rbegin(), others.rend());
  ASSERT_GE(others.size(), 3u);
  Target top3;
  top3.kind = Target::Kind::rank;
  top3.level = RankLevel::province;
  top3.top = 3;
  EXPECT_EQ(analyzer.target_units(row, top3), others[2]);
  // A plan for it puts the enterprise in the top 3 of its province.
  const Path path = analyzer.path(row, top3);
  for (const IndicatorPath& s : path.single) {
    if (!s.reachable) continue;
    Changes c;
    c.values.emplace_back(model.indicators[static_cast<std::size_t>(s.indicator)].id, s.value);
    EXPECT_LE(analyzer.what_if(row, c).after.rank[1], 3);
  }
  Target bad;
  bad.kind = Target::Kind::grade;
  bad.grade = "Z";
  EXPECT_THROW(analyzer.target_units(row, bad), Error);
  bad.kind = Target::Kind::rank;
  bad.top = 0;
  EXPECT_THROW(analyzer.target_units(row, bad), Error);
  PathOptions fixed;
  fixed.fixed.push_back("no_such");
  EXPECT_THROW(analyzer.path(row, Target{}, fixed), Error);
}

TEST(Path, FixedIndicatorsAreLeftAloneAndCapsBind) {
  const Model model = default_model();
  const Snapshot snap = Snapshot::build(model, generate(model, {500, 12, 0}));
  const Analyzer analyzer(snap);
  PathOptions options;
  options.fixed = {"rd_expense", "revenue"};
  options.caps = {{"invention_apps", 0}};
  const Path path = analyzer.path(3, Target{}, options);
  for (const IndicatorPath& s : path.single) {
    const std::string& id = model.indicators[static_cast<std::size_t>(s.indicator)].id;
    EXPECT_NE(id, "rd_expense");
    EXPECT_NE(id, "revenue");
    if (id == "invention_apps") {
      const double now = snap.table.values(3, snap.table.indicator_column(id));
      EXPECT_EQ(s.cap, std::isnan(now) ? 0.0 : now);  // a cap below today's value is today's value
    }
  }
}

// Caps beyond any value are refused (an infinite or 1e300 cap would make
// the grid endless), and revenue, which decides the stage when the data
// give none, stays below the next stage's bound.
TEST(Path, AbsurdCapsAreRefusedAndTheStageIndicatorKeepsItsStage) {
  const Model model = default_model();
  const Snapshot snap = Snapshot::build(model, generate(model, {500, 12, 0}));
  const Analyzer analyzer(snap);
  for (double cap : {std::numeric_limits<double>::infinity(), 1e300, -1e13}) {
    PathOptions options;
    options.caps = {{"invention_apps", cap}};
    EXPECT_THROW(analyzer.path(5, Target{}, options), Error) << cap;
  }
  ASSERT_EQ(model.stage_rule.basis, StageBasis::revenue);
  const int column = snap.table.indicator_column(model.stage_rule.indicator);
  int checked = 0;
  for (std::int64_t row = 0; row < 60; ++row) {
    if (snap.table.stage[static_cast<std::size_t>(row)] >= 0) continue;
    const double now = snap.table.values(static_cast<Eigen::Index>(row), column);
    const double from = std::isnan(now) ? 0.0 : now;
    double bound = std::numeric_limits<double>::infinity();
    for (double b : model.stage_rule.bounds)
      if (b > from) {
        bound = b;
        break;
      }
    PathOptions options;
    options.caps = {{model.stage_rule.indicator, 1e9}};
    for (const IndicatorPath& s : analyzer.path(row, Target{}, options).single)
      if (model.indicators[static_cast<std::size_t>(s.indicator)].id == model.stage_rule.indicator) {
        EXPECT_LT(s.cap, bound) << row;
        ++checked;
      }
  }
  EXPECT_GT(checked, 10);
}

}  // namespace
}  // namespace cxjf
