// merge_references (src/scoring/reference_merge.cpp): the references fitted
// on a population's parts merge into the reference fitted on the whole, byte
// for byte, whatever the parts (an empty one, one holding a single peer
// group, uneven ones), their order and their grouping; scores against the
// merged reference are the one-machine scores.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "scoring/fit.hpp"
#include "testing.hpp"

namespace cxjf {
namespace {

// Rows of `table` where part[i] == k.
Table part_of(const Table& table, const std::vector<int>& part, int k) {
  Table t = table;
  std::vector<bool> keep(part.size());
  for (std::size_t i = 0; i < part.size(); ++i) keep[i] = part[i] == k;
  detail::keep_rows(t, keep);
  return t;
}

// Eight uneven parts: part 1 holds every row of one finest peer group,
// part 2 none, the rest split by a multiplicative hash of the row (so their
// sizes differ), as a partitioned DataFrame would hold them.
std::vector<int> eight_parts(const Model& model, const Table& table) {
  const Reference whole = fit(model, table);
  const Scores s = score(model, whole, table);
  std::int32_t one_group = -1;
  for (std::size_t i = 0; i < s.peer_group.size() && one_group < 0; ++i)
    if (table.registered[i] && whole.groups[static_cast<std::size_t>(s.peer_group[i])].level == 0) one_group = s.peer_group[i];
  std::vector<int> part(static_cast<std::size_t>(table.size()));
  for (std::size_t i = 0; i < part.size(); ++i) {
    const std::uint64_t h = (i + 1) * 0x9E3779B97F4A7C15ull >> 58;  // 0..63
    part[i] = s.peer_group[i] == one_group ? 1 : h < 20 ? 0 : h < 30 ? 3 : h < 36 ? 4 : h < 38 ? 5 : h < 50 ? 6 : 7;
  }
  return part;
}

std::string bytes_of(const Reference& r) { return r.to_bytes(); }

Reference merged(const Model& model, const std::vector<Reference>& refs, const std::vector<std::size_t>& which) {
  std::vector<const Reference*> parts;
  for (std::size_t k : which) parts.push_back(&refs[k]);
  return merge_references(model, parts);
}

void expect_merge_is_fit(const Model& model, const Table& table) {
  const std::vector<int> part = eight_parts(model, table);
  std::vector<Reference> refs;
  std::vector<std::int64_t> sizes;
  for (int k = 0; k < 8; ++k) {
    const Table t = part_of(table, part, k);
    sizes.push_back(t.size());
    refs.push_back(fit(model, t));
  }
  ASSERT_EQ(sizes[2], 0);
  ASSERT_GT(sizes[1], 0);
  ASSERT_EQ(refs[1].fine_count, 1) << "part 1 holds one finest peer group";
  const Reference whole = fit(model, table);
  const Reference m = merged(model, refs, {0, 1, 2, 3, 4, 5, 6, 7});
  EXPECT_EQ(m.content_hash, whole.content_hash);
  EXPECT_EQ(bytes_of(m), bytes_of(whole));
  // Another order, and merges of merges.
  EXPECT_EQ(bytes_of(merged(model, refs, {7, 2, 5, 0, 3, 6, 1, 4})), bytes_of(whole));
  const std::vector<Reference> halves = {merged(model, refs, {0, 1, 2, 3}), merged(model, refs, {4, 5, 6, 7})};
  EXPECT_EQ(bytes_of(merged(model, halves, {1, 0})), bytes_of(whole));
  // Each part scored against the merged reference as members: the whole's scores.
  const Scores all = score(model, whole, table);
  for (int k = 0; k < 8; ++k) {
    const Table t = part_of(table, part, k);
    const Scores s = score(model, m, t);
    std::size_t row = 0;
    for (std::size_t i = 0; i < part.size(); ++i) {
      if (part[i] != k) continue;
      EXPECT_EQ(s.published_units[row], all.published_units[i]);
      EXPECT_EQ(s.total[row], all.total[i]);
      EXPECT_EQ(s.peer_group[row], all.peer_group[i]);
      ++row;
    }
  }
}

TEST(MergeReferences, EqualsTheFitOfTheWholeForTheDefaultModel) {
  const Model model = default_model();
  expect_merge_is_fit(model, generate(model, {6000, 17, 0.08}));
}

TEST(MergeReferences, EqualsTheFitOfTheWholeForEveryEmbeddedModel) {
  for (const std::string& id : builtin_model_ids()) {
    SCOPED_TRACE(id);
    const Model model = Model::from_json(builtin_model_json(id));
    expect_merge_is_fit(model, generate(model, {3000, 5, 0.05}));
  }
}

// A value of -0 is the value 0 whichever way a part's fit reads it: a part
// of whole hundredths only and a part with a finer value read it alike.
TEST(MergeReferences, NegativeZeroIsZeroInEveryPart) {
  const Model model = default_model();
  Table table = generate(model, {400, 3, 0});
  const Eigen::Index col = 0;
  std::vector<int> part(static_cast<std::size_t>(table.size()));
  for (std::size_t i = 0; i < part.size(); ++i) part[i] = i % 2 == 0 ? 0 : 1;
  table.values(0, col) = -0.0;                       // part 0: whole hundredths only
  table.values(1, col) = 0.123456;                   // part 1: a finer value, read by its bits
  table.values(3, col) = -0.0;
  for (Eigen::Index i = 2; i < table.values.rows(); i += 2) table.values(i, col) = std::round(table.values(i, col) * 100) / 100;
  const Reference a = fit(model, part_of(table, part, 0)), b = fit(model, part_of(table, part, 1));
  EXPECT_EQ(bytes_of(merge_references(model, {&a, &b})), bytes_of(fit(model, table)));
}

TEST(MergeReferences, RefusesAPartOfAnotherModel) {
  const Model model = default_model();
  const Model other = Model::from_json(builtin_model_json(builtin_model_ids().back()));
  ASSERT_NE(model.id, other.id);
  const Reference a = fit(model, generate(model, {100, 1, 0}));
  const Reference b = fit(other, generate(other, {100, 1, 0}));
  EXPECT_THROW(merge_references(model, {&a, &b}), Error);
  EXPECT_THROW(merge_references(model, {&a, nullptr}), Error);
  // No part: the fit of no rows.
  Table none = generate(model, {10, 1, 0});
  detail::keep_rows(none, std::vector<bool>(10, false));
  EXPECT_EQ(bytes_of(merge_references(model, {})), bytes_of(fit(model, none)));
}

}  // namespace
}  // namespace cxjf
