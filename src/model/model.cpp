// Model: loading, validating and writing indicator schemes (docs/model.md).
//
// Loading runs in two passes. The JSON pass reads the document into the
// struct and reports shape problems (missing keys, wrong types, unknown keys,
// unknown enum spellings, weights keyed by something other than a stage id).
// The semantic pass is problems(), the same checks a Model built in code
// gets. A shape problem leaves a default in the struct, and the semantic pass
// would then report that default as a second, misleading problem ("piecewise
// needs 2 breakpoints" after the breakpoints were a string), so the JSON pass
// records which paths it could not read and the semantic pass stays silent
// about them and about the checks that depend on them.

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxjf/model.hpp"
#include "table/csv_text.hpp"
#include "base/embedded.hpp"
#include "scoring/exact.hpp"

namespace cxjf {
namespace {

// ordered_json keeps keys in the order written, so to_json prints fields in
// the order docs/model.md lists them.
using Json = nlohmann::ordered_json;
using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;

// ---------------------------------------------------------------------------
// Enum spellings: the JSON spelling of every enumerator is its C++ name.

template <class E>
struct Spelling {
  const char* name;
  E value;
};

constexpr Spelling<Method> kMethods[] = {
    {"percentile", Method::percentile}, {"capped_ratio", Method::capped_ratio},
    {"piecewise", Method::piecewise},   {"steps", Method::steps},
    {"min_max", Method::min_max},       {"boolean", Method::boolean}};
constexpr Spelling<Ties> kTies[] = {{"weak", Ties::weak}, {"strict", Ties::strict}, {"mean", Ties::mean}};
constexpr Spelling<Direction> kDirections[] = {{"higher", Direction::higher}, {"lower", Direction::lower}};
constexpr Spelling<Transform> kTransforms[] = {
    {"none", Transform::none}, {"log1p", Transform::log1p}, {"sqrt", Transform::sqrt}};
constexpr Spelling<MissingPolicy> kMissing[] = {{"zero", MissingPolicy::zero},
                                                {"peer_median", MissingPolicy::peer_median},
                                                {"exclude", MissingPolicy::exclude}};
constexpr Spelling<NegativeAction> kActions[] = {{"deduct", NegativeAction::deduct},
                                                 {"veto", NegativeAction::veto}};
constexpr Spelling<RankTies> kRankTies[] = {{"competition", RankTies::competition},
                                            {"dense", RankTies::dense}};
constexpr Spelling<Rounding> kRoundings[] = {{"half_up", Rounding::half_up},
                                             {"half_even", Rounding::half_even}};
constexpr Spelling<PeerKey> kPeerKeys[] = {
    {"stage", PeerKey::stage}, {"industry", PeerKey::industry}, {"province", PeerKey::province}};
constexpr Spelling<StageBasis> kBases[] = {
    {"data", StageBasis::data}, {"revenue", StageBasis::revenue}, {"age", StageBasis::age}};

template <class E, std::size_t N>
const char* spell(const Spelling<E> (&table)[N], E value) {
  for (const auto& s : table)
    if (s.value == value) return s.name;
  return nullptr;
}

template <class E, std::size_t N>
std::string spellings(const Spelling<E> (&table)[N]) {
  std::string text;
  for (const auto& s : table) text += (text.empty() ? "" : ", ") + std::string(s.name);
  return text;
}

// ---------------------------------------------------------------------------
// Text helpers.

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// The shortest text that reads back as the same double, so messages show the
// number the user wrote (0.1, not 0.10000000000000001).
std::string number_text(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string counted(std::size_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string list_text(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& s : items) text += (text.empty() ? "" : ", ") + s;
  return text.empty() ? "(none)" : text;
}

// One JSON pointer reference token (RFC 6901): '~' and '/' are escaped.
std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string child(const std::string& path, std::string_view key) { return path + "/" + pointer_token(key); }
std::string child(const std::string& path, std::size_t index) { return path + "/" + std::to_string(index); }

std::string describe(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return j.get<bool>() ? "true" : "false";
    case Json::value_t::string: return "the string " + j.dump();
    case Json::value_t::array: return "an array";
    case Json::value_t::object: return "an object";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "the number " + j.dump();
    default: return "an unsupported value";
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "; did you mean "weights"?" when a candidate is within two edits: most
// unknown keys and ids are typos of a real one.
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates) {
  std::size_t best = 3;
  const std::string* found = nullptr;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best) best = d, found = &c;
  }
  return found ? "; did you mean " + quote(*found) + "?" : std::string();
}

// ---------------------------------------------------------------------------
// Exact decimal arithmetic for the weight sums. Weights are written as
// decimals (33.3); as doubles, 33.3 + 33.3 + 33.4 need not be exactly 100.
// The shortest round-trip text of a double is the decimal the user wrote, so
// reading that text as a rational (detail::decimal_rational, the one
// conversion of the exact path) recovers the intended value exactly.

// A terminating decimal printed exactly ("99.5"); sums of decimals always
// terminate.
std::string decimal_text(const cpp_rational& value) {
  cpp_rational scaled = value;
  for (int places = 0; places <= 40; ++places, scaled *= 10) {
    if (boost::multiprecision::denominator(scaled) != 1) continue;
    cpp_int n = boost::multiprecision::numerator(scaled);
    bool negative = n < 0;
    std::string digits = (negative ? cpp_int(-n) : n).str();
    if (places > 0) {
      if (digits.size() <= static_cast<std::size_t>(places))
        digits.insert(0, static_cast<std::size_t>(places) + 1 - digits.size(), '0');
      digits.insert(digits.size() - static_cast<std::size_t>(places), ".");
    }
    return (negative ? "-" : "") + digits;
  }
  return number_text(value.convert_to<double>());
}

// ---------------------------------------------------------------------------
// Dates as YYYYMMDD integers.

std::string date_text(std::int32_t yyyymmdd) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", yyyymmdd / 10000, yyyymmdd / 100 % 100, yyyymmdd % 100);
  return buf;
}

// ---------------------------------------------------------------------------
// Paths the JSON pass could not read.

class Damage {
 public:
  void add(const std::string& path) { paths_.insert(path); }
  // The path itself or one of its ancestors could not be read.
  bool covers(const std::string& path) const {
    for (const auto& d : paths_)
      if (path == d || is_below(path, d)) return true;
    return false;
  }
  // ... or also one of its descendants.
  bool touches(const std::string& path) const {
    for (const auto& d : paths_)
      if (path == d || is_below(path, d) || is_below(d, path)) return true;
    return false;
  }

 private:
  static bool is_below(const std::string& path, const std::string& ancestor) {
    return path.size() > ancestor.size() && path.compare(0, ancestor.size(), ancestor) == 0 &&
           path[ancestor.size()] == '/';
  }
  std::set<std::string> paths_;
};

// ---------------------------------------------------------------------------
// The semantic pass.

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

// ---------------------------------------------------------------------------
// The JSON pass.

class Reader {
 public:
  std::vector<ModelProblem> problems;
  Damage damage;

  void fail(const std::string& path, std::string message) {
    problems.push_back({path, std::move(message)});
    damage.add(path);
  }

  // Checks that `j` is an object holding only `keys`.
  bool object(const Json& j, const std::string& path, std::initializer_list<const char*> keys) {
    if (!j.is_object()) {
      fail(path, "expected an object, found " + describe(j));
      return false;
    }
    std::vector<std::string> allowed(keys.begin(), keys.end());
    for (const auto& [key, value] : j.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string hint = suggestion(key, allowed);
      fail(child(path, key),
           "unknown key " + quote(key) + (hint.empty() ? "; allowed keys are " + list_text(allowed) : hint));
    }
    return true;
  }

  const Json* get(const Json& obj, const std::string& path, const char* key, bool required) {
    auto it = obj.find(key);
    if (it != obj.end()) return &*it;
    if (required) fail(child(path, key), std::string("missing required key \"") + key + "\"");
    return nullptr;
  }

  void text(const Json& obj, const std::string& path, const char* key, std::string& out, bool required) {
    const Json* j = get(obj, path, key, required);
    if (!j) return;
    if (j->is_string())
      out = j->get<std::string>();
    else
      fail(child(path, key), "expected a string, found " + describe(*j));
  }

  bool number(const Json& j, const std::string& path, double& out) {
    if (j.is_number()) {
      out = j.get<double>();
      return true;
    }
    fail(path, "expected a number, found " + describe(j));
    return false;
  }

  void number(const Json& obj, const std::string& path, const char* key, double& out, bool required) {
    if (const Json* j = get(obj, path, key, required)) number(*j, child(path, key), out);
  }

  void optional_number(const Json& obj, const std::string& path, const char* key, std::optional<double>& out) {
    double v = 0;
    if (const Json* j = get(obj, path, key, false); j && number(*j, child(path, key), v)) out = v;
  }

  void integer(const Json& obj, const std::string& path, const char* key, std::int32_t& out, bool required) {
    const Json* j = get(obj, path, key, required);
    if (!j) return;
    bool whole = false;
    if (j->is_number()) {
      double v = j->get<double>();
      whole = v == std::floor(v) && v >= std::numeric_limits<std::int32_t>::min() &&
              v <= std::numeric_limits<std::int32_t>::max();
      if (whole) out = static_cast<std::int32_t>(v);
    }
    if (!whole) fail(child(path, key), "expected a whole number, found " + describe(*j));
  }

  void boolean(const Json& obj, const std::string& path, const char* key, bool& out) {
    const Json* j = get(obj, path, key, false);
    if (!j) return;
    if (j->is_boolean())
      out = j->get<bool>();
    else
      fail(child(path, key), "expected true or false, found " + describe(*j));
  }

  template <class E, std::size_t N>
  bool choice(const Json& j, const std::string& path, const char* what, const Spelling<E> (&table)[N], E& out) {
    if (!j.is_string()) {
      fail(path, "expected a string (one of " + spellings(table) + "), found " + describe(j));
      return false;
    }
    std::string s = j.get<std::string>();
    for (const auto& t : table)
      if (s == t.name) {
        out = t.value;
        return true;
      }
    fail(path, std::string("unknown ") + what + " " + quote(s) + "; expected one of " + spellings(table));
    return false;
  }

  template <class E, std::size_t N>
  void choice(const Json& obj, const std::string& path, const char* key, const Spelling<E> (&table)[N], E& out,
              bool required) {
    if (const Json* j = get(obj, path, key, required)) choice(*j, child(path, key), key, table, out);
  }

  // Calls each(element, element_path) for every element of the array obj[key].
  template <class F>
  bool array(const Json& obj, const std::string& path, const char* key, bool required, F each) {
    const Json* j = get(obj, path, key, required);
    if (!j) return false;
    if (!j->is_array()) {
      fail(child(path, key), "expected an array, found " + describe(*j));
      return false;
    }
    for (std::size_t i = 0; i < j->size(); ++i) each((*j)[i], child(child(path, key), i));
    return true;
  }

  // -------------------------------------------------------------------------

  Model read(const Json& root) {
    Model m;
    if (!object(root, "", {"id", "name", "description", "scale", "list_threshold", "rank_ties", "categories",
                           "stages", "stage_rule", "peer_groups", "indicators", "bonus", "negatives", "grades"}))
      return m;
    text(root, "", "id", m.id, true);
    text(root, "", "name", m.name, true);
    text(root, "", "description", m.description, false);
    read_scale(root, m);
    number(root, "", "list_threshold", m.list_threshold, false);
    choice(root, "", "rank_ties", kRankTies, m.rank_ties, false);
    array(root, "", "categories", true, [&](const Json& j, const std::string& p) {
      Category c;
      if (object(j, p, {"id", "name_zh", "name_en"})) read_names(j, p, c);
      m.categories.push_back(std::move(c));
    });
    bool stages_readable = array(root, "", "stages", true, [&](const Json& j, const std::string& p) {
      Stage s;
      if (object(j, p, {"id", "name_zh", "name_en"})) read_names(j, p, s);
      m.stages.push_back(std::move(s));
    });
    // Weights are keyed by stage id; without the ids every key would be reported.
    stages_readable = stages_readable && !m.stages.empty();
    for (std::size_t i = 0; i < m.stages.size(); ++i)
      stages_readable = stages_readable && !damage.covers(child("/stages", i) + "/id");
    read_stage_rule(root, m);
    read_peer_groups(root, m);
    array(root, "", "indicators", true, [&](const Json& j, const std::string& p) {
      m.indicators.push_back(read_indicator(j, p, m, stages_readable));
    });
    array(root, "", "bonus", false, [&](const Json& j, const std::string& p) {
      BonusItem b;
      if (object(j, p, {"id", "name_zh", "name_en", "qualification", "indicator", "per_unit", "points"})) {
        read_names(j, p, b);
        text(j, p, "qualification", b.qualification, false);
        text(j, p, "indicator", b.indicator, false);
        number(j, p, "per_unit", b.per_unit, false);
        number(j, p, "points", b.points, true);
      }
      m.bonus.push_back(std::move(b));
    });
    array(root, "", "negatives", false, [&](const Json& j, const std::string& p) {
      NegativeItem n;
      if (object(j, p, {"id", "name_zh", "name_en", "action", "points"})) {
        read_names(j, p, n);
        choice(j, p, "action", kActions, n.action, true);
        number(j, p, "points", n.points, false);
      }
      m.negatives.push_back(std::move(n));
    });
    array(root, "", "grades", true, [&](const Json& j, const std::string& p) {
      Grade g;
      if (object(j, p, {"id", "min"})) {
        text(j, p, "id", g.id, true);
        number(j, p, "min", g.min_score, true);
      }
      m.grades.push_back(std::move(g));
    });
    return m;
  }

 private:
  template <class T>
  void read_names(const Json& j, const std::string& p, T& item) {
    text(j, p, "id", item.id, true);
    text(j, p, "name_zh", item.name_zh, true);
    text(j, p, "name_en", item.name_en, false);
  }

  void read_scale(const Json& root, Model& m) {
    const Json* j = get(root, "", "scale", true);
    if (!j || !object(*j, "/scale", {"base_max", "bonus_max", "total_max", "decimals", "rounding"})) return;
    Scale& s = m.scale;
    number(*j, "/scale", "base_max", s.base_max, true);
    number(*j, "/scale", "bonus_max", s.bonus_max, false);
    number(*j, "/scale", "total_max", s.total_max, true);
    integer(*j, "/scale", "decimals", s.decimals, false);
    choice(*j, "/scale", "rounding", kRoundings, s.rounding, false);
  }

  void read_stage_rule(const Json& root, Model& m) {
    const Json* j = get(root, "", "stage_rule", false);
    const std::string p = "/stage_rule";
    if (!j || !object(*j, p, {"basis", "indicator", "bounds", "as_of"})) return;
    StageRule& r = m.stage_rule;
    choice(*j, p, "basis", kBases, r.basis, true);
    text(*j, p, "indicator", r.indicator, false);
    array(*j, p, "bounds", false, [&](const Json& b, const std::string& bp) {
      double v = 0;
      number(b, bp, v);
      r.bounds.push_back(v);
    });
    if (const Json* d = get(*j, p, "as_of", false)) {
      std::string s = d->is_string() ? d->get<std::string>() : std::string();
      bool shaped = s.size() == 10 && s[4] == '-' && s[7] == '-';
      for (std::size_t i = 0; shaped && i < s.size(); ++i)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) shaped = false;
      if (shaped)
        r.as_of = std::stoi(s.substr(0, 4)) * 10000 + std::stoi(s.substr(5, 2)) * 100 + std::stoi(s.substr(8, 2));
      else
        fail(p + "/as_of", "expected a date written \"YYYY-MM-DD\", found " + describe(*d));
    }
  }

  void read_peer_groups(const Json& root, Model& m) {
    // The default is DESIGN.md's: stage x industry, then stage, then national.
    m.peer_groups.chain = {{PeerKey::stage, PeerKey::industry}, {PeerKey::stage}, {}};
    const Json* j = get(root, "", "peer_groups", false);
    const std::string p = "/peer_groups";
    if (!j || !object(*j, p, {"chain", "min_size"})) return;
    if (j->contains("chain")) {
      m.peer_groups.chain.clear();
      array(*j, p, "chain", true, [&](const Json& level, const std::string& lp) {
        std::vector<PeerKey> keys;
        if (!level.is_array())
          fail(lp, "expected an array of keys (" + spellings(kPeerKeys) + "), found " + describe(level));
        else
          for (std::size_t k = 0; k < level.size(); ++k) {
            PeerKey key = PeerKey::stage;
            if (choice(level[k], child(lp, k), "peer key", kPeerKeys, key)) keys.push_back(key);
          }
        m.peer_groups.chain.push_back(std::move(keys));
      });
    }
    integer(*j, p, "min_size", m.peer_groups.min_size, false);
  }

  Indicator read_indicator(const Json& j, const std::string& p, const Model& m, bool stages_readable) {
    Indicator ind;
    if (!object(j, p, {"id", "name_zh", "name_en", "unit", "category", "method", "ties", "full_mark",
                       "full_mark_quantile", "breakpoints", "winsorize", "transform", "direction",
                       "zero_earns_zero", "missing", "weights"}))
      return ind;
    Normalization& n = ind.normalization;
    read_names(j, p, ind);
    text(j, p, "unit", ind.unit, false);
    text(j, p, "category", ind.category, false);
    // An input-only indicator is never normalized, so it needs no method.
    choice(j, p, "method", kMethods, n.method, !ind.category.empty());
    choice(j, p, "ties", kTies, n.ties, false);
    optional_number(j, p, "full_mark", n.full_mark);
    optional_number(j, p, "full_mark_quantile", n.full_mark_quantile);
    array(j, p, "breakpoints", false, [&](const Json& b, const std::string& bp) {
      Breakpoint point;
      if (b.is_array() && b.size() == 2 && b[0].is_number() && b[1].is_number())
        point = {b[0].get<double>(), b[1].get<double>()};
      else
        fail(bp, "expected a pair [x, s] of numbers, found " + (b.is_array() ? b.dump() : describe(b)));
      n.breakpoints.push_back(point);
    });
    if (const Json* w = get(j, p, "winsorize", false)) {
      if (w->is_array() && w->size() == 2 && (*w)[0].is_number() && (*w)[1].is_number()) {
        n.winsor_lower = (*w)[0].get<double>();
        n.winsor_upper = (*w)[1].get<double>();
      } else {
        fail(p + "/winsorize", "expected a pair [lower, upper] of quantiles, found " +
                                   (w->is_array() ? w->dump() : describe(*w)));
      }
    }
    choice(j, p, "transform", kTransforms, ind.transform, false);
    choice(j, p, "direction", kDirections, ind.direction, false);
    boolean(j, p, "zero_earns_zero", ind.zero_earns_zero);
    choice(j, p, "missing", kMissing, ind.missing, false);
    read_weights(j, p, m, stages_readable, ind);
    return ind;
  }

  void read_weights(const Json& j, const std::string& p, const Model& m, bool stages_readable, Indicator& ind) {
    const Json* w = get(j, p, "weights", false);
    const std::string wp = p + "/weights";
    if (!w) return;
    if (!w->is_object()) {
      fail(wp, "expected an object of weights keyed by stage id, found " + describe(*w));
      return;
    }
    if (!stages_readable) {
      // Which key belongs to which stage is unknown; /stages is reported.
      damage.add(wp);
      return;
    }
    std::vector<std::string> ids;
    for (const auto& s : m.stages) ids.push_back(s.id);
    ind.weights.assign(m.stages.size(), 0.0);
    for (std::size_t s = 0; s < m.stages.size(); ++s) {
      auto it = w->find(m.stages[s].id);
      if (it == w->end())
        fail(child(wp, m.stages[s].id), "missing the weight for stage " + quote(m.stages[s].id));
      else
        number(*it, child(wp, m.stages[s].id), ind.weights[s]);
    }
    for (const auto& [key, value] : w->items())
      if (std::find(ids.begin(), ids.end(), key) == ids.end())
        fail(child(wp, key), quote(key) + " is not a stage id" + suggestion(key, ids) + "; the stages are " +
                                 list_text(ids));
  }
};

// Problems in the order of the document's sections, and within a list in
// item order; the JSON pass's problems of an item come before the semantic
// ones.
void sort_problems(std::vector<ModelProblem>& problems) {
  static const char* const kSections[] = {"id",         "name",       "description", "scale",      "list_threshold",
                                          "rank_ties",  "categories", "stages",      "stage_rule", "peer_groups",
                                          "indicators", "bonus",      "negatives",   "grades"};
  auto key = [](const std::string& path) {
    std::size_t slash = path.find('/', 1);
    std::string first = path.substr(path.empty() ? 0 : 1, slash == std::string::npos ? std::string::npos : slash - 1);
    long section = -1;
    for (std::size_t i = 0; i < std::size(kSections); ++i)
      if (first == kSections[i]) section = static_cast<long>(i);
    if (!path.empty() && section < 0) section = static_cast<long>(std::size(kSections));
    long index = std::numeric_limits<long>::max();  // a section's own problems follow its items'
    if (slash != std::string::npos) {
      std::size_t end = path.find('/', slash + 1);
      std::string second = path.substr(slash + 1, end == std::string::npos ? std::string::npos : end - slash - 1);
      if (!second.empty() && std::all_of(second.begin(), second.end(), [](char c) { return c >= '0' && c <= '9'; }))
        index = std::stol(second);
    }
    return std::pair<long, long>(section, index);
  };
  std::stable_sort(problems.begin(), problems.end(),
                   [&](const ModelProblem& a, const ModelProblem& b) { return key(a.path) < key(b.path); });
}

// Reports each repeated key of an object (the parser silently keeps the last).
class DuplicateKeys {
 public:
  explicit DuplicateKeys(Reader& reader) : reader_(reader) {}

  bool operator()(int /*depth*/, Json::parse_event_t event, Json& parsed) {
    using E = Json::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        element_begins();
        stack_.push_back({event == E::object_start, {}, -1, {}});
        break;
      case E::key: {
        Frame& top = stack_.back();
        top.token = parsed.get<std::string>();
        if (!top.keys.insert(top.token).second)
          reader_.fail(container_path() + "/" + pointer_token(top.token),
                       "duplicate key " + quote(top.token) + "; only the last one would count");
        break;
      }
      case E::value: element_begins(); break;
      case E::object_end:
      case E::array_end: stack_.pop_back(); break;
    }
    return true;
  }

 private:
  struct Frame {
    bool is_object;
    std::string token;  // the key or index of the child being parsed
    long index;
    std::set<std::string> keys;
  };

  void element_begins() {
    if (stack_.empty() || stack_.back().is_object) return;
    Frame& top = stack_.back();
    top.token = std::to_string(++top.index);
  }

  std::string container_path() const {
    std::string path;
    for (std::size_t i = 0; i + 1 < stack_.size(); ++i) path += "/" + pointer_token(stack_[i].token);
    return path;
  }

  Reader& reader_;
  std::vector<Frame> stack_;
};

// nlohmann's messages start with "[json.exception.parse_error.101] ", which
// means nothing to a user.
std::string parser_message(const std::exception& e) {
  std::string text = e.what();
  if (!text.empty() && text[0] == '[') {
    auto close = text.find("] ");
    if (close != std::string::npos) text.erase(0, close + 2);
  }
  return text;
}

Model parse_model(std::string_view json_text, const std::string& source) {
  Reader reader;
  Json root;
  try {
    root = Json::parse(json_text.begin(), json_text.end(), DuplicateKeys(reader));
  } catch (const Json::exception& e) {
    throw Error(ErrorCode::invalid_model, source + ": " + parser_message(e));
  }
  Model model = reader.read(root);
  std::vector<ModelProblem> problems = std::move(reader.problems);
  Validator(model, &reader.damage, problems).run();
  if (!problems.empty()) {
    sort_problems(problems);
    throw ModelError(std::move(problems));
  }
  return model;
}

// Integral values are written without ".0" so weights read as people write them.
Json number_json(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9007199254740992.0 && !(v == 0 && std::signbit(v)))
    return Json(static_cast<std::int64_t>(v));
  return Json(v);
}

template <class T>
Json names_json(const T& item) {
  Json j = Json::object();
  j["id"] = item.id;
  j["name_zh"] = item.name_zh;
  j["name_en"] = item.name_en;
  return j;
}

template <class E, std::size_t N>
Json enum_json(const Spelling<E> (&table)[N], E value) {
  const char* name = spell(table, value);
  if (!name) throw Error(ErrorCode::invalid_argument, "model has an out-of-range enum value; see Model::problems()");
  return name;
}

bool ascii_iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

Model Model::from_json(std::string_view json_text) { return parse_model(json_text, "model JSON"); }

Model Model::from_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(ErrorCode::io, "cannot read model file \"" + path + "\": it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::io, "cannot open model file \"" + path + "\": " + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(ErrorCode::io, "cannot read model file \"" + path + "\"");
  return parse_model(text, "model JSON \"" + path + "\"");
}

std::string Model::to_json() const {
  Json j = Json::object();
  j["id"] = id;
  j["name"] = name;
  j["description"] = description;
  j["scale"] = {{"base_max", number_json(scale.base_max)},
                {"bonus_max", number_json(scale.bonus_max)},
                {"total_max", number_json(scale.total_max)},
                {"decimals", scale.decimals},
                {"rounding", enum_json(kRoundings, scale.rounding)}};
  j["list_threshold"] = number_json(list_threshold);
  j["rank_ties"] = enum_json(kRankTies, rank_ties);
  j["categories"] = Json::array();
  for (const auto& c : categories) j["categories"].push_back(names_json(c));
  j["stages"] = Json::array();
  for (const auto& s : stages) j["stages"].push_back(names_json(s));

  Json rule = {{"basis", enum_json(kBases, stage_rule.basis)}};
  if (!stage_rule.indicator.empty()) rule["indicator"] = stage_rule.indicator;
  if (!stage_rule.bounds.empty() || stage_rule.basis != StageBasis::data) {
    rule["bounds"] = Json::array();
    for (double b : stage_rule.bounds) rule["bounds"].push_back(number_json(b));
  }
  if (stage_rule.as_of != 0 || stage_rule.basis == StageBasis::age) rule["as_of"] = date_text(stage_rule.as_of);
  j["stage_rule"] = rule;

  Json chain = Json::array();
  for (const auto& level : peer_groups.chain) {
    Json keys = Json::array();
    for (PeerKey k : level) keys.push_back(enum_json(kPeerKeys, k));
    chain.push_back(keys);
  }
  j["peer_groups"] = {{"chain", chain}, {"min_size", peer_groups.min_size}};

  j["indicators"] = Json::array();
  for (const auto& ind : indicators) {
    const Normalization& n = ind.normalization;
    Json i = names_json(ind);
    i["unit"] = ind.unit;
    if (!ind.category.empty()) i["category"] = ind.category;
    i["method"] = enum_json(kMethods, n.method);
    if (n.method == Method::percentile || n.ties != Ties::weak) i["ties"] = enum_json(kTies, n.ties);
    if (n.full_mark) i["full_mark"] = number_json(*n.full_mark);
    if (n.full_mark_quantile) i["full_mark_quantile"] = number_json(*n.full_mark_quantile);
    if (!n.breakpoints.empty()) {
      i["breakpoints"] = Json::array();
      for (const auto& b : n.breakpoints) i["breakpoints"].push_back({number_json(b.x), number_json(b.s)});
    }
    if (n.method == Method::min_max || n.winsor_lower != 0.0 || n.winsor_upper != 1.0)
      i["winsorize"] = {number_json(n.winsor_lower), number_json(n.winsor_upper)};
    if (ind.transform != Transform::none) i["transform"] = enum_json(kTransforms, ind.transform);
    i["direction"] = enum_json(kDirections, ind.direction);
    i["zero_earns_zero"] = ind.zero_earns_zero;
    i["missing"] = enum_json(kMissing, ind.missing);
    if (!ind.weights.empty()) {
      Json w = Json::object();
      for (std::size_t s = 0; s < ind.weights.size() && s < stages.size(); ++s)
        w[stages[s].id] = number_json(ind.weights[s]);
      i["weights"] = w;
    }
    j["indicators"].push_back(i);
  }

  j["bonus"] = Json::array();
  for (const auto& b : bonus) {
    Json i = names_json(b);
    if (!b.qualification.empty()) i["qualification"] = b.qualification;
    if (!b.indicator.empty()) i["indicator"] = b.indicator;
    if (!b.indicator.empty() || b.per_unit != 0) i["per_unit"] = number_json(b.per_unit);
    i["points"] = number_json(b.points);
    j["bonus"].push_back(i);
  }
  j["negatives"] = Json::array();
  for (const auto& n : negatives) {
    Json i = names_json(n);
    i["action"] = enum_json(kActions, n.action);
    if (n.action == NegativeAction::deduct || n.points != 0) i["points"] = number_json(n.points);
    j["negatives"].push_back(i);
  }
  j["grades"] = Json::array();
  for (const auto& g : grades) j["grades"].push_back({{"id", g.id}, {"min", number_json(g.min_score)}});

  try {
    return j.dump(2) + "\n";
  } catch (const Json::exception& e) {
    throw Error(ErrorCode::invalid_argument, "model text is not valid UTF-8: " + parser_message(e));
  }
}

std::vector<ModelProblem> Model::problems() const {
  std::vector<ModelProblem> out;
  Validator(*this, nullptr, out).run();
  sort_problems(out);
  return out;
}

int Model::indicator_index(std::string_view wanted) const {
  for (std::size_t i = 0; i < indicators.size(); ++i)
    if (indicators[i].id == wanted) return static_cast<int>(i);
  return -1;
}

int Model::stage_index(std::string_view name) const {
  for (std::size_t i = 0; i < stages.size(); ++i)
    if (stages[i].id == name || stages[i].name_zh == name || stages[i].name_en == name) return static_cast<int>(i);
  // Spreadsheets capitalize English words at will ("Growth", "STABLE").
  for (std::size_t i = 0; i < stages.size(); ++i)
    if (ascii_iequal(stages[i].id, name) || (!stages[i].name_en.empty() && ascii_iequal(stages[i].name_en, name)))
      return static_cast<int>(i);
  return -1;
}

int Model::category_index(std::string_view wanted) const {
  for (std::size_t i = 0; i < categories.size(); ++i)
    if (categories[i].id == wanted) return static_cast<int>(i);
  return -1;
}

int Model::grade_of(double published_score) const {
  for (std::size_t i = 0; i < grades.size(); ++i)
    if (published_score >= grades[i].min_score) return static_cast<int>(i);
  // Below the last grade's min 0 (or NaN): the lowest grade, as a valid
  // model's last grade holds every non-negative score.
  return grades.empty() ? -1 : static_cast<int>(grades.size()) - 1;
}

const Model& default_model() {
  static const Model model = Model::from_json(embedded::model_torch_2022());
  return model;
}

std::string_view builtin_model_json(std::string_view id) {
  if (id == "torch-2022") return embedded::model_torch_2022();
  if (id == "torch-2025-trial") return embedded::model_torch_2025_trial();
  return {};
}

std::vector<std::string> builtin_model_ids() { return {"torch-2022", "torch-2025-trial"}; }

}  // namespace cxjf
