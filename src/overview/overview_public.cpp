// What the public may learn: which national cells are withheld, and the
// disclosure rule applied to a public answer.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "overview/disclosure.hpp"
#include "overview/overview_impl.hpp"

namespace cxjf {

// ---------------------------------------------------------------------------
// What the public may learn (docs/overview.md): national tabulations only,
// small cells withheld by the rule of disclosure.hpp. Every public answer
// is computed on the whole nation, so each cell is withheld in every answer
// that shows it, and a node withheld in one drill-down is withheld when it
// is the parent of the next (with everything below it).

// Provinces and zones share enterprises, and so do histogram bins and grade
// bands: each pair is audited as one linked table (disclosure.hpp), so that
// a province less its zones, or a grade less its bins, isolates nobody.
const OverviewIndex::Impl::PublicCells& OverviewIndex::Impl::public_cells() const {
  std::call_once(public_once, [this] {
    PublicCells& out = public_cells_;
    const std::size_t P = province_codes.size(), Z = static_cast<std::size_t>(table.zones.size());
    {
      // Atoms: a province's enterprises in one zone, or in none.
      detail::LinkedCells t;
      std::vector<std::int64_t> atom_of((Z + 1) * P, -1);
      std::vector<std::vector<std::size_t>> zone_atoms(Z), province_atoms(P);
      std::vector<std::size_t> any_zone, all;
      std::vector<std::int64_t> count((Z + 1) * P, 0);
      for (std::size_t pi = 0; pi < P; ++pi)
        for (auto pos = province_begin[pi]; pos < province_begin[pi + 1]; ++pos) {
          const std::int32_t z = zone_at[static_cast<std::size_t>(pos)];
          ++count[pi * (Z + 1) + (z < 0 ? Z : static_cast<std::size_t>(z))];
        }
      for (std::size_t pi = 0; pi < P; ++pi)
        for (std::size_t z = 0; z <= Z; ++z) {
          const std::int64_t c = count[pi * (Z + 1) + z];
          if (c == 0) continue;
          const std::size_t a = t.atoms.size();
          t.atoms.push_back(c);
          province_atoms[pi].push_back(a);
          all.push_back(a);
          if (z < Z) {
            zone_atoms[z].push_back(a);
            any_zone.push_back(a);
          }
        }
      std::vector<detail::DisclosureCell> provinces, zones;
      for (std::size_t pi = 0; pi < P; ++pi) {
        t.cells.push_back(province_atoms[pi]);
        t.keys.push_back(std::to_string(province_codes[pi]));
        provinces.push_back({province_begin[pi + 1] - province_begin[pi], t.keys.back()});
      }
      for (std::size_t z = 0; z < Z; ++z) {
        std::sort(zone_atoms[z].begin(), zone_atoms[z].end());
        t.cells.push_back(zone_atoms[z]);
        t.keys.push_back(table.zones[static_cast<std::int32_t>(z)]);
        zones.push_back({zone_offset[z + 1] - zone_offset[z], t.keys.back()});
      }
      t.cells.push_back(any_zone);
      t.keys.push_back("");
      t.cells.push_back(all);
      t.keys.push_back("");
      t.fixed.assign(t.cells.size(), false);
      t.fixed.back() = true;
      std::vector<bool> withheld = detail::withheld_cells(provinces, public_min_cell);
      for (bool w : detail::withheld_cells(zones, public_min_cell)) withheld.push_back(w);
      withheld.push_back(zone_offset[Z] > 0 && zone_offset[Z] < public_min_cell);
      withheld.push_back(false);
      withheld = detail::withheld_linked(t, std::move(withheld), public_min_cell);
      out.province.assign(withheld.begin(), withheld.begin() + static_cast<std::ptrdiff_t>(P));
      out.zone.assign(withheld.begin() + static_cast<std::ptrdiff_t>(P),
                      withheld.begin() + static_cast<std::ptrdiff_t>(P + Z));
      out.any_zone = withheld[P + Z];
    }
    {
      // Atoms: the scores between two neighbouring edges of either axis,
      // within one grade.
      HistogramSpec spec;
      spec.width = public_histogram_width;
      const Bins bins = bins_for(spec);
      std::vector<std::int64_t> edges = bins.lo;
      for (const Grade& g : model.grades) edges.push_back(ceil_units(g.min_score));
      std::sort(edges.begin(), edges.end());
      edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
      const std::size_t E = edges.size(), G = model.grades.size(), B = bins.lo.size();
      std::vector<std::int64_t> count(E * G, 0);
      for (std::size_t row = 0; row < static_cast<std::size_t>(n); ++row) {
        const std::int64_t u = scores.published_units[row];
        const auto e = static_cast<std::size_t>(std::max<std::ptrdiff_t>(
            0, std::upper_bound(edges.begin(), edges.end(), u) - edges.begin() - 1));
        ++count[e * G + static_cast<std::size_t>(scores.grade[row])];
      }
      detail::LinkedCells t;
      std::vector<std::vector<std::size_t>> bin_atoms(B), grade_atoms(G);
      std::vector<std::size_t> all;
      for (std::size_t e = 0; e < E; ++e)
        for (std::size_t g = 0; g < G; ++g) {
          if (count[e * G + g] == 0) continue;
          const std::size_t a = t.atoms.size();
          t.atoms.push_back(count[e * G + g]);
          // The bin the atom lies in (not Bins::bin_of: its table covers
          // only the scores that occur).
          const auto b = std::upper_bound(bins.lo.begin(), bins.lo.end(), edges[e]) - bins.lo.begin() - 1;
          if (b >= 0 && edges[e] <= bins.last_max) bin_atoms[static_cast<std::size_t>(b)].push_back(a);
          grade_atoms[g].push_back(a);
          all.push_back(a);
        }
      std::vector<detail::DisclosureCell> bin_cells, grade_cells;
      char key[24];
      for (std::size_t b = 0; b < B; ++b) {
        std::snprintf(key, sizeof key, "%08zu", b);
        t.cells.push_back(bin_atoms[b]);
        t.keys.push_back(key);
        bin_cells.push_back({0, key});
        for (std::size_t a : bin_atoms[b]) bin_cells.back().count += t.atoms[a];
      }
      for (std::size_t g = 0; g < G; ++g) {
        std::sort(grade_atoms[g].begin(), grade_atoms[g].end());
        t.cells.push_back(grade_atoms[g]);
        t.keys.push_back(model.grades[g].id);
        grade_cells.push_back({0, model.grades[g].id});
        for (std::size_t a : grade_atoms[g]) grade_cells.back().count += t.atoms[a];
      }
      t.cells.push_back(all);
      t.keys.push_back("");
      t.fixed.assign(t.cells.size(), false);
      t.fixed.back() = true;
      std::vector<bool> withheld = detail::withheld_cells(bin_cells, public_min_cell);
      for (bool w : detail::withheld_cells(grade_cells, public_min_cell)) withheld.push_back(w);
      withheld.push_back(false);
      withheld = detail::withheld_linked(t, std::move(withheld), public_min_cell);
      out.bin.assign(withheld.begin(), withheld.begin() + static_cast<std::ptrdiff_t>(B));
      out.grade.assign(withheld.begin() + static_cast<std::ptrdiff_t>(B),
                       withheld.begin() + static_cast<std::ptrdiff_t>(B + G));
    }
  });
  return public_cells_;
}

namespace detail {

namespace {

void withhold(FacetBucket& b) {
  b.count = 0;
  b.mean = std::numeric_limits<double>::quiet_NaN();
  b.withheld = true;
}

void withhold(RankingNode& n) {
  n.count = 0;
  n.mean = std::numeric_limits<double>::quiet_NaN();
  n.withheld = true;
}

}  // namespace

// Applies the public's disclosure rule to an answer of national tabulations.
void disclose(const Impl& m, const RankingPlan* plan, OverviewAnswer& a) {
  const Impl::PublicCells& pc = m.public_cells();
  auto zone_withheld = [&](const std::string& name) {
    const std::int32_t z = m.table.zones.find(name);
    return z >= 0 && pc.zone[static_cast<std::size_t>(z)];
  };
  auto province_withheld = [&](const std::string& code) {
    const int slot = m.province_slot(std::stoi(code));
    return slot >= 0 && pc.province[static_cast<std::size_t>(slot)];
  };
  const std::int64_t total = m.n;
  for (FacetCounts& f : a.facets) {
    std::vector<detail::DisclosureCell> cells;
    for (const FacetBucket& b : f.buckets) cells.push_back({b.count, b.value});
    std::vector<bool> out;
    switch (f.facet) {
      case Facet::province:
        for (const FacetBucket& b : f.buckets) out.push_back(province_withheld(b.value));
        break;
      case Facet::zone:
        for (const FacetBucket& b : f.buckets) out.push_back(zone_withheld(b.value));
        break;
      case Facet::grade:
        for (const FacetBucket& b : f.buckets) {
          std::size_t g = 0;
          while (g < m.model.grades.size() && m.model.grades[g].id != b.value) ++g;
          out.push_back(g < pc.grade.size() && pc.grade[g]);
        }
        break;
      case Facet::industry:
      case Facet::stage: out = detail::withheld_cells(cells, public_min_cell); break;
      // Multi-valued: a bucket and the enterprises outside it split the
      // nation in two; either side may be small.
      default:
        for (const FacetBucket& b : f.buckets) {
          const std::int64_t rest = total - b.count;
          out.push_back((b.count > 0 && b.count < public_min_cell) || (rest > 0 && rest < public_min_cell));
        }
        break;
    }
    for (std::size_t i = 0; i < f.buckets.size(); ++i)
      if (out[i]) withhold(f.buckets[i]);
  }
  if (a.histogram) {
    for (std::size_t i = 0; i < a.histogram->bins.size(); ++i)
      if (i < pc.bin.size() && pc.bin[i]) {
        HistogramBin& b = a.histogram->bins[i];
        b.count = 0;
        b.mean = std::numeric_limits<double>::quiet_NaN();
        b.withheld = true;
      }
  }
  if (a.ranking && plan) {
    Ranking& r = *a.ranking;
    bool parent_withheld = false;
    std::unordered_map<std::string, bool> child_withheld;
    if (plan->by == RankingDimension::region) {
      // The nation (never withheld) and its provinces.
      for (const RankingNode& n : r.nodes) child_withheld[n.key] = province_withheld(n.key);
    } else {
      parent_withheld = plan->zone_parent >= 0 ? pc.zone[static_cast<std::size_t>(plan->zone_parent)] : pc.any_zone;
      for (const RankingNode& n : r.nodes) child_withheld[n.key] = zone_withheld(n.key);
    }
    // Medians and maxima are single enterprises' scores: never public.
    auto finish = [](RankingNode& n, bool withheld) {
      n.median = n.max = std::numeric_limits<double>::quiet_NaN();
      if (withheld) withhold(n);
    };
    finish(r.parent, parent_withheld);
    for (RankingNode& n : r.nodes) finish(n, parent_withheld || child_withheld[n.key]);
    // Withheld nodes go last, by key: their place among the others would
    // tell their count or mean.
    std::stable_partition(r.nodes.begin(), r.nodes.end(), [](const RankingNode& n) { return !n.withheld; });
    auto first = std::find_if(r.nodes.begin(), r.nodes.end(), [](const RankingNode& n) { return n.withheld; });
    std::sort(first, r.nodes.end(), [](const RankingNode& x, const RankingNode& y) { return x.key < y.key; });
  }
}

}  // namespace detail

}  // namespace cxjf
