// Stanzas as any peer (or local client) may send them, through envelope_of() and back out
// through the rendering, as the node does with each stanza. Never crash, and:
//  * a stanza with an envelope renders (as itself and, if a message, inside a carbon) to XML
//    that is written without error and whose envelope is the same again: what the router
//    decided on is what the next device reads;
//  * a carbon's inner envelope reads back the same from the carbon the rendering rebuilds;
//  * a refused stanza is answered, if at all, by an error stanza, and an error or an iq
//    result is never answered.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "xmpp/stanza_envelope.hpp"
#include "xmpp/stanza_error.hpp"
#include "xmpp/stanza_rendering.hpp"
#include "xmpp/xml_stream_parser.hpp"
#include "xmpp/xml_writer.hpp"

using namespace reload::xmpp;

namespace {

struct Collector final : XmlStreamHandler {
  std::vector<Element> stanzas;
  bool on_stream_open(StreamRoot&) override { return true; }
  bool on_stanza(Element& e) override {
    stanzas.push_back(std::move(e));
    return stanzas.size() < 64;
  }
  void on_stream_close() override {}
};

bool same_routing_facts(const StanzaEnvelope& a, const StanzaEnvelope& b) {
  return a.kind == b.kind && a.message_type == b.message_type && a.is_error == b.is_error &&
         a.to == b.to && a.from == b.from && a.origin_id == b.origin_id &&
         a.private_hint == b.private_hint && a.no_copy_hint == b.no_copy_hint &&
         a.carbon == b.carbon;
}

// Writes `e` as a stream would and reads it back.
std::shared_ptr<const Element> round_trip(const Element& e) {
  std::string bytes =
      "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
  FUZZ_CHECK(!write_element(e, bytes, WriteContext{ns::client, true}));
  Collector again;
  XmlStreamParser parser(again, XmlLimits{1 << 20, 64, 64});
  boost::system::error_code ec;
  parser.put(bytes, ec);
  FUZZ_CHECK(!ec);
  FUZZ_CHECK(again.stanzas.size() == 1);
  return std::make_shared<const Element>(std::move(again.stanzas.front()));
}

void check_envelope(const StanzaEnvelope& envelope) {
  auto rendered = render_original(envelope);
  FUZZ_CHECK(rendered.has_value());
  auto back = envelope_of(round_trip(*rendered));
  FUZZ_CHECK(back.has_value());
  FUZZ_CHECK(same_routing_facts(envelope, *back));
  if (envelope.carbon == CarbonKind::none) {
    // Handed over as parsed or rendered anew: the client sees the same stanza either way.
    auto delivered =
        render_delivery(fanout::DeliverLocally{std::make_shared<const StanzaEnvelope>(envelope)},
                        StanzaAddress{"user@example.org", "here"});
    FUZZ_CHECK(delivered.has_value() && **delivered == *rendered);
  }

  if (envelope.carbon != CarbonKind::none) {
    FUZZ_CHECK(envelope.forwarded != nullptr);
    // As the router's DeliverLocally would give it to the client.
    auto delivered = render_delivery(
        fanout::DeliverLocally{std::make_shared<const StanzaEnvelope>(envelope)},
        StanzaAddress{"user@example.org", "here"});
    FUZZ_CHECK(delivered.has_value());
    auto carbon = envelope_of(round_trip(**delivered));
    FUZZ_CHECK(carbon.has_value());
    FUZZ_CHECK(carbon->carbon == envelope.carbon);
    FUZZ_CHECK(carbon->forwarded && same_routing_facts(*carbon->forwarded, *envelope.forwarded));
  } else if (envelope.kind == StanzaKind::message) {
    auto carbon = render_carbon(CarbonKind::received, envelope, "user@example.org",
                                StanzaAddress{"user@example.org", "there"});
    FUZZ_CHECK(carbon.has_value());
    auto back_carbon = envelope_of(round_trip(*carbon));
    FUZZ_CHECK(back_carbon.has_value());
    FUZZ_CHECK(back_carbon->carbon == CarbonKind::received);
    FUZZ_CHECK(same_routing_facts(*back_carbon->forwarded, envelope));
  }
}

void check_refusal(const Element& stanza, const boost::system::error_code& ec) {
  FUZZ_CHECK(ec.category() == stanza_category());
  const auto condition = error_condition_for(ec);
  if (!condition) return;
  const auto answer = stanza_error(stanza, *condition);
  if (!answer) {
    const auto type = stanza.attribute("type");
    FUZZ_CHECK(type == "error" || (stanza.name() == "iq" && type == "result"));
    return;
  }
  FUZZ_CHECK(answer->attribute("type") == "error");
  FUZZ_CHECK(stanza.attribute("type") != "error");
  round_trip(*answer);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  Collector collector;
  {
    XmlStreamParser parser(collector, XmlLimits{16 * 1024, 32, 64});
    boost::system::error_code ec;
    parser.put(in, ec);
  }
  for (Element& e : collector.stanzas) {
    auto stanza = std::make_shared<const Element>(std::move(e));
    auto envelope = envelope_of(stanza);
    if (envelope)
      check_envelope(*envelope);
    else
      check_refusal(*stanza, envelope.error());
  }
  return 0;
}
