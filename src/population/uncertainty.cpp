// rank_bands(), rank_sensitivity() and draw_weights(): the ranks under drawn
// weights (include/cxjf/uncertainty.hpp, docs/population.md).
//
// A draw changes weights only: each enterprise's normalised values, the
// missing values its categories leave out, its bonus, deductions and veto
// stay. They are taken once from the ledgers; a draw is then a weighted sum
// per category, the reweighting of categories with an excluded value, the
// caps and the rounding, in the order scoring adds them, so the model's own
// weights give the snapshot's totals. Many draws are evaluated together
// (the inner loops run over draws), and ranks come from a count of each
// published value per draw, as scoring ranks.
#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <thread>

#include "base/task_graph.hpp"
#include "cxjf/error.hpp"
#include "cxjf/scores.hpp"
#include "cxjf/uncertainty.hpp"
#include "population/population_impl.hpp"
#include "scoring/scoring.hpp"

namespace cxjf {
namespace {

// SplitMix64: a counter-based stream, so that draw d's numbers depend on
// (seed, d, stream) alone, whatever batch or thread makes them.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct Stream {
  std::uint64_t state;
  Stream(std::uint64_t seed, std::uint64_t draw, std::uint64_t stream)
      : state(mix(mix(mix(seed) ^ draw) ^ (stream * 0x632be59bd9b4e019ULL))) {}
  std::uint64_t next() { return mix(state += 0x9e3779b97f4a7c15ULL); }
  // Uniform in [-1, 1).
  double symmetric() { return static_cast<double>(next() >> 11) * 0x1.0p-52 - 1.0; }
};

void check(const Model& m, const UncertaintyOptions& o) {
  if (o.draws < 1 || o.draws > 1000000)
    throw Error(ErrorCode::invalid_argument, "draws must lie in [1, 1000000], found " + std::to_string(o.draws) +
                                                 " (抽样次数须在 1 到 1000000 之间)");
  if (o.first_draw < 0 || o.first_draw > std::numeric_limits<std::int64_t>::max() - o.draws)
    throw Error(ErrorCode::invalid_argument, "first_draw must lie in [0, 2^63 - 1 - draws] (起始抽样序号超出范围)");
  if (!(o.spread >= 0 && o.spread < 1))
    throw Error(ErrorCode::invalid_argument, "spread must lie in [0, 1) (扰动幅度须在 0 到 1 之间)");
  if (!(o.concentration >= 0 && std::isfinite(o.concentration)))
    throw Error(ErrorCode::invalid_argument, "concentration must be a finite number >= 0 (集中度须为非负有限数)");
  if (o.ties.size() > 3 || o.missing.size() > 3)
    throw Error(ErrorCode::invalid_argument, "at most 3 alternative tie rules and 3 missing policies (备选规则过多)");
  const double units = m.scale.total_max * std::pow(10.0, m.scale.decimals);
  if (!(units <= 1e8))
    throw Error(ErrorCode::invalid_argument, "the model's published scores take more than 10^8 values: too many to "
                                             "rank by counting (发布分值个数过多)");
}

// Scales one stage's weights to sum to base_max (left alone when they do).
void renormalise(double* w, std::size_t k, double base_max) {
  double sum = 0;
  for (std::size_t j = 0; j < k; ++j) sum += w[j];
  if (sum == base_max || !(sum > 0)) return;
  for (std::size_t j = 0; j < k; ++j) w[j] = w[j] * base_max / sum;
}

// Weights of the uniform design from factors u (stages x indicators).
void weights_from_factors(const Model& m, double spread, const double* u, double* w) {
  const std::size_t k = m.indicators.size();
  for (std::size_t s = 0; s < m.stages.size(); ++s) {
    for (std::size_t j = 0; j < k; ++j) {
      const auto& weights = m.indicators[j].weights;
      w[s * k + j] = weights.empty() ? 0.0 : weights[s] * (1 + spread * u[s * k + j]);
    }
    renormalise(w + s * k, k, m.scale.base_max);
  }
}

// What a draw needs of the snapshot, row by row, and the sum it makes.
class Evaluator {
 public:
  explicit Evaluator(const Snapshot& snap, unsigned threads)
      : m_(snap.model), p_(snap.model), scores_(snap.scores), n_(snap.table.size()) {
    for (std::size_t j = 0; j < m_.indicators.size(); ++j)
      if (p_.category_of[j] >= 0) scored_.push_back(static_cast<int>(j));
    // A row's left-out values are the bits of one word.
    if (scored_.size() > 64)
      throw Error(ErrorCode::invalid_argument, "rank bands and sensitivity take models of at most 64 scored indicators, "
                                               "found " + std::to_string(scored_.size()) + " (计分指标过多)");
    const std::size_t q = scored_.size();
    s_.assign(static_cast<std::size_t>(n_) * q, 0.0);
    excluded_.assign(static_cast<std::size_t>(n_), 0);
    const Explainer explain(m_, snap.reference, snap.table);
    // Rows in blocks, each writing its own: the same on any thread count.
    const std::int64_t block = 4096;
    detail::parallel_for(threads, static_cast<std::size_t>((n_ + block - 1) / block), [&](std::size_t b) {
      const std::int64_t end = std::min(n_, static_cast<std::int64_t>(b + 1) * block);
      for (std::int64_t i = static_cast<std::int64_t>(b) * block; i < end; ++i) {
        const Ledger l = explain(i);
        std::size_t t = 0;
        for (const LedgerLine& line : l.lines) {
          while (t < q && scored_[t] != line.indicator) ++t;
          if (t == q) break;
          if (line.excluded) excluded_[static_cast<std::size_t>(i)] |= std::uint64_t{1} << t;
          else s_[static_cast<std::size_t>(i) * q + t] = line.normalized;
        }
      }
    });
    scale_ = detail::power_of_ten(m_.scale.decimals);
    half_up_ = m_.scale.rounding == Rounding::half_up;
    units_max_ = static_cast<std::int64_t>(std::llround(m_.scale.total_max * scale_));
  }

  std::int64_t rows() const { return n_; }
  std::int64_t units_max() const { return units_max_; }
  const std::vector<int>& scored() const { return scored_; }

  /// Published units of rows [begin, end) under `d` weight sets: w holds,
  /// per stage and model indicator, the d sets' weights contiguously
  /// (w[(s k + j) d + e]). out[(i - begin) d + e].
  void units(std::int64_t begin, std::int64_t end, const std::vector<double>& w, std::size_t d,
             std::int64_t* out) const {
    const std::size_t k = m_.indicators.size(), q = scored_.size(), cats = m_.categories.size();
    std::vector<double> acc(cats * d), cmax(m_.stages.size() * cats * d, 0.0), excluded(d);
    // Each stage's category maxima under each set, summed in model order.
    for (std::size_t s = 0; s < m_.stages.size(); ++s)
      for (int j : scored_)
        for (std::size_t e = 0; e < d; ++e)
          cmax[(s * cats + static_cast<std::size_t>(p_.category_of[static_cast<std::size_t>(j)])) * d + e] +=
              w[(s * k + static_cast<std::size_t>(j)) * d + e];
    // A stage whose weights are the model's scores its rows as published,
    // exactly (the sums below are in double arithmetic, and the model's own
    // round numbers can put a total exactly on a half unit).
    std::vector<std::uint8_t> nominal(m_.stages.size() * d, 1);
    for (std::size_t s = 0; s < m_.stages.size(); ++s)
      for (int j : scored_)
        for (std::size_t e = 0; e < d; ++e)
          if (w[(s * k + static_cast<std::size_t>(j)) * d + e] != m_.indicators[static_cast<std::size_t>(j)].weights[s])
            nominal[s * d + e] = 0;
    for (std::int64_t i = begin; i < end; ++i) {
      const auto r = static_cast<std::size_t>(i);
      const auto stage = static_cast<std::size_t>(scores_.stage[r]);
      std::fill(acc.begin(), acc.end(), 0.0);
      const double* s = &s_[r * q];
      for (std::size_t t = 0; t < q; ++t) {
        const auto j = static_cast<std::size_t>(scored_[t]);
        if (excluded_[r] >> t & 1) continue;
        const double* __restrict wj = &w[(stage * k + j) * d];
        double* __restrict a = &acc[static_cast<std::size_t>(p_.category_of[j]) * d];
        const double x = s[t];
        for (std::size_t e = 0; e < d; ++e) a[e] += wj[e] * x;
      }
      if (excluded_[r]) reweight(r, stage, w, d, cmax, acc, excluded);
      std::int64_t* o = out + static_cast<std::size_t>(i - begin) * d;
      const double bonus = scores_.bonus[r], deduction = scores_.deduction[r];
      for (std::size_t e = 0; e < d; ++e) {
        if (nominal[stage * d + e]) {
          o[e] = scores_.published_units[r];
          continue;
        }
        if (scores_.veto[r]) {
          o[e] = 0;
          continue;
        }
        double base = 0;
        for (std::size_t c = 0; c < cats; ++c) base += acc[c * d + e];
        double total = base + bonus - deduction;
        if (total < 0) total = 0;
        if (total > m_.scale.total_max) total = m_.scale.total_max;
        // round_to_units, inline: it is most of a draw's work.
        // The total lies in [0, total_max]: truncation is the floor.
        const double scaled = total * scale_;
        auto units = static_cast<std::int64_t>(scaled);
        const double frac = scaled - static_cast<double>(units);
        if (frac > 0.5 || (frac == 0.5 && (half_up_ || (units & 1) != 0))) ++units;
        o[e] = units;
      }
    }
  }

 private:
  // A category with an excluded value is scaled up to its maximum, as
  // finish_row does: points * max / (max - excluded weight).
  void reweight(std::size_t r, std::size_t stage, const std::vector<double>& w, std::size_t d,
                const std::vector<double>& cmax, std::vector<double>& acc, std::vector<double>& excluded) const {
    const std::size_t k = m_.indicators.size(), cats = m_.categories.size();
    for (std::size_t c = 0; c < cats; ++c) {
      std::fill(excluded.begin(), excluded.end(), 0.0);
      bool any = false;
      for (std::size_t t = 0; t < scored_.size(); ++t) {
        const auto j = static_cast<std::size_t>(scored_[t]);
        if (!(excluded_[r] >> t & 1) || static_cast<std::size_t>(p_.category_of[j]) != c) continue;
        any = true;
        for (std::size_t e = 0; e < d; ++e) excluded[e] += w[(stage * k + j) * d + e];
      }
      if (!any) continue;
      for (std::size_t e = 0; e < d; ++e) {
        if (!(excluded[e] > 0)) continue;  // as finish_row: a weight of 0 left out changes nothing
        const double max = cmax[(stage * cats + c) * d + e], present = max - excluded[e];
        acc[c * d + e] = present > 0 ? acc[c * d + e] * max / present : 0.0;
      }
    }
  }

  const Model& m_;
  detail::Prepared p_;
  const Scores& scores_;
  std::int64_t n_;
  std::vector<int> scored_;              // model indices of the scored indicators
  std::vector<double> s_;                // n x scored, row-major: normalised values
  std::vector<std::uint64_t> excluded_;  // per row, bit t: scored_[t] was excluded
  std::int64_t units_max_ = 0;
  double scale_ = 1;  // 10^decimals
  bool half_up_ = true;
};

// The alternative rules a draw applies: indexes into options.ties and
// options.missing, -1 for the model's own.
struct Rules {
  int ties = -1, missing = -1;
  int key(const UncertaintyOptions& o) const {
    return (ties + 1) * static_cast<int>(o.missing.size() + 1) + (missing + 1);
  }
};

// Chosen uniformly, from a stream of their own: offering alternatives does
// not change the weights drawn.
Rules draw_rules(const UncertaintyOptions& o, std::uint64_t draw, std::uint64_t stream) {
  Stream rng(o.seed, draw, stream);
  Rules r;
  if (!o.ties.empty()) r.ties = static_cast<int>(rng.next() % o.ties.size());
  if (!o.missing.empty()) r.missing = static_cast<int>(rng.next() % o.missing.size());
  return r;
}

Model with_rules(const Model& m, const UncertaintyOptions& o, Rules r) {
  Model v = m;
  for (Indicator& ind : v.indicators) {
    if (r.ties >= 0 && ind.normalization.method == Method::percentile)
      ind.normalization.ties = o.ties[static_cast<std::size_t>(r.ties)];
    if (r.missing >= 0 && !ind.weights.empty()) ind.missing = o.missing[static_cast<std::size_t>(r.missing)];
  }
  return v;
}

// An Evaluator per set of rules: the model's own on the snapshot itself,
// every other on the snapshot's enterprises fitted and scored under it.
class Variants {
 public:
  Variants(const Snapshot& snap, const UncertaintyOptions& o, unsigned threads) : snap_(snap), o_(o), threads_(threads) {}
  void need(Rules r) {
    const int key = r.key(o_);
    if (evaluators_.count(key)) return;
    const Snapshot* s = &snap_;
    if (r.ties >= 0 || r.missing >= 0) {
      snapshots_.push_back(Snapshot::build(with_rules(snap_.model, o_, r), snap_.table, BuildOptions{threads_}));
      s = &snapshots_.back();
    }
    evaluators_.emplace(key, std::make_unique<Evaluator>(*s, threads_));
  }
  const Evaluator& operator[](Rules r) const { return *evaluators_.at(r.key(o_)); }
  const Evaluator& any() const { return *evaluators_.begin()->second; }

 private:
  const Snapshot& snap_;
  const UncertaintyOptions& o_;
  unsigned threads_;
  std::deque<Snapshot> snapshots_;  // stable addresses
  std::map<int, std::unique_ptr<Evaluator>> evaluators_;
};

// Rank of each published value (competition or dense, as the model ranks)
// from a count of each: rank[u] for u in 0..units_max.
void ranks_of_counts(std::vector<std::int32_t>& counts, RankTies ties) {
  std::int32_t above = 0, distinct = 0;
  for (std::size_t u = counts.size(); u-- > 0;) {
    const std::int32_t here = counts[u];
    counts[u] = 1 + (ties == RankTies::dense ? distinct : above);
    above += here;
    distinct += here > 0;
  }
}

// Weight sets laid out for Evaluator::units: w[(s k + j) d + e].
std::vector<double> interleave(const std::vector<std::vector<double>>& sets, std::size_t stages_by_k) {
  const std::size_t d = sets.size();
  std::vector<double> w(stages_by_k * d);
  for (std::size_t e = 0; e < d; ++e)
    for (std::size_t x = 0; x < stages_by_k; ++x) w[x * d + e] = sets[e][x];
  return w;
}

unsigned thread_count(unsigned threads) { return threads ? threads : std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace

std::vector<double> draw_weights(const Model& m, const UncertaintyOptions& o, std::int64_t draw) {
  check(m, o);
  const std::size_t k = m.indicators.size(), stages = m.stages.size();
  std::vector<double> w(stages * k, 0.0);
  Stream rng(o.seed, static_cast<std::uint64_t>(draw), 0);
  if (o.concentration > 0) {
    std::mt19937_64 engine(rng.next());
    for (std::size_t s = 0; s < stages; ++s) {
      for (std::size_t j = 0; j < k; ++j) {
        const auto& weights = m.indicators[j].weights;
        if (weights.empty() || !(weights[s] > 0)) continue;
        std::gamma_distribution<double> gamma(o.concentration * weights[s] / m.scale.base_max, 1.0);
        w[s * k + j] = gamma(engine);
      }
      renormalise(w.data() + s * k, k, m.scale.base_max);
    }
    return w;
  }
  std::vector<double> u(stages * k);
  for (double& x : u) x = rng.symmetric();
  weights_from_factors(m, o.spread, u.data(), w.data());
  return w;
}

Model drawn_model(const Model& m, const UncertaintyOptions& o, std::int64_t draw) {
  const std::vector<double> w = draw_weights(m, o, draw);
  Model v = with_rules(m, o, draw_rules(o, static_cast<std::uint64_t>(draw), 3));
  const std::size_t k = m.indicators.size();
  for (std::size_t s = 0; s < m.stages.size(); ++s)
    for (std::size_t j = 0; j < k; ++j)
      if (!v.indicators[j].weights.empty()) v.indicators[j].weights[s] = w[s * k + j];
  return v;
}

namespace {

// Up to `width` draws of one rule set, with their weights laid out for
// Evaluator::units; draws are indexes 0 .. o.draws - 1 of the batch.
struct DrawBatch {
  Rules rules;
  std::vector<std::int64_t> draws;
  std::vector<double> w;
};
constexpr std::size_t draw_width = 32;  // the inner loops' width

// The draws of `o` grouped by the rules they apply, each rule set's scoring
// made ready in `eval`.
std::vector<DrawBatch> plan_draws(const Model& m, const UncertaintyOptions& o, Variants& eval) {
  const std::size_t stages_by_k = m.stages.size() * m.indicators.size();
  std::map<int, std::pair<Rules, std::vector<std::int64_t>>> by_rules;
  for (std::int64_t e = 0; e < o.draws; ++e) {
    const Rules r = draw_rules(o, static_cast<std::uint64_t>(o.first_draw + e), 3);
    auto& group = by_rules[r.key(o)];
    group.first = r;
    group.second.push_back(e);
  }
  std::vector<DrawBatch> batches;
  for (const auto& [key, group] : by_rules) {
    eval.need(group.first);
    for (std::size_t at = 0; at < group.second.size(); at += draw_width) {
      DrawBatch b;
      b.rules = group.first;
      b.draws.assign(group.second.begin() + static_cast<std::ptrdiff_t>(at),
                     group.second.begin() + static_cast<std::ptrdiff_t>(std::min(at + draw_width, group.second.size())));
      std::vector<std::vector<double>> sets;
      for (std::int64_t e : b.draws) sets.push_back(draw_weights(m, o, o.first_draw + e));
      b.w = interleave(sets, stages_by_k);
      batches.push_back(std::move(b));
    }
  }
  return batches;
}

// Pass 1: each draw's count of every published value, over every row.
DrawCounts count_draws(const UncertaintyOptions& o, const Variants& eval, const std::vector<DrawBatch>& batches,
                       unsigned threads) {
  const std::int64_t n = eval.any().rows();
  const std::int64_t values = eval.any().units_max() + 1;
  if (static_cast<double>(values) * static_cast<double>(o.draws) > 1e9)
    throw Error(ErrorCode::invalid_argument, "draws x published values (" + std::to_string(o.draws) + " x " +
                                                 std::to_string(values) + ") exceed 10^9, 4 GB of rank tables: run "
                                                 "fewer draws per batch (first_draw) (抽样次数过多)");
  DrawCounts out;
  out.first_draw = o.first_draw;
  out.draws = o.draws;
  out.values = values;
  out.counts.assign(static_cast<std::size_t>(o.draws * values), 0);
  detail::parallel_for(threads, batches.size(), [&](std::size_t b) {
    const DrawBatch& batch = batches[b];
    const std::size_t d = batch.draws.size();
    constexpr std::int64_t chunk = 1024;
    std::vector<std::int64_t> units(static_cast<std::size_t>(chunk) * d);
    for (std::int64_t i = 0; i < n; i += chunk) {
      const std::int64_t end = std::min(n, i + chunk);
      eval[batch.rules].units(i, end, batch.w, d, units.data());
      for (std::size_t e = 0; e < d; ++e) {
        std::int32_t* count = out.counts.data() + batch.draws[e] * values;
        for (std::int64_t r = 0; r < end - i; ++r) count[units[static_cast<std::size_t>(r) * d + e]]++;
      }
    }
  });
  return out;
}

// Pass 2: rows [row_begin, row_end) in blocks, each with its ranks in every draw.
RankBands bands_of_rows(const Snapshot& snap, const UncertaintyOptions& o, const DrawCounts& c, std::int64_t row_begin,
                        std::int64_t row_end, const Variants& eval, const std::vector<DrawBatch>& batches,
                        unsigned threads) {
  const Model& m = snap.model;
  const std::int64_t draws = o.draws;
  const auto values = static_cast<std::size_t>(c.values);
  std::vector<std::vector<std::int32_t>> rank(static_cast<std::size_t>(draws));
  detail::parallel_for(threads, rank.size(), [&](std::size_t e) {
    rank[e].assign(c.counts.begin() + static_cast<std::ptrdiff_t>(e * values),
                   c.counts.begin() + static_cast<std::ptrdiff_t>((e + 1) * values));
    ranks_of_counts(rank[e], m.rank_ties);
  });
  RankBands out;
  out.draws = draws;
  const auto un = static_cast<std::size_t>(row_end - row_begin);
  out.nominal.assign(snap.scores.rank[0].begin() + row_begin, snap.scores.rank[0].begin() + row_end);
  out.p05.resize(un);
  out.median.resize(un);
  out.p95.resize(un);
  out.listed.resize(un);
  const std::int64_t threshold = detail::list_threshold_units(snap);
  // The order statistic at 1-based position ceil(q draws / 100).
  auto position = [draws](std::int64_t percent) { return static_cast<std::size_t>((percent * draws + 99) / 100 - 1); };
  constexpr std::int64_t block = 512;
  const std::int64_t n = row_end - row_begin;
  detail::parallel_for(threads, static_cast<std::size_t>((n + block - 1) / block), [&](std::size_t blk) {
    const std::int64_t begin = row_begin + static_cast<std::int64_t>(blk) * block, end = std::min(row_end, begin + block);
    const auto rows = static_cast<std::size_t>(end - begin);
    std::vector<std::int32_t> ranks(rows * static_cast<std::size_t>(draws));
    std::vector<std::int64_t> listed(rows, 0);
    std::vector<std::int64_t> units(rows * draw_width);
    for (const DrawBatch& batch : batches) {
      const std::size_t d = batch.draws.size();
      eval[batch.rules].units(begin, end, batch.w, d, units.data());
      // One draw's rank table at a time, for the block's rows.
      for (std::size_t e = 0; e < d; ++e) {
        const auto draw = static_cast<std::size_t>(batch.draws[e]);
        const std::int32_t* table = rank[draw].data();
        std::int32_t* column = &ranks[draw];
        for (std::size_t r = 0; r < rows; ++r) {
          const std::int64_t u = units[r * d + e];
          column[r * static_cast<std::size_t>(draws)] = table[u];
          listed[r] += u >= threshold;
        }
      }
    }
    for (std::size_t r = 0; r < rows; ++r) {
      const auto first = ranks.begin() + static_cast<std::ptrdiff_t>(r * static_cast<std::size_t>(draws));
      const auto last = first + static_cast<std::ptrdiff_t>(draws);
      const auto mid = first + static_cast<std::ptrdiff_t>(position(50));
      // The median first; the lower and upper ends then search its halves.
      std::nth_element(first, mid, last);
      const std::int32_t median = *mid;  // the next search may move it
      const auto lo = first + static_cast<std::ptrdiff_t>(position(5));
      const auto hi = first + static_cast<std::ptrdiff_t>(position(95));
      std::nth_element(first, lo, mid);
      std::nth_element(mid, hi, last);
      const std::size_t i = static_cast<std::size_t>(begin - row_begin) + r;
      out.median[i] = median;
      out.p05[i] = *lo;
      out.p95[i] = *hi;
      out.listed[i] = static_cast<double>(listed[r]) / static_cast<double>(draws);
    }
  });
  return out;
}

}  // namespace

DrawCounts draw_counts(const Snapshot& snap, const UncertaintyOptions& o) {
  check(snap.model, o);
  const unsigned threads = thread_count(o.threads);
  Variants eval(snap, o, threads);
  const std::vector<DrawBatch> batches = plan_draws(snap.model, o, eval);
  return count_draws(o, eval, batches, threads);
}

DrawCounts merge_draw_counts(std::vector<DrawCounts> parts) {
  std::sort(parts.begin(), parts.end(), [](const DrawCounts& a, const DrawCounts& b) { return a.first_draw < b.first_draw; });
  DrawCounts out;
  for (DrawCounts& p : parts) {
    if (p.counts.size() != static_cast<std::size_t>(p.draws * p.values))
      throw Error(ErrorCode::invalid_argument, "draw counts: the table holds " + std::to_string(p.counts.size()) +
                                                   " counts, not draws x values (抽样计数表不完整)");
    if (out.draws == 0 && out.counts.empty()) {
      out = std::move(p);
      continue;
    }
    if (p.values != out.values || p.first_draw != out.first_draw + out.draws)
      throw Error(ErrorCode::invalid_argument, "draw counts of draws " + std::to_string(p.first_draw) + ".. do not follow "
                                                   "draws " + std::to_string(out.first_draw) + ".." +
                                                   std::to_string(out.first_draw + out.draws - 1) +
                                                   " of the same scores: the batches must be contiguous (抽样批次不连续)");
    out.counts.insert(out.counts.end(), p.counts.begin(), p.counts.end());
    out.draws += p.draws;
  }
  return out;
}

RankBands rank_bands_of_rows(const Snapshot& snap, const UncertaintyOptions& o, const DrawCounts& counts,
                             std::int64_t row_begin, std::int64_t row_end) {
  check(snap.model, o);
  const std::int64_t n = snap.table.size();
  if (row_begin < 0 || row_end < row_begin || row_end > n)
    throw Error(ErrorCode::invalid_argument, "rows " + std::to_string(row_begin) + ".." + std::to_string(row_end) +
                                                 " are not within the snapshot's 0.." + std::to_string(n) + " (行范围无效)");
  const unsigned threads = thread_count(o.threads);
  Variants eval(snap, o, threads);
  const std::vector<DrawBatch> batches = plan_draws(snap.model, o, eval);
  if (counts.first_draw != o.first_draw || counts.draws != o.draws || counts.values != eval.any().units_max() + 1 ||
      counts.counts.size() != static_cast<std::size_t>(counts.draws * counts.values))
    throw Error(ErrorCode::invalid_argument, "the draw counts are of draws " + std::to_string(counts.first_draw) + ".." +
                                                 std::to_string(counts.first_draw + counts.draws - 1) + " over " +
                                                 std::to_string(counts.values) + " values, not of these options "
                                                 "and scores (抽样计数与参数不符)");
  return bands_of_rows(snap, o, counts, row_begin, row_end, eval, batches, threads);
}

RankBands rank_bands(const Snapshot& snap, const UncertaintyOptions& o) {
  check(snap.model, o);
  const unsigned threads = thread_count(o.threads);
  Variants eval(snap, o, threads);
  const std::vector<DrawBatch> batches = plan_draws(snap.model, o, eval);
  const DrawCounts counts = count_draws(o, eval, batches, threads);
  return bands_of_rows(snap, o, counts, 0, eval.any().rows(), eval, batches, threads);
}

Sensitivity rank_sensitivity(const Snapshot& snap, std::int64_t samples, const UncertaintyOptions& o) {
  const Model& m = snap.model;
  UncertaintyOptions checked = o;
  checked.draws = std::max<std::int64_t>(samples, 1);
  check(m, checked);
  if (samples < 2 || samples > 100000)
    throw Error(ErrorCode::invalid_argument, "samples must lie in [2, 100000], found " + std::to_string(samples) +
                                                 " (样本数须在 2 到 100000 之间)");
  const unsigned threads = thread_count(o.threads);
  // Every combination of the alternatives can be drawn: fit each once.
  Variants eval(snap, o, threads);
  for (int t = o.ties.empty() ? -1 : 0; t < static_cast<int>(o.ties.size()); ++t)
    for (int x = o.missing.empty() ? -1 : 0; x < static_cast<int>(o.missing.size()); ++x) eval.need(Rules{t, x});
  const std::size_t k = m.indicators.size(), stages = m.stages.size(), sk = stages * k;
  const std::vector<int>& weights = eval.any().scored();
  const bool ties = o.ties.size() > 1, missing = o.missing.size() > 1;
  // Inputs: each scored indicator's weights, then the rules with a choice.
  const std::size_t g = weights.size() + ties + missing, d = g + 2;  // f(A), f(B), f(A_B^1..g)
  const std::int64_t n = eval.any().rows();
  const auto un = static_cast<std::size_t>(n);
  const std::int64_t threshold = detail::list_threshold_units(snap);
  const auto values = static_cast<std::size_t>(eval.any().units_max() + 1);

  // Per sample: per input, Σ over enterprises of (f(A) - f(A_B))^2 and
  // (f(B) - f(A_B))^2, for rank and listed; summed over samples in order.
  struct Sums {
    std::vector<std::int64_t> total_rank, first_rank, total_listed, first_listed;
  };
  std::vector<Sums> per(static_cast<std::size_t>(samples));
  // Per worker: each enterprise's sums of f and f^2 over A and B (integers:
  // exact, so the result does not depend on which worker added what).
  struct Moments {
    std::vector<std::int64_t> rank, rank2, listed;
  };
  std::vector<Moments> moments(threads);
  for (Moments& x : moments) x.rank.assign(un, 0), x.rank2.assign(un, 0), x.listed.assign(un, 0);

  detail::parallel_for(threads, static_cast<std::size_t>(samples), [&](std::size_t sample, unsigned worker) {
    Stream ra(o.seed, sample, 1), rb(o.seed, sample, 2);
    std::vector<double> a(sk), b(sk);
    for (double& x : a) x = ra.symmetric();
    for (double& x : b) x = rb.symmetric();
    const Rules rules_a = draw_rules(o, sample, 4), rules_b = draw_rules(o, sample, 5);
    std::vector<std::vector<double>> sets(d, std::vector<double>(sk));
    std::vector<Rules> rules(d, rules_a);
    rules[1] = rules_b;
    weights_from_factors(m, o.spread, a.data(), sets[0].data());
    weights_from_factors(m, o.spread, b.data(), sets[1].data());
    for (std::size_t t = 0; t < weights.size(); ++t) {
      std::vector<double> mixed = a;
      for (std::size_t s = 0; s < stages; ++s) mixed[s * k + static_cast<std::size_t>(weights[t])] = b[s * k + static_cast<std::size_t>(weights[t])];
      weights_from_factors(m, o.spread, mixed.data(), sets[2 + t].data());
    }
    for (std::size_t t = weights.size(); t < g; ++t) {
      sets[2 + t] = sets[0];  // A's weights, one rule from B
      if (ties && t == weights.size()) rules[2 + t].ties = rules_b.ties;
      else rules[2 + t].missing = rules_b.missing;
    }
    // Each rule set's weight sets together, scattered back into place.
    std::vector<std::int64_t> units(un * d);
    std::map<int, std::vector<std::size_t>> by_rules;
    for (std::size_t e = 0; e < d; ++e) by_rules[rules[e].key(o)].push_back(e);
    for (const auto& [key, members] : by_rules) {
      std::vector<std::vector<double>> subset;
      for (std::size_t e : members) subset.push_back(sets[e]);
      const std::size_t c = members.size();
      std::vector<std::int64_t> part(un * c);
      eval[rules[members.front()]].units(0, n, interleave(subset, sk), c, part.data());
      for (std::size_t i = 0; i < un; ++i)
        for (std::size_t x = 0; x < c; ++x) units[i * d + members[x]] = part[i * c + x];
    }
    std::vector<std::vector<std::int32_t>> rank(d, std::vector<std::int32_t>(values, 0));
    for (std::size_t i = 0; i < un; ++i)
      for (std::size_t e = 0; e < d; ++e) rank[e][static_cast<std::size_t>(units[i * d + e])]++;
    for (auto& r : rank) ranks_of_counts(r, m.rank_ties);
    Sums& sums = per[sample];
    sums.total_rank.assign(g, 0), sums.first_rank.assign(g, 0), sums.total_listed.assign(g, 0), sums.first_listed.assign(g, 0);
    Moments& mo = moments[worker];
    for (std::size_t i = 0; i < un; ++i) {
      const std::int64_t* u = &units[i * d];
      const std::int64_t fa = rank[0][static_cast<std::size_t>(u[0])], fb = rank[1][static_cast<std::size_t>(u[1])];
      const std::int64_t la = u[0] >= threshold, lb = u[1] >= threshold;
      mo.rank[i] += fa + fb;
      mo.rank2[i] += fa * fa + fb * fb;
      mo.listed[i] += la + lb;  // listed^2 = listed
      for (std::size_t t = 0; t < g; ++t) {
        const std::int64_t f = rank[2 + t][static_cast<std::size_t>(u[2 + t])], l = u[2 + t] >= threshold;
        sums.total_rank[t] += (fa - f) * (fa - f);
        sums.first_rank[t] += (fb - f) * (fb - f);
        sums.total_listed[t] += (la - l) * (la - l);
        sums.first_listed[t] += (lb - l) * (lb - l);
      }
    }
  });

  // V = Σ over enterprises of each one's variance over the 2N runs of A and B.
  const long double runs = 2.0L * static_cast<long double>(samples);
  long double v_rank = 0, v_listed = 0;
  for (std::size_t i = 0; i < un; ++i) {
    long double s = 0, s2 = 0, l = 0;
    for (const Moments& x : moments) s += static_cast<long double>(x.rank[i]), s2 += static_cast<long double>(x.rank2[i]), l += static_cast<long double>(x.listed[i]);
    v_rank += (s2 - s * s / runs) / (runs - 1);
    v_listed += (l - l * l / runs) / (runs - 1);
  }
  Sensitivity out;
  out.samples = samples;
  out.evaluations = samples * static_cast<std::int64_t>(d);
  for (std::size_t t = 0; t < g; ++t) {
    out.indicators.push_back(t < weights.size() ? weights[t] : -1);
    out.inputs.push_back(t < weights.size() ? m.indicators[static_cast<std::size_t>(weights[t])].id
                         : ties && t == weights.size() ? "ties" : "missing");
    long double tr = 0, fr = 0, tl = 0, fl = 0;
    for (const Sums& s : per) tr += s.total_rank[t], fr += s.first_rank[t], tl += s.total_listed[t], fl += s.first_listed[t];
    const long double half = 2.0L * static_cast<long double>(samples);
    auto ratio = [](long double x, long double v) { return v > 0 ? static_cast<double>(x / v) : std::nan(""); };
    out.rank_total.push_back(ratio(tr / half, v_rank));
    out.rank_first.push_back(ratio(v_rank - fr / half, v_rank));
    out.listed_total.push_back(ratio(tl / half, v_listed));
    out.listed_first.push_back(ratio(v_listed - fl / half, v_listed));
  }
  return out;
}

}  // namespace cxjf
