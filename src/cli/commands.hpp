// The cxjf command-line program: one function per subcommand, each
// registering its options on a CLI11 subcommand and running it.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>

#include "cxjf/file.hpp"
#include "cxjf/model.hpp"
#include "cxjf/principal.hpp"
#include "cxjf/snapshot.hpp"

namespace cxjf::cli {

void add_demo(CLI::App& app);
void add_generate(CLI::App& app);
void add_score(CLI::App& app);
void add_model(CLI::App& app);
void add_template(CLI::App& app);
void add_estimate(CLI::App& app);
void add_query(CLI::App& app);
void add_keys(CLI::App& app);
void add_snapshot(CLI::App& app);
void add_explain(CLI::App& app);
void add_whatif(CLI::App& app);
void add_path(CLI::App& app);
/// cxjf distances: the enterprises of a region closest to a target.
void add_distances(CLI::App& app);
/// cxjf compare: two years, or a snapshot under another model.
void add_compare(CLI::App& app);
/// cxjf distribution: published scores by group against the nation.
void add_distribution(CLI::App& app);
/// cxjf uncertainty: rank bands and sensitivity under drawn weights.
void add_uncertainty(CLI::App& app);
/// cxjf serve: the reference portal's server over a snapshot.
void add_serve(CLI::App& app);

// Checks of option values with bilingual messages (CLI11's own say
// "Value 0 not in range 0.000000 to 1.79769e+308" or "Could not convert").
// They run on the text before it is converted, so "-1" for an unsigned
// option is refused here, not by the conversion.

/// A whole number in [min, max], written in plain digits.
CLI::Validator whole_number(std::int64_t min, std::int64_t max = INT64_MAX);
/// A decimal number in [min, max].
CLI::Validator number_between(double min, double max);
/// A file that exists and is not a directory.
CLI::Validator existing_file();

/// Refuses, before any work, an output path that cannot be written: a
/// directory, or a path whose folder is missing or not writable. `option`
/// names it in the message ("--out"). An empty path passes (not asked for).
void check_output_path(const std::string& path, const std::string& option);

/// The message of a command-line mistake, in English and Chinese, with a
/// suggestion for a mistyped subcommand or option.
std::string usage_error_message(const CLI::App& app, const CLI::ParseError& error);

/// Finds a mistyped subcommand or option in `argv` before CLI11 parses it
/// (CLI11 reports a missing required option first, which hides the typo);
/// returns the message for the first, or "" when there is none.
std::string find_unknown_argument(const CLI::App& app, int argc, const char* const* argv);

/// "广东省深圳市南山区": the province, city and county of a region code.
std::string region_name(std::int32_t code, const Regions& regions);

/// The row of the registered enterprise with `code` (normalized as users
/// type it), or Error(not_found) naming the snapshot file.
std::int64_t registered_row(const Snapshot& snap, const std::string& code, const std::string& snapshot_path);

/// One registered enterprise's ledger as an aligned bilingual table: what
/// `cxjf explain` prints, and the demo's last section.
void print_ledger(std::ostream& out, const Snapshot& snap, std::int64_t row);

/// The text of a key file (cxjf keys), or "" for no path.
std::string read_key(const std::string& path);

/// "role[:code][+export]", e.g. "province:440000" or "zone:中关村科技园区+export";
/// the code is checked by the command, with its snapshot's region table.
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
