// What-if and reasons (include/cxjf/analysis.hpp), checked against
// independent methods: a what-if of a registered enterprise equals the
// estimate of its changed row against a snapshot refitted without it (the
// leave-one-out reference built from scratch); ranks are counted by brute
// force over the frozen others; the reasons' medians and median points are
// worked out from the group's members' values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include <nlohmann/json.hpp>

#include "cxjf/cxjf.hpp"
#include "testing.hpp"

namespace cxjf {
namespace {

using testing::upload_of;
using testing::without_row;



const Principal torch{Role::torch_center, "", false};

class EveryModelAnalyzed : public ::testing::TestWithParam<std::string> {};

// The first check: for 30 random enterprises of each embedded model,
// no change gives exactly the actual score, bit for bit.
TEST_P(EveryModelAnalyzed, NoChangeIsTheActualScore) {
  const Model model = Model::from_json(builtin_model_json(GetParam()));
  const Snapshot snap = Snapshot::build(model, generate(model, {3000, 31, 0}));
  const Analyzer analyzer(snap);
  std::mt19937_64 random(7);
  for (int k = 0; k < 30; ++k) {
    const auto row = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(snap.table.size()));
    const auto i = static_cast<std::size_t>(row);
    const WhatIf w = analyzer.what_if(row, {});
    EXPECT_TRUE(w.registered);
    EXPECT_EQ(w.before.published_units, snap.scores.published_units[i]);
    ASSERT_EQ(w.after.published_units, snap.scores.published_units[i]) << snap.table.credit_code[i];
    EXPECT_EQ(w.after.ledger.total, snap.scores.total[i]) << snap.table.credit_code[i];
    EXPECT_EQ(w.after.grade, snap.scores.grade[i]);
    // Unchanged, its rank among the others is its actual rank.
    EXPECT_EQ(w.after.rank[0], snap.scores.rank[static_cast<std::size_t>(RankLevel::national)][i]);
    EXPECT_EQ(w.after.rank[1], snap.scores.rank[static_cast<std::size_t>(RankLevel::province)][i]);
  }
}

// Changes scored against the reference without the enterprise equal the
// estimate of the changed row against a snapshot fitted without it.
TEST_P(EveryModelAnalyzed, ChangesAreScoredAsAgainstTheOthersRefitted) {
  const Model model = Model::from_json(builtin_model_json(GetParam()));
  const Snapshot snap = Snapshot::build(model, generate(model, {1500, 43, 0}));
  const Analyzer analyzer(snap);
  std::mt19937_64 random(11);
  int checked = 0;
  for (int k = 0; k < 12; ++k) {
    const auto row = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(snap.table.size()));
    const auto i = static_cast<std::size_t>(row);
    Changes changes;
    // Two indicators changed: one raised, one made missing or lowered.
    const auto a = static_cast<std::size_t>(random() % model.indicators.size());
    const auto b = static_cast<std::size_t>(random() % model.indicators.size());
    const double va = snap.table.values(static_cast<Eigen::Index>(row), snap.table.indicator_column(model.indicators[a].id));
    changes.values.emplace_back(model.indicators[a].id, std::isnan(va) ? 5.0 : va * 1.7 + 1);
    if (b != a) changes.values.emplace_back(model.indicators[b].id, k % 2 ? std::nan("") : 0.0);
    if (!model.bonus.empty() && !model.bonus[0].qualification.empty())
      changes.add_qualifications.push_back(model.bonus[0].qualification);
    const WhatIf w = analyzer.what_if(row, changes);

    Snapshot others = Snapshot::build(model, without_row(snap.table, row));
    EstimationRecord record = estimate(others, upload_of(std::move(Table(w.changed))), torch);
    ASSERT_EQ(record.rows.size(), 1u);
    ASSERT_EQ(w.after.published_units, record.rows[0].published_units) << snap.table.credit_code[i];
    EXPECT_EQ(w.after.ledger.total, record.rows[0].ledger.total) << snap.table.credit_code[i];
    // Ranks among the others as they are (frozen), by brute force.
    std::int32_t national = 1, province = 1;
    for (std::size_t o = 0; o < snap.scores.published_units.size(); ++o) {
      if (o == i || snap.scores.published_units[o] <= w.after.published_units) continue;
      ++national;
      province += snap.table.region[o] / 10000 == snap.table.region[i] / 10000;
    }
    EXPECT_EQ(w.after.rank[0], national);
    EXPECT_EQ(w.after.rank[1], province);
    ++checked;
  }
  EXPECT_EQ(checked, 12);
}

INSTANTIATE_TEST_SUITE_P(WhatIf, EveryModelAnalyzed, ::testing::Values("torch-2022", "torch-2025-trial"));

// Dense ranks count the distinct scores above: unchanged, every rank is the
// actual one, whether the enterprise shares its score or not.
TEST(WhatIf, DenseRanksLeaveTheEnterpriseOut) {
  nlohmann::json doc = nlohmann::json::parse(default_model().to_json());
  doc["rank_ties"] = "dense";
  const Model model = Model::from_json(doc.dump());
  const Snapshot snap = Snapshot::build(model, generate(model, {2500, 13, 0}));
  const Analyzer analyzer(snap);
  for (std::int64_t row = 0; row < snap.table.size(); row += 61) {
    const auto i = static_cast<std::size_t>(row);
    const WhatIf w = analyzer.what_if(row, {});
    for (std::size_t k = 0; k < estimate_rank_levels.size(); ++k)
      EXPECT_EQ(w.after.rank[k], snap.scores.rank[static_cast<std::size_t>(estimate_rank_levels[k])][i])
          << snap.table.credit_code[i] << " " << k;
  }
}

TEST(WhatIf, AnUploadedRowIsScoredAsItsEstimate) {
  const Model model = default_model();
  const Snapshot snap = Snapshot::build(model, generate(model, {1200, 5, 0}));
  const Table upload = generate(model, {4, 99, 0});
  const Analyzer analyzer(snap);
  const EstimationRecord record = estimate(snap, upload_of(Table(upload)), torch);
  for (std::int64_t r = 0; r < upload.size(); ++r) {
    const WhatIf w = analyzer.what_if(upload, r, {});
    EXPECT_FALSE(w.registered);
    EXPECT_EQ(w.before.published_units, record.rows[static_cast<std::size_t>(r)].published_units);
    EXPECT_EQ(w.after.published_units, w.before.published_units);
    EXPECT_EQ(w.after.rank[0], record.rows[static_cast<std::size_t>(r)].rank[0]);
  }
}

TEST(WhatIf, GainingAQualificationIsWorkedOutByHand) {
  const Model model = default_model();
  const Snapshot snap = Snapshot::build(model, generate(model, {800, 3, 0}));
  const Analyzer analyzer(snap);
  // A qualification worth 3 bonus points, for an enterprise far below the
  // bonus cap and without it: exactly 3.00 more.
  const BonusItem& hnte = model.bonus[0];
  bool found = false;
  for (std::int64_t row = 0; row < snap.table.size(); ++row) {
    const auto i = static_cast<std::size_t>(row);
    const Ledger ledger = explain(model, snap.reference, snap.table, row);
    const bool has = std::any_of(ledger.bonus_items.begin(), ledger.bonus_items.end(),
                                 [](const LedgerItem& item) { return item.item == 0; });
    if (has || ledger.veto || ledger.bonus > 4 || ledger.total > 90 || ledger.deduction > 0) continue;
    Changes gain;
    gain.add_qualifications.push_back(hnte.qualification);
    const WhatIf w = analyzer.what_if(row, gain);
    EXPECT_EQ(w.after.published_units - snap.scores.published_units[i], 300) << snap.table.credit_code[i];
    found = true;
    break;
  }
  EXPECT_TRUE(found);
  Changes unknown;
  unknown.values.emplace_back("no_such_indicator", 1);
  EXPECT_THROW(analyzer.what_if(0, unknown), Error);
  Changes lose;
  lose.remove_qualifications.push_back("不存在的资质");
  EXPECT_THROW(analyzer.what_if(0, lose), Error);
  EXPECT_THROW(analyzer.what_if(snap.table.size(), {}), Error);
}

// The reasons' median and median points, from the group's members: the
// median of their values (type 7), and for a weak percentile where higher
// is better, weight x #{values <= median} / n.
TEST(Reasons, MediansAndGapsAreTheGroupsAsCountedByHand) {
  const Model model = default_model();
  const Snapshot snap = Snapshot::build(model, generate(model, {2000, 17, 0}));
  const Analyzer analyzer(snap);
  const int j = model.indicator_index("rd_expense");
  ASSERT_EQ(model.indicators[static_cast<std::size_t>(j)].normalization.method, Method::percentile);
  int checked = 0;
  for (std::int64_t row = 0; row < snap.table.size() && checked < 10; row += 97) {
    const auto i = static_cast<std::size_t>(row);
    const Reasons reasons = analyzer.reasons(row, 100);
    std::vector<const Reason*> all;
    for (const Reason& r : reasons.strengths) all.push_back(&r);
    for (const Reason& r : reasons.weaknesses) all.push_back(&r);
    for (std::size_t k = 1; k < reasons.strengths.size(); ++k)
      EXPECT_GE(reasons.strengths[k - 1].gap, reasons.strengths[k].gap);
    for (std::size_t k = 1; k < reasons.weaknesses.size(); ++k)
      EXPECT_LE(reasons.weaknesses[k - 1].gap, reasons.weaknesses[k].gap);
    auto it = std::find_if(all.begin(), all.end(), [&](const Reason* r) { return r->indicator == j; });
    if (it == all.end()) continue;
    const Reason& r = **it;
    // The members compared in the same peer group (fitted in it or in one
    // inside it: a coarser group holds its finer groups' values).
    const std::int32_t g = snap.scores.peer_group[i];
    const PeerGroup& pg = snap.reference.groups[static_cast<std::size_t>(g)];
    std::vector<double> values;
    const int column = snap.table.indicator_column("rd_expense");
    for (std::size_t o = 0; o < snap.table.region.size(); ++o) {
      const std::int32_t stage = snap.scores.stage[o];
      const std::int32_t industry = snap.table.industry[o];
      const std::int32_t province = snap.table.region[o] / 10000 * 10000;
      if ((pg.stage >= 0 && stage != pg.stage) || (pg.industry >= 0 && industry != pg.industry) ||
          (pg.province != 0 && province != pg.province))
        continue;
      const double v = snap.table.values(static_cast<Eigen::Index>(o), column);
      if (!std::isnan(v)) values.push_back(v);
      else if (model.indicators[static_cast<std::size_t>(j)].missing == MissingPolicy::zero) values.push_back(0);
    }
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    const double median = n % 2 ? values[n / 2] : values[n / 2 - 1] + (values[n / 2] - values[n / 2 - 1]) / 2;
    EXPECT_DOUBLE_EQ(r.median, median);
    const double weight = model.indicators[static_cast<std::size_t>(j)].weights[static_cast<std::size_t>(snap.scores.stage[i])];
    const auto at_most = std::upper_bound(values.begin(), values.end(), median) - values.begin();
    EXPECT_NEAR(r.median_points, weight * static_cast<double>(at_most) / static_cast<double>(n), 1e-12);
    EXPECT_NEAR(r.gap, r.points - r.median_points, 1e-12);
    EXPECT_NE(r.text_zh.find(r.gap > 0 ? "高于同类企业中位数" : "低于同类企业中位数"), std::string::npos) << r.text_zh;
    EXPECT_NE(r.text_zh.find(r.gap > 0 ? "多得" : "少得"), std::string::npos) << r.text_zh;
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

}  // namespace
}  // namespace cxjf
