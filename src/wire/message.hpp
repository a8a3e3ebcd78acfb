// A whole RELOAD message: forwarding header | message contents | security block
// (RFC 6940 section 6.3).
#pragma once

#include <cstdint>

#include <boost/system/result.hpp>

#include "wire/describe.hpp"
#include "wire/forwarding_header.hpp"
#include "wire/message_contents.hpp"
#include "wire/security_block.hpp"

namespace reload::wire {

struct Message {
  ForwardingHeader header;
  MessageContents contents;
  SecurityBlock security;
  // Set by decode_message: the exact encoded MessageContents, which the signature covers.
  // encode_message ignores it.
  Bytes encoded_contents;
};

// Decodes a whole, unfragmented message that fills `b` exactly. Checks the header (token,
// version, fragment bit), that the header's length equals b.size(), that b.size() is within
// ctx.max_message_size, and that nothing follows the security block. A fragment is reported
// as codec_errc::fragmented: reassemble first.
boost::system::result<Message> decode_message(Bytes b, const CodecContext& ctx,
                                              DecodeError* detail = nullptr);

// Encodes `m`, filling in header.length. The header's fragment field is written as given.
boost::system::result<Buffer> encode_message(const Message& m);

// Appends the input of a message signature (section 6.3.4) to `out`:
//   overlay || transaction_id || MessageContents || SignerIdentity
void append_signature_input(Buffer& out, std::uint32_t overlay, std::uint64_t transaction_id,
                            Bytes encoded_contents, const SignerIdentity& signer);

RELOAD_WIRE_DESCRIBE(Message, (header, contents, security))

}  // namespace reload::wire
