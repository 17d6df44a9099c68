// An independent cross-check of the scores: a deliberately naive scorer
// written only from docs/model.md (methods, policies, bonus, negatives, caps,
// rounding) and DESIGN.md §2, sharing no code with src/scoring/scoring.hpp,
// src/scoring/score.cpp or src/scoring/reference.cpp. It reads nothing but the Model's fields
// and the snapshot's Table, finds every enterprise's peers by looping over the
// whole population and counts, sorts and interpolates by brute force, in long
// double. The library's scores of a generated national sample must agree with
// it for every enterprise: exact total (to 1e-9), stage, category points,
// bonus, deduction, veto, published units, grade and national rank.
// explain() is called only to word the failure message of a mismatch.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "cxjf/cxjf.hpp"

namespace cxjf {
namespace {

using Real = long double;

/// Sign-preserving transform, f(-x) = -f(x) (docs/model.md §2.6).
Real transformed(Transform t, Real x) {
  switch (t) {
    case Transform::none: return x;
    case Transform::log1p: return x < 0 ? -std::log1p(-x) : std::log1p(x);
    case Transform::sqrt: return x < 0 ? -std::sqrt(-x) : std::sqrt(x);
  }
  return x;
}

/// Quantile p of `v` interpolated linearly between order statistics (type 7).
Real quantile7(std::vector<Real> v, Real p) {
  std::sort(v.begin(), v.end());
  const Real h = static_cast<Real>(v.size() - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= v.size()) return v.back();
  return v[lo] + (h - static_cast<Real>(lo)) * (v[lo + 1] - v[lo]);
}

/// Whole years completed between founded and as_of (both YYYYMMDD).
int whole_years(std::int32_t founded, std::int32_t as_of) {
  int years = as_of / 10000 - founded / 10000;
  if (as_of % 10000 < founded % 10000) --years;
  return years;
}

/// Band of `value` among `bounds`: stage i holds [bounds[i-1], bounds[i]).
int band(Real value, const std::vector<double>& bounds) {
  int stage = 0;
  for (double b : bounds)
    if (value >= b) ++stage;
  return stage;
}

/// What the naive scorer found for one enterprise.
struct NaiveLine {
  bool missing = false, imputed = false, excluded = false, zero_rule = false;
  Real used = 0;    // the value normalized (raw units, after imputation)
  Real s = 0;       // normalized value
  Real weight = 0;  // stage weight
  Real points = 0;  // weight x s, before the category reweighting
};

struct NaiveScore {
  int stage = 0;
  int level = 0;  // chain level of the peer group used
  std::vector<NaiveLine> lines;  // per model indicator (input-only ones stay empty)
  std::vector<Real> category;    // after reweighting
  Real base = 0, bonus = 0, deduction = 0, total = 0;
  bool veto = false;
};

/// Tallies of the cases worth reporting.
struct Tally {
  std::int64_t imputed = 0, excluded = 0, zero_rule = 0, vetoes = 0, bonus_capped = 0, clamped = 0;
  std::int64_t boundary_skipped = 0, full_mark_not_positive = 0, flat_min_max = 0, empty_median = 0;
  std::vector<std::int64_t> level_use;
};

class NaiveScorer {
 public:
  NaiveScorer(const Model& model, const Table& table) : m_(model), t_(table) {
    n_ = t_.size();
    for (const auto& ind : m_.indicators) {
      int c = t_.indicator_column(ind.id);
      col_.push_back(c);
    }
    // Stages.
    stage_.resize(static_cast<std::size_t>(n_));
    for (std::int64_t i = 0; i < n_; ++i) stage_[i] = stage_of(i);
  }

  int column(int indicator) const { return col_[static_cast<std::size_t>(indicator)]; }
  int stage(std::int64_t i) const { return stage_[static_cast<std::size_t>(i)]; }

  /// docs/model.md §2.4: a stage in the data wins; otherwise the rule.
  int stage_of(std::int64_t i) const {
    if (t_.stage[i] >= 0) return m_.stage_index(t_.stage_names[t_.stage[i]]);
    const StageRule& r = m_.stage_rule;
    if (r.basis == StageBasis::revenue) {
      double v = t_.values(i, t_.indicator_column(r.indicator));
      return std::isnan(v) ? 0 : band(v, r.bounds);
    }
    if (r.basis == StageBasis::age) {
      if (t_.founded[i] == 0) return 0;
      return band(whole_years(t_.founded[i], r.as_of), r.bounds);
    }
    return 0;  // basis data without a stage: refused by the library, never here
  }

  std::int64_t key(std::int64_t i, PeerKey k) const {
    switch (k) {
      case PeerKey::stage: return stage(i);
      case PeerKey::industry: return t_.industry[i];
      case PeerKey::province: return t_.region[i] / 10000 * 10000;
    }
    return 0;
  }

  bool same_group(std::int64_t i, std::int64_t j, int level) const {
    for (PeerKey k : m_.peer_groups.chain[static_cast<std::size_t>(level)])
      if (key(i, k) != key(j, k)) return false;
    return true;
  }

  /// §2.5: the finest level whose group has at least min_size members.
  int level_of(std::int64_t i) const {
    const int levels = static_cast<int>(m_.peer_groups.chain.size());
    for (int level = 0; level < levels; ++level) {
      std::int64_t size = 0;
      for (std::int64_t j = 0; j < n_; ++j) size += same_group(i, j, level);
      if (size >= m_.peer_groups.min_size) return level;
    }
    return levels - 1;
  }

  NaiveScore score(std::int64_t i, Tally& tally) const {
    NaiveScore r;
    r.stage = stage(i);
    r.level = level_of(i);
    const std::size_t st = static_cast<std::size_t>(r.stage);
    r.lines.resize(m_.indicators.size());
    const std::size_t nc = m_.categories.size();
    std::vector<Real> cat_points(nc, 0), cat_max(nc, 0), cat_excluded(nc, 0);

    for (std::size_t j = 0; j < m_.indicators.size(); ++j) {
      const Indicator& ind = m_.indicators[j];
      if (ind.category.empty()) continue;
      const int cat = m_.category_index(ind.category);
      NaiveLine& line = r.lines[j];
      line.weight = ind.weights[st];
      cat_max[static_cast<std::size_t>(cat)] += line.weight;
      const int c = col_[j];

      // The peers' values: reported ones, plus 0 for each missing one under
      // policy zero (§2.6 "zero ... counts it among the peers").
      std::vector<Real> peers;
      for (std::int64_t p = 0; p < n_; ++p) {
        if (!same_group(i, p, r.level)) continue;
        double v = t_.values(p, c);
        if (!std::isnan(v)) peers.push_back(v);
        else if (ind.missing == MissingPolicy::zero) peers.push_back(0);
      }

      double raw = t_.values(i, c);
      Real x = raw;
      if (std::isnan(raw)) {
        line.missing = true;
        if (ind.missing == MissingPolicy::exclude) {
          line.excluded = true;
          ++tally.excluded;
          cat_excluded[static_cast<std::size_t>(cat)] += line.weight;
          continue;
        }
        if (ind.missing == MissingPolicy::zero) {
          x = 0;
        } else {  // peer_median: median of the group's reported values
          line.imputed = true;
          ++tally.imputed;
          if (peers.empty()) {
            ++tally.empty_median;
            x = 0;
          } else {
            x = quantile7(peers, 0.5L);
          }
        }
      }
      line.used = x;
      line.s = normalize(ind, x, peers, tally);
      if (ind.zero_earns_zero && x <= 0) {
        line.zero_rule = true;
        ++tally.zero_rule;
        line.s = 0;
      }
      line.points = line.weight * line.s;
      cat_points[static_cast<std::size_t>(cat)] += line.points;
    }

    r.category.assign(nc, 0);
    for (std::size_t c = 0; c < nc; ++c) {
      Real present = cat_max[c] - cat_excluded[c];
      if (cat_excluded[c] == 0) r.category[c] = cat_points[c];
      else r.category[c] = present > 0 ? cat_points[c] * cat_max[c] / present : 0;
      r.base += r.category[c];
    }

    // §2.7 bonus, capped at scale.bonus_max.
    Real bonus = 0;
    for (const BonusItem& item : m_.bonus) {
      if (!item.qualification.empty()) {
        int bit = t_.qualification_names.find(item.qualification);
        if (bit >= 0 && ((t_.qualifications[i] >> bit) & 1u)) bonus += item.points;
      } else {
        double v = t_.values(i, t_.indicator_column(item.indicator));
        if (v > 0) bonus += std::min<Real>(static_cast<Real>(item.per_unit) * v, item.points);
      }
    }
    if (bonus > m_.scale.bonus_max) ++tally.bonus_capped;
    r.bonus = std::min<Real>(bonus, m_.scale.bonus_max);

    // §2.8 negatives.
    for (const NegativeItem& item : m_.negatives) {
      int bit = t_.negative_names.find(item.name_zh);
      if (bit < 0 || !((t_.negatives[i] >> bit) & 1u)) continue;
      if (item.action == NegativeAction::veto) r.veto = true;
      else r.deduction += item.points;
    }
    if (r.veto) {
      ++tally.vetoes;
      r.total = 0;
    } else {
      Real sum = r.base + r.bonus - r.deduction;
      r.total = std::min<Real>(std::max<Real>(sum, 0), m_.scale.total_max);
      if (r.total != sum) ++tally.clamped;
    }
    return r;
  }

 private:
  /// §2.6 methods (the zero rule is applied by the caller).
  Real normalize(const Indicator& ind, Real x, const std::vector<Real>& peers, Tally& tally) const {
    const Normalization& nm = ind.normalization;
    const bool lower = ind.direction == Direction::lower;
    switch (nm.method) {
      case Method::percentile: {
        if (peers.empty()) return 0;
        std::int64_t weak = 0, strict = 0;
        for (Real p : peers) {
          if (lower ? p >= x : p <= x) ++weak;
          if (lower ? p > x : p < x) ++strict;
        }
        const Real n = static_cast<Real>(peers.size());
        if (nm.ties == Ties::weak) return weak / n;
        if (nm.ties == Ties::strict) return strict / n;
        return (weak + strict) / (2 * n);
      }
      case Method::capped_ratio: {
        Real fx = transformed(ind.transform, x);
        Real ff;
        if (nm.full_mark) {
          ff = transformed(ind.transform, *nm.full_mark);
        } else {
          std::vector<Real> f;
          for (Real p : peers) f.push_back(transformed(ind.transform, p));
          ff = quantile7(f, *nm.full_mark_quantile);
        }
        // f(F) <= 0 (a 0.9 quantile of a mostly-zero group): the docs do not
        // say what x / 0 earns. Taken as 1 for a positive value; counted.
        if (ff <= 0 && fx > 0 && !lower) ++tally.full_mark_not_positive;
        Real s;
        if (!lower) s = ff > 0 ? fx / ff : (fx > 0 ? 1 : 0);
        else s = fx <= ff ? 1 : ff / fx;
        return std::min<Real>(std::max<Real>(s, 0), 1);
      }
      case Method::piecewise: {
        const auto& b = nm.breakpoints;
        if (x <= b.front().x) return b.front().s;
        if (x >= b.back().x) return b.back().s;
        for (std::size_t k = 0; k + 1 < b.size(); ++k)
          if (x >= b[k].x && x < b[k + 1].x)
            return b[k].s + (x - b[k].x) / (static_cast<Real>(b[k + 1].x) - b[k].x) * (static_cast<Real>(b[k + 1].s) - b[k].s);
        return b.back().s;
      }
      case Method::steps: {
        Real s = 0;
        for (const Breakpoint& b : nm.breakpoints)
          if (b.x <= x) s = b.s;
        return s;
      }
      case Method::min_max: {
        std::vector<Real> f;
        for (Real p : peers) f.push_back(transformed(ind.transform, p));
        Real lo = quantile7(f, nm.winsor_lower), hi = quantile7(f, nm.winsor_upper);
        Real fx = transformed(ind.transform, x);
        if (!(hi > lo)) {  // docs/scoring.md §6: full marks at or beyond the common value
          ++tally.flat_min_max;
          return lower ? (fx <= lo ? 1 : 0) : (fx >= hi ? 1 : 0);
        }
        Real s = lower ? (hi - fx) / (hi - lo) : (fx - lo) / (hi - lo);
        return std::min<Real>(std::max<Real>(s, 0), 1);
      }
      case Method::boolean:
        return lower ? (x == 0 ? 1 : 0) : (x != 0 ? 1 : 0);
    }
    return 0;
  }

  const Model& m_;
  const Table& t_;
  std::int64_t n_ = 0;
  std::vector<int> col_;
  std::vector<int> stage_;
};

std::string g17(Real v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17Lg", v);
  return buf;
}

/// The first indicator whose naive points differ from the library's ledger.
std::string first_indicator_difference(const Model& model, const Snapshot& snap, std::int64_t i, const NaiveScore& naive) {
  Ledger ledger = explain(model, snap.reference, snap.table, i);
  std::ostringstream out;
  for (const LedgerLine& line : ledger.lines) {
    const NaiveLine& nl = naive.lines[static_cast<std::size_t>(line.indicator)];
    const bool differs = nl.excluded != line.excluded ||
                         (!line.excluded && std::fabs(static_cast<double>(nl.s) - line.normalized) > 1e-12);
    if (differs) {
      out << " indicator " << model.indicators[static_cast<std::size_t>(line.indicator)].id << ": raw " << g17(line.raw)
          << "; naive used " << g17(nl.used) << " s " << g17(nl.s) << (nl.excluded ? " (excluded)" : "")
          << (nl.imputed ? " (imputed)" : "") << (nl.zero_rule ? " (zero rule)" : "") << "; library used "
          << g17(line.used) << " s " << g17(line.normalized) << (line.excluded ? " (excluded)" : "")
          << (line.imputed ? " (imputed)" : "") << (line.zero_rule ? " (zero rule)" : "") << " peers " << line.peers
          << ", peer group " << ledger.peer_group << " (naive chain level " << naive.level << ")";
      return out.str();
    }
  }
  out << " no indicator differs; naive base " << g17(naive.base) << " bonus " << g17(naive.bonus) << " deduction "
      << g17(naive.deduction) << " veto " << naive.veto << "; library base " << g17(ledger.base) << " bonus "
      << g17(ledger.bonus) << " deduction " << g17(ledger.deduction) << " veto " << ledger.veto;
  return out.str();
}

/// Half-up (or half-even) units of `total` at `decimals`; sets `boundary` when
/// the scaled total lies within 1e-6 units of a .5 boundary.
std::int64_t naive_units(Real total, int decimals, Rounding rounding, bool& boundary) {
  Real scaled = total * std::pow(10.0L, decimals);
  Real fl = std::floor(scaled);
  Real frac = scaled - fl;
  boundary = std::fabs(frac - 0.5L) <= 1e-6L;
  auto units = static_cast<std::int64_t>(fl);
  if (frac > 0.5L) ++units;
  else if (frac == 0.5L && (rounding == Rounding::half_up || (units % 2) != 0)) ++units;
  return units;
}

void check_model(const char* id) {
  Model model = Model::from_json(builtin_model_json(id));
  GenerateOptions o;
  o.n = 4000;
  o.seed = 99;
  Table t = generate(model, o);
  Snapshot snap = Snapshot::build(model, t);
  const Table& pop = snap.table;
  const Scores& sc = snap.scores;
  const std::int64_t n = pop.size();
  ASSERT_GT(n, 3000);
  ASSERT_EQ(sc.size(), n);

  NaiveScorer naive(model, pop);
  for (std::size_t j = 0; j < model.indicators.size(); ++j)
    ASSERT_GE(naive.column(static_cast<int>(j)), 0) << "no column for " << model.indicators[j].id;

  Tally tally;
  tally.level_use.assign(model.peer_groups.chain.size(), 0);
  const Real unit = std::pow(10.0L, -model.scale.decimals);
  std::vector<std::int64_t> stage_count(model.stages.size(), 0);

  for (std::int64_t i = 0; i < n; ++i) {
    NaiveScore r = naive.score(i, tally);
    ++tally.level_use[static_cast<std::size_t>(r.level)];
    ++stage_count[static_cast<std::size_t>(r.stage)];
    const std::string who = std::string(id) + " " + pop.credit_code[i] + " (row " + std::to_string(i) + ")";

    ASSERT_EQ(sc.stage[i], r.stage) << who << ": stage, naive " << r.stage << " library " << sc.stage[i];
    for (std::size_t c = 0; c < model.categories.size(); ++c)
      ASSERT_LT(std::fabs(r.category[c] - static_cast<Real>(sc.category_points(i, static_cast<Eigen::Index>(c)))), 1e-9L)
          << who << ": category " << model.categories[c].id << " naive " << g17(r.category[c]) << " library "
          << g17(sc.category_points(i, static_cast<Eigen::Index>(c))) << ";"
          << first_indicator_difference(model, snap, i, r);
    ASSERT_LT(std::fabs(r.bonus - static_cast<Real>(sc.bonus[i])), 1e-9L)
        << who << ": bonus naive " << g17(r.bonus) << " library " << g17(sc.bonus[i]);
    ASSERT_LT(std::fabs(r.deduction - static_cast<Real>(sc.deduction[i])), 1e-9L)
        << who << ": deduction naive " << g17(r.deduction) << " library " << g17(sc.deduction[i]);
    ASSERT_EQ(sc.veto[i] != 0, r.veto) << who << ": veto";
    ASSERT_LT(std::fabs(r.total - static_cast<Real>(sc.total[i])), 1e-9L)
        << who << ": total naive " << g17(r.total) << " library " << g17(sc.total[i]) << ";"
        << first_indicator_difference(model, snap, i, r);

    bool boundary = false;
    std::int64_t units = naive_units(r.total, model.scale.decimals, model.scale.rounding, boundary);
    if (boundary) {
      ++tally.boundary_skipped;
      std::printf("[independent] %s: within 1e-6 units of a rounding boundary: naive total %s, published units %lld\n",
                  who.c_str(), g17(r.total).c_str(), static_cast<long long>(sc.published_units[i]));
      ASSERT_TRUE(sc.published_units[i] == units || sc.published_units[i] == units - 1 ||
                  sc.published_units[i] == units + 1)
          << who << ": published units " << sc.published_units[i] << " far from naive total " << g17(r.total);
    } else {
      ASSERT_EQ(sc.published_units[i], units)
          << who << ": published units, naive total " << g17(r.total) << " library total " << g17(sc.total[i]);
    }

    // Grade: the first band whose min the published score reaches.
    int grade = static_cast<int>(model.grades.size()) - 1;
    for (std::size_t g = 0; g < model.grades.size(); ++g)
      if (static_cast<Real>(sc.published_units[i]) * unit >= static_cast<Real>(model.grades[g].min_score) - 1e-9L) {
        grade = static_cast<int>(g);
        break;
      }
    ASSERT_EQ(sc.grade[i], grade) << who << ": grade of published units " << sc.published_units[i];
  }

  // National rank on the published score.
  const auto& national = sc.rank[static_cast<int>(RankLevel::national)];
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t higher = 0;
    std::vector<std::int64_t> distinct;
    for (std::int64_t j = 0; j < n; ++j)
      if (sc.published_units[j] > sc.published_units[i]) {
        ++higher;
        distinct.push_back(sc.published_units[j]);
      }
    std::int64_t rank = 1 + higher;
    if (model.rank_ties == RankTies::dense) {
      std::sort(distinct.begin(), distinct.end());
      rank = 1 + (std::unique(distinct.begin(), distinct.end()) - distinct.begin());
    }
    ASSERT_EQ(national[i], rank) << id << " " << pop.credit_code[i] << ": national rank, published units "
                                 << sc.published_units[i];
  }

  std::ostringstream levels, stages;
  for (std::size_t l = 0; l < tally.level_use.size(); ++l) levels << (l ? "/" : "") << tally.level_use[l];
  for (std::size_t s = 0; s < stage_count.size(); ++s) stages << (s ? "/" : "") << stage_count[s];
  std::printf(
      "[independent] %s: %lld enterprises agree; stages %s; chain levels %s; imputed %lld, excluded %lld, "
      "zero rule %lld, bonus capped %lld, vetoes %lld, clamped %lld; positive value over full mark <= 0: %lld, flat min_max: %lld, "
      "median of no values: %lld; rounding boundaries skipped: %lld\n",
      id, static_cast<long long>(n), stages.str().c_str(), levels.str().c_str(), static_cast<long long>(tally.imputed),
      static_cast<long long>(tally.excluded), static_cast<long long>(tally.zero_rule),
      static_cast<long long>(tally.bonus_capped), static_cast<long long>(tally.vetoes),
      static_cast<long long>(tally.clamped), static_cast<long long>(tally.full_mark_not_positive),
      static_cast<long long>(tally.flat_min_max), static_cast<long long>(tally.empty_median),
      static_cast<long long>(tally.boundary_skipped));
}

TEST(Independent, Torch2022AgreesWithANaiveScorer) { check_model("torch-2022"); }

TEST(Independent, Torch2025TrialAgreesWithANaiveScorer) { check_model("torch-2025-trial"); }

}  // namespace
}  // namespace cxjf
