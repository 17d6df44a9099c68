// Internal: reading the overview's request documents (docs/overview.md,
// docs/analysis.md) into the typed requests, for overview_json.cpp. Every
// refusal is a QueryError bad_request naming the JSON pointer of the
// offending value.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxjf/analysis.hpp"
#include "cxjf/overview.hpp"

namespace cxjf::detail::request {

using json = nlohmann::json;

/// Throws QueryError(bad_request) at `path`.
[[noreturn]] void bad(const std::string& path, const std::string& message);
/// A JSON pointer token: '~' and '/' escaped (RFC 6901).
std::string token(const std::string& key);
/// "a string", "an array", ... for messages.
const char* type_name(const json& v);
/// Refuses a non-object and any member not in `allowed`.
void require_object(const json& v, const std::string& path, std::initializer_list<const char*> allowed);
std::string get_string(const json& v, const std::string& path);
double get_number(const json& v, const std::string& path);
std::int64_t get_integer(const json& v, const std::string& path);
bool get_bool(const json& v, const std::string& path);
std::vector<std::string> get_strings(const json& v, const std::string& path);
std::int32_t get_region(const json& v, const std::string& path);

template <class E, std::size_t N>
inline E get_enum(const json& v, const std::string& path, const std::array<std::pair<const char*, E>, N>& names) {
  std::string text = get_string(v, path);
  std::string list;
  for (const auto& [name, value] : names) {
    if (text == name) return value;
    list += (list.empty() ? "" : ", ") + std::string(name);
  }
  bad(path, "'" + text + "' is not one of " + list);
}

inline constexpr std::array<std::pair<const char*, Facet>, 8> facet_names = {{{"tech_field", Facet::tech_field},
                                                                       {"qualification", Facet::qualification},
                                                                       {"industry", Facet::industry},
                                                                       {"grade", Facet::grade},
                                                                       {"stage", Facet::stage},
                                                                       {"province", Facet::province},
                                                                       {"zone", Facet::zone},
                                                                       {"score", Facet::score}}};
inline constexpr std::array<std::pair<const char*, SortKey>, 3> sort_names = {
    {{"score", SortKey::score}, {"name", SortKey::name}, {"region", SortKey::region}}};
inline constexpr std::array<std::pair<const char*, RankingDimension>, 2> dimension_names = {
    {{"region", RankingDimension::region}, {"zone", RankingDimension::zone}}};
inline constexpr std::array<std::pair<const char*, NodeOrder>, 5> order_names = {{{"count", NodeOrder::count},
                                                                           {"mean", NodeOrder::mean},
                                                                           {"median", NodeOrder::median},
                                                                           {"max", NodeOrder::max},
                                                                           {"key", NodeOrder::key}}};
inline constexpr std::array<std::pair<const char*, ExportFormat>, 3> format_names = {
    {{"csv", ExportFormat::csv}, {"json", ExportFormat::json}, {"xlsx", ExportFormat::xlsx}}};
inline constexpr std::array<std::pair<const char*, RankLevel>, 5> target_levels{{{"national", RankLevel::national},
                                                                          {"province", RankLevel::province},
                                                                          {"city", RankLevel::city},
                                                                          {"county", RankLevel::county},
                                                                          {"zone", RankLevel::zone}}};

/// The JSON name of a list sort.
const char* sort_name(SortKey sort);

Principal read_principal(const json& v);
Filters read_filters(const json& v);
ListRequest read_list(const json& v, bool paged);
RankingRequest read_ranking(const json& v, bool is_public);
HistogramSpec read_histogram(const json& v);
/// A what-if's changes (docs/analysis.md).
Changes read_changes(const json& v);
/// A path's target: {"score"} | {"grade"} | {"rank": {"level", "top"}}.
Target read_target(const json& v);

/// A request document, strictly: valid UTF-8 without NUL, no member repeated
/// in any object, bounded size and depth, numbers within a double's range.
json parse_request(std::string_view text);

}  // namespace cxjf::detail::request
