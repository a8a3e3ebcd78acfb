// Certificates from an in-process CA and an io_context to run links on, for the transport
// tests (real TLS; nothing here is ever checked in as a key).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>

#include "crypto/certificate_cache.hpp"
#include "crypto/issuance.hpp"
#include "transport/tls_context.hpp"

namespace reload::transport::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

inline constexpr const char* overlay = "link.example.org";

inline wire::NodeId node(std::uint8_t fill) {
  wire::Buffer id(16, fill);
  return wire::NodeId(id);
}

struct TlsPeers {
  asio::io_context io;
  crypto::CertificateAuthority ca =
      crypto::CertificateAuthority::create("Link CA", crypto::KeyType::ecdsa_p256, 24h).value();
  crypto::CertificateCache trust{crypto::TrustStore(crypto::TrustPolicy{overlay, {ca.certificate()}})};

  // A TLS context whose certificate carries the Node-ID node(fill).
  std::shared_ptr<asio::ssl::context> context_for(std::uint8_t fill, TlsFlavor flavor = TlsFlavor::tls) const {
    auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
    auto csr = crypto::CertificateRequest::parse(crypto::make_certificate_request(key, "").value()).value();
    crypto::Identity who{{node(fill)}, overlay, std::string("peer@") + overlay, std::nullopt, {}, {}};
    return make_tls_context({key, ca.issue(csr, who, 24h).value()}, flavor).value();
  }

  // Runs the io_context until `done()` holds; fails the test after `limit`.
  template <class Done>
  void run_until(Done done, std::chrono::steady_clock::duration limit = 20s) {
    io.restart();
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < end) io.run_one_for(10ms);
    REQUIRE(done());
  }
  // Runs whatever is ready, and what becomes ready within `d`.
  void run_for(std::chrono::steady_clock::duration d) {
    io.restart();
    io.run_for(d);
  }
};

}  // namespace reload::transport::test
