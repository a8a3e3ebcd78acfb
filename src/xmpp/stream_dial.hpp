// Dialling a peer's XMPP stream (XEP-0415 section 6.1): TCP connect, TLS as client at once
// (direct TLS, no STARTTLS, no ALPN offered), then the peer must present a certificate of
// the overlay that carries the Node-ID we dialled and one bare XMPP address; otherwise the
// connection is closed before a single XMPP byte is written. Then a StreamSession as the
// initiator, not started: the caller starts it with its handler.
//
// Two shapes: an awaitable for coroutines, and an Asio operation taking any completion token
// (a callback, use_awaitable, use_future) with the signature
// void(error_code, std::shared_ptr<StreamSession>) (DESIGN.md principle 8).
#pragma once

#include <memory>
#include <utility>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/result.hpp>

#include "crypto/certificate_cache.hpp"
#include "wire/node_id.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stream_session.hpp"

namespace reload::xmpp {

// Where to dial and whom we expect there.
struct StreamDialTarget {
  // A constructor rather than an aggregate, for g++ 12's sake (see StreamOptions).
  StreamDialTarget(asio::ip::tcp::endpoint endpoint, wire::NodeId node_id)
      : endpoint(endpoint), node_id(std::move(node_id)) {}

  asio::ip::tcp::endpoint endpoint;
  wire::NodeId node_id;  // the terminal entry of the destination list
};

// Errors: the socket's (connect refused, timed out), TLS's, crypto_errc from the overlay's
// trust policy (untrusted, no_node_id, ...), xmpp_tls_errc or jid_category() for the peer's
// XMPP address. `own_jid` is ours, from our certificate (certificate_jid()); `tls` and
// `trust` must outlive the session.
asio::awaitable<boost::system::result<std::shared_ptr<StreamSession>>> dial_stream(
    StreamDialTarget target, asio::ssl::context& tls, crypto::CertificateCache& trust,
    Jid own_jid, StreamOptions options = {});

using DialStreamSignature = void(boost::system::error_code, std::shared_ptr<StreamSession>);

namespace detail {
void start_dial_stream(asio::any_io_executor ex, StreamDialTarget target,
                       asio::ssl::context& tls, crypto::CertificateCache& trust, Jid own_jid,
                       StreamOptions options,
                       asio::any_completion_handler<DialStreamSignature> handler);
}  // namespace detail

// The same as an Asio operation: the work runs on `ex` (the node's executor), the handler
// is called through its associated executor.
template <asio::completion_token_for<DialStreamSignature> CompletionToken>
auto async_dial_stream(asio::any_io_executor ex, StreamDialTarget target,
                       asio::ssl::context& tls, crypto::CertificateCache& trust, Jid own_jid,
                       StreamOptions options, CompletionToken&& token) {
  return asio::async_initiate<CompletionToken, DialStreamSignature>(
      [](auto handler, asio::any_io_executor ex, StreamDialTarget target,
         asio::ssl::context* tls, crypto::CertificateCache* trust, Jid own_jid,
         StreamOptions options) {
        detail::start_dial_stream(std::move(ex), std::move(target), *tls, *trust,
                                  std::move(own_jid), std::move(options), std::move(handler));
      },
      token, std::move(ex), std::move(target), &tls, &trust, std::move(own_jid),
      std::move(options));
}

}  // namespace reload::xmpp
