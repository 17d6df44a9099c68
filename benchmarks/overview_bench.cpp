// The overview on the generated national sample (520,000 registered
// enterprises, seed 42): building the index from a snapshot, and full
// overview queries (all facets, one ranking level, the first list page) for
// the national, a province and a zone principal, unfiltered (the page as it
// opens) and filtered (a click on 电子信息, then 稳定期).
//
//   build/benchmarks/cxjf_overview_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Counter index_MB is OverviewIndex::memory_bytes (the snapshot excluded).
#include <benchmark/benchmark.h>

#include "cxjf/cxjf.hpp"

namespace {

const cxjf::Snapshot& national() {
  static const cxjf::Snapshot snap = [] {
    cxjf::GenerateOptions options;
    options.n = 520000;
    options.seed = 42;
    options.unregistered_share = 0;  // all 520,000 are scored
    return cxjf::Snapshot::build(cxjf::default_model(), cxjf::generate(cxjf::default_model(), options));
  }();
  return snap;
}

const cxjf::OverviewIndex& index() {
  static const cxjf::OverviewIndex idx(national());
  return idx;
}

// The zone with most enterprises: the heaviest zone principal.
std::string biggest_zone() {
  const cxjf::Table& t = national().table;
  std::vector<std::int64_t> count(static_cast<std::size_t>(t.zones.size()), 0);
  for (std::int32_t z : t.zone)
    if (z >= 0) ++count[static_cast<std::size_t>(z)];
  return t.zones[static_cast<std::int32_t>(std::max_element(count.begin(), count.end()) - count.begin())];
}

void BM_IndexBuild(benchmark::State& state) {
  const cxjf::Snapshot& snap = national();
  std::size_t bytes = 0;
  for (auto _ : state) {
    cxjf::OverviewIndex idx(snap);
    bytes = idx.memory_bytes();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["enterprises"] = static_cast<double>(snap.table.size());
  state.counters["index_MB"] = static_cast<double>(bytes) / (1024.0 * 1024.0);
}
BENCHMARK(BM_IndexBuild)->Unit(benchmark::kMillisecond)->UseRealTime();

cxjf::Principal principal(int which) {
  switch (which) {
    case 0: return {cxjf::Role::torch_center, "", false};
    case 1: return {cxjf::Role::province, "440000", false};  // 广东, the largest province
    default: return {cxjf::Role::zone, biggest_zone(), false};
  }
}

// state.range(0): 0 national, 1 province, 2 zone; state.range(1): 1 filtered.
void BM_OverviewQuery(benchmark::State& state) {
  const cxjf::OverviewIndex& idx = index();
  const cxjf::Principal who = principal(static_cast<int>(state.range(0)));
  cxjf::OverviewRequest request;  // every facet, the default histogram
  request.ranking = cxjf::RankingRequest{};  // one level below the principal's unit, top 10
  request.list = cxjf::ListRequest{};        // first page of 20
  if (state.range(1)) {
    request.filters.tech_fields = {"电子信息"};
    request.filters.stages = {"稳定期"};
  }
  std::int64_t total = 0;
  for (auto _ : state) {
    cxjf::OverviewAnswer answer = idx.query(who, request);
    total = answer.total;
    benchmark::DoNotOptimize(answer);
  }
  state.SetLabel(who.label() + (state.range(1) ? " 电子信息+稳定期" : ""));
  state.counters["matching"] = static_cast<double>(total);
}
BENCHMARK(BM_OverviewQuery)
    ->ArgsProduct({{0, 1, 2}, {0, 1}})
    ->ArgNames({"principal", "filtered"})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// The same national overview through the JSON layer (parse, query, write).
void BM_OverviewJson(benchmark::State& state) {
  const cxjf::OverviewIndex& idx = index();
  const std::string request = R"({"principal": {"role": "torch_center"}, "kind": "overview"})";
  for (auto _ : state) {
    std::string answer = cxjf::query_json(idx, request);
    benchmark::DoNotOptimize(answer);
  }
}
BENCHMARK(BM_OverviewJson)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
