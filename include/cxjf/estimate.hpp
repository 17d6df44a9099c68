// cxjf: estimation (测算). An upload is scored against a frozen Snapshot:
// an enterprise already in the base database (入统) shows its actual score
// and ranks; any other is scored as if it were added to the reference,
// without changing anyone's published score or rank (DESIGN.md §2). Each
// upload becomes an EstimationRecord (测算记录).
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "cxjf/principal.hpp"
#include "cxjf/scores.hpp"
#include "cxjf/snapshot.hpp"
#include "cxjf/upload.hpp"

namespace cxjf {

/// How a row of an upload was scored.
enum class EstimateStatus : unsigned char {
  registered,  ///< found in the snapshot: the actual score and ranks
  estimated,   ///< not in the snapshot: scored as a newcomer
};

/// "registered" or "estimated".
const char* estimate_status_name(EstimateStatus status);
/// "已入统（实际分值）" or "未入统（预估分值）".
const char* estimate_status_zh(EstimateStatus status);

/// Levels at which a row is ranked against the base database.
inline constexpr std::array<RankLevel, 6> estimate_rank_levels = {
    RankLevel::national, RankLevel::province, RankLevel::city,
    RankLevel::county,   RankLevel::zone,     RankLevel::incubator};

/// One indicator whose uploaded value differs from the stored one.
struct ValueDifference {
  int indicator = 0;     ///< model indicator index
  double uploaded = 0;   ///< NaN when the upload left it empty
  double stored = 0;     ///< NaN when the base database has none
};

/// One scored row of an upload.
struct EstimateRow {
  std::int64_t source_row = 0;  ///< spreadsheet row in the upload
  std::int64_t table_row = 0;   ///< row in Upload::table
  EstimateStatus status = EstimateStatus::estimated;
  std::int64_t snapshot_row = -1;  ///< the registered enterprise's row, or -1
  /// The scoring: for a registered row the snapshot's, for an estimate the
  /// newcomer's (stage, peer group, per-indicator points, totals).
  Ledger ledger;
  std::int64_t published_units = 0;  ///< published score x 10^decimals
  std::int32_t grade = 0;
  /// Rank at each of estimate_rank_levels (0 where the row has no unit at
  /// that level); for an estimate, the rank it would have.
  std::array<std::int32_t, 6> rank{};
  /// Bad cells of this row that were treated as missing.
  std::vector<int> bad_indicators;
  /// Registered rows: indicators whose uploaded value differs from the stored one.
  std::vector<ValueDifference> differences;
  bool duplicate = false;  ///< its credit code appears on an earlier row of the upload
};

/// Counts of an estimation; they add up:
/// rows_read = scored + rejected and scored = registered + estimated.
struct EstimateCounts {
  std::int64_t rows_read = 0;
  std::int64_t scored = 0;
  std::int64_t registered = 0;
  std::int64_t estimated = 0;
  std::int64_t rejected = 0;
  std::int64_t duplicates = 0;    ///< scored rows repeating an earlier row's credit code
  std::int64_t bad_cells = 0;     ///< entries of the error report
};

/// An estimation record (测算记录).
struct EstimationRecord {
  std::string id;           ///< "est-" + 16 hex digits, from the content and time
  std::string created;      ///< ISO 8601 UTC, e.g. "2026-11-24T10:15:00Z"
  std::string model_id;
  std::string snapshot_hash;///< the reference's content hash, 16 hex digits
  std::string principal;    ///< Principal::label() of who ran it
  Encoding encoding = Encoding::utf8;
  EstimateCounts counts;
  Upload upload;            ///< the rows as read, the rejected rows and the error report
  std::vector<EstimateRow> rows;  ///< one per Upload::table row, in file order

  /// The record as JSON: header, counts, rows (with `ledgers` each row's
  /// ledger), rejected rows and errors.
  std::string to_json(const Snapshot& snapshot, bool ledgers = false) const;
  /// The results as CSV (UTF-8 with a byte-order mark), one line per scored row.
  void write_results_csv(std::ostream& out, const Snapshot& snapshot) const;
  /// The error report as CSV (UTF-8 with a byte-order mark): every bad cell
  /// and every rejected row, with row, column, raw value, reasons, and the
  /// worksheet and cell (D7) where the upload was a workbook.
  void write_errors_csv(std::ostream& out) const;
  /// Results, error report and the record's facts as one Excel workbook
  /// (.xlsx bytes) with the sheets 结果, 错误 and 记录: the same rows as the
  /// two CSV files, with Chinese headers, scores and ranks as numbers.
  std::string results_xlsx(const Snapshot& snapshot) const;
};

/// A bad cell's place as a spreadsheet names it ("D7"); empty when its
/// column is not known.
std::string cell_reference(const CellError& error);

/// A row's bad cells treated as missing, as results.csv writes them:
/// indicator names joined by "; " (empty when none).
std::string bad_cells_text(const Model& model, const EstimateRow& row);
/// A registered row's value differences as results.csv writes them:
/// "name uploaded → stored" joined by "; ", "—" for an empty value.
std::string differences_text(const Model& model, const EstimateRow& row);

/// Estimates uploads against one snapshot. Building it indexes the
/// snapshot once (credit codes, and the published scores of every region,
/// zone and incubator in rank order), so each upload then costs only its own
/// rows: a service keeps one Estimator per loaded snapshot. The snapshot must
/// outlive it and must not change. estimate() may be called from several
/// threads at once.
class Estimator {
 public:
  explicit Estimator(const Snapshot& snapshot);
  ~Estimator();
  Estimator(Estimator&&) noexcept;
  Estimator& operator=(Estimator&&) noexcept;
  Estimator(const Estimator&) = delete;
  Estimator& operator=(const Estimator&) = delete;

  /// The snapshot it estimates against.
  const Snapshot& snapshot() const;
  /// Scores every usable row of `upload` for `principal`, on `threads`
  /// threads (0: one per core; uploads under 2,000 rows use one). The record
  /// is the same whatever the thread count.
  EstimationRecord estimate(Upload upload, const Principal& principal, unsigned threads = 0) const;

 private:
  struct Impl;
  std::unique_ptr<const Impl> impl_;
};

/// Scores every usable row of `upload` against `snapshot` for `principal`:
/// Estimator(snapshot).estimate(upload, principal), for a single upload.
EstimationRecord estimate(const Snapshot& snapshot, Upload upload, const Principal& principal);

}  // namespace cxjf
