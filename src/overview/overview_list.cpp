// The enterprise list: one list item, the rows of a list page (or of the
// whole list), and the list exported as CSV, a workbook or JSON.
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "cxjf/csv.hpp"
#include "overview/overview_impl.hpp"
#include "xlsx/writer.hpp"

namespace cxjf {

ListedEnterprise OverviewIndex::Impl::listed(std::int32_t row, RankLevel level) const {
  const auto i = static_cast<std::size_t>(row);
  ListedEnterprise e;
  e.row = row;
  e.credit_code = table.credit_code[i];
  e.name = table.name[i];
  e.region = table.region[i];
  e.region_name = exact_names[static_cast<std::size_t>(exact_slot(e.region))];
  if (table.zone[i] >= 0) e.zone = table.zones[table.zone[i]];
  if (table.industry[i] >= 0) e.industry = std::string(1, static_cast<char>('A' + table.industry[i]));
  e.stage = model.stages[static_cast<std::size_t>(scores.stage[i])].name_zh;
  e.score = scores.published_text(row);
  e.grade = model.grades[static_cast<std::size_t>(scores.grade[i])].id;
  e.rank = scores.rank[static_cast<std::size_t>(level)][i];
  return e;
}

std::int32_t OverviewIndex::Impl::row_at_index(std::int64_t index, SortKey sort) const {
  switch (sort) {
    case SortKey::score: return scores.order[static_cast<std::size_t>(index)];
    case SortKey::name: return name_order[static_cast<std::size_t>(index)];
    case SortKey::region: return row_of_pos[static_cast<std::size_t>(index)];
  }
  return 0;
}

std::vector<std::int32_t> OverviewIndex::Impl::list_rows(const Scope& scope, const Compiled& f,
                                                         const ListRequest& request, bool all,
                                                         std::int64_t& total) const {
  const bool descending = request.descending.value_or(default_descending(request.sort));
  const std::int64_t skip = all ? 0 : (request.page - 1) * request.page_size;
  const std::int64_t take = all ? std::numeric_limits<std::int64_t>::max() : request.page_size;
  std::vector<std::int32_t> rows;
  if (!f.any() && scope.contiguous() && request.sort == SortKey::score) {
    // The scope node's ordering is the list; the threshold cuts its tail.
    const Ordered& o = *scope.node.ordered;
    std::int64_t b = scope.node.begin, e = scope.node.end;
    if (scope.threshold) e = b + o.count_at_least(b, e, threshold_units);
    total = e - b;
    for (std::int64_t k = skip; k < total && k - skip < take; ++k) rows.push_back(o.rows[descending ? b + k : e - 1 - k]);
    return rows;
  }
  ScanSpec spec;
  spec.list = true;
  spec.sort = request.sort;
  if (scope.threshold) spec.list_min = threshold_units;
  ScanOut out;
  scan(scope, f, spec, Layout{}, Bins{}, out);
  total = out.list_count;
  const bool backwards = request.sort == SortKey::score ? !descending : descending;
  for_each_bit(out.list_bits, backwards, skip, take, [&](std::int64_t index) { rows.push_back(row_at_index(index, request.sort)); });
  return rows;
}

namespace {

// The exported list as a workbook: the columns of the CSV export with
// Chinese headers, codes kept as text, ranks and scores as numbers.
template <class Impl>
std::string list_workbook(const Impl& m, const std::vector<std::int32_t>& rows, RankLevel level) {
  xlsx::Writer book;
  xlsx::SheetWriter sheet = book.sheet("企业名单");
  const char* headers[] = {"排名", "统一社会信用代码", "企业名称", "行政区划代码", "所在地区",
                           "国家高新区", "一级行业", "发展阶段", "积分", "等级"};
  const double widths[] = {8, 22, 36, 12, 28, 28, 8, 10, 10, 6};
  for (std::int32_t c = 0; c < 10; ++c) {
    sheet.text(0, c, headers[c], xlsx::Style::header);
    sheet.column(c, widths[c], c == 1 || c == 3 ? xlsx::Style::text : xlsx::Style::plain);
  }
  sheet.freeze(1, 0);
  const int decimals = m.model.scale.decimals;
  std::int32_t r = 0;
  for (std::int32_t row : rows) {
    if (r + 1 >= xlsx::max_row) {  // past a sheet's last row: say so on it
      sheet.text(xlsx::max_row, 0, "另有" + std::to_string(rows.size() - static_cast<std::size_t>(r)) +
                                       "家企业超出工作表行数上限，请导出CSV / more enterprises than a sheet holds: export CSV");
      break;
    }
    const ListedEnterprise e = m.listed(row, level);
    ++r;
    if (e.rank > 0) sheet.number(r, 0, e.rank, 0);
    sheet.text(r, 1, e.credit_code, xlsx::Style::text);
    sheet.text(r, 2, e.name);
    sheet.text(r, 3, six_digits(e.region), xlsx::Style::text);
    sheet.text(r, 4, e.region_name);
    if (!e.zone.empty()) sheet.text(r, 5, e.zone);
    if (!e.industry.empty()) sheet.text(r, 6, e.industry);
    sheet.text(r, 7, e.stage);
    double score = 0;  // the published text, so the cell shows it exactly (from_chars: no locale)
    std::from_chars(e.score.data(), e.score.data() + e.score.size(), score);
    sheet.number(r, 8, score, decimals);
    sheet.text(r, 9, e.grade);
  }
  return book.bytes();
}

}  // namespace

struct ExportStream::State {
  const OverviewIndex::Impl* index = nullptr;
  ExportFormat format = ExportFormat::csv;
  RankLevel level = RankLevel::national;
  std::vector<std::int32_t> rows;
  std::size_t at = 0;     // the next row to write
  bool begun = false;     // the head (BOM and header, "[") is written
  bool done = false;      // the whole file is written
};

ExportStream::ExportStream(std::unique_ptr<State> state) : state_(std::move(state)) {}
ExportStream::ExportStream(ExportStream&&) noexcept = default;
ExportStream& ExportStream::operator=(ExportStream&&) noexcept = default;
ExportStream::~ExportStream() = default;
ExportFormat ExportStream::format() const { return state_->format; }
std::int64_t ExportStream::rows() const { return static_cast<std::int64_t>(state_->rows.size()); }

bool ExportStream::next(std::string& out, std::size_t bytes) {
  State& s = *state_;
  if (s.done) return false;
  const OverviewIndex::Impl& m = *s.index;
  const std::size_t start = out.size();
  if (s.format == ExportFormat::xlsx) {
    out += list_workbook(m, s.rows, s.level);
    s.done = true;
    return true;
  }
  const bool csv = s.format == ExportFormat::csv;
  if (!s.begun) {
    if (csv)
      out += std::string("\xEF\xBB\xBF") + "rank_" + rank_level_name(s.level) +  // the BOM: Excel reads UTF-8
             ",credit_code,name,region_code,region_name,zone,industry,stage,score,grade\n";
    else
      out += "[";
    s.begun = true;
  }
  while (s.at < s.rows.size() && out.size() - start < bytes) {
    const ListedEnterprise e = m.listed(s.rows[s.at], s.level);
    if (csv) {
      out += (e.rank > 0 ? std::to_string(e.rank) : "") + ',' + e.credit_code + ',' + csv_field(e.name) + ',' +
             six_digits(e.region) + ',' + csv_field(e.region_name) + ',' + csv_field(e.zone) + ',' + e.industry + ',' +
             csv_field(e.stage) + ',' + e.score + ',' + csv_field(e.grade) + '\n';
    } else {
      out += s.at ? ",\n" : "\n";
      out += to_json(e);
    }
    ++s.at;
  }
  if (s.at == s.rows.size()) {
    if (!csv) out += s.rows.empty() ? "]\n" : "\n]\n";
    s.done = true;
  }
  return true;
}

std::string ExportStream::rest() {
  std::string out;
  while (next(out, std::numeric_limits<std::size_t>::max())) {
  }
  return out;
}

ExportStream OverviewIndex::export_stream(const Principal& principal, const Filters& filters, const ListRequest& sort,
                                          ExportFormat format) const {
  const Impl& m = *impl_;
  const Scope scope = m.scope_of(principal);
  if (scope.kind == Scope::Kind::enterprise || scope.is_public)
    forbidden(std::string("the ") + role_name(principal.role) + " role has no enterprise list to export");
  if (!principal.can_export) forbidden("exporting the enterprise list needs the export permission (can_export)");
  const Compiled f = m.compile(filters, scope);
  auto state = std::make_unique<ExportStream::State>();
  std::int64_t total = 0;
  state->rows = m.list_rows(scope, f, sort, true, total);
  state->index = &m;
  state->format = format;
  state->level = scope.level;
  return ExportStream(std::move(state));
}

ExportFile OverviewIndex::export_list(const Principal& principal, const Filters& filters, const ListRequest& sort,
                                      ExportFormat format) const {
  ExportStream stream = export_stream(principal, filters, sort, format);
  ExportFile file;
  file.format = format;
  file.rows = stream.rows();
  file.content = stream.rest();
  return file;
}

}  // namespace cxjf
