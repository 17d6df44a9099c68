// docs/overview.md, "What the public may learn": the public gets national
// tabulations only; a count of 1 to 9 enterprises is never shown, and no
// combination of shown numbers isolates a small set. Checked the way an
// attacker would work: every public answer is collected, and Gaussian
// elimination (in doubles, with a tolerance; independent of the
// suppression's own peeling) asks whether any atom of 1 to 9 enterprises,
// the smallest sets the shown cells can tell apart, is a combination of
// what was shown. Sets made of several atoms are not searched.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "testing.hpp"

namespace cxjf {
namespace {

struct Generated {
  Snapshot snap;
  OverviewIndex index;
  explicit Generated(const Table& t) : snap(Snapshot::build(default_model(), t)), index(snap) {}
};

Table sample(std::int64_t n, std::uint64_t seed) { return generate(default_model(), {n, seed, 0.05}); }

// A province whose enterprises are all in one zone but three: the province
// less the zone would isolate those three.
Table nearly_all_in_a_zone() {
  Table t = sample(3000, 31);
  std::map<std::int32_t, std::vector<std::size_t>> by_province;
  for (std::size_t i = 0; i < static_cast<std::size_t>(t.size()); ++i) by_province[t.region[i] / 10000].push_back(i);
  for (const auto& [province, rows] : by_province) {
    if (rows.size() < 20 || rows.size() > 200) continue;
    const std::int32_t zone = t.zone[rows[0]] >= 0 ? t.zone[rows[0]] : 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(t.size()); ++i)
      if (t.zone[i] == zone) t.zone[i] = -1;  // the zone is now this province's alone
    for (std::size_t k = 3; k < rows.size(); ++k) t.zone[rows[k]] = zone;
    break;
  }
  return t;
}

// Samples of several sizes: small ones have small provinces, zones and bins.
const std::vector<const Generated*>& samples() {
  static const Generated a(sample(6000, 11)), b(sample(700, 5)), c(sample(2500, 23)), d(nearly_all_in_a_zone());
  static const std::vector<const Generated*> all = {&a, &b, &c, &d};
  return all;
}

const Principal pub{Role::public_user, "", false};

template <class Call>
QueryErrorKind refusal_kind(Call&& call) {
  try {
    call();
  } catch (const QueryError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "not refused";
  return QueryErrorKind::bad_request;
}

RankingRequest ranking(std::string parent, RankingDimension by) {
  RankingRequest r;
  r.parent = std::move(parent);
  r.by = by;
  r.top = 0;
  return r;
}

// The span of the rows shown so far (0/1 vectors over atoms), in echelon
// form, and whether a vector lies in it.
class Span {
 public:
  explicit Span(std::size_t atoms) : atoms_(atoms) {}
  void add(std::vector<double> row) {
    reduce(row);
    std::size_t p = 0;
    while (p < atoms_ && std::abs(row[p]) < 1e-9) ++p;
    if (p == atoms_) return;
    const double lead = row[p];
    for (double& x : row) x /= lead;
    rows_.push_back(std::move(row));
    pivots_.push_back(p);
  }
  bool contains(std::vector<double> v) const {
    reduce(v);
    return std::all_of(v.begin(), v.end(), [](double x) { return std::abs(x) < 1e-9; });
  }

 private:
  void reduce(std::vector<double>& v) const {
    for (std::size_t k = 0; k < rows_.size(); ++k) {
      const double f = v[pivots_[k]];
      if (std::abs(f) < 1e-12) continue;
      for (std::size_t j = 0; j < atoms_; ++j) v[j] -= f * rows_[k][j];
    }
  }
  std::size_t atoms_;
  std::vector<std::vector<double>> rows_;
  std::vector<std::size_t> pivots_;
};

// A linked table as the test sees it: each enterprise's atom, and the rows
// shown (each the set of atoms of a shown cell).
struct Linked {
  std::map<std::pair<std::int64_t, std::int64_t>, std::size_t> atom_of;  // (a, b) -> atom
  std::vector<std::int64_t> size;
  std::vector<std::vector<double>> shown;
  std::size_t atom(std::int64_t a, std::int64_t b) {
    auto [it, fresh] = atom_of.emplace(std::make_pair(a, b), atom_of.size());
    if (fresh) size.push_back(0);
    return it->second;
  }
  // Shows the cell of the atoms whose keys satisfy `in`.
  template <class In>
  void show(In in) {
    std::vector<double> row(atom_of.size(), 0);
    for (const auto& [key, a] : atom_of) row[a] = in(key.first, key.second) ? 1 : 0;
    shown.push_back(std::move(row));
  }
  // The small atoms (1 to 9 enterprises) a combination of shown cells gives.
  std::vector<std::pair<std::int64_t, std::int64_t>> revealed() const {
    Span span(atom_of.size());
    for (const auto& row : shown) span.add(row);
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    for (const auto& [key, a] : atom_of) {
      if (size[a] >= public_min_cell) continue;
      std::vector<double> unit(atom_of.size(), 0);
      unit[a] = 1;
      if (span.contains(unit)) out.push_back(key);
    }
    return out;
  }
};

TEST(Disclosure, ThePublicMayNotFilterDrillOrChooseBins) {
  const Generated& g = *samples()[0];
  OverviewRequest q;
  q.filters.regions = {g.snap.table.region[0]};
  EXPECT_EQ(refusal_kind([&] { g.index.query(pub, q); }), QueryErrorKind::forbidden);
  // The issue's example: a county and an industry, one enterprise.
  const std::string answer = query_json(g.index, R"({"principal": {"role": "public"}, "kind": "ranking",
      "filters": {"regions": ["120113"], "industries": ["批发和零售业"]}, "ranking": {"top": 0}})");
  EXPECT_NE(answer.find("\"forbidden\""), std::string::npos) << answer;
  OverviewRequest by_max;
  by_max.ranking = ranking("", RankingDimension::region);
  by_max.ranking->order_by = NodeOrder::max;
  EXPECT_EQ(refusal_kind([&] { g.index.query(pub, by_max); }), QueryErrorKind::forbidden);
  // A province's cities: their counts less the province's zones would
  // isolate a few; the public sees provinces only.
  OverviewRequest drill;
  drill.ranking = ranking("440000", RankingDimension::region);
  EXPECT_EQ(refusal_kind([&] { g.index.query(pub, drill); }), QueryErrorKind::forbidden);
  // Bins of its own: two binnings differ by the scores between their edges
  // (edges [0, 84] and the default, or one-point bins).
  for (HistogramSpec spec : {HistogramSpec{{0, 84}, 10}, HistogramSpec{{}, 5}, HistogramSpec{{}, 12}}) {
    OverviewRequest h;
    h.histogram = spec;
    EXPECT_EQ(refusal_kind([&] { g.index.query(pub, h); }), QueryErrorKind::forbidden);
  }
  // Without the score facet, the bins are not asked for: no refusal.
  OverviewRequest no_score;
  no_score.facets = {Facet::province};
  no_score.histogram = HistogramSpec{{0, 84}, 10};
  EXPECT_NO_THROW(g.index.query(pub, no_score));
}

// Everything the public can ask: every facet, the histogram, the provinces
// ranked, the zones ranked and each zone as a parent.
struct PublicView {
  OverviewAnswer overview, provinces, zones;
  std::vector<OverviewAnswer> each_zone;
};

PublicView everything(const Generated& g) {
  PublicView v;
  v.overview = g.index.query(pub, OverviewRequest{});
  OverviewRequest r;
  r.facets.clear();
  r.ranking = ranking("", RankingDimension::region);
  v.provinces = g.index.query(pub, r);
  r.ranking = ranking("", RankingDimension::zone);
  v.zones = g.index.query(pub, r);
  for (std::int32_t z = 0; z < g.snap.table.zones.size(); ++z) {
    r.ranking = ranking(g.snap.table.zones[z], RankingDimension::zone);
    v.each_zone.push_back(g.index.query(pub, r));
  }
  return v;
}

const FacetCounts& facet(const OverviewAnswer& a, Facet f) {
  for (const FacetCounts& fc : a.facets)
    if (fc.facet == f) return fc;
  throw std::runtime_error(std::string("no facet ") + facet_name(f));
}

TEST(Disclosure, ProvincesAndZonesTogetherRevealNoSmallSet) {
  for (const Generated* sample : samples()) {
    const Generated& g = *sample;
    const Table& t = g.snap.table;
    const PublicView v = everything(g);
    // Atoms: a province's enterprises in one zone (or in none, -1).
    Linked l;
    for (std::size_t i = 0; i < static_cast<std::size_t>(t.size()); ++i) ++l.size[l.atom(t.region[i] / 10000, t.zone[i])];
    l.show([](std::int64_t, std::int64_t) { return true; });  // the total
    int withheld = 0;
    for (const FacetBucket& b : facet(v.overview, Facet::province).buckets) {
      withheld += b.withheld;
      if (!b.withheld) l.show([&](std::int64_t p, std::int64_t) { return p == std::stoi(b.value) / 10000; });
    }
    for (const FacetBucket& b : facet(v.overview, Facet::zone).buckets) {
      withheld += b.withheld;
      const std::int32_t z = t.zones.find(b.value);
      if (!b.withheld) l.show([&](std::int64_t, std::int64_t zone) { return zone == z; });
    }
    for (const RankingNode& n : v.provinces.ranking->nodes)
      if (!n.withheld) l.show([&](std::int64_t p, std::int64_t) { return p == std::stoi(n.key) / 10000; });
    for (const RankingNode& n : v.zones.ranking->nodes)
      if (!n.withheld) l.show([&, z = t.zones.find(n.key)](std::int64_t, std::int64_t zone) { return zone == z; });
    if (!v.zones.ranking->parent.withheld) l.show([](std::int64_t, std::int64_t zone) { return zone >= 0; });
    for (const OverviewAnswer& a : v.each_zone)
      if (!a.ranking->parent.withheld)
        l.show([&, z = t.zones.find(a.ranking->parent.key)](std::int64_t, std::int64_t zone) { return zone == z; });
    for (const auto& [province, zone] : l.revealed())
      ADD_FAILURE() << t.size() << " enterprises: province " << province << ", zone " << zone << " is revealed";
    EXPECT_GT(withheld, 0) << t.size();  // the rule is exercised
    // The same zones withheld in the facet and the ranking, medians and
    // maxima never shown.
    std::set<std::string> in_facet, in_ranking;
    for (const FacetBucket& b : facet(v.overview, Facet::zone).buckets)
      if (b.withheld) in_facet.insert(b.value);
    for (const RankingNode& n : v.zones.ranking->nodes) {
      if (n.withheld) in_ranking.insert(n.key);
      EXPECT_TRUE(std::isnan(n.median) && std::isnan(n.max));
    }
    EXPECT_EQ(in_facet, in_ranking);
    // Withheld nodes come last: their place would tell their mean.
    bool seen = false;
    for (const RankingNode& n : v.provinces.ranking->nodes) {
      if (seen) EXPECT_TRUE(n.withheld) << n.key;
      seen |= n.withheld;
    }
  }
}

TEST(Disclosure, HistogramBinsAndGradesTogetherRevealNoSmallSet) {
  int withheld = 0;
  for (const Generated* sample : samples()) {
    const Generated& g = *sample;
    const Scores& s = g.snap.scores;
    const PublicView v = everything(g);
    // Atoms: scores between neighbouring edges of the bins (0, 10, ... 100)
    // and the grade bands (60, 70, 85), within one grade.
    const std::vector<std::int64_t> edges = {0, 100, 200, 300, 400, 500, 600, 700, 850, 800, 900};  // x 10
    auto interval = [&](std::int64_t units) {  // units of 10^-decimals points
      std::int64_t k = 0;
      for (std::int64_t e : edges)
        if (units * 10 >= e * static_cast<std::int64_t>(std::pow(10, s.decimals))) k = std::max(k, e);
      return k;
    };
    Linked l;
    for (std::size_t i = 0; i < s.published_units.size(); ++i) ++l.size[l.atom(interval(s.published_units[i]), s.grade[i])];
    l.show([](std::int64_t, std::int64_t) { return true; });
    const ScoreHistogram& h = *v.overview.histogram;
    ASSERT_EQ(h.bins.size(), 10u);
    for (std::size_t b = 0; b < h.bins.size(); ++b) {
      withheld += h.bins[b].withheld;
      if (h.bins[b].withheld) continue;
      const auto lo = static_cast<std::int64_t>(b) * 100;
      l.show([&](std::int64_t e, std::int64_t) { return e >= lo && e < lo + 100; });
    }
    const Model& m = g.snap.model;
    for (const FacetBucket& b : facet(v.overview, Facet::grade).buckets) {
      withheld += b.withheld;
      std::int64_t grade = 0;
      while (m.grades[static_cast<std::size_t>(grade)].id != b.value) ++grade;
      if (!b.withheld) l.show([&](std::int64_t, std::int64_t gr) { return gr == grade; });
    }
    for (const auto& [from, grade] : l.revealed())
      ADD_FAILURE() << s.published_units.size() << " enterprises: scores from " << from / 10.0 << " of grade "
                    << grade << " are revealed";
  }
  EXPECT_GT(withheld, 0);  // the rule is exercised
}

// Cells of one partition: the withheld together hold 0 or at least 10;
// multi-valued buckets: neither a bucket nor the rest of the nation small.
TEST(Disclosure, PartitionsAndMultiValuedFacetsLeaveNoSmallRest) {
  for (const Generated* sample : samples()) {
    const OverviewAnswer a = sample->index.query(pub, OverviewRequest{});
    const OverviewAnswer full = sample->index.query(Principal{Role::torch_center, "", false}, OverviewRequest{});
    for (std::size_t k = 0; k < a.facets.size(); ++k) {
      const FacetCounts& f = a.facets[k];
      std::int64_t shown = 0;
      for (std::size_t i = 0; i < f.buckets.size(); ++i) {
        const FacetBucket& b = f.buckets[i];
        if (b.withheld) {
          EXPECT_TRUE(std::isnan(b.mean));
          continue;
        }
        EXPECT_EQ(b.count, full.facets[k].buckets[i].count);  // what is shown is true
        EXPECT_TRUE(b.count == 0 || b.count >= public_min_cell) << facet_name(f.facet) << " " << b.value;
        shown += b.count;
        if (f.facet == Facet::tech_field || f.facet == Facet::qualification) {
          const std::int64_t rest = f.total - b.count;
          EXPECT_TRUE(rest == 0 || rest >= public_min_cell) << b.value;
        }
      }
      if (f.facet == Facet::industry || f.facet == Facet::stage) {
        const std::int64_t rest = f.total - shown;
        EXPECT_TRUE(rest == 0 || rest >= public_min_cell) << facet_name(f.facet) << ": " << rest;
      }
    }
  }
}

// As JSON: a withheld count is null, never a number, and medians are absent.
TEST(Disclosure, WithheldCellsAreNullInJson) {
  const Generated& g = *samples()[1];
  const nlohmann::json a = nlohmann::json::parse(
      query_json(g.index, R"({"principal": {"role": "public"}, "kind": "overview", "facets": ["zone", "score"]})"));
  int nulls = 0;
  for (const auto& b : a["facets"]["zone"]["buckets"])
    if (b.contains("withheld")) {
      EXPECT_TRUE(b["count"].is_null() && b["mean"].is_null());
      ++nulls;
    }
  EXPECT_GT(nulls, 0);
}

}  // namespace
}  // namespace cxjf
