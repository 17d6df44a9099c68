// The structure checks of a loaded snapshot (docs/hardening.md). A checksum
// tells damage, not intent: a crafted file with a good checksum must still
// not cause an out-of-bounds access or an answer from inconsistent parts.
// So every index is checked against what it indexes, and the derived parts
// (grades, list order, ranks) are computed from the stored scores, never
// read from the file. Rows are checked in blocks on every core; the first
// bad row is named whatever the thread count.
#include "snapshot/snapshot_check.hpp"

#include <string>

#include "table/csv_text.hpp"
#include "cxjf/credit_code.hpp"
#include "cxjf/error.hpp"
#include "cxjf/regions.hpp"
#include "scoring/fit.hpp"
#include "scoring/scoring.hpp"
#include "base/task_graph.hpp"

namespace cxjf::detail {
namespace {

[[noreturn]] void damaged(const std::string& name, const std::string& what) {
  throw Error(ErrorCode::corrupt_snapshot, name + " is damaged: " + what);
}

std::string at(std::size_t row) { return "row " + std::to_string(row) + ": "; }

constexpr std::size_t check_block = 1 << 15;

void check_table(const Snapshot& s, const std::string& name) {
  const Table& t = s.table;
  const std::size_t n = t.credit_code.size();
  const Regions& regions = t.region_table();
  auto in_range = [](std::int64_t code, std::int64_t size) { return code >= -1 && code < size; };
  auto fits = [](std::uint32_t bits, std::int32_t size) { return size >= 32 || (bits >> size) == 0; };
  for (const Dictionary* d : {&t.tech_field_names, &t.qualification_names, &t.negative_names})
    if (d->size() > max_multi_values) damaged(name, "a multi-valued column has more than 32 values");
  // Text goes into answers and files: valid UTF-8 without NUL, as every
  // reader makes it.
  auto text_ok = [](const std::string& s) { return s.find('\0') == std::string::npos && invalid_utf8(s) == std::string::npos; };
  for (const Dictionary* d : {&t.zones, &t.incubators, &t.tech_field_names, &t.qualification_names, &t.negative_names,
                              &t.stage_names})
    for (const std::string& v : d->values())
      if (!text_ok(v)) damaged(name, "a dictionary entry is not UTF-8 text");
  for (const std::string& id : t.indicator_ids)
    if (!text_ok(id)) damaged(name, "an indicator id is not UTF-8 text");
  parallel_for(resolve_threads(0), (n + check_block - 1) / check_block, [&](std::size_t block) {
    for (std::size_t i = block * check_block; i < std::min(n, (block + 1) * check_block); ++i) {
      if (credit_code_problem(t.credit_code[i])) damaged(name, at(i) + "the credit code is not valid");
      if (!text_ok(t.name[i])) damaged(name, at(i) + "the name is not UTF-8 text");
      if (!regions.find(t.region[i]))
        damaged(name, at(i) + "region code " + std::to_string(t.region[i]) + " is unknown");
      if (!in_range(t.zone[i], t.zones.size()) || !in_range(t.incubator[i], t.incubators.size()) ||
          !in_range(t.industry[i], industry_count) || !in_range(t.stage[i], t.stage_names.size()))
        damaged(name, at(i) + "a code is out of its dictionary");
      if (!fits(t.tech_fields[i], t.tech_field_names.size()) ||
          !fits(t.qualifications[i], t.qualification_names.size()) || !fits(t.negatives[i], t.negative_names.size()))
        damaged(name, at(i) + "a multi-valued cell names a value its dictionary lacks");
      if (t.founded[i] != 0 && !is_calendar_date(t.founded[i]))
        damaged(name, at(i) + "the founding date is not a date");
      if (t.registered[i] != 1) damaged(name, at(i) + "a snapshot holds registered enterprises only");
    }
  });
  for (const Indicator& ind : s.model.indicators)
    if (t.indicator_column(ind.id) < 0) damaged(name, "the table has no column for indicator " + ind.id);
  try {
    require_unique_codes(t);
  } catch (const InputError& e) {
    damaged(name, e.what());
  }
  if (s.reference.population != static_cast<std::int64_t>(n))
    damaged(name, "the reference was not fitted on this table");
}

void check_scores(Snapshot& s, const std::string& name) {
  const Model& m = s.model;
  Scores& sc = s.scores;
  const std::size_t n = s.table.credit_code.size();
  if (sc.decimals != m.scale.decimals) damaged(name, "the scores' decimals are not the model's");
  if (static_cast<std::size_t>(sc.category_points.cols()) != m.categories.size())
    damaged(name, "the scores' categories are not the model's");
  const auto groups = static_cast<std::int32_t>(s.reference.groups.size());
  const auto stages = static_cast<std::int32_t>(m.stages.size());
  const auto top = static_cast<double>(m.scale.total_max) * power_of_ten(sc.decimals);
  for (std::size_t i = 0; i < n; ++i) {
    if (sc.stage[i] < 0 || sc.stage[i] >= stages || sc.peer_group[i] < 0 || sc.peer_group[i] >= groups)
      damaged(name, at(i) + "a stage or peer group is out of range");
    if (sc.veto[i] > 1) damaged(name, at(i) + "the veto flag is neither 0 nor 1");
    if (sc.imputed[i] > m.indicators.size()) damaged(name, at(i) + "more indicators imputed than the model has");
    if (!(sc.published_units[i] >= 0 && static_cast<double>(sc.published_units[i]) <= top + 0.5) ||
        !std::isfinite(sc.total[i]))
      damaged(name, at(i) + "the score is out of the model's scale");
  }
  // The derived parts: the exact totals that break ties among close doubles
  // come from the reference, as when the snapshot was built.
  const Prepared p(m);
  const Bound b(p, s.table);
  TaskGraph graph(resolve_threads(0));
  rank_rows(
      m, s.table, sc,
      [&](std::int64_t i) {
        return evaluate_row<Rational>(p, b, s.reference, s.table, i, Membership::member, nullptr).total;
      },
      &graph);
}

}  // namespace

void check_snapshot(Snapshot& snapshot, const std::string& name) {
  check_table(snapshot, name);
  check_scores(snapshot, name);
}

}  // namespace cxjf::detail
