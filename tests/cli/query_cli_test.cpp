// `cxjf query` (src/cli/query.cpp), run as a user runs it: a request file
// against a snapshot file, the answer to a file or standard output.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "testing.hpp"

namespace cxjf {
namespace {

using testing::Outcome;
using testing::read_all;
using testing::write_all;

// Runs `cxjf <args>`; standard error is dropped unless `args` redirects it.
Outcome cxjf(const std::string& args) { return testing::run_cli(args); }

// Per process: ctest runs each test in its own process, in parallel, and
// both tests write the shared snapshot.
std::string temp(const std::string& name) {
  return std::string(::testing::TempDir()) + "cxjf_query_" + std::to_string(getpid()) + "_" + name;
}


// A scored sample's snapshot, made once with the command line itself.
const std::string& snapshot() {
  static const std::string path = [] {
    const std::string sample = temp("sample.csv"), scores = temp("scores.csv"), snap = temp("sample.snap");
    EXPECT_EQ(cxjf("generate --n 3000 --seed 9 --out " + sample + " 2>/dev/null").status, 0);
    EXPECT_EQ(cxjf("score --input " + sample + " --out " + scores + " --snapshot " + snap + " 2>/dev/null").status, 0);
    std::remove(sample.c_str());
    std::remove(scores.c_str());
    return snap;
  }();
  // Removed when the test process ends, as the other files are when a test ends.
  static const struct Removal {
    std::string file;
    ~Removal() { std::remove(file.c_str()); }
  } removal{path};
  return path;
}

const char* province_request = R"({"principal": {"role": "province", "code": "440000"}, "kind": "overview",
  "filters": {"tech_fields": ["电子信息"]}, "ranking": {"top": 3}, "list": {"page_size": 5}})";

TEST(QueryCli, AnswersARequestFileAsTheLibraryDoes) {
  const std::string request = temp("request.json"), answer = temp("answer.json");
  write_all(request, province_request);
  Outcome run = cxjf("query --snapshot " + snapshot() + " --request " + request + " --out " + answer + " 2>&1");
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("indexing"), std::string::npos);  // progress on standard error
  Snapshot snap = Snapshot::load(snapshot());
  OverviewIndex index(snap);
  EXPECT_EQ(read_all(answer), query_json(index, province_request) + "\n");
  // Without --out the answer goes to standard output; "-" reads the request from standard input.
  Outcome out = cxjf("query --snapshot " + snapshot() + " --request " + request + " 2>/dev/null");
  EXPECT_EQ(out.status, 0);
  EXPECT_EQ(out.out, read_all(answer));
  Outcome piped = cxjf("query --snapshot " + snapshot() + " --request - < " + request + " 2>/dev/null");
  EXPECT_EQ(piped.out, read_all(answer));
  std::remove(request.c_str());
  std::remove(answer.c_str());
}

TEST(QueryCli, ARefusedQueryWritesItsErrorAndFails) {
  const std::string request = temp("refused.json"), answer = temp("refused_answer.json");
  write_all(request, R"({"principal": {"role": "province", "code": "440000"}, "kind": "export"})");
  Outcome run = cxjf("query --snapshot " + snapshot() + " --request " + request + " --out " + answer + " 2>&1");
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.out.find("refused"), std::string::npos) << run.out;
  const std::string written = read_all(answer);
  EXPECT_NE(written.find("\"forbidden\""), std::string::npos) << written;
  EXPECT_NE(written.find("can_export"), std::string::npos) << written;  // says what to fix
  // Usage errors exit 2: no request, or a snapshot that is not there.
  EXPECT_EQ(cxjf("query --snapshot " + snapshot() + " 2>/dev/null").status, 2);
  EXPECT_EQ(cxjf("query --snapshot " + temp("absent.snap") + " --request " + request + " 2>/dev/null").status, 2);
  // An unreadable request file is an error of its own.
  EXPECT_EQ(cxjf("query --snapshot " + snapshot() + " --request " + temp("absent.json") + " 2>/dev/null").status, 1);
  std::remove(request.c_str());
  std::remove(answer.c_str());
}

}  // namespace
}  // namespace cxjf
