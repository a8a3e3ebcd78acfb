// UdpDemux on 127.0.0.1: flows per source, what it drops, and its bounds, with plain UDP
// sockets as the peers.
#include "transport/udp_demux.hpp"

#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <doctest/doctest.h>

#include "tls_fixtures.hpp"

using namespace reload::transport;
using namespace reload::transport::test;
using boost::system::error_code;
using asio::ip::udp;

namespace {

struct Accepted {
  std::unique_ptr<ByteChannel> channel;
  std::uint64_t id;
  udp::endpoint from;
};

struct Demux : TlsPeers {
  std::shared_ptr<UdpDemux> demux;
  std::vector<Accepted> accepted;

  explicit Demux(UdpDemuxLimits limits = {}) : demux(std::make_shared<UdpDemux>(io.get_executor(), limits)) {
    REQUIRE_FALSE(demux->open({asio::ip::make_address("127.0.0.1"), 0}));
    demux->start([this](std::unique_ptr<ByteChannel> c, std::uint64_t id, udp::endpoint from) {
      accepted.push_back({std::move(c), id, from});
    });
  }
  ~Demux() { demux->stop(); }

  udp::socket peer() {
    udp::socket s(io);
    s.open(udp::v4());
    s.bind({asio::ip::make_address("127.0.0.1"), 0});
    return s;
  }
  void send(udp::socket& from, std::vector<std::uint8_t> bytes) { from.send_to(asio::buffer(bytes), demux->local_endpoint()); }
};

// A datagram that starts as a DTLS handshake record does.
std::vector<std::uint8_t> hello(std::uint8_t mark) { return {22, 0xfe, 0xfd, mark}; }

}  // namespace

TEST_CASE("each source gets one flow, which reads its datagrams whole and in order and answers to that source") {
  Demux d;
  auto a = d.peer(), b = d.peer();
  d.send(a, hello(1));
  d.send(a, {22, 9, 9, 9, 9, 9});
  d.send(b, hello(2));
  d.run_until([&] { return d.accepted.size() == 2 && d.demux->flows() == 2; });
  d.run_for(20ms);
  auto& first = d.accepted[0].from == a.local_endpoint() ? d.accepted[0] : d.accepted[1];
  CHECK(first.channel->datagrams());
  std::uint8_t buffer[64];
  error_code ec;
  CHECK(first.channel->read_some(buffer, ec) == 4);
  CHECK(buffer[3] == 1);
  CHECK(first.channel->read_some(buffer, ec) == 6);
  CHECK(first.channel->read_some(buffer, ec) == 0);
  CHECK(ec == asio::error::would_block);

  const std::uint8_t reply[] = {1, 2, 3};
  CHECK(first.channel->write_some(reply, ec) == 3);
  std::uint8_t got[8];
  udp::endpoint sender;
  CHECK(a.receive_from(asio::buffer(got), sender) == 3);
  CHECK(sender == d.demux->local_endpoint());
}

TEST_CASE("an unknown source that does not start a DTLS handshake makes no flow") {
  Demux d;
  auto a = d.peer();
  d.send(a, {23, 1, 2, 3});  // application data from nowhere
  d.send(a, {});
  d.run_for(50ms);
  CHECK(d.accepted.empty());
  CHECK(d.demux->dropped() == 2);
}

TEST_CASE("flows are bounded, and what waits in each; a closed flow makes room") {
  Demux d(UdpDemuxLimits{.max_flows = 2, .max_unread = 2});
  auto a = d.peer(), b = d.peer(), c = d.peer();
  d.send(a, hello(1));
  d.send(b, hello(2));
  d.send(c, hello(3));  // a third flow
  d.run_for(50ms);
  CHECK(d.accepted.size() == 2);
  CHECK(d.demux->dropped() == 1);

  // A flow holds at most max_unread datagrams for its reader.
  for (std::uint8_t i = 0; i < 5; ++i) d.send(a, hello(i));
  d.run_for(50ms);
  CHECK(d.demux->dropped() == 1 + 4);  // one datagram was waiting already; one more fits

  d.accepted[0].channel->close();
  d.send(c, hello(3));
  d.run_until([&] { return d.accepted.size() == 3; });
}

TEST_CASE("abort and stop end a flow's waits") {
  Demux d;
  auto a = d.peer(), b = d.peer();
  d.send(a, hello(1));
  d.send(b, hello(2));
  d.run_until([&] { return d.accepted.size() == 2; });
  std::uint8_t buffer[16];
  error_code ec;
  for (auto& f : d.accepted) f.channel->read_some(buffer, ec);

  std::optional<error_code> waited;
  asio::co_spawn(d.io, d.accepted[0].channel->wait(asio::socket_base::wait_read), [&](std::exception_ptr, error_code e) {
    waited = e;
  });
  d.run_for(20ms);
  CHECK_FALSE(waited);
  d.demux->abort(d.accepted[0].id);
  d.run_until([&] { return waited.has_value(); });
  CHECK(d.accepted[0].channel->read_some(buffer, ec) == 0);
  CHECK(ec == asio::error::operation_aborted);

  d.demux->stop();
  CHECK(d.accepted[1].channel->read_some(buffer, ec) == 0);
  CHECK(ec == asio::error::operation_aborted);
}
