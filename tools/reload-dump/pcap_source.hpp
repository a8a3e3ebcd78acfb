// Reading capture files (pcap and pcapng, through libpcap) and taking each captured frame
// apart down to its UDP or TCP payload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "wire/bytes.hpp"

struct pcap;

namespace reload::dump {

// One UDP datagram or TCP segment.
struct Segment {
  enum class Transport { udp, tcp };
  Transport transport = Transport::udp;
  std::string source;       // "127.0.0.1:40000", "[::1]:6084"
  std::string destination;
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
  wire::Bytes payload;      // a view into the captured frame
  // TCP only.
  std::uint32_t seq = 0;
  bool syn = false;
  bool fin = false;
  bool rst = false;
};

// A captured frame that carries no UDP or TCP payload we can read, and why
// ("ARP (ethertype 0x0806)", "IPv4 fragment, not reassembled", "ICMP (IP protocol 1)").
struct Skipped {
  std::string reason;
};

// Link types: Ethernet (with 802.1Q/802.1ad VLAN tags), Linux cooked SLL and SLL2, raw IP
// (DLT_RAW, IPv4, IPv6) and BSD loopback (NULL, LOOP). IPv4 and IPv6 (with extension headers).
// `truncated` says that the capture kept fewer bytes than were on the wire (snaplen).
std::variant<Segment, Skipped> parse_frame(int link_type, wire::Bytes frame, bool truncated);

// A capture file held in memory (pcap or pcapng: libpcap tells them apart).
class Capture {
 public:
  // nullopt and a one-line reason when libpcap cannot read it.
  static std::optional<Capture> open(wire::Bytes file, std::string& error);

  struct Frame {
    wire::Bytes data;             // valid until the next call to next()
    std::size_t wire_length = 0;  // as it was on the wire (data may be shorter)
  };
  // The next frame; nullopt at the end, or when the file is broken (then `error` is set).
  std::optional<Frame> next(std::string& error);
  int link_type() const noexcept;

 private:
  struct Closer {
    void operator()(pcap* p) const noexcept;
  };
  explicit Capture(pcap* p) : pcap_(p) {}
  std::unique_ptr<pcap, Closer> pcap_;
};

}  // namespace reload::dump
