// The path to a target (include/cxjf/analysis.hpp): for one registered
// enterprise, the least value of each indicator alone that reaches a
// published score, everyone else frozen, and the combined plan (plan.cpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "analysis/probe.hpp"
#include "base/task_graph.hpp"

namespace cxjf {

std::int64_t Analyzer::target_units(std::int64_t row, const Target& target) const {
  const Snapshot& snap = impl_->snap;
  const Model& model = snap.model;
  const double scale = std::pow(10.0, model.scale.decimals);
  if (row < 0 || row >= snap.table.size())
    throw Error(ErrorCode::invalid_argument, "row " + std::to_string(row) + " is not in the snapshot");
  switch (target.kind) {
    case Target::Kind::score: {
      const double score = target.score < 0 ? model.list_threshold : target.score;
      if (!(score <= model.scale.total_max))
        throw Error(ErrorCode::invalid_argument, "the target score must lie in [0, " +
                                                     units_text(static_cast<std::int64_t>(model.scale.total_max * scale),
                                                                model.scale.decimals) + "] (目标分值超出范围)");
      return static_cast<std::int64_t>(std::ceil(score * scale - 1e-9));
    }
    case Target::Kind::grade:
      for (const Grade& g : model.grades)
        if (g.id == target.grade) return static_cast<std::int64_t>(std::ceil(g.min_score * scale - 1e-9));
      throw Error(ErrorCode::invalid_argument, "'" + target.grade + "' is not a grade of " + model.id + " (不是该模型的等级)");
    case Target::Kind::rank: {
      if (target.top < 1) throw Error(ErrorCode::invalid_argument, "the top K of a rank target must be 1 or more (名次须为正整数)");
      const RankLevel level = target.level;
      if (level != RankLevel::province && level != RankLevel::city && level != RankLevel::county &&
          level != RankLevel::zone && level != RankLevel::national)
        throw Error(ErrorCode::invalid_argument, "a rank target is at the national, province, city, county or zone level");
      const auto i = static_cast<std::size_t>(row);
      auto unit = [&](std::size_t o) -> std::int64_t {
        if (level == RankLevel::zone) return snap.table.zone[o];
        return detail::region_unit(level, snap.table.region[o]);
      };
      const std::int64_t mine = unit(i);
      if (mine < 0)
        throw Error(ErrorCode::invalid_argument, std::string("the enterprise has no unit at the ") +
                                                     rank_level_name(level) + " level (企业在该层级无所属单位)");
      // The others' scores in the unit, highest first (distinct when dense).
      std::vector<std::int64_t> scores;
      for (std::size_t o = 0; o < snap.table.region.size(); ++o)
        if (o != i && unit(o) == mine) scores.push_back(snap.scores.published_units[o]);
      std::sort(scores.begin(), scores.end(), std::greater<>());
      if (model.rank_ties == RankTies::dense) scores.erase(std::unique(scores.begin(), scores.end()), scores.end());
      const auto k = static_cast<std::size_t>(target.top);
      return scores.size() < k ? 0 : scores[k - 1];
    }
  }
  return 0;
}

Path Analyzer::path(std::int64_t row, const Target& target, const PathOptions& options) const {
  const Snapshot& snap = impl_->snap;
  Path out;
  out.target_units = target_units(row, target);
  out.current_units = snap.scores.published_units[static_cast<std::size_t>(row)];
  out.reached = out.current_units >= out.target_units;
  const std::vector<detail::Axis> axes = detail::axes_of(snap, impl_->p, impl_->binding, row, options);
  if (out.reached) {  // nothing to change
    for (const detail::Axis& a : axes) {
      IndicatorPath step{a.indicator, a.current, a.cap, true, a.current, 0, out.current_units};
      out.single.push_back(step);
    }
    out.plan.searched = options.plan;
    out.plan.reachable = out.plan.optimal = options.plan;
    out.plan.published_units = out.current_units;
    return out;
  }
  // Built only when the target is not reached yet: the detail answer asks
  // for the path of every enterprise it shows.
  detail::Probe probe(impl_->p, impl_->binding, impl_->merged, snap, row);
  for (const detail::Axis& a : axes) {
    IndicatorPath step;
    step.indicator = a.indicator;
    step.current = a.current;
    step.cap = a.cap;
    step.value = detail::least_reaching(snap, a, probe, out.target_units, a.cap);
    step.reachable = !std::isnan(step.value);
    step.published_units = probe.score_with(a.column, step.reachable ? step.value : a.cap);
    if (step.reachable) step.effort = a.effort(step.value);
    out.single.push_back(step);
  }
  if (options.plan) out.plan = detail::least_effort_plan(snap, axes, probe, out.target_units, out.single, options);
  return out;
}

std::vector<Distance> Analyzer::distances(const std::vector<std::int64_t>& rows, const Target& target,
                                          const PathOptions& options, unsigned threads) const {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<Distance> out(rows.size());
  // Chunks of rows per task: one task per row would cost more than a path.
  constexpr std::size_t chunk = 64;
  detail::parallel_for(threads, (rows.size() + chunk - 1) / chunk, [&](std::size_t c) {
    for (std::size_t i = c * chunk; i < std::min(rows.size(), (c + 1) * chunk); ++i) {
      Path p = path(rows[i], target, options);
      Distance& d = out[i];
      d.row = rows[i];
      d.target_units = p.target_units;
      d.missing_units = std::max<std::int64_t>(0, p.target_units - p.current_units);
      d.value = std::numeric_limits<double>::quiet_NaN();
      d.effort = p.reached ? 0 : std::numeric_limits<double>::quiet_NaN();
      if (!p.reached)
        for (const IndicatorPath& s : p.single)
          if (s.reachable && (d.indicator < 0 || s.effort < d.effort)) {
            d.indicator = s.indicator;
            d.value = s.value;
            d.effort = s.effort;
          }
      d.plan = std::move(p.plan);
    }
  });
  return out;
}

namespace {

// The fields every indicator entry of a path answer starts with.
nlohmann::ordered_json indicator_entry(const Model& model, int indicator, double current) {
  const Indicator& ind = model.indicators[static_cast<std::size_t>(indicator)];
  nlohmann::ordered_json j;
  j["id"] = ind.id;
  j["name"] = ind.name_zh;
  j["unit"] = ind.unit;
  j["current"] = std::isnan(current) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(current);
  return j;
}

}  // namespace

std::string path_json(const Model& model, const Path& path) {
  nlohmann::ordered_json doc;
  doc["target"] = units_text(path.target_units, model.scale.decimals);
  doc["score"] = units_text(path.current_units, model.scale.decimals);
  doc["reached"] = path.reached;
  nlohmann::ordered_json single = nlohmann::ordered_json::array();
  auto number = [](double v) { return std::isnan(v) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v); };
  for (const IndicatorPath& s : path.single) {
    nlohmann::ordered_json j = indicator_entry(model, s.indicator, s.current);
    j["cap"] = s.cap;
    j["reachable"] = s.reachable;
    j["value"] = number(s.value);
    j["effort"] = s.reachable ? nlohmann::ordered_json(s.effort) : nlohmann::ordered_json(nullptr);
    j["score"] = units_text(s.published_units, model.scale.decimals);
    single.push_back(j);
  }
  doc["single"] = single;
  const Plan& plan = path.plan;
  if (!plan.searched) return doc.dump(2);
  nlohmann::ordered_json pj;
  pj["reachable"] = plan.reachable;
  pj["optimal"] = plan.optimal;
  pj["effort"] = plan.reachable ? nlohmann::ordered_json(plan.effort) : nlohmann::ordered_json(nullptr);
  pj["lower_bound"] = plan.reachable ? nlohmann::ordered_json(plan.lower_bound) : nlohmann::ordered_json(nullptr);
  pj["score"] = units_text(plan.published_units, model.scale.decimals);
  nlohmann::ordered_json changes = nlohmann::ordered_json::array();
  for (const PlanChange& c : plan.changes) {
    nlohmann::ordered_json j = indicator_entry(model, c.indicator, c.current);
    j["value"] = c.value;
    j["effort"] = c.effort;
    changes.push_back(j);
  }
  pj["changes"] = changes;
  doc["plan"] = pj;
  return doc.dump(2);
}

}  // namespace cxjf
