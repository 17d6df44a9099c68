// cxjf: signed snapshots. A deployment can require that every snapshot it
// loads was produced by its own scoring: `cxjf score --sign` appends an
// Ed25519 signature (libsodium) over the whole file, and a loader given the
// scorer's public key refuses a file that is unsigned or signed by another
// key (docs/snapshot.md, "Signatures"). A checksum tells damage; only a
// signature tells who made the file.
#pragma once

#include <string>
#include <string_view>

namespace cxjf {

/// A key pair as text, one line each: "cxjf-ed25519-secret:" or
/// "cxjf-ed25519-public:" and 64 hexadecimal digits (the 32-byte seed, the
/// 32-byte public key).
struct SigningKeys {
  std::string secret;
  std::string public_key;
};

/// A new key pair from the system's entropy.
SigningKeys generate_signing_keys();

/// `snapshot_bytes` (as Snapshot::to_bytes gives them) with the signature
/// block appended: "CXJFSIG1", the signer's public key and the Ed25519
/// signature of every byte before the block. Throws Error(invalid_argument)
/// for a malformed secret key.
std::string sign_snapshot_bytes(std::string snapshot_bytes, std::string_view secret_key);

/// The snapshot bytes of a file, its signature checked: with a
/// `required_public_key`, the file must be signed by that key; without one,
/// a signature that is present must still be valid. Throws
/// Error(corrupt_snapshot) naming `name` otherwise, Error(invalid_argument)
/// for a malformed key. Returns the bytes before the signature block.
std::string_view verified_snapshot_bytes(std::string_view file_bytes, std::string_view required_public_key,
                                         const std::string& name);

}  // namespace cxjf
