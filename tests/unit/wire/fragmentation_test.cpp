#include "wire/fragmentation.hpp"

#include <algorithm>
#include <random>

#include <doctest/doctest.h>

#include "wire/header_view.hpp"
#include "wire/message.hpp"

using namespace reload;
using namespace reload::wire;
using namespace std::chrono_literals;

namespace {
Buffer big_message(std::size_t body_size, std::uint64_t txid = 77) {
  static Buffer body;
  body.resize(body_size);
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<std::uint8_t>(i * 7 + 3);
  Message m;
  m.header.transaction_id = txid;
  m.header.destination_list = {*NodeId::from_hex("000102030405060708090a0b0c0d0e0f")};
  m.contents.message_code = 0x17;
  m.contents.message_body = body;
  return encode_message(m).value();
}
const auto t0 = Reassembler::Clock::time_point{};
}  // namespace

TEST_CASE("fragments are equal-sized, carry the header, and reassemble in any order") {
  auto whole = big_message(3000);
  auto frags = fragment_message(whole, 1200).value();
  REQUIRE(frags.size() == 3);
  for (const auto& f : frags) {
    CHECK(f.size() <= 1200);
    auto h = peek_header(f).value();
    CHECK(h.length == f.size());
    CHECK(h.transaction_id == 77);
  }
  CHECK(peek_header(frags.back()).value().is_whole() == false);
  CHECK((peek_header(frags.back()).value().fragment & fragment_last) != 0);
  CHECK((peek_header(frags.front()).value().fragment & fragment_last) == 0);
  CHECK(frags[0].size() - frags[1].size() <= 1);

  std::vector<std::size_t> order{0, 1, 2};
  do {
    Reassembler r;
    boost::system::error_code ec;
    std::optional<Buffer> got;
    for (auto i : order) {
      REQUIRE_FALSE(got);
      got = r.add(frags[i], t0, ec);
      REQUIRE_FALSE(ec);
    }
    REQUIRE(got);
    CHECK(*got == whole);
    CHECK(r.pending() == 0);
    CHECK(r.bytes_held() == 0);
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST_CASE("a fragment split again on the way keeps its place, and only the piece that ends the message is last") {
  auto whole = big_message(3000);
  auto first = fragment_message(whole, 1200).value();
  REQUIRE(first.size() == 3);
  std::vector<Buffer> pieces;
  for (const auto& f : first) {
    auto again = fragment_message(f, 700).value();  // a smaller link further on
    CHECK(again.size() == 2);
    for (auto& p : again) {
      CHECK(p.size() <= 700);
      pieces.push_back(std::move(p));
    }
  }
  std::size_t last = 0;
  for (const auto& p : pieces) last += (peek_header(p).value().fragment & fragment_last) != 0;
  CHECK(last == 1);
  CHECK((peek_header(pieces.back()).value().fragment & fragment_last) != 0);
  std::mt19937 shuffle(7);
  std::shuffle(pieces.begin(), pieces.end(), shuffle);
  Reassembler r;
  boost::system::error_code ec;
  std::optional<Buffer> got;
  for (const auto& p : pieces) {
    REQUIRE_FALSE(got);
    got = r.add(p, t0, ec);
    REQUIRE_FALSE(ec);
  }
  REQUIRE(got);
  CHECK(*got == whole);
}

TEST_CASE("a message that fits passes through whole") {
  auto whole = big_message(100);
  auto frags = fragment_message(whole, 1200).value();
  REQUIRE(frags.size() == 1);
  CHECK(frags[0] == whole);
  Reassembler r;
  boost::system::error_code ec;
  CHECK(r.add(whole, t0, ec) == whole);
}

TEST_CASE("duplicates and overlapping re-cut fragments with equal bytes are fine") {
  auto whole = big_message(3000);
  auto a = fragment_message(whole, 1200).value();
  auto b = fragment_message(whole, 900).value();
  Reassembler r(ReassemblyLimits{100000, 100000, 15s});
  boost::system::error_code ec;
  CHECK_FALSE(r.add(a[0], t0, ec));
  CHECK_FALSE(r.add(a[0], t0, ec));
  CHECK_FALSE(r.add(b[1], t0, ec));
  CHECK_FALSE(ec);
  std::optional<Buffer> got;
  for (std::size_t i = 2; i < b.size(); ++i) got = r.add(b[i], t0, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(got);
  CHECK(*got == whole);
}

TEST_CASE("conflicting fragments drop the message") {
  auto whole = big_message(3000);
  auto frags = fragment_message(whole, 1200).value();
  Reassembler r(ReassemblyLimits{100000, 100000, 15s});
  boost::system::error_code ec;
  r.add(frags[0], t0, ec);
  Buffer evil = frags[0];
  REQUIRE_FALSE(evil.empty());
  evil.at(evil.size() - 1) ^= 0xff;  // the last payload byte
  CHECK_FALSE(r.add(evil, t0, ec));
  CHECK(ec == codec_errc::fragment_conflict);
  CHECK(r.pending() == 0);
  CHECK(r.bytes_held() == 0);
}

TEST_CASE("memory bounds: per message and in total") {
  auto whole = big_message(3000);
  auto frags = fragment_message(whole, 1200).value();
  boost::system::error_code ec;
  {
    Reassembler r(ReassemblyLimits{2000, 100000, 15s});  // message larger than allowed
    r.add(frags[0], t0, ec);
    CHECK_FALSE(ec);
    r.add(frags[2], t0, ec);
    CHECK(ec == codec_errc::reassembly_limit);
    CHECK(r.bytes_held() == 0);
  }
  {
    Reassembler r(ReassemblyLimits{100000, 2500, 15s});  // many partial messages
    for (std::uint64_t tx = 1; tx <= 5; ++tx) {
      auto f = fragment_message(big_message(3000, tx), 1200).value();
      r.add(f[0], t0, ec);
    }
    CHECK(r.bytes_held() <= 2500);
    CHECK(r.pending() < 5);
  }
}

TEST_CASE("partial messages expire after the request lifetime") {
  auto frags = fragment_message(big_message(3000), 1200).value();
  Reassembler r(ReassemblyLimits{100000, 100000, 15s});
  boost::system::error_code ec;
  r.add(frags[0], t0, ec);
  auto next = r.expire(t0 + 10s);
  REQUIRE(next);
  CHECK(*next == t0 + 15s);
  CHECK(r.pending() == 1);
  CHECK_FALSE(r.expire(t0 + 15s));
  CHECK(r.pending() == 0);
  CHECK(r.bytes_held() == 0);
}

TEST_CASE("a header too large for 256 bytes of body cannot be fragmented") {
  auto whole = big_message(3000);
  CHECK(fragment_message(whole, 200).error() == codec_errc::invalid_value);
}
