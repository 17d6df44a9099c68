#include "cxjf/reference.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <istream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <ostream>

#include "base/binary_io.hpp"
#include "cxjf/regions.hpp"
#include "scoring/fit.hpp"
#include "scoring/radix_sort.hpp"

namespace cxjf {
namespace {

bool has_key(const std::vector<PeerKey>& keys, PeerKey k) {
  return std::find(keys.begin(), keys.end(), k) != keys.end();
}

// One 64-bit key per (level, attributes): the attributes a level does not use
// are left out, so every enterprise of a coarse group shares its key.
std::uint64_t level_key(const std::vector<PeerKey>& keys, std::int32_t stage, std::int32_t industry,
                        std::int32_t province) {
  std::uint64_t s = has_key(keys, PeerKey::stage) ? static_cast<std::uint64_t>(stage + 1) : 0;
  std::uint64_t i = has_key(keys, PeerKey::industry) ? static_cast<std::uint64_t>(industry + 1) : 0;
  std::uint64_t p = has_key(keys, PeerKey::province) ? static_cast<std::uint64_t>(province / 10000 + 1) : 0;
  return s << 16 | i << 8 | p;
}

constexpr std::uint32_t reference_format = 2;  // 2: the model's content hash

void write_window(detail::BinaryWriter& w, const OrderWindow& win) {
  w.put<std::int64_t>(win.first);
  w.put_vector(win.values);
}

OrderWindow read_window(detail::BinaryReader& r) {
  OrderWindow win;
  win.first = r.get<std::int64_t>();
  win.values = r.get_vector<double>();
  return win;
}

void write_body(const Reference& ref, detail::BinaryWriter& w) {
  w.put<std::uint32_t>(reference_format);
  w.put_string(ref.model_id);
  w.put<std::uint64_t>(ref.model_hash);
  w.put<std::int64_t>(ref.population);
  w.put<std::int32_t>(ref.fine_count);
  w.put<std::uint64_t>(ref.groups.size());
  for (const auto& g : ref.groups) {
    w.put<std::int32_t>(g.level);
    w.put<std::int32_t>(g.stage);
    w.put<std::int32_t>(g.industry);
    w.put<std::int32_t>(g.province);
    w.put<std::int64_t>(g.size);
    w.put<std::int32_t>(g.fine_begin);
    w.put<std::int32_t>(g.fine_end);
  }
  w.put<std::uint64_t>(ref.sorted.size());
  for (std::size_t j = 0; j < ref.sorted.size(); ++j) {
    w.put_vector(ref.sorted[j]);
    w.put_vector(ref.offsets[j]);
    w.put<std::uint64_t>(ref.stats[j].size());
    for (const auto& s : ref.stats[j]) {
      w.put<std::int64_t>(s.count);
      write_window(w, s.median);
      write_window(w, s.full_mark);
      write_window(w, s.lower);
      write_window(w, s.upper);
    }
  }
}

}  // namespace

std::int32_t Reference::find_group(std::int32_t level, std::int32_t stage, std::int32_t industry,
                                   std::int32_t province) const {
  if (level < 0 || static_cast<std::size_t>(level) >= group_index.size()) return -1;
  // The level's keys are recovered from any of its groups; a level with no
  // groups has no members at all.
  const auto& index = group_index[static_cast<std::size_t>(level)];
  if (index.empty()) return -1;
  const auto& keys = level_keys[static_cast<std::size_t>(level)];
  std::uint64_t key = level_key(keys, stage, industry, province);
  auto it = std::lower_bound(index.begin(), index.end(), std::make_pair(key, std::int32_t{-1}));
  return it != index.end() && it->first == key ? it->second : -1;
}

std::int32_t Reference::peer_group_for(const Model& model, std::int32_t stage, std::int32_t industry,
                                       std::int32_t province, bool newcomer) const {
  auto levels = static_cast<std::int32_t>(model.peer_groups.chain.size());
  for (std::int32_t level = 0; level < levels; ++level) {
    std::int32_t g = find_group(level, stage, industry, province);
    if (g < 0) continue;
    if (level == levels - 1 || groups[static_cast<std::size_t>(g)].size + (newcomer ? 1 : 0) >= model.peer_groups.min_size)
      return g;
  }
  return -1;
}

std::string Reference::group_label(const Model& model, std::int32_t group, const Regions& regions) const {
  if (group < 0) return "无同类企业";
  const PeerGroup& g = groups[static_cast<std::size_t>(group)];
  std::string label;
  auto add = [&](const std::string& part) { label += (label.empty() ? "" : " · ") + part; };
  if (g.stage >= 0) add(model.stages[static_cast<std::size_t>(g.stage)].name_zh);
  const auto& keys = model.peer_groups.chain[static_cast<std::size_t>(g.level)];
  if (has_key(keys, PeerKey::industry))
    add(g.industry >= 0 ? std::string(1, static_cast<char>('A' + g.industry)) + " " + std::string(industry_name(g.industry))
                        : std::string("行业未知"));
  if (g.province > 0) {
    const Region* r = regions.find(g.province);
    add(r ? r->name : std::to_string(g.province));
  }
  return label.empty() ? "全国" : label;
}

namespace {
// Values of a group found by `search` (upper_bound: <= x, lower_bound: < x),
// summed over the group's finest groups.
template <class Search>
std::int64_t count_in_group(const Reference& ref, int indicator, std::int32_t group, Search search) {
  const auto& values = ref.sorted[static_cast<std::size_t>(indicator)];
  const auto& off = ref.offsets[static_cast<std::size_t>(indicator)];
  if (values.empty() || group < 0) return 0;
  const PeerGroup& g = ref.groups[static_cast<std::size_t>(group)];
  std::int64_t count = 0;
  for (std::int32_t f = g.fine_begin; f < g.fine_end; ++f) {
    auto first = values.begin() + off[static_cast<std::size_t>(f)];
    auto last = values.begin() + off[static_cast<std::size_t>(f) + 1];
    count += search(first, last) - first;
  }
  return count;
}
}  // namespace

std::int64_t Reference::count_at_most(int indicator, std::int32_t group, double x) const {
  return count_in_group(*this, indicator, group, [x](auto first, auto last) { return std::upper_bound(first, last, x); });
}

std::int64_t Reference::count_below(int indicator, std::int32_t group, double x) const {
  return count_in_group(*this, indicator, group, [x](auto first, auto last) { return std::lower_bound(first, last, x); });
}

void Reference::index_groups(const Model& model) {
  level_keys = model.peer_groups.chain;
  group_index.assign(level_keys.size(), {});
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const PeerGroup& pg = groups[g];
    auto level = static_cast<std::size_t>(pg.level);
    group_index[level].emplace_back(level_key(level_keys[level], pg.stage, pg.industry, pg.province),
                                    static_cast<std::int32_t>(g));
  }
  for (auto& index : group_index) std::sort(index.begin(), index.end());
}

std::uint64_t Reference::compute_hash() const {
  detail::BinaryWriter w(/*hash_only=*/true);
  write_body(*this, w);
  return w.digest();
}

std::string Reference::to_bytes() const {
  detail::BinaryWriter w;
  write_body(*this, w);
  w.put<std::uint64_t>(content_hash);
  return std::move(w.bytes());
}

void Reference::save(std::ostream& out) const {
  const std::string bytes = to_bytes();
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

Reference Reference::load(std::istream& in, const Model& model) {
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return load_bytes(bytes, model);
}

Reference Reference::load_bytes(std::string_view bytes, const Model& model) {
  detail::BinaryReader r(bytes);
  Reference ref;
  if (r.get<std::uint32_t>() != reference_format)
    throw Error(ErrorCode::corrupt_snapshot, "reference format version is not supported by this cxjf");
  ref.model_id = r.get_string();
  ref.model_hash = r.get<std::uint64_t>();
  ref.population = r.get<std::int64_t>();
  ref.fine_count = r.get<std::int32_t>();
  auto ngroups = r.get_count(40);
  ref.groups.resize(ngroups);
  for (auto& g : ref.groups) {
    g.level = r.get<std::int32_t>();
    g.stage = r.get<std::int32_t>();
    g.industry = r.get<std::int32_t>();
    g.province = r.get<std::int32_t>();
    g.size = r.get<std::int64_t>();
    g.fine_begin = r.get<std::int32_t>();
    g.fine_end = r.get<std::int32_t>();
    if (g.level < 0 || static_cast<std::size_t>(g.level) >= model.peer_groups.chain.size() || g.fine_begin < 0 ||
        g.fine_end < g.fine_begin || g.fine_end > ref.fine_count)
      throw Error(ErrorCode::corrupt_snapshot, "reference is damaged: a peer group is out of range");
  }
  auto nind = r.get_count(8);
  if (nind != model.indicators.size())
    throw Error(ErrorCode::corrupt_snapshot, "reference does not match its model: indicator count differs");
  ref.sorted.resize(nind);
  ref.offsets.resize(nind);
  ref.stats.resize(nind);
  for (std::size_t j = 0; j < nind; ++j) {
    ref.sorted[j] = r.get_vector<double>();
    ref.offsets[j] = r.get_vector<std::int64_t>();
    if (!ref.sorted[j].empty() && ref.offsets[j].size() != static_cast<std::size_t>(ref.fine_count) + 1)
      throw Error(ErrorCode::corrupt_snapshot, "reference is damaged: offsets do not match the groups");
    for (std::size_t f = 0; f + 1 < ref.offsets[j].size(); ++f)
      if (ref.offsets[j][f] > ref.offsets[j][f + 1] || ref.offsets[j][f + 1] > static_cast<std::int64_t>(ref.sorted[j].size()))
        throw Error(ErrorCode::corrupt_snapshot, "reference is damaged: offsets out of range");
    auto nstats = r.get_count(8);
    ref.stats[j].resize(nstats);
    for (auto& s : ref.stats[j]) {
      s.count = r.get<std::int64_t>();
      s.median = read_window(r);
      s.full_mark = read_window(r);
      s.lower = read_window(r);
      s.upper = read_window(r);
    }
  }
  ref.content_hash = r.get<std::uint64_t>();
  if (!r.done()) throw Error(ErrorCode::corrupt_snapshot, "reference is damaged: trailing bytes");
  try {
    ref.require_model(model);
  } catch (const Error& e) {
    throw Error(ErrorCode::corrupt_snapshot, e.what());
  }
  if (ref.compute_hash() != ref.content_hash)
    throw Error(ErrorCode::corrupt_snapshot, "reference is damaged: content hash mismatch");
  ref.index_groups(model);
  return ref;
}

void Reference::require_model(const Model& model) const {
  if (model_id != model.id)
    throw Error(ErrorCode::invalid_argument,
                "the reference was fitted with model '" + model_id + "', not '" + model.id + "'");
  if (model_hash != detail::hash_bytes(model.to_json()))
    throw Error(ErrorCode::invalid_argument,
                "the reference was fitted with another version of model '" + model.id +
                    "' (its content differs: weights, methods or bands were edited since); fit it again");
}

std::string Reference::to_json(const Model& model) const {
  nlohmann::ordered_json doc;
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(content_hash));
  doc["model_id"] = model_id;
  doc["content_hash"] = hash;
  doc["population"] = population;
  auto window_json = [](const OrderWindow& w) {
    nlohmann::ordered_json o;
    o["first"] = w.first;
    o["values"] = w.values;
    return o;
  };
  nlohmann::ordered_json groups_json = nlohmann::ordered_json::array();
  for (std::size_t g = 0; g < groups.size(); ++g) {
    nlohmann::ordered_json gj;
    gj["index"] = g;
    gj["level"] = groups[g].level;
    gj["label"] = group_label(model, static_cast<std::int32_t>(g));
    gj["size"] = groups[g].size;
    nlohmann::ordered_json ind = nlohmann::ordered_json::object();
    for (std::size_t j = 0; j < stats.size(); ++j) {
      if (stats[j].empty()) continue;
      const GroupStats& s = stats[j][g];
      nlohmann::ordered_json sj;
      sj["count"] = s.count;
      if (!s.median.values.empty()) sj["median_window"] = window_json(s.median);
      if (!s.full_mark.values.empty()) sj["full_mark_window"] = window_json(s.full_mark);
      if (!s.lower.values.empty()) sj["lower_window"] = window_json(s.lower);
      if (!s.upper.values.empty()) sj["upper_window"] = window_json(s.upper);
      ind[model.indicators[j].id] = sj;
    }
    gj["indicators"] = ind;
    groups_json.push_back(gj);
  }
  doc["groups"] = groups_json;
  return doc.dump(2);
}

namespace detail {

namespace {
std::vector<std::size_t> kept_rows(const std::vector<bool>& keep) {
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < keep.size(); ++i)
    if (keep[i]) rows.push_back(i);
  return rows;
}

// rows[k] >= k, so compacting front to back never overwrites a row still to
// be moved; strings are moved, not copied.
template <class Column>
void compact(Column& column, const std::vector<std::size_t>& rows) {
  for (std::size_t k = 0; k < rows.size(); ++k)
    if (rows[k] != k) column[k] = std::move(column[rows[k]]);
  column.resize(rows.size());
}
}  // namespace

void keep_rows(Table& t, const std::vector<bool>& keep, bool codes) {
  const std::vector<std::size_t> rows = kept_rows(keep);
  if (codes) compact(t.credit_code, rows);
  compact(t.name, rows);
  compact(t.region, rows);
  compact(t.zone, rows);
  compact(t.incubator, rows);
  compact(t.industry, rows);
  compact(t.tech_fields, rows);
  compact(t.qualifications, rows);
  compact(t.negatives, rows);
  compact(t.founded, rows);
  compact(t.registered, rows);
  compact(t.stage, rows);
  Eigen::MatrixXd values(static_cast<Eigen::Index>(rows.size()), t.values.cols());
  for (Eigen::Index c = 0; c < t.values.cols(); ++c) {
    const double* from = t.values.col(c).data();
    double* to = values.col(c).data();
    for (std::size_t k = 0; k < rows.size(); ++k) to[k] = from[rows[k]];
  }
  t.values.swap(values);
}

void keep_codes(Table& t, const std::vector<bool>& keep) { compact(t.credit_code, kept_rows(keep)); }

// The k-th smallest (0-based) value of a coarse group's fine segments, found
// by bisecting the order-preserving bit keys: each probe counts with one
// binary search per segment, so no segment is merged or copied.
double select_kth(const std::vector<double>& values, const std::vector<std::int64_t>& off, std::int32_t fine_begin,
                  std::int32_t fine_end, std::int64_t k) {
  if (fine_end - fine_begin == 1) return values[static_cast<std::size_t>(off[static_cast<std::size_t>(fine_begin)] + k)];
  auto count_le = [&](double x) {
    std::int64_t c = 0;
    for (std::int32_t f = fine_begin; f < fine_end; ++f) {
      auto first = values.begin() + off[static_cast<std::size_t>(f)];
      auto last = values.begin() + off[static_cast<std::size_t>(f) + 1];
      c += std::upper_bound(first, last, x) - first;
    }
    return c;
  };
  std::uint64_t lo = order_key(-std::numeric_limits<double>::infinity());
  std::uint64_t hi = order_key(std::numeric_limits<double>::infinity());
  while (lo < hi) {  // smallest key whose value has more than k values at or below it
    std::uint64_t mid = lo + (hi - lo) / 2;
    if (count_le(from_order_key(mid)) > k)
      hi = mid;
    else
      lo = mid + 1;
  }
  return from_order_key(lo);
}

namespace {

OrderWindow make_window(const std::vector<double>& values, const std::vector<std::int64_t>& off, const PeerGroup& g,
                        std::int64_t n, Fraction q) {
  OrderWindow w;
  auto [first, last] = window_range(n, q);
  w.first = first;
  for (std::int64_t k = first; k <= last; ++k) w.values.push_back(select_kth(values, off, g.fine_begin, g.fine_end, k));
  return w;
}

}  // namespace

GroupLayout lay_out_groups(const Model& model, const std::vector<FineGroup>& fines, Reference& ref) {
  const auto& chain = model.peer_groups.chain;
  // Ordered by the coarsest level's key first so that every coarser group's
  // finest groups are contiguous.
  std::vector<std::int32_t> fine_order(fines.size());
  for (std::size_t f = 0; f < fines.size(); ++f) fine_order[f] = static_cast<std::int32_t>(f);
  auto keys_of = [&](const FineGroup& f) {
    std::vector<std::uint64_t> k;
    for (auto level = chain.size(); level-- > 0;) k.push_back(level_key(chain[level], f.stage, f.industry, f.province));
    return k;
  };
  std::sort(fine_order.begin(), fine_order.end(),
            [&](std::int32_t a, std::int32_t c) { return keys_of(fines[static_cast<std::size_t>(a)]) < keys_of(fines[static_cast<std::size_t>(c)]); });
  GroupLayout layout;
  std::vector<std::int32_t>& rank_of_fine = layout.rank_of_fine;
  rank_of_fine.resize(fines.size());
  for (std::size_t r = 0; r < fine_order.size(); ++r) rank_of_fine[static_cast<std::size_t>(fine_order[r])] = static_cast<std::int32_t>(r);
  ref.fine_count = static_cast<std::int32_t>(fines.size());
  for (std::size_t r = 0; r < fine_order.size(); ++r) {
    const FineGroup& f = fines[static_cast<std::size_t>(fine_order[r])];
    ref.groups.push_back({0, f.stage, f.industry, f.province, f.size, static_cast<std::int32_t>(r), static_cast<std::int32_t>(r) + 1});
  }
  // Coarser levels: runs of consecutive finest groups sharing the level's key.
  std::vector<std::vector<std::int32_t>>& group_of_fine = layout.group_of_fine;
  group_of_fine.assign(chain.size(), std::vector<std::int32_t>(fines.size()));
  for (std::size_t r = 0; r < fines.size(); ++r) group_of_fine[0][r] = static_cast<std::int32_t>(r);
  for (std::size_t level = 1; level < chain.size(); ++level) {
    std::uint64_t run_key = 0;
    for (std::size_t r = 0; r < fines.size(); ++r) {
      const PeerGroup fg = ref.groups[r];
      std::uint64_t key = level_key(chain[level], fg.stage, fg.industry, fg.province);
      if (r == 0 || key != run_key) {
        const auto& keys = chain[level];
        ref.groups.push_back({static_cast<std::int32_t>(level), has_key(keys, PeerKey::stage) ? fg.stage : -1,
                              has_key(keys, PeerKey::industry) ? fg.industry : -1,
                              has_key(keys, PeerKey::province) ? fg.province : 0, 0, static_cast<std::int32_t>(r),
                              static_cast<std::int32_t>(r)});
        run_key = key;
      }
      PeerGroup& g = ref.groups.back();
      g.size += fg.size;
      g.fine_end = static_cast<std::int32_t>(r) + 1;
      group_of_fine[level][r] = static_cast<std::int32_t>(ref.groups.size()) - 1;
    }
  }
  return layout;
}

void fill_stats(const Prepared& p, std::size_t j, Reference& ref) {
  const Indicator& ind = p.model.indicators[j];
  const auto& sorted = ref.sorted[j];
  const auto& off = ref.offsets[j];
  auto& stats = ref.stats[j];
  stats.resize(ref.groups.size());
  const Normalization& nm = ind.normalization;
  for (std::size_t g = 0; g < ref.groups.size(); ++g) {
    const PeerGroup& pg = ref.groups[g];
    GroupStats& s = stats[g];
    s.count = off[static_cast<std::size_t>(pg.fine_end)] - off[static_cast<std::size_t>(pg.fine_begin)];
    if (ind.missing == MissingPolicy::peer_median) s.median = make_window(sorted, off, pg, s.count, p.q_median);
    if (nm.method == Method::capped_ratio && nm.full_mark_quantile)
      s.full_mark = make_window(sorted, off, pg, s.count, p.q_full[j]);
    if (nm.method == Method::min_max) {
      s.lower = make_window(sorted, off, pg, s.count, p.q_lower[j]);
      s.upper = make_window(sorted, off, pg, s.count, p.q_upper[j]);
    }
  }
}

FitPlan::FitPlan(const Prepared& p, const Bound& b, const Table& table, FitState& state, Reference& ref)
    : p_(p), b_(b), table_(table), state_(state), ref_(ref) {
  const Model& model = p.model;
  // Rows are counted on the values, not the credit codes: the fused build
  // compacts the codes last.
  const auto n = static_cast<std::size_t>(table.values.rows());
  const auto& chain = model.peer_groups.chain;
  ref = Reference{};
  ref.model_id = model.id;
  ref.model_hash = hash_bytes(model.to_json());
  ref.population = static_cast<std::int64_t>(n);

  if (state.stage.size() != n) {
    state.stage.resize(n);
    for (std::size_t i = 0; i < n; ++i) state.stage[i] = stage_of(p, b, table, static_cast<std::int64_t>(i));
  }

  // Finest groups: distinct level-0 keys, in order of first appearance.
  std::vector<std::int32_t> fine_of_key((model.stages.size() + 1) << 16, -1);
  std::vector<FineGroup> fines;
  std::vector<std::int32_t> row_fine(n);
  const bool by_stage = has_key(chain[0], PeerKey::stage), by_industry = has_key(chain[0], PeerKey::industry),
             by_province = has_key(chain[0], PeerKey::province);
  for (std::size_t i = 0; i < n; ++i) {
    std::int32_t st = by_stage ? state.stage[i] : -1, ind = by_industry ? table.industry[i] : -1,
                 prov = by_province ? province_of_code(table.region[i]) : 0;
    std::int32_t& fine = fine_of_key[level_key(chain[0], st, ind, prov)];
    if (fine < 0) {
      fine = static_cast<std::int32_t>(fines.size());
      fines.push_back({st, ind, prov, 0});
    }
    ++fines[static_cast<std::size_t>(fine)].size;
    row_fine[i] = fine;
  }
  const GroupLayout layout = lay_out_groups(model, fines, ref);
  const std::vector<std::int32_t>& rank_of_fine = layout.rank_of_fine;
  const std::vector<std::vector<std::int32_t>>& group_of_fine = layout.group_of_fine;
  ref.index_groups(model);

  // Each row's finest group and the group it is compared in.
  state.fine.resize(n);
  state.chosen.resize(n);
  std::vector<std::int32_t>& chosen_of_fine = chosen_of_fine_;
  chosen_of_fine.resize(fines.size());
  for (std::size_t r = 0; r < fines.size(); ++r) {
    std::int32_t chosen = -1;
    for (std::size_t level = 0; level < chain.size() && chosen < 0; ++level) {
      std::int32_t g = group_of_fine[level][r];
      if (level + 1 == chain.size() || ref.groups[static_cast<std::size_t>(g)].size >= model.peer_groups.min_size) chosen = g;
    }
    chosen_of_fine[r] = chosen;
  }
  // Bucket boundaries of the finest groups (a counting sort of the rows).
  std::vector<std::int64_t>& fine_start = fine_start_;
  fine_start.assign(fines.size() + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    std::int32_t f = rank_of_fine[static_cast<std::size_t>(row_fine[i])];
    state.fine[i] = f;
    state.chosen[i] = chosen_of_fine[static_cast<std::size_t>(f)];
    ++fine_start[static_cast<std::size_t>(f) + 1];
  }
  for (std::size_t f = 0; f < fines.size(); ++f) fine_start[f + 1] += fine_start[f];
  all_fine_ = std::equal(state.chosen.begin(), state.chosen.end(), state.fine.begin());

  const std::size_t k = model.indicators.size();
  ref.sorted.resize(k);
  ref.offsets.resize(k);
  ref.stats.resize(k);
}

void FitPlan::fit_indicator(std::size_t j, Scratch& scratch, std::vector<std::uint32_t>& rows) const {
  const Prepared& p = p_;
  const Bound& b = b_;
  const Table& table = table_;
  const FitState& state = state_;
  Reference& ref = ref_;
  const Indicator& ind = p.model.indicators[j];
  const auto n = static_cast<std::size_t>(table.values.rows());
  const std::size_t fines = fine_start_.size() - 1;
  const std::vector<std::int64_t>& fine_start = fine_start_;
  // One sequential pass drops each reported value (a missing one counts as
  // 0 under the zero policy) into its finest group's bucket; reading the
  // column in row order is what keeps this pass cheap. Values written with
  // at most two decimals (amounts, shares, counts: nearly all real data)
  // are keyed by their integer number of hundredths less the group's
  // smallest, which sorts in a fraction of the radix passes of the double's
  // 64 bits (groups span narrow ranges: stages band revenue); any other
  // value keys the whole indicator by its bits instead.
  const double* column = table.values.col(b.column[j]).data();
  scratch.keys.resize(n);
  scratch.key_tmp.resize(n);
  scratch.payload_tmp.resize(n);
  rows.resize(n);
  std::uint64_t* keys = scratch.keys.data();
  std::uint32_t* payload = rows.data();
  std::vector<std::int64_t> next(fines), low(fines), high(fines);
  // `raw` keys the value as written; otherwise the transformed value.
  auto bucket = [&](bool raw, auto key_of) {
    std::copy(fine_start.begin(), fine_start.end() - 1, next.begin());
    for (std::size_t i = 0; i < n; ++i) {
      double x = column[i];
      if (std::isnan(x)) {
        if (ind.missing != MissingPolicy::zero) continue;
        x = 0;
      }
      auto f = static_cast<std::size_t>(state.fine[i]);
      auto pos = static_cast<std::size_t>(next[f]++);
      if (!key_of(raw ? x : apply_transform(ind.transform, x), f, keys[pos])) return false;  // start over by the bits
      payload[pos] = static_cast<std::uint32_t>(i);
    }
    return true;
  };
  constexpr double cents_limit = 4.0e15;  // |x| x 100 stays an exact integer in a double
  std::fill(low.begin(), low.end(), std::numeric_limits<std::int64_t>::max());
  std::fill(high.begin(), high.end(), std::numeric_limits<std::int64_t>::min());
  // Transforms are monotone, so a transformed indicator is sorted by the
  // values as written (whole hundredths, few passes) and transformed after;
  // a check that the transformed values come out ascending guards against a
  // floating-point transform that is not monotone somewhere. Rows of equal
  // transformed values may then be in another order than a sort of the
  // transformed values would give, which nothing reads: every member of a
  // run of equal values is scored alike.
  const bool transformed = ind.transform != Transform::none;
  bool cents = bucket(true, [&](double x, std::size_t f, std::uint64_t& key) {
    double scaled = x * 100;
    if (!(std::fabs(scaled) < cents_limit)) return false;
    auto c = static_cast<std::int64_t>(std::llrint(scaled));
    low[f] = std::min(low[f], c);
    high[f] = std::max(high[f], c);
    key = static_cast<std::uint64_t>(c);
    return static_cast<double>(c) / 100 == x;  // the value is exactly c hundredths as written
  });
  if (!cents) {
    bucket(false, [&](double y, std::size_t, std::uint64_t& key) {
      key = order_key(y == 0 ? 0.0 : y);  // -0 as 0, as the hundredths path reads it: one value, one key
      return true;
    });
  }
  auto& sorted = ref.sorted[j];
  auto& off = ref.offsets[j];
  std::size_t reported = 0;
  for (std::size_t f = 0; f < fines; ++f) reported += static_cast<std::size_t>(next[f] - fine_start[f]);
  sorted.resize(reported);
  off.assign(fines + 1, 0);
  std::size_t out = 0;
  for (std::size_t f = 0; f < fines; ++f) {
    off[f] = static_cast<std::int64_t>(out);
    auto begin = static_cast<std::size_t>(fine_start[f]);
    auto m = static_cast<std::size_t>(next[f]) - begin;
    std::uint64_t* group_keys = keys + begin;
    int key_bits = 64;
    if (cents && m > 0) {
      auto range = static_cast<std::uint64_t>(high[f] - low[f]);
      key_bits = 1;
      while (key_bits < 64 && (range >> key_bits) != 0) ++key_bits;
      for (std::size_t q = 0; q < m; ++q) group_keys[q] -= static_cast<std::uint64_t>(low[f]);
    }
    radix_sort(group_keys, payload + begin, m, scratch.key_tmp.data(), scratch.payload_tmp.data(), key_bits);
    double* values = sorted.data() + out;
    if (cents) {
      for (std::size_t q = 0; q < m; ++q) values[q] = static_cast<double>(static_cast<std::int64_t>(group_keys[q]) + low[f]) / 100;
      if (transformed) {
        for (std::size_t q = 0; q < m; ++q) values[q] = apply_transform(ind.transform, values[q]);
        if (!std::is_sorted(values, values + m)) {
          for (std::size_t q = 0; q < m; ++q) group_keys[q] = order_key(values[q]);
          radix_sort(group_keys, payload + begin, m, scratch.key_tmp.data(), scratch.payload_tmp.data());
          for (std::size_t q = 0; q < m; ++q) values[q] = from_order_key(group_keys[q]);
        }
      }
    } else {
      for (std::size_t q = 0; q < m; ++q) values[q] = from_order_key(group_keys[q]);
    }
    out += m;
  }
  off[fines] = static_cast<std::int64_t>(out);

  fill_stats(p, j, ref);
}

Reference fit_rows(const Prepared& p, const Bound& b, const Table& table, FitState& state) {
  Reference ref;
  FitPlan plan(p, b, table, state, ref);
  FitPlan::Scratch scratch;
  std::vector<std::uint32_t> rows;
  for (std::size_t j = 0; j < p.model.indicators.size(); ++j)
    if (needs_peers(p.model.indicators[j])) plan.fit_indicator(j, scratch, rows);
  plan.finish();
  return ref;
}

}  // namespace detail

Reference fit(const Model& model, const Table& table) {
  std::vector<bool> keep(static_cast<std::size_t>(table.size()));
  for (std::size_t i = 0; i < keep.size(); ++i) keep[i] = table.registered[i] != 0;
  Table registered = table;
  detail::keep_rows(registered, keep);
  detail::Prepared p(model);
  detail::Bound b(p, registered);
  detail::FitState state;
  return detail::fit_rows(p, b, registered, state);
}

}  // namespace cxjf
