// The overview index. Rows are laid out once in "position" order: by region
// code, then list order. Every region (province PP0000..PP9999, city
// PPCC00..PPCC99, county) is then one contiguous range of positions, and so
// is every child of a region, in code order. Unfiltered queries read
// precomputed per-region cells and per-level orderings with prefix sums;
// filtered ones make one pass over the scope's positions.
#include "cxjf/overview.hpp"

#include <algorithm>
#include <charconv>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <numeric>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "table/code_index.hpp"
#include "cxjf/credit_code.hpp"
#include "cxjf/csv.hpp"
#include "cxjf/regions.hpp"
#include "overview/disclosure.hpp"
#include "scoring/radix_sort.hpp"
#include "xlsx/writer.hpp"

namespace cxjf {

// ---------------------------------------------------------------------------
// Names

QueryError::QueryError(QueryErrorKind kind, std::string path, const std::string& message)
    : Error(kind == QueryErrorKind::not_found   ? ErrorCode::not_found
            : kind == QueryErrorKind::forbidden ? ErrorCode::forbidden
                                                : ErrorCode::invalid_argument,
            message),
      kind_(kind),
      path_(std::move(path)) {}

const char* query_error_kind_name(QueryErrorKind kind) {
  switch (kind) {
    case QueryErrorKind::bad_request: return "bad_request";
    case QueryErrorKind::forbidden: return "forbidden";
    case QueryErrorKind::not_found: return "not_found";
  }
  return "";
}

const char* facet_name(Facet facet) {
  switch (facet) {
    case Facet::tech_field: return "tech_field";
    case Facet::qualification: return "qualification";
    case Facet::industry: return "industry";
    case Facet::grade: return "grade";
    case Facet::stage: return "stage";
    case Facet::province: return "province";
    case Facet::zone: return "zone";
    case Facet::score: return "score";
  }
  return "";
}

bool Filters::empty() const {
  return regions.empty() && zones.empty() && incubators.empty() && tech_fields.empty() && industries.empty() &&
         stages.empty() && grades.empty() && qualifications.empty() && !min_score && !max_score &&
         name_contains.empty();
}

namespace {

constexpr int industry_unknown = industry_count;  // the bucket after 'T'
constexpr int industry_buckets = industry_count + 1;
constexpr std::int32_t region_code_limit = 1000000;  // codes are six digits
constexpr int max_top = 100;
constexpr std::int64_t max_page_size = 1000;
constexpr std::size_t max_edges = 1001;
constexpr std::int64_t lut_limit = std::int64_t{1} << 22;  // histogram lookup table, entries

// 128-bit cross products compare means exactly.
__extension__ using Wide = __int128;

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

void fill_prefix(Ordered& o, std::size_t size, const std::vector<std::int64_t>& units_of_row) {
  o.prefix.assign(size + 1, 0);
  for (std::size_t k = 0; k < size; ++k)
    o.prefix[k + 1] = o.prefix[k] + units_of_row[static_cast<std::size_t>(o.rows[k])];
}

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

double median_of(std::int32_t* b, std::int32_t* e) {
  const auto m = e - b;
  if (m == 0) return 0;
  std::nth_element(b, b + m / 2, e);
  double hi = b[m / 2];
  if (m % 2) return hi;
  double lo = *std::max_element(b, b + m / 2);
  return (lo + hi) / 2;
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

std::string six_digits(std::int32_t code) {
  std::string text = std::to_string(code);
  return text.size() < 6 ? std::string(6 - text.size(), '0') + text : text;
}

// Six ASCII digits, or -1.
std::int32_t parse_region_code(std::string_view text) {
  if (text.size() != 6) return -1;
  std::int32_t code = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    code = code * 10 + (c - '0');
  }
  return code;
}

// GB/T 2260 placeholders that are not places: 市辖区, 县, 省直辖县级行政区划.
bool placeholder(const std::string& name) {
  const std::string direct = "直辖县级行政区划";
  return name == "市辖区" || name == "县" ||
         (name.size() >= direct.size() && name.compare(name.size() - direct.size(), direct.size(), direct) == 0);
}

[[noreturn]] void bad_request(const std::string& path, const std::string& message) {
  throw QueryError(QueryErrorKind::bad_request, path, path.empty() ? message : path + ": " + message);
}
[[noreturn]] void forbidden(const std::string& message) { throw QueryError(QueryErrorKind::forbidden, "", message); }

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

}  // namespace

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
    : snap(s), table(s.table), scores(s.scores), model(s.model), regions(s.table.region_table()), codes(s.table.credit_code) {
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

// ---------------------------------------------------------------------------
// Facets

Layout OverviewIndex::Impl::layout_for(std::size_t bins) const {
  Layout l = dense;
  l.province = l.dense;
  l.zone = l.province + static_cast<int>(province_codes.size());
  l.hist = l.zone + table.zones.size();
  l.size = l.hist + static_cast<int>(bins);
  return l;
}

Bins OverviewIndex::Impl::bins_for(const HistogramSpec& spec) const {
  Bins b;
  if (spec.edges.empty()) {
    if (!(spec.width > 0) || !std::isfinite(spec.width)) bad_request("/histogram/width", "must be a number above 0");
    const double top = model.scale.total_max;
    if (top / spec.width > static_cast<double>(max_edges - 1))
      bad_request("/histogram/width", "makes more than " + std::to_string(max_edges - 1) + " bins");
    // Edges as multiples of the width, so 0.1 x 7 does not drift.
    for (std::size_t i = 0;; ++i) {
      double e = spec.width * static_cast<double>(i);
      if (e >= top - 1e-9 * std::max(1.0, top)) {
        b.edges.push_back(top);
        break;
      }
      b.edges.push_back(e);
    }
    if (b.edges.size() < 2) b.edges.insert(b.edges.begin(), 0.0);
  } else {
    if (spec.edges.size() < 2 || spec.edges.size() > max_edges)
      bad_request("/histogram/edges", "give 2 to " + std::to_string(max_edges) + " edges");
    for (std::size_t i = 0; i < spec.edges.size(); ++i) {
      if (!std::isfinite(spec.edges[i])) bad_request("/histogram/edges/" + std::to_string(i), "must be a finite number");
      if (i > 0 && !(spec.edges[i] > spec.edges[i - 1]))
        bad_request("/histogram/edges/" + std::to_string(i), "edges must increase strictly");
    }
    b.edges = spec.edges;
  }
  for (std::size_t i = 0; i + 1 < b.edges.size(); ++i) b.lo.push_back(ceil_units(b.edges[i]));
  b.last_max = floor_units(b.edges.back());
  if (n > 0 && units_max - units_min < lut_limit) {
    b.lut_min = units_min;
    b.lut.resize(static_cast<std::size_t>(units_max - units_min + 1));
    Bins plain = b;
    plain.lut.clear();
    for (std::int64_t u = units_min; u <= units_max; ++u) b.lut[static_cast<std::size_t>(u - units_min)] = plain.bin_of(u);
  }
  return b;
}

// Unfiltered facets of a region node: its precomputed cells; provinces from
// the province nodes; zones by binary search in each zone's positions;
// histogram bins by binary search in the node's ordering.
FacetData OverviewIndex::Impl::fast_facets(const NodeRef& node, const Layout& l, const Bins& bins) const {
  FacetData d;
  d.cells.assign(static_cast<std::size_t>(l.size), {});
  std::copy(node.cells, node.cells + l.dense, d.cells.begin());
  const Cell all{node.end - node.begin, node.ordered->sum(node.begin, node.end)};
  d.total = all.count;
  d.totals.fill(all);
  if (node.kind == NodeKind::root) {
    for (std::size_t p = 0; p < province_codes.size(); ++p)
      d.cells[static_cast<std::size_t>(l.province) + p] = {province_begin[p + 1] - province_begin[p],
                                                          by_province.sum(province_begin[p], province_begin[p + 1])};
  } else if (all.count > 0) {
    d.cells[static_cast<std::size_t>(l.province + packed[static_cast<std::size_t>(node.begin)].province)] = all;
  }
  for (std::size_t z = 0; z + 1 < zone_offset.size(); ++z) {
    auto b = zone_pos.begin() + zone_offset[z], e = zone_pos.begin() + zone_offset[z + 1];
    auto lo = std::lower_bound(b, e, node.begin), hi = std::lower_bound(lo, e, node.end);
    d.cells[static_cast<std::size_t>(l.zone) + z] = {hi - lo, zone_pos_prefix[static_cast<std::size_t>(hi - zone_pos.begin())] -
                                                                  zone_pos_prefix[static_cast<std::size_t>(lo - zone_pos.begin())]};
  }
  const Ordered& o = *node.ordered;
  for (std::size_t i = 0; i < bins.lo.size(); ++i) {
    std::int64_t upper = i + 1 < bins.lo.size() ? bins.lo[i + 1] : bins.last_max + 1;
    if (upper <= bins.lo[i]) continue;
    std::int64_t from = node.begin + o.count_at_least(node.begin, node.end, upper);
    std::int64_t to = node.begin + o.count_at_least(node.begin, node.end, bins.lo[i]);
    d.cells[static_cast<std::size_t>(l.hist) + i] = {to - from, o.sum(from, to)};
  }
  return d;
}

// The index into the list bitmap that orders positions by `sort`.
inline std::int64_t OverviewIndex::Impl::sort_index(std::int64_t pos, SortKey sort) const {
  switch (sort) {
    case SortKey::score: return list_at[static_cast<std::size_t>(pos)];
    case SortKey::name: return name_pos[static_cast<std::size_t>(row_of_pos[static_cast<std::size_t>(pos)])];
    case SortKey::region: return pos;
  }
  return pos;
}

std::int32_t OverviewIndex::Impl::row_at_index(std::int64_t index, SortKey sort) const {
  switch (sort) {
    case SortKey::score: return scores.order[static_cast<std::size_t>(index)];
    case SortKey::name: return name_order[static_cast<std::size_t>(index)];
    case SortKey::region: return row_of_pos[static_cast<std::size_t>(index)];
  }
  return 0;
}

// One pass over the scope's positions (ascending). A row fails a set of
// filters; it counts in facet F when it passes every filter but F's own,
// i.e. when it fails nothing or only F. The list takes rows failing
// nothing; a region ranking ignores the region filter and a zone ranking
// the zone filter, like the province and zone facets.
void OverviewIndex::Impl::scan(const Scope& scope, const Compiled& f, const ScanSpec& spec, const Layout& l,
                               const Bins& bins, ScanOut& out) const {
  if (scope.contiguous()) {
    const std::int64_t begin = scope.node.begin;
    scan_rows(scope.node.end - begin, [begin](std::int64_t k) { return begin + k; }, f, spec, l, bins, out);
  } else {
    const std::int32_t* positions = scope.positions;
    scan_rows(scope.count, [positions](std::int64_t k) { return static_cast<std::int64_t>(positions[k]); }, f, spec, l,
              bins, out);
  }
}

template <class Position>
void OverviewIndex::Impl::scan_rows(std::int64_t count, Position position, const Compiled& f, const ScanSpec& spec,
                                    const Layout& l, const Bins& bins, ScanOut& out) const {
  FacetData& d = out.facets;
  d.cells.assign(static_cast<std::size_t>(l.size), {});
  if (spec.list) out.list_bits.assign(static_cast<std::size_t>(n + 63) / 64, 0);
  const bool rank_region = spec.rank == ScanSpec::Rank::region, rank_zone = spec.rank == ScanSpec::Rank::zone;
  if (rank_region) {
    out.nodes.assign(spec.children.size(), {});
    out.units.reserve(static_cast<std::size_t>(std::min(count, spec.parent_end - spec.parent_begin)));
  }
  if (rank_zone) out.nodes.assign(static_cast<std::size_t>(table.zones.size()), {});
  const std::uint32_t active = f.active;
  const bool has_region = active & bit(Facet::province), has_zone = active & bit(Facet::zone);
  const bool has_tech = active & bit(Facet::tech_field), has_qual = active & bit(Facet::qualification);
  const bool has_industry = active & bit(Facet::industry), has_grade = active & bit(Facet::grade);
  const bool has_stage = active & bit(Facet::stage), has_score = active & bit(Facet::score);
  const bool has_incubator = !f.incubator_ok.empty(), has_name = !f.name.empty();
  auto want = [&](Facet x) { return spec.facets && spec.want[static_cast<std::size_t>(x)]; };
  const bool w_tech = want(Facet::tech_field), w_qual = want(Facet::qualification), w_industry = want(Facet::industry);
  const bool w_grade = want(Facet::grade), w_stage = want(Facet::stage), w_province = want(Facet::province);
  const bool w_zone = want(Facet::zone), w_score = want(Facet::score);
  Cell* const cells = d.cells.data();
  Cell* const tech = cells + l.tech;
  Cell* const qual = cells + l.qual;
  Cell* const industry = cells + l.industry;
  Cell* const grade = cells + l.grade;
  Cell* const stage = cells + l.stage;
  Cell* const province = cells + l.province;
  Cell* const zones = cells + l.zone;
  Cell* const hist = cells + l.hist;
  // Rows failing nothing count in every facet's total; rows failing one
  // filter in that facet's only. The totals are put together at the end.
  Cell all;
  // Rows failing nothing update few cells, which are spread over the facets
  // at the end: one joint (industry, stage, grade, histogram bin) cell, one
  // cell per technology-field and per qualification bit set, and provinces
  // in runs (positions are in region order). Ten increments per row become
  // about four.
  const int S = static_cast<int>(model.stages.size()), G = static_cast<int>(model.grades.size());
  const int H = static_cast<int>(bins.lo.size());
  const bool joint_hist = w_score && industry_buckets * S * G * (H + 1) <= 16384;
  const int HB = joint_hist ? H + 1 : 1;
  std::vector<Cell> joint(spec.facets ? static_cast<std::size_t>(industry_buckets * S * G * HB) : 0);
  const int T = table.tech_field_names.size(), Q = table.qualification_names.size();
  std::vector<Cell> tech_sets(spec.facets && T <= 10 ? std::size_t{1} << T : 0);
  std::vector<Cell> qual_sets(spec.facets && Q <= 10 ? std::size_t{1} << Q : 0);
  int run_province = -1;
  Cell run;
  std::array<Cell, facet_count> only{};
  std::size_t range_i = 0, child = 0;
  const std::uint32_t not_region = ~static_cast<std::uint32_t>(bit(Facet::province));
  const std::uint32_t not_zone = ~static_cast<std::uint32_t>(bit(Facet::zone));

  for (std::int64_t k = 0; k < count; ++k) {
    const std::int64_t pos = position(k);
    const auto p_ = static_cast<std::size_t>(pos);
    if (has_incubator && !f.incubator_ok[static_cast<std::size_t>(incubator_at[p_] + 1)]) continue;
    if (has_name && !(f.name_bits[p_ >> 6] >> (p_ & 63) & 1)) continue;
    const Packed p = packed[p_];
    const std::int32_t zone = zone_at[p_];
    std::uint32_t fail = 0;
    if (has_region) {
      while (range_i < f.ranges.size() && f.ranges[range_i].second <= pos) ++range_i;
      if (!(range_i < f.ranges.size() && f.ranges[range_i].first <= pos)) fail |= bit(Facet::province);
    }
    const std::int64_t u = p.units;
    // Measured: plain branches beat table-driven, branch-free variants here
    // (the compiler turns them into conditional moves).
    if (has_zone && !f.zone_ok[static_cast<std::size_t>(zone + 1)]) fail |= bit(Facet::zone);
    if (has_tech && !(p.tech & f.tech)) fail |= bit(Facet::tech_field);
    if (has_qual && !(p.qual & f.qual)) fail |= bit(Facet::qualification);
    if (has_industry && !f.industry[p.industry]) fail |= bit(Facet::industry);
    if (has_grade && !f.grade[p.grade]) fail |= bit(Facet::grade);
    if (has_stage && !f.stage[p.stage]) fail |= bit(Facet::stage);
    if (has_score && (u < f.min_units || u > f.max_units)) fail |= bit(Facet::score);
    if (fail == 0) {
      all.add(u);
      if (spec.facets) {
        int hb = 0;
        if (w_score) {
          const int b = bins.bin_of(u);
          if (joint_hist) hb = b + 1;
          else if (b >= 0) hist[b].add(u);
        }
        joint[static_cast<std::size_t>(((p.industry * S + p.stage) * G + p.grade) * HB + hb)].add(u);
        if (!tech_sets.empty()) tech_sets[p.tech].add(u);
        else
          for (std::uint32_t t = p.tech; t; t &= t - 1) tech[__builtin_ctz(t)].add(u);
        if (!qual_sets.empty()) qual_sets[p.qual].add(u);
        else
          for (std::uint32_t q = p.qual; q; q &= q - 1) qual[__builtin_ctz(q)].add(u);
        if (p.province != run_province) {
          if (run_province >= 0) province[run_province].add(run);
          run_province = p.province;
          run = {};
        }
        run.add(u);
        if (zone >= 0) zones[zone].add(u);
      }
      if (spec.list && u >= spec.list_min) {
        auto idx = static_cast<std::size_t>(sort_index(pos, spec.sort));
        out.list_bits[idx >> 6] |= std::uint64_t{1} << (idx & 63);
        ++out.list_count;
      }
    } else if (spec.facets && (fail & (fail - 1)) == 0) {
      const int facet = __builtin_ctz(fail);
      only[static_cast<std::size_t>(facet)].add(u);
      switch (static_cast<Facet>(facet)) {
        case Facet::tech_field:
          if (w_tech)
            for (std::uint32_t t = p.tech; t; t &= t - 1) tech[__builtin_ctz(t)].add(u);
          break;
        case Facet::qualification:
          if (w_qual)
            for (std::uint32_t q = p.qual; q; q &= q - 1) qual[__builtin_ctz(q)].add(u);
          break;
        case Facet::industry: if (w_industry) industry[p.industry].add(u); break;
        case Facet::grade: if (w_grade) grade[p.grade].add(u); break;
        case Facet::stage: if (w_stage) stage[p.stage].add(u); break;
        case Facet::province: if (w_province) province[p.province].add(u); break;
        case Facet::zone: if (w_zone && zone >= 0) zones[zone].add(u); break;
        case Facet::score:
          if (w_score) {
            const int b = bins.bin_of(u);
            if (b >= 0) hist[b].add(u);
          }
          break;
      }
    }
    if (rank_region && (fail & not_region) == 0 && pos >= spec.parent_begin && pos < spec.parent_end) {
      while (spec.children[child].node.end <= pos) out.nodes[++child].buf_begin = out.units.size();
      RankAcc& a = out.nodes[child];
      a.cell.add(u);
      a.max = std::max(a.max, u);
      out.units.push_back(p.units);
      if (spec.top > 0 && u >= spec.top_min) push_top(a.top, list_at[p_], spec.top);
    }
    if (rank_zone && (fail & not_zone) == 0 && zone >= 0 && (spec.zone_parent < 0 || zone == spec.zone_parent)) {
      RankAcc& a = out.nodes[static_cast<std::size_t>(zone)];
      a.cell.add(u);
      a.max = std::max(a.max, u);
      out.zone_units.emplace_back(zone, p.units);
      if (spec.top > 0 && u >= spec.top_min) push_top(a.top, list_at[p_], spec.top);
    }
  }
  if (spec.facets) {
    if (run_province >= 0) province[run_province].add(run);
    for (int i = 0; i < industry_buckets; ++i)
      for (int st = 0; st < S; ++st)
        for (int g = 0; g < G; ++g)
          for (int hb = 0; hb < HB; ++hb) {
            const Cell& c = joint[static_cast<std::size_t>(((i * S + st) * G + g) * HB + hb)];
            if (!c.count) continue;
            industry[i].add(c);
            stage[st].add(c);
            grade[g].add(c);
            if (hb > 0) hist[hb - 1].add(c);
          }
    for (std::size_t set = 1; set < tech_sets.size(); ++set)
      for (auto t = static_cast<std::uint32_t>(set); t; t &= t - 1) tech[__builtin_ctz(t)].add(tech_sets[set]);
    for (std::size_t set = 1; set < qual_sets.size(); ++set)
      for (auto q = static_cast<std::uint32_t>(set); q; q &= q - 1) qual[__builtin_ctz(q)].add(qual_sets[set]);
  }
  d.total = all.count;
  for (std::size_t x = 0; x < only.size(); ++x) {
    d.totals[x] = all;
    d.totals[x].add(only[x]);
  }
  if (rank_region) {
    while (child + 1 < out.nodes.size()) out.nodes[++child].buf_begin = out.units.size();
    for (std::size_t c = 0; c < out.nodes.size(); ++c)
      out.nodes[c].buf_end = c + 1 < out.nodes.size() ? out.nodes[c + 1].buf_begin : out.units.size();
  }
}

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

ListedEnterprise OverviewIndex::Impl::listed(std::int32_t row, RankLevel level) const {
  const auto i = static_cast<std::size_t>(row);
  ListedEnterprise e;
  e.row = row;
  e.credit_code = table.credit_code[i];
  e.name = table.name[i];
  e.region = table.region[i];
  e.region_name = exact_names[static_cast<std::size_t>(exact_slot(e.region))];
  if (table.zone[i] >= 0) e.zone = table.zones[table.zone[i]];
  if (table.industry[i] >= 0) e.industry = std::string(1, static_cast<char>('A' + table.industry[i]));
  e.stage = model.stages[static_cast<std::size_t>(scores.stage[i])].name_zh;
  e.score = scores.published_text(row);
  e.grade = model.grades[static_cast<std::size_t>(scores.grade[i])].id;
  e.rank = scores.rank[static_cast<std::size_t>(level)][i];
  return e;
}

namespace {

// Codes of a dictionary: those on the standard list first, in its order,
// then the others in dictionary order.
template <std::size_t N>
std::vector<int> standard_order(const Dictionary& dict, const std::array<std::string_view, N>& standard) {
  std::vector<int> order;
  for (std::string_view name : standard)
    if (int code = dict.find(name); code >= 0) order.push_back(code);
  for (int code = 0; code < dict.size(); ++code)
    if (std::find(order.begin(), order.end(), code) == order.end()) order.push_back(code);
  return order;
}

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

bool default_descending(SortKey sort) { return sort == SortKey::score; }

void check_list(const ListRequest& list) {
  if (list.page < 1) bad_request("/list/page", "pages are numbered from 1");
  if (list.page > std::numeric_limits<std::int64_t>::max() / max_page_size)
    bad_request("/list/page", "is beyond any list");
  if (list.page_size < 1 || list.page_size > max_page_size)
    bad_request("/list/page_size", "must be 1 to " + std::to_string(max_page_size));
}

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

}  // namespace

std::vector<std::int32_t> OverviewIndex::Impl::list_rows(const Scope& scope, const Compiled& f,
                                                         const ListRequest& request, bool all,
                                                         std::int64_t& total) const {
  const bool descending = request.descending.value_or(default_descending(request.sort));
  const std::int64_t skip = all ? 0 : (request.page - 1) * request.page_size;
  const std::int64_t take = all ? std::numeric_limits<std::int64_t>::max() : request.page_size;
  std::vector<std::int32_t> rows;
  if (!f.any() && scope.contiguous() && request.sort == SortKey::score) {
    // The scope node's ordering is the list; the threshold cuts its tail.
    const Ordered& o = *scope.node.ordered;
    std::int64_t b = scope.node.begin, e = scope.node.end;
    if (scope.threshold) e = b + o.count_at_least(b, e, threshold_units);
    total = e - b;
    for (std::int64_t k = skip; k < total && k - skip < take; ++k) rows.push_back(o.rows[descending ? b + k : e - 1 - k]);
    return rows;
  }
  ScanSpec spec;
  spec.list = true;
  spec.sort = request.sort;
  if (scope.threshold) spec.list_min = threshold_units;
  ScanOut out;
  scan(scope, f, spec, Layout{}, Bins{}, out);
  total = out.list_count;
  const bool backwards = request.sort == SortKey::score ? !descending : descending;
  for_each_bit(out.list_bits, backwards, skip, take, [&](std::int64_t index) { rows.push_back(row_at_index(index, request.sort)); });
  return rows;
}

void OverviewIndex::Impl::assemble_facets(const FacetData& d, const Layout& l, const Bins& bins,
                                          const OverviewRequest& request, const Compiled& f,
                                          OverviewAnswer& answer) const {
  answer.total = d.total;
  auto bucket = [&](std::string value, std::string label, const Cell& c, bool selected) {
    FacetBucket b;
    b.value = std::move(value);
    b.label = std::move(label);
    b.count = c.count;
    b.mean = mean(c);
    b.selected = selected;
    return b;
  };
  auto cell = [&](int at) -> const Cell& { return d.cells[static_cast<std::size_t>(at)]; };
  for (Facet facet : request.facets) {
    const Cell& total = d.totals[static_cast<std::size_t>(facet)];
    if (facet == Facet::score) {
      ScoreHistogram h;
      h.total = total.count;
      for (std::size_t i = 0; i + 1 < bins.edges.size(); ++i) {
        const Cell& c = cell(l.hist + static_cast<int>(i));
        h.bins.push_back({bins.edges[i], bins.edges[i + 1], c.count, mean(c)});
      }
      answer.histogram = std::move(h);
      continue;
    }
    FacetCounts fc;
    fc.facet = facet;
    fc.total = total.count;
    switch (facet) {
      case Facet::tech_field:
        for (int t : standard_order(table.tech_field_names, standard_tech_fields))
          fc.buckets.push_back(bucket(table.tech_field_names[t], table.tech_field_names[t], cell(l.tech + t), f.tech >> t & 1));
        break;
      case Facet::qualification:
        for (int q : standard_order(table.qualification_names, standard_qualifications))
          fc.buckets.push_back(bucket(table.qualification_names[q], table.qualification_names[q], cell(l.qual + q), f.qual >> q & 1));
        break;
      case Facet::industry:
        for (int i = 0; i < industry_count; ++i)
          fc.buckets.push_back(bucket(std::string(1, static_cast<char>('A' + i)), std::string(industry_name(i)),
                                      cell(l.industry + i), f.industry[static_cast<std::size_t>(i)]));
        if (cell(l.industry + industry_unknown).count > 0 || f.industry[industry_unknown])
          fc.buckets.push_back(bucket("unknown", "行业未知", cell(l.industry + industry_unknown), f.industry[industry_unknown]));
        break;
      case Facet::grade:
        for (std::size_t g = 0; g < model.grades.size(); ++g)
          fc.buckets.push_back(bucket(model.grades[g].id, model.grades[g].id, cell(l.grade + static_cast<int>(g)),
                                      !f.grade.empty() && f.grade[g]));
        break;
      case Facet::stage:
        for (std::size_t s = 0; s < model.stages.size(); ++s)
          fc.buckets.push_back(bucket(model.stages[s].id, model.stages[s].name_zh, cell(l.stage + static_cast<int>(s)),
                                      !f.stage.empty() && f.stage[s]));
        break;
      case Facet::province: {
        std::vector<std::int32_t> selected;
        for (std::int32_t code : f.region_codes)
          if (code % 10000 == 0) selected.push_back(code);
        std::sort(selected.begin(), selected.end());
        selected.erase(std::unique(selected.begin(), selected.end()), selected.end());
        std::vector<std::int32_t> shown = selected;
        for (std::size_t p = 0; p < province_codes.size(); ++p)
          if (cell(l.province + static_cast<int>(p)).count > 0) shown.push_back(province_codes[p]);
        std::sort(shown.begin(), shown.end());
        shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
        for (std::int32_t code : shown) {
          int p = province_slot(code);
          fc.buckets.push_back(bucket(six_digits(code), region_label(code), p >= 0 ? cell(l.province + p) : Cell{},
                                      std::binary_search(selected.begin(), selected.end(), code)));
        }
        break;
      }
      case Facet::zone: {
        for (int z = 0; z < table.zones.size(); ++z) {
          const bool selected = !f.zone_ok.empty() && f.zone_ok[static_cast<std::size_t>(z) + 1];
          if (cell(l.zone + z).count > 0 || selected)
            fc.buckets.push_back(bucket(table.zones[z], table.zones[z], cell(l.zone + z), selected));
        }
        // A selected zone the snapshot does not know still shows, at 0,
        // once however often it is selected (one pass: a set of those shown).
        if (!f.zone_ok.empty()) {
          std::unordered_set<std::string_view> unknown;
          for (const auto& name : request.filters.zones)
            if (table.zones.find(name) < 0 && unknown.insert(name).second)
              fc.buckets.push_back(bucket(name, name, Cell{}, true));
        }
        std::stable_sort(fc.buckets.begin(), fc.buckets.end(), [](const FacetBucket& a, const FacetBucket& b) {
          return a.count != b.count ? a.count > b.count : a.value < b.value;
        });
        break;
      }
      case Facet::score: break;
    }
    answer.facets.push_back(std::move(fc));
  }
}

// ---------------------------------------------------------------------------
// Rankings

namespace {

using Impl = OverviewIndex::Impl;

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

}  // namespace

// ---------------------------------------------------------------------------
// The public API

OverviewIndex::OverviewIndex(const Snapshot& snapshot) : impl_(std::make_unique<Impl>(snapshot)) {}
OverviewIndex::~OverviewIndex() = default;
OverviewIndex::OverviewIndex(OverviewIndex&&) noexcept = default;
OverviewIndex& OverviewIndex::operator=(OverviewIndex&&) noexcept = default;

const Snapshot& OverviewIndex::snapshot() const { return impl_->snap; }
std::size_t OverviewIndex::memory_bytes() const { return impl_->bytes(); }

// ---------------------------------------------------------------------------
// What the public may learn (docs/overview.md): national tabulations only,
// small cells withheld by the rule of disclosure.hpp. Every public answer
// is computed on the whole nation, so each cell is withheld in every answer
// that shows it, and a node withheld in one drill-down is withheld when it
// is the parent of the next (with everything below it).

// Provinces and zones share enterprises, and so do histogram bins and grade
// bands: each pair is audited as one linked table (disclosure.hpp), so that
// a province less its zones, or a grade less its bins, isolates nobody.
const OverviewIndex::Impl::PublicCells& OverviewIndex::Impl::public_cells() const {
  std::call_once(public_once, [this] {
    PublicCells& out = public_cells_;
    const std::size_t P = province_codes.size(), Z = static_cast<std::size_t>(table.zones.size());
    {
      // Atoms: a province's enterprises in one zone, or in none.
      detail::LinkedCells t;
      std::vector<std::int64_t> atom_of((Z + 1) * P, -1);
      std::vector<std::vector<std::size_t>> zone_atoms(Z), province_atoms(P);
      std::vector<std::size_t> any_zone, all;
      std::vector<std::int64_t> count((Z + 1) * P, 0);
      for (std::size_t pi = 0; pi < P; ++pi)
        for (auto pos = province_begin[pi]; pos < province_begin[pi + 1]; ++pos) {
          const std::int32_t z = zone_at[static_cast<std::size_t>(pos)];
          ++count[pi * (Z + 1) + (z < 0 ? Z : static_cast<std::size_t>(z))];
        }
      for (std::size_t pi = 0; pi < P; ++pi)
        for (std::size_t z = 0; z <= Z; ++z) {
          const std::int64_t c = count[pi * (Z + 1) + z];
          if (c == 0) continue;
          const std::size_t a = t.atoms.size();
          t.atoms.push_back(c);
          province_atoms[pi].push_back(a);
          all.push_back(a);
          if (z < Z) {
            zone_atoms[z].push_back(a);
            any_zone.push_back(a);
          }
        }
      std::vector<detail::DisclosureCell> provinces, zones;
      for (std::size_t pi = 0; pi < P; ++pi) {
        t.cells.push_back(province_atoms[pi]);
        t.keys.push_back(std::to_string(province_codes[pi]));
        provinces.push_back({province_begin[pi + 1] - province_begin[pi], t.keys.back()});
      }
      for (std::size_t z = 0; z < Z; ++z) {
        std::sort(zone_atoms[z].begin(), zone_atoms[z].end());
        t.cells.push_back(zone_atoms[z]);
        t.keys.push_back(table.zones[static_cast<std::int32_t>(z)]);
        zones.push_back({zone_offset[z + 1] - zone_offset[z], t.keys.back()});
      }
      t.cells.push_back(any_zone);
      t.keys.push_back("");
      t.cells.push_back(all);
      t.keys.push_back("");
      t.fixed.assign(t.cells.size(), false);
      t.fixed.back() = true;
      std::vector<bool> withheld = detail::withheld_cells(provinces, public_min_cell);
      for (bool w : detail::withheld_cells(zones, public_min_cell)) withheld.push_back(w);
      withheld.push_back(zone_offset[Z] > 0 && zone_offset[Z] < public_min_cell);
      withheld.push_back(false);
      withheld = detail::withheld_linked(t, std::move(withheld), public_min_cell);
      out.province.assign(withheld.begin(), withheld.begin() + static_cast<std::ptrdiff_t>(P));
      out.zone.assign(withheld.begin() + static_cast<std::ptrdiff_t>(P),
                      withheld.begin() + static_cast<std::ptrdiff_t>(P + Z));
      out.any_zone = withheld[P + Z];
    }
    {
      // Atoms: the scores between two neighbouring edges of either axis,
      // within one grade.
      HistogramSpec spec;
      spec.width = public_histogram_width;
      const Bins bins = bins_for(spec);
      std::vector<std::int64_t> edges = bins.lo;
      for (const Grade& g : model.grades) edges.push_back(ceil_units(g.min_score));
      std::sort(edges.begin(), edges.end());
      edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
      const std::size_t E = edges.size(), G = model.grades.size(), B = bins.lo.size();
      std::vector<std::int64_t> count(E * G, 0);
      for (std::size_t row = 0; row < static_cast<std::size_t>(n); ++row) {
        const std::int64_t u = scores.published_units[row];
        const auto e = static_cast<std::size_t>(std::max<std::ptrdiff_t>(
            0, std::upper_bound(edges.begin(), edges.end(), u) - edges.begin() - 1));
        ++count[e * G + static_cast<std::size_t>(scores.grade[row])];
      }
      detail::LinkedCells t;
      std::vector<std::vector<std::size_t>> bin_atoms(B), grade_atoms(G);
      std::vector<std::size_t> all;
      for (std::size_t e = 0; e < E; ++e)
        for (std::size_t g = 0; g < G; ++g) {
          if (count[e * G + g] == 0) continue;
          const std::size_t a = t.atoms.size();
          t.atoms.push_back(count[e * G + g]);
          // The bin the atom lies in (not Bins::bin_of: its table covers
          // only the scores that occur).
          const auto b = std::upper_bound(bins.lo.begin(), bins.lo.end(), edges[e]) - bins.lo.begin() - 1;
          if (b >= 0 && edges[e] <= bins.last_max) bin_atoms[static_cast<std::size_t>(b)].push_back(a);
          grade_atoms[g].push_back(a);
          all.push_back(a);
        }
      std::vector<detail::DisclosureCell> bin_cells, grade_cells;
      char key[24];
      for (std::size_t b = 0; b < B; ++b) {
        std::snprintf(key, sizeof key, "%08zu", b);
        t.cells.push_back(bin_atoms[b]);
        t.keys.push_back(key);
        bin_cells.push_back({0, key});
        for (std::size_t a : bin_atoms[b]) bin_cells.back().count += t.atoms[a];
      }
      for (std::size_t g = 0; g < G; ++g) {
        std::sort(grade_atoms[g].begin(), grade_atoms[g].end());
        t.cells.push_back(grade_atoms[g]);
        t.keys.push_back(model.grades[g].id);
        grade_cells.push_back({0, model.grades[g].id});
        for (std::size_t a : grade_atoms[g]) grade_cells.back().count += t.atoms[a];
      }
      t.cells.push_back(all);
      t.keys.push_back("");
      t.fixed.assign(t.cells.size(), false);
      t.fixed.back() = true;
      std::vector<bool> withheld = detail::withheld_cells(bin_cells, public_min_cell);
      for (bool w : detail::withheld_cells(grade_cells, public_min_cell)) withheld.push_back(w);
      withheld.push_back(false);
      withheld = detail::withheld_linked(t, std::move(withheld), public_min_cell);
      out.bin.assign(withheld.begin(), withheld.begin() + static_cast<std::ptrdiff_t>(B));
      out.grade.assign(withheld.begin() + static_cast<std::ptrdiff_t>(B),
                       withheld.begin() + static_cast<std::ptrdiff_t>(B + G));
    }
  });
  return public_cells_;
}

namespace {

void withhold(FacetBucket& b) {
  b.count = 0;
  b.mean = std::numeric_limits<double>::quiet_NaN();
  b.withheld = true;
}

void withhold(RankingNode& n) {
  n.count = 0;
  n.mean = std::numeric_limits<double>::quiet_NaN();
  n.withheld = true;
}

// Applies the public's disclosure rule to an answer of national tabulations.
void disclose(const Impl& m, const RankingPlan* plan, OverviewAnswer& a) {
  const Impl::PublicCells& pc = m.public_cells();
  auto zone_withheld = [&](const std::string& name) {
    const std::int32_t z = m.table.zones.find(name);
    return z >= 0 && pc.zone[static_cast<std::size_t>(z)];
  };
  auto province_withheld = [&](const std::string& code) {
    const int slot = m.province_slot(std::stoi(code));
    return slot >= 0 && pc.province[static_cast<std::size_t>(slot)];
  };
  const std::int64_t total = m.n;
  for (FacetCounts& f : a.facets) {
    std::vector<detail::DisclosureCell> cells;
    for (const FacetBucket& b : f.buckets) cells.push_back({b.count, b.value});
    std::vector<bool> out;
    switch (f.facet) {
      case Facet::province:
        for (const FacetBucket& b : f.buckets) out.push_back(province_withheld(b.value));
        break;
      case Facet::zone:
        for (const FacetBucket& b : f.buckets) out.push_back(zone_withheld(b.value));
        break;
      case Facet::grade:
        for (const FacetBucket& b : f.buckets) {
          std::size_t g = 0;
          while (g < m.model.grades.size() && m.model.grades[g].id != b.value) ++g;
          out.push_back(g < pc.grade.size() && pc.grade[g]);
        }
        break;
      case Facet::industry:
      case Facet::stage: out = detail::withheld_cells(cells, public_min_cell); break;
      // Multi-valued: a bucket and the enterprises outside it split the
      // nation in two; either side may be small.
      default:
        for (const FacetBucket& b : f.buckets) {
          const std::int64_t rest = total - b.count;
          out.push_back((b.count > 0 && b.count < public_min_cell) || (rest > 0 && rest < public_min_cell));
        }
        break;
    }
    for (std::size_t i = 0; i < f.buckets.size(); ++i)
      if (out[i]) withhold(f.buckets[i]);
  }
  if (a.histogram) {
    for (std::size_t i = 0; i < a.histogram->bins.size(); ++i)
      if (i < pc.bin.size() && pc.bin[i]) {
        HistogramBin& b = a.histogram->bins[i];
        b.count = 0;
        b.mean = std::numeric_limits<double>::quiet_NaN();
        b.withheld = true;
      }
  }
  if (a.ranking && plan) {
    Ranking& r = *a.ranking;
    bool parent_withheld = false;
    std::unordered_map<std::string, bool> child_withheld;
    if (plan->by == RankingDimension::region) {
      // The nation (never withheld) and its provinces.
      for (const RankingNode& n : r.nodes) child_withheld[n.key] = province_withheld(n.key);
    } else {
      parent_withheld = plan->zone_parent >= 0 ? pc.zone[static_cast<std::size_t>(plan->zone_parent)] : pc.any_zone;
      for (const RankingNode& n : r.nodes) child_withheld[n.key] = zone_withheld(n.key);
    }
    // Medians and maxima are single enterprises' scores: never public.
    auto finish = [](RankingNode& n, bool withheld) {
      n.median = n.max = std::numeric_limits<double>::quiet_NaN();
      if (withheld) withhold(n);
    };
    finish(r.parent, parent_withheld);
    for (RankingNode& n : r.nodes) finish(n, parent_withheld || child_withheld[n.key]);
    // Withheld nodes go last, by key: their place among the others would
    // tell their count or mean.
    std::stable_partition(r.nodes.begin(), r.nodes.end(), [](const RankingNode& n) { return !n.withheld; });
    auto first = std::find_if(r.nodes.begin(), r.nodes.end(), [](const RankingNode& n) { return n.withheld; });
    std::sort(first, r.nodes.end(), [](const RankingNode& x, const RankingNode& y) { return x.key < y.key; });
  }
}

}  // namespace

OverviewAnswer OverviewIndex::query(const Principal& principal, const OverviewRequest& request) const {
  const Impl& m = *impl_;
  const Scope scope = m.scope_of(principal);
  if (scope.kind == Scope::Kind::enterprise)
    forbidden("an enterprise may see only its own detail (kind \"detail\" with its credit code), not the overview");
  if (scope.is_public) {
    if (request.list) forbidden("the public sees aggregates only; the enterprise list needs a government login");
    if (request.ranking && request.ranking->top > 0)
      forbidden("the public sees aggregates only; ask rankings with top 0 (no enterprises)");
    if (!request.filters.name_contains.empty()) forbidden("the public cannot search enterprises by name");
    // National tabulations only: a filter would let two answers differ by
    // one enterprise (docs/overview.md, "What the public may learn").
    if (!request.filters.empty())
      forbidden("the public sees national tabulations only; filters need a login (公众仅可查看全国汇总，筛选需登录)");
    if (request.ranking &&
        (request.ranking->order_by == NodeOrder::median || request.ranking->order_by == NodeOrder::max))
      forbidden("the public gets no medians or maxima (each may be one enterprise's score); order by count, mean or key");
    if (request.ranking && request.ranking->by == RankingDimension::region && !request.ranking->parent.empty())
      forbidden("the public sees provinces only; a province's cities and counties need a login (公众仅可查看省级分布)");
    const bool histogram =
        std::find(request.facets.begin(), request.facets.end(), Facet::score) != request.facets.end();
    if (histogram && (!request.histogram.edges.empty() || request.histogram.width != public_histogram_width))
      forbidden("the public sees the score histogram in bins of 10 points only (公众仅可查看10分一档的得分分布)");
  }
  std::array<bool, facet_count> want{};
  for (std::size_t i = 0; i < request.facets.size(); ++i) {
    auto f = static_cast<std::size_t>(request.facets[i]);
    if (f >= static_cast<std::size_t>(facet_count)) bad_request("/facets/" + std::to_string(i), "unknown facet");
    if (want[f]) bad_request("/facets/" + std::to_string(i), std::string(facet_name(request.facets[i])) + " is listed twice");
    want[f] = true;
  }
  const bool histogram = want[static_cast<std::size_t>(Facet::score)];
  const Bins bins = histogram ? m.bins_for(request.histogram) : Bins{};
  const Layout layout = m.layout_for(bins.lo.size());
  if (request.list) check_list(*request.list);
  const Compiled f = m.compile(request.filters, scope);
  std::optional<RankingPlan> plan;
  if (request.ranking) plan = plan_ranking(m, scope, f, *request.ranking, principal);

  // Unfiltered queries on a region (or the nation) come from precomputed
  // data; everything else shares one pass.
  const bool fast_facets = !f.any() && scope.contiguous();
  const bool fast_list = request.list && !f.any() && scope.contiguous() && request.list->sort == SortKey::score;
  ScanSpec spec;
  spec.facets = !request.facets.empty() && !fast_facets;
  spec.want = want;
  if (request.list && !fast_list) {
    spec.list = true;
    spec.sort = request.list->sort;
    if (scope.threshold) spec.list_min = m.threshold_units;
  }
  if (plan && !plan->fast) {
    spec.rank = plan->by == RankingDimension::region ? ScanSpec::Rank::region : ScanSpec::Rank::zone;
    spec.children = plan->children;
    spec.parent_begin = plan->parent.begin;
    spec.parent_end = plan->parent.end;
    spec.zone_parent = plan->zone_parent;
    spec.top = plan->top;
    spec.top_min = plan->top_min;
  }
  ScanOut out;
  const bool need_scan = spec.facets || spec.list || spec.rank != ScanSpec::Rank::none || !fast_facets;
  if (need_scan) m.scan(scope, f, spec, layout, bins, out);

  OverviewAnswer answer;
  if (fast_facets) {
    FacetData d = m.fast_facets(scope.node, layout, bins);
    m.assemble_facets(d, layout, bins, request, f, answer);
  } else {
    m.assemble_facets(out.facets, layout, bins, request, f, answer);
  }
  if (plan) answer.ranking = finish_ranking(m, *plan, plan->fast ? nullptr : &out);
  if (scope.is_public) disclose(m, plan ? &*plan : nullptr, answer);
  if (request.list) {
    const ListRequest& lr = *request.list;
    ListPage page;
    page.page = lr.page;
    page.page_size = lr.page_size;
    page.sort = lr.sort;
    page.descending = lr.descending.value_or(default_descending(lr.sort));
    page.rank_level = scope.level;
    if (scope.threshold) page.threshold = m.model.list_threshold;
    std::vector<std::int32_t> rows;
    if (fast_list) {
      rows = m.list_rows(scope, f, lr, false, page.total);
    } else {
      page.total = out.list_count;
      const bool backwards = lr.sort == SortKey::score ? !page.descending : page.descending;
      for_each_bit(out.list_bits, backwards, (lr.page - 1) * lr.page_size, lr.page_size,
                   [&](std::int64_t index) { rows.push_back(m.row_at_index(index, lr.sort)); });
    }
    for (std::int32_t row : rows) page.items.push_back(m.listed(row, scope.level));
    answer.list = std::move(page);
  }
  return answer;
}

namespace {

// The exported list as a workbook: the columns of the CSV export with
// Chinese headers, codes kept as text, ranks and scores as numbers.
template <class Impl>
std::string list_workbook(const Impl& m, const std::vector<std::int32_t>& rows, RankLevel level) {
  xlsx::Writer book;
  xlsx::SheetWriter sheet = book.sheet("企业名单");
  const char* headers[] = {"排名", "统一社会信用代码", "企业名称", "行政区划代码", "所在地区",
                           "国家高新区", "一级行业", "发展阶段", "积分", "等级"};
  const double widths[] = {8, 22, 36, 12, 28, 28, 8, 10, 10, 6};
  for (std::int32_t c = 0; c < 10; ++c) {
    sheet.text(0, c, headers[c], xlsx::Style::header);
    sheet.column(c, widths[c], c == 1 || c == 3 ? xlsx::Style::text : xlsx::Style::plain);
  }
  sheet.freeze(1, 0);
  const int decimals = m.model.scale.decimals;
  std::int32_t r = 0;
  for (std::int32_t row : rows) {
    if (r + 1 >= xlsx::max_row) {  // past a sheet's last row: say so on it
      sheet.text(xlsx::max_row, 0, "另有" + std::to_string(rows.size() - static_cast<std::size_t>(r)) +
                                       "家企业超出工作表行数上限，请导出CSV / more enterprises than a sheet holds: export CSV");
      break;
    }
    const ListedEnterprise e = m.listed(row, level);
    ++r;
    if (e.rank > 0) sheet.number(r, 0, e.rank, 0);
    sheet.text(r, 1, e.credit_code, xlsx::Style::text);
    sheet.text(r, 2, e.name);
    sheet.text(r, 3, six_digits(e.region), xlsx::Style::text);
    sheet.text(r, 4, e.region_name);
    if (!e.zone.empty()) sheet.text(r, 5, e.zone);
    if (!e.industry.empty()) sheet.text(r, 6, e.industry);
    sheet.text(r, 7, e.stage);
    double score = 0;  // the published text, so the cell shows it exactly (from_chars: no locale)
    std::from_chars(e.score.data(), e.score.data() + e.score.size(), score);
    sheet.number(r, 8, score, decimals);
    sheet.text(r, 9, e.grade);
  }
  return book.bytes();
}

}  // namespace

ExportFile OverviewIndex::export_list(const Principal& principal, const Filters& filters, const ListRequest& sort,
                                      ExportFormat format) const {
  const Impl& m = *impl_;
  const Scope scope = m.scope_of(principal);
  if (scope.kind == Scope::Kind::enterprise || scope.is_public)
    forbidden(std::string("the ") + role_name(principal.role) + " role has no enterprise list to export");
  if (!principal.can_export) forbidden("exporting the enterprise list needs the export permission (can_export)");
  const Compiled f = m.compile(filters, scope);
  std::int64_t total = 0;
  const std::vector<std::int32_t> rows = m.list_rows(scope, f, sort, true, total);
  ExportFile file;
  file.format = format;
  file.rows = total;
  std::string& out = file.content;
  if (format == ExportFormat::csv) {
    out = "\xEF\xBB\xBF";  // so that Excel reads UTF-8
    out += std::string("rank_") + rank_level_name(scope.level) +
           ",credit_code,name,region_code,region_name,zone,industry,stage,score,grade\n";
    for (std::int32_t row : rows) {
      const ListedEnterprise e = m.listed(row, scope.level);
      out += (e.rank > 0 ? std::to_string(e.rank) : "") + ',' + e.credit_code + ',' + csv_field(e.name) + ',' +
             six_digits(e.region) + ',' + csv_field(e.region_name) + ',' + csv_field(e.zone) + ',' + e.industry + ',' +
             csv_field(e.stage) + ',' + e.score + ',' + csv_field(e.grade) + '\n';
    }
  } else if (format == ExportFormat::xlsx) {
    out = list_workbook(m, rows, scope.level);
  } else {
    out = "[";
    for (std::size_t k = 0; k < rows.size(); ++k) {
      out += k ? ",\n" : "\n";
      out += to_json(m.listed(rows[k], scope.level));
    }
    out += rows.empty() ? "]\n" : "\n]\n";
  }
  return file;
}

EnterpriseDetail OverviewIndex::detail(const Principal& principal, std::string_view credit_code) const {
  const Impl& m = *impl_;
  const Scope scope = m.scope_of(principal);
  if (scope.is_public) forbidden("the public sees aggregates only; an enterprise's detail needs a login");
  const std::string code = normalize_credit_code(credit_code);
  if (auto problem = credit_code_problem(code)) bad_request("/credit_code", *problem);
  const std::int64_t row = m.codes.find(code);
  bool visible = false;
  if (row >= 0) {
    const auto pos = static_cast<std::int64_t>(m.pos_of_row[static_cast<std::size_t>(row)]);
    switch (scope.kind) {
      case Scope::Kind::all: visible = true; break;
      case Scope::Kind::region: visible = pos >= scope.node.begin && pos < scope.node.end; break;
      case Scope::Kind::zone: visible = scope.unit >= 0 && m.table.zone[static_cast<std::size_t>(row)] == scope.unit; break;
      case Scope::Kind::incubator:
        visible = scope.unit >= 0 && m.table.incubator[static_cast<std::size_t>(row)] == scope.unit;
        break;
      case Scope::Kind::enterprise: visible = row == scope.row; break;
    }
  }
  // One message whether the code is absent or out of scope.
  if (!visible)
    throw QueryError(QueryErrorKind::not_found, "/credit_code",
                     "no enterprise with this credit code is available to " + principal.label());
  const auto i = static_cast<std::size_t>(row);
  const Table& t = m.table;
  EnterpriseDetail d;
  d.basics = m.listed(static_cast<std::int32_t>(row), RankLevel::national);
  if (t.incubator[i] >= 0) d.incubator = t.incubators[t.incubator[i]];
  if (t.industry[i] >= 0) d.industry_name = std::string(industry_name(t.industry[i]));
  for (int b = 0; b < t.tech_field_names.size(); ++b)
    if (t.tech_fields[i] >> b & 1) d.tech_fields.push_back(t.tech_field_names[b]);
  for (int b = 0; b < t.qualification_names.size(); ++b)
    if (t.qualifications[i] >> b & 1) d.qualifications.push_back(t.qualification_names[b]);
  d.founded = t.founded[i];
  const std::int32_t region = t.region[i];
  for (int level = 0; level < rank_level_count; ++level) {
    EnterpriseRank r;
    r.level = static_cast<RankLevel>(level);
    r.rank = m.scores.rank[static_cast<std::size_t>(level)][i];
    if (r.rank <= 0) continue;
    switch (r.level) {
      case RankLevel::national:
        r.label = "全国";
        r.of = m.n;
        break;
      case RankLevel::province:
      case RankLevel::city:
      case RankLevel::county: {
        const std::int32_t unit = r.level == RankLevel::province ? region / 10000 * 10000
                                  : r.level == RankLevel::city   ? region / 100 * 100
                                                                 : region;
        const NodeRef node = r.level == RankLevel::province ? m.node(NodeKind::province, unit)
                             : r.level == RankLevel::city   ? m.node(NodeKind::city, unit)
                                                            : m.node(NodeKind::exact, unit);
        r.unit = six_digits(unit);
        r.label = m.region_label(unit);
        r.of = node.end - node.begin;
        break;
      }
      case RankLevel::zone:
        r.unit = r.label = t.zones[t.zone[i]];
        r.of = m.zone_offset[static_cast<std::size_t>(t.zone[i]) + 1] - m.zone_offset[static_cast<std::size_t>(t.zone[i])];
        break;
      case RankLevel::incubator:
        r.unit = r.label = t.incubators[t.incubator[i]];
        r.of = m.incubator_offset[static_cast<std::size_t>(t.incubator[i]) + 1] -
               m.incubator_offset[static_cast<std::size_t>(t.incubator[i])];
        break;
      case RankLevel::peer_group: {
        const std::int32_t g = m.scores.peer_group[i];
        r.unit = r.label = m.snap.reference.group_label(m.model, g, m.snap.table.region_table());
        r.of = m.peer_group_size[static_cast<std::size_t>(g)];
        break;
      }
    }
    d.ranks.push_back(std::move(r));
  }
  if (scope.kind != Scope::Kind::enterprise) d.ledger = explain(m.model, m.snap.reference, t, row);
  return d;
}

}  // namespace cxjf
