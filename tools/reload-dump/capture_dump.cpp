#include "capture_dump.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "detect.hpp"
#include "pcap_source.hpp"
#include "tcp_reassembly.hpp"
#include "wire/forwarding_header.hpp"
#include "wire/framing.hpp"

namespace reload::dump {

using namespace reload::wire;

namespace {

std::string byte_count(std::size_t n) { return n == 1 ? "1 byte" : fmt::format("{} bytes", n); }

std::uint32_t be32(Bytes b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}

// One direction of one TCP connection.
struct Direction {
  enum class Mode { undecided, framed, raw, not_reload, broken };

  explicit Direction(std::size_t max_message_size) : frames(max_message_size) {}

  Mode mode = Mode::undecided;
  TcpReassembler tcp;
  Buffer head;             // undecided: the stream's first bytes
  FrameParser frames;      // framed
  Buffer raw;              // raw: bytes not yet cut into a message
  std::uint64_t cut = 0;   // stream offset of the next unit's first byte
  bool reload_port = false;
};

class CaptureDumper {
 public:
  CaptureDumper(const Dumper& dumper, const PrintOptions& options, Output& out)
      : dumper_(dumper), out_(out), w_(text_, options) {}

  void run(Bytes file) {
    std::string error;
    auto capture = Capture::open(file, error);
    if (!capture) {
      out_.error(error);
      return;
    }
    const int link = capture->link_type();
    while (auto frame = capture->next(error)) {
      ++packet_;
      auto parsed = parse_frame(link, frame->data, frame->data.size() < frame->wire_length);
      if (auto* skipped = std::get_if<Skipped>(&parsed))
        w_.line(fmt::format("packet {}  {}: not RELOAD, skipped", packet_, skipped->reason));
      else
        segment(std::get<Segment>(parsed));
      out_.emit(text_);
    }
    finish();
    out_.emit(text_);
    if (!error.empty()) out_.error(error);
  }

 private:
  std::string describe(const Segment& s) const {
    return fmt::format("packet {}  {} {} -> {}  {}", packet_,
                       s.transport == Segment::Transport::udp ? "udp" : "tcp", s.source,
                       s.destination, byte_count(s.payload.size()));
  }

  // `where` defaults to the current packet.
  static bool on_reload_port(const Segment& s) {
    return s.source_port == reload_port || s.destination_port == reload_port;
  }

  static std::string not_reload(Bytes payload) {
    const char* what = describe_other(payload);
    return *what ? fmt::format(": {}, not RELOAD in the clear, skipped", what)
                 : std::string(": not RELOAD, skipped");
  }

  void fail(const DecodeError& e, const std::string& where = {}) {
    out_.emit(text_);
    out_.error(fmt::format("{}: {}", where.empty() ? fmt::format("packet {}", packet_) : where,
                           e.message()));
  }

  void segment(const Segment& s) {
    if (s.transport == Segment::Transport::udp)
      datagram(s);
    else
      tcp_segment(s);
  }

  void datagram(const Segment& s) {
    Payload kind = detect_payload(s.payload, true, true, on_reload_port(s));
    if (kind == Payload::not_reload) {
      w_.line(describe(s) + not_reload(s.payload));
      return;
    }
    w_.open(describe(s));
    auto e = kind == Payload::framed ? dumper_.frames(w_, s.payload) : dumper_.messages(w_, s.payload);
    w_.close();
    if (e) fail(*e);
  }

  void tcp_segment(const Segment& s) {
    auto key = std::make_pair(s.source, s.destination);
    auto it = streams_.find(key);
    // A SYN with a new initial sequence number: the address pair was reused.
    if (it != streams_.end() && s.syn && it->second->tcp.initial_sequence() != s.seq) {
      streams_.erase(it);
      it = streams_.end();
    }
    if (it == streams_.end()) {
      it = streams_.emplace(key, std::make_unique<Direction>(dumper_.context().max_message_size)).first;
      if (std::find(order_.begin(), order_.end(), key) == order_.end()) order_.push_back(key);
    }
    Direction& d = *it->second;
    auto delivery = d.tcp.add(s.seq, s.syn, s.payload);
    if (s.payload.empty()) return;  // SYN, ACK, FIN: nothing to show

    std::string line = describe(s);
    if (d.mode == Direction::Mode::not_reload) {
      w_.line(line + not_reload(s.payload));
      return;
    }
    d.reload_port = on_reload_port(s);
    if (d.mode == Direction::Mode::broken) {
      w_.line(line + ": skipped (this stream failed to decode earlier)");
      return;
    }
    if (delivery.retransmission) {
      w_.line(line + " (retransmission, ignored)");
      return;
    }
    if (delivery.held) {
      w_.line(line + " (out of order, held until the gap is filled)");
      return;
    }
    line += fmt::format(" (stream bytes {}-{})", delivery.offset,
                        delivery.offset + delivery.data.size() - 1);
    Buffer data = std::move(delivery.data);
    if (d.mode == Direction::Mode::undecided) {
      d.head.insert(d.head.end(), data.begin(), data.end());
      if (!decide(d, false)) {
        w_.line(line + (d.mode == Direction::Mode::not_reload ? not_reload(d.head) : ""));
        return;
      }
      data = std::move(d.head);
      d.head.clear();
    }
    w_.open(line);
    auto e = feed(d, data);
    w_.close();
    if (e) broken(d, *e);
  }

  // Decides framed or raw from the stream's first bytes; false while undecided or not RELOAD.
  static bool decide(Direction& d, bool whole) {
    switch (detect_payload(d.head, false, whole, d.reload_port)) {
      case Payload::framed: d.mode = Direction::Mode::framed; return true;
      case Payload::raw: d.mode = Direction::Mode::raw; return true;
      case Payload::not_reload: d.mode = Direction::Mode::not_reload; return false;
      case Payload::need_more: return false;
    }
    return false;
  }

  // Cuts and prints the units that `data` completes; the first error ends the stream.
  std::optional<DecodeError> feed(Direction& d, Bytes data) {
    if (d.mode == Direction::Mode::framed) return feed_frames(d, data);
    if (d.mode == Direction::Mode::raw) return feed_messages(d, data);
    return std::nullopt;
  }

  void broken(Direction& d, const DecodeError& e, const std::string& where = {}) {
    d.mode = Direction::Mode::broken;
    d.raw.clear();
    fail(e, where);
  }

  std::optional<DecodeError> feed_frames(Direction& d, Bytes data) {
    d.frames.put(data);
    for (;;) {
      boost::system::error_code ec;
      auto frame = d.frames.next(ec);
      if (ec) {
        bool too_long = ec == codec_errc::length_exceeds_limit;
        return DecodeError{ec, d.cut + (too_long ? 5 : 0),
                           too_long ? "FramedMessage.message (max-message-size)"
                                    : "FramedMessage.type"};
      }
      if (!frame) return std::nullopt;
      std::size_t size = std::holds_alternative<FramedAck>(*frame)
                             ? 9
                             : 8 + std::get<FramedData>(*frame).message.size();
      auto e = dumper_.frame(w_, *frame, d.cut, true);
      d.cut += size;
      if (e) return e;
    }
  }

  std::optional<DecodeError> feed_messages(Direction& d, Bytes data) {
    d.raw.insert(d.raw.end(), data.begin(), data.end());
    std::size_t pos = 0;
    while (d.raw.size() - pos >= 20) {
      Bytes rest(d.raw.data() + pos, d.raw.size() - pos);
      std::optional<DecodeError> e;
      std::size_t length = be32(rest, 16);
      if (be32(rest, 0) != relo_token)
        e = DecodeError{make_error_code(codec_errc::bad_relo_token), d.cut,
                        "ForwardingHeader.relo_token"};
      else if (length < fixed_header_size)
        e = DecodeError{make_error_code(codec_errc::length_mismatch), d.cut + 16,
                        "ForwardingHeader.length"};
      else if (length > dumper_.context().max_message_size)
        e = DecodeError{make_error_code(codec_errc::length_exceeds_limit), d.cut + 16,
                        "ForwardingHeader.length (max-message-size)"};
      else if (length > rest.size())
        break;  // wait for the rest
      else
        e = dumper_.message(w_, rest.first(length), d.cut, true);
      if (e) return e;
      pos += length;
      d.cut += length;
    }
    d.raw.erase(d.raw.begin(), d.raw.begin() + static_cast<std::ptrdiff_t>(pos));
    return std::nullopt;
  }

  void finish() {
    for (const auto& key : order_) {
      auto it = streams_.find(key);
      if (it == streams_.end()) continue;
      Direction& d = *it->second;
      std::string stream = fmt::format("tcp {} -> {}", key.first, key.second);
      if (d.mode == Direction::Mode::undecided && !d.head.empty() && decide(d, true)) {
        Buffer data = std::move(d.head);
        w_.open(fmt::format("end of capture: {}", stream));
        auto e = feed(d, data);
        w_.close();
        if (e) broken(d, *e, "end of capture: " + stream);
      }
      std::size_t left = d.mode == Direction::Mode::framed ? d.frames.buffered()
                         : d.mode == Direction::Mode::raw  ? d.raw.size()
                                                           : 0;
      if (left > 0)
        w_.line(fmt::format("end of capture: {}: {} at stream byte {} do not make a whole {}",
                            stream, byte_count(left), d.cut,
                            d.mode == Direction::Mode::framed ? "frame" : "message"));
      if (d.tcp.held_bytes() > 0 && d.mode != Direction::Mode::not_reload)
        w_.line(fmt::format("end of capture: {}: {} after stream byte {} never followed a "
                            "missing segment",
                            stream, byte_count(d.tcp.held_bytes()), d.tcp.delivered()));
    }
  }

  const Dumper& dumper_;
  Output& out_;
  std::string text_;
  TreeWriter w_;
  std::size_t packet_ = 0;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Direction>> streams_;
  std::vector<std::pair<std::string, std::string>> order_;
};

}  // namespace

void dump_capture(Bytes file, const Dumper& dumper, const PrintOptions& options, Output& out) {
  CaptureDumper(dumper, options, out).run(file);
}

}  // namespace reload::dump
