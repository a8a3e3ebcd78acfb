// reload::xmpp::Endpoint: one XMPP device on a reload::Node (XEP-0415). Its user is the XMPP
// address of the node's certificate; `resource` names the device.
//
// Once the node has joined, the endpoint publishes the device's XMPP-LOCATION record and
// keeps it fresh, opens a direct TLS XMPP stream to each of its user's other devices, and
// answers the streams other devices open. A stanza sent to a user goes to every device of
// that user it can reach (looked up and AppAttached on first use, in parallel); a message
// sent reaches this user's other devices as a carbon. What arrives is handed to on_stanza.
//
// Threads and handlers: as reload::Node (node.hpp): everything runs on the node's executor,
// and so does every handler here, never inside a call of this API. Destroying the endpoint
// drops its streams at once; async_stop() removes the location first, and Node::async_stop()
// stops every endpoint that way.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/async_result.hpp>
#include <boost/system/error_code.hpp>

#include "reload/detail/completion.hpp"
#include "reload/node.hpp"

namespace reload::xmpp {

// A stanza that reached this device.
struct Stanza {
  std::string kind;  // "message", "presence" or "iq"
  std::string from;  // the sender's full JID
  std::string to;
  std::string type;  // its 'type' attribute ("chat", "normal", ...), empty when absent
  std::string id;
  std::string body;  // a message's <body/> text (a carbon's inner message's), else empty
  // A carbon (XEP-0280): `sent_carbon` when another device of this user sent the message
  // (then `to` is whom it went to), `received_carbon` when it was delivered to another one.
  bool sent_carbon = false;
  bool received_carbon = false;
  std::string xml;  // the whole stanza as it arrived
};

// A device of some user (ours or another) whose stream opened or closed.
struct DeviceChange {
  std::string user;     // bare JID
  std::string node_id;  // hex
  bool connected = false;
  // How the AppAttach went (opened streams): "host", "srflx", "prflx" or "relay" at each end.
  std::string local_candidate, remote_candidate;
};

struct EndpointOptions {
  std::string resource = "reload";
  std::function<void(const Stanza&)> on_stanza;
  std::function<void(const DeviceChange&)> on_device;
  // A stanza sent that reached no device, and why (no location, or none reachable). Return
  // true when the program takes it (over its own c2s connection, XEP-0415 section 7);
  // otherwise on_stanza gets the XMPP stanza error for it.
  std::function<bool(const Stanza&, boost::system::error_code)> on_undeliverable;
  // XEP-0415 section 6.1: AppAttach a user's devices one after another by ascending route
  // priority, instead of all at once (the default). A device whose AppAttach failed, or whose
  // stream broke, is dialled again only after a wait (1 s doubling to a minute); a stanza
  // for a user whose every device is waiting is undeliverable at once, with
  // resource_unavailable_try_again.
  bool dial_in_order = false;
};

class Endpoint {
 public:
  // The node must have been started (it may still be joining). Errors through error():
  // the certificate has no XMPP address, or the resource is not a valid resourcepart.
  Endpoint(Node& node, EndpointOptions options);
  ~Endpoint();
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // Why the endpoint does not run (empty error_code when it does).
  boost::system::error_code error() const noexcept;
  // This device's full JID.
  std::string jid() const;

  // A chat message to a bare or full JID. Errors at once: a malformed JID, or the endpoint
  // not running; delivery failures come to on_undeliverable.
  boost::system::error_code send_message(std::string_view to, std::string_view body);
  // Any stanza (<message/>, <presence/> or <iq/> in jabber:client), as XML text; its 'from'
  // is set to this device. Errors: not one well-formed stanza (restricted XML, RFC 6120
  // section 11), a malformed address.
  boost::system::error_code send(std::string_view stanza_xml);

  // Devices with an open stream, per user (bare JID): ours and others'.
  std::vector<std::pair<std::string, std::size_t>> connected() const;
  // Whether the location record is stored.
  bool published() const noexcept;

  // Removes the location record, then closes the streams. Signature void().
  template <class Token>
  auto async_stop(Token&& token) {
    return boost::asio::async_initiate<Token, void()>(
        [this](auto handler) { stop(reload::detail::posted<>(std::move(handler), executor())); }, token);
  }

 private:
  struct Impl;
  void stop(std::function<void()> done);
  const boost::asio::any_io_executor& executor() const noexcept;
  std::shared_ptr<Impl> impl_;
};

}  // namespace reload::xmpp
