// Query documents against a small snapshot, as a portal relays them: every
// input gets an answer, and the answer is valid JSON (an error answer for a
// bad request), never an exception.
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const cxjf::OverviewIndex index(cxjf::fuzz::small_snapshot());
  const std::string answer = cxjf::query_json(index, cxjf::fuzz::text(data, size));
  if (!nlohmann::json::accept(answer)) std::abort();
  return 0;
}
