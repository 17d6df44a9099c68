// The public's disclosure rule (docs/overview.md, "What the public may
// learn"): cells of fewer than `public_min_cell` enterprises are withheld,
// and within a partition (cells that add up to a published total) further
// cells are withheld, smallest first, until the withheld cells hold at least
// that many enterprises together, so that no difference of published
// numbers isolates fewer. Statistical agencies call these primary and
// secondary (complementary) suppression.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cxjf::detail {

/// One cell of a partition: its count and the key that breaks ties among
/// equal counts (so that every answer withholds the same cells).
struct DisclosureCell {
  std::int64_t count = 0;
  std::string key;
};

/// Which cells of a partition to withhold: every cell with 0 < count <
/// `min_cell`, then (when the withheld hold fewer than `min_cell` together)
/// the smallest non-empty others by (count, key) until they hold at least
/// `min_cell` or none is left. Empty cells are never withheld: they tell
/// nothing about an enterprise.
std::vector<bool> withheld_cells(const std::vector<DisclosureCell>& cells, std::int64_t min_cell);

/// Cells of several partitions of one population that share enterprises:
/// a province and the zones in it, a histogram bin and a grade band. Their
/// `atoms` are the sets no two cells split (a province's enterprises in one
/// zone, the scores between two neighbouring edges of either axis); each
/// cell is a union of atoms.
struct LinkedCells {
  std::vector<std::int64_t> atoms;              ///< enterprises in each atom (atoms with none are left out)
  std::vector<std::vector<std::size_t>> cells;  ///< the atoms of each cell, ascending
  std::vector<std::string> keys;                ///< per cell: breaks ties among equal counts
  std::vector<bool> fixed;                      ///< per cell: always published (the national total)
};

/// Extends `withheld` (one flag per cell, the rule of withheld_cells applied
/// to each partition) until no published cell, nor the difference of two
/// nested ones, isolates a set of fewer than `min_cell` enterprises, even
/// with the atoms earlier steps revealed: the audit statistical agencies run
/// on linked tables, here by peeling (a cell with one unknown atom reveals
/// it) and nested differences. Each step withholds the smallest cell holding
/// what would be revealed.
std::vector<bool> withheld_linked(const LinkedCells& table, std::vector<bool> withheld, std::int64_t min_cell);

/// Only the cells below `min_cell` (for counts that are not a partition,
/// such as multi-valued facets, where no difference isolates a cell).
std::vector<bool> small_cells(const std::vector<DisclosureCell>& cells, std::int64_t min_cell);

}  // namespace cxjf::detail
