/* c_service.c — how a service uses cxjf through its C ABI (bindings/c/cxjf.h).
 * Copy it as the start of your own: C, C++, or anything with a C FFI.
 *
 *   c_service [SNAPSHOT]
 *
 * At start-up a service checks the library's ABI, loads the year's snapshot
 * (written by `cxjf score --snapshot`) and builds its query index; then it
 * answers requests, each for an authenticated principal, from any number of
 * threads. Without SNAPSHOT this program generates a national-like sample of
 * 20,000 enterprises to stand in for the base database.
 *
 * Build against an installed cxjf (bindings/c/README.md): with CMake, link
 * cxjf::cxjf_c; without, cc -std=c99 c_service.c $(pkg-config --cflags --libs
 * cxjf_c) -Wl,-rpath,$(pkg-config --variable=libdir cxjf_c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cxjf.h"

/* One way to handle errors: every cxjf call returns a status; on failure the
 * message says what went wrong. A real service would log it and answer its
 * client with an error instead of exiting. */
static void check(cxjf_status status, char* error, const char* what) {
  if (status == CXJF_OK) return;
  fprintf(stderr, "%s failed: %s: %s\n", what, cxjf_status_name(status), error ? error : "(no message)");
  cxjf_free(error);
  exit(1);
}

/* Prints the line of a JSON document where `member` appears, to keep the
 * output short; a service would pass the whole document on. */
static void print_member(const char* label, const char* json, const char* member) {
  const char* at = strstr(json, member);
  const char* end = at ? strchr(at, '\n') : NULL;
  printf("%-34s %.*s\n", label, at ? (int)(end ? end - at : (long)strlen(at)) : 0, at ? at : "");
}

int main(int argc, char** argv) {
  char* error = NULL;
  cxjf_model model = NULL;
  cxjf_snapshot snapshot = NULL;

  /* 1. The library loaded must speak the ABI this program was compiled for. */
  if (cxjf_abi_version() != CXJF_C_ABI_VERSION) {
    fprintf(stderr, "libcxjf_c has ABI %d, this program needs %d\n", (int)cxjf_abi_version(), CXJF_C_ABI_VERSION);
    return 1;
  }
  printf("cxjf %s (ABI %d)\n", cxjf_version(), (int)cxjf_abi_version());

  /* 2. The base database: a snapshot file, or a generated sample. */
  if (argc > 1) {
    check(cxjf_snapshot_load(argv[1], &snapshot, &error), error, "loading the snapshot");
  } else {
    check(cxjf_model_default(&model, &error), error, "the default model");
    check(cxjf_snapshot_generate(model, 20000, 42, 0.0, &snapshot, &error), error, "generating a sample");
    cxjf_model_destroy(&model); /* the snapshot keeps its own copy */
  }
  /* Build the query index now, so that the first user does not wait for it. */
  check(cxjf_snapshot_build_index(snapshot, &error), error, "building the index");

  /* 3. Bulk numbers for the service itself: the national top three. */
  {
    int64_t n = 0, top[3];
    int32_t decimals = 0;
    size_t count = 0, codes_size = 0;
    int64_t* units;
    char* codes;
    int i;
    check(cxjf_snapshot_size(snapshot, &n, &error), error, "size");
    check(cxjf_snapshot_decimals(snapshot, &decimals, &error), error, "decimals");
    units = (int64_t*)malloc((size_t)n * sizeof *units);
    check(cxjf_snapshot_published_units(snapshot, units, (size_t)n, &count, &error), error, "scores");
    /* The zstd pattern: ask the size first, then fill a buffer of that size. */
    check(cxjf_snapshot_credit_codes(snapshot, NULL, 0, &codes_size, &error), error, "codes size");
    codes = (char*)malloc(codes_size);
    check(cxjf_snapshot_credit_codes(snapshot, codes, codes_size, &codes_size, &error), error, "codes");
    /* A buffer that holds only the first three of the list order is too
     * small: the call says so and how much it needs. */
    if (cxjf_snapshot_order(snapshot, top, 3, &count, NULL) == CXJF_BUFFER_TOO_SMALL) {
      int64_t* order = (int64_t*)malloc(count * sizeof *order);
      check(cxjf_snapshot_order(snapshot, order, count, &count, &error), error, "order");
      memcpy(top, order, sizeof top);
      free(order);
    }
    printf("%lld enterprises; the national first three:\n", (long long)n);
    for (i = 0; i < 3; ++i) {
      int64_t u = units[top[i]], scale = 1;
      int d;
      for (d = 0; d < decimals; ++d) scale *= 10;
      printf("  %d. %.18s  %lld.%0*lld\n", i + 1, codes + top[i] * CXJF_CREDIT_CODE_LENGTH, (long long)(u / scale),
             (int)decimals, (long long)(u % scale));
    }
    free(units);
    free(codes);
  }

  /* 4. Requests. Each names its principal, who the service authenticated;
   * cxjf applies that principal's scope. Answers are JSON documents the
   * service can send to its client as they are. */
  {
    const char* province_overview =
        "{\"principal\": {\"role\": \"province\", \"code\": \"440000\"}, \"kind\": \"overview\","
        " \"filters\": {\"industries\": [\"C\"]}, \"list\": {\"page_size\": 5}}";
    const char* public_list = "{\"principal\": {\"role\": \"public\"}, \"kind\": \"list\"}";
    const char* export_request =
        "{\"principal\": {\"role\": \"province\", \"code\": \"440000\", \"can_export\": true},"
        " \"kind\": \"export\", \"filters\": {\"grades\": [\"A\", \"B\"]}}";
    char* answer = NULL;
    char* file = NULL;
    size_t file_size = 0;
    cxjf_status status;

    check(cxjf_query(snapshot, province_overview, &answer, &error), error, "the overview");
    print_member("province 440000, manufacturing:", answer, "\"total\"");
    cxjf_free(answer);

    /* A refused query is not a failure of the service: its status says why
     * and the answer is the error document to send back. */
    status = cxjf_query(snapshot, public_list, &answer, &error);
    printf("%-34s %s: %s\n", "the public asking for the list:", cxjf_status_name(status), error);
    cxjf_free(answer);
    cxjf_free(error);
    error = NULL;

    /* An export is a file: offer its bytes for download. */
    check(cxjf_export(snapshot, export_request, &file, &file_size, &error), error, "the export");
    printf("%-34s %lu bytes of CSV (UTF-8 with BOM)\n", "export of Guangdong's grades A, B:", (unsigned long)file_size);
    cxjf_free(file);
  }

  /* 5. An estimate (导入测算): the model's template, filled with one row. */
  {
    cxjf_model snapshot_model = NULL;
    char *template_csv = NULL, *record = NULL, *results = NULL;
    check(cxjf_snapshot_model(snapshot, &snapshot_model, &error), error, "the snapshot's model");
    check(cxjf_model_upload_template(snapshot_model, &template_csv, &error), error, "the template");
    /* The template's example row is recognised and rejected; a real upload
     * has the user's rows instead. */
    check(cxjf_estimate(snapshot, template_csv, strlen(template_csv), CXJF_ENCODING_AUTO, "province", "350000", 0,
                        &record, &results, NULL, &error),
          error, "the estimate");
    print_member("estimation record:", record, "\"rows_read\"");
    cxjf_free(template_csv);
    cxjf_free(record);
    cxjf_free(results);
    cxjf_model_destroy(&snapshot_model);
  }

  /* 6. At shutdown, once no thread uses it any more. */
  cxjf_snapshot_destroy(&snapshot);
  printf("done\n");
  return 0;
}
