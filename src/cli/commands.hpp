// The cxjf command-line program: one function per subcommand, each
// registering its options on a CLI11 subcommand and running it.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <initializer_list>
#include <string>

#include "cxjf/file.hpp"
#include "cxjf/model.hpp"
#include "cxjf/principal.hpp"

namespace cxjf::cli {

void add_demo(CLI::App& app);
void add_generate(CLI::App& app);
void add_score(CLI::App& app);
void add_model(CLI::App& app);
void add_template(CLI::App& app);
void add_estimate(CLI::App& app);
void add_query(CLI::App& app);
void add_keys(CLI::App& app);

/// The text of a key file (cxjf keys), or "" for no path.
std::string read_key(const std::string& path);

/// "role[:code][+export]", e.g. "province:440000" or "zone:中关村科技园区+export".
Principal parse_principal(const std::string& text);

/// A built-in model id ("torch-2022") or a model file; empty = the default.
Model load_model(const std::string& id_or_path);

/// The extension of `path` ("csv", "xlsx", ...: lower case, without the
/// dot) when it is one of `allowed`, the first of them when the path has no
/// extension (/dev/stdout); throws Error(invalid_argument) naming them for
/// any other extension, so a file never gets a format its name contradicts.
std::string output_format(const std::string& path, std::initializer_list<const char*> allowed);

/// Reports a step and how long it took on stderr, so long work shows progress.
class Step {
 public:
  explicit Step(const std::string& what);
  ~Step();
  Step(const Step&) = delete;
  Step& operator=(const Step&) = delete;

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace cxjf::cli
