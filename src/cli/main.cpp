// cxjf: the command-line program. Errors print their message and exit 1;
// usage errors exit 2.
#include <iostream>

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
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const cxjf::Error& e) {
    std::cerr << "cxjf: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "cxjf: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
