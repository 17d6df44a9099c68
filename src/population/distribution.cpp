// distribution() and peer_fallbacks(): where scores differ, and whom the
// peer groups' fallback concerns (docs/population.md).
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "cxjf/population.hpp"
#include "population/population_impl.hpp"
#include "scoring/scoring.hpp"

namespace cxjf {
namespace {

// Quantile p of ascending values, linear between order statistics (numpy's
// default, Hyndman and Fan's type 7).
double quantile(const std::vector<std::int64_t>& sorted, double p, double scale) {
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double x = static_cast<double>(sorted[lo]), y = static_cast<double>(sorted[hi]);
  return (x + (h - static_cast<double>(lo)) * (y - x)) / scale;
}

ScoreDistribution summarize(std::vector<std::int64_t>& units, std::int64_t threshold, double scale) {
  ScoreDistribution d;
  d.enterprises = static_cast<std::int64_t>(units.size());
  if (units.empty()) return d;
  std::sort(units.begin(), units.end());
  long double sum = 0;
  std::int64_t listed = 0;
  for (std::int64_t u : units) {
    sum += static_cast<long double>(u);
    listed += u >= threshold;
  }
  d.mean = static_cast<double>(sum / static_cast<long double>(units.size()) / static_cast<long double>(scale));
  d.q1 = quantile(units, 0.25, scale);
  d.median = quantile(units, 0.5, scale);
  d.q3 = quantile(units, 0.75, scale);
  d.listed_share = static_cast<double>(listed) / static_cast<double>(units.size());
  return d;
}

}  // namespace

std::vector<ScoreDistribution> distribution(const Snapshot& snap, GroupBy by) {
  const Table& t = snap.table;
  const double scale = std::pow(10.0, snap.scores.decimals);
  const std::int64_t threshold = detail::list_threshold_units(snap);
  std::map<std::int32_t, std::vector<std::int64_t>> groups;
  std::vector<std::int64_t> all(snap.scores.published_units.begin(), snap.scores.published_units.end());
  for (std::size_t i = 0; i < all.size(); ++i) {
    std::int32_t key = -1;
    switch (by) {
      case GroupBy::province: key = detail::province_of_code(t.region[i]); break;
      case GroupBy::zone: key = t.zone[i]; break;
      case GroupBy::stage: key = snap.scores.stage[i]; break;
      case GroupBy::industry: key = t.industry[i]; break;
    }
    if (key >= 0 && !(by == GroupBy::province && key == 0)) groups[key].push_back(all[i]);
  }
  std::vector<ScoreDistribution> out;
  out.push_back(summarize(all, threshold, scale));
  out.front().label = "全国";
  const ScoreDistribution nation = out.front();
  for (auto& [key, units] : groups) {
    ScoreDistribution d = summarize(units, threshold, scale);
    d.key = key;
    switch (by) {
      case GroupBy::province: {
        const Region* r = t.region_table().find(key);
        d.label = r ? r->name : std::to_string(key);
        break;
      }
      case GroupBy::zone: d.label = t.zones[key]; break;
      case GroupBy::stage: d.label = snap.model.stages[static_cast<std::size_t>(key)].name_zh; break;
      case GroupBy::industry: d.label = std::string(1, static_cast<char>('A' + key)) + " " + std::string(industry_name(key)); break;
    }
    d.mean_gap = d.mean - nation.mean;
    d.listed_gap = d.listed_share - nation.listed_share;
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<PeerFallback> peer_fallbacks(const Snapshot& snap) {
  const Model& m = snap.model;
  const Reference& ref = snap.reference;
  if (m.peer_groups.chain.empty()) return {};
  const auto& finest = m.peer_groups.chain.front();
  auto keyed = [&](PeerKey k) { return std::find(finest.begin(), finest.end(), k) != finest.end(); };
  const bool by_stage = keyed(PeerKey::stage), by_industry = keyed(PeerKey::industry), by_province = keyed(PeerKey::province);
  std::map<std::tuple<std::int32_t, std::int32_t, std::int32_t, std::int32_t>, std::int64_t> counts;
  for (std::size_t i = 0; i < snap.scores.peer_group.size(); ++i) {
    const std::int32_t g = snap.scores.peer_group[i];
    if (g < 0 || ref.groups[static_cast<std::size_t>(g)].level == 0) continue;
    counts[{by_stage ? snap.scores.stage[i] : -1, by_industry ? snap.table.industry[i] : -1,
            by_province ? detail::province_of_code(snap.table.region[i]) : 0, g}]++;
  }
  std::vector<PeerFallback> out;
  for (const auto& [k, n] : counts) out.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), n});
  std::stable_sort(out.begin(), out.end(), [](const PeerFallback& x, const PeerFallback& y) { return x.enterprises > y.enterprises; });
  return out;
}

}  // namespace cxjf
