// cxjf: a realistic synthetic national sample, for demos, tests and
// benchmarks. Deterministic for a seed on every platform: it uses its own
// random generator and distributions, not <random>'s, whose distributions
// differ between standard libraries. The distributions are documented in
// docs/generator.md.
#pragma once

#include <cstdint>

#include "cxjf/model.hpp"
#include "cxjf/table.hpp"

namespace cxjf {

/// What to generate.
struct GenerateOptions {
  std::int64_t n = 520000;   ///< number of enterprises
  std::uint64_t seed = 42;   ///< same seed, same table, bit for bit
  double unregistered_share = 0.08;  ///< share of enterprises not 入统
};

/// Generates `options.n` enterprises with columns for every indicator of
/// `model` that the generator knows (the 18 indicators of torch-2022 and the
/// indicators of the embedded example models, by id); an indicator it does not
/// know is filled from a generic heavy-tailed distribution tied to firm size.
Table generate(const Model& model, const GenerateOptions& options = {});

}  // namespace cxjf
