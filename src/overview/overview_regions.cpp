// Region nodes of the overview index: the nation, provinces, cities and
// exact codes as ranges of positions, their children, and their names.
#include <algorithm>
#include <string>
#include <vector>

#include "cxjf/regions.hpp"
#include "overview/overview_impl.hpp"

namespace cxjf {

namespace {

// GB/T 2260 placeholders that are not places: 市辖区, 县, 省直辖县级行政区划.
bool placeholder(const std::string& name) {
  const std::string direct = "直辖县级行政区划";
  return name == "市辖区" || name == "县" ||
         (name.size() >= direct.size() && name.compare(name.size() - direct.size(), direct.size(), direct) == 0);
}

}  // namespace

// ---------------------------------------------------------------------------
// Regions

NodeRef OverviewIndex::Impl::root() const {
  NodeRef r;
  r.kind = NodeKind::root;
  r.begin = 0;
  r.end = n;
  r.ordered = &national;
  r.cells = root_cells.data();
  return r;
}

NodeRef OverviewIndex::Impl::node(NodeKind kind, std::int32_t code) const {
  if (kind == NodeKind::root) return root();
  const auto D = static_cast<std::size_t>(dense.dense);
  NodeRef r;
  r.kind = kind;
  r.code = code;
  r.cells = zero_cells.data();
  auto find_cells = [&](const std::vector<std::int32_t>& codes, const std::vector<Cell>& cells) {
    auto it = std::lower_bound(codes.begin(), codes.end(), code);
    if (it != codes.end() && *it == code) r.cells = cells.data() + static_cast<std::size_t>(it - codes.begin()) * D;
  };
  switch (kind) {
    case NodeKind::province:
      r.begin = lower(code);
      r.end = lower(code + 10000);
      r.ordered = &by_province;
      find_cells(province_codes, province_cells);
      break;
    case NodeKind::city:
      r.begin = lower(code);
      r.end = lower(code + 100);
      r.ordered = &by_city;
      find_cells(city_codes, city_cells);
      break;
    case NodeKind::exact:
    case NodeKind::root:
      r.begin = lower(code);
      r.end = lower(code + 1);
      r.ordered = &by_exact;
      find_cells(exact_codes, exact_cells);
      break;
  }
  return r;
}

NodeRef OverviewIndex::Impl::node_of_region(std::int32_t code) const {
  const Region* region = regions.find(code);
  switch (region ? region->level : RegionLevel::county) {
    case RegionLevel::province: return node(NodeKind::province, code);
    case RegionLevel::city: return node(NodeKind::city, code);
    case RegionLevel::county: break;
  }
  return node(NodeKind::exact, code);
}

std::vector<Child> OverviewIndex::Impl::children(const NodeRef& parent) const {
  std::vector<Child> out;
  if (parent.kind == NodeKind::exact) return out;
  auto it = std::lower_bound(exact_codes.begin(), exact_codes.end(), parent.kind == NodeKind::root ? 0 : parent.code);
  while (it != exact_codes.end()) {
    const std::int32_t code = *it;
    if (exact_begin[static_cast<std::size_t>(it - exact_codes.begin())] >= parent.end) break;
    Child c;
    switch (parent.kind) {
      case NodeKind::root: c.node = node(NodeKind::province, code / 10000 * 10000); break;
      case NodeKind::province:
        if (code == parent.code) {
          c.node = node(NodeKind::exact, code);
          c.direct = true;
        } else {
          c.node = node(NodeKind::city, code / 100 * 100);
        }
        break;
      case NodeKind::city:
        c.node = node(NodeKind::exact, code);
        c.direct = code == parent.code;
        break;
      case NodeKind::exact: break;
    }
    out.push_back(c);
    // On to the first exact code past this child.
    it = exact_codes.begin() + (std::lower_bound(exact_begin.begin(), exact_begin.end() - 1, c.node.end) - exact_begin.begin());
  }
  return out;
}

// The name a ranking shows for a region: its own, with its parent's in front
// where GB/T 2260 names a city-level unit only 市辖区 or 县 (重庆市 has both).
std::string OverviewIndex::Impl::region_label(std::int32_t code) const {
  const Region* region = regions.find(code);
  if (!region) return six_digits(code);
  if ((region->name == "市辖区" || region->name == "县") && region->parent) return full_region_name(region->parent) + region->name;
  return region->name;
}

std::string OverviewIndex::Impl::full_region_name(std::int32_t code) const {
  std::string name;
  for (const Region* r = regions.find(code); r; r = r->parent ? regions.find(r->parent) : nullptr)
    if (!placeholder(r->name)) name.insert(0, r->name);
  return name.empty() ? six_digits(code) : name;
}

int OverviewIndex::Impl::exact_slot(std::int32_t code) const {
  auto it = std::lower_bound(exact_codes.begin(), exact_codes.end(), code);
  return it != exact_codes.end() && *it == code ? static_cast<int>(it - exact_codes.begin()) : -1;
}

int OverviewIndex::Impl::province_slot(std::int32_t code) const {
  auto it = std::lower_bound(province_codes.begin(), province_codes.end(), code);
  return it != province_codes.end() && *it == code ? static_cast<int>(it - province_codes.begin()) : -1;
}

}  // namespace cxjf
