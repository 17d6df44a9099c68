// The population analyses of the C ABI (cxjf.h, "Population analyses"):
// compare, distribution, rank bands and sensitivity as JSON documents, each
// for a principal named in the request. They read every enterprise of a
// snapshot, so only the Torch Center may ask: a region's share of them would
// need its own scoping rules (whose ranks, which movers), not a filter on
// national answers.
#include <limits>

#include "abi.hpp"

using namespace cxjf_c;

namespace {

// A request document: an object, its members checked against those the
// function knows, its principal the Torch Center.
class Request {
 public:
  Request(const char* text, const char* function, std::initializer_list<const char*> members) : function_(function) {
    require(text, function, "request_json");
    doc_ = json::parse(text, nullptr, false);
    if (doc_.is_discarded() || !doc_.is_object())
      fail(CXJF_INVALID_ARGUMENT, std::string(function) + ": the request is not a JSON object (请求须为 JSON 对象)");
    for (const auto& item : doc_.items()) {
      bool known = item.key() == "principal";
      for (const char* m : members) known = known || item.key() == m;
      if (!known) {
        std::string list = "principal";
        for (const char* m : members) list += std::string(", ") + m;
        fail(CXJF_INVALID_ARGUMENT, "/" + item.key() + ": " + function + ": unknown member (one of " + list +
                                        ") (未知字段)");
      }
    }
    check_principal();
  }

  // A whole number in [lo, hi], or `fallback` when absent.
  std::int64_t integer(const char* member, std::int64_t fallback, std::int64_t lo, std::int64_t hi) const {
    auto it = doc_.find(member);
    if (it == doc_.end()) return fallback;
    if (!it->is_number_integer() || (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(hi)) ||
        it->get<std::int64_t>() < lo || it->get<std::int64_t>() > hi)
      bad(member, "must be a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "] (须为范围内的整数)");
    return it->get<std::int64_t>();
  }

  // A finite number, or `fallback` when absent (the core checks its range).
  double number(const char* member, double fallback) const {
    auto it = doc_.find(member);
    if (it == doc_.end()) return fallback;
    if (!it->is_number()) bad(member, "must be a number (须为数字)");
    return it->get<double>();
  }

  // A string, or `fallback` when absent.
  std::string text(const char* member, const char* fallback) const {
    auto it = doc_.find(member);
    if (it == doc_.end()) return fallback;
    if (!it->is_string()) bad(member, "must be a string (须为字符串)");
    return it->get<std::string>();
  }

  // An array of strings joined by commas, as the command line writes them.
  std::string list(const char* member) const {
    auto it = doc_.find(member);
    if (it == doc_.end()) return {};
    if (!it->is_array()) bad(member, "must be an array of names (须为名称数组)");
    std::string out;
    for (const auto& v : *it) {
      if (!v.is_string() || v.get_ref<const std::string&>().empty() ||
          v.get_ref<const std::string&>().find(',') != std::string::npos)
        bad(member, "must be an array of names (须为名称数组)");
      out += (out.empty() ? "" : ",") + v.get<std::string>();
    }
    return out;
  }

 private:
  [[noreturn]] void bad(const char* member, const std::string& what) const {
    fail(CXJF_INVALID_ARGUMENT, "/" + std::string(member) + ": " + function_ + ": " + what);
  }

  void check_principal() const {
    auto it = doc_.find("principal");
    if (it == doc_.end() || !it->is_object() || !it->contains("role") || !(*it)["role"].is_string())
      fail(CXJF_INVALID_ARGUMENT, "/principal: " + std::string(function_) +
                                      ": the request needs \"principal\": {\"role\": ...} (请求须注明用户)");
    const std::string role = (*it)["role"].get<std::string>();
    cxjf::role_from_name(role);  // an unknown role is a bad request, not a forbidden one
    if (role != "torch_center")
      fail(CXJF_FORBIDDEN, "/principal/role: " + std::string(function_) + ": the population analyses are for the "
                               "torch_center role, not " + role + " (全国分析仅限火炬中心)");
  }

  json doc_;
  const char* function_;
};

cxjf::UncertaintyOptions uncertainty_options(const Request& r) {
  cxjf::UncertaintyOptions o;
  o.draws = r.integer("draws", o.draws, 1, 1000000);
  o.first_draw = r.integer("first_draw", 0, 0, std::numeric_limits<std::int64_t>::max());
  o.seed = static_cast<std::uint64_t>(r.integer("seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  o.spread = r.number("spread", o.spread);
  o.concentration = r.number("concentration", 0);
  o.ties = cxjf::parse_ties(r.list("ties"));
  o.missing = cxjf::parse_missing_policies(r.list("missing"));
  o.threads = static_cast<unsigned>(r.integer("threads", 0, 0, 1024));
  return o;
}

cxjf::CompareOptions compare_options(const Request& r) {
  cxjf::CompareOptions o;
  o.movers = static_cast<int>(r.integer("movers", o.movers, 0, 100000));
  o.psi_bins = static_cast<int>(r.integer("psi_bins", o.psi_bins, 2, 100));
  o.threads = static_cast<unsigned>(r.integer("threads", 0, 0, 1024));
  return o;
}

void begin(char** answer_json, const char* function) {
  require(answer_json, function, "answer_json");
  *answer_json = nullptr;
}

}  // namespace

CXJF_API cxjf_status cxjf_compare(cxjf_snapshot before, cxjf_snapshot after, const char* request_json,
                                  char** answer_json, char** error) {
  CXJF_API_BEGIN(error)
  const char* fn = "cxjf_compare";
  begin(answer_json, fn);
  const cxjf::Snapshot& a = live(before, fn, "before").snapshot;
  const cxjf::Snapshot& b = live(after, fn, "after").snapshot;
  const Request r(request_json, fn, {"movers", "psi_bins", "threads"});
  const cxjf::Comparison c = cxjf::compare(a, b, compare_options(r));
  *answer_json = copy_out(cxjf::comparison_json(c, a, b));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_compare_model(cxjf_snapshot snapshot, cxjf_model model, const char* request_json,
                                        char** answer_json, char** error) {
  CXJF_API_BEGIN(error)
  const char* fn = "cxjf_compare_model";
  begin(answer_json, fn);
  const cxjf::Snapshot& a = snapshot_of(snapshot, fn).snapshot;
  const cxjf::Model& m = model_of(model, fn);
  const Request r(request_json, fn, {"movers", "psi_bins", "threads"});
  const cxjf::CompareOptions options = compare_options(r);
  cxjf::BuildOptions build;
  build.threads = options.threads;
  const cxjf::Snapshot b = cxjf::rescore(a, m, build);
  *answer_json = copy_out(cxjf::comparison_json(cxjf::compare(a, b, options), a, b));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_distribution(cxjf_snapshot snapshot, const char* request_json, char** answer_json,
                                       char** error) {
  CXJF_API_BEGIN(error)
  const char* fn = "cxjf_distribution";
  begin(answer_json, fn);
  const cxjf::Snapshot& s = snapshot_of(snapshot, fn).snapshot;
  const Request r(request_json, fn, {"by"});
  const cxjf::GroupBy by = cxjf::parse_group_by(r.text("by", "province"));
  *answer_json = copy_out(cxjf::distribution_json(cxjf::distribution(s, by), cxjf::peer_fallbacks(s), s));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_rank_bands(cxjf_snapshot snapshot, const char* request_json, char** answer_json,
                                     char** error) {
  CXJF_API_BEGIN(error)
  const char* fn = "cxjf_rank_bands";
  begin(answer_json, fn);
  const cxjf::Snapshot& s = snapshot_of(snapshot, fn).snapshot;
  const Request r(request_json, fn,
                  {"draws", "first_draw", "seed", "spread", "concentration", "ties", "missing", "threads", "top"});
  const std::int64_t top = r.integer("top", 0, 0, std::numeric_limits<std::int64_t>::max());
  *answer_json = copy_out(cxjf::rank_bands_json(cxjf::rank_bands(s, uncertainty_options(r)), s, top));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_rank_sensitivity(cxjf_snapshot snapshot, const char* request_json, char** answer_json,
                                           char** error) {
  CXJF_API_BEGIN(error)
  const char* fn = "cxjf_rank_sensitivity";
  begin(answer_json, fn);
  const cxjf::Snapshot& s = snapshot_of(snapshot, fn).snapshot;
  const Request r(request_json, fn,
                  {"samples", "seed", "spread", "concentration", "ties", "missing", "threads"});
  const std::int64_t samples = r.integer("samples", 64, 2, 100000);
  *answer_json = copy_out(cxjf::sensitivity_json(cxjf::rank_sensitivity(s, samples, uncertainty_options(r)), s.model));
  CXJF_API_END()
}
