// Reading an upload (导入测算): the header's mapping, then row by row into
// the table the estimator scores, every bad cell and rejected row reported
// (docs/upload.md). Cells are upload/cells.cpp, rows and sheets upload/rows.cpp.
#include "cxjf/upload.hpp"
#include "cxjf/file.hpp"


#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "table/csv_text.hpp"
#include "base/encoding.hpp"
#include "xlsx/reader.hpp"
#include "cxjf/credit_code.hpp"
#include "cxjf/csv.hpp"
#include "cxjf/error.hpp"
#include "cxjf/regions.hpp"
#include "upload/cells.hpp"
#include "upload/rows.hpp"

namespace cxjf {
namespace {

using namespace detail;
using namespace upload_detail;

// The reader of one upload: the header's mapping, then row by row.
class UploadReader {
 public:
  UploadReader(const Model& model, Upload& upload, PercentForm form, const UploadLimits& limits,
               std::shared_ptr<const Regions> regions, bool as_table)
      : model_(model), upload_(upload), builder_(model, std::move(regions)), percent_form_(form), limits_(limits),
        as_table_(as_table) {
    k_ = static_cast<int>(model.indicators.size());
    if (k_ > 64)
      throw Error(ErrorCode::invalid_argument, "model '" + model.id + "' has " + std::to_string(k_) +
                                                   " indicators; an upload reads at most 64");
    source_.assign(static_cast<std::size_t>(attribute_count + k_), -1);
    shift_.assign(static_cast<std::size_t>(k_), 0);
    // The values the model scores, per multi-valued column (tech fields: none).
    for (const BonusItem& item : model.bonus)
      if (!item.qualification.empty()) budget_[1].named.insert(item.qualification);
    for (const NegativeItem& item : model.negatives) budget_[2].named.insert(item.name_zh);
  }

  // Reads the rows of `source` (find_header says which is the header).
  void read(RowSource& source, std::int64_t header_row) {
    std::vector<SourceRow> ahead;
    const std::size_t header = find_header(source, model_, header_row, ahead);
    const SourceRow& head = ahead[header];
    upload_.header_row = head.line;
    if (const auto problem = too_big(head); !problem.first.empty())
      throw InputError(head.line, "", "the header " + problem.first);
    map_header(head.line, head.fields);
    unnamed_with_data_.assign(header_.size(), false);
    for (std::size_t i = header + 1; i < ahead.size(); ++i) data_row(ahead[i]);
    for (SourceRow row; source.next(row);) data_row(row);
    finish();
  }

 private:
  void data_row(const SourceRow& row) {
    if (blank(row.fields) || is_id_row(row.fields)) return;
    if (upload_.rows_read >= limits_.max_rows)
      throw InputError(row.line, "", "the upload has more than " + std::to_string(limits_.max_rows) +
                                         " data rows: split it into several uploads (上传数据行数超过上限" +
                                         std::to_string(limits_.max_rows) + "行，请分批上传)");
    if (auto problem = too_big(row); !problem.first.empty()) {
      ++upload_.rows_read;
      reject(row.line, row.fields, "the row " + problem.first, std::move(problem.second));
      return;
    }
    kinds_ = &row.kinds;
    if (!row.workbook) return read_row(row.line, row.fields);
    // A worksheet row is as long as its last cell: empty cells at its end
    // are not stored, and cells past the header are columns without one.
    for (std::size_t h = header_.size(); h < row.fields.size(); ++h) {
      header_.emplace_back();
      column_of_.push_back(-1);
      unnamed_.push_back(true);
      unnamed_with_data_.push_back(false);
    }
    if (row.fields.size() >= header_.size()) return read_row(row.line, row.fields);
    padded_ = row.fields;
    padded_.resize(header_.size());
    read_row(row.line, padded_);
  }

  // What makes a row exceed a limit (English, with the Chinese after it in
  // brackets, and Chinese alone), or empty.
  std::pair<std::string, std::string> too_big(const SourceRow& row) const {
    if (row.bytes > limits_.max_row_bytes) {
      const std::string n = std::to_string(row.bytes), limit = std::to_string(limits_.max_row_bytes);
      return {"holds " + n + " bytes, more than the limit of " + limit + " (行过长)",
              "本行" + n + "字节，超过上限" + limit + "字节"};
    }
    if (row.found > limits_.max_columns) {
      const std::string limit = std::to_string(limits_.max_columns);
      return {"has more than " + limit + " cells (单元格数超过上限)", "单元格数超过上限" + limit + "个"};
    }
    if (row.cut != std::string_view::npos) {
      const std::size_t c = row.cut;
      const std::string name = c < header_.size() ? " (" + header_[c] + ")" : "";
      const std::string column = std::to_string(c + 1), limit = std::to_string(limits_.max_cell_bytes);
      return {"has a cell in column " + column + name + " of more than " + limit + " bytes (单元格过长)",
              "第" + column + "列" + name + "的单元格超过" + limit + "字节"};
    }
    return {};
  }

  void map_header(std::int64_t line, const std::vector<std::string>& fields) {
    header_ = fields;
    column_of_.assign(header_.size(), -1);
    unnamed_.assign(header_.size(), false);
    bool any = false;
    for (std::size_t h = 0; h < header_.size(); ++h) {
      const std::string key = header_key(header_[h]);
      if (key.empty()) {
        unnamed_[h] = true;
        continue;
      }
      std::optional<NameAndUnit> split;
      const int column = header_column(key, model_, &split);
      if (column < 0) continue;
      any = true;
      auto& slot = source_[static_cast<std::size_t>(column)];
      if (slot >= 0)
        throw InputError(line, header_[h],
                         "the same column appears twice (also column " + std::to_string(slot + 1) + ", '" +
                             header_[static_cast<std::size_t>(slot)] + "'): delete one of them (该列重复，请删除其中一列)");
      slot = static_cast<int>(h);
      column_of_[h] = column;
      if (column >= attribute_count && split && !split->unit.empty())
        set_unit(line, h, column - attribute_count, split->unit);
    }

    std::string missing_en, missing_zh;
    auto require = [&](const std::string& header, const std::string& id, const std::string& header_zh) {
      missing_en += (missing_en.empty() ? "" : ", ") + header + " (" + id + ")";
      missing_zh += (missing_zh.empty() ? "" : "、") + header_zh;
    };
    const auto& attributes = attribute_columns();
    for (int c = 0; c < attribute_count + k_; ++c) {
      if (source_[static_cast<std::size_t>(c)] >= 0 || !column_required(c, model_)) continue;
      if (c < attribute_count) {
        require(std::string(attributes[c].name_zh), std::string(attributes[c].id), std::string(attributes[c].name_zh));
      } else {
        const auto& indicator = model_.indicators[static_cast<std::size_t>(c - attribute_count)];
        require(indicator_header(indicator), indicator.id, indicator_header(indicator));
      }
    }
    // The stage comes from the data or, by age, from the founding date: a
    // file without the column would put every enterprise at the first stage.
    const std::string stage(attributes[stage_column].name_zh), stage_id(attributes[stage_column].id);
    const std::string founded(attributes[founded_column].name_zh), founded_id(attributes[founded_column].id);
    if (model_.stage_rule.basis == StageBasis::data && source_[stage_column] < 0) require(stage, stage_id, stage);
    if (model_.stage_rule.basis == StageBasis::age && source_[stage_column] < 0 && source_[founded_column] < 0)
      require(founded + " or " + stage, founded_id + " or " + stage_id, founded + "或" + stage);
    if (missing_en.empty()) return;
    std::string message = any ? "" : "no cell of this row is a column of the template: the header row must hold the "
                                     "template's column names (cxjf template); if the header is further down, say "
                                     "which row it is (表头行应为模板列名，表头不在此行时请指定表头行号); ";
    throw InputError(line, "",
                     message + "missing columns: " + missing_en + "; add them with the template's headers (缺少必需的列：" +
                         missing_zh + "；请按模板补齐)");
  }

  // An amount in 元 or 亿元 is converted to the model's 万元; any other unit
  // that differs from the model's would scale the scores' input silently.
  void set_unit(std::int64_t line, std::size_t h, int j, std::string_view unit) {
    const auto& indicator = model_.indicators[static_cast<std::size_t>(j)];
    if (indicator.unit.empty() || same_unit(unit, indicator.unit)) return;
    int from = amount_power(unit), to = amount_power(indicator.unit);
    if (from >= 0 && to >= 0) {
      shift_[static_cast<std::size_t>(j)] = from - to;
      return;
    }
    const std::string u(unit);
    throw InputError(line, header_[h],
                     "the unit is " + u + " but the model's " + indicator.name_zh + " is in " + indicator.unit +
                         ": write the column in " + indicator.unit + " and correct the header (元, 万元 and 亿元 are "
                         "converted) (单位“" + u + "”与模型单位“" + indicator.unit + "”不符：请换算为" + indicator.unit +
                         "并修改表头)");
  }

  // The template's second row: every recognised column holds its English id.
  bool is_id_row(const std::vector<std::string>& fields) const {
    const auto& attributes = attribute_columns();
    for (std::size_t h = 0; h < header_.size(); ++h) {
      int c = column_of_[h];
      if (c < 0) continue;
      std::string_view id =
          c < attribute_count ? attributes[c].id : model_.indicators[static_cast<std::size_t>(c - attribute_count)].id;
      if (h >= fields.size() || trim(fields[h]) != id) return false;
    }
    return true;
  }

  std::string_view raw(const std::vector<std::string>& fields, int column) const {
    int h = source_[static_cast<std::size_t>(column)];
    if (h < 0 || static_cast<std::size_t>(h) >= fields.size()) return {};
    return fields[static_cast<std::size_t>(h)];
  }

  // What the workbook cell under `column` held (text for CSV).
  xlsx::CellKind kind(int column) const {
    const int h = source_[static_cast<std::size_t>(column)];
    if (!kinds_ || h < 0 || static_cast<std::size_t>(h) >= kinds_->size()) return xlsx::CellKind::text;
    return (*kinds_)[static_cast<std::size_t>(h)];
  }

  // A formula whose value was never computed (a workbook written by a
  // program rather than saved by Excel) has nothing to read.
  std::optional<Reason> uncomputed(int column, std::string_view cell) const {
    if (kind(column) != xlsx::CellKind::formula) return std::nullopt;
    const std::string text(cell);
    return Reason{"the cell holds the formula '" + text + "' but no computed value: open the workbook in Excel or "
                  "LibreOffice and save it again, or paste the values instead of formulas",
                  "单元格为公式“" + text + "”但没有计算结果：请在Excel或WPS中打开并重新保存，或改为粘贴数值"};
  }

  void cell_error(std::int64_t line, int column, std::string_view raw_text, Reason reason) {
    int h = source_[static_cast<std::size_t>(column)];
    CellError error{line, header_[static_cast<std::size_t>(h)], std::string(raw_text), std::move(reason.en),
                    std::move(reason.zh)};
    error.column_number = h + 1;
    row_errors_.push_back({h, std::move(error)});
  }

  void reject_because(int column, const Reason& reason) {
    const std::string& header = header_[static_cast<std::size_t>(source_[static_cast<std::size_t>(column)])];
    reject_en_ += (reject_en_.empty() ? "" : "; ") + header + ": " + reason.en;
    reject_zh_ += (reject_zh_.empty() ? "" : "；") + header + "：" + reason.zh;
  }

  void reject(std::int64_t line, const std::vector<std::string>& fields, std::string en, std::string zh) {
    upload_.rejected.push_back(RejectedRow{line, std::string(raw(fields, credit_code_column)),
                                           std::string(raw(fields, name_column)), std::move(en), std::move(zh)});
  }

  void read_row(std::int64_t line, const std::vector<std::string>& fields) {
    ++upload_.rows_read;
    for (std::size_t h = 0; h < header_.size() && h < fields.size(); ++h)
      if (unnamed_[h] && !trim(fields[h]).empty()) unnamed_with_data_[h] = true;

    // A row whose cells do not line up with the header (an unquoted comma in
    // a name shifts every later cell) cannot be read cell by cell.
    bool extra = false;
    for (std::size_t h = header_.size(); h < fields.size(); ++h) extra |= !trim(fields[h]).empty();
    if (fields.size() < header_.size() || extra) {
      const std::string found = std::to_string(fields.size()), expected = std::to_string(header_.size());
      reject(line, fields,
             "the row has " + found + " cells but the header has " + expected +
                 ": a value containing a comma must be enclosed in double quotes, or cells were added or deleted",
             "该行有" + found + "个单元格，表头有" + expected + "列：含逗号的内容须用英文双引号括起，或检查是否多加或多删了单元格");
      return;
    }

    row_errors_.clear();
    reject_en_.clear();
    reject_zh_.clear();
    std::optional<Reason> code_problem;
    if (kind(credit_code_column) == xlsx::CellKind::number) {
      const std::string text(raw(fields, credit_code_column));
      code_problem = Reason{
          "the credit code '" + text + "' is stored as a number in the workbook, not as text: Excel keeps 15 "
          "significant digits of a number, so a code stored so may have lost its last digits; format the column as "
          "text (Format Cells > Text) and type the code again",
          "统一社会信用代码“" + text + "”在工作簿中存为数字而非文本，Excel只保留15位有效数字，末尾几位可能已丢失：请将该列"
          "设为文本格式（设置单元格格式→文本）后重新录入"};
    } else if (auto formula = uncomputed(credit_code_column, raw(fields, credit_code_column))) {
      code_problem = std::move(formula);
    } else {
      code_problem = check_credit_code(raw(fields, credit_code_column), row_.credit_code, scratch_);
    }
    if (auto& problem = code_problem) {
      cell_error(line, credit_code_column, raw(fields, credit_code_column), *problem);
      reject_because(credit_code_column, *problem);
    } else if (!as_table_ && row_.credit_code == example_credit_code) {
      reject(line, fields, "template example row", "模板示例行");
      return;
    }
    row_.name.assign(trim(raw(fields, name_column)));
    read_region(line, fields);
    read_attributes(line, fields);
    std::uint64_t bad = read_values(line, fields);

    if (reject_en_.empty()) add(line, fields, bad);
    else reject(line, fields, reject_en_, reject_zh_);
    std::stable_sort(row_errors_.begin(), row_errors_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& e : row_errors_) upload_.errors.push_back(std::move(e.second));
  }

  // The region decides the enterprise's peers and ranks: without a valid
  // one the row cannot be scored.
  void read_region(std::int64_t line, const std::vector<std::string>& fields) {
    std::string_view cell = raw(fields, region_column);
    std::string_view s = trim(fold_width(cell, scratch_));
    const std::string text(cell);
    std::optional<Reason> reason;
    if (s.empty())
      reason = Reason{"the region code is empty: every row needs the six-digit GB/T 2260 code of its county, city or "
                      "province (e.g. 440305)",
                      "行政区划代码为空：每行都须填写6位行政区划代码（GB/T 2260，如440305）"};
    else if (s.size() != 6 || !all_digits(s))
      reason = Reason{"'" + text + "' is not a six-digit region code (GB/T 2260, e.g. 440305)",
                      "“" + text + "”不是6位行政区划代码（GB/T 2260，如440305）"};
    else if (!builder_.regions().find(digits_value(s)))
      reason = Reason{"'" + text + "' is not a region code of GB/T 2260: use the code of the county, city or province",
                      "“" + text + "”不是有效的行政区划代码（GB/T 2260），请填写区县、地市或省级代码"};
    if (reason) {
      cell_error(line, region_column, cell, *reason);
      reject_because(region_column, *reason);
      row_.region = 0;
    } else {
      row_.region = digits_value(s);
    }
  }

  // The optional attributes: a bad one is reported and left unknown.
  void read_attributes(std::int64_t line, const std::vector<std::string>& fields) {
    row_.zone.assign(trim(raw(fields, zone_column)));
    row_.incubator.assign(trim(raw(fields, incubator_column)));
    row_.stage.assign(trim(raw(fields, stage_column)));
    split_values(raw(fields, tech_fields_column), row_.tech_fields, upload_separators);
    split_values(raw(fields, qualifications_column), row_.qualifications, upload_separators);
    split_values(raw(fields, negatives_column), row_.negatives, upload_separators);

    std::string_view industry = raw(fields, industry_column);
    if (auto letter = read_industry(industry, scratch_)) {
      row_.industry = *letter;
    } else {
      row_.industry.clear();
      const std::string text(industry);
      cell_error(line, industry_column, industry,
                 {"'" + text + "' is not an industry section of GB/T 4754-2017: write its letter A-T (e.g. C), its "
                               "name (e.g. 制造业) or both (C 制造业); the row is scored with the industry unknown",
                  "“" + text + "”不是国民经济行业门类（GB/T 4754-2017）：请填写门类字母A-T（如C）、门类名称（如制造业）"
                               "或两者（C 制造业）；本行按行业未知计分"});
    }

    std::optional<Reason> reason;
    std::string_view founded = raw(fields, founded_column);
    row_.founded = read_date(founded, reason, scratch_);
    if (reason) {
      reason->en += "; the row is scored with the founding date unknown";
      reason->zh += "；本行按成立日期未知计分";
      cell_error(line, founded_column, founded, *reason);
    }

    row_.registered = true;
    if (as_table_ && source_[registered_column] >= 0) {
      std::string_view cell = raw(fields, registered_column);
      if (auto flag = parse_registered(trim(fold_width(cell, scratch_)))) {
        row_.registered = *flag;
      } else {
        const std::string text(cell);
        const Reason why{"'" + text + "' is not 是 or 否 (1/0 or true/false also work)",
                         "“" + text + "”应为“是”或“否”（也可写1/0或true/false）"};
        cell_error(line, registered_column, cell, why);
        reject_because(registered_column, why);
      }
    }
  }

  // Indicator cells; a bad one is reported and treated as missing (bit j of
  // the result).
  std::uint64_t read_values(std::int64_t line, const std::vector<std::string>& fields) {
    std::uint64_t bad = 0;
    row_.values.assign(static_cast<std::size_t>(k_), missing_value);
    for (int j = 0; j < k_; ++j) {
      const int column = attribute_count + j;
      if (source_[static_cast<std::size_t>(column)] < 0) continue;
      const auto& indicator = model_.indicators[static_cast<std::size_t>(j)];
      std::string_view cell = raw(fields, column);
      NumberCell number;
      if (auto formula = uncomputed(column, cell)) {
        number.kind = CellKind::bad;
        number.reason = std::move(*formula);
      } else {
        number = read_number(cell, indicator.unit, shift_[static_cast<std::size_t>(j)], percent_form_, scratch_);
      }
      if (number.kind == CellKind::bad) {
        bad |= std::uint64_t{1} << j;
        number.reason.en += "; the cell is treated as missing";
        number.reason.zh += "；本格按缺失处理";
        cell_error(line, column, cell, std::move(number.reason));
        continue;
      }
      row_.values[static_cast<std::size_t>(j)] = number.value;
    }
    return bad;
  }

  void add(std::int64_t line, const std::vector<std::string>& fields, std::uint64_t bad) {
    keep_within_budget(line, fields, tech_fields_column, row_.tech_fields);
    keep_within_budget(line, fields, qualifications_column, row_.qualifications);
    keep_within_budget(line, fields, negatives_column, row_.negatives);
    try {
      builder_.add(row_, line);
    } catch (const InputError& e) {
      // Every check of TableBuilder was made above; should one still fail,
      // the row is reported rather than lost.
      reject(line, fields, e.what(), std::string("本行无法读取：") + e.what());
      return;
    }
    upload_.source_row.push_back(line);
    upload_.bad_indicators.push_back(bad);
  }

  // A table holds at most 32 distinct values of a multi-valued column. The
  // values the model scores (bonus qualifications, negative flags) always
  // have room: other values are admitted only while room is left beyond
  // those the model names, so a row's score never depends on the other rows
  // of the upload. A value left out is reported on its cell.
  void keep_within_budget(std::int64_t line, const std::vector<std::string>& fields, int column,
                          std::vector<std::string>& values) {
    MultiBudget& b = budget_[column == tech_fields_column ? 0 : column == qualifications_column ? 1 : 2];
    std::vector<std::string> dropped;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::string& value = values[i];
      const bool named = b.named.count(value) > 0;
      const bool known = b.seen.count(value) > 0;
      const std::size_t named_unseen = b.named.size() - b.named_seen;
      if (!known && !named && b.seen.size() + named_unseen >= static_cast<std::size_t>(max_multi_values)) {
        dropped.push_back(value);
        continue;
      }
      if (!known) {
        b.seen.insert(value);
        b.named_seen += named;
      }
      if (kept != i) values[kept] = std::move(values[i]);
      ++kept;
    }
    values.resize(kept);
    if (dropped.empty()) return;
    std::string list;
    for (const auto& d : dropped) list += (list.empty() ? "" : "; ") + d;
    cell_error(line, column, raw(fields, column),
               {"'" + list + "' left out: an upload holds at most 32 distinct values of this column and the model "
                             "scores none of these, so the score is unchanged",
                "“" + list + "”未读入：一次上传该列最多32种不同取值，且模型不对其计分，分值不受影响"});
  }

  void finish() {
    upload_.table = builder_.build();
    for (std::size_t h = 0; h < header_.size(); ++h) {
      if (column_of_[h] >= 0) continue;
      if (!unnamed_[h]) {
        upload_.unknown_columns.push_back(header_[h]);
      } else if (unnamed_with_data_[h]) {
        const std::string number = std::to_string(h + 1);
        upload_.unknown_columns.push_back("(column " + number + " has no header / 第" + number + "列无表头)");
      }
    }
  }

  const Model& model_;
  Upload& upload_;
  TableBuilder builder_;
  PercentForm percent_form_;
  UploadLimits limits_;
  bool as_table_;
  int k_ = 0;
  std::vector<std::string> header_;
  std::vector<int> source_;     // file column of each of our columns, -1 absent
  std::vector<int> column_of_;  // our column of each file column, -1 unknown
  std::vector<int> shift_;      // per indicator: power of ten from the header's unit to the model's
  std::vector<bool> unnamed_;            // per file column: its header is blank
  std::vector<bool> unnamed_with_data_;  // ...and some row has a value under it
  struct MultiBudget {
    std::unordered_set<std::string> named;  // values the model scores
    std::unordered_set<std::string> seen;   // distinct values admitted so far
    std::size_t named_seen = 0;
  };
  std::array<MultiBudget, 3> budget_;  // tech fields, qualifications, negatives

  // Per row, reused.
  const std::vector<xlsx::CellKind>* kinds_ = nullptr;  // of the row being read; empty for CSV
  std::vector<std::string> padded_;                     // a short worksheet row, to the header's width
  Row row_;
  std::vector<std::pair<int, CellError>> row_errors_;  // with their file column, to sort
  std::string reject_en_, reject_zh_;
  std::string scratch_;
};

}  // namespace

const char* percent_form_name(PercentForm form) { return form == PercentForm::fraction ? "fraction" : "percent"; }

PercentForm percent_form_from_name(std::string_view name) {
  if (name == "percent") return PercentForm::percent;
  if (name == "fraction") return PercentForm::fraction;
  throw Error(ErrorCode::invalid_argument,
              "unknown percent form '" + std::string(name) +
                  "': use percent (12.5 means 12.5 %) or fraction (0.125 means 12.5 %) (百分数列的写法：percent 或 fraction)");
}

Upload read_upload(std::string_view bytes, const Model& model, const UploadOptions& options) {
  Upload upload;
  open_rows(bytes, model, options, [&](RowSource& rows, const std::string& sheet, Encoding encoding) {
    upload.sheet = sheet;
    upload.encoding = encoding;
    UploadReader(model, upload, options.percent_form, options.limits, options.regions, options.as_table)
        .read(rows, options.header_row);
  });
  return upload;
}

UploadCells read_upload_cells(std::string_view bytes, const Model& model, const UploadOptions& options) {
  UploadCells cells;
  open_rows(bytes, model, options, [&](RowSource& rows, const std::string& sheet, Encoding) {
    cells.sheet = sheet;
    std::vector<SourceRow> ahead;
    const std::size_t header = find_header(rows, model, options.header_row, ahead);
    cells.header_row = ahead[header].line;
    cells.header = ahead[header].fields;
    auto add = [&](SourceRow& row) {
      if (blank(row.fields)) return;
      if (static_cast<std::int64_t>(cells.rows.size()) >= options.limits.max_rows)
        throw InputError(row.line, "", "the upload has more than " + std::to_string(options.limits.max_rows) +
                                           " data rows (上传数据行数超过上限)");
      cells.rows.push_back(row.line);
      cells.cells.push_back(std::move(row.fields));
    };
    for (std::size_t i = header + 1; i < ahead.size(); ++i) add(ahead[i]);
    for (SourceRow row; rows.next(row);) add(row);
  });
  return cells;
}

Upload read_upload_file(const std::string& path, const Model& model, const UploadOptions& options) {
  // The size first: a file past the limit is refused before it is read.
  const std::string bytes = read_file(path, options.limits.max_bytes,
                                      [&](std::uint64_t size) { too_large(static_cast<std::size_t>(size), options.limits); });
  return read_upload(bytes, model, options);
}

Upload read_upload(std::string_view bytes, const Model& model, Encoding encoding) {
  UploadOptions options;
  options.encoding = encoding;
  return read_upload(bytes, model, options);
}

Upload read_upload_file(const std::string& path, const Model& model, Encoding encoding) {
  UploadOptions options;
  options.encoding = encoding;
  return read_upload_file(path, model, options);
}

Table read_table_as_upload(std::string_view bytes, const Model& model, UploadOptions options,
                           std::vector<std::string>* unknown_columns) {
  options.as_table = true;
  // A table, not a portal's upload: the national file of 520,000 rows must
  // pass; only the bounds that keep one cell or row sane stay.
  options.limits.max_bytes = std::numeric_limits<std::size_t>::max();
  options.limits.max_rows = std::numeric_limits<std::int64_t>::max();
  options.limits.max_cells = std::numeric_limits<std::int64_t>::max();
  options.limits.max_unpacked_bytes = std::numeric_limits<std::uint64_t>::max();
  Upload upload = read_upload(bytes, model, options);
  // Every problem, in file order: bad cells (a row's first names it) and
  // rows left out for another reason; then codes given twice.
  struct Problem {
    std::int64_t row;
    std::string column, text;
  };
  std::vector<Problem> problems;
  for (const CellError& e : upload.errors)
    problems.push_back({e.row, e.column, "row " + std::to_string(e.row) + ", column " + e.column + ": " + e.reason_en +
                                             " (" + e.reason_zh + ")"});
  std::unordered_set<std::int64_t> rows_with_errors;
  for (const CellError& e : upload.errors) rows_with_errors.insert(e.row);
  for (const RejectedRow& r : upload.rejected) {
    if (!rows_with_errors.count(r.row))
      problems.push_back({r.row, "", "row " + std::to_string(r.row) + ": " + r.reason_en + " (" + r.reason_zh + ")"});
  }
  {
    std::unordered_map<std::string_view, std::int64_t> first;
    const Table& t = upload.table;
    for (std::size_t i = 0; i < t.credit_code.size(); ++i) {
      auto [at, fresh] = first.emplace(t.credit_code[i], upload.source_row[i]);
      if (!fresh)
        problems.push_back({upload.source_row[i], "", "row " + std::to_string(upload.source_row[i]) + ": credit code " +
                                                          t.credit_code[i] + " appears again (first on row " +
                                                          std::to_string(at->second) + ") (统一社会信用代码重复)"});
    }
  }
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) { return a.row < b.row; });
  if (!problems.empty()) {
    constexpr std::size_t shown = 50;
    std::string message = std::to_string(problems.size()) + (problems.size() == 1 ? " problem" : " problems") +
                          " (共" + std::to_string(problems.size()) + "处错误):";
    for (std::size_t p = 0; p < problems.size() && p < shown; ++p) message += "\n" + problems[p].text;
    if (problems.size() > shown)
      message += "\n... and " + std::to_string(problems.size() - shown) + " more (另有" +
                 std::to_string(problems.size() - shown) + "处)";
    throw InputError(problems.front().row, problems.front().column, message);
  }
  if (unknown_columns) *unknown_columns = upload.unknown_columns;
  return std::move(upload.table);
}

}  // namespace cxjf
