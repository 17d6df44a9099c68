// Tables from any frame that speaks the Arrow PyCapsule protocol
// (__arrow_c_stream__: pyarrow, polars, DuckDB results, pandas): the stream's
// batches are read through the Arrow C data interface, their buffers viewed in
// place (text as views into Arrow's bytes, numbers copied once into the
// table's columns), with no Python object per cell. The structs are the
// interface's, as its specification asks consumers to copy them.
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "cxjf/error.hpp"
#include "frame_columns.hpp"

extern "C" {
struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};

struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};

struct ArrowArrayStream {
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  const char* (*get_last_error)(struct ArrowArrayStream*);
  void (*release)(struct ArrowArrayStream*);
  void* private_data;
};
}

namespace cxjf::python {
namespace {

[[noreturn]] void unsupported(const std::string& what) { throw Error(ErrorCode::invalid_argument, what); }

struct SchemaOwner {
  ArrowSchema schema{};
  ~SchemaOwner() {
    if (schema.release) schema.release(&schema);
  }
};

struct ArrayOwner {
  ArrowArray array{};
  ~ArrayOwner() {
    if (array.release) array.release(&array);
  }
};

bool valid(const ArrowArray& a, std::int64_t i) {
  if (a.null_count == 0 || !a.buffers[0]) return true;
  const std::int64_t bit = a.offset + i;
  return (static_cast<const std::uint8_t*>(a.buffers[0])[bit >> 3] >> (bit & 7)) & 1;
}

// Text of row i of a string-like array: utf8 ("u"), large utf8 ("U") or
// utf8 view ("vu"); empty when null.
std::string_view text_at(const ArrowSchema& s, const ArrowArray& a, std::int64_t i) {
  if (!valid(a, i)) return {};
  const std::string_view format = s.format;
  const std::int64_t at = a.offset + i;
  if (format == "u") {
    const auto* offsets = static_cast<const std::int32_t*>(a.buffers[1]);
    return {static_cast<const char*>(a.buffers[2]) + offsets[at], static_cast<std::size_t>(offsets[at + 1] - offsets[at])};
  }
  if (format == "U") {
    const auto* offsets = static_cast<const std::int64_t*>(a.buffers[1]);
    return {static_cast<const char*>(a.buffers[2]) + offsets[at], static_cast<std::size_t>(offsets[at + 1] - offsets[at])};
  }
  // A view: length, then the bytes inline (up to 12) or a prefix, the data
  // buffer's index and the offset in it. The last buffer holds the data
  // buffers' sizes, against which a view is checked.
  const auto* view = static_cast<const char*>(a.buffers[1]) + 16 * at;
  std::int32_t length = 0;
  std::memcpy(&length, view, 4);
  if (length < 0) unsupported("an Arrow string view has a negative length");
  if (length <= 12) return {view + 4, static_cast<std::size_t>(length)};
  std::int32_t buffer = 0, offset = 0;
  std::memcpy(&buffer, view + 8, 4);
  std::memcpy(&offset, view + 12, 4);
  if (buffer < 0 || 2 + buffer >= a.n_buffers - 1 || offset < 0 ||
      static_cast<std::int64_t>(offset) + length > static_cast<const std::int64_t*>(a.buffers[a.n_buffers - 1])[buffer])
    unsupported("an Arrow string view points outside its buffers");
  return {static_cast<const char*>(a.buffers[2 + buffer]) + offset, static_cast<std::size_t>(length)};
}

bool is_text(std::string_view format) { return format == "u" || format == "U" || format == "vu"; }

// An integer of row i of an integer array of any width.
std::int64_t integer_at(std::string_view f, const ArrowArray& a, std::int64_t i) {
  const std::int64_t at = a.offset + i;
  const void* b = a.buffers[1];
  if (f == "c") return static_cast<const std::int8_t*>(b)[at];
  if (f == "C") return static_cast<const std::uint8_t*>(b)[at];
  if (f == "s") return static_cast<const std::int16_t*>(b)[at];
  if (f == "S") return static_cast<const std::uint16_t*>(b)[at];
  if (f == "i") return static_cast<const std::int32_t*>(b)[at];
  if (f == "I") return static_cast<const std::uint32_t*>(b)[at];
  if (f == "l") return static_cast<const std::int64_t*>(b)[at];
  if (f == "L") return static_cast<std::int64_t>(static_cast<const std::uint64_t*>(b)[at]);
  unsupported("an Arrow integer of type '" + std::string(f) + "'");
}

bool numeric(std::string_view f) {
  return f == "c" || f == "C" || f == "s" || f == "S" || f == "i" || f == "I" || f == "l" || f == "L" || f == "f" ||
         f == "g";
}

// A number of row i (integers and floats of every width).
double number_at(std::string_view f, const ArrowArray& a, std::int64_t i) {
  if (f == "g") return static_cast<const double*>(a.buffers[1])[a.offset + i];
  if (f == "f") return static_cast<const float*>(a.buffers[1])[a.offset + i];
  return static_cast<double>(integer_at(f, a, i));
}

bool integral(std::string_view f) { return numeric(f) && f != "f" && f != "g"; }

// Days since 1970-01-01 as YYYYMMDD (proleptic Gregorian).
std::int64_t civil(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10000 + m * 100 + d;
}

// A column's array in one batch: rows [offset, offset + length) of `array`
// (a batch's own offset applies to its columns).
struct Part {
  const ArrowArray* array;
  std::int64_t offset, length;
};

// Calls f(array, i) for every row of a column, batch after batch.
template <class F>
void each_row(const std::vector<Part>& parts, const F& f) {
  for (const Part& p : parts)
    for (std::int64_t i = p.offset; i < p.offset + p.length; ++i) f(*p.array, i);
}

// Row i of a boolean array (bit-packed).
bool bit_at(const ArrowArray& a, std::int64_t i) {
  const std::int64_t bit = a.offset + i;
  return (static_cast<const std::uint8_t*>(a.buffers[1])[bit >> 3] >> (bit & 7)) & 1;
}

// One column over every batch, in the form table_from_typed reads.
struct Gathered {
  Column column;
  std::vector<std::string_view> views;
  std::vector<double> doubles;
  std::vector<std::int64_t> ints;
  std::vector<std::uint8_t> bools;
};

void gather(const ArrowSchema& s, const std::vector<Part>& parts, std::size_t n, Gathered& g) {
  const std::string_view f = s.format;
  const std::string name = s.name ? s.name : "";
  const bool nulls = std::any_of(parts.begin(), parts.end(), [](const Part& p) { return p.array->null_count != 0; });
  if (f == "n" || (s.dictionary && std::string_view(s.dictionary->format) == "n")) {
    // All null, or a categorical with no categories: empty cells.
    g.views.assign(n, std::string_view());
    g.column = Column{'S', g.views.data()};
  } else if (s.dictionary) {
    if (!is_text(s.dictionary->format))
      unsupported("column " + name + ": an Arrow dictionary of '" + s.dictionary->format + "' (text expected)");
    g.views.reserve(n);
    each_row(parts, [&](const ArrowArray& a, std::int64_t i) {
      if (!valid(a, i)) {
        g.views.emplace_back();
        return;
      }
      const std::int64_t index = integer_at(s.format, a, i);
      if (index < 0 || index >= a.dictionary->length)
        unsupported("column " + name + ": an Arrow dictionary index is out of range");
      g.views.push_back(text_at(*s.dictionary, *a.dictionary, index));
    });
    g.column = Column{'S', g.views.data()};
  } else if (is_text(f)) {
    g.views.reserve(n);
    each_row(parts, [&](const ArrowArray& a, std::int64_t i) { g.views.push_back(text_at(s, a, i)); });
    g.column = Column{'S', g.views.data()};
  } else if (f == "b" && nulls) {
    // Nullable: 0, 1 or missing, as a numeric column with NaN reads (a
    // missing 是否入统 is 是, as an empty cell of the CSV).
    g.doubles.reserve(n);
    each_row(parts, [&](const ArrowArray& a, std::int64_t i) { g.doubles.push_back(valid(a, i) ? bit_at(a, i) : NAN); });
    g.column = Column{'f', g.doubles.data()};
  } else if (f == "b") {
    g.bools.reserve(n);
    each_row(parts, [&](const ArrowArray& a, std::int64_t i) { g.bools.push_back(bit_at(a, i)); });
    g.column = Column{'b', g.bools.data()};
  } else if (f == "tdD") {  // date32: days since the epoch
    g.ints.reserve(n);
    each_row(parts, [&](const ArrowArray& a, std::int64_t i) {
      g.ints.push_back(valid(a, i) ? civil(static_cast<const std::int32_t*>(a.buffers[1])[a.offset + i]) : 0);
    });
    g.column = Column{'i', g.ints.data()};
  } else if (integral(f) && !nulls) {
    g.ints.reserve(n);
    each_row(parts, [&](const ArrowArray& a, std::int64_t i) { g.ints.push_back(integer_at(f, a, i)); });
    g.column = Column{'i', g.ints.data()};
  } else if (numeric(f)) {
    g.doubles.reserve(n);
    each_row(parts, [&](const ArrowArray& a, std::int64_t i) {
      g.doubles.push_back(valid(a, i) ? number_at(f, a, i) : NAN);
    });
    g.column = Column{'f', g.doubles.data()};
  } else {
    unsupported("column " + name + " has Arrow type '" + std::string(f) +
                "': pass text, numbers, booleans or dates (cast it first)");
  }
}

Table table_from_arrow(const Model& model, const py::capsule& capsule, std::int64_t first_row,
                       const py::object& progress, const std::shared_ptr<Regions>& regions) {
  if (std::string_view(capsule.name() ? capsule.name() : "") != "arrow_array_stream")
    unsupported("not an Arrow stream capsule (__arrow_c_stream__)");
  auto* stream = static_cast<ArrowArrayStream*>(capsule.get_pointer());
  if (!stream || !stream->release) unsupported("the Arrow stream was already consumed");
  auto stream_error = [&](const char* what) {
    const char* detail = stream->get_last_error ? stream->get_last_error(stream) : nullptr;
    unsupported(std::string("Arrow stream: ") + what + (detail ? std::string(": ") + detail : std::string()));
  };
  SchemaOwner schema;
  if (stream->get_schema(stream, &schema.schema) != 0) stream_error("no schema");
  if (std::string_view(schema.schema.format) != "+s") unsupported("the Arrow stream is not a table (a struct of columns)");
  std::vector<std::unique_ptr<ArrayOwner>> batches;
  std::size_t n = 0;
  for (;;) {
    auto batch = std::make_unique<ArrayOwner>();
    if (stream->get_next(stream, &batch->array) != 0) stream_error("a batch could not be read");
    if (!batch->array.release) break;
    if (batch->array.n_children != schema.schema.n_children) unsupported("an Arrow batch does not match its schema");
    n += static_cast<std::size_t>(batch->array.length);
    batches.push_back(std::move(batch));
  }
  const auto width = static_cast<std::size_t>(schema.schema.n_children);
  std::vector<std::string> headers(width);
  std::vector<Gathered> gathered(width);
  std::vector<Column> columns(width);
  for (std::size_t c = 0; c < width; ++c) {
    const ArrowSchema& child = *schema.schema.children[c];
    headers[c] = child.name ? child.name : "";
    std::vector<Part> parts;
    for (const auto& batch : batches) {
      const ArrowArray& a = *batch->array.children[c];
      if (a.length < batch->array.offset + batch->array.length) unsupported("an Arrow column is shorter than its batch");
      parts.push_back(Part{&a, batch->array.offset, batch->array.length});
    }
    gather(child, parts, n, gathered[c]);
    columns[c] = gathered[c].column;
  }
  return table_from_typed(model, headers, columns, n, first_row, progress, regions);
}

}  // namespace

void bind_arrow(py::module_& m) {
  m.def("table_from_arrow", &table_from_arrow, py::arg("model"), py::arg("stream"), py::arg("first_row") = 2,
        py::arg("progress") = py::none(), py::arg("regions") = nullptr,
        "Builds a Table from an Arrow C stream capsule (__arrow_c_stream__), with the CSV's rules.");
}

}  // namespace cxjf::python
