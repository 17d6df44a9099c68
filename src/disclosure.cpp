#include "disclosure.hpp"

#include <algorithm>
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

}  // namespace cxjf::detail
