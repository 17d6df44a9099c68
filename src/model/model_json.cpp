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
#include "model/model_detail.hpp"
#include "table/csv_text.hpp"
#include "base/embedded.hpp"
#include "scoring/exact.hpp"

namespace cxjf {
namespace {

using namespace model_detail;

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
  validate(model, &reader.damage, problems);
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

}  // namespace cxjf
