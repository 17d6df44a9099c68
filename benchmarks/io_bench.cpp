// The files of the whole job, in memory (no disk): reading the enterprise
// CSV of the generated national sample (520,000 enterprises, 8 % not
// registered: what `cxjf generate` writes), writing scores.csv, and the
// snapshot's bytes out and back. `benchmarks/compare/end_to_end.py` times
// the same job from disk to disk, side by side with pandas and DuckDB.
//
//   build/benchmarks/cxjf_io_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Each runs on every core (the default) and on one thread (OneThread).
#include <benchmark/benchmark.h>

#include <sstream>
#include <string>

#include "cxjf/cxjf.hpp"
#include "cxjf/export.hpp"

namespace {

const std::string& national_csv() {
  static const std::string text = [] {
    cxjf::GenerateOptions options;
    options.n = 520000;
    options.seed = 42;
    std::ostringstream out;
    cxjf::write_table_csv(out, cxjf::generate(cxjf::default_model(), options), cxjf::default_model());
    return out.str();
  }();
  return text;
}

const cxjf::Snapshot& national_snapshot() {
  static const cxjf::Snapshot snap =
      cxjf::Snapshot::build(cxjf::default_model(), cxjf::parse_table_csv(national_csv(), cxjf::default_model()));
  return snap;
}

void read_csv(benchmark::State& state, unsigned threads) {
  const std::string& text = national_csv();
  for (auto _ : state) {
    cxjf::Table table = cxjf::parse_table_csv(text, cxjf::default_model(), cxjf::CsvReadOptions{threads});
    benchmark::DoNotOptimize(table.values.data());
  }
  state.counters["MB"] = static_cast<double>(text.size()) / 1e6;
}
void BM_ReadTableCsv(benchmark::State& state) { read_csv(state, 0); }
void BM_ReadTableCsvOneThread(benchmark::State& state) { read_csv(state, 1); }

void write_scores(benchmark::State& state, unsigned threads) {
  const cxjf::Snapshot& snap = national_snapshot();
  for (auto _ : state) {
    std::ostringstream out;
    cxjf::write_scores_csv(out, snap, threads);
    benchmark::DoNotOptimize(out.tellp());
  }
}
void BM_WriteScoresCsv(benchmark::State& state) { write_scores(state, 0); }
void BM_WriteScoresCsvOneThread(benchmark::State& state) { write_scores(state, 1); }

void BM_SnapshotToBytes(benchmark::State& state) {
  const cxjf::Snapshot& snap = national_snapshot();
  std::size_t size = 0;
  for (auto _ : state) size = snap.to_bytes().size();
  state.counters["file_MB"] = static_cast<double>(size) / 1e6;
}

void BM_SnapshotFromBytes(benchmark::State& state) {
  const std::string bytes = national_snapshot().to_bytes();
  for (auto _ : state) {
    cxjf::Snapshot snap = cxjf::Snapshot::from_bytes(bytes);
    benchmark::DoNotOptimize(snap.scores.order.data());
  }
}

}  // namespace

BENCHMARK(BM_ReadTableCsv)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReadTableCsvOneThread)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_WriteScoresCsv)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_WriteScoresCsvOneThread)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SnapshotToBytes)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SnapshotFromBytes)->Unit(benchmark::kMillisecond)->UseRealTime();
