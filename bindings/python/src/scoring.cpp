// fit, score, Snapshot and explain. Every long call releases the GIL, so
// other Python threads run meanwhile; the results' columns are numpy views
// of the C++ vectors (no copies), kept alive by the object that owns them.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdio>

#include "bindings.hpp"
#include "cxjf/reference.hpp"
#include "cxjf/scores.hpp"
#include "cxjf/snapshot.hpp"

namespace cxjf::python {
namespace {

template <class T>
py::array view(const std::vector<T>& v, py::handle owner) {
  py::array a(py::dtype::of<T>(), {v.size()}, {sizeof(T)}, v.empty() ? nullptr : v.data(), owner);
  a.attr("flags").attr("writeable") = false;
  return a;
}

std::string ledger_json(const Model& model, const Reference& reference, const Table& table, std::int64_t row,
                        bool newcomer) {
  if (row < 0 || row >= table.size())
    throw py::index_error("row " + std::to_string(row) + " is not in the table (0.." + std::to_string(table.size() - 1) + ")");
  py::gil_scoped_release release;
  return explain(model, reference, table, row, newcomer ? Membership::newcomer : Membership::member)
      .to_json(model, reference, table);
}

}  // namespace

void bind_scoring(py::module_& m) {
  std::vector<std::string> levels;
  for (int level = 0; level < rank_level_count; ++level) levels.emplace_back(rank_level_name(static_cast<RankLevel>(level)));
  m.attr("RANK_LEVELS") = levels;

  py::class_<Reference, std::shared_ptr<Reference>>(m, "Reference", "The fitted reference population (cxjf::Reference).")
      .def_readonly("model_id", &Reference::model_id)
      .def_readonly("population", &Reference::population)
      .def_property_readonly("content_hash", [](const Reference& r) { return hex16(r.content_hash); })
      .def("to_json", &Reference::to_json, py::arg("model"))
      .def("to_bytes", [](const Reference& r) { return py::bytes(r.to_bytes()); },
           "The binary form (Reference::save): what pickling carries.")
      .def_static(
          "from_bytes",
          [](const py::bytes& data, const Model& model) {
            const std::string_view bytes = data;
            py::gil_scoped_release release;
            return Reference::load_bytes(bytes, model);
          },
          py::arg("data"), py::arg("model"))
      .def(
          "group_labels",
          [](const Reference& r, const Model& model, const Table* table) {
            // Provinces named by the table's region edition (the embedded one without a table).
            const Regions& regions = table ? table->region_table() : Regions::builtin();
            std::vector<std::string> labels;
            for (std::size_t g = 0; g < r.groups.size(); ++g)
              labels.push_back(r.group_label(model, static_cast<std::int32_t>(g), regions));
            return labels;
          },
          py::arg("model"), py::arg("table") = nullptr);

  py::class_<Scores, std::shared_ptr<Scores>>(m, "Scores", "Scores of every row of a table (cxjf::Scores).")
      .def("__len__", [](const Scores& s) { return s.size(); })
      .def_readonly("decimals", &Scores::decimals)
      .def_property_readonly("stage", [](py::object self) { return view(self.cast<const Scores&>().stage, self); })
      .def_property_readonly("peer_group", [](py::object self) { return view(self.cast<const Scores&>().peer_group, self); })
      .def_property_readonly("base", [](py::object self) { return view(self.cast<const Scores&>().base, self); })
      .def_property_readonly("bonus", [](py::object self) { return view(self.cast<const Scores&>().bonus, self); })
      .def_property_readonly("deduction", [](py::object self) { return view(self.cast<const Scores&>().deduction, self); })
      .def_property_readonly("veto", [](py::object self) { return view(self.cast<const Scores&>().veto, self).attr("view")("bool"); })
      .def_property_readonly("imputed", [](py::object self) { return view(self.cast<const Scores&>().imputed, self); })
      .def_property_readonly("total", [](py::object self) { return view(self.cast<const Scores&>().total, self); })
      .def_property_readonly("published_units", [](py::object self) { return view(self.cast<const Scores&>().published_units, self); })
      .def_property_readonly("grade", [](py::object self) { return view(self.cast<const Scores&>().grade, self); })
      .def_property_readonly("order", [](py::object self) { return view(self.cast<const Scores&>().order, self); })
      .def_property_readonly("category_points",
                             [](py::object self) {
                               const Scores& s = self.cast<const Scores&>();
                               const auto rows = static_cast<std::size_t>(s.category_points.rows());
                               const auto cols = static_cast<std::size_t>(s.category_points.cols());
                               py::array a(py::dtype::of<double>(), {rows, cols}, {sizeof(double), sizeof(double) * rows},
                                           s.category_points.size() ? s.category_points.data() : nullptr, self);
                               a.attr("flags").attr("writeable") = false;
                               return a;
                             })
      .def(
          "rank",
          [](py::object self, int level) {
            if (level < 0 || level >= rank_level_count)
              throw py::index_error("rank level " + std::to_string(level) + " is not 0.." + std::to_string(rank_level_count - 1));
            return view(self.cast<const Scores&>().rank[static_cast<std::size_t>(level)], self);
          },
          py::arg("level"))
      .def("published_text", [](const Scores& s, std::int64_t row) {
        if (row < 0 || row >= s.size()) throw py::index_error("row " + std::to_string(row) + " is not scored");
        return s.published_text(row);
      });

  py::class_<Snapshot, std::shared_ptr<Snapshot>>(m, "Snapshot", "A frozen base database (cxjf::Snapshot).")
      .def_static(
          "build",
          [](const Model& model, const Table& table, unsigned threads) {
            py::gil_scoped_release release;
            return Snapshot::build(model, Table(table), BuildOptions{threads});  // the caller keeps its table
          },
          py::arg("model"), py::arg("table"), py::arg("threads") = 0, "Fits and scores a copy of `table`.")
      .def_static(
          "build_consuming",
          [](const Model& model, Table& table, unsigned threads) {
            py::gil_scoped_release release;
            return Snapshot::build(model, std::move(table), BuildOptions{threads});  // `table` is left empty
          },
          py::arg("model"), py::arg("table"), py::arg("threads") = 0,
          "Fits and scores `table`, taking its contents (no copy).")
      .def_static(
          "load",
          [](const std::string& path, const std::string& public_key) {
            py::gil_scoped_release release;
            return Snapshot::load(path, public_key);
          },
          py::arg("path"), py::arg("public_key") = "")
      .def(
          "save",
          [](const Snapshot& s, const std::string& path, const std::string& secret_key) {
            py::gil_scoped_release release;
            s.save(path, secret_key);
          },
          py::arg("path"), py::arg("secret_key") = "")
      .def("to_bytes",
           [](const Snapshot& s) {
             std::string bytes;
             {
               py::gil_scoped_release release;
               bytes = s.to_bytes();
             }
             return py::bytes(bytes);
           })
      .def_static(
          "from_bytes",
          [](const py::bytes& data) {
            const std::string_view bytes = data;
            py::gil_scoped_release release;
            return Snapshot::from_bytes(bytes);
          },
          py::arg("data"))
      .def_readonly("model", &Snapshot::model)
      .def_readonly("reference", &Snapshot::reference)
      .def_readonly("table", &Snapshot::table)
      .def_readonly("scores", &Snapshot::scores);

  m.def(
      "fit",
      [](const Model& model, const Table& table) {
        py::gil_scoped_release release;
        return fit(model, table);
      },
      py::arg("model"), py::arg("table"));
  m.def(
      "merge_references",
      [](const Model& model, const std::vector<std::shared_ptr<Reference>>& parts) {
        std::vector<const Reference*> p;
        for (const auto& r : parts) p.push_back(r.get());
        py::gil_scoped_release release;
        return merge_references(model, p);
      },
      py::arg("model"), py::arg("parts"));
  m.def(
      "score",
      [](const Model& model, const Reference& reference, const Table& table) {
        py::gil_scoped_release release;
        return score(model, reference, table);
      },
      py::arg("model"), py::arg("reference"), py::arg("table"));
  m.def("ledger_json", &ledger_json, py::arg("model"), py::arg("reference"), py::arg("table"), py::arg("row"),
        py::arg("newcomer") = false, "explain(...).to_json(...): every number behind one row's score.");
}

}  // namespace cxjf::python
