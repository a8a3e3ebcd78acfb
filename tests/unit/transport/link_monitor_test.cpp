#include "transport/link_monitor.hpp"

#include <doctest/doctest.h>

#include "wire/codec.hpp"

using namespace reload;
using namespace reload::transport;
using namespace std::chrono_literals;

namespace {
wire::FramedMessage parse(const wire::Buffer& b) {
  return wire::decode_exact<wire::FramedMessage>(b, wire::CodecContext{}).value();
}
wire::FramedAck ack_for(LinkMonitor& receiver, std::uint32_t seq, TimePoint now) {
  wire::Buffer payload{0xd2};
  wire::Buffer out;
  auto delivered = receiver.on_frame(wire::FramedData{seq, payload}, now, out);
  REQUIRE(delivered);
  CHECK(delivered->size() == 1);
  return std::get<wire::FramedAck>(parse(out));
}
}  // namespace

TEST_CASE("data frames are numbered from zero, one more per message") {
  LinkMonitor m;
  wire::Buffer msg{1, 2, 3};
  for (std::uint32_t i = 0; i < 3; ++i) {
    wire::Buffer out;
    m.frame_message(msg, TimePoint{}, out);
    auto f = std::get<wire::FramedData>(parse(out));
    CHECK(f.sequence == i);
    CHECK(f.message.size() == 3);
  }
  CHECK(m.unacked() == 3);
}

TEST_CASE("every data frame is acked with the bitmask of the previous sequence numbers") {
  LinkMonitor r;
  TimePoint t{};
  CHECK(ack_for(r, 0, t).received == 0);
  CHECK(ack_for(r, 1, t).received == 0b10);        // 0 was seen: bit 1
  CHECK(ack_for(r, 2, t).received == 0b110);       // 1 and 0: bits 1 and 2
  auto gap = ack_for(r, 5, t);                     // 3 and 4 lost
  CHECK(gap.ack_sequence == 5);
  CHECK(gap.received == ((1u << 3) | (1u << 4) | (1u << 5)));
  auto late = ack_for(r, 4, t);                    // 4 arrives late: 0..2 seen, 3 not
  CHECK(late.received == ((1u << 2) | (1u << 3) | (1u << 4)));
  auto far = ack_for(r, 100, t);                   // nothing within 31 before
  CHECK(far.received == 0);
}

TEST_CASE("acks give RTT samples and an RFC 6298 RTO; health follows unanswered frames") {
  LinkTimers timers;
  timers.min_rto = 200ms;
  timers.keepalive_after = 5s;
  timers.failure_after = 30s;
  LinkMonitor m(timers);
  TimePoint t{};
  wire::Buffer out, ignored;
  m.frame_message(wire::Buffer{1}, t, out);
  m.on_frame(wire::FramedAck{0, 0}, t + 100ms, ignored);
  REQUIRE(m.smoothed_rtt());
  CHECK(*m.smoothed_rtt() == 100ms);
  CHECK(m.rto() == 300ms);  // SRTT 100 + 4 * RTTVAR 50
  CHECK(m.unacked() == 0);

  TimePoint next;
  out.clear();
  m.frame_message(wire::Buffer{2}, t + 1s, out);
  CHECK(m.periodic(t + 1s + 299ms, out, next) == LinkHealth::healthy);
  CHECK(next == t + 1s + 300ms);
  CHECK(m.periodic(t + 1s + 300ms, out, next) == LinkHealth::suspect);
  out.clear();
  // Quiet for 5 s: a keepalive (an empty data frame) goes out.
  CHECK(m.periodic(t + 6s, out, next) == LinkHealth::suspect);
  auto keepalive = std::get<wire::FramedData>(parse(out));
  CHECK(keepalive.message.empty());
  CHECK(m.periodic(t + 31s, out, next) == LinkHealth::failed);
}

TEST_CASE("an ack for frame N answers the frames before it too") {
  LinkMonitor m;
  wire::Buffer out, ignored;
  for (int i = 0; i < 4; ++i) m.frame_message(wire::Buffer{1}, TimePoint{}, out);
  m.on_frame(wire::FramedAck{2, 0}, TimePoint{} + 10ms, ignored);
  CHECK(m.unacked() == 1);
}

TEST_CASE("nothing received for the idle timeout fails the link") {
  LinkTimers timers;
  timers.idle_timeout = 60s;
  LinkMonitor m(timers);
  TimePoint t{};
  wire::Buffer out, ack;
  TimePoint next;
  m.on_frame(wire::FramedData{0, {}}, t, ack);
  CHECK(m.periodic(t + 59s, out, next) != LinkHealth::failed);
  CHECK(m.periodic(t + 60s, out, next) == LinkHealth::failed);
}

TEST_CASE("a link is overdue while its oldest frame waits past the RTO, and not once it is acked") {
  LinkMonitor m;  // no RTT sample yet: the initial RTO, 1 s
  TimePoint t{};
  wire::Buffer out, ignored;
  CHECK_FALSE(m.overdue(t));
  m.frame_message(wire::Buffer{1}, t, out);
  m.frame_message(wire::Buffer{2}, t + 500ms, out);
  CHECK_FALSE(m.overdue(t + 999ms));
  CHECK(m.overdue(t + 1s));
  m.on_frame(wire::FramedAck{0, 0}, t + 1200ms, ignored);  // the second frame is 700 ms old
  CHECK_FALSE(m.overdue(t + 1200ms));
  CHECK(m.overdue(t + 500ms + m.rto()));
  m.on_frame(wire::FramedAck{1, 0}, t + 1300ms, ignored);
  CHECK_FALSE(m.overdue(t + 60s));
}
