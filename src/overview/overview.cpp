// The overview's names and public API: OverviewIndex's construction and
// OverviewIndex::query, which checks a request against the principal and puts
// the answer together from the parts in the other files of src/overview/
// (overview_impl.hpp lists them).
#include "cxjf/overview.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "overview/overview_impl.hpp"

namespace cxjf {

// ---------------------------------------------------------------------------
// Names

QueryError::QueryError(QueryErrorKind kind, std::string path, const std::string& message)
    : Error(kind == QueryErrorKind::not_found   ? ErrorCode::not_found
            : kind == QueryErrorKind::forbidden ? ErrorCode::forbidden
                                                : ErrorCode::invalid_argument,
            message),
      kind_(kind),
      path_(std::move(path)) {}

const char* query_error_kind_name(QueryErrorKind kind) {
  switch (kind) {
    case QueryErrorKind::bad_request: return "bad_request";
    case QueryErrorKind::forbidden: return "forbidden";
    case QueryErrorKind::not_found: return "not_found";
  }
  return "";
}

const char* facet_name(Facet facet) {
  switch (facet) {
    case Facet::tech_field: return "tech_field";
    case Facet::qualification: return "qualification";
    case Facet::industry: return "industry";
    case Facet::grade: return "grade";
    case Facet::stage: return "stage";
    case Facet::province: return "province";
    case Facet::zone: return "zone";
    case Facet::score: return "score";
  }
  return "";
}

bool Filters::empty() const {
  return regions.empty() && zones.empty() && incubators.empty() && tech_fields.empty() && industries.empty() &&
         stages.empty() && grades.empty() && qualifications.empty() && !min_score && !max_score &&
         name_contains.empty();
}

// ---------------------------------------------------------------------------
// The public API

OverviewIndex::OverviewIndex(const Snapshot& snapshot) : impl_(std::make_unique<Impl>(snapshot)) {}
OverviewIndex::~OverviewIndex() = default;
OverviewIndex::OverviewIndex(OverviewIndex&&) noexcept = default;
OverviewIndex& OverviewIndex::operator=(OverviewIndex&&) noexcept = default;

const Snapshot& OverviewIndex::snapshot() const { return impl_->snap; }
std::size_t OverviewIndex::memory_bytes() const { return impl_->bytes(); }

namespace {

constexpr std::int64_t max_page_size = 1000;

void check_list(const ListRequest& list) {
  if (list.page < 1) bad_request("/list/page", "pages are numbered from 1");
  if (list.page > std::numeric_limits<std::int64_t>::max() / max_page_size)
    bad_request("/list/page", "is beyond any list");
  if (list.page_size < 1 || list.page_size > max_page_size)
    bad_request("/list/page_size", "must be 1 to " + std::to_string(max_page_size));
}

}  // namespace

OverviewAnswer OverviewIndex::query(const Principal& principal, const OverviewRequest& request) const {
  const Impl& m = *impl_;
  const Scope scope = m.scope_of(principal);
  if (scope.kind == Scope::Kind::enterprise)
    forbidden("an enterprise may see only its own detail (kind \"detail\" with its credit code), not the overview");
  if (scope.is_public) {
    if (request.list) forbidden("the public sees aggregates only; the enterprise list needs a government login");
    if (request.ranking && request.ranking->top > 0)
      forbidden("the public sees aggregates only; ask rankings with top 0 (no enterprises)");
    if (!request.filters.name_contains.empty()) forbidden("the public cannot search enterprises by name");
    // National tabulations only: a filter would let two answers differ by
    // one enterprise (docs/overview.md, "What the public may learn").
    if (!request.filters.empty())
      forbidden("the public sees national tabulations only; filters need a login (公众仅可查看全国汇总，筛选需登录)");
    if (request.ranking &&
        (request.ranking->order_by == NodeOrder::median || request.ranking->order_by == NodeOrder::max))
      forbidden("the public gets no medians or maxima (each may be one enterprise's score); order by count, mean or key");
    if (request.ranking && request.ranking->by == RankingDimension::region && !request.ranking->parent.empty())
      forbidden("the public sees provinces only; a province's cities and counties need a login (公众仅可查看省级分布)");
    const bool histogram =
        std::find(request.facets.begin(), request.facets.end(), Facet::score) != request.facets.end();
    if (histogram && (!request.histogram.edges.empty() || request.histogram.width != public_histogram_width))
      forbidden("the public sees the score histogram in bins of 10 points only (公众仅可查看10分一档的得分分布)");
  }
  std::array<bool, facet_count> want{};
  for (std::size_t i = 0; i < request.facets.size(); ++i) {
    auto f = static_cast<std::size_t>(request.facets[i]);
    if (f >= static_cast<std::size_t>(facet_count)) bad_request("/facets/" + std::to_string(i), "unknown facet");
    if (want[f]) bad_request("/facets/" + std::to_string(i), std::string(facet_name(request.facets[i])) + " is listed twice");
    want[f] = true;
  }
  const bool histogram = want[static_cast<std::size_t>(Facet::score)];
  const Bins bins = histogram ? m.bins_for(request.histogram) : Bins{};
  const Layout layout = m.layout_for(bins.lo.size());
  if (request.list) check_list(*request.list);
  const Compiled f = m.compile(request.filters, scope);
  std::optional<RankingPlan> plan;
  if (request.ranking) plan = plan_ranking(m, scope, f, *request.ranking, principal);

  // Unfiltered queries on a region (or the nation) come from precomputed
  // data; everything else shares one pass.
  const bool fast_facets = !f.any() && scope.contiguous();
  const bool fast_list = request.list && !f.any() && scope.contiguous() && request.list->sort == SortKey::score;
  ScanSpec spec;
  spec.facets = !request.facets.empty() && !fast_facets;
  spec.want = want;
  if (request.list && !fast_list) {
    spec.list = true;
    spec.sort = request.list->sort;
    if (scope.threshold) spec.list_min = m.threshold_units;
  }
  if (plan && !plan->fast) {
    spec.rank = plan->by == RankingDimension::region ? ScanSpec::Rank::region : ScanSpec::Rank::zone;
    spec.children = plan->children;
    spec.parent_begin = plan->parent.begin;
    spec.parent_end = plan->parent.end;
    spec.zone_parent = plan->zone_parent;
    spec.top = plan->top;
    spec.top_min = plan->top_min;
  }
  ScanOut out;
  const bool need_scan = spec.facets || spec.list || spec.rank != ScanSpec::Rank::none || !fast_facets;
  if (need_scan) m.scan(scope, f, spec, layout, bins, out);

  OverviewAnswer answer;
  if (fast_facets) {
    FacetData d = m.fast_facets(scope.node, layout, bins);
    m.assemble_facets(d, layout, bins, request, f, answer);
  } else {
    m.assemble_facets(out.facets, layout, bins, request, f, answer);
  }
  if (plan) answer.ranking = finish_ranking(m, *plan, plan->fast ? nullptr : &out);
  if (scope.is_public) disclose(m, plan ? &*plan : nullptr, answer);
  if (request.list) {
    const ListRequest& lr = *request.list;
    ListPage page;
    page.page = lr.page;
    page.page_size = lr.page_size;
    page.sort = lr.sort;
    page.descending = lr.descending.value_or(default_descending(lr.sort));
    page.rank_level = scope.level;
    if (scope.threshold) page.threshold = m.model.list_threshold;
    std::vector<std::int32_t> rows;
    if (fast_list) {
      rows = m.list_rows(scope, f, lr, false, page.total);
    } else {
      page.total = out.list_count;
      const bool backwards = lr.sort == SortKey::score ? !page.descending : page.descending;
      for_each_bit(out.list_bits, backwards, (lr.page - 1) * lr.page_size, lr.page_size,
                   [&](std::int64_t index) { rows.push_back(m.row_at_index(index, lr.sort)); });
    }
    for (std::int32_t row : rows) page.items.push_back(m.listed(row, scope.level));
    answer.list = std::move(page);
  }
  return answer;
}

}  // namespace cxjf
