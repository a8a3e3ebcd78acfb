#include "node/transaction_table.hpp"

#include <doctest/doctest.h>

using namespace reload::node;
using namespace std::chrono_literals;

TEST_CASE("a request is sent 5 times in all, the wait doubling, then fails") {
  TransactionTable t(ReliabilitySettings{3000ms, 5, true});
  TimePoint t0{};
  REQUIRE(t.start(42, {1, 2, 3}, t0));
  CHECK_FALSE(t.start(42, {9}, t0));  // ids are unique while pending
  TransactionTable::Due due;
  CHECK(t.periodic(t0 + 2999ms, due) == t0 + 3000ms);
  CHECK(due.resend.empty());
  // Retransmissions at 3 s, then 6 s, 12 s and 24 s later: 3, 9, 21, 45; failure at 93.
  TimePoint at = t0;
  std::chrono::milliseconds wait = 3000ms;
  for (int retransmission = 1; retransmission <= 4; ++retransmission) {
    at += wait;
    auto next = t.periodic(at, due);
    REQUIRE(due.resend.size() == 1);
    CHECK(due.resend[0].first == 42);
    CHECK(due.resend[0].second.size() == 3);
    CHECK(due.failed.empty());
    wait *= 2;
    CHECK(next == at + wait);
  }
  CHECK(at == t0 + 45s);
  CHECK(t.periodic(at + wait - 1ms, due) == at + wait);
  CHECK(due.failed.empty());
  CHECK_FALSE(t.periodic(at + wait, due).has_value());
  CHECK(due.failed == std::vector<std::uint64_t>{42});
  CHECK(t.pending() == 0);
}

TEST_CASE("a response ends the transaction; a late or unknown one is reported as such") {
  TransactionTable t;
  TimePoint t0{};
  t.start(1, {1}, t0);
  t.start(2, {2}, t0 + 1s);
  CHECK(t.complete(1));
  CHECK_FALSE(t.complete(1));
  CHECK_FALSE(t.complete(99));
  TransactionTable::Due due;
  CHECK(t.periodic(t0 + 1s, due) == t0 + 4s);  // only request 2 is left
  t.cancel(2);
  CHECK_FALSE(t.periodic(t0 + 10s, due).has_value());
  CHECK(due.resend.empty());
  CHECK(due.failed.empty());
}

TEST_CASE("without back-off every wait is the timer") {
  TransactionTable t(ReliabilitySettings{1000ms, 3, false});
  TimePoint t0{};
  t.start(5, {5}, t0);
  TransactionTable::Due due;
  CHECK(t.periodic(t0 + 1s, due) == t0 + 2s);
  CHECK(t.periodic(t0 + 2s, due) == t0 + 3s);
  CHECK_FALSE(t.periodic(t0 + 3s, due).has_value());
  CHECK(due.failed.size() == 1);
}

TEST_CASE("a request limited to one transmission fails after the first wait, alone") {
  TransactionTable t(ReliabilitySettings{3000ms, 5, true});
  TimePoint t0{};
  REQUIRE(t.start(7, {7}, t0, 1));
  REQUIRE(t.start(8, {8}, t0));
  TransactionTable::Due due;
  CHECK(t.periodic(t0 + 3s, due) == t0 + 9s);  // request 8 waits 6 s more
  CHECK(due.failed == std::vector<std::uint64_t>{7});
  REQUIRE(due.resend.size() == 1);
  CHECK(due.resend[0].first == 8);
}

TEST_CASE("a cap above the settings' leaves the settings' number of transmissions") {
  TransactionTable t(ReliabilitySettings{1000ms, 2, false});
  TimePoint t0{};
  REQUIRE(t.start(9, {9}, t0, 50));
  TransactionTable::Due due;
  CHECK(t.periodic(t0 + 1s, due) == t0 + 2s);
  CHECK(due.resend.size() == 1);
  CHECK_FALSE(t.periodic(t0 + 2s, due).has_value());
  CHECK(due.failed == std::vector<std::uint64_t>{9});
}
