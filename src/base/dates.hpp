// Internal: calendar dates as day counts and back (proleptic Gregorian,
// H. Hinnant's algorithms), for the generator's founding dates, spreadsheet
// date serials in uploads and workbooks alike.
#pragma once

#include <cstdint>

namespace cxjf::detail {

/// Days since 1970-01-01 of year `y`, month `m` (1-12), day `d`.
inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// The date `z` days after 1970-01-01 as YYYYMMDD (years 0-9999 fit).
inline std::int32_t yyyymmdd_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<std::int32_t>((y + (m <= 2)) * 10000 + m * 100 + d);
}

}  // namespace cxjf::detail
