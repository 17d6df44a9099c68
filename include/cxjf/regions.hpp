// cxjf: the region dictionary (GB/T 2260 administrative divisions). The
// library embeds the national table; a deployment may load a newer one,
// because codes change when counties merge or split.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cxjf {

/// The level of an administrative division.
enum class RegionLevel : std::uint8_t { province, city, county };

/// One administrative division.
struct Region {
  std::int32_t code = 0;    ///< six digits: PP0000, PPCC00 or PPCCDD
  std::string name;         ///< official Chinese name
  RegionLevel level = RegionLevel::province;
  std::int32_t parent = 0;  ///< the code one level up, 0 for a province
};

/// A set of regions, looked up by code.
class Regions {
 public:
  /// The embedded national table (31 provinces, 342 cities, 2975 counties).
  static const Regions& builtin();
  /// Parses a table with the columns code,name,level,parent_code (the
  /// embedded file's format). Throws InputError naming the bad row.
  static Regions from_csv(std::string_view text);

  /// The region with this code, or nullptr.
  const Region* find(std::int32_t code) const;
  /// The province containing `code` (which must exist).
  std::int32_t province_of(std::int32_t code) const;
  /// The city containing `code`, the code itself for a city, 0 for a province.
  std::int32_t city_of(std::int32_t code) const;
  /// The county `code` is, or 0 when it is a city or a province.
  std::int32_t county_of(std::int32_t code) const;
  /// True when `code` lies in (or is) `ancestor`.
  bool contains(std::int32_t ancestor, std::int32_t code) const;
  /// Every region, ordered by code.
  const std::vector<Region>& all() const { return regions_; }

 private:
  std::vector<Region> regions_;        // sorted by code
  std::vector<std::int32_t> index_;    // code / 1 -> position + 1, 0 absent
};

}  // namespace cxjf
