// Model: loaded from JSON (built-in or a file), validated by the C++ side.
// The Python layer reads the rest of a model from to_json(), the documented
// schema (docs/model.md), rather than through a binding of every struct.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "cxjf/model.hpp"

namespace cxjf::python {

void bind_model(py::module_& m) {
  py::class_<Model, std::shared_ptr<Model>>(m, "Model", "An indicator scheme (cxjf::Model).")
      .def_static("from_json", &Model::from_json, py::arg("text"), "Parses and validates a model document.")
      .def_static("from_file", &Model::from_file, py::arg("path"), "Reads, parses and validates a model file.")
      .def_static("default", []() { return default_model(); }, "The embedded default model, torch-2022.")
      .def_static(
          "builtin",
          [](const std::string& id) {
            std::string_view json = builtin_model_json(id);
            if (json.empty()) {
              std::string known;
              for (const auto& name : builtin_model_ids()) known += (known.empty() ? "" : ", ") + name;
              throw Error(ErrorCode::invalid_argument,
                          "no built-in model '" + id + "': the built-in models are " + known);
            }
            return Model::from_json(json);
          },
          py::arg("id"), "An embedded model by id.")
      .def_static("builtin_ids", &builtin_model_ids, "Ids of the embedded models.")
      .def("to_json", &Model::to_json, "The model as the JSON document from_json reads.")
      .def_readonly("id", &Model::id)
      .def_readonly("name", &Model::name)
      .def_readonly("description", &Model::description)
      .def_readonly("list_threshold", &Model::list_threshold)
      .def_property_readonly("decimals", [](const Model& model) { return model.scale.decimals; })
      .def_property_readonly("indicator_ids",
                             [](const Model& model) {
                               std::vector<std::string> ids;
                               for (const auto& indicator : model.indicators) ids.push_back(indicator.id);
                               return ids;
                             })
      .def_property_readonly("stage_names",
                             [](const Model& model) {
                               std::vector<std::string> names;
                               for (const auto& stage : model.stages) names.push_back(stage.name_zh);
                               return names;
                             })
      .def_property_readonly("grade_ids",
                             [](const Model& model) {
                               std::vector<std::string> ids;
                               for (const auto& grade : model.grades) ids.push_back(grade.id);
                               return ids;
                             })
      .def_property_readonly("category_ids", [](const Model& model) {
        std::vector<std::string> ids;
        for (const auto& category : model.categories) ids.push_back(category.id);
        return ids;
      });
}

}  // namespace cxjf::python
