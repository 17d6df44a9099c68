#include "model/model_detail.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "base/text.hpp"

namespace cxjf::model_detail {

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// The shortest text that reads back as the same double, so messages show the
// number the user wrote (0.1, not 0.10000000000000001).
std::string number_text(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string counted(std::size_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string list_text(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& s : items) text += (text.empty() ? "" : ", ") + s;
  return text.empty() ? "(none)" : text;
}

// One JSON pointer reference token (RFC 6901): '~' and '/' are escaped.
std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string child(const std::string& path, std::string_view key) { return path + "/" + pointer_token(key); }
std::string child(const std::string& path, std::size_t index) { return path + "/" + std::to_string(index); }

std::string describe(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return j.get<bool>() ? "true" : "false";
    case Json::value_t::string: return "the string " + j.dump();
    case Json::value_t::array: return "an array";
    case Json::value_t::object: return "an object";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "the number " + j.dump();
    default: return "an unsupported value";
  }
}

// "; did you mean "weights"?" when a candidate is within two edits: most
// unknown keys and ids are typos of a real one.
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string* found = detail::closest(word, candidates, 2);
  return found ? "; did you mean " + quote(*found) + "?" : std::string();
}

// ---------------------------------------------------------------------------
// Exact decimal arithmetic for the weight sums. Weights are written as
// decimals (33.3); as doubles, 33.3 + 33.3 + 33.4 need not be exactly 100.
// The shortest round-trip text of a double is the decimal the user wrote, so
// reading that text as a rational (detail::decimal_rational, the one
// conversion of the exact path) recovers the intended value exactly.

// A terminating decimal printed exactly ("99.5"); sums of decimals always
// terminate.
std::string decimal_text(const cpp_rational& value) {
  cpp_rational scaled = value;
  for (int places = 0; places <= 40; ++places, scaled *= 10) {
    if (boost::multiprecision::denominator(scaled) != 1) continue;
    cpp_int n = boost::multiprecision::numerator(scaled);
    bool negative = n < 0;
    std::string digits = (negative ? cpp_int(-n) : n).str();
    if (places > 0) {
      if (digits.size() <= static_cast<std::size_t>(places))
        digits.insert(0, static_cast<std::size_t>(places) + 1 - digits.size(), '0');
      digits.insert(digits.size() - static_cast<std::size_t>(places), ".");
    }
    return (negative ? "-" : "") + digits;
  }
  return number_text(value.convert_to<double>());
}

// ---------------------------------------------------------------------------
// Dates as YYYYMMDD integers.

std::string date_text(std::int32_t yyyymmdd) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", yyyymmdd / 10000, yyyymmdd / 100 % 100, yyyymmdd % 100);
  return buf;
}

// Problems in the order of the document's sections, and within a list in
// item order; the JSON pass's problems of an item come before the semantic
// ones.
void sort_problems(std::vector<ModelProblem>& problems) {
  static const char* const kSections[] = {"id",         "name",       "description", "scale",      "list_threshold",
                                          "rank_ties",  "categories", "stages",      "stage_rule", "peer_groups",
                                          "indicators", "bonus",      "negatives",   "grades"};
  auto key = [](const std::string& path) {
    std::size_t slash = path.find('/', 1);
    std::string first = path.substr(path.empty() ? 0 : 1, slash == std::string::npos ? std::string::npos : slash - 1);
    long section = -1;
    for (std::size_t i = 0; i < std::size(kSections); ++i)
      if (first == kSections[i]) section = static_cast<long>(i);
    if (!path.empty() && section < 0) section = static_cast<long>(std::size(kSections));
    long index = std::numeric_limits<long>::max();  // a section's own problems follow its items'
    if (slash != std::string::npos) {
      std::size_t end = path.find('/', slash + 1);
      std::string second = path.substr(slash + 1, end == std::string::npos ? std::string::npos : end - slash - 1);
      if (!second.empty() && std::all_of(second.begin(), second.end(), [](char c) { return c >= '0' && c <= '9'; }))
        index = std::stol(second);
    }
    return std::pair<long, long>(section, index);
  };
  std::stable_sort(problems.begin(), problems.end(),
                   [&](const ModelProblem& a, const ModelProblem& b) { return key(a.path) < key(b.path); });
}


}  // namespace cxjf::model_detail
