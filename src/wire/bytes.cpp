#include "wire/bytes.hpp"

#include <iterator>

#include <boost/algorithm/hex.hpp>

namespace reload::wire {

std::string to_hex(Bytes b) {
  std::string out;
  out.reserve(b.size() * 2);
  boost::algorithm::hex_lower(b.begin(), b.end(), std::back_inserter(out));
  return out;
}

bool from_hex(std::string_view hex, Buffer& out) {
  out.clear();
  try {
    boost::algorithm::unhex(hex.begin(), hex.end(), std::back_inserter(out));
  } catch (const boost::algorithm::hex_decode_error&) {
    out.clear();
    return false;
  }
  return true;
}

}  // namespace reload::wire
