#include "serve/server.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cxjf/error.hpp"
#include "cxjf/estimate.hpp"
#include "cxjf/overview.hpp"
#include "cxjf/upload.hpp"
#include "base/utf8.hpp"
#include "serve/auth.hpp"
#include "serve/records.hpp"

namespace cxjf::serve {
namespace {

using json = nlohmann::json;
const char* const cookie_name = "cxjf_session";

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  // Text from a client (a file name) may not be UTF-8: replaced, never a throw.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

// A request body as JSON, at most 32 levels deep: nlohmann's parser is
// iterative but dump() recurses, so a body nested a million levels would
// overflow a request thread's stack.
json parse_body(const std::string& text) {
  const json::parser_callback_t limit = [](int depth, json::parse_event_t, json&) {
    if (depth > 32) throw Error(ErrorCode::invalid_argument, "the body nests deeper than 32 levels (请求嵌套过深)");
    return true;
  };
  return json::parse(text, limit);
}

void refuse(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  reply(res, status, json{{"error", {{"code", code}, {"message", message}}}});
}

// The value of our cookie in the request, or "".
std::string session_token(const httplib::Request& req) {
  const std::string cookies = req.get_header_value("Cookie");
  const std::string key = std::string(cookie_name) + "=";
  std::size_t at = 0;
  while (at < cookies.size()) {
    while (at < cookies.size() && (cookies[at] == ' ' || cookies[at] == ';')) ++at;
    const std::size_t end = cookies.find(';', at);
    const std::string item = cookies.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (item.compare(0, key.size(), key) == 0) return item.substr(key.size());
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return {};
}

}  // namespace

struct Server::Impl {
  Snapshot snap;
  ServeOptions options;
  OverviewIndex index;
  Estimator estimator;
  Accounts accounts;
  Sessions sessions;
  LoginThrottle throttle;  // by user name: 4 failures free
  // By address: more before it slows (offices share an address), never
  // free for long.
  LoginThrottle address_throttle{20};
  Captchas captchas;
  std::atomic<int> workbooks_made{0};  // workbook exports under way
  std::unique_ptr<Records> records;
  httplib::Server http;
  int port = 0;

  Impl(Snapshot s, ServeOptions o)
      : snap(std::move(s)), options(std::move(o)), index(snap), estimator(snap),
        records(std::make_unique<Records>(options.data_dir + "/records.sqlite")) {
    accounts.load(options.data_dir + "/accounts.json");
    routes();
    if (!options.web_dir.empty()) serve_page();
    // Every answer: no sniffing, no framing by other sites, scripts and
    // data only from this origin (the page has no inline script; ECharts
    // sets inline styles).
    http.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                              {"X-Frame-Options", "DENY"},
                              {"Referrer-Policy", "same-origin"},
                              {"Content-Security-Policy",
                               "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"}});
    http.set_payload_max_length(options.max_body);
    // A page makes many small requests: up to 100 on one connection (not
    // httplib's 5), idle ones closed after 5 s.
    http.set_keep_alive_max_count(100);
    // httplib writes an answer's head and body apart: with Nagle's
    // algorithm the body waits for the client's delayed ACK, 40 ms a request.
    http.set_tcp_nodelay(true);
    http.set_keep_alive_timeout(5);
    http.set_read_timeout(options.timeout_seconds, 0);
    http.set_write_timeout(options.timeout_seconds, 0);
    const unsigned threads = options.threads ? options.threads : ServeOptions{}.threads;
    http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    // httplib's own refusals (an unknown path, a body over the limit) as
    // JSON error answers like ours.
    http.set_error_handler(httplib::Server::Handler([](const httplib::Request&, httplib::Response& res) {
      if (!res.body.empty()) return;
      const std::string code = res.status == 404 ? "not_found" : res.status == 413 ? "too_large" : "bad_request";
      refuse(res, res.status, code, res.status == 413 ? "the request is too large (请求过大)" : "no such resource (没有该资源)");
    }));
  }

  // Every handler runs inside this: whatever it throws becomes a JSON error
  // answer with a status, never a dropped connection.
  template <class Fn>
  httplib::Server::Handler guarded(Fn fn) {
    return [fn](const httplib::Request& req, httplib::Response& res) {
      try {
        fn(req, res);
      } catch (const QueryError& e) {
        const int status = e.kind() == QueryErrorKind::forbidden ? 403 : e.kind() == QueryErrorKind::not_found ? 404 : 400;
        refuse(res, status, query_error_kind_name(e.kind()), e.what());
      } catch (const Error& e) {
        const bool ours = e.code() == ErrorCode::internal;
        refuse(res, ours ? 500 : 400, ours ? "internal" : "bad_request", e.what());
      } catch (const json::exception& e) {
        refuse(res, 400, "bad_request", std::string("the body is not the JSON expected (请求体格式错误): ") + e.what());
      } catch (const std::exception& e) {
        refuse(res, 500, "internal", std::string("internal error (please report it): ") + e.what());
      }
    };
  }

  std::optional<Session> session_of(const httplib::Request& req) {
    const std::string token = session_token(req);
    return token.empty() ? std::nullopt : sessions.find(token);
  }

  // The session of a state-changing request: it must carry the session's
  // CSRF token in X-CSRF-Token. Answers 401 or 403 itself and returns nothing.
  std::optional<Session> checked_session(const httplib::Request& req, httplib::Response& res) {
    std::optional<Session> s = session_of(req);
    if (!s) {
      refuse(res, 401, "unauthenticated", "please log in (请先登录)");
      return std::nullopt;
    }
    if (req.get_header_value("X-CSRF-Token") != s->csrf) {
      refuse(res, 403, "csrf", "the request lacks this session's CSRF token (缺少有效的 CSRF 令牌)");
      return std::nullopt;
    }
    return s;
  }

  json principal_json(const Principal& p) const {
    json j{{"role", role_name(p.role)}};
    if (!p.code.empty()) j["code"] = p.code;
    if (p.can_export) j["can_export"] = true;
    return j;
  }

  void answer_query(json request, httplib::Response& res) {
    bool refused = false;
    const std::string answer = query_json(index, request.dump(), refused);
    if (!refused) {
      res.status = 200;
      res.set_content(answer, "application/json; charset=utf-8");
      return;
    }
    const json e = json::parse(answer).at("error");
    const std::string code = e.value("code", "bad_request");
    res.status = code == "forbidden" ? 403 : code == "not_found" ? 404 : 400;
    res.set_content(answer, "application/json; charset=utf-8");
  }

  // The page's own files (web/page/) at /, and ECharts from the npm
  // install beside them at /vendor/echarts/ (nothing is fetched from
  // elsewhere at run time). package.json, the lock and node_modules are
  // not served.
  void serve_page() {
    const std::string page = options.web_dir + "/page", vendor = options.web_dir + "/node_modules/echarts/dist";
    if (!http.set_mount_point("/", page))
      throw Error(ErrorCode::io, "--web " + options.web_dir + ": no page/ folder in it (页面目录不存在)");
    if (!http.set_mount_point("/vendor/echarts", vendor))
      throw Error(ErrorCode::io, "--web " + options.web_dir +
                                     ": ECharts is not installed in it; run npm ci there (make serve does) (缺少 ECharts)");
    http.set_file_request_handler([](const httplib::Request& req, httplib::Response& res) {
      // httplib sends no validators, so "no-cache" would fetch every file
      // again on every load: the library (1 MB) is kept for an hour, the
      // page's small files are fetched afresh, so a new page is seen at once.
      res.set_header("Cache-Control", req.path.rfind("/vendor/", 0) == 0 ? "max-age=3600" : "no-store");
    });
  }

  void routes() {
    http.Get("/api/health", guarded([this](const httplib::Request&, httplib::Response& res) {
      char hash[17];
      std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(snap.reference.content_hash));
      reply(res, 200, {{"status", "ok"}, {"model", snap.model.id}, {"enterprises", snap.table.size()}, {"reference", hash}});
    }));

    http.Get("/api/captcha", guarded([this](const httplib::Request&, httplib::Response& res) {
      const Captchas::Challenge c = captchas.issue();
      json body{{"id", c.id}, {"svg", c.svg}};
      if (options.test_captcha) body["answer"] = *captchas.peek(c.id);
      res.set_header("Cache-Control", "no-store");
      reply(res, 200, body);
    }));

    http.Post("/api/login", guarded([this](const httplib::Request& req, httplib::Response& res) {
      // Only a script of this origin can send JSON (a cross-site form
      // cannot without a preflight), so nobody logs a victim in elsewhere.
      if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0)
        return refuse(res, 415, "bad_request", "the login is a JSON body (Content-Type: application/json) (登录须为 JSON)");
      const json body = parse_body(req.body);
      const std::string user = body.at("username").get<std::string>();
      const std::string password = body.at("password").get<std::string>();
      const auto now = Clock::now();
      const std::string by_user = "user:" + user, by_addr = "addr:" + req.remote_addr;
      // The captcha first: a wrong one costs the address, not the user name
      // (else anyone could keep a named account waiting).
      if (!captchas.check(body.value("captcha_id", ""), body.value("captcha", ""))) {
        address_throttle.attempt(by_addr, now);
        refuse(res, 400, "captcha", "the captcha is wrong or expired: ask for a new one (验证码错误或已过期)");
        return;
      }
      // Each attempt is counted before the password is checked, so that
      // attempts sent at once cannot all pass the throttle's check.
      auto wait = throttle.attempt(by_user, now);
      if (wait.count() == 0) {
        wait = address_throttle.attempt(by_addr, now);
        if (wait.count() > 0) throttle.forgive(by_user);
      }
      if (wait.count() > 0) {
        res.set_header("Retry-After", std::to_string(wait.count()));
        refuse(res, 429, "throttled",
               "too many failed logins: try again in " + std::to_string(wait.count()) + " s (登录失败次数过多，请稍后再试)");
        return;
      }
      const std::optional<Account> account = accounts.verify(user, password);
      if (!account) {
        refuse(res, 401, "login", "wrong user name or password (用户名或密码错误)");
        return;
      }
      throttle.succeeded(by_user);
      address_throttle.forgive(by_addr);  // one success takes back its own attempt, not the address's failures
      const std::string token = sessions.open(*account);
      const Session s = *sessions.find(token);
      res.set_header("Set-Cookie", std::string(cookie_name) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" +
                                       (options.secure_cookies ? "; Secure" : ""));
      reply(res, 200, {{"username", s.username}, {"principal", principal_json(s.principal)}, {"csrf", s.csrf}});
    }));

    http.Get("/api/me", guarded([this](const httplib::Request& req, httplib::Response& res) {
      const std::optional<Session> s = session_of(req);
      if (!s) return refuse(res, 401, "unauthenticated", "please log in (请先登录)");
      reply(res, 200, {{"username", s->username}, {"principal", principal_json(s->principal)}, {"csrf", s->csrf}});
    }));

    http.Post("/api/logout", guarded([this](const httplib::Request& req, httplib::Response& res) {
      if (!checked_session(req, res)) return;
      sessions.close(session_token(req));
      res.set_header("Set-Cookie", std::string(cookie_name) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
      reply(res, 200, {{"status", "logged out"}});
    }));

    // The public landing page's aggregates: no login, the public principal.
    http.Get("/api/public", guarded([this](const httplib::Request&, httplib::Response& res) {
      answer_query({{"principal", {{"role", "public"}}}, {"kind", "overview"}}, res);
    }));

    // Any query document, for the session's principal (the public's without one).
    http.Post("/api/query", guarded([this](const httplib::Request& req, httplib::Response& res) {
      json request = parse_body(req.body);
      if (!request.is_object()) return refuse(res, 400, "bad_request", "the body must be a query document (须为查询文档)");
      if (request.contains("principal"))
        return refuse(res, 400, "bad_request",
                      "/principal: the principal comes from the session, not the request (用户身份来自登录会话)");
      Principal p;  // the public
      if (!session_token(req).empty()) {
        const std::optional<Session> s = checked_session(req, res);
        if (!s) return;
        p = s->principal;
      }
      request["principal"] = principal_json(p);
      answer_query(std::move(request), res);
    }));

    // The whole list as a download, streamed: GET, so that the
    // browser saves it as a file; the session cookie (SameSite=Strict) is
    // never sent by another site. Query parameters: format (csv, xlsx,
    // json), sort, descending, filters (the query documents' filters as JSON).
    http.Get("/api/export", guarded([this](const httplib::Request& req, httplib::Response& res) {
      const std::optional<Session> s = session_of(req);
      if (!s) return refuse(res, 401, "unauthenticated", "please log in (请先登录)");
      for (const auto& [key, value] : req.params)
        if (key != "format" && key != "sort" && key != "descending" && key != "filters")
          return refuse(res, 400, "bad_request", "'" + key + "' is not a parameter of an export; use format, sort, "
                                                 "descending, filters (导出参数有误)");
      json doc{{"principal", principal_json(s->principal)}, {"kind", "export"}};
      doc["format"] = req.has_param("format") ? req.get_param_value("format") : "csv";
      json list = json::object();
      if (req.has_param("sort")) list["sort"] = req.get_param_value("sort");
      if (req.has_param("descending")) list["descending"] = req.get_param_value("descending") == "true";
      doc["list"] = list;
      if (req.has_param("filters")) doc["filters"] = parse_body(req.get_param_value("filters"));
      // Refusals throw here, before the answer begins; the lines are then
      // written as the connection takes them (chunked), never all at once.
      auto stream = std::make_shared<ExportStream>(export_document(index, doc.dump()));
      // A workbook is made whole (about 1 KB a row): two at a time, so that
      // a few users clicking 导出 Excel cannot take the server's memory.
      // The slot is given back when the last copy of the answer's provider
      // is gone, however the answer ends.
      std::shared_ptr<void> slot;
      if (stream->format() == ExportFormat::xlsx) {
        if (workbooks_made.fetch_add(1) >= 2) {
          --workbooks_made;
          res.set_header("Retry-After", "30");
          return refuse(res, 503, "busy", "two workbooks are being exported: try again shortly, or export CSV "
                                           "(正在导出其他 Excel 文件，请稍后再试或导出 CSV)");
        }
        slot = std::shared_ptr<void>(nullptr, [this](void*) { --workbooks_made; });
      }
      res.set_header("Content-Disposition", "attachment; filename=\"" + export_file_name(stream->format()) + "\"");
      res.set_header("X-Rows", std::to_string(stream->rows()));
      res.set_chunked_content_provider(export_media_type(stream->format()), [stream, slot](std::size_t, httplib::DataSink& sink) {
        std::string piece;
        if (!stream->next(piece)) {
          sink.done();
          return true;
        }
        return sink.write(piece.data(), piece.size());
      });
    }));

    http.Get("/api/template.csv", guarded([this](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Disposition", "attachment; filename=\"template.csv\"");
      res.set_content(upload_template_csv(snap.model), "text/csv; charset=utf-8");
    }));
    http.Get("/api/template.xlsx", guarded([this](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Disposition", "attachment; filename=\"template.xlsx\"");
      res.set_content(upload_template_xlsx(snap.model),
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }));

    // An upload (multipart, field "file": .xlsx or .csv) estimated for the
    // session's principal, kept as a record.
    http.Post("/api/estimate", guarded([this](const httplib::Request& req, httplib::Response& res) {
      const std::optional<Session> s = checked_session(req, res);
      if (!s) return;
      if (!req.has_file("file"))
        return refuse(res, 400, "bad_request", "the upload goes in the multipart field 'file' (请在 file 字段上传文件)");
      const httplib::MultipartFormData file = req.get_file_value("file");
      UploadOptions read;
      read.regions = snap.table.regions;
      const EstimationRecord record = estimator.estimate(read_upload(file.content, snap.model, read), s->principal, 1);
      std::ostringstream results, errors;
      record.write_results_csv(results, snap);
      record.write_errors_csv(errors);
      const std::string doc = record.to_json(snap);
      records->add({record.id, record.created, s->principal.label(), detail::printable_utf8(file.filename),
                    record.counts.rows_read,
                    record.counts.scored, record.counts.rejected},
                   doc, results.str(), errors.str());
      res.status = 200;
      res.set_content(doc, "application/json; charset=utf-8");
    }));

    http.Get("/api/records", guarded([this](const httplib::Request& req, httplib::Response& res) {
      const std::optional<Session> s = session_of(req);
      if (!s) return refuse(res, 401, "unauthenticated", "please log in (请先登录)");
      json list = json::array();
      for (const RecordSummary& r : records->list(s->principal.label()))
        list.push_back({{"id", r.id}, {"created", r.created}, {"file_name", r.file_name}, {"rows_read", r.rows_read},
                        {"scored", r.scored}, {"rejected", r.rejected}});
      reply(res, 200, {{"records", list}});
    }));

    http.Get(R"(/api/records/([A-Za-z0-9-]+)(\.json|/results\.csv|/errors\.csv)?)",
             guarded([this](const httplib::Request& req, httplib::Response& res) {
               const std::optional<Session> s = session_of(req);
               if (!s) return refuse(res, 401, "unauthenticated", "please log in (请先登录)");
               const std::string tail = req.matches.size() > 2 ? std::string(req.matches[2]) : "";
               const std::string which = tail == "/results.csv" ? "results" : tail == "/errors.csv" ? "errors" : "json";
               const std::optional<std::string> part = records->part(s->principal.label(), req.matches[1], which);
               if (!part) return refuse(res, 404, "not_found", "no such record (没有该测算记录)");
               res.status = 200;
               res.set_content(*part, which == "json" ? "application/json; charset=utf-8" : "text/csv; charset=utf-8");
             }));
  }
};

Server::Server(Snapshot snapshot, ServeOptions options)
    : impl_(std::make_unique<Impl>(std::move(snapshot), std::move(options))) {}

Server::~Server() = default;

int Server::bind() {
  Impl& i = *impl_;
  if (i.options.port == 0) {
    i.port = i.http.bind_to_any_port(i.options.bind);
  } else {
    i.port = i.http.bind_to_port(i.options.bind, i.options.port) ? i.options.port : -1;
  }
  if (i.port <= 0)
    throw Error(ErrorCode::io, "cannot listen on " + i.options.bind + ":" + std::to_string(i.options.port) +
                                   " (端口无法监听: in use, or not an address of this machine)");
  return i.port;
}

void Server::listen() { impl_->http.listen_after_bind(); }

void Server::stop() { impl_->http.stop(); }

}  // namespace cxjf::serve
