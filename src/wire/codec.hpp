// The whole-value entry points: decode a structure that must fill a byte string exactly, and
// encode a structure into a fresh buffer. Every structure T of the codec provides
//   void decode(Reader&, T&, const CodecContext&);
//   void encode(Writer&, const T&);
// found by argument-dependent lookup.
#pragma once

#include <boost/system/result.hpp>

#include "wire/codec_context.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

// Decodes a T that must use every byte of `b` (trailing bytes are an error). On failure,
// `detail` (if given) receives the offset and field.
template <class T>
boost::system::result<T> decode_exact(Bytes b, const CodecContext& ctx,
                                      DecodeError* detail = nullptr) {
  Reader r(b);
  T value{};
  decode(r, value, ctx);
  r.expect_end("end of structure");
  if (!r.ok()) {
    if (detail) *detail = r.error();
    return r.error().ec;
  }
  return value;
}

template <class T>
boost::system::result<Buffer> encode_to_buffer(const T& value) {
  Buffer out;
  Writer w(out);
  encode(w, value);
  if (!w.ok()) return w.error();
  return out;
}

}  // namespace reload::wire
