// The enterprise CSV reader (cxjf score --input): any bytes are read or
// refused with an InputError.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const cxjf::Table table = cxjf::parse_table_csv(cxjf::fuzz::text(data, size), cxjf::default_model());
    (void)table;
  } catch (const cxjf::Error&) {
  }
  return 0;
}
