// reload-node as an XMPP device (XEP-0415), with --jid JID: once joined it keeps its
// XMPP-LOCATION record and streams to its own user's other devices (usage::XmppDevice),
// reads lines "to-jid: text" from standard input and sends each as a chat message, and prints
// every message it gets as "from-full-jid: text" on standard output (a carbon of what
// another device of the same user sent as "(sent to to-jid) text"). A line it cannot send
// gets "! " and the reason; a message nobody could be reached for, "! undeliverable to JID:
// reason".
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>

#include "crypto/certificate.hpp"
#include "node/overlay_node.hpp"

namespace cxxopts {
class Options;
class ParseResult;
}  // namespace cxxopts

namespace reload::tools {

void add_xmpp_options(cxxopts::Options& options);

struct XmppFlags {
  std::string resource;  // "reload-node" when the JID has none
  bool dial_in_order = false;
};

// The device's settings if --jid was given; the JID's bare part must be the certificate's
// xmppAddr. An error is one line naming the flag.
boost::system::result<std::optional<XmppFlags>, std::string> parse_xmpp_flags(const cxxopts::ParseResult& args,
                                                                              const crypto::Certificate& certificate);

class XmppMode {
 public:
  virtual ~XmppMode() = default;
  // Removes the location and closes the streams; `done` after.
  virtual void stop(std::function<void()> done) = 0;
};

// Starts the device once `node` has joined; `say` is the node's log.
std::shared_ptr<XmppMode> start_xmpp_mode(std::shared_ptr<node::OverlayNode> node, boost::asio::any_io_executor ex,
                                          const crypto::Certificate& certificate, const XmppFlags& flags,
                                          std::function<void(const std::string&)> say);

}  // namespace reload::tools
