// compare(), rescore() and psi_level(): two scorings of enterprises matched
// by credit code (docs/population.md).
#include <algorithm>
#include <array>
#include <iterator>
#include <thread>
#include <cmath>
#include <map>
#include <string_view>
#include <unordered_map>

#include "base/task_graph.hpp"
#include "cxjf/error.hpp"
#include "cxjf/population.hpp"
#include "population/population_impl.hpp"
#include "population/psi.hpp"
#include "population/rank_correlation.hpp"
#include "scoring/scoring.hpp"

namespace cxjf {
namespace {

using detail::province_of_code;

// The province, city and county of a region code (0 where there is none).
std::array<std::int32_t, 3> units_of(const Table& t, std::int32_t code) {
  const Regions& r = t.region_table();
  if (!r.find(code)) return {province_of_code(code), 0, 0};
  return {r.province_of(code), r.city_of(code), r.county_of(code)};
}

// One side's view: published units scaled to the decimals both share, and
// whether each row is listed.
struct Side {
  const Snapshot& snap;
  std::int64_t threshold;
  std::int64_t factor;  // 10^(common decimals - own decimals)
  std::int64_t units(std::int64_t row) const {
    return snap.scores.published_units[static_cast<std::size_t>(row)] * factor;
  }
  bool listed(std::int64_t row) const {
    return snap.scores.published_units[static_cast<std::size_t>(row)] >= threshold;
  }
};

void count_regions(const Side& b, const Side& a, Comparison& c) {
  std::map<std::int32_t, RegionChange> regions;
  for (std::size_t k = 0; k < c.before.size(); ++k) {
    std::array<std::int32_t, 3> ub{}, ua{};
    bool lb = false, la = false;
    if (c.before[k] >= 0) {
      const auto i = c.before[k];
      ub = units_of(b.snap.table, b.snap.table.region[static_cast<std::size_t>(i)]);
      lb = b.listed(i);
      for (std::int32_t u : ub)
        if (u) regions[u].enterprises_before++, regions[u].listed_before += lb;
    }
    if (c.after[k] >= 0) {
      const auto i = c.after[k];
      ua = units_of(a.snap.table, a.snap.table.region[static_cast<std::size_t>(i)]);
      la = a.listed(i);
      for (std::int32_t u : ua)
        if (u) regions[u].enterprises_after++, regions[u].listed_after += la;
    }
    auto holds = [](const std::array<std::int32_t, 3>& units, std::int32_t u) {
      return std::find(units.begin(), units.end(), u) != units.end();
    };
    for (std::int32_t u : ua)
      if (u && la && !(lb && holds(ub, u))) regions[u].entered++;
    for (std::int32_t u : ub)
      if (u && lb && !(la && holds(ua, u))) regions[u].left++;
  }
  c.regions.reserve(regions.size());
  for (auto& [code, r] : regions) {
    r.region = code;
    c.regions.push_back(r);
  }
}

void rank_agreement(const Side& b, const Side& a, Comparison& c) {
  std::map<std::int32_t, std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>>> by_province;
  std::vector<std::int64_t> xs, ys;
  for (std::size_t k = 0; k < c.before.size(); ++k) {
    if (c.before[k] < 0 || c.after[k] < 0) continue;
    const std::int64_t x = b.units(c.before[k]), y = a.units(c.after[k]);
    xs.push_back(x);
    ys.push_back(y);
    auto& p = by_province[province_of_code(a.snap.table.region[static_cast<std::size_t>(c.after[k])])];
    p.first.push_back(x);
    p.second.push_back(y);
  }
  auto agree = [](std::int32_t province, const std::vector<std::int64_t>& x, const std::vector<std::int64_t>& y) {
    return RankAgreement{province, static_cast<std::int64_t>(x.size()), detail::spearman(x, y),
                         detail::kendall_tau_b(x, y)};
  };
  c.agreement.push_back(agree(0, xs, ys));
  for (const auto& [province, p] : by_province) c.agreement.push_back(agree(province, p.first, p.second));
}

void movers(const Side& b, const Side& a, std::int64_t most, Comparison& c) {
  std::vector<std::int64_t> up, down;
  auto change = [&](std::int64_t k) {
    const auto u = static_cast<std::size_t>(k);
    return a.units(c.after[u]) - b.units(c.before[u]);
  };
  for (std::size_t k = 0; k < c.before.size(); ++k) {
    if (c.before[k] < 0 || c.after[k] < 0) continue;
    const std::int64_t d = change(static_cast<std::int64_t>(k));
    if (d > 0) up.push_back(static_cast<std::int64_t>(k));
    if (d < 0) down.push_back(static_cast<std::int64_t>(k));
  }
  auto code = [&](std::int64_t k) -> const std::string& {
    return a.snap.table.credit_code[static_cast<std::size_t>(c.after[static_cast<std::size_t>(k)])];
  };
  auto keep = [&](std::vector<std::int64_t>& v, bool rising) {
    auto before = [&](std::int64_t x, std::int64_t y) {
      const std::int64_t dx = change(x), dy = change(y);
      if (dx != dy) return rising ? dx > dy : dx < dy;
      return code(x) < code(y);
    };
    const auto n = static_cast<std::size_t>(std::min<std::int64_t>(most, static_cast<std::int64_t>(v.size())));
    std::partial_sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n), v.end(), before);
    v.resize(n);
  };
  keep(up, true);
  keep(down, false);
  c.risers = std::move(up);
  c.fallers = std::move(down);
}

// The baseline group an enterprise of `after` would be compared in, or -1.
std::vector<std::int32_t> baseline_groups(const Snapshot& before, const Snapshot& after) {
  std::vector<std::int32_t> stage_map(after.model.stages.size());
  for (std::size_t s = 0; s < stage_map.size(); ++s) stage_map[s] = before.model.stage_index(after.model.stages[s].id);
  std::vector<std::int32_t> group(static_cast<std::size_t>(after.table.size()), -1);
  for (std::size_t i = 0; i < group.size(); ++i) {
    const std::int32_t s = after.scores.stage[i];
    const std::int32_t stage = s >= 0 && static_cast<std::size_t>(s) < stage_map.size() ? stage_map[static_cast<std::size_t>(s)] : -1;
    if (stage < 0) continue;
    group[i] = before.reference.peer_group_for(before.model, stage, after.table.industry[i],
                                               province_of_code(after.table.region[i]));
  }
  return group;
}

void shifts(const Snapshot& before, const Snapshot& after, int bins, unsigned threads, Comparison& c) {
  std::vector<std::pair<int, int>> columns;  // (before column, after column) of each shared indicator
  std::vector<std::string> ids;
  for (const Indicator& ind : before.model.indicators) {
    const int cb = before.table.indicator_column(ind.id), ca = after.table.indicator_column(ind.id);
    if (cb < 0 || ca < 0 || after.model.indicator_index(ind.id) < 0) continue;
    columns.emplace_back(cb, ca);
    ids.push_back(ind.id);
  }
  const std::vector<std::int32_t> group_after = baseline_groups(before, after);
  // Rows of each baseline group, both sides.
  const std::size_t groups = before.reference.groups.size();
  std::vector<std::vector<std::int64_t>> rows_before(groups), rows_after(groups);
  for (std::size_t i = 0; i < before.scores.peer_group.size(); ++i)
    if (before.scores.peer_group[i] >= 0) rows_before[static_cast<std::size_t>(before.scores.peer_group[i])].push_back(static_cast<std::int64_t>(i));
  for (std::size_t i = 0; i < group_after.size(); ++i)
    if (group_after[i] >= 0) rows_after[static_cast<std::size_t>(group_after[i])].push_back(static_cast<std::int64_t>(i));
  std::vector<std::int32_t> used;
  for (std::size_t g = 0; g < groups; ++g)
    if (!rows_before[g].empty()) used.push_back(static_cast<std::int32_t>(g));

  // One task per indicator: the nation, then its groups in order.
  std::vector<std::vector<IndicatorShift>> per(columns.size());
  detail::parallel_for(threads, columns.size(), [&](std::size_t j) {
    const auto [cb, ca] = columns[j];
    auto gather = [](const Table& t, int column, const std::vector<std::int64_t>* rows) {
      std::vector<double> v;
      if (!rows) {
        v.assign(t.values.col(column).data(), t.values.col(column).data() + t.size());
      } else {
        v.reserve(rows->size());
        for (std::int64_t i : *rows) v.push_back(t.values(i, column));
      }
      return v;
    };
    IndicatorShift nation;
    nation.indicator = ids[j];
    std::vector<double> b = gather(before.table, cb, nullptr);
    detail::stability_index(b, gather(after.table, ca, nullptr), bins, nation);
    per[j].push_back(std::move(nation));
    for (std::int32_t g : used) {
      IndicatorShift s;
      s.indicator = ids[j];
      s.group = g;
      std::vector<double> bg = gather(before.table, cb, &rows_before[static_cast<std::size_t>(g)]);
      detail::stability_index(bg, gather(after.table, ca, &rows_after[static_cast<std::size_t>(g)]), bins, s);
      per[j].push_back(std::move(s));
    }
  });
  // The nation of every indicator first, then the groups.
  for (auto& p : per) c.shifts.push_back(std::move(p.front()));
  for (auto& p : per) std::move(p.begin() + 1, p.end(), std::back_inserter(c.shifts));
}

}  // namespace

const char* psi_level(double psi) { return psi >= 0.25 ? "major" : psi >= 0.1 ? "moderate" : "stable"; }

Snapshot rescore(const Snapshot& snap, const Model& model, const BuildOptions& options) {
  for (const Indicator& ind : model.indicators)
    if (snap.table.indicator_column(ind.id) < 0)
      throw Error(ErrorCode::invalid_argument, "model " + model.id + " needs indicator '" + ind.id +
                                                   "', which the snapshot's enterprises do not carry (快照中没有该指标)");
  return Snapshot::build(model, snap.table, options);
}

Comparison compare(const Snapshot& before, const Snapshot& after, const CompareOptions& options) {
  if (options.movers < 0)
    throw Error(ErrorCode::invalid_argument, "movers must not be negative (变动最大企业数不能为负)");
  if (options.psi_bins < 2 || options.psi_bins > 100)
    throw Error(ErrorCode::invalid_argument, "psi_bins must lie in [2, 100], found " + std::to_string(options.psi_bins) +
                                                 " (PSI 分箱数须在 2 到 100 之间)");
  const std::int32_t common = std::max(before.scores.decimals, after.scores.decimals);
  auto power = [](std::int32_t e) {
    std::int64_t f = 1;
    while (e-- > 0) f *= 10;
    return f;
  };
  const Side b{before, detail::list_threshold_units(before), power(common - before.scores.decimals)};
  const Side a{after, detail::list_threshold_units(after), power(common - after.scores.decimals)};

  Comparison c;
  std::unordered_map<std::string_view, std::int64_t> row_before;
  row_before.reserve(static_cast<std::size_t>(before.table.size()));
  for (std::int64_t i = 0; i < before.table.size(); ++i) row_before.emplace(before.table.credit_code[static_cast<std::size_t>(i)], i);
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(before.table.size()), 0);
  for (std::int64_t i = 0; i < after.table.size(); ++i) {
    const auto found = row_before.find(after.table.credit_code[static_cast<std::size_t>(i)]);
    const std::int64_t j = found == row_before.end() ? -1 : found->second;
    if (j >= 0) seen[static_cast<std::size_t>(j)] = 1;
    c.before.push_back(j);
    c.after.push_back(i);
    (j >= 0 ? c.matched : c.entrants)++;
  }
  for (std::int64_t j = 0; j < before.table.size(); ++j)
    if (!seen[static_cast<std::size_t>(j)]) {
      c.before.push_back(j);
      c.after.push_back(-1);
      c.leavers++;
    }

  c.grades_before = static_cast<std::int32_t>(before.model.grades.size());
  c.grades_after = static_cast<std::int32_t>(after.model.grades.size());
  const auto width = static_cast<std::size_t>(c.grades_after + 1);
  c.grade_transitions.assign(static_cast<std::size_t>(c.grades_before + 1) * width, 0);
  for (std::size_t k = 0; k < c.before.size(); ++k) {
    const std::size_t r = c.before[k] < 0 ? static_cast<std::size_t>(c.grades_before)
                                          : static_cast<std::size_t>(before.scores.grade[static_cast<std::size_t>(c.before[k])]);
    const std::size_t col = c.after[k] < 0 ? static_cast<std::size_t>(c.grades_after)
                                           : static_cast<std::size_t>(after.scores.grade[static_cast<std::size_t>(c.after[k])]);
    c.grade_transitions[r * width + col]++;
  }
  count_regions(b, a, c);
  rank_agreement(b, a, c);
  movers(b, a, options.movers, c);
  shifts(before, after, options.psi_bins,
         options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency()), c);
  return c;
}

}  // namespace cxjf
