// An XMPP stream as any peer of the overlay may send it (XEP-0415 section 6), fed to a
// receiving PeerStream. Never crash, and:
//  * the outcome does not depend on how the bytes were split: all at once and in pieces of
//    sizes drawn from a hash of the input give the same stanzas, close and output;
//  * what the stream writes is itself a clean stream: it parses without error and ends with
//    the closing tag once the stream is closed;
//  * every stanza received can be written again (as a router sends it on) and parses back
//    to the same Element.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "xmpp/peer_stream.hpp"
#include "xmpp/xml_writer.hpp"

using namespace reload::xmpp;

namespace {

const StreamTime t0 = StreamTime{} + std::chrono::hours(1);

struct Outcome {
  std::vector<Element> stanzas;
  int opened = 0;
  int closed = 0;
  CloseReason reason = CloseReason::clean;
  boost::system::error_code error;
  std::string output;
};

// Chunk sizes for one input: mostly small, sometimes large, never zero.
class Splitter {
 public:
  explicit Splitter(std::string_view data) {
    for (unsigned char c : data) state_ = (state_ ^ c) * 0x100000001b3ULL;  // FNV-1a
  }
  std::size_t next() {
    state_ ^= state_ << 13, state_ ^= state_ >> 7, state_ ^= state_ << 17;  // xorshift64
    return (state_ & 1) ? 1 + (state_ >> 1) % 16 : 1 + (state_ >> 1) % 2048;
  }

 private:
  std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

Outcome run(std::string_view data, bool split) {
  PeerStreamSettings s;
  s.role = StreamRole::receiver;
  s.own_jid = "juliet@capulet.example";
  s.peer_jid = "romeo@montague.example";
  s.stream_id = "fuzz";
  s.limits.max_stanza_bytes = 16 * 1024;
  PeerStream stream(s, t0);
  Outcome o;
  Splitter splitter(data);
  std::size_t at = 0;
  while (at < data.size()) {
    const std::size_t n = split ? splitter.next() : data.size();
    stream.put(data.substr(at, n), t0);
    at += n;
    for (auto& e : stream.take_events()) {
      if (auto* st = std::get_if<stream_event::Stanza>(&e)) {
        o.stanzas.push_back(std::move(st->stanza));
      } else if (std::holds_alternative<stream_event::Opened>(e)) {
        ++o.opened;
      } else {
        const auto& c = std::get<stream_event::Closed>(e);
        ++o.closed;
        o.reason = c.reason;
        o.error = c.error;
      }
    }
  }
  o.output = std::string(stream.pending_output());
  FUZZ_CHECK(o.closed <= 1 && o.opened <= 1);
  FUZZ_CHECK((o.closed == 1) == (stream.state() == PeerStream::State::closed));
  return o;
}

// Reads our own output back.
struct OutputReader final : XmlStreamHandler {
  std::vector<Element> stanzas;
  int closes = 0;
  bool on_stream_open(StreamRoot&) override { return true; }
  bool on_stanza(Element& e) override {
    if (e.ns() != ns::streams) stanzas.push_back(std::move(e));
    return true;
  }
  void on_stream_close() override { ++closes; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const Outcome whole = run(in, false);
  const Outcome pieces = run(in, true);

  FUZZ_CHECK(whole.stanzas == pieces.stanzas);
  FUZZ_CHECK(whole.opened == pieces.opened);
  FUZZ_CHECK(whole.closed == pieces.closed);
  FUZZ_CHECK(whole.reason == pieces.reason);
  FUZZ_CHECK(whole.error == pieces.error);
  FUZZ_CHECK(whole.output == pieces.output);

  // Our output is a well-formed stream.
  OutputReader reader;
  {
    XmlStreamParser parser(reader);
    boost::system::error_code ec;
    parser.put(whole.output, ec);
    FUZZ_CHECK(!ec);
  }
  if (whole.closed) {
    const std::string_view closing = "</stream:stream>";
    FUZZ_CHECK(whole.output.size() >= closing.size() &&
               whole.output.compare(whole.output.size() - closing.size(), closing.size(),
                                    closing) == 0);
    FUZZ_CHECK(reader.closes == 1);
  }

  // Every stanza received, written into a stream as send_stanza does, parses back the same.
  if (!whole.stanzas.empty()) {
    std::string resent =
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
    for (const Element& stanza : whole.stanzas)
      FUZZ_CHECK(!write_element(stanza, resent, WriteContext{ns::client, true}));
    OutputReader again;
    XmlStreamParser parser(again, XmlLimits{1 << 20, 64, 64});
    boost::system::error_code ec;
    parser.put(resent, ec);
    FUZZ_CHECK(!ec);
    FUZZ_CHECK(again.stanzas == whole.stanzas);
  }
  return 0;
}
