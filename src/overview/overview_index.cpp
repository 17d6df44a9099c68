// The overview index and its build: positions, region nodes with their
// precomputed cells, the orderings of every level, zones, incubators and
// name order (overview_impl.hpp describes the layout).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "overview/overview_impl.hpp"
#include "scoring/radix_sort.hpp"

namespace cxjf {

namespace {

constexpr std::int32_t region_code_limit = 1000000;  // codes are six digits

void fill_prefix(Ordered& o, std::size_t size, const std::vector<std::int64_t>& units_of_row) {
  o.prefix.assign(size + 1, 0);
  for (std::size_t k = 0; k < size; ++k)
    o.prefix[k + 1] = o.prefix[k] + units_of_row[static_cast<std::size_t>(o.rows[k])];
}

}  // namespace

// ---------------------------------------------------------------------------
// The index

std::int64_t OverviewIndex::Impl::ceil_units(double points) const {
  double t = points * scale;
  if (t < -4e18) return std::numeric_limits<std::int64_t>::min() / 2;
  if (t > 4e18) return std::numeric_limits<std::int64_t>::max() / 2;
  // A value written with the model's decimals (70, 85.5) is an exact number
  // of units; the product may miss it by an ulp, so snap to it.
  double r = std::nearbyint(t);
  if (std::fabs(t - r) <= 1e-7) return static_cast<std::int64_t>(r);
  return static_cast<std::int64_t>(std::ceil(t));
}

std::int64_t OverviewIndex::Impl::floor_units(double points) const {
  double t = points * scale;
  if (t < -4e18) return std::numeric_limits<std::int64_t>::min() / 2;
  if (t > 4e18) return std::numeric_limits<std::int64_t>::max() / 2;
  double r = std::nearbyint(t);
  if (std::fabs(t - r) <= 1e-7) return static_cast<std::int64_t>(r);
  return static_cast<std::int64_t>(std::floor(t));
}

OverviewIndex::Impl::Impl(const Snapshot& s)
    : snap(s),
      table(s.table),
      scores(s.scores),
      model(s.model),
      regions(s.table.region_table()),
      codes(s.table.credit_code),
      analyzer(s) {
  n = table.size();
  const auto un = static_cast<std::size_t>(n);
  if (scores.size() != n || scores.order.size() != un || scores.grade.size() != un || scores.stage.size() != un)
    throw Error(ErrorCode::invalid_argument, "the snapshot's scores (" + std::to_string(scores.size()) +
                                                 " rows) do not match its table (" + std::to_string(n) + " rows)");
  if (n >= std::numeric_limits<std::int32_t>::max())
    throw Error(ErrorCode::invalid_argument, "the overview index holds at most 2^31 - 2 enterprises");
  if (model.stages.size() > 255 || model.grades.size() > 127)
    throw Error(ErrorCode::invalid_argument, "the overview index supports at most 255 stages and 127 grades");
  scale = std::pow(10.0, scores.decimals);
  threshold_units = ceil_units(model.list_threshold);

  std::vector<std::int64_t> units_of_row(un);  // published units, by row
  for (std::size_t i = 0; i < un; ++i) {
    std::int64_t u = scores.published_units[i];
    if (u < std::numeric_limits<std::int32_t>::min() || u > std::numeric_limits<std::int32_t>::max())
      throw Error(ErrorCode::invalid_argument, "published score of row " + std::to_string(i) +
                                                   " is too large for the overview index");
    units_of_row[i] = u;
    if (i == 0 || u < units_min) units_min = u;
    if (i == 0 || u > units_max) units_max = u;
  }
  list_pos.resize(un);
  for (std::size_t k = 0; k < un; ++k) list_pos[static_cast<std::size_t>(scores.order[k])] = static_cast<std::int32_t>(k);

  // Positions: a counting sort of the list by region code keeps list order
  // within each code.
  constexpr std::int32_t absent = -1, present = -2;
  std::vector<std::int32_t> slot_of(region_code_limit, absent);
  for (std::size_t i = 0; i < un; ++i) {
    std::int32_t code = table.region[i];
    if (code <= 0 || code >= region_code_limit)
      throw Error(ErrorCode::invalid_argument,
                  "row " + std::to_string(i) + " has region code " + std::to_string(code) + ", not six digits");
    slot_of[static_cast<std::size_t>(code)] = present;
  }
  for (std::int32_t code = 0; code < region_code_limit; ++code)
    if (slot_of[static_cast<std::size_t>(code)] == present) {
      slot_of[static_cast<std::size_t>(code)] = static_cast<std::int32_t>(exact_codes.size());
      exact_codes.push_back(code);
    }
  const std::size_t E = exact_codes.size();
  exact_begin.assign(E + 1, 0);
  for (std::size_t i = 0; i < un; ++i) ++exact_begin[static_cast<std::size_t>(slot_of[static_cast<std::size_t>(table.region[i])]) + 1];
  for (std::size_t e = 0; e < E; ++e) exact_begin[e + 1] += exact_begin[e];
  {
    std::vector<std::int64_t> next(exact_begin.begin(), exact_begin.end() - 1);
    row_of_pos.resize(un);
    list_at.resize(un);
    for (std::size_t k = 0; k < un; ++k) {
      std::int32_t row = scores.order[k];
      auto slot = static_cast<std::size_t>(slot_of[static_cast<std::size_t>(table.region[static_cast<std::size_t>(row)])]);
      auto pos = static_cast<std::size_t>(next[slot]++);
      row_of_pos[pos] = row;
      list_at[pos] = static_cast<std::int32_t>(k);
    }
  }
  pos_of_row.resize(un);
  for (std::size_t p = 0; p < un; ++p) pos_of_row[static_cast<std::size_t>(row_of_pos[p])] = static_cast<std::int32_t>(p);

  // Cities (groups of code / 100) and provinces, as ranges of exact nodes.
  std::vector<std::int32_t> city_of_exact(E), province_of_exact(E);
  for (std::size_t e = 0; e < E; ++e) {
    std::int32_t code = exact_codes[e];
    if (city_group_codes.empty() || city_group_codes.back() != code / 100 * 100) {
      city_group_codes.push_back(code / 100 * 100);
      city_begin.push_back(exact_begin[e]);
    }
    city_of_exact[e] = static_cast<std::int32_t>(city_group_codes.size()) - 1;
    if (province_codes.empty() || province_codes.back() != code / 10000 * 10000) {
      province_codes.push_back(code / 10000 * 10000);
      province_begin.push_back(exact_begin[e]);
    }
    province_of_exact[e] = static_cast<std::int32_t>(province_codes.size()) - 1;
  }
  city_begin.push_back(n);
  province_begin.push_back(n);
  if (province_codes.size() > 255) throw Error(ErrorCode::invalid_argument, "more than 255 provinces");
  for (std::int32_t g : city_group_codes)
    if (g % 10000 != 0) city_codes.push_back(g);

  // Per position columns, filled in row order: reading the table
  // sequentially and scattering the writes is the cheaper direction.
  region_at.resize(un);
  zone_at.resize(un);
  incubator_at.resize(un);
  packed.resize(un);
  for (std::size_t i = 0; i < un; ++i) {
    const auto p = static_cast<std::size_t>(pos_of_row[i]);
    const auto e = static_cast<std::size_t>(slot_of[static_cast<std::size_t>(table.region[i])]);
    region_at[p] = table.region[i];
    zone_at[p] = table.zone[i];
    incubator_at[p] = table.incubator[i];
    Packed& k = packed[p];
    k.units = static_cast<std::int32_t>(units_of_row[i]);
    k.tech = table.tech_fields[i];
    k.qual = table.qualifications[i];
    k.industry = static_cast<std::uint8_t>(table.industry[i] < 0 ? industry_unknown : table.industry[i]);
    k.stage = static_cast<std::uint8_t>(scores.stage[i]);
    k.grade = static_cast<std::uint8_t>(scores.grade[i]);
    k.province = static_cast<std::uint8_t>(province_of_exact[e]);
  }

  // Orderings of each level: list order within each node.
  national.rows = scores.order.data();
  fill_prefix(national, un, units_of_row);
  by_exact.rows = row_of_pos.data();
  fill_prefix(by_exact, un, units_of_row);
  {
    by_city.own.resize(un);
    by_province.own.resize(un);
    std::vector<std::int64_t> next_city(city_begin.begin(), city_begin.end() - 1);
    std::vector<std::int64_t> next_province(province_begin.begin(), province_begin.end() - 1);
    for (std::size_t k = 0; k < un; ++k) {
      std::int32_t row = scores.order[k];
      auto e = static_cast<std::size_t>(slot_of[static_cast<std::size_t>(table.region[static_cast<std::size_t>(row)])]);
      by_city.own[static_cast<std::size_t>(next_city[static_cast<std::size_t>(city_of_exact[e])]++)] = row;
      by_province.own[static_cast<std::size_t>(next_province[static_cast<std::size_t>(province_of_exact[e])]++)] = row;
    }
    by_city.rows = by_city.own.data();
    by_province.rows = by_province.own.data();
    fill_prefix(by_city, un, units_of_row);
    fill_prefix(by_province, un, units_of_row);
  }

  // Precomputed cells of every region node: the facets of unfiltered queries.
  const int T = table.tech_field_names.size(), Q = table.qualification_names.size();
  const int G = static_cast<int>(model.grades.size()), S = static_cast<int>(model.stages.size());
  dense.tech = 0;
  dense.qual = T;
  dense.industry = T + Q;
  dense.grade = dense.industry + industry_buckets;
  dense.stage = dense.grade + G;
  dense.dense = dense.stage + S;
  const auto D = static_cast<std::size_t>(dense.dense);
  exact_cells.assign(E * D, {});
  for (std::size_t e = 0; e < E; ++e) {
    Cell* cells = exact_cells.data() + e * D;
    for (auto p = static_cast<std::size_t>(exact_begin[e]); p < static_cast<std::size_t>(exact_begin[e + 1]); ++p) {
      const Packed& k = packed[p];
      for (std::uint32_t t = k.tech; t; t &= t - 1) cells[dense.tech + __builtin_ctz(t)].add(k.units);
      for (std::uint32_t q = k.qual; q; q &= q - 1) cells[dense.qual + __builtin_ctz(q)].add(k.units);
      cells[dense.industry + k.industry].add(k.units);
      cells[dense.grade + k.grade].add(k.units);
      cells[dense.stage + k.stage].add(k.units);
    }
  }
  auto roll_up = [&](std::vector<Cell>& into, std::size_t groups, const std::vector<std::int32_t>& group_of_exact) {
    into.assign(groups * D, {});
    for (std::size_t e = 0; e < E; ++e)
      for (std::size_t d = 0; d < D; ++d)
        into[static_cast<std::size_t>(group_of_exact[e]) * D + d].add(exact_cells[e * D + d]);
  };
  std::vector<Cell> city_group_cells;
  roll_up(city_group_cells, city_group_codes.size(), city_of_exact);
  for (std::size_t g = 0; g < city_group_codes.size(); ++g)
    if (city_group_codes[g] % 10000 != 0)
      city_cells.insert(city_cells.end(), city_group_cells.begin() + static_cast<std::ptrdiff_t>(g * D),
                        city_group_cells.begin() + static_cast<std::ptrdiff_t>((g + 1) * D));
  roll_up(province_cells, province_codes.size(), province_of_exact);
  root_cells.assign(D, {});
  for (std::size_t p = 0; p < province_codes.size(); ++p)
    for (std::size_t d = 0; d < D; ++d) root_cells[d].add(province_cells[p * D + d]);
  zero_cells.assign(D, {});

  // Zones: ascending positions with prefix sums (a region's zone facet by
  // binary search), and list order per zone (zone rankings).
  const auto Z = static_cast<std::size_t>(table.zones.size());
  zone_offset.assign(Z + 1, 0);
  for (std::size_t p = 0; p < un; ++p)
    if (zone_at[p] >= 0) ++zone_offset[static_cast<std::size_t>(zone_at[p]) + 1];
  for (std::size_t z = 0; z < Z; ++z) zone_offset[z + 1] += zone_offset[z];
  const auto zoned = static_cast<std::size_t>(zone_offset[Z]);
  {
    zone_pos.resize(zoned);
    std::vector<std::int64_t> next(zone_offset.begin(), zone_offset.end() - 1);
    for (std::size_t p = 0; p < un; ++p)
      if (zone_at[p] >= 0) zone_pos[static_cast<std::size_t>(next[static_cast<std::size_t>(zone_at[p])]++)] = static_cast<std::int32_t>(p);
    zone_pos_prefix.assign(zoned + 1, 0);
    for (std::size_t k = 0; k < zoned; ++k) zone_pos_prefix[k + 1] = zone_pos_prefix[k] + packed[static_cast<std::size_t>(zone_pos[k])].units;
    by_zone.own.resize(zoned);
    any_zone.own.reserve(zoned);
    std::vector<std::int64_t> next_by_score(zone_offset.begin(), zone_offset.end() - 1);
    for (std::size_t k = 0; k < un; ++k) {
      std::int32_t row = scores.order[k];
      std::int32_t z = table.zone[static_cast<std::size_t>(row)];
      if (z < 0) continue;
      by_zone.own[static_cast<std::size_t>(next_by_score[static_cast<std::size_t>(z)]++)] = row;
      any_zone.own.push_back(row);
    }
    by_zone.rows = by_zone.own.data();
    any_zone.rows = any_zone.own.data();
    fill_prefix(by_zone, zoned, units_of_row);
    fill_prefix(any_zone, zoned, units_of_row);
  }
  const auto I = static_cast<std::size_t>(table.incubators.size());
  incubator_offset.assign(I + 1, 0);
  for (std::size_t p = 0; p < un; ++p)
    if (incubator_at[p] >= 0) ++incubator_offset[static_cast<std::size_t>(incubator_at[p]) + 1];
  for (std::size_t i = 0; i < I; ++i) incubator_offset[i + 1] += incubator_offset[i];
  {
    incubator_pos.resize(static_cast<std::size_t>(incubator_offset[I]));
    std::vector<std::int64_t> next(incubator_offset.begin(), incubator_offset.end() - 1);
    for (std::size_t p = 0; p < un; ++p)
      if (incubator_at[p] >= 0)
        incubator_pos[static_cast<std::size_t>(next[static_cast<std::size_t>(incubator_at[p])]++)] = static_cast<std::int32_t>(p);
  }

  // Name order: two stable radix sorts on the first 16 bytes of each name,
  // starting from list order, leave equal prefixes in list order; only runs
  // sharing 16 bytes are compared in full. Keys are read in row order,
  // where the strings lie in memory order, then gathered.
  {
    std::vector<std::uint64_t> head(un), tail(un);
    for (std::size_t i = 0; i < un; ++i) {
      const std::string& name = table.name[i];
      unsigned char bytes[16] = {};
      std::memcpy(bytes, name.data(), std::min<std::size_t>(16, name.size()));
      std::uint64_t h = 0, t = 0;
      for (int b = 0; b < 8; ++b) {
        h = h << 8 | bytes[b];
        t = t << 8 | bytes[8 + b];
      }
      head[i] = h;
      tail[i] = t;
    }
    std::vector<std::uint32_t> rows(un), row_tmp(un);
    std::vector<std::uint64_t> keys(un), key_tmp(un);
    for (std::size_t k = 0; k < un; ++k) {
      rows[k] = static_cast<std::uint32_t>(scores.order[k]);
      keys[k] = tail[rows[k]];
    }
    detail::radix_sort(keys.data(), rows.data(), un, key_tmp.data(), row_tmp.data());
    for (std::size_t k = 0; k < un; ++k) keys[k] = head[rows[k]];
    detail::radix_sort(keys.data(), rows.data(), un, key_tmp.data(), row_tmp.data());
    for (std::size_t a = 0; a < un;) {
      std::size_t e = a + 1;
      while (e < un && keys[e] == keys[a] && tail[rows[e]] == tail[rows[a]]) ++e;
      if (e - a > 1)
        std::stable_sort(rows.begin() + static_cast<std::ptrdiff_t>(a), rows.begin() + static_cast<std::ptrdiff_t>(e),
                         [&](std::uint32_t x, std::uint32_t y) { return table.name[x] < table.name[y]; });
      a = e;
    }
    name_order.resize(un);
    name_pos.resize(un);
    for (std::size_t k = 0; k < un; ++k) {
      name_order[k] = static_cast<std::int32_t>(rows[k]);
      name_pos[rows[k]] = static_cast<std::int32_t>(k);
    }
  }
  for (std::int32_t g : scores.peer_group)
    if (g >= 0) {
      if (static_cast<std::size_t>(g) >= peer_group_size.size()) peer_group_size.resize(static_cast<std::size_t>(g) + 1, 0);
      ++peer_group_size[static_cast<std::size_t>(g)];
    }
  exact_names.reserve(E);
  for (std::int32_t code : exact_codes) exact_names.push_back(full_region_name(code));
}

std::size_t OverviewIndex::Impl::bytes() const {
  auto v = [](const auto& vec) { return vec.capacity() * sizeof(vec[0]); };
  std::size_t b = v(row_of_pos) + v(pos_of_row) + v(list_at) + v(list_pos) + v(region_at) +
                  v(zone_at) + v(incubator_at) + v(packed) + v(exact_codes) + v(exact_begin) + v(city_codes) +
                  v(province_codes) + v(city_begin) + v(province_begin) + v(city_group_codes) + v(root_cells) +
                  v(province_cells) + v(city_cells) + v(exact_cells) + v(zone_offset) + v(zone_pos) +
                  v(zone_pos_prefix) + v(incubator_offset) + v(incubator_pos) + v(name_order) + v(name_pos) +
                  v(peer_group_size);
  b += national.bytes() + by_province.bytes() + by_city.bytes() + by_exact.bytes() + by_zone.bytes() + any_zone.bytes();
  for (const auto& s : exact_names) b += s.capacity() + sizeof s;
  b += static_cast<std::size_t>(n) * 12;  // the credit-code index: a hash and a row each
  return b;
}

}  // namespace cxjf
