// Estimation (测算) of a 10,000-row upload against a snapshot of the
// generated national sample (520,000 registered enterprises): reading the
// upload (docs/upload.md) and scoring it (docs/estimation.md), the work
// `cxjf estimate` and Snapshot.estimate do, on one thread and on two.
//
//   build/benchmarks/cxjf_estimate_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <sstream>
#include <string>

#include "cxjf/cxjf.hpp"

namespace {

const cxjf::Snapshot& snapshot() {
  static const cxjf::Snapshot snap = [] {
    cxjf::GenerateOptions options;
    options.n = 520000;
    options.seed = 42;
    options.unregistered_share = 0;
    return cxjf::Snapshot::build(cxjf::default_model(), cxjf::generate(cxjf::default_model(), options));
  }();
  return snap;
}

// 10,000 enterprises of another seed: none of them is registered.
const std::string& upload_csv() {
  static const std::string text = [] {
    cxjf::GenerateOptions options;
    options.n = 10000;
    options.seed = 7;
    options.unregistered_share = 0;
    std::ostringstream out;
    cxjf::write_table_csv(out, cxjf::generate(cxjf::default_model(), options), cxjf::default_model());
    return out.str();
  }();
  return text;
}

void BM_ReadUpload(benchmark::State& state) {
  const std::string& text = upload_csv();
  for (auto _ : state) {
    cxjf::Upload upload = cxjf::read_upload(text, cxjf::default_model());
    benchmark::DoNotOptimize(upload.table.values.data());
  }
  state.counters["rows"] = 10000;
}
BENCHMARK(BM_ReadUpload)->Unit(benchmark::kMillisecond)->UseRealTime();

// The index a service builds once per loaded snapshot.
void BM_EstimatorBuild(benchmark::State& state) {
  const cxjf::Snapshot& snap = snapshot();
  for (auto _ : state) {
    cxjf::Estimator estimator(snap);
    benchmark::DoNotOptimize(&estimator);
  }
  state.counters["reference"] = static_cast<double>(snap.table.size());
}
BENCHMARK(BM_EstimatorBuild)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Estimate(benchmark::State& state) {
  const cxjf::Snapshot& snap = snapshot();
  const cxjf::Estimator estimator(snap);
  const cxjf::Upload upload = cxjf::read_upload(upload_csv(), snap.model);
  cxjf::Principal center{cxjf::Role::torch_center};
  for (auto _ : state) {
    state.PauseTiming();
    cxjf::Upload copy = upload;
    state.ResumeTiming();
    cxjf::EstimationRecord record = estimator.estimate(std::move(copy), center, static_cast<unsigned>(state.range(0)));
    benchmark::DoNotOptimize(record.rows.data());
  }
  state.counters["rows"] = 10000;
  state.counters["reference"] = static_cast<double>(snap.table.size());
}
BENCHMARK(BM_Estimate)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
