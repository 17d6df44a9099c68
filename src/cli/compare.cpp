// cxjf compare: a scheme's what-if (a snapshot under another model) or two
// years (two snapshots); cxjf distribution: where scores differ; cxjf
// uncertainty: rank bands and sensitivity under drawn weights
// (include/cxjf/population.hpp, uncertainty.hpp, docs/population.md).
#include <algorithm>
#include <cmath>
#include <iostream>

#include "commands.hpp"
#include "cxjf/error.hpp"
#include "cxjf/population.hpp"
#include "cxjf/uncertainty.hpp"
#include "text.hpp"

namespace cxjf::cli {
namespace {

std::string correlation_text(double v) { return std::isnan(v) ? "—" : fixed(v, 4); }

void print_summary(std::ostream& out, const Comparison& c, const Snapshot& before, const Snapshot& after,
                   const std::string& before_name, const std::string& after_name) {
  out << "比较 compare: " << before_name << " (" << before.model.id << ", " << before.table.size() << ") → " << after_name
      << " (" << after.model.id << ", " << after.table.size() << ")\n";
  out << "匹配 matched " << c.matched << "，新进 entrants " << c.entrants << "，退出 leavers " << c.leavers << "\n\n";

  out << "等级迁移 grade transitions (行 before → 列 after)\n";
  std::vector<TextTable::Align> align(static_cast<std::size_t>(c.grades_after) + 2, TextTable::Align::right);
  align[0] = TextTable::Align::left;
  TextTable grades(align);
  std::vector<std::string> head{""};
  for (const Grade& g : after.model.grades) head.push_back(g.id);
  head.push_back("退出 left");
  grades.set_header(head);
  const auto width = static_cast<std::size_t>(c.grades_after + 1);
  for (std::size_t r = 0; r <= static_cast<std::size_t>(c.grades_before); ++r) {
    std::vector<std::string> row{r < before.model.grades.size() ? before.model.grades[r].id : "新进 new"};
    for (std::size_t k = 0; k < width; ++k) row.push_back(std::to_string(c.grade_transitions[r * width + k]));
    grades.add_row(row);
  }
  grades.print(out);

  const RankAgreement& nation = c.agreement.front();
  out << "\n秩相关 rank agreement (" << nation.enterprises << " matched): Spearman " << correlation_text(nation.spearman)
      << ", Kendall tau-b " << correlation_text(nation.kendall) << "\n";
  std::int64_t listed_before = 0, listed_after = 0, entered = 0, left = 0;
  for (const RegionChange& r : c.regions)
    if (r.region % 10000 == 0)
      listed_before += r.listed_before, listed_after += r.listed_after, entered += r.entered, left += r.left;
  out << "榜单 list (≥ " << fixed(after.model.list_threshold, 0) << "): " << listed_before << " → " << listed_after
      << "（省内新上榜 entered " << entered << "，落榜 left " << left << "）\n";

  auto movers = [&](const char* title, const std::vector<std::int64_t>& list) {
    if (list.empty()) return;
    out << "\n" << title << "\n";
    TextTable t({TextTable::Align::left, TextTable::Align::left, TextTable::Align::right, TextTable::Align::right,
                 TextTable::Align::right, TextTable::Align::right});
    t.set_header({"统一社会信用代码 credit code", "企业名称 name", "之前 before", "之后 after", "名次 rank before",
                  "名次 rank after"});
    for (std::int64_t k : list) {
      const auto i = static_cast<std::size_t>(c.before[static_cast<std::size_t>(k)]);
      const auto j = static_cast<std::size_t>(c.after[static_cast<std::size_t>(k)]);
      t.add_row({after.table.credit_code[j], after.table.name[j], before.scores.published_text(static_cast<std::int64_t>(i)),
                 after.scores.published_text(static_cast<std::int64_t>(j)), std::to_string(before.scores.rank[0][i]),
                 std::to_string(after.scores.rank[0][j])});
    }
    t.print(out);
  };
  movers("上升最多 biggest risers", c.risers);
  movers("下降最多 biggest fallers", c.fallers);

  out << "\n指标稳定性 population stability index (全国 nation; ≥ 0.1 moderate, ≥ 0.25 major)\n";
  TextTable psi({TextTable::Align::left, TextTable::Align::left, TextTable::Align::right, TextTable::Align::left});
  psi.set_header({"指标 id", "名称 name", "PSI", "程度 level"});
  std::int64_t shifted_groups = 0;
  for (const IndicatorShift& s : c.shifts) {
    if (s.group >= 0) {
      shifted_groups += s.psi >= 0.25;
      continue;
    }
    const int j = before.model.indicator_index(s.indicator);
    psi.add_row({s.indicator, before.model.indicators[static_cast<std::size_t>(j)].name_zh, fixed(s.psi, 4), psi_level(s.psi)});
  }
  psi.print(out);
  out << "同类组中 PSI ≥ 0.25 的指标 peer-group shifts ≥ 0.25: " << shifted_groups << "\n";
}

}  // namespace

void add_compare(CLI::App& app) {
  auto* cmd = app.add_subcommand("compare", "compare two years' snapshots, or a snapshot under another model (方案测算与"
                                            "年度对比, docs/population.md)");
  struct Args {
    std::vector<std::string> snapshots;
    std::string snapshot, model, csv, json, public_key;
    std::int64_t movers = 10;
    int bins = 10;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("snapshots", a->snapshots, "two snapshots to compare, the earlier first")->expected(0, 2)
      ->check(existing_file());
  auto* snapshot = cmd->add_option("--snapshot", a->snapshot, "a snapshot to score again under --model")
                       ->check(existing_file());
  auto* model = cmd->add_option("--model", a->model, "the model to score --snapshot under (an id or a JSON file)");
  snapshot->needs(model);
  model->needs(snapshot);
  cmd->add_option("--csv", a->csv, "write every enterprise's change here (CSV)");
  cmd->add_option("--json", a->json, "write the summary here (JSON)");
  cmd->add_option("--movers", a->movers, "biggest risers and fallers to list (default 10)")
      ->check(whole_number(0, 1000000));
  cmd->add_option("--psi-bins", a->bins, "equal-count bins of the population stability index (default 10)")
      ->check(whole_number(2, 100));
  cmd->add_option("--public-key", a->public_key, "load only snapshots signed by this public key file (cxjf keys)")
      ->check(existing_file());
  cmd->callback([a] {
    if (a->snapshot.empty() == (a->snapshots.size() != 2))
      throw Error(ErrorCode::invalid_argument,
                  "give two snapshots (cxjf compare 2023.snap 2024.snap) or one with a model (cxjf compare --snapshot "
                  "2024.snap --model new.json) (请给出两个快照，或一个快照和一个模型)");
    check_output_path(a->csv, "--csv");
    check_output_path(a->json, "--json");
    const std::string key = read_key(a->public_key);
    Snapshot before, after;
    std::string before_name, after_name;
    if (a->snapshot.empty()) {
      before = Snapshot::load(a->snapshots[0], key);
      after = Snapshot::load(a->snapshots[1], key);
      before_name = a->snapshots[0];
      after_name = a->snapshots[1];
    } else {
      before = Snapshot::load(a->snapshot, key);
      const Model m = load_model(a->model);
      Step step("scoring under " + m.id);
      after = rescore(before, m);
      before_name = a->snapshot;
      after_name = a->model;
    }
    CompareOptions options;
    options.movers = a->movers;
    options.psi_bins = a->bins;
    const Comparison c = compare(before, after, options);
    print_summary(std::cout, c, before, after, before_name, after_name);
    if (!a->csv.empty())
      write_file(a->csv, [&](std::ostream& out) { write_comparison_csv(out, c, before, after); });
    if (!a->json.empty())
      write_file(a->json, [&](std::ostream& out) { out << comparison_json(c, before, after) << "\n"; });
  });
}

void add_distribution(CLI::App& app) {
  auto* cmd = app.add_subcommand("distribution", "published scores by province, zone, stage or industry against the "
                                                 "nation (得分分布, docs/population.md)");
  struct Args {
    std::string snapshot, by = "province", csv, public_key;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--snapshot", a->snapshot, "snapshot written by cxjf score")->required()->check(existing_file());
  cmd->add_option("--by", a->by, "province, zone, stage or industry (default province)")
      ->check(CLI::IsMember({"province", "zone", "stage", "industry"}));
  cmd->add_option("--csv", a->csv, "write the groups here (CSV)");
  cmd->add_option("--public-key", a->public_key, "load only a snapshot signed by this public key file (cxjf keys)")
      ->check(existing_file());
  cmd->callback([a] {
    check_output_path(a->csv, "--csv");
    const Snapshot snap = Snapshot::load(a->snapshot, read_key(a->public_key));
    const GroupBy by = parse_group_by(a->by);
    TextTable t({TextTable::Align::left, TextTable::Align::right, TextTable::Align::right, TextTable::Align::right,
                 TextTable::Align::right, TextTable::Align::right, TextTable::Align::right, TextTable::Align::right,
                 TextTable::Align::right});
    t.set_header({"分组 group", "企业 enterprises", "均值 mean", "下四分位 q1", "中位数 median", "上四分位 q3",
                  "达标率 listed", "均值差 mean gap", "达标率差 listed gap"});
    const std::vector<ScoreDistribution> groups = distribution(snap, by);
    if (!a->csv.empty()) write_file(a->csv, [&](std::ostream& out) { write_distribution_csv(out, groups); });
    for (const ScoreDistribution& d : groups)
      t.add_row({d.label, std::to_string(d.enterprises), fixed(d.mean, 2), fixed(d.q1, 2), fixed(d.median, 2),
                 fixed(d.q3, 2), fixed(d.listed_share * 100, 1) + "%", d.key < 0 ? "" : fixed(d.mean_gap, 2),
                 d.key < 0 ? "" : fixed(d.listed_gap * 100, 1) + "%"});
    t.print(std::cout);
    const std::vector<PeerFallback> f = peer_fallbacks(snap);
    std::int64_t fell = 0;
    for (const PeerFallback& x : f) fell += x.enterprises;
    std::cout << "\n退到较粗同类组 compared in a coarser peer group: " << fell << " 家 enterprises in " << f.size()
              << " 组 key sets\n";
    for (std::size_t k = 0; k < f.size() && k < 10; ++k) {
      std::string keys;
      auto add = [&keys](const std::string& part) { keys += (keys.empty() ? "" : " · ") + part; };
      if (f[k].stage >= 0) add(snap.model.stages[static_cast<std::size_t>(f[k].stage)].name_zh);
      if (f[k].industry >= 0) add(std::string(1, static_cast<char>('A' + f[k].industry)) + " " + std::string(industry_name(f[k].industry)));
      if (f[k].province) add(region_name(f[k].province, snap.table.region_table()));
      std::cout << "  " << keys << ": " << f[k].enterprises << " → "
                << snap.reference.group_label(snap.model, f[k].group, snap.table.region_table()) << "\n";
    }
  });
}

void add_uncertainty(CLI::App& app) {
  auto* cmd = app.add_subcommand("uncertainty", "every enterprise's rank band under drawn weights, and the ranks' "
                                                "sensitivity to each indicator's weights (名次不确定性, "
                                                "docs/population.md)");
  struct Args {
    std::string snapshot, csv, json, public_key, ties, missing;
    std::int64_t draws = 1000, first = 0, sensitivity = 0;
    std::uint64_t seed = 1;
    double spread = 0.25, concentration = 0;
    unsigned threads = 0;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--snapshot", a->snapshot, "snapshot written by cxjf score")->required()->check(existing_file());
  cmd->add_option("--draws", a->draws, "weight draws (default 1000)")->check(whole_number(1, 1000000));
  cmd->add_option("--first-draw", a->first, "index of the first draw, for one batch of a larger run (default 0)")
      ->check(whole_number(0));
  cmd->add_option("--seed", a->seed, "random seed (default 1)")->check(whole_number(0));
  cmd->add_option("--spread", a->spread, "each weight times 1 + spread u, u uniform in [-1, 1] (default 0.25)")
      ->check(number_between(0, 0.999999));
  cmd->add_option("--concentration", a->concentration, "draw Dirichlet weights with this concentration instead")
      ->check(number_between(0, 1e12));
  cmd->add_option("--ties", a->ties, "alternative tie rules to draw among, e.g. weak,strict,mean");
  cmd->add_option("--missing", a->missing, "alternative missing policies to draw among, e.g. zero,peer_median,exclude");
  cmd->add_option("--sensitivity", a->sensitivity, "also the sensitivity indices, with this many samples (e.g. 64)")
      ->check(whole_number(2, 100000));
  cmd->add_option("--csv", a->csv, "write every enterprise's band here (CSV)");
  cmd->add_option("--json", a->json, "write the sensitivity indices here (JSON)");
  cmd->add_option("--threads", a->threads, "threads (0: one per core; the same result on any count)")
      ->check(whole_number(0, 1024));
  cmd->add_option("--public-key", a->public_key, "load only a snapshot signed by this public key file (cxjf keys)")
      ->check(existing_file());
  cmd->callback([a] {
    check_output_path(a->csv, "--csv");
    check_output_path(a->json, "--json");
    if (!a->json.empty() && a->sensitivity == 0)
      throw Error(ErrorCode::invalid_argument, "--json writes the sensitivity indices: give --sensitivity N too "
                                               "(--json 需要同时给出 --sensitivity)");
    UncertaintyOptions o;
    o.ties = parse_ties(a->ties);
    o.missing = parse_missing_policies(a->missing);
    const Snapshot snap = Snapshot::load(a->snapshot, read_key(a->public_key));
    o.draws = a->draws;
    o.first_draw = a->first;
    o.seed = a->seed;
    o.spread = a->spread;
    o.concentration = a->concentration;
    o.threads = a->threads;
    RankBands bands;
    {
      Step step(std::to_string(a->draws) + " weight draws");
      bands = rank_bands(snap, o);
    }
    const auto n = static_cast<std::size_t>(snap.table.size());
    std::int64_t certain_in = 0, certain_out = 0, wide = 0;
    for (std::size_t i = 0; i < n; ++i) {
      certain_in += bands.listed[i] == 1;
      certain_out += bands.listed[i] == 0;
      wide += bands.p95[i] - bands.p05[i] > static_cast<std::int32_t>(n / 20);
    }
    std::cout << "名次区间 rank bands: " << n << " 家企业 enterprises, " << bands.draws << " 次抽样 draws ("
              << (a->concentration > 0 ? "Dirichlet " + fixed(a->concentration, 1) : "± " + fixed(a->spread * 100, 1) + "%")
              << ")\n  总在榜 always listed " << certain_in << "，总不在榜 never listed " << certain_out << "，时在时不在 sometimes "
              << static_cast<std::int64_t>(n) - certain_in - certain_out << "\n  5–95% 区间宽于全国 5% 名次 bands wider than "
              << n / 20 << " places: " << wide << "\n";
    // The listed enterprises with the widest bands among the top 30.
    std::vector<std::size_t> top(n);
    for (std::size_t i = 0; i < n; ++i) top[i] = i;
    std::sort(top.begin(), top.end(), [&](std::size_t x, std::size_t y) { return bands.nominal[x] < bands.nominal[y]; });
    TextTable t({TextTable::Align::left, TextTable::Align::left, TextTable::Align::right, TextTable::Align::right,
                 TextTable::Align::right, TextTable::Align::right, TextTable::Align::right});
    t.set_header({"统一社会信用代码 credit code", "企业名称 name", "名次 rank", "5%", "中位 median", "95%", "在榜 listed"});
    for (std::size_t k = 0; k < std::min<std::size_t>(10, n); ++k) {
      const std::size_t i = top[k];
      t.add_row({snap.table.credit_code[i], snap.table.name[i], std::to_string(bands.nominal[i]), std::to_string(bands.p05[i]),
                 std::to_string(bands.median[i]), std::to_string(bands.p95[i]), fixed(bands.listed[i] * 100, 1) + "%"});
    }
    t.print(std::cout);
    if (!a->csv.empty()) write_file(a->csv, [&](std::ostream& out) { write_rank_bands_csv(out, bands, snap); });
    if (a->sensitivity > 0) {
      Sensitivity s;
      {
        Step step("sensitivity, " + std::to_string(a->sensitivity) + " samples");
        s = rank_sensitivity(snap, a->sensitivity, o);
      }
      std::cout << "\n敏感性 sensitivity (" << s.evaluations << " 次评分 scorings; first-order / total)\n";
      TextTable st({TextTable::Align::left, TextTable::Align::left, TextTable::Align::right, TextTable::Align::right,
                    TextTable::Align::right, TextTable::Align::right});
      st.set_header({"指标 id", "名称 name", "名次 S", "名次 ST", "在榜 S", "在榜 ST"});
      for (std::size_t k = 0; k < s.inputs.size(); ++k) {
        st.add_row({s.inputs[k], input_name(s, k, snap.model), fixed(s.rank_first[k], 3), fixed(s.rank_total[k], 3),
                    fixed(s.listed_first[k], 3), fixed(s.listed_total[k], 3)});
      }
      st.print(std::cout);
      if (!a->json.empty())
        write_file(a->json, [&](std::ostream& out) { out << sensitivity_json(s, snap.model) << "\n"; });
    }
  });
}

}  // namespace cxjf::cli
