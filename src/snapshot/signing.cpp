#include "cxjf/signing.hpp"

#include <sodium.h>

#include <array>
#include <cstring>

#include "cxjf/error.hpp"

namespace cxjf {
namespace {

constexpr std::string_view block_magic = "CXJFSIG1";
constexpr std::string_view secret_prefix = "cxjf-ed25519-secret:";
constexpr std::string_view public_prefix = "cxjf-ed25519-public:";
constexpr std::size_t block_size = 8 + crypto_sign_PUBLICKEYBYTES + crypto_sign_BYTES;

void init() {
  if (sodium_init() < 0) throw Error(ErrorCode::internal, "libsodium could not be initialised");
}

std::string hex(const unsigned char* bytes, std::size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

[[noreturn]] void bad_key(std::string_view prefix, const char* what) {
  throw Error(ErrorCode::invalid_argument, std::string("not a ") + what + ": expected " + std::string(prefix) +
                                               " and 64 hexadecimal digits (cxjf keys writes one)");
}

// The 32 bytes of a key's text, or an invalid_argument Error naming `what`.
std::array<unsigned char, 32> key_bytes(std::string_view text, std::string_view prefix, const char* what) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  if (text.substr(0, prefix.size()) != prefix || text.size() != prefix.size() + 64) bad_key(prefix, what);
  std::array<unsigned char, 32> out{};
  for (std::size_t i = 0; i < 32; ++i) {
    auto digit = [&](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      bad_key(prefix, what);
    };
    out[i] = static_cast<unsigned char>(digit(text[prefix.size() + 2 * i]) * 16 +
                                        digit(text[prefix.size() + 2 * i + 1]));
  }
  return out;
}

}  // namespace

SigningKeys generate_signing_keys() {
  init();
  unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  randombytes_buf(seed, sizeof seed);
  crypto_sign_seed_keypair(pk, sk, seed);
  SigningKeys keys{std::string(secret_prefix) + hex(seed, sizeof seed),
                   std::string(public_prefix) + hex(pk, sizeof pk)};
  sodium_memzero(seed, sizeof seed);
  sodium_memzero(sk, sizeof sk);
  return keys;
}

std::string sign_snapshot_bytes(std::string bytes, std::string_view secret_key) {
  init();
  std::array<unsigned char, 32> seed = key_bytes(secret_key, secret_prefix, "secret signing key");
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
  crypto_sign_seed_keypair(pk, sk, seed.data());
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), sk);
  sodium_memzero(seed.data(), seed.size());
  sodium_memzero(sk, sizeof sk);
  bytes += block_magic;
  bytes.append(reinterpret_cast<const char*>(pk), sizeof pk);
  bytes.append(reinterpret_cast<const char*>(sig), sizeof sig);
  return bytes;
}

std::string_view verified_snapshot_bytes(std::string_view file, std::string_view required_public_key,
                                         const std::string& name) {
  init();
  std::array<unsigned char, 32> required{};
  if (!required_public_key.empty()) required = key_bytes(required_public_key, public_prefix, "public signing key");
  const bool signed_file = file.size() >= block_size && file.substr(file.size() - block_size, 8) == block_magic;
  if (!signed_file) {
    if (!required_public_key.empty())
      throw Error(ErrorCode::corrupt_snapshot, name + " is not signed, and this deployment loads only snapshots "
                                                      "signed by its scorer's key (未签名的快照)");
    return file;
  }
  const std::string_view body = file.substr(0, file.size() - block_size);
  const auto* pk = reinterpret_cast<const unsigned char*>(file.data() + body.size() + 8);
  const auto* sig = pk + crypto_sign_PUBLICKEYBYTES;
  if (!required_public_key.empty() && std::memcmp(pk, required.data(), required.size()) != 0)
    throw Error(ErrorCode::corrupt_snapshot, name + " is signed by key " + hex(pk, 8) +
                                                 "…, not by the key this deployment requires (签名密钥不符)");
  if (crypto_sign_verify_detached(sig, reinterpret_cast<const unsigned char*>(body.data()), body.size(), pk) != 0)
    throw Error(ErrorCode::corrupt_snapshot,
                name + " has a signature that does not match its contents: it was changed after signing (签名无效)");
  return body;
}

}  // namespace cxjf
