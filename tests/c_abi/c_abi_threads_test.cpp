// One snapshot queried from 8 threads at once, 1,000 queries each, through
// the C ABI only (and so also the proof that cxjf.h compiles as C++). Every
// answer is compared byte for byte with the answer the same request got on
// a second, identical snapshot from a single thread. The threads start
// before the snapshot's query index exists, so its lazy build races too.
// Each thread also runs estimates and exports, whose results must match as
// well, and makes and destroys handles of its own meanwhile (the registry of
// live handles is shared).
//
// make check-sanitize runs it under ThreadSanitizer (docs/hardening.md).
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "cxjf.h"

namespace {

std::atomic<int> failures{0};

void expect(bool ok, const std::string& what) {
  if (!ok) {
    if (failures.fetch_add(1) < 20) std::fprintf(stderr, "FAILED: %s\n", what.c_str());
  }
}

void must(cxjf_status status, const char* what) {
  if (status != CXJF_OK) {
    std::fprintf(stderr, "%s: %s: %s\n", what, cxjf_status_name(status), cxjf_last_error_message());
    std::exit(1);
  }
}

// A library-allocated string, taken over and freed.
std::string take(char* p) {
  std::string s = p ? p : "";
  cxjf_free(p);
  return s;
}

struct Answer {
  cxjf_status status;
  std::string text;
};

Answer ask(cxjf_snapshot s, const std::string& request) {
  char* answer = nullptr;
  cxjf_status status = cxjf_query(s, request.c_str(), &answer, nullptr);
  return {status, take(answer)};
}

std::string export_file(cxjf_snapshot s, const std::string& request, cxjf_status* status) {
  char* content = nullptr;
  size_t size = 0;
  *status = cxjf_export(s, request.c_str(), &content, &size, nullptr);
  std::string out = content ? std::string(content, size) : std::string();
  cxjf_free(content);
  return out;
}

std::string estimate_results(cxjf_snapshot s, const std::string& upload, cxjf_status* status) {
  char* results = nullptr;
  *status = cxjf_estimate(s, upload.data(), upload.size(), CXJF_ENCODING_AUTO, "province", "440000", 0, nullptr,
                          &results, nullptr, nullptr);
  return take(results);
}

// The model's upload template with two more rows copied from its example
// row: one under a registered enterprise's credit code, one under a code
// nobody has (a newcomer).
std::string make_upload(cxjf_model model, const std::string& registered_code) {
  char* csv = nullptr;
  must(cxjf_model_upload_template(model, &csv, nullptr), "template");
  std::string text = take(csv);
  const std::string example_code = "91350100M000100Y43";
  std::size_t start = text.find(example_code);
  std::size_t end = text.find('\n', start);
  std::string example = text.substr(start, end + 1 - start);
  std::string rest = example.substr(example_code.size());
  return text + registered_code + rest + "91110101000000013C" + rest;
}

}  // namespace

int main() {
  constexpr int threads = 8;
  constexpr int queries_per_thread = 1000;
  constexpr int estimates_per_thread = 10;

  cxjf_model model = nullptr;
  must(cxjf_model_default(&model, nullptr), "model");
  cxjf_snapshot reference = nullptr, shared = nullptr;
  must(cxjf_snapshot_generate(model, 20000, 7, 0.0, &reference, nullptr), "generate");
  must(cxjf_snapshot_generate(model, 20000, 7, 0.0, &shared, nullptr), "generate");

  // Credit codes of a few enterprises, in list order, for detail requests.
  std::size_t count = 0;
  must(cxjf_snapshot_credit_codes(reference, nullptr, 0, &count, nullptr), "codes");
  std::vector<char> codes(count);
  must(cxjf_snapshot_credit_codes(reference, codes.data(), codes.size(), &count, nullptr), "codes");
  std::vector<int64_t> order(count / CXJF_CREDIT_CODE_LENGTH);
  must(cxjf_snapshot_order(reference, order.data(), order.size(), &count, nullptr), "order");
  auto code = [&](std::size_t list_position) {
    return std::string(codes.data() + order[list_position] * CXJF_CREDIT_CODE_LENGTH, CXJF_CREDIT_CODE_LENGTH);
  };

  const std::string tc = R"("principal": {"role": "torch_center"})";
  std::vector<std::string> requests = {
      "{" + tc + R"(, "kind": "overview"})",
      R"({"principal": {"role": "province", "code": "440000"}, "kind": "overview", "filters": {"industries": ["C"]}})",
      R"({"principal": {"role": "city", "code": "440300"}, "kind": "list", "list": {"page": 2, "page_size": 50}})",
      R"({"principal": {"role": "province", "code": "110000"}, "kind": "ranking", "ranking": {"top": 5}})",
      R"({"principal": {"role": "public"}, "kind": "ranking", "ranking": {"by": "zone", "top": 0}})",
      R"({"principal": {"role": "public"}, "kind": "list"})",  // forbidden
      "{" + tc + R"(, "kind": "list", "filters": {"grades": ["A"], "score": {"min": 80}}, "list": {"sort": "name"}})",
      "{" + tc + R"(, "kind": "export", "format": "json", "filters": {"grades": ["A"]}})",  // forbidden: no permission
      R"({"principal": {"role": "torch_center", "can_export": true}, "kind": "export", "filters": {"grades": ["A"]}})",
  };
  for (std::size_t i = 0; i < 6; ++i) {
    requests.push_back("{" + tc + R"(, "kind": "detail", "credit_code": ")" + code(i * 997) + "\"}");
    requests.push_back(R"({"principal": {"role": "enterprise", "code": ")" + code(i * 997) +
                       R"("}, "kind": "detail", "credit_code": ")" + code(i * 997 + 1) + "\"}");  // not its own
  }

  std::vector<Answer> expected;
  for (const std::string& r : requests) expected.push_back(ask(reference, r));
  int refused = 0;
  for (const Answer& a : expected) refused += a.status != CXJF_OK;
  // The public's list, the export without permission and the six details of
  // another enterprise are refused; everything else answers.
  expect(refused == 8, "8 of the requests are refused, found " + std::to_string(refused));

  const std::string upload = make_upload(model, code(5));
  cxjf_status status = CXJF_OK;
  const std::string expected_results = estimate_results(reference, upload, &status);
  expect(status == CXJF_OK && expected_results.find(code(5)) != std::string::npos &&
             expected_results.find("91110101000000013C") != std::string::npos,
         "the estimate scores both rows");

  const std::string export_request =
      R"({"principal": {"role": "province", "code": "440000", "can_export": true}, "kind": "export", "format": "json"})";
  const std::string expected_export = export_file(reference, export_request, &status);
  expect(status == CXJF_OK && expected_export.size() > 1000, "the export answers");

  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int q = 0; q < queries_per_thread; ++q) {
        // Each thread walks the requests from its own starting point.
        const std::size_t i = static_cast<std::size_t>(t * 7 + q) % requests.size();
        Answer a = ask(shared, requests[i]);
        expect(a.status == expected[i].status && a.text == expected[i].text,
               "thread " + std::to_string(t) + " query " + std::to_string(q) + ": " + requests[i]);
        if (q % 100 == 0) {
          cxjf_status st = CXJF_OK;
          expect(export_file(shared, export_request, &st) == expected_export && st == CXJF_OK,
                 "thread " + std::to_string(t) + " export " + std::to_string(q));
          cxjf_model own = nullptr;  // handles made and destroyed while others are used
          must(cxjf_model_default(&own, nullptr), "model");
          expect(cxjf_model_destroy(&own) == CXJF_OK && own == nullptr, "destroy");
        }
      }
      for (int e = 0; e < estimates_per_thread; ++e) {
        cxjf_status st = CXJF_OK;
        expect(estimate_results(shared, upload, &st) == expected_results && st == CXJF_OK,
               "thread " + std::to_string(t) + " estimate " + std::to_string(e));
      }
    });
  }
  for (std::thread& th : pool) th.join();

  cxjf_snapshot_destroy(&shared);
  cxjf_snapshot_destroy(&reference);
  cxjf_model_destroy(&model);
  if (failures) {
    std::fprintf(stderr, "c_abi_threads_test: %d failures\n", failures.load());
    return 1;
  }
  std::printf("c_abi_threads_test: %d threads x %d queries, %d exports and %d estimates, every answer as expected\n",
              threads, queries_per_thread, queries_per_thread / 100, estimates_per_thread);
  return 0;
}
