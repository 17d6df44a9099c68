// A small pool that runs tasks with dependencies: the fused build's
// indicators, row blocks and rank levels, and an upload's rows in estimation.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <type_traits>
#include <vector>

namespace cxjf::detail {

/// The worker count a caller asked for: 0 means one per hardware thread.
unsigned resolve_threads(unsigned requested);

/// Tasks with dependencies run by a fixed set of threads: the fused build's
/// indicators, row blocks and rank levels. Tasks write disjoint data and every
/// per-row sum is made by one task in a fixed order, so results do not depend
/// on which thread ran what, nor when.
class TaskGraph {
 public:
  /// `threads` workers in all: the caller is worker 0 and works while it waits.
  explicit TaskGraph(unsigned threads);
  /// Drops the tasks not yet started, waits for running ones, joins.
  ~TaskGraph();
  TaskGraph(const TaskGraph&) = delete;
  TaskGraph& operator=(const TaskGraph&) = delete;

  unsigned threads() const { return static_cast<unsigned>(helpers_.size()) + 1; }
  /// Adds a task that runs once every task in `after` has finished; it gets
  /// the index of the worker running it (for per-thread scratch). A task
  /// whose dependency failed is skipped. Call from worker 0 only.
  int add(std::function<void(unsigned worker)> task, const std::vector<int>& after = {});
  /// Runs tasks until `task` has finished, or every task when -1.
  void wait(int task = -1);
  /// Whether a finished task threw.
  bool failed();
  /// Rethrows the exception of the earliest added task that threw, if any:
  /// the error a sequential run would have met first.
  void rethrow();

 private:
  struct Node {
    std::function<void(unsigned)> run;
    std::vector<int> dependents;
    int pending = 0;
    bool finished = false;
    bool skip = false;  // a dependency failed
    std::exception_ptr error;
  };
  void work(unsigned worker);
  void run_one(std::unique_lock<std::mutex>& lock, unsigned worker);
  void finish(int id, std::exception_ptr error);

  std::mutex mutex_;
  std::condition_variable ready_cv_, done_cv_;
  std::vector<Node> nodes_;
  std::set<int> ready_;  // earliest added first
  std::size_t unfinished_ = 0;
  bool stop_ = false;
  bool failed_ = false;
  std::vector<std::thread> helpers_;
};

/// Runs body(i) for every i in [0, count) on `threads` workers (the caller
/// among them) and waits; rethrows the error of the lowest i that threw, the
/// one a sequential loop would have met first. Each body writes its own
/// output, so the result does not depend on the thread count. A body taking
/// (i, worker) also gets the index of the worker running it, below
/// `threads`, for scratch space of its own.
template <class Body>
void parallel_for(unsigned threads, std::size_t count, const Body& body) {
  auto run = [&body](std::size_t i, unsigned worker) {
    if constexpr (std::is_invocable_v<const Body&, std::size_t, unsigned>) body(i, worker);
    else body(i);
  };
  if (threads <= 1 || count <= 1) {
    for (std::size_t i = 0; i < count; ++i) run(i, 0);
    return;
  }
  TaskGraph graph(static_cast<unsigned>(std::min<std::size_t>(threads, count)));
  for (std::size_t i = 0; i < count; ++i) graph.add([&run, i](unsigned worker) { run(i, worker); });
  graph.wait();
  graph.rethrow();
}

}  // namespace cxjf::detail
