// Fit + score + ranks of the generated national sample (520,000 registered
// enterprises x 18 indicators), the work `cxjf score` and Snapshot::build do.
//
//   build/benchmarks/cxjf_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// BM_FitScoreRank uses every core (BuildOptions' default);
// BM_FitScoreRankOneThread the calling thread only, for comparison.
//
// Counters: matrix_MB is the indicator matrix of the registered enterprises;
// extra_peak_MB is how far resident memory rose above what it was before the
// build (the input table included), measured once with the kernel's peak-RSS
// reset (/proc/self/clear_refs).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include "cxjf/cxjf.hpp"

namespace {

const cxjf::Table& national_sample() {
  static const cxjf::Table table = [] {
    cxjf::GenerateOptions options;
    options.n = 520000;
    options.seed = 42;
    options.unregistered_share = 0;  // all 520,000 are scored
    return cxjf::generate(cxjf::default_model(), options);
  }();
  return table;
}

double status_mb(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field, 0) == 0) return std::stod(line.substr(std::strlen(field))) / 1024.0;
  return 0;
}

void reset_peak() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
}

void fit_score_rank(benchmark::State& state, unsigned threads) {
  const cxjf::Model& model = cxjf::default_model();
  cxjf::BuildOptions options;
  options.threads = threads;
  const cxjf::Table& sample = national_sample();
  // Memory, once, outside the timed loop.
  double extra_peak = 0, matrix = 0;
  {
    cxjf::Table copy = sample;
    reset_peak();
    double before = status_mb("VmRSS:");
    cxjf::Snapshot snap = cxjf::Snapshot::build(model, std::move(copy), options);
    extra_peak = status_mb("VmHWM:") - before;
    matrix = static_cast<double>(snap.table.values.size()) * 8 / (1024.0 * 1024.0);
  }
  for (auto _ : state) {
    state.PauseTiming();
    cxjf::Table copy = sample;
    state.ResumeTiming();
    cxjf::Snapshot snap = cxjf::Snapshot::build(model, std::move(copy), options);
    benchmark::DoNotOptimize(snap.scores.published_units.data());
    state.PauseTiming();
    { cxjf::Snapshot drop = std::move(snap); }
    state.ResumeTiming();
  }
  state.counters["enterprises"] = static_cast<double>(sample.size());
  state.counters["matrix_MB"] = matrix;
  state.counters["extra_peak_MB"] = extra_peak;
  state.counters["threads"] = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
}

void BM_FitScoreRank(benchmark::State& state) { fit_score_rank(state, 0); }
BENCHMARK(BM_FitScoreRank)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FitScoreRankOneThread(benchmark::State& state) { fit_score_rank(state, 1); }
BENCHMARK(BM_FitScoreRankOneThread)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ScoreGeneralPath(benchmark::State& state) {
  // score() with binary searches per row, the path estimates and
  // distributed partitions take; for comparison with the fused build.
  const cxjf::Model& model = cxjf::default_model();
  static const cxjf::Snapshot snap = cxjf::Snapshot::build(model, national_sample());
  for (auto _ : state) {
    cxjf::Scores scores = cxjf::score(model, snap.reference, snap.table);
    benchmark::DoNotOptimize(scores.published_units.data());
  }
}
BENCHMARK(BM_ScoreGeneralPath)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
