// The combined plan of least total effort (Path::plan): every plan, re-scored
// by what_if with all its changes, reaches its target and costs no more
// than the cheapest single change; on small references a brute force over
// every combination of values on the indicators' grids (what_if as the
// judge) finds no cheaper plan.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>

#include "cxjf/cxjf.hpp"

namespace cxjf {
namespace {

// The effort of raising an indicator from today's value to v, as
// docs/analysis.md defines it: over today's value, or over the room up to
// the cap when today's is 0, missing or negative.
double effort_of(double current, double cap, double v) {
  const double from = std::isnan(current) ? 0.0 : current;
  const double base = from > 0 ? from : cap - from;
  return base > 0 ? (v - from) / base : 0;
}

std::int64_t rescore(const Analyzer& a, const Model& model, std::int64_t row, const Plan& plan) {
  Changes c;
  for (const PlanChange& ch : plan.changes)
    c.values.emplace_back(model.indicators[static_cast<std::size_t>(ch.indicator)].id, ch.value);
  return a.what_if(row, c).after.published_units;
}

// Whether row, with the indicators `free` at `values` (what_if the judge),
// reaches `target`.
bool reaches(const Analyzer& a, std::int64_t row, const std::vector<std::string>& free, const std::vector<double>& values,
             std::int64_t target) {
  Changes ch;
  for (std::size_t f = 0; f < free.size(); ++f) ch.values.emplace_back(free[f], values[f]);
  return a.what_if(row, ch).after.published_units >= target;
}

// A target score between row's today and its score with each of the
// indicators `free` at the top of its grid (false when they lie within a
// hundredth).
bool target_between(const Analyzer& a, std::int64_t row, const std::vector<std::string>& free,
                    const std::vector<std::vector<double>>& grid, std::mt19937_64& random, Target& target) {
  Changes top;
  for (std::size_t f = 0; f < free.size(); ++f) top.values.emplace_back(free[f], grid[f].back());
  const std::int64_t now_units = a.snapshot().scores.published_units[static_cast<std::size_t>(row)];
  const std::int64_t top_units = a.what_if(row, top).after.published_units;
  if (top_units <= now_units + 1) return false;
  const auto above = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(top_units - now_units));
  target.score = static_cast<double>(now_units + 1 + above) / 100;
  return true;
}

class PlanEveryModel : public ::testing::TestWithParam<std::string> {};

TEST_P(PlanEveryModel, EveryPlanReachesItsTargetAndBeatsEverySingleChange) {
  const Model model = Model::from_json(builtin_model_json(GetParam()));
  const Snapshot snap = Snapshot::build(model, generate(model, {400, 23, 0}));
  const Analyzer analyzer(snap);
  std::mt19937_64 random(7);
  int planned = 0, several = 0;
  for (int k = 0; k < 30; ++k) {
    const auto row = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(snap.table.size()));
    Target target;
    const double today = snap.scores.published(row);
    if (today >= model.list_threshold) target.score = std::min(model.scale.total_max, today + 8);
    const Path path = analyzer.path(row, target);
    const Plan& plan = path.plan;
    if (!plan.reachable) {
      // Out of reach even with every indicator at its cap.
      Changes all;
      for (const IndicatorPath& s : path.single)
        all.values.emplace_back(model.indicators[static_cast<std::size_t>(s.indicator)].id, s.cap);
      EXPECT_LT(analyzer.what_if(row, all).after.published_units, path.target_units) << row;
      continue;
    }
    EXPECT_LE(plan.lower_bound, plan.effort);
    EXPECT_GE(plan.lower_bound, 0);
    ++planned;
    several += plan.changes.size() > 1;
    EXPECT_GE(rescore(analyzer, model, row, plan), path.target_units) << row;
    EXPECT_EQ(rescore(analyzer, model, row, plan), plan.published_units) << row;
    double sum = 0;
    for (const PlanChange& ch : plan.changes) {
      const auto it = std::find_if(path.single.begin(), path.single.end(),
                                   [&](const IndicatorPath& s) { return s.indicator == ch.indicator; });
      ASSERT_NE(it, path.single.end());
      EXPECT_GT(ch.value, std::isnan(ch.current) ? 0.0 : ch.current);
      EXPECT_LE(ch.value, it->cap);
      EXPECT_DOUBLE_EQ(ch.effort, effort_of(ch.current, it->cap, ch.value));
      sum += ch.effort;
    }
    EXPECT_NEAR(plan.effort, sum, 1e-12);
    for (const IndicatorPath& s : path.single)
      if (s.reachable) EXPECT_LE(plan.effort, s.effort + 1e-12) << row;
  }
  EXPECT_GT(planned, 15);
  EXPECT_GT(several, 3);  // some plans combine indicators
}

// Brute force: three indicators free (two counts and one in hundredths),
// the rest fixed, each capped a few steps above today's value; every
// combination of grid values is scored by what_if.
TEST_P(PlanEveryModel, BruteForceFindsNoCheaperPlanOnSmallReferences) {
  const Model model = Model::from_json(builtin_model_json(GetParam()));
  const Snapshot snap = Snapshot::build(model, generate(model, {120, 31, 0}));
  const Analyzer analyzer(snap);
  std::vector<std::string> counts, hundredths;
  for (const Indicator& ind : model.indicators) {
    if (ind.direction != Direction::higher) continue;
    const bool scored = !ind.category.empty() ||
                        std::any_of(model.bonus.begin(), model.bonus.end(), [&](const BonusItem& b) { return b.indicator == ind.id; });
    if (!scored) continue;
    const bool count = ind.unit == "件" || ind.unit == "个" || ind.unit == "人" || ind.unit == "项";
    const bool amount = ind.unit == "万元";  // too wide a grid to enumerate
    if (count) counts.push_back(ind.id);
    else if (!amount) hundredths.push_back(ind.id);
  }
  ASSERT_GE(counts.size(), 2u);
  ASSERT_GE(hundredths.size(), 1u);
  std::mt19937_64 random(11);
  int compared = 0, combined = 0;
  for (int k = 0; k < 40 && compared < 12; ++k) {
    const auto row = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(snap.table.size()));
    std::vector<std::string> free = {counts[random() % counts.size()], counts[random() % counts.size()],
                                     hundredths[random() % hundredths.size()]};
    if (free[0] == free[1]) continue;
    PathOptions options;
    for (const Indicator& ind : model.indicators)
      if (std::find(free.begin(), free.end(), ind.id) == free.end()) options.fixed.push_back(ind.id);
    // Each free indicator's grid: today's value and up to 6 whole steps
    // above it, or up to 0.80 in hundredths.
    std::vector<std::vector<double>> grid(3);
    for (std::size_t f = 0; f < 3; ++f) {
      const double now = snap.table.values(static_cast<Eigen::Index>(row), snap.table.indicator_column(free[f]));
      const double from = std::isnan(now) ? 0.0 : now;
      const int steps = f < 2 ? 6 : 80;
      const double step = f < 2 ? 1 : 0.01;
      grid[f].push_back(now);
      for (int s = 1; s <= steps; ++s) grid[f].push_back(f < 2 ? from + s : std::round(from * 100 + s) / 100);
      options.caps.emplace_back(free[f], grid[f].back());
      (void)step;
    }
    Target target;
    if (!target_between(analyzer, row, free, grid, random, target)) continue;
    const Path path = analyzer.path(row, target, options);
    ASSERT_TRUE(path.plan.reachable);
    ASSERT_TRUE(path.plan.optimal);
    // Every combination.
    double least = std::numeric_limits<double>::infinity();
    for (double a : grid[0])
      for (double b : grid[1])
        for (double c : grid[2]) {
          const double e = (std::isnan(a) ? 0 : effort_of(grid[0][0], grid[0].back(), a)) +
                           (std::isnan(b) ? 0 : effort_of(grid[1][0], grid[1].back(), b)) +
                           (std::isnan(c) ? 0 : effort_of(grid[2][0], grid[2].back(), c));
          if (!(e < least)) continue;
          if (reaches(analyzer, row, free, {a, b, c}, path.target_units)) least = e;
        }
    EXPECT_LE(path.plan.effort, least + 1e-9) << "target " << target.score << " row " << row << " " << free[0] << " " << free[1] << " " << free[2];
    EXPECT_LE(path.plan.lower_bound, least + 1e-9);  // a bound of every plan, this one too
    EXPECT_GE(rescore(analyzer, model, row, path.plan), path.target_units);
    ++compared;
    combined += path.plan.changes.size() > 1;
  }
  EXPECT_GE(compared, 10);
  EXPECT_GE(combined, 2);
}

// With two indicators rising along a grid of hundredths, the plans the
// search enumerates put at most one of them inside its pieces, the other
// at one of its listed values (the ends of pieces the model fixes, the
// least step under the zero rule, its cap) or unchanged. A brute force over
// exactly those plans, with a count, finds none cheaper than an optimal
// answer.
TEST_P(PlanEveryModel, NoEnumeratedPlanWithTwoGridIndicatorsIsCheaper) {
  const Model model = Model::from_json(builtin_model_json(GetParam()));
  const Snapshot snap = Snapshot::build(model, generate(model, {400, 29, 0}));
  const Analyzer analyzer(snap);
  std::vector<std::string> counts, grids;
  for (const Indicator& ind : model.indicators) {
    if (ind.direction != Direction::higher || ind.category.empty()) continue;
    const bool count = ind.unit == "件" || ind.unit == "个" || ind.unit == "人" || ind.unit == "项";
    const Method m = ind.normalization.method;
    if (count) counts.push_back(ind.id);
    else if (ind.unit != "万元" && (m == Method::piecewise || m == Method::capped_ratio || m == Method::min_max))
      grids.push_back(ind.id);
  }
  ASSERT_GE(grids.size(), 2u);
  std::mt19937_64 random(23);
  int compared = 0;
  // Many: a search that cut such a plan (a grid indicator left unchanged
  // above, completed below) did so in about one case in a hundred.
  for (int k = 0; k < 2000 && compared < 300; ++k) {
    const auto row = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(snap.table.size()));
    const std::vector<std::string> free = {counts[random() % counts.size()], grids[random() % grids.size()],
                                           grids[random() % grids.size()]};
    if (free[1] == free[2]) continue;
    PathOptions options;
    for (const Indicator& ind : model.indicators)
      if (std::find(free.begin(), free.end(), ind.id) == free.end()) options.fixed.push_back(ind.id);
    // Grids: the count up to 6 whole steps, the others up to 0.40 in
    // hundredths; each grid indicator's listed values within it.
    std::vector<std::vector<double>> grid(3), listed(3);
    for (std::size_t f = 0; f < 3; ++f) {
      const Indicator& ind = model.indicators[static_cast<std::size_t>(model.indicator_index(free[f]))];
      const double now = snap.table.values(static_cast<Eigen::Index>(row), snap.table.indicator_column(free[f]));
      const double from = std::isnan(now) ? 0.0 : now;
      grid[f].push_back(now);
      for (int s = 1; s <= (f == 0 ? 6 : 40); ++s) grid[f].push_back(f == 0 ? from + s : std::round(from * 100 + s) / 100);
      options.caps.emplace_back(free[f], grid[f].back());
      std::vector<double> ends = {grid[f].back()};
      for (const auto& b : ind.normalization.breakpoints) ends.push_back(b.x);
      if (ind.normalization.full_mark) ends.push_back(*ind.normalization.full_mark);
      if (ind.zero_earns_zero && from <= 0) ends.push_back(0.01);
      listed[f] = {now};  // unchanged
      for (double v : ends)
        if (v > from && v <= grid[f].back()) listed[f].push_back(v);
    }
    Target target;
    if (!target_between(analyzer, row, free, grid, random, target)) continue;
    const Path path = analyzer.path(row, target, options);
    ASSERT_TRUE(path.plan.reachable);
    if (!path.plan.optimal) continue;
    auto effort = [&](std::size_t f, double v) {
      return v == grid[f][0] || (std::isnan(v) && std::isnan(grid[f][0])) ? 0 : effort_of(grid[f][0], grid[f].back(), v);
    };
    double least = std::numeric_limits<double>::infinity();
    for (int anywhere = 1; anywhere <= 2; ++anywhere) {
      const std::vector<double>& one = grid[static_cast<std::size_t>(anywhere)];
      const std::vector<double>& other = listed[static_cast<std::size_t>(3 - anywhere)];
      for (double c : grid[0])
        for (double x : one)
          for (double y : other) {
            const double h1 = anywhere == 1 ? x : y, h2 = anywhere == 1 ? y : x;
            const double e = effort(0, c) + effort(1, h1) + effort(2, h2);
            if (!(e < least)) continue;
            if (reaches(analyzer, row, free, {c, h1, h2}, path.target_units)) least = e;
          }
    }
    EXPECT_LE(path.plan.effort, least + 1e-9) << "target " << target.score << " row " << row << " " << free[0] << " "
                                              << free[1] << " " << free[2];
    ++compared;
  }
  EXPECT_GE(compared, 150);
}

// Amounts compared with peers (percentile) have as many candidates as
// their peers have values: those the search leaves out unscored (the
// stretches whose reduced cost reaches the gap) must hold no cheaper plan.
// A brute force over every value the table holds for such an amount, with
// a count and a grid of hundredths, finds none (for each pair of the other
// two, the least amount that reaches the target by bisection: the score
// rises with the amount).
TEST_P(PlanEveryModel, BruteForceOverPeerValuesFindsNoCheaperPlan) {
  const Model model = Model::from_json(builtin_model_json(GetParam()));
  const Snapshot snap = Snapshot::build(model, generate(model, {1500, 37, 0}));
  const Analyzer analyzer(snap);
  std::vector<std::string> amounts, counts, hundredths;
  for (const Indicator& ind : model.indicators) {
    if (ind.direction != Direction::higher || ind.category.empty()) continue;
    const bool count = ind.unit == "件" || ind.unit == "个" || ind.unit == "人" || ind.unit == "项";
    if (ind.unit == "万元" && ind.normalization.method == Method::percentile) amounts.push_back(ind.id);
    else if (count) counts.push_back(ind.id);
    else if (ind.normalization.method != Method::percentile) hundredths.push_back(ind.id);
  }
  ASSERT_GE(amounts.size(), 2u);
  std::mt19937_64 random(17);
  int compared = 0, scored_fewer = 0;
  for (int k = 0; k < 80 && compared < 10; ++k) {
    const auto row = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(snap.table.size()));
    const std::vector<std::string> free = {amounts[random() % amounts.size()], counts[random() % counts.size()],
                                           hundredths[random() % hundredths.size()]};
    PathOptions options;
    for (const Indicator& ind : model.indicators)
      if (std::find(free.begin(), free.end(), ind.id) == free.end()) options.fixed.push_back(ind.id);
    // The amount: every value above today's the table holds, up to its cap
    // (the largest of its peers, as the path gives it), and the least step;
    // the count: up to 6 whole steps; the hundredths: up to 0.40.
    const Path alone = analyzer.path(row, Target{}, options);
    double cap0 = std::numeric_limits<double>::quiet_NaN();
    for (const IndicatorPath& s : alone.single)
      if (model.indicators[static_cast<std::size_t>(s.indicator)].id == free[0]) cap0 = s.cap;
    if (std::isnan(cap0)) continue;
    std::vector<std::vector<double>> grid(3);
    for (std::size_t f = 0; f < 3; ++f) {
      const double now = snap.table.values(static_cast<Eigen::Index>(row), snap.table.indicator_column(free[f]));
      const double from = std::isnan(now) ? 0.0 : now;
      grid[f].push_back(now);
      if (f == 0) {
        std::set<double> values = {from + 0.01, cap0};
        for (std::int64_t o = 0; o < snap.table.size(); ++o)
          values.insert(snap.table.values(static_cast<Eigen::Index>(o), snap.table.indicator_column(free[0])));
        for (double v : values)
          if (v > from && v <= cap0) grid[0].push_back(v);
      } else {
        for (int s = 1; s <= (f == 1 ? 6 : 40); ++s) grid[f].push_back(f == 1 ? from + s : std::round(from * 100 + s) / 100);
        options.caps.emplace_back(free[f], grid[f].back());
      }
    }
    if (grid[0].size() < 200) continue;  // too few values to leave many out
    Target target;
    if (!target_between(analyzer, row, free, grid, random, target)) continue;
    const Path path = analyzer.path(row, target, options);
    ASSERT_TRUE(path.plan.reachable);
    ASSERT_TRUE(path.plan.optimal);
    double least = std::numeric_limits<double>::infinity();
    for (double b : grid[1])
      for (double c : grid[2]) {
        const double rest = (b == grid[1][0] ? 0 : effort_of(grid[1][0], grid[1].back(), b)) +
                            (c == grid[2][0] ? 0 : effort_of(grid[2][0], grid[2].back(), c));
        if (!reaches(analyzer, row, free, {cap0, b, c}, path.target_units)) continue;
        std::size_t lo = 0, hi = grid[0].size() - 1;  // the least index that reaches
        while (lo < hi) {
          const std::size_t mid = (lo + hi) / 2;
          if (reaches(analyzer, row, free, {grid[0][mid], b, c}, path.target_units)) hi = mid;
          else lo = mid + 1;
        }
        least = std::min(least, rest + (lo == 0 ? 0 : effort_of(grid[0][0], cap0, grid[0][lo])));
      }
    EXPECT_LE(path.plan.effort, least + 1e-9) << "target " << target.score << " row " << row << " " << free[0] << " "
                                              << free[1] << " " << free[2];
    EXPECT_LE(path.plan.lower_bound, least + 1e-9);  // a bound of every plan, this one too
    EXPECT_GE(rescore(analyzer, model, row, path.plan), path.target_units);
    scored_fewer += path.plan.steps < static_cast<std::int64_t>(grid[0].size());
    ++compared;
  }
  EXPECT_GE(compared, 6);
  EXPECT_GT(scored_fewer, 0);  // some searches scored fewer values than the amount has
}

// Distances: the points missing are the target minus the score (by hand),
// the cheapest single change the least effort among the path's, the plan
// the path's; the same on one thread and on three.
TEST(Distances, PointsMissingAndTheCheapestChangeTheSameOnAnyThreadCount) {
  const Model model = default_model();
  const Snapshot snap = Snapshot::build(model, generate(model, {300, 19, 0}));
  const Analyzer analyzer(snap);
  std::vector<std::int64_t> rows;
  for (std::int64_t r = 0; r < snap.table.size(); ++r) rows.push_back(r);
  PathOptions no_plan;
  no_plan.plan = false;
  const std::vector<Distance> one = analyzer.distances(rows, Target{}, no_plan, 1);
  PathOptions with_plan;
  with_plan.plan_budget = 20000;
  const std::vector<std::int64_t> few(rows.begin(), rows.begin() + 12);
  const std::vector<Distance> planned = analyzer.distances(few, Target{}, with_plan, 3);
  const std::vector<Distance> three = analyzer.distances(rows, Target{}, no_plan, 3);
  ASSERT_EQ(one.size(), rows.size());
  int lacking = 0, reached = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::int64_t units = snap.scores.published_units[i];
    EXPECT_EQ(one[i].row, rows[i]);
    EXPECT_EQ(one[i].missing_units, units >= 7000 ? 0 : 7000 - units);
    EXPECT_EQ(three[i].missing_units, one[i].missing_units);
    EXPECT_EQ(three[i].indicator, one[i].indicator);
    if (units >= 7000) {
      ++reached;
      EXPECT_EQ(one[i].indicator, -1);
      EXPECT_EQ(one[i].effort, 0);
      continue;
    }
    ++lacking;
    double least = std::numeric_limits<double>::infinity(), value = 0;
    int at = -1;
    for (const IndicatorPath& s : analyzer.path(rows[i], Target{}, no_plan).single)
      if (s.reachable && s.effort < least) {
        least = s.effort;
        at = s.indicator;
        value = s.value;
      }
    // distances() prunes indicators that cannot beat the cheapest so far:
    // the same change as every indicator's own least value gives.
    EXPECT_EQ(one[i].indicator, at);
    if (at >= 0) {
      EXPECT_EQ(one[i].effort, least);
      EXPECT_EQ(three[i].effort, least);
      EXPECT_EQ(one[i].value, value);
      Changes c;
      c.values.emplace_back(model.indicators[static_cast<std::size_t>(at)].id, one[i].value);
      EXPECT_GE(analyzer.what_if(rows[i], c).after.published_units, 7000);
    } else {
      EXPECT_TRUE(std::isnan(one[i].effort));
    }
  }
  EXPECT_GT(lacking, 100);
  EXPECT_GT(reached, 5);
  for (std::size_t i = 0; i < few.size(); ++i) {
    EXPECT_TRUE(planned[i].plan.searched);
    if (planned[i].plan.reachable && planned[i].indicator >= 0) EXPECT_LE(planned[i].plan.effort, planned[i].effort + 1e-12);
  }
  EXPECT_FALSE(one[0].plan.searched);
}

INSTANTIATE_TEST_SUITE_P(Plan, PlanEveryModel, ::testing::Values("torch-2022", "torch-2025-trial"));

}  // namespace
}  // namespace cxjf
