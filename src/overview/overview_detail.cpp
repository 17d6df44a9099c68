// One enterprise's detail: its facts, its ranks at every level and, for
// government roles and the Torch Center, its ledger.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "cxjf/credit_code.hpp"
#include "overview/overview_impl.hpp"

namespace cxjf {

std::int64_t OverviewIndex::Impl::visible_row(const Principal& principal, std::string_view credit_code) const {
  const Scope scope = scope_of(principal);
  if (scope.is_public) forbidden("the public sees aggregates only; an enterprise's detail needs a login");
  const std::string code = normalize_credit_code(credit_code);
  if (auto problem = credit_code_problem(code)) bad_request("/credit_code", *problem);
  const std::int64_t row = codes.find(code);
  bool visible = false;
  if (row >= 0) {
    const auto pos = static_cast<std::int64_t>(pos_of_row[static_cast<std::size_t>(row)]);
    switch (scope.kind) {
      case Scope::Kind::all: visible = true; break;
      case Scope::Kind::region: visible = pos >= scope.node.begin && pos < scope.node.end; break;
      case Scope::Kind::zone: visible = scope.unit >= 0 && table.zone[static_cast<std::size_t>(row)] == scope.unit; break;
      case Scope::Kind::incubator:
        visible = scope.unit >= 0 && table.incubator[static_cast<std::size_t>(row)] == scope.unit;
        break;
      case Scope::Kind::enterprise: visible = row == scope.row; break;
    }
  }
  // One message whether the code is absent or out of scope.
  if (!visible)
    throw QueryError(QueryErrorKind::not_found, "/credit_code",
                     "no enterprise with this credit code is available to " + principal.label());
  return row;
}

EnterpriseDetail OverviewIndex::detail(const Principal& principal, std::string_view credit_code) const {
  const Impl& m = *impl_;
  const std::int64_t row = m.visible_row(principal, credit_code);
  const auto i = static_cast<std::size_t>(row);
  const Table& t = m.table;
  EnterpriseDetail d;
  d.basics = m.listed(static_cast<std::int32_t>(row), RankLevel::national);
  if (t.incubator[i] >= 0) d.incubator = t.incubators[t.incubator[i]];
  if (t.industry[i] >= 0) d.industry_name = std::string(industry_name(t.industry[i]));
  for (int b = 0; b < t.tech_field_names.size(); ++b)
    if (t.tech_fields[i] >> b & 1) d.tech_fields.push_back(t.tech_field_names[b]);
  for (int b = 0; b < t.qualification_names.size(); ++b)
    if (t.qualifications[i] >> b & 1) d.qualifications.push_back(t.qualification_names[b]);
  d.founded = t.founded[i];
  const std::int32_t region = t.region[i];
  for (int level = 0; level < rank_level_count; ++level) {
    EnterpriseRank r;
    r.level = static_cast<RankLevel>(level);
    r.rank = m.scores.rank[static_cast<std::size_t>(level)][i];
    if (r.rank <= 0) continue;
    switch (r.level) {
      case RankLevel::national:
        r.label = "全国";
        r.of = m.n;
        break;
      case RankLevel::province:
      case RankLevel::city:
      case RankLevel::county: {
        const std::int32_t unit = r.level == RankLevel::province ? region / 10000 * 10000
                                  : r.level == RankLevel::city   ? region / 100 * 100
                                                                 : region;
        const NodeRef node = r.level == RankLevel::province ? m.node(NodeKind::province, unit)
                             : r.level == RankLevel::city   ? m.node(NodeKind::city, unit)
                                                            : m.node(NodeKind::exact, unit);
        r.unit = six_digits(unit);
        r.label = m.region_label(unit);
        r.of = node.end - node.begin;
        break;
      }
      case RankLevel::zone:
        r.unit = r.label = t.zones[t.zone[i]];
        r.of = m.zone_offset[static_cast<std::size_t>(t.zone[i]) + 1] - m.zone_offset[static_cast<std::size_t>(t.zone[i])];
        break;
      case RankLevel::incubator:
        r.unit = r.label = t.incubators[t.incubator[i]];
        r.of = m.incubator_offset[static_cast<std::size_t>(t.incubator[i]) + 1] -
               m.incubator_offset[static_cast<std::size_t>(t.incubator[i])];
        break;
      case RankLevel::peer_group: {
        const std::int32_t g = m.scores.peer_group[i];
        r.unit = r.label = m.snap.reference.group_label(m.model, g, m.snap.table.region_table());
        r.of = m.peer_group_size[static_cast<std::size_t>(g)];
        break;
      }
    }
    d.ranks.push_back(std::move(r));
  }
  // The ledger for government roles; the reasons and the path to the list
  // threshold for them and for the enterprise itself (docs/analysis.md).
  if (principal.role != Role::enterprise) d.ledger = m.analyzer.ledger(row);
  d.reasons = m.analyzer.reasons(row);
  // A detail page answers at once (about a millisecond): each indicator
  // alone; the combined plan's search (up to ~0.2 s on a national
  // snapshot) is the query kind path's.
  PathOptions options;
  options.plan = false;
  d.path = m.analyzer.path(row, Target{}, options);
  return d;
}

}  // namespace cxjf
