// Getting the bytes to decode: a file (or standard input) and hex typed on the command line.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wire/bytes.hpp"

namespace reload::dump {

// The whole file, or standard input for "-". On failure, nullopt and a one-line reason
// ("cannot open 'x': No such file or directory").
std::optional<wire::Buffer> read_input(const std::string& path, std::string& error);

// Hex as people paste it: whitespace, colons and a 0x prefix (on the whole string or on each
// group) are ignored, case does not matter. On failure, nullopt and a one-line reason naming
// the character position.
std::optional<wire::Buffer> parse_hex(std::string_view text, std::string& error);

}  // namespace reload::dump
