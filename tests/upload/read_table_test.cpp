// read_table_as_upload: enterprises read with the upload's rules (one parser
// for tables and uploads), every problem named at once.
#include <gtest/gtest.h>

#include <sstream>

#include "cxjf/cxjf.hpp"

namespace cxjf {
namespace {

std::string csv_of(const Table& table) {
  std::ostringstream out;
  write_table_csv(out, table, default_model());
  return out.str();
}

TEST(ReadTableAsUpload, AStrictFileReadsAsTheEnterpriseCsvReaderReadsIt) {
  GenerateOptions options;
  options.n = 600;
  options.seed = 4;
  options.unregistered_share = 0.2;
  const std::string text = csv_of(generate(default_model(), options));
  const Table strict = parse_table_csv(text, default_model());
  const Table tolerant = read_table_as_upload(text, default_model());
  ASSERT_EQ(tolerant.size(), strict.size());
  // Written back, the two tables are the same file: every cell, 是否入统 too.
  EXPECT_EQ(csv_of(tolerant), csv_of(strict));
  EXPECT_LT(std::count(strict.registered.begin(), strict.registered.end(), 1), strict.size());
}

// A generated table's CSV as records, to edit cell by cell.
std::vector<std::vector<std::string>> records_of(std::int64_t n, std::uint64_t seed) {
  GenerateOptions options;
  options.n = n;
  options.seed = seed;
  options.unregistered_share = 0;
  std::vector<std::vector<std::string>> out;
  for (CsvRecord& r : parse_csv(csv_of(generate(default_model(), options)))) out.push_back(std::move(r.fields));
  return out;
}

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
}

std::string text_of(const std::vector<std::vector<std::string>>& records) {
  std::string out;
  for (const auto& r : records) {
    for (std::size_t f = 0; f < r.size(); ++f) out += (f ? "," : "") + csv_field(r[f]);
    out += "\n";
  }
  return out;
}

TEST(ReadTableAsUpload, AcceptsWhatUploadsAccept) {
  // Worked out by hand: 8,008.69 元 = 0.800869 万元; 7.12% in a % column is
  // 7.12; １２ in full-width digits is 12; 备注 matches nothing and is ignored.
  auto records = records_of(1, 8);
  auto& header = records[0];
  auto& row = records[1];
  const std::size_t rd = column(header, "研发费用金额(万元)"), intensity = column(header, "研发费用占营业收入的比例(%)"),
                    patents = column(header, "与主营业务相关的发明专利申请量(件)"), registered = column(header, "是否入统");
  ASSERT_LT(registered, header.size());
  header[rd] = "研发费用金额(元)";
  row[rd] = "8,008.69";
  row[intensity] = "7.12%";
  row[patents] = "１２";
  row[registered] = "否";
  header.push_back("备注");
  row.push_back("新设");
  records.insert(records.begin(), {"企业基本信息表"});  // a title row above the header
  std::vector<std::string> unknown;
  const Table t = read_table_as_upload(text_of(records), default_model(), UploadOptions{}, &unknown);
  ASSERT_EQ(t.size(), 1);
  EXPECT_DOUBLE_EQ(t.values(0, t.indicator_column("rd_expense")), 0.800869);
  EXPECT_DOUBLE_EQ(t.values(0, t.indicator_column("rd_intensity")), 7.12);
  EXPECT_DOUBLE_EQ(t.values(0, t.indicator_column("invention_apps")), 12.0);
  EXPECT_EQ(t.registered[0], 0);
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0], "备注");
  // The strict reader refuses each of these.
  EXPECT_THROW(parse_table_csv(text_of(records), default_model()), InputError);
}

TEST(ReadTableAsUpload, EveryProblemIsNamedInOneError) {
  auto records = records_of(7, 9);
  const auto& header = records[0];
  const std::size_t code = column(header, "统一社会信用代码"), region = column(header, "行政区划代码"),
                    rd = column(header, "研发费用金额(万元)"), registered = column(header, "是否入统");
  std::string bad_code = records[2][code];
  bad_code.back() = bad_code.back() == 'X' ? 'Y' : 'X';  // a wrong check character (X, Y are allowed symbols)
  records[2][code] = bad_code;                            // row 3
  records[4][region] = "449999";                          // row 5: no such region
  records[5][rd] = "abc";                                 // row 6: not a number
  records[6][code] = records[1][code];                    // row 7: the code of row 2 again
  records[7][registered] = "也许";                        // row 8: not 是 or 否
  try {
    read_table_as_upload(text_of(records), default_model());
    FAIL() << "accepted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.row(), 3);
    for (const std::string part :
         {std::string("5 problems (共5处错误)"), std::string("row 3, column 统一社会信用代码"),
          std::string("row 5, column 行政区划代码"), std::string("row 6, column 研发费用金额(万元)"),
          "row 7: credit code " + records[1][code] + " appears again (first on row 2)",
          std::string("row 8, column 是否入统: '也许' is not 是 or 否")})
      EXPECT_NE(what.find(part), std::string::npos) << part << "\n" << what;
  }
}

}  // namespace
}  // namespace cxjf
