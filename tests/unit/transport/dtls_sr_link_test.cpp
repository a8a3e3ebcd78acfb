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

  explicit LinkPair(std::optional<wire::NodeId> b_expected = test::node(0x11), DtlsSrLimits limits = {}) {
    auto tls_a = t.context_for(0x11, TlsFlavor::dtls), tls_b = t.context_for(0x22, TlsFlavor::dtls);
    std::optional<boost::system::result<std::shared_ptr<DtlsSrLink>>> la, lb;
    asio::co_spawn(t.io, DtlsSrLink::open(TlsSocket(std::move(t.channel_a), *tls_a), asio::ssl::stream_base::server,
                                          t.trust, std::nullopt, limits, 1ms),
                   [&](std::exception_ptr, auto r) { la = std::move(r); });
    asio::co_spawn(t.io, DtlsSrLink::open(TlsSocket(std::move(t.channel_b), *tls_b), asio::ssl::stream_base::client,
                                          t.trust, b_expected, limits, 1ms),
                   [&](std::exception_ptr, auto r) { lb = std::move(r); });
    t.run_until([&] { return la && lb; }, 10s);
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
  // B goes away without a word: its channel stops, so A's datagrams are never acked.
  p.b->close();
  CHECK_FALSE(p.a->send(wire::Buffer{1, 2, 3}));
  p.t.run_until([&] { return p.ra.suspect == 1; }, 5s);
  CHECK_FALSE(p.ra.closed);
  p.t.run_until([&] { return p.ra.closed.has_value(); }, 10s);
  CHECK(*p.ra.closed == asio::error::timed_out);
}
