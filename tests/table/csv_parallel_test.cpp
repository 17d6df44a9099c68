// The table reader on several threads (parse_table_csv with CsvReadOptions):
// the same table, and the same first error, as on one thread, whatever the
// thread count and wherever the chunks fall.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <sstream>

#include "cxjf/csv.hpp"
#include "table/csv_text.hpp"
#include "testing.hpp"

namespace cxjf {
namespace {

void expect_same_table(const Table& a, const Table& b, const std::string& context) {
  ASSERT_EQ(a.size(), b.size()) << context;
  EXPECT_EQ(a.credit_code, b.credit_code) << context;
  EXPECT_EQ(a.name, b.name) << context;
  EXPECT_EQ(a.region, b.region) << context;
  EXPECT_EQ(a.zones.values(), b.zones.values()) << context;
  EXPECT_EQ(a.zone, b.zone) << context;
  EXPECT_EQ(a.incubators.values(), b.incubators.values()) << context;
  EXPECT_EQ(a.incubator, b.incubator) << context;
  EXPECT_EQ(a.industry, b.industry) << context;
  EXPECT_EQ(a.tech_field_names.values(), b.tech_field_names.values()) << context;
  EXPECT_EQ(a.tech_fields, b.tech_fields) << context;
  EXPECT_EQ(a.qualification_names.values(), b.qualification_names.values()) << context;
  EXPECT_EQ(a.qualifications, b.qualifications) << context;
  EXPECT_EQ(a.negative_names.values(), b.negative_names.values()) << context;
  EXPECT_EQ(a.negatives, b.negatives) << context;
  EXPECT_EQ(a.founded, b.founded) << context;
  EXPECT_EQ(a.registered, b.registered) << context;
  EXPECT_EQ(a.stage_names.values(), b.stage_names.values()) << context;
  EXPECT_EQ(a.stage, b.stage) << context;
  EXPECT_EQ(a.indicator_ids, b.indicator_ids) << context;
  ASSERT_EQ(a.values.size(), b.values.size()) << context;
  EXPECT_EQ(std::memcmp(a.values.data(), b.values.data(), sizeof(double) * static_cast<std::size_t>(a.values.size())), 0)
      << context;
}

// A generated table as CSV, with records the chunk splitter must not cut:
// quoted names holding line breaks, commas and quotes, blank lines, a row
// of empty cells, CRLF and LF breaks mixed.
std::string tricky_csv(int n) {
  GenerateOptions options;
  options.n = n;
  options.seed = 5;
  Table table = generate(default_model(), options);
  for (std::size_t i = 0; i < table.name.size(); i += 7) table.name[i] = "第一行\n第二行,\"引号\"\r\n公司" + std::to_string(i);
  std::ostringstream out;
  write_table_csv(out, table, default_model());
  std::string text = out.str();
  // Blank lines and a cleared row after some records; LF instead of CRLF in
  // others.
  std::string mixed;
  std::size_t line = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find("\r\n", pos);
    // Only breaks between records: inside quotes, the names above hold CRLF too.
    mixed.append(text, pos, end - pos);
    const bool inside = std::count(mixed.begin(), mixed.end(), '"') % 2 == 1;
    if (inside) {
      mixed += "\r\n";
    } else {
      ++line;
      mixed += line % 5 == 0 ? "\n" : "\r\n";
      if (line % 97 == 0) mixed += "\r\n";
      if (line % 101 == 0) mixed += std::string(29, ',') + "\r\n";
    }
    pos = end + 2;
  }
  return mixed;
}

TEST(ParallelCsv, SameTableOnEveryThreadCountAndChunkSize) {
  const std::string text = tricky_csv(1500);
  const Table expected = parse_table_csv(text, default_model(), CsvReadOptions{1});
  EXPECT_GT(expected.size(), 1400);
  for (unsigned threads : {2u, 3u, 4u})
    for (std::size_t chunk : {std::size_t{1}, std::size_t{13}, std::size_t{256}, std::size_t{4096},
                              std::size_t{65536}}) {
      const Table actual = parse_table_csv(text, default_model(), CsvReadOptions{threads, chunk});
      expect_same_table(actual, expected, "threads " + std::to_string(threads) + ", chunk " + std::to_string(chunk));
    }
}

// Every field quoted (pandas' QUOTE_ALL, DuckDB's FORCE_QUOTE): each cell is
// unquoted into the reader's own storage, which must not move the cells
// already read when it grows.
TEST(ParallelCsv, EveryFieldQuotedReadsAsUnquoted) {
  const std::string text = tricky_csv(400);
  const Table expected = parse_table_csv(text, default_model(), CsvReadOptions{1});
  std::string quoted;
  detail::CsvReader reader(text);
  std::int64_t line = 0;
  std::vector<std::string> fields;
  while (reader.next(line, fields)) {
    for (std::size_t f = 0; f < fields.size(); ++f) {
      std::string cell = fields[f];
      std::string escaped;
      for (char c : cell) escaped += c == '"' ? std::string("\"\"") : std::string(1, c);
      quoted += (f ? ",\"" : "\"") + escaped + "\"";
    }
    quoted += "\r\n";
  }
  for (unsigned threads : {1u, 2u})
    for (std::size_t chunk : {std::size_t{1000}, std::size_t{1} << 22}) {
      const Table actual = parse_table_csv(quoted, default_model(), CsvReadOptions{threads, chunk});
      expect_same_table(actual, expected, "quoted, threads " + std::to_string(threads));
    }
}

TEST(ParallelCsv, ChunksStartAtRecordBoundaries) {
  const std::string text = tricky_csv(300);
  // Every record's first byte, found by the sequential reader.
  std::vector<std::size_t> starts;
  detail::CsvReader reader(text);
  std::int64_t line = 0;
  std::vector<std::string> fields;
  std::size_t at = reader.position();
  while (reader.next(line, fields)) {
    starts.push_back(at);
    at = reader.position();
  }
  for (std::size_t chunk : {std::size_t{1}, std::size_t{50}, std::size_t{999}}) {
    const auto bounds = detail::record_chunks(text, starts[1], chunk, 2);
    ASSERT_GE(bounds.size(), 2u);
    EXPECT_EQ(bounds.front(), starts[1]);
    EXPECT_EQ(bounds.back(), text.size());
    for (std::size_t b = 1; b + 1 < bounds.size(); ++b)
      EXPECT_TRUE(std::binary_search(starts.begin(), starts.end(), bounds[b])) << "chunk " << chunk << " bound " << b;
  }
}

// The message of the error reading `text` raises, or "" when it reads.
std::string error_of(const std::string& text, const CsvReadOptions& options) {
  try {
    parse_table_csv(text, default_model(), options);
    return "";
  } catch (const InputError& e) {
    return e.what();
  }
}

void expect_same_error(const std::string& text, const std::string& fragment) {
  const std::string expected = error_of(text, CsvReadOptions{1});
  ASSERT_NE(expected.find(fragment), std::string::npos) << expected;
  for (unsigned threads : {2u, 3u})
    for (std::size_t chunk : {std::size_t{1}, std::size_t{97}, std::size_t{5000}})
      EXPECT_EQ(error_of(text, CsvReadOptions{threads, chunk}), expected)
          << "threads " << threads << ", chunk " << chunk;
}

// Replaces the n-th occurrence of `from` (after the header) by `to`.
std::string replace_nth(std::string text, const std::string& from, const std::string& to, int nth) {
  std::size_t at = text.find('\n');
  for (int k = 0; k <= nth; ++k) at = text.find(from, at + 1);
  EXPECT_NE(at, std::string::npos);
  return text.replace(at, from.size(), to);
}

TEST(ParallelCsv, TheFirstErrorInFileOrderWhateverTheThreads) {
  const std::string text = tricky_csv(600);
  // Two bad cells far apart: the earlier one is reported.
  std::string two = replace_nth(text, ",是,", ",也许,", 500);
  two = replace_nth(two, ",是,", ",可能,", 20);
  expect_same_error(two, "'可能' is not 是 or 否");
  // A credit code repeated in a far chunk.
  const auto table = parse_table_csv(text, default_model(), CsvReadOptions{1});
  expect_same_error(replace_nth(text, table.credit_code[550], table.credit_code[3], 0), "appears again");
  // A stray quote inside an unquoted field, which throws the quote parity off.
  expect_same_error(replace_nth(text, ",是,", ",\"是,", 300), "after the closing quote");
  expect_same_error(replace_nth(text, ",是,", ",是\"x,", 300), "inside an unquoted field");
  expect_same_error(text + "\"never", "never closed");
  // Invalid UTF-8 late in the file.
  expect_same_error(replace_nth(text, ",是,", ",\xff,", 450), "not valid UTF-8 here, nor is it GB18030");
}

TEST(ParallelCsv, ThirtyThreeQualificationsAcrossChunksFailAtTheRowThatAddsTheLast) {
  // 33 distinct qualifications, one new per row: no chunk of a few rows
  // holds them all, the whole file does.
  std::ostringstream out;
  Table base = testing::table_of(default_model(), std::vector<std::vector<double>>(40, std::vector<double>(18, 1.0)));
  for (std::size_t i = 0; i < base.qualifications.size(); ++i) base.qualifications[i] = 0;
  write_table_csv(out, base, default_model());
  std::string text = out.str();
  std::size_t pos = text.find("\r\n") + 2;
  int row = 0;
  std::string edited = text.substr(0, pos);
  while (pos < text.size()) {
    std::size_t end = text.find("\r\n", pos);
    std::string line = text.substr(pos, end - pos);
    // The qualifications cell is the eighth; its value is empty here.
    std::size_t cell = 0;
    for (int c = 0; c < 7; ++c) cell = line.find(',', cell) + 1;
    line.insert(cell, "资质" + std::to_string(row++));
    edited += line + "\r\n";
    pos = end + 2;
  }
  expect_same_error(edited, "would be distinct value 33");
}

}  // namespace
}  // namespace cxjf
