// Internal to src/upload/: one upload cell as people type it: full-width
// forms, numbers with thousands separators, units and percent signs, credit
// codes, dates and industries (docs/upload.md, "How cells are read").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cxjf/upload.hpp"

namespace cxjf::upload_detail {

/// What an upload cell said.
enum class CellKind { missing, value, bad };

/// A bad cell's reason, in both languages.
struct Reason {
  std::string en;
  std::string zh;
};

/// An indicator cell, read. `value` is in the model's unit.
struct NumberCell {
  CellKind kind = CellKind::missing;
  double value = missing_value;
  bool percent_sign = false;
  Reason reason;
};

/// Full-width ASCII forms (１２３．５％, ＡＢＣ) as ASCII and U+3000 as a
/// space; a view of `s` when there is nothing to fold, else of `out`.
std::string_view fold_width(std::string_view s, std::string& out);
/// A header cell as matched against the template's columns.
std::string header_key(std::string_view header);
/// An indicator cell in the unit `unit`, its own unit's decimal `shift`
/// applied, bare % numbers read per `form`.
NumberCell read_number(std::string_view raw, std::string_view unit, int shift, PercentForm form, std::string& scratch);
/// A credit-code cell, normalized into `code`, or the reason it is refused.
std::optional<Reason> check_credit_code(std::string_view raw, std::string& code, std::string& scratch);
/// A founding date cell: YYYYMMDD, 0 when empty, or a reason.
std::int32_t read_date(std::string_view raw, std::optional<Reason>& reason, std::string& scratch);
/// An industry cell as its section letter, or nullopt when not one.
std::optional<std::string> read_industry(std::string_view raw, std::string& scratch);

/// Separators of several values in one cell: the table's, and commas, which
/// people type between qualifications.
inline constexpr std::string_view upload_separators[] = {";", "；", "、", ",", "，"};

}  // namespace cxjf::upload_detail
