#include "wire/ip_address_port.hpp"

#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>

namespace reload::wire {

namespace {

template <std::size_t N>
void read_addr_port(Reader& data, std::size_t length_at, std::array<std::uint8_t, N>& addr,
                    std::uint16_t& port) {
  // A known type has a fixed size: any other length is a lie, not a newer layout.
  if (data.remaining() != N + 2) {
    data.fail_at(length_at, codec_errc::invalid_value, "IpAddressPort.length");
    return;
  }
  Bytes b = data.take(N, "IpAddressPort.addr");
  std::copy(b.begin(), b.end(), addr.begin());
  port = data.u16("IpAddressPort.port");
}

struct AddressEncoder {
  Writer& w;
  void operator()(const Ipv4AddrPort& a) const {
    w.u8(static_cast<std::uint8_t>(AddressType::ipv4_address));
    w.u8(6);
    w.raw(a.addr);
    w.u16(a.port);
  }
  void operator()(const Ipv6AddrPort& a) const {
    w.u8(static_cast<std::uint8_t>(AddressType::ipv6_address));
    w.u8(18);
    w.raw(a.addr);
    w.u16(a.port);
  }
  void operator()(const UnknownAddress& u) const {
    if (u.type == 0 || u.type == static_cast<std::uint8_t>(AddressType::ipv4_address) ||
        u.type == static_cast<std::uint8_t>(AddressType::ipv6_address))
      w.fail(codec_errc::invalid_value, "IpAddressPort.type");
    w.u8(u.type);
    w.opaque(1, u.data, "IpAddressPort.length");
  }
};

}  // namespace

void decode(Reader& r, IpAddressPort& a, const CodecContext&) {
  std::size_t type_at = r.offset();
  std::uint8_t type = r.u8("IpAddressPort.type");
  std::size_t length_at = r.offset();
  Reader data = r.sub(1, "IpAddressPort.length");
  if (!r.ok()) return;
  switch (static_cast<AddressType>(type)) {
    case AddressType::ipv4_address: {
      Ipv4AddrPort v4;
      read_addr_port(data, length_at, v4.addr, v4.port);
      a = v4;
      break;
    }
    case AddressType::ipv6_address: {
      Ipv6AddrPort v6;
      read_addr_port(data, length_at, v6.addr, v6.port);
      a = v6;
      break;
    }
    default:
      if (type == 0) {
        r.fail_at(type_at, codec_errc::invalid_value, "IpAddressPort.type");
        return;
      }
      a = UnknownAddress{type, data.rest()};
  }
}

void encode(Writer& w, const IpAddressPort& a) { std::visit(AddressEncoder{w}, a); }

std::optional<IpAddressPort> ip_address_port_from(std::string_view address, std::uint16_t port) {
  if (auto v4 = boost::urls::parse_ipv4_address(address)) return Ipv4AddrPort{v4->to_bytes(), port};
  if (auto v6 = boost::urls::parse_ipv6_address(address)) return Ipv6AddrPort{v6->to_bytes(), port};
  return std::nullopt;
}

std::optional<IpAddressPort> ip_address_port_from_string(std::string_view s) {
  auto colon = s.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = s.substr(0, colon);
  std::string_view port_text = s.substr(colon + 1);

  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() ||
      port > 0xffff)
    return std::nullopt;

  // IPv6 needs brackets: without them the port's colon cannot be told from the address's.
  bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  auto a = ip_address_port_from(host, static_cast<std::uint16_t>(port));
  if (!a || std::holds_alternative<Ipv6AddrPort>(*a) != bracketed) return std::nullopt;
  return a;
}

std::string address_to_string(const IpAddressPort& a) {
  // RFC 5952 text for IPv6 ("2001:db8::1"), as Wireshark and asio print it.
  if (const auto* v4 = std::get_if<Ipv4AddrPort>(&a)) return boost::urls::ipv4_address(v4->addr).to_string();
  if (const auto* v6 = std::get_if<Ipv6AddrPort>(&a)) return boost::urls::ipv6_address(v6->addr).to_string();
  return {};
}

std::uint16_t port_of(const IpAddressPort& a) noexcept {
  if (const auto* v4 = std::get_if<Ipv4AddrPort>(&a)) return v4->port;
  if (const auto* v6 = std::get_if<Ipv6AddrPort>(&a)) return v6->port;
  return 0;
}

std::string to_string(const IpAddressPort& a) {
  if (const auto* u = std::get_if<UnknownAddress>(&a))
    return "unknown(" + std::to_string(u->type) + "):" + to_hex(u->data);
  std::string port = std::to_string(port_of(a));
  if (std::holds_alternative<Ipv6AddrPort>(a)) return "[" + address_to_string(a) + "]:" + port;
  return address_to_string(a) + ":" + port;
}

}  // namespace reload::wire
