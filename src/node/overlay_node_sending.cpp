// OverlayNode's sending side: requests it originates (through the RequestTable), answers
// and error answers, and the choice of link toward a destination.
#include "node/overlay_node.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "node/message_builder.hpp"
#include "wire/codec.hpp"
#include "wire/ring.hpp"

namespace reload::node {

using boost::system::error_code;
using wire::NodeId;

namespace {

std::uint16_t code_of(wire::Bytes message, const wire::HeaderView& h) {
  if (message.size() < h.header_size + 2) return 0;
  return static_cast<std::uint16_t>((message[h.header_size] << 8) | message[h.header_size + 1]);
}

}  // namespace

void OverlayNode::send_store(wire::DestinationList to, wire::Buffer store_req,
                             std::vector<crypto::Certificate> certificates, Acknowledged done) {
  request(std::move(to), wire::MessageCode::store_req, store_req,
          [self = shared_from_this(), done = std::move(done)](boost::system::result<Response> r) {
            if (self->stopping_) return;
            // Refused because the peer holds newer data: it holds the data, and ours is to be
            // replaced. Any other refusal, or no answer, and it may not (the storage service
            // sends it again).
            using Outcome = ReplicaSender::Outcome;
            Outcome outcome = Outcome::held;
            if (!r && (r.error() == errc::data_too_old || r.error() == errc::generation_counter_too_low))
              outcome = Outcome::newer_there;
            else if (!r)
              outcome = Outcome::not_held;
            if (!r) self->log(fmt::format("replica store refused: {}", r.error().message()));
            done(outcome, Clock::now());
            self->reschedule();
          },
          RequestOptions{std::move(certificates)});
}

void OverlayNode::send_fetch(wire::DestinationList to, wire::Buffer fetch_req, Fetched done) {
  request(std::move(to), wire::MessageCode::fetch_req, fetch_req,
          [self = shared_from_this(), done = std::move(done)](boost::system::result<Response> r) {
            if (self->stopping_) return;
            const bool fetched = r && r->message->contents.message_code ==
                                          static_cast<std::uint16_t>(wire::MessageCode::fetch_ans);
            if (!fetched) self->log("fetch of newer data failed");
            done(fetched ? r->message : nullptr, Clock::now());
            self->reschedule();
          });
}

std::uint64_t OverlayNode::request(wire::DestinationList destinations, wire::MessageCode code,
                          wire::Bytes body, ResponseHandler done, RequestOptions options) {
  if (stopping_ || destinations.empty()) {
    fail_later(std::move(done), stopping_ ? error_code(asio::error::operation_aborted)
                                          : make_error_code(codec_errc::invalid_value));
    return 0;
  }
  Envelope e;
  e.extra_certificates = std::move(options.extra_certificates);
  e.overlay = policy_.overlay;
  e.configuration_sequence = options_.configuration.sequence.value_or(0);
  e.ttl = options_.configuration.initial_ttl;
  e.destinations = std::move(destinations);
  e.transaction_id = requests_.new_id();
  auto bytes = build_message(e, static_cast<std::uint16_t>(code), body, signer_);
  if (!bytes) {
    fail_later(std::move(done), bytes.error());
    return 0;
  }
  if (bytes->size() > options_.configuration.max_message_size) {
    // Every peer on the way would refuse it (section 6.6): it never leaves this node.
    fail_later(std::move(done), make_error_code(errc::message_too_large));
    return 0;
  }
  const wire::Destination& first = e.destinations.front();
  if (auto ec = send_toward(*bytes, first)) {
    fail_later(std::move(done), ec);
    return 0;
  }
  requests_.start({e.transaction_id, std::move(*bytes), first, e.destinations.back(), std::move(done),
                   options.transmissions},
                  Clock::now());
  reschedule();
  return e.transaction_id;
}

error_code OverlayNode::send_toward(wire::Bytes message, const wire::Destination& first) {
  NodeId key;
  if (const auto* n = std::get_if<NodeId>(&first)) {
    if (*n == self()) {
      // A message to ourselves: delivered through the same path as any other.
      wire::Buffer copy(message.begin(), message.end());
      asio::post(ex_, [self = shared_from_this(), copy = std::move(copy)] {
        self->deliver_locally(copy, self->self());
      });
      return {};
    }
    if (auto l = links_.find(*n); l != links_.end()) return l->second->send(message);
    key = *n;
  } else if (const auto* r = std::get_if<wire::ResourceId>(&first)) {
    key = wire::ring::point_of(*r, options_.configuration.node_id_length);
  } else {
    return make_error_code(codec_errc::invalid_value);
  }
  auto d = chord_.route(key);
  if (d.deliver_here) {
    // A Node-ID in our own range that we have no link to is not in the ring as we know it:
    // no peer would take the message (section 6.1.1 drops it), and our own answer to a
    // request meant for another peer means nothing. Say so at once.
    if (const auto* n = std::get_if<NodeId>(&first)) {
      // Unless it is a peer we are attaching to (a neighbor we were just told of): then the
      // message waits for that link.
      if (!chord_.attaching_to(*n) || !awaiting_link_.hold(*n, message, Clock::now()))
        return asio::error::host_unreachable;
      expire_awaiting_link();
      return {};
    }
    wire::Buffer copy(message.begin(), message.end());
    asio::post(ex_, [self = shared_from_this(), copy = std::move(copy)] {
      self->deliver_locally(copy, self->self());
    });
    return {};
  }
  if (d.next_hop) {
    if (auto l = links_.find(*d.next_hop); l != links_.end()) return l->second->send(message);
  }
  return asio::error::host_unreachable;
}

void OverlayNode::expire_awaiting_link() {
  const auto next = awaiting_link_.expire(Clock::now());
  if (!next || (awaiting_link_timer_.expiry() > Clock::now() && awaiting_link_timer_.expiry() <= *next)) return;
  awaiting_link_timer_.expires_at(*next);
  awaiting_link_timer_.async_wait([weak = weak_from_this()](error_code ec) {
    if (auto self = weak.lock(); self && !ec) self->expire_awaiting_link();
  });
}

void OverlayNode::answer(const wire::Message& request, const NodeId& previous_hop,
                         wire::MessageCode code, wire::Bytes body,
                         std::vector<crypto::Certificate> certificates) {
  Envelope e;
  e.extra_certificates = std::move(certificates);
  // The request's overlay, even when it is not ours: a sender configured for another
  // overlay then reads the Error_Invalid_Message that says so instead of dropping it.
  e.overlay = request.header.overlay;
  e.configuration_sequence = options_.configuration.sequence.value_or(0);
  e.ttl = options_.configuration.initial_ttl;
  e.transaction_id = request.header.transaction_id;
  e.destinations = response_destinations(request.header, previous_hop);
  auto bytes = build_message(e, static_cast<std::uint16_t>(code), body, signer_);
  if (!bytes) return;
  std::size_t limit = options_.configuration.max_message_size;
  if (request.header.max_response_length != 0) limit = std::min<std::size_t>(limit, request.header.max_response_length);
  if (bytes->size() > limit && !e.extra_certificates.empty()) {
    // Section 6.3.4 lets certificates be left out: the fetching node may hold them already,
    // and discards and counts the values it cannot check.
    e.extra_certificates.clear();
    bytes = build_message(e, static_cast<std::uint16_t>(code), body, signer_);
    if (!bytes) return;
  }
  if (bytes->size() > limit) {
    // Section 6.3.3.1: a response too large for max_response_length (or, without one, for
    // the overlay's max-message-size) becomes Error_Response_Too_Large.
    e.extra_certificates.clear();
    auto err = error_body(errc::response_too_large,
                          wire::as_bytes(fmt::format("the answer would take {} bytes, more than {}", bytes->size(), limit)));
    bytes = build_message(e, static_cast<std::uint16_t>(wire::MessageCode::error), err, signer_);
    if (!bytes) return;
  }
  send_toward(*bytes, e.destinations.front());
}

void OverlayNode::answer_error(const wire::Message& request, const NodeId& previous_hop, errc error,
                               std::string_view reason) {
  auto body = error_body(error, wire::as_bytes(reason));
  answer(request, previous_hop, wire::MessageCode::error, body);
}

void OverlayNode::answer_error(const wire::HeaderView& h, wire::Bytes message,
                               const NodeId& previous_hop, errc error, std::string_view reason) {
  if (!wire::is_request(code_of(message, h))) return;  // responses are never answered
  wire::ForwardingHeader header;
  wire::Reader r(message);
  decode(r, header, codec_);
  if (!r.ok()) return;
  wire::Message shell;
  shell.header = std::move(header);
  answer_error(shell, previous_hop, error, reason);
}

}  // namespace reload::node
