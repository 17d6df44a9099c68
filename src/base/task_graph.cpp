#include "base/task_graph.hpp"

#include <algorithm>

namespace cxjf::detail {

unsigned resolve_threads(unsigned requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

TaskGraph::TaskGraph(unsigned threads) {
  for (unsigned w = 1; w < std::max(1u, threads); ++w) helpers_.emplace_back([this, w] { work(w); });
}

TaskGraph::~TaskGraph() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  ready_cv_.notify_all();
  for (auto& t : helpers_) t.join();
}

int TaskGraph::add(std::function<void(unsigned)> task, const std::vector<int>& after) {
  int id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    id = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    Node& node = nodes_.back();
    node.run = std::move(task);
    ++unfinished_;
    for (int d : after) {
      Node& dep = nodes_[static_cast<std::size_t>(d)];
      if (!dep.finished) {
        dep.dependents.push_back(id);
        ++node.pending;
      } else if (dep.skip || dep.error) {
        node.skip = true;
      }
    }
    if (node.pending > 0) return id;
    ready_.insert(id);
  }
  ready_cv_.notify_one();
  return id;
}

void TaskGraph::work(unsigned worker) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    ready_cv_.wait(lock, [&] { return stop_ || !ready_.empty(); });
    if (stop_) return;
    run_one(lock, worker);
  }
}

void TaskGraph::run_one(std::unique_lock<std::mutex>& lock, unsigned worker) {
  int id = *ready_.begin();
  ready_.erase(ready_.begin());
  Node& node = nodes_[static_cast<std::size_t>(id)];
  std::exception_ptr error;
  if (!node.skip) {
    // Moved out: nodes_ may grow (and move) while the task runs unlocked.
    std::function<void(unsigned)> run = std::move(node.run);
    lock.unlock();
    try {
      run(worker);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
  }
  finish(id, error);
}

void TaskGraph::finish(int id, std::exception_ptr error) {
  Node& node = nodes_[static_cast<std::size_t>(id)];
  node.finished = true;
  node.error = error;
  if (error) failed_ = true;
  --unfinished_;
  bool woke = false;
  for (int d : node.dependents) {
    Node& next = nodes_[static_cast<std::size_t>(d)];
    if (node.skip || node.error) next.skip = true;
    if (--next.pending == 0) {
      ready_.insert(d);
      woke = true;
    }
  }
  if (woke) ready_cv_.notify_all();
  done_cv_.notify_all();
}

void TaskGraph::wait(int task) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto done = [&] { return task < 0 ? unfinished_ == 0 : nodes_[static_cast<std::size_t>(task)].finished; };
  while (!done()) {
    if (!ready_.empty())
      run_one(lock, 0);
    else
      done_cv_.wait(lock);
  }
}

bool TaskGraph::failed() {
  std::lock_guard<std::mutex> lock(mutex_);
  return failed_;
}

void TaskGraph::rethrow() {
  std::exception_ptr first;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Node& node : nodes_)
      if (node.error) {
        first = node.error;
        break;
      }
  }
  if (first) std::rethrow_exception(first);
}

}  // namespace cxjf::detail
