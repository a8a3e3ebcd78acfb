// What the server counts a client by: its IPv4 address, or the /64 of its IPv6 address (one
// host or site is usually given a whole /64, so counting single IPv6 addresses would give
// such a client 2^64 shares). An IPv4-mapped IPv6 address counts as the IPv4 address.
#pragma once

#include <string>

#include <boost/asio/ip/address.hpp>

namespace reload::enroll {

inline std::string source_key(const boost::asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return source_key(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6()));
  if (a.is_v4()) {
    auto b = a.to_v4().to_bytes();
    return "4" + std::string(b.begin(), b.end());
  }
  auto b = a.to_v6().to_bytes();
  return "6" + std::string(b.begin(), b.begin() + 8);
}

}  // namespace reload::enroll
