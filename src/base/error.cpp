#include "cxjf/error.hpp"

#include "base/utf8.hpp"

namespace cxjf {
namespace {

std::string join_problems(const std::vector<ModelProblem>& problems) {
  std::string text = "invalid model:";
  for (const auto& p : problems) text += "\n  " + (p.path.empty() ? std::string("/") : p.path) + ": " + p.message;
  return text;
}

std::string locate(std::int64_t row, const std::string& column, const std::string& message) {
  std::string where;
  if (row > 0) where = "row " + std::to_string(row);
  if (!column.empty()) where += (where.empty() ? "column " : ", column ") + column;
  return where.empty() ? message : where + ": " + message;
}

}  // namespace

// The longest message an error carries, and the longest column name: what
// an error quotes comes from outside and may be of any size.
constexpr std::size_t max_message = 16384, max_column = 512;

Error::Error(ErrorCode code, const std::string& message)
    : std::runtime_error(detail::bounded_text(message, max_message)), code_(code) {}

ModelError::ModelError(std::vector<ModelProblem> problems)
    : Error(ErrorCode::invalid_model, join_problems(problems)), problems_(std::move(problems)) {}

InputError::InputError(std::int64_t row, std::string column, const std::string& message)
    : Error(ErrorCode::invalid_input, locate(row, detail::bounded_text(column, max_column), message)),
      row_(row),
      column_(column.size() > max_column ? detail::bounded_text(column, max_column) : std::move(column)),
      reason_(detail::bounded_text(message, max_message)) {}

}  // namespace cxjf
