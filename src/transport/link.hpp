// What the node sees of an overlay link, whatever carries it: TLS/TCP with the framing header
// (TlsLink, section 6.6.5) or DTLS/UDP with simple reliability over ICE (DtlsSrLink, section
// 6.6.4). A link lives on the node's executor: its handler is called there, and send() and
// close() are called there too (DESIGN.md principle 2).
#pragma once

#include <boost/system/error_code.hpp>

#include "transport/peer_verification.hpp"
#include "wire/attach.hpp"
#include "wire/bytes.hpp"

namespace reload::transport {

class Link;

class LinkHandler {
 public:
  virtual ~LinkHandler() = default;
  virtual void on_link_message(Link& link, wire::Bytes message) = 0;
  // The link went quiet for longer than its RTO: take it out of routing, keep it open.
  virtual void on_link_suspect(Link& link) = 0;
  // Acks caught up on a suspect link before it failed: it may route again.
  virtual void on_link_resumed(Link&) {}
  // Called once, after which the link sends and delivers nothing.
  virtual void on_link_closed(Link& link, boost::system::error_code why) = 0;
};

class Link {
 public:
  virtual ~Link() = default;
  // Starts reading, writing and the link's timers; `handler` must outlive the link.
  virtual void start(LinkHandler& handler) = 0;
  // Frames and queues `message`; an error (and nothing sent) when the link is closed or its
  // bound is reached. The link stays open then.
  virtual boost::system::error_code send(wire::Bytes message) = 0;
  virtual void close(boost::system::error_code why = {}) = 0;
  virtual const PeerIdentity& peer() const noexcept = 0;
  virtual bool is_open() const noexcept = 0;
  // The overlay link protocol it runs (section 6.6).
  virtual wire::OverlayLinkType type() const noexcept = 0;
};

}  // namespace reload::transport
