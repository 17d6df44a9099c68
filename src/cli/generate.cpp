#include <fstream>

#include "commands.hpp"
#include "cxjf/csv.hpp"
#include "cxjf/error.hpp"
#include "cxjf/generate.hpp"

namespace cxjf::cli {

void add_generate(CLI::App& app) {
  auto* cmd = app.add_subcommand("generate", "write a synthetic national sample as CSV (deterministic for a seed)");
  auto options = std::make_shared<GenerateOptions>();
  auto out = std::make_shared<std::string>();
  auto model_id = std::make_shared<std::string>();
  cmd->add_option("--n", options->n, "number of enterprises")->capture_default_str()->check(whole_number(1));
  cmd->add_option("--seed", options->seed, "random seed")->capture_default_str()->check(whole_number(0));
  cmd->add_option("--unregistered", options->unregistered_share, "share of enterprises not registered (入统)")
      ->capture_default_str()
      ->check(number_between(0, 1));
  cmd->add_option("--model", *model_id, "model id or file whose indicators to generate (default torch-2022)");
  cmd->add_option("--out", *out, "CSV file to write")->required();
  cmd->callback([=] {
    check_output_path(*out, "--out");
    Model model = load_model(*model_id);
    Table table = [&] {
      Step step("generating " + std::to_string(options->n) + " enterprises");
      return generate(model, *options);
    }();
    Step step("writing " + *out);
    write_file(*out, [&](std::ostream& file) { write_table_csv(file, table, model); });
  });
}

}  // namespace cxjf::cli
