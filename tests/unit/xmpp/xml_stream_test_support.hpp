// Shared by the stream-layer tests: a handler that records what the parser reports, and the
// streams the tests feed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "xmpp/xml_stream_parser.hpp"

namespace reload::xmpp::test {

inline constexpr std::string_view romeo = "romeo@montague.example";
inline constexpr std::string_view juliet = "juliet@capulet.example";

// An initiator's header as a conforming peer sends it (from romeo to juliet).
inline std::string client_header(std::string_view from = romeo, std::string_view to = juliet) {
  return "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
         "xmlns:stream='http://etherx.jabber.org/streams' from='" +
         std::string(from) + "' to='" + std::string(to) + "' version='1.0'>";
}

// Records every event; optionally stops after a number of stanzas.
struct Recorder final : XmlStreamHandler {
  std::vector<StreamRoot> headers;
  std::vector<Element> stanzas;
  int closes = 0;
  int stop_after_stanzas = -1;

  bool on_stream_open(StreamRoot& root) override {
    headers.push_back(root);
    return true;
  }
  bool on_stanza(Element& stanza) override {
    stanzas.push_back(std::move(stanza));
    return stop_after_stanzas < 0 || static_cast<int>(stanzas.size()) < stop_after_stanzas;
  }
  void on_stream_close() override { ++closes; }
};

struct ParseResult {
  Recorder events;
  boost::system::error_code error;
  std::string detail;
  std::size_t used = 0;
};

// Feeds `bytes` in pieces of `chunk` bytes (0: all at once), stopping at the first error.
inline ParseResult parse(std::string_view bytes, std::size_t chunk = 0, XmlLimits limits = {}) {
  ParseResult r;
  XmlStreamParser parser(r.events, limits);
  if (chunk == 0) chunk = bytes.size() ? bytes.size() : 1;
  for (std::size_t at = 0; at < bytes.size() && !r.error; at += chunk) {
    r.used += parser.put(bytes.substr(at, chunk), r.error);
  }
  r.detail = parser.error_detail();
  return r;
}

}  // namespace reload::xmpp::test
