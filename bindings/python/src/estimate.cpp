// Uploads (导入测算) and estimation against a snapshot. Workbooks and CSV
// files reach the core's read_upload as they are, DataFrames as CSV text, so
// that one reader applies the upload rules of docs/upload.md to all of them;
// workbooks are written by the core too (templates, results, any frames).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <sstream>

#include "bindings.hpp"
#include "cxjf/estimate.hpp"
#include "cxjf/principal.hpp"
#include "cxjf/upload.hpp"
#include "xlsx/writer.hpp"

namespace cxjf::python {
namespace {

template <class T>
py::array_t<T> numbers(const std::vector<T>& v) {
  py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

// The results of a record as columns (numpy arrays and lists of str), the
// fields of docs/estimation.md: a DataFrame is built from them in one step,
// where a JSON document of every row would cost far more than the scoring.
py::dict results_columns(const EstimationRecord& r, const Snapshot& snap) {
  const Model& model = snap.model;
  const Table& table = r.upload.table;
  const std::size_t n = r.rows.size();
  const double scale = std::pow(10.0, model.scale.decimals);
  std::vector<std::int64_t> row(n);
  std::vector<double> score(n);
  std::vector<std::uint8_t> duplicate(n);
  std::vector<std::vector<std::int32_t>> rank(estimate_rank_levels.size(), std::vector<std::int32_t>(n));
  py::list code(n), name(n), status(n), grade(n), stage(n), group(n), bad(n), diffs(n);
  // Labels repeat: make each Python string once.
  std::vector<py::object> grade_text, stage_text, group_text(snap.reference.groups.size() + 1);
  for (const Grade& g : model.grades) grade_text.push_back(py::str(g.id));
  for (const Stage& s : model.stages) stage_text.push_back(py::str(s.name_zh));
  py::str registered("registered"), estimated("estimated"), empty("");
  for (std::size_t k = 0; k < n; ++k) {
    const EstimateRow& e = r.rows[k];
    auto i = static_cast<std::size_t>(e.table_row);
    row[k] = e.source_row;
    score[k] = static_cast<double>(e.published_units) / scale;
    duplicate[k] = e.duplicate;
    for (std::size_t l = 0; l < rank.size(); ++l) rank[l][k] = e.rank[l];
    code[k] = py::str(table.credit_code[i]);
    name[k] = py::str(table.name[i]);
    status[k] = e.status == EstimateStatus::registered ? registered : estimated;
    grade[k] = grade_text[static_cast<std::size_t>(e.grade)];
    stage[k] = stage_text[static_cast<std::size_t>(e.ledger.stage)];
    py::object& label = group_text[static_cast<std::size_t>(e.ledger.peer_group + 1)];
    if (!label) label = py::str(snap.reference.group_label(model, e.ledger.peer_group, snap.table.region_table()));
    group[k] = label;
    std::string text = bad_cells_text(model, e);
    bad[k] = text.empty() ? empty : py::str(text);
    text = differences_text(model, e);
    diffs[k] = text.empty() ? empty : py::str(text);
  }
  py::dict out;
  out["row"] = numbers(row);
  out["credit_code"] = code;
  out["name"] = name;
  out["status"] = status;
  out["score"] = numbers(score);
  out["grade"] = grade;
  out["stage"] = stage;
  out["peer_group"] = group;
  for (std::size_t l = 0; l < rank.size(); ++l)
    out[py::str(std::string("rank_") + rank_level_name(estimate_rank_levels[l]))] = numbers(rank[l]);
  out["duplicate"] = numbers(duplicate).attr("astype")("bool");
  out["bad_cells_treated_as_missing"] = bad;
  out["differences"] = diffs;
  return out;
}

}  // namespace

namespace {

UploadOptions upload_options(const std::string& encoding, const std::string& percent_form, const py::dict& limits,
                             const std::string& sheet, std::int64_t header_row) {
  UploadOptions options;
  options.encoding = encoding_from_name(encoding);
  options.percent_form = percent_form_from_name(percent_form);
  options.sheet = sheet;
  if (header_row < 0) throw py::value_error("header_row must be 1 or more (0: find it)");
  options.header_row = header_row;
  UploadLimits& l = options.limits;
  for (const auto& [key, value] : limits) {
    const std::string name = py::str(key);
    const auto n = value.cast<std::int64_t>();
    if (n <= 0) throw py::value_error("limits['" + name + "'] must be a positive integer");
    const auto u = static_cast<std::size_t>(n);
    if (name == "max_bytes") l.max_bytes = u;
    else if (name == "max_rows") l.max_rows = n;
    else if (name == "max_columns") l.max_columns = u;
    else if (name == "max_cell_bytes") l.max_cell_bytes = u;
    else if (name == "max_row_bytes") l.max_row_bytes = u;
    else if (name == "max_unpacked_bytes") l.max_unpacked_bytes = u;
    else if (name == "max_cells") l.max_cells = n;
    else
      throw py::value_error("'" + name +
                            "' is not an upload limit: max_bytes, max_rows, max_columns, max_cell_bytes, "
                            "max_row_bytes, max_unpacked_bytes or max_cells");
  }
  return options;
}

// Any tables as one workbook (cxjf.excel.write_frames): the core's writer,
// so that Python needs no Excel library of its own.
py::bytes write_workbook(const py::list& sheets) {
  xlsx::Writer book;
  for (const auto& item : sheets) {
    const auto sheet = item.cast<py::tuple>();
    xlsx::SheetWriter out = book.sheet(sheet[0].cast<std::string>());
    const auto header = sheet[1].cast<std::vector<std::string>>();
    const auto rows = sheet[2].cast<py::list>();
    const auto text = sheet[3].cast<std::vector<std::string>>();
    std::vector<double> widths(header.size());
    std::vector<bool> as_text(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) {
      as_text[c] = std::find(text.begin(), text.end(), header[c]) != text.end();
      out.text(0, static_cast<std::int32_t>(c), header[c], xlsx::Style::header);
      widths[c] = xlsx::display_width(header[c]);
    }
    std::int32_t r = 0;
    for (const auto& row_object : rows) {
      ++r;
      const auto row = row_object.cast<py::sequence>();
      for (std::size_t c = 0; c < header.size() && c < static_cast<std::size_t>(py::len(row)); ++c) {
        const py::object v = row[c];
        const auto col = static_cast<std::int32_t>(c);
        if (v.is_none()) continue;
        if (py::isinstance<py::bool_>(v)) {
          out.text(r, col, v.cast<bool>() ? "TRUE" : "FALSE");
        } else if (py::isinstance<py::int_>(v) || py::isinstance<py::float_>(v)) {
          const double d = v.cast<double>();
          if (std::isfinite(d)) out.number(r, col, d);  // NaN and infinities stay empty cells
        } else {
          const std::string s = py::str(v);
          out.text(r, col, s, as_text[c] ? xlsx::Style::text : xlsx::Style::plain);
          widths[c] = std::max(widths[c], xlsx::display_width(s));
        }
      }
    }
    for (std::size_t c = 0; c < header.size(); ++c)
      out.column(static_cast<std::int32_t>(c), std::min(std::max(widths[c], 8.0) + 2, 60.0),
                 as_text[c] ? xlsx::Style::text : xlsx::Style::plain);
    out.freeze(1, 0);
  }
  std::string bytes = book.bytes();
  return py::bytes(bytes);
}

}  // namespace

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
      [](const py::bytes& bytes, const Model& model, const std::string& encoding, const std::string& percent_form,
         const py::dict& limits, const std::string& sheet, std::int64_t header_row, const Snapshot* snapshot) {
        UploadOptions options = upload_options(encoding, percent_form, limits, sheet, header_row);
        // Estimating: region codes are checked with the snapshot's edition.
        if (snapshot) options.regions = snapshot->table.regions;
        std::string data = bytes;
        py::gil_scoped_release release;
        return read_upload(data, model, options);
      },
      py::arg("data"), py::arg("model"), py::arg("encoding") = "auto", py::arg("percent_form") = "percent",
      py::arg("limits") = py::dict(), py::arg("sheet") = "", py::arg("header_row") = 0,
      py::arg("snapshot") = nullptr);
  m.def(
      "read_upload_cells",
      [](const py::bytes& bytes, const Model& model, const std::string& sheet, std::int64_t header_row) {
        UploadOptions options = upload_options("auto", "percent", py::dict(), sheet, header_row);
        std::string data = bytes;
        UploadCells cells;
        {
          py::gil_scoped_release release;
          cells = read_upload_cells(data, model, options);
        }
        py::dict out;
        out["sheet"] = cells.sheet;
        out["header_row"] = cells.header_row;
        out["header"] = cells.header;
        out["rows"] = cells.rows;
        out["cells"] = cells.cells;
        return out;
      },
      py::arg("data"), py::arg("model"), py::arg("sheet") = "", py::arg("header_row") = 0);
  m.def("upload_template_csv", [](const Model& model) { return py::bytes(upload_template_csv(model)); }, py::arg("model"));
  m.def("upload_template_xlsx", [](const Model& model) { return py::bytes(upload_template_xlsx(model)); },
        py::arg("model"));
  m.def("write_workbook", &write_workbook, py::arg("sheets"),
        "Sheets of (name, header, rows, text columns) as .xlsx bytes: rows of str, int, float or None.");

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
      .def("results_columns", &results_columns, py::arg("snapshot"))
      .def("counts",
           [](const EstimationRecord& r) {
             const EstimateCounts& c = r.counts;
             py::dict out;
             out["rows_read"] = c.rows_read;
             out["scored"] = c.scored;
             out["registered"] = c.registered;
             out["estimated"] = c.estimated;
             out["rejected"] = c.rejected;
             out["duplicates"] = c.duplicates;
             out["bad_cells"] = c.bad_cells;
             return out;
           })
      .def("results_csv",
           [](const EstimationRecord& r, const Snapshot& s) {
             std::ostringstream out;
             r.write_results_csv(out, s);
             return py::bytes(out.str());
           })
      .def("errors_csv",
           [](const EstimationRecord& r) {
             std::ostringstream out;
             r.write_errors_csv(out);
             return py::bytes(out.str());
           })
      .def("results_xlsx", [](const EstimationRecord& r, const Snapshot& s) {
        std::string bytes;
        {
          py::gil_scoped_release release;
          bytes = r.results_xlsx(s);
        }
        return py::bytes(bytes);
      });

  py::class_<Estimator, std::shared_ptr<Estimator>>(m, "Estimator",
                                                    "Estimates uploads against one snapshot (cxjf::Estimator).")
      .def(py::init([](const Snapshot& snapshot) {
             py::gil_scoped_release release;
             return std::make_shared<Estimator>(snapshot);
           }),
           py::arg("snapshot"), py::keep_alive<1, 2>())  // the estimator refers to the snapshot
      .def(
          "estimate",
          [](const Estimator& estimator, Upload& upload, const Principal& principal, unsigned threads) {
            py::gil_scoped_release release;
            return estimator.estimate(std::move(upload), principal, threads);  // the record keeps the upload
          },
          py::arg("upload"), py::arg("principal"), py::arg("threads") = 0);
}

}  // namespace cxjf::python
