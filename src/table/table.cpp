#include "cxjf/table.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string>

#include "cxjf/credit_code.hpp"
#include "cxjf/error.hpp"
#include "cxjf/regions.hpp"
#include "table/csv_text.hpp"

namespace cxjf {
namespace {

constexpr std::array<std::string_view, industry_count> industry_names = {
    "农、林、牧、渔业",
    "采矿业",
    "制造业",
    "电力、热力、燃气及水生产和供应业",
    "建筑业",
    "批发和零售业",
    "交通运输、仓储和邮政业",
    "住宿和餐饮业",
    "信息传输、软件和信息技术服务业",
    "金融业",
    "房地产业",
    "租赁和商务服务业",
    "科学研究和技术服务业",
    "水利、环境和公共设施管理业",
    "居民服务、修理和其他服务业",
    "教育",
    "卫生和社会工作",
    "文化、体育和娱乐业",
    "公共管理、社会保障和社会组织",
    "国际组织",
};

// Error fields are the template's Chinese headers, which parse_table_csv
// maps back to the headers as written in the file.
constexpr const char* credit_code_field = "统一社会信用代码";
constexpr const char* region_field = "行政区划代码";
constexpr const char* industry_field = "一级行业";
constexpr const char* tech_fields_field = "技术领域";
constexpr const char* qualifications_field = "企业资质";
constexpr const char* negatives_field = "负面清单";
constexpr const char* founded_field = "成立日期";

std::string date_text(std::int32_t yyyymmdd) {
  if (yyyymmdd < 10000101 || yyyymmdd > 99991231) return std::to_string(yyyymmdd);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", static_cast<int>(yyyymmdd / 10000),
                static_cast<int>(yyyymmdd / 100 % 100), static_cast<int>(yyyymmdd % 100));
  return buffer;
}

std::string region_text(std::int32_t code) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%06d", static_cast<int>(code));
  return buffer;
}

// A multi-valued field becomes a 32-bit set over its dictionary; checks
// before anything is interned, so a refused row leaves the builder unchanged.
template <class Values>
void check_multi(const Values& values, const Dictionary& names, const char* field, std::int64_t row) {
  std::int32_t next = names.size();
  // New values of this row; past 32 the row fails, so a fixed array holds them.
  std::array<std::string_view, max_multi_values> added;
  std::size_t count = 0;
  for (const auto& value : values) {
    if (value.empty() || names.find(value) >= 0) continue;
    if (std::find(added.begin(), added.begin() + count, std::string_view(value)) != added.begin() + count) continue;
    if (next == max_multi_values)
      throw InputError(row, field,
                       "'" + std::string(value) + "' would be distinct value " + std::to_string(next + 1) +
                           " of this column; a table holds at most 32 (最多32种)");
    added[count++] = value;
    ++next;
  }
}

template <class Values>
std::uint32_t intern_multi(const Values& values, Dictionary& names) {
  std::uint32_t bits = 0;
  for (const auto& value : values)
    if (!value.empty()) bits |= 1u << names.intern(value);
  return bits;
}

std::int32_t intern_optional(std::string_view value, Dictionary& names) {
  return value.empty() ? -1 : names.intern(value);
}

std::vector<std::string> split_bits(const Dictionary& names, std::uint32_t bits) {
  std::vector<std::string> values;
  for (int b = 0; b < max_multi_values; ++b)
    if (bits >> b & 1u) values.push_back(names[b]);
  return values;
}

}  // namespace

std::string_view industry_name(int index) {
  if (index < 0 || index >= industry_count)
    throw Error(ErrorCode::invalid_argument, "industry index " + std::to_string(index) + " is not in 0..19");
  return industry_names[static_cast<std::size_t>(index)];
}

int industry_index(std::string_view text) {
  if (text.size() == 1) {
    char c = text[0];
    if (c >= 'A' && c <= 'T') return c - 'A';
    if (c >= 'a' && c <= 't') return c - 'a';
    return -1;
  }
  for (int i = 0; i < industry_count; ++i)
    if (industry_names[static_cast<std::size_t>(i)] == text) return i;
  return -1;
}

int Table::indicator_column(std::string_view id) const {
  for (std::size_t j = 0; j < indicator_ids.size(); ++j)
    if (indicator_ids[j] == id) return static_cast<int>(j);
  return -1;
}

Row Table::row(std::int64_t i) const {
  if (i < 0 || i >= size())
    throw Error(ErrorCode::invalid_argument,
                "row " + std::to_string(i) + " is out of range: the table has " + std::to_string(size()) + " rows");
  auto r = static_cast<std::size_t>(i);
  Row out;
  out.credit_code = credit_code[r];
  out.name = name[r];
  out.region = region[r];
  if (zone[r] >= 0) out.zone = zones[zone[r]];
  if (incubator[r] >= 0) out.incubator = incubators[incubator[r]];
  if (industry[r] >= 0) out.industry = std::string(1, static_cast<char>('A' + industry[r]));
  out.tech_fields = split_bits(tech_field_names, tech_fields[r]);
  out.qualifications = split_bits(qualification_names, qualifications[r]);
  out.negatives = split_bits(negative_names, negatives[r]);
  out.founded = founded[r];
  out.registered = registered[r] != 0;
  if (stage[r] >= 0) out.stage = stage_names[stage[r]];
  out.values.resize(indicator_ids.size());
  for (std::size_t j = 0; j < indicator_ids.size(); ++j) out.values[j] = values(i, static_cast<Eigen::Index>(j));
  return out;
}

Table concatenate(std::vector<Table> parts) {
  Table out;
  if (parts.empty()) return out;
  out.indicator_ids = parts.front().indicator_ids;
  out.regions = parts.front().regions;
  std::size_t n = 0;
  for (const Table& part : parts) {
    if (part.indicator_ids != out.indicator_ids)
      throw Error(ErrorCode::invalid_argument, "the tables to concatenate have different indicator columns");
    if (part.region_table().content_hash() != parts.front().region_table().content_hash())
      throw Error(ErrorCode::invalid_argument, "the tables to concatenate were read with different region tables (" +
                                                   parts.front().region_table().edition() + ", " +
                                                   part.region_table().edition() + ")");
    // Each part must be whole: every column as long as the codes, every code
    // within its dictionary (a hand-built Table may not be).
    const std::size_t rows = static_cast<std::size_t>(part.size());
    auto codes_fit = [rows](const std::vector<std::int32_t>& codes, const Dictionary& names) {
      return codes.size() == rows && std::all_of(codes.begin(), codes.end(), [&](std::int32_t c) {
               return c >= -1 && c < names.size();
             });
    };
    auto bits_fit = [rows](const std::vector<std::uint32_t>& bits, const Dictionary& names) {
      return bits.size() == rows && names.size() <= max_multi_values &&
             std::all_of(bits.begin(), bits.end(), [&](std::uint32_t b) { return names.size() == 32 || (b >> names.size()) == 0; });
    };
    if (part.name.size() != rows || part.region.size() != rows || part.industry.size() != rows ||
        part.founded.size() != rows || part.registered.size() != rows ||
        static_cast<std::size_t>(part.values.rows()) != rows ||
        static_cast<std::size_t>(part.values.cols()) != out.indicator_ids.size() || !codes_fit(part.zone, part.zones) ||
        !codes_fit(part.incubator, part.incubators) || !codes_fit(part.stage, part.stage_names) ||
        !bits_fit(part.tech_fields, part.tech_field_names) || !bits_fit(part.qualifications, part.qualification_names) ||
        !bits_fit(part.negatives, part.negative_names))
      throw Error(ErrorCode::invalid_argument, "a table to concatenate is inconsistent: columns of different lengths "
                                               "or codes outside their dictionaries");
    n += rows;
  }
  // Codes of a part's dictionary in the merged one; first appearance order
  // is kept because the parts are merged in row order.
  auto merge = [](Dictionary& into, const Dictionary& from) {
    std::vector<std::int32_t> map(static_cast<std::size_t>(from.size()));
    for (std::int32_t c = 0; c < from.size(); ++c) map[static_cast<std::size_t>(c)] = into.intern(from[c]);
    return map;
  };
  auto merge_multi = [&](Dictionary& into, const Dictionary& from, const char* column) {
    std::vector<std::int32_t> map = merge(into, from);
    if (into.size() > max_multi_values)
      throw Error(ErrorCode::invalid_argument, std::string("the column ") + column + " would hold more than " +
                                                   std::to_string(max_multi_values) + " distinct values");
    return map;
  };
  auto recode = [](std::vector<std::int32_t>& into, const std::vector<std::int32_t>& from,
                   const std::vector<std::int32_t>& map) {
    for (std::int32_t c : from) into.push_back(c < 0 ? c : map[static_cast<std::size_t>(c)]);
  };
  auto rebit = [](std::vector<std::uint32_t>& into, const std::vector<std::uint32_t>& from,
                  const std::vector<std::int32_t>& map) {
    bool same = true;
    for (std::size_t b = 0; b < map.size(); ++b) same &= map[b] == static_cast<std::int32_t>(b);
    if (same) {
      into.insert(into.end(), from.begin(), from.end());
      return;
    }
    for (std::uint32_t bits : from) {
      std::uint32_t out_bits = 0;
      for (std::size_t b = 0; b < map.size(); ++b)
        if (bits >> b & 1u) out_bits |= 1u << map[b];
      into.push_back(out_bits);
    }
  };
  for (auto* column : {&out.zone, &out.incubator, &out.stage}) column->reserve(n);
  for (auto* column : {&out.tech_fields, &out.qualifications, &out.negatives}) column->reserve(n);
  out.credit_code.reserve(n);
  out.name.reserve(n);
  out.region.reserve(n);
  out.industry.reserve(n);
  out.founded.reserve(n);
  out.registered.reserve(n);
  const std::size_t k = out.indicator_ids.size();
  out.values.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(k));
  std::size_t at = 0;
  for (Table& part : parts) {
    const auto rows = static_cast<std::size_t>(part.size());
    std::move(part.credit_code.begin(), part.credit_code.end(), std::back_inserter(out.credit_code));
    std::move(part.name.begin(), part.name.end(), std::back_inserter(out.name));
    out.region.insert(out.region.end(), part.region.begin(), part.region.end());
    recode(out.zone, part.zone, merge(out.zones, part.zones));
    recode(out.incubator, part.incubator, merge(out.incubators, part.incubators));
    out.industry.insert(out.industry.end(), part.industry.begin(), part.industry.end());
    rebit(out.tech_fields, part.tech_fields, merge_multi(out.tech_field_names, part.tech_field_names, "技术领域"));
    rebit(out.qualifications, part.qualifications,
          merge_multi(out.qualification_names, part.qualification_names, "企业资质"));
    rebit(out.negatives, part.negatives, merge_multi(out.negative_names, part.negative_names, "负面清单"));
    out.founded.insert(out.founded.end(), part.founded.begin(), part.founded.end());
    out.registered.insert(out.registered.end(), part.registered.begin(), part.registered.end());
    recode(out.stage, part.stage, merge(out.stage_names, part.stage_names));
    for (std::size_t j = 0; j < k; ++j)
      if (rows > 0)
        std::copy_n(part.values.col(static_cast<Eigen::Index>(j)).data(), rows, out.values.data() + j * n + at);
    at += rows;
    part = Table();  // frees the part's memory as the merge goes
  }
  return out;
}

TableBuilder::TableBuilder(std::vector<std::string> indicator_ids, std::shared_ptr<const Regions> regions) {
  for (std::size_t j = 0; j < indicator_ids.size(); ++j)
    for (std::size_t i = 0; i < j; ++i)
      if (indicator_ids[i] == indicator_ids[j])
        throw Error(ErrorCode::invalid_argument, "indicator id '" + indicator_ids[j] + "' is given twice");
  table_.indicator_ids = std::move(indicator_ids);
  // The embedded table stays implicit (null), so tables compare and travel alike.
  if (regions && !regions->is_builtin()) table_.regions = std::move(regions);
}

TableBuilder::TableBuilder(const Model& model, std::shared_ptr<const Regions> regions)
    : TableBuilder([&model] {
        std::vector<std::string> ids;
        ids.reserve(model.indicators.size());
        for (const auto& indicator : model.indicators) ids.push_back(indicator.id);
        return ids;
      }(),
                   std::move(regions)) {}

void TableBuilder::reserve(std::int64_t n) {
  if (n <= 0) return;
  auto count = static_cast<std::size_t>(n);
  table_.credit_code.reserve(count);
  table_.name.reserve(count);
  table_.region.reserve(count);
  table_.zone.reserve(count);
  table_.incubator.reserve(count);
  table_.industry.reserve(count);
  table_.tech_fields.reserve(count);
  table_.qualifications.reserve(count);
  table_.negatives.reserve(count);
  table_.founded.reserve(count);
  table_.registered.reserve(count);
  table_.stage.reserve(count);
  values_.reserve(count * table_.indicator_ids.size());
}

void TableBuilder::add(const Row& row, std::int64_t source_row) { add_row(row, source_row); }
void TableBuilder::add(const RowView& row, std::int64_t source_row) { add_row(row, source_row); }

template <class R>
void TableBuilder::add_row(const R& row, std::int64_t source_row) {
  const std::int64_t at = source_row > 0 ? source_row : size() + 1;
  const std::size_t k = table_.indicator_ids.size();

  // Every check comes before the first change, so a caller that skips a
  // refused row keeps a consistent builder.
  std::string code = normalize_credit_code(row.credit_code);
  if (auto problem = credit_code_problem(code))
    throw InputError(at, credit_code_field, "'" + std::string(row.credit_code) + "': " + *problem);
  if (!table_.region_table().find(row.region))
    throw InputError(at, region_field,
                     region_text(row.region) + " is not a region code of GB/T 2260" +
                         (table_.regions ? " (" + table_.regions->edition() + ")" : std::string()) + " (行政区划代码无效)");
  int industry = -1;
  if (!row.industry.empty()) {
    industry = industry_index(row.industry);
    if (industry < 0)
      throw InputError(at, industry_field,
                       "'" + std::string(row.industry) + "' is not an industry section: use a letter A-T or a GB/T 4754-2017 "
                                            "section name such as 制造业");
  }
  if (row.founded != 0 && !detail::is_calendar_date(row.founded))
    throw InputError(at, founded_field, date_text(row.founded) + " is not a calendar date");
  check_multi(row.tech_fields, table_.tech_field_names, tech_fields_field, at);
  check_multi(row.qualifications, table_.qualification_names, qualifications_field, at);
  check_multi(row.negatives, table_.negative_names, negatives_field, at);
  if (row.values.size() != k)
    throw InputError(at, "",
                     "expected " + std::to_string(k) + " indicator values, found " + std::to_string(row.values.size()));
  for (std::size_t j = 0; j < k; ++j)
    if (std::isinf(row.values[j]))
      throw InputError(at, table_.indicator_ids[j], "the value is infinite; leave the cell empty when it is missing");

  table_.credit_code.push_back(std::move(code));
  table_.name.emplace_back(row.name);
  table_.region.push_back(row.region);
  table_.zone.push_back(intern_optional(row.zone, table_.zones));
  table_.incubator.push_back(intern_optional(row.incubator, table_.incubators));
  table_.industry.push_back(static_cast<std::int8_t>(industry));
  table_.tech_fields.push_back(intern_multi(row.tech_fields, table_.tech_field_names));
  table_.qualifications.push_back(intern_multi(row.qualifications, table_.qualification_names));
  table_.negatives.push_back(intern_multi(row.negatives, table_.negative_names));
  table_.founded.push_back(row.founded);
  table_.registered.push_back(row.registered ? 1 : 0);
  // The stage is kept as written: which names are valid depends on the
  // model, which scoring checks.
  table_.stage.push_back(intern_optional(row.stage, table_.stage_names));
  values_.insert(values_.end(), row.values.begin(), row.values.end());
}

Table TableBuilder::build() {
  Table table = std::move(table_);
  const auto n = static_cast<std::size_t>(table.size());
  const std::size_t k = table.indicator_ids.size();
  table.values.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(k));
  // Row by row: the source is read once in order and each of the k columns
  // is written sequentially, which keeps the transpose one memory pass.
  double* out = table.values.data();
  const double* in = values_.data();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < k; ++j) out[j * n + i] = in[i * k + j];

  table_ = Table();
  table_.indicator_ids = table.indicator_ids;
  values_ = std::vector<double>();
  return table;
}

}  // namespace cxjf
