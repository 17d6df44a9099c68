// Table: enterprises in, from the columns of a pandas DataFrame or numpy
// arrays, and out, as numpy arrays that view the table's own memory.
//
// Columns in go through the same rules as a CSV file: headers are matched by
// the CSV reader's code (src/table/csv_text.hpp) after parse_table_csv has checked
// them, so unknown, doubled or wrongly-united columns get the CSV's messages,
// and every row goes through TableBuilder::add, so it gets the CSV's checks.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <deque>
#include <limits>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "bindings.hpp"
#include "frame_columns.hpp"
#include "table/build_rows.hpp"
#include "table/csv_text.hpp"
#include "cxjf/credit_code.hpp"
#include "cxjf/csv.hpp"
#include "cxjf/generate.hpp"
#include "cxjf/table.hpp"
#include "cxjf/upload.hpp"

namespace cxjf::python {
namespace {

using namespace cxjf::detail;

// Text of a cell: str as UTF-8 (no copy: CPython caches it in the object),
// None as empty, anything else through str(). `owned` keeps converted text.
std::string_view text_of(PyObject* cell, std::deque<std::string>& owned) {
  if (cell == Py_None) return {};
  if (PyUnicode_Check(cell)) {
    Py_ssize_t size = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(cell, &size);
    if (!utf8) throw py::error_already_set();
    return {utf8, static_cast<std::size_t>(size)};
  }
  owned.push_back(py::str(py::handle(cell)).cast<std::string>());
  return owned.back();
}

struct Builder {
  const Model& model;
  const std::vector<std::string>& headers;
  std::vector<int> source;  // our column -> input column, -1 absent
  std::int64_t first_row;

  [[noreturn]] void fail(std::size_t i, int column, const std::string& message) const {
    throw InputError(first_row + static_cast<std::int64_t>(i), headers[static_cast<std::size_t>(source[column])],
                     message);
  }
};

// 是否入统 as text: the CSV's forms, 是/否, 1/0, true/false (any case);
// empty is 是.
std::optional<bool> text_flag(std::string_view text) { return parse_registered(trim(text)); }

}  // namespace

PyObject* Column::object(std::size_t i) const { return static_cast<PyObject* const*>(data)[i]; }

Table table_from_typed(const Model& model, const std::vector<std::string>& headers, const std::vector<Column>& input,
                       std::size_t n, std::int64_t first_row, const py::object& progress,
                       const std::shared_ptr<const Regions>& regions) {
  // The CSV reader checks the header row: unknown and doubled columns,
  // units, missing required columns, with its messages.
  {
    std::string header_line;
    for (std::size_t h = 0; h < headers.size(); ++h) header_line += (h ? "," : "") + csv_field(headers[h]);
    parse_table_csv(header_line + "\n", model);
  }
  const int k = static_cast<int>(model.indicators.size());
  Builder b{model, headers, std::vector<int>(static_cast<std::size_t>(attribute_count + k), -1), first_row};
  for (std::size_t h = 0; h < headers.size(); ++h) {
    std::string_view cell = trim(headers[h]);
    int column = match_column(cell, model);
    if (column < 0)
      if (auto split = split_unit(cell)) column = match_column(split->name, model);
    b.source[static_cast<std::size_t>(column)] = static_cast<int>(h);  // parse_table_csv accepted it
  }

  std::vector<Column> columns(b.source.size());
  for (std::size_t c = 0; c < b.source.size(); ++c)
    if (b.source[c] >= 0) columns[c] = input[static_cast<std::size_t>(b.source[c])];

  // With the GIL held: every Python object becomes C++ data, so that the
  // builder below runs without it.
  std::deque<std::string> owned;
  auto texts = [&](int c) {
    std::vector<std::string_view> out(n);
    const Column& col = columns[c];
    if (!col.kind) return out;
    for (std::size_t i = 0; i < n; ++i) {
      if (col.kind == 'S') {
        out[i] = col.view(i);
      } else if (col.kind == 'O') {
        out[i] = text_of(col.object(i), owned);
      } else {
        owned.push_back(col.kind == 'f'   ? (std::isnan(col.f(i)) ? std::string() : py::str(py::float_(col.f(i))).cast<std::string>())
                        : col.kind == 'i' ? std::to_string(col.i64(i))
                                          : std::string(col.b(i) ? "true" : "false"));
        out[i] = owned.back();
      }
    }
    return out;
  };
  auto credit = texts(credit_code_column), name = texts(name_column), zone = texts(zone_column),
       incubator = texts(incubator_column), industry = texts(industry_column), stage = texts(stage_column);

  // Multi-valued cells: text with the CSV's separators, or a list of values.
  std::vector<std::string_view> multi[3];
  const int multi_columns[3] = {tech_fields_column, qualifications_column, negatives_column};
  for (int m = 0; m < 3; ++m) {
    const int c = multi_columns[m];
    if (columns[c].kind == 'O') {
      multi[m].resize(n);
      for (std::size_t i = 0; i < n; ++i) {
        PyObject* cell = columns[c].object(i);
        if (PyList_Check(cell) || PyTuple_Check(cell)) {
          std::string joined;
          for (auto item : py::reinterpret_borrow<py::iterable>(cell)) joined += py::str(item).cast<std::string>() + ";";
          owned.push_back(std::move(joined));
          multi[m][i] = owned.back();
        } else {
          multi[m][i] = text_of(cell, owned);
        }
      }
    } else {
      multi[m] = texts(c);
    }
  }

  std::vector<std::int32_t> region(n);
  {
    const Column& col = columns[region_column];
    for (std::size_t i = 0; i < n; ++i) {
      std::int64_t v = 0;
      if (col.kind == 'i') {
        v = col.i64(i);
      } else if (col.kind == 'f') {
        double d = col.f(i);
        if (!(d == std::floor(d))) b.fail(i, region_column, "'" + py::str(py::float_(d)).cast<std::string>() + "' is not a six-digit region code (GB/T 2260, e.g. 440305)");
        v = static_cast<std::int64_t>(d);
      } else if (col.kind == 'S') {
        std::string_view s = trim(col.view(i));
        if (s.size() != 6 || !all_digits(s))
          b.fail(i, region_column, "'" + std::string(s) + "' is not a six-digit region code (GB/T 2260, e.g. 440305)");
        v = digits_value(s);
      } else if (col.kind == 'b') {
        b.fail(i, region_column, std::string("'") + (col.b(i) ? "True" : "False") +
                                     "' is not a six-digit region code (GB/T 2260, e.g. 440305)");
      } else {
        PyObject* cell = col.object(i);
        if (PyLong_Check(cell)) {
          v = PyLong_AsLongLong(cell);
        } else {
          std::string_view s = trim(text_of(cell, owned));
          if (s.size() != 6 || !all_digits(s))
            b.fail(i, region_column, "'" + std::string(s) + "' is not a six-digit region code (GB/T 2260, e.g. 440305)");
          v = digits_value(s);
        }
      }
      if (v < 100000 || v > 999999)
        b.fail(i, region_column, "'" + std::to_string(v) + "' is not a six-digit region code (GB/T 2260, e.g. 440305)");
      region[i] = static_cast<std::int32_t>(v);
    }
  }

  std::vector<std::int32_t> founded(n, 0);
  if (const Column& col = columns[founded_column]; col.kind) {
    for (std::size_t i = 0; i < n; ++i) {
      if (col.kind == 'i') {
        founded[i] = static_cast<std::int32_t>(col.i64(i));
        continue;
      }
      if (col.kind == 'f') {
        if (!std::isnan(col.f(i))) founded[i] = static_cast<std::int32_t>(col.f(i));
        continue;
      }
      if (col.kind == 'b')
        b.fail(i, founded_column, std::string("'") + (col.b(i) ? "True" : "False") +
                                      "' is not a date: write YYYY-MM-DD or YYYYMMDD, e.g. 2015-06-30");
      if (col.kind == 'S') {
        std::string_view s = trim(col.view(i));
        founded[i] = parse_date(s);
        if (founded[i] < 0)
          b.fail(i, founded_column, "'" + std::string(s) + "' is not a date: write YYYY-MM-DD or YYYYMMDD, e.g. 2015-06-30");
        continue;
      }
      PyObject* cell = col.object(i);
      if (cell == Py_None) continue;
      if (PyLong_Check(cell)) {
        founded[i] = static_cast<std::int32_t>(PyLong_AsLong(cell));
      } else if (PyUnicode_Check(cell)) {
        std::string_view s = trim(text_of(cell, owned));
        founded[i] = parse_date(s);
        if (founded[i] < 0)
          b.fail(i, founded_column, "'" + std::string(s) + "' is not a date: write YYYY-MM-DD or YYYYMMDD, e.g. 2015-06-30");
      } else if (PyObject_HasAttrString(cell, "year") && PyObject_HasAttrString(cell, "month")) {
        // datetime.date, datetime.datetime and pandas.Timestamp
        py::handle d(cell);
        founded[i] = d.attr("year").cast<std::int32_t>() * 10000 + d.attr("month").cast<std::int32_t>() * 100 +
                     d.attr("day").cast<std::int32_t>();
      } else {
        b.fail(i, founded_column, "'" + py::str(py::handle(cell)).cast<std::string>() + "' is not a date: write YYYY-MM-DD or YYYYMMDD, e.g. 2015-06-30");
      }
    }
  }

  std::vector<std::uint8_t> registered(n, 1);
  if (const Column& col = columns[registered_column]; col.kind) {
    for (std::size_t i = 0; i < n; ++i) {
      std::optional<bool> flag;
      if (col.kind == 'b') flag = col.b(i);
      else if (col.kind == 'i' && (col.i64(i) == 0 || col.i64(i) == 1)) flag = col.i64(i) == 1;
      else if (col.kind == 'f' && std::isnan(col.f(i))) flag = true;
      else if (col.kind == 'f' && (col.f(i) == 0 || col.f(i) == 1)) flag = col.f(i) == 1;
      else if (col.kind == 'S') flag = text_flag(col.view(i));
      else if (col.kind == 'O') {
        PyObject* cell = col.object(i);
        if (cell == Py_None) flag = true;
        else if (PyBool_Check(cell)) flag = cell == Py_True;
        else flag = text_flag(text_of(cell, owned));
      }
      if (!flag) {
        std::string shown = col.kind == 'S' ? std::string(col.view(i))
                            : col.kind == 'O' ? std::string(text_of(col.object(i), owned))
                            : col.kind == 'i' ? std::to_string(col.i64(i))
                                              : py::str(py::float_(col.f(i))).cast<std::string>();
        b.fail(i, registered_column, "'" + shown + "' is not 是 or 否 (1/0 or true/false also work)");
      }
      registered[i] = *flag ? 1 : 0;
    }
  }

  // Indicator columns: float64 are read in place; object columns (text as
  // in a CSV) are parsed with the CSV's number rules.
  std::vector<const double*> values(static_cast<std::size_t>(k), nullptr);
  std::vector<std::vector<double>> parsed;
  for (int j = 0; j < k; ++j) {
    const int c = attribute_count + j;
    const Column& col = columns[c];
    if (col.kind == 'f') {
      values[j] = static_cast<const double*>(col.data);
      continue;
    }
    parsed.emplace_back(n, missing_value);
    auto& out = parsed.back();
    for (std::size_t i = 0; i < n; ++i) {
      if (col.kind == 'i') out[i] = static_cast<double>(col.i64(i));
      else if (col.kind == 'b') out[i] = col.b(i) ? 1 : 0;
      else if (col.kind == 'S') {
        std::string_view s = trim(col.view(i));
        if (s.empty()) continue;
        switch (parse_number(s, out[i])) {
          case NumberStatus::ok: break;
          case NumberStatus::not_a_number: b.fail(i, c, "'" + std::string(s) + "' is not a number");
          case NumberStatus::out_of_range: b.fail(i, c, "'" + std::string(s) + "' is out of the range of a double");
        }
      } else {
        PyObject* cell = col.object(i);
        if (cell == Py_None) continue;
        if (PyFloat_Check(cell) || PyLong_Check(cell)) {
          out[i] = PyFloat_AsDouble(cell);
          continue;
        }
        std::string_view s = trim(text_of(cell, owned));
        if (s.empty()) continue;
        switch (parse_number(s, out[i])) {
          case NumberStatus::ok: break;
          case NumberStatus::not_a_number: b.fail(i, c, "'" + std::string(s) + "' is not a number");
          case NumberStatus::out_of_range: b.fail(i, c, "'" + std::string(s) + "' is out of the range of a double");
        }
      }
    }
    values[j] = out.data();
  }

  // TableBuilder names a field by its Chinese header (attributes) or its id
  // (indicators); the user must see the column as they named it.
  auto header_of = [&](const std::string& field) -> std::string {
    const auto& attributes = attribute_columns();
    for (int a = 0; a < attribute_count; ++a)
      if (field == attributes[a].name_zh && b.source[a] >= 0) return headers[b.source[a]];
    for (int j = 0; j < k; ++j)
      if (field == model.indicators[j].id && b.source[attribute_count + j] >= 0)
        return headers[b.source[attribute_count + j]];
    return field;
  };

  // Row by row through TableBuilder (the CSV's checks), in blocks on every
  // core without the GIL; the first error is the one a sequential build
  // meets (src/table/build_rows.hpp).
  std::function<void(std::int64_t)> done;
  if (!progress.is_none())
    done = [&progress](std::int64_t rows) {
      py::gil_scoped_acquire acquire;
      progress(rows);
    };
  std::vector<std::string> ids;
  for (const auto& indicator : model.indicators) ids.push_back(indicator.id);
  py::gil_scoped_release release;
  try {
    return build_rows(ids, regions, static_cast<std::int64_t>(n), 0, first_row,
                      [&](std::int64_t r, RowView& row) {
                        const auto i = static_cast<std::size_t>(r);
                        row.credit_code = credit[i];
                        row.name = name[i];
                        row.region = region[i];
                        row.zone = trim(zone[i]);
                        row.incubator = trim(incubator[i]);
                        row.industry = trim(industry[i]);
                        split_values(multi[0][i], row.tech_fields, table_separators);
                        split_values(multi[1][i], row.qualifications, table_separators);
                        split_values(multi[2][i], row.negatives, table_separators);
                        row.founded = founded[i];
                        row.registered = registered[i] != 0;
                        row.stage = trim(stage[i]);
                        row.values.resize(static_cast<std::size_t>(k));
                        for (int j = 0; j < k; ++j) row.values[j] = values[j][i];
                      },
                      done);
  } catch (const InputError& e) {
    throw InputError(e.row(), e.column().empty() ? std::string() : header_of(e.column()), e.reason());
  }
}

namespace {

// The numpy columns the Python layer hands over: float64, int64, bool or
// object (None for a missing cell), one-dimensional and contiguous.
Table table_from_columns(const Model& model, const std::vector<std::string>& headers,
                         const std::vector<py::array>& arrays, std::int64_t first_row, const py::object& progress,
                         const std::shared_ptr<Regions>& regions) {
  if (headers.size() != arrays.size())
    throw Error(ErrorCode::invalid_argument, "one header per column: " + std::to_string(headers.size()) +
                                                 " headers, " + std::to_string(arrays.size()) + " columns");
  std::size_t n = 0;
  std::vector<Column> columns(arrays.size());
  for (std::size_t h = 0; h < arrays.size(); ++h) {
    const py::array& a = arrays[h];
    if (a.ndim() != 1) throw Error(ErrorCode::invalid_argument, "column " + headers[h] + " is not one-dimensional");
    char kind = a.dtype().kind();
    std::size_t size = a.itemsize();
    bool ok = (kind == 'f' && size == 8) || (kind == 'i' && size == 8) || kind == 'b' || kind == 'O';
    if (!ok || !(a.flags() & py::array::c_style))
      throw Error(ErrorCode::invalid_argument,
                  "column " + headers[h] + ": pass float64, int64, bool or object arrays, contiguous");
    if (h == 0) n = static_cast<std::size_t>(a.shape(0));
    if (static_cast<std::size_t>(a.shape(0)) != n)
      throw Error(ErrorCode::invalid_argument, "columns differ in length: " + headers[h] + " has " +
                                                   std::to_string(a.shape(0)) + " rows, others " + std::to_string(n));
    columns[h] = Column{kind, a.data()};
  }
  return table_from_typed(model, headers, columns, n, first_row, progress, regions);
}

// A read-only numpy array over `size` elements at `data`, kept alive by `owner`.
template <class T>
py::array view(const T* data, std::size_t size, py::handle owner) {
  py::array a(py::dtype::of<T>(), {size}, {sizeof(T)}, size ? data : nullptr, owner);
  a.attr("flags").attr("writeable") = false;
  return a;
}

const Dictionary& dictionary_of(const Table& t, const std::string& field) {
  if (field == "zone") return t.zones;
  if (field == "incubator") return t.incubators;
  if (field == "stage") return t.stage_names;
  if (field == "tech_fields") return t.tech_field_names;
  if (field == "qualifications") return t.qualification_names;
  if (field == "negatives") return t.negative_names;
  throw Error(ErrorCode::invalid_argument, "no dictionary column '" + field + "'");
}

// Text column `field` of rows `rows` (all rows in table order when empty), as
// a numpy object array. Multi-valued cells are joined with ';' as the CSV
// writes them; each distinct set becomes one Python string, shared.
py::array strings(const Table& t, const std::string& field,
                  const std::optional<py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>>& selected) {
  const std::int64_t* rows = selected ? selected->data() : nullptr;
  const std::size_t n = rows ? static_cast<std::size_t>(selected->size()) : static_cast<std::size_t>(t.size());
  auto at = [&](std::size_t i) { return rows ? static_cast<std::size_t>(rows[i]) : i; };
  for (std::size_t i = 0; rows && i < n; ++i)
    if (rows[i] < 0 || rows[i] >= t.size()) throw py::index_error("row " + std::to_string(rows[i]) + " is not in the table");
  // numpy fills a new object array with None; each cell's reference is ours to replace.
  py::array out(py::dtype("O"), std::vector<py::ssize_t>{static_cast<py::ssize_t>(n)}, std::vector<py::ssize_t>{});
  auto* cells = reinterpret_cast<PyObject**>(out.mutable_data());
  auto put = [&](std::size_t i, std::string_view s) {
    PyObject* str = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
    if (!str) throw py::error_already_set();
    Py_XDECREF(cells[i]);
    cells[i] = str;
  };
  if (field == "credit_code" || field == "name") {
    const auto& column = field == "credit_code" ? t.credit_code : t.name;
    for (std::size_t i = 0; i < n; ++i) put(i, column[at(i)]);
    return out;
  }
  const std::vector<std::uint32_t>* bits = field == "tech_fields"      ? &t.tech_fields
                                           : field == "qualifications" ? &t.qualifications
                                           : field == "negatives"      ? &t.negatives
                                                                       : nullptr;
  if (!bits) throw Error(ErrorCode::invalid_argument, "no text column '" + field + "'");
  const Dictionary& names = dictionary_of(t, field);
  std::unordered_map<std::uint32_t, py::object> joined;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t set = (*bits)[at(i)];
    auto it = joined.find(set);
    if (it == joined.end()) {
      std::string text;
      for (int v = 0; v < names.size(); ++v)
        if (set >> v & 1u) text += (text.empty() ? "" : ";") + names[v];
      it = joined.emplace(set, py::str(text)).first;
    }
    Py_XDECREF(cells[i]);
    cells[i] = it->second.inc_ref().ptr();
  }
  return out;
}

}  // namespace

// The embedded table, shared without ownership (it lives as long as the
// library).
std::shared_ptr<Regions> builtin_regions() {
  return std::shared_ptr<Regions>(const_cast<Regions*>(&Regions::builtin()), [](Regions*) {});
}

void bind_table(py::module_& m) {
  // Immutable once read: the shared_ptr<Regions> holder hands the same object
  // to every table read with it (Table::regions holds it as const).
  py::class_<Regions, std::shared_ptr<Regions>>(m, "Regions", "One edition of the GB/T 2260 region table (cxjf::Regions).")
      .def_static("builtin", &builtin_regions)
      .def_static(
          "from_csv",
          [](const std::string& text, const std::string& edition) {
            return std::make_shared<Regions>(Regions::from_csv(text, edition));
          },
          py::arg("text"), py::arg("edition") = "custom")
      .def_property_readonly("edition", &Regions::edition)
      .def_property_readonly("content_hash", [](const Regions& r) { return hex16(r.content_hash()); })
      .def_property_readonly("is_builtin", &Regions::is_builtin)
      .def("to_csv", &Regions::to_csv)
      .def("__len__", [](const Regions& r) { return r.all().size(); })
      .def("name", [](const Regions& r, std::int32_t code) -> py::object {
        const Region* region = r.find(code);
        if (!region) return py::none();
        return py::str(region->name);
      }, py::arg("code"));
  py::class_<Table, std::shared_ptr<Table>>(m, "Table", "Enterprises, column by column (cxjf::Table).")
      .def("__len__", [](const Table& t) { return t.size(); })
      .def("copy", [](const Table& t) { return Table(t); })
      .def_property_readonly("regions",
                             [](const Table& t) {
                               return t.regions ? std::const_pointer_cast<Regions>(t.regions) : builtin_regions();
                             })
      .def_readonly("indicator_ids", &Table::indicator_ids)
      .def_property_readonly("values",
                             [](py::object self) {
                               const Table& t = self.cast<const Table&>();
                               // Column-major n x k: a Fortran-ordered view, no copy.
                               const auto rows = static_cast<std::size_t>(t.values.rows());
                               const auto cols = static_cast<std::size_t>(t.values.cols());
                               py::array a(py::dtype::of<double>(), {rows, cols},
                                           {sizeof(double), sizeof(double) * rows},
                                           t.values.size() ? t.values.data() : nullptr, self);
                               a.attr("flags").attr("writeable") = false;
                               return a;
                             })
      .def_property_readonly("region", [](py::object self) {
        const Table& t = self.cast<const Table&>();
        return view(t.region.data(), t.region.size(), self);
      })
      .def_property_readonly("founded", [](py::object self) {
        const Table& t = self.cast<const Table&>();
        return view(t.founded.data(), t.founded.size(), self);
      })
      .def_property_readonly("registered", [](py::object self) {
        const Table& t = self.cast<const Table&>();
        // uint8 0/1 viewed as numpy bool: same bytes, no copy.
        return view(t.registered.data(), t.registered.size(), self).attr("view")("bool");
      })
      .def_property_readonly("industry", [](py::object self) {
        const Table& t = self.cast<const Table&>();
        return view(t.industry.data(), t.industry.size(), self);
      })
      .def(
          "codes",
          [](py::object self, const std::string& field) {
            const Table& t = self.cast<const Table&>();
            const auto& codes = field == "zone" ? t.zone : field == "incubator" ? t.incubator : t.stage;
            if (field != "zone" && field != "incubator" && field != "stage")
              throw Error(ErrorCode::invalid_argument, "no coded column '" + field + "': zone, incubator or stage");
            return py::make_tuple(view(codes.data(), codes.size(), self), dictionary_of(t, field).values());
          },
          py::arg("field"), "(codes, names) of a dictionary-encoded column; code -1 is none.")
      .def("strings", &strings, py::arg("field"), py::arg("rows") = py::none(),
           "A text column as an object array, of `rows` (default all).")
      .def("row_of", [](const Table& t, const std::string& credit_code) -> std::int64_t {
        std::string code = normalize_credit_code(credit_code);
        for (std::int64_t i = 0; i < t.size(); ++i)
          if (t.credit_code[static_cast<std::size_t>(i)] == code) return i;
        return -1;
      });

  m.def("industry_names", [] {
    std::vector<std::string> names;
    for (int i = 0; i < industry_count; ++i) names.emplace_back(industry_name(i));
    return names;
  });
  m.def("attribute_columns", [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& column : attribute_columns()) out.emplace_back(column.id, column.name_zh);
    return out;
  });
  m.def("table_from_columns", &table_from_columns, py::arg("model"), py::arg("headers"), py::arg("columns"),
        py::arg("first_row") = 2, py::arg("progress") = py::none(), py::arg("regions") = nullptr,
        "Builds a Table from named columns, with the CSV reader's header rules and row checks.");
  m.def(
      "read_table_csv",
      [](const std::string& path, const Model& model, const std::string& encoding,
         const std::shared_ptr<Regions>& regions) {
        CsvReadOptions options;
        options.encoding = encoding_from_name(encoding);
        options.regions = regions;
        py::gil_scoped_release release;
        return read_table_csv(path, model, options);
      },
      py::arg("path"), py::arg("model"), py::arg("encoding") = "auto", py::arg("regions") = nullptr);
  m.def(
      "read_table_as_upload",
      [](const py::bytes& bytes, const Model& model, const std::string& encoding,
         const std::shared_ptr<Regions>& regions) {
        UploadOptions options;
        options.encoding = encoding_from_name(encoding);
        options.regions = regions;
        // A table, not a portal's upload: no row or size limit of its own.
        std::string data = bytes;
        std::vector<std::string> unknown;
        Table table;
        {
          py::gil_scoped_release release;
          table = read_table_as_upload(data, model, options, &unknown);
        }
        return py::make_tuple(std::move(table), unknown);
      },
      py::arg("data"), py::arg("model"), py::arg("encoding") = "auto", py::arg("regions") = nullptr);
  m.def(
      "parse_table_csv",
      [](const std::string& text, const Model& model, const std::shared_ptr<Regions>& regions) {
        CsvReadOptions options;
        options.regions = regions;
        py::gil_scoped_release release;
        return parse_table_csv(text, model, options);
      },
      py::arg("text"), py::arg("model"), py::arg("regions") = nullptr);
  m.def(
      "write_table_csv",
      [](const Table& table, const Model& model) {
        std::ostringstream out;
        {
          py::gil_scoped_release release;
          write_table_csv(out, table, model);
        }
        return py::bytes(out.str());
      },
      py::arg("table"), py::arg("model"));
  m.def(
      "generate",
      [](const Model& model, std::int64_t n, std::uint64_t seed, double unregistered_share) {
        if (n < 0) throw Error(ErrorCode::invalid_argument, "n must be >= 0, not " + std::to_string(n));
        GenerateOptions options;
        options.n = n;
        options.seed = seed;
        options.unregistered_share = unregistered_share;
        py::gil_scoped_release release;
        return generate(model, options);
      },
      py::arg("model"), py::arg("n"), py::arg("seed"), py::arg("unregistered_share"));
}

}  // namespace cxjf::python
