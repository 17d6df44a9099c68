// The snapshot file (src/snapshot.cpp): round trip, and refusal of truncated,
// foreign and damaged files.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "testing.hpp"

namespace cxjf {
namespace {

std::string temp_path(const std::string& name) {
  return (std::string(::testing::TempDir()) + "cxjf_" + name);
}

using testing::read_all;
using testing::write_all;

const Snapshot& sample_snapshot() {
  static const Snapshot snap = [] {
    GenerateOptions options;
    options.n = 3000;
    return Snapshot::build(default_model(), generate(default_model(), options));
  }();
  return snap;
}

void expect_load_error(const std::string& path, const std::string& fragment) {
  try {
    Snapshot::load(path);
    FAIL() << "expected the snapshot to be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::corrupt_snapshot) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Snapshot, RoundTripGivesIdenticalScores) {
  const Snapshot& snap = sample_snapshot();
  std::string path = temp_path("round.snap");
  snap.save(path);
  Snapshot back = Snapshot::load(path);
  EXPECT_EQ(back.model.to_json(), snap.model.to_json());
  EXPECT_EQ(back.reference.content_hash, snap.reference.content_hash);
  EXPECT_EQ(back.table.credit_code, snap.table.credit_code);
  EXPECT_TRUE(back.table.values.cwiseEqual(snap.table.values).count() ==
              static_cast<Eigen::Index>(snap.table.values.size() - snap.table.values.array().isNaN().count()));
  EXPECT_EQ(back.scores.published_units, snap.scores.published_units);
  EXPECT_EQ(back.scores.total, snap.scores.total);
  EXPECT_EQ(back.scores.rank, snap.scores.rank);
  // The loaded reference scores the loaded table exactly as before.
  Scores again = score(back.model, back.reference, back.table);
  EXPECT_EQ(again.published_units, snap.scores.published_units);
  // And explains it the same way.
  EXPECT_EQ(explain(back.model, back.reference, back.table, 7).to_json(back.model, back.reference, back.table),
            explain(snap.model, snap.reference, snap.table, 7).to_json(snap.model, snap.reference, snap.table));
  std::remove(path.c_str());
}

TEST(Snapshot, TruncatedFileIsRefused) {
  std::string path = temp_path("truncated.snap");
  sample_snapshot().save(path);
  std::string bytes = read_all(path);
  for (std::size_t keep : {bytes.size() - 1, bytes.size() / 2, std::size_t{20}}) {
    write_all(path, bytes.substr(0, keep));
    expect_load_error(path, "truncated or damaged");
  }
  write_all(path, bytes.substr(0, 5));
  expect_load_error(path, "not a cxjf snapshot");
  std::remove(path.c_str());
}

TEST(Snapshot, ForeignFileIsRefused) {
  std::string path = temp_path("foreign.snap");
  write_all(path, "credit_code,name\n91350100M000100Y43,某公司\n");
  expect_load_error(path, "not a cxjf snapshot");
  std::remove(path.c_str());
}

TEST(Snapshot, DamagedByteIsRefused) {
  std::string path = temp_path("damaged.snap");
  sample_snapshot().save(path);
  std::string bytes = read_all(path);
  bytes[bytes.size() / 3] ^= 0x20;
  write_all(path, bytes);
  expect_load_error(path, "checksum");
  std::remove(path.c_str());
}

TEST(Snapshot, NewerFormatIsRefusedByVersion) {
  std::string path = temp_path("version.snap");
  sample_snapshot().save(path);
  std::string bytes = read_all(path);
  bytes[8] = 9;  // the format version follows the 8-byte magic
  write_all(path, bytes);
  expect_load_error(path, "format 9");
  std::remove(path.c_str());
}

TEST(Snapshot, MissingFileIsAnIoError) {
  try {
    Snapshot::load(temp_path("does-not-exist.snap"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::io);
  }
}

TEST(Snapshot, DuplicateCreditCodesAreRefused) {
  Model model = testing::model_of({{R"("method": "boolean")", 10}});
  Table table = testing::table_of(model, {{1}, {0}, {1}});
  table.credit_code[2] = table.credit_code[0];
  try {
    Snapshot::build(model, table);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.row(), 4);
    EXPECT_NE(std::string(e.what()).find("row 2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cxjf
