#include "cxjf/scores.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cxjf/snapshot.hpp"
#include "code_index.hpp"
#include "fit.hpp"
#include "scoring.hpp"

namespace cxjf {

const char* rank_level_name(RankLevel level) {
  switch (level) {
    case RankLevel::national: return "national";
    case RankLevel::province: return "province";
    case RankLevel::city: return "city";
    case RankLevel::county: return "county";
    case RankLevel::zone: return "zone";
    case RankLevel::incubator: return "incubator";
    case RankLevel::peer_group: return "peer_group";
  }
  return "";
}

double Scores::published(std::int64_t i) const {
  return static_cast<double>(published_units[static_cast<std::size_t>(i)]) / detail::power_of_ten(decimals);
}

std::string Scores::published_text(std::int64_t i) const {
  std::int64_t units = published_units[static_cast<std::size_t>(i)];
  std::string digits = std::to_string(units < 0 ? -units : units);
  if (decimals > 0) {
    if (digits.size() <= static_cast<std::size_t>(decimals))
      digits.insert(0, static_cast<std::size_t>(decimals) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<std::size_t>(decimals), ".");
  }
  return units < 0 ? "-" + digits : digits;
}

std::int64_t round_to_units(double total, std::int32_t decimals, Rounding rounding) {
  double scaled = total * detail::power_of_ten(decimals);
  double whole = std::floor(scaled);
  double frac = scaled - whole;
  auto units = static_cast<std::int64_t>(whole);
  if (frac > 0.5 || (frac == 0.5 && (rounding == Rounding::half_up || (units & 1) != 0))) ++units;
  return units;
}

namespace detail {
namespace {

Scores empty_scores(const Model& model, std::int64_t n) {
  Scores s;
  auto un = static_cast<std::size_t>(n);
  s.decimals = model.scale.decimals;
  s.stage.resize(un);
  s.peer_group.resize(un);
  s.category_points = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(model.categories.size()));
  s.base.resize(un);
  s.bonus.resize(un);
  s.deduction.resize(un);
  s.veto.resize(un);
  s.imputed.resize(un);
  s.total.resize(un);
  s.published_units.resize(un);
  return s;
}

// Publishes a row's total: doubles decide unless the total lies within their
// error of a rounding boundary; then the row is recomputed exactly.
void publish(const Prepared& p, const Bound& b, const Reference& ref, const Table& table, std::int64_t i,
             Membership membership, Scores& s) {
  auto row = static_cast<std::size_t>(i);
  const Scale& scale = p.model.scale;
  if (!near_boundary(s.total[row], scale.decimals)) {
    s.published_units[row] = round_to_units(s.total[row], scale.decimals, scale.rounding);
    return;
  }
  RowTotal<Rational> exact = evaluate_row<Rational>(p, b, ref, table, i, membership, nullptr);
  s.total[row] = to_double(exact.total);
  s.published_units[row] = round_exact(exact.total, scale.decimals, scale.rounding);
}

void store_row(const RowTotal<double>& r, std::size_t row, Scores& s) {
  s.base[row] = r.base;
  s.bonus[row] = r.bonus;
  s.deduction[row] = r.deduction;
  s.veto[row] = r.veto;
  s.total[row] = r.total;
}

}  // namespace

// A base database holds each enterprise once; a repeated credit code would
// give one enterprise two scores and two ranks.
void require_unique_codes(const Table& table) {
  auto [first, again] = CodeIndex(table.credit_code).first_repeat();
  if (again >= 0)
    throw InputError(again + 2, "统一社会信用代码",
                     "credit code " + table.credit_code[static_cast<std::size_t>(again)] + " appears again (first at row " +
                         std::to_string(first + 2) + ") (统一社会信用代码重复)");
}

}  // namespace detail

Scores score(const Model& model, const Reference& reference, const Table& table) {
  if (reference.model_id != model.id)
    throw Error(ErrorCode::invalid_argument,
                "the reference was fitted with model '" + reference.model_id + "', not '" + model.id + "'");
  detail::Prepared p(model);
  detail::Bound b(p, table);
  Scores s = detail::empty_scores(model, table.size());
  for (std::int64_t i = 0; i < table.size(); ++i) {
    auto row = static_cast<std::size_t>(i);
    detail::RowTotal<double> r = detail::evaluate_row<double>(p, b, reference, table, i, Membership::member, nullptr);
    s.stage[row] = r.stage;
    s.peer_group[row] = r.group;
    for (std::size_t c = 0; c < r.category.size(); ++c)
      s.category_points(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = r.category[c];
    s.imputed[row] = r.imputed;
    detail::store_row(r, row, s);
    detail::publish(p, b, reference, table, i, Membership::member, s);
  }
  detail::rank_rows(model, table, s);
  return s;
}

Snapshot Snapshot::build(const Model& model, Table table) {
  // Input errors are found before the unregistered rows are dropped, so the
  // row numbers they report are those of the input.
  detail::require_unique_codes(table);
  detail::FitState state;
  {
    detail::Prepared p(model);
    detail::Bound b(p, table);
    state.stage.resize(static_cast<std::size_t>(table.size()));
    for (std::int64_t i = 0; i < table.size(); ++i) state.stage[static_cast<std::size_t>(i)] = detail::stage_of(p, b, table, i);
  }
  std::vector<bool> keep(static_cast<std::size_t>(table.size()));
  std::size_t kept = 0;
  for (std::size_t i = 0; i < keep.size(); ++i) kept += (keep[i] = table.registered[i] != 0);
  if (kept != keep.size()) {
    detail::keep_rows(table, keep);
    std::size_t k = 0;
    for (std::size_t i = 0; i < keep.size(); ++i)
      if (keep[i]) state.stage[k++] = state.stage[i];
    state.stage.resize(kept);
  }

  detail::Prepared p(model);
  detail::Bound b(p, table);
  const std::int64_t n = table.size();
  const auto C = static_cast<Eigen::Index>(model.categories.size());
  Scores s = detail::empty_scores(model, n);
  Eigen::MatrixXd excluded = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), C);

  // Points are added to every row's category while the fit runs, indicator
  // by indicator in model order, with the formulas of evaluate_row, so the
  // results are bit for bit those of fit() then score(). Percentiles come
  // straight from the sorted groups: a run of equal values of length e - a
  // starting at a has a peers below and e at or below.
  auto handled_by_sort = [&](const Indicator& ind, std::size_t row, double x) {
    return ind.normalization.method == Method::percentile && state.chosen[row] == state.fine[row] &&
           (!std::isnan(x) || ind.missing == MissingPolicy::zero);
  };
  bool all_fine = true;  // every row compared within its finest group
  detail::FitVisitor visit;
  visit.sorted = [&](int j, const double* values, const std::uint32_t* rows, std::size_t m) {
    const Indicator& ind = model.indicators[static_cast<std::size_t>(j)];
    const int c = p.category_of[static_cast<std::size_t>(j)];
    if (c < 0 || ind.normalization.method != Method::percentile) return;
    double* points = s.category_points.col(c).data();
    const auto group_size = static_cast<std::int64_t>(m);
    for (std::size_t a = 0; a < m;) {
      std::size_t e = a + 1;
      while (e < m && values[e] == values[a]) ++e;
      // Transforms keep the sign, so the zero rule reads the sorted value.
      double share = ind.zero_earns_zero && values[a] <= 0
                         ? 0.0
                         : detail::percentile_share<double>(ind.normalization.ties, ind.direction,
                                                            static_cast<std::int64_t>(e), static_cast<std::int64_t>(a),
                                                            group_size);
      for (std::size_t q = a; q < e; ++q) {
        std::uint32_t row = rows[q];
        points[row] += ind.weights[static_cast<std::size_t>(state.stage[row])] * share;
      }
      a = e;
    }
  };
  visit.fitted = [&](int j, const Reference& fitted) {
    if (j == 0)  // the groups are settled before the first indicator is fitted
      all_fine = std::equal(state.chosen.begin(), state.chosen.end(), state.fine.begin());
    const Indicator& ind = model.indicators[static_cast<std::size_t>(j)];
    const int c = p.category_of[static_cast<std::size_t>(j)];
    if (c < 0) return;
    const double* column = table.values.col(b.column[static_cast<std::size_t>(j)]).data();
    const bool percentile = ind.normalization.method == Method::percentile;
    const auto& stats = fitted.stats[static_cast<std::size_t>(j)];
    double* points = s.category_points.col(c).data();
    double* dropped = excluded.col(c).data();
    // Members do not move their group's parameters: work them out once.
    std::vector<detail::PeerParams<double>> params(fitted.groups.size() + 1);
    for (std::size_t g = 0; g < fitted.groups.size(); ++g)
      params[g] = detail::peer_params<double>(p, fitted, j, static_cast<std::int32_t>(g), false, 0, 0);
    // A percentile whose every value was reported and compared within its
    // finest group is done: the sort has counted every row.
    if (percentile && all_fine && std::none_of(column, column + n, [](double v) { return std::isnan(v); })) return;
    for (std::size_t row = 0; row < static_cast<std::size_t>(n); ++row) {
      double x = column[row];
      if (std::isnan(x)) ++s.imputed[row];
      if (handled_by_sort(ind, row, x)) continue;
      const std::int32_t group = state.chosen[row];
      const double weight = ind.weights[static_cast<std::size_t>(state.stage[row])];
      if (std::isnan(x)) {
        if (ind.missing == MissingPolicy::exclude) {
          dropped[row] += weight;
          continue;
        }
        x = ind.missing == MissingPolicy::zero ? 0.0 : detail::peer_median(p, fitted, j, group);
      }
      detail::Position pos;
      if (percentile) {
        double y = detail::apply_transform(ind.transform, x);
        pos.at_most = fitted.count_at_most(j, group, y);
        pos.below = fitted.count_below(j, group, y);
        pos.peers = stats[static_cast<std::size_t>(group)].count;
      }
      points[row] += weight * detail::normalize<double>(p, j, x, false, pos, params[static_cast<std::size_t>(group)], nullptr);
    }
  };
  Reference ref = detail::fit_rows(p, b, table, state, visit);
  std::vector<double> category(static_cast<std::size_t>(C)), dropped(static_cast<std::size_t>(C));
  for (std::int64_t i = 0; i < n; ++i) {
    auto row = static_cast<std::size_t>(i);
    auto r_i = static_cast<Eigen::Index>(i);
    for (Eigen::Index c = 0; c < C; ++c) {
      category[static_cast<std::size_t>(c)] = s.category_points(r_i, c);
      dropped[static_cast<std::size_t>(c)] = excluded(r_i, c);
    }
    detail::RowTotal<double> r =
        detail::finish_row<double>(p, b, table, i, state.stage[row], category.data(), dropped.data());
    for (Eigen::Index c = 0; c < C; ++c) s.category_points(r_i, c) = category[static_cast<std::size_t>(c)];
    s.stage[row] = state.stage[row];
    s.peer_group[row] = state.chosen[row];
    detail::store_row(r, row, s);
    detail::publish(p, b, ref, table, i, Membership::member, s);
  }
  detail::rank_rows(model, table, s);
  return Snapshot{model, std::move(ref), std::move(table), std::move(s)};
}

}  // namespace cxjf
