#include <cmath>
#include <nlohmann/json.hpp>

#include "cxjf/scores.hpp"
#include "scoring/scoring.hpp"
#include "scoring/leave_one_out.hpp"

namespace cxjf {

namespace detail {

template <class Ref>
Ledger explain_row(const Prepared& p, const Bound& b, const Ref& reference, const Table& table, std::int64_t row,
                   Membership membership) {
  const Model& model = p.model;
  Ledger ledger;
  RowTotal<double> r = evaluate_row<double>(p, b, reference, table, row, membership, &ledger);
  if (near_boundary(r.total, model.scale.decimals)) {
    RowTotal<Rational> exact = evaluate_row<Rational>(p, b, reference, table, row, membership, nullptr);
    ledger.total = to_double(exact.total);
    ledger.published_units = round_exact(exact.total, model.scale.decimals, model.scale.rounding);
  } else {
    ledger.published_units = round_to_units(r.total, model.scale.decimals, model.scale.rounding);
  }
  ledger.grade = model.grade_of(static_cast<double>(ledger.published_units) / power_of_ten(model.scale.decimals));
  return ledger;
}

template Ledger explain_row(const Prepared&, const Bound&, const Reference&, const Table&, std::int64_t, Membership);
template Ledger explain_row(const Prepared&, const Bound&, const LeaveOneOut&, const Table&, std::int64_t, Membership);

}  // namespace detail

struct Explainer::Impl {
  Impl(const Model& model, const Reference& r, const Table& t) : p(model), b(p, t), reference(r), table(t) {}
  detail::Prepared p;
  detail::Bound b;
  const Reference& reference;
  const Table& table;
};

Explainer::Explainer(const Model& model, const Reference& reference, const Table& table) {
  reference.require_model(model);
  impl_ = std::make_unique<Impl>(model, reference, table);
}

Explainer::~Explainer() = default;

Ledger Explainer::operator()(std::int64_t row, Membership membership) const {
  if (row < 0 || row >= impl_->table.size())
    throw Error(ErrorCode::invalid_argument, "row " + std::to_string(row) + " is not in the table");
  return detail::explain_row(impl_->p, impl_->b, impl_->reference, impl_->table, row, membership);
}

Ledger explain(const Model& model, const Reference& reference, const Table& table, std::int64_t row,
               Membership membership) {
  return Explainer(model, reference, table)(row, membership);
}

namespace {
nlohmann::ordered_json number_or_null(double v) {
  return std::isnan(v) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v);
}
}  // namespace

std::string Ledger::to_json(const Model& model, const Reference& reference, const Table& table) const {
  auto i = static_cast<std::size_t>(row);
  nlohmann::ordered_json doc;
  doc["credit_code"] = table.credit_code[i];
  doc["name"] = table.name[i];
  doc["model_id"] = model.id;
  doc["stage"] = model.stages[static_cast<std::size_t>(stage)].name_zh;
  doc["peer_group"] = reference.group_label(model, peer_group, table.region_table());
  nlohmann::ordered_json lines_json = nlohmann::ordered_json::array();
  for (const LedgerLine& l : lines) {
    const Indicator& ind = model.indicators[static_cast<std::size_t>(l.indicator)];
    nlohmann::ordered_json lj;
    lj["id"] = ind.id;
    lj["name"] = ind.name_zh;
    lj["unit"] = ind.unit;
    lj["category"] = ind.category;
    lj["raw"] = number_or_null(l.raw);
    lj["used"] = l.excluded ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(l.used);
    lj["missing"] = l.missing;
    lj["imputed"] = l.imputed;
    lj["excluded"] = l.excluded;
    lj["zero_rule"] = l.zero_rule;
    lj["peers"] = l.peers;
    lj["normalized"] = l.normalized;
    lj["weight"] = l.weight;
    lj["points"] = l.points;
    lines_json.push_back(lj);
  }
  doc["indicators"] = lines_json;
  nlohmann::ordered_json categories = nlohmann::ordered_json::object();
  for (std::size_t c = 0; c < category_points.size(); ++c) categories[model.categories[c].id] = category_points[c];
  doc["categories"] = categories;
  doc["base"] = base;
  nlohmann::ordered_json bonus_json = nlohmann::ordered_json::array();
  for (const LedgerItem& item : bonus_items)
    bonus_json.push_back({{"id", model.bonus[static_cast<std::size_t>(item.item)].id},
                          {"name", model.bonus[static_cast<std::size_t>(item.item)].name_zh},
                          {"points", item.points}});
  doc["bonus_items"] = bonus_json;
  doc["bonus"] = bonus;
  nlohmann::ordered_json negative_json = nlohmann::ordered_json::array();
  for (const LedgerItem& item : negative_items) {
    const NegativeItem& neg = model.negatives[static_cast<std::size_t>(item.item)];
    negative_json.push_back({{"id", neg.id},
                             {"name", neg.name_zh},
                             {"action", neg.action == NegativeAction::veto ? "veto" : "deduct"},
                             {"points", item.points}});
  }
  doc["negative_items"] = negative_json;
  doc["deduction"] = deduction;
  doc["veto"] = veto;
  doc["total"] = total;
  Scores one;
  one.decimals = model.scale.decimals;
  one.published_units = {published_units};
  doc["score"] = one.published_text(0);
  doc["grade"] = model.grades[static_cast<std::size_t>(grade)].id;
  return doc.dump(2);
}

}  // namespace cxjf
