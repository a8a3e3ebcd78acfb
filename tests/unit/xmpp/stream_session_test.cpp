// StreamSession, dial_stream and StreamAcceptor over real TLS on loopback (127.0.0.1 only),
// with certificates from an in-process CA. Where a test needs to see exactly which bytes
// crossed the wire (nothing before the certificate check; an <invalid-from/>), the other end
// is a bare TLS stream written here rather than a StreamSession.
#include "xmpp/stream_acceptor.hpp"
#include "xmpp/stream_dial.hpp"
#include "xmpp/stream_session.hpp"

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there; which coroutines trip it changes with every edit.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <doctest/doctest.h>
#include <openssl/ssl.h>

#include "config/configuration.hpp"
#include "crypto/issuance.hpp"
#include "transport/tls_context.hpp"
#include "xmpp/stream_error.hpp"

using namespace reload;
using namespace reload::xmpp;
using namespace std::chrono_literals;
using boost::system::error_code;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

const std::string overlay = "session.example.org";

wire::NodeId node_id(std::uint8_t first) {
  wire::Buffer id(16, 0x5a);
  id[0] = first;
  return wire::NodeId(id);
}

struct Peer {
  transport::TlsIdentity tls;
  wire::NodeId id;
  std::shared_ptr<ssl::context> context;
};

Peer make_peer(const crypto::CertificateAuthority& ca, std::uint8_t first,
               std::optional<std::string> xmpp_address) {
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
  auto csr =
      crypto::CertificateRequest::parse(crypto::make_certificate_request(key, "").value()).value();
  const wire::NodeId id = node_id(first);
  crypto::Identity who{{id}, overlay, "user@" + overlay, std::move(xmpp_address), {}, {}};
  auto cert = ca.issue(csr, who, 24h).value();
  transport::TlsIdentity tls{key, cert};
  return Peer{tls, id, transport::make_tls_context(tls).value()};
}

// The CA of the overlay, another CA, and the peers both issue.
struct World {
  crypto::CertificateAuthority ca =
      crypto::CertificateAuthority::create("Session CA", crypto::KeyType::ecdsa_p256, 24h).value();
  crypto::CertificateAuthority other_ca =
      crypto::CertificateAuthority::create("Other CA", crypto::KeyType::ecdsa_p256, 24h).value();
  Peer alice = make_peer(ca, 0x10, "alice@example.org");
  Peer bob = make_peer(ca, 0x20, "Bob@Example.ORG");  // prepared to bob@example.org
  Peer carol = make_peer(ca, 0x30, "carol@example.org");
  Peer anonymous = make_peer(ca, 0x40, std::nullopt);  // a peer of the overlay, not an XMPP user
  Peer mallory = make_peer(other_ca, 0x50, "mallory@example.org");

  crypto::CertificateCache trust{crypto::TrustStore(configuration().trust_policy())};
  boost::asio::io_context io{1};

  config::Configuration configuration() const {
    config::Configuration c;
    c.instance_name = overlay;
    c.root_certs = {ca.certificate()};
    return c;
  }

  Jid jid_of(const Peer& p) const { return certificate_jid(p.tls.certificate).value(); }

  // Runs the loop until `done` or five seconds passed; says which.
  bool run_until(const std::function<bool()>& done) {
    const auto end = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < end) {
      io.restart();  // run_for() leaves the loop stopped whenever it ran out of work
      io.run_for(5ms);
    }
    return done();
  }

  std::shared_ptr<StreamAcceptor> acceptor_for(const Peer& p, StreamOptions options = {}) {
    auto a = std::make_shared<StreamAcceptor>(io.get_executor(), *p.context, trust, jid_of(p),
                                              options);
    REQUIRE_FALSE(a->listen({boost::asio::ip::make_address("127.0.0.1"), 0}));
    return a;
  }

  boost::system::result<std::shared_ptr<StreamSession>> dial(const Peer& from, tcp::endpoint to,
                                                             const wire::NodeId& expected,
                                                             StreamOptions options = {}) {
    std::optional<boost::system::result<std::shared_ptr<StreamSession>>> made;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          made = co_await dial_stream({to, expected}, *from.context, trust, jid_of(from), options);
        },
        boost::asio::detached);
    REQUIRE(run_until([&] { return made.has_value(); }));
    return *made;
  }
};

Element chat(std::string_view to, std::string_view body) {
  Element m(std::string(ns::client), "message");
  m.set_attribute("to", to).set_attribute("type", "chat");
  m.add_child(std::string(ns::client), "body").add_text(body);
  return m;
}

std::string body_of(const Element& stanza) {
  const Element* body = stanza.child(ns::client, "body");
  return body ? body->text() : std::string();
}

struct Recorder final : StreamHandler {
  int opened = 0;
  std::vector<std::string> bodies;
  std::optional<stream_event::Closed> closed;
  std::function<void(StreamSession&)> when_open = [](StreamSession&) {};
  std::function<void(StreamSession&, const Element&)> when_stanza = [](StreamSession&,
                                                                       const Element&) {};

  void on_stream_open(StreamSession& s) override {
    ++opened;
    when_open(s);
  }
  void on_stanza(StreamSession& s, Element&& stanza) override {
    bodies.push_back(body_of(stanza));
    when_stanza(s, stanza);
  }
  void on_stream_closed(StreamSession&, const stream_event::Closed& why) override {
    REQUIRE_FALSE(closed.has_value());
    closed = why;
  }
};

// A bare TLS server for one connection, with our TLS set-up plus a record of whether the
// client offered ALPN. It reads until the connection ends and keeps what it read.
struct BareServer {
  std::shared_ptr<ssl::context> context;
  tcp::acceptor acceptor;
  bool handshake_done = false;
  bool finished = false;
  bool alpn_offered = false;
  std::string received;

  BareServer(boost::asio::io_context& io, const Peer& as)
      : context(transport::make_tls_context(as.tls).value()), acceptor(io) {
    SSL_CTX_set_alpn_select_cb(
        context->native_handle(),
        [](SSL*, const unsigned char**, unsigned char*, const unsigned char*, unsigned int,
           void* self) {
          static_cast<BareServer*>(self)->alpn_offered = true;
          return SSL_TLSEXT_ERR_NOACK;
        },
        this);
    tcp::endpoint at(boost::asio::ip::make_address("127.0.0.1"), 0);
    acceptor.open(at.protocol());
    acceptor.bind(at);
    acceptor.listen();
    boost::asio::co_spawn(io, serve(), boost::asio::detached);
  }

  tcp::endpoint endpoint() const { return acceptor.local_endpoint(); }

  boost::asio::awaitable<void> serve() {
    auto socket = co_await acceptor.async_accept(boost::asio::use_awaitable);
    ssl::stream<tcp::socket> stream(std::move(socket), *context);
    error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server,
                                    boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    handshake_done = !ec;
    while (!ec) {
      char buf[4096];
      std::size_t n = co_await stream.async_read_some(
          boost::asio::buffer(buf), boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      received.append(buf, n);
    }
    finished = true;
  }
};

// A bare TLS client: handshakes with `as`'s certificate (offering `alpn` when not empty),
// writes `send`, then reads until the connection ends.
struct BareClient {
  std::shared_ptr<ssl::context> context;
  ssl::stream<tcp::socket> stream;
  bool handshake_done = false;
  bool finished = false;
  std::string received;
  std::string selected_alpn;

  BareClient(boost::asio::io_context& io, const Peer& as, tcp::endpoint to, std::string send,
             std::string alpn = {})
      : context(transport::make_tls_context(as.tls).value()), stream(io, *context) {
    if (!alpn.empty()) {
      std::string wire_form(1, static_cast<char>(alpn.size()));
      wire_form += alpn;
      SSL_set_alpn_protos(stream.native_handle(),
                          reinterpret_cast<const unsigned char*>(wire_form.data()),
                          static_cast<unsigned>(wire_form.size()));
    }
    boost::asio::co_spawn(io, run(to, std::move(send)), boost::asio::detached);
  }

  boost::asio::awaitable<void> run(tcp::endpoint to, std::string send) {
    error_code ec;
    co_await stream.lowest_layer().async_connect(
        to, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (!ec)
      co_await stream.async_handshake(ssl::stream_base::client,
                                      boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    handshake_done = !ec;
    if (!ec) selected_alpn = negotiated_alpn(stream.native_handle());
    if (!ec && !send.empty())
      co_await boost::asio::async_write(stream, boost::asio::buffer(send),
                                        boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    while (!ec) {
      char buf[4096];
      std::size_t n = co_await stream.async_read_some(
          boost::asio::buffer(buf), boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      received.append(buf, n);
    }
    // The other end's close_notify (read as eof): answer it, as a well-behaved TLS peer does.
    if (ec == boost::asio::error::eof)
      co_await stream.async_shutdown(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    finished = true;
  }
};

std::string header(std::string_view from, std::string_view to) {
  return "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
         "xmlns:stream='http://etherx.jabber.org/streams' from='" +
         std::string(from) + "' to='" + std::string(to) + "' version='1.0'>";
}

// Collects what an acceptor hands out: sessions are started with their own Recorder.
struct Accepted {
  std::vector<std::shared_ptr<StreamSession>> sessions;
  std::vector<std::unique_ptr<Recorder>> recorders;
  std::vector<error_code> errors;
  // Given to every new session's recorder before it starts, so no stanza can come first.
  std::function<void(StreamSession&, const Element&)> when_stanza = [](StreamSession&,
                                                                       const Element&) {};

  StreamAcceptor::OnSession callback() {
    return [this](boost::system::result<std::shared_ptr<StreamSession>> s) {
      if (!s) {
        errors.push_back(s.error());
        return;
      }
      recorders.push_back(std::make_unique<Recorder>());
      recorders.back()->when_stanza = when_stanza;
      sessions.push_back(*s);
      (*s)->start(*recorders.back());
    };
  }
};

// Bob's acceptor, and alice's stream to it started.
struct AliceDialsBob {
  World w;
  std::shared_ptr<StreamAcceptor> acceptor = w.acceptor_for(w.bob);
  Accepted accepted;
  Recorder at_alice;
  std::shared_ptr<StreamSession> alice;

  AliceDialsBob() {
    acceptor->start(accepted.callback());
    alice = w.dial(w.alice, acceptor->local_endpoint(), w.bob.id).value();
    alice->start(at_alice);
  }
};

}  // namespace

TEST_CASE("certificate_jid: the one xmppAddr, prepared and bare") {
  World w;
  CHECK(certificate_jid(w.alice.tls.certificate).value().bare_string() == "alice@example.org");
  CHECK(certificate_jid(w.bob.tls.certificate).value().bare_string() == "bob@example.org");
  CHECK(certificate_jid(w.anonymous.tls.certificate).error() == xmpp_tls_errc::no_xmpp_address);
  const Peer with_resource = make_peer(w.ca, 0x60, "dave@example.org/phone");
  CHECK(certificate_jid(with_resource.tls.certificate).error() ==
        xmpp_tls_errc::xmpp_address_not_bare);
  const Peer broken = make_peer(w.ca, 0x61, "eve with space@example.org");
  CHECK(certificate_jid(broken.tls.certificate).has_error());
}

TEST_CASE("two peers exchange messages both ways, then close cleanly") {
  World w;
  auto acceptor = w.acceptor_for(w.bob);
  Accepted accepted;
  accepted.when_stanza = [](StreamSession& s, const Element& m) {
    CHECK_FALSE(s.send(chat("alice@example.org", "re: " + body_of(m))));
  };
  acceptor->start(accepted.callback());

  // Dialled through the completion-token form, with a plain callback.
  std::shared_ptr<StreamSession> alice;
  error_code dial_error = boost::asio::error::would_block;
  async_dial_stream(w.io.get_executor(), {acceptor->local_endpoint(), w.bob.id}, *w.alice.context,
                    w.trust, w.jid_of(w.alice), StreamOptions{},
                    [&](error_code ec, std::shared_ptr<StreamSession> s) {
                      dial_error = ec;
                      alice = std::move(s);
                    });
  REQUIRE(w.run_until([&] { return dial_error != boost::asio::error::would_block; }));
  REQUIRE_FALSE(dial_error);
  REQUIRE(alice);
  CHECK(alice->peer_jid().bare_string() == "bob@example.org");
  CHECK(alice->peer().identity.node_ids == std::vector<wire::NodeId>{w.bob.id});
  CHECK(alice->negotiated_alpn().empty());  // XEP-0415 section 6.1: no ALPN

  Recorder at_alice;
  at_alice.when_open = [](StreamSession& s) {
    CHECK_FALSE(s.send(chat("bob@example.org", "hello bob")));
  };
  alice->start(at_alice);
  REQUIRE(w.run_until([&] { return !accepted.sessions.empty(); }));
  auto& bob = accepted.sessions.front();
  Recorder& at_bob = *accepted.recorders.front();
  CHECK(bob->peer_jid().bare_string() == "alice@example.org");
  CHECK(bob->peer().identity.node_ids == std::vector<wire::NodeId>{w.alice.id});
  CHECK(bob->negotiated_alpn().empty());

  REQUIRE(w.run_until([&] { return at_alice.bodies.size() == 1; }));
  CHECK(at_alice.opened == 1);
  CHECK(at_bob.opened == 1);
  CHECK(at_bob.bodies == std::vector<std::string>{"hello bob"});
  CHECK(at_alice.bodies == std::vector<std::string>{"re: hello bob"});

  // Many at once, both ways, arrive in order.
  at_bob.when_stanza = [](StreamSession&, const Element&) {};
  for (int i = 0; i < 100; ++i) {
    CHECK_FALSE(alice->send(chat("bob@example.org", "a" + std::to_string(i))));
    CHECK_FALSE(bob->send(chat("alice@example.org", "b" + std::to_string(i))));
  }
  REQUIRE(w.run_until([&] { return at_bob.bodies.size() == 101 && at_alice.bodies.size() == 101; }));
  CHECK(at_bob.bodies[100] == "a99");
  CHECK(at_alice.bodies[1] == "b0");

  alice->close();
  REQUIRE(w.run_until([&] { return alice->transport_closed() && bob->transport_closed(); }));
  REQUIRE(at_alice.closed);
  REQUIRE(at_bob.closed);
  CHECK(at_alice.closed->reason == CloseReason::clean);
  CHECK(at_bob.closed->reason == CloseReason::clean);
  CHECK(alice->send(chat("bob@example.org", "too late")));
  CHECK(accepted.errors.empty());
}

TEST_CASE("a burst larger than the socket buffers arrives whole and in order") {
  // Sends go to TLS at once while the writer is idle; once the socket is full the writer
  // takes over (OpenSSL's retry with the same bytes), and later sends queue behind it.
  AliceDialsBob streams;
  auto& [w, acceptor, accepted, at_alice, alice] = streams;
  REQUIRE(w.run_until([&] { return at_alice.opened == 1 && !accepted.sessions.empty(); }));
  Recorder& at_bob = *accepted.recorders.front();
  const std::string filler(1000, 'f');
  std::size_t accepted_sends = 0;
  error_code refused;
  for (int i = 0; i < 20000 && !refused; ++i) {
    refused = alice->send(chat("bob@example.org", std::to_string(i) + filler));
    if (!refused) ++accepted_sends;
  }
  // What TLS and the socket took at once, then a full queue (max_pending_output): the
  // writer held a blocked write, or nothing would have queued.
  CHECK(refused == boost::system::errc::no_buffer_space);
  CHECK(accepted_sends > 1000);
  REQUIRE(w.run_until([&] { return at_bob.bodies.size() == accepted_sends || at_bob.closed; }));
  REQUIRE(at_bob.bodies.size() == accepted_sends);
  for (std::size_t i = 0; i < accepted_sends; ++i) {
    CHECK(at_bob.bodies[i] == std::to_string(i) + filler);
    if (at_bob.bodies[i] != std::to_string(i) + filler) break;
  }
  CHECK(alice->is_open());
  CHECK(accepted.errors.empty());
}

TEST_CASE("a dialled peer without the dialled Node-ID is refused before any XMPP byte") {
  World w;
  BareServer bob(w.io, w.bob);  // a real peer of the overlay, but not the one we dial
  auto made = w.dial(w.alice, bob.endpoint(), node_id(0x99));
  REQUIRE(made.has_error());
  CHECK(made.error() == crypto_errc::no_node_id);
  REQUIRE(w.run_until([&] { return bob.finished; }));
  CHECK(bob.handshake_done);
  CHECK(bob.received.empty());
  CHECK_FALSE(bob.alpn_offered);  // and no ALPN was offered in the ClientHello
}

TEST_CASE("the right Node-ID is accepted by the same bare server, and no ALPN is offered") {
  // The counterpart of the test above, so that it cannot pass for another reason.
  World w;
  BareServer bob(w.io, w.bob);
  auto made = w.dial(w.alice, bob.endpoint(), w.bob.id);
  REQUIRE(made.has_value());
  Recorder r;
  (*made)->start(r);
  REQUIRE(w.run_until([&] { return bob.received.find("<stream:stream") != std::string::npos; }));
  CHECK(bob.received.find("from='alice@example.org'") != std::string::npos);
  CHECK(bob.received.find("to='bob@example.org'") != std::string::npos);
  CHECK_FALSE(bob.alpn_offered);
  (*made)->close_with_error(stream_errc::system_shutdown);
  REQUIRE(w.run_until([&] { return bob.finished && (*made)->transport_closed(); }));
  CHECK(bob.received.find("<system-shutdown") != std::string::npos);
}

TEST_CASE("a certificate from another CA is refused, dialling and accepting") {
  World w;
  BareServer mallory_server(w.io, w.mallory);
  auto made = w.dial(w.alice, mallory_server.endpoint(), w.mallory.id);
  REQUIRE(made.has_error());
  CHECK(made.error() == crypto_errc::untrusted);
  REQUIRE(w.run_until([&] { return mallory_server.finished; }));
  CHECK(mallory_server.received.empty());

  auto acceptor = w.acceptor_for(w.bob);
  Accepted accepted;
  acceptor->start(accepted.callback());
  BareClient mallory(w.io, w.mallory, acceptor->local_endpoint(),
                     header("mallory@example.org", "bob@example.org"));
  REQUIRE(w.run_until([&] { return !accepted.errors.empty() && mallory.finished; }));
  CHECK(accepted.errors.front() == crypto_errc::untrusted);
  CHECK(accepted.sessions.empty());
  CHECK(mallory.received.empty());  // not even a stream header back
}

TEST_CASE("a certificate without an XMPP address is refused, dialling and accepting") {
  World w;
  BareServer anonymous_server(w.io, w.anonymous);
  auto made = w.dial(w.alice, anonymous_server.endpoint(), w.anonymous.id);
  REQUIRE(made.has_error());
  CHECK(made.error() == xmpp_tls_errc::no_xmpp_address);
  REQUIRE(w.run_until([&] { return anonymous_server.finished; }));
  CHECK(anonymous_server.received.empty());

  auto acceptor = w.acceptor_for(w.bob);
  Accepted accepted;
  acceptor->start(accepted.callback());
  BareClient anonymous(w.io, w.anonymous, acceptor->local_endpoint(),
                       header("anonymous@example.org", "bob@example.org"));
  REQUIRE(w.run_until([&] { return !accepted.errors.empty() && anonymous.finished; }));
  CHECK(accepted.errors.front() == xmpp_tls_errc::no_xmpp_address);
  CHECK(anonymous.received.empty());
}

TEST_CASE("a stream claiming another JID gets <invalid-from/>; the acceptor's other session "
          "goes on") {
  AliceDialsBob streams;
  auto& [w, acceptor, accepted, at_alice, alice] = streams;
  REQUIRE(w.run_until([&] { return at_alice.opened == 1; }));
  REQUIRE(alice->send(chat("bob@example.org", "before")) == error_code{});
  REQUIRE(w.run_until([&] { return accepted.recorders.size() == 1 &&
                                   accepted.recorders[0]->bodies.size() == 1; }));

  // Carol's certificate says carol@example.org; her stream says mallory.
  BareClient carol(w.io, w.carol, acceptor->local_endpoint(),
                   header("mallory@example.org", "bob@example.org"));
  REQUIRE(w.run_until([&] { return carol.finished && accepted.recorders.size() == 2 &&
                                   accepted.recorders[1]->closed.has_value(); }));
  CHECK(carol.received.find("<invalid-from xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>") !=
        std::string::npos);
  CHECK(carol.received.find("</stream:stream>") != std::string::npos);
  CHECK(carol.received.find("<stream:features") == std::string::npos);
  const auto& why = *accepted.recorders[1]->closed;
  CHECK(why.reason == CloseReason::local_error);
  CHECK(why.error == stream_errc::invalid_from);
  CHECK(accepted.recorders[1]->opened == 0);
  REQUIRE(w.run_until([&] { return accepted.sessions[1]->transport_closed(); }));

  // Alice's session did not notice.
  CHECK(alice->is_open());
  CHECK(accepted.sessions[0]->is_open());
  REQUIRE(alice->send(chat("bob@example.org", "after")) == error_code{});
  REQUIRE(accepted.sessions[0]->send(chat("alice@example.org", "still here")) == error_code{});
  REQUIRE(w.run_until([&] { return accepted.recorders[0]->bodies.size() == 2 &&
                                   at_alice.bodies.size() == 1; }));
  CHECK(accepted.recorders[0]->bodies[1] == "after");
  CHECK(at_alice.bodies[0] == "still here");
}

TEST_CASE("a client that offers ALPN gets none: the acceptor selects no protocol") {
  World w;
  auto acceptor = w.acceptor_for(w.bob);
  Accepted accepted;
  acceptor->start(accepted.callback());
  BareClient carol(w.io, w.carol, acceptor->local_endpoint(),
                   header("carol@example.org", "bob@example.org"), "xmpp-client");
  REQUIRE(w.run_until([&] { return carol.received.find("<stream:features/>") != std::string::npos; }));
  CHECK(carol.handshake_done);
  CHECK(carol.selected_alpn.empty());
  REQUIRE(accepted.sessions.size() == 1);
  CHECK(accepted.sessions[0]->negotiated_alpn().empty());
  CHECK(accepted.recorders[0]->opened == 1);
  // The receiver's header carries a fresh stream id.
  CHECK(carol.received.find(" id='") != std::string::npos);
}

TEST_CASE("a silent client is dropped after the handshake timeout without holding up others") {
  World w;
  StreamOptions options;
  options.handshake_timeout = 300ms;
  auto acceptor = w.acceptor_for(w.bob, options);
  Accepted accepted;
  acceptor->start(accepted.callback());

  tcp::socket silent(w.io);
  silent.connect(acceptor->local_endpoint());  // connects, never says a word

  auto alice = w.dial(w.alice, acceptor->local_endpoint(), w.bob.id).value();
  Recorder at_alice;
  alice->start(at_alice);
  REQUIRE(w.run_until([&] { return at_alice.opened == 1; }));
  CHECK(accepted.errors.empty());  // alice got through while the silent one still waits

  REQUIRE(w.run_until([&] { return !accepted.errors.empty(); }));
  CHECK(accepted.errors.front() == boost::asio::error::timed_out);
  CHECK(at_alice.closed == std::nullopt);
}

TEST_CASE("a peer that never sends its stream header is closed on the open timeout") {
  World w;
  StreamOptions options;
  options.stream.open_timeout = 300ms;
  auto acceptor = w.acceptor_for(w.bob, options);
  Accepted accepted;
  acceptor->start(accepted.callback());
  BareClient carol(w.io, w.carol, acceptor->local_endpoint(), "");
  REQUIRE(w.run_until([&] { return carol.finished; }));
  REQUIRE(accepted.recorders.size() == 1);
  REQUIRE(accepted.recorders[0]->closed);
  CHECK(accepted.recorders[0]->closed->error == stream_errc::connection_timeout);
  CHECK(carol.received.find("<connection-timeout") != std::string::npos);
  REQUIRE(w.run_until([&] { return accepted.sessions[0]->transport_closed(); }));
}

TEST_CASE("a connection lost without closing tags is reported as transport_closed") {
  World w;
  auto acceptor = w.acceptor_for(w.bob);
  Accepted accepted;
  acceptor->start(accepted.callback());
  auto carol = std::make_unique<BareClient>(w.io, w.carol, acceptor->local_endpoint(),
                                            header("carol@example.org", "bob@example.org"));
  REQUIRE(w.run_until([&] { return accepted.recorders.size() == 1 &&
                                   accepted.recorders[0]->opened == 1; }));
  error_code ignored;
  carol->stream.lowest_layer().close(ignored);
  REQUIRE(w.run_until([&] { return accepted.recorders[0]->closed.has_value(); }));
  CHECK(accepted.recorders[0]->closed->reason == CloseReason::transport_closed);
  REQUIRE(w.run_until([&] { return accepted.sessions[0]->transport_closed(); }));
}
