// The semantic pass over a model (docs/model.md, "Validation"): the checks
// every Model gets, built from JSON or in code.
#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/model_detail.hpp"
#include "table/csv_text.hpp"

namespace cxjf {
namespace model_detail {
namespace {

class Validator {
 public:
  Validator(const Model& m, const Damage* damage, std::vector<ModelProblem>& out)
      : m_(m), damage_(damage), out_(out) {}

  void run() {
    if (m_.id.empty()) report("/id", "the model id must not be empty");
    check_scale();
    check_named_list("/categories", "category", m_.categories);
    check_named_list("/stages", "stage", m_.stages);
    check_stage_labels();
    check_stage_rule();
    check_peer_groups();
    check_indicators();
    check_weight_sums();
    check_bonus();
    check_negatives();
    check_grades();
  }

 private:
  void report(const std::string& path, std::string message) {
    if (damage_ && damage_->covers(path)) return;
    out_.push_back({path, std::move(message)});
  }
  bool touched(const std::string& path) const { return damage_ && damage_->touches(path); }

  template <class E, std::size_t N>
  bool valid_enum(const Spelling<E> (&table)[N], E value, const std::string& path, const char* what) {
    if (spell(table, value)) return true;
    report(path, std::string("not a valid ") + what + " (" + std::to_string(static_cast<int>(value)) +
                     "); expected one of " + spellings(table));
    return false;
  }

  void check_scale() {
    const Scale& s = m_.scale;
    if (!(std::isfinite(s.base_max) && s.base_max > 0))
      report("/scale/base_max", "base_max must be a number > 0, found " + number_text(s.base_max));
    if (!(std::isfinite(s.bonus_max) && s.bonus_max >= 0))
      report("/scale/bonus_max", "bonus_max must be a number >= 0, found " + number_text(s.bonus_max));
    if (!touched("/scale/base_max") && !(std::isfinite(s.total_max) && s.total_max >= s.base_max))
      report("/scale/total_max", "total_max (" + number_text(s.total_max) + ") must be at least base_max (" +
                                     number_text(s.base_max) + ")");
    if (s.decimals < 0 || s.decimals > 6)
      report("/scale/decimals", "decimals must be between 0 and 6, found " + std::to_string(s.decimals));
    valid_enum(kRoundings, s.rounding, "/scale/rounding", "rounding");
    if (!touched("/scale/total_max") &&
        !(std::isfinite(m_.list_threshold) && m_.list_threshold >= 0 && m_.list_threshold <= s.total_max))
      report("/list_threshold", "list_threshold must lie between 0 and scale.total_max (" +
                                    number_text(s.total_max) + "), found " + number_text(m_.list_threshold));
    valid_enum(kRankTies, m_.rank_ties, "/rank_ties", "rank_ties");
    if (!m_.bonus.empty() && s.bonus_max == 0)
      report("/scale/bonus_max", "the model has bonus items but bonus_max is 0, so they can never add points");
  }

  // Categories and stages: at least one, ids present and unique, names present.
  template <class T>
  void check_named_list(const std::string& path, const char* what, const std::vector<T>& items) {
    if (items.empty()) report(path, std::string("at least one ") + what + " is required");
    check_ids_unique(path, what, items);
    for (std::size_t i = 0; i < items.size(); ++i)
      if (items[i].name_zh.empty())
        report(child(path, i) + "/name_zh", "name_zh (the Chinese name) must not be empty");
  }

  // stage_index() accepts an id or either name, so no label may name two
  // stages. Equal ids are reported as duplicates already.
  void check_stage_labels() {
    for (std::size_t j = 1; j < m_.stages.size(); ++j) {
      const Stage& later = m_.stages[j];
      for (const auto& [field, label] : {std::pair<const char*, const std::string*>{"id", &later.id},
                                         {"name_zh", &later.name_zh},
                                         {"name_en", &later.name_en}}) {
        if (label->empty()) continue;
        for (std::size_t i = 0; i < j; ++i) {
          const Stage& earlier = m_.stages[i];
          bool same_id = std::string_view(field) == "id" && earlier.id == *label;
          if (same_id || !(earlier.id == *label || earlier.name_zh == *label || earlier.name_en == *label)) continue;
          report(child("/stages", j) + "/" + field,
                 "stage label " + quote(*label) + " also names " + child("/stages", i) +
                     "; stage ids and names must be unambiguous");
          break;
        }
      }
    }
  }

  // Weights are keyed by stage id; names do not matter to them.
  bool stage_ids_readable() const {
    if (damage_ && damage_->covers("/stages")) return false;
    for (std::size_t i = 0; i < m_.stages.size(); ++i)
      if (touched(child("/stages", i) + "/id")) return false;
    return true;
  }

  bool has_indicator(const std::string& id) const { return m_.indicator_index(id) >= 0; }

  std::vector<std::string> indicator_ids() const {
    std::vector<std::string> ids;
    for (const auto& ind : m_.indicators) ids.push_back(ind.id);
    return ids;
  }

  // Whether every indicator id could be read, so that "unknown indicator"
  // is not a consequence of an id the JSON pass could not read.
  bool indicator_ids_readable() const {
    if (damage_ && damage_->covers("/indicators")) return false;
    for (std::size_t i = 0; i < m_.indicators.size(); ++i)
      if (touched(child("/indicators", i) + "/id")) return false;
    return true;
  }

  void check_indicator_reference(const std::string& path, const std::string& id) {
    if (has_indicator(id) || !indicator_ids_readable()) return;
    auto ids = indicator_ids();
    report(path, "unknown indicator " + quote(id) + suggestion(id, ids));
  }

  void check_stage_rule() {
    const StageRule& r = m_.stage_rule;
    if (touched("/stage_rule/basis") || !valid_enum(kBases, r.basis, "/stage_rule/basis", "stage basis")) return;
    const std::string p = "/stage_rule";
    if (r.basis == StageBasis::data) {
      if (!r.bounds.empty()) report(p + "/bounds", "bounds apply only to the revenue and age bases");
      if (!r.indicator.empty()) report(p + "/indicator", "indicator applies only to the revenue basis");
      if (r.as_of != 0) report(p + "/as_of", "as_of applies only to the age basis");
      return;
    }
    if (r.basis == StageBasis::revenue) {
      if (r.indicator.empty())
        report(p + "/indicator", "the revenue basis needs the id of the indicator whose value is banded");
      else
        check_indicator_reference(p + "/indicator", r.indicator);
      if (r.as_of != 0) report(p + "/as_of", "as_of applies only to the age basis");
    } else {
      if (!r.indicator.empty()) report(p + "/indicator", "indicator applies only to the revenue basis");
      if (!detail::is_calendar_date(r.as_of))
        report(p + "/as_of", "the age basis needs as_of, a calendar date YYYY-MM-DD, found " +
                                 (r.as_of == 0 ? std::string("none") : date_text(r.as_of)));
    }
    if (stage_ids_readable() && !m_.stages.empty() && r.bounds.size() + 1 != m_.stages.size())
      report(p + "/bounds", counted(m_.stages.size(), "stage") + " need " + counted(m_.stages.size() - 1, "bound") +
                                " (stage i holds values in [bounds[i-1], bounds[i])), found " +
                                std::to_string(r.bounds.size()));
    for (std::size_t k = 0; k < r.bounds.size(); ++k) {
      if (!std::isfinite(r.bounds[k]))
        report(child(p + "/bounds", k), "bounds must be finite numbers");
      else if (k > 0 && !touched(child(p + "/bounds", k - 1)) && !(r.bounds[k] > r.bounds[k - 1]))
        report(child(p + "/bounds", k), "bound " + number_text(r.bounds[k]) + " is not greater than the previous " +
                                            number_text(r.bounds[k - 1]) + "; bounds must be strictly increasing");
    }
  }

  void check_peer_groups() {
    const PeerGroups& g = m_.peer_groups;
    const std::string p = "/peer_groups/chain";
    if (g.chain.empty())
      report(p, "the chain needs at least one level; [[]] compares every enterprise with the whole population");
    for (std::size_t i = 0; i < g.chain.size(); ++i) {
      std::set<PeerKey> seen;
      for (std::size_t j = 0; j < g.chain[i].size(); ++j) {
        PeerKey key = g.chain[i][j];
        std::string kp = child(child(p, i), j);
        if (!valid_enum(kPeerKeys, key, kp, "peer key")) continue;
        if (!seen.insert(key).second) {
          report(kp, "duplicate key " + quote(spell(kPeerKeys, key)) + " in this level");
          continue;
        }
        if (i > 0 && std::find(g.chain[i - 1].begin(), g.chain[i - 1].end(), key) == g.chain[i - 1].end())
          report(kp, "key " + quote(spell(kPeerKeys, key)) +
                         " is not in the previous level; each level must be a subset of the one before, "
                         "so that falling back only ever widens the group");
      }
    }
    if (g.min_size < 1)
      report("/peer_groups/min_size", "min_size must be at least 1, found " + std::to_string(g.min_size));
  }

  void check_indicators() {
    check_ids_unique("/indicators", "indicator", m_.indicators);
    std::vector<std::string> category_ids;
    for (const auto& c : m_.categories) category_ids.push_back(c.id);
    bool scored_any = false;
    for (std::size_t i = 0; i < m_.indicators.size(); ++i) {
      const Indicator& ind = m_.indicators[i];
      const std::string ip = child("/indicators", i);
      if (ind.name_zh.empty()) report(ip + "/name_zh", "name_zh (the Chinese name) must not be empty");
      bool scored = !ind.category.empty();
      scored_any = scored_any || scored;
      if (scored && m_.category_index(ind.category) < 0 && !touched("/categories"))
        report(ip + "/category", "unknown category " + quote(ind.category) + suggestion(ind.category, category_ids) +
                                     "; categories are " + list_text(category_ids));
      check_weights(ind, ip, scored);
      bool enums_ok = valid_enum(kMethods, ind.normalization.method, ip + "/method", "method");
      enums_ok = valid_enum(kTies, ind.normalization.ties, ip + "/ties", "ties") && enums_ok;
      enums_ok = valid_enum(kDirections, ind.direction, ip + "/direction", "direction") && enums_ok;
      enums_ok = valid_enum(kTransforms, ind.transform, ip + "/transform", "transform") && enums_ok;
      enums_ok = valid_enum(kMissing, ind.missing, ip + "/missing", "missing policy") && enums_ok;
      // Every method rule below depends on which method was meant.
      if (enums_ok && !touched(ip + "/method")) check_method(ind, ip);
    }
    if (!scored_any)
      report("/indicators", "no indicator is scored: give at least one indicator a \"category\" and \"weights\"");
  }

  template <class T>
  void check_ids_unique(const std::string& path, const char* what, const std::vector<T>& items) {
    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string ip = child(path, i) + "/id";
      if (items[i].id.empty())
        report(ip, std::string("the ") + what + " id must not be empty");
      else if (auto [it, fresh] = seen.emplace(items[i].id, i); !fresh)
        report(ip, std::string("duplicate ") + what + " id " + quote(items[i].id) + " (also " +
                       child(path, it->second) + ")");
    }
  }

  std::vector<std::string> stage_ids() const {
    std::vector<std::string> ids;
    for (const auto& s : m_.stages) ids.push_back(s.id);
    return ids;
  }

  void check_weights(const Indicator& ind, const std::string& ip, bool scored) {
    const std::string wp = ip + "/weights";
    if (touched(wp) || touched(ip + "/category")) return;
    if (!scored) {
      if (!ind.weights.empty())
        report(wp, "an input-only indicator (one without \"category\") must have no weights; "
                   "give it a category to score it, or remove its weights");
      return;
    }
    if (!stage_ids_readable()) return;
    if (ind.weights.empty()) {
      report(wp, "a scored indicator needs \"weights\", an object with one weight per stage: " +
                     list_text(stage_ids()));
      return;
    }
    if (ind.weights.size() != m_.stages.size()) {
      report(wp, "has " + std::to_string(ind.weights.size()) + " weights but the model has " +
                     std::to_string(m_.stages.size()) + " stages; give one weight per stage");
      return;
    }
    for (std::size_t s = 0; s < ind.weights.size(); ++s) {
      double w = ind.weights[s];
      if (!std::isfinite(w) || w < 0)
        report(child(wp, m_.stages[s].id), "weight " + number_text(w) + " for stage " + quote(m_.stages[s].id) +
                                               " must be a number >= 0 (points earned at full marks)");
    }
  }

  void check_method(const Indicator& ind, const std::string& ip) {
    const Normalization& n = ind.normalization;
    const char* method = spell(kMethods, n.method);
    auto only_for = [&](const char* key, const char* methods) {
      report(ip + "/" + key, std::string("\"") + key + "\" applies only to method " + methods + ", not " + method);
    };

    if (n.ties != Ties::weak && n.method != Method::percentile) only_for("ties", "percentile");

    if (n.method == Method::capped_ratio) {
      if (!n.full_mark && !n.full_mark_quantile)
        report(ip + "/full_mark", "capped_ratio needs \"full_mark\" (a constant full mark) or "
                                  "\"full_mark_quantile\" (a quantile of the peer group's values)");
      if (n.full_mark && n.full_mark_quantile)
        report(ip + "/full_mark_quantile", "give either \"full_mark\" or \"full_mark_quantile\", not both");
      if (n.full_mark && !(std::isfinite(*n.full_mark) && *n.full_mark > 0))
        report(ip + "/full_mark", "full_mark must be a number > 0, found " + number_text(*n.full_mark));
      if (n.full_mark_quantile && !(*n.full_mark_quantile >= 0 && *n.full_mark_quantile <= 1))
        report(ip + "/full_mark_quantile",
               "full_mark_quantile must lie between 0 and 1, found " + number_text(*n.full_mark_quantile));
    } else {
      if (n.full_mark) only_for("full_mark", "capped_ratio");
      if (n.full_mark_quantile) only_for("full_mark_quantile", "capped_ratio");
    }

    if (n.method == Method::piecewise || n.method == Method::steps) {
      std::size_t need = n.method == Method::piecewise ? 2 : 1;
      const std::string bp = ip + "/breakpoints";
      if (n.breakpoints.size() < need)
        report(bp, std::string(method) + " needs at least " + counted(need, "breakpoint") + " [x, s], found " +
                       std::to_string(n.breakpoints.size()));
      for (std::size_t k = 0; k < n.breakpoints.size(); ++k) {
        const Breakpoint& b = n.breakpoints[k];
        if (!std::isfinite(b.x))
          report(child(bp, k), "x must be a finite number");
        else if (k > 0 && std::isfinite(n.breakpoints[k - 1].x) && !touched(child(bp, k - 1)) &&
                 !(b.x > n.breakpoints[k - 1].x))
          report(child(bp, k), "x = " + number_text(b.x) + " is not greater than the previous x = " +
                                   number_text(n.breakpoints[k - 1].x) +
                                   "; breakpoints must be strictly increasing in x");
        if (!(b.s >= 0 && b.s <= 1))
          report(child(bp, k), "s = " + number_text(b.s) + " is outside [0, 1]; s is the normalized value at x");
      }
      if (ind.direction == Direction::lower)
        report(ip + "/direction", std::string("direction lower does not apply to ") + method +
                                      ": its breakpoints already say what each value earns (let s fall as x rises)");
    } else if (!n.breakpoints.empty()) {
      only_for("breakpoints", "piecewise or steps");
    }

    bool default_winsor = n.winsor_lower == 0.0 && n.winsor_upper == 1.0;
    if (n.method == Method::min_max) {
      if (!(n.winsor_lower >= 0 && n.winsor_lower < n.winsor_upper && n.winsor_upper <= 1))
        report(ip + "/winsorize", "winsorize must be [lower, upper] with 0 <= lower < upper <= 1, found [" +
                                      number_text(n.winsor_lower) + ", " + number_text(n.winsor_upper) + "]");
    } else if (!default_winsor) {
      only_for("winsorize", "min_max");
    }

    if (ind.transform != Transform::none && n.method != Method::capped_ratio && n.method != Method::min_max)
      only_for("transform", "capped_ratio or min_max");

    if (ind.zero_earns_zero && ind.direction == Direction::lower)
      report(ip + "/zero_earns_zero",
             "zero_earns_zero contradicts direction lower, where a value of 0 is the best; remove one of them");
  }

  void check_weight_sums() {
    if (m_.stages.empty() || !stage_ids_readable() || touched("/scale/base_max") || touched("/categories")) return;
    if (!std::isfinite(m_.scale.base_max)) return;
    for (std::size_t i = 0; i < m_.indicators.size(); ++i) {
      const Indicator& ind = m_.indicators[i];
      const std::string ip = child("/indicators", i);
      if (touched(ip + "/category") || touched(ip + "/weights")) return;
      if (ind.category.empty()) continue;
      // A scored indicator without a weight per stage is reported above; a
      // sum over it would only repeat that.
      if (ind.weights.size() != m_.stages.size()) return;
      for (double w : ind.weights)
        if (!std::isfinite(w)) return;
    }
    const cpp_rational target = detail::decimal_rational(m_.scale.base_max);
    for (std::size_t s = 0; s < m_.stages.size(); ++s) {
      cpp_rational sum = 0;
      for (const auto& ind : m_.indicators)
        if (!ind.category.empty()) sum += detail::decimal_rational(ind.weights[s]);
      if (sum != target) {
        const Stage& st = m_.stages[s];
        std::string stage = quote(st.id) + (st.name_zh.empty() ? "" : " (" + st.name_zh + ")");
        report("/indicators", "the weights of stage " + stage + " sum to " + decimal_text(sum) +
                                  " over the scored indicators, but must sum to scale.base_max = " +
                                  decimal_text(target));
      }
    }
  }

  void check_bonus() {
    check_ids_unique("/bonus", "bonus item", m_.bonus);
    std::unordered_map<std::string, std::size_t> qualifications;
    for (std::size_t i = 0; i < m_.bonus.size(); ++i) {
      const BonusItem& b = m_.bonus[i];
      const std::string bp = child("/bonus", i);
      if (b.name_zh.empty()) report(bp + "/name_zh", "name_zh (the Chinese name) must not be empty");
      bool by_qualification = !b.qualification.empty(), by_indicator = !b.indicator.empty();
      if (!by_qualification && !by_indicator && !touched(bp + "/qualification") && !touched(bp + "/indicator"))
        report(bp, "a bonus item needs either \"qualification\" (points for holding it) or \"indicator\" "
                   "(points per unit of its value)");
      if (by_qualification && by_indicator)
        report(bp + "/indicator", "give either \"qualification\" or \"indicator\", not both");
      if (by_qualification) {
        if (auto [it, fresh] = qualifications.emplace(b.qualification, i); !fresh)
          report(bp + "/qualification", "qualification " + quote(b.qualification) + " already earns points in " +
                                            child("/bonus", it->second) + "; it would count twice");
      }
      if (by_indicator) check_indicator_reference(bp + "/indicator", b.indicator);
      if (!(std::isfinite(b.points) && b.points > 0))
        report(bp + "/points", "points must be a number > 0, found " + number_text(b.points));
      if (by_indicator && !(std::isfinite(b.per_unit) && b.per_unit > 0))
        report(bp + "/per_unit", "an indicator bonus item needs per_unit > 0 (points per unit of the value), found " +
                                     number_text(b.per_unit));
      if (!by_indicator && b.per_unit != 0) report(bp + "/per_unit", "per_unit applies only to indicator items");
    }
  }

  void check_negatives() {
    check_ids_unique("/negatives", "negative item", m_.negatives);
    std::unordered_map<std::string, std::size_t> flags;
    for (std::size_t i = 0; i < m_.negatives.size(); ++i) {
      const NegativeItem& n = m_.negatives[i];
      const std::string np = child("/negatives", i);
      if (n.name_zh.empty())
        report(np + "/name_zh", "name_zh must not be empty: it is the flag as written in the data");
      else if (auto [it, fresh] = flags.emplace(n.name_zh, i); !fresh)
        report(np + "/name_zh", "flag " + quote(n.name_zh) + " is already used by " + child("/negatives", it->second));
      if (touched(np + "/action") || !valid_enum(kActions, n.action, np + "/action", "action")) continue;
      if (n.action == NegativeAction::deduct && !(std::isfinite(n.points) && n.points > 0))
        report(np + "/points", "a deduct item needs points > 0, found " + number_text(n.points));
      if (n.action == NegativeAction::veto && n.points != 0)
        report(np + "/points", "points apply only to action deduct; a veto sets the score to 0");
    }
  }

  void check_grades() {
    if (m_.grades.empty()) report("/grades", "at least one grade is required; the last has min 0");
    check_ids_unique("/grades", "grade", m_.grades);
    for (std::size_t k = 0; k < m_.grades.size(); ++k) {
      const std::string mp = child("/grades", k) + "/min";
      double v = m_.grades[k].min_score;
      if (!std::isfinite(v)) {
        report(mp, "min must be a finite number");
        continue;
      }
      if (k == 0 && v > m_.scale.total_max && !touched("/scale/total_max"))
        report(mp, "min " + number_text(v) + " is above scale.total_max (" + number_text(m_.scale.total_max) +
                       "), so no score can reach this grade");
      if (k > 0 && std::isfinite(m_.grades[k - 1].min_score) && !(v < m_.grades[k - 1].min_score))
        report(mp, "min " + number_text(v) + " is not below the previous grade's min " +
                       number_text(m_.grades[k - 1].min_score) + "; list grades from best to worst");
      if (k + 1 == m_.grades.size() && v != 0)
        report(mp, "the last grade must have min 0 so that every score gets a grade, found " + number_text(v));
    }
  }

  const Model& m_;
  const Damage* damage_;
  std::vector<ModelProblem>& out_;
};

}  // namespace

void validate(const Model& model, const Damage* damage, std::vector<ModelProblem>& out) {
  Validator(model, damage, out).run();
}

}  // namespace model_detail

std::vector<ModelProblem> Model::problems() const {
  std::vector<ModelProblem> out;
  model_detail::validate(*this, nullptr, out);
  model_detail::sort_problems(out);
  return out;
}

}  // namespace cxjf
