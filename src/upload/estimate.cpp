#include "cxjf/estimate.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <random>
#include <nlohmann/json.hpp>
#include <ostream>
#include <unordered_map>
#include <unordered_set>

#include "cxjf/credit_code.hpp"
#include "cxjf/csv.hpp"
#include "cxjf/regions.hpp"
#include "table/code_index.hpp"
#include "xlsx/reader.hpp"
#include "scoring/scoring.hpp"
#include "scoring/would_be_ranks.hpp"

namespace cxjf {
namespace {

std::string hex16(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string utc_now() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool same_value(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// Whether `principal` may see registered row `row` of `table`: the scope
// rules of the queries (docs/overview.md), so that an upload learns nothing
// a query would not tell. The public sees no registered enterprise.
bool in_scope(const Principal& principal, const Table& table, std::size_t row) {
  const std::int32_t region = table.region[row];
  auto code = [&] { return std::stoi(principal.code); };  // checked by check_principal
  switch (principal.role) {
    case Role::torch_center: return true;
    case Role::province: return region / 10000 == code() / 10000;
    case Role::city: return region / 100 == code() / 100;
    case Role::county: return region == code();
    case Role::zone: return table.zone[row] >= 0 && table.zones[table.zone[row]] == principal.code;
    case Role::incubator: return table.incubator[row] >= 0 && table.incubators[table.incubator[row]] == principal.code;
    case Role::enterprise: return table.credit_code[row] == normalize_credit_code(principal.code);
    case Role::public_user: return false;
  }
  return false;
}

// Whether every region code in [lo, hi] lies in a region principal's scope.
bool regions_in_scope(const Principal& principal, std::int32_t lo, std::int32_t hi) {
  auto code = [&] { return std::stoi(principal.code); };
  switch (principal.role) {
    case Role::torch_center: return true;
    case Role::province: return lo / 10000 == code() / 10000 && hi / 10000 == code() / 10000;
    case Role::city: return lo / 100 == code() / 100 && hi / 100 == code() / 100;
    case Role::county: return lo == code() && hi == code();
    default: return false;
  }
}

// The regions a zone's (or incubator's) registered enterprises lie in, as
// the lowest and highest code: region codes nest by prefix, so the pair
// tells whether they all lie in one province, city or county.
struct Extent {
  std::int32_t lo = std::numeric_limits<std::int32_t>::max();
  std::int32_t hi = std::numeric_limits<std::int32_t>::min();
};

std::vector<Extent> extents(const Table& table, const std::vector<std::int32_t>& unit, std::int32_t units) {
  std::vector<Extent> out(static_cast<std::size_t>(units));
  for (std::size_t i = 0; i < unit.size(); ++i)
    if (unit[i] >= 0) {
      Extent& e = out[static_cast<std::size_t>(unit[i])];
      e.lo = std::min(e.lo, table.region[i]);
      e.hi = std::max(e.hi, table.region[i]);
    }
  return out;
}

// An estimation record's id: unique to its run, not only to its content
// (nine uploads in one second once got one id). The content and time, a
// number that this process never repeats, and a seed drawn once per
// process from the system's entropy, so that two processes started in the
// same second differ too.
std::uint64_t record_id_hash(const EstimationRecord& record, const Table& table) {
  static const std::uint64_t seed = [] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }();
  static std::atomic<std::uint64_t> serial{0};
  std::string key = record.created + '\n' + record.principal + '\n' + record.snapshot_hash + '\n' +
                    std::to_string(seed) + '\n' + std::to_string(serial.fetch_add(1)) + '\n';
  std::uint64_t codes = 0;
  for (const std::string& code : table.credit_code) codes = codes * 1099511628211ull ^ detail::hash_bytes(code);
  key += std::to_string(codes);
  return detail::hash_bytes(key);
}

}  // namespace

struct Estimator::Impl {
  explicit Impl(const Snapshot& s)
      : snap(s),
        p(s.model),
        snapshot_binding(p, s.table),
        registered(s.table.credit_code),
        zone_extent(extents(s.table, s.table.zone, s.table.zones.size())),
        incubator_extent(extents(s.table, s.table.incubator, s.table.incubators.size())) {
    for (RankLevel level : estimate_rank_levels) would_be.emplace_back(s, level, s.model.rank_ties == RankTies::dense);
  }
  const Snapshot& snap;
  detail::Prepared p;
  detail::Bound snapshot_binding;
  detail::CodeIndex registered;
  std::vector<detail::WouldBeRanks> would_be;  // one per estimate_rank_levels
  std::vector<Extent> zone_extent, incubator_extent;

  // Whether a newcomer located in `region` may be told its would-be rank in
  // its unit of `level` (zone or incubator `unit` of the snapshot, -1 for a
  // name it does not hold). Only in units whose enterprises the principal
  // may see ranked: a would-be rank tried with many values tells the scores
  // of the unit's enterprises (docs/estimation.md, "Who asks").
  bool rank_visible(const Principal& who, RankLevel level, std::int32_t region, std::int64_t unit,
                    std::string_view name) const {
    switch (level) {
      case RankLevel::national: return who.role == Role::torch_center;
      case RankLevel::province: return regions_in_scope(who, region / 10000 * 10000, region / 10000 * 10000 + 9999);
      case RankLevel::city: return regions_in_scope(who, region / 100 * 100, region / 100 * 100 + 99);
      case RankLevel::county: return regions_in_scope(who, region, region);
      case RankLevel::zone:
      case RankLevel::incubator: {
        const bool zone = level == RankLevel::zone;
        if (who.role == (zone ? Role::zone : Role::incubator)) return who.code == name;
        if (unit < 0) return regions_in_scope(who, region, region);  // no registered enterprise to learn of
        const Extent& e = (zone ? zone_extent : incubator_extent)[static_cast<std::size_t>(unit)];
        return regions_in_scope(who, e.lo, e.hi);
      }
      default: return false;
    }
  }
};

Estimator::Estimator(const Snapshot& snapshot) : impl_(std::make_unique<const Impl>(snapshot)) {}
Estimator::~Estimator() = default;
Estimator::Estimator(Estimator&&) noexcept = default;
Estimator& Estimator::operator=(Estimator&&) noexcept = default;

const Snapshot& Estimator::snapshot() const { return impl_->snap; }

EstimationRecord estimate(const Snapshot& snapshot, Upload upload, const Principal& principal) {
  return Estimator(snapshot).estimate(std::move(upload), principal);
}

EstimationRecord Estimator::estimate(Upload upload, const Principal& principal, unsigned threads) const {
  const Snapshot& snap = impl_->snap;
  check_principal(principal, snap.table.region_table());
  const Model& model = snap.model;
  EstimationRecord record;
  record.created = utc_now();
  record.model_id = model.id;
  record.snapshot_hash = hex16(snap.reference.content_hash);
  record.principal = principal.label();
  record.encoding = upload.encoding;

  const Table& table = upload.table;
  const detail::Prepared& p = impl_->p;
  const detail::Bound upload_binding(p, table);
  const detail::Bound& snapshot_binding = impl_->snapshot_binding;
  const detail::CodeIndex& registered = impl_->registered;
  const std::vector<detail::WouldBeRanks>& would_be = impl_->would_be;
  const auto n = static_cast<std::size_t>(table.size());
  std::vector<EstimateRow> rows(n);
  std::unordered_set<std::string_view> seen(n);
  // Rows are scored grouped by stage and industry, the finest peer groups of
  // most models, so that consecutive rows search the same sorted peer values
  // while they are still in cache; the record keeps file order.
  std::vector<std::uint64_t> key(n);
  std::vector<std::uint32_t> order(n);
  for (std::size_t row = 0; row < n; ++row) {
    rows[row].duplicate = !seen.insert(table.credit_code[row]).second;
    std::uint64_t stage = std::numeric_limits<std::uint32_t>::max();
    try {
      stage = static_cast<std::uint32_t>(detail::stage_of(p, upload_binding, table, static_cast<std::int64_t>(row)));
    } catch (const InputError&) {
      // reported when the row is scored
    }
    key[row] = (stage << 40) | (static_cast<std::uint64_t>(table.industry[row] + 1) << 32) | row;
    order[row] = static_cast<std::uint32_t>(row);
  }
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return key[a] < key[b]; });
  std::vector<std::uint8_t> scored(n);
  auto score_row = [&](std::size_t row, std::vector<RejectedRow>& rejected) {
    const auto i = static_cast<std::int64_t>(row);
    EstimateRow& out = rows[row];
    out.table_row = i;
    out.source_row = upload.source_row[row];
    for (std::size_t j = 0; j < model.indicators.size(); ++j)
      if (upload.bad_indicators[row] >> j & 1u) out.bad_indicators.push_back(static_cast<int>(j));
    // A registered enterprise outside the principal's scope is scored as a
    // newcomer, exactly as if it were not registered: an upload must not
    // tell who is registered, nor what they reported.
    std::int64_t found = registered.find(table.credit_code[row]);
    if (found >= 0 && !in_scope(principal, snap.table, static_cast<std::size_t>(found))) found = -1;
    try {
      if (found >= 0) {
        auto s = static_cast<std::size_t>(found);
        out.status = EstimateStatus::registered;
        out.snapshot_row = found;
        out.ledger = detail::explain_row(p, snapshot_binding, snap.reference, snap.table, found, Membership::member);
        out.published_units = snap.scores.published_units[s];
        out.grade = snap.scores.grade[s];
        for (std::size_t k = 0; k < estimate_rank_levels.size(); ++k)
          out.rank[k] = snap.scores.rank[static_cast<std::size_t>(estimate_rank_levels[k])][s];
        for (std::size_t j = 0; j < model.indicators.size(); ++j) {
          double uploaded = table.values(static_cast<Eigen::Index>(i), upload_binding.column[j]);
          double stored = snap.table.values(static_cast<Eigen::Index>(found), snapshot_binding.column[j]);
          if (!same_value(uploaded, stored)) out.differences.push_back({static_cast<int>(j), uploaded, stored});
        }
      } else {
        out.status = EstimateStatus::estimated;
        out.ledger = detail::explain_row(p, upload_binding, snap.reference, table, i, Membership::newcomer);
        out.published_units = out.ledger.published_units;
        out.grade = out.ledger.grade;
        for (std::size_t k = 0; k < estimate_rank_levels.size(); ++k) {
          const RankLevel level = estimate_rank_levels[k];
          std::int64_t unit = -1;
          std::string_view name;
          if (level == RankLevel::zone || level == RankLevel::incubator) {
            const bool zone = level == RankLevel::zone;
            const std::int32_t own = zone ? table.zone[row] : table.incubator[row];
            if (own < 0) continue;  // no unit at this level
            name = zone ? table.zones[own] : table.incubators[own];
            unit = zone ? snap.table.zones.find(name) : snap.table.incubators.find(name);
          } else {
            unit = detail::region_unit(level, table.region[row]);
            if (unit < 0) continue;
          }
          if (!impl_->rank_visible(principal, level, table.region[row], unit, name)) continue;
          // A zone or incubator with no registered enterprise yet: first.
          out.rank[k] = unit < 0 ? 1 : would_be[k].rank(unit, out.published_units);
        }
      }
    } catch (const InputError& e) {
      // A row the model cannot score (a stage it does not have, say) joins
      // the rejected rows: nothing is lost.
      rejected.push_back({out.source_row, table.credit_code[row], table.name[row], e.what(),
                          "无法测算：" + std::string(e.what())});
      return;
    }
    scored[row] = 1;
  };
  // Rows are independent: each task scores a run of `order` (so still group
  // by group) and keeps its own rejected rows, sorted into row order below;
  // the record is the same whatever the thread count.
  constexpr std::size_t run = 1000;
  const std::size_t runs = (n + run - 1) / run;
  std::vector<std::vector<RejectedRow>> rejected(runs);
  {
    detail::TaskGraph graph(n < 2 * run ? 1 : detail::resolve_threads(threads));
    for (std::size_t r = 0; r < runs; ++r)
      graph.add([&, r](unsigned) {
        for (std::size_t k = r * run; k < std::min(n, (r + 1) * run); ++k) score_row(order[k], rejected[r]);
      });
    graph.wait();
    graph.rethrow();
  }
  for (const auto& some : rejected) upload.rejected.insert(upload.rejected.end(), some.begin(), some.end());
  record.rows.reserve(n);
  for (std::size_t row = 0; row < n; ++row)
    if (scored[row]) record.rows.push_back(std::move(rows[row]));

  EstimateCounts& c = record.counts;
  c.rows_read = upload.rows_read;
  c.scored = static_cast<std::int64_t>(record.rows.size());
  for (const EstimateRow& r : record.rows) {
    (r.status == EstimateStatus::registered ? c.registered : c.estimated) += 1;
    c.duplicates += r.duplicate;
  }
  c.rejected = static_cast<std::int64_t>(upload.rejected.size());
  c.bad_cells = static_cast<std::int64_t>(upload.errors.size());
  std::sort(upload.rejected.begin(), upload.rejected.end(),
            [](const RejectedRow& a, const RejectedRow& b) { return a.row < b.row; });
  record.id = "est-" + hex16(record_id_hash(record, table));
  record.upload = std::move(upload);
  return record;
}

std::string cell_reference(const CellError& error) {
  if (error.column_number <= 0) return {};
  return xlsx::column_letters(error.column_number - 1) + std::to_string(error.row);
}


const char* estimate_status_name(EstimateStatus s) { return s == EstimateStatus::registered ? "registered" : "estimated"; }
const char* estimate_status_zh(EstimateStatus s) { return s == EstimateStatus::registered ? "已入统（实际分值）" : "未入统（预估分值）"; }

std::string number_text(double v) {
  if (std::isnan(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}


std::string EstimationRecord::to_json(const Snapshot& snap, bool ledgers) const {
  const Model& model = snap.model;
  const Table& table = upload.table;
  nlohmann::ordered_json doc;
  doc["id"] = id;
  doc["created"] = created;
  doc["model_id"] = model_id;
  doc["snapshot_hash"] = snapshot_hash;
  doc["principal"] = principal;
  doc["encoding"] = encoding_name(encoding);
  if (!upload.sheet.empty()) doc["sheet"] = upload.sheet;
  doc["header_row"] = upload.header_row;
  doc["counts"] = {{"rows_read", counts.rows_read}, {"scored", counts.scored},       {"registered", counts.registered},
                   {"estimated", counts.estimated}, {"rejected", counts.rejected},   {"duplicates", counts.duplicates},
                   {"bad_cells", counts.bad_cells}};
  nlohmann::ordered_json rows_json = nlohmann::ordered_json::array();
  for (const EstimateRow& r : rows) {
    auto i = static_cast<std::size_t>(r.table_row);
    nlohmann::ordered_json rj;
    rj["row"] = r.source_row;
    rj["credit_code"] = table.credit_code[i];
    rj["name"] = table.name[i];
    rj["status"] = estimate_status_name(r.status);
    rj["score"] = units_text(r.published_units, model.scale.decimals);
    rj["grade"] = model.grades[static_cast<std::size_t>(r.grade)].id;
    rj["stage"] = model.stages[static_cast<std::size_t>(r.ledger.stage)].name_zh;
    rj["peer_group"] = snap.reference.group_label(model, r.ledger.peer_group, snap.table.region_table());
    nlohmann::ordered_json ranks;
    for (std::size_t k = 0; k < estimate_rank_levels.size(); ++k)
      ranks[rank_level_name(estimate_rank_levels[k])] =
          r.rank[k] > 0 ? nlohmann::ordered_json(r.rank[k]) : nlohmann::ordered_json(nullptr);
    rj["ranks"] = ranks;
    rj["duplicate"] = r.duplicate;
    nlohmann::ordered_json bad = nlohmann::ordered_json::array();
    for (int j : r.bad_indicators) bad.push_back(model.indicators[static_cast<std::size_t>(j)].id);
    rj["bad_cells_treated_as_missing"] = bad;
    nlohmann::ordered_json diffs = nlohmann::ordered_json::array();
    for (const ValueDifference& d : r.differences)
      diffs.push_back({{"indicator", model.indicators[static_cast<std::size_t>(d.indicator)].id},
                       {"uploaded", std::isnan(d.uploaded) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.uploaded)},
                       {"stored", std::isnan(d.stored) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.stored)}});
    rj["differences"] = diffs;
    if (ledgers) {
      const Table& source = r.status == EstimateStatus::registered ? snap.table : table;
      rj["ledger"] = nlohmann::ordered_json::parse(r.ledger.to_json(model, snap.reference, source));
    }
    rows_json.push_back(rj);
  }
  doc["rows"] = rows_json;
  nlohmann::ordered_json rejected_json = nlohmann::ordered_json::array();
  for (const RejectedRow& r : upload.rejected)
    rejected_json.push_back({{"row", r.row}, {"credit_code", r.credit_code}, {"name", r.name},
                             {"reason_zh", r.reason_zh}, {"reason_en", r.reason_en}});
  doc["rejected"] = rejected_json;
  nlohmann::ordered_json errors_json = nlohmann::ordered_json::array();
  for (const CellError& e : upload.errors)
    errors_json.push_back({{"row", e.row}, {"column", e.column}, {"cell", cell_reference(e)}, {"raw", e.raw},
                           {"reason_zh", e.reason_zh}, {"reason_en", e.reason_en}});
  doc["errors"] = errors_json;
  doc["unknown_columns"] = upload.unknown_columns;
  return doc.dump(2);
}

std::string bad_cells_text(const Model& model, const EstimateRow& row) {
  std::string text;
  for (int j : row.bad_indicators)
    text += (text.empty() ? "" : "; ") + model.indicators[static_cast<std::size_t>(j)].name_zh;
  return text;
}

std::string differences_text(const Model& model, const EstimateRow& row) {
  std::string text;
  for (const ValueDifference& d : row.differences)
    text += (text.empty() ? "" : "; ") + model.indicators[static_cast<std::size_t>(d.indicator)].name_zh + " " +
            (std::isnan(d.uploaded) ? "—" : number_text(d.uploaded)) + " → " +
            (std::isnan(d.stored) ? "—" : number_text(d.stored));
  return text;
}

}  // namespace cxjf
