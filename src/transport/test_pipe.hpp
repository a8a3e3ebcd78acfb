// An in-memory byte pipe for tests, modelled on Boost.Beast's test::stream: its two ends
// are ByteChannels to put under TlsSockets (so a real TLS link runs over it), and the test
// keeps the pipe to inject what networks and peers do: the nth write fails, an end stops
// reading (its peer's bytes pile up to the capacity, then its peer's writes block), an end
// shuts down its sending side (half-close).
//
// Everything runs on one executor, the one given to the pipe. Built into the tests only.
#pragma once

#include <cstddef>
#include <memory>

#include "transport/byte_channel.hpp"

namespace reload::transport {

class TestPipe {
 public:
  enum End : unsigned { a = 0, b = 1 };

  // `capacity`: what one direction holds before its writer blocks, as a socket's buffers.
  explicit TestPipe(asio::any_io_executor executor, std::size_t capacity = 64 * 1024);

  // The channel of one end (once per end). It keeps the pipe's state alive.
  std::unique_ptr<ByteChannel> channel(End end);

  // The nth write on `end` from now on (1: the next) fails with `ec`, and every one after it.
  void fail_write(End end, std::size_t nth, boost::system::error_code ec);
  // `end` reads nothing until resume_reading(); what is sent to it stays in the pipe.
  void stop_reading(End end);
  void resume_reading(End end);
  // Half-close: the other end reads what is left and then end-of-stream; writes on `end` fail.
  void shutdown_send(End end);
  // Bytes sent toward `end` that it has not read.
  std::size_t unread(End end) const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace reload::transport
