// cxjf._core's analysis functions (include/cxjf/analysis.hpp): reasons,
// what-if and paths of one registered enterprise, as the JSON documents the
// query kinds answer with (cxjf.analysis turns them into DataFrames).
#include <pybind11/stl.h>

#include <cmath>

#include "bindings.hpp"
#include "cxjf/analysis.hpp"

namespace cxjf::python {

void bind_analysis(py::module_& m) {
  // One per Python Snapshot (cached there): it prepares the model once and
  // indexes the ranks on the first what-if.
  py::class_<Analyzer>(m, "Analyzer", "One enterprise's analysis on a snapshot (cxjf::Analyzer).")
      .def(py::init<const Snapshot&>(), py::arg("snapshot"), py::keep_alive<1, 2>());
  m.def(
      "reasons_json",
      [](const Analyzer& a, std::int64_t row, int top) {
        py::gil_scoped_release release;
        return reasons_json(a.snapshot().model, a.reasons(row, top));
      },
      py::arg("analyzer"), py::arg("row"), py::arg("top") = 3);
  m.def(
      "what_if_json",
      [](const Analyzer& a, std::int64_t row, const std::vector<std::pair<std::string, double>>& values,
         const std::vector<std::string>& add, const std::vector<std::string>& remove,
         const std::vector<std::string>& clear) {
        Changes changes;
        changes.values = values;
        changes.add_qualifications = add;
        changes.remove_qualifications = remove;
        changes.clear_negatives = clear;
        py::gil_scoped_release release;
        return what_if_json(a.snapshot(), a.snapshot().table, a.what_if(row, changes));
      },
      py::arg("analyzer"), py::arg("row"), py::arg("values"), py::arg("add_qualifications"),
      py::arg("remove_qualifications"), py::arg("clear_negatives"));
  m.def(
      "path_json",
      [](const Analyzer& a, std::int64_t row, const std::string& kind, double score, const std::string& grade,
         const std::string& level, std::int32_t top, const std::vector<std::string>& fixed,
         const std::vector<std::pair<std::string, double>>& caps) {
        Target target;
        target.score = score;
        if (kind == "grade") {
          target.kind = Target::Kind::grade;
          target.grade = grade;
        } else if (kind == "rank") {
          target.kind = Target::Kind::rank;
          target.top = top;
          bool known = false;
          for (int l = 0; l < rank_level_count; ++l)
            if (level == rank_level_name(static_cast<RankLevel>(l))) {
              target.level = static_cast<RankLevel>(l);
              known = true;
            }
          if (!known) throw Error(ErrorCode::invalid_argument, "'" + level + "' is not a rank level");
        }
        PathOptions options;
        options.fixed = fixed;
        options.caps = caps;
        py::gil_scoped_release release;
        return path_json(a.snapshot().model, a.path(row, target, options));
      },
      py::arg("analyzer"), py::arg("row"), py::arg("kind"), py::arg("score"), py::arg("grade"), py::arg("level"),
      py::arg("top"), py::arg("fixed"), py::arg("caps"));
}

}  // namespace cxjf::python
