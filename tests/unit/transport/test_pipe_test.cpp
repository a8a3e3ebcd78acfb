// The in-memory pipe on its own: bytes, back-pressure and each injected fault.
#include "transport/test_pipe.hpp"

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <array>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>

using reload::transport::ByteChannel;
using reload::transport::TestPipe;
using boost::system::error_code;
namespace asio = boost::asio;

namespace {

struct Pipe {
  asio::io_context io;
  TestPipe pipe{io.get_executor(), 8};
  std::unique_ptr<ByteChannel> a = pipe.channel(TestPipe::a), b = pipe.channel(TestPipe::b);

  std::size_t write(ByteChannel& c, std::size_t n, error_code& ec) {
    std::vector<std::uint8_t> bytes(n, 7);
    return c.write_some(bytes, ec);
  }
  std::size_t read(ByteChannel& c, error_code& ec) {
    std::array<std::uint8_t, 64> into{};
    return c.read_some(into, ec);
  }
  // Whether a wait() for `what` on `c` finishes without the other end doing anything.
  bool ready(ByteChannel& c, asio::socket_base::wait_type what) {
    bool done = false;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> { co_await c.wait(what); done = true; }, asio::detached);
    io.restart();
    io.poll();
    return done;
  }
};

}  // namespace

TEST_CASE("a full direction blocks its writer until the other end reads") {
  Pipe p;
  error_code ec;
  CHECK(p.write(*p.a, 20, ec) == 8);  // the capacity
  CHECK_FALSE(ec);
  CHECK(p.write(*p.a, 1, ec) == 0);
  CHECK(ec == asio::error::would_block);
  CHECK_FALSE(p.ready(*p.a, asio::socket_base::wait_write));
  CHECK(p.read(*p.b, ec) == 8);
  p.io.poll();  // the read woke the writer's wait
  CHECK(p.pipe.unread(TestPipe::b) == 0);
  CHECK(p.read(*p.b, ec) == 0);
  CHECK(ec == asio::error::would_block);
  p.io.run();  // the wait left pending above has finished
}

TEST_CASE("the nth write fails with the injected error, and every one after it") {
  Pipe p;
  error_code ec;
  p.pipe.fail_write(TestPipe::a, 2, asio::error::connection_reset);
  CHECK(p.write(*p.a, 3, ec) == 3);
  CHECK(p.write(*p.a, 3, ec) == 0);
  CHECK(ec == asio::error::connection_reset);
  CHECK(p.write(*p.a, 3, ec) == 0);
  CHECK(ec == asio::error::connection_reset);
  CHECK(p.pipe.unread(TestPipe::b) == 3);
}

TEST_CASE("an end that stops reading sees nothing until it resumes") {
  Pipe p;
  error_code ec;
  p.pipe.stop_reading(TestPipe::b);
  CHECK(p.write(*p.a, 5, ec) == 5);
  CHECK(p.read(*p.b, ec) == 0);
  CHECK(ec == asio::error::would_block);
  CHECK_FALSE(p.ready(*p.b, asio::socket_base::wait_read));
  p.pipe.resume_reading(TestPipe::b);
  p.io.poll();
  CHECK(p.read(*p.b, ec) == 5);
}

TEST_CASE("half-close: the other end reads what is left, then end-of-stream; a closed end looks the same") {
  Pipe p;
  error_code ec;
  CHECK(p.write(*p.a, 5, ec) == 5);
  p.pipe.shutdown_send(TestPipe::a);
  CHECK(p.write(*p.a, 1, ec) == 0);
  CHECK(ec == asio::error::broken_pipe);
  CHECK(p.read(*p.b, ec) == 5);
  CHECK(p.read(*p.b, ec) == 0);
  CHECK(ec == asio::error::eof);
  CHECK(p.write(*p.b, 2, ec) == 2);  // the other direction still works
  p.b->close();
  CHECK(p.write(*p.a, 1, ec) == 0);
  CHECK(p.read(*p.a, ec) == 2);
  CHECK(p.read(*p.a, ec) == 0);
  CHECK(ec == asio::error::eof);
  CHECK(p.ready(*p.b, asio::socket_base::wait_read));  // a closed end's wait ends at once
}
