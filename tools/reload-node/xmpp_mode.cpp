#include "xmpp_mode.hpp"

#include <unistd.h>

#include <cstdio>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cxxopts.hpp>
#include <fmt/format.h>

#include "usage/xmpp_device.hpp"
#include "xmpp/stanza_envelope.hpp"
#include "xmpp/xmpp_tls_identity.hpp"

namespace reload::tools {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

void print(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}


class StdinDevice final : public XmppMode, public std::enable_shared_from_this<StdinDevice> {
 public:
  StdinDevice(std::shared_ptr<node::OverlayNode> node, asio::any_io_executor ex, crypto::Certificate certificate,
              XmppFlags flags, std::function<void(const std::string&)> say)
      : node_(std::move(node)),
        certificate_(std::move(certificate)),
        flags_(std::move(flags)),
        say_(std::move(say)),
        wait_(ex),
        input_(ex) {}

  void begin() {
    if (stopped_) return;
    if (node_->chord().state() != topology::Chord::State::joined) {
      wait_.expires_after(std::chrono::milliseconds(200));
      wait_.async_wait([self = shared_from_this()](error_code ec) {
        if (!ec) self->begin();
      });
      return;
    }
    usage::XmppDeviceHandlers handlers;
    handlers.on_stanza = [](const xmpp::Element& e, const xmpp::StanzaEnvelope*) { show(e); };
    handlers.on_undeliverable = [](const xmpp::Element& e, error_code why) {
      print(fmt::format("! undeliverable to {}: {}", e.attribute("to").value_or("?"), why.message()));
      return true;  // said here; no stanza error besides
    };
    handlers.log = say_;
    usage::XmppDeviceOptions options;
    options.dial_in_order = flags_.dial_in_order;
    auto device = usage::XmppDevice::create(node_, certificate_, flags_.resource, options, handlers);
    if (!device) {
      print(fmt::format("! no XMPP device: {}", device.error().message()));
      return;
    }
    device_ = *device;
    device_->start();
    say_(fmt::format("XMPP device {} started; lines 'to-jid: text' on standard input are sent", device_->jid().to_string()));
    error_code ec;
    input_.assign(::dup(STDIN_FILENO), ec);
    if (!ec) read_line();
  }

  void stop(std::function<void()> done) override {
    stopped_ = true;
    wait_.cancel();
    error_code ignored;
    input_.close(ignored);
    if (!device_) return done();
    device_->stop(std::move(done));
  }

 private:
  static void show(const xmpp::Element& e) {
    // Through envelope_of, the router's own reading: a carbon's inner message, its addresses prepared.
    auto envelope = xmpp::envelope_of(std::make_shared<const xmpp::Element>(e));
    if (!envelope) return;
    const auto& message = envelope->forwarded ? *envelope->forwarded : *envelope;
    const auto element = xmpp::stanza_element(message);
    const auto* body = element ? element->child(xmpp::ns::client, "body") : nullptr;
    if (!body) return;  // chat states and the like: nothing to print
    if (envelope->carbon == xmpp::CarbonKind::sent)
      print(fmt::format("(sent to {}) {}", xmpp::to_jid_string(message.to), body->text()));
    else
      print(fmt::format("{}: {}", xmpp::to_jid_string(message.from), body->text()));
  }

  void read_line() {
    asio::async_read_until(input_, asio::dynamic_buffer(buffer_), '\n',
                           [self = shared_from_this()](error_code ec, std::size_t n) {
                             if (ec || self->stopped_) return;  // end of input: the device stays up
                             std::string line = self->buffer_.substr(0, n - 1);
                             self->buffer_.erase(0, n);
                             self->send_line(line);
                             self->read_line();
                           });
  }

  void send_line(std::string line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty()) return;
    const auto colon = line.find(": ");
    if (colon == std::string::npos) return print("! expected 'to-jid: text'");
    auto to = xmpp::Jid::parse(line.substr(0, colon));
    if (!to) return print(fmt::format("! {}: {}", line.substr(0, colon), to.error().message()));
    xmpp::Element m(std::string(xmpp::ns::client), "message");
    m.set_attribute("to", to->to_string());
    m.set_attribute("type", "chat");
    m.add_child(std::string(xmpp::ns::client), "body").add_text(line.substr(colon + 2));
    if (auto ec = device_->send(std::move(m))) print(fmt::format("! not sent to {}: {}", to->to_string(), ec.message()));
  }

  std::shared_ptr<node::OverlayNode> node_;
  crypto::Certificate certificate_;
  XmppFlags flags_;
  std::function<void(const std::string&)> say_;
  asio::steady_timer wait_;
  asio::posix::stream_descriptor input_;
  std::string buffer_;
  std::shared_ptr<usage::XmppDevice> device_;
  bool stopped_ = false;
};

}  // namespace

void add_xmpp_options(cxxopts::Options& options) {
  options.add_options("XMPP")
    ("jid", "run as this XMPP device (user@domain/resource; the bare part is the certificate's XMPP address): "
            "lines 'to-jid: text' on standard input are sent, messages received are printed",
     cxxopts::value<std::string>())
    ("dial-in-order", "with --jid: AppAttach a user's devices one after another by ascending priority "
                      "(XEP-0415 section 6.1), not all at once");
}

boost::system::result<std::optional<XmppFlags>, std::string> parse_xmpp_flags(const cxxopts::ParseResult& args,
                                                                              const crypto::Certificate& certificate) {
  using Result = boost::system::result<std::optional<XmppFlags>, std::string>;
  auto refuse = [](std::string why) { return Result(boost::system::in_place_error, std::move(why)); };
  if (!args.count("jid")) {
    if (args.count("dial-in-order")) return refuse("--dial-in-order goes with --jid");
    return std::optional<XmppFlags>();
  }
  const auto text = args["jid"].as<std::string>();
  auto jid = xmpp::Jid::parse(text);
  if (!jid) return refuse(fmt::format("--jid {}: {}", text, jid.error().message()));
  auto own = xmpp::certificate_jid(certificate);
  if (!own)
    return refuse(fmt::format("--jid {}: this node's certificate has no usable XMPP address ({})", text,
                              own.error().message()));
  if (jid->bare() != *own) return refuse(fmt::format("--jid {}: this node's certificate is for {}", text, own->bare_string()));
  return std::optional<XmppFlags>(XmppFlags{jid->resourcepart().value_or("reload-node"), args.count("dial-in-order") > 0});
}

std::shared_ptr<XmppMode> start_xmpp_mode(std::shared_ptr<node::OverlayNode> node, boost::asio::any_io_executor ex,
                                          const crypto::Certificate& certificate, const XmppFlags& flags,
                                          std::function<void(const std::string&)> say) {
  auto mode = std::make_shared<StdinDevice>(std::move(node), std::move(ex), certificate, flags, std::move(say));
  mode->begin();
  return mode;
}

}  // namespace reload::tools
