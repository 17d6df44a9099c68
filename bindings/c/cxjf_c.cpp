// The C ABI (cxjf.h) over the C++ library: models, columns, snapshots,
// overview queries and estimation. Each function body sits between
// CXJF_API_BEGIN and CXJF_API_END (abi.hpp): whatever the C++ side throws
// becomes a status and a message, so no exception ever unwinds into a C,
// Java or Go caller, where it would abort the process. The population
// analyses are in population_c.cpp.
#include <cmath>
#include <optional>
#include <sstream>

#include "abi.hpp"
#include "base/base64.hpp"
#include "table/csv_text.hpp"  // the multi-valued cell separators of the CSV, so arrays read like CSV cells

// The header carries its own copy of the version (it may include nothing of
// the C++ library); these keep the two from drifting apart.
static_assert(CXJF_C_VERSION_MAJOR == CXJF_VERSION_MAJOR && CXJF_C_VERSION_MINOR == CXJF_VERSION_MINOR &&
                  CXJF_C_VERSION_PATCH == CXJF_VERSION_PATCH,
              "cxjf.h's CXJF_C_VERSION_* must equal include/cxjf/version.hpp's CXJF_VERSION_*");
static_assert(CXJF_C_ABI_VERSION == CXJF_ABI_VERSION, "cxjf.h's CXJF_C_ABI_VERSION must equal CXJF_ABI_VERSION");
// Enumerations the header promises to number as the C++ library does.
static_assert(CXJF_RANK_NATIONAL == static_cast<int>(cxjf::RankLevel::national) &&
                  CXJF_RANK_PEER_GROUP == static_cast<int>(cxjf::RankLevel::peer_group) &&
                  CXJF_RANK_PEER_GROUP + 1 == cxjf::rank_level_count,
              "cxjf_rank_level must follow cxjf::RankLevel");
static_assert(CXJF_INVALID_ARGUMENT == static_cast<int>(cxjf::ErrorCode::invalid_argument) &&
                  CXJF_INVALID_MODEL == static_cast<int>(cxjf::ErrorCode::invalid_model) &&
                  CXJF_INVALID_INPUT == static_cast<int>(cxjf::ErrorCode::invalid_input) &&
                  CXJF_IO == static_cast<int>(cxjf::ErrorCode::io) &&
                  CXJF_CORRUPT_SNAPSHOT == static_cast<int>(cxjf::ErrorCode::corrupt_snapshot) &&
                  CXJF_NOT_FOUND == static_cast<int>(cxjf::ErrorCode::not_found) &&
                  CXJF_FORBIDDEN == static_cast<int>(cxjf::ErrorCode::forbidden) &&
                  CXJF_INTERNAL == static_cast<int>(cxjf::ErrorCode::internal),
              "cxjf_status must keep cxjf::ErrorCode's numbers");
static_assert(CXJF_ENCODING_AUTO == static_cast<int>(cxjf::Encoding::automatic) &&
                  CXJF_ENCODING_UTF8 == static_cast<int>(cxjf::Encoding::utf8) &&
                  CXJF_ENCODING_GB18030 == static_cast<int>(cxjf::Encoding::gb18030),
              "cxjf_encoding must follow cxjf::Encoding");

using namespace cxjf_c;

namespace {


// Runs an overview request; a refused one throws with its answer's status
// and message, after handing the error answer to `answer` when asked.
std::string run_query(cxjf_snapshot_s& s, std::string_view request, char** answer) {
  bool refused = false;
  std::string text = cxjf::query_json(s.overview(), request, refused);
  if (!refused) return text;
  const json e = json::parse(text).at("error");
  if (answer) *answer = copy_out(text);
  fail(status_of_answer_code(e.at("code").get<std::string>()), e.at("message").get<std::string>());
}

cxjf::Principal principal_of(const char* role, const char* code, const char* function, const cxjf::Regions& regions) {
  require(role, function, "role");
  cxjf::Principal p;
  p.role = cxjf::role_from_name(role);
  if (code) p.code = code;
  cxjf::check_principal(p, regions);  // before the upload is read: a bad principal is the first error
  return p;
}

// The body of cxjf_estimate (the upload's bytes) and cxjf_estimate_file (its path).
cxjf_status estimate(cxjf_snapshot snapshot, bool from_file, const char* bytes, size_t size, const char* path,
                     cxjf_encoding encoding,
                     const char* role, const char* code, uint32_t options, char** record_json, char** results_csv,
                     char** errors_csv, char** results_xlsx, size_t* xlsx_size, char** error, const char* function) {
  CXJF_API_BEGIN(error)
  for (char** out : {record_json, results_csv, errors_csv, results_xlsx})
    if (out) *out = nullptr;
  if (xlsx_size) *xlsx_size = 0;
  cxjf_snapshot_s& s = snapshot_of(snapshot, function);
  if (from_file) require(path, function, "path");
  else if (size > 0) require(bytes, function, "upload");
  const cxjf::Principal principal = principal_of(role, code, function, s.snapshot.table.region_table());
  if (encoding < CXJF_ENCODING_AUTO || encoding > CXJF_ENCODING_GB18030)
    fail(CXJF_INVALID_ARGUMENT, std::string(function) + ": encoding " + std::to_string(static_cast<int>(encoding)) +
                                    " is not a cxjf_encoding (0 auto, 1 UTF-8, 2 GB18030)");
  if (options & ~(CXJF_ESTIMATE_LEDGERS | CXJF_ESTIMATE_FRACTIONS))
    fail(CXJF_INVALID_ARGUMENT, std::string(function) + ": options " + std::to_string(options) +
                                    " has bits this library does not know; use 0, CXJF_ESTIMATE_LEDGERS or "
                                    "CXJF_ESTIMATE_FRACTIONS");
  cxjf::UploadOptions read_options;
  read_options.encoding = static_cast<cxjf::Encoding>(encoding);
  read_options.percent_form =
      (options & CXJF_ESTIMATE_FRACTIONS) ? cxjf::PercentForm::fraction : cxjf::PercentForm::percent;
  read_options.limits = s.upload_limits();
  const cxjf::Snapshot& snap = s.snapshot;
  read_options.regions = snap.table.regions;
  cxjf::Upload upload = from_file ? cxjf::read_upload_file(path, snap.model, read_options)
                                  : cxjf::read_upload(std::string_view(bytes ? bytes : "", size), snap.model, read_options);
  const cxjf::EstimationRecord record = s.estimation().estimate(std::move(upload), principal);
  // All outputs or none: hold them until every one is made.
  Owned record_out, results_out, errors_out, xlsx_out;
  std::size_t xlsx_bytes = 0;
  if (record_json) record_out.reset(copy_out(record.to_json(snap, (options & CXJF_ESTIMATE_LEDGERS) != 0)));
  if (results_csv) {
    std::ostringstream out;
    record.write_results_csv(out, snap);
    results_out.reset(copy_out(out.str()));
  }
  if (errors_csv) {
    std::ostringstream out;
    record.write_errors_csv(out);
    errors_out.reset(copy_out(out.str()));
  }
  if (results_xlsx) {
    const std::string bytes = record.results_xlsx(snap);
    xlsx_out.reset(copy_out(bytes));
    xlsx_bytes = bytes.size();
  }
  if (record_json) *record_json = record_out.release();
  if (results_xlsx) *results_xlsx = xlsx_out.release();
  if (xlsx_size) *xlsx_size = xlsx_bytes;
  if (results_csv) *results_csv = results_out.release();
  if (errors_csv) *errors_csv = errors_out.release();
  CXJF_API_END()
}

}  // namespace

extern "C" {

// ---------------------------------------------------------------------------
// Versions, statuses, memory

CXJF_API const char* cxjf_version(void) { return CXJF_VERSION_STRING; }

CXJF_API int32_t cxjf_abi_version(void) { return CXJF_ABI_VERSION; }

CXJF_API const char* cxjf_status_name(cxjf_status status) {
  switch (status) {
    case CXJF_OK: return "CXJF_OK";
    case CXJF_INVALID_ARGUMENT: return "CXJF_INVALID_ARGUMENT";
    case CXJF_INVALID_MODEL: return "CXJF_INVALID_MODEL";
    case CXJF_INVALID_INPUT: return "CXJF_INVALID_INPUT";
    case CXJF_IO: return "CXJF_IO";
    case CXJF_CORRUPT_SNAPSHOT: return "CXJF_CORRUPT_SNAPSHOT";
    case CXJF_NOT_FOUND: return "CXJF_NOT_FOUND";
    case CXJF_FORBIDDEN: return "CXJF_FORBIDDEN";
    case CXJF_NULL_ARGUMENT: return "CXJF_NULL_ARGUMENT";
    case CXJF_WRONG_HANDLE: return "CXJF_WRONG_HANDLE";
    case CXJF_OUT_OF_MEMORY: return "CXJF_OUT_OF_MEMORY";
    case CXJF_BUFFER_TOO_SMALL: return "CXJF_BUFFER_TOO_SMALL";
    case CXJF_INTERNAL: return "CXJF_INTERNAL";
    case CXJF_STATUS_MIN_ENUM_:
    case CXJF_STATUS_MAX_ENUM_: break;
  }
  return "CXJF_UNKNOWN_STATUS";
}

CXJF_API const char* cxjf_last_error_message(void) { return last_error.c_str(); }

CXJF_API void cxjf_free(void* p) { std::free(p); }

// ---------------------------------------------------------------------------
// Models

CXJF_API cxjf_status cxjf_model_default(cxjf_model* out, char** error) {
  CXJF_API_BEGIN(error)
  require(out, "cxjf_model_default", "out");
  *out = nullptr;
  *out = issue(std::make_unique<cxjf_model_s>(cxjf_model_s{cxjf::default_model()}));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_model_builtin(const char* id, cxjf_model* out, char** error) {
  CXJF_API_BEGIN(error)
  require(out, "cxjf_model_builtin", "out");
  *out = nullptr;
  require(id, "cxjf_model_builtin", "id");
  const std::string_view text = cxjf::builtin_model_json(id);
  if (text.empty()) {
    std::string ids;
    for (const std::string& known : cxjf::builtin_model_ids()) ids += (ids.empty() ? "" : ", ") + known;
    fail(CXJF_NOT_FOUND, "cxjf_model_builtin: no embedded model has the id '" + std::string(id) + "'; the ids are " + ids);
  }
  *out = issue(std::make_unique<cxjf_model_s>(cxjf_model_s{cxjf::Model::from_json(text)}));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_model_from_json(const char* json_text, cxjf_model* out, char** error) {
  CXJF_API_BEGIN(error)
  require(out, "cxjf_model_from_json", "out");
  *out = nullptr;
  require(json_text, "cxjf_model_from_json", "json");
  *out = issue(std::make_unique<cxjf_model_s>(cxjf_model_s{cxjf::Model::from_json(json_text)}));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_model_from_file(const char* path, cxjf_model* out, char** error) {
  CXJF_API_BEGIN(error)
  require(out, "cxjf_model_from_file", "out");
  *out = nullptr;
  require(path, "cxjf_model_from_file", "path");
  *out = issue(std::make_unique<cxjf_model_s>(cxjf_model_s{cxjf::Model::from_file(path)}));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_model_to_json(cxjf_model model, char** json_text, char** error) {
  CXJF_API_BEGIN(error)
  require(json_text, "cxjf_model_to_json", "json");
  *json_text = nullptr;
  *json_text = copy_out(model_of(model, "cxjf_model_to_json").to_json());
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_model_upload_template(cxjf_model model, char** csv, char** error) {
  CXJF_API_BEGIN(error)
  require(csv, "cxjf_model_upload_template", "csv");
  *csv = nullptr;
  *csv = copy_out(cxjf::upload_template_csv(model_of(model, "cxjf_model_upload_template")));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_model_upload_template_xlsx(cxjf_model model, char** bytes, size_t* size, char** error) {
  CXJF_API_BEGIN(error)
  require(bytes, "cxjf_model_upload_template_xlsx", "bytes");
  *bytes = nullptr;
  if (size) *size = 0;
  const std::string workbook = cxjf::upload_template_xlsx(model_of(model, "cxjf_model_upload_template_xlsx"));
  *bytes = copy_out(workbook);
  if (size) *size = workbook.size();
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_model_destroy(cxjf_model* model) { return destroy(model, "cxjf_model_destroy"); }

// ---------------------------------------------------------------------------
// Columns

CXJF_API cxjf_status cxjf_columns_create(int64_t n, cxjf_columns* out, char** error) {
  CXJF_API_BEGIN(error)
  require(out, "cxjf_columns_create", "out");
  *out = nullptr;
  if (n < 1) fail(CXJF_INVALID_ARGUMENT, "cxjf_columns_create: n is " + std::to_string(n) + "; give 1 or more enterprises");
  auto c = std::make_unique<cxjf_columns_s>();
  c->n = n;
  *out = issue(std::move(c));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_columns_set_text(cxjf_columns columns, const char* column, const char* const* values,
                                           char** error) {
  CXJF_API_BEGIN(error)
  cxjf_columns_s& c = live(columns, "cxjf_columns_set_text", "columns");
  require(column, "cxjf_columns_set_text", "column");
  require(values, "cxjf_columns_set_text", "values");
  int which = -1;
  std::string known;
  for (int t = 0; t < cxjf_columns_s::text_count; ++t) {
    if (std::strcmp(column, cxjf_columns_s::text_names[t]) == 0) which = t;
    known += (t ? ", " : "") + std::string(cxjf_columns_s::text_names[t]);
  }
  if (which < 0) {
    const bool integer = std::strcmp(column, "region_code") == 0 || std::strcmp(column, "founded") == 0;
    fail(CXJF_INVALID_ARGUMENT, "cxjf_columns_set_text: '" + std::string(column) + "' is not a text column" +
                                    (integer ? "; set it with cxjf_columns_set_int32" : "") + "; the text columns are " + known);
  }
  std::vector<std::string> copy(static_cast<std::size_t>(c.n));
  for (std::size_t i = 0; i < copy.size(); ++i)
    if (values[i]) copy[i] = values[i];
  c.text[which] = std::move(copy);
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_columns_set_int32(cxjf_columns columns, const char* column, const int32_t* values,
                                            char** error) {
  CXJF_API_BEGIN(error)
  cxjf_columns_s& c = live(columns, "cxjf_columns_set_int32", "columns");
  require(column, "cxjf_columns_set_int32", "column");
  require(values, "cxjf_columns_set_int32", "values");
  std::vector<std::int32_t>* target = std::strcmp(column, "region_code") == 0 ? &c.region
                                      : std::strcmp(column, "founded") == 0   ? &c.founded
                                                                              : nullptr;
  if (!target)
    fail(CXJF_INVALID_ARGUMENT, "cxjf_columns_set_int32: '" + std::string(column) +
                                    "' is not an integer column; the integer columns are region_code and founded "
                                    "(the others are set with cxjf_columns_set_text)");
  target->assign(values, values + c.n);
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_columns_set_indicators(cxjf_columns columns, int32_t k, const char* const* indicator_ids,
                                                 const double* values, cxjf_layout layout, char** error) {
  CXJF_API_BEGIN(error)
  cxjf_columns_s& c = live(columns, "cxjf_columns_set_indicators", "columns");
  require(indicator_ids, "cxjf_columns_set_indicators", "indicator_ids");
  require(values, "cxjf_columns_set_indicators", "values");
  if (k < 1) fail(CXJF_INVALID_ARGUMENT, "cxjf_columns_set_indicators: k is " + std::to_string(k) + "; give 1 or more indicators");
  if (layout != CXJF_ROW_MAJOR && layout != CXJF_COLUMN_MAJOR)
    fail(CXJF_INVALID_ARGUMENT, "cxjf_columns_set_indicators: layout " + std::to_string(static_cast<int>(layout)) +
                                    " is neither CXJF_ROW_MAJOR (0) nor CXJF_COLUMN_MAJOR (1)");
  std::vector<std::string> ids(static_cast<std::size_t>(k));
  for (std::size_t j = 0; j < ids.size(); ++j) {
    if (!indicator_ids[j] || !*indicator_ids[j])
      fail(CXJF_INVALID_ARGUMENT, "cxjf_columns_set_indicators: indicator id " + std::to_string(j) + " is NULL or empty");
    ids[j] = indicator_ids[j];
    for (std::size_t i = 0; i < j; ++i)
      if (ids[i] == ids[j])
        fail(CXJF_INVALID_ARGUMENT, "cxjf_columns_set_indicators: indicator id '" + ids[j] + "' is given twice (at " +
                                        std::to_string(i) + " and " + std::to_string(j) + ")");
  }
  const auto n = static_cast<std::size_t>(c.n);
  const auto kk = static_cast<std::size_t>(k);
  std::vector<double> copy(n * kk);
  if (layout == CXJF_COLUMN_MAJOR) {
    std::memcpy(copy.data(), values, copy.size() * sizeof(double));
  } else {
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < kk; ++j) copy[j * n + i] = values[i * kk + j];
  }
  c.indicator_ids = std::move(ids);
  c.values = std::move(copy);
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_columns_destroy(cxjf_columns* columns) { return destroy(columns, "cxjf_columns_destroy"); }

// ---------------------------------------------------------------------------
// Snapshots: scoring, saving, loading

CXJF_API cxjf_status cxjf_snapshot_score_columns(cxjf_model model, cxjf_columns columns, cxjf_snapshot* out,
                                                 char** error) {
  CXJF_API_BEGIN(error)
  const char* fn = "cxjf_snapshot_score_columns";
  require(out, fn, "out");
  *out = nullptr;
  const cxjf::Model& m = model_of(model, fn);
  const cxjf_columns_s& c = live(columns, fn, "columns");
  using C = cxjf_columns_s;
  std::string unset;
  auto need = [&](bool set, const char* name) {
    if (!set) unset += (unset.empty() ? "" : ", ") + std::string(name);
  };
  need(!c.text[C::credit_code].empty(), "credit_code");
  need(!c.text[C::name].empty(), "name");
  need(!c.region.empty(), "region_code");
  need(!c.indicator_ids.empty(), "the indicators");
  if (!unset.empty())
    fail(CXJF_INVALID_INPUT, std::string(fn) + ": required columns were not set: " + unset +
                                 " (cxjf_columns_set_text, cxjf_columns_set_int32, cxjf_columns_set_indicators)");

  const auto n = static_cast<std::size_t>(c.n);
  const std::size_t k = c.indicator_ids.size();
  auto text = [&](int t, std::size_t i) -> const std::string& {
    static const std::string empty;
    return c.text[t].empty() ? empty : c.text[t][i];
  };
  cxjf::TableBuilder builder(c.indicator_ids);
  builder.reserve(c.n);
  cxjf::Row row;
  row.values.resize(k);
  for (std::size_t i = 0; i < n; ++i) {
    row.credit_code = text(C::credit_code, i);
    row.name = text(C::name, i);
    row.region = c.region[i];
    row.zone = text(C::zone, i);
    row.incubator = text(C::incubator, i);
    row.industry = text(C::industry, i);
    cxjf::detail::split_values(text(C::tech_fields, i), row.tech_fields, cxjf::detail::table_separators);
    cxjf::detail::split_values(text(C::qualifications, i), row.qualifications, cxjf::detail::table_separators);
    cxjf::detail::split_values(text(C::negatives, i), row.negatives, cxjf::detail::table_separators);
    row.founded = c.founded.empty() ? 0 : c.founded[i];
    row.stage = text(C::stage, i);
    for (std::size_t j = 0; j < k; ++j) row.values[j] = c.values[j * n + i];
    // Row numbers as in a CSV of the same enterprises (header = row 1): what
    // the scoring's own checks (stages, repeated codes) report as well.
    builder.add(row, static_cast<std::int64_t>(i) + 2);
  }
  *out = issue(std::make_unique<cxjf_snapshot_s>(cxjf::Snapshot::build(m, builder.build())));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_score_csv(cxjf_model model, const char* csv, size_t size, cxjf_snapshot* out,
                                             char** error) {
  CXJF_API_BEGIN(error)
  require(out, "cxjf_snapshot_score_csv", "out");
  *out = nullptr;
  const cxjf::Model& m = model_of(model, "cxjf_snapshot_score_csv");
  if (size > 0) require(csv, "cxjf_snapshot_score_csv", "csv");
  *out = issue(std::make_unique<cxjf_snapshot_s>(cxjf::Snapshot::build(m, cxjf::parse_table_csv(std::string_view(csv ? csv : "", size), m))));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_score_csv_file(cxjf_model model, const char* path, cxjf_snapshot* out,
                                                  char** error) {
  CXJF_API_BEGIN(error)
  require(out, "cxjf_snapshot_score_csv_file", "out");
  *out = nullptr;
  const cxjf::Model& m = model_of(model, "cxjf_snapshot_score_csv_file");
  require(path, "cxjf_snapshot_score_csv_file", "path");
  *out = issue(std::make_unique<cxjf_snapshot_s>(cxjf::Snapshot::build(m, cxjf::read_table_csv(path, m))));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_generate(cxjf_model model, int64_t n, uint64_t seed, double unregistered_share,
                                            cxjf_snapshot* out, char** error) {
  CXJF_API_BEGIN(error)
  require(out, "cxjf_snapshot_generate", "out");
  *out = nullptr;
  const cxjf::Model& m = model_of(model, "cxjf_snapshot_generate");
  if (n < 1) fail(CXJF_INVALID_ARGUMENT, "cxjf_snapshot_generate: n is " + std::to_string(n) + "; give 1 or more enterprises");
  if (!(unregistered_share >= 0 && unregistered_share <= 1))
    fail(CXJF_INVALID_ARGUMENT, "cxjf_snapshot_generate: unregistered_share is " + std::to_string(unregistered_share) +
                                    "; give a share from 0 to 1 (the CLI's default is 0.08)");
  cxjf::GenerateOptions options;
  options.n = n;
  options.seed = seed;
  options.unregistered_share = unregistered_share;
  *out = issue(std::make_unique<cxjf_snapshot_s>(cxjf::Snapshot::build(m, cxjf::generate(m, options))));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_load(const char* path, cxjf_snapshot* out, char** error) {
  CXJF_API_BEGIN(error)
  require(out, "cxjf_snapshot_load", "out");
  *out = nullptr;
  require(path, "cxjf_snapshot_load", "path");
  *out = issue(std::make_unique<cxjf_snapshot_s>(cxjf::Snapshot::load(path)));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_save(cxjf_snapshot snapshot, const char* path, char** error) {
  CXJF_API_BEGIN(error)
  const cxjf_snapshot_s& s = snapshot_of(snapshot, "cxjf_snapshot_save");
  require(path, "cxjf_snapshot_save", "path");
  s.snapshot.save(path);
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_load_signed(const char* path, const char* public_key, cxjf_snapshot* out,
                                               char** error) {
  CXJF_API_BEGIN(error)
  require(out, "cxjf_snapshot_load_signed", "out");
  *out = nullptr;
  require(path, "cxjf_snapshot_load_signed", "path");
  require(public_key, "cxjf_snapshot_load_signed", "public_key");
  if (!*public_key) fail(CXJF_INVALID_ARGUMENT, "cxjf_snapshot_load_signed: public_key is empty");
  *out = issue(std::make_unique<cxjf_snapshot_s>(cxjf::Snapshot::load(path, public_key)));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_save_signed(cxjf_snapshot snapshot, const char* path, const char* secret_key,
                                               char** error) {
  CXJF_API_BEGIN(error)
  const cxjf_snapshot_s& s = snapshot_of(snapshot, "cxjf_snapshot_save_signed");
  require(path, "cxjf_snapshot_save_signed", "path");
  require(secret_key, "cxjf_snapshot_save_signed", "secret_key");
  if (!*secret_key) fail(CXJF_INVALID_ARGUMENT, "cxjf_snapshot_save_signed: secret_key is empty");
  s.snapshot.save(path, secret_key);
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_destroy(cxjf_snapshot* snapshot) {
  return destroy(snapshot, "cxjf_snapshot_destroy");
}

CXJF_API cxjf_status cxjf_snapshot_model(cxjf_snapshot snapshot, cxjf_model* out, char** error) {
  CXJF_API_BEGIN(error)
  require(out, "cxjf_snapshot_model", "out");
  *out = nullptr;
  *out = issue(std::make_unique<cxjf_model_s>(cxjf_model_s{snapshot_of(snapshot, "cxjf_snapshot_model").snapshot.model}));
  CXJF_API_END()
}

// ---------------------------------------------------------------------------
// Snapshots: bulk numbers

CXJF_API cxjf_status cxjf_snapshot_size(cxjf_snapshot snapshot, int64_t* n, char** error) {
  CXJF_API_BEGIN(error)
  const cxjf_snapshot_s& s = snapshot_of(snapshot, "cxjf_snapshot_size");
  require(n, "cxjf_snapshot_size", "n");
  *n = s.snapshot.scores.size();
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_decimals(cxjf_snapshot snapshot, int32_t* decimals, char** error) {
  CXJF_API_BEGIN(error)
  const cxjf_snapshot_s& s = snapshot_of(snapshot, "cxjf_snapshot_decimals");
  require(decimals, "cxjf_snapshot_decimals", "decimals");
  *decimals = s.snapshot.scores.decimals;
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_published_units(cxjf_snapshot snapshot, int64_t* buffer, size_t capacity,
                                                   size_t* count, char** error) {
  CXJF_API_BEGIN(error)
  const char* fn = "cxjf_snapshot_published_units";
  const cxjf::Scores& sc = snapshot_of(snapshot, fn).snapshot.scores;
  fill_buffer(buffer, capacity, count, sc.published_units.size(), fn, [&](size_t i) { return sc.published_units[i]; });
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_published_scores(cxjf_snapshot snapshot, double* buffer, size_t capacity,
                                                    size_t* count, char** error) {
  CXJF_API_BEGIN(error)
  const char* fn = "cxjf_snapshot_published_scores";
  const cxjf::Scores& sc = snapshot_of(snapshot, fn).snapshot.scores;
  fill_buffer(buffer, capacity, count, sc.published_units.size(), fn,
              [&](size_t i) { return sc.published(static_cast<std::int64_t>(i)); });
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_grades(cxjf_snapshot snapshot, int32_t* buffer, size_t capacity, size_t* count,
                                          char** error) {
  CXJF_API_BEGIN(error)
  const char* fn = "cxjf_snapshot_grades";
  const cxjf::Scores& sc = snapshot_of(snapshot, fn).snapshot.scores;
  fill_buffer(buffer, capacity, count, sc.grade.size(), fn, [&](size_t i) { return static_cast<int32_t>(sc.grade[i]); });
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_ranks(cxjf_snapshot snapshot, cxjf_rank_level level, int32_t* buffer,
                                         size_t capacity, size_t* count, char** error) {
  CXJF_API_BEGIN(error)
  const char* fn = "cxjf_snapshot_ranks";
  const cxjf::Scores& sc = snapshot_of(snapshot, fn).snapshot.scores;
  if (level < CXJF_RANK_NATIONAL || level > CXJF_RANK_PEER_GROUP)
    fail(CXJF_INVALID_ARGUMENT, std::string(fn) + ": level " + std::to_string(static_cast<int>(level)) +
                                    " is not a cxjf_rank_level (0 national to 6 peer group)");
  const std::vector<std::int32_t>& rank = sc.rank[static_cast<std::size_t>(level)];
  fill_buffer(buffer, capacity, count, rank.size(), fn, [&](size_t i) { return rank[i]; });
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_order(cxjf_snapshot snapshot, int64_t* buffer, size_t capacity, size_t* count,
                                         char** error) {
  CXJF_API_BEGIN(error)
  const char* fn = "cxjf_snapshot_order";
  const cxjf::Scores& sc = snapshot_of(snapshot, fn).snapshot.scores;
  fill_buffer(buffer, capacity, count, sc.order.size(), fn, [&](size_t i) { return static_cast<int64_t>(sc.order[i]); });
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_credit_codes(cxjf_snapshot snapshot, char* buffer, size_t capacity, size_t* size,
                                                char** error) {
  CXJF_API_BEGIN(error)
  const char* fn = "cxjf_snapshot_credit_codes";
  const std::vector<std::string>& codes = snapshot_of(snapshot, fn).snapshot.table.credit_code;
  require(size, fn, "size");
  const size_t width = CXJF_CREDIT_CODE_LENGTH;
  *size = codes.size() * width;
  if (!buffer) return CXJF_OK;
  if (capacity < *size)
    fail(CXJF_BUFFER_TOO_SMALL, std::string(fn) + ": the buffer holds " + std::to_string(capacity) + " bytes but " +
                                    std::to_string(*size) + " are needed (18 per enterprise); call with buffer = NULL "
                                    "to ask the size");
  for (size_t i = 0; i < codes.size(); ++i) {
    // TableBuilder normalizes every code to 18 characters; anything else is a bug.
    if (codes[i].size() != width)
      fail(CXJF_INTERNAL, std::string(fn) + ": the credit code of row " + std::to_string(i) + " is not 18 bytes");
    std::memcpy(buffer + i * width, codes[i].data(), width);
  }
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_ledger(cxjf_snapshot snapshot, int64_t row, char** json_text, char** error) {
  CXJF_API_BEGIN(error)
  const char* fn = "cxjf_snapshot_ledger";
  require(json_text, fn, "json");
  *json_text = nullptr;
  const cxjf::Snapshot& s = snapshot_of(snapshot, fn).snapshot;
  if (row < 0 || row >= s.table.size())
    fail(CXJF_INVALID_ARGUMENT, std::string(fn) + ": row " + std::to_string(row) + " is outside 0.." +
                                    std::to_string(s.table.size() - 1));
  *json_text = copy_out(cxjf::explain(s.model, s.reference, s.table, row).to_json(s.model, s.reference, s.table));
  CXJF_API_END()
}

// ---------------------------------------------------------------------------
// Overview queries

CXJF_API cxjf_status cxjf_snapshot_build_index(cxjf_snapshot snapshot, char** error) {
  CXJF_API_BEGIN(error)
  snapshot_of(snapshot, "cxjf_snapshot_build_index").overview();
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_query(cxjf_snapshot snapshot, const char* request_json, char** answer_json, char** error) {
  CXJF_API_BEGIN(error)
  require(answer_json, "cxjf_query", "answer_json");
  *answer_json = nullptr;
  cxjf_snapshot_s& s = snapshot_of(snapshot, "cxjf_query");
  require(request_json, "cxjf_query", "request_json");
  *answer_json = copy_out(run_query(s, request_json, answer_json));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_detail(cxjf_snapshot snapshot, const char* role, const char* code, const char* credit_code,
                                 char** answer_json, char** error) {
  CXJF_API_BEGIN(error)
  const char* fn = "cxjf_detail";
  require(answer_json, fn, "answer_json");
  *answer_json = nullptr;
  cxjf_snapshot_s& s = snapshot_of(snapshot, fn);
  require(role, fn, "role");
  require(credit_code, fn, "credit_code");
  // Arguments that are not UTF-8 are refused like any bad request: with the
  // error answer cxjf.h promises, naming the member.
  const std::pair<const char*, const char*> members[] = {
      {"/principal/role", role}, {"/principal/code", code ? code : ""}, {"/credit_code", credit_code}};
  for (const auto& [path, text] : members)
    if (cxjf::detail::invalid_utf8(text) != std::string_view::npos) {
      const std::string message = std::string(path) + ": " + fn + ": not valid UTF-8 (不是有效的 UTF-8)";
      *answer_json = copy_out(
          json{{"error", {{"code", "bad_request"}, {"message", message}, {"path", path}}}}.dump(2));
      fail(CXJF_INVALID_ARGUMENT, message);
    }
  json principal = {{"role", role}};
  if (code && *code) principal["code"] = code;
  const std::string request = json{{"principal", principal}, {"kind", "detail"}, {"credit_code", credit_code}}.dump();
  *answer_json = copy_out(run_query(s, request, answer_json));
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_export(cxjf_snapshot snapshot, const char* request_json, char** content, size_t* size,
                                 char** error) {
  CXJF_API_BEGIN(error)
  const char* fn = "cxjf_export";
  require(content, fn, "content");
  *content = nullptr;
  if (size) *size = 0;
  cxjf_snapshot_s& s = snapshot_of(snapshot, fn);
  require(request_json, fn, "request_json");
  // A request of another kind would answer with a document, not a file: say
  // so rather than return its JSON as if it were the export. Requests that do
  // not parse are left to the query layer, whose message names the problem.
  const json request = json::parse(request_json, nullptr, /*allow_exceptions=*/false);
  if (request.is_object() && request.contains("kind") && request["kind"] != "export")
    fail(CXJF_INVALID_ARGUMENT, std::string(fn) + ": the request's kind is " + request["kind"].dump() +
                                    "; cxjf_export takes kind \"export\" (use cxjf_query for the other kinds)");
  const json answer = json::parse(run_query(s, request_json, nullptr));
  const std::string& text = answer.at("content").get_ref<const std::string&>();
  // A workbook travels in base64 inside the answer; the caller gets its bytes.
  std::optional<std::string> decoded;
  if (answer.value("content_encoding", "") == "base64") {
    decoded = cxjf::detail::base64_decode(text);
    if (!decoded) fail(CXJF_INTERNAL, std::string(fn) + ": the export's base64 content does not decode");
  }
  const std::string& file = decoded ? *decoded : text;
  *content = copy_out(file);
  if (size) *size = file.size();
  CXJF_API_END()
}

// ---------------------------------------------------------------------------
// Estimation

CXJF_API cxjf_status cxjf_estimate(cxjf_snapshot snapshot, const char* upload, size_t size, cxjf_encoding encoding,
                                   const char* role, const char* code, uint32_t options, char** record_json,
                                   char** results_csv, char** errors_csv, char** error) {
  return estimate(snapshot, false, upload, size, nullptr, encoding, role, code, options, record_json, results_csv, errors_csv,
                  nullptr, nullptr, error, "cxjf_estimate");
}

CXJF_API cxjf_status cxjf_estimate_workbook(cxjf_snapshot snapshot, const char* upload, size_t size,
                                            cxjf_encoding encoding, const char* role, const char* code,
                                            uint32_t options, char** record_json, char** results_xlsx,
                                            size_t* results_size, char** error) {
  return estimate(snapshot, false, upload, size, nullptr, encoding, role, code, options, record_json, nullptr, nullptr,
                  results_xlsx, results_size, error, "cxjf_estimate_workbook");
}

CXJF_API cxjf_status cxjf_estimate_file(cxjf_snapshot snapshot, const char* path, cxjf_encoding encoding,
                                        const char* role, const char* code, uint32_t options, char** record_json,
                                        char** results_csv, char** errors_csv, char** error) {
  return estimate(snapshot, true, nullptr, 0, path, encoding, role, code, options, record_json,
                  results_csv, errors_csv, nullptr, nullptr, error, "cxjf_estimate_file");
}


CXJF_API cxjf_status cxjf_snapshot_set_upload_limits(cxjf_snapshot snapshot, const cxjf_upload_limits* limits,
                                                     char** error) {
  CXJF_API_BEGIN(error)
  cxjf_snapshot_s& s = snapshot_of(snapshot, "cxjf_snapshot_set_upload_limits");
  require(limits, "cxjf_snapshot_set_upload_limits", "limits");
  if (limits->max_rows > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    fail(CXJF_INVALID_ARGUMENT, "cxjf_snapshot_set_upload_limits: max_rows is beyond 2^63 - 1");
  std::lock_guard<std::mutex> lock(s.limits_mutex);
  auto set = [](std::uint64_t value, auto& field) {
    if (value != 0) field = static_cast<std::remove_reference_t<decltype(field)>>(value);
  };
  set(limits->max_bytes, s.limits.max_bytes);
  set(limits->max_rows, s.limits.max_rows);
  set(limits->max_columns, s.limits.max_columns);
  set(limits->max_cell_bytes, s.limits.max_cell_bytes);
  set(limits->max_row_bytes, s.limits.max_row_bytes);
  CXJF_API_END()
}

CXJF_API cxjf_status cxjf_snapshot_upload_limits(cxjf_snapshot snapshot, cxjf_upload_limits* limits, char** error) {
  CXJF_API_BEGIN(error)
  cxjf_snapshot_s& s = snapshot_of(snapshot, "cxjf_snapshot_upload_limits");
  require(limits, "cxjf_snapshot_upload_limits", "limits");
  const cxjf::UploadLimits l = s.upload_limits();
  limits->max_bytes = l.max_bytes;
  limits->max_rows = static_cast<std::uint64_t>(l.max_rows);
  limits->max_columns = l.max_columns;
  limits->max_cell_bytes = l.max_cell_bytes;
  limits->max_row_bytes = l.max_row_bytes;
  CXJF_API_END()
}

}  // extern "C"
