// Reading request documents (overview_request.hpp): the typed requests of
// overview.hpp from JSON, every refusal naming the JSON pointer of the
// offending value.
#include "overview/overview_request.hpp"

#include <charconv>
#include <cmath>
#include <unordered_set>

#include "base/utf8.hpp"

namespace cxjf::detail::request {

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

}  // namespace cxjf::detail::request
