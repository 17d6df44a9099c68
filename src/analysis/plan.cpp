// The combined plan of least total effort (include/cxjf/analysis.hpp,
// Plan): a depth-first branch and bound over the indicators an enterprise
// can act on.
//
// Points are coupled: a missing value that appears reweights its category,
// the bonus and the total are capped, the score is rounded. But each
// coupling only takes away: the rise of the raw total (before caps and
// rounding) from several changes together is at most the sum of their
// rises alone, counting a fall as 0. For a category reweighted over the
// present weights P, changes with excess x_i (points above the category's
// average) and weights w_i give (sum x_i) / (P + sum w_i) <= sum over
// positive x_i of x_i / (P + w_i); the bonus and total caps are concave.
// So the rises alone, computed once per candidate, bound every branch from
// above without scoring it; only plans whose bound reaches the target are
// scored, with all their values at once, and only a scored plan counts.
//
// A node fixes the first d indicators (each unchanged or at one of its
// candidate values) and is cut when its effort plus a lower bound of the
// effort the rest need reaches the best plan's. The bound is the linear
// relaxation of the knapsack: each remaining indicator's rise as a
// function of its effort is bounded above by a concave majorant (the upper
// hull of its candidates' rises, and for one rising along a grid of
// hundredths, of 64 samples each standing for the stretch below it); the
// least effort under those majorants is a greedy pick of hull segments by
// rise per effort. Indicators whose points change only at some values
// (percentile, steps, yes/no) and counts are tried at every such value;
// those rising along a grid of hundredths at the ends of their pieces the
// model fixes (breakpoints, a constant full mark) and their caps, and each
// of them still unchanged completes a node at the least value of its grid
// that reaches the target (a bisection). They come last in the order; the
// others come by their number of
// candidates, so that long candidate lists sit deep. A greedy plan (best
// rise per effort first) starts the search with a low best effort.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "analysis/probe.hpp"

namespace cxjf::detail {
namespace {

// A piece of a concave majorant: `rise` more for `effort` more.
struct Segment {
  double effort = 0, rise = 0;
  double slope() const { return effort > 0 ? rise / effort : std::numeric_limits<double>::infinity(); }
};

// The upper concave hull from (0, 0) through points (effort, rise) sorted
// by effort, as segments of falling slope.
std::vector<Segment> concave_majorant(std::vector<std::pair<double, double>> points) {
  std::vector<std::pair<double, double>> hull = {{0.0, 0.0}};
  double top = 0;
  for (const auto& pt : points) {
    if (pt.second <= top) continue;  // below a point already reached more cheaply
    top = pt.second;
    while (hull.size() >= 2) {
      const auto& a = hull[hull.size() - 2];
      const auto& b = hull.back();
      // b is under the chord from a to pt: drop it.
      if ((b.second - a.second) * (pt.first - a.first) <= (pt.second - a.second) * (b.first - a.first)) hull.pop_back();
      else break;
    }
    hull.push_back(pt);
  }
  std::vector<Segment> out;
  for (std::size_t i = 1; i < hull.size(); ++i)
    out.push_back({hull[i].first - hull[i - 1].first, hull[i].second - hull[i - 1].second});
  return out;
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
    const double raw0 = probe_.raw();
    need_ = static_cast<double>(target_ - 1) * unit - raw0 - 1e-9;
    std::vector<std::vector<Segment>> hulls;
    for (const Axis& a : axes_) {
      const double limit = a.reach(best_);
      const bool free = !a.discrete && a.step < 1;
      std::vector<double> v;
      if (a.discrete) {
        bool cut = false;
        v = discrete_values(snap_, a, limit, budget_ - probe_.count(), &cut);
        if (cut) stopped_ = unbounded_ = true;
      } else if (a.step >= 1) {  // a count: every whole value, as far as the budget lists
        for (double x = std::floor(a.from + 1e-9) + 1; x <= limit; x += 1) {
          if (static_cast<std::int64_t>(v.size()) >= budget_ - probe_.count()) {
            stopped_ = unbounded_ = true;
            break;
          }
          v.push_back(x);
        }
        if (!unbounded_ && a.cap <= limit && (v.empty() || v.back() < a.cap)) v.push_back(a.cap);
      } else {
        for (double x : a.listed)  // the ends of its pieces
          if (x <= limit) v.push_back(x);
        if (limit > a.from && (v.empty() || v.back() < limit)) v.push_back(limit);
      }
      std::vector<double> rise;
      std::vector<std::pair<double, double>> points;
      for (double x : v) {
        if (probe_.count() >= budget_) {  // no bound holds for the values left out: none claimed
          stopped_ = unbounded_ = true;
          v.resize(rise.size());
          break;
        }
        rise.push_back(std::max(0.0, probe_.score_raw_with(a.column, x) - raw0));
        if (!free) points.emplace_back(a.effort(x), rise.back());
      }
      if (free && limit > a.from) {
        // Samples up to the limit; each rise may already come just above
        // the sample before it.
        constexpr int samples = 64;
        double before = 0;
        for (int s = 1; s <= samples; ++s) {
          const double e = a.effort(limit) * s / samples;
          points.emplace_back(before, std::max(0.0, probe_.score_raw_with(a.column, a.reach(e)) - raw0));
          before = e;
        }
        for (std::size_t i = 0; i < v.size(); ++i) points.emplace_back(a.effort(v[i]), rise[i]);
        std::sort(points.begin(), points.end());
        // Running maximum: the rise never falls with effort.
        for (std::size_t i = 1; i < points.size(); ++i) points[i].second = std::max(points[i].second, points[i - 1].second);
      }
      hulls.push_back(concave_majorant(points));
      own_.push_back(hulls.back());
      free_.push_back(free);
      values_.push_back(std::move(v));
      rises_.push_back(std::move(rise));
    }
    std::vector<std::size_t> order(axes_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      if (free_[x] != free_[y]) return free_[y] != 0;
      return values_[x].size() < values_[y].size();
    });
    order_ = order;
    // The hull segments of the indicators from depth d on, by falling slope.
    suffix_.assign(axes_.size() + 1, {});
    for (std::size_t d = axes_.size(); d-- > 0;) {
      suffix_[d] = suffix_[d + 1];
      const auto& h = hulls[order_[d]];
      suffix_[d].insert(suffix_[d].end(), h.begin(), h.end());
      std::stable_sort(suffix_[d].begin(), suffix_[d].end(),
                       [](const Segment& x, const Segment& y) { return x.slope() > y.slope(); });
    }
    root_bound_ = unbounded_ ? 0 : lower_bound(0, need_);
    greedy();
    if (!stopped_) visit(0, 0.0, 0.0, true);
  }

  const std::vector<double>& best_values() const { return best_values_; }
  bool stopped() const { return stopped_; }
  std::int64_t nodes() const { return nodes_; }
  double root_bound() const { return root_bound_; }

 private:
  static double nan() { return std::numeric_limits<double>::quiet_NaN(); }
  const Axis& axis(std::size_t d) const { return axes_[order_[d]]; }

  // The least effort the indicators from depth d on need for `need` more
  // rise, under their concave majorants (infinite when they cannot).
  double lower_bound(std::size_t d, double need) const { return least_effort(suffix_[d], need); }

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

  // Best rise per effort first, over the candidates, until the plan's
  // score reaches the target: a first best effort for the search to beat.
  void greedy() {
    std::vector<int> at(axes_.size(), -1);  // candidate index per axis
    double spent = 0, rise = 0;
    for (;;) {
      if (rise >= need_) {
        for (std::size_t k = 0; k < axes_.size(); ++k)
          probe_.set(axes_[k].column, at[k] < 0 ? axes_[k].current : values_[k][static_cast<std::size_t>(at[k])]);
        const bool reached = probe_.score() >= target_;
        for (const Axis& a : axes_) probe_.set(a.column, a.current);
        if (reached) {
          if (spent < best_) {
            best_ = spent;
            for (std::size_t k = 0; k < axes_.size(); ++k)
              best_values_[k] = at[k] < 0 ? nan() : values_[k][static_cast<std::size_t>(at[k])];
          }
          return;
        }
      }
      double best_ratio = -1;
      std::size_t pick = 0;
      int to = -1;
      for (std::size_t k = 0; k < axes_.size(); ++k) {
        const double e0 = at[k] < 0 ? 0 : axes_[k].effort(values_[k][static_cast<std::size_t>(at[k])]);
        const double r0 = at[k] < 0 ? 0 : rises_[k][static_cast<std::size_t>(at[k])];
        for (std::size_t i = static_cast<std::size_t>(at[k] + 1); i < values_[k].size(); ++i) {
          const double de = axes_[k].effort(values_[k][i]) - e0, dr = rises_[k][i] - r0;
          const double ratio = de > 0 ? dr / de : (dr > 0 ? std::numeric_limits<double>::infinity() : 0);
          if (dr > 0 && ratio > best_ratio) {
            best_ratio = ratio;
            pick = k;
            to = static_cast<int>(i);
          }
        }
      }
      if (to < 0) return;  // nothing left to raise
      const double e0 = at[pick] < 0 ? 0 : axes_[pick].effort(values_[pick][static_cast<std::size_t>(at[pick])]);
      const double r0 = at[pick] < 0 ? 0 : rises_[pick][static_cast<std::size_t>(at[pick])];
      spent += axes_[pick].effort(values_[pick][static_cast<std::size_t>(to)]) - e0;
      rise += rises_[pick][static_cast<std::size_t>(to)] - r0;
      at[pick] = to;
      if (spent >= best_) return;
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

  void visit(std::size_t d, double spent, double rise, bool fresh) {
    if (probe_.count() + ++nodes_ >= budget_) {
      stopped_ = true;
      return;
    }
    if (!(spent + lower_bound(d, need_ - rise) < best_)) return;
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
    visit(d + 1, spent, rise, false);
    const auto& v = values_[order_[d]];
    for (std::size_t i = 0; i < v.size() && !stopped_; ++i) {
      const double e = spent + axis(d).effort(v[i]);
      if (!(e < best_)) break;
      set(d, v[i]);
      visit(d + 1, e, rise + rises_[order_[d]][i], true);
    }
    set(d, nan());
  }

  const Snapshot& snap_;
  std::vector<Axis> axes_;
  Probe& probe_;
  std::int64_t target_;
  std::int64_t budget_;
  double need_ = 0;                          // the rise of the raw total the target needs, at least
  std::vector<std::vector<double>> values_;  // per axis (model order of `axes_`): candidates
  std::vector<std::vector<double>> rises_;   // per axis: the raw total's rise at each candidate alone (>= 0)
  std::vector<char> free_;                   // per axis: rises along a grid of hundredths
  std::vector<std::vector<Segment>> own_;    // per axis: its hull segments
  std::vector<std::vector<Segment>> suffix_; // per depth: hull segments of the axes from there on
  std::vector<std::size_t> order_;           // branching order
  std::vector<double> chosen_;               // per axis: NaN unchanged
  double best_ = std::numeric_limits<double>::infinity();
  std::vector<double> best_values_;
  bool stopped_ = false;
  std::int64_t nodes_ = 0;  // visited: with the scores, the search's cost
  double root_bound_ = 0;   // the linear relaxation's least effort at the root
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
  // The plan, re-scored with all its changes.
  plan.effort = 0;
  for (std::size_t k = 0; k < axes.size(); ++k) {
    const double v = search.best_values()[k];
    if (std::isnan(v) || v == axes[k].current) continue;  // unchanged (a missing value set to 0 is a change)
    plan.changes.push_back({axes[k].indicator, axes[k].current, v, axes[k].effort(v)});
    plan.effort += axes[k].effort(v);
    probe.set(axes[k].column, v);
  }
  plan.published_units = probe.score();
  for (const Axis& a : axes) probe.set(a.column, a.current);
  plan.steps = probe.count() - before + search.nodes();
  plan.lower_bound = plan.optimal ? plan.effort : std::min(plan.effort, search.root_bound());
  if (plan.published_units < target)
    throw Error(ErrorCode::internal, "a plan re-scored below its target (组合方案复核未达目标)");
  return plan;
}

}  // namespace cxjf::detail
