// The path to a target (include/cxjf/analysis.hpp): for one registered
// enterprise, the least value of each indicator alone that reaches a
// published score, everyone else frozen.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/analysis_impl.hpp"
#include "scoring/leave_one_out.hpp"

namespace cxjf {
namespace {


// The enterprise with one indicator set to a value, scored against the
// reference without it: the what-if of one change, without rebuilding the
// row each time.
class Probe {
 public:
  Probe(const detail::Prepared& p, const detail::Bound& binding, const Snapshot& snap, std::int64_t row)
      : p_(p),
        others_(p, binding, snap.reference, snap.table, row, snap.scores.peer_group[static_cast<std::size_t>(row)]),
        table_(one_row(snap.table, row)),
        bound_(p, table_) {}

  std::int64_t score(int column, double value) {
    const double was = table_.values(0, column);
    table_.values(0, column) = value;
    // The published score alone, as explain_row rounds it: no ledger lines.
    const Model& m = p_.model;
    const auto r = detail::evaluate_row<double>(p_, bound_, others_, table_, 0, Membership::newcomer, nullptr);
    std::int64_t units;
    if (detail::near_boundary(r.total, m.scale.decimals))
      units = detail::round_exact(
          detail::evaluate_row<detail::Rational>(p_, bound_, others_, table_, 0, Membership::newcomer, nullptr).total,
          m.scale.decimals, m.scale.rounding);
    else
      units = round_to_units(r.total, m.scale.decimals, m.scale.rounding);
    table_.values(0, column) = was;
    return units;
  }
  const detail::LeaveOneOut& others() const { return others_; }

 private:
  static Table one_row(const Table& table, std::int64_t row) {
    TableBuilder builder(table.indicator_ids, table.regions);
    builder.add(table.row(row));
    return builder.build();
  }
  const detail::Prepared& p_;
  detail::LeaveOneOut others_;
  Table table_;
  detail::Bound bound_;
};

// The step of an indicator's values: whole numbers for counts (件, 个, 人,
// 项, 家), hundredths otherwise (the precision of the template's amounts
// and percentages).
double value_step(const Indicator& ind) {
  for (const char* count : {"件", "个", "人", "项", "家"})
    if (ind.unit == count) return 1;
  return 0.01;
}

// The bonus item scored on indicator j, or -1.
int bonus_on(const Model& model, int j) {
  for (std::size_t k = 0; k < model.bonus.size(); ++k)
    if (model.bonus[k].indicator == model.indicators[static_cast<std::size_t>(j)].id && model.bonus[k].per_unit > 0)
      return static_cast<int>(k);
  return -1;
}

}  // namespace

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
  const Model& model = snap.model;
  const detail::Prepared& p = impl_->p;
  Path out;
  out.target_units = target_units(row, target);
  out.current_units = snap.scores.published_units[static_cast<std::size_t>(row)];
  out.reached = out.current_units >= out.target_units;
  for (const std::string& id : options.fixed)
    if (model.indicator_index(id) < 0)
      throw Error(ErrorCode::invalid_argument, "'" + id + "' is not an indicator of " + model.id + " (不是该模型的指标)");
  for (const auto& [id, cap] : options.caps)
    if (model.indicator_index(id) < 0 || std::isnan(cap))
      throw Error(ErrorCode::invalid_argument, "a cap is an indicator of " + model.id + " with a number, not '" + id + "'");
  // Built only when the target is not reached yet: the detail answer asks
  // for the path of every enterprise it shows.
  std::optional<Probe> probe;
  if (!out.reached) probe.emplace(p, impl_->binding, snap, row);
  const std::int32_t group = snap.scores.peer_group[static_cast<std::size_t>(row)];
  const Reference& ref = snap.reference;
  for (std::size_t jj = 0; jj < model.indicators.size(); ++jj) {
    const int j = static_cast<int>(jj);
    const Indicator& ind = model.indicators[jj];
    const int bonus = bonus_on(model, j);
    if ((p.category_of[jj] < 0 && bonus < 0) || ind.direction != Direction::higher) continue;
    if (std::find(options.fixed.begin(), options.fixed.end(), ind.id) != options.fixed.end()) continue;
    const int column = impl_->binding.column[jj];
    IndicatorPath step;
    step.indicator = j;
    step.current = snap.table.values(static_cast<Eigen::Index>(row), column);
    const double from = std::isnan(step.current) ? 0.0 : step.current;
    const Normalization& nm = ind.normalization;
    // The top of the scale, or of the peers.
    double cap = from;
    const bool peers = !ref.sorted[jj].empty() && group >= 0;
    if (p.category_of[jj] >= 0) {
      if (peers) {
        const PeerGroup& g = ref.groups[static_cast<std::size_t>(group)];
        const auto& off = ref.offsets[jj];
        const std::int64_t n = off[static_cast<std::size_t>(g.fine_end)] - off[static_cast<std::size_t>(g.fine_begin)];
        // The largest: the last value of each finest group's sorted run.
        if (n > 0) {
          double top = -std::numeric_limits<double>::infinity();
          for (std::int32_t f = g.fine_begin; f < g.fine_end; ++f)
            if (off[static_cast<std::size_t>(f) + 1] > off[static_cast<std::size_t>(f)])
              top = std::max(top, ref.sorted[jj][static_cast<std::size_t>(off[static_cast<std::size_t>(f) + 1] - 1)]);
          cap = detail::inverse_transform(ind.transform, top);
        }
        // Stored transformed, the largest value comes back with the
        // transform's rounding: on the grid of the data again.
        if (ind.transform != Transform::none) cap = std::round(cap / value_step(ind)) / (1 / value_step(ind));
      } else if (nm.method == Method::piecewise || nm.method == Method::steps) {
        cap = nm.breakpoints.back().x;
      } else if (nm.method == Method::boolean) {
        cap = 1;
      } else if (nm.method == Method::capped_ratio && nm.full_mark) {
        cap = *nm.full_mark;
      }
    }
    if (bonus >= 0) cap = std::max(cap, model.bonus[static_cast<std::size_t>(bonus)].points / model.bonus[static_cast<std::size_t>(bonus)].per_unit);
    for (const auto& [id, c] : options.caps)
      if (id == ind.id) cap = c;
    step.cap = std::max(cap, from);

    // Candidates above today's value, ascending, ending at the cap.
    const double step_size = value_step(ind);
    const bool discrete = p.category_of[jj] >= 0 && bonus < 0 &&
                          (nm.method == Method::percentile || nm.method == Method::steps || nm.method == Method::boolean);
    // The few candidates besides the peer values, which are bisected by
    // their rank in the group rather than listed (a national group holds
    // hundreds of thousands).
    std::vector<double> candidates;
    std::int64_t rank_lo = 0, rank_hi = -1;  // peer values above today's, up to the cap, by rank
    const PeerGroup* pg = nullptr;
    if (discrete) {
      if (nm.method == Method::percentile && peers) {
        pg = &ref.groups[static_cast<std::size_t>(group)];
        rank_lo = ref.count_at_most(j, group, detail::apply_transform(ind.transform, from));
        rank_hi = ref.count_at_most(j, group, detail::apply_transform(ind.transform, step.cap)) - 1;
      } else if (nm.method == Method::steps) {
        for (const auto& b : nm.breakpoints)
          if (b.x > from && b.x <= step.cap) candidates.push_back(b.x);
      } else if (nm.method == Method::boolean && from == 0) {
        candidates.push_back(1);  // any value but 0 is "yes"
      }
      // Above zero a value leaves the zero rule: the least positive step.
      if (ind.zero_earns_zero && from <= 0 && step_size <= step.cap) candidates.push_back(step_size);
      candidates.push_back(step.cap);
      std::sort(candidates.begin(), candidates.end());
      candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    }
    auto peer_value = [&](std::int64_t rank) {
      return detail::inverse_transform(ind.transform, detail::select_kth(ref.sorted[jj], ref.offsets[jj], pg->fine_begin, pg->fine_end, rank));
    };
    if (out.reached) {  // nothing to change
      step.reachable = true;
      step.value = step.current;
      step.published_units = out.current_units;
      out.single.push_back(step);
      continue;
    }
    const std::int64_t at_cap = probe->score(column, step.cap);
    step.published_units = at_cap;
    step.value = std::numeric_limits<double>::quiet_NaN();
    if (at_cap >= out.target_units) {
      step.reachable = true;
      if (discrete) {
        // The least listed candidate reaching the target (the cap does),
        // then the least peer value if one below it does too.
        std::size_t lo = 0, hi = candidates.size() - 1;
        while (lo < hi) {
          const std::size_t mid = lo + (hi - lo) / 2;
          if (probe->score(column, candidates[mid]) >= out.target_units) hi = mid;
          else lo = mid + 1;
        }
        step.value = candidates[lo];
        if (rank_lo <= rank_hi && probe->score(column, peer_value(rank_hi)) >= out.target_units) {
          std::int64_t a = rank_lo, b = rank_hi;
          while (a < b) {
            const std::int64_t mid = a + (b - a) / 2;
            if (probe->score(column, peer_value(mid)) >= out.target_units) b = mid;
            else a = mid + 1;
          }
          step.value = std::min(step.value, peer_value(a));
        }
      } else {
        // The grid of steps above today's value, up to the cap.
        const double per = 1 / step_size;
        auto grid = [per](std::int64_t k) { return static_cast<double>(k) / per; };
        std::int64_t lo = static_cast<std::int64_t>(std::floor(from * per + 1e-9)) + 1;
        std::int64_t hi = static_cast<std::int64_t>(std::ceil(step.cap * per - 1e-9));
        if (grid(hi) > step.cap) hi = std::max(lo, hi - 1);
        if (probe->score(column, grid(hi)) < out.target_units) {
          step.value = step.cap;  // only the cap itself, off the grid
        } else {
          while (lo < hi) {
            const std::int64_t mid = lo + (hi - lo) / 2;
            if (probe->score(column, grid(mid)) >= out.target_units) hi = mid;
            else lo = mid + 1;
          }
          step.value = grid(lo);
        }
      }
      step.published_units = probe->score(column, step.value);
      const double base = from > 0 ? from : step.cap;
      step.effort = base > 0 ? (step.value - from) / base : 0;
    }
    out.single.push_back(step);
  }
  return out;
}

std::string path_json(const Model& model, const Path& path) {
  nlohmann::ordered_json doc;
  doc["target"] = units_text(path.target_units, model.scale.decimals);
  doc["score"] = units_text(path.current_units, model.scale.decimals);
  doc["reached"] = path.reached;
  nlohmann::ordered_json single = nlohmann::ordered_json::array();
  auto number = [](double v) { return std::isnan(v) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v); };
  for (const IndicatorPath& s : path.single) {
    const Indicator& ind = model.indicators[static_cast<std::size_t>(s.indicator)];
    nlohmann::ordered_json j;
    j["id"] = ind.id;
    j["name"] = ind.name_zh;
    j["unit"] = ind.unit;
    j["current"] = number(s.current);
    j["cap"] = s.cap;
    j["reachable"] = s.reachable;
    j["value"] = number(s.value);
    j["effort"] = s.reachable ? nlohmann::ordered_json(s.effort) : nlohmann::ordered_json(nullptr);
    j["score"] = units_text(s.published_units, model.scale.decimals);
    single.push_back(j);
  }
  doc["single"] = single;
  return doc.dump(2);
}

}  // namespace cxjf
