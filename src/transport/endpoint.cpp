#include "transport/endpoint.hpp"

namespace reload::transport {

namespace ip = boost::asio::ip;

std::optional<ip::tcp::endpoint> to_endpoint(const wire::IpAddressPort& a) {
  if (const auto* v4 = std::get_if<wire::Ipv4AddrPort>(&a)) return ip::tcp::endpoint(ip::address_v4(v4->addr), v4->port);
  if (const auto* v6 = std::get_if<wire::Ipv6AddrPort>(&a)) return ip::tcp::endpoint(ip::address_v6(v6->addr), v6->port);
  return std::nullopt;
}

std::optional<ip::tcp::endpoint> parse_endpoint(std::string_view text) {
  auto a = wire::ip_address_port_from_string(text);
  if (!a) return std::nullopt;
  return to_endpoint(*a);
}

}  // namespace reload::transport
