#include "cxjf/regions.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "cxjf/csv.hpp"
#include "cxjf/error.hpp"
#include "base/binary_io.hpp"
#include "base/embedded.hpp"

namespace cxjf {
namespace {

// Codes are six decimal digits, so a dense array indexed by the code itself
// gives O(1) lookups for 4 MB, less than a hash map of 3,348 entries costs in
// pointer chasing on every one of 520,000 rows.
constexpr std::int32_t code_limit = 1000000;

constexpr std::array<std::string_view, 4> header = {"code", "name", "level", "parent_code"};

std::string six_digits(std::int32_t code) {
  std::string text = std::to_string(code);
  return text.size() < 6 ? std::string(6 - text.size(), '0') + text : text;
}

// The code's digits, or -1 unless it is exactly six ASCII digits, not
// starting with 0 (GB/T 2260 provinces are 11 to 82).
std::int32_t parse_code(std::string_view text) {
  if (text.size() != 6 || text[0] < '1' || text[0] > '9') return -1;
  std::int32_t code = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    code = code * 10 + (c - '0');
  }
  return code;
}

const char* level_name(RegionLevel level) {
  switch (level) {
    case RegionLevel::province: return "province";
    case RegionLevel::city: return "city";
    case RegionLevel::county: return "county";
  }
  return "?";
}

// The level a code's digit pattern implies (PP0000, PPCC00, PPCCDD) and the
// parent it implies: GB/T 2260 nests codes by prefix, and checking it catches
// a row whose level or parent was mistyped.
RegionLevel level_of_pattern(std::int32_t code) {
  if (code % 10000 == 0) return RegionLevel::province;
  if (code % 100 == 0) return RegionLevel::city;
  return RegionLevel::county;
}
std::int32_t parent_of_pattern(std::int32_t code) {
  switch (level_of_pattern(code)) {
    case RegionLevel::province: return 0;
    case RegionLevel::city: return code / 10000 * 10000;
    case RegionLevel::county: return code / 100 * 100;
  }
  return 0;
}

struct Entry {
  Region region;
  std::int64_t line;
};

}  // namespace

const Regions& Regions::builtin() {
  static const Regions regions = from_csv(embedded::regions_csv(), builtin_edition);
  return regions;
}

bool Regions::is_builtin() const { return this == &builtin() || hash_ == builtin().hash_; }

std::string Regions::to_csv() const {
  std::string out = "code,name,level,parent_code\n";
  for (const Region& r : regions_) {
    out += six_digits(r.code) + ",";
    append_csv_field(out, r.name);
    out += std::string(",") + level_name(r.level) + "," + (r.parent ? six_digits(r.parent) : "") + "\n";
  }
  return out;
}

Regions Regions::from_csv(std::string_view text, std::string edition) {
  auto records = parse_csv(text);
  if (records.empty())
    throw InputError(0, "", "the region table is empty; expected the header code,name,level,parent_code");
  const auto& head = records.front();
  if (head.fields.size() != header.size() || !std::equal(header.begin(), header.end(), head.fields.begin()))
    throw InputError(head.line, "", "expected the header code,name,level,parent_code");

  std::vector<Entry> entries;
  entries.reserve(records.size() - 1);
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    const auto& f = rec.fields;
    if (f.size() != header.size())
      throw InputError(rec.line, "", "expected 4 fields, found " + std::to_string(f.size()));
    Entry e{{}, rec.line};
    e.region.code = parse_code(f[0]);
    if (e.region.code < 0) throw InputError(rec.line, "code", "'" + f[0] + "' is not a six-digit region code");
    if (f[1].empty()) throw InputError(rec.line, "name", "the name is empty");
    e.region.name = f[1];
    if (f[2] == "province") e.region.level = RegionLevel::province;
    else if (f[2] == "city") e.region.level = RegionLevel::city;
    else if (f[2] == "county") e.region.level = RegionLevel::county;
    else throw InputError(rec.line, "level", "'" + f[2] + "' is not a level: use province, city or county");
    if (level_of_pattern(e.region.code) != e.region.level)
      throw InputError(rec.line, "level", "code " + f[0] + " is a " + level_name(level_of_pattern(e.region.code)) +
                                              " code (PP0000 province, PPCC00 city, PPCCDD county), not a " + f[2]);
    std::int32_t expected_parent = parent_of_pattern(e.region.code);
    if (e.region.level == RegionLevel::province) {
      if (!f[3].empty()) throw InputError(rec.line, "parent_code", "a province has no parent; leave parent_code empty");
    } else {
      e.region.parent = parse_code(f[3]);
      if (e.region.parent < 0)
        throw InputError(rec.line, "parent_code", "'" + f[3] + "' is not a six-digit region code");
      if (e.region.parent != expected_parent)
        throw InputError(rec.line, "parent_code", "the parent of " + f[0] + " must be " + six_digits(expected_parent) +
                                                      ", the region one level up, not " + f[3]);
    }
    entries.push_back(std::move(e));
  }

  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.region.code < b.region.code; });
  Regions result;
  result.index_.assign(code_limit, 0);
  result.regions_.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto code = entries[i].region.code;
    if (i > 0 && entries[i - 1].region.code == code)
      throw InputError(entries[i].line, "code",  // the sort is stable: entries[i - 1] came first
                       "code " + six_digits(code) + " appears twice (also row " + std::to_string(entries[i - 1].line) +
                           ")");
    result.index_[static_cast<std::size_t>(code)] = static_cast<std::int32_t>(i) + 1;
    result.regions_.push_back(std::move(entries[i].region));
  }
  // Parents are checked once every row is in, so the file may list a child
  // before its parent. That the parent is one level up follows from the
  // prefix rule above and the parent's own level check.
  for (std::size_t i = 0; i < result.regions_.size(); ++i) {
    const auto& region = result.regions_[i];
    if (region.level != RegionLevel::province && !result.find(region.parent))
      throw InputError(entries[i].line, "parent_code", "parent " + six_digits(region.parent) + " is not in the table");
  }
  result.edition_ = std::move(edition);
  result.hash_ = detail::hash_bytes(result.to_csv());
  return result;
}

const Region* Regions::find(std::int32_t code) const {
  if (code < 0 || code >= static_cast<std::int32_t>(index_.size())) return nullptr;
  auto slot = index_[static_cast<std::size_t>(code)];
  return slot == 0 ? nullptr : &regions_[static_cast<std::size_t>(slot - 1)];
}

namespace {
const Region& existing(const Regions& regions, std::int32_t code) {
  const Region* region = regions.find(code);
  if (!region) throw Error(ErrorCode::invalid_argument, "unknown region code " + six_digits(code));
  return *region;
}
}  // namespace

std::int32_t Regions::province_of(std::int32_t code) const {
  const Region* region = &existing(*this, code);
  while (region->level != RegionLevel::province) region = &existing(*this, region->parent);
  return region->code;
}

std::int32_t Regions::city_of(std::int32_t code) const {
  const Region& region = existing(*this, code);
  switch (region.level) {
    case RegionLevel::province: return 0;
    case RegionLevel::city: return region.code;
    case RegionLevel::county: return region.parent;
  }
  return 0;
}

std::int32_t Regions::county_of(std::int32_t code) const {
  return existing(*this, code).level == RegionLevel::county ? code : 0;
}

bool Regions::contains(std::int32_t ancestor, std::int32_t code) const {
  for (const Region* region = find(code); region; region = region->parent ? find(region->parent) : nullptr)
    if (region->code == ancestor) return true;
  return false;
}

}  // namespace cxjf
