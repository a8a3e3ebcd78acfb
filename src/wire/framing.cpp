#include "wire/framing.hpp"

namespace reload::wire {

void decode(Reader& r, FramedMessage& f, const CodecContext&) {
  std::size_t at = r.offset();
  auto type = static_cast<FramedMessageType>(r.u8("FramedMessage.type"));
  if (!r.ok()) return;
  switch (type) {
    case FramedMessageType::data: {
      FramedData d;
      d.sequence = r.u32("FramedMessage.sequence");
      d.message = r.opaque(3, "FramedMessage.message");
      f = d;
      break;
    }
    case FramedMessageType::ack: {
      FramedAck a;
      a.ack_sequence = r.u32("FramedMessage.ack_sequence");
      a.received = r.u32("FramedMessage.received");
      f = a;
      break;
    }
    default:
      r.fail_at(at, codec_errc::unknown_type, "FramedMessage.type");
  }
}

namespace {
struct FrameEncoder {
  Writer& w;
  void operator()(const FramedData& d) const {
    w.u8(static_cast<std::uint8_t>(FramedMessageType::data));
    w.u32(d.sequence);
    w.opaque(3, d.message, "FramedMessage.message");
  }
  void operator()(const FramedAck& a) const {
    w.u8(static_cast<std::uint8_t>(FramedMessageType::ack));
    w.u32(a.ack_sequence);
    w.u32(a.received);
  }
};
}  // namespace

void encode(Writer& w, const FramedMessage& f) { std::visit(FrameEncoder{w}, f); }

void FrameParser::put(Bytes data) {
  // Drop what was consumed before appending, so the buffer holds at most one partial frame
  // plus the new bytes.
  if (start_ > 0) {
    // A link that took in a burst keeps no burst-sized buffer once the burst is consumed:
    // tens of mostly idle links each holding a 16 KiB read's worth add up.
    if (start_ == buf_.size() && buf_.capacity() > kept_capacity)
      Buffer().swap(buf_);
    else
      buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  buf_.insert(buf_.end(), data.begin(), data.end());
}

std::optional<FramedMessage> FrameParser::next(boost::system::error_code& ec) {
  ec = {};
  if (broken_) {
    ec = make_error_code(codec_errc::invalid_value);
    return std::nullopt;
  }
  Bytes avail(buf_.data() + start_, buf_.size() - start_);
  if (avail.empty()) return std::nullopt;
  std::size_t need = 0;
  switch (static_cast<FramedMessageType>(avail[0])) {
    case FramedMessageType::ack: need = 9; break;
    case FramedMessageType::data: {
      if (avail.size() < 8) return std::nullopt;
      std::size_t len = (std::size_t{avail[5]} << 16) | (std::size_t{avail[6]} << 8) | avail[7];
      if (len > max_) {
        broken_ = true;
        ec = make_error_code(codec_errc::length_exceeds_limit);
        return std::nullopt;
      }
      need = 8 + len;
      break;
    }
    default:
      broken_ = true;
      ec = make_error_code(codec_errc::unknown_type);
      return std::nullopt;
  }
  if (avail.size() < need) return std::nullopt;
  Reader r(avail.first(need));
  FramedMessage f;
  decode(r, f, CodecContext{});
  start_ += need;
  return f;
}

}  // namespace reload::wire
