// cxjf: the command-line program. Errors print their message and exit 1;
// usage errors exit 2.
#include <iostream>
#include <string>

#include "commands.hpp"
#include "cxjf/error.hpp"
#include "cxjf/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"cxjf " CXJF_VERSION_STRING ": Enterprise Innovation Credit (企业创新积分) scoring engine"};
  app.set_version_flag("--version", CXJF_VERSION_STRING);
  app.require_subcommand(1);
  cxjf::cli::add_demo(app);
  cxjf::cli::add_generate(app);
  cxjf::cli::add_score(app);
  cxjf::cli::add_model(app);
  cxjf::cli::add_template(app);
  cxjf::cli::add_estimate(app);
  cxjf::cli::add_query(app);
  cxjf::cli::add_keys(app);
  cxjf::cli::add_snapshot(app);
  cxjf::cli::add_explain(app);
  cxjf::cli::add_whatif(app);
  cxjf::cli::add_path(app);
  cxjf::cli::add_distances(app);
  cxjf::cli::add_compare(app);
  cxjf::cli::add_distribution(app);
  cxjf::cli::add_uncertainty(app);
  cxjf::cli::add_serve(app);
  const char* const help = "Run with --help for more information (用 --help 查看用法).\n";
  // A mistyped command or option is named first, with a suggestion.
  if (std::string unknown = cxjf::cli::find_unknown_argument(app, argc, argv); !unknown.empty()) {
    std::cerr << unknown << "\n" << help;
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0 || e.get_name() == "CallForHelp" || e.get_name() == "CallForAllHelp" ||
        e.get_name() == "CallForVersion")
      return app.exit(e) == 0 ? 0 : 2;
    // The deepest command chosen so far is the one whose options failed.
    const CLI::App* failed = &app;
    for (bool deeper = true; deeper;) {
      deeper = false;
      for (const CLI::App* sub : failed->get_subcommands([](const CLI::App* s) { return s->parsed(); }))
        failed = sub, deeper = true;
    }
    std::cerr << cxjf::cli::usage_error_message(*failed, e) << "\n" << help;
    return 2;
  } catch (const cxjf::Error& e) {
    std::cerr << "cxjf: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "cxjf: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
