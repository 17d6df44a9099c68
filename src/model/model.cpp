// Model: lookups by id and name, and the embedded models. Reading and
// writing JSON is model_json.cpp, validation validate.cpp.
#include <string>
#include <string_view>
#include <vector>

#include "base/embedded.hpp"
#include "base/text.hpp"
#include "cxjf/model.hpp"

namespace cxjf {

using detail::ascii_iequal;

int Model::indicator_index(std::string_view wanted) const {
  for (std::size_t i = 0; i < indicators.size(); ++i)
    if (indicators[i].id == wanted) return static_cast<int>(i);
  return -1;
}

int Model::stage_index(std::string_view name) const {
  for (std::size_t i = 0; i < stages.size(); ++i)
    if (stages[i].id == name || stages[i].name_zh == name || stages[i].name_en == name) return static_cast<int>(i);
  // Spreadsheets capitalize English words at will ("Growth", "STABLE").
  for (std::size_t i = 0; i < stages.size(); ++i)
    if (ascii_iequal(stages[i].id, name) || (!stages[i].name_en.empty() && ascii_iequal(stages[i].name_en, name)))
      return static_cast<int>(i);
  return -1;
}

int Model::category_index(std::string_view wanted) const {
  for (std::size_t i = 0; i < categories.size(); ++i)
    if (categories[i].id == wanted) return static_cast<int>(i);
  return -1;
}

int Model::grade_of(double published_score) const {
  for (std::size_t i = 0; i < grades.size(); ++i)
    if (published_score >= grades[i].min_score) return static_cast<int>(i);
  // Below the last grade's min 0 (or NaN): the lowest grade, as a valid
  // model's last grade holds every non-negative score.
  return grades.empty() ? -1 : static_cast<int>(grades.size()) - 1;
}

const Model& default_model() {
  static const Model model = Model::from_json(embedded::model_torch_2022());
  return model;
}

std::string_view builtin_model_json(std::string_view id) {
  if (id == "torch-2022") return embedded::model_torch_2022();
  if (id == "torch-2025-trial") return embedded::model_torch_2025_trial();
  return {};
}

std::vector<std::string> builtin_model_ids() { return {"torch-2022", "torch-2025-trial"}; }

}  // namespace cxjf
