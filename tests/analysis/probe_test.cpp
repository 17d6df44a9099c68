// The probe of a path search (analysis/probe.hpp) keeps each indicator's
// points and recomputes only those whose values changed: after any
// sequence of changes its score and raw total must be exactly those of the
// enterprise rescored from scratch with all the changes (Analyzer::what_if,
// which rebuilds the row and evaluates every indicator).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "analysis/probe.hpp"
#include "cxjf/cxjf.hpp"

namespace cxjf {
namespace {

class ProbeEveryModel : public ::testing::TestWithParam<std::string> {};

TEST_P(ProbeEveryModel, AnySequenceOfChangesScoresAsTheWholeRowRescored) {
  const Model model = Model::from_json(builtin_model_json(GetParam()));
  const Snapshot snap = Snapshot::build(model, generate(model, {500, 31, 0}));
  const Analyzer analyzer(snap);
  const detail::Prepared p(model);
  const detail::Bound binding(p, snap.table);
  const detail::MergedPeers merged(snap.reference);
  std::mt19937_64 random(11);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  int stage_moves = 0;
  for (int k = 0; k < 25; ++k) {
    const auto row = static_cast<std::int64_t>(pick(static_cast<std::size_t>(snap.table.size())));
    detail::Probe probe(p, binding, merged, snap, row);
    Changes changes;  // every value set so far, last one per indicator
    auto stage_now = [&] { return analyzer.what_if(row, changes).after.ledger.stage; };
    const std::int32_t stage0 = stage_now();
    for (int step = 0; step < 30; ++step) {
      const Indicator& ind = model.indicators[pick(model.indicators.size())];
      const int column = snap.table.indicator_column(ind.id);
      // Another enterprise's value, today's scaled, missing, zero, negative,
      // or a stage bound and just below it (the stage then changes).
      double v = 0;
      switch (pick(6)) {
        case 0: v = snap.table.values(static_cast<Eigen::Index>(pick(static_cast<std::size_t>(snap.table.size()))), column); break;
        case 1: v = std::round(probe.get(column) * 150) / 100; break;
        case 2: v = nan; break;
        case 3: v = 0; break;
        case 4: v = -3.5; break;
        case 5: {
          const auto& bounds = model.stage_rule.bounds;
          v = bounds.empty() ? 1 : bounds[pick(bounds.size())] - (pick(2) ? 0.01 : 0);
          break;
        }
      }
      if (std::isnan(v) && model.indicators[static_cast<std::size_t>(model.indicator_index(ind.id))].category.empty())
        v = 0;  // a bonus count: missing and 0 earn the same
      probe.set(column, v);
      bool found = false;
      for (auto& [id, value] : changes.values)
        if (id == ind.id) value = v, found = true;
      if (!found) changes.values.emplace_back(ind.id, v);
      const WhatIf w = analyzer.what_if(row, changes);
      ASSERT_EQ(probe.score(), w.after.published_units) << "row " << row << " step " << step << " " << ind.id << " " << v;
      const Ledger& l = w.after.ledger;
      const double raw = l.veto ? -std::numeric_limits<double>::infinity() : l.base + l.bonus - l.deduction;
      ASSERT_EQ(probe.raw(), raw) << "row " << row << " step " << step;
      if (w.after.ledger.stage != stage0) ++stage_moves;
    }
  }
  // The stage did change along the way, so its reweighting was exercised.
  if (model.stage_rule.basis == StageBasis::revenue) EXPECT_GT(stage_moves, 0);
}

INSTANTIATE_TEST_SUITE_P(Probe, ProbeEveryModel, ::testing::Values("torch-2022", "torch-2025-trial"));

}  // namespace
}  // namespace cxjf
