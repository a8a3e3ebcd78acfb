// The HTTPS client against a busy server, on 127.0.0.1: a scripted responder (503 with
// Retry-After once, then 200; a connection closed before TLS; statuses that are final), and
// reload-enroll-server's own front (https_server.hpp) refusing every login with 503.
#include <atomic>
#include <deque>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>

#include "config/enrollment_tls.hpp"
#include "config/https_client.hpp"
#include "enrollment_fixture.hpp"
#include "https_server.hpp"

using namespace reload;
using namespace reload::config;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using std::chrono::milliseconds;

namespace {

// A CA, an HTTPS certificate from it for 127.0.0.1, and a client that trusts the CA.
struct Tls {
  test::TempDir tmp{"reload-https-retry-test"};
  test::SignedOverlay overlay{tmp.dir};
  std::shared_ptr<asio::ssl::context> server;
  std::shared_ptr<asio::ssl::context> client;
  Tls() {
    auto id = test::must(enroll::issue_https_identity(overlay.ca, test::overlay_name, "127.0.0.1"));
    server = test::must(make_https_server_context(id.key, id.certificate));
    client = test::must(make_https_client_context(overlay.ca_dir / "ca.crt"));
  }
};

struct Scripted {
  Scripted(unsigned s, std::string r = {}, std::string b = "ok\n")
      : status(s), retry_after(std::move(r)), body(std::move(b)) {}
  unsigned status;  // 0: close the connection at accept, before TLS
  std::string retry_after;
  std::string body;
};

// Answers each connection with the next scripted answer (the last one again when the
// script runs out), on a thread of its own.
class Responder {
 public:
  Responder(asio::ssl::context& tls, std::deque<Scripted> script) : tls_(tls), script_(std::move(script)) {
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    asio::co_spawn(io_, serve(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Responder() {
    io_.stop();
    thread_.join();
  }
  Url url(std::string target = "/enroll") const { return {"127.0.0.1", acceptor_.local_endpoint().port(), target}; }
  int connections() const { return connections_; }
  int requests() const { return requests_; }

 private:
  asio::awaitable<void> serve() {
    for (;;) {
      boost::system::error_code ec;
      auto on = asio::redirect_error(asio::use_awaitable, ec);
      auto socket = co_await acceptor_.async_accept(on);
      if (ec) co_return;
      ++connections_;
      Scripted next = script_.front();
      if (script_.size() > 1) script_.pop_front();
      if (next.status == 0) {
        socket.close(ec);
        continue;
      }
      beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), tls_);
      beast::get_lowest_layer(stream).expires_after(5s);
      co_await stream.async_handshake(asio::ssl::stream_base::server, on);
      if (ec) continue;
      beast::flat_buffer buffer;
      http::request<http::string_body> req;
      co_await http::async_read(stream, buffer, req, on);
      if (ec) continue;
      ++requests_;
      http::response<http::string_body> res{static_cast<http::status>(next.status), 11};
      res.set(http::field::content_type, "text/plain");
      if (!next.retry_after.empty()) res.set(http::field::retry_after, next.retry_after);
      res.keep_alive(false);
      res.body() = next.body;
      res.prepare_payload();
      co_await http::async_write(stream, res, on);
      co_await stream.async_shutdown(on);
    }
  }

  asio::ssl::context& tls_;
  std::deque<Scripted> script_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_{io_};
  std::thread thread_;
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
};

const HttpsRequest post{"POST", "text/plain", "hello", "text/plain"};

// Options whose waits are recorded instead of slept.
HttpsOptions recording(std::vector<milliseconds>& waits) {
  HttpsOptions o;
  o.timeout = 5s;
  o.retry.sleep = [&waits](milliseconds d) { waits.push_back(d); };
  return o;
}

}  // namespace

TEST_CASE("503 with Retry-After: 1, then 200: the client waits a second and succeeds") {
  Tls tls;
  Responder r(*tls.server, {{503, "1", "too many logins at once; try again later\n"}, {200, "", "welcome\n"}});
  HttpsOptions o;
  o.timeout = 5s;  // and the real sleep
  const auto start = std::chrono::steady_clock::now();
  auto got = test::must(https_exchange(r.url(), post, *tls.client, o));
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(got.status == 200);
  CHECK(got.body == "welcome\n");
  CHECK(r.requests() == 2);
  CHECK(took >= 950ms);
  CHECK(took < 5s);
}

TEST_CASE("429 with Retry-After: 2 is waited out too") {
  Tls tls;
  Responder r(*tls.server, {{429, "2"}, {429, " 3 "}, {200}});
  std::vector<milliseconds> waits;
  auto got = test::must(https_exchange(r.url(), post, *tls.client, recording(waits)));
  CHECK(got.status == 200);
  CHECK(waits == std::vector<milliseconds>{2000ms, 3000ms});
  CHECK(r.requests() == 3);
}

TEST_CASE("a server busy at every attempt: bounded, then one line saying so") {
  Tls tls;
  // reload-enroll-server's own front, with no room for a password check: every login 503.
  asio::io_context io;
  asio::thread_pool workers(1);
  auto acceptor = test::must(boost::system::result<asio::ip::tcp::acceptor, std::string>(
      enroll::open_listener(io.get_executor(), {asio::ip::make_address("127.0.0.1"), 0}).value()));
  enroll::ServerLimits limits;
  limits.logins.max_pending = 0;
  std::atomic<int> handled{0};
  enroll::HttpsServer server(
      std::move(acceptor), *tls.server,
      [&](const enroll::HttpRequest&) {
        ++handled;
        return enroll::HttpResponse{500, "text/plain", "not expected\n", {}};
      },
      workers, [](const std::string&) {}, limits);
  server.start();
  std::thread io_thread([&] { io.run(); });
  const Url url{"127.0.0.1", server.local_endpoint().port(), "/enroll"};

  std::vector<milliseconds> waits;
  auto got = https_exchange(url, post, *tls.client, recording(waits));
  REQUIRE_FALSE(got.has_value());
  CHECK(got.error() == fmt::format("https://127.0.0.1:{}/enroll: the server is busy: 503 Service Unavailable "
                                   "\"too many logins at once; try again later\"; gave up after 4 attempts in 3 s",
                                   url.port));
  CHECK(got.error().find('\n') == std::string::npos);
  CHECK(waits == std::vector<milliseconds>{1000ms, 1000ms, 1000ms});
  CHECK(handled == 0);

  // One attempt only, when asked so.
  waits.clear();
  auto once = recording(waits);
  once.retry.max_attempts = 1;
  got = https_exchange(url, post, *tls.client, once);
  REQUIRE_FALSE(got.has_value());
  CHECK(got.error().ends_with("; gave up after 1 attempt in 0 s"));
  CHECK(waits.empty());

  server.stop();
  io.stop();
  io_thread.join();
  workers.join();
}

TEST_CASE("a server that asks for longer than the client waits is not asked again") {
  Tls tls;
  Responder r(*tls.server, {{429, "120", "too many failed logins from this address; try again later\n"}, {200}});
  std::vector<milliseconds> waits;
  auto got = https_exchange(r.url(), post, *tls.client, recording(waits));
  REQUIRE_FALSE(got.has_value());
  CHECK(got.error() == fmt::format("https://127.0.0.1:{}/enroll: the server is busy: 429 Too Many Requests "
                                   "\"too many failed logins from this address; try again later\"; it asks to wait "
                                   "120 s, longer than the client waits (30 s); gave up after 1 attempt in 0 s",
                                   r.url().port));
  CHECK(waits.empty());
  CHECK(r.requests() == 1);
}

TEST_CASE("a connection closed before TLS (a server at its connection cap) is tried again after a back-off") {
  Tls tls;
  Responder r(*tls.server, {{0}, {0}, {200, "", "in\n"}});
  std::vector<milliseconds> waits;
  auto got = test::must(https_exchange(r.url(), post, *tls.client, recording(waits)));
  CHECK(got.body == "in\n");
  REQUIRE(waits.size() == 2);
  CHECK(waits[0] >= 500ms);
  CHECK(waits[0] < 1500ms);
  CHECK(waits[1] >= 1000ms);
  CHECK(waits[1] < 3000ms);
  CHECK(r.connections() == 3);

  // Always closed: bounded, and the line says what happened and how often.
  Responder closed(*tls.server, {{0}});
  waits.clear();
  auto fail = https_exchange(closed.url(), post, *tls.client, recording(waits));
  REQUIRE_FALSE(fail.has_value());
  INFO("the error: ", fail.error());
  CHECK(fail.error().starts_with(
      fmt::format("https://127.0.0.1:{}/enroll: the server closed the connection before TLS (", closed.url().port)));
  CHECK(fail.error().find("): busy, or not an HTTPS server; gave up after 4 attempts in ") != std::string::npos);
  CHECK(fail.error().find("; gave up after 4 attempts in ") != std::string::npos);
  CHECK(waits.size() == 3);
  CHECK(closed.connections() == 4);
}

TEST_CASE("a refused connection is tried again, within the same bound") {
  Url nobody;
  {
    // A port that was free a moment ago.
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    nobody = {"127.0.0.1", a.local_endpoint().port(), "/"};
  }
  Tls tls;
  std::vector<milliseconds> waits;
  auto got = https_exchange(nobody, post, *tls.client, recording(waits));
  REQUIRE_FALSE(got.has_value());
  CHECK(got.error().find("; gave up after 4 attempts in ") != std::string::npos);
  CHECK(waits.size() == 3);
}

TEST_CASE("other statuses and errors are final") {
  Tls tls;
  for (unsigned status : {400u, 403u, 404u, 500u, 502u}) {
    CAPTURE(status);
    Responder r(*tls.server, {{status, "1", "no\n"}, {200}});
    std::vector<milliseconds> waits;
    auto got = test::must(https_exchange(r.url(), post, *tls.client, recording(waits)));
    CHECK(got.status == status);
    CHECK(got.retry_after == "1");
    CHECK(waits.empty());
    CHECK(r.requests() == 1);
  }
  // A certificate that does not verify: the system's roots do not know our CA.
  Responder r(*tls.server, {{200}});
  auto system_roots = test::must(make_https_client_context(std::nullopt));
  std::vector<milliseconds> waits;
  auto got = https_exchange(r.url(), post, *system_roots, recording(waits));
  REQUIRE_FALSE(got.has_value());
  CHECK(got.error().find("TLS handshake") != std::string::npos);
  CHECK(got.error().find("gave up") == std::string::npos);
  CHECK(waits.empty());
  CHECK(r.connections() == 1);
}
