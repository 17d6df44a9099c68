#include "commands.hpp"
namespace cxjf::cli {
void add_template(CLI::App&) {}
}  // namespace cxjf::cli
