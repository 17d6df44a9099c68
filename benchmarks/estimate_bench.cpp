// Estimation (测算) of a 10,000-row upload against a snapshot of the
// generated national sample (520,000 registered enterprises): reading the
// upload (docs/upload.md), as CSV and as an Excel workbook, and scoring it
// (docs/estimation.md), the work `cxjf estimate` and Snapshot.estimate do,
// on one thread and on two; writing the results workbook.
//
//   build/benchmarks/cxjf_estimate_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <sstream>
#include <string>

#include "cxjf/cxjf.hpp"
#include "xlsx/writer.hpp"

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

// The same upload as a workbook a clerk would send: text cells for codes and
// names, numbers for the indicators (written with libxlsxwriter).
const std::string& upload_xlsx() {
  static const std::string bytes = [] {
    cxjf::xlsx::Writer book;
    cxjf::xlsx::SheetWriter sheet = book.sheet("上传模板");
    std::istringstream lines(upload_csv());
    std::string line;
    std::int32_t r = 0;
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::int32_t c = 0;
      std::size_t start = 0;
      // The generated table quotes no field with a comma inside but the
      // multi-valued ones, which use ';'.
      for (;;) {
        const std::size_t comma = line.find(',', start);
        const std::string cell = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        char* end = nullptr;
        const double v = std::strtod(cell.c_str(), &end);
        if (r > 0 && c >= 12 && !cell.empty() && end && *end == '\0') sheet.number(r, c, v);
        else if (!cell.empty()) sheet.text(r, c, cell);
        ++c;
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      ++r;
    }
    return book.bytes();
  }();
  return bytes;
}

void BM_ReadUploadWorkbook(benchmark::State& state) {
  const std::string& bytes = upload_xlsx();
  for (auto _ : state) {
    cxjf::Upload upload = cxjf::read_upload(bytes, cxjf::default_model());
    if (upload.table.size() != 10000) state.SkipWithError("the workbook did not read 10,000 rows");
    benchmark::DoNotOptimize(upload.table.values.data());
  }
  state.counters["rows"] = 10000;
  state.counters["MB"] = static_cast<double>(bytes.size()) / 1e6;
}
BENCHMARK(BM_ReadUploadWorkbook)->Unit(benchmark::kMillisecond)->UseRealTime();

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

// The results of the 10,000 rows as a workbook (结果, 错误, 记录).
void BM_ResultsWorkbook(benchmark::State& state) {
  const cxjf::Snapshot& snap = snapshot();
  const cxjf::EstimationRecord record =
      cxjf::Estimator(snap).estimate(cxjf::read_upload(upload_csv(), snap.model), cxjf::Principal{cxjf::Role::torch_center});
  for (auto _ : state) {
    const std::string bytes = record.results_xlsx(snap);
    benchmark::DoNotOptimize(bytes.data());
  }
  state.counters["rows"] = 10000;
}
BENCHMARK(BM_ResultsWorkbook)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
