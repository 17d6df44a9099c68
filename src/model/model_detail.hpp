// Internal to src/model/: what the JSON pass (model_json.cpp) and the
// semantic pass (validate.cpp) share: the JSON spellings of the enums, the
// text of messages, and the paths the JSON pass could not read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxjf/model.hpp"
#include "scoring/exact.hpp"

namespace cxjf::model_detail {


// ordered_json keeps keys in the order written, so to_json prints fields in
// the order docs/model.md lists them.
using Json = nlohmann::ordered_json;
using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;

// ---------------------------------------------------------------------------
// Enum spellings: the JSON spelling of every enumerator is its C++ name.

template <class E>
struct Spelling {
  const char* name;
  E value;
};

inline constexpr Spelling<Method> kMethods[] = {
    {"percentile", Method::percentile}, {"capped_ratio", Method::capped_ratio},
    {"piecewise", Method::piecewise},   {"steps", Method::steps},
    {"min_max", Method::min_max},       {"boolean", Method::boolean}};
inline constexpr Spelling<Ties> kTies[] = {{"weak", Ties::weak}, {"strict", Ties::strict}, {"mean", Ties::mean}};
inline constexpr Spelling<Direction> kDirections[] = {{"higher", Direction::higher}, {"lower", Direction::lower}};
inline constexpr Spelling<Transform> kTransforms[] = {
    {"none", Transform::none}, {"log1p", Transform::log1p}, {"sqrt", Transform::sqrt}};
inline constexpr Spelling<MissingPolicy> kMissing[] = {{"zero", MissingPolicy::zero},
                                                {"peer_median", MissingPolicy::peer_median},
                                                {"exclude", MissingPolicy::exclude}};
inline constexpr Spelling<NegativeAction> kActions[] = {{"deduct", NegativeAction::deduct},
                                                 {"veto", NegativeAction::veto}};
inline constexpr Spelling<RankTies> kRankTies[] = {{"competition", RankTies::competition},
                                            {"dense", RankTies::dense}};
inline constexpr Spelling<Rounding> kRoundings[] = {{"half_up", Rounding::half_up},
                                             {"half_even", Rounding::half_even}};
inline constexpr Spelling<PeerKey> kPeerKeys[] = {
    {"stage", PeerKey::stage}, {"industry", PeerKey::industry}, {"province", PeerKey::province}};
inline constexpr Spelling<StageBasis> kBases[] = {
    {"data", StageBasis::data}, {"revenue", StageBasis::revenue}, {"age", StageBasis::age}};

template <class E, std::size_t N>
const char* spell(const Spelling<E> (&table)[N], E value) {
  for (const auto& s : table)
    if (s.value == value) return s.name;
  return nullptr;
}

template <class E, std::size_t N>
std::string spellings(const Spelling<E> (&table)[N]) {
  std::string text;
  for (const auto& s : table) text += (text.empty() ? "" : ", ") + std::string(s.name);
  return text;
}

// ---------------------------------------------------------------------------
// Text of messages (model_detail.cpp).

std::string quote(std::string_view s);
/// The shortest text that reads back as the same double, so messages show
/// the number the user wrote (0.1, not 0.10000000000000001).
std::string number_text(double v);
/// "3 stages", "1 stage".
std::string counted(std::size_t n, const char* noun);
/// "a, b, c", or "(none)".
std::string list_text(const std::vector<std::string>& items);
/// One JSON pointer reference token (RFC 6901): '~' and '/' are escaped.
std::string pointer_token(std::string_view key);
std::string child(const std::string& path, std::string_view key);
std::string child(const std::string& path, std::size_t index);
/// What a JSON value is, for "expected a number, found the string \"x\"".
std::string describe(const Json& j);
/// "; did you mean \"weights\"?" when a candidate is within two edits.
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates);
/// A terminating decimal printed exactly ("99.5"), for weight sums.
std::string decimal_text(const cpp_rational& value);
/// YYYYMMDD as "2024-12-31".
std::string date_text(std::int32_t yyyymmdd);

// ---------------------------------------------------------------------------
// Paths the JSON pass could not read.

class Damage {
 public:
  void add(const std::string& path) { paths_.insert(path); }
  // The path itself or one of its ancestors could not be read.
  bool covers(const std::string& path) const {
    for (const auto& d : paths_)
      if (path == d || is_below(path, d)) return true;
    return false;
  }
  // ... or also one of its descendants.
  bool touches(const std::string& path) const {
    for (const auto& d : paths_)
      if (path == d || is_below(path, d) || is_below(d, path)) return true;
    return false;
  }

 private:
  static bool is_below(const std::string& path, const std::string& ancestor) {
    return path.size() > ancestor.size() && path.compare(0, ancestor.size(), ancestor) == 0 &&
           path[ancestor.size()] == '/';
  }
  std::set<std::string> paths_;
};

/// The semantic pass (validate.cpp): every problem of `model` into `out`,
/// silent about the paths `damage` (the JSON pass's, or null) covers.
void validate(const Model& model, const Damage* damage, std::vector<ModelProblem>& out);
/// Problems in the order of the document's sections (model_detail.cpp).
void sort_problems(std::vector<ModelProblem>& problems);

}  // namespace cxjf::model_detail
