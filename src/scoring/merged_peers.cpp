#include "scoring/merged_peers.hpp"

#include <algorithm>

namespace cxjf::detail {

MergedPeers::MergedPeers(const Reference& ref) : ref_(ref), groups_(ref.groups.size()) {
  const std::size_t n = ref.sorted.size() * groups_;
  once_ = std::make_unique<std::once_flag[]>(n);
  merged_.resize(n);
}

std::pair<const double*, const double*> MergedPeers::values(int j, std::int32_t g) const {
  const auto& sorted = ref_.sorted[static_cast<std::size_t>(j)];
  if (sorted.empty() || g < 0) return {nullptr, nullptr};
  const auto& off = ref_.offsets[static_cast<std::size_t>(j)];
  const PeerGroup& group = ref_.groups[static_cast<std::size_t>(g)];
  const auto begin = static_cast<std::size_t>(off[static_cast<std::size_t>(group.fine_begin)]);
  const auto end = static_cast<std::size_t>(off[static_cast<std::size_t>(group.fine_end)]);
  if (group.fine_end - group.fine_begin == 1) return {sorted.data() + begin, sorted.data() + end};
  const std::size_t at = static_cast<std::size_t>(j) * groups_ + static_cast<std::size_t>(g);
  std::call_once(once_[at], [&] {
    // The group's finest groups are consecutive: its values are runs of
    // one slice, merged pairwise.
    std::vector<double> v(sorted.begin() + static_cast<std::ptrdiff_t>(begin), sorted.begin() + static_cast<std::ptrdiff_t>(end));
    std::vector<std::size_t> bounds;
    for (std::int32_t f = group.fine_begin; f <= group.fine_end; ++f)
      bounds.push_back(static_cast<std::size_t>(off[static_cast<std::size_t>(f)]) - begin);
    while (bounds.size() > 2) {
      std::vector<std::size_t> next = {0};
      for (std::size_t r = 0; r + 1 < bounds.size(); r += 2) {
        const std::size_t mid = bounds[r + 1], last = r + 2 < bounds.size() ? bounds[r + 2] : bounds[r + 1];
        std::inplace_merge(v.begin() + static_cast<std::ptrdiff_t>(bounds[r]), v.begin() + static_cast<std::ptrdiff_t>(mid),
                           v.begin() + static_cast<std::ptrdiff_t>(last));
        next.push_back(last);
      }
      bounds = std::move(next);
    }
    merged_[at] = std::move(v);
  });
  const std::vector<double>& v = merged_[at];
  return {v.data(), v.data() + v.size()};
}

std::int64_t MergedPeers::count_at_most(int j, std::int32_t g, double x) const {
  const auto [first, last] = values(j, g);
  return std::upper_bound(first, last, x) - first;
}

std::int64_t MergedPeers::count_below(int j, std::int32_t g, double x) const {
  const auto [first, last] = values(j, g);
  return std::lower_bound(first, last, x) - first;
}

}  // namespace cxjf::detail
