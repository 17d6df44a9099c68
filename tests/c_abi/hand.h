/* The C ABI tests' shared fixture, in C99: a check macro and twelve
 * enterprises whose scores, ranks and query answers are worked out by hand
 * below (the same firms as tests/overview/overview_test.cpp).
 *
 * The model maps one indicator x linearly onto 100 points (piecewise from
 * (0, 0) to (100, 1)), so an enterprise's published score is its x; stages
 * come from the data; grades A >= 85, B >= 70, C >= 60, D below; region
 * roles list only scores >= 70.
 *
 *  row name        region  zone  industry quals             stage  score grade  rank: nat prov
 *   0  深圳甲      440305  SZ    I        高新技术企业       稳定期  90    A           1    1
 *   1  深圳乙      440305  SZ    C        高新技术企业       稳定期  75    B           4    3
 *   2  深圳丙      440304        C                           成长期  65    C           7    5
 *   3  深圳丁      440304        I        科技型中小企业     初创期  40    D          10    7
 *   4  广州甲      440106        C        高新技术企业       稳定期  80    B           3    2
 *   5  广州乙      440103        M                           成长期  55    D           9    6
 *   6  东莞甲      441900        C        高新技术企业       稳定期  70    B           6    4
 *   7  广东本级    440000        M                           初创期  30    D          11    8
 *   8  北京甲      110108  ZGC   I        高新技术企业       稳定期  85    A           2    1
 *   9  北京乙      110108  ZGC   M        科技型中小企业     成长期  60    C           8    3
 *  10  北京丙      110101        C                           稳定期  75    B           4    2
 *  11  北京丁      110101        (none)                      初创期  20    D          12    4
 *
 * Ranks are competition ranks on the published score (rows 1 and 10 share
 * 4th place nationally, so there is no 5th). List order: 0, 8, 4, 1, 10, 6,
 * 2, 9, 5, 3, 7, 11 (rows 1 and 10 tie exactly and go by credit code).
 * Guangdong (440000) has rows 0-7; four of them score >= 70 (its list).
 */
#ifndef CXJF_TESTS_C_ABI_HAND_H
#define CXJF_TESTS_C_ABI_HAND_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cxjf.h"

static int hand_failures = 0;
static int hand_checks = 0;

/* Records a failed expectation and goes on, so one run shows every failure. */
#define CHECK(cond)                                                       \
  do {                                                                    \
    ++hand_checks;                                                        \
    if (!(cond)) {                                                        \
      ++hand_failures;                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                     \
  } while (0)

/* A call that must succeed; prints the library's message when it does not. */
#define CHECK_OK(call)                                                                               \
  do {                                                                                               \
    cxjf_status check_ok_status_ = (call);                                                           \
    ++hand_checks;                                                                                   \
    if (check_ok_status_ != CXJF_OK) {                                                               \
      ++hand_failures;                                                                               \
      fprintf(stderr, "%s:%d: %s returned %s: %s\n", __FILE__, __LINE__, #call,                      \
              cxjf_status_name(check_ok_status_), cxjf_last_error_message());                        \
    }                                                                                                \
  } while (0)

#define CHECK_STATUS(call, expected)                                                                 \
  do {                                                                                               \
    cxjf_status check_status_ = (call);                                                              \
    ++hand_checks;                                                                                   \
    if (check_status_ != (expected)) {                                                               \
      ++hand_failures;                                                                               \
      fprintf(stderr, "%s:%d: %s returned %s, expected %s (%s)\n", __FILE__, __LINE__, #call,        \
              cxjf_status_name(check_status_), cxjf_status_name(expected), cxjf_last_error_message()); \
    }                                                                                                \
  } while (0)

/* True when `text` contains `part` (both may be NULL: then false). */
static inline int contains(const char* text, const char* part) { return text && part && strstr(text, part) != NULL; }

static inline int hand_report(const char* name) {
  if (hand_failures) {
    fprintf(stderr, "%s: %d of %d checks failed\n", name, hand_failures, hand_checks);
    return 1;
  }
  printf("%s: all %d checks passed\n", name, hand_checks);
  return 0;
}

static const char* const hand_model_json =
    "{\"id\": \"hand\", \"name\": \"C ABI test\", \"description\": \"score = x\","
    " \"scale\": {\"base_max\": 100, \"bonus_max\": 0, \"total_max\": 100, \"decimals\": 2},"
    " \"list_threshold\": 70,"
    " \"categories\": [{\"id\": \"c\", \"name_zh\": \"类\", \"name_en\": \"C\"}],"
    " \"stages\": [{\"id\": \"startup\", \"name_zh\": \"初创期\", \"name_en\": \"Start-up\"},"
    "              {\"id\": \"growth\", \"name_zh\": \"成长期\", \"name_en\": \"Growth\"},"
    "              {\"id\": \"stable\", \"name_zh\": \"稳定期\", \"name_en\": \"Stable\"}],"
    " \"stage_rule\": {\"basis\": \"data\"},"
    " \"peer_groups\": {\"chain\": [[]], \"min_size\": 1},"
    " \"grades\": [{\"id\": \"A\", \"min\": 85}, {\"id\": \"B\", \"min\": 70}, {\"id\": \"C\", \"min\": 60},"
    "              {\"id\": \"D\", \"min\": 0}],"
    " \"indicators\": [{\"id\": \"x\", \"name_zh\": \"分\", \"name_en\": \"X\", \"unit\": \"\", \"category\": \"c\","
    "                   \"method\": \"piecewise\", \"breakpoints\": [[0, 0], [100, 1]],"
    "                   \"weights\": {\"startup\": 100, \"growth\": 100, \"stable\": 100}}]}";

/* Reads a whole file into a malloc'ed, NUL-terminated buffer. */
static inline char* read_file(const char* path) {
  FILE* f = fopen(path, "rb");
  char* text;
  long size;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  text = (char*)malloc((size_t)size + 1);
  if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
    free(text);
    text = NULL;
  }
  if (text) text[size] = '\0';
  fclose(f);
  return text;
}

static inline void write_file(const char* path, const char* text) {
  FILE* f = fopen(path, "wb");
  CHECK(f != NULL);
  if (!f) return;
  fputs(text, f);
  fclose(f);
}

#define HAND_N 12

/* Credit codes 91110101 + nine digits k + the GB 32100-2015 check character. */
static const char* const hand_codes[HAND_N] = {
    "911101010000000015", "911101010000000028", "91110101000000003B", "91110101000000004E",
    "91110101000000005H", "91110101000000006L", "91110101000000007P", "91110101000000008T",
    "91110101000000009X", "911101010000000103", "911101010000000116", "911101010000000129"};
/* A valid code that no enterprise has, and a code for a newcomer. */
static const char* const hand_absent_code = "91110101000000999A";
static const char* const hand_new_code = "91110101000000013C";

static const char* const hand_names[HAND_N] = {
    "深圳甲科技有限公司", "深圳乙科技有限公司", "深圳丙科技有限公司", "深圳丁科技有限公司",
    "广州甲科技有限公司", "广州乙科技有限公司", "东莞甲科技有限公司", "广东本级科技有限公司",
    "北京甲科技有限公司", "北京乙科技有限公司", "北京丙科技有限公司", "北京丁科技有限公司"};
static const int32_t hand_regions[HAND_N] = {440305, 440305, 440304, 440304, 440106, 440103,
                                             441900, 440000, 110108, 110108, 110101, 110101};
static const char* const hand_zones[HAND_N] = {"深圳市高新技术产业园区", "深圳市高新技术产业园区", "", "", "", "", "",
                                               "", "中关村科技园区", "中关村科技园区", "", ""};
static const char* const hand_industries[HAND_N] = {"I", "C", "C", "I", "C", "M", "C", "M", "I", "M", "C", NULL};
static const char* const hand_quals[HAND_N] = {"高新技术企业", "高新技术企业", "", "科技型中小企业", "高新技术企业", "",
                                               "高新技术企业", "", "高新技术企业", "科技型中小企业", "", ""};
static const char* const hand_stages[HAND_N] = {"稳定期", "稳定期", "成长期", "初创期", "稳定期", "成长期",
                                                "稳定期", "初创期", "稳定期", "成长期", "稳定期", "初创期"};
static const double hand_x[HAND_N] = {90, 75, 65, 40, 80, 55, 70, 30, 85, 60, 75, 20};

/* Worked out above. */
static const int64_t hand_units[HAND_N] = {9000, 7500, 6500, 4000, 8000, 5500, 7000, 3000, 8500, 6000, 7500, 2000};
static const int32_t hand_grades[HAND_N] = {0, 1, 2, 3, 1, 3, 1, 3, 0, 2, 1, 3};
static const int32_t hand_national[HAND_N] = {1, 4, 7, 10, 3, 9, 6, 11, 2, 8, 4, 12};
static const int32_t hand_province[HAND_N] = {1, 3, 5, 7, 2, 6, 4, 8, 1, 3, 2, 4};
static const int64_t hand_order[HAND_N] = {0, 8, 4, 1, 10, 6, 2, 9, 5, 3, 7, 11};

/* The hand model (destroy with cxjf_model_destroy). */
static inline cxjf_model hand_model(void) {
  cxjf_model model = NULL;
  CHECK_OK(cxjf_model_from_json(hand_model_json, &model, NULL));
  return model;
}

/* The twelve enterprises as columns (destroy with cxjf_columns_destroy). */
static inline cxjf_columns hand_columns(void) {
  cxjf_columns columns = NULL;
  const char* const ids[1] = {"x"};
  CHECK_OK(cxjf_columns_create(HAND_N, &columns, NULL));
  CHECK_OK(cxjf_columns_set_text(columns, "credit_code", hand_codes, NULL));
  CHECK_OK(cxjf_columns_set_text(columns, "name", hand_names, NULL));
  CHECK_OK(cxjf_columns_set_int32(columns, "region_code", hand_regions, NULL));
  CHECK_OK(cxjf_columns_set_text(columns, "zone", hand_zones, NULL));
  CHECK_OK(cxjf_columns_set_text(columns, "industry", hand_industries, NULL));
  CHECK_OK(cxjf_columns_set_text(columns, "qualifications", hand_quals, NULL));
  CHECK_OK(cxjf_columns_set_text(columns, "stage", hand_stages, NULL));
  CHECK_OK(cxjf_columns_set_indicators(columns, 1, ids, hand_x, CXJF_ROW_MAJOR, NULL));
  return columns;
}

/* The scored snapshot of the twelve (destroy with cxjf_snapshot_destroy). */
static inline cxjf_snapshot hand_snapshot(void) {
  cxjf_model model = hand_model();
  cxjf_columns columns = hand_columns();
  cxjf_snapshot snapshot = NULL;
  CHECK_OK(cxjf_snapshot_score_columns(model, columns, &snapshot, NULL));
  cxjf_columns_destroy(&columns);
  cxjf_model_destroy(&model);
  return snapshot;
}

#endif /* CXJF_TESTS_C_ABI_HAND_H */
