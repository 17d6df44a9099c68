// rank_bands() against the ranks of the full scoring pipeline under each of
// a few enumerated weight draws, and rank_sensitivity() on a population
// whose ranks cannot depend on one indicator.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "testing.hpp"

namespace cxjf {
namespace {

const double nan = std::nan("");

// Three indicators worth 4, 3 and 3 points; x2 left out (and its category
// reweighted) when missing.
Model three() {
  return testing::model_of({{R"("method": "percentile")", 4},
                            {R"("method": "capped_ratio", "full_mark": 10)", 3},
                            {R"("method": "piecewise", "breakpoints": [[0, 0], [5, 0.5], [10, 1]], "missing": "exclude")", 3}});
}

Table population(const Model& m, std::uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<double>> rows;
  for (int i = 0; i < n; ++i) {
    const double x0 = static_cast<double>(rng() % 1000) / 10, x1 = static_cast<double>(rng() % 1000) / 100;
    const double x2 = rng() % 5 == 0 ? nan : static_cast<double>(rng() % 1000) / 100;
    rows.push_back({x0, x1, x2});
  }
  return testing::table_of(m, rows);
}

// The bands worked out the long way: each draw's weights put into the model,
// the snapshot built again (fit, score, rank), and each enterprise's ranks
// sorted.
RankBands by_rebuilding(const Model& m, const Table& t, const UncertaintyOptions& o) {
  const auto n = static_cast<std::size_t>(t.size());
  std::vector<std::vector<std::int32_t>> ranks(n);
  std::vector<double> listed(n, 0);
  for (std::int64_t d = 0; d < o.draws; ++d) {
    // drawn_model: the drawn weights (checked against draw_weights below)
    // and the drawn rules.
    const Model drawn = drawn_model(m, o, o.first_draw + d);
    const std::vector<double> w = draw_weights(m, o, o.first_draw + d);
    for (std::size_t j = 0; j < m.indicators.size(); ++j) EXPECT_EQ(drawn.indicators[j].weights[0], w[j]);
    const Snapshot s = Snapshot::build(drawn, t);
    for (std::size_t i = 0; i < n; ++i) {
      ranks[i].push_back(s.scores.rank[0][i]);
      listed[i] += s.scores.published_units[i] >= 700;
    }
  }
  RankBands b;
  b.draws = o.draws;
  for (std::size_t i = 0; i < n; ++i) {
    std::sort(ranks[i].begin(), ranks[i].end());
    // The smallest rank with at least q of the draws at or above it.
    auto at = [&](double q) { return ranks[i][static_cast<std::size_t>(std::ceil(q * static_cast<double>(o.draws) - 1e-9)) - 1]; };
    b.p05.push_back(at(0.05));
    b.median.push_back(at(0.5));
    b.p95.push_back(at(0.95));
    b.listed.push_back(listed[i] / static_cast<double>(o.draws));
  }
  return b;
}

void expect_equal_bands(const RankBands& got, const RankBands& want) {
  EXPECT_EQ(got.draws, want.draws);
  EXPECT_EQ(got.p05, want.p05);
  EXPECT_EQ(got.median, want.median);
  EXPECT_EQ(got.p95, want.p95);
  EXPECT_EQ(got.listed, want.listed);
}

TEST(Uncertainty, DrawnWeightsStayInRangeAndSumToTheBase) {
  const Model m = three();
  UncertaintyOptions o;
  o.spread = 0.5;
  for (std::int64_t d = 0; d < 50; ++d) {
    const std::vector<double> w = draw_weights(m, o, d);
    ASSERT_EQ(w.size(), 3u);
    EXPECT_NEAR(w[0] + w[1] + w[2], 10, 1e-12);
    // Each within a factor (1 +- 0.5), then scaled by at most 1.5 / 0.5 either way.
    EXPECT_GT(w[0], 4 * 0.5 / 1.5 - 1e-12);
    EXPECT_LT(w[0], 4 * 1.5 / 0.5 + 1e-12);
  }
  // A draw depends on the seed and its index alone; spread 0 keeps the model's.
  EXPECT_EQ(draw_weights(m, o, 7), draw_weights(m, o, 7));
  EXPECT_NE(draw_weights(m, o, 7), draw_weights(m, o, 8));
  o.spread = 0;
  EXPECT_EQ(draw_weights(m, o, 3), (std::vector<double>{4, 3, 3}));
  o.concentration = 200;
  const std::vector<double> w = draw_weights(m, o, 1);
  EXPECT_NEAR(w[0] + w[1] + w[2], 10, 1e-12);
  EXPECT_NE(w, (std::vector<double>{4, 3, 3}));
  o.spread = 1;
  EXPECT_THROW((void)draw_weights(m, o, 0), Error);
}

TEST(Uncertainty, RankBandsEqualTheRanksOfEachDrawScoredAgain) {
  const Model m = three();
  const Table t = population(m, 11, 40);
  const Snapshot snap = Snapshot::build(m, t);
  UncertaintyOptions o;
  o.draws = 9;
  o.spread = 0.6;
  o.seed = 5;
  o.threads = 1;
  const RankBands bands = rank_bands(snap, o);
  expect_equal_bands(bands, by_rebuilding(m, t, o));
  EXPECT_EQ(bands.nominal, snap.scores.rank[0]);
  // The same on any thread count, and for a batch further on.
  o.threads = 3;
  expect_equal_bands(rank_bands(snap, o), bands);
  o.first_draw = 40;
  o.draws = 33;  // more than one batch of 32 draws
  expect_equal_bands(rank_bands(snap, o), by_rebuilding(m, t, o));
  // Dirichlet draws.
  o.concentration = 30;
  o.draws = 5;
  expect_equal_bands(rank_bands(snap, o), by_rebuilding(m, t, o));
}

TEST(Uncertainty, AlternativeRulesAreFittedAndDrawnAsTheDrawnModelSays) {
  const Model m = three();
  const Table t = population(m, 21, 60);
  const Snapshot snap = Snapshot::build(m, t);
  UncertaintyOptions o;
  o.draws = 12;
  o.spread = 0.3;
  o.seed = 8;
  o.ties = {Ties::weak, Ties::strict, Ties::mean};
  o.missing = {MissingPolicy::zero, MissingPolicy::peer_median, MissingPolicy::exclude};
  std::set<std::pair<int, int>> seen;
  for (std::int64_t d = 0; d < o.draws; ++d) {
    const Model v = drawn_model(m, o, d);
    seen.insert({static_cast<int>(v.indicators[0].normalization.ties), static_cast<int>(v.indicators[2].missing)});
    // The alternatives do not change the weights drawn.
    UncertaintyOptions plain = o;
    plain.ties.clear();
    plain.missing.clear();
    EXPECT_EQ(draw_weights(m, o, d), draw_weights(m, plain, d));
  }
  EXPECT_GE(seen.size(), 4u);  // several rule sets among 12 draws
  o.threads = 2;
  expect_equal_bands(rank_bands(snap, o), by_rebuilding(m, t, o));
}

// The two passes split as a cluster splits them: draws in uneven batches
// counted apart and merged out of order, rows in uneven ranges banded apart
// and concatenated. The bands are those of one call, which the test above
// checks against each draw scored again.
TEST(Uncertainty, BatchesOfDrawsAndRangesOfRowsGiveTheBandsOfOneCall) {
  const Model m = three();
  const Snapshot snap = Snapshot::build(m, population(m, 23, 90));
  UncertaintyOptions o;
  o.draws = 41;
  o.spread = 0.4;
  o.seed = 5;
  o.ties = {Ties::weak, Ties::mean};
  std::vector<DrawCounts> parts;
  for (const auto& [first, count] : std::vector<std::pair<std::int64_t, std::int64_t>>{{30, 11}, {0, 1}, {1, 29}}) {
    UncertaintyOptions batch = o;
    batch.first_draw = first;
    batch.draws = count;
    parts.push_back(draw_counts(snap, batch));
  }
  const DrawCounts all = merge_draw_counts(parts);
  EXPECT_EQ(all.draws, 41);
  const RankBands one = rank_bands(snap, o);
  RankBands joined;
  const std::int64_t n = snap.table.size();
  for (const auto& [begin, end] : std::vector<std::pair<std::int64_t, std::int64_t>>{{0, 7}, {7, 7}, {7, n}}) {
    const RankBands b = rank_bands_of_rows(snap, o, all, begin, end);
    joined.nominal.insert(joined.nominal.end(), b.nominal.begin(), b.nominal.end());
    joined.p05.insert(joined.p05.end(), b.p05.begin(), b.p05.end());
    joined.median.insert(joined.median.end(), b.median.begin(), b.median.end());
    joined.p95.insert(joined.p95.end(), b.p95.begin(), b.p95.end());
    joined.listed.insert(joined.listed.end(), b.listed.begin(), b.listed.end());
  }
  EXPECT_EQ(joined.nominal, one.nominal);
  EXPECT_EQ(joined.p05, one.p05);
  EXPECT_EQ(joined.median, one.median);
  EXPECT_EQ(joined.p95, one.p95);
  EXPECT_EQ(joined.listed, one.listed);
  // A gap between batches, counts of other draws, rows out of range: refused.
  EXPECT_THROW(merge_draw_counts({parts[0], parts[1]}), Error);
  UncertaintyOptions fewer = o;
  fewer.draws = 40;
  EXPECT_THROW(rank_bands_of_rows(snap, fewer, all, 0, n), Error);
  EXPECT_THROW(rank_bands_of_rows(snap, o, all, 0, n + 1), Error);
}

// The model's round weights put some totals exactly on a half hundredth,
// which double sums can miss: the model's own weights score as published.
TEST(Uncertainty, NoSpreadGivesTheSnapshotsRanks) {
  const Model m = three();
  const Snapshot snap = Snapshot::build(m, population(m, 3, 200));
  UncertaintyOptions o;
  o.spread = 0;
  o.draws = 3;
  const RankBands b = rank_bands(snap, o);
  EXPECT_EQ(b.median, snap.scores.rank[0]);
  EXPECT_EQ(b.p05, snap.scores.rank[0]);
  EXPECT_EQ(b.p95, snap.scores.rank[0]);
  for (std::size_t i = 0; i < b.listed.size(); ++i)
    EXPECT_EQ(b.listed[i], snap.scores.published_units[i] >= 700 ? 1.0 : 0.0);
}

TEST(Sensitivity, AnIndicatorEveryoneSharesDoesNotMoveTheRanks) {
  // x2 is 5 for everyone: its weight adds the same to every score (and the
  // renormalisation scales all alike), so ranks depend on x0 and x1 alone,
  // up to rounding to hundredths.
  const Model m = three();
  std::mt19937_64 rng(9);
  std::vector<std::vector<double>> rows;
  for (int i = 0; i < 300; ++i)
    rows.push_back({static_cast<double>(rng() % 1000) / 10, static_cast<double>(rng() % 1000) / 100, 5});
  const Snapshot snap = Snapshot::build(m, testing::table_of(m, rows));
  UncertaintyOptions o;
  o.spread = 0.5;
  o.threads = 2;
  const Sensitivity s = rank_sensitivity(snap, 64, o);
  ASSERT_EQ(s.inputs, (std::vector<std::string>{"x0", "x1", "x2"}));
  EXPECT_EQ(s.evaluations, 64 * 5);
  EXPECT_LT(s.rank_total[2], 0.02);
  EXPECT_GT(s.rank_total[0], 0.2);
  EXPECT_GT(s.rank_total[1], 0.2);
  for (std::size_t t = 0; t < 3; ++t) EXPECT_LE(s.rank_first[t], s.rank_total[t] + 0.1) << t;
  // A missing policy cannot matter where nothing is missing: its total
  // index is exactly 0; the tie rule matters (the percentile's ties).
  o.missing = {MissingPolicy::zero, MissingPolicy::exclude};
  o.ties = {Ties::weak, Ties::strict};
  const Sensitivity rules = rank_sensitivity(snap, 16, o);
  ASSERT_EQ(rules.inputs.size(), 5u);
  EXPECT_EQ(rules.inputs[3], "ties");
  EXPECT_EQ(rules.inputs[4], "missing");
  EXPECT_EQ(rules.rank_total[4], 0);
  EXPECT_GT(rules.rank_total[3], 0);
  o.missing.clear();
  o.ties.clear();
  // Identical on another thread count.
  o.threads = 1;
  const Sensitivity one = rank_sensitivity(snap, 64, o);
  EXPECT_EQ(one.rank_total, s.rank_total);
  EXPECT_EQ(one.listed_first, s.listed_first);
}

}  // namespace
}  // namespace cxjf
