#include "transport/byte_channel.hpp"

#include <boost/asio/error.hpp>

namespace reload::transport {

asio::awaitable<boost::system::error_code> ByteChannel::async_read_some(
    std::span<std::uint8_t> into, std::size_t& n) {
  for (;;) {
    boost::system::error_code ec;
    n = read_some(into, ec);
    if (ec != asio::error::would_block) co_return ec;
    if (ec = co_await wait(asio::socket_base::wait_read); ec) co_return ec;
  }
}

}  // namespace reload::transport
