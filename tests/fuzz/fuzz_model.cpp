// Model JSON and its validation: any text is a model or a ModelError (a
// cxjf::Error); a model read back from its own JSON is the same model.
#include <cstdlib>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const cxjf::Model model = cxjf::Model::from_json(std::string(cxjf::fuzz::text(data, size)));
    const std::string json = model.to_json();
    if (cxjf::Model::from_json(json).to_json() != json) std::abort();  // the round trip must hold
  } catch (const cxjf::Error&) {
  }
  return 0;
}
