// XMPP stream throughput on one core (src/xmpp): small message stanzas parsed into Elements
// by one long-lived parser, as on a real stream, and Elements serialised; then the same
// through PeerStream, which adds the stanza checks and the event queue.
// Prints figures; it is not a test and never fails on a slow machine.
//   build/tests/bench/xmpp_bench [seconds per case, default 1]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "rounds.hpp"
#include "xmpp/peer_stream.hpp"
#include "xmpp/xml_stream_parser.hpp"
#include "xmpp/xml_writer.hpp"

using namespace reload::xmpp;

namespace {
volatile std::uint64_t sink;  // keeps the optimiser from dropping the work

void report(const char* name, reload::bench::Rates r, int stanzas_per_op) {
  const double median = r.median * stanzas_per_op, best = r.best * stanzas_per_op;
  std::printf("%-40s %10.0f stanzas/s median %10.0f best %8.1f ns/stanza\n", name, median, best,
              1e9 / median);
}

// What a router does with a stanza: takes it.
struct TakingHandler final : XmlStreamHandler {
  std::uint64_t count = 0;
  bool on_stream_open(StreamRoot&) override { return true; }
  bool on_stanza(Element& e) override {
    Element taken = std::move(e);
    count += taken.children().size();
    return true;
  }
  void on_stream_close() override {}
};

const std::string header =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' from='romeo@montague.example' "
    "to='juliet@capulet.example' version='1.0'>";
const std::string stanza =
    "<message from='romeo@montague.example/orchard' to='juliet@capulet.example/balcony' "
    "type='chat' id='ktx72v49'><body>Art thou not Romeo, and a Montague?</body></message>";
}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  std::printf("message stanza: %zu bytes\n", stanza.size());
  boost::system::error_code ec;

  {
    TakingHandler h;
    XmlStreamParser parser(h);
    parser.put(header, ec);
    report("parse, one stanza per read", reload::bench::measure(seconds, 1000, [&] {
             parser.put(stanza, ec);
           }),
           1);
    std::string many;
    for (int i = 0; i < 64; ++i) many += stanza;
    report("parse, 64 stanzas per read", reload::bench::measure(seconds, 20, [&] {
             parser.put(many, ec);
           }),
           64);
    if (ec || parser.state() != XmlStreamParser::State::in_stream) {
      std::fprintf(stderr, "parser failed: %s\n", parser.error_detail().c_str());
      return 1;
    }
    sink = sink + h.count;
  }

  Element message(std::string(ns::client), "message");
  message.set_attribute("from", "romeo@montague.example/orchard")
      .set_attribute("to", "juliet@capulet.example/balcony")
      .set_attribute("type", "chat")
      .set_attribute("id", "ktx72v49");
  message.add_child(std::string(ns::client), "body").add_text("Art thou not Romeo, and a Montague?");
  {
    std::string out;
    const WriteContext in_stream{ns::client, true};
    report("serialise", reload::bench::measure(seconds, 1000, [&] {
             out.clear();
             ec = write_element(message, out, in_stream);
             sink = sink + out.size();
           }),
           1);
  }

  {
    const auto now = StreamClock::now();
    PeerStreamSettings s;
    s.role = StreamRole::receiver;
    s.own_jid = "juliet@capulet.example";
    s.peer_jid = "romeo@montague.example";
    s.stream_id = "bench";
    PeerStream receiver(s, now);
    receiver.put(header, now);
    receiver.consume_output(receiver.pending_output().size());
    (void)receiver.take_events();
    report("PeerStream receive (put + events)", reload::bench::measure(seconds, 1000, [&] {
             receiver.put(stanza, now);
             for (auto& e : receiver.take_events()) sink = sink + e.index();
           }),
           1);
    report("PeerStream send (send + consume)", reload::bench::measure(seconds, 1000, [&] {
             ec = receiver.send_stanza(message, now);
             sink = sink + receiver.pending_output().size();
             receiver.consume_output(receiver.pending_output().size());
           }),
           1);
    if (receiver.state() != PeerStream::State::open) {
      std::fprintf(stderr, "stream closed unexpectedly\n");
      return 1;
    }
  }
  return ec ? 1 : 0;
}
