#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

#include "commands.hpp"
#include "cxjf/error.hpp"
#include "cxjf/overview.hpp"
#include "cxjf/snapshot.hpp"

namespace cxjf::cli {

void add_query(CLI::App& app) {
  auto* cmd = app.add_subcommand("query", "answer an overview query (企业总览) for a principal: a JSON request "
                                          "against a snapshot, a JSON answer (docs/overview.md)");
  struct Args {
    std::string snapshot, request, out, public_key;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--snapshot", a->snapshot, "snapshot written by cxjf score")->required()->check(existing_file());
  cmd->add_option("--public-key", a->public_key, "load only a snapshot signed by this public key file (cxjf keys)")
      ->check(existing_file());
  cmd->add_option("--request", a->request, "request document (JSON); - reads standard input")->required();
  cmd->add_option("--out", a->out, "answer document to write (default: standard output)");
  cmd->callback([a] {
    check_output_path(a->out, "--out");
    std::string request;
    if (a->request == "-") {
      request.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
      std::ifstream in(a->request, std::ios::binary);
      if (!in) throw Error(ErrorCode::io, "cannot read request " + a->request);
      request.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    Snapshot snap = [&] {
      Step step("loading " + a->snapshot);
      return Snapshot::load(a->snapshot, read_key(a->public_key));
    }();
    OverviewIndex index = [&] {
      Step step("indexing " + std::to_string(snap.table.size()) + " enterprises");
      return OverviewIndex(snap);
    }();
    bool refused = false;
    const std::string answer = query_json(index, request, refused);
    if (a->out.empty()) {
      std::cout << answer << "\n" << std::flush;
      if (!std::cout) throw Error(ErrorCode::io, std::string("cannot write the answer to standard output: ") + std::strerror(errno));
    } else {
      write_file(a->out, [&](std::ostream& out) { out << answer << "\n"; });
    }
    // The error answer is written like any answer; the status tells scripts.
    if (refused) throw Error(ErrorCode::invalid_argument, "the query was refused (see the error in the answer)");
  });
}

}  // namespace cxjf::cli
