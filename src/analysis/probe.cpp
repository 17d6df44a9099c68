// The probe of a path search (analysis/probe.hpp): one enterprise rescored
// with some values changed, each indicator's points kept between scores.
#include "analysis/probe.hpp"

#include <limits>

namespace cxjf::detail {
namespace {

// Row `row` of `table` alone, with what scoring reads of it (values,
// region, industry, stage, founding date, qualification and negative-list
// bits) and its codes: the snapshot's binding applies to it as it is, since
// the bits and stage codes are those of the snapshot's dictionaries. Names
// and dictionaries are left out (nothing scoring reads; a Table built row by
// row would copy them for every probe).
Table one_row(const Table& table, std::int64_t row) {
  const auto i = static_cast<std::size_t>(row);
  Table t;
  t.credit_code = {table.credit_code[i]};
  t.name = {std::string()};
  t.region = {table.region[i]};
  t.zone = {-1};
  t.incubator = {-1};
  t.industry = {table.industry[i]};
  t.tech_fields = {0};
  t.qualifications = {table.qualifications[i]};
  t.negatives = {table.negatives[i]};
  t.founded = {table.founded[i]};
  t.registered = {table.registered[i]};
  t.stage = {table.stage[i]};
  t.values = table.values.row(static_cast<Eigen::Index>(row));
  t.regions = table.regions;
  return t;
}

}  // namespace

Probe::Probe(const Prepared& p, const Bound& binding, const MergedPeers& merged, const Snapshot& snap, std::int64_t row)
    : p_(p),
      merged_(merged),
      others_(p, binding, snap.reference, snap.table, row, snap.scores.peer_group[static_cast<std::size_t>(row)],
              &merged),
      table_(one_row(snap.table, row)),
      bound_(binding) {
  const std::size_t n = p.model.indicators.size();
  points_.assign(n, 0.0);
  excluded_.assign(n, 0);
  fresh_.assign(n, 0);
  category_.assign(p.model.categories.size(), 0.0);
  excluded_weight_.assign(p.model.categories.size(), 0.0);
}

RowTotal<double> Probe::total() {
  const Model& m = p_.model;
  // The stage moves only with the indicator that decides it; a new stage
  // changes every weight.
  const std::int32_t stage = stage_of(p_, bound_, table_, 0);
  if (stage != stage_) {
    stage_ = stage;
    std::fill(fresh_.begin(), fresh_.end(), 0);
  }
  std::fill(category_.begin(), category_.end(), 0.0);
  std::fill(excluded_weight_.begin(), excluded_weight_.end(), 0.0);
  const auto s = static_cast<std::size_t>(stage);
  for (std::size_t j = 0; j < m.indicators.size(); ++j) {
    const int c = p_.category_of[j];
    if (c < 0) continue;
    if (!fresh_[j]) {
      LedgerLine line;
      points_[j] = indicator_points<double>(p_, others_, static_cast<int>(j), table_.values(0, bound_.column[j]), stage,
                                            others_.group(), true, line, false);
      excluded_[j] = line.excluded;
      fresh_[j] = 1;
    }
    // The sums of evaluate_row, in its order.
    if (excluded_[j]) excluded_weight_[static_cast<std::size_t>(c)] += from_decimal<double>(m.indicators[j].weights[s]);
    else category_[static_cast<std::size_t>(c)] += points_[j];
  }
  return finish_row<double>(p_, bound_, table_, 0, stage, category_.data(), excluded_weight_.data());
}

std::int64_t Probe::score() {
  ++count_;
  // The published score alone, as explain_row rounds it: no ledger lines.
  const Model& m = p_.model;
  const RowTotal<double> r = total();
  if (near_boundary(r.total, m.scale.decimals))
    return round_exact(evaluate_row<Rational>(p_, bound_, others_, table_, 0, Membership::newcomer, nullptr).total,
                       m.scale.decimals, m.scale.rounding);
  return round_to_units(r.total, m.scale.decimals, m.scale.rounding);
}

double Probe::raw() {
  ++count_;
  const RowTotal<double> r = total();
  return r.veto ? -std::numeric_limits<double>::infinity() : r.base + r.bonus - r.deduction;
}

}  // namespace cxjf::detail
