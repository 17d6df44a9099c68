#include <iostream>

#include "commands.hpp"
#include "cxjf/credit_code.hpp"
#include "cxjf/error.hpp"
#include "cxjf/regions.hpp"
#include "cxjf/snapshot.hpp"
#include "text.hpp"

namespace cxjf::cli {

std::string region_name(std::int32_t code, const Regions& regions) {
  std::string name;
  for (std::int32_t c : {regions.province_of(code), regions.city_of(code), regions.county_of(code)}) {
    const Region* r = c ? regions.find(c) : nullptr;
    if (r && r->name != "市辖区") name += r->name;
  }
  return name;
}

void print_ledger(std::ostream& out, const Snapshot& snap, std::int64_t row) {
  const Model& m = snap.model;
  const Table& t = snap.table;
  const Ledger ledger = explain(m, snap.reference, t, row);
  const auto i = static_cast<std::size_t>(row);
  const Stage& stage = m.stages[static_cast<std::size_t>(ledger.stage)];
  out << t.name[i] << "  " << t.credit_code[i] << "\n"
      << "  " << region_name(t.region[i], t.region_table()) << " · " << stage.name_zh << " " << stage.name_en << " · 同类 peers: "
      << snap.reference.group_label(m, ledger.peer_group, t.region_table()) << "\n";
  TextTable lines({TextTable::Align::left, TextTable::Align::right, TextTable::Align::left, TextTable::Align::right,
                   TextTable::Align::right, TextTable::Align::right, TextTable::Align::left});
  lines.set_header({"指标 indicator", "数值 value", "单位 unit", "s", "得分 points", "满分 max", "说明 note"});
  for (const LedgerLine& line : ledger.lines) {
    const Indicator& ind = m.indicators[static_cast<std::size_t>(line.indicator)];
    std::string note = line.zero_rule ? "≤0 得 0 / <=0 earns 0"
                       : line.imputed ? "缺失，已插补 / missing, imputed"
                       : line.excluded ? "缺失，不计 / missing, excluded"
                                       : "";
    lines.add_row({ind.name_zh, line.missing ? "—" : fixed(line.raw, 2), ind.unit, fixed(line.normalized, 3),
                   fixed(line.points, 3), fixed(line.weight, 1), note});
  }
  lines.print(out);
  TextTable totals({TextTable::Align::left, TextTable::Align::right});
  for (std::size_t c = 0; c < m.categories.size(); ++c)
    totals.add_row({m.categories[c].name_zh + " " + m.categories[c].name_en, fixed(ledger.category_points[c], 4)});
  totals.add_row({"加分 bonus", fixed(ledger.bonus, 2)});
  totals.add_row({"减分 deduction", fixed(ledger.deduction, 2)});
  if (ledger.veto) totals.add_row({"一票否决 veto", "✓"});
  totals.add_row({"精确总分 exact total", fixed(ledger.total, 6)});
  totals.add_row({"得分 score", snap.scores.published_text(row) + " " + m.grades[static_cast<std::size_t>(ledger.grade)].id});
  totals.print(out);
}

std::int64_t registered_row(const Snapshot& snap, const std::string& code, const std::string& snapshot_path) {
  // As tables store it: upper case, full-width forms and spaces folded.
  const std::string normalized = normalize_credit_code(code);
  const Table& t = snap.table;
  for (std::int64_t i = 0; i < t.size(); ++i)
    if (t.credit_code[static_cast<std::size_t>(i)] == normalized) return i;
  throw Error(ErrorCode::not_found, "no registered enterprise of " + snapshot_path + " has the credit code '" + code +
                                        "' (快照中没有统一社会信用代码为 '" + code + "' 的入统企业)");
}

void add_explain(CLI::App& app) {
  auto* cmd = app.add_subcommand("explain", "print one registered enterprise's ledger (企业详情): every indicator's "
                                            "value, points and maximum, bonus, deduction and the score");
  struct Args {
    std::string snapshot, code, public_key;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--snapshot", a->snapshot, "snapshot written by cxjf score")->required()->check(existing_file());
  cmd->add_option("--code", a->code, "the enterprise's unified social credit code (统一社会信用代码)")->required();
  cmd->add_option("--public-key", a->public_key, "load only a snapshot signed by this public key file (cxjf keys)")
      ->check(existing_file());
  cmd->add_flag("--json", a->json, "print the ledger as JSON (as cxjf score --explain writes it)");
  cmd->callback([a] {
    const Snapshot snap = Snapshot::load(a->snapshot, read_key(a->public_key));
    const Table& t = snap.table;
    const std::int64_t row = registered_row(snap, a->code, a->snapshot);
    if (a->json)
      std::cout << explain(snap.model, snap.reference, t, row).to_json(snap.model, snap.reference, t) << "\n";
    else
      print_ledger(std::cout, snap, row);
  });
}

}  // namespace cxjf::cli
