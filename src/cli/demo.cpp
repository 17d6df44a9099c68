#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>

#include "commands.hpp"
#include "cxjf/generate.hpp"
#include "cxjf/regions.hpp"
#include "cxjf/snapshot.hpp"

namespace cxjf::cli {
namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string bar(double share, int width) {
  std::string s;
  for (int k = 0, n = static_cast<int>(std::lround(share * width)); k < n; ++k) s += "█";
  return s;
}

// Display width of UTF-8 text: CJK characters take two columns.
std::string pad(const std::string& text, std::size_t width) {
  std::size_t cols = 0;
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    cols += len >= 3 ? 2 : 1;
    i += len;
  }
  return cols >= width ? text : text + std::string(width - cols, ' ');
}

std::string region_name(std::int32_t code) {
  const Regions& regions = Regions::builtin();
  std::string name;
  for (std::int32_t c : {regions.province_of(code), regions.city_of(code), regions.county_of(code)}) {
    const Region* r = c ? regions.find(c) : nullptr;
    if (r && r->name != "市辖区") name += r->name;
  }
  return name;
}

void print_overview(const Snapshot& snap, std::int64_t generated) {
  const Model& m = snap.model;
  const Scores& s = snap.scores;
  const Table& t = snap.table;
  const auto n = static_cast<std::size_t>(s.size());
  std::cout << "\n全国企业创新积分总览 · National innovation-credit overview\n"
            << "model " << m.id << " (" << m.name << "); weights are illustrative\n"
            << generated << " enterprises generated, " << n << " registered (入统) and scored\n";

  std::cout << "\nScore histogram (得分分布)\n";
  std::vector<std::int64_t> bins(10, 0);
  for (std::size_t i = 0; i < n; ++i)
    ++bins[std::min<std::size_t>(9, static_cast<std::size_t>(s.published(static_cast<std::int64_t>(i)) / (m.scale.total_max / 10)))];
  std::int64_t most = *std::max_element(bins.begin(), bins.end());
  for (std::size_t b = 0; b < bins.size(); ++b) {
    double lo = m.scale.total_max / 10 * static_cast<double>(b);
    std::printf("  %5.0f-%-5.0f %8lld %s\n", lo, lo + m.scale.total_max / 10, static_cast<long long>(bins[b]),
                bar(most ? static_cast<double>(bins[b]) / static_cast<double>(most) : 0, 40).c_str());
  }
  std::cout.flush();

  std::cout << "\nGrades (企业评价)\n";
  std::vector<std::int64_t> grades(m.grades.size(), 0);
  for (std::size_t i = 0; i < n; ++i) ++grades[static_cast<std::size_t>(s.grade[i])];
  for (std::size_t g = 0; g < m.grades.size(); ++g)
    std::cout << "  " << m.grades[g].id << " (>= " << m.grades[g].min_score << ")  " << grades[g] << "  "
              << fixed(100.0 * static_cast<double>(grades[g]) / static_cast<double>(std::max<std::size_t>(n, 1)), 1) << "%\n";

  std::cout << "\nTop provinces by enterprises (省级行政区分布)\n";
  std::map<std::int32_t, std::pair<std::int64_t, double>> provinces;
  for (std::size_t i = 0; i < n; ++i) {
    auto& p = provinces[t.region[i] / 10000 * 10000];
    ++p.first;
    p.second += s.published(static_cast<std::int64_t>(i));
  }
  std::vector<std::pair<std::int32_t, std::pair<std::int64_t, double>>> by_count(provinces.begin(), provinces.end());
  std::sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  for (std::size_t k = 0; k < std::min<std::size_t>(10, by_count.size()); ++k) {
    const auto& [code, stat] = by_count[k];
    std::cout << "  " << pad(Regions::builtin().find(code)->name, 16) << std::to_string(stat.first) << "  mean "
              << fixed(stat.second / static_cast<double>(stat.first), 2) << "\n";
  }

  std::cout << "\nTop 10 enterprises (企业榜单)\n";
  for (std::size_t k = 0; k < std::min<std::size_t>(10, n); ++k) {
    auto i = static_cast<std::size_t>(s.order[k]);
    std::cout << "  " << s.rank[0][i] << ". " << s.published_text(s.order[k]) << " " << m.grades[static_cast<std::size_t>(s.grade[i])].id
              << "  " << pad(t.name[i], 30) << region_name(t.region[i]) << "\n";
  }

  // The enterprise at the median of the list, explained line by line.
  std::int32_t median = s.order[n / 2];
  Ledger ledger = explain(m, snap.reference, t, median);
  auto i = static_cast<std::size_t>(median);
  std::cout << "\nLedger of one enterprise (企业详情): " << t.name[i] << " " << t.credit_code[i] << "\n"
            << "  " << region_name(t.region[i]) << " · " << m.stages[static_cast<std::size_t>(ledger.stage)].name_zh
            << " · peers: " << snap.reference.group_label(m, ledger.peer_group) << "\n";
  for (const LedgerLine& line : ledger.lines) {
    const Indicator& ind = m.indicators[static_cast<std::size_t>(line.indicator)];
    std::cout << "  " << pad(ind.name_zh, 40) << pad(std::isnan(line.raw) ? "—" : fixed(line.raw, 2) + " " + ind.unit, 16)
              << " s=" << fixed(line.normalized, 3) << "  " << fixed(line.points, 3) << " / " << fixed(line.weight, 1)
              << (line.zero_rule ? "  (<=0 earns 0)" : "") << (line.imputed ? "  (missing, imputed)" : "")
              << (line.excluded ? "  (missing, excluded)" : "") << "\n";
  }
  for (std::size_t c = 0; c < m.categories.size(); ++c)
    std::cout << "  " << m.categories[c].name_zh << " " << fixed(ledger.category_points[c], 4) << "\n";
  std::cout << "  bonus " << fixed(ledger.bonus, 2) << ", deduction " << fixed(ledger.deduction, 2)
            << (ledger.veto ? ", VETO" : "") << ", exact total " << fixed(ledger.total, 6) << " -> score "
            << s.published_text(median) << " grade " << m.grades[static_cast<std::size_t>(ledger.grade)].id << "\n";
}

}  // namespace

void add_demo(CLI::App& app) {
  auto* cmd = app.add_subcommand("demo", "generate a national sample, score it and print an overview");
  auto options = std::make_shared<GenerateOptions>();
  auto model_id = std::make_shared<std::string>();
  cmd->add_option("--n", options->n, "number of enterprises")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--seed", options->seed, "random seed")->capture_default_str();
  cmd->add_option("--model", *model_id, "model id or file (default torch-2022)");
  cmd->callback([=] {
    Model model = load_model(*model_id);
    Table table = [&] {
      Step step("generating " + std::to_string(options->n) + " enterprises");
      return generate(model, *options);
    }();
    std::int64_t generated = table.size();
    Snapshot snap = [&] {
      Step step("fitting and scoring the registered enterprises");
      return Snapshot::build(model, std::move(table));
    }();
    print_overview(snap, generated);
  });
}

}  // namespace cxjf::cli
