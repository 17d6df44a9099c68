// merge_references(): the one-machine fit from the fits of a population's
// parts, for engines that hold the rows in partitions (docs/distributed.md).
// A part's reference keeps each finest peer group's size and sorted values,
// which is all the fit learns from rows; the merge unites the finest groups,
// merges their values and lays out the groups and statistics with the fit's
// own code (fit.hpp), so the result is the whole population's fit to the byte.
#include <algorithm>
#include <map>
#include <tuple>

#include "base/binary_io.hpp"
#include "cxjf/error.hpp"
#include "cxjf/reference.hpp"
#include "scoring/fit.hpp"

namespace cxjf {

Reference merge_references(const Model& model, const std::vector<const Reference*>& parts) {
  for (const Reference* part : parts) {
    if (!part) throw Error(ErrorCode::invalid_argument, "merge_references: a part is null");
    part->require_model(model);
  }
  detail::Prepared p(model);
  // The union of the finest groups, in order of first appearance (the
  // layout orders them by key), and where each part's are among them.
  std::map<std::tuple<std::int32_t, std::int32_t, std::int32_t>, std::int32_t> index;
  std::vector<detail::FineGroup> fines;
  std::vector<std::vector<std::int32_t>> union_of(parts.size());
  Reference ref;
  ref.model_id = model.id;
  ref.model_hash = detail::hash_bytes(model.to_json());
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const Reference& part = *parts[k];
    ref.population += part.population;
    for (std::int32_t g = 0; g < part.fine_count; ++g) {
      const PeerGroup& pg = part.groups[static_cast<std::size_t>(g)];
      auto [it, added] = index.emplace(std::make_tuple(pg.stage, pg.industry, pg.province),
                                       static_cast<std::int32_t>(fines.size()));
      if (added) fines.push_back({pg.stage, pg.industry, pg.province, 0});
      fines[static_cast<std::size_t>(it->second)].size += pg.size;
      union_of[k].push_back(it->second);
    }
  }
  const detail::GroupLayout layout = detail::lay_out_groups(model, fines, ref);
  ref.index_groups(model);

  const std::size_t indicators = model.indicators.size();
  ref.sorted.resize(indicators);
  ref.offsets.resize(indicators);
  ref.stats.resize(indicators);
  std::vector<std::vector<std::pair<const double*, const double*>>> segments(fines.size());
  for (std::size_t j = 0; j < indicators; ++j) {
    if (!detail::needs_peers(model.indicators[j])) continue;
    for (auto& s : segments) s.clear();
    for (std::size_t k = 0; k < parts.size(); ++k) {
      const Reference& part = *parts[k];
      if (part.offsets[j].empty()) continue;  // a part of no rows
      for (std::int32_t g = 0; g < part.fine_count; ++g) {
        const double* base = part.sorted[j].data();
        const auto f = static_cast<std::size_t>(layout.rank_of_fine[static_cast<std::size_t>(union_of[k][static_cast<std::size_t>(g)])]);
        segments[f].push_back({base + part.offsets[j][static_cast<std::size_t>(g)],
                               base + part.offsets[j][static_cast<std::size_t>(g) + 1]});
      }
    }
    auto& sorted = ref.sorted[j];
    auto& off = ref.offsets[j];
    off.assign(fines.size() + 1, 0);
    for (std::size_t f = 0; f < fines.size(); ++f) {
      const auto from = static_cast<std::ptrdiff_t>(sorted.size());
      off[f] = from;
      for (const auto& [first, last] : segments[f]) {
        const auto middle = sorted.end() - sorted.begin();
        sorted.insert(sorted.end(), first, last);
        std::inplace_merge(sorted.begin() + from, sorted.begin() + middle, sorted.end());
      }
    }
    off[fines.size()] = static_cast<std::int64_t>(sorted.size());
    detail::fill_stats(p, j, ref);
  }
  ref.content_hash = ref.compute_hash();
  return ref;
}

}  // namespace cxjf
