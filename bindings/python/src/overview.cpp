// The overview (企业总览) through its JSON documents (docs/overview.md): the
// Python layer builds request dicts and reads answer dicts, the same
// documents the C ABI and the Java portal exchange, so all bindings answer
// alike. query_json runs without the GIL: the index is immutable and its
// queries are thread-safe.
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "cxjf/overview.hpp"

namespace cxjf::python {

void bind_overview(py::module_& m) {
  py::class_<OverviewIndex, std::shared_ptr<OverviewIndex>>(m, "OverviewIndex",
                                                            "The overview's index over a snapshot (cxjf::OverviewIndex).")
      .def(py::init([](const Snapshot& snapshot) {
             py::gil_scoped_release release;
             return std::make_shared<OverviewIndex>(snapshot);
           }),
           py::arg("snapshot"), py::keep_alive<1, 2>())  // the index refers to the snapshot
      .def("memory_bytes", &OverviewIndex::memory_bytes)
      .def(
          "query_json",
          [](const OverviewIndex& index, const std::string& request) {
            bool refused = false;
            std::string answer;
            {
              py::gil_scoped_release release;
              answer = query_json(index, request, refused);
            }
            return py::make_tuple(py::bytes(answer), refused);
          },
          py::arg("request"), "(answer document as UTF-8 bytes, refused)");
}

}  // namespace cxjf::python
