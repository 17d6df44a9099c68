// Workbooks: the reader's number text, workbooks saved by LibreOffice
// (tests/data/workbooks, made by make.py there) against the same upload as
// a clean CSV written by hand, the template and the results written by the
// core and read back, units written in cells.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <sstream>
#include <string>

#include "cxjf/estimate.hpp"
#include "cxjf/file.hpp"
#include "cxjf/generate.hpp"
#include "cxjf/model.hpp"
#include "cxjf/snapshot.hpp"
#include "cxjf/upload.hpp"
#include "base/base64.hpp"
#include "cxjf/overview.hpp"
#include "xlsx/reader.hpp"

#include <nlohmann/json.hpp>

namespace cxjf {
namespace {

std::string data_file(const std::string& name) {
  return read_file(std::string(CXJF_SOURCE_DIR) + "/tests/data/workbooks/" + name);
}

const Snapshot& snapshot() {
  static const Snapshot snap = [] {
    GenerateOptions options;
    options.n = 3000;
    options.seed = 7;
    return Snapshot::build(default_model(), generate(default_model(), options));
  }();
  return snap;
}

EstimationRecord estimate_bytes(const std::string& bytes, const UploadOptions& options = {}) {
  return estimate(snapshot(), read_upload(bytes, snapshot().model, options), Principal{Role::torch_center, "", false});
}

TEST(XlsxNumbers, DecimalsAsExcelShowsThem) {
  EXPECT_EQ(xlsx::decimal_text(0.07), "0.07");
  EXPECT_EQ(xlsx::decimal_text(0.07, 2), "7");
  EXPECT_EQ(xlsx::decimal_text(0.0331, 2), "3.31");
  EXPECT_EQ(xlsx::decimal_text(7.0000000000000007e-2, 2), "7");      // how Excel writes 7 %
  EXPECT_EQ(xlsx::decimal_text(7.69 / 100, 2), "7.69");              // 0.07690000000000001
  EXPECT_EQ(xlsx::decimal_text(0.1 + 0.2), "0.3");                   // 15 significant digits
  EXPECT_EQ(xlsx::decimal_text(1e-7, 2), "0.00001");
  EXPECT_EQ(xlsx::decimal_text(-0.5), "-0.5");
  EXPECT_EQ(xlsx::decimal_text(1234.5), "1234.5");
  EXPECT_EQ(xlsx::decimal_text(0), "0");
  EXPECT_EQ(xlsx::decimal_text(913501000000000000.0), "913501000000000000");
  EXPECT_EQ(xlsx::decimal_text(123456789012345678.0), "123456789012346000");
}

TEST(XlsxNumbers, ColumnLetters) {
  EXPECT_EQ(xlsx::column_letters(0), "A");
  EXPECT_EQ(xlsx::column_letters(25), "Z");
  EXPECT_EQ(xlsx::column_letters(26), "AA");
  EXPECT_EQ(xlsx::column_letters(701), "ZZ");
  EXPECT_EQ(xlsx::column_letters(702), "AAA");
}

// Scores and indicator values of the scored rows, by credit code.
std::map<std::string, std::string> by_code(const EstimationRecord& record) {
  std::map<std::string, std::string> out;
  const Model& model = snapshot().model;
  for (const EstimateRow& r : record.rows) {
    std::ostringstream line;
    line << units_text(r.published_units, model.scale.decimals) << ' ' << r.grade;
    for (int level = 0; level < 6; ++level) line << ' ' << r.rank[static_cast<std::size_t>(level)];
    for (std::size_t j = 0; j < model.indicators.size(); ++j) {
      const double v = record.upload.table.values(r.table_row, static_cast<Eigen::Index>(j));
      if (std::isnan(v)) line << " -";
      else line << ' ' << std::setprecision(17) << v;
    }
    out[record.upload.table.credit_code[static_cast<std::size_t>(r.table_row)]] = line.str();
  }
  return out;
}

TEST(XlsxLibreOffice, AFilledTemplateSavedByLibreOfficeEstimatesLikeTheCleanCsv) {
  const EstimationRecord clean = estimate_bytes(data_file("clean.csv"));
  const EstimationRecord book = estimate_bytes(data_file("lo_filled_template.xlsx"));
  ASSERT_EQ(clean.counts.scored, 4);
  EXPECT_EQ(by_code(book), by_code(clean));
  EXPECT_EQ(book.upload.sheet, "上传模板");
  EXPECT_EQ(book.upload.header_row, 2);  // below the title row make.py inserted
  // 4 enterprises + the example row + the credit code typed as a number.
  EXPECT_EQ(book.counts.rows_read, 6);
  EXPECT_EQ(book.counts.rejected, 2);
  ASSERT_EQ(book.upload.errors.size(), 1u);
  const CellError& e = book.upload.errors[0];
  EXPECT_EQ(e.row, 9);
  EXPECT_EQ(cell_reference(e), "A9");
  EXPECT_NE(e.reason_en.find("stored as a number in the workbook"), std::string::npos);
  // The region merged over rows 5 and 6 is read for both.
  EXPECT_EQ(book.upload.table.region[1], 440305);
}

TEST(XlsxLibreOffice, ACsvConvertedByLibreOfficeEstimatesLikeTheCleanCsv) {
  const EstimationRecord clean = estimate_bytes(data_file("clean.csv"));
  const EstimationRecord book = estimate_bytes(data_file("lo_from_csv.xlsx"));
  EXPECT_EQ(by_code(book), by_code(clean));
  EXPECT_EQ(book.counts.rows_read, 5);
  EXPECT_EQ(book.counts.rejected, 1);  // the all-digit code LibreOffice made a number
}

TEST(XlsxTemplate, TheTemplateReadsBackToItsExampleRow) {
  const std::string bytes = upload_template_xlsx(snapshot().model);
  ASSERT_TRUE(xlsx::is_zip(bytes));
  const xlsx::Workbook book = xlsx::read(bytes, {});
  ASSERT_EQ(book.sheets.size(), 3u);
  EXPECT_EQ(book.sheets[0].name, "填写说明");
  EXPECT_EQ(book.sheets[1].name, "上传模板");
  // The data sheet's first row is the CSV template's header, cell for cell.
  const std::string csv = upload_template_csv(snapshot().model);
  const std::string first_line = csv.substr(3, csv.find("\r\n") - 3);
  std::string joined;
  for (const xlsx::Cell& c : book.sheets[1].rows[0].cells) joined += (joined.empty() ? "" : ",") + c.text;
  EXPECT_EQ(joined, first_line);
  Upload upload = read_upload(bytes, snapshot().model);
  EXPECT_EQ(upload.sheet, "上传模板");
  EXPECT_EQ(upload.rows_read, 1);
  ASSERT_EQ(upload.rejected.size(), 1u);
  EXPECT_EQ(upload.rejected[0].reason_en, "template example row");
}

TEST(XlsxResults, TheResultsWorkbookHoldsTheCsvRows) {
  const EstimationRecord record = estimate_bytes(data_file("lo_filled_template.xlsx"));
  const xlsx::Workbook book = xlsx::read(record.results_xlsx(snapshot()), {});
  ASSERT_EQ(book.sheets.size(), 3u);
  EXPECT_EQ(book.sheets[0].name, "结果");
  EXPECT_EQ(book.sheets[1].name, "错误");
  EXPECT_EQ(book.sheets[2].name, "记录");
  std::ostringstream csv;
  record.write_results_csv(csv, snapshot());
  std::istringstream lines(csv.str());
  std::string line;
  std::getline(lines, line);  // the header
  const auto& rows = book.sheets[0].rows;
  ASSERT_EQ(rows.size(), record.rows.size() + 1);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    std::getline(lines, line);
    // Row number, credit code and score: the CSV's text, the workbook's numbers.
    EXPECT_EQ(line.substr(0, line.find(',')), rows[i].cells[0].text);
    EXPECT_EQ(rows[i].cells[1].text, record.upload.table.credit_code[static_cast<std::size_t>(record.rows[i - 1].table_row)]);
    EXPECT_EQ(rows[i].cells[5].kind, xlsx::CellKind::number);
    EXPECT_EQ(rows[i].cells[5].text, units_text(record.rows[i - 1].published_units, snapshot().model.scale.decimals));
  }
  // The error report names the sheet and the cell.
  const auto& errors = book.sheets[1].rows;
  ASSERT_EQ(errors.size(), 1 + record.upload.errors.size() + record.upload.rejected.size());
  EXPECT_EQ(errors[0].cells[6].text, "工作表");
  bool a9 = false;
  for (const auto& row : errors)
    for (const auto& c : row.cells) a9 |= c.text == "A9";
  EXPECT_TRUE(a9);
}

TEST(XlsxExport, TheListExportedAsAWorkbookHoldsTheCsvExportsRows) {
  const OverviewIndex index(snapshot());
  auto ask = [&](const std::string& format) {
    return nlohmann::json::parse(query_json(
        index, R"({"principal": {"role": "torch_center", "can_export": true}, "kind": "export", "format": ")" +
                   format + R"("})"));
  };
  const nlohmann::json csv = ask("csv"), book = ask("xlsx");
  ASSERT_EQ(book["format"], "xlsx");
  EXPECT_EQ(book["content_encoding"], "base64");
  EXPECT_EQ(book["filename"], "enterprises.xlsx");
  EXPECT_EQ(book["rows"], csv["rows"]);
  const auto bytes = detail::base64_decode(book["content"].get<std::string>());
  ASSERT_TRUE(bytes);
  const xlsx::Workbook workbook = xlsx::read(*bytes, {});
  ASSERT_EQ(workbook.sheets.size(), 1u);
  const auto& rows = workbook.sheets[0].rows;
  std::istringstream lines(csv["content"].get<std::string>());
  std::string line;
  std::getline(lines, line);
  ASSERT_EQ(static_cast<std::int64_t>(rows.size()), csv["rows"].get<std::int64_t>() + 1);
  ASSERT_GT(rows.size(), 10u);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    std::getline(lines, line);
    std::vector<std::string> fields;
    std::stringstream split(line);
    for (std::string f; std::getline(split, f, ',');) fields.push_back(f);
    // rank, credit code, ..., score: the CSV's texts, the workbook's cells.
    EXPECT_EQ(rows[i].cells[0].text, fields[0]);
    EXPECT_EQ(rows[i].cells[1].text, fields[1]);
    EXPECT_EQ(rows[i].cells[1].kind, xlsx::CellKind::text);
    const auto score = std::find_if(rows[i].cells.begin(), rows[i].cells.end(),
                                    [](const xlsx::Cell& c) { return c.column == 8; });
    ASSERT_NE(score, rows[i].cells.end());
    EXPECT_EQ(score->kind, xlsx::CellKind::number);
    EXPECT_EQ(std::stod(score->text), std::stod(fields[fields.size() - 2]));
  }
}

// A one-row CSV upload whose cell of indicator `id` says `text`.
Upload one_cell(const std::string& id, const std::string& text) {
  const Model& model = snapshot().model;
  std::string header = "统一社会信用代码,企业名称,行政区划代码";
  std::string row = "91440300MA5DAB0012,甲,440305";
  for (const auto& indicator : model.indicators) {
    header += "," + indicator.name_zh;
    row += indicator.id == id ? ",\"" + text + "\"" : ",";
  }
  return read_upload(header + "\n" + row + "\n", model);
}

double value_of(const Upload& u, const std::string& id) {
  const Model& model = snapshot().model;
  for (std::size_t j = 0; j < model.indicators.size(); ++j)
    if (model.indicators[j].id == id) return u.table.values(0, static_cast<Eigen::Index>(j));
  return std::nan("");
}

TEST(XlsxUnits, UnitsWrittenInCellsAreConvertedExactly) {
  // Each value is the decimal with its point moved, never a product: the
  // expected doubles are the literals of the same decimals.
  const struct {
    const char* id;
    const char* cell;
    double expected;
  } cases[] = {
      {"rd_expense", "792.80万元", 792.8},     {"tech_contract", "33,470.78万元", 33470.78},
      {"hitech_revenue", "1.6286亿元", 16286}, {"revenue", "0.1亿元", 1000},
      {"rd_expense", "1234.5678元", 0.12345678}, {"rd_tax_relief", "1000000元", 100},
      {"postgrad_share", "5‰", 0.5},         {"rd_growth", "7%", 7},
      {"rd_intensity", "3.31 %", 3.31},       {"rd_expense", "８８万元", 88},  // full-width digits
  };
  for (const auto& c : cases) {
    const Upload u = one_cell(c.id, c.cell);
    ASSERT_TRUE(u.errors.empty()) << c.cell << ": " << u.errors[0].reason_en;
    EXPECT_EQ(value_of(u, c.id), c.expected) << c.cell;
  }
}

TEST(XlsxUnits, AUnitThatDoesNotFitTheColumnIsABadCell) {
  const struct {
    const char* id;
    const char* cell;
    const char* reason;
  } cases[] = {
      {"rd_expense", "12件", "'12件' is not a number"},
      {"rd_growth", "5万元", "'5万元' is an amount of money, but this column takes %"},
      {"revenue", "5‰", "'5‰' is a percentage, but this column takes 万元"},
      {"invention_apps", "3万元", "'3万元' is an amount of money, but this column takes 件"},
  };
  for (const auto& c : cases) {
    const Upload u = one_cell(c.id, c.cell);
    ASSERT_EQ(u.errors.size(), 1u) << c.cell;
    EXPECT_EQ(u.errors[0].reason_en.rfind(c.reason, 0), 0u) << u.errors[0].reason_en;
    EXPECT_TRUE(std::isnan(value_of(u, c.id)));
  }
}

}  // namespace
}  // namespace cxjf
