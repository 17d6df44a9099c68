#include "serve/records.hpp"

#include <sqlite3.h>

#include "cxjf/error.hpp"

namespace cxjf::serve {
namespace {

// A prepared statement, finalised however the scope ends.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw Error(ErrorCode::io, std::string("records database: ") + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void text(int i, const std::string& v) { sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void blob(int i, const std::string& v) { sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void integer(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw Error(ErrorCode::io, std::string("records database: ") + sqlite3_errmsg(db_));
  }
  std::string column(int i) {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, i));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i))) : std::string();
  }
  std::int64_t number(int i) { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

void exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string m = message ? message : "error";
    sqlite3_free(message);
    throw Error(ErrorCode::io, "records database: " + m);
  }
}

}  // namespace

Records::Records(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
      SQLITE_OK) {
    const std::string m = db_ ? sqlite3_errmsg(db_) : "cannot open";
    sqlite3_close(db_);
    throw Error(ErrorCode::io, path + ": " + m + " (无法打开测算记录库)");
  }
  sqlite3_busy_timeout(db_, 5000);
  exec(db_, "PRAGMA journal_mode=WAL;"
            "CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, created TEXT NOT NULL, principal TEXT NOT NULL,"
            " file_name TEXT NOT NULL, rows_read INTEGER, scored INTEGER, rejected INTEGER,"
            " record_json BLOB, results_csv BLOB, errors_csv BLOB);"
            "CREATE INDEX IF NOT EXISTS records_by_principal ON records (principal, created);");
}

Records::~Records() { sqlite3_close(db_); }

void Records::add(const RecordSummary& s, const std::string& record_json, const std::string& results_csv,
                  const std::string& errors_csv) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement st(db_, "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.text(1, s.id);
  st.text(2, s.created);
  st.text(3, s.principal);
  st.text(4, s.file_name);
  st.integer(5, s.rows_read);
  st.integer(6, s.scored);
  st.integer(7, s.rejected);
  st.blob(8, record_json);
  st.blob(9, results_csv);
  st.blob(10, errors_csv);
  st.step();
}

std::vector<RecordSummary> Records::list(const std::string& principal, int limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement st(db_, "SELECT id, created, principal, file_name, rows_read, scored, rejected FROM records"
                    " WHERE principal = ? ORDER BY created DESC, id LIMIT ?");
  st.text(1, principal);
  st.integer(2, limit);
  std::vector<RecordSummary> out;
  while (st.step())
    out.push_back({st.column(0), st.column(1), st.column(2), st.column(3), st.number(4), st.number(5), st.number(6)});
  return out;
}

std::optional<std::string> Records::part(const std::string& principal, const std::string& id, const std::string& which) {
  const char* sql = which == "results" ? "SELECT results_csv FROM records WHERE principal = ? AND id = ?"
                    : which == "errors" ? "SELECT errors_csv FROM records WHERE principal = ? AND id = ?"
                                        : "SELECT record_json FROM records WHERE principal = ? AND id = ?";
  std::lock_guard<std::mutex> lock(mutex_);
  Statement st(db_, sql);
  st.text(1, principal);
  st.text(2, id);
  if (!st.step()) return std::nullopt;
  return st.column(0);
}

}  // namespace cxjf::serve
