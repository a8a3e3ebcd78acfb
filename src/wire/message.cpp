#include "wire/message.hpp"

namespace reload::wire {

boost::system::result<Message> decode_message(Bytes b, const CodecContext& ctx,
                                              DecodeError* detail) {
  Reader r(b);
  Message m;
  auto failed = [&]() -> boost::system::result<Message> {
    if (detail) *detail = r.error();
    return r.error().ec;
  };
  if (b.size() > ctx.max_message_size) {
    r.fail(codec_errc::length_exceeds_limit, "message size (max-message-size)");
    return failed();
  }
  decode(r, m.header, ctx);
  if (!r.ok()) return failed();
  if (m.header.length != b.size()) {
    r.fail_at(16, codec_errc::length_mismatch, "ForwardingHeader.length");
    return failed();
  }
  if (!m.header.is_whole()) {
    r.fail_at(12, codec_errc::fragmented, "ForwardingHeader.fragment");
    return failed();
  }
  std::size_t contents_start = r.offset();
  decode(r, m.contents, ctx);
  if (!r.ok()) return failed();
  m.encoded_contents = b.subspan(contents_start, r.offset() - contents_start);
  decode(r, m.security, ctx);
  r.expect_end("end of message");
  if (!r.ok()) return failed();
  return m;
}

boost::system::result<Buffer> encode_message(const Message& m) {
  Buffer out;
  out.reserve(fixed_header_size + 64 + m.contents.message_body.size());
  Writer w(out);
  encode(w, m.header);
  encode(w, m.contents);
  encode(w, m.security);
  if (!w.ok()) return w.error();
  if (out.size() > 0xffffffffu) return make_error_code(codec_errc::value_too_long);
  w.patch(16, 4, out.size());
  return out;
}

void append_signature_input(Buffer& out, std::uint32_t overlay, std::uint64_t transaction_id,
                            Bytes encoded_contents, const SignerIdentity& signer) {
  Writer w(out);
  w.u32(overlay);
  w.u64(transaction_id);
  w.raw(encoded_contents);
  encode(w, signer);
}

}  // namespace reload::wire
