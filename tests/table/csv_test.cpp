#include "cxjf/csv.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "cxjf/credit_code.hpp"
#include "cxjf/error.hpp"

namespace cxjf {
namespace {

using Fields = std::vector<std::string>;

// ---------------------------------------------------------------------------
// parse_csv

TEST(ParseCsv, PlainRecords) {
  auto records = parse_csv("a,b\n1,2\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[0].fields, (Fields{"a", "b"}));
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[1].fields, (Fields{"1", "2"}));
}

TEST(ParseCsv, QuotedFields) {
  auto records = parse_csv("\"a,b\",\"say \"\"hi\"\"\",\"\",\"\"\"\"\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"a,b", "say \"hi\"", "", "\""}));
}

TEST(ParseCsv, EmbeddedNewlinesShiftLaterLines) {
  auto records = parse_csv("h1,h2\n\"x\ny\",2\nlast,3\n\"p\n\nq\",4\nend,5\n");
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[1].fields, (Fields{"x\ny", "2"}));
  EXPECT_EQ(records[2].line, 4);  // the record on line 2 spans lines 2-3
  EXPECT_EQ(records[3].line, 5);
  EXPECT_EQ(records[3].fields, (Fields{"p\n\nq", "4"}));
  EXPECT_EQ(records[4].line, 8);  // lines 5-7
}

TEST(ParseCsv, Crlf) {
  auto records = parse_csv("a,b\r\n\"x\r\ny\",1\r\nz,2\r\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "b"}));
  EXPECT_EQ(records[1].fields, (Fields{"x\r\ny", "1"}));  // kept as written inside quotes
  EXPECT_EQ(records[2].line, 4);  // CRLF inside the quotes is one line break, not two
  EXPECT_EQ(records[2].fields, (Fields{"z", "2"}));
}

TEST(ParseCsv, LoneCrEndsARecord) {
  auto records = parse_csv("a\rb\r");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[1].fields, (Fields{"b"}));
}

TEST(ParseCsv, EmptyCells) {
  auto records = parse_csv(",a,,\n,\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"", "a", "", ""}));
  EXPECT_EQ(records[1].fields, (Fields{"", ""}));
}

TEST(ParseCsv, ByteOrderMarkIsSkipped) {
  auto records = parse_csv("\xEF\xBB\xBF统一社会信用代码,企业名称\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"统一社会信用代码", "企业名称"}));
  EXPECT_TRUE(parse_csv("\xEF\xBB\xBF").empty());
}

TEST(ParseCsv, LastRecordWithoutNewline) {
  auto records = parse_csv("a,b\n1,\"2\"");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields, (Fields{"1", "2"}));
  EXPECT_EQ(parse_csv("x,").back().fields, (Fields{"x", ""}));
}

TEST(ParseCsv, BlankLines) {
  EXPECT_TRUE(parse_csv("").empty());
  EXPECT_TRUE(parse_csv("\n\r\n").empty());
  // Trailing blank lines are no records...
  auto trailing = parse_csv("a\n1\n\n\r\n\n");
  ASSERT_EQ(trailing.size(), 2u);
  // ...a blank line between records is one, with one empty field.
  auto inner = parse_csv("a\n\n1\n");
  ASSERT_EQ(inner.size(), 3u);
  EXPECT_EQ(inner[1].line, 2);
  EXPECT_EQ(inner[1].fields, (Fields{""}));
  EXPECT_EQ(inner[2].line, 3);
}

void expect_csv_error(std::string_view text, std::int64_t line, const std::string& what) {
  try {
    parse_csv(text);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.row(), line);
    EXPECT_EQ(e.column(), "");
    EXPECT_EQ(e.what(), what);
  }
}

TEST(ParseCsv, UnterminatedQuoteNamesTheLineItOpens) {
  expect_csv_error("a,b\n1,\"oops\n2,3\n", 2,
                   "row 2: a quoted field starting on this line is never closed: a closing '\"' is missing");
}

TEST(ParseCsv, StrayQuote) {
  expect_csv_error("a,b\n\"x\ny\",1\n2,3\"4\n", 4,
                   "row 4: a '\"' inside an unquoted field: enclose the whole field in quotes and write the quote "
                   "twice (\"\")");
  expect_csv_error("\"abc\"def,1\n", 1,
                   "row 1: text after the closing quote of a field: a quote inside a quoted field must be written "
                   "twice (\"\")");
}

TEST(CsvField, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("plain 文字"), "plain 文字");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("x\ny"), "\"x\ny\"");
  EXPECT_EQ(csv_field("x\ry"), "\"x\ry\"");
  auto back = parse_csv(csv_field("a,\"b\"\r\nc") + "," + csv_field("d"));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].fields, (Fields{"a,\"b\"\r\nc", "d"}));
}

TEST(AttributeColumns, IdsAndChineseNames) {
  const auto& columns = attribute_columns();
  ASSERT_EQ(columns.size(), 12u);
  EXPECT_EQ(columns[0].id, "credit_code");
  EXPECT_EQ(columns[0].name_zh, "统一社会信用代码");
  EXPECT_EQ(columns[2].id, "region_code");
  EXPECT_EQ(columns[2].name_zh, "行政区划代码");
  EXPECT_EQ(columns[10].id, "registered");
  EXPECT_EQ(columns[10].name_zh, "是否入统");
  EXPECT_EQ(columns[11].id, "stage");
  EXPECT_EQ(columns[11].name_zh, "发展阶段");
}

// ---------------------------------------------------------------------------
// parse_table_csv

Model test_model() {
  Model model;
  model.id = "test";
  Indicator rd;
  rd.id = "rd_expense";
  rd.name_zh = "研发费用金额";
  rd.unit = "万元";
  Indicator growth;
  growth.id = "revenue_growth";
  growth.name_zh = "营业收入增长率";
  growth.unit = "%";
  Indicator patents;
  patents.id = "patents";
  patents.name_zh = "与主营业务相关的发明专利申请量";
  patents.unit = "件";
  model.indicators = {rd, growth, patents};
  return model;
}

// Valid codes, check characters worked out in credit_code_test.cpp.
constexpr const char* code_a = "91350100M000100Y43";
constexpr const char* code_b = "91110000100000000R";
constexpr const char* code_c = "1A0000000000000000";

TEST(ParseTableCsv, ChineseHeadersWithUnits) {
  std::string text =
      "\xEF\xBB\xBF"
      "统一社会信用代码,企业名称,行政区划代码,国家高新区,一级行业,技术领域,企业资质,成立日期,是否入统,发展阶段,"
      "研发费用金额(万元),营业收入增长率（%）,与主营业务相关的发明专利申请量 ( 件 )\r\n"
      "9135 0100m000100y43,甲公司,440305,深圳高新区,C,电子信息;新材料,高新技术企业、科技型中小企业,2015-06-30,是,"
      "成长期,1200.5,12.5,3\r\n"
      "91110000100000000R,\"乙公司,北京\",110101,, 制造业 ,新材料；电子信息,,20200229,否,,,-3e2,\r\n";
  Table t = parse_table_csv(text, test_model());
  ASSERT_EQ(t.size(), 2);
  EXPECT_EQ(t.indicator_ids, (Fields{"rd_expense", "revenue_growth", "patents"}));
  EXPECT_EQ(t.credit_code, (Fields{code_a, code_b}));
  EXPECT_EQ(t.name, (Fields{"甲公司", "乙公司,北京"}));
  EXPECT_EQ(t.region, (std::vector<std::int32_t>{440305, 110101}));
  EXPECT_EQ(t.zones.values(), (Fields{"深圳高新区"}));
  EXPECT_EQ(t.zone, (std::vector<std::int32_t>{0, -1}));
  EXPECT_EQ(t.incubator, (std::vector<std::int32_t>{-1, -1}));
  EXPECT_EQ(t.industry, (std::vector<std::int8_t>{2, 2}));
  EXPECT_EQ(t.tech_field_names.values(), (Fields{"电子信息", "新材料"}));
  EXPECT_EQ(t.tech_fields, (std::vector<std::uint32_t>{0b11, 0b11}));
  EXPECT_EQ(t.qualification_names.values(), (Fields{"高新技术企业", "科技型中小企业"}));
  EXPECT_EQ(t.qualifications, (std::vector<std::uint32_t>{0b11, 0}));
  EXPECT_EQ(t.negatives, (std::vector<std::uint32_t>{0, 0}));
  EXPECT_EQ(t.founded, (std::vector<std::int32_t>{20150630, 20200229}));
  EXPECT_EQ(t.registered, (std::vector<std::uint8_t>{1, 0}));
  EXPECT_EQ(t.stage_names.values(), (Fields{"成长期"}));
  EXPECT_EQ(t.stage, (std::vector<std::int32_t>{0, -1}));
  ASSERT_EQ(t.values.rows(), 2);
  ASSERT_EQ(t.values.cols(), 3);
  EXPECT_EQ(t.values(0, 0), 1200.5);
  EXPECT_EQ(t.values(0, 1), 12.5);
  EXPECT_EQ(t.values(0, 2), 3.0);
  EXPECT_TRUE(std::isnan(t.values(1, 0)));
  EXPECT_EQ(t.values(1, 1), -300.0);
  EXPECT_TRUE(std::isnan(t.values(1, 2)));
}

TEST(ParseTableCsv, EnglishIdsInAnyOrder) {
  std::string text =
      "patents,region_code,credit_code,rd_expense,name,revenue_growth,registered\n"
      "2,441900,1A0000000000000000,+.5,丙公司,1E2,FALSE\n";
  Table t = parse_table_csv(text, test_model());
  ASSERT_EQ(t.size(), 1);
  EXPECT_EQ(t.credit_code[0], code_c);
  EXPECT_EQ(t.region[0], 441900);
  EXPECT_EQ(t.industry[0], -1);
  EXPECT_EQ(t.founded[0], 0);
  EXPECT_EQ(t.registered[0], 0);
  EXPECT_EQ(t.stage[0], -1);
  EXPECT_EQ(t.values(0, 0), 0.5);
  EXPECT_EQ(t.values(0, 1), 100.0);
  EXPECT_EQ(t.values(0, 2), 2.0);
}

TEST(ParseTableCsv, BlankRowsAreSkipped) {
  std::string text =
      "统一社会信用代码,企业名称,行政区划代码,研发费用金额,营业收入增长率,与主营业务相关的发明专利申请量\n"
      "\n"
      ",,,,,\n"
      "91350100M000100Y43,甲,440305,1,2,3\n\n\n";
  Table t = parse_table_csv(text, test_model());
  ASSERT_EQ(t.size(), 1);
  EXPECT_EQ(t.name[0], "甲");
}

constexpr const char* chinese_header =
    "统一社会信用代码,企业名称,行政区划代码,一级行业,成立日期,是否入统,"
    "研发费用金额(万元),营业收入增长率(%),与主营业务相关的发明专利申请量\n";

void expect_table_error_with(const std::string& text, const CsvReadOptions& options, std::int64_t row,
                             const std::string& column, const std::string& what) {
  try {
    parse_table_csv(text, test_model(), options);
    FAIL() << "expected an InputError for\n" << text;
  } catch (const InputError& e) {
    EXPECT_EQ(e.row(), row);
    EXPECT_EQ(e.column(), column);
    EXPECT_EQ(e.what(), what);
  }
}

void expect_table_error(const std::string& text, std::int64_t row, const std::string& column,
                        const std::string& what) {
  expect_table_error_with(text, CsvReadOptions{}, row, column, what);
}

TEST(ParseTableCsv, BadNumber) {
  std::string text = std::string(chinese_header) + "91350100M000100Y43,甲,440305,C,,是,1,2,3\n" +
                     "91110000100000000R,乙,110101,C,,是,\"12,5万\",2,3\n";
  expect_table_error(text, 3, "研发费用金额(万元)", "row 3, column 研发费用金额(万元): '12,5万' is not a number");
  expect_table_error(std::string(chinese_header) + "91350100M000100Y43,甲,440305,C,,是,1,abc,3\n", 2,
                     "营业收入增长率(%)", "row 2, column 营业收入增长率(%): 'abc' is not a number");
  expect_table_error(std::string(chinese_header) + "91350100M000100Y43,甲,440305,C,,是,1,12.5%,3\n", 2,
                     "营业收入增长率(%)", "row 2, column 营业收入增长率(%): '12.5%' is not a number");
  expect_table_error(std::string(chinese_header) + "91350100M000100Y43,甲,440305,C,,是,1,2,nan\n", 2,
                     "与主营业务相关的发明专利申请量", "row 2, column 与主营业务相关的发明专利申请量: 'nan' is not a number");
  expect_table_error(std::string(chinese_header) + "91350100M000100Y43,甲,440305,C,,是,1e999,2,3\n", 2,
                     "研发费用金额(万元)", "row 2, column 研发费用金额(万元): '1e999' is out of the range of a double");
}

TEST(ParseTableCsv, BadCreditCodeNamesTheHeaderAsWritten) {
  expect_table_error(std::string(chinese_header) + "91350100M000100Y44,甲,440305,C,,是,1,2,3\n", 2, "统一社会信用代码",
                     "row 2, column 统一社会信用代码: '91350100M000100Y44': check character is 4, expected 3 (校验位错误)");
  // With English headers the error names the English header.
  expect_table_error("credit_code,name,region_code,rd_expense,revenue_growth,patents\n"
                     "91350100M000100Y43,甲,440305,1,2,3\n"
                     "9.13501E+17,乙,440305,1,2,3\n",
                     3, "credit_code",
                     "row 3, column credit_code: '9.13501E+17': the code has 11 characters, expected 18 (应为18位); it "
                     "looks like a number reformatted by Excel: format the column as text (请将该列设为文本格式)");
}

TEST(ParseTableCsv, BadRegion) {
  expect_table_error(std::string(chinese_header) + "91350100M000100Y43,甲,440399,C,,是,1,2,3\n", 2, "行政区划代码",
                     "row 2, column 行政区划代码: 440399 is not a region code of GB/T 2260 (行政区划代码无效)");
  expect_table_error(std::string(chinese_header) + "91350100M000100Y43,甲,4403,C,,是,1,2,3\n", 2, "行政区划代码",
                     "row 2, column 行政区划代码: '4403' is not a six-digit region code (GB/T 2260, e.g. 440305)");
  expect_table_error(std::string(chinese_header) + "91350100M000100Y43,甲,,C,,是,1,2,3\n", 2, "行政区划代码",
                     "row 2, column 行政区划代码: '' is not a six-digit region code (GB/T 2260, e.g. 440305)");
}

TEST(ParseTableCsv, BadIndustry) {
  expect_table_error(std::string(chinese_header) + "91350100M000100Y43,甲,440305,Z,,是,1,2,3\n", 2, "一级行业",
                     "row 2, column 一级行业: 'Z' is not an industry section: use a letter A-T or a GB/T 4754-2017 "
                     "section name such as 制造业");
}

TEST(ParseTableCsv, BadDateAndFlag) {
  expect_table_error(std::string(chinese_header) + "91350100M000100Y43,甲,440305,C,2023-02-29,是,1,2,3\n", 2,
                     "成立日期", "row 2, column 成立日期: '2023-02-29' is not a calendar date (years 1 to 9999)");
  expect_table_error(std::string(chinese_header) + "91350100M000100Y43,甲,440305,C,2023/2/3,是,1,2,3\n", 2, "成立日期",
                     "row 2, column 成立日期: '2023/2/3' is not a date: write YYYY-MM-DD or YYYYMMDD, e.g. 2015-06-30");
  expect_table_error(std::string(chinese_header) + "91350100M000100Y43,甲,440305,C,,Y,1,2,3\n", 2, "是否入统",
                     "row 2, column 是否入统: 'Y' is not 是 or 否 (1/0 or true/false also work)");
}

TEST(ParseTableCsv, MissingColumnsAreAllListed) {
  expect_table_error("企业名称,研发费用金额\n", 1, "",
                     "row 1: missing columns: 统一社会信用代码 (credit_code), 行政区划代码 (region_code), "
                     "营业收入增长率 (revenue_growth), 与主营业务相关的发明专利申请量 (patents)");
  expect_table_error("", 1, "", "row 1: the file is empty: the first row must name the columns");
}

TEST(ParseTableCsv, UnknownDuplicateAndMismatchedColumns) {
  expect_table_error("credit_code,name,region_code,rd_expense,revenue_growth,patents,备注\n", 1, "备注",
                     "row 1, column 备注: not a column of the template or of model 'test': remove it or use a template "
                     "header");
  expect_table_error("credit_code,name,region_code,rd_expense,revenue_growth,patents,研发费用金额（万元）\n", 1,
                     "研发费用金额（万元）",
                     "row 1, column 研发费用金额（万元）: the same column appears twice (also column 4, 'rd_expense')");
  expect_table_error("credit_code,name,region_code,研发费用金额(元),revenue_growth,patents\n", 1, "研发费用金额(元)",
                     "row 1, column 研发费用金额(元): the unit is 元 but the model expects 万元: convert the column to "
                     "万元 (单位应为万元)");
}

TEST(ParseTableCsv, FullWidthPercentIsPercent) {
  Table t = parse_table_csv(
      "credit_code,name,region_code,rd_expense,营业收入增长率（％）,patents\n91350100M000100Y43,甲,440305,1,2,3\n",
      test_model());
  EXPECT_EQ(t.values(0, 1), 2.0);
}

TEST(ParseTableCsv, WrongFieldCount) {
  expect_table_error("credit_code,name,region_code,rd_expense,revenue_growth,patents\n"
                     "91350100M000100Y43,甲,440305,1,2,3\n"
                     "91110000100000000R,乙,110101,1,2\n",
                     3, "", "row 3: expected 6 fields, found 5");
}

TEST(ParseTableCsv, RowNumbersFollowEmbeddedNewlines) {
  // The first record spans lines 2-3, so the bad record is on line 4.
  expect_table_error("credit_code,name,region_code,rd_expense,revenue_growth,patents\n"
                     "91350100M000100Y43,\"甲\n公司\",440305,1,2,3\n"
                     "91110000100000000R,乙,110101,x,2,3\n",
                     4, "rd_expense", "row 4, column rd_expense: 'x' is not a number");
}

// A base database holds each enterprise once: the second row of a code is
// refused as it is read, before any later row (a bad one here) and before
// the fit. A million rows of one code stop at row 3.
TEST(ParseTableCsv, ARepeatedCodeStopsTheReadAtItsSecondRow) {
  expect_table_error("credit_code,name,region_code,rd_expense,revenue_growth,patents\n"
                     "91350100M000100Y43,甲,440305,1,2,3\n"
                     "91110000100000000R,乙,110101,1,2,3\n"
                     "91350100M000100Y43,丙,440305,1,2,3\n"
                     "91110000100000000R,丁,110101,x,2,3\n",
                     4, "credit_code",
                     "row 4, column credit_code: credit code 91350100M000100Y43 appears again (first at row 2) "
                     "(统一社会信用代码重复)");
  std::string many = "credit_code,name,region_code,rd_expense,revenue_growth,patents\n";
  const std::string line = "91350100M000100Y43,甲,440305,1,2,3\n";
  many.reserve(many.size() + line.size() * 1000000);
  for (int i = 0; i < 1000000; ++i) many += line;
  expect_table_error(many, 3, "credit_code",
                     "row 3, column credit_code: credit code 91350100M000100Y43 appears again (first at row 2) "
                     "(统一社会信用代码重复)");
}

// Small things hostile runs found (docs/hardening.md): a date of year 0
// is named as written; a NUL byte does not cut the message; a huge header
// cell is not echoed whole.
TEST(ParseTableCsv, ErrorsNameWhatWasWrittenAndStayBounded) {
  expect_table_error("credit_code,name,region_code,rd_expense,revenue_growth,patents,founded\n"
                     "91350100M000100Y43,甲,440305,1,2,3,0000-01-01\n",
                     2, "founded", "row 2, column founded: '0000-01-01' is not a calendar date (years 1 to 9999)");
  try {
    parse_table_csv(std::string("credit_code,name,region_code,rd_expense,revenue_growth,patents,na\0me\n", 69),
                    test_model());
    FAIL() << "accepted";
  } catch (const InputError& e) {
    // A NUL byte is not text: the file is refused as UTF-16 or binary.
    EXPECT_EQ(std::string(e.what()).rfind("row 1: the file contains a NUL byte", 0), 0u) << e.what();
  }
  const std::string huge(200000, 'h');
  try {
    parse_table_csv("credit_code,name,region_code,rd_expense,revenue_growth,patents," + huge + "\n", test_model());
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_LT(std::string(e.what()).size(), 20000u);
    EXPECT_NE(std::string(e.what()).find("more bytes)"), std::string::npos);
    EXPECT_LT(e.column().size(), 600u);
  }
}

// GBK, as Excel's plain "CSV" on Chinese Windows saves it, is read as
// uploads read it: detected, or forced; refused only when UTF-8 is forced.
TEST(ParseTableCsv, ReadsGbkLikeUploads) {
  // "企业" in GBK is C6 F3 D2 B5.
  const std::string gbk = "credit_code,name,region_code,rd_expense,revenue_growth,patents\n"
                          "91350100M000100Y43,\xC6\xF3\xD2\xB5,440305,1,2,3\n";
  EXPECT_EQ(parse_table_csv(gbk, test_model()).name[0], "企业");
  CsvReadOptions forced;
  forced.encoding = Encoding::gb18030;
  EXPECT_EQ(parse_table_csv(gbk, test_model(), forced).name[0], "企业");
  CsvReadOptions utf8;
  utf8.encoding = Encoding::utf8;
  expect_table_error_with(gbk, utf8, 2, "",
                          "row 2: the file is not valid UTF-8 here; Excel's plain \"CSV\" on Chinese Windows is GBK: "
                          "read it as GB18030 (--encoding gb18030) or save it as \"CSV UTF-8\" (文件不是UTF-8编码)");
}

TEST(ReadTableCsv, MissingFileIsAnIoError) {
  try {
    read_table_csv("no/such/file.csv", test_model());
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::io);
    EXPECT_STREQ(e.what(), "cannot read no/such/file.csv");
  }
}

// ---------------------------------------------------------------------------
// write_table_csv

std::uint64_t bits(double v) {
  std::uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

std::string code_with_check(std::string first17) { return first17 + credit_code_check_char(first17); }

Table sample_table(const Model& model) {
  TableBuilder builder(model);
  Row a;
  a.credit_code = code_a;
  a.name = "甲公司, \"创新\"\n研究院";
  a.region = 440305;
  a.zone = "深圳高新区";
  a.incubator = "南山孵化器";
  a.industry = "I";
  a.tech_fields = {"电子信息", "新材料"};
  a.qualifications = {"专精特新“小巨人”企业"};
  a.negatives = {"经营异常名录"};
  a.founded = 20080101;
  a.registered = true;
  a.stage = "成长期";
  a.values = {0.1, 1.0 / 3.0, -0.0};
  builder.add(a);

  Row b;
  b.credit_code = code_b;
  b.name = "乙公司";
  b.region = 441900;
  b.industry = "制造业";
  b.tech_fields = {"新材料", "航空航天"};
  b.founded = 19991231;
  b.registered = false;
  b.values = {123456789.123456789, missing_value, 5e-324};
  builder.add(b);

  Row c;
  c.credit_code = code_with_check("91440300MA5DC4YP0");
  c.name = "丙";
  c.region = 110000;
  c.qualifications = {"高新技术企业", "专精特新“小巨人”企业"};
  c.stage = "初创期";
  c.values = {1.7976931348623157e308, -2.5e-10, 42};
  builder.add(c);
  return builder.build();
}

TEST(WriteTableCsv, HeaderAndRows) {
  Model model = test_model();
  std::ostringstream out;
  write_table_csv(out, sample_table(model), model);
  std::string text = out.str();
  EXPECT_EQ(text.substr(0, text.find("\r\n")),
            "统一社会信用代码,企业名称,行政区划代码,国家高新区,孵化器,一级行业,技术领域,企业资质,负面清单,成立日期,"
            "是否入统,发展阶段,研发费用金额(万元),营业收入增长率(%),与主营业务相关的发明专利申请量(件)");
  auto records = parse_csv(text);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[1].fields,
            (Fields{code_a, "甲公司, \"创新\"\n研究院", "440305", "深圳高新区", "南山孵化器", "信息传输、软件和信息技术服务业",
                    "电子信息;新材料", "专精特新“小巨人”企业", "经营异常名录", "2008-01-01", "是", "成长期", "0.1",
                    "0.3333333333333333", "-0"}));
  EXPECT_EQ(records[2].line, 4);  // the name above spans two lines
  EXPECT_EQ(records[2].fields, (Fields{code_b, "乙公司", "441900", "", "", "制造业", "新材料;航空航天", "", "", "1999-12-31",
                                       "否", "", "123456789.12345679", "", "5e-324"}));
}

TEST(WriteTableCsv, RoundTripIsExact) {
  Model model = test_model();
  Table t = sample_table(model);
  std::ostringstream out;
  write_table_csv(out, t, model);
  Table back = parse_table_csv(out.str(), model);

  ASSERT_EQ(back.size(), t.size());
  EXPECT_EQ(back.credit_code, t.credit_code);
  EXPECT_EQ(back.name, t.name);
  EXPECT_EQ(back.region, t.region);
  EXPECT_EQ(back.zones.values(), t.zones.values());
  EXPECT_EQ(back.zone, t.zone);
  EXPECT_EQ(back.incubators.values(), t.incubators.values());
  EXPECT_EQ(back.incubator, t.incubator);
  EXPECT_EQ(back.industry, t.industry);
  EXPECT_EQ(back.tech_field_names.values(), t.tech_field_names.values());
  EXPECT_EQ(back.tech_fields, t.tech_fields);
  EXPECT_EQ(back.qualification_names.values(), t.qualification_names.values());
  EXPECT_EQ(back.qualifications, t.qualifications);
  EXPECT_EQ(back.negative_names.values(), t.negative_names.values());
  EXPECT_EQ(back.negatives, t.negatives);
  EXPECT_EQ(back.founded, t.founded);
  EXPECT_EQ(back.registered, t.registered);
  EXPECT_EQ(back.stage_names.values(), t.stage_names.values());
  EXPECT_EQ(back.stage, t.stage);
  EXPECT_EQ(back.indicator_ids, t.indicator_ids);
  ASSERT_EQ(back.values.rows(), t.values.rows());
  ASSERT_EQ(back.values.cols(), t.values.cols());
  for (Eigen::Index i = 0; i < t.values.rows(); ++i)
    for (Eigen::Index j = 0; j < t.values.cols(); ++j)
      EXPECT_EQ(bits(back.values(i, j)), bits(t.values(i, j))) << i << "," << j;
}

TEST(WriteTableCsv, ModelIndicatorMissingFromTable) {
  Model model = test_model();
  Table t = TableBuilder(std::vector<std::string>{"rd_expense"}).build();
  std::ostringstream out;
  try {
    write_table_csv(out, t, model);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_STREQ(e.what(), "the table has no column for indicator 'revenue_growth' of model 'test'");
  }
}

TEST(ReadTableCsv, ReadsWhatWasWritten) {
  Model model = test_model();
  std::string path = ::testing::TempDir() + "cxjf_csv_test_table.csv";
  {
    std::ofstream file(path, std::ios::binary);
    write_table_csv(file, sample_table(model), model);
  }
  Table back = read_table_csv(path, model);
  EXPECT_EQ(back.size(), 3);
  EXPECT_EQ(back.name[2], "丙");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace cxjf
