#include "cxjf/upload.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cxjf/credit_code.hpp"
#include "cxjf/csv.hpp"
#include "cxjf/error.hpp"
#include "testing.hpp"

namespace cxjf {
namespace {

// Valid credit codes; check characters worked out with the GB 32100 weights.
constexpr const char* code_a = "91440300MA5FKX2P12";
constexpr const char* code_b = "91110108MA01C3UL1G";
constexpr const char* code_c = "91320500MA1MXQ8U2N";
constexpr const char* code_d = "91350102MA2XY00014";

// Three scored indicators (万元, %, 件), revenue read by the stage rule, and a
// spare input-only indicator nothing needs.
std::string model_json(
    const std::string& stage_rule = R"({"basis": "revenue", "indicator": "revenue", "bounds": []})") {
  return R"({"id": "u", "name": "upload test", "description": "hand-made",
    "list_threshold": 7,
    "scale": {"base_max": 10, "bonus_max": 0, "total_max": 10, "decimals": 2},
    "categories": [{"id": "c", "name_zh": "类", "name_en": "C"}],
    "stages": [{"id": "all", "name_zh": "全部", "name_en": "All"}],
    "stage_rule": )" + stage_rule + R"(,
    "peer_groups": {"chain": [[]], "min_size": 1},
    "grades": [{"id": "A", "min": 8}, {"id": "C", "min": 0}],
    "indicators": [
      {"id": "rd_expense", "name_zh": "研发费用金额", "name_en": "R&D expense", "unit": "万元",
       "category": "c", "method": "percentile", "weights": {"all": 4}},
      {"id": "rd_intensity", "name_zh": "研发费用占营业收入的比例", "name_en": "R&D intensity", "unit": "%",
       "category": "c", "method": "percentile", "weights": {"all": 3}},
      {"id": "patents", "name_zh": "发明专利申请量", "name_en": "Patents", "unit": "件",
       "category": "c", "method": "percentile", "weights": {"all": 3}},
      {"id": "revenue", "name_zh": "营业收入", "name_en": "Revenue", "unit": "万元", "method": "percentile"},
      {"id": "spare", "name_zh": "备用指标", "name_en": "Spare", "unit": "个", "method": "percentile"}]})";
}

const Model& model() {
  static const Model m = Model::from_json(model_json());
  return m;
}

enum : int { rd_expense, rd_intensity, patents, revenue, spare };

// The required columns; tests append cells after the region code.
const std::string header = "统一社会信用代码,企业名称,行政区划代码,研发费用金额(万元),研发费用占营业收入的比例(%),"
                           "发明专利申请量(件),营业收入(万元)";

Upload read(const std::string& text) { return read_upload(text, model()); }

double value(const Upload& u, std::int64_t row, int indicator) { return u.table.values(row, indicator); }

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string fixture(const std::string& name) { return std::string(CXJF_SOURCE_DIR) + "/tests/data/" + name; }

// Asserts that `call` throws InputError with this row and full message.
template <class Call>
void expect_input_error(Call call, std::int64_t row, const std::string& message) {
  try {
    call();
    ADD_FAILURE() << "no InputError; expected: " << message;
  } catch (const InputError& e) {
    EXPECT_EQ(e.row(), row);
    EXPECT_EQ(std::string(e.what()), message);
  }
}

void expect_error(const CellError& e, std::int64_t row, const std::string& column, const std::string& raw,
                  const std::string& en, const std::string& zh) {
  EXPECT_EQ(e.row, row);
  EXPECT_EQ(e.column, column);
  EXPECT_EQ(e.raw, raw);
  EXPECT_EQ(e.reason_en, en);
  EXPECT_EQ(e.reason_zh, zh);
}

// ---------------------------------------------------------------------------
// Encodings.

TEST(UploadEncoding, Names) {
  EXPECT_STREQ(encoding_name(Encoding::automatic), "auto");
  EXPECT_STREQ(encoding_name(Encoding::utf8), "utf-8");
  EXPECT_STREQ(encoding_name(Encoding::gb18030), "gb18030");
  EXPECT_EQ(encoding_from_name("AUTO"), Encoding::automatic);
  EXPECT_EQ(encoding_from_name("UTF-8"), Encoding::utf8);
  EXPECT_EQ(encoding_from_name("utf8"), Encoding::utf8);
  EXPECT_EQ(encoding_from_name("GB18030"), Encoding::gb18030);
  EXPECT_EQ(encoding_from_name("gbk"), Encoding::gb18030);
  EXPECT_EQ(encoding_from_name("GB2312"), Encoding::gb18030);
  try {
    encoding_from_name("latin1");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_EQ(std::string(e.what()),
              "unknown encoding 'latin1': use auto, utf-8 or gb18030 (gbk and gb2312 are read as gb18030) (未知编码 "
              "'latin1'：请用 auto、utf-8 或 gb18030)");
  }
}

// The fixtures hold the same rows, one saved as Excel's "CSV UTF-8" (with a
// byte-order mark), one as Excel's plain "CSV" on Chinese Windows (GB18030).
// Their rows, worked out by hand:
//   2  code_a, 440305, C 制造业, two qualifications, 2016/3/15, 1,234.5 | 12.5% | ７ | 8,000
//   3  code_b in full-width letters, 110108, I, 2019-07-01, ８８．５ | 3.2% | — | 1,500
//   4  code_c, 320505, 制造业, 20120520, 无 | ８．０％ | 12 | 20,500.25
//   5  9.13501E+17: rejected, Excel mangled the code
//   6  code_d, 350102, 信息传输、软件和信息技术服务业, 2020年5月8日, 12,5万 (bad) | 6.5% | 3 | 1,200
void expect_fixture_rows(const Upload& u) {
  EXPECT_EQ(u.rows_read, 5);
  ASSERT_EQ(u.table.size(), 4);
  EXPECT_EQ(u.source_row, (std::vector<std::int64_t>{2, 3, 4, 6}));
  EXPECT_EQ(u.table.credit_code, (std::vector<std::string>{code_a, code_b, code_c, code_d}));
  EXPECT_EQ(u.table.name[0], "深圳市南山创新科技有限公司");
  EXPECT_EQ(u.table.name[3], "福州鼓楼数字科技有限公司");
  EXPECT_EQ(u.table.region, (std::vector<std::int32_t>{440305, 110108, 320505, 350102}));
  EXPECT_EQ(u.table.industry, (std::vector<std::int8_t>{2, 8, 2, 8}));
  EXPECT_EQ(u.table.founded, (std::vector<std::int32_t>{20160315, 20190701, 20120520, 20200508}));
  EXPECT_EQ(u.table.zones[u.table.zone[0]], "深圳市高新技术产业园区");
  EXPECT_EQ(u.table.row(0).qualifications, (std::vector<std::string>{"高新技术企业", "专精特新“小巨人”企业"}));
  EXPECT_EQ(u.table.row(3).qualifications, (std::vector<std::string>{"创新型中小企业", "瞪羚企业"}));
  EXPECT_EQ(value(u, 0, rd_expense), 1234.5);
  EXPECT_EQ(value(u, 1, rd_expense), 88.5);
  EXPECT_TRUE(std::isnan(value(u, 2, rd_expense)));
  EXPECT_TRUE(std::isnan(value(u, 3, rd_expense)));
  EXPECT_EQ(value(u, 0, rd_intensity), 12.5);
  EXPECT_EQ(value(u, 1, rd_intensity), 3.2);
  EXPECT_EQ(value(u, 2, rd_intensity), 8.0);
  EXPECT_EQ(value(u, 3, rd_intensity), 6.5);
  EXPECT_EQ(value(u, 0, patents), 7);
  EXPECT_TRUE(std::isnan(value(u, 1, patents)));
  EXPECT_EQ(value(u, 2, patents), 12);
  EXPECT_EQ(value(u, 0, revenue), 8000);
  EXPECT_EQ(value(u, 2, revenue), 20500.25);
  EXPECT_TRUE(std::isnan(value(u, 0, spare)));  // no column: missing
  EXPECT_EQ(u.bad_indicators, (std::vector<std::uint64_t>{0, 0, 0, 1u << rd_expense}));
  ASSERT_EQ(u.rejected.size(), 1u);
  EXPECT_EQ(u.rejected[0].row, 5);
  EXPECT_EQ(u.rejected[0].credit_code, "9.13501E+17");
  EXPECT_EQ(u.rejected[0].name, "福建某某电子有限公司");
  ASSERT_EQ(u.errors.size(), 2u);
  EXPECT_EQ(u.errors[0].row, 5);
  EXPECT_EQ(u.errors[0].column, "统一社会信用代码");
  expect_error(u.errors[1], 6, "研发费用金额（万元）", "12,5万",
               "'12,5万' is not a number: write the number in the unit of the header (e.g. 1234.5), or with one of the units 元, 万元, 亿元, %, ‰ after it; leave the "
               "cell empty or write — when there is no value; the cell is treated as missing",
               "“12,5万”不是数字：请填写数字，单位以表头为准（如1234.5），或在数字后写明单位元、万元、亿元、%、‰；没有数据请留空或填“—”；本格按缺失处理");
  EXPECT_EQ(u.unknown_columns, (std::vector<std::string>{"备注"}));
}

TEST(UploadEncoding, Gb18030AndUtf8WithBomGiveIdenticalTables) {
  std::string gb = read_all(fixture("upload_gb18030.csv"));
  std::string bom = read_all(fixture("upload_utf8_bom.csv"));
  ASSERT_FALSE(gb.empty());
  ASSERT_EQ(bom.substr(0, 3), "\xEF\xBB\xBF");
  Upload from_gb = read(gb);
  Upload from_bom = read(bom);
  EXPECT_EQ(from_gb.encoding, Encoding::gb18030);
  EXPECT_EQ(from_bom.encoding, Encoding::utf8);
  expect_fixture_rows(from_gb);
  expect_fixture_rows(from_bom);
  for (std::int64_t i = 0; i < from_gb.table.size(); ++i) {
    Row a = from_gb.table.row(i), b = from_bom.table.row(i);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.zone, b.zone);
    EXPECT_EQ(a.industry, b.industry);
    EXPECT_EQ(a.qualifications, b.qualifications);
  }
  EXPECT_EQ(from_gb.rejected[0].reason_en, from_bom.rejected[0].reason_en);
  EXPECT_EQ(from_gb.rejected[0].reason_zh, from_bom.rejected[0].reason_zh);

  // Forcing the right encoding reads the same; forcing the wrong one fails
  // on the header, the first row with Chinese text.
  expect_fixture_rows(read_upload(gb, model(), Encoding::gb18030));
  expect_fixture_rows(read_upload(bom, model(), Encoding::utf8));
  expect_input_error([&] { read_upload(gb, model(), Encoding::utf8); }, 1,
                     "row 1: the file is not valid UTF-8 here; Excel's plain \"CSV\" on Chinese Windows is GBK: "
                     "read it as GB18030 (--encoding gb18030) or save it as \"CSV UTF-8\" (文件不是UTF-8编码)");
  expect_input_error([&] { read_upload(bom, model(), Encoding::gb18030); }, 1,
                     "row 1: GB18030 was requested but the file starts with a UTF-8 byte-order mark: it is UTF-8; "
                     "read it with automatic detection (文件为UTF-8编码，请勿指定GB18030)");
}

TEST(UploadEncoding, PlainUtf8WithoutBom) {
  Upload u = read(header + "\n" + code_a + ",甲,440305,1,2,3,4\n");
  EXPECT_EQ(u.encoding, Encoding::utf8);
  EXPECT_EQ(u.table.name[0], "甲");
}

TEST(UploadEncoding, UndecodableTextNamesTheRow) {
  // 0xFF starts no character in UTF-8 or GB18030; it is on row 3, after
  // two rows of ASCII, which both encodings read alike.
  std::string text = "credit_code,name,region_code,rd_expense,rd_intensity,patents,revenue\r\n" + std::string(code_a) +
                     ",A,440305,1,2,3,4\r\n" + code_b + ",\xFF,110108,1,2,3,4\r\n";
  expect_input_error([&] { read(text); }, 3,
                     "row 3: the file is not valid UTF-8 here, nor is it GB18030 (GBK): it may be damaged or in "
                     "another encoding; save it from Excel as \"CSV UTF-8 (Comma delimited)\" (此处不是有效的UTF-8编码，"
                     "文件也不是GB18030编码：请另存为“CSV UTF-8（逗号分隔）”)");
  // Forced GB18030 names the place where GB18030 breaks.
  UploadOptions gb;
  gb.encoding = Encoding::gb18030;
  expect_input_error([&] { read_upload(text, default_model(), gb); }, 3,
                     "row 3: the text is neither UTF-8 nor GB18030 (GBK): the file may be damaged or in another "
                     "encoding; save it from Excel as \"CSV UTF-8 (Comma delimited)\" (无法识别文件编码：请另存为“CSV "
                     "UTF-8（逗号分隔）”)");
}

TEST(UploadEncoding, DamagedOldAndEncryptedWorkbooksAndUtf16AreNamed) {
  expect_input_error([] { read(std::string("PK\x03\x04rest", 8)); }, 0,
                     "the workbook is damaged or incomplete: its archive cannot be read (Not a zip archive); save it "
                     "again from Excel or LibreOffice and upload it whole (工作簿已损坏或不完整，无法读取：请用Excel或WPS"
                     "重新保存后完整上传)");
  const std::string compound("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  expect_input_error([&] { read(compound + std::string(504, '\0')); }, 0,
                     "this is an Excel 97-2003 workbook (.xls), which cxjf does not read: in Excel choose Save As, "
                     "\"Excel Workbook (*.xlsx)\" or \"CSV UTF-8\", and upload that file (这是旧版.xls工作簿：请另存为"
                     ".xlsx或“CSV UTF-8（逗号分隔）”后上传)");
  // Excel stores a workbook with a password as a compound file holding the
  // stream "EncryptedPackage" (MS-OFFCRYPTO), named in UTF-16LE.
  std::string encrypted = compound + std::string(120, '\0');
  for (char c : std::string("EncryptedPackage")) encrypted += std::string{c, '\0'};
  expect_input_error([&] { read(encrypted); }, 0,
                     "the workbook is protected by a password: remove the password (File > Info > Protect Workbook) "
                     "and save it again (工作簿设有密码，请取消密码后重新保存)");
  expect_input_error([] { read(std::string("\xFF\xFEs\0", 4)); }, 0,
                     "the file is UTF-16 (Excel's \"Unicode Text\"), not CSV: save it as \"CSV UTF-8 (Comma "
                     "delimited)\" (文件为UTF-16编码：请另存为“CSV UTF-8（逗号分隔）”)");
}

// ---------------------------------------------------------------------------
// Headers.

TEST(UploadHeader, NamesWithAndWithoutUnitsBracketsSpacesOrIds) {
  // U+3000 and ASCII spaces around and inside, full-width brackets, no unit,
  // English ids.
  std::string text = std::string("\xE3\x80\x80统一社会信用代码 ,企业 名称,region_code,研发费用金额 （ 万元 ）,") +
                     "研发费用占营业收入的比例,patents,营业收入\xE3\x80\x80(万元)\n" + code_a + ",甲,440305,1,2,3,4\n";
  Upload u = read(text);
  ASSERT_EQ(u.table.size(), 1);
  EXPECT_EQ(value(u, 0, rd_expense), 1);
  EXPECT_EQ(value(u, 0, rd_intensity), 2);
  EXPECT_EQ(value(u, 0, patents), 3);
  EXPECT_EQ(value(u, 0, revenue), 4);
  EXPECT_TRUE(u.unknown_columns.empty());
}

TEST(UploadHeader, UnknownColumnsAreListedAndIgnored) {
  // 是否入统 is a template column of the table format, not unknown; a blank
  // header is listed only when some row has data under it.
  std::string text = "备注," + header + ",联系人,是否入统,,\n" + "很好," + code_a + ",甲,440305,1,2,3,4,张三,否,,x\n";
  Upload u = read(text);
  ASSERT_EQ(u.table.size(), 1);
  EXPECT_EQ(u.table.name[0], "甲");
  EXPECT_EQ(u.unknown_columns,
            (std::vector<std::string>{"备注", "联系人", "(column 12 has no header / 第12列无表头)"}));
}

TEST(UploadHeader, MissingColumnsAreAllListed) {
  // Without 行政区划代码, 发明专利申请量 (scored) and 营业收入 (the stage rule's);
  // 备用指标 is needed by nothing and may be left out.
  expect_input_error([] { read("统一社会信用代码,企业名称,研发费用金额,研发费用占营业收入的比例\n"); }, 1,
                     "row 1: missing columns: 行政区划代码 (region_code), 发明专利申请量(件) (patents), 营业收入(万元) "
                     "(revenue); add them with the template's headers (缺少必需的列：行政区划代码、发明专利申请量(件)、"
                     "营业收入(万元)；请按模板补齐)");
}

TEST(UploadHeader, TitleRowsAboveTheHeaderAreSkipped) {
  // Two title rows and a blank one: the header is row 4, the data row 5.
  Upload u = read("企业创新积分测算表,,,\n填报单位：某区科技局\n\n" + header + "\n" + code_a + ",甲,440305,1,2,3,4\n");
  EXPECT_EQ(u.header_row, 4);
  ASSERT_EQ(u.table.size(), 1);
  EXPECT_EQ(u.source_row[0], 5);
  EXPECT_EQ(u.rows_read, 1);
  EXPECT_EQ(value(u, 0, revenue), 4);
}

TEST(UploadHeader, TheHeaderRowCanBeGiven) {
  UploadOptions options;
  options.header_row = 2;
  Upload u = read_upload("标题,,,\n" + header + "\n" + code_a + ",甲,440305,1,2,3,4\n", model(), options);
  EXPECT_EQ(u.header_row, 2);
  ASSERT_EQ(u.table.size(), 1);
  options.header_row = 9;
  expect_input_error([&] { read_upload(header + "\n", model(), options); }, 9,
                     "row 9: row 9, given as the header, is empty (指定的表头行为空)");
}

TEST(UploadHeader, ATitleRowInsteadOfTheHeaderIsNamed) {
  // No row names three template columns: the first row is taken for the
  // header, and the message says what a header must hold.
  expect_input_error([] { read("企业创新积分测算表,,,\n代码,名称\n"); }, 1,
                     "row 1: no cell of this row is a column of the template: the header row must hold the template's "
                     "column names (cxjf template); if the header is further down, say which row it is (表头行应为模板"
                     "列名，表头不在此行时请指定表头行号); missing columns: 统一社会信用代码 (credit_code), "
                     "企业名称 (name), 行政区划代码 (region_code), 研发费用金额(万元) (rd_expense), "
                     "研发费用占营业收入的比例(%) (rd_intensity), 发明专利申请量(件) (patents), 营业收入(万元) (revenue); "
                     "add them with the template's headers (缺少必需的列：统一社会信用代码、企业名称、行政区划代码、"
                     "研发费用金额(万元)、研发费用占营业收入的比例(%)、发明专利申请量(件)、营业收入(万元)；请按模板补齐)");
}

TEST(UploadHeader, StageColumnsTheStageRuleNeeds) {
  // A model taking the stage from the data needs 发展阶段; one assigning it by
  // age needs 成立日期 or 发展阶段.
  Model by_data = Model::from_json(model_json(R"({"basis": "data"})"));
  Model by_age = Model::from_json(model_json(R"({"basis": "age", "as_of": "2024-12-31", "bounds": []})"));
  std::string text = header + "\n";
  expect_input_error([&] { read_upload(text, by_data); }, 1,
                     "row 1: missing columns: 发展阶段 (stage); add them with the template's headers (缺少必需的列："
                     "发展阶段；请按模板补齐)");
  expect_input_error([&] { read_upload(text, by_age); }, 1,
                     "row 1: missing columns: 成立日期 or 发展阶段 (founded or stage); add them with the template's "
                     "headers (缺少必需的列：成立日期或发展阶段；请按模板补齐)");
  EXPECT_NO_THROW(read_upload(header + ",成立日期\n", by_age));
  EXPECT_NO_THROW(read_upload(header + ",发展阶段\n", by_age));
}

TEST(UploadHeader, AColumnNamedTwiceIsRefused) {
  expect_input_error([] { read(header + ",rd_expense\n"); }, 1,
                     "row 1, column rd_expense: the same column appears twice (also column 4, '研发费用金额(万元)'): "
                     "delete one of them (该列重复，请删除其中一列)");
}

TEST(UploadHeader, AmountUnitsAreConverted) {
  // 元 -> 万元 divides by 10,000, 亿元 -> 万元 multiplies by 10,000, both
  // rounded once from the decimal text.
  std::string text = "统一社会信用代码,企业名称,行政区划代码,研发费用金额(元),研发费用占营业收入的比例(％),"
                     "发明专利申请量,营业收入(亿元)\n" +
                     std::string(code_a) + ",甲,440305,12345,2,3,1.5\n" + code_b +
                     ",乙,110108,\"1,234,500\",2,3,0.00012345\n";
  Upload u = read(text);
  ASSERT_EQ(u.table.size(), 2);
  EXPECT_EQ(value(u, 0, rd_expense), 1.2345);
  EXPECT_EQ(value(u, 0, revenue), 15000);
  EXPECT_EQ(value(u, 1, rd_expense), 123.45);
  EXPECT_EQ(value(u, 1, revenue), 1.2345);
}

TEST(UploadHeader, AUnitThatCannotBeConvertedIsRefused) {
  expect_input_error(
      [] {
        read("统一社会信用代码,企业名称,行政区划代码,研发费用金额(件),研发费用占营业收入的比例,发明专利申请量,营业收入\n");
      },
      1,
      "row 1, column 研发费用金额(件): the unit is 件 but the model's 研发费用金额 is in 万元: write the column in 万元 "
      "and correct the header (元, 万元 and 亿元 are converted) (单位“件”与模型单位“万元”不符：请换算为万元并修改表头)");
  expect_input_error(
      [] {
        read("统一社会信用代码,企业名称,行政区划代码,研发费用金额,研发费用占营业收入的比例,发明专利申请量(万元),营业收入\n");
      },
      1,
      "row 1, column 发明专利申请量(万元): the unit is 万元 but the model's 发明专利申请量 is in 件: write the column in "
      "件 and correct the header (元, 万元 and 亿元 are converted) (单位“万元”与模型单位“件”不符：请换算为件并修改表头)");
}

// ---------------------------------------------------------------------------
// Values.

// One row per cell in `cells`, each in column `indicator` (the others 0),
// code_a..code_d reused in turn (duplicates are the estimator's business).
Upload column_of(const std::vector<std::string>& cells, int indicator) {
  const char* codes[] = {code_a, code_b, code_c, code_d};
  std::string text = header + "\n";
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::string values[4] = {"0", "0", "0", "0"};
    values[indicator] = cells[i];
    text += std::string(codes[i % 4]) + ",甲,440305";
    for (const auto& v : values) text += "," + csv_field(v);
    text += "\n";
  }
  return read(text);
}

TEST(UploadValue, NumbersAsPeopleTypeThem) {
  Upload u = column_of({"1,234.5", "１２３．５", "\xE3\x80\x80 12 \xE3\x80\x80", "-1,234,567", "+3", "1.5e3",
                        "１，２３４", "－７"},
                       rd_expense);
  ASSERT_EQ(u.table.size(), 8);
  EXPECT_TRUE(u.errors.empty());
  const double expected[] = {1234.5, 123.5, 12, -1234567, 3, 1500, 1234, -7};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(value(u, i, rd_expense), expected[i]) << i;
}

TEST(UploadValue, NoneMarkersAreMissing) {
  Upload u = column_of({"", "—", "——", "-", "/", "／", "无", " 无 ", "－"}, patents);
  ASSERT_EQ(u.table.size(), 9);
  EXPECT_TRUE(u.errors.empty());
  for (int i = 0; i < 9; ++i) EXPECT_TRUE(std::isnan(value(u, i, patents))) << i;
  EXPECT_EQ(u.bad_indicators, std::vector<std::uint64_t>(9, 0));
}

TEST(UploadValue, PercentagesWithSignOrPlain) {
  Upload u = column_of({"12.5%", "12.5", "１２．５％", " 7 % ", "-3%"}, rd_intensity);
  const double expected[] = {12.5, 12.5, 12.5, 7, -3};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(value(u, i, rd_intensity), expected[i]) << i;
}

// A bare number in a % column is a percent (the template's form): 0.2 is
// 0.2 %, whatever the other rows hold; the cell alone decides.
TEST(UploadValue, ABareNumberInAPercentColumnIsAPercent) {
  Upload u = column_of({"0.125", "0.07", "-0.5", "", "1"}, rd_intensity);
  EXPECT_EQ(value(u, 0, rd_intensity), 0.125);
  EXPECT_EQ(value(u, 1, rd_intensity), 0.07);
  EXPECT_EQ(value(u, 2, rd_intensity), -0.5);
  EXPECT_TRUE(std::isnan(value(u, 3, rd_intensity)));
  EXPECT_EQ(value(u, 4, rd_intensity), 1);
}

// The fraction form only where the caller says so: then 0.125 is 12.5 %,
// shifted in its decimal text (0.07 is exactly 7, not 7.000000000000001),
// and a cell with '%' is still a percent. Other columns are untouched.
TEST(UploadValue, TheFractionFormOnRequest) {
  std::string text = header + "\n";
  const char* cells[] = {"0.125", "0.07", "-0.5", "", "1", "12.5%", "0.0331"};
  const char* codes[] = {code_a, code_b, code_c, code_d};
  for (int i = 0; i < 7; ++i) text += std::string(codes[i % 4]) + ",甲,440305,0.07," + cells[i] + ",0,0\n";
  Upload u = read_upload(text, model(), UploadOptions{Encoding::automatic, PercentForm::fraction});
  ASSERT_EQ(u.table.size(), 7);
  const double expected[] = {12.5, 7, -50, NAN, 100, 12.5, 3.31};
  for (int i = 0; i < 7; ++i) {
    if (std::isnan(expected[i])) EXPECT_TRUE(std::isnan(value(u, i, rd_intensity)));
    else EXPECT_EQ(value(u, i, rd_intensity), expected[i]) << cells[i];
    EXPECT_EQ(value(u, i, rd_expense), 0.07);
  }
  EXPECT_EQ(percent_form_from_name("fraction"), PercentForm::fraction);
  EXPECT_THROW(percent_form_from_name("ratio"), Error);
}

TEST(UploadValue, BadCellsAreReportedAndTreatedAsMissing) {
  Upload u = column_of({"12,5万", "abc", "12,5", "1e999", "12%"}, rd_expense);
  ASSERT_EQ(u.table.size(), 5);  // every row is still scored
  EXPECT_EQ(u.rows_read, 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(std::isnan(value(u, i, rd_expense))) << i;
    EXPECT_EQ(value(u, i, patents), 0) << i;
    EXPECT_EQ(u.bad_indicators[static_cast<std::size_t>(i)], 1u << rd_expense) << i;
  }
  ASSERT_EQ(u.errors.size(), 5u);
  const std::string column = "研发费用金额(万元)";
  expect_error(u.errors[0], 2, column, "12,5万",
               "'12,5万' is not a number: write the number in the unit of the header (e.g. 1234.5), or with one of the units 元, 万元, 亿元, %, ‰ after it; leave the "
               "cell empty or write — when there is no value; the cell is treated as missing",
               "“12,5万”不是数字：请填写数字，单位以表头为准（如1234.5），或在数字后写明单位元、万元、亿元、%、‰；没有数据请留空或填“—”；本格按缺失处理");
  expect_error(u.errors[1], 3, column, "abc",
               "'abc' is not a number: write the number in the unit of the header (e.g. 1234.5), or with one of the units 元, 万元, 亿元, %, ‰ after it; leave the cell "
               "empty or write — when there is no value; the cell is treated as missing",
               "“abc”不是数字：请填写数字，单位以表头为准（如1234.5），或在数字后写明单位元、万元、亿元、%、‰；没有数据请留空或填“—”；本格按缺失处理");
  expect_error(u.errors[2], 4, column, "12,5",
               "'12,5' is not a number: a comma may only separate thousands (1,234.5), and the decimal point is '.'; "
               "the cell is treated as missing",
               "“12,5”不是数字：逗号只能用作千位分隔符（如1,234.5），小数点请用“.”；本格按缺失处理");
  expect_error(u.errors[3], 5, column, "1e999",
               "'1e999' is too large or too small to be a number; the cell is treated as missing",
               "“1e999”超出数值范围；本格按缺失处理");
  expect_error(u.errors[4], 6, column, "12%",
               "'12%' is a percentage, but this column takes 万元: write the value without '%'; the cell is treated as "
               "missing",
               "“12%”是百分数，但该列单位为万元：请去掉“%”；本格按缺失处理");
}

// ---------------------------------------------------------------------------
// Credit codes.

TEST(UploadCreditCode, TypedFormsAreNormalized) {
  std::string text = header + "\n" + " 9144 0300ma5fkx2p12 ,甲,440305,1,2,3,4\n" +
                     "９１１１０１０８ＭＡ０１Ｃ３ＵＬ１Ｇ,乙,110108,1,2,3,4\n" +
                     "\xE3\x80\x80" "91320500\xE3\x80\x80MA1MXQ8U2N,丙,320505,1,2,3,4\n";
  Upload u = read(text);
  EXPECT_TRUE(u.errors.empty());
  EXPECT_EQ(u.table.credit_code, (std::vector<std::string>{code_a, code_b, code_c}));
}

TEST(UploadCreditCode, BadCodesRejectTheRow) {
  std::string text = header + "\n" +                          //
                     "9.13501E+17,甲,440305,1,2,3,4\n" +      // row 2: Excel
                     "9135010,乙,440305,1,2,3,4\n" +          // row 3: length
                     "91350100I000100Y43,丙,440305,1,2,3,4\n" + // row 4: I is no symbol
                     "91440300MA5FKX2P13,丁,440305,1,2,3,4\n" + // row 5: check character
                     ",戊,440305,1,2,3,4\n" +                  // row 6: empty
                     "913501000000000000,己,440305,1,2,3,4\n";  // row 7: 15 digits kept
  Upload u = read(text);
  EXPECT_EQ(u.rows_read, 6);
  EXPECT_EQ(u.table.size(), 0);
  ASSERT_EQ(u.rejected.size(), 6u);
  ASSERT_EQ(u.errors.size(), 6u);
  const std::string column = "统一社会信用代码";

  const std::string excel_en =
      "'9.13501E+17': Excel turned the credit code into a number and lost its last digits, which cannot be recovered "
      "from this file: format the column as Text (文本) before pasting the codes, or re-export the file as \"CSV "
      "UTF-8\" from a column formatted as text";
  const std::string excel_zh =
      "“9.13501E+17”：Excel把统一社会信用代码当成数字，后几位已丢失且无法从本文件恢复：请先将该列设置为“文本”格式再粘贴"
      "代码，或从文本格式的列重新导出为“CSV UTF-8”";
  expect_error(u.errors[0], 2, column, "9.13501E+17", excel_en, excel_zh);
  EXPECT_EQ(u.rejected[0].row, 2);
  EXPECT_EQ(u.rejected[0].credit_code, "9.13501E+17");
  EXPECT_EQ(u.rejected[0].name, "甲");
  EXPECT_EQ(u.rejected[0].reason_en, column + ": " + excel_en);
  EXPECT_EQ(u.rejected[0].reason_zh, column + "：" + excel_zh);

  expect_error(u.errors[1], 3, column, "9135010",
               "'9135010' is not a valid credit code: the code has 7 characters, expected 18 (应为18位)",
               "统一社会信用代码“9135010”应为18位，此处为7位");
  expect_error(u.errors[2], 4, column, "91350100I000100Y43",
               "'91350100I000100Y43' is not a valid credit code: character 9 'I' is not allowed: use 0-9 and A-Z "
               "except I, O, S, V, Z (第9位字符无效)",
               "统一社会信用代码“91350100I000100Y43”第9位“I”无效：只能使用数字0-9和除I、O、S、V、Z以外的大写字母");
  expect_error(u.errors[3], 5, column, "91440300MA5FKX2P13",
               "'91440300MA5FKX2P13' is not a valid credit code: check character is 3, expected 2 (校验位错误)",
               "统一社会信用代码“91440300MA5FKX2P13”校验位（第18位）应为2，此处为3：请核对代码");
  expect_error(u.errors[4], 6, column, "",
               "the credit code is empty: every row needs the enterprise's 18-character 统一社会信用代码",
               "统一社会信用代码为空：每行都须填写18位统一社会信用代码");
  // 913501000000000000: the check character of 91350100000000000 is H.
  expect_error(u.errors[5], 7, column, "913501000000000000",
               "'913501000000000000' is not a valid credit code: check character is 0, expected H (校验位错误); if "
               "Excel showed the code as a number it kept only 15 digits: format the column as Text (文本) and paste "
               "the codes again",
               "统一社会信用代码“913501000000000000”校验位（第18位）应为H，此处为0：请核对代码；若Excel曾把代码显示为"
               "数字，则只保留了15位：请将该列设为“文本”格式后重新粘贴");
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(u.rejected[i].row, static_cast<std::int64_t>(i) + 2);
    EXPECT_EQ(u.rejected[i].reason_en, column + ": " + u.errors[i].reason_en);
    EXPECT_EQ(u.rejected[i].reason_zh, column + "：" + u.errors[i].reason_zh);
  }
}

// ---------------------------------------------------------------------------
// Other attributes.

TEST(UploadRegion, ABadRegionRejectsTheRow) {
  std::string text = header + "\n" + code_a + ",甲,4403,1,2,3,4\n" + code_b + ",乙,440399,1,2,3,4\n" + code_c +
                     ",丙,,1,2,3,4\n" + code_d + ",丁,４４０３０５,1,2,3,4\n";
  Upload u = read(text);
  ASSERT_EQ(u.table.size(), 1);
  EXPECT_EQ(u.table.region[0], 440305);  // full-width digits read
  EXPECT_EQ(u.source_row[0], 5);
  ASSERT_EQ(u.rejected.size(), 3u);
  ASSERT_EQ(u.errors.size(), 3u);
  const std::string column = "行政区划代码";
  expect_error(u.errors[0], 2, column, "4403", "'4403' is not a six-digit region code (GB/T 2260, e.g. 440305)",
               "“4403”不是6位行政区划代码（GB/T 2260，如440305）");
  expect_error(u.errors[1], 3, column, "440399",
               "'440399' is not a region code of GB/T 2260: use the code of the county, city or province",
               "“440399”不是有效的行政区划代码（GB/T 2260），请填写区县、地市或省级代码");
  expect_error(u.errors[2], 4, column, "",
               "the region code is empty: every row needs the six-digit GB/T 2260 code of its county, city or province "
               "(e.g. 440305)",
               "行政区划代码为空：每行都须填写6位行政区划代码（GB/T 2260，如440305）");
  EXPECT_EQ(u.rejected[1].reason_en, column + ": " + u.errors[1].reason_en);
  EXPECT_EQ(u.rejected[1].reason_zh, column + "：" + u.errors[1].reason_zh);
}

TEST(UploadRegion, EveryBadCellOfARejectedRowIsReported) {
  // Bad code, bad region and a bad number on one row: three cell errors in
  // file order, one rejection giving both reasons.
  Upload u = read(header + "\nX,甲,4403,abc,2,3,4\n");
  ASSERT_EQ(u.rejected.size(), 1u);
  ASSERT_EQ(u.errors.size(), 3u);
  EXPECT_EQ(u.errors[0].column, "统一社会信用代码");
  EXPECT_EQ(u.errors[1].column, "行政区划代码");
  EXPECT_EQ(u.errors[2].column, "研发费用金额(万元)");
  EXPECT_EQ(u.rejected[0].reason_en,
            "统一社会信用代码: 'X' is not a valid credit code: the code has 1 characters, expected 18 (应为18位); "
            "行政区划代码: '4403' is not a six-digit region code (GB/T 2260, e.g. 440305)");
  EXPECT_EQ(u.rejected[0].reason_zh,
            "统一社会信用代码：统一社会信用代码“X”应为18位，此处为1位；行政区划代码：“4403”不是6位行政区划代码（GB/T 2260，"
            "如440305）");
}

TEST(UploadIndustry, LettersNamesAndBoth) {
  std::string text = header + ",一级行业\n";
  const char* cells[] = {"C", "c", "C 制造业", "C制造业", "C-制造业", "制造业", "Ｃ", "I", "信息传输、软件和信息技术服务业", ""};
  for (const char* cell : cells) text += std::string(code_a) + ",甲,440305,1,2,3,4," + cell + "\n";
  Upload u = read(text);
  EXPECT_TRUE(u.errors.empty());
  EXPECT_EQ(u.table.industry, (std::vector<std::int8_t>{2, 2, 2, 2, 2, 2, 2, 8, 8, -1}));
}

TEST(UploadIndustry, ABadIndustryIsReportedAndLeftUnknown) {
  Upload u = read(header + ",一级行业\n" + code_a + ",甲,440305,1,2,3,4,Z\n" + code_b + ",乙,110108,1,2,3,4,C 农业\n");
  ASSERT_EQ(u.table.size(), 2);
  EXPECT_EQ(u.table.industry, (std::vector<std::int8_t>{-1, -1}));
  ASSERT_EQ(u.errors.size(), 2u);
  expect_error(u.errors[0], 2, "一级行业", "Z",
               "'Z' is not an industry section of GB/T 4754-2017: write its letter A-T (e.g. C), its name (e.g. 制造业) "
               "or both (C 制造业); the row is scored with the industry unknown",
               "“Z”不是国民经济行业门类（GB/T 4754-2017）：请填写门类字母A-T（如C）、门类名称（如制造业）或两者（C 制造业）；"
               "本行按行业未知计分");
  EXPECT_EQ(u.errors[1].raw, "C 农业");
}

TEST(UploadDate, TheFormsExcelWrites) {
  std::string text = header + ",成立日期\n";
  const char* cells[] = {"2015-06-30", "2015/6/30", "20150630", "2015.06.30", "2015年6月30日", "44927", "２０１５－０６－３０", ""};
  for (const char* cell : cells) text += std::string(code_a) + ",甲,440305,1,2,3,4," + cell + "\n";
  Upload u = read(text);
  EXPECT_TRUE(u.errors.empty());
  // Excel serial 44927 is 44927 days after 1899-12-30: 2023-01-01.
  EXPECT_EQ(u.table.founded,
            (std::vector<std::int32_t>{20150630, 20150630, 20150630, 20150630, 20150630, 20230101, 20150630, 0}));
}

TEST(UploadDate, ABadDateIsReportedAndLeftUnknown) {
  std::string text = header + ",成立日期\n" + code_a + ",甲,440305,1,2,3,4,2023-02-29\n" + code_b +
                     ",乙,110108,1,2,3,4,1990\n" + code_c + ",丙,320505,1,2,3,4,2015-13-01\n";
  Upload u = read(text);
  ASSERT_EQ(u.table.size(), 3);
  EXPECT_EQ(u.table.founded, (std::vector<std::int32_t>{0, 0, 0}));
  ASSERT_EQ(u.errors.size(), 3u);
  expect_error(u.errors[0], 2, "成立日期", "2023-02-29",
               "'2023-02-29' is not a calendar date; the row is scored with the founding date unknown",
               "“2023-02-29”不是实际存在的日期；本行按成立日期未知计分");
  expect_error(u.errors[1], 3, "成立日期", "1990",
               "'1990' is not a date: write YYYY-MM-DD (e.g. 2015-06-30), YYYY/MM/DD or YYYYMMDD; the row is scored "
               "with the founding date unknown",
               "“1990”不是日期：请按YYYY-MM-DD填写（如2015-06-30），也可写YYYY/MM/DD或YYYYMMDD；本行按成立日期未知计分");
  EXPECT_EQ(u.errors[2].reason_en,
            "'2015-13-01' is not a calendar date; the row is scored with the founding date unknown");
}

TEST(UploadAttributes, SeveralValuesStageZoneAndIncubator) {
  std::string text = header + ",企业资质,技术领域,负面清单,发展阶段,国家高新区,孵化器\n" + code_a +
                     ",甲,440305,1,2,3,4,\"高新技术企业,科技型中小企业；瞪羚企业、上市企业;\",电子信息，新材料,,"
                     " 成长期 ,中关村科技园区,创业园\n";
  Upload u = read(text);
  ASSERT_EQ(u.table.size(), 1);
  Row row = u.table.row(0);
  EXPECT_EQ(row.qualifications, (std::vector<std::string>{"高新技术企业", "科技型中小企业", "瞪羚企业", "上市企业"}));
  EXPECT_EQ(row.tech_fields, (std::vector<std::string>{"电子信息", "新材料"}));
  EXPECT_TRUE(row.negatives.empty());
  EXPECT_EQ(row.stage, "成长期");  // kept as text: the scorer checks it against the model
  EXPECT_EQ(row.zone, "中关村科技园区");
  EXPECT_EQ(row.incubator, "创业园");
}

TEST(UploadAttributes, TheThirtyThirdDistinctValueIsReportedAndLeftOut) {
  std::string text = header + ",企业资质\n";
  for (int i = 1; i <= 33; ++i) text += testing::credit_code(i) + ",甲,440305,1,2,3,4,资质" + std::to_string(i) + "\n";
  text += testing::credit_code(34) + ",甲,440305,1,2,3,4,资质33；资质1\n";
  Upload u = read(text);
  ASSERT_EQ(u.table.size(), 34);
  EXPECT_EQ(u.table.qualifications[32], 0u);
  EXPECT_EQ(u.table.row(33).qualifications, (std::vector<std::string>{"资质1"}));  // the rest of the cell is kept
  ASSERT_EQ(u.errors.size(), 2u);
  expect_error(u.errors[0], 34, "企业资质", "资质33",
               "'资质33' left out: an upload holds at most 32 distinct values of this column and the model scores "
               "none of these, so the score is unchanged",
               "“资质33”未读入：一次上传该列最多32种不同取值，且模型不对其计分，分值不受影响");
  EXPECT_EQ(u.errors[1].row, 35);
}

// ---------------------------------------------------------------------------
// Limits (docs/upload.md, "Limits"): each at and past its edge.

Upload read_limited(const std::string& text, const UploadLimits& limits) {
  return read_upload(text, model(), UploadOptions{Encoding::automatic, PercentForm::percent, limits});
}

std::string limit_refusal(const std::string& text, const UploadLimits& limits) {
  try {
    read_limited(text, limits);
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(UploadLimits, TheFileAndItsRows) {
  std::string text = header + "\n";
  for (int i = 1; i <= 3; ++i) text += testing::credit_code(i) + ",甲,440305,1,2,3,4\n";
  UploadLimits limits;
  limits.max_bytes = text.size();
  EXPECT_EQ(read_limited(text, limits).table.size(), 3);
  limits.max_bytes = text.size() - 1;
  EXPECT_EQ(limit_refusal(text, limits),
            "the file has " + std::to_string(text.size()) + " bytes, more than the limit of " +
                std::to_string(text.size() - 1) + ": split it into several uploads (文件过大，请分批上传)");
  limits = UploadLimits{};
  limits.max_rows = 3;
  EXPECT_EQ(read_limited(text + "\n,,,,,,\n", limits).rows_read, 3);  // blank rows are not rows
  limits.max_rows = 2;
  EXPECT_EQ(limit_refusal(text, limits),
            "row 4: the upload has more than 2 data rows: split it into several uploads (上传数据行数超过上限2行，请分批上传)");
}

TEST(UploadLimits, ColumnsCellsAndRowsAreRejectedOneByOne) {
  const std::string ok = testing::credit_code(1) + ",甲,440305,1,2,3,4\n";
  UploadLimits limits;
  // Columns: the header has 7 cells.
  limits.max_columns = 7;
  EXPECT_EQ(read_limited(header + "\n" + ok, limits).table.size(), 1);
  limits.max_columns = 6;
  EXPECT_EQ(limit_refusal(header + "\n" + ok, limits), "row 1: the header has more than 6 cells (单元格数超过上限)");
  // A cell: the name at the limit is read, one byte more rejects the row
  // (keeping at most the limit in memory) and the next row is read.
  limits = UploadLimits{};
  limits.max_cell_bytes = 45;  // the longest header cell has 39
  const std::string name45 = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰", name46 = name45 + "x";
  std::string text = header + "\n" + testing::credit_code(1) + "," + name45 + ",440305,1,2,3,4\n" +
                     testing::credit_code(2) + ",\"" + name46 + "\",440305,1,2,3,4\n" + testing::credit_code(3) +
                     ",丙,440305,1,2,3,4\n";
  Upload u = read_limited(text, limits);
  EXPECT_EQ(u.table.size(), 2);
  EXPECT_EQ(u.rows_read, 3);
  ASSERT_EQ(u.rejected.size(), 1u);
  EXPECT_EQ(u.rejected[0].row, 3);
  EXPECT_EQ(u.rejected[0].reason_en, "the row has a cell in column 2 (企业名称) of more than 45 bytes (单元格过长)");
  EXPECT_EQ(u.rejected[0].name, name45);  // cut at the limit
  // A row as written, at and past its length with its line break; the
  // header is a row too.
  limits = UploadLimits{};
  limits.max_row_bytes = header.size() + 1;
  auto row_of = [&](int k, std::size_t size) {
    const std::string rest = ",440305,1,2,3,4\n", code = testing::credit_code(k) + ",";
    return code + std::string(size - code.size() - rest.size(), 'x') + rest;
  };
  Upload v = read_limited(header + "\n" + row_of(1, header.size() + 1) + row_of(2, header.size() + 2), limits);
  EXPECT_EQ(v.table.size(), 1);
  EXPECT_EQ(v.rows_read, 2);
  ASSERT_EQ(v.rejected.size(), 1u);
  EXPECT_EQ(v.rejected[0].reason_en, "the row holds " + std::to_string(header.size() + 2) +
                                         " bytes, more than the limit of " + std::to_string(header.size() + 1) +
                                         " (行过长)");
  limits.max_row_bytes = header.size();
  EXPECT_EQ(limit_refusal(header + "\n" + row_of(1, 40), limits),
            "row 1: the header holds " + std::to_string(header.size() + 1) + " bytes, more than the limit of " +
                std::to_string(header.size()) + " (行过长)");
}

// ---------------------------------------------------------------------------
// Rows.

TEST(UploadRows, CellsThatDoNotLineUpRejectTheRow) {
  std::string text = header + "\n" + code_a + ",北京,某公司,110108,1,2,3,4\n" + code_b + ",乙,110108,1,2\n" + code_c +
                     ",丙,320505,1,2,3,4,,\n";  // trailing empty cells are harmless
  Upload u = read(text);
  ASSERT_EQ(u.table.size(), 1);
  EXPECT_EQ(u.source_row[0], 4);
  ASSERT_EQ(u.rejected.size(), 2u);
  EXPECT_EQ(u.rejected[0].row, 2);
  EXPECT_EQ(u.rejected[0].credit_code, code_a);
  EXPECT_EQ(u.rejected[0].name, "北京");
  EXPECT_EQ(u.rejected[0].reason_en,
            "the row has 8 cells but the header has 7: a value containing a comma must be enclosed in double quotes, "
            "or cells were added or deleted");
  EXPECT_EQ(u.rejected[0].reason_zh,
            "该行有8个单元格，表头有7列：含逗号的内容须用英文双引号括起，或检查是否多加或多删了单元格");
  EXPECT_EQ(u.rejected[1].reason_en,
            "the row has 5 cells but the header has 7: a value containing a comma must be enclosed in double quotes, "
            "or cells were added or deleted");
  EXPECT_TRUE(u.errors.empty());
}

TEST(UploadRows, BlankRowsAndIdRowsAreNotData) {
  std::string text = "\n" + header + "\n" + "credit_code,name,region_code,rd_expense,rd_intensity,patents,revenue\n" +
                     code_a + ",甲,440305,1,2,3,4\n" + ",,,,,,\n" + "\n" +
                     "credit_code,name,region_code,rd_expense,rd_intensity,patents,revenue\n" + code_b +
                     ",乙,110108,1,2,3,4\n\n\n";
  Upload u = read(text);
  EXPECT_EQ(u.rows_read, 2);
  EXPECT_EQ(u.source_row, (std::vector<std::int64_t>{4, 8}));  // the header is on line 2
  EXPECT_TRUE(u.rejected.empty());
}

TEST(UploadRows, AnEmptyFile) {
  expect_input_error([] { read(""); }, 1,
                     "row 1: the file is empty: it must have the template's header row (文件为空)");
  Upload u = read(header + "\n");
  EXPECT_EQ(u.rows_read, 0);
  EXPECT_EQ(u.table.size(), 0);
  EXPECT_EQ(u.table.indicator_ids.size(), 5u);
}

TEST(UploadRows, CountsReconcileOnAMixedFile) {
  // Good rows, a duplicate code (kept: the estimator reports duplicates), a
  // row with bad cells (kept), rejected rows of each kind, the example row,
  // an id row and blank lines.
  std::string text = header + ",一级行业,成立日期\n" +
                     "credit_code,name,region_code,rd_expense,rd_intensity,patents,revenue,industry,founded\n" +
                     "91350100M000100Y43,示例,350102,1,2,3,4,C,2015-06-30\n" +  // row 3: example
                     code_a + ",甲,440305,1,2,3,4,C,2015-06-30\n" +            // row 4: good
                     code_a + ",甲,440305,1,2,3,4,C,2015-06-30\n" +            // row 5: duplicate, kept
                     code_b + ",乙,110108,abc,2,—,4,Z,someday\n" +              // row 6: three bad cells, kept
                     "9.13501E+17,丙,320505,1,2,3,4,,\n" +                       // row 7: rejected
                     code_c + ",丁,999999,1,2,3,4,,\n" +                         // row 8: rejected
                     ",,,,,,,,\n" +                                              // row 9: blank
                     code_d + ",戊,350102,1,2,3\n";                              // row 10: rejected, short
  Upload u = read(text);
  EXPECT_EQ(u.rows_read, 7);
  EXPECT_EQ(u.table.size(), 3);
  EXPECT_EQ(u.rejected.size(), 4u);
  EXPECT_EQ(u.rows_read, u.table.size() + static_cast<std::int64_t>(u.rejected.size()));
  EXPECT_EQ(u.source_row, (std::vector<std::int64_t>{4, 5, 6}));
  std::vector<std::int64_t> rejected_rows;
  for (const auto& r : u.rejected) rejected_rows.push_back(r.row);
  EXPECT_EQ(rejected_rows, (std::vector<std::int64_t>{3, 7, 8, 10}));
  EXPECT_EQ(u.rejected[0].reason_en, "template example row");
  EXPECT_EQ(u.rejected[0].reason_zh, "模板示例行");
  std::vector<std::pair<std::int64_t, std::string>> cells;
  for (const auto& e : u.errors) cells.emplace_back(e.row, e.column);
  EXPECT_EQ(cells, (std::vector<std::pair<std::int64_t, std::string>>{{6, "研发费用金额(万元)"},
                                                                       {6, "一级行业"},
                                                                       {6, "成立日期"},
                                                                       {7, "统一社会信用代码"},
                                                                       {8, "行政区划代码"}}));
  EXPECT_EQ(u.bad_indicators, (std::vector<std::uint64_t>{0, 0, 1u << rd_expense}));
}

// ---------------------------------------------------------------------------
// The template.

TEST(Template, ColumnsIdsAndExampleFromTheModel) {
  std::string csv = upload_template_csv(model());
  EXPECT_EQ(csv,
            "\xEF\xBB\xBF"
            "统一社会信用代码,企业名称,行政区划代码,国家高新区,孵化器,一级行业,技术领域,企业资质,负面清单,成立日期,发展阶段,"
            "研发费用金额(万元),研发费用占营业收入的比例(%),发明专利申请量(件),营业收入(万元),备用指标(个)\r\n"
            "credit_code,name,region_code,zone,incubator,industry,tech_fields,qualifications,negatives,founded,stage,"
            "rd_expense,rd_intensity,patents,revenue,spare\r\n"
            "91350100M000100Y43,示例科技有限公司（示例行）,350102,福州高新技术产业开发区,,C,电子信息;先进制造与自动化,"
            "高新技术企业;科技型中小企业,,2015-06-30,,1234.5,12.5,3,1234.5,3\r\n");
}

TEST(Template, AModelTakingTheStageFromTheDataShowsOne) {
  Model by_data = Model::from_json(model_json(R"({"basis": "data"})"));
  std::vector<CsvRecord> records = parse_csv(upload_template_csv(by_data));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields[10], "发展阶段");
  EXPECT_EQ(records[2].fields[10], "全部");
}

TEST(Template, RoundTrip) {
  // Filled in as a user would: the id row and the example left in place, one
  // enterprise added.
  std::string csv = upload_template_csv(model()) + code_a +
                    ",深圳甲公司,440305,深圳市高新技术产业园区,,C,电子信息,高新技术企业,,2016-03-15,,"
                    "250,4.5%,6,8000,\r\n";
  Upload u = read(csv);
  EXPECT_EQ(u.encoding, Encoding::utf8);
  EXPECT_EQ(u.rows_read, 2);  // the example and the enterprise; the id row is not data
  ASSERT_EQ(u.rejected.size(), 1u);
  EXPECT_EQ(u.rejected[0].row, 3);
  EXPECT_EQ(u.rejected[0].credit_code, "91350100M000100Y43");
  EXPECT_EQ(u.rejected[0].reason_en, "template example row");
  EXPECT_EQ(u.rejected[0].reason_zh, "模板示例行");
  ASSERT_EQ(u.table.size(), 1);
  EXPECT_EQ(u.source_row[0], 4);
  EXPECT_EQ(u.table.credit_code[0], code_a);
  EXPECT_EQ(u.table.name[0], "深圳甲公司");
  EXPECT_EQ(u.table.founded[0], 20160315);
  EXPECT_EQ(value(u, 0, rd_expense), 250);
  EXPECT_EQ(value(u, 0, rd_intensity), 4.5);
  EXPECT_EQ(value(u, 0, patents), 6);
  EXPECT_EQ(value(u, 0, revenue), 8000);
  EXPECT_TRUE(std::isnan(value(u, 0, spare)));
  EXPECT_TRUE(u.errors.empty());
  EXPECT_TRUE(u.unknown_columns.empty());
}

TEST(Template, BuiltinModelsReadTheirOwnTemplate) {
  for (const auto& id : builtin_model_ids()) {
    Model m = Model::from_json(builtin_model_json(id));
    Upload u = read_upload(upload_template_csv(m), m);
    EXPECT_EQ(u.rows_read, 1) << id;
    ASSERT_EQ(u.rejected.size(), 1u) << id;
    EXPECT_EQ(u.rejected[0].reason_en, "template example row") << id;
    EXPECT_TRUE(u.errors.empty()) << id;
    EXPECT_TRUE(u.unknown_columns.empty()) << id;
  }
}

TEST(TemplateCli, WritesTheModelsTemplate) {
  std::string path = std::string(::testing::TempDir()) + "cxjf_upload_template.csv";
  std::string command = std::string(CXJF_CLI) + " template --model torch-2025-trial --out " + path + " 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_EQ(read_all(path), upload_template_csv(Model::from_json(builtin_model_json("torch-2025-trial"))));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace cxjf
