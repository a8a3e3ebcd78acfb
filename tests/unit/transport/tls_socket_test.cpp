// TlsSocket over real TLS on loopback (127.0.0.1 only), certificates from an in-process CA.
#include "transport/tls_socket.hpp"

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <chrono>
#include <csignal>
#include <cstdint>
#include <malloc.h>
#include <memory>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <doctest/doctest.h>

#include "tls_fixtures.hpp"
#include "transport/tcp_channel.hpp"

using namespace reload;
using boost::system::error_code;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using transport::TlsSocket;

namespace {

struct Loopback : transport::test::TlsPeers {
  std::shared_ptr<asio::ssl::context> client_tls = context_for(0x11);
  std::shared_ptr<asio::ssl::context> server_tls = context_for(0x22);
  tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};

  // A connected pair of plain sockets: (client end, server end). Small buffers are set
  // before the connection exists, so the windows both ends announce agree with them.
  std::pair<tcp::socket, tcp::socket> sockets(bool small_buffers = false) {
    tcp::socket client(io), server(io);
    client.open(tcp::v4());
    if (small_buffers) {
      client.set_option(asio::socket_base::send_buffer_size(16384));
      client.set_option(asio::socket_base::receive_buffer_size(16384));
      acceptor.set_option(asio::socket_base::receive_buffer_size(16384));
    }
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
    if (small_buffers) server.set_option(asio::socket_base::send_buffer_size(16384));
    return {std::move(client), std::move(server)};
  }

  // A connected pair that has finished its handshake.
  std::pair<TlsSocket, TlsSocket> pair(bool small_buffers = false) {
    auto [c, s] = sockets(small_buffers);
    TlsSocket client(std::move(c), *client_tls), server(std::move(s), *server_tls);
    error_code client_ec = asio::error::would_block, server_ec = asio::error::would_block;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> { client_ec = co_await client.handshake(asio::ssl::stream_base::client); },
                   asio::detached);
    asio::co_spawn(io, [&]() -> asio::awaitable<void> { server_ec = co_await server.handshake(asio::ssl::stream_base::server); },
                   asio::detached);
    run_until([&] { return client_ec != asio::error::would_block && server_ec != asio::error::would_block; });
    REQUIRE_FALSE(client_ec);
    REQUIRE_FALSE(server_ec);
    return {std::move(client), std::move(server)};
  }
};

std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t seed) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(seed + i * 7 + (i >> 12));
  return v;
}

asio::awaitable<void> read_exactly(TlsSocket& s, std::vector<std::uint8_t>& into, std::size_t n, error_code& ec) {
  std::vector<std::uint8_t> chunk(5000);  // smaller than a record: reads also come from OpenSSL's buffer
  while (into.size() < n) {
    std::size_t got = 0;
    ec = co_await s.read_some(chunk, got);
    if (ec) co_return;
    into.insert(into.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(got));
  }
}

}  // namespace

TEST_CASE("both ends write more than the socket buffers hold, at the same time, and every byte arrives") {
  Loopback net;
  // Far more than the 16 KiB buffers hold: both writers stop on WANT_WRITE again and again
  // while their readers still run.
  auto ab = net.pair(true);  // named, not bound: clang 14 cannot capture a structured binding
  [[maybe_unused]] auto& a = ab.first;
  [[maybe_unused]] auto& b = ab.second;
  const std::size_t size = 3 * 1024 * 1024 + 17;
  const auto to_b = pattern(size, 1), to_a = pattern(size, 2);
  std::vector<std::uint8_t> at_a, at_b;
  error_code wa = asio::error::would_block, wb = asio::error::would_block, ra, rb;
  bool read_a = false, read_b = false;
  asio::co_spawn(net.io, [&]() -> asio::awaitable<void> { wa = co_await a.write_all(to_b); }, asio::detached);
  asio::co_spawn(net.io, [&]() -> asio::awaitable<void> { wb = co_await b.write_all(to_a); }, asio::detached);
  asio::co_spawn(net.io, [&]() -> asio::awaitable<void> { co_await read_exactly(a, at_a, size, ra); read_a = true; }, asio::detached);
  asio::co_spawn(net.io, [&]() -> asio::awaitable<void> { co_await read_exactly(b, at_b, size, rb); read_b = true; }, asio::detached);
  net.run_until([&] { return read_a && read_b && wa != asio::error::would_block && wb != asio::error::would_block; });
  CHECK_FALSE(wa);
  CHECK_FALSE(wb);
  CHECK_FALSE(ra);
  CHECK_FALSE(rb);
  CHECK(at_b == to_b);
  CHECK(at_a == to_a);
}

TEST_CASE(
    "write_now writes all at once or nothing; after would_block, write_all sends the same bytes") {
  Loopback net;
  auto ab = net.pair(true);  // named, not bound: clang 14 cannot capture a structured binding
  [[maybe_unused]] auto& a = ab.first;
  [[maybe_unused]] auto& b = ab.second;
  // Chunks until the socket takes no more: each is written whole, or not at all.
  std::vector<std::uint8_t> expected;
  error_code ec;
  std::uint8_t seed = 0;
  auto chunk = pattern(20'000, seed);
  for (int i = 0; i < 1000; ++i) {
    chunk = pattern(20'000, ++seed);
    const std::size_t n = a.write_now(chunk, ec);
    if (ec) break;
    CHECK(n == chunk.size());
    expected.insert(expected.end(), chunk.begin(), chunk.end());
  }
  REQUIRE(ec == asio::error::would_block);
  CHECK(expected.size() >= chunk.size());  // the first went at once
  // OpenSSL holds part of the last chunk: its retry is write_all with the same bytes, here
  // from another buffer, as a caller that queues them moves them.
  const std::vector<std::uint8_t> moved = chunk;
  error_code wrote = asio::error::would_block, read;
  bool done_reading = false;
  std::vector<std::uint8_t> got;
  const std::size_t total = expected.size() + chunk.size();
  asio::co_spawn(
      net.io, [&]() -> asio::awaitable<void> { wrote = co_await a.write_all(moved); },
      asio::detached);
  asio::co_spawn(
      net.io,
      [&]() -> asio::awaitable<void> {
        co_await read_exactly(b, got, total, read);
        done_reading = true;
      },
      asio::detached);
  net.run_until([&] { return done_reading && wrote != asio::error::would_block; });
  CHECK_FALSE(wrote);
  CHECK_FALSE(read);
  expected.insert(expected.end(), chunk.begin(), chunk.end());
  CHECK(got == expected);
}

TEST_CASE("writing to a peer that reset the connection is an error, not SIGPIPE") {
  std::signal(SIGPIPE, SIG_DFL);  // the default disposition kills the process: this test with it
  Loopback net;
  auto ab = net.pair();  // named, not bound: clang 14 cannot capture a structured binding
  [[maybe_unused]] auto& a = ab.first;
  [[maybe_unused]] auto& b = ab.second;
  static_cast<transport::TcpChannel&>(b.channel()).socket().set_option(asio::socket_base::linger(true, 0));  // close sends RST
  b.close();
  const auto data = pattern(64 * 1024, 3);
  error_code ec;
  for (int i = 0; i < 50 && !ec; ++i) {
    bool done = false;
    asio::co_spawn(net.io, [&]() -> asio::awaitable<void> { ec = co_await a.write_all(data); done = true; }, asio::detached);
    net.run_until([&] { return done; });
  }
  REQUIRE(ec);
  CHECK((ec == asio::error::connection_reset || ec == asio::error::broken_pipe));
}

TEST_CASE("close() ends a pending read with operation_aborted and no later call touches the descriptor") {
  Loopback net;
  auto ab = net.pair();  // named, not bound: clang 14 cannot capture a structured binding
  [[maybe_unused]] auto& a = ab.first;
  [[maybe_unused]] auto& b = ab.second;
  std::vector<std::uint8_t> buf(100);
  std::size_t n = 0;
  error_code ec = asio::error::would_block;
  asio::co_spawn(net.io, [&]() -> asio::awaitable<void> { ec = co_await a.read_some(buf, n); }, asio::detached);
  net.io.restart();
  net.io.poll();
  CHECK(ec == asio::error::would_block);  // waiting: nothing was sent
  a.close();
  net.run_until([&] { return ec != asio::error::would_block; });
  CHECK(ec == asio::error::operation_aborted);
  // The descriptor's number may already belong to another socket: nothing may be read from it.
  auto cd = net.sockets();  // named, not bound: clang 14 cannot capture a structured binding
  [[maybe_unused]] auto& c = cd.first;
  [[maybe_unused]] auto& d = cd.second;
  ec = asio::error::would_block;
  asio::co_spawn(net.io, [&]() -> asio::awaitable<void> { ec = co_await a.write_all(buf); }, asio::detached);
  net.run_until([&] { return ec != asio::error::would_block; });
  CHECK(ec == asio::error::operation_aborted);
  CHECK(d.available() == 0);
}

TEST_CASE("a peer that leaves without close_notify reads as stream_truncated") {
  Loopback net;
  auto ab = net.pair();  // named, not bound: clang 14 cannot capture a structured binding
  [[maybe_unused]] auto& a = ab.first;
  [[maybe_unused]] auto& b = ab.second;
  b.channel().close();
  std::vector<std::uint8_t> buf(100);
  std::size_t n = 0;
  error_code ec = asio::error::would_block;
  asio::co_spawn(net.io, [&]() -> asio::awaitable<void> { ec = co_await a.read_some(buf, n); }, asio::detached);
  net.run_until([&] { return ec != asio::error::would_block; });
  CHECK(ec == asio::ssl::error::stream_truncated);
}

TEST_CASE("a peer that does not speak TLS fails the handshake with OpenSSL's error") {
  Loopback net;
  auto cs = net.sockets();  // named, not bound: clang 14 cannot capture a structured binding
  [[maybe_unused]] auto& c = cs.first;
  [[maybe_unused]] auto& s = cs.second;
  TlsSocket server(std::move(s), *net.server_tls);
  asio::write(c, asio::buffer(std::string("GET / HTTP/1.0\r\n\r\n")));
  error_code ec = asio::error::would_block;
  asio::co_spawn(net.io, [&]() -> asio::awaitable<void> { ec = co_await server.handshake(asio::ssl::stream_base::server); },
                 asio::detached);
  net.run_until([&] { return ec != asio::error::would_block; });
  CHECK(ec.category() == asio::error::get_ssl_category());
  CHECK_FALSE(ec.message().empty());
}

TEST_CASE("an idle socket holds no record buffers") {
  // asio::ssl::stream keeps about 70 KiB per stream (its two record buffers and a BIO pair)
  // and OpenSSL keeps 2 x 17 KiB more; a node holds tens of links, most of them idle. What
  // is left here (about 20 KiB) is OpenSSL's connection state, keys and the peer's
  // certificate.
  Loopback net;
  std::vector<std::pair<TlsSocket, TlsSocket>> pairs;
  pairs.reserve(40);
  pairs.push_back(net.pair());  // OpenSSL's one-time allocations happen outside the measure
  const auto before = mallinfo2().uordblks;
  for (int i = 0; i < 32; ++i) {
    pairs.push_back(net.pair());
    auto& a = pairs.back().first;  // named, not bound: clang 14 cannot capture a structured binding
    auto& b = pairs.back().second;
    const auto data = pattern(6000, static_cast<std::uint8_t>(i));
    std::vector<std::uint8_t> got;
    error_code w = asio::error::would_block, r;
    bool read = false;
    asio::co_spawn(net.io, [&]() -> asio::awaitable<void> { w = co_await a.write_all(data); }, asio::detached);
    asio::co_spawn(net.io, [&]() -> asio::awaitable<void> { co_await read_exactly(b, got, data.size(), r); read = true; },
                   asio::detached);
    net.run_until([&] { return read && w != asio::error::would_block; });
    REQUIRE(got == data);
  }
  const double per_socket = static_cast<double>(mallinfo2().uordblks - before) / 64;
  MESSAGE("heap per idle TLS socket after a handshake and a 6000-byte message: " << per_socket << " bytes");
  CHECK(per_socket < 32 * 1024);
}
