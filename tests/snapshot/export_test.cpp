// scores.csv and the ledgers' JSON lines (src/snapshot/export.cpp): byte for byte what
// the sequential ostream writer they replaced wrote, on any thread count.
#include <gtest/gtest.h>

#include <charconv>
#include <sstream>

#include "cxjf/csv.hpp"
#include "cxjf/export.hpp"
#include "testing.hpp"

namespace cxjf {
namespace {

// The writer scores.csv had before the block writer, kept verbatim as the
// independent reference: one ostream insertion per cell.
std::string round_trip(double v) {
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void reference_write_scores(std::ostream& out, const Snapshot& snap) {
  const Model& m = snap.model;
  const Scores& s = snap.scores;
  const Table& t = snap.table;
  out << "\xEF\xBB\xBF"
      << "credit_code,name,region_code,stage,peer_group,score,grade,base,bonus,deduction,veto";
  for (int level = 0; level < rank_level_count; ++level) out << ",rank_" << rank_level_name(static_cast<RankLevel>(level));
  out << "\n";
  for (std::int32_t r : s.order) {
    auto i = static_cast<std::size_t>(r);
    out << t.credit_code[i] << ',' << csv_field(t.name[i]) << ',' << t.region[i] << ','
        << m.stages[static_cast<std::size_t>(s.stage[i])].name_zh << ','
        << csv_field(snap.reference.group_label(m, s.peer_group[i])) << ',' << s.published_text(r) << ','
        << m.grades[static_cast<std::size_t>(s.grade[i])].id << ',' << round_trip(s.base[i]) << ','
        << round_trip(s.bonus[i]) << ',' << round_trip(s.deduction[i]) << ',' << static_cast<int>(s.veto[i]);
    for (int level = 0; level < rank_level_count; ++level) {
      std::int32_t rank = s.rank[static_cast<std::size_t>(level)][i];
      out << ',';
      if (rank > 0) out << rank;
    }
    out << '\n';
  }
}

void reference_write_ledgers(std::ostream& out, const Snapshot& snap) {
  const Explainer explain(snap.model, snap.reference, snap.table);
  for (std::int32_t r : snap.scores.order) {
    std::string json = explain(r).to_json(snap.model, snap.reference, snap.table);
    for (char& c : json)
      if (c == '\n') c = ' ';
    out << json << '\n';
  }
}

// 20,000 generated enterprises (three write batches on two threads), with
// names that need quoting.
const Snapshot& sample() {
  static const Snapshot snap = [] {
    GenerateOptions options;
    options.n = 20000;
    options.seed = 11;
    Table table = generate(default_model(), options);
    table.name[1] = "逗号,公司";
    table.name[2] = "引号\"公司\"";
    table.name[3] = "换行\n公司";
    table.name[4] = "";
    return Snapshot::build(default_model(), std::move(table));
  }();
  return snap;
}

TEST(Export, ScoresCsvIsByteIdenticalToTheSequentialWriter) {
  std::ostringstream expected;
  reference_write_scores(expected, sample());
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    std::ostringstream actual;
    write_scores_csv(actual, sample(), threads);
    EXPECT_TRUE(actual.str() == expected.str()) << "threads " << threads;
  }
  // Every registered enterprise once, after the header.
  const std::string text = expected.str();
  EXPECT_EQ(parse_csv(text).size(), sample().scores.order.size() + 1);
}

TEST(Export, ScoresCsvOfAnEmptySnapshotIsItsHeader) {
  const Snapshot empty = Snapshot::build(default_model(), TableBuilder(default_model()).build());
  std::ostringstream expected, actual;
  reference_write_scores(expected, empty);
  write_scores_csv(actual, empty);
  EXPECT_EQ(actual.str(), expected.str());
}

TEST(Export, LedgersAreByteIdenticalToTheSequentialWriter) {
  GenerateOptions options;
  options.n = 2000;
  const Snapshot snap = Snapshot::build(default_model(), generate(default_model(), options));
  std::ostringstream expected;
  reference_write_ledgers(expected, snap);
  for (unsigned threads : {1u, 2u, 5u}) {
    std::ostringstream actual;
    write_ledgers_jsonl(actual, snap, threads);
    EXPECT_TRUE(actual.str() == expected.str()) << "threads " << threads;
  }
}

}  // namespace
}  // namespace cxjf
