// DTLS-UDP-SR-NO-ICE links on 127.0.0.1: a DtlsListener accepting, UdpChannels dialling.
#include "transport/dtls_listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <doctest/doctest.h>

#include "tls_fixtures.hpp"
#include "transport/udp_channel.hpp"

using namespace reload;
using namespace reload::transport;
using namespace reload::transport::test;
using boost::system::error_code;
using asio::ip::udp;

namespace {

struct Recorder final : LinkHandler {
  std::vector<wire::Buffer> messages;
  void on_link_message(Link&, wire::Bytes m) override { messages.emplace_back(m.begin(), m.end()); }
  void on_link_suspect(Link&) override {}
  void on_link_resumed(Link&) override {}
  void on_link_closed(Link&, error_code) override {}
};

// A channel that keeps the first datagram it reads, to see what the server answered first.
struct FirstAnswer final : ByteChannel {
  explicit FirstAnswer(std::unique_ptr<ByteChannel> c, std::vector<std::uint8_t>& first) : inner(std::move(c)), first(first) {}
  std::size_t read_some(std::span<std::uint8_t> into, error_code& ec) override {
    const auto n = inner->read_some(into, ec);
    if (n > 0 && first.empty()) first.assign(into.begin(), into.begin() + static_cast<std::ptrdiff_t>(n));
    return n;
  }
  std::size_t write_some(std::span<const std::uint8_t> b, error_code& ec) override { return inner->write_some(b, ec); }
  asio::awaitable<error_code> wait(asio::socket_base::wait_type w) override { return inner->wait(w); }
  void close() noexcept override { inner->close(); }
  bool is_open() const noexcept override { return inner->is_open(); }
  bool datagrams() const noexcept override { return true; }
  asio::any_io_executor get_executor() noexcept override { return inner->get_executor(); }
  std::unique_ptr<ByteChannel> inner;
  std::vector<std::uint8_t>& first;
};

struct Server : TlsPeers {
  std::shared_ptr<asio::ssl::context> server_tls = context_for(0x11, TlsFlavor::dtls);
  std::shared_ptr<DtlsListener> listener;
  std::vector<std::shared_ptr<DtlsSrLink>> accepted;
  int failed = 0;

  explicit Server(HandshakeLimits handshakes = {}) {
    listener = std::make_shared<DtlsListener>(io.get_executor(), *server_tls, trust, DtlsSrLimits{}, handshakes);
    REQUIRE_FALSE(listener->listen({asio::ip::make_address("127.0.0.1"), 0}));
    listener->start([this](auto link) {
      if (link) accepted.push_back(*link);
      else ++failed;
    });
  }
  ~Server() {
    for (auto& l : accepted) l->close();
    listener->stop();
    run_for(20ms);
  }

  // Dials the listener as `fill`'s node, expecting node(0x11) there unless told otherwise.
  boost::system::result<std::shared_ptr<DtlsSrLink>> dial(std::uint8_t fill, std::vector<std::uint8_t>* first = nullptr,
                                                         udp::endpoint to = {}, wire::NodeId expected = node(0x11)) {
    if (to == udp::endpoint{}) to = listener->local_endpoint();
    auto tls = context_for(fill, TlsFlavor::dtls);
    std::unique_ptr<ByteChannel> channel = UdpChannel::connect(io.get_executor(), to).value();
    if (first) channel = std::make_unique<FirstAnswer>(std::move(channel), *first);
    std::optional<boost::system::result<std::shared_ptr<DtlsSrLink>>> out;
    asio::co_spawn(io,
                   DtlsSrLink::open(TlsSocket(std::move(channel), *tls), asio::ssl::stream_base::client, trust, expected,
                                    DtlsSrLimits{}, std::nullopt, wire::OverlayLinkType::dtls_udp_sr_no_ice),
                   [&](std::exception_ptr, auto r) { out = std::move(r); });
    run_until([&] { return out.has_value(); });
    return *out;
  }
};

}  // namespace

TEST_CASE("a dialled DTLS-UDP-SR-NO-ICE link carries messages both ways; both ends know the peer") {
  Server s;
  auto link = s.dial(0x22);
  REQUIRE(link);
  s.run_until([&] { return s.accepted.size() == 1; });
  auto& client = *link;
  auto& server = s.accepted.front();
  CHECK(client->type() == wire::OverlayLinkType::dtls_udp_sr_no_ice);
  CHECK(server->type() == wire::OverlayLinkType::dtls_udp_sr_no_ice);
  CHECK(server->peer().node_ids.front() == node(0x22));
  Recorder rc, rs;
  client->start(rc);
  server->start(rs);
  for (std::uint8_t i = 0; i < 20; ++i) {
    CHECK_FALSE(client->send(wire::Buffer(100, i)));
    CHECK_FALSE(server->send(wire::Buffer(client->max_message(), i)));
  }
  s.run_until([&] { return rc.messages.size() == 20 && rs.messages.size() == 20; });
  CHECK(rs.messages[7] == wire::Buffer(100, 7));
  client->close();
}

TEST_CASE("the server answers a first ClientHello with a small HelloVerifyRequest, not its certificate") {
  Server s;
  std::vector<std::uint8_t> first;
  auto link = s.dial(0x22, &first);
  REQUIRE(link);
  // A DTLS record header (13 bytes), then the handshake message type: 3 is hello_verify_request.
  REQUIRE(first.size() > 13);
  CHECK(first[0] == 22);
  CHECK(first[13] == 3);
  CHECK(first.size() < 100);
  (*link)->close();
}

TEST_CASE("a dialled peer that is not the expected Node-ID is refused, and so is a closed port, at once") {
  Server s;
  auto wrong = s.dial(0x22, nullptr, {}, node(0x33));
  CHECK_FALSE(wrong);

  // A port where nothing listens: the ICMP error ends the handshake long before its timeout.
  udp::socket closed(s.io);
  closed.open(udp::v4());
  closed.bind({asio::ip::make_address("127.0.0.1"), 0});
  const auto port = closed.local_endpoint();
  closed.close();
  const auto began = std::chrono::steady_clock::now();
  auto refused = s.dial(0x22, nullptr, port);
  CHECK_FALSE(refused);
  CHECK(std::chrono::steady_clock::now() - began < 2s);
}

TEST_CASE("two peers at once each get their own flow and link") {
  Server s;
  auto one = s.dial(0x22), two = s.dial(0x33);
  REQUIRE(one);
  REQUIRE(two);
  s.run_until([&] { return s.accepted.size() == 2; });
  CHECK(s.accepted[0]->peer().node_ids.front() != s.accepted[1]->peer().node_ids.front());
  (*one)->close();
  (*two)->close();
}

TEST_CASE("handshakes per address and in all are bounded; links that are up no longer count") {
  Server s(HandshakeLimits{.per_address = 1, .in_all = 2, .handshake_stale = 300ms});
  // One link up from 127.0.0.1 does not hold the address's one handshake.
  auto link = s.dial(0x22);
  REQUIRE(link);
  s.run_until([&] { return s.accepted.size() == 1; });
  CHECK(s.listener->handshakes() == 0);

  // Handshakes that never go on: a handshake record of the next epoch, which DTLS keeps for
  // later instead of failing on, so each waits for its timeout. The first takes 127.0.0.1's
  // slot, the second from there is refused.
  auto silent = [&](const char* address) {
    udp::socket socket(s.io);
    socket.open(udp::v4());
    socket.bind({asio::ip::make_address(address), 0});
    const std::uint8_t record[] = {22, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0};
    socket.send_to(asio::buffer(record), s.listener->local_endpoint());
    return socket;
  };
  auto one = silent("127.0.0.1");
  s.run_for(50ms);
  CHECK(s.listener->handshakes() == 1);
  const auto refused = s.listener->refused();
  auto two = silent("127.0.0.1");
  s.run_for(50ms);
  CHECK(s.listener->refused() == refused + 1);
  CHECK(s.listener->handshakes() == 1);

  // Another address gets in; a third finds the stage full, until its oldest is stale.
  auto three = silent("127.0.0.2");
  s.run_for(50ms);
  CHECK(s.listener->handshakes() == 2);
  auto four = silent("127.0.0.3");
  s.run_for(50ms);
  CHECK(s.listener->refused() == refused + 2);
  s.run_for(300ms);
  auto five = silent("127.0.0.3");
  s.run_for(50ms);
  CHECK(s.listener->evicted() == 1);
  CHECK(s.listener->handshakes() == 2);
  (*link)->close();
}
