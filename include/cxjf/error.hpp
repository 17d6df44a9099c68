// cxjf: the errors the library raises. Every error is a value with a code and a
// message that tells the user what to fix; input errors also say where.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace cxjf {

/// What kind of failure an Error reports. The numbers are part of the C ABI:
/// they are never renumbered, new codes are only appended.
enum class ErrorCode : int {
  invalid_argument = 1,  ///< a caller passed a value the function cannot take
  invalid_model = 2,     ///< a model document failed validation
  invalid_input = 3,     ///< a CSV file or table row is malformed
  io = 4,                ///< a file could not be read or written
  corrupt_snapshot = 5,  ///< a snapshot file is truncated, foreign or damaged
  not_found = 6,         ///< the thing asked for does not exist (or is out of scope)
  forbidden = 7,         ///< the principal's role or permissions do not allow the request
  internal = 99,         ///< a bug in cxjf: please report it
};

/// Base class of everything cxjf throws.
class Error : public std::runtime_error {
 public:
  /// An error with `message`, made printable: bytes that are not UTF-8
  /// become U+FFFD and a NUL is written as the text \u0000, so that a
  /// message quoting hostile input is valid UTF-8 and never cut short.
  Error(ErrorCode code, const std::string& message);
  /// The kind of failure.
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

/// One problem found in a model document: the JSON path (e.g.
/// `/indicators/3/weights/成长期`) and the reason.
struct ModelProblem {
  std::string path;     ///< JSON pointer to the offending value
  std::string message;  ///< what is wrong and what is expected
};

/// A model failed validation. what() lists every problem, one per line.
class ModelError : public Error {
 public:
  explicit ModelError(std::vector<ModelProblem> problems);
  /// Every problem found, in document order.
  const std::vector<ModelProblem>& problems() const noexcept { return problems_; }

 private:
  std::vector<ModelProblem> problems_;
};

/// A malformed input file or row. `row` is the line of the file as a user sees
/// it in a spreadsheet (the header is row 1), 0 when the error is not about one
/// row; `column` is the header of the column, empty when not about one cell.
class InputError : public Error {
 public:
  InputError(std::int64_t row, std::string column, const std::string& message);
  /// The 1-based row as a spreadsheet shows it (header = 1), or 0.
  std::int64_t row() const noexcept { return row_; }
  /// The column's header as written in the file, or empty.
  const std::string& column() const noexcept { return column_; }
  /// What is wrong, without the row and column that what() puts first.
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::int64_t row_;
  std::string column_;
  std::string reason_;
};

}  // namespace cxjf
