#include "overview/disclosure.hpp"

#include <algorithm>
#include <iterator>
#include <numeric>

namespace cxjf::detail {

std::vector<bool> small_cells(const std::vector<DisclosureCell>& cells, std::int64_t min_cell) {
  std::vector<bool> out(cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) out[i] = cells[i].count > 0 && cells[i].count < min_cell;
  return out;
}

std::vector<bool> withheld_cells(const std::vector<DisclosureCell>& cells, std::int64_t min_cell) {
  std::vector<bool> out = small_cells(cells, min_cell);
  std::int64_t hidden = 0;
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (out[i]) hidden += cells[i].count;
  if (hidden == 0 || hidden >= min_cell) return out;
  std::vector<std::size_t> order(cells.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (cells[a].count != cells[b].count) return cells[a].count < cells[b].count;
    return cells[a].key < cells[b].key;
  });
  for (std::size_t i : order) {
    if (hidden >= min_cell) break;
    if (out[i] || cells[i].count == 0) continue;
    out[i] = true;
    hidden += cells[i].count;
  }
  return out;
}

namespace {

// What an attacker learns from the published cells: which atoms are known
// exactly, and the first set of fewer than `min_cell` enterprises revealed
// (empty when none).
struct Revealed {
  std::vector<bool> known;
  std::vector<std::size_t> small;
};

Revealed reveal(const LinkedCells& t, const std::vector<bool>& withheld, std::int64_t min_cell) {
  Revealed r;
  r.known.assign(t.atoms.size(), false);
  auto unknown = [&](std::size_t c) {
    std::vector<std::size_t> u;
    for (std::size_t a : t.cells[c])
      if (!r.known[a]) u.push_back(a);
    return u;
  };
  auto sum = [&](const std::vector<std::size_t>& atoms) {
    std::int64_t n = 0;
    for (std::size_t a : atoms) n += t.atoms[a];
    return n;
  };
  std::vector<std::size_t> open;
  for (std::size_t c = 0; c < t.cells.size(); ++c)
    if (!withheld[c]) open.push_back(c);
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<std::vector<std::size_t>> u(open.size());
    for (std::size_t i = 0; i < open.size(); ++i) u[i] = unknown(open[i]);
    auto learn = [&](const std::vector<std::size_t>& set) {
      const std::int64_t n = sum(set);
      if (n > 0 && n < min_cell && r.small.empty()) r.small = set;
      if (set.size() == 1 && !r.known[set[0]]) {
        r.known[set[0]] = true;
        changed = true;
      }
    };
    for (std::size_t i = 0; i < open.size(); ++i) {
      learn(u[i]);
      for (std::size_t j = 0; j < open.size(); ++j) {
        if (i == j || u[i].size() >= u[j].size() || u[i].empty()) continue;
        if (!std::includes(u[j].begin(), u[j].end(), u[i].begin(), u[i].end())) continue;
        std::vector<std::size_t> rest;
        std::set_difference(u[j].begin(), u[j].end(), u[i].begin(), u[i].end(), std::back_inserter(rest));
        learn(rest);
      }
    }
    if (!r.small.empty()) return r;
  }
  return r;
}

}  // namespace

std::vector<bool> withheld_linked(const LinkedCells& t, std::vector<bool> withheld, std::int64_t min_cell) {
  auto count = [&](std::size_t c) {
    std::int64_t n = 0;
    for (std::size_t a : t.cells[c]) n += t.atoms[a];
    return n;
  };
  for (;;) {
    const Revealed r = reveal(t, withheld, min_cell);
    if (r.small.empty()) return withheld;
    // Withhold the smallest published cell holding part of what is revealed.
    std::size_t best = t.cells.size();
    for (std::size_t c = 0; c < t.cells.size(); ++c) {
      if (withheld[c] || t.fixed[c]) continue;
      const auto& atoms = t.cells[c];
      bool holds = false;
      for (std::size_t a : r.small) holds |= std::binary_search(atoms.begin(), atoms.end(), a);
      if (!holds) continue;
      if (best == t.cells.size() || count(c) < count(best) || (count(c) == count(best) && t.keys[c] < t.keys[best]))
        best = c;
    }
    if (best == t.cells.size()) {
      // Only fixed cells show it: the population itself is that small.
      for (std::size_t c = 0; c < t.cells.size(); ++c) withheld[c] = withheld[c] || !t.fixed[c];
      return withheld;
    }
    withheld[best] = true;
  }
}

}  // namespace cxjf::detail
