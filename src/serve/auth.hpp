// Who is who in `cxjf serve` (docs/serve.md): accounts with Argon2id
// password hashes, sessions with their CSRF tokens, the login throttle and
// the server-made captcha. Thread-safe: the server's request threads share
// one of each.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cxjf/principal.hpp"

namespace cxjf::serve {

using Clock = std::chrono::steady_clock;

/// One account of the portal: a user name, the principal its queries run
/// for, and its password as an Argon2id hash (libsodium's crypto_pwhash_str,
/// which carries its own salt and cost).
struct Account {
  std::string username;
  Principal principal;
  std::string password_hash;
};

/// The accounts of a data directory (accounts.json).
class Accounts {
 public:
  /// Reads `path` in place of the accounts held; a missing file is no
  /// accounts. Throws Error(invalid_input) naming the entry that is malformed.
  void load(const std::string& path);
  /// Writes them to `path` (the password hashes, never a password).
  void save(const std::string& path) const;
  /// Adds or replaces `username`, hashing `password` (Argon2id, libsodium's
  /// interactive cost: about 0.1 s and 64 MiB a hash).
  void set(const std::string& username, const Principal& principal, const std::string& password);
  /// The account when the password is right, else nothing. An unknown user
  /// costs a hash too, so timing does not tell which names exist.
  std::optional<Account> verify(const std::string& username, const std::string& password) const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Account> accounts_;
};

/// A password of 14 letters and digits without look-alikes (0/O, 1/l/I),
/// from libsodium's random generator.
std::string random_password();

/// A logged-in user.
struct Session {
  std::string username;
  Principal principal;
  std::string csrf;  ///< sent back with every state-changing request
  Clock::time_point expires;
};

/// Sessions by their token (the cookie's value: 32 random bytes, hex).
/// A session lasts `idle` after its last use.
class Sessions {
 public:
  explicit Sessions(std::chrono::seconds idle = std::chrono::hours(2)) : idle_(idle) {}
  /// Opens a session for `account`; returns its token.
  std::string open(const Account& account);
  /// The session of `token`, its idle time restarted; nothing when unknown or expired.
  std::optional<Session> find(const std::string& token);
  void close(const std::string& token);

 private:
  std::mutex mutex_;
  std::map<std::string, Session> sessions_;
  std::chrono::seconds idle_;
};

/// Slows down password guessing: every attempt of a key (a user name, an
/// address) counts as a failure when it is made; after `free` of them within
/// `window`, the next must wait 2^k seconds after the last (k the failures
/// beyond `free`, at most `max_wait`). A success clears a user name's count
/// (succeeded) or takes back its own attempt (forgive).
class LoginThrottle {
 public:
  LoginThrottle(int free = 4, std::chrono::seconds window = std::chrono::minutes(15),
                std::chrono::seconds max_wait = std::chrono::minutes(5))
      : free_(free), window_(window), max_wait_(max_wait) {}
  /// How long `key` must still wait; when 0, the attempt is made and
  /// counted, in one step (so attempts sent at once are counted one by one).
  std::chrono::seconds attempt(const std::string& key, Clock::time_point now);
  /// Clears the key's failures.
  void succeeded(const std::string& key);
  /// Takes back one attempt of the key.
  void forgive(const std::string& key);

 private:
  struct Failures {
    int count = 0;
    Clock::time_point first, last;
  };
  std::mutex mutex_;
  std::map<std::string, Failures> failures_;
  int free_;
  std::chrono::seconds window_, max_wait_;
};

/// The login form's 验证码: a sum of two small numbers drawn as an SVG with
/// noise, made by the server; each answers once, within five minutes.
class Captchas {
 public:
  struct Challenge {
    std::string id;
    std::string svg;
  };
  Challenge issue();
  /// True when `answer` is the challenge's; the challenge is used up either way.
  bool check(const std::string& id, const std::string& answer);
  /// The answer of a challenge, for automated tests of a server started
  /// with --test-captcha only.
  std::optional<std::string> peek(const std::string& id);

 private:
  struct Entry {
    std::string answer;
    Clock::time_point expires;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

/// 2 * n random bytes as hex.
std::string random_token(std::size_t bytes = 32);

}  // namespace cxjf::serve
