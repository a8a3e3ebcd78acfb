#include "xmpp/stanza_text.hpp"

#include <optional>
#include <string>

#include "xmpp/stream_error.hpp"

namespace reload::xmpp {

namespace {

class FirstStanza final : public XmlStreamHandler {
 public:
  bool on_stream_open(StreamRoot&) override { return true; }
  bool on_stanza(Element& stanza) override {
    if (stanza_) {
      second_ = true;
      return false;
    }
    stanza_ = std::move(stanza);
    return true;
  }
  void on_stream_close() override {}

  std::optional<Element> stanza_;
  bool second_ = false;
};

}  // namespace

boost::system::result<Element> parse_stanza_text(std::string_view text, XmlLimits limits) {
  FirstStanza handler;
  XmlStreamParser parser(handler, limits);
  boost::system::error_code ec;
  for (std::string_view part : {std::string_view("<stream:stream xmlns='jabber:client' "
                                                 "xmlns:stream='http://etherx.jabber.org/streams'>"),
                                text, std::string_view("</stream:stream>")}) {
    parser.put(part, ec);
    if (ec) return ec;
  }
  if (!handler.stanza_ || handler.second_) return make_error_code(stream_errc::not_well_formed);
  return std::move(*handler.stanza_);
}

}  // namespace reload::xmpp
