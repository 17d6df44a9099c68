// A whole population on a national snapshot of 520,000 registered generated
// enterprises (seed 42): 1,000 weight draws' rank bands, Saltelli's design
// for the sensitivity of ranks, and a year-over-year compare.
//
//   build/benchmarks/cxjf_population_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "cxjf/cxjf.hpp"

namespace {

const cxjf::Snapshot& national() {
  static const cxjf::Snapshot snap =
      cxjf::Snapshot::build(cxjf::default_model(), cxjf::generate(cxjf::default_model(), {520000, 42, 0.0}));
  return snap;
}

void BM_RankBands1000(benchmark::State& state) {
  cxjf::UncertaintyOptions o;
  o.draws = 1000;
  o.threads = 2;
  for (auto _ : state) benchmark::DoNotOptimize(cxjf::rank_bands(national(), o));
  state.counters["enterprises"] = static_cast<double>(national().table.size());
}

void BM_Sensitivity64(benchmark::State& state) {
  cxjf::UncertaintyOptions o;
  o.threads = 2;
  for (auto _ : state) benchmark::DoNotOptimize(cxjf::rank_sensitivity(national(), 64, o));
}

// Next year: every enterprise of another seed's table, so that only the
// shared credit codes match (few), against this year's: the cost of the
// matching, the regions, correlations and 18 indicators' PSI per group.
void BM_CompareYears(benchmark::State& state) {
  static const cxjf::Snapshot next =
      cxjf::Snapshot::build(cxjf::default_model(), cxjf::generate(cxjf::default_model(), {520000, 43, 0.0}));
  cxjf::CompareOptions o;
  o.threads = 2;
  for (auto _ : state) benchmark::DoNotOptimize(cxjf::compare(national(), next, o));
}

void BM_CompareSchemes(benchmark::State& state) {
  static const cxjf::Snapshot other = [] {
    cxjf::Model m = cxjf::default_model();
    m.id = "alt";
    for (std::size_t s = 0; s < m.stages.size(); ++s) {
      m.indicators[0].weights[s] -= 3;
      m.indicators[1].weights[s] += 3;
    }
    return cxjf::rescore(national(), m);
  }();
  cxjf::CompareOptions o;
  o.threads = 2;
  for (auto _ : state) benchmark::DoNotOptimize(cxjf::compare(national(), other, o));
}

}  // namespace

BENCHMARK(BM_RankBands1000)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Sensitivity64)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_CompareYears)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CompareSchemes)->Unit(benchmark::kMillisecond);
