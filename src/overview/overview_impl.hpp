// Internal to src/overview/: the overview index's shared declarations (the
// Impl of OverviewIndex and the types its parts pass around), for the files
// that implement it:
//   overview.cpp           names, the public API, OverviewIndex::query
//   overview_index.cpp     the index and its build
//   overview_regions.cpp   region nodes, their children and labels
//   overview_scope.cpp     the principal's scope and the compiled filters
//   overview_facets.cpp    facet layout, histogram bins, unfiltered facets, facet answers
//   overview_scan.cpp      the one pass of filtered queries
//   overview_rankings.cpp  rankings
//   overview_list.cpp      list items, list pages and the export
//   overview_detail.cpp    one enterprise's detail
//   overview_public.cpp    what the public may learn
//
// The overview index. Rows are laid out once in "position" order: by region
// code, then list order. Every region (province PP0000..PP9999, city
// PPCC00..PPCC99, county) is then one contiguous range of positions, and so
// is every child of a region, in code order. Unfiltered queries read
// precomputed per-region cells and per-level orderings with prefix sums;
// filtered ones make one pass over the scope's positions.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cxjf/analysis.hpp"
#include "cxjf/overview.hpp"
#include "table/code_index.hpp"

namespace cxjf::detail {

constexpr int industry_unknown = industry_count;  // the bucket after 'T'
constexpr int industry_buckets = industry_count + 1;

constexpr int bit(Facet f) { return 1 << static_cast<int>(f); }

// A count and a sum of published units: every bucket's count and mean,
// exactly (integers add without rounding, so every path gives equal means).
struct Cell {
  std::int64_t count = 0;
  std::int64_t sum = 0;
  void add(std::int64_t units) {
    ++count;
    sum += units;
  }
  void add(const Cell& c) {
    count += c.count;
    sum += c.sum;
  }
};

// What a filtered pass reads of a position, in 16 bytes so a national pass
// streams 8 MB.
struct Packed {
  std::int32_t units;
  std::uint32_t tech;
  std::uint32_t qual;
  std::uint8_t industry;  // 0..19, industry_unknown
  std::uint8_t stage;
  std::uint8_t grade;
  std::uint8_t province;  // index into Impl::province_codes
};
static_assert(sizeof(Packed) == 16, "Packed must stay 16 bytes");

// Rows in list order within each node of one level, with prefix sums of
// their published units, indexed like positions: a node is a range [b, e),
// and its count, sum, maximum, median, top rows and histogram come from the
// range by arithmetic and binary search, without a pass.
struct Ordered {
  std::vector<std::int32_t> own;  // storage, unless rows points elsewhere
  const std::int32_t* rows = nullptr;
  std::vector<std::int64_t> prefix;  // size + 1

  std::int64_t units(std::int64_t k) const {
    return prefix[static_cast<std::size_t>(k) + 1] - prefix[static_cast<std::size_t>(k)];
  }
  std::int64_t sum(std::int64_t b, std::int64_t e) const {
    return prefix[static_cast<std::size_t>(e)] - prefix[static_cast<std::size_t>(b)];
  }
  // Rows of [b, e) with at least u units: a prefix of the range, scores descending.
  std::int64_t count_at_least(std::int64_t b, std::int64_t e, std::int64_t u) const {
    std::int64_t lo = b, hi = e;
    while (lo < hi) {
      std::int64_t mid = lo + (hi - lo) / 2;
      if (units(mid) >= u) lo = mid + 1;
      else hi = mid;
    }
    return lo - b;
  }
  std::size_t bytes() const { return own.capacity() * 4 + prefix.capacity() * 8; }
};

enum class NodeKind : std::uint8_t { root, province, city, exact };

// A region node: its range of positions, the ordering its level uses and
// its precomputed cells.
struct NodeRef {
  NodeKind kind = NodeKind::root;
  std::int32_t code = 0;
  std::int64_t begin = 0, end = 0;
  const Ordered* ordered = nullptr;
  const Cell* cells = nullptr;
};

struct Child {
  NodeRef node;
  bool direct = false;  // the parent's own code (本级)
};

// The principal resolved against the index.
struct Scope {
  enum class Kind { all, region, zone, incubator, enterprise } kind = Kind::all;
  NodeRef node;                              // all, region
  const std::int32_t* positions = nullptr;   // zone, incubator: ascending positions
  std::int64_t count = 0;
  std::int32_t unit = -1;                    // zone or incubator code; -1 none in the snapshot
  std::int64_t row = -1;                     // enterprise: its row, -1 not in the snapshot
  RankLevel level = RankLevel::national;     // rank level of the principal's unit
  bool threshold = false;                    // region roles: lists hold only scores >= the list threshold
  bool is_public = false;

  bool contiguous() const { return kind == Kind::all || kind == Kind::region; }
};

// Filters turned into masks and ranges over the index's codes.
struct Compiled {
  std::uint32_t active = 0;  // bit(Facet) of each facet with a selection
  std::vector<std::pair<std::int64_t, std::int64_t>> ranges;  // regions: position ranges, sorted, merged
  std::vector<std::int32_t> region_codes;                     // as given (for `selected`)
  std::vector<std::uint8_t> zone_ok;                          // [zone + 1]
  std::vector<std::uint8_t> incubator_ok;                     // [incubator + 1]; empty: no incubator filter
  std::uint32_t tech = 0, qual = 0;
  std::array<std::uint8_t, industry_buckets> industry{};
  std::vector<std::uint8_t> grade, stage;
  std::int64_t min_units = std::numeric_limits<std::int64_t>::min();
  std::int64_t max_units = std::numeric_limits<std::int64_t>::max();
  std::string name;
  std::vector<std::uint64_t> name_bits;  // over positions, when name is set

  bool any() const { return active != 0 || !incubator_ok.empty() || !name.empty(); }
};

// Where each facet's buckets sit in a flat array of cells.
struct Layout {
  int tech = 0, qual = 0, industry = 0, grade = 0, stage = 0, dense = 0;  // precomputed per region node
  int province = 0, zone = 0, hist = 0, size = 0;
};

// Histogram bins in published units: bin i holds [lo[i], lo[i+1]), the last
// [lo.back(), last_max].
struct Bins {
  std::vector<double> edges;
  std::vector<std::int64_t> lo;
  std::int64_t last_max = 0;
  std::vector<std::int32_t> lut;  // units - lut_min -> bin or -1
  std::int64_t lut_min = 0;

  int bin_of(std::int64_t u) const {
    if (!lut.empty()) return lut[static_cast<std::size_t>(u - lut_min)];
    if (lo.empty() || u < lo.front() || u > last_max) return -1;
    return static_cast<int>(std::upper_bound(lo.begin(), lo.end(), u) - lo.begin()) - 1;
  }
};

// Facet cells however they were computed.
struct FacetData {
  std::int64_t total = 0;
  std::vector<Cell> cells;
  std::array<Cell, facet_count> totals{};
};

// One ranking node's numbers however they were computed.
struct NodeStats {
  std::string key, label;
  RankLevel level = RankLevel::national;
  bool direct = false;
  Cell cell;
  std::int64_t max = 0;
  double median = 0;  // in units
  std::vector<std::int32_t> top;  // rows, list order
};

// A ranking node during a pass.
struct RankAcc {
  Cell cell;
  std::int64_t max = std::numeric_limits<std::int64_t>::min();
  std::vector<std::int32_t> top;  // max-heap of list positions: the worst kept on top
  std::size_t buf_begin = 0, buf_end = 0;
};

inline void push_top(std::vector<std::int32_t>& heap, std::int32_t list_position, int n) {
  if (static_cast<int>(heap.size()) < n) {
    heap.push_back(list_position);
    std::push_heap(heap.begin(), heap.end());
  } else if (list_position < heap.front()) {
    std::pop_heap(heap.begin(), heap.end());
    heap.back() = list_position;
    std::push_heap(heap.begin(), heap.end());
  }
}

// What one pass computes.
struct ScanSpec {
  bool facets = false;
  std::array<bool, facet_count> want{};
  bool list = false;
  std::int64_t list_min = std::numeric_limits<std::int64_t>::min();
  SortKey sort = SortKey::score;
  enum class Rank { none, region, zone } rank = Rank::none;
  std::vector<Child> children;  // region: contiguous, covering [parent_begin, parent_end)
  std::int64_t parent_begin = 0, parent_end = 0;
  std::int32_t zone_parent = -1;  // zone: -1 all zones
  int top = 0;
  std::int64_t top_min = std::numeric_limits<std::int64_t>::min();
};

struct ScanOut {
  FacetData facets;
  std::vector<std::uint64_t> list_bits;
  std::int64_t list_count = 0;
  std::vector<RankAcc> nodes;  // region: per child; zone: per zone
  std::vector<std::int32_t> units;
  std::vector<std::pair<std::int32_t, std::int32_t>> zone_units;  // zone: (zone, units)
};

inline std::string six_digits(std::int32_t code) {
  std::string text = std::to_string(code);
  return text.size() < 6 ? std::string(6 - text.size(), '0') + text : text;
}

// Six ASCII digits, or -1.
inline std::int32_t parse_region_code(std::string_view text) {
  if (text.size() != 6) return -1;
  std::int32_t code = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    code = code * 10 + (c - '0');
  }
  return code;
}

[[noreturn]] inline void bad_request(const std::string& path, const std::string& message) {
  throw QueryError(QueryErrorKind::bad_request, path, path.empty() ? message : path + ": " + message);
}
[[noreturn]] inline void forbidden(const std::string& message) { throw QueryError(QueryErrorKind::forbidden, "", message); }

inline std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// Indexes of the set bits of `bits` in ascending or descending order,
// skipping the first `skip` and stopping after `take`.
template <class Each>
void for_each_bit(const std::vector<std::uint64_t>& bits, bool backwards, std::int64_t skip, std::int64_t take, Each each) {
  const std::size_t words = bits.size();
  for (std::size_t step = 0; step < words && take > 0; ++step) {
    const std::size_t w = backwards ? words - 1 - step : step;
    std::uint64_t word = bits[w];
    const int ones = __builtin_popcountll(word);
    if (skip >= ones) {  // whole words at a time: paging deep into a list stays cheap
      skip -= ones;
      continue;
    }
    while (word && take > 0) {
      const int b = backwards ? 63 - __builtin_clzll(word) : __builtin_ctzll(word);
      word &= ~(std::uint64_t{1} << b);
      if (skip > 0) {
        --skip;
        continue;
      }
      each(static_cast<std::int64_t>(w * 64 + static_cast<std::size_t>(b)));
      --take;
    }
  }
}

inline bool default_descending(SortKey sort) { return sort == SortKey::score; }

}  // namespace cxjf::detail

namespace cxjf {

// The files of src/overview/ use the names above unqualified, as they did
// when these lay in one file's anonymous namespace.
using namespace detail;

// ---------------------------------------------------------------------------
// The index

struct OverviewIndex::Impl {
  const Snapshot& snap;
  const Table& table;
  const Scores& scores;
  const Model& model;
  const Regions& regions;
  std::int64_t n = 0;
  double scale = 1;  // 10^decimals
  std::int64_t threshold_units = 0;
  std::int64_t units_min = 0, units_max = 0;

  // Positions: rows by region code, then list order.
  std::vector<std::int32_t> row_of_pos, pos_of_row, list_at, list_pos, region_at, zone_at, incubator_at;
  std::vector<Packed> packed;

  // Region nodes. Exact nodes are the distinct region codes of the table
  // (counties, and cities or provinces where enterprises sit at that code).
  std::vector<std::int32_t> exact_codes;   // ascending
  std::vector<std::int64_t> exact_begin;   // positions, size + 1
  std::vector<std::string> exact_names;    // full names, "广东省深圳市南山区"
  std::vector<std::int32_t> city_codes, province_codes;  // nodes with enterprises, ascending
  std::vector<std::int64_t> city_begin, province_begin;  // size + 1 (city: groups of code / 100, PP00 included)
  std::vector<std::int32_t> city_group_codes;            // code / 100 * 100 of every city group
  Layout dense;                                          // the precomputed part of a layout
  std::vector<Cell> root_cells, province_cells, city_cells, exact_cells;
  std::vector<Cell> zero_cells;
  Ordered national, by_province, by_city, by_exact;

  // Zones and incubators.
  std::vector<std::int64_t> zone_offset;   // Z + 1
  std::vector<std::int32_t> zone_pos;      // ascending positions per zone
  std::vector<std::int64_t> zone_pos_prefix;
  Ordered by_zone;                         // per zone, list order (same offsets)
  Ordered any_zone;                        // every enterprise in a zone, list order
  std::vector<std::int64_t> incubator_offset;
  std::vector<std::int32_t> incubator_pos;

  // Names in sort order: rows by name (then list order), and each row's place.
  std::vector<std::int32_t> name_order, name_pos;

  std::vector<std::int64_t> peer_group_size;
  detail::CodeIndex codes;
  Analyzer analyzer;  // reasons, what-if and paths of one enterprise (overview_analysis.cpp)

  explicit Impl(const Snapshot& s);

  // -- units
  std::int64_t ceil_units(double points) const;
  std::int64_t floor_units(double points) const;
  double points(double units) const { return units / scale; }
  double mean(const Cell& c) const { return c.count ? points(static_cast<double>(c.sum) / static_cast<double>(c.count)) : 0; }

  // -- regions
  std::int64_t lower(std::int32_t code) const {
    return std::lower_bound(region_at.begin(), region_at.end(), code) - region_at.begin();
  }
  NodeRef root() const;
  NodeRef node(NodeKind kind, std::int32_t code) const;
  NodeRef node_of_region(std::int32_t code) const;
  std::vector<Child> children(const NodeRef& parent) const;
  // What the public may see (docs/overview.md): computed once, on first use.
  struct PublicCells {
    std::vector<bool> province;  // by province slot
    std::vector<bool> zone;      // by zone code
    bool any_zone = false;       // the zone ranking's parent, all zones together
    std::vector<bool> bin;       // bins of public_histogram_width
    std::vector<bool> grade;     // by grade index
  };
  mutable std::once_flag public_once;
  mutable PublicCells public_cells_;
  const PublicCells& public_cells() const;
  std::string region_label(std::int32_t code) const;
  std::string full_region_name(std::int32_t code) const;
  int exact_slot(std::int32_t code) const;
  int province_slot(std::int32_t code) const;

  // -- queries
  Scope scope_of(const Principal& principal) const;
  Compiled compile(const Filters& filters, const Scope& scope) const;
  Layout layout_for(std::size_t bins) const;
  Bins bins_for(const HistogramSpec& spec) const;
  FacetData fast_facets(const NodeRef& node, const Layout& layout, const Bins& bins) const;
  void scan(const Scope& scope, const Compiled& f, const ScanSpec& spec, const Layout& layout, const Bins& bins,
            ScanOut& out) const;
  template <class Position>
  void scan_rows(std::int64_t count, Position position, const Compiled& f, const ScanSpec& spec, const Layout& layout,
                 const Bins& bins, ScanOut& out) const;
  /// The row of the enterprise with `credit_code` if `principal` may see
  /// it; else QueryError not_found, one message whether the code is absent
  /// or out of scope (forbidden for the public).
  std::int64_t visible_row(const Principal& principal, std::string_view credit_code) const;
  std::int64_t sort_index(std::int64_t pos, SortKey sort) const;
  std::int32_t row_at_index(std::int64_t index, SortKey sort) const;
  NodeStats stats_of(const Ordered& o, std::int64_t b, std::int64_t e, int top, std::int64_t top_min) const;
  ListedEnterprise listed(std::int32_t row, RankLevel level) const;
  std::vector<std::int32_t> list_rows(const Scope& scope, const Compiled& f, const ListRequest& request, bool all,
                                      std::int64_t& total) const;
  void assemble_facets(const FacetData& d, const Layout& layout, const Bins& bins, const OverviewRequest& request,
                       const Compiled& f, OverviewAnswer& answer) const;
  std::size_t bytes() const;
};

}  // namespace cxjf

namespace cxjf::detail {

using Impl = OverviewIndex::Impl;

// What a ranking needs, resolved against the scope.
struct RankingPlan {
  RankingDimension by = RankingDimension::region;
  int top = 0;
  std::int64_t top_min = std::numeric_limits<std::int64_t>::min();
  NodeOrder order = NodeOrder::count;
  NodeRef parent;                // region
  std::vector<Child> children;   // region; the parent itself when it has none (leaf)
  bool leaf = false;
  std::int32_t zone_parent = -1;  // zone: -1 all zones
  bool fast = false;
};

// Rankings (overview_rankings.cpp): the plan checks the request against the
// scope; the ranking is finished from precomputed orderings (a fast plan) or
// from a pass's accumulators.
RankingPlan plan_ranking(const Impl& m, const Scope& scope, const Compiled& f, const RankingRequest& request,
                         const Principal& principal);
Ranking finish_ranking(const Impl& m, const RankingPlan& plan, ScanOut* out);

// What the public may learn (overview_public.cpp): applies the public's
// disclosure rule to an answer of national tabulations.
void disclose(const Impl& m, const RankingPlan* plan, OverviewAnswer& a);

}  // namespace cxjf::detail
