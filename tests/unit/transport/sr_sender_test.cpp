#include "transport/sr_sender.hpp"

#include <random>
#include <set>

#include <doctest/doctest.h>

#include "transport/ack_window.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::transport;
using namespace std::chrono_literals;

namespace {

using TimePoint = SrSender::TimePoint;

wire::FramedData parse(const wire::Buffer& b) {
  return std::get<wire::FramedData>(wire::decode_exact<wire::FramedMessage>(b, wire::CodecContext{}).value());
}

wire::Buffer message(std::uint8_t tag) { return wire::Buffer{tag, tag}; }

SrLimits static_rto(std::size_t window = 1) {
  SrLimits l;
  l.initial_window = window;
  return l;
}

}  // namespace

TEST_CASE("section 6.6.3.1: sent at 0, 500, 1500, 3500 and 7500 ms with fresh sequence numbers, then the link fails") {
  SrSender s(static_rto());
  REQUIRE(s.enqueue(message(1)));
  TimePoint t{};
  std::vector<wire::Buffer> out;
  s.poll(t, out);
  REQUIRE(out.size() == 1);
  std::vector<std::uint32_t> sequences{parse(out[0]).sequence};
  std::vector<milliseconds> sent_at{0ms};
  for (int i = 0; i < 40; ++i) {  // every 250 ms for 10 s
    t += 250ms;
    out.clear();
    s.poll(t, out);
    for (const auto& f : out) {
      sequences.push_back(parse(f).sequence);
      sent_at.push_back(std::chrono::duration_cast<milliseconds>(t.time_since_epoch()));
      CHECK(parse(f).message.size() == 2);
    }
  }
  CHECK(sent_at == std::vector<milliseconds>{0ms, 500ms, 1500ms, 3500ms, 7500ms});
  CHECK(sequences == std::vector<std::uint32_t>{0, 1, 2, 3, 4});
  CHECK(s.quiet());
  CHECK_FALSE(s.failed());
  t += 8s;
  out.clear();
  s.poll(t, out);
  CHECK(out.empty());
  CHECK(s.failed());
}

TEST_CASE("a whole window lost at once is one loss: quiet only after three retransmissions of a message") {
  SrSender s(static_rto(8));
  for (std::uint8_t i = 0; i < 8; ++i) s.enqueue(message(i));  // a message's eight fragments, say
  TimePoint t{};
  std::vector<wire::Buffer> out;
  s.poll(t, out);
  REQUIRE(out.size() == 8);
  for (milliseconds at : {500ms, 1500ms}) {  // two rounds of retransmissions: not yet
    out.clear();
    s.poll(TimePoint{} + at, out);
    CHECK(!out.empty());
    CHECK_FALSE(s.quiet());
  }
  out.clear();
  s.poll(TimePoint{} + 3500ms, out);  // the third
  CHECK(!out.empty());
  CHECK(s.quiet());
  s.on_ack({parse(out[0]).sequence, 0}, TimePoint{} + 3510ms);
  CHECK_FALSE(s.quiet());
}

TEST_CASE("an ack for any transmission completes the message; only its own frame gives an RTT sample") {
  SrSender s(static_rto());
  s.enqueue(message(1));
  s.enqueue(message(2));
  TimePoint t{};
  std::vector<wire::Buffer> out;
  s.poll(t, out);
  REQUIRE(out.size() == 1);  // a window of one
  t += 500ms;
  out.clear();
  s.poll(t, out);  // the retransmission, numbered 1
  REQUIRE(out.size() == 1);
  CHECK(parse(out[0]).sequence == 1);
  // The first transmission's ack arrives late: the message is done, and that number's RTT
  // (520 ms) is the sample.
  s.on_ack({0, 0}, t + 20ms);
  CHECK(s.in_flight() == 0);
  CHECK(s.rto() >= 520ms);
  CHECK_FALSE(s.quiet());
  // The next message goes out now that the window has room, numbered 2.
  out.clear();
  s.poll(t + 20ms, out);
  REQUIRE(out.size() == 1);
  CHECK(parse(out[0]).sequence == 2);
  CHECK(parse(out[0]).message[0] == 2);
}

TEST_CASE("the received bitmask acks earlier frames; the ICE round trip seeds the RTO") {
  SrLimits l = static_rto(4);
  SrSender s(l, 10ms);
  CHECK(s.rto() == 100ms);  // 10 + 4 * 5 = 30 ms, raised to min_rto
  for (std::uint8_t i = 0; i < 4; ++i) s.enqueue(message(i));
  std::vector<wire::Buffer> out;
  s.poll(TimePoint{}, out);
  REQUIRE(out.size() == 4);
  // An ack of 3 saying 1 and 2 (bits 2 and 1) arrived: three messages done, 0 still out.
  s.on_ack({3, 0b110}, TimePoint{} + 5ms);
  CHECK(s.in_flight() == 1);
}

TEST_CASE("the window grows with acks and halves when a timer fires") {
  SrSender s(static_rto(4));
  for (std::uint8_t i = 0; i < 100; ++i) s.enqueue(message(i));
  TimePoint t{};
  std::vector<wire::Buffer> out;
  s.poll(t, out);
  CHECK(out.size() == 4);
  CHECK(s.window() == 4);
  for (const auto& f : out) s.on_ack({parse(f).sequence, 0}, t + 1ms);
  CHECK(s.window() == 8);  // slow start: one more per acked message
  out.clear();
  s.poll(t + 1ms, out);
  CHECK(out.size() == 8);
  // None of these is acked: their timers fire together, and the window halves once.
  out.clear();
  s.poll(t + 1s, out);
  CHECK(out.size() == 8);  // the retransmissions, no new message
  CHECK(s.window() == 4);
}

TEST_CASE("what waits for the window is bounded") {
  SrLimits l;
  l.max_queued = 3;
  SrSender s(l);
  CHECK(s.enqueue(message(1)));
  CHECK(s.enqueue(message(2)));
  CHECK(s.enqueue(message(3)));
  CHECK_FALSE(s.enqueue(message(4)));
  CHECK(s.queued() == 3);
}

TEST_CASE("over a link that loses a tenth of the datagrams each way, every message arrives") {
  SrSender sender(static_rto(4), 1ms);
  AckWindow receiver;
  std::mt19937 rng(7);
  // Seeded: the same losses every run. (At a third each way, some message of 200 loses all
  // five transmissions or their acks: the link then fails, as section 6.6.3.1 says.)
  auto lost = [&] { return rng() % 10 == 0; };
  std::set<std::uint8_t> delivered;
  for (int i = 0; i < 200; ++i) REQUIRE(sender.enqueue(wire::Buffer{static_cast<std::uint8_t>(i)}));
  TimePoint t{};
  for (int step = 0; step < 20000 && delivered.size() < 200; ++step) {
    t += 10ms;
    std::vector<wire::Buffer> out;
    sender.poll(t, out);
    for (const auto& f : out) {
      if (lost()) continue;
      const auto data = parse(f);
      delivered.insert(data.message[0]);  // a retransmission may arrive twice: the layer above drops repeats
      const wire::FramedAck ack = receiver.on_data(data.sequence);
      if (!lost()) sender.on_ack(ack, t + 2ms);
    }
    REQUIRE_FALSE(sender.failed());
  }
  CHECK(delivered.size() == 200);
}
