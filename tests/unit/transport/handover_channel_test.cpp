// HandoverChannel: a datagram flow moved from one carrier to another, as an ICE flow moves
// from libnice to the node's own socket: nothing the old carrier received is lost, nothing
// written during the move either, and a pseudo-TCP stream on top goes on undisturbed.
#include "transport/handover_channel.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "channel_io.hpp"
#include "ice_tls_fixtures.hpp"
#include "transport/pseudo_tcp_channel.hpp"

using namespace reload;
using namespace reload::transport;
using namespace reload::transport::test;
using boost::system::error_code;

namespace {

wire::Buffer text(std::string_view s) { return wire::Buffer(s.begin(), s.end()); }

std::optional<wire::Buffer> read_datagram(ByteChannel& c) {
  std::array<std::uint8_t, 2048> buf{};
  error_code ec;
  const std::size_t n = c.read_some(buf, ec);
  if (ec) return std::nullopt;
  return wire::Buffer(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
}

// The same UDP socket twice: a duplicate descriptor, as IceAgent::take_selected_flow gives.
std::unique_ptr<ByteChannel> duplicate_of(asio::ip::udp::socket& s, const asio::ip::udp::endpoint& peer) {
  asio::ip::udp::socket copy(s.get_executor());
  copy.assign(s.local_endpoint().protocol(), ::dup(s.native_handle()));
  copy.connect(peer);
  return std::make_unique<UdpChannel>(std::move(copy));
}

}  // namespace

TEST_CASE("held writes go out on the new carrier, and what the old one received is read first") {
  TlsPeers t;
  auto [old_a, old_b] = udp_channel_pair(t.io.get_executor());
  auto [new_a, new_b] = udp_channel_pair(t.io.get_executor());
  ByteChannel& old_peer = *old_b;
  ByteChannel& new_peer = *new_b;
  ByteChannel* old_carrier = old_a.get();
  auto [channel, handle] = make_handover_channel(std::move(old_a));
  error_code ec;
  channel->write_some(text("before"), ec);
  REQUIRE_FALSE(ec);
  t.run_for(20ms);
  CHECK(read_datagram(old_peer) == text("before"));
  old_peer.write_some(text("unread"), ec);  // waits in the old carrier
  t.run_for(20ms);

  auto handover = handle.lock();
  REQUIRE(handover);
  handover->hold();
  CHECK(channel->write_some(text("held"), ec) == 4);
  CHECK_FALSE(ec);
  t.run_for(20ms);
  CHECK_FALSE(read_datagram(old_peer));
  CHECK_FALSE(read_datagram(new_peer));

  handover->replace(std::move(new_a));
  CHECK_FALSE(old_carrier->is_open());
  t.run_for(20ms);
  CHECK(read_datagram(new_peer) == text("held"));
  CHECK(read_datagram(*channel) == text("unread"));
  new_peer.write_some(text("after"), ec);
  std::optional<error_code> waited;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { waited = co_await channel->wait(asio::socket_base::wait_read); },
                 asio::detached);
  t.run_until([&] { return waited.has_value(); }, 2s);
  CHECK_FALSE(*waited);
  CHECK(read_datagram(*channel) == text("after"));
  handover.reset();
  channel.reset();
  CHECK(handle.expired());
}

TEST_CASE(
    "a read waiting on the old carrier reads what it carried, then goes on to the new carrier") {
  TlsPeers t;
  auto [old_a, old_b] = udp_channel_pair(t.io.get_executor());
  auto [new_a, new_b] = udp_channel_pair(t.io.get_executor());
  ByteChannel& old_peer = *old_b;
  ByteChannel& new_peer = *new_b;
  auto [channel, handle] = make_handover_channel(std::move(old_a));
  std::vector<std::string> read;
  error_code failed;
  asio::co_spawn(
      t.io,
      [&, c = channel.get()]() -> asio::awaitable<void> {
        std::array<std::uint8_t, 2048> buf{};
        while (read.size() < 3) {
          std::size_t n = 0;
          if ((failed = co_await c->async_read_some(buf, n))) co_return;
          read.emplace_back(reinterpret_cast<const char*>(buf.data()), n);
        }
      },
      asio::detached);
  t.run_for(10ms);  // the read waits on the old carrier
  error_code ec;
  old_peer.write_some(text("carried"), ec);  // not read before the move: the loop does not run
  auto handover = handle.lock();
  REQUIRE(handover);
  handover->hold();
  handover->replace(std::move(new_a));
  new_peer.write_some(text("new 1"), ec);
  new_peer.write_some(text("new 2"), ec);
  t.run_until([&] { return read.size() == 3 || failed; }, 2s);
  CHECK_FALSE(failed);
  CHECK(read == std::vector<std::string>{"carried", "new 1", "new 2"});
}

TEST_CASE("at most max_held datagrams wait during a move") {
  TlsPeers t;
  auto [a, b] = udp_channel_pair(t.io.get_executor());
  auto [channel, handle] = make_handover_channel(std::move(a), 3);
  handle.lock()->hold();
  error_code ec;
  for (int i = 0; i < 5; ++i) channel->write_some(text(std::to_string(i)), ec);
  handle.lock()->release();
  t.run_for(20ms);
  int arrived = 0;
  while (read_datagram(*b)) ++arrived;
  CHECK(arrived == 3);
}

TEST_CASE("a pseudo-TCP stream goes on whole when its flow moves to a duplicate of the socket mid-transfer") {
  TlsPeers t;
  auto [sa, sb] = udp_socket_pair(t.io.get_executor());
  const auto peer_of_a = sa.remote_endpoint();
  auto second_carrier = duplicate_of(sa, peer_of_a);
  auto [datagrams, handle] = make_handover_channel(std::make_unique<UdpChannel>(std::move(sa)));
  auto sender = make_pseudo_tcp_channel(std::move(datagrams));
  auto receiver = make_pseudo_tcp_channel(std::make_unique<UdpChannel>(std::move(sb)));
  const wire::Buffer sent = pattern(512 * 1024);
  std::optional<error_code> wrote, read;
  wire::Buffer got;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { wrote = co_await write_all(*sender, sent); }, asio::detached);
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { read = co_await read_up_to(*receiver, got, sent.size()); },
                 asio::detached);
  t.run_until([&] { return got.size() > 64 * 1024; }, 10s);
  REQUIRE(got.size() < sent.size());  // the move comes mid-transfer
  handle.lock()->hold();
  t.run_for(2ms);
  handle.lock()->replace(std::move(second_carrier));
  t.run_until([&] { return wrote && read; }, 20s);
  CHECK_FALSE(*wrote);
  CHECK_FALSE(*read);
  CHECK(got == sent);
}
