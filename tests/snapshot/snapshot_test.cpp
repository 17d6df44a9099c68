// The snapshot file (src/snapshot/snapshot.cpp): round trip, and refusal of truncated,
// foreign and damaged files.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "base/binary_io.hpp"
#include "snapshot/snapshot_format.hpp"
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

// Formats 1 (uncompressed) and 2 (byte-shuffled frames) are refused with how
// to rebuild them.
TEST(Snapshot, OlderFormatsAreRefusedWithHowToRebuild) {
  for (char format : {1, 2, 3}) {
    std::string bytes = sample_snapshot().to_bytes();
    bytes[8] = format;
    try {
      Snapshot::from_bytes(bytes, "2023.snap");
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::corrupt_snapshot);
      EXPECT_EQ(std::string(e.what()), "2023.snap has snapshot format " + std::to_string(format) +
                                           "; this cxjf reads format 4: score the year again with this cxjf (cxjf "
                                           "score --snapshot)");
    }
  }
}

// A frame claiming more than a writer makes (over 4 MiB, or over 1024 times
// its compressed size) is refused before anything is allocated for it,
// whatever the checksum says.
TEST(Snapshot, AFrameClaimingAnImpossibleSizeIsRefused) {
  // The first frame is the model's JSON, compressed to a few kilobytes: 4 MiB
  // from it would be a ratio over 1024.
  for (std::uint64_t claimed : {std::uint64_t{1} << 50, std::uint64_t{4} << 20}) {
    std::string bytes = sample_snapshot().to_bytes();
    // magic, format, section count, the first section's frame count, then
    // the first frame's raw size and its size.
    std::uint64_t size = 0;
    std::memcpy(&size, bytes.data() + 8 + 4 + 8 + 8 + 8, 8);
    ASSERT_LT(size * 1024, claimed);
    std::memcpy(bytes.data() + 8 + 4 + 8 + 8, &claimed, 8);
    const std::uint64_t sum = detail::hash_bytes(std::string_view(bytes).substr(0, bytes.size() - 8));
    std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
    try {
      Snapshot::from_bytes(bytes, "x.snap");
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), "x.snap is damaged: a frame's size is impossible");
    }
  }
}

// Compressed to less than half of its sections' bytes (a national snapshot:
// docs/snapshot.md).
TEST(Snapshot, TheFileIsCompressed) {
  const std::string bytes = sample_snapshot().to_bytes();
  std::size_t raw = 0;
  for (const auto& section : detail::decode_snapshot(bytes, "s", 1).sections) raw += section.size();
  EXPECT_LT(bytes.size(), raw / 2);
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

namespace cxjf {
namespace {

// A crafted file: a changed byte of a section, compressed and checksummed
// again as a writer would. Neither the checksum nor the decompressor refuses
// it, so the structure checks must (or what loads must be consistent and
// answer every query). Run under AddressSanitizer by make check-sanitize,
// this also proves no flip reads or writes out of bounds. 3,000 flips spread
// over every section.
TEST(CraftedSnapshot, EveryFlipIsRefusedOrLoadsConsistent) {
  const Model model = default_model();
  const Snapshot snap = Snapshot::build(model, generate(model, {20, 9, 0}));
  const auto decoded = detail::decode_snapshot(snap.to_bytes(), "s", 1);
  std::string joined;
  for (const auto& section : decoded.sections) joined += section;
  const char* requests[] = {
      R"({"principal": {"role": "torch_center"}, "kind": "overview"})",
      R"({"principal": {"role": "public"}, "kind": "overview"})",
      R"({"principal": {"role": "torch_center"}, "kind": "ranking", "ranking": {"by": "zone"}})",
      R"({"principal": {"role": "torch_center"}, "kind": "list", "list": {"sort": "name"}})",
      R"({"principal": {"role": "torch_center"}, "kind": "ranking", "ranking": {"parent": "440000"}})"};
  std::uint64_t state = 11;
  int refused = 0, loaded = 0;
  for (int k = 0; k < 3000; ++k) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    // The flipped byte's offset in the sections end to end.
    std::size_t at = (state >> 33) % joined.size();
    std::vector<std::string> changed(decoded.sections.begin(), decoded.sections.end());
    for (auto& section : changed) {
      if (at < section.size()) {
        section[at] = static_cast<char>(section[at] ^ (1u << ((state >> 20) % 8)));
        break;
      }
      at -= section.size();
    }
    const std::string crafted =
        detail::encode_snapshot(std::vector<std::string_view>(changed.begin(), changed.end()), 1);
    try {
      const Snapshot s = Snapshot::from_bytes(crafted, "crafted.snap");
      ++loaded;
      const OverviewIndex index(s);
      for (const char* request : requests) {
        const std::string answer = query_json(index, request);
        EXPECT_TRUE(nlohmann::json::accept(answer)) << at << ": " << answer.substr(0, 3000);
      }
      // What loaded is consistent: list order follows the scores.
      for (std::size_t i = 1; i < s.scores.order.size(); ++i)
        ASSERT_GE(s.scores.published_units[static_cast<std::size_t>(s.scores.order[i - 1])],
                  s.scores.published_units[static_cast<std::size_t>(s.scores.order[i])]);
    } catch (const Error& e) {
      ++refused;
      EXPECT_EQ(e.code(), ErrorCode::corrupt_snapshot) << at << ": " << e.what();
    }
  }
  EXPECT_GT(refused, 1000);
  EXPECT_GT(loaded, 0);  // names, values and doubles may change and stay consistent
}

// The structure checks name what is wrong.
TEST(CraftedSnapshot, InconsistentPartsAreNamed) {
  const Model model = default_model();
  const Snapshot snap = Snapshot::build(model, generate(model, {40, 4, 0}));
  auto refusal = [](Snapshot s) {
    try {
      Snapshot::from_bytes(s.to_bytes(), "x.snap");
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::corrupt_snapshot);
      return std::string(e.what());
    }
    return std::string("loaded");
  };
  Snapshot zone = snap;
  zone.table.zone[3] = 5000;
  EXPECT_EQ(refusal(zone), "x.snap is damaged: row 3: a code is out of its dictionary");
  // Grades, list order and ranks are not in the file: loading computes them
  // from the scores, so changing them before saving changes nothing.
  Snapshot derived = snap;
  std::swap(derived.scores.order[0], derived.scores.order[39]);
  derived.scores.rank[0][7] += 1;
  derived.scores.grade[5] = 0;
  const Snapshot loaded = Snapshot::from_bytes(derived.to_bytes(), "x.snap");
  EXPECT_EQ(loaded.scores.order, snap.scores.order);
  EXPECT_EQ(loaded.scores.rank, snap.scores.rank);
  EXPECT_EQ(loaded.scores.grade, snap.scores.grade);
  Snapshot stage = snap;
  stage.scores.stage[2] = 9;
  EXPECT_EQ(refusal(stage), "x.snap is damaged: row 2: a stage or peer group is out of range");
  Snapshot region = snap;
  region.table.region[1] = 999999;
  EXPECT_EQ(refusal(region), "x.snap is damaged: row 1: region code 999999 is unknown");
  EXPECT_EQ(refusal(snap), "loaded");
}

}  // namespace
}  // namespace cxjf
