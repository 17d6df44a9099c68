// Small builders shared by the tests: hand-made models and tables whose
// scores can be worked out on paper.
#pragma once

#include <sys/wait.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cxjf/cxjf.hpp"

namespace cxjf::testing {

/// A valid credit code for enterprise number k (registered in 东城区).
inline std::string credit_code(int k) {
  char body[32];
  std::snprintf(body, sizeof body, "91110101%09d", k);
  std::string code(body);
  return code + credit_code_check_char(code);
}

/// A model with one stage, one category `c` with base_max 10 and the given
/// indicators (JSON objects without id/name/category/weights, which are
/// filled in: ids x0, x1, ..., weights as given). `extra` adds top-level
/// members (e.g. "\"bonus\": [...]").
inline Model model_of(const std::vector<std::pair<std::string, double>>& indicators, const std::string& extra = "",
                      const std::string& peer_groups = R"({"chain": [[]], "min_size": 1})",
                      const std::string& scale = R"({"base_max": 10, "bonus_max": 5, "total_max": 10, "decimals": 2})") {
  std::string json = R"({"id": "t", "name": "test", "description": "hand-made",
    "list_threshold": 7,
    "scale": )" + scale + R"(,
    "categories": [{"id": "c", "name_zh": "类", "name_en": "C"}],
    "stages": [{"id": "all", "name_zh": "全部", "name_en": "All"}],
    "stage_rule": {"basis": "revenue", "indicator": "x0", "bounds": []},
    "peer_groups": )" + peer_groups + R"(,
    "grades": [{"id": "A", "min": 8}, {"id": "B", "min": 5}, {"id": "C", "min": 0}],
    "indicators": [)";
  for (std::size_t j = 0; j < indicators.size(); ++j) {
    const auto& [fields, weight] = indicators[j];
    char head[160];
    std::snprintf(head, sizeof head, R"({"id": "x%zu", "name_zh": "指标%zu", "name_en": "X%zu", "unit": "", )", j, j, j);
    json += (j ? ",\n" : "") + std::string(head) + fields;
    if (weight >= 0) {
      char w[64];
      std::snprintf(w, sizeof w, R"(, "category": "c", "weights": {"all": %.17g}})", weight);
      json += w;
    } else {
      json += "}";
    }
  }
  json += "]";
  if (!extra.empty()) json += ",\n" + extra;
  json += "}";
  return Model::from_json(json);
}

/// A table for `model` with one row per entry of `values` (one value per
/// indicator), registered, in 东城区, industry C.
inline Table table_of(const Model& model, const std::vector<std::vector<double>>& values,
                      const std::vector<std::vector<std::string>>& qualifications = {},
                      const std::vector<std::vector<std::string>>& negatives = {}) {
  TableBuilder builder(model);
  for (std::size_t i = 0; i < values.size(); ++i) {
    Row row;
    row.credit_code = credit_code(static_cast<int>(i) + 1);
    row.name = "企业" + std::to_string(i + 1);
    row.region = 110101;
    row.industry = "C";
    row.values = values[i];
    if (i < qualifications.size()) row.qualifications = qualifications[i];
    if (i < negatives.size()) row.negatives = negatives[i];
    builder.add(row);
  }
  return builder.build();
}

/// Published scores of every row, in table order.
inline std::vector<std::string> published(const Scores& s) {
  std::vector<std::string> out;
  for (std::int64_t i = 0; i < s.size(); ++i) out.push_back(s.published_text(i));
  return out;
}

/// The offset of the first byte of `s` that is not well-formed UTF-8, or
/// npos: a check written apart from the library's (RFC 3629, by ranges).
inline std::size_t invalid_utf8_at(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0; i < s.size();) {
    const unsigned c = p[i];
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return i;
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = cp << 6 | (p[i + k] & 0x3F);
    }
    const std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string::npos;
}

/// A file's bytes.
inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// Writes `bytes` to a file, replacing it.
inline void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// The rows of `table` (by index) as a new table.
inline Table rows_of(const Table& table, const std::vector<std::int64_t>& rows) {
  TableBuilder builder(table.indicator_ids, table.regions);
  for (auto r : rows) builder.add(table.row(r));
  return builder.build();
}

/// `table` without row `drop`: the others alone, to refit without it.
inline Table without_row(const Table& table, std::int64_t drop) {
  TableBuilder builder(table.indicator_ids, table.regions);
  for (std::int64_t i = 0; i < table.size(); ++i)
    if (i != drop) builder.add(table.row(i));
  return builder.build();
}

/// An upload holding `table` as read from a clean file (header on row 1):
/// no bad cell, no rejected row.
inline Upload upload_of(Table table) {
  Upload upload;
  upload.rows_read = table.size();
  for (std::int64_t i = 0; i < table.size(); ++i) upload.source_row.push_back(i + 2);
  upload.bad_indicators.assign(static_cast<std::size_t>(table.size()), 0);
  upload.table = std::move(table);
  return upload;
}

/// What a run of the cxjf program printed and how it exited.
struct Outcome {
  int status = 0;
  std::string out;  ///< standard output (and standard error where the command redirects it)
};

/// Runs the cxjf program with `args`, a shell command tail (redirections
/// such as "2>&1" included).
inline Outcome run_cli(const std::string& args) {
  std::string command = std::string(CXJF_CLI) + " " + args;
  Outcome run;
  FILE* pipe = popen(command.c_str(), "r");
  char buf[4096];
  std::size_t got;
  while ((got = fread(buf, 1, sizeof buf, pipe)) > 0) run.out.append(buf, got);
  int status = pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace cxjf::testing
