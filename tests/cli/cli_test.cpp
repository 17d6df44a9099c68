// The command-line program (src/cli/), run as a user runs it.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include <iconv.h>

#include "testing.hpp"

namespace cxjf {
namespace {

using testing::Outcome;
using testing::read_all;

// Runs the cxjf program, capturing standard output and standard error.
Outcome cxjf_cli(const std::string& args) { return testing::run_cli(args + " 2>&1"); }

std::string temp(const std::string& name) { return std::string(::testing::TempDir()) + "cxjf_cli_" + name; }


// Nothing lost on write: a full disk fails the command with the system's
// reason, and an existing output is left whole (docs/hardening.md).
TEST(Cli, AFullDiskFailsTheCommandAndKeepsTheOldFile) {
  Outcome gen = cxjf_cli("generate --n 50 --out /dev/full");
  EXPECT_NE(gen.status, 0);
  EXPECT_NE(gen.out.find("cannot write /dev/full: No space left on device"), std::string::npos) << gen.out;
  const std::string sample = temp("full_sample.csv"), snap = temp("full.snap");
  ASSERT_EQ(cxjf_cli("generate --n 300 --out " + sample).status, 0);
  ASSERT_EQ(cxjf_cli("score --input " + sample + " --out /dev/null --snapshot " + snap).status, 0);
  Outcome score = cxjf_cli("score --input " + sample + " --out /dev/full");
  EXPECT_NE(score.status, 0);
  EXPECT_NE(score.out.find("No space left on device"), std::string::npos) << score.out;
  // A query's answer to a full standard output.
  const std::string request = temp("full_request.json");
  std::ofstream(request) << R"({"principal": {"role": "torch_center"}, "kind": "overview"})";
  ASSERT_EQ(cxjf_cli("query --snapshot " + snap + " --request " + request + " --out /dev/null").status, 0);
  Outcome query = testing::run_cli("query --snapshot " + snap + " --request " + request + " > /dev/full 2> " +
                                   temp("full_query.err") + "; echo status=$?; cat " + temp("full_query.err"));
  EXPECT_NE(query.out.find("status=1"), std::string::npos) << query.out;
  EXPECT_NE(query.out.find("cannot write the answer to standard output: No space left on device"), std::string::npos)
      << query.out;
  // An upload's results to /dev/full.
  const std::string upload = temp("full_upload.csv");
  ASSERT_EQ(cxjf_cli("template --out " + upload).status, 0);
  Outcome est = cxjf_cli("estimate --snapshot " + snap + " --input " + upload + " --out /dev/full");
  EXPECT_NE(est.status, 0);
  EXPECT_NE(est.out.find("No space left on device"), std::string::npos) << est.out;
  // Into a folder: refused with the reason, the folder untouched.
  Outcome dir = cxjf_cli("generate --n 50 --out " + std::string(::testing::TempDir()));
  EXPECT_NE(dir.status, 0);
  EXPECT_NE(dir.out.find("is a folder; give a file name"), std::string::npos) << dir.out;
}

// A deployment that loads only what its scorer signed (docs/snapshot.md).
TEST(Cli, SignedSnapshotsLoadOnlyWithTheScorersKey) {
  const std::string sample = temp("signed_sample.csv"), snap = temp("signed.snap"), plain = temp("unsigned.snap");
  const std::string sec = temp("k.sec"), pub = temp("k.pub"), other_sec = temp("o.sec"), other_pub = temp("o.pub");
  ASSERT_EQ(cxjf_cli("keys --secret " + sec + " --public " + pub).status, 0);
  ASSERT_EQ(cxjf_cli("keys --secret " + other_sec + " --public " + other_pub).status, 0);
  ASSERT_EQ(cxjf_cli("generate --n 200 --out " + sample).status, 0);
  ASSERT_EQ(cxjf_cli("score --input " + sample + " --out /dev/null --snapshot " + snap + " --sign " + sec).status, 0);
  ASSERT_EQ(cxjf_cli("score --input " + sample + " --out /dev/null --snapshot " + plain).status, 0);
  const std::string request_file = temp("signed_request.json");
  std::ofstream(request_file) << R"({"principal": {"role": "torch_center"}, "kind": "overview"})";
  const std::string request = " --request " + request_file;
  EXPECT_EQ(cxjf_cli("query --snapshot " + snap + " --public-key " + pub + request).status, 0);
  Outcome other = cxjf_cli("query --snapshot " + snap + " --public-key " + other_pub + request);
  EXPECT_NE(other.status, 0);
  EXPECT_NE(other.out.find("not by the key this deployment requires"), std::string::npos) << other.out;
  Outcome unsigned_ = cxjf_cli("query --snapshot " + plain + " --public-key " + pub + request);
  EXPECT_NE(unsigned_.status, 0);
  EXPECT_NE(unsigned_.out.find("is not signed"), std::string::npos) << unsigned_.out;
  // A snapshot signed by the scorer still loads where no key is required.
  EXPECT_EQ(cxjf_cli("query --snapshot " + snap + request).status, 0);
}

TEST(Cli, GenerateThenScoreWritesScoresAndASnapshot) {
  std::string sample = temp("sample.csv"), scores = temp("scores.csv"), snap = temp("scores.snap"),
              ledgers = temp("ledgers.jsonl");
  Outcome gen = cxjf_cli("generate --n 2000 --seed 3 --out " + sample);
  ASSERT_EQ(gen.status, 0) << gen.out;
  Outcome run = cxjf_cli("score --input " + sample + " --out " + scores + " --snapshot " + snap + " --explain " + ledgers);
  ASSERT_EQ(run.status, 0) << run.out;

  Snapshot loaded = Snapshot::load(snap);
  std::vector<CsvRecord> records = parse_csv(read_all(scores));
  ASSERT_EQ(static_cast<std::int64_t>(records.size()), loaded.scores.size() + 1);
  const auto& header = records[0].fields;
  EXPECT_EQ(header[0], "credit_code");
  auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  for (const char* name : {"name", "region_code", "stage", "peer_group", "score", "grade", "rank_national",
                           "rank_province", "rank_city", "rank_county", "rank_zone"})
    EXPECT_LT(column(name), header.size()) << name;
  // The file lists enterprises in rank order with the snapshot's scores.
  for (std::size_t k = 1; k < records.size(); ++k) {
    auto i = static_cast<std::size_t>(loaded.scores.order[k - 1]);
    ASSERT_EQ(records[k].fields[0], loaded.table.credit_code[i]);
    ASSERT_EQ(records[k].fields[column("score")], loaded.scores.published_text(static_cast<std::int64_t>(i)));
    ASSERT_EQ(records[k].fields[column("rank_national")], std::to_string(loaded.scores.rank[0][i]));
    // base, bonus and deduction read back as the engine's doubles (not six
    // significant digits), so they add up to the total behind the score.
    ASSERT_EQ(std::strtod(records[k].fields[column("base")].c_str(), nullptr), loaded.scores.base[i]);
    ASSERT_EQ(std::strtod(records[k].fields[column("bonus")].c_str(), nullptr), loaded.scores.bonus[i]);
    ASSERT_EQ(std::strtod(records[k].fields[column("deduction")].c_str(), nullptr), loaded.scores.deduction[i]);
  }
  // The same input scored in-process gives the same snapshot.
  Snapshot direct = Snapshot::build(default_model(), read_table_csv(sample, default_model()));
  EXPECT_EQ(direct.scores.published_units, loaded.scores.published_units);
  // One ledger per enterprise.
  std::string lines = read_all(ledgers);
  EXPECT_EQ(static_cast<std::int64_t>(std::count(lines.begin(), lines.end(), '\n')), loaded.scores.size());
  EXPECT_NE(lines.find("\"indicators\""), std::string::npos);
  for (const auto& f : {sample, scores, snap, ledgers}) std::remove(f.c_str());
}

TEST(Cli, ScoreReportsTheRowAndColumnOfABadCell) {
  std::string bad = temp("bad.csv");
  {
    std::ostringstream csv;
    write_table_csv(csv, testing::table_of(default_model(), {std::vector<double>(18, 1.0)}), default_model());
    // The last cell of the data row becomes "12,5万" (quoted, as Excel writes it).
    std::string text = csv.str();
    auto last_comma = text.rfind(',');
    text = text.substr(0, last_comma + 1) + "\"12,5万\"\r\n";
    std::ofstream(bad, std::ios::binary) << text;
  }
  Outcome run = cxjf_cli("score --input " + bad + " --out " + temp("never.csv"));
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.out.find("row 2"), std::string::npos) << run.out;
  std::remove(bad.c_str());
}

TEST(Cli, ModelValidatePrintsEveryProblemWithItsPath) {
  std::string path = temp("broken.json");
  std::string json(builtin_model_json("torch-2022"));
  // Two mistakes: a misspelt key and a weight that breaks the stage's sum.
  auto at = json.find("\"zero_earns_zero\"");
  json.replace(at, 17, "\"zero_earn_zero\"");
  at = json.find("\"startup\": 10", json.find("rd_intensity"));
  json.replace(at, 13, "\"startup\": 11");
  std::ofstream(path, std::ios::binary) << json;
  Outcome run = cxjf_cli("model validate " + path);
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.out.find("/indicators/0/zero_earn_zero"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("/indicators: the weights of stage \"startup\""), std::string::npos) << run.out;
  std::remove(path.c_str());

  Outcome ok = cxjf_cli("model validate " + std::string(CXJF_SOURCE_DIR) + "/models/torch-2025-trial.json");
  EXPECT_EQ(ok.status, 0) << ok.out;
}

TEST(Cli, ModelShowPrintsTheDefaultModel) {
  Outcome run = cxjf_cli("model show");
  ASSERT_EQ(run.status, 0);
  EXPECT_EQ(Model::from_json(run.out).to_json(), default_model().to_json());
}

TEST(Cli, DemoPrintsTheOverview) {
  Outcome run = cxjf_cli("demo --n 3000");
  ASSERT_EQ(run.status, 0) << run.out;
  for (const char* part : {"Score histogram", "Grades", "Provinces with most enterprises", "Top 10 enterprises",
                           "Ledger of the median enterprise"})
    EXPECT_NE(run.out.find(part), std::string::npos) << part;
}

// The same text in GB18030, as Excel on Chinese Windows saves it.
std::string to_gb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  std::string in = utf8, out(utf8.size() * 2 + 16, '\0');
  char* src = in.data();
  char* dst = out.data();
  std::size_t left = in.size(), room = out.size();
  iconv(cd, &src, &left, &dst, &room);
  iconv_close(cd);
  out.resize(out.size() - room);
  return out;
}

TEST(Cli, TemplateHasChineseHeadersWithUnits) {
  std::string path = temp("template.csv");
  Outcome run = cxjf_cli("template --out " + path);
  ASSERT_EQ(run.status, 0) << run.out;
  std::string text = read_all(path);
  EXPECT_EQ(text.rfind("\xEF\xBB\xBF", 0), 0u);  // UTF-8 with BOM, for Excel
  std::vector<CsvRecord> records = parse_csv(text);
  ASSERT_GE(records.size(), 3u);
  EXPECT_EQ(records[0].fields[0], "统一社会信用代码");
  EXPECT_NE(std::find(records[0].fields.begin(), records[0].fields.end(), "研发费用金额(万元)"), records[0].fields.end());
  EXPECT_EQ(records[1].fields[0], "credit_code");
  std::remove(path.c_str());
}

TEST(Cli, EstimateGivesTheSameResultsForGb18030AndUtf8) {
  std::string sample = temp("base.csv"), snap = temp("base.snap"), scores = temp("base_scores.csv");
  ASSERT_EQ(cxjf_cli("generate --n 3000 --seed 8 --out " + sample).status, 0);
  ASSERT_EQ(cxjf_cli("score --input " + sample + " --out " + scores + " --snapshot " + snap).status, 0);
  Snapshot base = Snapshot::load(snap);

  // An upload: three registered enterprises and five new ones.
  GenerateOptions options;
  options.n = 5;
  options.seed = 1234;
  Table fresh = generate(default_model(), options);
  TableBuilder builder(fresh.indicator_ids);
  for (int i = 0; i < 3; ++i) builder.add(base.table.row(i * 10));
  for (int i = 0; i < 5; ++i) builder.add(fresh.row(i));
  std::ostringstream csv;
  write_table_csv(csv, builder.build(), default_model());
  std::string utf8 = temp("upload_utf8.csv"), gb = temp("upload_gb.csv");
  std::ofstream(utf8, std::ios::binary) << "\xEF\xBB\xBF" << csv.str();
  std::ofstream(gb, std::ios::binary) << to_gb18030(csv.str());

  std::string out_utf8 = temp("results_utf8.csv"), out_gb = temp("results_gb.csv"), record = temp("record.json");
  Outcome a = cxjf_cli("estimate --snapshot " + snap + " --input " + utf8 + " --out " + out_utf8 + " --record " + record +
                       " --principal torch_center");
  ASSERT_EQ(a.status, 0) << a.out;
  Outcome b = cxjf_cli("estimate --snapshot " + snap + " --input " + gb + " --out " + out_gb);
  ASSERT_EQ(b.status, 0) << b.out;
  EXPECT_EQ(read_all(out_utf8), read_all(out_gb));

  std::vector<CsvRecord> rows = parse_csv(read_all(out_utf8));
  ASSERT_EQ(rows.size(), 9u);
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(rows[static_cast<std::size_t>(i)].fields[3], "registered");
  for (int i = 4; i <= 8; ++i) EXPECT_EQ(rows[static_cast<std::size_t>(i)].fields[3], "estimated");
  // A registered row shows the snapshot's score.
  EXPECT_EQ(rows[1].fields[5], base.scores.published_text(0));
  std::string json = read_all(record);
  EXPECT_NE(json.find("\"rows_read\": 8"), std::string::npos) << json.substr(0, 400);
  EXPECT_NE(json.find("\"principal\": \"torch_center\""), std::string::npos);

  // The same upload for the public, and for the province of none of the
  // three: every row is a newcomer, scored from its uploaded values; the
  // registered rows' results equal those of the same rows under new codes.
  for (const char* who : {"public", "province:650000"}) {
    std::string out = temp("results_scoped.csv");
    Outcome c = cxjf_cli("estimate --snapshot " + snap + " --input " + utf8 + " --out " + out + " --principal " + who);
    ASSERT_EQ(c.status, 0) << c.out;
    std::vector<CsvRecord> scoped = parse_csv(read_all(out));
    ASSERT_EQ(scoped.size(), 9u);
    for (int i = 1; i <= 8; ++i) EXPECT_EQ(scoped[static_cast<std::size_t>(i)].fields[3], "estimated") << who;
    std::remove(out.c_str());
  }
  // Principals are checked as queries check them.
  for (const char* who : {"province:990000", "city:440000", "public:440000", "torch_center:x", "enterprise:123"}) {
    Outcome c = cxjf_cli("estimate --snapshot " + snap + " --input " + utf8 + " --out " + temp("never.csv") +
                         " --principal " + who + " 2>&1");
    EXPECT_NE(c.status, 0) << who;
    EXPECT_NE(c.out.find("/principal/code"), std::string::npos) << who << ": " << c.out;
  }
  for (const auto& f : {sample, snap, scores, utf8, gb, out_utf8, out_gb, record}) std::remove(f.c_str());
}

// DESIGN.md: the same output on any thread count.
TEST(Cli, ThreadsDoNotChangeTheFiles) {
  std::string sample = temp("threads.csv"), upload = temp("threads_upload.csv");
  ASSERT_EQ(cxjf_cli("generate --n 6000 --seed 12 --out " + sample).status, 0);
  ASSERT_EQ(cxjf_cli("generate --n 2500 --seed 13 --out " + upload).status, 0);
  std::string scores[2], results[2];
  for (int t = 0; t < 2; ++t) {
    const std::string threads = std::to_string(t + 1);
    std::string snap = temp("threads" + threads + ".snap");
    scores[t] = temp("threads_scores" + threads + ".csv");
    results[t] = temp("threads_results" + threads + ".csv");
    Outcome s = cxjf_cli("score --threads " + threads + " --input " + sample + " --out " + scores[t] + " --snapshot " + snap);
    ASSERT_EQ(s.status, 0) << s.out;
    Outcome e = cxjf_cli("estimate --threads " + threads + " --snapshot " + snap + " --input " + upload + " --out " + results[t]);
    ASSERT_EQ(e.status, 0) << e.out;
    std::remove(snap.c_str());
  }
  EXPECT_EQ(read_all(scores[0]), read_all(scores[1]));
  EXPECT_EQ(read_all(results[0]), read_all(results[1]));
  EXPECT_EQ(parse_csv(read_all(results[0])).size(), 2501u);
  EXPECT_EQ(cxjf_cli("score --threads -1 --input " + sample + " --out " + scores[0]).status, 2);
  for (const auto& f : {sample, upload, scores[0], scores[1], results[0], results[1]}) std::remove(f.c_str());
}

TEST(Cli, UsageErrorsExitWithTwo) {
  EXPECT_EQ(cxjf_cli("score").status, 2);
  EXPECT_EQ(cxjf_cli("no-such-command").status, 2);
}

}  // namespace
}  // namespace cxjf
