// Signed snapshots (include/cxjf/signing.hpp, docs/snapshot.md): a loader
// given the scorer's public key refuses what that key did not sign. The
// signature block is also checked with libsodium directly, apart from the
// library's own verification.
#include <gtest/gtest.h>

#include <sodium.h>

#include <cstring>

#include "base/binary_io.hpp"
#include "testing.hpp"

namespace cxjf {
namespace {

std::string refusal(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    const char* kind = e.code() == ErrorCode::corrupt_snapshot   ? "corrupt_snapshot"
                       : e.code() == ErrorCode::invalid_argument ? "invalid_argument"
                                                                 : "other";
    return std::string(kind) + ": " + e.what();
  }
  return "accepted";
}

const Snapshot& small() {
  static const Snapshot snap = Snapshot::build(default_model(), generate(default_model(), {60, 3, 0}));
  return snap;
}

TEST(Signing, KeysAreTextLinesAndNeverRepeat) {
  const SigningKeys a = generate_signing_keys(), b = generate_signing_keys();
  EXPECT_EQ(a.secret.rfind("cxjf-ed25519-secret:", 0), 0u);
  EXPECT_EQ(a.public_key.rfind("cxjf-ed25519-public:", 0), 0u);
  EXPECT_EQ(a.secret.size(), 20u + 64u);
  EXPECT_EQ(a.public_key.size(), 20u + 64u);
  EXPECT_NE(a.secret, b.secret);
  EXPECT_NE(a.public_key, b.public_key);
}

TEST(Signing, OnlyTheRequiredKeysSignatureLoads) {
  const SigningKeys mine = generate_signing_keys(), theirs = generate_signing_keys();
  const std::string plain = small().to_bytes();
  const std::string signed_mine = sign_snapshot_bytes(plain, mine.secret);
  // The block: the unsigned file, "CXJFSIG1", the public key, a signature
  // that libsodium itself accepts for the unsigned file.
  ASSERT_EQ(signed_mine.size(), plain.size() + 8 + 32 + 64);
  EXPECT_EQ(signed_mine.compare(0, plain.size(), plain), 0);
  EXPECT_EQ(signed_mine.substr(plain.size(), 8), "CXJFSIG1");
  const auto* pk = reinterpret_cast<const unsigned char*>(signed_mine.data() + plain.size() + 8);
  ASSERT_GE(sodium_init(), 0);
  EXPECT_EQ(crypto_sign_verify_detached(pk + 32, reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), pk),
            0);

  EXPECT_EQ(Snapshot::from_bytes(signed_mine, "s.snap", mine.public_key).scores.published_units,
            small().scores.published_units);
  EXPECT_EQ(Snapshot::from_bytes(signed_mine, "s.snap").scores.published_units, small().scores.published_units);
  EXPECT_EQ(refusal([&] { Snapshot::from_bytes(signed_mine, "s.snap", theirs.public_key); }).rfind(
                "corrupt_snapshot: s.snap is signed by key ", 0),
            0u);
  EXPECT_EQ(refusal([&] { Snapshot::from_bytes(plain, "s.snap", mine.public_key); }),
            "corrupt_snapshot: s.snap is not signed, and this deployment loads only snapshots signed by its scorer's "
            "key (未签名的快照)");
  // Changed after signing, even with the checksum made right again.
  std::string changed = signed_mine;
  changed[plain.size() / 2] ^= 1;
  const std::uint64_t sum = detail::hash_bytes(std::string_view(changed).substr(0, plain.size() - 8));
  std::memcpy(changed.data() + plain.size() - 8, &sum, 8);
  for (const std::string& key : {mine.public_key, std::string()})
    EXPECT_EQ(refusal([&] { Snapshot::from_bytes(changed, "s.snap", key); }),
              "corrupt_snapshot: s.snap has a signature that does not match its contents: it was changed after "
              "signing (签名无效)");
  // Re-signed by another key: still not mine.
  EXPECT_EQ(refusal([&] { Snapshot::from_bytes(sign_snapshot_bytes(plain, theirs.secret), "s.snap", mine.public_key); })
                .find("is signed by key"),
            std::string("corrupt_snapshot: s.snap ").size());
}

TEST(Signing, MalformedKeysAreRefused) {
  const std::string plain = small().to_bytes();
  for (const std::string& key : {std::string("cxjf-ed25519-secret:abc"), std::string(84, 'x'),
                                 generate_signing_keys().public_key})
    EXPECT_EQ(refusal([&] { sign_snapshot_bytes(plain, key); }).rfind("invalid_argument: not a secret signing key", 0),
              0u)
        << key;
  EXPECT_EQ(refusal([&] { Snapshot::from_bytes(plain, "s.snap", generate_signing_keys().secret); })
                .rfind("invalid_argument: not a public signing key", 0),
            0u);
}

TEST(Signing, SaveSignsAndLoadChecks) {
  const SigningKeys keys = generate_signing_keys();
  const std::string path = ::testing::TempDir() + "cxjf_signed.snap";
  small().save(path, keys.secret);
  EXPECT_EQ(Snapshot::load(path, keys.public_key).scores.rank, small().scores.rank);
  EXPECT_EQ(refusal([&] { Snapshot::load(path, generate_signing_keys().public_key); }).rfind("corrupt_snapshot: ", 0),
            0u);
}

}  // namespace
}  // namespace cxjf
