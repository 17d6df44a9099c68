#include "serve/auth.hpp"

#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cxjf/error.hpp"
#include "cxjf/file.hpp"

namespace cxjf::serve {
namespace {

using json = nlohmann::json;

void require_sodium() {
  if (sodium_init() < 0) throw Error(ErrorCode::internal, "libsodium could not be initialised");
}

std::string hash_password(const std::string& password) {
  require_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw Error(ErrorCode::internal, "out of memory while hashing a password");
  return out;
}

// A hash of no password anyone has, checked against for unknown users.
const std::string& decoy_hash() {
  static const std::string hash = hash_password(random_token(16));
  return hash;
}

std::uint32_t uniform(std::uint32_t below) {
  require_sodium();
  return randombytes_uniform(below);
}

}  // namespace

std::string random_token(std::size_t bytes) {
  require_sodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) out += hex[c >> 4], out += hex[c & 15];
  return out;
}

std::string random_password() {
  static const std::string alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  for (int i = 0; i < 14; ++i) out += alphabet[uniform(static_cast<std::uint32_t>(alphabet.size()))];
  return out;
}

void Accounts::load(const std::string& path) {
  std::map<std::string, Account> loaded;
  std::string text;
  try {
    text = read_file(path, 16u << 20);
  } catch (const Error&) {
    text.clear();  // no file: no accounts yet
  }
  if (text.empty()) {
    std::lock_guard<std::mutex> lock(mutex_);
    accounts_.clear();
    return;
  }
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("accounts") || !doc["accounts"].is_array())
    throw Error(ErrorCode::invalid_input, path + ": not an accounts file ({\"accounts\": [...]}) (不是账户文件)");
  std::size_t k = 0;
  for (const json& e : doc["accounts"]) {
    const std::string where = path + ": accounts[" + std::to_string(k++) + "]";
    if (!e.is_object() || !e.value("username", json()).is_string() || !e.value("role", json()).is_string() ||
        !e.value("password_hash", json()).is_string())
      throw Error(ErrorCode::invalid_input, where + " needs username, role and password_hash (账户字段不全)");
    Account acc;
    acc.username = e["username"].get<std::string>();
    acc.principal.role = role_from_name(e["role"].get<std::string>());
    acc.principal.code = e.value("code", std::string());
    acc.principal.can_export = e.value("can_export", false);
    acc.password_hash = e["password_hash"].get<std::string>();
    loaded[acc.username] = std::move(acc);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  accounts_ = std::move(loaded);
}

void Accounts::save(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  json list = json::array();
  for (const auto& [name, acc] : accounts_)
    list.push_back({{"username", name},
                    {"role", role_name(acc.principal.role)},
                    {"code", acc.principal.code},
                    {"can_export", acc.principal.can_export},
                    {"password_hash", acc.password_hash}});
  write_file(path, [&](std::ostream& out) { out << json{{"accounts", list}}.dump(2) << "\n"; });
}

void Accounts::set(const std::string& username, const Principal& principal, const std::string& password) {
  Account acc{username, principal, hash_password(password)};
  std::lock_guard<std::mutex> lock(mutex_);
  accounts_[username] = std::move(acc);
}

std::optional<Account> Accounts::verify(const std::string& username, const std::string& password) const {
  std::optional<Account> found;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = accounts_.find(username);
    if (it != accounts_.end()) found = it->second;
  }
  const std::string& hash = found ? found->password_hash : decoy_hash();
  const bool ok = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  if (!found || !ok) return std::nullopt;
  return found;
}

std::size_t Accounts::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return accounts_.size();
}

std::string Sessions::open(const Account& account) {
  Session s{account.username, account.principal, random_token(), Clock::now() + idle_};
  std::string token = random_token();
  std::lock_guard<std::mutex> lock(mutex_);
  // Expired sessions go as new ones come, so the map stays bounded by use.
  for (auto it = sessions_.begin(); it != sessions_.end();)
    it = it->second.expires < Clock::now() ? sessions_.erase(it) : std::next(it);
  sessions_[token] = std::move(s);
  return token;
}

std::optional<Session> Sessions::find(const std::string& token) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(token);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires < Clock::now()) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.expires = Clock::now() + idle_;
  return it->second;
}

void Sessions::close(const std::string& token) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.erase(token);
}

std::chrono::seconds LoginThrottle::attempt(const std::string& key, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  Failures& f = failures_[key];
  if (f.count > 0 && now - f.first > window_) f = Failures{};
  const int beyond = f.count - free_;
  if (beyond > 0) {
    const auto delay =
        std::min<std::chrono::seconds>(std::chrono::seconds(std::int64_t{1} << std::min(beyond, 20)), max_wait_);
    if (f.last + delay > now) return std::chrono::ceil<std::chrono::seconds>(f.last + delay - now);
  }
  if (f.count == 0) f.first = now;
  ++f.count;
  f.last = now;
  // Bounded: expired keys go first; only a flood of live ones forgets them all.
  if (failures_.size() > 100000) {
    for (auto it = failures_.begin(); it != failures_.end();) it = now - it->second.first > window_ ? failures_.erase(it) : std::next(it);
    if (failures_.size() > 100000) failures_.clear();
  }
  return std::chrono::seconds(0);
}

void LoginThrottle::succeeded(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  failures_.erase(key);
}

void LoginThrottle::forgive(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = failures_.find(key);
  if (it != failures_.end() && --it->second.count <= 0) failures_.erase(it);
}

Captchas::Challenge Captchas::issue() {
  const std::uint32_t a = 10 + uniform(40), b = 1 + uniform(9);
  Challenge c{random_token(12), ""};
  // Each character drawn at its own height and angle, over noise lines.
  const std::string text = std::to_string(a) + " + " + std::to_string(b) + " = ?";
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"160\" height=\"48\" viewBox=\"0 0 160 48\">"
                    "<rect width=\"160\" height=\"48\" fill=\"#f4f6fa\"/>";
  for (int i = 0; i < 6; ++i)
    svg += "<line x1=\"" + std::to_string(uniform(160)) + "\" y1=\"" + std::to_string(uniform(48)) + "\" x2=\"" +
           std::to_string(uniform(160)) + "\" y2=\"" + std::to_string(uniform(48)) +
           "\" stroke=\"#9aa7bd\" stroke-width=\"1\"/>";
  int x = 10;
  for (char ch : text) {
    if (ch != ' ') {
      const int y = 30 + static_cast<int>(uniform(10)) - 5;
      const int angle = static_cast<int>(uniform(31)) - 15;
      svg += "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\" transform=\"rotate(" +
             std::to_string(angle) + " " + std::to_string(x) + " " + std::to_string(y) +
             ")\" font-family=\"monospace\" font-size=\"22\" fill=\"#23395d\">" + std::string(1, ch) + "</text>";
    }
    x += ch == ' ' ? 8 : 15;
  }
  svg += "</svg>";
  c.svg = std::move(svg);
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = Clock::now();
  for (auto it = entries_.begin(); it != entries_.end();) it = it->second.expires < now ? entries_.erase(it) : std::next(it);
  if (entries_.size() > 100000) entries_.clear();
  entries_[c.id] = {std::to_string(a + b), now + std::chrono::minutes(5)};
  return c;
}

bool Captchas::check(const std::string& id, const std::string& answer) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return false;
  const bool ok = it->second.expires >= Clock::now() && it->second.answer == answer;
  entries_.erase(it);
  return ok;
}

std::optional<std::string> Captchas::peek(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  return it->second.answer;
}

}  // namespace cxjf::serve
