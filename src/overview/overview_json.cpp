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
#include "overview/overview_request.hpp"

namespace cxjf {
namespace {

using namespace detail::request;  // the request's readers and their refusals
using ojson = nlohmann::ordered_json;

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

std::string error_answer(const char* code, const std::string& message, const std::string& path) {
  Out o;
  o.begin_object().key("error").begin_object();
  o.key("code").str(code);
  o.key("message").str(detail::printable_utf8(message));
  o.key("path").str(path);  // "" is the whole request
  o.end_object().end_object();
  return std::move(o.text);
}


// An export's sort and format (its filters are read with every kind's).
void read_export(const json& doc, ListRequest& sort, ExportFormat& format) {
  if (doc.contains("list")) sort = read_list(doc["list"], false);
  if (doc.contains("format")) format = get_enum(doc["format"], "/format", format_names);
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
    read_export(doc, sort, format);
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
      head();
      o.key("format").str(export_format_name(format));
      o.key("rows").integer(file.rows);
      o.key("filename").str(export_file_name(format));
      o.key("media_type").str(export_media_type(format));
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

const char* export_format_name(ExportFormat format) {
  return format == ExportFormat::csv ? "csv" : format == ExportFormat::json ? "json" : "xlsx";
}

std::string export_file_name(ExportFormat format) { return std::string("enterprises.") + export_format_name(format); }

const char* export_media_type(ExportFormat format) {
  return format == ExportFormat::csv    ? "text/csv; charset=utf-8"
         : format == ExportFormat::json ? "application/json"
                                        : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

ExportStream export_document(const OverviewIndex& index, std::string_view request_json) {
  const json doc = parse_request(request_json);
  require_object(doc, "", {"principal", "kind", "filters", "list", "format"});
  if (!doc.contains("principal")) bad("/principal", "missing: every query names its principal (role, code, can_export)");
  const Principal principal = read_principal(doc["principal"]);
  if (!doc.contains("kind") || get_string(doc["kind"], "/kind") != "export")
    bad("/kind", "an export document has kind \"export\"");
  const Filters filters = doc.contains("filters") ? read_filters(doc["filters"]) : Filters{};
  ListRequest sort;
  ExportFormat format = ExportFormat::csv;
  read_export(doc, sort, format);
  return index.export_stream(principal, filters, sort, format);
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
