// Snapshot::build on several threads (src/scoring/score.cpp): every published number
// and the reference are bit for bit those of one thread, for both embedded
// models, and an input error is the same whichever thread meets it.
#include <gtest/gtest.h>

#include <sstream>

#include "testing.hpp"

namespace cxjf {
namespace {

Table sample(const Model& model, std::int64_t n, std::uint64_t seed) {
  GenerateOptions options;
  options.n = n;
  options.seed = seed;  // with the default share of unregistered enterprises, which the build drops
  return generate(model, options);
}

Snapshot build_on(const Model& model, const Table& table, unsigned threads) {
  BuildOptions options;
  options.threads = threads;
  return Snapshot::build(model, table, options);
}

std::string reference_bytes(const Reference& ref) {
  std::ostringstream out;
  ref.save(out);
  return out.str();
}

void expect_identical(const Snapshot& a, const Snapshot& b) {
  EXPECT_EQ(a.reference.content_hash, b.reference.content_hash);
  EXPECT_EQ(reference_bytes(a.reference), reference_bytes(b.reference));
  EXPECT_EQ(a.table.credit_code, b.table.credit_code);
  const Scores& x = a.scores;
  const Scores& y = b.scores;
  ASSERT_EQ(x.size(), y.size());
  // Doubles compared with ==: bit for bit, as no score here is NaN.
  EXPECT_EQ(x.total, y.total);
  EXPECT_EQ(x.published_units, y.published_units);
  EXPECT_EQ(x.base, y.base);
  EXPECT_EQ(x.bonus, y.bonus);
  EXPECT_EQ(x.deduction, y.deduction);
  EXPECT_EQ(x.veto, y.veto);
  EXPECT_EQ(x.imputed, y.imputed);
  EXPECT_EQ(x.stage, y.stage);
  EXPECT_EQ(x.peer_group, y.peer_group);
  EXPECT_TRUE(x.category_points == y.category_points);
  EXPECT_EQ(x.grade, y.grade);
  EXPECT_EQ(x.rank, y.rank);
  EXPECT_EQ(x.order, y.order);
}

class ParallelBuild : public ::testing::TestWithParam<std::string> {};

TEST_P(ParallelBuild, EveryThreadCountGivesTheSameSnapshot) {
  Model model = Model::from_json(builtin_model_json(GetParam()));
  // Large enough for several row blocks per task kind.
  Table table = sample(model, 90000, 17);
  Snapshot one = build_on(model, table, 1);
  ASSERT_GT(one.scores.size(), 0);
  ASSERT_LT(one.scores.size(), table.size());  // unregistered rows were dropped
  for (unsigned threads : {2u, 3u, 0u}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    expect_identical(one, build_on(model, table, threads));
  }
}

TEST_P(ParallelBuild, ThreadsGiveWhatFitThenScoreGives) {
  Model model = Model::from_json(builtin_model_json(GetParam()));
  Table table = sample(model, 30000, 23);
  Snapshot snap = build_on(model, table, 3);
  Reference ref = fit(model, table);
  EXPECT_EQ(ref.content_hash, snap.reference.content_hash);
  Scores scores = score(model, ref, snap.table);
  EXPECT_EQ(scores.total, snap.scores.total);
  EXPECT_EQ(scores.published_units, snap.scores.published_units);
  EXPECT_EQ(scores.rank, snap.scores.rank);
  EXPECT_EQ(scores.order, snap.scores.order);
}

TEST_P(ParallelBuild, ARepeatedCodeIsReportedAlikeOnEveryThreadCount) {
  Model model = Model::from_json(builtin_model_json(GetParam()));
  Table table = sample(model, 50000, 29);
  table.credit_code[45000] = table.credit_code[100];
  std::string first;
  for (unsigned threads : {1u, 2u, 3u}) {
    try {
      build_on(model, table, threads);
      ADD_FAILURE() << "no error on " << threads << " threads";
    } catch (const InputError& e) {
      EXPECT_EQ(e.row(), 45002);
      if (first.empty()) first = e.what();
      EXPECT_EQ(first, e.what()) << threads << " threads";
    }
  }
}

// The repeat reported is the one whose second occurrence comes first, with
// its code's first row, as a brute-force search over all pairs finds it;
// and a long run of one code costs O(n log n), not O(n^2): 200,000 rows of
// one code are refused at once (the pairwise check took minutes).
TEST_P(ParallelBuild, RepeatedCodesAreFoundAsByBruteForceWhateverTheRun) {
  Model model = Model::from_json(builtin_model_json(GetParam()));
  Table table = sample(model, 3000, 31);
  std::uint64_t state = 5;
  auto next = [&] { return static_cast<std::size_t>((state = state * 6364136223846793005ull + 1442695040888963407ull) >> 33); };
  for (int trial = 0; trial < 20; ++trial) {
    Table t = table;
    for (int k = 0; k < 1 + trial % 5; ++k) t.credit_code[next() % 3000] = t.credit_code[next() % 3000];
    std::int64_t first = -1, again = -1;
    for (std::size_t q = 0; q < 3000 && again < 0; ++q)
      for (std::size_t p = 0; p < q; ++p)
        if (t.credit_code[p] == t.credit_code[q]) {
          first = static_cast<std::int64_t>(p);
          again = static_cast<std::int64_t>(q);
          break;
        }
    try {
      build_on(model, t, 2);
      EXPECT_LT(again, 0) << "trial " << trial;
    } catch (const InputError& e) {
      EXPECT_EQ(e.row(), again + 2) << "trial " << trial;
      EXPECT_NE(std::string(e.what()).find("first at row " + std::to_string(first + 2)), std::string::npos) << e.what();
    }
  }
  Table same = sample(model, 200000, 32);
  for (auto& code : same.credit_code) code = same.credit_code[0];
  try {
    build_on(model, same, 2);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.row(), 3);
    EXPECT_NE(std::string(e.what()).find("first at row 2"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Scores, ParallelBuild, ::testing::Values("torch-2022", "torch-2025-trial"));

}  // namespace
}  // namespace cxjf
