// The upload reader in every encoding and percent form, then the estimate
// of what it read: any bytes give a record or an InputError. The first
// byte picks the options.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  cxjf::UploadOptions options;
  options.encoding = static_cast<cxjf::Encoding>(data[0] % 3);
  options.percent_form = (data[0] & 4) ? cxjf::PercentForm::fraction : cxjf::PercentForm::percent;
  options.limits.max_cell_bytes = 256;  // small limits, so that they are reached
  options.limits.max_row_bytes = 2048;
  options.limits.max_columns = 64;
  options.limits.max_rows = 200;
  options.limits.max_cells = 20000;              // and a workbook's bounds, so that a bomb stops early
  options.limits.max_unpacked_bytes = 4 << 20;
  static const cxjf::Estimator estimator(cxjf::fuzz::small_snapshot());
  try {
    cxjf::Upload upload = cxjf::read_upload(cxjf::fuzz::text(data + 1, size - 1), cxjf::default_model(), options);
    const cxjf::EstimationRecord record =
        estimator.estimate(std::move(upload), cxjf::Principal{cxjf::Role::torch_center, "", false}, 1);
    (void)record.to_json(cxjf::fuzz::small_snapshot(), (data[0] & 8) != 0);
  } catch (const cxjf::Error&) {
  }
  return 0;
}
