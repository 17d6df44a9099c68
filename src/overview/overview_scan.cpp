// The one pass of filtered queries over the scope's positions: facets, the
// list bitmap and ranking accumulators together.
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "overview/overview_impl.hpp"

namespace cxjf {

// The index into the list bitmap that orders positions by `sort`.
inline std::int64_t OverviewIndex::Impl::sort_index(std::int64_t pos, SortKey sort) const {
  switch (sort) {
    case SortKey::score: return list_at[static_cast<std::size_t>(pos)];
    case SortKey::name: return name_pos[static_cast<std::size_t>(row_of_pos[static_cast<std::size_t>(pos)])];
    case SortKey::region: return pos;
  }
  return pos;
}

// One pass over the scope's positions (ascending). A row fails a set of
// filters; it counts in facet F when it passes every filter but F's own,
// i.e. when it fails nothing or only F. The list takes rows failing
// nothing; a region ranking ignores the region filter and a zone ranking
// the zone filter, like the province and zone facets.
void OverviewIndex::Impl::scan(const Scope& scope, const Compiled& f, const ScanSpec& spec, const Layout& l,
                               const Bins& bins, ScanOut& out) const {
  if (scope.contiguous()) {
    const std::int64_t begin = scope.node.begin;
    scan_rows(scope.node.end - begin, [begin](std::int64_t k) { return begin + k; }, f, spec, l, bins, out);
  } else {
    const std::int32_t* positions = scope.positions;
    scan_rows(scope.count, [positions](std::int64_t k) { return static_cast<std::int64_t>(positions[k]); }, f, spec, l,
              bins, out);
  }
}

template <class Position>
void OverviewIndex::Impl::scan_rows(std::int64_t count, Position position, const Compiled& f, const ScanSpec& spec,
                                    const Layout& l, const Bins& bins, ScanOut& out) const {
  FacetData& d = out.facets;
  d.cells.assign(static_cast<std::size_t>(l.size), {});
  if (spec.list) out.list_bits.assign(static_cast<std::size_t>(n + 63) / 64, 0);
  const bool rank_region = spec.rank == ScanSpec::Rank::region, rank_zone = spec.rank == ScanSpec::Rank::zone;
  if (rank_region) {
    out.nodes.assign(spec.children.size(), {});
    out.units.reserve(static_cast<std::size_t>(std::min(count, spec.parent_end - spec.parent_begin)));
  }
  if (rank_zone) out.nodes.assign(static_cast<std::size_t>(table.zones.size()), {});
  const std::uint32_t active = f.active;
  const bool has_region = active & bit(Facet::province), has_zone = active & bit(Facet::zone);
  const bool has_tech = active & bit(Facet::tech_field), has_qual = active & bit(Facet::qualification);
  const bool has_industry = active & bit(Facet::industry), has_grade = active & bit(Facet::grade);
  const bool has_stage = active & bit(Facet::stage), has_score = active & bit(Facet::score);
  const bool has_incubator = !f.incubator_ok.empty(), has_name = !f.name.empty();
  auto want = [&](Facet x) { return spec.facets && spec.want[static_cast<std::size_t>(x)]; };
  const bool w_tech = want(Facet::tech_field), w_qual = want(Facet::qualification), w_industry = want(Facet::industry);
  const bool w_grade = want(Facet::grade), w_stage = want(Facet::stage), w_province = want(Facet::province);
  const bool w_zone = want(Facet::zone), w_score = want(Facet::score);
  Cell* const cells = d.cells.data();
  Cell* const tech = cells + l.tech;
  Cell* const qual = cells + l.qual;
  Cell* const industry = cells + l.industry;
  Cell* const grade = cells + l.grade;
  Cell* const stage = cells + l.stage;
  Cell* const province = cells + l.province;
  Cell* const zones = cells + l.zone;
  Cell* const hist = cells + l.hist;
  // Rows failing nothing count in every facet's total; rows failing one
  // filter in that facet's only. The totals are put together at the end.
  Cell all;
  // Rows failing nothing update few cells, which are spread over the facets
  // at the end: one joint (industry, stage, grade, histogram bin) cell, one
  // cell per technology-field and per qualification bit set, and provinces
  // in runs (positions are in region order). Ten increments per row become
  // about four.
  const int S = static_cast<int>(model.stages.size()), G = static_cast<int>(model.grades.size());
  const int H = static_cast<int>(bins.lo.size());
  const bool joint_hist = w_score && industry_buckets * S * G * (H + 1) <= 16384;
  const int HB = joint_hist ? H + 1 : 1;
  std::vector<Cell> joint(spec.facets ? static_cast<std::size_t>(industry_buckets * S * G * HB) : 0);
  const int T = table.tech_field_names.size(), Q = table.qualification_names.size();
  std::vector<Cell> tech_sets(spec.facets && T <= 10 ? std::size_t{1} << T : 0);
  std::vector<Cell> qual_sets(spec.facets && Q <= 10 ? std::size_t{1} << Q : 0);
  int run_province = -1;
  Cell run;
  std::array<Cell, facet_count> only{};
  std::size_t range_i = 0, child = 0;
  const std::uint32_t not_region = ~static_cast<std::uint32_t>(bit(Facet::province));
  const std::uint32_t not_zone = ~static_cast<std::uint32_t>(bit(Facet::zone));

  for (std::int64_t k = 0; k < count; ++k) {
    const std::int64_t pos = position(k);
    const auto p_ = static_cast<std::size_t>(pos);
    if (has_incubator && !f.incubator_ok[static_cast<std::size_t>(incubator_at[p_] + 1)]) continue;
    if (has_name && !(f.name_bits[p_ >> 6] >> (p_ & 63) & 1)) continue;
    const Packed p = packed[p_];
    const std::int32_t zone = zone_at[p_];
    std::uint32_t fail = 0;
    if (has_region) {
      while (range_i < f.ranges.size() && f.ranges[range_i].second <= pos) ++range_i;
      if (!(range_i < f.ranges.size() && f.ranges[range_i].first <= pos)) fail |= bit(Facet::province);
    }
    const std::int64_t u = p.units;
    // Measured: plain branches beat table-driven, branch-free variants here
    // (the compiler turns them into conditional moves).
    if (has_zone && !f.zone_ok[static_cast<std::size_t>(zone + 1)]) fail |= bit(Facet::zone);
    if (has_tech && !(p.tech & f.tech)) fail |= bit(Facet::tech_field);
    if (has_qual && !(p.qual & f.qual)) fail |= bit(Facet::qualification);
    if (has_industry && !f.industry[p.industry]) fail |= bit(Facet::industry);
    if (has_grade && !f.grade[p.grade]) fail |= bit(Facet::grade);
    if (has_stage && !f.stage[p.stage]) fail |= bit(Facet::stage);
    if (has_score && (u < f.min_units || u > f.max_units)) fail |= bit(Facet::score);
    if (fail == 0) {
      all.add(u);
      if (spec.facets) {
        int hb = 0;
        if (w_score) {
          const int b = bins.bin_of(u);
          if (joint_hist) hb = b + 1;
          else if (b >= 0) hist[b].add(u);
        }
        joint[static_cast<std::size_t>(((p.industry * S + p.stage) * G + p.grade) * HB + hb)].add(u);
        if (!tech_sets.empty()) tech_sets[p.tech].add(u);
        else
          for (std::uint32_t t = p.tech; t; t &= t - 1) tech[__builtin_ctz(t)].add(u);
        if (!qual_sets.empty()) qual_sets[p.qual].add(u);
        else
          for (std::uint32_t q = p.qual; q; q &= q - 1) qual[__builtin_ctz(q)].add(u);
        if (p.province != run_province) {
          if (run_province >= 0) province[run_province].add(run);
          run_province = p.province;
          run = {};
        }
        run.add(u);
        if (zone >= 0) zones[zone].add(u);
      }
      if (spec.list && u >= spec.list_min) {
        auto idx = static_cast<std::size_t>(sort_index(pos, spec.sort));
        out.list_bits[idx >> 6] |= std::uint64_t{1} << (idx & 63);
        ++out.list_count;
      }
    } else if (spec.facets && (fail & (fail - 1)) == 0) {
      const int facet = __builtin_ctz(fail);
      only[static_cast<std::size_t>(facet)].add(u);
      switch (static_cast<Facet>(facet)) {
        case Facet::tech_field:
          if (w_tech)
            for (std::uint32_t t = p.tech; t; t &= t - 1) tech[__builtin_ctz(t)].add(u);
          break;
        case Facet::qualification:
          if (w_qual)
            for (std::uint32_t q = p.qual; q; q &= q - 1) qual[__builtin_ctz(q)].add(u);
          break;
        case Facet::industry: if (w_industry) industry[p.industry].add(u); break;
        case Facet::grade: if (w_grade) grade[p.grade].add(u); break;
        case Facet::stage: if (w_stage) stage[p.stage].add(u); break;
        case Facet::province: if (w_province) province[p.province].add(u); break;
        case Facet::zone: if (w_zone && zone >= 0) zones[zone].add(u); break;
        case Facet::score:
          if (w_score) {
            const int b = bins.bin_of(u);
            if (b >= 0) hist[b].add(u);
          }
          break;
      }
    }
    if (rank_region && (fail & not_region) == 0 && pos >= spec.parent_begin && pos < spec.parent_end) {
      while (spec.children[child].node.end <= pos) out.nodes[++child].buf_begin = out.units.size();
      RankAcc& a = out.nodes[child];
      a.cell.add(u);
      a.max = std::max(a.max, u);
      out.units.push_back(p.units);
      if (spec.top > 0 && u >= spec.top_min) push_top(a.top, list_at[p_], spec.top);
    }
    if (rank_zone && (fail & not_zone) == 0 && zone >= 0 && (spec.zone_parent < 0 || zone == spec.zone_parent)) {
      RankAcc& a = out.nodes[static_cast<std::size_t>(zone)];
      a.cell.add(u);
      a.max = std::max(a.max, u);
      out.zone_units.emplace_back(zone, p.units);
      if (spec.top > 0 && u >= spec.top_min) push_top(a.top, list_at[p_], spec.top);
    }
  }
  if (spec.facets) {
    if (run_province >= 0) province[run_province].add(run);
    for (int i = 0; i < industry_buckets; ++i)
      for (int st = 0; st < S; ++st)
        for (int g = 0; g < G; ++g)
          for (int hb = 0; hb < HB; ++hb) {
            const Cell& c = joint[static_cast<std::size_t>(((i * S + st) * G + g) * HB + hb)];
            if (!c.count) continue;
            industry[i].add(c);
            stage[st].add(c);
            grade[g].add(c);
            if (hb > 0) hist[hb - 1].add(c);
          }
    for (std::size_t set = 1; set < tech_sets.size(); ++set)
      for (auto t = static_cast<std::uint32_t>(set); t; t &= t - 1) tech[__builtin_ctz(t)].add(tech_sets[set]);
    for (std::size_t set = 1; set < qual_sets.size(); ++set)
      for (auto q = static_cast<std::uint32_t>(set); q; q &= q - 1) qual[__builtin_ctz(q)].add(qual_sets[set]);
  }
  d.total = all.count;
  for (std::size_t x = 0; x < only.size(); ++x) {
    d.totals[x] = all;
    d.totals[x].add(only[x]);
  }
  if (rank_region) {
    while (child + 1 < out.nodes.size()) out.nodes[++child].buf_begin = out.units.size();
    for (std::size_t c = 0; c < out.nodes.size(); ++c)
      out.nodes[c].buf_end = c + 1 < out.nodes.size() ? out.nodes[c + 1].buf_begin : out.units.size();
  }
}

}  // namespace cxjf
