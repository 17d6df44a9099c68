#include <fstream>
#include <iostream>
#include <iterator>

#include "commands.hpp"
#include "cxjf/error.hpp"
#include "cxjf/signing.hpp"

namespace cxjf::cli {

std::string read_key(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::io, "cannot read key " + path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void add_keys(CLI::App& app) {
  auto* cmd = app.add_subcommand("keys", "make an Ed25519 key pair for signing snapshots (docs/snapshot.md): the "
                                         "scorer keeps the secret key, every loader gets the public one");
  auto secret = std::make_shared<std::string>();
  auto public_key = std::make_shared<std::string>();
  cmd->add_option("--secret", *secret, "secret key file to write (keep it with the scorer only)")->required();
  cmd->add_option("--public", *public_key, "public key file to write (give it to every service that loads)")
      ->required();
  cmd->callback([=] {
    check_output_path(*secret, "--secret");
    check_output_path(*public_key, "--public");
    const SigningKeys keys = generate_signing_keys();
    write_file(*secret, [&](std::ostream& out) { out << keys.secret << "\n"; });
    write_file(*public_key, [&](std::ostream& out) { out << keys.public_key << "\n"; });
  });
}

}  // namespace cxjf::cli
