// One enterprise's analysis on the national snapshot (520,000 generated
// enterprises, seed 42): reasons, a what-if of two values, the path to 70
// (every indicator alone and the combined plan; alone only), and a detail
// answer that carries them.
//
//   build/benchmarks/cxjf_analysis_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "cxjf/cxjf.hpp"

namespace {

const cxjf::Snapshot& national() {
  static const cxjf::Snapshot snap = cxjf::Snapshot::build(cxjf::default_model(), cxjf::generate(cxjf::default_model(), {520000, 42}));
  return snap;
}

// Enterprises below 70 spread over the list, the ones a path is asked for.
std::vector<std::int64_t> below_70() {
  const cxjf::Snapshot& snap = national();
  std::vector<std::int64_t> rows;
  for (std::int64_t i = 0; i < snap.table.size() && rows.size() < 64; i += 7919)
    if (snap.scores.published_units[static_cast<std::size_t>(i)] < 7000) rows.push_back(i);
  return rows;
}

void BM_Reasons(benchmark::State& state) {
  const cxjf::Analyzer analyzer(national());
  const auto rows = below_70();
  std::size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(analyzer.reasons(rows[k++ % rows.size()]));
}

void BM_WhatIf(benchmark::State& state) {
  const cxjf::Analyzer analyzer(national());
  const auto rows = below_70();
  cxjf::Changes changes;
  changes.values = {{"rd_expense", 800}, {"invention_apps", 12}};
  std::size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(analyzer.what_if(rows[k++ % rows.size()], changes));
}

void BM_PathTo70(benchmark::State& state) {
  const cxjf::Analyzer analyzer(national());
  const auto rows = below_70();
  std::size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(analyzer.path(rows[k++ % rows.size()], cxjf::Target{}));
}

// Each indicator alone, without the combined plan.
void BM_PathSingle(benchmark::State& state) {
  const cxjf::Analyzer analyzer(national());
  const auto rows = below_70();
  cxjf::PathOptions options;
  options.plan = false;
  std::size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(analyzer.path(rows[k++ % rows.size()], cxjf::Target{}, options));
}

// The distance to 70 of every tenth enterprise (52,000) on two threads:
// points missing and the cheapest single change; the whole nation takes
// about ten times this.
void BM_DistancesTenth(benchmark::State& state) {
  const cxjf::Analyzer analyzer(national());
  std::vector<std::int64_t> rows;
  for (std::int64_t i = 0; i < national().table.size(); i += 10) rows.push_back(i);
  cxjf::PathOptions options;
  options.plan = false;
  for (auto _ : state) benchmark::DoNotOptimize(analyzer.distances(rows, cxjf::Target{}, options, 2));
}

void BM_DetailQuery(benchmark::State& state) {
  const cxjf::OverviewIndex index(national());
  const auto rows = below_70();
  std::size_t k = 0;
  for (auto _ : state) {
    const std::string code = national().table.credit_code[static_cast<std::size_t>(rows[k++ % rows.size()])];
    benchmark::DoNotOptimize(cxjf::query_json(
        index, R"({"principal": {"role": "torch_center"}, "kind": "detail", "credit_code": ")" + code + "\"}"));
  }
}

}  // namespace

BENCHMARK(BM_Reasons)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WhatIf)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PathTo70)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PathSingle)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DistancesTenth)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_DetailQuery)->Unit(benchmark::kMillisecond);
