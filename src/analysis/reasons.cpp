// Reasons (include/cxjf/analysis.hpp): each indicator's points against what
// the enterprise's peer group's median enterprise earns on it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/analysis_impl.hpp"
#include "scoring/leave_one_out.hpp"

namespace cxjf {
namespace {

std::string fixed2(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f", v);
  return text;
}

// The group's median of indicator j (type 7, as the model's quantiles),
// transformed; NaN when the group has no reported value.
double group_median(const Reference& ref, int j, std::int32_t group) {
  const PeerGroup& g = ref.groups[static_cast<std::size_t>(group)];
  const auto& values = ref.sorted[static_cast<std::size_t>(j)];
  const auto& off = ref.offsets[static_cast<std::size_t>(j)];
  const std::int64_t n = off[static_cast<std::size_t>(g.fine_end)] - off[static_cast<std::size_t>(g.fine_begin)];
  if (n == 0) return std::nan("");
  const std::int64_t lo = (n - 1) / 2;
  const double a = detail::select_kth(values, off, g.fine_begin, g.fine_end, lo);
  if ((n - 1) % 2 == 0) return a;
  const double b = detail::select_kth(values, off, g.fine_begin, g.fine_end, lo + 1);
  return a + (b - a) / 2;
}

}  // namespace

Ledger Analyzer::ledger(std::int64_t row) const {
  const Snapshot& snap = impl_->snap;
  if (row < 0 || row >= snap.table.size())
    throw Error(ErrorCode::invalid_argument, "row " + std::to_string(row) + " is not in the snapshot");
  return detail::explain_row(impl_->p, impl_->binding, snap.reference, snap.table, row, Membership::member);
}

Reasons Analyzer::reasons(std::int64_t row, int top) const {
  const Snapshot& snap = impl_->snap;
  const Model& model = snap.model;
  if (row < 0 || row >= snap.table.size())
    throw Error(ErrorCode::invalid_argument, "row " + std::to_string(row) + " is not in the snapshot");
  const Ledger ledger =
      detail::explain_row(impl_->p, impl_->binding, snap.reference, snap.table, row, Membership::member);
  const std::int32_t group = ledger.peer_group;
  Reasons out;
  if (group < 0) return out;
  // A category with excluded indicators is scaled up (DESIGN.md §2): the
  // median enterprise's points on the same scale as the enterprise's own.
  std::vector<double> scale(model.categories.size(), 1.0);
  {
    std::vector<double> excluded(model.categories.size(), 0.0);
    for (const LedgerLine& l : ledger.lines)
      if (l.excluded) excluded[static_cast<std::size_t>(impl_->p.category_of[static_cast<std::size_t>(l.indicator)])] += l.weight;
    for (std::size_t c = 0; c < scale.size(); ++c) {
      const double max = impl_->p.category_max[static_cast<std::size_t>(ledger.stage)][c];
      if (excluded[c] > 0 && max - excluded[c] > 0) scale[c] = max / (max - excluded[c]);
    }
  }
  std::vector<Reason> all;
  for (const LedgerLine& line : ledger.lines) {
    const int j = line.indicator;
    const Indicator& ind = model.indicators[static_cast<std::size_t>(j)];
    if (line.excluded || snap.reference.sorted[static_cast<std::size_t>(j)].empty()) continue;
    const double y = group_median(snap.reference, j, group);
    if (std::isnan(y)) continue;
    // An enterprise of the group holding the median value, as a member.
    detail::Position pos;
    pos.at_most = snap.reference.count_at_most(j, group, y);
    pos.below = snap.reference.count_below(j, group, y);
    pos.peers = snap.reference.stats[static_cast<std::size_t>(j)][static_cast<std::size_t>(group)].count;
    const detail::PeerParams<double> params =
        detail::peer_params<double>(impl_->p, snap.reference, j, group, false, y, pos.below);
    const double median = detail::inverse_transform(ind.transform, y);
    const double s = detail::normalize<double>(impl_->p, j, median, false, pos, params, nullptr);
    Reason r;
    r.indicator = j;
    r.value = line.raw;
    r.median = median;
    r.points = line.points;
    r.median_points = line.weight * s * scale[static_cast<std::size_t>(impl_->p.category_of[static_cast<std::size_t>(j)])];
    r.gap = r.points - r.median_points;
    if (std::fabs(r.gap) < 0.005) continue;  // under a published hundredth: neither side
    const bool above = r.gap > 0;
    const std::string unit = ind.unit.empty() ? "" : " " + ind.unit;
    const std::string value = std::isnan(line.raw) ? "缺失" : fixed2(line.raw) + unit;
    const std::string value_en = std::isnan(line.raw) ? "missing" : fixed2(line.raw) + unit;
    r.text_zh = ind.name_zh + (above ? "高于" : "低于") + "同类企业中位数（" + value + "，同类中位数 " + fixed2(median) +
                unit + "），" + (above ? "多得 " : "少得 ") + fixed2(std::fabs(r.gap)) + " 分";
    r.text_en = ind.name_en + " is " + (above ? "above" : "below") + " the peer median (" + value_en + " against " +
                fixed2(median) + unit + "): " + fixed2(std::fabs(r.gap)) + " points " + (above ? "more" : "fewer");
    all.push_back(std::move(r));
  }
  for (Reason& r : all) (r.gap > 0 ? out.strengths : out.weaknesses).push_back(r);
  std::stable_sort(out.strengths.begin(), out.strengths.end(), [](const Reason& a, const Reason& b) { return a.gap > b.gap; });
  std::stable_sort(out.weaknesses.begin(), out.weaknesses.end(), [](const Reason& a, const Reason& b) { return a.gap < b.gap; });
  const auto keep = static_cast<std::size_t>(std::max(top, 0));
  if (out.strengths.size() > keep) out.strengths.resize(keep);
  if (out.weaknesses.size() > keep) out.weaknesses.resize(keep);
  return out;
}

std::string reasons_json(const Model& model, const Reasons& reasons) {
  auto side = [&](const std::vector<Reason>& list) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const Reason& r : list) {
      const Indicator& ind = model.indicators[static_cast<std::size_t>(r.indicator)];
      nlohmann::ordered_json j;
      j["id"] = ind.id;
      j["name"] = ind.name_zh;
      j["name_en"] = ind.name_en;
      j["unit"] = ind.unit;
      j["value"] = std::isnan(r.value) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.value);
      j["median"] = r.median;
      j["points"] = r.points;
      j["median_points"] = r.median_points;
      j["gap"] = r.gap;
      j["text_zh"] = r.text_zh;
      j["text_en"] = r.text_en;
      a.push_back(j);
    }
    return a;
  };
  nlohmann::ordered_json doc;
  doc["strengths"] = side(reasons.strengths);
  doc["weaknesses"] = side(reasons.weaknesses);
  return doc.dump(2);
}

}  // namespace cxjf
