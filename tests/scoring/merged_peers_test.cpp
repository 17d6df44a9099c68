// MergedPeers counts a peer group's values in one merged array: the counts
// must be the Reference's (one search per finest group), for every group
// of every level, at the group's own values, between them and beyond.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <thread>
#include <vector>

#include "cxjf/cxjf.hpp"
#include "scoring/merged_peers.hpp"

namespace cxjf {
namespace {

TEST(MergedPeers, CountsAreTheReferencesInEveryGroup) {
  const Model model = default_model();
  const Snapshot snap = Snapshot::build(model, generate(model, {3000, 19, 0}));
  const Reference& ref = snap.reference;
  const detail::MergedPeers merged(ref);
  std::mt19937_64 random(3);
  int coarse = 0;
  for (std::size_t g = 0; g < ref.groups.size(); ++g) {
    const auto group = static_cast<std::int32_t>(g);
    coarse += ref.groups[g].fine_end - ref.groups[g].fine_begin > 1;
    for (std::size_t j = 0; j < ref.sorted.size(); ++j) {
      const int jj = static_cast<int>(j);
      const auto [first, last] = merged.values(jj, group);
      ASSERT_EQ(last - first, ref.count_at_most(jj, group, INFINITY));
      for (const double* v = first; v != last && v + 1 != last; ++v) ASSERT_LE(*v, *(v + 1));
      std::vector<double> xs = {-1e300, 1e300, 0};
      for (int k = 0; k < 12 && first != last; ++k) {
        const double v = first[random() % static_cast<std::uint64_t>(last - first)];
        xs.push_back(v);
        xs.push_back(std::nextafter(v, -INFINITY));
        xs.push_back(std::nextafter(v, INFINITY));
      }
      for (double x : xs) {
        EXPECT_EQ(merged.count_at_most(jj, group, x), ref.count_at_most(jj, group, x));
        EXPECT_EQ(merged.count_below(jj, group, x), ref.count_below(jj, group, x));
      }
    }
  }
  EXPECT_GT(coarse, 3);  // groups made of several finest groups were merged
}

TEST(MergedPeers, ThreadsAskingForTheSameGroupGetOneMerge) {
  const Model model = default_model();
  const Snapshot snap = Snapshot::build(model, generate(model, {3000, 19, 0}));
  const Reference& ref = snap.reference;
  const detail::MergedPeers merged(ref);
  std::vector<std::int64_t> counts(4);
  std::vector<std::thread> threads;
  const auto last = static_cast<std::int32_t>(ref.groups.size() - 1);  // a coarse group
  for (std::size_t t = 0; t < counts.size(); ++t)
    threads.emplace_back([&, t] {
      for (std::int32_t g = last; g >= 0; --g) counts[t] += merged.count_at_most(0, g, 100.0);
    });
  for (auto& th : threads) th.join();
  std::int64_t expected = 0;
  for (std::int32_t g = last; g >= 0; --g) expected += ref.count_at_most(0, g, 100.0);
  for (std::int64_t c : counts) EXPECT_EQ(c, expected);
}

}  // namespace
}  // namespace cxjf
