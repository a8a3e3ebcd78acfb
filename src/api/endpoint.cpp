#include <optional>

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "api/node_impl.hpp"
#include "reload/xmpp.hpp"
#include "usage/xmpp_device.hpp"
#include "xmpp/stanza_envelope.hpp"
#include "xmpp/stanza_text.hpp"
#include "xmpp/xml_writer.hpp"

namespace reload::xmpp {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

std::string attribute_of(const Element& e, std::string_view name) {
  auto a = e.attribute(name);
  return a ? std::string(*a) : std::string();
}

// The program's view of a stanza: its addresses and a message's body, a carbon's read
// through to the message it carries. `envelope` is the router's reading of it; without one
// (a stanza the device wrote itself) it is read here as the router would (envelope_of).
Stanza stanza_of(const Element& e, const StanzaEnvelope* envelope) {
  Stanza out;
  out.kind = e.name();
  out.from = attribute_of(e, "from");
  out.to = attribute_of(e, "to");
  out.type = attribute_of(e, "type");
  out.id = attribute_of(e, "id");
  if (auto xml = to_xml(e)) out.xml = std::move(*xml);
  std::optional<StanzaEnvelope> read_here;
  if (!envelope) {
    auto read = envelope_of(std::make_shared<const Element>(e));
    if (!read) return out;
    envelope = &read_here.emplace(std::move(*read));
  }
  const StanzaEnvelope& message = envelope->forwarded ? *envelope->forwarded : *envelope;
  out.sent_carbon = envelope->carbon == CarbonKind::sent;
  out.received_carbon = envelope->carbon == CarbonKind::received;
  if (envelope->forwarded) {
    out.from = to_jid_string(message.from);
    out.to = to_jid_string(message.to);
  }
  if (const auto element = stanza_element(message))
    if (const auto* body = element->child(ns::client, "body")) out.body = body->text();
  return out;
}

std::string candidate_name(const std::optional<transport::IceSelectedPair>& pair, bool local) {
  if (!pair) return {};
  return wire::cand_type_name(local ? pair->local : pair->remote);
}

}  // namespace

struct Endpoint::Impl final : NodeUser, std::enable_shared_from_this<Endpoint::Impl> {
  Impl(std::shared_ptr<Node::Impl> n, EndpointOptions o) : node(std::move(n)), options(std::move(o)) {}

  // The node has joined: the device starts.
  void begin() {
    if (stopped || !node->node || !node->identity) return;
    usage::XmppDeviceHandlers handlers;
    auto weak = weak_from_this();
    // A stanza read from a stream goes to the program at once: a post would cost every
    // stanza a hand-over through the io_context. One that comes out of a send (the error
    // for a stanza that cannot go) is posted, never handed over inside a call of this API.
    handlers.on_stanza = [weak](const Element& e, const StanzaEnvelope* reading) {
      auto self = weak.lock();
      if (!self || !self->options.on_stanza) return;
      if (!self->sending) return self->options.on_stanza(stanza_of(e, reading));
      asio::post(self->node->executor, [self, s = stanza_of(e, reading)] {
        if (self->options.on_stanza) self->options.on_stanza(s);
      });
    };
    handlers.on_device = [weak](const usage::DeviceChange& c) {
      auto self = weak.lock();
      if (!self || !self->options.on_device) return;
      DeviceChange out{c.bare_jid, c.device.hex(), c.connected, candidate_name(c.pair, true), candidate_name(c.pair, false)};
      asio::post(self->node->executor, [self, out = std::move(out)] {
        if (self->options.on_device) self->options.on_device(out);
      });
    };
    handlers.on_undeliverable = [weak](const Element& e, error_code why) {
      auto self = weak.lock();
      return self && self->options.on_undeliverable &&
             self->options.on_undeliverable(stanza_of(e, nullptr), why);
    };
    handlers.log = [weak](const std::string& line) {
      if (auto self = weak.lock()) self->node->say(LogLevel::info, line);
    };
    usage::XmppDeviceOptions device_options;
    device_options.dial_in_order = options.dial_in_order;
    auto made = usage::XmppDevice::create(node->node, node->identity->certificate, options.resource, device_options,
                                          handlers);
    if (!made) {
      error = made.error();
      node->say(LogLevel::error, fmt::format("no XMPP endpoint: {}", error.message()));
      return;
    }
    device = std::move(*made);
    device->start();
  }

  void stop(std::function<void()> done) {
    stopped = true;
    if (!device) return done();
    auto d = std::exchange(device, nullptr);
    d->stop(std::move(done));
  }

  void stop_for_node(std::function<void()> done) override { stop(std::move(done)); }
  void abandon_for_node() override {
    stopped = true;
    if (auto d = std::exchange(device, nullptr)) d->abandon();
    // Handlers queued on the executor find nothing to call: the program's may be gone.
    options.on_stanza = nullptr;
    options.on_device = nullptr;
    options.on_undeliverable = nullptr;
  }

  error_code send(Element stanza) {
    if (error) return error;
    if (!device) return make_error_code(node_errc::not_started);
    // Reset however send() ends: it throws when the system has no random bytes for an id.
    struct Sending {
      bool& flag;
      explicit Sending(bool& f) : flag(f) { flag = true; }
      ~Sending() { flag = false; }
    } during(sending);
    return device->send(std::move(stanza));
  }

  std::shared_ptr<Node::Impl> node;
  EndpointOptions options;
  std::shared_ptr<usage::XmppDevice> device;
  error_code error;
  bool stopped = false;
  bool sending = false;  // inside send(): what the device delivers then is posted
};

Endpoint::Endpoint(Node& node, EndpointOptions options)
    : impl_(std::make_shared<Impl>(node.impl_, std::move(options))) {
  auto& n = *node.impl_;
  if (n.state == Node::State::stopping || n.state == Node::State::stopped) {
    impl_->error = make_error_code(node_errc::stopped);
    return;
  }
  n.users.push_back(impl_);
  auto weak = std::weak_ptr<Impl>(impl_);
  auto begin = [weak] {
    if (auto self = weak.lock()) self->begin();
  };
  if (n.state == Node::State::joined) asio::post(n.executor, begin);
  else n.on_joined.push_back(begin);
}

Endpoint::~Endpoint() { impl_->abandon_for_node(); }

error_code Endpoint::error() const noexcept { return impl_->error; }

std::string Endpoint::jid() const { return impl_->device ? impl_->device->jid().to_string() : std::string(); }

error_code Endpoint::send_message(std::string_view to, std::string_view body) {
  auto jid = Jid::parse(to);
  if (!jid) return jid.error();
  Element m(std::string(ns::client), "message");
  m.set_attribute("to", jid->to_string());
  m.set_attribute("type", "chat");
  m.add_child(std::string(ns::client), "body").add_text(body);
  return impl_->send(std::move(m));
}

error_code Endpoint::send(std::string_view stanza_xml) {
  auto stanza = parse_stanza_text(stanza_xml);
  if (!stanza) return stanza.error();
  return impl_->send(std::move(*stanza));
}

std::vector<std::pair<std::string, std::size_t>> Endpoint::connected() const {
  if (!impl_->device) return {};
  auto map = impl_->device->connected();
  return {map.begin(), map.end()};
}

bool Endpoint::published() const noexcept { return impl_->device && impl_->device->location_published(); }

void Endpoint::stop(std::function<void()> done) { impl_->stop(std::move(done)); }

const asio::any_io_executor& Endpoint::executor() const noexcept { return impl_->node->executor; }

}  // namespace reload::xmpp
