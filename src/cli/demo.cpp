#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>

#include "commands.hpp"
#include "cxjf/generate.hpp"
#include "cxjf/regions.hpp"
#include "cxjf/snapshot.hpp"
#include "text.hpp"

namespace cxjf::cli {
namespace {

using Align = TextTable::Align;

std::string bar(double share, int width) {
  std::string s;
  for (int k = 0, n = static_cast<int>(std::lround(share * width)); k < n; ++k) s += "█";
  return s;
}

std::string percent(std::int64_t part, std::size_t whole) {
  return fixed(100.0 * static_cast<double>(part) / static_cast<double>(std::max<std::size_t>(whole, 1)), 1) + "%";
}

void print_overview(const Snapshot& snap, std::int64_t generated) {
  const Model& m = snap.model;
  const Scores& s = snap.scores;
  const Table& t = snap.table;
  const auto n = static_cast<std::size_t>(s.size());
  std::cout << "\n全国企业创新积分总览 · National innovation-credit overview\n"
            << "模型 model " << m.id << " (" << m.name << ")\n"
            << "生成 " << generated << " 家企业，" << n << " 家入统并评分 · " << generated << " enterprises generated, "
            << n << " registered and scored\n";

  std::cout << "\n得分分布 · Score histogram\n";
  std::vector<std::int64_t> bins(10, 0);
  for (std::size_t i = 0; i < n; ++i)
    ++bins[std::min<std::size_t>(9, static_cast<std::size_t>(s.published(static_cast<std::int64_t>(i)) / (m.scale.total_max / 10)))];
  const std::int64_t most = *std::max_element(bins.begin(), bins.end());
  TextTable histogram({Align::right, Align::right, Align::right, Align::left});
  histogram.set_header({"得分 score", "企业 count", "占比 share", ""});
  for (std::size_t b = 0; b < bins.size(); ++b) {
    const double lo = m.scale.total_max / 10 * static_cast<double>(b);
    histogram.add_row({fixed(lo, 0) + "–" + fixed(lo + m.scale.total_max / 10, 0), std::to_string(bins[b]),
                       percent(bins[b], n), bar(most ? static_cast<double>(bins[b]) / static_cast<double>(most) : 0, 40)});
  }
  histogram.print(std::cout);

  std::cout << "\n企业评价 · Grades\n";
  std::vector<std::int64_t> grades(m.grades.size(), 0);
  for (std::size_t i = 0; i < n; ++i) ++grades[static_cast<std::size_t>(s.grade[i])];
  TextTable grade_table({Align::left, Align::right, Align::right, Align::right});
  grade_table.set_header({"等级 grade", "最低分 from", "企业 count", "占比 share"});
  for (std::size_t g = 0; g < m.grades.size(); ++g)
    grade_table.add_row({m.grades[g].id, fixed(m.grades[g].min_score, 0), std::to_string(grades[g]), percent(grades[g], n)});
  grade_table.print(std::cout);

  std::cout << "\n省级行政区分布 · Provinces with most enterprises\n";
  struct Province {
    std::int64_t count = 0, listed = 0;
    double sum = 0;
  };
  std::map<std::int32_t, Province> provinces;
  for (std::size_t i = 0; i < n; ++i) {
    Province& p = provinces[t.region[i] / 10000 * 10000];
    const double published = s.published(static_cast<std::int64_t>(i));
    ++p.count;
    p.sum += published;
    p.listed += published >= m.list_threshold;
  }
  std::vector<std::pair<std::int32_t, Province>> by_count(provinces.begin(), provinces.end());
  std::stable_sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
  TextTable province_table({Align::left, Align::right, Align::right, Align::right});
  province_table.set_header({"省份 province", "企业 count", "平均分 mean", "≥" + fixed(m.list_threshold, 0) + " listed"});
  for (std::size_t k = 0; k < std::min<std::size_t>(10, by_count.size()); ++k) {
    const auto& [code, p] = by_count[k];
    province_table.add_row({t.region_table().find(code)->name, std::to_string(p.count),
                            fixed(p.sum / static_cast<double>(p.count), 2), percent(p.listed, static_cast<std::size_t>(p.count))});
  }
  province_table.print(std::cout);

  std::cout << "\n企业榜单 · Top 10 enterprises\n";
  TextTable top({Align::right, Align::right, Align::left, Align::left, Align::left});
  top.set_header({"名次 rank", "得分 score", "等级 grade", "企业 enterprise", "地区 region"});
  for (std::size_t k = 0; k < std::min<std::size_t>(10, n); ++k) {
    const auto i = static_cast<std::size_t>(s.order[k]);
    top.add_row({std::to_string(s.rank[0][i]), s.published_text(s.order[k]), m.grades[static_cast<std::size_t>(s.grade[i])].id,
                 t.name[i], region_name(t.region[i], t.region_table())});
  }
  top.print(std::cout);

  // The enterprise at the median of the list, explained line by line.
  if (n == 0) return;
  std::cout << "\n企业详情 · Ledger of the median enterprise\n";
  print_ledger(std::cout, snap, s.order[n / 2]);
}

}  // namespace

void add_demo(CLI::App& app) {
  auto* cmd = app.add_subcommand("demo", "generate a national sample, score it and print an overview");
  auto options = std::make_shared<GenerateOptions>();
  auto model_id = std::make_shared<std::string>();
  cmd->add_option("--n", options->n, "number of enterprises")->capture_default_str()->check(whole_number(1));
  cmd->add_option("--seed", options->seed, "random seed")->capture_default_str()->check(whole_number(0));
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
