// The upload template (导入测算模板), as CSV and as an Excel workbook. Both
// come from one description of the template's rows, derived from the model,
// so that a local model with its own indicators gets its own template and
// the two files always agree.
#include <algorithm>
#include <charconv>
#include <system_error>
#include <string>
#include <vector>

#include "table/csv_text.hpp"
#include "cxjf/model.hpp"
#include "cxjf/table.hpp"
#include "cxjf/upload.hpp"
#include "xlsx/writer.hpp"

namespace cxjf {
namespace {

using namespace detail;

// One column of the template.
struct TemplateColumn {
  int column = 0;             // our column (attribute, or attribute_count + indicator)
  std::string header;         // Chinese, with the unit: 研发费用金额(万元)
  std::string id;             // English id
  std::string unit;
  std::string example;        // the example row's cell
  bool numeric = false;       // the example is a number
  bool required = false;
  std::string note;           // for the instructions sheet
};

std::string attribute_note(int column) {
  switch (column) {
    case credit_code_column: return "18位统一社会信用代码（GB 32100-2015），本列为文本格式，请勿改为数字 / 18 characters; the column is text, keep it so";
    case name_column: return "企业名称 / enterprise name";
    case region_column: return "6位行政区划代码（GB/T 2260），区县、地市或省级，如440305 / six-digit region code of the county, city or province";
    case zone_column: return "所在国家高新区名称，无则留空 / national high-tech zone, empty when none";
    case incubator_column: return "所在孵化器名称，无则留空 / incubator, empty when none";
    case industry_column: return "国民经济行业门类（GB/T 4754-2017）：字母A-T、名称或两者，可从下拉列表选择 / section letter, name or both";
    case tech_fields_column: return "技术领域，可从下拉列表选择，多个用；或、分隔 / technology fields, several separated by ; or 、";
    case qualifications_column: return "企业资质，如高新技术企业，多个用；或、分隔 / qualifications, several separated by ;";
    case negatives_column: return "负面清单事项，无则留空 / negative-list items, empty when none";
    case founded_column: return "成立日期，如2015-06-30 / founding date";
    case stage_column: return "发展阶段，一般留空，由模型按规则判定 / usually empty: the model assigns it";
    default: return {};
  }
}

std::vector<TemplateColumn> template_columns(const Model& model) {
  std::vector<TemplateColumn> columns;
  // 是否入统 is left out: whether an enterprise is registered is what
  // estimation looks up, not something the uploader states.
  for (int a = 0; a < attribute_count; ++a) {
    if (a == registered_column) continue;
    const auto& attribute = attribute_columns()[static_cast<std::size_t>(a)];
    TemplateColumn c;
    c.column = a;
    c.header = std::string(attribute.name_zh);
    c.id = std::string(attribute.id);
    c.required = column_required(a, model);
    c.note = attribute_note(a);
    switch (a) {
      case credit_code_column: c.example = std::string(example_credit_code); break;
      case name_column: c.example = "示例科技有限公司（示例行）"; break;
      case region_column: c.example = "350102"; break;
      case zone_column: c.example = "福州高新技术产业开发区"; break;
      case industry_column: c.example = "C"; break;
      case tech_fields_column: c.example = "电子信息;先进制造与自动化"; break;
      case qualifications_column: c.example = "高新技术企业;科技型中小企业"; break;
      case founded_column: c.example = "2015-06-30"; break;
      case stage_column:
        // Only a model that takes the stage from the data needs one; any
        // other assigns it, and a stage given here would override that.
        if (model.stage_rule.basis == StageBasis::data && !model.stages.empty()) {
          c.example = model.stages[0].name_zh;
          c.required = true;
        }
        break;
      default: break;
    }
    columns.push_back(std::move(c));
  }
  for (std::size_t i = 0; i < model.indicators.size(); ++i) {
    const Indicator& indicator = model.indicators[i];
    TemplateColumn c;
    c.column = attribute_count + static_cast<int>(i);
    c.header = indicator_header(indicator);
    c.id = indicator.id;
    c.unit = indicator.unit;
    c.numeric = true;
    c.required = column_required(c.column, model);
    const std::string& unit = indicator.unit;
    c.example = unit == "万元" ? "1234.5" : unit == "元" ? "12345000" : unit == "亿元" ? "0.12"
                : same_unit(unit, "%") ? "12.5" : "3";
    c.note = indicator.name_zh + " / " + indicator.name_en;
    if (same_unit(unit, "%")) c.note += "；百分数写12.5或12.5%，也可用百分比格式的单元格 / 12.5 or 12.5% or a percent-formatted cell";
    else if (amount_power(unit) >= 0) c.note += "；可在数字后写单位元、万元或亿元，自动换算 / a unit 元, 万元 or 亿元 after the number is converted";
    c.note += "；无数据请留空 / empty when there is no value";
    columns.push_back(std::move(c));
  }
  return columns;
}

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";
constexpr const char* data_sheet = "上传模板";
constexpr const char* guide_sheet = "填写说明";
constexpr const char* lists_sheet = "下拉选项";
// Rows of the data sheet offered drop-down lists and kept as text.
constexpr std::int32_t template_rows = 10000;

}  // namespace

std::string upload_template_csv(const Model& model) {
  std::string header, ids, example;
  for (const TemplateColumn& c : template_columns(model)) {
    if (!header.empty()) {
      header += ',';
      ids += ',';
      example += ',';
    }
    append_csv_field(header, c.header);
    append_csv_field(ids, c.id);
    append_csv_field(example, c.example);
  }
  return std::string(utf8_bom) + header + "\r\n" + ids + "\r\n" + example + "\r\n";
}

std::string upload_template_xlsx(const Model& model) {
  const std::vector<TemplateColumn> columns = template_columns(model);
  xlsx::Writer book;

  // The instructions first: what a clerk reads before filling in.
  xlsx::SheetWriter guide = book.sheet(guide_sheet);
  std::int32_t r = 0;
  guide.text(r++, 0, "企业创新积分导入测算模板 / Enterprise innovation credit: upload template", xlsx::Style::header);
  for (const char* line : {
           "1. 在“上传模板”工作表第4行起每行填写一家企业；第2行（英文列名）可保留，第3行为示例行，读取时不计分。",
           "   Fill one enterprise per row of the sheet 上传模板 from row 4; row 2 (English ids) may stay, row 3 (the "
           "example) is never scored.",
           "2. 统一社会信用代码、行政区划代码两列为文本格式，请勿改为数字（否则末位数字丢失）。",
           "   The credit-code and region columns are text: keep them so, or Excel drops digits.",
           "3. 金额单位以表头为准，也可在数字后写元、万元、亿元；百分数可写12.5或12.5%。无数据请留空。",
           "   Amounts are in the header's unit, or write 元, 万元, 亿元 after the number; percents as 12.5 or 12.5%. "
           "Leave a cell empty when there is no value."})
    guide.text(r++, 0, line);
  guide.text(r++, 0, "4. 模型 / model: " + model.id + "（" + model.name + "）");
  ++r;
  const std::int32_t table_top = r;
  const char* guide_headers[] = {"列名（表头）/ header", "English id", "单位 / unit", "必填 / required", "说明 / notes"};
  for (std::int32_t c = 0; c < 5; ++c) guide.text(table_top, c, guide_headers[c], xlsx::Style::header);
  for (const TemplateColumn& c : columns) {
    ++r;
    guide.text(r, 0, c.header);
    guide.text(r, 1, c.id);
    guide.text(r, 2, c.unit);
    guide.text(r, 3, c.required ? "是 / yes" : "否 / no");
    guide.text(r, 4, c.note);
  }
  const double guide_widths[] = {34, 24, 10, 14, 90};
  for (std::int32_t c = 0; c < 5; ++c) guide.column(c, guide_widths[c]);

  // The data sheet: headers, ids, the example; codes as text; lists.
  xlsx::SheetWriter data = book.sheet(data_sheet);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const TemplateColumn& c = columns[i];
    const auto col = static_cast<std::int32_t>(i);
    const bool text = c.column == credit_code_column || c.column == region_column;
    data.column(col, std::clamp(xlsx::display_width(c.header) + 3, 10.0, 40.0),
                text ? xlsx::Style::text : xlsx::Style::plain);
    data.text(0, col, c.header, xlsx::Style::header);
    data.text(1, col, c.id, xlsx::Style::note);
    double number = 0;
    if (c.numeric && std::from_chars(c.example.data(), c.example.data() + c.example.size(), number).ec == std::errc())
      data.number(2, col, number);
    else data.text(2, col, c.example, text ? xlsx::Style::example_text : xlsx::Style::example);
  }
  data.freeze(2, 2);

  // The lists behind the drop-downs, on a hidden sheet: Excel limits a list
  // written into the rule itself to 255 characters, which the industries
  // alone exceed.
  xlsx::SheetWriter lists = book.sheet(lists_sheet);
  std::vector<std::vector<std::string>> options(4);
  for (int i = 0; i < industry_count; ++i)
    options[0].push_back(std::string(1, static_cast<char>('A' + i)) + " " + std::string(industry_name(i)));
  for (const Stage& stage : model.stages) options[1].push_back(stage.name_zh);
  for (std::string_view field : standard_tech_fields) options[2].emplace_back(field);
  for (std::string_view q : standard_qualifications) options[3].emplace_back(q);
  for (const BonusItem& item : model.bonus)
    if (!item.qualification.empty() &&
        std::find(options[3].begin(), options[3].end(), item.qualification) == options[3].end())
      options[3].push_back(item.qualification);
  const int list_columns[] = {industry_column, stage_column, tech_fields_column, qualifications_column};
  const char* list_headers[] = {"一级行业可选值", "发展阶段可选值", "技术领域可选值", "企业资质可选值"};
  for (std::int32_t k = 0; k < 4; ++k) {
    lists.text(0, k, list_headers[k], xlsx::Style::header);
    for (std::size_t v = 0; v < options[static_cast<std::size_t>(k)].size(); ++v)
      lists.text(static_cast<std::int32_t>(v) + 1, k, options[static_cast<std::size_t>(k)][v]);
    lists.column(k, 30);
    const auto at = std::find_if(columns.begin(), columns.end(),
                                 [&](const TemplateColumn& c) { return c.column == list_columns[k]; });
    if (at == columns.end() || options[static_cast<std::size_t>(k)].empty()) continue;
    const std::string letter = std::string(1, static_cast<char>('A' + k));
    data.list(3, template_rows, static_cast<std::int32_t>(at - columns.begin()),
              std::string("=") + lists_sheet + "!$" + letter + "$2:$" + letter + "$" +
                  std::to_string(options[static_cast<std::size_t>(k)].size() + 1));
  }
  lists.hide();
  return book.bytes();
}

}  // namespace cxjf
