// A table built from rows that a caller fills by index, in blocks on several
// threads: the readers of columns (the Python module's frames) use it. Each
// block goes into its own TableBuilder and the tables are concatenated, which
// gives the table one builder would. Any error sends the whole build back to
// one thread, so the error raised is the one a sequential build meets first
// (a multi-valued column's 33rd value, for one, depends on the rows before).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cxjf/error.hpp"
#include "cxjf/table.hpp"
#include "base/task_graph.hpp"

namespace cxjf::detail {

// fill(i, row) fills row i (views into data that outlives the build; it may
// throw InputError); row i is reported as first_row + i. done(rows), when
// given, is called now and then with the rows added so far (from any
// thread, one call at a time). Region codes are checked against `regions`
// (null: the embedded table), which the table keeps.
template <class Fill>
Table build_rows(const std::vector<std::string>& indicator_ids, const std::shared_ptr<const Regions>& regions,
                 std::int64_t n, unsigned threads, std::int64_t first_row, const Fill& fill,
                 const std::function<void(std::int64_t)>& done = {}) {
  constexpr std::int64_t block = std::int64_t{1} << 16;
  auto build = [&](std::int64_t from, std::int64_t to, bool report) {
    TableBuilder builder(indicator_ids, regions);
    builder.reserve(to - from);
    RowView row;
    for (std::int64_t i = from; i < to; ++i) {
      fill(i, row);
      builder.add(row, first_row + i);
      if (report && done && (i + 1) % block == 0) done(i + 1);
    }
    return builder.build();
  };
  threads = resolve_threads(threads);
  const std::int64_t blocks = (n + block - 1) / block;
  if (threads > 1 && blocks > 1) {
    std::vector<std::optional<Table>> parts(static_cast<std::size_t>(blocks));
    std::atomic<std::int64_t> added{0};
    std::mutex reporting;
    parallel_for(threads, static_cast<std::size_t>(blocks), [&](std::size_t b) {
      const std::int64_t from = static_cast<std::int64_t>(b) * block, to = std::min(n, from + block);
      try {
        parts[b] = build(from, to, false);
      } catch (const InputError&) {
        return;  // the sequential build below names it
      }
      const std::int64_t so_far = added += to - from;
      if (done) {
        std::lock_guard<std::mutex> lock(reporting);
        done(so_far);
      }
    });
    std::vector<Table> tables;
    for (auto& part : parts)
      if (part) tables.push_back(std::move(*part));
    if (tables.size() == parts.size()) {
      try {
        return concatenate(std::move(tables));
      } catch (const Error&) {
        // Too many multi-values across blocks: the sequential build names the row.
      }
    }
  }
  Table table = build(0, n, true);
  if (done) done(n);
  return table;
}

}  // namespace cxjf::detail
