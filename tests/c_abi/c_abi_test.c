/* The C ABI at work, from C99: every call on the twelve hand-worked
 * enterprises of hand.h, checked against the values worked out there. The
 * error paths are in c_abi_errors_test.c. */
#include "hand.h"

/* Checks every bulk array of a snapshot of the twelve against hand.h. */
static void check_hand_numbers(cxjf_snapshot s) {
  int64_t n = 0, order[HAND_N];
  int32_t decimals = 0, grades[HAND_N], ranks[HAND_N];
  int64_t units[HAND_N];
  double scores[HAND_N];
  char codes[HAND_N * CXJF_CREDIT_CODE_LENGTH];
  size_t count = 0;
  int i;
  CHECK_OK(cxjf_snapshot_size(s, &n, NULL));
  CHECK(n == HAND_N);
  CHECK_OK(cxjf_snapshot_decimals(s, &decimals, NULL));
  CHECK(decimals == 2);

  /* The size query, then the values. */
  CHECK_OK(cxjf_snapshot_published_units(s, NULL, 0, &count, NULL));
  CHECK(count == HAND_N);
  CHECK_OK(cxjf_snapshot_published_units(s, units, HAND_N, &count, NULL));
  CHECK_OK(cxjf_snapshot_published_scores(s, scores, HAND_N, &count, NULL));
  CHECK_OK(cxjf_snapshot_grades(s, grades, HAND_N, &count, NULL));
  for (i = 0; i < HAND_N; ++i) {
    CHECK(units[i] == hand_units[i]);
    CHECK(scores[i] == hand_x[i]); /* whole numbers: exact as doubles */
    CHECK(grades[i] == hand_grades[i]);
  }
  CHECK_OK(cxjf_snapshot_ranks(s, CXJF_RANK_NATIONAL, ranks, HAND_N, &count, NULL));
  for (i = 0; i < HAND_N; ++i) CHECK(ranks[i] == hand_national[i]);
  CHECK_OK(cxjf_snapshot_ranks(s, CXJF_RANK_PROVINCE, ranks, HAND_N, &count, NULL));
  for (i = 0; i < HAND_N; ++i) CHECK(ranks[i] == hand_province[i]);
  /* Only rows 0 and 1 (深圳市高新技术产业园区) and 8 and 9 (中关村) have a zone. */
  CHECK_OK(cxjf_snapshot_ranks(s, CXJF_RANK_ZONE, ranks, HAND_N, &count, NULL));
  CHECK(ranks[0] == 1 && ranks[1] == 2 && ranks[8] == 1 && ranks[9] == 2);
  CHECK(ranks[2] == 0 && ranks[11] == 0);
  CHECK_OK(cxjf_snapshot_order(s, order, HAND_N, &count, NULL));
  for (i = 0; i < HAND_N; ++i) CHECK(order[i] == hand_order[i]);

  CHECK_OK(cxjf_snapshot_credit_codes(s, NULL, 0, &count, NULL));
  CHECK(count == sizeof codes);
  CHECK_OK(cxjf_snapshot_credit_codes(s, codes, sizeof codes, &count, NULL));
  for (i = 0; i < HAND_N; ++i) CHECK(memcmp(codes + i * CXJF_CREDIT_CODE_LENGTH, hand_codes[i], 18) == 0);
}

static void test_versions(void) {
  char expected[32];
  sprintf(expected, "%d.%d.%d", CXJF_C_VERSION_MAJOR, CXJF_C_VERSION_MINOR, CXJF_C_VERSION_PATCH);
  CHECK(strcmp(cxjf_version(), expected) == 0);
  CHECK(cxjf_abi_version() == CXJF_C_ABI_VERSION);
  CHECK(strcmp(cxjf_status_name(CXJF_OK), "CXJF_OK") == 0);
  CHECK(strcmp(cxjf_status_name(CXJF_BUFFER_TOO_SMALL), "CXJF_BUFFER_TOO_SMALL") == 0);
  CHECK(strcmp(cxjf_status_name((cxjf_status)1234), "CXJF_UNKNOWN_STATUS") == 0);
  /* The numbers are the ABI. */
  CHECK(CXJF_INVALID_MODEL == 2 && CXJF_CORRUPT_SNAPSHOT == 5 && CXJF_FORBIDDEN == 7 && CXJF_INTERNAL == 99);
}

static void test_models(void) {
  cxjf_model model = NULL, again = NULL, trial = NULL;
  char *json = NULL, *json_again = NULL, *csv = NULL;
  CHECK_OK(cxjf_model_default(&model, NULL));
  CHECK(model != NULL);
  CHECK_OK(cxjf_model_to_json(model, &json, NULL));
  CHECK(contains(json, "\"torch-2022\""));
  /* A model round-trips through its JSON exactly. */
  CHECK_OK(cxjf_model_from_json(json, &again, NULL));
  CHECK_OK(cxjf_model_to_json(again, &json_again, NULL));
  CHECK(json && json_again && strcmp(json, json_again) == 0);
  /* The upload template: UTF-8 with BOM, Chinese headers, the English ids row. */
  CHECK_OK(cxjf_model_upload_template(model, &csv, NULL));
  CHECK(csv && memcmp(csv, "\xEF\xBB\xBF", 3) == 0);
  CHECK(contains(csv, "统一社会信用代码,企业名称,行政区划代码"));
  CHECK(contains(csv, "研发费用金额(万元)"));
  CHECK(contains(csv, "credit_code,name,region_code"));
  /* The template as a workbook: a zip archive (PK), holding NUL bytes, so its size is given. */
  {
    char* xlsx = NULL;
    size_t xlsx_size = 0;
    CHECK_OK(cxjf_model_upload_template_xlsx(model, &xlsx, &xlsx_size, NULL));
    CHECK(xlsx && xlsx_size > 1000 && memcmp(xlsx, "PK\x03\x04", 4) == 0);
    cxjf_free(xlsx);
  }
  CHECK_OK(cxjf_model_builtin("torch-2025-trial", &trial, NULL));
  cxjf_free(json);
  json = NULL;
  CHECK_OK(cxjf_model_to_json(trial, &json, NULL));
  CHECK(contains(json, "\"torch-2025-trial\""));
  cxjf_free(json);
  cxjf_free(json_again);
  cxjf_free(csv);
  CHECK_OK(cxjf_model_destroy(&model));
  CHECK(model == NULL);
  CHECK_OK(cxjf_model_destroy(&again));
  CHECK_OK(cxjf_model_destroy(&trial));
}

static void test_columns_and_layouts(void) {
  cxjf_model model = hand_model();
  cxjf_columns columns = hand_columns();
  cxjf_snapshot s = NULL;
  CHECK_OK(cxjf_snapshot_score_columns(model, columns, &s, NULL));
  check_hand_numbers(s);
  CHECK_OK(cxjf_snapshot_destroy(&s));
  CHECK(s == NULL);

  /* Two indicators, y (not in the model: kept and ignored) first, given once
   * row-major and once column-major: the same scores. */
  {
    const char* const ids[2] = {"y", "x"};
    double row_major[HAND_N * 2], column_major[HAND_N * 2];
    int i;
    for (i = 0; i < HAND_N; ++i) {
      row_major[i * 2] = -1 - i;
      row_major[i * 2 + 1] = hand_x[i];
      column_major[i] = -1 - i;
      column_major[HAND_N + i] = hand_x[i];
    }
    CHECK_OK(cxjf_columns_set_indicators(columns, 2, ids, row_major, CXJF_ROW_MAJOR, NULL));
    CHECK_OK(cxjf_snapshot_score_columns(model, columns, &s, NULL));
    check_hand_numbers(s);
    CHECK_OK(cxjf_snapshot_destroy(&s));
    CHECK_OK(cxjf_columns_set_indicators(columns, 2, ids, column_major, CXJF_COLUMN_MAJOR, NULL));
    CHECK_OK(cxjf_snapshot_score_columns(model, columns, &s, NULL));
    check_hand_numbers(s);
    CHECK_OK(cxjf_snapshot_destroy(&s));
  }
  CHECK_OK(cxjf_columns_destroy(&columns));
  CHECK(columns == NULL);
  CHECK_OK(cxjf_model_destroy(&model));
}

/* The twelve as the enterprise CSV (docs/input.md). */
static char* hand_csv(void) {
  size_t size = 8192, used = 0;
  char* csv = (char*)malloc(size);
  int i;
  used += (size_t)sprintf(csv + used, "统一社会信用代码,企业名称,行政区划代码,国家高新区,一级行业,企业资质,发展阶段,分\n");
  for (i = 0; i < HAND_N; ++i)
    used += (size_t)sprintf(csv + used, "%s,%s,%d,%s,%s,%s,%s,%g\n", hand_codes[i], hand_names[i], (int)hand_regions[i],
                            hand_zones[i], hand_industries[i] ? hand_industries[i] : "", hand_quals[i], hand_stages[i],
                            hand_x[i]);
  return csv;
}

static void test_csv_save_load(void) {
  cxjf_model model = hand_model(), copy = NULL;
  cxjf_snapshot s = NULL, from_file = NULL, loaded = NULL;
  char *csv = hand_csv(), *ledger = NULL, *json = NULL, *copy_json = NULL;
  CHECK_OK(cxjf_snapshot_score_csv(model, csv, strlen(csv), &s, NULL));
  check_hand_numbers(s);
  write_file("c_abi_test_hand.csv", csv);
  CHECK_OK(cxjf_snapshot_score_csv_file(model, "c_abi_test_hand.csv", &from_file, NULL));
  check_hand_numbers(from_file);

  /* Saved and loaded, the same numbers. */
  CHECK_OK(cxjf_snapshot_save(s, "c_abi_test_hand.snap", NULL));
  CHECK_OK(cxjf_snapshot_load("c_abi_test_hand.snap", &loaded, NULL));
  check_hand_numbers(loaded);

  /* The ledger of row 0: x = 90 earns 0.9 x 100 points. */
  CHECK_OK(cxjf_snapshot_ledger(loaded, 0, &ledger, NULL));
  CHECK(contains(ledger, "\"normalized\": 0.9"));
  CHECK(contains(ledger, "\"score\": \"90.00\""));
  CHECK(contains(ledger, "\"points\": 90.0"));

  /* The snapshot's model is the hand model. */
  CHECK_OK(cxjf_snapshot_model(loaded, &copy, NULL));
  CHECK_OK(cxjf_model_to_json(model, &json, NULL));
  CHECK_OK(cxjf_model_to_json(copy, &copy_json, NULL));
  CHECK(json && copy_json && strcmp(json, copy_json) == 0);

  cxjf_free(csv);
  cxjf_free(ledger);
  cxjf_free(json);
  cxjf_free(copy_json);
  cxjf_snapshot_destroy(&s);
  cxjf_snapshot_destroy(&from_file);
  cxjf_snapshot_destroy(&loaded);
  cxjf_model_destroy(&copy);
  cxjf_model_destroy(&model);
}

static void test_queries(void) {
  cxjf_snapshot s = hand_snapshot();
  char *answer = NULL, *content = NULL;
  size_t size = 0;

  /* The Torch Center sees all twelve and lists them all. */
  CHECK_OK(cxjf_query(s, "{\"principal\": {\"role\": \"torch_center\"}, \"kind\": \"overview\"}", &answer, NULL));
  CHECK(contains(answer, "\"kind\": \"overview\",\n  \"principal\": \"torch_center\""));
  CHECK(contains(answer, "\"total\": 12"));
  cxjf_free(answer);

  /* Guangdong: eight enterprises in its charts, four (>= 70) in its list,
   * first 深圳甲 (90.00) at province rank 1. */
  CHECK_OK(cxjf_query(s,
                      "{\"principal\": {\"role\": \"province\", \"code\": \"440000\"}, \"kind\": \"list\","
                      " \"list\": {\"page_size\": 2}}",
                      &answer, NULL));
  CHECK(contains(answer, "\"total\": 4"));
  CHECK(contains(answer, "\"threshold\": 70.0"));
  CHECK(contains(answer, "\"name\": \"深圳甲科技有限公司\""));
  CHECK(contains(answer, "\"name\": \"广州甲科技有限公司\""));
  CHECK(!contains(answer, "深圳乙")); /* third: on page 2 */
  CHECK(!contains(answer, "北京"));   /* out of scope */
  cxjf_free(answer);
  CHECK_OK(cxjf_query(s, "{\"principal\": {\"role\": \"province\", \"code\": \"440000\"}, \"kind\": \"overview\"}",
                      &answer, NULL));
  CHECK(contains(answer, "\"total\": 8,"));
  cxjf_free(answer);

  /* A county's own enterprise, with its ledger; an enterprise sees its own
   * facts but not its ledger. */
  CHECK_OK(cxjf_detail(s, "county", "440304", hand_codes[2], &answer, NULL));
  CHECK(contains(answer, "深圳丙科技有限公司"));
  CHECK(contains(answer, "\"ledger\""));
  cxjf_free(answer);
  CHECK_OK(cxjf_detail(s, "enterprise", hand_codes[8], hand_codes[8], &answer, NULL));
  CHECK(contains(answer, "北京甲科技有限公司"));
  CHECK(contains(answer, "\"score\": \"85.00\""));
  CHECK(!contains(answer, "\"ledger\""));
  cxjf_free(answer);
  /* The same detail through cxjf_query. */
  CHECK_OK(cxjf_query(s,
                      "{\"principal\": {\"role\": \"torch_center\"}, \"kind\": \"detail\","
                      " \"credit_code\": \"911101010000000129\"}",
                      &answer, NULL));
  CHECK(contains(answer, "北京丁科技有限公司"));
  cxjf_free(answer);

  /* Export: Guangdong's list of four, as CSV (BOM, header, four lines) and JSON. */
  CHECK_OK(cxjf_export(s,
                       "{\"principal\": {\"role\": \"province\", \"code\": \"440000\", \"can_export\": true},"
                       " \"kind\": \"export\"}",
                       &content, &size, NULL));
  CHECK(content && size == strlen(content));
  CHECK(content && memcmp(content, "\xEF\xBB\xBF", 3) == 0);
  {
    size_t lines = 0, i;
    for (i = 0; content && i < size; ++i) lines += content[i] == '\n';
    CHECK(lines == 5);
  }
  CHECK(contains(content, "东莞甲科技有限公司"));
  CHECK(!contains(content, "深圳丙")); /* 65: below the list threshold */
  cxjf_free(content);
  CHECK_OK(cxjf_export(s,
                       "{\"principal\": {\"role\": \"torch_center\", \"can_export\": true}, \"kind\": \"export\","
                       " \"format\": \"json\", \"filters\": {\"grades\": [\"A\"]}}",
                       &content, NULL, NULL));
  CHECK(content && content[0] == '[');
  CHECK(contains(content, "深圳甲") && contains(content, "北京甲") && !contains(content, "广州甲"));
  cxjf_free(content);

  /* Building the index again is a no-op. */
  CHECK_OK(cxjf_snapshot_build_index(s, NULL));
  cxjf_snapshot_destroy(&s);
}

/* An upload of three rows: a registered enterprise (row 2 of the file: its
 * actual 65.00), a newcomer with x = 77.5 (77.50; three registered scores are
 * higher, so national rank 4), and a row whose credit code is wrong
 * (rejected). The template's English ids row is skipped. */
static const char* const hand_upload =
    "\xEF\xBB\xBF统一社会信用代码,企业名称,行政区划代码,发展阶段,分\r\n"
    "credit_code,name,region_code,stage,x\r\n"
    "91110101000000003B,深圳丙科技有限公司,440304,成长期,65\r\n"
    "91110101000000013C,新来科技有限公司,440305,稳定期,77.5\r\n"
    "91110101000000013D,错码科技有限公司,440305,稳定期,50\r\n";

static void test_estimate(void) {
  cxjf_snapshot s = hand_snapshot();
  char *record = NULL, *results = NULL, *errors = NULL;
  CHECK_OK(cxjf_estimate(s, hand_upload, strlen(hand_upload), CXJF_ENCODING_AUTO, "province", "440000", 0, &record,
                         &results, &errors, NULL));
  CHECK(contains(record, "\"principal\": \"province:440000\""));
  CHECK(contains(record, "\"rows_read\": 3"));
  CHECK(contains(record, "\"scored\": 2"));
  CHECK(contains(record, "\"registered\": 1"));
  CHECK(contains(record, "\"estimated\": 1"));
  CHECK(contains(record, "\"rejected\": 1"));
  CHECK(!contains(record, "\"ledger\""));
  CHECK(results && memcmp(results, "\xEF\xBB\xBF", 3) == 0);
  CHECK(contains(results, "91110101000000003B") && contains(results, "65.00"));
  CHECK(contains(results, "91110101000000013C") && contains(results, "77.50"));
  CHECK(contains(errors, "91110101000000013D"));
  cxjf_free(record);
  cxjf_free(results);
  cxjf_free(errors);

  /* The same upload with the results as a workbook: the same record counts. */
  {
    char* workbook = NULL;
    size_t workbook_size = 0;
    record = NULL;
    CHECK_OK(cxjf_estimate_workbook(s, hand_upload, strlen(hand_upload), CXJF_ENCODING_AUTO, "province", "440000", 0,
                                    &record, &workbook, &workbook_size, NULL));
    CHECK(contains(record, "\"scored\": 2") && contains(record, "\"rejected\": 1"));
    CHECK(workbook && workbook_size > 1000 && memcmp(workbook, "PK\x03\x04", 4) == 0);
    cxjf_free(workbook);
    cxjf_free(record);
  }

  /* 深圳丙 is outside Beijing's scope and the public's: for them it is a
   * newcomer like any other (docs/estimation.md), no stored figures. */
  {
    const char* roles[2][2] = {{"province", "110000"}, {"public", NULL}};
    for (int k = 0; k < 2; ++k) {
      record = NULL;
      results = NULL;
      CHECK_OK(cxjf_estimate(s, hand_upload, strlen(hand_upload), CXJF_ENCODING_AUTO, roles[k][0], roles[k][1], 0,
                             &record, &results, NULL, NULL));
      CHECK(contains(record, "\"registered\": 0"));
      CHECK(contains(record, "\"estimated\": 2"));
      CHECK(!contains(results, "registered"));
      cxjf_free(record);
      cxjf_free(results);
    }
  }

  /* From a file, with ledgers, asking only for the record. */
  write_file("c_abi_test_upload.csv", hand_upload);
  record = NULL;
  CHECK_OK(cxjf_estimate_file(s, "c_abi_test_upload.csv", CXJF_ENCODING_UTF8, "torch_center", NULL,
                              CXJF_ESTIMATE_LEDGERS, &record, NULL, NULL, NULL));
  CHECK(contains(record, "\"principal\": \"torch_center\""));
  CHECK(contains(record, "\"ledger\""));
  CHECK(contains(record, "\"rows_read\": 3"));
  cxjf_free(record);

  /* Limits (docs/upload.md): the portal's defaults; 0 keeps a value; two
   * data rows allowed refuse the three of hand_upload, naming row 5. */
  {
    cxjf_upload_limits limits;
    CHECK_OK(cxjf_snapshot_upload_limits(s, &limits, NULL));
    CHECK(limits.max_bytes == 64u << 20 && limits.max_rows == 200000 && limits.max_columns == 256);
    CHECK(limits.max_cell_bytes == 4096 && limits.max_row_bytes == 65536);
    cxjf_upload_limits two = {0, 2, 0, 0, 0};
    CHECK_OK(cxjf_snapshot_set_upload_limits(s, &two, NULL));
    CHECK_OK(cxjf_snapshot_upload_limits(s, &limits, NULL));
    CHECK(limits.max_rows == 2 && limits.max_bytes == 64u << 20);
    char* error = NULL;
    record = NULL;
    CHECK(cxjf_estimate(s, hand_upload, strlen(hand_upload), CXJF_ENCODING_AUTO, "torch_center", NULL, 0, &record, NULL,
                        NULL, &error) == CXJF_INVALID_INPUT);
    CHECK(record == NULL && contains(error, "row 5: the upload has more than 2 data rows"));
    cxjf_free(error);
    CHECK(cxjf_snapshot_set_upload_limits(s, NULL, NULL) == CXJF_NULL_ARGUMENT);
  }
  cxjf_snapshot_destroy(&s);
}

/* A key pair made once by `cxjf keys`, for this test only. */
static const char* const test_secret_key = "cxjf-ed25519-secret:a4242725bec1e46937db46962ca53a3c7aa177599a8717ecb6decd03ba766a22";
static const char* const test_public_key = "cxjf-ed25519-public:8e1c2519e3fc70280962458c031e3eb5e329e80c6758ea8c9105df0a0ce2c931";

static void test_signed_snapshots(void) {
  cxjf_snapshot s = hand_snapshot(), loaded = NULL;
  char* error = NULL;
  CHECK_OK(cxjf_snapshot_save_signed(s, "c_abi_test_signed.snap", test_secret_key, NULL));
  CHECK_OK(cxjf_snapshot_load_signed("c_abi_test_signed.snap", test_public_key, &loaded, NULL));
  int64_t n = 0;
  CHECK_OK(cxjf_snapshot_size(loaded, &n, NULL));
  CHECK(n == HAND_N);
  cxjf_snapshot_destroy(&loaded);
  /* Unsigned: refused by a loader that requires the key, loaded by one that does not. */
  CHECK_OK(cxjf_snapshot_save(s, "c_abi_test_unsigned.snap", NULL));
  CHECK(cxjf_snapshot_load_signed("c_abi_test_unsigned.snap", test_public_key, &loaded, &error) ==
        CXJF_CORRUPT_SNAPSHOT);
  CHECK(loaded == NULL && contains(error, "is not signed"));
  cxjf_free(error);
  CHECK(cxjf_snapshot_load_signed("c_abi_test_unsigned.snap", "cxjf-ed25519-public:00", &loaded, NULL) ==
        CXJF_INVALID_ARGUMENT);
  CHECK(cxjf_snapshot_save_signed(s, "c_abi_test_signed.snap", NULL, NULL) == CXJF_NULL_ARGUMENT);
  cxjf_snapshot_destroy(&s);
}

static void test_generate(void) {
  cxjf_model model = NULL;
  cxjf_snapshot a = NULL, b = NULL;
  int64_t n = 0, units_a[500], units_b[500];
  size_t count = 0;
  CHECK_OK(cxjf_model_default(&model, NULL));
  /* No unregistered share: every generated enterprise is in the snapshot;
   * the same seed gives the same scores. */
  CHECK_OK(cxjf_snapshot_generate(model, 500, 42, 0.0, &a, NULL));
  CHECK_OK(cxjf_snapshot_generate(model, 500, 42, 0.0, &b, NULL));
  CHECK_OK(cxjf_snapshot_size(a, &n, NULL));
  CHECK(n == 500);
  CHECK_OK(cxjf_snapshot_published_units(a, units_a, 500, &count, NULL));
  CHECK_OK(cxjf_snapshot_published_units(b, units_b, 500, &count, NULL));
  CHECK(memcmp(units_a, units_b, sizeof units_a) == 0);
  cxjf_snapshot_destroy(&a);
  cxjf_snapshot_destroy(&b);
  cxjf_model_destroy(&model);
}

/* The number after the first `"key": ` at or after `from`, or -1e300. */
static double number_after(const char* from, const char* key) {
  char pattern[64];
  const char* at;
  sprintf(pattern, "\"%s\": ", key);
  at = from ? strstr(from, pattern) : NULL;
  return at ? strtod(at + strlen(pattern), NULL) : -1e300;
}

static int near(double a, double b) { return a - b < 1e-9 && b - a < 1e-9; }

static void test_population(void) {
  cxjf_snapshot s = hand_snapshot();
  cxjf_model model = NULL;
  char *answer = NULL, *message = NULL;
  const char* at;
  double mean = 0;
  int i, listed = 0;

  /* Distribution: the nation first, its mean and listed share from hand.h. */
  CHECK_OK(cxjf_distribution(s, "{\"principal\": {\"role\": \"torch_center\"}, \"by\": \"province\"}", &answer, NULL));
  for (i = 0; i < HAND_N; ++i) mean += hand_x[i], listed += hand_x[i] >= 70;
  mean /= HAND_N;
  CHECK(contains(answer, "\"label\": \"全国\""));
  CHECK(number_after(answer, "enterprises") == HAND_N);
  CHECK(near(number_after(answer, "mean"), mean));
  CHECK(near(number_after(answer, "listed_share"), (double)listed / HAND_N));
  CHECK(contains(answer, "\"label\": \"广东省\""));
  CHECK(contains(answer, "\"peer_fallbacks\""));
  cxjf_free(answer);

  /* Rank bands with no spread: every draw keeps the weights, so each band
   * is the hand-worked national rank, and the listed share is 0 or 1. */
  CHECK_OK(cxjf_rank_bands(s, "{\"principal\": {\"role\": \"torch_center\"}, \"draws\": 5, \"spread\": 0}", &answer,
                           NULL));
  CHECK(number_after(answer, "draws") == 5 && number_after(answer, "enterprises") == HAND_N);
  for (i = 0; i < HAND_N; ++i) {
    char code[40];
    sprintf(code, "\"credit_code\": \"%s\"", hand_codes[i]);
    at = answer ? strstr(answer, code) : NULL;
    CHECK(at != NULL);
    CHECK(number_after(at, "rank") == hand_national[i]);
    CHECK(number_after(at, "rank_p05") == hand_national[i]);
    CHECK(number_after(at, "rank_median") == hand_national[i]);
    CHECK(number_after(at, "rank_p95") == hand_national[i]);
    CHECK(number_after(at, "listed_share") == (hand_x[i] >= 70 ? 1.0 : 0.0));
  }
  cxjf_free(answer);
  /* top 3: the three best nominal ranks, best first (90, 85, 80). */
  CHECK_OK(cxjf_rank_bands(s, "{\"principal\": {\"role\": \"torch_center\"}, \"draws\": 3, \"top\": 3}", &answer, NULL));
  at = answer ? strstr(answer, "\"rows\"") : NULL;
  CHECK(number_after(at, "rank") == 1);
  CHECK(contains(answer, hand_codes[0]) && contains(answer, hand_codes[8]) && contains(answer, hand_codes[4]));
  CHECK(!contains(answer, hand_codes[1]));
  cxjf_free(answer);

  /* A snapshot against itself, and against its own model re-fitted: all
   * twelve matched, nobody enters or leaves, the ranks agree perfectly. */
  CHECK_OK(cxjf_compare(s, s, "{\"principal\": {\"role\": \"torch_center\"}}", &answer, NULL));
  CHECK(number_after(answer, "matched") == HAND_N && number_after(answer, "entrants") == 0 &&
        number_after(answer, "leavers") == 0);
  CHECK(number_after(answer, "spearman") == 1.0);
  cxjf_free(answer);
  CHECK_OK(cxjf_snapshot_model(s, &model, NULL));
  CHECK_OK(cxjf_compare_model(s, model, "{\"principal\": {\"role\": \"torch_center\"}, \"movers\": 3}", &answer, NULL));
  CHECK(number_after(answer, "matched") == HAND_N && number_after(answer, "spearman") == 1.0);
  cxjf_free(answer);

  CHECK_OK(cxjf_rank_sensitivity(s, "{\"principal\": {\"role\": \"torch_center\"}, \"samples\": 8}", &answer, NULL));
  CHECK(number_after(answer, "samples") == 8 && contains(answer, "\"inputs\""));
  cxjf_free(answer);

  /* Only the Torch Center; requests checked member by member. */
  answer = (char*)"untouched";
  CHECK_STATUS(cxjf_distribution(s, "{\"principal\": {\"role\": \"province\", \"code\": \"440000\"}}", &answer, &message),
               CXJF_FORBIDDEN);
  CHECK(answer == NULL && contains(message, "torch_center"));
  cxjf_free(message);
  CHECK_STATUS(cxjf_rank_bands(s, "{\"principal\": {\"role\": \"torch_center\"}, \"draws\": 0}", &answer, &message),
               CXJF_INVALID_ARGUMENT);
  CHECK(message && strncmp(message, "/draws: ", 8) == 0);
  cxjf_free(message);
  CHECK_STATUS(cxjf_compare(s, s, "{\"principal\": {\"role\": \"torch_center\"}, \"bogus\": 1}", &answer, &message),
               CXJF_INVALID_ARGUMENT);
  CHECK(message && strncmp(message, "/bogus: ", 8) == 0);
  cxjf_free(message);
  CHECK_STATUS(cxjf_rank_bands(s, "{\"principal\": {\"role\": \"torch_center\"}, \"ties\": [\"coin\"]}", &answer, &message),
               CXJF_INVALID_ARGUMENT);
  CHECK(contains(message, "coin"));
  cxjf_free(message);
  CHECK_STATUS(cxjf_distribution(s, "{\"principal\": {\"role\": \"torch_center\"}, \"by\": \"city\"}", &answer, &message),
               CXJF_INVALID_ARGUMENT);
  CHECK(contains(message, "province, zone, stage or industry"));
  cxjf_free(message);
  CHECK_STATUS(cxjf_distribution(s, "[1, 2", &answer, &message), CXJF_INVALID_ARGUMENT);
  cxjf_free(message);
  CHECK_STATUS(cxjf_distribution(s, "{}", &answer, &message), CXJF_INVALID_ARGUMENT);
  CHECK(contains(message, "/principal"));
  cxjf_free(message);
  CHECK_STATUS(cxjf_distribution(s, NULL, &answer, NULL), CXJF_NULL_ARGUMENT);
  CHECK_STATUS(cxjf_compare(s, (cxjf_snapshot)model, "{}", &answer, NULL), CXJF_WRONG_HANDLE);

  cxjf_model_destroy(&model);
  cxjf_snapshot_destroy(&s);
}

int main(void) {
  test_versions();
  test_models();
  test_columns_and_layouts();
  test_csv_save_load();
  test_queries();
  test_estimate();
  test_signed_snapshots();
  test_generate();
  test_population();
  return hand_report("c_abi_test");
}
