// What the C ABI costs: the same overview requests answered through
// cxjf_query (the path of the Java portal and every other C caller) and
// through the C++ call it wraps, cxjf::query_json, on the generated national
// sample (520,000 registered enterprises, seed 42, unregistered_share 0).
// Both sides hold their own, identical snapshot and a built index; the
// answers are checked equal before anything is timed.
//
//   build/benchmarks/cxjf_c_abi_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// The overhead is the difference of the medians: the handle checks, the
// guard, and copying the answer into memory the caller frees with cxjf_free.
// BM_Typed shows, for scale, the typed C++ query without the JSON layer.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "cxjf.h"
#include "cxjf/cxjf.hpp"

namespace {

constexpr std::int64_t national_n = 520000;

const cxjf::Snapshot& cpp_snapshot() {
  static const cxjf::Snapshot snap = [] {
    cxjf::GenerateOptions options;
    options.n = national_n;
    options.seed = 42;
    options.unregistered_share = 0;
    return cxjf::Snapshot::build(cxjf::default_model(), cxjf::generate(cxjf::default_model(), options));
  }();
  return snap;
}

const cxjf::OverviewIndex& cpp_index() {
  static const cxjf::OverviewIndex index(cpp_snapshot());
  return index;
}

cxjf_snapshot c_snapshot() {
  static cxjf_snapshot snap = [] {
    cxjf_model model = nullptr;
    cxjf_snapshot s = nullptr;
    if (cxjf_model_default(&model, nullptr) != CXJF_OK ||
        cxjf_snapshot_generate(model, national_n, 42, 0.0, &s, nullptr) != CXJF_OK ||
        cxjf_snapshot_build_index(s, nullptr) != CXJF_OK)
      throw std::runtime_error(cxjf_last_error_message());
    cxjf_model_destroy(&model);
    return s;
  }();
  return snap;
}

// The national first's credit code, for the detail request.
std::string first_code() {
  const cxjf::Snapshot& s = cpp_snapshot();
  return s.table.credit_code[static_cast<std::size_t>(s.scores.order[0])];
}

// The requests: the national overview page as it opens (all facets, a
// ranking, the first list page: the heaviest common request), a county's
// list page (light), an enterprise's detail with its ledger (light).
const std::vector<std::string>& requests() {
  static const std::vector<std::string> r = {
      R"({"principal": {"role": "torch_center"}, "kind": "overview"})",
      R"({"principal": {"role": "county", "code": "440305"}, "kind": "list", "list": {"page": 1, "page_size": 20}})",
      R"({"principal": {"role": "torch_center"}, "kind": "detail", "credit_code": ")" + first_code() + "\"}",
  };
  return r;
}

const char* request_name(std::int64_t i) { return i == 0 ? "overview" : i == 1 ? "county_list" : "detail"; }

std::string c_query(const std::string& request) {
  char* answer = nullptr;
  if (cxjf_query(c_snapshot(), request.c_str(), &answer, nullptr) != CXJF_OK)
    throw std::runtime_error(cxjf_last_error_message());
  std::string out = answer;
  cxjf_free(answer);
  return out;
}

// Same answers on both sides, or nothing is worth timing.
void check_equal() {
  static const bool checked = [] {
    for (const std::string& r : requests())
      if (c_query(r) != cxjf::query_json(cpp_index(), r)) throw std::runtime_error("the answers differ: " + r);
    return true;
  }();
  (void)checked;
}

void BM_CppQueryJson(benchmark::State& state) {
  check_equal();
  const std::string& request = requests()[static_cast<std::size_t>(state.range(0))];
  const cxjf::OverviewIndex& index = cpp_index();
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string answer = cxjf::query_json(index, request);
    bytes = answer.size();
    benchmark::DoNotOptimize(answer.data());
  }
  state.SetLabel(request_name(state.range(0)));
  state.counters["answer_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_CppQueryJson)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_CAbiQuery(benchmark::State& state) {
  check_equal();
  const std::string& request = requests()[static_cast<std::size_t>(state.range(0))];
  cxjf_snapshot snap = c_snapshot();
  std::size_t bytes = 0;
  for (auto _ : state) {
    char* answer = nullptr;
    if (cxjf_query(snap, request.c_str(), &answer, nullptr) != CXJF_OK) {
      state.SkipWithError(cxjf_last_error_message());
      break;
    }
    bytes = std::strlen(answer);
    benchmark::DoNotOptimize(answer);
    cxjf_free(answer);
  }
  state.SetLabel(request_name(state.range(0)));
  state.counters["answer_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_CAbiQuery)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond)->UseRealTime();

// The overview request as a typed C++ call, without JSON in or out.
void BM_Typed(benchmark::State& state) {
  const cxjf::OverviewIndex& index = cpp_index();
  const cxjf::Principal principal{cxjf::Role::torch_center, "", false};
  cxjf::OverviewRequest request;
  request.ranking = cxjf::RankingRequest{};
  request.list = cxjf::ListRequest{};
  for (auto _ : state) {
    cxjf::OverviewAnswer answer = index.query(principal, request);
    benchmark::DoNotOptimize(answer.total);
  }
  state.SetLabel("overview");
}
BENCHMARK(BM_Typed)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
