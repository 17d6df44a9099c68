// The principal resolved against the overview index (its scope), and
// request filters compiled into masks and ranges over the index's codes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cxjf/credit_code.hpp"
#include "cxjf/regions.hpp"
#include "overview/overview_impl.hpp"

namespace cxjf {

// ---------------------------------------------------------------------------
// Scope and filters

Scope OverviewIndex::Impl::scope_of(const Principal& principal) const {
  check_principal(principal, regions);
  Scope s;
  switch (principal.role) {
    case Role::torch_center:
    case Role::public_user:
      s.kind = Scope::Kind::all;
      s.node = root();
      s.is_public = principal.role == Role::public_user;
      return s;
    case Role::province:
    case Role::city:
    case Role::county:
      s.kind = Scope::Kind::region;
      s.node = node_of_region(parse_region_code(principal.code));
      s.level = principal.role == Role::province ? RankLevel::province
                : principal.role == Role::city   ? RankLevel::city
                                                 : RankLevel::county;
      s.threshold = true;
      return s;
    case Role::zone:
    case Role::incubator: {
      const bool zone = principal.role == Role::zone;
      s.kind = zone ? Scope::Kind::zone : Scope::Kind::incubator;
      s.level = zone ? RankLevel::zone : RankLevel::incubator;
      s.unit = zone ? table.zones.find(principal.code) : table.incubators.find(principal.code);
      // A unit without registered enterprises this year has an empty scope.
      if (s.unit >= 0) {
        const auto& offset = zone ? zone_offset : incubator_offset;
        const auto& pos = zone ? zone_pos : incubator_pos;
        s.positions = pos.data() + offset[static_cast<std::size_t>(s.unit)];
        s.count = offset[static_cast<std::size_t>(s.unit) + 1] - offset[static_cast<std::size_t>(s.unit)];
      }
      return s;
    }
    case Role::enterprise:
      s.kind = Scope::Kind::enterprise;
      s.row = codes.find(normalize_credit_code(principal.code));
      return s;
  }
  bad_request("/principal/role", "unknown role");
}

Compiled OverviewIndex::Impl::compile(const Filters& filters, const Scope& scope) const {
  Compiled c;
  auto path = [](const char* member, std::size_t i) { return std::string("/filters/") + member + "/" + std::to_string(i); };
  // Bounded before anything is looked up: a request's cost must not grow
  // with what a caller chooses to send.
  auto limit_list = [&](const char* member, std::size_t size) {
    if (size > request_limits.max_list)
      bad_request(std::string("/filters/") + member, "lists " + std::to_string(size) + " values, more than the limit of " +
                                                         std::to_string(request_limits.max_list) + " (筛选值过多)");
  };
  auto limit_strings = [&](const char* member, const std::vector<std::string>& values) {
    limit_list(member, values.size());
    for (std::size_t i = 0; i < values.size(); ++i)
      if (values[i].size() > request_limits.max_string)
        bad_request(path(member, i), "has " + std::to_string(values[i].size()) + " bytes, more than the limit of " +
                                         std::to_string(request_limits.max_string) + " (筛选值过长)");
  };
  limit_list("regions", filters.regions.size());
  limit_strings("zones", filters.zones);
  limit_strings("incubators", filters.incubators);
  limit_strings("tech_fields", filters.tech_fields);
  limit_strings("industries", filters.industries);
  limit_strings("stages", filters.stages);
  limit_strings("grades", filters.grades);
  limit_strings("qualifications", filters.qualifications);
  if (filters.name_contains.size() > request_limits.max_string)
    bad_request("/filters/name_contains", "has " + std::to_string(filters.name_contains.size()) +
                                              " bytes, more than the limit of " + std::to_string(request_limits.max_string) +
                                              " (筛选值过长)");
  for (std::size_t i = 0; i < filters.regions.size(); ++i) {
    const std::int32_t code = filters.regions[i];
    const Region* region = regions.find(code);
    if (!region) bad_request(path("regions", i), six_digits(code) + " is not a region code of GB/T 2260");
    NodeRef r = node_of_region(code);
    c.ranges.emplace_back(r.begin, r.end);
    c.region_codes.push_back(code);
  }
  if (!filters.regions.empty()) {
    c.active |= bit(Facet::province);
    std::sort(c.ranges.begin(), c.ranges.end());
    std::vector<std::pair<std::int64_t, std::int64_t>> merged;
    for (const auto& r : c.ranges)
      if (!merged.empty() && r.first <= merged.back().second) merged.back().second = std::max(merged.back().second, r.second);
      else merged.push_back(r);
    c.ranges = std::move(merged);
  }
  // Names not in the snapshot are valid selections that match nobody (a
  // zone without registered enterprises, say).
  auto select = [&](const std::vector<std::string>& values, const Dictionary& dict, std::vector<std::uint8_t>& ok) {
    ok.assign(static_cast<std::size_t>(dict.size()) + 1, 0);
    for (const auto& v : values) {
      std::int32_t code = dict.find(v);
      if (code >= 0) ok[static_cast<std::size_t>(code) + 1] = 1;
    }
  };
  if (!filters.zones.empty()) {
    c.active |= bit(Facet::zone);
    select(filters.zones, table.zones, c.zone_ok);
  }
  if (!filters.incubators.empty()) select(filters.incubators, table.incubators, c.incubator_ok);
  auto bits = [&](const std::vector<std::string>& values, const Dictionary& dict) {
    std::uint32_t mask = 0;
    for (const auto& v : values) {
      std::int32_t code = dict.find(v);
      if (code >= 0) mask |= 1u << code;
    }
    return mask;
  };
  if (!filters.tech_fields.empty()) {
    c.active |= bit(Facet::tech_field);
    c.tech = bits(filters.tech_fields, table.tech_field_names);
  }
  if (!filters.qualifications.empty()) {
    c.active |= bit(Facet::qualification);
    c.qual = bits(filters.qualifications, table.qualification_names);
  }
  for (std::size_t i = 0; i < filters.industries.size(); ++i) {
    const std::string& v = filters.industries[i];
    int index = v == "unknown" ? industry_unknown : industry_index(v);
    if (index < 0)
      bad_request(path("industries", i), quoted(v) + " is not an industry: use a section letter A-T, a GB/T 4754-2017 "
                                                      "section name such as 制造业, or \"unknown\"");
    c.industry[static_cast<std::size_t>(index)] = 1;
    c.active |= bit(Facet::industry);
  }
  if (!filters.grades.empty()) {
    c.active |= bit(Facet::grade);
    c.grade.assign(model.grades.size(), 0);
    for (std::size_t i = 0; i < filters.grades.size(); ++i) {
      auto it = std::find_if(model.grades.begin(), model.grades.end(), [&](const Grade& g) { return g.id == filters.grades[i]; });
      if (it == model.grades.end()) {
        std::string ids;
        for (const Grade& g : model.grades) ids += (ids.empty() ? "" : ", ") + g.id;
        bad_request(path("grades", i), quoted(filters.grades[i]) + " is not a grade of model " + model.id + " (" + ids + ")");
      }
      c.grade[static_cast<std::size_t>(it - model.grades.begin())] = 1;
    }
  }
  if (!filters.stages.empty()) {
    c.active |= bit(Facet::stage);
    c.stage.assign(model.stages.size(), 0);
    for (std::size_t i = 0; i < filters.stages.size(); ++i) {
      int index = model.stage_index(filters.stages[i]);
      if (index < 0) {
        std::string ids;
        for (const Stage& st : model.stages) ids += (ids.empty() ? "" : ", ") + st.id + " (" + st.name_zh + ")";
        bad_request(path("stages", i), quoted(filters.stages[i]) + " is not a stage of model " + model.id + ": " + ids);
      }
      c.stage[static_cast<std::size_t>(index)] = 1;
    }
  }
  if (filters.min_score || filters.max_score) {
    if (filters.min_score && !std::isfinite(*filters.min_score)) bad_request("/filters/score/min", "must be a finite number");
    if (filters.max_score && !std::isfinite(*filters.max_score)) bad_request("/filters/score/max", "must be a finite number");
    if (filters.min_score && filters.max_score && *filters.min_score > *filters.max_score)
      bad_request("/filters/score", "min is above max");
    c.active |= bit(Facet::score);
    if (filters.min_score) c.min_units = ceil_units(*filters.min_score);
    if (filters.max_score) c.max_units = floor_units(*filters.max_score);
  }
  if (!filters.name_contains.empty()) {
    c.name = filters.name_contains;
    c.name_bits.assign(static_cast<std::size_t>(n + 63) / 64, 0);
    auto mark = [&](std::size_t p) { c.name_bits[p >> 6] |= std::uint64_t{1} << (p & 63); };
    const std::string_view needle = c.name;
    const std::int64_t size = scope.contiguous() ? scope.node.end - scope.node.begin : scope.count;
    if (scope.contiguous() && size > n / 8) {
      // A large scope: every name in memory order, which is faster than
      // jumping to the scope's names one by one.
      for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i)
        if (std::string_view(table.name[i]).find(needle) != std::string_view::npos) {
          const std::int64_t p = pos_of_row[i];
          if (p >= scope.node.begin && p < scope.node.end) mark(static_cast<std::size_t>(p));
        }
    } else {
      auto check = [&](std::int64_t p) {
        if (std::string_view(table.name[static_cast<std::size_t>(row_of_pos[static_cast<std::size_t>(p)])]).find(needle) !=
            std::string_view::npos)
          mark(static_cast<std::size_t>(p));
      };
      if (scope.contiguous())
        for (std::int64_t p = scope.node.begin; p < scope.node.end; ++p) check(p);
      else
        for (std::int64_t k = 0; k < scope.count; ++k) check(scope.positions[k]);
    }
  }
  return c;
}

}  // namespace cxjf
