// The command line's words to people (src/cli/common.cpp, text.cpp,
// explain.cpp, snapshot.cpp): option mistakes named in English and Chinese
// with a suggestion, output paths checked before the work, the snapshot's
// facts, one enterprise's ledger, and tables aligned by display width.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <fstream>
#include <sstream>

#include <iconv.h>

#include "testing.hpp"

namespace cxjf {
namespace {

using testing::Outcome;
using testing::read_all;

Outcome cxjf_cli(const std::string& args) { return testing::run_cli(args + " 2>&1"); }
std::string temp(const std::string& name) { return std::string(::testing::TempDir()) + "cxjf_msg_" + name; }
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(CliMessages, ValuesOutOfRangeAreNamedInBothLanguages) {
  Outcome n = cxjf_cli("generate --n 0 --out " + temp("n.csv"));
  EXPECT_EQ(n.status, 2);
  EXPECT_TRUE(has(n.out, "--n: must be a whole number of at least 1, got '0'")) << n.out;
  EXPECT_TRUE(has(n.out, "须为不小于 1 的整数")) << n.out;
  EXPECT_FALSE(has(n.out, "1797693")) << n.out;  // CLI11's own message quoted the largest double
  for (const char* bad : {"-1", "abc", "1.5", "99999"}) {
    Outcome t = cxjf_cli(std::string("score --threads ") + bad + " --input /dev/null --out " + temp("t.csv"));
    EXPECT_EQ(t.status, 2) << bad;
    EXPECT_TRUE(has(t.out, "--threads: must be a whole number from 0 to 1024, got '" + std::string(bad) + "'")) << t.out;
    EXPECT_FALSE(has(t.out, "Could not convert")) << t.out;
  }
  Outcome share = cxjf_cli("generate --unregistered 1.5 --out " + temp("u.csv"));
  EXPECT_EQ(share.status, 2);
  EXPECT_TRUE(has(share.out, "must be a number from 0 to 1, got '1.5'")) << share.out;
  Outcome missing = cxjf_cli("score --input /no/such.csv --out " + temp("m.csv"));
  EXPECT_EQ(missing.status, 2);
  EXPECT_TRUE(has(missing.out, "no such file: '/no/such.csv' (文件不存在")) << missing.out;
  Outcome required = cxjf_cli("score --out " + temp("r.csv"));
  EXPECT_TRUE(has(required.out, "--input is required (缺少必需的选项 --input)")) << required.out;
}

TEST(CliMessages, TyposGetASuggestion) {
  Outcome sub = cxjf_cli("scroe --input a.csv");
  EXPECT_EQ(sub.status, 2);
  EXPECT_TRUE(has(sub.out, "'scroe' is not a command of cxjf; did you mean 'score'?")) << sub.out;
  EXPECT_TRUE(has(sub.out, "您是否要用 'score'")) << sub.out;
  Outcome nested = cxjf_cli("model shwo");
  EXPECT_TRUE(has(nested.out, "did you mean 'show'?")) << nested.out;
  // The typo is named even though a required option is missing too.
  Outcome option = cxjf_cli("score --inptu a.csv --out b.csv");
  EXPECT_EQ(option.status, 2);
  EXPECT_TRUE(has(option.out, "cxjf score has no option --inptu; did you mean --input?")) << option.out;
  Outcome far = cxjf_cli("zzzzzz");
  EXPECT_TRUE(has(far.out, "'zzzzzz' is not a command of cxjf Commands: demo, generate, score")) << far.out;
  EXPECT_TRUE(has(far.out, "可用子命令：demo, generate, score")) << far.out;
  EXPECT_FALSE(has(far.out, "did you mean")) << far.out;
  // A value that looks like a command is not taken for one.
  EXPECT_FALSE(has(cxjf_cli("demo --model scroe").out, "did you mean"));
}

TEST(CliMessages, AnUnknownModelListsTheBuiltInOnes) {
  Outcome run = cxjf_cli("generate --n 10 --model torch-2023 --out " + temp("model.csv"));
  EXPECT_EQ(run.status, 1);
  EXPECT_TRUE(has(run.out, "'torch-2023' is neither a built-in model (torch-2022, torch-2025-trial) nor a model file"))
      << run.out;
}

TEST(CliMessages, OutputPathsAreCheckedBeforeTheWork) {
  const std::string sample = temp("paths.csv");
  ASSERT_EQ(cxjf_cli("generate --n 500 --seed 5 --out " + sample).status, 0);
  Outcome folder = cxjf_cli("score --input " + sample + " --out " + temp("scores.csv") + " --snapshot /no/such/dir/x.snap");
  EXPECT_EQ(folder.status, 1);
  EXPECT_TRUE(has(folder.out, "--snapshot: the folder '/no/such/dir' of '/no/such/dir/x.snap' does not exist")) << folder.out;
  EXPECT_FALSE(has(folder.out, "reading")) << "refused before reading the input: " << folder.out;
  Outcome directory = cxjf_cli("score --input " + sample + " --out " + std::string(::testing::TempDir()));
  EXPECT_EQ(directory.status, 1);
  EXPECT_TRUE(has(directory.out, "is a folder; give a file name")) << directory.out;
  Outcome estimate = cxjf_cli("estimate --snapshot " + sample + " --input " + sample + " --out " + temp("r.csv") +
                              " --record /no/such/dir/r.json");
  EXPECT_TRUE(has(estimate.out, "--record: the folder '/no/such/dir'")) << estimate.out;
  EXPECT_FALSE(has(estimate.out, "loading")) << estimate.out;
  std::remove(sample.c_str());
}

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

TEST(CliMessages, ScoreReadsGb18030LikeEstimate) {
  const std::string utf8 = temp("enc_utf8.csv"), gb = temp("enc_gb.csv"), a = temp("enc_a.csv"), b = temp("enc_b.csv"),
                    c = temp("enc_c.csv");
  ASSERT_EQ(cxjf_cli("generate --n 800 --seed 9 --out " + utf8).status, 0);
  {
    std::ofstream out(gb, std::ios::binary);
    out << to_gb18030(read_all(utf8));
  }
  ASSERT_NE(read_all(gb), read_all(utf8));
  ASSERT_EQ(cxjf_cli("score --input " + utf8 + " --out " + a).status, 0);
  Outcome detected = cxjf_cli("score --input " + gb + " --out " + b);
  ASSERT_EQ(detected.status, 0) << detected.out;
  Outcome forced = cxjf_cli("score --encoding gb18030 --input " + gb + " --out " + c);
  ASSERT_EQ(forced.status, 0) << forced.out;
  EXPECT_EQ(read_all(a), read_all(b));
  EXPECT_EQ(read_all(a), read_all(c));
  Outcome wrong = cxjf_cli("score --encoding utf-8 --input " + gb + " --out " + c);
  EXPECT_EQ(wrong.status, 1);
  EXPECT_TRUE(has(wrong.out, "--encoding gb18030")) << wrong.out;
  EXPECT_EQ(cxjf_cli("score --encoding latin1 --input " + utf8 + " --out " + c).status, 1);
  for (const auto& f : {utf8, gb, a, b, c}) std::remove(f.c_str());
}

// Columns a terminal gives `text`, worked out by hand for what these tables
// hold: CJK ideographs, CJK and full-width punctuation two columns, the
// rest (ASCII, '—', '≤', '█', '·') one.
std::size_t columns(const std::string& text) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? b : len == 2 ? b & 0x1F : len == 3 ? b & 0x0F : b & 0x07;
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    const bool wide = (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF60);
    n += wide ? 2 : 1;
    i += len;
  }
  return n;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// In a table whose rows follow a rule line of dashes, each column starts
// where its rule segment starts, counted in display columns; a right-aligned
// column ends where its segment ends.
void expect_aligned(const std::vector<std::string>& lines, std::size_t rule, std::size_t rows, std::size_t value_column) {
  const std::string& r = lines[rule];
  std::vector<std::pair<std::size_t, std::size_t>> segments;  // [begin, end) in columns (the rule is ASCII)
  for (std::size_t i = 0; i < r.size();) {
    if (r[i] == '-') {
      std::size_t j = i;
      while (j < r.size() && r[j] == '-') ++j;
      segments.emplace_back(i, j);
      i = j;
    } else {
      ++i;
    }
  }
  ASSERT_GT(segments.size(), value_column);
  for (std::size_t k = rule + 1; k <= rule + rows && k < lines.size(); ++k) {
    const std::string& line = lines[k];
    // The cell ending the value column: the text up to the first digit run
    // after the first cell, taken up to its end.
    std::size_t byte = 0, col = 0;
    // Walk to the end of the value column's segment.
    while (byte < line.size() && col < segments[value_column].second) {
      const auto b = static_cast<unsigned char>(line[byte]);
      std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      col += columns(line.substr(byte, len));
      byte += len;
    }
    EXPECT_EQ(col, segments[value_column].second) << "row " << k << ": " << line;
    // A right-aligned number ends exactly there: a digit or '—' before, a space after.
    ASSERT_LT(byte, line.size()) << line;
    EXPECT_EQ(line[byte], ' ') << line;
    EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(line[byte - 1])) || line.substr(byte - 3, 3) == "—") << line;
  }
}

TEST(CliMessages, TheDemoAndTheLedgerAreAlignedByDisplayWidth) {
  Outcome run = cxjf_cli("demo --n 3000 --seed 4");
  ASSERT_EQ(run.status, 0) << run.out;
  const std::vector<std::string> lines = lines_of(run.out);
  std::size_t tables = 0;
  for (std::size_t k = 1; k < lines.size(); ++k) {
    if (lines[k].find("----") == std::string::npos) continue;
    ++tables;
    const std::string& header = lines[k - 1];
    if (has(header, "指标 indicator")) expect_aligned(lines, k, 18, 1);   // the ledger: value column
    if (has(header, "省份 province")) expect_aligned(lines, k, 10, 1);    // provinces: count column
    if (has(header, "名次 rank")) expect_aligned(lines, k, 10, 1);        // top 10: score column
    if (has(header, "最低分 from")) expect_aligned(lines, k, 4, 2);       // grades: count column
  }
  EXPECT_EQ(tables, 5u) << run.out;  // histogram, grades, provinces, top 10, ledger
}

TEST(CliMessages, SnapshotInfoAndExplainAgreeWithTheScores) {
  const std::string sample = temp("info.csv"), scores = temp("info_scores.csv"), snap = temp("info.snap");
  ASSERT_EQ(cxjf_cli("generate --n 3000 --seed 21 --out " + sample).status, 0);
  ASSERT_EQ(cxjf_cli("score --input " + sample + " --out " + scores + " --snapshot " + snap).status, 0);
  // Counted from the scores file, independently of the snapshot.
  std::vector<CsvRecord> records = parse_csv(read_all(scores));
  const auto& header = records[0].fields;
  const auto score_col = static_cast<std::size_t>(std::find(header.begin(), header.end(), "score") - header.begin());
  const auto grade_col = static_cast<std::size_t>(std::find(header.begin(), header.end(), "grade") - header.begin());
  std::size_t listed = 0;
  std::map<std::string, std::size_t> grades;
  for (std::size_t k = 1; k < records.size(); ++k) {
    listed += std::strtod(records[k].fields[score_col].c_str(), nullptr) >= 70;
    ++grades[records[k].fields[grade_col]];
  }
  Outcome info = cxjf_cli("snapshot info " + snap);
  ASSERT_EQ(info.status, 0) << info.out;
  EXPECT_TRUE(has(info.out, std::to_string(records.size() - 1) + " registered")) << info.out;
  EXPECT_TRUE(has(info.out, "上榜 listed (>= 70)")) << info.out;
  EXPECT_TRUE(has(info.out, "  " + std::to_string(listed) + " (")) << info.out;
  EXPECT_TRUE(has(info.out, "A " + std::to_string(grades["A"]) + ", B " + std::to_string(grades["B"]))) << info.out;
  EXPECT_TRUE(has(info.out, "torch-2022")) << info.out;
  EXPECT_TRUE(has(info.out, "unsigned")) << info.out;

  // The ledger's score line says what scores.csv says for that enterprise.
  for (std::size_t k : {std::size_t{1}, records.size() / 2, records.size() - 1}) {
    const std::string code = records[k].fields[0];
    Outcome ex = cxjf_cli("explain --snapshot " + snap + " --code " + code);
    ASSERT_EQ(ex.status, 0) << ex.out;
    EXPECT_TRUE(has(ex.out, code)) << ex.out;
    EXPECT_TRUE(has(ex.out, records[k].fields[score_col] + " " + records[k].fields[grade_col])) << ex.out;
    Outcome json = cxjf_cli("explain --json --snapshot " + snap + " --code " + code);
    EXPECT_TRUE(has(json.out, "\"indicators\"")) << json.out;
  }
  Outcome none = cxjf_cli("explain --snapshot " + snap + " --code 91110000MA00000000");
  EXPECT_EQ(none.status, 1);
  EXPECT_TRUE(has(none.out, "no registered enterprise")) << none.out;
  for (const auto& f : {sample, scores, snap}) std::remove(f.c_str());
}

}  // namespace
}  // namespace cxjf

namespace cxjf {
namespace {

TEST(CliMessages, ScoreWithANewerRegionEdition) {
  const std::string regions = temp("regions.csv"), sample = temp("edition.csv"), scores = temp("edition_scores.csv"),
                    snap = temp("edition.snap");
  {
    std::ofstream out(regions, std::ios::binary);
    out << read_all(std::string(CXJF_SOURCE_DIR) + "/data/regions.csv") << "440399,深圳新区,county,440300\n";
  }
  ASSERT_EQ(cxjf_cli("generate --n 50 --seed 8 --unregistered 0 --out " + sample).status, 0);
  // The first enterprise moves into the new county.
  std::vector<CsvRecord> records = parse_csv(read_all(sample));
  records[1].fields[2] = "440399";
  {
    std::ofstream out(sample, std::ios::binary);
    for (const CsvRecord& r : records) {
      std::string line;
      for (std::size_t f = 0; f < r.fields.size(); ++f) line += (f ? "," : "") + csv_field(r.fields[f]);
      out << line << "\n";
    }
  }
  Outcome embedded = cxjf_cli("score --input " + sample + " --out " + scores);
  EXPECT_EQ(embedded.status, 1);
  EXPECT_TRUE(has(embedded.out, "440399 is not a region code of GB/T 2260")) << embedded.out;
  Outcome newer = cxjf_cli("score --input " + sample + " --out " + scores + " --snapshot " + snap + " --regions " +
                           regions + " --regions-edition 'GB/T 2260 test'");
  ASSERT_EQ(newer.status, 0) << newer.out;
  Outcome info = cxjf_cli("snapshot info " + snap);
  EXPECT_TRUE(has(info.out, "GB/T 2260 test (held in the file)")) << info.out;
  Outcome ex = cxjf_cli("explain --snapshot " + snap + " --code " + records[1].fields[0]);
  EXPECT_TRUE(has(ex.out, "广东省深圳市深圳新区")) << ex.out;
  for (const auto& f : {regions, sample, scores, snap}) std::remove(f.c_str());
}

}  // namespace
}  // namespace cxjf
