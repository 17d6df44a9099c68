// cxjf: Scores, the result of scoring a table against a Reference: per
// enterprise the stage, peer group, category subtotals, bonus, deductions,
// veto, exact and published totals, grade and ranks. Per-indicator detail is
// not stored for every enterprise (it would double the memory of national
// runs); explain() rebuilds it, exactly, for any enterprise: the Ledger.
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cxjf/model.hpp"
#include "cxjf/reference.hpp"
#include "cxjf/table.hpp"

namespace cxjf {

/// The levels at which enterprises are ranked.
enum class RankLevel : std::uint8_t { national, province, city, county, zone, incubator, peer_group };
/// Number of RankLevel values.
inline constexpr int rank_level_count = 7;
/// "national", "province", ... as used in CSV headers and JSON.
const char* rank_level_name(RankLevel level);

/// Scores of every row of a table.
struct Scores {
  std::int32_t decimals = 2;                ///< published decimals (Model::scale)
  std::vector<std::int32_t> stage;          ///< model stage index
  std::vector<std::int32_t> peer_group;     ///< Reference group index, -1 none
  Eigen::MatrixXd category_points;          ///< n x categories
  std::vector<double> base;                 ///< sum of category points
  std::vector<double> bonus;                ///< after the bonus cap
  std::vector<double> deduction;            ///< points deducted by negative items
  std::vector<std::uint8_t> veto;           ///< 1 when a veto item applied (score 0)
  std::vector<std::uint8_t> imputed;        ///< indicators whose missing value was imputed or excluded
  std::vector<double> total;                ///< exact total, the nearest double
  std::vector<std::int64_t> published_units;///< published score x 10^decimals, exact
  std::vector<std::int8_t> grade;           ///< model grade index
  /// Rank of each row at each level (rank[level][row]); 0 where the row has
  /// no unit at that level (no zone, say).
  std::array<std::vector<std::int32_t>, rank_level_count> rank;
  /// Rows in list order: published descending, exact total descending, then
  /// credit code ascending.
  std::vector<std::int32_t> order;

  /// Number of rows.
  std::int64_t size() const { return static_cast<std::int64_t>(total.size()); }
  /// The published score of row i as a double (for display).
  double published(std::int64_t i) const;
  /// The published score of row i as text with exactly `decimals` decimals.
  std::string published_text(std::int64_t i) const;
};

/// Published units as text with `decimals` places: (7058, 2) -> "70.58",
/// (5, 2) -> "0.05". What Scores::published_text, scores.csv and the
/// estimation results write.
std::string units_text(std::int64_t units, std::int32_t decimals);

/// Scores every row of `table` as a member of the population `reference` was
/// fitted on (a registered row's percentile counts include itself), and ranks
/// the rows among themselves. Throws Error(invalid_argument) when the model
/// and reference do not belong together or a column is missing.
Scores score(const Model& model, const Reference& reference, const Table& table);

/// One indicator's line of a ledger.
struct LedgerLine {
  int indicator = 0;        ///< model indicator index
  double raw = 0;           ///< the value in the table (NaN when missing)
  double used = 0;          ///< the value normalized (after imputation and transform)
  bool missing = false;     ///< the raw value was missing
  bool imputed = false;     ///< ... and was replaced by the missing policy
  bool excluded = false;    ///< ... and was dropped (policy exclude)
  bool zero_rule = false;   ///< s was forced to 0 because the value is <= 0
  std::int64_t peers = 0;   ///< reported values in the peer group
  double normalized = 0;    ///< s in [0, 1]
  double weight = 0;        ///< points at s = 1 for the enterprise's stage
  double points = 0;        ///< points earned (after reweighting)
};

/// A bonus or negative item that applied.
struct LedgerItem {
  int item = 0;         ///< index into Model::bonus or Model::negatives
  double points = 0;    ///< points added (bonus, before the cap) or deducted
};

/// Every number behind one enterprise's score.
struct Ledger {
  std::int64_t row = 0;
  std::int32_t stage = 0;
  std::int32_t peer_group = -1;
  std::vector<LedgerLine> lines;           ///< scored indicators, model order
  std::vector<double> category_points;     ///< per category
  double base = 0;
  std::vector<LedgerItem> bonus_items;
  double bonus = 0;                        ///< after the cap
  std::vector<LedgerItem> negative_items;
  double deduction = 0;
  bool veto = false;
  double total = 0;                        ///< exact total, the nearest double
  std::int64_t published_units = 0;        ///< published x 10^decimals
  std::int32_t grade = 0;

  /// The ledger as a JSON document with names, units and labels.
  std::string to_json(const Model& model, const Reference& reference, const Table& table) const;
};

/// How a row relates to the reference population.
enum class Membership : std::uint8_t {
  member,     ///< the row is part of the reference: s = #{ref <= x} / n
  newcomer,   ///< scored as if added to it: s = (#{ref <= x} + 1) / (n + 1)
};

/// The ledger of row `row` of `table`, computed exactly. Throws
/// Error(invalid_argument) for a row outside the table or a reference
/// fitted with another model (Reference::require_model).
Ledger explain(const Model& model, const Reference& reference, const Table& table,
               std::int64_t row, Membership membership = Membership::member);

/// explain() for many rows of one table: the model is checked and prepared,
/// and the table bound to it, once. The three must outlive it.
class Explainer {
 public:
  Explainer(const Model& model, const Reference& reference, const Table& table);
  ~Explainer();
  Explainer(const Explainer&) = delete;
  Explainer& operator=(const Explainer&) = delete;
  /// The ledger of row `row`, as explain() gives it.
  Ledger operator()(std::int64_t row, Membership membership = Membership::member) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Rounds an exact total given as a double to published units with the
/// model's rounding. Exposed for tests; scoring resolves boundary cases with
/// exact rational arithmetic before calling it.
std::int64_t round_to_units(double total, std::int32_t decimals, Rounding rounding);

}  // namespace cxjf
