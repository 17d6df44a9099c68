#include "commands.hpp"
namespace cxjf::cli { void add_query(CLI::App&) {} }
