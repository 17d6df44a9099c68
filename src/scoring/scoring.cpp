#include "scoring/scoring.hpp"

#include "scoring/leave_one_out.hpp"

#include "cxjf/regions.hpp"

#include <algorithm>
#include <memory>
#include <numeric>
#include <array>

namespace cxjf::detail {

bool needs_peers(const Indicator& ind) {
  const Normalization& nm = ind.normalization;
  return nm.method == Method::percentile || nm.method == Method::min_max ||
         (nm.method == Method::capped_ratio && nm.full_mark_quantile) || ind.missing == MissingPolicy::peer_median;
}

Prepared::Prepared(const Model& m) : model(m) {
  const std::size_t k = m.indicators.size();
  category_of.assign(k, -1);
  category_max.assign(m.stages.size(), std::vector<double>(m.categories.size(), 0.0));
  q_full.assign(k, {});
  q_lower.assign(k, {});
  q_upper.assign(k, {});
  for (std::size_t j = 0; j < k; ++j) {
    const Indicator& ind = m.indicators[j];
    if (!ind.category.empty()) {
      category_of[j] = m.category_index(ind.category);
      for (std::size_t s = 0; s < m.stages.size() && s < ind.weights.size(); ++s)
        category_max[s][static_cast<std::size_t>(category_of[j])] += ind.weights[s];
    }
    if (ind.normalization.full_mark_quantile) q_full[j] = fraction_of(*ind.normalization.full_mark_quantile);
    q_lower[j] = fraction_of(ind.normalization.winsor_lower);
    q_upper[j] = fraction_of(ind.normalization.winsor_upper);
  }
  if (m.stage_rule.basis == StageBasis::revenue) stage_indicator = m.indicator_index(m.stage_rule.indicator);
}

Bound::Bound(const Prepared& p, const Table& table) {
  const Model& m = p.model;
  for (const Indicator& ind : m.indicators) {
    int c = table.indicator_column(ind.id);
    if (c < 0)
      throw Error(ErrorCode::invalid_argument,
                  "the table has no column for indicator '" + ind.id + "' (" + ind.name_zh + ") of model " + m.id);
    column.push_back(c);
  }
  auto bit = [](const Dictionary& d, const std::string& name) -> std::uint32_t {
    std::int32_t code = d.find(name);
    return code < 0 ? 0u : (1u << code);
  };
  for (const BonusItem& item : m.bonus) {
    bonus_mask.push_back(item.qualification.empty() ? 0u : bit(table.qualification_names, item.qualification));
    bonus_column.push_back(item.indicator.empty() ? -1 : table.indicator_column(item.indicator));
  }
  for (const NegativeItem& item : m.negatives) negative_mask.push_back(bit(table.negative_names, item.name_zh));
  for (const auto& name : table.stage_names.values()) stage_of_name.push_back(m.stage_index(name));
}

namespace {
// Whole years from a YYYYMMDD date to another.
std::int32_t years_between(std::int32_t from, std::int32_t to) {
  std::int32_t years = to / 10000 - from / 10000;
  if (to % 10000 < from % 10000) --years;
  return years;
}
}  // namespace

std::int32_t stage_of(const Prepared& p, const Bound& b, const Table& table, std::int64_t i) {
  const Model& m = p.model;
  auto row = static_cast<std::size_t>(i);
  std::int32_t given = table.stage[row];
  if (given >= 0) {
    std::int32_t s = b.stage_of_name[static_cast<std::size_t>(given)];
    if (s < 0)
      throw InputError(i + 2, "发展阶段",
                       "'" + table.stage_names[given] + "' is not a stage of model " + m.id + " (发展阶段不在模型中)");
    return s;
  }
  const StageRule& rule = m.stage_rule;
  double basis = std::nan("");
  switch (rule.basis) {
    case StageBasis::data:
      throw InputError(i + 2, "发展阶段", "model " + m.id + " takes the stage from the data, but this row has none (缺少发展阶段)");
    case StageBasis::revenue:
      basis = table.values(static_cast<Eigen::Index>(i), b.column[static_cast<std::size_t>(p.stage_indicator)]);
      break;
    case StageBasis::age:
      basis = table.founded[row] > 0 ? years_between(table.founded[row], rule.as_of) : std::nan("");
      break;
  }
  // Without the basis (revenue or founding date missing) the enterprise is
  // taken to be at the first stage, as a new enterprise would be.
  if (std::isnan(basis)) return 0;
  return static_cast<std::int32_t>(std::upper_bound(rule.bounds.begin(), rule.bounds.end(), basis) - rule.bounds.begin());
}

template <class Ref>
double peer_median(const Prepared& p, const Ref& ref, int j, std::int32_t group) {
  const Indicator& ind = p.model.indicators[static_cast<std::size_t>(j)];
  const GroupStats* found = group_stats(ref, j, group);
  if (!found) return 0.0;
  const GroupStats& s = *found;
  double y = quantile<double>(s.median, s.count, p.q_median, false, 0, 0, ind.transform == Transform::none);
  // The peers' values are stored transformed; bring the median back to raw units.
  return inverse_transform(ind.transform, y);
}

template <class T, class Ref>
T indicator_points(const Prepared& p, const Ref& ref, int j, double x, std::int32_t stage, std::int32_t group,
                   bool newcomer, LedgerLine& line, bool full) {
  const Indicator& ind = p.model.indicators[static_cast<std::size_t>(j)];
  line.indicator = j;
  line.raw = x;
  T weight = from_decimal<T>(ind.weights[static_cast<std::size_t>(stage)]);
  line.weight = to_double(weight);
  bool joins = newcomer;
  if (std::isnan(x)) {
    line.missing = true;
    if (ind.missing == MissingPolicy::exclude) {
      line.excluded = true;
      return T(0);
    }
    line.imputed = true;
    if (ind.missing == MissingPolicy::zero) {
      x = 0;
    } else {  // peer_median: the group's median, which does not join the peers
      joins = false;
      x = peer_median(p, ref, j, group);
    }
  }
  Position pos;
  double y = apply_transform(ind.transform, x);
  if (needs_peers(ind) && group >= 0) {
    pos.at_most = ref.count_at_most(j, group, y);
    // A weak percentile where higher is better reads only the count at or
    // below; ties, the other direction and a quantile's insertion point
    // need the count below too (a second search of the same peers).
    const bool at_most_only = ind.normalization.method == Method::percentile &&
                              ind.normalization.ties == Ties::weak && ind.direction == Direction::higher;
    pos.below = at_most_only ? 0 : ref.count_below(j, group, y);
    const GroupStats* stats = group_stats(ref, j, group);
    pos.peers = stats ? stats->count : 0;
  }
  PeerParams<T> params = peer_params<T>(p, ref, j, group, joins, y, pos.below);
  bool zero_rule = false;
  T s = normalize<T>(p, j, x, joins, pos, params, &zero_rule);
  T points = weight * s;
  if (full) {
    line.used = x;
    line.zero_rule = zero_rule;
    line.peers = pos.peers + (joins ? 1 : 0);
    line.normalized = to_double(s);
    line.points = to_double(points);
  }
  return points;
}

template <class T, class Ref>
RowTotal<T> evaluate_row(const Prepared& p, const Bound& b, const Ref& ref, const Table& table, std::int64_t i,
                         Membership membership, Ledger* ledger) {
  const Model& m = p.model;
  const bool newcomer = membership == Membership::newcomer;
  auto row = static_cast<std::size_t>(i);
  std::int32_t stage = stage_of(p, b, table, i);
  std::int32_t group = ref.peer_group_for(m, stage, table.industry[row], province_of_code(table.region[row]), newcomer);
  std::vector<T> category(m.categories.size(), T(0)), excluded(m.categories.size(), T(0));
  if (ledger) {
    *ledger = Ledger{};
    ledger->row = i;
    ledger->stage = stage;
    ledger->peer_group = group;
    ledger->lines.reserve(m.indicators.size());  // one allocation, not one per doubling
    ledger->category_points.reserve(m.categories.size());
  }
  std::uint8_t imputed = 0;
  for (std::size_t j = 0; j < m.indicators.size(); ++j) {
    int c = p.category_of[j];
    if (c < 0) continue;
    LedgerLine line;
    const T points = indicator_points<T>(p, ref, static_cast<int>(j), table.values(static_cast<Eigen::Index>(i), b.column[j]),
                                         stage, group, newcomer, line, ledger != nullptr);
    if (line.missing) ++imputed;
    if (line.excluded) excluded[static_cast<std::size_t>(c)] += from_decimal<T>(m.indicators[j].weights[static_cast<std::size_t>(stage)]);
    else category[static_cast<std::size_t>(c)] += points;
    if (ledger) ledger->lines.push_back(line);
  }
  RowTotal<T> r = finish_row<T>(p, b, table, i, stage, category.data(), excluded.data(),
                                ledger ? &ledger->bonus_items : nullptr, ledger ? &ledger->negative_items : nullptr);
  r.imputed = imputed;
  r.stage = stage;
  r.group = group;
  if (ledger) {
    // Reweighting scales a category's points; show the points as counted.
    for (auto& line : ledger->lines) {
      if (line.excluded) continue;
      auto c = static_cast<std::size_t>(p.category_of[static_cast<std::size_t>(line.indicator)]);
      if (excluded[c] > T(0)) {
        T max = from_decimal<T>(p.category_max[static_cast<std::size_t>(stage)][c]);
        T present = max - excluded[c];
        line.points = present > T(0) ? to_double(from_binary<T>(line.points) * max / present) : 0.0;
      }
    }
    for (const T& v : category) ledger->category_points.push_back(to_double(v));
    ledger->base = to_double(r.base);
    ledger->bonus = to_double(r.bonus);
    ledger->deduction = to_double(r.deduction);
    ledger->veto = r.veto;
    ledger->total = to_double(r.total);
  }
  r.category = std::move(category);
  return r;
}

template double peer_median(const Prepared&, const Reference&, int, std::int32_t);
template double indicator_points<double, LeaveOneOut>(const Prepared&, const LeaveOneOut&, int, double, std::int32_t,
                                                      std::int32_t, bool, LedgerLine&, bool);
template RowTotal<double> evaluate_row<double, Reference>(const Prepared&, const Bound&, const Reference&, const Table&, std::int64_t,
                                       Membership, Ledger*);
template RowTotal<Rational> evaluate_row<Rational, Reference>(const Prepared&, const Bound&, const Reference&, const Table&, std::int64_t,
                                         Membership, Ledger*);
template RowTotal<double> evaluate_row<double, LeaveOneOut>(const Prepared&, const Bound&, const LeaveOneOut&, const Table&, std::int64_t,
                                       Membership, Ledger*);
template RowTotal<Rational> evaluate_row<Rational, LeaveOneOut>(const Prepared&, const Bound&, const LeaveOneOut&, const Table&, std::int64_t,
                                         Membership, Ledger*);

std::int64_t round_exact(const Rational& total, std::int32_t decimals, Rounding rounding) {
  using boost::multiprecision::cpp_int;
  cpp_int scale = boost::multiprecision::pow(cpp_int(10), static_cast<unsigned>(decimals));
  Rational scaled = total * Rational(scale);
  cpp_int num = boost::multiprecision::numerator(scaled);
  cpp_int den = boost::multiprecision::denominator(scaled);
  bool negative = num < 0;
  if (negative) num = -num;
  cpp_int q = num / den, r = num % den;
  cpp_int twice = r * 2;
  if (twice > den || (twice == den && (rounding == Rounding::half_up || (q & 1) != 0))) ++q;
  auto units = static_cast<std::int64_t>(q);
  return negative ? -units : units;
}

bool near_boundary(double total, std::int32_t decimals) {
  double scaled = total * power_of_ten(decimals);
  double frac = scaled - std::floor(scaled);
  // Totals are sums of a few dozen products below 10^4: their double error
  // is far below 1e-9 of a unit, so anything further from .5 is decided.
  return std::fabs(frac - 0.5) < 1e-7;
}

namespace {
// Dense slot of every county code of a region dictionary (-1 for other
// codes); the last element holds the number of slots.
std::vector<std::int32_t> county_slots_of(const Regions& regions) {
  std::vector<std::int32_t> v(1000001, -1);
  std::int32_t next = 0;
  for (const Region& r : regions.all())
    if (r.level == RegionLevel::county) v[static_cast<std::size_t>(r.code)] = next++;
  v.back() = next;
  return v;
}

// The table's: the embedded dictionary's are made once, another's per call.
std::shared_ptr<const std::vector<std::int32_t>> county_slots(const Table& table) {
  if (!table.regions) {
    static const auto builtin = std::make_shared<const std::vector<std::int32_t>>(county_slots_of(Regions::builtin()));
    return builtin;
  }
  return std::make_shared<const std::vector<std::int32_t>>(county_slots_of(*table.regions));
}
}  // namespace

namespace {

// Two double totals that may be equal, or in either order, exactly: their
// error is below 1e-12 (docs/scoring.md §2); the margin is wide so that no
// pair is missed, and costs only the exact sums of such rare pairs.
bool within_error(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(a)); }

// Puts rows [first, last) of the list, ordered by published score, double
// total and code, in exact order: each run of rows with one published score
// whose doubles lie within their error of their neighbours is sorted on the
// exact totals, then the code. Rows outside such runs are already in exact
// order, because their doubles differ by more than the error.
void settle_close_totals(std::int32_t* first, std::int32_t* last, const Scores& s, const Table& table,
                         const ExactTotal& exact) {
  auto at = [&](std::int32_t row) { return static_cast<std::size_t>(row); };
  for (std::int32_t* a = first; a < last;) {
    std::int32_t* e = a + 1;
    while (e < last && s.published_units[at(*e)] == s.published_units[at(e[-1])] &&
           within_error(s.total[at(e[-1])], s.total[at(*e)]))
      ++e;
    if (e - a > 1) {
      std::vector<std::pair<Rational, std::int32_t>> run;
      run.reserve(static_cast<std::size_t>(e - a));
      // A veto's total is 0 by definition, no sum to redo.
      for (std::int32_t* r = a; r < e; ++r) run.emplace_back(s.veto[at(*r)] ? Rational(0) : exact(*r), *r);
      std::sort(run.begin(), run.end(), [&](const auto& x, const auto& y) {
        if (x.first != y.first) return x.first > y.first;
        return table.credit_code[at(x.second)] < table.credit_code[at(y.second)];
      });
      for (std::size_t k = 0; k < run.size(); ++k) a[k] = run[k].second;
    }
    a = e;
  }
}

}  // namespace

void rank_rows(const Model& model, const Table& table, Scores& scores, const ExactTotal& exact, TaskGraph* graph) {
  const auto n = static_cast<std::size_t>(scores.size());
  // Runs independent parts on the graph's workers when there is one.
  auto run_all = [&](std::vector<std::function<void()>> parts) {
    if (!graph || graph->threads() == 1) {
      for (auto& part : parts) part();
      return;
    }
    std::vector<int> ids;
    for (auto& part : parts) ids.push_back(graph->add([part = std::move(part)](unsigned) { part(); }));
    for (int id : ids) graph->wait(id);
    graph->rethrow();
  };
  constexpr std::size_t block = std::size_t{1} << 16;

  scores.grade.resize(n);
  const double scale = power_of_ten(scores.decimals);
  auto grade_rows = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
      scores.grade[i] = static_cast<std::int8_t>(model.grade_of(static_cast<double>(scores.published_units[i]) / scale));
  };

  // List order: published descending (a counting sort: published scores are
  // integers in a small range), then exact total descending, credit code.
  auto& order = scores.order;
  order.resize(n);
  std::int64_t lo = 0, hi = 0;
  if (n > 0) {
    auto [mn, mx] = std::minmax_element(scores.published_units.begin(), scores.published_units.end());
    lo = *mn;
    hi = *mx;
  }
  auto before = [&](std::int32_t a, std::int32_t b) {
    auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
    if (scores.published_units[ua] != scores.published_units[ub]) return scores.published_units[ua] > scores.published_units[ub];
    if (scores.total[ua] != scores.total[ub]) return scores.total[ua] > scores.total[ub];
    return table.credit_code[ua] < table.credit_code[ub];
  };
  if (n > 0 && hi - lo < 50'000'000) {
    // Within one published score, entries carry their exact total so the
    // tie sort compares doubles in place instead of chasing rows.
    struct Entry {
      double total;
      std::int32_t row;
    };
    std::vector<Entry> entries(n);
    std::vector<std::int64_t> start(static_cast<std::size_t>(hi - lo + 2), 0);
    std::vector<std::function<void()>> parts;
    // Grades are independent of the list order: they fill in meanwhile.
    for (std::size_t from = 0; from < n; from += block) parts.push_back([&, from] { grade_rows(from, std::min(n, from + block)); });
    parts.push_back([&] {
      for (std::size_t i = 0; i < n; ++i) ++start[static_cast<std::size_t>(hi - scores.published_units[i]) + 1];
      for (std::size_t v = 1; v < start.size(); ++v) start[v] += start[v - 1];
      std::vector<std::int64_t> next(start.begin(), start.end() - 1);
      for (std::size_t i = 0; i < n; ++i)
        entries[static_cast<std::size_t>(next[static_cast<std::size_t>(hi - scores.published_units[i])]++)] = {
            scores.total[i], static_cast<std::int32_t>(i)};
    });
    run_all(std::move(parts));
    auto entry_before = [&](const Entry& a, const Entry& b) {
      if (a.total != b.total) return a.total > b.total;
      return table.credit_code[static_cast<std::size_t>(a.row)] < table.credit_code[static_cast<std::size_t>(b.row)];
    };
    // Each published score's entries are sorted on their own, so runs of
    // scores with about `block` entries in all are sorted in parallel.
    parts.clear();
    for (std::size_t v = 0; v + 1 < start.size();) {
      std::size_t w = v + 1;
      while (w + 1 < start.size() && static_cast<std::size_t>(start[w] - start[v]) < block) ++w;
      parts.push_back([&, v, w] {
        for (std::size_t u = v; u < w; ++u) {
          if (start[u + 1] - start[u] > 1)
            std::sort(entries.begin() + start[u], entries.begin() + start[u + 1], entry_before);
          for (auto k = start[u]; k < start[u + 1]; ++k)
            order[static_cast<std::size_t>(k)] = entries[static_cast<std::size_t>(k)].row;
          settle_close_totals(order.data() + start[u], order.data() + start[u + 1], scores, table, exact);
        }
      });
      v = w;
    }
    run_all(std::move(parts));
  } else {
    std::vector<std::function<void()>> parts;
    for (std::size_t from = 0; from < n; from += block) parts.push_back([&, from] { grade_rows(from, std::min(n, from + block)); });
    parts.push_back([&] {
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), before);
      settle_close_totals(order.data(), order.data() + n, scores, table, exact);
    });
    run_all(std::move(parts));
  }

  // Ranks at each level from one walk down the list: a row's competition rank
  // is 1 + the rows of its unit ranked strictly above it. The walk reads the
  // columns it needs gathered into list order, so it runs sequentially.
  auto gather = [&](const auto& column) {
    std::vector<std::int32_t> out(n);
    for (std::size_t k = 0; k < n; ++k) out[k] = static_cast<std::int32_t>(column[static_cast<std::size_t>(order[k])]);
    return out;
  };
  std::vector<std::int64_t> units_in_order(n);
  std::vector<std::int32_t> region;
  run_all({[&] {
             for (std::size_t k = 0; k < n; ++k)
               units_in_order[k] = scores.published_units[static_cast<std::size_t>(order[k])];
           },
           [&] { region = gather(table.region); }});
  struct UnitState {
    std::int32_t seen = 0, distinct = 0, last_rank = 0;
    std::int64_t last_units = -1;
  };
  const bool dense = model.rank_ties == RankTies::dense;
  // Levels are independent: each has its own unit states and rank column.
  auto rank_level = [&](RankLevel level, std::size_t unit_count, auto unit_of) {
    std::vector<UnitState> states(unit_count);
    auto& rank = scores.rank[static_cast<std::size_t>(level)];
    rank.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
      std::int64_t u = unit_of(k);
      std::int32_t r = 0;
      if (u >= 0) {
        UnitState& st = states[static_cast<std::size_t>(u)];
        ++st.seen;
        if (st.last_units != units_in_order[k]) {
          ++st.distinct;
          st.last_rank = dense ? st.distinct : st.seen;
          st.last_units = units_in_order[k];
        }
        r = st.last_rank;
      }
      rank[static_cast<std::size_t>(order[k])] = r;
    }
  };
  // Units are small integers at every level (region codes are six digits),
  // so per-unit state lives in flat arrays, not hash maps.
  // Counties by their position in the region dictionary: a few thousand
  // states instead of one per possible code.
  const std::shared_ptr<const std::vector<std::int32_t>> county_slots_held = county_slots(table);
  const std::vector<std::int32_t>& county_slot = *county_slots_held;
  run_all({
      [&] { rank_level(RankLevel::national, 1, [](std::size_t) { return std::int64_t{0}; }); },
      [&] { rank_level(RankLevel::province, 100, [&](std::size_t k) { return std::int64_t{region[k] / 10000}; }); },
      [&] {
        rank_level(RankLevel::city, 10000, [&](std::size_t k) {
          return region[k] % 10000 == 0 ? std::int64_t{-1} : std::int64_t{region[k] / 100};
        });
      },
      [&] {
        rank_level(RankLevel::county, county_slot.back() + std::size_t{1}, [&](std::size_t k) {
          return region[k] % 100 == 0 ? std::int64_t{-1} : std::int64_t{county_slot[static_cast<std::size_t>(region[k])]};
        });
      },
      [&] {
        const std::vector<std::int32_t> zone = gather(table.zone);
        rank_level(RankLevel::zone, static_cast<std::size_t>(table.zones.size()),
                   [&](std::size_t k) { return std::int64_t{zone[k]}; });
      },
      [&] {
        const std::vector<std::int32_t> incubator = gather(table.incubator);
        rank_level(RankLevel::incubator, static_cast<std::size_t>(table.incubators.size()),
                   [&](std::size_t k) { return std::int64_t{incubator[k]}; });
      },
      [&] {
        const std::vector<std::int32_t> group = gather(scores.peer_group);
        std::int32_t groups = 0;
        for (std::int32_t g : group) groups = std::max(groups, g + 1);
        rank_level(RankLevel::peer_group, static_cast<std::size_t>(groups),
                   [&](std::size_t k) { return std::int64_t{group[k]}; });
      },
  });
}

}  // namespace cxjf::detail
