// write_rank_bands_csv(), rank_bands_json() and sensitivity_json(): rank bands and
// sensitivity indices for spreadsheets, the command line and the portal;
// parse_ties() and parse_missing_policies(): the alternatives as users
// write them.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cxjf/csv.hpp"
#include "cxjf/error.hpp"
#include "cxjf/uncertainty.hpp"
#include "model/model_detail.hpp"

namespace cxjf {
namespace {

template <class E, std::size_t N>
std::vector<E> parse_list(std::string_view list, const model_detail::Spelling<E> (&table)[N], const char* what) {
  std::vector<E> out;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    bool found = false;
    for (const auto& s : table)
      if (name == s.name) out.push_back(s.value), found = true;
    if (!found) {
      std::string known;
      for (const auto& s : table) known += std::string(known.empty() ? "" : ", ") + s.name;
      throw Error(ErrorCode::invalid_argument, "'" + std::string(name) + "' is not a " + what + " (one of " + known +
                                                   ") (不是可用的规则)");
    }
  }
  return out;
}

}  // namespace

std::string input_name(const Sensitivity& s, std::size_t k, const Model& model) {
  const int j = s.indicators[k];
  if (j >= 0) return model.indicators[static_cast<std::size_t>(j)].name_zh;
  return s.inputs[k] == "ties" ? "平局规则" : "缺失值处理";
}

std::vector<Ties> parse_ties(std::string_view list) { return parse_list(list, model_detail::kTies, "tie rule"); }

std::vector<MissingPolicy> parse_missing_policies(std::string_view list) {
  return parse_list(list, model_detail::kMissing, "missing policy");
}

void write_rank_bands_csv(std::ostream& out, const RankBands& bands, const Snapshot& snap) {
  out << "credit_code,name,score,rank,rank_p05,rank_median,rank_p95,listed_share\r\n";
  std::string line;
  char share[32];
  for (std::size_t i = 0; i < bands.nominal.size(); ++i) {
    line.clear();
    append_csv_field(line, snap.table.credit_code[i]);
    line += ',';
    append_csv_field(line, snap.table.name[i]);
    std::snprintf(share, sizeof share, "%.6f", bands.listed[i]);
    line += ',' + snap.scores.published_text(static_cast<std::int64_t>(i)) + ',' + std::to_string(bands.nominal[i]) + ',' +
            std::to_string(bands.p05[i]) + ',' + std::to_string(bands.median[i]) + ',' + std::to_string(bands.p95[i]) +
            ',' + share;
    out << line << "\r\n";
  }
}

std::string rank_bands_json(const RankBands& bands, const Snapshot& snap, std::int64_t top) {
  using json = nlohmann::ordered_json;
  std::vector<std::size_t> order(bands.nominal.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return bands.nominal[a] < bands.nominal[b]; });
  if (top > 0 && static_cast<std::size_t>(top) < order.size()) order.resize(static_cast<std::size_t>(top));
  json doc;
  doc["draws"] = bands.draws;
  doc["enterprises"] = bands.nominal.size();
  json rows = json::array();
  for (const std::size_t i : order) {
    json r;
    r["credit_code"] = snap.table.credit_code[i];
    r["name"] = snap.table.name[i];
    r["score"] = snap.scores.published_text(static_cast<std::int64_t>(i));
    r["rank"] = bands.nominal[i];
    r["rank_p05"] = bands.p05[i];
    r["rank_median"] = bands.median[i];
    r["rank_p95"] = bands.p95[i];
    r["listed_share"] = bands.listed[i];
    rows.push_back(std::move(r));
  }
  doc["rows"] = std::move(rows);
  return doc.dump(2);
}

std::string sensitivity_json(const Sensitivity& s, const Model& model) {
  using json = nlohmann::ordered_json;
  auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  json doc;
  doc["samples"] = s.samples;
  doc["evaluations"] = s.evaluations;
  json inputs = json::array();
  for (std::size_t k = 0; k < s.inputs.size(); ++k) {
    json j;
    j["indicator"] = s.inputs[k];
    j["name"] = input_name(s, k, model);
    j["rank_first"] = number(s.rank_first[k]);
    j["rank_total"] = number(s.rank_total[k]);
    j["listed_first"] = number(s.listed_first[k]);
    j["listed_total"] = number(s.listed_total[k]);
    inputs.push_back(j);
  }
  doc["inputs"] = inputs;
  return doc.dump(2);
}

}  // namespace cxjf
