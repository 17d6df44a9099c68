// What-if (include/cxjf/analysis.hpp): one enterprise rescored with changed
// data against the frozen snapshot, everyone else as they are.
#include <algorithm>
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/analysis_impl.hpp"
#include "cxjf/analysis.hpp"
#include "cxjf/credit_code.hpp"
#include "scoring/leave_one_out.hpp"

namespace cxjf {

namespace {

// The row of `table` with the changes applied, as a one-row table with the
// snapshot's region edition.
Table changed_row(const Model& model, const Table& table, std::int64_t row, const Changes& changes) {
  Row r = table.row(row);
  for (const auto& [id, value] : changes.values) {
    const int j = table.indicator_column(id);
    if (j < 0 || model.indicator_index(id) < 0)
      throw Error(ErrorCode::invalid_argument,
                  "'" + id + "' is not an indicator of " + model.id + " (不是该模型的指标)");
    if (std::isinf(value))
      throw Error(ErrorCode::invalid_argument, "the new value of '" + id + "' is not a finite number (新值不是有限数)");
    r.values[static_cast<std::size_t>(j)] = value;
  }
  auto known_qualification = [&](const std::string& name) {
    for (const BonusItem& item : model.bonus)
      if (item.qualification == name) return true;
    return false;
  };
  for (const std::string& q : changes.add_qualifications) {
    if (!known_qualification(q))
      throw Error(ErrorCode::invalid_argument,
                  "'" + q + "' is not a qualification of " + model.id + "'s bonus items (不是该模型加分项的企业资质)");
    if (std::find(r.qualifications.begin(), r.qualifications.end(), q) == r.qualifications.end())
      r.qualifications.push_back(q);
  }
  for (const std::string& q : changes.remove_qualifications) {
    auto it = std::find(r.qualifications.begin(), r.qualifications.end(), q);
    if (it == r.qualifications.end())
      throw Error(ErrorCode::invalid_argument,
                  "the enterprise has no qualification '" + q + "' to remove (企业没有该资质)");
    r.qualifications.erase(it);
  }
  for (const std::string& flag : changes.clear_negatives) {
    auto it = std::find(r.negatives.begin(), r.negatives.end(), flag);
    if (it == r.negatives.end())
      throw Error(ErrorCode::invalid_argument,
                  "the enterprise has no negative-list flag '" + flag + "' to clear (企业没有该负面清单标记)");
    r.negatives.erase(it);
  }
  TableBuilder builder(table.indicator_ids, table.regions);
  builder.add(r);
  return builder.build();
}

}  // namespace

const Analyzer::Impl::RankIndex& Analyzer::Impl::rank_index() const {
  std::call_once(rank_once_, [this] {
    auto index = std::make_unique<RankIndex>();
    const bool dense = snap.model.rank_ties == RankTies::dense;
    for (RankLevel level : estimate_rank_levels) {
      index->members.emplace_back(snap, level, false);
      if (dense) index->distinct.emplace_back(snap, level, true);
    }
    rank_index_ = std::move(index);
  });
  return *rank_index_;
}

std::array<std::int32_t, 6> Analyzer::Impl::ranks_among_others(const Table& table, std::int64_t row,
                                                               std::int64_t units, std::int64_t self) const {
  const RankIndex& index = rank_index();
  const auto i = static_cast<std::size_t>(row);
  const bool dense = !index.distinct.empty();
  std::array<std::int32_t, 6> rank{};
  for (std::size_t k = 0; k < estimate_rank_levels.size(); ++k) {
    const RankLevel level = estimate_rank_levels[k];
    std::int64_t unit;
    if (level == RankLevel::zone || level == RankLevel::incubator) {
      // Zones and incubators by name: the snapshot may hold nobody of it.
      const bool zone = level == RankLevel::zone;
      const std::int32_t code = (zone ? table.zone : table.incubator)[i];
      if (code < 0) continue;
      const std::string& name = (zone ? table.zones : table.incubators)[code];
      unit = (zone ? snap.table.zones : snap.table.incubators).find(name);
      if (unit < 0) {
        rank[k] = 1;
        continue;
      }
    } else {
      unit = detail::region_unit(level, table.region[i]);
      if (unit < 0) continue;
    }
    const detail::WouldBeRanks& members = index.members[k];
    std::int32_t r = (dense ? index.distinct[k] : members).rank(unit, units);
    // The enterprise itself is not among the others: it lies in the unit
    // (its new values do not move it), and counted when it scored higher.
    if (self >= 0) {
      const std::int64_t own = snap.scores.published_units[static_cast<std::size_t>(self)];
      const bool alone = members.rank(unit, own - 1) - members.rank(unit, own) == 1;
      if (own > units && (!dense || alone)) --r;
    }
    rank[k] = r;
  }
  return rank;
}

Analyzer::Analyzer(const Snapshot& snapshot) : impl_(std::make_unique<Impl>(snapshot)) {}
Analyzer::~Analyzer() = default;
const Snapshot& Analyzer::snapshot() const { return impl_->snap; }

ScoreOutcome Analyzer::Impl::outcome(Ledger ledger, const Table& table, std::int64_t row, std::int64_t self) const {
  ScoreOutcome out;
  out.published_units = ledger.published_units;
  out.grade = ledger.grade;
  out.rank = ranks_among_others(table, row, ledger.published_units, self);
  out.ledger = std::move(ledger);
  return out;
}

WhatIf Analyzer::what_if(std::int64_t row, const Changes& changes) const {
  const Snapshot& snap = impl_->snap;
  if (row < 0 || row >= snap.table.size())
    throw Error(ErrorCode::invalid_argument, "row " + std::to_string(row) + " is not in the snapshot");
  WhatIf w;
  w.registered = true;
  w.changed = changed_row(snap.model, snap.table, row, changes);
  const detail::Bound bound(impl_->p, w.changed);
  const detail::LeaveOneOut others(impl_->p, impl_->binding, snap.reference, snap.table, row,
                                   snap.scores.peer_group[static_cast<std::size_t>(row)], &impl_->merged);
  w.before = impl_->outcome(detail::explain_row(impl_->p, impl_->binding, snap.reference, snap.table, row,
                                                Membership::member),
                            snap.table, row, row);
  w.after = impl_->outcome(detail::explain_row(impl_->p, bound, others, w.changed, 0, Membership::newcomer), w.changed,
                           0, row);
  return w;
}

WhatIf Analyzer::what_if(const Table& table, std::int64_t row, const Changes& changes) const {
  const Snapshot& snap = impl_->snap;
  if (row < 0 || row >= table.size())
    throw Error(ErrorCode::invalid_argument, "row " + std::to_string(row) + " is not in the table");
  WhatIf w;
  w.changed = changed_row(snap.model, table, row, changes);
  const detail::Bound before_binding(impl_->p, table), after_binding(impl_->p, w.changed);
  w.before = impl_->outcome(
      detail::explain_row(impl_->p, before_binding, snap.reference, table, row, Membership::newcomer), table, row, -1);
  w.after = impl_->outcome(
      detail::explain_row(impl_->p, after_binding, snap.reference, w.changed, 0, Membership::newcomer), w.changed, 0,
      -1);
  return w;
}

namespace {

nlohmann::ordered_json outcome_doc(const Snapshot& snap, const Table& table, const ScoreOutcome& o) {
  nlohmann::ordered_json doc;
  doc["score"] = units_text(o.published_units, snap.model.scale.decimals);
  doc["grade"] = snap.model.grades[static_cast<std::size_t>(o.grade)].id;
  nlohmann::ordered_json ranks;
  for (std::size_t k = 0; k < estimate_rank_levels.size(); ++k)
    ranks[rank_level_name(estimate_rank_levels[k])] =
        o.rank[k] > 0 ? nlohmann::ordered_json(o.rank[k]) : nlohmann::ordered_json(nullptr);
  doc["ranks"] = ranks;
  doc["ledger"] = nlohmann::ordered_json::parse(o.ledger.to_json(snap.model, snap.reference, table));
  return doc;
}

}  // namespace

std::string what_if_json(const Snapshot& snap, const Table& table, const WhatIf& w) {
  nlohmann::ordered_json doc;
  doc["registered"] = w.registered;
  doc["before"] = outcome_doc(snap, table, w.before);
  doc["after"] = outcome_doc(snap, w.changed, w.after);
  doc["delta"] = units_text(w.after.published_units - w.before.published_units, snap.model.scale.decimals);
  return doc.dump(2);
}

}  // namespace cxjf
