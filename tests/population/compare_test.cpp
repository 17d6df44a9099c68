// compare(), rescore(), distribution() and peer_fallbacks() on snapshots
// small enough to work out on paper, and the rank correlations against
// their textbook O(n^2) definitions.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "population/psi.hpp"
#include "population/rank_correlation.hpp"
#include "testing.hpp"

namespace cxjf {
namespace {

using testing::credit_code;

// One indicator scored min(x, 10) points (capped ratio, full mark 10),
// list line 7, grades A >= 8, B >= 5, C; x1 is carried, not scored.
// Peer groups by province (min_size `min_size`), then the nation.
Model two_indicator_model(int min_size = 1, double full_mark = 10) {
  return testing::model_of({{R"("method": "capped_ratio", "full_mark": )" + std::to_string(full_mark), 10},
                            {R"("method": "capped_ratio", "full_mark": 10)", -1}},
                           "", R"({"chain": [["province"], []], "min_size": )" + std::to_string(min_size) + "}");
}

struct Firm {
  int code;
  std::int32_t region;
  double x0, x1;
};

Snapshot snapshot_of(const Model& m, const std::vector<Firm>& firms) {
  TableBuilder b(m);
  for (const Firm& f : firms) {
    Row r;
    r.credit_code = credit_code(f.code);
    r.name = "企业" + std::to_string(f.code);
    r.region = f.region;
    r.industry = "C";
    r.values = {f.x0, f.x1};
    b.add(r);
  }
  return Snapshot::build(m, b.build());
}

const double nan = std::nan("");

// Year one: k1..k5; year two: k1 has left, k6 entered, k4 moved from
// 南山区 to 东城区.
Snapshot year_one(const Model& m) {
  return snapshot_of(m, {{1, 110101, 9, nan}, {2, 110101, 7.5, 1}, {3, 440305, 6, 2}, {4, 440305, 4, 3}, {5, 440305, 8, 4}});
}
Snapshot year_two(const Model& m) {
  return snapshot_of(m, {{2, 110101, 6.5, nan}, {3, 440305, 7.2, nan}, {4, 110101, 4, 1}, {5, 440305, 9.5, 2}, {6, 440305, 7, 5}});
}

TEST(Compare, MatchesByCreditCodeAndCountsAsWorkedByHand) {
  const Model m = two_indicator_model();
  const Snapshot before = year_one(m), after = year_two(m);
  const Comparison c = compare(before, after);
  EXPECT_EQ(c.matched, 4);
  EXPECT_EQ(c.entrants, 1);
  EXPECT_EQ(c.leavers, 1);
  // After's rows in order (k2 k3 k4 k5 k6), then the leaver k1.
  EXPECT_EQ(c.after, (std::vector<std::int64_t>{0, 1, 2, 3, 4, -1}));
  EXPECT_EQ(c.before, (std::vector<std::int64_t>{1, 2, 3, 4, -1, 0}));
  // Rows A B C entrants, columns A B C leavers: k1 A->gone, k2 k3 B->B,
  // k4 C->C, k5 A->A, k6 new->B.
  EXPECT_EQ(c.grade_transitions, (std::vector<std::int64_t>{1, 0, 0, 1,  //
                                                            0, 2, 0, 0,  //
                                                            0, 0, 1, 0,  //
                                                            0, 1, 0, 0}));
  // Beijing: k1 and k2 listed before, nobody after (k2 fell to 6.5, k4
  // arrived at 4). Guangdong: k5 listed before; k3 (7.2), k5 and k6 (7.00,
  // on the line) after.
  ASSERT_EQ(c.regions.size(), 6u);
  const std::int32_t codes[] = {110000, 110100, 110101, 440000, 440300, 440305};
  for (std::size_t i = 0; i < 6; ++i) {
    const RegionChange& r = c.regions[i];
    EXPECT_EQ(r.region, codes[i]);
    const bool beijing = i < 3;
    EXPECT_EQ(r.enterprises_before, beijing ? 2 : 3);
    EXPECT_EQ(r.enterprises_after, beijing ? 2 : 3);
    EXPECT_EQ(r.listed_before, beijing ? 2 : 1);
    EXPECT_EQ(r.listed_after, beijing ? 0 : 3);
    EXPECT_EQ(r.entered, beijing ? 0 : 2);
    EXPECT_EQ(r.left, beijing ? 2 : 0);
  }
  // Matched k2 k3 k4 k5: 7.5 6 4 8 -> 6.5 7.2 4 9.5. Ranks 3 2 1 4 -> 2 3 1 4:
  // rho = 1 - 6 * 2 / (4 * 15) = 0.8; one discordant pair of six: tau = 4/6.
  ASSERT_EQ(c.agreement.size(), 3u);
  EXPECT_EQ(c.agreement[0].province, 0);
  EXPECT_EQ(c.agreement[0].enterprises, 4);
  EXPECT_NEAR(c.agreement[0].spearman, 0.8, 1e-12);
  EXPECT_NEAR(c.agreement[0].kendall, 2.0 / 3.0, 1e-12);
  // Each province (where the enterprise is after) holds two that agree.
  EXPECT_EQ(c.agreement[1].province, 110000);
  EXPECT_EQ(c.agreement[1].enterprises, 2);
  EXPECT_NEAR(c.agreement[1].kendall, 1, 1e-12);
  EXPECT_EQ(c.agreement[2].province, 440000);
  EXPECT_NEAR(c.agreement[2].spearman, 1, 1e-12);
  // k5 +1.50, k3 +1.20; k2 -1.00; k4 unchanged is neither.
  EXPECT_EQ(c.risers, (std::vector<std::int64_t>{3, 1}));
  EXPECT_EQ(c.fallers, (std::vector<std::int64_t>{0}));
  CompareOptions one;
  one.movers = 1;
  EXPECT_EQ(compare(before, after, one).risers, (std::vector<std::int64_t>{3}));
}

TEST(Compare, StabilityIndexAsWorkedByHand) {
  const Model m = two_indicator_model();
  CompareOptions o;
  o.psi_bins = 2;
  const Comparison c = compare(year_one(m), year_two(m), o);
  // Two indicators nationally, then each for the two provinces' groups.
  ASSERT_EQ(c.shifts.size(), 6u);
  // x0 before 4 6 7.5 8 9: the edge is the value at floor(5 / 2) = 7.5;
  // 2 | 3 below and above it before, 4 | 1 after:
  // (0.8 - 0.4) ln 2 + (0.2 - 0.6) ln(1/3) = 0.4 ln 6.
  const IndicatorShift& x0 = c.shifts[0];
  EXPECT_EQ(x0.indicator, "x0");
  EXPECT_EQ(x0.group, -1);
  EXPECT_EQ(x0.edges, (std::vector<double>{7.5}));
  EXPECT_EQ(x0.bins_before, (std::vector<std::int64_t>{2, 3, 0}));
  EXPECT_EQ(x0.bins_after, (std::vector<std::int64_t>{4, 1, 0}));
  EXPECT_NEAR(x0.psi, 0.4 * std::log(6.0), 1e-12);
  EXPECT_STREQ(psi_level(x0.psi), "major");
  // x1 before - 1 2 3 4 (edge 3), after - - 1 2 5: shares .4 .4 .2 against
  // .4 .2 .4 (the missing bin last): 0.2 ln 2 + 0.2 ln 2.
  const IndicatorShift& x1 = c.shifts[1];
  EXPECT_EQ(x1.indicator, "x1");
  EXPECT_EQ(x1.edges, (std::vector<double>{3}));
  EXPECT_EQ(x1.bins_before, (std::vector<std::int64_t>{2, 2, 1}));
  EXPECT_EQ(x1.bins_after, (std::vector<std::int64_t>{2, 1, 2}));
  EXPECT_NEAR(x1.psi, 0.4 * std::log(2.0), 1e-12);
  EXPECT_STREQ(psi_level(x1.psi), "major");
  // Beijing's group: 7.5 9 before (edge 9), k2 6.5 and k4 4 after (k4 has
  // moved in, so it is compared there): shares .5 .5 against 1 and 0,
  // counted as 0.0001.
  const IndicatorShift& bj = c.shifts[2];
  EXPECT_EQ(bj.indicator, "x0");
  const Snapshot before = year_one(m);
  EXPECT_EQ(before.reference.groups[static_cast<std::size_t>(bj.group)].province, 110000);
  EXPECT_EQ(bj.count_before, 2);
  EXPECT_EQ(bj.count_after, 2);
  EXPECT_NEAR(bj.psi, 0.5 * std::log(2.0) + (1e-4 - 0.5) * std::log(1e-4 / 0.5), 1e-12);
  // Only an empty bin counts as 0.0001: a share below it is its own.
  {
    std::vector<double> before(100000, 1.0), after(100000, 1.0);
    before[0] = std::nan("");  // 1 missing in 100,000 before, none after
    IndicatorShift tiny;
    detail::stability_index(before, after, 10, tiny);
    const double b = 1e-5, a = 1e-4;  // the missing bin: 0.00001 against an empty one
    const double rest = (1.0 - (1.0 - b)) * std::log(1.0 / (1.0 - b));
    EXPECT_NEAR(tiny.psi, (a - b) * std::log(a / b) + rest, 1e-15);
  }
  // The same snapshot against itself has not shifted.
  for (const IndicatorShift& s : compare(before, before).shifts) EXPECT_EQ(s.psi, 0) << s.indicator << " " << s.group;
  EXPECT_STREQ(psi_level(0.0999), "stable");
  EXPECT_STREQ(psi_level(0.1), "moderate");
}

TEST(Compare, SchemeWhatIfRescoresTheSameEnterprises) {
  const Snapshot now = year_one(two_indicator_model());
  // A full mark of 20 halves every score: 4.5 3.75 3 2 4, all grade C.
  const Snapshot next = rescore(now, two_indicator_model(1, 20));
  EXPECT_EQ(testing::published(next.scores), (std::vector<std::string>{"4.50", "3.75", "3.00", "2.00", "4.00"}));
  const Comparison c = compare(now, next);
  EXPECT_EQ(c.matched, 5);
  EXPECT_EQ(c.entrants + c.leavers, 0);
  EXPECT_EQ(c.grade_transitions, (std::vector<std::int64_t>{0, 0, 2, 0,  // A (9, 8) -> C
                                                            0, 0, 2, 0,  // B (7.5, 6) -> C
                                                            0, 0, 1, 0,  // C (4) -> C
                                                            0, 0, 0, 0}));
  // Halving keeps the order: perfect agreement; nobody is listed after.
  EXPECT_NEAR(c.agreement[0].spearman, 1, 1e-12);
  EXPECT_NEAR(c.agreement[0].kendall, 1, 1e-12);
  EXPECT_EQ(c.regions[0].left, 2);
  EXPECT_EQ(c.regions[3].left, 1);
  EXPECT_TRUE(c.risers.empty());
  EXPECT_EQ(c.fallers.size(), 5u);
  for (const IndicatorShift& s : c.shifts) EXPECT_EQ(s.psi, 0);
  // A model needing a column the snapshot lacks is refused by name.
  Model other = two_indicator_model();
  other.indicators[1].id = "patents";
  try {
    (void)rescore(now, other);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("'patents'"), std::string::npos) << e.what();
  }
  CompareOptions bad;
  bad.psi_bins = 1;
  EXPECT_THROW((void)compare(now, next, bad), Error);
}

TEST(Distribution, GroupsAsWorkedByHand) {
  const Snapshot s = year_one(two_indicator_model());
  const std::vector<ScoreDistribution> d = distribution(s, GroupBy::province);
  ASSERT_EQ(d.size(), 3u);
  // The nation: 4 6 7.5 8 9; quartiles at positions 1, 2 and 3 of 0..4.
  EXPECT_EQ(d[0].key, -1);
  EXPECT_EQ(d[0].enterprises, 5);
  EXPECT_NEAR(d[0].mean, 6.9, 1e-12);
  EXPECT_NEAR(d[0].q1, 6, 1e-12);
  EXPECT_NEAR(d[0].median, 7.5, 1e-12);
  EXPECT_NEAR(d[0].q3, 8, 1e-12);
  EXPECT_NEAR(d[0].listed_share, 0.6, 1e-12);
  // Beijing 7.5 9: q1 at position 0.25 = 7.5 + 0.25 * 1.5.
  EXPECT_EQ(d[1].key, 110000);
  EXPECT_EQ(d[1].label, "北京市");
  EXPECT_NEAR(d[1].q1, 7.875, 1e-12);
  EXPECT_NEAR(d[1].median, 8.25, 1e-12);
  EXPECT_NEAR(d[1].q3, 8.625, 1e-12);
  EXPECT_NEAR(d[1].mean_gap, 8.25 - 6.9, 1e-12);
  EXPECT_NEAR(d[1].listed_gap, 0.4, 1e-12);
  // Guangdong 4 6 8.
  EXPECT_EQ(d[2].key, 440000);
  EXPECT_NEAR(d[2].q1, 5, 1e-12);
  EXPECT_NEAR(d[2].q3, 7, 1e-12);
  EXPECT_NEAR(d[2].listed_gap, 1.0 / 3 - 0.6, 1e-12);
  // By industry: all are C.
  const auto by_industry = distribution(s, GroupBy::industry);
  ASSERT_EQ(by_industry.size(), 2u);
  EXPECT_EQ(by_industry[1].key, 2);
  EXPECT_EQ(by_industry[1].label, "C 制造业");
}

TEST(PeerFallbacks, NamesTheKeysWhoseGroupWasTooSmall) {
  // Beijing has two enterprises, fewer than 3: they are compared nationally.
  const Snapshot s = year_one(two_indicator_model(3));
  const std::vector<PeerFallback> f = peer_fallbacks(s);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].province, 110000);
  EXPECT_EQ(f[0].stage, -1);
  EXPECT_EQ(f[0].enterprises, 2);
  EXPECT_EQ(s.reference.groups[static_cast<std::size_t>(f[0].group)].level, 1);
  EXPECT_TRUE(peer_fallbacks(year_one(two_indicator_model(1))).empty());
}

// The textbook definitions, pair by pair.
double brute_kendall(const std::vector<std::int64_t>& x, const std::vector<std::int64_t>& y) {
  std::int64_t concordant = 0, discordant = 0, tx = 0, ty = 0;
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      const std::int64_t a = (x[i] > x[j]) - (x[i] < x[j]), b = (y[i] > y[j]) - (y[i] < y[j]);
      if (a == 0) ++tx;
      if (b == 0) ++ty;
      if (a * b > 0) ++concordant;
      if (a * b < 0) ++discordant;
    }
  const auto n0 = static_cast<double>(n * (n - 1) / 2);
  return static_cast<double>(concordant - discordant) / std::sqrt((n0 - static_cast<double>(tx)) * (n0 - static_cast<double>(ty)));
}

double brute_spearman(const std::vector<std::int64_t>& x, const std::vector<std::int64_t>& y) {
  auto ranks = [](const std::vector<std::int64_t>& v) {
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      double below = 0, equal = 0;
      for (std::int64_t w : v) below += w < v[i], equal += w == v[i];
      r[i] = below + (equal + 1) / 2;  // the mean of ranks below+1 .. below+equal
    }
    return r;
  };
  const auto rx = ranks(x), ry = ranks(y);
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < rx.size(); ++i) mx += rx[i], my += ry[i];
  mx /= static_cast<double>(rx.size());
  my /= static_cast<double>(ry.size());
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) * (rx[i] - mx);
    syy += (ry[i] - my) * (ry[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

TEST(RankCorrelation, EqualsThePairByPairDefinitionsWithManyTies) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t n = 2 + rng() % 300;
    const std::int64_t spread = 1 + static_cast<std::int64_t>(rng() % 12);  // few distinct values: many ties
    std::vector<std::int64_t> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(spread));
      y[i] = x[i] * (trial % 3 == 0 ? -1 : 1) + static_cast<std::int64_t>(rng() % 4);
    }
    const double k = detail::kendall_tau_b(x, y), s = detail::spearman(x, y);
    if (std::isnan(brute_kendall(x, y))) {
      EXPECT_TRUE(std::isnan(k));
      EXPECT_TRUE(std::isnan(s));
      continue;
    }
    EXPECT_NEAR(k, brute_kendall(x, y), 1e-12) << "trial " << trial;
    EXPECT_NEAR(s, brute_spearman(x, y), 1e-12) << "trial " << trial;
  }
  EXPECT_TRUE(std::isnan(detail::kendall_tau_b({1}, {2})));
  EXPECT_TRUE(std::isnan(detail::spearman({1, 1}, {1, 2})));
}

}  // namespace
}  // namespace cxjf
