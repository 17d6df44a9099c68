// The indicators an enterprise can act on (analysis/probe.hpp, Axis): caps,
// efforts and listed values, and the least value of one that reaches a
// target with the others as set (least_reaching), shared by the path of
// each indicator alone (path.cpp) and the combined plan (plan.cpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "analysis/probe.hpp"

namespace cxjf::detail {
namespace {

// The step of an indicator's values: whole numbers for counts (件, 个, 人,
// 项, 家), hundredths otherwise (the precision of the template's amounts
// and percentages).
double value_step(const Indicator& ind) {
  for (const char* count : {"件", "个", "人", "项", "家"})
    if (ind.unit == count) return 1;
  return 0.01;
}

// The largest cap a caller may give: beyond any indicator's values, and
// small enough that grid positions (hundredths) stay exact integers.
constexpr double max_cap = 1e12;

// The bonus item scored on indicator j, or -1.
int bonus_on(const Model& model, int j) {
  for (std::size_t k = 0; k < model.bonus.size(); ++k)
    if (model.bonus[k].indicator == model.indicators[static_cast<std::size_t>(j)].id && model.bonus[k].per_unit > 0)
      return static_cast<int>(k);
  return -1;
}

}  // namespace

std::vector<Axis> axes_of(const Snapshot& snap, const Prepared& p, const Bound& binding, std::int64_t row,
                          const PathOptions& options) {
  const Model& model = snap.model;
  for (const std::string& id : options.fixed)
    if (model.indicator_index(id) < 0)
      throw Error(ErrorCode::invalid_argument, "'" + id + "' is not an indicator of " + model.id + " (不是该模型的指标)");
  for (const auto& [id, cap] : options.caps)
    if (model.indicator_index(id) < 0 || !std::isfinite(cap))
      throw Error(ErrorCode::invalid_argument, "a cap is an indicator of " + model.id + " with a finite number, not '" + id + "'");
    else if (std::abs(cap) > max_cap)
      throw Error(ErrorCode::invalid_argument, "the cap of '" + id + "' lies beyond ±10^12, no value of an indicator does (上限超出范围)");
  const std::int32_t group = snap.scores.peer_group[static_cast<std::size_t>(row)];
  const Reference& ref = snap.reference;
  std::vector<Axis> axes;
  for (std::size_t jj = 0; jj < model.indicators.size(); ++jj) {
    const int j = static_cast<int>(jj);
    const Indicator& ind = model.indicators[jj];
    const int bonus = bonus_on(model, j);
    if ((p.category_of[jj] < 0 && bonus < 0) || ind.direction != Direction::higher) continue;
    if (std::find(options.fixed.begin(), options.fixed.end(), ind.id) != options.fixed.end()) continue;
    Axis a;
    a.indicator = j;
    a.column = binding.column[jj];
    a.current = snap.table.values(static_cast<Eigen::Index>(row), a.column);
    a.from = std::isnan(a.current) ? 0.0 : a.current;
    a.step = value_step(ind);
    const Normalization& nm = ind.normalization;
    // The top of the scale, or of the peers.
    double cap = a.from;
    const bool peers = !ref.sorted[jj].empty() && group >= 0;
    if (p.category_of[jj] >= 0) {
      if (peers) {
        const PeerGroup& g = ref.groups[static_cast<std::size_t>(group)];
        const auto& off = ref.offsets[jj];
        // The largest: the last value of each finest group's sorted run.
        double top = -std::numeric_limits<double>::infinity();
        for (std::int32_t f = g.fine_begin; f < g.fine_end; ++f)
          if (off[static_cast<std::size_t>(f) + 1] > off[static_cast<std::size_t>(f)])
            top = std::max(top, ref.sorted[jj][static_cast<std::size_t>(off[static_cast<std::size_t>(f) + 1] - 1)]);
        if (top > -std::numeric_limits<double>::infinity()) {
          cap = inverse_transform(ind.transform, top);
          // Stored transformed, the largest value comes back with the
          // transform's rounding: on the grid of the data again.
          if (ind.transform != Transform::none) cap = std::round(cap / a.step) * a.step;
        }
      } else if (nm.method == Method::piecewise || nm.method == Method::steps) {
        cap = nm.breakpoints.back().x;
      } else if (nm.method == Method::boolean) {
        cap = 1;
      } else if (nm.method == Method::capped_ratio && nm.full_mark) {
        cap = *nm.full_mark;
      }
    }
    // The value that fills a bonus item (a whole number for counts).
    double fill = 0;
    if (bonus >= 0) {
      const BonusItem& item = model.bonus[static_cast<std::size_t>(bonus)];
      fill = item.points / item.per_unit;
      if (a.step >= 1) fill = std::ceil(fill - 1e-9);
      cap = std::max(cap, fill);
    }
    for (const auto& [id, c] : options.caps)
      if (id == ind.id) cap = c;
    // An indicator that decides the stage (revenue, when the data give no
    // stage) stays below the next stage's bound: a new stage changes every
    // weight, and the score would no longer rise with the value alone.
    if (p.stage_indicator == j && snap.table.stage[static_cast<std::size_t>(row)] < 0)
      for (double bound : model.stage_rule.bounds)
        if (bound > a.from) {
          cap = std::min(cap, bound - a.step);
          break;
        }
    a.cap = std::max(cap, a.from);
    a.discrete = p.category_of[jj] >= 0 && bonus < 0 &&
                 (nm.method == Method::percentile || nm.method == Method::steps || nm.method == Method::boolean);
    auto list = [&](double v) {
      if (v > a.from && v <= a.cap) a.listed.push_back(v);
    };
    if (a.discrete && nm.method == Method::percentile && peers) {
      a.peers = &ref.groups[static_cast<std::size_t>(group)];
      a.above_peers = nm.ties != Ties::weak;
    }
    if (nm.method == Method::steps || nm.method == Method::piecewise)
      for (const auto& b : nm.breakpoints) list(b.x);
    if (nm.method == Method::boolean && a.from == 0) list(1);  // any value but 0 is "yes"
    if (nm.method == Method::capped_ratio && nm.full_mark) list(*nm.full_mark);
    if (bonus >= 0) list(fill);
    // Above zero a value leaves the zero rule: the least positive step.
    if (ind.zero_earns_zero && a.from <= 0) list(a.step);
    list(a.cap);
    std::sort(a.listed.begin(), a.listed.end());
    a.listed.erase(std::unique(a.listed.begin(), a.listed.end()), a.listed.end());
    axes.push_back(std::move(a));
  }
  return axes;
}

double least_reaching(const Snapshot& snap, const Axis& axis, Probe& probe, std::int64_t target, double limit) {
  const double none = std::numeric_limits<double>::quiet_NaN();
  limit = std::min(limit, axis.cap);
  if (!(limit > axis.from)) return none;
  if (axis.discrete) {
    // A bisection over the candidates in (from, limit]: halved by rank
    // while many lie between, then over the few listed.
    const Candidates cands(snap, axis, &probe.merged());
    double lo = axis.from, hi = cands.at_most(limit);  // lo does not reach, hi (if any) does
    if (std::isnan(hi) || probe.score_with(axis.column, hi) < target) return none;
    for (;;) {
      double mid = none;
      if (cands.about(lo, hi) > 16)
        for (double v : cands.spread(lo, hi, 2))
          if (v < hi) {
            mid = v;
            break;
          }
      if (std::isnan(mid)) {
        const std::vector<double> few = cands.between(lo, hi);  // ends with hi
        std::size_t a = 0, b = few.size() - 1;
        while (a < b) {
          const std::size_t m = a + (b - a) / 2;
          if (probe.score_with(axis.column, few[m]) >= target) b = m;
          else a = m + 1;
        }
        return few[a];
      }
      if (probe.score_with(axis.column, mid) >= target) hi = mid;
      else lo = mid;
    }
  }
  // The grid above today's value up to the limit, then the limit itself
  // (a cap may lie off the grid).
  const double per = 1 / axis.step;
  auto grid = [per](std::int64_t k) { return static_cast<double>(k) / per; };
  std::int64_t lo = static_cast<std::int64_t>(std::floor(axis.from * per + 1e-9)) + 1;
  std::int64_t hi = static_cast<std::int64_t>(std::floor(limit * per + 1e-9));
  if (lo <= hi && probe.score_with(axis.column, grid(hi)) >= target) {
    while (lo < hi) {
      const std::int64_t mid = lo + (hi - lo) / 2;
      if (probe.score_with(axis.column, grid(mid)) >= target) hi = mid;
      else lo = mid + 1;
    }
    return grid(lo);
  }
  if ((lo > hi || grid(hi) < limit) && probe.score_with(axis.column, limit) >= target) return limit;
  return none;
}

}  // namespace cxjf::detail
