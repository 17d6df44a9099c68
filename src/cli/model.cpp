#include <iostream>

#include "commands.hpp"
#include "cxjf/error.hpp"

namespace cxjf::cli {

void add_model(CLI::App& app) {
  auto* cmd = app.add_subcommand("model", "validate or show a model");
  cmd->require_subcommand(1);

  auto* validate = cmd->add_subcommand("validate", "check a model file; print each problem with its JSON path");
  auto file = std::make_shared<std::string>();
  validate->add_option("file", *file, "model JSON file")->required();
  validate->callback([=] {
    try {
      Model model = Model::from_file(*file);
      std::cout << *file << ": valid model '" << model.id << "' (" << model.indicators.size() << " indicators, "
                << model.stages.size() << " stages)\n";
    } catch (const ModelError& e) {
      std::cout << *file << ": " << e.problems().size() << " problem" << (e.problems().size() == 1 ? "" : "s") << "\n";
      for (const auto& p : e.problems()) std::cout << "  " << (p.path.empty() ? "/" : p.path) << ": " << p.message << "\n";
      std::cout.flush();
      throw Error(ErrorCode::invalid_model, "model " + *file + " is not valid");
    }
  });

  auto* show = cmd->add_subcommand("show", "print a model as JSON (default: the embedded torch-2022)");
  auto which = std::make_shared<std::string>();
  show->add_option("model", *which, "built-in id (" + [] {
    std::string ids;
    for (const auto& id : builtin_model_ids()) ids += (ids.empty() ? "" : ", ") + id;
    return ids;
  }() + ") or a file");
  show->callback([=] { std::cout << load_model(*which).to_json() << "\n"; });
}

}  // namespace cxjf::cli
