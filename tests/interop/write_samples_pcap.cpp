// Writes every sample message (tests/support/sample_messages.hpp) into a pcap, each framed
// (RELOAD data frame) in a UDP datagram to port 6084, followed by an ack frame; and writes
// what Wireshark must show for each frame into a manifest, one line per expected field
// value: "<frame number>\t<wireshark field>\t<value>". The interop test compares the two.
//   write_samples_pcap OUT.pcap OUT.manifest
#include <cstdio>
#include <fstream>

#include "pcap_writer.hpp"
#include "sample_messages.hpp"
#include "wire/codec.hpp"
#include "wire/framing.hpp"
#include "wireshark_expectations.hpp"

using namespace reload;
using namespace reload::wire;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: write_samples_pcap OUT.pcap OUT.manifest\n");
    return 2;
  }
  test::PcapWriter pcap(argv[1]);
  std::ofstream manifest(argv[2]);
  int frame = 0;
  std::uint32_t seq = 0;
  for (const auto& sample : test::sample_messages()) {
    auto framed = encode_to_buffer(FramedMessage{FramedData{seq, sample.bytes}}).value();
    pcap.udp(40000, 6084, framed);
    ++frame;
    manifest << frame << "\tname\t" << sample.name << "\n";
    for (const auto& [field, value] : test::wireshark_expectations(seq, sample.bytes))
      manifest << frame << '\t' << field << '\t' << value << '\n';
    // The peer's acknowledgement of that frame.
    auto ack = encode_to_buffer(FramedMessage{FramedAck{seq, 0x80000001u}}).value();
    pcap.udp(6084, 40000, ack);
    ++frame;
    manifest << frame << "\tname\tack\n"
             << frame << "\treload_framing.type\t129\n"
             << frame << "\treload_framing.ack_sequence\t" << seq << "\n";
    ++seq;
  }
  std::printf("wrote %d frames\n", frame);
  return 0;
}
