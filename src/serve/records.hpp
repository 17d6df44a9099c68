// The estimation records (测算记录) of `cxjf serve`, kept in SQLite
// (Debian's libsqlite3) in the data directory, so that they survive a
// restart. Each record belongs to the principal who ran it; nobody else
// sees it, not even whether its id exists.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace cxjf::serve {

/// One stored record, as listed.
struct RecordSummary {
  std::string id, created, principal, file_name;
  std::int64_t rows_read = 0, scored = 0, rejected = 0;
};

class Records {
 public:
  /// Opens (or creates) the database at `path`. Throws Error(io).
  explicit Records(const std::string& path);
  ~Records();
  Records(const Records&) = delete;
  Records& operator=(const Records&) = delete;

  /// Stores a record: its summary, its JSON document and its results and
  /// errors as CSV.
  void add(const RecordSummary& summary, const std::string& record_json, const std::string& results_csv,
           const std::string& errors_csv);
  /// The owner's records, newest first (at most `limit`).
  std::vector<RecordSummary> list(const std::string& principal, int limit = 200);
  /// One of the owner's records: "json", "results" or "errors"; nothing
  /// when it is absent or another principal's.
  std::optional<std::string> part(const std::string& principal, const std::string& id, const std::string& which);

 private:
  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

}  // namespace cxjf::serve
