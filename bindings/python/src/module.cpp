// cxjf._core: the C++ API bound with pybind11. Private: the cxjf package on
// top of it is the Python API (pandas in and out, Excel, plots).
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "cxjf/version.hpp"

PYBIND11_MODULE(_core, m) {
  namespace py = pybind11;
  m.doc() = "cxjf's C++ core (private: use the cxjf package)";
  // The C++ library's version, the single source of the package's version.
  m.attr("__version__") = CXJF_VERSION_STRING;
  m.attr("ABI_VERSION") = CXJF_ABI_VERSION;
  cxjf::python::bind_errors(m);
  cxjf::python::bind_model(m);
  cxjf::python::bind_table(m);
  cxjf::python::bind_arrow(m);
  cxjf::python::bind_scoring(m);
  cxjf::python::bind_estimate(m);
  cxjf::python::bind_overview(m);
  cxjf::python::bind_analysis(m);
  cxjf::python::bind_population(m);
}
