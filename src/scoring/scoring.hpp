// The scoring rules of DESIGN.md §2 written once, as templates over the
// number type: `double` for the fast path and `Rational` for the totals that
// lie within floating-point error of a rounding boundary. The fused pass of
// Snapshot::build, score(), explain() and estimation all call these.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "cxjf/model.hpp"
#include "cxjf/reference.hpp"
#include "cxjf/scores.hpp"
#include "cxjf/table.hpp"
#include "scoring/exact.hpp"
#include "base/task_graph.hpp"

namespace cxjf::detail {

/// 10^d for the published decimals (0..6 by validation; others computed).
inline double power_of_ten(std::int32_t d) {
  static constexpr double table[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
  return d >= 0 && d <= 6 ? table[d] : std::pow(10.0, d);
}

/// Sign-preserving transforms, defined for every value.
inline double apply_transform(Transform t, double x) {
  switch (t) {
    case Transform::log1p: return x < 0 ? -std::log1p(-x) : std::log1p(x);
    case Transform::sqrt: return x < 0 ? -std::sqrt(-x) : std::sqrt(x);
    case Transform::none: break;
  }
  return x;
}

/// The inverse of apply_transform: a peer value stored transformed, back in
/// the indicator's unit.
inline double inverse_transform(Transform t, double y) {
  switch (t) {
    case Transform::log1p: return y < 0 ? -std::expm1(-y) : std::expm1(y);
    case Transform::sqrt: return y < 0 ? -y * y : y * y;
    case Transform::none: break;
  }
  return y;
}

/// Whether an indicator keeps its peers' sorted values in the Reference.
bool needs_peers(const Indicator& indicator);

/// What scoring needs of a model, worked out once per call.
struct Prepared {
  explicit Prepared(const Model& model);
  const Model& model;
  std::vector<int> category_of;                       // per indicator, -1 input-only
  std::vector<std::vector<double>> category_max;      // [stage][category]: sum of weights
  std::vector<Fraction> q_full, q_lower, q_upper;     // per indicator
  Fraction q_median{1, 2};
  int stage_indicator = -1;                           // revenue basis
};

/// Model-to-table bindings: columns and the bits of multi-valued fields.
struct Bound {
  Bound(const Prepared& prepared, const Table& table);
  std::vector<int> column;                 // per indicator
  std::vector<std::uint32_t> bonus_mask;   // per bonus item: qualification bit, 0 if absent
  std::vector<int> bonus_column;           // per bonus item: indicator column, -1
  std::vector<std::uint32_t> negative_mask;
  std::vector<std::int32_t> stage_of_name; // table stage code -> model stage, -1 unknown
};

/// The stage of row i (throws InputError when the data must but do not say).
std::int32_t stage_of(const Prepared& p, const Bound& b, const Table& table, std::int64_t i);

/// The province code of a region code.
inline std::int32_t province_of_code(std::int32_t region) { return region / 10000 * 10000; }

// 128-bit products keep (n - 1) * numerator exact for any table size.
__extension__ using Wide = __int128;

/// s of a percentile from the counts of peers <= x and < x among n.
template <class T>
T percentile_share(Ties ties, Direction direction, std::int64_t at_most, std::int64_t below, std::int64_t n) {
  if (n <= 0) return T(0);
  std::int64_t weak = direction == Direction::higher ? at_most : n - below;
  std::int64_t strict = direction == Direction::higher ? below : n - at_most;
  switch (ties) {
    case Ties::strict: return T(strict) / T(n);
    case Ties::mean: return T(weak + strict) / T(2 * n);
    case Ties::weak: break;
  }
  return T(weak) / T(n);
}

/// The quantile q of a group's n values (plus `newcomer` at sorted position
/// `position` when `with_newcomer`), by linear interpolation between order
/// statistics (type 7).
template <class T>
T quantile(const OrderWindow& w, std::int64_t n, Fraction q, bool with_newcomer, double newcomer,
           std::int64_t position, bool decimal) {
  std::int64_t m = n + (with_newcomer ? 1 : 0);
  if (m == 0) return T(0);
  auto stat = [&](std::int64_t k) -> double {
    if (with_newcomer) {
      if (k == position) return newcomer;
      if (k > position) --k;
    }
    return w.values[static_cast<std::size_t>(k - w.first)];
  };
  auto conv = [&](double v) { return decimal ? from_decimal<T>(v) : from_binary<T>(v); };
  Wide h = static_cast<Wide>(m - 1) * q.num;
  auto lo = static_cast<std::int64_t>(h / q.den);
  auto rem = static_cast<std::int64_t>(h % q.den);
  T low = conv(stat(lo));
  if (rem == 0 || lo + 1 >= m) return low;
  T high = conv(stat(lo + 1));
  return low + T(rem) / T(q.den) * (high - low);
}

/// The window positions needed for quantile q of a group of n values.
inline std::pair<std::int64_t, std::int64_t> window_range(std::int64_t n, Fraction q) {
  if (n == 0) return {0, -1};
  auto lo_member = static_cast<std::int64_t>(static_cast<Wide>(n - 1) * q.num / q.den);
  auto lo_newcomer = static_cast<std::int64_t>(static_cast<Wide>(n) * q.num / q.den);
  std::int64_t first = std::max<std::int64_t>(0, std::min(lo_member, lo_newcomer - 1));
  std::int64_t last = std::min(n - 1, std::max(lo_member, lo_newcomer) + 1);
  return {first, last};
}

/// Where one indicator's value of one enterprise stands.
struct Position {
  std::int64_t at_most = 0;  // peers <= y
  std::int64_t below = 0;    // peers < y
  std::int64_t peers = 0;    // reported values in the group (before the newcomer)
};

/// What a method takes from the peer group: the full mark of a capped ratio
/// and the bounds of a min-max, evaluated once per group for members (and
/// per enterprise for a newcomer, whose value moves them).
template <class T>
struct PeerParams {
  T full_mark{0};
  T lower{0};
  T upper{0};
  std::int64_t values = 0;  // reported values the parameters came from
};

/// The statistics of indicator j in group g, or nullptr when the reference
/// keeps none (no group, or a method that needs no peers). Scoring reads a
/// reference through this, count_at_most, count_below and peer_group_for
/// only, so that a reference without one member (LeaveOneOut,
/// scoring/leave_one_out.hpp) can stand in for it.
inline const GroupStats* group_stats(const Reference& ref, int j, std::int32_t g) {
  const auto& all = ref.stats[static_cast<std::size_t>(j)];
  return g < 0 || all.empty() ? nullptr : &all[static_cast<std::size_t>(g)];
}

/// The peer parameters of indicator j in group g; with `joins`, as if value
/// y (transformed) were added at sorted position `position`.
template <class T, class Ref>
PeerParams<T> peer_params(const Prepared& p, const Ref& ref, int j, std::int32_t g, bool joins, double y,
                          std::int64_t position) {
  const Indicator& ind = p.model.indicators[static_cast<std::size_t>(j)];
  const Normalization& nm = ind.normalization;
  const bool decimal = ind.transform == Transform::none;
  PeerParams<T> params;
  if (nm.method == Method::capped_ratio && nm.full_mark) {
    double full = apply_transform(ind.transform, *nm.full_mark);
    params.full_mark = decimal ? from_decimal<T>(full) : from_binary<T>(full);
  }
  // No group (an empty reference, or a peer chain that ends with no peers)
  // is a group with no reported value: a newcomer's value still joins it,
  // so a sole value is its own quantile and both bounds of its min-max.
  static const GroupStats no_peers;
  const GroupStats* found = group_stats(ref, j, g);
  const GroupStats& stats = found ? *found : no_peers;
  params.values = stats.count + (joins ? 1 : 0);
  if (params.values == 0) return params;
  if (nm.method == Method::capped_ratio && nm.full_mark_quantile)
    params.full_mark = quantile<T>(stats.full_mark, stats.count, p.q_full[static_cast<std::size_t>(j)], joins, y,
                                   position, decimal);
  if (nm.method == Method::min_max && params.values > 0) {
    params.lower = quantile<T>(stats.lower, stats.count, p.q_lower[static_cast<std::size_t>(j)], joins, y, position, decimal);
    params.upper = quantile<T>(stats.upper, stats.count, p.q_upper[static_cast<std::size_t>(j)], joins, y, position, decimal);
  }
  return params;
}

/// s for value x (already imputed, raw units) of indicator j. `joins` says
/// the value is added to its peers (a newcomer whose value is reported);
/// `pos` holds the counts a percentile needs, `params` what the other
/// methods need of the group.
template <class T>
T normalize(const Prepared& p, int j, double x, bool joins, const Position& pos, const PeerParams<T>& params,
            bool* zero_rule) {
  const Indicator& ind = p.model.indicators[static_cast<std::size_t>(j)];
  const Normalization& nm = ind.normalization;
  if (zero_rule) *zero_rule = false;
  if (ind.zero_earns_zero && x <= 0) {
    if (zero_rule) *zero_rule = true;
    return T(0);
  }
  double y = apply_transform(ind.transform, x);
  auto conv = [&](double v) { return ind.transform == Transform::none ? from_decimal<T>(v) : from_binary<T>(v); };
  auto clamp01 = [](T v) { return v < T(0) ? T(0) : (v > T(1) ? T(1) : v); };
  switch (nm.method) {
    case Method::percentile: {
      if (joins) return percentile_share<T>(nm.ties, ind.direction, pos.at_most + 1, pos.below, pos.peers + 1);
      return percentile_share<T>(nm.ties, ind.direction, pos.at_most, pos.below, pos.peers);
    }
    case Method::capped_ratio: {
      const T& full = params.full_mark;
      T v = conv(y);
      if (ind.direction == Direction::higher) {
        if (full <= T(0)) return v > T(0) ? T(1) : T(0);
        return clamp01(v / full);
      }
      if (v <= full) return T(1);
      return full > T(0) ? clamp01(full / v) : T(0);
    }
    case Method::piecewise: {
      const auto& bp = nm.breakpoints;
      if (x <= bp.front().x) return from_decimal<T>(bp.front().s);
      if (x >= bp.back().x) return from_decimal<T>(bp.back().s);
      std::size_t k = 1;
      while (bp[k].x < x) ++k;
      T x0 = from_decimal<T>(bp[k - 1].x), x1 = from_decimal<T>(bp[k].x);
      T s0 = from_decimal<T>(bp[k - 1].s), s1 = from_decimal<T>(bp[k].s);
      return s0 + (from_decimal<T>(x) - x0) / (x1 - x0) * (s1 - s0);
    }
    case Method::steps: {
      T s(0);
      for (const auto& b : nm.breakpoints)
        if (x >= b.x) s = from_decimal<T>(b.s);
      return s;
    }
    case Method::min_max: {
      if (params.values == 0) return T(0);
      const T& lo = params.lower;
      const T& hi = params.upper;
      T v = conv(y);
      if (hi <= lo) {
        if (ind.direction == Direction::higher) return v >= hi ? T(1) : T(0);
        return v <= lo ? T(1) : T(0);
      }
      if (v < lo) v = lo;
      if (v > hi) v = hi;
      return ind.direction == Direction::higher ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo);
    }
    case Method::boolean:
      return (ind.direction == Direction::higher) == (x != 0) ? T(1) : T(0);
  }
  return T(0);
}

/// The part of a row's score after the indicators: reweighting of excluded
/// indicators (in place, in `category`), bonus, negative items, caps.
template <class T>
struct RowTotal {
  T base{0}, bonus{0}, deduction{0}, total{0};
  bool veto = false;
  std::uint8_t imputed = 0;  // indicators whose value was missing
  std::int32_t stage = 0;    // set by evaluate_row
  std::int32_t group = -1;   // set by evaluate_row
  std::vector<T> category;   // set by evaluate_row: points per category, reweighted
};

template <class T>
RowTotal<T> finish_row(const Prepared& p, const Bound& b, const Table& table, std::int64_t i, std::int32_t stage,
                       T* category, const T* excluded, std::vector<LedgerItem>* bonus_items = nullptr,
                       std::vector<LedgerItem>* negative_items = nullptr) {
  const Model& m = p.model;
  RowTotal<T> r;
  for (std::size_t c = 0; c < m.categories.size(); ++c) {
    if (!(excluded[c] > T(0))) continue;
    T max = from_decimal<T>(p.category_max[static_cast<std::size_t>(stage)][c]);
    T present = max - excluded[c];
    category[c] = present > T(0) ? T(category[c] * max / present) : T(0);
  }
  for (std::size_t c = 0; c < m.categories.size(); ++c) r.base += category[c];
  auto row = static_cast<Eigen::Index>(i);
  for (std::size_t k = 0; k < m.bonus.size(); ++k) {
    const BonusItem& item = m.bonus[k];
    T earned(0);
    if (!item.qualification.empty()) {
      if (table.qualifications[static_cast<std::size_t>(i)] & b.bonus_mask[k]) earned = from_decimal<T>(item.points);
    } else if (b.bonus_column[k] >= 0) {
      double v = table.values(row, b.bonus_column[k]);
      if (v > 0) {
        earned = from_decimal<T>(item.per_unit) * from_decimal<T>(v);
        T cap = from_decimal<T>(item.points);
        if (earned > cap) earned = cap;
      }
    }
    if (earned > T(0)) {
      r.bonus += earned;
      if (bonus_items) bonus_items->push_back({static_cast<int>(k), to_double(earned)});
    }
  }
  T bonus_cap = from_decimal<T>(m.scale.bonus_max);
  if (r.bonus > bonus_cap) r.bonus = bonus_cap;
  std::uint32_t flags = table.negatives[static_cast<std::size_t>(i)];
  for (std::size_t k = 0; k < m.negatives.size(); ++k) {
    if (!(flags & b.negative_mask[k])) continue;
    const NegativeItem& item = m.negatives[k];
    if (item.action == NegativeAction::veto) {
      r.veto = true;
      if (negative_items) negative_items->push_back({static_cast<int>(k), 0});
    } else {
      T d = from_decimal<T>(item.points);
      r.deduction += d;
      if (negative_items) negative_items->push_back({static_cast<int>(k), to_double(d)});
    }
  }
  if (r.veto) {
    r.total = T(0);
  } else {
    r.total = r.base + r.bonus - r.deduction;
    T cap = from_decimal<T>(m.scale.total_max);
    if (r.total < T(0)) r.total = T(0);
    if (r.total > cap) r.total = cap;
  }
  return r;
}

/// The value a missing entry of indicator j takes under peer_median: the
/// median of the group's reported values, in raw units.
template <class Ref>
double peer_median(const Prepared& p, const Ref& ref, int j, std::int32_t group);

/// Indicator j (scored: category_of[j] >= 0) at value x (raw units, NaN
/// when missing) for an enterprise of `stage` in peer `group`: its points
/// before any reweighting (weight x s). A missing value its policy
/// excludes earns nothing and sets line.excluded. `line` always gets the
/// indicator, raw value, weight and missing flags; with `full`, the rest a
/// ledger shows. evaluate_row sums these in model order; a probe that
/// changes one value (analysis/probe.hpp) recomputes only that one.
template <class T, class Ref>
T indicator_points(const Prepared& p, const Ref& ref, int j, double x, std::int32_t stage, std::int32_t group,
                   bool newcomer, LedgerLine& line, bool full);

/// Everything about one row, computed from the Reference with binary
/// searches: the general path (score, explain, estimate, exact totals).
/// `Ref` is a Reference or a LeaveOneOut (instantiated for both).
template <class T, class Ref>
RowTotal<T> evaluate_row(const Prepared& p, const Bound& b, const Ref& ref, const Table& table,
                         std::int64_t i, Membership membership, Ledger* ledger);

/// The ledger of one row, published exactly (explain() for many rows
/// without binding the model to the table each time).
template <class Ref>
Ledger explain_row(const Prepared& p, const Bound& b, const Ref& reference, const Table& table, std::int64_t row,
                   Membership membership);

/// Rounds an exact rational total to published units.
std::int64_t round_exact(const Rational& total, std::int32_t decimals, Rounding rounding);

/// True when a double total is too close to a rounding boundary for the
/// double to decide.
bool near_boundary(double total, std::int32_t decimals);

/// A row's exact total, for list order among totals the doubles cannot tell
/// apart.
using ExactTotal = std::function<Rational(std::int64_t row)>;

/// Ranks, list order and grades of scored rows (fills rank, order, grade).
/// List order is published score descending, then exact total descending
/// (rows whose double totals lie within their error of each other are
/// recomputed by `exact`), then credit code. With a graph, independent parts
/// (grades, tie sorts, levels) run on its workers; the result is the same.
void rank_rows(const Model& model, const Table& table, Scores& scores, const ExactTotal& exact,
               TaskGraph* graph = nullptr);

}  // namespace cxjf::detail
