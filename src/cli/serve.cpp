// cxjf serve: the reference portal's server over one snapshot (docs/serve.md).
#include <csignal>
#include <iostream>
#include <pthread.h>
#include <sys/stat.h>
#include <thread>

#include "cli/commands.hpp"
#include "cxjf/error.hpp"
#include "serve/auth.hpp"
#include "serve/server.hpp"

namespace cxjf::cli {
namespace {

bool loopback(const std::string& address) {
  return address == "127.0.0.1" || address == "::1" || address == "localhost";
}

// One account per role of the manual, on units the snapshot has: the
// region of its first enterprise with a county, its first zone and
// incubator, its first enterprise. Government roles may export.
void make_demo_accounts(serve::Accounts& accounts, const Snapshot& snap, const std::string& path) {
  const Table& t = snap.table;
  std::int32_t county = 0;
  std::string zone, incubator;
  for (std::int64_t i = 0; i < t.size(); ++i) {
    const auto r = static_cast<std::size_t>(i);
    if (!county && t.region[r] % 100 != 0) county = t.region[r];
    if (zone.empty() && t.zone[r] >= 0) zone = t.zones[t.zone[r]];
    if (incubator.empty() && t.incubator[r] >= 0) incubator = t.incubators[t.incubator[r]];
  }
  if (!county || t.size() == 0)
    throw Error(ErrorCode::invalid_argument, "--demo needs a snapshot with an enterprise in a county (快照中没有区县级企业)");
  struct Demo {
    const char* user;
    Role role;
    std::string code;
  };
  const std::vector<Demo> demos = {
      {"torch", Role::torch_center, ""},
      {"province", Role::province, std::to_string(county / 10000 * 10000)},
      {"city", Role::city, std::to_string(county / 100 * 100)},
      {"county", Role::county, std::to_string(county)},
      {"zone", Role::zone, zone},
      {"incubator", Role::incubator, incubator},
      {"enterprise", Role::enterprise, t.credit_code[0]},
  };
  std::cout << "demo accounts (演示账户; the passwords are shown once):\n";
  for (const Demo& d : demos) {
    if (d.role != Role::torch_center && d.code.empty()) continue;  // no zone or incubator in this snapshot
    Principal p{d.role, d.code, d.role != Role::enterprise};
    const std::string password = serve::random_password();
    accounts.set(d.user, p, password);
    std::cout << "  " << d.user << "  " << password << "  " << p.label() << "\n";
  }
  accounts.save(path);
}

}  // namespace

void add_serve(CLI::App& app) {
  auto* cmd = app.add_subcommand("serve", "the reference portal's server: the JSON API over a snapshot, logins, "
                                          "estimation records (门户服务, docs/serve.md)");
  struct Args {
    std::string snapshot, data, bind = "127.0.0.1", public_key, web;
    int port = 8080;
    unsigned threads = 64;
    bool demo = false, secure = false, test_captcha = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--snapshot", a->snapshot, "snapshot written by cxjf score")->required()->check(existing_file());
  cmd->add_option("--data", a->data, "data directory: accounts.json and records.sqlite (created if missing)")->required();
  cmd->add_option("--web", a->web, "the portal's folder (web/, after npm ci there): its page served at / (门户页面)");
  cmd->add_option("--bind", a->bind, "address to listen on (default 127.0.0.1)");
  cmd->add_option("--port", a->port, "port (default 8080; 0: any free port)")->check(whole_number(0, 65535));
  cmd->add_option("--threads", a->threads, "connections served at once, one thread each (default 64)")->check(whole_number(1, 1024));
  cmd->add_option("--public-key", a->public_key, "load only a snapshot signed by this public key file (cxjf keys)")
      ->check(existing_file());
  cmd->add_flag("--demo", a->demo, "create one account per role with printed passwords (演示账户)");
  cmd->add_flag("--secure-cookies", a->secure, "mark the session cookie Secure (behind a TLS proxy)");
  cmd->add_flag("--test-captcha", a->test_captcha, "the captcha endpoint also gives its answer: for automated tests, "
                                                   "on a loopback address only");
  cmd->callback([a] {
    if (a->test_captcha && !loopback(a->bind))
      throw Error(ErrorCode::invalid_argument, "--test-captcha is for tests on a loopback address, not " + a->bind +
                                                   " (测试验证码只能用于本机地址)");
    ::mkdir(a->data.c_str(), 0700);
    struct stat st {};
    if (::stat(a->data.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      throw Error(ErrorCode::io, "--data " + a->data + " is not a directory that can be created (数据目录无法创建)");
    Snapshot snap = Snapshot::load(a->snapshot, read_key(a->public_key));
    if (a->demo) {
      serve::Accounts accounts;
      accounts.load(a->data + "/accounts.json");
      make_demo_accounts(accounts, snap, a->data + "/accounts.json");
    }
    serve::ServeOptions o;
    o.bind = a->bind;
    o.port = a->port;
    o.data_dir = a->data;
    o.web_dir = a->web;
    o.secure_cookies = a->secure;
    o.test_captcha = a->test_captcha;
    o.threads = a->threads;
    serve::Server server(std::move(snap), o);
    const int port = server.bind();
    // SIGINT and SIGTERM stop the server from a thread of its own, not from
    // a signal handler (stop() is not async-signal-safe).
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::thread waiter([&] {
      int signal = 0;
      sigwait(&stop_signals, &signal);
      server.stop();
    });
    std::cout << "listening on http://" << a->bind << ":" << port << "/ (服务已启动)" << std::endl;
    server.listen();
    pthread_kill(waiter.native_handle(), SIGTERM);  // stopped otherwise: release the waiter
    waiter.join();
  });
}

}  // namespace cxjf::cli
