#include "cxjf/table.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "cxjf/credit_code.hpp"
#include "cxjf/error.hpp"
#include "testing.hpp"

namespace cxjf {
namespace {

TEST(Industry, NamesOfSections) {
  EXPECT_EQ(industry_name(0), "农、林、牧、渔业");
  EXPECT_EQ(industry_name(2), "制造业");
  EXPECT_EQ(industry_name(8), "信息传输、软件和信息技术服务业");
  EXPECT_EQ(industry_name(12), "科学研究和技术服务业");
  EXPECT_EQ(industry_name(19), "国际组织");
  EXPECT_THROW(industry_name(20), Error);
  EXPECT_THROW(industry_name(-1), Error);
}

TEST(Industry, IndexOfLetterOrName) {
  EXPECT_EQ(industry_index("A"), 0);
  EXPECT_EQ(industry_index("C"), 2);
  EXPECT_EQ(industry_index("c"), 2);
  EXPECT_EQ(industry_index("T"), 19);
  EXPECT_EQ(industry_index("制造业"), 2);
  EXPECT_EQ(industry_index("国际组织"), 19);
  EXPECT_EQ(industry_index("U"), -1);
  EXPECT_EQ(industry_index("CC"), -1);
  EXPECT_EQ(industry_index(""), -1);
  EXPECT_EQ(industry_index("制造"), -1);
  for (int i = 0; i < industry_count; ++i) EXPECT_EQ(industry_index(industry_name(i)), i);
}

// Valid codes, check characters worked out in credit_code_test.cpp.
constexpr const char* code_a = "91350100M000100Y43";
constexpr const char* code_b = "91110000100000000R";

Row make_row(std::string code, std::int32_t region, std::vector<double> values) {
  Row row;
  row.credit_code = std::move(code);
  row.name = "企业";
  row.region = region;
  row.values = std::move(values);
  return row;
}

TEST(TableBuilder, BuildsColumns) {
  TableBuilder builder(std::vector<std::string>{"x", "y"});
  Row a = make_row("91350100m000100y43", 440305, {1, 2});
  a.zone = "深圳高新区";
  a.industry = "M";
  a.tech_fields = {"电子信息", "新材料", "电子信息"};
  a.founded = 20160229;
  a.stage = "成长期";
  builder.add(a);
  Row b = make_row(code_b, 110101, {3, missing_value});
  b.zone = "中关村";
  b.incubator = "孵化器甲";
  b.industry = "制造业";
  b.tech_fields = {"新材料", "生物与新医药"};
  b.qualifications = {"高新技术企业"};
  b.negatives = {"经营异常名录"};
  b.registered = false;
  builder.add(b);
  Row c = make_row(code_a, 440000, {5, 6});
  c.zone = "深圳高新区";
  c.stage = "成长期";
  builder.add(c);
  EXPECT_EQ(builder.size(), 3);

  Table t = builder.build();
  ASSERT_EQ(t.size(), 3);
  EXPECT_EQ(t.credit_code[0], code_a);  // normalized
  EXPECT_EQ(t.region, (std::vector<std::int32_t>{440305, 110101, 440000}));
  EXPECT_EQ(t.zones.values(), (std::vector<std::string>{"深圳高新区", "中关村"}));
  EXPECT_EQ(t.zone, (std::vector<std::int32_t>{0, 1, 0}));
  EXPECT_EQ(t.incubator, (std::vector<std::int32_t>{-1, 0, -1}));
  EXPECT_EQ(t.industry, (std::vector<std::int8_t>{12, 2, -1}));
  // 电子信息 = bit 0, 新材料 = bit 1, 生物与新医药 = bit 2.
  EXPECT_EQ(t.tech_fields, (std::vector<std::uint32_t>{0b011, 0b110, 0}));
  EXPECT_EQ(t.qualifications, (std::vector<std::uint32_t>{0, 1, 0}));
  EXPECT_EQ(t.negatives, (std::vector<std::uint32_t>{0, 1, 0}));
  EXPECT_EQ(t.founded, (std::vector<std::int32_t>{20160229, 0, 0}));
  EXPECT_EQ(t.registered, (std::vector<std::uint8_t>{1, 0, 1}));
  EXPECT_EQ(t.stage_names.values(), (std::vector<std::string>{"成长期"}));
  EXPECT_EQ(t.stage, (std::vector<std::int32_t>{0, -1, 0}));

  ASSERT_EQ(t.values.rows(), 3);
  ASSERT_EQ(t.values.cols(), 2);
  // Column-major: column x is 1 3 5, then column y is 2 NaN 6.
  const double* data = t.values.data();
  EXPECT_EQ(data[0], 1);
  EXPECT_EQ(data[1], 3);
  EXPECT_EQ(data[2], 5);
  EXPECT_EQ(data[3], 2);
  EXPECT_TRUE(std::isnan(data[4]));
  EXPECT_EQ(data[5], 6);

  EXPECT_EQ(t.indicator_column("x"), 0);
  EXPECT_EQ(t.indicator_column("y"), 1);
  EXPECT_EQ(t.indicator_column("z"), -1);
}

TEST(TableBuilder, RowGivesTheRowBack) {
  TableBuilder builder(std::vector<std::string>{"x"});
  Row a = make_row(code_a, 440305, {7.5});
  a.zone = "深圳高新区";
  a.incubator = "孵化器甲";
  a.industry = "制造业";
  a.tech_fields = {"新材料", "电子信息"};
  a.qualifications = {"瞪羚企业"};
  a.negatives = {"科研失信行为"};
  a.founded = 20000101;
  a.registered = false;
  a.stage = "稳定期";
  builder.add(a);
  Table t = builder.build();
  Row r = t.row(0);
  EXPECT_EQ(r.credit_code, code_a);
  EXPECT_EQ(r.name, "企业");
  EXPECT_EQ(r.region, 440305);
  EXPECT_EQ(r.zone, "深圳高新区");
  EXPECT_EQ(r.incubator, "孵化器甲");
  EXPECT_EQ(r.industry, "C");
  EXPECT_EQ(r.tech_fields, (std::vector<std::string>{"新材料", "电子信息"}));
  EXPECT_EQ(r.qualifications, (std::vector<std::string>{"瞪羚企业"}));
  EXPECT_EQ(r.negatives, (std::vector<std::string>{"科研失信行为"}));
  EXPECT_EQ(r.founded, 20000101);
  EXPECT_FALSE(r.registered);
  EXPECT_EQ(r.stage, "稳定期");
  EXPECT_EQ(r.values, (std::vector<double>{7.5}));
  EXPECT_THROW(t.row(1), Error);
  EXPECT_THROW(t.row(-1), Error);
}

TEST(TableBuilder, ModelConstructorTakesIndicatorIds) {
  Model model;
  Indicator a;
  a.id = "rd_expense";
  Indicator b;
  b.id = "revenue";
  model.indicators = {a, b};
  TableBuilder builder(model);
  builder.add(make_row(code_a, 440305, {1, 2}));
  Table t = builder.build();
  EXPECT_EQ(t.indicator_ids, (std::vector<std::string>{"rd_expense", "revenue"}));
}

TEST(TableBuilder, EmptyBuild) {
  TableBuilder builder(std::vector<std::string>{"x", "y"});
  Table t = builder.build();
  EXPECT_EQ(t.size(), 0);
  EXPECT_EQ(t.values.rows(), 0);
  EXPECT_EQ(t.values.cols(), 2);
}

TEST(TableBuilder, IsEmptyAfterBuildAndReusable) {
  TableBuilder builder(std::vector<std::string>{"x"});
  builder.add(make_row(code_a, 440305, {1}));
  Table first = builder.build();
  EXPECT_EQ(builder.size(), 0);
  builder.add(make_row(code_b, 110101, {2}));
  Table second = builder.build();
  ASSERT_EQ(second.size(), 1);
  EXPECT_EQ(second.credit_code[0], code_b);
  EXPECT_EQ(second.values(0, 0), 2);
  EXPECT_EQ(first.values(0, 0), 1);
}

TEST(TableBuilder, DuplicateIndicatorIds) {
  EXPECT_THROW(TableBuilder(std::vector<std::string>{"x", "y", "x"}), Error);
}

void expect_add_error(TableBuilder& builder, const Row& row, std::int64_t source_row, std::int64_t error_row,
                      const std::string& column, const std::string& what) {
  auto before = builder.size();
  try {
    builder.add(row, source_row);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.row(), error_row);
    EXPECT_EQ(e.column(), column);
    EXPECT_EQ(e.what(), what);
  }
  EXPECT_EQ(builder.size(), before);
}

TEST(TableBuilder, RowErrors) {
  TableBuilder builder(std::vector<std::string>{"x", "y"});
  builder.add(make_row(code_a, 440305, {1, 2}));
  // Without a source row, the row's own position (the second row) is named.
  expect_add_error(builder, make_row("91350100M000100Y44", 440305, {1, 2}), 0, 2, "统一社会信用代码",
                   "row 2, column 统一社会信用代码: '91350100M000100Y44': check character is 4, expected 3 (校验位错误)");
  expect_add_error(builder, make_row(code_b, 440399, {1, 2}), 17, 17, "行政区划代码",
                   "row 17, column 行政区划代码: 440399 is not a region code of GB/T 2260 (行政区划代码无效)");
  Row industry = make_row(code_b, 110101, {1, 2});
  industry.industry = "U";
  expect_add_error(builder, industry, 5, 5, "一级行业",
                   "row 5, column 一级行业: 'U' is not an industry section: use a letter A-T or a GB/T 4754-2017 section "
                   "name such as 制造业");
  Row date = make_row(code_b, 110101, {1, 2});
  date.founded = 20230431;
  expect_add_error(builder, date, 6, 6, "成立日期", "row 6, column 成立日期: 2023-04-31 is not a calendar date");
  date.founded = 19000229;  // 1900 is not a leap year
  expect_add_error(builder, date, 6, 6, "成立日期", "row 6, column 成立日期: 1900-02-29 is not a calendar date");
  expect_add_error(builder, make_row(code_b, 110101, {1}), 7, 7, "", "row 7: expected 2 indicator values, found 1");
  expect_add_error(builder, make_row(code_b, 110101, {1, HUGE_VAL}), 8, 8, "y",
                   "row 8, column y: the value is infinite; leave the cell empty when it is missing");
  date.founded = 20000229;  // 2000 is
  builder.add(date);
  EXPECT_EQ(builder.size(), 2);
}

TEST(TableBuilder, AtMost32ValuesPerMultiValuedField) {
  TableBuilder builder(std::vector<std::string>{});
  Row row = make_row(code_a, 440305, {});
  for (int i = 0; i < 30; ++i) row.qualifications.push_back("资质" + std::to_string(i));
  builder.add(row);
  // 30 known + 2 new = 32: fine. A repeat of a new value counts once.
  row.qualifications = {"资质0", "资质30", "资质31", "资质30"};
  builder.add(row);
  // A 33rd distinct value is refused, and nothing of the row is kept.
  row.qualifications = {"资质1", "资质32"};
  row.zone = "新园区";
  expect_add_error(builder, row, 40, 40, "企业资质",
                   "row 40, column 企业资质: '资质32' would be distinct value 33 of this column; a table holds at most "
                   "32 (最多32种)");
  Table t = builder.build();
  EXPECT_EQ(t.qualification_names.size(), 32);
  EXPECT_EQ(t.zones.size(), 0);
  EXPECT_EQ(t.qualifications[1], (1u << 0) | (1u << 30) | (1u << 31));
}

// concatenate() gives the table one builder would, given the parts' rows in
// order: dictionaries renumbered by first appearance.
TEST(Concatenate, EqualsOneBuilderOverAllRows) {
  const Model& model = default_model();
  std::vector<Row> rows;
  for (int k = 0; k < 9; ++k) {
    Row row;
    row.credit_code = cxjf::testing::credit_code(k + 1);
    row.name = "企业" + std::to_string(k);
    row.region = 110101;
    row.zone = k % 3 == 0 ? "" : "园区" + std::to_string(k % 4);
    row.qualifications = {"资质" + std::to_string(k % 5), "资质" + std::to_string((k + 2) % 5)};
    row.stage = k % 2 ? "成长期" : "";
    row.values.assign(model.indicators.size(), k * 1.5);
    rows.push_back(row);
  }
  TableBuilder whole(model);
  for (const Row& row : rows) whole.add(row);
  const Table expected = whole.build();
  std::vector<Table> parts;
  for (auto [from, to] : {std::pair{0, 0}, std::pair{0, 4}, std::pair{4, 5}, std::pair{5, 9}}) {
    TableBuilder part(model);
    for (int k = from; k < to; ++k) part.add(rows[static_cast<std::size_t>(k)]);
    parts.push_back(part.build());
  }
  const Table joined = concatenate(std::move(parts));
  ASSERT_EQ(joined.size(), expected.size());
  for (std::int64_t i = 0; i < joined.size(); ++i) {
    const Row a = joined.row(i), b = expected.row(i);
    EXPECT_EQ(a.credit_code, b.credit_code);
    EXPECT_EQ(a.zone, b.zone);
    EXPECT_EQ(a.qualifications, b.qualifications);
    EXPECT_EQ(a.stage, b.stage);
    EXPECT_EQ(a.values, b.values);
  }
  EXPECT_EQ(joined.zones.values(), expected.zones.values());
  EXPECT_EQ(joined.qualification_names.values(), expected.qualification_names.values());
  EXPECT_EQ(joined.qualifications, expected.qualifications);
  EXPECT_EQ(joined.stage_names.values(), expected.stage_names.values());
}

TEST(Concatenate, RefusesAnInconsistentPart) {
  Table bad = cxjf::testing::table_of(default_model(), {std::vector<double>(default_model().indicators.size(), 1.0)});
  bad.zone[0] = 7;  // no zone 7 in its dictionary
  std::vector<Table> parts;
  parts.push_back(std::move(bad));
  EXPECT_THROW(concatenate(std::move(parts)), Error);
}

}  // namespace
}  // namespace cxjf
