/* Every error path of the C ABI, from C99: NULL arguments, wrong and
 * destroyed handles, bad JSON, invalid models and data, corrupt snapshot
 * files, refused queries (malformed, forbidden, out of scope), small buffers.
 * Each must return its status and a message that says what to fix, never
 * crash, and leave the outputs empty. */
#include "hand.h"

/* A pointer value no allocation returns: to check that outputs are reset. */
#define GARBAGE ((void*)0x1)

static char* last_message = NULL;

/* Keeps the message of the last call for the checks that follow. */
static char** msg(void) {
  cxjf_free(last_message);
  last_message = NULL;
  return &last_message;
}

static void test_null_arguments(void) {
  cxjf_model model = hand_model();
  cxjf_snapshot s = hand_snapshot();
  char* text = (char*)GARBAGE;
  int64_t n = 0;
  cxjf_model other = (cxjf_model)GARBAGE;
  cxjf_snapshot none = (cxjf_snapshot)GARBAGE;

  CHECK_STATUS(cxjf_model_from_json(NULL, &other, msg()), CXJF_NULL_ARGUMENT);
  CHECK(other == NULL); /* out is reset before anything can fail */
  CHECK(contains(last_message, "cxjf_model_from_json: json is NULL"));
  CHECK_STATUS(cxjf_model_default(NULL, msg()), CXJF_NULL_ARGUMENT);
  CHECK(contains(last_message, "out is NULL"));
  CHECK_STATUS(cxjf_model_to_json(NULL, &text, msg()), CXJF_NULL_ARGUMENT);
  CHECK(text == NULL); /* outputs are reset before anything can fail */
  CHECK(contains(last_message, "cxjf_model_to_json: model is NULL"));
  CHECK_STATUS(cxjf_query(NULL, "{}", &text, msg()), CXJF_NULL_ARGUMENT);
  CHECK(contains(last_message, "snapshot is NULL"));
  CHECK_STATUS(cxjf_query(s, NULL, &text, msg()), CXJF_NULL_ARGUMENT);
  CHECK(contains(last_message, "request_json is NULL"));
  CHECK_STATUS(cxjf_query(s, "{}", NULL, msg()), CXJF_NULL_ARGUMENT);
  CHECK_STATUS(cxjf_snapshot_published_units(s, NULL, 0, NULL, msg()), CXJF_NULL_ARGUMENT);
  CHECK(contains(last_message, "count is NULL"));
  CHECK_STATUS(cxjf_snapshot_size(s, NULL, msg()), CXJF_NULL_ARGUMENT);
  CHECK_STATUS(cxjf_snapshot_load(NULL, &none, msg()), CXJF_NULL_ARGUMENT);
  CHECK(none == NULL);
  CHECK_STATUS(cxjf_snapshot_save(s, NULL, msg()), CXJF_NULL_ARGUMENT);
  CHECK_STATUS(cxjf_snapshot_score_csv(model, NULL, 10, &none, msg()), CXJF_NULL_ARGUMENT);
  CHECK(contains(last_message, "csv is NULL"));
  CHECK_STATUS(cxjf_detail(s, NULL, NULL, hand_codes[0], &text, msg()), CXJF_NULL_ARGUMENT);
  CHECK(contains(last_message, "role is NULL"));
  CHECK_STATUS(cxjf_estimate(s, NULL, 5, CXJF_ENCODING_AUTO, "torch_center", NULL, 0, NULL, NULL, NULL, msg()),
               CXJF_NULL_ARGUMENT);
  CHECK(contains(last_message, "cxjf_estimate: upload is NULL"));
  CHECK_STATUS(cxjf_estimate_file(s, NULL, CXJF_ENCODING_AUTO, "torch_center", NULL, 0, NULL, NULL, NULL, msg()),
               CXJF_NULL_ARGUMENT);
  CHECK_STATUS(cxjf_columns_set_text(NULL, "name", hand_names, msg()), CXJF_NULL_ARGUMENT);

  /* Without an error parameter, the status alone, and the thread's last error. */
  CHECK_STATUS(cxjf_snapshot_size(NULL, &n, NULL), CXJF_NULL_ARGUMENT);
  CHECK(strcmp(cxjf_last_error_message(), "cxjf_snapshot_size: snapshot is NULL") == 0);
  /* A successful call clears *error and leaves the last error as it was. */
  {
    char* error = (char*)GARBAGE;
    CHECK_OK(cxjf_snapshot_size(s, &n, &error));
    CHECK(error == NULL);
    CHECK(strcmp(cxjf_last_error_message(), "cxjf_snapshot_size: snapshot is NULL") == 0);
  }

  /* Destroy and free accept NULL. */
  {
    cxjf_model none = NULL;
    cxjf_columns no_columns = NULL;
    cxjf_snapshot no_snapshot = NULL;
    CHECK_OK(cxjf_model_destroy(NULL));
    CHECK_OK(cxjf_model_destroy(&none));
    CHECK_OK(cxjf_columns_destroy(&no_columns));
    CHECK_OK(cxjf_snapshot_destroy(NULL));
    CHECK_OK(cxjf_snapshot_destroy(&no_snapshot));
    cxjf_free(NULL);
  }
  cxjf_snapshot_destroy(&s);
  cxjf_model_destroy(&model);
}

static void test_wrong_handles(void) {
  cxjf_model model = hand_model();
  cxjf_snapshot s = hand_snapshot();
  cxjf_columns columns = hand_columns();
  int64_t n = 0;
  char* text = NULL;
  cxjf_snapshot none = NULL;

  /* A handle of another kind, through a cast. */
  CHECK_STATUS(cxjf_snapshot_size((cxjf_snapshot)(void*)model, &n, msg()), CXJF_WRONG_HANDLE);
  CHECK(contains(last_message, "cxjf_snapshot_size: snapshot is a cxjf_model, not a cxjf_snapshot"));
  CHECK_STATUS(cxjf_model_to_json((cxjf_model)(void*)s, &text, msg()), CXJF_WRONG_HANDLE);
  CHECK_STATUS(cxjf_snapshot_score_columns(model, (cxjf_columns)(void*)s, &none, msg()),
               CXJF_WRONG_HANDLE);
  CHECK_STATUS(cxjf_query((cxjf_snapshot)(void*)columns, "{}", &text, msg()), CXJF_WRONG_HANDLE);
  /* Destroying through the wrong destroy frees nothing: the handle still works. */
  {
    cxjf_model as_model = (cxjf_model)(void*)s;
    CHECK_STATUS(cxjf_model_destroy(&as_model), CXJF_WRONG_HANDLE);
    CHECK(as_model != NULL);
    CHECK_OK(cxjf_snapshot_size(s, &n, NULL));
    CHECK(n == HAND_N);
  }

  /* A destroyed handle, used through a stale copy, even after new handles
   * were made (which may reuse its memory): the library never reads through
   * a handle, so this is detected every time, and so is a second destroy. */
  {
    cxjf_model stale = model;
    CHECK_OK(cxjf_model_destroy(&model));
    CHECK(model == NULL);
    cxjf_model again[8];
    for (int k = 0; k < 8; ++k) CHECK_OK(cxjf_model_default(&again[k], NULL));
    CHECK_STATUS(cxjf_model_to_json(stale, &text, msg()), CXJF_WRONG_HANDLE);
    CHECK(contains(last_message, "is not a live cxjf_model"));
    CHECK_STATUS(cxjf_model_destroy(&stale), CXJF_WRONG_HANDLE);
    for (int k = 0; k < 8; ++k) {
      CHECK(again[k] != stale);
      CHECK_OK(cxjf_model_destroy(&again[k]));
    }
  }
  /* A pointer the library never made. */
  {
    static char not_a_handle[64];
    CHECK_STATUS(cxjf_snapshot_size((cxjf_snapshot)(void*)not_a_handle, &n, msg()), CXJF_WRONG_HANDLE);
  }
  cxjf_columns_destroy(&columns);
  cxjf_snapshot_destroy(&s);
}

static void test_bad_models(void) {
  cxjf_model model = (cxjf_model)GARBAGE;
  char* bad;
  CHECK_STATUS(cxjf_model_from_json("{not json", &model, msg()), CXJF_INVALID_MODEL);
  CHECK(model == NULL);
  CHECK(last_message && strlen(last_message) > 10);
  /* Weights that do not add up to base_max: named by their JSON path. */
  bad = (char*)malloc(strlen(hand_model_json) + 1);
  strcpy(bad, hand_model_json);
  memcpy(strstr(bad, "\"stable\": 100"), "\"stable\":  90", 13);
  CHECK_STATUS(cxjf_model_from_json(bad, &model, msg()), CXJF_INVALID_MODEL);
  CHECK(contains(last_message, "/indicators: the weights of stage \"stable\""));
  CHECK(contains(last_message, "sum to 90") && contains(last_message, "base_max = 100"));
  free(bad);
  CHECK_STATUS(cxjf_model_builtin("torch-2099", &model, msg()), CXJF_NOT_FOUND);
  CHECK(contains(last_message, "torch-2099") && contains(last_message, "torch-2022, torch-2025-trial"));
  CHECK_STATUS(cxjf_model_from_file("c_abi_errors_no_such_model.json", &model, msg()), CXJF_IO);
}

static void test_bad_columns(void) {
  cxjf_model model = hand_model();
  cxjf_columns columns = (cxjf_columns)GARBAGE;
  cxjf_snapshot s = (cxjf_snapshot)GARBAGE;
  const char* const ids_xx[2] = {"x", "x"};
  const char* const ids_y[1] = {"y"};
  const char* const ids_null[1] = {NULL};
  const char* codes[HAND_N];
  int32_t regions[HAND_N];
  int i;

  CHECK_STATUS(cxjf_columns_create(0, &columns, msg()), CXJF_INVALID_ARGUMENT);
  CHECK(columns == NULL);
  CHECK(contains(last_message, "n is 0"));

  columns = hand_columns();
  CHECK_STATUS(cxjf_columns_set_text(columns, "registered", hand_names, msg()), CXJF_INVALID_ARGUMENT);
  CHECK(contains(last_message, "'registered' is not a text column") && contains(last_message, "qualifications"));
  CHECK_STATUS(cxjf_columns_set_text(columns, "region_code", hand_names, msg()), CXJF_INVALID_ARGUMENT);
  CHECK(contains(last_message, "cxjf_columns_set_int32"));
  CHECK_STATUS(cxjf_columns_set_int32(columns, "name", hand_regions, msg()), CXJF_INVALID_ARGUMENT);
  CHECK_STATUS(cxjf_columns_set_indicators(columns, 0, ids_y, hand_x, CXJF_ROW_MAJOR, msg()), CXJF_INVALID_ARGUMENT);
  CHECK_STATUS(cxjf_columns_set_indicators(columns, 1, ids_y, hand_x, (cxjf_layout)5, msg()), CXJF_INVALID_ARGUMENT);
  CHECK(contains(last_message, "layout 5"));
  CHECK_STATUS(cxjf_columns_set_indicators(columns, 2, ids_xx, hand_x, CXJF_ROW_MAJOR, msg()), CXJF_INVALID_ARGUMENT);
  CHECK(contains(last_message, "'x' is given twice"));
  CHECK_STATUS(cxjf_columns_set_indicators(columns, 1, ids_null, hand_x, CXJF_ROW_MAJOR, msg()), CXJF_INVALID_ARGUMENT);

  /* A wrong check character on the third enterprise (index 2): row 4, as in
   * a CSV whose header is row 1; the credit code column. */
  for (i = 0; i < HAND_N; ++i) codes[i] = hand_codes[i];
  codes[2] = "91110101000000003C";
  CHECK_OK(cxjf_columns_set_text(columns, "credit_code", codes, NULL));
  CHECK_STATUS(cxjf_snapshot_score_columns(model, columns, &s, msg()), CXJF_INVALID_INPUT);
  CHECK(s == NULL);
  CHECK(contains(last_message, "row 4, column 统一社会信用代码") && contains(last_message, "91110101000000003C"));
  /* A credit code twice: the second (index 2) is row 4, the first row 3. */
  codes[2] = hand_codes[1];
  CHECK_OK(cxjf_columns_set_text(columns, "credit_code", codes, NULL));
  CHECK_STATUS(cxjf_snapshot_score_columns(model, columns, &s, msg()), CXJF_INVALID_INPUT);
  CHECK(contains(last_message, hand_codes[1]) && contains(last_message, "row 4") &&
        contains(last_message, "first at row 3"));
  CHECK_OK(cxjf_columns_set_text(columns, "credit_code", hand_codes, NULL));
  /* A region code that GB/T 2260 does not have. */
  for (i = 0; i < HAND_N; ++i) regions[i] = hand_regions[i];
  regions[5] = 449999;
  CHECK_OK(cxjf_columns_set_int32(columns, "region_code", regions, NULL));
  CHECK_STATUS(cxjf_snapshot_score_columns(model, columns, &s, msg()), CXJF_INVALID_INPUT);
  CHECK(contains(last_message, "row 7") && contains(last_message, "449999"));
  CHECK_OK(cxjf_columns_set_int32(columns, "region_code", hand_regions, NULL));
  /* A stage the model does not have, on the fifth enterprise (index 4):
   * found while scoring, numbered the same way. */
  {
    const char* stages[HAND_N];
    for (i = 0; i < HAND_N; ++i) stages[i] = hand_stages[i];
    stages[4] = "青春期";
    CHECK_OK(cxjf_columns_set_text(columns, "stage", stages, NULL));
    CHECK_STATUS(cxjf_snapshot_score_columns(model, columns, &s, msg()), CXJF_INVALID_INPUT);
    CHECK(contains(last_message, "row 6, column 发展阶段") && contains(last_message, "青春期"));
    CHECK_OK(cxjf_columns_set_text(columns, "stage", hand_stages, NULL));
  }
  /* The model's indicator x is not among the indicators. */
  CHECK_OK(cxjf_columns_set_indicators(columns, 1, ids_y, hand_x, CXJF_ROW_MAJOR, NULL));
  CHECK_STATUS(cxjf_snapshot_score_columns(model, columns, &s, msg()), CXJF_INVALID_ARGUMENT);
  CHECK(contains(last_message, "x"));
  cxjf_columns_destroy(&columns);

  /* Required columns not set: all named. */
  CHECK_OK(cxjf_columns_create(3, &columns, NULL));
  CHECK_OK(cxjf_columns_set_text(columns, "name", hand_names, NULL));
  CHECK_STATUS(cxjf_snapshot_score_columns(model, columns, &s, msg()), CXJF_INVALID_INPUT);
  CHECK(contains(last_message, "credit_code, region_code, the indicators"));
  cxjf_columns_destroy(&columns);
  cxjf_model_destroy(&model);
}

static void test_bad_csv(void) {
  cxjf_model model = hand_model();
  cxjf_snapshot s = (cxjf_snapshot)GARBAGE;
  const char* missing = "统一社会信用代码,企业名称\n911101010000000015,甲\n";
  const char* not_a_number =
      "统一社会信用代码,企业名称,行政区划代码,发展阶段,分\n"
      "911101010000000015,甲,440305,稳定期,90\n"
      "911101010000000028,乙,440305,稳定期,九十\n";
  CHECK_STATUS(cxjf_snapshot_score_csv(model, missing, strlen(missing), &s, msg()), CXJF_INVALID_INPUT);
  CHECK(s == NULL);
  CHECK(contains(last_message, "missing columns") && contains(last_message, "行政区划代码"));
  CHECK_STATUS(cxjf_snapshot_score_csv(model, not_a_number, strlen(not_a_number), &s, msg()), CXJF_INVALID_INPUT);
  CHECK(contains(last_message, "row 3") && contains(last_message, "九十"));
  CHECK_STATUS(cxjf_snapshot_score_csv(model, "", 0, &s, msg()), CXJF_INVALID_INPUT);
  CHECK(contains(last_message, "empty"));
  CHECK_STATUS(cxjf_snapshot_score_csv_file(model, "c_abi_errors_no_such.csv", &s, msg()), CXJF_IO);
  cxjf_model_destroy(&model);
}

/* Writes `size` bytes of `bytes` to `path`. */
static void write_bytes(const char* path, const char* bytes, size_t size) {
  FILE* f = fopen(path, "wb");
  CHECK(f != NULL);
  if (!f) return;
  CHECK(fwrite(bytes, 1, size, f) == size);
  fclose(f);
}

static void test_corrupt_snapshots(void) {
  cxjf_snapshot s = hand_snapshot(), loaded = (cxjf_snapshot)GARBAGE;
  FILE* f;
  char* bytes;
  long size;
  CHECK_OK(cxjf_snapshot_save(s, "c_abi_errors_good.snap", NULL));
  f = fopen("c_abi_errors_good.snap", "rb");
  CHECK(f != NULL);
  if (!f) return;
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  bytes = (char*)malloc((size_t)size);
  CHECK(fread(bytes, 1, (size_t)size, f) == (size_t)size);
  fclose(f);

  CHECK_STATUS(cxjf_snapshot_load("c_abi_errors_no_such.snap", &loaded, msg()), CXJF_IO);
  CHECK(loaded == NULL);
  CHECK(contains(last_message, "c_abi_errors_no_such.snap"));
  /* Not a snapshot at all. */
  write_bytes("c_abi_errors_text.snap", "credit_code,name\n", 17);
  CHECK_STATUS(cxjf_snapshot_load("c_abi_errors_text.snap", &loaded, msg()), CXJF_CORRUPT_SNAPSHOT);
  CHECK(contains(last_message, "is not a cxjf snapshot"));
  /* Truncated: the first half. */
  write_bytes("c_abi_errors_half.snap", bytes, (size_t)size / 2);
  CHECK_STATUS(cxjf_snapshot_load("c_abi_errors_half.snap", &loaded, msg()), CXJF_CORRUPT_SNAPSHOT);
  CHECK(contains(last_message, "c_abi_errors_half.snap"));
  /* One byte changed in the middle. */
  bytes[size / 2] ^= 0x5A;
  write_bytes("c_abi_errors_flipped.snap", bytes, (size_t)size);
  CHECK_STATUS(cxjf_snapshot_load("c_abi_errors_flipped.snap", &loaded, msg()), CXJF_CORRUPT_SNAPSHOT);
  CHECK(contains(last_message, "checksum"));
  CHECK(loaded == NULL);
  /* A directory that does not exist. */
  CHECK_STATUS(cxjf_snapshot_save(s, "c_abi_errors_no_such_dir/x.snap", msg()), CXJF_IO);
  free(bytes);
  cxjf_snapshot_destroy(&s);
}

static void test_buffers(void) {
  cxjf_snapshot s = hand_snapshot();
  int64_t units[HAND_N];
  int32_t ranks[HAND_N];
  char codes[HAND_N * 18];
  size_t count = 0;
  char* text = (char*)GARBAGE;
  units[0] = -7;
  CHECK_STATUS(cxjf_snapshot_published_units(s, units, HAND_N - 1, &count, msg()), CXJF_BUFFER_TOO_SMALL);
  CHECK(count == HAND_N);  /* the size needed */
  CHECK(units[0] == -7);   /* nothing written */
  CHECK(contains(last_message, "holds 11 values but 12 are needed"));
  CHECK_STATUS(cxjf_snapshot_ranks(s, CXJF_RANK_CITY, ranks, 0, &count, msg()), CXJF_BUFFER_TOO_SMALL);
  CHECK_STATUS(cxjf_snapshot_credit_codes(s, codes, sizeof codes - 1, &count, msg()), CXJF_BUFFER_TOO_SMALL);
  CHECK(count == sizeof codes);
  CHECK_STATUS(cxjf_snapshot_ranks(s, (cxjf_rank_level)7, ranks, HAND_N, &count, msg()), CXJF_INVALID_ARGUMENT);
  CHECK(contains(last_message, "level 7"));
  CHECK_STATUS(cxjf_snapshot_ledger(s, HAND_N, &text, msg()), CXJF_INVALID_ARGUMENT);
  CHECK(text == NULL);
  CHECK(contains(last_message, "row 12 is outside 0..11"));
  CHECK_STATUS(cxjf_snapshot_ledger(s, -1, &text, msg()), CXJF_INVALID_ARGUMENT);
  cxjf_snapshot_destroy(&s);
}

static void test_refused_queries(void) {
  cxjf_snapshot s = hand_snapshot();
  char *answer = (char*)GARBAGE, *absent = NULL, *content = (char*)GARBAGE;
  char* absent_message = NULL;
  size_t size = 7;

  /* Bad JSON: refused as a bad request, and the error answer is given. */
  CHECK_STATUS(cxjf_query(s, "{\"principal\": ", &answer, msg()), CXJF_INVALID_ARGUMENT);
  CHECK(contains(answer, "\"code\": \"bad_request\""));
  CHECK(contains(last_message, "not valid JSON"));
  cxjf_free(answer);
  /* A malformed member: the message starts with its JSON path. */
  CHECK_STATUS(cxjf_query(s,
                          "{\"principal\": {\"role\": \"torch_center\"}, \"kind\": \"overview\","
                          " \"filters\": {\"regions\": [\"44\"]}}",
                          &answer, msg()),
               CXJF_INVALID_ARGUMENT);
  CHECK(last_message && strncmp(last_message, "/filters/regions/0", 18) == 0);
  CHECK(contains(answer, "\"path\": \"/filters/regions/0\""));
  cxjf_free(answer);
  /* A principal whose code does not fit its role. */
  CHECK_STATUS(cxjf_query(s, "{\"principal\": {\"role\": \"province\", \"code\": \"440300\"}, \"kind\": \"overview\"}",
                          &answer, msg()),
               CXJF_INVALID_ARGUMENT);
  CHECK(contains(answer, "/principal/code"));
  cxjf_free(answer);
  CHECK_STATUS(cxjf_detail(s, "king", NULL, hand_codes[0], &answer, msg()), CXJF_INVALID_ARGUMENT);
  CHECK(contains(last_message, "king"));
  cxjf_free(answer);
  /* Invalid UTF-8 and numbers beyond a double: bad requests with their
   * answer, never CXJF_INTERNAL. */
  CHECK_STATUS(cxjf_query(s, "{\"principal\": {\"role\": \"torch_center\"}, \"kind\": \"overview\","
                             " \"filters\": {\"zones\": [\"\xff\"]}}",
                          &answer, msg()),
               CXJF_INVALID_ARGUMENT);
  CHECK(contains(answer, "\"code\": \"bad_request\"") && contains(last_message, "UTF-8"));
  cxjf_free(answer);
  CHECK_STATUS(cxjf_query(s, "{\"principal\": {\"role\": \"torch_center\"}, \"kind\": \"overview\","
                             " \"filters\": {\"score\": {\"min\": 1e400}}}",
                          &answer, msg()),
               CXJF_INVALID_ARGUMENT);
  CHECK(contains(answer, "\"path\": \"/filters/score/min\""));
  cxjf_free(answer);
  answer = (char*)GARBAGE;
  CHECK_STATUS(cxjf_detail(s, "county", "4403\xc3", hand_codes[0], &answer, msg()), CXJF_INVALID_ARGUMENT);
  CHECK(answer != (char*)GARBAGE && contains(answer, "\"path\": \"/principal/code\""));
  cxjf_free(answer);
  /* A repeated principal is refused, not the last one taken. */
  CHECK_STATUS(cxjf_query(s, "{\"principal\": {\"role\": \"public\"}, \"kind\": \"list\","
                             " \"principal\": {\"role\": \"torch_center\"}}",
                          &answer, msg()),
               CXJF_INVALID_ARGUMENT);
  CHECK(contains(answer, "repeated"));
  cxjf_free(answer);

  /* Forbidden: the public asking for the list; an export without permission. */
  CHECK_STATUS(cxjf_query(s, "{\"principal\": {\"role\": \"public\"}, \"kind\": \"list\"}", &answer, msg()),
               CXJF_FORBIDDEN);
  CHECK(contains(answer, "\"code\": \"forbidden\""));
  cxjf_free(answer);
  CHECK_STATUS(cxjf_export(s, "{\"principal\": {\"role\": \"province\", \"code\": \"440000\"}, \"kind\": \"export\"}",
                           &content, &size, msg()),
               CXJF_FORBIDDEN);
  CHECK(content == NULL && size == 0);
  CHECK_STATUS(cxjf_export(s, "{\"principal\": {\"role\": \"torch_center\"}, \"kind\": \"overview\"}", &content, NULL,
                           msg()),
               CXJF_INVALID_ARGUMENT);
  CHECK(contains(last_message, "cxjf_export takes kind \"export\""));

  /* Out of scope and absent look the same: 深圳甲 (440305) asked by the
   * county 440304, and a code nobody has. */
  CHECK_STATUS(cxjf_detail(s, "county", "440304", hand_codes[0], &answer, msg()), CXJF_NOT_FOUND);
  absent_message = last_message;
  last_message = NULL;
  CHECK_STATUS(cxjf_detail(s, "county", "440304", hand_absent_code, &absent, msg()), CXJF_NOT_FOUND);
  CHECK(answer && absent && strcmp(answer, absent) == 0);
  CHECK(absent_message && last_message && strcmp(absent_message, last_message) == 0);
  CHECK(!contains(absent_message, hand_absent_code) && !contains(absent_message, hand_codes[0]));
  cxjf_free(answer);
  cxjf_free(absent);
  cxjf_free(absent_message);
  /* An enterprise asking for another's detail; a zone outside its own. */
  CHECK_STATUS(cxjf_detail(s, "enterprise", hand_codes[1], hand_codes[0], &answer, msg()), CXJF_NOT_FOUND);
  cxjf_free(answer);
  CHECK_STATUS(cxjf_detail(s, "zone", "中关村科技园区", hand_codes[0], &answer, msg()), CXJF_NOT_FOUND);
  cxjf_free(answer);
  cxjf_snapshot_destroy(&s);
}

static void test_bad_estimates(void) {
  cxjf_snapshot s = hand_snapshot();
  char *record = (char*)GARBAGE, *results = (char*)GARBAGE, *errors = (char*)GARBAGE;
  const char* upload = "统一社会信用代码,企业名称,行政区划代码,发展阶段,分\n91110101000000013C,新,440305,稳定期,50\n";
  const char* no_columns = "名称,备注\n甲,乙\n";
  CHECK_STATUS(cxjf_estimate(s, upload, strlen(upload), CXJF_ENCODING_AUTO, "king", NULL, 0, &record, &results,
                             &errors, msg()),
               CXJF_INVALID_ARGUMENT);
  CHECK(record == NULL && results == NULL && errors == NULL);
  CHECK(contains(last_message, "unknown role 'king'"));
  /* Principals are checked as queries check them, before the upload is read. */
  {
    const char* bad[4][2] = {{"province", "990000"}, {"city", "440000"}, {"public", "440000"}, {"torch_center", "x"}};
    for (int k = 0; k < 4; ++k) {
      CHECK_STATUS(cxjf_estimate(s, no_columns, strlen(no_columns), CXJF_ENCODING_AUTO, bad[k][0], bad[k][1], 0,
                                 &record, NULL, NULL, msg()),
                   CXJF_INVALID_ARGUMENT);
      CHECK(contains(last_message, "/principal/code"));
    }
  }
  CHECK_STATUS(cxjf_estimate(s, upload, strlen(upload), (cxjf_encoding)9, "torch_center", NULL, 0, &record, NULL,
                             NULL, msg()),
               CXJF_INVALID_ARGUMENT);
  CHECK(contains(last_message, "encoding 9"));
  CHECK_STATUS(cxjf_estimate(s, upload, strlen(upload), CXJF_ENCODING_AUTO, "torch_center", NULL, 4, &record, NULL,
                             NULL, msg()),
               CXJF_INVALID_ARGUMENT);
  CHECK_STATUS(cxjf_estimate(s, no_columns, strlen(no_columns), CXJF_ENCODING_AUTO, "torch_center", NULL, 0, &record,
                             NULL, NULL, msg()),
               CXJF_INVALID_INPUT);
  CHECK(contains(last_message, "统一社会信用代码"));
  CHECK_STATUS(cxjf_estimate_file(s, "c_abi_errors_no_such_upload.csv", CXJF_ENCODING_AUTO, "torch_center", NULL, 0,
                                  &record, NULL, NULL, msg()),
               CXJF_IO);
  CHECK(record == NULL);
  cxjf_snapshot_destroy(&s);
}

static void test_bad_generate(void) {
  cxjf_model model = hand_model();
  cxjf_snapshot s = (cxjf_snapshot)GARBAGE;
  CHECK_STATUS(cxjf_snapshot_generate(model, 0, 1, 0.0, &s, msg()), CXJF_INVALID_ARGUMENT);
  CHECK(s == NULL);
  CHECK_STATUS(cxjf_snapshot_generate(model, 10, 1, 1.5, &s, msg()), CXJF_INVALID_ARGUMENT);
  CHECK(contains(last_message, "unregistered_share"));
  cxjf_model_destroy(&model);
}

int main(void) {
  test_null_arguments();
  test_wrong_handles();
  test_bad_models();
  test_bad_columns();
  test_bad_csv();
  test_corrupt_snapshots();
  test_buffers();
  test_refused_queries();
  test_bad_estimates();
  test_bad_generate();
  cxjf_free(last_message);
  return hand_report("c_abi_errors_test");
}
