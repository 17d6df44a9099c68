// Rankings: nodes (regions or zones) with their counts, means, medians,
// maxima and top enterprises, from precomputed orderings or from a pass.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "cxjf/regions.hpp"
#include "overview/overview_impl.hpp"

namespace cxjf {

// ---------------------------------------------------------------------------
// Rankings

namespace {

constexpr int max_top = 100;

// 128-bit cross products compare means exactly.
__extension__ using Wide = __int128;

RankLevel level_of(NodeKind kind, std::int32_t code) {
  switch (kind) {
    case NodeKind::root: return RankLevel::national;
    case NodeKind::province: return RankLevel::province;
    case NodeKind::city: return RankLevel::city;
    case NodeKind::exact:
      return code % 10000 == 0 ? RankLevel::province : code % 100 == 0 ? RankLevel::city : RankLevel::county;
  }
  return RankLevel::national;
}

double median_of(std::int32_t* b, std::int32_t* e) {
  const auto m = e - b;
  if (m == 0) return 0;
  std::nth_element(b, b + m / 2, e);
  double hi = b[m / 2];
  if (m % 2) return hi;
  double lo = *std::max_element(b, b + m / 2);
  return (lo + hi) / 2;
}

}  // namespace

NodeStats OverviewIndex::Impl::stats_of(const Ordered& o, std::int64_t b, std::int64_t e, int top,
                                        std::int64_t top_min) const {
  NodeStats s;
  s.cell = {e - b, o.sum(b, e)};
  if (e > b) {
    s.max = o.units(b);
    const std::int64_t m = e - b;
    s.median = m % 2 ? static_cast<double>(o.units(b + m / 2))
                     : (static_cast<double>(o.units(b + m / 2 - 1)) + static_cast<double>(o.units(b + m / 2))) / 2;
  }
  for (std::int64_t k = b; k < std::min(e, b + top) && o.units(k) >= top_min; ++k) s.top.push_back(o.rows[k]);
  return s;
}

namespace detail {

RankingPlan plan_ranking(const Impl& m, const Scope& scope, const Compiled& f, const RankingRequest& request,
                         const Principal& principal) {
  RankingPlan plan;
  plan.by = request.by;
  plan.order = request.order_by;
  if (request.top < 0 || request.top > max_top) bad_request("/ranking/top", "must be 0 to " + std::to_string(max_top));
  plan.top = request.top;
  if (scope.threshold) plan.top_min = m.threshold_units;
  // Out of scope and absent give the same answer.
  auto unavailable = [&](const std::string& what) -> QueryError {
    return QueryError(QueryErrorKind::not_found, "/ranking/parent", what + " is not available to " + principal.label());
  };
  if (request.by == RankingDimension::region) {
    if (request.parent.empty()) {
      plan.parent = scope.kind == Scope::Kind::region ? scope.node : m.root();
    } else {
      const std::int32_t code = parse_region_code(request.parent);
      if (code < 0) bad_request("/ranking/parent", quoted(request.parent) + " is not a region code (six digits, e.g. 440000)");
      if (!m.regions.find(code)) throw unavailable("region " + request.parent);
      if (scope.kind == Scope::Kind::region && !m.regions.contains(scope.node.code, code))
        throw unavailable("region " + request.parent);
      plan.parent = m.node_of_region(code);
    }
    plan.children = m.children(plan.parent);
    plan.leaf = plan.children.empty();
    if (plan.leaf) plan.children.push_back(Child{plan.parent, false});
    plan.fast = !f.any() && scope.contiguous();
  } else {
    if (!request.parent.empty()) {
      plan.zone_parent = m.table.zones.find(request.parent);
      if (plan.zone_parent < 0 || (scope.kind == Scope::Kind::zone && plan.zone_parent != scope.unit))
        throw unavailable("zone " + quoted(request.parent));
    }
    plan.fast = !f.any() && scope.kind == Scope::Kind::all;
  }
  return plan;
}

namespace {

std::string region_key(const NodeRef& node) { return node.kind == NodeKind::root ? "" : six_digits(node.code); }

void label_region(const Impl& m, const Child& c, NodeStats& s) {
  s.key = region_key(c.node);
  s.level = level_of(c.node.kind, c.node.code);
  s.direct = c.direct;
  s.label = c.node.kind == NodeKind::root ? "全国" : m.region_label(c.node.code);
  if (c.direct) s.label += "（本级）";
}

NodeStats from_acc(const Impl& m, RankAcc& a, std::int32_t* units_b, std::int32_t* units_e) {
  NodeStats s;
  s.cell = a.cell;
  s.max = a.cell.count ? a.max : 0;
  s.median = median_of(units_b, units_e);
  std::sort(a.top.begin(), a.top.end());
  for (std::int32_t k : a.top) s.top.push_back(m.scores.order[static_cast<std::size_t>(k)]);
  return s;
}

// The parent of children accumulated in a pass: sums, the larger maximum,
// the median of everything, and the best of the children's best.
NodeStats merge(const Impl& m, std::vector<RankAcc>& accs, std::int32_t* units_b, std::int32_t* units_e, int top) {
  RankAcc all;
  for (RankAcc& a : accs) {
    all.cell.add(a.cell);
    all.max = std::max(all.max, a.max);
    for (std::int32_t k : a.top) push_top(all.top, k, top);
  }
  return from_acc(m, all, units_b, units_e);
}

}  // namespace

Ranking finish_ranking(const Impl& m, const RankingPlan& plan, ScanOut* out) {
  std::vector<NodeStats> nodes;
  NodeStats parent;
  if (plan.by == RankingDimension::region) {
    if (plan.fast) {
      const NodeRef& p = plan.parent;
      parent = m.stats_of(*p.ordered, p.begin, p.end, plan.top, plan.top_min);
      if (!plan.leaf)
        for (const Child& c : plan.children) {
          NodeStats s = m.stats_of(*c.node.ordered, c.node.begin, c.node.end, plan.top, plan.top_min);
          label_region(m, c, s);
          nodes.push_back(std::move(s));
        }
    } else {
      std::int32_t* units = out->units.data();
      for (std::size_t c = 0; c < plan.children.size(); ++c) {
        RankAcc& a = out->nodes[c];
        NodeStats s = from_acc(m, a, units + a.buf_begin, units + a.buf_end);
        label_region(m, plan.children[c], s);
        nodes.push_back(std::move(s));
      }
      if (plan.leaf) {
        parent = std::move(nodes.front());
        nodes.clear();
      } else {
        parent = merge(m, out->nodes, units, units + out->units.size(), plan.top);
      }
    }
    label_region(m, Child{plan.parent, false}, parent);
  } else {
    const std::size_t Z = static_cast<std::size_t>(m.table.zones.size());
    auto zone_stats = [&](std::size_t z, NodeStats s) {
      s.key = s.label = m.table.zones[static_cast<std::int32_t>(z)];
      s.level = RankLevel::zone;
      return s;
    };
    if (plan.fast) {
      if (plan.zone_parent >= 0) {
        const auto z = static_cast<std::size_t>(plan.zone_parent);
        parent = zone_stats(z, m.stats_of(m.by_zone, m.zone_offset[z], m.zone_offset[z + 1], plan.top, plan.top_min));
      } else {
        parent = m.stats_of(m.any_zone, 0, m.zone_offset[Z], plan.top, plan.top_min);
        for (std::size_t z = 0; z < Z; ++z)
          if (m.zone_offset[z + 1] > m.zone_offset[z])
            nodes.push_back(zone_stats(z, m.stats_of(m.by_zone, m.zone_offset[z], m.zone_offset[z + 1], plan.top, plan.top_min)));
      }
    } else {
      // Group the pass's (zone, units) pairs by zone for the medians.
      std::vector<std::size_t> start(Z + 1, 0);
      for (const auto& zu : out->zone_units) ++start[static_cast<std::size_t>(zu.first) + 1];
      for (std::size_t z = 0; z < Z; ++z) start[z + 1] += start[z];
      std::vector<std::int32_t> units(out->zone_units.size());
      {
        std::vector<std::size_t> next(start.begin(), start.end() - 1);
        for (const auto& zu : out->zone_units) units[next[static_cast<std::size_t>(zu.first)]++] = zu.second;
      }
      for (std::size_t z = 0; z < Z; ++z)
        if (out->nodes[z].cell.count > 0)
          nodes.push_back(zone_stats(z, from_acc(m, out->nodes[z], units.data() + start[z], units.data() + start[z + 1])));
      if (plan.zone_parent >= 0) {
        auto it = std::find_if(nodes.begin(), nodes.end(),
                               [&](const NodeStats& s) { return s.key == m.table.zones[plan.zone_parent]; });
        parent = it != nodes.end() ? std::move(*it) : zone_stats(static_cast<std::size_t>(plan.zone_parent), NodeStats{});
        nodes.clear();
      } else {
        std::vector<RankAcc> accs;
        for (const NodeStats& s : nodes) {
          RankAcc a;
          a.cell = s.cell;
          a.max = s.max;
          for (std::int32_t row : s.top) a.top.push_back(m.list_pos[static_cast<std::size_t>(row)]);
          accs.push_back(std::move(a));
        }
        parent = merge(m, accs, units.data(), units.data() + units.size(), plan.top);
      }
    }
    if (plan.zone_parent < 0) {
      parent.key = "";
      parent.label = "全部国家高新区";
      parent.level = RankLevel::national;
    }
  }

  auto to_node = [&](NodeStats& s) {
    RankingNode r;
    r.key = std::move(s.key);
    r.label = std::move(s.label);
    r.level = s.level;
    r.direct = s.direct;
    r.count = s.cell.count;
    r.mean = m.mean(s.cell);
    r.median = s.cell.count ? m.points(s.median) : 0;
    r.max = s.cell.count ? m.points(static_cast<double>(s.max)) : 0;
    for (std::int32_t row : s.top) r.top.push_back(m.listed(row, r.level));
    return r;
  };
  // Exact comparisons: means compare as cross products of integer sums.
  auto before = [&](const NodeStats& a, const NodeStats& b) {
    switch (plan.order) {
      case NodeOrder::count:
        if (a.cell.count != b.cell.count) return a.cell.count > b.cell.count;
        break;
      case NodeOrder::mean: {
        Wide x = static_cast<Wide>(a.cell.sum) * b.cell.count, y = static_cast<Wide>(b.cell.sum) * a.cell.count;
        if (x != y) return x > y;
        break;
      }
      case NodeOrder::median:
        if (a.median != b.median) return a.median > b.median;
        break;
      case NodeOrder::max:
        if (a.max != b.max) return a.max > b.max;
        break;
      case NodeOrder::key: break;
    }
    return a.key < b.key;
  };
  nodes.erase(std::remove_if(nodes.begin(), nodes.end(), [](const NodeStats& s) { return s.cell.count == 0; }), nodes.end());
  std::stable_sort(nodes.begin(), nodes.end(), before);
  Ranking r;
  r.by = plan.by;
  r.parent = to_node(parent);
  for (NodeStats& s : nodes) r.nodes.push_back(to_node(s));
  return r;
}

}  // namespace detail

}  // namespace cxjf
