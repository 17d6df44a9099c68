// The overview's JSON layer: a request document in, an answer document out,
// for callers that pass documents through (the C ABI, the Java portal, the
// command line). It parses into the typed requests of overview.hpp and
// writes the typed answers; the index decides everything else. Request
// errors name the JSON pointer of the offending value.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "cxjf/overview.hpp"
#include "base/base64.hpp"
#include "base/utf8.hpp"

namespace cxjf {
namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

[[noreturn]] void bad(const std::string& path, const std::string& message) {
  throw QueryError(QueryErrorKind::bad_request, path, (path.empty() ? "" : path + ": ") + message);
}

// A JSON pointer token: '~' and '/' escaped (RFC 6901).
std::string token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

const char* type_name(const json& v) {
  return v.is_null() ? "null" : v.is_boolean() ? "a boolean" : v.is_number() ? "a number" : v.is_string() ? "a string"
                              : v.is_array()   ? "an array"
                                               : "an object";
}

void require_object(const json& v, const std::string& path, std::initializer_list<const char*> allowed) {
  if (!v.is_object()) bad(path, std::string("expected an object, found ") + type_name(v));
  for (auto it = v.begin(); it != v.end(); ++it) {
    bool known = false;
    for (const char* a : allowed) known |= it.key() == a;
    if (!known) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      bad(path + "/" + token(it.key()), "unknown member '" + it.key() + "'; expected " + (list.empty() ? "none" : list));
    }
  }
}

std::string get_string(const json& v, const std::string& path) {
  if (!v.is_string()) bad(path, std::string("expected a string, found ") + type_name(v));
  return v.get<std::string>();
}

double get_number(const json& v, const std::string& path) {
  if (!v.is_number()) bad(path, std::string("expected a number, found ") + type_name(v));
  return v.get<double>();
}

std::int64_t get_integer(const json& v, const std::string& path) {
  if (!v.is_number_integer()) bad(path, std::string("expected an integer, found ") + type_name(v));
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
    bad(path, "the integer " + v.dump() + " is out of range (数值超出范围)");
  return v.get<std::int64_t>();
}

bool get_bool(const json& v, const std::string& path) {
  if (!v.is_boolean()) bad(path, std::string("expected true or false, found ") + type_name(v));
  return v.get<bool>();
}

std::vector<std::string> get_strings(const json& v, const std::string& path) {
  if (!v.is_array()) bad(path, std::string("expected an array of strings, found ") + type_name(v));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(get_string(v[i], path + "/" + std::to_string(i)));
  return out;
}

// Region codes as "440300" or 440300.
std::int32_t get_region(const json& v, const std::string& path) {
  std::string text = v.is_number_integer() ? std::to_string(v.get<std::int64_t>()) : get_string(v, path);
  if (text.size() != 6 || text.find_first_not_of("0123456789") != std::string::npos)
    bad(path, "'" + text + "' is not a region code (six digits, e.g. \"440300\")");
  return std::stoi(text);
}

template <class E, std::size_t N>
E get_enum(const json& v, const std::string& path, const std::array<std::pair<const char*, E>, N>& names) {
  std::string text = get_string(v, path);
  std::string list;
  for (const auto& [name, value] : names) {
    if (text == name) return value;
    list += (list.empty() ? "" : ", ") + std::string(name);
  }
  bad(path, "'" + text + "' is not one of " + list);
}

constexpr std::array<std::pair<const char*, Facet>, 8> facet_names = {{{"tech_field", Facet::tech_field},
                                                                       {"qualification", Facet::qualification},
                                                                       {"industry", Facet::industry},
                                                                       {"grade", Facet::grade},
                                                                       {"stage", Facet::stage},
                                                                       {"province", Facet::province},
                                                                       {"zone", Facet::zone},
                                                                       {"score", Facet::score}}};
constexpr std::array<std::pair<const char*, SortKey>, 3> sort_names = {
    {{"score", SortKey::score}, {"name", SortKey::name}, {"region", SortKey::region}}};
constexpr std::array<std::pair<const char*, RankingDimension>, 2> dimension_names = {
    {{"region", RankingDimension::region}, {"zone", RankingDimension::zone}}};
constexpr std::array<std::pair<const char*, NodeOrder>, 5> order_names = {{{"count", NodeOrder::count},
                                                                           {"mean", NodeOrder::mean},
                                                                           {"median", NodeOrder::median},
                                                                           {"max", NodeOrder::max},
                                                                           {"key", NodeOrder::key}}};
constexpr std::array<std::pair<const char*, ExportFormat>, 3> format_names = {
    {{"csv", ExportFormat::csv}, {"json", ExportFormat::json}, {"xlsx", ExportFormat::xlsx}}};

const char* sort_name(SortKey sort) {
  for (const auto& [name, value] : sort_names)
    if (value == sort) return name;
  return "";
}

Principal read_principal(const json& v) {
  require_object(v, "/principal", {"role", "code", "can_export"});
  if (!v.contains("role")) bad("/principal/role", "missing: give the role (torch_center, province, city, county, zone, incubator, enterprise or public)");
  Principal p;
  try {
    p.role = role_from_name(get_string(v["role"], "/principal/role"));
  } catch (const QueryError&) {
    throw;
  } catch (const Error& e) {
    bad("/principal/role", e.what());
  }
  if (v.contains("code")) p.code = v["code"].is_number_integer() ? std::to_string(v["code"].get<std::int64_t>())
                                                                 : get_string(v["code"], "/principal/code");
  if (v.contains("can_export")) p.can_export = get_bool(v["can_export"], "/principal/can_export");
  return p;
}

Filters read_filters(const json& v) {
  require_object(v, "/filters", {"regions", "zones", "incubators", "tech_fields", "industries", "stages", "grades",
                                 "qualifications", "score", "name_contains"});
  Filters f;
  if (v.contains("regions")) {
    const json& r = v["regions"];
    if (!r.is_array()) bad("/filters/regions", std::string("expected an array of region codes, found ") + type_name(r));
    for (std::size_t i = 0; i < r.size(); ++i) f.regions.push_back(get_region(r[i], "/filters/regions/" + std::to_string(i)));
  }
  auto strings = [&](const char* member, std::vector<std::string>& into) {
    if (v.contains(member)) into = get_strings(v[member], std::string("/filters/") + member);
  };
  strings("zones", f.zones);
  strings("incubators", f.incubators);
  strings("tech_fields", f.tech_fields);
  strings("industries", f.industries);
  strings("stages", f.stages);
  strings("grades", f.grades);
  strings("qualifications", f.qualifications);
  if (v.contains("score")) {
    const json& s = v["score"];
    require_object(s, "/filters/score", {"min", "max"});
    if (s.contains("min") && !s["min"].is_null()) f.min_score = get_number(s["min"], "/filters/score/min");
    if (s.contains("max") && !s["max"].is_null()) f.max_score = get_number(s["max"], "/filters/score/max");
  }
  if (v.contains("name_contains")) f.name_contains = get_string(v["name_contains"], "/filters/name_contains");
  return f;
}

ListRequest read_list(const json& v, bool paged) {
  ListRequest l;
  if (paged) require_object(v, "/list", {"sort", "descending", "page", "page_size"});
  else require_object(v, "/list", {"sort", "descending"});  // an export is the whole list
  if (v.contains("sort")) l.sort = get_enum(v["sort"], "/list/sort", sort_names);
  if (v.contains("descending")) l.descending = get_bool(v["descending"], "/list/descending");
  if (v.contains("page")) l.page = get_integer(v["page"], "/list/page");
  if (v.contains("page_size")) l.page_size = get_integer(v["page_size"], "/list/page_size");
  return l;
}

RankingRequest read_ranking(const json& v, bool is_public) {
  require_object(v, "/ranking", {"by", "parent", "top", "order_by"});
  RankingRequest r;
  if (is_public) r.top = 0;  // the public's default: aggregates only
  if (v.contains("by")) r.by = get_enum(v["by"], "/ranking/by", dimension_names);
  if (v.contains("parent")) {
    const json& p = v["parent"];
    r.parent = p.is_number_integer() ? std::to_string(p.get<std::int64_t>()) : get_string(p, "/ranking/parent");
  }
  if (v.contains("top")) {
    std::int64_t top = get_integer(v["top"], "/ranking/top");
    if (top < 0 || top > 100) bad("/ranking/top", "must be 0 to 100");
    r.top = static_cast<int>(top);
  }
  if (v.contains("order_by")) r.order_by = get_enum(v["order_by"], "/ranking/order_by", order_names);
  return r;
}

HistogramSpec read_histogram(const json& v) {
  require_object(v, "/histogram", {"width", "edges"});
  HistogramSpec h;
  if (v.contains("width") && v.contains("edges")) bad("/histogram", "give width or edges, not both");
  if (v.contains("width")) h.width = get_number(v["width"], "/histogram/width");
  if (v.contains("edges")) {
    const json& e = v["edges"];
    if (!e.is_array()) bad("/histogram/edges", std::string("expected an array of numbers, found ") + type_name(e));
    for (std::size_t i = 0; i < e.size(); ++i) h.edges.push_back(get_number(e[i], "/histogram/edges/" + std::to_string(i)));
  }
  return h;
}

// Means carry two digits more than the published scores; shares six.
double rounded(double x, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(x * f) / f;
}

// Answers are written straight into a string, indented like
// nlohmann::json::dump(2): a national overview holds a few thousand values,
// and building a DOM for them costs several times the query itself.
class Out {
 public:
  std::string text;

  Out& begin_object() { return open('{'); }
  Out& end_object() { return close('}'); }
  Out& begin_array() { return open('['); }
  Out& end_array() { return close(']'); }
  // The member name of the next value.
  Out& key(std::string_view name) {
    separate();
    quote(name);
    text += ": ";
    after_key_ = true;
    return *this;
  }
  Out& str(std::string_view v) {
    separate();
    quote(v);
    return *this;
  }
  Out& str_or_null(std::string_view v) { return v.empty() ? null() : str(v); }
  Out& integer(std::int64_t v) {
    separate();
    text += std::to_string(v);
    return *this;
  }
  Out& number(double v) {
    separate();
    if (!std::isfinite(v)) {
      text += "null";
      return *this;
    }
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    std::string_view digits(buf, static_cast<std::size_t>(end - buf));
    text += digits;
    if (digits.find_first_of(".e") == std::string_view::npos) text += ".0";  // keep it a float, as nlohmann does
    return *this;
  }
  Out& boolean(bool v) {
    separate();
    text += v ? "true" : "false";
    return *this;
  }
  Out& null() {
    separate();
    text += "null";
    return *this;
  }
  Out& strings(const std::vector<std::string>& values) {
    begin_array();
    for (const auto& v : values) str(v);
    return end_array();
  }
  // A document built elsewhere (the ledger), re-indented to fit.
  Out& value(const ojson& v) {
    if (v.is_object()) {
      begin_object();
      for (auto it = v.begin(); it != v.end(); ++it) key(it.key()).value(it.value());
      return end_object();
    }
    if (v.is_array()) {
      begin_array();
      for (const auto& e : v) value(e);
      return end_array();
    }
    if (v.is_string()) return str(v.get_ref<const std::string&>());
    if (v.is_boolean()) return boolean(v.get<bool>());
    if (v.is_number_integer()) return integer(v.get<std::int64_t>());
    if (v.is_number()) return number(v.get<double>());
    return null();
  }

 private:
  std::vector<bool> empty_;  // per open container: nothing written yet
  bool after_key_ = false;

  void newline() {
    text += '\n';
    text.append(2 * empty_.size(), ' ');
  }
  // Before a key or a value: a comma after a sibling, a new line in a container.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (empty_.empty()) return;
    if (!empty_.back()) text += ',';
    empty_.back() = false;
    newline();
  }
  Out& open(char c) {
    separate();
    text += c;
    empty_.push_back(true);
    return *this;
  }
  Out& close(char c) {
    const bool was_empty = empty_.back();
    empty_.pop_back();
    if (!was_empty) newline();
    text += c;
    return *this;
  }
  void quote(std::string_view v) {
    text += '"';
    for (char ch : v) {
      const auto c = static_cast<unsigned char>(ch);
      switch (ch) {
        case '"': text += "\\\""; break;
        case '\\': text += "\\\\"; break;
        case '\b': text += "\\b"; break;
        case '\f': text += "\\f"; break;
        case '\n': text += "\\n"; break;
        case '\r': text += "\\r"; break;
        case '\t': text += "\\t"; break;
        default:
          if (c < 0x20) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", c);
            text += esc;
          } else {
            text += ch;
          }
      }
    }
    text += '"';
  }
};

std::string six_digits(std::int32_t code) {
  std::string region = std::to_string(code);
  return std::string(region.size() < 6 ? 6 - region.size() : 0, '0') + region;
}

// The members of a list item (an object the caller opened).
void item_members(Out& o, const ListedEnterprise& e) {
  o.key("credit_code").str(e.credit_code);
  o.key("name").str(e.name);
  o.key("region").str(six_digits(e.region));
  o.key("region_name").str(e.region_name);
  o.key("zone").str_or_null(e.zone);
  o.key("industry").str_or_null(e.industry);
  o.key("stage").str(e.stage);
  o.key("score").str(e.score);
  o.key("grade").str(e.grade);
}

void item(Out& o, const ListedEnterprise& e) {
  o.begin_object();
  item_members(o, e);
  o.key("rank").integer(e.rank);
  o.end_object();
}

struct Writer {
  int decimals = 2;
  double mean(double x) const { return rounded(x, decimals + 2); }
  static double share(std::int64_t count, std::int64_t total) {
    return total ? rounded(static_cast<double>(count) / static_cast<double>(total), 6) : 0.0;
  }

  // A count the public's disclosure rule withholds is null, as its share.
  static void count(Out& o, std::int64_t n, bool withheld) {
    o.key("count");
    if (withheld) o.null();
    else o.integer(n);
  }
  static void share(Out& o, std::int64_t n, std::int64_t total, bool withheld) {
    o.key("share");
    if (withheld) o.null();
    else o.number(share(n, total));
  }

  void node(Out& o, const RankingNode& n) const {
    o.begin_object();
    o.key("key").str(n.key);
    o.key("label").str(n.label);
    o.key("level").str(rank_level_name(n.level));
    if (n.direct) o.key("direct").boolean(true);
    count(o, n.count, n.withheld);
    o.key("mean").number(mean(n.mean));
    o.key("median").number(rounded(n.median, decimals + 1));
    o.key("max").number(rounded(n.max, decimals));
    if (n.withheld) o.key("withheld").boolean(true);
    o.key("top").begin_array();
    for (const auto& e : n.top) item(o, e);
    o.end_array();
    o.end_object();
  }

  // The members of an overview answer (in an object the caller opened).
  void overview(Out& o, const OverviewAnswer& a) const {
    o.key("total").integer(a.total);
    if (!a.facets.empty() || a.histogram) {
      o.key("facets").begin_object();
      for (const FacetCounts& f : a.facets) {
        o.key(facet_name(f.facet)).begin_object();
        o.key("total").integer(f.total);
        o.key("buckets").begin_array();
        for (const FacetBucket& b : f.buckets) {
          o.begin_object();
          o.key("value").str(b.value);
          o.key("label").str(b.label);
          count(o, b.count, b.withheld);
          share(o, b.count, f.total, b.withheld);
          o.key("mean").number(mean(b.mean));
          o.key("selected").boolean(b.selected);
          if (b.withheld) o.key("withheld").boolean(true);
          o.end_object();
        }
        o.end_array();
        o.end_object();
      }
      if (a.histogram) {
        o.key("score").begin_object();
        o.key("total").integer(a.histogram->total);
        o.key("bins").begin_array();
        for (const HistogramBin& b : a.histogram->bins) {
          o.begin_object();
          o.key("min").number(b.min);
          o.key("max").number(b.max);
          count(o, b.count, b.withheld);
          o.key("mean").number(mean(b.mean));
          if (b.withheld) o.key("withheld").boolean(true);
          o.end_object();
        }
        o.end_array();
        o.end_object();
      }
      o.end_object();
    }
    for (const FacetCounts& f : a.facets)
      if (f.facet == Facet::qualification) {
        // The landing page's 企业资质覆盖情况: the share of enterprises holding each.
        o.key("qualification_coverage").begin_array();
        for (const FacetBucket& b : f.buckets) {
          o.begin_object();
          o.key("value").str(b.value);
          count(o, b.count, b.withheld);
          share(o, b.count, f.total, b.withheld);
          if (b.withheld) o.key("withheld").boolean(true);
          o.end_object();
        }
        o.end_array();
      }
    if (a.ranking) {
      o.key("ranking").begin_object();
      o.key("by").str(a.ranking->by == RankingDimension::region ? "region" : "zone");
      o.key("parent");
      node(o, a.ranking->parent);
      o.key("nodes").begin_array();
      for (const RankingNode& n : a.ranking->nodes) node(o, n);
      o.end_array();
      o.end_object();
    }
    if (a.list) {
      const ListPage& l = *a.list;
      o.key("list").begin_object();
      o.key("total").integer(l.total);
      o.key("threshold");
      if (l.threshold) o.number(*l.threshold);
      else o.null();
      o.key("page").integer(l.page);
      o.key("page_size").integer(l.page_size);
      o.key("sort").str(sort_name(l.sort));
      o.key("descending").boolean(l.descending);
      o.key("rank_level").str(rank_level_name(l.rank_level));
      o.key("items").begin_array();
      for (const auto& e : l.items) item(o, e);
      o.end_array();
      o.end_object();
    }
  }
};

std::string date_text(std::int32_t yyyymmdd) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", yyyymmdd / 10000, yyyymmdd / 100 % 100, yyyymmdd % 100);
  return buf;
}

void detail(Out& o, const OverviewIndex& index, const EnterpriseDetail& d) {
  o.key("enterprise").begin_object();
  item_members(o, d.basics);
  o.key("incubator").str_or_null(d.incubator);
  o.key("industry_name").str_or_null(d.industry_name);
  o.key("tech_fields").strings(d.tech_fields);
  o.key("qualifications").strings(d.qualifications);
  o.key("founded");
  if (d.founded) o.str(date_text(d.founded));
  else o.null();
  o.end_object();
  o.key("ranks").begin_array();
  for (const EnterpriseRank& r : d.ranks) {
    o.begin_object();
    o.key("level").str(rank_level_name(r.level));
    o.key("unit").str(r.unit);
    o.key("label").str(r.label);
    o.key("rank").integer(r.rank);
    o.key("of").integer(r.of);
    o.end_object();
  }
  o.end_array();
  const Snapshot& s = index.snapshot();
  if (d.ledger) o.key("ledger").value(ojson::parse(d.ledger->to_json(s.model, s.reference, s.table)));
  if (d.reasons) o.key("reasons").value(ojson::parse(reasons_json(s.model, *d.reasons)));
  if (d.path) o.key("path").value(ojson::parse(path_json(s.model, *d.path)));
}

// {"values": {"id": number | null}, "add_qualifications": [...],
//  "remove_qualifications": [...], "clear_negatives": [...]}
Changes read_changes(const json& v) {
  require_object(v, "/changes", {"values", "add_qualifications", "remove_qualifications", "clear_negatives"});
  Changes c;
  if (v.contains("values")) {
    if (!v["values"].is_object())
      bad("/changes/values", std::string("expected an object of indicator ids and values, found ") + type_name(v["values"]));
    for (auto it = v["values"].begin(); it != v["values"].end(); ++it) {
      const std::string path = "/changes/values/" + token(it.key());
      c.values.emplace_back(it.key(), it->is_null() ? std::nan("") : get_number(*it, path));
    }
  }
  if (v.contains("add_qualifications")) c.add_qualifications = get_strings(v["add_qualifications"], "/changes/add_qualifications");
  if (v.contains("remove_qualifications"))
    c.remove_qualifications = get_strings(v["remove_qualifications"], "/changes/remove_qualifications");
  if (v.contains("clear_negatives")) c.clear_negatives = get_strings(v["clear_negatives"], "/changes/clear_negatives");
  return c;
}

constexpr std::array<std::pair<const char*, RankLevel>, 5> target_levels{{{"national", RankLevel::national},
                                                                          {"province", RankLevel::province},
                                                                          {"city", RankLevel::city},
                                                                          {"county", RankLevel::county},
                                                                          {"zone", RankLevel::zone}}};

// {"score": 70} | {"grade": "A"} | {"rank": {"level": "province", "top": 100}}
Target read_target(const json& v) {
  require_object(v, "/target", {"score", "grade", "rank"});
  if (v.size() != 1) bad("/target", "give exactly one of score, grade or rank (目标须为分值、等级或名次之一)");
  Target t;
  if (v.contains("score")) {
    t.score = get_number(v["score"], "/target/score");
    if (t.score < 0) bad("/target/score", "a target score is 0 or more (目标分值不能为负)");
  } else if (v.contains("grade")) {
    t.kind = Target::Kind::grade;
    t.grade = get_string(v["grade"], "/target/grade");
  } else {
    t.kind = Target::Kind::rank;
    const json& r = v["rank"];
    require_object(r, "/target/rank", {"level", "top"});
    if (!r.contains("top")) bad("/target/rank/top", "missing: the K of top K (缺少名次)");
    const std::int64_t top = get_integer(r["top"], "/target/rank/top");
    if (top < 1 || top > std::numeric_limits<std::int32_t>::max()) bad("/target/rank/top", "top K is 1 or more (名次须为正整数)");
    t.top = static_cast<std::int32_t>(top);
    if (r.contains("level")) t.level = get_enum(r["level"], "/target/rank/level", target_levels);
  }
  return t;
}


std::string error_answer(const char* code, const std::string& message, const std::string& path) {
  Out o;
  o.begin_object().key("error").begin_object();
  o.key("code").str(code);
  o.key("message").str(detail::printable_utf8(message));
  o.key("path").str(path);  // "" is the whole request
  o.end_object().end_object();
  return std::move(o.text);
}

// The checks of parse_request, as a SAX pass ahead of the parse proper:
// SAX events carry what a parsed value no longer has (a number's literal
// text, the member being read), so every refusal names its JSON pointer.
class RequestChecker final : public json::json_sax_t {
 public:
  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t v, const string_t& literal) override {
    // nlohmann reads an integer beyond 64 bits as a double: refuse it
    // rather than round it. A literal that underflows to 0 is refused too.
    if (literal.find_first_of(".eE") == std::string::npos)
      bad(path(), "the integer " + literal + " is beyond 64 bits (整数超出64位)");
    if (v == 0 && literal.find_first_of("123456789") < literal.find_first_of("eE"))
      bad(path(), "the number " + literal + " is too small for a double (数值过小，超出范围)");
    return value();
  }
  bool string(string_t& s) override {
    no_nul(s);
    return value();
  }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(false); }
  bool key(string_t& k) override {
    no_nul(k);
    Frame& f = frames_.back();
    f.key = k;
    if (!f.keys.insert(k).second) bad(path(), "member '" + k + "' is repeated; each member may appear once (成员重复)");
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(true); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    if (e.id == 406) bad(path(), std::string("a number is out of range (数值超出范围): ") + e.what());
    bad(path(), std::string("the request is not valid JSON (请求不是有效的 JSON): ") + e.what());
  }

 private:
  struct Frame {
    bool array = false;
    std::int64_t done = 0;  // elements of an array read so far
    std::string key;        // the member being read, in an object
    std::unordered_set<std::string> keys;
  };
  std::vector<Frame> frames_;

  std::string path() const {
    std::string out;
    for (const Frame& f : frames_) out += "/" + (f.array ? std::to_string(f.done) : token(f.key));
    return out;
  }
  bool value() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().done;
    return true;
  }
  bool open(bool array) {
    if (frames_.size() >= request_limits.max_depth)
      bad(path(), "the request nests deeper than " + std::to_string(request_limits.max_depth) + " levels (请求嵌套过深)");
    frames_.push_back(Frame{array, 0, {}, {}});
    return true;
  }
  bool close() {
    frames_.pop_back();
    return value();
  }
  void no_nul(const std::string& s) const {
    if (s.find('\0') != std::string::npos) bad(path(), "a string holds the character U+0000 (字符串含空字符)");
  }
};

// Parses a request strictly: valid UTF-8 with no NUL byte, no member
// repeated in any object (a portal that appends user text after the
// principal must not let a second "principal" or "role" win), bounded size
// and depth, numbers within a double's range written as they will be read.
// Every refusal names the JSON pointer where it happened.
json parse_request(std::string_view text) {
  if (text.size() > request_limits.max_bytes)
    bad("", "the request has " + std::to_string(text.size()) + " bytes, more than the limit of " +
                std::to_string(request_limits.max_bytes) + " (请求过大)");
  if (const std::size_t at = detail::invalid_utf8(text); at != std::string_view::npos)
    bad("", "the request is not valid UTF-8 at byte " + std::to_string(at) + " (请求不是有效的 UTF-8)");
  if (const std::size_t at = text.find('\0'); at != std::string_view::npos)
    bad("", "the request holds a NUL byte at byte " + std::to_string(at) + " (请求含空字节)");
  RequestChecker checker;
  json::sax_parse(text.begin(), text.end(), &checker);
  return json::parse(text.begin(), text.end());
}

std::string answer(const OverviewIndex& index, std::string_view text) {
  json doc = parse_request(text);
  require_object(doc, "", {"principal", "kind", "filters", "facets", "histogram", "ranking", "list", "credit_code", "format",
                           "changes", "target", "fixed", "caps"});
  if (!doc.contains("principal")) bad("/principal", "missing: every query names its principal (role, code, can_export)");
  const Principal principal = read_principal(doc["principal"]);
  if (!doc.contains("kind")) bad("/kind", "missing: give overview, list, ranking, export, detail, whatif or path");
  const std::string kind = get_string(doc["kind"], "/kind");
  auto only = [&](std::initializer_list<const char*> allowed) {
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      bool ok = it.key() == "principal" || it.key() == "kind";
      for (const char* a : allowed) ok |= it.key() == a;
      if (!ok) bad("/" + token(it.key()), "'" + it.key() + "' does not apply to kind '" + kind + "'");
    }
  };
  const bool is_public = principal.role == Role::public_user;
  const Filters filters = doc.contains("filters") ? read_filters(doc["filters"]) : Filters{};
  // Everything is read and checked before the answer is begun.
  enum class Kind { overview, export_, detail, what_if, path } shape = Kind::overview;
  Changes changes;
  Target target;
  PathOptions path_options;
  OverviewRequest request;
  ListRequest sort;
  ExportFormat format = ExportFormat::csv;
  std::string credit_code;
  if (kind == "overview" || kind == "list" || kind == "ranking") {
    request.filters = filters;
    if (kind == "overview") {
      only({"filters", "facets", "histogram", "ranking", "list"});
      if (doc.contains("facets")) {
        request.facets.clear();
        const json& f = doc["facets"];
        if (!f.is_array()) bad("/facets", std::string("expected an array of facet names, found ") + type_name(f));
        for (std::size_t i = 0; i < f.size(); ++i) request.facets.push_back(get_enum(f[i], "/facets/" + std::to_string(i), facet_names));
      }
      if (doc.contains("histogram")) request.histogram = read_histogram(doc["histogram"]);
      // A ranking and a first page by default; null leaves either out. The
      // public's overview has no list.
      if (!doc.contains("ranking")) request.ranking = read_ranking(json::object(), is_public);
      else if (!doc["ranking"].is_null()) request.ranking = read_ranking(doc["ranking"], is_public);
      if (!doc.contains("list")) {
        if (!is_public) request.list = ListRequest{};
      } else if (!doc["list"].is_null()) {
        request.list = read_list(doc["list"], true);
      }
    } else if (kind == "list") {
      only({"filters", "list"});
      request.facets.clear();
      request.list = doc.contains("list") ? read_list(doc["list"], true) : ListRequest{};
    } else {
      only({"filters", "ranking"});
      request.facets.clear();
      request.ranking = read_ranking(doc.contains("ranking") ? doc["ranking"] : json::object(), is_public);
    }
  } else if (kind == "export") {
    only({"filters", "list", "format"});
    shape = Kind::export_;
    if (doc.contains("list")) sort = read_list(doc["list"], false);
    if (doc.contains("format")) format = get_enum(doc["format"], "/format", format_names);
  } else if (kind == "detail") {
    only({"credit_code"});
    shape = Kind::detail;
    if (!doc.contains("credit_code")) bad("/credit_code", "missing: give the enterprise's credit code");
    credit_code = get_string(doc["credit_code"], "/credit_code");
  } else if (kind == "whatif" || kind == "path") {
    const bool what_if = kind == "whatif";
    if (what_if) only({"credit_code", "changes"});
    else only({"credit_code", "target", "fixed", "caps"});
    shape = what_if ? Kind::what_if : Kind::path;
    if (!doc.contains("credit_code")) bad("/credit_code", "missing: give the enterprise's credit code");
    credit_code = get_string(doc["credit_code"], "/credit_code");
    if (what_if) {
      if (!doc.contains("changes")) bad("/changes", "missing: give the changes (values, qualifications, flags)");
      changes = read_changes(doc["changes"]);
    } else {
      if (doc.contains("target")) target = read_target(doc["target"]);
      if (doc.contains("fixed")) path_options.fixed = get_strings(doc["fixed"], "/fixed");
      if (doc.contains("caps")) {
        if (!doc["caps"].is_object())
          bad("/caps", std::string("expected an object of indicator ids and caps, found ") + type_name(doc["caps"]));
        for (auto it = doc["caps"].begin(); it != doc["caps"].end(); ++it)
          path_options.caps.emplace_back(it.key(), get_number(*it, "/caps/" + token(it.key())));
      }
    }
  } else {
    bad("/kind", "'" + kind + "' is not a kind; use overview, list, ranking, export, detail, whatif or path");
  }

  Out o;
  auto head = [&] {
    o.begin_object();
    o.key("kind").str(kind);
    o.key("principal").str(principal.label());
    o.key("model_id").str(index.snapshot().model.id);
  };
  switch (shape) {
    case Kind::overview: {
      const OverviewAnswer a = index.query(principal, request);
      head();
      Writer{index.snapshot().model.scale.decimals}.overview(o, a);
      break;
    }
    case Kind::export_: {
      ExportFile file = index.export_list(principal, filters, sort, format);
      const char* name = format == ExportFormat::csv ? "csv" : format == ExportFormat::json ? "json" : "xlsx";
      head();
      o.key("format").str(name);
      o.key("rows").integer(file.rows);
      o.key("filename").str(std::string("enterprises.") + name);
      o.key("media_type").str(format == ExportFormat::csv    ? "text/csv; charset=utf-8"
                              : format == ExportFormat::json ? "application/json"
                                  : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      if (format == ExportFormat::xlsx) {
        // A JSON string holds text: the workbook's bytes travel in base64.
        o.key("content_encoding").str("base64");
        o.key("content").str(detail::base64_encode(file.content));
      } else {
        o.key("content").str(file.content);
      }
      break;
    }
    case Kind::detail: {
      const EnterpriseDetail d = index.detail(principal, credit_code);
      head();
      detail(o, index, d);
      break;
    }
    case Kind::what_if: {
      const WhatIf w = index.what_if(principal, credit_code, changes);
      head();
      const ojson doc = ojson::parse(what_if_json(index.snapshot(), index.snapshot().table, w));
      for (auto it = doc.begin(); it != doc.end(); ++it) o.key(it.key()).value(*it);
      break;
    }
    case Kind::path: {
      const Path p = index.path(principal, credit_code, target, path_options);
      head();
      const ojson doc = ojson::parse(path_json(index.snapshot().model, p));
      for (auto it = doc.begin(); it != doc.end(); ++it) o.key(it.key()).value(*it);
      break;
    }
  }
  o.end_object();
  return std::move(o.text);
}

}  // namespace

std::string to_json(const ListedEnterprise& e) {
  Out o;
  item(o, e);
  return std::move(o.text);
}

std::string query_json(const OverviewIndex& index, std::string_view request_json, bool& refused) {
  refused = true;
  try {
    std::string out = answer(index, request_json);
    refused = false;
    return out;
  } catch (const QueryError& e) {
    return error_answer(query_error_kind_name(e.kind()), e.what(), e.path());
  } catch (const Error& e) {
    const char* code = e.code() == ErrorCode::not_found          ? "not_found"
                       : e.code() == ErrorCode::invalid_argument ? "bad_request"
                                                                 : "internal";
    return error_answer(code, e.what(), "");
  } catch (const std::exception& e) {
    return error_answer("internal", std::string("internal error: ") + e.what(), "");
  }
}

std::string query_json(const OverviewIndex& index, std::string_view request_json) {
  bool refused = false;
  return query_json(index, request_json, refused);
}

}  // namespace cxjf
