// Facets: where each facet's buckets sit, histogram bins, the facets of
// unfiltered queries from precomputed cells, and the facets of an answer.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "overview/overview_impl.hpp"

namespace cxjf {

// ---------------------------------------------------------------------------
// Facets

namespace {

constexpr std::size_t max_edges = 1001;
constexpr std::int64_t lut_limit = std::int64_t{1} << 22;  // histogram lookup table, entries

// Codes of a dictionary: those on the standard list first, in its order,
// then the others in dictionary order.
template <std::size_t N>
std::vector<int> standard_order(const Dictionary& dict, const std::array<std::string_view, N>& standard) {
  std::vector<int> order;
  for (std::string_view name : standard)
    if (int code = dict.find(name); code >= 0) order.push_back(code);
  for (int code = 0; code < dict.size(); ++code)
    if (std::find(order.begin(), order.end(), code) == order.end()) order.push_back(code);
  return order;
}

}  // namespace

Layout OverviewIndex::Impl::layout_for(std::size_t bins) const {
  Layout l = dense;
  l.province = l.dense;
  l.zone = l.province + static_cast<int>(province_codes.size());
  l.hist = l.zone + table.zones.size();
  l.size = l.hist + static_cast<int>(bins);
  return l;
}

Bins OverviewIndex::Impl::bins_for(const HistogramSpec& spec) const {
  Bins b;
  if (spec.edges.empty()) {
    if (!(spec.width > 0) || !std::isfinite(spec.width)) bad_request("/histogram/width", "must be a number above 0");
    const double top = model.scale.total_max;
    if (top / spec.width > static_cast<double>(max_edges - 1))
      bad_request("/histogram/width", "makes more than " + std::to_string(max_edges - 1) + " bins");
    // Edges as multiples of the width, so 0.1 x 7 does not drift.
    for (std::size_t i = 0;; ++i) {
      double e = spec.width * static_cast<double>(i);
      if (e >= top - 1e-9 * std::max(1.0, top)) {
        b.edges.push_back(top);
        break;
      }
      b.edges.push_back(e);
    }
    if (b.edges.size() < 2) b.edges.insert(b.edges.begin(), 0.0);
  } else {
    if (spec.edges.size() < 2 || spec.edges.size() > max_edges)
      bad_request("/histogram/edges", "give 2 to " + std::to_string(max_edges) + " edges");
    for (std::size_t i = 0; i < spec.edges.size(); ++i) {
      if (!std::isfinite(spec.edges[i])) bad_request("/histogram/edges/" + std::to_string(i), "must be a finite number");
      if (i > 0 && !(spec.edges[i] > spec.edges[i - 1]))
        bad_request("/histogram/edges/" + std::to_string(i), "edges must increase strictly");
    }
    b.edges = spec.edges;
  }
  for (std::size_t i = 0; i + 1 < b.edges.size(); ++i) b.lo.push_back(ceil_units(b.edges[i]));
  b.last_max = floor_units(b.edges.back());
  if (n > 0 && units_max - units_min < lut_limit) {
    b.lut_min = units_min;
    b.lut.resize(static_cast<std::size_t>(units_max - units_min + 1));
    Bins plain = b;
    plain.lut.clear();
    for (std::int64_t u = units_min; u <= units_max; ++u) b.lut[static_cast<std::size_t>(u - units_min)] = plain.bin_of(u);
  }
  return b;
}

// Unfiltered facets of a region node: its precomputed cells; provinces from
// the province nodes; zones by binary search in each zone's positions;
// histogram bins by binary search in the node's ordering.
FacetData OverviewIndex::Impl::fast_facets(const NodeRef& node, const Layout& l, const Bins& bins) const {
  FacetData d;
  d.cells.assign(static_cast<std::size_t>(l.size), {});
  std::copy(node.cells, node.cells + l.dense, d.cells.begin());
  const Cell all{node.end - node.begin, node.ordered->sum(node.begin, node.end)};
  d.total = all.count;
  d.totals.fill(all);
  if (node.kind == NodeKind::root) {
    for (std::size_t p = 0; p < province_codes.size(); ++p)
      d.cells[static_cast<std::size_t>(l.province) + p] = {province_begin[p + 1] - province_begin[p],
                                                          by_province.sum(province_begin[p], province_begin[p + 1])};
  } else if (all.count > 0) {
    d.cells[static_cast<std::size_t>(l.province + packed[static_cast<std::size_t>(node.begin)].province)] = all;
  }
  for (std::size_t z = 0; z + 1 < zone_offset.size(); ++z) {
    auto b = zone_pos.begin() + zone_offset[z], e = zone_pos.begin() + zone_offset[z + 1];
    auto lo = std::lower_bound(b, e, node.begin), hi = std::lower_bound(lo, e, node.end);
    d.cells[static_cast<std::size_t>(l.zone) + z] = {hi - lo, zone_pos_prefix[static_cast<std::size_t>(hi - zone_pos.begin())] -
                                                                  zone_pos_prefix[static_cast<std::size_t>(lo - zone_pos.begin())]};
  }
  const Ordered& o = *node.ordered;
  for (std::size_t i = 0; i < bins.lo.size(); ++i) {
    std::int64_t upper = i + 1 < bins.lo.size() ? bins.lo[i + 1] : bins.last_max + 1;
    if (upper <= bins.lo[i]) continue;
    std::int64_t from = node.begin + o.count_at_least(node.begin, node.end, upper);
    std::int64_t to = node.begin + o.count_at_least(node.begin, node.end, bins.lo[i]);
    d.cells[static_cast<std::size_t>(l.hist) + i] = {to - from, o.sum(from, to)};
  }
  return d;
}

void OverviewIndex::Impl::assemble_facets(const FacetData& d, const Layout& l, const Bins& bins,
                                          const OverviewRequest& request, const Compiled& f,
                                          OverviewAnswer& answer) const {
  answer.total = d.total;
  auto bucket = [&](std::string value, std::string label, const Cell& c, bool selected) {
    FacetBucket b;
    b.value = std::move(value);
    b.label = std::move(label);
    b.count = c.count;
    b.mean = mean(c);
    b.selected = selected;
    return b;
  };
  auto cell = [&](int at) -> const Cell& { return d.cells[static_cast<std::size_t>(at)]; };
  for (Facet facet : request.facets) {
    const Cell& total = d.totals[static_cast<std::size_t>(facet)];
    if (facet == Facet::score) {
      ScoreHistogram h;
      h.total = total.count;
      for (std::size_t i = 0; i + 1 < bins.edges.size(); ++i) {
        const Cell& c = cell(l.hist + static_cast<int>(i));
        h.bins.push_back({bins.edges[i], bins.edges[i + 1], c.count, mean(c)});
      }
      answer.histogram = std::move(h);
      continue;
    }
    FacetCounts fc;
    fc.facet = facet;
    fc.total = total.count;
    switch (facet) {
      case Facet::tech_field:
        for (int t : standard_order(table.tech_field_names, standard_tech_fields))
          fc.buckets.push_back(bucket(table.tech_field_names[t], table.tech_field_names[t], cell(l.tech + t), f.tech >> t & 1));
        break;
      case Facet::qualification:
        for (int q : standard_order(table.qualification_names, standard_qualifications))
          fc.buckets.push_back(bucket(table.qualification_names[q], table.qualification_names[q], cell(l.qual + q), f.qual >> q & 1));
        break;
      case Facet::industry:
        for (int i = 0; i < industry_count; ++i)
          fc.buckets.push_back(bucket(std::string(1, static_cast<char>('A' + i)), std::string(industry_name(i)),
                                      cell(l.industry + i), f.industry[static_cast<std::size_t>(i)]));
        if (cell(l.industry + industry_unknown).count > 0 || f.industry[industry_unknown])
          fc.buckets.push_back(bucket("unknown", "行业未知", cell(l.industry + industry_unknown), f.industry[industry_unknown]));
        break;
      case Facet::grade:
        for (std::size_t g = 0; g < model.grades.size(); ++g)
          fc.buckets.push_back(bucket(model.grades[g].id, model.grades[g].id, cell(l.grade + static_cast<int>(g)),
                                      !f.grade.empty() && f.grade[g]));
        break;
      case Facet::stage:
        for (std::size_t s = 0; s < model.stages.size(); ++s)
          fc.buckets.push_back(bucket(model.stages[s].id, model.stages[s].name_zh, cell(l.stage + static_cast<int>(s)),
                                      !f.stage.empty() && f.stage[s]));
        break;
      case Facet::province: {
        std::vector<std::int32_t> selected;
        for (std::int32_t code : f.region_codes)
          if (code % 10000 == 0) selected.push_back(code);
        std::sort(selected.begin(), selected.end());
        selected.erase(std::unique(selected.begin(), selected.end()), selected.end());
        std::vector<std::int32_t> shown = selected;
        for (std::size_t p = 0; p < province_codes.size(); ++p)
          if (cell(l.province + static_cast<int>(p)).count > 0) shown.push_back(province_codes[p]);
        std::sort(shown.begin(), shown.end());
        shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
        for (std::int32_t code : shown) {
          int p = province_slot(code);
          fc.buckets.push_back(bucket(six_digits(code), region_label(code), p >= 0 ? cell(l.province + p) : Cell{},
                                      std::binary_search(selected.begin(), selected.end(), code)));
        }
        break;
      }
      case Facet::zone: {
        for (int z = 0; z < table.zones.size(); ++z) {
          const bool selected = !f.zone_ok.empty() && f.zone_ok[static_cast<std::size_t>(z) + 1];
          if (cell(l.zone + z).count > 0 || selected)
            fc.buckets.push_back(bucket(table.zones[z], table.zones[z], cell(l.zone + z), selected));
        }
        // A selected zone the snapshot does not know still shows, at 0,
        // once however often it is selected (one pass: a set of those shown).
        if (!f.zone_ok.empty()) {
          std::unordered_set<std::string_view> unknown;
          for (const auto& name : request.filters.zones)
            if (table.zones.find(name) < 0 && unknown.insert(name).second)
              fc.buckets.push_back(bucket(name, name, Cell{}, true));
        }
        std::stable_sort(fc.buckets.begin(), fc.buckets.end(), [](const FacetBucket& a, const FacetBucket& b) {
          return a.count != b.count ? a.count > b.count : a.value < b.value;
        });
        break;
      }
      case Facet::score: break;
    }
    answer.facets.push_back(std::move(fc));
  }
}

}  // namespace cxjf
