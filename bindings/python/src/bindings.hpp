// The pieces of cxjf._core, one file per part of the C++ API they bind.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace cxjf::python {

namespace py = pybind11;

void bind_errors(py::module_& m);    // errors.cpp: C++ errors -> the cxjf.CxjfError hierarchy
void bind_model(py::module_& m);     // model.cpp: Model and its parts
void bind_table(py::module_& m);     // table.cpp: Table, columns in and out, CSV, generate
void bind_arrow(py::module_& m);     // arrow.cpp: tables from Arrow streams (__arrow_c_stream__)
void bind_scoring(py::module_& m);   // scoring.cpp: fit, score, Scores, Snapshot, explain
void bind_estimate(py::module_& m);  // estimate.cpp: uploads, the template, estimate
void bind_overview(py::module_& m);  // overview.cpp: OverviewIndex and query_json
void bind_analysis(py::module_& m);  // analysis.cpp: reasons, what-if and paths of one enterprise
void bind_population(py::module_& m);  // population.cpp: compare, rescore, distribution

/// A content hash as Python shows it: 16 lower-case hex digits.
inline std::string hex16(std::uint64_t hash) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace cxjf::python
