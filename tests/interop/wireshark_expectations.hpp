// What Wireshark's RELOAD dissector must display for a message the project encoded, as
// (field name, value) pairs in tshark's `-T fields` text form, computed from the codec's own
// decoding of the message. The interop test checks every pair against tshark's output.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "wire/bytes.hpp"

namespace reload::test {

using FieldValue = std::pair<std::string, std::string>;

std::vector<FieldValue> wireshark_expectations(std::uint32_t frame_sequence,
                                               wire::Bytes message);

}  // namespace reload::test
