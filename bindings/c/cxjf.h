/*
 * cxjf.h — the C ABI of cxjf, the Enterprise Innovation Credit scoring engine
 * (企业创新积分制). This header is the manual: read the introduction once,
 * then look up each function where it is declared.
 *
 * =============================================================================
 * INTRODUCTION
 * =============================================================================
 *
 * What it is. A stable C interface to the C++ library in include/cxjf/, for
 * services written in any language that can call C: the national portal and
 * the provincial portals (Java, through JNA: bindings/java), C and C++
 * services (examples/c_service.c), anything with an FFI. It is one shared
 * library, libcxjf_c.so (SONAME libcxjf_c.so.CXJF_C_ABI_VERSION), and this
 * header, which includes only <stddef.h> and <stdint.h> and compiles as C99
 * and as C++. Only names starting with cxjf_ / CXJF_ are defined or exported.
 *
 *   #include "cxjf.h"                     cc my_service.c -lcxjf_c
 *
 * The nouns (DESIGN.md of the repository explains them):
 *
 *   cxjf_model     an indicator scheme: how raw indicator values become a score
 *   cxjf_columns   enterprises as plain arrays, on their way to a snapshot
 *   cxjf_snapshot  one scoring year's base database, frozen: the model, the
 *                  reference fitted on the registered enterprises, those
 *                  enterprises and their scores and ranks; it answers overview
 *                  queries and estimates uploads
 *
 * Each is a typed opaque handle (a pointer to a struct you never see), so
 * passing the wrong kind of handle fails to compile. A handle is created by a
 * function that fills a `cxjf_x* out` parameter and destroyed by
 * cxjf_x_destroy(&handle), which accepts NULL (and a NULL handle), releases
 * everything the handle owns and sets your variable to NULL.
 *
 * Status codes. Every function returns a cxjf_status — CXJF_OK (0) on success,
 * another value on failure — except the five that cannot fail: cxjf_version,
 * cxjf_abi_version, cxjf_status_name, cxjf_last_error_message and cxjf_free.
 * The numbers are part of the ABI: they are never renumbered; new ones are only
 * added. A status other than CXJF_OK means nothing was created and no output
 * parameter holds anything you must free, except where a function says so
 * (cxjf_query gives the error answer; the buffer functions give the size
 * needed).
 *
 * Error messages. The last parameter of most functions is `char** error`.
 * Pass NULL if you do not want the message. Otherwise, on failure *error
 * receives a message (UTF-8, NUL-terminated) that says what went wrong and
 * what to fix, e.g. "row 17, column 研发费用金额: '12,5万' is not a number";
 * you own it and free it with cxjf_free. On success *error is set to NULL. If
 * even the message cannot be allocated, *error is NULL and the status is
 * CXJF_OUT_OF_MEMORY. For convenience the same message is also kept per
 * thread: cxjf_last_error_message().
 *
 * Invalid arguments are reported, never crashed on: a NULL where a pointer is
 * required gives CXJF_NULL_ARGUMENT, a handle of the wrong kind or one already
 * destroyed gives CXJF_WRONG_HANDLE, and every C++ exception is caught and
 * turned into a status and a message: none crosses this interface. A handle
 * is a number the library issues once and looks up in its table of live
 * handles, never a pointer it dereferences: a destroyed handle is known to
 * be dead however its memory was reused, and destroying it again gives
 * CXJF_WRONG_HANDLE. Destroying a handle while another thread uses it is
 * still a bug of the caller's.
 *
 * Memory. Who owns each pointer is written on each parameter:
 *   - "borrowed": the library reads it during the call only; you keep
 *     ownership and may free it as soon as the call returns.
 *   - "caller-owned buffer": you provide the memory, the library writes into
 *     it. Such functions take the buffer's capacity and report, through a
 *     count parameter, how much is needed; call first with buffer = NULL to
 *     ask the size (as zstd does).
 *   - "library-allocated, free with cxjf_free": a string or buffer the library
 *     allocated for you; you own it and release it with cxjf_free. All such
 *     memory is released by the one function cxjf_free, never by free() or
 *     delete, so that the library may use its own allocator.
 *   - handles: destroy with their own cxjf_x_destroy.
 *
 * Text. Every string in and out is UTF-8 and NUL-terminated unless a size is
 * given. CSV text the library writes starts with a UTF-8 byte-order mark so
 * that Excel shows the Chinese text correctly.
 *
 * JSON. Documents travel as JSON text: models (docs/model.md), overview
 * requests and answers (docs/overview.md, with examples in docs/examples/),
 * estimation records (docs/estimation.md) and ledgers (docs/scoring.md). Bulk
 * numbers travel as plain arrays with explicit lengths.
 *
 * Threads. The library starts no threads; every call runs on the caller's
 * thread and may be made from any thread.
 *   - A model or a snapshot never changes once created. Any number of threads
 *     may use the same model or snapshot at the same time, for any function
 *     that takes it (queries, details, exports, estimates, bulk reads,
 *     ledgers, saving, scoring with a model), without locks of their own.
 *   - Destroying a handle must not overlap any other call that uses it:
 *     finish (join) every user first. This is the one rule the library cannot
 *     check for you.
 *   - A cxjf_columns is filled by the set functions and so is NOT thread-safe:
 *     use each one from one thread at a time.
 *   - cxjf_last_error_message is per thread.
 *
 * Versions. CXJF_C_VERSION_* is the version of the library this header
 * belongs to; CXJF_C_ABI_VERSION changes only when a binary-incompatible
 * change is made (and with it the SONAME). At run time, cxjf_version() and
 * cxjf_abi_version() say what was actually loaded: a service should check
 * cxjf_abi_version() == CXJF_C_ABI_VERSION at start-up.
 *
 * A complete program: examples/c_service.c in the repository.
 */
#ifndef CXJF_H
#define CXJF_H

#include <stddef.h>
#include <stdint.h>

/* CXJF_API marks the exported functions. Building the shared library
 * (CXJF_C_BUILDING defined) it gives them default visibility, everything else
 * being hidden; using it, it is empty. Define CXJF_C_STATIC when you compile
 * cxjf_c.cpp into your own program instead. */
#if defined(CXJF_C_STATIC)
#define CXJF_API
#elif defined(_WIN32)
#if defined(CXJF_C_BUILDING)
#define CXJF_API __declspec(dllexport)
#else
#define CXJF_API __declspec(dllimport)
#endif
#elif defined(CXJF_C_BUILDING) && (defined(__GNUC__) || defined(__clang__))
#define CXJF_API __attribute__((visibility("default")))
#else
#define CXJF_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* =============================================================================
 * Versions
 * ========================================================================== */

/* The version of the library this header belongs to (semantic versioning).
 * The same numbers as include/cxjf/version.hpp; the build checks they agree. */
#define CXJF_C_VERSION_MAJOR 0
#define CXJF_C_VERSION_MINOR 1
#define CXJF_C_VERSION_PATCH 0
/* The ABI version: raised only by a binary-incompatible change; it is the
 * shared library's SONAME version (libcxjf_c.so.1). */
#define CXJF_C_ABI_VERSION 1
/* The version as one number, MAJOR * 10000 + MINOR * 100 + PATCH, for #if. */
#define CXJF_C_VERSION_NUMBER (CXJF_C_VERSION_MAJOR * 10000 + CXJF_C_VERSION_MINOR * 100 + CXJF_C_VERSION_PATCH)

/* The version of the loaded library as text, e.g. "0.1.0".
 * Returns: a static string (library-owned, never free it). Cannot fail. */
CXJF_API const char* cxjf_version(void);

/* The ABI version of the loaded library; compare it with CXJF_C_ABI_VERSION.
 * Cannot fail. */
CXJF_API int32_t cxjf_abi_version(void);

/* =============================================================================
 * Status codes and errors
 * ========================================================================== */

/* What a function returns. The numbers never change; new codes are only
 * added, so treat an unknown code as a failure. 1 to 7 and 99 have the
 * meaning and number of cxjf::ErrorCode in the C++ library; 8 to 11 are the
 * C ABI's own. */
typedef enum cxjf_status {
  CXJF_OK = 0,                /* success */
  CXJF_INVALID_ARGUMENT = 1,  /* a value the function cannot take (a negative count, an unknown role, a
                                 malformed query request, ...); the message names it */
  CXJF_INVALID_MODEL = 2,     /* a model document failed validation; the message lists every problem
                                 with its JSON path */
  CXJF_INVALID_INPUT = 3,     /* CSV text or enterprise data is malformed; the message names the row
                                 (as a spreadsheet numbers it) and the column */
  CXJF_IO = 4,                /* a file could not be read or written */
  CXJF_CORRUPT_SNAPSHOT = 5,  /* a snapshot file is truncated, damaged, foreign or of another format */
  CXJF_NOT_FOUND = 6,         /* the thing asked for does not exist: an embedded model id, or in a query
                                 an enterprise or unit absent or outside the principal's scope (the two
                                 are not told apart, so nobody can probe what exists) */
  CXJF_FORBIDDEN = 7,         /* the principal's role may not ask this query (the public asking for the
                                 list, an export without export permission, ...) */
  CXJF_NULL_ARGUMENT = 8,     /* a required pointer argument is NULL; the message names it */
  CXJF_WRONG_HANDLE = 9,      /* a handle of the wrong kind, or one already destroyed */
  CXJF_OUT_OF_MEMORY = 10,    /* an allocation failed */
  CXJF_BUFFER_TOO_SMALL = 11, /* a caller-owned buffer is too small; the count parameter holds the
                                 size needed and nothing was written */
  CXJF_INTERNAL = 99,          /* a bug in cxjf: please report it with the message */
  /* Not values: they make every int32 a value of the type, so that an unknown
     value a caller passes is refused with a status, not undefined behaviour. */
  CXJF_STATUS_MIN_ENUM_ = -0x7FFFFFFF - 1,
  CXJF_STATUS_MAX_ENUM_ = 0x7FFFFFFF
} cxjf_status;

/* The name of a status, e.g. "CXJF_NOT_FOUND"; "CXJF_UNKNOWN_STATUS" for a
 * number this library does not know.
 * Returns: a static string (library-owned, never free it). Cannot fail. */
CXJF_API const char* cxjf_status_name(cxjf_status status);

/* The message of the most recent failed call made on this thread, or "" when
 * none has failed yet. Successful calls leave it unchanged, like errno: read
 * it only after a call returned a status other than CXJF_OK.
 * Returns: library-owned text, valid until the next failed call on this
 * thread; do not free it. Cannot fail. */
CXJF_API const char* cxjf_last_error_message(void);

/* Frees memory the library allocated for the caller (every pointer marked
 * "library-allocated, free with cxjf_free"). `p` may be NULL. Never pass a
 * handle: use its destroy function. */
CXJF_API void cxjf_free(void* p);

/* =============================================================================
 * Handles
 * ========================================================================== */

typedef struct cxjf_model_s* cxjf_model;       /* an indicator scheme */
typedef struct cxjf_columns_s* cxjf_columns;   /* enterprises as arrays, before scoring */
typedef struct cxjf_snapshot_s* cxjf_snapshot; /* a scored, frozen base database */

/* =============================================================================
 * Models
 *
 * A model is validated when it is created, so a cxjf_model in hand is always
 * consistent. A model is immutable: share one between threads freely. A
 * snapshot keeps its own copy, so a model may be destroyed as soon as the
 * snapshots scored with it exist.
 * ========================================================================== */

/* Creates the embedded default model, torch-2022: the 18 public indicators of
 * the 2022 工作指引 with ILLUSTRATIVE weights (the official ones are not
 * published).
 *   out    receives the new model; destroy it with cxjf_model_destroy. Required.
 *   error  optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_OUT_OF_MEMORY. */
CXJF_API cxjf_status cxjf_model_default(cxjf_model* out, char** error);

/* Creates an embedded model by id: "torch-2022" (the default) or
 * "torch-2025-trial" (an example of the 2.0 scheme's shape).
 *   id     the model id (borrowed). Required.
 *   out    receives the new model; destroy it with cxjf_model_destroy. Required.
 *   error  optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT; CXJF_NOT_FOUND when no embedded model has that
 * id (the message lists the ids). */
CXJF_API cxjf_status cxjf_model_builtin(const char* id, cxjf_model* out, char** error);

/* Parses and validates a model document (docs/model.md).
 *   json   the document, UTF-8 JSON text (borrowed). Required.
 *   out    receives the new model; destroy it with cxjf_model_destroy. Required.
 *   error  optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT; CXJF_INVALID_MODEL for malformed JSON or a
 * document that fails validation (the message lists every problem, one per
 * line, each with its JSON path, e.g. "/indicators/3/weights/成长期: ..."). */
CXJF_API cxjf_status cxjf_model_from_json(const char* json, cxjf_model* out, char** error);

/* Reads, parses and validates a model file.
 *   path   the file's path (borrowed). Required.
 *   out    receives the new model; destroy it with cxjf_model_destroy. Required.
 *   error  optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_IO (unreadable), CXJF_INVALID_MODEL. */
CXJF_API cxjf_status cxjf_model_from_file(const char* path, cxjf_model* out, char** error);

/* The model as the JSON document cxjf_model_from_json reads (it round-trips
 * exactly).
 *   model  the model (borrowed). Required.
 *   json   receives the document (library-allocated, free with cxjf_free). Required.
 *   error  optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE, CXJF_OUT_OF_MEMORY. */
CXJF_API cxjf_status cxjf_model_to_json(cxjf_model model, char** json, char** error);

/* The model's upload template (导入测算模板) as CSV: UTF-8 with a byte-order
 * mark, Chinese headers with units, a row of English ids, one example row
 * (docs/upload.md). What a portal offers users to download and fill in.
 *   model  the model (borrowed). Required.
 *   csv    receives the CSV text (library-allocated, free with cxjf_free). Required.
 *   error  optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE, CXJF_OUT_OF_MEMORY. */
CXJF_API cxjf_status cxjf_model_upload_template(cxjf_model model, char** csv, char** error);

/* The model's upload template as an Excel workbook (.xlsx): a sheet 填写说明
 * (how to fill it), the sheet 上传模板 with the CSV template's rows, the
 * credit-code and region columns formatted as text, drop-down lists for
 * industry, stage, technology fields and qualifications (docs/upload.md).
 *   bytes   receives the workbook (library-allocated, NUL-terminated; free
 *           with cxjf_free). Required.
 *   size    receives its size in bytes. Optional (NULL); the workbook holds
 *           NUL bytes, so a caller that keeps it needs the size.
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE, CXJF_IO when the workbook
 * cannot be written (libxlsxwriter writes through a temporary file in
 * $TMPDIR or /tmp). */
CXJF_API cxjf_status cxjf_model_upload_template_xlsx(cxjf_model model, char** bytes, size_t* size, char** error);

/* Destroys a model and sets *model to NULL. A NULL `model` or *model is
 * accepted and does nothing. Snapshots scored with the model stay valid.
 * Errors: CXJF_WRONG_HANDLE when *model is not a live model (nothing is freed). */
CXJF_API cxjf_status cxjf_model_destroy(cxjf_model* model);

/* =============================================================================
 * Enterprises as arrays (cxjf_columns)
 *
 * For services that hold their enterprises in memory rather than in CSV:
 * create a cxjf_columns for n enterprises, set the columns you have, then
 * score it with cxjf_snapshot_score_columns. Every set function copies the
 * values, so your arrays may be freed as soon as it returns. A column you do
 * not set is empty (missing) for every enterprise; credit_code, name,
 * region_code and the indicators are required. All rows count as registered
 * (入统): arrays are the base database.
 *
 * The values follow the rules of the enterprise CSV (docs/input.md) and are
 * checked the same way. Errors name enterprise i (0-based) as "row i + 2",
 * the row it would have in a CSV of the same enterprises, whose header is
 * row 1, and name the column.
 *
 * Not thread-safe: fill and use one cxjf_columns from one thread at a time.
 * ========================================================================== */

/* How an n x k matrix of doubles is laid out in memory. */
typedef enum cxjf_layout {
  CXJF_ROW_MAJOR = 0,   /* values[i * k + j] is enterprise i, indicator j (C arrays, Java double[n*k]) */
  CXJF_COLUMN_MAJOR = 1, /* values[j * n + i] is enterprise i, indicator j (Fortran, Eigen, R, numpy "F") */
  /* Not values: they make every int32 a value of the type, so that an unknown
     value a caller passes is refused with a status, not undefined behaviour. */
  CXJF_LAYOUT_MIN_ENUM_ = -0x7FFFFFFF - 1,
  CXJF_LAYOUT_MAX_ENUM_ = 0x7FFFFFFF
} cxjf_layout;

/* Creates an empty set of columns for n enterprises.
 *   n      the number of enterprises, 1 or more.
 *   out    receives the columns; destroy them with cxjf_columns_destroy. Required.
 *   error  optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT; CXJF_INVALID_ARGUMENT when n < 1;
 * CXJF_OUT_OF_MEMORY. */
CXJF_API cxjf_status cxjf_columns_create(int64_t n, cxjf_columns* out, char** error);

/* Sets a text column: one NUL-terminated UTF-8 string per enterprise.
 *   columns  the columns (borrowed). Required.
 *   column   which column, by its template id (borrowed). Required. One of:
 *              "credit_code"     统一社会信用代码, 18 characters (lower case and
 *                                surrounding spaces are normalized)
 *              "name"            企业名称
 *              "zone"            国家高新区 name; "" for none
 *              "incubator"       孵化器 name; "" for none
 *              "industry"        一级行业: section letter "A".."T" or its Chinese
 *                                name; "" for unknown
 *              "tech_fields"     技术领域, several separated by ';' (or '；', '、')
 *              "qualifications"  企业资质, e.g. "高新技术企业;科技型中小企业"
 *              "negatives"       负面清单 flags, e.g. "经营异常名录"
 *              "stage"           发展阶段 id or name; "" lets the model derive it
 *   values   n pointers to strings (borrowed, copied); a NULL element is the
 *            empty string. Required.
 *   error    optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE; CXJF_INVALID_ARGUMENT for an
 * unknown column (the message lists the columns). */
CXJF_API cxjf_status cxjf_columns_set_text(cxjf_columns columns, const char* column, const char* const* values,
                                           char** error);

/* Sets an integer column: one value per enterprise.
 *   columns  the columns (borrowed). Required.
 *   column   which column (borrowed). Required. One of:
 *              "region_code"  GB/T 2260 code of the county, city or province,
 *                             e.g. 440305
 *              "founded"      成立日期 as YYYYMMDD, e.g. 20150630; 0 unknown
 *   values   n values (borrowed, copied). Required.
 *   error    optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE, CXJF_INVALID_ARGUMENT. */
CXJF_API cxjf_status cxjf_columns_set_int32(cxjf_columns columns, const char* column, const int32_t* values,
                                            char** error);

/* Sets the indicator values: an n x k matrix of doubles, NaN for a missing
 * value, in the units the model declares (万元, %, 件, ...).
 *   columns        the columns (borrowed). Required.
 *   k              number of indicators, 1 or more. The model's indicators
 *                  must all be among them (extra ones are kept and ignored).
 *   indicator_ids  k model indicator ids, e.g. "rd_expense" (borrowed, copied).
 *                  Required; no id twice.
 *   values         n * k doubles (borrowed, copied). Required.
 *   layout         CXJF_ROW_MAJOR or CXJF_COLUMN_MAJOR.
 *   error          optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE; CXJF_INVALID_ARGUMENT for
 * k < 1, an unknown layout, an empty or repeated id. */
CXJF_API cxjf_status cxjf_columns_set_indicators(cxjf_columns columns, int32_t k, const char* const* indicator_ids,
                                                 const double* values, cxjf_layout layout, char** error);

/* Destroys columns and sets *columns to NULL. A NULL `columns` or *columns is
 * accepted and does nothing.
 * Errors: CXJF_WRONG_HANDLE when *columns is not live columns (nothing is freed). */
CXJF_API cxjf_status cxjf_columns_destroy(cxjf_columns* columns);

/* =============================================================================
 * Snapshots: scoring, saving, loading
 *
 * Scoring fits the model on the registered enterprises (入统), scores and
 * ranks them (Snapshot::build; a national year of 520,000 enterprises takes
 * well under a second). Unregistered rows are left out. The snapshot keeps
 * its own copy of the model.
 * ========================================================================== */

/* Scores enterprises given as arrays.
 *   model    the model (borrowed). Required.
 *   columns  the enterprises (borrowed; unchanged, reusable). Required.
 *   out      receives the snapshot; destroy it with cxjf_snapshot_destroy. Required.
 *   error    optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE; CXJF_INVALID_INPUT when a
 * required column was not set or a value is invalid (bad credit code check
 * digit, unknown region code, industry or stage, a credit code twice, ...:
 * the message names the row and column); CXJF_INVALID_ARGUMENT when a model
 * indicator is missing from the indicators; CXJF_OUT_OF_MEMORY. */
CXJF_API cxjf_status cxjf_snapshot_score_columns(cxjf_model model, cxjf_columns columns, cxjf_snapshot* out,
                                                 char** error);

/* Scores an enterprise CSV given as bytes (docs/input.md: UTF-8 or GB18030, detected; a header
 * naming each column by its Chinese name or English id).
 *   model  the model (borrowed). Required.
 *   csv    the CSV bytes (borrowed); need not be NUL-terminated. Required
 *          unless size is 0.
 *   size   number of bytes.
 *   out    receives the snapshot; destroy it with cxjf_snapshot_destroy. Required.
 *   error  optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE; CXJF_INVALID_INPUT naming the
 * row and column (missing columns, a value that is not a number, ...);
 * CXJF_OUT_OF_MEMORY. */
CXJF_API cxjf_status cxjf_snapshot_score_csv(cxjf_model model, const char* csv, size_t size, cxjf_snapshot* out,
                                             char** error);

/* Scores an enterprise CSV file: what `cxjf score --input FILE` does.
 *   model  the model (borrowed). Required.
 *   path   the file's path (borrowed). Required.
 *   out    receives the snapshot; destroy it with cxjf_snapshot_destroy. Required.
 *   error  optional message on failure (free with cxjf_free).
 * Errors: as cxjf_snapshot_score_csv, and CXJF_IO when the file is unreadable. */
CXJF_API cxjf_status cxjf_snapshot_score_csv_file(cxjf_model model, const char* path, cxjf_snapshot* out,
                                                  char** error);

/* Generates a synthetic national sample (docs/generator.md) and scores it:
 * what `cxjf generate --n N --seed SEED` then `cxjf score` give, for demos,
 * tests and benchmarks. The same n, seed and share give the same snapshot on
 * every platform.
 *   model               the model (borrowed). Required.
 *   n                   enterprises to generate, 1 or more (the national scale
 *                       is 520,000).
 *   seed                the random seed.
 *   unregistered_share  share of enterprises generated as not registered
 *                       (left out of the snapshot), 0 to 1; the CLI's
 *                       default is 0.08.
 *   out                 receives the snapshot; destroy it with
 *                       cxjf_snapshot_destroy. Required.
 *   error               optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE; CXJF_INVALID_ARGUMENT for
 * n < 1 or a share outside [0, 1]; CXJF_OUT_OF_MEMORY. */
CXJF_API cxjf_status cxjf_snapshot_generate(cxjf_model model, int64_t n, uint64_t seed, double unregistered_share,
                                            cxjf_snapshot* out, char** error);

/* Reads a snapshot file (written by cxjf_snapshot_save or `cxjf score
 * --snapshot`). Its scores are exactly the saved ones.
 *   path   the file's path (borrowed). Required.
 *   out    receives the snapshot; destroy it with cxjf_snapshot_destroy. Required.
 *   error  optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT; CXJF_IO when the file cannot be read;
 * CXJF_CORRUPT_SNAPSHOT when it is not a snapshot, of a format this library
 * does not read, truncated or damaged (docs/snapshot.md lists the checks). */
CXJF_API cxjf_status cxjf_snapshot_load(const char* path, cxjf_snapshot* out, char** error);

/* Writes the snapshot to a file (docs/snapshot.md), replacing it.
 *   snapshot  the snapshot (borrowed). Required.
 *   path      the file's path (borrowed). Required.
 *   error     optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE, CXJF_IO. */
CXJF_API cxjf_status cxjf_snapshot_save(cxjf_snapshot snapshot, const char* path, char** error);

/* Signed snapshots (docs/snapshot.md, "Signatures"): a deployment that
 * loads only what its own scoring produced. Keys are text lines made by
 * `cxjf keys`: "cxjf-ed25519-secret:" or "cxjf-ed25519-public:" and 64
 * hexadecimal digits. */

/* cxjf_snapshot_load, refusing a file not signed by `public_key`.
 *   public_key  the scorer's public key text (borrowed). Required.
 * Errors: as cxjf_snapshot_load; CXJF_CORRUPT_SNAPSHOT when the file is
 * unsigned, signed by another key or changed after signing;
 * CXJF_INVALID_ARGUMENT for a malformed key. */
CXJF_API cxjf_status cxjf_snapshot_load_signed(const char* path, const char* public_key, cxjf_snapshot* out,
                                               char** error);

/* cxjf_snapshot_save, signing the file with `secret_key`.
 *   secret_key  the scorer's secret key text (borrowed). Required.
 * Errors: as cxjf_snapshot_save; CXJF_INVALID_ARGUMENT for a malformed key. */
CXJF_API cxjf_status cxjf_snapshot_save_signed(cxjf_snapshot snapshot, const char* path, const char* secret_key,
                                               char** error);

/* Destroys a snapshot and sets *snapshot to NULL. A NULL `snapshot` or
 * *snapshot is accepted and does nothing. No other call may be using the
 * snapshot (see Threads in the introduction).
 * Errors: CXJF_WRONG_HANDLE when *snapshot is not a live snapshot (nothing is freed). */
CXJF_API cxjf_status cxjf_snapshot_destroy(cxjf_snapshot* snapshot);

/* A copy of the snapshot's model (to write its template, say).
 *   snapshot  the snapshot (borrowed). Required.
 *   out       receives a new model; destroy it with cxjf_model_destroy. Required.
 *   error     optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE, CXJF_OUT_OF_MEMORY. */
CXJF_API cxjf_status cxjf_snapshot_model(cxjf_snapshot snapshot, cxjf_model* out, char** error);

/* =============================================================================
 * Snapshots: bulk numbers
 *
 * The scores of every enterprise as plain arrays, for the service's own use
 * (reports, checks, copying into its database). Row i is the i-th registered
 * enterprise in the order the input gave them (the snapshot's row order).
 * These calls see every enterprise, with no principal: never hand their
 * results to a user unchecked; answer users through the queries below, which
 * apply each principal's scope.
 *
 * The array functions follow one pattern (caller-owned buffer):
 *   buffer    where to write n values, or NULL to ask only for n.
 *   capacity  how many values `buffer` holds (ignored when buffer is NULL).
 *   count     receives n, the number of values written or needed. Required.
 * With capacity < n they return CXJF_BUFFER_TOO_SMALL, set *count to n and
 * write nothing.
 * ========================================================================== */

/* The levels at which enterprises are ranked (numbers as cxjf::RankLevel). */
typedef enum cxjf_rank_level {
  CXJF_RANK_NATIONAL = 0,  /* 全国 */
  CXJF_RANK_PROVINCE = 1,  /* 省 */
  CXJF_RANK_CITY = 2,      /* 设区市 */
  CXJF_RANK_COUNTY = 3,    /* 区县 */
  CXJF_RANK_ZONE = 4,      /* 国家高新区 */
  CXJF_RANK_INCUBATOR = 5, /* 孵化器 */
  CXJF_RANK_PEER_GROUP = 6, /* the peer group the enterprise was compared in */
  /* Not values: they make every int32 a value of the type, so that an unknown
     value a caller passes is refused with a status, not undefined behaviour. */
  CXJF_RANK_LEVEL_MIN_ENUM_ = -0x7FFFFFFF - 1,
  CXJF_RANK_LEVEL_MAX_ENUM_ = 0x7FFFFFFF
} cxjf_rank_level;

/* The number of enterprises (registered rows) n.
 *   snapshot  the snapshot (borrowed). Required.
 *   n         receives the count. Required.
 *   error     optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE. */
CXJF_API cxjf_status cxjf_snapshot_size(cxjf_snapshot snapshot, int64_t* n, char** error);

/* The number of decimals scores are published with (2 for torch-2022): a
 * published score is units / 10^decimals.
 *   snapshot  the snapshot (borrowed). Required.
 *   decimals  receives the number. Required.
 *   error     optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE. */
CXJF_API cxjf_status cxjf_snapshot_decimals(cxjf_snapshot snapshot, int32_t* decimals, char** error);

/* Published scores as exact integers: score x 10^decimals (8520 for 85.20).
 * Use these, not the doubles, to compare or print scores exactly.
 *   snapshot, buffer (caller-owned, n int64_t), capacity, count: see the pattern above.
 *   error     optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE, CXJF_BUFFER_TOO_SMALL. */
CXJF_API cxjf_status cxjf_snapshot_published_units(cxjf_snapshot snapshot, int64_t* buffer, size_t capacity,
                                                   size_t* count, char** error);

/* Published scores as doubles (units / 10^decimals, the nearest double), for
 * charts and statistics.
 *   snapshot, buffer (caller-owned, n doubles), capacity, count: see the pattern above.
 *   error     optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE, CXJF_BUFFER_TOO_SMALL. */
CXJF_API cxjf_status cxjf_snapshot_published_scores(cxjf_snapshot snapshot, double* buffer, size_t capacity,
                                                    size_t* count, char** error);

/* Grades as indices into the model's "grades" array (cxjf_model_to_json):
 * 0 is the highest grade ("A" in torch-2022).
 *   snapshot, buffer (caller-owned, n int32_t), capacity, count: see the pattern above.
 *   error     optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE, CXJF_BUFFER_TOO_SMALL. */
CXJF_API cxjf_status cxjf_snapshot_grades(cxjf_snapshot snapshot, int32_t* buffer, size_t capacity, size_t* count,
                                          char** error);

/* Ranks at one level: 1 is the best; equal published scores share a rank
 * (1, 2, 2, 4 unless the model declares dense ranks); 0 where the enterprise
 * has no unit at that level (no zone, say).
 *   snapshot  the snapshot (borrowed). Required.
 *   level     a cxjf_rank_level.
 *   buffer, capacity, count: see the pattern above (n int32_t).
 *   error     optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE, CXJF_BUFFER_TOO_SMALL;
 * CXJF_INVALID_ARGUMENT for an unknown level. */
CXJF_API cxjf_status cxjf_snapshot_ranks(cxjf_snapshot snapshot, cxjf_rank_level level, int32_t* buffer,
                                         size_t capacity, size_t* count, char** error);

/* The rows in list order: published score descending, then exact total
 * descending, then credit code ascending. buffer[0] is the national first.
 *   snapshot, buffer (caller-owned, n int64_t row numbers), capacity, count:
 *   see the pattern above.
 *   error     optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE, CXJF_BUFFER_TOO_SMALL. */
CXJF_API cxjf_status cxjf_snapshot_order(cxjf_snapshot snapshot, int64_t* buffer, size_t capacity, size_t* count,
                                         char** error);

/* The credit codes, to match rows with enterprises: n codes of exactly
 * CXJF_CREDIT_CODE_LENGTH bytes each (ASCII, upper case), concatenated with
 * no separator and no terminating NUL. Row i's code is at buffer + 18 * i.
 *   snapshot  the snapshot (borrowed). Required.
 *   buffer    caller-owned, 18 * n bytes, or NULL to ask the size.
 *   capacity  bytes `buffer` holds.
 *   size      receives 18 * n, the bytes written or needed. Required.
 *   error     optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE, CXJF_BUFFER_TOO_SMALL. */
#define CXJF_CREDIT_CODE_LENGTH 18
CXJF_API cxjf_status cxjf_snapshot_credit_codes(cxjf_snapshot snapshot, char* buffer, size_t capacity, size_t* size,
                                                char** error);

/* The ledger of one enterprise: every number behind its score (normalized
 * values, points per indicator, peer group, bonus, deductions, rounding) as a
 * JSON document (docs/scoring.md) — what `cxjf score --explain` writes.
 *   snapshot  the snapshot (borrowed). Required.
 *   row       the row, 0 to n - 1.
 *   json      receives the ledger (library-allocated, free with cxjf_free). Required.
 *   error     optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE; CXJF_INVALID_ARGUMENT for a
 * row out of range; CXJF_OUT_OF_MEMORY. */
CXJF_API cxjf_status cxjf_snapshot_ledger(cxjf_snapshot snapshot, int64_t row, char** json, char** error);

/* =============================================================================
 * Overview queries (企业总览)
 *
 * What the portal's overview page shows, for one principal (who asks): facet
 * counts with cross-filtering and the score histogram, rankings with
 * drill-down, the enterprise list with paging, an enterprise's detail, and
 * the export of the list. A request is a JSON document that names its
 * principal and its kind; docs/overview.md describes every member and
 * docs/examples/ has one request per kind. For example:
 *
 *   {"principal": {"role": "province", "code": "440000"},
 *    "kind": "overview",
 *    "filters": {"industries": ["C"], "grades": ["A", "B"]},
 *    "list": {"sort": "score", "page": 1, "page_size": 20}}
 *
 * Roles: torch_center, province, city, county, zone, incubator, enterprise,
 * public. Each sees only its scope: a region role its region, a zone or
 * incubator its own enterprises, an enterprise its own detail, the public only
 * aggregates; exports need "can_export": true. The library enforces this on
 * every query; the service only has to put the authenticated user in
 * "principal".
 *
 * The first query on a snapshot builds its query index (about 0.15 s for
 * 520,000 enterprises; concurrent first queries wait for the one build). To
 * pay that at start-up instead, call cxjf_snapshot_build_index.
 * Queries are read-only: any number of threads may query one snapshot at once.
 * ========================================================================== */

/* Builds the snapshot's query index now, if not yet built. Optional.
 *   snapshot  the snapshot (borrowed). Required.
 *   error     optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE, CXJF_OUT_OF_MEMORY. */
CXJF_API cxjf_status cxjf_snapshot_build_index(cxjf_snapshot snapshot, char** error);

/* Answers a request document of any kind (overview, list, ranking, export,
 * detail): what `cxjf query` does.
 *   snapshot      the snapshot (borrowed). Required.
 *   request_json  the request, UTF-8 JSON text (borrowed). Required.
 *   answer_json   receives the answer document (library-allocated, free with
 *                 cxjf_free). Required. When the query is refused (the three
 *                 statuses below) it receives the error answer
 *                 {"error": {"code": "bad_request" | "forbidden" | "not_found",
 *                 "message": ..., "path": ...}}, which a portal can pass on
 *                 to its client as it is; after any other failure it is NULL.
 *   error         optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE, CXJF_OUT_OF_MEMORY;
 * refusals: CXJF_INVALID_ARGUMENT for a malformed request or principal (the
 * message starts with the JSON path of the offending value, e.g.
 * "/filters/industries/1: ..."), CXJF_FORBIDDEN when the role may not ask
 * it, CXJF_NOT_FOUND for an enterprise or unit absent or outside the scope. */
CXJF_API cxjf_status cxjf_query(cxjf_snapshot snapshot, const char* request_json, char** answer_json, char** error);

/* One enterprise's detail (企业详情): the query of kind "detail" without
 * writing the JSON request. Government roles and the Torch Center get the
 * ledger of an enterprise in their scope; an enterprise gets its own basic
 * facts, score, grade and ranks; the public is refused.
 *   snapshot     the snapshot (borrowed). Required.
 *   role         the principal's role, e.g. "county" (borrowed). Required.
 *   code         the principal's unit (borrowed): a region code for region
 *                roles ("440305"), the zone or incubator name, the
 *                enterprise's credit code; NULL or "" for torch_center and public.
 *   credit_code  the enterprise asked for (borrowed). Required.
 *   answer_json  receives the answer, or the error answer when refused, as
 *                for cxjf_query (library-allocated, free with cxjf_free). Required.
 *   error        optional message on failure (free with cxjf_free).
 * Errors: as cxjf_query; an absent enterprise and one outside the scope both
 * give CXJF_NOT_FOUND with the same message. */
CXJF_API cxjf_status cxjf_detail(cxjf_snapshot snapshot, const char* role, const char* code, const char* credit_code,
                                 char** answer_json, char** error);

/* Exports the enterprise list (导出) as the file a portal offers for
 * download: the bytes of the "content" of an export answer, unwrapped. The
 * request is a document of kind "export" (docs/overview.md): the principal,
 * which needs "can_export": true and a role that has a list, the filters, the
 * sort, and "format": "csv" (UTF-8 with a byte-order mark, the default) or
 * "json".
 *   snapshot      the snapshot (borrowed). Required.
 *   request_json  the export request, UTF-8 JSON text (borrowed). Required.
 *   content       receives the file's bytes, NUL-terminated (library-allocated,
 *                 free with cxjf_free). Required. NULL after a failure.
 *   size          receives the number of bytes before the NUL. Optional (NULL).
 *   error         optional message on failure (free with cxjf_free).
 * Errors: as cxjf_query (CXJF_FORBIDDEN without export permission);
 * CXJF_INVALID_ARGUMENT when the request's kind is not "export". */
CXJF_API cxjf_status cxjf_export(cxjf_snapshot snapshot, const char* request_json, char** content, size_t* size,
                                 char** error);

/* =============================================================================
 * Estimation (导入测算)
 *
 * A government user fills the upload template and uploads it; every row is
 * scored against the snapshot: an enterprise already in it (入统) shows its
 * actual score and ranks, any other is scored as if it were added to the
 * frozen reference, without moving anyone else's score (docs/estimation.md).
 * What `cxjf estimate` does. Estimates are read-only on the snapshot: any
 * number of threads may estimate against one snapshot at once.
 * ========================================================================== */

/* The character encoding of an upload (numbers as cxjf::Encoding). */
typedef enum cxjf_encoding {
  CXJF_ENCODING_AUTO = 0,   /* a UTF-8 byte-order mark or valid UTF-8, else GB18030 */
  CXJF_ENCODING_UTF8 = 1,
  CXJF_ENCODING_GB18030 = 2, /* also reads GBK and GB2312, its subsets (Excel's CSV on Chinese Windows) */
  /* Not values: they make every int32 a value of the type, so that an unknown
     value a caller passes is refused with a status, not undefined behaviour. */
  CXJF_ENCODING_MIN_ENUM_ = -0x7FFFFFFF - 1,
  CXJF_ENCODING_MAX_ENUM_ = 0x7FFFFFFF
} cxjf_encoding;

/* Options of an estimate, or-ed together. */
#define CXJF_ESTIMATE_LEDGERS 1u   /* include every row's ledger in the record JSON */
#define CXJF_ESTIMATE_FRACTIONS 2u /* bare numbers of % columns are fractions (0.125 is 12.5 %); without
                                      it they are percents (12.5 is 12.5 %). A cell with '%' is a percent. */

/* Estimates an upload given as bytes.
 *   snapshot      the snapshot (borrowed). Required.
 *   upload        the file's bytes (borrowed); need not be NUL-terminated: an
 *                 Excel workbook (.xlsx) or CSV, told apart by content. Of a
 *                 workbook the sheet holding the template's header is read,
 *                 the header found below any title rows (docs/upload.md).
 *                 Required unless size is 0.
 *   size          number of bytes.
 *   encoding      a cxjf_encoding; CXJF_ENCODING_AUTO unless you know better.
 *   role          who runs it: the principal's role, e.g. "province"
 *                 (borrowed). Required. Written into the record.
 *   code          the principal's unit, e.g. "440000" (borrowed); NULL or "" for none.
 *   options       0, or CXJF_ESTIMATE_LEDGERS and CXJF_ESTIMATE_FRACTIONS or-ed.
 *   record_json   receives the estimation record (测算记录) as JSON: id,
 *                 counts (rows_read = scored + rejected), every scored row
 *                 with its score, grade and ranks, the rejected rows and the
 *                 cell errors (library-allocated, free with cxjf_free).
 *                 Optional: NULL if you do not want it.
 *   results_csv   receives the results as CSV, one line per scored row, what
 *                 `cxjf estimate --out` writes (library-allocated, free with
 *                 cxjf_free). Optional.
 *   errors_csv    receives the error report as CSV, every bad cell and
 *                 rejected row with its row, column, raw value and reasons in
 *                 English and Chinese, what `--errors` writes
 *                 (library-allocated, free with cxjf_free). Optional.
 *   error         optional message on failure (free with cxjf_free).
 * Bad rows and cells do not fail the call: they are in the record and the
 * error report. The snapshot's estimation index (its credit codes and the
 * published scores of every unit in rank order) is built by the first
 * estimate and kept, like the query index; the rows are scored on every core.
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE;
 * CXJF_INVALID_ARGUMENT for an unknown role or encoding, or options bits this
 * library does not know; CXJF_INVALID_INPUT for a problem with the file as a
 * whole (undecodable text, no header, required columns missing: all listed);
 * CXJF_OUT_OF_MEMORY. */
CXJF_API cxjf_status cxjf_estimate(cxjf_snapshot snapshot, const char* upload, size_t size, cxjf_encoding encoding,
                                   const char* role, const char* code, uint32_t options, char** record_json,
                                   char** results_csv, char** errors_csv, char** error);

/* cxjf_estimate with the results as one Excel workbook (.xlsx): the sheets
 * 结果 (the results rows), 错误 (the error report, with each bad cell's sheet
 * and cell) and 记录 (the record's facts and counts).
 *   results_xlsx  receives the workbook (library-allocated, NUL-terminated;
 *                 free with cxjf_free). Optional.
 *   results_size  receives its size in bytes (the workbook holds NUL bytes).
 *                 Optional.
 *   The other parameters and the errors are those of cxjf_estimate. */
CXJF_API cxjf_status cxjf_estimate_workbook(cxjf_snapshot snapshot, const char* upload, size_t size,
                                            cxjf_encoding encoding, const char* role, const char* code,
                                            uint32_t options, char** record_json, char** results_xlsx,
                                            size_t* results_size, char** error);

/* What one upload may cost (docs/upload.md, "Limits"): past max_bytes or
 * max_rows the upload fails with CXJF_INVALID_INPUT; a row past max_columns,
 * max_cell_bytes or max_row_bytes is rejected (in the record and the error
 * report) and reading goes on. The defaults suit a portal: 64 MiB, 200,000
 * rows, 256 columns, 4,096-byte cells, 65,536-byte rows. */
typedef struct cxjf_upload_limits {
  uint64_t max_bytes;      /* the file */
  uint64_t max_rows;       /* data rows */
  uint64_t max_columns;    /* cells of the header or of a row */
  uint64_t max_cell_bytes; /* one cell, after unquoting */
  uint64_t max_row_bytes;  /* one row as written */
} cxjf_upload_limits;

/* Sets the limits of every later estimate on this snapshot; a field of 0
 * keeps its current value. Set them before sharing the snapshot between
 * threads (an estimate running meanwhile uses the old or the new limits).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE; CXJF_INVALID_ARGUMENT for
 * max_rows beyond 2^63 - 1. */
CXJF_API cxjf_status cxjf_snapshot_set_upload_limits(cxjf_snapshot snapshot, const cxjf_upload_limits* limits,
                                                     char** error);

/* Reads the limits in force into *limits.
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE. */
CXJF_API cxjf_status cxjf_snapshot_upload_limits(cxjf_snapshot snapshot, cxjf_upload_limits* limits, char** error);

/* Estimates an upload file: cxjf_estimate on the file's bytes.
 *   path   the upload's path (borrowed). Required.
 *   The other parameters are those of cxjf_estimate.
 * Errors: as cxjf_estimate, and CXJF_IO when the file is unreadable. */
CXJF_API cxjf_status cxjf_estimate_file(cxjf_snapshot snapshot, const char* path, cxjf_encoding encoding,
                                        const char* role, const char* code, uint32_t options, char** record_json,
                                        char** results_csv, char** errors_csv, char** error);

/* =============================================================================
 * Population analyses (docs/population.md)
 *
 * What a scheme's designers ask of a whole year: how a changed model or the
 * next year moves every enterprise (cxjf_compare, cxjf_compare_model), where
 * scores differ by province, zone, stage and industry (cxjf_distribution),
 * how certain each rank is when the weights are drawn (cxjf_rank_bands) and
 * which weights the ranks depend on (cxjf_rank_sensitivity). Each answer is
 * the JSON document the command line writes with --json.
 *
 * The request is a JSON object naming its principal and the analysis's
 * options, e.g. {"principal": {"role": "torch_center"}, "draws": 1000,
 * "seed": 7, "top": 200}. These analyses read every enterprise of the
 * snapshot and name the biggest movers, so only the torch_center role may
 * ask: any other role gets CXJF_FORBIDDEN. Unknown members, values of the
 * wrong type or out of range are refused with CXJF_INVALID_ARGUMENT and a
 * message starting with the member's JSON path ("/draws: ...").
 * On failure *answer_json is NULL. Each call is read-only on its snapshots
 * (any number may run at once) and runs on "threads" threads (0: one per
 * hardware thread), with the same answer on any number.
 * ========================================================================== */

/* Compares two years' snapshots matched by credit code (cxjf compare A B):
 * entrants and leavers, score, rank and grade changes, each region's list
 * entries and exits, rank correlations, the biggest movers, and every
 * indicator's population stability index (PSI), nationally and per peer group.
 *   before, after  the snapshots (borrowed). Required.
 *   request_json   {"principal", "movers": 20 (0..100000), "psi_bins": 10
 *                  (2..100), "threads": 0} (borrowed). Required.
 *   answer_json    receives the comparison (library-allocated, free with
 *                  cxjf_free). Required.
 *   error          optional message on failure (free with cxjf_free).
 * Errors: CXJF_NULL_ARGUMENT, CXJF_WRONG_HANDLE, CXJF_INVALID_ARGUMENT,
 * CXJF_FORBIDDEN, CXJF_OUT_OF_MEMORY. */
CXJF_API cxjf_status cxjf_compare(cxjf_snapshot before, cxjf_snapshot after, const char* request_json,
                                  char** answer_json, char** error);

/* Scores a snapshot's enterprises under another model (changed weights,
 * methods, another scheme), fitting its reference on them, and compares the
 * result with the snapshot (cxjf compare --snapshot S --model M).
 *   snapshot     the snapshot (borrowed). Required.
 *   model        the other model (borrowed). Required. It must read
 *                indicators the snapshot has.
 *   The other parameters are those of cxjf_compare.
 * Errors: as cxjf_compare; CXJF_INVALID_ARGUMENT when the model needs an
 * indicator the snapshot lacks. */
CXJF_API cxjf_status cxjf_compare_model(cxjf_snapshot snapshot, cxjf_model model, const char* request_json,
                                        char** answer_json, char** error);

/* Score distributions (mean, quartiles, share listed, gaps to the nation)
 * by province, zone, stage or industry, and the peer groups' fallbacks
 * (cxjf distribution).
 *   snapshot     the snapshot (borrowed). Required.
 *   request_json {"principal", "by": "province" | "zone" | "stage" |
 *                "industry" (default "province")} (borrowed). Required.
 *   answer_json  receives {"groups": [...], "peer_fallbacks": [...]}
 *                (library-allocated, free with cxjf_free). Required.
 *   error        optional message on failure (free with cxjf_free).
 * Errors: as cxjf_compare. */
CXJF_API cxjf_status cxjf_distribution(cxjf_snapshot snapshot, const char* request_json, char** answer_json,
                                       char** error);

/* Every enterprise's national rank band under drawn weights (cxjf
 * uncertainty): its nominal rank, the 5 %, 50 % and 95 % ranks over the
 * draws and its share of draws at or above the list threshold. Deterministic
 * for a seed; draws first_draw .. first_draw + draws - 1 of the seed form a
 * batch, so batches can run apart.
 *   snapshot     the snapshot (borrowed). Required.
 *   request_json {"principal", "draws": 1000 (1..1000000), "first_draw": 0,
 *                "seed": 1, "spread": 0.25 ([0, 1)), "concentration": 0
 *                (> 0: Dirichlet draws), "ties": [...], "missing": [...]
 *                (alternative rules drawn, e.g. ["weak", "mean"]),
 *                "threads": 0, "top": 0 (rows of the best nominal ranks
 *                only; 0: all)} (borrowed). Required.
 *   answer_json  receives {"draws", "enterprises", "rows": [{credit_code,
 *                name, score, rank, rank_p05, rank_median, rank_p95,
 *                listed_share}, ...]} in nominal rank order
 *                (library-allocated, free with cxjf_free). Required.
 *   error        optional message on failure (free with cxjf_free).
 * Errors: as cxjf_compare. Cost: about 25 s for 1,000 draws over 520,000
 * enterprises on two cores. */
CXJF_API cxjf_status cxjf_rank_bands(cxjf_snapshot snapshot, const char* request_json, char** answer_json,
                                     char** error);

/* First-order and total sensitivity indices (Saltelli sampling, Jansen
 * estimators) of the national rank and of list membership to each scored
 * indicator's weights, and to the tie rule and missing policy when
 * alternatives are given.
 *   snapshot     the snapshot (borrowed). Required.
 *   request_json {"principal", "samples": 64 (2..100000), "seed", "spread",
 *                "concentration", "ties", "missing", "threads"} as for
 *                cxjf_rank_bands (borrowed). Required.
 *   answer_json  receives {"samples", "evaluations", "inputs": [...]}
 *                (library-allocated, free with cxjf_free). Required.
 *   error        optional message on failure (free with cxjf_free).
 * Errors: as cxjf_compare. */
CXJF_API cxjf_status cxjf_rank_sensitivity(cxjf_snapshot snapshot, const char* request_json, char** answer_json,
                                           char** error);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CXJF_H */
