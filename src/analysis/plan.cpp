// The combined plan of least total effort (include/cxjf/analysis.hpp,
// Plan; docs/analysis.md, "The combined plan").
//
// Points are coupled: a missing value that appears reweights its category,
// the bonus and the total are capped, the score is rounded. But each
// coupling only takes away: the rise of the raw total (before caps and
// rounding) from several changes together is at most the sum of their
// rises alone, counting a fall as 0. For a category reweighted over the
// present weights P, changes with excess x_i (points above the category's
// average) and weights w_i give (sum x_i) / (P + sum w_i) <= sum over
// positive x_i of x_i / (P + w_i); the bonus and total caps are concave.
// So a plan that reaches the target has rises alone adding up to the need:
// the search works on rises alone and scores a plan, with all its values
// at once, only when they do; only a scored plan counts.
//
// PlanSearch::run, in order:
//  1. list(): each axis's values scored first (a sample of its candidates
//     spread by rank and by halvings of effort; for an axis rising along a
//     grid, its candidates and points along the grid), and greedy(): a
//     first plan by best rise per effort, its changes then lowered.
//  2. lagrangian(): from the staircases the samples give (no candidate
//     between two samples costs less than the first after the lower one or
//     rises more than the upper one), the Lagrangian bound at the slope
//     where the linear relaxation meets the need, for every plan and for
//     each choice of the one grid axis the search lets go anywhere; keep()
//     scores a stretch between samples only when some choice's reduced
//     cost there stays under its gap, splitting long stretches by rank.
//  3. visit(): a depth-first branch and bound over the kept candidates,
//     axes with few candidates first and grid axes last. A node is cut when
//     its effort plus the least effort the rest need under the linear
//     relaxation (concave majorants, one binary search over running sums)
//     reaches the best plan's, for every choice of the grid axis anywhere,
//     or when its reduced costs reach the gap; at each node each grid axis
//     left unchanged completes the plan at its least reaching value alone.
#include <algorithm>
#include <cmath>
#include <limits>
#include <iterator>
#include <numeric>

#include "analysis/probe.hpp"

namespace cxjf::detail {
namespace {

// A piece of a concave majorant: `rise` more for `effort` more.
struct Segment {
  double effort = 0, rise = 0;
  std::size_t axis = 0;  // whose hull it is a piece of
  double slope() const { return effort > 0 ? rise / effort : std::numeric_limits<double>::infinity(); }
};

// The vertices of the upper concave hull from (0, 0) through points
// (effort, rise) sorted by effort: their indices, in order.
std::vector<std::size_t> hull_vertices(const std::vector<std::pair<double, double>>& points) {
  std::vector<std::size_t> hull;
  auto at = [&](std::size_t h) { return h == 0 ? std::pair<double, double>{0.0, 0.0} : points[hull[h - 1]]; };
  double top = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& pt = points[i];
    if (pt.second <= top) continue;  // below a point already reached more cheaply
    top = pt.second;
    while (!hull.empty()) {
      const auto a = at(hull.size() - 1);
      const auto& b = points[hull.back()];
      // b is under the chord from a to pt: drop it.
      if ((b.second - a.second) * (pt.first - a.first) <= (pt.second - a.second) * (b.first - a.first)) hull.pop_back();
      else break;
    }
    hull.push_back(i);
  }
  return hull;
}

// The upper concave hull from (0, 0) through points (effort, rise) sorted
// by effort, as segments of falling slope.
std::vector<Segment> concave_majorant(const std::vector<std::pair<double, double>>& points) {
  std::vector<Segment> out;
  std::pair<double, double> from{0.0, 0.0};
  for (std::size_t i : hull_vertices(points)) {
    out.push_back({points[i].first - from.first, points[i].second - from.second});
    from = points[i];
  }
  return out;
}

// Whether a plan's value of an axis changes it (a missing value set to 0
// is a change).
bool changed(const Axis& a, double value) { return !std::isnan(value) && !(value == a.current); }

// Lowers each change of a plan reaching `target` (`values` per axis, NaN
// unchanged), one at a time in model order, to the least value that still
// reaches with the others, or drops it when the others reach without it:
// a plan may hold values sampled along a grid, and no change needs to go
// past that least value. Leaves the probe at the lowered plan's values.
void lower_changes(const Snapshot& snap, const std::vector<Axis>& axes, Probe& probe, std::int64_t target,
                   std::vector<double>& values) {
  for (std::size_t k = 0; k < axes.size(); ++k)
    if (changed(axes[k], values[k])) probe.set(axes[k].column, values[k]);
  for (std::size_t k = 0; k < axes.size(); ++k) {
    const Axis& a = axes[k];
    if (!changed(a, values[k])) continue;
    if (probe.score_with(a.column, a.current) >= target) {
      values[k] = std::numeric_limits<double>::quiet_NaN();
      probe.set(a.column, a.current);
      continue;
    }
    const double v = least_reaching(snap, a, probe, target, values[k]);
    if (v < values[k]) values[k] = v;
    probe.set(a.column, values[k]);
  }
}

class PlanSearch {
 public:
  PlanSearch(const Snapshot& snap, std::vector<Axis> axes, Probe& probe, std::int64_t target, std::int64_t budget)
      : snap_(snap), axes_(std::move(axes)), probe_(probe), target_(target), budget_(budget),
        chosen_(axes_.size(), nan()) {}

  /// Starts from a known plan (a single change, or all at their caps).
  void seed(double effort, std::vector<double> values) {
    best_ = effort;
    best_values_ = std::move(values);
  }

  void run() {
    const Model& m = snap_.model;
    const double unit = std::pow(10.0, -m.scale.decimals);
    // Any rounding moves a total by less than one unit: below this the
    // target is out of reach.
    raw0_ = probe_.raw();
    need_ = static_cast<double>(target_ - 1) * unit - raw0_ - 1e-9;
    const std::size_t n = axes_.size();
    // Each axis's values scored first (Listing): a first plan from them,
    // whose effort is the one to beat.
    std::vector<Candidates> cands;
    for (const Axis& a : axes_) cands.emplace_back(snap_, a, &probe_.merged());
    std::vector<Listing> lists(n);
    for (std::size_t k = 0; k < n; ++k) list(axes_[k], cands[k], lists[k]);
    {
      std::vector<std::vector<double>> values(n), rises(n);
      for (std::size_t k = 0; k < n; ++k) {
        values[k] = lists[k].at;
        rises[k] = lists[k].rise;
        for (const auto& [x, r] : lists[k].grid) {
          values[k].push_back(x);
          rises[k].push_back(r);
        }
        sort_together(values[k], rises[k]);
      }
      greedy(values, rises);
    }
    // Its changes lowered as far as the others allow: a smaller gap to the
    // bound below leaves more out.
    lower_best();
    // A plan cheaper than that one uses no candidate whose reduced cost
    // under a Lagrangian bound reaches its gap (docs/analysis.md): with
    // each axis's rises bounded by the staircase of the values scored,
    // whole stretches between them are left out unscored. The bound of
    // every plan, and one for each choice of which indicator rising along
    // a grid goes anywhere on it (or none): a candidate is kept when some
    // choice may use it.
    const Majorants majorant = majorants(lists);
    const Lagrangian lag = lagrangian(majorant, all_anywhere);
    std::vector<Lagrangian> options;
    for (std::size_t k = 0; k <= n; ++k)
      if (k == n || lists[k].free) {
        Lagrangian o = lagrangian(majorant, k);
        if (o.feasible && o.gap > 0) options.push_back(std::move(o));
      }
    for (std::size_t k = 0; k < n; ++k) {
      const Axis& a = axes_[k];
      const Listing& l = lists[k];
      std::vector<double> v, rise;
      if (l.free) {
        v = l.at;
        rise = l.rise;
      } else {
        for (std::size_t i = 0; i < l.at.size(); ++i)
          keep(a, cands[k], options, k, i == 0 ? a.from : l.at[i - 1], l.at[i], l.least[i], l.rise[i], v, rise);
      }
      std::vector<std::pair<double, double>> points;
      for (std::size_t i = 0; i < v.size(); ++i) points.emplace_back(a.effort(v[i]), rise[i]);
      listed_.push_back(concave_majorant(points));
      if (l.free) {
        points.insert(points.end(), l.staircase.begin(), l.staircase.end());
        std::sort(points.begin(), points.end());
        // Running maximum: the rise never falls with effort.
        for (std::size_t i = 1; i < points.size(); ++i) points[i].second = std::max(points[i].second, points[i - 1].second);
        own_.push_back(concave_majorant(points));
      } else {
        own_.push_back(listed_.back());
      }
      for (Segment& seg : own_.back()) seg.axis = k;
      for (Segment& seg : listed_.back()) seg.axis = k;
      free_.push_back(l.free);
      values_.push_back(std::move(v));
      rises_.push_back(std::move(rise));
    }
    lagrangian_bound_ = lag.bound;
    lambda_ = lag.lambda;
    phi_ = lag.phi;
    std::vector<std::size_t> order(axes_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      if (free_[x] != free_[y]) return free_[y] != 0;
      return values_[x].size() < values_[y].size();
    });
    order_ = order;
    for (std::size_t k = 0; k < axes_.size(); ++k)
      if (free_[k] && !own_[k].empty()) anywhere_.push_back(k);
    relax_.assign(axes_.size() + 1, {});
    // Any plan costs at least the Lagrangian bound of every plan. (The
    // relaxation over the kept candidates is not a bound of every plan: a
    // plan with two grid axes inside their pieces may use candidates no
    // choice kept.)
    root_bound_ = unbounded_ ? 0 : lagrangian_bound_;
    greedy(values_, rises_);
    if (!stopped_) visit(0, 0.0, 0.0, true, 0.0);
  }

  const std::vector<double>& best_values() const { return best_values_; }
  bool stopped() const { return stopped_; }
  std::int64_t nodes() const { return nodes_; }
  double root_bound() const { return root_bound_; }

 private:
  static double nan() { return std::numeric_limits<double>::quiet_NaN(); }

  // lower_changes of the best plan, its effort again.
  void lower_best() {
    if (!(best_ < std::numeric_limits<double>::infinity())) return;
    lower_changes(snap_, axes_, probe_, target_, best_values_);
    for (const Axis& a : axes_) probe_.set(a.column, a.current);
    double effort = 0;
    for (std::size_t k = 0; k < axes_.size(); ++k)
      if (changed(axes_[k], best_values_[k])) effort += axes_[k].effort(best_values_[k]);
    best_ = std::min(best_, effort);
  }
  const Axis& axis(std::size_t d) const { return axes_[order_[d]]; }

  // A linear relaxation: segments by falling slope with their running
  // sums, so that the least effort for a rise is one binary search.
  struct Relaxation {
    std::vector<Segment> segments;
    std::vector<double> effort, rise;  // sums of the segments before each (one more entry)
    explicit Relaxation(std::vector<Segment> s) : segments(std::move(s)) {
      effort.push_back(0);
      rise.push_back(0);
      for (const Segment& seg : segments) {
        effort.push_back(effort.back() + seg.effort);
        rise.push_back(rise.back() + seg.rise);
      }
    }
    // The least effort for `need` more rise (infinite when it cannot).
    double least(double need) const {
      if (need <= 0) return 0;
      const auto i = static_cast<std::size_t>(std::lower_bound(rise.begin() + 1, rise.end(), need) - (rise.begin() + 1));
      if (i >= segments.size()) return std::numeric_limits<double>::infinity();
      const Segment& s = segments[i];
      return effort[i] + (s.effort > 0 ? (need - rise[i]) / s.slope() : 0);
    }
  };

  // Whether the plans below a node at depth d can make `need` more rise
  // for less than `room` more effort, under concave majorants: the
  // indicators from depth d on at their candidates, and at most one
  // indicator rising along a grid, left unchanged so far, anywhere on it
  // (the plans the search enumerates). Each choice of the one that goes
  // anywhere (or none) is a linear relaxation; the node is cut when none
  // of them comes in under `room`.
  bool may_beat(std::size_t d, double need, double room) {
    // With one anywhere every plan of none anywhere is in its relaxation
    // too: none is asked only when no such indicator is left unchanged.
    const std::vector<Relaxation>& relax = relaxations(d);
    bool any = false;
    for (std::size_t i = 0; i < anywhere_.size(); ++i)
      if (std::isnan(chosen_[anywhere_[i]])) {
        any = true;
        if (relax[i + 1].least(need) < room) return true;
      }
    return !any && relax[0].least(need) < room;
  }

  static bool by_slope(const Segment& x, const Segment& y) { return x.slope() > y.slope(); }

  // The relaxations of depth d, made on first use (a search often ends at
  // the root): the hulls of the candidates of the axes from depth d on, by
  // falling slope, with none anywhere and with each of anywhere_ anywhere
  // (its hull of all values in place of its candidates').
  const std::vector<Relaxation>& relaxations(std::size_t d) {
    std::vector<Relaxation>& relax = relax_[d];
    if (!relax.empty()) return relax;
    std::vector<Segment> within;
    for (std::size_t e = d; e < axes_.size(); ++e)
      within.insert(within.end(), listed_[order_[e]].begin(), listed_[order_[e]].end());
    std::stable_sort(within.begin(), within.end(), by_slope);
    for (std::size_t k : anywhere_) {
      std::vector<Segment> merged;
      std::copy_if(within.begin(), within.end(), std::back_inserter(merged), [k](const Segment& seg) { return seg.axis != k; });
      const std::size_t half = merged.size();
      merged.insert(merged.end(), own_[k].begin(), own_[k].end());
      std::inplace_merge(merged.begin(), merged.begin() + static_cast<std::ptrdiff_t>(half), merged.end(), by_slope);
      relax.emplace_back(std::move(merged));
    }
    relax.emplace(relax.begin(), std::move(within));
    return relax;
  }

  static double least_effort(const std::vector<Segment>& segments, double need) {
    double cost = 0;
    for (const Segment& s : segments) {
      if (need <= 0) return cost;
      if (s.rise >= need) return cost + (s.effort > 0 ? need / s.slope() : 0);
      need -= s.rise;
      cost += s.effort;
    }
    return need <= 0 ? cost : std::numeric_limits<double>::infinity();
  }

  // An axis's candidates up to the reach of the best effort so far, as
  // the stretches between values scored first.
  struct Listing {
    // Ascending. For a discrete axis or a count, candidates: the least,
    // those nearest halvings of the effort below the first 64th and 64
    // even steps of it, and the largest; each ends the stretch of
    // candidates after the one before. Rising along a grid, its listed
    // values and the limit.
    std::vector<double> at;
    std::vector<double> rise;   // per value: its rise alone
    std::vector<double> least;  // per value: no candidate of its stretch costs less effort
    // Rising along a grid: values spread along it with their rises (for
    // the first plan), and the staircase majorant they give, as points
    // (effort, rise): each value's rise may come just above the one before.
    std::vector<std::pair<double, double>> grid;
    std::vector<std::pair<double, double>> staircase;
    bool free = false;
  };

  double rise_at(const Axis& a, double x) { return std::max(0.0, probe_.score_raw_with(a.column, x) - raw0_); }

  // Fills `l` for axis `a`, scoring its values.
  void list(const Axis& a, const Candidates& cands, Listing& l) {
    const double limit = std::min(a.reach(best_), a.cap);
    l.free = !a.discrete && a.step < 1;
    if (!(limit > a.from)) return;
    const double top = a.effort(limit);
    if (!l.free) {
      const double first = cands.above(a.from);
      if (std::isnan(first) || first > limit) return;
      std::vector<double> at = cands.spread(a.from, limit, sample_size);
      at.push_back(first);
      at.push_back(cands.at_most(limit));
      for (double e = top / 64; e > a.effort(first); e /= 2) at.push_back(cands.at_most(a.reach(e)));
      std::sort(at.begin(), at.end());
      at.erase(std::unique(at.begin(), at.end()), at.end());
      double before = a.from;
      for (double x : at) {
        if (!(x >= first)) continue;  // NaN: no candidate there
        l.at.push_back(x);
        l.rise.push_back(rise_at(a, x));
        const double next = before == a.from ? x : cands.above(before);  // the stretch's least candidate
        l.least.push_back(a.effort(std::isnan(next) ? x : std::min(next, x)));
        before = x;
      }
      return;
    }
    for (double x : a.listed)  // the ends of its pieces
      if (x <= limit) l.at.push_back(x);
    if (l.at.empty() || l.at.back() < limit) l.at.push_back(limit);
    for (double x : l.at) {
      l.rise.push_back(rise_at(a, x));
      l.least.push_back(a.effort(x));
    }
    // Along the grid: the least value above today's, halvings of the
    // effort below the first of 64 even steps, the 64, and the limit.
    const double per = 1 / a.step;
    auto on_grid = [&](double x) { return std::min(limit, std::ceil(x * per - 1e-9) / per); };
    std::vector<double> xs = {on_grid(std::floor(a.from * per + 1e-9) / per + a.step)};
    for (double e = top / 64; e * a.base() > a.step; e /= 2) xs.push_back(on_grid(a.reach(e)));
    for (int k = 2; k <= 64; ++k) xs.push_back(on_grid(a.reach(top * k / 64)));
    xs.push_back(limit);
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
    double before = 0;
    for (double x : xs) {
      if (!(x > a.from)) continue;
      const double r = rise_at(a, x);
      l.grid.emplace_back(x, r);
      l.staircase.emplace_back(before, r);
      before = a.effort(x);
    }
  }

  // The Lagrangian bound at the slope where the relaxation over the
  // samples' staircases meets the need: with lambda >= 0 and each axis's
  // rises r_k bounded by a majorant, any plan reaching the target has
  // sum r_k >= need, so its effort is at least
  //   lambda need + sum_k phi_k + sum_k (e_k - lambda r_k - phi_k),
  // phi_k the least of e - lambda r over the axis's majorant (0 unchanged);
  // each term of the last sum (a reduced cost) is >= 0.
  struct Lagrangian {
    bool feasible = true;  // else no plan meets the need
    double lambda = 0, bound = 0;
    double gap = std::numeric_limits<double>::infinity();  // best - bound
    std::vector<double> phi;
  };

  // Each axis's majorants from its values scored first: the hull of its
  // listed points (for a discrete axis or a count its stretches'), and for
  // one rising along a grid also with its staircase; their segments by
  // falling slope, with the listed hulls for grid axes (base) and with the
  // staircases (all).
  struct Majorants {
    std::vector<std::vector<Segment>> near, far;
    std::vector<Segment> base, all;
  };

  Majorants majorants(const std::vector<Listing>& lists) const {
    Majorants m;
    for (std::size_t k = 0; k < lists.size(); ++k) {
      const Listing& l = lists[k];
      std::vector<std::pair<double, double>> points;
      for (std::size_t i = 0; i < l.at.size(); ++i) points.emplace_back(l.least[i], l.rise[i]);
      std::sort(points.begin(), points.end());
      m.near.push_back(concave_majorant(points));
      if (l.free) {
        points.insert(points.end(), l.staircase.begin(), l.staircase.end());
        std::sort(points.begin(), points.end());
        m.far.push_back(concave_majorant(points));
      } else {
        m.far.push_back(m.near.back());
      }
      for (Segment& seg : m.near.back()) seg.axis = k;
      for (Segment& seg : m.far.back()) seg.axis = k;
      m.base.insert(m.base.end(), m.near.back().begin(), m.near.back().end());
      m.all.insert(m.all.end(), m.far.back().begin(), m.far.back().end());
    }
    std::stable_sort(m.base.begin(), m.base.end(), by_slope);
    std::stable_sort(m.all.begin(), m.all.end(), by_slope);
    return m;
  }

  // With `anywhere` an axis index, the bound of the plans the search
  // enumerates with that axis (rising along a grid) anywhere on it and the
  // other such axes at their listed values; with n, none anywhere; with
  // all_anywhere, of every plan.
  Lagrangian lagrangian(const Majorants& m, std::size_t anywhere) const {
    const std::size_t n = m.near.size();
    Lagrangian lag;
    lag.phi.assign(n, 0.0);
    if (!(need_ > 0)) return lag;
    // The slope at which the relaxation meets the need: a walk by falling
    // slope (for one axis anywhere, a merge of the others' listed hulls
    // with its staircase's).
    const std::vector<Segment>& walk = anywhere == all_anywhere ? m.all : m.base;
    const std::vector<Segment>* own = anywhere < n ? &m.far[anywhere] : nullptr;
    std::size_t i = 0, j = 0;
    double rise = 0;
    bool met = false;
    for (;;) {
      if (own)
        while (i < walk.size() && walk[i].axis == anywhere) ++i;
      const Segment* seg;
      if (i < walk.size() && (!own || j >= own->size() || walk[i].slope() >= (*own)[j].slope())) seg = &walk[i++];
      else if (own && j < own->size()) seg = &(*own)[j++];
      else break;
      rise += seg->rise;
      if (rise >= need_) {
        lag.lambda = seg->rise > 0 ? seg->effort / seg->rise : 0;
        met = true;
        break;
      }
    }
    if (!met) {  // the majorants cannot meet it: no such plan (but keep every candidate for all)
      lag.feasible = anywhere == all_anywhere;
      return lag;
    }
    lag.bound = lag.lambda * need_;
    for (std::size_t k = 0; k < n; ++k) {
      // The least of e - lambda r over the axis's majorant: at a vertex.
      const auto& hull = anywhere == all_anywhere || anywhere == k ? m.far[k] : m.near[k];
      double e = 0, r = 0;
      for (const Segment& seg : hull) {
        e += seg.effort;
        r += seg.rise;
        lag.phi[k] = std::min(lag.phi[k], e - lag.lambda * r);
      }
      lag.bound += lag.phi[k];
    }
    lag.gap = best_ - lag.bound;
    return lag;
  }

  // Adds to v and rise the candidates in (lo, hi] of axis k (hi a
  // candidate with rise `top`; none in the stretch costs less effort than
  // `least`) that a plan cheaper than the best may use: none when under
  // every option the stretch's reduced cost (least less lambda times top,
  // less phi) reaches the gap; else, when it holds many, candidates inside
  // it are scored and each shorter stretch is looked at again.
  void keep(const Axis& a, const Candidates& cands, const std::vector<Lagrangian>& options, std::size_t k, double lo,
            double hi, double least, double top, std::vector<double>& v, std::vector<double>& rise) {
    if (std::all_of(options.begin(), options.end(),
                    [&](const Lagrangian& o) { return least - o.lambda * top - o.phi[k] >= o.gap; }))
      return;
    constexpr int pieces = 8;
    std::vector<double> inside;  // candidates splitting the stretch (repeated peer values may leave none)
    if (cands.about(lo, hi) > 2 * pieces)
      for (double to : cands.spread(lo, hi, pieces))
        if (to < hi) inside.push_back(to);
    if (!inside.empty()) {
      inside.push_back(hi);
      double from = lo;
      for (double to : inside) {
        if (probe_.count() >= budget_) return budget_out();
        const double next = cands.above(from);
        keep(a, cands, options, k, from, to, std::max(from == lo ? least : a.effort(from), std::isnan(next) ? 0.0 : a.effort(next)),
             to == hi ? top : rise_at(a, to), v, rise);
        from = to;
      }
      return;
    }
    for (double x : cands.between(lo, hi)) {
      if (probe_.count() >= budget_) return budget_out();
      v.push_back(x);
      rise.push_back(x == hi ? top : rise_at(a, x));
    }
  }

  // The budget ran out while candidates were scored: no bound holds for
  // those left out, none is claimed.
  void budget_out() { stopped_ = unbounded_ = true; }

  static void sort_together(std::vector<double>& values, std::vector<double>& rises) {
    std::vector<std::size_t> idx(values.size());
    std::iota(idx.begin(), idx.end(), std::size_t{0});
    std::sort(idx.begin(), idx.end(), [&](std::size_t x, std::size_t y) { return values[x] < values[y]; });
    std::vector<double> v, r;
    for (std::size_t i : idx)
      if (v.empty() || values[i] > v.back()) {
        v.push_back(values[i]);
        r.push_back(rises[i]);
      }
    values = std::move(v);
    rises = std::move(r);
  }

  // Best rise per effort first, over the candidates, until the plan's
  // score reaches the target: a first best effort for the search to beat.
  // From any candidate of an axis the best rise per effort is to the next
  // vertex of the hull of its candidates, so the moves are the hulls'
  // segments, all axes' merged by falling slope.
  void greedy(const std::vector<std::vector<double>>& values, const std::vector<std::vector<double>>& rises) {
    struct Move {
      double slope, effort, rise;
      std::size_t axis, to;
    };
    std::vector<Move> moves;
    for (std::size_t k = 0; k < axes_.size(); ++k) {
      std::vector<std::pair<double, double>> points;
      for (std::size_t i = 0; i < values[k].size(); ++i) points.emplace_back(axes_[k].effort(values[k][i]), rises[k][i]);
      std::pair<double, double> from{0.0, 0.0};
      for (std::size_t i : hull_vertices(points)) {
        const Segment seg{points[i].first - from.first, points[i].second - from.second};
        moves.push_back({seg.slope(), seg.effort, seg.rise, k, i});
        from = points[i];
      }
    }
    std::stable_sort(moves.begin(), moves.end(), [](const Move& x, const Move& y) { return x.slope > y.slope; });
    const std::size_t none = std::numeric_limits<std::size_t>::max();
    std::vector<std::size_t> at(axes_.size(), none);  // candidate index per axis
    double spent = 0, rise = 0;
    for (const Move& move : moves) {
      at[move.axis] = move.to;
      spent += move.effort;
      rise += move.rise;
      if (spent >= best_) return;
      if (rise < need_) continue;
      auto value = [&](std::size_t k) { return at[k] == none ? nan() : values[k][at[k]]; };
      for (std::size_t k = 0; k < axes_.size(); ++k)
        probe_.set(axes_[k].column, at[k] == none ? axes_[k].current : value(k));
      const bool reached = probe_.score() >= target_;
      for (const Axis& a : axes_) probe_.set(a.column, a.current);
      if (reached) {
        best_ = spent;
        for (std::size_t k = 0; k < axes_.size(); ++k) best_values_[k] = value(k);
        return;
      }
    }
  }

  void set(std::size_t d, double v) {
    chosen_[order_[d]] = v;
    probe_.set(axis(d).column, std::isnan(v) ? axis(d).current : v);
  }

  void record(double effort, std::size_t d, double v) {
    best_ = effort;
    best_values_ = chosen_;
    best_values_[order_[d]] = v;
  }

  // `reduced`: the reduced costs of the axes above depth d (Lagrangian):
  // a plan below costs at least lagrangian_bound_ + reduced.
  void visit(std::size_t d, double spent, double rise, bool fresh, double reduced) {
    if (probe_.count() + ++nodes_ >= budget_) {
      stopped_ = true;
      return;
    }
    if (!(lagrangian_bound_ + reduced < best_) || !may_beat(d, need_ - rise, best_ - spent)) return;
    // Unchanged since the parent's look (fresh false): it did not reach.
    if (fresh && rise >= need_ && probe_.score() >= target_) {
      best_ = spent;
      best_values_ = chosen_;
      return;
    }
    const std::size_t n = axes_.size();
    if (fresh) {
      // One more indicator rising along its grid, alone, anywhere on it:
      // any left unchanged so far, above this depth or below it.
      for (std::size_t k = 0; k < n; ++k) {
        if (!free_[order_[k]] || !std::isnan(chosen_[order_[k]]) ||
            !(spent + least_effort(own_[order_[k]], need_ - rise) < best_))
          continue;
        const Axis& a = axis(k);
        const double v = least_reaching(snap_, a, probe_, target_, a.reach(best_ - spent));
        if (!std::isnan(v) && spent + a.effort(v) < best_) record(spent + a.effort(v), k, v);
      }
    }
    if (d == n) return;
    const std::size_t k = order_[d];
    // Unchanged: its reduced cost is -phi, but a grid axis left unchanged
    // may still go anywhere in a completion below, at a reduced cost as
    // low as 0.
    visit(d + 1, spent, rise, false, reduced - (free_[k] ? 0.0 : phi_[k]));
    const auto& v = values_[k];
    for (std::size_t i = 0; i < v.size() && !stopped_; ++i) {
      const double e = axis(d).effort(v[i]);
      if (!(spent + e < best_)) break;
      const double r = reduced + e - lambda_ * rises_[k][i] - phi_[k];
      if (!(lagrangian_bound_ + r < best_)) continue;
      set(d, v[i]);
      visit(d + 1, spent + e, rise + rises_[k][i], true, r);
    }
    set(d, nan());
  }

  const Snapshot& snap_;
  std::vector<Axis> axes_;
  Probe& probe_;
  std::int64_t target_;
  std::int64_t budget_;
  static constexpr std::size_t all_anywhere = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t sample_size = 64;  // candidates of an axis scored first, about (and as many halvings)
  double lagrangian_bound_ = 0;              // no plan costs less
  double lambda_ = 0;                        // its multiplier
  std::vector<double> phi_;                  // per axis: its least e - lambda r
  double raw0_ = 0;                          // the raw total today
  double need_ = 0;                          // the rise of the raw total the target needs, at least
  std::vector<std::vector<double>> values_;  // per axis (model order of `axes_`): candidates
  std::vector<std::vector<double>> rises_;   // per axis: the raw total's rise at each candidate alone (>= 0)
  std::vector<char> free_;                   // per axis: rises along a grid of hundredths
  std::vector<std::vector<Segment>> own_;    // per axis: its hull segments (of every value)
  std::vector<std::vector<Segment>> listed_; // per axis: of its candidates only (own_ unless free)
  std::vector<std::size_t> anywhere_;        // the free axes that can rise
  std::vector<std::vector<Relaxation>> relax_;  // per depth (when asked): none anywhere, then each of anywhere_
  std::vector<std::size_t> order_;           // branching order
  std::vector<double> chosen_;               // per axis: NaN unchanged
  double best_ = std::numeric_limits<double>::infinity();
  std::vector<double> best_values_;
  bool stopped_ = false;
  std::int64_t nodes_ = 0;  // visited: with the scores, the search's cost
  double root_bound_ = 0;   // no plan costs less: the Lagrangian bound of every plan (0 when unbounded_)
  bool unbounded_ = false;  // the budget ran out while listing candidates
};

}  // namespace

Plan least_effort_plan(const Snapshot& snap, const std::vector<Axis>& axes, Probe& probe, std::int64_t target,
                       const std::vector<IndicatorPath>& single, const PathOptions& options) {
  Plan plan;
  plan.searched = true;
  const std::int64_t before = probe.count();
  // All at their caps: whether any plan reaches the target.
  for (const Axis& a : axes) probe.set(a.column, a.cap);
  plan.published_units = probe.score();
  for (const Axis& a : axes) probe.set(a.column, a.current);
  plan.reachable = plan.published_units >= target;
  if (!plan.reachable) {
    plan.optimal = true;
    plan.steps = probe.count() - before;
    return plan;
  }
  PlanSearch search(snap, axes, probe, target, before + options.plan_budget);
  // The cheapest single change, or all at their caps.
  std::vector<double> values(axes.size(), std::numeric_limits<double>::quiet_NaN());
  double effort = 0;
  for (std::size_t k = 0; k < axes.size(); ++k) {
    values[k] = axes[k].cap;
    effort += axes[k].effort(axes[k].cap);
  }
  for (std::size_t k = 0; k < axes.size(); ++k)
    if (single[k].reachable && single[k].effort < effort) {
      effort = single[k].effort;
      std::fill(values.begin(), values.end(), std::numeric_limits<double>::quiet_NaN());
      values[k] = single[k].value;
    }
  search.seed(effort, values);
  search.run();
  plan.optimal = !search.stopped();
  values = search.best_values();
  lower_changes(snap, axes, probe, target, values);
  // The plan, re-scored with all its changes.
  plan.effort = 0;
  for (std::size_t k = 0; k < axes.size(); ++k) {
    if (!changed(axes[k], values[k])) continue;
    plan.changes.push_back({axes[k].indicator, axes[k].current, values[k], axes[k].effort(values[k])});
    plan.effort += axes[k].effort(values[k]);
  }
  plan.published_units = probe.score();
  for (const Axis& a : axes) probe.set(a.column, a.current);
  plan.steps = probe.count() - before + search.nodes();
  plan.lower_bound = std::min(plan.effort, search.root_bound());
  if (plan.published_units < target)
    throw Error(ErrorCode::internal, "a plan re-scored below its target (组合方案复核未达目标)");
  return plan;
}

}  // namespace cxjf::detail
