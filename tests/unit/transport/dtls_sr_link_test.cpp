// DtlsSrLink pairs: DTLS over two real libnice agents' datagram flows on loopback, simple
// reliability on top, some datagrams lost on purpose.
#include "transport/dtls_sr_link.hpp"

#include <set>

#include <doctest/doctest.h>

#include "ice_tls_fixtures.hpp"
#include "wire/fragmentation.hpp"
#include "wire/message.hpp"

using namespace reload;
using namespace reload::transport;
using namespace reload::transport::test;

namespace {

struct Recorder final : LinkHandler {
  std::vector<wire::Buffer> messages;
  int suspect = 0, resumed = 0;
  std::optional<error_code> closed;
  void on_link_message(Link&, wire::Bytes m) override { messages.emplace_back(m.begin(), m.end()); }
  void on_link_suspect(Link&) override { ++suspect; }
  void on_link_resumed(Link&) override { ++resumed; }
  void on_link_closed(Link&, error_code why) override { closed = why; }
};

// Both ends of a DTLS-UDP-SR link; `drop_every` > 0 loses every nth datagram each end sends
// after the handshake.
struct LinkPair {
  IceTls t{false};
  std::shared_ptr<DtlsSrLink> a, b;
  boost::system::result<std::shared_ptr<DtlsSrLink>> refused = std::shared_ptr<DtlsSrLink>();
  Recorder ra, rb;

  Lossy* lossy_a = nullptr;
  Lossy* lossy_b = nullptr;

  explicit LinkPair(std::optional<wire::NodeId> b_expected = test::node(0x11), DtlsSrLimits limits = {},
                    int drop_every = 0) {
    auto tls_a = t.context_for(0x11, TlsFlavor::dtls), tls_b = t.context_for(0x22, TlsFlavor::dtls);
    auto channel_a = std::make_unique<Lossy>(std::move(t.channel_a), 0, drop_every);
    auto channel_b = std::make_unique<Lossy>(std::move(t.channel_b), 0, drop_every);
    lossy_a = channel_a.get();
    lossy_b = channel_b.get();
    std::optional<boost::system::result<std::shared_ptr<DtlsSrLink>>> la, lb;
    asio::co_spawn(t.io, DtlsSrLink::open(TlsSocket(std::move(channel_a), *tls_a), asio::ssl::stream_base::server,
                                          t.trust, std::nullopt, limits, 1ms),
                   [&](std::exception_ptr, auto r) { la = std::move(r); });
    asio::co_spawn(t.io, DtlsSrLink::open(TlsSocket(std::move(channel_b), *tls_b), asio::ssl::stream_base::client,
                                          t.trust, b_expected, limits, 1ms),
                   [&](std::exception_ptr, auto r) { lb = std::move(r); });
    lossy_a->armed = lossy_b->armed = false;  // the handshake goes through whole
    t.run_until([&] { return la && lb; }, 10s);
    lossy_a->armed = lossy_b->armed = true;
    if (!*lb) MESSAGE("B: " << lb->error().message());
    if (!*lb) {
      refused = *lb;
      return;
    }
    if (!*la) MESSAGE("A: " << la->error().message());
    REQUIRE(*la);
    a = la->value();
    b = lb->value();
    a->start(ra);
    b->start(rb);
  }
  ~LinkPair() {
    if (a) a->close();
    if (b) b->close();
    t.run_for(20ms);
  }
};

}  // namespace

TEST_CASE("a DTLS-UDP-SR link carries messages both ways, each acked, up to the size of one datagram") {
  LinkPair p;
  REQUIRE(p.a);
  CHECK(p.b->peer().node_ids.front() == test::node(0x11));
  const std::size_t largest = p.a->max_message();
  CHECK(largest > 1000);
  CHECK(largest < dtls_datagram_size);
  for (std::uint8_t i = 0; i < 50; ++i) {
    CHECK_FALSE(p.a->send(wire::Buffer(1 + i * 20, i)));
    CHECK_FALSE(p.b->send(wire::Buffer(largest, i)));
  }
  p.t.run_until([&] { return p.rb.messages.size() == 50 && p.ra.messages.size() == 50; }, 10s);
  for (std::uint8_t i = 0; i < 50; ++i) {
    CHECK(p.rb.messages[i] == wire::Buffer(1 + i * 20, i));
    CHECK(p.ra.messages[i].size() == largest);
  }
  p.t.run_until([&] { return p.a->sender().in_flight() == 0 && p.b->sender().in_flight() == 0; }, 5s);
  // Larger than a datagram and not a RELOAD message: it cannot be fragmented.
  CHECK(p.a->send(wire::Buffer(largest + 1, 0)) == asio::error::message_size);
  CHECK_FALSE(p.ra.closed);
  CHECK_FALSE(p.rb.closed);
}

TEST_CASE("a message larger than a datagram goes as fragments that put it together again (6.7)") {
  LinkPair p;
  REQUIRE(p.a);
  wire::Message m;
  m.header.transaction_id = 99;
  m.header.destination_list = {test::node(0x22)};
  m.contents.message_code = 0x17;
  wire::Buffer body(4800);
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<std::uint8_t>(i * 13);
  m.contents.message_body = body;
  const auto whole = wire::encode_message(m).value();
  CHECK_FALSE(p.a->send(whole));
  wire::Reassembler reassembler;
  std::optional<wire::Buffer> got;
  std::size_t seen = 0;
  p.t.run_until([&] {
    for (; seen < p.rb.messages.size() && !got; ++seen) {
      CHECK(p.rb.messages[seen].size() <= p.a->max_message() - via_headroom);
      error_code ec;
      got = reassembler.add(p.rb.messages[seen], {}, ec);
      CHECK_FALSE(ec);
    }
    return got.has_value();
  }, 10s);
  REQUIRE(got);
  CHECK(*got == whole);
  CHECK(seen >= 5);
}

TEST_CASE("a link that loses every tenth datagram each way still delivers every message, and counts its retransmissions") {
  DtlsSrLimits limits;
  limits.reliability.min_rto = 20ms;
  LinkPair p(test::node(0x11), limits, 10);
  REQUIRE(p.a);
  constexpr int count = 500;
  for (int i = 0; i < count; ++i) {
    wire::Buffer m{static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i), 0x55};
    CHECK_FALSE(p.a->send(m));
  }
  std::set<int> seen;
  p.t.run_until([&] {
    for (const auto& m : p.rb.messages) seen.insert(m[0] << 8 | m[1]);
    return static_cast<int>(seen.size()) == count && p.a->sender().in_flight() == 0;
  }, 20s);
  CHECK(seen.size() == count);
  CHECK(p.lossy_a->dropped >= count / 10 - 1);  // data frames lost on the way
  CHECK(p.lossy_b->dropped > 0);                // and acks
  CHECK(p.a->sender().retransmissions() > 0);
  CHECK_FALSE(p.ra.closed);
  MESSAGE("500 messages over a link losing a tenth each way: " << p.lossy_a->dropped << " data and "
          << p.lossy_b->dropped << " ack datagrams lost, " << p.a->sender().retransmissions()
          << " retransmissions, " << p.rb.messages.size() << " deliveries");
}

TEST_CASE("an idle link stays up on its keepalives") {
  DtlsSrLimits limits;
  limits.keepalive = 50ms;
  limits.idle_timeout = 400ms;
  LinkPair p(test::node(0x11), limits);
  REQUIRE(p.a);
  p.t.run_for(1500ms);  // nearly four idle timeouts without a message
  CHECK_FALSE(p.ra.closed);
  CHECK_FALSE(p.rb.closed);
  CHECK(p.ra.messages.empty());  // keepalives are not messages
  CHECK(p.rb.messages.empty());
}

TEST_CASE("the dialled Node-ID must be the peer's") {
  LinkPair p(test::node(0x33));
  CHECK_FALSE(p.a);
  CHECK(p.refused.has_error());
}

TEST_CASE("a peer that stops answering makes the link suspect, then closes it after five transmissions") {
  DtlsSrLimits limits;
  limits.reliability.min_rto = 20ms;
  LinkPair p(test::node(0x11), limits);
  REQUIRE(p.a);
  // B goes away without a word (not even its close_notify): its channel stops, so A's
  // datagrams are never acked.
  p.lossy_b->silent = true;
  p.b->close();
  CHECK_FALSE(p.a->send(wire::Buffer{1, 2, 3}));
  p.t.run_until([&] { return p.ra.suspect == 1; }, 5s);
  CHECK_FALSE(p.ra.closed);
  p.t.run_until([&] { return p.ra.closed.has_value(); }, 10s);
  CHECK(*p.ra.closed == asio::error::timed_out);
}

TEST_CASE("closing one end sends close_notify: the other end closes at once, not at its idle timeout") {
  LinkPair p;
  REQUIRE(p.a);
  CHECK_FALSE(p.a->send(wire::Buffer(10, 1)));
  p.t.run_until([&] { return p.rb.messages.size() == 1; }, 5s);
  const auto began = std::chrono::steady_clock::now();
  p.a->close();
  p.t.run_until([&] { return p.rb.closed.has_value(); }, 5s);
  CHECK(std::chrono::steady_clock::now() - began < 2s);
  CHECK(*p.rb.closed == asio::error::eof);
}
