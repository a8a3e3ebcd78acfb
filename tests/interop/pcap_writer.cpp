#include "pcap_writer.hpp"

#include <stdexcept>

namespace reload::test {

PcapWriter::PcapWriter(const std::string& path) {
  pcap_ = pcap_open_dead(DLT_EN10MB, 65535);
  if (!pcap_) throw std::runtime_error("pcap_open_dead failed");
  dumper_ = pcap_dump_open(pcap_, path.c_str());
  if (!dumper_) {
    std::string why = pcap_geterr(pcap_);
    pcap_close(pcap_);
    throw std::runtime_error("cannot write " + path + ": " + why);
  }
}

PcapWriter::~PcapWriter() {
  pcap_dump_close(dumper_);
  pcap_close(pcap_);
}

void PcapWriter::udp(std::uint16_t src_port, std::uint16_t dst_port, wire::Bytes payload) {
  wire::Buffer p;
  auto u16 = [&p](std::size_t v) {
    p.push_back(static_cast<std::uint8_t>(v >> 8));
    p.push_back(static_cast<std::uint8_t>(v));
  };
  // Ethernet: locally administered MACs, type IPv4.
  for (std::uint8_t b : {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1}) p.push_back(b);
  u16(0x0800);
  // IPv4 header, 20 bytes, then its checksum.
  std::size_t ip_at = p.size();
  std::size_t total = 20 + 8 + payload.size();
  p.insert(p.end(), {0x45, 0x00});
  u16(total);
  p.insert(p.end(), {0x00, 0x01, 0x40, 0x00, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1});
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < 20; i += 2) sum += (p[ip_at + i] << 8) | p[ip_at + i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  p[ip_at + 10] = static_cast<std::uint8_t>(~sum >> 8);
  p[ip_at + 11] = static_cast<std::uint8_t>(~sum);
  // UDP header; checksum 0 means "none" over IPv4.
  u16(src_port);
  u16(dst_port);
  u16(8 + payload.size());
  u16(0);
  p.insert(p.end(), payload.begin(), payload.end());

  pcap_pkthdr h{};
  h.ts.tv_sec = seconds_++;
  h.caplen = h.len = static_cast<bpf_u_int32>(p.size());
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &h, p.data());
}

}  // namespace reload::test
