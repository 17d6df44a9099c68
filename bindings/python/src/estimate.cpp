// Uploads (导入测算) and estimation against a snapshot. The Python layer turns
// DataFrames and .xlsx workbooks into the CSV text read_upload takes, so that
// one reader applies the upload rules of docs/upload.md to all of them.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <sstream>

#include "bindings.hpp"
#include "cxjf/estimate.hpp"
#include "cxjf/principal.hpp"
#include "cxjf/upload.hpp"

namespace cxjf::python {

void bind_estimate(py::module_& m) {
  py::class_<Principal>(m, "Principal", "Who a request runs for (cxjf::Principal).")
      .def(py::init([](const std::string& role, std::string code, bool can_export) {
             return Principal{role_from_name(role), std::move(code), can_export};
           }),
           py::arg("role"), py::arg("code") = "", py::arg("can_export") = false)
      .def_property_readonly("role", [](const Principal& p) { return role_name(p.role); })
      .def_readonly("code", &Principal::code)
      .def_readonly("can_export", &Principal::can_export)
      .def("label", &Principal::label);

  py::class_<Upload, std::shared_ptr<Upload>>(m, "Upload", "An upload, read (cxjf::Upload).")
      .def_readonly("rows_read", &Upload::rows_read)
      .def_readonly("unknown_columns", &Upload::unknown_columns)
      .def_property_readonly("encoding", [](const Upload& u) { return encoding_name(u.encoding); })
      .def_property_readonly("usable", [](const Upload& u) { return u.table.size(); });

  m.def(
      "read_upload",
      [](const py::bytes& bytes, const Model& model, const std::string& encoding) {
        std::string data = bytes;
        Encoding e = encoding_from_name(encoding);
        py::gil_scoped_release release;
        return read_upload(data, model, e);
      },
      py::arg("data"), py::arg("model"), py::arg("encoding") = "auto");
  m.def("upload_template_csv", [](const Model& model) { return py::bytes(upload_template_csv(model)); }, py::arg("model"));

  py::class_<EstimationRecord, std::shared_ptr<EstimationRecord>>(m, "EstimationRecord",
                                                                  "An estimation record (cxjf::EstimationRecord).")
      .def_readonly("id", &EstimationRecord::id)
      .def(
          "to_json",
          [](const EstimationRecord& r, const Snapshot& s, bool ledgers) {
            py::gil_scoped_release release;
            return r.to_json(s, ledgers);
          },
          py::arg("snapshot"), py::arg("ledgers") = false)
      .def("results_csv",
           [](const EstimationRecord& r, const Snapshot& s) {
             std::ostringstream out;
             r.write_results_csv(out, s);
             return py::bytes(out.str());
           })
      .def("errors_csv", [](const EstimationRecord& r) {
        std::ostringstream out;
        r.write_errors_csv(out);
        return py::bytes(out.str());
      });

  m.def(
      "estimate",
      [](const Snapshot& snapshot, Upload& upload, const Principal& principal) {
        py::gil_scoped_release release;
        return estimate(snapshot, std::move(upload), principal);  // the record keeps the upload
      },
      py::arg("snapshot"), py::arg("upload"), py::arg("principal"));
}

}  // namespace cxjf::python
