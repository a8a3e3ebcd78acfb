// pcap/pcapng mode: a line per packet, then the tree of each RELOAD unit it completes. UDP
// payloads are decoded one datagram at a time; TCP payloads are put in order per direction of
// each connection and cut into frames (wire::FrameParser) or messages (by their header's
// length). Error offsets are within the UDP payload, or within the TCP stream of that direction.
#pragma once

#include "dump.hpp"
#include "output.hpp"
#include "wire/bytes.hpp"
#include "wire/print.hpp"

namespace reload::dump {

void dump_capture(wire::Bytes file, const Dumper& dumper, const wire::PrintOptions& options,
                  Output& out);

}  // namespace reload::dump
