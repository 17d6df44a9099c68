// cxjf whatif and cxjf path: one registered enterprise rescored with changed
// data, and what each indicator alone must reach for a target
// (include/cxjf/analysis.hpp, docs/analysis.md). Like cxjf explain, they
// read the snapshot file itself: the operator's view, every rank shown.
#include <algorithm>
#include <cmath>
#include <iostream>

#include "commands.hpp"
#include "cxjf/analysis.hpp"
#include "cxjf/error.hpp"
#include "cxjf/estimate.hpp"
#include "text.hpp"

namespace cxjf::cli {
namespace {

// "id=value" (an empty value clears it: missing).
std::pair<std::string, double> assignment(const std::string& text, const char* option) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error(ErrorCode::invalid_argument, std::string(option) + " takes id=value, e.g. rd_expense=800, not '" + text +
                                                 "' (格式应为 指标id=数值)");
  const std::string id = text.substr(0, eq), value = text.substr(eq + 1);
  if (value.empty()) return {id, std::nan("")};
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || !std::isfinite(v))
    throw Error(ErrorCode::invalid_argument, std::string(option) + " " + id + ": '" + value +
                                                 "' is not a number (不是数字)");
  return {id, v};
}

std::string ranks_text(const ScoreOutcome& o) {
  std::string text;
  for (std::size_t k = 0; k < estimate_rank_levels.size(); ++k) {
    if (o.rank[k] <= 0) continue;
    text += (text.empty() ? "" : " ") + std::string(rank_level_name(estimate_rank_levels[k])) + " " +
            std::to_string(o.rank[k]);
  }
  return text;
}

std::string value_text(double v) { return std::isnan(v) ? "—" : fixed(v, 2); }

void print_what_if(std::ostream& out, const Snapshot& snap, std::int64_t row, const WhatIf& w) {
  const Model& m = snap.model;
  const auto i = static_cast<std::size_t>(row);
  out << snap.table.name[i] << "  " << snap.table.credit_code[i] << "\n";
  TextTable lines({TextTable::Align::left, TextTable::Align::right, TextTable::Align::right, TextTable::Align::right,
                   TextTable::Align::right});
  lines.set_header({"指标 indicator", "原值 was", "新值 now", "原得分 points", "新得分 points"});
  for (std::size_t k = 0; k < w.after.ledger.lines.size(); ++k) {
    const LedgerLine& before = w.before.ledger.lines[k];
    const LedgerLine& after = w.after.ledger.lines[k];
    const bool same_value = (std::isnan(before.raw) && std::isnan(after.raw)) || before.raw == after.raw;
    if (same_value && std::fabs(before.points - after.points) < 0.0005) continue;
    lines.add_row({m.indicators[static_cast<std::size_t>(after.indicator)].name_zh, value_text(before.raw),
                   value_text(after.raw), fixed(before.points, 3), fixed(after.points, 3)});
  }
  lines.print(out);
  TextTable totals({TextTable::Align::left, TextTable::Align::right, TextTable::Align::right});
  totals.set_header({"", "现在 now", "变化后 if"});
  totals.add_row({"加分 bonus", fixed(w.before.ledger.bonus, 2), fixed(w.after.ledger.bonus, 2)});
  totals.add_row({"减分 deduction", fixed(w.before.ledger.deduction, 2), fixed(w.after.ledger.deduction, 2)});
  totals.add_row({"得分 score", units_text(w.before.published_units, m.scale.decimals),
                  units_text(w.after.published_units, m.scale.decimals)});
  totals.add_row({"等级 grade", m.grades[static_cast<std::size_t>(w.before.grade)].id,
                  m.grades[static_cast<std::size_t>(w.after.grade)].id});
  totals.add_row({"名次 ranks", ranks_text(w.before), ranks_text(w.after)});
  totals.print(out);
}

void print_path(std::ostream& out, const Snapshot& snap, std::int64_t row, const Path& p) {
  const Model& m = snap.model;
  const auto i = static_cast<std::size_t>(row);
  out << snap.table.name[i] << "  " << snap.table.credit_code[i] << "\n"
      << "  得分 score " << units_text(p.current_units, m.scale.decimals) << " → 目标 target "
      << units_text(p.target_units, m.scale.decimals)
      << (p.reached ? "：已达到 reached" : "") << "\n";
  if (p.reached) return;
  TextTable lines({TextTable::Align::left, TextTable::Align::right, TextTable::Align::right, TextTable::Align::right,
                   TextTable::Align::right, TextTable::Align::right, TextTable::Align::left});
  lines.set_header({"指标 indicator", "现值 now", "至少 least", "上限 cap", "增幅 effort", "得分 score", "单位 unit"});
  for (const IndicatorPath& s : p.single) {
    const Indicator& ind = m.indicators[static_cast<std::size_t>(s.indicator)];
    lines.add_row({ind.name_zh, value_text(s.current), s.reachable ? value_text(s.value) : "不可达 out of reach",
                   value_text(s.cap), s.reachable ? fixed(s.effort * 100, 1) + "%" : "—",
                   units_text(s.published_units, m.scale.decimals), ind.unit});
  }
  lines.print(out);
  const Plan& plan = p.plan;
  if (!plan.reachable) {
    out << "组合方案 combined plan: 全部达上限仍不可达 out of reach with every indicator at its cap ("
        << units_text(plan.published_units, m.scale.decimals) << ")\n";
    return;
  }
  out << "组合方案 combined plan (总增幅 total effort " << fixed(plan.effort * 100, 1) << "%, 得分 score "
      << units_text(plan.published_units, m.scale.decimals)
      << (plan.optimal ? ", 最优 optimal" : ", 未证最优 not proven optimal, 下界 lower bound " + fixed(plan.lower_bound * 100, 1) + "%")
      << ")\n";
  TextTable changes({TextTable::Align::left, TextTable::Align::right, TextTable::Align::right, TextTable::Align::right,
                     TextTable::Align::left});
  changes.set_header({"指标 indicator", "现值 now", "改为 to", "增幅 effort", "单位 unit"});
  for (const PlanChange& c : plan.changes) {
    const Indicator& ind = m.indicators[static_cast<std::size_t>(c.indicator)];
    changes.add_row({ind.name_zh, value_text(c.current), value_text(c.value), fixed(c.effort * 100, 1) + "%", ind.unit});
  }
  changes.print(out);
}

}  // namespace

void add_whatif(CLI::App& app) {
  auto* cmd = app.add_subcommand("whatif", "rescore one registered enterprise with changed values, qualifications or "
                                           "negative-list flags, everyone else frozen (假如测算, docs/analysis.md)");
  struct Args {
    std::string snapshot, code, public_key;
    std::vector<std::string> set, add, remove, clear;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--snapshot", a->snapshot, "snapshot written by cxjf score")->required()->check(existing_file());
  cmd->add_option("--code", a->code, "the enterprise's unified social credit code (统一社会信用代码)")->required();
  cmd->add_option("--set", a->set, "an indicator's new value, id=value (id= makes it missing); repeatable");
  cmd->add_option("--add-qualification", a->add, "a qualification gained (企业资质), as the model's bonus items name it");
  cmd->add_option("--remove-qualification", a->remove, "a qualification lost");
  cmd->add_option("--clear-negative", a->clear, "a negative-list flag cleared (负面清单)");
  cmd->add_option("--public-key", a->public_key, "load only a snapshot signed by this public key file (cxjf keys)")
      ->check(existing_file());
  cmd->add_flag("--json", a->json, "print the what-if as JSON (as the query kind whatif answers it)");
  cmd->callback([a] {
    Changes changes;
    for (const std::string& s : a->set) changes.values.push_back(assignment(s, "--set"));
    changes.add_qualifications = a->add;
    changes.remove_qualifications = a->remove;
    changes.clear_negatives = a->clear;
    const Snapshot snap = Snapshot::load(a->snapshot, read_key(a->public_key));
    const std::int64_t row = registered_row(snap, a->code, a->snapshot);
    const WhatIf w = Analyzer(snap).what_if(row, changes);
    if (a->json) std::cout << what_if_json(snap, snap.table, w) << "\n";
    else print_what_if(std::cout, snap, row, w);
  });
}

void add_path(CLI::App& app) {
  auto* cmd = app.add_subcommand("path", "what each indicator of one registered enterprise must reach, alone, for a "
                                         "target score, grade or rank, and the combined plan of least total effort "
                                         "(达标路径, docs/analysis.md)");
  struct Args {
    std::string snapshot, code, public_key, grade, level = "province";
    double score = -1;
    std::int32_t top = 0;
    std::vector<std::string> fixed, caps;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--snapshot", a->snapshot, "snapshot written by cxjf score")->required()->check(existing_file());
  cmd->add_option("--code", a->code, "the enterprise's unified social credit code (统一社会信用代码)")->required();
  auto* score = cmd->add_option("--score", a->score, "target score (default: the model's list threshold, 70)")
                    ->check(CLI::NonNegativeNumber);
  auto* grade = cmd->add_option("--grade", a->grade, "target grade, e.g. A");
  auto* top = cmd->add_option("--top", a->top, "target: among the top K of its unit at --level")->check(CLI::PositiveNumber);
  cmd->add_option("--level", a->level, "the level of --top: national, province, city, county or zone")
      ->check(CLI::IsMember({"national", "province", "city", "county", "zone"}));
  score->excludes(grade)->excludes(top);
  grade->excludes(top);
  cmd->add_option("--fixed", a->fixed, "an indicator the enterprise cannot act on (id); repeatable");
  cmd->add_option("--cap", a->caps, "the most an indicator may reach, id=value; repeatable");
  cmd->add_option("--public-key", a->public_key, "load only a snapshot signed by this public key file (cxjf keys)")
      ->check(existing_file());
  cmd->add_flag("--json", a->json, "print the path as JSON (as the query kind path answers it)");
  cmd->callback([a, grade, top] {
    Target target;
    target.score = a->score;
    if (*grade) {
      target.kind = Target::Kind::grade;
      target.grade = a->grade;
    } else if (*top) {
      target.kind = Target::Kind::rank;
      target.top = a->top;
      for (int l = 0; l < rank_level_count; ++l)
        if (a->level == rank_level_name(static_cast<RankLevel>(l))) target.level = static_cast<RankLevel>(l);
    }
    PathOptions options;
    options.fixed = a->fixed;
    for (const std::string& c : a->caps) {
      auto cap = assignment(c, "--cap");
      if (std::isnan(cap.second)) throw Error(ErrorCode::invalid_argument, "--cap " + cap.first + " needs a number (上限须为数字)");
      options.caps.push_back(cap);
    }
    const Snapshot snap = Snapshot::load(a->snapshot, read_key(a->public_key));
    const std::int64_t row = registered_row(snap, a->code, a->snapshot);
    const Path p = Analyzer(snap).path(row, target, options);
    if (a->json) std::cout << path_json(snap.model, p) << "\n";
    else print_path(std::cout, snap, row, p);
  });
}

void add_distances(CLI::App& app) {
  auto* cmd = app.add_subcommand("distances", "the enterprises of a region closest to a target score or grade, with "
                                              "the points each lacks and its cheapest change (距达标差距, "
                                              "docs/analysis.md)");
  struct Args {
    std::string snapshot, public_key, grade;
    std::int32_t region = 0;
    double score = -1;
    std::size_t limit = 200;
    bool plan = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--snapshot", a->snapshot, "snapshot written by cxjf score")->required()->check(existing_file());
  cmd->add_option("--region", a->region, "a province, city or county code of GB/T 2260 (default: the nation)");
  auto* score = cmd->add_option("--score", a->score, "target score (default: the model's list threshold, 70)")
                    ->check(CLI::NonNegativeNumber);
  auto* grade = cmd->add_option("--grade", a->grade, "target grade, e.g. A");
  score->excludes(grade);
  cmd->add_option("--limit", a->limit, "how many of the closest below the target to list (default 200)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--plan", a->plan, "add each one's combined plan of least total effort (slower: ~0.1 s each)");
  cmd->add_option("--public-key", a->public_key, "load only a snapshot signed by this public key file (cxjf keys)")
      ->check(existing_file());
  cmd->callback([a, grade] {
    Target target;
    target.score = a->score;
    if (*grade) {
      target.kind = Target::Kind::grade;
      target.grade = a->grade;
    }
    const Snapshot snap = Snapshot::load(a->snapshot, read_key(a->public_key));
    const Model& m = snap.model;
    // The region's enterprises: a province code ends in 0000, a city's in 00.
    const std::int32_t r = a->region;
    auto inside = [r](std::int32_t code) {
      if (r == 0) return true;
      if (r % 10000 == 0) return code / 10000 == r / 10000;
      if (r % 100 == 0) return code / 100 == r / 100;
      return code == r;
    };
    std::vector<std::int64_t> rows;
    for (std::int64_t i = 0; i < snap.table.size(); ++i)
      if (inside(snap.table.region[static_cast<std::size_t>(i)])) rows.push_back(i);
    if (rows.empty())
      throw Error(ErrorCode::invalid_argument, "no registered enterprise of the snapshot lies in region " +
                                                   std::to_string(r) + " (该地区没有入统企业)");
    const Analyzer analyzer(snap);
    // The points missing need no search: the closest first, then only
    // theirs are searched.
    const std::int64_t goal = analyzer.target_units(rows.front(), target);
    std::vector<std::int64_t> below;
    for (std::int64_t i : rows)
      if (snap.scores.published_units[static_cast<std::size_t>(i)] < goal) below.push_back(i);
    std::stable_sort(below.begin(), below.end(), [&](std::int64_t x, std::int64_t y) {
      return snap.scores.published_units[static_cast<std::size_t>(x)] > snap.scores.published_units[static_cast<std::size_t>(y)];
    });
    if (below.size() > a->limit) below.resize(a->limit);
    PathOptions options;
    options.plan = a->plan;
    const std::vector<Distance> d = analyzer.distances(below, target, options);
    std::cout << "目标 target " << units_text(goal, m.scale.decimals) << "：" << rows.size() << " 家企业 enterprises, "
              << below.size() << " 家最接近 closest below it\n";
    TextTable lines({TextTable::Align::left, TextTable::Align::left, TextTable::Align::right, TextTable::Align::right,
                     TextTable::Align::left, TextTable::Align::right, TextTable::Align::right, TextTable::Align::right});
    lines.set_header({"统一社会信用代码 credit code", "企业名称 name", "得分 score", "差 missing", "最省单项 cheapest single",
                      "至少 least", "增幅 effort", "组合增幅 plan effort"});
    for (const Distance& x : d) {
      const auto i = static_cast<std::size_t>(x.row);
      const std::string single =
          x.indicator < 0 ? "不可达 out of reach" : m.indicators[static_cast<std::size_t>(x.indicator)].name_zh;
      const std::string plan = !x.plan.searched ? "" : !x.plan.reachable ? "不可达 out of reach"
                               : fixed(x.plan.effort * 100, 1) + "%" + (x.plan.optimal ? "" : "*");
      lines.add_row({snap.table.credit_code[i], snap.table.name[i], units_text(snap.scores.published_units[i], m.scale.decimals),
                     units_text(x.missing_units, m.scale.decimals), single, value_text(x.value),
                     std::isnan(x.effort) ? "—" : fixed(x.effort * 100, 1) + "%", plan});
    }
    lines.print(std::cout);
    if (std::any_of(d.begin(), d.end(), [](const Distance& x) { return x.plan.searched && x.plan.reachable && !x.plan.optimal; }))
      std::cout << "* 未证最优 not proven optimal within the search's budget\n";
  });
}

}  // namespace cxjf::cli
