#include "xmpp/xmpp_tls_identity.hpp"

#include <openssl/ssl.h>

namespace reload::xmpp {

namespace {

class XmppTlsCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "reload.xmpp.tls"; }
  std::string message(int value) const override {
    switch (static_cast<xmpp_tls_errc>(value)) {
      case xmpp_tls_errc::no_xmpp_address:
        return "the certificate carries no XMPP address (id-on-xmppAddr)";
      case xmpp_tls_errc::several_xmpp_addresses:
        return "the certificate carries more than one XMPP address";
      case xmpp_tls_errc::xmpp_address_not_bare:
        return "the certificate's XMPP address is not a bare JID";
    }
    return "unknown XMPP TLS identity error";
  }
};

}  // namespace

const boost::system::error_category& xmpp_tls_category() noexcept {
  static const XmppTlsCategory category;
  return category;
}

boost::system::result<Jid> certificate_jid(const crypto::Certificate& certificate) {
  const auto& addresses = certificate.xmpp_addresses();
  if (addresses.empty()) return make_error_code(xmpp_tls_errc::no_xmpp_address);
  if (addresses.size() > 1) return make_error_code(xmpp_tls_errc::several_xmpp_addresses);
  auto jid = Jid::parse(addresses.front());
  if (!jid) return jid.error();
  if (!jid->is_bare()) return make_error_code(xmpp_tls_errc::xmpp_address_not_bare);
  return jid;
}

boost::system::result<StreamPeer> verify_stream_peer(SSL* ssl, crypto::CertificateCache& trust,
                                                     const std::optional<wire::NodeId>& expected) {
  auto identity = transport::verify_peer(ssl, trust, expected);
  if (!identity) return identity.error();
  return stream_peer_of(std::move(*identity));
}

boost::system::result<StreamPeer> stream_peer_of(transport::PeerIdentity identity) {
  auto jid = certificate_jid(identity.certificate);
  if (!jid) return jid.error();
  return StreamPeer{std::move(identity), std::move(*jid)};
}

std::string negotiated_alpn(const SSL* ssl) {
  const unsigned char* protocol = nullptr;
  unsigned int length = 0;
  SSL_get0_alpn_selected(ssl, &protocol, &length);
  if (protocol == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(protocol), length);
}

}  // namespace reload::xmpp
