// IpAddressPort (RFC 6940 section 6.3.1.1).
//
//   IpAddressPort = type(1) | length(1) | select(type)
//     ipv4_address(1): addr(4) | port(2)     length 6    e.g. 01 06 c0000201 17c4
//     ipv6_address(2): addr(16) | port(2)    length 18
// The length byte lets a reader skip an address type it does not know, so an unknown type is
// kept with its bytes and re-encodes unchanged; for a known type the length must be exact.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"
#include "wire/describe.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

enum class AddressType : std::uint8_t { ipv4_address = 1, ipv6_address = 2 };

struct Ipv4AddrPort {
  std::array<std::uint8_t, 4> addr{};  // network byte order
  std::uint16_t port = 0;
  friend bool operator==(const Ipv4AddrPort&, const Ipv4AddrPort&) = default;
};

struct Ipv6AddrPort {
  std::array<std::uint8_t, 16> addr{};  // network byte order
  std::uint16_t port = 0;
  friend bool operator==(const Ipv6AddrPort&, const Ipv6AddrPort&) = default;
};

struct UnknownAddress {  // a type this codec does not know, kept as it came
  std::uint8_t type = 0;
  Bytes data;
  friend bool operator==(const UnknownAddress& a, const UnknownAddress& b) {
    return a.type == b.type && equal_bytes(a.data, b.data);
  }
};

using IpAddressPort = std::variant<Ipv4AddrPort, Ipv6AddrPort, UnknownAddress>;

void decode(Reader& r, IpAddressPort& a, const CodecContext& ctx);
void encode(Writer& w, const IpAddressPort& a);

// From "192.0.2.1:6084" or "[2001:db8::1]:6084"; nullopt for anything else (no host names,
// no IPv6 scope ids, no port outside 0..65535).
std::optional<IpAddressPort> ip_address_port_from_string(std::string_view s);
// From an address literal ("192.0.2.1", "2001:db8::1") and a port.
std::optional<IpAddressPort> ip_address_port_from(std::string_view address, std::uint16_t port);
// "192.0.2.1:6084", "[2001:db8::1]:6084"; an unknown type prints as "unknown(7):<hex>".
std::string to_string(const IpAddressPort& a);
// The address alone ("192.0.2.1", "2001:db8::1"), as asio::ip::make_address takes it;
// empty for an unknown type.
std::string address_to_string(const IpAddressPort& a);
// The port; 0 for an unknown type.
std::uint16_t port_of(const IpAddressPort& a) noexcept;

BOOST_DESCRIBE_ENUM(AddressType, ipv4_address, ipv6_address)
RELOAD_WIRE_DESCRIBE(Ipv4AddrPort, (addr, port))
RELOAD_WIRE_DESCRIBE(Ipv6AddrPort, (addr, port))
RELOAD_WIRE_DESCRIBE(UnknownAddress, (type, data))

}  // namespace reload::wire
