// `cxjf serve`: a reference portal's server over one loaded snapshot
// (docs/serve.md). cpp-httplib (Debian's libcpp-httplib) serves a JSON API:
// the query documents of every kind for the principal of the session, the
// public landing aggregates without login, the upload template, estimation
// uploads kept as records in SQLite, exports sent as downloads, a health
// endpoint, and the page (web/page/) as static files. Logins check
// Argon2id hashes behind a captcha and a throttle; sessions are HttpOnly,
// SameSite=Strict cookies; every state-changing request carries the
// session's CSRF token.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "cxjf/snapshot.hpp"

namespace cxjf::serve {

struct ServeOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;            ///< 0: any free port (the server says which)
  std::string data_dir;       ///< accounts.json and records.sqlite
  /// The portal's folder (the project's web/, with its npm dependencies
  /// installed): page/ served at /, ECharts at /vendor/echarts/; empty:
  /// the API alone.
  std::string web_dir;
  bool secure_cookies = false;///< Secure on the cookie: behind a TLS proxy
  bool test_captcha = false;  ///< GET /api/captcha also answers itself: for automated tests on loopback only
  /// Connections served at once: httplib gives a connection one thread for
  /// its life (keep-alive included), so this bounds open connections, not
  /// CPU use (queries take what the cores give).
  unsigned threads = 64;
  std::size_t max_body = std::size_t{64} << 20;  ///< a request's body (an upload)
  int timeout_seconds = 30;   ///< reading or writing one request
};

class Server {
 public:
  /// Opens the data directory's accounts and records. Throws Error.
  Server(Snapshot snapshot, ServeOptions options);
  ~Server();
  /// Binds the address; returns the port (the chosen one when port was 0).
  /// Throws Error(io) when it cannot.
  int bind();
  /// Serves until stop() (from another thread or a signal handler's thread).
  void listen();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cxjf::serve
