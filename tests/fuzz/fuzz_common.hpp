// What the harnesses share: a small snapshot to query and estimate against,
// built once, and the rule that an input may be refused only with a
// cxjf::Error (any other exception, a crash or a sanitizer report is a bug).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cxjf/cxjf.hpp"

namespace cxjf::fuzz {

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// 300 generated enterprises scored on the default model.
inline const Snapshot& small_snapshot() {
  static const Snapshot snap = Snapshot::build(default_model(), generate(default_model(), {300, 7, 0.1}));
  return snap;
}

}  // namespace cxjf::fuzz
