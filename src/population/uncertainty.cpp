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
#include <limits>
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
  if (o.first_draw < 0) throw Error(ErrorCode::invalid_argument, "first_draw must not be negative (起始抽样序号不能为负)");
  if (!(o.spread >= 0 && o.spread < 1))
    throw Error(ErrorCode::invalid_argument, "spread must lie in [0, 1) (扰动幅度须在 0 到 1 之间)");
  if (!(o.concentration >= 0 && std::isfinite(o.concentration)))
    throw Error(ErrorCode::invalid_argument, "concentration must be a finite number >= 0 (集中度须为非负有限数)");
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

RankBands rank_bands(const Snapshot& snap, const UncertaintyOptions& o) {
  const Model& m = snap.model;
  check(m, o);
  const unsigned threads = thread_count(o.threads);
  const Evaluator eval(snap, threads);
  const std::int64_t n = eval.rows(), draws = o.draws;
  const std::size_t stages_by_k = m.stages.size() * m.indicators.size();
  // Draws in batches of 32: the inner loops' width.
  constexpr std::int64_t width = 32;
  const std::int64_t batches = (draws + width - 1) / width;
  std::vector<std::vector<double>> batch_w(static_cast<std::size_t>(batches));
  for (std::int64_t b = 0; b < batches; ++b) {
    std::vector<std::vector<double>> sets;
    for (std::int64_t e = b * width; e < std::min(draws, (b + 1) * width); ++e)
      sets.push_back(draw_weights(m, o, o.first_draw + e));
    batch_w[static_cast<std::size_t>(b)] = interleave(sets, stages_by_k);
  }
  auto batch_size = [&](std::int64_t b) { return static_cast<std::size_t>(std::min(draws, (b + 1) * width) - b * width); };

  // Pass 1: each draw's count of every published value, then its ranks.
  const auto values = static_cast<std::size_t>(eval.units_max() + 1);
  std::vector<std::vector<std::int32_t>> rank(static_cast<std::size_t>(draws));
  detail::parallel_for(threads, static_cast<std::size_t>(batches), [&](std::size_t b) {
    const std::size_t d = batch_size(static_cast<std::int64_t>(b));
    for (std::size_t e = 0; e < d; ++e) rank[b * width + e].assign(values, 0);
    constexpr std::int64_t chunk = 1024;
    std::vector<std::int64_t> units(static_cast<std::size_t>(chunk) * d);
    for (std::int64_t i = 0; i < n; i += chunk) {
      const std::int64_t end = std::min(n, i + chunk);
      eval.units(i, end, batch_w[b], d, units.data());
      for (std::int64_t r = 0; r < end - i; ++r)
        for (std::size_t e = 0; e < d; ++e) rank[b * width + e][static_cast<std::size_t>(units[static_cast<std::size_t>(r) * d + e])]++;
    }
    for (std::size_t e = 0; e < d; ++e) ranks_of_counts(rank[b * width + e], m.rank_ties);
  });

  // Pass 2: blocks of enterprises, each with its ranks in every draw.
  RankBands out;
  out.draws = draws;
  const auto un = static_cast<std::size_t>(n);
  out.nominal.assign(snap.scores.rank[0].begin(), snap.scores.rank[0].end());
  out.p05.resize(un);
  out.median.resize(un);
  out.p95.resize(un);
  out.listed.resize(un);
  const std::int64_t threshold = detail::list_threshold_units(snap);
  // The order statistic at 1-based position ceil(q draws / 100).
  auto position = [draws](std::int64_t percent) { return static_cast<std::size_t>((percent * draws + 99) / 100 - 1); };
  constexpr std::int64_t block = 512;
  detail::parallel_for(threads, static_cast<std::size_t>((n + block - 1) / block), [&](std::size_t blk) {
    const std::int64_t begin = static_cast<std::int64_t>(blk) * block, end = std::min(n, begin + block);
    const auto rows = static_cast<std::size_t>(end - begin);
    std::vector<std::int32_t> ranks(rows * static_cast<std::size_t>(draws));
    std::vector<std::int64_t> listed(rows, 0);
    std::vector<std::int64_t> units(rows * width);
    for (std::int64_t b = 0; b < batches; ++b) {
      const std::size_t d = batch_size(b);
      eval.units(begin, end, batch_w[static_cast<std::size_t>(b)], d, units.data());
      // One draw's rank table at a time, for the block's rows.
      for (std::size_t e = 0; e < d; ++e) {
        const std::int32_t* table = rank[static_cast<std::size_t>(b * width) + e].data();
        std::int32_t* column = &ranks[static_cast<std::size_t>(b * width) + e];
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
      const std::size_t i = static_cast<std::size_t>(begin) + r;
      out.median[i] = median;
      out.p05[i] = *lo;
      out.p95[i] = *hi;
      out.listed[i] = static_cast<double>(listed[r]) / static_cast<double>(draws);
    }
  });
  return out;
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
  const Evaluator eval(snap, threads);
  const std::size_t k = m.indicators.size(), stages = m.stages.size(), sk = stages * k;
  const std::vector<int>& inputs = eval.scored();
  const std::size_t g = inputs.size(), d = g + 2;  // f(A), f(B), f(A_B^1..g)
  const std::int64_t n = eval.rows();
  const auto un = static_cast<std::size_t>(n);
  const std::int64_t threshold = detail::list_threshold_units(snap);
  const auto values = static_cast<std::size_t>(eval.units_max() + 1);

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
    std::vector<std::vector<double>> sets(d, std::vector<double>(sk));
    weights_from_factors(m, o.spread, a.data(), sets[0].data());
    weights_from_factors(m, o.spread, b.data(), sets[1].data());
    for (std::size_t t = 0; t < g; ++t) {
      std::vector<double> mixed = a;
      for (std::size_t s = 0; s < stages; ++s) mixed[s * k + static_cast<std::size_t>(inputs[t])] = b[s * k + static_cast<std::size_t>(inputs[t])];
      weights_from_factors(m, o.spread, mixed.data(), sets[2 + t].data());
    }
    const std::vector<double> w = interleave(sets, sk);
    std::vector<std::int64_t> units(un * d);
    eval.units(0, n, w, d, units.data());
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
    out.inputs.push_back(m.indicators[static_cast<std::size_t>(inputs[t])].id);
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
