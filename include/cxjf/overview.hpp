// cxjf: the overview (企业总览), the query side of a Snapshot. An
// OverviewIndex is built once from a snapshot and then answers, for a
// Principal, what the portal's overview page shows: facet counts with
// cross-filtering and the score histogram, rankings with drill-down, the
// enterprise list with paging and export, and one enterprise's detail. Every
// query takes a Principal and sees only that principal's scope (DESIGN.md §3);
// there is no unscoped query. The same queries exist as JSON documents
// (query_json) so that the C ABI and the Java portal can pass them through.
// docs/overview.md describes both, with examples.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cxjf/analysis.hpp"
#include "cxjf/error.hpp"
#include "cxjf/principal.hpp"
#include "cxjf/scores.hpp"
#include "cxjf/snapshot.hpp"

namespace cxjf {

// ---------------------------------------------------------------------------
// Errors

/// Why a query was refused.
enum class QueryErrorKind : std::uint8_t {
  bad_request,  ///< the request is malformed; QueryError::path names the value
  forbidden,    ///< the principal's role may not ask this (list for the public, export without permission, ...)
  not_found,    ///< nothing with that code within the principal's scope. Also what an absent code gets, with the
                ///< same message, so nobody can probe which credit codes or units exist.
};

/// "bad_request", "forbidden" or "not_found", as the JSON answers write it.
const char* query_error_kind_name(QueryErrorKind kind);

/// A refused query. code() is ErrorCode::not_found for not_found,
/// ErrorCode::forbidden for forbidden and ErrorCode::invalid_argument for
/// bad_request.
class QueryError : public Error {
 public:
  QueryError(QueryErrorKind kind, std::string path, const std::string& message);
  /// Why the query was refused.
  QueryErrorKind kind() const noexcept { return kind_; }
  /// JSON pointer of the offending value in the request document (e.g.
  /// "/filters/industries/1"); empty when the error is not about one value.
  const std::string& path() const noexcept { return path_; }

 private:
  QueryErrorKind kind_;
  std::string path_;
};

// ---------------------------------------------------------------------------
// Requests

/// The charts of the overview whose counts can be asked for.
enum class Facet : std::uint8_t {
  tech_field,     ///< 技术领域, multi-valued: an enterprise counts once in each field it holds
  qualification,  ///< 企业资质, multi-valued; its shares are the qualification coverage
  industry,       ///< 一级行业
  grade,          ///< 企业评价
  stage,          ///< 发展阶段
  province,       ///< 省级行政区分布
  zone,           ///< 国家高新区分布
  score,          ///< 得分分布, the score histogram
};
/// Number of Facet values.
inline constexpr int facet_count = 8;
/// "tech_field", "qualification", ..., "score", as the JSON documents write them.
const char* facet_name(Facet facet);

/// What an overview query selects. Values within one member combine with OR,
/// members with AND. Each facet's own counts ignore the member that selects
/// on it (regions for the province facet, zones for the zone facet, the score
/// range for the histogram, ...); incubators and name_contains have no facet
/// and always apply. Filters only narrow the principal's scope, never widen it.
struct Filters {
  std::vector<std::int32_t> regions;        ///< GB/T 2260 codes of any level: enterprises in any of them
  std::vector<std::string> zones;           ///< national high-tech zone names
  std::vector<std::string> incubators;      ///< incubator names
  std::vector<std::string> tech_fields;     ///< holds any of these technology fields
  std::vector<std::string> industries;      ///< section letters A-T, section names, or "unknown"
  std::vector<std::string> stages;          ///< model stage ids or names (e.g. "stable", "稳定期")
  std::vector<std::string> grades;          ///< model grade ids (e.g. "A")
  std::vector<std::string> qualifications;  ///< holds any of these qualifications
  std::optional<double> min_score;          ///< published score >= min_score
  std::optional<double> max_score;          ///< published score <= max_score
  std::string name_contains;                ///< the name contains this text (exact bytes, case-sensitive)

  /// True when nothing is selected.
  bool empty() const;
};

/// What one request may ask, so that no request costs more than a few passes
/// over the snapshot whatever its content (docs/overview.md, Limits). The
/// JSON layer refuses a longer or deeper document; every query refuses
/// longer filter lists and strings, naming the member.
struct RequestLimits {
  std::size_t max_bytes = std::size_t{1} << 20;  ///< bytes of one JSON request (1 MiB)
  std::size_t max_depth = 32;                     ///< nesting of objects and arrays in one JSON request
  std::size_t max_list = 10000;                   ///< entries of one filter list (regions, zones, ...)
  std::size_t max_string = 256;                   ///< bytes of one string: a name, a code, name_contains
};
/// The limits every query applies.
inline constexpr RequestLimits request_limits{};

/// The public's minimum cell: counts and means of fewer enterprises are
/// withheld, with the further cells a difference would reveal
/// (docs/overview.md, "What the public may learn").
inline constexpr std::int64_t public_min_cell = 10;
/// The public's score histogram has bins of this many points and no other:
/// two binnings would differ by the few scores between their edges.
inline constexpr double public_histogram_width = 10;

/// Bins of the score histogram, in points. Bin i holds scores in
/// [edges[i], edges[i+1]), the last bin also its upper edge; scores outside
/// the edges fall in no bin.
struct HistogramSpec {
  /// Strictly increasing, 2 to 1001 edges. Empty: bins of `width` points
  /// from 0 to the model's total_max (the last bin may be narrower).
  std::vector<double> edges;
  double width = 10;  ///< used when `edges` is empty; > 0
};

/// The dimension a ranking drills through.
enum class RankingDimension : std::uint8_t {
  region,  ///< 行政区划维度: national -> provinces -> cities -> counties
  zone,    ///< 高新区维度: zones -> a zone's enterprises
};

/// How the nodes of a ranking are ordered (always descending, ties by key).
enum class NodeOrder : std::uint8_t { count, mean, median, max, key };

/// One ranking (企业榜单) to compute.
struct RankingRequest {
  RankingDimension by = RankingDimension::region;
  /// The node to drill into. By region: a region code ("440000"); its
  /// children are the nodes. By zone: a zone name; the zone is the parent
  /// and there are no child nodes (its top enterprises are the drill-down).
  /// Empty: the whole scope (全国 for the Torch Center and the public, the
  /// principal's own region for a region role; by zone, all zones of the scope).
  std::string parent;
  /// Enterprises listed per node, 0 to 100. Must be 0 for the public.
  int top = 10;
  NodeOrder order_by = NodeOrder::count;  ///< key orders ascending, the others descending
};

/// What the enterprise list is sorted by.
enum class SortKey : std::uint8_t {
  score,   ///< list order (Scores::order): published, exact total, credit code
  name,    ///< the name's UTF-8 bytes (code-point order), then list order
  region,  ///< the region code, then list order
};

/// A page of the enterprise list (企业列表).
struct ListRequest {
  SortKey sort = SortKey::score;
  /// Default: true for score, false for name and region. Descending is the
  /// exact reverse of ascending, ties included.
  std::optional<bool> descending;
  std::int64_t page = 1;        ///< 1-based; a page past the end is empty
  std::int64_t page_size = 20;  ///< 1 to 1000
};

/// An overview query: the facet charts, and optionally a ranking and a page
/// of the list, all under the same filters.
struct OverviewRequest {
  Filters filters;
  /// Facets to count; default all eight. Facet::score is the histogram.
  std::vector<Facet> facets = {Facet::tech_field, Facet::qualification, Facet::industry, Facet::grade,
                               Facet::stage,      Facet::province,      Facet::zone,     Facet::score};
  HistogramSpec histogram;
  std::optional<RankingRequest> ranking;  ///< none by default
  std::optional<ListRequest> list;        ///< none by default; forbidden for the public
};

/// The formats of an export.
enum class ExportFormat : std::uint8_t {
  csv,   ///< UTF-8 with a byte-order mark, so that Excel reads the Chinese text
  json,  ///< a JSON array of the list's items
  xlsx,  ///< an Excel workbook: Chinese headers, codes as text, scores and ranks as numbers
};

// ---------------------------------------------------------------------------
// Answers

/// One value of a facet.
struct FacetBucket {
  std::string value;   ///< what a filter takes to select it: field name, "C", grade id, stage id, "440000", zone name
  std::string label;   ///< what a chart shows: "制造业", "稳定期", "广东省"; equal to value for names
  std::int64_t count = 0;  ///< enterprises with this value (multi-valued facets: holding it); 0 when withheld
  double mean = 0;         ///< mean published score of those enterprises; 0 when count is 0, NaN when withheld
  bool selected = false;   ///< the filters select this value
  /// The public's disclosure rule withholds count and mean (too few
  /// enterprises, or a cell whose count a difference would reveal).
  bool withheld = false;
};

/// The counts of one facet.
struct FacetCounts {
  Facet facet = Facet::tech_field;
  /// Enterprises passing every filter except this facet's own: the base of
  /// the shares (count / total). For multi-valued facets the bucket counts
  /// may add up to more or less than it.
  std::int64_t total = 0;
  /// Closed lists (technology fields and qualifications of the snapshot, the
  /// 20 industry sections, grades, stages) list every value, zeros included,
  /// in their own order; an "unknown" industry bucket appears when non-zero.
  /// Provinces (by code) and zones (by count, then name) list the values with
  /// enterprises, plus any selected one.
  std::vector<FacetBucket> buckets;
};

/// One bin of the score histogram.
struct HistogramBin {
  double min = 0;  ///< lower edge (included)
  double max = 0;  ///< upper edge (excluded, except in the last bin)
  std::int64_t count = 0;  ///< 0 when withheld
  double mean = 0;         ///< mean published score in the bin; 0 when empty, NaN when withheld
  bool withheld = false;   ///< the public's disclosure rule withholds count and mean
};

/// The score histogram (Facet::score).
struct ScoreHistogram {
  std::int64_t total = 0;  ///< enterprises passing every filter except the score range
  std::vector<HistogramBin> bins;
};

/// One enterprise as the list, the rankings and the export show it.
struct ListedEnterprise {
  std::int64_t row = 0;       ///< row in Snapshot::table and Snapshot::scores
  std::string credit_code;
  std::string name;
  std::int32_t region = 0;    ///< GB/T 2260 code
  std::string region_name;    ///< full name, e.g. "广东省深圳市南山区"
  std::string zone;           ///< empty when none
  std::string industry;       ///< section letter, empty when unknown
  std::string stage;          ///< model stage name, e.g. "稳定期"
  std::string score;          ///< published score with the model's decimals, e.g. "85.20"
  std::string grade;          ///< grade id
  std::int32_t rank = 0;      ///< Scores::rank at the list's or node's rank level (0: no unit at that level)
};

/// A page of the enterprise list.
struct ListPage {
  /// Enterprises in the list: matching every filter and, for region roles,
  /// scoring at least the model's list threshold.
  std::int64_t total = 0;
  std::optional<double> threshold;  ///< the list threshold applied (region roles only)
  std::int64_t page = 1;
  std::int64_t page_size = 20;
  SortKey sort = SortKey::score;
  bool descending = true;
  RankLevel rank_level = RankLevel::national;  ///< level of ListedEnterprise::rank: the principal's unit
  std::vector<ListedEnterprise> items;
};

/// One node of a ranking.
struct RankingNode {
  std::string key;    ///< region code ("440300"), zone name, or "" for 全国 / all zones
  std::string label;  ///< "深圳市", "中关村科技园区", "全国"
  RankLevel level = RankLevel::national;  ///< level of its enterprises' `rank`
  /// The enterprises registered at the parent's own code (本级), e.g. at a
  /// province code rather than in one of its cities; keeps children adding up.
  bool direct = false;
  std::int64_t count = 0;  ///< 0 when withheld
  double mean = 0;    ///< of published scores; 0 when count is 0, NaN when withheld
  /// The middle score, or the mean of the two middle ones. NaN for the
  /// public, as `max`: each may be one enterprise's score.
  double median = 0;
  double max = 0;
  /// The public's disclosure rule withholds count and statistics.
  bool withheld = false;
  /// The node's best enterprises in list order. Region roles see only those
  /// at or above the list threshold; the public sees none.
  std::vector<ListedEnterprise> top;
};

/// A ranking: the parent node and its children. The children's counts add up
/// to the parent's.
struct Ranking {
  RankingDimension by = RankingDimension::region;
  RankingNode parent;
  std::vector<RankingNode> nodes;  ///< children with enterprises, in the requested order
};

/// The answer to an OverviewRequest.
struct OverviewAnswer {
  /// Enterprises in scope matching every filter (what the charts cover;
  /// region roles' lists hold fewer).
  std::int64_t total = 0;
  std::vector<FacetCounts> facets;          ///< in request order, without Facet::score
  std::optional<ScoreHistogram> histogram;  ///< when Facet::score was asked for
  std::optional<Ranking> ranking;
  std::optional<ListPage> list;
};

/// An exported list: the file the portal offers for download.
struct ExportFile {
  ExportFormat format = ExportFormat::csv;
  std::int64_t rows = 0;  ///< enterprises in it
  std::string content;    ///< the file's bytes
};

/// An export made piece by piece, for servers that stream it to the
/// browser: the enterprises are selected when it is made (4 bytes each),
/// their lines written as next() asks, so a national CSV never sits whole
/// in memory. CSV and JSON come in pieces; a workbook comes as one piece
/// (its zip archive is made whole). It refers to the index that made it:
/// keep the index alive while it is read. Movable, not copyable.
class ExportStream {
 public:
  ExportStream(ExportStream&&) noexcept;
  ExportStream& operator=(ExportStream&&) noexcept;
  ~ExportStream();
  ExportFormat format() const;
  /// Enterprises in the file.
  std::int64_t rows() const;
  /// Appends the next piece of the file, about `bytes` long (a line is never
  /// cut), to `out`; false, appending nothing, once the file is complete.
  bool next(std::string& out, std::size_t bytes = std::size_t{64} << 10);
  /// The rest of the file at once.
  std::string rest();

  struct State;  ///< private to src/overview/

 private:
  friend class OverviewIndex;
  explicit ExportStream(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

/// An enterprise's rank in one unit.
struct EnterpriseRank {
  RankLevel level = RankLevel::national;
  std::string unit;      ///< region code, zone or incubator name, peer-group label; "" national
  std::string label;     ///< region name or the unit itself
  std::int32_t rank = 0;
  std::int64_t of = 0;   ///< enterprises in the unit
};

/// One enterprise's detail (企业详情).
struct EnterpriseDetail {
  ListedEnterprise basics;                  ///< rank is the national rank
  std::string incubator;                    ///< empty when none
  std::string industry_name;                ///< e.g. "制造业"; empty when unknown
  std::vector<std::string> tech_fields;
  std::vector<std::string> qualifications;
  std::int32_t founded = 0;                 ///< YYYYMMDD, 0 unknown
  std::vector<EnterpriseRank> ranks;        ///< every level it has a unit at
  /// Every number behind the score: for government roles (and the Torch
  /// Center) within scope; not for the enterprise itself.
  std::optional<Ledger> ledger;
  /// Its strengths and weaknesses against its peer group's median (three
  /// of each), for whoever may see the detail.
  std::optional<Reasons> reasons;
  /// What each indicator alone must reach for the list threshold (70).
  std::optional<Path> path;
};

// ---------------------------------------------------------------------------
// The index

/// An immutable, precomputed index over a snapshot's enterprises, answering
/// overview queries for a principal. Building it sorts the enterprises by
/// region so that every region is one contiguous range, and precomputes what
/// unfiltered queries need per region; filtered queries make one pass over
/// the principal's scope. All queries are const and thread-safe.
///
/// The index refers to the snapshot: keep the snapshot alive, unchanged, for
/// as long as the index is used.
class OverviewIndex {
 public:
  /// Builds the index. Throws Error(invalid_argument) when the snapshot's
  /// table and scores disagree in size.
  explicit OverviewIndex(const Snapshot& snapshot);
  /// Not from a temporary: the index would outlive the snapshot it refers to.
  explicit OverviewIndex(Snapshot&&) = delete;
  ~OverviewIndex();
  OverviewIndex(OverviewIndex&&) noexcept;
  OverviewIndex& operator=(OverviewIndex&&) noexcept;

  /// The snapshot it indexes.
  const Snapshot& snapshot() const;
  /// Approximate bytes the index holds (not counting the snapshot).
  std::size_t memory_bytes() const;

  /// Facets, histogram, ranking and list page for `principal`. Throws
  /// QueryError: bad_request for a malformed request or principal, forbidden
  /// when the role may not ask it (an enterprise; the public asking for a
  /// list or for ranked enterprises), not_found for a ranking parent outside
  /// the scope.
  OverviewAnswer query(const Principal& principal, const OverviewRequest& request) const;

  /// The whole list (every page) in `sort`'s order as a file. Needs
  /// Principal::can_export and a role with a list; forbidden otherwise.
  ExportFile export_list(const Principal& principal, const Filters& filters, const ListRequest& sort,
                         ExportFormat format) const;

  /// export_list as a stream (ExportStream), with the same checks, made
  /// when it is called: a refusal throws here, never from next().
  ExportStream export_stream(const Principal& principal, const Filters& filters, const ListRequest& sort,
                             ExportFormat format) const;

  /// One enterprise by credit code (normalized as users type it). Government
  /// roles and the Torch Center get the ledger for enterprises in scope; an
  /// enterprise gets its own basic facts, score, grade and ranks. Throws
  /// QueryError not_found, with the same message, whether the code is absent
  /// or outside the scope; forbidden for the public.
  EnterpriseDetail detail(const Principal& principal, std::string_view credit_code) const;

  /// What-if for one enterprise (Analyzer::what_if), for whoever may see
  /// its detail: government roles within scope, an enterprise for itself;
  /// forbidden for the public, not_found as detail's. A would-be rank is
  /// given only at a level whose unit the principal sees ranked (the rule
  /// of estimation, docs/estimation.md: ranks tried with many values would
  /// tell the others' scores), else 0.
  WhatIf what_if(const Principal& principal, std::string_view credit_code, const Changes& changes) const;

  /// The path to a target for one enterprise (Analyzer::path), with
  /// detail's scope; a rank target only at a level whose unit the principal
  /// sees ranked (forbidden otherwise).
  Path path(const Principal& principal, std::string_view credit_code, const Target& target,
            const PathOptions& options = {}) const;

  /// Implementation, private to src/overview/ (overview_impl.hpp).
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------------------
// JSON

/// One list item as the JSON answers and the JSON export write it: an
/// object with credit_code, name, region, region_name, zone, industry, stage,
/// score, grade and rank (docs/overview.md).
std::string to_json(const ListedEnterprise& item);

/// Answers a request document (docs/overview.md): the principal and the
/// query (kind overview, list, ranking, export or detail). Never throws: a
/// refused or malformed request gets an answer
/// {"error": {"code": "bad_request" | "forbidden" | "not_found" | "internal",
/// "message": ..., "path": ...}} with the JSON path of the offending value.
std::string query_json(const OverviewIndex& index, std::string_view request_json);

/// "csv", "json" or "xlsx": the format's name in request documents.
const char* export_format_name(ExportFormat format);
/// The name an export is offered under: "enterprises.csv", ...
std::string export_file_name(ExportFormat format);
/// The export's media type ("text/csv; charset=utf-8", ...).
const char* export_media_type(ExportFormat format);

/// An export request document (kind "export", docs/overview.md) answered
/// with the file itself, as a stream, rather than a JSON answer around it:
/// for servers that send the bytes as a download. Throws QueryError as the
/// typed API (a malformed document is bad_request with its JSON path).
ExportStream export_document(const OverviewIndex& index, std::string_view request_json);

/// query_json that also says whether the answer is an error answer, for
/// callers that report a status (the command line, the C ABI).
std::string query_json(const OverviewIndex& index, std::string_view request_json, bool& refused);

}  // namespace cxjf
