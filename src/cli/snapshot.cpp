#include <cstdio>
#include <iostream>
#include <map>

#include "commands.hpp"
#include "cxjf/error.hpp"
#include "cxjf/file.hpp"
#include "cxjf/signing.hpp"
#include "cxjf/snapshot.hpp"
#include "text.hpp"

namespace cxjf::cli {
namespace {

std::string hex(std::uint64_t value) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
  return buf;
}

void print_info(const std::string& path, const std::string& public_key) {
  const std::string file = read_file(path);
  const std::string_view unsigned_bytes = verified_snapshot_bytes(file, public_key, path);
  const Snapshot snap = Snapshot::from_bytes(file, path, public_key);
  const Model& m = snap.model;
  const Scores& s = snap.scores;
  const auto n = static_cast<std::size_t>(s.size());
  std::int64_t listed = 0;
  double sum = 0;
  std::vector<std::int64_t> grades(m.grades.size(), 0);
  std::map<std::int32_t, std::int64_t> provinces;
  for (std::size_t i = 0; i < n; ++i) {
    const double published = s.published(static_cast<std::int64_t>(i));
    sum += published;
    listed += published >= m.list_threshold;
    ++grades[static_cast<std::size_t>(s.grade[i])];
    ++provinces[snap.table.region[i] / 10000];
  }
  TextTable facts({TextTable::Align::left, TextTable::Align::left});
  facts.add_row({"文件 file", path + " (" + std::to_string(file.size()) + " bytes)"});
  facts.add_row({"签名 signature", unsigned_bytes.size() < file.size()
                                     ? (public_key.empty() ? "signed, valid (已签名，签名有效)"
                                                           : "signed by the given key (已由所给公钥签名)")
                                     : "unsigned (未签名)"});
  facts.add_row({"模型 model", m.id + " — " + m.name});
  facts.add_row({"行政区划 regions", snap.table.region_table().edition() +
                                       (snap.table.regions ? " (held in the file)" : " (embedded)")});
  facts.add_row({"模型哈希 model hash", hex(snap.reference.model_hash) + " (XXH3-64 of the model's JSON)"});
  facts.add_row({"参照哈希 reference hash", hex(snap.reference.content_hash) + " (XXH3-64 of the fitted reference)"});
  facts.add_row({"企业 enterprises", std::to_string(n) + " registered (入统), in " + std::to_string(provinces.size()) +
                                       " provinces (省级行政区)"});
  facts.add_row({"平均分 mean score", n ? fixed(sum / static_cast<double>(n), 2) : "—"});
  facts.add_row({"上榜 listed (>= " + fixed(m.list_threshold, 0) + ")",
                 std::to_string(listed) + " (" + fixed(n ? 100.0 * static_cast<double>(listed) / static_cast<double>(n) : 0, 1) + "%)"});
  std::string grade_text;
  for (std::size_t g = 0; g < grades.size(); ++g)
    grade_text += (g ? ", " : "") + m.grades[g].id + " " + std::to_string(grades[g]);
  facts.add_row({"等级 grades", grade_text});
  facts.print(std::cout);
}

}  // namespace

void add_snapshot(CLI::App& app) {
  auto* cmd = app.add_subcommand("snapshot", "look into a snapshot file");
  cmd->require_subcommand(1);
  auto* info = cmd->add_subcommand("info", "what a snapshot holds: its model, hashes, signature and counts");
  auto path = std::make_shared<std::string>();
  auto public_key = std::make_shared<std::string>();
  info->add_option("file", *path, "snapshot written by cxjf score")->required()->check(existing_file());
  info->add_option("--public-key", *public_key, "check that it is signed by this public key file (cxjf keys)")
      ->check(existing_file());
  info->callback([=] { print_info(*path, read_key(*public_key)); });
}

}  // namespace cxjf::cli
