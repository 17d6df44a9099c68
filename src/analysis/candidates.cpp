// The values of an axis worth trying (analysis/probe.hpp, Candidates):
// found in the sorted runs of its peer group's values (one when merged)
// by binary searches, never listed whole.
#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/probe.hpp"

namespace cxjf::detail {

Candidates::Candidates(const Snapshot& snap, const Axis& axis, const MergedPeers* merged)
    : axis_(axis), listed_(axis.listed) {
  count_ = !axis.discrete && axis.step >= 1;
  if (!axis.peers) return;
  const auto j = static_cast<std::size_t>(axis.indicator);
  transform_ = snap.model.indicators[j].transform;
  peers_ = true;
  const std::int32_t group = static_cast<std::int32_t>(axis.peers - snap.reference.groups.data());
  if (merged) {
    runs_.push_back(merged->values(axis.indicator, group));
  } else {
    const auto& sorted = snap.reference.sorted[j];
    const auto& off = snap.reference.offsets[j];
    for (std::int32_t f = axis.peers->fine_begin; f < axis.peers->fine_end; ++f)
      runs_.emplace_back(sorted.data() + off[static_cast<std::size_t>(f)], sorted.data() + off[static_cast<std::size_t>(f) + 1]);
  }
  from_t_ = apply_transform(transform_, axis.from);
  cap_t_ = apply_transform(transform_, axis.cap);
  // Under mean or strict ties the share rises just above a peer value, also
  // one at or below today's (a peer tied with the enterprise passes below it
  // at the next grid value): the value just above the largest such peer.
  if (axis.above_peers) {
    double below = std::numeric_limits<double>::quiet_NaN();
    for (const auto& [first, last] : runs_) {
      const double* k = std::upper_bound(first, last, from_t_);
      if (k != first && !(*(k - 1) <= below)) below = *(k - 1);
    }
    if (!std::isnan(below)) {
      const double p = inverse_transform(transform_, below);
      const double c = std::min(grid_above(p, axis.step), next_peer(p));
      if (c > axis.from && c <= axis.cap) {
        listed_.insert(std::upper_bound(listed_.begin(), listed_.end(), c), c);
        listed_.erase(std::unique(listed_.begin(), listed_.end()), listed_.end());
      }
    }
  }
}

// A peer value is a candidate by its stored (transformed) value (above
// today's, up to the cap's); it is searched by its raw value, so the
// searches take one stored value more on each side (a transform and its
// inverse may differ by a rounding) and the raw value decides.
std::vector<double> Candidates::peers_between(double lo, double hi) const {
  std::vector<double> out;
  if (!peers_ || !(hi > lo)) return out;
  const double tlo = apply_transform(transform_, lo), thi = apply_transform(transform_, hi);
  for (const auto& [first, last] : runs_) {
    auto i = std::lower_bound(first, last, tlo);
    auto k = std::upper_bound(i, last, thi);
    if (i != first) --i;
    if (k != last) ++k;
    for (; i != k; ++i) {
      if (!valid(*i)) continue;
      const double v = inverse_transform(transform_, *i);
      if (v > lo && v <= hi) out.push_back(v);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double Candidates::next_peer(double x) const {
  double best = axis_.cap;
  const double tx = apply_transform(transform_, x);
  for (const auto& [first, last] : runs_) {
    auto i = std::upper_bound(first, last, tx);
    if (i != first) --i;
    for (; i != last; ++i) {
      if (!valid(*i)) {
        if (*i > cap_t_) break;
        continue;
      }
      const double v = inverse_transform(transform_, *i);
      if (v > x) {
        best = std::min(best, v);
        break;
      }
    }
  }
  return best;
}

double Candidates::peer_at_most(double x) const {
  double best = std::numeric_limits<double>::quiet_NaN();
  const double tx = apply_transform(transform_, x);
  for (const auto& [first, last] : runs_) {
    auto k = std::upper_bound(first, last, tx);
    if (k != last) ++k;
    while (k != first) {
      --k;
      if (!valid(*k)) {
        if (*k <= from_t_) break;
        continue;
      }
      const double v = inverse_transform(transform_, *k);
      if (v <= x) {
        if (!(v <= best)) best = v;
        break;
      }
    }
  }
  return best;
}

std::vector<double> Candidates::between(double lo, double hi) const {
  lo = std::max(lo, axis_.from);
  hi = std::min(hi, axis_.cap);
  std::vector<double> out;
  if (!(hi > lo)) return out;
  for (double v : listed_)
    if (v > lo && v <= hi) out.push_back(v);
  if (count_) {
    for (double x = std::floor(lo + 1e-9) + 1; x <= hi; x += 1) out.push_back(x);
  } else if (!axis_.above_peers) {
    const std::vector<double> peers = peers_between(lo, hi);
    out.insert(out.end(), peers.begin(), peers.end());
  } else {
    // A peer just below lo may have its companion above it.
    const std::vector<double> peers = peers_between(lo - 2 * axis_.step, hi);
    const double after = peers.empty() ? 0 : next_peer(peers.back());
    for (std::size_t i = 0; i < peers.size(); ++i) {
      const double v = peers[i];
      const double c = std::min(grid_above(v, axis_.step), i + 1 < peers.size() ? peers[i + 1] : after);
      if (v > lo && v <= hi) out.push_back(v);
      if (c > lo && c <= hi) out.push_back(c);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double Candidates::at_most(double x) const {
  x = std::min(x, axis_.cap);
  double best = std::numeric_limits<double>::quiet_NaN();
  auto take = [&](double v) {
    if (v > axis_.from && v <= x && !(v <= best)) best = v;
  };
  for (double v : listed_) take(v);
  if (count_) {
    take(std::floor(x + 1e-9));
  } else if (peers_) {
    const double p = peer_at_most(x);
    if (!std::isnan(p)) {
      take(p);
      if (axis_.above_peers) take(std::min(grid_above(p, axis_.step), next_peer(p)));
    }
  }
  return best;
}

double Candidates::above(double x) const {
  double best = std::numeric_limits<double>::quiet_NaN();
  auto take = [&](double v) {
    if (v > x && v > axis_.from && v <= axis_.cap && !(v >= best)) best = v;
  };
  for (double v : listed_) take(v);
  if (count_) {
    take(std::floor(std::max(x, axis_.from) + 1e-9) + 1);
  } else if (peers_) {
    const double next = next_peer(x);
    if (next < axis_.cap || valid(apply_transform(transform_, next))) take(next);
    if (axis_.above_peers) {
      const double p = peer_at_most(x);
      if (!std::isnan(p)) take(std::min(grid_above(p, axis_.step), next_peer(p)));
    }
  }
  return best;
}

std::vector<double> Candidates::spread(double lo, double hi, int m) const {
  lo = std::max(lo, axis_.from);
  hi = std::min(hi, axis_.cap);
  std::vector<double> out;
  if (!(hi > lo) || m <= 0) return out;
  if (count_) {
    const double first = std::floor(lo + 1e-9) + 1, last = std::floor(hi + 1e-9);
    for (int k = 1; k <= m; ++k) out.push_back(std::floor(first + (last - first) * k / m + 1e-9));
  } else if (peers_) {
    // Each run's share of the m, at even positions within it: ranks of
    // the merged runs, about evenly spread.
    const double tlo = apply_transform(transform_, lo), thi = apply_transform(transform_, hi);
    std::int64_t total = 0;
    std::vector<std::pair<const double*, const double*>> ranges;
    for (const auto& [first, last] : runs_) {
      const double* i = std::upper_bound(first, last, tlo);
      const double* k = std::upper_bound(i, last, thi);
      ranges.emplace_back(i, k);
      total += k - i;
    }
    if (total == 0) return out;
    const double every = static_cast<double>(total) / m;
    for (const auto& [i, k] : ranges)
      for (double pos = every - 1; pos < static_cast<double>(k - i); pos += every) {
        const double stored = i[static_cast<std::ptrdiff_t>(pos)];
        if (!valid(stored)) continue;
        const double v = inverse_transform(transform_, stored);
        if (v > lo && v <= hi) out.push_back(v);
      }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::int64_t Candidates::about(double lo, double hi) const {
  if (count_) return static_cast<std::int64_t>(std::max(0.0, std::floor(hi) - std::floor(lo)));
  std::int64_t n = 0;
  if (peers_) {
    const double tlo = apply_transform(transform_, lo), thi = apply_transform(transform_, hi);
    for (const auto& [first, last] : runs_) {
      n += std::upper_bound(first, last, thi) - std::upper_bound(first, last, tlo);
    }
    if (axis_.above_peers) n *= 2;
  }
  return n + static_cast<std::int64_t>(listed_.size());
}

}  // namespace cxjf::detail
