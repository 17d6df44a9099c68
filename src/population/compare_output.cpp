// comparison_json(), write_comparison_csv(), write_distribution_csv() and
// distribution_json(): a Comparison and score distributions for the portal,
// the command line and spreadsheets (docs/population.md).
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cxjf/csv.hpp"
#include "cxjf/error.hpp"
#include "cxjf/population.hpp"
#include "population/population_impl.hpp"

namespace cxjf {
namespace {

using json = nlohmann::ordered_json;

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json region_json(std::int32_t code, const Table& t) {
  const Region* r = t.region_table().find(code);
  return r ? json(r->name) : json(nullptr);
}

json side_json(const Snapshot& s) {
  json j;
  j["model"] = s.model.id;
  j["enterprises"] = s.table.size();
  j["list_threshold"] = s.model.list_threshold;
  return j;
}

}  // namespace

std::string comparison_json(const Comparison& c, const Snapshot& before, const Snapshot& after) {
  json doc;
  doc["before"] = side_json(before);
  doc["after"] = side_json(after);
  doc["matched"] = c.matched;
  doc["entrants"] = c.entrants;
  doc["leavers"] = c.leavers;

  json grades;
  json gb = json::array(), ga = json::array();
  for (const Grade& g : before.model.grades) gb.push_back(g.id);
  for (const Grade& g : after.model.grades) ga.push_back(g.id);
  gb.push_back(nullptr);  // the entrants' row
  ga.push_back(nullptr);  // the leavers' column
  grades["before"] = gb;
  grades["after"] = ga;
  json rows = json::array();
  const auto width = static_cast<std::size_t>(c.grades_after + 1);
  for (std::size_t r = 0; r <= static_cast<std::size_t>(c.grades_before); ++r)
    rows.push_back(json(std::vector<std::int64_t>(c.grade_transitions.begin() + static_cast<std::ptrdiff_t>(r * width),
                                                  c.grade_transitions.begin() + static_cast<std::ptrdiff_t>((r + 1) * width))));
  grades["transitions"] = rows;
  doc["grades"] = grades;

  json regions = json::array();
  for (const RegionChange& r : c.regions) {
    json j;
    j["region"] = r.region;
    j["name"] = region_json(r.region, r.enterprises_after ? after.table : before.table);
    j["enterprises_before"] = r.enterprises_before;
    j["enterprises_after"] = r.enterprises_after;
    j["listed_before"] = r.listed_before;
    j["listed_after"] = r.listed_after;
    j["entered"] = r.entered;
    j["left"] = r.left;
    regions.push_back(j);
  }
  doc["regions"] = regions;

  json agreement = json::array();
  for (const RankAgreement& a : c.agreement) {
    json j;
    j["province"] = a.province ? json(a.province) : json(nullptr);
    j["name"] = a.province ? region_json(a.province, after.table) : json("全国");
    j["enterprises"] = a.enterprises;
    j["spearman"] = number(a.spearman);
    j["kendall"] = number(a.kendall);
    agreement.push_back(j);
  }
  doc["agreement"] = agreement;

  auto movers = [&](const std::vector<std::int64_t>& list) {
    json out = json::array();
    for (std::int64_t k : list) {
      const auto i = static_cast<std::size_t>(c.before[static_cast<std::size_t>(k)]);
      const auto j = static_cast<std::size_t>(c.after[static_cast<std::size_t>(k)]);
      json m;
      m["credit_code"] = after.table.credit_code[j];
      m["name"] = after.table.name[j];
      m["before"] = before.scores.published_text(static_cast<std::int64_t>(i));
      m["after"] = after.scores.published_text(static_cast<std::int64_t>(j));
      m["rank_before"] = before.scores.rank[0][i];
      m["rank_after"] = after.scores.rank[0][j];
      out.push_back(m);
    }
    return out;
  };
  doc["risers"] = movers(c.risers);
  doc["fallers"] = movers(c.fallers);

  json shifts = json::array();
  for (const IndicatorShift& s : c.shifts) {
    json j;
    j["indicator"] = s.indicator;
    j["name"] = before.model.indicators[static_cast<std::size_t>(before.model.indicator_index(s.indicator))].name_zh;
    j["group"] = s.group < 0 ? json(nullptr) : json(s.group);
    j["group_label"] = s.group < 0 ? std::string("全国")
                                   : before.reference.group_label(before.model, s.group, before.table.region_table());
    j["count_before"] = s.count_before;
    j["count_after"] = s.count_after;
    j["psi"] = s.psi;
    j["level"] = psi_level(s.psi);
    j["edges"] = s.edges;
    j["bins_before"] = s.bins_before;
    j["bins_after"] = s.bins_after;
    shifts.push_back(j);
  }
  doc["shifts"] = shifts;
  return doc.dump(2);
}

void write_comparison_csv(std::ostream& out, const Comparison& c, const Snapshot& before, const Snapshot& after) {
  const std::int64_t tb = detail::list_threshold_units(before), ta = detail::list_threshold_units(after);
  // Score changes in the finer of the two sides' decimals.
  const std::int32_t common = std::max(before.scores.decimals, after.scores.decimals);
  auto scaled = [common](std::int64_t units, std::int32_t decimals) {
    for (std::int32_t d = decimals; d < common; ++d) units *= 10;
    return units;
  };
  out << "credit_code,name,region,status,score_before,score_after,change,rank_before,rank_after,grade_before,"
         "grade_after,listed_before,listed_after\r\n";
  std::string line;
  for (std::size_t k = 0; k < c.before.size(); ++k) {
    const std::int64_t i = c.before[k], j = c.after[k];
    const Snapshot& s = j >= 0 ? after : before;
    const auto r = static_cast<std::size_t>(j >= 0 ? j : i);
    line.clear();
    append_csv_field(line, s.table.credit_code[r]);
    line += ',';
    append_csv_field(line, s.table.name[r]);
    line += ',' + std::to_string(s.table.region[r]) + ',';
    line += i >= 0 && j >= 0 ? "matched" : i >= 0 ? "leaver" : "entrant";
    auto side = [&](const Snapshot& x, std::int64_t row, std::int64_t threshold, std::string* score, std::string* rank,
                    std::string* grade, std::string* listed) {
      if (row < 0) return;
      const auto u = static_cast<std::size_t>(row);
      *score = x.scores.published_text(row);
      *rank = std::to_string(x.scores.rank[0][u]);
      *grade = x.model.grades[static_cast<std::size_t>(x.scores.grade[u])].id;
      *listed = x.scores.published_units[u] >= threshold ? "1" : "0";
    };
    std::string sb, sa, rb, ra, gb, ga, lb, la, change;
    side(before, i, tb, &sb, &rb, &gb, &lb);
    side(after, j, ta, &sa, &ra, &ga, &la);
    if (i >= 0 && j >= 0)
      change = units_text(scaled(after.scores.published_units[static_cast<std::size_t>(j)], after.scores.decimals) -
                              scaled(before.scores.published_units[static_cast<std::size_t>(i)], before.scores.decimals),
                          common);
    for (const std::string* f : {&sb, &sa, &change, &rb, &ra, &gb, &ga, &lb, &la}) {
      line += ',';
      append_csv_field(line, *f);
    }
    out << line << "\r\n";
  }
}

void write_distribution_csv(std::ostream& out, const std::vector<ScoreDistribution>& groups) {
  out << "key,label,enterprises,mean,q1,median,q3,listed_share,mean_gap,listed_gap\r\n";
  std::string line;
  char number[40];
  for (const ScoreDistribution& d : groups) {
    line = d.key < 0 ? std::string() : std::to_string(d.key);
    line += ',';
    append_csv_field(line, d.label);
    line += ',' + std::to_string(d.enterprises);
    for (double v : {d.mean, d.q1, d.median, d.q3, d.listed_share, d.mean_gap, d.listed_gap}) {
      std::snprintf(number, sizeof number, ",%.6f", v);
      line += number;
    }
    out << line << "\r\n";
  }
}

GroupBy parse_group_by(std::string_view name) {
  if (name == "province") return GroupBy::province;
  if (name == "zone") return GroupBy::zone;
  if (name == "stage") return GroupBy::stage;
  if (name == "industry") return GroupBy::industry;
  throw Error(ErrorCode::invalid_argument, "by must be province, zone, stage or industry, not '" + std::string(name) +
                                               "' (分组须为 province、zone、stage 或 industry)");
}

std::string distribution_json(const std::vector<ScoreDistribution>& groups, const std::vector<PeerFallback>& fallbacks,
                              const Snapshot& snap) {
  json doc;
  json g = json::array();
  for (const ScoreDistribution& d : groups) {
    json r;
    r["key"] = d.key < 0 ? json(nullptr) : json(d.key);
    r["label"] = d.label;
    r["enterprises"] = d.enterprises;
    r["mean"] = number(d.mean);
    r["q1"] = number(d.q1);
    r["median"] = number(d.median);
    r["q3"] = number(d.q3);
    r["listed_share"] = number(d.listed_share);
    r["mean_gap"] = d.key < 0 ? json(nullptr) : number(d.mean_gap);
    r["listed_gap"] = d.key < 0 ? json(nullptr) : number(d.listed_gap);
    g.push_back(std::move(r));
  }
  doc["groups"] = std::move(g);
  json f = json::array();
  for (const PeerFallback& x : fallbacks) {
    json r;
    r["stage"] = x.stage < 0 ? json(nullptr) : json(snap.model.stages[static_cast<std::size_t>(x.stage)].id);
    r["industry"] = x.industry < 0 ? json(nullptr) : json(std::string(1, static_cast<char>('A' + x.industry)));
    r["province"] = x.province ? json(x.province) : json(nullptr);
    r["group"] = snap.reference.group_label(snap.model, x.group, snap.table.region_table());
    r["enterprises"] = x.enterprises;
    f.push_back(std::move(r));
  }
  doc["peer_fallbacks"] = std::move(f);
  return doc.dump(2);
}

}  // namespace cxjf
