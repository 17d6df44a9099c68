#include "xlsx/reader.hpp"
#include "xlsx/cells.hpp"

#include <expat.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <system_error>

#include "cxjf/error.hpp"

namespace cxjf::xlsx {
namespace {

// A non-negative integer attribute, or `fallback` when it is absent or no
// such integer (never undefined behaviour on overflow, unlike atoi).
std::int64_t integer(const char* text, std::int64_t fallback) {
  if (!text) return fallback;
  std::int64_t v = 0;
  const char* end = text + std::strlen(text);
  const auto [ptr, ec] = std::from_chars(text, end, v);
  return ec == std::errc() && ptr == end && v >= 0 ? v : fallback;
}

// A workbook problem: InputError on row 0, in both languages.
[[noreturn]] void refuse(const std::string& en, const std::string& zh) {
  throw InputError(0, "", en + " (" + zh + ")");
}

// ---------------------------------------------------------------------------
// The archive, with libzip.

class Archive {
 public:
  Archive(std::string_view bytes, const Limits& limits) : limits_(limits) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source) zip_ = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
    if (!zip_) {
      const std::string why = zip_error_strerror(&error);
      if (source) zip_source_free(source);
      zip_error_fini(&error);
      refuse("the workbook is damaged or incomplete: its archive cannot be read (" + why +
                 "); save it again from Excel or LibreOffice and upload it whole",
             "工作簿已损坏或不完整，无法读取：请用Excel或WPS重新保存后完整上传");
    }
    zip_error_fini(&error);
    const zip_int64_t entries = zip_get_num_entries(zip_, 0);
    if (entries < 0 || static_cast<std::uint64_t>(entries) > limits_.max_entries)
      refuse("the workbook's archive holds " + std::to_string(entries) + " files, more than the limit of " +
                 std::to_string(limits_.max_entries) + ": it is not an ordinary workbook",
             "工作簿压缩包内文件数超过上限，不是常规工作簿");
  }
  ~Archive() {
    if (zip_) zip_discard(zip_);
  }
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;

  bool has(const std::string& name) const { return zip_name_locate(zip_, name.c_str(), 0) >= 0; }

  // Decompresses part `name` chunk by chunk into `feed`, counting every byte
  // against the workbook's bound as it comes.
  template <class Feed>
  void stream(const std::string& name, Feed&& feed) {
    zip_file_t* file = zip_fopen(zip_, name.c_str(), 0);
    if (!file) {
      const int code = zip_error_code_zip(zip_get_error(zip_));
      if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP)
        refuse("the workbook is encrypted: remove its password (File > Info > Protect Workbook) and save it again",
               "工作簿已加密：请取消密码保护后重新保存");
      refuse("the workbook's part " + name + " cannot be read (" + zip_strerror(zip_) +
                 "): save it again from Excel or LibreOffice",
             "工作簿的组成部分" + name + "无法读取，请重新保存");
    }
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> guard(file, zip_fclose);
    char buffer[1 << 16];
    for (;;) {
      const zip_int64_t n = zip_fread(file, buffer, sizeof buffer);
      if (n < 0)
        refuse("the workbook's part " + name + " is damaged (" + zip_file_strerror(file) +
                   "): save it again from Excel or LibreOffice",
               "工作簿的组成部分" + name + "已损坏，请重新保存");
      if (n == 0) break;
      unpacked_ += static_cast<std::uint64_t>(n);
      if (unpacked_ > limits_.max_unpacked_bytes)
        refuse("the workbook unpacks to more than " + std::to_string(limits_.max_unpacked_bytes >> 20) +
                   " MiB of XML, the limit of one upload: split it into several workbooks, or it is not an "
                   "ordinary workbook",
               "工作簿解压后超过" + std::to_string(limits_.max_unpacked_bytes >> 20) + " MiB上限，请拆分上传");
      feed(std::string_view(buffer, static_cast<std::size_t>(n)), false);
    }
    feed(std::string_view(), true);
  }

 private:
  const Limits& limits_;
  zip_t* zip_ = nullptr;
  std::uint64_t unpacked_ = 0;
};

// ---------------------------------------------------------------------------
// XML, with expat, names without their prefixes.
//
// Names are matched by their local part ("c" of "x:c"): the parts of a
// workbook use one vocabulary each, whatever prefix a writer chose, and
// resolving namespaces would make expat build "uri|c" for every element and
// attribute, the largest cost of reading a sheet.

// The local part of a name "prefix:local".
std::string_view local(const XML_Char* name) {
  std::string_view s(name);
  const std::size_t colon = s.rfind(':');
  return colon == std::string_view::npos ? s : s.substr(colon + 1);
}

// The value of the attribute with local name `name` (and, when `qualified`,
// with a prefix: r:id rather than id), or null.
const XML_Char* attribute(const XML_Char** attributes, std::string_view name, bool qualified = false) {
  for (; *attributes; attributes += 2) {
    std::string_view full(attributes[0]);
    const std::size_t colon = full.rfind(':');
    if (qualified != (colon != std::string_view::npos)) continue;
    if ((colon == std::string_view::npos ? full : full.substr(colon + 1)) == name) return attributes[1];
  }
  return nullptr;
}

// What a part's parser does with elements and text. A handler that finds
// a problem records it in `problem` and the parse stops there: exceptions
// must not cross expat's C frames.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual void start(std::string_view name, const XML_Char** attributes) = 0;
  virtual void end(std::string_view name) = 0;
  virtual void text(std::string_view) {}
  std::string problem_en, problem_zh;  // found by the handler
  std::string malformed;               // the XML itself is bad
  bool stopped() const { return !problem_en.empty() || !malformed.empty(); }
};

// Expat's own memory, bounded: a part can make expat buffer one huge
// attribute or text node whole, and the bound on decompressed bytes alone
// would let that cost several times the part. The parser lives on one
// thread, so the count is per thread; a failed allocation is expat's
// "out of memory" error, refused like malformed XML.
constexpr std::size_t expat_budget = std::size_t{256} << 20;
thread_local std::size_t expat_in_use = 0;
constexpr std::size_t header_bytes = 16;  // the size, keeping malloc's alignment

void* expat_malloc(std::size_t n) {
  if (n > expat_budget - expat_in_use) return nullptr;
  auto* p = static_cast<unsigned char*>(std::malloc(n + header_bytes));
  if (!p) return nullptr;
  std::memcpy(p, &n, sizeof n);
  expat_in_use += n;
  return p + header_bytes;
}
void expat_free(void* q) {
  if (!q) return;
  auto* p = static_cast<unsigned char*>(q) - header_bytes;
  std::size_t n;
  std::memcpy(&n, p, sizeof n);
  expat_in_use -= n;
  std::free(p);
}
void* expat_realloc(void* q, std::size_t n) {
  if (!q) return expat_malloc(n);
  auto* p = static_cast<unsigned char*>(q) - header_bytes;
  std::size_t old;
  std::memcpy(&old, p, sizeof old);
  if (n > old && n - old > expat_budget - expat_in_use) return nullptr;
  auto* r = static_cast<unsigned char*>(std::realloc(p, n + header_bytes));
  if (!r) return nullptr;
  std::memcpy(r, &n, sizeof n);
  expat_in_use = expat_in_use - old + n;
  return r + header_bytes;
}
const XML_Memory_Handling_Suite expat_memory = {expat_malloc, expat_realloc, expat_free};

// What the callbacks reach: the handler, the parser (to stop it the moment
// a problem shows) and an exception thrown inside a handler (bad_alloc),
// kept to be rethrown once expat has returned.
struct ParseContext {
  Handler* handler;
  XML_Parser parser;
  std::exception_ptr thrown;
};

template <class F>
void guarded(void* data, F&& f) {
  auto* c = static_cast<ParseContext*>(data);
  if (c->thrown || c->handler->stopped()) return;
  try {
    f(*c->handler);
  } catch (...) {
    c->thrown = std::current_exception();
  }
  if (c->thrown || c->handler->stopped()) XML_StopParser(c->parser, XML_FALSE);
}

// Parses `part` into `handler`. Malformed XML is refused here; a problem
// the handler found stops the parse and is left for the caller to report.
void parse(Archive& archive, const std::string& part, Handler& handler) {
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, void (*)(XML_Parser)> parser(
      XML_ParserCreate_MM(nullptr, &expat_memory, nullptr), XML_ParserFree);
  if (!parser) throw std::bad_alloc();
  ParseContext context{&handler, parser.get(), nullptr};
  XML_SetUserData(parser.get(), &context);
  XML_SetElementHandler(
      parser.get(),
      [](void* data, const XML_Char* name, const XML_Char** attributes) {
        guarded(data, [&](Handler& h) { h.start(local(name), attributes); });
      },
      [](void* data, const XML_Char* name) { guarded(data, [&](Handler& h) { h.end(local(name)); }); });
  XML_SetCharacterDataHandler(parser.get(), [](void* data, const XML_Char* s, int n) {
    guarded(data, [&](Handler& h) { h.text(std::string_view(s, static_cast<std::size_t>(n))); });
  });
  // Office Open XML parts have no document type: one that declares it is
  // refused, which also rules out every entity-expansion attack.
  XML_SetStartDoctypeDeclHandler(parser.get(), [](void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    guarded(data, [](Handler& h) { h.malformed = "it declares a document type, which no workbook part has"; });
  });
  XML_Parser p = parser.get();
  archive.stream(part, [&](std::string_view chunk, bool last) {
    if (handler.stopped() || context.thrown) return;
    if (XML_Parse(p, chunk.data(), static_cast<int>(chunk.size()), last ? 1 : 0) == XML_STATUS_ERROR &&
        !handler.stopped() && !context.thrown)
      handler.malformed = XML_GetErrorCode(p) == XML_ERROR_NO_MEMORY
                              ? "it needs more than " + std::to_string(expat_budget >> 20) + " MiB to parse"
                              : std::string("it is not well-formed XML at line ") +
                                    std::to_string(XML_GetCurrentLineNumber(p)) + ": " +
                                    XML_ErrorString(XML_GetErrorCode(p));
  });
  if (context.thrown) std::rethrow_exception(context.thrown);
  if (!handler.malformed.empty())
    refuse("the workbook's part " + part + " cannot be read: " + handler.malformed +
               "; save the workbook again from Excel or LibreOffice",
           "工作簿的组成部分" + part + "格式错误，无法读取，请重新保存");
}

// ---------------------------------------------------------------------------
// Package structure: relationships, the workbook, styles, shared strings.

// A part's name from a relationship target: relative to the folder of the
// part that refers to it, or absolute from the package root.
std::string resolve(const std::string& base_folder, std::string_view target) {
  std::vector<std::string> parts;
  std::string path = target.substr(0, 1) == "/" ? std::string(target.substr(1)) : base_folder + std::string(target);
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string piece = path.substr(start, slash - start);
    if (piece == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!piece.empty() && piece != ".") {
      parts.push_back(std::move(piece));
    }
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

std::string folder_of(const std::string& part) {
  const std::size_t slash = part.rfind('/');
  return slash == std::string::npos ? "" : part.substr(0, slash + 1);
}

struct Relationship {
  std::string id, type, target;  // target resolved to a part name
};

class RelationshipsHandler : public Handler {
 public:
  explicit RelationshipsHandler(std::string folder) : folder_(std::move(folder)) {}
  void start(std::string_view name, const XML_Char** attributes) override {
    if (name != "Relationship") return;
    const XML_Char* id = attribute(attributes, "Id");
    const XML_Char* type = attribute(attributes, "Type");
    const XML_Char* target = attribute(attributes, "Target");
    const XML_Char* mode = attribute(attributes, "TargetMode");
    if (!id || !type || !target || (mode && std::string_view(mode) == "External")) return;
    if (found.size() < 10000) found.push_back({id, type, resolve(folder_, target)});
  }
  void end(std::string_view) override {}
  std::vector<Relationship> found;

 private:
  std::string folder_;
};

// The relationships of `part` (none when it has no .rels part).
std::vector<Relationship> relationships(Archive& archive, const std::string& part) {
  const std::string folder = folder_of(part);
  const std::string rels = folder + "_rels/" + part.substr(folder.size()) + ".rels";
  RelationshipsHandler handler(folder);
  if (archive.has(rels)) parse(archive, rels, handler);
  return handler.found;
}

bool type_is(const Relationship& r, std::string_view kind) {
  return r.type.size() > kind.size() && r.type.compare(r.type.size() - kind.size(), kind.size(), kind) == 0 &&
         r.type[r.type.size() - kind.size() - 1] == '/';
}

struct SheetEntry {
  std::string name, relationship;
};

class WorkbookHandler : public Handler {
 public:
  void start(std::string_view name, const XML_Char** attributes) override {
    if (name == "workbookPr") {
      const XML_Char* v = attribute(attributes, "date1904");
      date1904 = v && (std::string_view(v) == "1" || std::string_view(v) == "true");
    } else if (name == "sheet") {
      const XML_Char* sheet_name = attribute(attributes, "name");
      const XML_Char* id = attribute(attributes, "id", true);
      if (sheet_name && id && sheets.size() < 1000) sheets.push_back({sheet_name, id});
    }
  }
  void end(std::string_view) override {}
  bool date1904 = false;
  std::vector<SheetEntry> sheets;
};

class StylesHandler : public Handler {
 public:
  void start(std::string_view name, const XML_Char** attributes) override {
    if (name == "numFmt") {
      const XML_Char* id = attribute(attributes, "numFmtId");
      const XML_Char* code = attribute(attributes, "formatCode");
      if (id && code && custom_.size() < 1000) custom_[static_cast<int>(std::min<std::int64_t>(integer(id, -1), 1 << 20))] = classify(code);
    } else if (name == "cellXfs") {
      in_cell_xfs_ = true;
    } else if (name == "xf" && in_cell_xfs_) {
      const XML_Char* id = attribute(attributes, "numFmtId");
      const int format = static_cast<int>(std::min<std::int64_t>(integer(id, 0), 1 << 20));
      const auto it = custom_.find(format);
      shown.push_back(it != custom_.end() ? it->second : builtin_format(format));
    }
  }
  void end(std::string_view name) override {
    if (name == "cellXfs") in_cell_xfs_ = false;
  }
  std::vector<Shown> shown;  // per cell style index

 private:
  std::map<int, Shown> custom_;
  bool in_cell_xfs_ = false;
};

// Appends `s` to `out` up to `cap` bytes; false when something was left out.
bool append_capped(std::string& out, std::string_view s, std::size_t cap) {
  if (out.size() >= cap) return s.empty();
  const std::size_t room = cap - out.size();
  out.append(s.substr(0, room));
  return s.size() <= room;
}

// The text runs of a rich or plain string (<si>, <is>): the <t> elements,
// but not those of phonetic guides (<rPh>), which Excel does not show.
class StringText {
 public:
  void start(std::string_view name) {
    if (name == "rPh") ++phonetic_;
    else if (name == "t" && phonetic_ == 0) in_t_ = true;
  }
  void end(std::string_view name) {
    if (name == "rPh") --phonetic_;
    else if (name == "t") in_t_ = false;
  }
  void text(std::string_view s, std::string& out, std::size_t cap, bool& cut) {
    if (in_t_ && !append_capped(out, s, cap)) cut = true;
  }

 private:
  int phonetic_ = 0;
  bool in_t_ = false;
};

struct SharedStrings {
  std::string arena;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // offset, size in the arena
  std::vector<bool> cut;
};

class SharedStringsHandler : public Handler {
 public:
  SharedStringsHandler(SharedStrings& out, const Limits& limits) : out_(out), limits_(limits) {}
  void start(std::string_view name, const XML_Char**) override {
    if (name == "si") {
      in_si_ = true;
      current_.clear();
      cut_ = false;
      if (static_cast<std::int64_t>(out_.spans.size()) >= limits_.max_cells) {
        problem_en = "holds more than " + std::to_string(limits_.max_cells) +
                     " strings, the limit of one upload: split it into several workbooks";
        problem_zh = "工作簿字符串数量超过上限，请拆分上传";
      }
    } else if (in_si_) {
      runs_.start(name);
    }
  }
  void end(std::string_view name) override {
    if (name == "si") {
      in_si_ = false;
      out_.spans.emplace_back(out_.arena.size(), current_.size());
      out_.arena += current_;
      out_.cut.push_back(cut_);
    } else if (in_si_) {
      runs_.end(name);
    }
  }
  void text(std::string_view s) override {
    if (in_si_) runs_.text(s, current_, limits_.max_cell_bytes + 4, cut_);
  }

 private:
  SharedStrings& out_;
  const Limits& limits_;
  StringText runs_;
  std::string current_;
  bool in_si_ = false, cut_ = false;
};

// What the sheets read so far hold, against Limits.
struct Totals {
  std::int64_t cells = 0;
  std::uint64_t text_bytes = 0;  // of the cells kept, with their bookkeeping
};

class SheetHandler : public Handler {
 public:
  SheetHandler(Sheet& sheet, const SharedStrings& strings, const std::vector<Shown>& shown, bool date1904,
               const Limits& limits, Totals& totals)
      : sheet_(sheet), strings_(strings), shown_(shown), date1904_(date1904), limits_(limits), totals_(totals) {}

  void start(std::string_view name, const XML_Char** attributes) override {
    if (!problem_en.empty()) return;
    if (name == "row") {
      const XML_Char* r = attribute(attributes, "r");
      std::int64_t number = last_row_ + 1;
      if (r) {
        number = integer(r, 0);
        // Excel writes rows in order, once each; a row out of order would
        // let one row number hold any number of cells.
        if (number <= last_row_ || number > 1048576)
          return fail("row number '" + std::string(std::string_view(r).substr(0, 20)) + "' is not a row after row " +
                      std::to_string(last_row_));
      }
      last_row_ = number;
      row_ = Row{number, false, {}};
      last_column_ = -1;
    } else if (name == "c") {
      const XML_Char* r = attribute(attributes, "r");
      std::int64_t column = last_column_ + 1, row = last_row_;
      const std::string shown_ref = r ? std::string(std::string_view(r).substr(0, 20)) : std::string();
      if (r && !parse_reference(r, column, row)) return fail("'" + shown_ref + "' is not a cell reference");
      if (row != last_row_) return fail("cell " + shown_ref + " is outside its row " + std::to_string(last_row_));
      // Cells in column order, once each, as Excel writes them: a row
      // then holds at most one cell per column.
      if (column <= last_column_) return fail("cell " + shown_ref + " repeats or precedes an earlier cell of its row");
      last_column_ = column;
      column_ = column;
      const XML_Char* t = attribute(attributes, "t");
      type_ = t ? t : "n";
      const XML_Char* s = attribute(attributes, "s");
      style_ = static_cast<int>(std::min<std::int64_t>(integer(s, 0), 1 << 20));
      value_.clear();
      formula_.clear();
      cut_ = false;
      has_value_ = false;
    } else if (name == "v") {
      in_ = Text::value;
      has_value_ = true;
    } else if (name == "f") {
      in_ = Text::formula;
    } else if (name == "is") {
      in_ = Text::inline_string;
      has_value_ = true;
    } else if (in_ == Text::inline_string) {
      runs_.start(name);
    } else if (name == "mergeCell") {
      const XML_Char* ref = attribute(attributes, "ref");
      if (ref) merge(ref);
    }
  }

  void end(std::string_view name) override {
    if (!problem_en.empty()) return;
    if (name == "v" || name == "f" || name == "is") {
      in_ = Text::none;
    } else if (in_ == Text::inline_string) {
      runs_.end(name);
    } else if (name == "c") {
      add_cell();
    } else if (name == "row") {
      if (!row_.cells.empty() || row_.wide) {
        std::stable_sort(row_.cells.begin(), row_.cells.end(),
                         [](const Cell& a, const Cell& b) { return a.column < b.column; });
        sheet_.rows.push_back(std::move(row_));
      }
      row_ = Row{};
    }
  }

  void text(std::string_view s) override {
    const std::size_t cap = limits_.max_cell_bytes + 4;
    switch (in_) {
      case Text::value: cut_ |= !append_capped(value_, s, cap); break;
      case Text::formula: append_capped(formula_, s, cap); break;
      case Text::inline_string: runs_.text(s, value_, cap, cut_); break;
      case Text::none: break;
    }
  }

  // Rows sorted, and the value of every merged range spanning rows copied
  // down its first column: a clerk who merges a region over three rows
  // means it for each of them.
  void finish() {
    std::stable_sort(sheet_.rows.begin(), sheet_.rows.end(),
                     [](const Row& a, const Row& b) { return a.number < b.number; });
    if (merges_.empty() || sheet_.rows.empty()) return;
    // A range reaching past the last row with a cell (A5:A1048576) ends
    // there: rows nobody filled are not made up.
    const std::int64_t last = sheet_.rows.back().number;
    std::vector<std::pair<std::int64_t, Cell>> copies;
    for (const auto& m : merges_) {
      const auto row = std::lower_bound(sheet_.rows.begin(), sheet_.rows.end(), m.first_row,
                                        [](const Row& r, std::int64_t n) { return r.number < n; });
      if (row == sheet_.rows.end() || row->number != m.first_row) continue;
      const auto cell = std::lower_bound(row->cells.begin(), row->cells.end(), m.column,
                                         [](const Cell& c, std::int32_t col) { return c.column < col; });
      if (cell == row->cells.end() || cell->column != m.column) continue;
      for (std::int64_t r = m.first_row + 1; r <= std::min(m.last_row, last); ++r) {
        if (!count(*cell)) return;
        copies.emplace_back(r, *cell);
        copies.back().second.copied = true;
      }
    }
    std::stable_sort(copies.begin(), copies.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Row> rows;
    rows.reserve(sheet_.rows.size() + copies.size());
    std::size_t i = 0, k = 0;
    while (i < sheet_.rows.size() || k < copies.size()) {
      const std::int64_t next = std::min(i < sheet_.rows.size() ? sheet_.rows[i].number : INT64_MAX,
                                         k < copies.size() ? copies[k].first : INT64_MAX);
      Row row = i < sheet_.rows.size() && sheet_.rows[i].number == next ? std::move(sheet_.rows[i++]) : Row{next, false, {}};
      for (; k < copies.size() && copies[k].first == next; ++k) {
        Cell& copy = copies[k].second;
        const auto at = std::lower_bound(row.cells.begin(), row.cells.end(), copy.column,
                                         [](const Cell& c, std::int32_t col) { return c.column < col; });
        if (at != row.cells.end() && at->column == copy.column) continue;  // the cell has its own value
        row.cells.insert(at, std::move(copy));
      }
      rows.push_back(std::move(row));
    }
    sheet_.rows = std::move(rows);
  }

 private:
  enum class Text : unsigned char { none, value, formula, inline_string };
  struct Merge {
    std::int64_t first_row, last_row;
    std::int32_t column;
  };

  void fail(std::string en) {
    problem_en = std::move(en);
    problem_zh = "单元格引用错误";
  }

  void too_many_cells() {
    problem_en = "the workbook has more than " + std::to_string(limits_.max_cells) +
                 " cells, the limit of one upload: split it into several workbooks";
    problem_zh = "工作簿单元格数超过上限" + std::to_string(limits_.max_cells) + "个，请拆分上传";
  }

  // Counts a kept cell and its text against the bounds; false (with the
  // problem recorded) past one. Text is counted too: a 21-byte reference to
  // a 4 KiB shared string, repeated, would otherwise cost far more memory
  // than the XML that was unpacked.
  bool count(const Cell& cell) {
    if (++totals_.cells > limits_.max_cells) {
      too_many_cells();
      return false;
    }
    totals_.text_bytes += cell.text.size() + sizeof(Cell);
    if (totals_.text_bytes > limits_.max_unpacked_bytes) {
      problem_en = "the workbook's cells hold more than " + std::to_string(limits_.max_unpacked_bytes >> 20) +
                   " MiB of text, the limit of one upload: split it into several workbooks";
      problem_zh = "工作簿单元格内容超过" + std::to_string(limits_.max_unpacked_bytes >> 20) + " MiB上限，请拆分上传";
      return false;
    }
    return true;
  }

  void merge(std::string_view ref) {
    const std::size_t colon = ref.find(':');
    std::int64_t c1, r1, c2, r2;
    if (colon == std::string_view::npos || !parse_reference(ref.substr(0, colon), c1, r1) ||
        !parse_reference(ref.substr(colon + 1), c2, r2))
      return;  // a single cell or an odd reference merges nothing worth reading
    if (r2 <= r1 || c1 >= static_cast<std::int64_t>(limits_.max_columns)) return;
    if (static_cast<std::int64_t>(merges_.size()) >= limits_.max_cells) return too_many_cells();
    merges_.push_back({r1, r2, static_cast<std::int32_t>(c1)});
  }

  void add_cell() {
    if (column_ >= static_cast<std::int64_t>(limits_.max_columns)) {
      if (has_value_ || !formula_.empty()) row_.wide = true;
      return;
    }
    Cell cell;
    cell.column = static_cast<std::int32_t>(column_);
    cell.cut = cut_;
    const Shown shown = style_ >= 0 && static_cast<std::size_t>(style_) < shown_.size()
                            ? shown_[static_cast<std::size_t>(style_)] : Shown::number;
    // A formula with no value, or an empty number (what programs that
    // write formulas without computing them leave), has nothing to show;
    // an empty text result (=IF(B5="","",…)) is an empty cell.
    if (!has_value_ || (value_.empty() && !formula_.empty() && type_ != "str")) {
      if (formula_.empty()) return;  // a formatted empty cell
      cell.kind = CellKind::formula;
      cell.text = "=" + formula_;
    } else if (type_ == "s") {
      std::size_t index = 0;
      const auto [end, ec] = std::from_chars(value_.data(), value_.data() + value_.size(), index);
      if (ec != std::errc() || end != value_.data() + value_.size() || index >= strings_.spans.size())
        return fail("cell " + column_letters(column_) + std::to_string(last_row_) + " refers to shared string '" +
                    value_ + "', which the workbook does not have");
      const auto [offset, size] = strings_.spans[index];
      cell.text.assign(strings_.arena, offset, size);
      cell.cut = strings_.cut[index];
    } else if (type_ == "inlineStr" || type_ == "str") {
      cell.text = std::move(value_);
    } else if (type_ == "b") {
      cell.kind = CellKind::boolean;
      cell.text = value_ == "1" || value_ == "true" ? "TRUE" : "FALSE";
    } else if (type_ == "e") {
      cell.kind = CellKind::error;
      cell.text = std::move(value_);
    } else if (type_ == "d") {  // ISO 8601, written by some tools instead of a serial
      cell.kind = CellKind::date;
      cell.text = value_.substr(0, value_.find('T') == 10 && value_.compare(10, 9, "T00:00:00") == 0 ? 10 : value_.size());
    } else {
      number_cell(cell, shown);
    }
    if (cell.text.empty() && cell.kind == CellKind::text) return;  // an empty string is no value
    cell.cut |= cut_utf8(cell.text, limits_.max_cell_bytes);
    if (!count(cell)) return;
    row_.cells.push_back(std::move(cell));
  }

  void number_cell(Cell& cell, Shown shown) {
    double v = 0;
    const char* first = value_.data();
    const char* last = first + value_.size();
    while (first < last && *first == ' ') ++first;
    const auto [end, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || end != last || !std::isfinite(v)) {
      cell.text = std::move(value_);  // not a number after all: keep what it says
      return;
    }
    switch (shown) {
      case Shown::percent:
        cell.kind = CellKind::percent;
        cell.text = decimal_text(v, 2) + "%";
        return;
      case Shown::date:
        cell.text = date_text(v, date1904_);
        if (!cell.text.empty()) {
          cell.kind = CellKind::date;
          return;
        }
        break;
      case Shown::number:
      case Shown::text: break;
    }
    cell.kind = CellKind::number;
    cell.text = decimal_text(v);
  }

  Sheet& sheet_;
  const SharedStrings& strings_;
  const std::vector<Shown>& shown_;
  bool date1904_;
  const Limits& limits_;
  Totals& totals_;
  std::vector<Merge> merges_;
  StringText runs_;

  Row row_;
  std::int64_t last_row_ = 0, last_column_ = -1, column_ = 0;
  std::string type_;
  int style_ = 0;
  std::string value_, formula_;
  bool cut_ = false, has_value_ = false;
  Text in_ = Text::none;
};

}  // namespace

bool is_zip(std::string_view bytes) { return bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4); }

bool is_compound_file(std::string_view bytes) {
  return bytes.substr(0, 8) == std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
}

bool is_encrypted_package(std::string_view bytes) {
  // The stream's name in the compound file's directory, in UTF-16LE.
  static const std::string name = [] {
    std::string s;
    for (char c : std::string_view("EncryptedPackage")) {
      s += c;
      s += '\0';
    }
    return s;
  }();
  return is_compound_file(bytes) && bytes.find(name) != std::string_view::npos;
}

Workbook read(std::string_view bytes, const Limits& limits,
              const std::function<bool(const std::string& name, std::size_t index)>& wanted) {
  Archive archive(bytes, limits);

  std::string workbook_part = "xl/workbook.xml";
  for (const auto& r : relationships(archive, ""))  // the package's own: _rels/.rels
    if (type_is(r, "officeDocument")) workbook_part = r.target;
  if (!archive.has(workbook_part))
    refuse("the file is a zip archive but not an Excel workbook (it has no " + workbook_part +
               "): upload the .xlsx saved by Excel or LibreOffice, or a CSV file",
           "该文件是压缩包而非Excel工作簿，请上传.xlsx或CSV文件");
  WorkbookHandler book;
  parse(archive, workbook_part, book);

  std::map<std::string, std::string> sheet_parts;
  SharedStrings strings;
  std::vector<Shown> shown;
  for (const auto& r : relationships(archive, workbook_part)) {
    if (type_is(r, "worksheet")) {
      sheet_parts[r.id] = r.target;
    } else if (type_is(r, "sharedStrings") && archive.has(r.target)) {
      SharedStringsHandler handler(strings, limits);
      parse(archive, r.target, handler);
      if (!handler.problem_en.empty()) refuse("the workbook " + handler.problem_en, handler.problem_zh);
    } else if (type_is(r, "styles") && archive.has(r.target)) {
      StylesHandler handler;
      parse(archive, r.target, handler);
      shown = std::move(handler.shown);
    }
  }

  Workbook out;
  Totals totals;
  for (const auto& entry : book.sheets) {
    const auto part = sheet_parts.find(entry.relationship);
    if (part == sheet_parts.end()) continue;  // a chart sheet or a macro sheet
    Sheet& sheet = out.sheets.emplace_back();
    sheet.name = entry.name;
    if (wanted && !wanted(sheet.name, out.sheets.size() - 1)) continue;
    if (!archive.has(part->second))
      refuse("the workbook's sheet '" + sheet.name + "' is missing (" + part->second +
                 "): save the workbook again from Excel or LibreOffice",
             "工作表“" + sheet.name + "”缺失，请重新保存工作簿");
    SheetHandler handler(sheet, strings, shown, book.date1904, limits, totals);
    parse(archive, part->second, handler);
    if (handler.problem_en.empty()) handler.finish();
    if (!handler.problem_en.empty())
      refuse("sheet '" + sheet.name + "' (工作表“" + sheet.name + "”): " + handler.problem_en, handler.problem_zh);
    sheet.loaded = true;
  }
  if (out.sheets.empty())
    refuse("the workbook has no worksheet", "工作簿中没有工作表");
  return out;
}

}  // namespace cxjf::xlsx
