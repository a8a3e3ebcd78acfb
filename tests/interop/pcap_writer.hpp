// Writes RELOAD messages into a classic pcap file as Ethernet/IPv4/UDP datagrams, through
// libpcap's own dump functions. For the Wireshark interop test.
#pragma once

#include <cstdint>
#include <string>

#include <pcap/pcap.h>

#include "wire/bytes.hpp"

namespace reload::test {

class PcapWriter {
 public:
  explicit PcapWriter(const std::string& path);  // throws std::runtime_error on failure
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // One UDP datagram 127.0.0.1:src_port -> 127.0.0.1:dst_port carrying `payload`.
  void udp(std::uint16_t src_port, std::uint16_t dst_port, wire::Bytes payload);

 private:
  pcap_t* pcap_ = nullptr;
  pcap_dumper_t* dumper_ = nullptr;
  std::uint32_t seconds_ = 1700000000;
};

}  // namespace reload::test
