// One enterprise's what-if and path for a principal: detail's scope, and
// would-be ranks only where the principal sees the unit ranked.
#include <string>
#include <string_view>

#include "overview/overview_impl.hpp"

namespace cxjf {
namespace {

// Whether `principal` sees row `row`'s unit at `level` ranked: the Torch
// Center everywhere; a region's principal for units inside its region; a
// zone's or incubator's for its own; an enterprise nowhere (a rank tried
// with many values would trace its unit's scores).
bool sees_ranked(const Principal& principal, const Table& table, std::size_t row, RankLevel level) {
  if (principal.role == Role::torch_center) return true;
  const std::int32_t region = table.region[row];
  const auto code = [&] { return std::stoi(principal.code); };  // checked by scope_of
  switch (level) {
    case RankLevel::national: return false;
    case RankLevel::province: return principal.role == Role::province && code() / 10000 == region / 10000;
    case RankLevel::city:
      return region % 10000 != 0 &&
             ((principal.role == Role::province && code() / 10000 == region / 10000) ||
              (principal.role == Role::city && code() / 100 == region / 100));
    case RankLevel::county:
      return region % 100 != 0 && ((principal.role == Role::province && code() / 10000 == region / 10000) ||
                                   (principal.role == Role::city && code() / 100 == region / 100) ||
                                   (principal.role == Role::county && code() == region));
    case RankLevel::zone:
      return principal.role == Role::zone && table.zone[row] >= 0 && table.zones[table.zone[row]] == principal.code;
    case RankLevel::incubator:
      return principal.role == Role::incubator && table.incubator[row] >= 0 &&
             table.incubators[table.incubator[row]] == principal.code;
    default: return false;
  }
}

}  // namespace

WhatIf OverviewIndex::what_if(const Principal& principal, std::string_view credit_code, const Changes& changes) const {
  const Impl& m = *impl_;
  const std::int64_t row = m.visible_row(principal, credit_code);
  WhatIf w = m.analyzer.what_if(row, changes);
  for (std::size_t k = 0; k < estimate_rank_levels.size(); ++k) {
    if (sees_ranked(principal, m.table, static_cast<std::size_t>(row), estimate_rank_levels[k])) continue;
    w.before.rank[k] = 0;
    w.after.rank[k] = 0;
  }
  return w;
}

Path OverviewIndex::path(const Principal& principal, std::string_view credit_code, const Target& target,
                         const PathOptions& options) const {
  const Impl& m = *impl_;
  const std::int64_t row = m.visible_row(principal, credit_code);
  if (target.kind == Target::Kind::rank && !sees_ranked(principal, m.table, static_cast<std::size_t>(row), target.level))
    throw QueryError(QueryErrorKind::forbidden, "/target/rank",
                     std::string("a rank target at the ") + rank_level_name(target.level) + " level needs a principal that sees that unit ranked, not " +
                         principal.label() + " (无权以该层级名次为目标)");
  return m.analyzer.path(row, target, options);
}

}  // namespace cxjf
