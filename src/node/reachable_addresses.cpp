#include "node/reachable_addresses.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <memory>

namespace reload::node {

namespace ip = boost::asio::ip;

namespace {

std::vector<ip::address> interface_addresses() {
  std::vector<ip::address> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> owner(list, &freeifaddrs);
  for (const ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || !(i->ifa_flags & IFF_UP)) continue;
    if (i->ifa_addr->sa_family == AF_INET) {
      const auto* a = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      ip::address_v4::bytes_type b;
      std::copy_n(reinterpret_cast<const unsigned char*>(&a->sin_addr), b.size(), b.begin());
      out.emplace_back(ip::address_v4(b));
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      const auto* a = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      ip::address_v6::bytes_type b;
      std::copy_n(reinterpret_cast<const unsigned char*>(&a->sin6_addr), b.size(), b.begin());
      out.emplace_back(ip::address_v6(b));
    }
  }
  return out;
}

}  // namespace

std::vector<ip::address> reachable_addresses(const ip::address& bound) {
  if (!bound.is_unspecified()) return {bound};
  std::vector<ip::address> out;
  for (const auto& a : interface_addresses()) {
    if (a.is_v6() && (bound.is_v4() || a.to_v6().is_link_local() || a.to_v6().is_v4_mapped())) continue;
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  std::stable_partition(out.begin(), out.end(), [](const ip::address& a) { return !a.is_loopback(); });
  if (out.empty()) out.push_back(bound.is_v4() ? ip::address(ip::address_v4::loopback())
                                               : ip::address(ip::address_v6::loopback()));
  return out;
}

}  // namespace reload::node
