#include "cxjf/scores.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "cxjf/snapshot.hpp"
#include "base/binary_io.hpp"
#include "scoring/fit.hpp"
#include "scoring/radix_sort.hpp"
#include "scoring/scoring.hpp"

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
  return units_text(published_units[static_cast<std::size_t>(i)], decimals);
}

std::string units_text(std::int64_t units, std::int32_t decimals) {
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
  // Rows sorted by 32 bits of their code's hash (half the radix passes of a
  // CodeIndex, which must find codes by their whole hash): runs of equal
  // bits are compared on the text, so a shared prefix costs a comparison,
  // never a false report.
  const auto& codes = table.credit_code;
  const std::size_t n = codes.size();
  std::vector<std::uint64_t> keys(n), key_tmp(n);
  std::vector<std::uint32_t> rows(n), row_tmp(n);
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = hash_bytes(codes[i]) >> 32;
    rows[i] = static_cast<std::uint32_t>(i);
  }
  radix_sort(keys.data(), rows.data(), n, key_tmp.data(), row_tmp.data(), 32);
  // The repeat reported is the one whose second occurrence comes first, with
  // the code's first row (rows of equal bits stay in row order: the sort is
  // stable).
  // A run of equal bits (a repeated code, or a rare collision) is sorted by
  // code text, then row, so each code's rows are adjacent and in row order:
  // O(k log k) for a run of k, however many rows repeat one code.
  std::int64_t first = -1, again = -1;
  for (std::size_t a = 0; a < n;) {
    std::size_t e = a + 1;
    while (e < n && keys[e] == keys[a]) ++e;
    if (e - a > 1) {
      std::sort(rows.begin() + static_cast<std::ptrdiff_t>(a), rows.begin() + static_cast<std::ptrdiff_t>(e),
                [&](std::uint32_t x, std::uint32_t y) {
                  const int c = codes[x].compare(codes[y]);
                  return c != 0 ? c < 0 : x < y;
                });
      for (std::size_t p = a + 1; p < e; ++p) {
        // rows[p - 1] is the code's first row when rows[p] is its second.
        const bool second = codes[rows[p]] == codes[rows[p - 1]] && (p == a + 1 || codes[rows[p - 2]] != codes[rows[p]]);
        if (second && (again < 0 || rows[p] < again)) {
          first = rows[p - 1];
          again = rows[p];
        }
      }
    }
    a = e;
  }
  if (again >= 0)
    throw InputError(again + 2, "统一社会信用代码",
                     "credit code " + table.credit_code[static_cast<std::size_t>(again)] + " appears again (first at row " +
                         std::to_string(first + 2) + ") (统一社会信用代码重复)");
}

}  // namespace detail

Scores score(const Model& model, const Reference& reference, const Table& table) {
  reference.require_model(model);
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
  detail::rank_rows(model, table, s, [&](std::int64_t i) {
    return detail::evaluate_row<detail::Rational>(p, b, reference, table, i, Membership::member, nullptr).total;
  });
  return s;
}

Snapshot Snapshot::build(const Model& model, Table table, const BuildOptions& options) {
  // Everything the tasks touch is declared before the graph, so that on an
  // error the graph (destroyed first) waits for running tasks before any of
  // it goes away.
  detail::Prepared p(model);
  std::optional<detail::Bound> bound;
  detail::FitState state;
  std::vector<bool> keep;
  Reference ref;
  std::optional<detail::FitPlan> plan;
  Scores s;
  std::vector<std::vector<double>> excluded;  // per category: weight of excluded indicators, if any
  std::vector<detail::FitPlan::Scratch> scratch;
  std::vector<std::vector<std::uint32_t>> worker_rows, rows_of;
  detail::TaskGraph graph(detail::resolve_threads(options.threads));
  scratch.resize(graph.threads());
  worker_rows.resize(graph.threads());

  // Input errors are found before the unregistered rows are dropped, so the
  // row numbers they report are those of the input. The repeated-code check
  // reads only the codes, so it runs while the stages are found; its error
  // is still the one reported when there are several (it is the first task).
  const int unique = graph.add([&](unsigned) { detail::require_unique_codes(table); });
  auto report_input_error = [&] {
    graph.wait();
    graph.rethrow();
  };
  try {
    bound.emplace(p, table);
  } catch (...) {
    report_input_error();
    throw;
  }
  const detail::Bound& b = *bound;
  constexpr std::size_t block = std::size_t{1} << 15;  // rows per task
  {
    const auto rows = static_cast<std::size_t>(table.size());
    state.stage.resize(rows);
    std::vector<int> stages;
    for (std::size_t from = 0; from < rows; from += block)
      stages.push_back(graph.add([&, from, rows](unsigned) {
        for (std::size_t i = from; i < std::min(rows, from + block); ++i)
          state.stage[i] = detail::stage_of(p, b, table, static_cast<std::int64_t>(i));
      }));
    for (int t : stages) graph.wait(t);
    if (graph.failed()) report_input_error();
  }
  keep.resize(static_cast<std::size_t>(table.size()));
  std::size_t kept = 0;
  for (std::size_t i = 0; i < keep.size(); ++i) kept += (keep[i] = table.registered[i] != 0);
  if (kept != keep.size()) {
    detail::keep_rows(table, keep, /*codes=*/false);  // the check may still be reading them
    graph.add([&](unsigned) { detail::keep_codes(table, keep); }, {unique});
    std::size_t k = 0;
    for (std::size_t i = 0; i < keep.size(); ++i)
      if (keep[i]) state.stage[k++] = state.stage[i];
    state.stage.resize(kept);
  }

  // A repeated code is refused before the fit, which it would make
  // meaningless (and which costs the most).
  graph.wait(unique);
  if (graph.failed()) report_input_error();
  plan.emplace(p, b, table, state, ref);
  const auto n = static_cast<std::int64_t>(kept);
  const auto un = static_cast<std::size_t>(n);
  const std::size_t k = model.indicators.size();
  const auto C = static_cast<Eigen::Index>(model.categories.size());
  s.decimals = model.scale.decimals;
  // Left uninitialized here: each category's first task clears its columns,
  // so the pages are touched by the threads in parallel.
  s.category_points.resize(static_cast<Eigen::Index>(n), C);
  excluded.resize(static_cast<std::size_t>(C));
  std::vector<bool> excludes(static_cast<std::size_t>(C));
  for (std::size_t j = 0; j < k; ++j)
    if (p.category_of[j] >= 0 && model.indicators[j].missing == MissingPolicy::exclude)
      excludes[static_cast<std::size_t>(p.category_of[j])] = true;
  std::vector<int> chain(static_cast<std::size_t>(C));  // last task of each category column
  for (Eigen::Index c = 0; c < C; ++c)
    chain[static_cast<std::size_t>(c)] = graph.add([&, c](unsigned) {
      s.category_points.col(c).setZero();
      if (excludes[static_cast<std::size_t>(c)]) excluded[static_cast<std::size_t>(c)].assign(un, 0.0);
    });
  const int columns = graph.add([&](unsigned) {
    s.stage.resize(un);
    s.peer_group.resize(un);
    s.base.resize(un);
    s.bonus.resize(un);
    s.deduction.resize(un);
    s.veto.resize(un);
    s.total.resize(un);
    s.published_units.resize(un);
  });
  graph.add([&](unsigned) {
    // A row's count of missing values among its scored indicators.
    const std::size_t rows = un;  // locals, so that the loop vectorizes
    s.imputed.assign(rows, 0);
    std::uint8_t* imputed = s.imputed.data();
    for (std::size_t j = 0; j < k; ++j) {
      if (p.category_of[j] < 0) continue;
      const double* column = table.values.col(b.column[j]).data();
      for (std::size_t row = 0; row < rows; ++row) imputed[row] = static_cast<std::uint8_t>(imputed[row] + (column[row] != column[row]));
    }
  });

  // Points are added to every row's category, indicator by indicator in
  // model order, with the formulas of evaluate_row, so the results are bit
  // for bit those of fit() then score(). Indicators are fitted in parallel;
  // the tasks adding one category's points form a chain in model order, so
  // every row's sums are made in that order whatever the thread count.
  // Percentiles come straight from the sorted groups: a run of equal values
  // of length e - a starting at a has a peers below and e at or below.
  rows_of.resize(k);
  std::vector<int> sorts;
  for (std::size_t j = 0; j < k; ++j) {
    const Indicator& ind = model.indicators[j];
    const int c = p.category_of[j];
    const bool percentile = ind.normalization.method == Method::percentile;
    const bool own_rows = c >= 0 && percentile;  // kept for the points
    std::vector<int> after;
    if (detail::needs_peers(ind)) {
      sorts.push_back(graph.add([&, j, own_rows](unsigned w) {
        plan->fit_indicator(j, scratch[w], own_rows ? rows_of[j] : worker_rows[w]);
      }));
      after.push_back(sorts.back());
    }
    if (c < 0) continue;
    after.push_back(chain[static_cast<std::size_t>(c)]);
    chain[static_cast<std::size_t>(c)] = graph.add(
        [&, j, c, percentile](unsigned) {
          const Indicator& ind = model.indicators[j];
          double* points = s.category_points.col(c).data();
          double* dropped = excluded[static_cast<std::size_t>(c)].data();
          if (percentile) {
            plan->for_each_own_group(j, rows_of[j], [&](std::int32_t stage, const double* values, const std::uint32_t* rows,
                                                        std::size_t m) {
              const auto group_size = static_cast<std::int64_t>(m);
              // Finest groups split by stage have one weight for all.
              const double group_weight = stage >= 0 ? ind.weights[static_cast<std::size_t>(stage)] : 0.0;
              for (std::size_t a = 0; a < m;) {
                std::size_t e = a + 1;
                while (e < m && values[e] == values[a]) ++e;
                // Transforms keep the sign, so the zero rule reads the sorted value.
                double share = ind.zero_earns_zero && values[a] <= 0
                                   ? 0.0
                                   : detail::percentile_share<double>(ind.normalization.ties, ind.direction,
                                                                      static_cast<std::int64_t>(e),
                                                                      static_cast<std::int64_t>(a), group_size);
                if (stage >= 0) {
                  for (std::size_t q = a; q < e; ++q) points[rows[q]] += group_weight * share;
                } else {
                  for (std::size_t q = a; q < e; ++q) {
                    std::uint32_t row = rows[q];
                    points[row] += ind.weights[static_cast<std::size_t>(state.stage[row])] * share;
                  }
                }
                a = e;
              }
            });
            std::vector<std::uint32_t>().swap(rows_of[j]);
          }
          const double* column = table.values.col(b.column[j]).data();
          // A percentile whose every value was reported and compared within
          // its finest group is done: the sort has counted every row.
          if (percentile && plan->all_fine() && std::none_of(column, column + n, [](double v) { return std::isnan(v); }))
            return;
          // Members do not move their group's parameters: work them out once.
          std::vector<detail::PeerParams<double>> params(ref.groups.size() + 1);
          for (std::size_t g = 0; g < ref.groups.size(); ++g)
            params[g] = detail::peer_params<double>(p, ref, static_cast<int>(j), static_cast<std::int32_t>(g), false, 0, 0);
          const auto& stats = ref.stats[j];
          for (std::size_t row = 0; row < un; ++row) {
            double x = column[row];
            const std::int32_t group = state.chosen[row];
            if (percentile && group == state.fine[row] && (!std::isnan(x) || ind.missing == MissingPolicy::zero))
              continue;  // counted from the sort
            const double weight = ind.weights[static_cast<std::size_t>(state.stage[row])];
            if (std::isnan(x)) {
              if (ind.missing == MissingPolicy::exclude) {
                dropped[row] += weight;
                continue;
              }
              x = ind.missing == MissingPolicy::zero ? 0.0 : detail::peer_median(p, ref, static_cast<int>(j), group);
            }
            detail::Position pos;
            if (percentile) {
              double y = detail::apply_transform(ind.transform, x);
              pos.at_most = ref.count_at_most(static_cast<int>(j), group, y);
              pos.below = ref.count_below(static_cast<int>(j), group, y);
              pos.peers = stats[static_cast<std::size_t>(group)].count;
            }
            points[row] +=
                weight * detail::normalize<double>(p, static_cast<int>(j), x, false, pos, params[static_cast<std::size_t>(group)], nullptr);
          }
        },
        after);
  }
  graph.add(
      [&](unsigned) {
        plan->finish();
        // The sorts are done with their scratch: give it back before the ranks.
        std::vector<detail::FitPlan::Scratch>(scratch.size()).swap(scratch);
        std::vector<std::vector<std::uint32_t>>(worker_rows.size()).swap(worker_rows);
      },
      sorts);

  // Rows are finished and published independently of each other.
  std::vector<int> ready = chain;
  ready.insert(ready.end(), sorts.begin(), sorts.end());
  ready.push_back(columns);
  for (std::size_t from = 0; from < un; from += block) {
    graph.add(
        [&, from](unsigned) {
          std::vector<double> category(static_cast<std::size_t>(C)), dropped(static_cast<std::size_t>(C));
          for (std::size_t row = from; row < std::min(un, from + block); ++row) {
            auto i = static_cast<std::int64_t>(row);
            auto r_i = static_cast<Eigen::Index>(i);
            for (Eigen::Index c = 0; c < C; ++c) {
              category[static_cast<std::size_t>(c)] = s.category_points(r_i, c);
              const auto& column = excluded[static_cast<std::size_t>(c)];
              dropped[static_cast<std::size_t>(c)] = column.empty() ? 0.0 : column[row];
            }
            detail::RowTotal<double> r =
                detail::finish_row<double>(p, b, table, i, state.stage[row], category.data(), dropped.data());
            for (Eigen::Index c = 0; c < C; ++c) s.category_points(r_i, c) = category[static_cast<std::size_t>(c)];
            s.stage[row] = state.stage[row];
            s.peer_group[row] = state.chosen[row];
            detail::store_row(r, row, s);
            detail::publish(p, b, ref, table, i, Membership::member, s);
          }
        },
        ready);
  }
  graph.wait();
  graph.rethrow();
  const detail::ExactTotal exact = [&](std::int64_t i) {
    return detail::evaluate_row<detail::Rational>(p, b, ref, table, i, Membership::member, nullptr).total;
  };
  detail::rank_rows(model, table, s, exact, &graph);
  return Snapshot{model, std::move(ref), std::move(table), std::move(s)};
}

}  // namespace cxjf
