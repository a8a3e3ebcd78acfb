// wait_on_socket, the read wait of SelectedPairChannel: it ends at once when a datagram is
// there already, waits when none is, takes nothing from the socket, and ends when the
// channel closes.
#include "transport/socket_wait.hpp"

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <doctest/doctest.h>

#include "channel_io.hpp"
#include "tls_fixtures.hpp"
#include "transport/selected_pair_channel.hpp"

using namespace reload;
using namespace reload::transport;
using namespace reload::transport::test;
using boost::system::error_code;

namespace {

// Starts a read wait on `c`; the result lands in the optional.
std::shared_ptr<std::optional<error_code>> start_wait(TlsPeers& t, ByteChannel& c) {
  auto result = std::make_shared<std::optional<error_code>>();
  asio::co_spawn(
      t.io,
      [&c, result]() -> asio::awaitable<void> {
        *result = co_await c.wait(asio::socket_base::wait_read);
      },
      asio::detached);
  return result;
}

std::string read_text(ByteChannel& c, error_code& ec) {
  std::array<std::uint8_t, 64> buf{};
  const std::size_t n = c.read_some(buf, ec);
  return std::string(reinterpret_cast<const char*>(buf.data()), n);
}

}  // namespace

TEST_CASE("a wait ends at once on what is queued, else when a datagram comes; nothing is taken") {
  TlsPeers t;
  auto [mine, peer] = udp_socket_pair(t.io.get_executor());
  SelectedPairChannel a(std::move(mine),
                        std::make_unique<IceCheckAnswerer>("ufragA1", "passwordA0123456789012345",
                                                           "ufragB1", true, 7));
  UdpChannel b(std::move(peer));
  error_code ec;
  b.write_some(wire::Buffer{'1'}, ec);
  t.run_for(10ms);
  auto first = start_wait(t, a);
  t.run_until([&] { return first->has_value(); }, 2s);
  CHECK_FALSE(**first);
  CHECK(read_text(a, ec) == "1");  // the wait peeked; the datagram is still whole
  CHECK_FALSE(ec);
  read_text(a, ec);
  CHECK(ec == asio::error::would_block);

  auto second = start_wait(t, a);
  t.run_for(30ms);
  CHECK_FALSE(second->has_value());
  b.write_some(wire::Buffer{'2'}, ec);
  t.run_until([&] { return second->has_value(); }, 2s);
  CHECK_FALSE(**second);
  CHECK(read_text(a, ec) == "2");

  // Closing the channel ends a wait.
  auto third = start_wait(t, a);
  t.run_for(5ms);
  a.close();
  t.run_until([&] { return third->has_value(); }, 2s);
  CHECK(**third == asio::error::operation_aborted);
}
