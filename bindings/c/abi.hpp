// The machinery every C ABI source shares: the objects behind the handles,
// the registry of live handles, and the guard pair that turns every C++
// exception into a status and a message. Internal: cxjf.h is the interface.
//
// A handle is not a pointer to its object but a number the library issued
// and never issues again, looked up in a registry of live handles. So the
// commonest C bugs (a snapshot passed where a model is expected through a
// cast, a handle used after destroy, a handle destroyed twice) become
// CXJF_WRONG_HANDLE without touching freed memory, however it was reused.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cxjf.h"
#include "cxjf/cxjf.hpp"

namespace cxjf_c {

using json = nlohmann::json;

// A handle's kind, in the low bits of its number.
enum HandleKind : std::uintptr_t { model_kind = 1, columns_kind = 2, snapshot_kind = 3 };
constexpr std::uintptr_t kind_bits = 4;

// An error raised by this file itself (a NULL argument, a wrong handle, a
// small buffer), with the status it must become.
struct CError {
  cxjf_status status;
  std::string message;
};

[[noreturn]] inline void fail(cxjf_status status, std::string message) { throw CError{status, std::move(message)}; }

inline thread_local std::string last_error;

// The status of a C++ error code. A switch rather than a cast: the C numbers
// 8 to 11 belong to the C ABI alone, so a code appended to cxjf::ErrorCode
// must be mapped here deliberately (the compiler warns about an unhandled one).
inline cxjf_status status_of(cxjf::ErrorCode code) {
  switch (code) {
    case cxjf::ErrorCode::invalid_argument: return CXJF_INVALID_ARGUMENT;
    case cxjf::ErrorCode::invalid_model: return CXJF_INVALID_MODEL;
    case cxjf::ErrorCode::invalid_input: return CXJF_INVALID_INPUT;
    case cxjf::ErrorCode::io: return CXJF_IO;
    case cxjf::ErrorCode::corrupt_snapshot: return CXJF_CORRUPT_SNAPSHOT;
    case cxjf::ErrorCode::not_found: return CXJF_NOT_FOUND;
    case cxjf::ErrorCode::forbidden: return CXJF_FORBIDDEN;
    case cxjf::ErrorCode::internal: return CXJF_INTERNAL;
  }
  return CXJF_INTERNAL;
}

// The status of a refused query's error answer code (overview.hpp).
inline cxjf_status status_of_answer_code(const std::string& code) {
  if (code == "bad_request") return CXJF_INVALID_ARGUMENT;
  if (code == "forbidden") return CXJF_FORBIDDEN;
  if (code == "not_found") return CXJF_NOT_FOUND;
  return CXJF_INTERNAL;
}

// A malloc'ed, NUL-terminated copy: what cxjf_free releases.
inline char* copy_out(std::string_view s) {
  auto* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) throw std::bad_alloc();
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};
using Owned = std::unique_ptr<char, FreeDeleter>;

// The per-call error slot: clears *error on entry, and on failure turns the
// exception in flight into a status, the thread's last error and *error.
class ErrorSlot {
 public:
  explicit ErrorSlot(char** error) noexcept : error_(error) {
    if (error_) *error_ = nullptr;
  }

  // Called from inside a catch (...) block.
  cxjf_status fail() noexcept {
    cxjf_status status = CXJF_INTERNAL;
    try {
      try {
        throw;
      } catch (const CError& e) {
        status = e.status;
        record(e.message);
      } catch (const cxjf::QueryError& e) {
        status = e.kind() == cxjf::QueryErrorKind::forbidden   ? CXJF_FORBIDDEN
                 : e.kind() == cxjf::QueryErrorKind::not_found ? CXJF_NOT_FOUND
                                                               : CXJF_INVALID_ARGUMENT;
        record(e.what());
      } catch (const cxjf::Error& e) {
        status = status_of(e.code());
        record(e.what());
      } catch (const std::bad_alloc&) {
        status = CXJF_OUT_OF_MEMORY;
        record("out of memory");
      } catch (const std::exception& e) {
        status = CXJF_INTERNAL;
        record(std::string("internal error (please report it): ") + e.what());
      } catch (...) {
        status = CXJF_INTERNAL;
        record("internal error (please report it): an exception of unknown type");
      }
    } catch (...) {
      // Recording the message itself ran out of memory.
      status = CXJF_OUT_OF_MEMORY;
    }
    return status;
  }

 private:
  void record(std::string_view message) {
    try {
      last_error.assign(message);
    } catch (...) {
      last_error.clear();  // keep the thread's slot consistent; the status still tells
    }
    if (error_) *error_ = copy_out(message);
  }

  char** error_;
};

}  // namespace cxjf_c

// Every exported function's body goes between these two: one place decides
// how exceptions become statuses.
#define CXJF_API_BEGIN(error) \
  ErrorSlot error_slot_(error); \
  try {
#define CXJF_API_END()          \
  }                             \
  catch (...) {                 \
    return error_slot_.fail();  \
  }                             \
  return CXJF_OK;

// The objects behind the handles.
struct cxjf_model_s {
  cxjf::Model model;
};

struct cxjf_columns_s {
  // The text columns, in the order the header lists them.
  static constexpr int text_count = 9;
  static constexpr const char* text_names[text_count] = {"credit_code",    "name",      "zone",
                                                         "incubator",      "industry",  "tech_fields",
                                                         "qualifications", "negatives", "stage"};
  enum Text { credit_code, name, zone, incubator, industry, tech_fields, qualifications, negatives, stage };

  std::int64_t n = 0;
  std::vector<std::string> text[text_count];  // empty until set
  std::vector<std::int32_t> region;            // empty until set
  std::vector<std::int32_t> founded;           // empty until set
  std::vector<std::string> indicator_ids;      // empty until set
  std::vector<double> values;                  // n x k, column-major like Table::values
};

struct cxjf_snapshot_s {
  cxjf::Snapshot snapshot;
  // The query index, built on first use. The atomic pointer makes every query
  // after the first lock-free; the mutex makes concurrent first queries wait
  // for one build instead of each building its own.
  std::atomic<const cxjf::OverviewIndex*> index{nullptr};
  std::mutex index_mutex;
  std::unique_ptr<cxjf::OverviewIndex> index_owner;

  // The estimation index, likewise.
  std::atomic<const cxjf::Estimator*> estimator{nullptr};
  std::mutex estimator_mutex;
  std::unique_ptr<cxjf::Estimator> estimator_owner;

  // What an upload may cost: set by cxjf_snapshot_set_upload_limits, read
  // by every estimate.
  std::mutex limits_mutex;
  cxjf::UploadLimits limits;

  explicit cxjf_snapshot_s(cxjf::Snapshot s) : snapshot(std::move(s)) {}

  cxjf::UploadLimits upload_limits() {
    std::lock_guard<std::mutex> lock(limits_mutex);
    return limits;
  }

  const cxjf::OverviewIndex& overview() { return built_once(index, index_mutex, index_owner); }
  const cxjf::Estimator& estimation() { return built_once(estimator, estimator_mutex, estimator_owner); }

 private:
  template <class T>
  const T& built_once(std::atomic<const T*>& built, std::mutex& mutex, std::unique_ptr<T>& owner) {
    if (const T* done = built.load(std::memory_order_acquire)) return *done;
    std::lock_guard<std::mutex> lock(mutex);
    if (!owner) {
      owner = std::make_unique<T>(snapshot);
      built.store(owner.get(), std::memory_order_release);
    }
    return *owner;
  }
};

namespace cxjf_c {

template <class T>
struct Kind;
template <>
struct Kind<cxjf_model_s> {
  static constexpr HandleKind kind = model_kind;
  static constexpr const char* name = "cxjf_model";
};
template <>
struct Kind<cxjf_columns_s> {
  static constexpr HandleKind kind = columns_kind;
  static constexpr const char* name = "cxjf_columns";
};
template <>
struct Kind<cxjf_snapshot_s> {
  static constexpr HandleKind kind = snapshot_kind;
  static constexpr const char* name = "cxjf_snapshot";
};

inline const char* kind_name(std::uintptr_t kind) {
  switch (kind) {
    case model_kind: return "cxjf_model";
    case columns_kind: return "cxjf_columns";
    case snapshot_kind: return "cxjf_snapshot";
    default: return "handle";
  }
}

template <class T>
void require(const T* p, const char* function, const char* parameter) {
  if (!p) fail(CXJF_NULL_ARGUMENT, std::string(function) + ": " + parameter + " is NULL");
}

// The live handles: number -> object. Numbers count up and are never
// reused, so a destroyed handle stays unknown. Never destroyed itself:
// handles may be released while the process exits (a JVM's finalizers).
struct Registry {
  std::shared_mutex mutex;
  std::unordered_map<std::uintptr_t, void*> live;
  std::uintptr_t issued = 0;
};
inline Registry& registry() {
  static Registry* r = new Registry;
  return *r;
}

// Registers a new object and returns its handle.
template <class T>
T* issue(std::unique_ptr<T> object) {
  Registry& r = registry();
  std::unique_lock<std::shared_mutex> lock(r.mutex);
  const std::uintptr_t number = (++r.issued << kind_bits) | Kind<T>::kind;
  r.live.emplace(number, object.get());
  object.release();
  return reinterpret_cast<T*>(number);
}

// The live object behind a handle, or CXJF_NULL_ARGUMENT / CXJF_WRONG_HANDLE.
template <class T>
T& live(T* handle, const char* function, const char* parameter) {
  require(handle, function, parameter);
  const auto number = reinterpret_cast<std::uintptr_t>(handle);
  Registry& r = registry();
  void* object = nullptr;
  {
    std::shared_lock<std::shared_mutex> lock(r.mutex);
    auto it = r.live.find(number);
    if (it != r.live.end()) object = it->second;
  }
  const std::uintptr_t kind = number & ((std::uintptr_t{1} << kind_bits) - 1);
  if (!object)
    fail(CXJF_WRONG_HANDLE, std::string(function) + ": " + parameter + " is not a live " + Kind<T>::name +
                                " (destroyed already, or not made by this library)");
  if (kind != Kind<T>::kind)
    fail(CXJF_WRONG_HANDLE, std::string(function) + ": " + parameter + " is a " + kind_name(kind) + ", not a " +
                                Kind<T>::name);
  return *static_cast<T*>(object);
}

// Destroys a handle: the shared body of the cxjf_*_destroy functions.
template <class T>
cxjf_status destroy(T** handle, const char* function) {
  CXJF_API_BEGIN(nullptr)
  if (!handle || !*handle) return CXJF_OK;
  T* object = &live(*handle, function, "*handle");
  {
    Registry& r = registry();
    std::unique_lock<std::shared_mutex> lock(r.mutex);
    r.live.erase(reinterpret_cast<std::uintptr_t>(*handle));
  }
  delete object;
  *handle = nullptr;
  CXJF_API_END()
}

inline cxjf_snapshot_s& snapshot_of(cxjf_snapshot s, const char* function) { return live(s, function, "snapshot"); }
inline const cxjf::Model& model_of(cxjf_model m, const char* function) { return live(m, function, "model").model; }

// The zstd pattern: report the size, and write only into a buffer that holds it all.
template <class T, class Fill>
void fill_buffer(T* buffer, size_t capacity, size_t* count, size_t n, const char* function, Fill fill) {
  require(count, function, "count");
  *count = n;
  if (!buffer) return;
  if (capacity < n)
    fail(CXJF_BUFFER_TOO_SMALL, std::string(function) + ": the buffer holds " + std::to_string(capacity) +
                                    " values but " + std::to_string(n) +
                                    " are needed; call with buffer = NULL to ask the size");
  for (size_t i = 0; i < n; ++i) buffer[i] = fill(i);
}
}  // namespace cxjf_c
