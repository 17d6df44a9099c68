// cxjf._core's analysis functions (include/cxjf/analysis.hpp): reasons,
// what-if and paths of one registered enterprise, as the JSON documents the
// query kinds answer with (cxjf.analysis turns them into DataFrames).
#include <pybind11/stl.h>

#include <cmath>

#include "bindings.hpp"
#include "cxjf/analysis.hpp"

namespace cxjf::python {

namespace {

// A target from the arguments cxjf.analysis passes: kind "score", "grade"
// or "rank".
Target target_of(const std::string& kind, double score, const std::string& grade, const std::string& level,
                 std::int32_t top) {
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
  return target;
}

}  // namespace

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
        const Target target = target_of(kind, score, grade, level, top);
        PathOptions options;
        options.fixed = fixed;
        options.caps = caps;
        py::gil_scoped_release release;
        return path_json(a.snapshot().model, a.path(row, target, options));
      },
      py::arg("analyzer"), py::arg("row"), py::arg("kind"), py::arg("score"), py::arg("grade"), py::arg("level"),
      py::arg("top"), py::arg("fixed"), py::arg("caps"));
  m.def(
      "distances",
      [](const Analyzer& a, const std::vector<std::int64_t>& rows, const std::string& kind, double score,
         const std::string& grade, const std::string& level, std::int32_t top, const std::vector<std::string>& fixed,
         const std::vector<std::pair<std::string, double>>& caps, bool plan, unsigned threads) {
        const Target target = target_of(kind, score, grade, level, top);
        PathOptions options;
        options.fixed = fixed;
        options.caps = caps;
        options.plan = plan;
        std::vector<Distance> d;
        {
          py::gil_scoped_release release;
          d = a.distances(rows, target, options, threads);
        }
        const Model& model = a.snapshot().model;
        const int decimals = model.scale.decimals;
        std::vector<std::string> target_text, missing, indicator, plan_changes;
        std::vector<double> value, effort, plan_effort;
        std::vector<int> optimal;
        for (const Distance& x : d) {
          target_text.push_back(units_text(x.target_units, decimals));
          missing.push_back(units_text(x.missing_units, decimals));
          indicator.push_back(x.indicator < 0 ? "" : model.indicators[static_cast<std::size_t>(x.indicator)].id);
          value.push_back(x.value);
          effort.push_back(x.effort);
          plan_effort.push_back(x.plan.searched && x.plan.reachable ? x.plan.effort : std::nan(""));
          optimal.push_back(x.plan.searched ? x.plan.optimal : -1);
          std::string changes;
          for (const PlanChange& c : x.plan.changes)
            changes += (changes.empty() ? "" : ";") + model.indicators[static_cast<std::size_t>(c.indicator)].id + "=" +
                       std::to_string(c.value);
          plan_changes.push_back(changes);
        }
        py::dict out;
        out["target"] = target_text;
        out["missing"] = missing;
        out["indicator"] = indicator;
        out["value"] = value;
        out["effort"] = effort;
        out["plan_effort"] = plan_effort;
        out["plan_optimal"] = optimal;
        out["plan_changes"] = plan_changes;
        return out;
      },
      py::arg("analyzer"), py::arg("rows"), py::arg("kind"), py::arg("score"), py::arg("grade"), py::arg("level"),
      py::arg("top"), py::arg("fixed"), py::arg("caps"), py::arg("plan"), py::arg("threads"));
}

}  // namespace cxjf::python
