// Our end of the libstrophe interop test (strophe_test.py): an overlay CA made in-process,
// a certificate for us (reload@example.org) and one for the libstrophe peer
// (strophe@example.org, with a Node-ID), written to DIR for strophe_peer.c; then a
// StreamAcceptor on 127.0.0.1. It prints its port, then one line per event:
//
//   port <n>
//   open <peer JID from its certificate> alpn=<protocol or none>
//   received <body>
//   closed <reason> <error>
//   done
//
// Once the stream opens it sends one message to the peer; the test passes when the peer's
// answer comes back and the stream ends cleanly.
//
//   stream_peer DIR [SECONDS]     (default 20: give up and exit 1 after that)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "config/configuration.hpp"
#include "crypto/issuance.hpp"
#include "transport/tls_context.hpp"
#include "xmpp/stream_acceptor.hpp"
#include "xmpp/stream_error.hpp"

using namespace reload;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

const std::string overlay = "interop.example.org";
const std::string our_address = "reload@example.org";
const std::string their_address = "strophe@example.org";

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "stream_peer: %s\n", what.c_str());
  std::exit(1);
}

template <class T>
T need(boost::system::result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message());
  return std::move(*r);
}

transport::TlsIdentity issue(const crypto::CertificateAuthority& ca, std::uint8_t first,
                             const std::string& xmpp_address) {
  auto key = need(crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256), "key");
  auto csr = need(crypto::CertificateRequest::parse(
                      need(crypto::make_certificate_request(key, ""), "request")),
                  "request");
  wire::Buffer id(16, 0x42);
  id[0] = first;
  crypto::Identity who{{wire::NodeId(id)}, overlay, xmpp_address, xmpp_address, {}, {}};
  return {key, need(ca.issue(csr, who, 24h), "issuing")};
}

struct Printer final : xmpp::StreamHandler {
  bool clean = false;

  void on_stream_open(xmpp::StreamSession& s) override {
    const std::string alpn = s.negotiated_alpn();
    std::printf("open %s alpn=%s\n", s.peer_jid().bare_string().c_str(),
                alpn.empty() ? "none" : alpn.c_str());
    xmpp::Element m(std::string(xmpp::ns::client), "message");
    m.set_attribute("to", s.peer_jid().bare_string()).set_attribute("type", "chat");
    m.set_attribute("id", "r1");
    m.add_child(std::string(xmpp::ns::client), "body").add_text("hello from reload-xmpp");
    if (auto ec = s.send(m)) die("send: " + ec.message());
    std::fflush(stdout);
  }
  void on_stanza(xmpp::StreamSession&, xmpp::Element&& stanza) override {
    const xmpp::Element* body = stanza.child(xmpp::ns::client, "body");
    std::printf("received %s\n", body ? body->text().c_str() : "(no body)");
    std::fflush(stdout);
  }
  void on_stream_closed(xmpp::StreamSession&, const xmpp::stream_event::Closed& why) override {
    std::printf("closed %s %s\n", std::string(xmpp::close_reason_name(why.reason)).c_str(),
                why.error ? why.error.message().c_str() : "-");
    if (!why.detail.empty()) std::printf("detail %s\n", why.detail.c_str());
    std::fflush(stdout);
    clean = why.reason == xmpp::CloseReason::clean;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) die("usage: stream_peer DIR [SECONDS]");
  const std::filesystem::path dir = argv[1];
  const double seconds = argc > 2 ? std::atof(argv[2]) : 20.0;

  auto ca = need(crypto::CertificateAuthority::create("Interop CA", crypto::KeyType::ecdsa_p256, 24h),
                 "CA");
  const auto ours = issue(ca, 0x10, our_address);
  const auto theirs = issue(ca, 0x20, their_address);
  if (ca.certificate().save_pem(dir / "ca.pem") || theirs.certificate.save_pem(dir / "client.pem") ||
      theirs.key.save(dir / "client.key") || ours.certificate.save_pem(dir / "server.pem"))
    die("writing the certificates to " + dir.string());

  config::Configuration c;
  c.instance_name = overlay;
  c.root_certs = {ca.certificate()};
  crypto::CertificateCache trust{crypto::TrustStore(c.trust_policy())};
  auto tls = need(transport::make_tls_context(ours), "TLS context");
  auto own_jid = need(xmpp::certificate_jid(ours.certificate), "our JID");

  asio::io_context io(1);
  auto acceptor = std::make_shared<xmpp::StreamAcceptor>(io.get_executor(), *tls, trust, own_jid);
  if (auto ec = acceptor->listen({asio::ip::make_address("127.0.0.1"), 0})) die("listen: " + ec.message());
  std::printf("port %u\n", static_cast<unsigned>(acceptor->local_endpoint().port()));
  std::fflush(stdout);

  Printer printer;
  std::shared_ptr<xmpp::StreamSession> session;
  acceptor->start([&](boost::system::result<std::shared_ptr<xmpp::StreamSession>> s) {
    if (!s) {
      std::printf("refused %s\n", s.error().message().c_str());
      std::fflush(stdout);
      return;
    }
    if (session) return;  // one peer is all this test expects
    session = *s;
    session->start(printer);
    acceptor->stop();
  });

  const auto end = std::chrono::steady_clock::now() +
                   std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(seconds));
  while (!(session && session->transport_closed()) && std::chrono::steady_clock::now() < end)
    io.run_for(10ms);
  if (!(session && session->transport_closed())) die("timed out");
  std::printf("done\n");
  return printer.clean ? 0 : 1;
}
