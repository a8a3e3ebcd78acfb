// Between the codec's IpAddressPort and Asio's TCP endpoint, and the "ADDR:PORT" text of
// command lines ("192.0.2.1:6084", "[2001:db8::1]:6084"), which the codec already parses.
#pragma once

#include <optional>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>

#include "wire/ip_address_port.hpp"

namespace reload::transport {

std::optional<boost::asio::ip::tcp::endpoint> to_endpoint(const wire::IpAddressPort& a);
std::optional<boost::asio::ip::tcp::endpoint> parse_endpoint(std::string_view text);

}  // namespace reload::transport
