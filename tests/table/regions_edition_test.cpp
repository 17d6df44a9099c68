// A newer GB/T 2260 edition passed by a deployment (Regions::from_csv) is the
// one every component uses: reading, ranks, the snapshot, scopes, uploads.
#include <gtest/gtest.h>

#include <sstream>

#include "cxjf/cxjf.hpp"

namespace cxjf {
namespace {

// The embedded table plus one county that it lacks: 440399 under Shenzhen,
// as if a district had been created after the embedded edition.
std::shared_ptr<const Regions> newer_edition() {
  std::string csv = Regions::builtin().to_csv() + "440399,深圳新区,county,440300\n";
  return std::make_shared<const Regions>(Regions::from_csv(csv, "GB/T 2260 test edition"));
}

// A generated sample with its first `moved` rows moved into 440399, as CSV.
std::string sample_csv(int moved) {
  Table table = generate(default_model(), {400, 17, 0});
  for (int i = 0; i < moved; ++i) table.region[static_cast<std::size_t>(i)] = 440399;
  std::ostringstream out;
  write_table_csv(out, table, default_model());
  return out.str();
}

TEST(RegionEdition, TheTableKeepsTheEditionItWasReadWith) {
  const auto regions = newer_edition();
  EXPECT_FALSE(regions->is_builtin());
  EXPECT_EQ(regions->edition(), "GB/T 2260 test edition");
  EXPECT_TRUE(Regions::builtin().is_builtin());
  EXPECT_EQ(Regions::from_csv(Regions::builtin().to_csv(), "copy").content_hash(), Regions::builtin().content_hash());
  const std::string text = sample_csv(3);
  try {
    parse_table_csv(text, default_model());
    FAIL() << "the embedded edition has no 440399";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("440399 is not a region code of GB/T 2260"), std::string::npos) << e.what();
  }
  CsvReadOptions options;
  options.regions = regions;
  options.threads = 1;
  const Table table = parse_table_csv(text, default_model(), options);
  ASSERT_EQ(table.regions, regions);
  EXPECT_NE(table.region_table().find(440399), nullptr);
  // The embedded table stays implicit.
  CsvReadOptions builtin;
  builtin.regions = std::make_shared<const Regions>(Regions::from_csv(Regions::builtin().to_csv()));
  EXPECT_EQ(parse_table_csv(sample_csv(0), default_model(), builtin).regions, nullptr);
}

TEST(RegionEdition, RanksSnapshotsScopesAndUploadsUseIt) {
  const auto regions = newer_edition();
  CsvReadOptions options;
  options.regions = regions;
  Table table = parse_table_csv(sample_csv(3), default_model(), options);
  // Which of the three moved rows are registered, counted by hand.
  std::vector<std::size_t> moved;
  for (std::size_t i = 0; i < 3; ++i)
    if (table.registered[i]) moved.push_back(i);
  ASSERT_FALSE(moved.empty());
  const Snapshot snap = Snapshot::build(default_model(), std::move(table));
  // County ranks of 440399: 1..k among its own rows, by score.
  std::vector<std::int64_t> county_ranks;
  for (std::int64_t i = 0; i < snap.table.size(); ++i)
    if (snap.table.region[static_cast<std::size_t>(i)] == 440399)
      county_ranks.push_back(snap.scores.rank[static_cast<std::size_t>(RankLevel::county)][static_cast<std::size_t>(i)]);
  ASSERT_EQ(county_ranks.size(), moved.size());
  std::sort(county_ranks.begin(), county_ranks.end());
  EXPECT_EQ(county_ranks.front(), 1);
  EXPECT_LE(county_ranks.back(), static_cast<std::int64_t>(county_ranks.size()));

  // The snapshot keeps the edition; a load gives the same scores with it.
  const Snapshot loaded = Snapshot::from_bytes(snap.to_bytes());
  ASSERT_NE(loaded.table.regions, nullptr);
  EXPECT_EQ(loaded.table.region_table().edition(), "GB/T 2260 test edition");
  EXPECT_EQ(loaded.table.region_table().content_hash(), regions->content_hash());
  EXPECT_EQ(loaded.scores.published_units, snap.scores.published_units);
  EXPECT_EQ(loaded.scores.rank, snap.scores.rank);

  // The new county is a principal's scope; its enterprises are listed.
  const OverviewIndex index(loaded);
  const std::string answer =
      query_json(index, R"({"principal": {"role": "county", "code": "440399"}, "kind": "overview"})");
  EXPECT_EQ(answer.find("\"error\""), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"total\": " + std::to_string(moved.size())), std::string::npos) << answer;

  // An upload row in the new county is read with the snapshot's edition.
  Table fresh = generate(default_model(), {1, 99, 0});
  fresh.region[0] = 440399;
  std::ostringstream csv;
  write_table_csv(csv, fresh, default_model());
  UploadOptions upload_options;
  upload_options.regions = loaded.table.regions;
  const EstimationRecord record = Estimator(loaded).estimate(read_upload(csv.str(), default_model(), upload_options),
                                                             Principal{Role::county, "440399", false});
  EXPECT_EQ(record.counts.scored, 1);
  EXPECT_EQ(record.counts.rejected, 0);
  // With the embedded edition the same row is rejected for its region.
  EXPECT_EQ(read_upload(csv.str(), default_model(), UploadOptions{}).table.size(), 0);
}

TEST(RegionEdition, AnEmbeddedSnapshotStoresNoTable) {
  const Snapshot snap = Snapshot::build(default_model(), generate(default_model(), {300, 5, 0}));
  const Snapshot loaded = Snapshot::from_bytes(snap.to_bytes());
  EXPECT_EQ(loaded.table.regions, nullptr);
  EXPECT_EQ(loaded.table.region_table().edition(), Regions::builtin_edition);
}

}  // namespace
}  // namespace cxjf
