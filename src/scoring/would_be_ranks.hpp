// Internal: the rank a published score would have in a unit of the
// snapshot, for estimation (a newcomer) and the what-if of one enterprise.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "cxjf/snapshot.hpp"

namespace cxjf::detail {

// The unit of a region code at a region level, -1 when it has none there
// (as in Scores::rank).
inline std::int64_t region_unit(RankLevel level, std::int32_t region) {
  switch (level) {
    case RankLevel::national: return 0;
    case RankLevel::province: return region / 10000;
    case RankLevel::city: return region % 10000 == 0 ? -1 : region / 100;
    case RankLevel::county: return region % 100 == 0 ? -1 : region;
    default: return -1;
  }
}

// The published scores of the registered enterprises of each unit, highest
// first, so that the rank a newcomer would have is 1 + the members scoring
// strictly higher (competition) or 1 + the distinct scores higher (dense).
// Published scores are small integers (units of 10^-decimals), so a unit
// whose scores span a range no wider than a few times its size answers from
// a table of that count per score: one memory access where a binary search
// over the nation's 520,000 scores costs about twenty cache misses. Small
// units keep the sorted list.
class WouldBeRanks {
 public:
  WouldBeRanks(const Snapshot& snap, RankLevel level, bool dense) : dense_(dense) {
    const Table& t = snap.table;
    for (std::int32_t r : snap.scores.order) {
      auto i = static_cast<std::size_t>(r);
      std::int64_t unit = -1;
      if (level == RankLevel::zone) unit = t.zone[i];
      else if (level == RankLevel::incubator) unit = t.incubator[i];
      else unit = region_unit(level, t.region[i]);
      if (unit < 0) continue;
      auto [it, inserted] = slot_.try_emplace(unit, static_cast<std::int32_t>(units_.size()));
      if (inserted) units_.emplace_back();
      auto& list = units_[static_cast<std::size_t>(it->second)].scores;
      if (!dense_ || list.empty() || list.back() != snap.scores.published_units[i])
        list.push_back(snap.scores.published_units[i]);
    }
    for (Unit& u : units_) {
      const auto& list = u.scores;  // highest first
      const std::int64_t span = list.front() - list.back() + 1;
      if (list.size() < 64 || span > 4 * static_cast<std::int64_t>(list.size())) continue;
      u.lowest = list.back();
      u.higher.assign(static_cast<std::size_t>(span), 0);
      // higher[v - lowest] = members above v: walk the scores from the top.
      std::size_t above = 0;
      for (std::int64_t v = list.front(); v >= u.lowest; --v) {
        while (above < list.size() && list[above] > v) ++above;
        u.higher[static_cast<std::size_t>(v - u.lowest)] = static_cast<std::int32_t>(above);
      }
      // Below the lowest score every member (or distinct score) is higher,
      // those tied at the lowest included.
      u.count = static_cast<std::int32_t>(list.size());
      u.scores.clear();
      u.scores.shrink_to_fit();
    }
  }
  /// The rank `published` would have in `unit` (1 when the unit has nobody yet).
  std::int32_t rank(std::int64_t unit, std::int64_t published) const {
    auto it = slot_.find(unit);
    if (it == slot_.end()) return 1;
    const Unit& u = units_[static_cast<std::size_t>(it->second)];
    if (!u.higher.empty()) {
      if (published < u.lowest) return u.count + 1;
      const auto at = static_cast<std::size_t>(published - u.lowest);
      return at < u.higher.size() ? u.higher[at] + 1 : 1;
    }
    auto higher = std::lower_bound(u.scores.begin(), u.scores.end(), published, std::greater<>()) - u.scores.begin();
    return static_cast<std::int32_t>(higher) + 1;
  }

 private:
  struct Unit {
    std::vector<std::int64_t> scores;  // highest first (distinct when dense); empty when `higher` is used
    std::int64_t lowest = 0;           // the lowest score, where `higher` starts
    std::vector<std::int32_t> higher;  // per score from `lowest`: members (or distinct scores) above it
    std::int32_t count = 0;            // members (or distinct scores) in all
  };
  bool dense_;
  std::unordered_map<std::int64_t, std::int32_t> slot_;
  std::vector<Unit> units_;
};


}  // namespace cxjf::detail
