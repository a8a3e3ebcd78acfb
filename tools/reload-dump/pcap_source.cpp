#include "pcap_source.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstdio>

#include <fmt/format.h>
#include <pcap/pcap.h>

#include "wire/reader.hpp"

namespace reload::dump {

using wire::Bytes;
using wire::Reader;

namespace {

constexpr std::uint16_t ethertype_ipv4 = 0x0800;
constexpr std::uint16_t ethertype_ipv6 = 0x86dd;
constexpr std::uint8_t ip_tcp = 6;
constexpr std::uint8_t ip_udp = 17;

std::string address(int family, Bytes raw, std::uint16_t port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (!inet_ntop(family, raw.data(), text, sizeof text)) return "?";
  return family == AF_INET6 ? fmt::format("[{}]:{}", text, port) : fmt::format("{}:{}", text, port);
}

std::string cut_short(bool truncated, const char* what) {
  return truncated ? fmt::format("{} cut short by the capture (snaplen)", what)
                   : fmt::format("malformed {}", what);
}

struct Network {
  int family = 0;
  Bytes source;
  Bytes destination;
  std::uint8_t protocol = 0;
  Bytes payload;
};

std::variant<Segment, Skipped> transport(const Network& ip, bool truncated) {
  Reader r(ip.payload);
  if (ip.protocol == ip_udp) {
    std::uint16_t sport = r.u16("source port");
    std::uint16_t dport = r.u16("destination port");
    std::uint16_t length = r.u16("length");
    r.u16("checksum");
    if (!r.ok()) return Skipped{cut_short(truncated, "UDP header")};
    if (length < 8) return Skipped{"malformed UDP header (length below 8)"};
    if (length - 8u > r.remaining()) return Skipped{cut_short(truncated, "UDP datagram")};
    Segment s;
    s.transport = Segment::Transport::udp;
    s.source = address(ip.family, ip.source, sport);
    s.destination = address(ip.family, ip.destination, dport);
    s.source_port = sport;
    s.destination_port = dport;
    s.payload = r.take(length - 8u, "payload");
    return s;
  }
  if (ip.protocol == ip_tcp) {
    std::uint16_t sport = r.u16("source port");
    std::uint16_t dport = r.u16("destination port");
    std::uint32_t seq = r.u32("sequence number");
    r.u32("acknowledgment number");
    std::uint8_t offset = r.u8("data offset");
    std::uint8_t flags = r.u8("flags");
    if (!r.ok()) return Skipped{cut_short(truncated, "TCP header")};
    std::size_t header = std::size_t{offset} / 16 * 4;
    if (header < 20 || header > ip.payload.size())
      return Skipped{cut_short(truncated && header >= 20, "TCP header")};
    Segment s;
    s.transport = Segment::Transport::tcp;
    s.source = address(ip.family, ip.source, sport);
    s.destination = address(ip.family, ip.destination, dport);
    s.source_port = sport;
    s.destination_port = dport;
    s.payload = ip.payload.subspan(header);
    s.seq = seq;
    s.fin = flags & 0x01;
    s.syn = flags & 0x02;
    s.rst = flags & 0x04;
    return s;
  }
  switch (ip.protocol) {
    case 1: return Skipped{"ICMP"};
    case 58: return Skipped{"ICMPv6"};
    default: return Skipped{fmt::format("IP protocol {}", ip.protocol)};
  }
}

std::variant<Segment, Skipped> ipv4(Bytes packet, bool truncated) {
  Reader r(packet);
  std::uint8_t version_ihl = r.u8("version");
  r.u8("tos");
  std::uint16_t total = r.u16("total length");
  r.u16("identification");
  std::uint16_t fragment = r.u16("fragment");
  r.u8("ttl");
  Network ip;
  ip.family = AF_INET;
  ip.protocol = r.u8("protocol");
  r.u16("checksum");
  ip.source = r.take(4, "source");
  ip.destination = r.take(4, "destination");
  if (!r.ok()) return Skipped{cut_short(truncated, "IPv4 header")};
  std::size_t ihl = std::size_t{version_ihl & 0x0fu} * 4;
  if ((version_ihl >> 4) != 4 || ihl < 20 || total < ihl)
    return Skipped{"malformed IPv4 header"};
  if (total > packet.size()) return Skipped{cut_short(truncated, "IPv4 packet")};
  if (fragment & 0x3fff) return Skipped{"IPv4 fragment, not reassembled"};
  ip.payload = packet.subspan(ihl, total - ihl);
  return transport(ip, truncated);
}

std::variant<Segment, Skipped> ipv6(Bytes packet, bool truncated) {
  Reader r(packet);
  std::uint8_t version = r.u8("version");
  r.take(3, "flow");
  std::uint16_t payload_length = r.u16("payload length");
  Network ip;
  ip.family = AF_INET6;
  std::uint8_t next = r.u8("next header");
  r.u8("hop limit");
  ip.source = r.take(16, "source");
  ip.destination = r.take(16, "destination");
  if (!r.ok()) return Skipped{cut_short(truncated, "IPv6 header")};
  if ((version >> 4) != 6) return Skipped{"malformed IPv6 header"};
  if (payload_length > r.remaining()) return Skipped{cut_short(truncated, "IPv6 packet")};
  Reader body = r.sub_fixed(payload_length, "payload");
  // Extension headers: hop-by-hop (0), routing (43), destination options (60), AH (51).
  for (int guard = 0; guard < 16; ++guard) {
    if (next == 44) return Skipped{"IPv6 fragment, not reassembled"};
    if (next != 0 && next != 43 && next != 60 && next != 51) break;
    std::uint8_t following = body.u8("next header");
    std::uint8_t length = body.u8("header length");
    std::size_t size = next == 51 ? (std::size_t{length} + 2) * 4 : (std::size_t{length} + 1) * 8;
    body.take(size - 2, "extension header");
    if (!body.ok()) return Skipped{cut_short(truncated, "IPv6 extension header")};
    next = following;
  }
  ip.protocol = next;
  ip.payload = body.rest();
  return transport(ip, truncated);
}

std::variant<Segment, Skipped> by_ethertype(std::uint16_t type, Bytes rest, bool truncated) {
  if (type == ethertype_ipv4) return ipv4(rest, truncated);
  if (type == ethertype_ipv6) return ipv6(rest, truncated);
  if (type == 0x0806) return Skipped{"ARP (ethertype 0x0806)"};
  return Skipped{fmt::format("ethertype 0x{:04x}, not IP", type)};
}

// Raw IP: the version nibble tells IPv4 from IPv6.
std::variant<Segment, Skipped> by_version(Bytes packet, bool truncated) {
  if (packet.empty()) return Skipped{"empty packet"};
  switch (packet[0] >> 4) {
    case 4: return ipv4(packet, truncated);
    case 6: return ipv6(packet, truncated);
    default: return Skipped{fmt::format("IP version {}", packet[0] >> 4)};
  }
}

}  // namespace

std::variant<Segment, Skipped> parse_frame(int link_type, Bytes frame, bool truncated) {
  Reader r(frame);
  switch (link_type) {
    case 1: {  // DLT_EN10MB
      r.take(12, "addresses");
      std::uint16_t type = r.u16("ethertype");
      // 802.1Q, 802.1ad and the old QinQ tag: tag control(2), then the real ethertype.
      for (int tags = 0; r.ok() && tags < 8 && (type == 0x8100 || type == 0x88a8 || type == 0x9100);
           ++tags) {
        r.u16("vlan tag");
        type = r.u16("ethertype");
      }
      if (!r.ok()) return Skipped{cut_short(truncated, "Ethernet header")};
      if (type <= 1500) return Skipped{"IEEE 802.3 frame, not IP"};
      return by_ethertype(type, r.rest(), truncated);
    }
    case 113: {  // DLT_LINUX_SLL
      r.take(14, "sll header");
      std::uint16_t type = r.u16("protocol");
      if (!r.ok()) return Skipped{cut_short(truncated, "Linux cooked header")};
      return by_ethertype(type, r.rest(), truncated);
    }
    case 276: {  // DLT_LINUX_SLL2
      std::uint16_t type = r.u16("protocol");
      r.take(18, "sll2 header");
      if (!r.ok()) return Skipped{cut_short(truncated, "Linux cooked v2 header")};
      return by_ethertype(type, r.rest(), truncated);
    }
    case 0:     // DLT_NULL: address family in the capturing host's byte order
    case 108:   // DLT_LOOP: the same in network byte order
      r.take(4, "address family");
      if (!r.ok()) return Skipped{cut_short(truncated, "loopback header")};
      return by_version(r.rest(), truncated);
    case 12:    // DLT_RAW (Linux)
    case 14:    // DLT_RAW (OpenBSD)
    case 101:   // LINKTYPE_RAW
      return by_version(frame, truncated);
    case 228:  // DLT_IPV4
      return ipv4(frame, truncated);
    case 229:  // DLT_IPV6
      return ipv6(frame, truncated);
    default:
      return Skipped{fmt::format("link type {} ({}) is not supported", link_type,
                                 pcap_datalink_val_to_name(link_type)
                                     ? pcap_datalink_val_to_name(link_type)
                                     : "unknown")};
  }
}

void Capture::Closer::operator()(pcap* p) const noexcept { pcap_close(p); }

std::optional<Capture> Capture::open(Bytes file, std::string& error) {
  // libpcap reads from a FILE*, so the bytes in memory become one (glibc's fmemopen does not
  // write to a buffer opened "rb"). pcap_close() closes it.
  std::FILE* f = fmemopen(const_cast<std::uint8_t*>(file.data()), file.size(), "rb");
  if (!f) {
    error = "cannot read the capture from memory";
    return std::nullopt;
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_fopen_offline(f, errbuf);
  if (!p) {
    std::fclose(f);
    error = fmt::format("not a readable capture: {}", errbuf);
    return std::nullopt;
  }
  return Capture(p);
}

std::optional<Capture::Frame> Capture::next(std::string& error) {
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int rc = pcap_next_ex(pcap_.get(), &header, &data);
  if (rc == 1) return Frame{Bytes(data, header->caplen), header->len};
  if (rc == PCAP_ERROR) error = fmt::format("capture file: {}", pcap_geterr(pcap_.get()));
  return std::nullopt;
}

int Capture::link_type() const noexcept { return pcap_datalink(pcap_.get()); }

}  // namespace reload::dump
