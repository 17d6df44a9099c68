// An estimation record's results and error report, as CSV and as an Excel
// workbook. Both files come from the same rows, so they cannot disagree.
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "cxjf/csv.hpp"
#include "cxjf/estimate.hpp"
#include "xlsx/writer.hpp"

namespace cxjf {
namespace {

// One cell of a report row: text, or a number (written as a number into a
// workbook, with `decimals` places; as `text` into CSV).
struct ReportCell {
  std::string text;
  bool number = false;
  double value = 0;
  int decimals = -1;
};

ReportCell text_cell(std::string text) { return {std::move(text)}; }
ReportCell integer_cell(std::int64_t v) { return {std::to_string(v), true, static_cast<double>(v), 0}; }
ReportCell blank_cell() { return {}; }

struct Column {
  const char* id;
  const char* zh;
};

std::vector<Column> results_columns() {
  std::vector<Column> columns = {{"row", "行号"},       {"credit_code", "统一社会信用代码"}, {"name", "企业名称"},
                                 {"status", "status"},  {"状态", "状态"},                    {"score", "积分"},
                                 {"grade", "等级"},     {"stage", "发展阶段"},               {"peer_group", "同类组"}};
  static const char* rank_zh[] = {"全国排名", "省内排名", "市内排名", "县内排名", "园区排名", "孵化器排名"};
  static const std::vector<std::string> rank_ids = [] {
    std::vector<std::string> ids;
    for (RankLevel level : estimate_rank_levels) ids.push_back("rank_" + std::string(rank_level_name(level)));
    return ids;
  }();
  for (std::size_t i = 0; i < rank_ids.size(); ++i) columns.push_back({rank_ids[i].c_str(), rank_zh[i]});
  columns.push_back({"duplicate", "信用代码重复"});
  columns.push_back({"bad_cells_treated_as_missing", "按缺失处理的单元格"});
  columns.push_back({"differences", "与库内数据不同"});
  return columns;
}

template <class Emit>
void results_rows(const EstimationRecord& record, const Snapshot& snap, Emit&& emit) {
  const Model& model = snap.model;
  const Table& table = record.upload.table;
  std::vector<ReportCell> cells;
  for (const EstimateRow& r : record.rows) {
    const auto i = static_cast<std::size_t>(r.table_row);
    cells.clear();
    cells.push_back(integer_cell(r.source_row));
    cells.push_back(text_cell(table.credit_code[i]));
    cells.push_back(text_cell(table.name[i]));
    cells.push_back(text_cell(estimate_status_name(r.status)));
    cells.push_back(text_cell(estimate_status_zh(r.status)));
    const int decimals = model.scale.decimals;
    cells.push_back({units_text(r.published_units, decimals), true,
                     static_cast<double>(r.published_units) / std::pow(10.0, decimals), decimals});
    cells.push_back(text_cell(model.grades[static_cast<std::size_t>(r.grade)].id));
    cells.push_back(text_cell(model.stages[static_cast<std::size_t>(r.ledger.stage)].name_zh));
    cells.push_back(text_cell(snap.reference.group_label(model, r.ledger.peer_group, snap.table.region_table())));
    for (std::int32_t rank : r.rank) cells.push_back(rank > 0 ? integer_cell(rank) : blank_cell());
    cells.push_back(integer_cell(r.duplicate ? 1 : 0));
    cells.push_back(text_cell(bad_cells_text(model, r)));
    cells.push_back(text_cell(differences_text(model, r)));
    emit(cells);
  }
}

const std::vector<Column>& errors_columns() {
  static const std::vector<Column> columns = {{"row", "行号"},      {"kind", "类型"},        {"column", "列"},
                                              {"raw", "原值"},      {"reason_zh", "原因"},   {"reason_en", "reason"},
                                              {"sheet", "工作表"},  {"cell", "单元格"}};
  return columns;
}

// The error report in row order: rejected rows and bad cells interleaved.
template <class Emit>
void errors_rows(const EstimationRecord& record, Emit&& emit) {
  const auto& errors = record.upload.errors;
  const auto& rejected = record.upload.rejected;
  const std::string& sheet = record.upload.sheet;
  std::vector<ReportCell> cells;
  std::size_t e = 0, r = 0;
  while (e < errors.size() || r < rejected.size()) {
    const bool cell = r >= rejected.size() || (e < errors.size() && errors[e].row <= rejected[r].row);
    if (cell) {
      const CellError& x = errors[e++];
      cells = {integer_cell(x.row), text_cell("cell"), text_cell(x.column), text_cell(x.raw), text_cell(x.reason_zh),
               text_cell(x.reason_en), text_cell(sheet), text_cell(cell_reference(x))};
    } else {
      const RejectedRow& x = rejected[r++];
      cells = {integer_cell(x.row), text_cell("rejected_row"), text_cell("统一社会信用代码"), text_cell(x.credit_code),
               text_cell(x.reason_zh), text_cell(x.reason_en), text_cell(sheet), blank_cell()};
    }
    emit(cells);
  }
}

void write_csv(std::ostream& out, const std::vector<Column>& columns, const std::vector<ReportCell>* row) {
  std::string line;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (c) line += ',';
    append_csv_field(line, row ? std::string_view((*row)[c].text) : std::string_view(columns[c].id));
  }
  out << line << "\r\n";
}

// A sheet of a report workbook: Chinese headers, a frozen header row.
class ReportSheet {
 public:
  ReportSheet(xlsx::Writer& book, const char* name, const std::vector<Column>& columns)
      : sheet_(book.sheet(name)), widths_(columns.size()) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      sheet_.text(0, static_cast<std::int32_t>(c), columns[c].zh, xlsx::Style::header);
      widths_[c] = xlsx::display_width(columns[c].zh);
    }
    sheet_.freeze(1, 0);
  }
  void add(const std::vector<ReportCell>& cells) {
    if (row_ + 1 >= xlsx::max_row) {  // the sheet is full: the last row says how many more there are
      ++dropped_;
      return;
    }
    ++row_;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const ReportCell& cell = cells[c];
      const auto col = static_cast<std::int32_t>(c);
      if (cell.number) sheet_.number(row_, col, cell.value, cell.decimals);
      else if (!cell.text.empty()) sheet_.text(row_, col, cell.text);
      widths_[c] = std::max(widths_[c], xlsx::display_width(cell.text));
    }
  }
  ~ReportSheet() {
    if (dropped_ > 0)
      sheet_.text(xlsx::max_row, 0, "另有" + std::to_string(dropped_) + "行超出工作表行数上限未写入，请使用CSV文件 / " +
                                        std::to_string(dropped_) + " more rows do not fit a sheet: use the CSV file");
    for (std::size_t c = 0; c < widths_.size(); ++c)
      sheet_.column(static_cast<std::int32_t>(c), std::min(widths_[c] + 2, 60.0));
  }

 private:
  xlsx::SheetWriter sheet_;
  std::vector<double> widths_;
  std::int32_t row_ = 0;
  std::int64_t dropped_ = 0;
};

}  // namespace

void EstimationRecord::write_results_csv(std::ostream& out, const Snapshot& snap) const {
  const std::vector<Column> columns = results_columns();
  out << "\xEF\xBB\xBF";
  write_csv(out, columns, nullptr);
  results_rows(*this, snap, [&](const std::vector<ReportCell>& row) { write_csv(out, columns, &row); });
}

void EstimationRecord::write_errors_csv(std::ostream& out) const {
  out << "\xEF\xBB\xBF";
  write_csv(out, errors_columns(), nullptr);
  errors_rows(*this, [&](const std::vector<ReportCell>& row) { write_csv(out, errors_columns(), &row); });
}

std::string EstimationRecord::results_xlsx(const Snapshot& snap) const {
  xlsx::Writer book;
  {
    ReportSheet results(book, "结果", results_columns());
    results_rows(*this, snap, [&](const std::vector<ReportCell>& row) { results.add(row); });
  }
  {
    ReportSheet errors(book, "错误", errors_columns());
    errors_rows(*this, [&](const std::vector<ReportCell>& row) { errors.add(row); });
  }
  {
    ReportSheet facts(book, "记录", {{"item", "项目"}, {"value", "内容"}});
    auto fact = [&](const char* name, std::string value) { facts.add({text_cell(name), text_cell(std::move(value))}); };
    auto count = [&](const char* name, std::int64_t value) { facts.add({text_cell(name), integer_cell(value)}); };
    fact("测算记录 / record", id);
    fact("时间 / created (UTC)", created);
    fact("模型 / model", model_id);
    fact("快照 / snapshot", snapshot_hash);
    fact("测算人 / principal", principal);
    fact("工作表 / sheet", upload.sheet.empty() ? std::string("(CSV, ") + encoding_name(encoding) + ")" : upload.sheet);
    count("表头行 / header row", upload.header_row);
    count("读取行数 / rows read", counts.rows_read);
    count("计分行数 / scored", counts.scored);
    count("已入统 / registered", counts.registered);
    count("预估 / estimated", counts.estimated);
    count("拒绝行数 / rejected", counts.rejected);
    count("重复代码 / duplicate codes", counts.duplicates);
    count("错误单元格 / bad cells", counts.bad_cells);
    std::string unknown;
    for (const auto& u : upload.unknown_columns) unknown += (unknown.empty() ? "" : "; ") + u;
    fact("未识别的列 / unknown columns", unknown);
  }
  return book.bytes();
}

}  // namespace cxjf
