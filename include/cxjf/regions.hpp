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

/// A set of regions, looked up by code: one edition of the GB/T 2260 table.
///
/// Every component takes the regions of the table it works on
/// (Table::region_table()): a deployment with a newer edition reads it with
/// from_csv and passes it where enterprises are read (CsvReadOptions,
/// TableBuilder, UploadOptions; `cxjf score --regions`), and the snapshot
/// keeps it, so that loads, queries and estimates use the same edition. The
/// generator draws from the embedded table.
class Regions {
 public:
  /// The embedded national table (31 provinces, 342 cities, 2975 counties),
  /// edition builtin_edition.
  static const Regions& builtin();
  /// The embedded table's edition.
  static constexpr const char* builtin_edition =
      "GB/T 2260 codes of the National Bureau of Statistics (china-division 2.7.0)";
  /// Parses a table with the columns code,name,level,parent_code (the
  /// embedded file's format), named `edition` (e.g. "GB/T 2260-2024").
  /// Throws InputError naming the bad row.
  static Regions from_csv(std::string_view text, std::string edition = "custom");

  /// The edition's name, as given to from_csv.
  const std::string& edition() const { return edition_; }
  /// XXH3-64 of to_csv(): equal for equal tables, whatever the rows' order
  /// in the file read.
  std::uint64_t content_hash() const { return hash_; }
  /// True when this is the embedded table (by content).
  bool is_builtin() const;
  /// The table as from_csv reads it, rows ordered by code, LF line ends.
  std::string to_csv() const;

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
  std::string edition_;
  std::uint64_t hash_ = 0;
  std::vector<Region> regions_;        // sorted by code
  std::vector<std::int32_t> index_;    // code / 1 -> position + 1, 0 absent
};

}  // namespace cxjf
