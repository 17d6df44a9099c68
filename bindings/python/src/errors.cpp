// C++ errors arrive in Python as the cxjf.CxjfError hierarchy (defined in
// cxjf/errors.py, where they are documented), carrying the message and, per
// kind, the row and column, the JSON path or the model's problems.
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "cxjf/error.hpp"
#include "cxjf/overview.hpp"

namespace cxjf::python {
namespace {

const char* code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::invalid_model: return "invalid_model";
    case ErrorCode::invalid_input: return "invalid_input";
    case ErrorCode::io: return "io";
    case ErrorCode::corrupt_snapshot: return "corrupt_snapshot";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

// Raises cxjf.errors.<name>(message, code=..., **extra). The classes live in
// Python so that they are ordinary exceptions users can subclass and pickle.
void raise(const char* name, const Error& e, py::dict extra) {
  py::object cls = py::module_::import("cxjf.errors").attr(name);
  extra["code"] = code_name(e.code());
  py::object error = cls(e.what(), **extra);
  PyErr_SetObject(cls.ptr(), error.ptr());
}

}  // namespace

void bind_errors(py::module_& m) {
  (void)m;
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const QueryError& e) {
      py::dict extra;
      extra["kind"] = query_error_kind_name(e.kind());
      extra["path"] = e.path();
      raise("QueryError", e, extra);
    } catch (const ModelError& e) {
      py::list problems;
      for (const auto& problem : e.problems()) problems.append(py::make_tuple(problem.path, problem.message));
      py::dict extra;
      extra["problems"] = problems;
      raise("ModelError", e, extra);
    } catch (const InputError& e) {
      py::dict extra;
      extra["row"] = e.row();
      extra["column"] = e.column();
      raise("InputError", e, extra);
    } catch (const Error& e) {
      switch (e.code()) {
        case ErrorCode::corrupt_snapshot: raise("SnapshotError", e, py::dict()); break;
        case ErrorCode::io: raise("FileError", e, py::dict()); break;
        case ErrorCode::invalid_model: raise("ModelError", e, py::dict()); break;
        case ErrorCode::invalid_input: raise("InputError", e, py::dict()); break;
        default: raise("CxjfError", e, py::dict()); break;
      }
    }
  });
}

}  // namespace cxjf::python
