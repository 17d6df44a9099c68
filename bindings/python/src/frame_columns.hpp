// The frame readers' common form: a table's columns as the Python layer's
// numpy arrays (table.cpp) or an Arrow stream's arrays (arrow.cpp) hand them
// over, read by one builder with the CSV's header rules and row checks.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cxjf/model.hpp"
#include "cxjf/table.hpp"

namespace cxjf::python {

namespace py = pybind11;

/// One input column, one-dimensional and contiguous.
struct Column {
  /// 'f' float64 (NaN missing), 'i' int64, 'b' bool (one byte), 'O' Python
  /// objects (None missing), 'S' text views (empty missing); 0 when absent.
  char kind = 0;
  const void* data = nullptr;
  PyObject* object(std::size_t i) const;
  double f(std::size_t i) const { return static_cast<const double*>(data)[i]; }
  std::int64_t i64(std::size_t i) const { return static_cast<const std::int64_t*>(data)[i]; }
  bool b(std::size_t i) const { return static_cast<const bool*>(data)[i]; }
  std::string_view view(std::size_t i) const { return static_cast<const std::string_view*>(data)[i]; }
};

/// A Table from `n` rows of named columns (`columns[h]` is the column headed
/// `headers[h]`): the CSV's header rules and messages, every row through
/// TableBuilder, errors naming row first_row + i and the column as headed.
/// Call with the GIL held (object columns are read with it; the rows are
/// built without it). `progress(rows)` is called now and then when not None.
/// Region codes are checked against `regions` (null: the embedded table).
Table table_from_typed(const Model& model, const std::vector<std::string>& headers, const std::vector<Column>& columns,
                       std::size_t n, std::int64_t first_row, const py::object& progress,
                       const std::shared_ptr<const Regions>& regions);

}  // namespace cxjf::python
