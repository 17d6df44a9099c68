// Snapshot files from outside: the checksum is recomputed after the
// fuzzer's changes, so that a crafted file reaches the structure's checks.
// The seed stores its frames uncompressed, so that changes land in the
// sections' content rather than in what the decompressor refuses.
// A snapshot that loads must answer queries and estimates without a
// sanitizer report; one that does not is refused with a cxjf::Error.
#include <cstring>
#include <sstream>

#include "base/binary_io.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(cxjf::fuzz::text(data, size));
  if (bytes.size() >= 8) {
    const std::uint64_t sum = cxjf::detail::hash_bytes(std::string_view(bytes).substr(0, bytes.size() - 8));
    std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
  }
  try {
    const cxjf::Snapshot snap = cxjf::Snapshot::from_bytes(bytes);
    const cxjf::OverviewIndex index(snap);
    for (const char* request :
         {R"({"principal": {"role": "torch_center"}, "kind": "overview"})",
          R"({"principal": {"role": "public"}, "kind": "overview"})",
          R"({"principal": {"role": "torch_center"}, "kind": "ranking", "ranking": {"by": "zone"}})",
          R"({"principal": {"role": "torch_center"}, "kind": "list", "list": {"sort": "name"}})"})
      (void)cxjf::query_json(index, request);
    const cxjf::Estimator estimator(snap);
    std::ostringstream csv;
    cxjf::write_table_csv(csv, cxjf::generate(snap.model, {2, 3, 0}), snap.model);
    (void)estimator.estimate(cxjf::read_upload(csv.str(), snap.model),
                             cxjf::Principal{cxjf::Role::torch_center, "", false}, 1);
  } catch (const cxjf::Error&) {
  }
  return 0;
}
