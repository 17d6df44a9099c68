// write_rank_bands_csv() and sensitivity_json(): rank bands and
// sensitivity indices for spreadsheets, the command line and the portal.
#include <cmath>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cxjf/csv.hpp"
#include "cxjf/uncertainty.hpp"

namespace cxjf {

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
    j["name"] = model.indicators[static_cast<std::size_t>(model.indicator_index(s.inputs[k]))].name_zh;
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
